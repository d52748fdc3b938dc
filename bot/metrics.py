"""Prometheus metrics of the bot, defined once: what `GET /metrics` serves (prometheus-client, text format).

Counters and histograms are updated where things happen (one line at each place: the HTTP endpoint and the
Socket Mode handler for Slack's requests, the pipeline's stages, the LLM summariser, the Slack Web API client);
the gauges about shares are read from the store when Prometheus scrapes (`set_share_gauges`), so they are right
whichever process did the work.

The metrics live in this module's own registry (`REGISTRY`), not prometheus-client's global one, so importing
linkbrief as a library registers nothing in the host's registry. Process metrics (CPU, memory, open files) are
included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

CONTENT_TYPE = CONTENT_TYPE_LATEST

# Slack's requests to the bot: events, slash commands, interactivity; over HTTP or the Socket Mode socket.
REQUESTS_RECEIVED = Counter(
    "linkbrief_slack_requests_received",
    "Requests from Slack received (events, slash commands, interactions), malformed ones included",
    ["mode", "kind"],
    registry=REGISTRY,
)
REQUESTS_ACKNOWLEDGED = Counter(
    "linkbrief_slack_requests_acknowledged",
    "Requests from Slack acknowledged with a 2xx (HTTP) or an envelope ack (Socket Mode)",
    ["mode", "kind"],
    registry=REGISTRY,
)
ACK_SECONDS = Histogram(
    "linkbrief_slack_ack_seconds",
    "Seconds from a request's arrival to its acknowledgement (Slack's limit is 3 s)",
    ["mode", "kind"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
    registry=REGISTRY,
)
REQUESTS_MALFORMED = Counter(
    "linkbrief_slack_requests_malformed",
    "HTTP requests refused with 400 because their body is not what Slack sends",
    registry=REGISTRY,
)

# Shares, read from the store at scrape time.
SHARES = Gauge("linkbrief_shares", "Shares in the store by status", ["status"], registry=REGISTRY)
OLDEST_WAITING = Gauge(
    "linkbrief_share_oldest_waiting_seconds",
    "Age of the oldest share still pending or working (0 when none waits)",
    registry=REGISTRY,
)
QUEUE_DEPTH = Gauge(
    "linkbrief_queue_depth",
    "Shares waiting for a worker (pending) and shares a worker of this process holds (in_flight)",
    ["queue"],
    registry=REGISTRY,
)
SOCKET_CONNECTED = Gauge(
    "linkbrief_socket_mode_connected", "1 while the Socket Mode connection is up (Socket Mode only)", registry=REGISTRY
)

# The pipeline and its outcomes.
STAGE_SECONDS = Histogram(
    "linkbrief_pipeline_stage_seconds",
    "Seconds per pipeline stage (fetch, read: extraction + fingerprint + offline summary, summarize: LLM, store)",
    ["stage"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 60.0),
    registry=REGISTRY,
)
EXTRACTIONS = Counter(
    "linkbrief_extractions",
    "New pages extracted, by whether readability's second opinion ran (second_opinion: yes, no)",
    ["second_opinion"],
    registry=REGISTRY,
)
ERRORS = Counter(
    "linkbrief_errors",
    "Links that ended in an error, by code (the pipeline's codes; slack_<error> when the reply failed)",
    ["code"],
    registry=REGISTRY,
)
SHARES_GIVEN_UP = Counter(
    "linkbrief_shares_given_up",
    "Shares whose reply Slack kept refusing transiently for longer than LINKBRIEF_SLACK_RETRY_FOR",
    registry=REGISTRY,
)

# Slack's Web API, as the bot calls it (every HTTP attempt, retries included).
SLACK_API_CALLS = Counter(
    "linkbrief_slack_api_calls",
    "Slack Web API requests by method and HTTP status ('error' when no response came)",
    ["method", "status"],
    registry=REGISTRY,
)
SLACK_API_RATELIMITED = Counter(
    "linkbrief_slack_api_ratelimited",
    "Slack Web API requests answered 429 (rate limited), by method",
    ["method"],
    registry=REGISTRY,
)

# The LLM summariser.
LLM_CALLS = Counter("linkbrief_llm_calls", "Chat completions the model answered", registry=REGISTRY)
LLM_TOKENS = Counter("linkbrief_llm_tokens", "Tokens the model counted, by kind", ["kind"], registry=REGISTRY)
LLM_FALLBACKS = Counter(
    "linkbrief_llm_fallbacks",
    "Summaries written offline because the model failed, by reason",
    ["reason"],
    registry=REGISTRY,
)


def render() -> bytes:
    """The metrics in Prometheus' text format."""
    return generate_latest(REGISTRY)


def record_ack(mode: str, kind: str, seconds: float) -> None:
    """A request from Slack was acknowledged `seconds` after it arrived."""
    REQUESTS_ACKNOWLEDGED.labels(mode, kind).inc()
    ACK_SECONDS.labels(mode, kind).observe(seconds)


def record_llm_call(response: Any) -> None:
    """A chat completion came back: count it and the tokens its `usage` reports."""
    LLM_CALLS.inc()
    usage = getattr(response, "usage", None)
    if usage is not None:
        LLM_TOKENS.labels("prompt").inc(getattr(usage, "prompt_tokens", 0) or 0)
        LLM_TOKENS.labels("completion").inc(getattr(usage, "completion_tokens", 0) or 0)


def set_share_gauges(counts: Mapping[str, int], statuses: tuple[str, ...], oldest_waiting: float) -> None:
    """The store's view at scrape time: shares per status (0 for a status with none) and the oldest wait."""
    for status in statuses:
        SHARES.labels(status).set(counts.get(status, 0))
    OLDEST_WAITING.set(oldest_waiting)


class SlackCallCounter(AsyncRetryHandler):
    """Counts every Slack Web API request a client makes, retries included, without ever asking for a retry.

    slack_sdk offers each response (and each transport error) to the client's retry handlers in order; this one,
    put first in `retry_handlers`, only counts and says no, so the real handlers after it decide as before.
    Bolt copies a client's handlers into its per-request clients, so listeners' calls are counted too.
    """

    def __init__(self) -> None:
        super().__init__(max_retry_count=0)

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        method = urlsplit(request.url).path.rsplit("/", 1)[-1] or "unknown"
        status = str(response.status_code) if response is not None else "error"
        SLACK_API_CALLS.labels(method, status).inc()
        if response is not None and response.status_code == 429:
            SLACK_API_RATELIMITED.labels(method).inc()
        return False
