"""Helpers for the spec → models tests: build a throw-away project from Markdown strings and run the
pipeline on it in-process (config → extract → parse → resolve), or render it.

Plain functions, imported by the test modules (`from support.models import ...`); no fixtures here.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from mdschema.codegen import render
from mdschema.config import Config, load_config
from mdschema.errors import Collector, Diagnostic, SpecError
from mdschema.schema import Schema, Table
from mdschema.spec.load import Loaded, load_schema
from mdschema.spec.markdown import Doc, parse_markdown
from mdschema.spec.raw import Parsed
from mdschema.spec.statements import parse_docs

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
UPDATE_ENV = "MDSCHEMA_UPDATE_GOLDEN"


def updating() -> bool:
    """True when the snapshot files should be rewritten instead of compared."""
    return os.environ.get(UPDATE_ENV, "") not in ("", "0")


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def sql_doc(sql: str, heading: str = "", prose: str = "") -> str:
    """A Markdown doc with one ```sql block (optionally under a heading and a paragraph)."""
    parts = []
    if heading:
        parts.append(f"## {heading}\n")
    if prose:
        parts.append(prose + "\n")
    parts.append("```sql\n" + dedent(sql).rstrip("\n") + "\n```\n")
    return "\n".join(parts)


def make_project(root: Path, docs: dict[str, str], tool: str = "") -> Path:
    """Write pyproject.toml ([tool.mdschema] + `tool` lines) and spec/<name> for every doc."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[tool.mdschema]\ndocs = ["spec/*.md"]\n' + dedent(tool), encoding="utf-8"
    )
    spec = root / "spec"
    spec.mkdir(exist_ok=True)
    for name, text in docs.items():
        (spec / name).write_text(dedent(text), encoding="utf-8")
    return root


def load_project(root: Path, strict: bool = False) -> Loaded:
    """The project's schema as `mdschema generate` loads it: the docs' checks and codegen's naming
    checks together; raises SpecError like the CLI would."""
    config = load_config(root)
    return load_schema(config, strict, checks=render.project_checks(config))


def schema_of(root: Path, docs: dict[str, str], tool: str = "") -> Schema:
    """The validated Schema of a project made from `docs`; raises SpecError like the CLI would."""
    make_project(root, docs, tool)
    return load_project(root).schema


def errors_of(root: Path, docs: dict[str, str], tool: str = "") -> list[Diagnostic]:
    """The diagnostics a project made from `docs` fails with (the test fails if it does not)."""
    make_project(root, docs, tool)
    try:
        load_project(root)
    except SpecError as exc:
        return list(exc.diagnostics)
    raise AssertionError("expected the docs to be rejected, but they resolved")


def codes(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics if d.severity == "error"]


def table_of(root: Path, sql: str, name: str, tool: str = "", heading: str = "") -> Table:
    """Resolve one doc holding `sql` and return table `name`."""
    schema = schema_of(root, {"doc.md": sql_doc(sql, heading)}, tool)
    table = schema.table(name)
    assert table is not None, f"table {name} missing; have {[t.name for t in schema.tables]}"
    return table


def parse_text(markdown: str, path: str = "spec/doc.md") -> tuple[Doc, Parsed, Collector]:
    """extract + parse one Markdown text; diagnostics are collected, not raised."""
    doc = parse_markdown(dedent(markdown), path, Path(path).stem)
    diag = Collector()
    parsed = parse_docs([doc], diag)
    return doc, parsed, diag


def parse_sql(sql: str) -> tuple[Parsed, Collector]:
    _, parsed, diag = parse_text(sql_doc(sql))
    return parsed, diag


def render_project(root: Path) -> dict[str, str]:
    """Every generated file of the project at `root`, as `mdschema generate` would write them."""
    config: Config = load_config(root)
    return render.render_project(config, load_project(root).schema)
