"""Data-aware hazards on a populated database: `revision` lists every step that can fail on rows already
there (at its doc line), writes the queries that count them into the revision, and `mdschema upgrade` /
`downgrade` run them first and refuse — with the count, the doc line and up to five keys — before
running anything: the database stays at its revision with every row as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from support.projects import Project, execute, make_project, query, revision_id

DOC = "shop.md"
SHOP = """
# Shop

```sql
CREATE TYPE size AS ENUM ('small', 'large');
```

## maker

Who makes it.

```sql
CREATE TABLE maker (
    id INTEGER PRIMARY KEY             -- Key
);
```

## item

Something for sale.

```sql
CREATE TABLE item (
    id INTEGER PRIMARY KEY,            -- Key
    name TEXT,                         -- Name
    code VARCHAR(20),                  -- Code
    qty INTEGER,                       -- In stock
    maker_id INTEGER,                  -- Maker
    size size                          -- Size
);
```
"""
REFUSED = re.compile(
    r"^  (?P<where>\S+): (?P<subject>\w+ \S+): (?P<rows>\d+) (?:row\(s\)|duplicate group\(s\)) "
    r"\((?P<detail>.+)\) "
    r"would fail the (?P<direction>\w+) in revision (?P<rev>\w+) \[(?P<kind>\w+)\](?:; keys: (?P<keys>.+))?$"
)


def populated(tmp_path: Path, pg_server: str, make_database: Callable[..., str]) -> Project:
    project = make_project(tmp_path, {DOC: SHOP}, pg_server, make_database(template=None))
    result, path = project.revise("initial")
    assert result.rc == 0 and path is not None, result.output
    project.ok("upgrade")
    assert project.database_url
    execute(
        project.database_url,
        "INSERT INTO maker VALUES (1), (2)",
        "INSERT INTO item VALUES (1, 'apple', 'A', 5, 1, 'small'), (2, NULL, 'BANANA-LONG', -1, 7, 'large'),"
        " (3, 'apple', 'C', 0, 2, NULL), (4, NULL, 'DURIAN-LONG', -3, 9, NULL),"
        " (5, 'pear', NULL, 2, NULL, NULL)",
    )
    return project


def refusals(output: str) -> dict[str, dict[str, str]]:
    """kind → the parts of its refusal line."""
    return {m["kind"]: m.groupdict() for m in map(REFUSED.match, output.splitlines()) if m}


def snapshot_of(project: Project) -> tuple[object, ...]:
    """What a refusal must leave as it was: the revision, the rows, item's columns, the constraints."""
    assert project.database_url
    url = project.database_url
    return (
        query(url, "SELECT version_num FROM alembic_version"),
        query(url, "SELECT * FROM item ORDER BY id"),
        query(
            url,
            "SELECT column_name, data_type, character_maximum_length, is_nullable "
            "FROM information_schema.columns "
            "WHERE table_name = 'item' ORDER BY ordinal_position",
        ),
        query(url, "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint ORDER BY conname"),
        query(url, "SELECT enum_range(NULL::size)::text"),
    )


def test_each_step_that_would_fail_is_counted_and_the_upgrade_refused_before_anything_runs(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = populated(tmp_path, pg_server, make_database)
    project.edit(
        DOC,
        "    name TEXT,                         -- Name\n",
        "    name TEXT NOT NULL,                -- Name\n",
    )
    project.edit(
        DOC,
        "    code VARCHAR(20),                  -- Code\n",
        "    code VARCHAR(4),                   -- Code\n",
    )
    project.edit(
        DOC,
        "    qty INTEGER,                       -- In stock\n",
        "    qty INTEGER CHECK (qty >= 0),      -- In stock\n",
    )
    project.edit(
        DOC,
        "    maker_id INTEGER,                  -- Maker\n",
        "    maker_id INTEGER REFERENCES maker (id),  -- Maker\n",
    )
    project.edit(
        DOC,
        "    size size                          -- Size\n",
        "    size size,                         -- Size\n    UNIQUE (name)\n",
    )
    before = snapshot_of(project)

    # the gated ones need --allow as before; the others are listed, not gated
    result, path = project.revise(
        "tighten", "--allow", "set_not_null", "--allow", "narrow_type", "--allow", "rewrite_table"
    )
    assert result.rc == 0 and path is not None, result.output
    listed = result.out[result.out.index("count them first and refuse:") :]
    for kind, needle in (
        ("set_not_null", "name TEXT NOT NULL"),
        ("narrow_type", "code VARCHAR(4)"),
        ("add_check", "CHECK (qty >= 0)"),
        ("add_foreign_key", "REFERENCES maker"),
        ("add_unique", "UNIQUE (name)"),
    ):
        assert f"spec/{DOC}:{project.line_of(DOC, needle)}: " in listed and f"[{kind}]" in listed, (
            kind,
            listed,
        )
    text = path.read_text()
    assert "Summary:\n" in text.split('"""')[1], text[:2000]  # in the module docstring
    assert "mdschema_preflight = {" in text

    refused = project.run("upgrade")
    assert refused.rc == 1, refused.output
    assert "nothing was run" in refused.out and "Traceback" not in refused.output
    got = refusals(refused.out)
    rev = revision_id(path)
    expected = {
        # kind: (rows, the doc line's needle, keys)
        "set_not_null": ("2", "name TEXT NOT NULL", "id=2, id=4"),
        "narrow_type": ("2", "code VARCHAR(4)", "id=2, id=4"),
        "add_check": ("2", "CHECK (qty >= 0)", "id=2, id=4"),
        "add_foreign_key": ("2", "REFERENCES maker", "id=2, id=4"),
        "add_unique": ("1", "UNIQUE (name)", "id=1, id=3"),  # one group of two: apple
    }
    assert set(got) == set(expected), refused.out
    for kind, (rows, needle, keys) in expected.items():
        assert got[kind]["rows"] == rows, (kind, refused.out)
        assert got[kind]["where"] == f"spec/{DOC}:{project.line_of(DOC, needle)}", (kind, refused.out)
        assert got[kind]["keys"] == keys, (kind, refused.out)
        assert got[kind]["rev"] == rev and got[kind]["direction"] == "upgrade"
    assert snapshot_of(project) == before  # untouched: same revision, rows, columns, constraints

    # --no-preflight: PostgreSQL itself refuses at the first failing step, in the migration's transaction
    forced = project.run("upgrade", "--no-preflight")
    assert forced.rc == 2 and "refusing" not in forced.out, forced.output
    assert snapshot_of(project) == before

    # the rows fixed, the same revision goes through
    assert project.database_url
    execute(
        project.database_url,
        "UPDATE item SET name = 'item ' || id WHERE name IS NULL OR id = 3",
        "UPDATE item SET code = left(code, 4), qty = abs(qty)",
        "UPDATE item SET maker_id = NULL WHERE maker_id NOT IN (SELECT id FROM maker)",
    )
    project.ok("upgrade")
    assert query(project.database_url, "SELECT version_num FROM alembic_version") == [(rev,)]


def test_a_new_not_null_column_counts_every_row(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = populated(tmp_path, pg_server, make_database)
    project.edit(
        DOC,
        "    id INTEGER PRIMARY KEY,            -- Key\n    name",
        "    id INTEGER PRIMARY KEY,            -- Key\n"
        "    sku TEXT NOT NULL,                 -- SKU\n    name",
    )
    before = snapshot_of(project)
    result, path = project.revise("sku", "--allow", "add_not_null_column")
    assert result.rc == 0 and path is not None, result.output
    refused = project.run("upgrade")
    assert refused.rc == 1, refused.output
    (line,) = refusals(refused.out).values()
    assert line["kind"] == "add_not_null_column" and line["rows"] == "5"
    assert line["where"] == f"spec/{DOC}:{project.line_of(DOC, 'sku TEXT NOT NULL')}"
    assert line["keys"] == "id=1, id=2, id=3, id=4, id=5"
    assert snapshot_of(project) == before


def test_a_downgrade_that_removes_a_label_in_use_is_refused(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """The upgrade adds a label; rows then use it; the downgrade would rebuild the type without it."""
    project = populated(tmp_path, pg_server, make_database)
    project.edit(DOC, "('small', 'large')", "('small', 'medium', 'large')")
    result, path = project.revise("medium")
    assert result.rc == 0 and path is not None, result.output
    assert "[drop_enum_label]" in result.out and "(counted at downgrade)" in result.out, result.out
    project.ok("upgrade")
    assert project.database_url
    execute(project.database_url, "UPDATE item SET size = 'medium' WHERE id IN (3, 5)")
    before = snapshot_of(project)

    refused = project.run("downgrade", "-1")
    assert refused.rc == 1, refused.output
    (line,) = refusals(refused.out).values()
    assert line["kind"] == "drop_enum_label" and line["direction"] == "downgrade"
    assert line["rows"] == "2" and line["keys"] == "id=3, id=5"
    assert line["rev"] == revision_id(path)
    assert snapshot_of(project) == before
    assert "'medium'" in str(before[-1]) or "medium" in str(before[-1])

    execute(project.database_url, "UPDATE item SET size = 'large' WHERE size = 'medium'")
    project.ok("downgrade", "-1")
    assert query(project.database_url, "SELECT enum_range(NULL::size)::text") == [("{small,large}",)]


def test_a_run_of_several_revisions_is_checked_before_the_first_one_runs(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """Two revisions in one upgrade: the second's steps are counted on the rows as they are, before the
    first runs; a column only the first adds cannot be counted yet, and is said to be not checked."""
    project = populated(tmp_path, pg_server, make_database)
    project.edit(
        DOC,
        "    size size                          -- Size\n",
        "    size size,                         -- Size\n    grade TEXT                         -- Grade\n",
    )
    result, first = project.revise("grade")
    assert result.rc == 0 and first is not None, result.output
    project.edit(
        DOC,
        "    name TEXT,                         -- Name\n",
        "    name TEXT NOT NULL,                -- Name\n",
    )
    project.edit(
        DOC,
        "    grade TEXT                         -- Grade\n",
        "    grade TEXT NOT NULL DEFAULT 'b'    -- Grade\n",
    )
    result, second = project.revise("required", "--allow", "set_not_null")
    assert result.rc == 0 and second is not None, result.output
    before = snapshot_of(project)

    refused = project.run("upgrade")
    assert refused.rc == 1, refused.output
    got = refusals(refused.out)
    assert set(got) == {"set_not_null"} and got["set_not_null"]["subject"] == "column item.name"
    assert got["set_not_null"]["rows"] == "2" and got["set_not_null"]["rev"] == revision_id(second)
    assert (
        f"not checked: spec/{DOC}:{project.line_of(DOC, 'grade TEXT NOT NULL')}: column item.grade:"
        in refused.out
    )
    assert "if an earlier revision of this run changes them" in refused.out
    assert snapshot_of(project) == before  # the first revision did not run either
