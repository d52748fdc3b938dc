"""Full-text search over stored articles: one interface, SQLite FTS5 or PostgreSQL tsvector underneath.

Two kinds of evidence, in structures the migrations create and `index_article` keeps current:

* the *lead*: title (weight A) and the latest summary's document (TL;DR, key points, questions and answers;
  B). The best sign that an article is about the query's words is that its title or summary says them.
* the *text* (C), never copied: the index points into `articles.text`.

SQLite: two external-content FTS5 tables over the view `article_search_source`: `article_search(title,
summary, text)` and `article_search_lead(title, summary)`. FTS5 stores only inverted indexes and reads the
columns from `articles` when a snippet needs them. PostgreSQL: `article_search(article_id, lead)`, the lead
tsvector in the row with a GIN index, and the expression GIN index `article_search_text` over
`to_tsvector(title || text)` on `articles`. Neither database holds a second copy of the text (the old layout
stored it 1.5 to 2 times over again).

A result list is two tiers:

1. *Lead tier*: articles whose title or summary has the query's words (none of its exclusions anywhere).
   Every one of them is ranked, so an old article about the words outranks any number of newer ones that
   only mention them. SQLite: bm25 of the small lead index (title 10, summary 4), FTS5's own top-k
   (`ORDER BY rank LIMIT` scores every match in C and hands back the best first); the lead index makes a
   common word's ranking several times cheaper than a column filter on the whole index. PostgreSQL:
   `ts_rank_cd` on the in-row lead vector (`ORDER BY … LIMIT`, a top-N heap sort).
2. *Text tier*, only when the lead tier has fewer hits than the page needs: the other matches. SQLite ranks
   all of them with bm25 on the whole index (title 10, summary 4, text 1). PostgreSQL keeps no tsvector of
   the text, and scoring a match means parsing its text again, so it scores them on the whole document only
   when there are at most `SCORED_TEXT_MATCHES`; more are listed newest first.

`rank` is in [1, 2) for lead hits and below 1 for text hits (each engine's score s mapped by s/(1+s);
PostgreSQL's unscored text hits all `TEXT_ONLY_RANK`), so it stays higher-is-better over the list.

Callers' filters (`search(…, filters=…)`) are WHERE clauses over `Article` (for instance an EXISTS over
`shares` restricting hits to channels the caller may see); they are tested on the ranked matches, best first,
until the page is full.

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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from bot.store import search_lists
from bot.store.models import Article, StoredSummary

SEARCH_TABLE = "article_search"
# SQLite: the FTS5 index of titles and summaries alone (the lead tier's).
LEAD_TABLE = "article_search_lead"
# SQLite: the view FTS5 reads its columns from (external content).
SOURCE_VIEW = "article_search_source"
# Text beyond this many characters is not indexed: PostgreSQL caps a tsvector at 1 MB, and the same bound on
# SQLite keeps results identical on both.
INDEXED_TEXT_CHARS = 200_000
# ts_headline re-parses the text it is given; a bounded prefix keeps snippets cheap on long articles.
HEADLINE_TEXT_CHARS = 8_000
MAX_LIMIT = 100
# PostgreSQL scores text-only matches (parsing each one's text again, 0.5-1.5 ms for 3,000 characters) only
# when there are at most this many; more are listed newest first, all with `rank` TEXT_ONLY_RANK.
SCORED_TEXT_MATCHES = 30
TEXT_ONLY_RANK = 0.5
# Characters of the text parsed to score a text-only match on PostgreSQL.
SCORED_TEXT_CHARS = 20_000
# Deepest page a search reaches: offsets come from users (a "More results" button value) and the engines
# cannot even represent some of them (2^63).
MAX_OFFSET = 10_000

# bm25 weights per FTS5 column (title, summary, text): a title hit outranks a summary hit outranks body text.
_SQLITE_RANK = "bm25(10.0, 4.0, 1.0)"
_SQLITE_LEAD_RANK = "bm25(10.0, 4.0)"
_SQLITE_LEAD_COLUMNS = "{title summary}"
_SQLITE_SNIPPET_TOKENS = 24
_PG_CONFIG: ColumnElement[Any] = sa.literal_column("'linkbrief'::regconfig")
_PG_HEADLINE_OPTIONS = 'StartSel="", StopSel="", MaxWords=30, MinWords=12, MaxFragments=1, FragmentDelimiter=" … "'
# ts_rank_cd normalisation 32: rank / (rank + 1), a score in [0, 1).
_PG_RANK_SCALED = search_lists.RANK_NORMALISATION

_fts = sa.table(
    SEARCH_TABLE,
    sa.column("rowid", sa.Integer),
    sa.column("title", sa.Text),
    sa.column("summary", sa.Text),
    sa.column("text", sa.Text),
    sa.column("rank", sa.Float),
)
_fts_lead = sa.table(
    LEAD_TABLE,
    sa.column("rowid", sa.Integer),
    sa.column("title", sa.Text),
    sa.column("summary", sa.Text),
    sa.column("rank", sa.Float),
)
_fts_docsize = sa.table(SEARCH_TABLE + "_docsize", sa.column("id", sa.Integer))
_source = sa.table(
    SOURCE_VIEW,
    sa.column("id", sa.Integer),
    sa.column("title", sa.Text),
    sa.column("summary", sa.Text),
    sa.column("text", sa.Text),
)
_tsv = sa.table(SEARCH_TABLE, sa.column("article_id", sa.Integer), sa.column("lead", TSVECTOR))


def is_search_table(name: str) -> bool:
    """True for the search structures' names: the tables, FTS5's shadow tables (`article_search_data`, …), the
    SQLite view and PostgreSQL's `article_search_text` index."""
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

# The searchable text of an article's latest summary on PostgreSQL: TL;DR, key points, then each question and
# its answer, one per line, from the stored row (SQLite's view `article_search_source` builds the same).
_PG_SUMMARY_DOCUMENT = """coalesce((
    SELECT concat_ws(E'\\n', s.tldr,
        (SELECT string_agg(p, E'\\n') FROM json_array_elements_text(s.key_points) AS p),
        (SELECT string_agg(concat_ws(E'\\n', q ->> 'question', q ->> 'answer'), E'\\n')
         FROM json_array_elements(s.qa) AS q))
    FROM summaries AS s
    WHERE s.article_id = a.id
    ORDER BY s.created_at DESC, s.id DESC
    LIMIT 1), '')"""
_PG_LEAD = (
    "setweight(to_tsvector('linkbrief'::regconfig, coalesce(a.title, '')), 'A') || "
    f"setweight(to_tsvector('linkbrief'::regconfig, {_PG_SUMMARY_DOCUMENT}), 'B')"
)
# The expression of PostgreSQL's `article_search_text` index, spelled exactly as the migration spells it, so
# the planner recognises it.
_PG_TEXT_VECTOR = (
    "to_tsvector('linkbrief'::regconfig, coalesce(articles.title, '') || ' ' || "
    f"left(articles.text, {INDEXED_TEXT_CHARS}))"
)


def index_statements(dialect: str, where: str = "a.id = :article_id") -> list[sa.TextClause]:
    """Index the articles `where` selects (a condition on `articles AS a`) that are not indexed yet.

    Set-based, so they serve one article (`index_article`) and a bulk load alike; run them in order.
    """
    if dialect == "postgresql":
        return [
            sa.text(
                f"INSERT INTO {SEARCH_TABLE} (article_id, lead) SELECT a.id, {_PG_LEAD} FROM articles AS a "  # noqa: S608
                f"WHERE {where} ON CONFLICT (article_id) DO UPDATE SET lead = excluded.lead"
            ),
            *search_lists.maintenance_statements(where),
        ]
    # The lead index first: both statements skip articles the whole-article index already has.
    not_indexed = f"WHERE {where} AND NOT EXISTS (SELECT 1 FROM {SEARCH_TABLE}_docsize AS d WHERE d.id = a.id)"  # noqa: S608
    return [
        sa.text(
            f"INSERT INTO {LEAD_TABLE} (rowid, title, summary) "  # noqa: S608 - constant names
            f"SELECT s.id, s.title, s.summary FROM {SOURCE_VIEW} AS s JOIN articles AS a ON a.id = s.id " + not_indexed
        ),
        sa.text(
            f"INSERT INTO {SEARCH_TABLE} (rowid, title, summary, text) "  # noqa: S608 - constant names
            f"SELECT s.id, s.title, s.summary, s.text FROM {SOURCE_VIEW} AS s JOIN articles AS a ON a.id = s.id "
            + not_indexed
        ),
    ]


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def index_article(session: AsyncSession, article_id: int) -> None:
    """Index one article from its stored row and latest summary; nothing happens if it is indexed already.

    To change what an indexed article's document holds (its summary), bracket the change with
    `unindex_article` before and `index_article` after (`bot.store.articles.save_summary` does): on SQLite the
    index can only forget an entry given the exact values it indexed, read from the stored rows.
    """
    for statement in index_statements(_dialect(session)):
        await session.execute(statement, {"article_id": article_id})


async def unindex_article(session: AsyncSession, article_id: int) -> None:
    """Remove one article from the search index, if it is there (before its summary changes)."""
    if _dialect(session) == "postgresql":
        await session.execute(search_lists.unindex_statement(), {"article_id": article_id})
        await session.execute(sa.delete(_tsv).where(_tsv.c.article_id == article_id))
        return
    indexed = f"WHERE id = :article_id AND EXISTS (SELECT 1 FROM {SEARCH_TABLE}_docsize WHERE id = :article_id)"  # noqa: S608
    for statement in (  # the whole-article index last: its docsize row says whether the article is indexed
        f"INSERT INTO {LEAD_TABLE} ({LEAD_TABLE}, rowid, title, summary) "  # noqa: S608 - constant names
        f"SELECT 'delete', id, title, summary FROM {SOURCE_VIEW} " + indexed,
        f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, title, summary, text) "  # noqa: S608 - constants
        f"SELECT 'delete', id, title, summary, text FROM {SOURCE_VIEW} " + indexed,
    ):
        await session.execute(sa.text(statement), {"article_id": article_id})


async def is_indexed(session: AsyncSession, article_id: int) -> bool:
    """Whether the article is in the search index."""
    if _dialect(session) == "postgresql":
        found = await session.scalar(sa.select(_tsv.c.article_id).where(_tsv.c.article_id == article_id))
    else:
        found = await session.scalar(sa.select(_fts_docsize.c.id).where(_fts_docsize.c.id == article_id))
    return found is not None


# --- searching --------------------------------------------------------------------------------------------


class Tier(enum.Enum):
    """Where a tier's hits have the query's words (see the module docstring)."""

    LEAD = "lead"
    TEXT = "text"


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
    """One tier's statements: its hits ranked best first (to be paged), and how many hits it has in all."""

    page: Select[*tuple[Any, ...]]
    count: Select[int]
    # PostgreSQL's text tier: its newest matches' ids, and the page scored on the whole document for given ids.
    newest: Select[int] | None = None
    scored: Callable[[Sequence[int]], Select[*tuple[Any, ...]]] | None = None


def _matches(left: ColumnElement[Any], right: ColumnElement[Any] | str, operator: str) -> ColumnElement[bool]:
    return left.op(operator, is_comparison=True)(right)


def _pg_tsquery(groups: Sequence[QueryGroup]) -> ColumnElement[Any]:
    return sa.func.websearch_to_tsquery(_PG_CONFIG, _websearch_text(groups))


def _pg_excluded(group: QueryGroup) -> ColumnElement[Any]:
    """A tsquery matching any of the group's exclusions (the group has some)."""
    return _pg_tsquery([QueryGroup(required=(phrase,)) for phrase in group.excluded])


def _pg_text_matches(tsquery: ColumnElement[Any], name: str) -> ColumnElement[bool]:
    """Whether the article's title or text matches `tsquery`, answered from the `article_search_text` index.

    The ids come from one bitmap scan of the index, in a MATERIALIZED CTE the outer query joins against: a
    condition on the expression itself would let the planner walk the primary key and evaluate it row by row,
    parsing each article's text again (0.5-1.5 ms each).
    """
    scanned = sa.table("articles", sa.column("id", sa.Integer)).alias(f"{name}_articles")
    vector: ColumnElement[Any] = sa.literal_column(_PG_TEXT_VECTOR.replace("articles.", f"{name}_articles."))
    ids = sa.select(scanned.c.id).where(_matches(vector, tsquery, "@@")).cte(name).prefix_with("MATERIALIZED")
    return sa.exists(sa.select(ids.c.id).where(ids.c.id == Article.id))


def _pg_group_match(group: QueryGroup, tier: Tier, number: int) -> ColumnElement[bool]:
    """Articles one OR-group of the query (the `number`th) finds in `tier`: its words (all in the lead for the
    lead tier, in the title or text for the text tier) and none of its exclusions anywhere."""
    required = _pg_tsquery([QueryGroup(group.required)])
    if tier is Tier.LEAD:
        conditions = [_matches(_tsv.c.lead, required, "@@")]
    else:
        conditions = [_pg_text_matches(required, f"text_match_{number}")]
    if group.excluded:
        excluded = _pg_excluded(group)
        conditions.append(sa.not_(_matches(_tsv.c.lead, excluded, "@@")))
        conditions.append(sa.not_(_pg_text_matches(excluded, f"text_excluded_{tier.value}_{number}")))
    return sa.and_(*conditions)


def _pg_tier(tier: Tier, groups: Sequence[QueryGroup], filters: Sequence[ColumnElement[bool]]) -> _TierSQL:
    tsquery = _pg_tsquery(groups)
    in_lead_tier = sa.or_(*(_pg_group_match(group, Tier.LEAD, n) for n, group in enumerate(groups)))
    matched = sa.or_(*(_pg_group_match(group, tier, n) for n, group in enumerate(groups)))
    # A query PostgreSQL reduces to nothing (say "___") is a one-time false filter: no scan at all.
    conditions = [sa.func.numnode(tsquery) > 0, matched, *filters]
    joined = _tsv.join(Article, Article.id == _tsv.c.article_id)
    snippet = sa.func.ts_headline(
        _PG_CONFIG, sa.func.left(Article.text, HEADLINE_TEXT_CHARS), tsquery, _PG_HEADLINE_OPTIONS
    )
    if tier is Tier.LEAD:
        # Every lead match is ranked on its in-row lead vector; ORDER BY … LIMIT keeps only the best. The order
        # is the raw score's (a real), the very value a word's top-k list stores (`search_lists`).
        score: ColumnElement[float] = sa.func.ts_rank_cd(_tsv.c.lead, tsquery, _PG_RANK_SCALED, type_=sa.Float)
        page = sa.select(*_hit_columns(), snippet.label("snippet"), (1 + score).label("rank")).select_from(joined)
        page = page.where(*conditions).order_by(score.desc(), Article.id.desc())
        count = sa.select(sa.func.count()).select_from(joined).where(*conditions)
        return _TierSQL(page, count)
    # Text-only matches. PostgreSQL keeps no tsvector of the text (only the GIN index over it), and scoring one
    # means parsing its text again, so `search` scores them only when there are few (SCORED_TEXT_MATCHES, the
    # usual case for a specific query); otherwise they are listed newest first, unscored.
    text_only = [*conditions, sa.not_(in_lead_tier)]
    unscored = sa.literal(TEXT_ONLY_RANK, sa.Float)
    page = (
        sa.select(*_hit_columns(), snippet.label("snippet"), unscored.label("rank"))
        .select_from(joined)
        .where(*text_only)
        .order_by(Article.id.desc())
    )
    count = sa.select(sa.func.count()).select_from(joined).where(*text_only)
    newest = sa.select(Article.id).select_from(joined).where(*text_only).order_by(Article.id.desc())

    def scored(ids: Sequence[int]) -> Select[*tuple[Any, ...]]:
        text = sa.func.to_tsvector(_PG_CONFIG, sa.func.left(Article.text, SCORED_TEXT_CHARS), type_=TSVECTOR)
        document = _tsv.c.lead.op("||")(sa.func.setweight(text, sa.literal_column("'C'"), type_=TSVECTOR))
        rank = sa.func.ts_rank_cd(document, tsquery, _PG_RANK_SCALED)
        return (
            sa.select(*_hit_columns(), snippet.label("snippet"), rank.label("rank"))
            .select_from(joined)
            .where(Article.id.in_(ids))
            .order_by(rank.desc(), Article.id.desc())
        )

    return _TierSQL(page, count, newest, scored)


def _pg_listed_lead_tier(groups: Sequence[QueryGroup], filters: Sequence[ColumnElement[bool]]) -> _TierSQL | None:
    """The lead tier of a one-word query (exclusions allowed) read from the word's top-k list (`search_lists`),
    best first, or None for any other query. Equal to the full ranking's page whenever it fills the page (an
    exclusion is one more filter on the ranked list; `ts_rank_cd` ignores a negated word); `search` falls back
    to the full ranking when it does not (no list for the word, a deep page, filters that pass too few)."""
    if len(groups) != 1 or len(groups[0].required) != 1 or len(groups[0].required[0]) != 1:
        return None
    group = groups[0]
    tsquery = _pg_tsquery(groups)
    top = search_lists.top_table
    joined = top.join(Article, Article.id == top.c.article_id)
    conditions = [top.c.term == sa.cast(_pg_tsquery([QueryGroup(group.required)]), sa.Text), *filters]
    if group.excluded:
        # Tested on the listed rows only: the lead vector by key, the title and text parsed for these few rows
        # (the expression index would list every article that has the excluded word).
        excluded = _pg_excluded(group)
        joined = joined.join(_tsv, _tsv.c.article_id == top.c.article_id)
        text_vector: ColumnElement[Any] = sa.literal_column(_PG_TEXT_VECTOR)
        conditions += [sa.not_(_matches(_tsv.c.lead, excluded, "@@")), sa.not_(_matches(text_vector, excluded, "@@"))]
    snippet = sa.func.ts_headline(
        _PG_CONFIG, sa.func.left(Article.text, HEADLINE_TEXT_CHARS), tsquery, _PG_HEADLINE_OPTIONS
    )
    page = (
        sa.select(*_hit_columns(), snippet.label("snippet"), (1 + top.c.rank).label("rank"))
        .select_from(joined)
        .where(*conditions)
        .order_by(top.c.rank.desc(), top.c.article_id.desc())
    )
    return _TierSQL(page, sa.select(sa.func.count()).select_from(joined).where(*conditions))


def _fts5_lead_expression(groups: Sequence[QueryGroup]) -> str:
    """The query's required words, all in the title or the summary (FTS5 column filter), per OR-group."""
    return " OR ".join(
        f"({_SQLITE_LEAD_COLUMNS} : (" + " AND ".join(map(_quoted, group.required)) + "))" for group in groups
    )


def _fts5_required(groups: Sequence[QueryGroup]) -> str:
    """Any OR-group's required words (its exclusions left out)."""
    return " OR ".join("(" + " AND ".join(map(_quoted, group.required)) + ")" for group in groups)


def _fts5_rowids(table: str, expression: str) -> Select[int]:
    target: ColumnElement[Any] = sa.literal_column(table)
    fts = sa.table(table, sa.column("rowid", sa.Integer))
    return sa.select(fts.c.rowid).where(_matches(target, expression, "MATCH"))


def _sqlite_lead_exclusions(
    groups: Sequence[QueryGroup], ids: ColumnElement[int] | QueryableAttribute[int]
) -> list[ColumnElement[bool]]:
    """The lead tier's test of the rest of the article (`ids` its id): an OR-group finds an article whose title
    or summary has its words only if none of its exclusions is anywhere in the article, text included."""
    if not any(group.excluded for group in groups):
        return []
    if len(groups) == 1:
        return [ids.not_in(_fts5_rowids(SEARCH_TABLE, _fts5_expression([QueryGroup(groups[0].excluded)])))]
    return [
        sa.or_(
            *(
                sa.and_(
                    ids.in_(_fts5_rowids(LEAD_TABLE, _fts5_expression([QueryGroup(group.required)]))),
                    *(
                        [ids.not_in(_fts5_rowids(SEARCH_TABLE, _fts5_expression([QueryGroup(group.excluded)])))]
                        if group.excluded
                        else []
                    ),
                )
                for group in groups
            )
        )
    ]


def _sqlite_tier(tier: Tier, groups: Sequence[QueryGroup], filters: Sequence[ColumnElement[bool]]) -> _TierSQL:
    whole = _fts5_expression(groups)
    full_target: ColumnElement[Any] = sa.literal_column(SEARCH_TABLE)
    if tier is Tier.LEAD:
        # The small title-and-summary index: its bm25 (title 10, summary 4) over every lead match. The snippet
        # comes from the whole-article index, for the page's rows only (a MATCH on one rowid is a seek).
        match = _matches(sa.literal_column(LEAD_TABLE), _fts5_required(groups), "MATCH")
        score = 1 - _fts_lead.c.rank / (1 - _fts_lead.c.rank)  # 1 + s / (1 + s) with s = -bm25
        snippet: ColumnElement[Any] = (
            sa.select(sa.func.snippet(full_target, 2, "", "", "…", _SQLITE_SNIPPET_TOKENS))
            .where(_matches(full_target, whole, "MATCH"), _fts.c.rowid == Article.id)
            .scalar_subquery()
        )
        joined = _fts_lead.join(Article, Article.id == _fts_lead.c.rowid)
        conditions = [match, *_sqlite_lead_exclusions(groups, Article.id), *filters]
        page = (
            sa.select(*_hit_columns(), snippet.label("snippet"), score.label("rank"))
            .select_from(joined)
            .where(*conditions, _fts_lead.c.rank.op("MATCH")(_SQLITE_LEAD_RANK))
            .order_by(_fts_lead.c.rank)
        )
        return _TierSQL(page, sa.select(sa.func.count()).select_from(joined).where(*conditions))
    # Text-only matches, from the whole-article index: its bm25 (title 10, summary 4, text 1) over every one.
    # Without exclusions the lead tier is exactly "some group's words in the title or summary", an FTS5 column
    # filter; with them, the lead tier's own ids are left out.
    lead_tier: list[ColumnElement[bool]] = []
    if any(group.excluded for group in groups):
        lead_match = _matches(sa.literal_column(LEAD_TABLE), _fts5_required(groups), "MATCH")
        lead_ids = sa.select(_fts_lead.c.rowid).where(lead_match, *_sqlite_lead_exclusions(groups, _fts_lead.c.rowid))
        lead_tier.append(_fts.c.rowid.not_in(lead_ids))
        expression = whole
    else:
        expression = f"({whole}) NOT ({_fts5_lead_expression(groups)})"
    match = _matches(full_target, expression, "MATCH")
    score = -_fts.c.rank / (1 - _fts.c.rank)  # bm25 is <= 0, lower is better; s / (1 + s) with s = -bm25
    snippet = sa.func.snippet(full_target, 2, "", "", "…", _SQLITE_SNIPPET_TOKENS)
    joined = _fts.join(Article, Article.id == _fts.c.rowid)
    # ORDER BY the FTS5 `rank` column alone: FTS5 scores every match and sorts them itself, then the page's
    # rows are read (filters tested and snippets made for those only). `rank MATCH` sets the rank function.
    page = (
        sa.select(*_hit_columns(), snippet.label("snippet"), score.label("rank"))
        .select_from(joined)
        .where(match, *lead_tier, *filters, _fts.c.rank.op("MATCH")(_SQLITE_RANK))
        .order_by(_fts.c.rank)
    )
    count = sa.select(sa.func.count()).select_from(joined).where(match, *lead_tier, *filters)
    return _TierSQL(page, count)


def _tier_sql(
    tier: Tier, dialect: str, groups: Sequence[QueryGroup], filters: Sequence[ColumnElement[bool]]
) -> _TierSQL:
    return (_pg_tier if dialect == "postgresql" else _sqlite_tier)(tier, groups, filters)


def search_statement(query: SearchQuery, dialect: str) -> Select[*tuple[Any, ...]] | None:
    """The lead tier's select for `query` on `dialect`, or None when the text has nothing searchable.

    Kept for callers that use it to test whether a text is searchable; `is_searchable` says that directly.
    `search` may add the text tier's hits after these.
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
    """Make PostgreSQL plan this transaction's statements for their actual parameters, through the indexes.

    The best plan depends on the words: how many rows the GIN index returns decides between a bitmap scan
    and a walk. asyncpg runs statements as prepared statements, and after five executions PostgreSQL may
    switch a prepared statement to one generic plan that estimates every word alike. A custom plan folds
    websearch_to_tsquery (immutable) into a constant the column statistics can judge, and lets the planner
    match the text expression against the `article_search_text` index.

    Sequential scans are priced out: the planner costs `to_tsvector` at a fraction of what parsing an
    article's text takes (0.5-1.5 ms), so for a common word it would rather scan `articles` and parse every
    text than read the index. Every table a search touches has the index it needs. Both settings are
    transaction-local (one round trip).
    """
    await session.execute(
        sa.text(
            "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('enable_seqscan', 'off', true)"
        )
    )


async def search(
    session: AsyncSession, query: SearchQuery, *, filters: Iterable[ColumnElement[bool]] = ()
) -> list[SearchHit]:
    """Articles matching `query`, best first; `filters` are extra WHERE clauses over `Article`.

    The list is the lead tier's hits, then the text tier's; `query.offset`/`limit` page through it.
    """
    groups = parse_query(query.text)
    if not groups:
        return []
    dialect = _dialect(session)
    conditions = [*_query_filters(query), *filters]
    if dialect == "postgresql":
        await _plan_for_these_words(session)
        listed = _pg_listed_lead_tier(groups, conditions)
        if listed is not None:  # a common word's page from its top-k list, when the list fills it
            hits = await _page(session, listed, query.offset, query.limit)
            if len(hits) == query.limit:
                return hits
    lead = _tier_sql(Tier.LEAD, dialect, groups, conditions)
    hits = await _page(session, lead, query.offset, query.limit)
    if len(hits) == query.limit:
        return hits
    # The lead tier ran out inside this page (or before it): the text tier continues the list.
    lead_total = query.offset + len(hits)
    if not hits and query.offset:  # the page starts past the lead tier's end; by how much depends on its size
        lead_total = await session.scalar(lead.count) or 0
    text = _tier_sql(Tier.TEXT, dialect, groups, conditions)
    if text.newest is not None and text.scored is not None:
        newest = (await session.scalars(text.newest.limit(SCORED_TEXT_MATCHES + 1))).all()
        if len(newest) <= SCORED_TEXT_MATCHES:  # few enough to score them all on the whole document
            text = _TierSQL(text.scored(newest), text.count)
    return hits + await _page(session, text, max(0, query.offset - lead_total), query.limit - len(hits))
