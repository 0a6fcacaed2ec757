"""The pre-flight's pieces: its literal reads back exactly as written, and each narrowing condition counts
exactly the values PostgreSQL refuses to store in the narrower type (tried one by one on a real server)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from mdschema.migrations.preflight import Check, narrowing_condition, read_checks, render_literal
from mdschema.migrations.summary import annotate


def test_the_literal_reads_back_exactly(tmp_path: Path) -> None:
    tricky = Check(
        "add_check",
        "spec/a.md:3",
        "constraint t.t_c",
        "rows where NOT ((body <> ''::text))",
        "SELECT count(*) FROM t WHERE NOT ((body <> ''::text)) AND x ~ '\\d+\"'",
        "SELECT 'id=' || id::text FROM \"odd table\" LIMIT 5",
    )
    plain = Check(
        "set_not_null", "(not in the docs)", "column t.a", "rows where a IS NULL", "SELECT 1", "SELECT 2"
    )
    revision = tmp_path / "r.py"
    revision.write_text(
        annotate(
            '"""msg\n\nRevision ID: x\n"""\n\nrevision = "x"\n\n\ndef upgrade() -> None:\n    pass\n',
            "Summary:\n    +1 column\n",
            render_literal([tricky, plain], [plain]),
        )
    )
    text = revision.read_text()
    assert text.startswith('"""msg\n\nSummary:\n    +1 column\n\nRevision ID: x\n"""')
    compile(text, str(revision), "exec")
    assert read_checks(revision) == {"upgrade": [tricky, plain], "downgrade": [plain]}
    old = tmp_path / "old.py"
    old.write_text('"""old"""\nrevision = "y"\n')
    assert read_checks(old) == {}  # a revision written before the pre-flight: nothing to check


CASES = [
    ("character varying(20)", "character varying(4)", ["'a'", "'abcd'", "'abcdefgh'", "NULL"]),
    ("text", "character varying(3)", ["'a'", "'abcd'", "'abcdefgh'", "NULL"]),
    ("text", "character(2)", ["'a'", "'abcd'", "NULL"]),
    ("integer", "smallint", ["'0'", "'32767'", "'32768'", "NULL"]),
    ("bigint", "integer", ["'0'", "'32768'", "'-2147483649'", "NULL"]),
    ("numeric(10,3)", "numeric(5,2)", ["'0'", "'32767'", "'99999.994'", "'999.995'", "NULL"]),
    ("numeric(12,2)", "integer", ["'0'", "'-2147483649'", "'2147483647.4'", "NULL"]),
]


@pytest.mark.parametrize(("before", "after", "values"), CASES, ids=[f"{b}->{a}" for b, a, _ in CASES])
def test_narrowing_condition_counts_what_postgresql_refuses(
    pg_conn: psycopg.Connection, before: str, after: str, values: list[str]
) -> None:
    cond = narrowing_condition('"v"', before, after)
    assert cond is not None
    pg_conn.execute(f"CREATE TABLE src (id serial PRIMARY KEY, v {before})".encode())  # type: ignore[arg-type]
    pg_conn.execute(f"CREATE TABLE dst (v {after})".encode())  # type: ignore[arg-type]
    for value in values:
        pg_conn.execute(f"INSERT INTO src (v) VALUES ({value})".encode())  # type: ignore[arg-type]
    refused = 0
    for (value,) in pg_conn.execute("SELECT v::text FROM src ORDER BY id").fetchall():
        try:
            with pg_conn.transaction():
                # an assignment cast, as ALTER COLUMN … TYPE without USING stores it
                pg_conn.execute(
                    f"INSERT INTO dst VALUES (CAST(%s AS {before}))".encode(),  # type: ignore[arg-type]
                    (value,),
                )
        except psycopg.errors.DataError:
            refused += 1
    ((counted,),) = pg_conn.execute(f"SELECT count(*) FROM src WHERE {cond}".encode()).fetchall()  # type: ignore[arg-type]
    assert counted == refused > 0, (cond, counted, refused)


def test_widening_and_unreadable_changes_have_no_condition() -> None:
    assert narrowing_condition('"v"', "integer", "bigint") is None
    assert narrowing_condition('"v"', "character varying(4)", "character varying(20)") is None
    assert narrowing_condition('"v"', "text", "integer") is None  # no simple condition: the gate still holds
