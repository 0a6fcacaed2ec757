"""A small harness for end-to-end tests: a throwaway mdschema project and the CLI run in a subprocess.

    project = make_project(tmp_path, {"library.md": SPEC}, shadow_url=pg_server, database_url=url)
    result = project.run("revision", "-m", "initial")
    assert result.rc == 0, result.output

Every command runs as ``python -m generator.cli -C <root> …`` with ``MDSCHEMA_SHADOW_URL`` set to the
test session's one server (so no command starts an embedded server of its own) and ``DATABASE_URL``
set to the project's target database, or removed when there is none.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from generator.database import connect

REPO = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "generator.cli"]
ALEMBIC = str(Path(sys.executable).parent / "alembic")
TIMEOUT = 180

PYPROJECT = """\
[tool.mdschema]
docs = ["spec/*.md"]
package = "generated"
{extra}
"""


@dataclass(frozen=True)
class Result:
    args: tuple[str, ...]
    rc: int
    out: str
    err: str

    @property
    def output(self) -> str:
        """stdout and stderr together, for assertion messages and searches."""
        return f"$ mdschema {' '.join(self.args)}  → exit {self.rc}\n{self.out}{self.err}"


def base_env(shadow_url: str, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MDSCHEMA_DEBUG", "MDSCHEMA_VERBOSE")}
    env["MDSCHEMA_SHADOW_URL"] = shadow_url
    if database_url:
        env["DATABASE_URL"] = database_url
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_cli(root: Path, args: tuple[str, ...], env: dict[str, str]) -> Result:
    proc = subprocess.run([*CLI, "-C", str(root), *args], env=env, capture_output=True, text=True,
                          timeout=TIMEOUT, cwd=root)
    return Result(tuple(args), proc.returncode, proc.stdout, proc.stderr)


@dataclass
class Project:
    root: Path
    shadow_url: str
    database_url: str | None = None
    docs: dict[str, str] = field(default_factory=dict)

    # --- files ------------------------------------------------------------------------------------

    def doc(self, name: str) -> Path:
        return self.root / "spec" / name

    def write_doc(self, name: str, text: str) -> None:
        self.doc(name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace `old` (which must occur exactly once) with `new` in spec/<name>."""
        path = self.doc(name)
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def line_of(self, name: str, needle: str) -> int:
        """1-based line of the only line of spec/<name> containing `needle`."""
        lines = [i for i, line in enumerate(self.doc(name).read_text().splitlines(), 1) if needle in line]
        assert len(lines) == 1, f"{needle!r} is on lines {lines} of {name}"
        return lines[0]

    def revisions(self) -> list[Path]:
        folder = self.root / "alembic" / "versions"
        return sorted(folder.glob("*.py")) if folder.is_dir() else []

    def revision_file(self, before: list[Path]) -> Path:
        """The one revision written since `before` was listed."""
        new = [p for p in self.revisions() if p not in before]
        assert len(new) == 1, f"expected one new revision, got {[p.name for p in new]}"
        return new[0]

    # --- commands ---------------------------------------------------------------------------------

    def env(self, database_url: str | None = None) -> dict[str, str]:
        return base_env(self.shadow_url, database_url or self.database_url)

    def run(self, *args: str, database_url: str | None = None) -> Result:
        return run_cli(self.root, args, self.env(database_url))

    def ok(self, *args: str, database_url: str | None = None) -> Result:
        result = self.run(*args, database_url=database_url)
        assert result.rc == 0, result.output
        return result

    def revise(self, message: str, *extra: str) -> tuple[Result, Path | None]:
        """`mdschema revision -m message`; the revision file written, if any."""
        before = self.revisions()
        result = self.run("revision", "-m", message, *extra)
        new = [p for p in self.revisions() if p not in before]
        assert len(new) <= 1, new
        return result, (new[0] if new else None)

    @contextmanager
    def connect(self) -> Iterator[psycopg.Connection]:
        assert self.database_url
        with connect(self.database_url) as conn:
            yield conn


def make_project(tmp_path: Path, docs: dict[str, str], shadow_url: str, database_url: str | None = None,
                 extra_config: str = "") -> Project:
    """A project in tmp_path/proj: pyproject.toml with [tool.mdschema], spec/<name> for each doc."""
    root = tmp_path / "proj"
    (root / "spec").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT.format(extra=textwrap.dedent(extra_config)))
    project = Project(root, shadow_url, database_url)
    for name, text in docs.items():
        project.write_doc(name, text)
    return project


# --- reading a written revision ---------------------------------------------------------------------


def operations(path: Path, name: str = "upgrade") -> list[str]:
    """The statements of upgrade()/downgrade(), each unparsed on one line (formatting-independent),
    e.g. ``op.add_column('book', sa.Column('subtitle', sa.Text(), nullable=True, comment='…'))``."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return [ast.unparse(stmt) for stmt in node.body if not isinstance(stmt, ast.Pass)]
    raise AssertionError(f"no {name}() in {path.name}")


def executed_sql(path: Path, name: str = "upgrade") -> list[str]:
    """The SQL strings of every op.execute(...) in upgrade()/downgrade()."""
    tree = ast.parse(path.read_text())
    out: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            for call in ast.walk(node):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "execute" and call.args
                        and isinstance(call.args[0], ast.Constant)):
                    out.append(str(call.args[0].value))
    return out


def one_line(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


# --- database helpers -------------------------------------------------------------------------------


def query(url: str, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    with connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def execute(url: str, *statements: str) -> None:
    with connect(url) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]


def public_objects(url: str) -> dict[str, list[str]]:
    """What exists in schema public: tables, types (enums and others), functions, triggers."""
    return {
        "tables": [r[0] for r in query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                            "ORDER BY 1")],
        "enums": [r[0] for r in query(url, "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON "
                                           "n.oid = t.typnamespace WHERE n.nspname = 'public' AND "
                                           "t.typtype = 'e' ORDER BY 1")],
        "functions": [r[0] for r in query(url, "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON "
                                               "n.oid = p.pronamespace WHERE n.nspname = 'public' AND NOT "
                                               "EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid "
                                               "AND d.deptype = 'e') ORDER BY 1")],
        "triggers": [r[0] for r in query(url, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                                              "ORDER BY 1")],
    }


def table_fingerprint(url: str, table: str, order_by: str) -> tuple[list[tuple[Any, ...]], str]:
    """Every row (ordered) and md5 of the rows' text form: equal before and after means byte for byte."""
    rows = query(url, f"SELECT * FROM {table} ORDER BY {order_by}")
    (digest,) = query(url, f"SELECT md5(string_agg(t::text, '|' ORDER BY {order_by})) FROM {table} t")[0]
    return rows, digest
