"""Article pages for tests: original texts written for this suite, wrapped in a realistic news-site template.

The template carries the things real pages carry around an article (navigation, a cookie banner, related links,
a footer) so that extraction, dedup and the quality gate are exercised on a page, not on a bare paragraph.
"""

from __future__ import annotations

from html import escape

HARBOUR_TITLE = "Harbour city doubles its night ferry service after record summer"
HARBOUR = [
    "The harbour authority of Lindqvist will run its night ferries every twenty minutes from next month, doubling "
    "the service after a summer in which late-evening crossings carried more passengers than ever before.",
    "Officials said 412,000 people used the night boats between June and August, a rise of 38 percent on last "
    "year. The busiest crossing, between the old town and the northern islands, regularly turned passengers "
    "away after ten o'clock.",
    "“We were leaving people on the quay every weekend, and that is not a service,” said Marta Eklund, who "
    "runs the authority's ferry division. She said two boats that were due to be retired will stay in service "
    "for another three years to make the new timetable possible.",
    "The expansion will cost about 6.2 million euros a year, most of it for crews. The city council approved "
    "the money on Tuesday by 41 votes to 12, after a debate in which opposition members asked whether buses "
    "would be cheaper on the routes that have bridges.",
    "Residents of the northern islands welcomed the decision. Many of them work evening shifts in restaurants "
    "and hospitals on the mainland and said the last boat, at half past eleven, forced them to leave work early "
    "or pay for taxis over the long road bridge.",
    "The authority also plans to test an electric ferry on the shortest crossing next spring. If the trial "
    "works, Eklund said, the whole night fleet could be electric by the end of the decade, cutting fuel costs "
    "and the noise that people living near the quays have complained about for years.",
]

ORCHARD_TITLE = "Volunteers map every old apple tree in the valley before the orchards vanish"
ORCHARD = [
    "A group of retired teachers and students has spent two years walking the Brenna valley to record every "
    "apple tree older than fifty years, hoping to save varieties that exist nowhere else before the last "
    "traditional orchards are cleared for housing.",
    "The survey has so far found 1,870 trees belonging to at least 96 varieties. Eleven of them could not be "
    "matched to any variety in the national register, and genetic tests paid for by a local bank suggest that "
    "at least four are unknown to science.",
    "“Some of these trees were planted by people whose names nobody remembers, and they are the last of their "
    "kind,” said Jonas Weber, a former biology teacher who leads the project. He carries a notebook in which "
    "each tree has a number, a photograph and a description of its fruit.",
    "Cuttings from the rarest trees are now being grafted at the agricultural college in Hallen, which has "
    "agreed to keep a living collection. The first young trees will be offered to schools and villages in the "
    "valley next autumn, free of charge.",
    "The project has not been without conflict. Some landowners refused access, fearing that a rare tree on "
    "their land would stop them from selling it to developers. Weber said the group had promised never to "
    "publish the exact location of a tree without the owner's consent.",
    "The regional government said last week that it would consider protecting the largest remaining orchards "
    "as landscape heritage, a status that would limit building on them. A decision is expected in the spring.",
]

TRAIN_TITLE = "Night train between the two capitals returns after a gap of nine years"
TRAIN = [
    "A sleeper train between Aldor and Vessen will run again from December, nine years after the route was "
    "closed because of falling demand and the cost of replacing its ageing carriages.",
    "The new service will leave each city at nine in the evening and arrive at seven the next morning, three "
    "nights a week at first and every night from the summer if bookings are strong. Tickets start at 49 euros "
    "for a seat and 119 euros for a bed in a shared compartment.",
    "The operator, a small private company backed by two regional governments, bought twenty refurbished "
    "carriages from a railway that retired them last year. Its chief executive, Paula Renn, said the company "
    "needed to fill about sixty percent of the beds to cover its costs.",
    "Travel agents said interest had been high since the route was announced in the spring, especially from "
    "business travellers who want to avoid early-morning flights and from families who find flying with young "
    "children stressful.",
    "Environmental groups welcomed the return of the train but said governments should cut the track access "
    "charges that make night trains expensive to run. The charges make up almost a third of the price of each "
    "ticket, according to the operator.",
]

NAVIGATION = ["Home", "World", "Business", "Science", "Culture", "Sport", "Opinion", "Weather"]
RELATED = [
    "Ten tips for a quieter commute",
    "The best bakeries in the old town",
    "Why the tram extension is late again",
    "Readers' photos of the autumn storms",
]


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    site_name: str = "The Lindqvist Courier",
    author: str = "Anna Berg",
    published: str = "2026-03-03",
    canonical: str | None = None,
    lang: str = "en",
    extra_head: str = "",
) -> str:
    """A complete article page: head metadata, site chrome and the article body."""
    head = [
        '<meta charset="utf-8">',
        f"<title>{escape(title)} | {escape(site_name)}</title>",
        f'<meta property="og:title" content="{escape(title)}">',
        f'<meta property="og:site_name" content="{escape(site_name)}">',
        f'<meta name="author" content="{escape(author)}">',
        f'<meta property="article:published_time" content="{published}T08:00:00Z">',
    ]
    if canonical:
        head.append(f'<link rel="canonical" href="{escape(canonical)}">')
    nav = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in NAVIGATION)
    related = "".join(f'<li><a href="/related/{i}">{escape(t)}</a></li>' for i, t in enumerate(RELATED))
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="{lang}"><head>{"".join(head)}{extra_head}</head><body>'
        f'<div class="cookie-banner">We use cookies to improve your experience. <a href="/privacy">Learn more</a>'
        f"</div><header><nav><ul>{nav}</ul></nav></header>"
        f'<main><article><h1>{escape(title)}</h1><p class="byline">By {escape(author)} · {published}</p>'
        f'<div class="article-body">{body}</div></article>'
        f"<aside><h2>Related</h2><ul>{related}</ul></aside></main>"
        f"<footer><p>© 2026 {escape(site_name)}. All rights reserved.</p>"
        f'<a href="/contact">Contact</a> <a href="/jobs">Jobs</a></footer></body></html>'
    )
