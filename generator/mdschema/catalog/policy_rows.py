"""Row-level security and policies as the catalog holds them (pg_class's flags, pg_policy).

A policy's expressions are what PostgreSQL prints for them (`pg_get_expr` of polqual / polwithcheck), so
two spellings of one condition are one policy; its roles are names (`public` for PUBLIC), sorted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

COMMANDS = {"r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE", "*": "ALL"}

_ROW_SECURITY_SQL = """
SELECT c.oid, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
WHERE c.oid = ANY(%(oids)s::oid[]) AND (c.relrowsecurity OR c.relforcerowsecurity)
"""

_POLICIES_SQL = """
SELECT p.polrelid, p.polname, p.polcmd::text, p.polpermissive,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END
             FROM unnest(p.polroles) r ORDER BY 1),
       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), d.description
FROM pg_policy p
LEFT JOIN pg_description d ON d.objoid = p.oid AND d.classoid = 'pg_policy'::regclass AND d.objsubid = 0
WHERE p.polrelid = ANY(%(oids)s::oid[])
"""


def read_row_security(
    rows: Callable[..., list[tuple[Any, ...]]], names: dict[int, str]
) -> list[dict[str, Any]]:
    """The fields of each snapshot.RowSecurity of the tables `names` (oid → key), by table."""
    found = [
        {"table": names[oid], "enabled": bool(enabled), "forced": bool(forced)}
        for oid, enabled, forced in rows(_ROW_SECURITY_SQL, oids=list(names))
    ]
    return sorted(found, key=lambda f: f["table"])


def read_policies(rows: Callable[..., list[tuple[Any, ...]]], names: dict[int, str]) -> list[dict[str, Any]]:
    """The fields of each snapshot.Policy on the tables `names`, by (table, name)."""
    found = [
        {
            "table": names[oid],
            "name": name,
            "command": COMMANDS[cmd],
            "permissive": bool(permissive),
            "roles": tuple(roles),
            "using": using,
            "check": check,
            "comment": comment,
        }
        for oid, name, cmd, permissive, roles, using, check, comment in rows(_POLICIES_SQL, oids=list(names))
    ]
    return sorted(found, key=lambda f: (f["table"], f["name"]))
