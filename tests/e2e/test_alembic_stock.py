"""The stock `alembic` command on the repo's project: alembic.ini + alembic/env.py as written by mdschema.
DATABASE_URL names the database; the advisory lock keeps two migrators from running at once."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

from mdschema.database import ADVISORY_LOCK_KEY, connect
from support.projects import ALEMBIC, REPO, base_env, execute, public_objects, query

USERS_STAND_IN = (
    "CREATE TABLE users (id uuid PRIMARY KEY)"  # external (Supabase auth): not created on a real DB
)


def _alembic(url: str, pg_server: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ALEMBIC, "-c", str(REPO / "alembic.ini"), *args],
        env=base_env(pg_server, url),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(REPO / "alembic")).get_current_head()
    assert head
    return head


def _tables(url: str) -> set[str]:
    return set(public_objects(url)["tables"])


def test_stock_alembic_upgrade_current_downgrade(pg_server: str, make_database: Callable[..., str]) -> None:
    url = make_database(template=None)
    execute(url, USERS_STAND_IN)
    head = _head()

    up = _alembic(url, pg_server, "upgrade", "head")
    assert up.returncode == 0, up.stdout + up.stderr
    assert f"-> {head}" in up.stderr  # alembic's own INFO line: "Running upgrade  -> <head>, initial schema"
    assert len(_tables(url) - {"alembic_version", "users"}) == 64
    assert query(url, "SELECT version_num FROM alembic_version") == [(head,)]

    current = _alembic(url, pg_server, "current")
    assert current.returncode == 0, current.stdout + current.stderr
    assert f"{head} (head)" in current.stdout

    down = _alembic(url, pg_server, "downgrade", "base")
    assert down.returncode == 0, down.stdout + down.stderr
    assert _tables(url) == {"alembic_version", "users"}
    assert query(url, "SELECT count(*) FROM alembic_version") == [(0,)]

    current = _alembic(url, pg_server, "current")
    assert current.returncode == 0 and head not in current.stdout, current.stdout + current.stderr


def _waiting_on_lock(url: str) -> bool:
    """Does some other session try for mdschema's advisory lock? (env.py retries pg_try_advisory_lock in
    short transactions rather than waiting inside pg_advisory_lock: see migrations/env.py)"""
    rows = query(
        url,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND query LIKE %s",
        (f"%pg_try_advisory_lock({ADVISORY_LOCK_KEY})%",),
    )
    return bool(rows[0][0])


def test_upgrade_waits_for_the_advisory_lock(pg_server: str, make_database: Callable[..., str]) -> None:
    url = make_database(template=None)
    execute(url, USERS_STAND_IN)
    holder = connect(url)  # closing it releases the lock, whatever happens below
    proc: subprocess.Popen[str] | None = None
    try:
        holder.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
        proc = subprocess.Popen(
            [ALEMBIC, "-c", str(REPO / "alembic.ini"), "upgrade", "head"],
            env=base_env(pg_server, url),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while not _waiting_on_lock(url):
            if proc.poll() is not None:
                raise AssertionError(
                    "alembic upgrade finished while the lock was held:\n" + "".join(proc.communicate())
                )
            assert time.monotonic() < deadline, "alembic upgrade never asked for the advisory lock"
            time.sleep(0.1)
        time.sleep(2)
        assert proc.poll() is None, "alembic upgrade did not wait for the advisory lock"
        assert "alembic_version" not in _tables(url), "migrated while another session held the lock"

        holder.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
        out, err = proc.communicate(timeout=120)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.communicate()
        holder.close()
    assert proc.returncode == 0, out + err
    assert query(url, "SELECT version_num FROM alembic_version") == [(_head(),)]
    assert len(_tables(url) - {"alembic_version", "users"}) == 64
    # and the lock was given back: this session can take it at once
    with connect(url) as conn:
        assert conn.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,)).fetchone() == (True,)
