"""The GitHub Action (action.yml): its check step, run as Actions runs it, on a project with drift."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from support.projects import LIBRARY, REPO, make_project


def _steps() -> list[dict[str, object]]:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    return action["runs"]["steps"]  # type: ignore[no-any-return]


def _script(step: dict[str, object], inputs: dict[str, str]) -> str:
    text = str(step["run"]).replace("${{ github.action_path }}", str(REPO))
    return re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: inputs[m.group(1)], text)


def test_the_check_step_annotates_the_doc_line_and_writes_sarif(tmp_path: Path, pg_server: str) -> None:
    project = make_project(tmp_path, {"library.md": LIBRARY}, shadow_url=pg_server)
    project.ok("revision", "-m", "initial")
    project.edit("library.md", "    bio TEXT,", "    bio TEXT,\n    subtitle TEXT,")
    project.ok("generate")
    line = project.line_of("library.md", "subtitle TEXT")
    (check,) = [s for s in _steps() if s.get("name") == "mdschema check"]
    sarif = tmp_path / "out.sarif"
    env = {
        **project.env(),
        "DATABASE_URL": "",
        "MDSCHEMA_SARIF": str(sarif),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    inputs = {"working-directory": str(project.root), "database-url": "", "sarif-file": str(sarif)}
    result = subprocess.run(
        ["bash", "-e", "-c", _script(check, inputs)],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"::error file=spec/library.md,line={line},title=mdschema migrations::" in result.stdout
    (run,) = json.loads(sarif.read_text())["runs"]
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in run["results"] if "locations" in r]
    assert {"startLine": line} in regions
    assert len(run["results"]) == result.stdout.count("::error ")


def test_every_step_is_a_shell_step_or_a_pinned_action() -> None:
    for step in _steps():
        assert "run" in step and step.get("shell") == "bash" or str(step.get("uses", "")).count("@") == 1
