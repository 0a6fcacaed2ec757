"""The SQL of row-level security statements, shared by the generated package and the revisions."""

from __future__ import annotations

from mdschema.util.sql_text import quote_ident as qi
from mdschema.util.sql_text import quote_key as qk
from mdschema.util.sql_text import quote_literal as ql


def row_security_sql(
    table: str, enabled: bool, forced: bool, before: tuple[bool, bool] = (False, False)
) -> str:
    """ALTER TABLE … {ENABLE | DISABLE} ROW LEVEL SECURITY, {FORCE | NO FORCE} ROW LEVEL SECURITY: the
    subcommands that change the table's flags from `before` (enabled, forced), a new table's by default."""
    parts = []
    if enabled != before[0]:
        parts.append(f"{'ENABLE' if enabled else 'DISABLE'} ROW LEVEL SECURITY")
    if forced != before[1]:
        parts.append(f"{'FORCE' if forced else 'NO FORCE'} ROW LEVEL SECURITY")
    return f"ALTER TABLE {qk(table)} {', '.join(parts)}"


def policy_comment_sql(name: str, table: str, text: str | None) -> str:
    return f"COMMENT ON POLICY {qi(name)} ON {qk(table)} IS {'NULL' if text is None else ql(text)}"
