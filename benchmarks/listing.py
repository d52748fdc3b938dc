"""Listing pages and articles with long related-link tails: does linkbrief refuse the first and keep the second?

    python -m benchmarks.listing [--corpus PATH] [--eval-dir DIR] [--no-write]

Issue #8 wants home pages, section fronts, tag and search pages refused as `not_article`, with or without
`<ul>`, and an article that merely ends in a related-links block kept. This benchmark builds such pages
deterministically (same corpus, same pages) and runs `bot.pipeline.extract.extract_article` on each:

- **listing pages** (48): twelve page shapes imitating real sites - a news home page of `<article>` cards, a
  German-style section front of `<div>` teasers with kickers, a `<ul>` story list, a search results page, a
  blog archive with "Read more" links, a tag page with a topic blurb and pagination, an old table layout
  portal, a mixed home page (hero story, headline-only "Latest" list, section blocks), a `<dl>` digest, a
  section front with two-sentence teasers, a news ticker (time, linked headline, sentence) and a category
  archive of 55-word excerpts - in English, German, French and Spanish, 20 to 60 items each, with nav bars,
  cookie notices, sidebars and footers;
- **articles with long tails** (at least 30): a real article body (the Scrapinghub corpus' human-marked text,
  or for German and French the text trafilatura extracts from pages of trafilatura's evaluation set) inside
  four article templates (news with byline and share bar, blog post, long read with subheadings, short news
  item), followed by one of five tails: a "More stories" grid of 20+ teaser cards, a "Further reading" list
  of 20-30 links, a related list with one sentence each, a localised "read also" block plus a comment
  prompt and form, or a "Recommended for you / Sponsored" block; plus corpus pages as served (Scrapinghub,
  and German and French articles of the eval set) with a 20-teaser related block inserted after their text.

Teasers are real headlines with a real first sentence: Scrapinghub corpus headlines with their article's first
sentence (English), trafilatura-eval records' title and description (German, English, French), topped up by
built-in text when the corpus is absent or a language runs short. Pages go to `benchmarks/out/listing/`
(with `MANIFEST.tsv`) unless `--no-write`.

Printed: every page with its verdict (refused with the message, or kept with word count, title and first line;
for articles also the share of the tail's headlines that leaked into the text), then refusals per kind and the
failures. Bar: all listing pages refused, no article refused. Exit status 1 when the bar is missed.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import random
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import py3langid
import trafilatura

from benchmarks.extraction import clip, opening, page_headline
from benchmarks.extraction_eval import decoder
from bot.errors import ExtractionFailed, NotArticle
from bot.pipeline.extract import extract_article

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
OUT = REPO / "benchmarks" / "out" / "listing"
LISTINGS = 48
SYNTHETIC_ARTICLES = 40
CUT_ARTICLES = 15
SEED = 8
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»']?\s+(?=[\"“„«]?[A-ZÀ-ÖØ-Þ0-9])")
_SUFFIX = re.compile(r"\s+[|\-–—:·]\s+[^|\-–—:·]{1,40}$")


@dataclass(frozen=True, slots=True)
class Teaser:
    headline: str
    sentence: str
    excerpt: str = ""  # up to 55 words (a WordPress excerpt); the sentence when there is no more text


@dataclass(frozen=True, slots=True)
class Story:
    headline: str
    paragraphs: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class CorpusPage:
    id: str
    url: str
    lang: str
    html: str


@dataclass(frozen=True, slots=True)
class Sample:
    name: str
    kind: str  # "listing" or "article"
    shape: str
    lang: str
    url: str
    html: str
    tail: tuple[str, ...] = ()  # headlines of an article's related block


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    domain: str
    lang: str


# -- words of the furniture, per language ---------------------------------------------------------------------

LOCALES: dict[str, dict[str, Any]] = {
    "en": {
        "sections": ["World", "Politics", "Business", "Tech", "Science", "Health", "Sport", "Culture", "Opinion"],
        "service": ["Subscribe", "Newsletters", "Sign in", "Advertise", "Contact us"],
        "footer": ["About us", "Careers", "Privacy policy", "Cookie settings", "Terms of use", "Accessibility"],
        "cookie": "We use cookies to improve your experience and to show you personalised ads. By continuing to "
        "browse you agree to our use of cookies.",
        "accept": "Accept all",
        "more": "More stories",
        "further": "Further reading",
        "related": "Related coverage",
        "also": "You may also like",
        "recommended": "Recommended for you",
        "sponsored": "Sponsored content",
        "latest": "Latest news",
        "most_read": "Most read",
        "read_more": "Read more",
        "search": "Search results for",
        "results": "{n} results",
        "tag": "Tag",
        "by": "By",
        "share": ["Share", "Facebook", "Twitter", "Email", "Print"],
        "comment": "Leave a comment",
        "comment_note": "Your email address will not be published. Required fields are marked *",
        "next": "Next page",
        "topics": ["climate", "elections", "housing", "energy", "football", "startups"],
        "months": [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        "blurb": "All our coverage of {topic}: news, analysis and opinion, updated throughout the day.",
        "rights": "© {year} {site}. All rights reserved.",
    },
    "de": {
        "sections": ["Politik", "Wirtschaft", "Panorama", "Sport", "Kultur", "Wissenschaft", "Netzwelt", "Reise"],
        "service": ["Abo", "Newsletter", "Anmelden", "Mediadaten", "Kontakt"],
        "footer": ["Impressum", "Datenschutz", "Nutzungsbedingungen", "Cookie-Einstellungen", "Kontakt", "Jobs"],
        "cookie": "Wir verwenden Cookies, um Inhalte und Anzeigen zu personalisieren und die Zugriffe auf unsere "
        "Website zu analysieren.",
        "accept": "Alle akzeptieren",
        "more": "Mehr zum Thema",
        "further": "Weiterführende Artikel",
        "related": "Das könnte Sie auch interessieren",
        "also": "Lesen Sie auch",
        "recommended": "Empfehlungen der Redaktion",
        "sponsored": "Anzeige",
        "latest": "Neueste Meldungen",
        "most_read": "Meistgelesen",
        "read_more": "Weiterlesen",
        "search": "Suchergebnisse für",
        "results": "{n} Treffer",
        "tag": "Thema",
        "by": "Von",
        "share": ["Teilen", "Facebook", "Twitter", "E-Mail", "Drucken"],
        "comment": "Kommentar schreiben",
        "comment_note": "Ihre E-Mail-Adresse wird nicht veröffentlicht. Pflichtfelder sind mit * markiert",
        "next": "Nächste Seite",
        "topics": ["Klimawandel", "Bundestag", "Energiewende", "Bundesliga", "Mieten", "Bahn"],
        "months": [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
        "blurb": "Alle Nachrichten und Hintergründe zum Thema {topic} im Überblick.",
        "rights": "© {site} {year}. Alle Rechte vorbehalten.",
    },
    "fr": {
        "sections": ["International", "Politique", "Économie", "Société", "Sport", "Culture", "Sciences", "Idées"],
        "service": ["S'abonner", "Newsletters", "Se connecter", "Publicité", "Contact"],
        "footer": ["Mentions légales", "Confidentialité", "Gestion des cookies", "CGU", "Nous contacter"],
        "cookie": "Nous utilisons des cookies pour mesurer l'audience et vous proposer des publicités adaptées. "
        "En poursuivant votre navigation, vous acceptez leur utilisation.",
        "accept": "Tout accepter",
        "more": "Plus d'articles",
        "further": "Pour aller plus loin",
        "related": "Sur le même sujet",
        "also": "À lire aussi",
        "recommended": "Nos recommandations",
        "sponsored": "Contenu sponsorisé",
        "latest": "Dernières actualités",
        "most_read": "Les plus lus",
        "read_more": "Lire la suite",
        "search": "Résultats de recherche pour",
        "results": "{n} résultats",
        "tag": "Sujet",
        "by": "Par",
        "share": ["Partager", "Facebook", "Twitter", "E-mail", "Imprimer"],
        "comment": "Laisser un commentaire",
        "comment_note": "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *",
        "next": "Page suivante",
        "topics": ["climat", "retraites", "logement", "énergie", "Ligue 1", "immigration"],
        "months": [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        "blurb": "Retrouvez toute l'actualité sur le thème {topic} : articles, analyses et tribunes.",
        "rights": "© {site} {year}. Tous droits réservés.",
    },
    "es": {
        "sections": ["Internacional", "España", "Economía", "Sociedad", "Deportes", "Cultura", "Ciencia"],
        "service": ["Suscríbete", "Boletines", "Iniciar sesión", "Publicidad", "Contacto"],
        "footer": ["Aviso legal", "Política de privacidad", "Configuración de cookies", "Contacto"],
        "cookie": "Utilizamos cookies propias y de terceros para mejorar nuestros servicios y mostrarle "
        "publicidad relacionada con sus preferencias.",
        "accept": "Aceptar",
        "more": "Más noticias",
        "further": "Lecturas recomendadas",
        "related": "Noticias relacionadas",
        "also": "Te puede interesar",
        "recommended": "Recomendado para ti",
        "sponsored": "Contenido patrocinado",
        "latest": "Última hora",
        "most_read": "Lo más leído",
        "read_more": "Leer más",
        "search": "Resultados de búsqueda para",
        "results": "{n} resultados",
        "tag": "Tema",
        "by": "Por",
        "share": ["Compartir", "Facebook", "Twitter", "Correo", "Imprimir"],
        "comment": "Deja un comentario",
        "comment_note": "Tu dirección de correo electrónico no será publicada. Los campos obligatorios están "
        "marcados con *",
        "next": "Página siguiente",
        "topics": ["vivienda", "elecciones", "sequía", "turismo", "LaLiga", "inflación"],
        "months": [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
        "blurb": "Toda la información sobre {topic}: noticias, análisis y opinión.",
        "rights": "© {year} {site}. Todos los derechos reservados.",
    },
}

SITES = {
    "en": [
        Site("The Morning Ledger", "morningledger.example", "en"),
        Site("Harbour City Times", "hctimes.example", "en"),
        Site("TechPulse", "techpulse.example", "en"),
        Site("The Riverside Gazette", "rgazette.example", "en"),
    ],
    "de": [
        Site("Rheinische Rundschau", "rheinische-rundschau.example", "de"),
        Site("Nordkurier Online", "nordkurier-online.example", "de"),
        Site("Wirtschaftsblatt", "wirtschaftsblatt.example", "de"),
    ],
    "fr": [
        Site("Le Quotidien du Sud", "quotidiendusud.example", "fr"),
        Site("L'Écho des Régions", "echodesregions.example", "fr"),
    ],
    "es": [
        Site("El Diario del Valle", "diariodelvalle.example", "es"),
        Site("Crónica Norte", "cronicanorte.example", "es"),
    ],
}

# Built-in teasers: used when the corpus is absent or a language runs short (combined, so there are many).
BUILT_IN: dict[str, tuple[list[str], list[str], list[str]]] = {
    "en": (
        [
            "City council",
            "Regional hospital",
            "The central bank",
            "A local bakery",
            "Union leaders",
            "The school board",
            "Researchers in Leeds",
            "The port authority",
            "Farmers upstate",
            "A startup",
        ],
        [
            "approves new budget for",
            "warns of delays to",
            "signs a deal over",
            "rethinks plans for",
            "faces questions about",
            "opens talks on",
            "reports record demand for",
            "cuts funding for",
        ],
        [
            "the harbour bridge",
            "night buses",
            "flood defences",
            "its new wind farm",
            "rural broadband",
            "the summer festival",
            "cheaper housing",
            "the old rail depot",
            "school meals",
            "its pension scheme",
        ],
    ),
    "de": (
        [
            "Der Stadtrat",
            "Die Landesregierung",
            "Ein Mittelständler aus Ulm",
            "Die Gewerkschaft",
            "Forscher in Jena",
            "Der Verkehrsverbund",
            "Die Bundesagentur",
            "Ein Start-up aus Leipzig",
        ],
        [
            "stoppt Pläne für",
            "verhandelt über",
            "investiert Millionen in",
            "warnt vor Engpässen bei",
            "streicht Mittel für",
            "prüft Klage gegen",
            "meldet Rekord bei",
        ],
        [
            "die neue Rheinbrücke",
            "den Nachtverkehr",
            "den Hochwasserschutz",
            "das Glasfasernetz",
            "bezahlbare Wohnungen",
            "die Kita-Plätze",
            "das alte Bahnwerk",
            "den Windpark an der Küste",
        ],
    ),
    "fr": (
        [
            "La mairie",
            "Le conseil régional",
            "Une PME lyonnaise",
            "Les syndicats",
            "Des chercheurs de Grenoble",
            "La SNCF",
            "Le gouvernement",
            "Une start-up nantaise",
        ],
        [
            "relance le projet de",
            "s'inquiète pour",
            "investit dans",
            "suspend",
            "négocie des fonds pour",
            "annonce un record pour",
            "revoit le calendrier de",
        ],
        [
            "la rénovation du port",
            "la ligne de tramway",
            "la digue du littoral",
            "la fibre en zone rurale",
            "logements sociaux",
            "la cantine scolaire",
            "l'ancienne gare",
            "son parc éolien",
        ],
    ),
    "es": (
        [
            "El ayuntamiento",
            "La Junta",
            "Una empresa valenciana",
            "Los sindicatos",
            "Investigadores de Granada",
            "Renfe",
            "El Gobierno",
            "Una startup de Bilbao",
        ],
        [
            "aprueba un plan para",
            "advierte retrasos en",
            "invierte en",
            "paraliza",
            "negocia fondos para",
            "bate récords en",
            "revisa el calendario de",
        ],
        [
            "el nuevo puente",
            "los autobuses nocturnos",
            "la defensa contra inundaciones",
            "la fibra rural",
            "la vivienda asequible",
            "los comedores escolares",
            "la antigua estación",
            "el parque eólico",
        ],
    ),
}
BUILT_IN_SENTENCES = {
    "en": "The decision, announced on {day}, affects about {n},000 residents and follows months of debate.",
    "de": "Die Entscheidung vom {day} betrifft rund {n}.000 Menschen und folgt auf monatelange Debatten.",
    "fr": "La décision, annoncée le {day}, concerne environ {n} 000 habitants après des mois de débat.",
    "es": "La decisión, anunciada el {day}, afecta a unos {n}.000 vecinos tras meses de debate.",
}


# -- material from the corpora --------------------------------------------------------------------------------


def excerpt(text: str, words: int = 55) -> str:
    """The first `words` words of the text's paragraphs of 8 or more words."""
    found = [word for p in text.splitlines() if len(p.split()) >= 8 for word in p.split()][:words]
    return " ".join(found)


def first_sentence(text: str, max_words: int = 45) -> str | None:
    for paragraph in text.splitlines():
        paragraph = " ".join(paragraph.split())
        if len(paragraph.split()) < 8:
            continue
        sentence = _SENTENCE_END.split(paragraph, maxsplit=1)[0]
        if 6 <= len(sentence.split()) <= max_words:
            return sentence
    return None


def bare_headline(title: str) -> str:
    """A title without its " | Site" / " - Section" suffix."""
    previous = None
    while previous != title:
        previous, title = title, _SUFFIX.sub("", title).strip()
    return title


def language(text: str) -> str:
    return str(py3langid.classify(text[:1000])[0])


def scrapinghub_material(corpus: Path) -> tuple[dict[str, list[Teaser]], list[Story], list[CorpusPage]]:
    """Teasers (headline + first sentence), stories (headline + paragraphs) and the pages as served."""
    directory = corpus / "extraction-scrapinghub"
    teasers: dict[str, list[Teaser]] = {}
    stories: list[Story] = []
    pages: list[CorpusPage] = []
    if not (directory / "MANIFEST.tsv").is_file():
        return teasers, stories, pages
    with (directory / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        rows = sorted(csv.DictReader(handle, delimiter="\t"), key=lambda row: row["id"])
    for row in rows:
        page = (directory / row["html_file"]).read_text(encoding="utf-8")
        truth = (directory / row["truth_file"]).read_text(encoding="utf-8")
        headline = bare_headline(page_headline(page))
        sentence = first_sentence(truth)
        lang = language(truth)
        if headline and sentence and 3 <= len(headline.split()) <= 20:
            teasers.setdefault(lang, []).append(Teaser(headline, sentence, excerpt(truth)))
            paragraphs = tuple(p.strip() for p in truth.splitlines() if len(p.split()) >= 5)
            stories.append(Story(headline, paragraphs, f"scrapinghub:{row['id'][:12]}:{lang}"))
        pages.append(CorpusPage(row["id"], row["url"], lang, page))
    return teasers, stories, pages


def eval_material(eval_dir: Path | None) -> tuple[dict[str, list[Teaser]], list[Story], list[CorpusPage]]:
    """Teasers (title + description) from trafilatura's eval set; German and French articles (records with an
    author and a date) as pages and as stories (their title and the text trafilatura extracts from them)."""
    teasers: dict[str, list[Teaser]] = {}
    stories: list[Story] = []
    pages: list[CorpusPage] = []
    if eval_dir is None or not (eval_dir / "MANIFEST.tsv").is_file():
        return teasers, stories, pages
    _, decode = decoder()
    with (eval_dir / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        rows = sorted(csv.DictReader(handle, delimiter="\t"), key=lambda row: row["id"])
    for row in rows:
        record = json.loads((eval_dir / row["truth_file"]).read_text(encoding="utf-8"))
        title = bare_headline(" ".join((record.get("title") or "").split()))
        description = first_sentence(record.get("description") or "", max_words=40)
        if not title or not 3 <= len(title.split()) <= 20:
            continue
        lang = language(f"{title} {record.get('description') or ''}")
        if description:
            teasers.setdefault(lang, []).append(Teaser(title, description, excerpt(record["description"])))
        if lang in ("de", "fr") and record.get("author") and record.get("date"):
            page = decode((eval_dir / row["html_file"]).read_bytes())
            text = trafilatura.extract(page, include_comments=False, include_tables=False) or ""
            paragraphs = tuple(p.strip() for p in text.splitlines() if len(p.split()) >= 8)
            words = sum(len(p.split()) for p in paragraphs)
            if 250 <= words <= 2500:
                lang = language(text)
                stories.append(Story(title, paragraphs, f"eval:{row['id']}:{lang}"))
                pages.append(CorpusPage(row["id"], record.get("url") or row["url"], lang, page))
    return teasers, stories, pages


def built_in_teasers(lang: str, rng: random.Random) -> list[Teaser]:
    subjects, verbs, objects = BUILT_IN[lang]
    months = LOCALES[lang]["months"]
    teasers = []
    for subject in subjects:
        for verb in verbs:
            for thing in objects:
                day = f"{rng.randint(1, 28)} {months[rng.randrange(12)]}"
                sentence = BUILT_IN_SENTENCES[lang].format(day=day, n=rng.randint(2, 90))
                teasers.append(Teaser(f"{subject} {verb} {thing}", sentence, sentence))
    rng.shuffle(teasers)
    return teasers


@dataclass(slots=True)
class Material:
    teasers: dict[str, list[Teaser]]
    stories: list[Story]
    pages: list[CorpusPage]

    def pick(self, lang: str, count: int, rng: random.Random) -> list[Teaser]:
        pool = self.teasers.get(lang, [])
        if len(pool) < count:
            pool = pool + built_in_teasers(lang, random.Random(f"{lang}-{count}"))
        return rng.sample(pool, count)


def gather(corpus: Path, eval_dir: Path | None) -> Material:
    teasers, stories, pages = scrapinghub_material(corpus)
    eval_teasers, eval_stories, eval_pages = eval_material(eval_dir)
    for lang, found in eval_teasers.items():
        teasers.setdefault(lang, []).extend(found)
    return Material(teasers, stories + eval_stories, pages + eval_pages)


# -- page furniture -------------------------------------------------------------------------------------------


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def slug(text: str) -> str:
    return re.sub(r"\W+", "-", text.casefold()).strip("-")[:60] or "story"


def date_text(lang: str, rng: random.Random) -> str:
    month = rng.randrange(12)
    day = rng.randint(1, 28)
    name = LOCALES[lang]["months"][month]
    hour, minute = rng.randint(6, 22), rng.choice([0, 5, 12, 30, 45, 58])
    return {
        "en": f"{name} {day}, 2025, {hour % 12 or 12}:{minute:02d} {'PM' if hour >= 12 else 'AM'}",
        "de": f"{day}. {name} 2025, {hour}:{minute:02d} Uhr",
        "fr": f"Publié le {day} {name} 2025 à {hour}h{minute:02d}",
        "es": f"{day} de {name} de 2025 - {hour}:{minute:02d} h",
    }[lang]


def iso_date(rng: random.Random) -> str:
    return f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(6, 22):02d}:00:00+01:00"


def head(site: Site, title: str, og_type: str, description: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="{site.lang}"><head><meta charset="utf-8">'
        f"<title>{esc(title)} | {esc(site.name)}</title>"
        f'<meta property="og:site_name" content="{esc(site.name)}"><meta property="og:type" content="{og_type}">'
        f'<meta property="og:title" content="{esc(title)}">'
        + (f'<meta name="description" content="{esc(description)}">' if description else "")
        + '<link rel="stylesheet" href="/static/main.css"><script src="/static/app.js" defer></script>'
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}</script>"
        "</head>"
    )


def header(site: Site, rng: random.Random, *, as_list: bool) -> str:
    locale = LOCALES[site.lang]
    sections = locale["sections"]
    service = " | ".join(f'<a href="/{slug(s)}">{esc(s)}</a>' for s in locale["service"])
    if as_list:
        nav = "<ul class='menu'>" + "".join(f'<li><a href="/{slug(s)}/">{esc(s)}</a></li>' for s in sections) + "</ul>"
    else:
        nav = "".join(f'<a class="nav-link" href="/{slug(s)}/">{esc(s)}</a>' for s in sections)
    logo = f'<a class="logo" href="/"><img src="/logo.svg" alt="{esc(site.name)}"></a>'
    return (
        f'<header class="site-header"><div class="service-bar">{service}</div>{logo}'
        f'<nav class="main-nav" role="navigation">{nav}</nav>'
        f'<form class="search" action="/search"><input name="q" placeholder="Search"><button>Go</button></form>'
        "</header>"
    )


def cookie_note(site: Site) -> str:
    locale = LOCALES[site.lang]
    return (
        f'<div id="cookie-consent" class="cookie-banner"><p>{esc(str(locale["cookie"]))}</p>'
        f'<button class="accept">{esc(str(locale["accept"]))}</button></div>'
    )


def footer(site: Site, rng: random.Random) -> str:
    locale = LOCALES[site.lang]
    links = "".join(f'<li><a href="/{slug(s)}">{esc(s)}</a></li>' for s in locale["footer"])
    rights = str(locale["rights"]).format(year=2025, site=site.name)
    return (
        f'<footer class="site-footer"><ul class="footer-links">{links}</ul>'
        f'<p class="copyright">{esc(rights)}</p></footer>'
    )


def sidebar(site: Site, teasers: list[Teaser]) -> str:
    locale = LOCALES[site.lang]
    items = "".join(f'<li><a href="/{slug(t.headline)}">{esc(t.headline)}</a></li>' for t in teasers)
    return f'<aside class="sidebar"><h3>{esc(str(locale["most_read"]))}</h3><ol class="most-read">{items}</ol></aside>'


def link(site: Site, teaser: Teaser, rng: random.Random) -> str:
    section = rng.choice(LOCALES[site.lang]["sections"])
    return f"https://{site.domain}/{slug(section)}/{2025}/{rng.randint(1, 12):02d}/{slug(teaser.headline)}"


def page(site: Site, title: str, og_type: str, body: str, rng: random.Random, *, list_nav: bool) -> str:
    return (
        head(site, title, og_type)
        + f'<body class="{og_type}">{cookie_note(site)}{header(site, rng, as_list=list_nav)}{body}'
        + f"{footer(site, rng)}</body></html>"
    )


# -- listing page shapes --------------------------------------------------------------------------------------

Shape = Callable[[Site, list[Teaser], random.Random], tuple[str, str]]  # -> (title, body html)


def cards_home(site: Site, teasers: list[Teaser], rng: random.Random) -> tuple[str, str]:
    cards = "".join(
        f'<article class="card"><a href="{link(site, t, rng)}"><img src="/img/{i}.jpg" alt=""></a>'
        f'<h3 class="card-title"><a href="{link(site, t, rng)}">{esc(t.headline)}</a></h3>'
        f'<p class="card-summary">{esc(t.sentence)}</p><time>{date_text(site.lang, rng)}</time></article>'
        for i, t in enumerate(teasers)
    )
    return (
        site.name,
        f'<main><h1 class="visually-hidden">{esc(site.name)}</h1><section class="grid">{cards}</section></main>',
    )


def kicker_front(site: Site, teasers: list[Teaser], rng: random.Random) -> tuple[str, str]:
    section = rng.choice(LOCALES[site.lang]["sections"])
    items = []
    for t in teasers:
        kicker = rng.choice(t.headline.split()[:3]).strip(",.:")
        items.append(
            f'<div class="teaser"><h2 class="teaser__title"><a href="{link(site, t, rng)}">'
            f'<span class="kicker">{esc(kicker)}</span> <span class="headline">{esc(t.headline)}</span></a></h2>'
            f'<p class="teaser__text">{esc(t.sentence)} <a href="{link(site, t, rng)}" class="more">'
            f"{esc(str(LOCALES[site.lang]['read_more']))}</a></p>"
            f'<div class="teaser__meta">{date_text(site.lang, rng)}</div></div>'
        )
    return section, f'<div id="content"><h1 class="section-title">{esc(section)}</h1>{"".join(items)}</div>'


def ul_list(site: Site, teasers: list[Teaser], rng: random.Random) -> tuple[str, str]:
    section = rng.choice(LOCALES[site.lang]["sections"])
    items = "".join(
        f'<li class="story"><a href="{link(site, t, rng)}"><h3>{esc(t.headline)}</h3></a><p>{esc(t.sentence)}</p></li>'
        for t in teasers
    )
    side = sidebar(site, teasers[:5])
    return section, f'<main><h1>{esc(section)}</h1><ul class="story-list">{items}</ul></main>{side}'


def search_results(site: Site, teasers: list[Teaser], rng: random.Random) -> tuple[str, str]:
    locale = LOCALES[site.lang]
    topic = rng.choice(locale["topics"])
    results = "".join(
        f'<div class="result"><a class="result-title" href="{link(site, t, rng)}">{esc(t.headline)}</a>'
        f'<cite>{esc(link(site, t, rng))}</cite><p class="snippet">{esc(t.sentence)}</p>'
        f'<span class="date">{date_text(site.lang, rng)}</span></div>'
        for t in teasers
    )
    count = str(locale["results"]).format(n=rng.randint(len(teasers) + 1, 900))
    title = f"{locale['search']} “{topic}”"
    pages = "".join(f'<a href="/search?q={topic}&page={n}">{n}</a> ' for n in range(1, 8))
    return title, (
        f'<div class="search-page"><h1>{esc(title)}</h1><p class="count">{esc(count)}</p>{results}'
        f'<div class="pagination">{pages}<a rel="next" href="?page=2">{esc(str(locale["next"]))}</a></div></div>'
    )


def blog_archive(site: Site, teasers: list[Teaser], rng: random.Random) -> tuple[str, str]:
    locale = LOCALES[site.lang]
    posts = "".join(
        f'<article class="post type-post"><h2 class="entry-title"><a href="{link(site, t, rng)}" rel="bookmark">'
        f'{esc(t.headline)}</a></h2><div class="entry-meta">{date_text(site.lang, rng)} · {esc(str(locale["by"]))} '
        f'<a href="/author/{rng.randint(1, 9)}">{rng.choice(["Anna", "Ben", "Chloé", "Diego", "Eva"])}</a></div>'
        f'<div class="entry-summary"><p>{esc(t.sentence)} […]</p></div>'
        f'<a class="more-link" href="{link(site, t, rng)}">{esc(str(locale["read_more"]))} »</a></article>'
        for t in teasers
    )
    widgets = (
        '<aside id="secondary" class="widget-area"><section class="widget"><h2 class="widget-title">Categories</h2>'
        + "<ul>"
        + "".join(
            f'<li><a href="/category/{slug(s)}">{esc(s)}</a> ({rng.randint(3, 80)})</li>' for s in locale["sections"]
        )
        + "</ul></section></aside>"
    )
    return (
        f"{site.name} – Blog",
        f'<div id="primary" class="content-area"><main id="main">{posts}</main></div>{widgets}',
    )


def tag_page(site: Site, teasers: list[Teaser], rng: random.Random) -> tuple[str, str]:
    locale = LOCALES[site.lang]
    topic = rng.choice(locale["topics"])
    blurb = str(locale["blurb"]).format(topic=topic)
    items = "".join(
        f'<div class="item"><div class="item__image"><img src="/t/{i}.jpg" alt=""></div><div class="item__body">'
        f'<h2><a href="{link(site, t, rng)}">{esc(t.headline)}</a></h2><p>{esc(t.sentence)}</p></div></div>'
        for i, t in enumerate(teasers)
    )
    pages = " ".join(f'<a href="?p={n}">{n}</a>' for n in range(1, 6))
    title = f"{locale['tag']}: {topic}"
    return title, (
        f'<main class="tag-page"><h1>{esc(title)}</h1><p class="intro">{esc(blurb)}</p>{items}'
        f'<nav class="pager">{pages}</nav></main>'
    )


def table_portal(site: Site, teasers: list[Teaser], rng: random.Random) -> tuple[str, str]:
    rows = "".join(
        f'<tr><td valign="top"><img src="/bullet.gif"></td><td><a class="hl" href="{link(site, t, rng)}"><b>'
        f'{esc(t.headline)}</b></a><br><font size="-1">{esc(t.sentence)}</font></td></tr>'
        for t in teasers
    )
    menu = "<br>".join(f'<a href="/{slug(s)}.html">{esc(s)}</a>' for s in LOCALES[site.lang]["sections"])
    return site.name, (
        f'<table width="100%"><tr><td width="160" valign="top" class="leftmenu">{menu}</td>'
        f'<td valign="top"><table class="news">{rows}</table></td></tr></table>'
    )


def mixed_home(site: Site, teasers: list[Teaser], rng: random.Random) -> tuple[str, str]:
    locale = LOCALES[site.lang]
    hero, rest = teasers[0], teasers[1:]
    latest = "".join(f'<li><a href="{link(site, t, rng)}">{esc(t.headline)}</a></li>' for t in rest[:10])
    blocks = []
    for start in range(10, len(rest), 6):
        group = rest[start : start + 6]
        section = locale["sections"][start // 6 % len(locale["sections"])]
        cards = "".join(
            f'<div class="promo"><a href="{link(site, t, rng)}" class="promo-link"><span class="promo-heading">'
            f'{esc(t.headline)}</span></a><p class="promo-summary">{esc(t.sentence)}</p></div>'
            for t in group
        )
        blocks.append(
            f'<section class="section-block"><h2><a href="/{slug(section)}">{esc(section)}</a></h2>{cards}</section>'
        )
    return site.name, (
        f'<main><div class="hero"><h2><a href="{link(site, hero, rng)}">{esc(hero.headline)}</a></h2>'
        f"<p>{esc(hero.sentence)}</p></div>"
        f'<div class="latest"><h2>{esc(str(locale["latest"]))}</h2><ul>{latest}</ul></div>{"".join(blocks)}</main>'
    )


def dl_digest(site: Site, teasers: list[Teaser], rng: random.Random) -> tuple[str, str]:
    title = f"{LOCALES[site.lang]['latest']} – {date_text(site.lang, rng)}"
    items = "".join(
        f'<dt><a href="{link(site, t, rng)}">{esc(t.headline)}</a></dt><dd>{esc(t.sentence)}</dd>' for t in teasers
    )
    return title, f'<div class="digest"><h1>{esc(title)}</h1><dl>{items}</dl></div>'


def long_teasers(site: Site, teasers: list[Teaser], rng: random.Random) -> tuple[str, str]:
    section = rng.choice(LOCALES[site.lang]["sections"])
    pairs = list(zip(teasers[::2], teasers[1::2], strict=False))
    items = "".join(
        f'<div class="story-card"><h3><a href="{link(site, a, rng)}">{esc(a.headline)}</a></h3>'
        f'<div class="standfirst">{esc(a.sentence)} {esc(b.sentence)}</div>'
        f'<span class="byline">{esc(str(LOCALES[site.lang]["by"]))} {rng.choice(["M. Keller", "J. Ortiz", "S. Roy"])}'
        f"</span></div>"
        for a, b in pairs
    )
    return section, f'<div class="section-front"><h1>{esc(section)}</h1>{items}</div>{sidebar(site, teasers[-5:])}'


def ticker(site: Site, teasers: list[Teaser], rng: random.Random) -> tuple[str, str]:
    locale = LOCALES[site.lang]
    minutes = sorted((rng.randint(360, 1380) for _ in teasers), reverse=True)
    items = "".join(
        f'<div class="ticker-item"><time class="ticker-time">{m // 60:02d}:{m % 60:02d}</time><p class="ticker-text">'
        f'<a href="{link(site, t, rng)}"><strong>{esc(t.headline)}</strong></a> {esc(t.sentence)}</p></div>'
        for m, t in zip(minutes, teasers, strict=False)
    )
    title = str(locale["latest"])
    return title, f'<main class="newsticker"><h1>{esc(title)}</h1><div class="ticker">{items}</div></main>'


def excerpt_archive(site: Site, teasers: list[Teaser], rng: random.Random) -> tuple[str, str]:
    locale = LOCALES[site.lang]
    section = rng.choice(locale["sections"])
    posts = "".join(
        f'<div class="post-{i} post hentry"><h2 class="post-title"><a href="{link(site, t, rng)}">{esc(t.headline)}'
        f'</a></h2><p class="post-date">{date_text(site.lang, rng)}</p><div class="post-excerpt"><p>'
        f'{esc(t.excerpt or t.sentence)} … <a class="read-more" href="{link(site, t, rng)}">'
        f"{esc(locale['read_more'])} →</a></p></div></div>"
        for i, t in enumerate(teasers)
    )
    title = f"{locale['tag']}: {section}"
    return title, f'<div id="content"><h1 class="archive-title">{esc(title)}</h1>{posts}</div>'


LISTING_SHAPES: list[tuple[str, Shape]] = [
    ("cards-home", cards_home),
    ("kicker-front", kicker_front),
    ("ul-list", ul_list),
    ("search", search_results),
    ("blog-archive", blog_archive),
    ("tag-page", tag_page),
    ("table-portal", table_portal),
    ("mixed-home", mixed_home),
    ("dl-digest", dl_digest),
    ("long-teasers", long_teasers),
    ("ticker", ticker),
    ("excerpt-archive", excerpt_archive),
]


def listing_pages(material: Material, count: int) -> Iterator[Sample]:
    languages = ["en", "de", "en", "fr", "de", "en", "es", "de", "en", "fr", "en"]
    for index in range(count):
        rng = random.Random(f"listing-{SEED}-{index}")
        shape_name, shape = LISTING_SHAPES[index % len(LISTING_SHAPES)]
        lang = languages[index % len(languages)]
        site = rng.choice(SITES[lang])
        teasers = material.pick(lang, rng.randint(20, 60), rng)
        title, body = shape(site, teasers, rng)
        og_type = "website"
        url = f"https://{site.domain}/" + ("" if "home" in shape_name else f"{shape_name}/")
        html_text = page(site, title, og_type, body, rng, list_nav=index % 3 != 0)
        yield Sample(f"listing-{index:02d}-{shape_name}-{lang}", "listing", shape_name, lang, url, html_text)


# -- articles with long tails ---------------------------------------------------------------------------------

Tail = Callable[[Site, list[Teaser], random.Random], str]


def tail_cards(site: Site, teasers: list[Teaser], rng: random.Random) -> str:
    cards = "".join(
        f'<article class="related-card"><a href="{link(site, t, rng)}"><img src="/r/{i}.jpg" alt="">'
        f"<h4>{esc(t.headline)}</h4></a><p>{esc(t.sentence)}</p></article>"
        for i, t in enumerate(teasers)
    )
    return f'<section class="more-stories"><h2>{esc(str(LOCALES[site.lang]["more"]))}</h2>{cards}</section>'


def tail_further(site: Site, teasers: list[Teaser], rng: random.Random) -> str:
    items = "".join(f'<li><a href="{link(site, t, rng)}">{esc(t.headline)}</a></li>' for t in teasers)
    return f'<div class="further-reading"><h3>{esc(str(LOCALES[site.lang]["further"]))}</h3><ul>{items}</ul></div>'


def tail_related_sentences(site: Site, teasers: list[Teaser], rng: random.Random) -> str:
    items = "".join(
        f'<li><a href="{link(site, t, rng)}"><strong>{esc(t.headline)}</strong></a> – {esc(t.sentence)}</li>'
        for t in teasers
    )
    heading = esc(LOCALES[site.lang]["related"])
    return f'<section class="related"><h2>{heading}</h2><ul class="related-list">{items}</ul></section>'


def tail_also_and_comments(site: Site, teasers: list[Teaser], rng: random.Random) -> str:
    locale = LOCALES[site.lang]
    items = "".join(
        f'<div class="also-item"><a href="{link(site, t, rng)}">{esc(t.headline)}</a></div>' for t in teasers
    )
    return (
        f'<div class="read-also"><p class="read-also__label">{esc(str(locale["also"]))}</p>{items}</div>'
        f'<div id="comments"><h3>{esc(locale["comment"])}</h3><p class="note">{esc(locale["comment_note"])}</p>'
        '<form><textarea name="comment"></textarea><input name="author"><input name="email"><button>OK</button>'
        "</form></div>"
    )


def tail_recommended(site: Site, teasers: list[Teaser], rng: random.Random) -> str:
    locale = LOCALES[site.lang]
    half = len(teasers) // 2
    ours = "".join(
        f'<div class="rec"><a href="{link(site, t, rng)}"><span class="rec-title">{esc(t.headline)}</span></a></div>'
        for t in teasers[:half]
    )
    sponsored = "".join(
        f'<div class="ob-dynamic-rec"><a href="https://ads.example/c?u={i}"><span>{esc(t.headline)}</span></a>'
        f'<span class="ob-source">{esc(t.sentence[:60])}</span></div>'
        for i, t in enumerate(teasers[half:])
    )
    return (
        f'<div class="recommended"><h3>{esc(str(locale["recommended"]))}</h3>{ours}</div>'
        f'<div class="OUTBRAIN"><span class="ob-label">{esc(str(locale["sponsored"]))}</span>{sponsored}</div>'
    )


TAILS: list[tuple[str, Tail]] = [
    ("more-cards", tail_cards),
    ("further-list", tail_further),
    ("related-sentences", tail_related_sentences),
    ("also-comments", tail_also_and_comments),
    ("recommended", tail_recommended),
]


def article_body(site: Site, story: Story, template: str, rng: random.Random) -> str:
    locale = LOCALES[site.lang]
    paragraphs = list(story.paragraphs)
    if template == "short-news":
        paragraphs = paragraphs[: max(3, min(len(paragraphs), 5))]
    share_bar = " | ".join(f'<a href="#share-{slug(s)}">{esc(s)}</a>' for s in locale["share"])
    author = rng.choice(["Laura Bennett", "Jonas Weber", "Camille Moreau", "Pablo Ruiz", "Priya Shah"])
    byline = (
        f'<div class="byline">{esc(str(locale["by"]))} <a rel="author" href="/authors/{slug(author)}">{esc(author)}</a>'
        f' · <time datetime="{iso_date(rng)}">{date_text(site.lang, rng)}</time></div>'
    )
    body_parts = []
    for number, paragraph in enumerate(paragraphs):
        if template == "long-read" and number and number % 4 == 0:
            body_parts.append(f"<h2>{esc(' '.join(paragraph.split()[:6]).rstrip(',.;:'))}</h2>")
        body_parts.append(f"<p>{esc(paragraph)}</p>")
        if number == 1 and template in ("news", "long-read"):
            body_parts.append(
                f'<figure><img src="/photos/{rng.randint(100, 999)}.jpg" alt=""><figcaption>'
                f"{esc(' '.join(story.headline.split()[:5]))}. Photo: Agency</figcaption></figure>"
            )
    body = "".join(body_parts)
    tags = "".join(f'<a class="tag" href="/tag/{slug(t)}">{esc(t)}</a>' for t in rng.sample(locale["topics"], 3))
    if template == "blog":
        return (
            f'<div id="primary"><article class="post hentry"><header class="entry-header"><h1 class="entry-title">'
            f'{esc(story.headline)}</h1>{byline}</header><div class="entry-content">{body}</div>'
            f'<footer class="entry-footer">{tags}</footer></article>'
        )
    return (
        f'<main><article class="article"><header><h1>{esc(story.headline)}</h1>{byline}'
        f'<div class="share-bar">{share_bar}</div></header><div class="article-body">{body}</div>'
        f'<div class="tags">{tags}</div></article>'
    )


def article_pages(material: Material, count: int) -> Iterator[Sample]:
    templates = ["news", "blog", "long-read", "short-news"]
    by_lang: dict[str, list[Story]] = {}
    for story in material.stories:
        lang = story.source.rsplit(":", 1)[1]
        if lang in LOCALES and len(story.paragraphs) >= 3:
            by_lang.setdefault(lang, []).append(story)
    for lang, found in by_lang.items():  # each story once, in an order fixed by the seed
        random.Random(f"stories-{SEED}-{lang}").shuffle(found)
    languages = [lang for lang in ("en", "de", "en", "fr", "en", "de") if by_lang.get(lang)] or ["en"]
    for index in range(count):
        rng = random.Random(f"article-{SEED}-{index}")
        lang = languages[index % len(languages)]
        site = rng.choice(SITES[lang])
        turn = sum(1 for earlier in range(index) if languages[earlier % len(languages)] == lang)
        stories = by_lang.get(lang)
        story = stories[turn % len(stories)] if stories else built_in_story(lang, rng)
        template = templates[index % len(templates)]
        tail_name, tail = TAILS[(index // len(templates) + index) % len(TAILS)]
        teasers = material.pick(lang, rng.randint(20, 32), rng)
        body = article_body(site, story, template, rng) + tail(site, teasers, rng)
        body += "</div>" if template == "blog" else "</main>"
        url = f"https://{site.domain}/{2025}/{rng.randint(1, 12):02d}/{slug(story.headline)}"
        html_text = page(site, story.headline, "article", body, rng, list_nav=index % 2 == 0)
        name = f"article-{index:02d}-{template}-{tail_name}-{lang}"
        yield Sample(
            name, "article", f"{template}+{tail_name}", lang, url, html_text, tuple(t.headline for t in teasers)
        )


def built_in_story(lang: str, rng: random.Random) -> Story:
    teasers = built_in_teasers(lang, rng)[:12]
    paragraphs = tuple(f"{t.headline}. {t.sentence}" for t in teasers)
    return Story(teasers[0].headline, paragraphs, f"built-in::{lang}")


def cut_pages(material: Material, count: int) -> Iterator[Sample]:
    """Corpus pages as served (two thirds Scrapinghub, one third German or French pages of the eval set), with
    a related block of 20 teasers in the page's language inserted right after their own text."""
    rng = random.Random(f"cut-{SEED}")
    english = [page for page in material.pages if page.lang == "en"]
    other = [page for page in material.pages if page.lang in ("de", "fr")]
    foreign = min(len(other), count // 3)
    chosen = rng.sample(english, min(count - foreign, len(english))) + rng.sample(other, foreign)
    for index, corpus_page in enumerate(chosen):
        page_html = corpus_page.html
        teasers = material.pick(corpus_page.lang, 20, rng)
        site = Site("", "related.example", corpus_page.lang)
        tail = (tail_cards, tail_related_sentences, tail_further)[index % 3](site, teasers, rng)
        for marker in ("</article>", "</main>", "</body>"):
            position = page_html.rfind(marker)
            if position >= 0:
                page_html = page_html[:position] + tail + page_html[position:]
                break
        else:
            page_html += tail
        yield Sample(
            f"cut-{index:02d}-{corpus_page.id[:24]}",
            "article",
            "corpus page + related block",
            corpus_page.lang,
            corpus_page.url,
            page_html,
            tuple(t.headline for t in teasers),
        )


# -- run ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    refused: str | None
    title: str | None = None
    words: int = 0
    first_line: str | None = None
    tail_leak: float = 0.0


def judge(sample: Sample) -> Verdict:
    try:
        article = extract_article(sample.html, sample.url)
    except (NotArticle, ExtractionFailed) as error:
        return Verdict(f"{error.code}: {error.message}")
    leaked = sum(1 for headline in sample.tail if headline in article.text)
    share = leaked / len(sample.tail) if sample.tail else 0.0
    return Verdict(None, article.title, article.word_count, opening(article.text), share)


def write(samples: list[Sample]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for stale in OUT.glob("*.html"):  # pages of an earlier version of this generator
        stale.unlink()
    with (OUT / "MANIFEST.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["file", "kind", "shape", "lang", "url"])
        for sample in samples:
            (OUT / f"{sample.name}.html").write_text(sample.html, encoding="utf-8")
            writer.writerow([f"{sample.name}.html", sample.kind, sample.shape, sample.lang, sample.url])


def report(samples: list[Sample], verdicts: dict[str, Verdict]) -> bool:
    for kind in ("listing", "article"):
        print(f"\n{kind} pages:")
        for sample in (s for s in samples if s.kind == kind):
            verdict = verdicts[sample.name]
            wrong = (verdict.refused is None) == (kind == "listing")
            mark = "FAIL" if wrong else "ok  "
            if verdict.refused:
                print(f"  {mark} {sample.name:<44} refused  {verdict.refused[:80]}")
            else:
                leak = f"  tail leaked {verdict.tail_leak:4.0%}" if sample.tail else ""
                print(
                    f"  {mark} {sample.name:<44} kept     {verdict.words:5d} words{leak}"
                    f"  title {clip(verdict.title, 50)!r}"
                    f"  first line {clip(verdict.first_line, 70)!r}"
                )
    listings = [s for s in samples if s.kind == "listing"]
    articles = [s for s in samples if s.kind == "article"]
    refused_listings = sum(1 for s in listings if verdicts[s.name].refused)
    refused_articles = sum(1 for s in articles if verdicts[s.name].refused)
    kept = [verdicts[s.name] for s in articles if not verdicts[s.name].refused]
    leak = sum(v.tail_leak for v in kept) / len(kept) if kept else 0.0
    print(f"\nlisting pages refused: {refused_listings} of {len(listings)}")
    print(f"articles refused:      {refused_articles} of {len(articles)}")
    print(f"related-block headlines left in the text of kept articles: {leak:.0%} on average")
    for kind, failed in (
        ("listing pages kept (should be refused)", [s for s in listings if not verdicts[s.name].refused]),
        ("articles refused (should be kept)", [s for s in articles if verdicts[s.name].refused]),
    ):
        print(f"\n{kind}: {len(failed)}")
        for sample in failed:
            print(f"  {sample.name}  ({sample.shape}, {sample.lang})")
    return refused_listings == len(listings) and refused_articles == 0


def default_eval_dir(corpus: Path) -> Path | None:
    for place in (corpus / "extraction-trafilatura-eval", Path("/tmp") / "extraction-trafilatura-eval"):
        if (place / "MANIFEST.tsv").is_file():
            return place
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--eval-dir", type=Path, help="unpacked trafilatura eval set (German and French material)")
    parser.add_argument("--no-write", action="store_true", help="build the pages in memory only")
    args = parser.parse_args(argv)

    eval_dir = args.eval_dir or default_eval_dir(args.corpus)
    material = gather(args.corpus, eval_dir)
    sizes = ", ".join(f"{lang} {len(found)}" for lang, found in sorted(material.teasers.items()) if lang in LOCALES)
    print(
        f"material: teasers {sizes or 'none (built-in text)'}; {len(material.stories)} stories; "
        f"eval set {'at ' + str(eval_dir) if eval_dir else 'not found (no German/French bodies)'}"
    )
    samples = [
        *listing_pages(material, LISTINGS),
        *article_pages(material, SYNTHETIC_ARTICLES),
        *cut_pages(material, CUT_ARTICLES),
    ]
    if not args.no_write:
        write(samples)
        print(f"pages written to {OUT.relative_to(REPO)}/")
    verdicts = {sample.name: judge(sample) for sample in samples}
    met = report(samples, verdicts)
    print(f"\nbar (all listing pages refused, no article refused): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
