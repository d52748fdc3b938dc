"""Text decodes as the reader saw it: valid UTF-8 under a wrong single-byte declaration, and mojibake that is
already in the page.

End to end first: one `linkbrief summarize --json` run over pages served on 127.0.0.1 as raw bytes with the
headers real servers send (each page a different article: the pipeline deduplicates near-identical texts).
Then `decode_html` and `repair_text` directly.
"""

from __future__ import annotations

import pytest
from articles import HARBOUR, HARBOUR_TITLE, ORCHARD, ORCHARD_TITLE, TRAIN, article_html
from clirun import summarize_pages_once

from bot.pipeline.decoding import decode_html, repair_text

KOSOVO = (
    "Kosovo’s harbour pilots – trained in Malmö and Gdańsk – will guide the larger boats through the northern "
    "channel, the authority said, and the café on the old quay will stay open until the last crossing."
)
MULLER = (
    "Jürgen Müller’s notebook, kept since 1987, lists the Straße where each tree grows and the “Grüner "
    "Fürstenapfel” variety that nobody else had described."
)
MALMO_TITLE = "Night train to Malmö returns after a gap of nine years"
MALMO = (
    "Passengers for Malmö’s central station will change at Vessen, where the operator’s café – open all night "
    "– sells coffee and sandwiches until the train leaves."
)
MARCHE_TITLE = "Le marché de Noël de Valmont ouvre ses portes"
MARCHE = [
    "Le marché de Noël de Valmont a ouvert vendredi soir sur la place de l'Hôtel de Ville, avec cent vingt "
    "chalets, une grande roue et une patinoire installée pour la première fois devant la cathédrale.",
    "Les organisateurs attendent plus d'un million de visiteurs d'ici la fin de l'année. « Nous avons choisi "
    "des artisans de la région plutôt que des revendeurs », a expliqué Élise Fournier, qui dirige l'office du "
    "tourisme.",
    "Le vin chaud coûte trois euros cinquante, le même prix que l'an dernier. Les gobelets sont consignés et "
    "lavés sur place, ce qui devrait éviter des dizaines de milliers de déchets.",
    "Le marché restera ouvert tous les jours jusqu'au trente décembre, de onze heures à vingt-deux heures, "
    "sauf le jour de Noël, où il fermera à dix-huit heures.",
]


def mojibake(text: str) -> str:
    """What a site shows after decoding its own UTF-8 as windows-1252 somewhere in its pipeline."""
    return text.encode("utf-8").decode("cp1252")


def declared_latin1_in_header() -> tuple[bytes, str]:
    html = article_html(HARBOUR_TITLE, [*HARBOUR, KOSOVO]).replace('<meta charset="utf-8">', "")
    return html.encode("utf-8"), "text/html; charset=ISO-8859-1"


def declared_latin1_in_meta() -> tuple[bytes, str]:
    html = article_html(ORCHARD_TITLE, [*ORCHARD, MULLER]).replace(
        '<meta charset="utf-8">', '<meta charset="iso-8859-1">'
    )
    return html.encode("utf-8"), "text/html"


def mojibake_in_the_page() -> tuple[bytes, str]:
    html = article_html(MALMO_TITLE, [*TRAIN, MALMO])
    head, body = html.split("<body>", 1)
    head = head.replace(f"<title>{MALMO_TITLE}", f"<title>{mojibake(MALMO_TITLE)}").replace(
        f'content="{MALMO_TITLE}"', f'content="{mojibake(MALMO_TITLE)}"'
    )
    body = body.replace(MALMO_TITLE, mojibake(MALMO_TITLE)).replace(MALMO, mojibake(MALMO))
    return f"{head}<body>{body}".encode(), "text/html; charset=utf-8"


def genuine_latin1() -> tuple[bytes, str]:
    html = article_html(MARCHE_TITLE, MARCHE, lang="fr", site_name="Le Courrier de Valmont", author="Luc Morel")
    html = html.replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">').replace("©", "(c)").replace("·", "-")
    return html.encode("latin-1"), "text/html; charset=ISO-8859-1"


PAGES = {
    "/header": declared_latin1_in_header(),
    "/meta": declared_latin1_in_meta(),
    "/mojibake": mojibake_in_the_page(),
    "/latin1": genuine_latin1(),
}


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """One CLI run over every page (a process start per page would cost seconds each)."""
    return summarize_pages_once(PAGES, tmp_path_factory.mktemp("decoding"))


def summary_of(summaries: dict[str, dict], path: str) -> dict:
    line = summaries[path]
    assert line["error"] is None, line["error"]
    assert line["duplicate_of"] is None
    assert "Ã" not in line["text"]
    assert "â€" not in line["text"]
    return line


def test_utf8_page_declared_iso_8859_1_in_the_header_reads_as_utf8(summaries: dict[str, dict]) -> None:
    line = summary_of(summaries, "/header")
    assert KOSOVO in line["text"]
    assert HARBOUR[2][:40] in line["text"]  # “curly quotes” of the article itself


def test_utf8_page_declared_iso_8859_1_in_meta_reads_as_utf8(summaries: dict[str, dict]) -> None:
    line = summary_of(summaries, "/meta")
    assert MULLER in line["text"]


def test_mojibake_already_in_the_page_is_repaired(summaries: dict[str, dict]) -> None:
    line = summary_of(summaries, "/mojibake")
    assert line["title"] == MALMO_TITLE
    assert MALMO in line["text"]


def test_genuine_iso_8859_1_page_still_decodes(summaries: dict[str, dict]) -> None:
    line = summary_of(summaries, "/latin1")
    assert line["title"] == MARCHE_TITLE
    assert line["language"] == "fr"
    assert line["text"].startswith(MARCHE[0])
    assert MARCHE[1] in line["text"]


# decode_html

TEXT = "<p>Kosovo’s café – Straße</p>"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html; charset=ISO-8859-1", TEXT.encode()),
        ("text/html; charset=windows-1252", TEXT.encode()),
        ("text/html; charset=iso-8859-15", TEXT.encode()),
        ("text/html", f'<meta charset="latin1">{TEXT}'.encode()),
        (None, f'<meta http-equiv="Content-Type" content="text/html; charset=cp1252">{TEXT}'.encode()),
    ],
)
def test_valid_utf8_under_a_single_byte_declaration_is_utf8(content_type: str | None, body: bytes) -> None:
    charset, text = decode_html(content_type, body)
    assert charset == "utf-8"
    assert TEXT in text


@pytest.mark.parametrize(
    ("content_type", "body", "charset", "expected"),
    [
        ("text/html; charset=ISO-8859-1", "<p>café Straße</p>".encode("latin-1"), "cp1252", "<p>café Straße</p>"),
        ("text/html; charset=windows-1251", "<p>Съешь же ещё</p>".encode("cp1251"), "cp1251", "<p>Съешь же ещё</p>"),
        ("text/html; charset=ISO-8859-1", b"<p>plain ascii</p>", "cp1252", "<p>plain ascii</p>"),
        ("text/html; charset=utf-8", TEXT.encode(), "utf-8", TEXT),
        ("text/html; charset=ISO-8859-1", b"\xef\xbb\xbf" + TEXT.encode(), "utf-8", TEXT),  # a BOM wins
    ],
)
def test_other_pages_decode_as_declared(content_type: str, body: bytes, charset: str, expected: str) -> None:
    assert decode_html(content_type, body) == (charset, expected)


def test_multi_byte_declaration_is_left_to_the_declared_charset() -> None:
    body = "<p>東京の天気</p>".encode("shift_jis")
    assert decode_html("text/html; charset=shift_jis", body) == ("cp932", "<p>東京の天気</p>")


# repair_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kosovoâ€™s president", "Kosovo’s president"),
        ("Ã©tÃ© Ã  Paris", "été à Paris"),
        ("Ð¡ÑŠÐµÑˆÑŒ Ð¶Ðµ", "Съешь же"),
        ("Â£100 and Â© 2024", "£100 and © 2024"),
        ("Kosovo’s “café” – naïve", "Kosovo’s “café” – naïve"),  # correct text, curly quotes included, untouched
        ("line one is fine’s\nKosovoâ€™s line two", "line one is fine’s\nKosovo’s line two"),
        ("", ""),
    ],
)
def test_repair_text(text: str, expected: str) -> None:
    assert repair_text(text) == expected
