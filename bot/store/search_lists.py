"""PostgreSQL's top-k lists: the best-ranked articles of each very common search word, kept exact.

Ranking every title-and-summary match of a word found in most articles reads and scores every one of their
lead vectors: 1.8 s for a word in 80% of a million articles. Search engines answer such words from lists
kept in rank order ("champion lists"); this module keeps them in two tables the migration `0011_search_lists`
creates (PostgreSQL only):

* `article_search_lists`: one row per listed word. `term` is the word's one-lexeme tsquery as text (`'budget'`,
  what `websearch_to_tsquery('linkbrief', 'budgets')::text` gives), and `(floor_rank, floor_article_id)` the
  lowest (rank, id) the list was built down to.
* `article_search_top`: for each listed word, **every** article whose lead matches it with (rank, id) at or
  above the floor, `rank` being the lead tier's own score (`ts_rank_cd(lead, term, 32)`).

The invariant "a list holds exactly the matches at or above its floor" is what makes a list's answer equal to
the full ranking: a page that the list fills is the full ranking's page (every match not in the list ranks
below every one in it), and a page it cannot fill (a deep page, or filters that pass few of its articles)
falls back to ranking every match (`bot.store.search.search`). It is kept by:

* `maintenance_statements`, run with every (re)indexing of an article: its rows leave every list, and it
  enters each list of a word its lead has whose floor it reaches (an article's lead changes only through
  indexing; unindexing and deleting an article remove its rows too);
* `refresh_search_lists`, which builds a list for each word PostgreSQL's own column statistics (`pg_stats`'
  most common elements of `article_search.lead`, kept by ANALYZE/autovacuum at no cost here) estimate in at
  least `LIST_MIN_MATCHES` leads. Each build locks `article_search` against writers (SHARE mode) for its one
  statement, so no article can be indexed between the ranking's snapshot and the list's commit unseen.

Lists only grow (an article above a floor enters; nothing is trimmed): at `LIST_SIZE` entries when built, a
list gains an entry only for an article that ranks among its word's best, which grows it like a record count
(logarithmically with the archive). The worker's periodic task calls the refresh (`bot.queue`); SQLite ranks
every match with FTS5 instead, fast enough at its scale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from bot.logs import get_logger

if TYPE_CHECKING:
    from bot.store.db import Database

log = get_logger(__name__)

# ts_rank_cd's normalisation: rank / (rank + 1). The lead tier ranks with it too (bot.store.search): a list's
# stored ranks are exact only while both use the same one.
RANK_NORMALISATION = 32
LISTS_TABLE = "article_search_lists"
TOP_TABLE = "article_search_top"
# Articles kept per list when it is built: 20 pages of 10 (`/brief` and `linkbrief search` show 10 or fewer).
LIST_SIZE = 200
# Estimated lead matches from which a word gets a list. Ranking a word's lead matches costs 1-13 µs each
# (more when their rows are scattered over a large table: a word in 3% of 100,000 leads took 37 ms), so above
# about a thousand matches a list is the faster answer; at a million articles about 5,000 words qualify
# (1,000,000 list rows, 50 B per article).
LIST_MIN_MATCHES = 1_000
# Only plain words: their tsquery text is `'word'` with nothing to escape (a lexeme with a quote, a backslash
# or a hyphenated compound would need quoting rules and is never among the most common words anyway).
_PLAIN_LEXEME = "^[[:alnum:]]+$"

lists_table = sa.table(
    LISTS_TABLE,
    sa.column("term", sa.Text),
    sa.column("floor_rank", sa.Float),
    sa.column("floor_article_id", sa.Integer),
)
top_table = sa.table(
    TOP_TABLE, sa.column("term", sa.Text), sa.column("rank", sa.Float), sa.column("article_id", sa.Integer)
)


def maintenance_statements(where: str) -> list[sa.TextClause]:
    """After the lead vectors of the articles `where` selects (a condition on `articles AS a`) were written:
    their rows leave every list, then each enters the lists of its lead's words whose floor it reaches."""
    return [
        sa.text(f"DELETE FROM {TOP_TABLE} AS t USING articles AS a WHERE t.article_id = a.id AND {where}"),  # noqa: S608
        sa.text(
            f"INSERT INTO {TOP_TABLE} (term, rank, article_id) "  # noqa: S608 - constant names
            f"SELECT l.term, ts_rank_cd(s.lead, CAST(l.term AS tsquery), {RANK_NORMALISATION}), s.article_id "
            "FROM articles AS a JOIN article_search AS s ON s.article_id = a.id "
            "CROSS JOIN LATERAL unnest(tsvector_to_array(s.lead)) AS x(lexeme) "
            f"JOIN {LISTS_TABLE} AS l ON l.term = '''' || x.lexeme || '''' "
            f"WHERE {where} "
            f"AND (ts_rank_cd(s.lead, CAST(l.term AS tsquery), {RANK_NORMALISATION}), s.article_id) "
            ">= (l.floor_rank, l.floor_article_id)"
        ),
    ]


def unindex_statement() -> sa.TextClause:
    """Remove one article (`:article_id`) from every list (its lead vector is being removed)."""
    return sa.text(f"DELETE FROM {TOP_TABLE} WHERE article_id = :article_id")  # noqa: S608


_COMMON_UNLISTED = sa.text(
    f"""
    SELECT '''' || e.lexeme || '''' AS term
    FROM pg_stats AS s
    JOIN pg_class AS c ON c.oid = CAST('article_search' AS regclass)
    CROSS JOIN LATERAL unnest(CAST(CAST(s.most_common_elems AS text) AS text[]), s.most_common_elem_freqs)
        AS e(lexeme, freq)
    WHERE s.schemaname = current_schema() AND s.tablename = 'article_search' AND s.attname = 'lead'
      AND e.lexeme ~ '{_PLAIN_LEXEME}' AND e.freq * c.reltuples >= :min_matches
      AND NOT EXISTS (SELECT 1 FROM {LISTS_TABLE} AS l WHERE l.term = '''' || e.lexeme || '''')
    ORDER BY e.freq DESC
    """  # noqa: S608 - constant names
)
_BUILD = [
    sa.text("LOCK TABLE article_search IN SHARE MODE"),
    sa.text(f"INSERT INTO {LISTS_TABLE} (term, floor_rank, floor_article_id) VALUES (:term, 0, 0)"),  # noqa: S608
    sa.text(
        f"INSERT INTO {TOP_TABLE} (term, rank, article_id) "  # noqa: S608 - constant names
        "SELECT CAST(:term AS text), "
        f"ts_rank_cd(lead, CAST(CAST(:term AS text) AS tsquery), {RANK_NORMALISATION}) AS rank, "
        "article_id FROM article_search WHERE lead @@ CAST(CAST(:term AS text) AS tsquery) "
        "ORDER BY rank DESC, article_id DESC LIMIT :size"
    ),
    # No match after all (the statistics are estimates): no list.
    sa.text(
        f"DELETE FROM {LISTS_TABLE} AS l WHERE l.term = :term "  # noqa: S608 - constant names
        f"AND NOT EXISTS (SELECT 1 FROM {TOP_TABLE} AS t WHERE t.term = l.term)"
    ),
    sa.text(
        f"UPDATE {LISTS_TABLE} AS l SET (floor_rank, floor_article_id) = ("  # noqa: S608 - constant names
        f"SELECT t.rank, t.article_id FROM {TOP_TABLE} AS t WHERE t.term = l.term "
        "ORDER BY t.rank, t.article_id LIMIT 1) WHERE l.term = :term"
    ),
]


async def common_unlisted_terms(session: AsyncSession, min_matches: int = LIST_MIN_MATCHES) -> list[str]:
    """The words PostgreSQL's statistics estimate in at least `min_matches` leads that have no list yet."""
    return list((await session.scalars(_COMMON_UNLISTED, {"min_matches": min_matches})).all())


async def build_search_list(session: AsyncSession, term: str, size: int = LIST_SIZE) -> None:
    """Build the list of `term` (a one-lexeme tsquery's text) in the session's transaction, which the caller
    commits at once: the SHARE lock on `article_search` holds writers back until then."""
    for statement in _BUILD:
        await session.execute(statement, {"term": term, "size": size})


async def refresh_search_lists(
    database: Database, *, min_matches: int = LIST_MIN_MATCHES, size: int = LIST_SIZE
) -> int:
    """Build a list for every common word that has none (PostgreSQL; nothing to do on SQLite), one short
    transaction each; returns how many were built. Safe to run from several processes at once: a second
    build of the same word fails on the list's primary key and is skipped."""
    if database.dialect != "postgresql":
        return 0
    async with database.session() as session:
        terms = await common_unlisted_terms(session, min_matches)
    built = 0
    for term in terms:
        try:
            async with database.session() as session, session.begin():
                await build_search_list(session, term, size)
        except sa.exc.IntegrityError:  # another process built it meanwhile
            continue
        built += 1
    if built:
        log.info("search_lists_built", words=built, size=size)
    return built
