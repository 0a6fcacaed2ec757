"""initial schema

Revision ID: d9b571e90a53
Revises:
Create Date: 2026-11-22 20:20:51.560777

"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "d9b571e90a53"
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
            comment="Identifier of the user",
        ),
        sa.Column(
            "email", sa.String(length=255), nullable=False, comment="Sign-in address, unique across users"
        ),
        sa.Column("name", sa.String(length=255), nullable=True, comment="Display name, if the user gave one"),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the account was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the account was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("users_pkey")),
        comment="A user is one account of the app. The email address identifies the user and is kept unique by the `ix_users_email` index.",
    )
    op.create_index("ix_users_email", "users", ["email"], unique=True)
    op.create_table(
        "conversations",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Identifier of the conversation",
        ),
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="User who owns the conversation"),
        sa.Column(
            "title",
            sa.String(length=255),
            nullable=True,
            comment="Short title for the thread list, usually taken from the first message",
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
            comment="When the conversation last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("conversations_pkey")),
        comment="A conversation is one chat thread between a user and the assistant. A user can keep several threads and come back to any of them.",
    )
    op.create_index("ix_conversation_user_id", "conversations", ["user_id"], unique=False)
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
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="User who owns the conversation"),
        sa.Column(
            "role",
            sa.String(length=20),
            nullable=False,
            comment="Who wrote the message, such as user or assistant",
        ),
        sa.Column("content", sa.Text(), nullable=False, comment="Text of the message"),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the message was sent, used to order the history",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the message was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("messages_pkey")),
        comment="Messages are the turns of a conversation, either the user's words or the assistant's replies. The owning user is stored on each message as well, so history can be loaded and checked against the signed-in user without a join.",
    )
    op.create_index("ix_message_conversation_id", "messages", ["conversation_id"], unique=False)
    op.create_index("ix_message_created_at", "messages", ["created_at"], unique=False)
    op.create_index("ix_message_user_id", "messages", ["user_id"], unique=False)
    op.create_table(
        "tasks",
        sa.Column(
            "id",
            sa.Integer(),
            sa.Identity(always=False),
            nullable=False,
            comment="Short number the user and the assistant use to refer to the task",
        ),
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="User whose list the task is on"),
        sa.Column("title", sa.String(length=255), nullable=False, comment="What needs doing, in a few words"),
        sa.Column("description", sa.Text(), nullable=True, comment="Optional longer details"),
        sa.Column(
            "completed",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=False,
            comment="Whether the task has been done",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the task was added",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the task was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("tasks_pkey")),
        comment="A task is one item on a user's todo list. The assistant creates, lists, completes, updates and deletes tasks on the user's behalf; listing by completion state is the most common query, hence the composite index.",
    )
    op.create_index("ix_task_completed", "tasks", ["completed"], unique=False)
    op.create_index("ix_task_user_completed", "tasks", ["user_id", "completed"], unique=False)
    op.create_index("ix_task_user_id", "tasks", ["user_id"], unique=False)
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
        op.f("messages_user_id_fkey"), "messages", "users", ["user_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        op.f("tasks_user_id_fkey"), "tasks", "users", ["user_id"], ["id"], ondelete="CASCADE"
    )


def downgrade() -> None:
    op.drop_constraint("conversations_user_id_fkey", "conversations", type_="foreignkey")
    op.drop_constraint("messages_conversation_id_fkey", "messages", type_="foreignkey")
    op.drop_constraint("messages_user_id_fkey", "messages", type_="foreignkey")
    op.drop_constraint("tasks_user_id_fkey", "tasks", type_="foreignkey")
    op.drop_table("tasks")
    op.drop_table("messages")
    op.drop_table("conversations")
    op.drop_table("users")
