"""The offline summariser, tested by properties rather than wording: counts, lengths, order, spans, language.

Every article here is written for the test (no corpus files): a news story with quotes and page furniture,
the same story's structure in five other languages, a short post, a one-paragraph item, a 20,000-word report,
a paragraph without a single full stop, and text full of Slack control sequences and Markdown.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.pipeline.language import language_tools
from bot.slack.render import ArticleView, render_summary
from bot.summarize.base import QAPair, Summary, SummaryInput
from bot.summarize.clutter import trim_furniture
from bot.summarize.compress import compress
from bot.summarize.english_clause import parse_clause
from bot.summarize.extractive import (
    MAX_KEY_POINTS,
    SUMMARIZER_NAME,
    TLDR_MAX_WORDS,
    ExtractiveSummarizer,
    summarize_extractive,
)
from bot.summarize.fitness import carries_point, fit_for_bullet, german_verbless
from bot.summarize.overlap import content_words, first_repeat
from bot.summarize.page_qa import questions_answered
from bot.summarize.question_names import (
    PRONOUNS,
    QuestionContext,
    named_phrase,
    proper_words,
    surnames,
    the_nouns,
)
from bot.summarize.questions import generate_questions
from bot.summarize.questions_en import en_passive
from bot.summarize.questions_en_apposition import apposition_question
from bot.summarize.questions_en_facts import fact_questions
from bot.summarize.questions_intl_facts import intl_fact_questions
from bot.summarize.ranking import RankedArticle, rank
from bot.summarize.sentences import clean_text, split_sentences

NEWS = "\n\n".join(
    [
        (
            "(CNN) — NASA's chief scientist Ellen Stofan predicted on Tuesday that humanity will find signs "
            "of life beyond Earth within a decade."
        ),
        (
            '"I think we are going to have strong indications of life beyond Earth within ten years, and '
            'definitive evidence within twenty to thirty years," Stofan said during a public panel in '
            "Washington."
        ),
        ("Click here to subscribe to our space newsletter."),
        (
            "The agency released a map showing that water has been detected on several moons and dwarf "
            "planets, including Europa and Ceres. Scientists using the Hubble Space Telescope recently found "
            "evidence of a salty ocean beneath the ice of Ganymede, the largest moon in the solar system."
        ),
        (
            'Stofan stressed that the search is for microbes rather than intelligent beings. "We are not '
            'talking about little green men," she said. "We are talking about little microbes."'
        ),
        ("Photo: NASA/JPL"),
        (
            "Former astronaut John Grunsfeld told CNN that finding life around another star could take a "
            "single generation. He said the Mars 2020 rover mission is designed to collect rock samples that "
            "may hold traces of ancient life."
        ),
        (
            "The Mars 2020 mission was delayed by two years because of budget cuts. NASA announced that the "
            "rover will now launch in the summer of 2020 from Cape Canaveral."
        ),
        ("Read more: How the Hubble telescope changed astronomy"),
        (
            "Europa is a moon of Jupiter with an ice shell roughly 25 kilometres thick. Critics argue that "
            "the missions are expensive, but supporters say the scientific return justifies the cost."
        ),
    ]
)

SHORT_POST = "\n\n".join(
    [
        ("We moved our build system from Make to Bazel last quarter, and the results surprised the whole team."),
        (
            "Clean builds now take eleven minutes instead of forty, because Bazel caches every intermediate "
            "artefact. Incremental builds after a one-line change finish in under thirty seconds."
        ),
        ("The migration took three engineers about six weeks, mostly spent rewriting custom scripts."),
    ]
)

ONE_PARAGRAPH = (
    "The city council of Springfield voted on Monday to close the old harbour bridge to cars from next spring. "
    "Engineers found that the steel supports had corroded far faster than expected after two wet winters. "
    "Cyclists and pedestrians will still be allowed to cross while a replacement bridge is designed. "
    "The council estimates that the new bridge will cost 40 million dollars and open in 2029."
)

GERMAN = "\n\n".join(
    [
        (
            "Die Europäische Kommission hat am Mittwoch strengere Regeln für künstliche Intelligenz "
            "vorgestellt. Die neuen Vorschriften sollen vor allem Anwendungen mit hohem Risiko betreffen, "
            "etwa in der Medizin oder bei der Polizei."
        ),
        (
            "„Wir wollen Innovation ermöglichen, aber nicht um jeden Preis“, sagte Kommissionspräsidentin "
            "Ursula von der Leyen in Brüssel. Unternehmen, die gegen die Regeln verstoßen, drohen Strafen von "
            "bis zu sechs Prozent ihres weltweiten Umsatzes."
        ),
        (
            "Der Digitalverband Bitkom kritisierte den Entwurf als zu bürokratisch. Viele kleine Firmen "
            "könnten die Auflagen nicht erfüllen, erklärte ein Sprecher des Verbands. Verbraucherschützer "
            "begrüßten dagegen die Pläne."
        ),
        (
            "Das Europäische Parlament muss den Regeln noch zustimmen. Bundesdigitalminister Volker Wissing "
            "sagte, Deutschland werde sich für praxistaugliche Lösungen einsetzen. Die Verhandlungen könnten "
            "bis zu zwei Jahre dauern."
        ),
    ]
)

FRENCH = "\n\n".join(
    [
        (
            "Le gouvernement français a annoncé mardi un plan de 10 milliards d'euros pour rénover les écoles "
            "du pays. Les travaux doivent commencer dès la rentrée prochaine et concerner en priorité les "
            "bâtiments les plus anciens."
        ),
        (
            "« Nos enfants méritent d'étudier dans des conditions dignes », a déclaré la Première ministre "
            "Élisabeth Borne lors d'une conférence de presse. Selon le ministère, près d'un tiers des écoles "
            "ont été construites avant 1970."
        ),
        (
            "Les syndicats d'enseignants ont salué une annonce importante, mais jugent le calendrier trop "
            "optimiste. Les communes devront financer une partie des travaux, ce qui inquiète les maires des "
            "petites villes."
        ),
        (
            "L'Association des maires de France a demandé des garanties supplémentaires. Le plan sera "
            "présenté au Parlement à l'automne."
        ),
    ]
)

SPANISH = "\n\n".join(
    [
        (
            "El Gobierno de España aprobó este martes una ley que reduce la jornada laboral a 37,5 horas "
            "semanales. La medida afectará a más de doce millones de trabajadores del sector privado."
        ),
        (
            '"Es un día histórico para los trabajadores de este país", dijo la vicepresidenta Yolanda Díaz '
            "tras el Consejo de Ministros. Las empresas tendrán dos años para adaptarse a la nueva jornada."
        ),
        (
            "La patronal CEOE criticó la reforma y advirtió de que podría afectar a la competitividad de las "
            "pequeñas empresas. Los sindicatos, en cambio, celebraron el acuerdo."
        ),
        (
            "El texto debe ser ratificado ahora por el Congreso de los Diputados. El Gobierno espera que la "
            "ley entre en vigor a principios del próximo año."
        ),
    ]
)

PORTUGUESE = "\n\n".join(
    [
        (
            "O Banco Central do Brasil anunciou nesta quarta-feira um novo corte na taxa básica de juros, que "
            "passou para 10,5% ao ano. A decisão foi tomada por unanimidade pelos membros do Comitê de "
            "Política Monetária."
        ),
        (
            '"A inflação está sob controle e a economia precisa de estímulo", disse o presidente do banco, '
            "Roberto Campos Neto, em entrevista coletiva. Analistas esperavam uma redução menor."
        ),
        (
            "O mercado financeiro reagiu bem à notícia e a bolsa de São Paulo fechou em alta de 2%. "
            "Economistas alertam, porém, que novos cortes dependerão do cenário externo."
        ),
        (
            "O próximo encontro do comitê está marcado para junho. Até lá, o banco vai acompanhar de perto os "
            "preços dos alimentos e da energia."
        ),
    ]
)

RUSSIAN = "\n\n".join(
    [
        (
            "Правительство России во вторник одобрило новую программу поддержки малого бизнеса. На эти цели в "
            "следующем году планируется выделить около 50 миллиардов рублей."
        ),
        (
            "«Мы должны помочь предпринимателям пережить трудный период», — заявил премьер-министр Михаил "
            "Мишустин на заседании кабинета. Программа предусматривает льготные кредиты и снижение налоговой "
            "нагрузки."
        ),
        (
            "Эксперты считают, что меры могут оказаться недостаточными. Представители бизнеса заявили, что "
            "главной проблемой остается высокая ключевая ставка."
        ),
        (
            "Центральный банк пока не комментирует новую программу. Окончательное решение о ставке будет "
            "принято в следующем месяце."
        ),
    ]
)

FERRY = "\n\n".join(
    [
        (
            "Riverton will run night ferries across the bay all year from next spring, the city council announced "
            "on Monday."
        ),
        (
            "The council doubled the night ferry service in June because demand rose sharply after the old bridge "
            "closed. About 120,000 passengers used the night boats between June and August."
        ),
        (
            "The operator Bay Lines raised $4 million from local investors to buy two electric boats. The new boats "
            "will enter service in March 2026."
        ),
        (
            "Residents on the north shore welcomed the plan, although some complained about noise from the "
            "terminal. The crews managed the extra trips by working shorter shifts."
        ),
        (
            "Mayor Ellen Park said the ferries had become part of the city's identity. Critics argue that the "
            "subsidy is too generous for a service used mostly by tourists."
        ),
    ]
)

# How a question opens in each language: the proof it was not asked in English.
QUESTION_OPENINGS = {"de": ("Was ",), "fr": ("Qu",), "es": ("¿Qué ",), "pt": ("O que ",), "ru": ("Что ",)}
ENGLISH_QUESTION_WORDS = re.compile(r"^(?:What|Why|How|Who|When|Where|Which)\b")
GENERIC_QUESTIONS = {
    "what is this article about?",
    "what happened?",
    "what is the main point?",
    "why does this matter?",
    "what are the key takeaways?",
}
TEMPLATE_WORDS = {
    "what", "did", "does", "do", "say", "about", "is", "are", "was", "were", "has", "have", "had", "will",
    "how", "much", "why", "the", "a", "an", "tell", "give", "warning", "with", "of", "for", "to",
}  # fmt: skip
FURNITURE = ("(CNN)", "Click here", "Read more", "Photo:", "subscribe")
# A question must name who or what it is about: "What did he say?" names no one.
UNRESOLVED_PRONOUN = re.compile(r"\b(?:he|she|him|they|them|it|this|these|those|we|us)\b(?![-'’])", re.IGNORECASE)
TERMINAL = re.compile(r"[.!?…][\"'”’»)]*$")


def normalised(text: str) -> str:
    return " ".join(clean_text(text).split())


def is_span(piece: str, article: str) -> bool:
    """`piece` occurs in the article (whitespace-insensitive; a raised first letter after a trimmed "But")."""
    flat = normalised(article)
    return normalised(piece) in flat or normalised(piece)[1:] in flat


def is_compression(text: str, article: str) -> bool:
    """`text` is made of the article's words in the article's order, within one stretch of it: a span, or a
    span with asides deleted (how a compressed TL;DR is made). Its first letter may have been raised."""
    wanted = re.findall(r"\w+", normalised(text).lower())
    source = re.findall(r"\w+", normalised(article).lower())
    for start, word in enumerate(source):
        if word != wanted[0]:
            continue
        position = start
        for token in wanted[1:]:
            try:
                position = source.index(token, position + 1, start + 3 * len(wanted) + 10)
            except ValueError:
                break
        else:
            return True
    return False


def repeats(shown: str, other: str) -> bool:
    """`other` says `shown` again: nearly all of its words, and `shown` not clearly shorter."""
    shown_words = re.findall(r"\w+", shown.lower())
    other_words = set(re.findall(r"\w+", other.lower()))
    covered = sum(1 for w in shown_words if w in other_words) / max(1, len(shown_words))
    return covered >= 0.8 and len(shown_words) > 0.8 * len(re.findall(r"\w+", other))


def fields(summary: Summary) -> list[str]:
    texts = [summary.tldr or "", *summary.key_points]
    for pair in summary.qa:
        texts += [pair.question, pair.answer]
    return texts


def words(text: str) -> int:
    return len(text.split())


def check_common_properties(summary: Summary, article: str) -> None:
    """What must hold for any article that has at least one real sentence."""
    assert summary.summarizer == SUMMARIZER_NAME
    assert summary.tldr is not None
    assert words(summary.tldr) <= TLDR_MAX_WORDS
    assert is_compression(summary.tldr, article), f"TL;DR not made of the article's words: {summary.tldr!r}"
    assert TERMINAL.search(summary.tldr)
    assert summary.tldr[:1].isupper() or summary.tldr[:1] in "\"“‘«„'"
    for point in summary.key_points_beyond_tldr:
        assert not repeats(summary.tldr, point), f"key point repeats the TL;DR: {point!r}"
    assert len(summary.key_points) <= MAX_KEY_POINTS
    assert len(set(summary.key_points)) == len(summary.key_points), "duplicate key points"
    positions = [normalised(article).find(normalised(point)[1:]) for point in summary.key_points]
    assert all(p >= 0 for p in positions), "a key point is not from the article"
    assert positions == sorted(positions), "key points out of article order"
    for point in summary.key_points:
        assert TERMINAL.search(point), f"fragment: {point!r}"
        assert point[:1].isupper() or point[:1] in "\"“‘«„'", f"fragment: {point!r}"
    assert len(summary.qa) <= 3
    questions = [pair.question for pair in summary.qa]
    assert len(set(questions)) == len(questions)
    for pair in summary.qa:
        assert pair.question.endswith("?")
        assert pair.question.lower() not in GENERIC_QUESTIONS
        assert not UNRESOLVED_PRONOUN.search(pair.question), f"pronoun in {pair.question!r}"
        assert len(pair.question.split()) <= 22
        assert is_span(pair.answer, article), f"answer not from the article: {pair.answer!r}"
        assert normalised(pair.answer) not in normalised(summary.tldr), "answer repeats the TL;DR"
        assert words(pair.answer) <= 80
    answers = [normalised(pair.answer) for pair in summary.qa]
    assert len(set(answers)) == len(answers)


# --- English news ------------------------------------------------------------------------------------------


def test_news_article_has_tldr_three_to_five_key_points_and_questions() -> None:
    summary = summarize_extractive(SummaryInput(text=NEWS, title="NASA expects signs of alien life within a decade"))
    check_common_properties(summary, NEWS)
    assert 2 <= len(summary.key_points) <= MAX_KEY_POINTS
    assert len(summary.qa) >= 2, summary.qa
    assert "Stofan" in summary.tldr


def test_page_furniture_never_reaches_the_summary() -> None:
    summary = summarize_extractive(SummaryInput(text=NEWS))
    for text in fields(summary):
        for furniture in FURNITURE:
            assert furniture not in text, (furniture, text)
    assert summary.tldr is not None
    assert summary.tldr.startswith("NASA's chief scientist"), "the dateline was not trimmed"


def test_questions_name_their_subject_and_are_not_templates() -> None:
    summary = summarize_extractive(SummaryInput(text=NEWS))
    article_words = {w.lower() for w in re.findall(r"\w+", NEWS)}
    for pair in summary.qa:
        own_words = [w for w in re.findall(r"\w+", pair.question) if w.lower() not in TEMPLATE_WORDS]
        assert own_words, f"nothing of the article in {pair.question!r}"
        # Every word is the article's own (a verb may be in its base form: "announced" → "announce").
        assert all(any(a.startswith(w.lower()[:5]) for a in article_words) for w in own_words), pair.question
        assert any(w[:1].isupper() for w in own_words), f"no named subject in {pair.question!r}"
        assert ENGLISH_QUESTION_WORDS.match(pair.question)
    speakers = " ".join(pair.question for pair in summary.qa)
    assert "Grunsfeld" in speakers or "Stofan" in speakers


def test_answers_come_from_different_parts_of_the_article() -> None:
    summary = summarize_extractive(SummaryInput(text=NEWS))
    flat = normalised(NEWS)
    starts = sorted(flat.find(normalised(pair.answer)) for pair in summary.qa)
    assert all(b - a > 40 for a, b in itertools.pairwise(starts)), starts


def test_pronoun_speaker_is_resolved_to_the_named_one() -> None:
    text = (
        "The European Space Agency launched its Juice probe toward Jupiter on Friday after a one-day delay.\n\n"
        "Project scientist Olivier Witasse described the launch as flawless and the probe as healthy. "
        '"We will reach Jupiter in 2031 and then spend years studying its icy moons," he said.\n\n'
        "The probe carries ten instruments and must fly past Earth and Venus to gain speed on the way."
    )
    summary = summarize_extractive(SummaryInput(text=text))
    check_common_properties(summary, text)
    assert any(
        pair.question.startswith("What did Project scientist Olivier Witasse") or "Witasse" in pair.question
        for pair in summary.qa
    ), summary.qa
    assert not any(" he " in f" {pair.question} " for pair in summary.qa)


def test_repeated_paragraph_yields_no_duplicate_key_points() -> None:
    repeated = NEWS + "\n\n" + NEWS.split("\n\n")[3]
    summary = summarize_extractive(SummaryInput(text=repeated))
    check_common_properties(summary, repeated)
    token_sets = [set(re.findall(r"\w+", p.lower())) for p in summary.key_points]
    for i, a in enumerate(token_sets):
        for b in token_sets[i + 1 :]:
            assert len(a & b) / len(a | b) < 0.6


def test_same_text_same_summary() -> None:
    first = summarize_extractive(SummaryInput(text=NEWS, title="NASA"))
    second = summarize_extractive(SummaryInput(text=str(NEWS), title="NASA"))
    assert first == second
    assert first.as_json() == second.as_json()


def test_same_summary_in_processes_with_different_hash_seeds() -> None:
    """No set or dict ordering leaks into the output: Python randomises string hashing per process."""
    script = (
        "import json, sys\n"
        "from bot.summarize.base import SummaryInput\n"
        "from bot.summarize.extractive import summarize_extractive\n"
        "text = sys.stdin.read()\n"
        "print(json.dumps(summarize_extractive(SummaryInput(text=text)).as_json()))\n"
    )
    repo = Path(__file__).resolve().parent.parent
    outputs = set()
    for seed in ("1", "2", "3"):
        result = subprocess.run(  # noqa: S603 - our own interpreter running a fixed script
            [sys.executable, "-c", script],
            input=NEWS + "\n\n" + GERMAN,
            capture_output=True,
            text=True,
            check=True,
            cwd=repo,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())["key_points"]


# --- sizes and shapes --------------------------------------------------------------------------------------


def test_short_post_of_three_paragraphs() -> None:
    summary = summarize_extractive(SummaryInput(text=SHORT_POST, title="From Make to Bazel"))
    check_common_properties(summary, SHORT_POST)
    assert 2 <= len(summary.key_points) <= 3


def test_article_of_one_paragraph() -> None:
    summary = summarize_extractive(SummaryInput(text=ONE_PARAGRAPH))
    check_common_properties(summary, ONE_PARAGRAPH)
    assert len(summary.key_points) == 2  # the lead is the TL;DR, never a key point too
    assert "harbour bridge" in summary.tldr


def _long_report(word_target: int = 20_000) -> str:
    """A deterministic report of many paragraphs of varied, complete sentences."""
    rng = random.Random(7)
    subjects = ["The committee", "The regional office", "Independent auditors", "The finance team", "Local managers"]
    verbs = ["reviewed", "questioned", "approved", "revised", "documented", "criticised", "measured"]
    objects = ["the water budget", "the staffing plan", "the bridge repairs", "the school meals contract",
               "the flood defences", "the bus network", "the housing targets", "the energy tender"]  # fmt: skip
    tails = ["after a long consultation.", "for the third year in a row.", "despite objections from residents.",
             "in line with the national guidance.", "with support from two neighbouring councils."]  # fmt: skip
    paragraphs, total = [], 0
    section = 0
    while total < word_target:
        section += 1
        sentences = [f"Section {section} covers {rng.choice(objects)} and its effect on the district."]
        for _ in range(rng.randint(3, 6)):
            sentences.append(f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)} {rng.choice(tails)}")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += words(paragraph)
    return "\n\n".join(paragraphs)


def test_long_report_of_twenty_thousand_words() -> None:
    report = _long_report()
    assert words(report) >= 20_000
    summary = summarize_extractive(SummaryInput(text=report, title="District services annual review"))
    check_common_properties(summary, report)
    assert 3 <= len(summary.key_points) <= MAX_KEY_POINTS


def test_one_huge_paragraph_without_full_stops() -> None:
    rng = random.Random(3)
    vocabulary = [
        "river",
        "town",
        "council",
        "bridge",
        "winter",
        "repair",
        "budget",
        "vote",
        "people",
        "road",
        "school",
        "water",
        "late",
        "night",
    ]
    text = " ".join(rng.choice(vocabulary) for _ in range(6_000)).replace("late night", "late night,")
    summary = summarize_extractive(SummaryInput(text=text))
    assert summary.tldr is not None
    assert summary.tldr.endswith("…")
    assert words(summary.tldr) <= TLDR_MAX_WORDS + 1
    assert is_span(summary.tldr.removesuffix("…").strip(), text)
    assert summary.key_points == ()
    assert summary.qa == ()


@pytest.mark.parametrize(
    "text", ["", "   \n\n  ", "Hello.", "Click here to subscribe to our newsletter.", "\u200b\u200b"]
)
def test_empty_or_too_short_text_gives_no_summary(text: str) -> None:
    summary = summarize_extractive(SummaryInput(text=text))
    assert summary.tldr is None
    assert summary.key_points == ()
    assert summary.qa == ()
    assert summary.summarizer == SUMMARIZER_NAME


def test_two_sentences_give_fewer_key_points_not_filler() -> None:
    text = "The library will open on Sundays from next month. Opening hours will run from ten until four."
    summary = summarize_extractive(SummaryInput(text=text))
    check_common_properties(summary, text)
    assert len(summary.key_points) <= 2


# --- other languages ---------------------------------------------------------------------------------------

ARTICLES_BY_LANGUAGE = {"de": GERMAN, "fr": FRENCH, "es": SPANISH, "pt": PORTUGUESE, "ru": RUSSIAN}


@pytest.mark.parametrize("language", sorted(ARTICLES_BY_LANGUAGE))
def test_non_english_article_is_summarised_in_its_language(language: str) -> None:
    text = ARTICLES_BY_LANGUAGE[language]
    summary = summarize_extractive(SummaryInput(text=text, language=language))
    check_common_properties(summary, text)
    assert len(summary.key_points) == 2  # the lead is the TL;DR, never a key point too
    for pair in summary.qa:
        assert pair.question.startswith(QUESTION_OPENINGS[language]), pair.question
        assert not ENGLISH_QUESTION_WORDS.match(pair.question)


@pytest.mark.parametrize("language", sorted(ARTICLES_BY_LANGUAGE))
def test_undeclared_language_is_detected(language: str) -> None:
    text = ARTICLES_BY_LANGUAGE[language]
    declared = summarize_extractive(SummaryInput(text=text, language=language))
    detected = summarize_extractive(SummaryInput(text=text, language=None))
    assert detected == declared


def test_regional_language_tag_is_understood() -> None:
    declared = summarize_extractive(SummaryInput(text=PORTUGUESE, language="pt"))
    regional = summarize_extractive(SummaryInput(text=PORTUGUESE, language="pt-BR"))
    assert regional == declared


def _all_questions(text: str, language: str) -> list[str]:
    """The questions the generator asks of a text when no sentence is taken by the TL;DR or key points."""
    tools = language_tools(text, language)
    ranked = rank(split_sentences(text, tools.code), tools, None)
    return [pair.question for pair in generate_questions(ranked, tools, None)]


@pytest.mark.parametrize(
    ("language", "text", "must_contain"),
    [
        (
            "de",
            "Die Bahn erhöht im Dezember die Preise im Fernverkehr um durchschnittlich vier Prozent. "
            "Pendler mit Zeitkarten sind von der Erhöhung ausgenommen. "
            "Die Deutsche Bahn hat außerdem neue Sparpreise für Familien mit Kindern angekündigt. "
            "Fahrgastverbände halten die Erhöhung dennoch für zu hoch.",
            ("Deutsche Bahn", "angekündigt"),
        ),
        (
            "fr",
            "Le prix du ticket de métro augmentera de dix centimes en janvier dans toute la région. "
            "Les abonnés mensuels ne seront pas concernés par cette hausse. "
            "Île-de-France Mobilités a annoncé un nouveau forfait pour les étudiants boursiers. "
            "Les associations d'usagers jugent la hausse injustifiée.",
            ("Île-de-France Mobilités", "annoncé"),
        ),
    ],
)
def test_announcement_templates_reuse_the_sentence_verb(
    language: str, text: str, must_contain: tuple[str, ...]
) -> None:
    # In a four-sentence text every sentence is shown as the TL;DR or a key point, so the summary's own Q&A
    # would only repeat them: the templates are tested on the generator, with nothing excluded.
    assert any(all(part in question for part in must_contain) for question in _all_questions(text, language))


def test_language_without_templates_gets_no_english_questions() -> None:
    text = (
        "Il governo italiano ha approvato martedì un piano per ridurre le tasse sulle famiglie con figli. "
        '"È una misura attesa da anni", ha detto il ministro Giancarlo Giorgetti a Roma. '
        "Il piano costerà circa tre miliardi di euro nel prossimo anno. "
        "Le opposizioni sostengono che le risorse non siano sufficienti."
    )
    summary = summarize_extractive(SummaryInput(text=text, language="it"))
    check_common_properties(summary, text)
    assert summary.qa == ()


def test_text_in_a_script_without_stop_words_does_not_crash() -> None:
    text = "東京都は火曜日、新しい防災計画を発表した。計画には避難所の増設が含まれる。費用は約百億円と見込まれている。"
    summary = summarize_extractive(SummaryInput(text=text))
    assert summary.summarizer == SUMMARIZER_NAME
    assert summary.qa == ()
    for text_field in fields(summary):
        assert text_field in text


# --- untrusted text ----------------------------------------------------------------------------------------

HOSTILE = "\n\n".join(
    [
        ("# <!channel> URGENT *read this* now"),
        (
            "<!channel> The mayor of Riverton, Dana Alvarez, announced a new <@U123ABC> recycling plan on "
            "Monday &lt;script&gt; that starts in May."
        ),
        (
            '> Quoted block: "We will collect glass, paper and metal every week," Alvarez said at a press '
            "conference <https://evil.example|click>."
        ),
        ("- **Bold claim**: residents can save up to `$200` a year according to ~the city~ estimates."),
        (
            "Officials said the plan [details](https://example.com) will cost 3 million dollars &amp; create "
            "40 jobs. Alvarez\u200b said the city council approved the budget on Friday <!here|here>."
        ),
    ]
)


def test_slack_control_sequences_and_markdown_stay_plain_text() -> None:
    summary = summarize_extractive(SummaryInput(text=HOSTILE, title="<!everyone> Riverton recycling"))
    check_common_properties(summary, HOSTILE)
    assert summary.key_points
    for text in fields(summary):
        assert "\u200b" not in text
        assert "&amp;lt;" not in text, "text was escaped twice"
        assert "&amp;amp;" not in text, "text was escaped twice"
        assert "<script>" not in text, "entities were unescaped into markup"
        assert not text.startswith(("#", ">", "- ")), "layout markers leaked into the summary"
    for pair in summary.qa:
        assert not set(pair.question) & set("<>&*`~[]|"), f"markup in a generated question: {pair.question!r}"
    assert all("<!channel>" not in point or "<!channel>" in HOSTILE for point in summary.key_points)


def test_markdown_heading_is_never_a_key_point() -> None:
    summary = summarize_extractive(SummaryInput(text=HOSTILE))
    assert all("URGENT" not in point for point in summary.key_points)


# --- the Summarizer protocol -------------------------------------------------------------------------------


async def test_async_summarizer_matches_the_sync_core() -> None:
    summarizer = ExtractiveSummarizer()
    assert summarizer.name == SUMMARIZER_NAME
    article = SummaryInput(text=NEWS, title="NASA")
    assert await summarizer.summarize(article) == summarize_extractive(article)


# --- TL;DR and key points are never shown saying the same thing twice --------------------------------------


ALL_FIXTURES = {
    "news": NEWS,
    "ferry": FERRY,
    "short_post": SHORT_POST,
    "one_paragraph": ONE_PARAGRAPH,
    "hostile": HOSTILE,
    "de": GERMAN,
    "fr": FRENCH,
    "es": SPANISH,
    "pt": PORTUGUESE,
    "ru": RUSSIAN,
}


@pytest.mark.parametrize("name", sorted(ALL_FIXTURES))
def test_no_key_point_repeats_the_tldr_or_another(name: str) -> None:
    """The lead is represented once, by the TL;DR: no key point is the TL;DR or says it again, and no two key
    points share 60% of their content words; so displays have nothing to skip."""
    text = ALL_FIXTURES[name]
    summary = summarize_extractive(SummaryInput(text=text))
    check_common_properties(summary, text)
    assert summary.key_points_beyond_tldr == summary.key_points
    tools = language_tools(text, None)
    shown = [content_words(summary.tldr, tools), *(content_words(p, tools) for p in summary.key_points)]
    assert first_repeat(shown) is None, (summary.tldr, summary.key_points)


def test_lead_is_the_tldr_as_written_and_never_a_key_point() -> None:
    """An attributed lead stays whole (who said it is part of the point, and no key point repeats it now)."""
    for text in (FERRY, ONE_PARAGRAPH):
        summary = summarize_extractive(SummaryInput(text=text))
        lead = normalised(re.split(r"(?<=\.)\s", text, maxsplit=1)[0])
        assert summary.tldr == lead
        assert all(lead not in normalised(point) for point in summary.key_points)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            'They may not be "Star Trek"-type extraterrestrials, but we may be close to finding evidence of alien '
            "life, a NASA scientist says.",
            "We may be close to finding evidence of alien life.",
        ),
        (
            "A teacher has been banned from the classroom after he let pupils change their exam answers.",
            "A teacher has been banned from the classroom.",
        ),
        (
            "Stan Freberg, whose comic career garnered him acclaim, has died at the age of 88 (his family said).",
            "Stan Freberg has died at the age of 88.",
        ),
        (
            "Police said on Friday that the bridge will stay closed until the repairs are finished in 2026.",
            "The bridge will stay closed until the repairs are finished in 2026.",
        ),
    ],
)
def test_compression_deletes_asides_and_keeps_a_sentence(sentence: str, expected: str) -> None:
    assert compress(sentence, "en") == expected
    assert is_compression(expected, sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        # an opinion stays attributed: dropping ", a charity claims" would state it as fact
        "One in five Chinese restaurants are believed to be serving shark fin soup, a charity claims.",
        # a quotation is the speaker's: never cut
        '"We will win," the coach said on Tuesday after the match.',
        # the rest would start with "she", whose name was in the part removed
        "When Emma Jackson moved into a quiet street, she thought she had found the perfect home.",
        # "Wednesday" is the subject here, not a time adverb
        "Michelle Obama likes a busy schedule and Wednesday was no exception for the first lady.",
    ],
)
def test_compression_leaves_what_it_cannot_safely_cut(sentence: str) -> None:
    assert compress(sentence, "en") == sentence


def test_compression_outside_english_only_removes_marked_asides() -> None:
    sentence = "Die Kommission (mit Sitz in Brüssel) hat am Mittwoch neue Regeln vorgestellt, sagte ein Sprecher."
    assert compress(sentence, "de") == "Die Kommission hat am Mittwoch neue Regeln vorgestellt, sagte ein Sprecher."


# --- questions that add to the summary ------------------------------------------------------------------------


def test_questions_ask_for_amounts_dates_and_what_people_said() -> None:
    summary = summarize_extractive(SummaryInput(text=FERRY))
    check_common_properties(summary, FERRY)
    asked = {pair.question: pair.answer for pair in summary.qa}
    assert len(asked) == 3, asked
    assert asked["When will the new boats enter service?"].endswith("in March 2026.")
    how_much = "How much did the operator Bay Lines raise from local investors to buy two electric boats?"
    assert "$4 million" in asked[how_much]
    assert "What did Mayor Ellen Park say about the ferries?" in asked


def test_answers_are_not_the_sentences_already_shown() -> None:
    for text in (NEWS, FERRY):
        summary = summarize_extractive(SummaryInput(text=text))
        shown = [normalised(p) for p in summary.key_points] + [normalised(summary.tldr or "")]
        for pair in summary.qa:
            assert all(normalised(pair.answer) not in s and s not in normalised(pair.answer) for s in shown)


def _context(text: str) -> QuestionContext:
    tools = language_tools(text, "en")
    terms = Counter(tools.content_terms(text))
    return QuestionContext("en", frozenset(), frozenset(re.findall(r"\b[a-z]\w*", text)), terms, tools)


@pytest.mark.parametrize(
    ("sentence", "question"),
    [
        (
            "The council doubled the night ferry service because demand rose sharply.",
            "Why did the council double the night ferry service?",
        ),
        (
            "Stancil was arrested in Florida after a manhunt lasting two days.",
            "Why was Stancil arrested in Florida?",
        ),
        (
            "About 120,000 passengers used the night boats this summer.",
            "How many passengers used the night boats this summer?",
        ),
        ("The company cut 200 jobs at its Ohio plant.", "How many jobs did the company cut at its Ohio plant?"),
        ("The sleeper train will start running in May.", "When will the sleeper train start running?"),
        ("Louis Jordan survived by collecting rainwater.", "How did Louis Jordan survive?"),
        (
            "The crews have not managed the trips because the boats broke down.",
            "Why haven't the crews managed the trips?",
        ),
        ("NASA plans to launch the probe in 2031.", "When does NASA plan to launch the probe?"),
        # plurals without -s are counted too; a lone adverb and its comma open the sentence
        (
            "About 200 people were evacuated from the ferry terminal.",
            "How many people were evacuated from the ferry terminal?",
        ),
        (
            "The council hired four women to run the night boats.",
            "How many women did the council hire to run the night boats?",
        ),
        (
            "Recently, the company cut 200 jobs at its Ohio plant.",
            "How many jobs did the company cut at its Ohio plant?",
        ),
    ],
)
def test_fact_questions_rearrange_the_sentence(sentence: str, question: str) -> None:
    text = f"{sentence} The council, the ferry, the passengers, the boats, the company and the jobs matter."
    clause = parse_clause(sentence)
    assert clause is not None
    asked = [q.question for q in fact_questions(clause, _context(text + " " + text), None)]
    assert question in asked, asked


@pytest.mark.parametrize(
    "sentence",
    [
        "It was closed because of the storm.",  # "Why was it closed?": whose "it"?
        "They cut 200 jobs at the plant.",
        "Initial reports suggested the men were targeted.",  # "reports" is a noun, not the verb
        "Clean builds now take eleven minutes instead of forty, because Bazel caches everything.",
        '"We will double the service," the mayor said.',  # a quotation: asked as speech, not rearranged
    ],
)
def test_no_fact_question_where_the_subject_or_verb_is_unclear(sentence: str) -> None:
    clause = parse_clause(sentence)
    asked = fact_questions(clause, _context(sentence + " " + sentence), None) if clause is not None else []
    assert asked == [], asked


# --- datelines, identity questions, fact questions outside English ---------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("DUBAI, United Arab Emirates — Iran said on Monday it would act.", "Iran said on Monday it would act."),
        ("CLEVELAND, Ohio – The Doobie Brothers will tour in 2020.", "The Doobie Brothers will tour in 2020."),
        ("WASHINGTON, D.C. -- The Senate voted on Friday.", "The Senate voted on Friday."),
        ("Paris, France — a city that never sleeps.", "Paris, France — a city that never sleeps."),
        ("NASA, the agency, said nothing.", "NASA, the agency, said nothing."),
    ],
)
def test_city_and_country_dateline_is_trimmed(sentence: str, expected: str) -> None:
    assert trim_furniture(sentence, opens_paragraph=True) == expected
    assert trim_furniture(sentence, opens_paragraph=False) == sentence  # datelines only open a paragraph


def _ranked_context(text: str, language: str) -> tuple[RankedArticle, QuestionContext]:
    """The context `generate_questions` builds, so names are told from common words as in a real run."""
    tools = language_tools(text, language)
    ranked = rank(split_sentences(text, language), tools, None)
    proper, common = proper_words(ranked.sentences)
    return ranked, QuestionContext(
        language,
        proper,
        common,
        ranked.term_counts,
        tools,
        the_nouns(ranked.sentences),
        surnames(ranked.sentences, common),
    )


_APPOSITION_CONTEXT = " Ascom and Dräger work together, and Ascom staff met Anna Berg and Mahmud Magaji."


@pytest.mark.parametrize(
    ("sentence", "question"),
    [
        ("Ascom, a global provider of healthcare software, announced a deal with Dräger.", "What is Ascom?"),
        ("Dräger said the deal with Ascom, a Swiss maker of hospital pagers, would help nurses.", "What is Ascom?"),
        ("Anna Berg, a retired teacher from Oslo, met the Ascom staff.", "Who is Anna Berg?"),
        (
            "The suit was filed by Mahmud Magaji, a senior advocate of Nigeria, on behalf of Ascom.",
            "Who is Mahmud Magaji?",
        ),
    ],
)
def test_apposition_asks_who_or_what_a_name_is(sentence: str, question: str) -> None:
    ranked, ctx = _ranked_context(sentence + _APPOSITION_CONTEXT, "en")
    asked = apposition_question(ranked.sentences[0], ctx)
    assert asked is not None
    assert asked[0] == question
    name = asked[1]
    assert name in sentence
    assert name.lower() not in PRONOUNS["en"]


@pytest.mark.parametrize(
    "sentence",
    [
        "In Paris, a man was arrested on Monday near Ascom offices.",  # a clause after the comma
        "The festival drew teams from China, New Zealand, the UK and Italy.",  # a list of names
        "He, a former soldier of the Ascom guard, spoke first.",  # a pronoun
        "Anna Berg, a retired teacher from Oslo, died on Sunday.",  # "Who is …?" would be the wrong tense
        "Monbeg Dude, the horse owned by three rugby players, ran well.",  # a person's name, not a person
        "Yesterday, the company announced a deal with Ascom.",  # a weekday-like opener and a verb
        "Elias Rodriguez, a spokesman, said Ascom would reply.",  # too thin a description to answer
    ],
)
def test_no_apposition_question_where_the_phrase_is_not_a_description(sentence: str) -> None:
    ranked, ctx = _ranked_context(sentence + _APPOSITION_CONTEXT, "en")
    assert apposition_question(ranked.sentences[0], ctx) is None


@pytest.mark.parametrize(
    ("language", "text", "question"),
    [
        (
            "de",
            "Rund 200 Menschen demonstrierten am Samstag in Berlin gegen die Bahn. Die Bahn reagierte.",
            "Wie viele Menschen demonstrierten am Samstag in Berlin gegen die Bahn?",
        ),
        (
            "de",
            "Seit 2015 betreibt die Bahn die Strecke nach Köln. Die Bahn reagierte.",
            "Seit wann betreibt die Bahn die Strecke nach Köln?",
        ),
        (
            "fr",
            "Plus de 300 élèves ont été évacués du lycée Voltaire. Le lycée Voltaire a rouvert.",
            "Combien d'élèves ont été évacués du lycée Voltaire ?",
        ),
        (
            "fr",
            "En 2019, Île-de-France Mobilités a lancé un forfait pour le métro. Le métro est plein.",
            "Quand est-ce qu'Île-de-France Mobilités a lancé un forfait pour le métro ?",
        ),
        (
            "es",
            "Más de 200 personas murieron en el terremoto de Chile. El terremoto de Chile fue fuerte.",
            "¿Cuántas personas murieron en el terremoto de Chile?",
        ),
        (
            "es",
            "En 2019 se inauguró el nuevo museo de Bilbao. El museo de Bilbao es grande.",
            "¿Cuándo se inauguró el nuevo museo de Bilbao?",
        ),
        (
            "pt",
            "Cerca de 200 pessoas morreram no terremoto da Bahia. O terremoto da Bahia foi forte.",
            "Quantas pessoas morreram no terremoto da Bahia?",
        ),
        (
            "pt",
            "Em 2019, o governo aprovou o plano de habitação da Bahia. O governo da Bahia celebrou.",
            "Quando o governo aprovou o plano de habitação da Bahia?",
        ),
        (
            "ru",
            "Около 200 человек погибли во время землетрясения в Турции. Землетрясение в Турции было сильным.",
            "Сколько человек погибли во время землетрясения в Турции?",
        ),
        (
            "ru",
            "В январе правительство Москвы утвердило план строительства. Правительство Москвы довольно.",
            "Когда правительство Москвы утвердило план строительства?",
        ),
    ],
)
def test_fact_questions_outside_english_replace_the_number_or_date(language: str, text: str, question: str) -> None:
    ranked, ctx = _ranked_context(text, language)
    first = ranked.sentences[0]
    asked = [q.question for q in intl_fact_questions(first, ctx)]
    assert asked == [question]
    # Grammatical shape: a question word, then the rest of the sentence word for word (the answer is the span).
    assert re.match(INTL_OPENERS[language], question)
    asked_words, sentence_words = re.findall(r"\w+", question), re.findall(r"\w+", first.text)
    shared = next(
        n
        for n in range(len(asked_words), -1, -1)
        if asked_words[len(asked_words) - n :] == sentence_words[len(sentence_words) - n :]
    )
    assert shared >= 3
    assert len(asked_words) - shared <= 4  # "Quand est-ce qu'", "Seit wann", "Combien d'"
    assert is_span(first.text, text)


INTL_OPENERS = {
    "de": r"^(?:Wie viele|(?:Seit |Ab |Bis )?[Ww]ann) ",
    "fr": r"^(?:Combien d|Quand est-ce qu)",
    "es": r"^¿(?:Cuánt[oa]s|Cuándo) ",
    "pt": r"^(?:Quant[oa]s|Quando) ",
    "ru": r"^(?:Сколько|Когда) ",
}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("de", "Im März eröffnete er das Museum der Bahn. Die Bahn reagierte."),  # "er": whom?
        ("es", "Cerca de 50 problemas fueron detectados en el plan de Madrid. El plan de Madrid sigue."),  # gender
        ("es", "En enero el Gobierno aprobó el plan de Madrid. El plan de Madrid sigue."),  # needs inversion
        ("ru", "Более 3 человек пострадали в Турции. Землетрясение в Турции было сильным."),  # "человека" case
        ("fr", "En 2019, il a lancé un forfait pour le métro. Le métro est plein."),  # "il": who?
        ("pt", "Em 2019 aprovou. O governo da Bahia celebrou."),  # nothing named
    ],
)
def test_no_fact_question_outside_english_where_the_shape_is_unsafe(language: str, text: str) -> None:
    ranked, ctx = _ranked_context(text, language)
    assert intl_fact_questions(ranked.sentences[0], ctx) == []


@pytest.mark.parametrize(
    ("language", "text", "must_start"),
    [
        (
            "de",
            "Die Bahn erhöht die Preise im Fernverkehr um vier Prozent. Pendler mit Zeitkarten sind ausgenommen. "
            "Fahrgastverbände kritisieren die Bahn scharf. Im Dezember erhöht die Bahn auch die Preise für "
            "Zeitkarten. Rund 200 Pendler demonstrierten am Samstag in Berlin gegen die Preise der Bahn.",
            ("Wann ", "Wie viele "),
        ),
        (
            "ru",
            "Правительство Москвы утвердило план строительства жилья. Эксперты критикуют план. Жители довольны "
            "планом строительства. В январе правительство Москвы утвердило план строительства школ. Около 200 "
            "человек пришли на обсуждение плана строительства в Москве.",
            ("Когда ", "Сколько "),
        ),
    ],
)
def test_summaries_outside_english_ask_when_and_how_many(language: str, text: str, must_start: tuple[str, ...]) -> None:
    check_common_properties(summarize_extractive(SummaryInput(text=text, language=language)), text)
    questions = _all_questions(text, language)  # every sentence is shown in the summary: see above
    for start in must_start:
        assert any(q.startswith(start) for q in questions), questions


@pytest.mark.parametrize(
    ("sentence", "question"),
    [
        (
            "The Doobie Brothers are nominated for the Rock and Roll Hall of Fame.",
            "What are the Doobie Brothers nominated for?",
        ),
        ("Jane Goodall was praised for her work with chimpanzees.", "What was Jane Goodall praised for?"),
        ("Thames Water was fined for polluting the river.", "Why was Thames Water fined?"),
    ],
)
def test_passive_with_its_complement_is_asked_about(sentence: str, question: str) -> None:
    ranked, ctx = _ranked_context(sentence + " " + sentence, "en")
    asked = en_passive(ranked.sentences[0], ctx)
    assert asked is not None
    assert asked[0] == question


def test_a_possessive_is_never_the_name_a_question_asks_about() -> None:
    text = (
        "United's Alan Pardew praised the squad. Pardew said: 'We were brilliant.' United's said the fans were great."
    )
    _ranked, ctx = _ranked_context(text, "en")
    assert named_phrase("Mr Cameron's", ctx, sentence_start=False) is None
    assert named_phrase("CNN's Wolf Blitzer", ctx, sentence_start=False) == "CNN's Wolf Blitzer"
    summary = summarize_extractive(SummaryInput(text=text))
    assert all("'s say" not in pair.question and "’s say" not in pair.question for pair in summary.qa)


# --- issue 9: key points beyond the lead, the page's own Q&A first, nothing said twice ------------------------

LONG_STORY = "\n\n".join(
    [
        (
            "The port city of Marlow approved a 90 million dollar flood barrier on Tuesday after a decade of "
            "debate. The vote in the city council was 7 to 2. Councillors said the decision had been put off "
            "too many times."
        ),
        (
            "Mayor Priya Hart had promised the barrier during her campaign. Local shop owners attended the "
            "meeting in large numbers. The meeting lasted more than four hours."
        ),
        (
            "Engineers from the Delft Water Institute estimate that the barrier will protect 40,000 homes from "
            "storm surges. Construction is due to start in March 2027 and to finish by 2031."
        ),
        (
            "Opponents of the plan, led by the Marlow Taxpayers Alliance, argue that the cost will double "
            "council tax bills for a decade. The alliance has threatened to challenge the decision in the High "
            "Court."
        ),
        (
            "Storms flooded 1,200 homes in the city in 2019 and caused damage worth 300 million dollars. Insurers "
            "have since raised premiums in the lowest streets by as much as 60 percent."
        ),
        (
            "The national government will pay 45 million dollars of the cost, the environment ministry confirmed "
            "on Wednesday. The rest will come from a bond issued by the city."
        ),
    ]
)


def _first_paragraph_sentences(text: str) -> set[str]:
    return {s.text for s in split_sentences(text.split("\n\n")[0], "en")}


def test_key_points_come_from_beyond_the_first_paragraph_of_a_long_article() -> None:
    summary = summarize_extractive(SummaryInput(text=LONG_STORY))
    check_common_properties(summary, LONG_STORY)
    first = _first_paragraph_sentences(LONG_STORY)
    assert summary.tldr is not None
    assert summary.tldr.startswith("The port city of Marlow approved")
    beyond = [point for point in summary.key_points if point not in first]
    assert len(beyond) >= len(summary.key_points) - 1, summary.key_points
    assert len(summary.key_points) >= 2


def test_bullets_never_lean_on_an_earlier_sentence() -> None:
    text = "\n\n".join(
        [
            "Rescue teams in the Alpine town of Sorel found 14 missing hikers alive on Sunday after a two-day search.",
            "The group is assisting police with their inquiries into how the hikers were separated from the guide.",
            "He said the weather had turned within minutes and the trail markers were buried in snow.",
            '"It was terrifying," she said.',
            "Editor's note: this story has been updated with the number of hikers found.",
            "Officials in Sorel said 120 volunteers joined the search and two helicopters flew over the glacier.",
            "The regional government will review safety rules for guided tours on the Sorel glacier next month.",
        ]
    )
    summary = summarize_extractive(SummaryInput(text=text))
    for point in summary.key_points:
        assert not point.startswith(("The group", "He ", '"It was', "Editor")), point
    assert summary.key_points


@pytest.mark.parametrize(
    ("teaser", "expected_start"),
    [
        ("Alibaba Qwen AI team members departing.", "Several senior engineers"),
        ("The automaker isn't slowing down on stacking up new potential models.", "Several senior engineers"),
        ("Imagine waking up to find your whole team gone.", "Several senior engineers"),
    ],
)
def test_tldr_is_never_a_fragment_teaser_or_scene_setter(teaser: str, expected_start: str) -> None:
    text = "\n\n".join(
        [
            teaser,
            "Several senior engineers left the Qwen team at Alibaba hours after the Qwen3.5 release in Hangzhou.",
            "The release was praised by Elon Musk, who called its intelligence density impressive.",
            "More than 90,000 companies use Qwen models through Alibaba Cloud, according to the company.",
        ]
    )
    summary = summarize_extractive(SummaryInput(text=text))
    assert summary.tldr is not None
    assert summary.tldr.startswith(expected_start), summary.tldr
    assert teaser not in summary.key_points


PAGE_QA = (
    QAPair(
        "Common question: how did the council vote on the flood barrier, and who voted against it after the long "
        "debate that had divided the city and its residents for more than ten years?",
        "The vote was 7 to 2. The two Green councillors voted against, saying a cheaper plan existed. "
        "They had proposed raising the sea wall instead.",
    ),
    QAPair("Who pays for the barrier?", "The national government pays 45 million dollars and a city bond the rest."),
    QAPair("What was decided?", "The port city of Marlow approved the flood barrier after a decade of debate."),
)


def test_page_qa_comes_first_trimmed_and_never_repeats_what_is_shown() -> None:
    summary = summarize_extractive(SummaryInput(text=LONG_STORY, page_qa=PAGE_QA))
    vote, pays = summary.qa[0], summary.qa[1]
    # The question is its question sentence without the label, cut to a readable length.
    assert vote.question.startswith("How did the council vote on the flood barrier")
    assert vote.question.endswith("?")
    assert len(vote.question.split()) <= 26
    # A short first sentence takes the next one along; the third sentence is left on the page.
    assert vote.answer == "The vote was 7 to 2. The two Green councillors voted against, saying a cheaper plan existed."
    assert pays == PAGE_QA[1]
    # The page's third answer says the TL;DR again: it is not shown.
    assert all(pair.question != "What was decided?" for pair in summary.qa)
    # No key point says again what the page's own answers say.
    assert not any("7 to 2" in point or "45 million" in point for point in summary.key_points), summary.key_points
    assert summary.key_points


def test_generated_pairs_only_fill_up_to_three_on_topics_the_page_does_not_cover() -> None:
    tools = language_tools(LONG_STORY, "en")
    page = [QAPair("Who pays for the barrier?", "The national government pays 45 million dollars.")]
    generated = [
        QAPair("How much does the national government pay for the barrier?", "It pays 45 million dollars of it."),
        QAPair("Who threatened to challenge the decision?", "The Marlow Taxpayers Alliance threatened a court case."),
        QAPair("When will construction start?", "Construction is due to start in March 2027."),
        QAPair("How many homes flooded in 2019?", "Storms flooded 1,200 homes in the city in 2019."),
    ]
    chosen = questions_answered(page, generated, tools, shown=[])
    assert [pair.question for pair in chosen] == [
        "Who pays for the barrier?",
        "Who threatened to challenge the decision?",
        "When will construction start?",
    ]
    # With three pairs of its own, the page's pairs are all that is asked.
    own = [*page, QAPair("When does work start?", "In March 2027."), QAPair("Who objects?", "The Greens.")]
    assert questions_answered(own, generated, tools, shown=[]) == own


def test_page_qa_alone_when_it_fills_the_display() -> None:
    many = tuple(QAPair(f"Question {n} about the flood barrier in Marlow?", f"Answer {n} is {n}.") for n in range(5))
    summary = summarize_extractive(SummaryInput(text=LONG_STORY, page_qa=many))
    assert [pair.question for pair in summary.qa] == [pair.question for pair in many]


def test_displays_skip_repeats_in_summaries_from_elsewhere() -> None:
    """Summaries stored by earlier versions (lead as key point 1) or written by an LLM are shown once too."""
    summary = Summary(
        tldr="Marlow approved a 90 million dollar flood barrier on Tuesday.",
        key_points=(
            "The port city of Marlow approved a 90 million dollar flood barrier on Tuesday after a decade of debate.",
            "The vote in the city council was 7 to 2.",
            "The city council vote was 7 to 2 in favour.",
        ),
        qa=(
            QAPair("How did the council vote?", "The council vote was 7 to 2."),
            QAPair("Who pays?", "The national government pays 45 million dollars."),
        ),
        summarizer="llm",
    )
    assert summary.key_points_beyond_tldr == ("The vote in the city council was 7 to 2.",)
    assert summary.qa_beyond_key_points == (summary.qa[1],)


@pytest.mark.parametrize(
    ("sentence", "fit"),
    [
        ("The group is assisting police with their inquiries into the crash on the motorway.", False),
        ("He said the weather had turned within minutes and the markers were buried.", False),
        ('"We will not give up on the search for the missing hikers," she said.', False),
        ("Big Ben: the 20lb lamb is twice the weight of the average new-born lamb.", False),
        ("Alibaba Qwen AI team members departing after the open-source release, impacting development.", False),
        ("It is understood that the regional government will review the safety rules.", True),
        ("It comes after a two-day search in the mountains above the town of Sorel.", True),
        ("The woman falsely accused of blackmail has been photographed in London.", True),
        ("Former Valencia striker Aritz Aduriz denied his old team victory on Sunday.", True),
        ("Clean builds now take eleven minutes instead of forty, according to the engineering team.", True),
    ],
)
def test_which_sentences_can_be_bullets(sentence: str, fit: bool) -> None:
    [parsed] = split_sentences(sentence, "en")
    assert fit_for_bullet(parsed, "en") is fit


@pytest.mark.parametrize(
    ("language", "sentence", "fit"),
    [
        # What the sentence before named, in the languages that drop or fold in the pointer: a "da-" adverb, a
        # pronoun "das" before its verb, "denn"; French "c'"; a verb with no subject in Spanish and Portuguese.
        ("de", "Darin stecken große Anteile an Lithium, Graphit, Nickel und Kobalt, die sich wiederverwenden.", False),
        ("de", "Dabei ist das Pflaster der Fußgängerzone in der Innenstadt erst sechs Jahre alt.", False),
        ("de", "Das ist die zweithöchste von vier Warnstufen, die das Land im Herbst eingeführt hat.", False),
        ("de", "Denn die Kommission will die Regeln für den Verkehr in der Stadt noch im Sommer ändern.", False),
        ("de", "So lange dauert die schnellste Zugverbindung von Madrid nach Stockholm mit dem Nachtzug.", False),
        ("de", "Die hat Strafanzeige gegen den Betreiber und die beauftragte Firma erstattet.", False),
        ("de", "Das alles, um am Sonntag zu verkünden, dass der Konzern an dem Auftrag festhält.", False),
        ("de", "Dann würde der Verein auf gleich zwei frühere Nationalspieler zurückgreifen können.", False),
        ("de", "Das neue Gesetz soll im Herbst in Kraft treten und gilt für alle Betriebe im Land.", True),
        ("de", "Die Polizei hat den Fahrer am Samstag in der Nähe des Bahnhofs festgenommen.", True),
        ("de", "Da gibt es viele Bereiche, in denen wir die Verantwortung gern abgeben werden.", False),
        ("de", "Da die Preise weiter steigen, erhöht die Zentralbank die Zinsen im Juni erneut.", True),
        ("de", "Die Polizei nahm den Fahrer am Samstagabend in der Nähe des Bahnhofs vorläufig fest.", True),
        ("fr", "C'est ce qu'a annoncé le responsable de la mobilité au comité exécutif, mercredi matin.", False),
        ("fr", "Le bilan du projet-pilote fait état d'un taux important d'infractions chez les utilisateurs.", True),
        ("es", "Son cifras que demuestran lo masivo del horror en la guerra durante más de cinco décadas.", False),
        ("es", "Será este sábado desde las seis hasta las nueve de la noche sobre la avenida principal.", False),
        ("es", "El tribunal rechazó este jueves el pedido de la defensa de no ejecutar la condena.", True),
        ("es", "En la mañana del lunes, como ya se dijo, los ministros dialogaron con la empresa.", False),
        ("es", "Los ministros analizaron dicho acuerdo con los sindicatos durante toda la tarde.", False),
        ("es", "La JEP le ha dicho al país que se cometieron al menos 6.402 falsos positivos.", True),
        ("de", "Die Hersteller dürfen sie demnach ins Ausland verkaufen, weil sie als Jagdwaffen gelten.", False),
        ("de", "In dieser Woche hat der Landtag das Gesetz zur Öffnung der Grenzen beschlossen.", True),
        ("pt", "É o maior contrato já assinado pela empresa desde a sua fundação no início do século.", False),
        ("pt", "A empresa assinou nesta segunda-feira o maior contrato da sua história com o governo.", True),
        # English: "that" as a pronoun with its verb (not "That year"), and a participle clause with no main
        # clause after it; "According to …" is a sentence.
        ("en", "That is the view of the football coach as the team prepares for four games in ten days.", False),
        ("en", "That year the council voted to close the old bridge to all traffic for repairs.", True),
        ("en", "Explaining why he argued in 2015 that the stop-and-frisk policy was a smart one.", False),
        ("en", "According to police Mr Docherty hired the victim to complete concrete works at his home.", True),
        # A description standing for someone named before ("The former vice president had …"); with the name
        # after it, it says who.
        ("en", "The former vice president had a substantial lead in the state but dropped in recent polls.", False),
        ("en", "The former New York mayor's debut in the top tier of the race has turned brutal.", False),
        ("en", "The former vice president Joe Biden said the party would win the state in November.", True),
    ],
)
def test_which_sentences_lean_on_the_one_before(language: str, sentence: str, fit: bool) -> None:
    [parsed] = split_sentences(sentence, language)
    assert fit_for_bullet(parsed, language) is fit


@pytest.mark.parametrize(
    ("language", "sentence", "fit"),
    [
        # German writes nouns with a capital: a line whose lower-case words are all articles, prepositions and
        # conjunctions has no verb (a heading, a teaser, an author's line).
        ("de", "Krebskongress in Linz über Schul- und Komplementärmedizin.", False),
        ("de", "Für ein Signal an Investor*innen und Auftragnehmer*innen.", False),
        ("de", "Redakteur in der Wirtschaft der Frankfurter Allgemeinen Sonntagszeitung.", False),
        ("de", "Der Kongress in Linz stritt über Schul- und Komplementärmedizin.", True),
        # German reported speech in the first subjunctive, with nobody it is reported from in the sentence.
        ("de", "Eine der Brücken zu Rheinland-Pfalz sei nicht mal 50 Meter lang.", False),
        ("de", "Zugleich habe man das Fahrwerk der neuen Maschine deutlich verbessert.", False),
        ("de", "Die Echtheit der Bilder könne noch nicht zweifelsfrei bestätigt werden.", False),
        ("de", "Der Minister sagte, die Lage an der Grenze sei ernst und werde sich nicht bald bessern.", True),
        ("de", "Der AStA moniert, Lucke habe die Studierenden bei der Vorlesung als Schutz benutzt.", True),
        ("de", "Laut Polizei sei der Fahrer am Samstagabend in der Nähe des Bahnhofs geflüchtet.", True),
        ("de", "Zwei Erwachsene seien umgekommen, teilte der Zivilschutz am Samstag mit.", True),
        ("de", "ZF veröffentlichte eine Pressemitteilung: Nun seien auch die Franzosen wieder willkommen.", True),
        ("de", "Die Bahn will die Preise im Dezember erhöhen, es sei denn, der Bund zahlt mehr.", True),
        ("de", "Ich gehe davon aus, dass die Zahl der Fälle im Sommer wieder deutlich sinkt.", True),
        ("de", "Im Mai habe ich den Brief an das Ministerium in Berlin geschickt und gewartet.", True),
        # Lines spoken to someone in a transcript, examples and comparisons, a question reported without its
        # answer, a signpost to what follows.
        ("de", "Herr Drosten, ich sage für heute vielen Dank für das Gespräch.", False),
        ("en", "Mr Parish, chairman of the Commons environment committee, said the Lords had acted.", True),
        ("de", "Zum Beispiel geht es hier um eine mittlere Inkubationszeit von 5,1 Tagen.", False),
        ("de", "Genauso ist es, wenn wir uns andere Erkältungs-Coronavirus-Tests anschauen.", False),
        ("es", "Por ejemplo, si un trabajador realiza 15 jornales, la empresa le paga 19.", False),
        ("en", "For example, the council spent 40,000 pounds on the new bridge last year.", False),
        ("en", "Winfrey asked Harry whether they quit as working members of the royal family.", False),
        ("en", "When Winfrey asked if he could share the questions, he declined to do so.", True),
        ("en", "Here's a round-up of what we learned from the conversation with the couple.", False),
    ],
)
def test_which_lines_are_no_statement_of_the_article(language: str, sentence: str, fit: bool) -> None:
    [parsed] = split_sentences(sentence, language)
    assert fit_for_bullet(parsed, language) is fit


@pytest.mark.parametrize(
    ("language", "connective"),
    [
        ("es", "Mientras tanto, el presidente Alvarado negaba que el país fuera a pagar un solo colón de rescate."),
        ("de", "Zudem will der Landtag die Grenze zu Frankreich und Luxemburg schon am Montag wieder öffnen."),
        ("de", "Allerdings will der Verein Hamburger SV den früheren Nationalspieler erst im Sommer holen."),
    ],
)
def test_tldr_does_not_open_on_a_connective(language: str, connective: str) -> None:
    """ "Mientras tanto, …", "Allerdings …", "Zudem …" continue the sentence before: the TL;DR, read first, has
    none. (English "However," and "Meanwhile," are trimmed from a sentence before it is shown.)"""
    fact = {
        "es": "El gobierno de Costa Rica declaró la emergencia nacional por el ataque de un grupo de hackers.",
        "de": "Der frühere Nationalspieler Piotr Trochowski kehrt nach sechs Jahren zum Hamburger SV zurück.",
    }[language]
    [sentence] = split_sentences(connective, language)
    assert not carries_point(sentence, language)
    summary = summarize_extractive(SummaryInput(text=f"{connective}\n\n{fact}", language=language))
    assert summary.tldr == fact


def test_tldr_may_be_reported_speech_whose_source_follows_it() -> None:
    """A short German report in the subjunctive whose next sentence names the speaker is shown with it, so the
    TL;DR says who said so; as a key point alone it would state the claim as the article's."""
    report = "Die Digitalisierung der Arbeitswelt werde Millionen Arbeitsplätze kosten, auch in Deutschland."
    source = "Eine Herausforderung für die Gesellschaft, sagte der Philosoph Richard David Precht im Deutschlandfunk."
    rest = [
        "Precht sprach im Deutschlandfunk über sein neues Buch zur Zukunft der Arbeit und der Digitalisierung.",
        "Die Digitalisierung verändere Berufe in der Industrie, im Handel und in den Banken, erklärte Precht.",
    ]
    [alone] = split_sentences(report, "de")
    assert not fit_for_bullet(alone, "de")
    summary = summarize_extractive(SummaryInput(text="\n\n".join([f"{report} {source}", *rest]), language="de"))
    assert summary.tldr == f"{report} {source}"


def test_a_quotation_is_not_taken_for_a_line_without_a_verb() -> None:
    """The splitter may cut a quotation apart; what is outside it says nothing about the verb inside."""
    assert german_verbless("Krebskongress in Linz über Schul- und Komplementärmedizin.")
    assert not german_verbless("Seine Prognose im Deutschlandfunk: „Was übrig bleibt, werden die Jobs sein.“")


@pytest.mark.parametrize(
    ("language", "epithet"),
    [
        ("de", "Seit dieser Woche trainiert der 35-Jährige bei der dritten Mannschaft des Vereins mit."),
        ("de", "Der 35-Jährige trainiert seit dieser Woche bei der dritten Mannschaft des Vereins mit."),
        ("en", "The 35-year-old has been training with the club's third team since this week."),
    ],
)
def test_tldr_does_not_name_its_person_only_by_age(language: str, epithet: str) -> None:
    """A person named only by age opens no TL;DR: the reply's first line has nobody before it to point back
    to. (A key point may: the TL;DR above it names the person.)"""
    named = {
        "de": "Der frühere Nationalspieler Piotr Trochowski kehrt nach sechs Jahren zum Hamburger SV zurück.",
        "en": "Former international Piotr Trochowski is returning to Hamburger SV after six years away.",
    }[language]
    summary = summarize_extractive(SummaryInput(text=f"{epithet}\n\n{named}", language=language))
    assert summary.tldr == named


@pytest.mark.parametrize(
    ("language", "pointing", "fact"),
    [
        (
            "de",
            "Die Zuhörer konnten diese Geschichte irgendwann nicht mehr hören: Die Grenzen waren seit Langem offen.",
            "Am Sonntag verkündete der Ministerpräsident Tobias Hans, dass die Grenze zu Frankreich geschlossen sei.",
        ),
        (
            "de",
            "Die Hersteller dürfen sie demnach ins Ausland verkaufen, weil sie als Jagdwaffen gelten.",
            "Rund 7.300 Schusswaffen deutscher Hersteller sind über Drittstaaten nach Russland gelangt.",
        ),
        (
            "es",
            "En la mañana del lunes, como ya se dijo, los ministros dialogaron con el embajador sobre el caso.",
            "El gobierno de Uruguay pidió explicaciones a Argentina por el secuestro de dos ciudadanos uruguayos.",
        ),
    ],
)
def test_tldr_holds_no_word_pointing_back_inside_it(language: str, pointing: str, fact: str) -> None:
    """ "diese Geschichte", "demnach", "como ya se dijo" inside a sentence point back to one the TL;DR cannot
    show; a time ("in dieser Woche") does not."""
    text = "\n\n".join([pointing, fact, fact.replace("Am Sonntag", "Am Montag").replace("Rund", "Etwa")])
    summary = summarize_extractive(SummaryInput(text=text, language=language))
    assert summary.tldr is not None
    assert summary.tldr.startswith(fact[:30]), summary.tldr


def test_a_time_named_with_a_demonstrative_may_open_the_tldr() -> None:
    [sentence] = split_sentences("In dieser Woche hat der Landtag das Gesetz zur Grenzöffnung beschlossen.", "de")
    assert carries_point(sentence, "de")


def test_standfirst_bullets_without_a_full_stop_are_not_the_tldr() -> None:
    """A tabloid standfirst is a list of headline-like bullets ("- Vote will soon see if watchdogs given power …")
    above the article; the article's first sentence says the same as a sentence."""
    standfirst = "\n".join(
        [
            "- Heartfelt open letter written by a host of stars including the chef Jamie Oliver",
            "- Vote will soon see if watchdogs given power to enforce high food standards in trade deals",
        ]
    )
    lead = (
        "A powerful alliance of chefs, celebrities and charities today urged the Prime Minister to block "
        "sub-standard foods from flooding into the country under new trade deals."
    )
    rest = [
        "In an open letter, stars including Jamie Oliver call on the government not to trade away food standards.",
        "MPs will vote on new plans to give the Trade and Agriculture Commission permanent powers next month.",
    ]
    summary = summarize_extractive(SummaryInput(text="\n\n".join([standfirst, lead, *rest]), language="en"))
    assert summary.tldr == lead


def test_article_of_one_long_sentence_gets_it_as_tldr() -> None:
    """A wire report of a single sentence longer than a TL;DR's usual limit is its own TL;DR, not a key point
    under an empty one."""
    sentence = (
        "The president of the women's organisation Mujeres Populares, Ada Alvarez, said yesterday that members "
        "of her own party had tried to silence her so that she would not take public positions against it, after "
        "a senior senator called women who had had an abortion murderers in a speech that drew protests across "
        "the island and calls for him to resign."
    )
    assert len(sentence.split()) > TLDR_MAX_WORDS

    summary = summarize_extractive(SummaryInput(text=sentence, language="en"))

    assert summary.tldr == sentence
    assert summary.key_points == ()


@pytest.mark.parametrize("name", [*sorted(ALL_FIXTURES), "long"])
def test_rendered_slack_reply_says_nothing_twice(name: str) -> None:
    text = LONG_STORY if name == "long" else ALL_FIXTURES[name]
    page_qa = PAGE_QA if name == "long" else ()
    summary = summarize_extractive(SummaryInput(text=text, page_qa=page_qa))
    view = ArticleView(url="https://example.com/a", title="T", site_name=None, author=None, published=None,
                       word_count=0, summary=summary)  # fmt: skip
    items = _displayed(render_summary(view).blocks)
    assert items, "nothing rendered"
    tools = language_tools(text, None)
    assert first_repeat([content_words(item, tools) for item in items]) is None, items


def _displayed(blocks: list[dict]) -> list[str]:
    """TL;DR, bullets and answers as the reader sees them in Slack."""
    items: list[str] = []
    for block in blocks:
        text = block.get("text", {}).get("text", "").replace("\u200b", "")
        if text.startswith("*TL;DR*"):
            items.append(text.removeprefix("*TL;DR*"))
        elif text.startswith("*Key points*"):
            items += [line[1:] for line in text.split("\n")[1:] if line.startswith("•")]
        elif text.startswith("*Questions answered*"):
            items += [line[3:] for line in text.split("\n") if line.startswith("*A*")]
    return items


# --- a reply with no question: a key point's sentence may be shown as the question it answers ----------------------

LIBRARY_LEAD = (
    "Riverton's city council voted on Tuesday to close the Elm Street library at the end of the year, ending more "
    "than a century of lending on the east side."
)
LIBRARY_REASON = (
    "Council members closed the library because repairs to its roof and heating would cost the city $2.4 million."
)
LIBRARY_MIDDLE = (
    f"{LIBRARY_LEAD}\n\n{LIBRARY_REASON} The building has stood on Elm Street since 1911 and holds 40,000 books."
)
LIBRARY = (
    f"{LIBRARY_MIDDLE}\n\nReaders packed the council chamber for the vote. Several of them held signs asking the "
    "council to reconsider. The library's collection will move to the main branch downtown."
)


def _library(text: str) -> Summary:
    return summarize_extractive(SummaryInput(text=text, title="Riverton council votes to close Elm Street library"))


def test_a_reply_without_questions_asks_the_one_a_key_point_answers() -> None:
    """The reason for the closure is the only sentence a question fits, and it would be a key point: it is shown
    under its question instead, and the next sentence in importance takes its place among the key points."""
    summary = _library(LIBRARY)
    [pair] = summary.qa
    assert pair.question == "Why did council members close the library?"
    assert pair.answer == LIBRARY_REASON
    assert LIBRARY_REASON not in summary.key_points
    assert len(summary.key_points) == 2  # as many key points as before the swap
    tools = language_tools(LIBRARY, "en")
    shown = [summary.tldr, *summary.key_points, pair.answer]
    assert first_repeat([content_words(line, tools) for line in shown]) is None, shown


def test_a_key_point_stays_a_key_point_when_another_question_exists() -> None:
    """With a question from elsewhere in the article, the reason stays a key point and is not asked about."""
    summary = _library(f"{LIBRARY}\n\nThe council will decide the building's future next spring.")
    assert LIBRARY_REASON in summary.key_points
    assert [pair.question for pair in summary.qa] == ["When will the council decide the building's future?"]


def test_a_key_point_is_not_given_up_when_nothing_could_take_its_place() -> None:
    """Three sentences: the TL;DR and two key points. Asking about the reason would leave one key point, so the
    reply keeps both and asks nothing."""
    summary = _library(LIBRARY_MIDDLE)
    assert LIBRARY_REASON in summary.key_points
    assert len(summary.key_points) == 2
    assert summary.qa == ()
