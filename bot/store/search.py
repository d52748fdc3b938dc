"""Full-text search over stored articles: one interface, SQLite FTS5 or PostgreSQL tsvector underneath.

Each article has one search document with three weighted parts: title (strongest), summary (TL;DR, key
points, questions and answers of its latest summary) and text. The document lives in `article_search`, created
by the migration: an FTS5 table on SQLite (rowid = article id), a `tsvector` table with a GIN index on
PostgreSQL. `index_article` (re)writes an article's document; the repository calls it whenever an article or
its summary is stored.

A search is *one* SQLAlchemy select (`search_statement`) joining the search structure to `articles`, with the
query's own filters applied as WHERE clauses. Callers add more clauses the same way (`search(…, filters=…)`),
for instance an EXISTS over `shares` restricting hits to channels the caller may see, so new filters never
require rewriting the dialect-specific part.

User text never reaches a query language unescaped. On PostgreSQL `websearch_to_tsquery` accepts any input.
On SQLite `fts5_query` translates the same web-search style (words, "quoted phrases", -exclusions, `or`) into
FTS5 syntax in which every term is a double-quoted string, so operators, column filters, `*`, `:`, brackets
and stray quotes in the input are just text.

Cost: both engines rank every matching article before taking the top `limit` (FTS5 with bm25, PostgreSQL with
ts_rank_cd, which must read each match's whole tsvector: about 10 µs per match). Queries on specific words
are fast; a word found in a large share of a big archive is not (see benchmarks/store.py for figures). Snippets
are computed for the returned rows only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Article, StoredSummary
from bot.summarize.base import Summary

SEARCH_TABLE = "article_search"
# Text beyond this many characters is not indexed: PostgreSQL caps a tsvector at 1 MB, and the same bound on
# SQLite keeps results identical on both.
INDEXED_TEXT_CHARS = 200_000
# ts_headline re-parses the text it is given; a bounded prefix keeps snippets cheap on long articles.
HEADLINE_TEXT_CHARS = 8_000
MAX_LIMIT = 100

# bm25 weights per FTS5 column (title, summary, text): a title hit outranks a summary hit outranks body text.
_SQLITE_RANK = "bm25(10.0, 4.0, 1.0)"
_SQLITE_SNIPPET_TOKENS = 24
_PG_CONFIG = sa.literal_column("'linkbrief'::regconfig")
_PG_HEADLINE_OPTIONS = 'StartSel="", StopSel="", MaxWords=30, MinWords=12, MaxFragments=1, FragmentDelimiter=" … "'

_fts = sa.table(
    SEARCH_TABLE,
    sa.column("rowid", sa.Integer),
    sa.column("title", sa.Text),
    sa.column("summary", sa.Text),
    sa.column("text", sa.Text),
    sa.column("rank", sa.Float),
)
_fts_match_target = sa.literal_column(SEARCH_TABLE)
_tsv = sa.table(SEARCH_TABLE, sa.column("article_id", sa.Integer), sa.column("document", TSVECTOR))


def is_search_table(name: str) -> bool:
    """True for the search table and FTS5's shadow tables (`article_search_data`, `_idx`, …)."""
    return name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_")


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What to look for. `after`/`before` compare the article's published date and are exclusive (as in
    Slack's own search); undated articles are left out when either is set. `site` matches the host
    (subdomains included, "www." ignored) or the site name."""

    text: str
    site: str | None = None
    after: date | None = None
    before: date | None = None
    limit: int = 10
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
        if self.offset < 0:
            raise ValueError("offset must not be negative")


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching article. `snippet` is plain text (no markup; the renderer escapes it); `rank` is
    higher-is-better and only comparable within one result list."""

    article_id: int
    title: str | None
    url: str
    site_name: str | None
    published: date | None
    tldr: str | None
    snippet: str
    rank: float


# --- query text -------------------------------------------------------------------------------------------

_QUERY_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+")


def _phrase(raw: str) -> str | None:
    words = _WORD.findall(raw)
    return '"' + " ".join(words) + '"' if words else None


def fts5_query(text: str) -> str | None:
    """Translate web-search style input into a safe FTS5 expression, or None if nothing is searchable.

    Words are ANDed; "quoted phrases" stay phrases; a leading `-` excludes; `or` between terms makes
    alternatives. Every term becomes a double-quoted FTS5 string of plain word tokens, so no input can form
    FTS5 syntax.
    """
    groups: list[tuple[list[str], list[str]]] = [([], [])]
    for match in _QUERY_TOKEN.finditer(unicodedata.normalize("NFC", text)):
        quoted_neg, quoted, bare_neg, bare = match.groups()
        if bare is not None and not bare_neg and bare.lower() == "or":
            groups.append(([], []))
            continue
        phrase = _phrase(quoted if quoted is not None else bare)
        if phrase is None:
            continue
        positives, negatives = groups[-1]
        (negatives if (quoted_neg or bare_neg) else positives).append(phrase)
    parts = []
    for positives, negatives in groups:
        if not positives:
            continue  # FTS5's NOT is binary: a group of exclusions alone matches nothing
        expression = "(" + " AND ".join(positives) + ")"
        if negatives:
            expression += " NOT (" + " OR ".join(negatives) + ")"
        parts.append("(" + expression + ")")
    return " OR ".join(parts) if parts else None


def _has_words(text: str) -> bool:
    return _WORD.search(text) is not None


# --- indexing ---------------------------------------------------------------------------------------------


def summary_document(summary: Summary | None) -> str:
    """The searchable text of a summary: TL;DR, key points, and each question with its answer."""
    if summary is None:
        return ""
    parts = [summary.tldr or "", *summary.key_points]
    for pair in summary.qa:
        parts += [pair.question, pair.answer]
    return "\n".join(part for part in parts if part)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _pg_weighted(value: ColumnElement[str], weight: str) -> ColumnElement[str]:
    # The weight is a constant letter A-D; PostgreSQL wants it typed "char", which a bound VARCHAR is not.
    return sa.func.setweight(sa.func.to_tsvector(_PG_CONFIG, value), sa.literal_column(f"'{weight}'"), type_=TSVECTOR)


async def index_article(session: AsyncSession, article_id: int, summary_text: str = "") -> None:
    """Write (or rewrite) the search document of one article from its stored row and `summary_text`."""
    title = sa.func.coalesce(Article.title, "")
    text = sa.func.substr(Article.text, 1, INDEXED_TEXT_CHARS)
    if _dialect(session) == "postgresql":
        document = (
            _pg_weighted(title, "A")
            .op("||")(_pg_weighted(sa.literal(summary_text, sa.Text), "B"))
            .op("||")(_pg_weighted(text, "C"))
        )
        source = sa.select(Article.id, document).where(Article.id == article_id)
        stmt = pg_insert(_tsv).from_select(["article_id", "document"], source)
        await session.execute(
            stmt.on_conflict_do_update(index_elements=["article_id"], set_={"document": stmt.excluded.document})
        )
        return
    await session.execute(sa.delete(_fts).where(_fts.c.rowid == article_id))
    source = sa.select(Article.id, title, sa.literal(summary_text, sa.Text), text).where(Article.id == article_id)
    await session.execute(sa.insert(_fts).from_select(["rowid", "title", "summary", "text"], source))


# --- searching --------------------------------------------------------------------------------------------


def _latest_tldr() -> ColumnElement[str | None]:
    return (
        sa.select(StoredSummary.tldr)
        .where(StoredSummary.article_id == Article.id)
        .order_by(StoredSummary.created_at.desc(), StoredSummary.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _normalise_site(site: str) -> str:
    site = site.strip().lower()
    site = re.sub(r"^[a-z][a-z0-9+.-]*://", "", site).split("/", 1)[0]
    return site.removeprefix("www.")


def _query_filters(query: SearchQuery) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if query.site:
        site = _normalise_site(query.site)
        subdomain_pattern = "%." + site.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(
            sa.or_(
                Article.host == site,
                Article.host.like(subdomain_pattern, escape="\\"),
                sa.func.lower(Article.site_name) == query.site.strip().lower(),
            )
        )
    if query.after is not None:
        clauses.append(Article.published > query.after)
    if query.before is not None:
        clauses.append(Article.published < query.before)
    return clauses


def search_statement(query: SearchQuery, dialect: str) -> Select[tuple] | None:
    """The select behind `search`, for `dialect` ("sqlite" or "postgresql"); None if the text has no words.

    Columns: article_id, title, url, site_name, published, tldr, snippet, rank; ordered best first. `articles`
    is in the FROM clause, so further `.where(...)` clauses may refer to `Article` (or correlate to it).
    """
    if not _has_words(query.text):
        return None
    columns: list[ColumnElement[object]] = [
        Article.id.label("article_id"),
        Article.title,
        Article.canonical_url.label("url"),
        Article.site_name,
        Article.published,
        _latest_tldr().label("tldr"),
    ]
    if dialect == "postgresql":
        # PostgreSQL text cannot hold NUL; everything else websearch_to_tsquery accepts as is.
        text = unicodedata.normalize("NFC", query.text).replace("\x00", " ")
        tsquery = sa.func.websearch_to_tsquery(_PG_CONFIG, text)
        rank = sa.func.ts_rank_cd(_tsv.c.document, tsquery)
        snippet = sa.func.ts_headline(
            _PG_CONFIG,
            sa.func.left(Article.text, HEADLINE_TEXT_CHARS),
            tsquery,
            _PG_HEADLINE_OPTIONS,
        )
        stmt = (
            sa.select(*columns, snippet.label("snippet"), rank.label("rank"))
            .select_from(_tsv.join(Article, Article.id == _tsv.c.article_id))
            .where(_tsv.c.document.op("@@")(tsquery))
            .order_by(rank.desc(), Article.id.desc())
        )
    else:
        expression = fts5_query(query.text)
        if expression is None:
            return None
        snippet = sa.func.snippet(_fts_match_target, 2, "", "", "…", _SQLITE_SNIPPET_TOKENS)
        # ORDER BY the FTS5 `rank` column alone: FTS5 then sorts internally and stops after LIMIT rows, so
        # snippet() runs only for the rows returned (any extra sort key would make SQLite compute it for
        # every match). `rank MATCH` sets this query's rank function (bm25 with column weights).
        stmt = (
            sa.select(*columns, snippet.label("snippet"), (-_fts.c.rank).label("rank"))
            .select_from(_fts.join(Article, Article.id == _fts.c.rowid))
            .where(
                _fts_match_target.op("MATCH")(expression),
                _fts.c.rank.op("MATCH")(_SQLITE_RANK),
            )
            .order_by(_fts.c.rank)
        )
    return stmt.where(*_query_filters(query)).limit(query.limit).offset(query.offset)


_SPACE = re.compile(r"\s+")


async def search(
    session: AsyncSession, query: SearchQuery, *, filters: Iterable[ColumnElement[bool]] = ()
) -> list[SearchHit]:
    """Articles matching `query`, best first; `filters` are extra WHERE clauses (see `search_statement`)."""
    stmt = search_statement(query, _dialect(session))
    if stmt is None:
        return []
    rows = await session.execute(stmt.where(*filters))
    return [
        SearchHit(
            article_id=row.article_id,
            title=row.title,
            url=row.url,
            site_name=row.site_name,
            published=row.published,
            tldr=row.tldr,
            snippet=_SPACE.sub(" ", row.snippet or "").strip(),
            rank=float(row.rank),
        )
        for row in rows
    ]
