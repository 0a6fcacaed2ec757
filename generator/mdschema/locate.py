"""Map a catalog object back to the doc line it comes from."""

from __future__ import annotations

from mdschema.schema import Check, ForeignKey, Schema, Unique


def span_for(schema: Schema, subject: str) -> str:
    """`subject` like "table story", "column story.title", "index story.idx_x", "enum mood"."""
    kind, _, name = subject.partition(" ")
    table_name, _, part = name.partition(".")
    if kind == "enum":
        for e in schema.enums:
            if e.name == name:
                return str(e.span)
        return "(not in the docs)"
    if kind == "extension":
        for x in schema.extensions:
            if x.name == name:
                return str(x.span)
        return "(not in the docs)"
    if kind == "function":
        for f in schema.functions:
            if f.signature == name or f.name == name.split("(")[0]:
                return str(f.span)
        return "(not in the docs)"
    table = schema.table(table_name)
    if table is None:
        return "(not in the docs)"
    if kind == "column" and part:
        col = table.column(part)
        return str(col.span if col else table.span)
    if kind == "constraint" and part:
        named: list[Unique | ForeignKey | Check] = [*table.uniques, *table.foreign_keys, *table.checks]
        for obj in named:
            if obj.name == part:
                return str(obj.span)
        if table.primary_key and table.primary_key.name == part:
            return str(table.primary_key.span)
    if kind == "index" and part:
        for index in table.indexes:
            if index.name == part:
                return str(index.span)
    if kind == "trigger" and part:
        for trig in schema.triggers:
            if trig.table == table_name and trig.name == part:
                return str(trig.span)
    return str(table.span)
