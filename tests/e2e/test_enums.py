"""Typed enums: a StrEnum per PostgreSQL enum (or, with enum_style = "literal", a Literal of its labels),
mapped so that the database type and its labels are exactly the doc's: the catalog the models build is
the one the docs' SQL builds, labels round-trip through real rows, and mypy rejects a wrong label."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mdschema.catalog.diff import diff
from mdschema.catalog.snapshot import snapshot
from mdschema.cli import main
from mdschema.database import connect
from mdschema.migrations.env import load_package
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from support.models import VENV_BIN, make_project, sql_doc

SQL = """
CREATE TYPE task_status AS ENUM ('todo', 'in progress', 'done', 'it''s complicated');
CREATE TABLE task (
  id int PRIMARY KEY,
  status task_status NOT NULL DEFAULT 'todo',
  history task_status[]
);
"""
LABELS = ["todo", "in progress", "done", "it's complicated"]


def _generate(root: Path, package: str, style: str) -> Path:
    tool = f'package = "{package}"\n' + (f'enum_style = "{style}"\n' if style != "enum" else "")
    make_project(root, {"tasks.md": sql_doc(SQL)}, tool)
    assert main(["-C", str(root), "generate"]) == 0
    return root


@pytest.fixture(scope="module", params=["enum", "literal"])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    style: str = request.param
    package = f"enum_models_{style}"
    root = _generate(tmp_path_factory.mktemp(style), package, style)
    try:
        yield style, root, package, load_package(root, package, fresh=True)
    finally:
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]


def test_the_enums_module_says_it(project: Any) -> None:
    style, root, package, models = project
    source = (root / package / "enums.py").read_text(encoding="utf-8")
    tasks = (root / package / "tasks.py").read_text(encoding="utf-8")
    assert "status: Mapped[TaskStatus] = mapped_column(" in tasks
    assert "history: Mapped[list[TaskStatus] | None] = mapped_column(ARRAY(TaskStatusEnum)" in tasks
    if style == "enum":
        assert "class TaskStatus(enum.StrEnum):" in source
        assert [(m.name, m.value) for m in models.TaskStatus] == [
            ("TODO", "todo"),
            ("IN_PROGRESS", "in progress"),
            ("DONE", "done"),
            ("IT_S_COMPLICATED", "it's complicated"),
        ]
    else:
        assert 'TaskStatus = Literal["todo", "in progress", "done", "it\'s complicated"]' in source
        assert "enum" not in source.split('"""')[-1].split("from sqlalchemy")[0]
    assert models.TaskStatusEnum.name == "task_status"
    assert list(models.TaskStatusEnum.enums) == LABELS


def test_the_models_build_the_docs_catalog(project: Any, make_database: Callable[..., str]) -> None:
    """The database type name and labels are the doc's: 0 differences from the docs' own SQL."""
    _, _, _, models = project
    models_url, docs_url = make_database(), make_database()
    engine = create_engine(models_url)
    try:
        models.Base.metadata.create_all(engine)
    finally:
        engine.dispose()
    with connect(docs_url) as conn:
        conn.execute(SQL)
    with connect(models_url) as built, connect(docs_url) as docs:
        assert diff(snapshot(built), snapshot(docs)) == ()
        labels = built.execute(
            "SELECT array_agg(enumlabel ORDER BY enumsortorder)::text[] FROM pg_enum e"
            " JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'task_status'"
        ).fetchone()
    assert labels == (LABELS,)


def test_labels_round_trip_through_real_rows(project: Any, pg_url: str) -> None:
    style, _, _, models = project
    value: Any = models.TaskStatus.IN_PROGRESS if style == "enum" else "in progress"
    other: Any = models.TaskStatus.IT_S_COMPLICATED if style == "enum" else "it's complicated"
    engine = create_engine(pg_url)
    try:
        models.Base.metadata.create_all(engine)
        with Session(engine) as session:
            session.add(models.Task(id=1, status=value, history=[value, other]))
            session.add(models.Task(id=2))  # the server default
            session.commit()
        with connect(pg_url) as conn:
            rows = conn.execute("SELECT id, status::text, history::text[] FROM task ORDER BY id").fetchall()
        assert rows == [(1, "in progress", ["in progress", "it's complicated"]), (2, "todo", None)]
        with Session(engine) as session:
            task = session.get(models.Task, 1)
            assert task.status == "in progress" and task.history == ["in progress", "it's complicated"]
            if style == "enum":
                assert task.status is models.TaskStatus.IN_PROGRESS
                assert task.history == [models.TaskStatus.IN_PROGRESS, models.TaskStatus.IT_S_COMPLICATED]
                assert session.get(models.Task, 2).status is models.TaskStatus.TODO
            found = session.scalars(select(models.Task.id).where(models.Task.status == value)).all()
            assert found == [1]
    finally:
        engine.dispose()


GOOD = {
    "enum": "task = Task(id=1, status=TaskStatus.DONE)\ntask.status = TaskStatus.IN_PROGRESS\n",
    "literal": 'task = Task(id=1, status="done")\ntask.status = "in progress"\n',
}
BAD = {  # a typo in a label: each line is an error
    "enum": 'task.status = TaskStatus.DNOE\ntask.status = "done"\n',
    "literal": 'task.status = "dnoe"\ntask.status = "In progress"\n',
}


def _mypy(root: Path, package: str, body: str) -> subprocess.CompletedProcess[str]:
    snippet = root / "snippet.py"
    snippet.write_text(f"from {package} import Task, TaskStatus\n\n{body}", encoding="utf-8")
    return subprocess.run(
        [
            str(VENV_BIN / "mypy"),
            "--strict",
            "--no-incremental",
            "--python-version",
            "3.11",
            "snippet.py",
            package,
        ],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=300,
    )


def test_mypy_accepts_the_labels_and_rejects_a_wrong_one(project: Any) -> None:
    style, root, package, _ = project
    good = _mypy(root, package, GOOD[style] + "_ = TaskStatus\n")
    assert good.returncode == 0, good.stdout + good.stderr
    bad = _mypy(root, package, "task = Task(id=1)\n" + BAD[style] + "_ = TaskStatus\n")
    assert bad.returncode == 1, bad.stdout
    errors = [line for line in bad.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["4", "5"], bad.stdout
    if style == "enum":
        assert '"type[TaskStatus]" has no attribute "DNOE"' in errors[0]
    assert "incompatible types in assignment" in errors[-1].lower()


def test_both_styles_pass_ruff_and_ruff_format(project: Any) -> None:
    _, root, package, _ = project
    ruff = str(VENV_BIN / "ruff")
    for args in (
        ["check", "--isolated", "--no-cache", "--select", "E,F,I,UP,B", "--line-length", "110"],
        ["format", "--isolated", "--no-cache", "--check", "--line-length", "110"],
    ):
        result = subprocess.run([ruff, *args, package], capture_output=True, text=True, cwd=root)
        assert result.returncode == 0, result.stdout + result.stderr
