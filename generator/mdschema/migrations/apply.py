"""`mdschema upgrade | downgrade | current`: the user's database (or the embedded one), never a shadow."""

from __future__ import annotations

import os
from dataclasses import dataclass

from mdschema.config import Config
from mdschema.database import Target, connect, session_database
from mdschema.migrations.project import current_revisions, quiet_alembic, run_alembic


@dataclass(frozen=True, slots=True)
class Applied:
    target: str  # where, redacted
    now_at: tuple[str, ...]  # the revisions the database is at afterwards; () is base
    sql: str = ""  # with --sql: what would run


def migrate(
    config: Config, action: str, revision: str, database_url: str | None, sql: bool = False
) -> Applied:
    """Run `upgrade` or `downgrade` to `revision` on the target database (or only print its SQL)."""
    if os.environ.get("MDSCHEMA_VERBOSE") is None:
        quiet_alembic()
    if sql:  # offline: Alembic prints the SQL; no server is started or connected to
        url = database_url or os.environ.get("DATABASE_URL") or ""
        return Applied("(offline)", (), run_alembic(config, url, False, action, revision, sql=True))
    with session_database(config.root, database_url) as target:
        connect(target.url).close()  # an unreachable server: "could not connect to …" and what to do
        run_alembic(config, target.url, target.embedded, action, revision)
        return Applied(target.display, current(target))


def current(target: Target) -> tuple[str, ...]:
    with connect(target.url) as conn:
        return current_revisions(conn)


def current_of(config: Config, database_url: str | None) -> Applied:
    with session_database(config.root, database_url) as target:
        return Applied(target.display, current(target))
