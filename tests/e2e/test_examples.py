"""The four example projects end to end, each checked against its seed's acceptance criteria.

For each example, in a throw-away copy: `mdschema check --offline` is clean; `mdschema upgrade` on a fresh
database (a plain one, without pgvector, so the migration has to create the extension) → `mdschema check`
is clean at every level → `mdschema downgrade base` leaves nothing behind → `mdschema upgrade` again. The
seed-specific tests then read the catalog of that database and exercise its constraints inside
transactions that are rolled back. Shadow databases go to the test session's server (MDSCHEMA_SHADOW_URL).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from mdschema.database import connect, create_database, database_url, drop_database
from mdschema.migrations.env import load_package
from psycopg import errors

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = ("study_sessions", "todo_chatbot", "chat_playground", "youtube_talker")


def mds(
    root: Path, *args: str, db: str | None = None, shadow: str | None = None, expect: int = 0
) -> subprocess.CompletedProcess[str]:
    """Run the mdschema CLI on project `root` in a subprocess, as a user would."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MDSCHEMA_SHADOW_URL")}
    if db:
        env["DATABASE_URL"] = db
    if shadow:
        env["MDSCHEMA_SHADOW_URL"] = shadow
    proc = subprocess.run(
        [sys.executable, "-m", "mdschema.cli", "-C", str(root), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == expect, (
        f"mdschema {' '.join(args)} → {proc.returncode}\n{proc.stdout}{proc.stderr}"
    )
    return proc


def copy_example(name: str, dest: Path) -> Path:
    target = dest / name
    shutil.copytree(
        REPO / "examples" / name, target, ignore=shutil.ignore_patterns(".mdschema", "__pycache__")
    )
    return target


# --- catalog queries ---------------------------------------------------------------------------------------

OWN = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {oid} AND d.deptype = 'e')"  # not an extension's


def q(conn: psycopg.Connection, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]


def leftovers(url: str) -> dict[str, list[Any]]:
    """Everything a migration could have left in the public schema, alembic_version excepted."""
    with connect(url) as c:
        return {
            "tables": [
                r[0]
                for r in q(
                    c,
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'",
                )
            ],
            "types": [
                r[0]
                for r in q(
                    c,
                    "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                    "WHERE n.nspname = 'public' AND t.typtype IN ('e', 'c', 'd') AND "
                    "t.typrelid = 0 AND " + OWN.format(oid="t.oid"),
                )
            ],
            "functions": [
                r[0]
                for r in q(
                    c,
                    "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON "
                    "n.oid = p.pronamespace WHERE n.nspname = 'public' AND " + OWN.format(oid="p.oid"),
                )
            ],
            "triggers": [r[0] for r in q(c, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")],
            "sequences": [
                r[0]
                for r in q(
                    c,
                    "SELECT relname FROM pg_class WHERE relkind = 'S' AND "
                    "relnamespace = 'public'::regnamespace",
                )
            ],
            "extensions": [r[0] for r in q(c, "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'")],
        }


def indexdefs(conn: psycopg.Connection, table: str) -> dict[str, str]:
    return dict(
        q(
            conn,
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = %s",
            table,
        )
    )


def foreign_keys(conn: psycopg.Connection) -> dict[str, tuple[str, str, str]]:
    """{name: (table, columns, on delete action)} of every foreign key."""
    rows = q(
        conn,
        "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid), confdeltype "
        "FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace",
    )
    return {name: (table, definition, action) for name, table, definition, action in rows}


def uniques(conn: psycopg.Connection) -> set[tuple[str, str]]:
    """(table, definition) of every unique constraint."""
    rows = q(
        conn,
        "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'u' AND connamespace = 'public'::regnamespace",
    )
    return {(t, d) for t, d in rows}


def checks(conn: psycopg.Connection) -> dict[str, str]:
    rows = q(
        conn,
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'c' AND connamespace = 'public'::regnamespace",
    )
    return dict(rows)


def columns(conn: psycopg.Connection, table: str) -> dict[str, tuple[str, bool, str | None, str]]:
    """{column: (format_type, nullable, default, identity)}."""
    rows = q(
        conn,
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, "
        "pg_get_expr(d.adbin, d.adrelid), a.attidentity FROM pg_attribute a "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
        table,
    )
    return {name: (typ, nullable, default, identity) for name, typ, nullable, default, identity in rows}


def public_tables(conn: psycopg.Connection) -> set[str]:
    return {r[0] for r in q(conn, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


# --- one lifecycle per example ----------------------------------------------------------------------------


@dataclass
class Lifecycle:
    root: Path
    url: str  # database at head after the lifecycle
    outputs: dict[str, str] = field(default_factory=dict)
    extensions_before: list[str] = field(default_factory=list)
    extensions_at_head: list[str] = field(default_factory=list)
    after_downgrade: dict[str, list[Any]] = field(default_factory=dict)
    version_after_downgrade: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def lifecycle(
    pg_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], Lifecycle]]:
    done: dict[str, Lifecycle] = {}
    databases: list[str] = []

    def run(name: str) -> Lifecycle:
        if not done:  # two at a time: while one waits on PostgreSQL, the other runs
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=2) as pool:  # two cores
                results = list(pool.map(one, EXAMPLES))
            done.update(zip(EXAMPLES, results, strict=True))
        return done[name]

    def one(name: str) -> Lifecycle:
        root = copy_example(name, tmp_path_factory.mktemp(name))
        dbname = f"ex_{name}_{uuid.uuid4().hex[:6]}"
        create_database(pg_server, dbname)  # template1: no pgvector, nothing else
        databases.append(dbname)
        url = database_url(pg_server, dbname)
        lc = Lifecycle(root=root, url=url)
        lc.outputs["offline"] = mds(root, "check", "--offline").stdout
        lc.extensions_before = leftovers(url)["extensions"]
        lc.outputs["upgrade"] = mds(root, "upgrade", db=url, shadow=pg_server).stdout
        lc.extensions_at_head = leftovers(url)["extensions"]
        lc.outputs["check"] = mds(root, "check", db=url, shadow=pg_server).stdout
        lc.outputs["downgrade"] = mds(root, "downgrade", "base", db=url, shadow=pg_server).stdout
        lc.after_downgrade = leftovers(url)
        with connect(url) as c:
            lc.version_after_downgrade = [r[0] for r in q(c, "SELECT version_num FROM alembic_version")]
        lc.outputs["upgrade again"] = mds(root, "upgrade", db=url, shadow=pg_server).stdout
        return lc

    try:
        yield run
    finally:
        for dbname in databases:
            drop_database(pg_server, dbname)


def head_revision(root: Path) -> str:
    revisions = [
        re.search(r'^revision: str = "(\w+)"', p.read_text(), re.M)
        for p in (root / "alembic" / "versions").glob("*.py")
    ]
    found = [m.group(1) for m in revisions if m]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("name", EXAMPLES)
def test_lifecycle(name: str, lifecycle: Callable[[str], Lifecycle]) -> None:
    lc = lifecycle(name)
    assert "generated/ is current for the docs" in lc.outputs["offline"]
    assert "mdschema: clean (docs, generated/, migrations, database)" in lc.outputs["check"]
    assert lc.after_downgrade == {
        "tables": [],
        "types": [],
        "functions": [],
        "triggers": [],
        "sequences": [],
        "extensions": [],
    }
    assert lc.version_after_downgrade == []
    with connect(lc.url) as c:
        assert q(c, "SELECT version_num FROM alembic_version") == [(head_revision(lc.root),)]
    assert (lc.root / "alembic.ini").is_file() and (lc.root / "alembic" / "env.py").is_file()
    assert (lc.root / "alembic" / "script.py.mako").is_file()


@pytest.fixture
def tx(request: pytest.FixtureRequest) -> Callable[[Lifecycle], Iterator[psycopg.Connection]]:
    """A connection in a transaction that is rolled back, so tests leave the shared database as it was."""
    opened: list[psycopg.Connection] = []

    def open_(lc: Lifecycle) -> psycopg.Connection:
        conn = psycopg.connect(lc.url.replace("postgresql+psycopg://", "postgresql://"))
        opened.append(conn)
        return conn

    def close_all() -> None:
        for conn in opened:
            conn.rollback()
            conn.close()

    request.addfinalizer(close_all)
    return open_  # type: ignore[return-value]


# --- study_sessions (seed 000) -----------------------------------------------------------------------------

STUDY_ENUMS = {
    "session_status": ["UPLOADING", "GENERATING_PLAN", "EDITING_PLAN", "CHUNKING", "ACTIVE", "COMPLETED"],
    "processing_status": ["PENDING", "PROCESSING", "COMPLETED", "FAILED"],
    "chat_type": ["TOPIC", "GENERAL"],
    "chunk_type": ["PARENT", "CHILD"],
}


def test_study_sessions_schema(lifecycle: Callable[[str], Lifecycle]) -> None:
    lc = lifecycle("study_sessions")
    assert lc.extensions_before == [] and lc.extensions_at_head == ["vector"]  # created by the migration
    migration = next((lc.root / "alembic" / "versions").glob("*.py")).read_text()
    assert 'op.execute("CREATE EXTENSION IF NOT EXISTS vector")' in migration
    with connect(lc.url) as c:
        assert public_tables(c) == {
            "alembic_version",
            "profiles",
            "study_sessions",
            "topics",
            "chats",
            "messages",
            "documents",
            "document_chunks",
        }
        enums = dict(
            q(
                c,
                "SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_type t "
                "JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname",
            )
        )
        assert enums == STUDY_ENUMS
        chunks = indexdefs(c, "document_chunks")
        assert chunks["idx_document_chunks_embedding"] == (
            "CREATE INDEX idx_document_chunks_embedding ON public.document_chunks USING hnsw "
            "(embedding vector_cosine_ops) WITH (m='16', ef_construction='64') WHERE (embedding IS NOT NULL)"
        )
        assert chunks["idx_document_chunks_related_topics"] == (
            "CREATE INDEX idx_document_chunks_related_topics ON public.document_chunks "
            "USING gin (related_topic_ids)"
        )
        cols = columns(c, "document_chunks")
        assert cols["embedding"][:2] == ("vector(768)", True)
        assert cols["related_topic_ids"][0] == "uuid[]" and cols["type"][0] == "chunk_type"
        assert columns(c, "study_sessions")["status"] == (
            "session_status",
            False,
            "'UPLOADING'::session_status",
            "",
        )
        assert columns(c, "study_sessions")["draft_plan"][0] == "jsonb"
        assert columns(c, "topics")["subtopics"][0] == "text[]"
        fks = foreign_keys(c)
        assert len(fks) == 9 and {action for _, _, action in fks.values()} == {
            "c"
        }  # every FK ON DELETE CASCADE
        assert fks["document_chunks_parent_chunk_id_fkey"][1] == (
            "FOREIGN KEY (parent_chunk_id) REFERENCES document_chunks(id) ON DELETE CASCADE"
        )
        assert columns(c, "chats")["topic_id"][:2] == ("uuid", True)  # nullable ...
        assert ("chats", "UNIQUE (topic_id)") in uniques(c)  # ... and unique
        assert ("profiles", "UNIQUE (email)") in uniques(c)
        assert checks(c)["messages_role_check"] == (
            "CHECK (((role)::text = ANY ((ARRAY['user'::character varying, 'assistant'::character varying, "
            "'system'::character varying])::text[])))"
        )
    assert (
        lc.after_downgrade["tables"] == [] and lc.after_downgrade["types"] == []
    )  # downgrade removed the enums


def test_study_sessions_role_check_and_topic_unique(lifecycle: Callable[[str], Lifecycle], tx: Any) -> None:
    conn = tx(lifecycle("study_sessions"))
    (profile,) = conn.execute(
        "INSERT INTO profiles (email, password_hash) VALUES ('l@x.io', 'h') RETURNING id"
    ).fetchone()
    (session,) = conn.execute(
        "INSERT INTO study_sessions (profile_id, title) VALUES (%s, 'Algebra') RETURNING id", (profile,)
    ).fetchone()
    (topic,) = conn.execute(
        "INSERT INTO topics (session_id, title, order_index) VALUES (%s, 'Groups', 0) RETURNING id",
        (session,),
    ).fetchone()
    (chat,) = conn.execute(
        "INSERT INTO chats (session_id, type, topic_id) VALUES (%s, 'TOPIC', %s) RETURNING id",
        (session, topic),
    ).fetchone()
    conn.execute(
        "INSERT INTO chats (session_id, type) VALUES (%s, 'GENERAL'), (%s, 'GENERAL')", (session, session)
    )
    conn.execute("INSERT INTO messages (chat_id, role, content) VALUES (%s, 'system', 'Be brief')", (chat,))
    with pytest.raises(errors.CheckViolation), conn.transaction():
        conn.execute("INSERT INTO messages (chat_id, role, content) VALUES (%s, 'tutor', 'x')", (chat,))
    with pytest.raises(errors.UniqueViolation), conn.transaction():
        conn.execute(
            "INSERT INTO chats (session_id, type, topic_id) VALUES (%s, 'TOPIC', %s)", (session, topic)
        )
    with pytest.raises(errors.InvalidTextRepresentation), conn.transaction():
        conn.execute("UPDATE study_sessions SET status = 'PAUSED' WHERE id = %s", (session,))
    conn.execute("DELETE FROM profiles WHERE id = %s", (profile,))  # cascades through sessions to messages
    assert conn.execute(
        "SELECT (SELECT count(*) FROM chats) + (SELECT count(*) FROM messages) + "
        "(SELECT count(*) FROM topics)"
    ).fetchone() == (0,)


def test_study_sessions_vector_search_uses_hnsw(lifecycle: Callable[[str], Lifecycle]) -> None:
    """Chunks with 768-dim embeddings inserted through the generated models; the nearest-neighbour query
    is answered from the HNSW index."""
    from sqlalchemy import create_engine, select, text
    from sqlalchemy.orm import Session

    lc = lifecycle("study_sessions")
    saved = {n: m for n, m in sys.modules.items() if n == "generated" or n.startswith("generated.")}
    models = load_package(lc.root, "generated")
    engine = create_engine(lc.url)
    try:
        with Session(engine) as s:
            profile = models.Profiles(email=f"v{uuid.uuid4().hex[:6]}@x.io", password_hash="h")
            session = models.StudySessions(profile=profile, title="Vectors", status="CHUNKING")
            doc = models.Documents(session=session, file_name="a.pdf", file_path="s3://a.pdf")
            topic_id = uuid.uuid4()

            def vec(i: int) -> list[float]:
                v = [0.0] * 768
                v[i % 768], v[(i * 7 + 3) % 768] = 1.0, 0.5
                return v

            parent = models.DocumentChunks(document=doc, session=session, chunk_text="parent", type="PARENT")
            s.add(parent)
            children = [
                models.DocumentChunks(
                    document=doc,
                    session=session,
                    parent_chunk=parent,
                    chunk_text=f"c{i}",
                    type="CHILD",
                    embedding=vec(i),
                    related_topic_ids=[topic_id],
                )
                for i in range(40)
            ]
            s.add_all(children)
            s.commit()
            got = s.get(models.DocumentChunks, children[5].id)
            assert got is not None and len(got.embedding) == 768 and got.related_topic_ids == [topic_id]

            query = text(
                "SELECT id FROM document_chunks WHERE embedding IS NOT NULL "
                "ORDER BY embedding <=> CAST(:q AS vector) LIMIT 5"
            )
            q_vec = str(vec(5))
            # 41 rows are too few for the planner to prefer an index over a sequential scan; disabling seqscan
            # (for this transaction only) shows the index can answer the query. The WHERE clause matches the
            # partial index's predicate, without which PostgreSQL may not use a partial index at all.
            s.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(r[0] for r in s.execute(text("EXPLAIN " + str(query)), {"q": q_vec}))
            assert "idx_document_chunks_embedding" in plan, plan
            ids = [r[0] for r in s.execute(query, {"q": q_vec})]
            assert ids[0] == children[5].id and len(ids) == 5
            gin = select(models.DocumentChunks.id).where(
                models.DocumentChunks.related_topic_ids.contains([topic_id])
            )
            assert len(s.execute(gin).all()) == 40
            s.rollback()
            s.execute(text("DELETE FROM profiles WHERE id = :p"), {"p": profile.id})
            s.commit()
    finally:
        engine.dispose()
        for n in [n for n in sys.modules if n == "generated" or n.startswith("generated.")]:
            del sys.modules[n]
        sys.modules.update(saved)


# --- todo_chatbot (seed 001) -------------------------------------------------------------------------------

TODO_INDEXES = {
    "users": {"ix_users_email": "CREATE UNIQUE INDEX ix_users_email ON public.users USING btree (email)"},
    "conversations": {"ix_conversation_user_id": "USING btree (user_id)"},
    "messages": {
        "ix_message_conversation_id": "USING btree (conversation_id)",
        "ix_message_user_id": "USING btree (user_id)",
        "ix_message_created_at": "USING btree (created_at)",
    },
    "tasks": {
        "ix_task_user_id": "USING btree (user_id)",
        "ix_task_completed": "USING btree (completed)",
        "ix_task_user_completed": "USING btree (user_id, completed)",
    },
}


def test_todo_chatbot_schema(lifecycle: Callable[[str], Lifecycle]) -> None:
    lc = lifecycle("todo_chatbot")
    with connect(lc.url) as c:
        assert public_tables(c) == {"alembic_version", "users", "conversations", "messages", "tasks"}
        for table, wanted in TODO_INDEXES.items():
            defs = indexdefs(c, table)
            for name, ending in wanted.items():
                assert name in defs, (table, name, defs)
                assert defs[name].endswith(ending), defs[name]
        fks = foreign_keys(c)
        assert sorted(fks) == [
            "conversations_user_id_fkey",
            "messages_conversation_id_fkey",
            "messages_user_id_fkey",
            "tasks_user_id_fkey",
        ]
        assert {action for _, _, action in fks.values()} == {"c"}
        tasks = columns(c, "tasks")
        assert tasks["id"] == ("integer", False, None, "d")  # GENERATED BY DEFAULT AS IDENTITY
        for table in ("users", "conversations", "messages"):
            assert columns(c, table)["id"] == ("uuid", False, "gen_random_uuid()", "")
        for table in ("users", "conversations", "messages", "tasks"):
            cols = columns(c, table)
            for stamp in ("created_at", "updated_at"):
                assert cols[stamp] == ("timestamp with time zone", False, "now()", ""), (table, stamp)


def test_todo_chatbot_tasks_numbered_and_user_delete_cascades(
    lifecycle: Callable[[str], Lifecycle], tx: Any
) -> None:
    conn = tx(lifecycle("todo_chatbot"))
    (user,) = conn.execute("INSERT INTO users (email) VALUES ('t@x.io') RETURNING id").fetchone()
    ids = [
        conn.execute("INSERT INTO tasks (user_id, title) VALUES (%s, %s) RETURNING id", (user, t)).fetchone()[
            0
        ]
        for t in ("milk", "eggs")
    ]
    assert ids[1] == ids[0] + 1
    (conv,) = conn.execute("INSERT INTO conversations (user_id) VALUES (%s) RETURNING id", (user,)).fetchone()
    conn.execute(
        "INSERT INTO messages (conversation_id, user_id, role, content) VALUES (%s, %s, 'user', 'hi')",
        (conv, user),
    )
    with pytest.raises(errors.UniqueViolation), conn.transaction():
        conn.execute("INSERT INTO users (email) VALUES ('t@x.io')")
    conn.execute("DELETE FROM users WHERE id = %s", (user,))
    assert conn.execute(
        "SELECT (SELECT count(*) FROM tasks) + (SELECT count(*) FROM conversations) + "
        "(SELECT count(*) FROM messages)"
    ).fetchone() == (0,)


# --- chat_playground (seed 002) ----------------------------------------------------------------------------


def test_chat_playground_schema(lifecycle: Callable[[str], Lifecycle]) -> None:
    lc = lifecycle("chat_playground")
    with connect(lc.url) as c:
        # validation checklist: alembic_version shows the current migration
        assert q(c, "SELECT version_num FROM alembic_version") == [(head_revision(lc.root),)]
        assert public_tables(c) == {"alembic_version", "users", "chat_sessions", "messages"}
        named = {
            ("users", "idx_users_username"): "USING btree (username)",
            ("users", "idx_users_email"): "USING btree (email)",
            ("chat_sessions", "idx_chat_sessions_user_id"): "USING btree (user_id)",
            ("messages", "idx_messages_session_id"): "USING btree (session_id)",
        }
        for (table, name), ending in named.items():
            assert indexdefs(c, table)[name] == f"CREATE INDEX {name} ON public.{table} {ending}"
        assert {("users", "UNIQUE (username)"), ("users", "UNIQUE (email)")} <= uniques(c)
        for table in ("users", "chat_sessions", "messages"):  # SERIAL: integer + owned sequence
            typ, nullable, default, identity = columns(c, table)["id"]
            assert (typ, nullable, identity) == ("integer", False, "")
            assert default == f"nextval('{table}_id_seq'::regclass)"
            assert q(c, "SELECT pg_get_serial_sequence(%s, 'id')", table) == [(f"public.{table}_id_seq",)]
        assert checks(c)["messages_role_check"] == (
            "CHECK (((role)::text = ANY "
            "((ARRAY['user'::character varying, 'assistant'::character varying])::text[])))"
        )
        assert {action for _, _, action in foreign_keys(c).values()} == {"c"}
        assert columns(c, "chat_sessions")["title"][2] == "'New Conversation'::character varying"
        assert columns(c, "users")["created_at"][0] == "timestamp without time zone"


def test_chat_playground_constraints_work(lifecycle: Callable[[str], Lifecycle], tx: Any) -> None:
    conn = tx(lifecycle("chat_playground"))
    (user,) = conn.execute(
        "INSERT INTO users (username, email, hashed_password) VALUES ('ada', 'a@x.io', 'h') RETURNING id"
    ).fetchone()
    (session,) = conn.execute(
        "INSERT INTO chat_sessions (user_id) VALUES (%s) RETURNING id", (user,)
    ).fetchone()
    conn.execute(
        "INSERT INTO messages (session_id, role, content) VALUES (%s, 'user', 'hi'), (%s, 'assistant', 'yo')",
        (session, session),
    )
    with pytest.raises(errors.ForeignKeyViolation), conn.transaction():  # a message for a missing session
        conn.execute(
            "INSERT INTO messages (session_id, role, content) VALUES (%s, 'user', 'x')", (session + 1000,)
        )
    with pytest.raises(errors.CheckViolation), conn.transaction():
        conn.execute(
            "INSERT INTO messages (session_id, role, content) VALUES (%s, 'system', 'x')", (session,)
        )
    with pytest.raises(errors.UniqueViolation), conn.transaction():
        conn.execute("INSERT INTO users (username, email, hashed_password) VALUES ('ada', 'b@x.io', 'h')")
    assert conn.execute(
        "SELECT title, is_active FROM chat_sessions JOIN users ON users.id = user_id"
    ).fetchone() == ("New Conversation", True)
    conn.execute("DELETE FROM users WHERE id = %s", (user,))  # deleting a user cascades
    assert conn.execute(
        "SELECT (SELECT count(*) FROM chat_sessions) + (SELECT count(*) FROM messages)"
    ).fetchone() == (0,)


def test_chat_playground_downgrade_minus_one_removes_every_table(
    pg_server: str, pg_url: str, lifecycle: Callable[[str], Lifecycle]
) -> None:
    root = lifecycle("chat_playground").root
    mds(root, "upgrade", db=pg_url, shadow=pg_server)
    mds(root, "downgrade", "-1", db=pg_url, shadow=pg_server)
    with connect(pg_url) as c:
        assert public_tables(c) == {"alembic_version"}
        assert q(c, "SELECT count(*) FROM alembic_version") == [(0,)]
    assert leftovers(pg_url)["sequences"] == []


# --- youtube_talker (seed 003) -----------------------------------------------------------------------------


def test_youtube_talker_schema(lifecycle: Callable[[str], Lifecycle]) -> None:
    lc = lifecycle("youtube_talker")
    with connect(lc.url) as c:
        assert public_tables(c) - {"alembic_version"} == {
            "users",
            "sessions",
            "conversations",
            "messages",
            "transcripts",
            "chunks",
            "templates",
            "config",
        }
        for table in ("messages", "transcripts", "chunks"):
            assert columns(c, table)["metadata"] == ("jsonb", False, "'{}'::jsonb", "")
            assert indexdefs(c, table)[f"idx_{table}_metadata"].endswith("USING gin (metadata)")
        assert columns(c, "templates")["variables"] == ("jsonb", False, "'[]'::jsonb", "")
        assert columns(c, "config")["value"][:2] == ("jsonb", False)
        assert indexdefs(c, "conversations")["idx_conversations_updated_at"].endswith(
            "USING btree (updated_at DESC)"
        )
        assert indexdefs(c, "templates")["idx_templates_type_default"].endswith("(template_type, is_default)")
        assert indexdefs(c, "sessions")["idx_sessions_expires_at"].endswith("(expires_at)")
        assert {
            ("users", "UNIQUE (email)"),
            ("sessions", "UNIQUE (token_hash)"),
            ("transcripts", "UNIQUE (youtube_video_id)"),
            ("chunks", "UNIQUE (transcript_id, chunk_index)"),
            ("templates", "UNIQUE (user_id, template_type, template_name)"),
        } == uniques(c)
        ck = checks(c)
        assert "'user'" in ck["messages_role_check"] and "'system'" in ck["messages_role_check"]
        assert all(
            f"'{t}'" in ck["templates_template_type_check"] for t in ("linkedin", "twitter", "blog", "email")
        )
        assert ck["users_email_format"].startswith("CHECK (((email)::text ~* ")
        assert q(c, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'config_pkey'") == [
            ("PRIMARY KEY (key)",)
        ]
        assert columns(c, "config")["key"][0] == "character varying(100)"
        fks = foreign_keys(c)
        assert len(fks) == 7 and {action for _, _, action in fks.values()} == {"c"}
        assert columns(c, "templates")["user_id"][1] is True
        assert q(c, "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal") == [
            ("trigger_update_conversation", "messages")
        ]


def test_youtube_talker_constraints_and_trigger(lifecycle: Callable[[str], Lifecycle], tx: Any) -> None:
    conn = tx(lifecycle("youtube_talker"))
    with pytest.raises(errors.CheckViolation), conn.transaction():  # an invalid email is rejected
        conn.execute("INSERT INTO users (email, password_hash) VALUES ('not an email', 'h')")
    (user,) = conn.execute(
        "INSERT INTO users (email, password_hash) VALUES ('a@b.io', 'h') RETURNING id"
    ).fetchone()
    (conv,) = conn.execute(
        "INSERT INTO conversations (user_id, updated_at) VALUES (%s, '2001-01-01Z') RETURNING id", (user,)
    ).fetchone()
    conn.execute(
        "INSERT INTO messages (conversation_id, role, content, metadata) VALUES (%s, 'user', 'hi', %s)",
        (conv, psycopg.types.json.Jsonb({"intent": "chat"})),
    )
    bumped, now = conn.execute(
        "SELECT updated_at, now() FROM conversations WHERE id = %s", (conv,)
    ).fetchone()
    assert bumped == now  # the trigger set it to NOW() of this transaction
    with pytest.raises(errors.CheckViolation), conn.transaction():
        conn.execute(
            "INSERT INTO messages (conversation_id, role, content) VALUES (%s, 'robot', 'x')", (conv,)
        )
    with pytest.raises(errors.CheckViolation), conn.transaction():
        conn.execute(
            "INSERT INTO templates (template_type, template_name, template_content) "
            "VALUES ('tiktok', 'n', 'c')"
        )
    (tr,) = conn.execute(
        "INSERT INTO transcripts (user_id, youtube_video_id, transcript_text) "
        "VALUES (%s, 'abc', 't') RETURNING id",
        (user,),
    ).fetchone()
    conn.execute(
        "INSERT INTO chunks (transcript_id, user_id, chunk_text, chunk_index, token_count) "
        "VALUES (%s, %s, 'a', 0, 1)",
        (tr, user),
    )
    with pytest.raises(errors.UniqueViolation), conn.transaction():
        conn.execute(
            "INSERT INTO chunks (transcript_id, user_id, chunk_text, chunk_index, token_count) "
            "VALUES (%s, %s, 'b', 0, 1)",
            (tr, user),
        )
    conn.execute("INSERT INTO config (key, value) VALUES ('rate.limit', '10')")
    with pytest.raises(errors.UniqueViolation), conn.transaction():
        conn.execute("INSERT INTO config (key, value) VALUES ('rate.limit', '20')")
    assert (
        conn.execute('SELECT id FROM messages WHERE metadata @> \'{"intent": "chat"}\'').fetchone()
        is not None
    )
    conn.execute("DELETE FROM users WHERE id = %s", (user,))
    assert conn.execute(
        "SELECT (SELECT count(*) FROM conversations) + (SELECT count(*) FROM messages) + "
        "(SELECT count(*) FROM chunks) + (SELECT count(*) FROM transcripts)"
    ).fetchone() == (0,)


def test_youtube_talker_function_body_change_is_a_revision(
    pg_server: str, make_database: Callable[..., str], tmp_path: Path
) -> None:
    """Edit the trigger function's body in the doc → `mdschema revision` replaces it (CREATE OR REPLACE),
    the new behaviour holds after upgrade, `downgrade -1` brings the old body back, and `downgrade base`
    drops function and trigger."""
    root = copy_example("youtube_talker", tmp_path)
    pg_url = make_database()
    doc = root / "spec" / "schema.md"
    old_body = "UPDATE conversations SET updated_at = NOW() WHERE id = NEW.conversation_id;"
    new_body = (
        "UPDATE conversations SET updated_at = NOW(), title = coalesce(title, left(NEW.content, 40)) "
        "WHERE id = NEW.conversation_id;"
    )
    text = doc.read_text()
    assert old_body in text
    doc.write_text(text.replace(old_body, new_body))
    out = mds(root, "revision", "-m", "title from first message", shadow=pg_server).stdout
    assert "update_conversation_timestamp" in out
    versions = sorted((root / "alembic" / "versions").glob("*.py"), key=lambda p: p.stat().st_mtime)
    assert len(versions) == 2
    new = versions[-1].read_text()
    assert "CREATE OR REPLACE FUNCTION" in new and "coalesce(title" in new and "DROP FUNCTION" not in new
    mds(root, "upgrade", db=pg_url, shadow=pg_server)

    def title_after_first_message() -> str | None:
        with connect(pg_url) as c, c.transaction(force_rollback=True):
            user = q(c, "INSERT INTO users (email, password_hash) VALUES ('t@t.io', 'h') RETURNING id")[0][0]
            conv = q(c, "INSERT INTO conversations (user_id) VALUES (%s) RETURNING id", user)[0][0]
            c.execute(
                "INSERT INTO messages (conversation_id, role, content) VALUES (%s, 'user', 'Summarize it')",
                (conv,),
            )
            title: str | None = q(c, "SELECT title FROM conversations WHERE id = %s", conv)[0][0]
            return title

    assert title_after_first_message() == "Summarize it"
    mds(root, "downgrade", "-1", db=pg_url, shadow=pg_server)
    assert title_after_first_message() is None  # the old body again
    mds(root, "downgrade", "base", db=pg_url, shadow=pg_server)
    gone = leftovers(pg_url)
    assert gone["functions"] == [] and gone["triggers"] == [] and gone["tables"] == []
