"""The statements that build the docs' sequences, as ddl.py's SEQUENCES holds them."""

from __future__ import annotations

from mdschema.schema import Sequence
from mdschema.util.sequence_sql import PARAMETERS, create_sequence_sql, owned_by_sql, sequence_comment_sql


def sequence_statements(seq: Sequence) -> tuple[str, ...]:
    """CREATE SEQUENCE with every value spelled out, then OWNED BY (once its table exists) and the
    comment. The first is run before the tables (their defaults call nextval), the others after."""
    out = [create_sequence_sql(seq.name, {field: getattr(seq, field) for field, _ in PARAMETERS})]
    if seq.owned_by is not None:
        out.append(owned_by_sql(seq.name, seq.owned_by))
    if seq.description is not None:
        out.append(sequence_comment_sql(seq.name, seq.description))
    return tuple(out)
