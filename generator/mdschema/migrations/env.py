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
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from mdschema.database import ADVISORY_LOCK_KEY, normalize_url, session_database
from mdschema.migrations.models import load_package


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
