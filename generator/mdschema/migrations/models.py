"""The generated package as the migrations see it: imported from the project, and the SQL it creates."""

from __future__ import annotations

import importlib
import sys
import threading
from pathlib import Path
from typing import Any

from mdschema.util.sql_text import quote_ident

_loaded: dict[tuple[str, str], tuple[str, Any]] = {}
_load_lock = threading.RLock()


def _package_digest(root: Path, package: str) -> str:
    import hashlib

    from mdschema.util.hashing import tree_files

    h = hashlib.sha256()
    folder = root / Path(*package.split("."))
    for path in tree_files(folder):
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def load_package(root: Path, package: str, fresh: bool = False) -> Any:
    """Import the generated package of the project at `root`: fresh when its files changed or another
    project's package of the same name was imported, else the one already loaded (a revision runs
    Alembic several times; importing a large package each time costs half a second). Thread-safe: a
    revision imports the models while a thread may be replaying the head (env.py imports them too)."""
    with _load_lock:
        return _load_package(root, package, fresh)


def _load_package(root: Path, package: str, fresh: bool) -> Any:
    key = (str(root.resolve()), package)
    digest = _package_digest(root, package)
    cached = _loaded.get(key)
    if not fresh and cached is not None and cached[0] == digest and sys.modules.get(package) is cached[1]:
        return cached[1]
    module = _import_fresh(root, package)
    _loaded.clear()
    _loaded[key] = (digest, module)
    return module


# What the generated package may import beyond mdschema's own dependencies: the extra that installs it.
OPTIONAL_IMPORTS = {"sqlmodel": "sqlmodel", "pydantic": "schemas"}


def _import_fresh(root: Path, package: str) -> Any:
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(package)
    except ModuleNotFoundError as exc:
        top = (exc.name or "").split(".")[0]
        if top not in OPTIONAL_IMPORTS:
            raise
        from mdschema.migrations.project import MigrationError

        raise MigrationError(
            f"the models in {package}/ import {top}, which is not installed: "
            f'pip install "mdschema[{OPTIONAL_IMPORTS[top]}]" (or `pip install {top}`)'
        ) from None
    finally:
        try:
            sys.path.remove(str(root))
        except ValueError:  # pragma: no cover
            pass


def excluded_tables(models: Any) -> frozenset[str]:
    """Tables the migrations never create, alter or drop: unmanaged and external ones (by key), and, as
    `schema.*`, the schemas only such tables (or external functions) are in (a stand-in's schema on a
    shadow is not the docs')."""
    ddl = models.ddl
    tables = frozenset(ddl.UNMANAGED_TABLES) | frozenset(ddl.EXTERNAL_TABLES)
    elsewhere = {name.partition(".")[0] for name in tables if "." in name}
    # the schemas of the platform's functions (external_functions: their stand-ins on a shadow)
    elsewhere |= {signature.partition(".")[0] for signature in getattr(ddl, "EXTERNAL_FUNCTIONS", ())}
    return tables | {f"{schema}.*" for schema in elsewhere - set(managed_schemas(models))}


def managed_schemas(models: Any) -> tuple[str, ...]:
    """The schemas the docs manage (public, those they create or put objects in): what is read of a
    database mdschema did not build alone (check's drift, baseline, autogenerate against it)."""
    return tuple(getattr(models.ddl, "MANAGED_SCHEMAS", ("public",)))


def ddl_script(metadata: Any) -> list[str]:
    """Every statement `metadata.create_all` would send, compiled once, without a connection."""
    from sqlalchemy import create_mock_engine
    from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect

    # "named" paramstyle: DDL sent without parameters must not have its % doubled
    dialect = psycopg_dialect(paramstyle="named")
    statements: list[str] = []
    engine = create_mock_engine(
        "postgresql+psycopg://", lambda sql, *a, **kw: statements.append(str(sql.compile(dialect=dialect)))
    )
    metadata.create_all(engine, checkfirst=False)
    return statements


def models_script(models: Any) -> bytes:
    """What the models create, as one SQL script: extensions, create_all, functions, triggers.

    A package whose ddl.py attaches its extensions, functions and triggers to the metadata's DDL events
    (it marks `Base.metadata.info`) has them in create_all's statements already: added once, not twice."""
    if models.Base.metadata.info.get("mdschema.ddl_events"):
        return ";\n".join(ddl_script(models.Base.metadata)).encode()
    ddl = models.ddl
    parts = [f"CREATE EXTENSION IF NOT EXISTS {quote_ident(e)}" for e in ddl.EXTENSIONS]
    sequences = getattr(ddl, "SEQUENCES", ())
    parts += [statements[0] for _, statements in sequences]
    parts += [sql for _, statements in getattr(ddl, "DOMAINS", ()) for sql in statements]
    parts += ddl_script(models.Base.metadata)
    parts += [sql for _, statements in sequences for sql in statements[1:]]
    parts += [sql for _, sql in ddl.FUNCTIONS]
    parts += [sql for _, _, sql in ddl.TRIGGERS]
    parts += [sql for _, _, statements in getattr(ddl, "VIEWS", ()) for sql in statements]
    parts += [sql for _, sql in getattr(ddl, "ROW_SECURITY", ())]
    parts += [sql for _, _, statements in getattr(ddl, "POLICIES", ()) for sql in statements]
    return ";\n".join(parts).encode()
