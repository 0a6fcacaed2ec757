"""The statements that build a view of the docs, as ddl.py's VIEWS holds them."""

from __future__ import annotations

from mdschema.schema import Index, View
from mdschema.util.sql_text import quote_ident as qi
from mdschema.util.sql_text import quote_literal as ql


def index_sql(index: Index) -> str:
    """CREATE [UNIQUE] INDEX … ON a materialized view, from the IR (the docs' own statement)."""
    elements = []
    for el in index.elements:
        piece = qi(el.column) if el.column else (el.expression or "")
        if el.opclass:
            piece += f" {el.opclass}"
        if el.descending:
            piece += " DESC"
        if el.nulls:
            piece += f" NULLS {el.nulls.upper()}"
        elements.append(piece)
    sql = f"CREATE {'UNIQUE ' if index.unique else ''}INDEX {qi(index.name)} ON {qi(index.table)}"
    if index.method != "btree":
        sql += f" USING {index.method}"
    sql += f" ({', '.join(elements)})"
    if index.include:
        sql += f" INCLUDE ({', '.join(qi(c) for c in index.include)})"
    if index.nulls_not_distinct:
        sql += " NULLS NOT DISTINCT"
    if index.with_options:
        sql += f" WITH ({', '.join(f'{k} = {v}' for k, v in index.with_options)})"
    if index.where:
        sql += f" WHERE {index.where}"
    return sql


def view_statements(view: View) -> tuple[str, ...]:
    """Every statement that builds `view`: CREATE, its indexes, its comment."""
    out = [view.sql, *(index_sql(i) for i in view.indexes)]
    if view.description is not None:
        kind = "MATERIALIZED VIEW" if view.materialized else "VIEW"
        out.append(f"COMMENT ON {kind} {qi(view.name)} IS {ql(view.description)}")
    return tuple(out)
