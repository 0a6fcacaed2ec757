"""Limits PostgreSQL enforces when it builds the schema, checked at the doc line instead: a doc beyond one
would pass `generate` and only fail at the first migration (or, for 10,000 columns, give a module that
takes half a minute to import). Identifier lengths are checked where names are read (E103)."""

from __future__ import annotations

from typing import Final

from mdschema.errors import Collector, Span
from mdschema.schema import Schema

MAX_COLUMNS: Final = 1600  # MaxHeapAttributeNumber: "tables can have at most 1600 columns"
MAX_INDEX_KEYS: Final = 32  # INDEX_MAX_KEYS: index columns (key and INCLUDE), and foreign key columns
MAX_LABEL_BYTES: Final = 63  # NAMEDATALEN - 1: "Labels must be 63 bytes or less."
CODE: Final = "E113"


def check_limits(schema: Schema, diag: Collector) -> None:
    for enum in schema.enums:
        for label in enum.labels:
            size = len(label.encode())
            if size > MAX_LABEL_BYTES:
                diag.error(
                    enum.span,
                    CODE,
                    f"enum {enum.name}: label {label!r} is {size} bytes; PostgreSQL allows at most "
                    f"{MAX_LABEL_BYTES}",
                    "choose a shorter label",
                )
    for table in schema.tables:
        if len(table.columns) > MAX_COLUMNS:
            diag.error(
                table.columns[MAX_COLUMNS].span,
                CODE,
                f"table {table.name} has {len(table.columns):,} columns; PostgreSQL allows at most "
                f"{MAX_COLUMNS:,} (this is column {MAX_COLUMNS + 1:,}, {table.columns[MAX_COLUMNS].name})",
                "split the table: move groups of columns into tables that share its primary key",
            )
        keys: list[tuple[str, int, Span]] = []
        if table.primary_key is not None:
            keys.append(
                (
                    f"primary key {table.primary_key.name}",
                    len(table.primary_key.columns),
                    table.primary_key.span,
                )
            )
        keys += [(f"unique constraint {u.name}", len(u.columns), u.span) for u in table.uniques]
        keys += [(f"foreign key {fk.name}", len(fk.columns), fk.span) for fk in table.foreign_keys]
        keys += [(f"index {i.name}", len(i.elements) + len(i.include), i.span) for i in table.indexes]
        for what, count, span in keys:
            if count > MAX_INDEX_KEYS:
                diag.error(
                    span,
                    CODE,
                    f"table {table.name}: {what} has {count} columns; PostgreSQL allows at most "
                    f"{MAX_INDEX_KEYS}",
                    "use fewer columns (an index can hold an expression over several)",
                )
