# ruff: noqa: E501
"""Views in the docs: read at the doc line into View records, checked against the tables, rendered."""

from __future__ import annotations

from pathlib import Path

import pytest
from mdschema.codegen.view_sql import view_statements
from support.models import errors_of, parse_sql, schema_of, sql_doc

TABLES = """
CREATE TABLE customer (id bigint PRIMARY KEY, name text NOT NULL, email varchar(200));
CREATE TABLE purchase (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customer (id),
                       amount numeric(10, 2) NOT NULL);
"""


def test_views_become_records_with_columns_reads_and_order(tmp_path: Path) -> None:
    schema = schema_of(
        tmp_path,
        {
            "shop.md": sql_doc(
                TABLES
                + """
CREATE VIEW big_spenders (who, spent) AS SELECT name, total FROM totals WHERE total > 100;
CREATE OR REPLACE VIEW totals AS
  SELECT c.id, c.name, sum(p.amount) AS total, count(*) FROM customer c JOIN purchase p ON p.customer_id = c.id
  GROUP BY c.id, c.name;
CREATE MATERIALIZED VIEW largest AS SELECT p.*, upper(c.name) FROM purchase p, customer c WITH NO DATA;
CREATE UNIQUE INDEX ON largest (id);
COMMENT ON MATERIALIZED VIEW largest IS 'The largest purchases.';
"""
            )
        },
    )
    # what a view reads comes first: totals before big_spenders, whatever the docs' order
    assert [v.name for v in schema.views] == ["largest", "totals", "big_spenders"]
    largest, totals, big = schema.views
    assert [(c.name, c.type.sql if c.type else None) for c in totals.columns] == [
        ("id", "bigint"), ("name", "text"), ("total", None), ("count", None)
    ]  # fmt: skip
    assert [(c.name, c.type.sql if c.type else None) for c in big.columns] == [
        ("who", "text"),
        ("spent", None),
    ]
    assert [c.name for c in largest.columns] == ["id", "customer_id", "amount", "upper"]
    assert (totals.reads, big.reads, largest.reads) == (
        ("customer", "purchase"),
        ("totals",),
        ("customer", "purchase"),
    )
    assert not totals.materialized and largest.materialized
    assert totals.sql.startswith("CREATE VIEW totals AS SELECT")  # OR REPLACE is the migrations' choice
    assert largest.sql.endswith("WITH NO DATA")
    assert [(i.name, i.unique) for i in largest.indexes] == [("largest_id_idx", True)]
    assert largest.description == "The largest purchases."
    assert (str(totals.span), str(big.span), str(largest.span)) == (
        "spec/shop.md:7",
        "spec/shop.md:6",
        "spec/shop.md:10",
    )
    assert view_statements(largest)[1:] == (
        "CREATE UNIQUE INDEX largest_id_idx ON largest (id)",
        "COMMENT ON MATERIALIZED VIEW largest IS 'The largest purchases.'",
    )


def test_the_heading_paragraph_is_the_views_comment(tmp_path: Path) -> None:
    doc = sql_doc(TABLES, "customer", "People who buy.") + (
        "\n## customer_names\n\nEvery customer's name.\n\n```sql\n"
        "CREATE VIEW customer_names AS SELECT name FROM customer;\n```\n"
    )
    schema = schema_of(tmp_path, {"shop.md": doc})
    (view,) = schema.views
    assert view.description == "Every customer's name."
    assert view_statements(view)[-1] == "COMMENT ON VIEW customer_names IS 'Every customer''s name.'"


@pytest.mark.parametrize(
    ("sql", "code", "line", "says"),
    [
        ("CREATE VIEW v AS SELECT * FROM customers;", "E107", 5, "view v reads unknown table 'customers' (did you mean \"customer\"?)"),
        ("CREATE VIEW v AS SELECT 1;\nCREATE VIEW v AS SELECT 2;", "E111", 6, "view v is defined twice (first at spec/doc.md:5)"),
        ("CREATE VIEW customer AS SELECT 1;", "E101", 5, "view customer has the name of table customer"),
        ("CREATE VIEW v AS SELECT 1;\nCREATE INDEX ON v (x);", "E204", 6, "only materialized views have indexes"),
        ("CREATE VIEW v AS SELECT 1;\nCOMMENT ON MATERIALIZED VIEW v IS 'x';", "E107", 6, "it is a view"),
        ("COMMENT ON VIEW nope IS 'x';", "E107", 5, "unknown view 'nope'"),
        ("CREATE VIEW auth.v AS SELECT 1;", "E204", 5, "view v is in schema auth"),
    ],
)  # fmt: skip
def test_view_mistakes_are_errors_at_the_line(
    tmp_path: Path, sql: str, code: str, line: int, says: str
) -> None:
    (error,) = [
        d
        for d in errors_of(tmp_path, {"doc.md": sql_doc(TABLES.strip() + "\n" + sql)})
        if d.severity == "error"
    ]
    assert (error.code, error.span.line) == (code, line), error
    assert says in error.message


def test_create_table_as_is_still_refused() -> None:
    _, diag = parse_sql("CREATE TABLE t2 AS SELECT 1;")
    assert [(d.code, d.message) for d in diag.items] == [("E202", "unsupported statement CREATE TABLE AS")]


def test_ctes_are_not_tables(tmp_path: Path) -> None:
    sql = TABLES + "CREATE RECURSIVE VIEW n (i) AS SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3;\n"
    sql += "CREATE VIEW w AS WITH rich AS (SELECT * FROM customer) SELECT name FROM rich;\n"
    schema = schema_of(tmp_path, {"doc.md": sql_doc(sql)})
    assert {v.name: v.reads for v in schema.views} == {"n": (), "w": ("customer",)}
