"""EXCLUDE and COLLATE read from the docs: E120 (an EXCLUDE constraint mistake) and E121 (a COLLATE
mistake) at the line of the constraint, column or index, each one reported; what is right resolves to
PostgreSQL's own names (tests/e2e/test_exclude.py proves those on the server)."""

from __future__ import annotations

from pathlib import Path

from support.models import errors_of, sql_doc, table_of

# (the fence is line 1 of the doc: the CREATE TABLE is line 2)
TABLE = """\
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE booking (
    id bigint PRIMARY KEY,
    room_id integer NOT NULL,
    guest text NOT NULL,
    tags text[],
    mood mood,
    during tstzrange NOT NULL,
    cancelled boolean NOT NULL DEFAULT false
);
"""


def _errors(tmp_path: Path, sql: str) -> list[tuple[str, int, str]]:
    found = errors_of(tmp_path, {"doc.md": sql_doc(TABLE + sql)})
    return sorted((d.code, d.span.line, d.message) for d in found if d.severity == "error")


def test_exclude_mistakes_are_e120_at_the_constraint_line(tmp_path: Path) -> None:
    got = _errors(
        tmp_path,
        """\
ALTER TABLE booking ADD EXCLUDE USING gist (room_id WITH =, durnig WITH &&);
ALTER TABLE booking ADD CONSTRAINT live_only
    EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (NOT canceled);
ALTER TABLE booking ADD EXCLUDE USING gin (during WITH &&);
ALTER TABLE booking ADD EXCLUDE USING brin (during WITH &&);
ALTER TABLE booking ADD EXCLUDE USING gist (lower(gest) WITH =, during WITH &&);
""",
    )
    assert got == [
        (
            "E120",
            12,
            "EXCLUDE constraint on booking refers to unknown column 'durnig' (did you mean \"during\"?)",
        ),
        (
            "E120",
            13,
            "EXCLUDE constraint on booking refers to unknown column 'canceled' (did you mean \"cancelled\"?)",
        ),
        (
            "E120",
            15,
            "EXCLUDE constraint on booking: access method 'gin' cannot enforce an exclusion constraint",
        ),
        (
            "E120",
            16,
            "EXCLUDE constraint on booking: access method 'brin' cannot enforce an exclusion constraint",
        ),
        (
            "E120",
            17,
            "EXCLUDE constraint on booking refers to unknown column 'gest' (did you mean \"guest\"?)",
        ),
    ], got


def test_an_exclude_inside_create_table_is_reported_at_its_own_line(tmp_path: Path) -> None:
    found = errors_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                """\
CREATE TABLE slot (
    id bigint PRIMARY KEY,
    during tstzrange NOT NULL,
    EXCLUDE USING gist (durring WITH &&)
);
"""
            )
        },
    )
    assert [(d.code, d.span.line) for d in found if d.severity == "error"] == [("E120", 5)]


def test_collate_on_a_type_without_collations_is_e121_at_its_line(tmp_path: Path) -> None:
    found = errors_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                """\
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE note (
    id bigint PRIMARY KEY,
    n integer COLLATE "C",
    body text COLLATE "C",
    code varchar(10) COLLATE "POSIX",
    tags text[] COLLATE "C",
    mood mood COLLATE "C",
    during tstzrange
);
CREATE INDEX note_n_idx ON note (n COLLATE "C");
CREATE INDEX note_body_idx ON note (body COLLATE "POSIX");
ALTER TABLE note ADD EXCLUDE USING btree (n COLLATE "C" WITH =);
ALTER TABLE note ADD EXCLUDE USING gist (body COLLATE "C" WITH =, during WITH &&);
"""
            )
        },
    )
    got = sorted((d.code, d.span.line, d.message) for d in found if d.severity == "error")
    # text, varchar and text[] take a collation: only integer and the enum are refused
    assert got == [
        ("E121", 5, 'column note.n: COLLATE "C" on type integer, which has no collation'),
        ("E121", 9, 'column note.mood: COLLATE "C" on type mood, which has no collation'),
        (
            "E121",
            12,
            'index note_n_idx on note: COLLATE "C" on column n of type integer, which has no collation',
        ),
        (
            "E121",
            14,
            'EXCLUDE constraint on note: COLLATE "C" on column n of type integer, which has no collation',
        ),
    ], got


def test_excludes_and_collations_resolve(tmp_path: Path) -> None:
    booking = table_of(
        tmp_path,
        TABLE
        + """\
ALTER TABLE booking ADD EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (NOT cancelled);
ALTER TABLE booking ADD EXCLUDE USING gist (lower(guest) WITH =, during WITH &&);
ALTER TABLE booking ADD CONSTRAINT guest_c EXCLUDE USING gist (guest COLLATE "C" WITH =, during WITH &&)
    DEFERRABLE INITIALLY DEFERRED;
""",
        "booking",
    )
    assert [(x.name, x.method, x.where, x.span.line, x.deferrable) for x in booking.excludes] == [
        ("booking_room_id_during_excl", "gist", "NOT cancelled", 12, False),
        ("booking_lower_during_excl", "gist", None, 13, False),
        ("guest_c", "gist", None, 14, True),
    ]
    (element, _) = booking.excludes[2].elements
    assert (element.column, element.collation, element.operator) == ("guest", "C", "=")


def test_create_collation_is_refused_by_name(tmp_path: Path) -> None:
    found = errors_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                "CREATE TABLE t (id int PRIMARY KEY);\n"
                "CREATE COLLATION mine (provider = icu, locale = 'und');"
            )
        },
    )
    (error,) = [d for d in found if d.severity == "error"]
    assert (error.code, error.span.line) == ("E202", 3)
    assert error.message.startswith("unsupported statement CREATE COLLATION: mdschema creates no collation")
    assert '"und-x-icu"' in error.hint
