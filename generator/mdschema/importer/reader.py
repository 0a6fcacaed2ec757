"""What an import needs from a live database: the catalog snapshot, plus the facts a doc has to say that
a diff never compares (serial columns, which extension a table uses, readable index and trigger text).

Everything is read in one REPEATABLE READ, READ ONLY transaction, one set-based query per kind: the
import never writes to the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from mdschema.catalog.snapshot import Snapshot, snapshot
from mdschema.util.sql_text import quote_ident


@dataclass(frozen=True, slots=True)
class Extras:
    """Per table name: what the snapshot does not carry."""

    serial: tuple[tuple[str, str, str], ...]  # (table, column, owned sequence) of serial columns
    index_sql: tuple[tuple[str, str, str], ...]  # (table, index, pg_get_indexdef pretty)
    trigger_sql: tuple[tuple[str, str, str], ...]  # (table, trigger, pg_get_triggerdef pretty)
    extension_users: tuple[tuple[str, str], ...]  # (extension, table) a table's columns/indexes/defaults use
    unsupported: tuple[tuple[str, str], ...]  # (table, why mdschema cannot describe it)
    not_imported: tuple[str, ...]  # other objects of the schema the docs leave out (views, sequences, …)


@dataclass(frozen=True, slots=True)
class Source:
    schema: str
    snapshot: Snapshot
    extras: Extras


_TABLE_OIDS_SQL = """
SELECT c.oid, c.relname, c.relkind::text, c.relispartition, c.relpersistence::text,
       EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p') AND c.relname = ANY(%(names)s)
"""

# serial: a sequence owned (deptype 'a') by a column whose default calls nextval on it
_SERIAL_SQL = """
SELECT d.refobjid, a.attname, s.relname
FROM pg_depend d
JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
  AND d.refobjid = ANY(%(oids)s::oid[])
"""

_INDEX_SQL = """
SELECT x.indrelid, i.relname, pg_get_indexdef(x.indexrelid, 0, true)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
WHERE x.indrelid = ANY(%(oids)s::oid[])
"""

_TRIGGER_SQL = """
SELECT tgrelid, tgname, pg_get_triggerdef(oid, true) FROM pg_trigger
WHERE tgrelid = ANY(%(oids)s::oid[]) AND NOT tgisinternal
"""

# Which extension's members a table depends on: through its columns' types, its defaults, its
# indexes (operator classes, access methods) and its constraints.
_EXTENSION_USE_SQL = """
WITH owned AS (
    SELECT c.oid AS relid, 'pg_class'::regclass AS classid, c.oid AS objid FROM pg_class c
    WHERE c.oid = ANY(%(oids)s::oid[])
    UNION ALL
    SELECT d.adrelid, 'pg_attrdef'::regclass, d.oid FROM pg_attrdef d WHERE d.adrelid = ANY(%(oids)s::oid[])
    UNION ALL
    SELECT x.indrelid, 'pg_class'::regclass, x.indexrelid FROM pg_index x
    WHERE x.indrelid = ANY(%(oids)s::oid[])
    UNION ALL
    SELECT k.conrelid, 'pg_constraint'::regclass, k.oid FROM pg_constraint k
    WHERE k.conrelid = ANY(%(oids)s::oid[])
)
SELECT DISTINCT o.relid, e.extname
FROM owned o
JOIN pg_depend d ON d.classid = o.classid AND d.objid = o.objid AND d.deptype = 'n'
JOIN pg_depend m ON m.classid = d.refclassid AND m.objid = d.refobjid AND m.deptype = 'e'
JOIN pg_extension e ON e.oid = m.refobjid
"""

_OTHER_OBJECTS_SQL = """
SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                      WHEN 'f' THEN 'foreign table' END || ' ' || quote_ident(c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind IN ('v', 'm', 'S', 'f')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.deptype IN ('a', 'i', 'e'))
UNION ALL
SELECT CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'c' THEN 'composite type' WHEN 'r' THEN 'range type' END
       || ' ' || quote_ident(t.typname)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = %(schema)s AND t.typtype IN ('d', 'r')
   OR (n.nspname = %(schema)s AND t.typtype = 'c'
       AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))
UNION ALL
SELECT 'policy ' || quote_ident(p.polname) || ' on ' || quote_ident(c.relname)
FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s
ORDER BY 1
"""


def read_source(conn: Any, schema: str, exclude: frozenset[str]) -> Source:
    """Schema `schema` of the database behind `conn` (psycopg), the tables in `exclude` left out."""
    import psycopg

    idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    with conn.transaction(), conn.cursor() as cur:
        if idle:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snap = snapshot(conn, schema=schema, exclude_tables=exclude)
        # the readable definitions print names unqualified when they are on the search path
        cur.execute("SELECT set_config('search_path', %s, true)", (quote_ident(schema),))

        def rows(query: str, **params: Any) -> list[tuple[Any, ...]]:
            cur.execute(query, {"schema": schema, **params})
            return cur.fetchall()

        info = rows(_TABLE_OIDS_SQL, names=[t.name for t in snap.tables])
        names = {row[0]: row[1] for row in info}
        oids = list(names)
        unsupported = []
        for _, name, kind, partition, persistence, inherits in info:
            if kind == "p":
                unsupported.append((name, "a partitioned table (PARTITION BY)"))
            elif partition:
                unsupported.append((name, "a partition (PARTITION OF)"))
            elif inherits:
                unsupported.append((name, "an inheriting table (INHERITS)"))
            if persistence == "u":
                unsupported.append((name, "an UNLOGGED table"))
        serial = sorted((names[oid], col, seq) for oid, col, seq in rows(_SERIAL_SQL, oids=oids))
        index_sql = sorted((names[oid], idx, sql) for oid, idx, sql in rows(_INDEX_SQL, oids=oids))
        trigger_sql = sorted((names[oid], trg, sql) for oid, trg, sql in rows(_TRIGGER_SQL, oids=oids))
        users: dict[str, set[str]] = defaultdict(set)
        for oid, ext in rows(_EXTENSION_USE_SQL, oids=oids):
            users[ext].add(names[oid])
        others = tuple(r[0] for r in rows(_OTHER_OBJECTS_SQL) if r[0])
    return Source(
        schema,
        snap,
        Extras(
            serial=tuple(serial),
            index_sql=tuple(index_sql),
            trigger_sql=tuple(trigger_sql),
            extension_users=tuple(sorted((ext, t) for ext, ts in users.items() for t in ts)),
            unsupported=tuple(sorted(unsupported)),
            not_imported=others,
        ),
    )
