"""`[tool.mdschema.prefer]`: a table defined in two docs, one definition chosen; the other goes, and so do
the statements of its doc on that table (its indexes, constraints, comments and triggers were written
for it, not for the winner). Each definition set aside gets one note listing what went with it, and an
error that only the other definition would explain says so."""

from __future__ import annotations

from dataclasses import replace

from mdschema.errors import Collector, Span
from mdschema.spec.raw import Parsed, RawTable

SetAside = dict[str, tuple[RawTable, ...]]  # table → the definitions prefer did not choose


def without_set_aside(
    parsed: Parsed, chosen: dict[str, RawTable], aside: SetAside, diag: Collector
) -> Parsed:
    """`parsed` without the statements that belong to a definition set aside: those on its table in
    its own doc (where the chosen definition is in another doc)."""
    if not aside:
        return parsed
    losing = {
        (table, raw.doc.path): raw
        for table, raws in aside.items()
        for raw in raws
        if raw.doc.path != chosen[table].doc.path
    }
    dropped: dict[tuple[str, str], list[tuple[Span, str]]] = {key: [] for key in losing}

    def goes(table: str | None, span: Span, what: str) -> bool:
        key = (table or "", span.file)
        if key in dropped:
            dropped[key].append((span, what))
            return True
        return False

    indexes = tuple(
        i
        for i in parsed.indexes
        if not goes(i.table, i.span, f"CREATE INDEX {i.name}" if i.name else "CREATE INDEX")
    )
    alters = tuple(
        a
        for a in parsed.alters
        if not goes(
            a.table, a.constraint.span, f"ALTER TABLE … ADD {a.constraint.name or a.constraint.kind.upper()}"
        )
    )
    comments = tuple(
        c
        for c in parsed.comments
        if not goes(
            c.table,
            c.span,
            f"COMMENT ON COLUMN {c.table}.{c.column}" if c.column else f"COMMENT ON TABLE {c.table}",
        )
    )
    named = tuple(
        n
        for n in parsed.named
        if not (n.kind == "trigger" and goes(n.table, n.span, f"CREATE TRIGGER {n.name}"))
    )
    for (table, _), raw in sorted(losing.items(), key=lambda kv: kv[1].span):
        gone = sorted(dropped[(table, raw.doc.path)])
        message = (
            f"table {table}: this definition is set aside for the one at {chosen[table].span} "
            "([tool.mdschema.prefer])"
        )
        if gone:
            listed = ", ".join(f"{what} (line {span.line})" for span, what in gone)
            plural = "statement goes" if len(gone) == 1 else f"{len(gone)} statements go"
            message += f"; this doc's {plural} with it: {listed}"
        diag.note(raw.span, "N101", message)
    return replace(parsed, indexes=indexes, alters=alters, comments=comments, named=named)


def other_definition(aside: SetAside, table: str, column: str) -> str:
    """For an error about `table.column`: a note when only a definition set aside has that column."""
    for raw in aside.get(table, ()):
        if any(c.name == column for c in raw.columns):
            return (
                f"; {table}.{column} is in its other definition at {raw.span}, which "
                f"[tool.mdschema.prefer] sets aside"
            )
    return ""
