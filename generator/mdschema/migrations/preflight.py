"""Data-aware hazards: the steps of a revision that can fail on rows already in the database, each with a
query that counts those rows, written into the revision and run by `mdschema upgrade` / `downgrade`
before anything else.

At `revision`, `checks_of` turns the plan's changes (both directions) into `Check`s: a new NOT NULL (or
SET NOT NULL), a new or changed CHECK, a new UNIQUE (constraint or unique index), a narrowing type change
(a shorter varchar, a smaller integer or numeric), an enum label removed (by the upgrade, or by the
downgrade of a label the upgrade adds), a new foreign key (rows whose key has no referenced row). Each
carries its doc line and two queries: how many rows would fail, and the keys of up to five of them. The
revision file holds them as a plain literal, `mdschema_preflight = {"upgrade": […], "downgrade": […]}`,
which the pre-flight reads without importing anything.

At `upgrade`, `run_preflight` runs the queries of every revision about to run, in one read-only
transaction, and returns the failing ones; the command refuses with their counts, doc lines and keys,
and nothing has run. A query on a table or column that only an earlier revision of the same run creates
cannot run yet: on a table the run creates it is left out (the table holds only what the run puts in
it); on a column an earlier revision adds it is reported as not checked.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias, get_args

from mdschema.catalog.diff import (
    Change,
    ColumnAdded,
    ColumnNullabilityChanged,
    ColumnTypeChanged,
    ConstraintAdded,
    ConstraintChanged,
    EnumLabelsChanged,
    IndexAdded,
    IndexChanged,
    Subject,
)
from mdschema.catalog.snapshot import Constraint, Snapshot, Table
from mdschema.util.sql_text import quote_ident as qi
from mdschema.util.sql_text import quote_literal as ql

# The kinds of pre-flight check. The first five are also gated hazards of the plan (`--allow`;
# add_exclude in lock-safe plans, where it is the lock its index build holds that is gated); the
# last three are listed at `revision` and checked at `upgrade`, not gated (README lists exactly these).
CheckKind: TypeAlias = Literal[
    "set_not_null",
    "add_not_null_column",
    "narrow_type",
    "drop_enum_label",
    "add_exclude",
    "add_check",
    "add_unique",
    "add_foreign_key",
]
CHECK_KINDS: Final[tuple[CheckKind, ...]] = get_args(CheckKind)
WARNING_KINDS: Final[tuple[CheckKind, ...]] = ("add_check", "add_unique", "add_foreign_key")
VARIABLE: Final = "mdschema_preflight"
SAMPLE: Final = 5


@dataclass(frozen=True, slots=True)
class Check:
    kind: CheckKind
    where: str  # the doc line, e.g. "spec/shop.md:12", or "(not in the docs)"
    subject: str  # "column item.colour"
    detail: str  # what the offending rows are, e.g. "rows where colour IS NULL"
    count: str  # SELECT count(*) …: how many rows (or duplicate groups) would fail the step
    sample: str  # SELECT <key> …: the keys of up to SAMPLE of them, as text
    about: Subject | None = field(default=None, compare=False)  # not written to the revision

    def fields(self) -> dict[str, str]:
        """What the revision file holds of it."""
        return {k: getattr(self, k) for k in ("kind", "where", "subject", "detail", "count", "sample")}


@dataclass(frozen=True, slots=True)
class Finding:
    """A check that found rows: the step it guards would fail on them."""

    revision: str
    direction: str  # upgrade | downgrade
    check: Check
    rows: int
    keys: tuple[str, ...]
    # counted before an earlier revision of the same run has run: one that changes those rows (a
    # hand-written backfill) makes this a false alarm, which --no-preflight lets through
    after_earlier: bool = False


@dataclass(frozen=True, slots=True)
class Skipped:
    """A check whose query cannot run before an earlier revision of the same run did (its table or
    column is not there yet)."""

    revision: str
    direction: str
    check: Check
    reason: str


# --- at `revision`: the checks -----------------------------------------------------------------------


def checks_of(
    changes: Iterable[Change], current: Snapshot, target: Snapshot, where: Callable[[Subject], str]
) -> list[Check]:
    """The checks for the changes turning `current` into `target`, each at `where(subject)`."""
    tables = {t.name: t for t in current.tables}
    target_tables = {t.name: t for t in target.tables}
    out: list[Check] = []
    for c in changes:
        match c:
            case ColumnNullabilityChanged(table=table, column=column, after=True) if table in tables:
                cond = f"{qi(column)} IS NULL"
                out.append(
                    _check("set_not_null", c.subject, where, tables[table], cond, f"rows where {cond}")
                )
            case ColumnAdded(table=table, column=col) if (
                col.not_null and col.default is None and not col.generated and not col.identity
            ):
                out.append(
                    _check(
                        "add_not_null_column",
                        c.subject,
                        where,
                        tables[table],
                        "TRUE",
                        f"rows in {table} (each needs a value for the new NOT NULL column {col.name})",
                    )
                )
            case ColumnTypeChanged(table=table, column=column, before=before, after=after):
                narrow = narrowing_condition(qi(column), before, after)
                if narrow is not None and table in tables:
                    out.append(
                        _check(
                            "narrow_type",
                            c.subject,
                            where,
                            tables[table],
                            narrow,
                            f"rows that do not fit {after}",
                        )
                    )
            case EnumLabelsChanged(name=name, before=before, after=after):
                removed = [label for label in before if label not in after]
                if removed:
                    out += _enum_checks(c.subject, name, removed, current, where)
            case ConstraintAdded() | ConstraintChanged() if c.table in tables:
                con = c.constraint if isinstance(c, ConstraintAdded) else c.after
                out += _constraint_checks(c.subject, tables[c.table], con, tables, target_tables, where)
            case IndexAdded() | IndexChanged() if c.table in tables:
                index = c.index if isinstance(c, IndexAdded) else c.after
                plain = [col for col in index.columns if re.fullmatch(r'[a-z_][a-z0-9_$]*|"[^"]+"', col)]
                if (
                    index.unique
                    and plain
                    and len(plain) == len(index.columns)
                    and " WHERE " not in index.definition
                ):
                    cols = [col.strip('"') for col in plain]
                    nulls_distinct = "NULLS NOT DISTINCT" not in index.definition
                    out.append(_unique_check(c.subject, where, tables[c.table], cols, nulls_distinct))
    from mdschema.migrations.domain_ops import checks as domain_checks  # a domain's columns, each

    return out + domain_checks(changes, current, where, _check)


def _keys(table: Table) -> str:
    """The primary key of `table`, as a SELECT list giving one text per row; ctid without one."""
    pk = next((con for con in table.constraints if con.kind == "p"), None)
    if pk is None or not pk.columns:
        return "ctid::text"
    if len(pk.columns) == 1:
        return f"{ql(pk.columns[0] + '=')} || {qi(pk.columns[0])}::text"
    pieces = " || ', ' || ".join(f"{qi(col)}::text" for col in pk.columns)
    return f"{ql('(' + ', '.join(pk.columns) + ')=(')} || {pieces} || ')'"


def _order(table: Table) -> str:
    pk = next((con for con in table.constraints if con.kind == "p"), None)
    return ", ".join(qi(col) for col in pk.columns) if pk is not None and pk.columns else "ctid"


def _check(
    kind: CheckKind,
    subject: Subject,
    where: Callable[[Subject], str],
    table: Table,
    cond: str,
    detail: str,
    alias: str = "",
) -> Check:
    t = qi(table.name) + alias
    return Check(
        kind,
        where(subject),
        str(subject),
        detail,
        f"SELECT count(*) FROM {t} WHERE {cond}",
        f"SELECT {_keys(table)} FROM {t} WHERE {cond} ORDER BY {_order(table)} LIMIT {SAMPLE}",
        subject,
    )


def _unique_check(
    subject: Subject,
    where: Callable[[Subject], str],
    table: Table,
    columns: Sequence[str],
    nulls_distinct: bool,
) -> Check:
    t = qi(table.name)
    cols = ", ".join(qi(col) for col in columns)
    not_null = " AND ".join(f"{qi(col)} IS NOT NULL" for col in columns) if nulls_distinct else "TRUE"
    groups = f"SELECT {cols} FROM {t} WHERE {not_null} GROUP BY {cols} HAVING count(*) > 1"
    return Check(
        "add_unique",
        where(subject),
        str(subject),
        f"groups of rows sharing ({', '.join(columns)})",
        f"SELECT count(*) FROM ({groups}) AS duplicates",
        f"SELECT {_keys(table)} FROM {t} WHERE ({cols}) IN ({groups}) "
        f"ORDER BY {_order(table)} LIMIT {SAMPLE}",
        subject,
    )


_CHECK_DEF: Final = re.compile(r"^CHECK \((?P<expr>.*)\)(?P<novalid> NOT VALID)?$", re.S)


def _constraint_checks(
    subject: Subject,
    table: Table,
    con: Constraint,
    tables: dict[str, Table],
    target_tables: dict[str, Table],
    where: Callable[[Subject], str],
) -> list[Check]:
    if con.kind == "c":
        m = _CHECK_DEF.match(con.definition)
        if m is None or m["novalid"]:
            return []
        cond = f"NOT ({m['expr']})"
        return [_check("add_check", subject, where, table, cond, f"rows where {cond}")]
    if con.kind in ("u", "p") and con.columns:
        nulls_distinct = "NULLS NOT DISTINCT" not in con.definition and con.kind == "u"
        out = [_unique_check(subject, where, table, con.columns, nulls_distinct)]
        return out
    if con.kind == "x":
        check = _exclude_check(subject, where, table, con)
        return [check] if check is not None else []
    if con.kind == "f" and con.columns and con.ref_table and not con.definition.endswith("NOT VALID"):
        present = " AND ".join(f"t.{qi(col)} IS NOT NULL" for col in con.columns)
        if con.ref_table in tables or con.ref_table not in target_tables:
            on = " AND ".join(
                f"r.{qi(rc)} = t.{qi(col)}" for col, rc in zip(con.columns, con.ref_columns, strict=False)
            )
            cond = f"{present} AND NOT EXISTS (SELECT 1 FROM {_qualified(con.ref_table)} AS r WHERE {on})"
        else:  # the referenced table is new in this revision: it has no rows yet
            cond = present
        detail = f"rows whose ({', '.join(con.columns)}) has no row in {con.ref_table}"
        return [_check("add_foreign_key", subject, where, table, cond, detail, alias=" AS t")]
    return []


def _exclude_check(
    subject: Subject, where: Callable[[Subject], str], table: Table, con: Constraint
) -> Check | None:
    """The pairs of rows a new EXCLUDE constraint would refuse: a self-join of the rows its WHERE keeps
    (each side in a subquery of its own, so that elements and WHERE read the table's columns unqualified),
    each element compared with its operator; `a.ctid < b.ctid` counts each pair once and a row never with
    itself. None for a definition this cannot read (then no check, as for a CHECK it cannot read)."""
    parsed = exclusion_parts(con.definition)
    if parsed is None:
        return None
    elements, predicate = parsed
    pk = next((c for c in table.constraints if c.kind == "p"), None)
    order = [qi(col) for col in pk.columns] if pk is not None and pk.columns else ["ctid"]
    select = [f"ctid AS mds_r, {_keys(table)} AS mds_k"]
    select += [f"{col} AS mds_o{i}" for i, col in enumerate(order, 1)]
    select += [f"{expr} AS mds_e{i}" for i, (expr, _) in enumerate(elements, 1)]
    side = f"SELECT {', '.join(select)} FROM {qi(table.name)}" + (f" WHERE {predicate}" if predicate else "")
    on = " AND ".join(
        ["a.mds_r < b.mds_r"] + [f"a.mds_e{i} {op} b.mds_e{i}" for i, (_, op) in enumerate(elements, 1)]
    )
    pairs = f"FROM ({side}) AS a JOIN ({side}) AS b ON {on}"
    keys = ", ".join(
        [f"a.mds_o{i}" for i in range(1, len(order) + 1)] + [f"b.mds_o{i}" for i in range(1, len(order) + 1)]
    )
    shown = ", ".join(f"{expr} WITH {op}" for expr, op in elements)
    detail = f"pairs of rows conflicting on ({shown})"
    if predicate:
        detail += f" among rows where {predicate}"
    return Check(
        "add_exclude",
        where(subject),
        str(subject),
        detail,
        f"SELECT count(*) {pairs}",
        f"SELECT a.mds_k || ' / ' || b.mds_k {pairs} ORDER BY {keys} LIMIT {SAMPLE}",
        subject,
    )


def exclusion_parts(definition: str) -> tuple[list[tuple[str, str]], str | None] | None:
    """pg_get_constraintdef's `EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE ((NOT c))` as
    ([(element as SQL, operator as SQL), …], the WHERE predicate or None); each element with its COLLATE
    (it decides what `=` means for text), without its operator class (the operator is what compares)."""
    import pglast
    from pglast.stream import RawStream

    try:
        tree = pglast.parse_sql(f"ALTER TABLE t ADD CONSTRAINT c {definition}")
        con = tree[0].stmt.cmds[0].def_  # type: ignore[union-attr]
    except (pglast.parser.ParseError, AttributeError, IndexError):
        return None
    elements: list[tuple[str, str]] = []
    for el, operator in con.exclusions or ():
        expr = qi(el.name) if el.name else f"({RawStream()(el.expr)})"
        if el.collation:
            expr += " COLLATE " + ".".join(qi(n.sval) for n in el.collation)
        names = [n.sval for n in operator]
        op = names[0] if len(names) == 1 else f"OPERATOR({'.'.join(names)})"
        elements.append((expr, op))
    predicate = f"({RawStream()(con.where_clause)})" if con.where_clause is not None else None
    return elements, predicate


def _qualified(name: str) -> str:
    return ".".join(qi(part) for part in name.split(".")) if "." in name else qi(name)


def _enum_checks(
    subject: Subject, name: str, removed: Sequence[str], current: Snapshot, where: Callable[[Subject], str]
) -> list[Check]:
    labels = ", ".join(ql(label) for label in removed)
    out = []
    for t in current.tables:
        for col in t.columns:
            base = col.type.removesuffix("[]")
            if base not in (name, qi(name)):
                continue
            if col.type.endswith("[]"):
                cond = f"{qi(col.name)}::text[] && ARRAY[{labels}]::text[]"
            else:
                cond = f"{qi(col.name)}::text IN ({labels})"
            out.append(
                _check(
                    "drop_enum_label",
                    subject,
                    where,
                    t,
                    cond,
                    f"rows of {t.name}.{col.name} using {', '.join(removed)}",
                )
            )
    return out


_INT_RANGE: Final = {"smallint": (-32768, 32767), "integer": (-2147483648, 2147483647)}
_LENGTH: Final = re.compile(r"^(character varying|character)\((\d+)\)$")
_NUMERIC: Final = re.compile(r"^numeric\((\d+)(?:,(\d+))?\)$")


def narrowing_condition(column: str, before: str, after: str) -> str | None:
    """The rows of `column` (quoted) that do not fit type `after`, as a WHERE condition; None when every
    value of `before` fits, or when no simple condition tells (the narrow_type gate still holds)."""
    from mdschema.migrations.plan import narrows

    if not narrows(before, after) or before.endswith("[]") or after.endswith("[]"):
        return None
    if m := _LENGTH.match(after):
        return f"char_length({column}::text) > {int(m.group(2))}"
    if after in _INT_RANGE:
        low, high = _INT_RANGE[after]
        if before in ("smallint", "integer", "bigint"):
            return f"{column} NOT BETWEEN {low} AND {high}"
        if before.startswith("numeric"):  # rounded to an integer first, as the cast does
            return f"round({column}) NOT BETWEEN {low} AND {high}"
        return None
    if m := _NUMERIC.match(after):
        precision, scale = int(m.group(1)), int(m.group(2) or 0)
        if before.startswith("numeric") or before in ("smallint", "integer", "bigint"):
            return f"abs(round({column}::numeric, {scale})) >= 1e{precision - scale}"
    return None


# --- the revision file's literal ----------------------------------------------------------------------


def render_literal(upgrade: Sequence[Check], downgrade: Sequence[Check]) -> str:
    """`mdschema_preflight = {…}` as the revision holds it (formatted as ruff/black would)."""

    def items(checks: Sequence[Check]) -> str:
        if not checks:
            return "[]"
        rows = []
        for c in checks:
            fields = "".join(f"            {_literal(k)}: {_literal(v)},\n" for k, v in c.fields().items())
            rows.append(f"        {{\n{fields}        }},\n")
        return "[\n" + "".join(rows) + "    ]"

    return (
        "# Rows already in the database that would make a step fail: `mdschema upgrade` / `downgrade`\n"
        "# count them with these queries before anything runs, and refuse (see --no-preflight).\n"
        f"{VARIABLE} = {{\n"
        f'    "upgrade": {items(upgrade)},\n'
        f'    "downgrade": {items(downgrade)},\n'
        "}\n"
    )


def _literal(value: str) -> str:
    """A Python string literal, double-quoted where that needs no escape (ruff's preference)."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return repr(value)


def read_checks(path: Path) -> dict[str, list[Check]]:
    """The `mdschema_preflight` literal of a revision file; {} when it has none (older revisions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign):
            target: ast.expr | None = node.target
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        else:
            continue
        if isinstance(target, ast.Name) and target.id == VARIABLE and node.value is not None:
            data = ast.literal_eval(node.value)
            return {
                direction: [Check(**c) for c in data.get(direction, [])]
                for direction in ("upgrade", "downgrade")
            }
    return {}


# --- at `upgrade`: running them ------------------------------------------------------------------------


def run_preflight(
    url: str, steps: Sequence[tuple[str, Path]], direction: str
) -> tuple[list[Finding], list[Skipped]]:
    """Run the checks of `steps` (revision id, file; in the order they would run) for `direction`, in one
    read-only transaction on `url`. Nothing is written."""
    import psycopg

    from mdschema.database import connect

    findings: list[Finding] = []
    skipped: list[Skipped] = []
    with connect(url) as conn:
        conn.autocommit = False
        conn.execute("SET TRANSACTION READ ONLY")
        try:
            for position, (revision, path) in enumerate(steps):
                for check in read_checks(path).get(direction, []):
                    try:
                        with conn.transaction():  # a savepoint: a failing query leaves the others running
                            rows = conn.execute(check.count.encode()).fetchone()  # type: ignore[arg-type]
                            n = int(rows[0]) if rows else 0
                            keys: tuple[str, ...] = ()
                            if n:
                                keys = tuple(
                                    str(k[0])
                                    for k in conn.execute(check.sample.encode()).fetchall()  # type: ignore[arg-type]
                                )
                    except (
                        psycopg.errors.UndefinedTable,
                        psycopg.errors.UndefinedColumn,
                        psycopg.errors.UndefinedObject,
                    ) as exc:
                        # a table an earlier revision of this run creates holds only what the run puts
                        # in it: nothing to say. Anything else (a column it adds) is reported unchecked.
                        if not isinstance(exc, psycopg.errors.UndefinedTable):
                            reason = exc.diag.message_primary or str(exc)
                            skipped.append(Skipped(revision, direction, check, reason))
                        continue
                    if n:
                        findings.append(Finding(revision, direction, check, n, keys, position > 0))
        finally:
            conn.rollback()
    return findings, skipped


def describe_finding(f: Finding) -> str:
    nouns = {"add_unique": "duplicate group(s)", "add_exclude": "conflicting pair(s)"}
    noun = nouns.get(f.check.kind, "row(s)")
    keys = f"; keys: {', '.join(f.keys)}" + (
        ", …" if f.rows > len(f.keys) and f.check.kind != "add_unique" else ""
    )
    return (
        f"{f.check.where}: {f.check.subject}: {f.rows} {noun} ({f.check.detail}) would fail the "
        f"{f.direction} in revision {f.revision} [{f.check.kind}]{keys if f.keys else ''}"
    )


class PreflightRefused(Exception):
    """`upgrade`/`downgrade` refused before running anything: rows already there would fail steps."""

    def __init__(self, action: str, findings: Sequence[Finding], skipped: Sequence[Skipped]) -> None:
        super().__init__(f"{action}: {len(findings)} step(s) would fail on existing rows")
        self.action = action
        self.findings = tuple(findings)
        self.skipped = tuple(skipped)


def steps_to_run(config: Any, action: str, revision: str, current: tuple[str, ...]) -> list[tuple[str, Path]]:
    """The revisions `alembic <action> <revision>` would run from `current`, in order, with their files."""
    from mdschema.migrations.project import script_directory

    script = script_directory(config)
    if action == "upgrade":
        steps = script._upgrade_revs(revision, current or None)
    else:
        steps = script._downgrade_revs(revision, current or None)
    return [(step.revision.revision, Path(step.revision.path)) for step in steps]


def preflight(config: Any, url: str, action: str, revision: str) -> list[Skipped]:
    """Count, on `url`, the rows that would fail each step of `action` to `revision`; raise
    PreflightRefused when some would. Returns the checks that could not run yet."""
    from mdschema.database import connect
    from mdschema.migrations.project import current_revisions

    with connect(url) as conn:
        current = current_revisions(conn)
    try:
        steps = steps_to_run(config, action, revision, current)
    except Exception:  # noqa: BLE001 - a target Alembic cannot resolve: its own run reports it, with the file
        return []
    findings, skipped = run_preflight(url, steps, action)
    if findings:
        raise PreflightRefused(action, findings, skipped)
    return skipped
