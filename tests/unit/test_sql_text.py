"""util.sql_text.text_source: text(text_source(s)) is exactly s, whatever colons and backslashes s holds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mdschema.util import sql_text
from mdschema.util.sql_text import text_source
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.sql import compiler, elements

NAMED = psycopg_dialect(paramstyle="named")  # no % doubling: only the colons are under test


def compiled(source: str) -> str:
    clause = text(source)
    assert not clause._bindparams, f"{source!r} has bind parameters {sorted(clause._bindparams)}"
    return str(clause.compile(dialect=NAMED, compile_kwargs={"literal_binds": True}))


def test_the_patterns_are_sqlalchemys() -> None:
    assert sql_text._BIND.pattern == elements.TextClause._bind_params_regex.pattern
    assert sql_text._BIND_ESC.pattern == compiler.BIND_PARAMS_ESC.pattern


@pytest.mark.parametrize(
    ("sql", "source"),
    [
        ("label <> '(:none)'", "label <> '(\\:none)'"),
        ("'a :b'", "'a \\:b'"),
        ("\":x\" <> ''", "\"\\:x\" <> ''"),
        ("'\\:c'", "'\\\\:c'"),
        ("'{\"count\":0}'::jsonb", "'{\"count\"\\:0}'::jsonb"),
        ("x::text", "x::text"),  # casts stay as written
        ("now()", "now()"),
        ("'10%' || '%(name)s'", "'10%' || '%(name)s'"),
    ],
)
def test_examples(sql: str, source: str) -> None:
    assert text_source(sql) == source
    assert compiled(source) == sql


# the characters that matter, and a few that do not
@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=":\\a1_ '%(\"é=", max_size=14))
def test_any_text_compiles_to_itself(sql: str) -> None:
    assert compiled(text_source(sql)) == sql
