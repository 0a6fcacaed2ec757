"""`Base.metadata.create_all()` alone builds what `mdschema upgrade` builds, and `drop_all()` removes it.

The generated ddl.py attaches the extensions, functions and triggers to the metadata's DDL events, so a
test or an `init_db()` that uses plain `create_all` gets the whole schema (a vector column needs its
extension first; a trigger its function). For the repository's own project, each example and a doc whose
function body holds `%` and `:word`: `mdschema upgrade` into one plain database (no pgvector installed),
`create_all` into another, the two catalogs compared with mdschema's snapshot, names and comments
included; then `drop_all` leaves the second database as empty as a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mdschema.catalog.describe import describe
from mdschema.catalog.diff import diff
from mdschema.catalog.snapshot import Snapshot, snapshot
from mdschema.database import connect
from mdschema.migrations.models import excluded_tables, load_package, models_script
from sqlalchemy import create_engine
from support.projects import REPO, Project, make_project
from support.roundtrip import copy_project, migrate

PERCENT_DOC = """\
# Notes

```sql
CREATE TABLE note (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body text NOT NULL,
    label text
);

CREATE FUNCTION note_label() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.label := format('%s is 100%% :done', NEW.body) || ' :x %%';
    RETURN NEW;
END;
$$;

CREATE TRIGGER note_label BEFORE INSERT ON note FOR EACH ROW EXECUTE FUNCTION note_label();
```
"""

PROJECTS = ("spec", "study_sessions", "todo_chatbot", "chat_playground", "youtube_talker")


def _catalog(url: str, exclude: frozenset[str]) -> Snapshot:
    with connect(url) as conn:
        return snapshot(conn, exclude_tables=exclude)


def _project(name: str, tmp_path: Path, pg_server: str) -> Project:
    if name == "percent":
        project = make_project(tmp_path, {"notes.md": PERCENT_DOC}, pg_server)
        project.ok("generate")
        _, written = project.revise("notes")
        assert written is not None
        return project
    source = REPO if name == "spec" else REPO / "examples" / name
    return Project(copy_project(source, tmp_path / "proj"), pg_server)


def _create_all(url: str, models: Any, drop: bool = False) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if drop:
                models.Base.metadata.drop_all(conn)
            else:
                models.Base.metadata.create_all(conn)
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", [*PROJECTS, "percent"])
def test_create_all_builds_what_upgrade_builds_and_drop_all_removes_it(
    name: str, tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = _project(name, tmp_path, pg_server)
    migrated, created, empty = make_database(None), make_database(None), make_database(None)
    if name == "spec":  # `users` is external: alembic's upgrade with its stand-in, as the shadow does
        migrate(project.root, migrated, embedded=True)
    else:
        project.ok("upgrade", database_url=migrated)
    models = load_package(project.root, "generated", fresh=True)
    exclude = excluded_tables(models)

    _create_all(created, models)
    built = _catalog(created, exclude)
    assert [describe(c) for c in diff(_catalog(migrated, exclude), built)] == []
    assert built.tables, "nothing was built"

    _create_all(created, models, drop=True)
    assert [describe(c) for c in diff(_catalog(empty, exclude), _catalog(created, exclude))] == []


def test_create_all_runs_extensions_functions_and_triggers_in_order(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """The function body reaches PostgreSQL as the doc wrote it (`%`, `%%`, `:done`, `:x` untouched): the
    trigger computes the label the doc's SQL computes. The models' script for the shadow (which runs
    create_all on a mock engine, events included) holds each function and trigger once."""
    project = _project("percent", tmp_path, pg_server)
    url = make_database(None)
    models = load_package(project.root, "generated", fresh=True)
    _create_all(url, models)
    with connect(url) as conn:
        conn.execute("INSERT INTO note (body) VALUES ('it')")
        assert conn.execute("SELECT label FROM note").fetchone() == ("it is 100% :done :x %%",)
    script = models_script(models).decode()
    assert script.count("CREATE OR REPLACE FUNCTION note_label()") == 1
    assert script.count("CREATE OR REPLACE TRIGGER note_label") == 1
    assert "100%% :done" in script and "%%%%" not in script  # as the doc wrote it, not re-escaped
    assert script.index("CREATE TABLE note") < script.index("FUNCTION note_label")


def test_create_all_creates_the_vector_extension_first(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """study_sessions has a vector column: without the extension create_all fails with `type "vector"
    does not exist`; with the events it creates the extension, and drop_all drops it."""
    project = _project("study_sessions", tmp_path, pg_server)
    url = make_database(None)
    models = load_package(project.root, "generated", fresh=True)
    _create_all(url, models)
    with connect(url) as conn:
        assert conn.execute("SELECT extname FROM pg_extension WHERE extname = 'vector'").fetchall() == [
            ("vector",)
        ]
    _create_all(url, models, drop=True)
    with connect(url) as conn:
        assert conn.execute("SELECT extname FROM pg_extension WHERE extname = 'vector'").fetchall() == []
