# ruff: noqa: E501
"""Views and materialized views: the docs' own SQL and mdschema's models and migrations build the same
catalog (pg_get_viewdef as PostgreSQL prints it, names included); revisions add, replace, re-create and
drop views, proven both ways on the shadow; the models query them; `mdschema check` reports a view that
differs at its doc line; stock Alembic autogenerate leaves them alone."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from mdschema.migrations.models import load_package
from sqlalchemy import create_engine, func, insert, select
from support.fidelity import build_both_ways
from support.projects import ALEMBIC, execute, executed_sql, operations, query

TABLES = """
# Shop

## customer

People who buy.

```sql
CREATE TABLE customer (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    email VARCHAR(200)
);
CREATE TABLE purchase (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (id),
    amount NUMERIC(10, 2) NOT NULL,
    code INTEGER NOT NULL DEFAULT 0
);
```
"""

TOTALS = """
## customer_totals

What each customer spent.

```sql
CREATE VIEW customer_totals AS
SELECT c.id, c.name, sum(p.amount) AS total, count(*) AS purchases
FROM customer c JOIN purchase p ON p.customer_id = c.id
GROUP BY c.id, c.name;
```
"""

VIEWS = (
    TOTALS
    + """
## big_spenders

```sql
CREATE OR REPLACE VIEW big_spenders (customer, spent) AS
SELECT name, total FROM customer_totals WHERE total > 100;

CREATE VIEW coded WITH (security_barrier) AS SELECT id, code FROM purchase WHERE code > 0;

CREATE MATERIALIZED VIEW purchase_stats AS
SELECT customer_id, max(amount) AS largest, count(*) AS n FROM purchase GROUP BY customer_id
WITH DATA;
CREATE UNIQUE INDEX purchase_stats_customer ON purchase_stats (customer_id);
COMMENT ON MATERIALIZED VIEW purchase_stats IS 'Largest purchase per customer.';

CREATE MATERIALIZED VIEW empty_stats AS SELECT count(*) AS n FROM customer WITH NO DATA;
```
"""
)


def _both(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str], after: str, before: str | None = None
):  # type: ignore[no-untyped-def]
    result = build_both_ways(
        tmp_path,
        {"shop.md": after},
        pg_server,
        make_database,
        before=None if before is None else {"shop.md": before},
    )
    assert result.migrated == [] and result.models == [], (result.migrated, result.models)
    return result


def _last_revision(result) -> Path:  # type: ignore[no-untyped-def]
    """The revision build_both_ways made for the docs under test (file names sort by their id)."""
    (path,) = [p for p in result.project.revisions() if p.name.endswith("_fidelity.py")]
    return path


def test_views_build_the_same_catalog_both_ways(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = _both(tmp_path, pg_server, make_database, TABLES + VIEWS)
    views = {v.name: v for v in result.direct.views}
    assert {name: v.kind for name, v in views.items()} == {
        "big_spenders": "v", "coded": "v", "customer_totals": "v", "empty_stats": "m", "purchase_stats": "m"
    }  # fmt: skip
    assert [i.name for i in views["purchase_stats"].indexes] == ["purchase_stats_customer"]
    assert views["coded"].options == ("security_barrier=true",)
    assert not views["empty_stats"].populated and views["purchase_stats"].populated
    assert ("customer_totals", "total") in views["big_spenders"].reads  # pg_depend, column by column
    # the comments mdschema adds (fidelity leaves them out of the comparison): read them at the source
    upgrade = executed_sql(_last_revision(result))
    assert "COMMENT ON VIEW customer_totals IS 'What each customer spent.'" in upgrade
    assert "COMMENT ON MATERIALIZED VIEW purchase_stats IS 'Largest purchase per customer.'" in upgrade
    # created after what they read: customer_totals before big_spenders
    creates = [
        s.split()[2] if s.startswith("CREATE VIEW") else s.split()[3]
        for s in upgrade
        if " VIEW " in s and s.startswith("CREATE")
    ]
    assert creates.index("customer_totals") < creates.index("big_spenders")


def test_models_query_views_and_create_all_creates_them_not_as_tables(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = _both(tmp_path, pg_server, make_database, TABLES + VIEWS)
    models = load_package(result.project.root, "generated", fresh=True)
    views = __import__("generated.views", fromlist=["x"])
    assert not {"customer_totals", "purchase_stats"} & set(models.Base.metadata.tables)
    assert views.customer_totals.info["is_view"] is True
    url = make_database(None)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        models.Base.metadata.create_all(engine)  # the tables, then (DDL events) the views
        kinds = dict(query(url, "SELECT relname, relkind::text FROM pg_class WHERE relname IN "
                                "('customer_totals', 'purchase_stats', 'customer')"))  # fmt: skip
        assert kinds == {"customer_totals": "v", "purchase_stats": "m", "customer": "r"}
        with engine.begin() as conn:
            customer = models.Base.metadata.tables["customer"]
            purchase = models.Base.metadata.tables["purchase"]
            (cid,) = conn.execute(insert(customer).values(name="Ada").returning(customer.c.id)).one()
            conn.execute(
                insert(purchase), [{"customer_id": cid, "amount": 80}, {"customer_id": cid, "amount": 70}]
            )
            rows = conn.execute(select(views.customer_totals.c.name, views.customer_totals.c.total)).all()
            assert [(r[0], float(r[1])) for r in rows] == [("Ada", 150.0)]
            assert conn.execute(select(views.big_spenders.c.customer)).scalars().all() == ["Ada"]
            assert conn.execute(select(func.count()).select_from(views.purchase_stats)).scalar() == 0
        models.Base.metadata.drop_all(engine)  # the views first, then the tables
        assert query(
            url, "SELECT count(*) FROM pg_class WHERE relname IN ('customer_totals', 'customer')"
        ) == [(0,)]
    finally:
        engine.dispose()


ORDERS = TABLES + TOTALS


@pytest.mark.parametrize(
    ("name", "before", "after", "expect", "refuse"),
    [
        ("add", TABLES, ORDERS, ["CREATE VIEW customer_totals AS"], []),
        ("drop", ORDERS, TABLES, ["DROP VIEW customer_totals"], ["CREATE VIEW"]),
        (
            "replaceable",
            ORDERS,
            ORDERS.replace("count(*) AS purchases", "count(*) AS purchases, max(p.amount) AS largest"),
            ["CREATE OR REPLACE VIEW customer_totals AS"],
            ["DROP VIEW"],
        ),
        (
            "not replaceable",
            ORDERS,
            ORDERS.replace("sum(p.amount) AS total, ", ""),
            ["DROP VIEW customer_totals", "CREATE VIEW customer_totals AS"],
            ["OR REPLACE"],
        ),
        (
            "column type of a table it reads",
            TABLES + VIEWS,
            (TABLES + VIEWS).replace("amount NUMERIC(10, 2)", "amount NUMERIC(12, 2)"),
            ["DROP VIEW big_spenders", "DROP VIEW customer_totals", "DROP MATERIALIZED VIEW purchase_stats",
             "CREATE VIEW customer_totals AS", "CREATE VIEW big_spenders AS", "CREATE MATERIALIZED VIEW purchase_stats"],
            ["DROP VIEW coded"],  # reads purchase, but not the column that changes
        ),
        (
            "a column it reads renamed",
            ORDERS,
            ORDERS.replace("    name TEXT NOT NULL,", "    full_name TEXT NOT NULL, -- renamed from: name")
            .replace("c.id, c.name, sum", "c.id, c.full_name, sum").replace("GROUP BY c.id, c.name", "GROUP BY c.id, c.full_name"),
            ["ALTER TABLE customer RENAME COLUMN name TO full_name", "DROP VIEW customer_totals", "CREATE VIEW customer_totals AS"],
            [],
        ),
        (
            "materialized view definition",
            TABLES + VIEWS,
            (TABLES + VIEWS).replace("count(*) AS n FROM purchase", "count(*) AS n, min(amount) AS least FROM purchase"),
            ["DROP MATERIALIZED VIEW purchase_stats", "CREATE MATERIALIZED VIEW purchase_stats",
             "CREATE UNIQUE INDEX purchase_stats_customer"],
            ["DROP VIEW"],
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "",
)  # fmt: skip
def test_view_changes_are_proven_both_ways(
    tmp_path: Path,
    pg_server: str,
    make_database: Callable[..., str],
    name: str,
    before: str,
    after: str,
    expect: list[str],
    refuse: list[str],
) -> None:
    # revision proves upgrade, downgrade, upgrade on its shadow; then the upgraded database is the docs' SQL
    result = _both(tmp_path, pg_server, make_database, after, before)
    upgrade = executed_sql(_last_revision(result))
    for piece in expect:
        assert any(piece in s for s in upgrade), (piece, upgrade)
    for piece in refuse:
        assert not any(piece in s for s in upgrade), (piece, upgrade)
    if name == "column type of a table it reads":  # dependents dropped first, created last
        steps = operations(_last_revision(result))
        at = {p: next(i for i, s in enumerate(steps) if p in s) for p in ("DROP VIEW big_spenders", "DROP VIEW customer_totals", "alter_column('purchase', 'amount'", "CREATE VIEW customer_totals", "CREATE VIEW big_spenders")}  # fmt: skip
        assert list(at.values()) == sorted(at.values()), steps
        downgrade = executed_sql(_last_revision(result), "downgrade")
        assert any("DROP VIEW big_spenders" in s for s in downgrade)


def test_check_reports_a_view_that_differs_at_its_doc_line(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = _both(tmp_path, pg_server, make_database, TABLES + VIEWS)
    project = result.project
    project.database_url = make_database(None)
    project.ok("upgrade")
    assert "mdschema: clean" in project.ok("check").out
    execute(
        project.database_url, "CREATE OR REPLACE VIEW coded AS SELECT id, code FROM purchase WHERE code > 1"
    )
    out = project.run("check")
    line = project.line_of("shop.md", "CREATE VIEW coded")
    assert out.rc != 0
    assert f"spec/shop.md:{line}: database: drift: view coded: definition changed" in out.output, out.output


def test_stock_alembic_autogenerate_leaves_views_alone(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = _both(tmp_path, pg_server, make_database, TABLES + VIEWS)
    project = result.project
    url = make_database(None)
    project.ok("upgrade", database_url=url)
    done = subprocess.run(
        [ALEMBIC, "check"],
        cwd=project.root,
        env=project.env(url),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No new upgrade operations detected" in done.stdout + done.stderr
