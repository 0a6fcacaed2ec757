# ruff: noqa: E501
"""Domains: the docs' own SQL and mdschema's models and migrations build the same catalog (the base type
as format_type prints it, NOT NULL, default, collation, each CHECK by name and pg_get_constraintdef, the
columns typed by the domain), names included; revisions add, alter and drop domains, proven both ways on
the shadow; a row breaking a domain's CHECK is refused when inserted through the generated models; a
change PostgreSQL cannot make is refused at the domain's doc line; `mdschema check` reports a domain that
differs at its doc line; a new CHECK is counted on existing rows before the upgrade runs."""

from __future__ import annotations

import decimal
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy.exc
from mdschema.migrations.models import load_package
from sqlalchemy import create_engine, insert, select
from support.fidelity import build_both_ways
from support.projects import execute, executed_sql, make_project, operations, query

TYPES = """
# Shop

## Types

```sql
CREATE SCHEMA app;
CREATE DOMAIN email AS text COLLATE "C" CHECK (VALUE ~ '@') CHECK (length(VALUE) < 200);
CREATE DOMAIN price numeric(10,2) NOT NULL DEFAULT 0 CONSTRAINT price_positive CHECK (VALUE >= 0);
CREATE DOMAIN app.code AS varchar(8) CHECK (VALUE = upper(VALUE));
CREATE DOMAIN customer_total AS numeric CHECK (VALUE < 1000000);
ALTER DOMAIN email ADD CHECK (VALUE <> '');
COMMENT ON DOMAIN email IS 'An address.';
```
"""

TABLES = """
## customer

Who buys.

```sql
CREATE TABLE customer (
    id bigint PRIMARY KEY,
    mail email NOT NULL UNIQUE,
    others email[],
    total customer_total CHECK (total >= 0),
    ref app.code
);
```

## purchase

What they buy.

```sql
CREATE TABLE app.purchase (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customer (id),
    amount price,
    ref app.code NOT NULL
);
```
"""

DOC = TYPES + TABLES
DOMAINS_LEFT = "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd' AND n.nspname IN ('public', 'app')"


def _both(
    tmp_path: Path,
    pg_server: str,
    make_database: Callable[..., str],
    after: str,
    before: str | None = None,
    allow: tuple[str, ...] = (),
):  # type: ignore[no-untyped-def]
    result = build_both_ways(
        tmp_path,
        {"shop.md": after},
        pg_server,
        make_database,
        before=None if before is None else {"shop.md": before},
        allow=allow,
    )
    assert result.migrated == [] and result.models == [], (result.migrated, result.models)
    return result


def _index(steps: list[str], piece: str) -> int:
    found = [i for i, s in enumerate(steps) if piece in s]
    assert found, (piece, steps)
    return found[0]


def _last_revision(result) -> Path:  # type: ignore[no-untyped-def]
    (path,) = [p for p in result.project.revisions() if p.name.endswith("_fidelity.py")]
    return path


def test_domains_build_the_same_catalog_both_ways(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = _both(tmp_path, pg_server, make_database, DOC)
    domains = {d.name: d for d in result.direct.domains}
    assert sorted(domains) == ["app.code", "customer_total", "email", "price"]
    email = domains["email"]
    assert (email.base, email.collation, email.not_null, email.default, email.comment) == (
        "text", "C", False, None, "An address.",
    )  # fmt: skip
    assert email.checks == (
        ("email_check", "CHECK ((VALUE ~ '@'::text))"),
        ("email_check1", "CHECK ((length(VALUE) < 200))"),
        ("email_check2", "CHECK ((VALUE <> ''::text))"),
    )
    price = domains["price"]
    assert (price.base, price.not_null, price.default) == ("numeric(10,2)", True, "0")
    assert [name for name, _ in price.checks] == ["price_positive"]
    assert domains["app.code"].base == "character varying(8)"
    customer = result.direct.table("customer")
    purchase = result.direct.table("app.purchase")
    assert customer is not None and purchase is not None
    assert {c.name: c.type for c in customer.columns} == {
        "id": "bigint", "mail": "email", "others": "email[]", "total": "customer_total", "ref": "app.code",
    }  # fmt: skip
    assert {c.name: c.type for c in purchase.columns}["amount"] == "price"
    # PostgreSQL named the domain's customer_total_check first: the table's column CHECK is _check1
    assert [c.name for c in customer.constraints if c.kind == "c"] == ["customer_total_check1"]
    # the domains before the tables that use them, in the revision
    upgrade = executed_sql(_last_revision(result))
    steps = operations(_last_revision(result))
    first_table = next(i for i, s in enumerate(steps) if "create_table" in s)
    assert all(steps.index(s) < first_table for s in steps if "CREATE DOMAIN" in s)
    assert sum("CREATE DOMAIN" in s for s in upgrade) == 4
    project = result.project
    project.database_url = result.migrated_url
    assert "mdschema: clean" in project.ok("check").out
    # downgrade base leaves no domain behind
    project.ok("downgrade", "base", database_url=result.migrated_url)
    assert query(
        result.migrated_url,
        DOMAINS_LEFT,
    ) == [(0,)]


def test_the_models_refuse_a_row_breaking_the_domain(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = make_project(tmp_path, {"shop.md": DOC}, pg_server)
    project.ok("generate")
    models = load_package(project.root, "generated", fresh=True)
    assert [name for name, _ in models.ddl.DOMAINS] == ["app.code", "customer_total", "email", "price"]
    source = (project.root / "generated" / "shop.py").read_text()
    assert (
        'mail: Mapped[str] = mapped_column(DOMAIN("email", Text, create_type=False), unique=True)' in source
    )
    assert "amount: Mapped[decimal.Decimal | None]" in source
    assert 'DOMAIN("price", Numeric(10, 2), create_type=False)' in source
    assert (
        'ref: Mapped[str] = mapped_column(DOMAIN("code", String(8), create_type=False, schema="app"))'
        in source
    )
    url = make_database(None)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    customer = models.Base.metadata.tables["customer"]
    purchase = models.Base.metadata.tables["app.purchase"]
    try:
        models.Base.metadata.create_all(engine)  # the domains (DDL events) before the tables
        assert query(url, "SELECT conname FROM pg_constraint WHERE contypid <> 0 AND contype = 'c' AND connamespace::regnamespace::text IN ('public', 'app') ORDER BY 1") == [
            ("code_check",), ("customer_total_check",), ("email_check",), ("email_check1",), ("email_check2",),
            ("price_positive",),
        ]  # fmt: skip
        with engine.begin() as conn:
            conn.execute(
                insert(customer), [{"id": 1, "mail": "ada@example.org", "others": ["a@b"], "ref": "AB"}]
            )
            conn.execute(insert(purchase), [{"id": 1, "customer_id": 1, "ref": "AB"}])  # price's DEFAULT 0
            assert conn.execute(select(purchase.c.amount)).scalar_one() == decimal.Decimal("0.00")
        for bad, constraint in (
            ({"id": 2, "mail": "no-at-sign"}, "email_check"),
            ({"id": 3, "mail": ""}, "email_check"),
            ({"id": 4, "mail": "b@c", "others": ["fine@x", "nope"]}, "email_check"),
            ({"id": 5, "mail": "c@d", "ref": "lower"}, "code_check"),
            ({"id": 6, "mail": "d@e", "total": 2_000_000}, "customer_total_check"),
        ):
            with pytest.raises(sqlalchemy.exc.IntegrityError, match=constraint), engine.begin() as conn:
                conn.execute(insert(customer), [{"ref": "OK", **bad}])
        with pytest.raises(sqlalchemy.exc.IntegrityError, match="price_positive"), engine.begin() as conn:
            conn.execute(insert(purchase), [{"id": 2, "customer_id": 1, "ref": "AB", "amount": -1}])
        with pytest.raises(sqlalchemy.exc.IntegrityError, match="null value"), engine.begin() as conn:
            conn.execute(insert(purchase), [{"id": 3, "customer_id": 1, "ref": "AB", "amount": None}])
        with engine.begin() as conn:
            assert conn.execute(select(customer.c.id)).scalars().all() == [1]
        models.Base.metadata.drop_all(engine)  # the tables, then the domains
        assert query(
            url,
            DOMAINS_LEFT,
        ) == [(0,)]
    finally:
        engine.dispose()


WITHOUT_CODE = DOC.replace(
    "CREATE DOMAIN app.code AS varchar(8) CHECK (VALUE = upper(VALUE));\n", ""
).replace(" app.code", " text")
PLAIN = TYPES + TABLES.replace("mail email NOT NULL", "mail text NOT NULL").replace(
    "others email[]", "others text[]"
)


@pytest.mark.parametrize(
    ("name", "before", "after", "allow", "expect", "refuse"),
    [
        # a domain with CHECKs may reject values (narrow_type), and PostgreSQL rewrites the table to check them
        ("add a domain and type a column by it", WITHOUT_CODE, DOC, ("narrow_type", "rewrite_table"),
         ["CREATE DOMAIN app.code AS character varying(8) CONSTRAINT code_check CHECK (((VALUE)::text = upper((VALUE)::text)))"], ["DROP DOMAIN"]),
        ("drop a domain its columns left", DOC, DOC.replace("CREATE DOMAIN customer_total AS numeric CHECK (VALUE < 1000000);\n", "").replace("total customer_total", "total numeric"), (),
         ["DROP DOMAIN IF EXISTS customer_total"], ["CREATE DOMAIN"]),
        ("default changed", PLAIN, PLAIN.replace("DEFAULT 0 CONSTRAINT", "DEFAULT 1 CONSTRAINT"), (),
         ["ALTER DOMAIN price SET DEFAULT 1"], ["DROP DOMAIN", "CREATE DOMAIN"]),
        ("NOT NULL dropped", PLAIN, PLAIN.replace("numeric(10,2) NOT NULL DEFAULT 0", "numeric(10,2) DEFAULT 0"), (),
         ["ALTER DOMAIN price DROP NOT NULL"], ["DROP DOMAIN"]),
        ("NOT NULL added", PLAIN, PLAIN.replace("app.code AS varchar(8)", "app.code AS varchar(8) NOT NULL"), ("set_not_null",),
         ["ALTER DOMAIN app.code SET NOT NULL"], ["DROP DOMAIN"]),
        ("a CHECK added", PLAIN, PLAIN.replace("COMMENT ON DOMAIN", "ALTER DOMAIN price ADD CONSTRAINT price_cents CHECK (VALUE < 100000);\nCOMMENT ON DOMAIN"), (),
         ["ALTER DOMAIN price ADD CONSTRAINT price_cents CHECK ((VALUE < (100000)::numeric)) NOT VALID", "ALTER DOMAIN price VALIDATE CONSTRAINT price_cents"], ["DROP DOMAIN"]),
        ("the first unnamed CHECK removed: the others renamed", PLAIN, PLAIN.replace("CHECK (VALUE ~ '@') CHECK", "CHECK"), (),
         ["ALTER DOMAIN email DROP CONSTRAINT email_check", "ALTER DOMAIN email RENAME CONSTRAINT email_check1 TO email_check", "ALTER DOMAIN email RENAME CONSTRAINT email_check2 TO email_check1"], ["ADD CONSTRAINT", "DROP DOMAIN"]),
        ("a CHECK named", PLAIN, PLAIN.replace("CONSTRAINT price_positive CHECK", "CONSTRAINT price_not_negative CHECK"), (),
         ["ALTER DOMAIN price RENAME CONSTRAINT price_positive TO price_not_negative"], ["ADD CONSTRAINT"]),
        ("a CHECK changed", PLAIN, PLAIN.replace("VALUE = upper(VALUE)", "VALUE = upper(VALUE) AND length(VALUE) > 1"), (),
         ["ALTER DOMAIN app.code DROP CONSTRAINT code_check", "ALTER DOMAIN app.code ADD CONSTRAINT code_check CHECK"], ["DROP DOMAIN"]),
        ("comment changed", PLAIN, PLAIN.replace("'An address.'", "'Where mail goes.'"), (),
         ["COMMENT ON DOMAIN email IS 'Where mail goes.'"], ["DROP DOMAIN", "ALTER DOMAIN"]),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 60 and "\n" not in v else "",
)  # fmt: skip
def test_domain_changes_are_proven_both_ways(
    tmp_path: Path,
    pg_server: str,
    make_database: Callable[..., str],
    name: str,
    before: str,
    after: str,
    allow: tuple[str, ...],
    expect: list[str],
    refuse: list[str],
) -> None:
    # revision proves upgrade, downgrade, upgrade on its shadow; then the upgraded database is the docs' SQL
    result = _both(tmp_path, pg_server, make_database, after, before, allow)
    revision = _last_revision(result)
    upgrade = executed_sql(revision)
    for piece in expect:
        assert any(piece in s for s in upgrade), (piece, upgrade)
    for piece in refuse:
        assert not any(piece in s for s in upgrade), (piece, upgrade)
    if name == "add a domain and type a column by it":  # created before the columns change type
        steps = operations(revision)
        at = [_index(steps, p) for p in ("CREATE DOMAIN app.code", "postgresql_using='ref::app.code'")]
        assert at == sorted(at), steps
        back = operations(revision, "downgrade")
        at = [
            _index(back, p) for p in ("customer ALTER COLUMN ref TYPE text", "DROP DOMAIN IF EXISTS app.code")
        ]
        assert at == sorted(at), back
    if name == "NOT NULL added":
        assert "DESTRUCTIVE (set_not_null): domain app.code" in revision.read_text()


def test_a_base_type_change_is_refused_at_the_doc_line(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = make_project(tmp_path, {"shop.md": DOC}, pg_server)
    project.ok("generate")
    _, first = project.revise("first")
    assert first is not None
    project.write_doc(
        "shop.md",
        DOC.replace("CREATE DOMAIN app.code AS varchar(8)", "CREATE DOMAIN app.code AS varchar(12)"),
    )
    project.ok("generate")
    out, written = project.revise("wider code")
    assert written is None and out.rc != 0
    line = project.line_of("shop.md", "CREATE DOMAIN app.code")
    assert (
        f"spec/shop.md:{line}: domain app.code: its base type character varying(8) → character varying(12) cannot be altered"
        in out.output
    ), out.output
    assert "another name in the doc" in out.output


def test_a_new_check_is_refused_while_a_column_is_an_array_of_the_domain(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = make_project(tmp_path, {"shop.md": DOC}, pg_server)
    project.ok("generate")
    assert project.revise("first")[1] is not None
    project.write_doc(
        "shop.md",
        DOC.replace(
            "CHECK (length(VALUE) < 200)", "CHECK (length(VALUE) < 200) CHECK (VALUE = lower(VALUE))"
        ),
    )
    project.ok("generate")
    out, written = project.revise("lower case")
    assert written is None and out.rc != 0
    line = project.line_of("shop.md", "CREATE DOMAIN email")
    assert (
        f"spec/shop.md:{line}: domain email: CHECK email_check2 cannot be added while customer.others is array(s) of it"
        in out.output
    ), out.output


def test_check_reports_a_domain_that_differs_at_its_doc_line(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = _both(tmp_path, pg_server, make_database, DOC)
    project = result.project
    project.database_url = result.migrated_url
    execute(project.database_url, "ALTER DOMAIN price SET DEFAULT 5")
    execute(project.database_url, "ALTER DOMAIN app.code DROP CONSTRAINT code_check")
    out = project.run("check")
    assert out.rc != 0
    price, code = (
        project.line_of("shop.md", "CREATE DOMAIN price"),
        project.line_of("shop.md", "CREATE DOMAIN app.code"),
    )
    assert (
        f"spec/shop.md:{price}: database: drift: domain price: default 5 → 0 (database → docs)" in out.output
    ), out.output
    assert (
        f"spec/shop.md:{code}: database: drift: domain app.code: constraint code_check CHECK" in out.output
    ), out.output


def test_rows_breaking_a_new_check_stop_the_upgrade_before_it_runs(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    project = make_project(tmp_path, {"shop.md": PLAIN}, pg_server)
    project.ok("generate")
    assert project.revise("first")[1] is not None
    url = make_database(None)
    project.ok("upgrade", database_url=url)
    execute(url, "INSERT INTO customer (id, mail, ref) VALUES (1, 'a@b', 'AB'), (2, 'c@d', 'ABCDEFG')")
    project.write_doc(
        "shop.md", PLAIN.replace("VALUE = upper(VALUE)", "VALUE = upper(VALUE) AND length(VALUE) < 4")
    )
    project.ok("generate")
    out, written = project.revise("shorter codes")
    assert written is not None, out.output
    assert "rows of customer.ref breaking CHECK code_check of domain app.code" in out.output, out.output
    refused = project.run("upgrade", database_url=url)
    assert refused.rc != 0
    line = project.line_of("shop.md", "CREATE DOMAIN app.code")
    assert f"spec/shop.md:{line}: domain app.code: 1 row(s)" in refused.output and "id=2" in refused.output, (
        refused.output
    )
    execute(url, "UPDATE customer SET ref = 'ABC' WHERE id = 2")
    project.ok("upgrade", database_url=url)
    assert query(url, "SELECT count(*) FROM pg_constraint WHERE conname = 'code_check' AND convalidated") == [
        (1,)
    ]
