"""Catalog differences → Alembic operations, in an order PostgreSQL accepts, for both directions.

The order is one table, `PHASES`: each phase names the kinds of change it handles and the handler that
turns them into operations, and the phases run top to bottom. Upgrade operations come from the models
where that reads best (op.create_table, op.add_column, op.alter_column); everything else, and every
downgrade, is exact SQL taken from what PostgreSQL itself printed for the target state
(pg_get_constraintdef, pg_get_indexdef, pg_get_functiondef, pg_get_triggerdef, format_type), so a
downgrade restores the previous schema exactly.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, TypeAlias, TypeVar, get_args

from mdschema.catalog.describe import describe
from mdschema.catalog.diff import (
    Change,
    ColumnAdded,
    ColumnCommentChanged,
    ColumnDefaultChanged,
    ColumnDropped,
    ColumnGeneratedChanged,
    ColumnIdentityChanged,
    ColumnNullabilityChanged,
    ColumnTypeChanged,
    ConstraintAdded,
    ConstraintChanged,
    ConstraintDropped,
    ConstraintRenamed,
    EnumAdded,
    EnumDropped,
    EnumLabelsChanged,
    ExtensionAdded,
    ExtensionDropped,
    ExtensionVersionChanged,
    FunctionAdded,
    FunctionChanged,
    FunctionDropped,
    Generation,
    IndexAdded,
    IndexChanged,
    IndexDropped,
    IndexRenamed,
    SchemaAdded,
    SchemaDropped,
    Subject,
    TableAdded,
    TableCommentChanged,
    TableDropped,
    TriggerAdded,
    TriggerChanged,
    TriggerDropped,
    diff,
)
from mdschema.catalog.domains import DomainAdded, DomainChanged, DomainDropped
from mdschema.catalog.policies import PolicyAdded, PolicyChanged, PolicyDropped, RowSecurityChanged
from mdschema.catalog.sequences import SequenceAdded, SequenceChanged, SequenceDropped
from mdschema.catalog.snapshot import Column, Constraint, Enum, Snapshot, Table, Trigger
from mdschema.catalog.views import ViewAdded, ViewChanged, ViewDropped
from mdschema.migrations import domain_ops, policy_ops, safe, sequence_ops, view_ops
from mdschema.migrations.policy_ops import PolicyRebuilt
from mdschema.migrations.renames import DeclaredRename, detect_renames, rename_sql
from mdschema.migrations.sequence_ops import SequenceRenamed
from mdschema.migrations.view_ops import ViewRebuilt
from mdschema.util.graph import cyclic_edges, topological_order
from mdschema.util.sql_text import quote_ident as qi
from mdschema.util.sql_text import quote_key as qk
from mdschema.util.sql_text import quote_literal as ql
from mdschema.util.sql_text import split_collation, split_key, text_source

if TYPE_CHECKING:
    from alembic.operations.ops import MigrateOperation

    Op: TypeAlias = MigrateOperation
else:
    Op = Any

_NEXTVAL: Final = re.compile(r"^nextval\('((?:[^']|'')+)'::regclass\)$")

# Every kind `revision` refuses until `--allow KIND` (or `--allow-destructive`); README lists exactly these.
HazardKind: TypeAlias = Literal[
    "drop_schema",
    "drop_table",
    "drop_column",
    "drop_enum_label",
    "drop_extension",
    "narrow_type",
    "set_not_null",
    "add_not_null_column",
    "rewrite_table",
    "add_exclude",
    "drop_sequence",
]
HAZARD_KINDS: Final[tuple[HazardKind, ...]] = get_args(HazardKind)


@dataclass(frozen=True, slots=True)
class Hazard:
    kind: HazardKind
    subject: Subject
    detail: str


@dataclass(slots=True)
class Plan:
    upgrade: list[Op] = field(default_factory=list)
    downgrade: list[Op] = field(default_factory=list)
    hazards: list[Hazard] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # what the upgrade does (the summary's counts)
    back: list[Change] = field(default_factory=list)  # what the downgrade does


# --- hazards --------------------------------------------------------------------------------------


def hazards_of(changes: Iterable[Change], current: Snapshot) -> list[Hazard]:
    """Changes that can lose data or fail on existing rows."""
    out: list[Hazard] = []
    tables = {t.name: t for t in current.tables}
    for c in changes:
        match c:
            case SchemaDropped():
                detail = "drops the schema (the docs no longer create it); it fails if anything is left in it"
                out.append(Hazard("drop_schema", c.subject, detail))
            case TableDropped():
                out.append(Hazard("drop_table", c.subject, "drops the table and all its rows"))
            case SequenceDropped():
                detail = "drops the sequence and its current value (a table that goes takes its own)"
                out.append(Hazard("drop_sequence", c.subject, detail))
            case ColumnDropped():
                out.append(Hazard("drop_column", c.subject, "drops the column and its data"))
            case EnumLabelsChanged(before=before, after=after):
                removed = [label for label in before if label not in after]
                if removed:
                    detail = f"removes label(s) {', '.join(removed)}; rows using them fail the upgrade"
                    out.append(Hazard("drop_enum_label", c.subject, detail))
            case EnumDropped():
                out.append(Hazard("drop_enum_label", c.subject, "drops the enum type"))
            case ExtensionDropped():
                detail = "drops the extension and everything it owns (types, functions, its tables' rows)"
                out.append(Hazard("drop_extension", c.subject, detail))
            case ColumnTypeChanged(before=before, after=after) if narrows(before, after):
                detail = f"narrows {before} → {after}; values may be cut or rejected"
                out.append(Hazard("narrow_type", c.subject, detail))
            case ColumnNullabilityChanged(table=table, column=column, after=True):
                col = _column(tables.get(table), column)
                if col is not None:  # a default fills only new rows: existing NULLs still fail the upgrade
                    detail = (
                        "adds NOT NULL without a default; existing NULLs make the upgrade fail"
                        if col.default is None
                        else "adds NOT NULL; a default fills only new rows: existing NULLs fail the upgrade"
                    )
                    out.append(Hazard("set_not_null", c.subject, detail))
            case ColumnGeneratedChanged(before=Generation(kind=""), after=Generation(kind=kind)) if kind:
                detail = "turns the column into a generated one: it is dropped and added again, its data lost"
                out.append(Hazard("drop_column", c.subject, detail))
            case ColumnAdded(table=table, column=col) if _needs_a_value(col):
                # Only a table that exists before the revision: a new table's columns are TableAdded.
                detail = (
                    f"adds a NOT NULL column without a default; the upgrade fails if table {table} has "
                    "rows (give it a DEFAULT, or add it nullable, fill it, then make it NOT NULL)"
                )
                out.append(Hazard("add_not_null_column", c.subject, detail))
    return out


def _needs_a_value(col: Column) -> bool:
    """A new NOT NULL column that PostgreSQL cannot fill on existing rows: no default, not generated,
    not an identity (those three give every existing row a value)."""
    return col.not_null and col.default is None and not col.generated and not col.identity


def _column(table: Table | None, name: str) -> Column | None:
    return table.column(name) if table is not None else None


_INT_RANK: Final = {"smallint": 1, "integer": 2, "bigint": 3}
_TYPMOD: Final = re.compile(r"^(.*?)\((\d+)(?:,(\d+))?\)(\[\])?$")


def narrows(before: str, after: str) -> bool:
    before, after = split_collation(before)[0], split_collation(after)[0]  # a collation narrows nothing
    if before == after:
        return False
    if before in _INT_RANK and after in _INT_RANK:
        return _INT_RANK[after] < _INT_RANK[before]
    b, a = _TYPMOD.match(before), _TYPMOD.match(after)
    if before in ("text", "character varying") and a and a.group(1) in ("character varying", "character"):
        return True
    if b and a and b.group(1) == a.group(1):
        if b.group(1) == "numeric":
            bp, bs = int(b.group(2)), int(b.group(3) or 0)
            ap, as_ = int(a.group(2)), int(a.group(3) or 0)
            return ap - as_ < bp - bs or as_ < bs
        return int(a.group(2)) < int(b.group(2))
    if b and before.startswith("numeric") and after in _INT_RANK:
        return True
    if before == "double precision" and after == "real":
        return True
    if before in ("text", "character varying") and after not in ("text", "character varying"):
        return True
    return False


# --- the phases -----------------------------------------------------------------------------------

# The server the plan is for, as server_version_num: the shadow's (`revision`) or the connected
# database's (stock autogenerate). NEWEST: no server known, the SQL of the newest PostgreSQL.
NEWEST: Final = 10**9
SET_EXPRESSION_SINCE: Final = 170000  # ALTER COLUMN … SET EXPRESSION AS is PostgreSQL 17+

C = TypeVar("C")


@dataclass(frozen=True, slots=True)
class Context:
    """What every handler may read: both snapshots and, for the upgrade, the models' MetaData."""

    current: Snapshot
    target: Snapshot
    metadata: Any | None  # sqlalchemy MetaData: operations from the models; None: exact SQL from the catalog
    current_tables: Mapping[str, Table]  # current.tables by name
    server_version: int = NEWEST  # PostgreSQL's server_version_num the SQL must run on, e.g. 150020
    safe: bool = False  # lock-safe forms (migrations/safe.py) on the tables that exist before
    committed: bool = False  # an autocommit block ran before this phase: new tables are visible to all

    @classmethod
    def of(
        cls,
        current: Snapshot,
        target: Snapshot,
        metadata: Any | None,
        server_version: int = NEWEST,
        safe: bool = False,
    ) -> Context:
        return cls(current, target, metadata, {t.name: t for t in current.tables}, server_version, safe)

    def in_use(self, table: str) -> bool:
        """Whether a change on `table` takes the lock-safe form: safe plans, a table that exists before
        and is kept (a new table is empty and nobody uses it yet)."""
        return self.safe and table in self.current_tables and any(t.name == table for t in self.target.tables)

    def target_column(self, table: str, name: str) -> Column | None:
        return _column(next((t for t in self.target.tables if t.name == table), None), name)

    def model_table(self, name: str) -> Any | None:
        """The models' sqlalchemy Table called `name`, if there are models and it is one of them."""
        if self.metadata is None or name not in self.metadata.tables:
            return None
        return self.metadata.tables[name]


Handler: TypeAlias = Callable[[Sequence[C], Context], Iterable[Op]]


@dataclass(frozen=True)  # not slots: Phase[X](...) sets __orig_class__, which a slotted frozen class refuses
class Phase(Generic[C]):
    """One step of PostgreSQL's statement order: every change of `kinds` (all of the first kind, then
    all of the next, each in diff order) goes to `handle` at once."""

    name: str
    kinds: tuple[type[C], ...]
    handle: Handler[C]


def each(handle: Callable[[C, Context], Iterable[Op]], order: Callable[[C], Any] | None = None) -> Handler[C]:
    """A phase handler that passes the changes one by one to `handle`, sorted by `order` if given."""

    def run(changes: Sequence[C], ctx: Context) -> Iterator[Op]:
        for change in sorted(changes, key=order) if order is not None else changes:
            yield from handle(change, ctx)

    run.__name__ = run.__qualname__ = f"each({handle.__name__})"
    return run


def _in_schema_of(table: str, name: str) -> str:
    """An index (or other relation) named `name` in the schema of table `table` (a key), as SQL."""
    schema, _ = split_key(table)
    return qk(f"{schema}.{name}")


def _where(table: str) -> dict[str, Any]:
    """(table_name, schema) keyword arguments of an Alembic operation on the table keyed `table`."""
    schema, name = split_key(table)
    return {"table_name": name, "schema": None if schema == "public" else schema}


def _sql(text: str) -> Op:
    """op.execute() of exactly `text`: Alembic makes it a text(), so a `:word` in it is escaped."""
    from alembic.operations import ops

    return ops.ExecuteSQLOp(text_source(text))


# renames


def _rename_constraint(c: ConstraintRenamed, ctx: Context) -> list[Op]:
    return [_sql(f"ALTER TABLE {qk(c.table)} RENAME CONSTRAINT {qi(c.before)} TO {qi(c.after)}")]


def _rename_index(c: IndexRenamed, ctx: Context) -> list[Op]:
    return [_sql(f"ALTER INDEX {_in_schema_of(c.table, c.before)} RENAME TO {qi(c.after)}")]


# schemas, extensions and enum types


def _create_schema(c: SchemaAdded, ctx: Context) -> list[Op]:
    return [_sql(f"CREATE SCHEMA IF NOT EXISTS {qi(c.name)}")]


def _drop_schema(c: SchemaDropped, ctx: Context) -> list[Op]:
    return [_sql(f"DROP SCHEMA {qi(c.name)}")]  # RESTRICT: never takes anything left in it along


def _create_extension(c: ExtensionAdded, ctx: Context) -> list[Op]:
    return [_sql(f"CREATE EXTENSION IF NOT EXISTS {qi(c.extension.name)}")]


def _create_enum(c: EnumAdded, ctx: Context) -> list[Op]:
    return [_sql(_enum_create_sql(c.enum))]


def _change_enum_labels(c: EnumLabelsChanged, ctx: Context) -> list[Op]:
    steps = _enum_steps(c.name, c.before, c.after, ctx.target, ctx.current)
    return safe.enum_rebuild(steps) if ctx.safe else [_sql(s) for s in steps]


def _enum_create_sql(e: Enum) -> str:
    return f"CREATE TYPE {qk(e.name)} AS ENUM ({', '.join(ql(label) for label in e.labels)})"


def _enum_steps(
    name: str, before: tuple[str, ...], after: tuple[str, ...], target: Snapshot, current: Snapshot
) -> list[str]:
    """ADD VALUE for pure insertions (no table rewrite); otherwise rebuild the type."""
    it = iter(after)
    if all(label in it for label in before):  # before is a subsequence of after: only insertions
        steps = []
        present = list(before)
        for i, label in enumerate(after):
            if label in present:
                continue
            if i + 1 < len(after) and after[i + 1] in present:
                where = f" BEFORE {ql(after[i + 1])}"
            else:
                where = f" AFTER {ql(after[i - 1])}" if i > 0 else ""
            steps.append(f"ALTER TYPE {qk(name)} ADD VALUE {ql(label)}{where}")
            present.insert(present.index(after[i - 1]) + 1 if i > 0 and after[i - 1] in present else 0, label)
        return steps
    # Labels removed or reordered: PostgreSQL cannot drop a label, so rebuild the type.
    old = f"{name}__old"
    steps = [f"ALTER TYPE {qk(name)} RENAME TO {qi(split_key(old)[1])}", _enum_create_sql(Enum(name, after))]
    # An index predicate/expression or a CHECK that names the type (WHERE status = 'x'::mood) blocks the
    # retyping below (no operator mood = mood__old): drop those first, recreate them once the columns moved.
    mentions = re.compile(rf"::{re.escape(qk(name))}(?![\w$\"])")
    recreate: list[str] = []
    for t in current.tables:
        for con in t.constraints:
            if con.kind == "c" and mentions.search(con.definition):
                steps.append(f"ALTER TABLE {qk(t.name)} DROP CONSTRAINT {qi(con.name)}")
                recreate.append(_add_constraint_sql(t.name, con))
        for index in t.indexes:
            if mentions.search(index.definition):
                steps.append(f"DROP INDEX {_in_schema_of(t.name, index.name)}")
                recreate.append(index.definition)
    target_tables = {t.name: t for t in target.tables}
    for t in current.tables:
        for c in t.columns:
            base = c.type.removesuffix("[]")
            if base == name or base == qk(name):
                arr = "[]" if c.type.endswith("[]") else ""
                if c.default is not None:
                    steps.append(f"ALTER TABLE {qk(t.name)} ALTER COLUMN {qi(c.name)} DROP DEFAULT")
                steps.append(
                    f"ALTER TABLE {qk(t.name)} ALTER COLUMN {qi(c.name)} TYPE {qk(name)}{arr} "
                    f"USING {qi(c.name)}::text{arr}::{qk(name)}{arr}"
                )
                if c.default is not None:
                    tcol = _column(target_tables.get(t.name), c.name)
                    if tcol is not None and tcol.default is not None:
                        steps.append(
                            f"ALTER TABLE {qk(t.name)} ALTER COLUMN {qi(c.name)} SET DEFAULT {tcol.default}"
                        )
    steps += recreate
    steps.append(f"DROP TYPE {qk(old)}")
    return steps


# what goes away first: triggers, constraints (foreign keys first, they depend on keys), indexes, tables


def _drop_trigger(c: TriggerDropped, ctx: Context) -> list[Op]:
    return [_sql(f"DROP TRIGGER IF EXISTS {qi(c.trigger.name)} ON {qk(c.trigger.table)}")]


def _dropped_constraint(c: ConstraintDropped | ConstraintChanged) -> Constraint:
    return c.constraint if isinstance(c, ConstraintDropped) else c.before


def _foreign_keys_first(c: ConstraintDropped | ConstraintChanged) -> tuple[bool, str, str]:
    con = _dropped_constraint(c)
    return con.kind != "f", c.table, con.name


def _drop_constraint(c: ConstraintDropped | ConstraintChanged, ctx: Context) -> list[Op]:
    return [_drop_constraint_op(c.table, _dropped_constraint(c))]


def _drop_constraint_op(table: str, con: Constraint) -> Op:
    from alembic.operations import ops

    type_ = {"p": "primary", "u": "unique", "f": "foreignkey", "c": "check"}.get(con.kind)
    return ops.DropConstraintOp(con.name, type_=type_, **_where(table))


def _drop_index(c: IndexDropped | IndexChanged, ctx: Context) -> list[Op]:
    from alembic.operations import ops

    name = c.index.name if isinstance(c, IndexDropped) else c.before.name
    if ctx.in_use(c.table):
        return safe.drop_index(name)
    return [ops.DropIndexOp(name, **_where(c.table))]


def _drop_foreign_keys_among(changes: Sequence[TableDropped], ctx: Context) -> list[Op]:
    """The foreign keys of tables about to be dropped that point at other dropped tables."""
    dropped = {c.table.name for c in changes}
    return [
        _drop_constraint_op(name, con)
        for name in sorted(dropped)
        for con in ctx.current_tables[name].constraints
        if con.kind == "f" and con.ref_table in dropped and con.ref_table != name
    ]


def _drop_tables(changes: Sequence[TableDropped], ctx: Context) -> list[Op]:
    """Referencing tables before the tables they reference."""
    from alembic.operations import ops

    order = _dependency_order([c.table for c in changes])
    return [ops.DropTableOp(**_where(name)) for name in reversed(order)]


def _dependency_order(tables: Sequence[Table]) -> list[str]:
    """Table names, each after the tables (of these) its foreign keys reference; ties by name. Foreign
    keys on a cycle do not order anything: they are added once all tables exist, or dropped first."""
    graph = {
        t.name: {con.ref_table for con in t.constraints if con.kind == "f" and con.ref_table is not None}
        for t in tables
    }
    cyclic = cyclic_edges(graph)
    return topological_order({n: {d for d in deps if (n, d) not in cyclic} for n, deps in graph.items()})


# new tables and columns; then what changes in place


def _create_tables(changes: Sequence[TableAdded], ctx: Context) -> list[Op]:
    """Referenced tables first; without their foreign keys (see _new_foreign_keys), so that order and
    cycles never matter."""
    from alembic.operations import ops

    out: list[Op] = []
    by_name = {c.table.name: c.table for c in changes}
    for name in _dependency_order(list(by_name.values())):
        model = ctx.model_table(name)
        if model is not None:
            op_ = ops.CreateTableOp.from_table(model)
            op_.columns = [col for col in op_.columns if not _is_fk(col)]
            out.append(op_)
            out += [
                ops.CreateIndexOp.from_index(i) for i in sorted(model.indexes, key=lambda i: i.name or "")
            ]
        else:
            out += [_sql(s) for s in _table_sql(by_name[name])]
    return out


def _add_column(c: ColumnAdded, ctx: Context) -> list[Op]:
    from alembic.operations import ops

    model = ctx.model_table(c.table)
    if model is not None:
        where = _where(c.table)
        column = model.c[c.column.name]._copy()
        return [ops.AddColumnOp.from_column_and_tablename(where["schema"], where["table_name"], column)]
    out = [_sql(f"ALTER TABLE {qk(c.table)} ADD COLUMN {_column_sql(c.column)}")]
    if c.column.comment is not None:
        out.append(_sql(f"COMMENT ON COLUMN {qk(c.table)}.{qi(c.column.name)} IS {ql(c.column.comment)}"))
    return out


def _change_type(c: ColumnTypeChanged, ctx: Context) -> list[Op]:
    using = f"{qi(c.column)}::{c.after}"
    model = ctx.model_table(c.table)
    if model is None:
        return [_sql(f"ALTER TABLE {qk(c.table)} ALTER COLUMN {qi(c.column)} TYPE {c.after} USING {using}")]
    from alembic.operations import ops

    # same base type (varchar(200) → varchar(300), text → text COLLATE "C"): no USING, so no needless
    # rewrite (PostgreSQL coerces within a type on its own)
    base_before, base_after = split_collation(c.before)[0], split_collation(c.after)[0]
    same_base = re.sub(r"\(.*\)", "", base_before) == re.sub(r"\(.*\)", "", base_after)
    op_class = ops.AlterColumnOp if same_base else _alter_column_using_op()
    return [
        op_class(
            column_name=c.column,
            modify_type=model.c[c.column].type,
            postgresql_using=None if same_base else using,
            **_where(c.table),
        )
    ]


def _change_default(c: ColumnDefaultChanged, ctx: Context) -> list[Op]:
    from alembic.operations import ops

    # DefaultClause, not a bare text(): Alembic renders a bare TextClause as raw SQL
    # (`server_default=now()`, not Python); a DefaultClause renders as sa.text('…').
    return [
        ops.AlterColumnOp(
            column_name=c.column,
            modify_server_default=_default(c.after),
            existing_server_default=_default(c.before),
            **_where(c.table),
        )
    ]


def _default(sql: str | None) -> Any:
    from sqlalchemy import DefaultClause, text

    return DefaultClause(text(text_source(sql))) if sql is not None else None


def _change_nullability(c: ColumnNullabilityChanged, ctx: Context) -> list[Op]:
    from alembic.operations import ops

    if c.after and ctx.in_use(c.table):
        taken = [con.name for con in ctx.current_tables[c.table].constraints]
        taken += [con.name for t in ctx.target.tables if t.name == c.table for con in t.constraints]
        return safe.set_not_null(c.table, c.column, taken)
    return [ops.AlterColumnOp(column_name=c.column, modify_nullable=not c.after, **_where(c.table))]


def _change_identity(c: ColumnIdentityChanged, ctx: Context) -> list[Op]:
    alter = f"ALTER TABLE {qk(c.table)} ALTER COLUMN {qi(c.column)}"
    if not c.after:
        return [_sql(f"{alter} DROP IDENTITY IF EXISTS")]
    how = "ALWAYS" if c.after == "a" else "BY DEFAULT"
    if c.before:
        return [_sql(f"{alter} SET GENERATED {how}")]
    return [_sql(f"{alter} ADD GENERATED {how} AS IDENTITY")]


def _change_generated(c: ColumnGeneratedChanged, ctx: Context) -> list[Op]:
    alter = f"ALTER TABLE {qk(c.table)} ALTER COLUMN {qi(c.column)}"
    if not c.after.kind:
        return [_sql(f"{alter} DROP EXPRESSION")]
    if not readds_generated(c, ctx.server_version):
        return [_sql(f"{alter} SET EXPRESSION AS ({c.after.expression})")]
    return [_sql(s) for s in _readd_column(c.table, c.column, ctx)]


def readds_generated(c: ColumnGeneratedChanged, server_version: int) -> bool:
    """Whether the column is dropped and added again rather than altered in place: PostgreSQL before 17
    has no SET EXPRESSION, and none can turn a column into a generated one or change its kind."""
    if not c.after.kind:
        return False
    return c.before.kind != c.after.kind or server_version < SET_EXPRESSION_SINCE


def _readd_column(table: str, name: str, ctx: Context) -> list[str]:
    """DROP COLUMN + ADD COLUMN as the target has it. DROP COLUMN takes the indexes and constraints that
    use the column with it: those the revision keeps as they are are dropped first and made again after
    (the ones it changes, adds or drops have phases of their own, before and after this one)."""
    current = ctx.current_tables[table]
    target = next(t for t in ctx.target.tables if t.name == table)
    column = target.column(name)
    assert column is not None
    uses = re.compile(rf"(?<![\w$\"]){re.escape(qi(name))}(?![\w$\"])")
    kept_constraints = [
        con
        for con in current.constraints
        if con in target.constraints and (name in con.columns or uses.search(con.definition))
    ]
    kept_indexes = [i for i in current.indexes if i in target.indexes and uses.search(i.definition)]
    steps = [f"ALTER TABLE {qk(table)} DROP CONSTRAINT IF EXISTS {qi(con.name)}" for con in kept_constraints]
    steps += [f"DROP INDEX IF EXISTS {_in_schema_of(table, i.name)}" for i in kept_indexes]
    steps.append(f"ALTER TABLE {qk(table)} DROP COLUMN {qi(name)}")
    steps.append(f"ALTER TABLE {qk(table)} ADD COLUMN {_column_sql(column)}")
    if column.comment is not None:
        steps.append(f"COMMENT ON COLUMN {qk(table)}.{qi(name)} IS {ql(column.comment)}")
    steps += [_add_constraint_sql(table, con) for con in _constraint_order(tuple(kept_constraints))]
    steps += [i.definition for i in kept_indexes]
    return steps


def _change_column_comment(c: ColumnCommentChanged, ctx: Context) -> list[Op]:
    from alembic.operations import ops

    where = _where(c.table)
    return [
        ops.AlterColumnOp(column_name=c.column, modify_comment=c.after, existing_comment=c.before, **where)
    ]


def _change_table_comment(c: TableCommentChanged, ctx: Context) -> list[Op]:
    from alembic.operations import ops

    where = _where(c.table)
    if c.after is None:
        return [
            ops.DropTableCommentOp(where["table_name"], existing_comment=c.before, schema=where["schema"])
        ]
    return [
        ops.CreateTableCommentOp(
            where["table_name"], c.after, existing_comment=c.before, schema=where["schema"]
        )
    ]


# what comes back: constraints (foreign keys last), indexes, the foreign keys of new tables


def _added_constraint(c: ConstraintAdded | ConstraintChanged) -> Constraint:
    return c.constraint if isinstance(c, ConstraintAdded) else c.after


def _foreign_keys_last(c: ConstraintAdded | ConstraintChanged) -> tuple[bool, str, str]:
    con = _added_constraint(c)
    return con.kind == "f", c.table, con.name


def _add_constraint(c: ConstraintAdded | ConstraintChanged, ctx: Context) -> list[Op]:
    con = _added_constraint(c)
    if ctx.in_use(c.table) and not con.definition.endswith("NOT VALID"):
        if con.kind in ("f", "c"):
            return safe.validated(c.table, con)
        if con.kind == "u" and (steps := safe.unique(c.table, con)) is not None:
            return steps
    return [_add_constraint_op(ctx, c.table, con)]


def _create_index(c: IndexAdded | IndexChanged, ctx: Context) -> list[Op]:
    from alembic.operations import ops

    wanted = c.index if isinstance(c, IndexAdded) else c.after
    model = ctx.model_table(c.table)
    model_index = (
        next((i for i in model.indexes if i.name == wanted.name), None) if model is not None else None
    )
    model_op = ops.CreateIndexOp.from_index(model_index) if model_index is not None else None
    if ctx.in_use(c.table):
        return safe.create_index(wanted.name, wanted.definition, model_op)
    return [model_op if model_op is not None else _sql(wanted.definition)]


def _new_foreign_keys(changes: Sequence[TableAdded], ctx: Context) -> list[Op]:
    """The foreign keys of the new tables, now that every table exists."""
    new_fks = [(c.table.name, con) for c in changes for con in c.table.constraints if con.kind == "f"]
    out: list[Op] = []
    for table, con in sorted(new_fks, key=lambda x: (x[0], x[1].name)):
        # once an autocommit block has committed the new tables, they are tables in use like any other
        out += safe.validated(table, con) if ctx.committed else [_add_constraint_op(ctx, table, con)]
    return out


def _add_constraint_op(ctx: Context, table: str, con: Constraint) -> Op:
    """op.create_foreign_key / create_unique_constraint / create_check_constraint from the model when
    there is one; otherwise the definition PostgreSQL printed."""
    from alembic.operations import ops
    from sqlalchemy import CheckConstraint, ForeignKeyConstraint, UniqueConstraint

    model_table = ctx.model_table(table)
    model = (
        next((m for m in model_table.constraints if m.name == con.name), None)
        if model_table is not None
        else None
    )
    if isinstance(model, ForeignKeyConstraint) and con.kind == "f":
        return ops.CreateForeignKeyOp.from_constraint(model)
    if isinstance(model, UniqueConstraint) and con.kind == "u":
        return ops.CreateUniqueConstraintOp.from_constraint(model)
    if isinstance(model, CheckConstraint) and con.kind == "c":
        return ops.CreateCheckConstraintOp.from_constraint(model)
    return _sql(_add_constraint_sql(table, con))


# functions and triggers (new or replaced), then what goes away last


def _create_function(c: FunctionAdded | FunctionChanged, ctx: Context) -> list[Op]:
    return [_sql(c.function.definition if isinstance(c, FunctionAdded) else c.after.definition)]


def _create_trigger(c: TriggerAdded | TriggerChanged, ctx: Context) -> list[Op]:
    return [_sql(_trigger_sql(c.trigger if isinstance(c, TriggerAdded) else c.after))]


def _drop_column(c: ColumnDropped, ctx: Context) -> list[Op]:
    from alembic.operations import ops

    where = _where(c.table)
    return [ops.DropColumnOp(where["table_name"], c.column.name, schema=where["schema"])]


def _drop_function(c: FunctionDropped, ctx: Context) -> list[Op]:
    return [_sql(f"DROP FUNCTION IF EXISTS {c.function.signature}")]


def _drop_enum(c: EnumDropped, ctx: Context) -> list[Op]:
    return [_sql(f"DROP TYPE IF EXISTS {qk(c.enum.name)}")]


def _drop_extension(c: ExtensionDropped, ctx: Context) -> list[Op]:
    return [_sql(f"DROP EXTENSION IF EXISTS {qi(c.extension.name)}")]


def _update_extension(c: ExtensionVersionChanged, ctx: Context) -> list[Op]:
    return [_sql(f"ALTER EXTENSION {qi(c.name)} UPDATE TO {ql(c.after)}")]


# PostgreSQL's statement order, top to bottom. Types before the tables that use them; what depends on an
# object goes before the object (foreign keys before keys, constraints and indexes before tables); tables
# before their columns' changes; foreign keys after every key they reference exists; functions before
# the triggers that call them; columns, functions, types and extensions dropped last, once nothing uses them.
# Left unannotated so that mypy checks every handler against its phase's kinds (a phase of two kinds names
# their union: mypy would otherwise join them to `object`).
PHASES: Final = (
    Phase("rename constraints", (ConstraintRenamed,), each(_rename_constraint)),
    Phase("rename indexes", (IndexRenamed,), each(_rename_index)),
    Phase("rename sequences", (SequenceRenamed,), sequence_ops.rename_sequences),
    Phase("create schemas", (SchemaAdded,), each(_create_schema)),
    Phase("drop views, dependents first", (ViewDropped, ViewChanged, ViewRebuilt), view_ops.drop_views),
    Phase("drop policies", (PolicyDropped, PolicyChanged, PolicyRebuilt), policy_ops.drop_policies),
    Phase("create extensions", (ExtensionAdded,), each(_create_extension)),
    Phase("create enum types", (EnumAdded,), each(_create_enum)),
    Phase("change enum labels", (EnumLabelsChanged,), each(_change_enum_labels)),
    Phase("create domains", (DomainAdded,), domain_ops.create_domains),
    Phase(
        "domains let go: drop or rename CHECKs, defaults, DROP NOT NULL",
        (DomainChanged,),
        domain_ops.loosen_domains,
    ),
    Phase("drop triggers", (TriggerDropped,), each(_drop_trigger)),
    Phase[ConstraintDropped | ConstraintChanged](
        "drop constraints, foreign keys first",
        (ConstraintDropped, ConstraintChanged),
        each(_drop_constraint, order=_foreign_keys_first),
    ),
    Phase[IndexDropped | IndexChanged]("drop indexes", (IndexDropped, IndexChanged), each(_drop_index)),
    Phase("release sequences that change owner", (SequenceChanged,), sequence_ops.release_sequences),
    Phase[SequenceAdded | SequenceChanged](
        "create sequences, alter their parameters",
        (SequenceAdded, SequenceChanged),
        sequence_ops.create_sequences,
    ),
    Phase("drop foreign keys among dropped tables", (TableDropped,), _drop_foreign_keys_among),
    Phase("drop tables, referencing ones first", (TableDropped,), _drop_tables),
    Phase("create tables, referenced ones first", (TableAdded,), _create_tables),
    Phase("add columns", (ColumnAdded,), each(_add_column)),
    Phase[SequenceAdded | SequenceChanged](
        "own sequences, their comments", (SequenceAdded, SequenceChanged), sequence_ops.own_sequences
    ),
    Phase("change column types", (ColumnTypeChanged,), each(_change_type)),
    Phase("change column defaults", (ColumnDefaultChanged,), each(_change_default)),
    Phase("change nullability", (ColumnNullabilityChanged,), each(_change_nullability)),
    Phase("change identity", (ColumnIdentityChanged,), each(_change_identity)),
    Phase("domains demand: SET NOT NULL, new CHECKs", (DomainChanged,), domain_ops.tighten_domains),
    Phase("change generated expressions", (ColumnGeneratedChanged,), each(_change_generated)),
    Phase("change column comments", (ColumnCommentChanged,), each(_change_column_comment)),
    Phase("change table comments", (TableCommentChanged,), each(_change_table_comment)),
    Phase[ConstraintAdded | ConstraintChanged](
        "add constraints, foreign keys last",
        (ConstraintAdded, ConstraintChanged),
        each(_add_constraint, order=_foreign_keys_last),
    ),
    Phase[IndexAdded | IndexChanged]("create indexes", (IndexAdded, IndexChanged), each(_create_index)),
    Phase("add foreign keys of new tables", (TableAdded,), _new_foreign_keys),
    Phase[FunctionAdded | FunctionChanged](
        "create or replace functions", (FunctionAdded, FunctionChanged), each(_create_function)
    ),
    Phase[TriggerAdded | TriggerChanged](
        "create or replace triggers", (TriggerAdded, TriggerChanged), each(_create_trigger)
    ),
    Phase("create views, what they read first", (ViewAdded, ViewChanged, ViewRebuilt), view_ops.create_views),
    Phase(
        "row-level security, then policies",
        (RowSecurityChanged, PolicyAdded, PolicyChanged, PolicyRebuilt),
        policy_ops.create_policies,
    ),
    Phase("drop columns", (ColumnDropped,), each(_drop_column)),
    Phase("drop domains, once no column uses them", (DomainDropped,), domain_ops.drop_domains),
    Phase("drop sequences, once no default uses them", (SequenceDropped,), sequence_ops.drop_sequences),
    Phase("drop functions", (FunctionDropped,), each(_drop_function)),
    Phase("drop enum types", (EnumDropped,), each(_drop_enum)),
    Phase("drop extensions", (ExtensionDropped,), each(_drop_extension)),
    Phase("update extensions", (ExtensionVersionChanged,), each(_update_extension)),
    Phase("drop schemas, once empty", (SchemaDropped,), each(_drop_schema)),
)


def plan_direction(
    changes: Iterable[Change],
    current: Snapshot,
    target: Snapshot,
    metadata: Any | None,
    server_version: int = NEWEST,
    lock_safe: bool = False,
) -> list[Op]:
    """Operations turning `current` into `target`, phase by phase, in SQL that PostgreSQL
    `server_version` (server_version_num) runs. With `metadata`, new tables and columns are written as
    Alembic operations from the models; without, as exact SQL from the catalog."""
    by_kind: defaultdict[type, list[Change]] = defaultdict(list)
    for change in _with_rebuilds(changes, current, target):
        by_kind[type(change)].append(change)
    ctx = Context.of(current, target, metadata, server_version, lock_safe)
    out: list[Op] = []
    phases: tuple[Phase[Any], ...] = PHASES
    for phase in phases:
        selected = [change for kind in phase.kinds for change in by_kind[kind]]
        if selected:
            if lock_safe and not ctx.committed and any(map(safe.is_autocommit, out)):
                ctx = replace(ctx, committed=True)
            out += phase.handle(selected, ctx)
    return out


def _with_rebuilds(changes: Iterable[Any], current: Snapshot, target: Snapshot) -> list[Any]:
    """`changes` plus the views and policies dropped and created again because what they read changes;
    sequences identical but for the name as renames."""
    changes = sequence_ops.with_renames(list(changes))
    return policy_ops.with_rebuilds(view_ops.with_rebuilds(changes, current, target), current, target)


def plan(
    current: Snapshot,
    desired: Snapshot,
    metadata: Any,
    renames: Sequence[DeclaredRename] = (),
    server_version: int = NEWEST,
    safety: safe.Safety | None = None,
) -> Plan:
    """`current` is the head with the declared `renames` already applied (see migrations.revision).
    The upgrade runs the declared renames first, then the phases; the downgrade runs the phases back,
    then undoes the declared renames. Both in SQL that PostgreSQL `server_version` runs. With `safety`,
    the lock-safe plan (migrations/safe.py): timeouts set first, lock-safe forms, rewrites as hazards."""
    changes = _with_rebuilds(detect_renames(diff(current, desired)), current, desired)
    back = _with_rebuilds(detect_renames(diff(desired, current)), desired, current)
    on = safety is not None
    # the timeouts only for a revision that changes something (`alembic check` must find nothing else)
    prologue = safe.timeouts(safety) if safety is not None and (changes or renames) else []
    rewrites = safe.rewrite_hazards(changes, current, desired) if on else []
    excludes = safe.exclude_hazards(changes, current) if on else []
    return Plan(
        upgrade=prologue
        + [_sql(s) for s in rename_sql(renames)]
        + plan_direction(changes, current, desired, metadata, server_version, on),
        downgrade=prologue
        + plan_direction(back, desired, current, None, server_version, on)
        + [_sql(s) for s in rename_sql(renames, reverse=True)],
        hazards=hazards_of(changes, current)
        + [Hazard(kind, subject, detail) for kind, subject, detail in domain_ops.hazards(changes, current)]
        + [Hazard("rewrite_table", subject, detail) for subject, detail in rewrites]
        + [Hazard("add_exclude", subject, detail) for subject, detail in excludes],
        summary=[*map(describe, renames), *(_summary_line(c, server_version) for c in changes)],
        changes=list(changes),
        back=list(back),
    )


def _summary_line(change: Change, server_version: int) -> str:
    line = describe(change)
    if not (isinstance(change, ColumnGeneratedChanged) and readds_generated(change, server_version)):
        return line
    if not change.before.kind:
        return f"{line} (dropped and added again: its values are replaced by the generated ones)"
    if change.before.kind == change.after.kind:
        why = f"PostgreSQL {server_version // 10000} has no SET EXPRESSION (17+)"
    else:
        why = "PostgreSQL cannot change how a column is generated in place"
    return f"{line} (dropped and added again: {why}; a generated column holds no data of its own)"


# --- SQL from the catalog -------------------------------------------------------------------------


def _table_sql(t: Table) -> list[str]:
    """CREATE TABLE … exactly as the catalog describes it, then its constraints, indexes, comments."""
    cols = [_column_sql(c) for c in t.columns]
    # serial columns: their sequence went with the table; sequence_ops makes it first, with its parameters
    # (this IF NOT EXISTS then finds it)
    serials = [(c.name, m.group(1)) for c in t.columns if c.default and (m := _NEXTVAL.match(c.default))]
    out = [f"CREATE SEQUENCE IF NOT EXISTS {seq}" for _, seq in serials]
    out.append(f"CREATE TABLE {qk(t.name)} ({', '.join(cols)})")
    # (OWNED BY as the catalog has it: migrations/sequence_ops.py, once the columns exist)
    out += [_add_constraint_sql(t.name, con) for con in _constraint_order(t.constraints) if con.kind != "f"]
    out += [_unqualified(i.definition) for i in t.indexes]
    out += _comment_sql(t)
    return out


def _unqualified(index_definition: str) -> str:
    """pg_get_indexdef's `ON public.t` as `ON t`, like the CREATE TABLE before it (and so that a linter
    sees the index is on the table just created)."""
    return re.sub(r"^(CREATE (?:UNIQUE )?INDEX \S+ ON (?:ONLY )?)public\.", r"\1", index_definition)


def _comment_sql(t: Table) -> list[str]:
    out = []
    if t.comment is not None:
        out.append(f"COMMENT ON TABLE {qk(t.name)} IS {ql(t.comment)}")
    for c in t.columns:
        if c.comment is not None:
            out.append(f"COMMENT ON COLUMN {qk(t.name)}.{qi(c.name)} IS {ql(c.comment)}")
    return out


def _constraint_order(constraints: tuple[Constraint, ...]) -> list[Constraint]:
    rank = {"p": 0, "u": 1, "x": 2, "c": 3, "f": 4}
    return sorted(constraints, key=lambda c: (rank.get(c.kind, 5), c.name))


def _add_constraint_sql(table: str, con: Constraint) -> str:
    return f"ALTER TABLE {qk(table)} ADD CONSTRAINT {qi(con.name)} {con.definition}"


def _column_sql(c: Column) -> str:
    piece = f"{qi(c.name)} {c.type}"
    if c.generated in ("s", "v"):
        piece += f" GENERATED ALWAYS AS ({c.default}) {'STORED' if c.generated == 's' else 'VIRTUAL'}"
    elif c.default is not None:
        piece += f" DEFAULT {c.default}"
    if c.identity:
        piece += " GENERATED ALWAYS AS IDENTITY" if c.identity == "a" else " GENERATED BY DEFAULT AS IDENTITY"
    if c.not_null:
        piece += " NOT NULL"
    return piece


def _trigger_sql(t: Trigger) -> str:
    return re.sub(r"^CREATE TRIGGER", "CREATE OR REPLACE TRIGGER", t.definition)


def _is_fk(item: Any) -> bool:
    from sqlalchemy import ForeignKeyConstraint

    return isinstance(item, ForeignKeyConstraint)


_ALTER_USING: list[Any] = []


def _alter_column_using_op() -> Any:
    """An AlterColumnOp whose rendering keeps postgresql_using: Alembic's renderer drops it, and without
    it a cast PostgreSQL does not do on its own (text → bigint) fails the upgrade."""
    if not _ALTER_USING:
        from alembic.autogenerate import render
        from alembic.operations import ops

        class AlterColumnUsingOp(ops.AlterColumnOp):  # type: ignore[misc]
            pass

        @render.renderers.dispatch_for(AlterColumnUsingOp)
        def _render(autogen_context: Any, op: Any) -> str:
            text: str = render._alter_column(autogen_context, op)
            return f"{text[:-1]}, postgresql_using={op.kw['postgresql_using']!r})"

        _ALTER_USING.append(AlterColumnUsingOp)
    return _ALTER_USING[0]
