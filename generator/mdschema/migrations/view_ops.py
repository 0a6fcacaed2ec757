"""Views in a revision: dropped before what they read changes, created after it, in dependency order.

Which views a change touches is PostgreSQL's own record, not a guess: a snapshot's `View.reads` is
pg_depend of the view's rewrite rule (the relations and columns its query reads). A view reading a column
whose type changes, a column or table that goes away, or a view that is itself dropped and created again,
is dropped at the start of the revision and created again at the end (with its indexes and comment). A
view whose definition changed is replaced in place (CREATE OR REPLACE VIEW) when PostgreSQL allows it:
a plain view whose old columns are the new ones' first columns, same names and types. Everything else
(a materialized view, a column renamed, retyped or removed) is dropped and created.

Views hold no data of their own, so dropping one is no hazard. A materialized view's rows are computed
from the tables by its query: the downgrade creates it again WITH DATA, so nothing is lost that the
tables do not hold (see docs/spec-format.md, "Views").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mdschema.catalog.diff import (
    ColumnDropped,
    ColumnGeneratedChanged,
    ColumnTypeChanged,
    EnumLabelsChanged,
    TableDropped,
)
from mdschema.catalog.snapshot import Snapshot, View
from mdschema.catalog.views import ViewAdded, ViewChanged, ViewDropped, kind_word
from mdschema.util.graph import topological_order
from mdschema.util.sql_text import quote_ident as qi
from mdschema.util.sql_text import quote_literal as ql
from mdschema.util.sql_text import text_source


def _sql(text: str) -> Any:
    """op.execute() of exactly `text` (as migrations.plan writes every statement from the catalog)."""
    from alembic.operations import ops

    return ops.ExecuteSQLOp(text_source(text))


@dataclass(frozen=True, slots=True)
class ViewRebuilt:
    """A view that is dropped and created again, unchanged, because something it reads changes."""

    view: View  # as it is before
    after: View  # as it is after (the same definition, as the target prints it)
    because: str

    @property
    def subject(self) -> Any:
        from mdschema.catalog.diff import Subject

        return Subject("view", None, self.view.name)

    def describe(self) -> str:
        kind = "materialized view" if self.view.kind == "m" else "view"
        return f"{kind} {self.view.name}: dropped and created again ({self.because})"


def with_rebuilds(changes: Sequence[Any], current: Snapshot, target: Snapshot) -> list[Any]:
    """`changes` plus a ViewRebuilt for every view of `current` that reads what a change alters or
    removes (directly or through another view), unless the view is already changed or dropped."""
    if not current.views:
        return list(changes)
    touched: dict[tuple[str, str], str] = {}  # (relation, column or '') → why
    enum_columns: dict[str, list[tuple[str, str]]] = {}
    for t in current.tables:
        for col in t.columns:
            enum_columns.setdefault(col.type.removesuffix("[]"), []).append((t.name, col.name))
    for c in changes:
        match c:
            case ColumnTypeChanged(table=table, column=column):
                touched[table, column] = f"column {table}.{column} changes type"
            case ColumnDropped(table=table, column=col):
                touched[table, col.name] = f"column {table}.{col.name} is dropped"
            case ColumnGeneratedChanged(table=table, column=column):
                touched[table, column] = f"column {table}.{column} is generated differently"
            case TableDropped(table=gone_table):
                touched[gone_table.name, ""] = f"table {gone_table.name} is dropped"
            case EnumLabelsChanged(name=name):
                for key in enum_columns.get(name, ()):
                    touched[key] = f"enum {name} changes"
    by_name = {v.name: v for v in current.views}
    target_views = {v.name: v for v in target.views}
    changed = {c.before.name: c for c in changes if isinstance(c, ViewChanged)}
    already = {c.view.name for c in changes if isinstance(c, ViewRebuilt)}
    dropped = {c.view.name for c in changes if isinstance(c, ViewDropped)}
    gone = dropped | {name for name, c in changed.items() if not replaceable(c.before, c.after)}
    rebuilt: dict[str, str] = {}
    for view in current.views:
        for relation, column in view.reads:
            why = touched.get((relation, column)) or touched.get((relation, ""))
            if why and view.name not in dropped:
                rebuilt.setdefault(view.name, why)
    grew = True
    while grew:  # a view over a view that goes away goes away with it
        grew = False
        for view in current.views:
            if view.name in rebuilt or view.name in dropped or view.name in already:
                continue
            for relation, _ in view.reads:
                if relation in by_name and (relation in rebuilt or relation in gone or relation in already):
                    rebuilt[view.name] = f"it reads view {relation}, which is dropped and created again"
                    grew = True
                    break
    out = list(changes)
    for name, why in sorted(rebuilt.items()):
        if name in already:
            continue
        if name in changed:
            out[out.index(changed[name])] = ViewRebuilt(by_name[name], changed[name].after, why)
        elif name in target_views:
            out.append(ViewRebuilt(by_name[name], target_views[name], why))
    return out


def replaceable(before: View, after: View) -> bool:
    """CREATE OR REPLACE VIEW does it: plain views, the old columns (names and types) a prefix of the new."""
    return (
        before.kind == after.kind == "v"
        and after.columns[: len(before.columns)] == before.columns
        and before.options == after.options
    )


def _in_place(c: ViewChanged) -> bool:
    """Only the comment or the indexes differ: no need to touch the view itself."""
    a, b = c.before, c.after
    return (a.kind, a.definition, a.columns, a.options, a.populated) == (
        b.kind,
        b.definition,
        b.columns,
        b.options,
        b.populated,
    )


def _order(views: Iterable[View], among: Snapshot) -> list[View]:
    """`views` with what they read first (by `among`'s pg_depend), ties by name."""
    chosen = {v.name: v for v in views}
    reads = {v.name: {r for r, _ in v.reads} & set(chosen) - {v.name} for v in chosen.values()}
    return [chosen[name] for name in topological_order(reads)]


def drop_views(changes: Sequence[Any], ctx: Any) -> list[Any]:
    """Views dropped, or dropped to be created again, dependents first; matview indexes that go."""
    going: list[View] = []
    out: list[Any] = []
    for c in changes:
        if isinstance(c, (ViewDropped, ViewRebuilt)):
            going.append(c.view)
        elif isinstance(c, ViewChanged):
            if _in_place(c):
                out += [
                    _sql(f"DROP INDEX {qi(i.name)}") for i in c.before.indexes if i not in c.after.indexes
                ]
            elif not replaceable(c.before, c.after):
                going.append(c.before)
    return [_sql(f"DROP {kind_word(v)} {qi(v.name)}") for v in reversed(_order(going, ctx.current))] + out


def create_views(changes: Sequence[Any], ctx: Any) -> list[Any]:
    """Views added, replaced or created again, what they read first, with their indexes and comments."""
    coming: list[View] = []
    out: list[Any] = []
    for c in changes:
        if isinstance(c, ViewAdded):
            coming.append(c.view)
        elif isinstance(c, ViewRebuilt):
            coming.append(c.after)
        elif isinstance(c, ViewChanged):
            if _in_place(c):
                out += [_sql(i.definition) for i in c.after.indexes if i not in c.before.indexes]
                if c.before.comment != c.after.comment:
                    out.append(_sql(_comment_sql(c.after)))
            elif replaceable(c.before, c.after):
                body = c.after.definition.rstrip().rstrip(";")
                out.append(_sql(f"CREATE OR REPLACE VIEW {qi(c.after.name)}{_options(c.after)} AS\n{body}"))
                if c.before.comment != c.after.comment:
                    out.append(_sql(_comment_sql(c.after)))
            else:
                coming.append(c.after)
    ordered = _order(coming, ctx.target)
    return [_sql(s) for v in ordered for s in view_sql(v)] + out


def view_sql(v: View) -> list[str]:
    """The statements that build `v` exactly as the catalog describes it."""
    body = v.definition.rstrip().rstrip(";")
    if v.kind == "m":
        data = "WITH DATA" if v.populated else "WITH NO DATA"
        out = [f"CREATE MATERIALIZED VIEW {qi(v.name)}{_options(v)} AS\n{body}\n{data}"]
    else:
        out = [f"CREATE VIEW {qi(v.name)}{_options(v)} AS\n{body}"]
    out += [i.definition for i in v.indexes]
    if v.comment is not None:
        out.append(_comment_sql(v))
    return out


def _options(v: View) -> str:
    return f" WITH ({', '.join(v.options)})" if v.options else ""


def _comment_sql(v: View) -> str:
    text = "NULL" if v.comment is None else ql(v.comment)
    return f"COMMENT ON {kind_word(v)} {qi(v.name)} IS {text}"
