"""Domains in the catalog: compared and described.

Both snapshots a revision compares come from a real server, so a domain's base type, default and CHECKs
are compared as PostgreSQL prints them: two spellings of one CHECK are one CHECK. The columns typed by a
domain are the tables' own changes (their type is the domain's name).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from mdschema.catalog.snapshot import Domain, Snapshot

# Each change carries its `subject` (a catalog.diff.Subject, which diff passes in: this module is below it).


@dataclass(frozen=True, slots=True)
class DomainAdded:
    domain: Domain
    subject: Any


@dataclass(frozen=True, slots=True)
class DomainDropped:
    domain: Domain
    subject: Any


@dataclass(frozen=True, slots=True)
class DomainChanged:
    """Anything about one domain: its base type or collation (which PostgreSQL cannot alter), its
    NOT NULL, default, CHECKs (by name) or comment."""

    before: Domain
    after: Domain
    subject: Any

    @property
    def retyped(self) -> bool:
        """The base type or the collation changes: there is no ALTER DOMAIN for either."""
        return (self.before.base, self.before.collation) != (self.after.base, self.after.collation)


DomainChange = DomainAdded | DomainDropped | DomainChanged
DOMAIN_CHANGES = (DomainAdded, DomainDropped, DomainChanged)


def diff_domains(
    current: Snapshot, desired: Snapshot, subject: Callable[[str, str | None, str], Any]
) -> Iterator[DomainChange]:
    """What turns `current`'s domains into `desired`'s, by name."""
    was = {d.name: d for d in current.domains}
    now = {d.name: d for d in desired.domains}
    for name, domain in sorted(was.items()):
        if name not in now:
            yield DomainDropped(domain, subject("domain", None, name))
        elif now[name] != domain:
            yield DomainChanged(domain, now[name], subject("domain", None, name))
    for name, domain in sorted(now.items()):
        if name not in was:
            yield DomainAdded(domain, subject("domain", None, name))


def relabels(before: str, after: str, current: Snapshot, target: Snapshot) -> bool:
    """Whether a column type change between a domain and its very base type rewrites nothing: domain →
    base is a relabelling, base → a domain without CHECKs is too (with CHECKs, PostgreSQL rewrites the
    table to check every value)."""
    was = {d.name: d for d in current.domains}.get(before)
    now = {d.name: d for d in target.domains}.get(after)
    return (was is not None and was.base == after) or (
        now is not None and now.base == before and not now.checks
    )


def what_changed(before: Domain, after: Domain) -> list[str]:
    """The parts of a domain that differ, in words."""
    parts = []
    if before.base != after.base:
        parts.append(f"base type {before.base} → {after.base}")
    if before.collation != after.collation:
        parts.append(f"collation {_text(before.collation)} → {_text(after.collation)}")
    if before.not_null != after.not_null:
        parts.append("NOT NULL → NULL" if before.not_null else "NULL → NOT NULL")
    if before.default != after.default:
        parts.append(f"default {before.default or 'none'} → {after.default or 'none'}")
    old, new = dict(before.checks), dict(after.checks)
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            parts.append(f"constraint {name} dropped")
        elif name not in old:
            parts.append(f"constraint {name} {new[name]} added")
        elif old[name] != new[name]:
            parts.append(f"constraint {name} {old[name]} → {new[name]}")
    if before.comment != after.comment:
        parts.append(f"comment {_text(before.comment)} → {_text(after.comment)}")
    return parts


def _text(value: str | None) -> str:
    return "none" if value is None else repr(value)


def _summary(d: Domain) -> str:
    return f" ({d.base}{' NOT NULL' if d.not_null else ''}{f', {len(d.checks)} CHECK' if d.checks else ''})"


def describe_domain(change: DomainChange, drift: bool = False) -> str:
    match change:
        case DomainAdded(domain=d):
            where = f"domain {d.name}"
            return (
                f"{where}{_summary(d)} is in the docs but not in the database" if drift else f"{where}: added"
            )
        case DomainDropped(domain=d):
            where = f"domain {d.name}"
            return f"{where} is in the database but not in the docs" if drift else f"{where}: dropped"
        case DomainChanged(before=before, after=after):
            line = f"domain {before.name}: {'; '.join(what_changed(before, after))}"
            return f"{line} (database → docs)" if drift else line
