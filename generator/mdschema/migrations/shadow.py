"""Shadow databases: where revisions are planned and proven, never a user's database.

The server is the project's embedded one (whatever $DATABASE_URL says), or $MDSCHEMA_SHADOW_URL, an admin
URL of a server of your choice (a CI service container, a test suite's one server). The migration head
lives in a template database keyed by the versions' content and is cloned (`CREATE DATABASE … TEMPLATE`,
milliseconds) instead of replayed; the models' schema is read inside a rolled-back transaction.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mdschema.catalog.snapshot import Snapshot, snapshot
from mdschema.config import Config
from mdschema.database import (
    DatabaseError,
    Target,
    connect,
    create_database,
    database_exists,
    database_url,
    drop_database,
    normalize_url,
    session_database,
)
from mdschema.migrations.models import models_script
from mdschema.migrations.project import (
    MigrationError,
    ShadowViolation,
    reason,
    run_alembic,
    versions_hash,
)
from mdschema.util.redact import redact
from mdschema.util.sql_text import quote_ident, quote_literal

SHADOW_URL_ENV = "MDSCHEMA_SHADOW_URL"
HEAD_PREFIX = "mds_head_"
# Always empty: the models are built there inside transactions that are rolled back (models_snapshot).
SCRATCH_DB = "mds_scratch"
SCRATCH_LOCK_KEY = int.from_bytes(hashlib.sha256(b"mdschema scratch").digest()[:8], "big", signed=True)
# Held shared while a head template is read, exclusive while old templates are dropped.
HEAD_LOCK_KEY = int.from_bytes(hashlib.sha256(b"mdschema head templates").digest()[:8], "big", signed=True)


@contextmanager
def shadow_server(root: Path) -> Iterator[Target]:
    """The server shadow databases are made on: $MDSCHEMA_SHADOW_URL, else the project's embedded one."""
    shadow_url = os.environ.get(SHADOW_URL_ENV)
    if shadow_url:
        url = normalize_url(shadow_url)
        try:
            connect(url).close()
        except DatabaseError as exc:
            raise DatabaseError(
                f"{exc}\n  (this is {SHADOW_URL_ENV}, the server for shadow databases: fix it, "
                "or unset it to use the embedded server)"
            ) from None
        yield Target(url=url, embedded=True, display=redact(url))
        return
    saved = os.environ.pop("DATABASE_URL", None)
    try:
        with session_database(root, None) as target:
            if saved is not None:
                os.environ["DATABASE_URL"] = saved
                saved = None
            yield target
    finally:
        if saved is not None:
            os.environ["DATABASE_URL"] = saved


# Every shadow database this process made carries this setting (ALTER DATABASE … SET), with a secret
# of the process as its value: the proof checks it on every connection before any statement runs.
MARK_SETTING = "mdschema.shadow"


@dataclass(slots=True)
class Shadows:
    """The shadow databases one command made; all dropped when it ends (see `shadows`)."""

    admin_url: str
    names: list[str]
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    progress: Callable[[str], None] = field(default=lambda message: None)  # for steps that take seconds

    def new(self, label: str) -> str:
        name = f"mds_{label}_{uuid.uuid4().hex[:10]}"
        self.names.append(name)
        return name

    def url(self, name: str) -> str:
        return database_url(self.admin_url, name)

    def create(self, label: str, template: str | None = None) -> str:
        """A new shadow database (a clone of `template` when given), marked as ours."""
        name = self.new(label)
        create_database(self.admin_url, name, template=template)
        self.mark(name)
        return name

    def mark(self, name: str) -> None:
        with connect(self.admin_url) as conn:
            conn.execute(
                f"ALTER DATABASE {quote_ident(name)} SET {MARK_SETTING} = {quote_literal(self.token)}"
            )

    @contextmanager
    def guard(self, name: str) -> Iterator[None]:
        """While the block runs, every new database connection made through SQLAlchemy (whatever
        alembic/env.py does) must reach shadow database `name` of this process, or it is refused before
        a single statement runs on it."""
        from sqlalchemy import event
        from sqlalchemy.pool import Pool

        token = self.token

        def check(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(f"SELECT current_database(), current_setting('{MARK_SETTING}', true)")
                row = cursor.fetchone()
            finally:
                cursor.close()
            if row is None or row[0] != name or row[1] != token:
                dbapi_connection.close()
                raise ShadowViolation(
                    f"alembic/env.py connected to database {row[0] if row else '?'!r}, not to mdschema's "
                    f"shadow database {name!r}: mdschema proves revisions only on databases it created, so "
                    "nothing ran there. Make env.py use the URL mdschema passes (config.attributes['url'] "
                    "or sqlalchemy.url), e.g. `from mdschema.migrations.env import run; run(package=...)`"
                )

        event.listen(Pool, "connect", check)
        try:
            yield
        finally:
            event.remove(Pool, "connect", check)


@contextmanager
def shadows(admin_url: str, progress: Callable[[str], None] | None = None) -> Iterator[Shadows]:
    s = Shadows(admin_url, [])
    if progress is not None:
        s.progress = progress
    try:
        yield s
    finally:
        for name in s.names:
            try:
                drop_database(admin_url, name)
            except Exception:  # noqa: BLE001 - cleanup must not hide the real error
                pass


def read_snapshot(url: str, exclude: frozenset[str]) -> Snapshot:
    with connect(url) as conn:
        return snapshot(conn, exclude_tables=exclude)


# --- the migration head ---------------------------------------------------------------------------


def head_template(config: Config, sh: Shadows) -> str:
    """The cached template database at the migration head, replayed once per content of the versions."""
    template = HEAD_PREFIX + versions_hash(config)
    if not database_exists(sh.admin_url, template):
        count = len(list((config.root / config.migrations / "versions").glob("*.py")))
        sh.progress(f"replaying {count} revision(s) into a shadow database (cached afterwards)")
        building = sh.create("build")
        upgrade_shadow(config, sh, building, "head")
        with connect(sh.admin_url) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (HEAD_LOCK_KEY,))  # no template is being read
            for (old,) in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", (HEAD_PREFIX + "%",)
            ).fetchall():
                conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
            conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        sh.names.remove(building)
    return template


def head_clone(config: Config, sh: Shadows, label: str = "head") -> str:
    """A fresh database at the migration head: a clone of the cached template."""
    return sh.create(label, template=head_template(config, sh))


def upgrade_shadow(config: Config, sh: Shadows, name: str, revision: str, action: str = "upgrade") -> None:
    """`alembic upgrade|downgrade <revision>` on shadow database `name`, and nowhere else."""
    url = sh.url(name)
    with sh.guard(name):
        run_alembic(config, url, True, action, revision, sql=False)


def read_head_template(config: Config, sh: Shadows, exclude: frozenset[str]) -> Snapshot:
    """The catalog at the migration head, read from the template itself: no clone, no CREATE DATABASE."""
    for _ in range(3):
        template = head_template(config, sh)
        with connect(sh.admin_url) as guard:
            guard.execute("SELECT pg_advisory_lock_shared(%s)", (HEAD_LOCK_KEY,))
            if guard.execute("SELECT 1 FROM pg_database WHERE datname = %s", (template,)).fetchone():
                return read_snapshot(sh.url(template), exclude)
    raise MigrationError(f"the migration head template {template} kept being replaced; try again")


# --- the models' schema ---------------------------------------------------------------------------


def materialize(url: str, models: Any) -> None:
    """Build what the models say into the empty database at `url`: one script, one round trip."""
    script = models_script(models)
    with connect(url) as conn:
        try:
            conn.execute(script)  # type: ignore[call-overload]
        except Exception as exc:  # noqa: BLE001
            raise MigrationError(f"the models cannot be created in PostgreSQL: {reason(exc)}") from None


def models_snapshot(admin_url: str, models: Any, exclude: frozenset[str]) -> Snapshot:
    """The catalog of what the models create, without creating a database: the script runs in a
    transaction in the always-empty scratch database, is read back there, and is rolled back.
    (CREATE DATABASE costs ~1-2 s of fsync; a rolled-back transaction commits nothing.)"""
    script = models_script(models)
    with connect(database_url(admin_url, _scratch_database(admin_url))) as conn:
        with conn.transaction(force_rollback=True):
            # one user at a time: two different scripts in one database could deadlock on catalog rows
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCRATCH_LOCK_KEY,))
            try:
                conn.execute(script)  # type: ignore[call-overload]
            except Exception as exc:  # noqa: BLE001
                raise MigrationError(f"the models cannot be created in PostgreSQL: {reason(exc)}") from None
            return snapshot(conn, exclude_tables=exclude)


def _scratch_database(admin_url: str) -> str:
    if not database_exists(admin_url, SCRATCH_DB):
        try:
            create_database(admin_url, SCRATCH_DB)
        except DatabaseError:
            if not database_exists(admin_url, SCRATCH_DB):  # else another process just made it
                raise
    return SCRATCH_DB


def desired_clone(models: Any, sh: Shadows) -> str:
    """A new shadow database holding what the models create."""
    name = sh.create("desired")
    materialize(sh.url(name), models)
    return name
