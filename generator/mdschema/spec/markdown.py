"""Markdown → SQL blocks and prose, with line numbers (markdown-it-py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mdschema.errors import Diagnostic, Span, SpecError

SQL_LANGUAGES = frozenset({"sql", "postgresql", "postgres", "pgsql", "psql", "plpgsql"})
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[A-Za-z]\.)\s+")


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    line: int
    level: int
    description: str  # first prose paragraph under it, "" if none

    def names(self, table: str) -> bool:
        """Does this heading name `table` ("3. users", "`story` (Optional)", "Table: agent")?"""
        words = _WORD.findall(_NUMBERING.sub("", self.text).replace("`", ""))
        return table.lower() in (w.lower() for w in words)


@dataclass(frozen=True, slots=True)
class SqlBlock:
    text: str
    first_line: int  # line in the .md of the block's first content line
    headings: tuple[Heading, ...]  # every heading before the block, nearest last


@dataclass(frozen=True, slots=True)
class Doc:
    path: str  # as shown in diagnostics (relative to the project root)
    stem: str
    blocks: tuple[SqlBlock, ...]


def read_doc(path: Path, shown: str) -> Doc:
    return doc_from_bytes(read_doc_bytes(path, shown), shown, path.stem)


def read_doc_bytes(path: Path, shown: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SpecError([Diagnostic(Span(shown, 1), "E301", f"cannot read doc: {exc.strerror}")]) from None


def doc_from_bytes(raw: bytes, shown: str, stem: str) -> Doc:
    try:
        text = raw.decode("utf-8-sig")  # a BOM (Windows editors) would hide the first heading
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SpecError(
            [Diagnostic(Span(shown, line), "E301", "doc is not valid UTF-8", "save the file as UTF-8")]
        ) from None
    if "\x00" in text:  # markdown-it would silently turn it into U+FFFD inside the SQL
        line = text[: text.index("\x00")].count("\n") + 1
        raise SpecError(
            [Diagnostic(Span(shown, line), "E301", "doc contains a NUL byte", "remove the control character")]
        )
    return parse_markdown(text, shown, stem)


def parse_markdown(text: str, shown: str, stem: str) -> Doc:
    from markdown_it import MarkdownIt

    # Block structure only: headings and paragraphs are read as their raw text, so inline parsing
    # (emphasis, links, ...) is never needed, and skipping it keeps a 10 MB doc at seconds, not minutes.
    tokens = MarkdownIt("commonmark").disable("inline").parse(text)
    headings: list[Heading] = []
    blocks: list[SqlBlock] = []
    pending: tuple[str, int, int] | None = None  # heading waiting for its first paragraph
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            if pending:
                headings.append(Heading(pending[0], pending[1], pending[2], ""))
            content = tokens[i + 1].content if i + 1 < len(tokens) else ""
            line = tok.map[0] + 1 if tok.map else 1
            pending = (content.strip(), line, int(tok.tag[1:]))
        elif tok.type == "paragraph_open" and pending and i + 1 < len(tokens):
            paragraph = " ".join(tokens[i + 1].content.split())
            headings.append(Heading(pending[0], pending[1], pending[2], paragraph))
            pending = None
        elif tok.type in ("fence", "code_block"):
            language = tok.info.strip().split()[0].lower() if tok.info.strip() else ""
            if language not in SQL_LANGUAGES:
                continue
            if pending:  # a block straight under its heading: the heading has no paragraph
                headings.append(Heading(pending[0], pending[1], pending[2], ""))
                pending = None
            first = tok.map[0] + 2 if tok.map else 1
            blocks.append(SqlBlock(tok.content, first, tuple(headings)))
    return Doc(shown, stem, tuple(blocks))
