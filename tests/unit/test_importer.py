"""The import's pure parts: expressions, comments, literals, grouping, the doc layout. No database."""

from __future__ import annotations

from pathlib import Path

from mdschema.catalog.snapshot import Column, Constraint, Snapshot, Table
from mdschema.importer.catalog_to_docs import (
    Line,
    TableText,
    plain_default,
    prose_ok,
    sql_string,
    trailing_ok,
)
from mdschema.importer.doc_writer import Shared, render_doc
from mdschema.importer.expressions import undo_array_coercion
from mdschema.importer.grouping import group_tables
from support.models import schema_of


def test_array_coercion_is_undone_only_around_an_array_constructor() -> None:
    printed = (
        "CHECK (((role)::text = ANY ((ARRAY['a]'::character varying, 'b'::character varying])::text[])))"
    )
    assert undo_array_coercion(printed) == (
        "CHECK (((role)::text = ANY (ARRAY['a]'::character varying, 'b'::character varying])))"
    )
    assert undo_array_coercion("CHECK (((c)::text <> ALL ((ARRAY['x'::character varying(3)])::text[])))") == (
        "CHECK (((c)::text <> ALL (ARRAY['x'::character varying(3)])))"
    )
    untouched = ["CHECK ((s = ANY (ARRAY['a'::text, 'b'::text])))", "CHECK ((x = ANY (y::int[])))", "x > 0"]
    for sql in untouched:
        assert undo_array_coercion(sql) == sql


def test_trailing_comments_and_prose_only_when_they_read_back_exactly() -> None:
    assert trailing_ok('It\'s "quoted" -- and {"json": 1}')
    for bad in ("", " leading", "trailing ", "two\nlines", "renamed from: old", "tab\there"):
        assert not trailing_ok(bad), bad
    assert prose_ok("One chapter of a story.", "story_chapter")
    for bad in ("# heading", "- a list", "1. numbered", "two  spaces", "Renamed from: book"):
        assert not prose_ok(bad, "story"), bad
    assert not prose_ok("Fine text.", "Weird Table")  # no heading can name it: COMMENT ON instead


def test_sql_string_is_one_line_and_parses_back_to_the_text() -> None:
    from pglast import parse_sql

    for text in ("plain", "it's", "line one\nline two", "back\\slash\tand\r\x07bell"):
        literal = sql_string(text)
        assert "\n" not in literal
        (stmt,) = parse_sql(f"COMMENT ON TABLE t IS {literal}")
        assert stmt.stmt.comment == text


def _col(name: str, type_: str, default: str | None) -> Column:
    return Column(name, type_, False, default, "", "", None)


def test_a_literal_cast_to_the_columns_own_type_reads_plain() -> None:
    assert plain_default(_col("s", "character varying(50)", "'draft'::character varying")) == "'draft'"
    assert plain_default(_col("m", "mood", "'it''s'::mood")) == "'it''s'"
    assert plain_default(_col("j", "jsonb", "'{}'::jsonb")) == "'{}'"
    assert plain_default(_col("c", "character(2)", "'ab'::bpchar")) == "'ab'::bpchar"  # another type name
    assert plain_default(_col("t", "text", "now()::text")) == "now()::text"


def _snapshot(*tables: tuple[str, tuple[str, ...]]) -> Snapshot:
    out = []
    for name, refs in sorted(tables):
        cols = (_col("id", "integer", None), *(_col(f"{r}_id", "integer", None) for r in refs))
        cons = tuple(
            Constraint(f"{name}_{r}_fkey", "f", (f"{r}_id",), "", ref_table=r, ref_columns=("id",))
            for r in refs
        )
        out.append(Table(name, cols, cons, (), None))
    return Snapshot(tuple(out), (), (), (), ())


def test_grouping_by_prefix_and_by_fk_components() -> None:
    snap = _snapshot(
        ("users", ()),
        ("story", ("users",)),
        ("story_chapter", ("story",)),
        ("story_scene", ("story_chapter",)),
        ("billing_invoice", ("users",)),
        ("billing_line", ("billing_invoice",)),
        ("audit", ()),
        ("user_setting", ("users",)),
    )
    by_prefix = {g.stem: g.tables for g in group_tables(snap, "prefix", "public")}
    assert by_prefix == {
        # `users` is alone under its prefix: it joins a group it shares a foreign key with (by name on a
        # tie), and `user_setting` follows it there
        "billing": ("users", "billing_invoice", "billing_line", "user_setting"),
        "story": ("story", "story_chapter", "story_scene"),
        "audit": ("audit",),  # no neighbour at all: a doc of its own
    }
    stems = [g.stem for g in group_tables(snap, "fk-components", "public")]
    tables = [t for g in group_tables(snap, "fk-components", "public") for t in g.tables]
    assert sorted(tables) == sorted(t.name for t in snap.tables)  # every table exactly once
    assert stems == sorted(stems)
    # referenced tables first inside a doc
    story = next(g for g in group_tables(snap, "fk-components", "public") if "story_scene" in g.tables)
    assert (
        story.tables.index("story") < story.tables.index("story_chapter") < story.tables.index("story_scene")
    )
    assert [g.stem for g in group_tables(snap, "schema", "app")] == ["app"]


def test_a_doc_reads_back_with_its_placeholder_outside_the_description(tmp_path: Path) -> None:
    sql = (Line("CREATE TABLE {} ("), Line("    id integer PRIMARY KEY  -- Key"), Line(");"))

    def text(name: str) -> tuple[Line, ...]:
        return tuple(Line(line.text.format(name)) for line in sql)

    doc = render_doc(
        "Schema public",
        "Imported.",
        Shared(),
        (TableText("note", "note", None, text("note")), TableText("memo", "memo", "A memo.", text("memo"))),
    )
    assert "<!-- TODO: describe note" in doc.text
    schema = schema_of(tmp_path, {"public.md": doc.text})
    assert {t.name: t.description for t in schema.tables} == {"note": None, "memo": "A memo."}
    assert schema.table("note").column("id").comment == "Key"  # type: ignore[union-attr]


def test_fences_outgrow_backticks_in_a_function_body(tmp_path: Path) -> None:
    body = "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$\n```\nSELECT 1\n$$;"
    doc = render_doc("t", "i", Shared(functions=(body,)), ())
    assert "````sql" in doc.text
    doc_text = doc.text + "\n## note\n\n```sql\nCREATE TABLE note (id integer PRIMARY KEY);\n```\n"
    schema = schema_of(tmp_path, {"t.md": doc_text})
    assert [f.signature for f in schema.functions] == ["f()"]
    assert "```" in schema.functions[0].sql
