"""The statements that build the docs' row-level security, as ddl.py's ROW_SECURITY and POLICIES hold them."""

from __future__ import annotations

from mdschema.schema import Policy, RowSecurity
from mdschema.util.rls_sql import policy_comment_sql, row_security_sql


def row_security_statement(rs: RowSecurity) -> str:
    return row_security_sql(rs.table, rs.enabled, rs.forced)


def policy_statements(policy: Policy) -> tuple[str, ...]:
    """CREATE POLICY as the docs write it, and its comment."""
    out = [policy.sql]
    if policy.description is not None:
        out.append(policy_comment_sql(policy.name, policy.table, policy.description))
    return tuple(out)
