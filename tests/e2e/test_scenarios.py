"""Change scenarios on a small project, through the CLI: doc edit → `mdschema revision` → the exact
operations in the written file → `mdschema upgrade` → `mdschema check` clean; some also `downgrade -1` back
to exactly the previous catalog. Every revision was proven on a shadow database before it was written.

Every scenario starts from its own copy of one project at its first revision, and its own copy of that
project's database: no scenario depends on what another one left behind, in any order, on any worker.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from mdschema.catalog.describe import describe
from mdschema.catalog.diff import diff
from mdschema.catalog.snapshot import snapshot
from mdschema.database import connect, create_database, database_url, drop_database
from support.projects import (
    LIBRARY,
    Project,
    execute,
    executed_sql,
    make_project,
    one_line,
    operations,
    query,
    revision_id,
)

DOC = "library.md"
A = "with op.get_context().autocommit_block():\n    "  # how operations() prints a lock-safe step


def validated(table: str, constraint: str) -> str:
    """The autocommit step that validates a constraint added NOT VALID, as operations() prints it."""
    return f"{A}op.execute('ALTER TABLE {table} VALIDATE CONSTRAINT {constraint}')"


CLEAN = "mdschema: clean (docs, generated/, migrations, database)"


# --- helpers ------------------------------------------------------------------------------------------


def live(project: Project) -> Any:
    assert project.database_url
    with connect(project.database_url) as conn:
        return snapshot(conn)


def revise(project: Project, message: str, *flags: str) -> Path:
    result, path = project.revise(message, *flags)
    assert result.rc == 0 and path is not None, result.output
    assert "proven on a shadow database" in result.out, result.output
    # squawk's default rules (less migrations/squawk.py's EXCLUDED) find nothing in a lock-safe revision
    assert "mdschema: squawk: nothing to report on the new revision" in result.out, result.output
    return path


def upgrade_and_check(project: Project) -> Any:
    """`mdschema upgrade`, then `mdschema check` must be clean; returns the catalog before the upgrade."""
    before = live(project)
    project.ok("upgrade")
    check = project.run("check")
    assert check.rc == 0 and CLEAN in check.out, check.output
    return before


def downgrade_restores(project: Project, before: Any) -> None:
    """`mdschema downgrade -1` gives back exactly the previous catalog; then upgrade again."""
    project.ok("downgrade", "-1")
    changes = diff(live(project), before)
    assert changes == (), "\n".join(describe(c) for c in changes)
    project.ok("upgrade")


# --- independent: a revision that cannot be proven is not written ------------------------------------------


SEED = '''"""seed: a data migration (an author without a bio)

Revision ID: 5eed00000001
Revises: {head}
"""

from alembic import op

revision = "5eed00000001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("INSERT INTO author (name) VALUES ('Anonymous')")


def downgrade() -> None:
    op.execute("DELETE FROM author WHERE name = 'Anonymous'")
'''


def test_a_revision_that_fails_its_proof_is_not_written(pg_server: str, tmp_path: Path) -> None:
    # A data migration in alembic/versions is replayed into the shadow database too, so the shadow holds an
    # author without a bio; NOT NULL on author.bio (allowed explicitly) then fails there, as it would in
    # production, and the revision must not be kept.
    project = make_project(tmp_path, {DOC: LIBRARY}, pg_server)
    initial = revise(project, "initial")
    head = revision_id(initial)
    (initial.parent / "20000101_5eed00000001_seed.py").write_text(SEED.format(head=head))
    project.edit(DOC, "bio TEXT,", "bio TEXT NOT NULL,")
    before = project.revisions()
    result, path = project.revise("bio required", "--allow", "set_not_null")
    assert result.rc == 2, result.output
    assert path is None and project.revisions() == before
    assert "failed on the shadow database during upgrade" in result.err, result.output
    # the lock-safe form: SET NOT NULL through a CHECK (bio IS NOT NULL) validated first
    assert '"author_bio_not_null_check"' in result.err, result.output
    assert 'of relation "author" is violated by some row' in result.err, result.output
    assert "no revision was written" in result.err, result.output


# --- the shared project ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def library(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, str]]:
    """The library at its first revision, upgraded: the project, and the name of its database (made once per
    worker; never connected to outside this fixture, so that it can be cloned)."""
    name = f"t_{uuid.uuid4().hex[:8]}"
    create_database(pg_server, name)  # plain (template1): no extension until a doc asks for one
    try:
        project = make_project(
            tmp_path_factory.mktemp("scenarios"), {DOC: LIBRARY}, pg_server, database_url(pg_server, name)
        )
        path = revise(project, "initial")
        ups = operations(path)
        assert ups[0] == "op.execute(\"CREATE TYPE book_status AS ENUM ('draft', 'published')\")"
        assert [u.split("(")[0] for u in ups].count("op.create_table") == 3
        assert any("CREATE OR REPLACE TRIGGER book_touch" in sql for sql in executed_sql(path))
        upgrade_and_check(project)
        yield project, name
    finally:
        drop_database(pg_server, name)


@pytest.fixture
def scenario(library: tuple[Project, str], pg_server: str, tmp_path: Path) -> Iterator[Project]:
    """A copy of the library project and of its database, both at the first revision: every scenario
    starts from there, whatever ran before it."""
    base, template = library
    root = tmp_path / "proj"
    shutil.copytree(base.root, root, ignore=shutil.ignore_patterns("__pycache__", ".ruff_cache"))
    name = f"t_{uuid.uuid4().hex[:8]}"
    create_database(pg_server, name, template=template)
    try:
        yield Project(root, base.shadow_url, database_url(pg_server, name))
    finally:
        drop_database(pg_server, name)


def test_no_changes_no_revision(scenario: Project) -> None:
    before = scenario.revisions()
    result, path = scenario.revise("nothing")
    assert result.rc == 0, result.output
    assert "no changes" in result.out and "no revision written" in result.out, result.output
    assert path is None and scenario.revisions() == before


def test_add_column(scenario: Project) -> None:
    scenario.edit(
        DOC,
        "    isbn TEXT,",
        "    subtitle TEXT,                                  -- Subtitle\n    isbn TEXT,",
    )
    path = revise(scenario, "add subtitle")
    assert operations(path) == [
        "op.add_column('book', sa.Column('subtitle', sa.Text(), nullable=True, comment='Subtitle'))"
    ]
    assert operations(path, "downgrade") == ["op.drop_column('book', 'subtitle')"]
    before = upgrade_and_check(scenario)
    # one step back: the database is behind head and lacks the column, and check says so with the doc line
    scenario.ok("downgrade", "-1")
    check = scenario.run("check")
    assert check.rc == 1, check.output
    assert "run `mdschema upgrade`" in check.out, check.output
    line = scenario.line_of(DOC, "subtitle TEXT")
    assert (
        f"spec/{DOC}:{line}: database: drift: column book.subtitle text is in the docs but not in the "
        "database" in check.out
    ), check.output
    assert diff(live(scenario), before) == ()
    scenario.ok("upgrade")


def test_drop_column_is_refused_without_allow_destructive(scenario: Project) -> None:
    scenario.edit(DOC, "    isbn TEXT,                                      -- ISBN-13\n", "")
    before = scenario.revisions()
    result, path = scenario.revise("drop isbn")
    assert result.rc == 1, result.output
    assert path is None and scenario.revisions() == before
    line = scenario.line_of(DOC, "CREATE TABLE book (")
    assert "refusing to write a destructive migration (1 hazard(s))" in result.out, result.output
    assert (
        f"spec/{DOC}:{line}: column book.isbn: drops the column and its data  [--allow drop_column]"
        in result.out
    ), result.output
    # a different hazard kind does not cover it
    result, path = scenario.revise("drop isbn", "--allow", "narrow_type")
    assert result.rc == 1 and path is None, result.output

    path = revise(scenario, "drop isbn", "--allow-destructive")
    text = path.read_text()
    assert "# DESTRUCTIVE (drop_column): column book.isbn: drops the column and its data" in text
    assert text.index("# DESTRUCTIVE") < text.index("def downgrade")
    assert operations(path) == ["op.drop_column('book', 'isbn')"]
    assert operations(path, "downgrade") == [
        "op.execute('ALTER TABLE book ADD COLUMN isbn text')",
        "op.execute(\"COMMENT ON COLUMN book.isbn IS 'ISBN-13'\")",
    ]
    upgrade_and_check(scenario)


def test_retype_columns(scenario: Project) -> None:
    url = scenario.database_url
    assert url
    execute(url, "INSERT INTO author (name, phone) VALUES ('P', '0049301234567')")
    scenario.edit(
        DOC, "title VARCHAR(200) NOT NULL,", "title VARCHAR(300) NOT NULL,"
    )  # widen: no USING, no rewrite
    scenario.edit(
        DOC, "    phone TEXT,   ", "    phone BIGINT,"
    )  # needs a cast PostgreSQL does not do implicitly
    result, path = scenario.revise("retype")
    assert result.rc == 1 and path is None, result.output  # text → bigint narrows
    assert "column author.phone: narrows text → bigint" in result.out, result.output
    line = scenario.line_of(DOC, "    phone BIGINT,")
    assert (
        f"spec/{DOC}:{line}: column author.phone: changes text → bigint: PostgreSQL rewrites table author "
        "under an ACCESS EXCLUSIVE lock" in result.out
    ), result.output
    assert "book.title" not in result.out, "varchar(200) → varchar(300) rewrites nothing"
    result, path = scenario.revise("retype", "--allow", "narrow_type")
    assert result.rc == 1 and path is None and "[--allow rewrite_table]" in result.out, result.output
    path = revise(scenario, "retype", "--allow", "narrow_type", "--allow", "rewrite_table")
    assert operations(path) == [
        "op.alter_column('author', 'phone', type_=sa.BigInteger(), postgresql_using='phone::bigint')",
        "op.alter_column('book', 'title', type_=sa.String(length=300))",
    ]
    assert executed_sql(path, "downgrade") == [
        "ALTER TABLE author ALTER COLUMN phone TYPE text USING phone::text",
        "ALTER TABLE book ALTER COLUMN title TYPE character varying(200) USING title::character varying(200)",
    ]
    node = query(url, "SELECT relfilenode FROM pg_class WHERE oid = 'book'::regclass")
    upgrade_and_check(scenario)
    assert query(url, "SELECT relfilenode FROM pg_class WHERE oid = 'book'::regclass") == node
    assert query(url, "SELECT phone FROM author WHERE name = 'P'") == [(49301234567,)]


def test_set_not_null_needs_its_hazard_allowed(scenario: Project) -> None:
    scenario.edit(DOC, "    body TEXT    ", "    body TEXT NOT NULL")
    result, path = scenario.revise("body required", "--allow", "drop_column")
    assert result.rc == 1 and path is None, result.output
    line = scenario.line_of(DOC, "body TEXT NOT NULL")
    assert f"spec/{DOC}:{line}: column review.body: adds NOT NULL without a default" in result.out, (
        result.output
    )
    assert "[--allow set_not_null]" in result.out, result.output

    path = revise(scenario, "body required", "--allow", "set_not_null")
    assert "# DESTRUCTIVE (set_not_null): column review.body" in path.read_text()
    assert operations(path) == [
        "op.execute('ALTER TABLE review ADD CONSTRAINT review_body_not_null_check CHECK (body IS NOT NULL) "
        "NOT VALID')",
        validated("review", "review_body_not_null_check"),
        "op.execute('ALTER TABLE review ALTER COLUMN body SET NOT NULL')",
        "op.execute('ALTER TABLE review DROP CONSTRAINT review_body_not_null_check')",
    ]
    assert operations(path, "downgrade") == ["op.alter_column('review', 'body', nullable=True)"]
    upgrade_and_check(scenario)


def test_default(scenario: Project) -> None:
    scenario.edit(DOC, "    pages INTEGER,        ", "    pages INTEGER DEFAULT 0,")
    path = revise(scenario, "pages default")
    assert operations(path) == ["op.alter_column('book', 'pages', server_default=sa.text('0'))"]
    assert operations(path, "downgrade") == ["op.alter_column('book', 'pages', server_default=None)"]
    upgrade_and_check(scenario)
    url = scenario.database_url
    assert url
    execute(url, "INSERT INTO author (id, name) VALUES ('00000000-0000-0000-0000-00000000000a', 'A')")
    rows = query(
        url,
        "INSERT INTO book (author_id, title) VALUES ('00000000-0000-0000-0000-00000000000a', 'T') "
        "RETURNING pages",
    )
    assert rows == [(0,)]


def test_add_and_remove_foreign_keys(scenario: Project) -> None:
    scenario.edit(
        DOC,
        "editor_id UUID,                                 -- Who edited it",
        "editor_id UUID REFERENCES author(id) ON DELETE SET NULL,  -- Who edited it",
    )
    scenario.edit(
        DOC, "book_id UUID NOT NULL REFERENCES book(id) ON DELETE CASCADE,", "book_id UUID NOT NULL,"
    )
    path = revise(scenario, "editor fk, review fk gone")
    assert operations(path) == [
        "op.drop_constraint('review_book_id_fkey', 'review', type_='foreignkey')",
        "op.execute('ALTER TABLE book ADD CONSTRAINT book_editor_id_fkey FOREIGN KEY (editor_id) "
        "REFERENCES author(id) ON DELETE SET NULL NOT VALID')",
        validated("book", "book_editor_id_fkey"),
    ]
    assert [one_line(s) for s in executed_sql(path, "downgrade")] == [
        "ALTER TABLE review ADD CONSTRAINT review_book_id_fkey FOREIGN KEY (book_id) REFERENCES book(id) "
        "ON DELETE CASCADE NOT VALID",
        "ALTER TABLE review VALIDATE CONSTRAINT review_book_id_fkey",
    ]
    assert (
        operations(path, "downgrade")[0]
        == "op.drop_constraint('book_editor_id_fkey', 'book', type_='foreignkey')"
    )
    upgrade_and_check(scenario)


def test_change_on_delete(scenario: Project) -> None:
    scenario.edit(
        DOC,
        "author_id UUID REFERENCES author(id) ON DELETE CASCADE,",
        "author_id UUID REFERENCES author(id) ON DELETE RESTRICT,",
    )
    path = revise(scenario, "keep books")
    assert operations(path) == [
        "op.drop_constraint('book_author_id_fkey', 'book', type_='foreignkey')",
        "op.execute('ALTER TABLE book ADD CONSTRAINT book_author_id_fkey FOREIGN KEY (author_id) "
        "REFERENCES author(id) ON DELETE RESTRICT NOT VALID')",
        validated("book", "book_author_id_fkey"),
    ]
    upgrade_and_check(scenario)
    url = scenario.database_url
    assert url
    execute(url, "INSERT INTO author (id, name) VALUES ('00000000-0000-0000-0000-00000000000b', 'B')")
    execute(
        url, "INSERT INTO book (author_id, title) VALUES ('00000000-0000-0000-0000-00000000000b', 'kept')"
    )
    # RESTRICT, not NO ACTION, in the catalog; and the delete is refused while a book refers to the author
    # (PostgreSQL 18 reports it as restrict_violation 23001, 15 as foreign_key_violation 23503)
    assert query(url, "SELECT confdeltype FROM pg_constraint WHERE conname = 'book_author_id_fkey'") == [
        ("r",)
    ]
    with pytest.raises(psycopg.errors.IntegrityError) as refused, connect(url) as conn:
        conn.execute("DELETE FROM author WHERE id = '00000000-0000-0000-0000-00000000000b'")
    assert refused.value.sqlstate in ("23001", "23503"), refused.value
    assert 'table "book"' in str(refused.value), refused.value
    assert query(url, "SELECT count(*) FROM book WHERE title = 'kept'") == [(1,)]


def test_add_unique_and_check(scenario: Project) -> None:
    scenario.edit(DOC, "name VARCHAR(100) NOT NULL,", "name VARCHAR(100) NOT NULL UNIQUE,")
    scenario.edit(DOC, "born_year INTEGER    ", "born_year INTEGER CHECK (born_year > 1000)")
    path = revise(scenario, "unique names, plausible years")
    invalid = (
        "DO $$ BEGIN IF EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass('author_name_key') AND "
        "NOT indisvalid) THEN DROP INDEX author_name_key; END IF; END $$"
    )
    assert operations(path) == [
        "op.execute('ALTER TABLE author ADD CONSTRAINT author_born_year_check CHECK ((born_year > 1000)) "
        "NOT VALID')",
        validated("author", "author_born_year_check"),
        f"{A}op.execute({invalid!r})\n    op.execute('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "
        "author_name_key ON author USING btree (name)')",
        "op.execute('ALTER TABLE author ADD CONSTRAINT author_name_key UNIQUE USING INDEX author_name_key')",
    ]
    assert operations(path, "downgrade") == [
        "op.drop_constraint('author_born_year_check', 'author', type_='check')",
        "op.drop_constraint('author_name_key', 'author', type_='unique')",
    ]
    upgrade_and_check(scenario)


def test_change_check_expression(scenario: Project) -> None:
    scenario.edit(DOC, "CHECK (rating BETWEEN 1 AND 5)", "CHECK (rating BETWEEN 1 AND 10)")
    path = revise(scenario, "ten stars")
    assert operations(path) == [
        "op.drop_constraint('review_rating_check', 'review', type_='check')",
        "op.execute('ALTER TABLE review ADD CONSTRAINT review_rating_check CHECK (((rating >= 1) AND "
        "(rating <= 10))) NOT VALID')",
        validated("review", "review_rating_check"),
    ]
    assert executed_sql(path, "downgrade") == [
        "ALTER TABLE review ADD CONSTRAINT review_rating_check CHECK (((rating >= 1) AND (rating <= 5))) "
        "NOT VALID",
        "ALTER TABLE review VALIDATE CONSTRAINT review_rating_check",
    ]
    upgrade_and_check(scenario)


def test_change_index_method_opclass_with_where(scenario: Project) -> None:
    scenario.edit(
        DOC, "idx_book_author ON book (author_id);", "idx_book_author ON book USING hash (author_id);"
    )
    scenario.edit(
        DOC, "idx_review_body ON review (body);", "idx_review_body ON review (body text_pattern_ops);"
    )
    scenario.edit(
        DOC, "idx_book_pages ON book (pages);", "idx_book_pages ON book (pages) WITH (fillfactor = 70);"
    )
    scenario.edit(
        DOC,
        "idx_book_updated ON book (updated_at);",
        "idx_book_updated ON book (updated_at) WHERE pages IS NOT NULL;",
    )
    path = revise(scenario, "indexes")

    def rebuilt(name: str, create: str) -> str:
        invalid = (
            f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass('{name}') AND "
            f"NOT indisvalid) THEN DROP INDEX {name}; END IF; END $$"
        )
        return f"{A}op.execute({invalid!r})\n    {create}"

    concurrently = "postgresql_concurrently=True, if_not_exists=True)"
    assert operations(path) == [
        f"{A}op.execute('DROP INDEX CONCURRENTLY IF EXISTS {name}')"
        for name in ("idx_book_author", "idx_book_pages", "idx_book_updated", "idx_review_body")
    ] + [
        rebuilt(
            "idx_book_author",
            "op.create_index('idx_book_author', 'book', ['author_id'], unique=False, "
            "postgresql_using='hash', " + concurrently,
        ),
        rebuilt(
            "idx_book_pages",
            "op.create_index('idx_book_pages', 'book', ['pages'], unique=False, "
            "postgresql_with={'fillfactor': 70}, " + concurrently,
        ),
        rebuilt(
            "idx_book_updated",
            "op.create_index('idx_book_updated', 'book', ['updated_at'], unique=False, "
            "postgresql_where=sa.text('pages IS NOT NULL'), " + concurrently,
        ),
        rebuilt(
            "idx_review_body",
            "op.create_index('idx_review_body', 'review', ['body'], unique=False, "
            "postgresql_ops={'body': 'text_pattern_ops'}, " + concurrently,
        ),
    ]
    downgrade = [s for s in executed_sql(path, "downgrade") if s.startswith("CREATE")]
    assert downgrade == [
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_book_author ON public.book USING btree (author_id)",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_book_pages ON public.book USING btree (pages)",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_book_updated ON public.book USING btree (updated_at)",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_review_body ON public.review USING btree (body)",
    ]
    before = upgrade_and_check(scenario)
    url = scenario.database_url
    assert url
    defs = dict(
        query(
            url,
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('idx_book_author', 'idx_review_body', 'idx_book_pages', 'idx_book_updated')",
        )
    )
    assert "USING hash (author_id)" in defs["idx_book_author"]
    assert "(body text_pattern_ops)" in defs["idx_review_body"]
    assert "WITH (fillfactor='70')" in defs["idx_book_pages"]
    assert defs["idx_book_updated"].endswith("WHERE (pages IS NOT NULL)")
    downgrade_restores(scenario, before)


def test_enum_labels_are_added_in_place(scenario: Project) -> None:
    url = scenario.database_url
    assert url
    execute(url, "INSERT INTO author (id, name) VALUES ('00000000-0000-0000-0000-00000000000c', 'C')")
    execute(
        url,
        "INSERT INTO book (author_id, title, status, pages) VALUES "
        "('00000000-0000-0000-0000-00000000000c', 'one', 'draft', 1), "
        "('00000000-0000-0000-0000-00000000000c', 'two', 'published', 2)",
    )
    scenario.edit(DOC, "ENUM ('draft', 'published')", "ENUM ('draft', 'in_review', 'published', 'archived')")
    path = revise(scenario, "more states")
    assert executed_sql(path) == [
        "ALTER TYPE book_status ADD VALUE 'in_review' BEFORE 'published'",
        "ALTER TYPE book_status ADD VALUE 'archived' AFTER 'published'",
    ]
    assert len(operations(path)) == 2
    # going back rebuilds the type; the partial index and the CHECK that name it come back too
    down = executed_sql(path, "downgrade")
    # (lock-safe: the partial index that names the type dropped concurrently first, made again after)
    assert down[:2] == [
        "DROP INDEX CONCURRENTLY IF EXISTS idx_book_published",
        "ALTER TYPE book_status RENAME TO book_status__old",
    ]
    assert down[-1].startswith("CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_book_published ON public.book")
    assert "DROP TYPE book_status__old" in down
    rows_before = query(url, "SELECT id::text, status::text FROM book ORDER BY id")
    node = query(url, "SELECT relfilenode FROM pg_class WHERE oid = 'book'::regclass")
    before = upgrade_and_check(scenario)
    assert query(url, "SELECT relfilenode FROM pg_class WHERE oid = 'book'::regclass") == node  # no rewrite
    assert query(url, "SELECT id::text, status::text FROM book ORDER BY id") == rows_before
    assert query(url, "SELECT enum_range(NULL::book_status)::text") == [
        ("{draft,in_review,published,archived}",)
    ]
    downgrade_restores(scenario, before)
    assert query(url, "SELECT id::text, status::text FROM book ORDER BY id") == rows_before


def test_add_extension(scenario: Project) -> None:
    url = scenario.database_url
    assert url
    assert query(url, "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'") == [(1,)]
    assert query(url, "SELECT count(*) FROM pg_extension WHERE extname = 'vector'") == [(0,)]
    scenario.edit(
        DOC,
        "CREATE TYPE book_status AS",
        "CREATE EXTENSION IF NOT EXISTS vector;\n\nCREATE TYPE book_status AS",
    )
    scenario.edit(
        DOC,
        "    rating SMALLINT",
        "    embedding vector(3),                            -- Sentence embedding\n    rating SMALLINT",
    )
    path = revise(scenario, "embeddings")
    assert operations(path) == [
        "op.execute('CREATE EXTENSION IF NOT EXISTS vector')",
        "op.add_column('review', sa.Column('embedding', Vector(3), nullable=True, "
        "comment='Sentence embedding'))",
    ]
    assert "from pgvector.sqlalchemy import Vector" in path.read_text()
    assert operations(path, "downgrade") == [
        "op.drop_column('review', 'embedding')",
        "op.execute('DROP EXTENSION IF EXISTS vector')",
    ]
    # before the upgrade, check names the missing extension at its doc line
    run = scenario.run("check", "--format", "json")
    assert run.rc == 1, run.output
    behind = json.loads(run.out)
    where = f"spec/{DOC}:{scenario.line_of(DOC, 'CREATE EXTENSION IF NOT EXISTS vector')}"
    assert [f["where"] for f in behind["findings"] if "extension vector" in f["message"]] == [where], behind
    upgrade_and_check(scenario)
    assert query(url, "SELECT count(*) FROM pg_extension WHERE extname = 'vector'") == [(1,)]


def test_trigger_function_body(scenario: Project) -> None:
    url = scenario.database_url
    assert url
    execute(url, "INSERT INTO author (id, name) VALUES ('00000000-0000-0000-0000-00000000000d', 'D')")
    (book,) = query(
        url,
        "INSERT INTO book (author_id, title) VALUES ('00000000-0000-0000-0000-00000000000d', "
        "'  padded  ') RETURNING id::text",
    )[0]

    def touch() -> str:
        rows = query(
            url, "UPDATE book SET pages = coalesce(pages, 0) + 1 WHERE id = %s RETURNING title", (book,)
        )
        return str(rows[0][0])

    assert touch() == "  padded  "
    scenario.edit(
        DOC,
        "    NEW.updated_at = now();\n",
        "    NEW.updated_at = now();\n    NEW.title = btrim(NEW.title);\n",
    )
    path = revise(scenario, "trim titles")
    (sql,) = executed_sql(path)
    assert len(operations(path)) == 1
    assert sql.startswith("CREATE OR REPLACE FUNCTION public.touch_updated_at()")
    assert "NEW.title = btrim(NEW.title);" in sql
    (old,) = executed_sql(path, "downgrade")
    assert "btrim" not in old and "NEW.updated_at = now();" in old
    upgrade_and_check(scenario)
    assert touch() == "padded"  # the function was replaced: the trigger now trims
    scenario.ok("downgrade", "-1")  # the old body is back: no trimming
    execute(url, f"UPDATE book SET title = '  again  ' WHERE id = '{book}'")
    assert touch() == "  again  "
    scenario.ok("upgrade")
    assert touch() == "again"


def test_column_and_table_comments(scenario: Project) -> None:
    scenario.edit(DOC, "-- Short biography", "-- A few lines about the author")
    scenario.edit(
        DOC, "Someone who writes books.", "A person who writes books, under their own name or a pen name."
    )
    path = revise(scenario, "comments")
    assert operations(path) == [
        "op.alter_column('author', 'bio', comment='A few lines about the author', "
        "existing_comment='Short biography')",
        "op.create_table_comment('author', 'A person who writes books, under their own name or a pen name.', "
        "existing_comment='Someone who writes books.', schema=None)",
    ]
    upgrade_and_check(scenario)
    url = scenario.database_url
    assert url
    assert query(
        url, "SELECT obj_description('author'::regclass, 'pg_class'), col_description('author'::regclass, 3)"
    ) == [("A person who writes books, under their own name or a pen name.", "A few lines about the author")]


def test_nothing_left_to_revise(scenario: Project) -> None:
    result, path = scenario.revise("nothing")
    assert result.rc == 0 and path is None and "no changes" in result.out, result.output
    history = scenario.ok("history").out
    assert history.count(" -> ") == len(scenario.revisions())


# --- lock-safe plans: timeouts, a failed concurrent build run again, the plain plans ----------------------


def test_each_revision_sets_its_timeouts(scenario: Project) -> None:
    scenario.edit(DOC, "    pages INTEGER,        ", "    pages INTEGER DEFAULT 0,")
    path = revise(scenario, "pages default")
    for direction in ("upgrade", "downgrade"):
        body = [line.strip() for line in path.read_text().split(f"def {direction}()")[1].splitlines()[1:3]]
        assert body == [
            "op.execute(\"SET lock_timeout = '5s'\")",
            "op.execute(\"SET statement_timeout = '0'\")",
        ]
    (scenario.root / "pyproject.toml").write_text(
        (scenario.root / "pyproject.toml").read_text() + 'lock_timeout = "2s"\nstatement_timeout = "10min"\n'
    )
    scenario.edit(DOC, "    pages INTEGER DEFAULT 0,", "    pages INTEGER DEFAULT 1,")
    path = revise(scenario, "pages default 1")
    assert "op.execute(\"SET lock_timeout = '2s'\")" in path.read_text()
    assert "op.execute(\"SET statement_timeout = '10min'\")" in path.read_text()
    upgrade_and_check(scenario)


def alembic(project: Project, *args: str) -> Any:
    """The stock `alembic` command on the project's database: its env.py runs the autocommit blocks."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "alembic", *args],
        cwd=project.root,
        env=project.env(),
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_a_failed_concurrent_unique_build_is_cleaned_up_and_the_upgrade_runs_again(scenario: Project) -> None:
    url = scenario.database_url
    assert url
    execute(url, "INSERT INTO author (name) VALUES ('Twin'), ('Twin'), ('Solo')")
    scenario.edit(DOC, "name VARCHAR(100) NOT NULL,", "name VARCHAR(100) NOT NULL UNIQUE,")
    path = revise(scenario, "unique names")  # the shadow has no rows: proven there
    head = query(url, "SELECT version_num FROM alembic_version")

    failed = alembic(scenario, "upgrade", "head")
    assert failed.returncode != 0, failed.stdout + failed.stderr
    assert 'could not create unique index "author_name_key"' in failed.stderr, failed.stderr
    assert "(name)=(Twin) is duplicated" in failed.stderr, failed.stderr
    # what a failed CREATE INDEX CONCURRENTLY leaves: an INVALID index, and the revision not applied
    assert query(url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'author_name_key'::regclass") == [
        (False,)
    ]
    assert query(url, "SELECT version_num FROM alembic_version") == head
    assert query(url, "SELECT count(*) FROM pg_constraint WHERE conname = 'author_name_key'") == [(0,)]

    execute(
        url,
        "DELETE FROM author WHERE name = 'Twin' "
        "AND ctid <> (SELECT min(ctid) FROM author WHERE name = 'Twin')",
    )
    again = alembic(scenario, "upgrade", "head")
    assert again.returncode == 0, again.stdout + again.stderr
    assert query(url, "SELECT version_num FROM alembic_version") == [(revision_id(path),)]
    assert query(url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'author_name_key'::regclass") == [
        (True,)
    ]
    assert query(url, "SELECT contype FROM pg_constraint WHERE conname = 'author_name_key'") == [("u",)]
    check = scenario.run("check")
    assert check.rc == 0 and CLEAN in check.out, check.output


def test_safe_false_keeps_the_plain_plans_and_squawk_says_what_they_lock(scenario: Project) -> None:
    pyproject = scenario.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "safe = false\n")
    scenario.edit(
        DOC,
        "CREATE INDEX idx_book_pages ON book (pages);",
        "CREATE INDEX idx_book_pages ON book (pages);\nCREATE INDEX idx_book_title ON book (title);",
    )
    result, path = scenario.revise("title index")
    assert result.rc == 0 and path is not None, result.output
    assert "SET lock_timeout" not in path.read_text() and "autocommit_block" not in path.read_text()
    assert operations(path) == ["op.create_index('idx_book_title', 'book', ['title'], unique=False)"]
    line = scenario.line_of(DOC, "idx_book_title")
    assert "mdschema: squawk: " in result.out and "finding(s) on the new revision" in result.out, (
        result.output
    )
    assert f"spec/{DOC}:{line}: [require-concurrent-index-creation]" in result.out, result.output
    lint = scenario.run("lint", "--migrations")
    assert lint.rc == 1, lint.output
    assert f"spec/{DOC}:{line}: [require-concurrent-index-creation]" in lint.out, lint.output
    assert "[require-lock-timeout]" in lint.out, lint.output
    upgrade_and_check(scenario)
