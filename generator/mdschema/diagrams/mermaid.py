"""The Schema's tables → a Mermaid `erDiagram`: text only, decided here and printed as it is.

One diagram per doc: its tables with every column (type, PK/FK/UK marks), the tables of other docs (and
external tables) its foreign keys point at, drawn with just the referenced columns and the doc they live
in, and one relationship per foreign key:

    parent ||--o{ child : "parent_id"      a NOT NULL foreign key, many children per parent
    parent |o--o| child : "parent_id"      a nullable one (|o), unique on the child (o|)

The line is solid (`--`, identifying) when the foreign key is part of the child's primary key, dashed
(`..`) otherwise. Names Mermaid's grammar cannot take bare are quoted, or spelled with `_`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mdschema.schema import ForeignKey, Schema, Table

# Words Mermaid's erDiagram lexer takes as keywords where an entity name goes (case-insensitive).
_KEYWORDS = frozenset(
    {
        "erdiagram", "style", "classdef", "class", "subgraph", "end", "direction", "one", "only", "many",
        "zero", "to", "optionally", "u", "title", "acctitle", "accdescr", "or", "more",
    }
)  # fmt: skip
_BARE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_QUOTABLE = re.compile(r'^[^"%\r\n\v\b\\]+$')
# an attribute's type or name: erDiagram's ATTRIBUTE_WORD
_WORD_START = re.compile(r"[*A-Za-z_\u00c0-\uffff]")
_WORD_REST = re.compile(r"[^A-Za-z0-9\-_\[\]().,\u00c0-\uffff*]")
_TYPES = (
    (re.compile(r"^character varying"), "varchar"),
    (re.compile(r"^timestamp(\(\d+\))? with time zone"), r"timestamptz\1"),
    (re.compile(r"^timestamp(\(\d+\))? without time zone"), r"timestamp\1"),
    (re.compile(r"^time(\(\d+\))? with time zone"), r"timetz\1"),
    (re.compile(r"^time(\(\d+\))? without time zone"), r"time\1"),
    (re.compile(r"^double precision"), "float8"),
    (re.compile(r"^bit varying"), "varbit"),
    (re.compile(r"^character"), "char"),
)


@dataclass(frozen=True, slots=True)
class _Reference:
    table: str
    columns: tuple[tuple[str, str], ...]  # (column, type)
    where: str  # the doc it lives in, or "external"


def er_diagram(schema: Schema, doc: str | None) -> str:
    """The `erDiagram` of the tables of `doc` (a doc path as in the Schema), or of every table (None)."""
    mine = [t for t in schema.tables if doc is None or t.doc == doc]
    names = {t.name for t in mine}
    lines = ["erDiagram"]
    for table in mine:
        lines += _entity(table)
    for ref in _references(schema, mine):
        lines.append(f"    {entity_name(ref.table)} {{")
        lines += [
            f'        {_word(type_)} {_attr(col)} PK "{_comment(ref.where)}"' for col, type_ in ref.columns
        ]
        lines.append("    }")
    for table in mine:
        for fk in sorted(table.foreign_keys, key=lambda f: f.name):
            lines.append(_relationship(schema, table, fk, fk.ref_table in names))
    return "\n".join(lines) + "\n"


def _entity(table: Table) -> list[str]:
    pk = set(table.primary_key.columns) if table.primary_key else set()
    fk = {c for f in table.foreign_keys for c in f.columns}
    uk = {c for u in table.uniques for c in u.columns} | {
        e.column for i in table.indexes if i.unique and i.where is None for e in i.elements if e.column
    }
    out = [f"    {entity_name(table.name)} {{"]
    for col in table.columns:
        keys = [k for k, members in (("PK", pk), ("FK", fk), ("UK", uk)) if col.name in members]
        marks = " " + ", ".join(keys) if keys else ""
        out.append(f"        {_word(short_type(col.type.sql))} {_attr(col.name)}{marks}")
    out.append("    }")
    return out


def _references(schema: Schema, mine: list[Table]) -> list[_Reference]:
    """Tables outside `mine` that its foreign keys point at, with the columns they point at."""
    names = {t.name for t in mine}
    wanted: dict[str, dict[str, None]] = {}
    for table in mine:
        for fk in table.foreign_keys:
            if fk.ref_table not in names:
                wanted.setdefault(fk.ref_table, {}).update(dict.fromkeys(fk.ref_columns))
    out = []
    external = {e.name: dict(e.key_columns) for e in schema.external}
    for name in sorted(wanted):
        other = schema.table(name)
        if other is not None:
            types = {c.name: short_type(c.type.sql) for c in other.columns}
            where = other.doc
        else:
            types = {c: short_type(t.sql) for c, t in external.get(name, {}).items()}
            where = "external"
        out.append(_Reference(name, tuple((c, types.get(c, "key")) for c in wanted[name]), where))
    return out


def _relationship(schema: Schema, table: Table, fk: ForeignKey, inside: bool) -> str:
    nullable = any((c := table.column(col)) is not None and c.nullable for col in fk.columns)
    parent = "|o" if nullable else "||"
    child = "o|" if _unique(table, fk.columns) else "o{"
    pk = set(table.primary_key.columns) if table.primary_key else set()
    line = "--" if set(fk.columns) <= pk else ".."
    label = _comment(", ".join(fk.columns))
    return f'    {entity_name(fk.ref_table)} {parent}{line}{child} {entity_name(table.name)} : "{label}"'


def _unique(table: Table, columns: tuple[str, ...]) -> bool:
    keys = [set(u.columns) for u in table.uniques]
    keys += [
        {e.column or "" for e in i.elements}
        for i in table.indexes
        if i.unique and i.where is None and all(e.column for e in i.elements)
    ]
    if table.primary_key:
        keys.append(set(table.primary_key.columns))
    return set(columns) in keys


def entity_name(name: str) -> str:
    if _BARE.match(name) and name.lower() not in _KEYWORDS:
        return name
    if _QUOTABLE.match(name):
        return f'"{name}"'
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def short_type(sql: str) -> str:
    """format_type's text, short: `character varying(100)` → `varchar(100)`."""
    for long, short in _TYPES:
        if long.match(sql):
            return long.sub(short, sql, count=1)
    return sql


def _word(text: str) -> str:
    """A type as Mermaid's attribute grammar takes it: no spaces, no quotes."""
    text = _WORD_REST.sub("_", text.replace(" ", "_"))
    return text if text and _WORD_START.match(text) else f"_{text}"


def _attr(name: str) -> str:
    word = _word(name)
    return word + "_" if word.upper() in ("PK", "FK", "UK") else word


def _comment(text: str) -> str:
    return " ".join(text.replace('"', "'").split())
