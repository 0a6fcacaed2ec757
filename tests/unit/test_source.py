"""source: the one printer of text from the docs as Python — string literals, docstrings, comments.

Property-tested over arbitrary text (quotes, backslashes, `\"\"\"`, a trailing quote or backslash, control
characters, U+2028, bidi overrides, astral characters): a literal evaluates back to exactly its input, a
docstring always compiles, holds the text and nothing else, and ruff format leaves both as they are.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mdschema.codegen.source import comment_line, docstring_lines, docstring_text, py_str
from support.models import VENV_BIN

# every character category, with the dangerous ones drawn often
HOSTILE_ALPHABET = st.one_of(
    st.sampled_from(list("\"'\\\n\r\t\x00\x07\x1b\x7f\x85\u2028\u2029\u202e\u200b\ufeff\xa0 {}%")),
    st.characters(codec="utf-8"),
)
TEXT = st.text(HOSTILE_ALPHABET, max_size=60) | st.sampled_from(['"""', 'x"', "x\\", '"', '""', '\\"', "'''"])

HOSTILE_STRINGS = [
    "plain",
    'double "quotes"',
    "single 'quotes'",
    "both ' and \"",
    'more """ than \'',
    "backslash \\ and \\n and \\\\",
    "ends with backslash \\",
    "\"); import os; os.system('rm -rf /'); x = (\"",
    "newline\nand\ttab and \r return",
    "control \x00 \x07 \x1b and \x7f",
    "unicode line sep \u2028 and \u2029 and \x85",
    "bidi \u202e override and astral \U000e0001 tag",
    "emoji 🙂 and ünïcödé",
    "{} and {0} and %s",
    'ends in a quote"',
    'ends in a docstring closer """',
    '"starts with a quote',
    '"""',
    "x" * 300,
]


def _literal_ok(value: str) -> None:
    literal = py_str(value)
    node = ast.parse(literal, mode="eval").body
    assert isinstance(node, ast.Constant) and node.value == value
    assert literal.isprintable(), literal  # one line, nothing hidden
    # ruff format's preference: double quotes unless that needs more escapes
    assert literal[0] == ("'" if value.count('"') > value.count("'") else '"')


def _docstring_ok(value: str, indent: int, width: int | None) -> ast.ClassDef:
    lines = docstring_lines(value, indent, width)
    pad = " " * indent
    source = "class C:\n" + "\n".join(lines).replace(pad, "    ", 1) + "\n    x = 1\n"
    (cls,) = ast.parse(source).body  # compiles, and nothing else got in
    assert isinstance(cls, ast.ClassDef) and len(cls.body) == 2
    got = ast.get_docstring(cls, clean=False)
    assert got is not None
    # the same words, in order: only whitespace (and what is not printable) may differ
    expected = "".join(ch if ch.isprintable() else " " for ch in value).split()
    assert got.split() == expected
    return cls


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_py_str_round_trips_exactly(value: str) -> None:
    _literal_ok(value)


@given(TEXT)
def test_py_str_round_trips_any_text(value: str) -> None:
    _literal_ok(value)


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_docstring_cannot_break_out(value: str) -> None:
    _docstring_ok(value, 4, 110)
    _docstring_ok(value, 8, None)


@given(TEXT, st.booleans())
def test_docstrings_of_any_text_compile_and_hold_exactly_the_text(value: str, wrap: bool) -> None:
    _docstring_ok(value, 4, 110 if wrap else None)


def test_docstrings_wrap_at_the_width_and_close_on_their_own_line() -> None:
    text = " ".join(["word"] * 60)
    lines = docstring_lines(text, 4)
    assert lines[0].startswith('    """word') and lines[-1] == '    """'
    assert all(len(line.replace('"""', "", 1)) <= 110 for line in lines)  # the text wraps at 110
    assert docstring_lines("short", 4) == ('    """short"""',)
    assert docstring_lines("", 4) == ('    """"""',)


def test_a_description_ending_in_a_docstring_closer_compiles() -> None:
    """It did not: `\"\"\"` became `\\"\\"\\"`, then the trailing-quote rule broke its last escape."""
    assert docstring_text('ends in """') == 'ends in \\"\\"\\"'
    assert docstring_text('x"') == 'x\\"' and docstring_text('x\\"') == 'x\\\\\\"'
    ast.parse(f'"""{docstring_text("ends in " + chr(34) * 3)}"""')


@given(TEXT)
def test_comments_stay_on_one_line(value: str) -> None:
    comment = comment_line(value)
    assert comment.startswith("#") and comment.isprintable()
    assert ast.parse(f"{comment}\nx = 1\n").body[0].lineno == 2


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TEXT, min_size=1, max_size=40))
def test_ruff_format_leaves_printed_text_alone(tmp_path: Path, values: list[str]) -> None:
    _ruff_unchanged(tmp_path, [*HOSTILE_STRINGS, *values])


def _ruff_unchanged(folder: Path, values: list[str]) -> None:
    parts = []
    for i, value in enumerate(values):
        parts.append(
            f"class C{i}:\n" + "\n".join(docstring_lines(value, 4)) + f"\n\n    x = {py_str(value)}\n"
        )
        parts.append(f"def f{i}() -> None:\n" + "\n".join(docstring_lines(value, 4, None)) + "\n")
        parts.append(f"{comment_line(value)}\ny{i} = 1\n")
    source = "\n\n".join(parts)
    ast.parse(source)
    path = folder / "printed.py"
    path.write_text(source, encoding="utf-8")
    result = subprocess.run(
        [
            str(VENV_BIN / "ruff"),
            "format",
            "--diff",
            "--no-cache",
            "--isolated",
            "--line-length",
            "110",
            str(path),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
