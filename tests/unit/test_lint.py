"""`mdschema lint --docs` and `require_descriptions`: undescribed tables and columns, at their doc lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.projects import make_project

DOC = """
# Shop

## product

Something we sell.

```sql
CREATE TABLE product (
    id uuid PRIMARY KEY,             -- Identifier
    name text NOT NULL,
    price numeric(10,2)              -- Price in euros
);
```

## basket

<!-- TODO: describe basket -->

```sql
CREATE TABLE basket (
    id uuid PRIMARY KEY,             -- Identifier
    note text
);
COMMENT ON COLUMN basket.note IS 'What the customer wrote';
```
"""

PROBE = """
import json, sys
from mdschema.cli import main
rc = main(["-C", sys.argv[1], "check", "--offline", "-q"])
heavy = ("markdown_it", "jinja2", "pglast", "sqlalchemy")
print(json.dumps({"rc": rc, "loaded": sorted({m.split(".")[0] for m in sys.modules} & set(heavy))}))
"""


def test_lint_docs_names_every_undescribed_table_and_column(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"shop.md": DOC}, "")
    result = project.run("lint", "--docs")
    assert result.rc == 1, result.output
    name = project.line_of("shop.md", "name text NOT NULL")
    basket = project.line_of("shop.md", "CREATE TABLE basket")
    assert result.out.splitlines() == [
        f"spec/shop.md:{name}: column product.name has no description: add a trailing -- comment",
        f"spec/shop.md:{basket}: table basket has no description: write a paragraph under its heading",
        "mdschema: lint --docs: 2 undescribed",
    ]
    as_json = json.loads(project.run("lint", "--docs", "--format", "json").out)
    assert [f["where"] for f in as_json["findings"]] == [f"spec/shop.md:{name}", f"spec/shop.md:{basket}"]
    github = project.run("lint", "--format", "github").out
    assert f"::error file=spec/shop.md,line={name},title=mdschema docs::column product.name" in github
    project.edit(
        "shop.md", "    name text NOT NULL,", "    name text NOT NULL,              -- Shown in the shop"
    )
    project.edit("shop.md", "<!-- TODO: describe basket -->", "What a customer is about to buy.")
    assert project.ok("lint", "--docs").out == "mdschema: lint --docs: every table and column is described\n"


def test_require_descriptions_makes_check_fail_even_on_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    project = make_project(tmp_path, {"shop.md": DOC}, "")
    project.ok("generate")
    assert project.run("check", "--offline").rc == 0  # not required: fine
    pyproject = project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "require_descriptions = true\n")
    project.ok("generate")
    name = project.line_of("shop.md", "name text NOT NULL")
    for _ in range(2):  # the second run answers from the cache, without parsing
        result = project.run("check", "--offline")
        assert result.rc == 1, result.output
        assert (
            f"spec/shop.md:{name}: docs: column product.name has no description: add a trailing -- comment "
            "(require_descriptions)" in result.out
        )
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(project.root)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(probe.stdout.splitlines()[-1]) == {"rc": 1, "loaded": []}
    # the cache lives outside the checkout: nothing committed to a repository can stand in for it, and a
    # machine without it (CI) parses and still fails
    assert list(cache.glob("mdschema/projects/*/undocumented-*.json"))
    assert not list(project.root.rglob("undocumented-*"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh-machine"))
    assert project.run("check", "--offline").rc == 1
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    project.edit(
        "shop.md", "    name text NOT NULL,", "    name text NOT NULL,              -- Shown in the shop"
    )
    project.edit("shop.md", "<!-- TODO: describe basket -->", "What a customer is about to buy.")
    project.ok("generate")
    assert project.run("check", "--offline").rc == 0
