"""migrations/safe.py against a real server: which type changes and new columns rewrite a table (PostgreSQL's
relfilenode tells), which built-ins are volatile (pg_proc tells), the lock-safe settings in [tool.mdschema].
The lock-safe forms themselves are proven both ways in tests/golden (lock_safe and every other case) and
through the CLI in tests/e2e/test_scenarios.py."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from mdschema.catalog.snapshot import Column, Enum, Snapshot, Table
from mdschema.config import load_config
from mdschema.errors import SpecError
from mdschema.migrations.plan import plan
from mdschema.migrations.safe import VOLATILE_BUILTINS, Safety, function_names, rewrites, volatile

TYPE_CHANGES = [
    ("character varying(20)", "character varying(30)"),
    ("character varying(20)", "character varying"),
    ("character varying(20)", "text"),
    ("text", "character varying"),
    ("numeric(10,2)", "numeric(12,2)"),
    ("numeric(10,2)", "numeric"),
    ("integer", "bigint"),
    ("text", "bigint"),
    ("numeric(10,2)", "numeric(12,3)"),
    ("smallint", "integer"),
    ("timestamp without time zone", "timestamp with time zone"),
    ("character(5)", "character(8)"),
    ("character varying(20)[]", "text[]"),
    ("character varying(20)[]", "character varying(30)[]"),
]


@pytest.mark.parametrize(("before", "after"), TYPE_CHANGES)
def test_rewrites_is_what_postgresql_does(pg_conn: psycopg.Connection, before: str, after: str) -> None:
    """PostgreSQL gives a rewritten table a new relfilenode; a binary-coercible change keeps it."""
    pg_conn.execute("SET timezone = 'Europe/Berlin'")  # timestamp → timestamptz rewrites outside UTC
    pg_conn.execute(f"CREATE TABLE t (v {before})")
    pg_conn.execute("INSERT INTO t VALUES (DEFAULT)")
    node = pg_conn.execute("SELECT relfilenode FROM pg_class WHERE oid = 't'::regclass").fetchone()
    pg_conn.execute(f"ALTER TABLE t ALTER COLUMN v TYPE {after} USING v::{after}")  # as plan writes it
    now = pg_conn.execute("SELECT relfilenode FROM pg_class WHERE oid = 't'::regclass").fetchone()
    assert rewrites(before, after) == (node != now)


def test_the_volatile_builtins_are_volatile_on_the_server(pg_conn: psycopg.Connection) -> None:
    rows = pg_conn.execute(
        "SELECT proname, bool_and(provolatile = 'v') FROM pg_proc WHERE proname = ANY(%s) GROUP BY proname",
        (sorted(VOLATILE_BUILTINS),),
    ).fetchall()
    found = dict(rows)
    assert {"gen_random_uuid", "nextval", "random", "clock_timestamp"} <= set(found)
    assert all(found.values()), found  # the others are an extension's (uuid-ossp) or a newer server's
    assert not pg_conn.execute("SELECT provolatile = 'v' FROM pg_proc WHERE proname = 'now'").fetchone()[0]


def test_volatile_reads_the_functions_an_expression_calls() -> None:
    assert function_names("(now() + '1 day'::interval)") == {"now"}
    assert volatile("gen_random_uuid()", EMPTY)
    assert volatile("nextval('t_id_seq'::regclass)", EMPTY)
    assert not volatile("now()", EMPTY)
    assert not volatile("'x'::text", EMPTY)


EMPTY = Snapshot((), (), (), (), ())


def col(name: str, type_: str = "integer", default: str | None = None, identity: str = "") -> Column:
    return Column(name, type_, False, default, identity, "", None)


def test_rewrite_hazards_only_on_tables_in_use_and_only_in_safe_plans() -> None:
    before = Snapshot(
        (Table("t", (col("id"), col("n"), col("mood", "mood")), (), (), None),),
        (Enum("mood", ("a", "b")),),
        (),
        (),
        (),
    )
    after = Snapshot(
        (
            Table(
                "t",
                (
                    col("id"),
                    col("n", "bigint"),
                    col("mood", "mood"),
                    col("u", "uuid", "gen_random_uuid()"),
                    col("k", "integer", identity="d"),
                    col("at", "timestamp with time zone", "now()"),
                ),
                (),
                (),
                None,
            ),
        ),
        (Enum("mood", ("b", "a")),),
        (),
        (),
        (),
    )
    hazards = plan(before, after, None, safety=Safety()).hazards
    assert sorted(str(h.subject) for h in hazards if h.kind == "rewrite_table") == [
        "column t.k",
        "column t.n",
        "column t.u",
        "enum mood",
    ]
    assert "volatile default (gen_random_uuid())" in next(h.detail for h in hazards if h.subject.name == "u")
    assert plan(before, after, None).hazards == []  # plain plans: not a hazard
    # a new table is not in use: nothing of it rewrites anything
    assert plan(EMPTY, after, None, safety=Safety()).hazards == []


def write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[tool.mdschema]\n{body}\n")
    return tmp_path


def test_the_lock_safe_settings(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert (config.safe, config.lock_timeout, config.statement_timeout) == (True, "5s", "0")
    config = load_config(write(tmp_path, 'safe = false\nlock_timeout = "500ms"\nstatement_timeout = "1h"'))
    assert (config.safe, config.lock_timeout, config.statement_timeout) == (False, "500ms", "1h")
    for bad, message in (
        ('safe = "no"', "safe must be true or false"),
        ('lock_timeout = "5 seconds"', "lock_timeout = '5 seconds' is not a PostgreSQL duration"),
        ("statement_timeout = true", "statement_timeout = True is not a PostgreSQL duration"),
    ):
        with pytest.raises(SpecError) as refused:
            load_config(write(tmp_path, bad))
        assert message in str(refused.value.diagnostics[0]), refused.value.diagnostics
