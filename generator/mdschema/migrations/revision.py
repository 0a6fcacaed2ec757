"""Models ↔ PostgreSQL: shadow databases, revisions proven before they are kept, upgrade/downgrade.

`mdschema revision` regenerates the models, replays alembic/versions/ into a shadow database (a
clone of a cached template keyed by the versions' content), materialises the models into a second
shadow database, diffs the two catalogs (catalog.py), plans operations (planner.py), writes an
ordinary Alembic revision, and proves it on the shadow: upgrade → no diff left, downgrade → exactly
the previous head, upgrade again. Any failure: no file is kept, and the error names the step.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mdschema.catalog.snapshot import Snapshot, describe, diff, snapshot
from mdschema.config import Config
from mdschema.database import (
    DatabaseError,
    Target,
    connect,
    create_database,
    database_exists,
    database_url,
    drop_database,
    embedded_status,
    session_database,
    start_embedded,
    stop_embedded,
)
from mdschema.util.redact import redact

SCAFFOLD = Path(__file__).parent / "scaffold"
HEAD_PREFIX = "mds_head_"
# Always empty: the models are built there inside transactions that are rolled back (models_snapshot).
SCRATCH_DB = "mds_scratch"
SCRATCH_LOCK_KEY = int.from_bytes(hashlib.sha256(b"mdschema scratch").digest()[:8], "big", signed=True)
# Held shared while a head template is read, exclusive while old templates are dropped.
HEAD_LOCK_KEY = int.from_bytes(hashlib.sha256(b"mdschema head templates").digest()[:8], "big", signed=True)


class MigrationError(Exception):
    """A migration step failed; the message names the step and the object."""


def _out(message: str) -> None:
    print(message, flush=True)


# --- the alembic project --------------------------------------------------------------------------


def ensure_scaffold(config: Config) -> list[str]:
    """alembic.ini, env.py, script.py.mako and versions/ when missing (like `alembic init`)."""
    from mdschema.spec.pg_names import py_str

    written = []
    ini = config.root / "alembic.ini"
    mig = config.root / config.migrations
    (mig / "versions").mkdir(parents=True, exist_ok=True)
    files = {
        ini: (SCAFFOLD / "alembic.ini.tmpl").read_text().replace("{{ migrations }}", config.migrations),
        mig / "env.py": (SCAFFOLD / "env.py.tmpl")
        .read_text()
        .replace("{{ package }}", py_str(config.package)),
        mig / "script.py.mako": (SCAFFOLD / "script.py.mako").read_text(),
    }
    for path, content in files.items():
        if not path.exists():
            path.write_text(content)
            written.append(config.rel(path))
    return written


def alembic_config(config: Config, url: str | None = None, embedded: bool = False) -> Any:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig(str(config.root / "alembic.ini"))
    cfg.set_main_option("script_location", str(config.root / config.migrations))
    if url:
        cfg.attributes["url"] = url
        cfg.attributes["embedded"] = embedded
    cfg.attributes["configure_logging"] = False
    return cfg


def versions_hash(config: Config) -> str:
    h = hashlib.sha256()
    env = config.root / config.migrations / "env.py"
    for path in [env, *sorted((config.root / config.migrations / "versions").glob("*.py"))]:
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:20]


def _quiet_alembic() -> None:
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)


def run_alembic(
    config: Config, url: str, embedded: bool, action: str, revision: str, sql: bool = False
) -> None:
    from alembic import command

    cfg = alembic_config(config, url, embedded)
    try:
        getattr(command, action)(cfg, revision, sql=sql)
    except Exception as exc:  # noqa: BLE001 - reported with the step that failed
        raise MigrationError(f"{action} {revision} failed: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    text = " ".join(str(getattr(exc, "orig", None) or exc).split())
    return redact(text)[:2000]


# --- the desired schema, from the models ----------------------------------------------------------


def ddl_script(metadata: Any) -> list[str]:
    """Every statement `metadata.create_all` would send, compiled once, without a connection."""
    from sqlalchemy import create_mock_engine
    from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect

    # "named" paramstyle: DDL sent without parameters must not have its % doubled
    dialect = psycopg_dialect(paramstyle="named")
    statements: list[str] = []
    engine = create_mock_engine(
        "postgresql+psycopg://", lambda sql, *a, **kw: statements.append(str(sql.compile(dialect=dialect)))
    )
    metadata.create_all(engine, checkfirst=False)
    return statements


def models_script(models: Any) -> bytes:
    """What the models create, as one SQL script: extensions, create_all, functions, triggers."""
    ddl = models.ddl
    parts = [f"CREATE EXTENSION IF NOT EXISTS {_qi(e)}" for e in ddl.EXTENSIONS]
    parts += ddl_script(models.Base.metadata)
    parts += [sql for _, sql in ddl.FUNCTIONS]
    parts += [sql for _, _, sql in ddl.TRIGGERS]
    return ";\n".join(parts).encode()


def materialize(url: str, models: Any) -> None:
    """Build what the models say into the empty database at `url`: one script, one round trip."""
    script = models_script(models)
    with connect(url) as conn:
        try:
            conn.execute(script)  # type: ignore[call-overload]
        except Exception as exc:  # noqa: BLE001
            raise MigrationError(f"the models cannot be created in PostgreSQL: {_reason(exc)}") from None


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
                raise MigrationError(f"the models cannot be created in PostgreSQL: {_reason(exc)}") from None
            return snapshot(conn, exclude_tables=exclude)


def _scratch_database(admin_url: str) -> str:
    if not database_exists(admin_url, SCRATCH_DB):
        try:
            create_database(admin_url, SCRATCH_DB)
        except DatabaseError:
            if not database_exists(admin_url, SCRATCH_DB):  # else another process just made it
                raise
    return SCRATCH_DB


def _qi(name: str) -> str:
    from mdschema.migrations.plan import qi

    return qi(name)


def excluded_tables(models: Any) -> frozenset[str]:
    ddl = models.ddl
    return frozenset(ddl.UNMANAGED_TABLES) | frozenset(ddl.EXTERNAL_TABLES)


def read_snapshot(url: str, exclude: frozenset[str]) -> Snapshot:
    with connect(url) as conn:
        return snapshot(conn, exclude_tables=exclude)


# --- shadow databases -----------------------------------------------------------------------------


@contextmanager
def embedded_server(root: Path) -> Iterator[Target]:
    """Where shadow databases live: the project's embedded server, whatever $DATABASE_URL says, so
    shadows never touch a user's database; or $MDSCHEMA_SHADOW_URL, an admin URL of a server of your
    choice (a CI service container, a test suite's one server)."""
    shadow_url = os.environ.get("MDSCHEMA_SHADOW_URL")
    if shadow_url:
        from mdschema.database import normalize_url

        url = normalize_url(shadow_url)
        try:
            connect(url).close()
        except DatabaseError as exc:
            raise DatabaseError(
                f"{exc}\n  (this is MDSCHEMA_SHADOW_URL, the server for shadow databases: fix it, "
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


def _cache_dir(config: Config) -> Path:
    path = config.root / ".mdschema" / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _code_hash() -> str:
    from mdschema.util.hashing import package_hash

    return package_hash()[:12]


def generated_hash(config: Config) -> str:
    h = hashlib.sha256()
    for path in sorted(config.package_dir.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:20]


def _load_cached(path: Path) -> Snapshot | None:
    import pickle

    try:
        with open(path, "rb") as fh:
            value = pickle.load(fh)
        return value if isinstance(value, Snapshot) else None
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        return None


def _store_cached(path: Path, snap: Snapshot) -> None:
    import pickle

    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(snap, fh)
    os.replace(tmp, path)


def head_snapshot(config: Config, sh: Any, exclude: frozenset[str]) -> Snapshot:
    """The catalog of the replayed migration head; cached by the versions' content."""
    path = _cache_dir(config) / f"head-{versions_hash(config)}-{_code_hash()}-{_key(exclude)}.pickle"
    cached = _load_cached(path)
    if cached is not None:
        return cached
    sh = sh() if callable(sh) else sh
    snap = read_head_template(config, sh, exclude)
    _store_cached(path, snap)
    return snap


def desired_snapshot(config: Config, sh: Any, load_models: Any) -> tuple[Snapshot, frozenset[str]]:
    """The catalog of what the generated models create; cached by the generated files' content."""
    key = f"desired-{generated_hash(config)}-{_code_hash()}"
    path = _cache_dir(config) / f"{key}.pickle"
    excl_path = _cache_dir(config) / f"{key}.exclude"
    cached = _load_cached(path)
    if cached is not None and excl_path.is_file():
        return cached, frozenset(x for x in excl_path.read_text().split("\n") if x)
    models = load_models()
    exclude = excluded_tables(models)
    sh = sh() if callable(sh) else sh
    snap = models_snapshot(sh.admin_url, models, exclude)
    _store_cached(path, snap)
    excl_path.write_text("\n".join(sorted(exclude)))
    return snap, exclude


def _key(exclude: frozenset[str]) -> str:
    return hashlib.sha256("\0".join(sorted(exclude)).encode()).hexdigest()[:8]


@dataclass(slots=True)
class Shadows:
    admin_url: str
    names: list[str]

    def new(self, label: str) -> str:
        name = f"mds_{label}_{uuid.uuid4().hex[:10]}"
        self.names.append(name)
        return name

    def url(self, name: str) -> str:
        return database_url(self.admin_url, name)


@contextmanager
def shadows(admin_url: str) -> Iterator[Shadows]:
    s = Shadows(admin_url, [])
    try:
        yield s
    finally:
        for name in s.names:
            try:
                drop_database(admin_url, name)
            except Exception:  # noqa: BLE001 - cleanup must not hide the real error
                pass


def head_template(config: Config, sh: Shadows) -> str:
    """The cached template database at the migration head, replayed once per content of the versions."""
    template = HEAD_PREFIX + versions_hash(config)
    if not database_exists(sh.admin_url, template):
        building = sh.new("build")
        create_database(sh.admin_url, building)
        run_alembic(config, sh.url(building), True, "upgrade", "head")
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
    template = head_template(config, sh)
    name = sh.new(label)
    create_database(sh.admin_url, name, template=template)
    return name


def read_head_template(config: Config, sh: Shadows, exclude: frozenset[str]) -> Snapshot:
    """The catalog at the migration head, read from the template itself: no clone, no CREATE DATABASE."""
    for _ in range(3):
        template = head_template(config, sh)
        with connect(sh.admin_url) as guard:
            guard.execute("SELECT pg_advisory_lock_shared(%s)", (HEAD_LOCK_KEY,))
            if guard.execute("SELECT 1 FROM pg_database WHERE datname = %s", (template,)).fetchone():
                return read_snapshot(sh.url(template), exclude)
    raise MigrationError(f"the migration head template {template} kept being replaced; try again")


def desired_clone(models: Any, sh: Shadows) -> str:
    name = sh.new("desired")
    create_database(sh.admin_url, name)
    materialize(sh.url(name), models)
    return name


# --- revision ---------------------------------------------------------------------------------------


def _render_item(imports: set[str]) -> Any:
    def render_item(type_: str, obj: Any, autogen_context: Any) -> Any:
        if type_ == "type":
            return render_type(obj, imports) or False
        return False

    return render_item


def render_type(t: Any, imports: set[str]) -> str | None:
    from sqlalchemy.dialects import postgresql

    mod = type(t).__module__
    if mod.startswith("pgvector"):
        name = {"VECTOR": "Vector", "HALFVEC": "HALFVEC", "SPARSEVEC": "SPARSEVEC"}.get(
            type(t).__name__, "Vector"
        )
        imports.add(f"from pgvector.sqlalchemy import {name}")
        return f"{name}({t.dim})" if getattr(t, "dim", None) else f"{name}()"
    if isinstance(t, postgresql.ENUM):
        labels = ", ".join(repr(e) for e in t.enums)
        return f"postgresql.ENUM({labels}, name={t.name!r}, create_type=False)"
    if isinstance(t, postgresql.ARRAY):
        inner = render_type(t.item_type, imports) or _plain_type(t.item_type)
        return f"postgresql.ARRAY({inner})"
    return None


def _plain_type(t: Any) -> str:
    mod = type(t).__module__
    prefix = "postgresql." if mod.startswith("sqlalchemy.dialects.postgresql") else "sa."
    return prefix + repr(t)


def render_ops(operations: list[Any], imports: set[str]) -> str:
    from alembic.autogenerate import render_python_code
    from alembic.operations import ops
    from alembic.runtime.migration import MigrationContext

    ctx = MigrationContext.configure(dialect_name="postgresql", opts={"render_item": _render_item(imports)})
    code = render_python_code(
        ops.UpgradeOps(ops=list(operations)), render_item=_render_item(imports), migration_context=ctx
    )
    lines = [line for line in code.splitlines() if "### " not in line]
    if "postgresql." in code:
        imports.add("from sqlalchemy.dialects import postgresql")
    return "\n".join(lines).strip() or "pass"


def _format_file(path: Path) -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists() and not shutil.which(ruff):
        return
    subprocess.run(
        [ruff, "format", "--quiet", "--line-length", "110", str(path)], check=False, capture_output=True
    )
    subprocess.run(
        [ruff, "check", "--quiet", "--fix", "--select", "I,F401", "--line-length", "110", str(path)],
        check=False,
        capture_output=True,
    )


def write_revision(
    config: Config, message: str, upgrade: str, downgrade: str, imports: set[str], notes: list[str]
) -> Path:
    from alembic.script import ScriptDirectory

    cfg = alembic_config(config)
    script_dir = ScriptDirectory.from_config(cfg)
    heads = script_dir.get_heads()
    if len(heads) > 1:
        raise MigrationError(
            f"alembic/versions has several heads ({', '.join(heads)}); merge them first "
            "with `alembic merge heads`"
        )
    header = "".join(f"    # {line}\n" for line in notes)
    script = script_dir.generate_revision(
        uuid.uuid4().hex[:12],
        message,
        head="head" if heads else "base",
        upgrades=(header + "    " + upgrade.lstrip()) if notes else upgrade,
        downgrades=downgrade,
        imports="\n".join(sorted(imports)) + ("\n" if imports else ""),
    )
    assert script is not None
    path = Path(script.path)
    _format_file(path)
    return path


def cmd_revision(config: Config, args: argparse.Namespace) -> int:
    import mdschema.codegen.emit as emit
    from mdschema.spec.load import load_schema, render_files

    schema = load_schema(config)
    emit.write(config, render_files(config, schema))
    for path in ensure_scaffold(config):
        _out(f"mdschema: wrote {path}")
    from mdschema.migrations.env import load_package

    models = load_package(config.root, config.package)
    _quiet_alembic()
    with embedded_server(config.root) as target:
        result = _revision_on(config, args, target, models, schema)
    return result


def _revision_on(config: Config, args: argparse.Namespace, target: Target, models: Any, schema: Any) -> int:
    from mdschema.locate import span_for
    from mdschema.migrations.plan import applicable_renames, plan, rename_sql

    exclude = excluded_tables(models)
    with shadows(target.url) as sh:
        head = head_clone(config, sh)
        before = read_snapshot(sh.url(head), exclude)
        wanted = models_snapshot(sh.admin_url, models, exclude)
        renames = applicable_renames(tuple(getattr(models.ddl, "RENAMES", ())), before)
        renamed = before
        if renames:  # let PostgreSQL carry the renames through every definition, then diff
            scratch = sh.new("renamed")
            create_database(sh.admin_url, scratch, template=head)
            with connect(sh.url(scratch)) as conn:
                conn.execute(";\n".join(rename_sql(renames)).encode())  # type: ignore[arg-type]
            renamed = read_snapshot(sh.url(scratch), exclude)
        result = plan(renamed, wanted, models.Base.metadata, renames, before)
        if not result.summary:
            _out("mdschema: no changes: the migrations already match the docs; no revision written")
            return 0
        allowed = set(args.allow or ())
        blocked = [h for h in result.hazards if not args.allow_destructive and h.kind not in allowed]
        if blocked:
            _out(f"mdschema: refusing to write a destructive migration ({len(blocked)} hazard(s)):")
            for h in blocked:
                _out(f"  {span_for(schema, h.subject)}: {h.subject}: {h.detail}  [--allow {h.kind}]")
            _out("  pass --allow-destructive (all) or --allow HAZARD (one kind) to write it anyway")
            return 1
        imports: set[str] = set()
        up = render_ops(result.upgrade, imports)
        down = render_ops(result.downgrade, imports)
        notes = [f"DESTRUCTIVE ({h.kind}): {h.subject}: {h.detail}" for h in result.hazards]
        path = write_revision(config, args.message, up, down, imports, notes)
        try:
            _prove(config, sh, head, before, wanted, exclude)
        except MigrationError:
            path.unlink(missing_ok=True)
            raise
    _out(
        f"mdschema: wrote {config.rel(path)} ({len(result.summary)} change(s)), proven on a shadow database:"
    )
    for line in result.summary:
        _out(f"  {line}")
    return 0


def _prove(
    config: Config, sh: Shadows, head: str, before: Snapshot, wanted: Snapshot, exclude: frozenset[str]
) -> None:
    url = sh.url(head)

    def expect(step: str, expected: Snapshot, what: str) -> None:
        got = read_snapshot(url, exclude)
        left = diff(got, expected)
        if left:
            lines = "\n".join(f"    {describe(c)}" for c in left[:20])
            raise MigrationError(
                f"the new revision did not prove itself: after {step}, the schema differs "
                f"from {what}:\n{lines}\n  no revision was written"
            )

    for step, action, revision, expected, what in (
        ("upgrade", "upgrade", "head", wanted, "the models"),
        ("downgrade", "downgrade", "-1", before, "the previous head"),
        ("upgrade again", "upgrade", "head", wanted, "the models"),
    ):
        try:
            run_alembic(config, url, True, action, revision)
        except MigrationError as exc:
            raise MigrationError(
                f"the new revision failed on the shadow database during {step}: {exc}\n"
                "  no revision was written"
            ) from None
        expect(step, expected, what)


# --- upgrade / downgrade / current / history / db -----------------------------------------------


def _run_on_target(config: Config, args: argparse.Namespace, action: str) -> int:
    _quiet_alembic_info = os.environ.get("MDSCHEMA_VERBOSE") is None
    url = getattr(args, "database_url", None)
    with session_database(config.root, url) as target:
        if _quiet_alembic_info:
            _quiet_alembic()
        if not getattr(args, "sql", False):
            connect(target.url).close()  # an unreachable server: "could not connect to …" and what to do
        run_alembic(
            config, target.url, target.embedded, action, args.revision, sql=getattr(args, "sql", False)
        )
        if not getattr(args, "sql", False):
            _out(
                f"mdschema: {action} {args.revision}: done on {target.display}; "
                f"now at {_current(config, target)}"
            )
    return 0


def _current(config: Config, target: Target) -> str:
    with connect(target.url) as conn:
        exists = conn.execute("SELECT to_regclass('alembic_version')").fetchone()
        if not exists or exists[0] is None:
            return "base"
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    return ", ".join(r[0] for r in rows) or "base"


def cmd_upgrade(config: Config, args: argparse.Namespace) -> int:
    return _run_on_target(config, args, "upgrade")


def cmd_downgrade(config: Config, args: argparse.Namespace) -> int:
    return _run_on_target(config, args, "downgrade")


def cmd_current(config: Config, args: argparse.Namespace) -> int:
    with session_database(config.root, args.database_url) as target:
        _out(f"{_current(config, target)} ({target.display})")
    return 0


def cmd_history(config: Config, args: argparse.Namespace) -> int:
    from alembic.script import ScriptDirectory

    script_dir = ScriptDirectory.from_config(alembic_config(config))
    for rev in script_dir.walk_revisions():
        _out(f"{rev.down_revision or 'base'} -> {rev.revision}{' (head)' if rev.is_head else ''}, {rev.doc}")
    return 0


def cmd_db(config: Config, args: argparse.Namespace) -> int:
    root = config.root
    if args.action == "start":
        url, started = start_embedded(root)
        _out(f"mdschema: embedded PostgreSQL {'started' if started else 'already running'}: {url}")
    elif args.action == "stop":
        _out("mdschema: embedded PostgreSQL " + ("stopped" if stop_embedded(root) else "was not running"))
    elif args.action == "url":
        running = embedded_status(root)
        if running is None:
            _out("mdschema: the embedded PostgreSQL is not running (mdschema db start)")
            return 1
        _out(running)
    else:
        running = embedded_status(root)
        _out(f"running: {running}" if running else "stopped")
    return 0


_ = re
