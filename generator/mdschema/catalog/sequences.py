"""Sequences in the catalog: compared and described.

A sequence is compared by what pg_sequence holds (type, start, increment, min, max, cache, cycle), the
column that owns it and its comment; never by its current value (last_value is data, like a table's
rows). A serial column's sequence is a sequence like any other here: `id serial` and an explicit
`CREATE SEQUENCE t_id_seq AS integer … OWNED BY t.id` with `DEFAULT nextval('t_id_seq')` are one catalog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from mdschema.catalog.snapshot import Sequence, Snapshot
from mdschema.util.sequence_sql import PARAMETERS

# Each change carries its `subject` (a catalog.diff.Subject, which diff passes in: this module is below it).


@dataclass(frozen=True, slots=True)
class SequenceAdded:
    sequence: Sequence
    subject: Any


@dataclass(frozen=True, slots=True)
class SequenceDropped:
    sequence: Sequence
    subject: Any


@dataclass(frozen=True, slots=True)
class SequenceChanged:
    """Its parameters, its owning column or its comment, before → after."""

    before: Sequence
    after: Sequence
    subject: Any

    @property
    def parameters(self) -> dict[str, object]:
        """The parameters that change, as the target has them (field → value). A new type states the
        bounds too: ALTER SEQUENCE … AS moves bounds that were the old type's own with it otherwise."""
        changed = {
            field: getattr(self.after, field)
            for field, _ in PARAMETERS
            if getattr(self.before, field) != getattr(self.after, field)
        }
        if "type" in changed:
            changed |= {"min_value": self.after.min_value, "max_value": self.after.max_value}
        return changed


SequenceChange = SequenceAdded | SequenceDropped | SequenceChanged
SEQUENCE_CHANGES = (SequenceAdded, SequenceDropped, SequenceChanged)


def diff_sequences(
    current: Snapshot, desired: Snapshot, subject: Callable[[str, str | None, str], Any]
) -> Iterator[SequenceChange]:
    """What turns `current`'s sequences into `desired`'s, by name. A sequence whose owning table or
    column goes away goes with it (DROP TABLE / DROP COLUMN drops it): that is the table's or the
    column's change, not one of its own."""
    was = {s.name: s for s in current.sequences}
    now = {s.name: s for s in desired.sequences}
    kept = {(t.name, c.name) for t in desired.tables for c in t.columns}
    for name, seq in sorted(was.items()):
        if name not in now:
            if seq.owned_by is not None and seq.owned_by not in kept:
                continue
            yield SequenceDropped(seq, subject("sequence", None, name))
        elif now[name] != seq:
            yield SequenceChanged(seq, now[name], subject("sequence", None, name))
    for name, seq in sorted(now.items()):
        if name not in was:
            yield SequenceAdded(seq, subject("sequence", None, name))


def what_changed(before: Sequence, after: Sequence) -> list[str]:
    """The parts of a sequence that differ, in words."""
    parts = []
    for field, keyword in PARAMETERS:
        old, new = getattr(before, field), getattr(after, field)
        if old != new:
            if field == "cycle":
                parts.append(f"{'CYCLE' if old else 'NO CYCLE'} → {'CYCLE' if new else 'NO CYCLE'}")
            else:
                parts.append(f"{keyword} {old} → {new}")
    if before.owned_by != after.owned_by:
        parts.append(f"OWNED BY {_owner(before)} → {_owner(after)}")
    if before.comment != after.comment:
        parts.append(f"comment {_text(before.comment)} → {_text(after.comment)}")
    return parts


def _owner(seq: Sequence) -> str:
    return "NONE" if seq.owned_by is None else ".".join(seq.owned_by)


def _text(value: str | None) -> str:
    return "none" if value is None else repr(value)


def describe_sequence(change: SequenceChange, drift: bool = False) -> str:
    if not isinstance(change, SEQUENCE_CHANGES):  # migrations.sequence_ops.SequenceRenamed
        return change.describe()  # type: ignore[attr-defined,no-any-return]
    match change:
        case SequenceAdded(sequence=s):
            where = f"sequence {s.name}"
            return f"{where} is in the docs but not in the database" if drift else f"{where}: added"
        case SequenceDropped(sequence=s):
            where = f"sequence {s.name}"
            return f"{where} is in the database but not in the docs" if drift else f"{where}: dropped"
        case SequenceChanged(before=before, after=after):
            line = f"sequence {before.name}: {'; '.join(what_changed(before, after))}"
            return f"{line} (database → docs)" if drift else line
    raise TypeError(change)  # pragma: no cover
