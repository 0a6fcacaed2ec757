"""How the reviewer's summary reads the statements of domains (migrations/summary.py asks).

An ALTER DOMAIN that checks existing values (ADD CONSTRAINT … CHECK, VALIDATE CONSTRAINT, SET NOT NULL)
takes SHARE on every table with a column of the domain while it scans them (PostgreSQL 15 and 18 alike:
tests/unit/test_summary_locks.py): one summary statement per such table. The other forms lock no table.
"""

from __future__ import annotations

from typing import Any, Final

# kind → (lock on the table, lock on a referenced table): rows of summary.LOCKS
LOCKS: Final[dict[str, tuple[str | None, str | None]]] = {
    "CREATE DOMAIN": (None, None),
    "ALTER DOMAIN": (None, None),  # defaults, DROP NOT NULL, DROP / RENAME CONSTRAINT, NOT VALID checks
    "ALTER DOMAIN ADD CHECK": ("SHARE", None),  # on each table using the domain: it scans them
    "ALTER DOMAIN SET NOT NULL": ("SHARE", None),
    "VALIDATE DOMAIN CONSTRAINT": ("SHARE", None),
    "DROP DOMAIN": (None, None),
    "COMMENT ON DOMAIN": (None, None),
}
# AlterDomainStmt.subtype → what it does, for the forms that lock no table
_SUBCOMMANDS: Final = {"T": "SET / DROP DEFAULT", "N": "DROP NOT NULL", "X": "DROP CONSTRAINT", "C": "ADD"}


def users(current: Any) -> dict[str, list[str]]:
    """Domain key → the tables with a column of it (or an array of it), in `current`."""
    out: dict[str, list[str]] = {}
    for t in current.tables:
        for col in t.columns:
            tables = out.setdefault(col.type.removesuffix("[]"), [])
            if t.name not in tables:
                tables.append(t.name)
    return out


def classify(stmt: Any, users: dict[str, list[str]], make: Any) -> list[Any] | None:
    """The summary's statements for a domain statement (`make`: summary.Statement), None for another."""
    from pglast import enums

    kind = type(stmt).__name__
    if kind == "CreateDomainStmt":
        name = _key(stmt.domainname)
        return [make("CREATE DOMAIN", None, name, name=name)]
    if kind == "DropStmt" and stmt.removeType == enums.ObjectType.OBJECT_DOMAIN:
        names = [_key(obj.names) for obj in stmt.objects or ()]
        return [make("DROP DOMAIN", None, n, name=n) for n in names]
    if kind == "CommentStmt" and stmt.objtype == enums.ObjectType.OBJECT_DOMAIN:
        name = _key(stmt.object.names)
        return [make("COMMENT ON DOMAIN", None, name, name=name)]
    if kind == "RenameStmt" and stmt.renameType == enums.ObjectType.OBJECT_DOMCONSTRAINT:
        name = _key(stmt.object.names if hasattr(stmt.object, "names") else stmt.object)
        what = f"{name} RENAME CONSTRAINT {stmt.subname} TO {stmt.newname}"
        return [make("ALTER DOMAIN", None, what, name=name)]
    if kind == "RenameStmt" and stmt.renameType == enums.ObjectType.OBJECT_DOMAIN:
        name = _key(stmt.object.names if hasattr(stmt.object, "names") else stmt.object)
        return [make("ALTER DOMAIN", None, f"{name} RENAME TO {stmt.newname}", name=name)]
    if kind != "AlterDomainStmt":
        return None
    name = _key(stmt.typeName)
    c = stmt.def_
    constraint = getattr(c, "conname", None) or stmt.name or ""
    if stmt.subtype == "C" and not getattr(c, "skip_validation", False):
        verb, what = "ALTER DOMAIN ADD CHECK", f"{name} {constraint}"
    elif stmt.subtype == "V":
        verb, what = "VALIDATE DOMAIN CONSTRAINT", f"{name} {constraint}"
    elif stmt.subtype == "O":
        verb, what = "ALTER DOMAIN SET NOT NULL", name
    else:
        sub = _SUBCOMMANDS.get(stmt.subtype, stmt.subtype)
        if stmt.subtype == "T":
            sub = "SET DEFAULT" if stmt.def_ is not None else "DROP DEFAULT"
        if stmt.subtype == "C":
            sub = f"ADD CONSTRAINT {constraint} NOT VALID"
        elif stmt.subtype == "X":
            sub = f"DROP CONSTRAINT {constraint}"
        return [make("ALTER DOMAIN", None, f"{name} {sub}", name=name)]
    tables = users.get(name, [])
    return [make(verb, t, what, name=name) for t in tables] or [make(verb, None, what, name=name)]


def _key(names: Any) -> str:
    parts = [str(getattr(n, "sval", n)) for n in names]
    return parts[-1] if len(parts) == 1 or parts[-2] == "public" else f"{parts[-2]}.{parts[-1]}"
