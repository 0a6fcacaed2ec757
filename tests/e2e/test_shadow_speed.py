"""What makes a revision fast must not change what it guarantees: clones without checkpoints, the
shadow databases dropped (after the command when the server stays up, before it when it stops), the
revision chain re-read when a file changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from mdschema.config import load_config
from mdschema.database import connect, create_database, database_url, drop_database
from mdschema.migrations.project import MigrationError, validate_chain
from support.projects import CLI, LIBRARY, base_env, make_project, query

SHADOWS = r"SELECT datname FROM pg_database WHERE datname ~ '^mds_[a-z]+_[0-9a-f]+_[0-9a-f]{8}$'"


def _quiet(admin_url: str, timeout: float = 60) -> None:
    """Until no DROP DATABASE runs on the server (a detached drop of an earlier test forces checkpoints)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = query(
            admin_url,
            "SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'DROP DATABASE%' AND state = 'active'",
        )
        if busy == [(0,)]:
            return
        time.sleep(0.05)


def _requested_checkpoints(admin_url: str) -> int:
    with connect(admin_url) as conn:  # pg_stat_checkpointer is PostgreSQL 17+; before, pg_stat_bgwriter
        view = "pg_stat_checkpointer" if conn.info.server_version >= 170000 else "pg_stat_bgwriter"
        column = "num_requested" if view == "pg_stat_checkpointer" else "checkpoints_req"
    return int(query(admin_url, f"SELECT {column} FROM {view}")[0][0])


def test_a_small_template_is_cloned_whole_and_without_a_checkpoint(pg_server: str) -> None:
    source, clone = f"t_src_{uuid.uuid4().hex[:8]}", f"t_clone_{uuid.uuid4().hex[:8]}"
    create_database(pg_server, source)
    try:
        with connect(database_url(pg_server, source)) as conn:
            conn.execute("CREATE TABLE shelf (id int PRIMARY KEY, label text NOT NULL)")
            conn.execute("INSERT INTO shelf VALUES (1, 'fiction')")
        # FILE_COPY requests two checkpoints every time; a detached drop of an earlier test may request
        # one meanwhile, so a clone that requested none in any of three tries is WAL_LOG's
        requested = []
        for _ in range(3):
            drop_database(pg_server, clone)
            _quiet(pg_server)
            before = _requested_checkpoints(pg_server)
            create_database(pg_server, clone, template=source)
            requested.append(_requested_checkpoints(pg_server) - before)
            if requested[-1] == 0:
                break
        assert 0 in requested, requested
        assert query(database_url(pg_server, clone), "SELECT id, label FROM shelf") == [(1, "fiction")]
    finally:
        drop_database(pg_server, clone)
        drop_database(pg_server, source)


def _wait_for_no_shadows(
    admin_url: str, timeout: float = 60, besides: frozenset[tuple[object, ...]] = frozenset()
) -> list[tuple[object, ...]]:
    """The shadow databases still there after up to `timeout` s, but those in `besides` (left on this
    worker's server by earlier tests: a revision killed with -9 leaves its shadows to the stale clean-up)."""
    deadline = time.monotonic() + timeout
    left = [row for row in query(admin_url, SHADOWS) if row not in besides]
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = [row for row in query(admin_url, SHADOWS) if row not in besides]
    return left


@pytest.mark.embedded  # this worker's own server: on a shared one, other workers' shadows come and go
def test_a_revision_on_a_server_that_stays_up_leaves_no_shadow_behind(tmp_path: Path, pg_server: str) -> None:
    project = make_project(tmp_path, {"library.md": LIBRARY}, shadow_url=pg_server)
    earlier = frozenset(query(pg_server, SHADOWS))
    project.ok("revision", "-m", "initial")  # builds the head template (replayed, synchronous)
    project.edit("library.md", "    bio TEXT,", "    bio TEXT,\n    subtitle TEXT,")
    result, written = project.revise("subtitle")  # clones the head on a thread, drops detached
    assert result.rc == 0, result.output
    assert written is not None and "subtitle" in written.read_text()
    assert _wait_for_no_shadows(pg_server, besides=earlier) == []
    assert query(pg_server, "SELECT count(*) FROM pg_database WHERE datconnlimit = -2") == [(0,)]


def test_an_on_demand_server_is_stopped_only_after_the_shadows_are_dropped(
    project_root: Path, pg_server: str
) -> None:
    from mdschema.database import embedded_status, start_embedded, stop_embedded

    project = make_project(project_root, {"library.md": LIBRARY}, shadow_url=pg_server)
    env = {k: v for k, v in base_env(pg_server, None).items() if k != "MDSCHEMA_SHADOW_URL"}

    def run(*args: str) -> None:
        proc = subprocess.run([*CLI, "-C", str(project.root), *args], env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr

    run("revision", "-m", "initial")  # the project's embedded server, started on demand
    project.edit("library.md", "    bio TEXT,", "    bio TEXT,\n    subtitle TEXT,")
    run("revision", "-m", "subtitle")
    deadline = time.monotonic() + 30
    while embedded_status(project.root) is not None and time.monotonic() < deadline:
        time.sleep(0.05)  # the on-demand stop does not wait for the shutdown checkpoint
    url, _ = start_embedded(project.root)
    try:
        assert query(url, SHADOWS) == []  # dropped before the server was stopped, none interrupted
        assert query(url, "SELECT count(*) FROM pg_database WHERE datconnlimit = -2") == [(0,)]
    finally:
        stop_embedded(project.root)


def _dropper(request: dict[str, object]) -> int:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "generator"))
    proc = subprocess.run(
        [sys.executable, "-m", "mdschema.migrations.dropper"], input=json.dumps(request), text=True, env=env
    )
    return proc.returncode


def test_the_detached_dropper_drops_only_shadow_databases(pg_server: str) -> None:
    keep = f"mds_template_{uuid.uuid4().hex[:20]}"  # a head template's name: never the dropper's
    other = f"app_{uuid.uuid4().hex[:8]}"
    shadow = f"mds_head_{int(time.time()):x}_{uuid.uuid4().hex[:8]}"
    for name in (keep, other, shadow):
        create_database(pg_server, name)
    try:
        assert _dropper({"admin_url": pg_server, "names": [keep, other, shadow]}) == 2
        names = {r[0] for r in query(pg_server, "SELECT datname FROM pg_database")}
        assert keep in names and other in names
        assert shadow not in names
    finally:
        for name in (keep, other, shadow):
            drop_database(pg_server, name)


def test_a_revision_file_changed_in_place_is_read_again(tmp_path: Path, pg_server: str) -> None:
    project = make_project(tmp_path, {"library.md": LIBRARY}, shadow_url=pg_server)
    project.ok("revision", "-m", "initial")
    config = load_config(project.root)
    (revision,) = project.revisions()
    assert len(validate_chain(config)) == 1  # parsed once, remembered by content
    revision.write_text(revision.read_text() + "\ndef broken(:\n")
    with pytest.raises(MigrationError, match="this revision file does not parse"):
        validate_chain(config)
