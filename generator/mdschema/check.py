"""`mdschema check`: three levels of drift, each difference a Finding at the doc line it comes from.

(a) docs ↔ the generated package (alone: `--offline`, no database, no SQLAlchemy); (b) the generated
package ↔ migrations: the replayed head equals the models; (c) with a database URL: the live database
equals the models and is at head. The CLI prints the findings (text, json, github) and picks the exit code.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from mdschema.config import Config
from mdschema.findings import Finding

LEVELS = ("docs", "migrations", "database")


@dataclass(frozen=True, slots=True)
class Report:
    findings: tuple[Finding, ...]
    checked: tuple[str, ...]  # what was compared, e.g. ("docs", "generated/", "migrations", "database")
    notes: tuple[str, ...] = ()  # the docs' warnings and notes, formatted, as `generate` prints them

    @property
    def clean(self) -> bool:
        return not self.findings


@dataclass(frozen=True, slots=True)
class OfflineResult:
    """docs ↔ the generated package: the files that differ, with a unified diff each."""

    differences: tuple[Any, ...]  # codegen.emit.Difference
    from_manifest: bool  # True when the manifest proved the package current without rendering
    findings: tuple[Finding, ...] = ()  # at doc lines: stale diagrams (and, when required, descriptions)
    notes: tuple[str, ...] = ()  # the docs' warnings and notes, formatted, as `generate` prints them


def offline(config: Config, *, use_manifest: bool = True, strict: bool = False) -> OfflineResult:
    """Compare the generated package with what the docs render to; never imports SQLAlchemy."""
    from mdschema.codegen import emit

    summary = emit.current_summary(config) if use_manifest else None
    known_notes = summary.get("warnings") if summary else None
    if isinstance(known_notes, list) and not (strict and known_notes):
        notes = tuple(str(n) for n in known_notes)
        if not config.require_descriptions:
            return OfflineResult((), True, notes=notes)
        from mdschema import lint

        known = lint.cached(config)
        if known is not None:
            return OfflineResult((), True, tuple(known), notes)
    from mdschema.codegen.render import project_checks, render_project
    from mdschema.spec.load import load_schema

    loaded = load_schema(config, strict=strict, checks=project_checks(config), cache=use_manifest)
    schema = loaded.schema
    notes = tuple(w.format() for w in loaded.warnings)
    differences = tuple(emit.compare(config, render_project(config, schema)))
    findings = diagram_findings(config, schema)
    if config.require_descriptions:
        from mdschema import lint

        required = [
            Finding(f.level, f.where, f"{f.message} (require_descriptions)")
            for f in lint.undocumented(schema)
        ]
        lint.store(config, required)
        findings += required
    return OfflineResult(differences, False, tuple(findings), notes)


def diagram_findings(config: Config, schema: Any) -> list[Finding]:
    """A stale ER diagram is drift at its start marker's line."""
    from mdschema.diagrams.refresh import plan

    return [
        Finding(
            "docs",
            f"{s.path}:{s.line}",
            f"the ER diagram of {s.doc or 'the schema'} is stale: run `mdschema generate`",
        )
        for s in plan(config, schema).stale
    ]


def full_check(
    config: Config,
    database_url: str | None,
    *,
    strict: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Every level; the database level only with `database_url`."""
    from mdschema.catalog.describe import describe
    from mdschema.catalog.diff import diff
    from mdschema.locate import where
    from mdschema.migrations.cache import desired_snapshot, head_snapshot
    from mdschema.migrations.project import check_env
    from mdschema.migrations.shadow import require_extensions, shadow_server, shadows

    package = config.rel(config.package_dir) + "/"
    docs_level = offline(config, strict=strict)
    findings = [
        Finding("docs", d.path, "generated file differs from the docs: run `mdschema generate`")
        for d in docs_level.differences
    ]
    findings += docs_level.findings
    check_env(config)
    schema_box: list[Any] = []

    def schema() -> Any:
        if not schema_box:
            from mdschema.spec.load import load_schema

            schema_box.append(load_schema(config, cache=True).schema)
        return schema_box[0]

    def load_models() -> Any:
        from mdschema.migrations.models import load_package

        return load_package(config.root, config.package)

    with ExitStack() as stack:
        lazy: list[Any] = []

        def shadow() -> Any:  # the embedded server starts only when a snapshot is not cached
            if not lazy:
                target = stack.enter_context(shadow_server(config.root))
                lazy.append(stack.enter_context(shadows(target.url, progress, roles=config.roles)))
                require_extensions(lazy[0].admin_url, schema().extensions)
            return lazy[0]

        desired, exclude = desired_snapshot(config, shadow, load_models)
        head = head_snapshot(config, shadow, exclude)
        for change in diff(head, desired):
            findings.append(
                Finding(
                    "migrations",
                    where(schema(), change.subject),
                    f"the docs changed but no revision was made: {describe(change)} "
                    "(run `mdschema revision -m ...`)",
                )
            )
    checked = ["docs", package, "migrations"]
    if database_url:
        findings += _live(config, database_url, desired, exclude, schema)
        checked.append("database")
    else:
        embedded = _live_embedded(config, desired, exclude, schema)
        if embedded is not None:
            findings += embedded
            checked.append("the embedded database")
    return Report(tuple(findings), tuple(checked), docs_level.notes)


def _live_embedded(
    config: Config, desired: Any, exclude: frozenset[str], schema: Any
) -> list[Finding] | None:
    """The database `mdschema upgrade` acts on without a URL: the project's embedded one, when it was
    ever migrated (it has an alembic_version table). None when there is none to check."""
    from mdschema.database import connect, pgdata_dir, session_database

    if not (pgdata_dir(config.root) / "PG_VERSION").is_file():
        return None  # no embedded server was ever made: nothing to start for
    with session_database(config.root, None) as target:
        with connect(target.url) as conn:
            row = conn.execute("SELECT to_regclass('alembic_version')").fetchone()
        if row is None or row[0] is None:
            return None
        return _live(config, target.url, desired, exclude, schema)


def _live(config: Config, url: str, desired: Any, exclude: frozenset[str], schema: Any) -> list[Finding]:
    from mdschema.catalog.describe import describe_drift
    from mdschema.catalog.diff import diff
    from mdschema.catalog.snapshot import snapshot
    from mdschema.database import connect, normalize_url
    from mdschema.locate import where
    from mdschema.migrations.project import current_revisions, heads

    out: list[Finding] = []
    wanted = set(heads(config))
    # The revision and the schema are read in one snapshot: an upgrade committing in between would
    # otherwise pair the old revision with the new schema (or the reverse), a state that never existed.
    with connect(normalize_url(url)) as conn, conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        current = set(current_revisions(conn))
        live = snapshot(conn, exclude_tables=exclude, schemas=schema().schemas)
    if current != wanted:
        out.append(
            Finding(
                "database",
                "alembic_version",
                f"the database is at {', '.join(sorted(current)) or 'base'}, the migrations' head is "
                f"{', '.join(sorted(wanted)) or 'base'}: run `mdschema upgrade`",
            )
        )
    for change in diff(live, desired):
        out.append(Finding("database", where(schema(), change.subject), f"drift: {describe_drift(change)}"))
    return out
