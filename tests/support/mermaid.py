"""Mermaid's own parser and a headless Chromium, driven from the tests (tests/support/js/).

`.ci/run` installs the npm packages (`npm ci --prefix tests/support/js`) and Debian's chromium; a test run
without them installs the npm packages itself (once, under a lock), so a developer needs only `npm`.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

JS = Path(__file__).resolve().parent / "js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def ensure_node_modules() -> Path:
    """tests/support/js/node_modules, installed from the lockfile when missing."""
    marker = JS / "node_modules" / "mermaid" / "package.json"
    if marker.is_file():
        return JS
    npm = shutil.which("npm")
    assert npm, "npm is needed for the diagram tests: run .ci/run, or install Node.js 20 and npm"
    with open(JS / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.is_file():
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(JS)],
                check=True,
                capture_output=True,
                timeout=600,
            )
    return JS


def parse(diagrams: list[str]) -> list[str | None]:
    """Mermaid's verdict on each diagram: None when it parses as an erDiagram, else the error."""
    ensure_node_modules()
    proc = subprocess.run(
        ["node", str(JS / "parse.mjs")],
        input=json.dumps(diagrams),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=JS,
    )
    assert proc.returncode == 0, proc.stderr
    results: list[str | None] = json.loads(proc.stdout)
    return results


def render_png(diagram: str, out: Path) -> dict[str, object]:
    """Draw `diagram` in headless Chromium; the PNG at `out`, and what the SVG holds."""
    ensure_node_modules()
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)"
    source = out.with_suffix(".mmd")
    source.write_text(diagram, encoding="utf-8")
    proc = subprocess.run(
        ["node", str(JS / "render.mjs"), str(source), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=JS,
        env={**os.environ, "CHROMIUM": CHROMIUM},
    )
    assert proc.returncode == 0, proc.stderr
    info: dict[str, object] = json.loads(proc.stdout)
    return info
