"""Bytes stored per article for real article texts, on SQLite and PostgreSQL.

    python -m benchmarks.storage [--corpus ../shared/corpus] [--articles 20000] [--db sqlite|postgresql|both]
                                 [--postgres-url URL]

`benchmarks.store` measures storage on synthetic text: pseudo-words from a Zipf model, shorter than English
words and with a flatter vocabulary, on which a positional full-text index is about as large as the text
itself. What a deployment stores is real articles. This benchmark loads `--articles` rows whose texts are the
corpus's real article texts (the 181 Scrapinghub bodies and the 250 CNN/DailyMail articles, cycled; each copy
a new article with its own URL, so the index holds one entry set per copy as it would for distinct articles of
the same language), each with a title and a summary taken from its text, through `benchmarks.store`'s loader
(the same rows, shares and search indexes as a real store), and prints bytes per article against the text's
own bytes. The freshly migrated empty database's size is subtracted, so the figure is what each article adds
(PostgreSQL's catalog and the queue's schema are several MB before any article).

Target (issue #14): at most 2x the text.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import re
import secrets
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from benchmarks.store import (
    CHUNK,
    DEFAULT_POSTGRES_URL,
    TEXT_BYTES_SQL,
    create_pg_database,
    drop_pg_database,
    drop_search_indexes,
    index_all,
    load_chunk,
)
from bot.store.articles import host_of, simhash_bands, simhash_to_signed
from bot.store.db import Database
from bot.store.models import utcnow

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
TARGET = 2.0
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def real_texts(corpus: Path) -> list[str]:
    """The corpus's article texts: Scrapinghub's extracted bodies and CNN/DailyMail's articles."""
    texts = [path.read_text() for path in sorted((corpus / "extraction-scrapinghub").glob("*.txt"))]
    with (corpus / "summaries-cnndm" / "frank-cnndm.jsonl").open() as lines:
        texts += [json.loads(line)["article"] for line in lines]
    return [text for text in texts if text.strip()]


def _row(article_id: int, text: str) -> dict[str, Any]:
    """One stored article made from `text`, shaped as `benchmarks.store`'s generator shapes its rows."""
    sentences = _SENTENCE_END.split(" ".join(text.split()))
    url = f"https://www.example{article_id % 200}.com/{2024 + article_id % 3}/story-{article_id}"
    simhash = int.from_bytes(hashlib.blake2b(str(article_id).encode(), digest_size=8).digest(), "big")
    return {
        "id": article_id,
        "canonical_url": url,
        "url_key": url.removeprefix("https://www."),
        "host": host_of(url),
        "title": " ".join(sentences[0].split()[:12]),
        "author": None,
        "published": date(2024, 1, 1) + timedelta(days=article_id % 900),
        "site_name": None,
        "language": "en",
        "text": text,
        "word_count": len(text.split()),
        "page_qa": None,
        "content_hash": hashlib.sha256(f"{article_id}:{text}".encode()).hexdigest(),
        "simhash": simhash_to_signed(simhash),
        **{f"simhash_band{b}": value for b, value in enumerate(simhash_bands(simhash))},
        "created_at": utcnow(),
        "summary_tldr": sentences[0],
        "summary_points": sentences[1:4],
    }


async def _database_bytes(db: Database) -> tuple[int, int]:
    """(bytes of the whole database, bytes of the article texts)."""
    async with db.engine.connect() as conn:
        if db.dialect == "postgresql":
            await conn.execution_options(isolation_level="AUTOCOMMIT")
        # Bytes, not characters (the texts are UTF-8, some in other languages than English), uncompressed.
        text_bytes = await conn.scalar(sa.text(TEXT_BYTES_SQL[db.dialect]))
        if db.dialect == "sqlite":
            size = await conn.scalar(sa.text("SELECT sum(pgsize) FROM dbstat"))
        else:
            size = await conn.scalar(sa.text("SELECT pg_database_size(current_database())"))
    return int(size), int(text_bytes)


async def measure(db: Database, texts: list[str], articles: int) -> float:
    """Load `articles` rows into the migrated, empty `db`; print and return bytes per article ÷ text bytes."""
    await db.migrate()
    definitions = await drop_search_indexes(db) if db.dialect == "postgresql" else None
    empty, _ = await _database_bytes(db)
    for start in range(1, articles + 1, CHUNK):
        ids = range(start, min(start + CHUNK, articles + 1))
        await load_chunk(db, [_row(i, texts[(i - 1) % len(texts)]) for i in ids])
    await index_all(db, definitions)
    size, text_bytes = await _database_bytes(db)
    ratio = (size - empty) / text_bytes
    print(
        f"{db.dialect:10s}  {articles:,} articles of real text ({text_bytes / articles:,.0f} B of text each): "
        f"{(size - empty) / articles:,.0f} B per article = {ratio:.2f}x the text "
        f"(empty database {empty / 1e6:.1f} MB subtracted); target <= {TARGET:.0f}x: "
        f"{'met' if ratio <= TARGET else 'MISSED'}",
        flush=True,
    )
    return ratio


async def run(args: argparse.Namespace) -> int:
    texts = real_texts(args.corpus)
    print(f"{len(texts)} real article texts from {args.corpus}", flush=True)
    ratios = []
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="linkbrief-storage-") as workdir:
            db = Database(f"sqlite+aiosqlite:///{Path(workdir) / 'storage.db'}")
            try:
                ratios.append(await measure(db, texts, args.articles))
            finally:
                await db.dispose()
    if args.db in ("postgresql", "both"):
        name = f"linkbrief_storage_{secrets.token_hex(4)}"
        await create_pg_database(args.postgres_url, name, reuse=False)
        db = Database(make_url(args.postgres_url).set(database=name).render_as_string(hide_password=False))
        try:
            ratios.append(await measure(db, texts, args.articles))
        finally:
            await db.dispose()
            await drop_pg_database(args.postgres_url, name)
    return 0 if all(r <= TARGET for r in ratios) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.storage", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="an admin URL (creates a database)")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
