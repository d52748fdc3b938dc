"""Malformed request bodies on `POST /slack/events` get 400 and one log line, never a 500 or a traceback.

Bodies that are valid JSON but not an object (`[1,2,3]`, `42`), nested 50,000 deep, not UTF-8, not a form, or
a form whose `payload` is not a JSON object are refused before Bolt parses them, whether or not they carry a
valid signature; well-formed requests are unaffected (a signed one is served, an unsigned one gets 401). Run
against a real `linkbrief serve` process, whose stderr is the log an operator reads.
"""

from __future__ import annotations

import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import aiohttp
import pytest
from fakeslack import FakeSlack
from slackbot import SECRET
from slacksign import sign_event, signature, url_verification
from test_startup_serve import serve_process, slack_env

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
DEEP = 50_000

MALFORMED: list[tuple[str, str, bytes]] = [
    ("array", JSON, b"[1,2,3]"),
    ("number", JSON, b"42"),
    ("string", JSON, b'"hello"'),
    ("null", JSON, b"null"),
    ("deep array", JSON, b"[" * DEEP + b"]" * DEEP),
    ("deep inside an object", JSON, b'{"event": ' + b"[" * DEEP + b"]" * DEEP + b"}"),
    ("deep object", JSON, b'{"a":' * DEEP + b"1" + b"}" * DEEP),
    ("truncated JSON", JSON, b'{"type": "event_callback", "event": {'),
    ("not UTF-8", JSON, b'{"type": "\xff\xfe"}'),
    ("not UTF-8 form", FORM, b"command=%2Fbrief&text=\xe9t\xe9"),
    ("percent-escapes not UTF-8", FORM, b"command=%2Fbrief&text=%ff%fe"),
    ("not a form", FORM, b"command&&text"),
    ("payload not an object", FORM, b"payload=" + quote("[1,2,3]").encode()),
    ("payload not JSON", FORM, b"payload=%7Bnot+json"),
    ("payload nested deep", FORM, b"payload=" + quote("[" * DEEP + "]" * DEEP).encode()),
    ("fields of the wrong type", JSON, b'{"type": "event_callback", "authorizations": 5}'),
    ("object without a JSON type", "text/plain", b'{"enterprise": 7, "authorizations": [1]}'),
]


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=30) as fake:
        yield fake


async def test_malformed_bodies_get_400_and_one_log_line_each(slack: FakeSlack, tmp_path: Path) -> None:
    async with (
        serve_process(tmp_path, "--mode", "http", **slack_env(slack)) as served,
        aiohttp.ClientSession() as http,
    ):
        await served.wait_healthy()
        url = served.base_url + "/slack/events"
        answers: dict[str, tuple[int, int]] = {}
        for name, content_type, body in MALFORMED:
            unsigned = {"Content-Type": content_type}
            timestamp = str(int(time.time()))
            signed = unsigned | {
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": signature(SECRET, timestamp, body),  # over the exact bytes sent
            }
            statuses = []
            for headers in (unsigned, signed):
                async with http.post(url, data=body, headers=headers) as response:
                    statuses.append(response.status)
                    if response.status == 400:
                        assert (await response.json()) == {"error": "malformed body"}
            answers[name] = (statuses[0], statuses[1])

        # Well-formed requests are unaffected.
        good = sign_event(SECRET, url_verification("c-h-a-l-l-e-n-g-e"))
        async with http.post(url, data=good.body.encode(), headers=good.headers) as response:
            assert response.status == 200
            assert (await response.json()) == {"challenge": "c-h-a-l-l-e-n-g-e"}
        async with http.post(url, data=good.body.encode(), headers={"Content-Type": JSON}) as response:
            assert response.status == 401
        code, _took = await served.signal_and_wait(signal.SIGTERM)

    assert answers == {name: (400, 400) for name, _, _ in MALFORMED}
    assert code == 0
    assert "Traceback" not in served.stderr
    assert served.plain_lines() == []  # every stderr line is a log record
    records = served.events()
    refused = [r for r in records if r["event"] == "malformed_request"]
    assert len(refused) == 2 * len(MALFORMED)  # one line per request
    assert all(r["level"] == "warning" and r["reason"] for r in refused)
    assert not [r for r in records if r["level"] in ("error", "critical") or "exception" in r]
