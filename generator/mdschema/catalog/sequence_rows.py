"""Sequences as the catalog holds them: pg_sequence's parameters (never last_value: that is data), the
column that owns one (pg_depend deptype 'a', as OWNED BY and serial leave it) and its comment.

An identity column's sequence (deptype 'i') belongs to the column (`attidentity`) and is not read here; a
sequence owned by a table the snapshot leaves out (unmanaged, external) is left out with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_SEQUENCES_SQL = """
SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
       s.seqcache, s.seqcycle, d.deptype::text, d.refobjid, a.attname, k.description
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                     AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
LEFT JOIN pg_description k ON k.objoid = c.oid AND k.classoid = 'pg_class'::regclass AND k.objsubid = 0
WHERE n.nspname = ANY(%(schemas)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                  AND e.objid = c.oid AND e.deptype = 'e')
"""


def read_sequences(
    rows: Callable[..., list[tuple[Any, ...]]],
    schemas: list[str],
    key: Callable[[str, str], str],
    names: dict[int, str],
    excluded: frozenset[str],
) -> list[dict[str, Any]]:
    """The fields of each snapshot.Sequence in `schemas`, by key. `names`: the snapshot's tables (oid →
    key); `excluded`: keys left out (a sequence of that name, or owned by a table not in `names`)."""
    found = []
    for nsp, rel, type_, start, inc, minv, maxv, cache, cycle, deptype, ref, column, comment in rows(
        _SEQUENCES_SQL, schemas=schemas
    ):
        if deptype == "i" or key(nsp, rel) in excluded:
            continue
        if deptype == "a" and ref not in names:
            continue  # owned by a table mdschema does not manage
        found.append(
            {
                "name": key(nsp, rel),
                "type": type_,
                "start": int(start),
                "increment": int(inc),
                "min_value": int(minv),
                "max_value": int(maxv),
                "cache": int(cache),
                "cycle": bool(cycle),
                "owned_by": (names[ref], str(column)) if deptype == "a" else None,
                "comment": comment,
            }
        )
    return sorted(found, key=lambda f: f["name"])
