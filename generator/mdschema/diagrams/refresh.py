"""Keep the diagrams current: what `generate` rewrites and what `check --offline` reports as drift.

The files looked at are the docs and the project's `diagram_files` (globs in [tool.mdschema]); only the
text between a pair of markers is ever rewritten, and only in files that hold markers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mdschema.config import Config
from mdschema.diagrams.markers import fenced, find_sections, replace_bodies
from mdschema.diagrams.mermaid import er_diagram
from mdschema.errors import Diagnostic, Span, SpecError
from mdschema.schema import Schema


@dataclass(frozen=True, slots=True)
class Stale:
    path: str  # relative to the project
    line: int  # the start marker's line
    doc: str | None  # whose diagram (None: the whole schema)


@dataclass(frozen=True, slots=True)
class Plan:
    updates: tuple[tuple[Path, str], ...]  # (file, its new text), only files whose diagrams changed
    stale: tuple[Stale, ...]


def diagram_paths(config: Config) -> list[Path]:
    """The docs, then the configured diagram files, each once."""
    seen: dict[Path, None] = dict.fromkeys(config.doc_paths())
    for pattern in config.diagram_files:
        for path in sorted(config.root.glob(pattern)):
            if path.is_file():
                seen.setdefault(path, None)
    return list(seen)


def plan(config: Config, schema: Schema) -> Plan:
    docs = set(schema.docs)
    updates: list[tuple[Path, str]] = []
    stale: list[Stale] = []
    problems: list[Diagnostic] = []
    for path in diagram_paths(config):
        try:
            text = path.read_bytes().decode("utf-8-sig")  # line endings kept as they are
        except (OSError, UnicodeDecodeError):
            continue  # a doc that cannot be read was reported by the loader; another file is not ours
        if "mdschema:diagram" not in text:
            continue
        shown = config.rel(path)
        sections, bad = find_sections(text)
        problems += [Diagnostic(Span(shown, b.line), "E306", b.message) for b in bad]
        bodies = []
        for section in sections:
            doc = section.doc or (shown if shown in docs else None)
            if doc is not None and doc not in docs:
                problems.append(
                    Diagnostic(
                        Span(shown, section.line),
                        "E306",
                        f"diagram of {doc}, which is not one of the docs",
                        f"name one of: {', '.join(sorted(docs))}",
                    )
                )
                continue
            body = fenced(er_diagram(schema, doc))
            if body != section.body:
                stale.append(Stale(shown, section.line, doc))
                bodies.append((section, body))
        if bodies:
            updates.append((path, replace_bodies(text, bodies)))
    if problems:
        raise SpecError(problems)
    return Plan(tuple(updates), tuple(stale))


def refresh(config: Config, schema: Schema) -> list[str]:
    """Rewrite the stale diagrams; the files written, relative to the project."""
    from mdschema.util.atomic import write_text

    written = []
    for path, text in plan(config, schema).updates:
        if write_text(path, text):
            written.append(config.rel(path))
    return written
