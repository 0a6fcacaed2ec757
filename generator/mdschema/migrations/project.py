"""The project's Alembic side: the scaffold, Alembic's config, running it, and reading revisions."""

from __future__ import annotations

import ast
import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
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
    """A hash of env.py, every revision file and the external tables: the content a migration head is made
    of (env.py creates the stand-ins of the external tables, in their schemas, before replaying; two
    projects with the same revisions but other external tables must not share a head)."""
    h = hashlib.sha256()
    h.update(repr(sorted(config.external_tables)).encode())
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
    """Run `alembic <action> <revision>` on `url`; with `sql`, return the SQL instead of running it.
    A step that fails is reported with the revision and its file."""
    from alembic import command

    check_env(config)
    chain = validate_chain(config)
    output = io.StringIO() if sql else None
    cfg = alembic_config(config, url, embedded, output)
    with _steps() as steps:
        try:
            getattr(command, action)(cfg, revision, sql=sql)
        except Exception as exc:  # noqa: BLE001 - reported with the step that failed
            violation = _find(exc, ShadowViolation)
            if violation is not None:
                raise violation from None
            where = ""
            if steps:
                failing = steps[-1]
                file = chain.get(failing)
                where = f" in revision {failing}" + (f" ({config.rel(file)})" if file else "")
            raise MigrationError(f"{action} {revision} failed{where}: {reason(exc)}") from None
    return output.getvalue() if output is not None else ""


_STEP = re.compile(r"^Running (?:upgrade|downgrade) (\S*) -> (\S*)")


@contextmanager
def _steps() -> Iterator[list[str]]:
    """The revisions Alembic starts running, in order (from its own log lines, which are not shown):
    for an upgrade the target of each step, for a downgrade the revision being undone."""
    import logging

    steps: list[str] = []

    class Steps(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            m = _STEP.match(record.getMessage())
            if m:
                up = record.getMessage().startswith("Running upgrade")
                steps.append((m.group(2) if up else m.group(1)).rstrip(","))

    logger = logging.getLogger("alembic.runtime.migration")
    handler, level, propagate = Steps(logging.INFO), logger.level, logger.propagate
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > logging.INFO:  # quiet: hear the lines without showing them
        logger.setLevel(logging.INFO)
        logger.propagate = False
    try:
        yield steps
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def validate_chain(config: Config) -> dict[str, Path]:
    """Read every revision file without running it ({revision id: file}), and stop with the file named
    when the chain is broken: a file that does not parse, a revision id used twice, a `down_revision`
    that names a revision no file has. Alembic would say only the id, or fail without a word."""
    versions = migrations_dir(config) / "versions"
    files: dict[str, Path] = {}
    downs: dict[str, tuple[str, ...] | None] = {}
    for path in sorted(versions.glob("*.py")) if versions.is_dir() else ():
        values = _revision_literals(config, path)
        rev = values.get("revision")
        if not isinstance(rev, str):
            continue  # not a revision with literal ids: Alembic will judge it
        if rev in files:
            raise MigrationError(
                f"{config.rel(path)}: revision id {rev} is also the id of {config.rel(files[rev])}: "
                "give one of them a new id"
            )
        files[rev] = path
        down = values.get("down_revision", ())
        downs[rev] = (down,) if isinstance(down, str) else tuple(down) if isinstance(down, tuple) else None
    for rev, parents in downs.items():
        for parent in parents or ():
            if parent not in files:
                raise MigrationError(
                    f"{config.rel(files[rev])}: down_revision {parent!r} names a revision that is not in "
                    f"{config.rel(versions)}/ (deleted or renamed?): restore that file, or set down_revision "
                    "to the revision this one follows"
                )
    return files


# revision file content (sha256) → its literals: a revision runs Alembic four times, and parsing a large
# initial revision each time costs a tenth of a second
_parsed: dict[bytes, dict[str, object]] = {}


def _revision_literals(config: Config, path: Path) -> dict[str, object]:
    """`revision` and `down_revision` of one revision file; the file is named when it does not parse."""
    source = path.read_bytes()
    key = hashlib.sha256(source).digest()
    cached = _parsed.get(key)
    if cached is not None:
        return cached
    try:
        tree = ast.parse(source, filename=path.name)
    except (SyntaxError, ValueError) as exc:
        line = f":{exc.lineno}" if isinstance(exc, SyntaxError) and exc.lineno else ""
        raise MigrationError(
            f"{config.rel(path)}{line}: this revision file does not parse "
            f"({getattr(exc, 'msg', exc)}): fix it, or remove it if it is not a revision"
        ) from None
    values = _parsed[key] = _literals(tree)
    return values


def _literals(tree: ast.Module) -> dict[str, object]:
    """Module-level `name = <literal>` (annotated or not) of a revision file."""
    out: dict[str, object] = {}
    for node in tree.body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value = node.target.id, node.value
        if target in ("revision", "down_revision") and value is not None:
            try:
                literal = ast.literal_eval(value)
            except ValueError:
                continue
            out[target] = tuple(literal) if isinstance(literal, list) else literal
    return out


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

    validate_chain(config)
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
