"""`mdschema check` on a small project: (c) a live database changed by hand, or behind head; (b) docs and
models changed without a revision; (a) docs changed without `mdschema generate`. Every finding names the
object and the doc line it comes from; --format json and --format github carry the same findings."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from support.projects import LIBRARY, Project, execute, make_project, revision_id

DOC = "library.md"
CLEAN = "mdschema: clean (docs, generated/, migrations, database)"


@pytest.fixture(scope="module")
def base(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The small project with its initial revision (no database): copied by each test."""
    project = make_project(tmp_path_factory.mktemp("drift"), {DOC: LIBRARY}, pg_server)
    result, path = project.revise("initial")
    assert result.rc == 0 and path is not None, result.output
    return project


@pytest.fixture
def project(base: Project, tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    shutil.copytree(base.root, root)
    return Project(root, base.shadow_url)


def test_database_changed_by_hand(project: Project, make_database: Callable[..., str]) -> None:
    project.database_url = make_database(template=None)
    project.ok("upgrade")
    assert CLEAN in project.ok("check").out

    execute(
        project.database_url,
        "ALTER TABLE book ALTER COLUMN title TYPE varchar(150)",
        "DROP INDEX idx_book_pages",
        "ALTER TABLE author ADD COLUMN nickname text",
        "ALTER TABLE book ALTER COLUMN pages SET DEFAULT 7",
        "ALTER TYPE book_status ADD VALUE 'lost'",
    )
    line = {
        needle: f"spec/{DOC}:{project.line_of(DOC, needle)}"
        for needle in (
            "title VARCHAR(200)",
            "CREATE INDEX idx_book_pages",
            "CREATE TABLE author (",
            "pages INTEGER,",
            "CREATE TYPE book_status",
        )
    }
    expected = [
        f"{line['title VARCHAR(200)']}: database: drift: book.title is character varying(150) in the "
        "database, character varying(200) in the docs",
        f"{line['CREATE INDEX idx_book_pages']}: database: drift: index book.idx_book_pages: CREATE INDEX "
        "idx_book_pages ON public.book USING btree (pages) is in the docs but not in the database",
        f"{line['CREATE TABLE author (']}: database: drift: column author.nickname is in the database but "
        "not in the docs",
        f"{line['pages INTEGER,']}: database: drift: book.pages default is 7 in the database, none in the "
        "docs",
        f"{line['CREATE TYPE book_status']}: database: drift: enum book_status: labels (draft, published, "
        "lost) → (draft, published) (database → docs)",
    ]

    text = project.run("check")
    assert text.rc == 1, text.output
    lines = text.out.splitlines()
    for finding in expected:
        assert finding in lines, text.output
    assert lines[-1] == "mdschema: 5 difference(s) (docs, generated/, migrations, database)", text.output

    as_json = project.run("check", "--format", "json")
    assert as_json.rc == 1, as_json.output
    report = json.loads(as_json.out)
    assert report["clean"] is False and report["checked"] == "docs, generated/, migrations, database"
    findings = {(f["level"], f["where"], f["message"]) for f in report["findings"]}
    assert findings == {("database", *finding.split(": database: ", 1)) for finding in expected}

    github = project.run("check", "--format", "github")
    assert github.rc == 1, github.output
    annotations = github.out.splitlines()
    assert len(annotations) == 5, github.output
    for finding in expected:
        where, message = finding.split(": database: ", 1)
        path, lineno = where.rsplit(":", 1)
        assert f"::error file={path},line={lineno},title=mdschema database::{message}" in annotations


def test_database_behind_head_then_upgraded(project: Project, make_database: Callable[..., str]) -> None:
    project.database_url = make_database(template=None)
    (head,) = [revision_id(p) for p in project.revisions()]
    behind = project.run("check")
    assert behind.rc == 1, behind.output
    assert (
        f"alembic_version: database: the database is at base, the migrations' head is {head}: run "
        "`mdschema upgrade`" in behind.out
    ), behind.output
    assert (
        f"spec/{DOC}:{project.line_of(DOC, 'CREATE TABLE book (')}: database: drift: table book" in behind.out
    )

    project.ok("upgrade")
    after = project.run("check")
    assert after.rc == 0 and CLEAN in after.out, after.output
    as_json = json.loads(project.ok("check", "--format", "json").out)
    assert as_json == {"clean": True, "checked": "docs, generated/, migrations, database", "findings": []}


def test_generated_without_revision(project: Project) -> None:
    project.edit(
        DOC,
        "    isbn TEXT,",
        "    subtitle TEXT,                                  -- Subtitle\n    isbn TEXT,",
    )
    assert "wrote generated/library.py" in project.ok("generate").out
    assert project.ok("check", "--offline").rc == 0  # docs ↔ generated/ agree

    result = project.run("check")
    assert result.rc == 1, result.output
    line = project.line_of(DOC, "subtitle TEXT")
    assert (
        f"spec/{DOC}:{line}: migrations: the docs changed but no revision was made: column book.subtitle: "
        "added text (run `mdschema revision -m ...`)" in result.out.splitlines()
    ), result.output
    assert result.out.splitlines()[-1] == "mdschema: 1 difference(s) (docs, generated/, migrations)", (
        result.output
    )

    github = project.run("check", "--format", "github")
    assert github.rc == 1
    assert github.out.startswith(
        f"::error file=spec/{DOC},line={line},title=mdschema migrations::the docs changed "
        "but no revision was made"
    ), github.output


def test_docs_edited_without_generate(project: Project) -> None:
    project.edit(DOC, "title VARCHAR(200) NOT NULL,", "title VARCHAR(250) NOT NULL,")
    offline = project.run("check", "--offline")
    assert offline.rc == 1, offline.output
    assert "generated/library.py" in offline.out and "run `mdschema generate`" in offline.out, offline.output
    assert "String(250)" in offline.out or "250" in offline.out  # the diff is shown

    result = project.run("check", "--format", "json")
    assert result.rc == 1, result.output
    report = json.loads(result.out)
    assert report["clean"] is False
    assert {
        "level": "docs",
        "where": "generated/library.py",
        "message": "generated file differs from the docs: run `mdschema generate`",
    } in report["findings"]
