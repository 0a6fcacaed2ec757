"""ER diagrams: what the Mermaid text says, where the markers are, and generate / check --offline on them."""

from __future__ import annotations

from pathlib import Path

from mdschema.diagrams.markers import find_sections
from mdschema.diagrams.mermaid import er_diagram
from support.models import dedent, schema_of
from support.projects import make_project

LIBRARY = """
# Library

<!-- mdschema:diagram -->
<!-- /mdschema:diagram -->

## author

```sql
CREATE TABLE author (
    id uuid PRIMARY KEY,
    email text UNIQUE
);
```

## book

```sql
CREATE TABLE book (
    id uuid PRIMARY KEY,
    author_id uuid NOT NULL REFERENCES author(id),
    editor_id uuid REFERENCES author(id),
    isbn text,
    CONSTRAINT book_isbn_key UNIQUE (isbn)
);
CREATE TABLE book_detail (
    book_id uuid PRIMARY KEY REFERENCES book(id),
    blurb text
);
```
"""

SHOP = """
# Shop

## "end"

```sql
CREATE TABLE "end" (
    id integer PRIMARY KEY,
    pk text,
    price numeric(10,2),
    seen timestamp with time zone,
    book_id uuid REFERENCES book(id),
    first_author uuid UNIQUE REFERENCES author(id)
);
```
"""


def test_the_diagram_of_a_doc(tmp_path: Path) -> None:
    schema = schema_of(tmp_path, {"library.md": LIBRARY, "shop.md": SHOP})
    assert er_diagram(schema, "spec/library.md") == dedent(
        """
        erDiagram
            author {
                uuid id PK
                text email UK
            }
            book {
                uuid id PK
                uuid author_id FK
                uuid editor_id FK
                text isbn UK
            }
            book_detail {
                uuid book_id PK, FK
                text blurb
            }
            author ||..o{ book : "author_id"
            author |o..o{ book : "editor_id"
            book ||--o| book_detail : "book_id"
        """
    )
    # other docs' tables are references: the columns pointed at, and where they live
    assert er_diagram(schema, "spec/shop.md") == dedent(
        """
        erDiagram
            "end" {
                integer id PK
                text pk_
                numeric(10,2) price
                timestamptz seen
                uuid book_id FK
                uuid first_author FK, UK
            }
            author {
                uuid id PK "spec/library.md"
            }
            book {
                uuid id PK "spec/library.md"
            }
            book |o..o{ "end" : "book_id"
            author |o..o| "end" : "first_author"
        """
    )
    whole = er_diagram(schema, None)
    assert whole.count(" {\n") == 4 and '"spec/library.md"' not in whole


def test_markers_inside_code_fences_are_text(tmp_path: Path) -> None:
    text = dedent(
        """
        # Doc

        ```markdown
        <!-- mdschema:diagram -->
        <!-- /mdschema:diagram -->
        ```

        <!-- mdschema:diagram spec/other.md -->
        old
        <!-- /mdschema:diagram -->

        <!-- mdschema:diagram -->
        """
    )
    sections, bad = find_sections(text)
    assert [(s.line, s.doc, s.body) for s in sections] == [(8, "spec/other.md", "old\n")]
    assert [(b.line, b.message) for b in bad] == [
        (12, "diagram marker is not closed by <!-- /mdschema:diagram -->")
    ]


def test_generate_refreshes_diagrams_and_check_offline_finds_stale_ones(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {"library.md": LIBRARY},
        shadow_url="",
        extra_config='diagram_files = ["docs/*.md"]',
    )
    (project.root / "docs").mkdir()
    er = project.root / "docs" / "er.md"
    er.write_text("# All\n\n<!-- mdschema:diagram -->\n<!-- /mdschema:diagram -->\n\nThe end.\n")
    result = project.ok("generate")
    assert "refreshed the diagram in spec/library.md" in result.out
    assert "refreshed the diagram in docs/er.md" in result.out
    doc = project.doc("library.md").read_text()
    assert "```mermaid\nerDiagram\n    author {\n" in doc and "## author" in doc
    assert er.read_text().endswith("```\n<!-- /mdschema:diagram -->\n\nThe end.\n")
    assert project.ok("check", "--offline").out.startswith("mdschema: generated/ is current")
    assert project.ok("generate").out.count("refreshed") == 0  # current: nothing rewritten

    # a hand edit between the markers is drift at the marker's line, even on the manifest fast path
    project.edit("library.md", "text email UK", "text email")
    stale = project.run("check", "--offline")
    assert stale.rc == 1, stale.output
    line = project.line_of("library.md", "<!-- mdschema:diagram -->")
    assert f"spec/library.md:{line}: docs: the ER diagram of spec/library.md is stale" in stale.out
    # a changed table: both the models and the diagram of the configured file are stale
    project.edit("library.md", "    blurb text\n", "    blurb text,\n    pages integer\n")
    both = project.run("check", "--offline")
    assert "docs/er.md:3: docs: the ER diagram of the schema is stale" in both.out
    assert "generated file(s) differ from the docs" in both.out
    project.ok("generate")
    assert "integer pages" in er.read_text() and "integer pages" in project.doc("library.md").read_text()
    assert project.run("check", "--offline").rc == 0

    er.write_text(er.read_text().replace("integer pages", "integer page_count"))
    assert (
        "docs/er.md:3: docs: the ER diagram of the schema is stale" in project.run("check", "--offline").out
    )


def test_a_broken_marker_is_an_error_at_its_line(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"library.md": LIBRARY.replace("<!-- /mdschema:diagram -->\n", "")}, "")
    failed = project.run("generate")
    assert failed.rc == 2
    assert (
        "spec/library.md:3: error[E306]: diagram marker is not closed by <!-- /mdschema:diagram -->"
        in failed.err
    )
    named = LIBRARY.replace("<!-- mdschema:diagram -->", "<!-- mdschema:diagram spec/nope.md -->")
    project.write_doc("library.md", named)
    failed = project.run("generate")
    assert (
        "spec/library.md:3: error[E306]: diagram of spec/nope.md, which is not one of the docs" in failed.err
    )


def test_types_are_short_single_words() -> None:
    from mdschema.diagrams.mermaid import short_type

    assert [
        short_type(t)
        for t in (
            "character varying(20)[]",
            "timestamp(3) without time zone",
            "timestamp with time zone",
            "time(6) with time zone",
            "double precision",
            "character(2)",
            "numeric(10,2)",
        )
    ] == ["varchar(20)[]", "timestamp(3)", "timestamptz", "timetz(6)", "float8", "char(2)", "numeric(10,2)"]
