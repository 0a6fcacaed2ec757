"""Markdown for one imported doc: a title and a paragraph, the shared objects, then a section per table.

    # story

    Imported by `mdschema import` from schema `public`: 12 tables.

    <!-- mdschema:diagram -->
    ```mermaid
    erDiagram
        …
    ```
    <!-- /mdschema:diagram -->

    ## Types, extensions and functions
    ```sql
    CREATE EXTENSION IF NOT EXISTS vector;
    CREATE TYPE mood AS ENUM ('happy', 'sad');
    ```

    ## story_chapter

    <its COMMENT ON TABLE, or an HTML comment `TODO: describe` when it has none>

    ```sql
    CREATE TABLE story_chapter (…);
    CREATE INDEX …;
    ```

The placeholder is an HTML comment, not prose: a paragraph would become the table's description (and its
comment in the database), so the round trip would no longer be exact.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from mdschema.importer.catalog_to_docs import LINE, PLACEHOLDER, Line, TableText

DIAGRAM_START = "<!-- mdschema:diagram -->"  # `mdschema generate` keeps the ER diagram between these
DIAGRAM_END = "<!-- /mdschema:diagram -->"
_BLOCK_START = re.compile(r"[#>*+\-=`~<|]|\d+[.)](\s|$)|\s")


@dataclass(frozen=True, slots=True)
class Shared:
    """Schema objects of a doc beyond its tables, as SQL statements (each ending with ;)."""

    extensions: tuple[str, ...] = ()
    enums: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DocText:
    text: str
    marks: tuple[tuple[int, tuple[tuple[str, str, str], ...]], ...]  # (1-based line, (table, kind, name)…)


def render_doc(
    title: str, intro: str, shared: Shared, tables: tuple[TableText, ...], diagram: str | None = None
) -> DocText:
    """`diagram`: the Mermaid text between the diagram markers (None: the markers only, empty)."""
    from mdschema.diagrams.markers import fenced

    out: list[Line] = [Line(f"# {title}"), Line(""), *(Line(p) for p in _paragraph(intro)), Line("")]
    if tables:
        drawn = fenced(diagram).splitlines() if diagram is not None else []
        out += [Line(DIAGRAM_START), *(Line(line) for line in drawn), Line(DIAGRAM_END), Line("")]
    statements = [*shared.extensions, *shared.enums, *shared.functions]
    if statements:
        out += [Line("## Types, extensions and functions"), Line("")]
        body: list[Line] = []
        for i, sql in enumerate(statements):
            if i and ("\n" in sql or "\n" in statements[i - 1]):
                body.append(Line(""))
            body += [Line(line) for line in sql.split("\n")]
        out += _fence(body)
        out.append(Line(""))
    for table in tables:
        out += [Line(f"## {table.heading}"), Line("")]
        if table.prose is None and not table.described_below:
            out.append(
                Line(f"<!-- {PLACEHOLDER} {_html_safe(table.name)}: what one row is, who writes it -->")
            )
        elif table.prose is not None:
            out += [Line(p) for p in _paragraph(table.prose)]
        if out[-1].text:
            out.append(Line(""))
        out += _fence(list(table.sql))
        out.append(Line(""))
    while out and not out[-1].text:
        out.pop()
    marks = tuple((i, line.marks) for i, line in enumerate(out, 1) if line.marks)
    return DocText("\n".join(line.text for line in out) + "\n", marks)


def _paragraph(text: str) -> list[str]:
    """Wrapped at the line length when no wrapped line would start a Markdown block of its own."""
    lines = textwrap.wrap(text, width=LINE, break_long_words=False, break_on_hyphens=False)
    if len(lines) > 1 and all(not _BLOCK_START.match(line) for line in lines[1:]):
        return lines
    return [text]


def _fence(body: list[Line]) -> list[Line]:
    """A ```sql fence longer than any run of backticks that starts a line of the body."""
    longest = max((len(m.group(1)) for line in body if (m := re.match(r"\s*(`+)", line.text))), default=0)
    fence = "`" * max(3, longest + 1)
    return [Line(f"{fence}sql"), *body, Line(fence)]


def _html_safe(text: str) -> str:
    return text.replace("--", "- -").replace(">", "&gt;")
