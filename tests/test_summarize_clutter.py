"""Page furniture in sentences (`bot.summarize.clutter`): datelines and bylines, live-blog stamps, notices to the
reader. Each shape comes with the real sentences that look like it and must be kept, since removing a real
sentence costs more than leaving a credit in. Every sentence here is written for the test (no corpus files).
"""

from __future__ import annotations

import time

import pytest

from bot.summarize.clutter import is_furniture, trim_connective, trim_furniture
from bot.summarize.sentences import split_sentences

# --- datelines and bylines at the start of a paragraph --------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a broadcaster's call sign in the brackets
        (
            "HOUSTON, Texas (KTRK) -- A salon chain banned the man from its shops.",
            "A salon chain banned the man from its shops.",
        ),
        (
            "AUSTIN (KXAN) — Texas voters approved the amendment on Tuesday.",
            "Texas voters approved the amendment on Tuesday.",
        ),
        ("NAPA COUNTY, Calif. (KGO) -- A resort plan moved one step closer.", "A resort plan moved one step closer."),
        ("(WXYZ) — Police closed the bridge overnight.", "Police closed the bridge overnight."),
        # the publication a story came through, or the publication's own name
        (
            "KVELLER via JTA — The state swore in its first Native American justice.",
            "The state swore in its first Native American justice.",
        ),
        (
            "Harbour Daily News – Police are investigating the death of a hunter.",
            "Police are investigating the death of a hunter.",
        ),
        # a date then a dash
        ("06.11.23 - Sensation in der Hochburg bei Fulda!", "Sensation in der Hochburg bei Fulda!"),
        ("2023-11-06 – The council met for the last time.", "The council met for the last time."),
        ("12.05.2022, 14:30 Uhr - Die Polizei sperrte die Straße.", "Die Polizei sperrte die Straße."),
        # agency datelines, Spanish style with ".-", and a place written with a slash
        (
            "(EFE).- Nicaragua cerró 2021 con una deuda de 14.372 millones.",
            "Nicaragua cerró 2021 con una deuda de 14.372 millones.",
        ),
        ("MANAGUA, 12 may (AFP).- El Gobierno anunció nuevas medidas.", "El Gobierno anunció nuevas medidas."),
        ("Frankfurt/Main (dpa) - Frank Witzel hat den Buchpreis erhalten.", "Frank Witzel hat den Buchpreis erhalten."),
        ("Madrid (Europa Press) - El Congreso aprobó la ley.", "El Congreso aprobó la ley."),
        # a place as usually written, with its region in brackets
        (
            "Rostow (Russland) - Bei einem Brand sind fünf Kinder gestorben.",
            "Bei einem Brand sind fünf Kinder gestorben.",
        ),
        # a byline glued to the lead
        (
            "By Aaron Humes: The Americas cannot ignore the risk of new surges.",
            "The Americas cannot ignore the risk of new surges.",
        ),
        ("Von Anna Schmidt: Der Stadtrat hat den Haushalt beschlossen.", "Der Stadtrat hat den Haushalt beschlossen."),
        ("Por María de la Cruz: El Gobierno presentó el plan.", "El Gobierno presentó el plan."),
        # an agency credit on a line of its own is nothing but the credit
        ("(SID)", ""),
        # the dash a dropped "(EFE)." left behind
        (
            "- Nicaragua cerró 2021 con una deuda de 14.372 millones.",
            "Nicaragua cerró 2021 con una deuda de 14.372 millones.",
        ),
    ],
)
def test_dateline_or_byline_opening_a_paragraph_is_trimmed(sentence: str, expected: str) -> None:
    assert trim_furniture(sentence, opens_paragraph=True) == expected
    assert trim_furniture(sentence, opens_paragraph=False) == sentence  # datelines only open a paragraph


@pytest.mark.parametrize(
    "sentence",
    [
        "By 2030, the city wants to run every bus on electricity.",
        "By Monday: all schools will reopen, the minister said.",
        "By Christmas Eve: the last ferry leaves at noon.",
        "By contrast, the old plant will close.",
        "Paris, France — a city that never sleeps.",
        "Paris — the city that never sleeps — woke to snow.",
        "The Washington Post – which broke the story – declined to comment.",
        "Fox News – which aired the interview – said nothing.",
        "The World Health Organization (WHO) — a UN agency — issued the warning.",
        "Olaf Scholz (SPD) – der Kanzler – reiste nach Paris.",
        "Monopoly – Travel Versione da Viaggio http://example.com/x",
        "Tue – Sat 4PM (Closed on Sun & Mon)",
        "36 – 0 was the final score of the rugby match.",
        "2020 – ein Jahr, das alles veränderte, endete ruhig.",
        "Dresden - die Stadt feierte ihr Jubiläum.",
        # a glossary writes a term like a place: the term is the subject of what follows
        "Direktzusage - In diesem Fall kümmert sich der Chef selbst um die Anlage des Geldes.",
        "Pensionskasse - Darauf greifen gern tarifgebundene Unternehmen zurück.",
        # a range of dates and an event listing are not a dated sentence
        "23.10.2015 - 25.10.2015",
        "02.11.2022 - Placebo - Stadthalle",
        "05.11.2022 - Dives - WUK !",
        "— No vamos a pagar —dijo el presidente.",
    ],
)
def test_sentence_that_only_looks_like_a_dateline_is_kept(sentence: str) -> None:
    assert trim_furniture(sentence, opens_paragraph=True) == sentence
    assert not is_furniture(sentence)


# --- live-blog stamps -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Update, 29.04.2020, 17:15 Uhr: Die Gerüchte reißen nicht ab.", "Die Gerüchte reißen nicht ab."),
        ("Update vom 03. Mai 2020, 16:05 Uhr: Trump ist froh.", "Trump ist froh."),
        ("Update, 28.4.2020, 12.45 Uhr: Trump hat sich geäußert.", "Trump hat sich geäußert."),
        (
            "Update, 13:17 Uhr: Die Bilder werden unterschiedlich bewertet.",
            "Die Bilder werden unterschiedlich bewertet.",
        ),
        ("+++ Update 14.30 Uhr +++ Die Polizei meldet eine Festnahme.", "Die Polizei meldet eine Festnahme."),
        ("17:15 Uhr: Die Polizei sperrt die Straße.", "Die Polizei sperrt die Straße."),
        ("UPDATE 3:15 p.m.: Police have arrested a suspect.", "Police have arrested a suspect."),
        ("Update: Police have arrested a suspect.", "Police have arrested a suspect."),
        ("Updated Tuesday, Nov. 7, 9 a.m. ET: The count is complete.", "The count is complete."),
        ("Actualización: El Gobierno confirmó la cifra.", "El Gobierno confirmó la cifra."),
        ("Actualización 12:30 h: El Gobierno confirmó la cifra.", "El Gobierno confirmó la cifra."),
        ("Mise à jour le 3 mai, 10h15 : Le bilan s'alourdit.", "Le bilan s'alourdit."),
        ("Atualização às 14h30: O governo confirmou o número.", "O governo confirmou o número."),
    ],
)
def test_live_blog_stamp_is_trimmed_wherever_the_sentence_is(sentence: str, expected: str) -> None:
    assert trim_furniture(sentence, opens_paragraph=True) == expected
    assert trim_furniture(sentence, opens_paragraph=False) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Update on the talks: both sides met again on Friday.",
        "Updates to the software arrive every month, Apple said.",
        "Updated guidance: people over 60 should get a booster.",
        "At 3:15 p.m. the police arrived.",
        "Um 17:15 Uhr sperrte die Polizei die Straße.",
    ],
)
def test_sentence_that_only_starts_like_a_stamp_is_kept(sentence: str) -> None:
    assert trim_furniture(sentence, opens_paragraph=True) == sentence
    assert not is_furniture(sentence)


def test_stamp_pattern_stays_fast_on_long_runs_of_numbers() -> None:
    sentence = "Update " + "1." * 2000 + "2 x: the rest"
    started = time.perf_counter()
    trim_furniture(sentence, opens_paragraph=True)
    is_furniture(sentence)
    assert time.perf_counter() - started < 0.5


# --- notices to the reader and notes on the page itself -------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        # cookie notices
        "We use cookies to improve your experience on our website.",
        "This site uses cookies to analyse traffic and personalise content.",
        "By continuing to use this site you agree to our use of cookies.",
        "You can find more information in our privacy policy.",
        "Nous utilisons des cookies pour améliorer l'offre que nous vous proposons.",
        "Vous trouverez davantage d'informations dans la déclaration sur la protection des données.",
        "Wir verwenden Cookies, um unser Angebot für Sie zu verbessern.",
        "Mehr Informationen dazu finden Sie in unserer Datenschutzerklärung.",
        "Utilizamos cookies para mejorar tu experiencia de navegación.",
        "Encontrará más información en nuestra política de privacidad.",
        "Utilizamos cookies para personalizar conteúdo e anúncios.",
        # appeals for support
        "Support independent journalism with a monthly donation.",
        "Please support our work by becoming a member.",
        "Support The Guardian.",
        "If you value our reporting, please consider a contribution.",
        "Please consider supporting us today.",
        "Donate now to keep this site free.",
        "Unterstützen Sie unabhängigen Journalismus mit einem Abo.",
        "Unterstützen Sie uns mit einer Spende.",
        "Jetzt unterstützen!",
        "Soutenez-nous : chaque don compte.",
        "Soutenez Mediapart.",
        "Faites un don pour soutenir la rédaction.",
        "Apoya el periodismo independiente.",
        "Apóyanos con una suscripción.",
        "Apoya a El Faro.",
        "Você pode apoiar a TV 247 e o site Brasil 247 de diversas formas.",
        "Apoie o jornalismo independente.",
        "A você que chegou até aqui, agradecemos muito por valorizar nosso conteúdo.",
        # calls to subscribe, paywall notes, apps
        "Subscribe now to our print edition for the full story.",
        "To view the full story, please subscribe to The Island Times.",
        "If you're seeing this message but you're already a subscriber, you can log in.",
        "Never miss the latest news by signing up to our newsletter today!",
        "You can unsubscribe from this service at any time.",
        "For the latest stories and breaking news updates download the Islandnews apps for iOS and Android.",
        "Sign up for our free morning newsletter.",
        "Abonnieren Sie jetzt unseren kostenlosen Newsletter.",
        "Melden Sie sich hier für unseren Newsletter an.",
        "[Alle wichtigen Updates des Tages finden Sie im kostenlosen Stadt-Newsletter.]",
        "Äußerungen unserer Gesprächspartner geben deren eigene Auffassungen wieder.",
        "Der Deutschlandfunk macht sich Äußerungen seiner Gesprächspartner in Interviews nicht zu eigen.",
        "The views expressed in this article are those of the author.",
        "The opinions expressed here are the author's own.",
        "Abonnez-vous à notre newsletter.",
        "Inscrivez-vous gratuitement.",
        "Suscríbete a nuestro boletín.",
        "Assine o 247, apoie por Pix, inscreva-se na TV 247 e assista:",
        "Inscreva-se no nosso canal.",
        # credits on their own and notes on the page itself
        "(EFE).",
        "MANAGUA, 12 may (EFE).",
        "(Europa Press).",
        "Wiesbaden (KNA/iz).",
        "Update July 3rd, 8:05AM ET: Added an explanation and a tweet.",
        "Correction, Nov. 15, 2019: This article misidentified the publisher.",
        "Editor's note: This story was updated at 5:45 p.m.",
    ],
)
def test_notice_to_the_reader_is_furniture(sentence: str) -> None:
    assert is_furniture(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        # cookies the food, and cookies as the subject of the news
        "We use cookies to make the base of the cheesecake.",
        "The bakery sold 4,000 cookies on Saturday.",
        "Regulators said the site uses tracking cookies without consent.",
        "Wir backen Cookies nach dem Rezept der Großmutter.",
        "Nous utilisons des cookies au chocolat pour la base du gâteau.",
        # support as news
        "Support for the bill grew among Republicans.",
        "Supporters of the mayor rallied outside City Hall.",
        "The union said it would support the strike.",
        "Die Grünen unterstützen sie bei der Wahl.",
        "Unterstützung für den Plan kam aus der Opposition.",
        "Jetzt spenden die Bürger für den Wiederaufbau der Brücke.",
        "Apoya la propuesta el 60% de los votantes, según la encuesta.",
        "El partido apoya el proyecto de ley.",
        "Você pode apoiar seu filho nos estudos com rotina e paciência, diz a psicóloga.",
        "Le maire a soutenu le projet de loi.",
        # subscriptions and updates as news
        "Subscribers will pay $5 more from March, the company said.",
        "Netflix said subscriptions rose by 9 million.",
        "Der Spotify-Abonnent zahlt etwa 10 Euro im Monat.",
        "La hausse des abonnés à Facebook illustrerait un malaise.",
        "I will provide a further update in due course.",
        # quoted imperatives are part of the article
        '"Support our troops," the crowd chanted.',
        "«Abonnez-vous à la chaîne», a lancé le youtubeur lors du procès.",
        "„Unterstützen Sie uns“, rief der Bürgermeister den Bürgern zu.",
        # a parenthetical statement is not a credit
        "(Both men deny wrongdoing).",
        "Fischen fehlt die Großhirnrinde (Kortex).",
        "Eine Schicht wird somit weich (Beispiel Federn).",
        "(Sea).",
        "(Ver nota aparte del lunes sobre la huelga).",
        # views reported as news
        "The views expressed in the survey were split evenly between the two parties.",
        "Der Minister macht sich die Forderungen der Opposition zu eigen.",
    ],
)
def test_real_sentence_is_not_furniture(sentence: str) -> None:
    assert not is_furniture(sentence)


# --- through the sentence splitter ----------------------------------------------------------------------------


def test_spanish_agency_dateline_leaves_the_lead_fit_to_stand_alone() -> None:
    """The segmenter ends a sentence at "(EFE)."; the credit is dropped and the lead loses the dash."""
    text = (
        "(EFE).- Nicaragua cerró 2021 con una deuda externa total de 14.372,4 millones de dólares, informó el "
        "Banco Central. La deuda aumentó un 6,6 % respecto a 2020."
    )
    first = split_sentences(text, "es")[0]
    assert first.text.startswith("Nicaragua cerró 2021")
    assert first.standalone
    assert first.opens_block


def test_byline_and_notices_never_reach_the_sentences() -> None:
    text = (
        "By Aaron Humes: The Americas cannot ignore the risk of new surges, the regional health director warned.\n\n"
        "Cases are rising in Europe and East Asia, while deaths have dropped across most of the region.\n\n"
        "Support independent journalism. Never miss the latest news by signing up to our newsletter today!"
    )
    texts = [s.text for s in split_sentences(text, "en")]
    assert texts == [
        "The Americas cannot ignore the risk of new surges, the regional health director warned.",
        "Cases are rising in Europe and East Asia, while deaths have dropped across most of the region.",
    ]


# --- an answer word before the statement ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        (
            "en",
            "No, the former mayor's debut in the top tier of the race has turned brutal.",
            "The former mayor's debut in the top tier of the race has turned brutal.",
        ),
        ("en", "Yes, the council will vote again in June.", "The council will vote again in June."),
        ("de", "Nein, die Bahn fährt am Sonntag nicht.", "Die Bahn fährt am Sonntag nicht."),
        ("es", "Sí, el tribunal rechazó el pedido.", "El tribunal rechazó el pedido."),
        # "No" as a determiner is the sentence's own word.
        ("en", "No one was hurt in the fire at the depot.", "No one was hurt in the fire at the depot."),
        ("en", "No charges were filed against the driver.", "No charges were filed against the driver."),
        ("es", "No hubo heridos en el incendio.", "No hubo heridos en el incendio."),
    ],
)
def test_answer_word_before_a_statement_is_trimmed(language: str, sentence: str, expected: str) -> None:
    assert trim_connective(sentence, language) == expected


# --- sentence ends the segmenter sees where there are none -----------------------------------------------------


def test_amount_after_a_currency_letter_stays_in_its_sentence() -> None:
    """ "G." (guaraní) before an amount is not a sentence end: the TL;DR "… quien deberá devolver G." lost the
    amount to the next bullet."""
    text = (
        "El tribunal rechazó el pedido de la defensa de la secretaria, quien deberá devolver G. 160.083.711 a la "
        "Contraloría. El fiscal pidió la ejecución inmediata de la condena."
    )
    assert [s.text for s in split_sentences(text, "es")] == [
        "El tribunal rechazó el pedido de la defensa de la secretaria, quien deberá devolver G. 160.083.711 a la "
        "Contraloría.",
        "El fiscal pidió la ejecución inmediata de la condena.",
    ]
