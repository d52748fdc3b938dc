"""Block Kit rendering (bot/slack/render.py): layout, limits under huge inputs, and escaping of hostile text.

The escaping checks work on the JSON that would be sent: after removing the `<…>` tokens the renderer
builds itself (links to the URLs we passed, `<#C…>`, `<@U…>`, `<!date^…>`), no `<` or `>` may remain, so
nothing from an article or a query can mention, broadcast or link.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, date, datetime

import pytest
from slack_sdk.models.blocks import Block

from bot.slack.render import (
    ACTION_MORE_QA,
    ACTION_MORE_RESULTS,
    ACTION_POST_SUMMARY,
    BLOCKS_BUDGET_BYTES,
    ArticleView,
    EarlierShare,
    SearchHit,
    SlackMessage,
    parse_more_results_value,
    render_duplicate,
    render_error,
    render_help,
    render_more_questions,
    render_search_results,
    render_summary,
)
from bot.summarize.base import QAPair, Summary

URL = "https://example.com/story?utm=x&id=7"
HOSTILE = "<!channel> <@U123> <https://evil.example|trusted> <!here> <#C999> <!subteam^S1>"
ZW = "\u200b"

SUMMARY = Summary(
    tldr="Rates rose by a quarter point, the first rise in a year.",
    key_points=("The bank raised rates to 4.5%.", "Inflation is at 3.1%.", "Markets expected it."),
    qa=(
        QAPair("What changed?", "The base rate went up."),
        QAPair("Who decided?", "The monetary policy committee, unanimously."),
        QAPair("Why now?", "Inflation stayed high."),
        QAPair("What next?", "Another rise is possible."),
    ),
    summarizer="extractive",
)
VIEW = ArticleView(
    url=URL,
    title="Bank raises rates",
    site_name="Example News",
    author="Jane Doe",
    published=date(2026, 3, 3),
    word_count=1300,
    summary=SUMMARY,
)
SHARE = EarlierShare(
    channel_id="C0ENG",
    user_id="U0ALICE",
    shared_at=datetime(2026, 3, 3, 14, 30, tzinfo=UTC),
    permalink="https://acme.slack.com/archives/C0ENG/p1772548200000100",
)

# Tokens the renderer itself produces; everything else with < or > would be untrusted markup.
OWN_TOKENS = re.compile(
    r"<!date\^\d+\^\{date_short_pretty\}\|\d{1,2} [A-Z][a-z]{2} \d{4}>"
    r"|<#[CG][A-Z0-9]+>"
    r"|<@[UW][A-Z0-9]+>"
    r"|<(https?://[^<>|\s\"]+)\|[^<>]*>"
)


def sent_json(message: SlackMessage) -> str:
    """What chat.postMessage would carry: blocks and the fallback text."""
    return json.dumps({"text": message.text, "blocks": message.blocks}, ensure_ascii=False)


def assert_only_own_markup(message: SlackMessage, allowed_urls: set[str]) -> None:
    """No `<`/`>` besides our own tokens, and every link goes to a URL we meant to link."""
    payload = sent_json(message)
    for match in OWN_TOKENS.finditer(payload):
        if match.group(1) is not None:
            assert match.group(1).replace("&amp;", "&") in allowed_urls, match.group(0)
    rest = OWN_TOKENS.sub("", payload)
    assert "<" not in rest
    assert ">" not in rest
    assert "<https://evil" not in payload


def assert_valid_blocks(message: SlackMessage) -> None:
    """Within Slack's limits, as the SDK's own validators (run by to_dict) and our budget see them."""
    assert 0 < len(message.blocks) <= 50
    for block in Block.parse_all(message.blocks):
        block.to_dict()
    size = len(json.dumps(message.blocks, ensure_ascii=False, separators=(",", ":")).encode())
    assert size <= BLOCKS_BUDGET_BYTES < 13_000
    assert message.text
    assert len(message.text) <= 400


def texts(message: SlackMessage) -> list[str]:
    """The text of every text object, in order (sections, context elements, header)."""
    found: list[str] = []
    for block in message.blocks:
        if "text" in block:
            found.append(block["text"]["text"])
        found += [e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return found


def section_starting(message: SlackMessage, prefix: str) -> str | None:
    return next((t for t in texts(message) if t.startswith(prefix)), None)


def buttons(message: SlackMessage) -> list[dict]:
    return [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


# -------------------------------------------------------------------------------------------- layout


def test_summary_layout_matches_design() -> None:
    message = render_summary(VIEW)
    assert [b["type"] for b in message.blocks] == ["header", "context", "section", "section", "section", "context"]
    header, meta, tldr, points, qa, footer = texts(message)
    assert header == "Bank raises rates"
    assert meta == "Example News · Jane Doe · 3 Mar 2026 · 6 min read"  # 1300 words at 230 wpm
    assert tldr == "*TL;DR*  Rates rose by a quarter point, the first rise in a year."
    assert points.splitlines() == [
        "*Key points*",
        "• The bank raised rates to 4.5%.",
        "• Inflation is at 3.1%.",
        "• Markets expected it.",
    ]
    assert qa.count("*Q*") == 3  # three pairs shown of four
    assert "*Q*  What changed?\n*A*  The base rate went up." in qa
    assert "What next?" not in qa
    assert footer == "summarised offline · extractive  |  <https://example.com/story?utm=x&amp;id=7|example.com>"
    assert all(b["text"].get("verbatim") for b in message.blocks if b["type"] == "section")
    assert message.text == "Bank raises rates — Rates rose by a quarter point, the first rise in a year."
    assert_valid_blocks(message)


def test_more_questions_button_only_with_a_value_and_more_pairs() -> None:
    assert buttons(render_summary(VIEW)) == []
    [button] = buttons(render_summary(VIEW, more_qa_value="article-42"))
    assert button["action_id"] == ACTION_MORE_QA
    assert button["value"] == "article-42"
    assert button["text"]["text"] == "More questions"
    three = ArticleView(**{**_fields(VIEW), "summary": Summary(tldr="t", qa=SUMMARY.qa[:3], summarizer="x")})
    assert buttons(render_summary(three, more_qa_value="article-42")) == []


def test_post_in_channel_button_for_the_ephemeral_preview() -> None:
    [more, post] = buttons(render_summary(VIEW, more_qa_value="a1", post_value="a1"))
    assert more["action_id"] == ACTION_MORE_QA
    assert post["action_id"] == ACTION_POST_SUMMARY
    assert post["style"] == "primary"


def test_more_questions_renders_the_rest() -> None:
    message = render_more_questions(VIEW)
    body = "\n".join(texts(message))
    assert "What next?" in body
    assert "What changed?" not in body
    assert_valid_blocks(message)


def test_missing_summary_fields_are_omitted_not_placeholdered() -> None:
    bare = ArticleView(url=URL, title=None, site_name=None, author=None, published=None, word_count=0, summary=None)
    message = render_summary(bare)
    assert [b["type"] for b in message.blocks] == ["header", "context", "context"]
    header, meta, footer = texts(message)
    assert header == "example.com"  # no title: the site stands in, never "None" or "Untitled"
    assert meta == "example.com"
    assert footer == "<https://example.com/story?utm=x&amp;id=7|example.com>"
    partial = Summary(tldr=None, key_points=(), qa=(QAPair("What?", ""),), summarizer="extractive")
    message = render_summary(ArticleView(**{**_fields(VIEW), "summary": partial}))
    payload = sent_json(message)
    for word in ("TL;DR", "Key points", "None", "null", "N/A", "*A*"):
        assert word not in payload
    assert "*Q*  What?" in payload


def test_llm_summaries_name_their_model() -> None:
    llm = Summary(tldr="t", summarizer="llm", model="gpt-4o-mini")
    [*_, footer] = texts(render_summary(ArticleView(**{**_fields(VIEW), "summary": llm})))
    assert footer.startswith("summarised by llm · gpt-4o-mini  |  <https://example.com/")


# ------------------------------------------------------------------------------------------- limits


def huge_view(char: str = "x") -> ArticleView:
    word = char * 9 + " "

    def own(i: int, times: int) -> str:
        """Text made of one word of its own, so no two items repeat each other (displays drop repeats)."""
        return f"{char * 9}{i} " * times

    summary = Summary(
        tldr=word * 1000,
        key_points=tuple(f"point {i} " + own(i, 500) for i in range(100)),
        qa=tuple(QAPair(f"question {i} " + word * 500, own(1000 + i, 1000)) for i in range(50)),
        summarizer="extractive " + word * 100,
        model=None,
    )
    return ArticleView(
        url="https://example.com/" + "p" * 900,
        title=word * 1000,
        site_name=word * 100,
        author=word * 100,
        published=date(2026, 1, 1),
        word_count=10**9,
        summary=summary,
    )


@pytest.mark.parametrize("char", ["x", "&", "<", "*", "é", "語"])
def test_huge_inputs_stay_within_every_limit(char: str) -> None:
    view = huge_view(char)
    for message in (
        render_summary(view, more_qa_value="a" * 2000, post_value="b" * 2000),
        render_duplicate(view, SHARE),
        render_more_questions(view),
        render_search_results(
            char * 5000, [SearchHit(view.url, view.title, view.site_name, view.summary.tldr, SHARE)] * 9, next_offset=5
        ),
    ):
        assert_valid_blocks(message)
    message = render_summary(view, more_qa_value="a1")
    header = message.blocks[0]["text"]["text"]
    assert len(header) <= 150
    assert header.endswith("…")
    points = section_starting(message, "*Key points*")
    assert points is not None
    assert points.count("\n• ") == 5
    assert points.endswith("+95 more")
    qa = section_starting(message, "*Questions answered*")
    assert qa is not None
    assert qa.count("*Q*") == 3


def test_truncation_never_splits_an_entity() -> None:
    header = render_summary(huge_view("&")).blocks[0]["text"]["text"]
    body = header.removesuffix("…").replace(" ", "")
    assert body
    assert re.fullmatch(r"(?:&amp;)+", body)


def test_long_urls_are_not_linked_rather_than_cut() -> None:
    long_url = "https://example.com/" + "a" * 5000
    view = ArticleView(**{**_fields(VIEW), "url": long_url})
    message = render_summary(view)
    assert "<https://" not in sent_json(message)
    assert_valid_blocks(message)


# ----------------------------------------------------------------------------------------- escaping


def _own_words(n: int) -> str:
    """Words no other field has: with only the hostile string in common, fields are not repeats of each other."""
    return " ".join(f"w{n}x{k}" for k in range(12))


def hostile_view() -> ArticleView:
    summary = Summary(
        tldr=f"tldr {HOSTILE} & more {_own_words(0)}",
        key_points=(f"point {HOSTILE} {_own_words(1)}", f"<!everyone> {HOSTILE} {_own_words(2)}"),
        qa=tuple(QAPair(f"q{i} {HOSTILE}?", f"a{i} {HOSTILE} {_own_words(3 + i)}") for i in range(5)),
        summarizer=f"extractive {HOSTILE}",
        model=None,
    )
    return ArticleView(
        url=URL,
        title=f"Title {HOSTILE}",
        site_name=f"Site {HOSTILE}",
        author=f"Author {HOSTILE}",
        published=date(2026, 3, 3),
        word_count=500,
        summary=summary,
    )


def test_hostile_text_in_every_summary_field_is_inert() -> None:
    message = render_summary(hostile_view(), more_qa_value="42", post_value="42")
    assert_only_own_markup(message, {URL})
    payload = sent_json(message)
    for field in ("Title", "Site", "Author", "tldr", "point", "q1", "a1"):
        assert f"{field} &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|trusted&gt;" in payload, field
    assert "extractive &lt;!channel&gt; &lt;@U123&gt;" in payload
    assert "&lt;!everyone&gt;" in payload
    assert "&lt;" in message.text  # the notification text is escaped too
    assert "<!" not in message.text
    assert "<@" not in message.text
    assert_valid_blocks(message)


def test_hostile_text_in_duplicates_errors_results_and_more_questions_is_inert() -> None:
    view = hostile_view()
    share = EarlierShare("C0ENG", "U0ALICE", SHARE.shared_at, SHARE.permalink, user_name=f"Mallory {HOSTILE}")
    hit = SearchHit(URL, view.title, view.site_name, view.summary.tldr, share)
    cases = [
        (render_duplicate(view, share), {URL, SHARE.permalink}),
        (render_duplicate(view, EarlierShare(HOSTILE, HOSTILE, SHARE.shared_at, HOSTILE)), {URL}),
        (render_more_questions(view), set()),
        (render_error(URL, "http_error", f"The site said {HOSTILE}"), {URL}),
        (render_error(HOSTILE, HOSTILE, HOSTILE), set()),
        (render_search_results(f"rates {HOSTILE}", [hit], next_offset=5), {URL, SHARE.permalink}),
        (render_search_results(HOSTILE, []), set()),
    ]
    for message, urls in cases:
        assert_only_own_markup(message, urls)
        assert_valid_blocks(message)


def test_links_are_built_from_validated_urls_only() -> None:
    tricky = "https://user:secret@example.com/a b|c>d<e?q=1&r=2"
    message = render_summary(ArticleView(**{**_fields(VIEW), "url": tricky}))
    footer = texts(message)[-1]
    assert "<https://example.com/a%20b%7Cc%3Ed%3Ce?q=1&amp;r=2|example.com>" in footer
    assert "secret" not in sent_json(message)
    for bad in ("javascript:alert(1)", "ftp://example.com/x", "not a url", "https://"):
        message = render_summary(ArticleView(**{**_fields(VIEW), "url": bad}))
        assert "<" not in OWN_TOKENS.sub("", sent_json(message))
        assert "<javascript" not in sent_json(message)
        assert_valid_blocks(message)


def test_newlines_in_values_cannot_fake_layout() -> None:
    summary = Summary(
        tldr="line one\n\n*Key points*\n• forged",
        key_points=("real point\n• forged bullet\n> forged quote", "second\r\nthird"),
        summarizer="extractive",
    )
    message = render_summary(ArticleView(**{**_fields(VIEW), "title": "Two\nlines", "summary": summary}))
    points = section_starting(message, "*Key points*")
    assert points is not None
    assert points.splitlines() == [
        "*Key points*",
        "• real point • forged bullet &gt; forged quote",
        "• second third",
    ]
    tldr = section_starting(message, "*TL;DR*")
    assert tldr is not None
    assert "\n" not in tldr
    assert message.blocks[0]["text"]["text"] == "Two lines"


def test_mrkdwn_markers_from_untrusted_text_cannot_format() -> None:
    nasty = "*bold* _it_ ~strike~ `code` ```block``` snake_case a*b"
    summary = Summary(tldr=nasty, key_points=(nasty,), qa=(QAPair(nasty, nasty),), summarizer="x")
    message = render_summary(ArticleView(**{**_fields(VIEW), "title": nasty, "author": nasty, "summary": summary}))
    for text in texts(message)[1:]:  # the header is plain_text: no formatting to defuse there
        untrusted = re.sub(r"\*(TL;DR|Key points|Questions answered|Q|A)\*", "", text)
        assert "`" not in untrusted
        assert not re.search(f"(?<!{ZW})[*_~]|[*_~](?!{ZW})", untrusted), untrusted
    assert message.blocks[0]["text"]["text"] == nasty  # plain_text keeps the characters as typed
    assert message.blocks[0]["text"]["emoji"] is False


def test_control_and_bidi_characters_are_removed() -> None:
    title = "safe\u202etxt.exe\u0000\u2066 end"
    message = render_summary(ArticleView(**{**_fields(VIEW), "title": title}))
    assert message.blocks[0]["text"]["text"] == "safetxt.exe end"


# ------------------------------------------------------------------------------------ other replies


def test_duplicate_reply_points_to_the_earlier_thread() -> None:
    message = render_duplicate(VIEW, SHARE)
    first = texts(message)[0]
    assert first == (
        "Shared before in <#C0ENG> on <!date^1772548200^{date_short_pretty}|3 Mar 2026> by <@U0ALICE>"
        f" — <{SHARE.permalink}|summary there>"
    )
    payload = sent_json(message)
    assert "*TL;DR*" in payload
    assert "Questions answered" not in payload  # compact: no Q&A
    assert_valid_blocks(message)


def test_duplicate_reply_names_without_pinging_when_the_name_is_known() -> None:
    named = EarlierShare("C0ENG", "U0ALICE", datetime(2026, 3, 3, 14, 30), None, user_name="Alice")  # naive: UTC
    first = texts(render_duplicate(VIEW, named))[0]
    assert "<@" not in first
    assert "by Alice — summary in that thread" in first
    assert "<!date^1772548200^" in first
    dm = texts(render_duplicate(VIEW, EarlierShare("D0DM", None, SHARE.shared_at, None)))[0]
    assert dm.startswith("Shared before in a direct message on ")
    assert " by " not in dm


def test_error_is_one_short_line_without_traceback() -> None:
    message = render_error(URL, "http_error", "The site answered with HTTP 404.\nTraceback (most recent call last):")
    [block] = message.blocks
    assert block["block_id"] == "brief_error_http_error"
    assert block["text"]["text"] == (
        ":warning: Couldn't summarise <https://example.com/story?utm=x&amp;id=7|example.com>:"
        " The site answered with HTTP 404."
    )
    assert "Traceback" not in sent_json(message)
    assert message.text == "Couldn't summarise example.com: The site answered with HTTP 404."


def test_search_results_page_and_more_button() -> None:
    hits = [SearchHit(f"https://example.com/{i}", f"Article {i}", "Example", f"Summary {i}.", SHARE) for i in range(7)]
    message = render_search_results("rates in:#eng", hits, offset=10, next_offset=15, total=23)
    payload = sent_json(message)
    assert texts(message)[0] == "*Results 11–15 of 23* for “rates in:#eng”"
    assert payload.count("<https://example.com/") == 5  # five per page, even if more were passed
    assert "*<https://example.com/0|Article 0>*  · Example\nSummary 0." in texts(message)
    when = "<!date^1772548200^{date_short_pretty}|3 Mar 2026>"
    assert f"Shared by <@U0ALICE> in <#C0ENG> on {when} · <{SHARE.permalink}|thread>" in texts(message)
    [button] = buttons(message)
    assert button["action_id"] == ACTION_MORE_RESULTS
    assert parse_more_results_value(button["value"]) == ("rates in:#eng", 15)
    assert buttons(render_search_results("rates", hits[:2])) == []
    assert_valid_blocks(message)


def test_more_results_value_keeps_long_queries_within_button_limits() -> None:
    query = "é" * 3000 + '"\\'
    [button] = buttons(render_search_results(query, [SearchHit(URL, "t", None, None, None)], next_offset=5))
    assert len(button["value"]) <= 2000
    q, offset = parse_more_results_value(button["value"])
    assert query.startswith(q)
    assert offset == 5
    assert re.fullmatch(r"[A-Za-z0-9_=-]+", button["value"])  # opaque: nothing Slack could escape or render
    for bad in ('{"q": 1, "offset": 2}', '{"q": "x", "offset": -1}', '{"q": "x", "offset": true}', "[]", "{}"):
        with pytest.raises(ValueError, match="more-results"):
            parse_more_results_value(base64.urlsafe_b64encode(bad.encode()).decode())
    with pytest.raises(ValueError, match="more-results"):
        parse_more_results_value("not base64 at all!")


def test_empty_search_results() -> None:
    message = render_search_results("nothing", [])
    assert texts(message)[0] == "No summaries match “nothing”."
    assert buttons(message) == []
    assert_valid_blocks(message)


def test_help_explains_every_filter_and_escapes_its_placeholders() -> None:
    message = render_help()
    body = "\n".join(texts(message))
    for needle in ("in:#channel", "from:@user", "site:example.com", "after:", "before:", "/brief &lt;url&gt;"):
        assert needle in body
    assert "<" not in sent_json(message)
    assert_valid_blocks(message)


def _fields(view: ArticleView) -> dict:
    return {name: getattr(view, name) for name in ArticleView.__slots__}


def test_a_key_point_that_is_the_tldr_is_shown_once() -> None:
    lead = "The harbour authority will run night ferries every twenty minutes from next month."
    summary = Summary(
        tldr=lead,
        key_points=(lead, "Officials counted 412,000 night passengers.", "The council approved the money."),
        summarizer="extractive-1",
    )
    message = render_summary(ArticleView(**{**_fields(VIEW), "summary": summary}))
    shown = json.dumps(message.blocks)
    assert shown.count("night ferries every twenty minutes") == 1
    assert "412,000 night passengers" in shown
    assert "council approved the money" in shown


def test_a_long_key_point_is_shown_whole() -> None:
    """A bullet is one of the article's sentences, up to 70 words: shown whole, not cut mid-clause."""
    point = (
        "Die Verkehrsbetriebe der Stadt haben am Montag angekündigt, dass die Linien 4, 7 und 12 ab dem kommenden "
        "Frühjahr im Zehn-Minuten-Takt fahren werden, nachdem der Stadtrat nach monatelangen Verhandlungen mit dem "
        "Land und den umliegenden Gemeinden zusätzliche Mittel in Höhe von 14 Millionen Euro für neue Fahrzeuge, "
        "Fahrerinnen und Fahrer sowie den Ausbau zweier Wendeschleifen bewilligt hat."
    )
    assert len(point) > 350
    assert len(point.split()) <= 70
    summary = Summary(tldr="The city will run its trams more often.", key_points=(point,), summarizer="extractive")
    view = ArticleView(
        url=URL, title="Trams", site_name=None, author=None, published=None, word_count=400, summary=summary
    )
    text = json.dumps(render_summary(view).blocks, ensure_ascii=False)
    assert point in text
