"""What `alembic/env.py` runs: the same for `mdschema upgrade` and for the stock `alembic` command.

- target_metadata from the generated package;
- an async engine on psycopg 3;
- a PostgreSQL advisory lock held around every upgrade/downgrade, so two deploys never migrate at once;
- include_object that never touches unmanaged or external tables;
- on the embedded server, minimal stand-ins for external tables so FKs to them work there.

Where it migrates (`choose_target`): a connection passed in config.attributes["connection"], else the
URL mdschema passes, else `-x url=…`, else $DATABASE_URL, else `sqlalchemy.url`, else the project's
embedded server (started on demand, stopped when done). The choice is logged, password hidden.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mdschema.database import ADVISORY_LOCK_KEY, display_url, normalize_url, session_database
from mdschema.migrations.models import load_package

log = logging.getLogger("alembic.env")


def include_object_for(ddl: Any) -> Any:
    skip = set(getattr(ddl, "UNMANAGED_TABLES", ())) | set(getattr(ddl, "EXTERNAL_TABLES", {}))

    def key(table: Any) -> str | None:  # as mdschema names tables: `t` in public, `schema.t` elsewhere
        name, schema = getattr(table, "name", None), getattr(table, "schema", None)
        return f"{schema}.{name}" if name is not None and schema not in (None, "public") else name

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "table":
            return key(obj) not in skip and not obj.info.get("mdschema") == "external"
        table = getattr(obj, "table", None)
        return not (table is not None and key(table) in skip)

    return include_object


def include_name_for(metadata: Any) -> Any:
    """Alembic's include_name: of the database's schemas, only those the models have tables in are
    compared (a schema another system owns, like Supabase's auth or storage, is never read, altered or
    dropped; its stand-ins are external)."""
    managed = {"public"} | {
        t.schema for t in metadata.tables.values() if t.schema and t.info.get("mdschema") != "external"
    }

    def include_name(name: str | None, type_: str, parent_names: Mapping[str, Any]) -> bool:
        if type_ == "schema":
            return name is None or name in managed
        return True

    return include_name


def create_stand_ins(connection: Any, metadata: Any) -> None:
    """External tables (e.g. Supabase's auth.users) as minimal tables, in their schema (the stand-in's
    own DDL event creates it), and the platform's functions the docs call (external_functions): only
    ever on the embedded server."""
    for sql in metadata.info.get("mdschema.stand_in_functions", ()):
        connection.exec_driver_sql(sql)
    for table in metadata.sorted_tables:
        if table.info.get("mdschema") == "external":
            table.create(connection, checkfirst=True)


@dataclass(frozen=True, slots=True)
class Choice:
    """Where env.py migrates, and why (for the log line)."""

    source: str  # connection | mdschema | -x url | DATABASE_URL | sqlalchemy.url | embedded
    url: str | None  # None for a passed connection, or the embedded server not yet started
    embedded: bool
    display: str


_HOOKS: dict[str, Any] = {}


def _autogenerating(context: Any) -> bool:
    """True under `alembic revision --autogenerate` and `alembic check` (called from the command line or
    from Python): the EnvironmentContext then carries the RevisionContext with autogenerate set."""
    environment = getattr(context, "_proxy", None)  # the EnvironmentContext behind alembic.context
    revision_context = getattr(environment, "context_opts", {}).get("revision_context")
    return bool(revision_context is not None and revision_context.command_args.get("autogenerate"))


def choose_target(config: Any, x_args: dict[str, str], environ: Mapping[str, str]) -> Choice:
    """The documented precedence: a connection passed in `config.attributes["connection"]` (what
    pytest-alembic and other tools pass) > the URL mdschema itself passes > `-x url=…` > $DATABASE_URL >
    `sqlalchemy.url` in alembic.ini > the project's embedded server."""
    if config.attributes.get("connection") is not None:
        return Choice("connection", None, bool(config.attributes.get("embedded")), "the connection passed in")
    candidates = (
        ("mdschema", config.attributes.get("url")),
        ("-x url", x_args.get("url")),
        ("DATABASE_URL", environ.get("DATABASE_URL")),
        ("sqlalchemy.url", config.get_main_option("sqlalchemy.url")),
    )
    for source, url in candidates:
        if url and url.strip():
            embedded = source == "mdschema" and bool(config.attributes.get("embedded"))
            return Choice(source, normalize_url(url), embedded, display_url(url))
    return Choice("embedded", None, True, "the project's embedded PostgreSQL")


def run(package: str = "generated") -> None:
    """Everything alembic/env.py does: `from mdschema.migrations.env import run; run(package="...")`."""
    import os

    from alembic import context

    config = context.config
    root = Path(config.config_file_name).resolve().parent if config.config_file_name else Path.cwd()
    if config.config_file_name and config.attributes.get("configure_logging", True):
        from logging.config import fileConfig

        fileConfig(config.config_file_name, disable_existing_loggers=False)
    models = load_package(root, package)
    _HOOKS.clear()
    if _autogenerating(context):
        _HOOKS.update(_autogenerate_hooks(root, models))
    metadata = models.Base.metadata
    include_object = include_object_for(models.ddl)
    choice = choose_target(config, context.get_x_argument(as_dictionary=True), os.environ)

    if context.is_offline_mode():
        context.configure(
            url=choice.url or "postgresql+psycopg://",
            target_metadata=metadata,
            literal_binds=True,
            include_object=include_object,
            dialect_opts={"paramstyle": "named"},
            dialect_name="postgresql",
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    log.info("mdschema: migrating %s (from %s)", choice.display, choice.source)
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run_on_passed(connectable, context, choice.embedded, metadata, include_object)
        return
    with ExitStack() as stack:
        url, embedded = choice.url, choice.embedded
        if url is None:
            target = stack.enter_context(session_database(root, None))
            url = target.url
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


def _autogenerate_hooks(root: Path, models: Any) -> dict[str, Any]:
    """Alembic's extension points, so that stock `alembic revision --autogenerate` and `alembic check`
    give mdschema's answer (see migrations/autogen.py)."""
    from mdschema.migrations.autogen import render_item, revision_directives

    return {"process_revision_directives": revision_directives(root, models), "render_item": render_item}


def _run_on_passed(
    connectable: Any, context: Any, embedded: bool, metadata: Any, include_object: Any
) -> None:
    """What tools pass in config.attributes["connection"] (pytest-alembic's convention): an Engine (we
    open and commit a connection of our own), or a connection to use as it is — a Connection, or a
    wrapper whose connect() hands one out — whose transaction belongs to the caller."""
    from sqlalchemy.engine import Engine

    if isinstance(connectable, Engine):
        with connectable.connect() as connection:
            _run_locked(connection, context, embedded, metadata, include_object)
    elif hasattr(connectable, "connect"):
        with connectable.connect() as connection:
            _run_locked(connection, context, embedded, metadata, include_object, own=False)
    elif hasattr(connectable, "exec_driver_sql"):
        _run_locked(connectable, context, embedded, metadata, include_object, own=False)
    else:
        raise TypeError(
            'config.attributes["connection"] must be a SQLAlchemy Engine or Connection (not an async one: '
            "run Alembic inside `await connection.run_sync(...)` and pass that connection)"
        )


def _run_locked(
    connection: Any, context: Any, embedded: bool, metadata: Any, include_object: Any, own: bool = True
) -> None:
    """Migrate on `connection` holding the migration advisory lock. A connection we opened holds the
    session lock and is committed here; on one passed in (`own=False`) the transaction is its owner's, as
    in Alembic's cookbook, so the lock is the transaction's own (released when the owner ends it)."""
    if not own:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY})")
        if embedded:
            create_stand_ins(connection, metadata)
        _configure(context, connection, metadata, include_object)
        with context.begin_transaction():
            context.run_migrations()
        return
    _wait_for_lock(connection)
    try:
        if embedded:
            create_stand_ins(connection, metadata)
            connection.commit()
        _configure(context, connection, metadata, include_object)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        connection.rollback()
        connection.exec_driver_sql(f"SELECT pg_advisory_unlock({ADVISORY_LOCK_KEY})")
        connection.commit()


def _wait_for_lock(connection: Any) -> None:
    """Take the session's migration lock, trying in short transactions: a process waiting inside one
    statement (`pg_advisory_lock`) would hold a snapshot the whole time, and the lock holder's
    CREATE INDEX CONCURRENTLY waits for every older snapshot — a deadlock."""
    import time

    while True:
        got = connection.exec_driver_sql(f"SELECT pg_try_advisory_lock({ADVISORY_LOCK_KEY})").scalar()
        connection.commit()
        if got:
            return
        time.sleep(0.05)


def _configure(context: Any, connection: Any, metadata: Any, include_object: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=include_object,
        include_schemas=True,
        include_name=include_name_for(metadata),
        compare_type=True,
        compare_server_default=True,
        # each revision in a transaction of its own, as Alembic recommends for autocommit blocks (the
        # lock-safe revisions' concurrent builds and VALIDATEs): a block commits only its own revision's
        # steps so far, and a failed upgrade leaves the database at the last revision that went through
        transaction_per_migration=True,
        **_HOOKS,
    )
