"""`mdschema baseline`: an existing database, its docs imported, becomes revision one, stamped, no DDL run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mdschema.catalog.snapshot import snapshot
from mdschema.database import connect
from support.projects import REPO, execute, make_project, query, revision_id
from support.roundtrip import copy_project, migrate

RELATIONS = (
    "SELECT relname, relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' ORDER BY 1"
)


def _existing_database(tmp_path: Path, make_database: Callable[..., str]) -> str:
    """youtube_talker's schema in a database that has never seen mdschema (no alembic_version)."""
    url = make_database(template=None)
    migrate(copy_project(REPO / "examples" / "youtube_talker", tmp_path / "example"), url)
    execute(url, "DROP TABLE alembic_version")
    return url


def test_baseline_stamps_the_database_it_proved_equal(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    url = _existing_database(tmp_path, make_database)
    project = make_project(tmp_path, {}, pg_server, database_url=url)
    project.ok("import", "--group-by", "fk-components")
    with connect(url) as conn:
        before, relations = snapshot(conn), query(url, RELATIONS)
    result = project.ok("baseline")
    (path,) = project.revisions()
    assert f"equals the docs (8 tables): wrote alembic/versions/{path.name}" in result.out
    assert f"at {revision_id(path)} (no DDL ran)" in result.out
    assert query(url, "SELECT version_num FROM alembic_version") == [(revision_id(path),)]
    with connect(url) as conn:
        assert snapshot(conn) == before  # not one object changed
    assert query(url, RELATIONS) == sorted(
        [*relations, ("alembic_version", "r"), ("alembic_version_pkc", "i")]
    )
    # from here on it is an ordinary mdschema project: clean at every level
    check = project.ok("check")
    assert "clean (docs, generated/, migrations, database)" in check.out
    again = project.run("baseline")
    assert again.rc == 2 and "already has 1 revision(s)" in again.err


def test_baseline_refuses_a_database_that_differs_and_writes_nothing(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    url = _existing_database(tmp_path, make_database)
    project = make_project(tmp_path, {}, pg_server, database_url=url)
    project.ok("import")
    project.edit(
        "public.md", "youtube_video_id character varying(50)", "youtube_video_id character varying(60)"
    )
    project.edit(
        "public.md",
        "    value jsonb NOT NULL,",
        "    owner text,                        -- Who changed it last\n    value jsonb NOT NULL,",
    )
    refused = project.run("baseline")
    assert refused.rc == 1, refused.output
    video_line = project.line_of("public.md", "youtube_video_id character varying(60)")
    owner_line = project.line_of("public.md", "owner text")
    assert f"spec/public.md:{owner_line}: column config.owner: added text" in refused.out
    assert (
        f"spec/public.md:{video_line}: column transcripts.youtube_video_id: type character varying(50) → "
        "character varying(60)" in refused.out
    )
    assert "nothing was written" in refused.out
    assert refused.out.count("\n  spec/public.md:") == 2  # exactly those two differences
    assert project.revisions() == []
    assert query(url, "SELECT to_regclass('alembic_version')") == [(None,)]
