"""`mdschema baseline`: adopt an existing database. The docs describe it; record them as the first
revision and stamp the database at it, without running any DDL there.

Order matters: first prove (the catalog of the database equals what the models create, read on a shadow
database), then write the revision (itself proven on a shadow by `make_revision`), then check the database
against the replayed revision once more, and only then stamp. The user's database is only ever read,
except for Alembic's `alembic_version` row that the stamp writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mdschema.catalog.describe import describe
from mdschema.catalog.diff import Change, diff
from mdschema.config import Config
from mdschema.database import connect, session_database
from mdschema.migrations.models import excluded_tables, load_package, managed_schemas
from mdschema.migrations.project import (
    MigrationError,
    current_revisions,
    heads,
    migrations_dir,
    quiet_alembic,
    run_alembic,
)
from mdschema.migrations.revision import RevisionOptions, make_revision
from mdschema.migrations.shadow import (
    models_snapshot,
    read_head_template,
    read_snapshot,
    shadow_server,
    shadows,
)


@dataclass(frozen=True, slots=True)
class Difference:
    where: str  # the doc line, e.g. "spec/story.md:88", or "(not in the docs)"
    what: str  # e.g. "column story.title: type character varying(100) → character varying(300)"


@dataclass(frozen=True, slots=True)
class BaselineResult:
    target: str  # the database, redacted
    revision: str | None = None  # stamped at this revision
    path: Path | None = None  # the revision file written
    differences: tuple[Difference, ...] = ()  # why it was refused: database → docs
    tables: int = 0


def baseline(
    config: Config, schema: Any, database_url: str | None, message: str = "baseline"
) -> BaselineResult:
    """`schema`: the docs' Schema, its generated package already written."""
    versions = migrations_dir(config) / "versions"
    existing = sorted(versions.glob("*.py")) if versions.is_dir() else []
    if existing:
        raise MigrationError(
            f"{config.rel(versions)} already has {len(existing)} revision(s): a baseline is the first one "
            "(use `mdschema revision` and `mdschema upgrade` from here)"
        )
    quiet_alembic()
    models = load_package(config.root, config.package, fresh=True)
    exclude = excluded_tables(models)
    with session_database(config.root, database_url) as target:
        with connect(target.url) as conn:
            stamped = current_revisions(conn)
        if stamped:
            raise MigrationError(
                f"{target.display} is already at revision {', '.join(stamped)}: it has been baselined or "
                "migrated before"
            )
        with shadow_server(config.root) as server, shadows(server.url, roles=config.roles) as sh:
            wanted = models_snapshot(sh.admin_url, models, exclude)
        live = read_snapshot(target.url, exclude, managed_schemas(models))
        refused = _differences(schema, diff(live, wanted))
        if refused:
            return BaselineResult(target.display, differences=refused)
        result = make_revision(config, RevisionOptions(message), schema)
        if result.path is None:  # pragma: no cover - an empty head always differs from a non-empty schema
            raise MigrationError("no revision was written: the docs describe no schema objects")
        (revision,) = heads(config)  # the only revision there is
        with shadow_server(config.root) as server, shadows(server.url, roles=config.roles) as sh:
            head = read_head_template(config, sh, exclude)
        # again: it may have changed while the revision was made
        live = read_snapshot(target.url, exclude, managed_schemas(models))
        refused = _differences(schema, diff(live, head))
        if refused:
            result.path.unlink(missing_ok=True)
            return BaselineResult(target.display, differences=refused)
        run_alembic(config, target.url, target.embedded, "stamp", revision)
        return BaselineResult(target.display, revision, result.path, (), len(live.tables))


def _differences(schema: Any, changes: tuple[Change, ...]) -> tuple[Difference, ...]:
    from mdschema.locate import where

    return tuple(Difference(where(schema, c.subject), describe(c)) for c in changes)
