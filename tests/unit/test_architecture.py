"""The import rules of the whole package: who may import whom, no cycles, nothing imports the CLI.

Every import counts, also the lazy ones inside functions: a lazy import is still a dependency. (The finer
rules of spec/ and codegen/, third-party packages included, are in test_layers.py.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "generator" / "mdschema"

# stage → the stages it may import (besides itself); "*" is anything
ALLOWED: dict[str, set[str]] = {
    "cli": {"*"},
    "__main__": {"cli"},
    "__init__": set(),
    "init": {"config", "errors", "migrations", "util"},
    "watch": {"config"},
    "findings": set(),
    "lint": {"config", "errors", "schema", "findings", "codegen", "util"},
    "diagrams": {"config", "errors", "schema", "util"},
    "importer": {"catalog", "config", "errors", "schema", "spec", "diagrams", "database", "util"},
    "check": {
        "findings",
        "lint",
        "diagrams",
        "config",
        "errors",
        "schema",
        "locate",
        "spec",
        "codegen",
        "catalog",
        "migrations",
        "database",
        "util",
    },
    "migrations": {"config", "errors", "schema", "locate", "catalog", "database", "util"},
    "codegen": {"config", "errors", "schema", "util"},
    "spec": {"config", "errors", "schema", "util"},
    "catalog": {"util"},
    "database": {"util"},
    "locate": {"schema", "errors", "util"},
    "schema": {"errors"},
    "config": {"errors", "util"},
    "errors": {"util"},
    "util": set(),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import (use absolute mdschema.… imports)")
    return found


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _internal(module: str, names: set[str]) -> set[str]:
    """The mdschema modules `module` imports (a `from pkg import name` counts when name is a module)."""
    return {n for n in names if n in MODULES and n not in (module, "mdschema")}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_stage_rules(module: str) -> None:
    stage = _stage(module)
    allowed = ALLOWED[stage]
    names = _imports(MODULES[module])
    for imported in sorted(_internal(module, names)):
        other = _stage(imported)
        assert other != "cli" or stage in ("__main__",), f"{module} imports the CLI ({imported})"
        if "*" in allowed or other == stage:
            continue
        assert other in allowed, f"{module} ({stage}) may not import {imported} ({other})"


def test_no_import_cycles() -> None:
    from graphlib import CycleError, TopologicalSorter

    graph = {m: _internal(m, _imports(p)) - {"mdschema"} for m, p in MODULES.items()}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        raise AssertionError(f"import cycle: {' → '.join(exc.args[1])}") from None


def test_the_rule_table_covers_every_stage() -> None:
    assert {_stage(m) for m in MODULES} <= set(ALLOWED)
