"""`/brief ask` latency over a large archive, before any model call, on SQLite and PostgreSQL.

    python -m benchmarks.ask [--articles 100000] [--db sqlite|postgresql|both] [--postgres-url URL]
                             [--workdir DIR] [--questions 100] [--seed 7] [--reuse]

The archive is `benchmarks.store`'s (the same synthetic articles, summaries, shares in 40 channels of which every
4th is private, and search index, built the same way; `--reuse` shares its kept databases). Each question is
made from one sampled article's topic words ("what about <topic> and <topic>?", then "…<topic>?" alone), asked
as a caller who is a member of half the private channels, through `ArchiveQuestions.find`: the full-text
search with the caller's visibility, reading the best 8 articles' text and summary, and the passage retrieval
over each. Not measured: the Slack calls made afterwards to render citations (permalinks, names; cached per
process) and the offers' one write. Reported per database: p50 / p95 ms per question, the share of questions
answered, and whether the article the question was drawn from is among the cited ones. Target (issue #12):
p95 under 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from benchmarks.store import (
    PRIVATE_EVERY,
    SHARE_CHANNELS,
    Corpus,
    build_fingerprint,
    create_pg_database,
    drop_pg_database,
    is_built,
    load,
    percentile,
    remove_sqlite_files,
)
from bot.slack.ask import ArchiveQuestions
from bot.store.db import Database
from bot.store.library import Audience, ShareFilters
from bot.store.statistics import refresh_statistics

TARGET_P95_MS = 300.0


def _caller() -> Audience:
    """A member of every other private channel of the archive."""
    private = [f"C{n}" for n in range(SHARE_CHANNELS) if n % PRIVATE_EVERY == 0]
    return Audience(member_of=frozenset(private[::2]), team_id=None)


async def _measure(db: Database, corpus: Corpus, questions: int) -> tuple[list[float], int, int]:
    asker = ArchiveQuestions(db, visibility=None, replier=None)  # type: ignore[arg-type]  # find() needs neither
    audience = _caller()
    times: list[float] = []
    answered = found_source = 0
    samples = corpus.topic_samples[:questions]
    for i, (article_id, topics) in enumerate(samples):
        question = f"what about {topics[0]} and {topics[1]}?" if i % 2 == 0 else f"what about {topics[2]}?"
        started = time.perf_counter()
        found = await asker.find(question, ShareFilters(), audience)
        times.append((time.perf_counter() - started) * 1000)
        answered += bool(found)
        found_source += any(f.hit.article_id == article_id for f in found)
    return times, answered, found_source


async def run(args: argparse.Namespace) -> int:
    corpus = Corpus(args.articles, args.seed)
    fingerprint = build_fingerprint(args.articles, args.seed)
    pg_name = (
        f"linkbrief_bench_reuse_{args.articles}_{args.seed}"
        if args.reuse
        else f"linkbrief_bench_{secrets.token_hex(4)}"
    )
    workdir = None if args.reuse else tempfile.TemporaryDirectory(prefix="linkbrief-bench-", dir=args.workdir)
    sqlite_dir = Path(workdir.name if workdir else (args.workdir or tempfile.gettempdir()))
    sqlite_path = sqlite_dir / (f"linkbrief-bench-{args.articles}-{args.seed}.db" if args.reuse else "bench.db")
    targets: dict[str, Database] = {}
    rows: list[tuple[str, list[float], int, int]] = []
    try:
        if args.db in ("sqlite", "both"):
            targets["sqlite"] = Database(f"sqlite+aiosqlite:///{sqlite_path}")
        if args.db in ("postgresql", "both"):
            await create_pg_database(args.postgres_url, pg_name, reuse=args.reuse)
            url = make_url(args.postgres_url).set(database=pg_name).render_as_string(hide_password=False)
            targets["postgresql"] = Database(url)
        stale = {n: db for n, db in targets.items() if not (args.reuse and await is_built(db, fingerprint))}
        for name in stale:
            await targets[name].dispose()
            if name == "sqlite":
                await asyncio.to_thread(remove_sqlite_files, sqlite_path)
            elif args.reuse:
                await drop_pg_database(args.postgres_url, pg_name)
                await create_pg_database(args.postgres_url, pg_name, reuse=True)
        if stale:
            await load(corpus, stale, fingerprint)
        else:
            for _ in corpus.chunks():  # the questions need the corpus's topic samples
                pass
        for name, db in targets.items():
            await refresh_statistics(db)  # SQLite's planner statistics, as `linkbrief serve` gathers them
            times, answered, found_source = await _measure(db, corpus, args.questions)
            rows.append((name, times, answered, found_source))
    finally:
        for db in targets.values():
            await db.dispose()
        if "postgresql" in targets and not args.reuse:
            await drop_pg_database(args.postgres_url, pg_name)
        if workdir is not None:
            workdir.cleanup()
    print(f"\n/brief ask over {args.articles:,} articles, before any model call (ms per question)")
    ok = True
    for name, times, answered, found_source in rows:
        p95 = percentile(times, 0.95)
        ok = ok and p95 < TARGET_P95_MS
        n = len(times)
        print(
            f"{name:<11} p50 {percentile(times, 0.5):7.1f}  p95 {p95:7.1f}  n {n}  answered {answered / n:.2f}  "
            f"source article cited {found_source / n:.2f}"
        )
    print(f"target p95 < {TARGET_P95_MS:.0f} ms: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ask", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true")
    args: Any = parser.parse_args(argv)
    return asyncio.run(run(args))


if __name__ == "__main__":
    raise SystemExit(main())
