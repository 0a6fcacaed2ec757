"""Raw records: what the SQL blocks wrote, statement by statement, before any validation.

`statements` builds them from pglast's tree; `resolve` turns them into the validated Schema. Frozen and
slotted like the IR, but nothing here is checked yet: names may be unknown, types unresolved, constraints
unnamed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mdschema.errors import Span
from mdschema.schema import ExcludeElement, IndexElement
from mdschema.spec.markdown import Doc


@dataclass(frozen=True, slots=True)
class RawType:
    names: tuple[str, ...]  # as pglast gives them: ("pg_catalog", "int4"), ("mood",)
    args: tuple[int, ...]
    array: bool
    span: Span
    bad_args: bool = False  # a type modifier that is not an integer, %TYPE, SETOF


@dataclass(frozen=True, slots=True)
class RawConstraint:
    kind: str  # primary, unique, foreign, check, not_null, null, default, identity, generated
    span: Span
    name: str | None = None
    columns: tuple[str, ...] = ()
    ref_table: str | None = None
    ref_schema: str | None = None
    ref_columns: tuple[str, ...] = ()
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    expression: str | None = None
    identity: str | None = None
    deferrable: bool = False
    initially_deferred: bool = False
    nulls_not_distinct: bool = False
    include: tuple[str, ...] = ()
    # EXCLUDE: its elements, access method, the names PostgreSQL gives its index columns (the default
    # name is made of them) and the columns its expressions and WHERE use; the WHERE is `expression`
    elements: tuple[ExcludeElement, ...] = ()
    method: str | None = None
    element_names: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RawColumn:
    name: str
    type: RawType
    constraints: tuple[RawConstraint, ...]
    comment: str | None
    span: Span
    renamed_from: str | None = None
    collation: str | None = None  # COLLATE as written


@dataclass(frozen=True, slots=True)
class RawTable:
    name: str
    schema: str | None
    columns: tuple[RawColumn, ...]
    constraints: tuple[RawConstraint, ...]
    span: Span
    doc: Doc
    description: str | None
    if_not_exists: bool
    renamed_from: str | None = None


@dataclass(frozen=True, slots=True)
class RawIndex:
    name: str | None
    table: str
    schema: str | None
    elements: tuple[IndexElement, ...]  # as written (the IR's record: nothing in one needs resolving)
    unique: bool
    method: str
    where: str | None
    include: tuple[str, ...]
    with_options: tuple[tuple[str, str], ...]
    span: Span
    nulls_not_distinct: bool = False
    column_names: tuple[str, ...] = ()  # what PostgreSQL names its columns (ChooseIndexColumnNames)


@dataclass(frozen=True, slots=True)
class RawEnum:
    name: str
    labels: tuple[str, ...]
    span: Span
    renamed_labels: tuple[tuple[str, str], ...] = ()  # (old, new)
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class RawNamed:
    """Extensions, functions and triggers: kept as deparsed SQL."""

    kind: str  # extension | function | trigger
    name: str
    sql: str
    span: Span
    table: str | None = None
    signature: str | None = None
    schema: str | None = None  # a function's schema; a trigger's table's


@dataclass(frozen=True, slots=True)
class RawAddConstraint:
    table: str
    constraint: RawConstraint
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class RawComment:
    table: str
    column: str | None
    text: str | None
    span: Span
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class RawSchema:
    name: str
    span: Span
    if_not_exists: bool = False


@dataclass(frozen=True, slots=True)
class Parsed:
    """Every statement of every doc, in the order written."""

    tables: tuple[RawTable, ...] = ()
    indexes: tuple[RawIndex, ...] = ()
    enums: tuple[RawEnum, ...] = ()
    named: tuple[RawNamed, ...] = ()
    alters: tuple[RawAddConstraint, ...] = ()
    comments: tuple[RawComment, ...] = ()
    # the first MySQL/SQLite token of each block that has one: (where, dialect, token as written)
    foreign: tuple[tuple[Span, str, str], ...] = ()
    schemas: tuple[RawSchema, ...] = ()  # CREATE SCHEMA
    views: tuple[Any, ...] = ()  # spec.views.RawView and RawViewComment records
    rls: tuple[Any, ...] = ()  # RawRowSecurity, RawPolicy and RawPolicyComment records
    sequences: tuple[Any, ...] = ()  # spec.sequences.RawSequence, RawSequenceOwner, RawSequenceComment
    domains: tuple[Any, ...] = ()  # RawDomain, RawDomainConstraint and RawDomainComment (spec/domains.py)


@dataclass(frozen=True, slots=True)
class RawRowSecurity:
    """ALTER TABLE … ENABLE | DISABLE | FORCE | NO FORCE ROW LEVEL SECURITY (None: this one says nothing)."""

    table: str  # the key
    enabled: bool | None
    forced: bool | None
    span: Span


@dataclass(frozen=True, slots=True)
class RawPolicy:
    """CREATE POLICY name ON table [AS PERMISSIVE | RESTRICTIVE] [FOR cmd] [TO roles] [USING] [WITH CHECK]."""

    name: str
    table: str  # the key
    command: str  # ALL | SELECT | INSERT | UPDATE | DELETE
    permissive: bool
    roles: tuple[tuple[str, Span], ...]  # as written: "public", "current_user", a role name
    using: str | None  # the expressions, deparsed
    check: str | None
    sql: str  # the statement as mdschema builds it (deparsed)
    span: Span


@dataclass(frozen=True, slots=True)
class RawPolicyComment:
    table: str
    policy: str
    text: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class RawDomainCheck:
    name: str | None  # CONSTRAINT name, when written
    expression: str  # deparsed
    span: Span


@dataclass(frozen=True, slots=True)
class RawDomain:
    """CREATE DOMAIN [schema.]name [AS] type [COLLATE c] [DEFAULT e] [NOT NULL | NULL] [CHECK (…)] …"""

    name: str
    schema: str | None
    base: RawType
    collation: str | None
    default: str | None  # deparsed
    not_null: bool
    checks: tuple[RawDomainCheck, ...]
    span: Span
    problems: tuple[tuple[str, str, str], ...] = ()  # (code, message, hint) found reading the statement


@dataclass(frozen=True, slots=True)
class RawDomainConstraint:
    """ALTER DOMAIN … ADD [CONSTRAINT name] CHECK (…) in a doc."""

    domain: str  # the key
    check: RawDomainCheck


@dataclass(frozen=True, slots=True)
class RawDomainComment:
    domain: str  # the key
    text: str | None
    span: Span
