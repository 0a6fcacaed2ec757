"""A change in words: one human line for a revision's summary, and the wording of database drift."""

from __future__ import annotations

from typing import Final, TypeAlias

from mdschema.catalog.diff import (
    Change,
    ColumnAdded,
    ColumnCommentChanged,
    ColumnDefaultChanged,
    ColumnDropped,
    ColumnGeneratedChanged,
    ColumnIdentityChanged,
    ColumnNullabilityChanged,
    ColumnRenamed,
    ColumnTypeChanged,
    ConstraintAdded,
    ConstraintChanged,
    ConstraintDropped,
    ConstraintRenamed,
    EnumAdded,
    EnumDropped,
    EnumLabelRenamed,
    EnumLabelsChanged,
    ExtensionAdded,
    ExtensionDropped,
    ExtensionVersionChanged,
    FunctionAdded,
    FunctionChanged,
    FunctionDropped,
    Generation,
    IndexAdded,
    IndexChanged,
    IndexDropped,
    IndexRenamed,
    SchemaAdded,
    SchemaDropped,
    TableAdded,
    TableCommentChanged,
    TableDropped,
    TableRenamed,
    TriggerAdded,
    TriggerChanged,
    TriggerDropped,
)
from mdschema.catalog.snapshot import Column

_IDENTITY: Final = {"": "none", "a": "always", "d": "by default"}
_GENERATED: Final = {"": "none", "s": "stored", "v": "virtual"}

# The kinds that add or drop a whole object: described by their subject (and what was added).
ADDED: Final = (
    SchemaAdded,
    ExtensionAdded,
    EnumAdded,
    FunctionAdded,
    TableAdded,
    ColumnAdded,
    ConstraintAdded,
    IndexAdded,
    TriggerAdded,
)
DROPPED: Final = (
    SchemaDropped,
    ExtensionDropped,
    EnumDropped,
    FunctionDropped,
    TableDropped,
    ColumnDropped,
    ConstraintDropped,
    IndexDropped,
    TriggerDropped,
)
Added: TypeAlias = (
    SchemaAdded
    | ExtensionAdded
    | EnumAdded
    | FunctionAdded
    | TableAdded
    | ColumnAdded
    | ConstraintAdded
    | IndexAdded
    | TriggerAdded
)


def describe(change: Change) -> str:
    """One human line, e.g. ``column story.title: type character varying(100) → character varying(300)``."""
    subject = change.subject
    if subject.kind == "sequence":
        from mdschema.catalog.sequences import describe_sequence

        return describe_sequence(change)  # type: ignore[arg-type]
    if subject.kind == "view":
        from mdschema.catalog.views import describe_view

        return describe_view(change)  # type: ignore[arg-type]
    if subject.kind in ("policy", "row security"):
        from mdschema.catalog.policies import describe_policy

        return describe_policy(change)  # type: ignore[arg-type]
    if subject.kind == "domain":
        from mdschema.catalog.domains import describe_domain

        return describe_domain(change)  # type: ignore[arg-type]
    if isinstance(change, ADDED):
        return f"{subject}: added{_summary(change)}"
    if isinstance(change, DROPPED):
        return f"{subject}: dropped"
    match change:
        case ExtensionVersionChanged(before=before, after=after):
            return f"{subject}: version {before} → version {after}"
        case EnumLabelsChanged(before=before, after=after):
            return f"{subject}: labels {_labels(before)} → {_labels(after)}"
        case FunctionChanged(before=before, after=after):
            if before.language == after.language:
                return f"{subject}: definition changed"
            return f"{subject}: definition changed (language {before.language} → {after.language})"
        case ConstraintChanged(before=before, after=after):
            return f"{subject}: {before.definition} → {after.definition}"
        case IndexChanged(before=before, after=after):
            return f"{subject}: {before.definition} → {after.definition}"
        case TriggerChanged(before=before, after=after):
            return f"{subject}: {before.definition} → {after.definition}"
        case (
            TableCommentChanged(before=before, after=after) | ColumnCommentChanged(before=before, after=after)
        ):
            return f"{subject}: comment {_text(before)} → {_text(after)}"
        case ColumnTypeChanged(before=before, after=after):
            return f"{subject}: type {before} → {after}"
        case ColumnNullabilityChanged(before=before, after=after):
            return f"{subject}: {_nullability(before)} → {_nullability(after)}"
        case ColumnDefaultChanged(before=before, after=after):
            return f"{subject}: default {_text(before, quote=False)} → {_text(after, quote=False)}"
        case ColumnIdentityChanged(before=before, after=after):
            return f"{subject}: identity {_IDENTITY[before]} → {_IDENTITY[after]}"
        case ColumnGeneratedChanged(before=before, after=after):
            return f"{subject}: generated {_generated(before)} → {_generated(after)}"
        case TableRenamed(before=before, after=after):
            return f"table {before}: renamed to {after}"
        case ColumnRenamed(table=table, before=before, after=after):
            return f"column {table}.{before}: renamed to {after}"
        case EnumLabelRenamed(enum=enum, before=before, after=after):
            return f"enum label {enum}.{before}: renamed to {after}"
        case ConstraintRenamed(table=table, before=before, after=after):
            return f"constraint {table}.{before}: renamed to {after}"
        case IndexRenamed(table=table, before=before, after=after):
            return f"index {table}.{before}: renamed to {after}"


def describe_drift(change: Change) -> str:
    """The same change read as the live database (``current``) against the docs (``desired``), e.g.
    ``story.title is character varying(100) in the database, character varying(300) in the docs``."""
    if change.subject.kind == "sequence":
        from mdschema.catalog.sequences import describe_sequence

        return describe_sequence(change, drift=True)  # type: ignore[arg-type]
    if change.subject.kind == "view":
        from mdschema.catalog.views import describe_view

        return describe_view(change, drift=True)  # type: ignore[arg-type]
    if change.subject.kind in ("policy", "row security"):
        from mdschema.catalog.policies import describe_policy

        return describe_policy(change, drift=True)  # type: ignore[arg-type]
    if change.subject.kind == "domain":
        from mdschema.catalog.domains import describe_domain

        return describe_domain(change, drift=True)  # type: ignore[arg-type]
    if isinstance(change, ADDED):
        return f"{change.subject}{_summary(change)} is in the docs but not in the database"
    if isinstance(change, DROPPED):
        return f"{change.subject} is in the database but not in the docs"
    match change:
        case ColumnTypeChanged(table=table, column=column, before=before, after=after):
            return f"{table}.{column} is {before} in the database, {after} in the docs"
        case ColumnNullabilityChanged(table=table, column=column, before=before, after=after):
            return f"{table}.{column} is {_state(before)} in the database, {_state(after)} in the docs"
        case ColumnDefaultChanged(table=table, column=column, before=before, after=after):
            return (
                f"{table}.{column} default is {before or 'none'} in the database, "
                f"{after or 'none'} in the docs"
            )
    return describe(change) + " (database → docs)"


def _state(not_null: bool) -> str:
    return "NOT NULL" if not_null else "nullable"


def _nullability(not_null: bool) -> str:
    return "not null" if not_null else "nullable"


def _generated(value: Generation) -> str:
    return f"{_GENERATED[value.kind]} ({value.expression})" if value.kind else "none"


def _text(value: str | None, quote: bool = True) -> str:
    if value is None:
        return "(none)"
    return repr(value) if quote else value


def _labels(labels: tuple[str, ...]) -> str:
    return "(" + ", ".join(labels) + ")"


def _summary(change: Added) -> str:
    """What was added, after the subject: `` text not null default 0``, `` (3 columns)``, ``: CHECK (…)``."""
    match change:
        case SchemaAdded():
            return ""
        case TableAdded(table=table):
            return f" ({len(table.columns)} columns)"
        case ColumnAdded(column=column):
            return f" {_column(column)}"
        case EnumAdded(enum=enum):
            return f" {_labels(enum.labels)}"
        case ExtensionAdded(extension=extension):
            return f" (version {extension.version})"
        case FunctionAdded(function=function):
            return f" ({function.language})"
        case ConstraintAdded(constraint=obj) | IndexAdded(index=obj) | TriggerAdded(trigger=obj):
            return f": {obj.definition}" if obj.definition else ""


def _column(column: Column) -> str:
    extra = " not null" if column.not_null else ""
    extra += f" default {column.default}" if column.default is not None and not column.generated else ""
    return f"{column.type}{extra}"
