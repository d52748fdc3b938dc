"""The DOI of each article: papers are shared as web pages and as PDFs.

Revision ID: 0007_documents
Revises: 0006_installations
Create Date: 2026-12-05

`articles.doi` holds the Digital Object Identifier a paper declares ("10.1145/3366423.3380211"), read from a
page's citation metadata or from a PDF's page one, without a resolver prefix; NULL for the many articles
that are not papers and for every article stored before this revision (they were read without looking for it).
Self-contained, like every migration.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_documents"
down_revision: str | None = "0006_installations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("doi", sa.Text(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch copy: a copied table would lose the trigger
    # that keeps the search index in step with deleted articles.
    op.drop_column("articles", "doi")
