# ruff: noqa: E501
"""Sequences in the docs: CREATE SEQUENCE, ALTER SEQUENCE … OWNED BY and COMMENT ON SEQUENCE read at the
doc line into Sequence records whose values are what pg_sequence will hold (PostgreSQL's defaults filled
in), and every mistake PostgreSQL would refuse reported at its line with a code."""

from __future__ import annotations

from pathlib import Path

import pytest
from mdschema.codegen.sequence_sql import sequence_statements
from mdschema.spec.sequences import literal_key
from support.models import codes, errors_of, schema_of, sql_doc

TABLE = "CREATE TABLE ticket (id integer PRIMARY KEY DEFAULT nextval('ticket_no'), body text);\n"


def test_defaults_are_resolved_as_postgresql_resolves_them(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                TABLE
                + """
CREATE SEQUENCE ticket_no AS integer OWNED BY ticket.id;
CREATE SEQUENCE IF NOT EXISTS countdown INCREMENT BY -5 CACHE 20 CYCLE;
CREATE SEQUENCE plain;
COMMENT ON SEQUENCE countdown IS 'Down we go.';
"""
            )
        },
    )
    countdown, plain, ticket_no = schema.sequences  # by key
    assert (
        ticket_no.type,
        ticket_no.start,
        ticket_no.increment,
        ticket_no.min_value,
        ticket_no.max_value,
    ) == (
        "integer",
        1,
        1,
        1,
        2147483647,
    )
    assert ticket_no.owned_by == ("ticket", "id") and ticket_no.span.line == 4
    # descending: MAXVALUE -1, MINVALUE the type's lowest, START the maximum
    assert (
        countdown.type,
        countdown.increment,
        countdown.min_value,
        countdown.max_value,
        countdown.start,
    ) == (
        "bigint",
        -5,
        -9223372036854775808,
        -1,
        -1,
    )
    assert (countdown.cache, countdown.cycle, countdown.description) == (20, True, "Down we go.")
    assert (plain.max_value, plain.owned_by, plain.cycle, plain.cache) == (
        9223372036854775807,
        None,
        False,
        1,
    )


def test_alter_sequence_owned_by_sets_the_owner_and_the_last_one_wins(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                TABLE
                + """
CREATE SEQUENCE ticket_no AS integer;
ALTER SEQUENCE ticket_no OWNED BY ticket.id;
CREATE SEQUENCE spare OWNED BY ticket.id;
ALTER SEQUENCE spare OWNED BY NONE;
"""
            )
        },
    )
    spare, ticket_no = schema.sequences
    assert ticket_no.owned_by == ("ticket", "id")
    assert spare.owned_by is None


def test_a_sequence_in_another_schema_is_keyed_with_it(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                """
CREATE SCHEMA app;
CREATE TABLE app.orders (id bigint PRIMARY KEY DEFAULT nextval('app.order_no'::regclass));
CREATE SEQUENCE app.order_no OWNED BY app.orders.id;
"""
            )
        },
    )
    (seq,) = schema.sequences
    assert (seq.name, seq.owned_by) == ("app.order_no", ("app.orders", "id"))
    assert "app" in schema.schemas


def test_statements_spell_out_every_value(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path,
        {"doc.md": sql_doc(TABLE + "CREATE SEQUENCE ticket_no AS smallint START 7 OWNED BY ticket.id;\n")},
    )
    create, owner = sequence_statements(schema.sequences[0])
    assert create == (
        "CREATE SEQUENCE IF NOT EXISTS ticket_no AS smallint INCREMENT BY 1 MINVALUE 1 MAXVALUE 32767 "
        "START WITH 7 CACHE 1 NO CYCLE"
    )
    assert owner == "ALTER SEQUENCE ticket_no OWNED BY ticket.id"


@pytest.mark.parametrize(
    ("sql", "code", "words"),
    [
        ("CREATE SEQUENCE s INCREMENT 0;", "E124", "INCREMENT must not be zero"),
        (
            "CREATE SEQUENCE s MINVALUE 10 START 5;",
            "E124",
            "START value (5) cannot be less than MINVALUE (10)",
        ),
        (
            "CREATE SEQUENCE s MAXVALUE 10 START 11;",
            "E124",
            "START value (11) cannot be greater than MAXVALUE (10)",
        ),
        (
            "CREATE SEQUENCE s AS smallint MAXVALUE 40000;",
            "E124",
            "MAXVALUE 40000 is out of range for sequence data type smallint",
        ),
        ("CREATE SEQUENCE s MINVALUE 5 MAXVALUE 5;", "E124", "MINVALUE (5) must be less than MAXVALUE (5)"),
        ("CREATE SEQUENCE s CACHE 0;", "E124", "CACHE (0) must be greater than zero"),
        ("CREATE SEQUENCE s AS numeric;", "E124", "a sequence is smallint, integer or bigint"),
        (
            "CREATE SEQUENCE s OWNED BY tickets.id;",
            "E124",
            'table tickets is not defined in the docs (did you mean "ticket"?)',
        ),
        ("CREATE SEQUENCE s OWNED BY ticket.nope;", "E124", "table ticket has no column nope"),
        ("CREATE SEQUENCE ticket;", "E124", "has the name of a table or view"),
        ("CREATE SEQUENCE s; CREATE SEQUENCE s START 2;", "E111", "sequence s is defined twice"),
        ("ALTER SEQUENCE nope OWNED BY ticket.id;", "E125", "no doc creates sequence nope"),
        ("COMMENT ON SEQUENCE nope IS 'x';", "E125", "no doc creates sequence nope"),
        ("ALTER SEQUENCE ticket_no RESTART WITH 5;", "E202", "ALTER SEQUENCE ticket_no (RESTART)"),
        ("CREATE TEMPORARY SEQUENCE s;", "E204", "TEMPORARY sequences are not supported"),
        ("CREATE SEQUENCE app.s;", "E114", "which no doc creates"),
    ],
)
def test_mistakes_are_reported_at_the_line(tmp_path: Path, sql: str, code: str, words: str) -> None:
    doc = sql_doc(TABLE + "CREATE SEQUENCE ticket_no;\n" + sql + "\n")
    found = [d for d in errors_of(tmp_path, {"doc.md": doc}) if d.code == code]
    assert found, codes(errors_of(tmp_path, {"doc.md": doc}))
    assert words in found[0].message, found[0].message
    assert found[0].span.line >= 3  # the statement's own line, not the doc's first


def test_nextval_of_a_sequence_no_doc_creates_is_e125_at_the_column(tmp_path: Path) -> None:
    doc = sql_doc(
        """
CREATE TABLE ticket (
    id integer PRIMARY KEY,
    number bigint DEFAULT nextval('ticket_seq')
);
CREATE SEQUENCE ticket_sequence;
"""
    )
    (error,) = errors_of(tmp_path, {"doc.md": doc})
    assert error.code == "E125" and error.span.line == 4
    assert 'did you mean "ticket_sequence"?' in error.message


def test_nextval_of_a_serial_columns_own_sequence_is_fine(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path,
        {
            "doc.md": sql_doc(
                """
CREATE TABLE ticket (id serial PRIMARY KEY);
CREATE TABLE copy (id integer PRIMARY KEY DEFAULT nextval('ticket_id_seq'::regclass));
"""
            )
        },
    )
    assert schema.sequences == ()


def test_a_sequence_named_like_a_serials_is_refused(tmp_path: Path) -> None:
    doc = sql_doc("CREATE TABLE ticket (id serial PRIMARY KEY);\nCREATE SEQUENCE ticket_id_seq;\n")
    (error,) = errors_of(tmp_path, {"doc.md": doc})
    assert error.code == "E124" and "serial column ticket.id" in error.message


def test_regclass_literals_are_read_as_postgresql_reads_them() -> None:
    assert literal_key("Ticket_No") == "ticket_no"
    assert literal_key('"Ticket No"') == "Ticket No"
    assert literal_key("public.s") == "s"
    assert literal_key('app."S"') == "app.S"
    assert literal_key("a.b.c") is None
