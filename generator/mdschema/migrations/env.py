"""What `alembic/env.py` runs: the same for `mdschema upgrade` and for the stock `alembic` command.

- target_metadata from the generated package;
- an async engine on psycopg 3;
- a PostgreSQL advisory lock held around every upgrade/downgrade, so two deploys never migrate at once;
- include_object that never touches unmanaged or external tables;
- on the embedded server, minimal stand-ins for external tables so FKs to them work there.

Database URL: config.attributes["url"] (set by mdschema), else `-x url=…`, else $DATABASE_URL, else
the project's embedded server (started on demand, stopped when done).
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from mdschema.database import ADVISORY_LOCK_KEY, normalize_url, session_database

_loaded: dict[tuple[str, str], tuple[str, Any]] = {}


def _package_digest(root: Path, package: str) -> str:
    import hashlib

    h = hashlib.sha256()
    for path in sorted((root / Path(*package.split("."))).glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def load_package(root: Path, package: str, fresh: bool = False) -> Any:
    """Import the generated package of the project at `root`: fresh when its files changed or another
    project's package of the same name was imported, else the one already loaded (a revision runs
    Alembic several times; importing a large package each time costs half a second)."""
    key = (str(root.resolve()), package)
    digest = _package_digest(root, package)
    cached = _loaded.get(key)
    if not fresh and cached is not None and cached[0] == digest and sys.modules.get(package) is cached[1]:
        return cached[1]
    module = _import_fresh(root, package)
    _loaded.clear()
    _loaded[key] = (digest, module)
    return module


def _import_fresh(root: Path, package: str) -> Any:
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(package)
    finally:
        try:
            sys.path.remove(str(root))
        except ValueError:  # pragma: no cover
            pass


def include_object_for(ddl: Any) -> Any:
    skip = set(getattr(ddl, "UNMANAGED_TABLES", ())) | set(getattr(ddl, "EXTERNAL_TABLES", {}))

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "table":
            return name not in skip and not obj.info.get("mdschema") == "external"
        table = getattr(obj, "table", None)
        return not (table is not None and getattr(table, "name", None) in skip)

    return include_object


def create_stand_ins(connection: Any, metadata: Any) -> None:
    """External tables (e.g. Supabase's users) as minimal tables: only ever on the embedded server."""
    for table in metadata.sorted_tables:
        if table.info.get("mdschema") == "external":
            table.create(connection, checkfirst=True)


def run(package: str = "generated") -> None:
    from alembic import context

    config = context.config
    root = Path(config.config_file_name).resolve().parent if config.config_file_name else Path.cwd()
    if config.config_file_name and config.attributes.get("configure_logging", True):
        from logging.config import fileConfig

        fileConfig(config.config_file_name, disable_existing_loggers=False)
    models = load_package(root, package)
    metadata = models.Base.metadata
    include_object = include_object_for(models.ddl)
    explicit = config.attributes.get("url") or context.get_x_argument(as_dictionary=True).get("url")

    if context.is_offline_mode():
        context.configure(
            url=normalize_url(explicit) if explicit else "postgresql+psycopg://",
            target_metadata=metadata,
            literal_binds=True,
            include_object=include_object,
            dialect_opts={"paramstyle": "named"},
            dialect_name="postgresql",
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    with ExitStack() as stack:
        if config.attributes.get("url"):
            url, embedded = normalize_url(config.attributes["url"]), bool(config.attributes.get("embedded"))
        else:
            target = stack.enter_context(session_database(root, explicit))
            url, embedded = target.url, target.embedded
        asyncio.run(_run_async(context, url, embedded, metadata, include_object))


async def _run_async(context: Any, url: str, embedded: bool, metadata: Any, include_object: Any) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_locked, context, embedded, metadata, include_object)
    finally:
        await engine.dispose()


def _run_locked(connection: Any, context: Any, embedded: bool, metadata: Any, include_object: Any) -> None:
    connection.exec_driver_sql(f"SELECT pg_advisory_lock({ADVISORY_LOCK_KEY})")
    connection.commit()
    try:
        if embedded:
            create_stand_ins(connection, metadata)
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=metadata,
            include_object=include_object,
            compare_type=True,
            compare_server_default=True,
            transaction_per_migration=False,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        connection.rollback()
        connection.exec_driver_sql(f"SELECT pg_advisory_unlock({ADVISORY_LOCK_KEY})")
        connection.commit()
