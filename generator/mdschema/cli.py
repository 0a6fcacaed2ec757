"""`mdschema`: the command line. Imports are lazy so the pre-commit path stays instant."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from mdschema.config import Config, find_root, load_config
from mdschema.errors import SpecError

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2


def _out(message: str) -> None:
    print(message, flush=True)


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_generate(config: Config, args: argparse.Namespace) -> int:
    import mdschema.codegen.emit as emit
    from mdschema.spec.load import load_schema, render_files, schema_warnings

    schema = load_schema(config, strict=args.strict)
    for w in schema_warnings:
        _err(w.format())
    files = render_files(config, schema)
    written, removed = emit.write(config, files)
    pkg = config.rel(config.package_dir)
    _out(
        f"mdschema: {len(schema.tables)} tables from {len(schema.docs)} docs → {pkg}/ "
        f"({len(written)} written, {len(removed)} removed, {len(files) - len(written)} unchanged)"
    )
    for path in written:
        _out(f"  wrote {path}")
    for path in removed:
        _out(f"  removed {path}")
    return EXIT_OK


def offline_check(config: Config, args: argparse.Namespace) -> int:
    """docs ↔ generated/: 0 current, 1 stale (naming the files), 2 input error."""
    import mdschema.codegen.emit as emit

    if not getattr(args, "no_cache", False) and emit.manifest_clean(config):
        return EXIT_OK
    from mdschema.spec.load import load_schema, render_files

    schema = load_schema(config, strict=getattr(args, "strict", False))
    differences = emit.compare(config, render_files(config, schema))
    if not differences:
        return EXIT_OK
    _out(f"mdschema: {len(differences)} generated file(s) differ from the docs; run `mdschema generate`:")
    for d in differences:
        _out(f"  {d.path}")
    if not getattr(args, "quiet", False):
        for d in differences:
            sys.stdout.write(d.diff)
    return EXIT_DRIFT


def cmd_check(config: Config, args: argparse.Namespace) -> int:
    if args.offline:
        status = offline_check(config, args)
        if status == EXIT_OK and args.format == "text" and not args.quiet:
            _out("mdschema: generated/ is current for the docs")
        return status
    from mdschema.check import full_check

    return full_check(config, args)


def _migrate(name: str) -> Callable[[Config, argparse.Namespace], int]:
    def run(config: Config, args: argparse.Namespace) -> int:
        import mdschema.migrations.revision as migrate

        result: int = getattr(migrate, name)(config, args)
        return result

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mdschema",
        description="Markdown schema docs → SQLAlchemy models → Alembic migrations, with a drift check.",
    )
    from mdschema import __version__

    parser.add_argument("--version", action="version", version=f"mdschema {__version__}")
    parser.add_argument(
        "-C",
        "--root",
        type=Path,
        default=None,
        help="project folder (default: nearest folder with [tool.mdschema] in pyproject.toml)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def add(
        name: str, func: Callable[[Config, argparse.Namespace], int], help: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    def db_url(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--database-url",
            default=None,
            help="PostgreSQL to use instead of the embedded server (default: $DATABASE_URL)",
        )

    p = add("generate", cmd_generate, "render generated/ from the docs")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    p = add("check", cmd_check, "drift check: docs ↔ generated/ ↔ migrations ↔ database")
    p.add_argument(
        "--offline", action="store_true", help="only docs ↔ generated/; no database, no SQLAlchemy"
    )
    p.add_argument("--format", choices=("text", "json", "github"), default="text")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--no-cache", action="store_true", help="ignore the manifest; always render and compare")
    p.add_argument("-q", "--quiet", action="store_true", help="no diff, only the names of stale files")
    db_url(p)

    p = add(
        "revision",
        _migrate("cmd_revision"),
        "write a new migration from the docs, proven on a shadow database",
    )
    p.add_argument("-m", "--message", required=True)
    p.add_argument("--allow-destructive", action="store_true", help="allow every destructive change")
    p.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="HAZARD",
        help="allow one kind of destructive change (drop_table, drop_column, drop_enum_label, "
        "narrow_type, set_not_null); repeatable",
    )

    p = add("upgrade", _migrate("cmd_upgrade"), "apply migrations up to REV (default head)")
    p.add_argument("revision", nargs="?", default="head")
    p.add_argument("--sql", action="store_true", help="print the SQL instead of running it")
    db_url(p)
    p = add("downgrade", _migrate("cmd_downgrade"), "revert migrations down to REV (e.g. -1, base)")
    p.add_argument("revision")
    p.add_argument("--sql", action="store_true", help="print the SQL instead of running it")
    db_url(p)
    p = add("current", _migrate("cmd_current"), "show the database's revision")
    db_url(p)
    add("history", _migrate("cmd_history"), "list the migrations")

    p = add("db", _migrate("cmd_db"), "the embedded PostgreSQL server: start, stop, url, status")
    p.add_argument("action", choices=("start", "stop", "url", "status"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        root = args.root.resolve() if args.root else find_root(Path.cwd())
        config = load_config(root)
        status: int = args.func(config, args)
        return status
    except SpecError as exc:
        _err(exc.format())
        errors = sum(1 for d in exc.diagnostics if d.severity == "error")
        _err(f"mdschema: {errors} error(s); nothing was written")
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

    known = type(exc).__name__ in ("DatabaseError", "MigrationError", "OperationalError")
    _err(f"mdschema: {'error' if known else 'internal error'}: {redact(str(exc))}")
    if os.environ.get("MDSCHEMA_DEBUG"):
        import traceback

        _err(redact("".join(traceback.format_exception(exc))))
    elif not known:
        _err("  (set MDSCHEMA_DEBUG=1 for details; please report this)")
    return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
