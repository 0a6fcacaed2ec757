"""The repo's own project (spec/*.md, 64 tables) end to end on the embedded PostgreSQL:
`mdschema upgrade head` / `check` / `downgrade base` through the CLI, the structure checked against
schema-facts.json, an unmanaged `events` table left alone byte for byte, and the docs' own SQL run
directly giving exactly the catalog the migrations give.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pglast
from mdschema.catalog.describe import describe
from mdschema.catalog.diff import ColumnCommentChanged, TableCommentChanged, diff
from mdschema.catalog.snapshot import snapshot
from mdschema.config import load_config
from mdschema.database import connect
from mdschema.spec.markdown import read_doc
from support.projects import REPO, base_env, execute, public_objects, query, run_cli, table_fingerprint

FACTS_PATH = REPO / "tests" / "data" / "schema-facts.json"  # a copy of shared/everbound/schema-facts.json
EXCLUDE = frozenset({"users", "events"})
USERS_STAND_IN = "CREATE TABLE users (id uuid PRIMARY KEY)"  # what Supabase's auth users table is to the FKs

EVENTS_DDL = """
CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL,
    payload jsonb,
    happened_at timestamptz NOT NULL,
    logged_at timestamp,
    amount numeric(12, 3)
)
"""
EVENTS_ROWS = """
INSERT INTO events (kind, payload, happened_at, logged_at, amount) VALUES
    ('signup', '{"user": "ana", "tags": ["a", "b"], "nested": {"n": 1.50, "ok": true}}',
     '2024-02-29 23:59:59.123456+05:30', '2024-02-29 18:29:59.123456', 10.125),
    ('login', '{"ünïcødé": "✓", "quote": "it''s \\"fine\\""}', '1999-12-31 23:59:59+00', NULL, NULL),
    ('logout', NULL, '2038-01-19 03:14:08-08', '1970-01-01 00:00:00', -0.001),
    ('empty', '{}', 'infinity', '-infinity', 0)
"""


def _facts() -> dict[str, Any]:
    return json.loads(FACTS_PATH.read_text())["tables"]  # type: ignore[no-any-return]


def _head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(REPO / "alembic")).get_current_head()
    assert head
    return head


def _cli(pg_server: str, url: str | None, *args: str) -> Any:
    result = run_cli(REPO, args, base_env(pg_server, url))
    return result


# --- what the database holds, read from pg_catalog, in the shape of schema-facts.json -------------------


def _structure(url: str) -> dict[str, Any]:
    tables = {
        r[0] for r in query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    } - EXCLUDE
    tables.discard("alembic_version")
    out: dict[str, Any] = {
        t: {
            "columns": [],
            "primary_key": [],
            "foreign_keys": [],
            "unique_constraints": [],
            "check_constraints": [],
            "indexes": [],
        }
        for t in tables
    }
    for table, name, type_, not_null, default in query(
        url,
        """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum""",
    ):
        if table in out:
            out[table]["columns"].append(
                {"name": name, "type": type_, "nullable": not not_null, "default": default}
            )
    actions = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
    for table, name, kind, cols, ref_table, ref_cols, on_delete, definition in query(
        url,
        """
        SELECT c.relname, k.conname, k.contype::text,
               ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, i)
                     JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i)::text[],
               r.relname,
               ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, i)
                     JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.i)::text[],
               k.confdeltype::text, pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        LEFT JOIN pg_class r ON r.oid = k.confrelid""",
    ):
        if table not in out:
            continue
        if kind == "p":
            out[table]["primary_key"] = cols
        elif kind == "f":
            out[table]["foreign_keys"].append(
                {
                    "name": name,
                    "columns": cols,
                    "ref_table": ref_table,
                    "ref_columns": ref_cols,
                    "on_delete": actions[on_delete],
                }
            )
        elif kind == "u":
            out[table]["unique_constraints"].append({"name": name, "columns": cols})
        elif kind == "c":
            out[table]["check_constraints"].append({"name": name, "definition": definition})
    for table, name, method, unique, cols in query(
        url,
        """
        SELECT c.relname, i.relname, am.amname, x.indisunique,
               ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)
                     FROM generate_series(1, x.indnkeyatts) k)::text[]
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        JOIN pg_am am ON am.oid = i.relam
        WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k
                          WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x'))
        """,
    ):
        if table in out:
            out[table]["indexes"].append({"name": name, "columns": cols, "method": method, "unique": unique})
    return out


def _normalised(tables: dict[str, Any]) -> dict[str, Any]:
    """Order-insensitive where the facts are (constraints, indexes by name); columns keep their order."""
    keyed = ("foreign_keys", "unique_constraints", "check_constraints", "indexes")
    return {
        name: {
            **{k: v for k, v in t.items() if k != "module"},
            **{k: sorted(t[k], key=lambda x: x["name"]) for k in keyed},
        }
        for name, t in tables.items()
    }


# --- tests ------------------------------------------------------------------------------------------------


def test_upgrade_check_downgrade_the_repo_schema(pg_server: str, make_database: Callable[..., str]) -> None:
    facts = _normalised(_facts())
    url = make_database(template=None)  # a plain database: no extension the docs do not ask for
    execute(url, USERS_STAND_IN, EVENTS_DDL, EVENTS_ROWS)
    events_before = table_fingerprint(url, "events", "id")
    assert len(events_before[0]) == 4 and events_before[1]
    head = _head()

    up = _cli(pg_server, url, "upgrade", "head")
    assert up.rc == 0, up.output
    assert f"now at {head}" in up.out, up.output

    got = _normalised(_structure(url))
    assert sorted(got) == sorted(facts) and len(got) == 64
    # every FK: name, columns, target, ON DELETE
    assert {t: got[t]["foreign_keys"] for t in got} == {t: facts[t]["foreign_keys"] for t in facts}
    assert sum(len(t["foreign_keys"]) for t in got.values()) == sum(
        len(t["foreign_keys"]) for t in facts.values()
    )
    # every index with its name, columns, method
    assert {t: got[t]["indexes"] for t in got} == {t: facts[t]["indexes"] for t in facts}
    # and the rest of the structure: columns (types, nullability, defaults, order), keys, uniques, checks
    for name in facts:
        assert got[name] == facts[name], name
    assert table_fingerprint(url, "events", "id") == events_before
    assert query(url, "SELECT version_num FROM alembic_version") == [(head,)]
    first = _snapshot(url)

    check = _cli(pg_server, url, "check")
    assert check.rc == 0, check.output
    assert "clean (docs, generated/, migrations, database)" in check.out, check.output

    down = _cli(pg_server, url, "downgrade", "base")
    assert down.rc == 0, down.output
    assert "now at base" in down.out, down.output
    left = public_objects(url)
    assert left == {
        "tables": ["alembic_version", "events", "users"],
        "enums": [],
        "functions": [],
        "triggers": [],
    }
    assert query(url, "SELECT count(*) FROM alembic_version") == [(0,)]
    # no sequence, view or other relation left behind either (identity sequences belong to events)
    assert (
        query(
            url,
            """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = 'public' AND c.relkind NOT IN ('r', 'i', 'S')""",
        )
        == []
    )
    assert table_fingerprint(url, "events", "id") == events_before

    again = _cli(pg_server, url, "upgrade", "head")
    assert again.rc == 0, again.output
    assert diff(first, _snapshot(url)) == ()
    assert table_fingerprint(url, "events", "id") == events_before


def _snapshot(url: str) -> Any:
    with connect(url) as conn:
        return snapshot(conn, exclude_tables=EXCLUDE)


def _doc_statements() -> list[str]:
    """Every statement of every ```sql block of the repo's docs, sample data and queries left out."""
    config = load_config(REPO)
    statements = []
    for path in config.doc_paths():
        for block in read_doc(path, config.rel(path)).blocks:
            for statement in pglast.split(block.text):
                kind = type(pglast.parse_sql(statement)[0].stmt).__name__
                if kind not in ("InsertStmt", "SelectStmt", "UpdateStmt", "DeleteStmt"):
                    statements.append(statement)
    return statements


def _run_in_dependency_order(url: str, statements: list[str]) -> None:
    """Run each statement once it can run: a table whose FK target comes later waits for it."""
    import psycopg

    pending = list(statements)
    with connect(url) as conn:
        while pending:
            failed: list[tuple[str, str]] = []
            for statement in pending:
                try:
                    conn.execute(statement)  # type: ignore[arg-type]
                except psycopg.errors.UndefinedTable as exc:
                    failed.append((statement, str(exc)))
            if len(failed) == len(pending):
                raise AssertionError(
                    "statements that never run:\n" + "\n".join(f"{e}\n{s}" for s, e in failed)
                )
            pending = [s for s, _ in failed]


def test_docs_sql_run_directly_gives_the_migrations_catalog(
    pg_server: str, make_database: Callable[..., str]
) -> None:
    statements = _doc_statements()
    assert sum(s.lstrip().upper().startswith("CREATE TABLE") for s in statements) == 64
    by_hand = make_database(template=None)
    execute(by_hand, USERS_STAND_IN)
    _run_in_dependency_order(by_hand, statements)

    migrated = make_database(template=None)
    execute(migrated, USERS_STAND_IN)
    up = _cli(pg_server, migrated, "upgrade", "head")
    assert up.rc == 0, up.output

    docs, models = _snapshot(by_hand), _snapshot(migrated)
    assert len(docs.tables) == 64
    # The docs' `-- column notes` and table descriptions become COMMENTs through the models only; the raw
    # SQL has none, so comments are the one thing that may (and must, for every column) differ.
    comments = (ColumnCommentChanged, TableCommentChanged)
    changes = [c for c in diff(docs, models) if not isinstance(c, comments)]
    assert changes == [], "\n".join(describe(c) for c in changes)
    assert any(isinstance(c, TableCommentChanged) for c in diff(docs, models))
    # names included: the same constraint and index names on both sides, not merely the same shapes
    names = {(t.name, x.name) for t in docs.tables for x in (*t.constraints, *t.indexes)}
    assert names == {(t.name, x.name) for t in models.tables for x in (*t.constraints, *t.indexes)}
    assert len(names) >= 64 + 111 + 95  # primary keys, FKs, indexes (and unique constraints)
