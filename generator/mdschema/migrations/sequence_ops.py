"""Sequences in a revision.

A sequence is created (every parameter spelled out) before the tables whose defaults call nextval, owned
(OWNED BY) once its column exists, altered in place (ALTER SEQUENCE … AS / INCREMENT / MINVALUE / MAXVALUE
/ START / CACHE / CYCLE: never RESTART, the current value is data), renamed (ALTER SEQUENCE … RENAME TO)
when a dropped and an added one are identical but for the name, and dropped after the tables and columns,
once no default uses it.

A serial column's sequence is a sequence like any other, with two exceptions that keep `id serial` and
an explicit sequence from being built twice: where a new table (or column) of the models is written as
SERIAL, its CREATE TABLE makes the sequence, so it is neither created nor owned here; and a sequence that
goes with the table or column owning it (DROP TABLE drops it) is neither dropped here nor a hazard of its
own (catalog/sequences.py leaves that drop out). `plan._table_sql`'s `CREATE SEQUENCE IF NOT EXISTS` finds
the sequence made here, with its parameters, and does nothing.

Dropping a sequence that no table takes with it loses its current value: the `drop_sequence` hazard,
refused until `--allow drop_sequence` as a table drop is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence as Seq
from dataclasses import dataclass
from typing import Any

from mdschema.catalog.sequences import SequenceAdded, SequenceChanged, SequenceDropped
from mdschema.catalog.snapshot import Sequence
from mdschema.util.sequence_sql import (
    PARAMETERS,
    alter_sequence_sql,
    create_sequence_sql,
    drop_sequence_sql,
    owned_by_sql,
    sequence_comment_sql,
)
from mdschema.util.sql_text import quote_ident as qi
from mdschema.util.sql_text import quote_key as qk
from mdschema.util.sql_text import split_key, text_source


@dataclass(frozen=True, slots=True)
class SequenceRenamed:
    """A dropped and an added sequence identical but for the name (parameters, owner, schema)."""

    before: Sequence
    after: Sequence
    subject: Any

    def describe(self) -> str:
        return f"sequence {self.before.name}: renamed to {split_key(self.after.name)[1]}"


def _values(seq: Sequence) -> dict[str, object]:
    return {field: getattr(seq, field) for field, _ in PARAMETERS}


def with_renames(changes: list[Any]) -> list[Any]:
    """`changes` with each dropped + added pair of sequences that differ only by name (in one schema)
    as one SequenceRenamed. Only a pair that matches one way is a rename: never a guess between two."""
    dropped = [c for c in changes if isinstance(c, SequenceDropped)]
    added = [c for c in changes if isinstance(c, SequenceAdded)]
    if not dropped or not added:
        return changes

    def same(a: Sequence, b: Sequence) -> bool:
        return (
            _values(a) == _values(b)
            and a.owned_by == b.owned_by
            and a.comment == b.comment
            and split_key(a.name)[0] == split_key(b.name)[0]
        )

    pairs: dict[int, Any] = {}
    for d in dropped:
        matches = [a for a in added if same(d.sequence, a.sequence)]
        if len(matches) == 1 and sum(same(x.sequence, matches[0].sequence) for x in dropped) == 1:
            pairs[id(d)] = matches[0]
    taken = {id(a) for a in pairs.values()}
    out = []
    for c in changes:
        if id(c) in pairs:
            a = pairs[id(c)]
            out.append(SequenceRenamed(c.sequence, a.sequence, c.subject))
        elif id(c) not in taken:
            out.append(c)
    return out


def rename_sequences(changes: Seq[SequenceRenamed], ctx: Any) -> list[Any]:
    return [
        _sql(f"ALTER SEQUENCE {qk(c.before.name)} RENAME TO {qi(split_key(c.after.name)[1])}")
        for c in changes
    ]


def release_sequences(changes: Seq[SequenceChanged], ctx: Any) -> list[Any]:
    """OWNED BY NONE for a sequence that changes owner, before any table or column is dropped (it would
    take the sequence with it)."""
    return [
        _sql(owned_by_sql(c.after.name, None))
        for c in changes
        if c.before.owned_by is not None and c.before.owned_by != c.after.owned_by
    ]


def create_sequences(changes: Seq[SequenceAdded | SequenceChanged], ctx: Any) -> list[Any]:
    """New sequences, before the tables (their defaults call nextval); changed parameters in place."""
    out = []
    for c in changes:
        if isinstance(c, SequenceAdded):
            if not made_by_table(c.sequence, ctx):
                out.append(create_sequence_sql(c.sequence.name, _values(c.sequence)))
        elif params := c.parameters:
            out.append(alter_sequence_sql(c.after.name, params))
    return [_sql(s) for s in out]


def own_sequences(changes: Seq[SequenceAdded | SequenceChanged], ctx: Any) -> list[Any]:
    """OWNED BY and comments, once the tables and columns exist."""
    out = []
    for c in changes:
        if isinstance(c, SequenceAdded):
            seq = c.sequence
            if seq.owned_by is not None and not made_by_table(seq, ctx):
                out.append(owned_by_sql(seq.name, seq.owned_by))
            if seq.comment is not None:
                out.append(sequence_comment_sql(seq.name, seq.comment))
        else:
            if c.after.owned_by is not None and c.after.owned_by != c.before.owned_by:
                out.append(owned_by_sql(c.after.name, c.after.owned_by))
            if c.before.comment != c.after.comment:
                out.append(sequence_comment_sql(c.after.name, c.after.comment))
    return [_sql(s) for s in out]


def drop_sequences(changes: Seq[SequenceDropped], ctx: Any) -> list[Any]:
    """Sequences that go, once no default uses them (after the tables, columns and defaults)."""
    return [_sql(drop_sequence_sql(c.sequence.name)) for c in changes]


_SERIAL = re.compile(r"\b(?:SMALL|BIG)?SERIAL\b", re.IGNORECASE)


def made_by_table(seq: Sequence, ctx: Any) -> bool:
    """Whether the models' CREATE TABLE (or ADD COLUMN) of the sequence's owner writes the column as
    SERIAL, which makes the sequence itself: only with the models (`ctx.metadata`), only for an owner
    the revision adds."""
    if seq.owned_by is None or ctx.metadata is None:
        return False
    table, column = seq.owned_by
    if table in ctx.current_tables and ctx.current_tables[table].column(column) is not None:
        return False  # the column exists already: nothing makes the sequence for it
    model = ctx.model_table(table)
    if model is None or column not in model.c:
        return False
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateColumn

    return bool(_SERIAL.search(str(CreateColumn(model.c[column]).compile(dialect=postgresql.dialect()))))


def _sql(statement: str) -> Any:
    from alembic.operations import ops

    return ops.ExecuteSQLOp(text_source(statement))
