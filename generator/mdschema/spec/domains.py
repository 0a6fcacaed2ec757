"""Domains: CREATE DOMAIN, ALTER DOMAIN … ADD CONSTRAINT and COMMENT ON DOMAIN, read from pglast's tree at
the doc line (spec.statements hands the parts over) and resolved into `schema.Domain`.

What a domain means is PostgreSQL's business: revisions and drift compare what the server prints for it
(format_type of the base type, pg_get_constraintdef of each CHECK). Checked here, without a server: the
base type is a built-in one mdschema can type in Python (E122), a CHECK names nothing but VALUE and has
no subquery (E123, PostgreSQL refuses both), a default has the base type's shape when that is plain to
see (E122), and a domain is defined once (E111). Unnamed CHECKs get PostgreSQL's names: `<domain>_check`,
then `<domain>_check1`, … — the first that no constraint of the schema has yet, in the order created.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any

import mdschema.spec.pg_types as pgtypes
from mdschema.errors import Collector
from mdschema.schema import Domain, DomainCheck, Enum, PgType
from mdschema.spec.raw import Parsed, RawDomain, RawDomainCheck, RawDomainComment, RawDomainConstraint
from mdschema.util.sql_text import object_key, split_key

# --- reading (spec.statements' handlers call these with what they parsed) --------------------------


def check_problems(expr: Any) -> list[tuple[str, str, str]]:
    """(code, message, hint) for what a domain CHECK may not contain: a column, a subquery."""
    from pglast import visitors

    found: list[tuple[str, str, str]] = []

    class _Walk(visitors.Visitor):  # type: ignore[misc]  # pglast is untyped
        def visit_ColumnRef(self, ancestors: Any, node: Any) -> None:
            names = [str(getattr(f, "sval", "*")) for f in node.fields or ()]
            if names != ["value"]:
                found.append(
                    (
                        "E123",
                        f"CHECK names {'.'.join(names)!r}: a domain's CHECK can only name VALUE (the value "
                        "being checked)",
                        "write the condition on VALUE (CHECK (VALUE ~ '@')); a rule about other columns "
                        "belongs in the table's CHECK",
                    )
                )

        def visit_SubLink(self, ancestors: Any, node: Any) -> None:
            found.append(
                (
                    "E123",
                    "a domain's CHECK cannot use a subquery (PostgreSQL refuses it)",
                    "check VALUE alone; a rule that reads tables belongs in a trigger or a foreign key",
                )
            )

    _Walk()(expr)
    return found


def default_problem(base: PgType | None, default: Any) -> tuple[str, str] | None:
    """(message, hint) when a DEFAULT is plainly of another type than the base (a literal only: the rest
    is the server's to say when the revision is proven)."""
    if base is None or default is None or type(default).__name__ != "A_Const" or default.isnull:
        return None
    val = default.val
    kind = type(val).__name__
    numeric = base.base in _NUMERIC
    if kind == "String" and numeric and not _NUMBER.fullmatch(str(val.sval).strip()):
        what = f"the string {str(val.sval)!r}, not a number"
    elif kind == "String" and base.base == "boolean" and str(val.sval).strip().lower() not in _BOOLEANS:
        what = f"the string {str(val.sval)!r}, not a boolean"
    elif kind in ("Integer", "Float") and base.base == "boolean":
        what = "a number, not a boolean"
    elif kind == "Boolean" and (numeric or base.base not in ("boolean", "text", "character varying")):
        what = "a boolean"
    else:
        return None
    return (
        f"DEFAULT is {what}: PostgreSQL refuses it for a domain over {base.sql}",
        f"write a default of type {base.sql}, or leave DEFAULT out",
    )


_NUMERIC = frozenset({"smallint", "integer", "bigint", "numeric", "real", "double precision"})
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?(NaN|Infinity|inf)", re.I)
_BOOLEANS = frozenset({"t", "f", "true", "false", "y", "n", "yes", "no", "on", "off", "1", "0"})


# --- resolving -------------------------------------------------------------------------------------


def resolve_domains(
    parsed: Parsed,
    enums: Mapping[str, Enum],
    tables: Collection[str],
    schema_constraints: dict[str, set[str]],
    diag: Collector,
) -> dict[str, Domain]:
    """The docs' domains by key. `tables`: the docs' table keys (a table's row type has its name, so a
    domain cannot); `schema_constraints`: constraint names taken per schema, updated with the domains'
    (they are created before the tables, so PostgreSQL names their CHECKs first)."""
    raws: dict[str, RawDomain] = {}
    for raw in parsed.domains:
        if not isinstance(raw, RawDomain):
            continue
        key = object_key(raw.schema, raw.name)
        first = raws.get(key)
        clash = (
            f"domain {key} is defined twice (first at {first.span})"
            if first is not None
            else f"domain {key} has the name of an enum (first at {enums[key].span})"
            if key in enums
            else f"domain {key} has the name of a table (PostgreSQL gives each table a type of its name)"
            if key in tables
            else None
        )
        if clash is not None:
            diag.error(raw.span, "E111", clash, "keep one CREATE DOMAIN per name, and no other type of it")
            continue
        raws[key] = raw
    added: dict[str, list[RawDomainCheck]] = {key: [] for key in raws}
    comments: dict[str, str | None] = {}
    for raw in parsed.domains:
        if isinstance(raw, RawDomainConstraint | RawDomainComment):
            span = raw.check.span if isinstance(raw, RawDomainConstraint) else raw.span
            if raw.domain not in raws:
                what = "ALTER DOMAIN" if isinstance(raw, RawDomainConstraint) else "COMMENT ON DOMAIN"
                diag.error(
                    span,
                    "E107",
                    f"{what} {raw.domain}: no doc creates that domain",
                    "create it with CREATE DOMAIN, or fix the name",
                )
            elif isinstance(raw, RawDomainConstraint):
                added[raw.domain].append(raw.check)
            else:
                comments[raw.domain] = raw.text
    out: dict[str, Domain] = {}
    for key, raw in raws.items():
        out[key] = _domain(key, raw, added[key], comments.get(key), enums, raws, schema_constraints, diag)
    return out


def _domain(
    key: str,
    raw: RawDomain,
    added: list[RawDomainCheck],
    comment: str | None,
    enums: Mapping[str, Enum],
    domains: Mapping[str, RawDomain],
    schema_constraints: dict[str, set[str]],
    diag: Collector,
) -> Domain:
    for code, message, hint in raw.problems:
        diag.error(raw.span, code, f"domain {key}: {message}", hint)
    base = _base(key, raw, enums, domains, diag)
    if base is None:  # reported: the domain stays, over text, so that its columns raise nothing more
        base = PgType("text", "text")
    in_schema = split_key(key)[0]
    taken = schema_constraints.setdefault(in_schema, set())
    mine: set[str] = set()
    checks: list[DomainCheck] = []
    for check in (*raw.checks, *added):
        if check.name is not None:
            if check.name in mine:
                diag.error(
                    check.span,
                    "E102",
                    f"domain {key}: constraint {check.name} is defined twice",
                    "give each CHECK of a domain its own name",
                )
                continue
            name = check.name
        else:  # ChooseConstraintName(domain, NULL, "check", namespace): unique in the whole schema
            name = _choose(f"{raw.name}_check", taken | mine)
        mine.add(name)
        checks.append(DomainCheck(name, check.expression, check.span, check.name is not None))
    taken |= mine
    return Domain(
        name=key,
        base=base,
        not_null=raw.not_null,
        default=raw.default,
        collation=raw.collation,
        checks=tuple(checks),
        description=comment,
        span=raw.span,
        schema=in_schema,
    )


def _choose(stem: str, taken: set[str]) -> str:
    """PostgreSQL's ChooseConstraintName for a domain CHECK (names are short here: no truncation)."""
    name, n = stem, 0
    while name in taken:
        n += 1
        name = f"{stem}{n}"
    return name


def _base(
    key: str, raw: RawDomain, enums: Mapping[str, Enum], domains: Mapping[str, RawDomain], diag: Collector
) -> PgType | None:
    rt = raw.base
    name = rt.names[-1]
    written = ".".join(rt.names)

    def refuse(message: str, hint: str) -> None:
        diag.error(rt.span, "E122", f"domain {key}: {message}", hint)

    if rt.bad_args:
        refuse(f"type modifiers of {name} must be integers", f"write {name}(n) with a number")
        return None
    type_key = object_key(rt.names[0], name) if len(rt.names) == 2 and rt.names[0] != "pg_catalog" else name
    if type_key in enums or type_key in domains:
        kind = "an enum" if type_key in enums else "another domain"
        refuse(
            f"a domain over {kind} ({written}) is not supported",
            "make the domain over a built-in type (text, integer, numeric(10,2), …)",
        )
        return None
    elsewhere = len(rt.names) == 2 and rt.names[0] not in ("pg_catalog", "public")
    if elsewhere or pgtypes.known_base(name) is None:
        refuse(
            f"unknown base type {written!r}",
            "make the domain over a built-in PostgreSQL type (text, integer, numeric(10,2), timestamptz, …)",
        )
        return None
    if name.lower() in pgtypes.SERIALS:
        refuse(
            f"a domain cannot be over {name} (serial is not a type, it is integer with a sequence)",
            "make the domain over integer (or bigint); give the column its identity or default",
        )
        return None
    if rt.array:
        refuse(
            "a domain over an array is not supported",
            f"make the domain over {name} and the column an array of the domain ({raw.name}[])",
        )
        return None
    problem = pgtypes.modifier_problem(name, rt.args)
    if problem is not None:
        refuse(problem[0], problem[1])
        return None
    return pgtypes.make_type(name, rt.args, False)


def column_type(domain: Domain, array: bool) -> PgType:
    """The type of a column typed by `domain` (or an array of it): format_type prints the domain's name;
    the rest is its base type's, which the models type it by."""
    return replace(domain.base, sql=domain.name + ("[]" if array else ""), array=array, domain=domain.name)
