# ruff: noqa: E501
"""Row-level security in the docs: read at the doc line into RowSecurity and Policy records, checked
against the tables and the `roles` config key, rendered into ddl.py's statements."""

from __future__ import annotations

from pathlib import Path

from mdschema.codegen.policy_sql import policy_statements, row_security_statement
from support.models import codes, errors_of, schema_of, sql_doc

TABLE = (
    "CREATE TABLE item (id bigint PRIMARY KEY, owner text NOT NULL, public boolean NOT NULL DEFAULT false);\n"
)


def test_policies_and_row_security_become_records(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                TABLE
                + """
ALTER TABLE item ENABLE ROW LEVEL SECURITY;
ALTER TABLE item FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY;
ALTER TABLE item ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Readers" ON item AS RESTRICTIVE FOR SELECT TO reader, PUBLIC USING (public OR owner = current_user);
CREATE POLICY writers ON item FOR INSERT TO writer WITH CHECK (owner = current_user);
COMMENT ON POLICY writers ON item IS 'Own rows only.';
"""
            )
        },
        tool='roles = ["reader", "writer"]\n',
    )
    (rs,) = schema.row_security
    assert (rs.table, rs.enabled, rs.forced, rs.span.line) == (
        "item",
        True,
        True,
        6,
    )  # the last statement's line
    readers, writers = schema.policies  # by name: "Readers" < "writers"
    assert (readers.name, readers.command, readers.permissive, readers.roles) == (
        "Readers",
        "SELECT",
        False,
        ("public", "reader"),
    )
    assert readers.using == "public OR owner = CURRENT_USER" and readers.check is None
    assert (writers.command, writers.permissive, writers.roles, writers.using) == (
        "INSERT",
        True,
        ("writer",),
        None,
    )
    assert writers.description == "Own rows only." and writers.span.line == 8
    assert (
        row_security_statement(rs) == "ALTER TABLE item ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY"
    )
    assert policy_statements(writers)[1] == "COMMENT ON POLICY writers ON item IS 'Own rows only.'"


def test_policy_mistakes_are_errors_at_their_lines(tmp_path: Path) -> None:
    found = errors_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                TABLE
                + """
ALTER TABLE item ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON item USING (true);
CREATE POLICY p ON item FOR SELECT USING (false);
CREATE POLICY q ON item FOR INSERT USING (true);
CREATE POLICY r ON item FOR DELETE WITH CHECK (true);
CREATE POLICY s ON item TO nobody_made_this USING (true);
CREATE POLICY t ON items USING (true);
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
COMMENT ON POLICY zz ON item IS 'no such policy';
"""
            )
        },
    )
    got = [(d.code, d.span.line) for d in found if d.severity == "error"]
    # (the block's first line is the fence: the table is line 2, the first ALTER line 4)
    assert sorted(got) == [
        ("E107", 10),
        ("E107", 11),
        ("E107", 12),
        ("E115", 6),
        ("E116", 9),
        ("E117", 7),
        ("E117", 8),
    ], got
    by_line = {d.span.line: d for d in found}
    assert 'roles = ["nobody_made_this"]' in by_line[9].hint
    assert "cannot have USING" in by_line[7].message and "WITH CHECK" in by_line[7].hint
    assert "cannot have WITH CHECK" in by_line[8].message
    assert "defined twice (first at spec/doc.md:5)" in by_line[6].message


def test_statements_that_cannot_be_read_exactly_are_refused(tmp_path: Path) -> None:
    found = errors_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                TABLE
                + "CREATE POLICY p ON item TO current_user USING (true);\nALTER POLICY p ON item TO PUBLIC;\n"
            )
        },
    )
    assert codes(found) == ["E204", "E202"]
    assert "TO CURRENT_USER is not supported" in found[0].message
    assert "ALTER POLICY" in found[1].message


def test_a_policy_without_row_security_is_a_note_not_an_error(tmp_path: Path) -> None:
    from support.models import load_project

    schema_of(tmp_path, {"doc.md": sql_doc(TABLE + "CREATE POLICY p ON item USING (true);\n")})
    loaded = load_project(tmp_path)
    notes = [d for d in loaded.warnings if d.code == "N202"]
    assert len(notes) == 1 and "row-level security is not enabled on item" in notes[0].message
