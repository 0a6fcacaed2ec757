"""A small harness for end-to-end tests: a throwaway mdschema project and the CLI run in a subprocess.

    project = make_project(tmp_path, {"library.md": SPEC}, shadow_url=pg_server, database_url=url)
    result = project.run("revision", "-m", "initial")
    assert result.rc == 0, result.output

Every command runs as ``python -m mdschema.cli -C <root> …`` with ``MDSCHEMA_SHADOW_URL`` set to the
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
from mdschema.database import connect

REPO = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "mdschema.cli"]
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
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MDSCHEMA_DEBUG", "MDSCHEMA_VERBOSE")
    }
    env["MDSCHEMA_SHADOW_URL"] = shadow_url
    if database_url:
        env["DATABASE_URL"] = database_url
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_cli(root: Path, args: tuple[str, ...], env: dict[str, str]) -> Result:
    proc = subprocess.run(
        [*CLI, "-C", str(root), *args], env=env, capture_output=True, text=True, timeout=TIMEOUT, cwd=root
    )
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


def make_project(
    tmp_path: Path,
    docs: dict[str, str],
    shadow_url: str,
    database_url: str | None = None,
    extra_config: str = "",
) -> Project:
    """A project in tmp_path/proj: pyproject.toml with [tool.mdschema], spec/<name> for each doc."""
    root = tmp_path / "proj"
    (root / "spec").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT.format(extra=textwrap.dedent(extra_config)))
    project = Project(root, shadow_url, database_url)
    for name, text in docs.items():
        project.write_doc(name, text)
    return project


# --- reading a written revision ---------------------------------------------------------------------


def revision_id(path: Path) -> str:
    """The `revision = "…"` of a revision file."""
    for node in ast.parse(path.read_text()).body:
        target = (
            node.target
            if isinstance(node, ast.AnnAssign)
            else (node.targets[0] if isinstance(node, ast.Assign) else None)
        )
        if isinstance(target, ast.Name) and target.id == "revision":
            assert isinstance(node.value, ast.Constant)  # type: ignore[union-attr]
            return str(node.value.value)  # type: ignore[union-attr]
    raise AssertionError(f"no revision id in {path.name}")


def operations(path: Path, name: str = "upgrade") -> list[str]:
    """The statements of upgrade()/downgrade(), each unparsed on one line (formatting-independent),
    e.g. ``op.add_column('book', sa.Column('subtitle', sa.Text(), nullable=True, comment='…'))``."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return [
                ast.unparse(stmt)
                for stmt in node.body
                if not isinstance(stmt, ast.Pass) and not _is_timeout(ast.unparse(stmt))
            ]
    raise AssertionError(f"no {name}() in {path.name}")


def executed_sql(path: Path, name: str = "upgrade") -> list[str]:
    """The SQL strings of every op.execute(...) in upgrade()/downgrade()."""
    tree = ast.parse(path.read_text())
    out: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            calls = sorted(
                ast.walk(node), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))
            )
            for call in calls:  # in the order they are written (ast.walk goes breadth first)
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "execute"
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                ):
                    if not _is_timeout(str(call.args[0].value)):
                        out.append(str(call.args[0].value))
    return out


def _is_timeout(statement: str) -> bool:
    """The SET lock_timeout / statement_timeout every lock-safe revision starts with (asserted apart)."""
    return bool(re.search(r"^(op\.execute\(.)?SET (lock|statement)_timeout = ", statement))


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
        "tables": [
            r[0] for r in query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ],
        "enums": [
            r[0]
            for r in query(
                url,
                "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON "
                "n.oid = t.typnamespace WHERE n.nspname = 'public' AND "
                "t.typtype = 'e' ORDER BY 1",
            )
        ],
        "functions": [
            r[0]
            for r in query(
                url,
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON "
                "n.oid = p.pronamespace WHERE n.nspname = 'public' AND NOT "
                "EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid "
                "AND d.deptype = 'e') ORDER BY 1",
            )
        ],
        "triggers": [
            r[0] for r in query(url, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1")
        ],
    }


def table_fingerprint(url: str, table: str, order_by: str) -> tuple[list[tuple[Any, ...]], str]:
    """Every row (ordered, as PostgreSQL prints it) and md5 of all of them: equal means byte for byte."""
    rows = query(url, f"SELECT t::text FROM {table} t ORDER BY {order_by}")
    (digest,) = query(url, f"SELECT md5(string_agg(t::text, '|' ORDER BY {order_by})) FROM {table} t")[0]
    return rows, digest


# --- a small project: three tables, an enum, indexes (one partial on the enum), a trigger function -------

LIBRARY = """
# Library

A tiny library: authors, their books, and reviews.

```sql
CREATE TYPE book_status AS ENUM ('draft', 'published');

CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
```

## author

Someone who writes books.

```sql
CREATE TABLE author (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),  -- Author identifier
    name VARCHAR(100) NOT NULL,                     -- Full name
    bio TEXT,                                       -- Short biography
    phone TEXT,                                     -- Phone number, digits only
    born_year INTEGER                               -- Year of birth
);
```

## book

One book by one author.

```sql
CREATE TABLE book (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),  -- Book identifier
    author_id UUID REFERENCES author(id) ON DELETE CASCADE,  -- Who wrote it
    editor_id UUID,                                 -- Who edited it
    title VARCHAR(200) NOT NULL,                    -- Title as printed
    status book_status NOT NULL DEFAULT 'draft',    -- Publication state
    pages INTEGER,                                  -- Page count
    isbn TEXT,                                      -- ISBN-13
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),  -- Last change
    CONSTRAINT book_published_has_pages CHECK (status <> 'published' OR pages IS NOT NULL)
);

CREATE INDEX idx_book_author ON book (author_id);
CREATE INDEX idx_book_pages ON book (pages);
CREATE INDEX idx_book_updated ON book (updated_at);
CREATE INDEX idx_book_published ON book (updated_at) WHERE status = 'published';

CREATE TRIGGER book_touch BEFORE UPDATE ON book FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
```

## review

A reader's opinion of a book.

```sql
CREATE TABLE review (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- Review identifier
    book_id UUID NOT NULL REFERENCES book(id) ON DELETE CASCADE,  -- Reviewed book
    rating SMALLINT CHECK (rating BETWEEN 1 AND 5),  -- Stars
    body TEXT                                        -- Review text
);

CREATE INDEX idx_review_body ON review (body);
```
"""
