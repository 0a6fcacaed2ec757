"""`database.conninfo` reads the URLs mdschema renders for a unix-socket server without SQLAlchemy: what
it reads must be exactly what SQLAlchemy's make_url reads (parse_url), and any other URL goes there."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from mdschema import database

SOCKET_URLS = [
    "postgresql+psycopg://postgres@/postgres?host=/tmp/proj/.mdschema/pgdata&port=5432",
    "postgresql+psycopg://postgres@/mds_head_0123abcd_89abcdef?host=/home/u/my-proj.v2/~x/pg&port=65000",
]
OTHER_URLS = [
    "postgresql+psycopg://postgres@/my%20db?host=/tmp/p/.mdschema/pgdata&port=5432",  # encoded name
    "postgresql+psycopg://app:s3cret@localhost:5433/shop",
    "postgresql://postgres@/postgres?host=/tmp/p&port=5432",  # another driver name
    "postgresql+psycopg://postgres@/postgres?host=/tmp/p&port=5432&sslmode=disable",  # more query
]


def _slow(url: str) -> dict[str, str]:
    """conninfo through parse_url only (the fast form disabled)."""
    real = database._PLAIN_SOCKET_URL
    try:
        database._PLAIN_SOCKET_URL = re.compile(r"(?!)")  # type: ignore[misc]
        return database.conninfo(url)
    finally:
        database._PLAIN_SOCKET_URL = real  # type: ignore[misc]


@pytest.mark.parametrize("url", SOCKET_URLS + OTHER_URLS)
def test_the_fast_form_reads_what_make_url_reads(url: str) -> None:
    assert database.conninfo(url) == _slow(url)


@pytest.mark.parametrize("url", OTHER_URLS)
def test_other_urls_are_not_read_by_the_fast_form(url: str) -> None:
    assert database._PLAIN_SOCKET_URL.fullmatch(url) is None


def test_a_socket_url_is_read_without_importing_sqlalchemy() -> None:
    probe = (
        "import sys; from mdschema.database import conninfo; "
        f"conninfo({SOCKET_URLS[0]!r}); print('sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
