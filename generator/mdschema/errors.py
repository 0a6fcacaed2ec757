"""Compiler-style diagnostics: every problem carries a place, a stable code and a hint."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Where something was written: a doc path (as given) and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    span: Span
    code: str
    message: str
    hint: str = ""
    severity: str = "error"

    def format(self) -> str:
        text = f"{_one_line(str(self.span))}: {self.severity}[{self.code}]: {_one_line(self.message)}"
        if self.hint:
            text += f"\n  hint: {_one_line(self.hint)}"
        return text


def _one_line(text: str) -> str:
    """Names and quoted text from a doc may hold newlines, carriage returns, U+2028, bidi overrides…:
    escaped, so that a diagnostic stays one `file:line:` line and shows what is really there."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


class SpecError(Exception):
    """Raised with every diagnostic collected, never with just the first."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(sorted(set(diagnostics)))
        super().__init__(self.format())

    def format(self) -> str:
        return "\n".join(d.format() for d in self.diagnostics)


class Collector:
    """Accumulates diagnostics across a stage; `raise_if_any` ends the stage."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, span: Span, code: str, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(span, code, message, hint))

    def warning(self, span: Span, code: str, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(span, code, message, hint, "warning"))

    def note(self, span: Span, code: str, message: str, hint: str = "") -> None:
        """What was read but left alone on purpose (never an error, not even with --strict)."""
        self.items.append(Diagnostic(span, code, message, hint, "note"))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    def raise_if_any(self, strict: bool = False) -> None:
        """Errors (and warnings with `strict`) end the stage; they are reported with the warnings."""
        shown = [d for d in self.items if d.severity != "note"]
        bad = shown if strict else self.errors
        if bad:
            raise SpecError(shown)


# Stable codes. E1xx: references and names; E2xx: SQL and types; E3xx: documents and config.
CODES = {
    "E101": "duplicate table",
    "E102": "duplicate index or constraint name",
    "E103": "identifier longer than 63 bytes",
    "E104": "foreign key references unknown table",
    "E105": "foreign key references unknown column",
    "E106": "index or constraint on unknown column",
    "E107": "statement refers to unknown table",
    "E108": "duplicate column",
    "E109": "foreign key column count mismatch",
    "E110": "enum default is not a label of the enum",
    "E111": "duplicate enum, function, trigger, view or sequence",
    "E112": "foreign key target is not a primary key or unique constraint",
    "E113": "beyond a limit PostgreSQL enforces (columns per table, index or key columns, enum label bytes)",
    "E114": "an object in a schema no doc creates (CREATE SCHEMA)",
    "E115": "duplicate policy on a table",
    "E116": "a policy for a role that is neither built in nor in the roles config key",
    "E117": "a policy clause its command refuses (USING on INSERT, WITH CHECK on SELECT or DELETE)",
    "E120": "an EXCLUDE constraint mistake (unknown column, an access method without exclusion, no operator)",
    "E121": "a COLLATE mistake (on a type that has no collation, an unknown collation)",
    "E122": "a domain mistake (an unknown base type, a default of the wrong type, COLLATE on its column)",
    "E123": "a domain CHECK naming anything but VALUE (a column, a subquery)",
    "E124": "a sequence PostgreSQL refuses: its options, its name, or OWNED BY an unknown table or column",
    "E125": "a sequence no doc creates: nextval('name'), ALTER SEQUENCE or COMMENT ON SEQUENCE of it",
    "E201": "SQL syntax error",
    "E202": "unsupported statement",
    "E203": "unknown type",
    "E204": "unsupported column or table feature",
    "E205": "SQL of another dialect (MySQL, SQLite)",
    "E301": "document cannot be read",
    "E302": "invalid configuration",
    "E303": "no documents matched",
    "E304": "unsafe module name",
    "E305": "a project template cannot be rendered",
    "E306": "diagram marker without its pair, or naming an unknown doc",
    "E307": "a file in the generated package that mdschema did not write",
    "E308": "a relationship rename that names no relationship or clashes with another attribute",
    "W101": "a table without a primary key",
    "W301": "a doc without SQL: no ```sql block, or a block without a statement",
    "N101": "a definition [tool.mdschema.prefer] set aside, and the statements that went with it",
    "N201": "statements that are not schema (sample data, queries, grants…): skipped",
    "N202": "a policy on a table whose row-level security the docs do not enable",
}
