"""`mdschema lint --docs`, and `require_descriptions` for `check`: every table and column the docs leave
undescribed, at its doc line, so undocumented columns fail review before they exist in any database.

A table is described by the first paragraph under its heading (or COMMENT ON TABLE), a column by its
trailing `-- comment` (or COMMENT ON COLUMN). Findings are cached under `.mdschema/cache/`, keyed by the
hash the manifest uses, so `check --offline` stays instant when nothing changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from mdschema.check import Finding
from mdschema.config import Config
from mdschema.schema import Schema


def undocumented(schema: Schema) -> list[Finding]:
    """Tables without a description and columns without a comment, by doc and line."""
    found: list[tuple[tuple[str, int], Finding]] = []
    for table in schema.tables:
        if not (table.description or "").strip():
            found.append(
                (
                    (table.span.file, table.span.line),
                    Finding(
                        "docs",
                        str(table.span),
                        f"table {table.name} has no description: write a paragraph under its heading",
                    ),
                )
            )
        for col in table.columns:
            if not (col.comment or "").strip():
                found.append(
                    (
                        (col.span.file, col.span.line),
                        Finding(
                            "docs",
                            str(col.span),
                            f"column {table.name}.{col.name} has no description: add a trailing -- comment",
                        ),
                    )
                )
    return [f for _, f in sorted(found, key=lambda item: item[0])]


def _cache_file(config: Config) -> Path:
    from mdschema.codegen.emit import inputs_hash

    return config.root / ".mdschema" / "cache" / f"undocumented-{inputs_hash(config)[:20]}.json"


def cached(config: Config) -> list[Finding] | None:
    """The findings for the docs as they are, if they were computed before."""
    try:
        rows = json.loads(_cache_file(config).read_text(encoding="utf-8"))
        return [Finding(str(r[0]), str(r[1]), str(r[2])) for r in rows]
    except (OSError, ValueError, TypeError, IndexError):
        return None


def store(config: Config, findings: list[Finding]) -> None:
    from mdschema.util.atomic import write_text

    path = _cache_file(config)
    try:
        state = config.root / ".mdschema"
        state.mkdir(exist_ok=True)
        if not (state / ".gitignore").exists():
            (state / ".gitignore").write_text("*\n")
        write_text(path, json.dumps([[f.level, f.where, f.message] for f in findings]))
    except OSError:  # a read-only checkout: no cache, the next check parses again
        pass
