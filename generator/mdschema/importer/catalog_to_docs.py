"""Catalog records → the SQL and prose of the docs, table by table.

What a doc says is what PostgreSQL prints: types as `format_type`, defaults as `pg_get_expr`, constraints
as `pg_get_constraintdef`, indexes and triggers as `pg_get_indexdef` / `pg_get_triggerdef`. Constraints
sit inline on their column where that reads naturally (one column, nothing unusual about them), else at
the end of the table. Two choices are made by the caller, because only reading the docs back can tell:
which constraints need `CONSTRAINT name` (PostgreSQL would choose another name), and which comments
need `COMMENT ON` (a trailing `-- comment` or a prose paragraph cannot carry them exactly).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from mdschema.catalog.snapshot import Column, Constraint, Table
from mdschema.importer.expressions import undo_array_coercion
from mdschema.importer.reader import Source
from mdschema.spec.pg_names import make_object_name, name_addition
from mdschema.util.sql_text import quote_ident, quote_literal

LINE = 110  # the docs' line length, like the code's
COMMENT_COLUMN = 56  # trailing comments line up here, or two spaces after a longer column line
WRAP_FROM = 72  # a comment starting further right than this stays on one line: no ragged continuation
WRAP_SLACK = 15  # a comment overshooting the line by less than this stays whole: no one-word continuation
INLINE_CHECK = 60  # a longer CHECK reads better at the end of the table than on its column's line
PLACEHOLDER = "TODO: describe"
_RENAMED = re.compile(r"renamed\s+from", re.IGNORECASE)
_CAST_LITERAL = re.compile(r"^('(?:[^']|'')*')::(.+)$")
_TYPMOD = re.compile(r"\(\d+(?:,\d+)?\)")
_SERIALS = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}
_UNUSUAL = re.compile(r"\b(DEFERRABLE|MATCH|NOT VALID|NO INHERIT|NULLS NOT DISTINCT|INCLUDE|USING INDEX)\b")


@dataclass(frozen=True, slots=True)
class Choices:
    """What the read-back decided: names written out, and comments carried by COMMENT ON."""

    explicit: frozenset[tuple[str, str]] = frozenset()  # (table, constraint)
    comment_on: frozenset[tuple[str, str | None]] = frozenset()  # (table, column or None for the table)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a doc, and the constraints written on it as (table, kind, name)."""

    text: str
    marks: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class TableText:
    name: str
    heading: str  # the heading's text, naming the table
    prose: str | None  # the description paragraph; None: the placeholder, unless described below
    sql: tuple[Line, ...]  # the ```sql block's lines
    described_below: bool = False  # the description is a COMMENT ON TABLE in the block


@dataclass(slots=True)
class _Layout:
    """The constraints of one table, split into inline (per column) and table-level ones."""

    inline: dict[str, list[Constraint]] = field(default_factory=dict)
    table_level: list[Constraint] = field(default_factory=list)


def default_name(table: Table, con: Constraint) -> str:
    """The name PostgreSQL gives `con` when it has no name and nothing else is in the way."""
    if con.kind == "p":
        return make_object_name(table.name, None, "pkey")
    if con.kind == "c":
        return make_object_name(table.name, con.columns[0] if len(con.columns) == 1 else None, "check")
    label = {"u": "key", "f": "fkey", "x": "excl"}[con.kind]
    return make_object_name(table.name, name_addition(con.columns), label)


def first_guess(source: Source) -> Choices:
    """Names differing from the plain default, and comments no trailing comment or paragraph can carry."""
    explicit = set()
    comment_on: set[tuple[str, str | None]] = set()
    for table in source.snapshot.tables:
        for con in table.constraints:
            if con.name != default_name(table, con):
                explicit.add((table.name, con.name))
        if table.comment is not None and not prose_ok(table.comment, table.name):
            comment_on.add((table.name, None))
        for col in table.columns:
            if col.comment is not None and not trailing_ok(col.comment):
                comment_on.add((table.name, col.name))
    return Choices(frozenset(explicit), frozenset(comment_on))


def trailing_ok(text: str) -> bool:
    """Can `-- text` (and continuation lines) say exactly this?"""
    return bool(text) and text == text.strip() and text.isprintable() and not _RENAMED.search(text)


def prose_ok(text: str, table: str) -> bool:
    """Can a Markdown paragraph under the table's heading say exactly this?"""
    if not text or text != " ".join(text.split()) or not text.isprintable() or _RENAMED.search(text):
        return False
    return _heading_names(table) and not re.match(r"[#>*+\-=`~<|]|\d+[.)]\s|\s", text)


def _heading_names(table: str) -> bool:
    """A heading names a table when the name is one word of it (see spec-format.md, Headings)."""
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", table) is not None


def table_text(source: Source, table: Table, choices: Choices) -> TableText:
    serial = {col: seq for t, col, seq in source.extras.serial if t == table.name}
    layout = _layout(table)
    name = quote_ident(table.name)
    entries: list[tuple[str, str | None, tuple[tuple[str, str, str], ...]]] = []  # (code, comment, marks)
    for col in table.columns:
        code, marks = _column_code(table, col, layout.inline.get(col.name, []), col.name in serial, choices)
        comment = col.comment if (table.name, col.name) not in choices.comment_on else None
        entries.append((code, comment, marks))
    for con in layout.table_level:
        entries.append((_constraint_code(table, con, choices), None, ((table.name, con.kind, con.name),)))
    lines = [Line(f"CREATE TABLE {name} (")]
    width = max((len(code) + 5 for code, comment, _ in entries if comment), default=0)
    column = min(max(width + 2, 0), COMMENT_COLUMN)
    for i, (code, comment, marks) in enumerate(entries):
        text = f"    {code}{',' if i < len(entries) - 1 else ''}"
        if not comment:
            lines.append(Line(text, marks))
            continue
        pad = max(column, len(text) + 2)
        parts = _wrap(comment, LINE - pad - 3) if pad <= WRAP_FROM else [comment]
        lines.append(Line(f"{text:<{pad}}-- {parts[0]}", marks))
        lines += [Line(f"{'':<{pad + 2}}-- {part}") for part in parts[1:]]
    lines.append(Line(");"))
    comment_lines = []
    if table.comment is not None and (table.name, None) in choices.comment_on:
        comment_lines.append(Line(f"COMMENT ON TABLE {name} IS {sql_string(table.comment)};"))
    for col in table.columns:
        if col.comment is not None and (table.name, col.name) in choices.comment_on:
            target = f"{name}.{quote_ident(col.name)}"
            comment_lines.append(Line(f"COMMENT ON COLUMN {target} IS {sql_string(col.comment)};"))
    if comment_lines:
        lines += [Line(""), *comment_lines]
    indexes = {idx: sql for t, idx, sql in source.extras.index_sql if t == table.name}
    index_lines = [Line(_index_sql(indexes[i.name]) + ";") for i in table.indexes if i.name in indexes]
    if index_lines:
        lines += [Line(""), *index_lines]
    triggers = [sql for t, _, sql in source.extras.trigger_sql if t == table.name]
    if triggers:
        lines += [Line(""), *(Line(sql + ";") for sql in triggers)]
    prose = (
        table.comment if table.comment is not None and (table.name, None) not in choices.comment_on else None
    )
    below = table.comment is not None and (table.name, None) in choices.comment_on
    return TableText(table.name, _heading(table.name), prose, tuple(lines), below)


def _heading(table: str) -> str:
    return table if _heading_names(table) else f"`{table}`"


def _wrap(text: str, width: int) -> list[str]:
    """Continuation lines join with one space: wrap only at single spaces, never inside a word."""
    if len(text) <= width + WRAP_SLACK or "  " in text:
        return [text]
    return textwrap.wrap(
        text, width=max(width, 30), break_long_words=False, break_on_hyphens=False, replace_whitespace=False
    ) or [text]


def sql_string(value: str) -> str:
    """A literal on one line: E'…' with escapes when the text holds line breaks or control characters."""
    if value.isprintable():
        return quote_literal(value)
    escaped = []
    for ch in value:
        if ch == "\\":
            escaped.append("\\\\")
        elif ch == "'":
            escaped.append("''")
        elif ch == "\n":
            escaped.append("\\n")
        elif ch == "\r":
            escaped.append("\\r")
        elif ch == "\t":
            escaped.append("\\t")
        elif not ch.isprintable():
            escaped.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            escaped.append(ch)
    return "E'" + "".join(escaped) + "'"


def _layout(table: Table) -> _Layout:
    layout = _Layout()
    taken: set[tuple[str, str]] = set()  # (column, kind): one constraint of a kind per column line
    for con in sorted(table.constraints, key=lambda c: ("pufcx".index(c.kind), c.name)):
        column = _inline_column(con)
        if column is not None and (column, con.kind) not in taken:
            taken.add((column, con.kind))
            layout.inline.setdefault(column, []).append(con)
        else:
            layout.table_level.append(con)
    return layout


def _inline_column(con: Constraint) -> str | None:
    """The column a constraint reads naturally on, or None for a table-level one."""
    if len(con.columns) != 1 or con.kind == "x" or _UNUSUAL.search(con.definition):
        return None
    col = quote_ident(con.columns[0])
    if con.kind == "p" and con.definition == f"PRIMARY KEY ({col})":
        return con.columns[0]
    if con.kind == "u" and con.definition == f"UNIQUE ({col})":
        return con.columns[0]
    if con.kind == "f" and con.definition.startswith(f"FOREIGN KEY ({col}) REFERENCES "):
        return con.columns[0]
    if con.kind == "c" and con.definition.startswith("CHECK ") and len(con.definition) <= INLINE_CHECK:
        return con.columns[0]
    return None


def _named(table: Table, con: Constraint, choices: Choices) -> str:
    return f"CONSTRAINT {quote_ident(con.name)} " if (table.name, con.name) in choices.explicit else ""


def _column_code(
    table: Table, col: Column, inline: list[Constraint], serial: bool, choices: Choices
) -> tuple[str, tuple[tuple[str, str, str], ...]]:
    parts = [quote_ident(col.name)]
    kinds = {c.kind for c in inline}
    if serial and col.type in _SERIALS:
        parts.append(_SERIALS[col.type])
    else:
        parts.append(col.type)
        serial = False
    pk = next((c for c in inline if c.kind == "p"), None)
    if pk is not None:  # `id uuid PRIMARY KEY DEFAULT …`, as teams write it
        parts.append(f"{_named(table, pk, choices)}PRIMARY KEY")
    if col.identity:
        parts.append(
            "GENERATED ALWAYS AS IDENTITY" if col.identity == "a" else "GENERATED BY DEFAULT AS IDENTITY"
        )
    if col.not_null and not ("p" in kinds or col.identity or serial):
        parts.append("NOT NULL")
    if col.generated:
        stored = "STORED" if col.generated == "s" else "VIRTUAL"
        parts.append(f"GENERATED ALWAYS AS ({col.default}) {stored}")
    elif col.default is not None and not serial:
        parts.append(f"DEFAULT {plain_default(col)}")
    marks = []
    for con in inline:
        named = _named(table, con, choices)
        if con.kind == "p":
            pass  # written after the type
        elif con.kind == "u":
            parts.append(f"{named}UNIQUE")
        elif con.kind == "f":
            parts.append(f"{named}REFERENCES {con.definition.split(' REFERENCES ', 1)[1]}")
        else:
            parts.append(f"{named}{undo_array_coercion(con.definition)}")
        marks.append((table.name, con.kind, con.name))
    return " ".join(parts), tuple(marks)


def plain_default(col: Column) -> str:
    """`'draft'::character varying` on a varchar column reads `'draft'`, as teams write it: PostgreSQL
    casts an untyped literal to the column's type and stores (and prints) exactly the same default."""
    m = _CAST_LITERAL.match(col.default or "")
    if m and m.group(2) in (col.type, _TYPMOD.sub("", col.type)):
        return m.group(1)
    return col.default or ""


def _constraint_code(table: Table, con: Constraint, choices: Choices) -> str:
    definition = undo_array_coercion(con.definition) if con.kind == "c" else con.definition
    return f"{_named(table, con, choices)}{definition}"


def _index_sql(definition: str) -> str:
    """pg_get_indexdef's text, without the `USING btree` a reader takes for granted."""
    return undo_array_coercion(definition.replace(" USING btree (", " (", 1))
