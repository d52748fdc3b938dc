"""The page's own Q&A: read as data (`page_qa`) and taken out of `text`.

End to end first: one `linkbrief summarize --json` run over pages served on 127.0.0.1, each a different article
(the pipeline deduplicates near-identical texts, so pages must not share a body) with its Q&A in one of the
shapes real pages use. Then `find_page_qa` and `without_page_qa` directly, for the shapes and edge cases that
need no server.

The rule under test for visible sections: a section counts as Q&A only under a heading that says so ("FAQ",
"Common Questions Answered", "Häufig gestellte Fragen", ...). Question-shaped subheadings alone do not make
one: explainers are written that way, and their questions and answers are the article.
"""

from __future__ import annotations

import json
from html import escape

import pytest
from articles import HARBOUR, HARBOUR_TITLE, ORCHARD, ORCHARD_TITLE, TRAIN, TRAIN_TITLE, article_html
from clirun import summarize_pages_once
from trafilatura.utils import load_html

from bot.article import QAPair
from bot.pipeline.blocks import Block
from bot.pipeline.page_qa import MAX_PAIRS, PageQA, ShownQA, find_page_qa, without_page_qa

LIBRARY_TITLE = "Town library opens its tool shed to borrowers"
LIBRARY = [
    "The public library of Kestwick now lends drills, ladders and sewing machines as well as books, after a "
    "year in which residents donated more than three hundred tools to a shed behind the reading room.",
    "Borrowers can take up to three tools for a week with their ordinary library card. Volunteers from the "
    "repair café check every tool when it comes back and fix what is broken on Saturday mornings.",
    "The head librarian, Oskar Lind, said the most popular item was a pressure washer, which had been booked "
    "every weekend since March. He said the shed had brought people into the library who had not visited "
    "for years, and many of them left with a book as well.",
    "The council has agreed to pay for a second shed next year if the number of loans keeps growing.",
]
EXPLAINER_TITLE = "Why the river crossing vote was postponed again"
EXPLAINER = [
    (
        "What was the council supposed to decide?",
        "Whether to build a road bridge or a second tunnel under the "
        "Ister river, a choice that has been delayed three times since the old ferry stopped running.",
    ),
    (
        "Why was the vote postponed?",
        "Two councillors asked for a new traffic count after the bypass opened in "
        "May, arguing that the figures in the engineers' report were six years old and no longer meaningful.",
    ),
    (
        "What happens next?",
        "The count will take four weeks. The council expects to vote in the autumn, and the "
        "mayor said she would not accept another delay after that.",
    ),
]
MARKET_TITLE = "Covered market reopens after two years of repairs"
MARKET = [
    "The covered market in Brannholm reopened on Saturday after two years of repairs to its iron roof, which "
    "engineers had found was rusting through in dozens of places.",
    "Forty traders returned to their old stalls and eleven new ones joined them, among them a cheese maker "
    "from the hills and a family that sells fish caught the same morning.",
    "The repairs cost 9.4 million euros, a third more than planned, because the glass panels of the roof had "
    "to be replaced as well. The city paid most of the bill with help from a heritage fund.",
]
GERMAN_TITLE = "Stadtbibliothek verlängert ihre Öffnungszeiten am Abend"
GERMAN = [
    "Die Stadtbibliothek von Lindau hat ab dem kommenden Monat an vier Abenden in der Woche bis 22 Uhr "
    "geöffnet. Bisher schloss sie jeden Tag um 18 Uhr, was viele Berufstätige seit Jahren kritisiert hatten.",
    "Die längeren Öffnungszeiten werden durch ein neues Ausleihsystem möglich, bei dem Leserinnen und Leser "
    "Bücher selbst verbuchen. Am Abend ist nur noch eine Mitarbeiterin im Haus, die bei Fragen hilft.",
    "Die Leiterin der Bibliothek, Katrin Ostermann, sagte, in einer Umfrage hätten sich mehr als tausend "
    "Menschen für spätere Öffnungszeiten ausgesprochen. Der Versuch läuft zunächst ein Jahr lang.",
]
FRENCH_TITLE = "La ville plante mille arbres le long de ses boulevards"
FRENCH = [
    "La municipalité de Valmont va planter mille arbres le long de ses trois grands boulevards d'ici la fin "
    "de l'hiver, afin de rafraîchir les rues pendant les étés de plus en plus chauds.",
    "Les essences ont été choisies pour résister à la sécheresse : des chênes verts, des micocouliers et des "
    "tilleuls argentés. Chaque arbre sera arrosé par des bénévoles du quartier pendant ses trois premières "
    "années.",
    "Le projet coûte 2,3 millions d'euros, dont la moitié est financée par la région. Les commerçants du "
    "boulevard central craignaient de perdre des places de stationnement, mais la mairie affirme qu'aucune "
    "ne sera supprimée.",
]

COMMON_QUESTIONS = [
    ("How often will the night ferries run?", "Every twenty minutes from next month, twice as often as now."),
    ("Who pays for the expansion?", "The city council approved about 6.2 million euros a year, mostly for crews."),
    ("Will there be electric ferries?", "One electric ferry will be tested on the shortest crossing next spring."),
]
ORCHARD_FAQ = [
    ("How many trees have been recorded?", "1,870 trees of at least 96 varieties."),
    ("Where do the cuttings go?", "To the agricultural college in Hallen, which keeps a living collection."),
]
TRAIN_FAQ = [
    ("When does the night train start?", "In December, three nights a week at first."),
    ("How much is a bed?", "From 119 euros in a shared compartment."),
]
LIBRARY_FAQ = [
    ("How many tools can I borrow?", "Up to three tools for a week with an ordinary library card."),
    ("Who repairs broken tools?", "Volunteers from the repair café, on Saturday mornings."),
]
GERMAN_FAQ = [
    ("Wann ist die Bibliothek abends geöffnet?", "An vier Abenden in der Woche bis 22 Uhr."),
    ("Wie lange dauert der Versuch?", "Zunächst ein Jahr lang."),
]
FRENCH_FAQ = [
    ("Quelles essences seront plantées ?", "Des chênes verts, des micocouliers et des tilleuls argentés."),
    ("Des places de stationnement seront-elles supprimées ?", "Non, selon la mairie."),
]


def pairs_json(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"question": question, "answer": answer} for question, answer in pairs]


def faq_json_ld(pairs: list[tuple[str, str]], *, wrap: str = "object") -> str:
    """A schema.org FAQPage script, as the object itself, inside `@graph`, or in a top-level list."""
    page = {
        "@type": "FAQPage",
        "mainEntity": [
            {"@type": "Question", "name": q, "acceptedAnswer": {"@type": "Answer", "text": f"<p>{escape(a)}</p>"}}
            for q, a in pairs
        ],
    }
    data: object = {"@context": "https://schema.org", **page}
    if wrap == "graph":
        data = {"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Courier"}, page]}
    elif wrap == "list":
        data = [{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "x"}, page]
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def with_body_tail(html: str, tail: str) -> str:
    """The template's article with `tail` inside the <article>, after the body paragraphs."""
    marker = "</div></article>"
    assert marker in html
    return html.replace(marker, f"</div>{tail}</article>", 1)


def common_questions_html() -> str:
    """The example shape: article body, an empty "Further Reading", then "Common Questions Answered" and
    question / answer paragraphs."""
    pairs = "".join(f"<p>{escape(q)}</p><p>{escape(a)}</p>" for q, a in COMMON_QUESTIONS)
    tail = f"<h2>Further Reading</h2><h2>Common Questions Answered</h2>{pairs}"
    return with_body_tail(article_html(HARBOUR_TITLE, HARBOUR), tail)


def details_faq_html() -> str:
    """A visible <details> FAQ, also declared as JSON-LD inside @graph."""
    items = "".join(f"<details><summary>{escape(q)}</summary><p>{escape(a)}</p></details>" for q, a in TRAIN_FAQ)
    tail = f'<section class="faq"><h2>Frequently asked questions</h2>{items}</section>'
    return with_body_tail(article_html(TRAIN_TITLE, TRAIN, extra_head=faq_json_ld(TRAIN_FAQ, wrap="graph")), tail)


def microdata_faq_html() -> str:
    items = "".join(
        '<div itemscope itemprop="mainEntity" itemtype="https://schema.org/Question">'
        f'<h3 itemprop="name">{escape(q)}</h3>'
        '<div itemscope itemprop="acceptedAnswer" itemtype="https://schema.org/Answer">'
        f'<div itemprop="text"><p>{escape(a)}</p></div></div></div>'
        for q, a in LIBRARY_FAQ
    )
    tail = f'<div itemscope itemtype="https://schema.org/FAQPage"><h2>FAQ</h2>{items}</div>'
    return with_body_tail(article_html(LIBRARY_TITLE, LIBRARY), tail)


def german_faq_html() -> str:
    pairs = "".join(f"<h3>{escape(q)}</h3><p>{escape(a)}</p>" for q, a in GERMAN_FAQ)
    tail = f"<h2>Häufig gestellte Fragen</h2>{pairs}"
    html = article_html(GERMAN_TITLE, GERMAN, lang="de", site_name="Lindauer Bote", author="Jana Keller")
    return with_body_tail(html, tail)


def french_faq_html() -> str:
    pairs = "".join(f"<dt>{escape(q)}</dt><dd>{escape(a)}</dd>" for q, a in FRENCH_FAQ)
    tail = f"<h2>Questions fréquentes</h2><dl>{pairs}</dl>"
    html = article_html(FRENCH_TITLE, FRENCH, lang="fr", site_name="Le Courrier", author="Luc Morel")
    return with_body_tail(html, tail)


def explainer_html() -> str:
    """Question subheadings but no FAQ heading: an explainer, whose questions and answers are the article."""
    html = article_html(EXPLAINER_TITLE, [])
    body = "".join(f"<h2>{escape(q)}</h2><p>{escape(a)}</p>" for q, a in EXPLAINER)
    return with_body_tail(html, body)


def malformed_json_ld_html() -> str:
    broken = (
        '<script type="application/ld+json">{"@type": "FAQPage", "mainEntity": [{"@type": "Question",</script>'
        '<script type="application/ld+json">{"@type": "FAQPage", "mainEntity": "nothing"}</script>'
        '<script type="application/ld+json">[1, null, {"@type": ["FAQPage"], "mainEntity": [{"name": 3}]}]</script>'
    )
    return article_html(MARKET_TITLE, MARKET, extra_head=broken)


PAGES = {
    "/common-questions": common_questions_html(),
    "/json-ld": article_html(ORCHARD_TITLE, ORCHARD, extra_head=faq_json_ld(ORCHARD_FAQ)),
    "/details": details_faq_html(),
    "/microdata": microdata_faq_html(),
    "/german": german_faq_html(),
    "/french": french_faq_html(),
    "/explainer": explainer_html(),
    "/malformed": malformed_json_ld_html(),
}


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """One CLI run over every page (a process start per page would cost seconds each)."""
    return summarize_pages_once(PAGES, tmp_path_factory.mktemp("page-qa"))


def summary_of(summaries: dict[str, dict], path: str) -> dict:
    line = summaries[path]
    assert line["error"] is None, line["error"]
    assert line["duplicate_of"] is None
    return line


def test_common_questions_answered_section_becomes_page_qa(summaries: dict[str, dict]) -> None:
    line = summary_of(summaries, "/common-questions")
    assert line["page_qa"] == pairs_json(COMMON_QUESTIONS)
    assert line["text"].startswith(HARBOUR[0][:60])
    assert HARBOUR[-1][-60:] in line["text"]
    assert "Common Questions" not in line["text"]
    for question, answer in COMMON_QUESTIONS:
        assert question not in line["text"]
        assert answer not in line["text"]


def test_faq_page_json_ld_is_page_qa_even_when_not_shown(summaries: dict[str, dict]) -> None:
    line = summary_of(summaries, "/json-ld")
    assert line["page_qa"] == pairs_json(ORCHARD_FAQ)
    assert line["text"].startswith(ORCHARD[0][:60])
    assert ORCHARD[-1][-60:] in line["text"]


def test_details_faq_declared_in_a_json_ld_graph_leaves_the_text(summaries: dict[str, dict]) -> None:
    line = summary_of(summaries, "/details")
    assert line["page_qa"] == pairs_json(TRAIN_FAQ)
    assert TRAIN[-1][-60:] in line["text"]
    assert "Frequently asked" not in line["text"]
    assert all(q not in line["text"] and a not in line["text"] for q, a in TRAIN_FAQ)


def test_microdata_faq_is_page_qa(summaries: dict[str, dict]) -> None:
    line = summary_of(summaries, "/microdata")
    assert line["page_qa"] == pairs_json(LIBRARY_FAQ)
    assert LIBRARY[-1] in line["text"]
    assert all(q not in line["text"] and a not in line["text"] for q, a in LIBRARY_FAQ)


@pytest.mark.parametrize(
    ("path", "paragraphs", "pairs", "heading", "language"),
    [
        ("/german", GERMAN, GERMAN_FAQ, "Häufig gestellte Fragen", "de"),
        ("/french", FRENCH, FRENCH_FAQ, "Questions fréquentes", "fr"),
    ],
)
def test_faq_heading_in_another_language(
    summaries: dict[str, dict], path: str, paragraphs: list[str], pairs: list[tuple[str, str]], heading: str,
    language: str,
) -> None:  # fmt: skip
    line = summary_of(summaries, path)
    assert line["language"] == language
    assert line["page_qa"] == pairs_json(pairs)
    assert line["text"].startswith(paragraphs[0][:50])
    assert paragraphs[-1][-50:] in line["text"]
    assert heading not in line["text"]
    assert all(q not in line["text"] and a not in line["text"] for q, a in pairs)


def test_question_subheadings_without_an_faq_heading_stay_article_text(summaries: dict[str, dict]) -> None:
    line = summary_of(summaries, "/explainer")
    assert line["page_qa"] is None
    for _question, answer in EXPLAINER:
        assert answer in line["text"]
    assert EXPLAINER[1][0] in line["text"]


def test_malformed_json_ld_is_skipped(summaries: dict[str, dict]) -> None:
    line = summary_of(summaries, "/malformed")
    assert line["page_qa"] is None
    assert line["text"].startswith(MARKET[0][:60])


# find_page_qa on parsed pages


def qa_of(html: str) -> tuple[QAPair, ...]:
    tree = load_html(html)
    assert tree is not None
    return find_page_qa(tree).pairs


def as_tuples(pairs: tuple[QAPair, ...]) -> list[tuple[str, str]]:
    return [(pair.question, pair.answer) for pair in pairs]


@pytest.mark.parametrize("wrap", ["object", "graph", "list"])
def test_json_ld_faq_page_in_each_wrapping(wrap: str) -> None:
    html = f"<html><head>{faq_json_ld(ORCHARD_FAQ, wrap=wrap)}</head><body><p>Body.</p></body></html>"
    assert as_tuples(qa_of(html)) == ORCHARD_FAQ


def test_json_ld_answer_html_and_entities_become_plain_text() -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "https://schema.org/FAQPage",
        "mainEntity": {
            "@type": "Question",
            "name": "Is the  ferry &amp; bus ticket shared?",
            "acceptedAnswer": [
                {"@type": "Answer", "text": "<p>Yes: <a href='/t'>one ticket</a>.</p><p>Ask&nbsp;us.</p>"}
            ],
        },
    }
    html = f'<html><head><script type="application/ld+json">{json.dumps(data)}</script></head><body>x</body></html>'
    assert as_tuples(qa_of(html)) == [("Is the ferry & bus ticket shared?", "Yes: one ticket. Ask us.")]


def test_qa_page_takes_the_accepted_else_the_most_voted_answer() -> None:
    data = {
        "@type": "QAPage",
        "mainEntity": {
            "@type": "Question",
            "name": "Which crossing is busiest?",
            "suggestedAnswer": [
                {"text": "The southern one.", "upvoteCount": 1},
                {"text": "The old town one.", "upvoteCount": 7},
            ],
        },
    }
    html = f'<html><head><script type="application/ld+json">{json.dumps(data)}</script></head><body>x</body></html>'
    assert as_tuples(qa_of(html)) == [("Which crossing is busiest?", "The old town one.")]


@pytest.mark.parametrize(
    "script",
    [
        '{"@type": "FAQPage", "mainEntity": [',
        '{"@type": "FAQPage", "mainEntity": 42}',
        '{"@type": "FAQPage", "mainEntity": [{"@type": "Question", "name": {"x": 1}, "acceptedAnswer": "no"}]}',
        '"just a string"',
        "[" * 5000 + "]" * 5000,
        "",
    ],
)
def test_malformed_json_ld_never_raises(script: str) -> None:
    html = f'<html><head><script type="application/ld+json">{script}</script></head><body><p>x</p></body></html>'
    assert qa_of(html) == ()


def test_faq_section_with_bold_questions_and_a_footer_after_it() -> None:
    html = (
        "<html><body><main><article><h1>Title</h1><p>Article text.</p>"
        "<h2>Questions and answers</h2><p><strong>Is parking free?</strong></p><p>Only on Sundays.</p>"
        "<p><b>Can I bring a dog?</b></p><p>Yes, on a lead.</p><p>Dogs drink for free.</p></article>"
        "<footer><p>© 2026 The Courier</p></footer></main></body></html>"
    )
    assert as_tuples(qa_of(html)) == [
        ("Is parking free?", "Only on Sundays."),
        ("Can I bring a dog?", "Yes, on a lead. Dogs drink for free."),
    ]


def test_faq_section_ends_at_the_next_heading_of_its_level() -> None:
    html = (
        "<html><body><h1>Title</h1><h2>Key questions</h2><h3>Q: Why now?</h3><p>A: Because of the flood.</p>"
        "<h2>About the author</h2><p>Anna writes about the harbour.</p></body></html>"
    )
    assert as_tuples(qa_of(html)) == [("Why now?", "Because of the flood.")]


def test_faq_section_ends_at_a_block_of_links() -> None:
    html = (
        "<html><body><h2>FAQ</h2><p>Why now?</p><p>Because of the flood.</p>"
        '<ul><li><a href="/1">Ten tips for a quieter commute</a></li><li><a href="/2">Best bakeries</a></li></ul>'
        "</body></html>"
    )
    assert as_tuples(qa_of(html)) == [("Why now?", "Because of the flood.")]


def test_heading_that_names_questions_but_holds_an_article_section_is_not_faq() -> None:
    html = (
        "<html><body><h1>Title</h1><h2>The key questions for the council</h2><p>The council meets on Monday.</p>"
        "<p>It has three options.</p><p>None of them is cheap.</p><p>Which will it choose?</p><p>Nobody knows.</p>"
        "</body></html>"
    )
    assert qa_of(html) == ()


def test_title_h1_that_names_questions_does_not_open_a_section() -> None:
    html = (
        "<html><body><h1>Fragen und Antworten zum Streik</h1><h2>Wer streikt?</h2><p>Die Lokführer.</p></body></html>"
    )
    assert qa_of(html) == ()


def test_pairs_are_capped_and_long_answers_clipped() -> None:
    items = "".join(f"<h3>Question number {i}?</h3><p>{'word ' * 1000}</p>" for i in range(MAX_PAIRS + 5))
    pairs = qa_of(f"<html><body><h2>FAQ</h2>{items}</body></html>")
    assert len(pairs) == MAX_PAIRS
    assert pairs[0].question == "Question number 0?"
    assert len(pairs[0].answer) <= 1501
    assert pairs[0].answer.endswith("…")


def test_mojibake_in_the_faq_is_repaired() -> None:
    html = "<html><body><h2>FAQ</h2><p>Whatâ€™s new?</p><p>The cafÃ© opens at nine.</p></body></html>"
    assert as_tuples(qa_of(html)) == [("What’s new?", "The café opens at nine.")]


# without_page_qa on extracted blocks


ARTICLE_BLOCKS = [Block(text=paragraph) for paragraph in HARBOUR]
SECTION = ShownQA(
    starts=("Common Questions Answered", *(q for q, _ in COMMON_QUESTIONS)),
    texts=tuple(text for pair in COMMON_QUESTIONS for text in pair),
)
QA = PageQA(pairs=tuple(QAPair(q, a) for q, a in COMMON_QUESTIONS), shown=(SECTION,))
FAQ_BLOCKS = [Block(text="Common Questions Answered", kind="heading")] + [
    Block(text=text) for pair in COMMON_QUESTIONS for text in pair
]


def declared(question: str, answer: str) -> PageQA:
    return PageQA(
        pairs=(QAPair(question, answer),),
        shown=(ShownQA(starts=(question,), texts=(question, answer), answered=True),),
    )


def test_removal_matches_merged_and_split_blocks_and_nothing_else() -> None:
    (q1, a1), (q2, a2), (q3, a3) = COMMON_QUESTIONS
    further = Block(text="Further Reading", kind="heading")
    after = Block(text="Crossings", kind="heading")  # a word some answer uses: still not the FAQ's
    blocks = [
        *ARTICLE_BLOCKS,
        further,
        Block(text="Common Questions Answered", kind="heading"),
        Block(text=f"{q1} {a1}"),  # an extractor merged question and answer
        Block(text=q2),
        Block(text=a2[: a2.index(" 6.2")]),  # ... or split an answer at an inline tag
        Block(text=a2[a2.index(" 6.2") + 1 :]),
        Block(text=q3),
        Block(text=a3),
        after,
    ]
    assert without_page_qa(blocks, QA) == [*ARTICLE_BLOCKS, further, after]


def test_short_block_between_answers_is_stepped_over_and_kept() -> None:
    helpful = Block(text="Was this answer helpful? Yes No")
    blocks = [*ARTICLE_BLOCKS, *FAQ_BLOCKS[:3], helpful, *FAQ_BLOCKS[3:]]
    assert without_page_qa(blocks, QA) == [*ARTICLE_BLOCKS, helpful]


def test_a_lone_faq_link_earlier_does_not_take_the_place_of_the_section() -> None:
    link = Block(text="Common Questions Answered", link_chars=25)
    blocks = [link, *ARTICLE_BLOCKS, *FAQ_BLOCKS]
    assert without_page_qa(blocks, QA) == [link, *ARTICLE_BLOCKS]


def test_article_paragraph_an_answer_repeats_stays_when_before_the_faq() -> None:
    qa = PageQA(shown=(ShownQA(starts=("FAQ", "When?"), texts=("When?", HARBOUR[0])),))
    blocks = [*ARTICLE_BLOCKS, Block(text="FAQ", kind="heading"), Block(text="When?"), Block(text=HARBOUR[0])]
    assert without_page_qa(blocks, qa) == ARTICLE_BLOCKS


def test_declared_pair_shown_with_its_answer_is_removed() -> None:
    question, answer = COMMON_QUESTIONS[0]
    blocks = [*ARTICLE_BLOCKS, Block(text=question, kind="heading"), Block(text=answer)]
    assert without_page_qa(blocks, declared(question, answer)) == ARTICLE_BLOCKS


def test_declared_question_that_heads_an_article_section_stays() -> None:
    """Sites declare their article's subheadings as FAQ with a summary as answer: the article keeps them."""
    heading = Block(text="Who pays for the expansion?", kind="heading")
    blocks = [ARTICLE_BLOCKS[0], heading, *ARTICLE_BLOCKS[1:]]
    qa = declared("Who pays for the expansion?", "The council, from next year's budget, with a grant.")
    assert without_page_qa(blocks, qa) == blocks


def test_page_that_is_only_its_faq_keeps_its_text() -> None:
    assert without_page_qa(FAQ_BLOCKS, QA) == FAQ_BLOCKS


def test_faq_not_shown_removes_nothing() -> None:
    assert without_page_qa(ARTICLE_BLOCKS, QA) == ARTICLE_BLOCKS
