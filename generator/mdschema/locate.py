"""Map a catalog object (the subject of a change or a hazard) back to the doc line it comes from."""

from __future__ import annotations

from typing import Final, Protocol

from mdschema.errors import Span
from mdschema.schema import Check, Exclude, ForeignKey, Schema, Unique

NOT_IN_DOCS: Final = "(not in the docs)"


class Subject(Protocol):
    """What a change or a hazard is about, as `mdschema.catalog.diff.Subject` holds it: `kind` (table,
    column, constraint, index, trigger, enum, extension, function), the owning `table` (None when there
    is none) and the object's own `name`. A protocol, so that locating needs nothing from the catalog."""

    @property
    def kind(self) -> str: ...

    @property
    def table(self) -> str | None: ...

    @property
    def name(self) -> str: ...


def locate(schema: Schema, subject: Subject) -> Span | None:
    """Where the docs write `subject`: the object's own line, else its table's; None when the docs do
    not have it (a table or enum they dropped, an object only the database has)."""
    kind, name = subject.kind, subject.name
    if kind == "enum":
        return next((e.span for e in schema.enums if e.name == name), None)
    if kind == "extension":
        return next((x.span for x in schema.extensions if x.name == name), None)
    if kind == "schema":
        return next((n.span for n in schema.namespaces if n.name == name), None)
    if kind == "sequence":
        return next((q.span for q in schema.sequences if q.name == name), None)
    if kind == "domain":
        return next((d.span for d in schema.domains if d.name == name), None)
    if kind == "policy":
        policy = next((p for p in schema.policies if p.table == subject.table and p.name == name), None)
        if policy is not None:
            return policy.span
    if kind == "row security":
        rs = next((r for r in schema.row_security if r.table == name), None)
        if rs is not None:
            return rs.span
        table_of = schema.table(name)
        return table_of.span if table_of is not None else None
    if kind == "function":
        bare = name.split("(")[0]
        return next((f.span for f in schema.functions if f.signature == name or f.name == bare), None)
    view = next((v for v in schema.views if v.name == (name if kind == "view" else subject.table)), None)
    if view is not None:  # a view, or an index of a materialized view
        return next((i.span for i in view.indexes if kind == "index" and i.name == name), view.span)
    table = schema.table(name if kind == "table" else subject.table or "")
    if table is None:
        return None
    if kind == "column":
        col = table.column(name)
        return col.span if col else table.span
    if kind == "constraint":
        named: list[Unique | ForeignKey | Check | Exclude] = [
            *table.uniques,
            *table.foreign_keys,
            *table.checks,
            *table.excludes,
        ]
        for obj in named:
            if obj.name == name:
                return obj.span
        if table.primary_key and table.primary_key.name == name:
            return table.primary_key.span
    if kind == "index":
        for index in table.indexes:
            if index.name == name:
                return index.span
    if kind == "trigger":
        for trig in schema.triggers:
            if trig.table == table.name and trig.name == name:
                return trig.span
    return table.span


def where(schema: Schema, subject: Subject) -> str:
    """`locate` as text for a message: ``spec/story.md:88``, or ``(not in the docs)``."""
    span = locate(schema, subject)
    return str(span) if span is not None else NOT_IN_DOCS
