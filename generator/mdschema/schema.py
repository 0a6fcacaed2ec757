"""The intermediate schema: frozen dataclasses only, every node carrying where it was written.

`Schema` is what the docs mean (after validation, names resolved exactly as PostgreSQL would
name them). Nothing here is a Python decision: class, attribute and module names are codegen's.

PostgreSQL schemas: every table, enum and function has a `schema`, always spelt out ("public" when the
docs wrote no qualifier or wrote `public.`). Its `name` is its key, the one way everything refers to it
(foreign keys, indexes, triggers, enum-typed columns, the catalog snapshot): the bare name in schema
public, `schema.name` in any other (`util.sql_text.object_key`). `bare` is the name without the schema.
Indexes, constraints and triggers live in their table's schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from mdschema.errors import Span

DEFAULT_SCHEMA = "public"


def split_key(key: str) -> tuple[str, str]:
    """(schema, name) of an object key: ("public", "users"), ("auth", "users"). The same rule as
    util.sql_text.split_key (this module imports nothing of mdschema but errors)."""
    schema, dot, name = key.partition(".")
    return (schema, name) if dot else (DEFAULT_SCHEMA, key)


@dataclass(frozen=True, slots=True)
class PgType:
    """A column type. `sql` is what PostgreSQL's format_type() prints for it."""

    sql: str  # e.g. "character varying(100)", "timestamp with time zone", "text[]", "vector(768)"
    base: str  # e.g. "character varying", "vector", or the enum's name
    args: tuple[int, ...] = ()
    array: bool = False
    enum: str | None = None  # the enum's key when this is a user enum (or an array of one)
    serial: bool = False  # serial / bigserial / smallserial
    precision: int | None = None  # fractional-second precision of a timestamp, time or interval
    fields: str | None = None  # an interval's fields as format_type prints them, e.g. "day to second"
    # the domain's key when the column is typed by a domain of the docs (or an array of one): `sql` is
    # then the domain's name, as format_type prints it, and the other fields are its base type's
    domain: str | None = None


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: PgType
    nullable: bool
    default: str | None  # SQL expression as written (deparsed), None when no default
    comment: str | None
    span: Span
    identity: str | None = None  # "always" | "by default"
    generated: str | None = None  # expression of a STORED generated column
    renamed_from: str | None = None
    collation: str | None = None  # COLLATE "C": the collation's name as written (PostgreSQL checks it)


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    name: str
    columns: tuple[str, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Unique:
    name: str
    columns: tuple[str, ...]
    span: Span
    named: bool = False  # written with CONSTRAINT <name>
    nulls_not_distinct: bool = False
    deferrable: bool = False
    initially_deferred: bool = False


@dataclass(frozen=True, slots=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    ref_table: str  # the referenced table's key: "users", "auth.users"
    ref_columns: tuple[str, ...]
    on_delete: str  # "NO ACTION" | "RESTRICT" | "CASCADE" | "SET NULL" | "SET DEFAULT"
    on_update: str
    span: Span
    named: bool = False
    deferrable: bool = False
    initially_deferred: bool = False
    external: bool = False  # the target is an external table (no model of ours)
    use_alter: bool = False  # part of a cycle between tables: created after both tables


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    expression: str
    span: Span
    named: bool = False


@dataclass(frozen=True, slots=True)
class IndexElement:
    column: str | None  # a plain column, or
    expression: str | None  # an expression, deparsed
    opclass: str | None = None
    descending: bool = False
    nulls: str | None = None  # "first" | "last" when written
    collation: str | None = None  # COLLATE "C" on the element


@dataclass(frozen=True, slots=True)
class ExcludeElement:
    """One `element WITH operator` of an EXCLUDE constraint: a column or an expression (as an index
    element), its operator class and collation, and the operator (`=`, `&&`, `OPERATOR(pg_catalog.&&)`)."""

    column: str | None
    expression: str | None  # deparsed, in parentheses unless a function call (as CREATE INDEX takes it)
    operator: str
    opclass: str | None = None
    collation: str | None = None
    descending: bool = False
    nulls: str | None = None


@dataclass(frozen=True, slots=True)
class Exclude:
    """An EXCLUDE constraint: `name` as written or as PostgreSQL names it (<table>_<columns>_excl)."""

    name: str
    method: str  # gist, btree, spgist, …
    elements: tuple[ExcludeElement, ...]
    where: str | None  # the predicate, deparsed
    span: Span
    named: bool = False
    deferrable: bool = False
    initially_deferred: bool = False


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    table: str  # the table's key
    elements: tuple[IndexElement, ...]
    unique: bool
    method: str  # btree, hash, gin, gist, brin, spgist, hnsw, ivfflat
    where: str | None
    include: tuple[str, ...]
    with_options: tuple[tuple[str, str], ...]
    span: Span
    nulls_not_distinct: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # the key: "users" in schema public, "app.users" in schema app
    doc: str  # the doc it is defined in, as shown in diagnostics
    description: str | None
    columns: tuple[Column, ...]
    primary_key: PrimaryKey | None
    uniques: tuple[Unique, ...]
    foreign_keys: tuple[ForeignKey, ...]
    checks: tuple[Check, ...]
    indexes: tuple[Index, ...]
    span: Span
    renamed_from: str | None = None
    schema: str = DEFAULT_SCHEMA
    excludes: tuple[Exclude, ...] = ()  # EXCLUDE constraints, in the order written

    @property
    def bare(self) -> str:
        """The table's name in its schema."""
        return split_key(self.name)[1]

    def column(self, name: str) -> Column | None:
        for col in self.columns:
            if col.name == name:
                return col
        return None


@dataclass(frozen=True, slots=True)
class Enum:
    name: str  # the key, as for Table
    labels: tuple[str, ...]
    span: Span
    renamed_labels: tuple[tuple[str, str], ...] = ()  # (old, new)
    schema: str = DEFAULT_SCHEMA

    @property
    def bare(self) -> str:
        return split_key(self.name)[1]


@dataclass(frozen=True, slots=True)
class Namespace:
    """A `CREATE SCHEMA` of the docs: mdschema creates it (and drops it only when the docs drop it)."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Extension:
    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Function:
    name: str  # the bare name
    signature: str  # key(argtypes), as DROP FUNCTION wants it: touch(), app.touch()
    sql: str  # CREATE OR REPLACE FUNCTION …, deparsed from the AST
    span: Span
    schema: str = DEFAULT_SCHEMA


@dataclass(frozen=True, slots=True)
class Trigger:
    name: str
    table: str  # the table's key
    sql: str
    span: Span


@dataclass(frozen=True, slots=True)
class ExternalTable:
    name: str  # the key: "auth.users"
    mode: str  # keep_fk | column_only
    key_columns: tuple[tuple[str, PgType], ...]  # (column, its type) referenced by the docs


@dataclass(frozen=True, slots=True)
class ExternalFunction:
    """A function another system owns that the docs call (`external_functions`: Supabase's auth.uid())."""

    signature: str  # schema-qualified, argument types only: "auth.uid()"
    returns: str  # its return type: "uuid"

    @property
    def schema(self) -> str:
        return self.signature.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class Schema:
    tables: tuple[Table, ...]  # in dependency order (referenced tables first), ties by name
    enums: tuple[Enum, ...]
    extensions: tuple[Extension, ...]
    functions: tuple[Function, ...]
    triggers: tuple[Trigger, ...]
    external: tuple[ExternalTable, ...]
    unmanaged: tuple[str, ...]
    docs: tuple[str, ...]  # every doc read (as shown in diagnostics), sorted
    namespaces: tuple[Namespace, ...] = ()  # the docs' CREATE SCHEMA statements, by name

    @property
    def schemas(self) -> tuple[str, ...]:
        """Every schema mdschema manages for these docs: public, each created one, and each that holds a
        table, enum or function of the docs; sorted."""
        used = {DEFAULT_SCHEMA, *(n.name for n in self.namespaces)}
        used |= {t.schema for t in self.tables} | {e.schema for e in self.enums}
        used |= {f.schema for f in self.functions} | {split_key(q.name)[0] for q in self.sequences}
        return tuple(sorted(used))

    views: tuple[View, ...] = ()  # created after what they read, in that order (spec/views.py)
    row_security: tuple[RowSecurity, ...] = ()  # tables with ENABLE / FORCE ROW LEVEL SECURITY, by name
    policies: tuple[Policy, ...] = ()  # by table, then name (spec/rls.py)
    external_functions: tuple[ExternalFunction, ...] = ()  # by signature (the config's)
    sequences: tuple[Sequence, ...] = ()  # CREATE SEQUENCE of the docs, by key (spec/sequences.py)
    domains: tuple[Domain, ...] = ()  # CREATE DOMAIN, by key (spec/domains.py)

    def table(self, name: str) -> Table | None:
        for table in self.tables:
            if table.name == name:
                return table
        return None


@dataclass(frozen=True, slots=True)
class ViewColumn:
    name: str
    type: PgType | None  # the column's type when it is a plain column of a table the docs define


@dataclass(frozen=True, slots=True)
class View:
    """A view or materialized view. `sql` creates it as written (deparsed by pglast); PostgreSQL's own
    text of the query (pg_get_viewdef) is what revisions and drift compare, read from a real server."""

    name: str
    doc: str
    materialized: bool
    sql: str  # CREATE [MATERIALIZED] VIEW … AS … [WITH [NO] DATA]
    description: str | None  # COMMENT ON [MATERIALIZED] VIEW
    columns: tuple[ViewColumn, ...]  # what the models' read-only Table declares
    indexes: tuple[Index, ...]  # materialized views only
    reads: tuple[str, ...]  # the tables and views the query reads, sorted
    span: Span


@dataclass(frozen=True, slots=True)
class RowSecurity:
    """A table's ALTER TABLE … ENABLE / FORCE ROW LEVEL SECURITY, as the docs leave it."""

    table: str  # the key
    enabled: bool
    forced: bool
    span: Span  # the (last) statement that set it


@dataclass(frozen=True, slots=True)
class Policy:
    """A CREATE POLICY. `using` and `check` are the expressions as written (deparsed by pglast); what
    revisions and drift compare is PostgreSQL's own text of them (pg_get_expr), read from a real server."""

    name: str
    table: str  # the key
    command: str  # ALL | SELECT | INSERT | UPDATE | DELETE
    permissive: bool
    roles: tuple[str, ...]  # sorted; "public" for PUBLIC
    using: str | None
    check: str | None
    sql: str  # CREATE POLICY … as mdschema builds it
    description: str | None  # COMMENT ON POLICY
    span: Span


@dataclass(frozen=True, slots=True)
class Sequence:
    """A CREATE SEQUENCE of the docs, its options resolved as PostgreSQL resolves them (pg_sequence holds
    exactly these), with the ALTER SEQUENCE … OWNED BY and COMMENT ON SEQUENCE that go with it."""

    name: str  # the key: s in public, app.s elsewhere
    type: str  # smallint | integer | bigint
    start: int
    increment: int
    min_value: int
    max_value: int
    cache: int
    cycle: bool
    owned_by: tuple[str, str] | None  # (table key, column)
    description: str | None  # COMMENT ON SEQUENCE
    span: Span  # the CREATE SEQUENCE


@dataclass(frozen=True, slots=True)
class DomainCheck:
    """One CHECK of a domain: `name` as written or as PostgreSQL names it (<domain>_check, _check1, …)."""

    name: str
    expression: str  # deparsed (pglast): `value ~ '@'`
    span: Span
    named: bool = False


@dataclass(frozen=True, slots=True)
class Domain:
    """A CREATE DOMAIN (with the ALTER DOMAIN … ADD CONSTRAINT and COMMENT ON DOMAIN of the docs). What
    revisions and drift compare is PostgreSQL's own text of it (format_type, pg_get_constraintdef)."""

    name: str  # the key, as for Table
    base: PgType  # a built-in type, never an array, an enum or another domain
    not_null: bool
    default: str | None  # deparsed
    collation: str | None  # COLLATE as written
    checks: tuple[DomainCheck, ...]  # in the order PostgreSQL creates them
    description: str | None  # COMMENT ON DOMAIN
    span: Span
    schema: str = DEFAULT_SCHEMA

    @property
    def bare(self) -> str:
        return split_key(self.name)[1]
