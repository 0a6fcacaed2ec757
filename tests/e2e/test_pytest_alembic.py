"""pytest-alembic's built-in tests, set up the way its documentation says (a `connection` in
config.attributes), on this repository's own project and every example: they must reach the test's
database, not $DATABASE_URL or the embedded server, and pass."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_alembic import tests as builtin
from pytest_alembic.config import Config
from pytest_alembic.runner import runner
from pytest_alembic.tests import experimental
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool
from support.projects import REPO, execute

PROJECTS = [REPO, *sorted(p for p in (REPO / "examples").iterdir() if (p / "alembic.ini").is_file())]
TESTS = {
    "single head": builtin.test_single_head_revision,
    "upgrade": builtin.test_upgrade,
    "model definitions match ddl": builtin.test_model_definitions_match_ddl,
    "up down consistency": builtin.test_up_down_consistency,
    "downgrade leaves no trace": experimental.test_downgrade_leaves_no_trace,
}


@pytest.mark.parametrize("name", sorted(TESTS))
@pytest.mark.parametrize("root", PROJECTS, ids=lambda p: p.name if p != REPO else "spec")
def test_pytest_alembic_builtin_tests_pass(
    root: Path, name: str, pg_server: str, make_database: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_database(template=None)
    monkeypatch.setattr(sys, "path", list(sys.path))  # alembic.ini's prepend_sys_path = . adds the project
    for module in [n for n in sys.modules if n == "generated" or n.startswith("generated.")]:
        monkeypatch.delitem(sys.modules, module)  # put back afterwards: other tests import the repo's own
    monkeypatch.setenv("MDSCHEMA_SHADOW_URL", pg_server)  # autogenerate builds the models' schema there
    monkeypatch.delenv("DATABASE_URL", raising=False)
    if root == REPO:
        execute(url, "CREATE TABLE users (id uuid PRIMARY KEY)")  # external (Supabase auth), not ours
    engine = create_engine(url, poolclass=NullPool)
    monkeypatch.chdir(root)
    config = Config.from_raw_config({"file": str(root / "alembic.ini")})
    try:
        with runner(config=config, engine=engine) as alembic_runner:
            TESTS[name](alembic_runner)
        if name == "upgrade":  # it migrated the test's database itself, nothing else
            tables = set(inspect(engine).get_table_names())
            assert "alembic_version" in tables and len(tables) > 2
    finally:
        engine.dispose()
        for name in [n for n in sys.modules if n == "generated" or n.startswith("generated.")]:
            del sys.modules[name]  # this project's package: not for the tests that come next
