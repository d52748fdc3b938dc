"""Follow-up questions in a summary's thread: the questions answered, each channel's opt-in, the model's answers.

Revision ID: 0008_followups
Revises: 0007_documents
Create Date: 2026-12-05

* `followup_questions`: one row per Slack message answered as a follow-up (unique channel + message ts, written
  before the event is acknowledged, so retries and redeliveries get one answer), with who asked, where, the
  answer, the passages it came from and the model's token counts.
* `followup_channels`: `/brief followups on|off` per conversation.
* `followup_answers`: a model's answer per article and normalised question, so a question asked again never
  costs a second model call.
* `ix_shares_channel_id_thread_ts`: finding the articles summarised in a thread, for every reply that may be a
  question, without reading all of a channel's shares.

Self-contained, like every migration.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_followups"
down_revision: str | None = "0007_documents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOLLOWUP_STATUSES = ("pending", "done", "failed")


def upgrade() -> None:
    timestamp = sa.DateTime(timezone=True)
    statuses = ", ".join(f"'{s}'" for s in FOLLOWUP_STATUSES)
    op.create_table(
        "followup_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("passages", sa.JSON(), nullable=True),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), nullable=True),
        sa.Column("completion_tokens", sa.Integer(), nullable=True),
        sa.Column("reply_ts", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", timestamp, nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("answered_at", timestamp, nullable=True),
        sa.CheckConstraint(f"status IN ({statuses})", name=op.f("ck_followup_questions_status")),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_followup_questions_article_id_articles"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_questions")),
        sa.UniqueConstraint("channel_id", "message_ts", name=op.f("uq_followup_questions_channel_id_message_ts")),
    )
    op.create_index(op.f("ix_followup_questions_article_id"), "followup_questions", ["article_id"])
    op.create_index(op.f("ix_followup_questions_user_id_created_at"), "followup_questions", ["user_id", "created_at"])
    op.create_table(
        "followup_channels",
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", timestamp, nullable=False),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_followup_channels")),
    )
    op.create_table(
        "followup_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("passages", sa.JSON(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), nullable=True),
        sa.Column("completion_tokens", sa.Integer(), nullable=True),
        sa.Column("created_at", timestamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_followup_answers_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_answers")),
        sa.UniqueConstraint("article_id", "question_key", name=op.f("uq_followup_answers_article_id_question_key")),
    )
    op.create_index(op.f("ix_shares_channel_id_thread_ts"), "shares", ["channel_id", "thread_ts"])


def downgrade() -> None:
    op.drop_index(op.f("ix_shares_channel_id_thread_ts"), table_name="shares")
    op.drop_table("followup_answers")
    op.drop_table("followup_channels")
    op.drop_index(op.f("ix_followup_questions_user_id_created_at"), table_name="followup_questions")
    op.drop_index(op.f("ix_followup_questions_article_id"), table_name="followup_questions")
    op.drop_table("followup_questions")
