"""Nothing left half-done: a revision killed during its proof leaves no file in versions/, the next
command reports the docs as not yet revised and recovers by itself."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from support.projects import CLI, LIBRARY, make_project


def test_a_revision_killed_during_its_proof_leaves_nothing_behind(tmp_path: Path, pg_server: str) -> None:
    project = make_project(tmp_path, {"library.md": LIBRARY}, shadow_url=pg_server)
    project.ok("revision", "-m", "initial")
    project.edit("library.md", "    bio TEXT,", "    bio TEXT,\n    subtitle TEXT,")
    before = project.revisions()
    staging = project.root / ".mdschema" / "staging"
    proc = subprocess.Popen(
        [*CLI, "-C", str(project.root), "revision", "-m", "subtitle"],
        env=project.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    drafted = False
    while time.monotonic() < deadline and proc.poll() is None:
        drafts = (
            [p for p in staging.glob("*/versions/*.py") if "subtitle" in p.name] if staging.is_dir() else []
        )
        if drafts:  # written, being proven: now the power goes
            proc.send_signal(signal.SIGKILL)
            drafted = True
            break
        time.sleep(0.01)
    proc.wait(timeout=30)
    assert drafted, "the revision finished before it could be interrupted"
    assert project.revisions() == before  # nothing unproven in versions/

    check = project.run("check")
    assert check.rc == 1 and "column author.subtitle: added" in check.out, check.output
    result, written = project.revise("subtitle")
    assert result.rc == 0 and written is not None, result.output
    assert not list(staging.glob("*"))  # the dead process's copy was cleared away
    assert project.run("check").rc == 0


def test_the_server_dying_during_a_proof_is_a_clear_error_and_the_next_command_recovers(
    project_root: Path, pg_server: str
) -> None:
    """Shadows on the project's own embedded server (no MDSCHEMA_SHADOW_URL), whose postmaster is killed
    while the new revision is being proven."""
    import os

    project = make_project(project_root, {"library.md": LIBRARY}, shadow_url=pg_server)
    env = {k: v for k, v in project.env().items() if k != "MDSCHEMA_SHADOW_URL"}
    project.shadow_url = ""
    first = subprocess.run([*CLI, "-C", str(project.root), "revision", "-m", "initial"], env=env,
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert first.returncode == 0, first.stdout + first.stderr
    project.edit("library.md", "    bio TEXT,", "    bio TEXT,\n    subtitle TEXT,")
    before = project.revisions()
    staging = project.root / ".mdschema" / "staging"
    pid_file = project.root / ".mdschema" / "pgdata" / "postmaster.pid"
    proc = subprocess.Popen([*CLI, "-C", str(project.root), "revision", "-m", "subtitle"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 120
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        if staging.is_dir() and list(staging.glob("*/versions/*subtitle*.py")) and pid_file.is_file():
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
            killed = True
            break
        time.sleep(0.01)
    out, err = proc.communicate(timeout=120)
    assert killed, "the revision finished before the server could be killed"
    assert proc.returncode == 2, out + err
    assert "internal error" not in err and "mdschema: error:" in err, err
    assert project.revisions() == before
    again = subprocess.run([*CLI, "-C", str(project.root), "revision", "-m", "subtitle"], env=env,
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(project.revisions()) == len(before) + 1
