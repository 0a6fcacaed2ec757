"""Shadow templates under concurrency: many commands at once on cold caches, and two projects revising at
the same time on one shadow server, all succeed; databases an interrupted command left are cleared."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mdschema.database import connect, create_database, drop_database
from support.projects import CLI, LIBRARY, Project, make_project, query

PARALLEL_CHECKS = 20


def _run(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "-C", str(project.root), *args], env=project.env(), capture_output=True, text=True, timeout=600
    )


def test_twenty_checks_at_once_on_cold_caches(tmp_path: Path, pg_server: str) -> None:
    project = make_project(tmp_path, {"library.md": LIBRARY}, shadow_url=pg_server)
    project.ok("revision", "-m", "initial")
    cache = project.root / ".mdschema" / "cache"
    for path in cache.glob("*"):
        path.unlink()
    with connect(pg_server) as conn:  # no template either: every check must build or wait for one
        for (name,) in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'mds\\_template\\_%'"
        ):
            drop_database(pg_server, name)
    with ThreadPoolExecutor(PARALLEL_CHECKS) as pool:
        results = list(pool.map(lambda _: _run(project, "check"), range(PARALLEL_CHECKS)))
    failures = [r.stdout + r.stderr for r in results if r.returncode != 0]
    assert not failures, failures[0]
    assert all("clean" in r.stdout for r in results)


def test_two_projects_revise_at_once_on_one_shadow_server(tmp_path: Path, pg_server: str) -> None:
    a = make_project(tmp_path / "a", {"library.md": LIBRARY}, shadow_url=pg_server)
    b = make_project(
        tmp_path / "b", {"library.md": LIBRARY.replace("author", "writer")}, shadow_url=pg_server
    )
    for project in (a, b):
        project.ok("revision", "-m", "initial")
    for step in range(2):
        for project in (a, b):
            project.edit("library.md", "    bio TEXT,", f"    bio TEXT,\n    extra_{step} TEXT,")
        args = ("revision", "-m", f"round {step}")
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(_run, (a, b), (args[0], args[0]), ("-m", "-m"), (args[2], args[2])))
        for r in results:
            assert r.returncode == 0 and "proven on a shadow database" in r.stdout, r.stdout + r.stderr
    for project in (a, b):
        assert project.run("check").rc == 0


def test_an_invalid_database_left_by_an_interrupted_drop_is_cleared(tmp_path: Path, pg_server: str) -> None:
    """PostgreSQL 15+ marks a database whose DROP was cut short invalid (datconnlimit = -2); it can only be
    dropped. A leftover shadow like that must not break later commands."""
    name = "mds_build_1_deadbeef"
    create_database(pg_server, name)
    with connect(pg_server) as conn:
        conn.execute(f"UPDATE pg_database SET datconnlimit = -2 WHERE datname = '{name}'")
    project = make_project(tmp_path, {"library.md": LIBRARY}, shadow_url=pg_server)
    project.ok("revision", "-m", "initial")  # builds a template: leftovers are cleared on the way
    assert query(pg_server, "SELECT count(*) FROM pg_database WHERE datname = %s", (name,)) == [(0,)]
    drop_database(pg_server, name)
