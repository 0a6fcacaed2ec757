"""`mdschema`: the command line — arguments, dispatch, every print and every exit code.

Imports are lazy so the pre-commit path (`check --offline` with a clean manifest) stays instant.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mdschema.config import Config, find_root, load_config
from mdschema.errors import SpecError

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2
NO_PREFLIGHT = (
    "skip the pre-flight that first counts the rows that would make a step fail (NULLs for a NOT NULL, "
    "rows breaking a CHECK, duplicates for a UNIQUE, …) and refuses before anything runs"
)


def _out(message: str) -> None:
    print(message, flush=True)


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _progress(args: argparse.Namespace) -> Callable[[str], None] | None:
    """Progress lines on stderr for steps that take seconds: on a terminal, unless -q."""
    if getattr(args, "quiet", False) or not sys.stderr.isatty():
        return None
    return lambda message: _err(f"mdschema: {message} …")


# --- generate and check ---------------------------------------------------------------------------


def _generate(config: Config, strict: bool) -> tuple[object, int]:
    """Load, render and write; print warnings and what was written. (schema, number of tables)"""
    from mdschema.codegen import emit

    known = emit.current_summary(config)  # nothing changed since the last generate: nothing to do
    warnings = known.get("warnings") if known else None
    if known and isinstance(warnings, list) and not (strict and warnings):
        for warning in warnings:
            _err(str(warning))
        pkg = config.rel(config.package_dir)
        _out(
            f"mdschema: {known.get('tables')} tables from {known.get('docs')} docs → {pkg}/ "
            f"(0 written, 0 removed, {known.get('files')} unchanged)"
        )
        return None, 0
    from mdschema.codegen.render import project_checks, render_project
    from mdschema.spec.load import load_schema

    loaded = load_schema(config, strict=strict, checks=project_checks(config), cache=True)
    refreshed = _refresh_diagrams(config, loaded.schema)  # before the manifest hashes the docs
    if refreshed:  # a diagram of another length moved the lines below it: spans from the docs as they are
        loaded = load_schema(config, strict=strict, checks=project_checks(config), cache=True)
    for w in loaded.warnings:
        _err(w.format())
    files = render_project(config, loaded.schema)
    summary = {
        "tables": len(loaded.schema.tables),
        "docs": len(loaded.schema.docs),
        "warnings": [w.format() for w in loaded.warnings],
    }
    written, removed = emit.write(config, files, summary)
    pkg = config.rel(config.package_dir)
    _out(
        f"mdschema: {len(loaded.schema.tables)} tables from {len(loaded.schema.docs)} docs → {pkg}/ "
        f"({len(written)} written, {len(removed)} removed, {len(files) - len(written)} unchanged)"
    )
    for path in written:
        _out(f"  wrote {path}")
    for path in removed:
        _out(f"  removed {path}")
    for path in refreshed:
        _out(f"  refreshed the diagram in {path}")
    return loaded.schema, len(written)


def _refresh_diagrams(config: Config, schema: object) -> list[str]:
    """Rewrite stale ER diagrams between their markers; the files written."""
    from mdschema.diagrams.refresh import refresh
    from mdschema.schema import Schema

    assert isinstance(schema, Schema)
    return refresh(config, schema)


def cmd_generate(config: Config, args: argparse.Namespace) -> int:
    _generate(config, args.strict)
    return EXIT_OK


def cmd_check(config: Config, args: argparse.Namespace) -> int:
    from mdschema import check

    if args.offline:
        result = check.offline(config, use_manifest=not args.no_cache, strict=args.strict)
        for note in result.notes:  # the warnings and notes `generate` prints for these docs
            _err(note)
        if not result.differences and not result.findings:
            if args.format == "text" and not args.quiet:
                _out(f"mdschema: {config.rel(config.package_dir)}/ is current for the docs")
            return EXIT_OK
        for f in result.findings:  # stale diagrams, missing descriptions: at their doc line
            _out(f"{f.where}: {f.level}: {f.message}")
        if not result.differences:
            return EXIT_DRIFT
        _out(
            f"mdschema: {len(result.differences)} generated file(s) differ from the docs; "
            "run `mdschema generate`:"
        )
        for d in result.differences:
            _out(f"  {d.path}")
        if not args.quiet:
            for d in result.differences:
                sys.stdout.write(d.diff)
        return EXIT_DRIFT
    url = args.database_url or os.environ.get("DATABASE_URL")
    report = check.full_check(config, url, strict=args.strict, progress=_progress(args))
    for note in report.notes:
        _err(note)
    _print_report(report, args.format)
    return EXIT_OK if report.clean else EXIT_DRIFT


def _print_report(report: object, fmt: str) -> None:
    from mdschema.check import Report

    assert isinstance(report, Report)
    checked = ", ".join(report.checked)
    if fmt == "json":
        findings = [{"level": f.level, "where": f.where, "message": f.message} for f in report.findings]
        _out(json.dumps({"clean": report.clean, "checked": checked, "findings": findings}, indent=2))
        return
    if fmt == "sarif":
        _out(json.dumps(_sarif(report), indent=2))
        return
    if fmt == "github":
        for f in report.findings:
            place = ""
            if _is_file(f.path):
                place = f"file={_gh_property(f.path)}," + (f"line={f.line}," if f.line else "")
            _out(f"::error {place}title=mdschema {f.level}::{_gh_data(f.message)}")
        if report.clean:
            _out(f"mdschema: clean ({checked})")
        return
    for f in report.findings:
        _out(f"{f.where}: {f.level}: {f.message}")
    _out(f"mdschema: {'clean' if report.clean else f'{len(report.findings)} difference(s)'} ({checked})")


def _is_file(where: str) -> bool:
    """A finding's place is a file of the project (a doc, a generated module), not a name like
    `alembic_version` or `(not in the docs)`."""
    return "/" in where or where.endswith((".md", ".py", ".toml"))


def _gh_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub Actions reads it (%, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _sarif(report: object) -> dict[str, object]:
    """SARIF 2.1.0 for GitHub code scanning: one rule per level, one result per finding."""
    from mdschema import __version__
    from mdschema.check import LEVELS, Report

    assert isinstance(report, Report)
    results = []
    for f in report.findings:
        result: dict[str, object] = {"ruleId": f.level, "level": "error", "message": {"text": f.message}}
        if _is_file(f.path):
            location: dict[str, object] = {"artifactLocation": {"uri": f.path}}
            if f.line:
                location["region"] = {"startLine": f.line}
            result["locations"] = [{"physicalLocation": location}]
        results.append(result)
    rules = [
        {"id": level, "shortDescription": {"text": f"mdschema drift: {level}"}, "helpUri": _HELP_URI}
        for level in LEVELS
    ]
    driver = {"name": "mdschema", "version": __version__, "informationUri": _HELP_URI, "rules": rules}
    return {
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }


_HELP_URI = "https://pypi.org/project/mdschema/"


def cmd_watch(config: Config, args: argparse.Namespace) -> int:
    """Generate now and on every doc or config change; the last good output stays when a doc breaks."""
    from mdschema.watch import changes

    def once(current: Config) -> None:
        try:
            _generate(current, args.strict)
        except SpecError as exc:
            _err(exc.format())
            _err("mdschema: the docs have errors; the generated package was left as it was")
            return
        if args.check:
            from mdschema import check

            report = check.full_check(current, None, progress=_progress(args))
            migrations = [f for f in report.findings if f.level == "migrations"]
            for f in migrations:
                _out(f"{f.where}: {f.level}: {f.message}")
            if not migrations:
                _out("mdschema: the migrations match the docs")

    once(config)
    for paths in changes(config):
        if not paths:
            _out(f"mdschema: watching {', '.join(config.docs)} and pyproject.toml (Ctrl-C to stop)")
            continue
        names = ", ".join(sorted(config.rel(p) for p in paths))
        _out(f"mdschema: changed: {names}")
        try:
            config = load_config(config.root)
        except SpecError as exc:
            _err(exc.format())
            continue
        once(config)
    return EXIT_OK


# --- migrations -----------------------------------------------------------------------------------


def cmd_revision(config: Config, args: argparse.Namespace) -> int:
    from mdschema.migrations.plan import HAZARD_KINDS
    from mdschema.migrations.revision import RevisionOptions, make_revision

    unknown = sorted(set(args.allow or ()) - set(HAZARD_KINDS))
    if unknown:  # a misspelt --allow would otherwise allow nothing and still look accepted
        kinds = ", ".join(HAZARD_KINDS)
        _err(f"mdschema: error: --allow {', '.join(unknown)}: no such hazard; the kinds are: {kinds}")
        return EXIT_ERROR
    schema, _ = _generate_quietly(config)
    options = RevisionOptions(args.message, args.allow_destructive, frozenset(args.allow or ()))
    result = make_revision(config, options, schema, _progress(args))
    for path in result.scaffold:
        _out(f"mdschema: wrote {path}")
    if result.blocked:
        _out(f"mdschema: refusing to write a destructive migration ({len(result.blocked)} hazard(s)):")
        for h in result.blocked:
            _out(f"  {h.where}: {h.subject}: {h.detail}  [--allow {h.kind}]")
        _out("  pass --allow-destructive (all) or --allow HAZARD (one kind) to write it anyway")
        return EXIT_DRIFT
    if result.path is None:
        _out("mdschema: no changes: the migrations already match the docs; no revision written")
        return EXIT_OK
    _out(
        f"mdschema: wrote {config.rel(result.path)} ({len(result.changes)} change(s)), "
        "proven on a shadow database:"
    )
    for line in result.changes:
        _out(f"  {line}")
    if result.checked:
        _out(
            f"mdschema: {len(result.checked)} step(s) can fail on rows already in a database; "
            "`mdschema upgrade`/`downgrade` count them first and refuse:"
        )
        for h in result.checked:
            _out(f"  {h.where}: {h.subject}: {h.detail}  [{h.kind}]")
    _print_lint(result.lint, "the new revision")
    return EXIT_OK


def _print_lint(lint: Any, what: str) -> None:
    """squawk's findings (migrations/squawk.py), one a line: where, [rule], message, the statement."""
    if not lint:
        _out(f"mdschema: squawk: nothing to report on {what}")
        return
    _out(f"mdschema: squawk: {len(lint)} finding(s) on {what}:")
    for f in lint:
        _out(f"  {f.where}: [{f.rule}] {f.message}" + (f"\n      {f.statement}" if f.statement else ""))


def _generate_quietly(config: Config) -> tuple[object, int]:
    from mdschema.codegen import emit
    from mdschema.codegen.render import project_checks, render_project
    from mdschema.spec.load import load_schema

    loaded = load_schema(config, checks=project_checks(config), cache=True)
    if _refresh_diagrams(config, loaded.schema):  # lines moved: read the docs as they now are
        loaded = load_schema(config, checks=project_checks(config), cache=True)
    for w in loaded.warnings:  # the same warnings and notes as `generate` prints
        _err(w.format())
    summary = {
        "tables": len(loaded.schema.tables),
        "docs": len(loaded.schema.docs),
        "warnings": [w.format() for w in loaded.warnings],
    }
    written, _ = emit.write(config, render_project(config, loaded.schema), summary)
    return loaded.schema, len(written)


def _apply(action: str) -> Callable[[Config, argparse.Namespace], int]:
    def run(config: Config, args: argparse.Namespace) -> int:
        from mdschema.migrations.apply import migrate
        from mdschema.migrations.preflight import PreflightRefused, describe_finding

        try:
            result = migrate(
                config,
                action,
                args.revision,
                args.database_url,
                sql=args.sql,
                check_rows=not args.no_preflight,
            )
        except PreflightRefused as refused:
            _out(
                f"mdschema: refusing to {action} {args.revision}: {len(refused.findings)} step(s) would fail "
                "on rows already in the database; nothing was run:"
            )
            for finding in refused.findings:
                _out(f"  {describe_finding(finding)}")
            for s in refused.skipped:
                _out(
                    f"  not checked: {s.check.where}: {s.check.subject}: {s.reason} (made by an earlier step)"
                )
            if any(f.after_earlier for f in refused.findings):
                _out(
                    "  (counted on the rows as they are now: if an earlier revision of this run changes "
                    "them, e.g. a backfill, --no-preflight lets it through)"
                )
            _out(f"  fix those rows, or pass --no-preflight to {action} anyway (the step then fails there)")
            return EXIT_DRIFT
        if args.sql:
            sys.stdout.write(result.sql)
        else:
            for line in result.unchecked:
                _out(f"mdschema: pre-flight: not checked: {line} (an earlier step makes it)")
            _out(
                f"mdschema: {action} {args.revision}: done on {result.target}; "
                f"now at {', '.join(result.now_at) or 'base'}"
            )
        return EXIT_OK

    return run


def cmd_current(config: Config, args: argparse.Namespace) -> int:
    from mdschema.migrations.apply import current_of

    result = current_of(config, args.database_url)
    _out(f"{', '.join(result.now_at) or 'base'} ({result.target})")
    return EXIT_OK


def cmd_history(config: Config, args: argparse.Namespace) -> int:
    from mdschema.migrations.project import history

    for rev in history(config):
        head = " (head)" if rev.is_head else ""
        _out(f"{rev.down_revision or 'base'} -> {rev.revision}{head}, {rev.message}")
    return EXIT_OK


def cmd_init(config: Config, args: argparse.Namespace) -> int:
    from mdschema.init import init_project

    result = init_project(config.root, package=args.package, docs=args.docs, adopt=args.adopt)
    for path in result.written:
        _out(f"mdschema: wrote {path}")
    for path, why in result.kept:
        _out(f"mdschema: kept {path} ({why})")
    if result.env_advice:
        _out(f"mdschema: {result.env_advice}")
    if not result.written:
        _out("mdschema: nothing to do: this project is set up")
    docs = ", ".join(result.config.docs)
    _out(
        "\nNext:\n"
        f"  1. describe your tables in {docs}, then: mdschema generate\n"
        '  2. mdschema revision -m "initial schema"\n'
        "  3. mdschema upgrade      (the embedded PostgreSQL, or set DATABASE_URL)\n"
        "Already have a database that matches the docs? `mdschema baseline` records it instead of step 3."
    )
    return EXIT_OK


def cmd_db(config: Config, args: argparse.Namespace) -> int:
    from mdschema.database import embedded_status, start_embedded, stop_embedded

    root = config.root
    if args.action == "start":
        url, started = start_embedded(root)
        _out(f"mdschema: embedded PostgreSQL {'started' if started else 'already running'}: {url}")
    elif args.action == "stop":
        _out("mdschema: embedded PostgreSQL " + ("stopped" if stop_embedded(root) else "was not running"))
    elif args.action == "url":
        running = embedded_status(root)
        if running is None:
            _out("mdschema: the embedded PostgreSQL is not running (mdschema db start)")
            return EXIT_DRIFT
        _out(running)
    else:
        running = embedded_status(root)
        _out(f"running: {running}" if running else "stopped")
    return EXIT_OK


def cmd_lint(config: Config, args: argparse.Namespace) -> int:
    from mdschema.check import Report
    from mdschema.lint import undocumented
    from mdschema.spec.load import load_schema

    schema = load_schema(config, strict=args.strict).schema
    if args.migrations:
        return _lint_migrations(config, schema)
    findings = undocumented(schema)
    report = Report(tuple(findings), ("docs",))
    if args.format == "text":
        for f in findings:
            _out(f"{f.where}: {f.message}")
        described = "every table and column is described" if not findings else f"{len(findings)} undescribed"
        _out(f"mdschema: lint --docs: {described}")
    else:
        _print_report(report, args.format)
    return EXIT_OK if report.clean else EXIT_DRIFT


def _lint_migrations(config: Config, schema: Any) -> int:
    from mdschema.migrations.project import MigrationError
    from mdschema.migrations.revision import lint_lines
    from mdschema.migrations.squawk import SquawkMissing, lint_revisions

    try:
        linted = lint_revisions(config)
    except SquawkMissing as exc:
        _err(f"mdschema: error: {exc}")
        return EXIT_ERROR
    except MigrationError as exc:
        _err(f"mdschema: error: {exc}")
        return EXIT_ERROR
    lines = lint_lines(linted, schema)
    _print_lint(lines, f"{len(linted) // 2} revision(s), upgrade and downgrade")
    return EXIT_OK if not lines else EXIT_DRIFT


# --- adoption: import, baseline ------------------------------------------------------------------


def cmd_import(config: Config, args: argparse.Namespace) -> int:
    from mdschema.importer.catalog_import import (
        ImportFailure,
        ImportOptions,
        conflicts,
        docs_covered,
        import_database,
        write_docs,
    )

    url = args.database_url or os.environ.get("DATABASE_URL")
    if not url:
        _err("mdschema: import needs a database: --database-url URL or $DATABASE_URL")
        return EXIT_ERROR
    options = ImportOptions(
        url, tuple(args.schema or ("public",)), args.out, args.group_by, tuple(args.exclude or ())
    )
    try:
        docs = import_database(config, options)
    except ImportFailure as exc:
        from mdschema.util.redact import redact

        _err(f"mdschema: import: {redact(str(exc))}")
        return EXIT_ERROR
    clash = conflicts(config, docs)
    if clash and not args.force:
        _out(f"mdschema: not importing: the project already has docs ({', '.join(clash.existing)})")
        _out("  pass --force to write the imported docs anyway (files of the same name are replaced)")
        return EXIT_DRIFT
    written = write_docs(config, docs)
    _out(
        f"mdschema: imported {docs.tables} tables from schema {', '.join(options.schemas)} into "
        f"{len(docs.files)} doc(s) ({len(written)} written):"
    )
    for path, _ in docs.files:
        _out(f"  {path}")
    for note in docs.notes:
        _out(f"  note: {note}")
    for hint in docs.hints:
        _out(f"  hint: {hint}")
    if not docs_covered(config, docs):
        _out(
            f'  hint: the docs are not matched by docs = {list(config.docs)}: set docs = ["{args.out}/*.md"]'
        )
    target = "" if args.database_url is None else " --database-url URL"
    _out(f"next: mdschema generate && mdschema baseline{target}   (then: mdschema check{target})")
    return EXIT_OK


def cmd_baseline(config: Config, args: argparse.Namespace) -> int:
    from mdschema.migrations.baseline import baseline

    schema, _ = _generate_quietly(config)
    result = baseline(config, schema, args.database_url, args.message)
    if result.differences:
        _out(
            f"mdschema: not baselining {result.target}: it differs from the docs in "
            f"{len(result.differences)} place(s) (database → docs):"
        )
        for d in result.differences:
            _out(f"  {d.where}: {d.what}")
        _out(
            "  nothing was written: make the docs say what the database is (or fix the database), then retry"
        )
        return EXIT_DRIFT
    assert result.path is not None
    _out(
        f"mdschema: {result.target} equals the docs ({result.tables} tables): wrote "
        f"{config.rel(result.path)}, proven on a shadow database"
    )
    _out(f"mdschema: stamped {result.target} at {result.revision} (no DDL ran); next: mdschema check")
    return EXIT_OK


# --- arguments ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    from mdschema import __version__

    parser = argparse.ArgumentParser(
        prog="mdschema",
        description="Markdown schema docs → SQLAlchemy models → Alembic migrations, with a drift check.",
    )
    parser.add_argument("--version", action="version", version=f"mdschema {__version__}")
    parser.add_argument(
        "-C",
        "--root",
        type=Path,
        default=None,
        help="project folder (default: nearest folder with [tool.mdschema] in pyproject.toml)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="less output: no progress lines, no diffs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    common = argparse.ArgumentParser(add_help=False)  # accepted after the command too
    common.add_argument("-C", "--root", type=Path, default=argparse.SUPPRESS, help="project folder")
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="less output: no progress, no diffs",
    )

    def add(
        name: str, func: Callable[[Config, argparse.Namespace], int], help: str, epilog: str | None = None
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=help,
            description=help,
            epilog=epilog,
            parents=[common],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(func=func)
        return p

    def db_url(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--database-url",
            default=None,
            help="PostgreSQL to use instead of the embedded server (default: $DATABASE_URL)",
        )

    p = add("init", cmd_init, "set up mdschema in this project (pyproject, an example doc, Alembic)")
    p.add_argument("--package", default=None, help="the models package to generate (default: generated)")
    p.add_argument("--docs", default=None, help='glob of the schema docs (default: "spec/*.md")')
    p.add_argument(
        "--adopt",
        action="store_true",
        help="replace an existing env.py that is not mdschema's (the original is kept beside it)",
    )

    p = add("generate", cmd_generate, "render the models package from the docs")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    p = add("watch", cmd_watch, "regenerate the models whenever a doc or pyproject.toml changes")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument(
        "--check", action="store_true", help="also say when the docs changed but no revision was made"
    )

    p = add(
        "check",
        cmd_check,
        "drift check: docs ↔ models ↔ migrations ↔ database",
        epilog="exit codes:\n  0  clean\n  1  drift found (each difference at its doc line)\n"
        "  2  an error in the docs, the configuration or the command",
    )
    p.add_argument("--offline", action="store_true", help="only docs ↔ models; no database, no SQLAlchemy")
    p.add_argument(
        "--format",
        choices=("text", "json", "github", "sarif"),
        default="text",
        help="text (default); json; github: workflow annotations at the doc line; sarif: code scanning",
    )
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--no-cache", action="store_true", help="ignore the manifest; always render and compare")
    db_url(p)

    p = add("lint", cmd_lint, "report what the docs leave undescribed: every table and column, at its line")
    p.add_argument(
        "--docs", action="store_true", help="tables and columns without a description (the default)"
    )
    p.add_argument(
        "--migrations",
        action="store_true",
        help="squawk over every revision's offline SQL, upgrade and downgrade (rule names, doc lines)",
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "github", "sarif"),
        default="text",
        help="text (default); json; github: workflow annotations at the doc line; sarif: code scanning",
    )
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    p = add("revision", cmd_revision, "write a new migration from the docs, proven on a shadow database")
    p.add_argument(
        "-m", "--message", required=True, help="what the revision does (its file name and docstring)"
    )
    p.add_argument("--allow-destructive", action="store_true", help="allow every destructive change")
    p.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="HAZARD",
        help="allow one kind of destructive change (drop_schema, drop_table, drop_column, drop_enum_label, "
        "drop_extension, narrow_type, set_not_null, add_not_null_column, rewrite_table, add_exclude, "
        "drop_sequence); "
        "repeatable",
    )

    p = add("upgrade", _apply("upgrade"), "apply migrations up to REV (default head)")
    p.add_argument(
        "revision", nargs="?", default="head", help="target revision (default: head; +1 for one step)"
    )
    p.add_argument("--sql", action="store_true", help="print the SQL instead of running it")
    p.add_argument("--no-preflight", action="store_true", help=NO_PREFLIGHT)
    db_url(p)
    p = add("downgrade", _apply("downgrade"), "revert migrations down to REV (e.g. -1, base)")
    p.add_argument("revision", help="target revision: -1 for one step back, base for none")
    p.add_argument("--sql", action="store_true", help="print the SQL instead of running it")
    p.add_argument("--no-preflight", action="store_true", help=NO_PREFLIGHT)
    db_url(p)
    p = add("current", cmd_current, "show the database's revision")
    db_url(p)
    add("history", cmd_history, "list the migrations")

    p = add("import", cmd_import, "write docs in the spec format from a live database")
    db_url(p)
    p.add_argument("--schema", action="append", metavar="NAME", help="schema to import (default public)")
    p.add_argument(
        "--out", default="spec", help="folder for the docs, relative to the project (default spec)"
    )
    p.add_argument(
        "--group-by",
        choices=("schema", "prefix", "fk-components"),
        default="schema",
        help="one doc per schema (default), per table-name prefix, or per connected part of the FK graph",
    )
    p.add_argument("--exclude", action="append", metavar="TABLE", help="leave a table out; repeatable")
    p.add_argument("--force", action="store_true", help="write even when the project already has docs")

    p = add("baseline", cmd_baseline, "record an existing database as the first revision and stamp it")
    db_url(p)
    p.add_argument("-m", "--message", default="baseline", help="the revision's message (default baseline)")

    p = add("db", cmd_db, "the embedded PostgreSQL server: start, stop, url, status")
    p.add_argument(
        "action",
        choices=("start", "stop", "url", "status"),
        help="start (and keep running), stop, url (print its URL), status",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.root:
            root = args.root.resolve()
        elif args.command == "init":  # init makes the project here, not in a parent that has one
            root = Path.cwd().resolve()
        else:
            root = find_root(Path.cwd())
        config = load_config(root)
        status: int = args.func(config, args)
        return status
    except SpecError as exc:
        _err(exc.format())
        errors = sum(1 for d in exc.diagnostics if d.severity == "error")
        if errors:
            _err(f"mdschema: {errors} error(s); nothing was written")
        else:  # --strict
            _err(f"mdschema: {len(exc.diagnostics)} warning(s) with --strict; nothing was written")
        return EXIT_ERROR
    except KeyboardInterrupt:
        _err("mdschema: interrupted")
        return 130
    except BrokenPipeError:  # `mdschema … | head`: the reader left; nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the one place that turns failures into messages
        return _failure(exc)


def _failure(exc: Exception) -> int:
    from mdschema.util.redact import redact

    known = type(exc).__name__ in ("DatabaseError", "MigrationError", "OperationalError", "WriteError")
    _err(f"mdschema: {'error' if known else 'internal error'}: {redact(str(exc))}")
    if os.environ.get("MDSCHEMA_DEBUG"):
        import traceback

        _err(redact("".join(traceback.format_exception(exc))))
    elif not known:
        _err("  (set MDSCHEMA_DEBUG=1 for details; please report this)")
    return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
