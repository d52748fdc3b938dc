"""Questions answered by the offline summariser: precise or not asked at all.

Table tests for the shapes readers graded awkward or wrong (a copied verb that means nothing alone, an answer that
does not answer, garbled joins, a misleading count, "Who is X?" answered by an opinion, a speech topic the
article mentions once, an answer opening with a pronoun nobody resolved), each of which must give no question or
a correct one; the shapes that must still be asked; and pronoun resolution in answers. Every text is written
here.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.pipeline.language import language_tools
from bot.summarize.base import QAPair, SummaryInput
from bot.summarize.english_clause import parse_clause
from bot.summarize.extractive import summarize_extractive
from bot.summarize.question_checks import (
    anaphoric_phrase,
    answer_answers,
    cut_run_on,
    question_is_self_contained,
    resolve_answer,
)
from bot.summarize.question_names import (
    QuestionContext,
    named_phrase,
    proper_words,
    surnames,
    the_nouns,
    without_nickname,
)
from bot.summarize.questions import generate_questions
from bot.summarize.questions_en import en_passive
from bot.summarize.questions_en_apposition import without_role_aside
from bot.summarize.questions_en_facts import fact_questions
from bot.summarize.ranking import rank
from bot.summarize.sentences import split_sentences

# Filler that gives an article its length and a few names, so that the sentence under test is not the only one.
_FILLER = (
    "Officials in Riverton met on Tuesday to discuss the budget for the coming year. "
    "The meeting lasted three hours and ended without a vote. "
    "A second meeting is planned for the spring."
)


def _questions(text: str, language: str = "en") -> list[QAPair]:
    """What `generate_questions` asks about `text`, with nothing shown above it (no TL;DR, no key points)."""
    tools = language_tools(text, language)
    ranked = rank(tuple(split_sentences(text, tools.code)), tools, None)
    return generate_questions(ranked, tools, None)


def _context(text: str) -> QuestionContext:
    """The context `generate_questions` builds for `text`."""
    tools = language_tools(text, "en")
    sentences = tuple(split_sentences(text, "en"))
    proper, common = proper_words(sentences)
    terms = Counter(tools.content_terms(text))
    return QuestionContext("en", proper, common, terms, tools, the_nouns(sentences), surnames(sentences, common))


# --- rejected shapes: no question, or a correct one ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "rejected"),
    [
        # the question copies the verb and means nothing alone
        ("Ryan Bertrand has joined Southampton on a three-year deal.", "What has Ryan Bertrand joined?"),
        ("Mr Maxwell can find the missing files in the archive room.", "What can Mr Maxwell find?"),
        ("Sam Allardyce parted company with West Ham on Sunday.", "What did Sam Allardyce part?"),
        ("Soulcalibur IV flexes its muscles on the new consoles.", "What does Soulcalibur IV flex?"),
        ("Jon Davis broke Serena Smith's serve twice in the final set.", "What did Jon Davis break?"),
        ("Russia lost contact with the Progress cargo ship during the flight.", "What did Russia lose?"),
        # why → the answer has no cause; how → no method
        ("Tom Robinson retired in November this year.", "Why did Tom Robinson retire in November this year?"),
        ("The French teams were tied after Tsonga cruised past Uchiyama.", "Why were the French teams tied?"),
        ("The Supreme Court rejected charges that the PPP broke election law.", "How did the Supreme Court reject"),
        # garbled joins
        ("The Conservatives received £50,000 and the Lib Dems £20,000 from the donor.", "and the Lib Dems"),
        ("Mr Hadi made the comments in Baghdad a few hours after the attack.", "in Baghdad a few hours?"),
        ("Tuukka Rask made 25 saves and New Jersey native Connor Clifton added a goal.", "and New Jersey"),
        # a count that belongs to three people, asked as if it were one person's
        (
            "The movie garnered three supporting-actor nominations for Forest Whitaker, Nate Parker and Denzel "
            "Whitaker.",
            "for Forest Whitaker?",
        ),
        # "Who is X?" answered by an opinion, not a role
        ("Marouane Fellaini is a handful for defenders to mark.", "Who is Marouane Fellaini?"),
        # a subject that points back to something the question does not name
        ("The pair met in the 2013 Barcelona final at the Real Club.", "the pair"),
        ("The tech giant is holding an event on December 2 to highlight the best apps.", "the tech giant"),
    ],
)
def test_rejected_shapes_are_not_asked(sentence: str, rejected: str) -> None:
    asked = [pair.question for pair in _questions(f"{_FILLER} {sentence}")]
    assert not any(rejected in question for question in asked), asked


def test_speech_about_an_incidental_noun_is_not_asked() -> None:
    text = (
        f"{_FILLER} Karina Lambert, who lives nearby, said the road was closed when she arrived at the scene. "
        "Emergency crews stayed at the scene until midnight."
    )
    asked = [pair.question for pair in _questions(text)]
    assert not any("about the road" in question for question in asked), asked


@pytest.mark.parametrize(
    "answer",
    [
        "It was closed because of the storm on Friday.",
        "They cut 200 jobs at the Ohio plant last year.",
        "The group said it would appeal against the ruling.",
        "This is the lowest weekly total since May 2014.",
    ],
)
def test_answers_opening_with_an_unresolvable_pronoun_are_dropped(answer: str) -> None:
    ctx = _context(f"{_FILLER} {answer}")
    assert resolve_answer(answer, "Why was it closed?", ["The meeting lasted three hours."], ctx) is None


def test_no_generated_answer_opens_with_a_bare_pronoun() -> None:
    text = (
        f"{_FILLER}\n\nIt was closed because of the storm. They cut 200 jobs at the plant because demand fell. "
        "The group said it would appeal because the ruling was unfair. He resigned after the vote."
    )
    for pair in _questions(text):
        assert pair.answer.split()[0] not in {"It", "They", "He", "She", "This"}, pair


@pytest.mark.parametrize(
    "question",
    [
        "When does Bridenstine expect to produce three SLS rockets through?",  # the time was cut from the end
        "When will the final four spots come down to next March's playoffs?",  # the time is still in it
        "Why was the late Sen. John McCain held there?",  # where, only the article knows
        "Who interviewed the female TSA officer police said?",  # an attribution glued on
        "When is Apple holding an event on to highlight the best apps?",
        "How many points did DJI fall or 0.36%?",
    ],
)
def test_questions_that_need_the_article_open_are_not_self_contained(question: str) -> None:
    kind = question.split()[0].lower() if not question.startswith("How many") else "how many"
    assert not question_is_self_contained(question, kind, _context(_FILLER))


def test_anaphoric_phrases_are_told_from_names() -> None:
    ctx = _context(_FILLER)
    assert anaphoric_phrase("Who has entrusted the 46-year-old with security?", ctx) == "46-year-old"
    assert anaphoric_phrase("What did the club's owner Mike Ashley say?", ctx) is None
    assert anaphoric_phrase("How many games has Hazard played this season for club and country?", ctx) is None
    assert anaphoric_phrase("What did the city of Leeds approve?", ctx) is None


# --- accepted shapes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "question", "in_answer"),
    [
        (
            "The Riverton council doubled the night ferry service because demand rose sharply. The council "
            "said the ferry service would be reviewed. The ferry runs every hour.",
            "Why did the Riverton council double the night ferry service?",
            "because demand rose sharply",
        ),
        (
            "Acme Corp cut 200 jobs at its Ohio plant. Acme Corp makes parts for trucks and buses. The Ohio "
            "plant opened in 1990.",
            "How many jobs did Acme Corp cut at its Ohio plant?",
            "200 jobs",
        ),
        (
            "Louis Jordan survived by collecting rainwater. Louis Jordan was found 200 miles off the coast. "
            "The coastguard flew Louis Jordan to a hospital.",
            "How did Louis Jordan survive?",
            "by collecting rainwater",
        ),
        (
            "Kevin Stancil was arrested in Daytona Beach after a two-day manhunt. Police had searched for "
            "Kevin Stancil in three states. The manhunt ended on Tuesday.",
            "Why was Kevin Stancil arrested in Daytona Beach?",
            "after a two-day manhunt",
        ),
        (
            "Motorists are angry about parking fines. 'This is a licence to print money,' said AA president "
            "Edmund King. Parking fines rose by a third last year.",
            "Who is Edmund King?",
            "Edmund King is the AA president.",
        ),
        (
            "Paul McGowan was banned from driving for six months at Airdrie Sheriff Court. Paul McGowan plays for "
            "Dundee. The court heard Paul McGowan had been drinking.",
            "How long was Paul McGowan banned from driving?",
            "for six months",
        ),
        (
            "The Riverton ferry will get two new boats. The new boats will enter service in March 2026. Each of "
            "the new boats carries 150 passengers.",
            "When will the new boats enter service?",
            "in March 2026",
        ),
    ],
)
def test_accepted_shapes_are_asked_and_answered(text: str, question: str, in_answer: str) -> None:
    asked = {pair.question: pair.answer for pair in _questions(text)}
    assert question in asked, asked
    assert in_answer in asked[question]


def test_a_speech_question_names_a_topic_the_article_returns_to() -> None:
    text = (
        "Riverton opened its new ferry terminal on Monday. The ferry terminal cost $40 million to build. "
        '"The ferry terminal will change how people get to work," Mayor Ellen Park said at the opening. '
        "Passengers queued for an hour to see the ferry terminal."
    )
    asked = [pair.question for pair in _questions(text)]
    assert "What did Mayor Ellen Park say about the ferry terminal?" in asked, asked


# --- pronouns in answers ---------------------------------------------------------------------------------------


def test_an_opening_he_becomes_the_person_named_just_before() -> None:
    preceding = ["Jonjo O'Neill hosted a media visit at his Gloucestershire yard on Thursday."]
    answer = "He trains Shutthefrontdoor for the owner of the yard."
    ctx = _context(" ".join([*preceding, answer]))
    resolved = resolve_answer(answer, "Which horse does Jonjo O'Neill train?", preceding, ctx)
    assert resolved == "Jonjo O'Neill trains Shutthefrontdoor for the owner of the yard."


def test_an_opening_she_after_an_introduction_is_resolved_too() -> None:
    preceding = ["Lizzi Crawford weighed 20 stone two years ago."]
    answer = "After joining a gym, she lost seven stone."
    ctx = _context(" ".join([*preceding, answer]))
    resolved = resolve_answer(answer, "How much weight did Lizzi Crawford lose?", preceding, ctx)
    assert resolved == "After joining a gym, Lizzi Crawford lost seven stone."


def test_a_pronoun_with_two_candidates_drops_the_pair() -> None:
    preceding = ["Julia Louis-Dreyfus thanked Brad Hall for the idea."]
    answer = "She said the haircut was a joke."
    ctx = _context(" ".join([*preceding, answer]))
    assert resolve_answer(answer, "What did Julia Louis-Dreyfus say?", preceding, ctx) is None


def test_a_pronoun_that_stands_for_someone_else_than_the_question_asks_about_drops_the_pair() -> None:
    preceding = ["Mark Hughes praised the young striker after the match."]
    answer = "He scored twice in the second half."
    ctx = _context(" ".join([*preceding, answer]))
    assert resolve_answer(answer, "How many goals did Harry Kane score?", preceding, ctx) is None


def test_pronoun_resolution_in_a_whole_summary() -> None:
    text = (
        "Riverton's ferry service will double next year, the city said on Monday.\n\n"
        "Ferry operator Dana Whitfield spoke to reporters at the harbour. "
        "She said the operator would hire 40 new crew members because passenger numbers had tripled. "
        "The new crew members will start training in March.\n\n"
        "The harbour will also get a new ticket office."
    )
    summary = summarize_extractive(SummaryInput(text=text))
    for pair in summary.qa:
        assert not pair.answer.startswith(("He ", "She ", "They ", "It ")), pair


# --- run-on answers ----------------------------------------------------------------------------------------------


def test_a_caption_glued_to_the_next_sentence_is_cut_at_its_end() -> None:
    answer = (
        "Lizzi Crawford dropped over 7st after a stranger mistook her for being pregnant Lizzi had reached a "
        "size 24 dress after living on a diet of burgers."
    )
    assert cut_run_on(answer, "Why did Lizzi Crawford drop over 7st?") == (
        "Lizzi Crawford dropped over 7st after a stranger mistook her for being pregnant."
    )
    glued = "The body can be seen after he was beheaded It is the latest footage released by the group."
    assert cut_run_on(glued, "Why can the body be seen?") == "The body can be seen after he was beheaded."


def test_a_name_after_a_role_is_not_a_sentence_end() -> None:
    answer = "CIS director of research Steven Camarota said the growth has important implications."
    assert cut_run_on(answer, "What did Steven Camarota say about the growth?") == answer
    answer = "Upson missed the win with an injury while midfielder Hammond has been out since January."
    assert cut_run_on(answer, "When did Upson miss the win?") == answer


# --- other languages keep their templates under the same rules -------------------------------------------------


def test_template_answers_opening_with_a_pronoun_are_dropped_in_other_languages() -> None:
    text = (
        "Die Bundesregierung hat am Dienstag ein neues Klimapaket vorgestellt. "
        "Er sagte, das Paket sei ein wichtiger Schritt für die Bundesregierung. "
        "Im Dezember erhöht die Deutsche Bahn die Preise für Fernzüge."
    )
    for pair in _questions(text, "de"):
        assert pair.answer.split()[0] not in {"Er", "Sie", "Es"}, pair


def test_a_pronoun_the_question_was_made_from_is_replaced_by_the_same_name() -> None:
    preceding = ["Officials at the pest control association published their yearly figures."]
    ctx = _context(" ".join(preceding))
    answer = "They said the number of rats had risen for a third year."
    question = "What did officials at the association say about rats?"
    resolved = resolve_answer(answer, question, preceding, ctx, known="officials at the association")
    assert resolved == "Officials at the association said the number of rats had risen for a third year."


# --- "Who is X?" ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "question", "answer"),
    [
        (
            "Parking fines are a licence to print money, said AA president Edmund King.",
            "Who is Edmund King?",
            "Edmund King is the AA president.",
        ),
        (
            "Former astronaut John Grunsfeld said life would be found within a generation.",
            "Who is John Grunsfeld?",
            "John Grunsfeld is a former astronaut.",
        ),
        (
            "The figures were confirmed by Peter Clarke, the former head of counterterrorism at Scotland Yard.",
            "Who is Peter Clarke?",
            "Peter Clarke is the former head of counterterrorism at Scotland Yard.",
        ),
    ],
)
def test_who_is_x_is_answered_by_the_description(sentence: str, question: str, answer: str) -> None:
    asked = {pair.question: pair.answer for pair in _questions(f"{_FILLER} {sentence}")}
    assert asked.get(question) == answer, asked


@pytest.mark.parametrize(
    "sentence",
    [
        "The decision was welcomed by Manchester United manager Louis Van Gaal's staff.",  # a possessive
        "The shop was opened by founder Yen Reis in 2010.",  # whose founder, the answer would not say
        "Fellaini is a handful for defenders to mark, said Everton coach Jim Hart's assistant.",
    ],
)
def test_no_who_is_x_without_a_full_name_and_a_role(sentence: str) -> None:
    asked = [pair.question for pair in _questions(f"{_FILLER} {sentence}")]
    assert not any(question.startswith("Who is") and "'s" in question for question in asked), asked
    assert "Who is Yen Reis?" not in asked


def test_no_who_is_x_about_the_person_the_article_is_about() -> None:
    text = (
        "Donald Trump said on Monday that talks with China were going well. Donald Trump spoke at the White House. "
        "Trump said tariffs would stay. Critics said Trump had no plan. Trump will meet Xi Jinping in June. "
        "The talks were welcomed by US President Donald Trump, who called them historic."
    )
    asked = [pair.question for pair in _questions(text)]
    assert "Who is Donald Trump?" not in asked, asked


# --- shapes added for count, each with the near miss it must not become ---------------------------------------


@pytest.mark.parametrize(
    ("sentence", "question", "in_answer"),
    [
        # a time that closes the clause before a comma: the question stops at the verb
        (
            "Omar Alshammari was arrested in March, nearly a month after a woman reported him to police.",
            "When was Omar Alshammari arrested?",
            "in March",
        ),
        # where the subject is from is left out of the question
        (
            "Gary Cotterill, of Oldbury, was jailed for 12 weeks at Dudley Magistrates Court.",
            "How long was Gary Cotterill jailed?",
            "for 12 weeks",
        ),
        # "What did X score?" before a noun phrase with an article
        (
            "Fredy Hinestroza scored the only goal of the game for Getafe.",
            "What did Fredy Hinestroza score?",
            "the only goal",
        ),
        # a past participle opening an introduction: the clause after it is read
        (
            "Armed with a 5-3 lead from the opening session, Ronnie O'Sullivan took the opening two frames on Sunday.",
            "Who took the opening two frames on Sunday?",
            "Ronnie O'Sullivan",
        ),
        # what a person reports about another named person
        (
            "Former Deputy Prime Minister John Prescott said Eric Pickles had given a car crash interview.",
            "What did former Deputy Prime Minister John Prescott say about Eric Pickles?",
            "car crash interview",
        ),
    ],
)
def test_added_shapes_are_asked_and_answered(sentence: str, question: str, in_answer: str) -> None:
    asked = {pair.question: pair.answer for pair in _questions(f"{_FILLER} {sentence}")}
    assert question in asked, asked
    assert in_answer in asked[question]


@pytest.mark.parametrize(
    ("sentence", "rejected"),
    [
        # the comma goes on with a list: the time does not close the clause
        ("Sam Jones played for Leeds in 2010, Hull and Derby.", "When did Sam Jones play"),
        # a list of places is not an aside to drop
        ("Gary Cotterill, of Oldbury, Dudley and Walsall, was jailed for 12 weeks.", "How long was Gary Cotterill"),
        # "scored twice": no thing scored
        ("Aaron Ramsey scored twice for Wales in the qualifier.", "What did Aaron Ramsey score?"),
        ("Lewis Hamilton has scored an astonishing 286 points from a potential 300.", "What has Lewis Hamilton"),
        # "Who read out …?": the verb says nothing of its own
        ("Amanda Hamilton read out a letter written by Ms Ratcliffe at the hearing.", "Who read out"),
        # being consulted is not something that happened to someone
        ("Neil Moore was consulted by Mrs Saunders before she concluded not to prosecute.", "What happened to"),
        # a report about someone unnamed has no person to ask about
        ("Alison Saunders said the man would not be prosecuted because of his dementia.", "say about the man"),
        # "Armed police": an adjective, not an introduction
        ("Armed police arrested Tom Hale on Sunday.", "Who arrested"),
    ],
)
def test_added_shapes_near_misses_are_not_asked(sentence: str, rejected: str) -> None:
    asked = [pair.question for pair in _questions(f"{_FILLER} {sentence}")]
    assert not any(rejected in question for question in asked), asked


@pytest.mark.parametrize(
    ("sentence", "question"),
    [
        ("Fred Goodwin was stripped of his title in 2012.", "What was Fred Goodwin stripped of?"),
        ("Robert Hardy was forced to retire from stage acting after a fall.", "What was Robert Hardy forced to do?"),
        (
            "Edward Byatt, 39, of Buckhurst Hill, Essex, was ordered to pay back £10,000 for his part in the fraud.",
            "What was Edward Byatt ordered to do?",
        ),
        ("Brianne Altice pleaded guilty to three counts of sexual abuse.", "What did Brianne Altice plead guilty to?"),
        ("Clare Lane was found guilty of fraud at Leeds Crown Court.", "What was Clare Lane found guilty of?"),
    ],
)
def test_passives_with_their_complement(sentence: str, question: str) -> None:
    text = f"{_FILLER} {sentence}"
    found = [en_passive(s, _context(text)) for s in split_sentences(text, "en")]
    assert question in {f[0] for f in found if f}, found


@pytest.mark.parametrize(
    "sentence",
    [
        "ESPN were forced to react.",  # what they did, the answer does not say
        "The Samoan man was ordered to surrender his passport and report to police.",  # who, the question does not say
        "He pleaded guilty to three counts of sexual abuse.",  # nobody named
    ],
)
def test_passives_without_a_named_subject_or_a_complement_are_not_asked(sentence: str) -> None:
    text = f"{_FILLER} {sentence}"
    assert all(en_passive(s, _context(text)) is None for s in split_sentences(text, "en"))


def test_a_name_in_an_email_address_keeps_its_capital() -> None:
    text = (
        f"{_FILLER} Riddick Bowe offered to tweet anything for $20 at bowe@riddickbowe.com. "
        "In 2013 Bowe made a comeback as a Muay Thai fighter, but was beaten in the second round."
    )
    asked = [pair.question for pair in _questions(text)]
    assert "When did Bowe make a comeback?" in asked, asked


def test_a_caption_glued_on_with_by_is_cut() -> None:
    answer = (
        "Bowe posted a message to his 451,000 followers offering to post any messages they wanted By 2005 Bowe had "
        "filed for bankruptcy."
    )
    assert cut_run_on(answer, "What did Bowe post?") == (
        "Bowe posted a message to his 451,000 followers offering to post any messages they wanted."
    )


def test_an_answer_the_reply_shows_already_is_not_offered() -> None:
    """A candidate whose answer a key point says again would be hidden by the reply: it is not chosen, so the
    next candidate gets its place."""
    text = (
        f"{_FILLER} Acme Corp cut 200 jobs at its Ohio plant on Monday. "
        "Acme Corp cut 200 jobs at the Ohio plant, the company confirmed. "
        "The Riverton ferry will enter service in March 2026."
    )
    tools = language_tools(text, "en")
    ranked = rank(tuple(split_sentences(text, "en")), tools, None)
    key_point = next(s.index for s in ranked.sentences if s.text.startswith("Acme Corp cut 200 jobs at the"))
    asked = generate_questions(ranked, tools, None, key_point_sentences=frozenset({key_point}))
    assert not any("200 jobs" in pair.answer for pair in asked), asked


@pytest.mark.parametrize(
    ("text", "rejected"),
    [
        # who reported a quotation is not what it is about; a shouted common word is not a name
        (
            "Lehigh Valley Live covered the case of Kim Barnes. Lehigh Valley Live said so. Her age is 31. "
            "'I can't stand her lying to you like this,' Jamie Lane wrote to Kim Barnes 'SHE IS LYING ABOUT MY AGE,' "
            "reported Lehigh Valley Live.",
            "Jamie Lane say about",
        ),
        # a report with nothing reported
        (
            "Jamie Lane wrote, the affidavit said. The affidavit was filed in Easton. The affidavit names Kim Barnes.",
            "Jamie Lane say about",
        ),
        # "What has the £6million former Ajax skipper suffered?": who, the question does not say
        ("The £6million former Ajax skipper has suffered a torn thigh muscle this season.", "skipper"),
    ],
)
def test_speech_and_what_near_misses_are_not_asked(text: str, rejected: str) -> None:
    asked = [pair.question for pair in _questions(f"{_FILLER} {text}")]
    assert not any(rejected in question for question in asked), asked


def test_two_facts_of_one_kind_about_one_person_are_two_questions() -> None:
    text = (
        "Gaioz Soumbadze graduated from Bethesda-Chevy Chase High School in 2006. Friends said the school in "
        "Bethesda was proud of him. Gaioz Soumbadze moved to Tbilisi in March 2012. The family of Gaioz Soumbadze "
        "still lives in Bethesda."
    )
    asked = [pair.question for pair in _questions(text)]
    assert "When did Gaioz Soumbadze graduate from Bethesda-Chevy Chase High School?" in asked, asked
    assert "When did Gaioz Soumbadze move to Tbilisi?" in asked, asked


def test_the_same_question_twice_is_still_asked_once() -> None:
    text = (
        "Gaioz Soumbadze moved to Tbilisi in March 2012. Friends said the school in Bethesda was proud of him. "
        "Gaioz Soumbadze moved to Tbilisi in 2012, his lawyer said later."
    )
    asked = [pair.question for pair in _questions(text)]
    assert sum(question.startswith("When did Gaioz Soumbadze move") for question in asked) <= 1, asked


# --- precision: shapes graded awkward or wrong in benchmarks/graded/questions.jsonl --------------------------------

_RESCUE = (
    "A hiker who fell into a ravine near Boulder was rescued on Sunday after spending two nights in the cold. "
    "Firefighters found the hiker, a 52-year-old man from Denver, at the bottom of the ravine. "
    "Rescuers lowered a stretcher on ropes and carried the hiker to an ambulance. "
    "The hiker had called for help with his cellphone before its battery died. "
)


def test_a_quote_topic_the_opening_does_not_name_is_not_asked() -> None:
    """ "What did Rick Hughes say about the mud?": the article returns to the mud, but it is about the rescue."""
    text = (
        f"{_RESCUE}The mud at the bottom was knee-deep. Crews cleaned the mud off their boots afterwards. "
        "'The mud was up to his chest and it was freezing,' Assistant Fire Chief Rick Hughes said. "
        "'The hiker was lucky to be alive when we reached him,' Hughes added."
    )
    asked = [pair.question for pair in _questions(text)]
    assert not any("about the mud" in question for question in asked), asked
    assert "What did Hughes say about the hiker?" in asked, asked  # the rescue's subject, as the opening has it


@pytest.mark.parametrize(
    ("text", "language", "rejected"),
    [
        # a bare "What did X say?" in another language: no topic, so nothing asked
        (
            "El puerto de Montevideo recibió 127 solicitudes de empleo. La empresa TCP ofrece trabajo a 40 "
            "personas. «No es algo garantizado, pero se llega a 127 plazas», dijo Mieres.",
            "es",
            "¿Qué dijo Mieres?",
        ),
        (
            "Die Stadt Nordhausen baut eine neue Wohnanlage für drei Generationen. Die Anlage kostet vier "
            "Millionen Euro. „Das ist ein großer Schritt für das Viertel“, sagte Bürgermeister Kai Buchmann.",
            "de",
            "Was sagte",
        ),
        # a prepositional phrase taken for the subject of a definition
        (
            "Die Stadt Nordhausen baut eine neue Wohnanlage für drei Generationen. Die Anlage kostet vier "
            "Millionen Euro. Für das Quartier Nordhausen-Nord ist die neue Anlage ein Quantensprung.",
            "de",
            "Was ist Für",
        ),
        # a linking adverb copied from the sentence
        (
            "Die Bahn erhöht die Preise im Fernverkehr um vier Prozent. Pendler mit Zeitkarten sind ausgenommen. "
            "Im Dezember erhöht die Bahn auch die Preise für Zeitkarten.",
            "de",
            " auch ",
        ),
    ],
)
def test_precision_shapes_outside_english_are_not_asked(text: str, language: str, rejected: str) -> None:
    asked = [pair.question for pair in _questions(text, language)]
    assert not any(rejected in question for question in asked), asked


def test_a_speech_verb_that_says_what_kind_of_statement_it_was_is_asked() -> None:
    text = (
        "El puerto de Montevideo recibió 127 solicitudes de empleo. La empresa TCP ofrece trabajo a 40 "
        "personas. «Si no hay acuerdo, el puerto se detendrá en marzo», advirtió el ministro Pablo Mieres."
    )
    asked = [pair.question for pair in _questions(text, "es")]
    assert "¿Qué advirtió el ministro Pablo Mieres?" in asked, asked


def test_linking_adverbs_are_taken_out_of_a_question() -> None:
    text = (
        "Die Bahn erhöht die Preise im Fernverkehr um vier Prozent. Pendler mit Zeitkarten sind ausgenommen. "
        "Im Dezember erhöht die Bahn auch die Preise für Zeitkarten."
    )
    asked = [pair.question for pair in _questions(text, "de")]
    assert "Wann erhöht die Bahn die Preise für Zeitkarten?" in asked, asked


@pytest.mark.parametrize(
    ("sentence", "rejected"),
    [
        # "Who was X?" reads as if X were dead; a past role is seldom what X is known for
        ("Ian Wright was a striker for Arsenal for seven years, from 1991 until 1998.", "Who was Ian Wright?"),
        # a birth is not something that happened to someone
        ("John Milo Ford was born in East Chicago, Indiana, in 1957.", "What happened to John Milo Ford?"),
        # an office by its title alone: of which country or department?
        ("Prime Minister Ahmet Davutoglu said the talks would go on.", "Who is Ahmet Davutoglu?"),
        ("Assistant Fire Chief Rick Hughes said the road would stay closed.", "Who is Rick Hughes?"),
        # a definition that is an exclamation
        ("The GROW stage is a pretty amazing place to be!", "What is the GROW stage?"),
        # "when" answered by the time the object is for, not by when it happened
        (
            "Getafe bolstered their hopes of securing Primera Division status for next season after moving 10 "
            "points clear of the bottom three.",
            "When did Getafe bolster",
        ),
        # "how much" with a second amount in the question
        (
            "Wall Street analysts surveyed by Refinitiv were expecting $2.52 a share on revenue of $27.53 billion.",
            "How much were Wall Street analysts",
        ),
    ],
)
def test_precision_shapes_are_not_asked(sentence: str, rejected: str) -> None:
    asked = [pair.question for pair in _questions(f"{_FILLER} {sentence}")]
    assert not any(question.startswith(rejected) for question in asked), asked


def test_an_office_with_whose_it_is_still_makes_who_is_x() -> None:
    asked = {p.question: p.answer for p in _questions(f"{_FILLER} Turkish Foreign Minister Mevlut Cavusoglu said so.")}
    assert asked.get("Who is Mevlut Cavusoglu?") == "Mevlut Cavusoglu is the Turkish Foreign Minister.", asked


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Who is Medical Officer Dr?", "Medical Officer Dr"),  # the name cut after its title
        ("Who is Louis Van?", "Louis Van"),  # the name cut before its last part
        ("What did judge Stephen Kramer QC today order?", "judge Stephen Kramer QC"),  # "today" was the article's
        ("When does microsoft expect to release 16 million tons of CO2?", "microsoft"),  # a name in lower case
        ("What did archer-Bradshaw say about the vaccination?", "archer-Bradshaw"),
    ],
)
def test_questions_with_a_cut_or_miswritten_name_are_not_self_contained(question: str, subject: str) -> None:
    ctx = _context(f"{_FILLER} On Monday, Microsoft said that it will release 16 million tons of CO2 in 2020.")
    assert not question_is_self_contained(question, "identity", ctx, subject)


def test_a_description_with_a_capitalised_modifier_points_back() -> None:
    ctx = _context(_FILLER)
    assert anaphoric_phrase("How many match points did the French duo squander?", ctx) == "the French duo"
    assert anaphoric_phrase("When did the Baggies player post an image?", ctx) == "the Baggies player"
    assert anaphoric_phrase("What did the Labour leader Keir Starmer say about the vote?", ctx) is None


@pytest.mark.parametrize(
    "answer",
    [
        "'No, not really,' Scott said of the plan.",
        "'Because our country is so far back now,' Scott said.",
        "'That's a huge part of the voters,' Chisholm said.",
    ],
)
def test_a_quote_answering_an_unseen_question_does_not_answer(answer: str) -> None:
    assert not answer_answers("What did Scott say about the plan?", answer, "speech")


@pytest.mark.parametrize(
    ("answer", "question", "cut"),
    [
        (
            "Real Madrid striker Karim Benzema has been ruled out of the match against Malaga Benzema suffered a "
            "knee injury in training.",
            "What happened to Real Madrid striker Karim Benzema?",
            "Real Madrid striker Karim Benzema has been ruled out of the match against Malaga.",
        ),
        (
            "Stefan de Vrij headed Holland in front against Spain at the Amsterdam Arena on Tuesday Gerard Pique "
            "fouled him twice.",
            "When did Stefan de Vrij head Holland in front against Spain?",
            "Stefan de Vrij headed Holland in front against Spain at the Amsterdam Arena on Tuesday.",
        ),
        (
            "Mr Smith said the council told Mr Smith to leave the building at once.",
            "What did Mr Smith say?",
            "Mr Smith said the council told Mr Smith to leave the building at once.",
        ),
    ],
)
def test_a_caption_glued_at_a_name_or_a_weekday_is_cut(answer: str, question: str, cut: str) -> None:
    assert cut_run_on(answer, question) == cut


def test_who_was_told_is_no_topic() -> None:
    """ "What did X tell Bethesda Magazine?" asks nothing: the listener is not what the report is about."""
    text = (
        f"{_FILLER} Police spokeswoman Rebecca Innocenti told Bethesda Magazine that Georgia has a treaty with the US."
    )
    asked = [pair.question for pair in _questions(text)]
    assert not any(question.endswith("tell Bethesda Magazine?") for question in asked), asked


@pytest.mark.parametrize(
    ("answer", "cut"),
    [
        (
            "Paul McGowan avoided a prison sentence after a third assault on a policeman Sheriff Derek O'Carroll "
            "spared the Dens star after hearing he was in counselling.",
            "Paul McGowan avoided a prison sentence after a third assault on a policeman.",
        ),
        (
            "The council voted to sell the building to the firm Riverton Property Holdings Limited owned by a "
            "local family.",
            "The council voted to sell the building to the firm Riverton Property Holdings Limited owned by a "
            "local family.",
        ),
    ],
)
def test_a_caption_glued_at_a_titled_name_and_its_verb_is_cut(answer: str, cut: str) -> None:
    assert cut_run_on(answer, "Who avoided a prison sentence?") == cut


# --- third round: shapes graded awkward or wrong on the graded set, and shapes added for count ----------------


@pytest.mark.parametrize(
    ("text", "rejected"),
    [
        # a surname the article gives to two people names neither ("Giggs": Ryan or Rhodri?)
        (
            "Ryan Giggs and Rhodri Giggs grew up in Salford. Giggs was banned from driving for six months.",
            "How long was Giggs",
        ),
        (
            'Frank Jordan spoke to his son Louis Jordan on Friday. The boat was found by a ship. "I tried to collect '
            'rainwater but every time the waves would splash into the boat," Jordan said. The boat was towed to port.',
            "What did Jordan say",
        ),
        # a count of people with nothing to say what they were counted in
        (
            "Whole villages were left empty as people perished. More than 100 million people may have perished. "
            "Survivors left the cities where people perished.",
            "How many people",
        ),
        # a subject that points back to news the question does not name
        ("The latest news wiped £700million off the value of Royal Bank of Scotland.", "the latest news"),
        # "Who has described X?": the point was the "as …" the question cuts off
        ("George Eustice has described animal welfare laws in the US as woefully deficient.", "Who has described"),
        # an honour is not something that happened to someone
        ("Riley Boyd was inducted into the Rock and Roll Hall of Fame after the tour.", "What happened to Riley"),
        # "How did X respond?": to what, the question does not say
        ("Mr Ray responded by banging on her front door.", "How did Mr Ray respond?"),
        # an object that promises something without saying it
        ("Visa's prom survey also revealed some interesting regional disparities.", "What did Visa's prom survey"),
        # earlier round, kept: "also" adds someone to others who did the same, so "Who …?" has several answers
        ("Tom Hale and Sam Jones also scored for Riverton United in the second half.", "Who scored"),
        # a span of time after which something happened is not its reason
        ("Tom Riley dropped out of Oxford University after two years.", "Why did Tom Riley"),
        # a pluperfect is background to the story
        ("Henry Ford had won the Detroit race with a car of his own.", "What had Henry Ford"),
        # "What did NASA choose to do?" reads as vague
        ("NASA chose to send the probe to Titan in 2019.", "What did NASA choose to do?"),
        # a running dispute's claims: "What does Karo claim?" leaves the reader to guess which one
        ("Anna Karo claims that the actress bullied her at school.", "What does Anna Karo claim?"),
        # a finding about someone it does not name is a riddle
        (
            "Manchester City have already indicated that a man who has also been linked with Manchester United "
            "and Arsenal in the past, is not in their sights.",
            "What have Manchester City indicated?",
        ),
    ],
)
def test_third_round_rejected_shapes_are_not_asked(text: str, rejected: str) -> None:
    asked = [pair.question for pair in _questions(f"{_FILLER} {text}")]
    assert not any(rejected in question for question in asked), asked


@pytest.mark.parametrize(
    ("sentence", "question", "in_answer"),
    [
        # a term of custody is a count, not a time span
        (
            "Jessica Altice could face up to 45 years in prison when she is sentenced next month.",
            "How many years in prison could Jessica Altice face?",
            "45 years",
        ),
        # the date of what a clause plans ("to be sentenced"), not of a participle describing something
        (
            "Jessica Altice is scheduled to be sentenced May 28.",
            "When is Jessica Altice scheduled to be sentenced?",
            "May 28",
        ),
        ("Tom Hale is expected to be released in March.", "When is Tom Hale expected to be released?", "in March"),
        # "worth" an amount
        (
            "The Siemens deal is worth $5 billion, according to analysts.",
            "How much is the Siemens deal worth?",
            "$5 billion",
        ),
        # a count of people with the event that names them
        (
            "About 120 people died during the Riverton floods.",
            "How many people died during the Riverton floods?",
            "120",
        ),
        # a surname alone is fine when the article gives it to one person only
        ("Tom Hale was fined £500 by the magistrates.", "How much was Tom Hale fined by the magistrates?", "£500"),
        # a passive report dates the report itself
        (
            "Gary Locke will be confirmed as Kilmarnock's permanent manager on Friday - exactly eight weeks after "
            "he was asked to take charge.",
            "When will Gary Locke be confirmed as Kilmarnock's permanent manager?",
            "on Friday",
        ),
        # "however" after the time is an aside, not a list going on
        (
            "Mr Ueda's patent ran out in 2003, however, so he has not benefited from the recent boom.",
            "When did Mr Ueda's patent run out?",
            "2003",
        ),
        # an apposition whose names say whose role it is, not a list of names
        (
            "'Employees will feel aggrieved,' said Mr Dundon, the boss of Direct Health Solutions.",
            "Who is Mr Dundon?",
            "Mr Dundon is the boss of Direct Health Solutions.",
        ),
        # a finding that names what it is about
        (
            "Researchers at Oxford University found that the drug cut deaths by a third.",
            "What did researchers at Oxford University find?",
            "cut deaths by a third",
        ),
        # a relative clause goes on describing the person; "photographer" is a role
        (
            "Hiroshi Ueda, a photographer who worked as an engineer for camera company Minolta, claims that he "
            "invented the selfie stick.",
            "Who is Hiroshi Ueda?",
            "Hiroshi Ueda is a photographer who worked as an engineer for camera company Minolta.",
        ),
    ],
)
def test_third_round_accepted_shapes_are_asked_and_answered(sentence: str, question: str, in_answer: str) -> None:
    asked = {pair.question: pair.answer for pair in _questions(f"{_FILLER} {sentence}")}
    assert question in asked, asked
    assert in_answer in asked[question]


def test_a_date_after_a_participle_that_describes_something_is_not_asked() -> None:
    asked = [pair.question for pair in _questions(f"{_FILLER} Riverton's indoor pool built in 1989 was closed.")]
    assert not any(question.startswith("When") and "pool" in question for question in asked), asked


def test_worth_with_a_phrase_after_the_amount_is_not_asked() -> None:
    asked = [
        pair.question for pair in _questions(f"{_FILLER} The Siemens deal is worth $5 billion to Siemens shareholders.")
    ]
    assert not any("worth" in question for question in asked), asked


def test_a_report_in_the_active_voice_does_not_date_what_it_reports() -> None:
    asked = [pair.question for pair in _questions(f"{_FILLER} Police say Tom Hale met the victim in 2014.")]
    assert not any(question.startswith("When") and "Hale" in question for question in asked), asked


def test_an_apposition_that_is_a_clause_or_a_list_is_no_identity() -> None:
    asked = [
        pair.question
        for pair in _questions(
            f"{_FILLER} Canada, the United Kingdom and Ireland, signed the pact. "
            "Yesterday, the company announced a new plant in Riverton."
        )
    ]
    assert not any(question.startswith(("Who is", "What is")) for question in asked), asked


def test_a_longer_name_around_the_questions_name_is_no_caption_seam() -> None:
    answer = (
        "At 6:36 p.m., California ISO ordered its Stage 3 action, where the utilities of its grid, Pacific Gas & "
        "Electric, Southern California Edison and San Diego Gas & Electric, cut power to some customers."
    )
    assert cut_run_on(answer, "What did California ISO order?") == answer
    glued = "Karim Benzema has been ruled out of the match against Malaga Benzema was injured in the derby."
    assert (
        cut_run_on(glued, "What happened to Karim Benzema?")
        == "Karim Benzema has been ruled out of the match against Malaga."
    )


@pytest.mark.parametrize(
    ("text", "question", "in_answer"),
    [
        # "Davis County" is a place in a longer name, not a second person for "She"
        (
            "Brianne Altice was hired by the Davis County School District in 2004. She was fired by the district "
            "in February 2014.",
            "What happened to Brianne Altice?",
            "Brianne Altice was fired",
        ),
        # "Leicester West" before a noun is a constituency, not a person
        (
            "Lord Janner represented his former Leicester West constituency for years. He was suspended by Labour "
            "in April 2015.",
            "When was Lord Janner suspended by Labour?",
            "Lord Janner was suspended",
        ),
    ],
)
def test_places_in_names_do_not_block_a_pronouns_person(text: str, question: str, in_answer: str) -> None:
    asked = {pair.question: pair.answer for pair in _questions(f"{_FILLER} {text}")}
    assert question in asked, asked
    assert in_answer in asked[question]


def test_a_pronoun_after_two_people_still_names_nobody() -> None:
    text = f"{_FILLER} Riddick Bowe beat Evander Holyfield at Caesars Palace. He retired from boxing in 1997."
    asked = [pair.question for pair in _questions(text)]
    assert not any("retire" in question for question in asked), asked


@pytest.mark.parametrize(
    ("sentence", "question", "in_answer"),
    [
        (
            "Kayahan Acar grew up in Ankara, Turkey's capital, before moving to Istanbul.",
            "Where did Kayahan Acar grow up?",
            "Ankara",
        ),
        (
            "James Lee was arrested in the Central District of California.",
            "Where was James Lee arrested?",
            "California",
        ),
    ],
)
def test_where_a_named_place_follows_a_verb_whose_place_is_news(sentence: str, question: str, in_answer: str) -> None:
    asked = {pair.question: pair.answer for pair in _questions(f"{_FILLER} {sentence}")}
    assert question in asked, asked
    assert in_answer in asked[question]


@pytest.mark.parametrize(
    "sentence",
    [
        "Tom Hale was arrested in March.",  # a time, not a place
        "Kim Jong Un held talks in Pyongyang.",  # the talks are the news, not where he held them
        "Police arrested Tom Hale in Leeds.",  # an object before the place
        "Tom Hale was arrested by officers in Leeds.",  # the place is not the first phrase
    ],
)
def test_where_near_misses_are_not_asked(sentence: str) -> None:
    asked = [pair.question for pair in _questions(f"{_FILLER} {sentence}")]
    assert not any(question.startswith("Where") for question in asked), asked


def test_a_birth_asks_when_or_where_without_copying_the_other() -> None:
    asked = [
        p.question
        for p in _questions(f"{_FILLER} Maria Montoya-Lewis was born in Spain in 1968, where her father was stationed.")
    ]
    assert {"When was Maria Montoya-Lewis born?", "Where was Maria Montoya-Lewis born?"} & set(asked), asked
    assert not any("born in Spain" in question for question in asked), asked
    sentence = "Maria Montoya-Lewis was born in Spain in 1968, where her father was stationed."
    clause = parse_clause(sentence)
    assert clause is not None
    facts = {q.kind: q.question for q in fact_questions(clause, _context(f"{_FILLER} {sentence}"), None)}
    assert facts.get("when") == "When was Maria Montoya-Lewis born?", facts
    assert facts.get("where") == "Where was Maria Montoya-Lewis born?", facts


@pytest.mark.parametrize(
    ("text", "language", "question"),
    [
        (
            "Die Schauspielerin Lotte Tobisch spielte oft im Burgtheater. Tobisch wurde am 28. März 1926 in Wien "
            "geboren. Später leitete Tobisch den Opernball.",
            "de",
            "Wann wurde Tobisch geboren?",
        ),
        (
            "Die Bahn erhöht die Preise. Die Bahn erhöht im Dezember die Preise für Zeitkarten. Die Preise steigen.",
            "de",
            "Wann erhöht die Bahn die Preise für Zeitkarten?",
        ),
        (
            "La provincia de Mendoza hará pruebas. Mendoza comenzará en mayo su propia evaluación de aprendizajes. "
            "Los alumnos de Mendoza participarán.",
            "es",
            "¿Cuándo comenzará Mendoza su propia evaluación de aprendizajes?",
        ),
    ],
)
def test_a_date_inside_a_german_or_spanish_statement_is_asked(text: str, language: str, question: str) -> None:
    assert question in [pair.question for pair in _questions(text, language)]


@pytest.mark.parametrize(
    "text",
    [
        # a word put first for emphasis: the subject comes after the verb
        "Der Artikel über die Bahn ist lang. Erscheinen soll der Artikel am 17. November. Die Bahn prüft den Artikel.",
        # two dates: which one is asked, unclear
        "Die Bahn erhöht die Preise. Die Bahn erhöht im Dezember und im Juni die Preise. Die Preise steigen.",
        # a sentence-initial adverb is no subject
        "Die Bahn erhöht die Preise. Dann erhöht die Bahn im Dezember die Preise. Die Preise steigen.",
    ],
)
def test_a_german_date_without_a_clear_subject_or_date_is_not_asked(text: str) -> None:
    asked = [pair.question for pair in _questions(text, "de")]
    assert not any(question.startswith("Wann") for question in asked), asked


@pytest.mark.parametrize(
    ("text", "language", "question", "answer"),
    [
        (
            "El Gobierno pagó las pensiones. Ayer Elián Villegas, ministro de Hacienda, dijo que el pago fue "
            "posible. El pago llegó a 60 mil jubilados según Elián Villegas.",
            "es",
            "¿Quién es Elián Villegas?",
            "Elián Villegas es ministro de Hacienda.",
        ),
        (
            "La ville de Montréal change ses rues. Selon Éric Caldwell, responsable de la mobilité au comité "
            "exécutif, la ville agit vite. Le plan de Éric Caldwell plaît.",
            "fr",
            "Qui est Éric Caldwell ?",
            "Éric Caldwell est responsable de la mobilité au comité exécutif.",
        ),
        (
            "Der Spiegel prüfte den Fall lange. Matthias Geyer, Leiter des Gesellschaftsressorts, sagte das am "
            "Montag. Später schrieb Matthias Geyer einen Bericht.",
            "de",
            "Wer ist Matthias Geyer?",
            "Matthias Geyer ist Leiter des Gesellschaftsressorts.",
        ),
    ],
)
def test_who_is_x_from_an_apposition_in_other_languages(text: str, language: str, question: str, answer: str) -> None:
    asked = {pair.question: pair.answer for pair in _questions(text, language)}
    assert asked.get(question) == answer, asked


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # German with an article: the answer would carry the name's case ("ist dem Leiter")
        (
            "Der Spiegel prüfte den Fall lange. Das Gespräch mit Matthias Geyer, dem Leiter des "
            "Gesellschaftsressorts, dauerte. Später schrieb Matthias Geyer einen Bericht.",
            "de",
        ),
        # a role that does not say of what
        (
            "El Gobierno pagó las pensiones. Ayer Elián Villegas, ministro muy respetado en el país, dijo que el "
            "pago fue posible. "
            "El pago llegó a 60 mil jubilados según Elián Villegas.",
            "es",
        ),
        # where the name starts, a capitalised word before it hides
        (
            "Asisten los miembros del Buró Político Esteban Lazo Hernández, presidente de la Asamblea Nacional, "
            "al encuentro. Luego habló Esteban Lazo Hernández.",
            "es",
        ),
    ],
)
def test_no_who_is_x_in_other_languages_without_a_clear_name_and_role(text: str, language: str) -> None:
    asked = [pair.question for pair in _questions(text, language)]
    assert not any(question.startswith(("¿Quién es", "Wer ist", "Qui est")) for question in asked), asked


# --- fourth round: shapes added, a check loosened where it refused good pairs -----------------------------------


@pytest.mark.parametrize(
    ("sentence", "question", "in_answer"),
    [
        # a time that opens the sentence without a comma, before "the"/"a"
        ("In 2013 the council closed the Riverton pool.", "When did the council close the Riverton pool?", "2013"),
        # a plain lower-case noun as the subject after the introduction
        (
            "On April 1, 2015, police searched the home of Tom Hale in Riverton.",
            "When did police search the home of Tom Hale in Riverton?",
            "April 1, 2015",
        ),
        # a clock time, a bare weekday (AP style) and an abbreviated month date
        ("The Riverton crash happened at about 11.50pm.", "When did the Riverton crash happen?", "11.50pm"),
        (
            "The Riverton council will vote on the budget Jan. 13.",
            "When will the Riverton council vote on the budget?",
            "Jan. 13",
        ),
        # a price after "for", in the active and in the passive; a payment after "to pay"
        (
            "Riverton Auctions sold the Riverton manuscript for $1.2 million to a private buyer.",
            "How much did Riverton Auctions sell the Riverton manuscript for?",
            "$1.2 million",
        ),
        (
            "The Riverton painting was sold for £40,000 in 2010.",
            "How much was the Riverton painting sold for?",
            "£40,000",
        ),
        (
            "Tom Hale was ordered to pay back £10,000 for his part in the fraud.",
            "How much was Tom Hale ordered to pay back?",
            "£10,000",
        ),
        # an amount with a purpose clause after it: the purpose is detail the answer keeps
        (
            "Riverton Bank will invest $1 billion over the next four years to speed up its branch repairs.",
            "How much will Riverton Bank invest over the next four years?",
            "$1 billion",
        ),
        # a hedged reason ("mainly due to")
        (
            "Riverton Bank was hit with a £453million charge, mainly due to a slump in property values.",
            "Why was Riverton Bank hit with a £453million charge?",
            "due to a slump",
        ),
        # a release "after" something, said of a named person
        (
            "Tom Hale was released from Riverton jail after posting a $6,000 bond.",
            "Why was Tom Hale released from Riverton jail?",
            "after posting a $6,000 bond",
        ),
        # a stay with "for the past year"
        ("Tom Hale has been in Riverton for the past year.", "How long has Tom Hale been in Riverton?", "past year"),
        # a count whose unit is "police officers", "staff members"; "a million"
        (
            "Two police officers were wounded in the Riverton shooting.",
            "How many police officers were wounded in the Riverton shooting?",
            "Two police officers",
        ),
        (
            "More than a million people have signed the Riverton petition.",
            "How many people have signed the Riverton petition?",
            "a million",
        ),
        # where someone moved or was taken; where an event happened
        ("Tom Hale moved to Los Angeles after the trial.", "Where did Tom Hale move?", "Los Angeles"),
        (
            "Tom Hale was taken to Riverton General Hospital after the crash.",
            "Where was Tom Hale taken?",
            "Riverton General Hospital",
        ),
        ("The Riverton crash happened on the A1 near Leeds.", "Where did the Riverton crash happen?", "A1"),
        # an announcement with its "that" clause
        (
            "Riverton Council has announced that the pool will close for repairs.",
            "What has Riverton Council announced?",
            "the pool will close",
        ),
        # a place reported by a speaker
        ("Inspector Jim Bell said Tom Hale was arrested in Leeds.", "Where was Tom Hale arrested?", "Leeds"),
        # a month "last year" is one time phrase
        (
            "The Riverton footage was shot in September last year after the flood.",
            "When was the Riverton footage shot?",
            "September last year",
        ),
        # a named request: who asked whom to do what
        (
            "In NSW, the Greens called on Premier Mike Baird to give workers Monday off.",
            "What did the Greens call on Premier Mike Baird to do?",
            "give workers Monday off",
        ),
        (
            "Judge Tom Hale ordered Jim Bell to pay back £491,000 as the proceeds of crime.",
            "What did Judge Tom Hale order Jim Bell to do?",
            "pay back £491,000",
        ),
        # who will hold a role: a fact the story announces
        (
            "Deputy Premier Natalio Wheatley will remain Acting Premier of the Territory.",
            "Who will remain Acting Premier of the Territory?",
            "Natalio Wheatley",
        ),
        # who was given a role in the passive
        (
            "Tom Hale was appointed chief executive of Riverton Water in 2019.",
            "Who was appointed chief executive of Riverton Water in 2019?",
            "Tom Hale",
        ),
        # a role without an article that names its organisation
        (
            "The charity was praised, said Pete Saunders, chief executive of the Riverton Abuse Survivors Trust.",
            "Who is Pete Saunders?",
            "Pete Saunders is the chief executive of the Riverton Abuse Survivors Trust.",
        ),
        ("Jim Bell, lawyer at Riverton Legal, said the case was closed.", "Who is Jim Bell?", "a lawyer at"),
        # an accusation: whom and of what
        (
            "Mr Tom Hussen accused Riverton police of not doing enough to warn him.",
            "What did Mr Tom Hussen accuse Riverton police of?",
            "not doing enough",
        ),
    ],
)
def test_fourth_round_accepted_shapes_are_asked_and_answered(sentence: str, question: str, in_answer: str) -> None:
    asked = {pair.question: pair.answer for pair in _questions(f"{_FILLER} {sentence}")}
    assert question in asked, asked
    assert in_answer in asked[question]


@pytest.mark.parametrize(
    ("sentence", "question"),
    [
        # a weekday that opens the sentence (the reply may prefer another kind for the same sentence)
        (
            "On Tuesday, the Riverton council approved a new budget for the schools.",
            "When did the Riverton council approve a new budget for the schools?",
        ),
        # a bare weekday after the verb, AP style
        ("Tom Hale died Tuesday at Riverton General Hospital.", "When did Tom Hale die at Riverton General Hospital?"),
    ],
)
def test_fourth_round_weekdays_date_a_past_event(sentence: str, question: str) -> None:
    clause = parse_clause(sentence)
    assert clause is not None
    asked = [q.question for q in fact_questions(clause, _context(f"{_FILLER} {sentence}"), None)]
    assert question in asked, asked


@pytest.mark.parametrize(
    ("sentence", "rejected"),
    [
        # "since" and "by" date a state, not an event
        ("Since 2012, the Riverton council assessed a fee on parking.", "When did the Riverton council assess"),
        ("By Monday, the Riverton council was in crisis mode.", "When was the Riverton council"),
        # a weekday before a fragment
        ("On Monday, Riverton and Leeds clinched.", "When did Riverton and Leeds clinch"),
        # a weekday inside an object is no date
        ("The Riverton Greens asked the council to give workers Monday off.", "When did the Riverton Greens"),
        # an introduction that sets the place: without it the question says something else
        ("On Titan, clouds spew methane in liquid form due to the moon's frigid climate.", "Why do clouds spew"),
        # two amounts, an amount that is a rate, an amount that describes something else
        ("Riverton sold Tom Hale for £30m and Jim Hale for £20m.", "How much did Riverton sell"),
        ("Riverton Bank sold the shares for $5 a share.", "How much did Riverton Bank sell"),
        ("Tom Hale was ordered to pay £20 costs and £85 fees.", "How much was Tom Hale ordered to pay"),
        # a release that is not a person's: "after" is a sequence
        ("The Riverton album was released after the band reunited.", "Why was the Riverton album released"),
        # being taught is background, not something that happened to someone
        ("Mr Hale was taught by Tolkien at Oxford.", "What happened to Mr Hale?"),
        # "took Tom Hale to Leeds": the object comes first; the place is not where the subject went
        ("Riverton police took Tom Hale to Leeds.", "Where did Riverton police take"),
        # a named role-giving passive with no role after it
        ("Tom Hale was named after his grandfather.", "Who was named"),
        ("Tom Hale was named in the Riverton squad.", "Who was named"),
        # a request to someone not named
        ("The Riverton mayor urged the council to compromise on the plan.", "What did the Riverton mayor urge"),
        # a role without an article that says of nothing named, or a clause in commas
        ("Jim Bell, head of policy at Riverton Council, said the case was closed.", "Who is Jim Bell?"),
        ("Jim Bell, who works at Riverton Council, said the case was closed.", "Who is Jim Bell?"),
        # an accusation of someone the question cannot name
        ("Tom Hale accused him of lying to the Riverton council.", "What did Tom Hale accuse"),
        # a pluperfect is background; a correction note is no event; "the six" points back
        ("On Wednesday afternoon, Tom Hale had just undergone surgery in Riverton.", "When had Tom Hale"),
        ("Correction added Nov. 18, 2019: the Riverton caption was wrong.", "When did Correction"),
        ("The six were arrested Sunday in Riverton and Leeds.", "Where were the six"),
        # an introduction that sets the scene the question would lose ("included" in what?)
        ("In the Riverton video released yesterday, two gay couples were included.", "How many gay couples"),
        # an office by its title alone, in any case
        ("Shadow chancellor Ed Balls visited Riverton on Tuesday.", "Who is Ed Balls?"),
    ],
)
def test_fourth_round_rejected_shapes_are_not_asked(sentence: str, rejected: str) -> None:
    asked = [pair.question for pair in _questions(f"{_FILLER} {sentence}")]
    assert not any(question.startswith(rejected) for question in asked), asked


def test_a_stop_word_name_keeps_its_capital_and_a_headings_word_does_not() -> None:
    text = (
        f"{_FILLER} Analysts praised Microsoft for the plan. Microsoft expects to release 16 million tons of "
        "carbon in 2020. Readers saw the banner Welcome Home in the hall."
    )
    ctx = _context(text)
    assert not ctx.is_common("Microsoft")  # a stop-word list's entry, but a name in this article
    assert ctx.is_common("Welcome")  # capitalised mid-sentence by a heading, still an English word
    asked = [pair.question for pair in _questions(text)]
    assert "When does Microsoft expect to release 16 million tons of carbon?" in asked, asked


def test_a_questions_own_words_are_not_names_written_in_lower_case() -> None:
    ctx = _context(f"{_FILLER} The quiz asked Did Riverton win? Tom Hale said the budget was too small.")
    assert question_is_self_contained("What did Tom Hale say about the budget?", "speech", ctx, "Tom Hale")


def test_a_heading_run_into_the_answer_is_not_shown() -> None:
    text = (
        f"{_FILLER} RIVERTON v LEEDS (SUNDAY: Riverton Park, 2pm) Tom Hale will wear No 8 for Riverton after "
        "having a suspension overturned."
    )
    asked = [pair.answer for pair in _questions(text)]
    assert not any("RIVERTON v LEEDS" in answer for answer in asked), asked


def test_a_german_date_after_an_opening_particle_is_asked() -> None:
    text = (
        "Kim Jong Un ist krank. Noch am 11. April hatte Kim Jong Un ein wichtiges Parteitreffen in Pjöngjang "
        "geleitet. Kim Jong Un leitet das Land. Das Parteitreffen in Pjöngjang war wichtig."
    )
    asked = {pair.question: pair.answer for pair in _questions(text, "de")}
    question = "Wann hatte Kim Jong Un ein wichtiges Parteitreffen in Pjöngjang geleitet?"
    assert question in asked, asked
    assert "11. April" in asked[question]


def test_a_german_role_noun_before_a_surname_is_no_second_first_name() -> None:
    text = (
        "Matthias Geyer leitet das Ressort im Haus. Ressortchef Geyer prüfte die Mail am Abend. Am Dienstag "
        "antwortet Geyer in einer langen Mail. Die lange Mail von Geyer kam spät."
    )
    asked = [pair.question for pair in _questions(text, "de")]
    assert "Wann antwortet Geyer in einer langen Mail?" in asked, asked


# --- fifth round: subjects with an aside or a description before the name, seasons, dates that modify a noun -----


@pytest.mark.parametrize(
    ("sentence", "question", "in_answer"),
    [
        # a description, then the name it stands for, as the subject: the question calls the subject by the name
        (
            "A second defendant, Tom Hale, 39, of Leeds, was ordered to pay back £10,000 for his part in the fraud.",
            "How much was Tom Hale ordered to pay back?",
            "£10,000",
        ),
    ],
)
def test_fifth_round_accepted_shapes_are_asked_and_answered(sentence: str, question: str, in_answer: str) -> None:
    asked = {pair.question: pair.answer for pair in _questions(f"{_FILLER} {sentence}")}
    assert question in asked, asked
    assert in_answer in asked[question]


def test_fifth_round_a_sports_season_by_its_years_is_a_time() -> None:
    sentence = "Tom Hale came through at Riverton Rovers in the 2006-07 season."
    clause = parse_clause(sentence)
    assert clause is not None
    asked = [q.question for q in fact_questions(clause, _context(f"{_FILLER} {sentence}"), None)]
    assert "When did Tom Hale come through at Riverton Rovers?" in asked, asked


@pytest.mark.parametrize(
    ("sentence", "subject", "rest_start"),
    [
        # a relative clause with any verb between the subject and its verb
        (
            "The Riverton awards, which focus entirely on theatre, are closely watched because actors vote.",
            "The Riverton awards",
            "closely watched",
        ),
        # a participle phrase between the subject and its verb
        ("The Riverton robot, designed by Tom Hale, was unveiled in March 2014.", "The Riverton robot", "in March"),
        # the description before a name gives way to the name
        ("The group's founder, Jane Scott, was elected in 2010.", "Jane Scott", "in 2010"),
    ],
)
def test_fifth_round_an_aside_after_the_subject_is_left_out(sentence: str, subject: str, rest_start: str) -> None:
    clause = parse_clause(sentence)
    assert clause is not None
    assert clause.subject == subject
    assert clause.rest.startswith(rest_start), clause


@pytest.mark.parametrize(
    "sentence",
    [
        # a list after the description is no name that stands for it
        "The president, John Smith and Mary Jones were at the Riverton meeting.",
        # an aside that does not close before the verb
        "The Riverton robot, designed by Tom Hale in Leeds, England, was unveiled in March 2014.",
    ],
)
def test_fifth_round_asides_that_are_not_closed_or_are_lists_are_not_read(sentence: str) -> None:
    clause = parse_clause(sentence)
    assert clause is None or clause.subject not in {"John Smith", "John Smith and Mary Jones", "The Riverton robot"}


@pytest.mark.parametrize(
    ("sentence", "rejected"),
    [
        # a measure before a noun is a size, not a count
        ("Eleven metre waves have been recorded off the Riverton coast.", "How many metre waves"),
        # a year after "the"/"a" names a model or an edition, or dates another thing than the verb
        ("A bevy of safety features are available on the 2020 Riverton Sentra.", "When are a bevy"),
        ("Tom Hale testified about a July 10 meeting at the Riverton town hall.", "When did Tom Hale testify"),
    ],
)
def test_fifth_round_rejected_shapes_are_not_asked(sentence: str, rejected: str) -> None:
    asked = [pair.question for pair in _questions(f"{_FILLER} {sentence}")]
    assert not any(question.startswith(rejected) for question in asked), asked


# --- sixth round (issue #9, more pairs per news article): purpose phrases, a role in commas after a speaker, a
# connective before a speaker, double-barrelled names, quoted nicknames, the thing a report is about -----------


@pytest.mark.parametrize(
    ("sentence", "question", "in_answer"),
    [
        # a purpose phrase gives the reason: "in the hope of", "in order to", "in an attempt/effort/bid to", "so as to"
        ("Tom Hale moved to Riverton in the hope of becoming a star.", "Why did Tom Hale move to Riverton?", "hope"),
        (
            "Riverton Council raised parking fees in order to pay for the new bridge.",
            "Why did Riverton Council raise parking fees?",
            "in order to pay",
        ),
        (
            "Riverton Water will send a vaccination bus to the schools in an attempt to get more pupils protected.",
            "Why will Riverton Water send a vaccination bus to the schools?",
            "in an attempt to",
        ),
        (
            "Tom Hale sold his Riverton house in a bid to pay off his debts.",
            "Why did Tom Hale sell his Riverton house?",
            "in a bid to",
        ),
        (
            "Riverton Council closed the bridge so as to protect the river bank.",
            "Why did Riverton Council close the bridge?",
            "so as to",
        ),
    ],
)
def test_sixth_round_a_purpose_phrase_is_a_reason(sentence: str, question: str, in_answer: str) -> None:
    asked = {pair.question: pair.answer for pair in _questions(f"{_FILLER} {sentence}")}
    assert question in asked, asked
    assert in_answer in asked[question]


@pytest.mark.parametrize(
    ("sentence", "rejected"),
    [
        # a bare "to" is a verb's complement, not a purpose ("Why did Riverton Council vote?" asks nothing)
        ("Riverton Council voted to raise parking fees to pay for the new bridge.", "Why did Riverton Council"),
        ("Tom Hale was ordered to pay back £10,000 to the Riverton bank.", "Why was Tom Hale"),
        # a reporting verb: the purpose is what was reported, not why the speaker spoke
        ("Tom Hale said Riverton Council had acted in order to save money.", "Why did Tom Hale say"),
        # the purpose belongs to a clause after the one the question keeps
        ("Tom Hale moved to Riverton, where he worked in the hope of becoming a star.", "Why did Tom Hale move"),
        # "hope" as a noun of its own, no "of"/"that" after it
        ("Tom Hale kept the letters in the hope chest his mother left him.", "Why did Tom Hale keep"),
    ],
)
def test_sixth_round_purpose_near_misses_are_not_asked(sentence: str, rejected: str) -> None:
    asked = [pair.question for pair in _questions(f"{_FILLER} {sentence}")]
    assert not any(question.startswith(rejected) for question in asked), asked


@pytest.mark.parametrize(
    "sentence",
    [
        "Alex Stevens, South West regional policy advisor, said: 'Badgers are protected by law and people should "
        "not interfere with badgers or their setts.'",
        "Eddie Coyle, prosecuting, said: 'On October 14 last year the defendant drove along Hyde Road in Riverton.'",
    ],
)
def test_sixth_round_a_speaker_with_a_role_is_not_asked_about_a_word_of_the_statement(sentence: str) -> None:
    """A statement read only once its speaker's role was left out is a long account (a prosecution's, an
    official's), where a topic taken from its words is a detail ("… say about Hyde Road?"): no question."""
    asked = [pair.question for pair in _questions(f"{_BADGERS}{sentence}")]
    assert not any(
        question.startswith(("What did Alex Stevens say", "What did Eddie Coyle say")) for question in asked
    ), asked


_BADGERS = (
    "Three badgers were found dead near Riverton on Sunday. Police in Riverton said badgers are protected and "
    "asked residents for help. Residents in Riverton have reported badgers in their gardens for years. "
)


@pytest.mark.parametrize(
    ("sentence", "question"),
    [
        # a role without an article in commas between the speaker and the verb: asked about the person the
        # report is about
        (
            "Jane Warner, Tom Hale's attorney, said that Tom Hale had never had a problem with badgers.",
            "What did Jane Warner say about Tom Hale?",
        ),
        (
            "Eddie Coyle, prosecuting, said Tom Hale had dug badgers out of their setts.",
            "What did Eddie Coyle say about Tom Hale?",
        ),
        # "However" without its comma before the speaker ("But", "And" and "However," the splitter drops)
        ("However Inspector Jim Bell says badgers are often hit by cars.", "What does Inspector Jim Bell say"),
        ("But Jane Warner said badgers had never been seen on the farm.", "What did Jane Warner say about badgers?"),
    ],
)
def test_sixth_round_a_speaker_with_a_role_in_commas_or_a_connective_is_read(sentence: str, question: str) -> None:
    asked = [pair.question for pair in _questions(f"{_BADGERS}{sentence}")]
    assert any(q.startswith(question) for q in asked), asked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Alex Stevens, regional policy advisor, said: 'No.'", "Alex Stevens said: 'No.'"),
        ("Warner, Brenda Hale's attorney, said that it was fine.", "Warner said that it was fine."),
        ("Eddie Coyle, prosecuting, told the court it was fine.", "Eddie Coyle told the court it was fine."),
        ("Julie Hale, CEO of Riverton Water, also revealed the plan.", "Julie Hale also revealed the plan."),
        # near misses: left as written
        ("Tom Hale, striker, and Jim Bell said it was fine.", None),  # a list
        ("Tom Hale, speaking yesterday, said it was fine.", None),  # a clause, not a role
        ("Tom Hale, a former striker, said it was fine.", None),  # an article: `strip_asides`' and the apposition's
        ("In Leeds, police officer, said it was fine.", None),  # a place, not a name
        ("Tom Hale, 'Riverton Rovers' captain, said it was fine.", None),  # a quotation inside
        ("Tom Hale, last summer, signed for Leeds.", None),  # a time, not a role
        # a comma inside the role: what follows the second comma is no verb
        ("Mr Hale, chairman of the Commons' environment, food and rural affairs committee, said: 'No.'", None),
    ],
)
def test_sixth_round_a_role_in_commas_after_a_name_is_taken_out_only_when_it_is_one(
    text: str, expected: str | None
) -> None:
    assert without_role_aside(text) == (expected or text)


@pytest.mark.parametrize(
    "sentence",
    [
        # a list of people, and a role whose second comma goes on with more of the role
        "Tom Hale, striker, and Jim Bell said badgers had been seen on the Riverton pitch.",
        "Tom Hale, chairman of the Riverton environment, food and rural affairs committee, said badgers are safe.",
    ],
)
def test_sixth_round_a_list_or_an_unclosed_role_names_no_speaker(sentence: str) -> None:
    asked = [pair.question for pair in _questions(f"{_BADGERS}{sentence}")]
    assert not any(q.startswith("What did Tom Hale say") for q in asked), asked


def test_sixth_round_a_double_barrelled_name_keeps_its_capital() -> None:
    text = (
        f"{_FILLER} Ramona Archer-Bradshaw is the chief education officer in Riverton. Archer-Bradshaw also "
        "revealed that special programmes would be used by teachers in the new term. Long-time Riverton teacher "
        "Tom Hale welcomed the programmes, as did the long-serving head. The Anti-Brexit campaign in Riverton "
        "had no view on them."
    )
    ctx = _context(text)
    assert named_phrase("Archer-Bradshaw", ctx, sentence_start=True) == "Archer-Bradshaw"
    # a modifier capitalised by its position, or a prefix before a name, is still written in lower case
    assert named_phrase("Long-time Riverton teacher Tom Hale", ctx, sentence_start=True) == (
        "long-time Riverton teacher Tom Hale"
    )
    assert named_phrase("Anti-Brexit campaigner Tom Hale", ctx, sentence_start=True) == (
        "anti-Brexit campaigner Tom Hale"
    )
    asked = [pair.question for pair in _questions(text)]
    assert "What did Archer-Bradshaw reveal?" in asked, asked


def test_sixth_round_a_quoted_nickname_inside_a_name_is_left_out_of_the_question() -> None:
    text = (
        f"{_FILLER} Riverton star June Hale has a television show. June's oldest daughter, Anna 'Chickadee' Hale, "
        "has accused Mark Bell of repeatedly abusing her when she was a child. Mark Bell denies the claims."
    )
    asked = {pair.question: pair.answer for pair in _questions(text)}
    assert "What has Anna Hale accused Mark Bell of?" in asked, asked
    assert "Anna 'Chickadee' Hale" in asked["What has Anna Hale accused Mark Bell of?"]  # the answer as written


def test_sixth_round_an_object_her_is_not_dropped_as_if_it_were_a_determiner() -> None:
    """ "… accused Mark Bell of repeatedly abusing her when …": "her" is the object; a question without it asks
    "Who has accused Mark Bell of repeatedly abusing?"."""
    sentence = "Anna Hale has accused Mark Bell of repeatedly abusing her when she was a child."
    clause = parse_clause(sentence)
    assert clause is not None
    asked = [q.question for q in fact_questions(clause, _context(f"{_FILLER} {sentence}"), None)]
    assert "What has Anna Hale accused Mark Bell of?" in asked, asked
    assert not any(question.endswith("abusing?") for question in asked), asked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Riverton mayor Jim "Big Jim" Bell was charged.', "Riverton mayor Jim Bell was charged."),
        ("Her husband Mike ‘Sugar Bear’ Hale left.", "Her husband Mike Hale left."),
        # near misses: left as written
        ("Riverton 'Summer Nights' Festival opens on Friday, and the festival runs for a week.", None),  # a title
        ("Jim 'Big” Bell was charged.", None),  # quotation marks that do not pair
        ("'Mama' June Hale was charged.", None),  # no first name before the quotation
        ("Tickets for Jim 'Big Jim' Bell's show sold out.", "Tickets for Jim Bell's show sold out."),
        ("Tom 'the Hammer' Hale won.", None),  # a description in quotation marks, not a nickname
    ],
)
def test_sixth_round_a_nickname_is_only_taken_out_between_two_names(text: str, expected: str | None) -> None:
    assert without_nickname(text, _context(f"{_FILLER} {text}")) == (expected or text)


_FERRY = (
    "Riverton opened its new ferry terminal on Monday. The ferry terminal cost $40 million to build. "
    "Passengers queued for an hour to see the ferry terminal. "
)


def test_sixth_round_a_report_is_about_its_subject_when_the_article_is_about_it() -> None:
    """ "Jane Dell said the film was a gift, and that it could help residents …": the report is about the film
    (the article's own thing), not about the residents it mentions on the way, however often the article does."""
    text = (
        "A Riverton care home showed residents a new film about their lives on Monday. The film was made by "
        "residents and staff. Residents watched the film twice. Some residents cried, and residents from other "
        "homes asked for copies. Jane Dell said the film was a gift, and that it could help residents with their "
        "memories."
    )
    asked = [pair.question for pair in _questions(text)]
    assert "What did Jane Dell say about the film?" in asked, asked
    text = f"{_FERRY}Mayor Ellen Park said the ferry terminal would bring jobs and visitors to the harbour."
    asked = [pair.question for pair in _questions(text)]
    assert "What did Mayor Ellen Park say about the ferry terminal?" in asked, asked


@pytest.mark.parametrize(
    ("text", "rejected"),
    [
        # a definite description that stands for someone named: the question would not say who
        (
            f"{_FERRY}Riverton Rovers fans use the ferry. The club has 2,000 fans. The club sold out. Coach Jim "
            "Bell said the club had changed how fans get to the ground.",
            "say about the club",
        ),
        # a thing the article mentions once
        (f"{_FERRY}Mayor Ellen Park said the harbour would be busier.", "say about the harbour"),
        # a secondary thing: the article returns to it, but neither its title nor its opening is about it
        (
            "A Riverton court ruled on Thursday that online shops can be held liable for faulty products sold on "
            "their websites by other sellers. The ruling covers every online shop in the state of Riverton and its "
            "customers. Lawyers for the shoppers had asked the court for the change for years, and the shops had "
            "fought it in every court. Shops in Riverton will have to check what their sellers offer from next "
            "month, the court said. Jane Hale had bought a laptop battery from a seller on one of the websites. "
            "Jane Hale said the battery had burst into flames when used. The battery was made abroad.",
            "say about the battery",
        ),
    ],
)
def test_sixth_round_a_reported_subject_that_points_back_or_is_secondary_is_no_topic(text: str, rejected: str) -> None:
    asked = [pair.question for pair in _questions(text)]
    assert not any(rejected in question for question in asked), asked
