"""initial schema

Revision ID: 50697dd032f8
Revises:
Create Date: 2026-11-22 20:20:59.371815

"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "50697dd032f8"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the account",
        ),
        sa.Column(
            "email", sa.String(length=255), nullable=False, comment="Login address, unique across accounts"
        ),
        sa.Column(
            "password_hash", sa.String(length=255), nullable=False, comment="Bcrypt hash of the password"
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the account was registered",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the account was last changed",
        ),
        sa.CheckConstraint("email ~* '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'", name="users_email_format"),
        sa.PrimaryKeyConstraint("id", name=op.f("users_pkey")),
        sa.UniqueConstraint("email", name=op.f("users_email_key")),
        comment="A user is one account. The email address is the login, must be unique, and must at least look like an email address; the password is only ever stored hashed.",
    )
    op.create_table(
        "transcripts",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the transcript",
        ),
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="Account that ingested the video"),
        sa.Column(
            "youtube_video_id",
            sa.String(length=50),
            nullable=False,
            comment="Eleven-character id from the YouTube URL",
        ),
        sa.Column(
            "title", sa.String(length=500), nullable=True, comment="Video title, when YouTube provides it"
        ),
        sa.Column(
            "channel_name",
            sa.String(length=255),
            nullable=True,
            comment="Name of the channel that published the video",
        ),
        sa.Column("duration", sa.Integer(), nullable=True, comment="Length of the video in seconds"),
        sa.Column("transcript_text", sa.Text(), nullable=False, comment="Full transcript as plain text"),
        sa.Column(
            "metadata",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("CAST('{}' AS jsonb)"),
            nullable=False,
            comment="Other video details such as language, publish date and view count",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the transcript was ingested",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("transcripts_pkey")),
        sa.UniqueConstraint("youtube_video_id", name=op.f("transcripts_youtube_video_id_key")),
        comment="A transcript is the text of one YouTube video, fetched once and stored with what is known about the video. Each video is ingested only once, so the YouTube video id is unique.",
    )
    op.create_index(
        "idx_transcripts_metadata", "transcripts", ["metadata"], unique=False, postgresql_using="gin"
    )
    op.create_index("idx_transcripts_user_id", "transcripts", ["user_id"], unique=False)
    op.create_table(
        "chunks",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the chunk, also its point id in Qdrant",
        ),
        sa.Column("transcript_id", sa.Uuid(), nullable=False, comment="Transcript the slice was cut from"),
        sa.Column(
            "user_id",
            sa.Uuid(),
            nullable=False,
            comment="Owner, repeated here so searches can be scoped per user",
        ),
        sa.Column("chunk_text", sa.Text(), nullable=False, comment="Text of the slice"),
        sa.Column(
            "chunk_index",
            sa.Integer(),
            nullable=False,
            comment="Position of the slice in the transcript, starting at zero",
        ),
        sa.Column("token_count", sa.Integer(), nullable=False, comment="Number of tokens in the slice"),
        sa.Column(
            "metadata",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("CAST('{}' AS jsonb)"),
            nullable=False,
            comment="Extra details such as start and end time in the video",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the chunk was produced",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("chunks_pkey")),
        sa.UniqueConstraint(
            "transcript_id", "chunk_index", name=op.f("chunks_transcript_id_chunk_index_key")
        ),
        comment="A chunk is a consecutive slice of a transcript, sized in tokens for embedding. Its vector is stored in Qdrant under the chunk's id; this table keeps the text so retrieved ids can be turned back into passages. The position of a chunk within its transcript is unique.",
    )
    op.create_index("idx_chunks_metadata", "chunks", ["metadata"], unique=False, postgresql_using="gin")
    op.create_index("idx_chunks_transcript_id", "chunks", ["transcript_id"], unique=False)
    op.create_index("idx_chunks_user_id", "chunks", ["user_id"], unique=False)
    op.create_table(
        "config",
        sa.Column("key", sa.String(length=100), nullable=False, comment="Name of the setting"),
        sa.Column(
            "value",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            comment="Current value of the setting",
        ),
        sa.Column(
            "description", sa.Text(), nullable=True, comment="What the setting controls, for operators"
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the value was last changed",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("config_pkey")),
        comment="Config holds runtime settings that operators can change without a deploy, such as model names, chunk sizes and rate limits, one JSON value per key.",
    )
    op.create_table(
        "conversations",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the conversation",
        ),
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="Account that owns the conversation"),
        sa.Column(
            "title",
            sa.String(length=500),
            nullable=True,
            comment="Title shown in the sidebar, generated after the first exchange",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the conversation was started",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the last message arrived, maintained by a trigger",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("conversations_pkey")),
        comment="A conversation is a chat thread between a user and the assistant. The sidebar lists a user's conversations with the most recently active first, so `updated_at` has a descending index and is bumped by a trigger whenever a message is added.",
    )
    op.create_index(
        "idx_conversations_updated_at", "conversations", [sa.literal_column("updated_at DESC")], unique=False
    )
    op.create_index("idx_conversations_user_id", "conversations", ["user_id"], unique=False)
    op.create_table(
        "messages",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the message",
        ),
        sa.Column(
            "conversation_id", sa.Uuid(), nullable=False, comment="Conversation the message belongs to"
        ),
        sa.Column("role", sa.String(length=50), nullable=False, comment="Who produced the message"),
        sa.Column("content", sa.Text(), nullable=False, comment="Text of the message"),
        sa.Column(
            "metadata",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("CAST('{}' AS jsonb)"),
            nullable=False,
            comment="Intent, retrieved chunk ids, model and token usage for this turn",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the message was posted",
        ),
        sa.CheckConstraint("role IN ('user', 'assistant', 'system')", name="messages_role_check"),
        sa.PrimaryKeyConstraint("id", name=op.f("messages_pkey")),
        comment="A message is one turn of a conversation. Besides the text, each message carries a JSON bag of metadata such as the intent the router chose, the transcript chunks that were retrieved, and token usage; it is GIN indexed so messages can be filtered by those keys.",
    )
    op.create_index("idx_messages_conversation_id", "messages", ["conversation_id"], unique=False)
    op.create_index("idx_messages_created_at", "messages", ["created_at"], unique=False)
    op.create_index("idx_messages_metadata", "messages", ["metadata"], unique=False, postgresql_using="gin")
    op.create_table(
        "sessions",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the login session",
        ),
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="Account that signed in"),
        sa.Column(
            "token_hash",
            sa.String(length=255),
            nullable=False,
            comment="Hash of the session token handed to the client",
        ),
        sa.Column(
            "expires_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="Moment after which the token is no longer accepted",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the user signed in",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("sessions_pkey")),
        sa.UniqueConstraint("token_hash", name=op.f("sessions_token_hash_key")),
        comment="A session is one signed-in browser or client. Only a hash of the bearer token is stored, so a leaked database does not leak usable tokens; expired rows are purged by a periodic job, which is why `expires_at` is indexed.",
    )
    op.create_index("idx_sessions_expires_at", "sessions", ["expires_at"], unique=False)
    op.create_index("idx_sessions_user_id", "sessions", ["user_id"], unique=False)
    op.create_table(
        "templates",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the template",
        ),
        sa.Column(
            "user_id",
            sa.Uuid(),
            nullable=True,
            comment="Account that owns the template, empty for built-in templates",
        ),
        sa.Column(
            "template_type",
            sa.String(length=50),
            nullable=False,
            comment="Kind of content the template produces",
        ),
        sa.Column(
            "template_name",
            sa.String(length=255),
            nullable=False,
            comment="Name the user picks the template by",
        ),
        sa.Column(
            "template_content",
            sa.Text(),
            nullable=False,
            comment="Prompt text with placeholders for the variables",
        ),
        sa.Column(
            "variables",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("CAST('[]' AS jsonb)"),
            nullable=False,
            comment="Names of the placeholders the template expects",
        ),
        sa.Column(
            "is_default",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=False,
            comment="Whether this is the template used when none is chosen",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the template was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the template was last edited",
        ),
        sa.CheckConstraint(
            "template_type IN ('linkedin', 'twitter', 'blog', 'email')", name="templates_template_type_check"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("templates_pkey")),
        sa.UniqueConstraint(
            "user_id",
            "template_type",
            "template_name",
            name=op.f("templates_user_id_template_type_template_name_key"),
        ),
        comment="A template is a prompt pattern for generating one kind of content from a transcript. Templates without a user are the built-in defaults every account can use; users can add their own, and a name is unique per user and content type.",
    )
    op.create_index("idx_templates_type_default", "templates", ["template_type", "is_default"], unique=False)
    op.create_index("idx_templates_user_id", "templates", ["user_id"], unique=False)
    op.create_foreign_key(
        op.f("chunks_transcript_id_fkey"),
        "chunks",
        "transcripts",
        ["transcript_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("chunks_user_id_fkey"), "chunks", "users", ["user_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        op.f("conversations_user_id_fkey"), "conversations", "users", ["user_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        op.f("messages_conversation_id_fkey"),
        "messages",
        "conversations",
        ["conversation_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("sessions_user_id_fkey"), "sessions", "users", ["user_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        op.f("templates_user_id_fkey"), "templates", "users", ["user_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        op.f("transcripts_user_id_fkey"), "transcripts", "users", ["user_id"], ["id"], ondelete="CASCADE"
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION public.update_conversation_timestamp()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $function$\nBEGIN\n    UPDATE conversations SET updated_at = NOW() WHERE id = NEW.conversation_id;\n    RETURN NEW;\nEND;\n$function$\n"
    )
    op.execute(
        "CREATE OR REPLACE TRIGGER trigger_update_conversation AFTER INSERT ON public.messages FOR EACH ROW EXECUTE FUNCTION update_conversation_timestamp()"
    )


def downgrade() -> None:
    op.drop_constraint("chunks_transcript_id_fkey", "chunks", type_="foreignkey")
    op.drop_constraint("chunks_user_id_fkey", "chunks", type_="foreignkey")
    op.drop_constraint("conversations_user_id_fkey", "conversations", type_="foreignkey")
    op.drop_constraint("messages_conversation_id_fkey", "messages", type_="foreignkey")
    op.drop_constraint("sessions_user_id_fkey", "sessions", type_="foreignkey")
    op.drop_constraint("templates_user_id_fkey", "templates", type_="foreignkey")
    op.drop_constraint("transcripts_user_id_fkey", "transcripts", type_="foreignkey")
    op.drop_table("templates")
    op.drop_table("sessions")
    op.drop_table("messages")
    op.drop_table("conversations")
    op.drop_table("config")
    op.drop_table("chunks")
    op.drop_table("transcripts")
    op.drop_table("users")
    op.execute("DROP FUNCTION IF EXISTS update_conversation_timestamp()")
