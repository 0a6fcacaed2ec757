"""The generated runtime layer against a real PostgreSQL: db.py (engine, get_db, init_db, close_db) and
repositories.py, on the youtube_talker example (seed 003 asks for both); plus the generated code's
quality (ruff check, ruff format --check, mypy, determinism) for the examples and a hostile schema.

The example's generated package is imported in-process with `load_package` (its `generated` replaces
the repo's own in sys.modules for the duration of this module, then the previous modules come back).
"""

from __future__ import annotations

import asyncio
import datetime
import io
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import pytest_asyncio
from mdschema.codegen.decide import decide_package
from mdschema.codegen.options import RenderOptions
from mdschema.codegen.repositories import plan
from mdschema.config import load_config
from mdschema.database import connect
from mdschema.errors import SpecError
from mdschema.migrations.env import load_package
from mdschema.spec.load import load_schema
from support.models import make_project, render_project, sql_doc

REPO = Path(__file__).resolve().parents[2]
YOUTUBE = REPO / "examples" / "youtube_talker"
REPOSITORIES_PY = YOUTUBE / "generated" / "repositories.py"
VENV_BIN = Path(sys.executable).parent


# --- loading the example's generated package ---------------------------------------------------------


def _swap_in(root: Path) -> dict[str, ModuleType]:
    saved = {n: m for n, m in sys.modules.items() if n == "generated" or n.startswith("generated.")}
    load_package(root, "generated")
    importlib_import("generated.db")
    importlib_import("generated.repositories")
    return saved


def _restore(saved: dict[str, ModuleType]) -> None:
    for name in [n for n in sys.modules if n == "generated" or n.startswith("generated.")]:
        del sys.modules[name]
    sys.modules.update(saved)


def importlib_import(name: str) -> ModuleType:
    import importlib

    return importlib.import_module(name)


class Pkg:
    """The example's generated modules."""

    def __init__(self) -> None:
        self.models = sys.modules["generated"]
        self.db = sys.modules["generated.db"]
        self.repos = sys.modules["generated.repositories"]


@pytest.fixture(scope="module")
def yt() -> Iterator[Pkg]:
    saved = _swap_in(YOUTUBE)
    try:
        yield Pkg()
    finally:
        _restore(saved)


@pytest.fixture
def db_env(monkeypatch: pytest.MonkeyPatch, pg_url: str) -> str:
    """DATABASE_URL for the test's fresh database, written the asyncpg way the seeds use."""
    url = pg_url.replace("postgresql+psycopg://", "postgresql+asyncpg://")
    monkeypatch.setenv("DATABASE_URL", url)
    for name in ("DB_POOL_SIZE", "DB_MAX_OVERFLOW", "DB_POOL_TIMEOUT", "DB_POOL_RECYCLE", "DB_ECHO"):
        monkeypatch.delenv(name, raising=False)
    return pg_url


@pytest_asyncio.fixture
async def schema_db(yt: Pkg, db_env: str) -> AsyncIterator[str]:
    """A database built by the generated init_db(); the engine is disposed afterwards."""
    await yt.db.init_db()
    try:
        yield db_env
    finally:
        await yt.db.close_db()


def _count(url: str, sql: str, *params: Any) -> int:
    with connect(url) as conn:
        row = conn.execute(sql, params).fetchone()
    assert row is not None
    return int(row[0])


# --- db.py ----------------------------------------------------------------------------------------------


def test_import_does_not_connect_and_urls_are_normalized(yt: Pkg, monkeypatch: pytest.MonkeyPatch) -> None:
    assert yt.db._engine is None and yt.db._sessionmaker is None
    norm = yt.db.normalize_url
    assert norm("postgres://u:p@h:5432/d") == "postgresql+psycopg://u:p@h:5432/d"
    assert norm("postgresql://u:p@h/d") == "postgresql+psycopg://u:p@h/d"
    assert norm("postgresql+asyncpg://u:p@h/d?ssl=require") == "postgresql+psycopg://u:p@h/d?sslmode=require"
    assert norm("postgresql+psycopg://u@/d?host=/tmp/x") == "postgresql+psycopg://u@/d?host=/tmp/x"
    with pytest.raises(ValueError, match="not a PostgreSQL URL"):
        norm("mysql://u:p@h/d")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL is not set"):
        yt.db.get_engine()


@pytest.mark.asyncio
async def test_pool_settings_from_env_with_defaults(
    yt: Pkg, db_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = yt.db.get_engine()
    try:
        assert engine.url.drivername == "postgresql+psycopg"
        assert engine.pool.size() == 10 and engine.pool._max_overflow == 20
        assert engine.pool._pre_ping is True
        assert yt.db.get_engine() is engine  # one engine per process
        maker = yt.db.get_sessionmaker()
        assert maker.kw["expire_on_commit"] is False
    finally:
        await yt.db.close_db()
    assert yt.db._engine is None
    monkeypatch.setenv("DB_POOL_SIZE", "3")
    monkeypatch.setenv("DB_MAX_OVERFLOW", "4")
    engine = yt.db.get_engine()
    try:
        assert engine.pool.size() == 3 and engine.pool._max_overflow == 4
    finally:
        await yt.db.close_db()
    monkeypatch.setenv("DB_POOL_SIZE", "many")
    with pytest.raises(ValueError, match="DB_POOL_SIZE must be an integer"):
        yt.db.get_engine()


@pytest.mark.asyncio
async def test_init_db_builds_tables_and_trigger(yt: Pkg, schema_db: str) -> None:
    tables = _count(schema_db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    assert tables == 8
    assert (
        _count(schema_db, "SELECT count(*) FROM pg_trigger WHERE tgname = 'trigger_update_conversation'") == 1
    )
    await yt.db.init_db()  # idempotent: only what is missing


@pytest.mark.asyncio
async def test_get_db_commits_on_success_and_closes(yt: Pkg, schema_db: str) -> None:
    users = yt.models.Users
    gen = yt.db.get_db()
    session = await gen.__anext__()
    session.add(users(email="commit@example.com", password_hash="h"))
    await session.flush()
    assert yt.db.get_engine().pool.checkedout() == 1
    with pytest.raises(StopAsyncIteration):
        await gen.__anext__()  # the request finished: commit, close
    assert yt.db.get_engine().pool.checkedout() == 0
    assert _count(schema_db, "SELECT count(*) FROM users WHERE email = %s", "commit@example.com") == 1


@pytest.mark.asyncio
async def test_get_db_rolls_back_on_exception_and_reraises(yt: Pkg, schema_db: str) -> None:
    users = yt.models.Users
    gen = yt.db.get_db()
    session = await gen.__anext__()
    session.add(users(email="rollback@example.com", password_hash="h"))
    await session.flush()
    with pytest.raises(ZeroDivisionError):
        await gen.athrow(ZeroDivisionError("the endpoint failed"))
    assert yt.db.get_engine().pool.checkedout() == 0
    assert _count(schema_db, "SELECT count(*) FROM users WHERE email = %s", "rollback@example.com") == 0


# --- repositories.py: one scenario per seed bullet; the coverage test runs them all again ---------------


Scenario = Callable[[Pkg, Any], Awaitable[None]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(func: Scenario) -> Scenario:
    SCENARIOS[func.__name__] = func
    return func


async def _user(p: Pkg, session: Any, email: str = "ada@example.com") -> Any:
    return await p.repos.UserRepository(session).create(email=email, password_hash="bcrypt$x")


@scenario
async def duplicate_unique_value_raises_duplicate_error(p: Pkg, maker: Any) -> None:
    async with maker() as session:
        users = p.repos.UserRepository(session)
        first = await _user(p, session)
        with pytest.raises(p.repos.DuplicateError) as info:
            await _user(p, session)
        assert info.value.constraint == "users_email_key" and info.value.table == "users"
        assert "already exists" in str(info.value)
        # the SAVEPOINT kept the transaction usable: the first row is still there and can be committed
        assert await users.get_by_email("ada@example.com") is first
        other = await _user(p, session, "bob@example.com")
        with pytest.raises(p.repos.DuplicateError):
            await users.update(other, email="ada@example.com")
        await session.rollback()
        transcripts = p.repos.TranscriptRepository(session)
        owner = await _user(p, session, "owner@example.com")
        t = await transcripts.create(user_id=owner.id, youtube_video_id="dQw4w9WgXcQ", transcript_text="...")
        with pytest.raises(p.repos.DuplicateError, match="transcripts_youtube_video_id_key"):
            await transcripts.create(user_id=owner.id, youtube_video_id="dQw4w9WgXcQ", transcript_text="!")
        chunks = p.repos.ChunkRepository(session)
        await chunks.create(
            transcript_id=t.id, user_id=owner.id, chunk_text="a", chunk_index=0, token_count=1
        )
        with pytest.raises(p.repos.DuplicateError, match="chunks_transcript_id_chunk_index_key"):
            await chunks.create(
                transcript_id=t.id, user_id=owner.id, chunk_text="b", chunk_index=0, token_count=1
            )
        templates = p.repos.TemplateRepository(session)
        values = {
            "user_id": owner.id,
            "template_type": "blog",
            "template_name": "Long read",
            "template_content": "x",
        }
        await templates.create(**values)
        with pytest.raises(p.repos.DuplicateError, match="templates_user_id_template_type_template_name_key"):
            await templates.create(**values)
        await session.commit()


@scenario
async def other_integrity_errors_are_not_duplicates(p: Pkg, maker: Any) -> None:
    from sqlalchemy.exc import IntegrityError

    async with maker() as session:
        messages = p.repos.MessageRepository(session)
        with pytest.raises(IntegrityError) as fk:  # a conversation that does not exist
            await messages.create(conversation_id=uuid.uuid4(), role="user", content="hi")
        assert not isinstance(fk.value, p.repos.DuplicateError)
        with pytest.raises(IntegrityError, match="users_email_format"):
            await p.repos.UserRepository(session).create(email="not-an-email", password_hash="h")
        with pytest.raises(TypeError, match="no attribute nickname"):
            await p.repos.UserRepository(session).update(await _user(p, session), nickname="x")


@scenario
async def missing_rows_are_none(p: Pkg, maker: Any) -> None:
    async with maker() as session:
        nobody = uuid.uuid4()
        for name in (
            "UserRepository",
            "SessionRepository",
            "ConversationRepository",
            "MessageRepository",
            "TranscriptRepository",
            "ChunkRepository",
            "TemplateRepository",
        ):
            repo = getattr(p.repos, name)(session)
            assert await repo.get(nobody) is None
            assert await repo.delete(nobody) is False
            with pytest.raises(p.repos.NotFoundError):
                await repo.update(nobody, created_at=datetime.datetime.now(datetime.UTC))
        assert await p.repos.ConfigRepository(session).get("no.such.key") is None
        assert await p.repos.UserRepository(session).get_by_email("nobody@example.com") is None
        assert await p.repos.SessionRepository(session).get_by_token_hash("nope") is None
        assert await p.repos.TranscriptRepository(session).get_by_youtube_video_id("nope") is None
        assert await p.repos.ChunkRepository(session).get_by_transcript_id_and_chunk_index(nobody, 0) is None
        assert await p.repos.ConversationRepository(session).list_by_user(nobody) == []


async def _graph(p: Pkg, session: Any) -> dict[str, Any]:
    """One user with a row in every table that hangs off users."""
    r = p.repos
    user = await _user(p, session, "graph@example.com")
    conv = await r.ConversationRepository(session).create(user_id=user.id, title="Talk")
    msg = await r.MessageRepository(session).create(conversation_id=conv.id, role="user", content="hello")
    login = await r.SessionRepository(session).create(
        user_id=user.id,
        token_hash="sha256:abc",
        expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
    )
    tr = await r.TranscriptRepository(session).create(
        user_id=user.id, youtube_video_id="vid00000001", transcript_text="words"
    )
    chunk = await r.ChunkRepository(session).create(
        transcript_id=tr.id, user_id=user.id, chunk_text="words", chunk_index=0, token_count=1
    )
    tpl = await r.TemplateRepository(session).create(
        user_id=user.id, template_type="twitter", template_name="Thread", template_content="{text}"
    )
    return {"user": user, "conv": conv, "msg": msg, "login": login, "tr": tr, "chunk": chunk, "tpl": tpl}


@scenario
async def deletes_cascade(p: Pkg, maker: Any) -> None:
    async with maker() as session:
        g = await _graph(p, session)
        await session.commit()
    async with maker() as session:
        assert await p.repos.ConversationRepository(session).delete(g["conv"].id) is True
        assert await p.repos.MessageRepository(session).get(g["msg"].id) is None
        assert await p.repos.UserRepository(session).delete(g["user"].id) is True
        await session.commit()
    async with maker() as session:
        r = p.repos
        assert await r.SessionRepository(session).get_by_token_hash("sha256:abc") is None
        assert await r.TranscriptRepository(session).get(g["tr"].id) is None
        assert await r.ChunkRepository(session).list_by_transcript(g["tr"].id) == []
        assert await r.ChunkRepository(session).list_by_user(g["user"].id) == []
        assert await r.TemplateRepository(session).list_by_user(g["user"].id) == []
        assert await r.SessionRepository(session).list_by_user(g["user"].id) == []
        assert await r.TranscriptRepository(session).list_by_user(g["user"].id) == []


@scenario
async def pagination_and_ordering(p: Pkg, maker: Any) -> None:
    base = datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)
    async with maker() as session:
        user = await _user(p, session, "pages@example.com")
        convs = p.repos.ConversationRepository(session)
        # created_at out of insertion order, and two rows sharing one created_at (the key breaks the tie)
        offsets = [3, 1, 4, 1, 5, 9, 2]
        made = [
            await convs.create(user_id=user.id, title=f"c{i}", created_at=base + datetime.timedelta(hours=h))
            for i, h in enumerate(offsets)
        ]
        expected = sorted(made, key=lambda c: (c.created_at, c.id))
        pages = [await convs.list_by_user(user.id, limit=3, offset=o) for o in (0, 3, 6, 9)]
        assert [len(page) for page in pages] == [3, 3, 1, 0]
        assert [c.id for page in pages for c in page] == [c.id for c in expected]
        assert [c.id for c in await convs.list(limit=100)] == [c.id for c in expected]
        other = await _user(p, session, "someone-else@example.com")
        await convs.create(user_id=other.id)
        assert len(await convs.list_by_user(user.id)) == len(made)

        messages = p.repos.MessageRepository(session)
        conv = made[0]
        texts = [f"m{i}" for i in range(5)]
        for i, text in enumerate(texts):
            await messages.create(
                conversation_id=conv.id,
                role="user" if i % 2 == 0 else "assistant",
                content=text,
                created_at=base + datetime.timedelta(minutes=i),
            )
        page = await messages.list_by_conversation(conv.id, limit=2, offset=1)
        assert [m.content for m in page] == ["m1", "m2"]
        assert [m.content for m in await messages.list_by_conversation(conv.id)] == texts
        assert [m.content for m in await messages.list_by_conversation(conv.id, limit=2, offset=4)] == ["m4"]
        await session.rollback()


@scenario
async def jsonb_round_trips(p: Pkg, maker: Any) -> None:
    meta = {
        "intent": "summarize",
        "chunks": ["a", "b"],
        "usage": {"prompt": 12, "ratio": 0.5},
        "ok": True,
        "none": None,
        "text": 'naïve ☕ "quoted"',
    }
    async with maker() as session:
        user = await _user(p, session, "json@example.com")
        conv = await p.repos.ConversationRepository(session).create(user_id=user.id)
        msg = await p.repos.MessageRepository(session).create(
            conversation_id=conv.id, role="assistant", content="...", metadata_=meta
        )
        plain = await p.repos.MessageRepository(session).create(
            conversation_id=conv.id, role="system", content="x"
        )
        assert plain.metadata_ == {}  # the server default '{}'::jsonb, loaded by refresh
        tpl = await p.repos.TemplateRepository(session).create(
            template_type="email", template_name="Builtin", template_content="Hi", is_default=True
        )
        assert tpl.variables == [] and tpl.user_id is None
        config = p.repos.ConfigRepository(session)
        await config.create(key="llm.model", value={"name": "gpt", "temperature": 0.2}, description="Model")
        await config.create(key="chunk.size", value=700)
        await config.create(key="features", value=["chat", "posts"])
        await session.commit()
        msg_id = msg.id
    async with maker() as session:
        got = await p.repos.MessageRepository(session).get(msg_id)
        assert got.metadata_ == meta
        config = p.repos.ConfigRepository(session)
        assert (await config.get("llm.model")).value == {"name": "gpt", "temperature": 0.2}
        assert (await config.get("chunk.size")).value == 700
        assert (await config.get("features")).value == ["chat", "posts"]
        assert [c.key for c in await config.list()] == [
            "chunk.size",
            "features",
            "llm.model",
        ]  # by the natural key
        updated = await config.update("chunk.size", value={"tokens": 512})
        assert updated.value == {"tokens": 512}
        assert await config.delete("features") is True and await config.get("features") is None
        # JSONB containment through the GIN-indexed column
        from sqlalchemy import select

        messages = p.models.Messages
        found = (
            await session.scalars(
                select(messages).where(messages.metadata_.contains({"intent": "summarize"}))
            )
        ).all()
        assert [m.id for m in found] == [msg_id]


@scenario
async def lookups_by_unique_keys(p: Pkg, maker: Any) -> None:
    r = p.repos
    async with maker() as session:
        g = await _graph(p, session)
        assert await r.UserRepository(session).get_by_email("graph@example.com") is g["user"]
        assert await r.SessionRepository(session).get_by_token_hash("sha256:abc") is g["login"]
        assert await r.TranscriptRepository(session).get_by_youtube_video_id("vid00000001") is g["tr"]
        assert (
            await r.ChunkRepository(session).get_by_transcript_id_and_chunk_index(g["tr"].id, 0) is g["chunk"]
        )
        templates = r.TemplateRepository(session)
        assert (
            await templates.get_by_user_id_and_template_type_and_template_name(
                g["user"].id, "twitter", "Thread"
            )
            is g["tpl"]
        )
        builtin = await templates.create(
            template_type="twitter", template_name="Thread", template_content="{t}"
        )
        # user_id None finds the built-in template (IS NULL), not the user's of the same name
        assert (
            await templates.get_by_user_id_and_template_type_and_template_name(None, "twitter", "Thread")
            is builtin
        )
        builtins = [t.id for t in await templates.list_by_user(None)]
        assert builtin.id in builtins and g["tpl"].id not in builtins
        assert [c.id for c in await r.ChunkRepository(session).list_by_transcript(g["tr"].id)] == [
            g["chunk"].id
        ]
        await session.rollback()


@scenario
async def updates_touch_updated_at_and_trigger_bumps_conversation(p: Pkg, maker: Any) -> None:
    old = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)
    async with maker() as session:
        r = p.repos
        g = await _graph(p, session)
        user = await r.UserRepository(session).update(g["user"].id, updated_at=old)
        assert user.updated_at == old  # given explicitly: kept
        user = await r.UserRepository(session).update(user, password_hash="bcrypt$y")
        assert user.updated_at > old and user.password_hash == "bcrypt$y"
        conv = await r.ConversationRepository(session).update(g["conv"], updated_at=old, title="Renamed")
        assert conv.updated_at == old and conv.title == "Renamed"
        await r.MessageRepository(session).create(conversation_id=conv.id, role="assistant", content="reply")
        await session.refresh(conv)
        assert conv.updated_at > old  # bumped by trigger_update_conversation
        for repo, obj, values in (
            (r.SessionRepository, g["login"], {"expires_at": old}),
            (r.TranscriptRepository, g["tr"], {"title": "A talk", "duration": 61}),
            (r.ChunkRepository, g["chunk"], {"token_count": 2}),
            (r.TemplateRepository, g["tpl"], {"template_content": "{x}"}),
            (r.MessageRepository, g["msg"], {"content": "edited"}),
        ):
            changed = await repo(session).update(obj.id, **values)
            assert all(getattr(changed, k) == v for k, v in values.items())
        await session.rollback()


@scenario
async def every_repository_lists_and_deletes(p: Pkg, maker: Any) -> None:
    r = p.repos
    async with maker() as session:
        g = await _graph(p, session)
        for repo, key in (
            (r.MessageRepository, "msg"),
            (r.ChunkRepository, "chunk"),
            (r.TemplateRepository, "tpl"),
            (r.SessionRepository, "login"),
            (r.TranscriptRepository, "tr"),
            (r.ConversationRepository, "conv"),
            (r.UserRepository, "user"),
        ):
            rows = await repo(session).list()
            assert g[key] in rows
            assert await repo(session).delete(g[key].id) is True
        await session.commit()


SCENARIO_NAMES = sorted(SCENARIOS)


@pytest_asyncio.fixture
async def maker(yt: Pkg, schema_db: str) -> Any:
    return yt.db.get_sessionmaker()


@pytest.mark.asyncio
@pytest.mark.parametrize("name", SCENARIO_NAMES)
async def test_repository(yt: Pkg, maker: Any, name: str) -> None:
    await SCENARIOS[name](yt, maker)


def test_repository_names_follow_the_seed(yt: Pkg) -> None:
    r = yt.repos
    assert {n for n in r.__all__ if n.endswith("Repository")} == {
        "Repository",
        "UserRepository",
        "SessionRepository",
        "ConversationRepository",
        "MessageRepository",
        "TranscriptRepository",
        "ChunkRepository",
        "TemplateRepository",
        "ConfigRepository",
    }
    assert hasattr(r.UserRepository, "get_by_email") and hasattr(r.MessageRepository, "list_by_conversation")
    assert hasattr(r.ConversationRepository, "list_by_user") and hasattr(
        r.ChunkRepository, "list_by_transcript"
    )
    assert not hasattr(r.ConfigRepository, "list_by_user")
    assert issubclass(r.DuplicateError, Exception) and issubclass(r.NotFoundError, LookupError)


def test_repositories_coverage_over_80_percent(
    make_database: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every scenario again, with coverage measuring the generated repositories.py (imported afresh)."""
    import coverage

    cov = coverage.Coverage(data_file=None, include=[str(REPOSITORIES_PY)], config_file=False)
    saved = {n: m for n, m in sys.modules.items() if n == "generated" or n.startswith("generated.")}
    cov.start()
    try:
        pkg = _load_fresh()

        async def run_all() -> None:
            from sqlalchemy import text

            await pkg.db.init_db()
            tables = ", ".join(t.name for t in pkg.models.Base.metadata.sorted_tables)
            try:
                for name in SCENARIO_NAMES:  # each on empty tables, as in test_repository
                    await SCENARIOS[name](pkg, pkg.db.get_sessionmaker())
                    async with pkg.db.get_engine().begin() as conn:
                        await conn.execute(text(f"TRUNCATE {tables} CASCADE"))
            finally:
                await pkg.db.close_db()

        monkeypatch.setenv("DATABASE_URL", make_database())
        asyncio.run(run_all())
    finally:
        cov.stop()
        _restore(saved)
    out = io.StringIO()
    percent = cov.report(file=out, show_missing=True)
    print(out.getvalue())
    assert percent > 80, out.getvalue()


def _load_fresh() -> Pkg:
    load_package(YOUTUBE, "generated", fresh=True)
    importlib_import("generated.db")
    importlib_import("generated.repositories")
    return Pkg()


# --- the generated code itself ----------------------------------------------------------------------------

HOSTILE = r"""
CREATE TYPE mood AS ENUM ('happy', 'sad');

CREATE TABLE categories (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id BIGINT REFERENCES categories (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    "limit" INTEGER NOT NULL DEFAULT 10,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMP NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX categories_slug_idx ON categories (slug);
CREATE UNIQUE INDEX categories_lower_slug_idx ON categories (lower(slug));
CREATE UNIQUE INDEX categories_limit_idx ON categories ("limit") WHERE parent_id IS NULL;

CREATE TABLE repository (
    tenant TEXT NOT NULL,
    code INTEGER NOT NULL,
    category_id BIGINT REFERENCES categories (id),
    backup_category_id BIGINT REFERENCES categories (id),
    state mood NOT NULL,
    price NUMERIC(10, 2),
    at DATE,
    PRIMARY KEY (tenant, code),
    UNIQUE (state, at),
    UNIQUE NULLS NOT DISTINCT (price)
);

CREATE TABLE repository_lines (
    tenant TEXT NOT NULL,
    code INTEGER NOT NULL,
    line INTEGER NOT NULL,
    PRIMARY KEY (tenant, code, line),
    FOREIGN KEY (tenant, code) REFERENCES repository (tenant, code) ON DELETE CASCADE
);

CREATE TABLE statuses (
    name TEXT PRIMARY KEY,
    label TEXT,
    CONSTRAINT "label ""uq"" \ x" UNIQUE (label)
);
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(
        tmp_path_factory.mktemp("hostile") / "proj",
        {"doc.md": sql_doc(HOSTILE)},
        "session_layer = true\nrepositories = true\n",
    )
    files = render_project(root)
    (root / "generated").mkdir()
    for name, text in files.items():
        (root / "generated" / name).write_text(text)
    return root


def test_hostile_repository_decisions(hostile: Path) -> None:
    config = load_config(hostile)
    schema = load_schema(config).schema
    plans, imports, skipped = plan(schema, decide_package(schema, RenderOptions.from_config(config)))
    by_table = {p.table: p for p in plans}
    assert skipped == []
    cats = by_table["categories"]
    assert cats.name == "CategoryRepository" and cats.order_by == ("created_at", "id")
    assert cats.touch == "updated_at"
    # the plain unique index gives get_by_slug; expression and partial unique indexes give nothing
    assert [lk.method for lk in cats.get_by] == ["get_by_slug"]
    assert [lk.method for lk in cats.list_by] == ["list_by_parent"]
    repo = by_table["repository"]
    assert repo.model == "RepositoryModel"  # the class Repository would shadow the base class
    assert imports["doc"]["Repository"] == "RepositoryModel"
    assert [k.name for k in repo.primary_key] == ["tenant", "code"] and repo.order_by == ("tenant", "code")
    assert [lk.method for lk in repo.get_by] == ["get_by_state_and_at", "get_by_price"]
    assert [lk.method for lk in repo.list_by] == ["list_by_category", "list_by_backup_category"]
    assert [k.annotation for k in repo.get_by[1].params] == ["decimal.Decimal | None"]
    lines = by_table["repository_lines"]
    assert [lk.method for lk in lines.list_by] == ["list_by_tenant_and_code"]
    assert by_table["statuses"].name == "StatusRepository"


def test_generated_runtime_code_is_lint_format_and_type_clean(hostile: Path, tmp_path: Path) -> None:
    """ruff check, ruff format --check and mypy --strict on db.py and repositories.py of the examples and of
    two hostile schemas (composite keys, a model named Repository, a column named limit, enums, numerics,
    quotes and backslashes in names, keywords as columns)."""
    golden = tmp_path / "golden_hostile"  # the golden suite's hostile names, with both layers on
    shutil.copytree(
        REPO / "tests" / "golden" / "models" / "hostile", golden, ignore=shutil.ignore_patterns("expected")
    )
    with open(golden / "pyproject.toml", "a") as fh:
        fh.write("session_layer = true\nrepositories = true\n")
    (golden / "generated").mkdir()
    for name, text in render_project(golden).items():
        (golden / "generated" / name).write_text(text)
    roots = [hostile, golden] + [
        REPO / "examples" / n for n in ("todo_chatbot", "chat_playground", "youtube_talker")
    ]
    targets = [str(r / "generated") for r in roots]
    ruff = str(VENV_BIN / "ruff")
    lint = subprocess.run(
        [
            ruff,
            "check",
            "--no-cache",
            "--isolated",
            "--line-length",
            "110",
            "--select",
            "E,F,I,UP,B",
            "--target-version",
            "py311",
            *targets,
        ],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run(
        [
            ruff,
            "format",
            "--no-cache",
            "--isolated",
            "--check",
            "--diff",
            "--line-length",
            "110",
            "--target-version",
            "py311",
            *targets,
        ],
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    # one mypy run over all four packages, each copied under its own name (all are called `generated`)
    packages = tmp_path / "typed"
    for i, root in enumerate(roots):
        shutil.copytree(root / "generated", packages / f"generated_{i}")
    files = sorted(str(p) for p in packages.glob("*/*.py") if p.name in ("db.py", "repositories.py"))
    assert len(files) == 8, files  # five db.py; chat_playground and todo_chatbot have no repositories.py
    typed = subprocess.run(
        [
            str(VENV_BIN / "mypy"),
            "--strict",
            "--python-version",
            "3.11",
            "--ignore-missing-imports",
            "--cache-dir",
            str(REPO / ".mypy_cache" / "runtime-layer"),
            *files,
        ],
        capture_output=True,
        text=True,
        cwd=packages,
    )
    assert typed.returncode == 0, typed.stdout + typed.stderr


def test_generation_is_deterministic_and_off_by_default(hostile: Path, tmp_path: Path) -> None:
    assert render_project(hostile) == render_project(hostile)
    plain = make_project(tmp_path / "plain", {"doc.md": sql_doc(HOSTILE)})
    files = render_project(plain)
    assert "db.py" not in files and "repositories.py" not in files
    assert "db" not in files["__init__.py"] and "repositories" not in files["__init__.py"]
    assert load_config(REPO).session_layer is False and load_config(REPO).repositories is False


def test_turning_a_layer_off_removes_its_module(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mdschema.cli import main

    root = make_project(
        tmp_path,
        {"doc.md": sql_doc("CREATE TABLE t (id INT PRIMARY KEY);")},
        "session_layer = true\nrepositories = true\n",
    )
    assert main(["-C", str(root), "generate"]) == 0
    assert (root / "generated" / "db.py").is_file() and (root / "generated" / "repositories.py").is_file()
    (root / "pyproject.toml").write_text('[tool.mdschema]\ndocs = ["spec/*.md"]\n')
    assert main(["-C", str(root), "check", "--offline", "-q"]) == 1  # the two modules are now stale
    assert main(["-C", str(root), "generate"]) == 0
    assert (
        not (root / "generated" / "db.py").exists() and not (root / "generated" / "repositories.py").exists()
    )
    assert "removed generated/db.py" in capsys.readouterr().out


def test_layer_flags_must_be_booleans(tmp_path: Path) -> None:
    make_project(
        tmp_path, {"doc.md": sql_doc("CREATE TABLE t (id INT PRIMARY KEY);")}, 'session_layer = "yes"\n'
    )
    with pytest.raises(SpecError, match="session_layer must be true or false"):
        load_config(tmp_path)


def test_hostile_repositories_work_against_postgresql(
    hostile: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Composite keys, a renamed model and a column named `limit` behave at runtime too."""
    monkeypatch.setenv("DATABASE_URL", pg_url)
    saved = _swap_in(hostile)
    try:
        pkg = Pkg()
        r = pkg.repos

        async def run() -> None:
            await pkg.db.init_db()
            try:
                async with pkg.db.get_sessionmaker()() as s:
                    cats = r.CategoryRepository(s)
                    root_cat = await cats.create(slug="root")
                    child = await cats.create(slug="child", parent_id=root_cat.id, limit=3)
                    assert child.limit == 3 and root_cat.limit == 10
                    assert [c.id for c in await cats.list_by_parent(root_cat.id)] == [child.id]
                    assert await cats.get_by_slug("child") is child
                    with pytest.raises(r.DuplicateError, match="categories_(lower_)?slug_idx"):
                        await cats.create(slug="child", parent_id=root_cat.id)
                    rows = r.RepositoryRepository(s)
                    row = await rows.create(tenant="acme", code=7, state="happy", category_id=child.id)
                    assert await rows.get("acme", 7) is row
                    assert await rows.get_by_state_and_at("happy", None) is row
                    with pytest.raises(r.DuplicateError, match="repository_price_key"):
                        await rows.create(tenant="acme", code=8, state="sad")  # NULLS NOT DISTINCT
                    lines = r.RepositoryLineRepository(s)
                    await lines.create(tenant="acme", code=7, line=1)
                    assert len(await lines.list_by_tenant_and_code("acme", 7)) == 1
                    updated = await rows.update(("acme", 7), state="sad")
                    assert updated.state == "sad"
                    assert await rows.delete("acme", 7) is True
                    assert await lines.list_by_tenant_and_code("acme", 7) == []
                    statuses = r.StatusRepository(s)
                    await statuses.create(name="open")
                    assert [x.name for x in await statuses.list()] == ["open"]
                    await s.rollback()
            finally:
                await pkg.db.close_db()

        asyncio.run(run())
    finally:
        _restore(saved)
