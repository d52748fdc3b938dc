"""Storage latency with a realistic number of stored articles, on SQLite and PostgreSQL.

    python -m benchmarks.store [--articles 100000] [--db sqlite|postgresql|both] [--postgres-url URL]
                               [--workdir DIR] [--lookups 1000] [--seed 7]

Loads N synthetic articles (300–800 words each from a Zipf-like vocabulary of pseudo-words, with a few topic
words per article repeated through its text and title, a summary each, a fixed seed) into a freshly migrated
database: bulk inserted through SQLAlchemy Core, then indexed for search the same way `index_article` does it,
in one set-based statement. Then measures, through the real repository functions and one short session each:

- near-duplicate lookup (`near_duplicate`): half hits (a stored SimHash with 0–3 bits flipped), half misses;
- URL-key lookup (`article_for_url_key`): half known keys, half unknown;
- search (`search`): 1–3-word queries built from each article's topic words (the words people search for),
  each run three times, also with an `after:` filter; then one-word queries banded by how many articles
  contain the word (~1%, ~5%, ~20%, ~80%), because search cost grows with the number of matches.

SimHashes are uniform random 64-bit values (computing trafilatura's SimHash for 100k synthetic texts would
take longer than the rest of the benchmark, and real SimHashes are close to uniform over the bands).
PostgreSQL runs in its own `linkbrief_bench_<hex>` database, dropped afterwards; SQLite in a temporary file.
Targets: lookups p95 < 5 ms, search p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.store.articles import (
    article_for_url_key,
    host_of,
    near_duplicate,
    simhash_bands,
    simhash_to_signed,
)
from bot.store.db import Database
from bot.store.models import Article, ArticleURL, StoredSummary, utcnow
from bot.store.search import INDEXED_TEXT_CHARS, SearchQuery, search

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
VOCABULARY_SIZE = 40_000
CHUNK = 5_000
TOPIC_RANKS = (300, 20_000)  # topic words: neither function words nor hapaxes
# Query words chosen by the share of articles containing them: search cost grows with the number of matches.
DF_BANDS = (0.01, 0.05, 0.2, 0.8)

# --- synthetic corpus ----------------------------------------------------------------------------------------


def make_vocabulary(rng: random.Random) -> list[str]:
    """Distinct pseudo-words, shortest first, so frequent words are short as in natural language."""
    onsets = ["", "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z"]
    onsets += ["br", "ch", "cl", "dr", "fl", "gr", "pl", "pr", "sh", "st", "th", "tr"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
    codas = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "ng"]
    words: set[str] = set()
    while len(words) < VOCABULARY_SIZE:
        syllables = rng.choices([1, 2, 3, 4], weights=[3, 5, 3, 1])[0]
        word = "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables))
        if 2 <= len(word) <= 14:
            words.add(word)
    return sorted(words, key=lambda w: (len(w), w))


@dataclass(slots=True)
class Corpus:
    """Generates articles chunk by chunk (never all in memory) and remembers what the queries need."""

    total: int
    seed: int
    vocabulary: list[str] = field(init=False)
    probabilities: np.ndarray = field(init=False)
    sites: list[tuple[str, str]] = field(init=False)
    simhashes: list[int] = field(default_factory=list)
    topic_samples: list[tuple[str, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        self.vocabulary = make_vocabulary(rng)
        ranks = np.arange(1, VOCABULARY_SIZE + 1, dtype=np.float64)
        weights = 1.0 / (ranks + 2.7) ** 1.07  # Zipf-Mandelbrot
        self.probabilities = weights / weights.sum()
        self.sites = [
            (f"{w}{rng.choice(['news', 'blog', 'times', 'post'])}.com", w.title()) for w in self.vocabulary[500:700]
        ]

    def words_in_share(self, share: float, count: int) -> list[str]:
        """`count` words expected (from the Zipf model, ignoring topic repeats) in about `share` of articles."""
        mean_length = 550
        expected = 1.0 - (1.0 - self.probabilities) ** mean_length
        ranks = np.argsort(np.abs(expected - share))[: count * 3]
        return [self.vocabulary[r] for r in sorted(ranks.tolist())[::3][:count]]

    def chunks(self) -> Iterator[list[dict[str, Any]]]:
        rng = random.Random(self.seed + 1)
        nprng = np.random.default_rng(self.seed + 2)
        words = np.array(self.vocabulary, dtype=object)
        for start in range(1, self.total + 1, CHUNK):
            count = min(CHUNK, self.total - start + 1)
            lengths = nprng.integers(300, 801, size=count)
            drawn = words[nprng.choice(VOCABULARY_SIZE, size=int(lengths.sum()), p=self.probabilities)]
            offset = 0
            rows = []
            for i in range(count):
                n = int(lengths[i])
                body = drawn[offset : offset + n].tolist()
                offset += n
                rows.append(self._article(start + i, body, rng))
            yield rows

    def _article(self, article_id: int, body: list[str], rng: random.Random) -> dict[str, Any]:
        topics = [self.vocabulary[rng.randrange(*TOPIC_RANKS)] for _ in range(3)]
        for topic in topics:  # an article about X says X several times
            for _ in range(rng.randint(2, 6)):
                body[rng.randrange(len(body))] = topic
        if len(self.topic_samples) < 2_000 and rng.random() < 0.05:
            self.topic_samples.append(tuple(topics))
        sentences = []
        position = 0
        while position < len(body):
            length = rng.randint(8, 24)
            words = body[position : position + length]
            position += length
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
        text = "\n\n".join(paragraphs)
        title_words = [*topics[:2], *(self.vocabulary[rng.randrange(100, 5_000)] for _ in range(rng.randint(2, 6)))]
        rng.shuffle(title_words)
        host, site_name = self.sites[rng.randrange(len(self.sites))]
        path = "-".join(title_words[:4])
        url = f"https://www.{host}/{2024 + article_id % 3}/{path}-{article_id}"
        simhash = rng.getrandbits(64)
        self.simhashes.append(simhash)
        bands = simhash_bands(simhash)
        return {
            "id": article_id,
            "canonical_url": url,
            "url_key": url.removeprefix("https://www."),
            "host": host_of(url),
            "title": " ".join(title_words).capitalize(),
            "author": None,
            "published": date(2024, 1, 1) + timedelta(days=rng.randrange(900)),
            "site_name": site_name,
            "language": "en",
            "text": text,
            "word_count": len(body),
            "content_hash": hashlib.sha256(text.encode()).hexdigest(),
            "simhash": simhash_to_signed(simhash),
            **{f"simhash_band{b}": value for b, value in enumerate(bands)},
            "created_at": utcnow(),
            "summary_tldr": sentences[0],
            "summary_points": sentences[1:4],
        }


# --- loading -------------------------------------------------------------------------------------------------

_ARTICLE_COLUMNS = [c.name for c in Article.__table__.columns]


async def load_chunk(db: Database, rows: list[dict[str, Any]]) -> None:
    """Articles, their aliases and summaries, through Core executemany, one transaction per chunk."""
    now = utcnow()
    async with db.engine.begin() as conn:
        await conn.execute(sa.insert(Article), [{k: row[k] for k in _ARTICLE_COLUMNS} for row in rows])
        await conn.execute(
            sa.insert(ArticleURL),
            [
                {"url_key": row["url_key"], "url": row["canonical_url"], "article_id": row["id"], "created_at": now}
                for row in rows
            ],
        )
        await conn.execute(
            sa.insert(StoredSummary),
            [
                {
                    "article_id": row["id"],
                    "summarizer": "extractive",
                    "tldr": row["summary_tldr"],
                    "key_points": row["summary_points"],
                    "qa": [],
                    "dropped_claims": 0,
                    "created_at": now,
                }
                for row in rows
            ],
        )


# The set-based equivalent of `index_article` for every article at once (same columns, weights, bounds).
_SQLITE_INDEX_ALL = f"""
INSERT INTO article_search (rowid, title, summary, text)
SELECT a.id, coalesce(a.title, ''), coalesce(s.tldr, '') || char(10) || coalesce(s.points, ''),
       substr(a.text, 1, {INDEXED_TEXT_CHARS})
FROM articles a
LEFT JOIN (SELECT article_id, tldr, (SELECT group_concat(value, char(10)) FROM json_each(key_points)) AS points
           FROM summaries) s ON s.article_id = a.id
"""  # noqa: S608 - constant
_PG_INDEX_RANGE = f"""
INSERT INTO article_search (article_id, document)
SELECT a.id,
       setweight(to_tsvector('linkbrief', coalesce(a.title, '')), 'A')
       || setweight(to_tsvector('linkbrief', coalesce(s.tldr, '') || E'\\n' ||
            coalesce((SELECT string_agg(value, E'\\n') FROM json_array_elements_text(s.key_points) AS value), '')), 'B')
       || setweight(to_tsvector('linkbrief', substr(a.text, 1, {INDEXED_TEXT_CHARS})), 'C')
FROM articles a LEFT JOIN summaries s ON s.article_id = a.id
WHERE a.id % $2 = $1
"""  # noqa: S608 - constant


async def index_all(db: Database, admin_dsn: str | None) -> None:
    if db.dialect == "sqlite":
        async with db.engine.begin() as conn:
            await conn.exec_driver_sql(_SQLITE_INDEX_ALL)
        return
    # PostgreSQL: build the GIN index after the load (much faster than maintaining it row by row) and
    # compute the tsvectors on two connections, one per core.
    assert admin_dsn is not None
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql("DROP INDEX ix_article_search_document")
    workers = 2

    async def part(remainder: int) -> None:
        connection = await asyncpg.connect(admin_dsn)
        try:
            await connection.execute(_PG_INDEX_RANGE, remainder, workers)
        finally:
            await connection.close()

    await asyncio.gather(*(part(r) for r in range(workers)))
    connection = await asyncpg.connect(admin_dsn)
    try:
        await connection.execute("SET maintenance_work_mem = '512MB'")
        await connection.execute("CREATE INDEX ix_article_search_document ON article_search USING gin (document)")
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


# --- measuring -----------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def timed(db: Database, calls: list[Callable[[Any], Awaitable[Any]]]) -> tuple[list[float], list[Any]]:
    """Milliseconds per call, each in its own short read-only session (checkout and BEGIN included)."""
    times, results = [], []
    for call in calls:
        started = time.perf_counter()
        async with db.session(read_only=True) as session:
            results.append(await call(session))
        times.append((time.perf_counter() - started) * 1000)
    return times, results


@dataclass(slots=True)
class Row:
    db: str
    what: str
    p50: float
    p95: float
    n: int
    note: str = ""


def flip_bits(value: int, count: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), count):
        value ^= 1 << bit
    return value


async def measure(db: Database, corpus: Corpus, lookups: int, seed: int) -> list[Row]:
    rng = random.Random(seed)
    rows: list[Row] = []

    # warm-up: a few of each, not measured
    await timed(db, [lambda s: near_duplicate(s, 1)] * 20)

    half = lookups // 2
    hits = [flip_bits(rng.choice(corpus.simhashes), rng.randint(0, 3), rng) for _ in range(half)]
    misses = [rng.getrandbits(64) for _ in range(lookups - half)]
    queries = hits + misses
    rng.shuffle(queries)
    times, found = await timed(db, [lambda s, h=h: near_duplicate(s, h) for h in queries])
    hit_count = sum(result is not None for result in found)
    rows.append(
        Row(
            db.dialect,
            "near-duplicate lookup",
            percentile(times, 0.5),
            percentile(times, 0.95),
            len(times),
            f"{hit_count} found / {half} planted",
        )
    )

    async with db.session(read_only=True) as session:
        ids = rng.sample(range(1, corpus.total + 1), min(half, corpus.total))
        result = await session.execute(sa.select(Article.url_key).where(Article.id.in_(ids)))
        known = [key for (key,) in result]
    unknown = [f"{key}-gone" for key in known[: lookups - half]]
    keys = known + unknown
    rng.shuffle(keys)
    times, found = await timed(db, [lambda s, k=k: article_for_url_key(s, k) for k in keys])
    rows.append(
        Row(
            db.dialect,
            "url-key lookup",
            percentile(times, 0.5),
            percentile(times, 0.95),
            len(times),
            f"{sum(r is not None for r in found)} found / {len(known)} known",
        )
    )

    topical = []
    for topics in corpus.topic_samples[:120]:
        topical.append(SearchQuery(rng.choice(topics)))
        topical.append(SearchQuery(" ".join(topics[:2])))
        topical.append(SearchQuery(" ".join(topics)))
    topical = topical[:240]
    await timed(db, [lambda s, q=q: search(s, q) for q in topical[:20]])
    times, results = await timed(db, [lambda s, q=q: search(s, q) for q in topical * 3])
    empty = sum(not r for r in results)
    rows.append(
        Row(
            db.dialect,
            "search, topical 1-3 words",
            percentile(times, 0.5),
            percentile(times, 0.95),
            len(times),
            f"{empty} of {len(results)} empty",
        )
    )

    filtered = [SearchQuery(q.text, after=date(2025, 1, 1)) for q in topical[:60]]
    times, _ = await timed(db, [lambda s, q=q: search(s, q) for q in filtered * 2])
    rows.append(
        Row(db.dialect, "search, topical + after: filter", percentile(times, 0.5), percentile(times, 0.95), len(times))
    )

    for target in DF_BANDS:
        # Keep words whose measured share is near the target: a few pseudo-words are English stop words
        # (PostgreSQL drops them) or stem together with another word.
        words, shares = [], []
        async with db.session(read_only=True) as session:
            for word in corpus.words_in_share(target, 40):
                share = await _document_frequency(session, db.dialect, word)
                if target / 1.5 <= share <= min(1.0, target * 1.5) and len(words) < 10:
                    words.append(word)
                    shares.append(share)
        queries = [SearchQuery(word) for word in words]
        times, _ = await timed(db, [lambda s, q=q: search(s, q) for q in queries * 3])
        low, high = min(shares), max(shares)
        rows.append(
            Row(
                db.dialect,
                f"search, 1 word in ~{target:.0%} of articles",
                percentile(times, 0.5),
                percentile(times, 0.95),
                len(times),
                f"measured: in {low:.1%}-{high:.1%} of articles",
            )
        )
    return rows


async def _document_frequency(session: Any, dialect: str, word: str) -> float:
    """Share of articles whose search document contains `word`, counted by the search index itself."""
    if dialect == "sqlite":
        stmt = sa.text("SELECT count(*) FROM article_search WHERE article_search MATCH :q")
        matched = await session.scalar(stmt, {"q": f'"{word}"'})
    else:
        stmt = sa.text("SELECT count(*) FROM article_search WHERE document @@ plainto_tsquery('linkbrief', :q)")
        matched = await session.scalar(stmt, {"q": word})
    total = await session.scalar(sa.select(sa.func.count()).select_from(Article))
    return matched / total


# --- running -------------------------------------------------------------------------------------------------


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def run(args: argparse.Namespace) -> int:
    corpus = Corpus(args.articles, args.seed)
    targets: dict[str, Database] = {}
    pg_name = f"linkbrief_bench_{secrets.token_hex(4)}"
    pg_dsn: str | None = None
    workdir = tempfile.TemporaryDirectory(prefix="linkbrief-bench-", dir=args.workdir)
    try:
        if args.db in ("sqlite", "both"):
            targets["sqlite"] = Database(f"sqlite+aiosqlite:///{Path(workdir.name) / 'bench.db'}")
        if args.db in ("postgresql", "both"):
            admin = await asyncpg.connect(_asyncpg_dsn(args.postgres_url))
            try:
                await admin.execute(f'CREATE DATABASE "{pg_name}"')
            finally:
                await admin.close()
            pg_url = make_url(args.postgres_url).set(database=pg_name).render_as_string(hide_password=False)
            pg_dsn = _asyncpg_dsn(pg_url)
            targets["postgresql"] = Database(pg_url)
        for db in targets.values():
            await db.migrate()

        print(f"generating and loading {args.articles:,} articles into {', '.join(targets)} …", flush=True)
        load_seconds = dict.fromkeys(targets, 0.0)
        started = time.perf_counter()
        for rows in corpus.chunks():
            for name, db in targets.items():
                t0 = time.perf_counter()
                await load_chunk(db, rows)
                load_seconds[name] += time.perf_counter() - t0
        generation = time.perf_counter() - started - sum(load_seconds.values())
        print(f"  generated in {generation:.1f} s", flush=True)
        for name, db in targets.items():
            t0 = time.perf_counter()
            await index_all(db, pg_dsn)
            indexing = time.perf_counter() - t0
            print(
                f"  {name}: rows loaded in {load_seconds[name]:.1f} s, search index built in {indexing:.1f} s",
                flush=True,
            )

        results: list[Row] = []
        for db in targets.values():
            results += await measure(db, corpus, args.lookups, args.seed)
    finally:
        for db in targets.values():
            await db.dispose()
        if "postgresql" in targets:
            admin = await asyncpg.connect(_asyncpg_dsn(args.postgres_url))
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            finally:
                await admin.close()
        workdir.cleanup()

    print()
    print(f"{args.articles:,} articles stored; latency per call in ms, one short session each")
    print(f"{'db':<11} {'operation':<34} {'p50':>7} {'p95':>7} {'n':>6}  note")
    for row in results:
        print(f"{row.db:<11} {row.what:<34} {row.p50:>7.2f} {row.p95:>7.2f} {row.n:>6}  {row.note}")
    lookup_ok = all(r.p95 < 5 for r in results if "lookup" in r.what)
    search_ok = all(r.p95 < 50 for r in results if r.what.startswith("search, topical"))
    print()
    print(
        f"targets: lookup p95 < 5 ms: {'met' if lookup_ok else 'MISSED'}; "
        f"topical search p95 < 50 ms: {'met' if search_ok else 'MISSED'}"
    )
    return 0 if lookup_ok and search_ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.store", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="an admin URL (creates a database)")
    parser.add_argument("--workdir", default=None, help="where the SQLite file goes (default: system temp)")
    parser.add_argument("--lookups", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
