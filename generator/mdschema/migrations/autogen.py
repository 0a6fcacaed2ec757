"""Stock `alembic revision --autogenerate` and `alembic check`, giving mdschema's answer.

Alembic's own comparison misses what mdschema compares through the catalog (enum labels, CHECK
expressions, index methods, operator classes, WHERE and INCLUDE, functions, triggers, comments): after a
doc change it can write a migration with half the changes, and `alembic check` then says "No new upgrade
operations detected". Through Alembic's extension point `process_revision_directives`, env.py replaces
Alembic's operations with mdschema's plan: the connected database's catalog diffed against the catalog of
what the models create (built on a shadow database, never on the connected one). Where the answer cannot
be made equal, the command stops with an error that names the mdschema command to run instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.util import CommandError

from mdschema.catalog.snapshot import Snapshot, snapshot
from mdschema.database import connect
from mdschema.migrations.models import excluded_tables, managed_schemas
from mdschema.migrations.render import render_sql_faithfully

_LISTABLE: dict[type, type] = {}


def _diff_tuple(self: Any) -> tuple[Any, ...]:
    return (type(self).__mro__[1].__name__, self.__dict__.get("sqltext") or self.__dict__)


def _listable(operation: Any) -> Any:
    """`alembic check` lists every operation as a diff tuple; some of ours cannot make one (SQL, or a drop
    made without the object Alembic would reverse): they become a subclass that can, and still render the
    same (Alembic dispatches rendering along the class's MRO)."""
    try:
        operation.to_diff_tuple()
    except Exception:  # noqa: BLE001 - NotImplementedError, or ValueError from a missing original object
        kind = type(operation)
        if kind not in _LISTABLE:
            _LISTABLE[kind] = type(f"Listed{kind.__name__}", (kind,), {"to_diff_tuple": _diff_tuple})
        operation.__class__ = _LISTABLE[kind]
    return operation


def revision_directives(root: Path, models: Any) -> Any:
    """A `process_revision_directives` hook for env.py's context.configure()."""

    def process(context: Any, revision: Any, directives: list[Any]) -> None:
        script = directives[0]
        connection = context.connection
        if connection is None:  # --sql: there is no database to compare with
            raise CommandError("autogenerate needs a database; run `mdschema revision` instead")
        url = connection.engine.url.render_as_string(hide_password=False)
        current = _live_snapshot(url, excluded_tables(models), managed_schemas(models))
        desired = _models_snapshot(root, models)
        plan = _plan(current, desired, models, _server_version(connection), root)
        if plan is None:
            raise CommandError(
                "the docs rename something (`renamed from:`): only `mdschema revision` can write that "
                "migration, on a shadow copy of the migration head"
            )
        blocked = [h for h in plan.hazards]
        if blocked:
            details = "; ".join(f"{h.subject}: {h.detail}" for h in blocked)
            kinds = " ".join(f"--allow {k}" for k in sorted({h.kind for h in blocked}))
            raise CommandError(
                f"this change can lose data or fail on existing rows ({details}): write it with "
                f"`mdschema revision -m ... {kinds}`"
            )
        render_sql_faithfully(context.impl)
        script.upgrade_ops.ops = [_listable(o) for o in plan.upgrade]
        script.downgrade_ops.ops = [_listable(o) for o in plan.downgrade]

    return process


def render_item(type_: str, obj: Any, autogen_context: Any) -> Any:
    """Alembic's render_item hook: the types mdschema renders itself, their imports recorded."""
    from mdschema.migrations.render import render_type

    if type_ != "type":
        return False
    imports: set[str] = set()
    rendered = render_type(obj, imports)
    if rendered is None:
        return False
    autogen_context.imports.update(imports)
    if "postgresql." in rendered:
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
    return rendered


def _live_snapshot(url: str, exclude: frozenset[str], schemas: tuple[str, ...]) -> Snapshot:
    with connect(url) as conn:
        return snapshot(conn, exclude_tables=exclude, schemas=schemas)


def _models_snapshot(root: Path, models: Any) -> Snapshot:
    from contextlib import ExitStack

    from mdschema.config import load_config
    from mdschema.migrations.cache import desired_snapshot
    from mdschema.migrations.shadow import shadow_server, shadows

    config = load_config(root)
    with ExitStack() as stack:
        lazy: list[Any] = []

        def shadow() -> Any:
            if not lazy:
                target = stack.enter_context(shadow_server(root))
                lazy.append(stack.enter_context(shadows(target.url, roles=config.roles)))
            return lazy[0]

        desired, _ = desired_snapshot(config, shadow, lambda: models)
    return desired


def _server_version(connection: Any) -> int:
    """The connected server's server_version_num (150020 for 15.20): the plan is written for it."""
    info: tuple[int, ...] = tuple(connection.dialect.server_version_info) + (0, 0)
    return int(info[0]) * 10000 + int(info[1])


def _plan(current: Snapshot, desired: Snapshot, models: Any, server_version: int, root: Path) -> Any:
    """mdschema's plan from `current` to `desired`; None when declared renames apply (not expressible)."""
    from mdschema.migrations.plan import plan
    from mdschema.migrations.renames import applicable_renames

    if applicable_renames(tuple(getattr(models.ddl, "RENAMES", ())), current):
        return None
    from mdschema.config import load_config
    from mdschema.migrations.revision import safety_of, written_for

    config = load_config(root)
    return plan(
        current,
        desired,
        models.Base.metadata,
        server_version=written_for(config, server_version),
        safety=safety_of(config),
    )
