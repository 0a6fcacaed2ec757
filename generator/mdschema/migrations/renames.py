"""Renames instead of drop-and-add: the docs' `renamed from:` markers, and renames found in a diff.

Declared renames (tables, columns, enum labels) come from the generated ``ddl.RENAMES``; they are run
on a copy of the head first, so that PostgreSQL itself carries each new name through every definition,
and only then is the copy diffed against the models. Constraints and indexes that follow a rename (a
dropped and an added one of one table, identical but for the name) become renames as well: no index
rebuild, no constraint re-validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final, TypeAlias

from mdschema.catalog.diff import (
    Change,
    ColumnRenamed,
    ConstraintAdded,
    ConstraintDropped,
    ConstraintRenamed,
    EnumLabelRenamed,
    IndexAdded,
    IndexDropped,
    IndexRenamed,
    TableRenamed,
)
from mdschema.catalog.snapshot import Snapshot
from mdschema.util.sql_text import quote_ident, quote_literal

DeclaredRename: TypeAlias = TableRenamed | ColumnRenamed | EnumLabelRenamed
# as the generated ddl.RENAMES writes them: (kind, owner, old, new); kind "table", "column" or "enum_label"
RawRename: TypeAlias = tuple[str, str, str, str]

_INDEX_HEAD: Final = re.compile(r"^CREATE (UNIQUE )?INDEX \S+ ON ")


def applicable_renames(declared: Iterable[RawRename], current: Snapshot) -> list[DeclaredRename]:
    """The declared renames that still apply: the old name exists and the new one does not. A column
    rename names its table as it is now (before that table's own rename, if any)."""
    declared = tuple(declared)
    tables = {t.name: t for t in current.tables}
    enums = {e.name: e for e in current.enums}
    out: list[DeclaredRename] = []
    for kind, owner, old, new in declared:
        if kind == "table" and old in tables and new not in tables:
            out.append(TableRenamed(old, new))
        elif kind == "column":
            table = tables.get(owner) or next(
                (tables[o] for k, _, o, n in declared if k == "table" and n == owner and o in tables), None
            )
            if table is None:
                continue
            names = {c.name for c in table.columns}
            if old in names and new not in names:
                out.append(ColumnRenamed(table.name, old, new))
        elif kind == "enum_label" and owner in enums:
            labels = enums[owner].labels
            if old in labels and new not in labels:
                out.append(EnumLabelRenamed(owner, old, new))
    return out


def rename_sql(renames: Sequence[DeclaredRename], reverse: bool = False) -> list[str]:
    """ALTER … RENAME for each declared rename. Forward: tables, then columns (on the new table
    names), then enum labels; reverse undoes columns first, then tables, then labels."""
    tables = [r for r in renames if isinstance(r, TableRenamed)]
    new_name = {r.before: r.after for r in tables}
    columns = [(new_name.get(r.table, r.table), r) for r in renames if isinstance(r, ColumnRenamed)]
    labels = [r for r in renames if isinstance(r, EnumLabelRenamed)]
    qi, ql = quote_ident, quote_literal
    if not reverse:
        return (
            [f"ALTER TABLE {qi(r.before)} RENAME TO {qi(r.after)}" for r in tables]
            + [f"ALTER TABLE {qi(t)} RENAME COLUMN {qi(r.before)} TO {qi(r.after)}" for t, r in columns]
            + [f"ALTER TYPE {qi(r.enum)} RENAME VALUE {ql(r.before)} TO {ql(r.after)}" for r in labels]
        )
    return (
        [f"ALTER TABLE {qi(t)} RENAME COLUMN {qi(r.after)} TO {qi(r.before)}" for t, r in columns]
        + [f"ALTER TABLE {qi(r.after)} RENAME TO {qi(r.before)}" for r in tables]
        + [f"ALTER TYPE {qi(r.enum)} RENAME VALUE {ql(r.after)} TO {ql(r.before)}" for r in labels]
    )


def detect_renames(changes: tuple[Change, ...]) -> tuple[Change, ...]:
    """A dropped and an added constraint (or index) of one table, identical but for the name (as after
    a table rename), become one ConstraintRenamed (IndexRenamed), appended after the other changes:
    constraints first, then indexes, each in the order of the drops."""
    out = list(changes)
    for drop in [c for c in out if isinstance(c, ConstraintDropped)]:
        for add in [c for c in out if isinstance(c, ConstraintAdded)]:
            if add.table == drop.table and _same_constraint(drop, add):
                out.remove(drop)
                out.remove(add)
                out.append(ConstraintRenamed(drop.table, drop.constraint.name, add.constraint.name))
                break
    for idrop in [c for c in out if isinstance(c, IndexDropped)]:
        for iadd in [c for c in out if isinstance(c, IndexAdded)]:
            if iadd.table == idrop.table and _same_index(idrop, iadd):
                out.remove(idrop)
                out.remove(iadd)
                out.append(IndexRenamed(idrop.table, idrop.index.name, iadd.index.name))
                break
    return tuple(out)


def _same_constraint(drop: ConstraintDropped, add: ConstraintAdded) -> bool:
    before, after = drop.constraint, add.constraint
    return before.kind == after.kind and before.definition == after.definition


def _same_index(drop: IndexDropped, add: IndexAdded) -> bool:
    """The same definition but for the index's name (UNIQUE counts: a unique index is another index)."""
    before, after = drop.index, add.index
    return before.unique == after.unique and _INDEX_HEAD.sub("", before.definition) == _INDEX_HEAD.sub(
        "", after.definition
    )
