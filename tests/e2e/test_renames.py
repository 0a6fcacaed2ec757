"""Renames keep data: `renamed from: old` on a column, a table and an enum label gives ALTER … RENAME
(never a drop and an add); rows survive the upgrade with identical values, and the downgrade brings
back the old names with the same data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from support.projects import executed_sql, make_project, one_line, operations, query

BEFORE = """
# Library

## book

A book on the shelf.

```sql
CREATE TYPE mood AS ENUM (
    'happy',
    'sad',
    'calm'
);
CREATE TABLE book (
    id INTEGER PRIMARY KEY,                  -- Key
    title VARCHAR(200) NOT NULL UNIQUE,      -- Title
    pages INTEGER,                           -- Pages
    feeling mood DEFAULT 'sad',              -- Mood
    tags TEXT[]                              -- Tags
);
CREATE INDEX ON book (pages);
```

## review

A review of a book.

```sql
CREATE TABLE review (
    id INTEGER PRIMARY KEY,                                 -- Key
    book_id INTEGER REFERENCES book(id) ON DELETE CASCADE,  -- The book
    body TEXT,                                              -- Text
    stars INTEGER CHECK (stars BETWEEN 1 AND 5)             -- Stars
);
CREATE INDEX ON review (book_id);
```
"""

AFTER = """
# Library

## novel

A book on the shelf. Renamed from: book.

```sql
CREATE TYPE mood AS ENUM (
    'happy',
    'unhappy',  -- renamed from: sad
    'calm'
);
CREATE TABLE novel (
    id INTEGER PRIMARY KEY,                  -- Key
    headline VARCHAR(200) NOT NULL UNIQUE,   -- Title (renamed from: title)
    pages INTEGER,                           -- Pages
    feeling mood DEFAULT 'unhappy',          -- Mood
    tags TEXT[]                              -- Tags
);
CREATE INDEX ON novel (pages);
```

## review

A review of a book.

```sql
CREATE TABLE review (
    id INTEGER PRIMARY KEY,                                   -- Key
    novel_id INTEGER REFERENCES novel(id) ON DELETE CASCADE,  -- The book (renamed from: book_id)
    review_text TEXT,                                         -- Text (renamed from: body)
    stars INTEGER CHECK (stars BETWEEN 1 AND 5)               -- Stars
);
CREATE INDEX ON review (novel_id);
```
"""

BOOKS = [
    (
        i,
        f"Title {i} — “quoted” 'x'",
        i * 10 if i % 3 else None,
        ("happy", "sad", "calm")[i % 3],
        [f"t{i}", "b"] if i % 2 else None,
    )
    for i in range(1, 301)
]
REVIEWS = [(i, (i % 300) + 1, f"review {i}\nline two" if i % 4 else None, (i % 5) + 1) for i in range(1, 901)]


def fill(url: str) -> None:
    from mdschema.database import connect

    with connect(url) as conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO book (id, title, pages, feeling, tags) VALUES (%s, %s, %s, %s, %s)", BOOKS
        )
        cur.executemany("INSERT INTO review (id, book_id, body, stars) VALUES (%s, %s, %s, %s)", REVIEWS)


def rows(url: str, table: str, columns: str) -> list[tuple[Any, ...]]:
    return query(url, f"SELECT {columns} FROM {table} ORDER BY id")


def old_state(url: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    return (
        rows(url, "book", "id, title, pages, feeling::text, tags"),
        rows(url, "review", "id, book_id, body, stars"),
    )


def new_state(url: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    return (
        rows(url, "novel", "id, headline, pages, feeling::text, tags"),
        rows(url, "review", "id, novel_id, review_text, stars"),
    )


def tables(url: str) -> list[str]:
    return [
        r[0] for r in query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    ]


def test_renames_keep_every_row_up_and_down(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    pg_url = make_database(template=None)  # no pgvector: `check` compares the whole database
    project = make_project(tmp_path, {"library.md": BEFORE}, shadow_url=pg_server, database_url=pg_url)
    result, first = project.revise("initial")
    assert result.rc == 0 and first is not None, result.output
    project.ok("upgrade")
    fill(pg_url)
    books, reviews = old_state(pg_url)
    assert len(books) == 300 and len(reviews) == 900
    oids = dict(query(pg_url, "SELECT relname, oid::int FROM pg_class WHERE relname IN ('book', 'review')"))

    project.write_doc("library.md", AFTER)
    result, path = project.revise("renames")
    assert result.rc == 0 and path is not None, result.output  # no --allow: a rename is not destructive
    assert "refusing" not in result.output and "DESTRUCTIVE" not in path.read_text()
    for line in (
        "table book: renamed to novel",
        "column book.title: renamed to headline",
        "column review.body: renamed to review_text",
        "column review.book_id: renamed to novel_id",
        "enum label mood.sad: renamed to unhappy",
    ):
        assert line in result.out, result.out

    up = [one_line(s) for s in executed_sql(path, "upgrade")]
    down = [one_line(s) for s in executed_sql(path, "downgrade")]
    for sql in (
        "ALTER TABLE book RENAME TO novel",
        "ALTER TABLE novel RENAME COLUMN title TO headline",
        "ALTER TABLE review RENAME COLUMN body TO review_text",
        "ALTER TABLE review RENAME COLUMN book_id TO novel_id",
        "ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy'",
    ):
        assert sql in up, up
    for sql in (
        "ALTER TABLE novel RENAME TO book",
        "ALTER TABLE novel RENAME COLUMN headline TO title",
        "ALTER TABLE review RENAME COLUMN review_text TO body",
        "ALTER TABLE review RENAME COLUMN novel_id TO book_id",
        "ALTER TYPE mood RENAME VALUE 'unhappy' TO 'sad'",
    ):
        assert sql in down, down
    # constraints and indexes follow by rename too, never by drop and re-create
    assert any("RENAME CONSTRAINT book_pkey TO novel_pkey" in s for s in up), up
    assert any("RENAME CONSTRAINT review_book_id_fkey TO review_novel_id_fkey" in s for s in up), up
    assert any("ALTER INDEX book_pages_idx RENAME TO novel_pages_idx" in s for s in up), up
    for direction in ("upgrade", "downgrade"):
        ops = "\n".join(operations(path, direction))
        for forbidden in (
            "drop_table",
            "create_table",
            "drop_column",
            "add_column",
            "DROP TABLE",
            "DROP COLUMN",
            "ADD COLUMN",
            "CREATE TABLE",
            "DROP TYPE",
            "CREATE TYPE",
            "ADD VALUE",
            "USING",
        ):
            assert forbidden not in ops, (direction, forbidden, ops)

    project.ok("upgrade")
    assert tables(pg_url) == ["alembic_version", "novel", "review"]
    new_books, new_reviews = new_state(pg_url)
    relabel = {"sad": "unhappy"}
    assert new_books == [(i, t, p, relabel.get(f, f), tags) for i, t, p, f, tags in books]
    assert new_reviews == reviews
    # the very same tables (a rename, not a copy), with the renamed default
    assert dict(
        query(pg_url, "SELECT relname, oid::int FROM pg_class WHERE relname IN ('novel', 'review')")
    ) == {"novel": oids["book"], "review": oids["review"]}
    assert (
        query(pg_url, "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'novel'::regclass")[
            0
        ][0]
        == "'unhappy'::mood"
    )
    clean = project.run("check")
    assert clean.rc == 0, clean.output
    # the markers may stay in the doc: once applied they do nothing
    again, nothing = project.revise("again")
    assert again.rc == 0 and nothing is None and "no changes" in again.out, again.output

    project.ok("downgrade", "-1")
    assert tables(pg_url) == ["alembic_version", "book", "review"]
    assert old_state(pg_url) == (books, reviews)
    assert (
        dict(query(pg_url, "SELECT relname, oid::int FROM pg_class WHERE relname IN ('book', 'review')"))
        == oids
    )
    # and up again: still the same rows
    project.ok("upgrade")
    assert new_state(pg_url) == (new_books, new_reviews)


def test_rename_of_a_column_that_is_referenced(tmp_path: Path, pg_server: str, pg_url: str) -> None:
    """A renamed primary-key column that a foreign key points at: the FK follows, rows stay linked."""
    before = """
        ## author

        ```sql
        CREATE TABLE author (
            code TEXT PRIMARY KEY,   -- Code
            name TEXT                -- Name
        );
        CREATE TABLE essay (
            id INTEGER PRIMARY KEY,
            author_code TEXT REFERENCES author(code) ON UPDATE CASCADE
        );
        ```
    """
    project = make_project(tmp_path, {"a.md": before}, shadow_url=pg_server, database_url=pg_url)
    assert project.revise("initial")[0].rc == 0
    project.ok("upgrade")
    from mdschema.database import connect

    with connect(pg_url) as conn, conn.cursor() as cur:
        cur.executemany("INSERT INTO author VALUES (%s, %s)", [(f"a{i}", f"n{i}") for i in range(200)])
        cur.executemany("INSERT INTO essay VALUES (%s, %s)", [(i, f"a{i % 200}") for i in range(1000)])
    joined = query(
        pg_url, "SELECT e.id, a.code, a.name FROM essay e JOIN author a ON a.code = e.author_code ORDER BY 1"
    )
    project.edit(
        "a.md", "code TEXT PRIMARY KEY,   -- Code", "handle TEXT PRIMARY KEY,   -- Code (renamed from: code)"
    )
    project.edit("a.md", "REFERENCES author(code)", "REFERENCES author(handle)")
    result, path = project.revise("rename key")
    assert result.rc == 0 and path is not None, result.output
    assert "ALTER TABLE author RENAME COLUMN code TO handle" in [one_line(s) for s in executed_sql(path)]
    assert "drop_column" not in "\n".join(operations(path)) + "\n".join(operations(path, "downgrade"))
    project.ok("upgrade")
    assert (
        query(
            pg_url,
            "SELECT e.id, a.handle, a.name FROM essay e JOIN author a ON a.handle = e.author_code ORDER BY 1",
        )
        == joined
    )
    assert query(
        pg_url, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'essay_author_code_fkey'"
    ) == [("FOREIGN KEY (author_code) REFERENCES author(handle) ON UPDATE CASCADE",)]
    project.ok("downgrade", "-1")
    assert (
        query(
            pg_url,
            "SELECT e.id, a.code, a.name FROM essay e JOIN author a ON a.code = e.author_code ORDER BY 1",
        )
        == joined
    )
