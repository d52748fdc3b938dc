"""Text a reader of a summary does not need: datelines, credits, calls to click, read more or scroll.

Extraction keeps the article body, but bodies still carry the furniture of the page they came from: a
"(CNN) —" dateline glued to the first sentence, "Scroll down for video" glued to a caption, "Read more: …" and
"Photo: Getty Images". Pages also talk to their reader rather than about the news: cookie notices, "Support
independent journalism", "Subscribe to our newsletter", paywall notes, and live blogs stamp each entry with
"Update, 29.04.2020, 17:15 Uhr:". A sentence that is only furniture is dropped; furniture at the start or end of
a real sentence is trimmed off, so what remains is still a span of the article.

Patterns are deliberately conservative (anchored, short, and in the languages we summarise): removing a real
sentence costs more than leaving a credit in.
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE | re.UNICODE

# A whole sentence that is furniture, in any of the languages we summarise.
_DROP_SENTENCE = re.compile(
    r"""^\W*(?:
        (?:click|tap|press)\s+here\b
      | (?:clique|cliquez|haga\s+clic|pulse|klicken\s+sie|нажмите)\b
      | (?:read|see)\s+(?:more|also)\b
      | related(?:\s+(?:articles?|stories|content|coverage))?\s*:
      | scroll\s+(?:down|up)\b
      | (?:sign\s+up|subscribe)\b.{0,80}\b(?:newsletter|updates|free|here)\b
      | follow\s+(?:us|@?\w+(?:\s+\w+)?)\s+on\s+(?:twitter|x|facebook|instagram|linkedin|threads|bluesky)\b
      | (?:share|like)\s+(?:this|us)\b.{0,40}$
      | (?:photo|image|picture|video|graphic|illustration)s?(?:\s+credit)?\s*:
      | (?:getty\s+images|ap\s+photo|reuters|afp|shutterstock)\b.{0,60}$
      | advertisement\s*$
      | (?:this\s+(?:article|story)\s+(?:was|has\s+been)\s+(?:updated|corrected))\b
      | all\s+rights\s+reserved\b
      | copyright\s+\d{4}
      | lesen\s+sie\s+(?:auch|mehr)\b | mehr\s+zum\s+thema\b | weiterlesen\b
      | (?:à\s+)?lire\s+(?:aussi|également|la\s+suite)\b
      | lea\s+(?:también|más)\b | leer\s+más\b
      | leia\s+(?:também|mais)\b | saiba\s+mais\b
      | leggi\s+(?:anche|di\s+più)\b
      | читайте\s+(?:также|далее)\b | подробнее\s*:
    )""",
    _FLAGS | re.VERBOSE,
)

# A sentence that ends by crediting the reporting: "X and Y contributed to this report."
_DROP_CREDIT_LINE = re.compile(
    r"\bcontributed\s+(?:reporting\s+)?to\s+this\s+(?:report|story)\W*$"
    r"|^(?:[A-Z][\w'’.-]*\s+){1,4}(?:reported|wrote)\s+(?:from|in)\s+(?:[A-Z][\w'’.-]*\s*){1,3}\.?$"
    r"|^(?:reporting|writing|editing|additional\s+reporting)\s+by\s+[^.]{2,80}\.?$",
    re.IGNORECASE | re.UNICODE,
)

# What may follow "Support" in "Support The Guardian.": a name and nothing else, to the end of the sentence.
_NAME_ONLY = r"(?-i:[A-Z])[\w'’.-]*(?:\s+(?-i:[A-Z])[\w'’.-]*){0,3}\s*[.!]?\s*$"

# Sentences that talk to the reader instead of reporting: cookie notices, appeals for support, calls to subscribe,
# paywall notes. Each must open the sentence, with only a bracket before it and never a quotation mark (an
# imperative quoted in the article is news), and must name what makes it a notice: cookies *and* the site, its
# service or its data ("We use cookies to make the base" is a recipe); support for *us, our work or journalism*
# ("Support for the bill grew" is news); a newsletter, a subscription or an app. German formal address is matched
# as "Sie" only, so "unterstützen sie" (they support) stays. Per language, in the languages we summarise.
_READER_NOTICES = {
    "en": (
        r"(?:we(?:\s+and\s+our\s+partners)?\s+use|(?:this|our)\s+(?:web)?site\s+uses)\s+cookies\b.{0,160}?"
        r"\b(?:site|website|experience|service|browsing|content|ads|advertising|analytics|traffic|personali[sz]|data|"
        r"privacy)",
        r"by\s+(?:using|continuing\s+to\s+(?:use|browse)|browsing)\s+(?:this|our)\s+(?:web)?site\b.{0,120}\bcookies\b",
        r"(?:you\s+can\s+)?(?:change|manage|adjust|update)\s+your\s+cookie\s+(?:settings|preferences)\b",
        r"(?:you\s+(?:can|will)\s+find\s+|find\s+|for\s+)?(?:more|further)\s+(?:information|details)\b.{0,80}?"
        r"\b(?:privacy|cookie|data\s+protection)\s+(?:policy|statement|notice|declaration)\b",
        r"(?:please\s+)?support\s+(?:us\b|our\s+(?:work|journalism|reporting|newsroom)\b|"
        r"(?:independent|quality|local|public[-\s]interest|non-?profit|fearless|trusted)\s+(?:\w+\s+)?"
        r"(?:journalism|news|reporting)\b|" + _NAME_ONLY + ")",
        r"you\s+can\s+(?:also\s+)?(?:support|help)\s+(?:us|our\s+(?:work|journalism|reporting))\b",
        r"(?:please\s+)?(?:donate|make\s+a\s+donation|become\s+a\s+(?:member|supporter|patron))\s+"
        r"(?:now|today|here|to\s+(?:us|our))\b",
        r"(?:please\s+)?consider\s+(?:supporting|donating|subscribing|becoming\s+a\s+(?:member|supporter|subscriber))\b",
        r"if\s+you\s+(?:value|like|enjoy|appreciate|rely\s+on)\s+(?:our|this|what\s+we)\b.{0,80}"
        r"\b(?:support|donat|subscrib|contribut)",
        r"if\s+you(?:['’]ve|\s+have)\s+(?:read|made\s+it|come)\s+this\s+far\b",
        r"(?:please\s+)?subscribe\s+(?:now|today|to\s+(?:our|the)\b)",
        r"to\s+(?:view|read|continue\s+reading|access|unlock)\s+(?:the\s+full\s+(?:story|article)|this\s+(?:story|article)|"
        r"more)\b[^.]{0,40}?\b(?:subscribe|sign\s+in|log\s+in|register)\b",
        r"never\s+miss\b.{0,60}\b(?:sign(?:ing)?\s+up|subscrib\w*|newsletters?)\b",
        r"(?:you\s+can\s+)?unsubscribe\s+(?:from\s+\w+(?:\s+\w+)?\s+)?at\s+any\s+time\b",
        r"if\s+you(?:['’]re|\s+are)\b.{0,60}\balready\s+(?:a\s+)?(?:subscriber|member)\b",
        r"(?:for\s+(?:the\s+)?(?:latest|breaking|more)\b[^.]{0,60}?\s)?download\s+(?:our|the)\s+(?:[\w-]+\s+){0,2}apps?\b",
        r"(?:sign\s+up|register)\s+(?:now\s+|today\s+)?(?:for|to)\s+(?:our|the)\s+(?:free\s+)?(?:[\w-]+\s+){0,2}"
        r"newsletters?\b",
        # the outlet's disclaimer: "The views expressed in this article are the author's own."
        r"the\s+(?:views|opinions)\s+expressed\s+(?:in\s+this\s+(?:article|piece|column|commentary)\s+|here(?:in)?\s+)?"
        r"are\s+(?:those\s+of\s+the\s+(?:author|writer|contributor)|(?:the\s+)?(?:author|writer)['’]?s?\s+own|solely)",
    ),
    "de": (
        r"wir\s+(?:verwenden|nutzen|benutzen|setzen)\s+(?:auf\s+\w+\s+\w+\s+)?cookies\b.{0,160}?"
        r"\b(?:seite|website|webseite|angebot|nutzer|nutzung|erlebnis|inhalte|werbung|analyse|daten|dienst)",
        r"(?:diese|unsere)\s+(?:web)?(?:seite|site|website)\s+(?:verwendet|nutzt|benutzt)\s+cookies\b",
        r"(?:mehr|weitere)\s+informationen\b.{0,80}?\b(?:datenschutzerkl[äa]rung|datenschutzhinweis|"
        r"datenschutzrichtlinie|cookie-richtlinie)",
        r"unterst[üu]tzen\s+(?-i:Sie)\s+(?:uns\b|unsere\s+(?:arbeit|redaktion)\b|(?:den\s+|unseren\s+)?(?:\w+\s+)?"
        r"journalismus\b)",
        r"jetzt\s+(?:unterst[üu]tzen|spenden|abonnieren)\s*[.!]?\s*$",
        r"spenden\s+(?-i:Sie)\s+(?:jetzt|uns|f[üu]r\s+(?:uns|unsere))\b",
        r"(?:abonnieren|bestellen)\s+(?-i:Sie)\b.{0,60}newsletter",
        r"melden\s+(?-i:Sie)\s+sich\b.{0,60}newsletter",
        r"(?:hier|jetzt)\s+(?:kostenlos(?:en)?\s+)?(?:den\s+|unseren\s+)?[\w-]*newsletter\s+(?:abonnieren|bestellen)\b",
        r"[^.]{0,100}\bfinden\s+(?-i:Sie)\b[^.]{0,60}newsletter",
        # the broadcaster's disclaimer: "Äußerungen unserer Gesprächspartner geben deren eigene Auffassungen wieder."
        # and "Der Deutschlandfunk macht sich Äußerungen seiner Gesprächspartner … nicht zu eigen."
        r"(?:äußerungen|aussagen)\s+(?:unserer|von)\s+(?:gesprächs|interview)partner\w*\s+geben\s+deren\s+eigene",
        r"(?:der\s+|die\s+|das\s+)?[\w-]+\s+macht\s+sich\s+(?:die\s+)?(?:äußerungen|aussagen)\s+(?:seiner|ihrer|unserer)\s+"
        r"(?:gesprächs|interview)partner",
    ),
    "fr": (
        r"nous\s+utilisons\s+(?:des\s+)?cookies\b.{0,160}?\b(?:site|offre|service|exp[ée]rience|navigation|contenu|"
        r"publicit|audience|donn[ée]es|statistiques|personnalis)",
        r"ce\s+site\s+(?:web\s+)?utilise\s+(?:des\s+)?cookies\b",
        r"en\s+poursuivant\s+votre\s+navigation\b.{0,120}\bcookies\b",
        r"vous\s+trouverez\s+(?:davantage|plus)\s+d['’]informations?\b.{0,80}?"
        r"\b(?:protection\s+des\s+donn[ée]es|confidentialit[ée]|cookies)",
        r"pour\s+en\s+savoir\s+plus\b.{0,80}?\b(?:cookies|confidentialit[ée]|protection\s+des\s+donn[ée]es)",
        r"soutenez[-\s](?:nous\b|notre\s+(?:travail|journal|r[ée]daction)\b|(?:le|un)\s+journalisme\b|"
        r"l['’]information\b|la\s+presse\b|" + _NAME_ONLY + ")",
        r"(?:vous\s+pouvez|pour)\s+nous\s+soutenir\b",
        r"faites\s+un\s+don\b",
        r"(?:abonnez|inscrivez)-vous\b",
        r"recevez\b.{0,40}\b(?:newsletter|lettre\s+d['’]information)",
    ),
    "es": (
        r"(?:utilizamos|usamos)\s+cookies\b.{0,160}?\b(?:sitio|web|experiencia|servicio|navegaci[óo]n|contenido|"
        r"publicidad|an[áa]lisis|datos|privacidad|personaliz)",
        r"(?:este\s+sitio(?:\s+web)?|esta\s+(?:web|p[áa]gina)(?:\s+web)?)\s+(?:utiliza|usa)\s+cookies\b",
        r"si\s+contin[úu]a\s+navegando\b.{0,120}\bcookies\b",
        r"(?:encontrar[áa]|puede\s+encontrar|para)\s+m[áa]s\s+informaci[óo]n\b.{0,80}?"
        r"\b(?:pol[íi]tica\s+de\s+(?:privacidad|cookies)|protecci[óo]n\s+de\s+datos)",
        r"ap[óo]ya(?:nos\b|\s+(?:al?\s+)?(?:(?:nuestro|nuestra|el\s+periodismo|periodismo|la\s+prensa)\b|"
        + _NAME_ONLY
        + "))",
        r"ap[óo]yenos\b",
        r"(?:puedes|puede|pod[ée]s)\s+(?:apoyarnos\b|apoyar\s+(?:nuestro|nuestra|el\s+periodismo|"
        r"a\s+(?:este|nuestro)\s+(?:medio|diario|peri[óo]dico))\b)",
        r"haz(?:\s+una)?\s+(?:donaci[óo]n|aporte|contribuci[óo]n)\b",
        r"(?:suscr[íi]bete|suscr[íi]base|reg[íi]strate|reg[íi]strese)\b",
        r"recibe\b.{0,40}\b(?:newsletter|bolet[íi]n)",
    ),
    "pt": (
        r"(?:utilizamos|usamos)\s+cookies\b.{0,160}?\b(?:site|experi[êe]ncia|servi[çc]o|navega[çc][ãa]o|conte[úu]do|"
        r"publicidade|an[úu]ncios|dados|privacidade|personaliz)",
        r"este\s+(?:site|portal)\s+(?:utiliza|usa)\s+cookies\b",
        r"ao\s+(?:continuar\s+)?(?:navegar|utilizar|usar)\b.{0,120}\bcookies\b",
        r"(?:encontrar[áa]|para)\s+mais\s+informa[çc][õo]es\b.{0,80}?"
        r"\b(?:pol[íi]tica\s+de\s+(?:privacidade|cookies)|prote[çc][ãa]o\s+de\s+dados)",
        r"apoie\b",
        r"(?:voc[êe]|tu)\s+pode\s+(?:nos\s+apoiar\b|apoiar\s+(?:o|a)\s+(?:nosso|nossa|site|tv|jornal|jornalismo|portal|"
        r"revista|r[áa]dio|canal|blog|projeto)\b)",
        r"fa[çc]a\s+(?:uma\s+)?doa[çc][ãa]o\b",
        r"contribua\s+com\s+(?:o|a|nosso|nossa)\b",
        r"(?:a\s+voc[êe]\s+que|se\s+voc[êe])\s+chegou\s+at[ée]\s+aqui\b",
        r"(?:assine|inscreva-se|cadastre-se)\b",
        r"receba\b.{0,40}\b(?:newsletter|boletim)",
    ),
}
_READER_NOTICE = re.compile(
    r"^[\s\[(]*(?:" + "|".join(p for patterns in _READER_NOTICES.values() for p in patterns) + ")", _FLAGS
)

# News agencies, as datelines credit them: "(Reuters)", "(dpa/lno)", "(EFE)", "(Europa Press)".
_AGENCIES = (
    r"CNN|AP|AFP|Reuters|dpa|EPA|CNBC|Bloomberg|UPI|EFE|Europa\s+Press|Xinhua|ANSA|APA|KNA|epd|SID|PTI|IANS|Kyodo|"
    r"Yonhap|TASS|Interfax|Notimex|Télam|Lusa|Prensa\s+Latina|ANP|Belga|SDA|Keystone|AAP|JTA|Anadolu|"
    r"[A-Z][A-Za-z]{1,20}\s+(?:News|Wire|Press)"
)

# A sentence that is only a credit: "(EFE).", "MANAGUA, 12 may (EFE).", "Wiesbaden (KNA/iz)." Before the brackets
# at most three capitalised words and a date; inside, an agency, or after a place one short word. So "Fischen
# fehlt die Großhirnrinde (Kortex).", "(Both deny wrongdoing)." and a joke's "(Sea)." stay. The segmenter ends a
# sentence at the full stop of the Spanish agency dateline "(EFE).- Nicaragua cerró…", leaving the credit alone
# and the lead after it starting with "- " (trimmed as a dateline below, since the dropped credit leaves the
# paragraph unopened).
_DROP_CREDIT_ONLY = re.compile(
    rf"^\s*(?:\((?:{_AGENCIES})[^)]{{0,30}}\)"
    r"|[A-ZÀ-Þ][\w'’.-]*(?:[\s/]+[A-ZÀ-Þ][\w'’.-]*){0,2}(?:,\s*[\w .]{1,20}?)?\s*\([A-Za-z][\w/.-]{1,15}\))"
    r"\s*(?:\.\s*[-—–]*|[-—–]+)\s*$"
)

# A live blog's stamp on an entry: "Update, 29.04.2020, 17:15 Uhr:", "UPDATE 3:15 p.m.:", "Actualización:",
# "Update July 3rd, 8:05AM ET:". Only dates, times, month and day names and a few linking words may follow the
# word, so "Update on the talks: …" is not a stamp. The repetition is possessive, so a long run of dotted
# numbers cannot make it backtrack.
_STAMP_WORD = (
    r"(?:(?:jan|feb|f[ée]v|m[äa]r|apr|avr|abr|may|mai|jun|juin|jul|juil|aug|ago|ao[ûu]|sep|set|oct|okt|out|nov|"
    r"dec|dez|dic|d[ée]c)[a-zäéûçõ]*\.?"
    r"|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
    r"|(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)"
    r"|uhr|h(?:rs?)?|horas?|hs|[ap]\.?m\.?|e[sd]?t|c[sd]t|p[sd]t|gmt|bst|utc|mesz?|cest|cet|brt"
    r"|vom|am|um|on|at|of|the|de|del|das|às|à|a\s+las|le|du|el|em)"
)
_STAMP = rf"(?:[\s,.]+(?:\d{{1,4}}(?:[.:/h]\d{{1,4}}){{0,2}}\.?(?:st|nd|rd|th|h|[ap]\.?m\.?)?|{_STAMP_WORD})(?!\w))*+"
_UPDATE_WORD = (
    r"(?:update[ds]?|aktualisierung|aktualisiert|nachtrag|actualizaci[óo]n|actualizado|mise\s+[àa]\s+jour|"
    r"atualiza[çc][ãa]o|atualizado|aggiornamento)"
)

# An editor's note on the page itself, not news: "Update July 3rd, 8:05AM ET: Added ARKit explanation and tweet."
_DROP_EDIT_NOTE = re.compile(
    rf"^\W*(?:{_UPDATE_WORD}|correction|clarification|editor['’]s\s+note){_STAMP}\s*:\s*(?:we(?:['’]ve|\s+have)\s+)?"
    r"(?:added|updated|corrected|clarified|removed|fixed|changed|amended|this\s+(?:story|article|post|piece)\b|"
    r"an?\s+(?:previous|earlier)\s+version)",
    _FLAGS,
)

# Datelines open a paragraph, so they are only looked for at the start of one.
_DATELINES = (
    # A byline glued to the lead: "By Aaron Humes: The Americas…" (two or more capitalised names and a colon, so
    # "By 2030, …" and "By Monday: …" stay)
    re.compile(
        r"^\s*(?:By|Von|Por|Par)\s+(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:January|February|March|April|"
        r"May|June|July|August|September|October|November|December|Christmas|Easter|Election)\b)"
        r"[A-ZÀ-Þ][\w'’.-]+(?:\s+(?:[A-ZÀ-Þ][\w'’.-]+|de|da|del|dos|van|von|der|di|la|le)){1,3}\s*:\s+(?=\S)"
    ),
    # "(CNN)", "(CNN) —", "(Reuters) -", "LONDON (AP) —", "WASHINGTON, D.C. (CNN) --", "Frankfurt/Main (dpa) -",
    # and Spanish "MANAGUA, 12 may (EFE).-"
    re.compile(
        rf"^\s*(?:[A-ZÀ-Þ][\w .,/'’-]{{1,40}}?\s*)?\((?:{_AGENCIES})[^)]{{0,30}}\)\s*\.?\s*(?:[-—–]{{1,2}}\s*)?"
    ),
    # A broadcaster's call sign: "HOUSTON, Texas (KTRK) --", "AUSTIN (KXAN) —", "NAPA COUNTY, Calif. (KGO) --"
    # (K/W and three or four capitals, or C and four; the dash is required and the place, if any, in capitals)
    re.compile(
        r"^\s*(?:[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}(?:,\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2})?\s+)?"
        r"\((?:[KW][A-Z]{2,3}|C[A-Z]{3})(?:[-\s](?:TV|DT|FM|AM|\d{1,2}))?\)\s*[-—–]{1,2}\s*(?=\S)"
    ),
    # A credit to the publication a story came through: "KVELLER via JTA —"
    re.compile(
        r"^\s*(?:[A-Z][\w'’.&-]*\s+){1,4}via\s+[A-Z][\w'’.&-]*(?:\s+[A-Z][\w'’.&-]*){0,2}\s+[-—–]{1,2}\s+(?=\S)"
    ),
    # The publication's own name as a dateline: "Kaieteur News – Police investigators…" (a capitalised sentence
    # must follow, so "Fox News – which…" stays)
    re.compile(
        r"^\s*(?!The\s)(?:[A-Z][\w'’.&-]*\s+){1,3}(?:News|Times|Tribune|Herald|Gazette|Observer|Chronicle|Post|Press|"
        r"Wire|Agency)\s+[-—–]{1,2}\s+(?=[A-Z])"
    ),
    # "WASHINGTON — ", "PARIS -- " (an all-capitals place name then a dash)
    re.compile(r"^\s*[A-ZÀ-ÖØ-ÞА-Я][A-ZÀ-ÖØ-ÞА-Я .,'’]{2,30}\s+[-—–]{1,2}\s+(?=\S)"),
    # "DUBAI, United Arab Emirates — ", "CLEVELAND, Ohio – ", "WASHINGTON, D.C. -- " (the city in capitals,
    # then its country or state as usually written)
    re.compile(
        r"^\s*[A-ZÀ-ÖØ-ÞА-Я][A-ZÀ-ÖØ-ÞА-Я .'’-]{2,30},\s+(?:[A-ZÀ-ÖØ-ÞА-Я][\w.'’-]*\s+){0,3}"
        r"[A-ZÀ-ÖØ-ÞА-Я][\w.'’-]*\s+[-—–]{1,2}\s+(?=\S)"
    ),
    # A place with its region in brackets: "Rostow (Russland) - Bei einem Brand…" (one word, a mixed-case region,
    # a spaced dash and a sentence). A place alone before a dash ("Potsdam – Zum Ende…") is not trimmed: glossaries
    # write a term the same way ("Direktzusage - In diesem Fall kümmert sich…"), and the term is the subject.
    re.compile(
        r"^\s*[A-ZÀ-Þ][a-zß-ÿ]+(?:[/-][A-ZÀ-Þ]?[a-zß-ÿ]+)?\s+\([A-ZÀ-Þ][a-zß-ÿ]+(?:\s+[a-zß-ÿ]+)?\.?\)\s+[-—–]\s+"
        r"(?=[A-ZÀ-Þ].*[.!?…][\"'”’»)]*\s*$)"
    ),
    # A date then a dash and a sentence: "06.11.23 - Sensation in…", "2023-11-06 – …" (not a range of dates or an
    # event listing: "23.10.2015 - 25.10.2015", "05.11.2022 - Dives - WUK !")
    re.compile(
        r"^\s*(?:\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})(?:,?\s+\d{1,2}[:.]\d{2}(?:\s*(?:Uhr|h))?)?"
        r"\s+[-—–]{1,2}\s+(?=[^\d\s](?:(?!\s[-—–]\s).)*[.!?…][\"'”’»)]*\s*$)"
    ),
    # The dash a dropped credit left behind: "(EFE)." was its own sentence, "- Nicaragua cerró…" opens the paragraph
    re.compile(r"^\s*-\s+(?=[A-ZÀ-Þ¿¡\"“])"),
)

# Furniture glued to the front of any sentence.
_LEADING = (
    # A live blog's stamp: "Update, 29.04.2020, 17:15 Uhr:", "UPDATE 3:15 p.m.:", "+++ Update 14.30 Uhr +++"
    re.compile(rf"^\s*(?:\+{{2,}}\s*)?{_UPDATE_WORD}{_STAMP}\s*(?:\+{{2,}}\s*:?|:)\s+(?=\S)", _FLAGS),
    # A bare time stamp: "17:15 Uhr: …", "3:15 p.m.: …", "+++ 14.30 Uhr +++ …"
    re.compile(
        r"^\s*(?:\+{2,}\s*)?\d{1,2}[.:]\d{2}\s*(?:uhr|h|[ap]\.?m\.?)(?:\s+(?:et|mesz?|cet|gmt|bst|utc))?"
        r"\s*(?:\+{2,}\s*:?|:)\s+(?=\S)",
        _FLAGS,
    ),
    # "Q:" / "A:" labels of an interview transcript
    re.compile(r"^\s*[QA]\s*:\s+(?=\S)"),
    # "Scroll down for video", "Click here to watch" glued to the sentence that follows
    re.compile(r"^\s*scroll\s+(?:down|up)\s+for\s+(?:video|more)s?\b[\s.:]*", _FLAGS),
    # "Watch the video:" glued to the sentence that follows
    re.compile(r"^\s*(?:watch\s+(?:the\s+)?video|video)\s*:\s+(?=\S)", _FLAGS),
    # "By . Jane Doe . PUBLISHED: . 10:05 EST, 3 March 2014 . | . UPDATED: . 11:00 EST, 3 March 2014 . "
    re.compile(
        r"^\s*By\s*\.\s.{1,80}?\s\.\s+(?:PUBLISHED|Last\s+updated)\s*:.{0,120}?\d{4}\s*\.\s*"
        r"(?:\|\s*\.\s*UPDATED\s*:.{0,80}?\d{4}\s*\.\s*)?",
        re.UNICODE,
    ),
)

# Furniture glued to the end of a real sentence: "… on Tuesday. (Photo: Getty Images)", "Read more: …".
_TRAILING = (
    re.compile(r"\s*\((?:photo|image|picture|video|credit|file\s+photo)[^)]{0,80}\)\s*$", _FLAGS),
    re.compile(r"\s+(?:read\s+more|click\s+here|scroll\s+down)\b[^.!?]{0,120}$", _FLAGS),
)

# Asides that point at a picture the summary does not show: "(pictured)", "(left)", "(pictured right)".
_PICTURE_ASIDE = re.compile(
    r"\s*\((?:pictured|picture|photo|above|below|left|right|centre|center|top|bottom|inset|file)"
    r"(?:\s+(?:above|below|left|right|centre|center|top|bottom|with\s+[^)]{1,40}|in\s+[^)]{1,40}))?\)",
    _FLAGS,
)


def is_furniture(sentence: str) -> bool:
    """True for a sentence that is only page furniture and should never reach a summary."""
    return bool(
        _DROP_SENTENCE.match(sentence)
        or _DROP_CREDIT_LINE.search(sentence)
        or _READER_NOTICE.match(sentence)
        or _DROP_CREDIT_ONLY.match(sentence)
        or _DROP_EDIT_NOTE.match(sentence)
    )


def trim_furniture(sentence: str, *, opens_paragraph: bool) -> str:
    """The sentence without datelines, bylines, live-blog stamps, credits and picture asides at its edges;
    whitespace collapsed."""
    text = sentence
    if opens_paragraph:
        for pattern in _DATELINES:
            text = pattern.sub("", text, count=1)
    for pattern in _LEADING:
        text = pattern.sub("", text, count=1)
    for pattern in _TRAILING:
        text = pattern.sub("", text, count=1)
    text = _PICTURE_ASIDE.sub("", text)
    return " ".join(text.split())


# Connectives that tie a sentence to the one before it ("But", "However,"): noise once the sentence stands
# alone in a list. Coordinating words go with or without a comma; adverbs only with one, since without it they
# may be part of the clause ("Still waters…", German "Allerdings sagte er…" would lose its verb position).
# "No,"/"Yes," answer a question the reader of a list has not seen (often the headline's: "No, the former
# mayor's debut has turned brutal."); the rest of the sentence is the statement.
_CONNECTIVES = {
    "en": (
        ("but", "and", "yet"),
        (
            "however",
            "now",
            "meanwhile",
            "still",
            "indeed",
            "in fact",
            "moreover",
            "furthermore",
            "additionally",
            "instead",
            "also",
            "so",
            "plus",
            "then",
            "though",
            "besides",
            "in addition",
            "nonetheless",
            "nevertheless",
            "anyway",
            "of course",
            "no",
            "yes",
        ),
    ),
    "de": (("aber", "und", "doch", "sondern"), ("allerdings", "jedoch", "trotzdem", "außerdem", "nein", "ja")),
    "fr": (
        ("mais", "et", "or"),
        ("cependant", "pourtant", "toutefois", "par ailleurs", "en outre", "ainsi", "non", "oui"),
    ),
    "es": (("pero", "y", "mas"), ("sin embargo", "además", "no obstante", "por otra parte", "así", "no", "sí")),
    "pt": (("mas", "e", "porém"), ("no entanto", "além disso", "contudo", "entretanto", "assim", "não", "sim")),
    "it": (("ma", "e"), ("tuttavia", "inoltre", "però", "comunque")),
    "nl": (("maar", "en"), ("echter", "bovendien", "toch")),
    "ru": (("но", "и", "а", "однако"), ("кроме того", "при этом", "впрочем", "тем не менее")),
}


def _connective_pattern(bare: tuple[str, ...], with_comma: tuple[str, ...]) -> re.Pattern[str]:
    def alternatives(words: tuple[str, ...]) -> str:
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))

    return re.compile(rf"^(?:(?:{alternatives(bare)})\b,?|(?:{alternatives(with_comma)}),)\s+(?=\S)", _FLAGS)


_CONNECTIVE_PATTERNS = {code: _connective_pattern(*words) for code, words in _CONNECTIVES.items()}


def trim_connective(sentence: str, language: str | None) -> str:
    """The sentence without a leading "But"/"However," (per language), first letter raised to upper case."""
    pattern = _CONNECTIVE_PATTERNS.get(language or "")
    if pattern is None:
        return sentence
    rest = pattern.sub("", sentence, count=1)
    if rest is sentence or rest == sentence or not rest[:1].isalpha():
        return sentence
    return rest[:1].upper() + rest[1:]
