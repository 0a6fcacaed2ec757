"""Paths: nothing is ever read from or written outside the project, and odd doc names become safe
module names inside the generated package (or a clear error)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mdschema.cli import main
from support.projects import base_env, make_project, run_cli

TABLE_DOC = "## {table}\n\nA table.\n\n```sql\nCREATE TABLE {table} (id INTEGER PRIMARY KEY);\n```\n"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative path → content), caches and bytecode aside."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and "__pycache__" not in rel and ".ruff_cache" not in rel:
            out[rel] = path.read_bytes()
    return out


def run(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    rc = main(["-C", str(root), *args])
    captured = capsys.readouterr()
    return rc, captured.out + captured.err


def write_project(root: Path, config: str, docs: dict[str, str]) -> None:
    (root / "spec").mkdir(parents=True)
    (root / "pyproject.toml").write_text(f"[tool.mdschema]\n{config}\n", encoding="utf-8")
    for name, table in docs.items():
        (root / "spec" / name).write_text(TABLE_DOC.format(table=table), encoding="utf-8")


BAD_CONFIGS = {
    "docs_parent": ('docs = ["../../x.md"]', "docs pattern '../../x.md' reaches outside the project"),
    "docs_parent_glob": ('docs = ["spec/../../*.md"]', "reaches outside the project"),
    "docs_absolute": ('docs = ["/etc/*.md"]', "reaches outside the project"),
    "migrations_parent": ('migrations = "../outside"', "migrations = '../outside' must be a folder inside"),
    "migrations_absolute": ('migrations = "/tmp/mds-outside"', "must be a folder inside the project"),
    "package_parent": ('package = "../x"', "package must be a dotted Python name, got '../x'"),
    "package_absolute": ('package = "/tmp/x"', "package must be a dotted Python name"),
    "package_dots": ('package = "a..b"', "package must be a dotted Python name"),
    "module_parent": (
        '[tool.mdschema.modules]\nbook = "../evil"',
        "modules.book = '../evil' is not a usable",
    ),
    "module_reserved": ('[tool.mdschema.modules]\nbook = "base"', "modules.book = 'base' is not a usable"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
@pytest.mark.parametrize("command", ["generate", "check --offline", "revision -m x"])
def test_paths_outside_the_project_are_refused(
    tmp_path: Path, case: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config, message = BAD_CONFIGS[case]
    root = tmp_path / "a" / "b" / "proj"
    if case.startswith("module"):
        config = 'docs = ["spec/*.md"]\n' + config
    write_project(root, config, {"book.md": "book"})
    (tmp_path / "x.md").write_text(TABLE_DOC.format(table="outside"))  # what ../../x.md would read
    before = tree(tmp_path)
    rc, output = run(root, *command.split(), capsys=capsys)
    assert rc == 2, output
    # a reserved module name is the generator's E304, at the line that sets it
    where = "pyproject.toml:1: error[E302]:"
    if case == "module_reserved":
        where = "pyproject.toml:4: error[E304]:"
    assert where in output and message in output, output
    assert "Traceback" not in output and "internal error" not in output
    assert tree(tmp_path) == before, "nothing may be written anywhere on a configuration error"
    assert not Path("/tmp/mds-outside").exists()


ODD_NAMES = {
    "my schema-v2.md": ("t_space", "my_schema_v2"),
    "3rd.md": ("t_digit", "doc_3rd"),
    "class.md": ("t_keyword", "class_models"),
    "import.md": ("t_keyword2", "import_models"),
    "base.md": ("t_base", "base_models"),
    "enums.md": ("t_enums", "enums_models"),
    "ddl.md": ("t_ddl", "ddl_models"),
    "__init__.md": ("t_init", "init"),
    "résumé.md": ("t_unicode", "r_sum"),
    "a.b.md": ("t_dot", "a_b"),
    "..md": ("t_dots", "doc"),
    "sqlalchemy.md": ("t_shadow", "sqlalchemy"),
}


def test_odd_doc_names_become_safe_modules_inside_the_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "proj"
    write_project(
        root, 'docs = ["spec/*.md"]\npackage = "generated"', {n: t for n, (t, _) in ODD_NAMES.items()}
    )
    (tmp_path / "neighbour.txt").write_text("untouched")
    outside_before = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    before = tree(root)
    rc, output = run(root, "generate", capsys=capsys)
    assert rc == 0, output
    after = tree(root)
    new = sorted(p for p in set(after) - set(before) if not p.startswith(".mdschema/"))  # local state
    assert all(p.startswith("generated/") and "/" not in p[len("generated/") :] for p in new), new
    assert {k: v for k, v in after.items() if k in before} == before, "docs and config are never rewritten"
    assert {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == outside_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["neighbour.txt", "proj"]
    modules = {p[len("generated/") : -3] for p in new if p.endswith(".py")}
    for doc, (_, module) in ODD_NAMES.items():
        assert module in modules, (doc, module, modules)
    assert all(m.isidentifier() for m in modules), modules
    # the package imports, with every table mapped, and its modules never shadow real packages
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import generated, sqlalchemy; "
        "generated.Base.registry.configure(); "
        "print(json.dumps(sorted(generated.Base.metadata.tables)), sqlalchemy.__file__)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(root)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    tables, sa_file = proc.stdout.rsplit(" ", 1)
    assert json.loads(tables) == sorted(t for t, _ in ODD_NAMES.values())
    assert str(root) not in sa_file, "generated/sqlalchemy.py must not shadow the real sqlalchemy"


def test_two_docs_on_one_module_are_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "proj"
    write_project(
        root, 'docs = ["spec/*.md"]', {"data-v1.md": "a", "data_v1.md": "b", "データ.md": "c", "-.md": "d"}
    )
    rc, output = run(root, "generate", capsys=capsys)
    assert rc == 2, output
    assert "error[E304]: docs spec/data-v1.md and spec/data_v1.md both render to module data_v1.py" in output
    assert "both render to module doc.py" in output, output
    assert not (root / "generated").exists()


def test_revision_writes_only_inside_the_project(tmp_path: Path, pg_server: str) -> None:
    """A nested migrations folder and a dotted package: every file lands inside the project."""
    project = make_project(
        tmp_path,
        {"book.md": TABLE_DOC.format(table="book")},
        shadow_url=pg_server,
        extra_config='migrations = "db/migrations"',
    )
    text = (
        (project.root / "pyproject.toml")
        .read_text()
        .replace('package = "generated"', 'package = "app.models"')
    )
    (project.root / "pyproject.toml").write_text(text)
    (project.root / "app").mkdir()
    (project.root / "app" / "__init__.py").write_text("")
    (tmp_path / "neighbour.txt").write_text("untouched")
    before_outside = sorted(p.name for p in tmp_path.iterdir())
    result = run_cli(project.root, ("revision", "-m", "first"), base_env(pg_server, None))
    assert result.rc == 0, result.output
    files = tree(project.root)
    assert sorted(p.name for p in tmp_path.iterdir()) == before_outside
    assert any(p.startswith("db/migrations/versions/") and p.endswith("_first.py") for p in files), sorted(
        files
    )
    assert "app/models/book.py" in files and "alembic.ini" in files
    written = [p for p in files if not p.startswith(("spec/", "app/", "db/", ".mdschema/"))]
    assert sorted(written) == ["alembic.ini", "pyproject.toml"], written
    assert os.path.commonpath([str(project.root), *(str(project.root / p) for p in files)]) == str(
        project.root
    )
