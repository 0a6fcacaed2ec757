"""`mdschema check`: three levels of drift, each difference named with the doc line it comes from.

(a) docs ↔ generated/ (as --offline); (b) generated/ ↔ migrations: the replayed head equals the
models; (c) with --database-url / $DATABASE_URL: the live database equals the models and is at head.
Exit 0 clean, 1 drift, 2 error. --format text | json | github (workflow annotations at the doc line).
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict, dataclass
from typing import Any

from mdschema.config import Config


@dataclass(frozen=True, slots=True)
class Finding:
    level: str  # docs | migrations | database
    where: str  # "spec/story.md:88" or a path
    message: str


def _where_parts(where: str) -> tuple[str, int | None]:
    path, _, line = where.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    return where, None


def full_check(config: Config, args: argparse.Namespace) -> int:
    from mdschema.cli import offline_check
    from mdschema.migrations.revision import desired_snapshot, embedded_server, head_snapshot, shadows

    findings: list[Finding] = []
    quiet = argparse.Namespace(**{**vars(args), "quiet": True})
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        stale = offline_check(config, quiet)
    if stale:
        for line in buffer.getvalue().splitlines()[1:]:
            findings.append(
                Finding("docs", line.strip(), "generated file differs from the docs: run `mdschema generate`")
            )
    live_url = args.database_url or os.environ.get("DATABASE_URL")
    schema_box: list[Any] = []

    def schema() -> Any:
        if not schema_box:
            from mdschema.spec.load import load_schema

            schema_box.append(load_schema(config))
        return schema_box[0]

    def load_models() -> Any:
        from mdschema.migrations.env import load_package

        return load_package(config.root, config.package)

    from contextlib import ExitStack

    from mdschema.catalog.snapshot import describe, diff

    with ExitStack() as stack:
        lazy: list[Any] = []

        def shadow() -> Any:  # the embedded server starts only when a snapshot is not cached
            if not lazy:
                target = stack.enter_context(embedded_server(config.root))
                lazy.append(stack.enter_context(shadows(target.url)))
            return lazy[0]

        desired, exclude = desired_snapshot(config, shadow, load_models)
        head = head_snapshot(config, shadow, exclude)
        for change in diff(head, desired):
            findings.append(
                Finding(
                    "migrations",
                    _span(schema(), change),
                    f"the docs changed but no revision was made: {describe(change)} "
                    "(run `mdschema revision -m ...`)",
                )
            )
    if live_url:
        findings += _live(config, live_url, desired, exclude, schema)
    return _report(findings, args.format, bool(live_url))


def _live(config: Config, url: str, desired: Any, exclude: frozenset[str], schema: Any) -> list[Finding]:
    from alembic.script import ScriptDirectory

    from mdschema.catalog.snapshot import diff, snapshot
    from mdschema.database import connect, normalize_url
    from mdschema.migrations.revision import alembic_config

    out: list[Finding] = []
    heads = set(ScriptDirectory.from_config(alembic_config(config)).get_heads())
    # The revision and the schema are read in one snapshot: an upgrade committing in between would
    # otherwise pair the old revision with the new schema (or the reverse), a state that never existed.
    with connect(normalize_url(url)) as conn, conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        has_version = conn.execute("SELECT to_regclass('alembic_version')").fetchone()
        current = set()
        if has_version and has_version[0] is not None:
            current = {r[0] for r in conn.execute("SELECT version_num FROM alembic_version").fetchall()}
        live = snapshot(conn, exclude_tables=exclude)
    if current != heads:
        out.append(
            Finding(
                "database",
                "alembic_version",
                f"the database is at {', '.join(sorted(current)) or 'base'}, the migrations' head is "
                f"{', '.join(sorted(heads)) or 'base'}: run `mdschema upgrade`",
            )
        )
    for change in diff(live, desired):
        out.append(Finding("database", _span(schema(), change), f"drift: {_drift_text(change)}"))
    return out


def _drift_text(change: Any) -> str:
    """'story.title is character varying(100) in the database, character varying(300) in the docs'."""
    from mdschema.catalog.snapshot import describe

    if change.kind == "alter_type":
        return f"{change.table}.{change.name} is {change.before} in the database, {change.after} in the docs"
    if change.kind == "alter_nullable":
        state = {True: "NOT NULL", False: "nullable"}
        return (
            f"{change.table}.{change.name} is {state[bool(change.before)]} in the database, "
            f"{state[bool(change.after)]} in the docs"
        )
    if change.kind == "alter_default":
        return (
            f"{change.table}.{change.name} default is {change.before or 'none'} in the database, "
            f"{change.after or 'none'} in the docs"
        )
    if change.kind.startswith("add_"):
        return f"{describe(change).replace(': added', '')} is in the docs but not in the database"
    if change.kind.startswith("drop_"):
        return f"{describe(change).replace(': dropped', '')} is in the database but not in the docs"
    return describe(change) + " (database → docs)"


def _span(schema: Any, change: Any) -> str:
    from mdschema.locate import span_for

    noun = change.kind.split("_", 1)[1] if "_" in change.kind else change.kind
    if noun in ("labels",):
        noun = "enum"
    if change.table is None:
        return span_for(schema, f"{noun} {change.name}")
    if noun in ("table", "table_comment"):
        return span_for(schema, f"table {change.table}")
    if noun in ("type", "nullable", "default", "identity", "generated", "column_comment", "column"):
        return span_for(schema, f"column {change.table}.{change.name}")
    return span_for(schema, f"{noun} {change.table}.{change.name}")


def _report(findings: list[Finding], fmt: str, live: bool) -> int:
    levels = "docs, generated/, migrations" + (", database" if live else "")
    if fmt == "json":
        print(
            json.dumps(
                {"clean": not findings, "checked": levels, "findings": [asdict(f) for f in findings]},
                indent=2,
            )
        )
    elif fmt == "github":
        for f in findings:
            path, line = _where_parts(f.where)
            loc = f"file={path},line={line}," if line else ""
            print(f"::error {loc}title=mdschema {f.level}::{f.message}")
        if not findings:
            print(f"mdschema: clean ({levels})")
    else:
        for f in findings:
            print(f"{f.where}: {f.level}: {f.message}")
        print(f"mdschema: {'clean' if not findings else f'{len(findings)} difference(s)'} ({levels})")
    return 1 if findings else 0
