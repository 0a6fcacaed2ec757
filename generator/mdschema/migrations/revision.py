"""`mdschema revision`: a new Alembic revision from the docs, proven on a shadow database before it is kept.

Regenerate the models, clone the migration head from its template, read the models' schema in a
rolled-back transaction, diff the two catalogs, plan the operations, write an ordinary Alembic revision,
and prove it on the shadow: upgrade → no difference left, downgrade → exactly the previous head, upgrade
again. Any failure: no file is kept, and the error names the step.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mdschema.catalog.describe import describe
from mdschema.catalog.diff import diff
from mdschema.catalog.snapshot import Snapshot
from mdschema.config import Config
from mdschema.database import connect
from mdschema.migrations.cache import (
    cached_desired_snapshot,
    cached_head_snapshot,
    store_desired_snapshot,
    store_head_snapshot,
)
from mdschema.migrations.models import excluded_tables, load_package
from mdschema.migrations.platform import missing_function_hint
from mdschema.migrations.preflight import checks_of, render_literal
from mdschema.migrations.project import (
    MigrationError,
    ShadowViolation,
    check_env,
    ensure_scaffold,
    migrations_dir,
    quiet_alembic,
    script_directory,
)
from mdschema.migrations.render import render_ops
from mdschema.migrations.shadow import (
    Background,
    Shadows,
    read_snapshot,
    require_extensions,
    shadow_server,
    shadows,
    start_head_clone,
    start_models_snapshot,
    upgrade_shadow,
)
from mdschema.migrations.summary import annotate, docstring_block, summarize


@dataclass(frozen=True, slots=True)
class RevisionOptions:
    message: str
    allow_destructive: bool = False
    allow: frozenset[str] = frozenset()  # hazard kinds allowed one by one


@dataclass(frozen=True, slots=True)
class BlockedHazard:
    where: str  # the doc line, e.g. "spec/story.md:88"
    kind: str  # the --allow name
    subject: str
    detail: str


@dataclass(frozen=True, slots=True)
class LintLine:
    """One squawk finding on a revision: where (the doc line of its table, else the SQL line)."""

    where: str
    rule: str
    message: str
    statement: str


def written_for(config: Config, server_version: int) -> int:
    """The server_version_num the plan's SQL is written for: the server it is proven on, or
    `target_version` when that is older (the SQL must run on both)."""
    target = config.target_server_version
    return server_version if target is None else min(server_version, target)


def safety_of(config: Config) -> Any:
    """The plan's lock-safe settings from [tool.mdschema]; None for `safe = false`."""
    from mdschema.migrations.safe import Safety

    return Safety(config.lock_timeout, config.statement_timeout) if config.safe else None


@dataclass(frozen=True, slots=True)
class RevisionResult:
    """What `revision` did: wrote `path` (proven), or nothing (no changes, or refused hazards)."""

    path: Path | None
    changes: tuple[str, ...] = ()  # one human line per change
    blocked: tuple[BlockedHazard, ...] = ()
    scaffold: tuple[str, ...] = field(default=())  # alembic files written because they were missing
    # the steps that can fail on rows already there, each counted by the pre-flight at upgrade/downgrade
    checked: tuple[BlockedHazard, ...] = ()
    lint: tuple[LintLine, ...] = ()  # squawk's findings on the new revision's SQL


def make_revision(
    config: Config, options: RevisionOptions, schema: Any, progress: Callable[[str], None] | None = None
) -> RevisionResult:
    """`schema`: the docs' Schema, already loaded and the generated package written from it.
    `progress` hears about the steps that can take seconds."""
    scaffold = tuple(ensure_scaffold(config))
    check_env(config)
    quiet_alembic()
    with shadow_server(config.root) as target:
        # a server that outlives the command finishes the drops after it (detached): nobody waits
        with shadows(target.url, progress, not target.stays_up, config.roles) as sh:
            require_extensions(sh.admin_url, schema.extensions)  # before anything is built there
            job = start_head_clone(config, sh)  # the server clones while the models are imported
            models = load_package(config.root, config.package)
            result = _revision_on(config, options, sh, job, models, schema)
    lint = lint_new_revision(config, result.path, schema) if result.path is not None else ()
    return RevisionResult(result.path, result.changes, result.blocked, scaffold, result.checked, lint)


def lint_new_revision(config: Config, path: Path, schema: Any) -> tuple[LintLine, ...]:
    """squawk over the new revision's offline SQL, both ways; () when squawk is not installed (the
    command says so)."""
    from mdschema.migrations.squawk import SquawkMissing, lint_revisions

    try:
        linted = lint_revisions(config, only=(_revision_id(path),))
    except SquawkMissing as exc:
        return (LintLine(config.rel(path), "squawk-missing", str(exc), ""),)
    return tuple(lint_lines(linted, schema))


def lint_lines(linted: Any, schema: Any) -> list[LintLine]:
    from mdschema.catalog.diff import Subject
    from mdschema.locate import NOT_IN_DOCS, where
    from mdschema.migrations.squawk import object_of, table_of

    out = []
    for one in linted:
        for f in one.findings:
            table, named = table_of(f.statement), object_of(f.statement)
            at = NOT_IN_DOCS
            if table and schema is not None:  # the index's or constraint's line, else its table's
                if named is not None:
                    at = where(schema, Subject(named[0], table, named[1]))  # type: ignore[arg-type]
                if at == NOT_IN_DOCS:
                    at = where(schema, Subject("table", None, table))
            if at == NOT_IN_DOCS:
                at = f"{one.file} ({one.direction} SQL line {f.line})"
            out.append(LintLine(at, f.rule, f.message, f.statement))
    return out


def _revision_id(path: Path) -> str:
    import ast

    from mdschema.migrations.project import _literals

    value = _literals(ast.parse(path.read_text(encoding="utf-8"))).get("revision")
    return str(value)


def _revision_on(
    config: Config,
    options: RevisionOptions,
    sh: Shadows,
    job: Background,
    models: Any,
    schema: Any,
) -> RevisionResult:
    from mdschema.locate import where
    from mdschema.migrations.domain_ops import DomainRefused
    from mdschema.migrations.plan import plan
    from mdschema.migrations.renames import applicable_renames, rename_sql

    exclude = excluded_tables(models)
    before = cached_head_snapshot(config, exclude)  # what `check` read from the head template
    cached = cached_desired_snapshot(config)
    building = None
    if cached is None:
        sh.progress(f"building the models' schema ({len(models.Base.metadata.tables)} tables) on a shadow")
        building = start_models_snapshot(sh, models, exclude)  # the server builds it while Alembic imports
    import alembic.operations.ops  # noqa: F401 - what plan() renders with, imported alongside
    import alembic.script  # noqa: F401

    if cached is not None:
        wanted = cached[0]
    else:
        assert building is not None
        wanted = building.result()
        store_desired_snapshot(config, wanted, exclude)
    head = job.result()
    if before is None:
        before = read_snapshot(sh.url(head), exclude)
        store_head_snapshot(config, exclude, before)
    renames = applicable_renames(tuple(getattr(models.ddl, "RENAMES", ())), before)
    renamed = before
    if renames:  # let PostgreSQL carry the renames through every definition, then diff
        scratch = sh.create("renamed", template=head)
        with connect(sh.url(scratch)) as conn:
            conn.execute(";\n".join(rename_sql(renames)).encode())  # type: ignore[arg-type]
        renamed = read_snapshot(sh.url(scratch), exclude)
    with connect(sh.admin_url) as conn:  # the plan is written in SQL the shadow's PostgreSQL runs
        server_version = written_for(config, conn.info.server_version)
    try:
        result = plan(renamed, wanted, models.Base.metadata, renames, server_version, safety_of(config))
    except DomainRefused as exc:  # refused at the domain's doc line: PostgreSQL cannot alter it
        raise MigrationError(f"{where(schema, exc.change.subject)}: {exc}\n  hint: {exc.hint}") from None
    if not result.summary:
        return RevisionResult(None)
    blocked = tuple(
        BlockedHazard(where(schema, h.subject), h.kind, str(h.subject), h.detail)
        for h in result.hazards
        if not options.allow_destructive and h.kind not in options.allow
    )
    if blocked:
        return RevisionResult(None, tuple(result.summary), blocked)
    imports: set[str] = set()
    up = render_ops(result.upgrade, imports)
    down = render_ops(result.downgrade, imports)
    notes = [f"DESTRUCTIVE ({h.kind}): {h.subject}: {h.detail}" for h in result.hazards]
    up_checks = checks_of(result.changes, renamed, wanted, lambda s: where(schema, s))
    down_checks = checks_of(result.back, wanted, renamed, lambda s: where(schema, s))
    lines = summarize(result, renamed, wanted, _dedent(up), _dedent(down), imports, up_checks, down_checks)
    annotations = (
        docstring_block(lines),
        render_literal(up_checks, down_checks) if up_checks or down_checks else "",
    )
    # Written and proven in a staging copy of the migrations folder; it appears in versions/ only
    # once proven (one rename): an interrupted or failed proof leaves nothing there.
    with staging(config) as staged:
        draft = write_revision(staged, options.message, up, down, imports, notes, annotations)
        sh.progress(f"proving {draft.name}: upgrade, downgrade, upgrade on a shadow database")
        _prove(staged, sh, head, before, wanted, exclude)
        path = migrations_dir(config) / "versions" / draft.name
        os.replace(draft, path)
    checked = tuple(
        BlockedHazard(c.where, c.kind, c.subject, f"{c.detail} (counted at {direction})")
        for direction, checks in (("upgrade", up_checks), ("downgrade", down_checks))
        for c in checks
    )
    return RevisionResult(path, tuple(result.summary), checked=checked)


STAGING = Path(".mdschema") / "staging"


@contextmanager
def staging(config: Config) -> Iterator[Config]:
    """A copy of the migrations folder under .mdschema/staging/, as a Config whose `migrations` is the
    copy; removed afterwards. Copies left by a process that died are removed first."""
    root = config.root / STAGING
    for leftover in root.glob("*-*") if root.is_dir() else ():
        pid = leftover.name.split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)
    folder = root / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        # byte-code caches too: valid for the copies (copy2 keeps the sources' times), they spare the
        # proof's Alembic runs compiling every revision again
        shutil.copytree(migrations_dir(config), folder, ignore=shutil.ignore_patterns(".*"))
    except OSError as exc:
        raise MigrationError(
            f"cannot stage the new revision in {config.rel(folder)}: {exc.strerror or exc}; "
            "mdschema needs to write there and in the migrations folder"
        ) from None
    try:
        yield replace(config, migrations=folder.relative_to(config.root).as_posix())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_revision(
    config: Config,
    message: str,
    upgrade: str,
    downgrade: str,
    imports: set[str],
    notes: list[str],
    annotations: tuple[str, str] = ("", ""),
) -> Path:
    """The revision file, as the project's script.py.mako writes it; then `annotations` (the `Summary:`
    block for its docstring, the pre-flight literal) put in, and the project's post-write hooks run
    again over the result."""
    script_dir = script_directory(config)
    heads = script_dir.get_heads()
    if len(heads) > 1:
        raise MigrationError(
            f"{config.migrations}/versions has several heads ({', '.join(heads)}); merge them first "
            "with `alembic merge heads`"
        )
    header = "".join(f"    # {line}\n" for line in notes)
    script = script_dir.generate_revision(
        uuid.uuid4().hex[:12],
        message,
        head="head" if heads else "base",
        upgrades=(header + "    " + upgrade.lstrip()) if notes else upgrade,
        downgrades=downgrade,
        imports="\n".join(sorted(imports)) + ("\n" if imports else ""),
    )
    assert script is not None  # Alembic ran the project's post_write_hooks (alembic.ini) on it
    path = Path(script.path)
    block, literal = annotations
    if block or literal:
        from alembic.script import write_hooks

        path.write_text(annotate(path.read_text(encoding="utf-8"), block, literal), encoding="utf-8")
        if script_dir.hooks:
            write_hooks._run_hooks(str(path), script_dir.hooks)
    return path


def _dedent(body: str) -> str:
    """A rendered upgrade()/downgrade() body (its first line unindented, the rest by four) unindented."""
    import textwrap

    return textwrap.dedent("    " + body)


def _prove(
    config: Config, sh: Shadows, head: str, before: Snapshot, wanted: Snapshot, exclude: frozenset[str]
) -> None:
    url = sh.url(head)

    def expect(step: str, expected: Snapshot, what: str) -> None:
        got = read_snapshot(url, exclude)
        left = diff(got, expected)
        if left:
            lines = "\n".join(f"    {describe(c)}" for c in left[:20])
            raise MigrationError(
                f"the new revision did not prove itself: after {step}, the schema differs "
                f"from {what}:\n{lines}\n  no revision was written"
            )

    for step, action, revision, expected, what in (
        ("upgrade", "upgrade", "head", wanted, "the models"),
        ("downgrade", "downgrade", "-1", before, "the previous head"),
        ("upgrade again", "upgrade", "head", wanted, "the models"),
    ):
        try:
            upgrade_shadow(config, sh, head, revision, action)
        except ShadowViolation:
            raise
        except MigrationError as exc:
            raise MigrationError(
                f"the new revision failed on the shadow database during {step}: {exc}"
                f"{missing_function_hint(str(exc))}\n  no revision was written"
            ) from None
        expect(step, expected, what)
