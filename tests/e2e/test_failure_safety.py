"""A migration that fails halfway leaves the database exactly at a complete revision: `mdschema upgrade`
(and `downgrade`) exits non-zero with a clear one-line reason, no traceback, and the catalog, the
alembic_version row and the data are what they were before the command."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mdschema.catalog.snapshot import Snapshot, snapshot
from mdschema.database import connect
from support.projects import Project, make_project, query

DOC = """
## account

An account.

```sql
CREATE TABLE account (
    id INTEGER PRIMARY KEY,     -- Key
    email TEXT NOT NULL,        -- Email
    balance NUMERIC(12,2)       -- Balance
);
```
"""

REVISION = '''\
"""{message}"""
import sqlalchemy as sa
from alembic import op

revision = "{rev}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
{upgrade}


def downgrade() -> None:
{downgrade}
'''


def write_revision(project: Project, rev: str, down: str, upgrade: str, downgrade: str = "pass") -> Path:
    path = project.root / "alembic" / "versions" / f"{rev}_hand_written.py"
    path.write_text(
        REVISION.format(
            message=f"hand-written {rev}",
            rev=rev,
            down=down,
            upgrade=textwrap.indent(textwrap.dedent(upgrade).strip(), "    "),
            downgrade=textwrap.indent(textwrap.dedent(downgrade).strip(), "    "),
        )
    )
    return path


def state(url: str) -> tuple[Snapshot, list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Catalog snapshot, alembic_version rows, and every row of account."""
    with connect(url) as conn:
        snap = snapshot(conn)
    version = query(url, "SELECT version_num FROM alembic_version ORDER BY 1")
    rows = query(url, "SELECT * FROM account ORDER BY id")
    return snap, version, rows


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, pg_server: str) -> tuple[Project, str]:
    """The project with its first revision, made once; each test works on a copy."""
    project = make_project(tmp_path_factory.mktemp("failure"), {"bank.md": DOC}, shadow_url=pg_server)
    result, path = project.revise("initial")
    assert result.rc == 0 and path is not None, result.output
    return project, path.name.split("_")[1]


@pytest.fixture
def project(
    base: tuple[Project, str], tmp_path: Path, make_database: Callable[..., str]
) -> tuple[Project, str]:
    """A copy of the project, its database upgraded to the first revision, 500 accounts in it."""
    url = make_database(template=None)
    root = tmp_path / "proj"
    shutil.copytree(base[0].root, root, ignore=shutil.ignore_patterns("__pycache__", ".ruff_cache"))
    project = Project(root, base[0].shadow_url, url)
    project.ok("upgrade")
    with connect(url) as conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO account VALUES (%s, %s, %s)", [(i, f"u{i}@x", i * 1.5) for i in range(500)]
        )
    head = query(url, "SELECT version_num FROM alembic_version")[0][0]
    assert head == base[1]
    return project, head


def assert_clear_failure(result: Any, *reasons: str) -> None:
    assert result.rc != 0, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    assert result.err.startswith("mdschema: error: "), result.output
    for reason in reasons:
        assert reason in result.err, result.output
    assert len(result.err.strip().splitlines()) <= 3, "a clear message, not a dump"


@pytest.mark.parametrize(
    "failing",
    [
        ('op.execute("SELECT 1/0")', "division by zero"),
        (
            'op.execute("ALTER TABLE missing_table ADD COLUMN x integer")',
            'relation "missing_table" does not exist',
        ),
        (
            'op.add_column("account", sa.Column("email", sa.Text()))',
            'column "email" of relation "account" already exists',
        ),
    ],
)
def test_failed_upgrade_leaves_the_previous_revision(
    project: tuple[Project, str], failing: tuple[str, str]
) -> None:
    proj, head = project
    url = proj.database_url
    assert url
    before = state(url)
    write_revision(
        proj,
        "bad000000001",
        head,
        f"""
        op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
        op.add_column("account", sa.Column("nickname", sa.Text()))
        op.execute("UPDATE account SET balance = 0")
        {failing[0]}
    """,
        'op.drop_table("half_done")',
    )
    result = proj.run("upgrade")
    assert_clear_failure(result, "upgrade head failed", failing[1])
    after = state(url)
    assert after[1] == [(head,)], "alembic_version unchanged"
    assert after[0] == before[0], "the catalog is exactly as before (no half_done, no nickname)"
    assert after[0].table("half_done") is None
    assert after[2] == before[2], "the data is exactly as before (the UPDATE was rolled back)"
    if "1/0" not in failing[0]:
        return
    current = proj.run("current")
    assert current.rc == 0 and current.out.startswith(head), current.output
    # fixed, the same upgrade then goes through
    write_revision(
        proj,
        "bad000000001",
        head,
        'op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))',
        'op.drop_table("half_done")',
    )
    proj.ok("upgrade")
    assert query(url, "SELECT version_num FROM alembic_version") == [("bad000000001",)]


def test_failure_in_a_later_revision_of_one_upgrade(
    project: tuple[Project, str], make_database: Callable[..., str]
) -> None:
    """head → r2 (fine) → r3 (fails halfway): the database ends at a complete revision, whose
    catalog is exactly that revision's (r2's, or the starting one's: never part of r3)."""
    proj, head = project
    url = proj.database_url
    assert url
    start = state(url)
    write_revision(
        proj,
        "good00000002",
        head,
        """
        op.create_table("audit", sa.Column("id", sa.Integer, primary_key=True), sa.Column("what", sa.Text()))
        op.execute("INSERT INTO audit VALUES (1, 'r2 was here')")
    """,
        'op.drop_table("audit")',
    )
    # what r2 alone looks like, on a second database
    r2_url = make_database(template=None)
    proj.ok("upgrade", database_url=r2_url)
    r2_snap = state(r2_url)[0]
    write_revision(
        proj,
        "bad000000003",
        "good00000002",
        """
        op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
        op.drop_column("account", "balance")
        op.execute("SELECT 1/0")
    """,
        'op.drop_table("half_done")',
    )
    result = proj.run("upgrade")
    assert_clear_failure(result, "division by zero")
    snap, version, rows = state(url)
    assert (version == [(head,)] and snap == start[0]) or (
        version == [("good00000002",)] and snap == r2_snap
    ), version
    assert snap.table("half_done") is None and rows == start[2]


def test_failed_downgrade_changes_nothing(project: tuple[Project, str]) -> None:
    proj, head = project
    url = proj.database_url
    assert url
    write_revision(
        proj,
        "down00000002",
        head,
        """
        op.create_table("ledger", sa.Column("id", sa.Integer, primary_key=True))
        op.add_column("account", sa.Column("note", sa.Text()))
    """,
        """
        op.drop_column("account", "note")
        op.drop_table("ledger")
        op.execute("SELECT 1/0")
    """,
    )
    # a revision that does not exist: a clear error, nothing touched
    before = state(url)
    result = proj.run("upgrade", "0123456789ab")
    assert_clear_failure(result, "0123456789ab")
    assert state(url) == before
    proj.ok("upgrade")
    with connect(url) as conn:
        conn.execute("UPDATE account SET note = 'kept' WHERE id < 10")
    before = state(url)
    result = proj.run("downgrade", "-1")
    assert_clear_failure(result, "downgrade -1 failed", "division by zero")
    assert state(url) == before
    assert query(url, "SELECT count(*) FROM account WHERE note = 'kept'") == [(10,)]
