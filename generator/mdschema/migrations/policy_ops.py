"""Row-level security and policies in a revision.

Policies are dropped at the start of a revision (after the views) and created at its end (after the
views, functions and tables they may read), so that nothing a policy reads changes under it: PostgreSQL
refuses to change the type of, or drop, a column a policy uses. A policy whose expressions name a column
that changes type or goes away (on any table: a policy may read others in a subquery) is dropped and
created again, unchanged — a name match, so it may rebuild one policy too many, never one too few.
A policy whose roles or expressions change is altered in place (ALTER POLICY) when PostgreSQL can; a new
command, PERMISSIVE / RESTRICTIVE, or a clause removed means drop and create. Policies hold no data:
dropping one loses nothing the downgrade does not create again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mdschema.catalog.diff import ColumnDropped, ColumnTypeChanged, EnumLabelsChanged
from mdschema.catalog.policies import PolicyAdded, PolicyChanged, PolicyDropped, RowSecurityChanged
from mdschema.catalog.snapshot import Policy, Snapshot
from mdschema.util.rls_sql import policy_comment_sql, row_security_sql
from mdschema.util.sql_text import quote_ident as qi
from mdschema.util.sql_text import quote_key as qk
from mdschema.util.sql_text import text_source


def _sql(text: str) -> Any:
    from alembic.operations import ops

    return ops.ExecuteSQLOp(text_source(text))


@dataclass(frozen=True, slots=True)
class PolicyRebuilt:
    """A policy dropped and created again, unchanged, because a column it names changes."""

    policy: Policy  # as it is before
    after: Policy  # as it is after
    because: str

    @property
    def subject(self) -> Any:
        from mdschema.catalog.diff import Subject

        return Subject("policy", self.policy.table, self.policy.name)

    def describe(self) -> str:
        return f"policy {self.policy.name} on {self.policy.table}: dropped and created again ({self.because})"


def with_rebuilds(changes: Sequence[Any], current: Snapshot, target: Snapshot) -> list[Any]:
    """`changes` plus a PolicyRebuilt for every policy of `current` whose expressions name a column that
    changes type or is dropped (or whose table has a column of an enum that changes), unless the policy
    is already dropped or re-created."""
    if not current.policies:
        return list(changes)
    columns: dict[str, str] = {}  # column name → why
    tables: dict[str, str] = {}  # a table whose every policy is rebuilt → why
    enum_tables: dict[str, set[str]] = {}
    for t in current.tables:
        for col in t.columns:
            enum_tables.setdefault(col.type.removesuffix("[]"), set()).add(t.name)
    for c in changes:
        match c:
            case ColumnTypeChanged(table=table, column=column):
                columns.setdefault(column, f"column {table}.{column} changes type")
            case ColumnDropped(table=table, column=col):
                columns.setdefault(col.name, f"column {table}.{col.name} is dropped")
            case EnumLabelsChanged(name=name):
                for table in enum_tables.get(name, ()):
                    tables.setdefault(table, f"enum {name} changes")
    recreated = {(c.before.table, c.before.name) for c in changes if isinstance(c, PolicyChanged)}
    recreated |= {
        (c.policy.table, c.policy.name) for c in changes if isinstance(c, PolicyDropped | PolicyRebuilt)
    }
    after = {(p.table, p.name): p for p in target.policies}
    out = list(changes)
    for policy in current.policies:
        key = (policy.table, policy.name)
        if key in recreated or key not in after:
            continue
        why = tables.get(policy.table) or next(
            (w for name, w in sorted(columns.items()) if _names(policy, name)), None
        )
        if why is not None:
            out.append(PolicyRebuilt(policy, after[key], why))
    for i, c in enumerate(out):  # an in-place change on a column that changes is a rebuild too
        if isinstance(c, PolicyChanged) and c.altered_in_place:
            why = tables.get(c.before.table) or next(
                (w for name, w in sorted(columns.items()) if _names(c.before, name)), None
            )
            if why is not None:
                out[i] = PolicyRebuilt(c.before, c.after, why)
    return out


def _names(policy: Policy, column: str) -> bool:
    word = re.compile(rf'(?<![\w"]){re.escape(column)}(?![\w"])|"{re.escape(column)}"')
    return any(text is not None and word.search(text) for text in (policy.using, policy.check))


def drop_policies(changes: Sequence[Any], ctx: Any) -> list[Any]:
    """Policies that go, or go to be created again."""
    out = []
    for c in changes:
        if isinstance(c, PolicyDropped | PolicyRebuilt):
            out.append(_drop_sql(c.policy))
        elif isinstance(c, PolicyChanged) and not c.altered_in_place:
            out.append(_drop_sql(c.before))
    return [_sql(s) for s in out]


def create_policies(changes: Sequence[Any], ctx: Any) -> list[Any]:
    """Row-level security switched as the target has it, then policies created, re-created or altered."""
    out: list[str] = []
    for c in changes:
        if isinstance(c, RowSecurityChanged):
            before = (c.before.enabled, c.before.forced)
            out.append(row_security_sql(c.table, c.after.enabled, c.after.forced, before))
    for c in changes:
        if isinstance(c, PolicyAdded):
            out += policy_sql(c.policy)
        elif isinstance(c, PolicyRebuilt):
            out += policy_sql(c.after)
        elif isinstance(c, PolicyChanged):
            out += _alter_sql(c) if c.altered_in_place else policy_sql(c.after)
    return [_sql(s) for s in out]


def policy_sql(p: Policy) -> list[str]:
    """The statements that build `p` exactly as the catalog describes it."""
    sql = (
        f"CREATE POLICY {qi(p.name)} ON {qk(p.table)} AS {'PERMISSIVE' if p.permissive else 'RESTRICTIVE'} "
        f"FOR {p.command} TO {_roles(p)}"
    )
    if p.using is not None:
        sql += f" USING ({p.using})"
    if p.check is not None:
        sql += f" WITH CHECK ({p.check})"
    out = [sql]
    if p.comment is not None:
        out.append(policy_comment_sql(p.name, p.table, p.comment))
    return out


def _alter_sql(c: PolicyChanged) -> list[str]:
    b, a = c.before, c.after
    out = []
    if (b.roles, b.using, b.check) != (a.roles, a.using, a.check):
        sql = f"ALTER POLICY {qi(a.name)} ON {qk(a.table)} TO {_roles(a)}"
        if a.using is not None:
            sql += f" USING ({a.using})"
        if a.check is not None:
            sql += f" WITH CHECK ({a.check})"
        out.append(sql)
    if b.comment != a.comment:
        out.append(policy_comment_sql(a.name, a.table, a.comment))
    return out


def _drop_sql(p: Policy) -> str:
    return f"DROP POLICY IF EXISTS {qi(p.name)} ON {qk(p.table)}"


def _roles(p: Policy) -> str:
    return ", ".join("PUBLIC" if r == "public" else qi(r) for r in p.roles)
