"""Full-text search on real SQLite (FTS5) and real PostgreSQL (tsvector): ranking, tiers, snippets, filters,
stop words, safety."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
import sqlalchemy as sa

from bot.store import search as search_module
from bot.store.articles import NewArticle, add_article, latest_summary, save_summary
from bot.store.db import Database
from bot.store.models import Article, Share
from bot.store.search import (
    ENGLISH_STOP_WORDS,
    QueryGroup,
    SearchHit,
    SearchQuery,
    fts5_query,
    is_indexed,
    is_searchable,
    parse_query,
    search,
    search_statement,
)
from bot.summarize.base import QAPair, Summary

FILLER = (
    "The committee met on Tuesday to review the budget for the coming year. Several members asked for "
    "more detail on staffing costs, and the chair promised a written answer before the next meeting. "
)


def article(
    n: int,
    title: str,
    body: str,
    *,
    url: str | None = None,
    site_name: str | None = "Example News",
    published: date | None = date(2026, 3, 3),
    language: str = "en",
) -> NewArticle:
    text = f"{FILLER}{body} Filed as item {n}. {FILLER}"
    canonical = url or f"https://www.example.com/story/{n}"
    return NewArticle(
        canonical_url=canonical,
        url_key=canonical.split("://", 1)[1],
        title=title,
        author=None,
        published=published,
        site_name=site_name,
        language=language,
        text=text,
        word_count=len(text.split()),
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        simhash=n * 0x0101_0101_0101_0101,
    )


async def store(db: Database, *articles: NewArticle) -> list[int]:
    async with db.session() as session, session.begin():
        return [(await add_article(session, new))[0].id for new in articles]


async def run(db: Database, text: str, **kwargs: object) -> list[SearchHit]:
    async with db.session(read_only=True) as session:
        return await search(session, SearchQuery(text, **kwargs))  # type: ignore[arg-type]


async def test_title_match_outranks_body_match(database: Database) -> None:
    body_id, title_id = await store(
        database,
        article(1, "Budget review", "A short remark about telescopes appears in the minutes."),
        article(2, "New telescopes for the observatory", "The council approved the purchase."),
    )
    hits = await run(database, "telescopes")
    assert [hit.article_id for hit in hits] == [title_id, body_id]
    assert hits[0].rank > hits[1].rank > 0
    assert hits[0].title == "New telescopes for the observatory"
    assert hits[0].url == "https://www.example.com/story/2"
    assert hits[0].site_name == "Example News"
    assert hits[0].published == date(2026, 3, 3)


async def test_snippet_is_plain_text_around_the_match(database: Database) -> None:
    await store(
        database,
        article(1, "Budget", "Engineers replaced the <main> valve & the pump after the flood damage."),
    )
    (hit,) = await run(database, "flood")
    assert "flood" in hit.snippet.lower()
    assert "<b>" not in hit.snippet
    assert "</b>" not in hit.snippet
    assert "\n" not in hit.snippet


async def test_site_filter_matches_host_subdomains_and_site_name(database: Database) -> None:
    plain, sub, other, named = await store(
        database,
        article(1, "Harbour report", "harbour", url="https://www.example.com/a"),
        article(2, "Harbour report", "harbour", url="https://news.example.com/b"),
        article(3, "Harbour report", "harbour", url="https://notexample.com/c", site_name=None),
        article(4, "Harbour report", "harbour", url="https://cdn.host.net/d", site_name="The Ledger"),
    )
    assert {h.article_id for h in await run(database, "harbour", site="example.com")} == {plain, sub}
    assert {h.article_id for h in await run(database, "harbour", site="www.example.com")} == {
        plain,
        sub,
    }
    assert {h.article_id for h in await run(database, "harbour", site="news.example.com")} == {sub}
    assert {h.article_id for h in await run(database, "harbour", site="notexample.com")} == {other}
    assert {h.article_id for h in await run(database, "harbour", site="the ledger")} == {named}
    assert await run(database, "harbour", site="example") == []


async def test_date_filters_are_exclusive_and_skip_undated(database: Database) -> None:
    jan, feb, mar, _undated = await store(
        database,
        article(1, "Glacier", "glacier", published=date(2026, 1, 15)),
        article(2, "Glacier", "glacier", published=date(2026, 2, 15)),
        article(3, "Glacier", "glacier", published=date(2026, 3, 15)),
        article(4, "Glacier", "glacier", published=None),
    )
    assert len(await run(database, "glacier")) == 4
    after = {h.article_id for h in await run(database, "glacier", after=date(2026, 2, 15))}
    assert after == {mar}
    before = {h.article_id for h in await run(database, "glacier", before=date(2026, 2, 15))}
    assert before == {jan}
    between = await run(database, "glacier", after=date(2026, 1, 1), before=date(2026, 3, 1))
    assert {h.article_id for h in between} == {jan, feb}


async def test_limit_and_offset_page_through_results(database: Database) -> None:
    ids = await store(database, *(article(n, f"Volcano note {n}", "volcano " * n) for n in range(1, 8)))
    everything = await run(database, "volcano", limit=20)
    assert {h.article_id for h in everything} == set(ids)
    pages = [await run(database, "volcano", limit=3, offset=o) for o in (0, 3, 6)]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [h.article_id for page in pages for h in page] == [h.article_id for h in everything]
    with pytest.raises(ValueError, match="limit"):
        SearchQuery("x", limit=0)
    with pytest.raises(ValueError, match="offset"):
        SearchQuery("x", offset=-1)


HOSTILE_QUERIES = [
    '"',
    '""',
    "AND(",
    "*",
    "-",
    ":",
    "title:volcano",
    "NEAR(volcano budget)",
    "volcano OR",
    "OR",
    "-volcano",
    "^volcano",
    "volcano*",
    "((((",
    "\\",
    "%_",
    "",
    "   ",
    "'; DROP TABLE articles; --",
    "\x00volcano",
    "🌋 volcano",
    "a" * 5000,
    "volcano " * 300,
    '"unterminated volcano',
    "{volcano budget}",
    "volcano AND OR NOT",
]


@pytest.mark.parametrize("text", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_fts5_query_quotes_every_term(text: str) -> None:
    expression = fts5_query(text)
    if expression is not None:
        stripped = expression.replace(" AND ", " ").replace(" OR ", " ").replace(" NOT ", " ")
        for token in stripped.replace("(", " ").replace(")", " ").split('"')[::2]:
            assert token.strip() == ""  # nothing outside double quotes but operators and brackets


async def test_hostile_queries_do_not_raise(database: Database) -> None:
    (volcano,) = await store(database, article(1, "Volcano watch", "The volcano erupted at dawn."))
    for text in HOSTILE_QUERIES:
        hits = await run(database, text)
        assert all(hit.article_id == volcano for hit in hits), text
    # Search syntax still means what it says, on both databases.
    assert [h.article_id for h in await run(database, '"unterminated volcano')] == []
    assert [h.article_id for h in await run(database, '"volcano erupted')] == [volcano]
    assert [h.article_id for h in await run(database, '"erupted volcano"')] == []
    assert [h.article_id for h in await run(database, "volcano -dawn")] == []
    assert [h.article_id for h in await run(database, "glacier or volcano")] == [volcano]
    assert [h.article_id for h in await run(database, "volcano ___")] == [volcano]  # "_" is no word on either


async def test_non_english_text_with_diacritics(database: Database) -> None:
    german, french = await store(
        database,
        article(
            1,
            "Bürgerinitiative kämpft für das Schwimmbad",
            "Die Schließung des Hallenbads in Köln sorgt für Ärger bei den Bürgern.",
            language="de",
        ),
        article(2, "Le café du coin", "Un café crème à la terrasse, près de l'église.", language="fr"),
    )
    for text in ("Köln", "koln", "KÖLN", "Ärger", "Hallenbads", "bürgerinitiative"):
        assert [h.article_id for h in await run(database, text)] == [german], text
    for text in ("café", "cafe", "église", "eglise"):
        assert [h.article_id for h in await run(database, text)] == [french], text


async def test_summary_fields_are_searchable_after_save_summary(database: Database) -> None:
    (article_id,) = await store(database, article(1, "Quarterly minutes", "Nothing unusual."))
    assert await run(database, "zeppelin") == []

    first = Summary(
        tldr="A zeppelin hangar will be converted.",
        key_points=("Funding comes from a lottery grant.",),
        qa=(QAPair("Who objects?", "The ornithologists."),),
        summarizer="extractive",
    )
    async with database.session() as session, session.begin():
        await save_summary(session, article_id, first)
    for text in ("zeppelin", "lottery", "ornithologists", "objects"):
        hits = await run(database, text)
        assert [h.article_id for h in hits] == [article_id], text
    assert hits[0].tldr == "A zeppelin hangar will be converted."

    replacement = Summary(tldr="A hangar plan.", summarizer="extractive")
    async with database.session() as session, session.begin():
        await save_summary(session, article_id, replacement)
    assert await run(database, "zeppelin") == []  # the replaced summary is no longer indexed
    (hit,) = await run(database, "hangar")
    assert hit.tldr == "A hangar plan."


async def test_callers_can_add_filters_such_as_visible_channels(database: Database) -> None:
    in_general, in_private, unshared = await store(
        database,
        article(1, "Comet sighting", "comet"),
        article(2, "Comet sighting", "comet"),
        article(3, "Comet sighting", "comet"),
    )
    async with database.session() as session, session.begin():
        for article_id, channel in ((in_general, "CGENERAL"), (in_private, "GSECRET")):
            session.add(
                Share(
                    team_id="T1",
                    channel_id=channel,
                    channel_type="channel",
                    message_ts="1.0",
                    user_id="U1",
                    url=f"https://www.example.com/story/{article_id}",
                    article_id=article_id,
                )
            )
    visible = sa.exists().where(Share.article_id == Article.id, Share.channel_id.in_(["CGENERAL"]))
    async with database.session(read_only=True) as session:
        hits = await search(session, SearchQuery("comet"), filters=[visible])
        everything = await search(session, SearchQuery("comet"))
    assert [h.article_id for h in hits] == [in_general]
    assert {h.article_id for h in everything} == {in_general, in_private, unshared}


# --- tiers: title and summary matches first, then text matches ------------------------------------------------


async def summarise(db: Database, article_id: int, tldr: str) -> None:
    async with db.session() as session, session.begin():
        await save_summary(session, article_id, Summary(tldr=tldr, summarizer="extractive"))


async def test_title_match_comes_first_however_often_the_text_repeats_the_word(database: Database) -> None:
    body_id, title_id = await store(
        database,
        article(1, "Budget review", "Telescopes, telescopes and more telescopes. " * 20),
        article(2, "New telescopes for the observatory", "The council approved the purchase."),
    )
    hits = await run(database, "telescopes")
    assert [hit.article_id for hit in hits] == [title_id, body_id]
    assert 1 <= hits[0].rank < 2
    assert 0 < hits[1].rank < 1


async def test_text_matches_fill_the_page_when_titles_and_summaries_have_too_few(database: Database) -> None:
    in_title, in_summary, often_in_text, once_in_text = await store(
        database,
        article(1, "Orchid show opens", "Visitors queued from early morning."),
        article(2, "Greenhouse report", "The heating failed twice this winter."),
        article(3, "Garden notes", "The orchid house, the orchid trail and the orchid shop reopened."),
        article(4, "Market day", "One stall sold a single orchid."),
    )
    await summarise(database, in_summary, "An orchid collection survived the cold.")
    hits = await run(database, "orchid")
    # Lead hits (title above summary) first, then text-only hits ranked on the whole document.
    assert [h.article_id for h in hits] == [in_title, in_summary, often_in_text, once_in_text]
    assert [h.rank >= 1 for h in hits] == [True, True, False, False]
    assert hits[0].rank > hits[1].rank
    assert hits[2].rank > hits[3].rank > 0
    assert "orchid" in hits[2].snippet.lower()

    # Pages are slices of that one list, also across the boundary between the tiers, and when a page starts
    # past the end of the title-and-summary hits.
    everything = [h.article_id for h in hits]
    for limit in (1, 2, 3):
        for offset in range(5):
            page = await run(database, "orchid", limit=limit, offset=offset)
            assert [h.article_id for h in page] == everything[offset : offset + limit], (limit, offset)


async def test_a_title_only_match_gets_the_opening_of_the_text_as_snippet(database: Database) -> None:
    (article_id,) = await store(database, article(1, "Lighthouse keepers", "Nobody mentions the tower here."))
    (hit,) = await run(database, "lighthouse")
    assert hit.article_id == article_id
    assert hit.snippet.startswith("The committee met on Tuesday")
    assert "<" not in hit.snippet
    assert "\n" not in hit.snippet


async def test_exclusions_apply_to_the_whole_article(database: Database) -> None:
    title_and_text, title_only = await store(
        database,
        article(1, "Volcano watch", "The crater glowed at dawn."),
        article(2, "Volcano watch", "The crater glowed at dusk."),
    )
    assert [h.article_id for h in await run(database, "volcano -dawn")] == [title_only]
    assert await run(database, "volcano -watch") == []
    assert {h.article_id for h in await run(database, "volcano -tuesday or dawn")} == {title_and_text}


async def store_many(db: Database, articles: list[NewArticle]) -> list[int]:
    """Store through the real `add_article`, a few hundred per transaction."""
    ids: list[int] = []
    for start in range(0, len(articles), 300):
        ids += await store(db, *articles[start : start + 300])
    return ids


async def test_an_old_relevant_article_outranks_a_thousand_newer_weak_matches(database: Database) -> None:
    """Every match is ranked, not only the newest 1,000: the oldest article is the one about the word."""
    (about_it,) = await store(database, article(1, "Harbour dredging: the harbour plan", "The harbour silted up."))
    await summarise(database, about_it, "The harbour will be dredged before the harbour festival.")
    weak = await store_many(
        database, [article(n, f"Council notes {n}: roads, parks and the harbour", "x") for n in range(2, 1_202)]
    )
    hits = await run(database, "harbour", limit=5)
    assert hits[0].article_id == about_it
    assert {h.article_id for h in hits[1:]} <= set(weak)
    # The second page continues the same ranking, and a caller's filter is applied to the ranked list (the
    # best visible match comes first, however many newer matches it hides).
    second = await run(database, "harbour", limit=5, offset=5)
    assert not {h.article_id for h in second} & {h.article_id for h in hits}
    hidden_newest = sa.not_(Article.id.in_(weak[-1_100:]))
    async with database.session(read_only=True) as session:
        filtered = await search(session, SearchQuery("harbour", limit=3), filters=[hidden_newest])
    assert filtered[0].article_id == about_it
    assert {h.article_id for h in filtered[1:]} <= set(weak[:-1_100])


async def test_sqlite_ranks_every_text_only_match_too(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        await db.migrate()
        (about_it,) = await store(db, article(1, "Notes", "The ferry, the ferry timetable and the ferry strike."))
        await store_many(db, [article(n, "Notes", f"Item {n} mentions the ferry once.") for n in range(2, 1_202)])
        hits = await run(db, "ferry", limit=3)
    finally:
        await db.dispose()
    assert hits[0].article_id == about_it
    assert all(hit.rank < 1 for hit in hits)  # text-tier hits


async def test_postgresql_lists_many_text_only_matches_newest_first_through_the_index(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL keeps no tsvector of the text, only its GIN index: scoring a text-only match parses its text
    # again, so beyond SCORED_TEXT_MATCHES of them the text tier lists them newest first, all reachable.
    monkeypatch.setattr(search_module, "SCORED_TEXT_MATCHES", 5)
    db = Database(pg_url)
    try:
        await db.migrate()
        (lead,) = await store(db, article(1, "Ferry timetable", "x"))
        old = await store(db, article(2, "Notes", "ferry ferry ferry"), article(3, "Notes", "ferry ferry"))
        newer = await store(db, *(article(n, "Notes", f"Item {n}: the ferry.") for n in range(4, 8)))
        first = await run(db, "ferry", limit=4)
        second = await run(db, "ferry", limit=4, offset=4)
        async with db.session(read_only=True) as session:
            await session.execute(sa.text("SELECT set_config('enable_seqscan', 'off', true)"))
            statement = search_module._tier_sql(search_module.Tier.TEXT, "postgresql", parse_query("ferry"), [])
            compiled = statement.page.limit(10).compile(db.engine.sync_engine, compile_kwargs={"literal_binds": True})
            plan = list(await session.scalars(sa.text(f"EXPLAIN {compiled}")))
        monkeypatch.setattr(search_module, "SCORED_TEXT_MATCHES", 6)  # now few enough: scored
        scored = await run(db, "ferry", limit=10)
    finally:
        await db.dispose()
    assert [h.article_id for h in first + second] == [lead, *reversed(newer), *reversed(old)]
    assert first[0].rank >= 1
    assert all(h.rank == search_module.TEXT_ONLY_RANK for h in first[1:] + second)
    assert [h.article_id for h in scored[:3]] == [lead, *old]
    # The text's words are looked up in the `article_search_text` index, never by parsing texts row by row.
    assert any("Bitmap Index Scan on article_search_text" in line for line in plan)
    parsed = [line.strip() for line in plan if "to_tsvector" in line]
    assert parsed
    assert all(line.startswith(("Recheck Cond:", "Index Cond:")) for line in parsed), plan


async def test_deleting_an_article_removes_it_from_the_index(database: Database) -> None:
    gone, kept = await store(database, article(1, "Reactor story", "x"), article(2, "Reactor story", "y"))
    async with database.session() as session, session.begin():
        await session.execute(sa.delete(Article).where(Article.id == gone))
    assert [h.article_id for h in await run(database, "reactor")] == [kept]
    # FTS5 keeps one size record per indexed article (external content: the rows themselves are the articles).
    indexed = "article_search_docsize" if database.dialect == "sqlite" else "article_search"
    async with database.session(read_only=True) as session:
        assert await session.scalar(sa.text(f"SELECT count(*) FROM {indexed}")) == 1  # noqa: S608
        assert await is_indexed(session, kept)
        assert not await is_indexed(session, gone)


async def _search_structure_bytes(db: Database) -> int:
    """Bytes the search index occupies (FTS5's shadow tables; PostgreSQL's search table and text index)."""
    async with db.session(read_only=True) as session:
        if db.dialect == "sqlite":
            total = 0
            for table in ("article_search", "article_search_lead"):
                index = await session.scalar(sa.text(f"SELECT sum(length(block)) FROM {table}_data"))  # noqa: S608
                sizes = await session.scalar(sa.text(f"SELECT sum(length(sz)) FROM {table}_docsize"))  # noqa: S608
                total += int(index or 0) + int(sizes or 0)
            return total
        size = await session.scalar(
            sa.text("SELECT pg_total_relation_size('article_search') + pg_relation_size('article_search_text')")
        )
        return int(size or 0)


async def test_the_index_keeps_no_second_copy_of_the_text(database: Database) -> None:
    words = [f"{stem}{suffix}" for stem in ("harb", "quay", "pier", "dock", "tide") for suffix in "abcdefghij"]
    sentences = [" ".join(words[(i * 7 + j) % len(words)] for j in range(12)).capitalize() + "." for i in range(2000)]
    text = " ".join(sentences)  # about 130,000 characters
    before = await _search_structure_bytes(database)
    (article_id,) = await store(database, article(1, "Harbour log", text))
    grown = await _search_structure_bytes(database) - before
    assert grown < len(text) / 2  # the old layout stored the text itself once more (and more on PostgreSQL)
    async with database.session(read_only=True) as session:
        if database.dialect == "sqlite":
            tables = set(await session.scalars(sa.text("SELECT name FROM sqlite_master WHERE type = 'table'")))
            assert "article_search_data" in tables
            assert "article_search_lead_data" in tables
            # External content: the rows are the articles, neither index keeps its own copy of them.
            assert "article_search_content" not in tables
            assert "article_search_lead_content" not in tables
        else:
            columns = await session.scalars(
                sa.text("SELECT column_name FROM information_schema.columns WHERE table_name = 'article_search'")
            )
            assert set(columns) == {"article_id", "lead"}
    # Still found by a word of the text only, with a snippet read from the stored text.
    (hit,) = await run(database, "tidej")
    assert hit.article_id == article_id
    assert "tidej" in hit.snippet.lower()


# --- stop words ---------------------------------------------------------------------------------------------

STOP_WORD_QUERIES = ["the", "The", "of the and", '"to be or not to be"', "-the", "the or and", "it's", "THÉ"]


@pytest.mark.parametrize("text", STOP_WORD_QUERIES)
def test_stop_words_alone_are_nothing_to_search(text: str) -> None:
    assert not is_searchable(text)
    assert fts5_query(text) is None
    assert search_statement(SearchQuery(text), "sqlite") is None
    assert search_statement(SearchQuery(text), "postgresql") is None


def test_stop_words_are_dropped_but_kept_inside_phrases() -> None:
    assert fts5_query("the volcano") == '(("volcano"))'
    assert fts5_query("whom volcano -the") == '(("volcano"))'
    assert fts5_query('"cat in the hat"') == '(("cat in the hat"))'
    assert parse_query("volcano or the") == (QueryGroup((("volcano",),)),)


async def test_stop_word_queries_find_the_same_on_both_databases(database: Database) -> None:
    (volcano,) = await store(database, article(1, "Volcano watch", "The volcano erupted at dawn."))
    for text in STOP_WORD_QUERIES:
        assert await run(database, text) == [], text
        assert await run(database, text, site="example.com") == [], text
    # A stop word next to real words is ignored on both ("whom" is in no stored text).
    assert [h.article_id for h in await run(database, "whom volcano")] == [volcano]
    assert [h.article_id for h in await run(database, "volcano -whom")] == [volcano]


@pytest.mark.postgresql
async def test_stop_word_list_is_what_postgresql_drops(pg_url: str) -> None:
    db = Database(pg_url)
    try:
        await db.migrate()
        async with db.engine.connect() as connection:
            words = [*sorted(ENGLISH_STOP_WORDS), "volcano", "budget", "also", "said", "would"]
            rows = await connection.execute(
                sa.text("SELECT w, numnode(plainto_tsquery('linkbrief', w)) FROM unnest(CAST(:words AS text[])) AS w"),
                {"words": words},
            )
            dropped = {word for word, nodes in rows if nodes == 0}
    finally:
        await db.dispose()
    assert dropped == ENGLISH_STOP_WORDS


_FTS5_INDEXES = {"article_search": "title, summary, text", "article_search_lead": "title, summary"}


async def assert_indexed_once_as_stored(db: Database, articles: int) -> None:
    """The search index holds each of the `articles` stored articles once, with exactly what its stored row and
    latest summary say. SQLite: each FTS5 index equals a fresh one built from the view in every (word, article,
    column, position) and in its totals record (documents and tokens per column, counting an article indexed
    twice twice, where queries see only its newest entry). PostgreSQL: one lead vector per article, equal to one
    computed afresh (the text's index is an expression index on the row itself)."""
    async with db.engine.begin() as connection:
        if db.dialect == "postgresql":
            lead = search_module._PG_LEAD
            rows = await connection.scalar(sa.text("SELECT count(*) FROM article_search"))
            exact = await connection.scalar(
                sa.text(
                    "SELECT count(*) FROM article_search AS s JOIN articles AS a ON a.id = s.article_id "  # noqa: S608
                    f"WHERE s.lead = {lead}"
                )
            )
            assert rows == exact == articles
            return
        for table, columns in _FTS5_INDEXES.items():
            assert await connection.scalar(sa.text(f"SELECT count(*) FROM {table}_docsize")) == articles  # noqa: S608
            for statement in (
                f"CREATE VIRTUAL TABLE temp.fresh USING fts5({columns}, "
                "tokenize = 'porter unicode61 remove_diacritics 2')",
                f"INSERT INTO temp.fresh (rowid, {columns}) SELECT id, {columns} FROM article_search_source",  # noqa: S608
                f"CREATE VIRTUAL TABLE temp.kept_words USING fts5vocab(main, {table}, instance)",
                "CREATE VIRTUAL TABLE temp.fresh_words USING fts5vocab(temp, fresh, instance)",
            ):
                await connection.execute(sa.text(statement))
            counts = [
                await connection.scalar(sa.text(f"SELECT count(*) FROM temp.{name}"))  # noqa: S608
                for name in ("kept_words", "fresh_words")
            ]
            differing = await connection.execute(
                sa.text(
                    "SELECT * FROM (SELECT * FROM temp.kept_words EXCEPT SELECT * FROM temp.fresh_words) "
                    "UNION ALL SELECT * FROM (SELECT * FROM temp.fresh_words EXCEPT SELECT * FROM temp.kept_words) "
                    "LIMIT 3"
                )
            )
            assert differing.all() == [], table
            assert counts[0] == counts[1] > 0, table
            totals = [
                await connection.scalar(sa.text(f"SELECT block FROM {name}_data WHERE id = 1"))  # noqa: S608
                for name in (table, "temp.fresh")
            ]
            assert totals[0] == totals[1], table
            for name in ("kept_words", "fresh_words", "fresh"):
                await connection.execute(sa.text(f"DROP TABLE temp.{name}"))


async def test_an_article_stored_with_its_first_summary_is_indexed_once_with_both(database: Database) -> None:
    """`add_article(summary=…)`: the article, its summary and its one search entry in one transaction."""
    new = article(1, "Harbour ferries", "The night boats carried record numbers of passengers.")
    summary = Summary(
        tldr="Lindqvist doubles its timetable.",
        key_points=("Quayside kiosks open at dawn.",),
        qa=(QAPair("Who pays?", "The ferrymen's guild."),),
        summarizer="extractive",
    )
    async with database.session() as session, session.begin():
        row, created = await add_article(session, new, summary=summary)
        assert await is_indexed(session, row.id)
    assert created
    for text in ("passengers", "timetable", "kiosks", "guild", "harbour"):
        assert [hit.article_id for hit in await run(database, text)] == [row.id], text
    (hit,) = await run(database, "timetable")
    assert hit.tldr == "Lindqvist doubles its timetable."
    assert 1 <= hit.rank < 2  # a summary word: a lead hit
    (hit,) = await run(database, "passengers")
    assert hit.rank < 1  # a text word only
    async with database.session(read_only=True) as session:
        assert await latest_summary(session, row.id) == summary
    await assert_indexed_once_as_stored(database, 1)


async def test_replacing_the_first_summary_re_indexes_the_article(database: Database) -> None:
    new = article(1, "Harbour ferries", "The night boats carried record numbers of passengers.")
    first = Summary(tldr="A zeppelin hangar becomes a ferry terminal.", summarizer="extractive")
    other = article(2, "Orchard survey", "Volunteers mapped every old apple tree in the valley.")
    async with database.session() as session, session.begin():
        row, _ = await add_article(session, new, summary=first)
        neighbour, _ = await add_article(session, other, summary=Summary(tldr="Apples.", summarizer="extractive"))

    replacement = Summary(tldr="Lindqvist doubles its timetable.", summarizer="extractive")
    async with database.session() as session, session.begin():
        await save_summary(session, row.id, replacement)
    assert await run(database, "zeppelin") == []  # the first summary left the index
    assert [hit.article_id for hit in await run(database, "timetable")] == [row.id]
    assert [hit.article_id for hit in await run(database, "passengers")] == [row.id]
    assert [hit.article_id for hit in await run(database, "apples")] == [neighbour.id]
    await assert_indexed_once_as_stored(database, 2)

    by_llm = Summary(tldr="An airship shed, repurposed.", summarizer="llm")  # a second row, now the latest
    async with database.session() as session, session.begin():
        await save_summary(session, row.id, by_llm)
    assert await run(database, "timetable") == []
    (hit,) = await run(database, "airship")
    assert (hit.article_id, hit.tldr) == (row.id, "An airship shed, repurposed.")
    await assert_indexed_once_as_stored(database, 2)


async def test_an_article_stored_without_a_summary_is_indexed_and_gains_one_later(database: Database) -> None:
    new = article(2, "Orchard survey", "Volunteers mapped every old apple tree in the valley.")
    async with database.session() as session, session.begin():
        row, _ = await add_article(session, new)
    assert [hit.article_id for hit in await run(database, "apple")] == [row.id]
    assert await run(database, "cider") == []
    await assert_indexed_once_as_stored(database, 1)
    async with database.session() as session, session.begin():
        await save_summary(session, row.id, Summary(tldr="The valley's cider trees, mapped.", summarizer="x"))
    assert [hit.article_id for hit in await run(database, "cider")] == [row.id]
    await assert_indexed_once_as_stored(database, 1)
