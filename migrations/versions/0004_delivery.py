"""Delivery state of a share: when it may be tried again, since when Slack has been failing it, and whether
an earlier attempt may already have reached Slack.

Revision ID: 0004_delivery
Revises: 0003_door_and_authority
Create Date: 2026-12-05

* `shares.retry_at`: not before this time (a reply Slack could not take is retried with backoff, the share
  waiting as pending meanwhile); NULL for "now".
* `shares.slack_failing_since`: the first of an unbroken run of transient Slack failures of this share's
  reply; the share is given up when the run is older than `LINKBRIEF_SLACK_RETRY_FOR`.
* `shares.maybe_posted`: an earlier attempt may have reached Slack (it was being worked on when its process
  died, or a post timed out or lost its connection after sending), so the thread is read back before posting.

Plain ADD / DROP COLUMN on both databases (no batch copy: SQLite's ALTER TABLE handles columns that are in no
index or constraint, and a copy of `shares` would have to re-create its self-reference). Self-contained.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_delivery"
down_revision: str | None = "0003_door_and_authority"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("shares", sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("shares", sa.Column("slack_failing_since", sa.DateTime(timezone=True), nullable=True))
    op.add_column("shares", sa.Column("maybe_posted", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("shares", "maybe_posted")
    op.drop_column("shares", "slack_failing_since")
    op.drop_column("shares", "retry_at")
