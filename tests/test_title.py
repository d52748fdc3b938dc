"""`choose_title` on page heads alone: the shapes of site names that only the page's URL and metadata reveal.

The end-to-end title cases (through `linkbrief summarize`) are in test_extract_head.py; these need a page URL on a
real-looking host, which a page served on 127.0.0.1 cannot have, so they call the title stage directly.
"""

from __future__ import annotations

from html import escape

import lxml.html
import pytest

from bot.pipeline.title import choose_title

HEADLINE = "Cargo bikes replace delivery vans in the old town"


def head(*, title: str, og_title: str | None = None, site: str | None = None, h1: str | None = None) -> str:
    meta = [f"<title>{escape(title)}</title>"]
    if og_title is not None:
        meta.append(f'<meta property="og:title" content="{escape(og_title)}">')
    if site is not None:
        meta.append(f'<meta property="og:site_name" content="{escape(site)}">')
    heading = f"<h1>{escape(h1)}</h1>" if h1 is not None else ""
    return f"<html><head>{''.join(meta)}</head><body>{heading}<p>Text.</p></body></html>"


CASES = [
    # The site's name twice, as some themes print it after the headline.
    (
        head(
            title=f"{HEADLINE} - Velo News Daily Velo News Daily",
            og_title=f"{HEADLINE} - Velo News Daily",
            site="Velo News Daily",
        ),
        "https://blog.velonews.example/2024/cargo-bikes",
        HEADLINE,
    ),
    # A two-word headline; the site's name with its abbreviation, and the abbreviation alone after that.
    (
        head(
            title="Cargo bikes - Freier Verband Stadtlogistik Nord (VSN) - VSN",
            og_title="Cargo bikes - Freier Verband Stadtlogistik Nord (VSN)",
            site="Freier Verband Stadtlogistik Nord",
            h1="Cargo bikes",
        ),
        "https://www.vsn.example/aktuell/cargo-bikes",
        "Cargo bikes",
    ),
    # A Wayback Machine copy: the site is the archived page's host, not archive.org.
    (
        head(title=f"{HEADLINE} - anna berg fotografie", og_title=HEADLINE, h1="so gesehen"),
        "https://web.archive.org/web/20171008220355/http://annaberg.example/essays/cargo-bikes/",
        HEADLINE,
    ),
    # "Headline : Site | Tagline | Since 2005", with the site's logo as the <h1>.
    (
        head(title=f"{HEADLINE} : Velo-Archiv | Notes on city streets | Since 2005", h1="Velo-Archiv"),
        "http://archiv.velo.example/?p=2895",
        HEADLINE,
    ),
]


@pytest.mark.parametrize(("html", "url", "title"), CASES, ids=["doubled", "abbreviation", "wayback", "colon-site"])
def test_the_headline_without_the_site_name(html: str, url: str, title: str) -> None:
    assert choose_title(lxml.html.fromstring(html), url) == title


def test_an_ip_address_names_no_site() -> None:
    """A page served from an address has no site name to strip: a number in the headline stays."""
    title = "Bus fares rise to 100 crowns - 01"
    tree = lxml.html.fromstring(head(title=title, og_title=title, h1=title))
    assert choose_title(tree, "http://10.0.0.1/news/fares") == title


# --- headings whose markup holds a label and the headline ---------------------------------------------------------

KICKER = "Night trains"


def page(h1: str, *, meta: dict[str, str], title: str | None = None, lang: str = "en") -> str:
    """A page whose `<h1>` is raw markup (kicker and headline in elements of their own) under meta titles."""
    tags = [f"<title>{escape(title)}</title>"] if title is not None else []
    tags += [f'<meta property="{name}" content="{escape(content)}">' for name, content in meta.items()]
    return f'<html lang="{lang}"><head>{"".join(tags)}</head><body><h1>{h1}</h1><p>Text.</p></body></html>'


HEADING_CASES = [
    # A section link with its separator in the <h1>, over the headline that og:title and <title> name alone.
    (
        page(
            f'<div class="section"><a href="/city-life/">City Life | </a></div> <span>{HEADLINE}</span>',
            meta={"og:title": HEADLINE},
            title=f"{HEADLINE} – Velo News",
        ),
        HEADLINE,
    ),
    # Kicker and headline in two spans with nothing between them; <title> writes "Kicker: Headline | Site".
    (
        page(
            f"<span>{KICKER}</span>\n<span>{HEADLINE}</span>",
            meta={"og:title": f"{HEADLINE} - {KICKER}"},
            title=f"{KICKER}: {HEADLINE} | velonews.example",
        ),
        f"{KICKER}: {HEADLINE}",
    ),
    # The metadata word the kicker otherwise ("Kicker - Headline" are two parts): the headline alone.
    (
        page(f"<span>{KICKER}</span>{HEADLINE}", meta={"og:title": f"{KICKER} - {HEADLINE}"}),
        HEADLINE,
    ),
    (
        page(
            f"<span>After the timetable change</span><span>{HEADLINE}</span>",
            meta={"og:title": f"Timetable change: {HEADLINE} | VELO.EXAMPLE"},
        ),
        HEADLINE,
    ),
    # A colon for screen readers between kicker and headline: no space before it.
    (
        page(
            f'<span>{KICKER}</span><span class="visually-hidden">: </span><span>{HEADLINE}</span>',
            meta={"og:title": f"{KICKER}: {HEADLINE}"},
        ),
        f"{KICKER}: {HEADLINE}",
    ),
    (
        page(
            f"<span>{KICKER} </span><span>: </span><span>{HEADLINE}</span>",
            meta={"og:title": HEADLINE},
            title=f"{KICKER}: {HEADLINE} - Business - Velo News",
        ),
        f"{KICKER}: {HEADLINE}",
    ),
    # The <h1> prints "Kicker: Headline" itself: it stays, whatever the metadata leave out.
    (page(f"<span>{KICKER}:</span> {HEADLINE}", meta={"og:title": HEADLINE}), f"{KICKER}: {HEADLINE}"),
    # Emphasis inside a sentence is no label: the sentence stays whole.
    (
        page(
            "<em>Cargo bikes</em> replace delivery vans in the old town",
            meta={"og:title": "Delivery vans in the old town give way to cargo bikes"},
        ),
        HEADLINE,
    ),
    (
        page("<em>Cargo Bikes</em> Replace Delivery Vans", meta={"og:title": "Cargo Bikes Replace Delivery Vans"}),
        "Cargo Bikes Replace Delivery Vans",
    ),
    # French typography spaces the colon; a French page keeps it.
    (
        page(
            "<span>Vélos cargo</span><span> : </span><span>la vieille ville dit adieu aux camionnettes</span>",
            meta={"og:title": "Vélos cargo : la vieille ville dit adieu aux camionnettes"},
            lang="fr",
        ),
        "Vélos cargo : la vieille ville dit adieu aux camionnettes",
    ),
]


@pytest.mark.parametrize(
    ("html", "title"),
    HEADING_CASES,
    ids=[
        "section-link",
        "kicker-as-title-writes-it",
        "kicker-as-separate-part",
        "kicker-reworded",
        "hidden-colon",
        "spaced-colon",
        "kicker-with-colon",
        "emphasis-in-sentence",
        "emphasis-title-case",
        "french-colon",
    ],
)
def test_a_label_above_the_headline_is_not_run_into_it(html: str, title: str) -> None:
    assert choose_title(lxml.html.fromstring(html), "https://www.velonews.example/2024/05/cargo-bikes") == title
