"""The statements that build the docs' domains, as ddl.py's DOMAINS holds them."""

from __future__ import annotations

from mdschema.schema import Domain
from mdschema.util.domain_sql import create_domain_sql, domain_comment_sql


def domain_statements(domain: Domain) -> tuple[str, ...]:
    """CREATE DOMAIN with every CHECK named (PostgreSQL's names for the unnamed ones), and its comment."""
    checks = [(c.name, f"CHECK ({c.expression})") for c in domain.checks]
    out = [
        create_domain_sql(
            domain.name, domain.base.sql, domain.collation, domain.default, domain.not_null, checks
        )
    ]
    if domain.description is not None:
        out.append(domain_comment_sql(domain.name, domain.description))
    return tuple(out)
