"""`GET /metrics`: Prometheus text from prometheus-client with real values after real shares.

The bot runs in-process against the fake Slack, real pages and both databases. Counters and histograms are the
process's own (they keep counting across the tests of one run), so each test compares a scrape after with a
scrape before; the share gauges are read from the bot's database at scrape time, so they are exact.
"""

from __future__ import annotations

import test_health_truth
from fakeopenai import FakeOpenAI, answer, error
from fakeslack import FakeSlack
from prometheus_client.parser import text_string_to_metric_families
from slackbot import ArticleSite, BotClient, bot_client, eventually
from slacksign import LinkPart, event_callback, message_event
from test_summarize_llm import GOOD

from bot.store.db import Database

CHANNEL = test_health_truth.CHANNEL

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


class Scrape:
    """One scrape of /metrics, parsed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.samples: Samples = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                self.samples[(sample.name, frozenset(sample.labels.items()))] = sample.value

    def value(self, name: str, **labels: str) -> float:
        return self.samples.get((name, frozenset(labels.items())), 0.0)


async def scrape(client: BotClient) -> Scrape:
    async with client.http.get(client.bot.base_url + "/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        return Scrape(await response.text())


# The fake Slack (with CHANNEL and U0ALICE) and the article site, as the health tests have them.
slack = test_health_truth.slack
site = test_health_truth.site


async def test_metrics_after_shares_in_http_mode(slack: FakeSlack, site: ArticleSite, database: Database) -> None:
    async with bot_client(slack, database.url) as client:
        before = await scrape(client)
        slack.rate_limit("chat.postMessage", times=1, retry_after=0)
        await client.say("read ", LinkPart(site.url("/harbour")), channel=CHANNEL, user="U0ALICE")
        await client.say("and ", LinkPart(site.url("/no-such-page")), channel=CHANNEL, user="U0ALICE")
        await client.replies(2)
        await client.settled()
        after = await scrape(client)

    def delta(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    # Slack's requests: received, acknowledged, and how fast.
    events = {"mode": "http", "kind": "events_api"}
    assert delta("linkbrief_slack_requests_received_total", **events) == 2
    assert delta("linkbrief_slack_requests_acknowledged_total", **events) == 2
    assert delta("linkbrief_slack_ack_seconds_count", **events) == 2
    assert 0 < delta("linkbrief_slack_ack_seconds_sum", **events) < 6
    assert delta("linkbrief_slack_ack_seconds_bucket", le="3.0", **events) == 2

    # Shares by status and the oldest wait: read from this bot's store at scrape time.
    assert after.value("linkbrief_shares", status="done") == 1
    assert after.value("linkbrief_shares", status="failed") == 1
    assert after.value("linkbrief_shares", status="pending") == 0
    assert after.value("linkbrief_shares", status="working") == 0
    assert after.value("linkbrief_share_oldest_waiting_seconds") == 0
    assert after.value("linkbrief_queue_depth", queue="pending") == 0
    assert after.value("linkbrief_queue_depth", queue="in_flight") == 0

    # The pipeline: one article through every stage, one page that failed with its code. With the offline
    # summariser, extraction, fingerprint and summary are one stage ("read": one task in the CPU pool).
    for stage in ("fetch", "read", "store"):
        assert delta("linkbrief_pipeline_stage_seconds_count", stage=stage) == 1 + (stage == "fetch"), stage
    assert delta("linkbrief_pipeline_stage_seconds_count", stage="summarize") == 0
    read = {answer: delta("linkbrief_extractions_total", second_opinion=answer) for answer in ("yes", "no")}
    assert read["yes"] + read["no"] == 1, read
    assert delta("linkbrief_errors_total", code="http_error") == 1

    # Slack's Web API: every attempt counted, the 429 among them.
    assert delta("linkbrief_slack_api_calls_total", method="chat.postMessage", status="429") == 1
    assert delta("linkbrief_slack_api_calls_total", method="chat.postMessage", status="200") == 2
    assert delta("linkbrief_slack_api_ratelimited_total", method="chat.postMessage") == 1
    assert delta("linkbrief_slack_api_calls_total", method="auth.test", status="200") >= 1
    assert delta("linkbrief_slack_api_calls_total", method="reactions.add", status="200") >= 2
    # Process metrics come along.
    assert after.value("process_resident_memory_bytes") > 0


async def test_a_share_waiting_shows_in_the_gauges(slack: FakeSlack, site: ArticleSite, sqlite_url: str) -> None:
    async with bot_client(slack, sqlite_url) as client:
        site.hold.clear()
        await client.say("read ", LinkPart(site.url("/orchard")), channel=CHANNEL, user="U0ALICE")
        await client.say("read ", LinkPart(site.url("/train")), channel=CHANNEL, user="U0ALICE")
        await client.bot.worker.replier.drain()
        await eventually(lambda: client.bot.worker.status()["in_flight"] >= 1)  # a worker has claimed one
        waiting = await scrape(client)
        site.hold.set()
        await client.replies(2)
        await client.settled()
        done = await scrape(client)
    assert (
        waiting.value("linkbrief_shares", status="pending") + waiting.value("linkbrief_shares", status="working") == 2
    )
    assert waiting.value("linkbrief_share_oldest_waiting_seconds") > 0
    assert waiting.value("linkbrief_queue_depth", queue="in_flight") >= 1
    assert done.value("linkbrief_shares", status="done") == 2
    assert done.value("linkbrief_share_oldest_waiting_seconds") == 0


async def test_socket_mode_envelopes_are_counted_and_timed(
    slack: FakeSlack, site: ArticleSite, sqlite_url: str
) -> None:
    async with bot_client(
        slack, sqlite_url, mode="socket", slack_app_token=slack.app_token, slack_signing_secret=None
    ) as client:
        await slack.wait_for_socket()
        before = await scrape(client)
        event = message_event("read ", LinkPart(site.url("/harbour")), channel=CHANNEL, user="U0ALICE")
        await slack.wait_for_ack(await slack.push_event(event_callback(event)))
        await client.replies(1)
        await client.settled()
        after = await scrape(client)
    labels = {"mode": "socket", "kind": "events_api"}
    assert (
        after.value("linkbrief_slack_requests_received_total", **labels)
        - before.value("linkbrief_slack_requests_received_total", **labels)
        == 1
    )
    assert (
        after.value("linkbrief_slack_ack_seconds_count", **labels)
        - before.value("linkbrief_slack_ack_seconds_count", **labels)
        == 1
    )
    assert after.value("linkbrief_socket_mode_connected") == 1
    assert after.value("linkbrief_slack_api_calls_total", method="apps.connections.open", status="200") >= 1


def _llm(fake: FakeOpenAI, **extra: object) -> dict[str, object]:
    return {"summarizer": "llm", "llm_base_url": fake.base_url, "openai_api_key": "sk-test", "llm_model": "m", **extra}


async def test_llm_calls_tokens_and_fallbacks(slack: FakeSlack, site: ArticleSite, sqlite_url: str) -> None:
    script = [answer(GOOD, prompt_tokens=1234, completion_tokens=321), error(500)]
    async with FakeOpenAI(script) as model, bot_client(slack, sqlite_url, **_llm(model, llm_max_retries=0)) as client:
        before = await scrape(client)
        await client.say(LinkPart(site.url("/harbour")), channel=CHANNEL, user="U0ALICE")
        await client.replies(1)
        await client.say(LinkPart(site.url("/orchard")), channel=CHANNEL, user="U0ALICE")
        await client.replies(2)
        await client.settled()
        after = await scrape(client)
    assert after.value("linkbrief_llm_calls_total") - before.value("linkbrief_llm_calls_total") == 1
    assert (
        after.value("linkbrief_llm_tokens_total", kind="prompt")
        - before.value("linkbrief_llm_tokens_total", kind="prompt")
        == 1234
    )
    assert (
        after.value("linkbrief_llm_tokens_total", kind="completion")
        - before.value("linkbrief_llm_tokens_total", kind="completion")
        == 321
    )
    assert (
        after.value("linkbrief_llm_fallbacks_total", reason="http 500")
        - before.value("linkbrief_llm_fallbacks_total", reason="http 500")
        == 1
    )
