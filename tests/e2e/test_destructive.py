"""The destructive gate: `mdschema revision` refuses changes that can lose data or fail on existing
rows, names each with its doc line, and writes nothing, until `--allow-destructive` or the matching
`--allow KIND`; the revision then carries a comment naming every hazard. Widening is never a hazard.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from support.projects import Project, make_project, operations

BASE = """
# Shop

## product

A product.

```sql
CREATE TYPE mood AS ENUM ('happy', 'sad', 'calm');
CREATE TABLE product (
    id INTEGER PRIMARY KEY,            -- Key
    name VARCHAR(200),                 -- Name
    code TEXT,                         -- Code
    price NUMERIC(10,2),               -- Price
    qty BIGINT,                        -- Quantity
    small INTEGER,                     -- Small
    short VARCHAR(100),                -- Short
    ratio NUMERIC(5,2),                -- Ratio
    label VARCHAR(80),                 -- Label
    feeling mood,                      -- Mood
    note TEXT                          -- Note
);
```

## extra

Extra.

```sql
CREATE TABLE extra (
    id INTEGER PRIMARY KEY
);
```
"""

# every hazard at once: extra dropped, note dropped, 'sad' dropped, four narrowings, NOT NULL added
DESTRUCTIVE = """
# Shop

## product

A product.

```sql
CREATE TYPE mood AS ENUM ('happy', 'calm');
CREATE TABLE product (
    id INTEGER PRIMARY KEY,            -- Key
    name VARCHAR(100),                 -- Name
    code VARCHAR(50),                  -- Code
    price NUMERIC(5,2),                -- Price
    qty INTEGER,                       -- Quantity
    small INTEGER,                     -- Small
    short VARCHAR(100),                -- Short
    ratio NUMERIC(5,2),                -- Ratio
    label VARCHAR(80),                 -- Label
    feeling mood NOT NULL              -- Mood
);
```
"""

# (kind, subject, a text on the doc line it must point at; None: no longer in the docs)
HAZARDS = [
    ("drop_table", "table extra", None),
    ("drop_column", "column product.note", "CREATE TABLE product"),
    ("drop_enum_label", "enum mood", "CREATE TYPE mood"),
    ("narrow_type", "column product.name", "name VARCHAR(100)"),
    ("narrow_type", "column product.code", "code VARCHAR(50)"),
    ("narrow_type", "column product.price", "price NUMERIC(5,2)"),
    ("narrow_type", "column product.qty", "qty INTEGER"),
    ("set_not_null", "column product.feeling", "feeling mood NOT NULL"),
]
KINDS = sorted({kind for kind, _, _ in HAZARDS})
DETAILS = {
    "column product.name": "character varying(200) → character varying(100)",
    "column product.code": "text → character varying(50)",
    "column product.price": "numeric(10,2) → numeric(5,2)",
    "column product.qty": "bigint → integer",
}

HAZARD_LINE = re.compile(
    r"^  (?P<where>.+?): (?P<subject>(?:table|column|enum) \S+): (?P<detail>.+?)  "
    r"\[--allow (?P<kind>\w+)\]$"
)


@pytest.fixture(scope="module")
def base_project(tmp_path_factory: pytest.TempPathFactory, pg_server: str) -> Project:
    """The shop at its first revision (made once; each test works on a copy)."""
    # the plain plans' gate (safe = false): the lock-safe plans add rewrite_table, which refuses a
    # widening that rewrites (integer → bigint) too: tests/e2e/test_scenarios.py, tests/unit/test_safe.py
    project = make_project(
        tmp_path_factory.mktemp("destructive"),
        {"shop.md": BASE},
        shadow_url=pg_server,
        extra_config="safe = false",
    )
    result, path = project.revise("initial")
    assert result.rc == 0 and path is not None, result.output
    return project


@pytest.fixture
def project(base_project: Project, tmp_path: Path) -> Project:
    root = tmp_path / "proj"
    shutil.copytree(base_project.root, root, ignore=shutil.ignore_patterns("__pycache__", ".ruff_cache"))
    return Project(root, base_project.shadow_url)


def listed(output: str) -> list[tuple[str, str, str, str]]:
    """(kind, subject, where, detail) of every hazard line in the refusal."""
    return [
        (m["kind"], m["subject"], m["where"], m["detail"])
        for m in map(HAZARD_LINE.match, output.splitlines())
        if m
    ]


def expected_where(project: Project, needle: str | None) -> str:
    return "(not in the docs)" if needle is None else f"spec/shop.md:{project.line_of('shop.md', needle)}"


def hazard_comments(path: Path) -> list[tuple[str, str]]:
    return re.findall(r"# DESTRUCTIVE \((\w+)\): ((?:table|column|enum) [^:]+):", path.read_text())


def test_each_hazard_is_refused_with_its_doc_line(project: Project) -> None:
    project.write_doc("shop.md", DESTRUCTIVE)
    before = project.revisions()
    result = project.run("revision", "-m", "destructive")
    assert result.rc == 1, result.output
    assert project.revisions() == before, "a refused revision writes no file"
    assert f"refusing to write a destructive migration ({len(HAZARDS)} hazard(s))" in result.out
    assert "--allow-destructive" in result.out and "Traceback" not in result.output
    got = listed(result.out)
    assert sorted((k, s, w) for k, s, w, _ in got) == sorted(
        (kind, subject, expected_where(project, needle)) for kind, subject, needle in HAZARDS
    ), result.out
    for _, subject, _, detail in got:
        if subject in DETAILS:
            assert DETAILS[subject] in detail, (subject, detail)


@pytest.mark.parametrize(
    "allowed", [("drop_table", "narrow_type"), ("drop_column", "drop_enum_label", "set_not_null")]
)
def test_allowing_some_kinds_allows_only_those(project: Project, allowed: tuple[str, ...]) -> None:
    """--allow KIND lets exactly KIND's hazards through; the other kinds still refuse the revision
    (the two halves together: every kind is let through by its own --allow, and by no other)."""
    project.write_doc("shop.md", DESTRUCTIVE)
    before = project.revisions()
    result = project.run("revision", "-m", "destructive", *[a for k in allowed for a in ("--allow", k)])
    assert result.rc == 1, result.output
    assert project.revisions() == before
    assert sorted(s for k, s, _, _ in listed(result.out)) == sorted(
        s for k, s, _ in HAZARDS if k not in allowed
    )


def _assert_written_with_notes(project: Project, before: list[Path], result_output: str) -> Path:
    path = project.revision_file(before)
    assert sorted(hazard_comments(path)) == sorted((kind, subject) for kind, subject, _ in HAZARDS), (
        path.read_text()
    )
    ops = "\n".join(operations(path))
    assert "op.drop_table('extra')" in ops and "op.drop_column('product', 'note')" in ops, ops
    assert "proven on a shadow database" in result_output
    return path


def test_every_matching_allow_writes_the_revision_with_notes(project: Project) -> None:
    project.write_doc("shop.md", DESTRUCTIVE)
    before = project.revisions()
    result = project.run("revision", "-m", "destructive", *[a for k in KINDS for a in ("--allow", k)])
    assert result.rc == 0, result.output
    _assert_written_with_notes(project, before, result.out)


def test_allow_destructive_writes_the_revision_with_notes(project: Project) -> None:
    project.write_doc("shop.md", DESTRUCTIVE)
    before = project.revisions()
    result = project.run("revision", "-m", "destructive", "--allow-destructive")
    assert result.rc == 0, result.output
    path = _assert_written_with_notes(project, before, result.out)
    # the gate looks at the change, not at a flag left in the doc: the next change is gated again
    project.edit("shop.md", "    small INTEGER,                     -- Small\n", "")
    refused = project.run("revision", "-m", "drop small")
    assert refused.rc == 1 and listed(refused.out)[0][:2] == ("drop_column", "column product.small"), (
        refused.output
    )
    assert project.revisions() == [*before, path] or sorted(project.revisions()) == sorted([*before, path])


def test_one_hazard_alone_with_its_own_allow(project: Project) -> None:
    """A single-hazard change: refused; written with --allow narrow_type and a note naming it."""
    project.edit("shop.md", "name VARCHAR(200)", "name VARCHAR(150)")
    before = project.revisions()
    refused = project.run("revision", "-m", "one")
    assert refused.rc == 1, refused.output
    assert [(k, s) for k, s, _, _ in listed(refused.out)] == [("narrow_type", "column product.name")]
    assert project.revisions() == before
    result = project.run("revision", "-m", "one", "--allow", "narrow_type")
    assert result.rc == 0, result.output
    assert hazard_comments(project.revision_file(before)) == [("narrow_type", "column product.name")]


def test_widening_is_not_a_hazard(project: Project) -> None:
    project.edit("shop.md", "short VARCHAR(100)", "short VARCHAR(200)")
    project.edit("shop.md", "small INTEGER", "small BIGINT")
    project.edit("shop.md", "ratio NUMERIC(5,2)", "ratio NUMERIC(10,2)")
    project.edit("shop.md", "label VARCHAR(80)", "label TEXT")
    before = project.revisions()
    result = project.run("revision", "-m", "widen")
    assert result.rc == 0, result.output
    assert "refusing" not in result.output and "DESTRUCTIVE" not in result.output
    path = project.revision_file(before)
    assert "DESTRUCTIVE" not in path.read_text()
    summary = result.out
    for change in (
        "product.short: type character varying(100) → character varying(200)",
        "product.small: type integer → bigint",
        "product.ratio: type numeric(5,2) → numeric(10,2)",
        "product.label: type character varying(80) → text",
    ):
        assert change in summary, summary
