"""Row-level security: ALTER TABLE … ENABLE / DISABLE / FORCE / NO FORCE ROW LEVEL SECURITY, CREATE POLICY
and COMMENT ON POLICY, read from pglast's tree at the doc line and resolved against the tables.

A policy's USING and WITH CHECK expressions are kept as SQL text (pglast's deparse): what they mean is
PostgreSQL's business, and the migrations compare policies by what PostgreSQL prints for them
(pg_get_expr) on a real server. Here only what can be checked without one: the table is the docs', a
policy is defined once per table, the roles exist (built in, or named in the `roles` config key), and the
clauses suit the command (PostgreSQL refuses USING on INSERT and WITH CHECK on SELECT and DELETE).
"""

from __future__ import annotations

from typing import Any

from mdschema.errors import Collector, Span
from mdschema.schema import Policy, RowSecurity
from mdschema.spec.raw import Parsed, RawPolicy, RawPolicyComment, RawRowSecurity

# PostgreSQL's RoleSpecType: a name, CURRENT_ROLE, CURRENT_USER, SESSION_USER, PUBLIC.
_ROLE_NAME, _PUBLIC = 0, 4
_SESSION_ROLES = {1: "CURRENT_ROLE", 2: "CURRENT_USER", 3: "SESSION_USER"}

# ALTER TABLE subtypes → (enabled, forced) they set; None leaves that flag as it was.
ROW_SECURITY_COMMANDS = {
    "AT_EnableRowSecurity": (True, None),
    "AT_DisableRowSecurity": (False, None),
    "AT_ForceRowSecurity": (None, True),
    "AT_NoForceRowSecurity": (None, False),
}


# --- reading the statements (hooked into spec.statements' handlers) -------------------------------


def row_security_record(table: str, subtype: str, span: Span) -> RawRowSecurity:
    enabled, forced = ROW_SECURITY_COMMANDS[subtype]
    return RawRowSecurity(table, enabled, forced, span)


def policy_record(
    node: Any, table: str, sql: str, using: str | None, check: str | None, span: Span, diag: Collector
) -> RawPolicy | None:
    """The record of a CREATE POLICY (`sql`, `using`, `check`: deparsed by spec.statements); None, with an
    E204 at the line, for a role mdschema cannot name the same way on every database."""
    roles: list[tuple[str, Span]] = []
    for spec in node.roles or ():
        kind = int(spec.roletype)
        if kind in _SESSION_ROLES:
            diag.error(
                span,
                "E204",
                f"policy {node.policy_name} on {table}: TO {_SESSION_ROLES[kind]} is not supported "
                "(it names whichever role runs the migration, a different one on each database)",
                "name the role (TO app_user) and list it in roles = [...] under [tool.mdschema]",
            )
            return None
        roles.append(("public" if kind == _PUBLIC else str(spec.rolename), span))
    return RawPolicy(
        name=str(node.policy_name),
        table=table,
        command=str(node.cmd_name or "all").upper(),
        permissive=bool(node.permissive),
        roles=tuple(roles) or (("public", span),),
        using=using,
        check=check,
        sql=sql,
        span=span,
    )


# --- resolving -------------------------------------------------------------------------------------

# Roles every PostgreSQL has: PUBLIC and the predefined pg_ roles (pg_read_all_data, …).
_BUILT_IN = frozenset({"public"})

_NO_USING = frozenset({"INSERT"})
_NO_CHECK = frozenset({"SELECT", "DELETE"})


def resolve_row_security(parsed: Parsed, tables: set[str], diag: Collector) -> tuple[RowSecurity, ...]:
    """What the docs leave each table's row-level security at (statements applied in the order written);
    only tables with it enabled or forced. `tables`: the docs' table keys."""
    state: dict[str, tuple[bool, bool, Span]] = {}
    for raw in parsed.rls:
        if not isinstance(raw, RawRowSecurity):
            continue
        if raw.table not in tables:
            _unknown_table(raw.span, f"ALTER TABLE {raw.table} … ROW LEVEL SECURITY", raw.table, diag)
            continue
        enabled, forced, _ = state.get(raw.table, (False, False, raw.span))
        state[raw.table] = (
            enabled if raw.enabled is None else raw.enabled,
            forced if raw.forced is None else raw.forced,
            raw.span,
        )
    return tuple(
        RowSecurity(table, enabled, forced, span)
        for table, (enabled, forced, span) in sorted(state.items())
        if enabled or forced
    )


def resolve_policies(
    parsed: Parsed,
    tables: set[str],
    row_security: tuple[RowSecurity, ...],
    roles: tuple[str, ...],
    diag: Collector,
) -> tuple[Policy, ...]:
    """The docs' policies, by table then name. `roles`: the config's `roles` key."""
    raws: dict[tuple[str, str], RawPolicy] = {}
    for raw in parsed.rls:
        if not isinstance(raw, RawPolicy):
            continue
        if raw.table not in tables:
            _unknown_table(raw.span, f"policy {raw.name}", raw.table, diag)
            continue
        first = raws.get((raw.table, raw.name))
        if first is not None:
            diag.error(
                raw.span,
                "E115",
                f"policy {raw.name} on {raw.table} is defined twice (first at {first.span})",
                "keep one CREATE POLICY per name and table: the docs say what the policy is; revisions "
                "alter or re-create it when it changes",
            )
            continue
        if _clauses_ok(raw, diag) and _roles_ok(raw, roles, diag):
            raws[raw.table, raw.name] = raw
    comments = _comments(parsed, raws, diag)
    enabled = {r.table for r in row_security if r.enabled}
    for raw in raws.values():
        if raw.table not in enabled:
            diag.note(
                raw.span,
                "N202",
                f"policy {raw.name} on {raw.table} has no effect: row-level security is not enabled on "
                f"{raw.table}",
                f"add ALTER TABLE {raw.table} ENABLE ROW LEVEL SECURITY; if the policy should apply",
            )
    return tuple(
        Policy(
            name=raw.name,
            table=raw.table,
            command=raw.command,
            permissive=raw.permissive,
            roles=tuple(sorted({name for name, _ in raw.roles})),
            using=raw.using,
            check=raw.check,
            sql=raw.sql,
            description=comments.get((raw.table, raw.name)),
            span=raw.span,
        )
        for _, raw in sorted(raws.items())
    )


def _unknown_table(span: Span, what: str, table: str, diag: Collector) -> None:
    diag.error(
        span,
        "E107",
        f"{what}: table {table} is not defined in the docs",
        "row-level security and policies are for the docs' own tables: define the table, or fix the name",
    )


def _clauses_ok(raw: RawPolicy, diag: Collector) -> bool:
    if raw.command in _NO_USING and raw.using is not None:
        wrong = "USING"
    elif raw.command in _NO_CHECK and raw.check is not None:
        wrong = "WITH CHECK"
    else:
        return True
    keep = "WITH CHECK" if wrong == "USING" else "USING"
    diag.error(
        raw.span,
        "E117",
        f"policy {raw.name} on {raw.table}: a FOR {raw.command} policy cannot have {wrong} "
        "(PostgreSQL refuses it)",
        f"write the condition as {keep} (…), or make the policy FOR ALL or FOR UPDATE",
    )
    return False


def _roles_ok(raw: RawPolicy, roles: tuple[str, ...], diag: Collector) -> bool:
    known = set(roles)
    for name, span in raw.roles:
        if name in _BUILT_IN or name.startswith("pg_") or name in known:
            continue
        diag.error(
            span,
            "E116",
            f"policy {raw.name} on {raw.table} is for role {name}, which PostgreSQL does not have "
            "until someone creates it",
            f'list it under [tool.mdschema]: roles = ["{name}"] (mdschema then creates it on its shadow '
            "databases' server, never on yours: your database must already have it)",
        )
        return False
    return True


def _comments(
    parsed: Parsed, policies: dict[tuple[str, str], RawPolicy], diag: Collector
) -> dict[tuple[str, str], str | None]:
    out: dict[tuple[str, str], str | None] = {}
    for raw in parsed.rls:
        if not isinstance(raw, RawPolicyComment):
            continue
        if (raw.table, raw.policy) not in policies:
            diag.error(
                raw.span,
                "E107",
                f"COMMENT ON POLICY {raw.policy} ON {raw.table}: no doc creates that policy",
                "comment on a policy the docs create (CREATE POLICY … ON the same table)",
            )
            continue
        out[raw.table, raw.policy] = raw.text
    return out
