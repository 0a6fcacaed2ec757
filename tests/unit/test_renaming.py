"""migrations.renames: which declared renames still apply, the SQL that runs them (and undoes them), and the
constraint and index renames found in a diff. No database: snapshots and changes are built by hand."""

from __future__ import annotations

from mdschema.catalog.describe import describe
from mdschema.catalog.diff import (
    ColumnAdded,
    ColumnRenamed,
    ConstraintAdded,
    ConstraintDropped,
    ConstraintRenamed,
    EnumLabelRenamed,
    IndexAdded,
    IndexDropped,
    IndexRenamed,
    Subject,
    TableRenamed,
)
from mdschema.catalog.snapshot import Column, Constraint, Enum, Index, Snapshot, Table
from mdschema.migrations.renames import applicable_renames, detect_renames, rename_sql


def column(name: str) -> Column:
    return Column(name, "integer", False, None, "", "", None)


def table(name: str, *columns: str) -> Table:
    return Table(name, tuple(column(c) for c in columns), (), (), None)


CURRENT = Snapshot(
    (table("book", "id", "title"), table("review", "id", "book_id", "body")),
    (Enum("mood", ("happy", "sad")),),
    (),
    (),
    (),
)


def test_applicable_renames_are_typed_and_skip_what_is_done_or_unknown() -> None:
    declared = [
        ("table", "", "book", "novel"),
        ("column", "novel", "title", "headline"),  # named by the new table name, found by the old one
        ("column", "review", "book_id", "novel_id"),
        ("column", "review", "body", "id"),  # the new name exists already: nothing to do
        ("column", "nowhere", "a", "b"),
        ("table", "", "gone", "other"),
        ("enum_label", "mood", "sad", "unhappy"),
        ("enum_label", "mood", "angry", "cross"),
    ]
    assert applicable_renames(declared, CURRENT) == [
        TableRenamed("book", "novel"),
        ColumnRenamed("book", "title", "headline"),
        ColumnRenamed("review", "book_id", "novel_id"),
        EnumLabelRenamed("mood", "sad", "unhappy"),
    ]


def test_rename_sql_forward_and_back() -> None:
    renames = [
        TableRenamed("book", "novel"),
        ColumnRenamed("book", "title", "headline"),
        ColumnRenamed("user", "order", "position"),
        EnumLabelRenamed("mood", "it's", "fine"),
    ]
    assert rename_sql(renames) == [
        "ALTER TABLE book RENAME TO novel",
        "ALTER TABLE novel RENAME COLUMN title TO headline",  # tables first: the column is on the new name
        'ALTER TABLE "user" RENAME COLUMN "order" TO "position"',
        "ALTER TYPE mood RENAME VALUE 'it''s' TO 'fine'",
    ]
    assert rename_sql(renames, reverse=True) == [
        "ALTER TABLE novel RENAME COLUMN headline TO title",
        'ALTER TABLE "user" RENAME COLUMN "position" TO "order"',
        "ALTER TABLE novel RENAME TO book",
        "ALTER TYPE mood RENAME VALUE 'fine' TO 'it''s'",
    ]


def test_declared_renames_describe_themselves() -> None:
    assert [describe(r) for r in applicable_renames([("table", "", "book", "novel")], CURRENT)] == [
        "table book: renamed to novel"
    ]
    assert ColumnRenamed("book", "title", "headline").subject == Subject("column", "book", "headline")


def test_identical_but_for_the_name_is_a_rename() -> None:
    pkey = Constraint("book_pkey", "p", ("id",), "PRIMARY KEY (id)")
    check = Constraint("book_check", "c", ("id",), "CHECK ((id > 0))")
    other = Constraint("novel_check", "c", ("id",), "CHECK ((id > 1))")
    index = Index("book_idx", "CREATE INDEX book_idx ON public.novel USING btree (id)", False, ("id",))
    unique = Index(
        "novel_idx", "CREATE UNIQUE INDEX novel_idx ON public.novel USING btree (id)", True, ("id",)
    )
    added = ColumnAdded("novel", column("n"))
    changes = (
        ConstraintDropped("novel", check),
        ConstraintDropped("novel", pkey),
        IndexDropped("novel", index),
        ConstraintAdded("novel", pkey.__class__("novel_pkey", "p", ("id",), "PRIMARY KEY (id)")),
        ConstraintAdded("novel", other),  # another definition: stays a drop and an add
        ConstraintAdded("other", Constraint("other_pkey", "p", ("id",), "PRIMARY KEY (id)")),  # another table
        IndexAdded(
            "novel",
            Index("novel_idx", "CREATE INDEX novel_idx ON public.novel USING btree (id)", False, ("id",)),
        ),
        added,
    )
    assert detect_renames(changes) == (
        ConstraintDropped("novel", check),
        ConstraintAdded("novel", other),
        ConstraintAdded("other", Constraint("other_pkey", "p", ("id",), "PRIMARY KEY (id)")),
        added,
        ConstraintRenamed("novel", "book_pkey", "novel_pkey"),
        IndexRenamed("novel", "book_idx", "novel_idx"),
    )
    # a unique index is not the same as a plain one (this used to be taken for a rename)
    assert detect_renames((IndexDropped("novel", index), IndexAdded("novel", unique))) == (
        IndexDropped("novel", index),
        IndexAdded("novel", unique),
    )
