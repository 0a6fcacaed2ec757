"""Docs written the way teams write them come through exactly: the docs' own SQL and mdschema's models and
migrations build the same catalog, names included (tests/support/fidelity.py)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from support.fidelity import build_both_ways
from support.projects import ALEMBIC, REPO, TIMEOUT, execute, executed_sql, operations, query

EXAMPLES = REPO / "examples"

# `%`, `_` and backslashes in CHECK, DEFAULT and WHERE; `:name` and `%(name)s` that look like parameters
STRINGS = r"""
# Contacts

Who we write to, and how.

## contact

One person we can reach.

```sql
CREATE TABLE contact (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL CHECK (email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'),
    backup_email TEXT CHECK (backup_email LIKE '%@%'),
    handle TEXT CHECK (handle NOT LIKE '%\_%' ESCAPE '\'),
    label TEXT NOT NULL DEFAULT '(:none)' CHECK (label <> '(:none)x'),
    note TEXT DEFAULT 'a :b',
    discount TEXT DEFAULT '10%',
    template TEXT DEFAULT '%(name)s and %s',
    escaped TEXT DEFAULT '\:c',
    ":x" TEXT CHECK (":x" <> ':y'),
    stats JSONB NOT NULL DEFAULT '{"count":0}'::jsonb,
    tags TEXT[] NOT NULL DEFAULT '{}'::text[]
);

CREATE INDEX idx_contact_label ON contact (label) WHERE label <> ':none' AND email LIKE '%.org';
CREATE INDEX idx_contact_domain ON contact ((split_part(email, '@', 2) || ':%')) WHERE email ~ '%';
CREATE UNIQUE INDEX contact_email_lower_key ON contact (lower(email));

ALTER TABLE contact ADD CONSTRAINT contact_note_check CHECK (note IS NULL OR note !~ ':[a-z]+%');
```

## message

```sql
CREATE FUNCTION contact_label(raw TEXT) RETURNS TEXT AS $$
BEGIN
    RETURN coalesce(raw, '(:none)') || ' 100%';
END;
$$ LANGUAGE plpgsql;

CREATE TABLE message (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id BIGINT NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
    subject VARCHAR(200) NOT NULL DEFAULT 'Re: :subject' CHECK (subject !~ '^%'),
    body TEXT NOT NULL DEFAULT ''
);
```
"""


def test_strings_with_colons_and_percents_come_through(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = build_both_ways(tmp_path, {"contacts.md": STRINGS}, pg_server, make_database)

    assert result.migrated == []
    assert result.models == []
    # what the docs say is really there (the comparison is not empty on both sides)
    contact = result.direct.table("contact")
    assert contact is not None
    defaults = {c.name: c.default for c in contact.columns}
    assert defaults["label"] == "'(:none)'::text"
    assert defaults["escaped"] == "'\\:c'::text"
    assert defaults["discount"] == "'10%'::text"
    assert defaults["template"] == "'%(name)s and %s'::text"
    assert {c.name for c in contact.columns} >= {":x"}
    checks = {c.name: c.definition for c in contact.constraints if c.kind == "c"}
    assert "'^[A-Za-z0-9._%+-]+@" in checks["contact_email_check"]
    assert "'(:none)x'" in checks["contact_label_check"]
    where = {i.name: i.definition for i in contact.indexes}
    assert "':none'" in where["idx_contact_label"] and "'%.org'" in where["idx_contact_label"]


def test_revision_file_keeps_the_text_as_written(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = build_both_ways(tmp_path, {"contacts.md": STRINGS}, pg_server, make_database)
    (revision,) = result.project.revisions()
    source = revision.read_text()

    assert "%%" not in source
    assert "'10%'" in source and "LIKE '%@%'" in source
    # a `:word` inside a string is escaped for text(), so it is no bind parameter
    assert "'(\\\\:none)'" in source
    # the function body is executed as written
    assert any("'(\\:none)') || ' 100%'" in sql for sql in executed_sql(revision))


def test_check_is_clean_on_the_upgraded_database(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = build_both_ways(tmp_path, {"contacts.md": STRINGS}, pg_server, make_database)
    url = make_database(None)
    result.project.ok("upgrade", database_url=url)
    checked = result.project.run("check", database_url=url)
    assert checked.rc == 0, checked.output
    # the data path too: a default with `:b` is stored as written
    execute(url, "INSERT INTO contact (email) VALUES ('a@b.org')")
    assert query(url, "SELECT note, escaped, label FROM contact") == [("a :b", "\\:c", "(:none)")]


BEFORE = """
# Contacts

## contact

```sql
CREATE TABLE contact (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT 'x',
    discount TEXT
);
```
"""

AFTER = r"""
# Contacts

## contact

```sql
CREATE TABLE contact (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL CHECK (email ~* '^[A-Za-z0-9._%+-]+@'),
    label TEXT NOT NULL DEFAULT '(:none)',
    discount TEXT DEFAULT '10%',
    note TEXT DEFAULT 'a :b \:c %(x)s'
);

CREATE INDEX idx_contact_label ON contact (label) WHERE label <> ':none' AND email LIKE '%.org';
CREATE INDEX idx_contact_pattern ON contact ((email || ':%'));
```
"""


def test_changes_to_an_existing_table_come_through(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """The second revision alters the table: SET DEFAULT, ADD COLUMN, ADD CONSTRAINT, CREATE INDEX."""
    result = build_both_ways(
        tmp_path, {"contacts.md": AFTER}, pg_server, make_database, before={"contacts.md": BEFORE}
    )

    assert result.migrated == []
    assert result.models == []
    (second_file,) = [p for p in result.project.revisions() if p.name.endswith("_fidelity.py")]
    second = second_file.read_text()
    assert "%%" not in second and "op.alter_column" in second
    assert "ADD CONSTRAINT contact_email_check CHECK" in second  # lock-safe: NOT VALID, then VALIDATE


def test_stock_alembic_autogenerate_writes_the_same_text(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """`alembic revision --autogenerate` goes through mdschema's plan and renderer too (env.py's hook)."""
    result = build_both_ways(tmp_path, {"contacts.md": STRINGS}, pg_server, make_database)
    project = result.project
    (ours,) = project.revisions()
    expected = operations(ours), operations(ours, "downgrade")
    ours.unlink()
    url = make_database(None)
    proc = subprocess.run(
        [ALEMBIC, "revision", "--autogenerate", "-m", "stock"],
        cwd=project.root,
        env=project.env(url),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (stock,) = project.revisions()
    assert (operations(stock), operations(stock, "downgrade")) == expected
    project.ok("upgrade", database_url=url)
    checked = project.run("check", database_url=url)
    assert checked.rc == 0, checked.output


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if (p / "spec").is_dir()))
def test_examples_come_through(
    example: str, tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """Each example's docs, run as written, equal its committed migrations and its models."""
    result = build_both_ways(tmp_path, EXAMPLES / example, pg_server, make_database)

    assert result.direct.tables, "the docs' SQL built nothing"
    assert result.migrated == []
    assert result.models == []


BILLING = """
# Billing

## customer

Who pays.

```sql
CREATE TABLE customer (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL
);
CREATE INDEX idx_customer_email ON customer (email);
```
"""

CRM = """
# CRM

## customer

The CRM's older view of a customer.

```sql
CREATE TABLE customer (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    segment TEXT
);
CREATE INDEX idx_customer_segment ON customer (segment);
COMMENT ON COLUMN customer.segment IS 'Marketing segment';
ALTER TABLE customer ADD CONSTRAINT customer_segment_check CHECK (segment <> '');
```

## visit

```sql
CREATE TABLE visit (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer(id)
);
CREATE INDEX idx_visit_customer ON visit (customer_id);
```
"""


def test_prefer_builds_the_preferred_definition_and_nothing_of_the_other(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """What PostgreSQL builds from the preferred doc's customer and the rest of the other doc."""
    billing_sql = BILLING.split("```sql")[1].split("```")[0]
    visit_sql = CRM.split("## visit")[1].split("```sql")[1].split("```")[0]
    result = build_both_ways(
        tmp_path,
        {"billing.md": BILLING, "crm.md": CRM},
        pg_server,
        make_database,
        config='[tool.mdschema.prefer]\ncustomer = "spec/billing.md"\n',
        direct_sql=billing_sql + visit_sql,
    )

    assert result.migrated == []
    assert result.models == []
    assert {t.name for t in result.direct.tables} == {"customer", "visit"}
    note = "note[N101]: table customer: this definition is set aside"
    assert note in result.project.ok("generate").err
    # revision and check regenerate quietly, but say the same
    revised, written = result.project.revise("again")
    assert written is None and note in revised.err, revised.output
    assert note in result.project.ok("check", "--offline").err
    assert note in result.project.ok("check").err


QUALIFIED = """
# Accounts

## account

Someone who signs in.

```sql
CREATE TABLE public.account (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL UNIQUE
);
CREATE INDEX idx_account_email_lower ON public.account (lower(email));
COMMENT ON COLUMN public.account.email IS 'where we write';
```

## session

```sql
CREATE TABLE session (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES public.account(id) ON DELETE CASCADE
);
ALTER TABLE public.session ADD CONSTRAINT session_account_positive CHECK (account_id > 0);
```
"""


def test_names_qualified_with_public_come_through(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """`public.` is the default schema: accepted and built exactly, named as an unqualified name is."""
    result = build_both_ways(tmp_path, {"accounts.md": QUALIFIED}, pg_server, make_database)

    assert result.migrated == []
    assert result.models == []
    assert {t.name for t in result.direct.tables} == {"account", "session"}
    assert {i.name for t in result.direct.tables for i in t.indexes} >= {"idx_account_email_lower"}
