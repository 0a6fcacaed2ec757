"""A revision is proven only on databases mdschema created, whatever alembic/env.py does.

Two kinds of env.py that real projects have: Alembic's stock one (`alembic init`: engine_from_config on
`sqlalchemy.url`) with alembic.ini pointing at a real database, and a custom one that connects to
$DATABASE_URL itself. In both, the real database must come out byte for byte untouched.
"""

from __future__ import annotations

from pathlib import Path

from mdschema.catalog.snapshot import snapshot
from mdschema.database import connect
from support.projects import LIBRARY, Project, make_project, query

# What `alembic init` writes (Alembic's "generic" template), trimmed to the parts that run.
STOCK_ENV = """\
from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool

from alembic import context

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)
target_metadata = None


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
"""

# A hand-written env.py that ignores what Alembic is given and goes to $DATABASE_URL.
OWN_URL_ENV = STOCK_ENV.replace(
    "connectable = engine_from_config(",
    'connectable = __import__("sqlalchemy").create_engine(\n'
    '        __import__("os").environ["DATABASE_URL"], poolclass=pool.NullPool\n'
    "    )\n    unused = dict(",
)


def _state(url: str) -> tuple[object, list[tuple[object, ...]]]:
    with connect(url) as conn:
        catalog = snapshot(conn)
    return catalog, query(url, "SELECT version_num FROM alembic_version")


def _adopted_project(tmp_path: Path, pg_server: str, real: str, env_text: str) -> Project:
    """A project migrated once (its real database at head), whose env.py is then replaced by `env_text`."""
    project = make_project(tmp_path, {"library.md": LIBRARY}, shadow_url=pg_server)
    project.ok("revision", "-m", "initial")
    project.ok("upgrade", database_url=real)
    (project.root / "alembic" / "env.py").write_text(env_text)
    ini = project.root / "alembic.ini"
    ini.write_text(ini.read_text().replace("sqlalchemy.url =", f"sqlalchemy.url = {real.replace('%', '%%')}"))
    project.edit("library.md", "    bio TEXT,", "    bio TEXT,\n    subtitle TEXT,")
    return project


def test_a_stock_env_py_proves_on_the_shadow_and_leaves_the_real_database_alone(
    tmp_path: Path, pg_server: str, pg_url: str
) -> None:
    project = _adopted_project(tmp_path, pg_server, pg_url, STOCK_ENV)
    before = _state(pg_url)
    result, written = project.revise("add subtitle")
    assert result.rc == 0, result.output
    assert written is not None and "subtitle" in written.read_text()
    assert _state(pg_url) == before  # the catalog and alembic_version, exactly


def test_an_env_py_that_connects_elsewhere_is_refused_before_any_ddl(
    tmp_path: Path, pg_server: str, pg_url: str
) -> None:
    project = _adopted_project(tmp_path, pg_server, pg_url, OWN_URL_ENV)
    before, revisions = _state(pg_url), project.revisions()
    result = project.run("revision", "-m", "add subtitle", database_url=pg_url)
    assert result.rc == 2, result.output
    assert "not to mdschema's shadow database" in result.err
    assert "nothing ran there" in result.err
    assert project.revisions() == revisions  # no file left behind
    assert _state(pg_url) == before
