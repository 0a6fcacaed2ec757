"""PostgreSQL schemas other than public, Supabase style: the docs' tables in public reference auth.users
(a table the platform owns: external, kept as a foreign key), an `app` schema the docs create holds an
enum, tables, a function and a trigger; foreign keys cross between the two both ways, and a table name is
in both. Built both ways (the docs' own SQL; mdschema's migrations and models): the same catalog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mdschema.catalog.snapshot import ALL_SCHEMAS, snapshot
from mdschema.database import connect
from support.fidelity import build_both_ways

CONFIG = 'external_tables = { "auth.users" = "keep_fk" }\n'
AUTH = "CREATE SCHEMA auth;\nCREATE TABLE auth.users (id uuid PRIMARY KEY, email text);\n"

ACCOUNTS = """
# Accounts

Signing in is Supabase's: `auth.users` is theirs.

```sql
CREATE SCHEMA IF NOT EXISTS app;

CREATE TABLE public.profiles (
    id uuid PRIMARY KEY REFERENCES auth.users(id) ON DELETE CASCADE,
    username text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
```
"""

SHOP = """
# Shop

```sql
CREATE TYPE app.order_status AS ENUM ('new', 'paid', 'shipped');

CREATE TABLE app.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    profile_id uuid NOT NULL REFERENCES public.profiles(id),
    buyer uuid REFERENCES auth.users(id) ON DELETE SET NULL,
    status app.order_status NOT NULL DEFAULT 'new',
    total numeric(10, 2) NOT NULL CHECK (total >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON app.orders (profile_id);
CREATE INDEX ON app.orders ((profile_id::text));

CREATE TABLE app.notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES app.orders(id) ON DELETE CASCADE,
    body text NOT NULL
);
CREATE INDEX ON app.notes (order_id);

CREATE TABLE notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint REFERENCES app.orders(id),
    author uuid NOT NULL REFERENCES auth.users(id),
    body text NOT NULL UNIQUE
);

CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON app.orders FOR EACH ROW EXECUTE FUNCTION app.touch();
```
"""


def _names(url: str) -> set[tuple[str, str, str]]:
    """(schema, kind, name) of every relation, constraint, type and function outside PostgreSQL's own."""
    with connect(url) as conn:
        rows = conn.execute(
            """
            SELECT n.nspname, c.relkind::text, c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'app', 'auth')
            UNION ALL
            SELECT n.nspname, 'constraint', k.conname FROM pg_constraint k
            JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname IN ('public', 'app', 'auth')
            UNION ALL
            SELECT n.nspname, 'type', t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname IN ('public', 'app') AND t.typtype = 'e'
            UNION ALL
            SELECT n.nspname, 'function', p.proname FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('public', 'app')
            """
        ).fetchall()
    return {(str(a), str(b), str(c)) for a, b, c in rows}


def test_supabase_style_schemas_come_through(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    result = build_both_ways(
        tmp_path,
        {"accounts.md": ACCOUNTS, "shop.md": SHOP},
        pg_server,
        make_database,
        config=CONFIG,
        platform_sql=AUTH,
    )

    assert result.migrated == []
    assert result.models == []
    tables = {t.name for t in result.direct.tables}
    assert tables == {"profiles", "notes", "app.orders", "app.notes"}
    assert "app" in result.direct.schemas
    orders = next(t for t in result.direct.tables if t.name == "app.orders")
    refs = {c.ref_table for c in orders.constraints if c.kind == "f"}
    assert refs == {"profiles", "auth.users"}
    assert {i.name for i in orders.indexes} == {"orders_profile_id_idx", "orders_profile_id_idx1"}
    assert [e.name for e in result.direct.enums] == ["app.order_status"]
    assert [f.signature for f in result.direct.functions] == ["app.touch()"]
    # both notes tables keep PostgreSQL's own names (one namespace each: notes_pkey twice)
    with connect(result.migrated_url) as conn:
        found = snapshot(conn, schemas=ALL_SCHEMAS, exclude_tables=frozenset({"auth.*"}))
    assert {c.name for t in found.tables if t.name in ("notes", "app.notes") for c in t.constraints} >= {
        "notes_pkey",
        "notes_order_id_fkey",
    }

    models = (result.project.root / "generated" / "shop.py").read_text()
    assert "class AppOrders(Base):" in models and "class AppNotes(Base):" in models
    assert "class Notes(Base):" in models
    assert '"schema": "app"' in models
    assert 'ForeignKey("auth.users.id", ondelete="SET NULL")' in models
    assert 'ForeignKey("app.orders.id"' in models
    enums = (result.project.root / "generated" / "enums.py").read_text()
    assert 'schema="app"' in enums
    external = (result.project.root / "generated" / "external.py").read_text()
    assert 'schema="auth"' in external

    # the database the migrations built is what the docs say, and check says so
    checked = result.project.ok("check", database_url=result.migrated_url)
    assert "clean" in checked.out, checked.output
    # mdschema touched nothing of auth but what it references
    assert ("auth", "r", "users") in _names(result.migrated_url)


def test_a_column_added_in_another_schema_migrates(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """A second revision, on tables that exist: ALTER TABLE app.orders ADD COLUMN, proven on the shadow."""
    after = SHOP.replace("    total numeric(10, 2)", "    note text,\n    total numeric(10, 2)")
    result = build_both_ways(
        tmp_path,
        {"accounts.md": ACCOUNTS, "shop.md": after},
        pg_server,
        make_database,
        config=CONFIG,
        before={"accounts.md": ACCOUNTS, "shop.md": SHOP},
        platform_sql=AUTH,
    )

    assert result.migrated == []
    assert result.models == []
    (second,) = [t for p in result.project.revisions() if "Revises: \n" not in (t := p.read_text())]
    assert "op.add_column('orders', sa.Column('note', sa.Text(), nullable=True), schema='app')" in second
    assert "CREATE SCHEMA" not in second  # the schema is there from the first revision
    checked = result.project.ok("check", database_url=result.migrated_url)
    assert "clean" in checked.out, checked.output
