"""The reviewer's summary at the top of each revision: what changes, and for every statement the lock it
takes, on which table, its hazards, and whether it is reversible without data loss.

The statements are the revision's own SQL, as Alembic's offline mode (`upgrade --sql`) prints it from the
rendered operations, so whatever form a plan takes (plain, CONCURRENTLY in an autocommit block, NOT VALID
then VALIDATE, …) is read as PostgreSQL would run it: parsed with pglast, each statement is reduced to an
operation kind, and `LOCKS` maps the kind to the lock PostgreSQL takes on the table (and, for a foreign
key, on the table it references) — PostgreSQL's documentation for each ALTER TABLE subcommand, CREATE
INDEX [CONCURRENTLY], DROP INDEX [CONCURRENTLY], COMMENT, CREATE TRIGGER, …; tests/unit/test_summary_locks.py
proves every row on a real server (pg_locks, read inside the statement's transaction).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final

from mdschema.catalog.diff import (
    Change,
    ColumnAdded,
    ColumnDropped,
    ConstraintAdded,
    ConstraintChanged,
    ConstraintDropped,
    ConstraintRenamed,
    EnumAdded,
    EnumDropped,
    EnumLabelsChanged,
    ExtensionAdded,
    ExtensionDropped,
    ExtensionVersionChanged,
    FunctionAdded,
    FunctionChanged,
    FunctionDropped,
    IndexAdded,
    IndexChanged,
    IndexDropped,
    IndexRenamed,
    Subject,
    TableAdded,
    TableCommentChanged,
    TableDropped,
    TriggerAdded,
    TriggerChanged,
    TriggerDropped,
)
from mdschema.catalog.domains import DomainAdded, DomainChanged, DomainDropped
from mdschema.catalog.policies import PolicyAdded, PolicyChanged, PolicyDropped, RowSecurityChanged
from mdschema.catalog.sequences import SequenceAdded, SequenceChanged, SequenceDropped
from mdschema.catalog.snapshot import Snapshot
from mdschema.catalog.views import ViewAdded, ViewChanged, ViewDropped
from mdschema.migrations import domain_summary
from mdschema.migrations.domain_summary import LOCKS as DOMAIN_LOCKS
from mdschema.migrations.policy_ops import PolicyRebuilt
from mdschema.migrations.sequence_ops import SequenceRenamed
from mdschema.migrations.view_ops import ViewRebuilt

if TYPE_CHECKING:
    from mdschema.migrations.plan import Plan
    from mdschema.migrations.preflight import Check

# PostgreSQL's table-level lock modes, weakest first (the conflict table in "Explicit Locking").
MODES: Final = (
    "ACCESS SHARE",
    "ROW SHARE",
    "ROW EXCLUSIVE",
    "SHARE UPDATE EXCLUSIVE",
    "SHARE",
    "SHARE ROW EXCLUSIVE",
    "EXCLUSIVE",
    "ACCESS EXCLUSIVE",
)

# operation kind → (lock on the table the statement names, lock on the table a foreign key references).
# None: no lock on a table at all (types, extensions, functions, session settings, new tables).
LOCKS: Final[dict[str, tuple[str | None, str | None]]] = {
    "CREATE TABLE": (None, None),
    "CREATE TABLE … REFERENCES": (None, "SHARE ROW EXCLUSIVE"),
    "DROP TABLE": ("ACCESS EXCLUSIVE", None),
    "ADD COLUMN": ("ACCESS EXCLUSIVE", None),
    "DROP COLUMN": ("ACCESS EXCLUSIVE", None),
    "ALTER COLUMN TYPE": ("ACCESS EXCLUSIVE", None),
    "SET DEFAULT": ("ACCESS EXCLUSIVE", None),
    "DROP DEFAULT": ("ACCESS EXCLUSIVE", None),
    "SET NOT NULL": ("ACCESS EXCLUSIVE", None),
    "DROP NOT NULL": ("ACCESS EXCLUSIVE", None),
    "ADD IDENTITY": ("ACCESS EXCLUSIVE", None),
    "SET GENERATED": ("ACCESS EXCLUSIVE", None),
    "DROP IDENTITY": ("ACCESS EXCLUSIVE", None),
    "SET EXPRESSION": ("ACCESS EXCLUSIVE", None),
    "DROP EXPRESSION": ("ACCESS EXCLUSIVE", None),
    "ADD CHECK": ("ACCESS EXCLUSIVE", None),
    "ADD CHECK NOT VALID": ("ACCESS EXCLUSIVE", None),  # brief: no scan
    "ADD UNIQUE": ("ACCESS EXCLUSIVE", None),
    "ADD PRIMARY KEY": ("ACCESS EXCLUSIVE", None),
    "ADD EXCLUDE": ("ACCESS EXCLUSIVE", None),  # for its whole index build: no lock-safe form (add_exclude)
    "ADD CONSTRAINT USING INDEX": ("ACCESS EXCLUSIVE", None),  # brief: the index is already built
    "ADD FOREIGN KEY": ("SHARE ROW EXCLUSIVE", "SHARE ROW EXCLUSIVE"),
    "ADD FOREIGN KEY NOT VALID": ("SHARE ROW EXCLUSIVE", "SHARE ROW EXCLUSIVE"),  # brief: no scan
    "VALIDATE CONSTRAINT": ("SHARE UPDATE EXCLUSIVE", None),
    "DROP CONSTRAINT": ("ACCESS EXCLUSIVE", None),
    "DROP FOREIGN KEY": ("ACCESS EXCLUSIVE", "SHARE ROW EXCLUSIVE"),
    "RENAME CONSTRAINT": ("ACCESS EXCLUSIVE", None),
    "RENAME INDEX": (None, None),  # SHARE UPDATE EXCLUSIVE on the index itself, none on its table
    "RENAME COLUMN": ("ACCESS EXCLUSIVE", None),
    "RENAME TABLE": ("ACCESS EXCLUSIVE", None),
    "ALTER TABLE": ("ACCESS EXCLUSIVE", None),  # any subcommand not listed above: the strongest
    "CREATE INDEX": ("SHARE", None),
    "CREATE INDEX CONCURRENTLY": ("SHARE UPDATE EXCLUSIVE", None),
    "DROP INDEX": ("ACCESS EXCLUSIVE", None),
    "DROP INDEX CONCURRENTLY": ("SHARE UPDATE EXCLUSIVE", None),
    # the lock-safe plan's DO block before a concurrent build: DROP INDEX of a leftover, only if INVALID
    "DROP INVALID INDEX": ("ACCESS EXCLUSIVE", None),
    "COMMENT ON TABLE": ("SHARE UPDATE EXCLUSIVE", None),
    "COMMENT ON COLUMN": ("SHARE UPDATE EXCLUSIVE", None),
    "CREATE TRIGGER": ("SHARE ROW EXCLUSIVE", None),
    "DROP TRIGGER": ("ACCESS EXCLUSIVE", None),
    "CREATE TYPE": (None, None),
    "ALTER TYPE": (None, None),
    "DROP TYPE": (None, None),
    "CREATE EXTENSION": (None, None),
    "ALTER EXTENSION": (None, None),
    "DROP EXTENSION": (None, None),
    "CREATE FUNCTION": (None, None),
    "DROP FUNCTION": (None, None),
    "SEQUENCE": (None, None),  # CREATE / ALTER / DROP / RENAME SEQUENCE: the sequence only
    "SEQUENCE OWNED BY": ("ACCESS SHARE", None),  # ALTER SEQUENCE … OWNED BY t.c: reads the table
    "CREATE POLICY": ("ACCESS EXCLUSIVE", None),
    "ALTER POLICY": ("ACCESS EXCLUSIVE", None),
    "DROP POLICY": ("ACCESS EXCLUSIVE", None),
    "ROW LEVEL SECURITY": ("ACCESS EXCLUSIVE", None),  # ENABLE / DISABLE / FORCE / NO FORCE
    **DOMAIN_LOCKS,
    "SET": (None, None),  # SET lock_timeout / statement_timeout
    "UPDATE": ("ROW EXCLUSIVE", None),
    "OTHER": (None, None),
}

# What a lock stops, for the reader: ACCESS EXCLUSIVE stops reads too; SHARE and the like stop writes.
BLOCKS: Final = {
    "ACCESS EXCLUSIVE": "blocks reads and writes",
    "EXCLUSIVE": "blocks writes",
    "SHARE ROW EXCLUSIVE": "blocks writes",
    "SHARE": "blocks writes",
    "SHARE UPDATE EXCLUSIVE": "reads and writes go on",
    "ROW EXCLUSIVE": "reads and writes go on",
}

# Hazards whose step cannot be undone without losing data (the downgrade cannot bring it back).
DATA_LOSS: Final = frozenset({"drop_table", "drop_column", "drop_extension", "narrow_type"})


@dataclass(frozen=True, slots=True)
class Statement:
    """One SQL statement of a revision, reduced to what the summary says about it."""

    kind: str  # a key of LOCKS
    table: str | None  # the table locked (an index's table for index statements)
    what: str  # the object the statement is about, e.g. "column sku", "index ix_item_name"
    ref_table: str | None = None  # the table a foreign key references
    column: str | None = None
    name: str | None = None  # the constraint, index, type or extension named

    @property
    def lock(self) -> str | None:
        return LOCKS[self.kind][0]

    @property
    def ref_lock(self) -> str | None:
        return LOCKS[self.kind][1]


def strongest(modes: Iterable[str | None]) -> str | None:
    present = [m for m in modes if m is not None]
    return max(present, key=MODES.index) if present else None


# --- the SQL of the operations ----------------------------------------------------------------------


def offline_sql(code: str, imports: Iterable[str] = ()) -> str:
    """The SQL Alembic's offline mode prints for `code`, the body of upgrade()/downgrade() as a revision
    holds it (unindented), with the revision's `imports`."""
    import sqlalchemy as sa
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.dialects import postgresql

    from alembic import op

    buffer = io.StringIO()
    ctx = MigrationContext.configure(
        dialect_name="postgresql",
        opts={"as_sql": True, "output_buffer": buffer, "literal_binds": True},
    )
    namespace: dict[str, Any] = {"op": op, "sa": sa, "postgresql": postgresql}
    for line in sorted(imports):
        exec(line, namespace)  # noqa: S102 - the revision's own import lines
    with Operations.context(ctx):
        exec(compile(code, "<revision>", "exec"), namespace)  # noqa: S102 - the revision's own body
    return buffer.getvalue()


def statements(sql: str, current: Snapshot) -> list[Statement]:
    """Each statement of `sql` (transaction control left out), as the summary reads it. `current`: the
    schema the statements run on, for the table that owns an index they name."""
    import pglast

    owner = {i.name: t.name for t in current.tables for i in t.indexes}
    domain_users = domain_summary.users(current)
    out: list[Statement] = []
    try:
        parsed = pglast.parse_sql(sql)
    except pglast.parser.ParseError:  # the summary never stops a revision: it says it could not read them
        return [Statement("OTHER", None, "(statements pglast cannot parse: see the SQL of upgrade --sql)")]
    for raw in parsed:
        stmt = raw.stmt
        if type(stmt).__name__ == "TransactionStmt":
            continue
        out += domain_summary.classify(stmt, domain_users, Statement) or _classify(stmt, owner)
        for s in out[-1:]:
            if s.kind == "CREATE INDEX" or s.kind == "CREATE INDEX CONCURRENTLY":
                if s.name and s.table:
                    owner[s.name] = s.table
                # the leftover drop just before a new index's build: the table is the build's
                if len(out) > 1 and out[-2].kind == "DROP INVALID INDEX" and out[-2].name == s.name:
                    out[-2] = replace(out[-2], table=s.table)
    return out


def _name(node: Any) -> str:
    return str(node.sval) if hasattr(node, "sval") else str(node)


def _classify(stmt: Any, owner: dict[str, str]) -> list[Statement]:
    from pglast import enums

    kind = type(stmt).__name__
    if kind == "AlterTableStmt":
        table = stmt.relation.relname
        if stmt.objtype == enums.ObjectType.OBJECT_INDEX:
            return [Statement("ALTER TABLE", owner.get(table, table), table, name=table)]
        return [_alter_table_cmd(table, cmd) for cmd in stmt.cmds or ()]
    if kind == "IndexStmt":
        concurrently = " CONCURRENTLY" if stmt.concurrent else ""
        what = (stmt.idxname or "") + (" (unique)" if stmt.unique else "")
        return [Statement("CREATE INDEX" + concurrently, stmt.relation.relname, what, name=stmt.idxname)]
    if kind == "CreateStmt":
        table = stmt.relation.relname
        refs = sorted(
            {
                c.pktable.relname
                for elt in stmt.tableElts or ()
                for c in (getattr(elt, "constraints", None) or (elt,))
                if type(c).__name__ == "Constraint" and c.contype == enums.ConstrType.CONSTR_FOREIGN
            }
            - {table}
        )
        if refs:
            return [Statement("CREATE TABLE … REFERENCES", None, table, ref_table=r) for r in refs]
        return [Statement("CREATE TABLE", None, table, name=table)]
    if kind == "DropStmt":
        return _drop(stmt, owner)
    if kind == "RenameStmt":
        return [_rename(stmt, owner)]
    if kind == "CommentStmt":
        parts = [_name(p) for p in (stmt.object or ())] if isinstance(stmt.object, tuple) else []
        if stmt.objtype == enums.ObjectType.OBJECT_COLUMN and len(parts) >= 2:
            return [Statement("COMMENT ON COLUMN", parts[-2], f"{parts[-2]}.{parts[-1]}", column=parts[-1])]
        if stmt.objtype == enums.ObjectType.OBJECT_TABLE and parts:
            return [Statement("COMMENT ON TABLE", parts[-1], parts[-1])]
        return [Statement("OTHER", None, "comment")]
    if kind == "CreateTrigStmt":
        return [Statement("CREATE TRIGGER", stmt.relation.relname, stmt.trigname, name=stmt.trigname)]
    if kind in ("CreateEnumStmt", "AlterEnumStmt"):
        name = _name(stmt.typeName[-1])
        verb = "CREATE TYPE" if kind == "CreateEnumStmt" else "ALTER TYPE"
        what = name + (f" ADD VALUE {stmt.newVal!r}" if kind == "AlterEnumStmt" and stmt.newVal else "")
        return [Statement(verb, None, what, name=name)]
    if kind == "CreateExtensionStmt":
        return [Statement("CREATE EXTENSION", None, stmt.extname, name=stmt.extname)]
    if kind == "AlterExtensionStmt":
        return [Statement("ALTER EXTENSION", None, stmt.extname, name=stmt.extname)]
    if kind == "CreateFunctionStmt":
        return [Statement("CREATE FUNCTION", None, _name(stmt.funcname[-1]))]
    if kind in ("CreateSeqStmt", "AlterSeqStmt"):
        name = stmt.sequence.relname
        owned = next((o.arg for o in stmt.options or () if o.defname == "owned_by"), None)
        if owned is not None and len(owned) > 1:
            table = _name(owned[-2])
            return [
                Statement(
                    "SEQUENCE OWNED BY", table, f"{name} OWNED BY {table}.{_name(owned[-1])}", name=name
                )
            ]
        return [Statement("SEQUENCE", None, name, name=name)]
    if kind in ("CreatePolicyStmt", "AlterPolicyStmt"):
        verb = "CREATE POLICY" if kind == "CreatePolicyStmt" else "ALTER POLICY"
        table = stmt.table.relname
        return [Statement(verb, table, stmt.policy_name, name=stmt.policy_name)]
    if kind == "VariableSetStmt":
        return [Statement("SET", None, stmt.name or "")]
    if kind == "UpdateStmt":
        return [Statement("UPDATE", stmt.relation.relname, stmt.relation.relname)]
    if kind == "DoStmt" and (leftover := _invalid_index_drop(stmt)) is not None:
        table = owner.get(leftover)  # else the build that follows says (statements)
        what = f"{leftover} only if a failed concurrent build left it INVALID (for an instant)"
        return [Statement("DROP INVALID INDEX", table, what, name=leftover)]
    return [Statement("OTHER", None, kind.removesuffix("Stmt"))]


_LEFTOVER_DROP = re.compile(r"NOT indisvalid\) THEN DROP INDEX ([^;\s]+);")


def _invalid_index_drop(stmt: Any) -> str | None:
    """The index a lock-safe plan's DO block drops when it is INVALID (migrations.safe), else None."""
    for arg in stmt.args or ():
        body = getattr(getattr(arg, "arg", None), "sval", None)
        if isinstance(body, str) and (m := _LEFTOVER_DROP.search(body)):
            return m.group(1).strip('"')
    return None


_AT: Final = {
    "AT_AddColumn": "ADD COLUMN",
    "AT_DropColumn": "DROP COLUMN",
    "AT_AlterColumnType": "ALTER COLUMN TYPE",
    "AT_SetNotNull": "SET NOT NULL",
    "AT_DropNotNull": "DROP NOT NULL",
    "AT_AddIdentity": "ADD IDENTITY",
    "AT_SetIdentity": "SET GENERATED",
    "AT_DropIdentity": "DROP IDENTITY",
    "AT_SetExpression": "SET EXPRESSION",
    "AT_DropExpression": "DROP EXPRESSION",
    "AT_ValidateConstraint": "VALIDATE CONSTRAINT",
    "AT_DropConstraint": "DROP CONSTRAINT",
}
_CONSTRAINT: Final = {
    "CONSTR_CHECK": "ADD CHECK",
    "CONSTR_UNIQUE": "ADD UNIQUE",
    "CONSTR_PRIMARY": "ADD PRIMARY KEY",
    "CONSTR_EXCLUSION": "ADD EXCLUDE",
    "CONSTR_FOREIGN": "ADD FOREIGN KEY",
}


def _alter_table_cmd(table: str, cmd: Any) -> Statement:
    sub = cmd.subtype.name
    if sub == "AT_AddColumn":
        col = cmd.def_.colname
        return Statement("ADD COLUMN", table, f"{table}.{col}", column=col)
    if sub == "AT_ColumnDefault":
        verb = "SET DEFAULT" if cmd.def_ is not None else "DROP DEFAULT"
        return Statement(verb, table, f"{table}.{cmd.name}", column=cmd.name)
    if sub == "AT_AddConstraint":
        con = cmd.def_
        kind = _CONSTRAINT.get(con.contype.name, "ALTER TABLE")
        if getattr(con, "indexname", None):
            kind = "ADD CONSTRAINT USING INDEX"
        elif con.skip_validation and kind in ("ADD CHECK", "ADD FOREIGN KEY"):
            kind += " NOT VALID"
        ref = con.pktable.relname if kind.startswith("ADD FOREIGN KEY") else None
        return Statement(kind, table, con.conname, ref_table=ref, name=con.conname)
    if sub in _AT:
        kind = _AT[sub]
        if kind in ("VALIDATE CONSTRAINT", "DROP CONSTRAINT"):
            return Statement(kind, table, cmd.name, name=cmd.name)
        return Statement(kind, table, f"{table}.{cmd.name}", column=cmd.name)
    if sub in _ROW_SECURITY:
        return Statement("ROW LEVEL SECURITY", table, f"{_ROW_SECURITY[sub]} on {table}")
    return Statement("ALTER TABLE", table, sub.removeprefix("AT_"))


_ROW_SECURITY: Final = {
    "AT_EnableRowSecurity": "ENABLE",
    "AT_DisableRowSecurity": "DISABLE",
    "AT_ForceRowSecurity": "FORCE",
    "AT_NoForceRowSecurity": "NO FORCE",
}


def _drop(stmt: Any, owner: dict[str, str]) -> list[Statement]:
    from pglast import enums

    names = [_name(obj[-1]) if isinstance(obj, tuple) else _name(obj) for obj in stmt.objects or ()]
    t = stmt.removeType
    if t == enums.ObjectType.OBJECT_INDEX:
        kind = "DROP INDEX CONCURRENTLY" if stmt.concurrent else "DROP INDEX"
        return [Statement(kind, owner.get(n), n, name=n) for n in names]
    if t == enums.ObjectType.OBJECT_TABLE:
        return [Statement("DROP TABLE", n, n, name=n) for n in names]
    if t == enums.ObjectType.OBJECT_TRIGGER:
        # objects: ((table, trigger),)
        out = []
        for obj in stmt.objects or ():
            parts = [_name(p) for p in obj]
            out.append(Statement("DROP TRIGGER", parts[-2], parts[-1], name=parts[-1]))
        return out
    if t == enums.ObjectType.OBJECT_TYPE:
        types = [_name(obj.names[-1]) for obj in stmt.objects or ()]
        return [Statement("DROP TYPE", None, n, name=n) for n in types]
    if t == enums.ObjectType.OBJECT_EXTENSION:
        return [Statement("DROP EXTENSION", None, n, name=n) for n in names]
    if t == enums.ObjectType.OBJECT_FUNCTION:
        return [Statement("DROP FUNCTION", None, "function") for _ in names or [""]]
    if t == enums.ObjectType.OBJECT_SEQUENCE:
        return [Statement("SEQUENCE", None, n, name=n) for n in names]
    if t == enums.ObjectType.OBJECT_POLICY:  # objects: ((table, policy),)
        out = []
        for obj in stmt.objects or ():
            parts = [_name(p) for p in obj]
            out.append(Statement("DROP POLICY", parts[-2], parts[-1], name=parts[-1]))
        return out
    return [Statement("OTHER", None, "DROP")]


def _rename(stmt: Any, owner: dict[str, str]) -> Statement:
    from pglast import enums

    rel = stmt.relation.relname if stmt.relation is not None else None
    t = stmt.renameType
    if t == enums.ObjectType.OBJECT_INDEX and rel is not None:
        return Statement("RENAME INDEX", owner.get(rel, None), f"{rel} → {stmt.newname}", name=rel)
    if t == enums.ObjectType.OBJECT_TABCONSTRAINT:
        return Statement("RENAME CONSTRAINT", rel, f"{stmt.subname} → {stmt.newname}", name=stmt.subname)
    if t == enums.ObjectType.OBJECT_COLUMN:
        return Statement("RENAME COLUMN", rel, f"{rel}.{stmt.subname} → {stmt.newname}", column=stmt.subname)
    if t == enums.ObjectType.OBJECT_TABLE:
        return Statement("RENAME TABLE", rel, f"{rel} → {stmt.newname}", name=rel)
    if t == enums.ObjectType.OBJECT_SEQUENCE and rel is not None:
        return Statement("SEQUENCE", None, f"{rel} → {stmt.newname}", name=rel)
    if t == enums.ObjectType.OBJECT_TYPE:
        return Statement(
            "ALTER TYPE",
            None,
            f"{_name(stmt.object[-1])} RENAME TO {stmt.newname}",
            name=_name(stmt.object[-1]),
        )
    return Statement("OTHER", None, "RENAME")


# --- the summary --------------------------------------------------------------------------------------

_COUNTED: Final[tuple[tuple[str, tuple[type, ...], tuple[type, ...], tuple[type, ...]], ...]] = (
    # noun, added, dropped, changed
    ("table", (TableAdded,), (TableDropped,), ()),
    ("column", (ColumnAdded,), (ColumnDropped,), ()),
    ("constraint", (ConstraintAdded,), (ConstraintDropped,), (ConstraintChanged, ConstraintRenamed)),
    ("index", (IndexAdded,), (IndexDropped,), (IndexChanged, IndexRenamed)),
    ("trigger", (TriggerAdded,), (TriggerDropped,), (TriggerChanged,)),
    ("function", (FunctionAdded,), (FunctionDropped,), (FunctionChanged,)),
    ("enum", (EnumAdded,), (EnumDropped,), ()),
    ("extension", (ExtensionAdded,), (ExtensionDropped,), (ExtensionVersionChanged,)),
    ("view", (ViewAdded,), (ViewDropped,), (ViewChanged, ViewRebuilt)),
    ("policy", (PolicyAdded,), (PolicyDropped,), (PolicyChanged, PolicyRebuilt)),
    ("row-level security", (), (), (RowSecurityChanged,)),
    ("sequence", (SequenceAdded,), (SequenceDropped,), (SequenceChanged, SequenceRenamed)),
    ("domain", (DomainAdded,), (DomainDropped,), (DomainChanged,)),
)
_PLURAL: Final = {"index": "indexes", "policy": "policies", "row-level security": "row-level security"}


def _noun(n: int, noun: str) -> str:
    return noun if n == 1 else _PLURAL.get(noun, noun + "s")


def counts(changes: Sequence[Change]) -> str:
    """``+3 columns, −1 index, ~2 columns, 1 enum label``: what was added (+), dropped (−), changed (~)."""
    parts: list[str] = []
    changed_columns = {
        (c.subject.table, c.subject.name)
        for c in changes
        if c.subject.kind == "column" and not isinstance(c, ColumnAdded | ColumnDropped)
    }
    for noun, added, dropped, changed in _COUNTED:
        for sign, kinds in (("+", added), ("−", dropped), ("~", changed)):
            n = sum(isinstance(c, kinds) for c in changes) if kinds else 0
            if n:
                parts.append(f"{sign}{n} {_noun(n, noun)}")
        if noun == "column" and changed_columns:
            parts.append(f"~{len(changed_columns)} {_noun(len(changed_columns), 'column')}")
    labels: Counter[str] = Counter()
    for c in changes:
        if isinstance(c, EnumLabelsChanged):
            labels["+"] += sum(label not in c.before for label in c.after)
            labels["−"] += sum(label not in c.after for label in c.before)
    for sign in ("+", "−"):
        if labels[sign]:
            parts.append(f"{sign}{labels[sign]} enum {_noun(labels[sign], 'label')}")
    comments = sum(isinstance(c, TableCommentChanged) for c in changes) + sum(
        type(c).__name__ == "ColumnCommentChanged" for c in changes
    )
    if comments:
        parts.append(f"~{comments} {_noun(comments, 'comment')}")
    return ", ".join(parts) or "no schema change"


def _concerns(s: Statement, subject: Subject) -> bool:
    """Whether statement `s` is the (or a) step of a change to `subject`."""
    if subject.kind == "table":
        return s.table == subject.name or (s.kind.startswith("CREATE TABLE") and s.what == subject.name)
    if subject.kind == "column":
        return s.table == subject.table and s.column == subject.name
    if subject.kind in ("constraint", "index", "trigger", "policy"):
        return s.table == subject.table and s.name == subject.name
    if subject.kind == "row security":
        return s.kind == "ROW LEVEL SECURITY" and s.table == subject.name
    if subject.kind == "enum":
        return s.name == subject.name and s.kind in ("CREATE TYPE", "ALTER TYPE", "DROP TYPE")
    if subject.kind == "extension":
        return s.name == subject.name and "EXTENSION" in s.kind
    if subject.kind == "sequence":
        return s.kind.startswith("SEQUENCE") and s.name == subject.name.rpartition(".")[2]
    if subject.kind == "domain":
        return s.name == subject.name and "DOMAIN" in s.kind
    return False


@dataclass(frozen=True, slots=True)
class Flag:
    """A hazard, or a check the pre-flight makes, as the summary lists it on a statement."""

    kind: str
    subject: Subject
    detail: str


def render(
    changes: Sequence[Change],
    upgrade: Sequence[Statement],
    downgrade: Sequence[Statement],
    before: Snapshot,
    after: Snapshot,
    flags: Sequence[Flag] = (),
    downgrade_flags: Sequence[Flag] = (),
) -> list[str]:
    """The lines under `Summary:` (unindented): the counts, then one line per upgrade statement, then
    the downgrade's, each ``N. LOCK on TABLE: what — hazards; reversible``."""
    lines = [
        counts(changes),
        "",
        "upgrade, statement by statement (the lock it takes; hazards; reversible?):",
    ]
    old, new = frozenset(t.name for t in before.tables), frozenset(t.name for t in after.tables)
    lines += _statement_lines(upgrade, flags, old, reversibility=True) or ["  (nothing)"]
    lines += ["", "downgrade:"]
    lines += _statement_lines(downgrade, downgrade_flags, new, reversibility=False) or ["  (nothing)"]
    return lines


def _statement_lines(
    stmts: Sequence[Statement], flags: Sequence[Flag], existing: frozenset[str], reversibility: bool
) -> list[str]:
    out = []
    # a flag goes on the first statement that concerns its subject; on the last one of them for a
    # flag that only the scan of existing rows can trip (VALIDATE after NOT VALID, SET NOT NULL …)
    placed: dict[int, list[Flag]] = {}
    for f in flags:
        hits = [i for i, s in enumerate(stmts) if _concerns(s, f.subject)]
        if hits:
            placed.setdefault(hits[-1], []).append(f)
    for i, s in enumerate(stmts, 1):
        parts = []
        if s.lock and s.table:
            parts.append(f"{s.lock} on {s.table}")
        if s.ref_lock and s.ref_table:
            parts.append(f"{s.ref_lock} on {s.ref_table}")
        old = [t for t in (s.table if s.lock else None, s.ref_table if s.ref_lock else None) if t in existing]
        if parts and not old:
            note = " (a new table: nobody waits)"
        else:
            mode = strongest(m for t, m in ((s.table, s.lock), (s.ref_table, s.ref_lock)) if t in existing)
            note = f" ({BLOCKS[mode]})" if mode in BLOCKS else ""
        line = f"  {i}. {s.kind} {s.what}: {' + '.join(parts) or 'no table lock'}{note}"
        mine = placed.get(i - 1, [])
        if mine:
            line += "; hazards: " + ", ".join(sorted({f.kind for f in mine}))
        if reversibility:
            lost = sorted({f.kind for f in mine if f.kind in DATA_LOSS})
            line += "; NOT reversible: data lost (" + ", ".join(lost) + ")" if lost else "; reversible"
        out.append(line)
    return out


def docstring_block(lines: Sequence[str]) -> str:
    """The `Summary:` section as it goes into the revision's docstring."""
    body = "\n".join(f"    {line}" if line else "" for line in lines)
    return f"Summary:\n{body}\n"


def summarize(
    result: Plan,
    current: Snapshot,
    target: Snapshot,
    upgrade_code: str,
    downgrade_code: str,
    imports: Iterable[str],
    upgrade_checks: Sequence[Check] = (),
    downgrade_checks: Sequence[Check] = (),
) -> list[str]:
    """The lines under `Summary:` for the plan `result` turning `current` into `target`, whose rendered
    upgrade() and downgrade() bodies are `upgrade_code` and `downgrade_code`."""
    from mdschema.migrations.plan import hazards_of

    def flags(hazards: Iterable[Any], checks: Sequence[Check]) -> list[Flag]:
        out = [Flag(h.kind, h.subject, h.detail) for h in hazards]
        out += [Flag(c.kind, c.about, c.detail) for c in checks if c.about is not None]
        return out

    return render(
        result.changes,
        statements(offline_sql(upgrade_code, imports), current),
        statements(offline_sql(downgrade_code, imports), target),
        current,
        target,
        flags(result.hazards, upgrade_checks),
        flags(hazards_of(result.back, target), downgrade_checks),
    )


def annotate(text: str, block: str, literal: str = "") -> str:
    """The revision file `text` with the `Summary:` `block` in its docstring (before ``Revision ID:``,
    or at its end) and, if given, the pre-flight `literal` just before ``def upgrade``."""
    import ast

    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    if literal:
        up = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "upgrade"), None)
        if up is not None:
            at = min([up.lineno, *(d.lineno for d in up.decorator_list)]) - 1
            lines[at:at] = [*literal.splitlines(keepends=True), "\n", "\n"]
    first = tree.body[0] if tree.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
        and first.end_lineno is not None
    ):
        start, end = first.lineno - 1, first.end_lineno - 1
        at = next((i for i in range(start + 1, end + 1) if lines[i].startswith("Revision ID:")), end)
        safe = block.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        lines[at:at] = [*safe.splitlines(keepends=True), "\n"]
    return "".join(lines)
