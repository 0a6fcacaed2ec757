"""The catalog queries of views and materialized views (catalog.snapshot makes View records of them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

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


def read_views(rows: Callable[..., list[tuple[Any, ...]]], schema: str) -> list[dict[str, Any]]:
    """The views of `schema` (views are read in one schema: public, where the docs' views are) as
    catalog.snapshot.View's fields, by name; `rows(query, **params)` runs a query in the snapshot's
    transaction. (Indexes as (name, pg_get_indexdef, unique).)"""
    found = rows(_VIEWS_SQL, schema=schema)
    if not found:
        return []
    oids = [row[0] for row in found]
    columns: defaultdict[int, list[tuple[str, str]]] = defaultdict(list)
    for oid, name, type_ in rows(_VIEW_COLUMNS_SQL, oids=oids):
        columns[oid].append((name, type_))
    indexes: defaultdict[int, list[tuple[str, str, bool]]] = defaultdict(list)
    for oid, name, definition, unique in rows(_VIEW_INDEXES_SQL, oids=oids):
        indexes[oid].append((name, definition, unique))
    reads: defaultdict[int, set[tuple[str, str]]] = defaultdict(set)
    for oid, relation, column in rows(_VIEW_READS_SQL, oids=oids, schema=schema):
        reads[oid].add((relation, column))
    return sorted(
        (
            {
                "name": name,
                "kind": kind,
                "definition": definition,
                "columns": tuple(columns[oid]),
                "options": tuple(sorted(options)),
                "populated": bool(populated) if kind == "m" else True,
                "comment": comment,
                "indexes": tuple(sorted(indexes[oid])),
                "reads": tuple(sorted(reads[oid])),
            }
            for oid, name, kind, definition, populated, options, comment in found
        ),
        key=lambda v: str(v["name"]),
    )
