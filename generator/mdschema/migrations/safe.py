"""Lock-safe forms of the operations that would hold a table's writers for as long as a scan or an index
build runs, for tables that exist before the revision (a new table is empty and nobody uses it yet):

- CREATE INDEX / DROP INDEX → CONCURRENTLY, in Alembic's autocommit block (they cannot run in a
  transaction); an INVALID index a failed concurrent build left behind is dropped first, so the
  revision can be run again;
- a foreign key or CHECK → ADD … NOT VALID (a brief lock, no scan), then VALIDATE CONSTRAINT in a step
  of its own (SHARE UPDATE EXCLUSIVE: writers go on while it scans);
- SET NOT NULL → a CHECK (col IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL (which then skips its scan,
  PostgreSQL 12+), and the CHECK dropped;
- UNIQUE → a concurrent unique index, then ADD CONSTRAINT … UNIQUE USING INDEX (PostgreSQL keeps the
  index's name, which is the constraint's).

An EXCLUDE constraint has no lock-safe form: PostgreSQL takes neither `NOT VALID` nor `USING INDEX` for
one (and builds no exclusion index CONCURRENTLY), so ADD CONSTRAINT … EXCLUDE on a table in use builds
its index, and checks every row, under ACCESS EXCLUSIVE: a hazard (`add_exclude`), and squawk's
constraint-missing-not-valid finding on it stays.

Every revision written this way first sets `lock_timeout` and `statement_timeout` (session-wide, so the
autocommit steps have them too). What no lock-safe form exists for, a table rewrite, is a hazard
(`rewrite_table`). `safe = false` in [tool.mdschema] keeps the plain plans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from mdschema.util.sql_text import quote_ident as qi
from mdschema.util.sql_text import quote_literal as ql
from mdschema.util.sql_text import split_collation, text_source

if TYPE_CHECKING:
    from mdschema.catalog.diff import Change, Subject
    from mdschema.catalog.snapshot import Column, Constraint, Snapshot

DEFAULT_LOCK_TIMEOUT: Final = "5s"
# 0: no limit. The long statements of a safe plan (concurrent builds, VALIDATE) block no writer and must
# be let finish; a role's own statement_timeout (seconds, on many hosted servers) would cancel them.
DEFAULT_STATEMENT_TIMEOUT: Final = "0"
TIMEOUT: Final = re.compile(r"^\d+\s*(us|ms|s|min|h|d)?$")


@dataclass(frozen=True, slots=True)
class Safety:
    """How a safe plan sets its session: PostgreSQL durations ('5s', '500ms', '0' = no limit)."""

    lock_timeout: str = DEFAULT_LOCK_TIMEOUT
    statement_timeout: str = DEFAULT_STATEMENT_TIMEOUT


def _sql(text: str) -> Any:
    """op.execute() of exactly `text` (as plan._sql: a `:word` in it is escaped)."""
    from alembic.operations import ops

    return ops.ExecuteSQLOp(text_source(text))


def timeouts(safety: Safety) -> list[Any]:
    """The first operations of upgrade() and downgrade(): SET, not SET LOCAL, so that they last past
    the commits of the autocommit blocks."""
    return [
        _sql(f"SET lock_timeout = {ql(safety.lock_timeout)}"),
        _sql(f"SET statement_timeout = {ql(safety.statement_timeout)}"),
    ]


# --- the autocommit block -----------------------------------------------------------------------------

_BLOCK: list[type] = []


def autocommit(operations: Sequence[Any]) -> Any:
    """`with op.get_context().autocommit_block():` around `operations`: the transaction so far is
    committed, they run each in its own, then a new transaction begins."""
    return autocommit_block_op()(list(operations))


def is_autocommit(operation: Any) -> bool:
    return bool(_BLOCK) and isinstance(operation, _BLOCK[0])


def autocommit_block_op() -> type:
    if not _BLOCK:
        from alembic.autogenerate import render
        from alembic.operations import ops

        class AutocommitBlockOp(ops.MigrateOperation):  # type: ignore[misc]
            def __init__(self, operations: list[Any]) -> None:
                self.ops = operations

            def to_diff_tuple(self) -> tuple[Any, ...]:
                return ("autocommit_block", tuple(getattr(o, "sqltext", type(o).__name__) for o in self.ops))

        @render.renderers.dispatch_for(AutocommitBlockOp)
        def _render(autogen_context: Any, op: Any) -> list[str]:
            lines = ["with op.get_context().autocommit_block():"]
            for inner in op.ops:
                lines += render.render_op(autogen_context, inner)  # Alembic's printer indents them
            return [*lines, ""]  # the blank line ends the block for Alembic's printer

        _BLOCK.append(AutocommitBlockOp)
    return _BLOCK[0]


# --- indexes ------------------------------------------------------------------------------------------


def drop_invalid_index_sql(name: str) -> str:
    """Drops index `name` only if a failed concurrent build left it INVALID (pg_index.indisvalid). A DO
    block cannot DROP … CONCURRENTLY: the plain DROP takes the table's lock for an instant, bounded by
    lock_timeout."""
    return (
        "DO $$ BEGIN IF EXISTS (SELECT FROM pg_index WHERE indexrelid = to_regclass("
        f"{ql(qi(name))}) AND NOT indisvalid) THEN DROP INDEX {qi(name)}; END IF; END $$"
    )


_CREATE_INDEX: Final = re.compile(r"^CREATE (UNIQUE )?INDEX ")


def concurrent_index_sql(definition: str) -> str:
    """pg_get_indexdef's CREATE INDEX as CREATE INDEX CONCURRENTLY IF NOT EXISTS."""
    return _CREATE_INDEX.sub(
        lambda m: f"CREATE {m.group(1) or ''}INDEX CONCURRENTLY IF NOT EXISTS ", definition, 1
    )


def create_index(name: str, definition: str, model_op: Any | None) -> list[Any]:
    """A new index on a table in use: the model's op.create_index made concurrent, or the catalog's
    definition; a leftover INVALID index of a failed build dropped first."""
    if model_op is not None:
        model_op.kw["postgresql_concurrently"] = True
        model_op.if_not_exists = True
        build = model_op
    else:
        build = _sql(concurrent_index_sql(definition))
    return [autocommit([_sql(drop_invalid_index_sql(name)), build])]


def drop_index(name: str) -> list[Any]:
    return [autocommit([_sql(f"DROP INDEX CONCURRENTLY IF EXISTS {qi(name)}")])]


# --- constraints --------------------------------------------------------------------------------------


def validated(table: str, con: Constraint) -> list[Any]:
    """A foreign key or CHECK: ADD … NOT VALID in the transaction, VALIDATE in an autocommit step."""
    add = f"ALTER TABLE {qi(table)} ADD CONSTRAINT {qi(con.name)} {con.definition} NOT VALID"
    return [_sql(add), autocommit([_sql(f"ALTER TABLE {qi(table)} VALIDATE CONSTRAINT {qi(con.name)}")])]


_UNIQUE: Final = re.compile(
    r"^UNIQUE(?P<nulls> NULLS NOT DISTINCT)? (?P<cols>\(.*?\))(?P<include> INCLUDE \(.*?\))?"
    r"(?P<with> WITH \(.*?\))?(?P<defer>(?: NOT)? DEFERRABLE(?: INITIALLY (?:DEFERRED|IMMEDIATE))?)?$"
)


def unique(table: str, con: Constraint) -> list[Any] | None:
    """A UNIQUE constraint through a concurrent unique index of the same name; None when its definition
    is not one an index can carry (then the plain ADD CONSTRAINT)."""
    m = _UNIQUE.match(con.definition)
    if m is None:
        return None
    index = (
        f"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {qi(con.name)} ON {qi(table)} "
        f"USING btree {m['cols']}{m['include'] or ''}{m['nulls'] or ''}{m['with'] or ''}"
    )
    attach = f"ALTER TABLE {qi(table)} ADD CONSTRAINT {qi(con.name)} UNIQUE USING INDEX {qi(con.name)}"
    return [
        autocommit([_sql(drop_invalid_index_sql(con.name)), _sql(index)]),
        _sql(attach + (m["defer"] or "")),
    ]


def not_null_check_name(table: str, column: str, taken: Iterable[str]) -> str:
    """A name for the temporary CHECK of set_not_null, clear of the table's constraints (and of
    PostgreSQL 18's own `<table>_<column>_not_null`), within 63 bytes."""
    used = set(taken)
    stem = f"{table}_{column}"[:48]
    name, n = f"{stem}_not_null_check", 1
    while name in used:
        n += 1
        name = f"{stem}_not_null_check{n}"
    return name


def set_not_null(table: str, column: str, taken: Iterable[str]) -> list[Any]:
    check = qi(not_null_check_name(table, column, taken))
    alter = f"ALTER TABLE {qi(table)}"
    return [
        _sql(f"{alter} ADD CONSTRAINT {check} CHECK ({qi(column)} IS NOT NULL) NOT VALID"),
        autocommit([_sql(f"{alter} VALIDATE CONSTRAINT {check}")]),
        _sql(f"{alter} ALTER COLUMN {qi(column)} SET NOT NULL"),
        _sql(f"{alter} DROP CONSTRAINT {check}"),
    ]


_DROP_INDEX: Final = re.compile(r"^DROP INDEX (\S+)$")
_ADD_CONSTRAINT: Final = re.compile(r"^ALTER TABLE (\S+) ADD CONSTRAINT (\S+) ")
_INDEX_NAME: Final = re.compile(r"^CREATE (?:UNIQUE )?INDEX (\S+) ON ")


def enum_rebuild(steps: Sequence[str]) -> list[Any]:
    """An enum type rebuilt (plan._enum_steps) with the indexes and CHECKs that name it dropped
    concurrently before and made again after the swap, concurrently and NOT VALID + VALIDATE. (The
    columns' retyping itself rewrites their tables: the rewrite_table hazard.)"""
    drops = [m.group(1) for s in steps if (m := _DROP_INDEX.match(s))]
    out: list[Any] = (
        [autocommit([_sql(f"DROP INDEX CONCURRENTLY IF EXISTS {n}") for n in drops])] if drops else []
    )
    after: list[Any] = []
    for s in steps:
        if _DROP_INDEX.match(s):
            continue
        if (m := _ADD_CONSTRAINT.match(s)) is not None:
            after += [
                _sql(f"{s} NOT VALID"),
                autocommit([_sql(f"ALTER TABLE {m[1]} VALIDATE CONSTRAINT {m[2]}")]),
            ]
        elif (m := _INDEX_NAME.match(s)) is not None:
            name = m[1].strip('"').replace('""', '"')
            after.append(autocommit([_sql(drop_invalid_index_sql(name)), _sql(concurrent_index_sql(s))]))
        else:
            out.append(_sql(s))
    return out + after


# --- hazards: what no lock-safe form exists for -------------------------------------------------------

# PostgreSQL's volatile built-ins a column default uses (pg_proc.provolatile = 'v'); a test checks each
# against the server. A function the docs define is volatile unless its definition says otherwise.
VOLATILE_BUILTINS: Final = frozenset(
    {
        "clock_timestamp",
        "gen_random_uuid",
        "nextval",
        "random",
        "random_normal",
        "timeofday",
        "uuid_generate_v1",
        "uuid_generate_v1mc",
        "uuid_generate_v4",
        "uuidv4",
        "uuidv7",
    }
)


def function_names(expression: str) -> set[str]:
    """The functions an SQL expression calls (unqualified names), as pglast parses it."""
    import pglast
    from pglast import visitors

    try:
        tree = pglast.parse_sql(f"SELECT {expression}")
    except pglast.parser.ParseError:
        return set()
    names: set[str] = set()

    class Calls(visitors.Visitor):  # type: ignore[misc]
        def visit_FuncCall(self, ancestors: Any, node: Any) -> None:
            names.add(node.funcname[-1].sval)

    Calls()(tree)
    return names


def volatile(expression: str, target: Snapshot) -> bool:
    defined = {f.signature.split("(")[0].split(".")[-1]: f.definition for f in target.functions}
    for name in function_names(expression):
        if name in VOLATILE_BUILTINS:
            return True
        body = defined.get(name)
        # pg_get_functiondef prints IMMUTABLE or STABLE among the lines before the body, VOLATILE never
        if body is not None and not re.search(r"^ (IMMUTABLE|STABLE)\b", body.split("\nAS ", 1)[0], re.M):
            return True
    return False


_TYPMOD: Final = re.compile(r"^(.*?)\((\d+)(?:,(\d+))?\)(.*)$")


def rewrites(before: str, after: str) -> bool:
    """Whether ALTER COLUMN … TYPE rewrites the table: not for a binary-coercible change (varchar(n) → a
    longer varchar, varchar or text; text → varchar; numeric precision raised at the same scale; a
    typmod removed). A collation alone rewrites no row (the column's indexes are rebuilt: see
    rewrite_hazards)."""
    before, after = split_collation(before)[0], split_collation(after)[0]
    if before == after:
        return False
    if before.endswith("[]") or after.endswith("[]"):
        return True  # an array's elements are coerced one by one (ArrayCoerceExpr): always a rewrite
    texts = ("text", "character varying")
    if before in texts and after in texts:
        return False
    b, a = _TYPMOD.match(before), _TYPMOD.match(after)
    if b and b.group(1) == "character varying" and after in texts:
        return False
    if b and after == b.group(1) + b.group(4) and b.group(1) != "character":
        return False  # typmod removed: varchar(20) → varchar, numeric(10,2) → numeric
    if b and a and b.group(1) == a.group(1) and b.group(4) == a.group(4) and b.group(1) != "character":
        widened = int(a.group(2)) >= int(b.group(2))
        same_scale = (b.group(3) or "0") == (a.group(3) or "0")
        return not (widened and (same_scale or b.group(1) != "numeric"))
    return True


def rewrite_hazards(
    changes: Iterable[Change], current: Snapshot, target: Snapshot
) -> list[tuple[Subject, str]]:
    """Changes on tables that exist before the revision that rewrite the whole table under an ACCESS
    EXCLUSIVE lock: a type change that is not binary coercible, a new column whose existing rows get a
    value computed row by row (a volatile default, a stored generated column, an identity)."""
    from mdschema.catalog.diff import ColumnAdded, ColumnTypeChanged, EnumLabelsChanged
    from mdschema.catalog.domains import relabels

    existing = {t.name for t in current.tables}
    out: list[tuple[Subject, str]] = []
    for c in changes:
        if isinstance(c, EnumLabelsChanged) and not _only_added(c.before, c.after):
            users = sorted({t.name for t in current.tables for col in t.columns if _is_of(col.type, c.name)})
            if users:
                detail = (
                    f"rebuilds the type: PostgreSQL rewrites {', '.join(users)} under an ACCESS EXCLUSIVE "
                    "lock to retype their columns"
                )
                out.append((c.subject, detail))
        if (
            isinstance(c, ColumnTypeChanged)
            and c.table in existing
            and rewrites(c.before, c.after)
            and not relabels(c.before, c.after, current, target)  # a domain and its base type
        ):
            detail = (
                f"changes {c.before} → {c.after}: PostgreSQL rewrites table {c.table} under an ACCESS "
                "EXCLUSIVE lock (no reads or writes until it finishes)"
            )
            out.append((c.subject, detail))
        elif (
            isinstance(c, ColumnTypeChanged)
            and c.table in existing
            and split_collation(c.before)[1] != split_collation(c.after)[1]
        ):
            collations = (split_collation(c.before)[1] or "default", split_collation(c.after)[1] or "default")
            detail = (
                f"changes the collation {collations[0]} → {collations[1]}: PostgreSQL rebuilds the indexes "
                f"on the column under an ACCESS EXCLUSIVE lock on table {c.table} (no reads or writes "
                "until it finishes); sorting and comparisons of its values change"
            )
            out.append((c.subject, detail))
        elif (
            isinstance(c, ColumnAdded)
            and c.table in existing
            and (why := _fills_row_by_row(c.column, target))
        ):
            detail = (
                f"adds a column with {why}: PostgreSQL rewrites table {c.table} under an ACCESS EXCLUSIVE "
                "lock (add it without, then fill it in batches)"
            )
            out.append((c.subject, detail))
    return out


def exclude_hazards(changes: Iterable[Change], current: Snapshot) -> list[tuple[Subject, str]]:
    """EXCLUDE constraints added (or re-created, changed) on tables that exist before the revision: no
    lock-safe form exists (see the module docstring)."""
    from mdschema.catalog.diff import ConstraintAdded, ConstraintChanged

    existing = {t.name for t in current.tables}
    out: list[tuple[Subject, str]] = []
    for c in changes:
        if isinstance(c, ConstraintAdded | ConstraintChanged) and c.table in existing:
            con = c.constraint if isinstance(c, ConstraintAdded) else c.after
            if con.kind == "x":
                detail = (
                    f"builds the EXCLUDE constraint's index and checks every row under an ACCESS EXCLUSIVE "
                    f"lock on table {c.table} (no reads or writes until it finishes): PostgreSQL has no "
                    "NOT VALID or USING INDEX for EXCLUDE; add it when the table is quiet"
                )
                out.append((c.subject, detail))
    return out


def _only_added(before: Sequence[str], after: Sequence[str]) -> bool:
    it = iter(after)
    return all(label in it for label in before)


def _is_of(column_type: str, enum: str) -> bool:
    base = column_type.removesuffix("[]")
    return base == enum or base == qi(enum)


def _fills_row_by_row(col: Column, target: Snapshot) -> str | None:
    if col.generated == "s":
        return "a stored generated expression"
    if col.identity:
        return "an identity"
    if col.default is not None and not col.generated and volatile(col.default, target):
        return f"a volatile default ({col.default})"
    return None
