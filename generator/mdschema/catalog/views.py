"""Views and materialized views in the catalog: read (pg_get_viewdef, pg_depend), compared, described.

Definitions are compared as PostgreSQL prints them (`pg_get_viewdef(oid, true)`): both snapshots a
revision compares come from a real server, so two spellings of one query are one view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from mdschema.catalog.snapshot import Snapshot, View

# --- changes -----------------------------------------------------------------------------------------


# Each change carries its `subject` (a catalog.diff.Subject, which diff passes in: this module is below it).


@dataclass(frozen=True, slots=True)
class ViewAdded:
    view: View
    subject: Any


@dataclass(frozen=True, slots=True)
class ViewDropped:
    view: View
    subject: Any


@dataclass(frozen=True, slots=True)
class ViewChanged:
    """Anything about one view: its definition, columns, options, comment or indexes."""

    before: View
    after: View
    subject: Any


ViewChange = ViewAdded | ViewDropped | ViewChanged
VIEW_CHANGES = (ViewAdded, ViewDropped, ViewChanged)


def diff_views(current: Snapshot, desired: Snapshot, subject: Callable[[str], Any]) -> Iterator[ViewChange]:
    """What turns `current`'s views into `desired`'s; `subject(name)` is a view's diff.Subject."""
    old = {v.name: v for v in current.views}
    new = {v.name: v for v in desired.views}
    for name, view in old.items():
        if name not in new:
            yield ViewDropped(view, subject(name))
        elif new[name] != view:
            yield ViewChanged(view, new[name], subject(name))
    for name, view in new.items():
        if name not in old:
            yield ViewAdded(view, subject(name))


def kind_word(view: View) -> str:
    return "MATERIALIZED VIEW" if view.kind == "m" else "VIEW"


def what_changed(before: View, after: View) -> list[str]:
    """The parts of a view that differ, in words."""
    parts = []
    if before.kind != after.kind:
        parts.append(f"{kind_word(before).lower()} → {kind_word(after).lower()}")
    if before.definition != after.definition:
        parts.append("definition changed")
    if before.columns != after.columns and before.definition == after.definition:
        parts.append("columns " + _cols(before) + " → " + _cols(after))
    if before.options != after.options:
        parts.append(f"options {list(before.options)} → {list(after.options)}")
    if before.populated != after.populated:
        parts.append("WITH DATA → WITH NO DATA" if before.populated else "WITH NO DATA → WITH DATA")
    if before.comment != after.comment:
        parts.append(f"comment {_text(before.comment)} → {_text(after.comment)}")
    old = {i.name: i for i in before.indexes}
    new = {i.name: i for i in after.indexes}
    for name in sorted(old.keys() - new.keys()):
        parts.append(f"index {name} dropped")
    for name in sorted(new.keys() - old.keys()):
        parts.append(f"index {name} added")
    for name in sorted(old.keys() & new.keys()):
        if old[name] != new[name]:
            parts.append(f"index {old[name].definition} → {new[name].definition}")
    return parts


def _cols(view: View) -> str:
    return "(" + ", ".join(f"{n} {t}" for n, t in view.columns) + ")"


def _text(value: str | None) -> str:
    return "none" if value is None else repr(value)


def describe_view(change: ViewChange, drift: bool = False) -> str:
    if not isinstance(change, VIEW_CHANGES):  # migrations.view_ops.ViewRebuilt
        return change.describe()  # type: ignore[attr-defined,no-any-return]
    subject = change.subject
    kind = "materialized view" if _view_of(change).kind == "m" else "view"
    where = f"{kind} {subject.name}"
    match change:
        case ViewAdded():
            return f"{where} is in the docs but not in the database" if drift else f"{where}: added"
        case ViewDropped():
            return f"{where} is in the database but not in the docs" if drift else f"{where}: dropped"
        case ViewChanged(before=before, after=after):
            line = f"{where}: {'; '.join(what_changed(before, after))}"
            return f"{line} (database → docs)" if drift else line


def _view_of(change: ViewChange) -> View:
    return change.after if isinstance(change, ViewChanged) else change.view
