"""A fake Slack for the test suite: a real aiohttp server on 127.0.0.1 speaking Slack's wire format.

Why a server and not mocks: the bot talks to Slack through slack_sdk's real `AsyncWebClient` and Socket Mode
client, so the tests exercise the same HTTP requests, JSON/form/query encodings, error handling, 429 retries
and WebSocket acks that production does (docs/slack.md §4, §6). Only Slack's side is imitated.

Use::

    async with FakeSlack() as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)  # trailing slash included
        slack.add_channel("C0ENG", name="eng", members=["U1", "U2"])
        slack.fail("chat.postMessage", "not_in_channel", channel="C0RANDOM")
        slack.rate_limit("chat.postMessage", times=1, retry_after=0)
        ...
        [call] = await slack.wait_for_calls("chat.postMessage")
        assert call.params["thread_ts"] == "1700000000.000100"

Tests run with `HTTPS_PROXY`/`HTTP_PROXY` cleared (an autouse fixture in conftest.py): slack_sdk picks them up and
ignores `NO_PROXY` (docs/slack.md §4.4).

Web API (`POST|GET {api_url}<method>`): the token comes from `Authorization: Bearer …` (or a `token`
parameter); query, form and JSON parameters are merged; every call is recorded as a `RecordedCall`. Methods:
`auth.test`, `chat.postMessage`, `chat.postEphemeral`, `chat.getPermalink`, `reactions.add`,
`reactions.remove`, `conversations.info`, `conversations.members` (cursor pagination), `users.info`,
`apps.connections.open` (app token only), and `conversations.replies` / `conversations.history` over the
bot's own posted messages (cursor pagination; the `metadata` a post carried is stored and returned with
`include_all_metadata`, as Slack does). Application errors are HTTP 200 with `{"ok": false, "error": …}`;
anything else answers `unknown_method`. Failures on demand: `fail` (ok:false, optionally for one channel
and a number of calls), `rate_limit` (HTTP 429 + `Retry-After`), `server_error` (HTTP 5xx, for a number of
calls or for a number of seconds); `clear_failures` takes them back. `delay` answers a call late after doing
what it asks (a post that reaches Slack but outlives the client's timeout). A bad token gets what Slack
answers: `not_authed` without one, `not_allowed_token_type` for the other kind of our tokens, `invalid_auth`
for anything else. `unreachable_api_url()` is a Web API URL where
nothing listens (connection refused), for a Slack that cannot be reached at all.

Many workspaces (OAuth): `add_workspace(team_id)` makes another workspace with its own bot token (the default
one above stays); `oauth_code(team_id)` issues the one-time code Slack's consent page would hand the browser,
which `oauth.v2.access` (authenticated with `client_id`/`client_secret`, HTTP Basic or form) trades for that
workspace's bot token; `revoke(team_id)` makes its token answer `token_revoked`. `auth.test` answers for the
workspace of the token; `add_channel(..., team_id=…)` puts a conversation in one workspace, and a call about it
with another workspace's token answers `channel_not_found`. `views.publish` (App Home) is recorded in `views`.

`response_url`s: `new_response_url()` issues one at `{base_url}/response/<id>`; POSTs to it are recorded
(`response_posts`, `wait_for_response_posts`).

Socket Mode: `apps.connections.open` returns `ws://127.0.0.1:PORT/link/?ticket=…`; on connect the fake sends
`hello`; `push_event`, `push_slash_command`, `push_interactive` (or `push_envelope`) send envelopes and return
their `envelope_id`; `wait_for_ack(envelope_id)` returns the client's ack (`SocketAck`, with its payload);
`drop_sockets()` closes every connection from Slack's side (a network cut or a Slack restart).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import WSCloseCode, WSMsgType, web
from slack_sdk.web.async_client import AsyncWebClient

JSON = dict[str, Any]

DEFAULT_SCOPES = (
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
    "chat:write",
    "reactions:write",
    "commands",
    "channels:read",
    "groups:read",
    "im:read",
    "mpim:read",
    "users:read",
)


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """One Web API request as the fake saw it, with what it answered."""

    method: str  # e.g. "chat.postMessage"
    http_method: str  # "GET" or "POST"
    params: JSON  # query, form and JSON parameters merged (form/query values are strings)
    headers: dict[str, str]
    token: str | None
    status: int  # HTTP status answered
    response: JSON  # JSON body answered
    at: float  # time.monotonic() when it arrived


@dataclass(frozen=True, slots=True)
class PostedMessage:
    """A message chat.postMessage accepted."""

    channel: str
    ts: str
    text: str | None
    blocks: list[JSON] | None
    thread_ts: str | None
    params: JSON
    metadata: JSON | None = None  # {"event_type", "event_payload"} when the post carried message metadata


@dataclass(frozen=True, slots=True)
class ResponseUrlPost:
    """A POST to an issued response_url."""

    response_id: str
    body: Any  # parsed JSON (or the raw text if it was not JSON)
    headers: dict[str, str]
    at: float


@dataclass(frozen=True, slots=True)
class SocketAck:
    """An acknowledgement the Socket Mode client sent back: `{"envelope_id": …, "payload"?: …}`."""

    envelope_id: str
    payload: JSON | None
    at: float


@dataclass
class _Rule:
    """An injected failure: applies to `method` (and `channel` if set) for `remaining` calls (None: all)."""

    method: str
    kind: Literal["error", "ratelimited", "server_error"]
    error: str = ""
    channel: str | None = None
    remaining: int | None = None
    status: int = 200
    retry_after: int = 1
    extra: JSON = field(default_factory=dict)
    until: float | None = None  # time.monotonic() after which the rule no longer applies

    def matches(self, method: str, params: Mapping[str, Any]) -> bool:
        if self.method != method or self.remaining == 0:
            return False
        if self.until is not None and time.monotonic() >= self.until:
            return False
        return self.channel is None or params.get("channel") == self.channel


@dataclass(frozen=True, slots=True)
class PublishedView:
    """A view views.publish accepted: for whom, the view JSON, and the token that published it."""

    user_id: str
    view: JSON
    token: str | None


@dataclass
class Workspace:
    """Another workspace the app is installed in (OAuth mode)."""

    team_id: str
    team_name: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    revoked: bool = False


@dataclass
class _Channel:
    id: str
    name: str
    is_private: bool
    is_archived: bool
    is_member: bool
    is_im: bool
    is_mpim: bool
    members: list[str]

    def as_json(self, team_id: str) -> JSON:
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not (self.is_private or self.is_im or self.is_mpim),
            "is_group": self.is_private and not self.is_mpim,
            "is_im": self.is_im,
            "is_mpim": self.is_mpim,
            "is_private": self.is_private or self.is_im or self.is_mpim,
            "is_archived": self.is_archived,
            "is_member": self.is_member,
            "is_general": False,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "context_team_id": team_id,
            "created": 1_600_000_000,
            "creator": "U0CREATOR",
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "num_members": len(self.members),
        }


class FakeSlack:
    """Slack's Web API, response_urls and Socket Mode on one local port. Use as `async with FakeSlack() as s`."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-fake-bot-token",  # noqa: S107 - a fake token for a fake server
        app_token: str = "xapp-1-fake-app-token",  # noqa: S107 - a fake token for a fake server
        team_id: str = "T0FAKETEAM",
        team_name: str = "Fake Team",
        team_domain: str = "fake-team",
        bot_user_id: str = "U0FAKEBOT",
        bot_id: str = "B0FAKEBOT",
        app_id: str = "A0FAKEAPP",
        bot_name: str = "linkbrief",
        scopes: Iterable[str] = DEFAULT_SCOPES,
        blocks_char_limit: int = 13_000,
        wait_timeout: float = 5.0,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.bot_name = bot_name
        self.scopes = tuple(scopes)
        self.blocks_char_limit = blocks_char_limit
        self.wait_timeout = wait_timeout  # how long the wait_for_* helpers wait before TimeoutError

        self.calls: list[RecordedCall] = []
        self.messages: list[PostedMessage] = []
        self.ephemerals: list[JSON] = []
        self.reactions: dict[tuple[str, str], set[str]] = {}
        self.response_posts: list[ResponseUrlPost] = []
        self.acks: list[SocketAck] = []
        self.views: list[PublishedView] = []
        self.client_id = "1111.2222"
        self.client_secret = "fake-client-secret"
        self._workspaces: dict[str, Workspace] = {}  # by bot token
        self._codes: dict[str, str] = {}  # one-time OAuth code -> bot token
        self._channel_teams: dict[str, str] = {}
        self._caller: str | None = None  # the token of the call being answered

        self._channels: dict[str, _Channel] = {}
        self._users: dict[str, JSON] = {}
        self._rules: list[_Rule] = []
        self._delays: list[list[Any]] = []  # [method, seconds, remaining or None]
        self._closing = asyncio.Event()
        self._response_ids: set[str] = set()
        self._tickets: set[str] = set()
        self._sockets: list[web.WebSocketResponse] = []
        self._hellos_sent = 0
        self._ts = itertools.count(100)
        self._ts_base = int(time.time())
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._port = 0

    # ------------------------------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{response_id}", self._response_url)
        app.router.add_get("/link/", self._socket)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._closing.set()
        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"fake slack shutting down")
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT` (no trailing slash)."""
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        """The Web API base URL for `AsyncWebClient(base_url=…)`, with the trailing slash the SDK joins on."""
        return f"{self.base_url}/api/"

    def web_client(self, token: str | None = None, **kwargs: Any) -> AsyncWebClient:
        """An `AsyncWebClient` pointed at this fake, with the bot token unless another is given."""
        return AsyncWebClient(token=token or self.bot_token, base_url=self.api_url, **kwargs)

    # -------------------------------------------------------------------------------- configuration

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        members: Iterable[str] = (),
        is_private: bool = False,
        is_archived: bool = False,
        is_member: bool = True,
        is_im: bool = False,
        is_mpim: bool = False,
        team_id: str | None = None,
    ) -> None:
        """Make a conversation known to conversations.info/.members; `is_member` is the bot's membership;
        `team_id` (many workspaces) the workspace it belongs to.

        Unknown channels still accept chat.postMessage (the fake is permissive there), but posting to a
        known channel the bot is not in answers `not_in_channel` (unless it is public and the scopes hold
        `chat:write.public`), and to an archived one `is_archived`.
        """
        self._channels[channel_id] = _Channel(
            id=channel_id,
            name=name or channel_id.lower(),
            is_private=is_private,
            is_archived=is_archived,
            is_member=is_member,
            is_im=is_im,
            is_mpim=is_mpim,
            members=list(members),
        )
        if team_id is not None:
            self._channel_teams[channel_id] = team_id

    # ------------------------------------------------------------------------------- many workspaces

    def add_workspace(self, team_id: str, *, team_name: str | None = None) -> Workspace:
        """Another workspace, with its own bot token, bot user and bot id."""
        workspace = Workspace(
            team_id=team_id,
            team_name=team_name or f"Team {team_id}",
            bot_token=f"xoxb-{team_id.lower()}-{uuid.uuid4().hex[:12]}",
            bot_user_id=f"U{team_id[1:]}BOT",
            bot_id=f"B{team_id[1:]}BOT",
        )
        self._workspaces[workspace.bot_token] = workspace
        return workspace

    def workspace(self, team_id: str) -> Workspace:
        return next(w for w in self._workspaces.values() if w.team_id == team_id)

    def oauth_code(self, team_id: str) -> str:
        """The one-time code Slack gives the browser after someone of `team_id` approved the install."""
        code = f"code-{uuid.uuid4().hex}"
        self._codes[code] = self.workspace(team_id).bot_token
        return code

    def revoke(self, team_id: str) -> None:
        """The workspace uninstalled the app: its token answers token_revoked from now on."""
        self.workspace(team_id).revoked = True

    def _caller_team(self) -> str:
        workspace = self._workspaces.get(self._caller or "")
        return workspace.team_id if workspace is not None else self.team_id

    def _oauth_v2_access(self, params: JSON, authorization: str | None) -> JSON:
        client_id, client_secret = params.get("client_id"), params.get("client_secret")
        if authorization and authorization.lower().startswith("basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, client_secret = decoded.partition(":")
        if client_id != self.client_id or client_secret != self.client_secret:
            return {"ok": False, "error": "invalid_client_id" if client_id != self.client_id else "bad_client_secret"}
        token = self._codes.pop(str(params.get("code") or ""), None)
        if token is None:
            return {"ok": False, "error": "invalid_code"}
        workspace = self._workspaces[token]
        return {
            "ok": True,
            "app_id": self.app_id,
            "authed_user": {"id": "U0INSTALLER"},
            "scope": ",".join(self.scopes),
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": workspace.bot_user_id,
            "team": {"id": workspace.team_id, "name": workspace.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _views_publish(self, params: JSON) -> JSON:
        view = params.get("view")
        if isinstance(view, str):
            try:
                view = json.loads(view)
            except ValueError:
                return {"ok": False, "error": "invalid_arguments"}
        user_id = params.get("user_id")
        if not user_id or not isinstance(view, dict) or view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments"}
        blocks = view.get("blocks")
        if not isinstance(blocks, list) or len(blocks) > 100:
            return {"ok": False, "error": "invalid_blocks"}
        self.views.append(PublishedView(str(user_id), view, self._caller))
        return {"ok": True, "view": {"id": f"V{len(self.views):08d}", "type": "home", **view}}

    def set_members(self, channel_id: str, members: Iterable[str]) -> None:
        """Replace a known channel's member list."""
        self._channels[channel_id].members = list(members)

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
        tz: str = "Europe/London",
    ) -> None:
        """Make a user known to users.info."""
        real = real_name or name
        self._users[user_id] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": deleted,
            "real_name": real,
            "tz": tz,
            "is_bot": is_bot,
            "is_app_user": False,
            "profile": {"real_name": real, "display_name": name, "display_name_normalized": name},
        }

    def fail(
        self,
        method: str,
        error: str,
        *,
        channel: str | None = None,
        times: int | None = None,
        **extra: Any,
    ) -> None:
        """Answer `method` with `{"ok": false, "error": error, **extra}` (HTTP 200), like Slack.

        Only for calls whose `channel` parameter is `channel` when given; for the next `times` matching
        calls, or all of them when `times` is None. E.g. `fail("chat.postMessage", "is_archived",
        channel="C1")`, `fail("auth.test", "invalid_auth")`, `fail("users.info", "missing_scope",
        needed="users:read", provided="chat:write")`.
        """
        self._rules.append(
            _Rule(method=method, kind="error", error=error, channel=channel, remaining=times, extra=extra)
        )

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 1, channel: str | None = None) -> None:
        """Answer the next `times` calls to `method` with HTTP 429, `Retry-After: retry_after`, `ratelimited`."""
        self._rules.append(
            _Rule(
                method=method,
                kind="ratelimited",
                channel=channel,
                remaining=times,
                status=429,
                retry_after=retry_after,
            )
        )

    def server_error(
        self, method: str, *, times: int | None = 1, status: int = 500, for_seconds: float | None = None
    ) -> None:
        """Answer the next `times` calls to `method` with HTTP `status` (5xx); with `for_seconds`, every call
        for that long from now (a Slack outage), `times` then being None."""
        until = None if for_seconds is None else time.monotonic() + for_seconds
        remaining = None if for_seconds is not None else times
        self._rules.append(_Rule(method=method, kind="server_error", remaining=remaining, status=status, until=until))

    def delay(self, method: str, seconds: float, *, times: int | None = 1) -> None:
        """Do what the next `times` calls to `method` ask (a post is recorded at once) but answer them only
        after `seconds`: a request that reaches Slack and outlives the client's timeout."""
        self._delays.append([method, seconds, times])

    def clear_failures(self, method: str | None = None) -> None:
        """Take back the injected failures (`fail`, `rate_limit`, `server_error`) of `method`, or all of them."""
        self._rules = [rule for rule in self._rules if method is not None and rule.method != method]

    def clear_delays(self) -> None:
        """Take back every `delay`: calls are answered at once again."""
        self._delays.clear()

    def new_response_url(self) -> str:
        """Issue a response_url (as Slack puts in slash command and interaction payloads) served here."""
        response_id = uuid.uuid4().hex
        self._response_ids.add(response_id)
        return f"{self.base_url}/response/{response_id}"

    # ----------------------------------------------------------------------------------- inspection

    def calls_to(self, method: str) -> list[RecordedCall]:
        """The recorded calls to one Web API method, in order."""
        return [c for c in self.calls if c.method == method]

    async def wait_for_calls(self, method: str, count: int = 1) -> list[RecordedCall]:
        """Wait until at least `count` calls to `method` have been recorded; return them all.

        Needed because Bolt listeners run after the ack, so the call arrives some time after the event.
        """
        await self._wait_until(lambda: len(self.calls_to(method)) >= count)
        return self.calls_to(method)

    async def wait_for_response_posts(self, response_url: str, count: int = 1) -> list[ResponseUrlPost]:
        """Wait until `response_url` has received at least `count` POSTs; return them."""
        response_id = response_url.rstrip("/").rsplit("/", 1)[-1]

        def posts() -> list[ResponseUrlPost]:
            return [p for p in self.response_posts if p.response_id == response_id]

        await self._wait_until(lambda: len(posts()) >= count)
        return posts()

    # ---------------------------------------------------------------------------------- socket mode

    @property
    def socket_connections(self) -> int:
        """Open Socket Mode connections."""
        return sum(1 for ws in self._sockets if not ws.closed)

    async def wait_for_socket(self) -> None:
        """Wait until a Socket Mode client is connected and has been sent `hello`."""
        await self._wait_until(lambda: self._hellos_sent > 0 and self.socket_connections > 0)

    async def push_envelope(
        self,
        envelope_type: Literal["events_api", "slash_commands", "interactive"],
        payload: JSON,
        *,
        envelope_id: str | None = None,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> str:
        """Send an envelope on the most recent open connection; return its envelope_id."""
        open_sockets = [ws for ws in self._sockets if not ws.closed]
        if not open_sockets:
            raise RuntimeError("no Socket Mode client is connected")
        envelope_id = envelope_id or str(uuid.uuid4())
        if accepts_response_payload is None:
            accepts_response_payload = envelope_type == "slash_commands" or payload.get("type") in (
                "view_submission",
                "block_suggestion",
            )
        envelope: JSON = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": envelope_type,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            envelope |= {"retry_attempt": retry_attempt, "retry_reason": retry_reason}
        await open_sockets[-1].send_str(json.dumps(envelope))
        return envelope_id

    async def push_event(self, event_callback: JSON, **kwargs: Any) -> str:
        """Send an Events API body (`{"type": "event_callback", "event": …}`) as an `events_api` envelope."""
        return await self.push_envelope("events_api", event_callback, **kwargs)

    async def push_slash_command(self, fields: Mapping[str, str], **kwargs: Any) -> str:
        """Send slash command fields (see slacksign.slash_command_fields) as a `slash_commands` envelope."""
        return await self.push_envelope("slash_commands", dict(fields), **kwargs)

    async def push_interactive(self, payload: JSON, **kwargs: Any) -> str:
        """Send an interaction payload (e.g. block_actions) as an `interactive` envelope."""
        return await self.push_envelope("interactive", payload, **kwargs)

    async def wait_for_ack(self, envelope_id: str) -> SocketAck:
        """Wait for the client's ack of one envelope."""

        def found() -> SocketAck | None:
            return next((a for a in self.acks if a.envelope_id == envelope_id), None)

        await self._wait_until(lambda: found() is not None)
        ack = found()
        assert ack is not None
        return ack

    async def drop_sockets(self) -> None:
        """Close every Socket Mode connection from Slack's side; the client has to reconnect on its own."""
        for ws in [w for w in self._sockets if not w.closed]:
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"connection dropped")

    async def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the connected clients to reconnect, as Slack does before it rotates a connection."""
        for ws in [w for w in self._sockets if not w.closed]:
            await ws.send_str(json.dumps({"type": "disconnect", "reason": reason, "debug_info": {}}))

    # ------------------------------------------------------------------------------------- handlers

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _request_params(request)
        token = _bearer(request.headers.get("Authorization")) or params.pop("token", None)
        if method == "oauth.v2.access":  # authenticated by the app's client id and secret, not a token
            status, body, headers = 200, self._oauth_v2_access(params, request.headers.get("Authorization")), {}
        else:
            status, body, headers = self._answer(method, params, token)
        self.calls.append(
            RecordedCall(
                method=method,
                http_method=request.method,
                params=params,
                headers=dict(request.headers),
                token=token,
                status=status,
                response=body,
                at=time.monotonic(),
            )
        )
        await self._notify()
        wait = self._delay_for(method)
        if wait:
            with contextlib.suppress(TimeoutError):  # the fake shutting down answers at once
                await asyncio.wait_for(self._closing.wait(), wait)
        return web.json_response(body, status=status, headers=headers)

    def _delay_for(self, method: str) -> float:
        for rule in self._delays:
            if rule[0] == method and rule[2] != 0:
                rule[2] = None if rule[2] is None else rule[2] - 1
                return float(rule[1])
        return 0.0

    def _answer(self, method: str, params: JSON, token: str | None) -> tuple[int, JSON, dict[str, str]]:
        """(HTTP status, JSON body, extra headers) for one call: injected HTTP failures, auth, rules, method."""
        for rule in self._rules:
            if rule.kind != "error" and rule.matches(method, params):
                rule.remaining = None if rule.remaining is None else rule.remaining - 1
                if rule.kind == "ratelimited":
                    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(rule.retry_after)}
                return rule.status, {"ok": False, "error": "internal_error"}, {}
        auth_error = self._auth_error(method, token)
        if auth_error:
            return 200, {"ok": False, "error": auth_error}, {}
        for rule in self._rules:
            if rule.kind == "error" and rule.matches(method, params):
                rule.remaining = None if rule.remaining is None else rule.remaining - 1
                return 200, {"ok": False, "error": rule.error, **rule.extra}, {}
        handler = self._handlers().get(method)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method"}, {}
        self._caller = token
        channel_team = self._channel_teams.get(str(params.get("channel") or ""))
        if channel_team is not None and channel_team != self._caller_team():
            return 200, {"ok": False, "error": "channel_not_found"}, {}
        body = handler(params)
        headers = {"x-oauth-scopes": ",".join(self.scopes)} if method == "auth.test" else {}
        return 200, body, headers

    def _auth_error(self, method: str, token: str | None) -> str | None:
        if not token:
            return "not_authed"
        workspace = self._workspaces.get(token)
        if workspace is not None:
            if workspace.revoked:
                return "token_revoked"
            return "not_allowed_token_type" if method == "apps.connections.open" else None
        wanted, other = (
            (self.app_token, self.bot_token) if method == "apps.connections.open" else (self.bot_token, self.app_token)
        )
        if token == wanted:
            return None
        return "not_allowed_token_type" if token == other else "invalid_auth"

    def _handlers(self) -> dict[str, Callable[[JSON], JSON]]:
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.getPermalink": self._get_permalink,
            "reactions.add": self._reactions_add,
            "reactions.remove": self._reactions_remove,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.replies": self._conversations_replies,
            "conversations.history": self._conversations_history,
            "users.info": self._users_info,
            "apps.connections.open": self._connections_open,
            "views.publish": self._views_publish,
        }

    def _auth_test(self, params: JSON) -> JSON:
        workspace = self._workspaces.get(self._caller or "")
        if workspace is not None:
            return {
                "ok": True,
                "url": f"https://{workspace.team_id.lower()}.slack.com/",
                "team": workspace.team_name,
                "user": self.bot_name,
                "team_id": workspace.team_id,
                "user_id": workspace.bot_user_id,
                "bot_id": workspace.bot_id,
                "is_enterprise_install": False,
            }
        return {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _post_message(self, params: JSON) -> JSON:
        channel = params.get("channel")
        error = self._channel_post_error(channel)
        if error:
            return {"ok": False, "error": error}
        blocks = params.get("blocks")
        if isinstance(blocks, str):  # form-encoded callers send blocks as a JSON string
            try:
                blocks = json.loads(blocks)
            except ValueError:
                return {"ok": False, "error": "invalid_blocks"}
        if blocks is not None and (not isinstance(blocks, list) or len(blocks) > 50):
            return {"ok": False, "error": "invalid_blocks"}
        if blocks and len(json.dumps(blocks, ensure_ascii=False)) > self.blocks_char_limit:
            return {"ok": False, "error": "msg_blocks_too_long"}
        text = params.get("text")
        if not text and not blocks and not params.get("attachments"):
            return {"ok": False, "error": "no_text"}
        ts = self._next_ts()
        thread_ts = params.get("thread_ts") or None
        message: JSON = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "text": text or "",
            "ts": ts,
            "team": self.team_id,
            "bot_profile": {
                "id": self.bot_id,
                "app_id": self.app_id,
                "name": self.bot_name,
                "deleted": False,
                "team_id": self.team_id,
            },
        }
        metadata = params.get("metadata")
        if isinstance(metadata, str):  # form-encoded callers send it as a JSON string
            try:
                metadata = json.loads(metadata)
            except ValueError:
                return {"ok": False, "error": "invalid_metadata_format"}
        if metadata is not None and not (isinstance(metadata, dict) and metadata.get("event_type")):
            return {"ok": False, "error": "invalid_metadata_format"}
        if blocks:
            message["blocks"] = blocks
        if thread_ts:
            message |= {"thread_ts": thread_ts, "parent_user_id": params.get("parent_user_id", "")}
        self.messages.append(PostedMessage(channel, ts, text, blocks, thread_ts, dict(params), metadata))
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _message_json(self, posted: PostedMessage, *, with_metadata: bool) -> JSON:
        """A stored message as conversations.replies / .history return it."""
        message: JSON = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "text": posted.text or "",
            "ts": posted.ts,
        }
        if posted.thread_ts:
            message["thread_ts"] = posted.thread_ts
        if with_metadata and posted.metadata is not None:
            message["metadata"] = posted.metadata
        return message

    def _page(self, params: JSON, found: list[PostedMessage]) -> JSON:
        try:
            limit = max(1, min(1000, int(params.get("limit") or 100)))
            start = _decode_cursor(params.get("cursor") or "")
        except ValueError:
            return {"ok": False, "error": "invalid_cursor"}
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        page = [self._message_json(m, with_metadata=with_metadata) for m in found[start : start + limit]]
        more = start + limit < len(found)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": _encode_cursor(start + limit) if more else ""},
        }

    def _conversations_replies(self, params: JSON) -> JSON:
        """The bot's messages in one thread (the fake keeps no people's messages), oldest first; message
        metadata only with `include_all_metadata`."""
        channel, ts = params.get("channel"), params.get("ts")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not ts:
            return {"ok": False, "error": "thread_not_found"}
        found = [m for m in self.messages if m.channel == channel and (m.thread_ts == ts or m.ts == ts)]
        return self._page(params, sorted(found, key=lambda m: float(m.ts)))

    def _conversations_history(self, params: JSON) -> JSON:
        """The bot's top-level messages in a conversation after `oldest`, newest first."""
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        oldest = float(params.get("oldest") or 0)
        found = [
            m
            for m in self.messages
            if m.channel == channel and float(m.ts) > oldest and (m.thread_ts is None or m.thread_ts == m.ts)
        ]
        return self._page(params, sorted(found, key=lambda m: float(m.ts), reverse=True))

    def _post_ephemeral(self, params: JSON) -> JSON:
        channel = params.get("channel")
        error = self._channel_post_error(channel)
        if error:
            return {"ok": False, "error": error}
        user = params.get("user")
        known = self._channels.get(channel or "")
        if not user:
            return {"ok": False, "error": "user_not_found"}
        if known is not None and known.members and user not in known.members:
            return {"ok": False, "error": "user_not_in_channel"}
        if not params.get("text") and not params.get("blocks"):
            return {"ok": False, "error": "no_text"}
        self.ephemerals.append(dict(params))
        return {"ok": True, "message_ts": self._next_ts()}

    def _get_permalink(self, params: JSON) -> JSON:
        channel, ts = params.get("channel"), params.get("message_ts")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not ts:
            return {"ok": False, "error": "message_not_found"}
        link = f"https://{self.team_domain}.slack.com/archives/{channel}/p{str(ts).replace('.', '')}"
        posted = next((m for m in self.messages if m.channel == channel and m.ts == ts), None)
        if posted is not None and posted.thread_ts and posted.thread_ts != ts:
            link += f"?thread_ts={posted.thread_ts}&cid={channel}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _reactions_add(self, params: JSON) -> JSON:
        key, name = (params.get("channel", ""), params.get("timestamp", "")), params.get("name")
        if not all(key) or not name:
            return {"ok": False, "error": "invalid_arguments"}
        names = self.reactions.setdefault(key, set())
        if name in names:
            return {"ok": False, "error": "already_reacted"}
        names.add(name)
        return {"ok": True}

    def _reactions_remove(self, params: JSON) -> JSON:
        key, name = (params.get("channel", ""), params.get("timestamp", "")), params.get("name")
        names = self.reactions.get(key, set())
        if name not in names:
            return {"ok": False, "error": "no_reaction"}
        names.discard(name)
        return {"ok": True}

    def _conversations_info(self, params: JSON) -> JSON:
        channel = self._channels.get(params.get("channel") or "")
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": channel.as_json(self.team_id)}

    def _conversations_members(self, params: JSON) -> JSON:
        channel = self._channels.get(params.get("channel") or "")
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        try:
            limit = max(1, min(1000, int(params.get("limit") or 100)))
            start = _decode_cursor(params.get("cursor") or "")
        except ValueError:
            return {"ok": False, "error": "invalid_cursor"}
        page = channel.members[start : start + limit]
        more = start + limit < len(channel.members)
        next_cursor = _encode_cursor(start + limit) if more else ""
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}

    def _users_info(self, params: JSON) -> JSON:
        user = self._users.get(params.get("user") or "")
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _connections_open(self, params: JSON) -> JSON:
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        url = f"ws://127.0.0.1:{self._port}/link/?ticket={ticket}&app_id={self.app_id}"
        return {"ok": True, "url": url}

    def _channel_post_error(self, channel: str | None) -> str | None:
        if not channel:
            return "channel_not_found"
        known = self._channels.get(channel)
        if known is None:
            return None
        if known.is_archived:
            return "is_archived"
        public = not (known.is_private or known.is_im or known.is_mpim)
        if not known.is_member and not (public and "chat:write.public" in self.scopes):
            return "not_in_channel"  # chat:write.public lets an app post in public channels it is not in
        return None

    async def _response_url(self, request: web.Request) -> web.Response:
        response_id = request.match_info["response_id"]
        if response_id not in self._response_ids:
            return web.Response(status=404, text="no_such_response_url")
        raw = await request.text()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw
        self.response_posts.append(ResponseUrlPost(response_id, body, dict(request.headers), time.monotonic()))
        await self._notify()
        return web.json_response({"ok": True})

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("ticket") not in self._tickets:
            return web.Response(status=401, text="invalid ticket")
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        hello = {
            "type": "hello",
            "num_connections": self.socket_connections,
            "debug_info": {"host": "fakeslack", "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id},
        }
        await ws.send_str(json.dumps(hello))
        self._hellos_sent += 1
        await self._notify()
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(msg.data)
                except ValueError:
                    continue
                if isinstance(data, dict) and "envelope_id" in data:
                    payload = data.get("payload")
                    self.acks.append(SocketAck(data["envelope_id"], payload, time.monotonic()))
                    await self._notify()
        finally:
            await self._notify()
        return ws

    # ---------------------------------------------------------------------------------------- misc

    def _next_ts(self) -> str:
        return f"{self._ts_base}.{next(self._ts):06d}"

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _wait_until(self, condition: Callable[[], bool]) -> None:
        """Wait for `condition`, re-checked on every recorded call, ack or connection; TimeoutError after
        `wait_timeout` seconds, so a test that waits for something that never comes fails instead of hanging."""
        async with asyncio.timeout(self.wait_timeout), self._changed:
            await self._changed.wait_for(condition)


async def _request_params(request: web.Request) -> JSON:
    """Query, form and JSON parameters merged, as Slack accepts them in any of the three."""
    params: JSON = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params |= body
    else:
        form = await request.post()
        params |= {k: v for k, v in form.items() if isinstance(v, str)}
    return params


def _bearer(header: str | None) -> str | None:
    if header and header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("invalid cursor") from exc
    if kind != "offset" or not value.isdigit():
        raise ValueError("invalid cursor")
    return int(value)


def unreachable_api_url() -> str:
    """A Web API base URL on 127.0.0.1 where nothing listens: every call is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/"
