"""Typed enums in the generated package: the Python type of each PostgreSQL enum, its member names,
the two styles, and where the type is imported."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from mdschema.codegen.py_names import enum_members
from support.models import errors_of, make_project, render_project, sql_doc


@pytest.mark.parametrize(
    ("labels", "members"),
    [
        (("draft", "in progress", "done"), ("DRAFT", "IN_PROGRESS", "DONE")),
        (("title", "count", "name", "value"), ("TITLE", "COUNT", "NAME", "VALUE")),  # no str method shadowed
        (("1st", "", "it's complicated"), ("V_1ST", "EMPTY", "IT_S_COMPLICATED")),
        (("a", "A", "a!"), ("A", "A_2", "A_3")),
        (("None", "True", "class"), ("NONE", "TRUE", "CLASS")),
        (("naïve",), ("NA_VE",)),
    ],
)
def test_enum_member_names(labels: tuple[str, ...], members: tuple[str, ...]) -> None:
    assert enum_members(labels) == members
    assert all(m.isidentifier() and not m.startswith("_") for m in members)


DOC = sql_doc(
    """
    CREATE TYPE mood AS ENUM ('happy', 'in between');
    CREATE TYPE status AS ENUM ('on', 'off');
    CREATE TABLE status (id int PRIMARY KEY, feeling mood, status status UNIQUE);
    """
)


def test_an_enum_named_like_a_model_class_gets_another_python_name(tmp_path: Path) -> None:
    make_project(tmp_path, {"doc.md": DOC})
    files = render_project(tmp_path)
    assert "class Mood(enum.StrEnum):" in files["enums.py"]
    assert "class StatusType(enum.StrEnum):" in files["enums.py"]  # class Status is the table's
    assert '    IN_BETWEEN = "in between"' in files["enums.py"]
    assert (
        'MoodEnum = ENUM(Mood, name="mood", metadata=Base.metadata, values_callable=_labels)'
        in files["enums.py"]
    )
    assert "feeling: Mapped[Mood | None] = mapped_column(MoodEnum)" in files["doc.py"]
    assert "status: Mapped[StatusType | None] = mapped_column(StatusEnum, unique=True)" in files["doc.py"]
    assert "from .enums import Mood, MoodEnum, StatusEnum, StatusType" in files["doc.py"]
    assert {"Mood", "StatusType", "MoodEnum"} <= set(
        ast.literal_eval(files["__init__.py"].split("__all__ = ")[1])
    )
    for source in files.values():
        ast.parse(source)


def test_the_literal_style(tmp_path: Path) -> None:
    make_project(tmp_path, {"doc.md": DOC}, 'enum_style = "literal"\n')
    files = render_project(tmp_path)
    enums = files["enums.py"]
    assert 'Mood = Literal["happy", "in between"]' in enums
    assert 'MoodEnum = ENUM("happy", "in between", name="mood", metadata=Base.metadata)' in enums
    assert "import enum" not in enums and "from typing import Literal" in enums
    assert "feeling: Mapped[Mood | None] = mapped_column(MoodEnum)" in files["doc.py"]


def test_a_repository_parameter_of_an_enum_type_imports_it(tmp_path: Path) -> None:
    make_project(tmp_path, {"doc.md": DOC}, "repositories = true\n")
    source = render_project(tmp_path)["repositories.py"]
    assert "status: StatusType" in source
    assert "from .enums import StatusType" in source
    # sorted as ruff's isort sorts them: .base, .doc, .enums
    assert source.index("from .base import") < source.index("from .doc import") < source.index("from .enums")
    ast.parse(source)


def test_an_unknown_enum_style_is_e302(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, {"doc.md": DOC}, 'enum_style = "strings"\n')
    assert [(e.code, e.message, e.hint) for e in errors] == [
        ("E302", "[tool.mdschema] enum_style = 'strings'", "use one of enum, literal")
    ]
