"""The two other outputs of the same docs: SQLModel classes (`models = "sqlmodel"`) and Pydantic schemas
(`schemas = true`).

- For spec/, every example and every golden case, the SQLModel classes and the declarative models are
  built with `create_all` into two databases: the catalogs (mdschema's snapshot, names and comments
  included) have 0 differences. A SQLModel project's migrations check clean against its models.
- The SQLModel classes are used: rows inserted and selected, relationships loaded both ways, a delete
  cascades as the FK says, NULL / JSON / server defaults land as with the declarative models.
- The schemas round-trip real rows with both kinds of models: XCreate validates a payload, the model
  inserts it, XRead reads the row back equal; XCreate rejects a missing required field and a too-long
  string; the JSON schema carries the docs' column comments.
- Everything generated passes ruff, ruff format and `mypy --strict`.
"""

from __future__ import annotations

import decimal
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pydantic
import pytest
from mdschema.catalog.describe import describe
from mdschema.catalog.diff import diff
from mdschema.catalog.snapshot import snapshot
from mdschema.cli import main
from mdschema.codegen.options import RenderOptions
from mdschema.codegen.render import render
from mdschema.config import load_config
from mdschema.database import connect
from mdschema.errors import SpecError
from mdschema.migrations.models import excluded_tables, load_package
from mdschema.spec.load import load_schema
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from support.models import VENV_BIN, make_project, sql_doc
from support.projects import REPO, Project
from support.roundtrip import copy_project

GOLDEN = REPO / "tests" / "golden" / "models"
EXAMPLES = ("study_sessions", "todo_chatbot", "chat_playground", "youtube_talker")
GOLDEN_CASES = ("basic", "enums_vector", "hostile", "relationships")
SM = "sm_models"  # the SQLModel package written beside each project's declarative `generated`


def _source(name: str) -> Path:
    if name == "spec":
        return REPO
    if name in EXAMPLES:
        return REPO / "examples" / name
    return GOLDEN / name


def _project(name: str, dest: Path) -> Path:
    """A copy of the project with its declarative package generated, and the SQLModel package (with
    schemas.py) rendered beside it as `sm_models`."""
    root = copy_project(_source(name), dest)
    if not (root / "generated").is_dir():  # a golden case: docs and config only
        assert main(["-C", str(root), "generate"]) == 0
    config = load_config(root)
    schema = load_schema(config).schema
    options = replace(
        RenderOptions.from_config(config), models="sqlmodel", schemas=True, package=SM, repositories=False
    )
    (root / SM).mkdir()
    for path, text in render(schema, options).items():
        (root / SM / path).write_text(text, encoding="utf-8")
    return root


def _create_all(url: str, models: Any) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            models.Base.metadata.create_all(conn)
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", ["spec", *EXAMPLES, *GOLDEN_CASES])
def test_sqlmodel_builds_the_catalog_the_declarative_models_build(
    name: str, tmp_path: Path, make_database: Callable[..., str]
) -> None:
    root = _project(name, tmp_path / "proj")
    declarative = load_package(root, "generated", fresh=True)
    exclude = excluded_tables(declarative)
    declarative_url = make_database(None)
    _create_all(declarative_url, declarative)
    sqlmodel = load_package(root, SM, fresh=True)
    assert all(m.class_.__module__.startswith(SM) for m in sqlmodel.Base._sa_registry.mappers)
    assert {m.class_.__name__ for m in sqlmodel.Base._sa_registry.mappers} == {
        m.class_.__name__ for m in declarative.Base.registry.mappers
    }
    sqlmodel_url = make_database(None)
    _create_all(sqlmodel_url, sqlmodel)
    with connect(declarative_url) as a, connect(sqlmodel_url) as b:
        want, got = snapshot(a, exclude_tables=exclude), snapshot(b, exclude_tables=exclude)
    assert want.tables, "nothing was built"
    assert [describe(c) for c in diff(want, got)] == []


def test_a_sqlmodel_projects_migrations_check_clean(
    tmp_path: Path, pg_server: str, make_database: Callable[..., str]
) -> None:
    """The alembic env compares the migrations with the models' metadata: with `models = "sqlmodel"` the
    example's own migrations upgrade a database and `check` (models ↔ migrations ↔ database) is clean."""
    root = copy_project(REPO / "examples" / "todo_chatbot", tmp_path / "proj")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'models = "sqlmodel"\nschemas = true\n')
    project = Project(root, pg_server)
    project.ok("generate")
    assert "from sqlmodel import" in (root / "generated" / "base.py").read_text()
    url = make_database(None)
    project.ok("upgrade", database_url=url)
    project.ok("check", database_url=url)


def test_repositories_are_refused_with_sqlmodel(tmp_path: Path) -> None:
    doc = sql_doc("CREATE TABLE t (id int PRIMARY KEY);")
    root = make_project(tmp_path, {"doc.md": doc}, 'models = "sqlmodel"\nrepositories = true\n')
    with pytest.raises(SpecError, match='repositories = true is not generated for models = "sqlmodel"'):
        load_config(root)
    root2 = make_project(tmp_path / "b", {"doc.md": doc}, 'models = "sqlmode"\n')
    with pytest.raises(SpecError, match="models = 'sqlmode'"):
        load_config(root2)


# ---- the SQLModel classes and the schemas, used with real rows -----------------------------------------

SHOP = sql_doc(
    """
    CREATE EXTENSION IF NOT EXISTS vector;
    CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');

    CREATE TABLE customer (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email varchar(20) NOT NULL UNIQUE,
        name text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        prefs jsonb NOT NULL DEFAULT '{"theme": "dark"}'::jsonb,
        extra jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        embedding vector(3)
    );
    COMMENT ON COLUMN customer.email IS 'Where receipts are sent';
    COMMENT ON TABLE customer IS 'A customer of the shop.';

    CREATE TABLE shop_order (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id uuid NOT NULL REFERENCES customer(id) ON DELETE CASCADE,
        status order_status NOT NULL DEFAULT 'new',
        quantity int NOT NULL,
        unit_price numeric(10, 2) NOT NULL CHECK (unit_price >= 0),
        line_total numeric(12, 2) GENERATED ALWAYS AS (quantity * unit_price) STORED,
        note varchar(10),
        placed_on date
    );
    COMMENT ON COLUMN shop_order.status IS 'Where the order is';
    """
)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, ModuleType, ModuleType]]:
    """(declarative models, SQLModel models, SQLModel package's schemas) of the shop doc."""
    root = make_project(
        tmp_path_factory.mktemp("shop"), {"shop.md": SHOP}, 'package = "shop_sa"\nschemas = true\n'
    )
    assert main(["-C", str(root), "generate"]) == 0
    sm_root = make_project(
        tmp_path_factory.mktemp("shop_sm"),
        {"shop.md": SHOP},
        'package = "shop_sm"\nmodels = "sqlmodel"\nschemas = true\n',
    )
    assert main(["-C", str(sm_root), "generate"]) == 0
    declarative = load_package(root, "shop_sa", fresh=True)
    sqlmodel = load_package(sm_root, "shop_sm", fresh=True)
    sys.path.insert(0, str(sm_root))
    try:
        import shop_sm.schemas as schemas
    finally:
        sys.path.remove(str(sm_root))
    yield declarative, sqlmodel, schemas
    for name in [n for n in sys.modules if n.split(".")[0] in ("shop_sa", "shop_sm")]:
        del sys.modules[name]


def _engine(url: str, models: Any) -> Any:
    engine = create_engine(url)
    with engine.begin() as conn:
        models.Base.metadata.create_all(conn)
    return engine


def test_sqlmodel_rows_defaults_and_relationships(shop: Any, make_database: Callable[..., str]) -> None:
    _, models, _ = shop
    engine = _engine(make_database(None), models)
    try:
        with Session(engine) as s:
            ada = models.Customer(email="ada@example.org", name="Ada", embedding=[1, 0, 0])
            s.add(ada)
            s.add(models.ShopOrder(customer=ada, quantity=3, unit_price=decimal.Decimal("2.50")))
            s.add(models.ShopOrder(customer=ada, quantity=1, unit_price=decimal.Decimal("1"), note="gift"))
            s.commit()
        with Session(engine) as s:
            ada = s.scalars(select(models.Customer)).one()
            assert isinstance(ada.id, uuid.UUID) and ada.created_at.tzinfo is not None
            # defaults from the database, and SQL NULL (not JSON null) where nothing was given
            assert (ada.tags, ada.prefs, ada.extra) == ([], {"theme": "dark"}, None)
            with engine.connect() as conn:
                raw = conn.exec_driver_sql("SELECT extra IS NULL, prefs::text FROM customer").one()
            assert tuple(raw) == (True, '{"theme": "dark"}')
            orders = sorted(ada.shop_orders, key=lambda o: o.id)
            assert [(o.quantity, o.line_total, o.status, o.note) for o in orders] == [
                (3, decimal.Decimal("7.50"), models.OrderStatus.NEW, None),
                (1, decimal.Decimal("1.00"), models.OrderStatus.NEW, "gift"),
            ]
            assert orders[0].customer is ada
            s.delete(ada)  # ON DELETE CASCADE: the orders go too, loaded or not
            s.commit()
            assert s.scalars(select(models.ShopOrder)).all() == []
    finally:
        engine.dispose()


def test_golden_relationships_through_sqlmodel(tmp_path: Path, make_database: Callable[..., str]) -> None:
    """The golden relationships case (self-reference, two FKs to one table, one-to-one, a cycle, a
    composite key) as SQLModel classes: every relationship loads from both sides."""
    root = _project("relationships", tmp_path / "proj")
    m = load_package(root, SM, fresh=True)
    engine = _engine(make_database(None), m)
    try:
        with Session(engine) as s:
            ursula = m.Author(name="Ursula")
            octavia = m.Author(name="Octavia", mentor=ursula)
            book = m.Book(title="The Dispossessed", author=ursula, editor=octavia, isbn="9780060512750")
            s.add_all([ursula, octavia, book, m.AuthorProfile(author=ursula, bio="Anarres")])
            s.add_all([m.ShelfCopy(book=book, copy_no=1, shelf="A1"), m.ShelfCopy(book=book, copy_no=2)])
            s.commit()
            ursula.favourite_book = book
            s.commit()
        with Session(engine) as s:
            u = s.scalars(select(m.Author).where(m.Author.name == "Ursula")).one()
            o = s.scalars(select(m.Author).where(m.Author.name == "Octavia")).one()
            b = s.scalars(select(m.Book)).one()
            assert [a.name for a in u.mentor_authors] == ["Octavia"] and o.mentor is u
            assert [x.title for x in u.author_books] == [x.title for x in o.editor_books] == [b.title]
            assert (b.author, b.editor, b.edition) == (u, o, 1)  # edition: the server default
            assert u.author_profile.bio == "Anarres" and o.author_profile is None
            assert sorted(c.copy_no for c in b.shelf_copies) == [1, 2]
            assert u.favourite_book is b and b.favourite_book_authors == [u]
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", ["declarative", "sqlmodel"])
def test_schemas_round_trip_real_rows(kind: str, shop: Any, make_database: Callable[..., str]) -> None:
    declarative, sqlmodel, schemas = shop
    models = declarative if kind == "declarative" else sqlmodel
    engine = _engine(make_database(None), models)
    try:
        customer_in = schemas.CustomerCreate.model_validate(
            {"email": "bo@example.org", "name": "Bo", "extra": {"vip": True}}
        )
        with Session(engine) as s:
            customer = models.Customer(**customer_in.model_dump(exclude_unset=True))
            s.add(customer)
            s.flush()
            order_in = schemas.ShopOrderCreate(
                customer_id=customer.id, quantity=2, unit_price=decimal.Decimal("3.10"), status="paid"
            )
            order = models.ShopOrder(**order_in.model_dump(exclude_unset=True))
            s.add(order)
            s.commit()
            customer_id, order_id = customer.id, order.id
        with Session(engine) as s:
            got = schemas.CustomerRead.model_validate(s.get(models.Customer, customer_id))
            assert got.model_dump(exclude={"id", "created_at"}) == {
                "email": "bo@example.org",
                "name": "Bo",
                "tags": [],
                "prefs": {"theme": "dark"},
                "extra": {"vip": True},
                "embedding": None,
            }
            read = schemas.ShopOrderRead.model_validate(s.get(models.ShopOrder, order_id))
            assert read == schemas.ShopOrderRead(
                id=order_id,
                customer_id=customer_id,
                status=models.OrderStatus.PAID,
                quantity=2,
                unit_price=decimal.Decimal("3.10"),
                line_total=decimal.Decimal("6.20"),
                note=None,
                placed_on=None,
            )
            # an update through XUpdate: only what it sets changes
            change = schemas.ShopOrderUpdate(note="wrap it")
            row = s.get(models.ShopOrder, order_id)
            for key, value in change.model_dump(exclude_unset=True).items():
                setattr(row, key, value)
            s.commit()
            again = schemas.ShopOrderRead.model_validate(s.get(models.ShopOrder, order_id))
            assert again == read.model_copy(update={"note": "wrap it"})
    finally:
        engine.dispose()


def test_schemas_reject_what_the_database_would(shop: Any) -> None:
    _, _, schemas = shop
    with pytest.raises(pydantic.ValidationError) as missing:
        schemas.CustomerCreate.model_validate({"email": "x@example.org"})
    assert [e["loc"] for e in missing.value.errors()] == [("name",)]
    with pytest.raises(pydantic.ValidationError, match="at most 20 characters"):
        schemas.CustomerCreate(email="a-very-long-address@example.org", name="x")
    with pytest.raises(pydantic.ValidationError, match="at most 10 characters"):
        schemas.ShopOrderUpdate(note="much too long a note")
    with pytest.raises(pydantic.ValidationError, match="status"):
        schemas.ShopOrderCreate(customer_id=uuid.uuid4(), quantity=1, unit_price=1, status="lost")
    with pytest.raises(pydantic.ValidationError, match="decimal places"):
        schemas.ShopOrderCreate(customer_id=uuid.uuid4(), quantity=1, unit_price=decimal.Decimal("1.234"))
    # what the database computes or always generates is never written
    assert "line_total" not in schemas.ShopOrderCreate.model_fields
    assert (
        "id" not in schemas.ShopOrderCreate.model_fields and "id" not in schemas.ShopOrderUpdate.model_fields
    )
    assert "line_total" in schemas.ShopOrderRead.model_fields
    # the doc's prose reaches the JSON schema (FastAPI's OpenAPI)
    js = schemas.CustomerCreate.model_json_schema()
    assert js["properties"]["email"]["description"] == "Where receipts are sent"
    assert js["properties"]["email"]["maxLength"] == 20
    assert js["required"] == ["email", "name"]
    assert "A customer of the shop." in js["description"]
    assert schemas.ShopOrderRead.model_json_schema()["properties"]["status"]["description"] == (
        "Where the order is"
    )


# ---- all generated code is clean --------------------------------------------------------------------


def test_every_output_passes_ruff_and_mypy_strict(tmp_path: Path) -> None:
    """generated/, every example's package and every golden case's, and the SQLModel + schemas packages
    of all of them: ruff check, ruff format --check and `mypy --strict`."""
    packages = tmp_path / "typed"
    packages.mkdir()
    for name in ["spec", *EXAMPLES, *GOLDEN_CASES]:
        root = _project(name, tmp_path / name)
        shutil.copytree(
            root / "generated", packages / f"sa_{name}", ignore=shutil.ignore_patterns("__pycache__")
        )
        shutil.copytree(root / SM, packages / f"sm_{name}", ignore=shutil.ignore_patterns("__pycache__"))
    targets = sorted(str(p) for p in packages.iterdir())
    assert len(targets) == 18
    ruff = str(VENV_BIN / "ruff")
    common = ["--no-cache", "--isolated", "--line-length", "110", "--target-version", "py311"]
    lint = subprocess.run(
        [ruff, "check", *common, "--select", "E,F,I,UP,B", *targets], capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run(
        [ruff, "format", "--check", "--diff", *common, *targets], capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    typed = subprocess.run(
        [
            str(VENV_BIN / "mypy"),
            "--strict",
            "--python-version",
            "3.11",
            "--ignore-missing-imports",
            "--no-error-summary",
            "--cache-dir",
            str(REPO / ".mypy_cache" / "outputs"),
            *(Path(t).name for t in targets),
        ],
        capture_output=True,
        text=True,
        cwd=packages,
    )
    assert typed.returncode == 0, typed.stdout + typed.stderr


def test_models_without_sqlmodel_installed_say_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mdschema.migrations.project import MigrationError

    doc = sql_doc("CREATE TABLE t (id int PRIMARY KEY);")
    root = make_project(tmp_path, {"doc.md": doc}, 'package = "no_sqlmodel"\nmodels = "sqlmodel"\n')
    assert main(["-C", str(root), "generate"]) == 0  # generating never imports SQLModel
    monkeypatch.setitem(sys.modules, "sqlmodel", None)  # as if it were not installed
    with pytest.raises(
        MigrationError, match=r'import sqlmodel, which is not installed: pip install "mdschema\[sqlmodel\]"'
    ):
        load_package(root, "no_sqlmodel", fresh=True)
    for name in [n for n in sys.modules if n.split(".")[0] == "no_sqlmodel"]:
        del sys.modules[name]


def test_mypy_checks_sqlmodel_rows_and_schemas(tmp_path: Path) -> None:
    """A wrong enum label, a missing required column and a wrong type are mypy errors with the SQLModel
    classes and the schemas, as with the declarative models; the right calls pass."""
    root = make_project(
        tmp_path, {"shop.md": SHOP}, 'package = "typed_shop"\nmodels = "sqlmodel"\nschemas = true\n'
    )
    assert main(["-C", str(root), "generate"]) == 0
    good = (
        "import decimal, uuid\n"
        "from typed_shop import Customer, OrderStatus, ShopOrder\n"
        "from typed_shop.schemas import CustomerCreate, ShopOrderRead\n"
        'c = Customer(email="a@b.c", name="A")\n'
        "o = ShopOrder(\n"
        "    customer_id=uuid.uuid4(), quantity=1, unit_price=decimal.Decimal(1), status=OrderStatus.PAID\n"
        ")\n"
        "s: OrderStatus | None = o.status\n"
        'p = CustomerCreate(email="a@b.c", name="A")\n'
        "r: decimal.Decimal | None = ShopOrderRead.model_validate(o).line_total\n"
    )
    bad = (
        "import decimal, uuid\n"
        "from typed_shop import Customer, ShopOrder\n"
        'Customer(name="A")\n'
        'ShopOrder(customer_id=uuid.uuid4(), quantity=1, unit_price=decimal.Decimal(1), status="lost")\n'
        'ShopOrder(customer_id=uuid.uuid4(), quantity="one", unit_price=decimal.Decimal(1))\n'
    )
    (root / "good.py").write_text(good)
    (root / "bad.py").write_text(bad)

    def mypy(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                str(VENV_BIN / "mypy"),
                "--strict",
                "--python-version",
                "3.11",
                "--ignore-missing-imports",
                "--no-error-summary",
                "--cache-dir",
                str(REPO / ".mypy_cache" / "outputs"),
                name,
            ],
            capture_output=True,
            text=True,
            cwd=root,
        )

    ok = mypy("good.py")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    errors = mypy("bad.py")
    lines = sorted(line.split(": error: ")[0] for line in errors.stdout.splitlines() if ": error: " in line)
    assert lines == ["bad.py:3", "bad.py:4", "bad.py:5"], errors.stdout
    assert 'Missing named argument "email"' in errors.stdout
    assert '"status" to "ShopOrder" has incompatible type "str"' in errors.stdout


NAMES = sql_doc(
    """
    CREATE TYPE colour AS ENUM ('red', 'green');
    CREATE TABLE thing (
        id int PRIMARY KEY,
        json text NOT NULL,
        schema text,
        copy text,
        model_config text,
        model_dump_at text,
        validate text,
        metadata text,
        _secret text,
        colour colour NOT NULL DEFAULT 'green'
    );
    """
)


@pytest.mark.parametrize(("flavor", "enum_style"), [("sqlalchemy", "enum"), ("sqlmodel", "literal")])
def test_columns_named_like_pydantic_s_own_attributes(
    flavor: str, enum_style: str, tmp_path: Path, make_database: Callable[..., str]
) -> None:
    """Columns named `json`, `schema`, `model_config`, `model_dump_at`, `_secret`... are fields under
    another attribute (the column keeps its name) in the SQLModel classes and the schemas, and in the
    declarative models when schemas.py is generated, so `Model(**payload.model_dump())` still works.
    Importing warns about nothing. (The SQLModel case with `enum_style = "literal"`.)"""
    import warnings

    package = f"names_{flavor}"
    tool = f'package = "{package}"\nmodels = "{flavor}"\nschemas = true\nenum_style = "{enum_style}"\n'
    root = make_project(tmp_path, {"names.md": NAMES}, tool)
    assert main(["-C", str(root), "generate"]) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        models = load_package(root, package, fresh=True)
        schemas = __import__(f"{package}.schemas", fromlist=["ThingCreate"])
    try:
        assert list(schemas.ThingCreate.model_fields) == [
            "id",
            "json_",
            "schema_",
            "copy_",
            "model_config_",
            "c_model_dump_at",
            "validate_",
            "metadata_",
            "c_secret",
            "colour",
        ]
        engine = _engine(make_database(None), models)
        try:
            payload = schemas.ThingCreate(
                id=1, json_="{}", model_config_="m", c_secret="s", c_model_dump_at="d"
            )
            with Session(engine) as s:
                s.add(models.Thing(**payload.model_dump(exclude_unset=True)))
                s.commit()
            with engine.connect() as conn:
                row = conn.exec_driver_sql(
                    'SELECT json, model_config, "_secret", model_dump_at, colour::text FROM thing'
                ).one()
            assert tuple(row) == ("{}", "m", "s", "d", "green")
            with Session(engine) as s:
                read = schemas.ThingRead.model_validate(s.get(models.Thing, 1))
            assert (read.json_, read.model_config_, read.c_secret, read.colour) == ("{}", "m", "s", "green")
            with pytest.raises(pydantic.ValidationError):
                schemas.ThingCreate(id=2, json_="{}", colour="blue")
        finally:
            engine.dispose()
    finally:
        for name in [n for n in sys.modules if n.split(".")[0] == package]:
            del sys.modules[name]
