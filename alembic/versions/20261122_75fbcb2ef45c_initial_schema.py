"""initial schema

Revision ID: 75fbcb2ef45c
Revises:
Create Date: 2026-11-22 20:13:08.770887

"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "75fbcb2ef45c"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the agent",
        ),
        sa.Column(
            "agent_key",
            sa.String(length=100),
            nullable=False,
            comment="Stable key, e.g. 'interviewer', 'analyst', 'editor'",
        ),
        sa.Column("agent_name", sa.String(length=200), nullable=False, comment="Display name"),
        sa.Column("agent_description", sa.Text(), nullable=True, comment="What the agent does"),
        sa.Column(
            "agent_type",
            sa.String(length=50),
            nullable=True,
            comment="'interviewer', 'analyst', 'writer', 'editor' or 'coordinator'",
        ),
        sa.Column("primary_objective", sa.Text(), nullable=True, comment="Main objective"),
        sa.Column(
            "secondary_objectives", postgresql.ARRAY(sa.Text()), nullable=True, comment="Further objectives"
        ),
        sa.Column(
            "base_constraints",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Constraints that always apply, e.g. {'never invent facts'}",
        ),
        sa.Column("default_tone", sa.String(length=50), nullable=True, comment="Default tone, e.g. 'warm'"),
        sa.Column("persona_description", sa.Text(), nullable=True, comment="Who the agent presents as"),
        sa.Column("communication_style", sa.Text(), nullable=True, comment="How the agent talks"),
        sa.Column(
            "can_create_artifacts",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="May create session artifacts",
        ),
        sa.Column(
            "can_analyze_content",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="May analyse captured material",
        ),
        sa.Column(
            "can_generate_prompts",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="May write its own prompts",
        ),
        sa.Column(
            "can_provide_feedback",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="May give feedback on drafts",
        ),
        sa.Column(
            "used_in_process_phases",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Phases the agent works in",
        ),
        sa.Column(
            "suggested_for_node_types",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Process node types the agent suits",
        ),
        sa.Column(
            "system_prompt_template", sa.Text(), nullable=True, comment="System prompt (Jinja template)"
        ),
        sa.Column("greeting_template", sa.Text(), nullable=True, comment="Opening message template"),
        sa.Column("closing_template", sa.Text(), nullable=True, comment="Closing message template"),
        sa.Column("default_model", sa.String(length=50), nullable=True, comment="Model identifier"),
        sa.Column(
            "temperature",
            sa.Numeric(precision=2, scale=1),
            nullable=True,
            comment="Sampling temperature, 0.0-2.0 (e.g. 0.7)",
        ),
        sa.Column("max_tokens", sa.Integer(), nullable=True, comment="Response token limit"),
        sa.Column(
            "configuration",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Other settings, e.g. {"top_p": 0.9, "stop": ["\\n\\nUser:"]}',
        ),
        sa.Column(
            "is_active",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Whether the agent can be instantiated",
        ),
        sa.Column(
            "version",
            sa.Integer(),
            server_default=sa.text("1"),
            nullable=True,
            comment="Configuration version, bumped on every change",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the agent was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("agent_pkey")),
        sa.UniqueConstraint("agent_key", name=op.f("agent_agent_key_key")),
        comment="Definition of an AI agent role (interviewer, analyst, writer, editor...): objectives, persona, capabilities, prompt templates and model settings. Agents are versioned configuration, not runtime state.",
    )
    op.create_index("idx_agent_key", "agent", ["agent_key"], unique=False)
    op.create_index("idx_agent_type", "agent", ["agent_type"], unique=False)
    op.create_table(
        "process_node_type",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the node type",
        ),
        sa.Column(
            "type_name",
            sa.String(length=50),
            nullable=False,
            comment="Machine name of the type: 'context', 'scope', 'capture', 'synthesis'...",
        ),
        sa.Column("description", sa.Text(), nullable=True, comment="What a node of this type does"),
        sa.Column(
            "requires_user_input",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Whether the node blocks until the storyteller responds",
        ),
        sa.Column(
            "can_skip",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the storyteller may skip nodes of this type",
        ),
        sa.Column(
            "is_repeatable",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether nodes of this type can be visited more than once",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("process_node_type_pkey")),
        sa.UniqueConstraint("type_name", name=op.f("process_node_type_type_name_key")),
        comment="Lookup table of node kinds used in the flow graph. The type decides default behaviour such as whether the node waits for user input or may be skipped.",
    )
    op.create_table(
        "process_version",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for this process version",
        ),
        sa.Column(
            "version_name",
            sa.String(length=100),
            nullable=False,
            comment="Human-readable label, e.g. 'v1.2 - gentler onboarding'",
        ),
        sa.Column("description", sa.Text(), nullable=True, comment="What changed in this version and why"),
        sa.Column(
            "is_active",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="TRUE for the version new storytellers are enrolled in",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the version was created",
        ),
        sa.Column(
            "created_by", sa.Uuid(), nullable=True, comment="Supabase auth user who published the version"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("process_version_pkey")),
        comment="A named, immutable revision of the whole guided process. Exactly one version is expected to be active at a time; sessions and progress records point at the version they were started under so old sessions stay interpretable.",
    )
    op.create_table(
        "process_node",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the node",
        ),
        sa.Column(
            "process_version_id", sa.Uuid(), nullable=True, comment="Process version the node belongs to"
        ),
        sa.Column("node_type_id", sa.Uuid(), nullable=True, comment="Kind of node (see process_node_type)"),
        sa.Column(
            "node_key",
            sa.String(length=100),
            nullable=False,
            comment="Stable key used in code, e.g. 'scope_selection'",
        ),
        sa.Column("node_name", sa.String(length=200), nullable=False, comment="Display name of the step"),
        sa.Column(
            "order_index",
            sa.Integer(),
            nullable=False,
            comment="Default position in the linear ordering of nodes",
        ),
        sa.Column("purpose", sa.Text(), nullable=False, comment="Why this step exists"),
        sa.Column(
            "outcome", sa.Text(), nullable=True, comment="What should be true once the step is complete"
        ),
        sa.Column(
            "user_facing_text",
            sa.Text(),
            nullable=True,
            comment="Copy shown to the storyteller when entering the step",
        ),
        sa.Column(
            "is_optional",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the step may be left out entirely",
        ),
        sa.Column(
            "requires_completion",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Whether the flow must complete the step before moving on",
        ),
        sa.Column(
            "agent_objective", sa.Text(), nullable=True, comment="Goal given to the agent running this step"
        ),
        sa.Column(
            "agent_constraints",
            sa.Text(),
            nullable=True,
            comment='Guard rails for the agent, e.g. "never push on declined topics"',
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the node was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the node was last edited",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("process_node_pkey")),
        comment="A single step in the guided flow. Nodes carry both the user-facing copy and the objective and constraints handed to the agent that runs the step.",
    )
    op.create_index(
        "idx_process_node_version", "process_node", ["process_version_id", "order_index"], unique=False
    )
    op.create_table(
        "storyteller",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the storyteller",
        ),
        sa.Column(
            "user_id", sa.Uuid(), nullable=True, comment="Supabase auth user who owns this storyteller record"
        ),
        sa.Column(
            "relationship_to_user",
            sa.String(length=50),
            nullable=True,
            comment="'self', 'parent', 'grandparent', 'friend'...",
        ),
        sa.Column("first_name", sa.String(length=100), nullable=True, comment="Given name"),
        sa.Column("middle_name", sa.String(length=100), nullable=True, comment="Middle name(s), if any"),
        sa.Column("last_name", sa.String(length=100), nullable=True, comment="Family name"),
        sa.Column(
            "preferred_name",
            sa.String(length=100),
            nullable=True,
            comment='Name the agents should use, e.g. "Nana" or "Bill"',
        ),
        sa.Column(
            "birth_year",
            sa.Integer(),
            nullable=True,
            comment="Year of birth (the only birth field most people fill in)",
        ),
        sa.Column("birth_month", sa.Integer(), nullable=True, comment="Month of birth, 1-12, optional"),
        sa.Column("birth_day", sa.Integer(), nullable=True, comment="Day of month, optional"),
        sa.Column(
            "birth_place",
            sa.String(length=200),
            nullable=True,
            comment="Town, region or country of birth, free text",
        ),
        sa.Column(
            "is_living",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="FALSE for memorial books told by relatives",
        ),
        sa.Column(
            "current_location",
            sa.String(length=200),
            nullable=True,
            comment="Where the storyteller lives now",
        ),
        sa.Column(
            "consent_given",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the storyteller agreed to be recorded",
        ),
        sa.Column("consent_date", sa.DateTime(), nullable=True, comment="When consent was given"),
        sa.Column("profile_image_url", sa.Text(), nullable=True, comment="Storage URL of the profile photo"),
        sa.Column(
            "is_active",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Whether the storyteller is currently being worked with",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was last changed",
        ),
        sa.Column(
            "deleted_at",
            sa.DateTime(),
            nullable=True,
            comment="Soft-delete timestamp; NULL while the record is live",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("storyteller_pkey")),
        comment="The person whose life story is being captured. The row keeps identity and consent information; soft deletion is done through `deleted_at` so that exported books can still be traced.",
    )
    op.create_index("idx_storyteller_user", "storyteller", ["user_id", "is_active"], unique=False)
    op.create_table(
        "session",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the session",
        ),
        sa.Column("storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller being interviewed"),
        sa.Column(
            "process_version_id", sa.Uuid(), nullable=True, comment="Process version the session runs under"
        ),
        sa.Column(
            "current_process_node_id",
            sa.Uuid(),
            nullable=True,
            comment="Node of the process graph the session is currently at",
        ),
        sa.Column(
            "session_name",
            sa.String(length=200),
            nullable=True,
            comment='Optional title, e.g. "Growing up on Elm Street"',
        ),
        sa.Column(
            "intention",
            sa.Text(),
            nullable=False,
            comment="What this session is meant to achieve, in one or two sentences",
        ),
        sa.Column(
            "success_indicators",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Signals of a good session, e.g. {"min_events": 2, "sensory_detail": true}',
        ),
        sa.Column(
            "completion_indicators",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="Conditions under which the session can end early or on time",
        ),
        sa.Column(
            "constraints",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Rules for the agent in this session, e.g. {'no questions about Dad'}",
        ),
        sa.Column(
            "procedure_notes", sa.Text(), nullable=True, comment="How the agent should run the session"
        ),
        sa.Column(
            "scheduled_at", sa.DateTime(), nullable=True, comment="When the session is planned to start"
        ),
        sa.Column(
            "scheduled_duration_minutes", sa.Integer(), nullable=True, comment="Planned length in minutes"
        ),
        sa.Column("started_at", sa.DateTime(), nullable=True, comment="When the storyteller actually joined"),
        sa.Column("ended_at", sa.DateTime(), nullable=True, comment="When the session ended"),
        sa.Column("actual_duration_minutes", sa.Integer(), nullable=True, comment="Real length in minutes"),
        sa.Column(
            "status",
            sa.String(length=50),
            server_default=sa.text("'scheduled'"),
            nullable=True,
            comment="Lifecycle state: scheduled, in_progress, paused, completed, cancelled or abandoned",
        ),
        sa.Column("summary", sa.Text(), nullable=True, comment="Agent-written summary of what was covered"),
        sa.Column(
            "success_rating",
            sa.Integer(),
            nullable=True,
            comment="1-5 rating of how well the intention was met",
        ),
        sa.Column(
            "completion_percentage",
            sa.Integer(),
            nullable=True,
            comment="Share of the planned ground covered (0-100)",
        ),
        sa.Column(
            "needs_followup",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether another session should pick up the thread",
        ),
        sa.Column("followup_notes", sa.Text(), nullable=True, comment="What to follow up on"),
        sa.Column(
            "next_session_suggestion",
            sa.Text(),
            nullable=True,
            comment="Agent's proposal for the next session's intention",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the session was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the session was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("session_pkey")),
        comment="The central record of one interview sitting. It captures the plan (intention, indicators, constraints), the timing, and the outcome as judged at the end.",
    )
    op.create_index("idx_session_scheduled", "session", ["scheduled_at"], unique=False)
    op.create_index("idx_session_status", "session", ["status"], unique=False)
    op.create_index("idx_session_storyteller", "session", ["storyteller_id", "status"], unique=False)
    op.create_table(
        "agent_instance",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the instance",
        ),
        sa.Column("agent_id", sa.Uuid(), nullable=True, comment="Agent definition being run"),
        sa.Column("session_id", sa.Uuid(), nullable=True, comment="Session the instance serves, if any"),
        sa.Column("storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller the instance works for"),
        sa.Column("instance_objective", sa.Text(), nullable=True, comment="Objective for this run"),
        sa.Column(
            "instance_constraints",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Extra constraints for this run",
        ),
        sa.Column(
            "agent_context",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Context handed to the agent, e.g. {"recent_events": 3, "tone": "gentle"}',
        ),
        sa.Column(
            "tone_override",
            sa.String(length=50),
            nullable=True,
            comment="Tone to use instead of the agent default",
        ),
        sa.Column(
            "model_override",
            sa.String(length=50),
            nullable=True,
            comment="Model to use instead of the agent default",
        ),
        sa.Column(
            "temperature_override",
            sa.Numeric(precision=2, scale=1),
            nullable=True,
            comment="Temperature to use instead of the agent default",
        ),
        sa.Column(
            "status",
            sa.String(length=50),
            server_default=sa.text("'active'"),
            nullable=True,
            comment="active, paused, completed or failed",
        ),
        sa.Column(
            "started_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the instance started",
        ),
        sa.Column("completed_at", sa.DateTime(), nullable=True, comment="When it completed"),
        sa.Column("paused_at", sa.DateTime(), nullable=True, comment="When it was paused"),
        sa.Column("failed_at", sa.DateTime(), nullable=True, comment="When it failed"),
        sa.Column("failure_reason", sa.Text(), nullable=True, comment="Why it failed"),
        sa.Column(
            "total_interactions",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Interactions handled",
        ),
        sa.Column(
            "total_artifacts_created",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Artifacts created",
        ),
        sa.Column(
            "average_response_time_ms",
            sa.Integer(),
            nullable=True,
            comment="Mean response latency in milliseconds",
        ),
        sa.Column(
            "user_satisfaction_rating",
            sa.Integer(),
            nullable=True,
            comment="1-5 rating given by the storyteller",
        ),
        sa.Column(
            "flagged_for_review",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Marked for human review",
        ),
        sa.Column("review_notes", sa.Text(), nullable=True, comment="Reviewer's notes"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("agent_instance_pkey")),
        comment="One running use of an agent, usually inside a session, with per-instance overrides and runtime statistics.",
    )
    op.create_index("idx_agent_instance_agent", "agent_instance", ["agent_id"], unique=False)
    op.create_index("idx_agent_instance_session", "agent_instance", ["session_id"], unique=False)
    op.create_index("idx_agent_instance_status", "agent_instance", ["status"], unique=False)
    op.create_index("idx_agent_instance_storyteller", "agent_instance", ["storyteller_id"], unique=False)
    op.create_table(
        "collection",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the collection",
        ),
        sa.Column(
            "storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller whose events are collected"
        ),
        sa.Column(
            "collection_name",
            sa.String(length=200),
            nullable=False,
            comment='Display name, e.g. "The Navy Years"',
        ),
        sa.Column("description", sa.Text(), nullable=True, comment="What ties the events together"),
        sa.Column(
            "organizing_principle",
            sa.String(length=100),
            nullable=True,
            comment="'chronological', 'thematic', 'relational', 'geographic'...",
        ),
        sa.Column(
            "organizing_value",
            sa.Text(),
            nullable=True,
            comment="The value of the principle, e.g. '1958-1962' or 'Halifax'",
        ),
        sa.Column(
            "narrative_arc",
            sa.String(length=100),
            nullable=True,
            comment="Shape of the collection's arc, e.g. 'rise_and_fall'",
        ),
        sa.Column(
            "archetype_pattern",
            sa.String(length=100),
            nullable=True,
            comment="Archetype the events suggest, if any",
        ),
        sa.Column(
            "collection_type",
            sa.String(length=50),
            nullable=True,
            comment="'life_period', 'theme', 'relationship' or 'place'",
        ),
        sa.Column(
            "is_provisional",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="TRUE while the collection is an agent proposal",
        ),
        sa.Column(
            "is_approved",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Storyteller approved the grouping",
        ),
        sa.Column("approved_at", sa.DateTime(), nullable=True, comment="When it was approved"),
        sa.Column(
            "include_in_book",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Whether the collection should feed the book",
        ),
        sa.Column(
            "book_section_type",
            sa.String(length=50),
            nullable=True,
            comment="'chapter', 'part' or 'interlude'",
        ),
        sa.Column(
            "suggested_title",
            sa.String(length=200),
            nullable=True,
            comment="Working title for the book section",
        ),
        sa.Column("display_order", sa.Integer(), nullable=True, comment="Manual ordering of collections"),
        sa.Column("synthesis_summary", sa.Text(), nullable=True, comment="Short summary of the collection"),
        sa.Column(
            "synthesis_themes",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Main themes, e.g. {'duty', 'homesickness'}",
        ),
        sa.Column(
            "synthesis_tone", sa.String(length=50), nullable=True, comment="Dominant tone of the collection"
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the collection was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("collection_pkey")),
        comment='A named set of life events that belong together narratively, such as "The Navy years" or "Finding my faith". It records the organising principle, any archetype pattern detected, and how the collection should appear in the book.',
    )
    op.create_index("idx_collection_archetype", "collection", ["archetype_pattern"], unique=False)
    op.create_index("idx_collection_principle", "collection", ["organizing_principle"], unique=False)
    op.create_index("idx_collection_storyteller", "collection", ["storyteller_id"], unique=False)
    op.create_table(
        "story",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the story",
        ),
        sa.Column(
            "storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller whose life the book tells"
        ),
        sa.Column("title", sa.String(length=300), nullable=False, comment="Title of the book"),
        sa.Column(
            "subtitle",
            sa.String(length=300),
            nullable=True,
            comment='Subtitle, e.g. "A Life in Three Harbours"',
        ),
        sa.Column(
            "working_title",
            sa.String(length=300),
            nullable=True,
            comment="Internal working title while drafting",
        ),
        sa.Column(
            "overall_archetype",
            sa.String(length=100),
            nullable=True,
            comment="Dominant archetype: 'redemption', 'quest', 'rebirth'...",
        ),
        sa.Column(
            "secondary_archetypes",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Other archetypes present in the story",
        ),
        sa.Column(
            "narrative_structure",
            sa.String(length=100),
            nullable=True,
            comment="'chronological', 'thematic', 'frame', 'braided'...",
        ),
        sa.Column(
            "point_of_view",
            sa.String(length=50),
            nullable=True,
            comment="'first_person', 'third_person_limited'...",
        ),
        sa.Column(
            "narrative_voice",
            sa.String(length=100),
            nullable=True,
            comment="Voice of the narrator, e.g. 'conversational', 'lyrical'",
        ),
        sa.Column("tense", sa.String(length=50), nullable=True, comment="'past' or 'present'"),
        sa.Column("tone", sa.String(length=100), nullable=True, comment="Overall tone of the book"),
        sa.Column(
            "intended_audience", sa.String(length=200), nullable=True, comment="Who the book is written for"
        ),
        sa.Column(
            "primary_purpose",
            sa.Text(),
            nullable=True,
            comment="Why the book is being written (legacy, healing, record...)",
        ),
        sa.Column(
            "central_question",
            sa.Text(),
            nullable=True,
            comment='The question the book explores, e.g. "What does home mean?"',
        ),
        sa.Column(
            "central_themes", postgresql.ARRAY(sa.Text()), nullable=True, comment="Main themes of the book"
        ),
        sa.Column(
            "story_timeframe_start", sa.Integer(), nullable=True, comment="First year the story covers"
        ),
        sa.Column("story_timeframe_end", sa.Integer(), nullable=True, comment="Last year the story covers"),
        sa.Column(
            "uses_flashback",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the structure uses flashbacks",
        ),
        sa.Column(
            "uses_flashforward",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the structure uses flash-forwards",
        ),
        sa.Column(
            "opening_strategy",
            sa.String(length=100),
            nullable=True,
            comment="How the book opens: 'in_medias_res', 'birth', 'frame_scene'...",
        ),
        sa.Column(
            "closing_strategy",
            sa.String(length=100),
            nullable=True,
            comment="How the book closes: 'reflection', 'circular', 'letter'...",
        ),
        sa.Column(
            "status",
            sa.String(length=50),
            server_default=sa.text("'planning'"),
            nullable=True,
            comment="planning, outlining, drafting, revising, final",
        ),
        sa.Column(
            "current_draft_version",
            sa.Integer(),
            server_default=sa.text("1"),
            nullable=True,
            comment="Draft number currently being worked on",
        ),
        sa.Column(
            "estimated_word_count",
            sa.Integer(),
            nullable=True,
            comment="Current estimate of the final length",
        ),
        sa.Column("target_word_count", sa.Integer(), nullable=True, comment="Agreed target length"),
        sa.Column("estimated_page_count", sa.Integer(), nullable=True, comment="Estimated printed pages"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the story was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("story_pkey")),
        comment="The book-level plan for one storyteller's book: title, archetype, structure and voice, and the running status of the manuscript.",
    )
    op.create_index("idx_story_storyteller", "story", ["storyteller_id"], unique=False)
    op.create_table(
        "archetype_analysis",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the analysis",
        ),
        sa.Column(
            "storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller whose material was analysed"
        ),
        sa.Column(
            "analysis_scope",
            sa.String(length=50),
            nullable=True,
            comment="'storyteller', 'collection' or 'story'",
        ),
        sa.Column(
            "collection_id",
            sa.Uuid(),
            nullable=True,
            comment="Collection analysed, when the scope is a collection",
        ),
        sa.Column("story_id", sa.Uuid(), nullable=True, comment="Story analysed, when the scope is a story"),
        sa.Column(
            "analysis_number",
            sa.Integer(),
            nullable=False,
            comment="Sequence number per storyteller, starting at 1",
        ),
        sa.Column(
            "analyzed_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the analysis ran",
        ),
        sa.Column(
            "candidate_archetypes",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            comment='Ranked candidates, e.g. [{"archetype": "redemption", "confidence": 0.62}]',
        ),
        sa.Column(
            "refinement_status",
            sa.String(length=20),
            nullable=False,
            comment="'exploring', 'narrowing', 'resolved' or 'stalled'",
        ),
        sa.Column(
            "dominant_archetype", sa.String(length=100), nullable=True, comment="Current best candidate"
        ),
        sa.Column(
            "dominant_confidence",
            sa.Numeric(precision=3, scale=2),
            nullable=True,
            comment="Confidence in the best candidate, 0.00-1.00",
        ),
        sa.Column(
            "refinement_progress", sa.Text(), nullable=True, comment="What has narrowed the field so far"
        ),
        sa.Column(
            "discriminating_requirements_lodged",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Requirements lodged to tell candidates apart",
        ),
        sa.Column(
            "narrative_patterns",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Patterns observed in the material",
        ),
        sa.Column(
            "thematic_indicators",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Themes pointing to the candidates",
        ),
        sa.Column(
            "emotional_arc_description", sa.Text(), nullable=True, comment="The emotional arc as read so far"
        ),
        sa.Column(
            "character_development_notes",
            sa.Text(),
            nullable=True,
            comment="How the storyteller changes across the material",
        ),
        sa.Column(
            "identity_before",
            sa.Text(),
            nullable=True,
            comment="Who the storyteller was before the turning point",
        ),
        sa.Column("identity_after", sa.Text(), nullable=True, comment="Who they became after it"),
        sa.Column(
            "identity_shift_type",
            sa.String(length=100),
            nullable=True,
            comment="'gradual', 'sudden', 'cyclical'...",
        ),
        sa.Column(
            "relationship_to_loss_strength",
            sa.Numeric(precision=3, scale=2),
            nullable=True,
            comment="0.00-1.00 strength of the loss dimension",
        ),
        sa.Column("relationship_to_loss_notes", sa.Text(), nullable=True, comment="Evidence for it"),
        sa.Column(
            "relationship_to_agency_strength",
            sa.Numeric(precision=3, scale=2),
            nullable=True,
            comment="0.00-1.00 strength of the agency dimension",
        ),
        sa.Column("relationship_to_agency_notes", sa.Text(), nullable=True, comment="Evidence for it"),
        sa.Column(
            "relationship_to_meaning_strength",
            sa.Numeric(precision=3, scale=2),
            nullable=True,
            comment="0.00-1.00 strength of the meaning dimension",
        ),
        sa.Column("relationship_to_meaning_notes", sa.Text(), nullable=True, comment="Evidence for it"),
        sa.Column(
            "revealed_to_user",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the storyteller has been shown the analysis",
        ),
        sa.Column("revealed_at", sa.DateTime(), nullable=True, comment="When it was shown"),
        sa.Column(
            "user_feedback_received",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the storyteller responded",
        ),
        sa.Column(
            "user_confirmed",
            sa.Boolean(),
            nullable=True,
            comment="Storyteller agreed; NULL until they respond",
        ),
        sa.Column(
            "user_reframed_as",
            sa.String(length=100),
            nullable=True,
            comment="Archetype the storyteller prefers instead",
        ),
        sa.Column(
            "user_reframe_notes",
            sa.Text(),
            nullable=True,
            comment="The storyteller's reframing in their own words",
        ),
        sa.Column(
            "analysis_method",
            sa.String(length=100),
            server_default=sa.text("'ai_inference'"),
            nullable=True,
            comment="'ai_inference', 'manual' or 'hybrid'",
        ),
        sa.Column("analysis_notes", sa.Text(), nullable=True, comment="Notes from the analyst"),
        sa.Column(
            "previous_analysis_id",
            sa.Uuid(),
            nullable=True,
            comment="Analysis this one refines (self reference)",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("archetype_analysis_pkey")),
        comment="A point-in-time analysis of which narrative archetype best fits the storyteller's material (or one collection or story). Analyses are numbered; each new one links to the previous to show how the reading was refined.",
    )
    op.create_index(
        "idx_archetype_analysis_collection", "archetype_analysis", ["collection_id"], unique=False
    )
    op.create_index(
        "idx_archetype_analysis_number",
        "archetype_analysis",
        ["storyteller_id", "analysis_number"],
        unique=False,
    )
    op.create_index(
        "idx_archetype_analysis_refinement",
        "archetype_analysis",
        ["storyteller_id", "refinement_status"],
        unique=False,
    )
    op.create_index(
        "idx_archetype_analysis_revealed", "archetype_analysis", ["revealed_to_user"], unique=False
    )
    op.create_index("idx_archetype_analysis_story", "archetype_analysis", ["story_id"], unique=False)
    op.create_index(
        "idx_archetype_analysis_storyteller", "archetype_analysis", ["storyteller_id"], unique=False
    )
    op.create_table(
        "book_export",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the export",
        ),
        sa.Column("story_id", sa.Uuid(), nullable=True, comment="Story being exported"),
        sa.Column("storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller the export belongs to"),
        sa.Column(
            "export_format",
            sa.String(length=50),
            nullable=True,
            comment="'pdf', 'epub', 'docx' or 'print_pdf'",
        ),
        sa.Column(
            "export_version",
            sa.Integer(),
            server_default=sa.text("1"),
            nullable=True,
            comment="Version number of the export for this story",
        ),
        sa.Column(
            "export_scope",
            sa.String(length=50),
            nullable=True,
            comment="'full_book', 'chapters' or 'collections'",
        ),
        sa.Column(
            "chapter_ids",
            postgresql.ARRAY(sa.Uuid()),
            nullable=True,
            comment="Chapters included when the scope is 'chapters'",
        ),
        sa.Column(
            "collection_ids",
            postgresql.ARRAY(sa.Uuid()),
            nullable=True,
            comment="Collections included when the scope is 'collections'",
        ),
        sa.Column(
            "format_options",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Rendering options, e.g. {"trim": "6x9", "font": "Garamond", "photos": true}',
        ),
        sa.Column(
            "export_status",
            sa.String(length=50),
            server_default=sa.text("'queued'"),
            nullable=True,
            comment="Lifecycle state of the export: queued, generating, ready, failed or expired",
        ),
        sa.Column("generation_started_at", sa.DateTime(), nullable=True, comment="When rendering started"),
        sa.Column("generation_completed_at", sa.DateTime(), nullable=True, comment="When rendering finished"),
        sa.Column(
            "generation_duration_seconds", sa.Integer(), nullable=True, comment="Rendering time in seconds"
        ),
        sa.Column("file_url", sa.Text(), nullable=True, comment="Signed storage URL of the file"),
        sa.Column("file_size_bytes", sa.BigInteger(), nullable=True, comment="File size in bytes"),
        sa.Column(
            "file_checksum", sa.String(length=64), nullable=True, comment="SHA-256 of the file, hex encoded"
        ),
        sa.Column("page_count", sa.Integer(), nullable=True, comment="Pages in the rendered file"),
        sa.Column("word_count", sa.Integer(), nullable=True, comment="Words in the rendered file"),
        sa.Column("expires_at", sa.DateTime(), nullable=True, comment="When the download link expires"),
        sa.Column(
            "downloaded_count",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Number of downloads",
        ),
        sa.Column("last_downloaded_at", sa.DateTime(), nullable=True, comment="When it was last downloaded"),
        sa.Column("failed_at", sa.DateTime(), nullable=True, comment="When rendering failed"),
        sa.Column("failure_reason", sa.Text(), nullable=True, comment="Short reason for the failure"),
        sa.Column("error_log", sa.Text(), nullable=True, comment="Full error output"),
        sa.Column(
            "generated_by", sa.String(length=100), nullable=True, comment="Worker or service that rendered it"
        ),
        sa.Column("generation_notes", sa.Text(), nullable=True, comment="Notes from the renderer"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the export was requested",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("book_export_pkey")),
        comment="A rendered export of a story (PDF, EPUB, DOCX, print-ready files), from queueing through generation to expiry of the download link.",
    )
    op.create_index("idx_book_export_expires", "book_export", ["expires_at"], unique=False)
    op.create_index("idx_book_export_status", "book_export", ["export_status"], unique=False)
    op.create_index("idx_book_export_story", "book_export", ["story_id"], unique=False)
    op.create_index("idx_book_export_storyteller", "book_export", ["storyteller_id"], unique=False)
    op.create_table(
        "book_export_delivery",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the delivery",
        ),
        sa.Column("book_export_id", sa.Uuid(), nullable=True, comment="Export being delivered"),
        sa.Column("storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller the delivery belongs to"),
        sa.Column(
            "delivery_method",
            sa.String(length=50),
            nullable=True,
            comment="'email', 'download_link' or 'print_partner'",
        ),
        sa.Column(
            "delivered_to",
            sa.String(length=300),
            nullable=True,
            comment="Recipient address, e.g. 'ann@example.com'",
        ),
        sa.Column(
            "delivery_status",
            sa.String(length=50),
            nullable=True,
            comment="'pending', 'sent', 'delivered', 'opened' or 'failed'",
        ),
        sa.Column("delivered_at", sa.DateTime(), nullable=True, comment="When it was delivered"),
        sa.Column("opened_at", sa.DateTime(), nullable=True, comment="When the recipient opened it"),
        sa.Column(
            "downloaded_at", sa.DateTime(), nullable=True, comment="When the recipient downloaded the file"
        ),
        sa.Column("failure_reason", sa.Text(), nullable=True, comment="Why the delivery failed"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the delivery was created",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("book_export_delivery_pkey")),
        comment="A delivery of an export to someone (email, download link, print partner), with its tracking timestamps.",
    )
    op.create_index(
        "idx_book_export_delivery_export", "book_export_delivery", ["book_export_id"], unique=False
    )
    op.create_index(
        "idx_book_export_delivery_status", "book_export_delivery", ["delivery_status"], unique=False
    )
    op.create_table(
        "story_chapter",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the chapter",
        ),
        sa.Column("story_id", sa.Uuid(), nullable=True, comment="Story the chapter belongs to"),
        sa.Column("chapter_number", sa.Integer(), nullable=False, comment="Logical chapter number"),
        sa.Column("chapter_title", sa.String(length=300), nullable=True, comment="Title of the chapter"),
        sa.Column("chapter_subtitle", sa.String(length=300), nullable=True, comment="Subtitle, if any"),
        sa.Column(
            "chapter_type",
            sa.String(length=100),
            nullable=True,
            comment="'prologue', 'chapter', 'interlude' or 'epilogue'",
        ),
        sa.Column(
            "narrative_purpose",
            sa.Text(),
            nullable=True,
            comment="What the chapter must accomplish for the book",
        ),
        sa.Column(
            "narrative_position",
            sa.String(length=50),
            nullable=True,
            comment="'setup', 'confrontation', 'resolution'...",
        ),
        sa.Column("chapter_arc", sa.String(length=100), nullable=True, comment="Shape of the chapter's arc"),
        sa.Column(
            "emotional_arc", sa.Text(), nullable=True, comment="How the emotion moves through the chapter"
        ),
        sa.Column("opening_hook", sa.Text(), nullable=True, comment="How the chapter grabs the reader"),
        sa.Column(
            "closing_resonance", sa.Text(), nullable=True, comment="What the reader should be left with"
        ),
        sa.Column(
            "chapter_timeframe_start",
            sa.Integer(),
            nullable=True,
            comment="First year covered by the chapter",
        ),
        sa.Column(
            "chapter_timeframe_end", sa.Integer(), nullable=True, comment="Last year covered by the chapter"
        ),
        sa.Column(
            "primary_mode", sa.String(length=50), nullable=True, comment="'scene', 'summary' or 'reflection'"
        ),
        sa.Column(
            "scene_to_summary_ratio",
            sa.Numeric(precision=3, scale=2),
            nullable=True,
            comment="Share of scene versus summary, 0.00-1.00 (e.g. 0.70)",
        ),
        sa.Column("summary", sa.Text(), nullable=True, comment="Short synopsis of the chapter"),
        sa.Column("epigraph", sa.Text(), nullable=True, comment="Quotation opening the chapter"),
        sa.Column(
            "epigraph_attribution", sa.String(length=200), nullable=True, comment="Who the epigraph is from"
        ),
        sa.Column(
            "status",
            sa.String(length=50),
            server_default=sa.text("'planned'"),
            nullable=True,
            comment="planned, outlined, drafted, revised, final",
        ),
        sa.Column(
            "current_draft_version",
            sa.Integer(),
            server_default=sa.text("1"),
            nullable=True,
            comment="Draft number currently being worked on",
        ),
        sa.Column("word_count", sa.Integer(), nullable=True, comment="Current word count"),
        sa.Column("estimated_word_count", sa.Integer(), nullable=True, comment="Estimated final word count"),
        sa.Column(
            "display_order", sa.Integer(), nullable=True, comment="Position of the chapter in the book"
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the chapter was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("story_chapter_pkey")),
        comment="A chapter of the book, with its narrative purpose, arc and hooks. `chapter_number` is the logical number; `display_order` lets chapters be reordered without renumbering.",
    )
    op.create_index("idx_story_chapter_order", "story_chapter", ["story_id", "display_order"], unique=False)
    op.create_index("idx_story_chapter_story", "story_chapter", ["story_id", "chapter_number"], unique=False)
    op.create_table(
        "chapter_section",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the section",
        ),
        sa.Column("chapter_id", sa.Uuid(), nullable=True, comment="Chapter the section belongs to"),
        sa.Column(
            "section_number", sa.Integer(), nullable=False, comment="Logical number within the chapter"
        ),
        sa.Column(
            "section_title", sa.String(length=200), nullable=True, comment="Title of the section, if any"
        ),
        sa.Column(
            "section_type",
            sa.String(length=50),
            nullable=True,
            comment="'scene', 'summary', 'reflection' or 'transition'",
        ),
        sa.Column(
            "scene_setting",
            sa.String(length=500),
            nullable=True,
            comment='Where and when the section is set, e.g. "Kitchen, winter 1963"',
        ),
        sa.Column(
            "scene_characters",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Characters present in the section",
        ),
        sa.Column("scene_purpose", sa.Text(), nullable=True, comment="What the section does for the chapter"),
        sa.Column("content", sa.Text(), nullable=True, comment="Drafted prose"),
        sa.Column("notes", sa.Text(), nullable=True, comment="Writer's notes"),
        sa.Column(
            "uses_dialogue",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Section contains dialogue",
        ),
        sa.Column(
            "uses_sensory_details",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Section uses sensory description",
        ),
        sa.Column(
            "uses_internal_monologue",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Section includes the narrator's inner voice",
        ),
        sa.Column(
            "show_vs_tell", sa.String(length=50), nullable=True, comment="'show', 'tell' or 'balanced'"
        ),
        sa.Column(
            "status",
            sa.String(length=50),
            server_default=sa.text("'outlined'"),
            nullable=True,
            comment="outlined, drafted, revised, final",
        ),
        sa.Column("word_count", sa.Integer(), nullable=True, comment="Current word count"),
        sa.Column(
            "sequence_order", sa.Integer(), nullable=True, comment="Position of the section in the chapter"
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the section was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("chapter_section_pkey")),
        comment="A section or scene slot inside a chapter, holding the drafted prose for that part along with craft flags the editor agent checks.",
    )
    op.create_index(
        "idx_chapter_section_chapter", "chapter_section", ["chapter_id", "sequence_order"], unique=False
    )
    op.create_table(
        "story_theme",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the theme",
        ),
        sa.Column("story_id", sa.Uuid(), nullable=True, comment="Story the theme belongs to"),
        sa.Column(
            "theme_name", sa.String(length=200), nullable=False, comment='Name of the theme, e.g. "Home"'
        ),
        sa.Column("theme_description", sa.Text(), nullable=True, comment="What the theme means in this book"),
        sa.Column(
            "theme_type", sa.String(length=50), nullable=True, comment="'central', 'secondary' or 'motif'"
        ),
        sa.Column(
            "symbols",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Recurring symbols, e.g. {'the porch light', 'the red bicycle'}",
        ),
        sa.Column("motifs", postgresql.ARRAY(sa.Text()), nullable=True, comment="Recurring motifs"),
        sa.Column("imagery", postgresql.ARRAY(sa.Text()), nullable=True, comment="Recurring images"),
        sa.Column(
            "theme_arc", sa.Text(), nullable=True, comment="How the theme develops from beginning to end"
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the theme was recorded",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("story_theme_pkey")),
        comment="A theme running through the book, with the symbols, motifs and imagery that carry it.",
    )
    op.create_index("idx_story_theme_story", "story_theme", ["story_id"], unique=False)
    op.create_table(
        "chapter_theme",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the link",
        ),
        sa.Column("chapter_id", sa.Uuid(), nullable=True, comment="Chapter exploring the theme"),
        sa.Column("theme_id", sa.Uuid(), nullable=True, comment="Theme being explored"),
        sa.Column(
            "prominence", sa.String(length=50), nullable=True, comment="'dominant', 'present' or 'echo'"
        ),
        sa.Column("how_explored", sa.Text(), nullable=True, comment="How the chapter develops the theme"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the link was created",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("chapter_theme_pkey")),
        sa.UniqueConstraint("chapter_id", "theme_id", name=op.f("chapter_theme_chapter_id_theme_id_key")),
        comment="Which themes a chapter explores and how prominently. Each theme is linked to a chapter once.",
    )
    op.create_index("idx_chapter_theme_chapter", "chapter_theme", ["chapter_id"], unique=False)
    op.create_index("idx_chapter_theme_theme", "chapter_theme", ["theme_id"], unique=False)
    op.create_table(
        "story_character",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the character",
        ),
        sa.Column("story_id", sa.Uuid(), nullable=True, comment="Story the character appears in"),
        sa.Column(
            "storyteller_id",
            sa.Uuid(),
            nullable=True,
            comment="Set when the character is the storyteller (the protagonist)",
        ),
        sa.Column("character_name", sa.String(length=200), nullable=False, comment="Name used in the book"),
        sa.Column(
            "real_name",
            sa.String(length=200),
            nullable=True,
            comment="Real name, if different from character_name",
        ),
        sa.Column(
            "is_pseudonym",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether character_name is a pseudonym",
        ),
        sa.Column(
            "character_type",
            sa.String(length=50),
            nullable=True,
            comment="'protagonist', 'family', 'mentor', 'antagonist', 'friend'...",
        ),
        sa.Column(
            "relationship_to_protagonist",
            sa.String(length=100),
            nullable=True,
            comment="e.g. 'mother', 'first love', \"best friend's brother\"",
        ),
        sa.Column("physical_description", sa.Text(), nullable=True, comment="How the character looks"),
        sa.Column(
            "personality_traits",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Traits, e.g. {'stubborn', 'generous'}",
        ),
        sa.Column(
            "speech_patterns", sa.Text(), nullable=True, comment="How the character talks (phrases, accent)"
        ),
        sa.Column(
            "backstory", sa.Text(), nullable=True, comment="What the reader needs to know about their past"
        ),
        sa.Column("motivation", sa.Text(), nullable=True, comment="What drives the character"),
        sa.Column(
            "has_arc",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the character changes over the book",
        ),
        sa.Column(
            "arc_type",
            sa.String(length=100),
            nullable=True,
            comment="'growth', 'fall', 'flat' or 'transformation'",
        ),
        sa.Column("arc_description", sa.Text(), nullable=True, comment="The arc in prose"),
        sa.Column("initial_state", sa.Text(), nullable=True, comment="Who they are at the start"),
        sa.Column("transformation", sa.Text(), nullable=True, comment="What changes them"),
        sa.Column("final_state", sa.Text(), nullable=True, comment="Who they are at the end"),
        sa.Column(
            "degree_of_revelation",
            sa.String(length=50),
            nullable=True,
            comment="How much of the person is revealed: 'full', 'partial', 'minimal'",
        ),
        sa.Column(
            "privacy_level", sa.String(length=50), nullable=True, comment="'private', 'family' or 'public'"
        ),
        sa.Column(
            "composite_of",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Real people merged into this character, if composite",
        ),
        sa.Column(
            "first_appearance_chapter_id",
            sa.Uuid(),
            nullable=True,
            comment="Chapter where the character first appears",
        ),
        sa.Column(
            "introduction_strategy",
            sa.Text(),
            nullable=True,
            comment="How the character is introduced to the reader",
        ),
        sa.Column(
            "is_living",
            sa.Boolean(),
            nullable=True,
            comment="Whether the real person is alive (affects consent)",
        ),
        sa.Column(
            "consent_obtained",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the person agreed to appear",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the character was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("story_character_pkey")),
        comment="A character in the book - usually a real person from the storyteller's life, sometimes a pseudonym or a composite - with the arc and privacy settings the writer must respect.",
    )
    op.create_index("idx_story_character_story", "story_character", ["story_id"], unique=False)
    op.create_index("idx_story_character_type", "story_character", ["character_type"], unique=False)
    op.create_table(
        "character_appearance",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the appearance",
        ),
        sa.Column("character_id", sa.Uuid(), nullable=True, comment="Character appearing"),
        sa.Column("chapter_id", sa.Uuid(), nullable=True, comment="Chapter they appear in"),
        sa.Column(
            "section_id",
            sa.Uuid(),
            nullable=True,
            comment="Section they appear in; cleared if the section is deleted",
        ),
        sa.Column(
            "role_in_scene", sa.String(length=100), nullable=True, comment="What the character does there"
        ),
        sa.Column(
            "significance_in_scene",
            sa.String(length=50),
            nullable=True,
            comment="'central', 'supporting' or 'mentioned'",
        ),
        sa.Column(
            "character_development",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the character develops in this appearance",
        ),
        sa.Column("development_notes", sa.Text(), nullable=True, comment="How they develop"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the appearance was recorded",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("character_appearance_pkey")),
        comment="Where a character shows up: a chapter and optionally a specific section, with the role they play there.",
    )
    op.create_index("idx_character_appearance_chapter", "character_appearance", ["chapter_id"], unique=False)
    op.create_index(
        "idx_character_appearance_character", "character_appearance", ["character_id"], unique=False
    )
    op.create_table(
        "character_relationship",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the relationship",
        ),
        sa.Column("story_id", sa.Uuid(), nullable=True, comment="Story the relationship belongs to"),
        sa.Column("character_a_id", sa.Uuid(), nullable=True, comment="First character"),
        sa.Column("character_b_id", sa.Uuid(), nullable=True, comment="Second character"),
        sa.Column(
            "relationship_type",
            sa.String(length=100),
            nullable=True,
            comment="'parent_child', 'spouses', 'siblings', 'rivals'...",
        ),
        sa.Column("relationship_description", sa.Text(), nullable=True, comment="The relationship in prose"),
        sa.Column(
            "has_arc",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the relationship changes through the book",
        ),
        sa.Column(
            "relationship_arc",
            sa.String(length=100),
            nullable=True,
            comment="Shape of that change, e.g. 'estrangement_to_reconciliation'",
        ),
        sa.Column("initial_dynamic", sa.Text(), nullable=True, comment="How things stand at the start"),
        sa.Column("key_conflict", sa.Text(), nullable=True, comment="The central tension between them"),
        sa.Column("resolution", sa.Text(), nullable=True, comment="How the tension resolves, if it does"),
        sa.Column(
            "significance", sa.String(length=50), nullable=True, comment="'central', 'major' or 'minor'"
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the relationship was recorded",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("character_relationship_pkey")),
        sa.UniqueConstraint(
            "character_a_id",
            "character_b_id",
            name=op.f("character_relationship_character_a_id_character_b_id_key"),
        ),
        comment="A relationship between two characters and how it develops through the book. Each ordered pair is recorded once.",
    )
    op.create_index("idx_character_relationship_story", "character_relationship", ["story_id"], unique=False)
    op.create_table(
        "collection_grouping",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the grouping",
        ),
        sa.Column("storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller the grouping belongs to"),
        sa.Column(
            "grouping_name", sa.String(length=200), nullable=False, comment="Display name of the grouping"
        ),
        sa.Column("grouping_description", sa.Text(), nullable=True, comment="What the grouping stands for"),
        sa.Column(
            "grouping_type", sa.String(length=100), nullable=True, comment="'life_stage', 'theme' or 'custom'"
        ),
        sa.Column(
            "grouping_principle", sa.Text(), nullable=True, comment="Why these collections belong together"
        ),
        sa.Column("book_part_type", sa.String(length=50), nullable=True, comment="'part', 'act' or 'volume'"),
        sa.Column(
            "suggested_part_title",
            sa.String(length=200),
            nullable=True,
            comment='Working title, e.g. "Part One: Beginnings"',
        ),
        sa.Column("display_order", sa.Integer(), nullable=True, comment="Order of the grouping in the book"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the grouping was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("collection_grouping_pkey")),
        comment='A higher-level grouping of collections, typically mapping to a part of the book ("Part One: Beginnings").',
    )
    op.create_index(
        "idx_collection_grouping_storyteller", "collection_grouping", ["storyteller_id"], unique=False
    )
    op.create_table(
        "collection_grouping_member",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the membership",
        ),
        sa.Column("grouping_id", sa.Uuid(), nullable=True, comment="Grouping the collection is placed in"),
        sa.Column("collection_id", sa.Uuid(), nullable=True, comment="Collection being placed"),
        sa.Column(
            "sequence_order",
            sa.Integer(),
            nullable=True,
            comment="Position of the collection inside the grouping",
        ),
        sa.Column(
            "relationship_to_grouping",
            sa.Text(),
            nullable=True,
            comment="How the collection contributes to the grouping",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the membership was created",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("collection_grouping_member_pkey")),
        sa.UniqueConstraint(
            "grouping_id",
            "collection_id",
            name=op.f("collection_grouping_member_grouping_id_collection_id_key"),
        ),
        comment="Places a collection inside a grouping, in order.",
    )
    op.create_index(
        "idx_collection_grouping_member_collection",
        "collection_grouping_member",
        ["collection_id"],
        unique=False,
    )
    op.create_index(
        "idx_collection_grouping_member_grouping",
        "collection_grouping_member",
        ["grouping_id", "sequence_order"],
        unique=False,
    )
    op.create_table(
        "life_event",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the life event",
        ),
        sa.Column("storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller the event belongs to"),
        sa.Column(
            "event_type",
            sa.String(length=100),
            nullable=True,
            comment="'birth', 'move', 'marriage', 'career', 'loss', 'achievement'...",
        ),
        sa.Column(
            "event_name",
            sa.String(length=200),
            nullable=False,
            comment='Short title, e.g. "Moving to Halifax"',
        ),
        sa.Column(
            "description", sa.Text(), nullable=True, comment="The storyteller's own summary of the event"
        ),
        sa.Column(
            "category",
            sa.String(length=100),
            nullable=True,
            comment="Broad area of life: 'family', 'work', 'health'...",
        ),
        sa.Column(
            "significance_level",
            sa.String(length=50),
            nullable=True,
            comment="'minor', 'moderate', 'major' or 'defining'",
        ),
        sa.Column(
            "emotional_tone",
            sa.String(length=50),
            nullable=True,
            comment="Dominant feeling: 'joyful', 'bittersweet', 'painful'...",
        ),
        sa.Column(
            "is_turning_point",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the event changed the direction of the storyteller's life",
        ),
        sa.Column(
            "is_ongoing",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the event is still happening (a marriage, a career)",
        ),
        sa.Column(
            "include_in_story",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Whether the event may appear in the book at all",
        ),
        sa.Column(
            "include_level", sa.String(length=50), nullable=True, comment="'full', 'summary' or 'mention'"
        ),
        sa.Column("display_order", sa.Integer(), nullable=True, comment="Manual ordering on the timeline"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the event was recorded",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the event was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("life_event_pkey")),
        comment="A memory, period or milestone the storyteller has shared. Life events are the atoms that collections, stories and scenes are later built from.",
    )
    op.create_index("idx_life_event_storyteller", "life_event", ["storyteller_id"], unique=False)
    op.create_index("idx_life_event_type", "life_event", ["event_type"], unique=False)
    op.create_table(
        "collection_life_event",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the membership",
        ),
        sa.Column("collection_id", sa.Uuid(), nullable=True, comment="Collection the event belongs to"),
        sa.Column("life_event_id", sa.Uuid(), nullable=True, comment="Life event in the collection"),
        sa.Column(
            "sequence_order", sa.Integer(), nullable=True, comment="Position of the event in the collection"
        ),
        sa.Column(
            "is_anchor_event",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the event anchors the collection",
        ),
        sa.Column(
            "narrative_role",
            sa.String(length=100),
            nullable=True,
            comment="'opening', 'rising_action', 'climax', 'resolution'...",
        ),
        sa.Column(
            "narrative_function",
            sa.Text(),
            nullable=True,
            comment="What the event does for the collection's story",
        ),
        sa.Column(
            "connection_to_theme",
            sa.Text(),
            nullable=True,
            comment="How the event expresses the collection's theme",
        ),
        sa.Column(
            "added_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the event was added",
        ),
        sa.Column(
            "added_by", sa.String(length=100), nullable=True, comment="'analyst_agent' or 'storyteller'"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("collection_life_event_pkey")),
        sa.UniqueConstraint(
            "collection_id",
            "life_event_id",
            name=op.f("collection_life_event_collection_id_life_event_id_key"),
        ),
        comment="Membership of a life event in a collection, with its position and narrative role. An event can belong to several collections but only once to each.",
    )
    op.create_index(
        "idx_collection_life_event_collection",
        "collection_life_event",
        ["collection_id", "sequence_order"],
        unique=False,
    )
    op.create_index(
        "idx_collection_life_event_event", "collection_life_event", ["life_event_id"], unique=False
    )
    op.create_table(
        "collection_relationship",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the relationship",
        ),
        sa.Column(
            "source_collection_id",
            sa.Uuid(),
            nullable=True,
            comment="Collection the relationship starts from",
        ),
        sa.Column(
            "target_collection_id", sa.Uuid(), nullable=True, comment="Collection the relationship points to"
        ),
        sa.Column(
            "relationship_type",
            sa.String(length=100),
            nullable=True,
            comment="'leads_to', 'mirrors', 'contrasts', 'echoes'...",
        ),
        sa.Column("relationship_description", sa.Text(), nullable=True, comment="Explanation in plain words"),
        sa.Column("strength", sa.String(length=50), nullable=True, comment="'weak', 'moderate' or 'strong'"),
        sa.Column(
            "is_bidirectional",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the relationship reads both ways",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the relationship was recorded",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("collection_relationship_pkey")),
        sa.UniqueConstraint(
            "source_collection_id",
            "target_collection_id",
            "relationship_type",
            name="collection_relationship_source_collection_id_target_collect_key",
        ),
        comment="A typed link between two collections (one leads to the other, mirrors it, contrasts with it). The same pair may be linked by several relationship types, but each type only once.",
    )
    op.create_index(
        "idx_collection_relationship_source",
        "collection_relationship",
        ["source_collection_id"],
        unique=False,
    )
    op.create_index(
        "idx_collection_relationship_target",
        "collection_relationship",
        ["target_collection_id"],
        unique=False,
    )
    op.create_table(
        "collection_synthesis",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the synthesis",
        ),
        sa.Column("collection_id", sa.Uuid(), nullable=True, comment="Collection being summarised"),
        sa.Column(
            "synthesis_type",
            sa.String(length=50),
            nullable=True,
            comment="'summary', 'narrative_draft' or 'theme_analysis'",
        ),
        sa.Column(
            "synthesis_version",
            sa.Integer(),
            server_default=sa.text("1"),
            nullable=True,
            comment="Revision number, starting at 1",
        ),
        sa.Column("content", sa.Text(), nullable=False, comment="The synthesis text"),
        sa.Column(
            "structured_data",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Extracted structure, e.g. {"themes": ["duty"], "key_people": ["Sgt. Willis"]}',
        ),
        sa.Column(
            "is_provisional",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="TRUE until approved",
        ),
        sa.Column(
            "is_approved",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Storyteller approved this version",
        ),
        sa.Column("approved_at", sa.DateTime(), nullable=True, comment="When it was approved"),
        sa.Column("user_feedback", sa.Text(), nullable=True, comment="What the storyteller said about it"),
        sa.Column(
            "needs_revision",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="The storyteller asked for changes",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the version was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("collection_synthesis_pkey")),
        comment="Versioned written synthesis of a collection. Each revision is a new row; the storyteller approves or asks for changes.",
    )
    op.create_index(
        "idx_collection_synthesis",
        "collection_synthesis",
        ["collection_id", "synthesis_version"],
        unique=False,
    )
    op.create_table(
        "collection_tag",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the tag",
        ),
        sa.Column("collection_id", sa.Uuid(), nullable=True, comment="Collection being tagged"),
        sa.Column(
            "tag_category",
            sa.String(length=100),
            nullable=True,
            comment="'emotion', 'place', 'person', 'era', 'theme'...",
        ),
        sa.Column("tag_value", sa.String(length=200), nullable=True, comment="The tag itself, e.g. 'pride'"),
        sa.Column("relevance_note", sa.Text(), nullable=True, comment="Why the tag applies"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the tag was added",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("collection_tag_pkey")),
        comment='Categorised tags on a collection, used for search and for the story planner ("emotion: pride", "place: Glasgow").',
    )
    op.create_index(
        "idx_collection_tag_category", "collection_tag", ["tag_category", "tag_value"], unique=False
    )
    op.create_index("idx_collection_tag_collection", "collection_tag", ["collection_id"], unique=False)
    op.create_table(
        "edit_requirement",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the edit requirement",
        ),
        sa.Column("story_id", sa.Uuid(), nullable=True, comment="Story with the issue"),
        sa.Column("storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller whose story it is"),
        sa.Column("chapter_id", sa.Uuid(), nullable=True, comment="Chapter with the issue, if specific"),
        sa.Column(
            "section_id", sa.Uuid(), nullable=True, comment="Chapter section with the issue, if specific"
        ),
        sa.Column("character_id", sa.Uuid(), nullable=True, comment="Character concerned, if any"),
        sa.Column("theme_id", sa.Uuid(), nullable=True, comment="Theme concerned, if any"),
        sa.Column(
            "issue_type",
            sa.String(length=50),
            nullable=False,
            comment="'pacing', 'clarity', 'consistency', 'voice', 'privacy'...",
        ),
        sa.Column(
            "severity", sa.String(length=20), nullable=False, comment="'blocker', 'major', 'minor' or 'nit'"
        ),
        sa.Column("specific_concern", sa.Text(), nullable=False, comment="The problem, stated precisely"),
        sa.Column("why_problematic", sa.Text(), nullable=True, comment="Why it hurts the book"),
        sa.Column("suggested_approach", sa.Text(), nullable=True, comment="How to fix it"),
        sa.Column("example_text", sa.Text(), nullable=True, comment="Example rewrite"),
        sa.Column(
            "line_numbers", sa.String(length=50), nullable=True, comment="Affected lines, e.g. '112-118'"
        ),
        sa.Column(
            "craft_standard_violated",
            sa.String(length=100),
            nullable=True,
            comment="Craft rule broken, e.g. 'show, don''t tell'",
        ),
        sa.Column(
            "target_metric",
            sa.String(length=100),
            nullable=True,
            comment="Target for a measurable issue, e.g. 'dialogue >= 20%'",
        ),
        sa.Column(
            "current_metric", sa.String(length=100), nullable=True, comment="Current value of that metric"
        ),
        sa.Column(
            "priority_order", sa.Integer(), nullable=True, comment="Order in which to work through issues"
        ),
        sa.Column(
            "status",
            sa.String(length=20),
            server_default=sa.text("'pending'"),
            nullable=False,
            comment="pending, in_review, resolved, wont_fix or obsolete",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the issue was lodged",
        ),
        sa.Column(
            "created_by",
            sa.String(length=50),
            server_default=sa.text("'editor_flow'"),
            nullable=False,
            comment="Flow that lodged it, 'editor_flow' by default",
        ),
        sa.Column("in_review_at", sa.DateTime(), nullable=True, comment="When review started"),
        sa.Column("in_review_by", sa.String(length=50), nullable=True, comment="Who reviewed it"),
        sa.Column("resolved_at", sa.DateTime(), nullable=True, comment="When it was resolved"),
        sa.Column("resolved_by", sa.String(length=50), nullable=True, comment="Who or what resolved it"),
        sa.Column("resolution_notes", sa.Text(), nullable=True, comment="How it was resolved"),
        sa.Column("wont_fix_at", sa.DateTime(), nullable=True, comment="When it was marked won't fix"),
        sa.Column("wont_fix_reason", sa.Text(), nullable=True, comment="Why it won't be fixed"),
        sa.Column("obsolete_at", sa.DateTime(), nullable=True, comment="When it became obsolete"),
        sa.Column("obsolete_reason", sa.Text(), nullable=True, comment="Why it became obsolete"),
        sa.Column(
            "user_notified",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the storyteller was told about it",
        ),
        sa.Column(
            "user_priority_override",
            sa.String(length=20),
            nullable=True,
            comment="Priority the storyteller set instead",
        ),
        sa.Column(
            "user_agrees_with_edit",
            sa.Boolean(),
            nullable=True,
            comment="Storyteller's verdict; NULL until asked",
        ),
        sa.Column(
            "original_draft_version",
            sa.Integer(),
            nullable=True,
            comment="Draft version the issue was found in",
        ),
        sa.Column(
            "resolved_in_draft_version",
            sa.Integer(),
            nullable=True,
            comment="Draft version where it was fixed",
        ),
        sa.Column(
            "metadata",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="Anything else, as JSON",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("edit_requirement_pkey")),
        comment="An editorial issue the editor agent found in a draft (pacing, clarity, consistency, privacy...), with severity, a suggested fix and its lifecycle until resolved.",
    )
    op.create_index(
        "idx_edit_requirement_chapter", "edit_requirement", ["chapter_id", "status"], unique=False
    )
    op.create_index(
        "idx_edit_requirement_issue_type", "edit_requirement", ["issue_type", "severity"], unique=False
    )
    op.create_index(
        "idx_edit_requirement_priority", "edit_requirement", ["story_id", "priority_order"], unique=False
    )
    op.create_index("idx_edit_requirement_status", "edit_requirement", ["status", "severity"], unique=False)
    op.create_index(
        "idx_edit_requirement_story_severity",
        "edit_requirement",
        ["story_id", "severity", "status"],
        unique=False,
    )
    op.create_table(
        "life_event_boundary",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the boundary record",
        ),
        sa.Column(
            "life_event_id",
            sa.Uuid(),
            nullable=True,
            comment="Life event the boundary applies to (one row each)",
        ),
        sa.Column(
            "override_storyteller_default",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether this row replaces the storyteller's defaults",
        ),
        sa.Column(
            "comfortable_discussing", sa.Boolean(), nullable=True, comment='NULL means "not asked yet"'
        ),
        sa.Column(
            "privacy_level", sa.String(length=50), nullable=True, comment="'private', 'family' or 'public'"
        ),
        sa.Column(
            "can_mention_but_not_detail",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="The event may be named but not explored",
        ),
        sa.Column(
            "requires_pseudonyms",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Participants must be renamed in print",
        ),
        sa.Column(
            "requires_location_anonymization",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Places must be disguised in print",
        ),
        sa.Column(
            "consent_to_deepen",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Storyteller agreed to follow-up questions",
        ),
        sa.Column("consent_date", sa.DateTime(), nullable=True, comment="When that consent was given"),
        sa.Column(
            "off_limit_aspects",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Parts of the event not to touch, e.g. {'the court case'}",
        ),
        sa.Column(
            "boundary_notes", sa.Text(), nullable=True, comment="Anything else about how to handle the event"
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("life_event_boundary_pkey")),
        sa.UniqueConstraint("life_event_id", name=op.f("life_event_boundary_life_event_id_key")),
        comment="Per-event boundary overrides. When `override_storyteller_default` is set, these values win over `storyteller_boundary` for this event.",
    )
    op.create_table(
        "life_event_detail",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the detail",
        ),
        sa.Column("life_event_id", sa.Uuid(), nullable=True, comment="Life event the detail belongs to"),
        sa.Column(
            "detail_key", sa.String(length=100), nullable=False, comment="Machine key, e.g. 'first_car_model'"
        ),
        sa.Column(
            "detail_value", sa.Text(), nullable=False, comment="Value as text, e.g. '1957 Ford Fairlane'"
        ),
        sa.Column(
            "detail_type",
            sa.String(length=50),
            nullable=True,
            comment="How to interpret the value: 'text', 'number', 'date', 'url'",
        ),
        sa.Column(
            "display_label",
            sa.String(length=200),
            nullable=True,
            comment='Label shown in the UI, e.g. "First car"',
        ),
        sa.Column(
            "display_order", sa.Integer(), nullable=True, comment="Display order among the event's details"
        ),
        sa.Column(
            "is_private",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Keep the detail out of the book",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the detail was recorded",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("life_event_detail_pkey")),
        comment="Free-form key/value facts about an event that do not deserve a column of their own (the make of the first car, the song at the wedding).",
    )
    op.create_index("idx_life_event_detail", "life_event_detail", ["life_event_id"], unique=False)
    op.create_index(
        "idx_life_event_detail_key", "life_event_detail", ["life_event_id", "detail_key"], unique=False
    )
    op.create_table(
        "life_event_location",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the location",
        ),
        sa.Column("life_event_id", sa.Uuid(), nullable=True, comment="Life event that took place here"),
        sa.Column(
            "location_name",
            sa.String(length=200),
            nullable=True,
            comment='Name as the storyteller says it, e.g. "Grandma\'s farm"',
        ),
        sa.Column(
            "location_type",
            sa.String(length=50),
            nullable=True,
            comment="'home', 'city', 'school', 'workplace', 'country'...",
        ),
        sa.Column(
            "is_primary_location",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether this is the main place of the event",
        ),
        sa.Column("description", sa.Text(), nullable=True, comment="What the place was like"),
        sa.Column("order_index", sa.Integer(), nullable=True, comment="Order among the event's locations"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the location was recorded",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("life_event_location_pkey")),
        comment="Where an event took place. One event may involve several places; one of them can be flagged as primary.",
    )
    op.create_index("idx_life_event_location", "life_event_location", ["life_event_id"], unique=False)
    op.create_table(
        "life_event_media",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the media item",
        ),
        sa.Column("life_event_id", sa.Uuid(), nullable=True, comment="Life event the media belongs to"),
        sa.Column(
            "media_type",
            sa.String(length=50),
            nullable=True,
            comment="'photo', 'document', 'letter', 'audio' or 'video'",
        ),
        sa.Column("file_url", sa.Text(), nullable=False, comment="Storage URL of the original file"),
        sa.Column("thumbnail_url", sa.Text(), nullable=True, comment="Storage URL of a small preview"),
        sa.Column("title", sa.String(length=200), nullable=True, comment="Short title of the item"),
        sa.Column("description", sa.Text(), nullable=True, comment="What the item shows or contains"),
        sa.Column("caption", sa.Text(), nullable=True, comment="Caption to print under the item in the book"),
        sa.Column(
            "approximate_date",
            sa.Date(),
            nullable=True,
            comment="When the photo was taken or the letter written (approximate)",
        ),
        sa.Column("location", sa.String(length=200), nullable=True, comment="Where it was taken"),
        sa.Column(
            "people_in_media",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Names of the people shown, e.g. {'Mum', 'Uncle Joe'}",
        ),
        sa.Column(
            "has_usage_rights",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Whether we may reproduce the item",
        ),
        sa.Column(
            "can_publish",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Whether the storyteller allows it in the book",
        ),
        sa.Column("tags", postgresql.ARRAY(sa.Text()), nullable=True, comment="Free tags for search"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the item was uploaded",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("life_event_media_pkey")),
        comment="Photos, scans, letters and recordings attached to an event, with enough metadata to caption them and to know whether they may be published.",
    )
    op.create_index("idx_life_event_media", "life_event_media", ["life_event_id"], unique=False)
    op.create_table(
        "life_event_participant",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the participant",
        ),
        sa.Column("life_event_id", sa.Uuid(), nullable=True, comment="Life event the person took part in"),
        sa.Column("first_name", sa.String(length=100), nullable=True, comment="Given name"),
        sa.Column("last_name", sa.String(length=100), nullable=True, comment="Family name"),
        sa.Column(
            "nickname",
            sa.String(length=100),
            nullable=True,
            comment='Nickname used in the family, e.g. "Bud"',
        ),
        sa.Column(
            "relationship_type",
            sa.String(length=100),
            nullable=True,
            comment="Relationship to the storyteller: 'mother', 'friend', 'boss'...",
        ),
        sa.Column(
            "role_in_event", sa.String(length=200), nullable=True, comment="What the person did in this event"
        ),
        sa.Column(
            "significance",
            sa.String(length=50),
            nullable=True,
            comment="'central', 'supporting' or 'background'",
        ),
        sa.Column(
            "use_real_name",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Whether the real name may appear in the book",
        ),
        sa.Column(
            "pseudonym",
            sa.String(length=100),
            nullable=True,
            comment="Name to print instead when use_real_name is FALSE",
        ),
        sa.Column(
            "is_deceased",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the person has passed away",
        ),
        sa.Column("notes", sa.Text(), nullable=True, comment="Anything else worth remembering about them"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the participant was recorded",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("life_event_participant_pkey")),
        comment="A person involved in a life event. Participants can be given pseudonyms when the storyteller does not want a real name in print.",
    )
    op.create_index("idx_life_event_participant", "life_event_participant", ["life_event_id"], unique=False)
    op.create_table(
        "life_event_preference",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the preference record",
        ),
        sa.Column(
            "life_event_id",
            sa.Uuid(),
            nullable=True,
            comment="Life event the preferences apply to (one row each)",
        ),
        sa.Column(
            "preferred_depth", sa.String(length=50), nullable=True, comment="'light', 'moderate' or 'deep'"
        ),
        sa.Column(
            "preferred_approach",
            sa.String(length=50),
            nullable=True,
            comment="'chronological', 'sensory', 'people_first'...",
        ),
        sa.Column(
            "wants_multiple_sessions",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the event needs more than one session",
        ),
        sa.Column(
            "estimated_sessions_needed",
            sa.Integer(),
            nullable=True,
            comment="Agent's estimate of how many sessions it needs",
        ),
        sa.Column(
            "prefers_specific_prompts",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment='Specific questions rather than "tell me about it"',
        ),
        sa.Column(
            "prefers_voice_for_this",
            sa.Boolean(),
            nullable=True,
            comment="Voice over typing for this event; NULL if no preference",
        ),
        sa.Column(
            "should_be_chapter",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the event deserves its own chapter",
        ),
        sa.Column(
            "suggested_chapter_title",
            sa.String(length=200),
            nullable=True,
            comment="Working chapter title if so",
        ),
        sa.Column(
            "merge_with_other_event_id",
            sa.Uuid(),
            nullable=True,
            comment="Another event this one should be told together with",
        ),
        sa.Column(
            "agent_should_be_gentle",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Ask the agent to slow down and soften its prompts",
        ),
        sa.Column(
            "agent_should_validate_facts",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Ask the agent to double-check names and dates",
        ),
        sa.Column("notes", sa.Text(), nullable=True, comment="Other instructions"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("life_event_preference_pkey")),
        sa.UniqueConstraint("life_event_id", name=op.f("life_event_preference_life_event_id_key")),
        comment="How the storyteller wants a particular event captured and where it should land in the book. One row per event, only when the storyteller expressed a preference.",
    )
    op.create_table(
        "life_event_timespan",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the timespan",
        ),
        sa.Column("life_event_id", sa.Uuid(), nullable=True, comment="Life event this timespan describes"),
        sa.Column(
            "timespan_type",
            sa.String(length=50),
            nullable=True,
            comment="'point', 'range', 'season' or 'era'",
        ),
        sa.Column("start_year", sa.Integer(), nullable=True, comment="Year the event started"),
        sa.Column(
            "start_month", sa.Integer(), nullable=True, comment="Month it started (1-12), if remembered"
        ),
        sa.Column("start_day", sa.Integer(), nullable=True, comment="Day it started, if remembered"),
        sa.Column(
            "start_approximate",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment='TRUE when the start is a guess ("around 1962")',
        ),
        sa.Column("end_year", sa.Integer(), nullable=True, comment="Year the event ended"),
        sa.Column("end_month", sa.Integer(), nullable=True, comment="Month it ended, if remembered"),
        sa.Column("end_day", sa.Integer(), nullable=True, comment="Day it ended, if remembered"),
        sa.Column(
            "end_approximate",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="TRUE when the end is a guess",
        ),
        sa.Column(
            "is_ongoing",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the span has not ended yet",
        ),
        sa.Column(
            "description",
            sa.Text(),
            nullable=True,
            comment='Free-text description, e.g. "the summers at the lake"',
        ),
        sa.Column("order_index", sa.Integer(), nullable=True, comment="Order among the event's timespans"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the timespan was recorded",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("life_event_timespan_pkey")),
        comment="When an event happened. Dates are stored as separate parts because memories are rarely precise; an event can have several timespans (for example two separate stints at the same employer).",
    )
    op.create_index("idx_life_event_timespan", "life_event_timespan", ["life_event_id"], unique=False)
    op.create_table(
        "life_event_trauma",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the assessment",
        ),
        sa.Column(
            "life_event_id",
            sa.Uuid(),
            nullable=True,
            comment="Life event being assessed (one assessment per event)",
        ),
        sa.Column(
            "is_trauma",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Whether the event is considered traumatic",
        ),
        sa.Column(
            "trauma_type",
            sa.String(length=100),
            nullable=True,
            comment="'loss', 'violence', 'illness', 'accident'...",
        ),
        sa.Column(
            "trauma_status",
            sa.String(length=50),
            nullable=False,
            comment="Where the storyteller is with it: 'resolved', 'processing', 'unresolved' or 'unknown'",
        ),
        sa.Column(
            "resolution_notes",
            sa.Text(),
            nullable=True,
            comment="How the storyteller has come to terms with it, in their words",
        ),
        sa.Column(
            "requires_explicit_consent",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Agents must ask before going deeper",
        ),
        sa.Column(
            "consent_given",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether that consent was given",
        ),
        sa.Column("consent_date", sa.DateTime(), nullable=True, comment="When consent was given"),
        sa.Column(
            "recommends_professional_support",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the agent suggested talking to a professional",
        ),
        sa.Column(
            "support_notes", sa.Text(), nullable=True, comment="Notes on the support that was suggested"
        ),
        sa.Column(
            "default_privacy_level",
            sa.String(length=50),
            server_default=sa.text("'private'"),
            nullable=True,
            comment="'private', 'family' or 'public'; private unless changed",
        ),
        sa.Column(
            "assessed_by",
            sa.String(length=100),
            nullable=True,
            comment="Who flagged it: 'storyteller', 'agent' or a staff member's name",
        ),
        sa.Column(
            "assessed_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the assessment was made",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("life_event_trauma_pkey")),
        sa.UniqueConstraint("life_event_id", name=op.f("life_event_trauma_life_event_id_key")),
        comment="Trauma assessment for a single event, recorded when an agent or the storyteller flags the event as traumatic. Events with a trauma row are handled with explicit consent and private by default.",
    )
    op.create_index("idx_life_event_trauma", "life_event_trauma", ["life_event_id"], unique=False)
    op.create_table(
        "process_commitment",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the commitment",
        ),
        sa.Column(
            "process_version_id",
            sa.Uuid(),
            nullable=True,
            comment="Process version this commitment belongs to",
        ),
        sa.Column(
            "order_index",
            sa.Integer(),
            nullable=False,
            comment="Position in the list shown to the storyteller",
        ),
        sa.Column(
            "title",
            sa.String(length=200),
            nullable=False,
            comment='Short headline, e.g. "You\'re in control"',
        ),
        sa.Column("description", sa.Text(), nullable=False, comment="Full wording of the commitment"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the commitment was added",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("process_commitment_pkey")),
        comment='The short list of commitments the process makes to every storyteller ("you can skip anything", "nothing is published without your approval"). They are shown during onboarding, in order.',
    )
    op.create_table(
        "process_flow_edge",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the edge",
        ),
        sa.Column(
            "process_version_id", sa.Uuid(), nullable=True, comment="Process version the edge belongs to"
        ),
        sa.Column("from_node_id", sa.Uuid(), nullable=True, comment="Node the transition starts from"),
        sa.Column("to_node_id", sa.Uuid(), nullable=True, comment="Node the transition leads to"),
        sa.Column(
            "condition_type",
            sa.String(length=50),
            nullable=True,
            comment="How the condition is evaluated: 'always', 'profile_flag', 'scope'...",
        ),
        sa.Column(
            "condition_value",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Condition payload, e.g. {"flag": "has_children", "equals": true}',
        ),
        sa.Column(
            "order_index",
            sa.Integer(),
            nullable=True,
            comment="Evaluation order when several edges leave the same node",
        ),
        sa.Column(
            "edge_label",
            sa.String(length=100),
            nullable=True,
            comment="Optional label for diagrams and debugging",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the edge was created",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("process_flow_edge_pkey")),
        comment="A directed transition between two nodes. Edges without a condition are the default path; conditional edges let the flow branch on profile answers or scope.",
    )
    op.create_table(
        "process_prompt",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the prompt",
        ),
        sa.Column(
            "process_node_id", sa.Uuid(), nullable=True, comment="Node at which the prompt may be asked"
        ),
        sa.Column(
            "prompt_key",
            sa.String(length=100),
            nullable=False,
            comment="Stable key, e.g. 'childhood_home_smell'",
        ),
        sa.Column(
            "prompt_text",
            sa.Text(),
            nullable=False,
            comment="Wording of the prompt as the agent would ask it",
        ),
        sa.Column(
            "prompt_type",
            sa.String(length=50),
            nullable=True,
            comment="Kind of prompt: 'open', 'choice', 'scale', 'date'...",
        ),
        sa.Column("order_index", sa.Integer(), nullable=False, comment="Position among the node's prompts"),
        sa.Column(
            "is_required",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the node needs an answer to this prompt",
        ),
        sa.Column(
            "is_sensitive",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the prompt touches a sensitive topic",
        ),
        sa.Column(
            "sensitivity_tier",
            sa.Integer(),
            nullable=True,
            comment="1 (light) to 3 (deep); checked against the storyteller's maximum_tier_comfortable before the prompt is offered",
        ),
        sa.Column(
            "response_format",
            sa.String(length=50),
            nullable=True,
            comment="Expected answer format: 'text', 'voice', 'date', 'list'",
        ),
        sa.Column(
            "max_length", sa.Integer(), nullable=True, comment="Soft limit on answer length, in characters"
        ),
        sa.Column(
            "example_response",
            sa.Text(),
            nullable=True,
            comment="Example answer shown when the storyteller is stuck",
        ),
        sa.Column(
            "condition_type",
            sa.String(length=50),
            nullable=True,
            comment="Optional condition for showing the prompt",
        ),
        sa.Column(
            "condition_value",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Condition payload, e.g. {"scope": "whole_life"}',
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the prompt was created",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("process_prompt_pkey")),
        comment="A question or instruction an agent may put to the storyteller at a given node. Sensitive prompts carry a tier that is compared against the storyteller's boundaries before use.",
    )
    op.create_index(
        "idx_process_prompt_node", "process_prompt", ["process_node_id", "order_index"], unique=False
    )
    op.create_table(
        "process_section",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the section",
        ),
        sa.Column(
            "process_version_id", sa.Uuid(), nullable=True, comment="Process version the section belongs to"
        ),
        sa.Column(
            "section_key", sa.String(length=100), nullable=False, comment="Stable key, e.g. 'early_childhood'"
        ),
        sa.Column(
            "section_name", sa.String(length=200), nullable=False, comment="Display name of the section"
        ),
        sa.Column("description", sa.Text(), nullable=True, comment="What the section covers"),
        sa.Column("order_index", sa.Integer(), nullable=True, comment="Default display order"),
        sa.Column(
            "is_core",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Core sections are offered to every storyteller",
        ),
        sa.Column(
            "requires_scope",
            sa.String(length=50),
            nullable=True,
            comment="Scope key the storyteller must have chosen, if any",
        ),
        sa.Column(
            "requires_profile_flags",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Profile flags that must be set, e.g. {"has_military_service": true}',
        ),
        sa.Column(
            "unlock_after_section_id",
            sa.Uuid(),
            nullable=True,
            comment="Section that must be completed first (self reference); NULL when the section is available immediately",
        ),
        sa.Column(
            "minimum_prompts_required",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Prompts that must be answered before the section counts as done",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the section was created",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("process_section_pkey")),
        comment="A themed area of a life the storyteller can explore (childhood, work, love, faith...). Core sections are always offered; others unlock based on scope, profile flags or completion of an earlier section.",
    )
    op.create_table(
        "prompt_pack_template",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the pack",
        ),
        sa.Column("template_name", sa.String(length=100), nullable=False, comment="Display name of the pack"),
        sa.Column("description", sa.Text(), nullable=True, comment="What the pack is for and who it suits"),
        sa.Column(
            "is_global",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Whether the pack is offered to all storytellers",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the pack was created",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("prompt_pack_template_pkey")),
        comment='A reusable, named bundle of prompts (for example "Grandparent starter pack") that can be applied across process versions. Global packs are visible to every storyteller.',
    )
    op.create_table(
        "prompt_pack_prompt",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the pack prompt",
        ),
        sa.Column("prompt_pack_id", sa.Uuid(), nullable=True, comment="Pack the prompt belongs to"),
        sa.Column(
            "prompt_key",
            sa.String(length=100),
            nullable=False,
            comment="Stable key of the prompt within the pack",
        ),
        sa.Column("prompt_text", sa.Text(), nullable=False, comment="Wording of the prompt"),
        sa.Column(
            "prompt_type",
            sa.String(length=50),
            nullable=True,
            comment="Kind of prompt: 'open', 'choice', 'scale'...",
        ),
        sa.Column("order_index", sa.Integer(), nullable=False, comment="Position within the pack"),
        sa.Column(
            "is_required",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the pack expects an answer",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("prompt_pack_prompt_pkey")),
        comment="One prompt inside a prompt pack. It mirrors the core fields of `process_prompt` but is not tied to a node.",
    )
    op.create_table(
        "requirement",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the requirement",
        ),
        sa.Column("storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller the requirement is for"),
        sa.Column(
            "requirement_type",
            sa.String(length=50),
            nullable=False,
            comment="'gap', 'depth', 'clarification', 'archetype_discrimination'...",
        ),
        sa.Column(
            "priority", sa.String(length=20), nullable=False, comment="'critical', 'high', 'medium' or 'low'"
        ),
        sa.Column("section_id", sa.Uuid(), nullable=True, comment="Process section concerned, if any"),
        sa.Column("life_event_id", sa.Uuid(), nullable=True, comment="Life event concerned, if any"),
        sa.Column("collection_id", sa.Uuid(), nullable=True, comment="Collection concerned, if any"),
        sa.Column(
            "archetype_lane",
            sa.String(length=50),
            nullable=True,
            comment="Archetype the requirement helps to confirm or rule out",
        ),
        sa.Column(
            "archetype_refinement_purpose",
            sa.String(length=20),
            nullable=True,
            comment="'confirm', 'rule_out' or 'distinguish'",
        ),
        sa.Column(
            "discriminates_between",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Candidates it separates, e.g. ["redemption", "rebirth"]',
        ),
        sa.Column(
            "expected_archetype_outcomes",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="Which answer points to which archetype",
        ),
        sa.Column(
            "requirement_description", sa.Text(), nullable=False, comment="What is needed, in plain words"
        ),
        sa.Column("specific_gap", sa.Text(), nullable=True, comment="The precise missing piece"),
        sa.Column("why_important", sa.Text(), nullable=True, comment="Why the book needs it"),
        sa.Column(
            "suggested_prompts",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Prompts that could fill it, e.g. ["What did you do the day after?"]',
        ),
        sa.Column(
            "suggested_session_focus",
            sa.Text(),
            nullable=True,
            comment="Suggested focus for the session that addresses it",
        ),
        sa.Column(
            "status",
            sa.String(length=20),
            server_default=sa.text("'pending'"),
            nullable=False,
            comment="pending, addressed, resolved, deferred or obsolete",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the requirement was lodged",
        ),
        sa.Column(
            "created_by",
            sa.String(length=50),
            server_default=sa.text("'analyst_flow'"),
            nullable=False,
            comment="Flow that lodged it, 'analyst_flow' by default",
        ),
        sa.Column("addressed_at", sa.DateTime(), nullable=True, comment="When a session addressed it"),
        sa.Column("addressed_in_session_id", sa.Uuid(), nullable=True, comment="Session that addressed it"),
        sa.Column("resolved_at", sa.DateTime(), nullable=True, comment="When it was resolved"),
        sa.Column("resolved_by", sa.String(length=50), nullable=True, comment="Who or what resolved it"),
        sa.Column("resolution_notes", sa.Text(), nullable=True, comment="How it was resolved"),
        sa.Column("deferred_at", sa.DateTime(), nullable=True, comment="When it was deferred"),
        sa.Column("deferred_reason", sa.Text(), nullable=True, comment="Why it was deferred"),
        sa.Column("obsolete_at", sa.DateTime(), nullable=True, comment="When it became obsolete"),
        sa.Column("obsolete_reason", sa.Text(), nullable=True, comment="Why it became obsolete"),
        sa.Column(
            "user_notified",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the storyteller was told about it",
        ),
        sa.Column(
            "user_priority_override",
            sa.String(length=20),
            nullable=True,
            comment="Priority the storyteller set instead",
        ),
        sa.Column(
            "metadata",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="Anything else, as JSON",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("requirement_pkey")),
        comment="A gap in the captured material that the analyst agent wants filled (a missing period, a thin event, a question that would discriminate between archetypes). Requirements form the queue that shapes future sessions.",
    )
    op.create_index("idx_requirement_life_event", "requirement", ["life_event_id"], unique=False)
    op.create_index("idx_requirement_priority_status", "requirement", ["priority", "status"], unique=False)
    op.create_index(
        "idx_requirement_section_priority", "requirement", ["section_id", "priority"], unique=False
    )
    op.create_index("idx_requirement_session", "requirement", ["addressed_in_session_id"], unique=False)
    op.create_index(
        "idx_requirement_storyteller_status", "requirement", ["storyteller_id", "status"], unique=False
    )
    op.create_index("idx_requirement_type", "requirement", ["requirement_type", "status"], unique=False)
    op.create_table(
        "scope_type",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the scope type",
        ),
        sa.Column(
            "process_version_id", sa.Uuid(), nullable=True, comment="Process version the scope belongs to"
        ),
        sa.Column(
            "scope_key",
            sa.String(length=50),
            nullable=False,
            comment="Stable key: 'whole_life', 'life_chapter', 'single_event', 'relationship'",
        ),
        sa.Column("scope_name", sa.String(length=200), nullable=False, comment="Internal name of the scope"),
        sa.Column("scope_description", sa.Text(), nullable=True, comment="Internal description"),
        sa.Column(
            "user_facing_label",
            sa.String(length=200),
            nullable=True,
            comment='Label shown to the storyteller, e.g. "My whole life"',
        ),
        sa.Column(
            "user_facing_description",
            sa.Text(),
            nullable=True,
            comment="Explanation shown to the storyteller",
        ),
        sa.Column(
            "example_use_cases",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Examples, e.g. {'A memoir for the grandchildren'}",
        ),
        sa.Column(
            "required_context_fields",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Context to collect first, e.g. {"fields": ["birth_year", "birth_place"]}',
        ),
        sa.Column(
            "enabled_sections",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Section keys the scope unlocks",
        ),
        sa.Column(
            "suggested_sections",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Section keys suggested but not required",
        ),
        sa.Column(
            "minimum_life_events",
            sa.Integer(),
            nullable=True,
            comment="Minimum events before synthesis is offered",
        ),
        sa.Column("estimated_sessions", sa.Integer(), nullable=True, comment="Typical number of sessions"),
        sa.Column(
            "completion_criteria",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Rules for completion, e.g. {"min_events": 12, "core_sections": "all"}',
        ),
        sa.Column(
            "default_narrative_structure",
            sa.String(length=100),
            nullable=True,
            comment="Default book structure for this scope",
        ),
        sa.Column("display_order", sa.Integer(), nullable=True, comment="Order of the scope on the picker"),
        sa.Column(
            "is_active",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Whether the scope is offered",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the scope was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("scope_type_pkey")),
        sa.UniqueConstraint("scope_key", name=op.f("scope_type_scope_key_key")),
        comment='Catalogue of story scopes a storyteller can choose ("My whole life", "One chapter of my life", "A single event"), with the sections each scope enables and when a scope counts as complete.',
    )
    op.create_index("idx_scope_type_key", "scope_type", ["scope_key"], unique=False)
    op.create_table(
        "section_prompt",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the link",
        ),
        sa.Column("section_id", sa.Uuid(), nullable=True, comment="Section the prompt is shown in"),
        sa.Column(
            "process_prompt_id", sa.Uuid(), nullable=True, comment="Prompt being placed in the section"
        ),
        sa.Column(
            "order_index", sa.Integer(), nullable=True, comment="Position of the prompt inside the section"
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the link was created",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("section_prompt_pkey")),
        comment="Join table placing process prompts inside sections, so one prompt can serve several sections in its own order.",
    )
    op.create_table(
        "session_archetype",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the inference",
        ),
        sa.Column("session_id", sa.Uuid(), nullable=True, comment="Session the inference was made from"),
        sa.Column(
            "archetype_type",
            sa.String(length=100),
            nullable=True,
            comment="'redemption', 'coming_of_age', 'quest', 'rebirth'...",
        ),
        sa.Column(
            "confidence_score",
            sa.Numeric(precision=3, scale=2),
            nullable=True,
            comment="Agent's confidence between 0.00 and 1.00",
        ),
        sa.Column(
            "themes",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Supporting themes, e.g. ["resilience", "belonging"]',
        ),
        sa.Column(
            "narrative_shape", sa.Text(), nullable=True, comment="Prose description of the emerging arc"
        ),
        sa.Column(
            "revealed_to_user",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the storyteller has been told",
        ),
        sa.Column(
            "user_confirmed",
            sa.Boolean(),
            nullable=True,
            comment="Storyteller agreed with the reading; NULL if not asked",
        ),
        sa.Column(
            "user_reframed", sa.Text(), nullable=True, comment="How the storyteller would put it instead"
        ),
        sa.Column(
            "inferred_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the inference was made",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("session_archetype_pkey")),
        comment="The narrative archetype the agent believes is emerging from a session (redemption, coming of age, quest...), with a confidence score. It is only revealed to the storyteller when the agent is confident.",
    )
    op.create_table(
        "session_artifact",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the artifact",
        ),
        sa.Column("session_id", sa.Uuid(), nullable=True, comment="Session that produced the artifact"),
        sa.Column(
            "life_event_id", sa.Uuid(), nullable=True, comment="Life event the artifact relates to, if any"
        ),
        sa.Column(
            "artifact_type",
            sa.String(length=50),
            nullable=True,
            comment="'timeline', 'people_list', 'scene_sketch', 'quote'...",
        ),
        sa.Column(
            "artifact_name", sa.String(length=200), nullable=True, comment="Display name of the artifact"
        ),
        sa.Column("content", sa.Text(), nullable=True, comment="Human-readable content"),
        sa.Column(
            "structured_data",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Machine-readable content, e.g. {"events": [{"year": 1962, "name": "Moved"}]}',
        ),
        sa.Column(
            "is_provisional",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="TRUE until reviewed",
        ),
        sa.Column(
            "is_approved",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Storyteller approved the artifact",
        ),
        sa.Column("approved_at", sa.DateTime(), nullable=True, comment="When it was approved"),
        sa.Column(
            "included_in_synthesis",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether a synthesis has used it",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the artifact was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("session_artifact_pkey")),
        comment="Something concrete produced during a session - a timeline, a list of people, a scene sketch - that can later be approved and fed into syntheses.",
    )
    op.create_index("idx_session_artifact_session", "session_artifact", ["session_id"], unique=False)
    op.create_index("idx_session_artifact_type", "session_artifact", ["artifact_type"], unique=False)
    op.create_table(
        "session_interaction",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the interaction",
        ),
        sa.Column("session_id", sa.Uuid(), nullable=True, comment="Session the exchange belongs to"),
        sa.Column(
            "life_event_id",
            sa.Uuid(),
            nullable=True,
            comment="Life event the exchange is about; cleared if the event is deleted",
        ),
        sa.Column(
            "interaction_sequence",
            sa.Integer(),
            nullable=False,
            comment="1-based position of the exchange in the session",
        ),
        sa.Column(
            "interaction_type",
            sa.String(length=50),
            nullable=True,
            comment="'prompt_response', 'clarification', 'reflection' or 'check_in'",
        ),
        sa.Column("agent_prompt", sa.Text(), nullable=True, comment="What the agent said or asked"),
        sa.Column(
            "prompt_category",
            sa.String(length=100),
            nullable=True,
            comment="Category of the prompt: 'sensory', 'people', 'feelings'...",
        ),
        sa.Column(
            "storyteller_response",
            sa.Text(),
            nullable=True,
            comment="The storyteller's answer (transcribed if spoken)",
        ),
        sa.Column("response_method", sa.String(length=50), nullable=True, comment="'voice' or 'text'"),
        sa.Column(
            "sentiment", sa.String(length=50), nullable=True, comment="Overall sentiment of the answer"
        ),
        sa.Column(
            "key_themes", postgresql.ARRAY(sa.Text()), nullable=True, comment="Themes detected in the answer"
        ),
        sa.Column(
            "mentions_people",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="People named in the answer, e.g. {'Aunt May', 'Mr. O''Brien'}",
        ),
        sa.Column(
            "mentions_places",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Places named in the answer",
        ),
        sa.Column("duration_seconds", sa.Integer(), nullable=True, comment="How long the exchange took"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the exchange happened",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("session_interaction_pkey")),
        comment="One exchange in a session: the agent's prompt and the storyteller's answer, with light analysis. Interactions are numbered within the session.",
    )
    op.create_index("idx_session_interaction_event", "session_interaction", ["life_event_id"], unique=False)
    op.create_index(
        "idx_session_interaction_session",
        "session_interaction",
        ["session_id", "interaction_sequence"],
        unique=False,
    )
    op.create_table(
        "session_life_event",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the link",
        ),
        sa.Column("session_id", sa.Uuid(), nullable=True, comment="Session that covered the event"),
        sa.Column("life_event_id", sa.Uuid(), nullable=True, comment="Life event that was covered"),
        sa.Column(
            "is_primary_focus",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the event was the main subject of the session",
        ),
        sa.Column(
            "coverage_level",
            sa.String(length=50),
            nullable=True,
            comment="'mentioned', 'partial' or 'thorough'",
        ),
        sa.Column(
            "prompts_completed",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Prompts answered about this event in the session",
        ),
        sa.Column("notes", sa.Text(), nullable=True, comment="Agent notes about the coverage"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the link was created",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("session_life_event_pkey")),
        sa.UniqueConstraint(
            "session_id", "life_event_id", name=op.f("session_life_event_session_id_life_event_id_key")
        ),
        comment="Which life events a session touched and how thoroughly. A pair (session, life event) appears at most once.",
    )
    op.create_index("idx_session_life_event_event", "session_life_event", ["life_event_id"], unique=False)
    op.create_index("idx_session_life_event_session", "session_life_event", ["session_id"], unique=False)
    op.create_table(
        "session_note",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the note",
        ),
        sa.Column("session_id", sa.Uuid(), nullable=True, comment="Session the note was taken in"),
        sa.Column(
            "note_type",
            sa.String(length=50),
            nullable=True,
            comment="'observation', 'followup', 'concern' or 'insight'",
        ),
        sa.Column("note_content", sa.Text(), nullable=False, comment="The note itself"),
        sa.Column(
            "noted_at_interaction_sequence",
            sa.Integer(),
            nullable=True,
            comment="Interaction number the note refers to, if any",
        ),
        sa.Column(
            "is_important",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Highlight the note in reviews",
        ),
        sa.Column(
            "requires_followup",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Someone needs to act on the note",
        ),
        sa.Column(
            "noted_by", sa.String(length=100), nullable=True, comment="'agent' or the facilitator's name"
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the note was taken",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("session_note_pkey")),
        comment='Observations made during a session by the agent or a human facilitator ("seemed tired after the hospital questions"), optionally pinned to an interaction.',
    )
    op.create_index("idx_session_note_session", "session_note", ["session_id"], unique=False)
    op.create_table(
        "session_profile",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the profile record",
        ),
        sa.Column(
            "session_id", sa.Uuid(), nullable=True, comment="Session the answers were given in (one row each)"
        ),
        sa.Column(
            "has_relationships",
            sa.Boolean(),
            nullable=True,
            comment="Has had significant romantic relationships",
        ),
        sa.Column("has_children", sa.Boolean(), nullable=True, comment="Has children"),
        sa.Column(
            "has_multiple_careers", sa.Boolean(), nullable=True, comment="Changed careers at least once"
        ),
        sa.Column(
            "has_lived_multiple_places",
            sa.Boolean(),
            nullable=True,
            comment="Has moved between towns or countries",
        ),
        sa.Column("has_military_service", sa.Boolean(), nullable=True, comment="Served in the armed forces"),
        sa.Column(
            "faith_important", sa.Boolean(), nullable=True, comment="Faith or spirituality matters to them"
        ),
        sa.Column(
            "comfortable_discussing_romance",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Romance may be explored in this session",
        ),
        sa.Column(
            "comfortable_discussing_trauma",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Difficult experiences may be explored in this session",
        ),
        sa.Column(
            "prefers_some_private",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Wants some answers kept out of the book",
        ),
        sa.Column(
            "additional_flags",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Other flags, e.g. {"immigrated": true, "twin": false}',
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the profile was captured",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("session_profile_pkey")),
        sa.UniqueConstraint("session_id", name=op.f("session_profile_session_id_key")),
        comment="Profile answers gathered at the start of a session. They decide which sections unlock and which prompts are appropriate.",
    )
    op.create_table(
        "session_progress",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the progress record",
        ),
        sa.Column("session_id", sa.Uuid(), nullable=True, comment="Session being tracked"),
        sa.Column("process_node_id", sa.Uuid(), nullable=True, comment="Process node being tracked"),
        sa.Column(
            "status",
            sa.String(length=50),
            server_default=sa.text("'pending'"),
            nullable=True,
            comment="'pending', 'in_progress', 'completed' or 'skipped'",
        ),
        sa.Column("started_at", sa.DateTime(), nullable=True, comment="When the node was entered"),
        sa.Column("completed_at", sa.DateTime(), nullable=True, comment="When the node was finished"),
        sa.Column(
            "prompts_completed",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Prompts answered at this node so far",
        ),
        sa.Column("prompts_total", sa.Integer(), nullable=True, comment="Prompts available at this node"),
        sa.Column(
            "node_data",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="Scratch state the agent keeps for the node",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("session_progress_pkey")),
        comment="Per-node progress inside a session: which process nodes have been started or finished and how many of their prompts are done.",
    )
    op.create_index(
        "idx_session_progress", "session_progress", ["session_id", "process_node_id"], unique=False
    )
    op.create_table(
        "session_scope",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the scope record",
        ),
        sa.Column(
            "session_id", sa.Uuid(), nullable=True, comment="Session the scope applies to (one row each)"
        ),
        sa.Column(
            "scope_type",
            sa.String(length=50),
            nullable=False,
            comment="'whole_life', 'life_period', 'single_event' or 'theme'",
        ),
        sa.Column(
            "scope_description", sa.Text(), nullable=True, comment="The scope in the storyteller's words"
        ),
        sa.Column(
            "time_period_start",
            sa.Date(),
            nullable=True,
            comment="Start of the period covered, when the scope is a period",
        ),
        sa.Column("time_period_end", sa.Date(), nullable=True, comment="End of the period covered"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the scope was set",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the scope was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("session_scope_pkey")),
        sa.UniqueConstraint("session_id", name=op.f("session_scope_session_id_key")),
        comment="What part of the life a session is about: the whole life, a period, a single event. One row per session.",
    )
    op.create_table(
        "session_section_status",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the status record",
        ),
        sa.Column("session_id", sa.Uuid(), nullable=True, comment="Session the status belongs to"),
        sa.Column("section_id", sa.Uuid(), nullable=True, comment="Process section being tracked"),
        sa.Column(
            "status",
            sa.String(length=50),
            server_default=sa.text("'locked'"),
            nullable=True,
            comment="'locked', 'unlocked', 'in_progress' or 'completed'",
        ),
        sa.Column(
            "is_selected",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Storyteller chose to work on this section",
        ),
        sa.Column(
            "prompts_answered",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Prompts answered in this section",
        ),
        sa.Column("unlocked_at", sa.DateTime(), nullable=True, comment="When the section became available"),
        sa.Column("started_at", sa.DateTime(), nullable=True, comment="When work on the section began"),
        sa.Column("completed_at", sa.DateTime(), nullable=True, comment="When the section was completed"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was created",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("session_section_status_pkey")),
        comment="Which process sections are locked, unlocked, selected or done within a session.",
    )
    op.create_index(
        "idx_session_section", "session_section_status", ["session_id", "section_id"], unique=False
    )
    op.create_table(
        "session_synthesis",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the synthesis",
        ),
        sa.Column("session_id", sa.Uuid(), nullable=True, comment="Session the synthesis summarises"),
        sa.Column("section_id", sa.Uuid(), nullable=True, comment="Process section it covers, if any"),
        sa.Column(
            "synthesis_type",
            sa.String(length=50),
            nullable=True,
            comment="'section_summary', 'session_summary' or 'timeline'",
        ),
        sa.Column("title", sa.String(length=200), nullable=True, comment="Title shown to the storyteller"),
        sa.Column("content", sa.Text(), nullable=False, comment="The synthesis text"),
        sa.Column(
            "is_provisional",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="TRUE until the storyteller approves it",
        ),
        sa.Column(
            "version",
            sa.Integer(),
            server_default=sa.text("1"),
            nullable=True,
            comment="Revision number, starting at 1",
        ),
        sa.Column(
            "user_approved",
            sa.Boolean(),
            nullable=True,
            comment="NULL until the storyteller reacts; then TRUE or FALSE",
        ),
        sa.Column("user_feedback", sa.Text(), nullable=True, comment="What the storyteller said about it"),
        sa.Column(
            "generated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the agent produced it",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("session_synthesis_pkey")),
        comment="A provisional write-up produced by the agent at the end of a section or session, which the storyteller can approve or correct. New versions are added rather than overwritten.",
    )
    op.create_table(
        "session_template",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the template",
        ),
        sa.Column(
            "process_version_id",
            sa.Uuid(),
            nullable=True,
            comment="Process version the template is written for",
        ),
        sa.Column(
            "template_name",
            sa.String(length=200),
            nullable=False,
            comment='Display name, e.g. "First childhood session"',
        ),
        sa.Column("template_description", sa.Text(), nullable=True, comment="When to use the template"),
        sa.Column(
            "suggested_for_event_types",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Event types the template suits, e.g. {'birth', 'move'}",
        ),
        sa.Column(
            "suggested_for_process_nodes",
            postgresql.ARRAY(sa.Uuid()),
            nullable=True,
            comment="Process node ids where the template fits",
        ),
        sa.Column("default_intention", sa.Text(), nullable=True, comment="Intention to start from"),
        sa.Column(
            "default_success_indicators",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="Success indicators to start from",
        ),
        sa.Column(
            "default_completion_indicators",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="Completion indicators to start from",
        ),
        sa.Column(
            "default_constraints",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Constraints to start from",
        ),
        sa.Column(
            "default_procedure_notes", sa.Text(), nullable=True, comment="Procedure notes to start from"
        ),
        sa.Column(
            "default_duration_minutes", sa.Integer(), nullable=True, comment="Suggested length in minutes"
        ),
        sa.Column(
            "is_active",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Whether the template is offered",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the template was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("session_template_pkey")),
        comment="A reusable session plan for a process version: default intention, indicators and constraints that a new session can be created from.",
    )
    op.create_table(
        "story_collection",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the link",
        ),
        sa.Column("story_id", sa.Uuid(), nullable=True, comment="Story using the collection"),
        sa.Column("chapter_id", sa.Uuid(), nullable=True, comment="Chapter the material is used in"),
        sa.Column("collection_id", sa.Uuid(), nullable=True, comment="Collection supplying the material"),
        sa.Column(
            "usage_type",
            sa.String(length=50),
            nullable=True,
            comment="'primary', 'supporting', 'background' or 'callback'",
        ),
        sa.Column(
            "material_used", sa.Text(), nullable=True, comment="Which parts of the collection are used"
        ),
        sa.Column(
            "transformation_notes",
            sa.Text(),
            nullable=True,
            comment="How the material was reshaped for the book",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the link was created",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("story_collection_pkey")),
        sa.UniqueConstraint(
            "story_id",
            "chapter_id",
            "collection_id",
            name=op.f("story_collection_story_id_chapter_id_collection_id_key"),
        ),
        comment="Which collections feed which chapter of the story, and how their material is used. A collection appears at most once per chapter.",
    )
    op.create_index("idx_story_collection_chapter", "story_collection", ["chapter_id"], unique=False)
    op.create_index("idx_story_collection_collection", "story_collection", ["collection_id"], unique=False)
    op.create_index("idx_story_collection_story", "story_collection", ["story_id"], unique=False)
    op.create_table(
        "story_draft",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the draft",
        ),
        sa.Column("story_id", sa.Uuid(), nullable=True, comment="Story the draft belongs to"),
        sa.Column(
            "chapter_id",
            sa.Uuid(),
            nullable=True,
            comment="Chapter the draft covers; NULL for a whole-book draft",
        ),
        sa.Column(
            "draft_type", sa.String(length=50), nullable=True, comment="'full_book', 'chapter' or 'outline'"
        ),
        sa.Column(
            "draft_version",
            sa.Integer(),
            nullable=False,
            comment="Revision number, increasing per story or chapter",
        ),
        sa.Column(
            "version_name",
            sa.String(length=100),
            nullable=True,
            comment="Label such as 'after family read-through'",
        ),
        sa.Column("content", sa.Text(), nullable=True, comment="The draft text"),
        sa.Column("word_count", sa.Integer(), nullable=True, comment="Word count of the draft"),
        sa.Column(
            "revision_notes", sa.Text(), nullable=True, comment="What changed since the previous revision"
        ),
        sa.Column(
            "feedback_received", sa.Text(), nullable=True, comment="Feedback gathered on this revision"
        ),
        sa.Column(
            "is_current",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether this is the revision being worked on",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the draft was saved",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("story_draft_pkey")),
        comment="A saved revision of the prose, either of a whole story or of one chapter. `is_current` marks the revision in progress.",
    )
    op.create_index("idx_story_draft_chapter", "story_draft", ["chapter_id", "draft_version"], unique=False)
    op.create_index("idx_story_draft_story", "story_draft", ["story_id", "draft_version"], unique=False)
    op.create_table(
        "story_scene",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the scene",
        ),
        sa.Column("story_id", sa.Uuid(), nullable=True, comment="Story the scene belongs to"),
        sa.Column("chapter_id", sa.Uuid(), nullable=True, comment="Chapter the scene is placed in"),
        sa.Column(
            "section_id", sa.Uuid(), nullable=True, comment="Chapter section holding the scene's prose"
        ),
        sa.Column(
            "life_event_id",
            sa.Uuid(),
            nullable=True,
            comment="Life event the scene dramatises; cleared if the event is deleted",
        ),
        sa.Column("scene_name", sa.String(length=200), nullable=True, comment="Working name of the scene"),
        sa.Column("scene_description", sa.Text(), nullable=True, comment="What happens in the scene"),
        sa.Column("scene_setting", sa.Text(), nullable=True, comment="Overall setting"),
        sa.Column(
            "scene_time",
            sa.String(length=200),
            nullable=True,
            comment='When it happens, e.g. "a hot August evening, 1958"',
        ),
        sa.Column("scene_place", sa.String(length=200), nullable=True, comment="Where it happens"),
        sa.Column("scene_purpose", sa.Text(), nullable=True, comment="Why the scene is in the book"),
        sa.Column(
            "reveals_character", sa.Text(), nullable=True, comment="What the scene reveals about a character"
        ),
        sa.Column("advances_plot", sa.Text(), nullable=True, comment="How it moves the story forward"),
        sa.Column("develops_theme", sa.Text(), nullable=True, comment="Which theme it develops and how"),
        sa.Column("visual_details", postgresql.ARRAY(sa.Text()), nullable=True, comment="What can be seen"),
        sa.Column(
            "auditory_details", postgresql.ARRAY(sa.Text()), nullable=True, comment="What can be heard"
        ),
        sa.Column(
            "tactile_details",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="What can be touched or felt",
        ),
        sa.Column(
            "olfactory_details",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="What can be smelled, e.g. {'diesel', 'wet wool'}",
        ),
        sa.Column(
            "gustatory_details", postgresql.ARRAY(sa.Text()), nullable=True, comment="What can be tasted"
        ),
        sa.Column(
            "has_dialogue",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the scene contains dialogue",
        ),
        sa.Column(
            "dialogue_snippet",
            sa.Text(),
            nullable=True,
            comment='A remembered line, e.g. "Don\'t you dare tell your father."',
        ),
        sa.Column(
            "has_internal_monologue",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the narrator's thoughts are shown",
        ),
        sa.Column("internal_thoughts", sa.Text(), nullable=True, comment="The thoughts to render"),
        sa.Column(
            "emotional_tone", sa.String(length=50), nullable=True, comment="Dominant emotion of the scene"
        ),
        sa.Column("opening_image", sa.Text(), nullable=True, comment="First image of the scene"),
        sa.Column("inciting_action", sa.Text(), nullable=True, comment="What sets the scene in motion"),
        sa.Column("complication", sa.Text(), nullable=True, comment="What makes it harder"),
        sa.Column("climax", sa.Text(), nullable=True, comment="The peak moment"),
        sa.Column("resolution", sa.Text(), nullable=True, comment="How it settles"),
        sa.Column("reflection", sa.Text(), nullable=True, comment="The narrator looking back on it"),
        sa.Column(
            "meaning_made",
            sa.Text(),
            nullable=True,
            comment="What the storyteller understands now that they did not then",
        ),
        sa.Column(
            "status",
            sa.String(length=50),
            server_default=sa.text("'outlined'"),
            nullable=True,
            comment="outlined, drafted, revised, final",
        ),
        sa.Column("word_count", sa.Integer(), nullable=True, comment="Word count of the drafted scene"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the scene was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("story_scene_pkey")),
        comment="A fully planned scene: setting, purpose, the five senses, dialogue and the dramatic beats. Scenes are usually built from a single life event.",
    )
    op.create_index("idx_story_scene_chapter", "story_scene", ["chapter_id"], unique=False)
    op.create_index("idx_story_scene_story", "story_scene", ["story_id"], unique=False)
    op.create_table(
        "storyteller_boundary",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the boundary record",
        ),
        sa.Column(
            "storyteller_id",
            sa.Uuid(),
            nullable=True,
            comment="Storyteller these defaults belong to (one row each)",
        ),
        sa.Column(
            "comfortable_discussing_romance",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Romantic relationships are fine to explore",
        ),
        sa.Column(
            "comfortable_discussing_intimacy",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Physical intimacy; off by default",
        ),
        sa.Column(
            "comfortable_discussing_loss",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Death, grief and loss",
        ),
        sa.Column(
            "comfortable_discussing_trauma",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Traumatic experiences; off by default",
        ),
        sa.Column(
            "comfortable_discussing_illness",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Illness and health",
        ),
        sa.Column(
            "comfortable_discussing_conflict",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Family or workplace conflict",
        ),
        sa.Column(
            "comfortable_discussing_faith",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Religion and spirituality",
        ),
        sa.Column(
            "comfortable_discussing_finances",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Money matters; off by default",
        ),
        sa.Column(
            "prefers_some_private",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Wants some material captured but kept out of the book",
        ),
        sa.Column(
            "wants_explicit_warnings",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Agent should warn before a sensitive prompt",
        ),
        sa.Column(
            "off_limit_topics",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Topics never to raise, e.g. {'first marriage', 'the accident'}",
        ),
        sa.Column(
            "maximum_tier_comfortable",
            sa.Integer(),
            server_default=sa.text("2"),
            nullable=True,
            comment="Highest prompt sensitivity tier allowed (1-3)",
        ),
        sa.Column(
            "additional_notes", sa.Text(), nullable=True, comment="Anything else the agents should know"
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("storyteller_boundary_pkey")),
        sa.UniqueConstraint("storyteller_id", name=op.f("storyteller_boundary_storyteller_id_key")),
        comment="Default comfort levels for the storyteller, applied to every life event unless a `life_event_boundary` overrides them. One row per storyteller.",
    )
    op.create_table(
        "storyteller_preference",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the preference record",
        ),
        sa.Column(
            "storyteller_id",
            sa.Uuid(),
            nullable=True,
            comment="Storyteller these preferences belong to (one row each)",
        ),
        sa.Column(
            "preferred_input_method",
            sa.String(length=50),
            nullable=True,
            comment="'voice', 'text' or 'mixed'",
        ),
        sa.Column(
            "session_length_preference",
            sa.String(length=50),
            nullable=True,
            comment="'short' (15 min), 'medium' (30 min) or 'long' (60 min)",
        ),
        sa.Column(
            "desired_book_tone",
            sa.String(length=50),
            nullable=True,
            comment="'warm', 'humorous', 'reflective', 'matter-of-fact'...",
        ),
        sa.Column(
            "desired_book_length",
            sa.String(length=50),
            nullable=True,
            comment="'keepsake', 'standard' or 'comprehensive'",
        ),
        sa.Column(
            "wants_photos_included",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Include photos in the book",
        ),
        sa.Column(
            "wants_documents_included",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Include scanned documents",
        ),
        sa.Column(
            "wants_letters_quotes_included",
            sa.Boolean(),
            server_default=sa.text("TRUE"),
            nullable=True,
            comment="Include letters and verbatim quotes",
        ),
        sa.Column(
            "intended_audience",
            sa.String(length=100),
            nullable=True,
            comment="Who the book is for: 'family', 'grandchildren', 'public'",
        ),
        sa.Column(
            "primary_language",
            sa.String(length=50),
            server_default=sa.text("'en'"),
            nullable=True,
            comment="ISO 639-1 code of the interview and book language",
        ),
        sa.Column(
            "additional_preferences",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment='Anything else, e.g. {"tone": "warm", "pace": "slow"}',
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("storyteller_preference_pkey")),
        sa.UniqueConstraint("storyteller_id", name=op.f("storyteller_preference_storyteller_id_key")),
        comment="How the storyteller likes to work and what kind of book they want. The row is optional; sensible defaults apply when it is absent.",
    )
    op.create_table(
        "storyteller_progress",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the progress record",
        ),
        sa.Column(
            "storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller being tracked (one row each)"
        ),
        sa.Column(
            "process_version_id",
            sa.Uuid(),
            nullable=True,
            comment="Process version the storyteller is following",
        ),
        sa.Column(
            "current_phase",
            sa.String(length=100),
            nullable=True,
            comment="'onboarding', 'capture', 'synthesis', 'book_formation'...",
        ),
        sa.Column(
            "phase_status",
            sa.String(length=50),
            nullable=True,
            comment="'not_started', 'in_progress' or 'complete'",
        ),
        sa.Column(
            "overall_completion_percentage",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Whole-journey completion, 0-100",
        ),
        sa.Column(
            "phases_completed",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Phases finished so far, e.g. {'onboarding', 'scope'}",
        ),
        sa.Column(
            "phases_skipped",
            postgresql.ARRAY(sa.Text()),
            nullable=True,
            comment="Phases the storyteller chose to skip",
        ),
        sa.Column(
            "first_session_at", sa.DateTime(), nullable=True, comment="When the first session took place"
        ),
        sa.Column(
            "first_capture_at", sa.DateTime(), nullable=True, comment="When the first life event was captured"
        ),
        sa.Column(
            "first_synthesis_at",
            sa.DateTime(),
            nullable=True,
            comment="When the first synthesis was produced",
        ),
        sa.Column("book_started_at", sa.DateTime(), nullable=True, comment="When book formation began"),
        sa.Column("book_completed_at", sa.DateTime(), nullable=True, comment="When the book was finished"),
        sa.Column("last_active_at", sa.DateTime(), nullable=True, comment="Last activity of any kind"),
        sa.Column(
            "total_sessions_count",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Sessions held",
        ),
        sa.Column(
            "total_interactions_count",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Interactions across all sessions",
        ),
        sa.Column(
            "total_artifacts_count",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Artifacts across all sessions",
        ),
        sa.Column(
            "suggested_next_phase",
            sa.String(length=100),
            nullable=True,
            comment="Phase the system recommends next",
        ),
        sa.Column(
            "suggested_next_action",
            sa.Text(),
            nullable=True,
            comment="Concrete next step shown on the dashboard",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("storyteller_progress_pkey")),
        sa.UniqueConstraint("storyteller_id", name=op.f("storyteller_progress_storyteller_id_key")),
        comment="A single row per storyteller summarising where they are in the overall journey (phase, milestones, counters) and what the system suggests next.",
    )
    op.create_index("idx_storyteller_progress", "storyteller_progress", ["storyteller_id"], unique=False)
    op.create_index(
        "idx_storyteller_progress_phase",
        "storyteller_progress",
        ["current_phase", "phase_status"],
        unique=False,
    )
    op.create_table(
        "storyteller_section_selection",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the selection",
        ),
        sa.Column("storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller who made the selection"),
        sa.Column("process_section_id", sa.Uuid(), nullable=True, comment="Section selected"),
        sa.Column(
            "selected_during_phase",
            sa.String(length=50),
            nullable=True,
            comment="Phase in which the selection was made",
        ),
        sa.Column(
            "selection_reason",
            sa.String(length=100),
            nullable=True,
            comment="'user_choice', 'scope_default', 'agent_suggestion'...",
        ),
        sa.Column("priority_level", sa.String(length=50), nullable=True, comment="'high', 'normal' or 'low'"),
        sa.Column(
            "is_required",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether the section is mandatory for the chosen scope",
        ),
        sa.Column(
            "selected_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the section was selected",
        ),
        sa.Column(
            "user_notes",
            sa.Text(),
            nullable=True,
            comment="The storyteller's own note, e.g. \"want to talk about Grandpa's shop\"",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("storyteller_section_selection_pkey")),
        sa.UniqueConstraint(
            "storyteller_id",
            "process_section_id",
            name="storyteller_section_selection_storyteller_id_process_sectio_key",
        ),
        comment="The process sections a storyteller chose (or was assigned) to work on. One row per storyteller and section.",
    )
    op.create_index(
        "idx_section_selection_storyteller", "storyteller_section_selection", ["storyteller_id"], unique=False
    )
    op.create_table(
        "storyteller_section_status",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the status record",
        ),
        sa.Column("storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller being tracked"),
        sa.Column("process_section_id", sa.Uuid(), nullable=True, comment="Section being tracked"),
        sa.Column(
            "status",
            sa.String(length=50),
            server_default=sa.text("'locked'"),
            nullable=True,
            comment="locked, unlocked, in_progress, completed, skipped",
        ),
        sa.Column("unlocked_at", sa.DateTime(), nullable=True, comment="When the section unlocked"),
        sa.Column(
            "unlocked_by",
            sa.String(length=100),
            nullable=True,
            comment="What unlocked it: 'scope', 'profile', 'prerequisite', 'manual'",
        ),
        sa.Column("unlock_reason", sa.Text(), nullable=True, comment="Explanation of the unlock"),
        sa.Column("started_at", sa.DateTime(), nullable=True, comment="When work began"),
        sa.Column("completed_at", sa.DateTime(), nullable=True, comment="When it was completed"),
        sa.Column("skipped_at", sa.DateTime(), nullable=True, comment="When it was skipped"),
        sa.Column("skip_reason", sa.Text(), nullable=True, comment="Why it was skipped"),
        sa.Column(
            "prompts_answered",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Prompts answered in the section",
        ),
        sa.Column("prompts_total", sa.Integer(), nullable=True, comment="Prompts available in the section"),
        sa.Column(
            "scenes_captured",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Scenes captured from the section",
        ),
        sa.Column(
            "life_events_created",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Life events created from the section",
        ),
        sa.Column(
            "completion_percentage",
            sa.Integer(),
            server_default=sa.text("0"),
            nullable=True,
            comment="Section completion, 0-100",
        ),
        sa.Column(
            "prerequisite_sections_met",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether every prerequisite section is done",
        ),
        sa.Column("prerequisite_notes", sa.Text(), nullable=True, comment="Which prerequisites are missing"),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was created",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When it was last changed",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("storyteller_section_status_pkey")),
        sa.UniqueConstraint(
            "storyteller_id",
            "process_section_id",
            name="storyteller_section_status_storyteller_id_process_section_i_key",
        ),
        comment="Lifetime status of each process section for a storyteller, across all sessions: locked, unlocked, in progress, completed or skipped, with counters of what was captured.",
    )
    op.create_index(
        "idx_section_status_section", "storyteller_section_status", ["process_section_id"], unique=False
    )
    op.create_index(
        "idx_section_status_storyteller",
        "storyteller_section_status",
        ["storyteller_id", "status"],
        unique=False,
    )
    op.create_table(
        "user_feedback",
        sa.Column(
            "id",
            sa.Uuid(),
            server_default=sa.text("gen_random_uuid()"),
            nullable=False,
            comment="Unique identifier for the feedback",
        ),
        sa.Column("storyteller_id", sa.Uuid(), nullable=True, comment="Storyteller the feedback concerns"),
        sa.Column("user_id", sa.Uuid(), nullable=True, comment="Auth user who gave the feedback"),
        sa.Column(
            "feedback_on_type",
            sa.String(length=50),
            nullable=True,
            comment="Kind of object: 'synthesis', 'chapter', 'scene', 'agent'...",
        ),
        sa.Column(
            "feedback_on_id",
            sa.Uuid(),
            nullable=True,
            comment="Id of that object (polymorphic, no foreign key)",
        ),
        sa.Column(
            "feedback_on_name",
            sa.String(length=200),
            nullable=True,
            comment="Readable name of the object at the time",
        ),
        sa.Column(
            "feedback_type",
            sa.String(length=50),
            nullable=True,
            comment="'correction', 'praise', 'complaint', 'suggestion'",
        ),
        sa.Column(
            "feedback_category",
            sa.String(length=100),
            nullable=True,
            comment="'accuracy', 'tone', 'privacy', 'pacing'...",
        ),
        sa.Column("feedback_text", sa.Text(), nullable=False, comment="What the user wrote"),
        sa.Column("specific_issue", sa.Text(), nullable=True, comment="The exact problem, if one is named"),
        sa.Column("suggested_change", sa.Text(), nullable=True, comment="What the user would like instead"),
        sa.Column(
            "sentiment", sa.String(length=50), nullable=True, comment="'positive', 'neutral' or 'negative'"
        ),
        sa.Column(
            "priority", sa.String(length=50), nullable=True, comment="'low', 'normal', 'high' or 'urgent'"
        ),
        sa.Column(
            "requires_immediate_action",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Privacy or distress issues that need a human now",
        ),
        sa.Column("agent_response", sa.Text(), nullable=True, comment="What the agent replied"),
        sa.Column(
            "resolution_status",
            sa.String(length=50),
            nullable=True,
            comment="'open', 'in_progress', 'resolved' or 'wont_fix'",
        ),
        sa.Column("resolved_at", sa.DateTime(), nullable=True, comment="When it was resolved"),
        sa.Column("resolution_notes", sa.Text(), nullable=True, comment="How it was resolved"),
        sa.Column(
            "used_for_improvement",
            sa.Boolean(),
            server_default=sa.text("FALSE"),
            nullable=True,
            comment="Whether it fed back into prompts or agents",
        ),
        sa.Column("improvement_notes", sa.Text(), nullable=True, comment="What was improved"),
        sa.Column(
            "feedback_given_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the user gave the feedback",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("now()"),
            nullable=True,
            comment="When the record was created",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("user_feedback_pkey")),
        comment="Feedback from the storyteller or a family member on anything the system produced (a synthesis, a chapter, an agent's tone), with triage and resolution fields.",
    )
    op.create_index(
        "idx_user_feedback_priority", "user_feedback", ["priority", "requires_immediate_action"], unique=False
    )
    op.create_index("idx_user_feedback_resolution", "user_feedback", ["resolution_status"], unique=False)
    op.create_index("idx_user_feedback_storyteller", "user_feedback", ["storyteller_id"], unique=False)
    op.create_index(
        "idx_user_feedback_type", "user_feedback", ["feedback_on_type", "feedback_on_id"], unique=False
    )
    op.create_foreign_key(
        op.f("agent_instance_agent_id_fkey"), "agent_instance", "agent", ["agent_id"], ["id"]
    )
    op.create_foreign_key(
        op.f("agent_instance_session_id_fkey"),
        "agent_instance",
        "session",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("agent_instance_storyteller_id_fkey"),
        "agent_instance",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("archetype_analysis_collection_id_fkey"),
        "archetype_analysis",
        "collection",
        ["collection_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("archetype_analysis_previous_analysis_id_fkey"),
        "archetype_analysis",
        "archetype_analysis",
        ["previous_analysis_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("archetype_analysis_story_id_fkey"),
        "archetype_analysis",
        "story",
        ["story_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("archetype_analysis_storyteller_id_fkey"),
        "archetype_analysis",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("book_export_story_id_fkey"), "book_export", "story", ["story_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        op.f("book_export_storyteller_id_fkey"),
        "book_export",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("book_export_delivery_book_export_id_fkey"),
        "book_export_delivery",
        "book_export",
        ["book_export_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("book_export_delivery_storyteller_id_fkey"),
        "book_export_delivery",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("chapter_section_chapter_id_fkey"),
        "chapter_section",
        "story_chapter",
        ["chapter_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("chapter_theme_chapter_id_fkey"),
        "chapter_theme",
        "story_chapter",
        ["chapter_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("chapter_theme_theme_id_fkey"),
        "chapter_theme",
        "story_theme",
        ["theme_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("character_appearance_chapter_id_fkey"),
        "character_appearance",
        "story_chapter",
        ["chapter_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("character_appearance_character_id_fkey"),
        "character_appearance",
        "story_character",
        ["character_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("character_appearance_section_id_fkey"),
        "character_appearance",
        "chapter_section",
        ["section_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_foreign_key(
        op.f("character_relationship_character_a_id_fkey"),
        "character_relationship",
        "story_character",
        ["character_a_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("character_relationship_character_b_id_fkey"),
        "character_relationship",
        "story_character",
        ["character_b_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("character_relationship_story_id_fkey"),
        "character_relationship",
        "story",
        ["story_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("collection_storyteller_id_fkey"),
        "collection",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("collection_grouping_storyteller_id_fkey"),
        "collection_grouping",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("collection_grouping_member_collection_id_fkey"),
        "collection_grouping_member",
        "collection",
        ["collection_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("collection_grouping_member_grouping_id_fkey"),
        "collection_grouping_member",
        "collection_grouping",
        ["grouping_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("collection_life_event_collection_id_fkey"),
        "collection_life_event",
        "collection",
        ["collection_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("collection_life_event_life_event_id_fkey"),
        "collection_life_event",
        "life_event",
        ["life_event_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("collection_relationship_source_collection_id_fkey"),
        "collection_relationship",
        "collection",
        ["source_collection_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("collection_relationship_target_collection_id_fkey"),
        "collection_relationship",
        "collection",
        ["target_collection_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("collection_synthesis_collection_id_fkey"),
        "collection_synthesis",
        "collection",
        ["collection_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("collection_tag_collection_id_fkey"),
        "collection_tag",
        "collection",
        ["collection_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("edit_requirement_chapter_id_fkey"), "edit_requirement", "story_chapter", ["chapter_id"], ["id"]
    )
    op.create_foreign_key(
        op.f("edit_requirement_character_id_fkey"),
        "edit_requirement",
        "story_character",
        ["character_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("edit_requirement_section_id_fkey"),
        "edit_requirement",
        "chapter_section",
        ["section_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("edit_requirement_story_id_fkey"),
        "edit_requirement",
        "story",
        ["story_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("edit_requirement_storyteller_id_fkey"),
        "edit_requirement",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("edit_requirement_theme_id_fkey"), "edit_requirement", "story_theme", ["theme_id"], ["id"]
    )
    op.create_foreign_key(
        op.f("life_event_storyteller_id_fkey"),
        "life_event",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("life_event_boundary_life_event_id_fkey"),
        "life_event_boundary",
        "life_event",
        ["life_event_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("life_event_detail_life_event_id_fkey"),
        "life_event_detail",
        "life_event",
        ["life_event_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("life_event_location_life_event_id_fkey"),
        "life_event_location",
        "life_event",
        ["life_event_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("life_event_media_life_event_id_fkey"),
        "life_event_media",
        "life_event",
        ["life_event_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("life_event_participant_life_event_id_fkey"),
        "life_event_participant",
        "life_event",
        ["life_event_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("life_event_preference_life_event_id_fkey"),
        "life_event_preference",
        "life_event",
        ["life_event_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("life_event_preference_merge_with_other_event_id_fkey"),
        "life_event_preference",
        "life_event",
        ["merge_with_other_event_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("life_event_timespan_life_event_id_fkey"),
        "life_event_timespan",
        "life_event",
        ["life_event_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("life_event_trauma_life_event_id_fkey"),
        "life_event_trauma",
        "life_event",
        ["life_event_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("process_commitment_process_version_id_fkey"),
        "process_commitment",
        "process_version",
        ["process_version_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("process_flow_edge_from_node_id_fkey"),
        "process_flow_edge",
        "process_node",
        ["from_node_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("process_flow_edge_process_version_id_fkey"),
        "process_flow_edge",
        "process_version",
        ["process_version_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("process_flow_edge_to_node_id_fkey"),
        "process_flow_edge",
        "process_node",
        ["to_node_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("process_node_node_type_id_fkey"), "process_node", "process_node_type", ["node_type_id"], ["id"]
    )
    op.create_foreign_key(
        op.f("process_node_process_version_id_fkey"),
        "process_node",
        "process_version",
        ["process_version_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("process_prompt_process_node_id_fkey"),
        "process_prompt",
        "process_node",
        ["process_node_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("process_section_process_version_id_fkey"),
        "process_section",
        "process_version",
        ["process_version_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("process_section_unlock_after_section_id_fkey"),
        "process_section",
        "process_section",
        ["unlock_after_section_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("process_version_created_by_fkey"), "process_version", "users", ["created_by"], ["id"]
    )
    op.create_foreign_key(
        op.f("prompt_pack_prompt_prompt_pack_id_fkey"),
        "prompt_pack_prompt",
        "prompt_pack_template",
        ["prompt_pack_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("requirement_addressed_in_session_id_fkey"),
        "requirement",
        "session",
        ["addressed_in_session_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("requirement_collection_id_fkey"), "requirement", "collection", ["collection_id"], ["id"]
    )
    op.create_foreign_key(
        op.f("requirement_life_event_id_fkey"), "requirement", "life_event", ["life_event_id"], ["id"]
    )
    op.create_foreign_key(
        op.f("requirement_section_id_fkey"), "requirement", "process_section", ["section_id"], ["id"]
    )
    op.create_foreign_key(
        op.f("requirement_storyteller_id_fkey"),
        "requirement",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("scope_type_process_version_id_fkey"),
        "scope_type",
        "process_version",
        ["process_version_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("section_prompt_process_prompt_id_fkey"),
        "section_prompt",
        "process_prompt",
        ["process_prompt_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("section_prompt_section_id_fkey"),
        "section_prompt",
        "process_section",
        ["section_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("session_current_process_node_id_fkey"),
        "session",
        "process_node",
        ["current_process_node_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("session_process_version_id_fkey"), "session", "process_version", ["process_version_id"], ["id"]
    )
    op.create_foreign_key(
        op.f("session_storyteller_id_fkey"),
        "session",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("session_archetype_session_id_fkey"),
        "session_archetype",
        "session",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("session_artifact_life_event_id_fkey"),
        "session_artifact",
        "life_event",
        ["life_event_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_foreign_key(
        op.f("session_artifact_session_id_fkey"),
        "session_artifact",
        "session",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("session_interaction_life_event_id_fkey"),
        "session_interaction",
        "life_event",
        ["life_event_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_foreign_key(
        op.f("session_interaction_session_id_fkey"),
        "session_interaction",
        "session",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("session_life_event_life_event_id_fkey"),
        "session_life_event",
        "life_event",
        ["life_event_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("session_life_event_session_id_fkey"),
        "session_life_event",
        "session",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("session_note_session_id_fkey"),
        "session_note",
        "session",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("session_profile_session_id_fkey"),
        "session_profile",
        "session",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("session_progress_process_node_id_fkey"),
        "session_progress",
        "process_node",
        ["process_node_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("session_progress_session_id_fkey"),
        "session_progress",
        "session",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("session_scope_session_id_fkey"),
        "session_scope",
        "session",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("session_section_status_section_id_fkey"),
        "session_section_status",
        "process_section",
        ["section_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("session_section_status_session_id_fkey"),
        "session_section_status",
        "session",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("session_synthesis_section_id_fkey"),
        "session_synthesis",
        "process_section",
        ["section_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("session_synthesis_session_id_fkey"),
        "session_synthesis",
        "session",
        ["session_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("session_template_process_version_id_fkey"),
        "session_template",
        "process_version",
        ["process_version_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("story_storyteller_id_fkey"),
        "story",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("story_chapter_story_id_fkey"),
        "story_chapter",
        "story",
        ["story_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("story_character_first_appearance_chapter_id_fkey"),
        "story_character",
        "story_chapter",
        ["first_appearance_chapter_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("story_character_story_id_fkey"),
        "story_character",
        "story",
        ["story_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("story_character_storyteller_id_fkey"),
        "story_character",
        "storyteller",
        ["storyteller_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("story_collection_chapter_id_fkey"),
        "story_collection",
        "story_chapter",
        ["chapter_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("story_collection_collection_id_fkey"),
        "story_collection",
        "collection",
        ["collection_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("story_collection_story_id_fkey"),
        "story_collection",
        "story",
        ["story_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("story_draft_chapter_id_fkey"),
        "story_draft",
        "story_chapter",
        ["chapter_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("story_draft_story_id_fkey"), "story_draft", "story", ["story_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        op.f("story_scene_chapter_id_fkey"), "story_scene", "story_chapter", ["chapter_id"], ["id"]
    )
    op.create_foreign_key(
        op.f("story_scene_life_event_id_fkey"),
        "story_scene",
        "life_event",
        ["life_event_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_foreign_key(
        op.f("story_scene_section_id_fkey"), "story_scene", "chapter_section", ["section_id"], ["id"]
    )
    op.create_foreign_key(
        op.f("story_scene_story_id_fkey"), "story_scene", "story", ["story_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        op.f("story_theme_story_id_fkey"), "story_theme", "story", ["story_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        op.f("storyteller_user_id_fkey"), "storyteller", "users", ["user_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        op.f("storyteller_boundary_storyteller_id_fkey"),
        "storyteller_boundary",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("storyteller_preference_storyteller_id_fkey"),
        "storyteller_preference",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("storyteller_progress_process_version_id_fkey"),
        "storyteller_progress",
        "process_version",
        ["process_version_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("storyteller_progress_storyteller_id_fkey"),
        "storyteller_progress",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("storyteller_section_selection_process_section_id_fkey"),
        "storyteller_section_selection",
        "process_section",
        ["process_section_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("storyteller_section_selection_storyteller_id_fkey"),
        "storyteller_section_selection",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("storyteller_section_status_process_section_id_fkey"),
        "storyteller_section_status",
        "process_section",
        ["process_section_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("storyteller_section_status_storyteller_id_fkey"),
        "storyteller_section_status",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("user_feedback_storyteller_id_fkey"),
        "user_feedback",
        "storyteller",
        ["storyteller_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("user_feedback_user_id_fkey"), "user_feedback", "users", ["user_id"], ["id"], ondelete="CASCADE"
    )


def downgrade() -> None:
    op.drop_constraint("agent_instance_agent_id_fkey", "agent_instance", type_="foreignkey")
    op.drop_constraint("agent_instance_session_id_fkey", "agent_instance", type_="foreignkey")
    op.drop_constraint("agent_instance_storyteller_id_fkey", "agent_instance", type_="foreignkey")
    op.drop_constraint("archetype_analysis_collection_id_fkey", "archetype_analysis", type_="foreignkey")
    op.drop_constraint("archetype_analysis_story_id_fkey", "archetype_analysis", type_="foreignkey")
    op.drop_constraint("archetype_analysis_storyteller_id_fkey", "archetype_analysis", type_="foreignkey")
    op.drop_constraint("book_export_story_id_fkey", "book_export", type_="foreignkey")
    op.drop_constraint("book_export_storyteller_id_fkey", "book_export", type_="foreignkey")
    op.drop_constraint("book_export_delivery_book_export_id_fkey", "book_export_delivery", type_="foreignkey")
    op.drop_constraint("book_export_delivery_storyteller_id_fkey", "book_export_delivery", type_="foreignkey")
    op.drop_constraint("chapter_section_chapter_id_fkey", "chapter_section", type_="foreignkey")
    op.drop_constraint("chapter_theme_chapter_id_fkey", "chapter_theme", type_="foreignkey")
    op.drop_constraint("chapter_theme_theme_id_fkey", "chapter_theme", type_="foreignkey")
    op.drop_constraint("character_appearance_chapter_id_fkey", "character_appearance", type_="foreignkey")
    op.drop_constraint("character_appearance_character_id_fkey", "character_appearance", type_="foreignkey")
    op.drop_constraint("character_appearance_section_id_fkey", "character_appearance", type_="foreignkey")
    op.drop_constraint(
        "character_relationship_character_a_id_fkey", "character_relationship", type_="foreignkey"
    )
    op.drop_constraint(
        "character_relationship_character_b_id_fkey", "character_relationship", type_="foreignkey"
    )
    op.drop_constraint("character_relationship_story_id_fkey", "character_relationship", type_="foreignkey")
    op.drop_constraint("collection_storyteller_id_fkey", "collection", type_="foreignkey")
    op.drop_constraint("collection_grouping_storyteller_id_fkey", "collection_grouping", type_="foreignkey")
    op.drop_constraint(
        "collection_grouping_member_collection_id_fkey", "collection_grouping_member", type_="foreignkey"
    )
    op.drop_constraint(
        "collection_grouping_member_grouping_id_fkey", "collection_grouping_member", type_="foreignkey"
    )
    op.drop_constraint(
        "collection_life_event_collection_id_fkey", "collection_life_event", type_="foreignkey"
    )
    op.drop_constraint(
        "collection_life_event_life_event_id_fkey", "collection_life_event", type_="foreignkey"
    )
    op.drop_constraint(
        "collection_relationship_source_collection_id_fkey", "collection_relationship", type_="foreignkey"
    )
    op.drop_constraint(
        "collection_relationship_target_collection_id_fkey", "collection_relationship", type_="foreignkey"
    )
    op.drop_constraint("collection_synthesis_collection_id_fkey", "collection_synthesis", type_="foreignkey")
    op.drop_constraint("collection_tag_collection_id_fkey", "collection_tag", type_="foreignkey")
    op.drop_constraint("edit_requirement_chapter_id_fkey", "edit_requirement", type_="foreignkey")
    op.drop_constraint("edit_requirement_character_id_fkey", "edit_requirement", type_="foreignkey")
    op.drop_constraint("edit_requirement_section_id_fkey", "edit_requirement", type_="foreignkey")
    op.drop_constraint("edit_requirement_story_id_fkey", "edit_requirement", type_="foreignkey")
    op.drop_constraint("edit_requirement_storyteller_id_fkey", "edit_requirement", type_="foreignkey")
    op.drop_constraint("edit_requirement_theme_id_fkey", "edit_requirement", type_="foreignkey")
    op.drop_constraint("life_event_storyteller_id_fkey", "life_event", type_="foreignkey")
    op.drop_constraint("life_event_boundary_life_event_id_fkey", "life_event_boundary", type_="foreignkey")
    op.drop_constraint("life_event_detail_life_event_id_fkey", "life_event_detail", type_="foreignkey")
    op.drop_constraint("life_event_location_life_event_id_fkey", "life_event_location", type_="foreignkey")
    op.drop_constraint("life_event_media_life_event_id_fkey", "life_event_media", type_="foreignkey")
    op.drop_constraint(
        "life_event_participant_life_event_id_fkey", "life_event_participant", type_="foreignkey"
    )
    op.drop_constraint(
        "life_event_preference_life_event_id_fkey", "life_event_preference", type_="foreignkey"
    )
    op.drop_constraint(
        "life_event_preference_merge_with_other_event_id_fkey", "life_event_preference", type_="foreignkey"
    )
    op.drop_constraint("life_event_timespan_life_event_id_fkey", "life_event_timespan", type_="foreignkey")
    op.drop_constraint("life_event_trauma_life_event_id_fkey", "life_event_trauma", type_="foreignkey")
    op.drop_constraint("process_commitment_process_version_id_fkey", "process_commitment", type_="foreignkey")
    op.drop_constraint("process_flow_edge_from_node_id_fkey", "process_flow_edge", type_="foreignkey")
    op.drop_constraint("process_flow_edge_process_version_id_fkey", "process_flow_edge", type_="foreignkey")
    op.drop_constraint("process_flow_edge_to_node_id_fkey", "process_flow_edge", type_="foreignkey")
    op.drop_constraint("process_node_node_type_id_fkey", "process_node", type_="foreignkey")
    op.drop_constraint("process_node_process_version_id_fkey", "process_node", type_="foreignkey")
    op.drop_constraint("process_prompt_process_node_id_fkey", "process_prompt", type_="foreignkey")
    op.drop_constraint("process_section_process_version_id_fkey", "process_section", type_="foreignkey")
    op.drop_constraint("prompt_pack_prompt_prompt_pack_id_fkey", "prompt_pack_prompt", type_="foreignkey")
    op.drop_constraint("requirement_addressed_in_session_id_fkey", "requirement", type_="foreignkey")
    op.drop_constraint("requirement_collection_id_fkey", "requirement", type_="foreignkey")
    op.drop_constraint("requirement_life_event_id_fkey", "requirement", type_="foreignkey")
    op.drop_constraint("requirement_section_id_fkey", "requirement", type_="foreignkey")
    op.drop_constraint("requirement_storyteller_id_fkey", "requirement", type_="foreignkey")
    op.drop_constraint("scope_type_process_version_id_fkey", "scope_type", type_="foreignkey")
    op.drop_constraint("section_prompt_process_prompt_id_fkey", "section_prompt", type_="foreignkey")
    op.drop_constraint("section_prompt_section_id_fkey", "section_prompt", type_="foreignkey")
    op.drop_constraint("session_current_process_node_id_fkey", "session", type_="foreignkey")
    op.drop_constraint("session_process_version_id_fkey", "session", type_="foreignkey")
    op.drop_constraint("session_storyteller_id_fkey", "session", type_="foreignkey")
    op.drop_constraint("session_archetype_session_id_fkey", "session_archetype", type_="foreignkey")
    op.drop_constraint("session_artifact_life_event_id_fkey", "session_artifact", type_="foreignkey")
    op.drop_constraint("session_artifact_session_id_fkey", "session_artifact", type_="foreignkey")
    op.drop_constraint("session_interaction_life_event_id_fkey", "session_interaction", type_="foreignkey")
    op.drop_constraint("session_interaction_session_id_fkey", "session_interaction", type_="foreignkey")
    op.drop_constraint("session_life_event_life_event_id_fkey", "session_life_event", type_="foreignkey")
    op.drop_constraint("session_life_event_session_id_fkey", "session_life_event", type_="foreignkey")
    op.drop_constraint("session_note_session_id_fkey", "session_note", type_="foreignkey")
    op.drop_constraint("session_profile_session_id_fkey", "session_profile", type_="foreignkey")
    op.drop_constraint("session_progress_process_node_id_fkey", "session_progress", type_="foreignkey")
    op.drop_constraint("session_progress_session_id_fkey", "session_progress", type_="foreignkey")
    op.drop_constraint("session_scope_session_id_fkey", "session_scope", type_="foreignkey")
    op.drop_constraint("session_section_status_section_id_fkey", "session_section_status", type_="foreignkey")
    op.drop_constraint("session_section_status_session_id_fkey", "session_section_status", type_="foreignkey")
    op.drop_constraint("session_synthesis_section_id_fkey", "session_synthesis", type_="foreignkey")
    op.drop_constraint("session_synthesis_session_id_fkey", "session_synthesis", type_="foreignkey")
    op.drop_constraint("session_template_process_version_id_fkey", "session_template", type_="foreignkey")
    op.drop_constraint("story_storyteller_id_fkey", "story", type_="foreignkey")
    op.drop_constraint("story_chapter_story_id_fkey", "story_chapter", type_="foreignkey")
    op.drop_constraint(
        "story_character_first_appearance_chapter_id_fkey", "story_character", type_="foreignkey"
    )
    op.drop_constraint("story_character_story_id_fkey", "story_character", type_="foreignkey")
    op.drop_constraint("story_character_storyteller_id_fkey", "story_character", type_="foreignkey")
    op.drop_constraint("story_collection_chapter_id_fkey", "story_collection", type_="foreignkey")
    op.drop_constraint("story_collection_collection_id_fkey", "story_collection", type_="foreignkey")
    op.drop_constraint("story_collection_story_id_fkey", "story_collection", type_="foreignkey")
    op.drop_constraint("story_draft_chapter_id_fkey", "story_draft", type_="foreignkey")
    op.drop_constraint("story_draft_story_id_fkey", "story_draft", type_="foreignkey")
    op.drop_constraint("story_scene_chapter_id_fkey", "story_scene", type_="foreignkey")
    op.drop_constraint("story_scene_life_event_id_fkey", "story_scene", type_="foreignkey")
    op.drop_constraint("story_scene_section_id_fkey", "story_scene", type_="foreignkey")
    op.drop_constraint("story_scene_story_id_fkey", "story_scene", type_="foreignkey")
    op.drop_constraint("story_theme_story_id_fkey", "story_theme", type_="foreignkey")
    op.drop_constraint("storyteller_boundary_storyteller_id_fkey", "storyteller_boundary", type_="foreignkey")
    op.drop_constraint(
        "storyteller_preference_storyteller_id_fkey", "storyteller_preference", type_="foreignkey"
    )
    op.drop_constraint(
        "storyteller_progress_process_version_id_fkey", "storyteller_progress", type_="foreignkey"
    )
    op.drop_constraint("storyteller_progress_storyteller_id_fkey", "storyteller_progress", type_="foreignkey")
    op.drop_constraint(
        "storyteller_section_selection_process_section_id_fkey",
        "storyteller_section_selection",
        type_="foreignkey",
    )
    op.drop_constraint(
        "storyteller_section_selection_storyteller_id_fkey",
        "storyteller_section_selection",
        type_="foreignkey",
    )
    op.drop_constraint(
        "storyteller_section_status_process_section_id_fkey", "storyteller_section_status", type_="foreignkey"
    )
    op.drop_constraint(
        "storyteller_section_status_storyteller_id_fkey", "storyteller_section_status", type_="foreignkey"
    )
    op.drop_constraint("user_feedback_storyteller_id_fkey", "user_feedback", type_="foreignkey")
    op.drop_table("user_feedback")
    op.drop_table("storyteller_section_status")
    op.drop_table("storyteller_section_selection")
    op.drop_table("storyteller_progress")
    op.drop_table("storyteller_preference")
    op.drop_table("storyteller_boundary")
    op.drop_table("story_scene")
    op.drop_table("story_draft")
    op.drop_table("story_collection")
    op.drop_table("session_template")
    op.drop_table("session_synthesis")
    op.drop_table("session_section_status")
    op.drop_table("session_scope")
    op.drop_table("session_progress")
    op.drop_table("session_profile")
    op.drop_table("session_note")
    op.drop_table("session_life_event")
    op.drop_table("session_interaction")
    op.drop_table("session_artifact")
    op.drop_table("session_archetype")
    op.drop_table("section_prompt")
    op.drop_table("scope_type")
    op.drop_table("requirement")
    op.drop_table("prompt_pack_prompt")
    op.drop_table("prompt_pack_template")
    op.drop_table("process_section")
    op.drop_table("process_prompt")
    op.drop_table("process_flow_edge")
    op.drop_table("process_commitment")
    op.drop_table("life_event_trauma")
    op.drop_table("life_event_timespan")
    op.drop_table("life_event_preference")
    op.drop_table("life_event_participant")
    op.drop_table("life_event_media")
    op.drop_table("life_event_location")
    op.drop_table("life_event_detail")
    op.drop_table("life_event_boundary")
    op.drop_table("edit_requirement")
    op.drop_table("collection_tag")
    op.drop_table("collection_synthesis")
    op.drop_table("collection_relationship")
    op.drop_table("collection_life_event")
    op.drop_table("life_event")
    op.drop_table("collection_grouping_member")
    op.drop_table("collection_grouping")
    op.drop_table("character_relationship")
    op.drop_table("character_appearance")
    op.drop_table("story_character")
    op.drop_table("chapter_theme")
    op.drop_table("story_theme")
    op.drop_table("chapter_section")
    op.drop_table("story_chapter")
    op.drop_table("book_export_delivery")
    op.drop_table("book_export")
    op.drop_table("archetype_analysis")
    op.drop_table("story")
    op.drop_table("collection")
    op.drop_table("agent_instance")
    op.drop_table("session")
    op.drop_table("storyteller")
    op.drop_table("process_node")
    op.drop_table("process_version")
    op.drop_table("process_node_type")
    op.drop_table("agent")
