"""Building a channel digest with 1,000 shares in its period, on SQLite and PostgreSQL.

    python -m benchmarks.digest [--shares 1000] [--other-shares 100000] [--db sqlite|postgresql|both]
                                [--postgres-url URL] [--runs 50] [--seed 7]

A freshly migrated database gets `--other-shares` shares spread over 40 other channels and the weeks before
(the rest of a workspace's archive), then the measured channel's period: `--shares` shares of about 600
articles (some shared many times, most once), each article with a title, a site name and a summary. What is timed
is what `bot.slack.digests.Digests` does for one digest before its Slack calls: read the period's contents
(`bot.store.digests.digest_contents`: grouped, most shared first, the shown articles' TL;DRs) and render the
message (`render_digest`, with permalinks already known). The Slack calls (one `chat.getPermalink` per shown
article, at most 15, and the post) are not in it. Target (issue #12): p95 under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks.store import create_pg_database, drop_pg_database, percentile, remove_sqlite_files
from bot.slack.digests import SHOWN_ARTICLES, latest_period, render_digest
from bot.store import digests as store
from bot.store.db import Database
from bot.store.digests import DigestSchedule
from bot.store.models import Article, Share, StoredSummary

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
TARGET_P95_MS = 1000.0
CHANNEL = "C0DIGESTBENCH"
NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)  # a Monday, just after the weekly digest is due
WORDS = (
    "harbour", "ferry", "orchard", "train", "council", "budget", "river",
    "school", "market", "bridge", "energy", "court", "museum",
)  # fmt: skip


def _schedule() -> DigestSchedule:
    return DigestSchedule(
        channel_id=CHANNEL,
        team_id="T0BENCH",
        cadence="weekly",
        weekday=0,
        at_minute=9 * 60,
        time_zone="UTC",
        since=NOW - timedelta(days=30),
    )


def _article(n: int, rng: random.Random) -> dict[str, Any]:
    title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize() + f" {n}"
    text = " ".join(rng.choice(WORDS) for _ in range(300))
    return {
        "id": n,
        "canonical_url": f"https://news{n % 50}.example/story/{n}",
        "url_key": f"news{n % 50}.example/story/{n}",
        "host": f"news{n % 50}.example",
        "title": title,
        "site_name": f"News {n % 50}",
        "language": "en",
        "text": text,
        "word_count": 300,
        "content_hash": secrets.token_hex(32),
        "simhash": rng.getrandbits(63),
        "simhash_band0": rng.getrandbits(16),
        "simhash_band1": rng.getrandbits(16),
        "simhash_band2": rng.getrandbits(16),
        "simhash_band3": rng.getrandbits(16),
        "created_at": NOW - timedelta(days=rng.randint(0, 60)),
    }


def _summary(n: int, rng: random.Random) -> dict[str, Any]:
    tldr = " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "."
    return {"article_id": n, "summarizer": "extractive", "tldr": tldr, "key_points": [], "qa": [], "created_at": NOW}


def _share(n: int, article_id: int, channel: str, at: datetime) -> dict[str, Any]:
    return {
        "id": n,
        "team_id": "T0BENCH",
        "channel_id": channel,
        "channel_type": "channel",
        "message_ts": f"{at.timestamp():.0f}.{n % 1_000_000:06d}",
        "user_id": "U0BENCH",
        "url": f"https://news{article_id % 50}.example/story/{article_id}",
        "article_id": article_id,
        "status": "done",
        "reply_ts": f"{at.timestamp() + 1:.0f}.{n % 1_000_000:06d}",
        "created_at": at,
        "updated_at": at,
    }


async def _load(db: Database, shares: int, other_shares: int, seed: int) -> None:
    rng = random.Random(seed)
    start, end = latest_period(_schedule(), NOW)
    articles = max(1000, shares)
    async with db.session() as session, session.begin():
        for first in range(1, articles + 1, 1000):
            batch = range(first, min(articles, first + 999) + 1)
            await session.execute(sa.insert(Article), [_article(n, rng) for n in batch])
            await session.execute(sa.insert(StoredSummary), [_summary(n, rng) for n in batch])
    rows: list[dict[str, Any]] = []
    share_id = 0
    popular = list(range(1, 61))  # a few articles shared many times, the rest about once
    for _ in range(shares):
        share_id += 1
        article = rng.choice(popular) if rng.random() < 0.3 else rng.randint(61, articles)
        at = start + (end - start) * rng.random()
        rows.append(_share(share_id, article, CHANNEL, at))
    for _ in range(other_shares):
        share_id += 1
        at = NOW - timedelta(days=rng.uniform(0, 120))
        channel = f"C0OTHER{rng.randrange(40)}" if rng.random() < 0.9 else CHANNEL
        if channel == CHANNEL and at >= start:
            at = start - timedelta(days=rng.uniform(0.01, 100))  # the channel's earlier weeks
        rows.append(_share(share_id, rng.randint(1, articles), channel, at))
    async with db.session() as session, session.begin():
        for first in range(0, len(rows), 5000):
            await session.execute(sa.insert(Share), rows[first : first + 5000])
    if db.dialect == "postgresql":
        async with db.session() as session, session.begin():
            await session.execute(sa.text("ANALYZE"))


async def _measure(db: Database, runs: int) -> tuple[list[float], int, int]:
    schedule = _schedule()
    start, end = latest_period(schedule, NOW)
    times: list[float] = []
    articles = shares = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        async with db.session(read_only=True) as session:
            contents = await store.digest_contents(session, CHANNEL, start=start, end=end, limit=SHOWN_ARTICLES)
        threads = [
            f"https://bench.slack.com/archives/{CHANNEL}/p{e.first_message_ts.replace('.', '')}"
            for e in contents.entries
        ]
        render_digest(schedule, contents, start=start, end=end, threads=list(threads))
        times.append((time.perf_counter() - t0) * 1000)
        articles, shares = contents.articles, contents.shares
    return times, articles, shares


async def run(args: argparse.Namespace) -> int:
    targets: list[tuple[str, Database, Any]] = []
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="linkbrief-digest-"))
    if args.db in ("sqlite", "both"):
        path = workdir / "digest.db"
        remove_sqlite_files(path)
        targets.append(("sqlite", Database(f"sqlite+aiosqlite:///{path}"), lambda: remove_sqlite_files(path)))
    pg_name = f"linkbrief_bench_digest_{secrets.token_hex(4)}"
    if args.db in ("postgresql", "both"):
        await create_pg_database(args.postgres_url, pg_name, reuse=False)
        pg_url = sa.engine.make_url(args.postgres_url).set(database=pg_name).render_as_string(hide_password=False)
        targets.append(("postgresql", Database(pg_url), None))
    ok = True
    print(f"{args.shares:,} shares in the period, {args.other_shares:,} others; {args.runs} digests built per database")
    print(f"{'db':<11} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  articles  shares")
    try:
        for name, db, _cleanup in targets:
            await db.migrate()
            await _load(db, args.shares, args.other_shares, args.seed)
            await _measure(db, 3)  # warm the caches and the statement cache
            times, articles, shares = await _measure(db, args.runs)
            p95 = percentile(times, 0.95)
            ok = ok and p95 < TARGET_P95_MS
            print(
                f"{name:<11} {percentile(times, 0.50):>8.1f} {p95:>8.1f} {max(times):>8.1f}  {articles:>8}  {shares:>6}"
            )
            await db.dispose()
    finally:
        for _name, _db, cleanup in targets:
            if cleanup is not None:
                cleanup()
        if args.db in ("postgresql", "both"):
            await drop_pg_database(args.postgres_url, pg_name)
    print(f"target p95 < {TARGET_P95_MS:.0f} ms: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.digest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shares", type=int, default=1000, help="shares in the digest's period")
    parser.add_argument("--other-shares", type=int, default=100_000, help="shares elsewhere and earlier")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="an admin URL (creates a database)")
    parser.add_argument("--workdir", default=None, help="where the SQLite file goes (default: system temp)")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
