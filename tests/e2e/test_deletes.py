"""Deleting a parent through the ORM behaves as its foreign keys' ON DELETE says, with real rows in
PostgreSQL, whether the children are loaded in the session or not: CASCADE deletes them (and their own
CASCADE children), SET NULL nulls them, SET DEFAULT sets the default, RESTRICT and NO ACTION refuse with
the database's own error. The generated models are those of a small doc project, as SQLAlchemy
declarative classes and as SQLModel classes (`models = "sqlmodel"`)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest
from mdschema.cli import main
from mdschema.database import connect
from mdschema.migrations.env import load_package
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from support.models import make_project, sql_doc

PACKAGE = "delete_models"

DOC = sql_doc(
    """
    CREATE TABLE account (id int PRIMARY KEY);
    CREATE TABLE api_key (
      id int PRIMARY KEY,
      account_id int NOT NULL REFERENCES account(id) ON DELETE CASCADE
    );
    CREATE TABLE key_use (
      id int PRIMARY KEY,
      api_key_id int NOT NULL REFERENCES api_key(id) ON DELETE CASCADE
    );
    CREATE TABLE note (id int PRIMARY KEY, account_id int REFERENCES account(id) ON DELETE CASCADE);
    CREATE TABLE profile (account_id int PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE);
    CREATE TABLE login (id int PRIMARY KEY, account_id int REFERENCES account(id) ON DELETE SET NULL);
    CREATE TABLE badge (
      id int PRIMARY KEY,
      account_id int NOT NULL DEFAULT 0 REFERENCES account(id) ON DELETE SET DEFAULT
    );
    CREATE TABLE invoice (
      id int PRIMARY KEY,
      account_id int NOT NULL REFERENCES account(id) ON DELETE RESTRICT
    );
    CREATE TABLE ticket (id int PRIMARY KEY, account_id int REFERENCES account(id));
    """
)


@pytest.fixture(scope="module", params=["sqlalchemy", "sqlmodel"])
def models(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The doc's models, as declarative classes and as SQLModel classes: both delete alike."""
    package = PACKAGE if request.param == "sqlalchemy" else f"{PACKAGE}_sqlmodel"
    root = make_project(
        tmp_path_factory.mktemp("deletes"),
        {"accounts.md": DOC},
        f'package = "{package}"\nmodels = "{request.param}"\n',
    )
    assert main(["-C", str(root), "generate"]) == 0
    try:
        yield load_package(root, package, fresh=True)
    finally:
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]


@pytest.fixture
def engine(models: ModuleType, pg_url: str) -> Iterator[Any]:
    engine = create_engine(pg_url)
    models.Base.metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def _rows(url: str, table: str) -> list[tuple[Any, ...]]:
    with connect(url) as conn:
        return [tuple(r) for r in conn.execute(f"SELECT id, account_id FROM {table} ORDER BY id").fetchall()]


def _seed(engine: Any, models: ModuleType, *children: Any) -> None:
    with Session(engine) as session:
        session.add_all([models.Account(id=0), models.Account(id=1), *children])
        session.commit()


def _delete_account(engine: Any, models: ModuleType, load: str | None, expire_on_commit: bool = True) -> Any:
    """Delete account 1, with the collection `load` loaded first (or none); the children loaded."""
    session = Session(engine, expire_on_commit=expire_on_commit)
    account = session.get(models.Account, 1)
    value = getattr(account, load) if load else []
    loaded = list(value) if isinstance(value, list) else [value]
    session.delete(account)
    session.commit()
    return session, loaded


# ---- CASCADE ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("loaded", [False, True])
def test_cascade_deletes_children_and_grandchildren(
    models: ModuleType, engine: Any, pg_url: str, loaded: bool
) -> None:
    _seed(
        engine,
        models,
        models.ApiKey(id=10, account_id=1),
        models.KeyUse(id=100, api_key_id=10),
        models.ApiKey(id=11, account_id=0),
    )
    session, children = _delete_account(engine, models, "api_keys" if loaded else None)
    with connect(pg_url) as conn:
        assert conn.execute("SELECT id FROM api_key").fetchall() == [(11,)]
        assert conn.execute("SELECT count(*) FROM key_use").fetchone() == (0,)
    assert all(inspect(c).was_deleted for c in children)
    assert len(children) == (1 if loaded else 0)
    session.close()


@pytest.mark.parametrize("loaded", [False, True])
def test_cascade_deletes_nullable_children_instead_of_orphaning_them(
    models: ModuleType, engine: Any, pg_url: str, loaded: bool
) -> None:
    _seed(engine, models, models.Note(id=20, account_id=1), models.Note(id=21, account_id=None))
    session, children = _delete_account(engine, models, "notes" if loaded else None)
    assert _rows(pg_url, "note") == [(21, None)]
    assert all(inspect(c).was_deleted for c in children)
    session.close()


@pytest.mark.parametrize("loaded", [False, True])
def test_cascade_deletes_a_one_to_one_child(
    models: ModuleType, engine: Any, pg_url: str, loaded: bool
) -> None:
    _seed(engine, models, models.Profile(account_id=1))
    session, children = _delete_account(engine, models, "profile" if loaded else None)
    with connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM profile").fetchone() == (0,)
    assert [inspect(c).was_deleted for c in children] == ([True] if loaded else [])
    session.close()


# ---- SET NULL / SET DEFAULT ---------------------------------------------------------------------------


@pytest.mark.parametrize("expire_on_commit", [True, False])
@pytest.mark.parametrize("loaded", [False, True])
def test_set_null_nulls_children_and_loaded_ones_show_it(
    models: ModuleType, engine: Any, pg_url: str, loaded: bool, expire_on_commit: bool
) -> None:
    _seed(engine, models, models.Login(id=30, account_id=1), models.Login(id=31, account_id=0))
    session, children = _delete_account(engine, models, "logins" if loaded else None, expire_on_commit)
    assert _rows(pg_url, "login") == [(30, None), (31, 0)]
    assert [(c.id, c.account_id, c.account) for c in children] == ([(30, None, None)] if loaded else [])
    assert session.get(models.Login, 30).account_id is None
    session.close()


@pytest.mark.parametrize("loaded", [False, True])
def test_set_default_sets_the_default(models: ModuleType, engine: Any, pg_url: str, loaded: bool) -> None:
    _seed(engine, models, models.Badge(id=40, account_id=1))
    session, children = _delete_account(engine, models, "badges" if loaded else None)
    assert _rows(pg_url, "badge") == [(40, 0)]
    assert [(c.id, c.account_id) for c in children] == ([(40, 0)] if loaded else [])
    session.close()


# ---- RESTRICT / NO ACTION -----------------------------------------------------------------------------


@pytest.mark.parametrize("loaded", [False, True])
@pytest.mark.parametrize(
    ("table", "child", "collection", "error"),
    [
        ("invoice", "Invoice", "invoices", psycopg.errors.RestrictViolation),  # 23001 (23503 before 18)
        ("ticket", "Ticket", "tickets", psycopg.errors.ForeignKeyViolation),  # 23503
    ],
)
def test_restrict_and_no_action_refuse_with_the_databases_error(
    models: ModuleType,
    engine: Any,
    pg_url: str,
    loaded: bool,
    table: str,
    child: str,
    collection: str,
    error: type[Exception],
) -> None:
    _seed(engine, models, getattr(models, child)(id=50, account_id=1))
    with Session(engine) as session:
        account = session.get(models.Account, 1)
        children = list(getattr(account, collection)) if loaded else []
        session.delete(account)
        with pytest.raises(IntegrityError) as exc:
            session.commit()
        if error is psycopg.errors.RestrictViolation and engine.dialect.server_version_info < (18,):
            error = psycopg.errors.ForeignKeyViolation  # PostgreSQL 18 gave RESTRICT its own SQLSTATE
        assert type(exc.value.orig) is error
        assert f'on table "{table}"' in str(exc.value.orig)
        session.rollback()
        assert [c.account_id for c in children] == ([1] if loaded else [])
    assert _rows(pg_url, table) == [(50, 1)]
    with connect(pg_url) as conn:
        assert conn.execute("SELECT id FROM account ORDER BY id").fetchall() == [(0,), (1,)]


def test_a_not_null_cascade_child_removed_from_its_collection_is_deleted(
    models: ModuleType, engine: Any, pg_url: str
) -> None:
    """It cannot exist without its parent; a nullable one stays, its key nulled."""
    _seed(engine, models, models.ApiKey(id=10, account_id=1), models.Note(id=20, account_id=1))
    with Session(engine) as session:
        account = session.get(models.Account, 1)
        account.api_keys.clear()
        account.notes.clear()
        session.commit()
    with connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM api_key").fetchone() == (0,)
    assert _rows(pg_url, "note") == [(20, None)]


def test_a_child_created_by_its_key_column_is_not_an_orphan(
    models: ModuleType, engine: Any, pg_url: str
) -> None:
    _seed(engine, models)
    with Session(engine) as session:
        session.add(models.ApiKey(id=12, account_id=1))
        session.commit()
    assert _rows(pg_url, "api_key") == [(12, 1)]


def test_the_generated_relationships_say_it(models: ModuleType) -> None:
    rels = inspect(models.Account).relationships
    assert rels["api_keys"].cascade.delete_orphan and rels["api_keys"].passive_deletes is True
    assert rels["notes"].cascade.delete and not rels["notes"].cascade.delete_orphan
    assert not rels["logins"].cascade.delete and rels["logins"].passive_deletes is True
    for name in ("badges", "invoices", "tickets"):
        assert not rels[name].cascade.delete and rels[name].passive_deletes == "all"


REPO = Path(__file__).resolve().parents[2]
PROJECTS = ["."] + [
    f"examples/{n}" for n in ("study_sessions", "todo_chatbot", "chat_playground", "youtube_talker")
]
EXPECTED = {  # ON DELETE → (delete cascade, delete-orphan when the key is NOT NULL, passive_deletes)
    "CASCADE": (True, True, True),
    "SET NULL": (False, False, True),
    "SET DEFAULT": (False, False, "all"),
    "RESTRICT": (False, False, "all"),
    None: (False, False, "all"),  # NO ACTION
}


@pytest.mark.parametrize("project", PROJECTS)
def test_every_parent_side_of_spec_and_the_examples_follows_its_foreign_key(project: str) -> None:
    saved = {n: m for n, m in sys.modules.items() if n == "generated" or n.startswith("generated.")}
    try:
        package = load_package(REPO / project, "generated", fresh=True)
        checked = 0
        for mapper in package.Base.registry.mappers:
            for rel in mapper.relationships:
                if rel.direction.name != "ONETOMANY":
                    continue
                (fk,) = {fk.constraint for col in rel.remote_side for fk in col.foreign_keys}
                not_null = not any(c.nullable for c in fk.columns)
                delete, orphan, passive = EXPECTED[fk.ondelete]
                assert (rel.cascade.delete, rel.cascade.delete_orphan, rel.passive_deletes) == (
                    delete,
                    orphan and not_null,
                    passive,
                ), f"{mapper.class_.__name__}.{rel.key} (ON DELETE {fk.ondelete or 'NO ACTION'})"
                checked += 1
        assert checked > 0
    finally:
        for name in [n for n in sys.modules if n == "generated" or n.startswith("generated.")]:
            del sys.modules[name]
        sys.modules.update(saved)
