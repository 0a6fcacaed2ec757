"""What PostgreSQL says the schema is: a hashable snapshot of one schema, and the diff of two snapshots."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

import psycopg

from mdschema.util.perf import gc_paused

ALWAYS_EXCLUDED: Final = frozenset({"alembic_version"})
FK_ACTIONS: Final = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # format_type(atttypid, atttypmod)
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
class Snapshot:
    tables: tuple[Table, ...]  # by name
    enums: tuple[Enum, ...]  # by name
    extensions: tuple[Extension, ...]  # by name
    functions: tuple[Function, ...]  # by signature
    triggers: tuple[Trigger, ...]  # by (table, name)

    def table(self, name: str) -> Table | None:
        """The table called ``name``, if any."""
        i = bisect_left(self.tables, name, key=_name)
        return self.tables[i] if i < len(self.tables) and self.tables[i].name == name else None


def _name(obj: Table) -> str:
    return obj.name


# --- reading the catalog --------------------------------------------------------------------------
# One query per kind of object, all keyed by table oid; attnums are turned into names in Python, so
# no query runs a subquery per row. Extension-owned objects (pg_depend deptype 'e') are left out.

_TABLES_SQL = """
SELECT c.oid, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p') AND c.relname <> ALL(%(exclude)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                  AND e.objid = c.oid AND e.deptype = 'e')
"""

_COMMENTS_SQL = """
SELECT objoid, objsubid, description FROM pg_description
WHERE classoid = 'pg_class'::regclass AND objoid = ANY(%(oids)s::oid[])
"""

# pg_get_expr without a relation is cheaper (no relation open); only generated columns reference columns.
_COLUMNS_SQL = """
SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE d.adrelid END),
       a.attidentity::text, a.attgenerated::text
FROM pg_attribute a
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
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
SELECT ty.typname,
       array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FILTER (WHERE e.enumlabel IS NOT NULL)
FROM pg_type ty
JOIN pg_namespace n ON n.oid = ty.typnamespace
LEFT JOIN pg_enum e ON e.enumtypid = ty.oid
WHERE n.nspname = %(schema)s AND ty.typtype = 'e'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                  AND d.objid = ty.oid AND d.deptype = 'e')
GROUP BY ty.typname
"""

_EXTENSIONS_SQL = "SELECT extname, extversion FROM pg_extension WHERE extname <> 'plpgsql'"

_FUNCTIONS_SQL = """
SELECT p.proname || '(' || oidvectortypes(p.proargtypes) || ')', pg_get_functiondef(p.oid), l.lanname
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname = %(schema)s AND p.prokind IN ('f', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                  AND d.objid = p.oid AND d.deptype = 'e')
"""

# Tables outside the snapshot that foreign keys point to (other schemas, excluded tables).
_OUTSIDE_TABLES_SQL = """
SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = ANY(%(oids)s::oid[])
"""
_OUTSIDE_COLUMNS_SQL = """
SELECT attrelid, attnum, attname FROM pg_attribute WHERE attrelid = ANY(%(oids)s::oid[]) AND attnum > 0
"""

Rows = list[tuple[Any, ...]]


def snapshot(
    conn: psycopg.Connection[Any], schema: str = "public", exclude_tables: frozenset[str] = frozenset()
) -> Snapshot:
    """Read schema ``schema`` with one set-based query per kind of object, in one read-only transaction."""
    idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    with gc_paused(), conn.transaction(), conn.cursor() as cur:
        if idle:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # format_type and pg_get_*def qualify names outside search_path: pin it so the text is stable.
        cur.execute("SELECT set_config('search_path', %s, true)", (_quote_ident(schema),))

        def rows(query: str, **params: Any) -> Rows:
            cur.execute(query, {"schema": schema, **params})
            return cur.fetchall()

        names: dict[int, str] = dict(rows(_TABLES_SQL, exclude=sorted(ALWAYS_EXCLUDED | exclude_tables)))
        oids = list(names)
        reader = _TableReader(names, schema)
        reader.read_columns(rows(_COLUMNS_SQL, oids=oids), rows(_COMMENTS_SQL, oids=oids))
        constraint_rows = rows(_CONSTRAINTS_SQL, oids=oids)
        outside = sorted({row[5] for row in constraint_rows if row[5] and row[5] not in names})
        if outside:
            reader.read_outside(
                rows(_OUTSIDE_TABLES_SQL, oids=outside), rows(_OUTSIDE_COLUMNS_SQL, oids=outside)
            )
        reader.read_constraints(constraint_rows)
        reader.read_indexes(rows(_INDEXES_SQL, oids=oids))
        return Snapshot(
            tables=reader.tables(),
            enums=tuple(Enum(name, tuple(labels or ())) for name, labels in sorted(rows(_ENUMS_SQL))),
            extensions=tuple(Extension(*row) for row in sorted(rows(_EXTENSIONS_SQL))),
            functions=tuple(Function(*row) for row in sorted(rows(_FUNCTIONS_SQL))),
            triggers=tuple(sorted(_triggers(names, rows(_TRIGGERS_SQL, oids=oids)), key=_trigger_key)),
        )


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _triggers(names: dict[int, str], trigger_rows: Rows) -> Iterator[Trigger]:
    for oid, name, definition in trigger_rows:
        yield Trigger(names[oid], name, definition)


def _trigger_key(trigger: Trigger) -> tuple[str, str]:
    return trigger.table, trigger.name


class _TableReader:
    """Assembles Table objects from the per-kind rows, keyed by table oid."""

    def __init__(self, names: dict[int, str], schema: str) -> None:
        self.names = names
        self.schema = schema
        self.ref_names: dict[int, str] = dict(names)
        self.attnames: dict[tuple[int, int], str] = {}
        self.columns: defaultdict[int, list[Column]] = defaultdict(list)
        self.constraints: defaultdict[int, list[Constraint]] = defaultdict(list)
        self.indexes: defaultdict[int, list[Index]] = defaultdict(list)
        self.comments: dict[int, str] = {}

    def read_columns(self, column_rows: Rows, comment_rows: Rows) -> None:
        col_comments = {(oid, sub): text for oid, sub, text in comment_rows}
        self.comments = {oid: text for (oid, sub), text in col_comments.items() if sub == 0}
        attnames = self.attnames
        for oid, num, name, type_, not_null, default, identity, generated in column_rows:
            attnames[oid, num] = name
            self.columns[oid].append(
                Column(name, type_, not_null, default, identity, generated, col_comments.get((oid, num)))
            )

    def read_outside(self, table_rows: Rows, column_rows: Rows) -> None:
        for oid, nspname, relname in table_rows:
            self.ref_names[oid] = relname if nspname == self.schema else f"{nspname}.{relname}"
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


# --- diff -----------------------------------------------------------------------------------------

KINDS: Final = (
    "add_extension",
    "drop_extension",
    "change_extension",
    "add_enum",
    "drop_enum",
    "enum_labels",
    "add_function",
    "drop_function",
    "change_function",
    "add_table",
    "drop_table",
    "add_column",
    "drop_column",
    "alter_type",
    "alter_nullable",
    "alter_default",
    "alter_identity",
    "alter_generated",
    "alter_column_comment",
    "alter_table_comment",
    "add_constraint",
    "drop_constraint",
    "change_constraint",
    "add_index",
    "drop_index",
    "change_index",
    "add_trigger",
    "drop_trigger",
    "change_trigger",
)
_RANK: Final = {kind: i for i, kind in enumerate(KINDS)}


@dataclass(frozen=True, slots=True)
class Change:
    """One difference. ``table`` is None for extensions, enums and functions; ``name`` is the object's
    name (column, constraint, index, trigger, enum, extension, function signature; the table for
    table-level kinds). ``before``/``after`` hold the objects or the changed attribute values."""

    kind: str
    table: str | None
    name: str
    before: Any = None
    after: Any = None


def diff(current: Snapshot, desired: Snapshot) -> tuple[Change, ...]:
    """What would turn ``current`` into ``desired``: extensions, enums, functions, then tables by name."""
    with gc_paused():
        return _diff(current, desired)


def _diff(current: Snapshot, desired: Snapshot) -> tuple[Change, ...]:
    changes = [
        *_diff_named("extension", None, current.extensions, desired.extensions, _key_name),
        *_diff_enums(current.enums, desired.enums),
        *_diff_named("function", None, current.functions, desired.functions, _key_signature),
        *_diff_tables(current, desired),
        *_diff_triggers(current, desired),
    ]
    # stable: within one table and kind, the order of generation (column order, then names) is kept
    return tuple(sorted(changes, key=_sort_key))


def _sort_key(change: Change) -> tuple[int, str, int]:
    section = 0 if change.table is None else 1
    return section, change.table or "", _RANK[change.kind] if change.table is not None else 0


def _key_name(obj: Any) -> str:
    return str(obj.name)


def _key_signature(obj: Any) -> str:
    return str(obj.signature)


def _diff_named(
    noun: str, table: str | None, before: Iterable[Any], after: Iterable[Any], key: Any
) -> Iterator[Change]:
    """add_/drop_/change_<noun> for objects matched by ``key``."""
    old = {key(o): o for o in before}
    new = {key(o): o for o in after}
    for name, obj in old.items():
        if name not in new:
            yield Change(f"drop_{noun}", table, name, obj, None)
        elif new[name] != obj:
            yield Change(f"change_{noun}", table, name, obj, new[name])
    for name, obj in new.items():
        if name not in old:
            yield Change(f"add_{noun}", table, name, None, obj)


def _diff_enums(before: tuple[Enum, ...], after: tuple[Enum, ...]) -> Iterator[Change]:
    for change in _diff_named("enum", None, before, after, _key_name):
        if change.kind == "change_enum":
            assert isinstance(change.before, Enum) and isinstance(change.after, Enum)
            yield Change("enum_labels", None, change.name, change.before.labels, change.after.labels)
        else:
            yield change


def _diff_tables(current: Snapshot, desired: Snapshot) -> Iterator[Change]:
    old = {t.name: t for t in current.tables}
    new = {t.name: t for t in desired.tables}
    for name, table in old.items():
        if name not in new:
            yield Change("drop_table", name, name, table, None)
        else:
            yield from _diff_table(table, new[name])
    for name, table in new.items():
        if name not in old:
            yield Change("add_table", name, name, None, table)


def _diff_table(old: Table, new: Table) -> Iterator[Change]:
    t = old.name
    yield from _diff_columns(t, old.columns, new.columns)
    if old.comment != new.comment:
        yield Change("alter_table_comment", t, t, old.comment, new.comment)
    yield from _diff_named("constraint", t, old.constraints, new.constraints, _key_name)
    yield from _diff_named("index", t, old.indexes, new.indexes, _key_name)


def _diff_columns(table: str, before: tuple[Column, ...], after: tuple[Column, ...]) -> Iterator[Change]:
    old = {c.name: c for c in before}
    new_names = {c.name for c in after}
    for col in before:
        if col.name not in new_names:
            yield Change("drop_column", table, col.name, col, None)
    for col in after:
        prev = old.get(col.name)
        if prev is None:
            yield Change("add_column", table, col.name, None, col)
        elif prev != col:
            yield from _diff_column(table, prev, col)


def _diff_column(table: str, a: Column, b: Column) -> Iterator[Change]:
    name = a.name
    if a.type != b.type:
        yield Change("alter_type", table, name, a.type, b.type)
    if a.not_null != b.not_null:
        yield Change("alter_nullable", table, name, a.not_null, b.not_null)
    if a.generated or b.generated:
        if (a.generated, a.default) != (b.generated, b.default):
            yield Change("alter_generated", table, name, (a.generated, a.default), (b.generated, b.default))
    elif a.default != b.default:
        yield Change("alter_default", table, name, a.default, b.default)
    if a.identity != b.identity:
        yield Change("alter_identity", table, name, a.identity, b.identity)
    if a.comment != b.comment:
        yield Change("alter_column_comment", table, name, a.comment, b.comment)


def _diff_triggers(current: Snapshot, desired: Snapshot) -> Iterator[Change]:
    """Triggers of tables present in both, and of new tables; a dropped table drops its triggers."""
    dropped = {t.name for t in current.tables} - {t.name for t in desired.tables}
    old = {(t.table, t.name): t for t in current.triggers if t.table not in dropped}
    new = {(t.table, t.name): t for t in desired.triggers}
    for key, trig in old.items():
        if key not in new:
            yield Change("drop_trigger", trig.table, trig.name, trig, None)
        elif new[key] != trig:
            yield Change("change_trigger", trig.table, trig.name, trig, new[key])
    for key, trig in new.items():
        if key not in old:
            yield Change("add_trigger", trig.table, trig.name, None, trig)


# --- describing changes ---------------------------------------------------------------------------

_IDENTITY: Final = {"": "none", "a": "always", "d": "by default"}
_GENERATED: Final = {"": "none", "s": "stored", "v": "virtual"}


def describe(change: Change) -> str:
    """One human line, e.g. ``column story.title: type character varying(100) → character varying(300)``."""
    kind, table, name, before, after = change.kind, change.table, change.name, change.before, change.after
    verb, _, noun = kind.partition("_")
    if kind == "enum_labels":
        return f"enum {name}: labels {_labels(before)} → {_labels(after)}"
    if kind.startswith("alter_"):
        return _describe_alter(change)
    subject = _subject(noun, table, name)
    if verb == "add":
        return f"{subject}: added{_summary(after)}"
    if verb == "drop":
        return f"{subject}: dropped"
    if isinstance(before, Function) and isinstance(after, Function):
        return f"{subject}: definition changed" + (
            f" (language {before.language} → {after.language})" if before.language != after.language else ""
        )
    return f"{subject}: {_definition(before)} → {_definition(after)}"


def _subject(noun: str, table: str | None, name: str) -> str:
    if noun in ("column", "constraint", "index", "trigger"):
        return f"{noun} {table}.{name}"
    return f"{noun} {name}"


def _describe_alter(change: Change) -> str:
    kind, table, name, before, after = change.kind, change.table, change.name, change.before, change.after
    if kind == "alter_table_comment":
        return f"table {name}: comment {_text(before)} → {_text(after)}"
    subject = f"column {table}.{name}"
    if kind == "alter_type":
        return f"{subject}: type {before} → {after}"
    if kind == "alter_nullable":
        return f"{subject}: {_nullability(before)} → {_nullability(after)}"
    if kind == "alter_default":
        return f"{subject}: default {_text(before, quote=False)} → {_text(after, quote=False)}"
    if kind == "alter_identity":
        return f"{subject}: identity {_IDENTITY[str(before)]} → {_IDENTITY[str(after)]}"
    if kind == "alter_generated":
        return f"{subject}: generated {_generated(before)} → {_generated(after)}"
    return f"{subject}: comment {_text(before)} → {_text(after)}"


def _nullability(not_null: object) -> str:
    return "not null" if not_null else "nullable"


def _generated(value: object) -> str:
    kind, expression = value if isinstance(value, tuple) else ("", None)
    return f"{_GENERATED[kind]} ({expression})" if kind else "none"


def _text(value: object, quote: bool = True) -> str:
    if value is None:
        return "(none)"
    return repr(value) if quote else str(value)


def _labels(value: object) -> str:
    labels = value if isinstance(value, tuple) else ()
    return "(" + ", ".join(labels) + ")"


def _definition(obj: object) -> str:
    if isinstance(obj, Extension):
        return f"version {obj.version}"
    definition = getattr(obj, "definition", None)
    return str(definition) if definition is not None else str(obj)


def _summary(obj: object) -> str:
    if isinstance(obj, Table):
        return f" ({len(obj.columns)} columns)"
    if isinstance(obj, Column):
        extra = " not null" if obj.not_null else ""
        extra += f" default {obj.default}" if obj.default is not None and not obj.generated else ""
        return f" {obj.type}{extra}"
    if isinstance(obj, Enum):
        return f" {_labels(obj.labels)}"
    if isinstance(obj, Extension):
        return f" (version {obj.version})"
    if isinstance(obj, Function):
        return f" ({obj.language})"
    definition = getattr(obj, "definition", None)
    return f": {definition}" if definition else ""
