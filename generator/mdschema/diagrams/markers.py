"""Diagram sections in a Markdown file: `<!-- mdschema:diagram [doc] -->` … `<!-- /mdschema:diagram -->`.

Markers are found as Markdown HTML blocks (markdown-it), so a marker shown inside a code fence, as this
project's own docs do, is not one. In a doc, a marker without an argument stands for that doc's diagram;
in any other file, for the diagram of the whole schema. An argument names a doc (its path in the
project, e.g. `spec/story.md`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

START = re.compile(r"^<!--\s*mdschema:diagram(?:\s+(?P<doc>[^\s>]+))?\s*-->$")
END = re.compile(r"^<!--\s*/mdschema:diagram\s*-->$")


@dataclass(frozen=True, slots=True)
class Section:
    line: int  # 1-based line of the start marker
    doc: str | None  # the argument, if any
    body_start: int  # 0-based index of the first line between the markers
    body_end: int  # 0-based index of the end marker's line (exclusive end of the body)
    body: str  # the text between the markers


@dataclass(frozen=True, slots=True)
class BadMarker:
    line: int
    message: str


def find_sections(text: str) -> tuple[list[Section], list[BadMarker]]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").disable("inline").parse(text)
    lines = text.splitlines(keepends=True)
    sections: list[Section] = []
    bad: list[BadMarker] = []
    open_at: tuple[int, str | None, int] | None = None  # (line, doc, first body index)
    for tok in tokens:
        if tok.type != "html_block" or not tok.map:
            continue
        first, last = tok.map
        for offset, raw in enumerate(tok.content.splitlines()):
            stripped = raw.strip()
            index = first + offset
            if (m := START.match(stripped)) is not None:
                if open_at is not None:
                    bad.append(
                        BadMarker(open_at[0], "diagram marker is not closed by <!-- /mdschema:diagram -->")
                    )
                open_at = (index + 1, m.group("doc"), index + 1)
            elif END.match(stripped):
                if open_at is None:
                    bad.append(BadMarker(index + 1, "<!-- /mdschema:diagram --> without a start marker"))
                    continue
                line, doc, body_start = open_at
                sections.append(Section(line, doc, body_start, index, "".join(lines[body_start:index])))
                open_at = None
        del last
    if open_at is not None:
        bad.append(BadMarker(open_at[0], "diagram marker is not closed by <!-- /mdschema:diagram -->"))
    return sections, bad


def fenced(diagram: str) -> str:
    """The body written between the markers."""
    return f"```mermaid\n{diagram}```\n"


def replace_bodies(text: str, bodies: list[tuple[Section, str]]) -> str:
    lines = text.splitlines(keepends=True)
    for section, body in sorted(bodies, key=lambda item: item[0].body_start, reverse=True):
        lines[section.body_start : section.body_end] = [body] if body else []
    return "".join(lines)
