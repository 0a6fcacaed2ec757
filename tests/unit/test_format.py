"""format: Python printed the way `ruff format` prints it (checked against ruff itself)."""

from __future__ import annotations

import subprocess

from mdschema.codegen.source import LINE_LENGTH, Call, flat, import_line, isort_names, statement
from support.models import VENV_BIN


def test_short_call_stays_on_one_line() -> None:
    node = Call("mapped_column", ("Text", 'comment="x"'))
    assert statement("name: Mapped[str] = ", node, 4) == [
        '    name: Mapped[str] = mapped_column(Text, comment="x")'
    ]
    assert flat(Call("{", ('"comment": "x"',))) == '{"comment": "x"}'
    assert flat(Call("", ('"a"',))) == '("a",)'  # a one-tuple keeps its comma
    assert flat(Call("", ('"a"', '"b"'))) == '("a", "b")'


def test_long_call_splits_right_hand_then_one_per_line() -> None:
    args = ("Uuid", 'ForeignKey("storyteller.id", ondelete="CASCADE")', 'comment="' + "x" * 20 + '"')
    lines = statement("storyteller_id: Mapped[uuid.UUID | None] = ", Call("mapped_column", args), 4)
    assert lines == [
        "    storyteller_id: Mapped[uuid.UUID | None] = mapped_column(",
        '        Uuid, ForeignKey("storyteller.id", ondelete="CASCADE"), comment="' + "x" * 20 + '"',
        "    )",
    ]
    long_args = tuple(f'arg_{i}="' + "y" * 20 + '"' for i in range(6))
    lines = statement("value = ", Call("f", long_args), 0)
    assert lines[0] == "value = f("
    assert lines[1:-1] == [f"    {a}," for a in long_args]  # magic trailing comma
    assert lines[-1] == ")"
    assert all(len(line) <= LINE_LENGTH for line in lines)


def test_single_long_string_argument_is_not_split() -> None:
    text = '"' + "z" * 150 + '"'
    lines = statement("", Call("{", (f'"comment": {text}',)), 8, ",")
    assert lines == ["        {", f'            "comment": {text}', "        },"]


def test_import_line_wraps_with_one_name_per_line() -> None:
    names = isort_names({f"Name{i:02d}" for i in range(20)})
    assert import_line("sqlalchemy", ["Text", "text"]) == ["from sqlalchemy import Text, text"]
    lines = import_line("sqlalchemy", names)
    assert lines[0] == "from sqlalchemy import (" and lines[-1] == ")"
    assert lines[1:-1] == [f"    {n}," for n in names]


def test_isort_order_by_type() -> None:
    assert isort_names({"text", "Text", "REAL", "CHAR", "Uuid", "func", "ARRAY", "Boolean"}) == [
        "ARRAY",
        "CHAR",
        "REAL",
        "Boolean",
        "Text",
        "Uuid",
        "func",
        "text",
    ]


def test_output_is_what_ruff_format_prints() -> None:
    """A module made of many statement() shapes must come back unchanged from `ruff format`."""
    lines = ["from typing import Any", "", "", "def f(*args: Any, **kwargs: Any) -> Any: ...", "", ""]
    lines += import_line("sqlalchemy", isort_names({f"Name{i:02d}" for i in range(14)} | {"text", "REAL"}))
    lines += ["", ""]
    cases: list[tuple[str, Call, int, str]] = []
    for width in (10, 40, 70, 95, 100, 105, 120, 200):
        comment = '"' + "c" * width + '"'
        cases.append(("value: Any = ", Call("f", ("Text", f"comment={comment}")), 0, ""))
        cases.append(
            ("value: Any = ", Call("f", ("Text", "server_default=f(\"'x'\")", f"comment={comment}")), 0, "")
        )
        cases.append(("", Call("f", (Call("g", ('"a"', f"name={comment}")),)), 0, ""))
        cases.append(("value = ", Call("", (Call("", ('"sig"', comment)), Call("", ('"b"', '"c"')))), 0, ""))
        cases.append(("value = ", Call("{", (f'"comment": {comment}',)), 0, ""))
        cases.append(("value = ", Call("f", tuple(f"k{i}={comment}" for i in range(3))), 0, ""))
    for prefix, node, indent, suffix in cases:
        lines += statement(prefix, node, indent, suffix)
    lines += ["", "", "class C:", "    args = ("]
    for width in (10, 60, 100):
        comment = '"' + "d" * width + '"'
        lines += statement("", Call("f", ('"name"', f"name={comment}")), 8, ",")
        lines += statement("", Call("{", (f'"comment": {comment}',)), 8, ",")
    lines += ["    )"]
    source = "\n".join(lines) + "\n"
    result = subprocess.run(
        [
            str(VENV_BIN / "ruff"),
            "format",
            "--line-length",
            str(LINE_LENGTH),
            "--stdin-filename",
            "x.py",
            "-",
        ],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == source
