"""Extraction stage: real trafilatura + readability on pages written for this file, and the real process pool.

Every page here is synthetic HTML shaped like a real one (navigation, related links, newsletter boxes around
the article), so the combination, repeat removal and quality gate are exercised on a page, not on a bare
paragraph. The one test double is `runaway_worker`: a module-level task function run in the `CpuPool`, which
sleeps on a marker page so the hard time limit can be tested without depending on how long trafilatura takes
on some crafted input.
"""

from __future__ import annotations

import datetime
import re
import time

import pytest
import trafilatura

from bot.errors import ExtractionFailed, NotArticle
from bot.pipeline.cpu_pool import CpuPool
from bot.pipeline.extract import ExtractedArticle, extract_article
from bot.pipeline.fingerprint import fingerprint
from bot.pipeline.worker import read_page

TITLE = "Valley towns agree to share one water plant after dry summer"
PARAGRAPHS = [
    "Five towns in the upper Selma valley will build a single water treatment plant together, their councils "
    "agreed on Monday, after a summer in which three of them had to ship in drinking water by truck for weeks.",
    "The plant, to be built on the river below Harlow, will cost about 48 million euros and replace four "
    "ageing works that the regional inspectorate has criticised for a decade. Construction is due to start "
    "next spring and to finish in 2029.",
    "“We spent more on tanker lorries in August than we spend on the whole network in a normal year,” said "
    "Ines Varga, the mayor of Harlow, who led the talks. She said no town could have paid for a modern plant "
    "on its own.",
    "Under the agreement each town pays in proportion to the water it uses, and a joint board with two members "
    "from every council will set prices. Opposition members in the smallest town, Orsk, voted against, saying "
    "the formula gave the largest town too much say.",
    "Engineers expect the new plant to lose far less water than the old works, whose leaking pipes waste "
    "nearly a third of what they treat. The towns will also share a reservoir that is being enlarged so that "
    "it can carry them through a summer twice as dry as this one.",
]

NAV = """<header><nav><ul>
<li><a href="/">Home</a></li><li><a href="/region">Region</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/culture">Culture</a></li><li><a href="/login">Log in</a></li>
</ul></nav></header>"""
RELATED = """<aside class="related"><h3>More from the region</h3><ul>
<li><a href="/a/1">Harlow bridge to close for repairs in January</a></li>
<li><a href="/a/2">Orsk council elects youngest mayor in its history</a></li>
<li><a href="/a/3">Record harvest for valley vineyards despite the heat</a></li>
</ul></aside>"""
NEWSLETTER = """<div class="newsletter"><h3>Get the Valley Post in your inbox</h3>
<p>Sign up for our free morning newsletter.</p><form><input type="email" name="email">
<button>Subscribe</button></form></div>"""
FOOTER = """<footer><p>© 2026 Valley Post. All rights reserved.</p>
<p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a> <a href="/contact">Contact</a></p></footer>"""


def page(
    paragraphs: list[str],
    *,
    title: str = TITLE,
    lang: str | None = "en",
    head: str = "",
    before: str = "",
    after: str = "",
) -> str:
    """An article page with the usual furniture around the article."""
    lang_attribute = f' lang="{lang}"' if lang else ""
    body = "\n".join(f"<p>{text}</p>" for text in paragraphs)
    return f"""<!DOCTYPE html><html{lang_attribute}><head><meta charset="utf-8">
<title>{title} | Valley Post</title>{head}</head>
<body>{NAV}<main><article><h1>{title}</h1>{before}
<div class="article-body">{body}</div>{after}</article>{RELATED}{NEWSLETTER}</main>{FOOTER}</body></html>"""


METADATA = """
<meta name="author" content="Petra Lund">
<meta property="og:site_name" content="Valley Post">
<meta property="article:published_time" content="2024-03-03T08:15:00+01:00">
<meta property="og:type" content="article">
"""


def paragraphs_of(article: ExtractedArticle) -> list[str]:
    return article.text.split("\n\n")


# --- a normal article ------------------------------------------------------------------------------------


def test_article_metadata_and_clean_paragraphs() -> None:
    html = page(
        PARAGRAPHS,
        head=METADATA + '<link rel="canonical" href="https://valleypost.example/region/water-plant">',
    )

    article = extract_article(html, "https://valleypost.example/region/water-plant?utm_source=x")

    assert article.title == TITLE
    assert article.author == "Petra Lund"
    assert article.published == datetime.date(2024, 3, 3)
    assert article.site_name == "Valley Post"
    assert article.language == "en"
    assert article.canonical_url == "https://valleypost.example/region/water-plant"
    # The body is exactly the article's paragraphs, one blank line apart: no headline, menu, related links,
    # newsletter box or footer.
    assert paragraphs_of(article) == PARAGRAPHS
    assert TITLE not in article.text
    assert article.word_count == len(re.findall(r"\w+", article.text)) == 220


def test_metadata_pass_skips_what_linkbrief_never_shows() -> None:
    """trafilatura's metadata pass reads no category or tag links and no licence (bot.pipeline.candidates turns
    them off: 1–2 ms of CPU per page for fields linkbrief never shows); title, author, date and site name still
    come through. If trafilatura stops calling the functions replaced, this fails and the saving is gone."""
    html = page(
        PARAGRAPHS,
        head=METADATA + '<meta property="article:section" content="Region">',
    ).replace(
        "</body>",
        '<footer><a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>'
        '<a href="/category/region/">Region</a><a href="/tag/water/">water</a></footer></body>',
    )

    document = trafilatura.bare_extraction(html, with_metadata=True)
    article = extract_article(html, "https://valleypost.example/region/water-plant")

    assert document is not None
    assert not isinstance(document, dict)
    assert document.categories == []
    assert document.license is None
    assert (article.title, article.author, article.published) == (TITLE, "Petra Lund", datetime.date(2024, 3, 3))
    assert article.site_name == "Valley Post"


def test_canonical_from_og_url_when_no_link() -> None:
    html = page(PARAGRAPHS, head='<meta property="og:url" content="https://valleypost.example/p/123">')

    article = extract_article(html, "https://m.valleypost.example/p/123?ref=share")

    assert article.canonical_url == "https://valleypost.example/p/123"


def test_links_no_url_parser_accepts_are_ignored_not_fatal() -> None:
    """A stranger's page with a broken <base>, canonical link or permalink still reads as its article."""
    html = page(
        PARAGRAPHS,
        head='<base href="http://[broken/"><link rel="canonical" href="http://[::1x]/story">'
        '<meta property="og:url" content="https://valleypost.example/p/9">',
    ).replace("<body>", '<body><a href="http://[::zz]/x">Menu</a>', 1)

    article = extract_article(html, "https://valleypost.example/p/9?ref=share")

    assert article.canonical_url == "https://valleypost.example/p/9"
    assert paragraphs_of(article) == PARAGRAPHS


def test_link_canonical_wins_over_og_url() -> None:
    html = page(
        PARAGRAPHS,
        head='<meta property="og:url" content="https://valleypost.example/og">'
        '<link rel="canonical" href="https://valleypost.example/canonical">',
    )

    assert extract_article(html).canonical_url == "https://valleypost.example/canonical"


def test_relative_canonical_is_made_absolute() -> None:
    html = page(PARAGRAPHS, head='<link rel="canonical" href="/region/water-plant">')

    article = extract_article(html, "https://valleypost.example/amp/region/water-plant?utm_medium=social")

    assert article.canonical_url == "https://valleypost.example/region/water-plant"


def test_relative_canonical_without_page_url_is_dropped() -> None:
    html = page(PARAGRAPHS, head='<link rel="canonical" href="/region/water-plant">')

    assert extract_article(html).canonical_url is None


def test_missing_metadata_is_none_not_guessed() -> None:
    article = extract_article(page(PARAGRAPHS))

    assert article.author is None
    assert article.published is None
    assert article.canonical_url is None
    assert paragraphs_of(article) == PARAGRAPHS


def test_paragraphs_of_a_br_separated_div_stay_whole_sentences() -> None:
    """Pages that write paragraphs as text in one <div> separated by <br><br>, with inline links: the output
    still has one paragraph per paragraph, and no sentence cut at its links."""
    first = (
        "Five towns in the upper Selma valley will build a single water treatment plant together, according "
        'to <a href="/minutes">council minutes</a> published on Monday, after a summer of shortages.'
    )
    second = (
        "The plant, to be built on the river below Harlow, will cost about 48 million euros, the "
        '<em><a href="/inspectorate">regional inspectorate</a></em> said, and replace four ageing works.'
    )
    content = "<br><br>".join([first, '<img src="/photo.jpg">', second, *PARAGRAPHS[2:]])
    html = f"""<html lang="en"><head><title>{TITLE}</title></head><body>{NAV}<div class="story">
<h1>{TITLE}</h1><div class="byline">By Petra Lund</div><div class="content">{content}</div></div>
{RELATED}{FOOTER}</body></html>"""

    article = extract_article(html)

    assert paragraphs_of(article) == [
        re.sub(r"<[^>]+>", "", first),
        re.sub(r"<[^>]+>", "", second),
        *PARAGRAPHS[2:],
    ]


def test_hard_wrapped_source_lines_are_spaces_not_line_breaks() -> None:
    """A paragraph whose HTML source wraps its lines (a newline every 60–80 characters, mid-sentence) reads as
    one line, as a browser shows it: a kept source newline ended a sentence at the wrap ("… um 19:38 Uhr in
    Stockholm Central" / "an."). A <br> inside a paragraph still breaks its line."""
    wrapped = [re.sub(r"(.{60,80}?) ", lambda m: m.group(1) + "\n", text) for text in PARAGRAPHS]
    assert all("\n" in text for text in wrapped)
    wrapped[1] = wrapped[1].replace("decade. Construction", "decade.<br>Construction")

    article = extract_article(page(wrapped))

    assert paragraphs_of(article) == [
        *PARAGRAPHS[:1],
        PARAGRAPHS[1].replace("decade. Construction", "decade.\nConstruction"),
        *PARAGRAPHS[2:],
    ]


def test_drop_cap_outside_its_paragraph_is_put_back() -> None:
    """A first letter styled as its own element before the paragraph (`<span>F</span><p>ive towns …`) opens
    the article again; a lone capital that is not a paragraph's first letter (a grade, a list marker) stays
    where it is."""
    html = page(PARAGRAPHS).replace("<p>Five towns", '<span class="drop-cap">F</span><p>ive towns')
    html = html.replace("<p>Under the agreement", '<span class="grade">A</span><p>Under the agreement')
    assert "<p>ive towns" in html

    article = extract_article(html)

    paragraphs = paragraphs_of(article)
    assert paragraphs[0] == PARAGRAPHS[0]
    assert all(paragraph in paragraphs for paragraph in PARAGRAPHS[1:])


# --- repeated and truncated blocks ---------------------------------------------------------------------------


def test_repeated_paragraph_is_removed() -> None:
    repeated = [*PARAGRAPHS[:3], PARAGRAPHS[1], *PARAGRAPHS[3:]]

    article = extract_article(page(repeated))

    assert paragraphs_of(article) == PARAGRAPHS


def test_truncated_teaser_copy_is_removed() -> None:
    """The example page's pattern: a teaser cut mid-word right above the full paragraph."""
    teaser = PARAGRAPHS[1][:150]
    assert teaser.endswith("inspectorate has cr")  # cut mid-word, like "... enterprises curr" on the example page

    article = extract_article(page([PARAGRAPHS[0], teaser, *PARAGRAPHS[1:]]))

    assert paragraphs_of(article) == PARAGRAPHS


def test_truncated_copy_with_ellipsis_is_removed() -> None:
    teaser = " ".join(PARAGRAPHS[2].split()[:12]) + "…"

    article = extract_article(page([*PARAGRAPHS[:2], teaser, *PARAGRAPHS[2:]]))

    assert paragraphs_of(article) == PARAGRAPHS


def test_paragraph_that_starts_like_another_is_kept() -> None:
    """A sentence that the next paragraph repeats and continues is not a cut copy: its own full stop stands
    where the longer paragraph goes on. (Compared on words alone it would look like a prefix copy; it is
    long enough that only the punctuation tells them apart.)"""
    sentence = (
        "The board of Orsk said on Monday evening that it would appeal against the decision of the valley councils."
    )
    longer = (
        "The board of Orsk said on Monday evening that it would appeal against the decision of the valley "
        "councils before the regional court, and that it expected a ruling before construction starts."
    )
    paragraphs = [*PARAGRAPHS[:3], sentence, longer, *PARAGRAPHS[3:]]

    article = extract_article(page(paragraphs))

    assert paragraphs_of(article) == paragraphs


def test_copy_cut_at_a_word_boundary_is_removed_when_long() -> None:
    cut = " ".join(PARAGRAPHS[3].split()[:20])  # no ellipsis, no broken word: just stops
    assert not cut.endswith(".")

    article = extract_article(page([*PARAGRAPHS[:3], cut, *PARAGRAPHS[3:]]))

    assert paragraphs_of(article) == PARAGRAPHS


# --- not articles ----------------------------------------------------------------------------------------


def home_page() -> str:
    stories = "\n".join(
        f"""<div class="card"><h2><a href="/story/{n}">{headline}</a></h2>
<p>{teaser}</p><span class="time">{n + 1} hours ago</span></div>"""
        for n, (headline, teaser) in enumerate(
            [
                ("Valley towns agree to share one water plant", "Five councils sign a deal after a dry summer."),
                ("Harlow bridge to close for repairs in January", "Drivers face a long detour for six weeks."),
                ("Orsk elects youngest mayor in its history", "The 26-year-old teacher won by nine votes."),
                ("Record harvest for valley vineyards", "Growers say the heat made for sweet grapes this year."),
                ("New bus line links the three northern villages", "Buses will run every hour from May on."),
                ("Library reopens after two years of works", "The reading room now has space for 200 people."),
                ("Football club signs striker from the capital", "The club paid a record fee for the forward."),
                ("Hospital opens a night clinic for children", "Parents no longer need to drive to the city."),
                ("Festival moves to the old harbour this summer", "Organisers expect twice as many visitors."),
                ("School roof repairs finished ahead of term", "Pupils return to a dry building in September."),
            ]
        )
    )
    return f"""<html lang="en"><head><title>Valley Post - News from the Selma valley</title>
<meta property="og:type" content="website"></head>
<body>{NAV}<main><section class="top-stories">{stories}</section>{RELATED}</main>{FOOTER}</body></html>"""


def test_home_page_of_story_cards_is_not_an_article() -> None:
    with pytest.raises(NotArticle, match="list of articles"):
        extract_article(home_page(), "https://valleypost.example/")


def test_page_of_bare_links_is_not_an_article() -> None:
    links = "".join(f'<li><a href="/section/{n}">Section {n} of the Valley Post archive</a></li>' for n in range(40))
    html = f"<html><head><title>Sitemap</title></head><body>{NAV}<ul>{links}</ul>{FOOTER}</body></html>"

    with pytest.raises(NotArticle, match="home or index page"):
        extract_article(html, "https://valleypost.example/sitemap")


def test_login_wall_is_not_an_article() -> None:
    html = f"""<html lang="en"><head><title>Members area | Valley Post</title></head><body>{NAV}
<main><h1>Sign in to continue reading</h1>
<p>This article is available to registered readers.</p>
<form action="/session" method="post"><label>Email <input type="email" name="email"></label>
<label>Password <input type="password" name="password"></label><button>Sign in</button></form>
<p><a href="/register">Create a free account</a></p></main>{FOOTER}</body></html>"""

    with pytest.raises(NotArticle, match="sign in"):
        extract_article(html, "https://valleypost.example/members/story")


def test_javascript_shell_is_not_an_article() -> None:
    html = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Valley Post</title>
<script defer src="/static/js/vendor.js"></script><link rel="stylesheet" href="/static/css/main.css"></head>
<body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>
<script src="/static/js/app.js"></script></body></html>"""

    with pytest.raises(NotArticle, match="JavaScript"):
        extract_article(html, "https://app.valleypost.example/story/1")


def test_javascript_shell_without_notice_is_not_an_article() -> None:
    html = """<html><head><title>Loading</title><script src="/bundle.js"></script></head>
<body><div id="app"></div></body></html>"""

    with pytest.raises(NotArticle, match="JavaScript"):
        extract_article(html)


def test_paywall_stub_is_not_an_article() -> None:
    schema = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
        '"headline": "Valley towns agree", "isAccessibleForFree": "False"}</script>'
    )
    stub = f"""<div class="paywall"><p>{PARAGRAPHS[0][:160]}…</p>
<h3>Subscribe to continue reading</h3><p>Already a subscriber? <a href="/login">Log in</a></p></div>"""
    html = f"""<html lang="en"><head><title>{TITLE}</title>{schema}</head>
<body>{NAV}<article><h1>{TITLE}</h1>{stub}</article>{FOOTER}</body></html>"""

    with pytest.raises(NotArticle, match="paywall"):
        extract_article(html, "https://valleypost.example/region/water-plant")


def test_paywall_notice_alone_marks_a_stub() -> None:
    html = page([PARAGRAPHS[0], "This article is for subscribers only. Subscribe to keep reading for 1 € a week."])

    with pytest.raises(NotArticle, match="paywall"):
        extract_article(html)


def test_full_article_with_login_form_and_subscribe_box_is_an_article() -> None:
    """Furniture that walls and stubs also have (a password field, "Subscribe") does not reject a real body."""
    login_box = '<form class="login"><input type="text" name="user"><input type="password" name="pass"></form>'
    html = page(PARAGRAPHS, before=login_box, after="<p>Already a subscriber? Subscribe now.</p>")

    assert paragraphs_of(extract_article(html))[:5] == PARAGRAPHS


@pytest.mark.parametrize(
    "html",
    ["", "   \n  ", "<html></html>", "<html><head><title>x</title></head><body>  </body></html>"],
)
def test_empty_page_is_not_an_article(html: str) -> None:
    with pytest.raises(NotArticle, match="empty"):
        extract_article(html, "https://valleypost.example/empty")


def test_page_with_too_little_text_is_not_an_article() -> None:
    html = page(["Photos: the valley under snow."], title="Gallery")

    with pytest.raises(NotArticle):
        extract_article(html)


# --- languages -------------------------------------------------------------------------------------------

GERMAN = [
    "Die fünf Gemeinden im oberen Selmatal wollen gemeinsam ein einziges Wasserwerk bauen. Das haben die "
    "Gemeinderäte am Montag beschlossen, nachdem drei Orte im Sommer wochenlang Trinkwasser mit Lastwagen "
    "anliefern lassen mussten.",
    "Die Anlage soll unterhalb von Harlow am Fluss entstehen und rund 48 Millionen Euro kosten. Sie ersetzt "
    "vier veraltete Werke, die von der Aufsichtsbehörde seit Jahren kritisiert werden.",
    "„Wir haben im August mehr für Tankwagen ausgegeben als sonst in einem ganzen Jahr für das Netz“, sagte "
    "Bürgermeisterin Ines Varga. Keine Gemeinde hätte sich ein modernes Werk allein leisten können.",
]
RUSSIAN = [
    "Пять городов в верхней части долины Сельмы построят одну общую станцию очистки воды. Такое решение "
    "советы приняли в понедельник после лета, когда три города неделями завозили питьевую воду грузовиками.",
    "Станция будет стоить около 48 миллионов евро и заменит четыре устаревших сооружения, которые надзорные "
    "органы критикуют уже десять лет. Строительство начнётся следующей весной.",
    "«В августе мы потратили на цистерны больше, чем обычно тратим на всю сеть за год», — сказала мэр Харлоу "
    "Инес Варга. По её словам, ни один город не смог бы построить современную станцию в одиночку.",
]


def test_german_article_declared_german() -> None:
    article = extract_article(page(GERMAN, title="Gemeinsames Wasserwerk für das Selmatal", lang="de"))

    assert article.language == "de"
    assert paragraphs_of(article) == GERMAN


def test_russian_article_without_declaration_is_detected() -> None:
    article = extract_article(page(RUSSIAN, title="Общая станция очистки воды", lang=None))

    assert article.language == "ru"
    assert paragraphs_of(article) == RUSSIAN


def test_text_language_beats_a_wrong_template_declaration() -> None:
    """Multilingual sites often declare lang="en" in the template whatever the article's language."""
    article = extract_article(page(GERMAN, title="Gemeinsames Wasserwerk für das Selmatal", lang="en"))

    assert article.language == "de"


def test_regional_language_tag_is_reduced_to_iso_639_1() -> None:
    assert extract_article(page(PARAGRAPHS, lang="en-GB")).language == "en"


# --- the process pool ------------------------------------------------------------------------------------

RUNAWAY_PAGE = "<html><body>never finishes</body></html>"


def runaway_worker(html: str, url: str | None) -> ExtractedArticle:
    """Test task for the `CpuPool`: the marker page sleeps far past any time limit (a stand-in for trafilatura
    running away on a pathological page); any other page is extracted for real."""
    if html == RUNAWAY_PAGE:
        time.sleep(60)
    return extract_article(html, url)


async def test_one_page_task_extracts_fingerprints_and_summarises_in_the_pool() -> None:
    html = page(PARAGRAPHS, head=METADATA)
    url = "https://valleypost.example/region/water-plant"

    async with CpuPool(workers=1, timeout=20) as pool:
        reading = await pool.run_page_task(read_page, html, url, True)
        assert pool.tasks == 1

    assert reading.article == extract_article(html, url)
    assert paragraphs_of(reading.article) == PARAGRAPHS
    assert reading.fingerprint == fingerprint(reading.article.text)
    assert reading.summary is not None
    assert reading.summary.tldr
    assert set(reading.cpu_ms) == {"extract", "fingerprint", "summarize"}


async def test_page_task_without_summary_leaves_it_to_the_caller() -> None:
    async with CpuPool(workers=1, timeout=20) as pool:
        reading = await pool.run_page_task(read_page, page(PARAGRAPHS), None, False)

    assert reading.summary is None
    assert "summarize" not in reading.cpu_ms


async def test_page_task_passes_not_article_through() -> None:
    async with CpuPool(workers=1, timeout=20) as pool:
        with pytest.raises(NotArticle, match="list of articles"):
            await pool.run_page_task(read_page, home_page(), "https://valleypost.example/", True)


async def test_runaway_page_is_killed_and_the_pool_keeps_working() -> None:
    async with CpuPool(workers=1, timeout=1.0) as pool:
        with pytest.raises(ExtractionFailed, match="longer than 1 seconds"):
            await pool.run_page_task(runaway_worker, RUNAWAY_PAGE, None)

        # The only worker was killed; the pool replaced it and the next page goes through.
        article = await pool.run_page_task(runaway_worker, page(PARAGRAPHS), None)

    assert paragraphs_of(article) == PARAGRAPHS


async def test_closed_pool_refuses_work() -> None:
    pool = CpuPool(workers=1, timeout=5)
    await pool.close()

    with pytest.raises(RuntimeError):
        await pool.run_page_task(read_page, page(PARAGRAPHS), None, True)
