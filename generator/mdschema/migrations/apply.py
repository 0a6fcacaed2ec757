"""`mdschema upgrade | downgrade | current`: the user's database (or the embedded one), never a shadow."""

from __future__ import annotations

import os
from dataclasses import dataclass

from mdschema.config import Config
from mdschema.database import Target, connect, session_database
from mdschema.migrations.preflight import preflight
from mdschema.migrations.project import current_revisions, quiet_alembic, run_alembic


@dataclass(frozen=True, slots=True)
class Applied:
    target: str  # where, redacted
    now_at: tuple[str, ...]  # the revisions the database is at afterwards; () is base
    sql: str = ""  # with --sql: what would run
    unchecked: tuple[str, ...] = ()  # pre-flight checks that could not run before an earlier step


def migrate(
    config: Config,
    action: str,
    revision: str,
    database_url: str | None,
    sql: bool = False,
    check_rows: bool = True,
) -> Applied:
    """Run `upgrade` or `downgrade` to `revision` on the target database (or only print its SQL). With
    `check_rows`, the pre-flight first counts the rows that would make a step fail, and refuses
    (preflight.PreflightRefused) before anything runs."""
    if os.environ.get("MDSCHEMA_VERBOSE") is None:
        quiet_alembic()
    if sql:  # offline: Alembic prints the SQL; no server is started or connected to
        url = database_url or os.environ.get("DATABASE_URL") or ""
        return Applied(
            "(offline)",
            (),
            run_alembic(config, url, False, action, offline_range(action, revision), sql=True),
        )
    with session_database(config.root, database_url) as target:
        connect(target.url).close()  # an unreachable server: "could not connect to …" and what to do
        _roles_for(config, target, action)
        skipped = preflight(config, target.url, action, revision) if check_rows else []
        run_alembic(config, target.url, target.embedded, action, revision)
        unchecked = tuple(f"{s.check.where}: {s.check.subject}: {s.reason}" for s in skipped)
        return Applied(target.display, current(target), unchecked=unchecked)


def _roles_for(config: Config, target: Target, action: str) -> None:
    """The roles the policies name: made on the embedded server (mdschema's own), required elsewhere; so
    are the platform's functions the docs call (on the embedded server env.py makes their stand-ins)."""
    from mdschema.migrations.platform import require_functions
    from mdschema.migrations.project import MigrationError
    from mdschema.migrations.roles import ensure_roles, require_roles

    if config.roles and target.embedded:
        ensure_roles(target.url, config.roles)
    elif config.roles and action == "upgrade":
        if why := require_roles(target.url, target.display, config.roles):
            raise MigrationError(why)
    signatures = [signature for signature, _ in config.external_functions]
    if signatures and not target.embedded and action == "upgrade":
        if why := require_functions(target.url, target.display, signatures):
            raise MigrationError(why)


def offline_range(action: str, revision: str) -> str:
    """What Alembic's offline mode needs: no database says where it is, so a downgrade starts from the
    head (`-1` → `head:-1`); an explicit `FROM:TO` is passed as it is. An upgrade starts from base."""
    if action == "downgrade" and ":" not in revision:
        return f"head:{revision}"
    return revision


def current(target: Target) -> tuple[str, ...]:
    with connect(target.url) as conn:
        return current_revisions(conn)


def current_of(config: Config, database_url: str | None) -> Applied:
    with session_database(config.root, database_url) as target:
        return Applied(target.display, current(target))
