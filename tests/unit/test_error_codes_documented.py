"""Every diagnostic code mdschema can print is in docs/spec-format.md's table, and the table has no other."""

from __future__ import annotations

import re
from pathlib import Path

from mdschema.errors import CODES

DOC = Path(__file__).resolve().parents[2] / "docs" / "spec-format.md"


def test_the_error_table_lists_exactly_the_codes() -> None:
    documented: set[str] = set()
    for line in DOC.read_text().splitlines():
        first = re.match(r"\| ([EWN]\d{3}(?: / [EWN]\d{3})*) \|", line)
        if first:
            documented.update(first.group(1).split(" / "))
    assert documented == set(CODES), (sorted(set(CODES) - documented), sorted(documented - set(CODES)))
