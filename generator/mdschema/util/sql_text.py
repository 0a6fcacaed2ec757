"""The one place SQL text is quoted: identifiers as quote_ident() does, literals as quote_literal()."""

from __future__ import annotations

import re
from functools import cache

_SIMPLE_IDENT = re.compile(r"^[a-z_][a-z0-9_$]*$")


@cache
def _keywords() -> frozenset[str]:
    """Keywords quote_ident() quotes: every one but the unreserved (pglast carries PostgreSQL's list)."""
    from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

    return frozenset(RESERVED_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS | COL_NAME_KEYWORDS)


def quote_ident(name: str) -> str:
    """`name` as PostgreSQL's quote_ident() prints it: bare when it needs no quotes, else "double-quoted"."""
    if _SIMPLE_IDENT.match(name) and name not in _keywords():
        return name
    return always_quoted(name)


def always_quoted(name: str) -> str:
    """`name` in double quotes, inner quotes doubled (safe for any identifier, keyword or not)."""
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str | None, name: str) -> str:
    """`schema.name`, each part quoted as needed; just `name` when there is no schema."""
    return f"{quote_ident(schema)}.{quote_ident(name)}" if schema else quote_ident(name)


def quote_literal(value: str) -> str:
    """A standard-conforming SQL string literal: 'it''s'. (Backslashes are plain characters in one.)"""
    return "'" + value.replace("'", "''") + "'"


# SQLAlchemy's text() takes `:name` for a bind parameter (TextClause._bind_params_regex) and, when it is
# compiled, turns `\:` back into `:` (compiler.BIND_PARAMS_ESC). These are its two patterns, verbatim;
# tests/unit/test_sql_text.py checks them against SQLAlchemy's own.
_BIND = re.compile(r"(?<![:\w\x5c]):(\w+)(?![:\w])", re.UNICODE)
_BIND_ESC = re.compile(r"\x5c(:\w*)(?![:\w])", re.UNICODE)


def text_source(sql: str) -> str:
    """The argument of SQLAlchemy's `text()` (or anything that makes one of a string: CheckConstraint,
    Computed, alembic's op.execute) that compiles to exactly `sql`.

    A `:word` SQLAlchemy would take for a bind parameter (`'(:none)'`, `":x"`) gets a backslash, and so
    does a `\\:` it would unescape (`'\\:c'`): without, the first compiles to NULL and the second loses
    its backslash. `::jsonb` casts, `:=` and the rest are left as they are."""
    marks = {m.start() for m in _BIND.finditer(sql)} | {m.start(1) for m in _BIND_ESC.finditer(sql)}
    if not marks:
        return sql
    return "".join("\\" + ch if i in marks else ch for i, ch in enumerate(sql))


DEFAULT_SCHEMA = "public"


def object_key(schema: str | None, name: str) -> str:
    """How mdschema names an object everywhere (IR, catalog, diff): `name` in schema public,
    `schema.name` in any other. Names with a dot are refused at the docs' line, so this is unambiguous."""
    return name if not schema or schema == DEFAULT_SCHEMA else f"{schema}.{name}"


def split_key(key: str) -> tuple[str, str]:
    """(schema, name) of an object key: ("public", "users"), ("auth", "users")."""
    schema, dot, name = key.partition(".")
    return (schema, name) if dot else (DEFAULT_SCHEMA, key)


def quote_key(key: str) -> str:
    """An object key as SQL: `users`, `auth.users`, `"My Schema"."T"` (public left unqualified, as
    PostgreSQL prints names on its default search_path)."""
    schema, name = split_key(key)
    return quote_ident(name) if schema == DEFAULT_SCHEMA else qualified(schema, name)


_COLLATE = re.compile(r"^(.*?) COLLATE (\S+)$")


def split_collation(column_type: str) -> tuple[str, str | None]:
    """A catalog column type (`text COLLATE "C"`, see catalog.snapshot) as (type, collation as SQL or
    None): ("text", '"C"'), ("integer", None)."""
    m = _COLLATE.match(column_type)
    return (m.group(1), m.group(2)) if m else (column_type, None)
