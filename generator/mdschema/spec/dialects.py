"""SQL written for another database: MySQL's and SQLite's tell-tale tokens, found in pglast's token stream.

A doc copied from a MySQL or SQLite schema fails with a wall of syntax errors that never say why; one
line at the first such token does ("this looks like MySQL SQL; mdschema reads PostgreSQL").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mdschema.errors import Diagnostic, Span

# word (upper case, an identifier token) → dialect
_WORDS = {
    "AUTO_INCREMENT": "MySQL",
    "UNSIGNED": "MySQL",
    "ZEROFILL": "MySQL",
    "TINYINT": "MySQL",
    "MEDIUMINT": "MySQL",
    "TINYTEXT": "MySQL",
    "MEDIUMTEXT": "MySQL",
    "LONGTEXT": "MySQL",
    "AUTOINCREMENT": "SQLite",
}
# integer types PostgreSQL's grammar gives no modifiers: INT(11) is MySQL's display width
_INTEGER_KEYWORDS = frozenset({"INT_P", "INTEGER", "SMALLINT", "BIGINT"})

HINTS = {
    "MySQL": (
        'in PostgreSQL: AUTO_INCREMENT is GENERATED ALWAYS AS IDENTITY, `name` is "name", INT(11) is '
        "integer, UNSIGNED is a CHECK (x >= 0), ENUM(…) is a CREATE TYPE … AS ENUM, and there is no ENGINE="
    ),
    "SQLite": (
        "in PostgreSQL: INTEGER PRIMARY KEY AUTOINCREMENT is BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    ),
}


@dataclass(frozen=True, slots=True)
class Foreign:
    offset: int  # of the first tell-tale token in the block
    dialect: str  # "MySQL" | "SQLite"
    token: str  # as written, e.g. "AUTO_INCREMENT", "`", "ENUM("


def foreign_dialect(tokens: Sequence[Any], text: str) -> Foreign | None:
    """The first token of `text` (scanned into `tokens`) that only MySQL or SQLite would accept."""
    for i, tok in enumerate(tokens):
        word = text[tok.start : tok.end + 1]
        following = text[tokens[i + 1].start] if i + 1 < len(tokens) else ""
        before = tokens[i - 1].name if i > 0 else ""
        if tok.name == "Op" and word.startswith("`"):
            return Foreign(tok.start, "MySQL", "`backticks`")
        if tok.name == "IDENT" and word.upper() in _WORDS:
            return Foreign(tok.start, _WORDS[word.upper()], word)
        if tok.name == "IDENT" and word.upper() == "ENGINE" and following == "=":
            return Foreign(tok.start, "MySQL", word + "=")
        if tok.name == "ENUM_P" and following == "(" and before != "AS":
            return Foreign(tok.start, "MySQL", word + "(…)")
        if tok.name in _INTEGER_KEYWORDS and following == "(":
            return Foreign(tok.start, "MySQL", word + "(…)")
    return None


def dialect_errors(
    foreign: Iterable[tuple[Span, str, str]], diagnostics: Iterable[Diagnostic]
) -> list[Diagnostic]:
    """E205, once per doc, at its first MySQL/SQLite token: only for a doc that failed (the token may be
    why) and has not been told yet."""
    failed = {d.span.file for d in diagnostics if d.severity == "error"}
    told = {d.span.file for d in diagnostics if d.code == "E205"}
    out: list[Diagnostic] = []
    for span, dialect, token in sorted(foreign):
        if span.file in failed and span.file not in told:
            told.add(span.file)
            message = f"this looks like {dialect} SQL ({token}); mdschema reads PostgreSQL"
            out.append(Diagnostic(span, "E205", message, HINTS[dialect]))
    return out
