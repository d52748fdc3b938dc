"""Where the text starts and ends, which title it gets, and which pages are no article (issue #8, items 1–3).

Everything here goes through the real command, `linkbrief summarize URL… --json`, against pages served on
127.0.0.1. Starting the command costs seconds, so each group of cases is one run over many pages; every page
carries its own original article (tests/pages_head.py), because pages with the same body would be recognised as
duplicates of each other.

The furniture on these pages stands inside the article container, as plain <p>/<div>/<span> elements: that is
where extractors keep it. When the pages were written, each furniture line of HEAD_CASES and TAIL_CASES (and the
caption and "Advertisement" lines) came back from trafilatura alone and from linkbrief with `trim_furniture`
switched off, so each case exercises one of linkbrief's own rules, not something the extractors drop anyway.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from articles import TRAIN, TRAIN_TITLE
from clirun import clean_env, run_cli, summarize_pages, summarize_pages_once
from pages_head import (
    ALLOTMENT,
    ALLOTMENT_ITEMS,
    ALLOTMENT_TITLE,
    BEES,
    BEES_TITLE,
    BOOKSHOP,
    BOOKSHOP_TITLE,
    CHESS,
    CHESS_TITLE,
    CYCLE,
    CYCLE_TITLE,
    DIG,
    DIG_TITLE,
    EBIKE,
    EBIKE_TITLE,
    FACTORY,
    FACTORY_TITLE,
    FIRE,
    FIRE_TITLE,
    FLOOD,
    FLOOD_TITLE,
    GLACIER,
    GLACIER_TITLE,
    HIGHWAY,
    HIGHWAY_TITLE,
    LUNCH,
    LUNCH_TITLE,
    MUSEUM,
    MUSEUM_TITLE,
    PRAIA,
    PRAIA_TITLE,
    ROBBERY,
    ROBBERY_KICKER,
    ROBBERY_TITLE,
    STRIKE,
    STRIKE_TITLE,
    TEASERS,
    TELESCOPE,
    TELESCOPE_TITLE,
    Page,
    article_page,
    listing_page,
    teaser_cards,
)

from bot.store.db import Database

SITE = "The Northern Ledger"

# The furniture lines, each as the page shows it.
TIMESTAMP = "January 12, 2008 08:57am"
LAST_UPDATED = "Last updated: 3 March 2026 14:05 GMT"
BYLINE = "By Jane Roe and John Poe | Monday, March 2nd 2026, 11:33 GMT"
BYLINE_HEADER = "By Maja Holt and Per Sand | Saturday, April 4th 2026, 09:12 GMT"
READING_TIME = "4 min read"
READING_TIME_PT = "Tempo de leitura: 2 minutos"
SERVICE_BAR = ["Home", "World", "Business", "Subscribe now", "How to advertise"]
SHARE_BAR = ["Digg", "Facebook", "E-mail", "Print"]
EDITORS_NOTE = "UPDATES with at least 10 suspects in custody."
WIRE_SLUG = "p0734 BC-Farholm-Strike 2ndLd-Writethru 01-18 0726"
POLL = "Poll: Should every school in the city keep bees on its roof?"
SLOGAN = "Please support local business!"
DISCLOSURE = (
    "This article contains affiliate links. If you buy a product through one of them, we may earn a commission."
)
CAPTION = "Firefighters spray water on the roof of the timber warehouse on Tuesday evening. (Photo: Lena Holm/Reuters)"
FURTHER_READING = [
    "Glaciers in the northern ranges lost a tenth of their ice in a decade",
    "How meltwater reservoirs work, and what they cost",
    "Drones replace stakes and ropes in mountain surveys",
]
FURTHER_CHESS = [
    "The youngest grandmasters of the last twenty years and where they are now",
    "School chess clubs report record numbers of members after the pandemic",
    "How the open championship in Rosendal is organised by its volunteers",
]
TALKBACK = "Talkback - Add your opinion"
COPYRIGHT = "© 2026 The Northern Ledger. All rights reserved."
SECTION = "U.S. & World"


def _bar(items: list[str]) -> str:
    return " | ".join(f"<span>{item}</span>" for item in items)


# "Further Reading" as older CMSs print it (links one per line in a paragraph) and as newer ones do (a heading,
# then one paragraph per link with its date); extractors keep both shapes.
FURTHER_READING_LINES = (
    "<p><strong>Further Reading</strong><br>"
    + "<br>".join(f'<a href="/further/{i}">{text}</a>' for i, text in enumerate(FURTHER_READING))
    + "</p>"
)
FURTHER_READING_DATED = "<h3>Further Reading</h3>" + "".join(
    f'<p><a href="/further/{i}">{text}</a>, {12 + i} May 2025</p>' for i, text in enumerate(FURTHER_CHESS)
)
ADVERT = "<p><span>Advertisement</span></p>"

# One page per furniture kind (so a failure names its rule), each also carrying one title or metadata case.
PAGES: dict[str, Page] = {
    # <title> "Headline | Site"; a timestamp line on top; "Further Reading" with links at the end.
    "/timestamp": article_page(GLACIER_TITLE, GLACIER, head=f"<p>{TIMESTAMP}</p>", tail=FURTHER_READING_LINES),
    # <title> "Site: Headline"; a "Last updated" line on top; a comment prompt at the end.
    "/last-updated": article_page(
        LUNCH_TITLE,
        LUNCH,
        title_tag="{site}: {title}",
        head=f"<p><span>{LAST_UPDATED}</span></p>",
        tail=f"<div><p>{TALKBACK}</p></div>",
    ),
    # <title> "Headline - Section - Site"; a byline with date and no author meta; a copyright line at the end.
    "/byline": article_page(
        CYCLE_TITLE,
        CYCLE,
        title_tag="{title} - Transport - {site}",
        author=None,
        head=f"<p>{BYLINE}</p>",
        tail=f"<p>{COPYRIGHT}</p>",
    ),
    # The byline with its date in the article's header, where trafilatura reads the author from it.
    "/byline-header": article_page(FLOOD_TITLE, FLOOD, author=None, header=f'<p class="byline">{BYLINE_HEADER}</p>'),
    # <h1> is the site's logo; the headline is in og:title and JSON-LD; <title> is the site name.
    "/reading-time": article_page(
        CHESS_TITLE,
        CHESS,
        title_tag="{site}",
        header_h1=SITE,
        h1=None,
        json_ld_headline="{title}",
        head=f"<p>{READING_TIME}</p>",
        tail=FURTHER_READING_DATED,
    ),
    # A Portuguese page with its reading time on top.
    "/tempo-de-leitura": article_page(
        PRAIA_TITLE,
        PRAIA,
        site_name="Jornal do Vale",
        author="Rita Lopes",
        lang="pt",
        head=f"<p>{READING_TIME_PT}</p>",
    ),
    # <h1> is a section name that is also a menu entry; a service bar on top.
    "/service-bar": article_page(
        DIG_TITLE,
        DIG,
        title_tag="{title} | " + SECTION + " | {site}",
        header_h1=f'<a href="/us-world">{SECTION.replace("&", "&amp;")}</a>',
        h1=None,
        nav=["Home", SECTION, "Business", "Science", "Sport"],
        head=f"<p>{_bar(SERVICE_BAR)}</p>",
    ),
    # Only a <title>, nothing else names the article; a share bar on top.
    "/share-bar": article_page(
        TRAIN_TITLE,
        TRAIN,
        site_name=None,
        title_tag="{title}",
        og_title=None,
        h1=None,
        head=f"<p>{_bar(SHARE_BAR)}</p>",
    ),
    # A kicker + headline <h1> that og:title agrees with; a wire editor's note on top.
    "/editors-note": article_page(
        ROBBERY_TITLE,
        ROBBERY,
        h1=f'<span class="kicker">{ROBBERY_KICKER}:</span> {ROBBERY_TITLE}',
        head=f"<p>{EDITORS_NOTE}</p>",
    ),
    # og:title, twitter:title and <title> are the wire slug; the <h1> is the headline; the slug line on top.
    "/wire-slug": article_page(
        STRIKE_TITLE,
        STRIKE,
        title_tag=WIRE_SLUG,
        og_title=WIRE_SLUG,
        extra_meta=f'<meta name="twitter:title" content="{WIRE_SLUG}">',
        head=f"<p>{WIRE_SLUG}</p>",
    ),
    # Author meta with a role; lone "Advertisement" lines on top and between paragraphs.
    "/advertisement": article_page(
        FACTORY_TITLE,
        FACTORY,
        author="Tom Krisher; AP Auto Writer",
        head=ADVERT,
        between={1: ADVERT, 3: ADVERT},
    ),
    "/poll": article_page(
        BEES_TITLE,
        BEES,
        head=f"<div><p>{POLL}</p><p><span>Yes</span> <span>No</span></p></div>",
    ),
    "/slogan": article_page(BOOKSHOP_TITLE, BOOKSHOP, head=f"<p>{SLOGAN}</p>"),
    "/disclosure": article_page(EBIKE_TITLE, EBIKE, head=f"<p><em>{DISCLOSURE}</em></p>"),
    # The only site name is a copyright line; a captioned photo credit between paragraphs.
    "/caption": article_page(
        FIRE_TITLE,
        FIRE,
        site_name=None,
        copyright_meta="© MMXXVI, Harbour Media Corporation. All Rights Reserved.",
        between={1: f"<p><span>{CAPTION}</span></p>"},
    ),
    # An opening that needs no cleaning (the rules must leave it alone); the <h1> is the site's logo, og:title the
    # headline and <title> "Headline | Site", the most common shape of all.
    "/plain": article_page(TELESCOPE_TITLE, TELESCOPE, header_h1=SITE, h1=None),
    # An old blog theme: only <title> names the article, as "Headline : Site | Tagline | Since 2005", and the
    # <h1> is the site's logo.
    "/blog-theme": article_page(
        HIGHWAY_TITLE,
        HIGHWAY,
        site_name="Roadlog Archive",
        title_tag="{title} : {site} | Notes on roads and rails | Since 2005",
        og_title=None,
        header_h1="Roadlog",
        h1=None,
    ),
}


def _home_page() -> str:
    """A home page: 24 story cards in a <ul>, each a linked headline and one sentence."""
    cards = "".join(f"<li>{card}</li>" for card in teaser_cards(TEASERS))
    return listing_page(f"{SITE} – News from the north", "", f'<ul class="stories">{cards}</ul>')


def _card_page() -> str:
    """A section front of <div> cards, no list markup anywhere around them."""
    cards = "".join(f'<div class="card">{card}</div>' for card in teaser_cards(TEASERS[::-1], path="/city"))
    return listing_page("City news", '<p class="standfirst">The latest from the city.</p>', f"<div>{cards}</div>")


def _front_page() -> str:
    """A section front whose lead story has a long standfirst (longer than any teaser), then 20 cards."""
    lead = (
        '<div class="lead"><h2><a href="/story/lead">Council agrees a ten-year plan to rebuild the harbour front</a>'
        "</h2><p>The plan replaces the old warehouses on the quay with flats, a park and a new ferry terminal, and "
        "it will be paid for partly by selling land to developers. Councillors argued for six hours before "
        "approving it, and opponents say they will ask the courts to stop the sale of the land, which they say "
        "was promised to the city for public use a century ago.</p></div>"
    )
    cards = "".join(f'<div class="card">{card}</div>' for card in teaser_cards(TEASERS[:20], path="/news"))
    return listing_page("News", lead, f"<div>{cards}</div>")


def _tag_page() -> str:
    """A tag page: a heading for the tag and 20 teasers as <article> elements with dates."""
    cards = "".join(
        f'<article class="teaser"><h2><a href="/story/t{i}">{headline}</a></h2>'
        f'<time datetime="2026-02-{i + 1:02d}">{i + 1} February 2026</time><p>{teaser}</p></article>'
        for i, (headline, teaser) in enumerate(TEASERS[2:22])
    )
    return listing_page("Tag: harbour", "<p>All stories tagged “harbour”.</p>", f"<section>{cards}</section>")


def _search_page() -> str:
    """A search results page: a result count, then results with a title link, the address and a snippet."""
    results = "".join(
        f'<li><a href="/story/s{i}">{headline}</a><cite>northern-ledger.example/story/s{i}</cite>'
        f"<p>… {teaser} …</p></li>"
        for i, (headline, teaser) in enumerate(TEASERS[:21])
    )
    return listing_page(
        "Search results for “council”", "<p>About 240 results, sorted by date.</p>", f"<ol>{results}</ol>"
    )


RELATED_TAIL = (
    "<h2>More from the Ledger</h2><ul>"
    + "".join(
        f'<li><a href="/story/r{i}">{headline}</a> <p>{teaser}</p></li>'
        for i, (headline, teaser) in enumerate(TEASERS[:20])
    )
    + "</ul>"
)
ALLOTMENT_LIST = "<ul>" + "".join(f"<li>{item}</li>" for item in ALLOTMENT_ITEMS) + "</ul>"

LISTINGS: dict[str, str] = {
    "/": _home_page(),
    "/city": _card_page(),
    "/news": _front_page(),
    "/tag/harbour": _tag_page(),
    "/search?q=council": _search_page(),
}
ARTICLES_WITH_LISTS: dict[str, Page] = {
    "/museum-engine": article_page(MUSEUM_TITLE, MUSEUM, tail=RELATED_TAIL),
    "/allotments": article_page(ALLOTMENT_TITLE, ALLOTMENT, between={2: ALLOTMENT_LIST}),
}


# ---------------------------------------------------------------------------------------------------------------
# One run of the command over every page above. Storage is not what these tests look at, so the run uses the
# default SQLite database in the user's data dir under tmp_path; `test_refused_listing_is_not_stored...` below
# is the one that runs on SQLite and PostgreSQL.

ALL_PAGES: dict[str, str] = {
    **{path: page.html for path, page in PAGES.items()},
    **LISTINGS,
    **{path: page.html for path, page in ARTICLES_WITH_LISTS.items()},
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every page through one `linkbrief summarize --json` run (a process start per page would cost seconds)."""
    return summarize_pages_once(ALL_PAGES, tmp_path_factory.mktemp("extract-head"))


def article(results: dict[str, dict], path: str) -> dict:
    line = results[path]
    assert line["error"] is None, line["error"]
    assert line["duplicate_of"] is None, "every page carries its own article"
    return line


def paragraphs(text: str) -> list[str]:
    return [paragraph for paragraph in text.split("\n\n") if paragraph.strip()]


# --- item 2: the text starts with the article's first sentence ---------------------------------------------------

HEAD_CASES = [
    ("/timestamp", TIMESTAMP),
    ("/last-updated", LAST_UPDATED),
    ("/byline", BYLINE),
    ("/reading-time", READING_TIME),
    ("/tempo-de-leitura", READING_TIME_PT),
    ("/service-bar", "How to advertise"),
    ("/share-bar", "Digg"),
    ("/editors-note", EDITORS_NOTE),
    ("/wire-slug", WIRE_SLUG),
    ("/poll", POLL),
    ("/slogan", SLOGAN),
    ("/advertisement", "Advertisement"),
    ("/disclosure", DISCLOSURE),
    ("/plain", None),
]


@pytest.mark.parametrize(("path", "furniture"), HEAD_CASES, ids=[path for path, _ in HEAD_CASES])
def test_text_starts_with_the_first_sentence(results: dict[str, dict], path: str, furniture: str | None) -> None:
    line = article(results, path)
    page = PAGES[path]
    first = paragraphs(line["text"])[0]
    assert first == page.paragraphs[0], f"the text opens with {first[:100]!r}"
    if furniture is not None:
        assert furniture not in line["text"]


def test_a_bar_leaves_no_piece_behind(results: dict[str, dict]) -> None:
    for path, items in (("/service-bar", SERVICE_BAR), ("/share-bar", SHARE_BAR)):
        text = article(results, path)["text"]
        assert not [item for item in items if re.search(rf"(?m)^{re.escape(item)}\b", text)], path


def test_poll_answers_go_with_the_poll(results: dict[str, dict]) -> None:
    text = article(results, "/poll")["text"]
    assert not re.search(r"(?m)^Yes\b.*\bNo$", text)
    assert paragraphs(text) == BEES


# --- item 2: the same at the end, and captions and advertisements anywhere --------------------------------------

TAIL_CASES = [
    ("/timestamp", "Further Reading"),
    ("/timestamp", FURTHER_READING[0]),
    ("/reading-time", "Further Reading"),
    ("/reading-time", FURTHER_CHESS[0]),
    ("/last-updated", TALKBACK),
    ("/byline", "All rights reserved"),
]


@pytest.mark.parametrize(("path", "furniture"), TAIL_CASES, ids=[f"{path}-{text[:20]}" for path, text in TAIL_CASES])
def test_text_ends_with_the_last_sentence(results: dict[str, dict], path: str, furniture: str) -> None:
    line = article(results, path)
    last = paragraphs(line["text"])[-1]
    assert last == PAGES[path].paragraphs[-1], f"the text ends with {last[-100:]!r}"
    assert furniture not in line["text"]


def test_photo_caption_with_credit_between_paragraphs_is_dropped(results: dict[str, dict]) -> None:
    text = article(results, "/caption")["text"]
    assert "Photo: Lena Holm" not in text
    assert paragraphs(text) == FIRE


def test_advertisement_lines_are_dropped_wherever_they_stand(results: dict[str, dict]) -> None:
    text = article(results, "/advertisement")["text"]
    assert "Advertisement" not in text
    assert paragraphs(text) == FACTORY


# --- item 1: the title is the headline; metadata fields hold what they name --------------------------------------

TITLE_CASES = [
    ("/timestamp", GLACIER_TITLE),  # <title> "Headline | Site"
    ("/last-updated", LUNCH_TITLE),  # <title> "Site: Headline"
    ("/byline", CYCLE_TITLE),  # <title> "Headline - Section - Site"
    ("/reading-time", CHESS_TITLE),  # <h1> is the site's logo, headline in og:title and JSON-LD
    ("/service-bar", DIG_TITLE),  # <h1> is a section name linked in the menu
    ("/wire-slug", STRIKE_TITLE),  # og:title, twitter:title and <title> are a wire slug
    ("/share-bar", TRAIN_TITLE),  # only <title>
    ("/editors-note", f"{ROBBERY_KICKER}: {ROBBERY_TITLE}"),  # kicker + headline <h1>, og:title the headline
    ("/tempo-de-leitura", PRAIA_TITLE),
    ("/byline-header", FLOOD_TITLE),
    ("/plain", TELESCOPE_TITLE),  # <h1> is the site's logo, og:title the headline, <title> "Headline | Site"
    ("/blog-theme", HIGHWAY_TITLE),  # only <title>: "Headline : Site | Tagline | Since 2005"
]


@pytest.mark.parametrize(("path", "title"), TITLE_CASES, ids=[path for path, _ in TITLE_CASES])
def test_title_is_the_headline(results: dict[str, dict], path: str, title: str) -> None:
    assert article(results, path)["title"] == title


def test_names_of_a_dropped_byline_become_the_author_when_the_page_has_none(results: dict[str, dict]) -> None:
    assert article(results, "/byline")["author"] == "Jane Roe, John Poe"


def test_author_read_from_a_dated_byline_is_the_names_without_the_date(results: dict[str, dict]) -> None:
    assert article(results, "/byline-header")["author"] == "Maja Holt, Per Sand"


def test_author_is_the_name_without_the_role(results: dict[str, dict]) -> None:
    assert article(results, "/advertisement")["author"] == "Tom Krisher"


def test_site_name_is_a_name_not_a_copyright_line(results: dict[str, dict]) -> None:
    site_name = article(results, "/caption")["site_name"]
    assert site_name == "Harbour Media Corporation"
    assert article(results, "/timestamp")["site_name"] == SITE


# --- item 3: listing pages are refused, articles with lists are not ----------------------------------------------


@pytest.mark.parametrize("path", list(LISTINGS))
def test_listing_page_is_refused(results: dict[str, dict], path: str) -> None:
    line = results[path]
    assert line["error"] is not None, f"summarised as an article titled {line['title']!r}"
    assert line["error"]["code"] == "not_article"
    assert re.search(r"list of articles|index page", line["error"]["message"]), line["error"]["message"]
    assert line["article_id"] is None
    assert line["text"] is None


def test_article_ending_in_a_long_related_block_is_an_article(results: dict[str, dict]) -> None:
    line = article(results, "/museum-engine")
    assert line["title"] == MUSEUM_TITLE
    assert paragraphs(line["text"]) == MUSEUM
    for headline, teaser in TEASERS[:20]:
        assert headline not in line["text"]
        assert teaser not in line["text"]


def test_list_inside_an_article_keeps_one_item_per_line(results: dict[str, dict]) -> None:
    text = article(results, "/allotments")["text"]
    lines = [line.lstrip("-•* ").strip() for line in text.splitlines()]
    for item in ALLOTMENT_ITEMS:
        assert item in lines, f"{item!r} is not a line of its own"
    assert text.index(ALLOTMENT[2]) < text.index(ALLOTMENT_ITEMS[0]) < text.index(ALLOTMENT[3])


async def test_refused_listing_is_not_stored_and_the_article_is_stored_without_its_related_block(
    tmp_path: Path, database: Database
) -> None:
    """On SQLite and PostgreSQL: what search finds afterwards is what was stored."""
    env = clean_env(tmp_path, DATABASE_URL=database.url, LINKBRIEF_FETCH_ALLOW_PRIVATE="1")
    lines = await summarize_pages({path: ALL_PAGES[path] for path in ("/", "/museum-engine")}, env, tmp_path)
    assert lines["/"]["error"] is not None
    assert lines["/"]["error"]["code"] == "not_article"
    assert isinstance(lines["/museum-engine"]["article_id"], int)
    found = await run_cli("search", "steam", "engine", "--json", env=env, cwd=tmp_path)
    assert [hit["title"] for hit in found.json_lines()] == [MUSEUM_TITLE]
    # Words only the teasers of the home page and of the related block use: neither was stored.
    for words in (["brewery", "ale"], ["otters"], ["tapestry"]):
        nothing = await run_cli("search", *words, "--json", env=env, cwd=tmp_path)
        assert nothing.code == 0, nothing.stderr
        assert nothing.json_lines() == [], words
