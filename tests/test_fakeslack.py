"""The test harness itself: the fake Slack answers slack_sdk's real clients as Slack does, and slacksign's
signatures are the ones slack_sdk's SignatureVerifier accepts. Later bot tests rely on both."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from urllib.parse import parse_qs

import aiohttp
import pytest
from aiohttp import web
from fakeslack import FakeSlack
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler, AsyncServerErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient
from slacksign import (
    LinkPart,
    block_actions_payload,
    bot_echo_event,
    event_callback,
    message_event,
    sign_event,
    sign_form,
    sign_interaction,
    slash_command_fields,
    url_verification,
)

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


# ------------------------------------------------------------------------------------------- Web API


async def test_auth_test_identity_and_bearer_token(slack: FakeSlack) -> None:
    response = await slack.web_client().auth_test()
    assert response["user_id"] == slack.bot_user_id
    assert response["bot_id"] == slack.bot_id
    assert response["team_id"] == slack.team_id
    assert response["url"] == "https://fake-team.slack.com/"
    assert "chat:write" in response.headers["x-oauth-scopes"].split(",")
    [call] = slack.calls_to("auth.test")
    assert call.headers["Authorization"] == f"Bearer {slack.bot_token}"
    assert call.token == slack.bot_token


async def test_post_message_in_thread_then_permalink_and_reactions(slack: FakeSlack) -> None:
    client = slack.web_client()
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    posted = await client.chat_postMessage(
        channel="C0ENG", text="hi", blocks=blocks, thread_ts="1700000000.000100", unfurl_links=False
    )
    assert posted["channel"] == "C0ENG"
    assert posted["message"]["bot_id"] == slack.bot_id
    assert posted["message"]["user"] == slack.bot_user_id
    assert posted["message"]["thread_ts"] == "1700000000.000100"
    [call] = slack.calls_to("chat.postMessage")
    assert call.http_method == "POST"
    assert call.headers["Content-Type"].startswith("application/json")
    assert call.params["blocks"] == blocks  # JSON body: a real list, not a string
    assert call.params["unfurl_links"] is False
    [message] = slack.messages
    assert (message.channel, message.ts, message.thread_ts) == ("C0ENG", posted["ts"], "1700000000.000100")

    link = await client.chat_getPermalink(channel="C0ENG", message_ts=posted["ts"])
    assert link["permalink"] == (
        f"https://fake-team.slack.com/archives/C0ENG/p{posted['ts'].replace('.', '')}"
        "?thread_ts=1700000000.000100&cid=C0ENG"
    )
    assert slack.calls_to("chat.getPermalink")[0].http_method == "GET"

    await client.reactions_add(channel="C0ENG", name="eyes", timestamp="1700000000.000100")
    with pytest.raises(SlackApiError) as again:
        await client.reactions_add(channel="C0ENG", name="eyes", timestamp="1700000000.000100")
    assert again.value.response["error"] == "already_reacted"
    await client.reactions_remove(channel="C0ENG", name="eyes", timestamp="1700000000.000100")
    assert slack.reactions[("C0ENG", "1700000000.000100")] == set()


async def test_form_encoded_bodies_and_token_parameter(slack: FakeSlack) -> None:
    response = await slack.web_client().api_call(
        "chat.postMessage", data={"channel": "C1", "text": "x", "blocks": json.dumps([{"type": "divider"}])}
    )
    assert response["ok"]
    assert slack.messages[0].blocks == [{"type": "divider"}]
    # Legacy: the token as a form field, no Authorization header.
    async with (
        aiohttp.ClientSession() as session,
        session.post(slack.api_url + "auth.test", data={"token": slack.bot_token}) as raw,
    ):
        assert raw.headers["Content-Type"].startswith("application/json")
        assert (await raw.json())["user_id"] == slack.bot_user_id


async def test_bad_tokens(slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as bad:
        await slack.web_client("xoxb-wrong").chat_postMessage(channel="C1", text="x")
    assert bad.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as wrong_type:
        await slack.web_client(slack.app_token).chat_postMessage(channel="C1", text="x")
    assert wrong_type.value.response["error"] == "not_allowed_token_type"
    with pytest.raises(SlackApiError) as bot_for_socket:
        await slack.web_client().apps_connections_open(app_token=slack.bot_token)
    assert bot_for_socket.value.response["error"] == "not_allowed_token_type"
    assert slack.messages == []


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found", "is_archived", "invalid_auth"])
async def test_injected_errors_per_channel_raise_slack_api_error(slack: FakeSlack, error: str) -> None:
    client = slack.web_client()
    slack.fail("chat.postMessage", error, channel="C0BAD", times=1)
    with pytest.raises(SlackApiError) as failed:
        await client.chat_postMessage(channel="C0BAD", text="x")
    assert failed.value.response["error"] == error
    assert failed.value.response.status_code == 200  # application errors are HTTP 200 with ok:false
    assert (await client.chat_postMessage(channel="C0OK", text="x"))["ok"]
    assert (await client.chat_postMessage(channel="C0BAD", text="x"))["ok"]  # times=1 used up
    assert [m.channel for m in slack.messages] == ["C0OK", "C0BAD"]


async def test_channel_state_drives_post_errors(slack: FakeSlack) -> None:
    client = slack.web_client()
    slack.add_channel("C0OLD", name="old", is_archived=True)
    slack.add_channel("C0OUT", name="out", is_member=False)
    for channel, error in (("C0OLD", "is_archived"), ("C0OUT", "not_in_channel")):
        with pytest.raises(SlackApiError) as failed:
            await client.chat_postMessage(channel=channel, text="x")
        assert failed.value.response["error"] == error
    with pytest.raises(SlackApiError) as empty, pytest.warns(UserWarning, match="text"):  # the SDK warns too
        await client.chat_postMessage(channel="C1", text="")
    assert empty.value.response["error"] == "no_text"


async def test_too_many_blocks_are_rejected_like_slack(slack: FakeSlack) -> None:
    client = slack.web_client()
    with pytest.raises(SlackApiError) as many:
        await client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "divider"}] * 51)
    assert many.value.response["error"] == "invalid_blocks"
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2900}}
    with pytest.raises(SlackApiError) as long:
        await client.chat_postMessage(channel="C1", text="x", blocks=[section] * 5)
    assert long.value.response["error"] == "msg_blocks_too_long"


async def test_conversations_members_paginates_with_cursors(slack: FakeSlack) -> None:
    members = [f"U{i:04d}" for i in range(250)]
    slack.add_channel("C0BIG", name="big", members=members)
    client = slack.web_client()
    seen: list[str] = []
    pages = 0
    async for page in await client.conversations_members(channel="C0BIG", limit=100):
        seen += page["members"]
        pages += 1
    assert seen == members
    assert pages == 3
    assert [c.params.get("cursor", "") != "" for c in slack.calls_to("conversations.members")] == [False, True, True]
    with pytest.raises(SlackApiError) as unknown:
        await client.conversations_members(channel="C0NOPE")
    assert unknown.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as bad_cursor:
        await client.conversations_members(channel="C0BIG", cursor="garbage!")
    assert bad_cursor.value.response["error"] == "invalid_cursor"


async def test_conversations_info_users_info_and_ephemeral(slack: FakeSlack) -> None:
    client = slack.web_client()
    slack.add_channel("G0SECRET", name="secret", is_private=True, members=["U0ALICE"])
    slack.add_user("U0ALICE", name="alice", real_name="Alice Liddell")
    info = await client.conversations_info(channel="G0SECRET")
    assert info["channel"]["is_private"] is True
    assert info["channel"]["is_member"] is True
    user = await client.users_info(user="U0ALICE")
    assert user["user"]["real_name"] == "Alice Liddell"
    with pytest.raises(SlackApiError) as missing:
        await client.users_info(user="U0NOBODY")
    assert missing.value.response["error"] == "user_not_found"
    ephemeral = await client.chat_postEphemeral(channel="G0SECRET", user="U0ALICE", text="only you")
    assert ephemeral["message_ts"]
    with pytest.raises(SlackApiError) as outsider:
        await client.chat_postEphemeral(channel="G0SECRET", user="U0BOB", text="only you")
    assert outsider.value.response["error"] == "user_not_in_channel"
    assert [e["user"] for e in slack.ephemerals] == ["U0ALICE"]


async def test_rate_limit_is_retried_by_the_sdk_handler(slack: FakeSlack) -> None:
    slack.rate_limit("chat.postMessage", times=1, retry_after=0)
    client = slack.web_client(retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])
    posted = await client.chat_postMessage(channel="C1", text="after the wait")
    assert posted["ok"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]
    assert [m.text for m in slack.messages] == ["after the wait"]  # exactly one message posted


async def test_rate_limit_without_handler_surfaces_retry_after(slack: FakeSlack) -> None:
    slack.rate_limit("chat.postMessage", times=1, retry_after=7)
    with pytest.raises(SlackApiError) as limited:
        await slack.web_client(retry_handlers=[]).chat_postMessage(channel="C1", text="x")
    assert limited.value.response.status_code == 429
    assert limited.value.response["error"] == "ratelimited"
    assert limited.value.response.headers["Retry-After"] == "7"
    assert slack.messages == []


async def test_server_errors_on_demand(slack: FakeSlack) -> None:
    slack.server_error("chat.postMessage", times=1, status=503)
    with pytest.raises(SlackApiError) as failed:
        await slack.web_client(retry_handlers=[]).chat_postMessage(channel="C1", text="x")
    assert failed.value.response.status_code == 503
    slack.server_error("chat.postMessage", times=1, status=500)
    client = slack.web_client(retry_handlers=[AsyncServerErrorRetryHandler(max_retry_count=1)])
    assert (await client.chat_postMessage(channel="C1", text="x"))["ok"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [503, 500, 200]


async def test_unknown_methods_answer_like_slack(slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as unknown:
        await slack.web_client().api_call("chat.doesNotExist")
    assert unknown.value.response["error"] == "unknown_method"


# --------------------------------------------------------------------------------------- response_url


async def test_response_url_posts_are_recorded(slack: FakeSlack) -> None:
    url = slack.new_response_url()
    response = await AsyncWebhookClient(url).send(text="results", response_type="ephemeral")
    assert response.status_code == 200
    [post] = await slack.wait_for_response_posts(url)
    assert post.body == {"text": "results", "response_type": "ephemeral"}
    stranger = await AsyncWebhookClient(f"{slack.base_url}/response/not-issued").send(text="x")
    assert stranger.status_code == 404


# ---------------------------------------------------------------------------------------- Socket Mode


async def test_socket_mode_hello_and_ack_round_trip(slack: FakeSlack) -> None:
    received: list[SocketModeRequest] = []
    raw_messages: list[dict] = []

    async def listener(client: SocketModeClient, request: SocketModeRequest) -> None:
        received.append(request)
        payload = {"text": "working on it"} if request.type == "slash_commands" else None
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id, payload=payload))

    async def on_message(message: aiohttp.WSMessage) -> None:
        raw_messages.append(json.loads(message.data))

    client = SocketModeClient(
        app_token=slack.app_token,
        web_client=AsyncWebClient(base_url=slack.api_url),
        on_message_listeners=[on_message],
        auto_reconnect_enabled=False,
    )
    client.socket_mode_request_listeners.append(listener)
    try:
        await client.connect()
        await slack.wait_for_socket()
        [open_call] = slack.calls_to("apps.connections.open")
        assert open_call.headers["Authorization"] == f"Bearer {slack.app_token}"

        body = event_callback(message_event("read ", LinkPart("https://example.com/a")))
        event_envelope = await slack.push_event(body)
        ack = await slack.wait_for_ack(event_envelope)
        assert ack.payload is None

        command_envelope = await slack.push_slash_command(slash_command_fields("rates in:#eng"))
        command_ack = await slack.wait_for_ack(command_envelope)
        assert command_ack.payload == {"text": "working on it"}

        action_envelope = await slack.push_interactive(block_actions_payload("brief_more_qa", "42"))
        await slack.wait_for_ack(action_envelope)
    finally:
        await client.close()

    assert raw_messages[0]["type"] == "hello"
    assert raw_messages[0]["connection_info"]["app_id"] == slack.app_id
    assert [(r.type, r.envelope_id) for r in received] == [
        ("events_api", event_envelope),
        ("slash_commands", command_envelope),
        ("interactive", action_envelope),
    ]
    assert received[0].payload == body
    assert received[0].retry_attempt == 0
    assert received[1].accepts_response_payload is True
    assert received[1].payload["text"] == "rates in:#eng"


async def test_push_without_a_client_is_an_error(slack: FakeSlack) -> None:
    with pytest.raises(RuntimeError, match="no Socket Mode client"):
        await slack.push_event(event_callback(message_event("x")))


async def test_waiting_for_something_that_never_comes_times_out() -> None:
    async with FakeSlack(wait_timeout=0.05) as slack:
        with pytest.raises(TimeoutError):
            await slack.wait_for_calls("chat.postMessage")
        with pytest.raises(TimeoutError):
            await slack.wait_for_ack("no-such-envelope")


# ------------------------------------------------------------------------------------------- signing


def verify(secret: str, body: str, headers: dict[str, str]) -> bool:
    return SignatureVerifier(secret).is_valid(
        body=body, timestamp=headers["X-Slack-Request-Timestamp"], signature=headers["X-Slack-Signature"]
    )


def test_signatures_are_accepted_by_slack_sdk() -> None:
    requests = [
        sign_event(SECRET, event_callback(message_event("read ", LinkPart("https://example.com/a?x=1&y=2")))),
        sign_event(SECRET, url_verification("challenge-123")),
        sign_form(SECRET, slash_command_fields("payload limits")),
        sign_interaction(SECRET, block_actions_payload("brief_more_results", "abc")),
    ]
    for request in requests:
        assert verify(SECRET, request.body, request.headers)
        assert request.bolt_headers()["x-slack-signature"] == [request.headers["X-Slack-Signature"]]
    assert requests[0].headers["Content-Type"] == "application/json"
    assert requests[2].headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(requests[2].body)["text"] == ["payload limits"]
    assert json.loads(parse_qs(requests[3].body)["payload"][0])["actions"][0]["value"] == "abc"


def test_bad_signatures_are_refused_by_slack_sdk() -> None:
    good = sign_event(SECRET, url_verification())
    assert not verify("another-secret", good.body, good.headers)
    assert not verify(SECRET, good.body.replace("url_verification", "url_verificatioN"), good.headers)
    stale = sign_event(SECRET, url_verification(), timestamp=int(time.time()) - 301)
    assert not verify(SECRET, stale.body, stale.headers)
    retry = sign_event(SECRET, url_verification(), retry_num=1, retry_reason="http_timeout")
    assert verify(SECRET, retry.body, retry.headers)
    assert retry.headers["X-Slack-Retry-Num"] == "1"


async def test_signed_request_reaches_a_server_byte_for_byte() -> None:
    """The signature covers the exact bytes: what a server receives still verifies."""
    seen: list[tuple[str, dict[str, str]]] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append((await request.text(), dict(request.headers)))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/slack/events", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        request = sign_form(SECRET, slash_command_fields("<https://example.com/a?b=1&c=2> & more"))
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"http://127.0.0.1:{port}/slack/events", data=request.body, headers=request.headers) as r,
        ):
            assert r.status == 200
    finally:
        await runner.cleanup()
    [(body, headers)] = seen
    assert verify(SECRET, body, headers)


async def test_harness_works_with_bolt_request_verification_and_self_event_filtering(slack: FakeSlack) -> None:
    """Bolt accepts slacksign's requests, authorises against the fake, and drops our echoes by its identity."""
    # process_before_response: listeners finish before async_dispatch returns, so no waiting is needed.
    app = AsyncApp(client=slack.web_client(), signing_secret=SECRET, process_before_response=True)
    seen: list[str] = []

    @app.event("message")
    async def on_message(event: dict) -> None:
        seen.append(event["text"])

    async def dispatch(event: dict, secret: str = SECRET) -> int:
        signed = sign_event(secret, event_callback(event))
        response = await app.async_dispatch(AsyncBoltRequest(body=signed.body, headers=signed.bolt_headers()))
        return response.status

    assert await dispatch(message_event("from a person")) == 200
    assert await dispatch(bot_echo_event("from us")) == 200  # acked, but no listener runs
    assert await dispatch(message_event("forged"), secret="wrong") == 401
    assert seen == ["from a person"]
    assert len(slack.calls_to("auth.test")) == 1  # authorised against the fake once, then cached
