"""Shadow databases: where revisions are planned and proven, never a user's database.

The server is the project's embedded one (whatever $DATABASE_URL says), or $MDSCHEMA_SHADOW_URL, an admin
URL of a server of your choice (a CI service container, a test suite's one server). The migration head
lives in a template database keyed by the versions' content and is cloned (`CREATE DATABASE … TEMPLATE`,
milliseconds) instead of replayed; the models' schema is read inside a rolled-back transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mdschema.catalog.snapshot import ALL_SCHEMAS, Snapshot, snapshot
from mdschema.config import Config
from mdschema.database import (
    DatabaseError,
    Target,
    connect,
    conninfo,
    create_database,
    database_exists,
    database_url,
    drop_database,
    normalize_url,
    session_database,
)
from mdschema.migrations.models import models_script
from mdschema.migrations.platform import missing_function_hint
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
TEMPLATE_PREFIX = "mds_template_"
# Always empty: the models are built there inside transactions that are rolled back (models_snapshot).
SCRATCH_DB = "mds_scratch"
SCRATCH_LOCK_KEY = int.from_bytes(hashlib.sha256(b"mdschema scratch").digest()[:8], "big", signed=True)


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
    jobs: list[Background] = field(default_factory=list)  # work on threads (see Background)
    # False when the server outlives the command: the drops are then finished by a detached process
    # (DROP DATABASE forces a checkpoint, ~1 s, that nobody needs to wait for)
    wait_for_drops: bool = True

    def new(self, label: str) -> str:
        name = f"mds_{label}_{int(time.time()):x}_{uuid.uuid4().hex[:8]}"
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
def shadows(
    admin_url: str,
    progress: Callable[[str], None] | None = None,
    wait_for_drops: bool = True,
    roles: Sequence[str] = (),
) -> Iterator[Shadows]:
    """The shadow databases of one command, all dropped when the block ends: right away (waiting), or,
    with `wait_for_drops=False` (a server that stays up), by a detached process that waits instead.
    `roles` (the config's): made on the shadow server first, for the docs' policies (migrations/roles.py)."""
    if roles:
        from mdschema.migrations.roles import ensure_roles

        ensure_roles(admin_url, roles)
    s = Shadows(admin_url, [], wait_for_drops=wait_for_drops)
    if progress is not None:
        s.progress = progress
    try:
        yield s
    finally:
        for job in s.jobs:
            job.wait()  # its clone, if any, is in s.names now
        names = list(s.names)
        if names and not (s.wait_for_drops is False and drop_later(admin_url, names)):
            for name in names:
                try:
                    drop_database(admin_url, name)
                except Exception:  # noqa: BLE001 - cleanup must not hide the real error
                    pass


def drop_later(admin_url: str, names: list[str]) -> bool:
    """Hand the drops to a detached process (`python -m mdschema.migrations.dropper`), which outlives
    this one and waits for each DROP; False when it could not be started (the caller then drops).
    The URL goes through a pipe, never the command line (no password in `ps`)."""
    import mdschema

    env = dict(os.environ)
    package_parent = str(Path(mdschema.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "mdschema.migrations.dropper"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # a Ctrl-C in the terminal does not reach it
        )
        assert child.stdin is not None
        child.stdin.write(json.dumps({"admin_url": admin_url, "names": names}).encode())
        child.stdin.close()
    except OSError:
        return False
    return True


def read_snapshot(
    url: str, exclude: frozenset[str], schemas: Collection[str] | str = ALL_SCHEMAS
) -> Snapshot:
    """The catalog at `url`: by default every schema in it (a shadow database holds only what mdschema
    built, so a schema whose CREATE SCHEMA the docs dropped is seen); pass the managed schemas for a
    database that is not a shadow."""
    with connect(url) as conn:
        return snapshot(conn, exclude_tables=exclude, schemas=schemas)


# --- the migration head ---------------------------------------------------------------------------
#
# One template database per content of the versions folder, shared by every process (and project) on
# the server. Locks (advisory, taken on the admin database, so every process on the server sees them):
# SERVER_LOCK shared while a template is used, exclusive while templates are renamed or dropped;
# a per-template lock while a connection is open to it or it is being cloned (PostgreSQL refuses to
# clone a database that has other sessions).

SERVER_LOCK = int.from_bytes(hashlib.sha256(b"mdschema shadow server").digest()[:8], "big", signed=True)
KEEP_TEMPLATES = 8  # per server: the newest ones; older ones are dropped when a new one is made
STALE_SECONDS = 2 * 3600  # shadows of a process that died are dropped once this old


def _template_lock(name: str) -> int:
    return int.from_bytes(
        hashlib.sha256(b"mdschema template " + name.encode()).digest()[:8], "big", signed=True
    )


def _usable(conn: Any, name: str) -> bool:
    """The database exists and is valid (PostgreSQL 15+ marks one a DROP was interrupted in with -2)."""
    row = conn.execute("SELECT datconnlimit FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None and row[0] != -2


@contextmanager
def using_head(config: Config, sh: Shadows) -> Iterator[str]:
    """The template database at the migration head (built on first use), kept from being dropped or
    renamed while the block runs."""
    template = TEMPLATE_PREFIX + versions_hash(config)
    with connect(sh.admin_url) as guard:
        guard.execute("SELECT pg_advisory_lock_shared(%s)", (SERVER_LOCK,))
        _drop_invalid(guard)
        if not _usable(guard, template):
            guard.execute("SELECT pg_advisory_unlock_shared(%s)", (SERVER_LOCK,))
            _build_template(config, sh, template)
            guard.execute("SELECT pg_advisory_lock_shared(%s)", (SERVER_LOCK,))
            if not _usable(guard, template):  # pragma: no cover - would need KEEP_TEMPLATES builds at once
                raise MigrationError(f"the migration head template {template} was dropped again; try again")
        yield template


@contextmanager
def holding(sh: Shadows, template: str) -> Iterator[None]:
    """The per-template lock: one connection to (or clone of) the template at a time."""
    with connect(sh.admin_url) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_template_lock(template),))
        yield


def _build_template(config: Config, sh: Shadows, template: str) -> None:
    count = len(list((config.root / config.migrations / "versions").glob("*.py")))
    sh.progress(f"replaying {count} revision(s) into a shadow database (cached afterwards)")
    building = sh.create("build")
    upgrade_shadow(config, sh, building, "head")
    with connect(sh.admin_url) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (SERVER_LOCK,))  # no template is in use now
        _drop_leftovers(conn)
        if _usable(conn, template):
            return  # another process built the same head meanwhile; ours is dropped with the shadows
        conn.execute(f"DROP DATABASE IF EXISTS {quote_ident(template)}")  # an invalid one, if any
        conn.execute(f"ALTER DATABASE {quote_ident(building)} RENAME TO {quote_ident(template)}")
        sh.names.remove(building)
        old = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s ORDER BY oid DESC OFFSET %s",
            (TEMPLATE_PREFIX.replace("_", r"\_") + "%", KEEP_TEMPLATES),
        ).fetchall()
        for (name,) in old:
            conn.execute(f"DROP DATABASE IF EXISTS {quote_ident(name)} WITH (FORCE)")


def _drop_invalid(conn: Any) -> None:
    """Shadows a DROP was interrupted in: nobody can use them, so they go without waiting for anyone."""
    rows = conn.execute("SELECT datname FROM pg_database WHERE datconnlimit = -2 AND datname LIKE 'mds\\_%'")
    for (name,) in rows.fetchall():
        conn.execute(f"DROP DATABASE IF EXISTS {quote_ident(name)}")


def _drop_leftovers(conn: Any) -> None:
    """Databases an interrupted command left: invalid ones (a DROP cut short), and shadows of processes
    that died, once they are old enough that no running command can still own them."""
    rows = conn.execute(
        "SELECT d.datname, d.datconnlimit, coalesce(s.numbackends, 0) FROM pg_database d "
        "LEFT JOIN pg_stat_database s ON s.datid = d.oid WHERE d.datname LIKE 'mds\\_%'"
    ).fetchall()
    now = time.time()
    for name, connlimit, backends in rows:
        born = _born(name)
        stale = born is not None and now - born > STALE_SECONDS and backends == 0
        if connlimit == -2 or stale:
            conn.execute(f"DROP DATABASE IF EXISTS {quote_ident(name)}")


def _born(name: str) -> float | None:
    """When a shadow database was made, from its name (`mds_<label>_<hex seconds>_<random>`)."""
    parts = name.split("_")
    if len(parts) >= 4 and not name.startswith((TEMPLATE_PREFIX, SCRATCH_DB)):
        try:
            return float(int(parts[-2], 16))
        except ValueError:
            return None
    return None


def head_clone(config: Config, sh: Shadows, label: str = "head") -> str:
    """A fresh database at the migration head: a clone of the cached template."""
    with using_head(config, sh) as template, holding(sh, template):
        return sh.create(label, template=template)


class Background:
    """`fn(*args)` on a thread (or right here when `now`), while the caller goes on: the server copies
    or builds while this process imports and compiles. `result()` waits and returns what `fn` returned,
    or raises what it raised. A thread is only given work whose modules are imported already (a module
    imported by two threads at once can be seen half made). `shadows` waits for every job of its
    Shadows before dropping anything."""

    def __init__(self, sh: Shadows, fn: Callable[..., Any], *args: Any, now: bool = False) -> None:
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(fn, args), name="mdschema-shadow", daemon=True
        )
        sh.jobs.append(self)
        if now:
            self._run(fn, args)
        else:
            self._thread.start()

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            self._value = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by result()
            self._error = exc

    def wait(self) -> None:
        if self._thread.ident is not None:
            self._thread.join()

    def result(self) -> Any:
        self.wait()
        if self._error is not None:
            raise self._error
        return self._value


def start_head_clone(config: Config, sh: Shadows, label: str = "head") -> Background:
    """Start making a head clone (`head_clone`); `.result()` is its name. The first time, when the head
    is replayed (Alembic, env.py, the models: imports), the job runs here before returning."""
    conninfo(sh.admin_url)  # imports the URL parser (SQLAlchemy's) on this thread
    with connect(sh.admin_url) as conn:
        ready = _usable(conn, TEMPLATE_PREFIX + versions_hash(config))
    return Background(sh, head_clone, config, sh, label, now=not ready)


def upgrade_shadow(config: Config, sh: Shadows, name: str, revision: str, action: str = "upgrade") -> None:
    """`alembic upgrade|downgrade <revision>` on shadow database `name`, and nowhere else."""
    url = sh.url(name)
    with sh.guard(name):
        run_alembic(config, url, True, action, revision, sql=False)


def read_head_template(config: Config, sh: Shadows, exclude: frozenset[str]) -> Snapshot:
    """The catalog at the migration head, read from the template itself: no clone, no CREATE DATABASE."""
    with using_head(config, sh) as template, holding(sh, template):
        return read_snapshot(sh.url(template), exclude)


# --- the models' schema ---------------------------------------------------------------------------


def materialize(url: str, models: Any) -> None:
    """Build what the models say into the empty database at `url`: one script, one round trip."""
    script = models_script(models)
    with connect(url) as conn:
        try:
            conn.execute(script)  # type: ignore[call-overload]
        except Exception as exc:  # noqa: BLE001
            why = reason(exc)
            raise MigrationError(
                f"the models cannot be created in PostgreSQL: {why}{missing_function_hint(why)}"
            ) from None


def models_snapshot(admin_url: str, models: Any, exclude: frozenset[str]) -> Snapshot:
    """The catalog of what the models create, without creating a database: the script runs in a
    transaction in the always-empty scratch database, is read back there, and is rolled back.
    (CREATE DATABASE costs ~1-2 s of fsync; a rolled-back transaction commits nothing.)"""
    script = models_script(models)
    with connect(database_url(admin_url, _scratch_database(admin_url))) as conn:
        return _scratch_snapshot(conn, script, exclude)


def start_models_snapshot(sh: Shadows, models: Any, exclude: frozenset[str]) -> Background:
    """`models_snapshot` with the server's part on a thread: the script is compiled (SQLAlchemy) and the
    connection made here; building it in the scratch database and reading it back run alongside."""
    script = models_script(models)
    conn = connect(database_url(sh.admin_url, _scratch_database(sh.admin_url)))

    def build() -> Snapshot:
        with conn:
            return _scratch_snapshot(conn, script, exclude)

    return Background(sh, build)


def _scratch_snapshot(conn: Any, script: bytes, exclude: frozenset[str]) -> Snapshot:
    with conn.transaction(force_rollback=True):
        # one user at a time: two different scripts in one database could deadlock on catalog rows
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCRATCH_LOCK_KEY,))
        try:
            conn.execute(script)
        except Exception as exc:  # noqa: BLE001
            why = reason(exc)
            raise MigrationError(
                f"the models cannot be created in PostgreSQL: {why}{missing_function_hint(why)}"
            ) from None
        return snapshot(conn, exclude_tables=exclude, schemas=ALL_SCHEMAS)


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


def require_extensions(admin_url: str, extensions: Any) -> None:
    """Refuse, before anything is built, when the shadow server lacks an extension the docs create:
    PostgreSQL's own "is not available" would come mid-proof, without the doc line or a way out.
    `extensions`: the Schema's Extension records (name, span)."""
    wanted = {e.name: e for e in extensions}
    if not wanted:
        return
    with connect(admin_url) as conn:
        rows = conn.execute(
            "SELECT name FROM pg_available_extensions WHERE name = ANY(%s)", (sorted(wanted),)
        ).fetchall()
    missing = sorted(set(wanted) - {str(r[0]) for r in rows})
    if not missing:
        return
    names = ", ".join(missing)
    if os.environ.get(SHADOW_URL_ENV):
        server = f"the shadow server {SHADOW_URL_ENV} names ({redact(admin_url)})"
        way_out = f"  install {names} on that server, or point {SHADOW_URL_ENV} at one that has it"
    else:
        server = "the embedded PostgreSQL (it has only the extensions its wheel ships)"
        way_out = (
            f"  set {SHADOW_URL_ENV} to a PostgreSQL server that has {names}: mdschema creates its shadow "
            "databases there and drops them, and touches nothing else"
        )
    lines = [f"{wanted[name].span}: extension {name} is not available on {server}" for name in missing]
    lines.append(way_out)
    raise MigrationError("\n".join(lines))
