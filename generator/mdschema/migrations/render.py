"""Alembic operations → the Python text of a revision file."""

from __future__ import annotations

from typing import Any

from mdschema.util.sql_text import text_source


def _render_item(imports: set[str]) -> Any:
    def render_item(type_: str, obj: Any, autogen_context: Any) -> Any:
        if type_ == "type":
            return render_type(obj, imports) or False
        return False

    return render_item


def render_type(t: Any, imports: set[str]) -> str | None:
    """Types Alembic's renderer would print wrongly or without their import (pgvector, ENUM, DOMAIN,
    ARRAY)."""
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
        schema = f", schema={t.schema!r}" if t.schema else ""
        return f"postgresql.ENUM({labels}, name={t.name!r}{schema}, create_type=False)"
    if isinstance(t, postgresql.DOMAIN):  # created by its own statement (migrations/domain_ops.py)
        inner = render_type(t.data_type, imports) or _plain_type(t.data_type)
        schema = f", schema={t.schema!r}" if t.schema else ""
        return f"postgresql.DOMAIN({t.name!r}, {inner}{schema}, create_type=False)"
    if isinstance(t, postgresql.ARRAY):
        inner = render_type(t.item_type, imports) or _plain_type(t.item_type)
        return f"postgresql.ARRAY({inner})"
    return None


def _plain_type(t: Any) -> str:
    mod = type(t).__module__
    prefix = "postgresql." if mod.startswith("sqlalchemy.dialects.postgresql") else "sa."
    return prefix + repr(t)


def render_sql_faithfully(impl: Any) -> None:
    """Make Alembic's `impl` print each SQL expression of a revision (server defaults, CHECKs, index
    expressions and WHERE) so that it reaches PostgreSQL exactly as the catalog has it.

    Alembic compiles the expression for the connection's dialect and puts the result in the file:
    psycopg's pyformat doubles every `%` (`'10%%'`, run again through text() at upgrade, stays doubled),
    and a `:word` inside a string was a bind parameter, compiled to NULL. Here it is compiled without
    parameter markers, then written as text() must be given it (`text_source`); an index expression
    becomes literal_column(), which takes its text as is."""
    from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
    from sqlalchemy.sql.elements import ColumnClause

    dialect = psycopg_dialect(paramstyle="named")  # "named": nothing to double

    def render_ddl_sql_expr(
        expr: Any, is_server_default: bool = False, is_index: bool = False, **kw: Any
    ) -> str:
        if is_index and not isinstance(expr, ColumnClause):
            expr = expr.self_group()  # as PostgresqlImpl does: an index expression in parentheses
        sql = str(
            expr.compile(dialect=dialect, compile_kwargs={"literal_binds": True, "include_table": False})
        )
        return sql if is_index else text_source(sql)

    impl.render_ddl_sql_expr = render_ddl_sql_expr


def render_ops(operations: list[Any], imports: set[str]) -> str:
    """The body of upgrade() or downgrade(); `imports` collects the import lines it needs."""
    from alembic.autogenerate import render_python_code
    from alembic.operations import ops
    from alembic.runtime.migration import MigrationContext

    ctx = MigrationContext.configure(dialect_name="postgresql", opts={"render_item": _render_item(imports)})
    render_sql_faithfully(ctx.impl)
    code = render_python_code(
        ops.UpgradeOps(ops=list(operations)), render_item=_render_item(imports), migration_context=ctx
    )
    lines = [line for line in code.splitlines() if "### " not in line]
    if "postgresql." in code:
        imports.add("from sqlalchemy.dialects import postgresql")
    return "\n".join(lines).strip() or "pass"
