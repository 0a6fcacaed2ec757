"""Every ER diagram mdschema draws passes Mermaid's own parser, and one really draws in headless Chromium."""

from __future__ import annotations

from pathlib import Path

from mdschema.config import load_config
from mdschema.diagrams.markers import find_sections
from mdschema.diagrams.mermaid import er_diagram
from mdschema.schema import Schema
from mdschema.spec.load import load_schema
from support.mermaid import parse, render_png
from support.models import schema_of
from support.projects import REPO

PROJECTS = [REPO, *sorted((REPO / "examples").iterdir())]

AWKWARD = """
# Awkward names

```sql
CREATE TYPE "Mood" AS ENUM ('up', 'down');
CREATE TABLE "end" (id integer PRIMARY KEY, "one" text, pk text, fk integer, "Order" "Mood"[]);
CREATE TABLE "Weird Table" (
    id uuid PRIMARY KEY,
    end_id integer NOT NULL UNIQUE REFERENCES "end"(id),
    "two words" time with time zone,
    amount double precision,
    stamp timestamp(3) without time zone,
    "naïve" text
);
CREATE TABLE many (a integer, b integer, PRIMARY KEY (a, b), FOREIGN KEY (a) REFERENCES "end"(id));
CREATE TABLE "class" (id integer PRIMARY KEY, parent_id integer REFERENCES "class"(id));
```
"""


def _diagrams(schema: Schema) -> dict[str, str]:
    out = {f"{doc} (doc)": er_diagram(schema, doc) for doc in schema.docs}
    out["(whole schema)"] = er_diagram(schema, None)
    return out


def test_every_diagram_passes_mermaids_parser(tmp_path: Path) -> None:
    diagrams: dict[str, str] = {}
    for project in PROJECTS:
        schema = load_schema(load_config(project)).schema
        diagrams.update({f"{project.name}: {k}": v for k, v in _diagrams(schema).items()})
        # and what the committed docs hold between their markers is exactly that
        for path in [*project.glob("spec/*.md"), *project.glob("docs/er-diagrams.md")]:
            for section in find_sections(path.read_text())[0]:
                diagrams[f"{path.relative_to(REPO)}:{section.line}"] = section.body.split("\n", 1)[1][
                    : -len("```\n")
                ]
    diagrams.update(
        {f"awkward: {k}": v for k, v in _diagrams(schema_of(tmp_path, {"a.md": AWKWARD})).items()}
    )
    assert len(diagrams) > 20
    verdicts = parse(list(diagrams.values()))
    assert {name: v for name, v in zip(diagrams, verdicts, strict=True) if v is not None} == {}
    # the parser does reject what is not a diagram (the harness is not a rubber stamp)
    broken = parse(
        ["erDiagram\n    a ||--o{ b c\n", "erDiagram\n    x {\n        character varying y\n    }\n"]
    )
    assert all(broken), broken


def test_a_diagram_draws_in_headless_chromium(tmp_path: Path) -> None:
    schema = load_schema(load_config(REPO / "examples" / "study_sessions")).schema
    png = tmp_path / "core.png"
    info = render_png(er_diagram(schema, "spec/core.md"), png)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 200 and height > 500  # five tables stacked, not an empty box
    texts = set(info["texts"])  # type: ignore[arg-type]
    assert {"profiles", "study_sessions", "topics", "chats", "messages", "PK", "FK", "FK,UK"} <= texts
    assert {"profile_id", "topic_id", "chat_id"} <= texts  # the relationships' labels
