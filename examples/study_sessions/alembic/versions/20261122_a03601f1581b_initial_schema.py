"""initial schema

Revision ID: a03601f1581b
Revises:
Create Date: 2026-11-22 20:20:47.572317

"""

from collections.abc import Sequence

import sqlalchemy as sa
from pgvector.sqlalchemy import Vector
from sqlalchemy.dialects import postgresql

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "a03601f1581b"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    op.execute("CREATE TYPE chat_type AS ENUM ('TOPIC', 'GENERAL')")
    op.execute("CREATE TYPE chunk_type AS ENUM ('PARENT', 'CHILD')")
    op.execute("CREATE TYPE processing_status AS ENUM ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED')")
    op.execute(
        "CREATE TYPE session_status AS ENUM ('UPLOADING', 'GENERATING_PLAN', 'EDITING_PLAN', 'CHUNKING', 'ACTIVE', 'COMPLETED')"
    )
    op.create_table(
        "profiles",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the learner",
        ),
        sa.Column("email", sa.Text(), nullable=False, comment="Sign-in address, one account per address"),
        sa.Column(
            "password_hash",
            sa.Text(),
            nullable=False,
            comment="Salted hash of the learner's password, never the password itself",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the account was created",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("profiles_pkey")),
        sa.UniqueConstraint("email", name=op.f("profiles_email_key")),
        comment="A profile is one learner's account. It holds only what the app needs to sign the learner in; everything they study hangs off it through study sessions.",
    )
    op.create_table(
        "study_sessions",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the study session",
        ),
        sa.Column("profile_id", sa.Uuid(), nullable=False, comment="Learner who owns the session"),
        sa.Column(
            "title",
            sa.Text(),
            nullable=False,
            comment="Short name the learner gives the session, e.g. the course name",
        ),
        sa.Column(
            "description",
            sa.Text(),
            nullable=True,
            comment="Optional notes on what the learner wants to achieve",
        ),
        sa.Column(
            "status",
            postgresql.ENUM(
                "UPLOADING",
                "GENERATING_PLAN",
                "EDITING_PLAN",
                "CHUNKING",
                "ACTIVE",
                "COMPLETED",
                name="session_status",
                create_type=False,
            ),
            server_default=sa.text("'UPLOADING'"),
            nullable=False,
            comment="Where the session is in the upload, plan and study workflow",
        ),
        sa.Column(
            "draft_plan",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="Study plan proposed by the assistant while it is still being edited",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the session was opened",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the session last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("study_sessions_pkey")),
        comment="A study session is one course or exam a learner is preparing for. Its status walks the session through the workflow, from uploading material, through generating and editing a plan, to chunking the material and finally studying. While the plan is still being edited it lives as a JSON draft on the session itself.",
    )
    op.create_index("idx_study_sessions_profile_id", "study_sessions", ["profile_id"], unique=False)
    op.create_table(
        "topics",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the topic",
        ),
        sa.Column(
            "session_id", sa.Uuid(), nullable=False, comment="Study session whose plan contains this topic"
        ),
        sa.Column("title", sa.Text(), nullable=False, comment="Name of the topic as shown in the plan"),
        sa.Column(
            "subtopics",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Finer points to cover within the topic, in plan order",
        ),
        sa.Column(
            "order_index",
            sa.Integer(),
            nullable=False,
            comment="Position of the topic in the plan, starting at zero",
        ),
        sa.Column(
            "is_completed",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=False,
            comment="Whether the learner has marked the topic as done",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the topic was added to the plan",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the topic last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("topics_pkey")),
        comment="Topics are the accepted study plan: an ordered list of subjects, each with a few subtopics, that the learner works through and ticks off one by one.",
    )
    op.create_index("idx_topics_session_id", "topics", ["session_id"], unique=False)
    op.create_table(
        "chats",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the chat",
        ),
        sa.Column("session_id", sa.Uuid(), nullable=False, comment="Study session the chat belongs to"),
        sa.Column(
            "type",
            postgresql.ENUM("TOPIC", "GENERAL", name="chat_type", create_type=False),
            nullable=False,
            comment="Whether this is a per-topic chat or the session-wide general chat",
        ),
        sa.Column(
            "topic_id", sa.Uuid(), nullable=True, comment="Topic this chat tutors, empty for the general chat"
        ),
        sa.Column(
            "is_started",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=False,
            comment="Whether the learner has opened the chat and the tutor has greeted them",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the chat was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the chat last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("chats_pkey")),
        sa.UniqueConstraint("topic_id", name=op.f("chats_topic_id_key")),
        comment="A chat is a tutoring conversation inside a session. Topic chats are tied to exactly one topic, and a topic never has more than one chat; the general chat covers the whole session and has no topic. A chat is created up front and flagged once the learner actually starts it.",
    )
    op.create_index("idx_chats_session_id", "chats", ["session_id"], unique=False)
    op.create_table(
        "documents",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the document",
        ),
        sa.Column("session_id", sa.Uuid(), nullable=False, comment="Study session the file was uploaded to"),
        sa.Column("file_name", sa.Text(), nullable=False, comment="Original name of the uploaded file"),
        sa.Column(
            "file_path", sa.Text(), nullable=False, comment="Where the stored file lives in object storage"
        ),
        sa.Column(
            "file_description",
            sa.Text(),
            nullable=True,
            comment="The learner's note on what the file contains",
        ),
        sa.Column(
            "content_text",
            sa.Text(),
            nullable=True,
            comment="Plain text extracted from the file, empty until processing succeeds",
        ),
        sa.Column(
            "content_length",
            sa.Integer(),
            nullable=True,
            comment="Number of characters in the extracted text",
        ),
        sa.Column(
            "processing_status",
            postgresql.ENUM(
                "PENDING", "PROCESSING", "COMPLETED", "FAILED", name="processing_status", create_type=False
            ),
            server_default=sa.text("'PENDING'"),
            nullable=False,
            comment="Progress of the text extraction job",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the file was uploaded",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("documents_pkey")),
        comment="A document is one file the learner uploaded to a session. The extracted text is kept in the table so the plan generator and the chunker never need to read the file again; the processing status tracks the extraction job.",
    )
    op.create_index("idx_documents_session_id", "documents", ["session_id"], unique=False)
    op.create_table(
        "document_chunks",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the chunk",
        ),
        sa.Column("document_id", sa.Uuid(), nullable=False, comment="Document the passage was cut from"),
        sa.Column(
            "session_id",
            sa.Uuid(),
            nullable=False,
            comment="Study session, repeated here so searches need no join",
        ),
        sa.Column(
            "parent_chunk_id",
            sa.Uuid(),
            nullable=True,
            comment="Larger passage that contains this one, empty for parent chunks",
        ),
        sa.Column("chunk_text", sa.Text(), nullable=False, comment="Text of the passage"),
        sa.Column(
            "embedding",
            Vector(768),
            nullable=True,
            comment="Semantic embedding of the passage, filled in for child chunks",
        ),
        sa.Column(
            "type",
            postgresql.ENUM("PARENT", "CHILD", name="chunk_type", create_type=False),
            nullable=False,
            comment="Whether this is a large parent passage or a small child passage",
        ),
        sa.Column(
            "related_topic_ids",
            postgresql.ARRAY(sa.Uuid()),
            nullable=True,
            comment="Topics of the plan this passage helps explain",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the chunk was produced",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("document_chunks_pkey")),
        comment="A chunk is a passage of a document. Parent chunks are large passages kept for context; child chunks are small passages, point to their parent, and carry the embedding used for similarity search. Each chunk also lists the topics it is relevant to, so retrieval can be narrowed to the topic being studied.",
    )
    op.create_index("idx_document_chunks_document_id", "document_chunks", ["document_id"], unique=False)
    op.create_index(
        "idx_document_chunks_embedding",
        "document_chunks",
        ["embedding"],
        unique=False,
        postgresql_using="hnsw",
        postgresql_ops={"embedding": "vector_cosine_ops"},
        postgresql_with={"m": 16, "ef_construction": 64},
        postgresql_where=sa.text("embedding IS NOT NULL"),
    )
    op.create_index(
        "idx_document_chunks_parent_chunk_id", "document_chunks", ["parent_chunk_id"], unique=False
    )
    op.create_index(
        "idx_document_chunks_related_topics",
        "document_chunks",
        ["related_topic_ids"],
        unique=False,
        postgresql_using="gin",
    )
    op.create_index("idx_document_chunks_session_id", "document_chunks", ["session_id"], unique=False)
    op.create_table(
        "messages",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the message",
        ),
        sa.Column("chat_id", sa.Uuid(), nullable=False, comment="Chat the message was posted in"),
        sa.Column(
            "role",
            sa.String(length=20),
            nullable=False,
            comment="Who spoke: the learner, the tutor, or the system prompt",
        ),
        sa.Column("content", sa.Text(), nullable=False, comment="Text of the message"),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the message was posted",
        ),
        sa.CheckConstraint("role IN ('user', 'assistant', 'system')", name="messages_role_check"),
        sa.PrimaryKeyConstraint("id", name=op.f("messages_pkey")),
        comment="Messages are the turns of a chat, from the learner, the tutor, or the system prompt that frames the conversation. They are append-only, so they carry only a creation time.",
    )
    op.create_index("idx_messages_chat_id", "messages", ["chat_id"], unique=False)
    op.create_foreign_key(
        op.f("chats_session_id_fkey"), "chats", "study_sessions", ["session_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        op.f("chats_topic_id_fkey"), "chats", "topics", ["topic_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        op.f("document_chunks_document_id_fkey"),
        "document_chunks",
        "documents",
        ["document_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("document_chunks_parent_chunk_id_fkey"),
        "document_chunks",
        "document_chunks",
        ["parent_chunk_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("document_chunks_session_id_fkey"),
        "document_chunks",
        "study_sessions",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("documents_session_id_fkey"),
        "documents",
        "study_sessions",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("messages_chat_id_fkey"), "messages", "chats", ["chat_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        op.f("study_sessions_profile_id_fkey"),
        "study_sessions",
        "profiles",
        ["profile_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("topics_session_id_fkey"), "topics", "study_sessions", ["session_id"], ["id"], ondelete="CASCADE"
    )


def downgrade() -> None:
    op.drop_constraint("chats_session_id_fkey", "chats", type_="foreignkey")
    op.drop_constraint("chats_topic_id_fkey", "chats", type_="foreignkey")
    op.drop_constraint("document_chunks_document_id_fkey", "document_chunks", type_="foreignkey")
    op.drop_constraint("document_chunks_session_id_fkey", "document_chunks", type_="foreignkey")
    op.drop_constraint("documents_session_id_fkey", "documents", type_="foreignkey")
    op.drop_constraint("messages_chat_id_fkey", "messages", type_="foreignkey")
    op.drop_constraint("study_sessions_profile_id_fkey", "study_sessions", type_="foreignkey")
    op.drop_constraint("topics_session_id_fkey", "topics", type_="foreignkey")
    op.drop_table("messages")
    op.drop_table("document_chunks")
    op.drop_table("documents")
    op.drop_table("chats")
    op.drop_table("topics")
    op.drop_table("study_sessions")
    op.drop_table("profiles")
    op.execute("DROP TYPE IF EXISTS chat_type")
    op.execute("DROP TYPE IF EXISTS chunk_type")
    op.execute("DROP TYPE IF EXISTS processing_status")
    op.execute("DROP TYPE IF EXISTS session_status")
    op.execute("DROP EXTENSION IF EXISTS vector")
