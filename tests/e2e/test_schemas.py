"""PostgreSQL schemas other than public, Supabase style: the docs' tables in public reference auth.users
(a table the platform owns: external, kept as a foreign key), an `app` schema the docs create holds an
enum, tables, a function and a trigger; foreign keys cross between the two both ways, and a table name is
in both. Built both ways (the docs' own SQL; mdschema's migrations and models): the same catalog."""

from __future__ import annotations

import ast
import subprocess
from collections.abc import Callable
from pathlib import Path

from mdschema.catalog.snapshot import ALL_SCHEMAS, snapshot
from mdschema.database import connect
from support.fidelity import build_both_ways, run_script
from support.projects import ALEMBIC, Project, make_project

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


def _alembic(project: Project, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ALEMBIC, *args], cwd=project.root, env=project.env(url), capture_output=True, text=True, timeout=300
    )


def _bodies(path: Path) -> tuple[str, str]:
    """upgrade() and downgrade() as ASTs: formatting, quoting and comments aside."""
    tree = ast.parse(path.read_text())
    funcs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    return tuple(
        ast.dump(ast.Module(body=funcs[name].body, type_ignores=[])) for name in ("upgrade", "downgrade")
    )  # type: ignore[return-value]


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


def test_stock_alembic_autogenerate_gives_the_same_plan_across_schemas(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """`alembic revision --autogenerate` against a database that has the platform's own schemas (auth,
    storage): the operations of `mdschema revision`, and nothing of the schemas mdschema does not manage."""
    url = make_database(None)
    run_script(url, AUTH + "CREATE SCHEMA storage;\nCREATE TABLE storage.objects (id bigint PRIMARY KEY);\n")
    project = make_project(
        tmp_path, {"accounts.md": ACCOUNTS, "shop.md": SHOP}, pg_server, database_url=url, extra_config=CONFIG
    )
    project.ok("revision", "-m", "initial")
    project.ok("upgrade")
    project.edit("shop.md", "    total numeric(10, 2)", "    note text,\n    total numeric(10, 2)")
    project.ok("generate")

    dirty = _alembic(project, url, "check")
    assert dirty.returncode != 0 and "New upgrade operations detected" in dirty.stdout + dirty.stderr
    before = project.revisions()
    stock = _alembic(project, url, "revision", "--autogenerate", "-m", "stock")
    assert stock.returncode == 0, stock.stdout + stock.stderr
    stock_file = project.revision_file(before)
    stock_bodies = _bodies(stock_file)
    stock_file.unlink()
    project.ok("revision", "-m", "mdschema")
    ours = project.revision_file(before)
    assert stock_bodies == _bodies(ours)
    assert "schema='app'" in ours.read_text() and "storage" not in ours.read_text()

    project.ok("upgrade")
    clean = _alembic(project, url, "check")
    assert clean.returncode == 0 and "No new upgrade operations detected" in clean.stdout, clean.stderr
    checked = project.ok("check")
    assert "clean" in checked.out and "storage" not in checked.output, checked.output
    with connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM storage.objects").fetchone() == (0,)


def test_a_schema_the_docs_no_longer_create_is_dropped_only_with_allow(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    url = make_database(None)
    run_script(url, AUTH + "CREATE SCHEMA storage;\n")
    extra = "\n## archive\n\n```sql\nCREATE SCHEMA archive;\n"
    extra += "CREATE TABLE archive.orders (id bigint PRIMARY KEY);\n```\n"
    project = make_project(
        tmp_path,
        {"accounts.md": ACCOUNTS, "shop.md": SHOP + extra},
        pg_server,
        database_url=url,
        extra_config=CONFIG,
    )
    project.ok("revision", "-m", "initial")
    project.ok("upgrade")
    project.write_doc("shop.md", SHOP)
    project.ok("generate")

    refused, written = project.revise("drop archive")
    assert written is None and refused.rc != 0
    assert "schema archive: drops the schema" in refused.out and "[--allow drop_schema]" in refused.out
    assert "table archive.orders" in refused.out and "[--allow drop_table]" in refused.out
    _, written = project.revise("drop archive", "--allow", "drop_schema", "--allow", "drop_table")
    assert written is not None
    text = written.read_text()
    assert text.index("op.drop_table('orders', schema='archive')") < text.index("DROP SCHEMA archive")
    project.ok("upgrade")
    with connect(url) as conn:
        schemas = {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace").fetchall()}
    assert "archive" not in schemas and {"app", "auth", "storage"} <= schemas  # the others are left
    assert "clean" in project.ok("check").out


def test_create_all_and_drop_all_in_schemas(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """The models alone: create_all makes the app schema (ddl.py), the auth stand-in in its schema
    (external.py), the enum, tables, function and trigger there; drop_all removes them (the trigger by its
    qualified table) and leaves the schemas."""
    from mdschema.migrations.models import load_package
    from sqlalchemy import create_engine

    config = CONFIG + "repositories = true\nsession_layer = true\n"
    project = make_project(
        tmp_path, {"accounts.md": ACCOUNTS, "shop.md": SHOP}, pg_server, extra_config=config
    )
    project.ok("generate")
    assert (
        "class AppOrderRepository(Repository[AppOrders])"
        in (project.root / "generated" / "repositories.py").read_text()
    )
    # the generated package is clean Python, as the repository's own is (tests/e2e/test_spec.py)
    repo = Path(__file__).resolve().parents[2] / "pyproject.toml"  # the repository's ruff and mypy settings
    for command in (
        ["ruff", "check", "--no-cache", "--config", str(repo)],
        ["ruff", "format", "--check", "--no-cache", "--config", str(repo)],
        ["mypy", "--config-file", str(repo)],
    ):
        tool = str(Path(ALEMBIC).parent / command[0])
        checked = subprocess.run(
            [tool, *command[1:], "generated"], cwd=project.root, capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    models = load_package(project.root, "generated", fresh=True)
    url = make_database(None)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            models.Base.metadata.create_all(conn)
        built = _names(url)
        assert {("app", "r", "orders"), ("app", "r", "notes"), ("public", "r", "notes")} <= built
        assert {
            ("app", "type", "order_status"),
            ("app", "function", "touch"),
            ("auth", "r", "users"),
        } <= built
        with connect(url) as conn:
            assert conn.execute(
                "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'orders_touch'"
            ).fetchone() == ("app.orders",)
        # relationships across schemas: public.profiles ↔ app.orders ↔ app.notes / public.notes
        import uuid

        from sqlalchemy.orm import Session

        user = uuid.uuid4()
        with engine.begin() as conn:
            conn.exec_driver_sql(f"INSERT INTO auth.users (id) VALUES ('{user}')")
        with Session(engine) as session:
            order = models.AppOrders(total=5, profile=models.Profiles(id=user, username="ann"))
            order.notes.append(models.AppNotes(body="in app"))
            order.notes_rel.append(models.Notes(body="in public", author=user))
            session.add(order)
            session.commit()
            profile = session.get(models.Profiles, user)
            assert profile is not None and [o.total for o in profile.orders] == [5]
            assert [n.body for n in profile.orders[0].notes] == ["in app"]
            assert [n.order.profile.username for n in profile.orders[0].notes_rel] == ["ann"]
            session.delete(profile.orders[0].notes_rel[0])
            session.delete(profile.orders[0])
            session.delete(profile)
            session.commit()
        with engine.begin() as conn:
            models.Base.metadata.drop_all(conn)
    finally:
        engine.dispose()
    left = _names(url)
    assert not {n for n in left if n[1] in ("r", "type", "function")}, left
