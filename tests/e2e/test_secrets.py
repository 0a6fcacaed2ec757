"""Passwords in database URLs never reach the terminal or a file: not on a refused connection (where
the message must still say what failed and what to do), not in a traceback, not in a successful run
with a password-protected role, not through the stock `alembic` command."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from mdschema.database import connect, drop_database
from support.projects import ALEMBIC, CLI, Project, base_env, make_project

PASSWORD = "S3cr3t-P4ss"
SHADOW_PASSWORD = "Sh4d0w-S3cr3t"
ODD_PASSWORD = "p@ss:w/rd#?&x=1 'q'"  # needs percent-encoding in a URL

DOC = """
## note

A note.

```sql
CREATE TABLE note (
    id INTEGER PRIMARY KEY,   -- Key
    body TEXT                 -- Body
);
```
"""

REFUSED_URLS = {
    "password": f"postgresql://mds_user:{PASSWORD}@127.0.0.1:1/x",
    "asyncpg": f"postgresql+asyncpg://mds_user:{PASSWORD}@127.0.0.1:1/x",
    "query": f"postgres://mds_user@127.0.0.1:1/x?password={PASSWORD}&sslmode=disable",
    "encoded": f"postgresql://mds_user:{quote(ODD_PASSWORD, safe='')}@127.0.0.1:1/x",
}
SECRETS = [
    PASSWORD,
    SHADOW_PASSWORD,
    ODD_PASSWORD,
    quote(ODD_PASSWORD, safe=""),
    "p@ss:w/rd",
    "Sh4d0w",
    "S3cr3t",
]


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def files_with_secrets(root: Path) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if any(s.encode() in data for s in SECRETS):
                found.append(path.relative_to(root).as_posix())
    return found


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, pg_server: str) -> Project:
    proj = make_project(tmp_path_factory.mktemp("secrets"), {"notes.md": DOC}, shadow_url=pg_server)
    result, path = proj.revise("initial")
    assert result.rc == 0 and path is not None, result.output
    proj.edit(
        "notes.md",
        "    body TEXT                 -- Body",
        "    body TEXT,                -- Body\n    tag TEXT",
    )
    return proj  # one revision; the doc has a change not yet in a revision


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("kind", sorted(REFUSED_URLS))
def test_refused_connection_never_prints_the_password(project: Project, kind: str) -> None:
    url = REFUSED_URLS[kind]
    shadow = f"postgresql://shadow_admin:{SHADOW_PASSWORD}@127.0.0.1:1/postgres"
    env = base_env(shadow, url)
    mds = [*CLI, "-C", str(project.root)]
    commands = {
        "upgrade": [*mds, "upgrade"],
        "downgrade": [*mds, "downgrade", "-1"],
        "current": [*mds, "current"],
        "check": [*mds, "check"],
        "check json": [*mds, "check", "--format", "json"],
        "check github": [*mds, "check", "--format", "github", "--database-url", url],
        "revision": [*mds, "revision", "-m", "more"],
    }
    if kind != "password":  # the other URL forms: the commands that connect to each server
        commands = {k: v for k, v in commands.items() if k in ("upgrade", "current", "check json")}
    else:
        commands["upgrade debug"] = [*mds, "upgrade"]
        commands["alembic upgrade"] = [ALEMBIC, "-c", str(project.root / "alembic.ini"), "upgrade", "head"]
        commands["alembic -x url"] = [
            ALEMBIC,
            "-c",
            str(project.root / "alembic.ini"),
            "-x",
            f"url={url}",
            "upgrade",
            "head",
        ]
    for name, cmd in commands.items():
        cmd_env = {**env, "MDSCHEMA_DEBUG": "1"} if "debug" in name else env
        rc, out, err = run(cmd, cmd_env, project.root)
        shown = f"{name}: exit {rc}\n{out}{err}"
        assert not leaks(out + err), shown
        assert rc != 0, shown
        if name.startswith("alembic"):
            continue  # the stock command: its own traceback, but never the password
        assert "Traceback" not in err or "debug" in name, shown
        assert "internal error" not in err, shown
        assert "could not connect to" in err, shown
        # what to do: which setting names the server
        if name == "revision":
            assert "MDSCHEMA_SHADOW_URL" in err, shown
        else:
            assert "DATABASE_URL" in err or "MDSCHEMA_SHADOW_URL" in err, shown
        assert "***" in err, "the URL is shown, redacted"
    assert files_with_secrets(project.root) == []
    assert "sqlalchemy.url =\n" in (project.root / "alembic.ini").read_text()


@pytest.fixture
def role(pg_server: str) -> Iterator[tuple[str, str, str]]:
    """A password-protected login role owning a fresh database: (role, password, database)."""
    suffix = uuid.uuid4().hex[:8]
    name, password, db = f"mds_user_{suffix}", f"{PASSWORD}-{suffix}", f"secrets_{suffix}"
    SECRETS.append(password)
    with connect(pg_server) as conn:
        conn.execute(f"CREATE ROLE {name} LOGIN SUPERUSER PASSWORD '{password}'")
        conn.execute(f"CREATE DATABASE {db} OWNER {name} TEMPLATE template0")
    try:
        yield name, password, db
    finally:
        drop_database(pg_server, db)
        with connect(pg_server) as conn:
            for (datname,) in conn.execute(
                "SELECT datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = %s",
                (name,),
            ).fetchall():
                conn.execute(f'DROP DATABASE IF EXISTS "{datname}" WITH (FORCE)')
            conn.execute(f"DROP ROLE IF EXISTS {name}")
        SECRETS.remove(password)


def _with_credentials(admin_url: str, user: str, password: str, db: str) -> str:
    parts = urlsplit(admin_url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(
        parts._replace(scheme="postgresql", netloc=f"{user}:{quote(password, safe='')}@{host}", path=f"/{db}")
    )


def test_successful_runs_with_a_password_role_never_print_it(
    project: Project, role: tuple[str, str, str], pg_server: str, tmp_path: Path
) -> None:
    name, password, db = role
    url = _with_credentials(pg_server, name, password, db)
    shadow = _with_credentials(pg_server, name, password, "postgres")
    env = base_env(shadow, url)
    mds = [*CLI, "-C", str(project.root)]
    ini = str(project.root / "alembic.ini")
    steps = [
        ("upgrade", [*mds, "upgrade"], 0),
        ("current", [*mds, "current"], 0),
        ("revision", [*mds, "revision", "-m", "tag"], 0),
        ("alembic upgrade", [ALEMBIC, "-c", ini, "upgrade", "head"], 0),
        ("alembic current", [ALEMBIC, "-c", ini, "current"], 0),
        ("check", [*mds, "check"], 0),
        ("downgrade", [*mds, "downgrade", "-1"], 0),
        ("check behind", [*mds, "check", "--format", "json"], 1),
        ("upgrade verbose", [*mds, "upgrade"], 0),
        ("check github", [*mds, "check", "--format", "github"], 0),
    ]
    for label, cmd, expected in steps:
        step_env = (
            {**env, "MDSCHEMA_VERBOSE": "1", "MDSCHEMA_DEBUG": "1"} if label == "upgrade verbose" else env
        )
        rc, out, err = run(cmd, step_env, project.root if not label.startswith("alembic") else tmp_path)
        shown = f"{label}: exit {rc}\n{out}{err}"
        assert rc == expected, shown
        assert not leaks(out + err), shown
    assert files_with_secrets(project.root) == []
    assert files_with_secrets(tmp_path) == []
