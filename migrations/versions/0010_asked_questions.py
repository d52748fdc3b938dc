"""Questions asked of the whole archive (`/brief ask`) are stored beside follow-up questions.

Revision ID: 0010_asked_questions
Revises: 0009_digests
Create Date: 2026-12-05

* `followup_questions.source`: `thread` (a follow-up in a summary's thread, as before) or `archive`
  (`/brief ask`); existing rows are `thread`.
* `followup_questions.message_ts` may be NULL: a slash command has no message. The unique (channel_id,
  message_ts) still gives one row per thread message (NULLs never collide).

Self-contained, like every migration. SQLite cannot alter a column, so the table is rebuilt (batch mode).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_asked_questions"
down_revision: str | None = "0009_digests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("followup_questions") as batch:
        batch.add_column(sa.Column("source", sa.String(length=16), server_default="thread", nullable=False))
        batch.alter_column("message_ts", existing_type=sa.String(length=32), nullable=True)
        batch.create_check_constraint(op.f("ck_followup_questions_source"), "source IN ('thread', 'archive')")


def downgrade() -> None:
    op.execute("DELETE FROM followup_questions WHERE source = 'archive'")
    with op.batch_alter_table("followup_questions") as batch:
        batch.drop_constraint(op.f("ck_followup_questions_source"), type_="check")
        batch.alter_column("message_ts", existing_type=sa.String(length=32), nullable=False)
        batch.drop_column("source")
