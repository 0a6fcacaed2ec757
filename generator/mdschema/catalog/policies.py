"""Row-level security and policies in the catalog: compared and described.

Both snapshots a revision compares come from a real server, so a policy's USING and WITH CHECK are
compared as PostgreSQL prints them (pg_get_expr): two spellings of one condition are one policy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from mdschema.catalog.snapshot import Policy, RowSecurity, Snapshot

# Each change carries its `subject` (a catalog.diff.Subject, which diff passes in: this module is below it).


@dataclass(frozen=True, slots=True)
class RowSecurityChanged:
    """A table's ENABLE / FORCE ROW LEVEL SECURITY flags, before → after."""

    table: str
    before: RowSecurity
    after: RowSecurity
    subject: Any


@dataclass(frozen=True, slots=True)
class PolicyAdded:
    policy: Policy
    subject: Any


@dataclass(frozen=True, slots=True)
class PolicyDropped:
    policy: Policy
    subject: Any


@dataclass(frozen=True, slots=True)
class PolicyChanged:
    """Anything about one policy: its roles, expressions, command, kind or comment."""

    before: Policy
    after: Policy
    subject: Any

    @property
    def altered_in_place(self) -> bool:
        """ALTER POLICY can set roles, USING and WITH CHECK, but not remove a clause, nor change the
        command or PERMISSIVE / RESTRICTIVE: those are dropped and created again."""
        b, a = self.before, self.after
        return (
            b.command == a.command
            and b.permissive == a.permissive
            and (a.using is not None or b.using is None)
            and (a.check is not None or b.check is None)
        )


PolicyChange = RowSecurityChanged | PolicyAdded | PolicyDropped | PolicyChanged
POLICY_CHANGES = (RowSecurityChanged, PolicyAdded, PolicyDropped, PolicyChanged)


def diff_row_security(
    current: Snapshot, desired: Snapshot, subject: Callable[[str, str | None, str], Any]
) -> Iterator[PolicyChange]:
    """What turns `current`'s row-level security and policies into `desired`'s. `subject(kind, table,
    name)` is a diff.Subject. A table that goes away takes its flags and policies with it (no change is
    made for them); a new one starts with row-level security off."""
    tables = {t.name for t in desired.tables}
    old = {r.table: r for r in current.row_security}
    new = {r.table: r for r in desired.row_security}
    for table in sorted((old.keys() | new.keys()) & tables):
        before = old.get(table, RowSecurity(table, False, False))
        after = new.get(table, RowSecurity(table, False, False))
        if before != after:
            yield RowSecurityChanged(table, before, after, subject("row security", None, table))
    was = {(p.table, p.name): p for p in current.policies}
    now = {(p.table, p.name): p for p in desired.policies}
    for key, policy in sorted(was.items()):
        if key not in now:
            yield PolicyDropped(policy, subject("policy", policy.table, policy.name))
        elif now[key] != policy:
            yield PolicyChanged(policy, now[key], subject("policy", policy.table, policy.name))
    for key, policy in sorted(now.items()):
        if key not in was:
            yield PolicyAdded(policy, subject("policy", policy.table, policy.name))


def what_changed(before: Policy, after: Policy) -> list[str]:
    """The parts of a policy that differ, in words."""
    parts = []
    if before.command != after.command:
        parts.append(f"FOR {before.command} → FOR {after.command}")
    if before.permissive != after.permissive:
        parts.append(f"{_kind(before)} → {_kind(after)}")
    if before.roles != after.roles:
        parts.append(f"TO {', '.join(before.roles)} → TO {', '.join(after.roles)}")
    if before.using != after.using:
        parts.append(f"USING {_expr(before.using)} → {_expr(after.using)}")
    if before.check != after.check:
        parts.append(f"WITH CHECK {_expr(before.check)} → {_expr(after.check)}")
    if before.comment != after.comment:
        parts.append(f"comment {_text(before.comment)} → {_text(after.comment)}")
    return parts


def _kind(policy: Policy) -> str:
    return "PERMISSIVE" if policy.permissive else "RESTRICTIVE"


def _expr(text: str | None) -> str:
    return "none" if text is None else f"({text})"


def _text(value: str | None) -> str:
    return "none" if value is None else repr(value)


def row_security_words(rs: RowSecurity) -> str:
    if not rs.enabled and not rs.forced:
        return "off"
    return "enabled" + (", forced" if rs.forced else "") if rs.enabled else "forced, not enabled"


def describe_policy(change: PolicyChange, drift: bool = False) -> str:
    if not isinstance(change, POLICY_CHANGES):  # migrations.policy_ops.PolicyRebuilt
        return change.describe()  # type: ignore[attr-defined,no-any-return]
    match change:
        case RowSecurityChanged(table=table, before=before, after=after):
            if drift:
                return (
                    f"row-level security of table {table} is {row_security_words(before)} in the "
                    f"database, {row_security_words(after)} in the docs"
                )
            words = f"{row_security_words(before)} → {row_security_words(after)}"
            return f"table {table}: row-level security {words}"
        case PolicyAdded(policy=p):
            where = f"policy {p.name} on {p.table}"
            return f"{where} is in the docs but not in the database" if drift else f"{where}: added"
        case PolicyDropped(policy=p):
            where = f"policy {p.name} on {p.table}"
            return f"{where} is in the database but not in the docs" if drift else f"{where}: dropped"
        case PolicyChanged(before=before, after=after):
            line = f"policy {before.name} on {before.table}: {'; '.join(what_changed(before, after))}"
            return f"{line} (database → docs)" if drift else line
