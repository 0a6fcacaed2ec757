"""PostgreSQL's limits are errors at the doc line (E113), exactly at PostgreSQL's own boundary: a doc at the
limit resolves and PostgreSQL builds its SQL; one past it is refused by mdschema at the line of the first
thing too many, and by PostgreSQL itself (so the limit is PostgreSQL's, not one mdschema made up)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from mdschema.errors import Diagnostic
from support.models import errors_of, schema_of, sql_doc


def columns_table(n: int) -> str:
    body = ",\n".join(f"    c{i} integer" for i in range(1, n + 1))
    return f"CREATE TABLE wide (\n    id integer PRIMARY KEY,\n{body}\n);"


def keyed_table(n: int, key: str) -> str:
    """A table of n key columns k1..kn, and `key` (a constraint or an index) naming them with {cols}."""
    cols = ", ".join(f"k{i}" for i in range(1, n + 1))
    body = ",\n".join(f"    k{i} integer NOT NULL" for i in range(1, 41))
    return f"CREATE TABLE keyed (\n    id integer,\n{body}\n);\n{key.format(cols=cols)}"


def label_enum(size: int) -> str:
    """An enum with a label of `size` UTF-8 bytes (two-byte characters: bytes are not characters)."""
    label = "é" * (size // 2) + "x" * (size % 2)
    return f"CREATE TYPE mood AS ENUM ('ok', '{label}');\nCREATE TABLE t (id integer PRIMARY KEY, m mood);"


def doc_line(sql: str, needle: str) -> str:
    """spec/doc.md:N of the first SQL line holding `needle` (the doc's ```sql fence is line 1)."""
    lines = [i for i, line in enumerate(sql.splitlines(), 2) if needle in line]
    return f"spec/doc.md:{lines[0]}"


def e113(diagnostics: list[Diagnostic]) -> list[tuple[str, str]]:
    return [(str(d.span), d.message) for d in diagnostics if d.code == "E113"]


def postgres_refuses(conn: psycopg.Connection, sql: str) -> str:
    with pytest.raises(psycopg.Error) as refused, conn.transaction():
        conn.execute(sql)  # type: ignore[arg-type]
    return str(refused.value)


def postgres_builds(conn: psycopg.Connection, sql: str) -> None:
    with conn.transaction(force_rollback=True):
        conn.execute(sql)  # type: ignore[arg-type]


# at the limit, one past it, text on the line the error points at, what mdschema says, what PostgreSQL says
CASES = {
    "columns": (
        columns_table(1599),  # + id: 1,600
        columns_table(1600),
        "c1600 integer",
        "table wide has 1,601 columns; PostgreSQL allows at most 1,600 (this is column 1,601, c1600)",
        "tables can have at most 1600 columns",
    ),
    "index": (
        keyed_table(32, "CREATE INDEX keyed_idx ON keyed ({cols});"),
        keyed_table(33, "CREATE INDEX keyed_idx ON keyed ({cols});"),
        "CREATE INDEX keyed_idx",
        "table keyed: index keyed_idx has 33 columns; PostgreSQL allows at most 32",
        "cannot use more than 32 columns in an index",
    ),
    "index with INCLUDE": (
        keyed_table(30, "CREATE INDEX keyed_idx ON keyed ({cols}) INCLUDE (k31, k32);"),
        keyed_table(30, "CREATE INDEX keyed_idx ON keyed ({cols}) INCLUDE (k31, k32, k33);"),
        "CREATE INDEX keyed_idx",
        "table keyed: index keyed_idx has 33 columns; PostgreSQL allows at most 32",
        "cannot use more than 32 columns in an index",
    ),
    "primary key": (
        keyed_table(32, "ALTER TABLE keyed ADD CONSTRAINT keyed_pkey PRIMARY KEY ({cols});"),
        keyed_table(33, "ALTER TABLE keyed ADD CONSTRAINT keyed_pkey PRIMARY KEY ({cols});"),
        "ADD CONSTRAINT keyed_pkey",
        "table keyed: primary key keyed_pkey has 33 columns; PostgreSQL allows at most 32",
        "cannot use more than 32 columns in an index",
    ),
    "unique": (
        keyed_table(32, "ALTER TABLE keyed ADD CONSTRAINT keyed_key UNIQUE ({cols});"),
        keyed_table(33, "ALTER TABLE keyed ADD CONSTRAINT keyed_key UNIQUE ({cols});"),
        "ADD CONSTRAINT keyed_key",
        "table keyed: unique constraint keyed_key has 33 columns; PostgreSQL allows at most 32",
        "cannot use more than 32 columns in an index",
    ),
    "enum label": (
        label_enum(63),
        label_enum(64),
        "CREATE TYPE mood",
        "enum mood: label '" + "é" * 32 + "' is 64 bytes; PostgreSQL allows at most 63",
        "Labels must be 63 bytes or less",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_at_the_limit_resolves_one_past_is_an_error_at_its_line(case: str, tmp_path: Path) -> None:
    at, past, needle, message, _ = CASES[case]
    schema_of(tmp_path / "at", {"doc.md": sql_doc(at)})  # no error
    assert e113(errors_of(tmp_path / "past", {"doc.md": sql_doc(past)})) == [
        (doc_line(past, needle), message)
    ]


@pytest.mark.parametrize("case", sorted(CASES))
def test_postgresql_has_the_same_limit(case: str, pg_conn: psycopg.Connection) -> None:
    at, past, _, _, refusal = CASES[case]
    postgres_builds(pg_conn, at)
    assert refusal in postgres_refuses(pg_conn, past)


def test_a_foreign_key_of_33_columns_is_an_error_at_its_line(tmp_path: Path) -> None:
    """Its target key (33 columns) is one too; each is reported at its own line."""
    past = keyed_table(33, "ALTER TABLE keyed ADD CONSTRAINT keyed_key UNIQUE ({cols});") + (
        "\nCREATE TABLE child (id integer PRIMARY KEY, "
        + ", ".join(f"k{i} integer" for i in range(1, 34))
        + ");\nALTER TABLE child ADD CONSTRAINT child_fk FOREIGN KEY ("
        + ", ".join(f"k{i}" for i in range(1, 34))
        + ") REFERENCES keyed ("
        + ", ".join(f"k{i}" for i in range(1, 34))
        + ");"
    )
    assert e113(errors_of(tmp_path, {"doc.md": sql_doc(past)})) == [
        (
            doc_line(past, "ADD CONSTRAINT keyed_key"),
            "table keyed: unique constraint keyed_key has 33 columns; PostgreSQL allows at most 32",
        ),
        (
            doc_line(past, "ADD CONSTRAINT child_fk"),
            "table child: foreign key child_fk has 33 columns; PostgreSQL allows at most 32",
        ),
    ]
