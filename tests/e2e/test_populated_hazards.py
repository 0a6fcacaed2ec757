"""Hazards that only bite on a database that holds rows, shown on one: `revision` refuses a new NOT NULL
column without a default (`add_not_null_column`) and a dropped extension (`drop_extension`) at their doc
lines until `--allow KIND`; the pre-flight of `upgrade` then refuses it with the row count (see
test_preflight.py), and with `--no-preflight` it fails exactly where the gate said it would, and
leaves the database at its previous revision with every row in place. What PostgreSQL can fill on
existing rows (a default, a generated expression, an identity) is not a hazard.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from support.projects import Project, make_project, query, revision_id

DOC = "shop.md"
SHOP = """
# Shop

```sql
CREATE EXTENSION IF NOT EXISTS vector;
```

## item

Something for sale.

```sql
CREATE TABLE item (
    id INTEGER PRIMARY KEY,            -- Key
    name TEXT NOT NULL,                -- Name
    embedding vector(3)                -- Embedding
);
```
"""
ROWS = [(1, "apple"), (2, "pear"), (3, "plum")]
HAZARD_LINE = re.compile(
    r"^  (?P<where>.+?): (?P<subject>\w+ \S+): (?P<detail>.+?)  \[--allow (?P<kind>\w+)\]$"
)


def populated(tmp_path: Path, pg_server: str, make_database: Callable[..., str]) -> Project:
    """The shop at its first revision, upgraded, with three items (one with an embedding)."""
    project = make_project(tmp_path, {DOC: SHOP}, pg_server, make_database(template=None))
    result, path = project.revise("initial")
    assert result.rc == 0 and path is not None, result.output
    project.ok("upgrade")
    with project.connect() as conn:
        conn.execute("INSERT INTO item (id, name) VALUES (1, 'apple'), (2, 'pear'), (3, 'plum')")
        conn.execute("UPDATE item SET embedding = '[1,2,3]' WHERE id = 1")
    return project


def hazards(output: str) -> list[tuple[str, str, str, str]]:
    """(kind, subject, where, detail) of every hazard line of a refusal."""
    return [
        (m["kind"], m["subject"], m["where"], m["detail"])
        for m in map(HAZARD_LINE.match, output.splitlines())
        if m
    ]


def items(project: Project) -> list[tuple[int, str]]:
    assert project.database_url
    return [(int(i), str(n)) for i, n in query(project.database_url, "SELECT id, name FROM item ORDER BY id")]


def at_revision(project: Project) -> str:
    assert project.database_url
    ((rev,),) = query(project.database_url, "SELECT version_num FROM alembic_version")
    return str(rev)


def test_a_new_not_null_column_is_refused_then_fails_on_the_rows(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = populated(tmp_path, pg_server, make_database)
    head = at_revision(project)
    project.edit(
        DOC,
        "    name TEXT NOT NULL,                -- Name\n",
        "    name TEXT NOT NULL,                -- Name\n"
        "    sku TEXT NOT NULL,                 -- Stock keeping unit\n",
    )
    before = project.revisions()

    refused = project.run("revision", "-m", "sku")
    assert refused.rc == 1, refused.output
    assert project.revisions() == before, "a refused revision writes no file"
    line = project.line_of(DOC, "sku TEXT NOT NULL")
    assert hazards(refused.out) == [
        (
            "add_not_null_column",
            "column item.sku",
            f"spec/{DOC}:{line}",
            "adds a NOT NULL column without a default; the upgrade fails if table item has rows "
            "(give it a DEFAULT, or add it nullable, fill it, then make it NOT NULL)",
        )
    ], refused.out
    assert "--allow-destructive" in refused.out and "Traceback" not in refused.output

    # another kind's --allow does not let it through; a misspelt kind is an error, not a silent no-op
    other = project.run("revision", "-m", "sku", "--allow", "set_not_null")
    assert other.rc == 1 and [h[0] for h in hazards(other.out)] == ["add_not_null_column"], other.output
    typo = project.run("revision", "-m", "sku", "--allow", "add_not_null")
    assert typo.rc == 2 and "--allow add_not_null: no such hazard" in typo.err, typo.output
    assert "add_not_null_column" in typo.err and project.revisions() == before

    result, path = project.revise("sku", "--allow", "add_not_null_column")
    assert result.rc == 0 and path is not None, result.output
    assert "proven on a shadow database" in result.out  # the shadow has no rows: the proof passes
    text = path.read_text()
    assert "# DESTRUCTIVE (add_not_null_column): column item.sku:" in text, text

    # …and the pre-flight counts the rows that would fail it, and refuses before running anything
    refused_upgrade = project.run("upgrade")
    assert refused_upgrade.rc == 1, refused_upgrade.output
    assert f"spec/{DOC}:{line}: column item.sku: 3 row(s)" in refused_upgrade.out, refused_upgrade.output
    assert at_revision(project) == head
    # without it, the populated database refuses it, as the gate said; nothing of the revision is applied
    upgrade = project.run("upgrade", "--no-preflight")
    assert upgrade.rc == 2, upgrade.output
    assert 'column "sku"' in upgrade.err and "null values" in upgrade.err, upgrade.output
    assert "Traceback" not in upgrade.output
    assert at_revision(project) == head != revision_id(path)
    assert items(project) == ROWS
    assert project.database_url
    assert query(
        project.database_url,
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'item' AND column_name = 'sku'",
    ) == [(0,)]


def test_new_not_null_columns_postgresql_can_fill_are_not_hazards(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = populated(tmp_path, pg_server, make_database)
    project.edit(
        DOC,
        "    name TEXT NOT NULL,                -- Name\n",
        "    name TEXT NOT NULL,                -- Name\n"
        "    stock INTEGER NOT NULL DEFAULT 0,  -- In stock\n"
        "    label TEXT GENERATED ALWAYS AS (upper(name)) STORED NOT NULL,  -- Label\n"
        "    seq BIGINT GENERATED ALWAYS AS IDENTITY NOT NULL,  -- Sequence\n",
    )
    result, path = project.revise("filled")
    assert result.rc == 0 and path is not None, result.output
    assert "refusing" not in result.output and "DESTRUCTIVE" not in path.read_text()
    project.ok("upgrade")
    assert at_revision(project) == revision_id(path)
    assert project.database_url
    rows = query(project.database_url, "SELECT id, stock, label, seq FROM item ORDER BY id")
    assert [r[:3] for r in rows] == [(1, 0, "APPLE"), (2, 0, "PEAR"), (3, 0, "PLUM")]
    assert sorted(r[3] for r in rows) == [1, 2, 3]  # each existing row got its identity value


def test_a_dropped_extension_is_refused_until_allowed(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = populated(tmp_path, pg_server, make_database)
    project.edit(DOC, "```sql\nCREATE EXTENSION IF NOT EXISTS vector;\n```\n", "")
    project.edit(
        DOC,
        "    name TEXT NOT NULL,                -- Name\n",
        "    name TEXT NOT NULL                 -- Name\n",
    )
    project.edit(DOC, "    embedding vector(3)                -- Embedding\n", "")
    before = project.revisions()

    refused = project.run("revision", "-m", "no vectors")
    assert refused.rc == 1, refused.output
    assert project.revisions() == before
    assert sorted(h[:3] for h in hazards(refused.out)) == [
        ("drop_column", "column item.embedding", f"spec/{DOC}:{project.line_of(DOC, 'CREATE TABLE item')}"),
        ("drop_extension", "extension vector", "(not in the docs)"),
    ], refused.out
    only_column = project.run("revision", "-m", "no vectors", "--allow", "drop_column")
    assert only_column.rc == 1 and [h[0] for h in hazards(only_column.out)] == ["drop_extension"]
    assert project.revisions() == before

    result, path = project.revise("no vectors", "--allow", "drop_column", "--allow", "drop_extension")
    assert result.rc == 0 and path is not None, result.output
    assert "# DESTRUCTIVE (drop_extension): extension vector:" in path.read_text()
    project.ok("upgrade")
    assert project.database_url
    assert query(project.database_url, "SELECT count(*) FROM pg_extension WHERE extname = 'vector'") == [(0,)]
    assert items(project) == ROWS


def test_not_null_on_a_column_with_a_default_is_gated_too(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """A default fills new rows only: NULLs already there make SET NOT NULL fail, so it is gated too."""
    project = populated(tmp_path, pg_server, make_database)
    project.edit(
        DOC,
        "    name TEXT NOT NULL,                -- Name\n",
        "    name TEXT NOT NULL,                -- Name\n    colour TEXT DEFAULT 'green',       -- Colour\n",
    )
    result, path = project.revise("colour")
    assert result.rc == 0 and path is not None, result.output  # a nullable column with a default: fine
    project.ok("upgrade")
    head = at_revision(project)  # the three items have colour 'green' now; a fourth has none
    with project.connect() as conn:
        conn.execute("INSERT INTO item (id, name, colour) VALUES (4, 'fig', NULL)")
    project.edit(DOC, "colour TEXT DEFAULT 'green',", "colour TEXT NOT NULL DEFAULT 'green',")
    before = project.revisions()

    refused = project.run("revision", "-m", "colour required")
    assert refused.rc == 1 and project.revisions() == before, refused.output
    line = project.line_of(DOC, "colour TEXT NOT NULL")
    assert hazards(refused.out) == [
        (
            "set_not_null",
            "column item.colour",
            f"spec/{DOC}:{line}",
            "adds NOT NULL; a default fills only new rows: existing NULLs fail the upgrade",
        )
    ], refused.out

    result, path = project.revise("colour required", "--allow", "set_not_null")
    assert result.rc == 0 and path is not None, result.output
    refused_upgrade = project.run("upgrade")  # the pre-flight counts the one NULL, and names its key
    assert refused_upgrade.rc == 1, refused_upgrade.output
    assert f"spec/{DOC}:{line}: column item.colour: 1 row(s)" in refused_upgrade.out
    assert "keys: id=4" in refused_upgrade.out and at_revision(project) == head
    upgrade = project.run("upgrade", "--no-preflight")
    assert upgrade.rc == 2 and 'column "colour"' in upgrade.err, upgrade.output
    assert at_revision(project) == head != revision_id(path)
    assert items(project) == [*ROWS, (4, "fig")]
