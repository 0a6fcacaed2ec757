"""Typed differences between two snapshots: one frozen value per kind of change, each naming its subject.

`diff(current, desired)` lists what would turn `current` into `desired`. Every change carries typed
fields (the objects added or dropped, or an attribute's value before and after) and a `subject`, the
catalog object it is about, which `mdschema.locate` maps back to the doc line without parsing text.
The rename kinds are never produced by `diff`: `mdschema.migrations.renames` makes them, from the docs'
`renamed from:` markers and from a dropped and an added constraint or index that differ only in name.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias, TypeVar

from mdschema.catalog.domains import diff_domains  # as policies: catalog/domains.py
from mdschema.catalog.policies import diff_row_security  # as views: catalog/policies.py
from mdschema.catalog.sequences import diff_sequences  # as policies: catalog/sequences.py
from mdschema.catalog.snapshot import (
    Column,
    Constraint,
    Enum,
    Extension,
    Function,
    Index,
    Snapshot,
    Table,
    Trigger,
)
from mdschema.catalog.views import diff_views  # views' changes live with views (catalog/views.py)
from mdschema.util.perf import gc_paused

SubjectKind: TypeAlias = Literal[
    "table",
    "column",
    "constraint",
    "index",
    "trigger",
    "enum",
    "extension",
    "function",
    "schema",
    "view",
    "policy",
    "row security",
    "sequence",
    "domain",
]


@dataclass(frozen=True, slots=True, order=True)
class Subject:
    """The catalog object a change (or a hazard) is about. `table` is the owning table of a column,
    constraint, index or trigger, None otherwise; `name` is the object's own name (a function's
    signature, a table's name)."""

    kind: SubjectKind
    table: str | None
    name: str

    def __str__(self) -> str:
        """``column story.title``, ``table story``, ``enum mood``, ``function touch()``."""
        return (
            f"{self.kind} {self.table}.{self.name}" if self.table is not None else f"{self.kind} {self.name}"
        )


def _table(name: str) -> Subject:
    return Subject("table", None, name)


def _column(table: str, name: str) -> Subject:
    return Subject("column", table, name)


# --- schemas, extensions, enums, functions -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchemaAdded:
    name: str

    @property
    def subject(self) -> Subject:
        return Subject("schema", None, self.name)


@dataclass(frozen=True, slots=True)
class SchemaDropped:
    name: str

    @property
    def subject(self) -> Subject:
        return Subject("schema", None, self.name)


@dataclass(frozen=True, slots=True)
class ExtensionAdded:
    extension: Extension

    @property
    def subject(self) -> Subject:
        return Subject("extension", None, self.extension.name)


@dataclass(frozen=True, slots=True)
class ExtensionDropped:
    extension: Extension

    @property
    def subject(self) -> Subject:
        return Subject("extension", None, self.extension.name)


@dataclass(frozen=True, slots=True)
class ExtensionVersionChanged:
    name: str
    before: str
    after: str

    @property
    def subject(self) -> Subject:
        return Subject("extension", None, self.name)


@dataclass(frozen=True, slots=True)
class EnumAdded:
    enum: Enum

    @property
    def subject(self) -> Subject:
        return Subject("enum", None, self.enum.name)


@dataclass(frozen=True, slots=True)
class EnumDropped:
    enum: Enum

    @property
    def subject(self) -> Subject:
        return Subject("enum", None, self.enum.name)


@dataclass(frozen=True, slots=True)
class EnumLabelsChanged:
    name: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def subject(self) -> Subject:
        return Subject("enum", None, self.name)


@dataclass(frozen=True, slots=True)
class FunctionAdded:
    function: Function

    @property
    def subject(self) -> Subject:
        return Subject("function", None, self.function.signature)


@dataclass(frozen=True, slots=True)
class FunctionDropped:
    function: Function

    @property
    def subject(self) -> Subject:
        return Subject("function", None, self.function.signature)


@dataclass(frozen=True, slots=True)
class FunctionChanged:
    before: Function
    after: Function  # the same signature

    @property
    def subject(self) -> Subject:
        return Subject("function", None, self.after.signature)


# --- tables and columns -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TableAdded:
    table: Table

    @property
    def subject(self) -> Subject:
        return _table(self.table.name)


@dataclass(frozen=True, slots=True)
class TableDropped:
    table: Table

    @property
    def subject(self) -> Subject:
        return _table(self.table.name)


@dataclass(frozen=True, slots=True)
class TableCommentChanged:
    table: str
    before: str | None
    after: str | None

    @property
    def subject(self) -> Subject:
        return _table(self.table)


@dataclass(frozen=True, slots=True)
class ColumnAdded:
    table: str
    column: Column

    @property
    def subject(self) -> Subject:
        return _column(self.table, self.column.name)


@dataclass(frozen=True, slots=True)
class ColumnDropped:
    table: str
    column: Column

    @property
    def subject(self) -> Subject:
        return _column(self.table, self.column.name)


@dataclass(frozen=True, slots=True)
class ColumnTypeChanged:
    table: str
    column: str
    before: str  # format_type()
    after: str

    @property
    def subject(self) -> Subject:
        return _column(self.table, self.column)


@dataclass(frozen=True, slots=True)
class ColumnNullabilityChanged:
    table: str
    column: str
    before: bool  # NOT NULL before
    after: bool

    @property
    def subject(self) -> Subject:
        return _column(self.table, self.column)


@dataclass(frozen=True, slots=True)
class ColumnDefaultChanged:
    table: str
    column: str
    before: str | None  # the default's expression, None for none
    after: str | None

    @property
    def subject(self) -> Subject:
        return _column(self.table, self.column)


@dataclass(frozen=True, slots=True)
class ColumnIdentityChanged:
    table: str
    column: str
    before: str  # '' | 'a' (always) | 'd' (by default)
    after: str

    @property
    def subject(self) -> Subject:
        return _column(self.table, self.column)


@dataclass(frozen=True, slots=True)
class Generation:
    """How a column is generated: kind '' (not generated), 's' (stored) or 'v' (virtual), and the
    expression (None when not generated)."""

    kind: str
    expression: str | None


@dataclass(frozen=True, slots=True)
class ColumnGeneratedChanged:
    table: str
    column: str
    before: Generation
    after: Generation

    @property
    def subject(self) -> Subject:
        return _column(self.table, self.column)


@dataclass(frozen=True, slots=True)
class ColumnCommentChanged:
    table: str
    column: str
    before: str | None
    after: str | None

    @property
    def subject(self) -> Subject:
        return _column(self.table, self.column)


# --- constraints, indexes, triggers -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConstraintAdded:
    table: str
    constraint: Constraint

    @property
    def subject(self) -> Subject:
        return Subject("constraint", self.table, self.constraint.name)


@dataclass(frozen=True, slots=True)
class ConstraintDropped:
    table: str
    constraint: Constraint

    @property
    def subject(self) -> Subject:
        return Subject("constraint", self.table, self.constraint.name)


@dataclass(frozen=True, slots=True)
class ConstraintChanged:
    table: str
    before: Constraint
    after: Constraint  # the same name

    @property
    def subject(self) -> Subject:
        return Subject("constraint", self.table, self.after.name)


@dataclass(frozen=True, slots=True)
class IndexAdded:
    table: str
    index: Index

    @property
    def subject(self) -> Subject:
        return Subject("index", self.table, self.index.name)


@dataclass(frozen=True, slots=True)
class IndexDropped:
    table: str
    index: Index

    @property
    def subject(self) -> Subject:
        return Subject("index", self.table, self.index.name)


@dataclass(frozen=True, slots=True)
class IndexChanged:
    table: str
    before: Index
    after: Index  # the same name

    @property
    def subject(self) -> Subject:
        return Subject("index", self.table, self.after.name)


@dataclass(frozen=True, slots=True)
class TriggerAdded:
    trigger: Trigger

    @property
    def subject(self) -> Subject:
        return Subject("trigger", self.trigger.table, self.trigger.name)


@dataclass(frozen=True, slots=True)
class TriggerDropped:
    trigger: Trigger

    @property
    def subject(self) -> Subject:
        return Subject("trigger", self.trigger.table, self.trigger.name)


@dataclass(frozen=True, slots=True)
class TriggerChanged:
    before: Trigger
    after: Trigger  # the same table and name

    @property
    def subject(self) -> Subject:
        return Subject("trigger", self.after.table, self.after.name)


# --- renames (made by migrations.renames, never by diff) -------------------------------------------


@dataclass(frozen=True, slots=True)
class TableRenamed:
    before: str
    after: str

    @property
    def subject(self) -> Subject:
        return _table(self.after)


@dataclass(frozen=True, slots=True)
class ColumnRenamed:
    table: str  # the table's name before any table rename
    before: str
    after: str

    @property
    def subject(self) -> Subject:
        return _column(self.table, self.after)


@dataclass(frozen=True, slots=True)
class EnumLabelRenamed:
    enum: str
    before: str
    after: str

    @property
    def subject(self) -> Subject:
        return Subject("enum", None, self.enum)


@dataclass(frozen=True, slots=True)
class ConstraintRenamed:
    table: str
    before: str
    after: str

    @property
    def subject(self) -> Subject:
        return Subject("constraint", self.table, self.after)


@dataclass(frozen=True, slots=True)
class IndexRenamed:
    table: str
    before: str
    after: str

    @property
    def subject(self) -> Subject:
        return Subject("index", self.table, self.after)


Change: TypeAlias = (
    SchemaAdded
    | SchemaDropped
    | ExtensionAdded
    | ExtensionDropped
    | ExtensionVersionChanged
    | EnumAdded
    | EnumDropped
    | EnumLabelsChanged
    | FunctionAdded
    | FunctionDropped
    | FunctionChanged
    | TableAdded
    | TableDropped
    | ColumnAdded
    | ColumnDropped
    | ColumnTypeChanged
    | ColumnNullabilityChanged
    | ColumnDefaultChanged
    | ColumnIdentityChanged
    | ColumnGeneratedChanged
    | ColumnCommentChanged
    | TableCommentChanged
    | ConstraintAdded
    | ConstraintDropped
    | ConstraintChanged
    | IndexAdded
    | IndexDropped
    | IndexChanged
    | TriggerAdded
    | TriggerDropped
    | TriggerChanged
    | TableRenamed
    | ColumnRenamed
    | EnumLabelRenamed
    | ConstraintRenamed
    | IndexRenamed
)

# The order of changes within one table (and of the table-less kinds, which keep the order they were
# found in: extensions, enums, functions).
KINDS: Final[tuple[type[Change], ...]] = (
    SchemaAdded,
    SchemaDropped,
    ExtensionAdded,
    ExtensionDropped,
    ExtensionVersionChanged,
    EnumAdded,
    EnumDropped,
    EnumLabelsChanged,
    FunctionAdded,
    FunctionDropped,
    FunctionChanged,
    TableAdded,
    TableDropped,
    ColumnAdded,
    ColumnDropped,
    ColumnTypeChanged,
    ColumnNullabilityChanged,
    ColumnDefaultChanged,
    ColumnIdentityChanged,
    ColumnGeneratedChanged,
    ColumnCommentChanged,
    TableCommentChanged,
    ConstraintAdded,
    ConstraintDropped,
    ConstraintChanged,
    IndexAdded,
    IndexDropped,
    IndexChanged,
    TriggerAdded,
    TriggerDropped,
    TriggerChanged,
)
_RANK: Final = {kind: i for i, kind in enumerate(KINDS)}


def diff(current: Snapshot, desired: Snapshot) -> tuple[Change, ...]:
    """What would turn ``current`` into ``desired``: extensions, enums, functions, then tables by name."""
    with gc_paused():
        return _diff(current, desired)


def _diff(current: Snapshot, desired: Snapshot) -> tuple[Change, ...]:
    changes: list[Change] = [
        *_diff_schemas(current.schemas, desired.schemas),
        *_diff_extensions(current.extensions, desired.extensions),
        *_diff_enums(current.enums, desired.enums),
        *diff_domains(current, desired, Subject),  # type: ignore[list-item,arg-type]
        *_diff_functions(current.functions, desired.functions),
        *_diff_tables(current, desired),
        *_diff_triggers(current, desired),
        *_diff_views(current, desired),
        *diff_row_security(current, desired, Subject),  # type: ignore[list-item,arg-type]
        *diff_sequences(current, desired, Subject),  # type: ignore[list-item,arg-type]
    ]
    # stable: within one table and kind, the order of generation (column order, then names) is kept
    return tuple(sorted(changes, key=_sort_key))


def _diff_views(current: Snapshot, desired: Snapshot) -> Iterator[Change]:
    return diff_views(current, desired, _view)  # type: ignore[return-value]


def _view(name: str) -> Subject:
    return Subject("view", None, name)


def _sort_key(change: Change) -> tuple[int, str, int]:
    subject = change.subject
    table = subject.name if subject.kind == "table" else subject.table
    if table is None:
        return 0, "", 0
    return 1, table, _RANK.get(type(change), len(_RANK))  # policies after the table's own changes


K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


def _matched(
    before: Iterable[T], after: Iterable[T], key: Callable[[T], K]
) -> Iterator[tuple[T | None, T | None]]:
    """(old, new) pairs of objects matched by ``key``: dropped (new None) and changed ones in the old
    order, then added ones (old None) in the new order. Equal pairs are left out."""
    old = {key(o): o for o in before}
    new = {key(o): o for o in after}
    for name, obj in old.items():
        if name not in new:
            yield obj, None
        elif new[name] != obj:
            yield obj, new[name]
    for name, obj in new.items():
        if name not in old:
            yield None, obj


def _diff_schemas(before: tuple[str, ...], after: tuple[str, ...]) -> Iterator[Change]:
    """Schemas other than public (which every database has); none when a side read one schema only."""
    if not before or not after:
        return
    yield from (SchemaDropped(name) for name in before if name not in after and name != "public")
    yield from (SchemaAdded(name) for name in after if name not in before and name != "public")


def _diff_extensions(before: tuple[Extension, ...], after: tuple[Extension, ...]) -> Iterator[Change]:
    for old, new in _matched(before, after, _key_name):
        if new is None:
            assert old is not None
            yield ExtensionDropped(old)
        elif old is None:
            yield ExtensionAdded(new)
        else:
            yield ExtensionVersionChanged(new.name, old.version, new.version)


def _diff_enums(before: tuple[Enum, ...], after: tuple[Enum, ...]) -> Iterator[Change]:
    for old, new in _matched(before, after, _key_name):
        if new is None:
            assert old is not None
            yield EnumDropped(old)
        elif old is None:
            yield EnumAdded(new)
        else:
            yield EnumLabelsChanged(new.name, old.labels, new.labels)


def _diff_functions(before: tuple[Function, ...], after: tuple[Function, ...]) -> Iterator[Change]:
    for old, new in _matched(before, after, _key_signature):
        if new is None:
            assert old is not None
            yield FunctionDropped(old)
        elif old is None:
            yield FunctionAdded(new)
        else:
            yield FunctionChanged(old, new)


def _key_name(obj: Table | Enum | Extension | Constraint | Index) -> str:
    return obj.name


def _key_signature(obj: Function) -> str:
    return obj.signature


def _diff_tables(current: Snapshot, desired: Snapshot) -> Iterator[Change]:
    old = {t.name: t for t in current.tables}
    new = {t.name: t for t in desired.tables}
    for name, table in old.items():
        if name not in new:
            yield TableDropped(table)
        else:
            yield from _diff_table(table, new[name])
    for name, table in new.items():
        if name not in old:
            yield TableAdded(table)


def _diff_table(old: Table, new: Table) -> Iterator[Change]:
    t = old.name
    yield from _diff_columns(t, old.columns, new.columns)
    if old.comment != new.comment:
        yield TableCommentChanged(t, old.comment, new.comment)
    for before, after in _matched(old.constraints, new.constraints, _key_name):
        if after is None:
            assert before is not None
            yield ConstraintDropped(t, before)
        elif before is None:
            yield ConstraintAdded(t, after)
        else:
            yield ConstraintChanged(t, before, after)
    for ibefore, iafter in _matched(old.indexes, new.indexes, _key_name):
        if iafter is None:
            assert ibefore is not None
            yield IndexDropped(t, ibefore)
        elif ibefore is None:
            yield IndexAdded(t, iafter)
        else:
            yield IndexChanged(t, ibefore, iafter)


def _diff_columns(table: str, before: tuple[Column, ...], after: tuple[Column, ...]) -> Iterator[Change]:
    old = {c.name: c for c in before}
    new_names = {c.name for c in after}
    for col in before:
        if col.name not in new_names:
            yield ColumnDropped(table, col)
    for col in after:
        prev = old.get(col.name)
        if prev is None:
            yield ColumnAdded(table, col)
        elif prev != col:
            yield from _diff_column(table, prev, col)


def _diff_column(table: str, a: Column, b: Column) -> Iterator[Change]:
    name = a.name
    if a.type != b.type:
        yield ColumnTypeChanged(table, name, a.type, b.type)
    if a.not_null != b.not_null:
        yield ColumnNullabilityChanged(table, name, a.not_null, b.not_null)
    if a.generated or b.generated:
        if (a.generated, a.default) != (b.generated, b.default):
            yield ColumnGeneratedChanged(
                table, name, Generation(a.generated, a.default), Generation(b.generated, b.default)
            )
    elif a.default != b.default:
        yield ColumnDefaultChanged(table, name, a.default, b.default)
    if a.identity != b.identity:
        yield ColumnIdentityChanged(table, name, a.identity, b.identity)
    if a.comment != b.comment:
        yield ColumnCommentChanged(table, name, a.comment, b.comment)


def _diff_triggers(current: Snapshot, desired: Snapshot) -> Iterator[Change]:
    """Triggers of tables present in both, and of new tables; a dropped table drops its triggers."""
    dropped = {t.name for t in current.tables} - {t.name for t in desired.tables}
    old = {(t.table, t.name): t for t in current.triggers if t.table not in dropped}
    new = {(t.table, t.name): t for t in desired.triggers}
    for key, trig in old.items():
        if key not in new:
            yield TriggerDropped(trig)
        elif new[key] != trig:
            yield TriggerChanged(trig, new[key])
    for key, trig in new.items():
        if key not in old:
            yield TriggerAdded(trig)
