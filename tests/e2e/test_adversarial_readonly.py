"""A read-only checkout (a CI cache mount, a user without write access): every read-only command works,
`generate` with nothing to change writes nothing, and a write that is needed is refused naming the path.

The checkout is made read-only with a read-only bind mount in a private mount namespace (root ignores
file modes, a mount it cannot)."""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from support.projects import CLI, LIBRARY, Project, make_project


def _read_only(
    project: Project, *args: str, database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    root = shlex.quote(str(project.root))
    command = " ".join(shlex.quote(a) for a in [*CLI, "-C", str(project.root), *args])
    script = f"mount --bind {root} {root} && mount -o remount,bind,ro {root} {root} && exec {command}"
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        env=project.env(database_url),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def pg_url(make_database: Callable[..., str]) -> str:
    return make_database(template=None)


@pytest.fixture
def migrated(tmp_path: Path, pg_server: str, pg_url: str) -> Project:
    project = make_project(tmp_path, {"library.md": LIBRARY}, shadow_url=pg_server, database_url=pg_url)
    project.ok("revision", "-m", "initial")
    project.ok("upgrade")
    return project


def test_the_mount_is_really_read_only(migrated: Project) -> None:
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount --bind {migrated.root} {migrated.root} && "
         f"mount -o remount,bind,ro {migrated.root} {migrated.root} && touch {migrated.root}/x"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert probe.returncode != 0 and "Read-only file system" in probe.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--offline"),
        ("check", "--offline", "--no-cache"),
        ("check",),
        ("current",),
        ("history",),
        ("generate",),
    ],
    ids=" ".join,
)
def test_read_only_commands_work(migrated: Project, pg_url: str, args: tuple[str, ...]) -> None:
    for path in (migrated.root / ".mdschema" / "cache").glob("*"):
        path.unlink()  # nothing cached: check must still work without writing its caches here
    before = {p: p.stat().st_mtime_ns for p in migrated.root.rglob("*") if p.is_file()}
    result = _read_only(migrated, *args, database_url=pg_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "internal error" not in result.stderr
    assert {p: p.stat().st_mtime_ns for p in migrated.root.rglob("*") if p.is_file()} == before


def test_a_needed_write_names_the_path(migrated: Project) -> None:
    migrated.edit("library.md", "    bio TEXT,", "    bio TEXT,\n    subtitle TEXT,")
    result = _read_only(migrated, "generate")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "cannot write" in result.stderr and "generated" in result.stderr
    assert "Read-only file system" in result.stderr and "internal error" not in result.stderr
