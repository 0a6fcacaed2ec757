"""The spec and codegen stages keep to ARCHITECTURE.md's import rules: spec reads docs (schema, config,
errors, util, pglast, markdown-it); codegen prints a Schema (schema, errors, util, Jinja, inflect for
plurals). Neither imports the other at run time, the CLI, the migrations or SQLAlchemy. Imports under
`if TYPE_CHECKING:` are types only and are not counted."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "generator" / "mdschema"

ALLOWED = {
    "spec": (
        "mdschema.spec",
        "mdschema.schema",
        "mdschema.config",
        "mdschema.errors",
        "mdschema.util",
        "pglast",
        "markdown_it",
    ),
    "codegen": (
        "mdschema.codegen",
        "mdschema.schema",
        "mdschema.errors",
        "mdschema.util",
        "jinja2",
        "inflect",
    ),
}
# emit.py writes the files of a project: the one codegen module that reads its Config
EXCEPTIONS = {("codegen", "emit.py"): ("mdschema.config",)}


def _runtime_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only |= {id(n) for child in node.body for n in ast.walk(child)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_stage_imports_only_what_it_may(stage: str) -> None:
    stdlib = sys.stdlib_module_names
    bad: list[str] = []
    for path in sorted((PACKAGE / stage).glob("*.py")):
        allowed = ALLOWED[stage] + EXCEPTIONS.get((stage, path.name), ())
        for module in sorted(_runtime_imports(path)):
            if module.split(".")[0] in stdlib or module == "__future__":
                continue
            if not any(module == a or module.startswith(a + ".") for a in allowed):
                bad.append(f"{stage}/{path.name} imports {module}")
    assert bad == []


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    path = tmp_path / "x.py"
    path.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from mdschema.cli import main\n"
        "def f():\n    import sqlalchemy\n",
        encoding="utf-8",
    )
    assert _runtime_imports(path) == {"typing", "sqlalchemy"}
