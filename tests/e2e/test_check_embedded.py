"""`mdschema check` with no URL checks the database `mdschema upgrade` acts on: the embedded one."""

from __future__ import annotations

from pathlib import Path

from support.projects import LIBRARY, make_project


def test_check_sees_the_embedded_database_one_revision_behind(project_root: Path, pg_server: str) -> None:
    project = make_project(project_root, {"library.md": LIBRARY}, shadow_url=pg_server)
    project.ok("revision", "-m", "initial")
    project.edit("library.md", "    bio TEXT,", "    bio TEXT,\n    subtitle TEXT,")
    project.ok("revision", "-m", "subtitle")
    project.ok("upgrade")  # no URL: the project's embedded server
    clean = project.ok("check")
    assert "clean (docs, generated/, migrations, the embedded database)" in clean.out
    project.ok("downgrade", "-1")
    behind = project.run("check")
    assert behind.rc == 1, behind.output
    assert "the database is at" in behind.out and "run `mdschema upgrade`" in behind.out
    assert "is in the docs but not in the database" in behind.out  # author.subtitle
    assert "the embedded database" in behind.out


def test_check_leaves_an_unmigrated_project_alone(tmp_path: Path, pg_server: str) -> None:
    project = make_project(tmp_path, {"library.md": LIBRARY}, shadow_url=pg_server)
    project.ok("revision", "-m", "initial")
    result = project.ok("check")
    assert "clean (docs, generated/, migrations)" in result.out
    assert not (project.root / ".mdschema" / "pgdata").exists()  # no server was made for it


def _run_on_a_terminal(project: object, *args: str) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal, as in a user's shell; (exit code, what stderr got)."""
    import os
    import pty
    import subprocess

    from support.projects import CLI

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [*CLI, "-C", str(project.root), *args],  # type: ignore[attr-defined]
        env=project.env(),  # type: ignore[attr-defined]
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=300), b"".join(chunks).decode()


def test_long_steps_show_progress_on_a_terminal_and_not_with_q(tmp_path: Path, pg_server: str) -> None:
    project = make_project(tmp_path, {"library.md": LIBRARY}, shadow_url=pg_server)
    rc, stderr = _run_on_a_terminal(project, "revision", "-m", "initial")
    assert rc == 0, stderr
    assert "mdschema: building the models' schema (3 tables) on a shadow" in stderr
    assert "mdschema: proving" in stderr
    project.edit("library.md", "    bio TEXT,", "    bio TEXT,\n    subtitle TEXT,")
    rc, stderr = _run_on_a_terminal(project, "revision", "-m", "subtitle", "-q")
    assert rc == 0, stderr
    assert "mdschema:" not in stderr
    piped = project.run("revision", "-m", "nothing")  # not a terminal: no progress either
    assert "replaying" not in piped.err
