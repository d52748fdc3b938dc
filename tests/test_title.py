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
