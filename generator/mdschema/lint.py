"""`mdschema lint --docs`, and `require_descriptions` for `check`: every table and column the docs leave
undescribed, at its doc line, so undocumented columns fail review before they exist in any database.

A table is described by the first paragraph under its heading (or COMMENT ON TABLE), a column by its
trailing `-- comment` (or COMMENT ON COLUMN). Findings are cached in the user's cache folder, keyed by the
hash the manifest uses, so `check --offline` stays instant when nothing changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from mdschema.config import Config
from mdschema.findings import Finding
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
    """In the user's cache folder, never in the checkout: a findings file committed to a repository (or
    forged in its .mdschema/) must not be able to hide an undescribed column from CI."""
    import hashlib
    import os

    from mdschema.codegen.emit import inputs_hash

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mdschema" / "projects"
    project = hashlib.sha256(str(config.root.resolve()).encode()).hexdigest()[:16]
    return base / project / f"undocumented-{inputs_hash(config)[:32]}.json"


def cached(config: Config) -> list[Finding] | None:
    """The findings for the docs as they are, if they were computed before on this machine."""
    try:
        rows = json.loads(_cache_file(config).read_text(encoding="utf-8"))
        return [Finding(str(r[0]), str(r[1]), str(r[2])) for r in rows]
    except (OSError, ValueError, TypeError, IndexError, KeyError):
        return None


def store(config: Config, findings: list[Finding]) -> None:
    from mdschema.util.atomic import write_text

    try:
        write_text(_cache_file(config), json.dumps([[f.level, f.where, f.message] for f in findings]))
    except OSError:  # no writable cache folder: the next check parses again
        pass
