"""A generated column's expression changed in the docs, through the CLI, on a database holding rows: the
revision is written in the SQL of the server it is proven on (SET EXPRESSION from PostgreSQL 17; before,
the column dropped and added again with its index and comment, which the summary says), the upgrade
recomputes every row, `check` is clean, and the downgrade gives back exactly the previous catalog.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mdschema.catalog.describe import describe
from mdschema.catalog.diff import diff
from mdschema.catalog.snapshot import Snapshot, snapshot
from support.projects import Project, executed_sql, make_project, query

DOC = "shop.md"
SHOP = """
# Shop

## box

A box.

```sql
CREATE TABLE box (
    id INTEGER PRIMARY KEY,            -- Key
    w INTEGER NOT NULL,                -- Width
    h INTEGER NOT NULL,                -- Height
    area INTEGER GENERATED ALWAYS AS (w * h) STORED  -- Surface
);

CREATE INDEX box_area_idx ON box (area);
```
"""


def catalog(project: Project) -> Snapshot:
    with project.connect() as conn:
        return snapshot(conn)


def test_a_changed_expression_is_written_for_the_server_and_recomputes_the_rows(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = make_project(tmp_path, {DOC: SHOP}, pg_server, make_database(template=None))
    result, path = project.revise("initial")
    assert result.rc == 0 and path is not None, result.output
    project.ok("upgrade")
    assert project.database_url
    with project.connect() as conn:
        conn.execute("INSERT INTO box (id, w, h) VALUES (1, 2, 3), (2, 4, 5)")
        version = conn.info.server_version
    before = catalog(project)

    project.edit(DOC, "GENERATED ALWAYS AS (w * h) STORED", "GENERATED ALWAYS AS (w * h * 10) STORED")
    result, path = project.revise("tenfold")
    assert result.rc == 0 and path is not None, result.output  # no hazard: the column holds no data
    sql = executed_sql(path)
    if version >= 170000:
        assert sql == ["ALTER TABLE box ALTER COLUMN area SET EXPRESSION AS (((w * h) * 10))"], sql
        assert "dropped and added again" not in result.out
    else:
        assert sql == [
            "DROP INDEX IF EXISTS box_area_idx",
            "ALTER TABLE box DROP COLUMN area",
            "ALTER TABLE box ADD COLUMN area integer GENERATED ALWAYS AS (((w * h) * 10)) STORED",
            "COMMENT ON COLUMN box.area IS 'Surface'",
            "CREATE INDEX box_area_idx ON public.box USING btree (area)",
        ], sql
        assert (
            f"(dropped and added again: PostgreSQL {version // 10000} has no SET EXPRESSION (17+); "
            "a generated column holds no data of its own)"
        ) in result.out, result.out

    project.ok("upgrade")
    assert query(project.database_url, "SELECT id, area FROM box ORDER BY id") == [(1, 60), (2, 200)]
    check = project.run("check")
    assert check.rc == 0 and "clean" in check.out, check.output
    project.ok("downgrade", "-1")
    left = diff(catalog(project), before)  # the index and the comment included
    assert left == (), [describe(c) for c in left]
    assert query(project.database_url, "SELECT id, area FROM box ORDER BY id") == [(1, 6), (2, 20)]


def test_target_version_writes_the_sql_of_an_older_production_server(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """`target_version = 15`: the shadow may be PostgreSQL 18, the revision is still the SQL 15 runs (no
    SET EXPRESSION), proven on the shadow, and its summary says why."""
    project = make_project(
        tmp_path, {DOC: SHOP}, pg_server, make_database(template=None), "target_version = 15\n"
    )
    assert project.revise("initial")[1] is not None
    project.ok("upgrade")
    project.edit(DOC, "GENERATED ALWAYS AS (w * h) STORED", "GENERATED ALWAYS AS (w * h * 10) STORED")
    result, path = project.revise("tenfold")
    assert result.rc == 0 and path is not None, result.output
    sql = executed_sql(path)
    assert "ALTER TABLE box DROP COLUMN area" in sql and not any("SET EXPRESSION" in s for s in sql), sql
    assert "PostgreSQL 15 has no SET EXPRESSION (17+)" in result.out, result.out
    project.ok("upgrade")
    assert query(project.database_url, "SELECT area FROM box") == []
    assert project.run("check").rc == 0


def test_target_version_outside_the_maintained_majors_is_a_config_error(
    tmp_path: Path, pg_server: str
) -> None:
    project = make_project(tmp_path, {DOC: SHOP}, pg_server, None, "target_version = 12\n")
    result = project.run("generate")
    assert result.rc != 0 and "E302" in result.output and "target_version = 12" in result.output
    assert "use 14 to 18" in result.output, result.output
