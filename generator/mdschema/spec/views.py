"""Views and materialized views: CREATE [OR REPLACE] VIEW, CREATE MATERIALIZED VIEW, their indexes and
COMMENT ON [MATERIALIZED] VIEW, read from pglast's tree at the doc line and resolved against the tables.

The query is kept as SQL text (pglast's deparse of it): what it means is PostgreSQL's business, and the
migrations compare views by what PostgreSQL prints for them (pg_get_viewdef) on a real server. Here only
what the docs can be checked for without a server: the relations a view reads exist, a view is defined
once, and the columns the models' read-only Table declares (typed where a column is a table's column).
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import mdschema.spec.pg_names as naming
from mdschema.errors import Collector, Span
from mdschema.schema import Index, PgType, Table, View, ViewColumn
from mdschema.spec.markdown import Doc
from mdschema.spec.raw import Parsed, RawIndex
from mdschema.util.graph import topological_order


@dataclass(frozen=True, slots=True)
class Target:
    """One item of the view's select list: a column reference (`qualifier.column`), a `*` (`qualifier.*`
    or all), or an expression; `name` is the AS name when written."""

    kind: str  # column | star | expression
    name: str | None
    qualifier: str | None = None
    column: str | None = None
    default_name: str = "?column?"  # PostgreSQL's name for an unnamed expression (a function's name)


@dataclass(frozen=True, slots=True)
class RawView:
    name: str
    materialized: bool
    sql: str
    aliases: tuple[str, ...]  # the (col, …) list after the view's name
    targets: tuple[Target, ...]  # of the first SELECT (a UNION's columns are its first branch's)
    from_names: tuple[tuple[str, str], ...]  # (alias or name, relation) of that SELECT's FROM
    reads: tuple[tuple[str, Span], ...]  # every relation the query reads, CTEs left out
    description: str | None
    span: Span
    doc: Doc


@dataclass(frozen=True, slots=True)
class RawViewComment:
    view: str
    materialized: bool
    text: str | None
    span: Span


# --- reading the statements (hooked into spec.statements' handlers) -------------------------------


def record(
    b: Any, query: Any, name: str, materialized: bool, sql: str, aliases: tuple[str, ...], span: Span,
    description: str | None,
) -> RawView:  # fmt: skip
    """The record of a CREATE [MATERIALIZED] VIEW whose SELECT is `query`; `b` is the block being read
    (spec.statements), `sql` the statement deparsed, `description` the heading's paragraph."""
    first = query
    while getattr(first, "larg", None) is not None:  # UNION / INTERSECT / EXCEPT: the first branch
        first = first.larg
    return RawView(
        name=name,
        materialized=materialized,
        sql=sql,
        aliases=aliases,
        targets=tuple(_target(t) for t in getattr(first, "targetList", None) or ()),
        from_names=tuple(_from_names(getattr(first, "fromClause", None) or ())),
        reads=tuple((rel, b.span(b.base + loc) if loc >= 0 else span) for rel, loc in _reads(query)),
        description=description,
        span=span,
        doc=b.doc,
    )


def names_of(items: Any) -> tuple[str, ...]:
    return tuple(_names(items))


def _names(items: Any) -> list[str]:
    return [str(getattr(i, "sval", i)) for i in items or ()]


def _target(t: Any) -> Target:
    from pglast import ast

    val = t.val
    if isinstance(val, ast.ColumnRef):
        fields = list(val.fields or ())
        if fields and isinstance(fields[-1], ast.A_Star):
            qualifier = str(fields[-2].sval) if len(fields) > 1 else None
            return Target("star", None, qualifier)
        qualifier = str(fields[-2].sval) if len(fields) > 1 else None
        return Target("column", t.name, qualifier, str(fields[-1].sval), str(fields[-1].sval))
    default = "?column?"
    if isinstance(val, ast.FuncCall) and val.funcname:
        default = str(val.funcname[-1].sval)
    elif isinstance(val, ast.TypeCast) and isinstance(val.arg, ast.ColumnRef) and val.arg.fields:
        default = str(getattr(val.arg.fields[-1], "sval", default))
    return Target("expression", t.name, default_name=default)


def _from_names(items: Any) -> list[tuple[str, str]]:
    """(the name the select list uses, relation) of every plain relation in a FROM list and its joins."""
    from pglast import ast

    found: list[tuple[str, str]] = []
    stack = list(items)[::-1]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.RangeVar):
            alias = item.alias.aliasname if item.alias is not None else item.relname
            found.append((str(alias), str(item.relname)))
        elif isinstance(item, ast.JoinExpr):
            stack += [item.rarg, item.larg]
    return found


def _reads(query: Any) -> list[tuple[str, int]]:
    """Every relation the query reads, with its location, in order; names of CTEs left out."""
    from pglast import ast

    ctes: set[str] = set()
    found: list[tuple[str, int]] = []
    stack = [query]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.CommonTableExpr):
            ctes.add(str(item.ctename))
        if isinstance(item, ast.RangeVar):
            name = (
                item.relname if item.schemaname in (None, "public") else f"{item.schemaname}.{item.relname}"
            )
            found.append((str(name), item.location if item.location is not None else -1))
        elif isinstance(item, ast.Node):
            for attr in reversed(item.__slots__):  # type: ignore[attr-defined]
                value = getattr(item, attr, None)
                if isinstance(value, (ast.Node, tuple, list)):
                    stack.append(value)
        elif isinstance(item, (tuple, list)):
            stack.extend(reversed(item))
    return [(name, loc) for name, loc in found if name not in ctes]


# --- resolving -------------------------------------------------------------------------------------


def view_names(parsed: Parsed) -> set[str]:
    return {v.name for v in parsed.views if isinstance(v, RawView)}


def split_indexes(parsed: Parsed) -> tuple[tuple[RawIndex, ...], tuple[RawIndex, ...]]:
    """(indexes on tables, indexes on the docs' views): CREATE INDEX … ON a materialized view."""
    names = view_names(parsed) - {t.name for t in parsed.tables}
    on_tables = tuple(i for i in parsed.indexes if i.table not in names)
    return on_tables, tuple(i for i in parsed.indexes if i.table in names)


def resolve_views(
    parsed: Parsed,
    tables: dict[str, Table],
    indexes: tuple[RawIndex, ...],
    relation_names: set[str],
    readable: set[str],
    diag: Collector,
) -> tuple[View, ...]:
    """The docs' views, in creation order (what a view reads first, ties by name). `relation_names`:
    every table, index and constraint name so far (a view's name and its indexes' must be new); `readable`:
    the tables a query may read (the docs', external and unmanaged ones)."""
    raws: dict[str, RawView] = {}
    for raw in parsed.views:
        if not isinstance(raw, RawView):
            continue
        naming_problem(raw, diag)
        if raw.name in raws:
            first = raws[raw.name]
            diag.error(
                raw.span,
                "E111",
                f"view {raw.name} is defined twice (first at {first.span})",
                "keep one definition: the docs say what the view is; revisions replace it when it changes",
            )
            continue
        if raw.name in tables:
            diag.error(
                raw.span,
                "E101",
                f"view {raw.name} has the name of table {raw.name} (at {tables[raw.name].span})",
                "tables and views share one namespace in PostgreSQL: rename one of them",
            )
            continue
        raws[raw.name] = raw
    known = readable | set(raws)
    for raw in raws.values():
        for rel, span in raw.reads:
            if rel not in known:
                diag.error(
                    span,
                    "E107",
                    f"view {raw.name} reads unknown table {rel!r}" + _did_you_mean(rel, known),
                    "define the table (or view) in a doc, or list it under external_tables or "
                    "unmanaged_tables in [tool.mdschema]",
                )
    comments: dict[str, str | None] = {}
    for c in parsed.views:
        if isinstance(c, RawViewComment):
            view = raws.get(c.view)
            if view is None:
                diag.error(
                    c.span,
                    "E107",
                    f"COMMENT ON {'MATERIALIZED ' if c.materialized else ''}VIEW refers to unknown view "
                    f"{c.view!r}" + _did_you_mean(c.view, raws),
                )
            elif view.materialized != c.materialized:
                kind = "a materialized view" if view.materialized else "a view"
                diag.error(
                    c.span,
                    "E107",
                    f"COMMENT ON {'MATERIALIZED ' if c.materialized else ''}VIEW {c.view}: it is {kind}",
                    f"write COMMENT ON {'MATERIALIZED ' if view.materialized else ''}VIEW {c.view}",
                )
            else:
                comments[c.view] = c.text
    by_view: dict[str, list[Index]] = defaultdict(list)
    for raw_index in indexes:
        view = raws.get(raw_index.table)
        if view is None:
            continue
        if not view.materialized:
            diag.error(
                raw_index.span,
                "E204",
                f"index on view {view.name}: only materialized views have indexes",
                "make it a MATERIALIZED VIEW, or index the tables it reads",
            )
            continue
        by_view[view.name].append(_index(raw_index, relation_names, diag))
    columns: dict[str, tuple[ViewColumn, ...]] = {}
    order = topological_order(
        {name: {rel for rel, _ in raw.reads if rel in raws and rel != name} for name, raw in raws.items()}
    )
    for name in order:
        columns[name] = _columns(raws[name], tables, columns)
    return tuple(
        View(
            name=name,
            doc=raws[name].doc.path,
            materialized=raws[name].materialized,
            sql=raws[name].sql,
            description=comments.get(name, raws[name].description),
            columns=columns[name],
            indexes=tuple(sorted(by_view.get(name, ()), key=lambda i: i.name)),
            reads=tuple(sorted({rel for rel, _ in raws[name].reads})),
            span=raws[name].span,
        )
        for name in order
    )


def naming_problem(raw: RawView, diag: Collector) -> None:
    if naming.too_long(raw.name):
        diag.error(
            raw.span,
            "E103",
            f"view {raw.name!r} is {len(raw.name.encode())} bytes; "
            "PostgreSQL truncates identifiers to 63 bytes",
            "choose a shorter name",
        )


def _did_you_mean(name: str, options: object) -> str:
    close = difflib.get_close_matches(name, sorted(options), n=1)  # type: ignore[call-overload]
    return f' (did you mean "{close[0]}"?)' if close else ""


def _index(raw: RawIndex, relation_names: set[str], diag: Collector) -> Index:
    if raw.name:
        if raw.name in relation_names:
            diag.error(raw.span, "E102", f"index name {raw.name!r} is already used")
        name = raw.name
    else:
        # PostgreSQL's names for the columns (a cast after its column, a function after itself), as tables'
        name = naming.choose_name(raw.table, raw.column_names, "idx", relation_names)
    relation_names.add(name)
    return Index(
        name=name,
        table=raw.table,
        elements=raw.elements,
        unique=raw.unique,
        method=raw.method,
        where=raw.where,
        include=raw.include,
        with_options=raw.with_options,
        span=raw.span,
        nulls_not_distinct=raw.nulls_not_distinct,
    )


def _columns(
    raw: RawView, tables: dict[str, Table], views: dict[str, tuple[ViewColumn, ...]]
) -> tuple[ViewColumn, ...]:
    """The view's columns as PostgreSQL names them: the written list, else AS names, column names, the
    function's name or ?column?; `*` expands to the relations' columns. Typed when a plain column."""
    relations = dict(raw.from_names)

    def of(relation: str) -> tuple[ViewColumn, ...]:
        table = tables.get(relation)
        if table is not None:
            return tuple(ViewColumn(c.name, c.type) for c in table.columns)
        return views.get(relation, ())

    def lookup(qualifier: str | None, column: str) -> PgType | None:
        candidates = [relations[qualifier]] if qualifier in relations else list(relations.values())
        for relation in candidates:
            for c in of(relation):
                if c.name == column:
                    return c.type
        return None

    found: list[ViewColumn] = []
    for t in raw.targets:
        if t.kind == "star":
            for relation in [relations[t.qualifier]] if t.qualifier in relations else relations.values():
                found += of(relation)
        elif t.kind == "column":
            assert t.column is not None
            found.append(ViewColumn(t.name or t.column, lookup(t.qualifier, t.column)))
        else:
            found.append(ViewColumn(t.name or t.default_name, None))
    for i, alias in enumerate(raw.aliases[: len(found)]):
        found[i] = ViewColumn(alias, found[i].type)
    return tuple(found)
