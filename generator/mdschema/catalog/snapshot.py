"""What PostgreSQL says the schema is: a hashable snapshot, read with one query per kind.

`snapshot(conn, schemas=...)` reads several PostgreSQL schemas at once: every object is then named by its
key, as in the IR (`users` in public, `auth.users` elsewhere), and `Snapshot.schemas` lists the schemas
read that exist. `ALL_SCHEMAS` reads every schema of the database but PostgreSQL's own, an extension's, and
those `exclude_tables` names as `schema.*` (what shadow databases hold was all built by mdschema). Without
`schemas`, one schema is read with bare names (the importer's mode)."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import psycopg

from mdschema.util.perf import gc_paused
from mdschema.util.sql_text import DEFAULT_SCHEMA, always_quoted

ALWAYS_EXCLUDED: Final = frozenset({"alembic_version"})
ALL_SCHEMAS: Final = "*"
FK_ACTIONS: Final = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # format_type(atttypid, atttypmod), then ` COLLATE "C"` for a collation not the type's own
    not_null: bool
    default: str | None  # pg_get_expr(adbin); the expression of a generated column
    identity: str  # '' | 'a' (always) | 'd' (by default)
    generated: str  # '' | 's' (stored) | 'v' (virtual)
    comment: str | None


@dataclass(frozen=True, slots=True)
class Constraint:
    name: str
    kind: str  # 'p' | 'u' | 'f' | 'c' | 'x'
    columns: tuple[str, ...]  # conkey order
    definition: str  # pg_get_constraintdef
    ref_table: str | None = None  # foreign keys only; schema-qualified when in another schema
    ref_columns: tuple[str, ...] = ()
    on_delete: str | None = None  # 'CASCADE', 'SET NULL', 'SET DEFAULT', 'RESTRICT', 'NO ACTION'
    on_update: str | None = None


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    definition: str  # pg_get_indexdef
    unique: bool
    columns: tuple[str, ...]  # key columns; expressions as text, e.g. 'lower(email)'


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]  # attnum order
    constraints: tuple[Constraint, ...]  # by name
    indexes: tuple[Index, ...]  # by name; indexes owned by constraints are not here
    comment: str | None

    def column(self, name: str) -> Column | None:
        """The column called ``name``, if any."""
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True, slots=True)
class Enum:
    name: str
    labels: tuple[str, ...]  # enumsortorder


@dataclass(frozen=True, slots=True)
class Extension:
    name: str
    version: str


@dataclass(frozen=True, slots=True)
class Function:
    signature: str  # 'name(argtypes)'
    definition: str  # pg_get_functiondef
    language: str


@dataclass(frozen=True, slots=True)
class Trigger:
    table: str
    name: str
    definition: str  # pg_get_triggerdef


@dataclass(frozen=True, slots=True)
class View:
    """A view (kind 'v') or materialized view ('m'), as PostgreSQL prints it (catalog/views.py reads it)."""

    name: str
    kind: str  # 'v' | 'm'
    definition: str  # pg_get_viewdef(oid, true)
    columns: tuple[tuple[str, str], ...]  # (name, format_type) in attnum order
    options: tuple[str, ...]  # reloptions: security_barrier, check_option, …
    populated: bool  # a materialized view created WITH DATA (or refreshed)
    comment: str | None
    indexes: tuple[Index, ...]  # a materialized view's, by name
    # (relation, column) the view's rule depends on (pg_depend of its pg_rewrite row); column '' for
    # the relation as a whole. Not compared: it follows from the definition.
    reads: tuple[tuple[str, str], ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class RowSecurity:
    """A table with row-level security enabled or forced (relrowsecurity, relforcerowsecurity)."""

    table: str
    enabled: bool
    forced: bool


@dataclass(frozen=True, slots=True)
class Policy:
    """A row-level security policy as PostgreSQL prints it (catalog/policy_rows.py reads it)."""

    table: str
    name: str
    command: str  # ALL | SELECT | INSERT | UPDATE | DELETE
    permissive: bool
    roles: tuple[str, ...]  # sorted; 'public' for PUBLIC
    using: str | None  # pg_get_expr(polqual)
    check: str | None  # pg_get_expr(polwithcheck)
    comment: str | None


@dataclass(frozen=True, slots=True)
class Sequence:
    """A sequence's parameters as pg_sequence holds them, its owning column and comment (catalog/
    sequence_rows.py reads it; identity columns' sequences are their columns')."""

    name: str
    type: str  # smallint | integer | bigint
    start: int
    increment: int
    min_value: int
    max_value: int
    cache: int
    cycle: bool
    owned_by: tuple[str, str] | None  # (table, column): pg_depend deptype 'a'
    comment: str | None


@dataclass(frozen=True, slots=True)
class Domain:
    """A domain as PostgreSQL prints it (catalog/domain_rows.py reads it); its columns are the tables'
    columns whose type (format_type) is its name."""

    name: str  # the key
    base: str  # format_type(typbasetype, typtypmod)
    not_null: bool  # typnotnull
    default: str | None  # pg_get_expr(typdefaultbin)
    collation: str | None  # a collation that is not the base type's own
    checks: tuple[tuple[str, str], ...]  # (conname, pg_get_constraintdef) of each CHECK, by name
    comment: str | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    tables: tuple[Table, ...]  # by name
    enums: tuple[Enum, ...]  # by name
    extensions: tuple[Extension, ...]  # by name
    functions: tuple[Function, ...]  # by signature
    triggers: tuple[Trigger, ...]  # by (table, name)
    schemas: tuple[str, ...] = ()  # the schemas read that exist, by name (public included)
    views: tuple[View, ...] = ()  # by name
    row_security: tuple[RowSecurity, ...] = ()  # by table: only tables with it enabled or forced
    policies: tuple[Policy, ...] = ()  # by (table, name)
    sequences: tuple[Sequence, ...] = ()  # by name; serials' included
    domains: tuple[Domain, ...] = ()  # by name

    def table(self, name: str) -> Table | None:
        """The table called ``name``, if any."""
        i = bisect_left(self.tables, name, key=_name)
        return self.tables[i] if i < len(self.tables) and self.tables[i].name == name else None


def _name(obj: Table) -> str:
    return obj.name


# --- reading the catalog --------------------------------------------------------------------------
# One query per kind of object, all keyed by table oid; attnums are turned into names in Python, so
# no query runs a subquery per row. Extension-owned objects (pg_depend deptype 'e') are left out.

_SCHEMAS_SQL = """
SELECT n.nspname FROM pg_namespace n
WHERE n.nspname NOT LIKE 'pg\\_%%' AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_namespace'::regclass
                  AND e.objid = n.oid AND e.deptype = 'e')
"""

_TABLES_SQL = """
SELECT c.oid, n.nspname, c.relname, t.description
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description t ON t.objoid = c.oid AND t.classoid = 'pg_class'::regclass AND t.objsubid = 0
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                  AND e.objid = c.oid AND e.deptype = 'e')
"""

# pg_get_expr without a relation is cheaper (no relation open); only generated columns reference columns.
# Each column's comment comes with it (one result instead of a second one as long). A collation other
# than the type's own is part of the type, as a column definition writes it: `text COLLATE "C"`.
_COLUMNS_SQL = """
SELECT a.attrelid, a.attnum, a.attname,
       format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attcollation <> ty.typcollation
           THEN ' COLLATE ' || a.attcollation::regcollation::text ELSE '' END,
       a.attnotnull,
       pg_get_expr(d.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE d.adrelid END),
       a.attidentity::text, a.attgenerated::text, k.description
FROM pg_attribute a
JOIN pg_type ty ON ty.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_description k ON k.objoid = a.attrelid AND k.classoid = 'pg_class'::regclass
                           AND k.objsubid = a.attnum
WHERE a.attrelid = ANY(%(oids)s::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

# Exclusion constraints may have expressions (conkey 0): rendered from their index, only where there are some.
_CONSTRAINTS_SQL = """
SELECT conrelid, conname, contype::text, conkey, pg_get_constraintdef(oid),
       confrelid, confkey, confdeltype::text, confupdtype::text,
       CASE WHEN 0 = ANY(conkey) THEN
           ARRAY(SELECT pg_get_indexdef(conindid, k, true) FROM generate_series(1, cardinality(conkey)) k)
       END
FROM pg_constraint
WHERE conrelid = ANY(%(oids)s::oid[]) AND contype IN ('p', 'u', 'f', 'c', 'x')
"""

# Indexes that implement a PK, unique or exclusion constraint belong to the constraint.
# Key expressions (indkey 0) are rendered by pg_get_indexdef(oid, n, true), only where there are some.
_INDEXES_SQL = """
SELECT x.indrelid, i.relname, pg_get_indexdef(x.indexrelid), x.indisunique, x.indkey::int2[], x.indnkeyatts,
       CASE WHEN 0 = ANY(x.indkey::int2[]) THEN
           ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) k)
       END
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
WHERE x.indrelid = ANY(%(oids)s::oid[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = x.indrelid
                  AND k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x'))
"""

_TRIGGERS_SQL = """
SELECT tgrelid, tgname, pg_get_triggerdef(oid) FROM pg_trigger
WHERE tgrelid = ANY(%(oids)s::oid[]) AND NOT tgisinternal
"""

_ENUMS_SQL = """
SELECT n.nspname, ty.typname,
       array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FILTER (WHERE e.enumlabel IS NOT NULL)
FROM pg_type ty
JOIN pg_namespace n ON n.oid = ty.typnamespace
LEFT JOIN pg_enum e ON e.enumtypid = ty.oid
WHERE n.nspname = ANY(%(schemas)s) AND ty.typtype = 'e'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                  AND d.objid = ty.oid AND d.deptype = 'e')
GROUP BY n.nspname, ty.typname
"""

_EXTENSIONS_SQL = "SELECT extname, extversion FROM pg_extension WHERE extname <> 'plpgsql'"

_FUNCTIONS_SQL = """
SELECT n.nspname, p.proname || '(' || oidvectortypes(p.proargtypes) || ')', pg_get_functiondef(p.oid),
       l.lanname
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname = ANY(%(schemas)s) AND p.prokind IN ('f', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                  AND d.objid = p.oid AND d.deptype = 'e')
"""

# Tables outside the snapshot that foreign keys point to (other schemas, excluded tables).
_EXISTING_SQL = "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%(schemas)s)"

_OUTSIDE_TABLES_SQL = """
SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = ANY(%(oids)s::oid[])
"""
_OUTSIDE_COLUMNS_SQL = """
SELECT attrelid, attnum, attname FROM pg_attribute WHERE attrelid = ANY(%(oids)s::oid[]) AND attnum > 0
"""

Rows = list[tuple[Any, ...]]


def snapshot(
    conn: psycopg.Connection[Any],
    schema: str = "public",
    exclude_tables: frozenset[str] = frozenset(),
    schemas: Collection[str] | str | None = None,
) -> Snapshot:
    """Read schema ``schema`` — or every schema of ``schemas`` (`ALL_SCHEMAS`: all the database's own), by
    key — with one set-based query per kind of object, in one read-only transaction. ``exclude_tables``:
    table keys (or names, with one schema) left out, and `schema.*` for a whole schema."""
    from mdschema.catalog.domain_rows import read_domains
    from mdschema.catalog.policy_rows import read_policies, read_row_security
    from mdschema.catalog.sequence_rows import read_sequences
    from mdschema.catalog.view_rows import read_views

    idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    with gc_paused(), conn.transaction(), conn.cursor() as cur:
        if idle:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # format_type and pg_get_*def qualify names outside search_path: pin it so the text is stable.
        cur.execute("SELECT set_config('search_path', %s, true)", (always_quoted(schema),))

        def rows(query: str, **params: Any) -> Rows:
            cur.execute(query, params)
            return cur.fetchall()

        skipped = {e[:-2] for e in exclude_tables if e.endswith(".*")}
        if schemas is None:
            read: list[str] = [schema]
            home = schema  # names in this schema are bare
        elif schemas == ALL_SCHEMAS:
            read = [str(r[0]) for r in rows(_SCHEMAS_SQL)]
            home = DEFAULT_SCHEMA
        else:
            read = list(schemas)
            home = DEFAULT_SCHEMA
        read = sorted(set(read) - skipped)
        existing = read if schemas is None else sorted(r[0] for r in rows(_EXISTING_SQL, schemas=read))

        def key(nspname: str, name: str) -> str:
            return name if nspname == home else f"{nspname}.{name}"

        excluded = ALWAYS_EXCLUDED | exclude_tables
        names: dict[int, str] = {}
        comments: dict[int, str] = {}
        for oid, nspname, relname, comment in rows(_TABLES_SQL, schemas=read):
            if relname not in ALWAYS_EXCLUDED and key(nspname, relname) not in excluded:
                names[oid] = key(nspname, relname)
                if comment is not None:
                    comments[oid] = comment
        oids = list(names)
        reader = _TableReader(names, key)
        reader.comments = comments
        reader.read_columns(rows(_COLUMNS_SQL, oids=oids))
        constraint_rows = rows(_CONSTRAINTS_SQL, oids=oids)
        outside = sorted({row[5] for row in constraint_rows if row[5] and row[5] not in names})
        if outside:
            reader.read_outside(
                rows(_OUTSIDE_TABLES_SQL, oids=outside), rows(_OUTSIDE_COLUMNS_SQL, oids=outside)
            )
        reader.read_constraints(constraint_rows)
        reader.read_indexes(rows(_INDEXES_SQL, oids=oids))
        enums = [(key(nsp, name), labels) for nsp, name, labels in rows(_ENUMS_SQL, schemas=read)]
        functions = [(key(nsp, sig), d, lang) for nsp, sig, d, lang in rows(_FUNCTIONS_SQL, schemas=read)]
        return Snapshot(
            tables=reader.tables(),
            enums=tuple(Enum(name, tuple(labels or ())) for name, labels in sorted(enums)),
            extensions=tuple(Extension(*row) for row in sorted(rows(_EXTENSIONS_SQL))),
            functions=tuple(Function(*row) for row in sorted(functions)),
            triggers=tuple(sorted(_triggers(names, rows(_TRIGGERS_SQL, oids=oids)), key=_trigger_key)),
            schemas=tuple(existing),
            views=tuple(_view(**fields) for fields in read_views(rows, home)),
            row_security=tuple(RowSecurity(**fields) for fields in read_row_security(rows, names)),
            policies=tuple(Policy(**fields) for fields in read_policies(rows, names)),
            sequences=tuple(
                Sequence(**fields) for fields in read_sequences(rows, read, key, names, excluded)
            ),
            domains=tuple(Domain(**fields) for fields in read_domains(rows, read, key)),
        )


def _view(indexes: tuple[tuple[str, str, bool], ...], **fields: Any) -> View:
    return View(
        indexes=tuple(Index(name, definition, unique, ()) for name, definition, unique in indexes), **fields
    )


def _triggers(names: dict[int, str], trigger_rows: Rows) -> Iterator[Trigger]:
    for oid, name, definition in trigger_rows:
        yield Trigger(names[oid], name, definition)


def _trigger_key(trigger: Trigger) -> tuple[str, str]:
    return trigger.table, trigger.name


class _TableReader:
    """Assembles Table objects from the per-kind rows, keyed by table oid."""

    def __init__(self, names: dict[int, str], key: Callable[[str, str], str]) -> None:
        self.names = names
        self.key = key
        self.ref_names: dict[int, str] = dict(names)
        self.attnames: dict[tuple[int, int], str] = {}
        self.columns: defaultdict[int, list[Column]] = defaultdict(list)
        self.constraints: defaultdict[int, list[Constraint]] = defaultdict(list)
        self.indexes: defaultdict[int, list[Index]] = defaultdict(list)
        self.comments: dict[int, str] = {}

    def read_columns(self, column_rows: Rows) -> None:
        attnames = self.attnames
        for oid, num, name, type_, not_null, default, identity, generated, comment in column_rows:
            attnames[oid, num] = name
            self.columns[oid].append(Column(name, type_, not_null, default, identity, generated, comment))

    def read_outside(self, table_rows: Rows, column_rows: Rows) -> None:
        for oid, nspname, relname in table_rows:
            self.ref_names[oid] = self.key(nspname, relname)
        for oid, num, name in column_rows:
            self.attnames[oid, num] = name

    def read_constraints(self, constraint_rows: Rows) -> None:
        for row in constraint_rows:
            self.constraints[row[0]].append(self._constraint(*row))

    def _constraint(
        self, oid: int, name: str, kind: str, conkey: list[int] | None, definition: str, ref_oid: int,
        confkey: list[int] | None, on_delete: str, on_update: str, rendered: list[str] | None,
    ) -> Constraint:  # fmt: skip
        columns = self._attnames(oid, conkey, rendered)
        if kind != "f":
            return Constraint(name, kind, columns, definition)
        return Constraint(
            name,
            kind,
            columns,
            definition,
            ref_table=self.ref_names[ref_oid],
            ref_columns=self._attnames(ref_oid, confkey),
            on_delete=FK_ACTIONS[on_delete],
            on_update=FK_ACTIONS[on_update],
        )

    def read_indexes(self, index_rows: Rows) -> None:
        for oid, name, definition, unique, indkey, nkeys, rendered in index_rows:
            keys = self._attnames(oid, indkey[:nkeys], rendered)
            self.indexes[oid].append(Index(name, definition, unique, keys))

    def _attnames(
        self, oid: int, nums: list[int] | None, rendered: list[str] | None = None
    ) -> tuple[str, ...]:
        """Column names for attnums; attnum 0 (an expression) takes the rendered text at its position."""
        if rendered is None:
            return tuple(self.attnames[oid, num] for num in nums or ())
        return tuple(self.attnames[oid, num] if num else rendered[i] for i, num in enumerate(nums or ()))

    def tables(self) -> tuple[Table, ...]:
        return tuple(
            Table(
                name=name,
                columns=tuple(self.columns[oid]),
                constraints=tuple(sorted(self.constraints[oid], key=_name_of)),
                indexes=tuple(sorted(self.indexes[oid], key=_name_of)),
                comment=self.comments.get(oid),
            )
            for oid, name in sorted(self.names.items(), key=_second)
        )


def _second(item: tuple[int, str]) -> str:
    return item[1]


def _name_of(obj: Constraint | Index) -> str:
    return obj.name
