"""Installed the way users install it: the built wheel, non-editable (byte-compiled), in a fresh venv
outside the repository, used in a new project folder with the embedded PostgreSQL from that venv.

This is the test that sees what an editable install inside the repository hides: files the wheel
forgets, code that reads `__pycache__/` as a file, top-level packages other than `mdschema`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 900
# The wheel with the embedded PostgreSQL from its venv: nothing here uses the suite's server.
pytestmark = pytest.mark.embedded

DOCS = {
    "accounts.md": """\
        # Accounts

        ## account

        Someone who signs in.

        ```sql
        CREATE TABLE account (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            email varchar(320) NOT NULL UNIQUE,  -- where we write to them
            created_at timestamptz NOT NULL DEFAULT now()
        );
        ```
        """,
    "notes.md": """\
        # Notes

        ## note

        A note an account wrote.

        ```sql
        CREATE TYPE note_state AS ENUM ('draft', 'published');

        CREATE TABLE note (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            account_id uuid NOT NULL REFERENCES account (id) ON DELETE CASCADE,
            state note_state NOT NULL DEFAULT 'draft',
            body text NOT NULL
        );
        CREATE INDEX note_account_idx ON note (account_id);
        ```
        """,
}


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, f"$ {' '.join(cmd)} → {result.returncode}\n{result.stdout}{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)], cwd=out)
    (built,) = out.glob("mdschema-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path) -> Iterator[Path]:
    """bin/ of a fresh venv with the wheel installed (not editable; pip byte-compiles it)."""
    # mkdtemp, not pytest's tmp dir: as root the embedded server runs as another user and needs to
    # reach the venv's PostgreSQL binaries (pytest resets its tmp tree to 0700).
    home = Path(tempfile.mkdtemp(prefix="mds-install-"))
    os.chmod(home, 0o755)
    venv = home / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=home)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=home)
    try:
        yield venv / "bin"
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_the_wheel_installs_only_the_mdschema_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert tops == {"mdschema"}
    # what the package needs at run time travels with it
    assert "mdschema/codegen/templates/model_module.py.j2" in names
    assert "mdschema/migrations/scaffold/env.py.tmpl" in names
    assert "mdschema/py.typed" in names
    assert not [n for n in names if n.startswith("mdschema/") and "__pycache__" in n]


def test_nothing_else_is_importable_from_the_venv(installed: Path, tmp_path: Path) -> None:
    probe = (
        "import importlib.util, json, mdschema;"
        "print(json.dumps([importlib.util.find_spec(n) is not None for n in ('generated', 'generator')]))"
    )
    result = _run([str(installed / "python"), "-c", probe], cwd=tmp_path)
    assert result.stdout.strip() == "[false, false]"
    version = _run([str(installed / "mdschema"), "--version"], cwd=tmp_path)
    assert version.stdout.startswith("mdschema ")
    module = _run([str(installed / "python"), "-m", "mdschema", "--version"], cwd=tmp_path)
    assert module.stdout == version.stdout


def test_a_new_project_goes_from_docs_to_a_migrated_database(installed: Path) -> None:
    project = Path(tempfile.mkdtemp(prefix="mds-project-"))
    try:
        (project / "docs").mkdir()
        pyproject = '[project]\nname = "shop"\nversion = "0"\n\n[tool.mdschema]\ndocs = ["docs/*.md"]\n'
        (project / "pyproject.toml").write_text(pyproject + 'package = "shop_models"\n')
        for name, text in DOCS.items():
            (project / "docs" / name).write_text(textwrap.dedent(text))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "MDSCHEMA_"))}
        env["PATH"] = f"{installed}{os.pathsep}{env.get('PATH', '')}"
        mds = str(installed / "mdschema")

        generated = _run([mds, "generate"], project, env)
        assert "2 tables from 2 docs" in generated.stdout
        assert (project / "shop_models" / "notes.py").is_file()
        offline = _run([mds, "check", "--offline"], project, env)
        assert "current" in offline.stdout
        revision = _run([mds, "revision", "-m", "initial"], project, env)
        assert "proven on a shadow database" in revision.stdout
        (written,) = (project / "alembic" / "versions").glob("*.py")
        assert "from mdschema.migrations.env import run" in (project / "alembic" / "env.py").read_text()
        upgraded = _run([mds, "upgrade"], project, env)
        assert f"now at {written.name.split('_')[1]}" in upgraded.stdout
        _run([mds, "db", "start"], project, env)
        db_url = _run([mds, "db", "url"], project, env).stdout.strip()
        check = _run([mds, "check", "--database-url", db_url], project, env)
        assert "clean (docs, shop_models/, migrations, database)" in check.stdout
        # the models import and map from the user's project
        probe = "import shop_models as m; m.Base.registry.configure(); print(sorted(m.Base.metadata.tables))"
        tables = _run([str(installed / "python"), "-c", probe], project, env)
        assert tables.stdout.strip() == "['account', 'note']"
    finally:
        subprocess.run([str(installed / "mdschema"), "-C", str(project), "db", "stop"], capture_output=True)
        shutil.rmtree(project, ignore_errors=True)


def _other_pythons() -> list[str]:
    """Interpreters besides this one that users run the hook with (those installed on this machine)."""
    found: dict[str, str] = {}
    candidates = [shutil.which(n) or "" for n in ("python3.12", "python3.13")]
    candidates += sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.1[23]*/bin/python3.1[23]"))
    for path in candidates:
        if not path:
            continue
        probe = subprocess.run(
            [path, "-c", "import sys, venv; print(sys.version[:4])"], capture_output=True, text=True
        )
        if probe.returncode == 0 and probe.stdout.strip() not in found:
            found[probe.stdout.strip()] = path
    return list(found.values())


@pytest.mark.parametrize("python", _other_pythons() or [sys.executable])
def test_generate_and_the_offline_check_work_from_a_wheel_on_other_pythons(python: str, wheel: Path) -> None:
    home = Path(tempfile.mkdtemp(prefix="mds-py-"))
    try:
        venv = home / "venv"
        _run([python, "-m", "venv", str(venv)], cwd=home)
        _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=home)
        project = home / "project"
        (project / "spec").mkdir(parents=True)
        (project / "pyproject.toml").write_text("[tool.mdschema]\n")
        for name, text in DOCS.items():
            (project / "spec" / name).write_text(textwrap.dedent(text))
        mds = str(venv / "bin" / "mdschema")
        _run([mds, "generate"], project)
        _run([mds, "check", "--offline"], project)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_the_pre_commit_hooks_work_through_try_repo(tmp_path: Path) -> None:
    """`pre-commit try-repo` installs this repository the way a user's `.pre-commit-config.yaml` would."""
    project = tmp_path / "project"
    (project / "spec").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.mdschema]\n")
    for name, text in DOCS.items():
        (project / "spec" / name).write_text(textwrap.dedent(text))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "MDSCHEMA_"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = "t"
    env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = "t@example.com"
    git = ["git", "-c", "init.defaultBranch=main"]
    _run([*git, "init", "-q"], project, env)
    _run(["git", "add", "-A"], project, env)
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO)]

    def hook(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*pre_commit, name, "--all-files"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )

    first = hook("mdschema-generate")  # writes the package (new files: nothing tracked was modified)
    assert first.returncode == 0, first.stdout + first.stderr
    assert (project / "generated" / "notes.py").is_file()
    _run(["git", "add", "-A"], project, env)
    check = hook("mdschema-check")
    assert check.returncode == 0, check.stdout + check.stderr
    notes = project / "spec" / "notes.md"
    notes.write_text(notes.read_text().replace("body text NOT NULL", "body text NOT NULL,\n    title text"))
    stale = hook("mdschema-check")
    assert stale.returncode == 1 and "generated/notes.py" in stale.stdout, stale.stdout
    regenerate = hook("mdschema-generate")  # rewrites a tracked module: the commit is stopped
    assert regenerate.returncode == 1 and "files were modified by this hook" in regenerate.stdout
    assert "title" in (project / "generated" / "notes.py").read_text()
    _run(["git", "add", "-A"], project, env)
    assert hook("mdschema-generate").returncode == 0
    assert hook("mdschema-check").returncode == 0
