"""Generated files carry `# ruff: noqa: E501` only when one of their lines is longer than the line length
(110, as ruff measures it), so ruff keeps checking line length everywhere else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mdschema.codegen.render import NOQA_E501, line_width, without_needless_noqa
from mdschema.codegen.source import LINE_LENGTH
from support.models import make_project, render_project, sql_doc

RUFF = str(Path(sys.executable).parent / "ruff")

SHORT = sql_doc("CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL);")
LONG_COMMENT = "x" * 150
LONG = sql_doc(
    "CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL);\n"
    f"COMMENT ON COLUMN item.name IS 'the name, {LONG_COMMENT}';"
)


def _ruff_e501(root: Path, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return subprocess.run(
        [RUFF, "check", "--isolated", "--select", "E501", "--line-length", str(LINE_LENGTH), str(root)],
        capture_output=True,
        text=True,
    )


def test_no_file_has_the_noqa_when_no_line_is_long(tmp_path: Path) -> None:
    files = render_project(make_project(tmp_path / "p", {"shop.md": SHORT}))
    assert files
    assert [p for p, text in files.items() if NOQA_E501 in text] == []
    result = _ruff_e501(tmp_path / "out", files)
    assert result.returncode == 0, result.stdout


def test_the_noqa_stays_where_a_line_is_long(tmp_path: Path) -> None:
    files = render_project(make_project(tmp_path / "p", {"shop.md": LONG}))
    long = {p for p, text in files.items() if any(len(line) > LINE_LENGTH for line in text.splitlines())}
    assert long, "the long comment should give a long line"
    assert {p for p, text in files.items() if text.startswith(NOQA_E501)} == long
    result = _ruff_e501(tmp_path / "out", files)
    assert result.returncode == 0, result.stdout  # the noqa still covers the long lines


def test_width_counts_wide_characters_twice_as_ruff_does(tmp_path: Path) -> None:
    """60 CJK characters are 120 columns to ruff: the noqa must stay."""
    text = NOQA_E501 + f'X = "{"漢" * 60}"\n'
    assert line_width("漢字") == 4
    assert without_needless_noqa(text) == text
    short = NOQA_E501 + 'X = "abc"\n'
    assert without_needless_noqa(short) == 'X = "abc"\n'
    result = _ruff_e501(tmp_path / "out", {"wide.py": text[len(NOQA_E501) :]})
    assert result.returncode != 0, "ruff should find the wide line too long"
