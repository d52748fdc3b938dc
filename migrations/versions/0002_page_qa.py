"""The page's own questions and answers on each article.

Revision ID: 0002_page_qa
Revises: 0001_initial
Create Date: 2026-12-04

`articles.page_qa` holds the FAQ a page publishes itself (schema.org FAQPage data or a "Common Questions"
section), as a JSON list of {"question", "answer"}; NULL for the many pages without one, and for every article
stored before this revision (they were read without looking for it).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_page_qa"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("page_qa", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch copy: a copied table would lose the trigger
    # that keeps the search index in step with deleted articles.
    op.drop_column("articles", "page_qa")
