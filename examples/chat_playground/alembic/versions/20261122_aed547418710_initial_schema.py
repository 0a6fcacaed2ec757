"""initial schema

Revision ID: aed547418710
Revises:
Create Date: 2026-11-22 20:20:55.451058

"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "aed547418710"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False, comment="Identifier of the account"),
        sa.Column(
            "username", sa.String(length=50), nullable=False, comment="Public handle chosen at sign-up"
        ),
        sa.Column("email", sa.String(length=255), nullable=False, comment="Contact and sign-in address"),
        sa.Column(
            "hashed_password",
            sa.String(length=255),
            nullable=False,
            comment="Password hash produced by the auth layer",
        ),
        sa.Column(
            "is_active",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="False once the account has been deactivated",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=True,
            comment="When the account was registered",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=True,
            comment="When the account was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("users_pkey")),
        sa.UniqueConstraint("email", name=op.f("users_email_key")),
        sa.UniqueConstraint("username", name=op.f("users_username_key")),
        comment="A user is one registered account. Both the username and the email address must be unique, and either can be used to find the account at sign-in. Accounts are deactivated rather than deleted.",
    )
    op.create_index("idx_users_email", "users", ["email"], unique=False)
    op.create_index("idx_users_username", "users", ["username"], unique=False)
    op.create_table(
        "chat_sessions",
        sa.Column("id", sa.Integer(), nullable=False, comment="Identifier of the conversation"),
        sa.Column("user_id", sa.Integer(), nullable=False, comment="Account that owns the conversation"),
        sa.Column(
            "title",
            sa.String(length=255),
            server_default=sa.text("'New Conversation'"),
            nullable=True,
            comment="Name shown in the sidebar",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=True,
            comment="When the conversation was opened",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=True,
            comment="When the conversation was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("chat_sessions_pkey")),
        comment="A chat session is one conversation thread belonging to a user. It starts with a placeholder title that can be renamed later.",
    )
    op.create_index("idx_chat_sessions_user_id", "chat_sessions", ["user_id"], unique=False)
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False, comment="Identifier of the message"),
        sa.Column("session_id", sa.Integer(), nullable=False, comment="Conversation the message belongs to"),
        sa.Column(
            "role",
            sa.String(length=20),
            nullable=False,
            comment="Author of the turn: the person or the model",
        ),
        sa.Column("content", sa.Text(), nullable=False, comment="Body of the message"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=True,
            comment="When the message was sent",
        ),
        sa.CheckConstraint("role IN ('user', 'assistant')", name="messages_role_check"),
        sa.PrimaryKeyConstraint("id", name=op.f("messages_pkey")),
        comment="A message is one turn of a chat session, written either by the user or by the assistant. Messages are never edited, so they only record when they were created.",
    )
    op.create_index("idx_messages_session_id", "messages", ["session_id"], unique=False)
    op.create_foreign_key(
        op.f("chat_sessions_user_id_fkey"), "chat_sessions", "users", ["user_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        op.f("messages_session_id_fkey"),
        "messages",
        "chat_sessions",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )


def downgrade() -> None:
    op.drop_constraint("chat_sessions_user_id_fkey", "chat_sessions", type_="foreignkey")
    op.drop_constraint("messages_session_id_fkey", "messages", type_="foreignkey")
    op.drop_table("messages")
    op.drop_table("chat_sessions")
    op.drop_table("users")
