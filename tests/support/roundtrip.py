"""The import round trip: a source database → `mdschema import` → `generate` → the models built into a fresh
database → the catalog diff against the source. 0 differences means the docs are the database, names and
comments included.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from mdschema.catalog.describe import describe
from mdschema.catalog.diff import diff
from mdschema.catalog.snapshot import snapshot
from mdschema.config import load_config
from mdschema.database import connect
from mdschema.migrations.models import excluded_tables, load_package
from mdschema.migrations.project import run_alembic
from mdschema.migrations.shadow import materialize

from support.projects import REPO, Project, make_project

PROJECT_FILES = ("pyproject.toml", "alembic.ini", "alembic", "spec", "generated")


def copy_project(source: Path, dest: Path) -> Path:
    """A throw-away copy of a project (the repo's or an example): config, docs, models, migrations."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".mdschema"))
        elif path.is_file():
            shutil.copy2(path, dest / name)
    return dest


def migrate(project: Path, url: str, embedded: bool = False) -> None:
    """`alembic upgrade head` of `project` on `url` (embedded: external tables get their stand-ins)."""
    run_alembic(load_config(project), url, embedded, "upgrade", "head")


def tool_section(project: Path) -> str:
    """The lines of `project`'s [tool.mdschema] (and its sub-tables) but `docs` and `package`."""
    lines, inside = [], False
    for line in (project / "pyproject.toml").read_text().splitlines():
        if line.startswith("["):
            inside = line.startswith("[tool.mdschema")
            if inside and line.strip() != "[tool.mdschema]":
                lines.append(line)
            continue
        if inside and line.strip() and not line.startswith(("docs", "package")):
            lines.append(line)
    return "\n".join(lines)


def imported_project(tmp: Path, source_url: str, shadow_url: str, *args: str, config: str = "") -> Project:
    """A new project whose docs come from `mdschema import` of `source_url`, generated."""
    project = make_project(tmp, {}, shadow_url, extra_config=config)
    project.ok("import", "--database-url", source_url, *args)
    project.ok("generate")
    return project


def models_differences(project: Path, source_url: str, fresh_url: str) -> list[str]:
    """Build `project`'s models into the empty database `fresh_url`: what differs from the source."""
    models = load_package(project, "generated", fresh=True)
    materialize(fresh_url, models)
    exclude = excluded_tables(models)
    with connect(source_url) as conn:
        source = snapshot(conn, exclude_tables=exclude)
    with connect(fresh_url) as conn:
        built = snapshot(conn, exclude_tables=exclude)
    return [describe(change) for change in diff(source, built)]


__all__ = ["REPO", "copy_project", "imported_project", "migrate", "models_differences", "tool_section"]
