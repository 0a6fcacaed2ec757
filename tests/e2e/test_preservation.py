"""Data preservation on the repo's own 64-table schema.

A copy of the project (spec/, generated/, alembic/, alembic.ini, pyproject.toml) is upgraded on a fresh
database and filled with thousands of rows that respect every foreign key and unique constraint
(values chosen per column type, from the catalog, in dependency order, loaded with COPY). Then ten
doc edits, each through `mdschema revision` + `mdschema upgrade`; after every one, the row count of
every table and a checksum of every surviving column (md5 of the column's text in primary-key order;
renamed columns and tables followed by their new names) are unchanged. Then `mdschema downgrade -1`
ten times, each level compared with the checksums recorded at that level on the way up.
"""

from __future__ import annotations

import datetime
import decimal
import re
import shutil
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mdschema.catalog.snapshot import Snapshot, Table, snapshot
from mdschema.database import connect
from mdschema.util.sql_text import quote_ident as qi
from support.projects import REPO, Project, query

ROWS_PER_TABLE = 120
USERS = 40
NS = uuid.UUID("6f1c2b1e-8f7a-4d2e-9a51-0c3e8d7b5a10")

# --- the data ----------------------------------------------------------------------------------------


def _numeric(type_: str, i: int) -> decimal.Decimal:
    m = re.match(r"numeric\((\d+),(\d+)\)", type_)
    p, s = (int(m.group(1)), int(m.group(2))) if m else (10, 2)
    return decimal.Decimal(i % (10**p - 1)).scaleb(-s)


def value(table: str, col: str, type_: str, i: int) -> Any:
    """A value of `type_` for row i, within the type's range, unique per row where that matters."""
    from psycopg.types.json import Jsonb

    base = type_.removesuffix("[]")
    if type_.endswith("[]"):
        if base == "uuid":
            return [uuid.uuid5(NS, f"{table}.{col}.{i}.{k}") for k in range(2)]
        return [f"{col}-{i}", "ünï 'q'", "b,c"]
    if base == "uuid":
        return uuid.uuid5(NS, f"{table}.{col}.{i}")
    if base == "text":
        return f"{i} {table}.{col} — ünïcødé 'q' \"dq\" \\ back\nline"
    if base.startswith("character varying(") or base.startswith("character("):
        n = int(re.search(r"\((\d+)\)", base).group(1))  # type: ignore[union-attr]
        return f"{i}-{col}-é"[:n]
    if base in ("integer", "smallint"):
        return (i * 7) % 1000
    if base == "bigint":
        return i * 10_000_000_000 + 7
    if base == "boolean":
        return i % 3 == 0
    if base.startswith("numeric"):
        return _numeric(base, i)
    if base.startswith("timestamp"):
        stamp = datetime.datetime(2021, 1, 1, 8, 30) + datetime.timedelta(minutes=37 * i, microseconds=i)
        return stamp.replace(tzinfo=datetime.UTC) if "with time zone" in base else stamp
    if base == "date":
        return datetime.date(2000, 1, 1) + datetime.timedelta(days=i)
    if base in ("jsonb", "json"):
        return Jsonb({"i": i, "tags": ["a", "ü"], "nested": {"x": i % 5, "quote": "it's"}})
    raise AssertionError(f"no value generator for {table}.{col} {type_}")


def _pk(t: Table) -> tuple[str, ...]:
    return next(c.columns for c in t.constraints if c.kind == "p")


def fill(url: str, extra_fks: dict[tuple[str, str], str]) -> dict[str, int]:
    """Rows for every table, parents first; `extra_fks` (table, column) → parent table: columns with
    no foreign key yet whose values must already satisfy one (a later step adds it)."""
    with connect(url) as conn:
        snap = snapshot(conn)
    tables = {t.name: t for t in snap.tables}
    fks: dict[str, dict[str, str]] = {name: {} for name in tables}
    for t in snap.tables:
        for con in t.constraints:
            if con.kind == "f":
                assert len(con.columns) == 1, f"composite FK {t.name}.{con.name}: extend the generator"
                fks[t.name][con.columns[0]] = str(con.ref_table)
    for (table, column), parent in extra_fks.items():
        fks[table][column] = parent
    # parents first (Kahn); a foreign key that closes a cycle is left NULL
    order: list[str] = []
    remaining = set(tables)
    deferred: set[tuple[str, str]] = set()
    while remaining:
        ready = sorted(n for n in remaining if all(p == n or p not in remaining for p in fks[n].values()))
        if not ready:
            victim = sorted(remaining)[0]
            for col, parent in fks[victim].items():
                if parent in remaining and parent != victim:
                    deferred.add((victim, col))
                    assert not tables[victim].column(col).not_null, (victim, col)  # type: ignore[union-attr]
            fks[victim] = {c: p for c, p in fks[victim].items() if (victim, c) not in deferred}
            continue
        order += ready
        remaining -= set(ready)

    ids: dict[str, list[Any]] = {}
    counts: dict[str, int] = {}
    with connect(url) as conn, conn.cursor() as cur:
        for name in order:
            t = tables[name]
            (pk,) = _pk(t)
            pk_type = t.column(pk).type  # type: ignore[union-attr]
            n = USERS if name == "users" else ROWS_PER_TABLE
            # foreign-key columns that are part of a unique constraint vary fastest, so unique tuples
            uniques = [c.columns for c in t.constraints if c.kind == "u"]
            fk_cols = sorted(
                (c for c in fks[name] if fks[name][c] != name),
                key=lambda c: next((k for k, u in enumerate(uniques) if c in u), 99),
            )
            for u in uniques:
                if u and all(c in fk_cols for c in u):
                    limit = 1
                    for c in u:
                        limit *= len(ids[fks[name][c]])
                    n = min(n, limit)
            own = [
                value(name, pk, pk_type, k)
                if pk_type == "uuid"
                else (k + 1 if pk_type in ("integer", "bigint") else f"{name}-{k}")
                for k in range(n)
            ]
            ids[name] = own
            rows = []
            for i in range(n):
                row = []
                radix = 1
                fk_values: dict[str, Any] = {}
                for c in fk_cols:
                    parents = ids[fks[name][c]]
                    fk_values[c] = parents[(i // radix) % len(parents)]
                    radix *= len(parents)
                for col in t.columns:
                    if col.generated or col.identity:
                        continue
                    if col.name == pk:
                        v: Any = own[i]
                    elif col.name in fk_values:
                        v = fk_values[col.name]
                    elif fks[name].get(col.name) == name:  # self reference: the previous row
                        v = own[i - 1] if i else None
                    elif (name, col.name) in deferred:
                        v = None
                    elif not col.not_null and col.default is None and i % 7 == 3:
                        v = None
                    else:
                        v = value(name, col.name, col.type, i)
                    row.append(v)
                rows.append(row)
            cols = [col.name for col in t.columns if not (col.generated or col.identity)]
            with cur.copy(f"COPY {qi(name)} ({', '.join(qi(c) for c in cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            counts[name] = n
    return counts


# --- checksums ---------------------------------------------------------------------------------------

Sums = dict[str, dict[str, Any]]  # table → {"#rows": n, column: md5}


def checksums(url: str) -> Sums:
    with connect(url) as conn:
        snap: Snapshot = snapshot(conn)
        out: Sums = {}
        for t in snap.tables:
            order = ", ".join(qi(c) for c in _pk(t))
            parts = ["count(*)"] + [
                f"md5(string_agg(coalesce({qi(c.name)}::text, '∅'), '|' ORDER BY {order}))" for c in t.columns
            ]
            row = conn.execute(f"SELECT {', '.join(parts)} FROM {qi(t.name)}").fetchone()  # type: ignore[arg-type]
            assert row is not None
            out[t.name] = {"#rows": row[0], **{c.name: v for c, v in zip(t.columns, row[1:], strict=True)}}
    return out


def renamed(sums: Sums, tables: dict[str, str], columns: dict[tuple[str, str], str]) -> Sums:
    """`sums` under new names: tables {old: new}, columns {(new table, old column): new column}."""
    out: Sums = {}
    for table, cols in sums.items():
        new_table = tables.get(table, table)
        out[new_table] = {columns.get((new_table, c), c): v for c, v in cols.items()}
    return out


def assert_preserved(before: Sums, after: Sums, step: str) -> None:
    """Every table of `before` with its row count, and every one of its columns, unchanged in `after`."""
    assert set(before) <= set(after), f"{step}: tables gone: {set(before) - set(after)}"
    for table, cols in before.items():
        for col, digest in cols.items():
            assert col in after[table], f"{step}: {table}.{col} is gone"
            assert after[table][col] == digest, f"{step}: {table}.{col} changed"


# --- the steps ---------------------------------------------------------------------------------------


class Step:
    def __init__(
        self,
        name: str,
        edits: list[tuple[str, str, str]],
        tables: dict[str, str] | None = None,
        columns: dict[tuple[str, str], str] | None = None,
        summary: str = "",
        flags: tuple[str, ...] = (),
    ) -> None:
        self.name, self.edits, self.summary, self.flags = name, edits, summary, flags
        self.tables, self.columns = tables or {}, columns or {}


STEPS = [
    Step(
        "add a column with a default, and an enum with a column of it (for the label step)",
        [
            (
                "story.md",
                "    title VARCHAR(300) NOT NULL,                    -- Title of the book\n",
                "    title VARCHAR(300) NOT NULL,                    -- Title of the book\n"
                "    word_goal INTEGER DEFAULT 50000,                -- Target length for the book\n"
                "    stage story_stage DEFAULT 'drafting',           -- Where the manuscript is\n",
            ),
            (
                "story.md",
                "CREATE INDEX idx_story_storyteller ON story(storyteller_id);\n",
                "CREATE INDEX idx_story_storyteller ON story(storyteller_id);\n"
                "CREATE TYPE story_stage AS ENUM ('planning', 'drafting', 'final');\n",
            ),
        ],
        summary="column story.word_goal: added",
    ),
    Step(
        "widen a type",
        [("story.md", "    subtitle VARCHAR(300),", "    subtitle VARCHAR(400),")],
        summary="column story.subtitle: type character varying(300) → character varying(400)",
    ),
    Step(
        "rename a column",
        [
            (
                "story.md",
                "    tone VARCHAR(100),                              -- Overall tone of the book",
                "    book_tone VARCHAR(100),                         -- Overall tone (renamed from: tone)",
            )
        ],
        columns={("story", "tone"): "book_tone"},
        summary="column story.tone: renamed to book_tone",
    ),
    Step(
        "rename a table",
        [
            ("story.md", "## story_draft\n", "## manuscript_draft\n"),
            (
                "story.md",
                "marks the revision in\nprogress.",
                "marks the revision in\nprogress. Renamed from: story_draft.",
            ),
            ("story.md", "CREATE TABLE story_draft (", "CREATE TABLE manuscript_draft ("),
            (
                "story.md",
                "idx_story_draft_chapter ON story_draft(",
                "idx_story_draft_chapter ON manuscript_draft(",
            ),
            (
                "story.md",
                "idx_story_draft_story ON story_draft(",
                "idx_story_draft_story ON manuscript_draft(",
            ),
        ],
        tables={"story_draft": "manuscript_draft"},
        summary="table story_draft: renamed to manuscript_draft",
    ),
    Step(
        "add an index",
        [
            (
                "story.md",
                "CREATE INDEX idx_story_draft_story ON manuscript_draft(story_id, draft_version);\n",
                "CREATE INDEX idx_story_draft_story ON manuscript_draft(story_id, draft_version);\n"
                "CREATE INDEX idx_story_chapter_title ON story_chapter (chapter_title);\n",
            )
        ],
        summary="index story_chapter.idx_story_chapter_title: added",
    ),
    Step(
        "add a foreign key",
        [
            (
                "operations.md",
                "    feedback_on_id UUID,                              -- Id of that object",
                "    feedback_on_id UUID REFERENCES story(id),         -- Id of that object",
            )
        ],
        summary="constraint user_feedback.user_feedback_feedback_on_id_fkey: added",
    ),
    Step(
        "add an enum label",
        [("story.md", "('planning', 'drafting', 'final')", "('planning', 'drafting', 'editing', 'final')")],
        summary="enum story_stage: labels",
    ),
    Step(
        "add NOT NULL to a column with a default and no NULLs",
        [
            (
                "story.md",
                "    status VARCHAR(50) DEFAULT 'planning',",
                "    status VARCHAR(50) NOT NULL DEFAULT 'planning',",
            )
        ],
        summary="column story.status: nullable → not null",
        flags=("--allow", "set_not_null"),  # gated: a default fills only new rows (here no row is NULL)
    ),
    Step(
        "add a CHECK that holds",
        [
            (
                "story.md",
                "    chapter_number INTEGER NOT NULL,                -- Logical chapter number",
                "    chapter_number INTEGER NOT NULL CHECK (chapter_number >= 0), -- Logical chapter number",
            )
        ],
        summary="constraint story_chapter.story_chapter_chapter_number_check: added",
    ),
    Step(
        "change a comment",
        [("story.md", "-- Title of the book\n", "-- Title of the book, as printed on the cover\n")],
        summary="column story.title: comment",
    ),
]


def _edit(root: Path, doc: str, old: str, new: str) -> None:
    path = root / "spec" / doc
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"spec/{doc}: {old!r} occurs {text.count(old)} times (the spec changed?)"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo_copy(tmp_path: Path, pg_server: str, make_database: Callable[..., str]) -> Project:
    root = tmp_path / "proj"
    root.mkdir()
    for name in ("spec", "generated", "alembic"):
        shutil.copytree(
            REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__", ".mdschema-cache")
        )
    for name in ("alembic.ini", "pyproject.toml"):
        shutil.copy(REPO / name, root / name)
    # alembic.ini formats revisions with the repository's own .venv/bin/ruff: the copy has no .venv
    ini = root / "alembic.ini"
    ini.write_text(
        ini.read_text().replace("%(here)s/.venv/bin/ruff", str(Path(sys.executable).parent / "ruff"))
    )
    url = make_database(template=None)
    with connect(url) as conn:  # the external `users` table (Supabase's auth.users) exists on a real database
        conn.execute("CREATE TABLE users (id uuid PRIMARY KEY)")
    return Project(root, pg_server, url)


def test_data_survives_ten_migrations_up_and_down(repo_copy: Project) -> None:
    project = repo_copy
    url = project.database_url
    assert url
    project.ok("upgrade")
    counts = fill(url, {("user_feedback", "feedback_on_id"): "story"})
    total = sum(counts.values())
    assert len(counts) == 65 and total >= 5_000, counts  # 64 tables and users
    levels = [checksums(url)]
    assert all(levels[0][t]["#rows"] == n for t, n in counts.items())
    verified = total

    for step in STEPS:
        for doc, old, new in step.edits:
            _edit(project.root, doc, old, new)
        result, path = project.revise(step.name, *step.flags)
        assert result.rc == 0 and path is not None, f"{step.name}\n{result.output}"
        assert step.summary in result.out, f"{step.name}\n{result.output}"
        project.ok("upgrade")
        now = checksums(url)
        assert_preserved(renamed(levels[-1], step.tables, step.columns), now, step.name)
        levels.append(now)
        verified += sum(t["#rows"] for t in now.values())

    final = project.run("check")
    assert final.rc == 0 and "clean" in final.out, final.output
    assert query(url, "SELECT count(*) FROM story WHERE status IS NULL OR stage <> 'drafting'") == [(0,)]

    for level in range(len(STEPS) - 1, -1, -1):
        project.ok("downgrade", "-1")
        assert checksums(url) == levels[level], f"downgrade to before {STEPS[level].name!r}"
        verified += sum(t["#rows"] for t in levels[level].values())
    assert query(url, "SELECT count(*) FROM pg_type WHERE typname = 'story_stage'") == [(0,)]
    print(
        f"\npreservation: {total} rows in {len(counts)} tables; {verified} row checks over "
        f"{2 * len(STEPS)} migrations"
    )
