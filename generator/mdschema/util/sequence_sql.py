"""The SQL of sequence statements, shared by the generated package and the revisions: every value spelled
out, so that what is built never depends on PostgreSQL's defaults for the direction or the type."""

from __future__ import annotations

from typing import Final

from mdschema.util.sql_text import quote_ident as qi
from mdschema.util.sql_text import quote_key as qk
from mdschema.util.sql_text import quote_literal as ql

# (field, keyword) in the order CREATE / ALTER SEQUENCE writes them
PARAMETERS: Final = (
    ("type", "AS"),
    ("increment", "INCREMENT BY"),
    ("min_value", "MINVALUE"),
    ("max_value", "MAXVALUE"),
    ("start", "START WITH"),
    ("cache", "CACHE"),
    ("cycle", "CYCLE"),
)


def parameter_sql(field: str, value: object) -> str:
    if field == "cycle":
        return "CYCLE" if value else "NO CYCLE"
    return f"{dict(PARAMETERS)[field]} {value}"


def create_sequence_sql(name: str, values: dict[str, object]) -> str:
    """CREATE SEQUENCE IF NOT EXISTS (a serial's table may have made it already: see migrations/plan.py
    `_table_sql`) with each of `values` (the fields of PARAMETERS)."""
    options = " ".join(parameter_sql(field, values[field]) for field, _ in PARAMETERS)
    return f"CREATE SEQUENCE IF NOT EXISTS {qk(name)} {options}"


def alter_sequence_sql(name: str, values: dict[str, object]) -> str:
    """ALTER SEQUENCE with the parameters in `values` only (never RESTART: last_value is data)."""
    options = " ".join(parameter_sql(field, values[field]) for field, _ in PARAMETERS if field in values)
    return f"ALTER SEQUENCE {qk(name)} {options}"


def owned_by_sql(name: str, owner: tuple[str, str] | None) -> str:
    target = "NONE" if owner is None else f"{qk(owner[0])}.{qi(owner[1])}"
    return f"ALTER SEQUENCE {qk(name)} OWNED BY {target}"


def sequence_comment_sql(name: str, text: str | None) -> str:
    return f"COMMENT ON SEQUENCE {qk(name)} IS {'NULL' if text is None else ql(text)}"


def drop_sequence_sql(name: str) -> str:
    return f"DROP SEQUENCE IF EXISTS {qk(name)}"
