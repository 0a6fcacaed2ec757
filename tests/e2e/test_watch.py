"""`mdschema watch` with real file edits: regenerates, reports a broken doc at its line and keeps the last
good output, and with --check says when the docs changed but no revision was made."""

from __future__ import annotations

import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

from support.projects import CLI, LIBRARY, Project, make_project


class Watcher:
    def __init__(self, project: Project, *extra: str) -> None:
        self.proc = subprocess.Popen(
            [*CLI, "-C", str(project.root), "watch", *extra],
            env=project.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 60) -> list[str]:
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(line)
            if text in line:
                return seen
        raise AssertionError(f"never saw {text!r}; saw:\n" + "\n".join(seen))

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=30)


def test_watch_regenerates_and_survives_a_broken_doc(tmp_path: Path, pg_server: str) -> None:
    project = make_project(tmp_path, {"library.md": LIBRARY}, shadow_url=pg_server)
    watcher = Watcher(project)
    try:
        watcher.wait_for("watching")
        module = project.root / "generated" / "library.py"
        assert "class Author" in module.read_text()

        project.edit("library.md", "    bio TEXT,", "    bio TEXT,\n    subtitle TEXT,")
        watcher.wait_for("wrote generated/library.py")
        good = module.read_text()
        assert "subtitle" in good

        project.edit("library.md", "    subtitle TEXT,", "    subtitle TEXTT,")
        line = project.line_of("library.md", "TEXTT")
        seen = watcher.wait_for("left as it was")
        assert any(f"spec/library.md:{line}: error[E203]" in s for s in seen), seen
        assert module.read_text() == good

        project.edit("library.md", "    subtitle TEXTT,", "    subtitle VARCHAR(80),")
        watcher.wait_for("wrote generated/library.py")
        assert "String(80)" in module.read_text()
    finally:
        assert watcher.stop() in (0, 130, -signal.SIGINT)


def test_watch_check_says_a_revision_is_missing(tmp_path: Path, pg_server: str) -> None:
    project = make_project(tmp_path, {"library.md": LIBRARY}, shadow_url=pg_server)
    project.ok("revision", "-m", "initial")
    watcher = Watcher(project, "--check")
    try:
        watcher.wait_for("the migrations match the docs")
        watcher.wait_for("watching")
        project.edit("library.md", "    bio TEXT,", "    bio TEXT,\n    subtitle TEXT,")
        seen = watcher.wait_for("the docs changed but no revision was made")
        assert any("column author.subtitle: added" in s for s in seen), seen
    finally:
        watcher.stop()
