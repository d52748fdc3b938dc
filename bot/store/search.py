"""Full-text search over stored articles: one interface, SQLite FTS5 or PostgreSQL tsvector underneath.

Each article has two search documents, both written by `index_article` whenever an article or its summary is
stored, in structures the migration creates:

* the *full document*: title (weight A), summary (TL;DR, key points, questions and answers of the latest
  summary; B) and text (C). SQLite: the FTS5 table `article_search(title, summary, text)`. PostgreSQL: the
  `document` tsvector of the table `article_search`, TOASTed (several kB per article).
* the *lead*: title and summary only. SQLite: the FTS5 table `article_search_lead(title, summary)`.
  PostgreSQL: the `lead` tsvector of `article_search`, kept inline in the row, with its own GIN index.

Why: ranking is what a search costs. Ranking a match reads its full document (on PostgreSQL a TOAST fetch of
~5 µs, more for long articles), so ranking every match made a word found in 20% of 100,000 articles take
250 ms on PostgreSQL, and one in 80% 1.5 s. The lead is small, and a title or summary that mentions the
words is the best sign an article is about them. So a search runs in two tiers:

1. *Lead tier*: articles whose lead has the query's words (and whose full document matches the whole query,
   exclusions included), listed first.
2. *Body tier*, only when the lead tier has fewer hits than the page needs: the other full-document matches.

Each tier *chooses* at most `RANKED_CANDIDATES` articles, the newest matches (highest article id: most
recently stored), without ranking anything: PostgreSQL walks the primary key backwards testing the inline
lead (common words) or sorts the GIN index's matches by id (rare words); FTS5 walks its doclists backwards.
It then *ranks* them as search always has, on the full document (PostgreSQL ts_rank_cd, SQLite bm25 with
column weights 10/4/1), so the evidence of the text still orders the hits. A query with fewer matches than
that (any specific query) is ranked exhaustively; a common word is ranked among its newest matches and
answers about as fast as a rare one. Older matches of such a query are not reachable by paging: users
narrow a broad query with more words or filters. (On SQLite the lead tier also ranks at most the newest
`RANKED_TEXT_MATCHES` full matches: see `_sqlite_tier`.)

A result list is the lead tier's hits followed by the body tier's; `rank` is in [1, 2) for lead hits and
[0, 1) for body hits (each engine's score s mapped by s/(1+s)), so it stays higher-is-better over the list.

Callers' filters (`search(…, filters=…)`) are WHERE clauses over `Article` (for instance an EXISTS over
`shares` restricting hits to channels the caller may see). They apply while candidates are chosen, so the
cap counts only articles the caller may see.

Query language: web-search style (words, "quoted phrases", -exclusions, `or`), parsed once here
(`parse_query`) and rendered for each engine, so both read it the same way. User text never reaches a query
language unescaped: on SQLite every term becomes a double-quoted FTS5 string (`fts5_query`); on PostgreSQL
the parsed terms are re-serialised as quoted words for `websearch_to_tsquery`, which accepts any input.
English stop words (PostgreSQL's list, which its `english` configuration drops) are dropped from queries on
both engines, so a query of stop words alone searches nothing on either (`is_searchable` is False), and
"the budget" finds what "budget" finds. Inside a phrase with other words they stay (FTS5 matches the exact
phrase; PostgreSQL keeps their positions), so "cat in the hat" still means that phrase.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from bot.store.models import Article, StoredSummary
from bot.summarize.base import Summary

SEARCH_TABLE = "article_search"
LEAD_TABLE = "article_search_lead"  # SQLite only; PostgreSQL keeps the lead as a column of SEARCH_TABLE
# Text beyond this many characters is not indexed: PostgreSQL caps a tsvector at 1 MB, and the same bound on
# SQLite keeps results identical on both.
INDEXED_TEXT_CHARS = 200_000
# ts_headline re-parses the text it is given; a bounded prefix keeps snippets cheap on long articles.
HEADLINE_TEXT_CHARS = 8_000
MAX_LIMIT = 100
# Deepest page a search reaches: offsets come from users (a "More results" button value) and the engines
# cannot even represent some of them (2^63).
MAX_OFFSET = 10_000
# Most articles ranked per tier (the newest matches). Ranking 1,000 full documents takes about 10 ms on
# PostgreSQL (100,000 synthetic articles; see benchmarks/store.py).
RANKED_CANDIDATES = 1_000
# SQLite ranks the lead tier's candidates among the full-text matches in their rowid range; this bounds
# that range (see _sqlite_tier).
RANKED_TEXT_MATCHES = 5_000

# bm25 weights per FTS5 column (title, summary, text): a title hit outranks a summary hit outranks body text.
_SQLITE_RANK = "bm25(10.0, 4.0, 1.0)"
_SQLITE_SNIPPET_TOKENS = 24
_PG_CONFIG: ColumnElement[Any] = sa.literal_column("'linkbrief'::regconfig")
_PG_HEADLINE_OPTIONS = 'StartSel="", StopSel="", MaxWords=30, MinWords=12, MaxFragments=1, FragmentDelimiter=" … "'
# ts_rank_cd normalisation 32: rank / (rank + 1), a score in [0, 1).
_PG_RANK_SCALED = 32

_fts = sa.table(
    SEARCH_TABLE,
    sa.column("rowid", sa.Integer),
    sa.column("title", sa.Text),
    sa.column("summary", sa.Text),
    sa.column("text", sa.Text),
    sa.column("rank", sa.Float),
)
_fts_lead = sa.table(
    LEAD_TABLE, sa.column("rowid", sa.Integer), sa.column("title", sa.Text), sa.column("summary", sa.Text)
)
_tsv = sa.table(
    SEARCH_TABLE,
    sa.column("article_id", sa.Integer),
    sa.column("lead", TSVECTOR),
    sa.column("document", TSVECTOR),
)


def is_search_table(name: str) -> bool:
    """True for the search tables and FTS5's shadow tables (`article_search_data`, `_lead`, `_lead_idx`, …)."""
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
        if not 0 <= self.offset <= MAX_OFFSET:
            raise ValueError(f"offset must be between 0 and {MAX_OFFSET}")


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

# PostgreSQL's english stop words (share/tsearch_data/english.stop, used by the `english_stem` dictionary of
# the `linkbrief` configuration). tests/test_search.py checks this list against the server's configuration.
_ENGLISH_STOP_LIST = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is
    are was were be been being have has had having do does did doing a an the and but if or because as until
    while of at by for with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how all any both each few
    more most other some such no nor not only own same so than too very s t can will just don should now
"""
ENGLISH_STOP_WORDS = frozenset(_ENGLISH_STOP_LIST.split())

_QUERY_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
# Letters and digits: both engines split words at anything else, underscores included.
_WORD = re.compile(r"[^\W_]+")

Phrase = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QueryGroup:
    """Phrases that must all occur and phrases that must not; a parsed query is an OR of these groups."""

    required: tuple[Phrase, ...]
    excluded: tuple[Phrase, ...] = ()


def _folded(word: str) -> str:
    """Lower case without diacritics, as both engines compare words (FTS5 remove_diacritics, unaccent)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _is_stop_phrase(phrase: Phrase) -> bool:
    return all(_folded(word) in ENGLISH_STOP_WORDS for word in phrase)


def parse_query(text: str) -> tuple[QueryGroup, ...]:
    """Web-search style input as groups of phrases; empty when nothing in it is searchable.

    Words are ANDed; "quoted phrases" stay phrases; a leading `-` excludes; `or` between terms makes
    alternatives. Phrases of stop words alone are dropped, and so is a group left without a required phrase
    (an exclusion alone would match nearly everything).
    """
    groups: list[tuple[list[Phrase], list[Phrase]]] = [([], [])]
    for match in _QUERY_TOKEN.finditer(unicodedata.normalize("NFC", text)):
        quoted_neg, quoted, bare_neg, bare = match.groups()
        if bare is not None and not bare_neg and bare.lower() == "or":
            groups.append(([], []))
            continue
        phrase = tuple(_WORD.findall(quoted if quoted is not None else bare))
        if not phrase or _is_stop_phrase(phrase):
            continue
        required, excluded = groups[-1]
        (excluded if (quoted_neg or bare_neg) else required).append(phrase)
    return tuple(QueryGroup(tuple(required), tuple(excluded)) for required, excluded in groups if required)


def is_searchable(text: str) -> bool:
    """Whether `text` has anything to search for (words that are not all stop words)."""
    return bool(parse_query(text))


def _quoted(phrase: Phrase) -> str:
    return '"' + " ".join(phrase) + '"'


def _fts5_expression(groups: Sequence[QueryGroup]) -> str:
    """The FTS5 expression of a parsed query; `groups` is not empty (an empty query matches nothing)."""
    parts = []
    for group in groups:
        expression = "(" + " AND ".join(map(_quoted, group.required)) + ")"
        if group.excluded:
            expression += " NOT (" + " OR ".join(map(_quoted, group.excluded)) + ")"
        parts.append("(" + expression + ")")
    return " OR ".join(parts)


def fts5_query(text: str) -> str | None:
    """Translate web-search style input into a safe FTS5 expression, or None if nothing is searchable.

    Every term becomes a double-quoted FTS5 string of plain word tokens, so no input can form FTS5 syntax.
    """
    groups = parse_query(text)
    return _fts5_expression(groups) if groups else None


def _websearch_text(groups: Sequence[QueryGroup]) -> str:
    """The parsed query again as `websearch_to_tsquery` input: only quoted words, `-` and `or`."""
    return " or ".join(
        " ".join([*map(_quoted, group.required), *("-" + _quoted(p) for p in group.excluded)]) for group in groups
    )


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
    """Write (or rewrite) both search documents of one article from its stored row and `summary_text`."""
    title = sa.func.coalesce(Article.title, "")
    summary = sa.literal(summary_text, sa.Text)
    text = sa.func.substr(Article.text, 1, INDEXED_TEXT_CHARS)
    if _dialect(session) == "postgresql":
        lead = _pg_weighted(title, "A").op("||")(_pg_weighted(summary, "B"))
        document = lead.op("||")(_pg_weighted(text, "C"))
        source = sa.select(Article.id, lead, document).where(Article.id == article_id)
        stmt = pg_insert(_tsv).from_select(["article_id", "lead", "document"], source)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=["article_id"],
                set_={"lead": stmt.excluded.lead, "document": stmt.excluded.document},
            )
        )
        return
    for table in (_fts, _fts_lead):
        await session.execute(sa.delete(table).where(table.c.rowid == article_id))
    source = sa.select(Article.id, title, summary, text).where(Article.id == article_id)
    await session.execute(sa.insert(_fts).from_select(["rowid", "title", "summary", "text"], source))
    source = sa.select(Article.id, title, summary).where(Article.id == article_id)
    await session.execute(sa.insert(_fts_lead).from_select(["rowid", "title", "summary"], source))


# --- searching --------------------------------------------------------------------------------------------


class Tier(enum.Enum):
    """Which search document a tier matches and ranks on (see the module docstring)."""

    LEAD = "lead"
    BODY = "body"


def latest_tldr() -> ColumnElement[str | None]:
    """The TL;DR of an article's latest summary, as a scalar subquery on `Article` (for result rows)."""
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


def site_condition(site: str) -> ColumnElement[bool]:
    """Articles from `site`: its host or a subdomain ("www." and a scheme ignored), or that site name."""
    host = _normalise_site(site)
    subdomain_pattern = "%." + host.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.or_(
        Article.host == host,
        Article.host.like(subdomain_pattern, escape="\\"),
        sa.func.lower(Article.site_name) == site.strip().lower(),
    )


def _query_filters(query: SearchQuery) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if query.site:
        clauses.append(site_condition(query.site))
    if query.after is not None:
        clauses.append(Article.published > query.after)
    if query.before is not None:
        clauses.append(Article.published < query.before)
    return clauses


def _hit_columns() -> list[ColumnElement[Any] | QueryableAttribute[Any]]:
    return [
        Article.id.label("article_id"),
        Article.title,
        Article.canonical_url.label("url"),
        Article.site_name,
        Article.published,
        latest_tldr().label("tldr"),
    ]


@dataclass(frozen=True, slots=True)
class _TierSQL:
    """One tier's statements: its page of ranked hits, and how many hits it has in all."""

    page: Select[*tuple[Any, ...]]
    count: Select[int]


def _matches(left: ColumnElement[Any], right: ColumnElement[Any] | str, operator: str) -> ColumnElement[bool]:
    return left.op(operator, is_comparison=True)(right)


def _without_exclusions(groups: Sequence[QueryGroup]) -> tuple[QueryGroup, ...]:
    return tuple(QueryGroup(group.required) for group in groups)


def _excludes(groups: Sequence[QueryGroup]) -> bool:
    return any(group.excluded for group in groups)


def _pg_tsquery(groups: Sequence[QueryGroup]) -> ColumnElement[Any]:
    return sa.func.websearch_to_tsquery(_PG_CONFIG, _websearch_text(groups))


def _pg_tier(tier: Tier, groups: Sequence[QueryGroup], filters: Sequence[ColumnElement[bool]]) -> _TierSQL:
    tsquery = _pg_tsquery(groups)
    wanted = _pg_tsquery(_without_exclusions(groups))
    in_lead = _matches(_tsv.c.lead, wanted, "@@")
    # A query PostgreSQL reduces to nothing (say "___") is a one-time false filter: no scan at all.
    conditions = [sa.func.numnode(tsquery) > 0]
    if tier is Tier.LEAD:
        conditions.append(in_lead)
    else:
        conditions += [_matches(_tsv.c.document, tsquery, "@@"), sa.not_(in_lead)]
    # The planner picks how to find the newest matches from the column statistics, which needs the words
    # at planning time (see _plan_for_these_words).
    newest = (
        sa.select(_tsv.c.article_id, _tsv.c.document)
        .where(*conditions, *filters)
        .order_by(_tsv.c.article_id.desc())
        .limit(RANKED_CANDIDATES)
    )
    if filters:  # clauses over articles
        newest = newest.join_from(_tsv, Article, Article.id == _tsv.c.article_id)
    candidates = newest.subquery("candidates")
    # Exclusions apply to the whole document: checked on the candidates only, whose documents are read for
    # ranking anyway.
    ranked = [_matches(candidates.c.document, tsquery, "@@")] if tier is Tier.LEAD and _excludes(groups) else []
    rank: ColumnElement[float] = sa.func.ts_rank_cd(candidates.c.document, tsquery, _PG_RANK_SCALED)
    if tier is Tier.LEAD:
        rank = 1 + rank
    snippet = sa.func.ts_headline(
        _PG_CONFIG, sa.func.left(Article.text, HEADLINE_TEXT_CHARS), tsquery, _PG_HEADLINE_OPTIONS
    )
    page = (
        sa.select(*_hit_columns(), snippet.label("snippet"), rank.label("rank"))
        .select_from(candidates.join(Article, Article.id == candidates.c.article_id))
        .where(*ranked)
        .order_by(rank.desc(), Article.id.desc())
    )
    count = sa.select(sa.func.count()).select_from(candidates).where(*ranked)
    return _TierSQL(page, count)


def _sqlite_newest(
    table: sa.TableClause, match: ColumnElement[bool], filters: Sequence[ColumnElement[bool]], count: int
) -> Select[int]:
    """The rowids of the newest `count` rows of an FTS5 table meeting `match` and `filters` (FTS5 walks its
    doclists backwards cheaply, without ranking)."""
    stmt = sa.select(table.c.rowid).where(match, *filters).order_by(table.c.rowid.desc()).limit(count)
    return stmt.join_from(table, Article, Article.id == table.c.rowid) if filters else stmt


def _sqlite_oldest(rowids: Select[int]) -> ColumnElement[int]:
    return sa.select(sa.func.min(rowids.subquery().c.rowid)).scalar_subquery()


def _sqlite_tier(tier: Tier, groups: Sequence[QueryGroup], filters: Sequence[ColumnElement[bool]]) -> _TierSQL:
    expression = _fts5_expression(groups)
    wanted = _fts5_expression(_without_exclusions(groups))
    full_target: ColumnElement[Any] = sa.literal_column(SEARCH_TABLE)
    in_full = _matches(full_target, expression, "MATCH")
    in_lead = _matches(sa.literal_column(LEAD_TABLE), wanted, "MATCH")
    lead_matches = sa.select(_fts_lead.c.rowid).where(in_lead)
    # Candidates are ranked in the full table (bm25 over title, summary and text), which needs that table's
    # own MATCH. bm25 cannot be computed for a list of rowids cheaply (FTS5 would run one whole query per
    # rowid), but FTS5 applies a lower rowid bound itself: it ranks the full matches from the oldest
    # candidate on, and the IN list then keeps the candidates among them.
    if tier is Tier.LEAD:
        candidates = _sqlite_newest(_fts_lead, in_lead, filters, RANKED_CANDIDATES)
        # When the lead matches are few and far between (a word common in texts, rare in titles and
        # summaries), that range could hold most of the archive: it starts no earlier than the newest
        # RANKED_TEXT_MATCHES full matches, which bounds the ranking work (older lead matches are dropped).
        recent_matches = _sqlite_newest(_fts, in_full, filters, RANKED_TEXT_MATCHES)
        # `rowid + 0` keeps SQLite from driving FTS5 with the IN list (one whole FTS5 query per rowid).
        belongs = [
            _fts.c.rowid >= sa.func.max(_sqlite_oldest(candidates), _sqlite_oldest(recent_matches)),
            (_fts.c.rowid + 0).in_(candidates),
        ]
    else:
        body_only = sa.and_(in_full, _fts.c.rowid.not_in(lead_matches))
        candidates = _sqlite_newest(_fts, body_only, filters, RANKED_CANDIDATES)
        belongs = [_fts.c.rowid >= _sqlite_oldest(candidates), _fts.c.rowid.not_in(lead_matches)]
    score = -_fts.c.rank / (1 - _fts.c.rank)  # bm25 is <= 0, lower is better; s / (1 + s) with s = -bm25
    if tier is Tier.LEAD:
        score = 1 + score
    snippet = sa.func.snippet(full_target, 2, "", "", "…", _SQLITE_SNIPPET_TOKENS)
    where = [in_full, *belongs, *filters]
    # ORDER BY the FTS5 `rank` column alone: FTS5 then sorts internally and stops after LIMIT rows, so the
    # snippet runs only for the rows returned. `rank MATCH` sets this query's rank function.
    page = (
        sa.select(*_hit_columns(), snippet.label("snippet"), score.label("rank"))
        .select_from(_fts.join(Article, Article.id == _fts.c.rowid))
        .where(*where, _fts.c.rank.op("MATCH")(_SQLITE_RANK))
        .order_by(_fts.c.rank)
    )
    count = sa.select(sa.func.count()).select_from(_fts.join(Article, Article.id == _fts.c.rowid)).where(*where)
    return _TierSQL(page, count)


def _tier_sql(
    tier: Tier, dialect: str, groups: Sequence[QueryGroup], filters: Sequence[ColumnElement[bool]]
) -> _TierSQL:
    return (_pg_tier if dialect == "postgresql" else _sqlite_tier)(tier, groups, filters)


def search_statement(query: SearchQuery, dialect: str) -> Select[*tuple[Any, ...]] | None:
    """The lead tier's select for `query` on `dialect`, or None when the text has nothing searchable.

    Kept for callers that use it to test whether a text is searchable; `is_searchable` says that directly.
    `search` may add the body tier's hits after these.
    """
    groups = parse_query(query.text)
    if not groups:
        return None
    tier = _tier_sql(Tier.LEAD, dialect, groups, _query_filters(query))
    return tier.page.limit(query.limit).offset(query.offset)


_SPACE = re.compile(r"\s+")


async def _page(session: AsyncSession, tier: _TierSQL, offset: int, limit: int) -> list[SearchHit]:
    rows = await session.execute(tier.page.limit(limit).offset(offset))
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


async def _plan_for_these_words(session: AsyncSession) -> None:
    """Make PostgreSQL plan this transaction's statements for their actual parameters.

    The best plan depends on the words: a word in half the archive is found fastest by walking the primary
    key backwards, a rare one through the GIN index. asyncpg runs statements as prepared statements, and
    after five executions PostgreSQL may switch a prepared statement to one generic plan that estimates
    every word alike (measured: a common word went from 18 ms to 43 ms). A custom plan folds
    websearch_to_tsquery (immutable) into a constant the column statistics can judge. Planning costs well
    under a millisecond. SET LOCAL ends with the transaction.
    """
    await session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))


async def search(
    session: AsyncSession, query: SearchQuery, *, filters: Iterable[ColumnElement[bool]] = ()
) -> list[SearchHit]:
    """Articles matching `query`, best first; `filters` are extra WHERE clauses over `Article`.

    The list is the lead tier's hits, then the body tier's; `query.offset`/`limit` page through it.
    """
    groups = parse_query(query.text)
    if not groups:
        return []
    dialect = _dialect(session)
    if dialect == "postgresql":
        await _plan_for_these_words(session)
    conditions = [*_query_filters(query), *filters]
    lead = _tier_sql(Tier.LEAD, dialect, groups, conditions)
    hits = await _page(session, lead, query.offset, query.limit)
    if len(hits) == query.limit:
        return hits
    # The lead tier ran out inside this page (or before it): the body tier continues the list.
    lead_total = query.offset + len(hits)
    if not hits and query.offset:  # the page starts past the lead tier's end; by how much depends on its size
        lead_total = await session.scalar(lead.count) or 0
    body = _tier_sql(Tier.BODY, dialect, groups, conditions)
    return hits + await _page(session, body, max(0, query.offset - lead_total), query.limit - len(hits))
