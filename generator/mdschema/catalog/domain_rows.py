"""Domains as the catalog holds them (pg_type typtype 'd', their CHECKs in pg_constraint).

The base type is what format_type prints for typbasetype and typtypmod, each CHECK its name and
pg_get_constraintdef (`CHECK ((VALUE ~ '@'::text))`), the default pg_get_expr of typdefaultbin. A
collation is read only when it is not the base type's own (COLLATE written on the domain). A domain NOT
NULL is typnotnull (PostgreSQL 17 and later also keep it as a pg_constraint row, whose name is not read:
the docs cannot say it on 15 and 16).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_DOMAINS_SQL = """
SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
       pg_get_expr(t.typdefaultbin, 0),
       CASE WHEN t.typcollation <> 0 AND t.typcollation <> b.typcollation THEN c.collname::text END,
       ARRAY(SELECT ARRAY[k.conname::text, pg_get_constraintdef(k.oid)] FROM pg_constraint k
             WHERE k.contypid = t.oid AND k.contype = 'c' ORDER BY k.conname),
       d.description
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type b ON b.oid = t.typbasetype
LEFT JOIN pg_collation c ON c.oid = t.typcollation
LEFT JOIN pg_description d ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass AND d.objsubid = 0
WHERE t.typtype = 'd' AND n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass
                  AND e.objid = t.oid AND e.deptype = 'e')
"""


def read_domains(
    rows: Callable[..., list[tuple[Any, ...]]], schemas: list[str], key: Callable[[str, str], str]
) -> list[dict[str, Any]]:
    """The fields of each snapshot.Domain of `schemas`, by key (`key(nspname, name)`)."""
    found = [
        {
            "name": key(nspname, name),
            "base": base,
            "not_null": bool(not_null),
            "default": default,
            "collation": collation,
            "checks": tuple((str(c[0]), str(c[1])) for c in checks or ()),
            "comment": comment,
        }
        for nspname, name, base, not_null, default, collation, checks, comment in rows(
            _DOMAINS_SQL, schemas=schemas
        )
    ]
    return sorted(found, key=lambda f: f["name"])
