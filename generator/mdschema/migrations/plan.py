"""Catalog differences → Alembic operations, in an order PostgreSQL accepts, for both directions.

Upgrade operations come from the models where that reads best (op.create_table, op.add_column,
op.alter_column); everything else, and every downgrade, is exact SQL taken from what PostgreSQL
itself printed for the target state (pg_get_constraintdef, pg_get_indexdef, pg_get_functiondef,
pg_get_triggerdef, format_type), so a downgrade restores the previous schema exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mdschema.catalog.snapshot import Change, Column, Constraint, Enum, Index, Snapshot, Table, Trigger

_SIMPLE_IDENT = re.compile(r"^[a-z_][a-z0-9_$]*$")
_NEXTVAL = re.compile(r"^nextval\('((?:[^']|'')+)'::regclass\)$")


def qi(name: str) -> str:
    """Quote an identifier the way PostgreSQL's quote_ident() does."""
    from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

    if (
        _SIMPLE_IDENT.match(name)
        and name not in RESERVED_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS | COL_NAME_KEYWORDS
    ):
        return name
    return '"' + name.replace('"', '""') + '"'


def ql(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class Hazard:
    kind: str  # drop_table, drop_column, drop_enum_label, narrow_type, set_not_null
    subject: str
    detail: str


@dataclass(slots=True)
class Plan:
    upgrade: list[Any] = field(default_factory=list)  # alembic MigrateOperations
    downgrade: list[Any] = field(default_factory=list)
    hazards: list[Hazard] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


def hazards_of(changes: tuple[Change, ...], current: Snapshot) -> list[Hazard]:
    """Changes that can lose data or fail on existing rows."""
    out: list[Hazard] = []
    tables = {t.name: t for t in current.tables}
    for c in changes:
        if c.kind == "drop_table":
            out.append(Hazard("drop_table", f"table {c.name}", "drops the table and all its rows"))
        elif c.kind == "drop_column":
            out.append(Hazard("drop_column", f"column {c.table}.{c.name}", "drops the column and its data"))
        elif c.kind == "enum_labels":
            removed = [label for label in c.before if label not in c.after]  # type: ignore[attr-defined]
            if removed:
                out.append(
                    Hazard(
                        "drop_enum_label",
                        f"enum {c.name}",
                        f"removes label(s) {', '.join(removed)}; rows using them fail the upgrade",
                    )
                )
        elif c.kind == "drop_enum":
            out.append(Hazard("drop_enum_label", f"enum {c.name}", "drops the enum type"))
        elif c.kind == "alter_type" and narrows(str(c.before), str(c.after)):
            out.append(
                Hazard(
                    "narrow_type",
                    f"column {c.table}.{c.name}",
                    f"narrows {c.before} → {c.after}; values may be cut or rejected",
                )
            )
        elif c.kind == "alter_nullable" and c.after is True:
            col = _column(tables.get(c.table or ""), c.name)
            if col is not None and col.default is None:
                out.append(
                    Hazard(
                        "set_not_null",
                        f"column {c.table}.{c.name}",
                        "adds NOT NULL without a default; existing NULLs make the upgrade fail",
                    )
                )
    return out


def _column(table: Table | None, name: str) -> Column | None:
    if table is None:
        return None
    return next((c for c in table.columns if c.name == name), None)


_INT_RANK = {"smallint": 1, "integer": 2, "bigint": 3}
_TYPMOD = re.compile(r"^(.*?)\((\d+)(?:,(\d+))?\)(\[\])?$")


def narrows(before: str, after: str) -> bool:
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


# --- operations -----------------------------------------------------------------------------------


def _sql(text: str) -> Any:
    from alembic.operations import ops

    return ops.ExecuteSQLOp(text)


def _table_sql(t: Table) -> list[str]:
    """CREATE TABLE … exactly as the catalog describes it, then its constraints, indexes, comments."""
    cols = [_column_sql(c) for c in t.columns]
    # serial columns: their sequence went with the table, so it comes back first and is owned again
    serials = [(c.name, m.group(1)) for c in t.columns if c.default and (m := _NEXTVAL.match(c.default))]
    out = [f"CREATE SEQUENCE IF NOT EXISTS {seq}" for _, seq in serials]
    out.append(f"CREATE TABLE {qi(t.name)} ({', '.join(cols)})")
    out += [f"ALTER SEQUENCE {seq} OWNED BY {qi(t.name)}.{qi(col)}" for col, seq in serials]
    out += [_add_constraint_sql(t.name, con) for con in _constraint_order(t.constraints) if con.kind != "f"]
    out += [i.definition for i in t.indexes]
    out += _comment_sql(t)
    return out


def _comment_sql(t: Table) -> list[str]:
    out = []
    if t.comment is not None:
        out.append(f"COMMENT ON TABLE {qi(t.name)} IS {ql(t.comment)}")
    for c in t.columns:
        if c.comment is not None:
            out.append(f"COMMENT ON COLUMN {qi(t.name)}.{qi(c.name)} IS {ql(c.comment)}")
    return out


def _constraint_order(constraints: tuple[Constraint, ...]) -> list[Constraint]:
    rank = {"p": 0, "u": 1, "x": 2, "c": 3, "f": 4}
    return sorted(constraints, key=lambda c: (rank.get(c.kind, 5), c.name))


def _add_constraint_sql(table: str, con: Constraint) -> str:
    return f"ALTER TABLE {qi(table)} ADD CONSTRAINT {qi(con.name)} {con.definition}"


def _drop_constraint(table: str, con: Constraint) -> Any:
    from alembic.operations import ops

    type_ = {"p": "primary", "u": "unique", "f": "foreignkey", "c": "check"}.get(con.kind)
    return ops.DropConstraintOp(con.name, table, type_=type_)


def _enum_create_sql(e: Enum) -> str:
    return f"CREATE TYPE {qi(e.name)} AS ENUM ({', '.join(ql(label) for label in e.labels)})"


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
            steps.append(f"ALTER TYPE {qi(name)} ADD VALUE {ql(label)}{where}")
            present.insert(present.index(after[i - 1]) + 1 if i > 0 and after[i - 1] in present else 0, label)
        return steps
    # Labels removed or reordered: PostgreSQL cannot drop a label, so rebuild the type.
    old = f"{name}__old"
    steps = [f"ALTER TYPE {qi(name)} RENAME TO {qi(old)}", _enum_create_sql(Enum(name, after))]
    # An index predicate/expression or a CHECK that names the type (WHERE status = 'x'::mood) blocks the
    # retyping below (no operator mood = mood__old): drop those first, recreate them once the columns moved.
    mentions = re.compile(rf"::{re.escape(qi(name))}(?![\w$\"])")
    recreate: list[str] = []
    for t in current.tables:
        for con in t.constraints:
            if con.kind == "c" and mentions.search(con.definition):
                steps.append(f"ALTER TABLE {qi(t.name)} DROP CONSTRAINT {qi(con.name)}")
                recreate.append(_add_constraint_sql(t.name, con))
        for index in t.indexes:
            if mentions.search(index.definition):
                steps.append(f"DROP INDEX {qi(index.name)}")
                recreate.append(index.definition)
    for t in current.tables:
        for c in t.columns:
            base = c.type.removesuffix("[]")
            if base == name or base == qi(name):
                arr = "[]" if c.type.endswith("[]") else ""
                if c.default is not None:
                    steps.append(f"ALTER TABLE {qi(t.name)} ALTER COLUMN {qi(c.name)} DROP DEFAULT")
                steps.append(
                    f"ALTER TABLE {qi(t.name)} ALTER COLUMN {qi(c.name)} TYPE {qi(name)}{arr} "
                    f"USING {qi(c.name)}::text{arr}::{qi(name)}{arr}"
                )
                if c.default is not None:
                    tcol = _column(next((x for x in target.tables if x.name == t.name), None), c.name)
                    if tcol is not None and tcol.default is not None:
                        steps.append(
                            f"ALTER TABLE {qi(t.name)} ALTER COLUMN {qi(c.name)} SET DEFAULT {tcol.default}"
                        )
    steps += recreate
    steps.append(f"DROP TYPE {qi(old)}")
    return steps


def _trigger_sql(t: Trigger) -> str:
    return re.sub(r"^CREATE TRIGGER", "CREATE OR REPLACE TRIGGER", t.definition)


def plan_direction(
    changes: tuple[Change, ...], current: Snapshot, target: Snapshot, metadata: Any | None
) -> list[Any]:
    """Operations turning `current` into `target`. With `metadata`, new tables and columns are
    written as Alembic operations from the models; without, as exact SQL from the catalog."""
    from alembic.operations import ops

    by = _group(changes)
    target_tables = {t.name: t for t in target.tables}
    current_tables = {t.name: t for t in current.tables}
    out: list[Any] = []

    for c in by["add_extension"]:
        out.append(_sql(f"CREATE EXTENSION IF NOT EXISTS {qi(c.name)}"))
    for c in by["add_enum"]:
        out.append(_sql(_enum_create_sql(c.after)))  # type: ignore[arg-type]
    for c in by["enum_labels"]:
        out += [_sql(s) for s in _enum_steps(c.name, c.before, c.after, target, current)]  # type: ignore[arg-type]
    for c in by["drop_trigger"] + by["change_trigger"]:
        if c.kind == "drop_trigger":
            out.append(_sql(f"DROP TRIGGER IF EXISTS {qi(c.name)} ON {qi(c.table or '')}"))
    # constraints and indexes that go away or change: FKs first, they depend on keys
    dropping = [c for c in by["drop_constraint"] + by["change_constraint"]]
    for c in sorted(dropping, key=lambda c: (c.before.kind != "f", c.table, c.name)):  # type: ignore[union-attr]
        out.append(_drop_constraint(c.table or "", c.before))  # type: ignore[arg-type]
    for c in by["drop_index"] + by["change_index"]:
        out.append(ops.DropIndexOp(c.name, table_name=c.table))
    # FKs of tables about to be dropped that point at other dropped tables
    dropped = {c.name for c in by["drop_table"]}
    for name in sorted(dropped):
        for con in current_tables[name].constraints:
            if con.kind == "f" and con.ref_table in dropped and con.ref_table != name:
                out.append(_drop_constraint(name, con))
    for name in _reverse_dependency_order(dropped, current_tables):
        out.append(ops.DropTableOp(name))

    added = [c.name for c in by["add_table"]]
    new_fks: list[tuple[str, Constraint]] = []
    for name in _dependency_order(set(added), target_tables):
        t = target_tables[name]
        if metadata is not None and name in metadata.tables:
            table = metadata.tables[name]
            op_ = ops.CreateTableOp.from_table(table)
            # every FK is added after all tables exist, so order and cycles never matter
            op_.columns = [col for col in op_.columns if not _is_fk(col)]
            out.append(op_)
            for index in sorted(table.indexes, key=lambda i: i.name or ""):
                out.append(ops.CreateIndexOp.from_index(index))
        else:
            out += [_sql(s) for s in _table_sql(t)]
        new_fks += [(name, con) for con in t.constraints if con.kind == "f"]

    for c in by["add_column"]:
        col: Column = c.after  # type: ignore[assignment]
        if metadata is not None and c.table in metadata.tables:
            out.append(
                ops.AddColumnOp.from_column_and_tablename(
                    None, _t(c), metadata.tables[c.table].c[c.name].copy()
                )
            )
        else:
            out.append(_sql(f"ALTER TABLE {qi(c.table or '')} ADD COLUMN {_column_sql(col)}"))
            if col.comment is not None:
                out.append(_sql(f"COMMENT ON COLUMN {qi(c.table or '')}.{qi(col.name)} IS {ql(col.comment)}"))
    for c in by["alter_type"]:
        tcol = _column(target_tables.get(c.table or ""), c.name)
        using = f"{qi(c.name)}::{c.after}"
        if metadata is not None and c.table in metadata.tables:
            # same base type (varchar(200) → varchar(300)): no USING, so no needless rewrite
            same_base = re.sub(r"\(.*\)", "", str(c.before)) == re.sub(r"\(.*\)", "", str(c.after))
            op_class = ops.AlterColumnOp if same_base else _alter_column_using_op()
            out.append(
                op_class(
                    _t(c),
                    c.name,
                    modify_type=metadata.tables[c.table].c[c.name].type,
                    postgresql_using=None if same_base else using,
                )
            )
        else:
            out.append(
                _sql(
                    f"ALTER TABLE {qi(c.table or '')} ALTER COLUMN {qi(c.name)} TYPE {c.after} USING {using}"
                )
            )
        del tcol
    for c in by["alter_default"]:
        from sqlalchemy import DefaultClause, text

        # DefaultClause, not a bare text(): Alembic renders a bare TextClause as raw SQL
        # (`server_default=now()`, not Python); a DefaultClause renders as sa.text('…').
        out.append(
            ops.AlterColumnOp(
                _t(c),
                c.name,
                modify_server_default=DefaultClause(text(str(c.after))) if c.after is not None else None,
                existing_server_default=DefaultClause(text(str(c.before))) if c.before is not None else None,
            )
        )
    for c in by["alter_nullable"]:
        out.append(ops.AlterColumnOp(_t(c), c.name, modify_nullable=not c.after))
    for c in by["alter_identity"] + by["alter_generated"]:
        out += [_sql(s) for s in _identity_sql(c, target_tables)]
    for c in by["alter_column_comment"]:
        out.append(
            ops.AlterColumnOp(
                _t(c),
                c.name,
                modify_comment=c.after if c.after is not None else None,
                existing_comment=c.before,
            )
        )
    for c in by["alter_table_comment"]:
        if c.after is None:
            out.append(ops.DropTableCommentOp(_t(c), existing_comment=c.before))
        else:
            out.append(ops.CreateTableCommentOp(_t(c), c.after, existing_comment=c.before))
    adding = [(c.table or "", c.after) for c in by["add_constraint"] + by["change_constraint"]]
    for table, con in sorted(adding, key=lambda x: (x[1].kind == "f", x[0], x[1].name)):  # type: ignore[union-attr]
        out.append(_add_constraint(metadata, table, con))  # type: ignore[arg-type]
    for c in by["add_index"] + by["change_index"]:
        wanted: Index = c.after
        model_index = _model_index(metadata, c.table or "", wanted.name)
        out.append(
            ops.CreateIndexOp.from_index(model_index) if model_index is not None else _sql(wanted.definition)
        )
    for table, con in sorted(new_fks, key=lambda x: (x[0], x[1].name)):
        out.append(_add_constraint(metadata, table, con))
    for c in by["add_function"] + by["change_function"]:
        out.append(_sql(c.after.definition))  # type: ignore[union-attr]
    for c in by["add_trigger"] + by["change_trigger"]:
        out.append(_sql(_trigger_sql(c.after)))  # type: ignore[arg-type]
    for c in by["drop_column"]:
        out.append(ops.DropColumnOp(_t(c), c.name))
    for c in by["drop_function"]:
        out.append(_sql(f"DROP FUNCTION IF EXISTS {c.name}"))
    for c in by["drop_enum"]:
        out.append(_sql(f"DROP TYPE IF EXISTS {qi(c.name)}"))
    for c in by["drop_extension"]:
        out.append(_sql(f"DROP EXTENSION IF EXISTS {qi(c.name)}"))
    for c in by["change_extension"]:
        out.append(_sql(f"ALTER EXTENSION {qi(c.name)} UPDATE TO {ql(c.after.version)}"))  # type: ignore[union-attr]
    return out


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


def _model_constraint(metadata: Any, table: str, name: str) -> Any:
    if metadata is None or table not in metadata.tables:
        return None
    for con in metadata.tables[table].constraints:
        if con.name == name:
            return con
    return None


def _model_index(metadata: Any, table: str, name: str) -> Any:
    if metadata is None or table not in metadata.tables:
        return None
    return next((i for i in metadata.tables[table].indexes if i.name == name), None)


def _add_constraint(metadata: Any, table: str, con: Constraint) -> Any:
    """op.create_foreign_key / create_unique_constraint / create_check_constraint from the model when
    there is one; otherwise the definition PostgreSQL printed."""
    from alembic.operations import ops
    from sqlalchemy import CheckConstraint, ForeignKeyConstraint, UniqueConstraint

    model = _model_constraint(metadata, table, con.name)
    if isinstance(model, ForeignKeyConstraint) and con.kind == "f":
        return ops.CreateForeignKeyOp.from_constraint(model)
    if isinstance(model, UniqueConstraint) and con.kind == "u":
        return ops.CreateUniqueConstraintOp.from_constraint(model)
    if isinstance(model, CheckConstraint) and con.kind == "c":
        return ops.CreateCheckConstraintOp.from_constraint(model)
    return _sql(_add_constraint_sql(table, con))


def _t(c: Change) -> str:
    return c.table or ""


def _is_fk(item: Any) -> bool:
    from sqlalchemy import ForeignKeyConstraint

    return isinstance(item, ForeignKeyConstraint)


def _column_sql(c: Column) -> str:
    piece = f"{qi(c.name)} {c.type}"
    if c.generated == "s":
        piece += f" GENERATED ALWAYS AS ({c.default}) STORED"
    elif c.default is not None:
        piece += f" DEFAULT {c.default}"
    if c.identity:
        piece += " GENERATED ALWAYS AS IDENTITY" if c.identity == "a" else " GENERATED BY DEFAULT AS IDENTITY"
    if c.not_null:
        piece += " NOT NULL"
    return piece


def _identity_sql(c: Change, tables: dict[str, Table]) -> list[str]:
    t, col = qi(c.table or ""), qi(c.name)
    if c.kind == "alter_identity":
        if not c.after:
            return [f"ALTER TABLE {t} ALTER COLUMN {col} DROP IDENTITY IF EXISTS"]
        how = "ALWAYS" if c.after == "a" else "BY DEFAULT"
        if c.before:
            return [f"ALTER TABLE {t} ALTER COLUMN {col} SET GENERATED {how}"]
        return [f"ALTER TABLE {t} ALTER COLUMN {col} ADD GENERATED {how} AS IDENTITY"]
    generated, expr = c.after  # type: ignore[misc]
    if not generated:
        return [f"ALTER TABLE {t} ALTER COLUMN {col} DROP EXPRESSION"]
    return [f"ALTER TABLE {t} ALTER COLUMN {col} SET EXPRESSION AS ({expr})"]


def _group(changes: tuple[Change, ...]) -> dict[str, list[Change]]:
    from collections import defaultdict

    out: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        out[c.kind].append(c)
    return out


def _dependency_order(names: set[str], tables: dict[str, Table]) -> list[str]:
    order: list[str] = []
    seen: set[str] = set()

    def visit(n: str, stack: tuple[str, ...]) -> None:
        if n in seen or n in stack:
            return
        for con in tables[n].constraints:
            if con.kind == "f" and con.ref_table in names and con.ref_table != n:
                visit(con.ref_table, stack + (n,))  # type: ignore[arg-type]
        seen.add(n)
        order.append(n)

    for n in sorted(names):
        visit(n, ())
    return order


def _reverse_dependency_order(names: set[str], tables: dict[str, Table]) -> list[str]:
    return list(reversed(_dependency_order(names, tables)))


def applicable_renames(
    renames: tuple[tuple[str, str, str, str], ...], current: Snapshot
) -> list[tuple[str, str, str, str]]:
    """The declared renames that still apply: the old name exists and the new one does not."""
    tables = {t.name: t for t in current.tables}
    enums = {e.name: e for e in current.enums}
    out = []
    for kind, owner, old, new in renames:
        if kind == "table" and old in tables and new not in tables:
            out.append((kind, owner, old, new))
        elif kind == "column":
            table = tables.get(owner) or next(
                (tables[o] for k, _, o, n in renames if k == "table" and n == owner and o in tables), None
            )
            if table is None:
                continue
            names = {c.name for c in table.columns}
            if old in names and new not in names:
                out.append((kind, table.name, old, new))
        elif kind == "enum_label" and owner in enums:
            labels = enums[owner].labels
            if old in labels and new not in labels:
                out.append((kind, owner, old, new))
    return out


def rename_sql(renames: list[tuple[str, str, str, str]], reverse: bool = False) -> list[str]:
    """ALTER … RENAME for each declared rename. Forward: tables, then columns (on the new table
    names), then enum labels; reverse undoes columns first, then tables, then labels."""
    new_name = {old: new for kind, _, old, new in renames if kind == "table"}
    tables = [(old, new) for kind, _, old, new in renames if kind == "table"]
    columns = [
        (new_name.get(owner, owner), old, new) for kind, owner, old, new in renames if kind == "column"
    ]
    labels = [(owner, old, new) for kind, owner, old, new in renames if kind == "enum_label"]
    if not reverse:
        return (
            [f"ALTER TABLE {qi(old)} RENAME TO {qi(new)}" for old, new in tables]
            + [f"ALTER TABLE {qi(t)} RENAME COLUMN {qi(old)} TO {qi(new)}" for t, old, new in columns]
            + [f"ALTER TYPE {qi(e)} RENAME VALUE {ql(old)} TO {ql(new)}" for e, old, new in labels]
        )
    return (
        [f"ALTER TABLE {qi(t)} RENAME COLUMN {qi(new)} TO {qi(old)}" for t, old, new in columns]
        + [f"ALTER TABLE {qi(new)} RENAME TO {qi(old)}" for old, new in tables]
        + [f"ALTER TYPE {qi(e)} RENAME VALUE {ql(new)} TO {ql(old)}" for e, old, new in labels]
    )


def _detect_renames(changes: tuple[Change, ...]) -> tuple[Change, ...]:
    """A dropped and an added constraint or index of one table, identical but for the name (as after
    a table rename), become one rename: no index rebuild, no constraint re-validation."""
    out = list(changes)
    for noun in ("constraint", "index"):
        drops = [c for c in out if c.kind == f"drop_{noun}"]
        adds = [c for c in out if c.kind == f"add_{noun}"]
        for d in drops:
            for a in adds:
                if a.table != d.table or a not in out:
                    continue
                if _same_but_name(d.before, a.after, noun):
                    out.remove(d)
                    out.remove(a)
                    out.append(Change(f"rename_{noun}", d.table, d.name, d.name, a.name))
                    break
    return tuple(out)


def _same_but_name(before: Any, after: Any, noun: str) -> bool:
    if noun == "constraint":
        return bool(before.kind == after.kind and before.definition == after.definition)
    strip = re.compile(r"^CREATE (UNIQUE )?INDEX \S+ ON ")
    return bool(strip.sub("", before.definition) == strip.sub("", after.definition))


def _rename_ops(changes: tuple[Change, ...]) -> list[Any]:
    out = []
    for c in changes:
        if c.kind == "rename_constraint":
            out.append(
                _sql(
                    f"ALTER TABLE {qi(c.table or '')} RENAME CONSTRAINT {qi(str(c.before))} "
                    f"TO {qi(str(c.after))}"
                )
            )
        elif c.kind == "rename_index":
            out.append(_sql(f"ALTER INDEX {qi(str(c.before))} RENAME TO {qi(str(c.after))}"))
    return out


def _describe(c: Change) -> str:
    from mdschema.catalog.snapshot import describe

    if c.kind.startswith("rename_"):
        return f"{c.kind[7:]} {c.table}.{c.before}: renamed to {c.after}"
    return describe(c)


def plan(
    current: Snapshot,
    desired: Snapshot,
    metadata: Any,
    renames: list[tuple[str, str, str, str]] | None = None,
    original: Snapshot | None = None,
) -> Plan:
    """`current` is the head with the declared renames already applied (see migrate); `original` the
    head before them, for the hazard check and the summary."""
    from mdschema.catalog.snapshot import diff

    changes = _detect_renames(diff(current, desired))
    back = _detect_renames(diff(desired, current))
    renames = renames or []
    result = Plan()
    result.summary = [
        f"{k.replace('_', ' ')} {o + '.' if o else ''}{a}: renamed to {b}" for k, o, a, b in renames
    ]
    result.summary += [_describe(c) for c in changes]
    result.hazards = hazards_of(changes, current)
    result.upgrade = (
        [_sql(s) for s in rename_sql(renames)]
        + _rename_ops(changes)
        + plan_direction(changes, current, desired, metadata)
    )
    result.downgrade = (
        _rename_ops(back)
        + plan_direction(back, desired, current, None)
        + [_sql(s) for s in rename_sql(renames, reverse=True)]
    )
    return result
