"""The SQL of domains, shared by the generated package (from the docs) and the revisions (from the
catalog): every CHECK is written with its name, so the catalog they build has PostgreSQL's names."""

from __future__ import annotations

from collections.abc import Sequence

from mdschema.util.sql_text import always_quoted
from mdschema.util.sql_text import quote_ident as qi
from mdschema.util.sql_text import quote_key as qk
from mdschema.util.sql_text import quote_literal as ql


def create_domain_sql(
    key: str,
    base: str,
    collation: str | None,
    default: str | None,
    not_null: bool,
    checks: Sequence[tuple[str, str]],
) -> str:
    """CREATE DOMAIN; `checks`: (name, `CHECK (…)` as pg_get_constraintdef prints it or the doc wrote it)."""
    parts = [f"CREATE DOMAIN {qk(key)} AS {base}"]
    if collation is not None:
        parts.append(f"COLLATE {always_quoted(collation)}")
    if default is not None:
        parts.append(f"DEFAULT {default}")
    if not_null:
        parts.append("NOT NULL")
    parts += [f"CONSTRAINT {qi(name)} {check}" for name, check in checks]
    return " ".join(parts)


def domain_comment_sql(key: str, text: str | None) -> str:
    return f"COMMENT ON DOMAIN {qk(key)} IS {'NULL' if text is None else ql(text)}"


def drop_domain_sql(key: str) -> str:
    return f"DROP DOMAIN IF EXISTS {qk(key)}"
