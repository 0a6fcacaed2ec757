"""The planner as data: PHASES holds PostgreSQL's statement order, each handler turns one kind of typed change
into operations, hazards name their subject. No database: changes and snapshots are built by hand, and the
operations are rendered the way a revision file holds them."""

from __future__ import annotations

import ast
import textwrap
from typing import Any

import pytest
import sqlalchemy as sa
from mdschema.catalog.diff import (
    KINDS,
    ColumnAdded,
    ColumnDefaultChanged,
    ColumnDropped,
    ColumnGeneratedChanged,
    ColumnIdentityChanged,
    ColumnNullabilityChanged,
    ColumnRenamed,
    ColumnTypeChanged,
    ConstraintAdded,
    ConstraintChanged,
    ConstraintDropped,
    ConstraintRenamed,
    EnumAdded,
    EnumDropped,
    EnumLabelRenamed,
    EnumLabelsChanged,
    ExtensionAdded,
    ExtensionDropped,
    ExtensionVersionChanged,
    FunctionAdded,
    Generation,
    IndexDropped,
    IndexRenamed,
    Subject,
    TableAdded,
    TableCommentChanged,
    TableDropped,
    TableRenamed,
    TriggerAdded,
    TriggerDropped,
)
from mdschema.catalog.domains import DOMAIN_CHANGES
from mdschema.catalog.policies import POLICY_CHANGES
from mdschema.catalog.sequences import SEQUENCE_CHANGES
from mdschema.catalog.snapshot import (
    Column,
    Constraint,
    Enum,
    Extension,
    Function,
    Index,
    Snapshot,
    Table,
    Trigger,
)
from mdschema.catalog.views import VIEW_CHANGES
from mdschema.migrations import plan as planner
from mdschema.migrations.plan import PHASES, Context, Hazard, each, hazards_of, narrows, plan_direction
from mdschema.migrations.policy_ops import PolicyRebuilt
from mdschema.migrations.render import render_ops
from mdschema.migrations.sequence_ops import SequenceRenamed
from mdschema.migrations.view_ops import ViewRebuilt

EMPTY = Snapshot((), (), (), (), ())


def col(name: str, type_: str = "integer", not_null: bool = False, default: str | None = None) -> Column:
    return Column(name, type_, not_null, default, "", "", None)


def table(name: str, *columns: Column, constraints: tuple[Constraint, ...] = ()) -> Table:
    return Table(name, columns or (col("id", not_null=True),), constraints, (), None)


def fk(name: str, column: str, ref: str) -> Constraint:
    return Constraint(name, "f", (column,), f"FOREIGN KEY ({column}) REFERENCES {ref}(id)", ref, ("id",))


def pk(table_name: str) -> Constraint:
    return Constraint(f"{table_name}_pkey", "p", ("id",), "PRIMARY KEY (id)")


def snap(*tables: Table, enums: tuple[Enum, ...] = ()) -> Snapshot:
    return Snapshot(tuple(sorted(tables, key=lambda t: t.name)), enums, (), (), ())


def ctx(current: Snapshot = EMPTY, target: Snapshot = EMPTY, metadata: Any = None) -> Context:
    return Context.of(current, target, metadata)


def rendered(operations: list[Any]) -> list[str]:
    """The operations as a revision's upgrade() holds them, each unparsed on one line."""
    body = textwrap.dedent("    " + render_ops(list(operations), set()))
    return [ast.unparse(statement) for statement in ast.parse(body).body]


# --- the table of phases --------------------------------------------------------------------------------


def test_every_kind_of_change_has_a_phase() -> None:
    handled = [kind for phase in PHASES for kind in phase.kinds]
    # detected renames are phases; declared renames (tables, columns, labels) wrap the phases in plan()
    assert set(handled) == {
        *KINDS, ConstraintRenamed, IndexRenamed, *VIEW_CHANGES, ViewRebuilt, *POLICY_CHANGES, PolicyRebuilt,
        *SEQUENCE_CHANGES, SequenceRenamed,
        *DOMAIN_CHANGES,
    }  # fmt: skip
    assert not {TableRenamed, ColumnRenamed, EnumLabelRenamed} & set(handled)
    assert len({phase.name for phase in PHASES}) == len(PHASES)


def test_the_statement_order() -> None:
    names = [phase.name for phase in PHASES]

    def before(first: str, then: str) -> bool:
        return names.index(first) < names.index(then)

    assert names[:2] == ["rename constraints", "rename indexes"]  # old names in every later statement
    assert before("create enum types", "create tables, referenced ones first")  # columns use the types
    assert before("drop constraints, foreign keys first", "drop indexes")
    assert before("drop foreign keys among dropped tables", "drop tables, referencing ones first")
    assert before("drop tables, referencing ones first", "create tables, referenced ones first")
    assert before("create tables, referenced ones first", "add columns")
    assert before("add constraints, foreign keys last", "add foreign keys of new tables")
    assert before(
        "create indexes", "add foreign keys of new tables"
    )  # keys exist before what references them
    assert before("create or replace functions", "create or replace triggers")  # triggers call functions
    assert before("create schemas", "create enum types")  # what is in a schema comes after it
    assert before("create schemas", "create tables, referenced ones first")
    # views go before anything they read changes, and come back once everything they read exists
    assert before("drop views, dependents first", "drop constraints, foreign keys first")
    assert before("create or replace triggers", "create views, what they read first")
    assert before("create views, what they read first", "drop columns")
    # sequences: made before the tables whose defaults call nextval, owned once the columns exist,
    # released before a table or column that would take them goes, dropped once no default uses them
    assert before("create sequences, alter their parameters", "create tables, referenced ones first")
    assert before("add columns", "own sequences, their comments")
    assert before("release sequences that change owner", "drop tables, referencing ones first")
    assert before("change column defaults", "drop sequences, once no default uses them")
    # domains before the tables and columns typed by them, their new demands once the columns have their
    # types, and dropped once no column uses them
    assert before("create extensions", "create domains") and before(
        "create domains", "create tables, referenced ones first"
    )
    assert before("change column types", "domains demand: SET NOT NULL, new CHECKs")
    assert names[-8:] == [
        "drop columns",
        "drop domains, once no column uses them",
        "drop sequences, once no default uses them",
        "drop functions",
        "drop enum types",
        "drop extensions",
        "update extensions",
        "drop schemas, once empty",  # after everything that was in them
    ]


def test_plan_direction_runs_the_phases_in_order() -> None:
    mood = Enum("mood", ("a",))
    changes = (  # in diff order: the planner reorders them
        ExtensionDropped(Extension("old_ext", "1.0")),
        EnumDropped(Enum("gone", ("x",))),
        ColumnDropped("t", col("old")),
        ColumnAdded("t", col("new")),
        TriggerAdded(
            Trigger("t", "t_touch", "CREATE TRIGGER t_touch BEFORE UPDATE ON public.t EXECUTE FUNCTION f()")
        ),
        FunctionAdded(Function("f()", "CREATE OR REPLACE FUNCTION public.f() …", "plpgsql")),
        EnumAdded(mood),
        ExtensionAdded(Extension("vector", "0.8.0")),
    )
    assert rendered(plan_direction(changes, EMPTY, EMPTY, None)) == [
        "op.execute('CREATE EXTENSION IF NOT EXISTS vector')",
        "op.execute(\"CREATE TYPE mood AS ENUM ('a')\")",
        "op.execute('ALTER TABLE t ADD COLUMN new integer')",
        "op.execute('CREATE OR REPLACE FUNCTION public.f() …')",
        "op.execute('CREATE OR REPLACE TRIGGER t_touch BEFORE UPDATE ON public.t EXECUTE FUNCTION f()')",
        "op.drop_column('t', 'old')",
        "op.execute('DROP TYPE IF EXISTS gone')",
        "op.execute('DROP EXTENSION IF EXISTS old_ext')",
    ]


def test_each_passes_changes_one_by_one_in_the_given_order() -> None:
    seen: list[str] = []

    def handle(change: str, _: Context) -> list[Any]:
        seen.append(change)
        return [change.upper()]

    assert list(each(handle)(["b", "a"], ctx())) == ["B", "A"]
    assert list(each(handle, order=str)(["b", "a"], ctx())) == ["A", "B"]
    assert seen == ["b", "a", "a", "b"]


# --- handlers, one kind each ------------------------------------------------------------------------------


def test_constraints_are_dropped_foreign_keys_first_and_added_foreign_keys_last() -> None:
    check = Constraint("t_check", "c", ("n",), "CHECK ((n > 0))")
    key = fk("t_u_fkey", "u", "u")
    dropped = planner._drop_constraint
    drops = [ConstraintDropped("t", check), ConstraintChanged("t", key, key)]
    phase = each(dropped, order=planner._foreign_keys_first)
    assert rendered(list(phase(drops, ctx()))) == [
        "op.drop_constraint('t_u_fkey', 't', type_='foreignkey')",
        "op.drop_constraint('t_check', 't', type_='check')",
    ]
    adds = [ConstraintChanged("t", key, key), ConstraintAdded("t", check)]
    phase = each(planner._add_constraint, order=planner._foreign_keys_last)
    assert rendered(list(phase(adds, ctx()))) == [
        "op.execute('ALTER TABLE t ADD CONSTRAINT t_check CHECK ((n > 0))')",
        "op.execute('ALTER TABLE t ADD CONSTRAINT t_u_fkey FOREIGN KEY (u) REFERENCES u(id)')",
    ]


def test_tables_are_created_referenced_first_and_dropped_referencing_first() -> None:
    # q → p and r → q, plus a cycle p ↔ s: the cycle does not order p and s (their keys come afterwards)
    tables = (
        table("r", constraints=(fk("r_q_fkey", "q_id", "q"),)),
        table("q", constraints=(fk("q_p_fkey", "p_id", "p"),)),
        table("s", constraints=(fk("s_p_fkey", "p_id", "p"),)),
        table("p", constraints=(fk("p_s_fkey", "s_id", "s"), fk("p_x_fkey", "x_id", "outside"))),
    )
    assert planner._dependency_order(tables) == ["p", "q", "r", "s"]
    drops = [TableDropped(t) for t in tables]
    assert rendered(planner._drop_tables(drops, ctx())) == [
        "op.drop_table('s')",
        "op.drop_table('r')",
        "op.drop_table('q')",
        "op.drop_table('p')",
    ]
    current = snap(*tables)
    assert rendered(planner._drop_foreign_keys_among(drops, ctx(current))) == [
        "op.drop_constraint('p_s_fkey', 'p', type_='foreignkey')",
        "op.drop_constraint('q_p_fkey', 'q', type_='foreignkey')",
        "op.drop_constraint('r_q_fkey', 'r', type_='foreignkey')",
        "op.drop_constraint('s_p_fkey', 's', type_='foreignkey')",
    ]
    adds = [TableAdded(t) for t in tables]
    created = rendered(planner._create_tables(adds, ctx()))
    assert [line.split(" (")[0] for line in created] == [f"op.execute('CREATE TABLE {n}" for n in "pqrs"]
    assert rendered(planner._new_foreign_keys(adds, ctx()))[0] == (
        "op.execute('ALTER TABLE p ADD CONSTRAINT p_s_fkey FOREIGN KEY (s_id) REFERENCES s(id)')"
    )


def test_new_tables_and_columns_come_from_the_models_when_there_are_some() -> None:
    metadata = sa.MetaData()
    sa.Table(
        "t",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("u_id", sa.Integer, sa.ForeignKey("u.id", name="t_u_id_fkey")),
        sa.Column("title", sa.String(300), comment="Title"),
        sa.Index("t_title_idx", "title"),
    )
    sa.Table("u", metadata, sa.Column("id", sa.Integer, primary_key=True))
    t = table("t", col("id", not_null=True), col("u_id"), col("title", "character varying(300)"))
    context = ctx(metadata=metadata)
    ops = planner._create_tables([TableAdded(t)], context)
    assert [line.split("(")[0] for line in rendered(ops)] == ["op.create_table", "op.create_index"]
    assert "ForeignKey" not in render_ops(ops, set())  # foreign keys come after every table exists
    assert rendered(planner._add_column(ColumnAdded("t", col("title")), context)) == [
        "op.add_column('t', sa.Column('title', sa.String(length=300), nullable=True, comment='Title'))"
    ]
    widen = ColumnTypeChanged("t", "title", "character varying(100)", "character varying(300)")
    assert rendered(planner._change_type(widen, context)) == [  # same base type: no USING, no rewrite
        "op.alter_column('t', 'title', type_=sa.String(length=300))"
    ]
    cast = ColumnTypeChanged("t", "id", "text", "integer")
    assert rendered(planner._change_type(cast, context)) == [
        "op.alter_column('t', 'id', type_=sa.Integer(), postgresql_using='id::integer')"
    ]
    assert rendered(planner._change_type(cast, ctx())) == [
        "op.execute('ALTER TABLE t ALTER COLUMN id TYPE integer USING id::integer')"
    ]


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (ColumnDefaultChanged("t", "n", None, "0"), "op.alter_column('t', 'n', server_default=sa.text('0'))"),
        (ColumnDefaultChanged("t", "n", "now()", None), "op.alter_column('t', 'n', server_default=None)"),
        (ColumnNullabilityChanged("t", "n", False, True), "op.alter_column('t', 'n', nullable=False)"),
        (
            ColumnIdentityChanged("t", "id", "", "d"),
            "op.execute('ALTER TABLE t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY')",
        ),
        (
            ColumnIdentityChanged("t", "id", "d", "a"),
            "op.execute('ALTER TABLE t ALTER COLUMN id SET GENERATED ALWAYS')",
        ),
        (
            ColumnIdentityChanged("t", "id", "a", ""),
            "op.execute('ALTER TABLE t ALTER COLUMN id DROP IDENTITY IF EXISTS')",
        ),
        (
            ColumnGeneratedChanged("t", "n", Generation("s", "a * 2"), Generation("s", "a * 3")),
            "op.execute('ALTER TABLE t ALTER COLUMN n SET EXPRESSION AS (a * 3)')",
        ),
        (
            ColumnGeneratedChanged("t", "n", Generation("s", "a * 2"), Generation("", None)),
            "op.execute('ALTER TABLE t ALTER COLUMN n DROP EXPRESSION')",
        ),
        (
            TableCommentChanged("t", None, "It's a table"),
            "op.create_table_comment('t', \"It's a table\", existing_comment=None, schema=None)",
        ),
        (
            TableCommentChanged("t", "x", None),
            "op.drop_table_comment('t', existing_comment='x', schema=None)",
        ),
        (
            IndexDropped("t", Index("t_i", "CREATE INDEX …", False, ())),
            "op.drop_index('t_i', table_name='t')",
        ),
        (
            TriggerDropped(Trigger("t", "t_touch", "…")),
            "op.execute('DROP TRIGGER IF EXISTS t_touch ON t')",
        ),
        (
            ConstraintRenamed("t", "t_pk", "t_pkey"),
            "op.execute('ALTER TABLE t RENAME CONSTRAINT t_pk TO t_pkey')",
        ),
        (IndexRenamed("t", "t_i", "t_j"), "op.execute('ALTER INDEX t_i RENAME TO t_j')"),
        (
            ExtensionVersionChanged("vector", "0.7.0", "0.8.0"),
            "op.execute(\"ALTER EXTENSION vector UPDATE TO '0.8.0'\")",
        ),
    ],
)
def test_one_change_one_handler(change: Any, line: str) -> None:
    assert rendered(plan_direction((change,), EMPTY, EMPTY, None)) == [line]


def test_a_generated_expression_is_set_in_place_from_17_and_readded_before() -> None:
    """SET EXPRESSION is PostgreSQL 17+: for an older server the column is dropped and added again, with
    the indexes, constraints and comment that use it and that the revision keeps; the summary says so.
    A regular column becoming generated is re-added on every version, and loses its data: a hazard."""
    area = Column("area", "integer", False, "(w * h)", "", "s", "Surface")
    uses = (Constraint("box_area_check", "c", ("area",), "CHECK ((area > 0))"),)
    by_area = Index(
        "box_area_idx", "CREATE INDEX box_area_idx ON public.box USING btree (area)", False, ("area",)
    )
    by_id = Index("box_id_idx", "CREATE INDEX box_id_idx ON public.box USING btree (id)", False, ("id",))
    before = Snapshot(
        (Table("box", (col("id"), col("w"), col("h"), area), uses, (by_area, by_id), None),), (), (), (), ()
    )
    doubled = Column("area", "integer", False, "((w * h) * 2)", "", "s", "Surface")
    after = Snapshot(
        (Table("box", (col("id"), col("w"), col("h"), doubled), uses, (by_area, by_id), None),),
        (),
        (),
        (),
        (),
    )

    on_17 = planner.plan(before, after, None, server_version=170000)
    assert rendered(on_17.upgrade) == [
        "op.execute('ALTER TABLE box ALTER COLUMN area SET EXPRESSION AS (((w * h) * 2))')"
    ]
    assert on_17.summary == ["column box.area: generated stored ((w * h)) → stored (((w * h) * 2))"]
    on_15 = planner.plan(before, after, None, server_version=150020)
    assert rendered(on_15.upgrade) == [
        "op.execute('ALTER TABLE box DROP CONSTRAINT IF EXISTS box_area_check')",
        "op.execute('DROP INDEX IF EXISTS box_area_idx')",
        "op.execute('ALTER TABLE box DROP COLUMN area')",
        "op.execute('ALTER TABLE box ADD COLUMN area integer GENERATED ALWAYS AS (((w * h) * 2)) STORED')",
        "op.execute(\"COMMENT ON COLUMN box.area IS 'Surface'\")",
        "op.execute('ALTER TABLE box ADD CONSTRAINT box_area_check CHECK ((area > 0))')",
        "op.execute('CREATE INDEX box_area_idx ON public.box USING btree (area)')",
    ]
    assert rendered(on_15.downgrade)[3] == (
        "op.execute('ALTER TABLE box ADD COLUMN area integer GENERATED ALWAYS AS ((w * h)) STORED')"
    )
    assert on_15.summary == [
        "column box.area: generated stored ((w * h)) → stored (((w * h) * 2)) (dropped and added again: "
        "PostgreSQL 15 has no SET EXPRESSION (17+); a generated column holds no data of its own)"
    ]
    assert on_15.hazards == on_17.hazards == []

    became = ColumnGeneratedChanged("box", "w", Generation("", None), Generation("s", "h * 2"))
    assert planner.readds_generated(became, 180000) and planner.readds_generated(became, 150000)
    assert hazards_of((became,), before) == [
        Hazard(
            "drop_column",
            Subject("column", "box", "w"),
            "turns the column into a generated one: it is dropped and added again, its data lost",
        )
    ]


def test_quoting_is_the_one_of_sql_text() -> None:
    odd = ColumnAdded("user", Column('Odd "Name"', "text", True, "'it''s'", "", "", "a 'comment'"))
    assert [operation.sqltext for operation in planner._add_column(odd, ctx())] == [
        'ALTER TABLE "user" ADD COLUMN "Odd ""Name""" text DEFAULT ' + "'it''s' NOT NULL",
        'COMMENT ON COLUMN "user"."Odd ""Name""" IS \'a \'\'comment\'\'\'',
    ]


# --- enum labels ------------------------------------------------------------------------------------------


def test_enum_labels_inserted_in_place() -> None:
    steps = planner._enum_steps(
        "mood", ("happy", "sad"), ("calm", "happy", "meh", "sad", "angry"), EMPTY, EMPTY
    )
    assert steps == [
        "ALTER TYPE mood ADD VALUE 'calm' BEFORE 'happy'",
        "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'sad'",
        "ALTER TYPE mood ADD VALUE 'angry' AFTER 'sad'",
    ]


def test_enum_labels_removed_rebuild_the_type_and_what_names_it() -> None:
    status = "status"
    doc = Table(
        "doc",
        (col("id", not_null=True), col("state", status, True, "'draft'::status"), col("history", "status[]")),
        (Constraint("doc_check", "c", ("state",), "CHECK ((state <> 'x'::status))"),),
        (
            Index(
                "doc_idx",
                "CREATE INDEX doc_idx ON public.doc USING btree (id) WHERE (state = 'x'::status)",
                False,
                ("id",),
            ),
        ),
        None,
    )
    steps = planner._enum_steps(status, ("draft", "x"), ("draft",), snap(doc), snap(doc))
    assert steps == [
        "ALTER TYPE status RENAME TO status__old",
        "CREATE TYPE status AS ENUM ('draft')",
        "ALTER TABLE doc DROP CONSTRAINT doc_check",
        "DROP INDEX doc_idx",
        "ALTER TABLE doc ALTER COLUMN state DROP DEFAULT",
        "ALTER TABLE doc ALTER COLUMN state TYPE status USING state::text::status",
        "ALTER TABLE doc ALTER COLUMN state SET DEFAULT 'draft'::status",
        "ALTER TABLE doc ALTER COLUMN history TYPE status[] USING history::text[]::status[]",
        "ALTER TABLE doc ADD CONSTRAINT doc_check CHECK ((state <> 'x'::status))",
        "CREATE INDEX doc_idx ON public.doc USING btree (id) WHERE (state = 'x'::status)",
        "DROP TYPE status__old",
    ]
    assert rendered(planner._change_enum_labels(EnumLabelsChanged(status, ("a",), ("a", "b")), ctx())) == [
        "op.execute(\"ALTER TYPE status ADD VALUE 'b' AFTER 'a'\")"
    ]


# --- hazards ----------------------------------------------------------------------------------------------


def test_hazards_name_their_subject() -> None:
    t = table("t", col("id", not_null=True), col("a"), col("b", default="0"))
    current = snap(t)
    changes = (
        TableDropped(table("gone")),
        ColumnDropped("t", col("c")),
        EnumLabelsChanged("mood", ("a", "b", "c"), ("a", "c")),
        EnumLabelsChanged("mood2", ("a",), ("a", "b")),  # only added: no hazard
        EnumDropped(Enum("old", ("x",))),
        ColumnTypeChanged("t", "a", "bigint", "integer"),
        ColumnTypeChanged("t", "b", "integer", "bigint"),  # widening: no hazard
        ColumnNullabilityChanged("t", "a", False, True),
        ColumnNullabilityChanged("t", "b", False, True),  # a default fills only new rows: a hazard too
    )
    assert hazards_of(changes, current) == [
        Hazard("drop_table", Subject("table", None, "gone"), "drops the table and all its rows"),
        Hazard("drop_column", Subject("column", "t", "c"), "drops the column and its data"),
        Hazard(
            "drop_enum_label",
            Subject("enum", None, "mood"),
            "removes label(s) b; rows using them fail the upgrade",
        ),
        Hazard("drop_enum_label", Subject("enum", None, "old"), "drops the enum type"),
        Hazard(
            "narrow_type",
            Subject("column", "t", "a"),
            "narrows bigint → integer; values may be cut or rejected",
        ),
        Hazard(
            "set_not_null",
            Subject("column", "t", "a"),
            "adds NOT NULL without a default; existing NULLs make the upgrade fail",
        ),
        Hazard(
            "set_not_null",
            Subject("column", "t", "b"),
            "adds NOT NULL; a default fills only new rows: existing NULLs fail the upgrade",
        ),
    ]
    assert str(hazards_of(changes, current)[1].subject) == "column t.c"


def test_a_new_not_null_column_without_a_value_for_existing_rows_is_a_hazard() -> None:
    """ADD COLUMN … NOT NULL fails on a table with rows unless PostgreSQL can fill it: a default, a
    generated expression or an identity fills it, and a new table has no rows to fill."""
    generated = Column("g", "integer", True, "(id * 2)", "", "s", None)
    identity = Column("n", "bigint", True, None, "a", "", None)
    changes = (
        ColumnAdded("t", col("bare", "text", not_null=True)),
        ColumnAdded("t", col("nullable", "text")),
        ColumnAdded("t", col("defaulted", "text", not_null=True, default="'x'::text")),
        ColumnAdded("t", generated),
        ColumnAdded("t", identity),
        TableAdded(table("fresh", col("id", not_null=True), col("must", "text", not_null=True))),
    )
    assert hazards_of(changes, snap(table("t"))) == [
        Hazard(
            "add_not_null_column",
            Subject("column", "t", "bare"),
            "adds a NOT NULL column without a default; the upgrade fails if table t has rows "
            "(give it a DEFAULT, or add it nullable, fill it, then make it NOT NULL)",
        )
    ]


def test_dropping_an_extension_is_a_hazard_adding_or_updating_one_is_not() -> None:
    changes = (
        ExtensionDropped(Extension("vector", "0.8.0")),
        ExtensionAdded(Extension("citext", "1.6")),
        ExtensionVersionChanged("hstore", "1.7", "1.8"),
    )
    assert hazards_of(changes, EMPTY) == [
        Hazard(
            "drop_extension",
            Subject("extension", None, "vector"),
            "drops the extension and everything it owns (types, functions, its tables' rows)",
        )
    ]


def test_the_hazard_kinds_are_the_ones_readme_and_the_cli_name() -> None:
    """README lists exactly the kinds that are gated, and `--allow`'s help names each of them."""
    import re
    from pathlib import Path

    from mdschema.cli import build_parser

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("These kinds are gated, and only these:", 1)[1].split("   - Renames", 1)[0]
    assert tuple(re.findall(r"^     - `(\w+)`: ", section, re.M)) == planner.HAZARD_KINDS
    revision = build_parser()._subparsers._group_actions[0].choices["revision"]  # type: ignore[union-attr]
    (allow,) = [a for a in revision._actions if "--allow" in a.option_strings]
    assert re.findall(r"\w+_\w+", allow.help or "") == list(planner.HAZARD_KINDS)


def test_the_preflight_kinds_are_the_ones_readme_lists() -> None:
    """README lists exactly the kinds the pre-flight counts rows for; the gated ones among them are
    hazard kinds, the others are not (listed, not gated)."""
    import re
    from pathlib import Path

    from mdschema.migrations.preflight import CHECK_KINDS, WARNING_KINDS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("These kinds are checked, and\n     only these", 1)[1].split("4. **Upgrade**", 1)[
        0
    ]
    assert tuple(re.findall(r"^     - `(\w+)`: ", section, re.M)) == CHECK_KINDS
    assert set(CHECK_KINDS) - set(WARNING_KINDS) <= set(planner.HAZARD_KINDS)
    assert not set(WARNING_KINDS) & set(planner.HAZARD_KINDS)


@pytest.mark.parametrize(
    ("before", "after", "narrower"),
    [
        ("bigint", "integer", True),
        ("integer", "bigint", False),
        ("text", "character varying(50)", True),
        ("character varying(80)", "text", False),
        ("character varying(200)", "character varying(100)", True),
        ("character varying(100)", "character varying(200)", False),
        ("numeric(10,2)", "numeric(5,2)", True),
        ("numeric(5,2)", "numeric(10,2)", False),
        ("numeric(10,2)", "numeric(10,3)", True),
        ("numeric(10,2)", "integer", True),
        ("double precision", "real", True),
        ("text", "bigint", True),
        ("integer", "integer", False),
    ],
)
def test_narrows(before: str, after: str, narrower: bool) -> None:
    assert narrows(before, after) is narrower
