"""The project's Alembic side: the scaffold, Alembic's config, running it, and reading revisions."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mdschema.config import Config
from mdschema.util.redact import redact

SCAFFOLD = Path(__file__).parent / "scaffold"
OLD_ENV_IMPORT = "generator.alembic_env"
NEW_ENV_IMPORT = "from mdschema.migrations.env import run"


class MigrationError(Exception):
    """A migration step failed; the message names the step and the object."""


class ShadowViolation(MigrationError):
    """env.py reached a database that is not the shadow database a proof runs on: nothing ran there."""


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    revision: str
    down_revision: str | None
    is_head: bool
    message: str


def migrations_dir(config: Config) -> Path:
    return config.root / config.migrations


def scaffold_env(package: str) -> str:
    """The env.py mdschema writes: two lines that run mdschema's environment for `package`."""
    package_literal = f'"{package}"'  # a validated dotted name: nothing to escape
    return (SCAFFOLD / "env.py.tmpl").read_text().replace("{{ package }}", package_literal)


def ensure_scaffold(config: Config) -> list[str]:
    """alembic.ini, env.py, script.py.mako and versions/ when missing (like `alembic init`); the paths
    written, relative to the project."""
    written = []
    ini = config.root / "alembic.ini"
    mig = migrations_dir(config)
    (mig / "versions").mkdir(parents=True, exist_ok=True)
    files = {
        ini: (SCAFFOLD / "alembic.ini.tmpl").read_text().replace("{{ migrations }}", config.migrations),
        mig / "env.py": scaffold_env(config.package),
        mig / "script.py.mako": (SCAFFOLD / "script.py.mako").read_text(),
    }
    for path, content in files.items():
        if not path.exists():
            path.write_text(content)
            written.append(config.rel(path))
    return written


def check_env(config: Config) -> None:
    """An env.py written before mdschema was one package imports `generator.alembic_env`: say which line."""
    env = migrations_dir(config) / "env.py"
    try:
        lines = env.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return
    for number, line in enumerate(lines, 1):
        if OLD_ENV_IMPORT in line and not line.lstrip().startswith("#"):
            raise MigrationError(
                f"{config.rel(env)}:{number}: this env.py imports {OLD_ENV_IMPORT}, which is now "
                f"mdschema.migrations.env: change that line to `{NEW_ENV_IMPORT}`"
            )


def alembic_config(
    config: Config, url: str | None = None, embedded: bool = False, output: io.StringIO | None = None
) -> Any:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig(str(config.root / "alembic.ini"), output_buffer=output)
    cfg.set_main_option("script_location", str(migrations_dir(config)))
    if url:
        cfg.attributes["url"] = url
        cfg.attributes["embedded"] = embedded
        # a stock env.py reads sqlalchemy.url: it must reach the same database ('%' is ConfigParser's)
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logging"] = False
    return cfg


def versions_hash(config: Config) -> str:
    """A hash of env.py and every revision file: the content a migration head is made of."""
    h = hashlib.sha256()
    mig = migrations_dir(config)
    for path in [mig / "env.py", *sorted((mig / "versions").glob("*.py"))]:
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:20]


def quiet_alembic() -> None:
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)


def run_alembic(
    config: Config, url: str, embedded: bool, action: str, revision: str, sql: bool = False
) -> str:
    """Run `alembic <action> <revision>` on `url`; with `sql`, return the SQL instead of running it."""
    from alembic import command

    check_env(config)
    output = io.StringIO() if sql else None
    cfg = alembic_config(config, url, embedded, output)
    try:
        getattr(command, action)(cfg, revision, sql=sql)
    except Exception as exc:  # noqa: BLE001 - reported with the step that failed
        violation = _find(exc, ShadowViolation)
        if violation is not None:
            raise violation from None
        raise MigrationError(f"{action} {revision} failed: {reason(exc)}") from None
    return output.getvalue() if output is not None else ""


def _find(exc: BaseException | None, kind: type[MigrationError]) -> MigrationError | None:
    """`exc` or what it wraps (SQLAlchemy wraps errors raised in pool events), when of type `kind`."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, kind):
            return exc
        exc = exc.__cause__ or exc.__context__ or getattr(exc, "orig", None)
        seen += 1
    return None


def reason(exc: BaseException) -> str:
    """One line saying why, password-free."""
    text = " ".join(str(getattr(exc, "orig", None) or exc).split())
    return redact(text)[:2000]


def script_directory(config: Config) -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(config))


def heads(config: Config) -> tuple[str, ...]:
    return tuple(sorted(script_directory(config).get_heads()))


def history(config: Config) -> list[HistoryEntry]:
    """Every revision, newest first."""
    return [
        HistoryEntry(rev.revision, rev.down_revision, bool(rev.is_head), rev.doc or "")
        for rev in script_directory(config).walk_revisions()
    ]


def current_revisions(conn: Any) -> tuple[str, ...]:
    """The revisions recorded in alembic_version on a psycopg connection; () for an unmigrated database."""
    exists = conn.execute("SELECT to_regclass('alembic_version')").fetchone()
    if not exists or exists[0] is None:
        return ()
    return tuple(sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version").fetchall()))
