"""extract: Markdown → SQL blocks with their line numbers and headings; table descriptions from headings."""

from __future__ import annotations

from pathlib import Path

import pytest
from mdschema.errors import SpecError
from mdschema.spec.markdown import Heading, parse_markdown, read_doc
from support.models import dedent, parse_text


def descriptions(markdown: str) -> dict[str, str | None]:
    _, parsed, diag = parse_text(markdown)
    assert not diag.items, [d.format() for d in diag.items]
    return {t.name: t.description for t in parsed.tables}


def test_heading_variants_name_their_table() -> None:
    got = descriptions(
        """
        # Schema

        ### 3. users

        People who sign in.

        ```sql
        CREATE TABLE users (id int PRIMARY KEY);
        ```

        ## `story` (Optional)

        Stories, when the storyteller wants them.

        ```sql
        CREATE TABLE story (id int PRIMARY KEY);
        ```

        ## Table: agent

        Agents that run sessions.

        ```sql
        CREATE TABLE agent (id int PRIMARY KEY);
        ```

        ## 10.2 chapter_theme

        Themes per chapter.

        ```sql
        CREATE TABLE chapter_theme (id int PRIMARY KEY);
        ```
        """
    )
    assert got == {
        "users": "People who sign in.",
        "story": "Stories, when the storyteller wants them.",
        "agent": "Agents that run sessions.",
        "chapter_theme": "Themes per chapter.",
    }


def test_heading_that_does_not_name_the_table_gives_no_description() -> None:
    got = descriptions(
        """
        # Story schema

        Everything about stories: this paragraph describes the doc, not a table.

        ## The main record

        Prose about the main record.

        ```sql
        CREATE TABLE story (id int PRIMARY KEY);
        ```
        """
    )
    # Neither the heading right above ("The main record") nor the doc title, which happens to
    # contain the word "story", describes the table.
    assert got == {"story": None}


def test_table_without_heading_does_not_steal_neighbours_description() -> None:
    got = descriptions(
        """
        ## requirement

        Work items for the analyst.

        ```sql
        CREATE TABLE requirement (id int PRIMARY KEY);
        ```

        ```sql
        CREATE TABLE requirement_log (id int PRIMARY KEY);
        ```
        """
    )
    assert got == {"requirement": "Work items for the analyst.", "requirement_log": None}


def test_edit_requirement_heading_does_not_describe_requirement() -> None:
    got = descriptions(
        """
        ## edit_requirement

        Edits the editor agent must make.

        ```sql
        CREATE TABLE requirement (id int PRIMARY KEY);
        CREATE TABLE edit_requirement (id int PRIMARY KEY);
        ```
        """
    )
    assert got == {"requirement": None, "edit_requirement": "Edits the editor agent must make."}


def test_heading_names_matches_whole_words_only() -> None:
    h = Heading("3. `session_note` (optional)", 1, 2, "")
    assert h.names("session_note")
    assert h.names("SESSION_NOTE")  # case-insensitive, like unquoted SQL names
    assert not h.names("session")
    assert not h.names("note")
    assert Heading("Table: agent", 1, 2, "").names("agent")
    assert not Heading("Table: agent_instance", 1, 2, "").names("agent")
    assert not Heading("2. Overview", 1, 2, "").names("2")


def test_description_is_first_paragraph_with_whitespace_collapsed() -> None:
    got = descriptions(
        """
        ## story

        A story is   told
        over several lines.

        A second paragraph is not part of it.

        ```sql
        CREATE TABLE story (id int PRIMARY KEY);
        ```
        """
    )
    assert got == {"story": "A story is told over several lines."}


def test_block_right_under_heading_has_no_description_and_later_prose_is_not_taken() -> None:
    got = descriptions(
        """
        ## story

        ```sql
        CREATE TABLE story (id int PRIMARY KEY);
        ```

        Prose after the block belongs to nothing.

        ```sql
        CREATE TABLE story_note (id int PRIMARY KEY);
        ```
        """
    )
    assert got == {"story": None, "story_note": None}


def test_non_sql_fences_are_ignored() -> None:
    doc, parsed, diag = parse_text(
        """
        ## examples

        ```python
        session.execute("CREATE TABLE py (id int)")
        ```

        ```json
        {"CREATE TABLE": "json (id int)"}
        ```

        ```
        CREATE TABLE unlabelled (id int);
        ```

        ~~~text
        CREATE TABLE texty (id int);
        ~~~

            CREATE TABLE indented (id int);

        ```sql
        CREATE TABLE real_one (id int PRIMARY KEY);
        ```

        ```PostgreSQL
        CREATE TABLE upper_info (id int PRIMARY KEY);
        ```

        ```sql title="more"
        CREATE TABLE with_attrs (id int PRIMARY KEY);
        ```
        """
    )
    assert not diag.items
    assert [t.name for t in parsed.tables] == ["real_one", "upper_info", "with_attrs"]
    assert len(doc.blocks) == 3


def test_block_first_line_is_the_line_in_the_md_file() -> None:
    text = dedent(
        """
        # Title

        Intro.

        ```sql
        CREATE TABLE a (id int PRIMARY KEY);
        ```

        text

        ```sql

        CREATE TABLE b (id int PRIMARY KEY);
        ```
        """
    )
    doc = parse_markdown(text, "spec/x.md", "x")
    lines = text.splitlines()
    assert [b.first_line for b in doc.blocks] == [6, 12]
    assert lines[6 - 1].startswith("CREATE TABLE a")
    assert lines[12 - 1] == ""
    assert doc.blocks[1].text.startswith("\nCREATE TABLE b")
    assert doc.path == "spec/x.md" and doc.stem == "x"


def test_headings_carry_their_line_and_level() -> None:
    doc = parse_markdown("# A\n\n## B\n\npara\n\n```sql\nSELECT 1;\n```\n", "d.md", "d")
    (block,) = doc.blocks
    assert [(h.text, h.line, h.level, h.description) for h in block.headings] == [
        ("A", 1, 1, ""),
        ("B", 3, 2, "para"),
    ]


def test_invalid_utf8_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "menu.md"
    path.write_bytes(b"# Menu\n\nCaf\xe9\n")
    with pytest.raises(SpecError) as exc:
        read_doc(path, "spec/menu.md")
    (d,) = exc.value.diagnostics
    assert (str(d.span), d.code) == ("spec/menu.md:3", "E301")
    assert "UTF-8" in d.message


def test_nul_byte_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "menu.md"
    path.write_bytes(b"# Menu\n\n```sql\nCREATE TABLE t (\n  id int\x00\n);\n```\n")
    with pytest.raises(SpecError) as exc:
        read_doc(path, "spec/menu.md")
    (d,) = exc.value.diagnostics
    assert (str(d.span), d.code, d.message) == ("spec/menu.md:5", "E301", "doc contains a NUL byte")


def test_utf8_bom_and_crlf_docs_read(tmp_path: Path) -> None:
    path = tmp_path / "w.md"
    path.write_bytes(
        (
            "\ufeff## café\r\n\r\nPrix en €.\r\n\r\n"
            "```sql\r\nCREATE TABLE café (id int PRIMARY KEY);\r\n```\r\n"
        ).encode()
    )
    doc = read_doc(path, "spec/w.md")
    (block,) = doc.blocks
    assert block.first_line == 6
    assert "CREATE TABLE café" in block.text
    assert block.headings[-1].description == "Prix en €."
