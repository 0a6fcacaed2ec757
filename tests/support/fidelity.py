"""The fidelity harness: a doc set built twice and compared catalog to catalog, names included.

    result = build_both_ways(tmp_path, {"contacts.md": DOC}, pg_server, make_database)
    assert result.migrated == [] and result.models == []

One side is the docs' own SQL: every ```sql fence of every doc (in file-name order), run as one script in a
scratch database, as a team would run it with psql. The other is mdschema with nothing but its config:
`generate`, `revision` (proven on its shadow), `upgrade` on a second database; and the generated models'
create_all on a third. Each is read with mdschema's catalog snapshot and diffed against the first; the
differences are the lines `mdschema check` would print. Nothing here uses mdschema's reader of the docs.

Comments are left out of the comparison: mdschema adds them on purpose (a table's paragraph, a column's
`-- comment`), and the docs' SQL has none of them.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from mdschema.catalog.describe import describe
from mdschema.catalog.diff import diff
from mdschema.catalog.snapshot import ALL_SCHEMAS, Snapshot, snapshot
from mdschema.database import connect
from mdschema.migrations.models import excluded_tables, load_package
from mdschema.migrations.shadow import materialize
from mdschema.spec.markdown import SQL_LANGUAGES

from support.projects import Project, make_project


@dataclass(frozen=True)
class Fidelity:
    project: Project
    migrated: list[str]  # docs' SQL vs `mdschema revision` + `upgrade`
    models: list[str]  # docs' SQL vs the models' create_all
    direct: Snapshot  # what the docs' own SQL built
    migrated_url: str = ""  # the database `upgrade` migrated


def docs_sql(spec: Path) -> str:
    """The SQL of every ```sql fence of the docs in `spec`, in file-name order, one script."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")
    parts: list[str] = []
    for path in sorted(spec.glob("*.md")):
        for token in parser.parse(path.read_text(encoding="utf-8")):
            language = token.info.strip().split()[0].lower() if token.info.strip() else ""
            if token.type == "fence" and language in SQL_LANGUAGES and token.content.strip():
                parts.append(token.content)
    return "\n".join(parts)


def run_script(url: str, script: str) -> None:
    """`script` as psql -f would run it: one simple-query round trip, no parameter markers."""
    with connect(url) as conn:
        conn.execute(script.encode())  # type: ignore[call-overload]


def read(url: str, exclude: frozenset[str] = frozenset()) -> Snapshot:
    """The catalog at `url`, every schema in it (`schema.*` in `exclude`: one left out), without comments
    (see the module docstring)."""
    with connect(url) as conn:
        found = snapshot(conn, exclude_tables=exclude, schemas=ALL_SCHEMAS)
    tables = tuple(
        replace(t, comment=None, columns=tuple(replace(c, comment=None) for c in t.columns))
        for t in found.tables
    )
    views = tuple(replace(v, comment=None) for v in found.views)
    return replace(found, tables=tables, views=views)


def _revise(project: Project, message: str, *extra: str) -> None:
    project.ok("generate")
    result, written = project.revise(message, *extra)
    assert written is not None, result.output


def build_both_ways(
    tmp_path: Path,
    docs: dict[str, str] | Path,
    shadow_url: str,
    make_database: Callable[..., str],
    config: str = "",
    before: dict[str, str] | None = None,
    direct_sql: str | None = None,
    platform_sql: str | None = None,
    allow: tuple[str, ...] = (),
) -> Fidelity:
    """`docs` (name → text, or a project folder with pyproject.toml and spec/) built both ways.

    A project folder keeps its config; its committed revisions, if any, are what is upgraded (a new
    revision is made only when there are none, and must then be written). With `before`, those docs
    get the first revision and `docs` a second one: the migration from one to the other is under test
    (ALTER … SET DEFAULT, ADD CONSTRAINT, CREATE INDEX on a table that exists). `direct_sql` replaces the
    docs' own SQL where that cannot run as one script (a table defined in two docs, and `prefer`).
    `platform_sql` is what the database has before the docs (Supabase's `auth.users`): run first in the
    docs' database and the migrated one (the models' create_all makes the stand-ins of ddl/external.py).
    `allow`: hazard kinds the revision under test is written with (`--allow KIND`)."""
    if isinstance(docs, Path):
        root = tmp_path / "proj"
        shutil.copytree(docs, root, ignore=shutil.ignore_patterns("__pycache__", ".mdschema", "generated"))
        project = Project(root, shadow_url)
    else:
        project = make_project(tmp_path, before or docs, shadow_url, extra_config=config)
    if before is not None:
        assert isinstance(docs, dict)
        _revise(project, "before")
        for name in before:
            project.doc(name).unlink()
        for name, text in docs.items():
            project.write_doc(name, text)
    project.ok("generate")
    if before is not None or not project.revisions():
        _revise(project, "fidelity", *(f"--allow={kind}" for kind in allow))
    # plain databases (no pgvector preinstalled): the docs' `CREATE EXTENSION` runs as written
    direct_url, migrated_url, models_url = make_database(None), make_database(None), make_database(None)
    if platform_sql is not None:
        run_script(direct_url, platform_sql)
        run_script(migrated_url, platform_sql)
    run_script(direct_url, docs_sql(project.root / "spec") if direct_sql is None else direct_sql)
    project.ok("upgrade", database_url=migrated_url)

    models = load_package(project.root, "generated", fresh=True)
    materialize(models_url, models)
    exclude = excluded_tables(models)
    direct = read(direct_url, exclude)
    return Fidelity(
        project=project,
        migrated=[describe(c) for c in diff(direct, read(migrated_url, exclude))],
        models=[describe(c) for c in diff(direct, read(models_url, exclude))],
        direct=direct,
        migrated_url=migrated_url,
    )


__all__ = ["Fidelity", "build_both_ways", "docs_sql", "run_script"]
