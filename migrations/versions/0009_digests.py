"""Channel digests: each conversation's schedule, and one row per posted (or empty) period.

Revision ID: 0009_digests
Revises: 0008_followups
Create Date: 2026-12-05

* `digest_channels`: `/brief digest daily|weekly [day] [HH:MM] [time zone]` per conversation.
* `digest_runs`: one row per conversation and period end (unique), claimed before the digest is built, so one
  digest is posted per period however many processes tick.
* `ix_shares_channel_id_created_at`: a period's shares in a conversation without reading all of its shares.

Self-contained, like every migration.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_digests"
down_revision: str | None = "0008_followups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CADENCES = ("daily", "weekly")
DIGEST_STATUSES = ("pending", "posted", "empty", "failed")


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade() -> None:
    timestamp = sa.DateTime(timezone=True)
    op.create_table(
        "digest_channels",
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("at_minute", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", timestamp, nullable=False),
        sa.CheckConstraint(f"cadence IN ({_listed(CADENCES)})", name=op.f("ck_digest_channels_cadence")),
        sa.CheckConstraint("at_minute >= 0 AND at_minute < 1440", name=op.f("ck_digest_channels_at_minute")),
        sa.CheckConstraint(
            "weekday IS NULL OR (weekday >= 0 AND weekday < 7)", name=op.f("ck_digest_channels_weekday")
        ),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_digest_channels")),
    )
    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("period_start", timestamp, nullable=False),
        sa.Column("period_end", timestamp, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("shares", sa.Integer(), nullable=False),
        sa.Column("reply_ts", sa.String(length=32), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", timestamp, nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("finished_at", timestamp, nullable=True),
        sa.CheckConstraint(f"status IN ({_listed(DIGEST_STATUSES)})", name=op.f("ck_digest_runs_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_runs")),
        sa.UniqueConstraint("channel_id", "period_end", name=op.f("uq_digest_runs_channel_id_period_end")),
    )
    op.create_index(op.f("ix_shares_channel_id_created_at"), "shares", ["channel_id", "created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_shares_channel_id_created_at"), table_name="shares")
    op.drop_table("digest_runs")
    op.drop_table("digest_channels")
