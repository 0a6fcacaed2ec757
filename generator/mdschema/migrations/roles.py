"""The roles the docs' policies name (the `roles` config key): made on mdschema's own servers, required
on everyone else's.

Roles belong to a PostgreSQL server, not to a database. The embedded server and the server of
MDSCHEMA_SHADOW_URL are where mdschema builds and proves: there each missing role is created (NOLOGIN,
no privileges: a name for policies to be "for"). On a user's database (DATABASE_URL) a role is never
created; a missing one stops `upgrade` before anything runs, with the names and what to do.
"""

from __future__ import annotations

from collections.abc import Sequence

from mdschema.database import connect
from mdschema.util.sql_text import quote_ident


def missing_roles(url: str, roles: Sequence[str]) -> list[str]:
    if not roles:
        return []
    with connect(url) as conn:
        rows = conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (list(roles),)).fetchall()
    return sorted(set(roles) - {str(r[0]) for r in rows})


def ensure_roles(admin_url: str, roles: Sequence[str]) -> None:
    """Create each of `roles` the server lacks, NOLOGIN (another process may be creating it too)."""
    import psycopg

    for name in missing_roles(admin_url, roles):
        with connect(admin_url) as conn:
            try:
                conn.execute(f"CREATE ROLE {quote_ident(name)} NOLOGIN")
            except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
                pass  # made by a concurrent run just now
            except psycopg.errors.InsufficientPrivilege:
                from mdschema.migrations.project import MigrationError

                raise MigrationError(
                    f"the shadow server cannot create role {name} for the docs' policies (its user lacks "
                    f"CREATEROLE): create it there (CREATE ROLE {quote_ident(name)} NOLOGIN), or give the "
                    "user CREATEROLE"
                ) from None


def require_roles(url: str, display: str, roles: Sequence[str]) -> str | None:
    """Why `upgrade` must not run on the user's database at `url`, or None: a role the policies name is
    missing there (mdschema never creates one on a database it does not own)."""
    missing = missing_roles(url, roles)
    if not missing:
        return None
    names = ", ".join(missing)
    return (
        f"{display} has no role {names}, which the docs' policies are for (roles = [...] in "
        f"[tool.mdschema]); nothing was run.\n  Create the role(s) there first (CREATE ROLE {missing[0]} "
        "NOLOGIN; or what your platform provides): mdschema creates roles only on its own servers"
    )
