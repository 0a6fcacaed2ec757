"""Domains in a revision.

Domains are created after the extensions and enums, before the tables that use them, and dropped after
the tables and columns that used them are gone or changed. A domain that changes is altered in place:
`SET / DROP DEFAULT`, `SET / DROP NOT NULL`, CHECKs dropped, renamed (a CHECK of the same definition
under another name, as when an earlier unnamed CHECK goes and PostgreSQL's `_check1` becomes `_check`)
and added; in a lock-safe plan a new CHECK is added `NOT VALID` and validated in an autocommit step of
its own. PostgreSQL has no ALTER DOMAIN for the base type or the collation: a revision that would need
one is refused at the domain's doc line (`DomainRefused`), never done by dropping a domain columns use;
so is a new CHECK or NOT NULL while a column is an array of the domain (PostgreSQL cannot check it).

A new NOT NULL or CHECK fails on rows that break it in the columns typed by the domain: NOT NULL is the
`set_not_null` hazard, and both are pre-flight checks counting those rows, column by column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from mdschema.catalog.domains import DomainAdded, DomainChanged, DomainDropped
from mdschema.catalog.snapshot import Domain, Snapshot, Table
from mdschema.util.domain_sql import create_domain_sql, domain_comment_sql, drop_domain_sql
from mdschema.util.sql_text import quote_ident as qi
from mdschema.util.sql_text import quote_key as qk
from mdschema.util.sql_text import text_source


class DomainRefused(Exception):
    """A domain change PostgreSQL cannot make: raised while planning, reported at the domain's doc line."""

    def __init__(self, change: DomainChanged, message: str, hint: str) -> None:
        self.change = change
        self.hint = hint
        super().__init__(f"domain {change.before.name}: {message}")


def _retyped(change: DomainChanged) -> DomainRefused:
    b, a = change.before, change.after
    what = (
        f"base type {b.base} → {a.base}"
        if b.base != a.base
        else f"collation {b.collation or 'default'} → {a.collation or 'default'}"
    )
    return DomainRefused(
        change,
        f"its {what} cannot be altered (PostgreSQL has no ALTER DOMAIN for it, and dropping the domain "
        "would take the columns of it along)",
        "give the domain with the new type another name in the doc (CREATE DOMAIN email_v2 …) and type the "
        "columns by it: the revision creates it, changes the columns' type, then drops the old one",
    )


def _in_arrays(change: DomainChanged, arrays: list[str], what: str) -> DomainRefused:
    return DomainRefused(
        change,
        f"{what} cannot be added while {', '.join(arrays)} {'is' if len(arrays) == 1 else 'are'} array(s) "
        'of it (PostgreSQL refuses to check a domain\'s values inside arrays: "cannot alter type")',
        "first make the array column(s) another type (text[]) in a revision of their own, then change the "
        "domain in the next one; make them arrays of the domain again after that",
    )


def _sql(text: str) -> Any:
    from alembic.operations import ops

    return ops.ExecuteSQLOp(text_source(text))


def create_sql(d: Domain) -> list[str]:
    """The statements that build `d` exactly as the catalog describes it, CHECK names included."""
    out = [create_domain_sql(d.name, d.base, d.collation, d.default, d.not_null, d.checks)]
    if d.comment is not None:
        out.append(domain_comment_sql(d.name, d.comment))
    return out


def create_domains(changes: Sequence[DomainAdded], ctx: Any) -> list[Any]:
    return [_sql(s) for c in changes for s in create_sql(c.domain)]


def drop_domains(changes: Sequence[DomainDropped], ctx: Any) -> list[Any]:
    return [_sql(drop_domain_sql(c.domain.name)) for c in changes]


def loosen_domains(changes: Sequence[DomainChanged], ctx: Any) -> list[Any]:
    """What a domain lets go of, before the tables change: CHECKs dropped or renamed, the default, DROP NOT
    NULL, the comment (so that a column given the domain's type is checked against what it becomes)."""
    out: list[Any] = []
    for c in changes:
        if c.retyped:
            raise _retyped(c)
        b, a = c.before, c.after
        alter = f"ALTER DOMAIN {qk(a.name)}"
        drops, renames, _ = _check_steps(b.checks, a.checks)
        out += [_sql(f"{alter} DROP CONSTRAINT {qi(name)}") for name in drops]
        out += [_sql(f"{alter} RENAME CONSTRAINT {qi(old)} TO {qi(new)}") for old, new in renames]
        if b.default != a.default:
            out.append(
                _sql(f"{alter} SET DEFAULT {a.default}" if a.default is not None else f"{alter} DROP DEFAULT")
            )
        if b.not_null and not a.not_null:
            out.append(_sql(f"{alter} DROP NOT NULL"))
        if b.comment != a.comment:
            out.append(_sql(domain_comment_sql(a.name, a.comment)))
    return out


def tighten_domains(changes: Sequence[DomainChanged], ctx: Any) -> list[Any]:
    """What a domain newly demands, once the columns have their new types: SET NOT NULL and new CHECKs
    (lock-safe: NOT VALID, then VALIDATE in an autocommit step), which check every column of it."""
    from mdschema.migrations import safe

    out: list[Any] = []
    for c in changes:
        b, a = c.before, c.after
        _, _, adds = _check_steps(b.checks, a.checks)
        new_not_null = a.not_null and not b.not_null
        if not adds and not new_not_null:
            continue
        arrays = _arrays_of(b.name, ctx.current, ctx.target)
        if arrays:
            raise _in_arrays(c, arrays, f"CHECK {adds[0][0]}" if adds else "NOT NULL")
        alter = f"ALTER DOMAIN {qk(a.name)}"
        if new_not_null:
            out.append(_sql(f"{alter} SET NOT NULL"))
        for name, definition in adds:
            add = f"{alter} ADD CONSTRAINT {qi(name)} {definition}"
            if ctx.safe and _used(b.name, ctx.current):
                validate = safe.autocommit([_sql(f"{alter} VALIDATE CONSTRAINT {qi(name)}")])
                out += [_sql(add + " NOT VALID"), validate]
            else:
                out.append(_sql(add))
    return out


def _arrays_of(domain: str, current: Snapshot, target: Snapshot) -> list[str]:
    """The columns that are arrays of `domain` before or after the revision: PostgreSQL would refuse the
    new constraint in one direction or the other (the downgrade adds back what the upgrade drops)."""
    both = [*columns_of(domain, current), *columns_of(domain, target)]
    return sorted({f"{t.name}.{col}" for t, col, array in both if array})


def _check_steps(
    before: Sequence[tuple[str, str]], after: Sequence[tuple[str, str]]
) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """(names dropped, (old, new) renamed, (name, definition) added) turning `before`'s CHECKs into
    `after`'s, in the order they run. A CHECK that goes and one of the same definition that comes is a
    rename (no scan of the columns), done once its new name is free; a cycle of renames is dropped and
    added instead."""
    old, new = dict(before), dict(after)
    gone = [name for name, definition in before if new.get(name) != definition]
    come = [(name, definition) for name, definition in after if old.get(name) != definition]
    pairs: dict[str, str] = {}  # new name → old name of the same definition
    for name, definition in come:
        source = next((g for g in gone if old[g] == definition and g not in pairs.values()), None)
        if source is not None:
            pairs[name] = source
    occupied = set(old) - (set(gone) - set(pairs.values()))  # after the plain drops
    renames: list[tuple[str, str]] = []
    pending = dict(pairs)
    while pending:
        ready = next((n for n, o in pending.items() if n not in occupied), None)
        if ready is None:  # a cycle: what is left is dropped and added
            break
        source = pending.pop(ready)
        renames.append((source, ready))
        occupied = (occupied - {source}) | {ready}
    drops = [g for g in gone if g not in {source for source, _ in renames}]
    adds = [(n, d) for n, d in come if n not in {target for _, target in renames}]
    return drops, renames, adds


def _used(domain: str, snapshot: Snapshot) -> bool:
    return any(_of(col.type, domain) for t in snapshot.tables for col in t.columns)


def _of(column_type: str, domain: str) -> bool:
    return column_type.removesuffix("[]") == domain


def columns_of(domain: str, snapshot: Snapshot) -> list[tuple[Table, str, bool]]:
    """(table, column, is an array) of every column typed by `domain`."""
    return [
        (t, col.name, col.type.endswith("[]"))
        for t in snapshot.tables
        for col in t.columns
        if _of(col.type, domain)
    ]


# --- hazards and pre-flight checks ---------------------------------------------------------------------


def hazards(changes: Iterable[Any], current: Snapshot) -> list[tuple[Literal["set_not_null"], Any, str]]:
    """(kind, subject, detail) of the domains that become NOT NULL while columns of them exist."""
    out: list[tuple[Literal["set_not_null"], Any, str]] = []
    for c in changes:
        if isinstance(c, DomainChanged) and c.after.not_null and not c.before.not_null:
            used = [f"{t.name}.{col}" for t, col, array in columns_of(c.before.name, current) if not array]
            if used:
                columns = ", ".join(used)
                detail = f"makes the domain NOT NULL; NULLs in its columns ({columns}) make the upgrade fail"
                out.append(("set_not_null", c.subject, detail))
    return out


_VALUE = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")|\bVALUE\b")
_CHECK_DEF = re.compile(r"^CHECK \((?P<expr>.*)\)(?P<novalid> NOT VALID)?$", re.S)


def _on(expression: str, column: str) -> str:
    """A domain CHECK's expression with VALUE made `column` (quoted text and names left as they are)."""
    return _VALUE.sub(lambda m: m.group(1) or column, expression)


def checks(
    changes: Iterable[Any], current: Snapshot, where: Callable[[Any], str], check: Callable[..., Any]
) -> list[Any]:
    """Pre-flight checks (preflight.Check, made by `check`: preflight._check) for each new NOT NULL and
    CHECK of a domain, on each column of it: the rows that would fail the step."""
    out: list[Any] = []
    for c in changes:
        if not isinstance(c, DomainChanged) or c.retyped:
            continue
        used = columns_of(c.before.name, current)
        if c.after.not_null and not c.before.not_null:
            for table, column, array in used:
                if not array:
                    cond = f"{qi(column)} IS NULL"
                    out.append(check("set_not_null", c.subject, where, table, cond, f"rows where {cond}"))
        _, _, adds = _check_steps(c.before.checks, c.after.checks)
        for name, definition in adds:
            m = _CHECK_DEF.match(definition)
            if m is None or m["novalid"]:
                continue
            for table, column, array in used:
                if array:  # refused by the plan (alter_domains): PostgreSQL cannot check inside arrays
                    continue
                cond = f"NOT ({_on(m['expr'], qi(column))})"
                detail = f"rows of {table.name}.{column} breaking CHECK {name} of domain {c.after.name}"
                out.append(check("add_check", c.subject, where, table, cond, detail))
    return out
