"""Stock `alembic revision --autogenerate` and `alembic check` in an mdschema project give mdschema's
answer: the same operations `mdschema revision` writes, diffed against the connected database.

Each scenario is a doc edit of the kind Alembic's own comparison misses or gets wrong.
"""

from __future__ import annotations

import ast
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from support.projects import ALEMBIC, LIBRARY, Project, make_project

SCENARIOS = {
    "enum label": [("CREATE TYPE book_status AS ENUM ('draft', 'published');",
                    "CREATE TYPE book_status AS ENUM ('draft', 'review', 'published');")],
    "check expression": [("CHECK (rating BETWEEN 1 AND 5)", "CHECK (rating BETWEEN 1 AND 10)")],
    "partial index where": [("WHERE status = 'published';", "WHERE status <> 'draft';")],
    "index method and opclass": [
        ("CREATE INDEX idx_review_body ON review (body);",
         "CREATE INDEX idx_review_body ON review USING hash (body text_ops);")
    ],
    "index include": [("CREATE INDEX idx_book_pages ON book (pages);",
                       "CREATE INDEX idx_book_pages ON book (pages) INCLUDE (title);")],
    "function body": [("    NEW.updated_at = now();", "    NEW.updated_at = clock_timestamp();")],
    "trigger": [("BEFORE UPDATE ON book FOR EACH ROW", "BEFORE INSERT OR UPDATE ON book FOR EACH ROW")],
    "comments": [("-- Short biography", "-- A short biography, in the third person")],
    "several at once": [
        ("CREATE TYPE book_status AS ENUM ('draft', 'published');",
         "CREATE TYPE book_status AS ENUM ('draft', 'published', 'retired');"),
        ("    born_year INTEGER                               -- Year of birth",
         "    born_year INTEGER,                              -- Year of birth\n    website TEXT"),
    ],
}  # fmt: skip


def _alembic(project: Project, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ALEMBIC, *args], cwd=project.root, env=project.env(url), capture_output=True, text=True, timeout=300
    )


def _bodies(path: Path) -> tuple[str, str]:
    """upgrade() and downgrade() as ASTs: formatting, quoting and comments aside."""
    tree = ast.parse(path.read_text())
    funcs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    return tuple(
        ast.dump(ast.Module(body=funcs[name].body, type_ignores=[])) for name in ("upgrade", "downgrade")
    )  # type: ignore[return-value]


@pytest.fixture
def pg_url(make_database: Callable[..., str]) -> str:
    return make_database(template=None)  # a plain database, as a user's is (no extension installed)


@pytest.fixture
def migrated(tmp_path: Path, pg_server: str, pg_url: str) -> Project:
    project = make_project(tmp_path, {"library.md": LIBRARY}, shadow_url=pg_server, database_url=pg_url)
    project.ok("revision", "-m", "initial")
    project.ok("upgrade")
    return project


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_stock_autogenerate_writes_what_mdschema_revision_writes(
    scenario: str, migrated: Project, pg_url: str
) -> None:
    for old, new in SCENARIOS[scenario]:
        migrated.edit("library.md", old, new)
    migrated.ok("generate")
    dirty = _alembic(migrated, pg_url, "check")  # Alembic alone says "No new upgrade operations" here
    assert dirty.returncode != 0 and "New upgrade operations detected" in dirty.stdout + dirty.stderr
    before = migrated.revisions()
    stock = _alembic(migrated, pg_url, "revision", "--autogenerate", "-m", "stock")
    assert stock.returncode == 0, stock.stdout + stock.stderr
    stock_file = migrated.revision_file(before)
    stock_bodies = _bodies(stock_file)
    stock_file.unlink()
    ours = migrated.ok("revision", "-m", "mdschema")
    ours_file = migrated.revision_file(before)
    assert stock_bodies == _bodies(ours_file), ours.out
    assert "Pass()" not in stock_bodies[0]  # it really wrote operations

    migrated.ok("upgrade")
    clean = _alembic(migrated, pg_url, "check")
    assert clean.returncode == 0 and "No new upgrade operations detected" in clean.stdout, clean.stderr


def test_a_rename_is_refused_with_the_mdschema_command(migrated: Project, pg_url: str) -> None:
    migrated.edit("library.md", "    bio TEXT,", "    biography TEXT,")
    migrated.edit("library.md", "-- Short biography", "-- Short biography (renamed from: bio)")
    migrated.ok("generate")
    before = migrated.revisions()
    stock = _alembic(migrated, pg_url, "revision", "--autogenerate", "-m", "stock")
    assert stock.returncode != 0
    assert "only `mdschema revision` can write that migration" in stock.stderr
    assert migrated.revisions() == before


def test_a_destructive_change_is_refused_with_the_mdschema_command(migrated: Project, pg_url: str) -> None:
    migrated.edit(
        "library.md", "    phone TEXT,                                     -- Phone number, digits only\n", ""
    )
    migrated.ok("generate")
    before = migrated.revisions()
    stock = _alembic(migrated, pg_url, "revision", "--autogenerate", "-m", "stock")
    assert stock.returncode != 0
    assert "mdschema revision -m ... --allow drop_column" in stock.stderr
    assert migrated.revisions() == before
