"""The run lock: many deploys upgrading one database at once apply each revision exactly once, and a
drift check running beside an upgrade sees the database at a complete revision, never half-migrated.

Every revision of the project appends its id to `apply_log` (an unmanaged table, invisible to the
diff), so "applied exactly once" is counted, not inferred.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from support.projects import ALEMBIC, CLI, Project, base_env, make_project, query

V1 = """
## author

An author.

```sql
CREATE TABLE author (
    id INTEGER PRIMARY KEY,        -- Key
    name TEXT NOT NULL             -- Name
);
```

## book

A book.

```sql
CREATE TABLE book (
    id INTEGER PRIMARY KEY,                       -- Key
    author_id INTEGER REFERENCES author(id),      -- Author
    title VARCHAR(200)                            -- Title
);
```
"""
V2 = (
    V1.replace(
        "    title VARCHAR(200)                            -- Title\n",
        "    title VARCHAR(200),                           -- Title\n"
        "    pages INTEGER DEFAULT 0                       -- Pages\n",
    )
    + """
## shelf

A shelf.

```sql
CREATE TABLE shelf (
    id INTEGER PRIMARY KEY,     -- Key
    label TEXT UNIQUE           -- Label
);
CREATE INDEX ON book (pages);
```
"""
)
V3 = (
    V2.replace(
        "    name TEXT NOT NULL             -- Name\n",
        "    name TEXT NOT NULL,            -- Name\n    genre genre                    -- Genre\n",
    )
    + """
## Genres

```sql
CREATE TYPE genre AS ENUM ('fiction', 'essay');
```
"""
)

FORBIDDEN = re.compile(r"already exists|duplicate|Duplicate|Traceback|internal error|deadlock", re.IGNORECASE)


def _patch(path: Path, rev: str, first: bool, sleep: float) -> None:
    """Make a revision log itself (and sleep, to widen the window in which others wait)."""
    text = path.read_text()
    head = ""
    if first:
        head += (
            '    op.execute("CREATE TABLE apply_log '
            '(rev text NOT NULL, at timestamptz DEFAULT clock_timestamp())")\n'
        )
    head += f"    op.execute(\"INSERT INTO apply_log (rev) VALUES ('{rev}')\")\n"
    if sleep:
        head += f'    op.execute("SELECT pg_sleep({sleep})")\n'
    text = text.replace("def upgrade() -> None:\n", "def upgrade() -> None:\n" + head, 1)
    tail = (
        '    op.execute("DROP TABLE apply_log")\n'
        if first
        else f"    op.execute(\"DELETE FROM apply_log WHERE rev = '{rev}'\")\n"
    )
    text = re.sub(
        r"(def downgrade\(\) -> None:\n(?:    .*\n|\n)*)",
        lambda m: m.group(1).rstrip("\n") + "\n" + tail,
        text,
        count=1,
    )
    path.write_text(text)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, pg_server: str) -> tuple[Project, list[str]]:
    """Three revisions (two tables; a column, a table, an index; an enum), each logging itself; the
    index in the lock-safe form (CREATE INDEX CONCURRENTLY in an autocommit block)."""
    return _three_revisions(tmp_path_factory, pg_server, "")


@pytest.fixture(scope="module")
def plain_project(tmp_path_factory: pytest.TempPathFactory, pg_server: str) -> tuple[Project, list[str]]:
    """The same, plain plans (`safe = false`): an upgrade that can commit while another session holds a
    snapshot (CREATE INDEX CONCURRENTLY waits for every older snapshot to end)."""
    return _three_revisions(tmp_path_factory, pg_server, "safe = false")


def _three_revisions(
    tmp_path_factory: pytest.TempPathFactory, pg_server: str, config: str
) -> tuple[Project, list[str]]:
    proj = make_project(
        tmp_path_factory.mktemp("lock"),
        {"lib.md": V1},
        shadow_url=pg_server,
        extra_config='unmanaged_tables = ["apply_log"]\n' + config,
    )
    revs = []
    for i, doc in enumerate((V1, V2, V3)):
        proj.write_doc("lib.md", doc)
        result, path = proj.revise(f"step {i + 1}")
        assert result.rc == 0 and path is not None, result.output
        revs.append((path, path.name.split("_")[1]))
    for i, (path, rev) in enumerate(revs):
        _patch(path, rev, first=i == 0, sleep=1.5 if i == 1 else 0.0)
    return proj, [rev for _, rev in revs]


def _spawn(cmd: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen[str], timeout: float = 240) -> tuple[int, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out + err


def test_concurrent_upgrades_apply_each_revision_once(
    project: tuple[Project, list[str]], tmp_path: Path, make_database: Callable[..., str]
) -> None:
    proj, revs = project
    url = make_database(template=None)
    env = base_env(proj.shadow_url, url)
    procs = [_spawn([*CLI, "-C", str(proj.root), "upgrade"], env, proj.root) for _ in range(8)]
    # the stock alembic command, from another folder, with -c
    procs += [
        _spawn([ALEMBIC, "-c", str(proj.root / "alembic.ini"), "upgrade", "head"], env, tmp_path)
        for _ in range(2)
    ]
    results = [_finish(p) for p in procs]
    for rc, output in results:
        assert rc == 0, output
        assert not FORBIDDEN.search(output), output
    assert query(url, "SELECT version_num FROM alembic_version") == [(revs[-1],)]
    log = query(url, "SELECT rev, count(*) FROM apply_log GROUP BY rev ORDER BY min(at)")
    assert log == [(rev, 1) for rev in revs], f"each revision exactly once, in order: {log}"
    # only one process did the work: the others waited on the lock and found the head
    assert sum(f"now at {revs[-1]}" in out for _, out in results) == 8
    check = proj.run("check", database_url=url)
    assert check.rc == 0 and "clean" in check.out, check.output
    # and the lock is released: a later upgrade and downgrade go through at once
    started = time.monotonic()
    proj.ok("downgrade", "-1", database_url=url)
    proj.ok("upgrade", database_url=url)
    assert time.monotonic() - started < 60
    assert query(url, "SELECT rev, count(*) FROM apply_log GROUP BY rev ORDER BY min(at)") == [
        (r, 1) for r in revs
    ]


def _check_json(proj: Project, url: str) -> tuple[int, dict[str, Any], float]:
    started = time.monotonic()
    result = subprocess.run(
        [*CLI, "-C", str(proj.root), "check", "--format", "json"],
        env=base_env(proj.shadow_url, url),
        cwd=proj.root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert not FORBIDDEN.search(result.stdout + result.stderr), result.stdout + result.stderr
    return result.returncode, json.loads(result.stdout), time.monotonic() - started


def test_check_beside_an_upgrade_sees_a_complete_revision(
    project: tuple[Project, list[str]], make_database: Callable[..., str]
) -> None:
    proj, revs = project
    url = make_database(template=None)
    proj.ok("upgrade", revs[0], database_url=url)
    # what check says about the database at the first revision: the expected "before" report
    rc, before, _ = _check_json(proj, url)
    assert rc == 1 and not before["clean"]
    assert any(
        f["where"] == "alembic_version" and f"the database is at {revs[0]}" in f["message"]
        for f in before["findings"]
    ), before
    upgrade = _spawn([*CLI, "-C", str(proj.root), "upgrade"], base_env(proj.shadow_url, url), proj.root)
    reports = []
    try:
        while upgrade.poll() is None:
            reports.append(_check_json(proj, url))
    finally:
        rc_up, output = _finish(upgrade)
    assert rc_up == 0, output
    reports.append(_check_json(proj, url))
    assert len(reports) >= 2
    print(
        "\ncheck beside upgrade:", [(r[1]["clean"], len(r[1]["findings"]), round(r[2], 2)) for r in reports]
    )
    for _, report, seconds in reports:
        assert seconds < 60
        # either the whole upgrade is visible, or none of it: exactly the "before" report
        assert report["clean"] or report["findings"] == before["findings"], (report, before)
    assert reports[-1][1]["clean"], reports[-1]


def test_check_reads_the_revision_and_the_schema_in_one_snapshot(
    plain_project: tuple[Project, list[str]],
    make_database: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Deterministically, the worst moment: an upgrade commits after `check` has read alembic_version and
    before it reads the schema. The report must still describe one state (the one the revision names)."""
    import mdschema.catalog.snapshot as catalog
    from mdschema.cli import main

    proj, revs = plain_project
    url = make_database(template=None)
    proj.ok("upgrade", revs[0], database_url=url)
    rc, before, _ = _check_json(proj, url)
    assert rc == 1
    live_db = urlsplit(url).path.lstrip("/")
    real_snapshot = catalog.snapshot
    fired: list[bool] = []

    def racing_snapshot(conn: Any, *args: Any, **kwargs: Any) -> Any:
        if conn.info.dbname == live_db and not fired:
            fired.append(True)
            upgrade = subprocess.run(
                [*CLI, "-C", str(proj.root), "upgrade"],
                env=base_env(proj.shadow_url, url),
                cwd=proj.root,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
        return real_snapshot(conn, *args, **kwargs)

    monkeypatch.setattr(catalog, "snapshot", racing_snapshot)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MDSCHEMA_SHADOW_URL", proj.shadow_url)
    capsys.readouterr()
    rc = main(["-C", str(proj.root), "check", "--format", "json"])
    captured = capsys.readouterr()
    assert captured.out, captured.err
    report = json.loads(captured.out)
    assert fired, "the upgrade ran between the two reads"
    assert query(url, "SELECT version_num FROM alembic_version") == [(revs[-1],)]
    assert rc == 1 and report["findings"] == before["findings"], (report, before)
    # read again: the upgraded database, clean
    monkeypatch.setattr(catalog, "snapshot", real_snapshot)
    assert main(["-C", str(proj.root), "check", "--format", "json"]) == 0, capsys.readouterr().out
