"""The functions the docs call that another system owns (the `external_functions` config key, Supabase's
`auth.uid()`): stand-ins on mdschema's own databases (the generated external.py), required on everyone
else's.

A stand-in returns NULL of the declared type: enough for a policy, a view or a default that calls the
function to be created and compared on a shadow. On a user's database (DATABASE_URL) a function is never
created; a missing one stops `upgrade` before anything runs, with its signature and what to do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mdschema.database import connect


def missing_functions(url: str, signatures: Sequence[str]) -> list[str]:
    """Of `signatures` ("auth.uid()"), those the database at `url` has no function for."""
    if not signatures:
        return []
    with connect(url) as conn:
        rows = conn.execute(
            "SELECT s FROM unnest(%s::text[]) AS s WHERE to_regprocedure(s) IS NULL", (list(signatures),)
        ).fetchall()
    return sorted(str(r[0]) for r in rows)


def require_functions(url: str, display: str, signatures: Sequence[str]) -> str | None:
    """Why `upgrade` must not run on the user's database at `url`, or None: a function the docs call is
    missing there (mdschema never creates one on a database it does not own)."""
    missing = missing_functions(url, signatures)
    if not missing:
        return None
    names = ", ".join(missing)
    return (
        f"{display} has no function {names}, which the docs call (external_functions in "
        "[tool.mdschema]); nothing was run.\n  That function is your platform's (Supabase's auth schema, "
        "say): upgrade the database the platform set up, or create the function there first; mdschema "
        "creates stand-ins only on its own servers"
    )


_MISSING = re.compile(
    r"function ([A-Za-z_][A-Za-z0-9_$]*)\.([A-Za-z_][A-Za-z0-9_$]*)\(([^()]*)\) does not exist"
)


def missing_function_hint(message: str) -> str:
    """What to do when PostgreSQL says a schema-qualified function does not exist (Supabase's auth.uid()
    on a shadow): "" for any other message."""
    match = _MISSING.search(message)
    if match is None or match.group(1) in ("public", "pg_catalog"):
        return ""
    signature = f"{match.group(1)}.{match.group(2)}({match.group(3)})"
    return (
        f"\n  if {signature} is your platform's (it is not in the docs), list it with its return type in "
        f'[tool.mdschema]: external_functions = {{ "{signature}" = "uuid" }} (mdschema then makes a stand-in '
        "on its own databases and requires the function on yours)"
    )


__all__ = ["missing_function_hint", "missing_functions", "require_functions"]
