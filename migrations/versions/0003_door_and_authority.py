"""Shares keyed by a digest of the URL; conversations' privacy as Slack last told it; button offers.

Revision ID: 0003_door_and_authority
Revises: 0002_page_qa
Create Date: 2026-12-04

* `shares.url_digest` (SHA-256 of `url`, hex) replaces `url` in the unique key (channel_id, message_ts, …).
  A URL in a btree key made PostgreSQL refuse any link over ~2,700 bytes ("index row requires 10072 bytes,
  maximum size is 8191"), and with it every event committed in the same transaction. Existing rows get their
  digest computed here, in Python, so both databases hash the same bytes the same way as the application.
* `conversations`: a conversation's privacy as Slack last said it (made private, made public, shared with
  another workspace), overriding the kind its shares were stored with.
* `offers`: what each "Post in channel" / "More questions" button may do, named by a random token.

On SQLite the shares table is rebuilt to change its unique key (SQLite cannot drop a table constraint). The
usual batch rebuild (copy into a new table, drop the old, rename) would, with foreign keys on, have the DROP's
implicit DELETE set every `duplicate_of_share_id` of the copy to NULL, since the copy's self-reference points at
the table being dropped. So the old table is renamed out of the way first (SQLite rewrites its
self-reference to follow it), and the new table is created under the real name.

Downgrade puts `url` back into the key; on PostgreSQL it fails if a stored URL is too long for a btree key,
which is exactly the data the old schema could not hold.

Self-contained (no imports from `bot`), like every migration.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_door_and_authority"
down_revision: str | None = "0002_page_qa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARE_STATUSES = ("pending", "working", "done", "failed")
CHANNEL_TYPES = ("channel", "group", "im", "mpim")
OLD_KEY = ("channel_id", "message_ts", "url")
NEW_KEY = ("channel_id", "message_ts", "url_digest")
BACKFILL_BATCH = 1000


def _in_check(column: str, values: Sequence[str]) -> str:
    allowed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({allowed})"


def _key_name(columns: Sequence[str]) -> str:
    return "uq_shares_" + "_".join(columns)


def upgrade() -> None:
    op.add_column("shares", sa.Column("url_digest", sa.String(length=64), nullable=True))
    _backfill_digests()
    if _is_sqlite():
        _rebuild_sqlite_shares(with_digest=True)
    else:
        op.alter_column("shares", "url_digest", existing_type=sa.String(length=64), nullable=False)
        op.drop_constraint(_key_name(OLD_KEY), "shares", type_="unique")
        op.create_unique_constraint(_key_name(NEW_KEY), "shares", list(NEW_KEY))

    timestamp = sa.DateTime(timezone=True)
    op.create_table(
        "conversations",
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("is_private", sa.Boolean(), nullable=False),
        sa.Column("changed_at", timestamp, nullable=False),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_conversations")),
    )
    op.create_table(
        "offers",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("used_at", timestamp, nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_offers_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_offers")),
    )
    op.create_index(op.f("ix_offers_article_id"), "offers", ["article_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_offers_article_id"), table_name="offers")
    op.drop_table("offers")
    op.drop_table("conversations")
    if _is_sqlite():
        _rebuild_sqlite_shares(with_digest=False)
    else:
        op.drop_constraint(_key_name(NEW_KEY), "shares", type_="unique")
        op.create_unique_constraint(_key_name(OLD_KEY), "shares", list(OLD_KEY))
        op.drop_column("shares", "url_digest")


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _backfill_digests() -> None:
    """Compute `url_digest` for every existing share, a batch at a time."""
    bind = op.get_bind()
    shares = sa.table("shares", sa.column("id", sa.Integer), sa.column("url", sa.Text), sa.column("url_digest"))
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(shares.c.id, shares.c.url)
            .where(shares.c.id > last_id)
            .order_by(shares.c.id)
            .limit(BACKFILL_BATCH)
        ).all()
        if not rows:
            return
        bind.execute(
            shares.update().where(shares.c.id == sa.bindparam("share_id")).values(url_digest=sa.bindparam("digest")),
            [{"share_id": row.id, "digest": _digest(row.url)} for row in rows],
        )
        last_id = rows[-1].id


def _digest(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


def _share_columns(*, with_digest: bool) -> list[sa.Column[object]]:
    timestamp = sa.DateTime(timezone=True)
    columns: list[sa.Column[object]] = [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("channel_type", sa.String(length=16), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
    ]
    if with_digest:
        columns.append(sa.Column("url_digest", sa.String(length=64), nullable=False))
    columns += [
        sa.Column("event_id", sa.String(length=64), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("reply_ts", sa.String(length=32), nullable=True),
        sa.Column("duplicate_of_share_id", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("updated_at", timestamp, nullable=False),
    ]
    return columns


def _rebuild_sqlite_shares(*, with_digest: bool) -> None:
    """Recreate `shares` with the unique key of this revision (`with_digest`) or the previous one."""
    old = "_shares_before_rebuild"
    op.rename_table("shares", old)  # SQLite rewrites the self-reference to point at the renamed table
    for index in ("ix_shares_article_id", "ix_shares_status_created_at"):  # index names are global
        op.drop_index(index, table_name=old)
    columns = _share_columns(with_digest=with_digest)
    key = NEW_KEY if with_digest else OLD_KEY
    op.create_table(
        "shares",
        *columns,
        sa.CheckConstraint(_in_check("status", SHARE_STATUSES), name=op.f("ck_shares_status")),
        sa.CheckConstraint(_in_check("channel_type", CHANNEL_TYPES), name=op.f("ck_shares_channel_type")),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_shares_article_id_articles"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_share_id"],
            ["shares.id"],
            name=op.f("fk_shares_duplicate_of_share_id_shares"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shares")),
        sa.UniqueConstraint(*key, name=op.f(_key_name(key))),
    )
    names = ", ".join(column.name for column in columns)
    op.execute(f"INSERT INTO shares ({names}) SELECT {names} FROM {old} ORDER BY id")  # noqa: S608 - fixed names
    op.drop_table(old)
    op.create_index(op.f("ix_shares_article_id"), "shares", ["article_id"])
    op.create_index(op.f("ix_shares_status_created_at"), "shares", ["status", "created_at"])
