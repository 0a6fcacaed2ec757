"""Views and materialized views in the catalog: read (pg_get_viewdef, pg_depend), compared, described.

Definitions are compared as PostgreSQL prints them (`pg_get_viewdef(oid, true)`): both snapshots a
revision compares come from a real server, so two spellings of one query are one view.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from mdschema.catalog.snapshot import Index, Snapshot, View

_VIEWS_SQL = """
SELECT c.oid, c.relname, c.relkind::text, pg_get_viewdef(c.oid, true), c.relispopulated,
       coalesce(c.reloptions, '{}'::text[]), obj_description(c.oid, 'pg_class')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind IN ('v', 'm')
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                  AND e.objid = c.oid AND e.deptype = 'e')
"""

_VIEW_COLUMNS_SQL = """
SELECT attrelid, attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = ANY(%(oids)s::oid[]) AND attnum > 0 AND NOT attisdropped
ORDER BY attrelid, attnum
"""

_VIEW_INDEXES_SQL = """
SELECT x.indrelid, i.relname, pg_get_indexdef(x.indexrelid), x.indisunique
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
WHERE x.indrelid = ANY(%(oids)s::oid[])
"""

# What a view's rewrite rule depends on: the relations (and their columns) its query reads.
_VIEW_READS_SQL = """
SELECT DISTINCT r.ev_class,
       CASE WHEN n.nspname = %(schema)s THEN c.relname ELSE n.nspname || '.' || c.relname END,
       coalesce(a.attname, '')
FROM pg_rewrite r
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
JOIN pg_class c ON d.refclassid = 'pg_class'::regclass AND c.oid = d.refobjid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid AND d.refobjsubid > 0
WHERE r.ev_class = ANY(%(oids)s::oid[]) AND d.refobjid <> r.ev_class
"""


def read_views(rows: Callable[..., list[tuple[Any, ...]]]) -> tuple[View, ...]:
    """The schema's views; `rows(query, **params)` runs a query in the snapshot's transaction."""
    found = rows(_VIEWS_SQL)
    if not found:
        return ()
    oids = [row[0] for row in found]
    columns: defaultdict[int, list[tuple[str, str]]] = defaultdict(list)
    for oid, name, type_ in rows(_VIEW_COLUMNS_SQL, oids=oids):
        columns[oid].append((name, type_))
    indexes: defaultdict[int, list[Index]] = defaultdict(list)
    for oid, name, definition, unique in rows(_VIEW_INDEXES_SQL, oids=oids):
        indexes[oid].append(Index(name, definition, unique, ()))
    reads: defaultdict[int, set[tuple[str, str]]] = defaultdict(set)
    for oid, relation, column in rows(_VIEW_READS_SQL, oids=oids):
        reads[oid].add((relation, column))
    return tuple(
        sorted(
            (
                View(
                    name=name,
                    kind=kind,
                    definition=definition,
                    columns=tuple(columns[oid]),
                    options=tuple(sorted(options)),
                    populated=bool(populated) if kind == "m" else True,
                    comment=comment,
                    indexes=tuple(sorted(indexes[oid], key=lambda i: i.name)),
                    reads=tuple(sorted(reads[oid])),
                )
                for oid, name, kind, definition, populated, options, comment in found
            ),
            key=lambda v: v.name,
        )
    )


# --- changes -----------------------------------------------------------------------------------------


def _subject(name: str) -> Any:
    from mdschema.catalog.diff import Subject

    return Subject("view", None, name)


@dataclass(frozen=True, slots=True)
class ViewAdded:
    view: View

    @property
    def subject(self) -> Any:
        return _subject(self.view.name)


@dataclass(frozen=True, slots=True)
class ViewDropped:
    view: View

    @property
    def subject(self) -> Any:
        return _subject(self.view.name)


@dataclass(frozen=True, slots=True)
class ViewChanged:
    """Anything about one view: its definition, columns, options, comment or indexes."""

    before: View
    after: View

    @property
    def subject(self) -> Any:
        return _subject(self.after.name)


ViewChange = ViewAdded | ViewDropped | ViewChanged
VIEW_CHANGES = (ViewAdded, ViewDropped, ViewChanged)


def diff_views(current: Snapshot, desired: Snapshot) -> Iterator[ViewChange]:
    old = {v.name: v for v in current.views}
    new = {v.name: v for v in desired.views}
    for name, view in old.items():
        if name not in new:
            yield ViewDropped(view)
        elif new[name] != view:
            yield ViewChanged(view, new[name])
    for name, view in new.items():
        if name not in old:
            yield ViewAdded(view)


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
