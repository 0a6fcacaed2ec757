# ruff: noqa: E501
"""Domains in the docs: read at the doc line into Domain records (PostgreSQL's names for unnamed CHECKs,
counted across the schema's constraints), columns typed by them, the mistakes PostgreSQL would refuse
reported at their line, and what the generated package and the revisions say about them."""

from __future__ import annotations

from pathlib import Path

import pytest
from mdschema.catalog.snapshot import Column, Domain, Snapshot, Table
from mdschema.codegen.domain_sql import domain_statements
from mdschema.codegen.py_types import python_type
from mdschema.migrations.domain_ops import _check_steps, _on
from mdschema.migrations.summary import LOCKS, statements
from support.models import codes, errors_of, schema_of, sql_doc

DOMAINS = """
CREATE SCHEMA app;
CREATE DOMAIN email AS text COLLATE "C" CHECK (VALUE ~ '@') CHECK (length(VALUE) < 200);
CREATE DOMAIN price numeric(10,2) NOT NULL DEFAULT 0 CONSTRAINT price_positive CHECK (VALUE >= 0);
CREATE DOMAIN app.code AS varchar(8) CHECK (VALUE = upper(VALUE));
ALTER DOMAIN email ADD CHECK (VALUE <> '');
ALTER DOMAIN email ADD CONSTRAINT email_trimmed CHECK (VALUE = btrim(VALUE));
COMMENT ON DOMAIN email IS 'An address.';
CREATE DOMAIN customer_total AS numeric CHECK (VALUE < 1000000);
CREATE TABLE customer (
    id bigint PRIMARY KEY,
    mail email NOT NULL,
    others email[],
    total customer_total CHECK (total >= 0),
    ref app.code
);
"""


def test_domains_become_records_with_postgresqls_names(tmp_path: Path) -> None:
    schema = schema_of(tmp_path, {"doc.md": sql_doc(DOMAINS)})
    by_name = {d.name: d for d in schema.domains}
    assert sorted(by_name) == ["app.code", "customer_total", "email", "price"]
    email = by_name["email"]
    assert (email.base.sql, email.collation, email.not_null, email.default) == ("text", "C", False, None)
    assert [(c.name, c.expression, c.named) for c in email.checks] == [
        ("email_check", "value ~ '@'", False),
        ("email_check1", "length(value) < 200", False),
        ("email_check2", "value <> ''", False),  # ALTER DOMAIN … ADD CHECK, after the CREATE's
        ("email_trimmed", "value = btrim(value)", True),
    ]
    assert email.description == "An address." and email.span.line == 3
    price = by_name["price"]
    assert (price.base.sql, price.not_null, price.default) == ("numeric(10,2)", True, "0")
    assert [c.name for c in price.checks] == ["price_positive"]
    assert (by_name["app.code"].schema, by_name["app.code"].base.sql) == ("app", "character varying(8)")
    table = schema.table("customer")
    assert table is not None
    types = {c.name: c.type for c in table.columns}
    assert (types["mail"].sql, types["mail"].domain, types["mail"].base) == ("email", "email", "text")
    assert (types["others"].sql, types["others"].array) == ("email[]", True)
    assert (types["ref"].sql, types["ref"].args) == ("app.code", (8,))
    # the domain's customer_total_check is made first: the table's column CHECK becomes _check1
    assert [c.name for c in table.checks] == ["customer_total_check1"]


def test_the_generated_package_builds_each_domain_with_its_names(tmp_path: Path) -> None:
    schema = schema_of(tmp_path, {"doc.md": sql_doc(DOMAINS)})
    email = next(d for d in schema.domains if d.name == "email")
    assert domain_statements(email) == (
        "CREATE DOMAIN email AS text COLLATE \"C\" CONSTRAINT email_check CHECK (value ~ '@') "
        "CONSTRAINT email_check1 CHECK (length(value) < 200) CONSTRAINT email_check2 CHECK (value <> '') "
        "CONSTRAINT email_trimmed CHECK (value = btrim(value))",
        "COMMENT ON DOMAIN email IS 'An address.'",
    )
    table = schema.table("customer")
    assert table is not None
    types = {c.name: python_type(c.type) for c in table.columns}
    assert (types["mail"].sa, types["mail"].annotation) == ('DOMAIN("email", Text, create_type=False)', "str")
    assert types["others"].sa == 'ARRAY(DOMAIN("email", Text, create_type=False))'
    assert types["others"].annotation == "list[str]"
    assert types["ref"].sa == 'DOMAIN("code", String(8), create_type=False, schema="app")'
    assert types["total"].annotation == "decimal.Decimal"


@pytest.mark.parametrize(
    ("sql", "code", "line", "needle"),
    [
        ("CREATE DOMAIN d AS txt;", "E122", 1, "unknown base type 'txt'"),
        ("CREATE TYPE mood AS ENUM ('a');\nCREATE DOMAIN d AS mood;", "E122", 2, "a domain over an enum"),
        ("CREATE DOMAIN a AS int;\nCREATE DOMAIN d AS a;", "E122", 2, "a domain over another domain"),
        ("CREATE DOMAIN d AS serial;", "E122", 1, "cannot be over serial"),
        ("CREATE DOMAIN d AS int[];", "E122", 1, "over an array"),
        ("CREATE DOMAIN d AS text(3);", "E122", 1, "text takes no modifier"),
        ("CREATE DOMAIN d AS int DEFAULT 'x';", "E122", 1, "DEFAULT is the string 'x', not a number"),
        ("CREATE DOMAIN d AS boolean DEFAULT 1;", "E122", 1, "DEFAULT is a number, not a boolean"),
        ("CREATE DOMAIN d AS int NULL NOT NULL;", "E122", 1, "both NULL and NOT NULL"),
        ("CREATE DOMAIN d AS int CHECK (x > 0);", "E123", 1, "CHECK names 'x'"),
        ("CREATE DOMAIN d AS int CHECK (VALUE IN (SELECT 1));", "E123", 1, "subquery"),
        ("CREATE DOMAIN d AS int;\nALTER DOMAIN d ADD CHECK (t.c > 0);", "E123", 2, "CHECK names 't.c'"),
        ("CREATE DOMAIN d AS int;\nALTER DOMAIN d ADD CHECK (VALUE > 0) NOT VALID;", "E122", 2, "NOT VALID in a doc"),
        ("CREATE DOMAIN d AS int;\nALTER DOMAIN d SET DEFAULT 1;", "E202", 2, "ALTER DOMAIN d: a doc says what the domain is"),
        ("CREATE DOMAIN d AS int;\nCREATE DOMAIN d AS int;", "E111", 2, "domain d is defined twice (first at spec/doc.md:"),
        ("CREATE TYPE d AS ENUM ('a');\nCREATE DOMAIN d AS int;", "E111", 2, "has the name of an enum"),
        ("CREATE DOMAIN d AS int CONSTRAINT c CHECK (VALUE > 0) CONSTRAINT c CHECK (VALUE < 9);", "E102", 1, "constraint c is defined twice"),
        ("ALTER DOMAIN nope ADD CHECK (VALUE > 0);", "E107", 1, "no doc creates that domain"),
        ("COMMENT ON DOMAIN nope IS 'x';", "E107", 1, "COMMENT ON DOMAIN nope"),
        ("CREATE DOMAIN d AS int;\nCREATE TABLE t (id int PRIMARY KEY, v d(3));", "E203", 2, "domain d takes no type modifiers"),
        ('CREATE DOMAIN d AS text;\nCREATE TABLE t (id int PRIMARY KEY, v d COLLATE "C");', "E122", 2, "on a column typed by a domain"),
    ],
)  # fmt: skip
def test_domain_mistakes_are_reported_at_their_line(
    tmp_path: Path, sql: str, code: str, line: int, needle: str
) -> None:
    errors = errors_of(tmp_path, {"doc.md": "```sql\n" + sql + "\n```\n"})
    assert codes(errors) == [code], [str(e) for e in errors]
    (error,) = [e for e in errors if e.severity == "error"]
    assert error.span.line == line + 1 and needle in error.message, (
        error.span,
        error.message,
    )  # the fence is line 1


def test_a_table_of_the_domains_name_is_refused(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path, {"doc.md": sql_doc("CREATE DOMAIN t AS int;\nCREATE TABLE t (id int PRIMARY KEY);")}
    )
    assert codes(errors) == ["E111"] and "has the name of a table" in errors[0].message


def test_check_steps_rename_a_check_whose_name_moves() -> None:
    # the first unnamed CHECK removed from the doc: PostgreSQL's _check1 becomes _check, _check2 _check1
    before = [("e_check", "CHECK (a)"), ("e_check1", "CHECK (b)"), ("e_check2", "CHECK (c)")]
    after = [("e_check", "CHECK (b)"), ("e_check1", "CHECK (c)")]
    assert _check_steps(before, after) == (
        ["e_check"],
        [("e_check1", "e_check"), ("e_check2", "e_check1")],
        [],
    )
    # a swap cannot be renamed one by one: dropped and added
    assert _check_steps([("a", "X"), ("b", "Y")], [("a", "Y"), ("b", "X")]) == (
        ["a", "b"],
        [],
        [("a", "Y"), ("b", "X")],
    )
    assert _check_steps([("a", "X")], [("a", "X"), ("b", "Y")]) == ([], [], [("b", "Y")])


def test_value_becomes_the_column_in_a_preflight_condition() -> None:
    assert (
        _on("(VALUE ~ 'VALUE'::text) AND \"VALUE\" > VALUE", '"mail"')
        == '("mail" ~ \'VALUE\'::text) AND "VALUE" > "mail"'
    )


def test_the_summary_reads_each_alter_domain_form_with_the_tables_it_locks() -> None:
    current = Snapshot(
        tables=(Table("customer", (Column("mail", "email", False, None, "", "", None),), (), (), None),),
        enums=(), extensions=(), functions=(), triggers=(),
        domains=(Domain("email", "text", False, None, None, (), None),),
    )  # fmt: skip
    sql = (
        "ALTER DOMAIN email ADD CONSTRAINT c CHECK (VALUE <> ''); "
        "ALTER DOMAIN email ADD CONSTRAINT d CHECK (VALUE <> 'x') NOT VALID; "
        "ALTER DOMAIN email VALIDATE CONSTRAINT d; ALTER DOMAIN email SET NOT NULL; "
        "ALTER DOMAIN email DROP NOT NULL; ALTER DOMAIN email RENAME CONSTRAINT c TO e; "
        "CREATE DOMAIN other AS int; DROP DOMAIN IF EXISTS other; COMMENT ON DOMAIN email IS 'x';"
    )
    read = [(s.kind, s.table, s.what) for s in statements(sql, current)]
    assert read == [
        ("ALTER DOMAIN ADD CHECK", "customer", "email c"),
        ("ALTER DOMAIN", None, "email ADD CONSTRAINT d NOT VALID"),
        ("VALIDATE DOMAIN CONSTRAINT", "customer", "email d"),
        ("ALTER DOMAIN SET NOT NULL", "customer", "email"),
        ("ALTER DOMAIN", None, "email DROP NOT NULL"),
        ("ALTER DOMAIN", None, "email RENAME CONSTRAINT c TO e"),
        ("CREATE DOMAIN", None, "other"),
        ("DROP DOMAIN", None, "other"),
        ("COMMENT ON DOMAIN", None, "email"),
    ]
    assert LOCKS["ALTER DOMAIN ADD CHECK"][0] == "SHARE" and LOCKS["ALTER DOMAIN"][0] is None
