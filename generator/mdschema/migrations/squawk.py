"""squawk (the `squawk-cli` wheel's binary) over the SQL of a revision: Alembic's offline `--sql` output of
just that revision, upgrade and downgrade. mdschema's safe plans come out clean under squawk's default
rules but the ones in EXCLUDED, each left out for the reason given there, with one exception left
in on purpose: constraint-missing-not-valid on an EXCLUDE constraint added to a table that exists, which
has no lock-safe form (PostgreSQL takes no NOT VALID for it) and is the add_exclude hazard.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from mdschema.config import Config

_DOCS_TYPE: Final = "the column type is the doc's; the revision builds exactly what the doc says"

_DOCS_SAY: Final = "what the doc asks for: it holds no lock beyond an instant and loses no data"

# Rules squawk applies by default that judge something other than how the plan takes its locks, or that
# mdschema already decides at the doc line; each is left out for the reason beside it.
EXCLUDED: Final = {
    # the doc's column types, which a revision reproduces exactly (it cannot choose another type)
    "prefer-bigint-over-int": _DOCS_TYPE,
    "prefer-bigint-over-smallint": _DOCS_TYPE,
    "prefer-identity": _DOCS_TYPE,
    "prefer-text-field": _DOCS_TYPE,
    "prefer-timestamptz": _DOCS_TYPE,
    # what the doc removes or renames: refused until --allow when it loses data (drop_table, drop_column)
    "ban-drop-column": "mdschema refuses it until --allow drop_column, at the doc line",
    "ban-drop-table": "mdschema refuses it until --allow drop_table, at the doc line",
    "ban-drop-constraint": "the doc removes the constraint, or it is set_not_null's temporary CHECK; "
    "no data is lost",
    "ban-drop-not-null": _DOCS_SAY,
    "ban-drop-default": _DOCS_SAY,
    "ban-drop-generated-expression": _DOCS_SAY,
    "ban-drop-function": _DOCS_SAY,
    "ban-drop-type": _DOCS_SAY,
    "ban-alter-identity": _DOCS_SAY,
    "renaming-object": "a constraint, index, type or label renamed as the doc (`renamed from:`) or a "
    "rename of a constraint or index to the name the doc gives it",
    "ban-drop-extension": "mdschema refuses it until --allow drop_extension, at the doc line",
    "adding-field-with-default": "mdschema names an ADD COLUMN that rewrites (a volatile default, a stored "
    "generated column, an identity) itself: rewrite_table, refused until --allow",
    "renaming-column": "declared in the doc with `renamed from:`",
    "renaming-table": "declared in the doc with `renamed from:`",
    # cannot tell a rewrite from a binary-coercible change: mdschema's rewrite_table hazard can
    "changing-column-type": "mdschema names a rewriting type change itself (rewrite_table, refused until "
    "--allow); a widening one (varchar(200) → varchar(300)) takes no scan",
    # the doc's domains, which a revision reproduces exactly (CHECKs by name); a CHECK added to a domain in
    # use is a pre-flight check (add_check) and, in a lock-safe plan, NOT VALID then VALIDATE
    "ban-create-domain-with-constraint": "the doc's domain, built exactly as the doc writes it",
    "ban-alter-domain-with-add-constraint": "the doc adds the CHECK: its rows are counted before the "
    "upgrade (add_check), and a lock-safe plan adds it NOT VALID, then validates it",
    "ban-drop-domain": "the doc removes the domain; the columns of it were changed or dropped first",
    # asks for IF NOT EXISTS or a transaction around every statement: each revision runs in its own
    # transaction; the statements of the autocommit blocks are VALIDATE (idempotent), concurrent builds
    # (IF NOT EXISTS, an INVALID leftover dropped first) and DROP INDEX CONCURRENTLY IF EXISTS
    "prefer-robust-stmts": "each revision runs in a transaction; its autocommit steps are written to be "
    "run again",
}


class SquawkMissing(Exception):
    """No squawk binary next to this Python or on PATH."""


@dataclass(frozen=True, slots=True)
class SquawkFinding:
    rule: str
    message: str
    line: int  # in `sql`, 1-based (squawk reports 0-based)
    statement: str  # the SQL line squawk points at


def binary() -> str:
    beside = Path(sys.executable).parent / "squawk"
    found = str(beside) if beside.is_file() else shutil.which("squawk")
    if found is None:
        raise SquawkMissing("squawk is not installed (pip install squawk-cli)")
    return found


def lint_sql(
    sql: str, name: str, pg_version: int | None = None, cwd: Path | None = None
) -> list[SquawkFinding]:
    """squawk's findings on `sql` (reported as file `name`), its default rules less EXCLUDED; a
    project's own .squawk.toml in `cwd` applies too."""
    args = [binary(), "--reporter", "json", "--stdin-filepath", name, "--exclude", ",".join(sorted(EXCLUDED))]
    if pg_version is not None:
        args += ["--pg-version", f"{pg_version // 10000}.0"]
    done = subprocess.run(args, input=sql, capture_output=True, text=True, cwd=cwd, check=False)
    if done.returncode not in (0, 1) or not done.stdout.strip().startswith("["):
        raise RuntimeError(f"squawk failed: {(done.stderr or done.stdout).strip()[:500]}")
    lines = sql.splitlines()
    return [
        SquawkFinding(
            f["rule_name"],
            f["message"],
            f["line"] + 1,
            lines[f["line"]].strip() if 0 <= f["line"] < len(lines) else "",
        )
        for f in json.loads(done.stdout)
    ]


def revision_sql(config: Config, revision: str, down: str | None, direction: str = "upgrade") -> str:
    """Alembic's offline SQL of one revision: `upgrade down:revision --sql` (from base for the first),
    or `downgrade revision:down --sql`."""
    from mdschema.migrations.project import run_alembic

    start = down or "base"
    step = f"{start}:{revision}" if direction == "upgrade" else f"{revision}:{start}"
    return run_alembic(config, "", False, direction, step, sql=True)


_TABLE: Final = re.compile(
    r"(?:ALTER TABLE|ON|TABLE)\s+(?:ONLY\s+|IF EXISTS\s+|IF NOT EXISTS\s+)?(?:[\w$]+\.)?\"?([\w$]+)\"?",
    re.IGNORECASE,
)


def table_of(statement: str) -> str | None:
    """The table a statement is about, for the doc line of a finding."""
    m = _TABLE.search(statement)
    return m.group(1) if m else None


_NAMED: Final = re.compile(
    r"^(?:CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?|DROP INDEX (?:CONCURRENTLY )?"
    r"(?:IF EXISTS )?)\"?([\w$]+)|ADD CONSTRAINT \"?([\w$]+)",
    re.IGNORECASE,
)


def object_of(statement: str) -> tuple[str, str] | None:
    """("index" | "constraint", name) a statement creates, drops or adds, for a finer doc line."""
    m = _NAMED.search(statement)
    if m is None:
        return None
    return ("index", m.group(1)) if m.group(1) else ("constraint", m.group(2))


@dataclass(frozen=True, slots=True)
class RevisionLint:
    revision: str
    file: str  # relative to the project
    direction: str
    findings: tuple[SquawkFinding, ...]


def lint_revision(
    config: Config, revision: str, down: str | None, file: str, pg_version: int | None = None
) -> list[RevisionLint]:
    out = []
    for direction in ("upgrade", "downgrade"):
        sql = revision_sql(config, revision, down, direction)
        name = f"{file} ({direction})"
        out.append(
            RevisionLint(revision, file, direction, tuple(lint_sql(sql, name, pg_version, config.root)))
        )
    return out


def lint_revisions(config: Config, only: Sequence[str] = ()) -> list[RevisionLint]:
    """Every revision of the project (or those in `only`), oldest first."""
    from mdschema.migrations.project import script_directory

    scripts = list(reversed(list(script_directory(config).walk_revisions())))
    out: list[RevisionLint] = []
    for script in scripts:
        if only and script.revision not in only:
            continue
        down = script.down_revision if isinstance(script.down_revision, str) else None
        path = config.rel(Path(script.path))
        out += lint_revision(config, script.revision, down, path, config.target_server_version)
    return out
