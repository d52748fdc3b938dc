"""The Bolt `AsyncApp`: which Slack request goes to which part, and what Slack gets back.

`process_before_response=True` is deliberate: with Bolt's default, an event is acknowledged *before* its
listener runs, so a crash between the ack and the database write would lose the link for good. Here the
message listener stores the share rows and only then lets Bolt answer (HTTP 200, or the Socket Mode ack); if
the write fails the request gets a 5xx (no ack in Socket Mode) and Slack delivers the event again: 503 when
the database is away, one log line (`bot.slack.authorize.on_error`), 500 with the traceback for anything else.

The same setting means a listener's *whole* run delays the answer, so everything slow (search, summarising
on demand, posting) runs in background tasks (`Background`) started after `ack()`; the listeners themselves
only parse, store and acknowledge. Bolt's lazy listeners are not used: they re-parse the raw body, which
loses slash-command fields whose text contains "payload" (see `server.repair_form_body`).

Every event gets a 2xx: message events go to intake, events saying a conversation became private (or public)
to `Visibility.follow` (stored before the ack, like shares), every other event type to a listener that only
acknowledges, and notices without an inner event (`app_rate_limited`) are answered by a middleware. Bolt
would answer 404 to anything unmatched, and Slack retries those.

Button clicks pass only who clicked, where, and the button's value to `BriefCommands`, which checks the value
against what the bot offered (see `bot.slack.commands`); a click whose user or channel is not shaped like a
Slack id is answered "expired" without looking further.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped, warning_token_skipped
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import get_logger
from bot.slack.ask import ArchiveQuestions, parse_ask, parse_asked
from bot.slack.authorize import SingleTeamAuthorize, on_error
from bot.slack.commands import BriefCommands, expired, notice, parse_brief
from bot.slack.digests import BadDigestRequest, Digests, digest_note, parse_digest_command
from bot.slack.followups import FollowUps, parse_followups_command
from bot.slack.home import Home, register_home
from bot.slack.intake import Intake
from bot.slack.links import is_slack_id
from bot.slack.permissions import privacy_change
from bot.slack.render import (
    ACTION_MORE_QA,
    ACTION_MORE_RESULTS,
    ACTION_POST_SUMMARY,
    SlackMessage,
    parse_more_results_value,
    render_help,
)

log = get_logger(__name__)

BRIEF_COMMAND = "/brief"
# Events by which Slack says a conversation's privacy changed (the message subtypes arrive as `message`).
PRIVACY_EVENTS = re.compile(r"^(?:channel_converted_to_private|channel_shared|group_[a-z_]+)$")
# How long a /brief search may take and still be the ack's own answer; slower ones are sent via response_url.
SEARCH_ACK_BUDGET = 2.0
READING_NOTICE = "Reading the link… the summary will appear here in a moment."


class Background:
    """Tasks started by listeners after their ack; tracked so shutdown can wait for or cancel them."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background_task_failed", task=task.get_name(), exc_info=task.exception())

    async def close(self, grace: float) -> None:
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(set(self._tasks), timeout=grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


@dataclass(frozen=True, slots=True)
class AppParts:
    """What the listeners call into."""

    client: AsyncWebClient
    intake: Intake
    commands: BriefCommands
    background: Background
    followups: FollowUps | None = None  # follow-up questions in summary threads (bot.slack.followups)
    ask: ArchiveQuestions | None = None  # `/brief ask <question>` (bot.slack.ask)
    digests: Digests | None = None  # `/brief digest …` (bot.slack.digests)


def build_app(parts: AppParts, *, signing_secret: str | None, verify_requests: bool, **bolt_options: Any) -> AsyncApp:
    """The Bolt app with every listener registered. `verify_requests=False` only for Socket Mode, where
    requests come over the authenticated WebSocket and carry no signature. `bolt_options` go to `AsyncApp`
    (many workspaces: the OAuth flow, installation store and authorize of `bot.slack.oauth`)."""
    app = AsyncApp(
        name="linkbrief",
        logger=_bolt_logger(),
        client=parts.client,
        signing_secret=signing_secret,
        process_before_response=True,
        request_verification_enabled=verify_requests,
        **_with_authorize(parts.client, bolt_options),
    )
    app.error(on_error)  # infrastructure away: 503 and one log line (bot.slack.authorize)
    app.middleware(_answer_notices)
    register_home(  # before the catch-all listeners below
        app, Home(parts.commands, followups=parts.followups, digests=parts.digests), parts.background
    )
    _register_events(app, parts)
    _register_command(app, parts)
    _register_actions(app, parts)
    return app


def _with_authorize(client: AsyncWebClient, bolt_options: dict[str, Any]) -> dict[str, Any]:
    """One workspace: our `SingleTeamAuthorize` instead of Bolt's, which acknowledges a request it could not
    authorize because Slack failed (see bot.slack.authorize). Many workspaces bring their own."""
    if {"authorize", "installation_store", "oauth_settings", "oauth_flow"} & bolt_options.keys():
        return bolt_options
    return {**bolt_options, "authorize": SingleTeamAuthorize(client)}


class _DropMessages(logging.Filter):
    """Drops the log records whose message is exactly one of `messages`."""

    def __init__(self, messages: frozenset[str]) -> None:
        super().__init__()
        self.messages = messages

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() not in self.messages


def _bolt_logger() -> logging.Logger:
    """Bolt's logger without its warnings that the token will be unused.

    Bolt reads SLACK_BOT_TOKEN from the environment even when it is given a client (and an `authorize`), and
    warns on every start that the token is unused in favour of them ("As you gave `client` as well…", "As
    `installation_store` or `authorize` has been used…"). The client and `SingleTeamAuthorize` hold that same
    token (with our API URL, timeout and retry handlers), so the warnings say nothing an operator can act on.
    With many workspaces SLACK_BOT_TOKEN must be unset, so Bolt has no token to warn about.
    """
    logger = logging.getLogger("slack_bolt.AsyncApp")
    skipped = frozenset({warning_client_prioritized_and_token_skipped(), warning_token_skipped()})
    if not any(isinstance(f, _DropMessages) and f.messages == skipped for f in logger.filters):
        logger.addFilter(_DropMessages(skipped))
    return logger


async def _answer_notices(body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> BoltResponse | None:
    """Events API notices that are not event callbacks: log them and answer 200 (no listener matches them)."""
    if body.get("type") == "app_rate_limited":
        log.warning("slack_rate_limited_events", minute=body.get("minute_rate_limited"))
        return BoltResponse(status=200, body="")
    await next()
    return None


def _register_events(app: AsyncApp, parts: AppParts) -> None:
    @app.event("message")
    async def on_message(body: dict[str, Any], context: AsyncBoltContext) -> None:
        # Stored before Bolt acknowledges (process_before_response): see the module doc.
        change = privacy_change(body)  # "made this channel private" arrives as a message subtype
        if change is not None:
            await parts.commands.visibility.follow(change)
        await parts.intake.message_event(body, bot_user_id=context.bot_user_id, bot_id=context.bot_id)
        await _follow_up(body, context)

    @app.event("app_mention")
    async def on_mention(body: dict[str, Any], context: AsyncBoltContext) -> None:
        # The same message also arrives as a `message` event: the question's claim makes one answer of both.
        await _follow_up(body, context)

    async def _follow_up(body: dict[str, Any], context: AsyncBoltContext) -> None:
        """Claim a follow-up question before the ack; answer it after (a model may take longer than Slack waits)."""
        if parts.followups is None:
            return
        claim = await parts.followups.receive(body, bot_user_id=context.bot_user_id, bot_id=context.bot_id)
        if claim is not None:
            parts.background.spawn(parts.followups.answer(claim), name="followup-answer")

    @app.event(PRIVACY_EVENTS)
    async def on_privacy_event(body: dict[str, Any]) -> None:
        change = privacy_change(body)
        if change is not None:
            await parts.commands.visibility.follow(change)

    @app.event(re.compile(r".*"))
    async def on_other_event() -> None:
        """Any other subscribed event: acknowledged (Bolt would answer 404 and Slack would retry)."""


def _register_command(app: AsyncApp, parts: AppParts) -> None:
    @app.command(BRIEF_COMMAND)
    async def on_brief(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        text = str(command.get("text") or "")
        user_id = str(command.get("user_id") or "")
        channel_id = str(command.get("channel_id") or "")
        followups_choice = parse_followups_command(text)
        question = parse_ask(text)
        if followups_choice is not None and parts.followups is not None:
            setting = parts.followups.command(followups_choice, user_id=user_id, channel_id=channel_id)
            await _ack_or_respond(ack, respond, parts, setting, name="brief-followups")
            return
        try:
            digest_request = parse_digest_command(text)
        except BadDigestRequest as refused:
            await _ack_with(ack, digest_note(str(refused)))
            return
        if digest_request is not None and parts.digests is not None:
            setting = parts.digests.command(
                digest_request,
                membership=parts.commands.visibility.membership,
                user_id=user_id,
                channel_id=channel_id,
                team_id=str(command.get("team_id") or ""),
            )
            await _ack_or_respond(ack, respond, parts, setting, name="brief-digest")
            return
        asked_words = parse_asked(text)
        if asked_words is not None and parts.ask is not None:
            if not is_slack_id(user_id):
                await _ack_with(ack, notice("This command did not come from a Slack conversation I can answer in."))
                return
            mine = parts.ask.asked(asked_words, user_id=user_id, team_id=str(command.get("team_id") or ""))
            await _ack_or_respond(ack, respond, parts, mine, name="brief-asked")
            return
        if question is not None and parts.ask is not None:
            if not (is_slack_id(user_id) and is_slack_id(channel_id)):
                await _ack_with(ack, notice("This command did not come from a Slack conversation I can answer in."))
                return
            answer = parts.ask.ask(
                question, user_id=user_id, channel_id=channel_id, team_id=str(command.get("team_id") or "")
            )
            await _ack_or_respond(ack, respond, parts, answer, name="brief-ask")
            return
        request = parse_brief(text)
        if request.kind == "help":
            await _ack_with(ack, render_help())
        elif request.problems:
            await _ack_with(ack, notice(*request.problems, "Try `/brief help` for the filters."))
        elif request.kind == "summarize" and request.url is not None:
            if not (is_slack_id(user_id) and is_slack_id(channel_id)):
                await _ack_with(ack, notice("This command did not come from a Slack conversation I can answer in."))
                return
            await ack(text=READING_NOTICE, response_type="ephemeral")
            summary = parts.commands.summarize(request.url, user_id=user_id, channel_id=channel_id)
            parts.background.spawn(_respond_with(respond, summary), name="brief-summarize")
        else:
            search = asyncio.ensure_future(parts.commands.search(user_id, text))
            done, _ = await asyncio.wait({search}, timeout=SEARCH_ACK_BUDGET)
            if done and search.exception() is None:
                await _ack_with(ack, search.result())
                return
            await ack()
            parts.background.spawn(_respond_with(respond, search), name="brief-search")


def _register_actions(app: AsyncApp, parts: AppParts) -> None:
    @app.action(ACTION_MORE_QA)
    async def on_more_questions(
        ack: AsyncAck, action: dict[str, Any], body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        click = _Click.of(action, body)
        answer = (
            parts.commands.more_questions(click.value, user_id=click.user_id, channel_id=click.channel_id)
            if click.well_formed
            else _ready(expired())
        )
        parts.background.spawn(_respond_with(respond, answer, replace_original=False), name="brief-more-questions")

    @app.action(ACTION_MORE_RESULTS)
    async def on_more_results(
        ack: AsyncAck, action: dict[str, Any], body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        click = _Click.of(action, body)
        try:
            query, offset = parse_more_results_value(click.value)
        except ValueError:
            answer, replace = _ready(expired()), False
        else:  # the offset is range-checked by the search, which answers out-of-range pages itself
            answer, replace = parts.commands.search(click.user_id, query, offset=offset), True
        parts.background.spawn(_respond_with(respond, answer, replace_original=replace), name="brief-more-results")

    @app.action(ACTION_POST_SUMMARY)
    async def on_post_summary(
        ack: AsyncAck, action: dict[str, Any], body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        click = _Click.of(action, body)
        team = str((body.get("team") or {}).get("id") or "")
        team_id = team if is_slack_id(team) else ""

        async def post() -> None:
            problem = (
                await parts.commands.post_in_channel(
                    click.value, channel_id=click.channel_id, user_id=click.user_id, team_id=team_id
                )
                if click.well_formed
                else expired()
            )
            if problem is None:
                await respond(delete_original=True)
            else:
                await respond(**problem.as_kwargs(), response_type="ephemeral", replace_original=False)

        parts.background.spawn(post(), name="brief-post-summary")

    @app.action(re.compile(r".*"))
    async def on_other_action(ack: AsyncAck) -> None:
        """A button of an older version of the bot (or a URL button): acknowledged, nothing to do."""
        await ack()


@dataclass(frozen=True, slots=True)
class _Click:
    """Who clicked which button value where, as a `block_actions` payload says; nothing more is trusted."""

    value: str
    user_id: str
    channel_id: str

    @classmethod
    def of(cls, action: dict[str, Any], body: dict[str, Any]) -> _Click:
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        return cls(
            value=str(action.get("value") or ""),
            user_id=str((body.get("user") or {}).get("id") or ""),
            channel_id=str(channel or ""),
        )

    @property
    def well_formed(self) -> bool:
        return is_slack_id(self.user_id) and is_slack_id(self.channel_id)


async def _ack_or_respond(
    ack: AsyncAck, respond: AsyncRespond, parts: AppParts, message: Awaitable[SlackMessage], *, name: str
) -> None:
    """The answer as the ack itself when it is ready within `SEARCH_ACK_BUDGET`, else through the response_url."""
    task = asyncio.ensure_future(message)
    done, _ = await asyncio.wait({task}, timeout=SEARCH_ACK_BUDGET)
    if done and task.exception() is None:
        await _ack_with(ack, task.result())
        return
    await ack()
    parts.background.spawn(_respond_with(respond, task), name=name)


async def _ready(message: SlackMessage) -> SlackMessage:
    return message


async def _ack_with(ack: AsyncAck, message: SlackMessage) -> None:
    await ack(**message.as_kwargs(), response_type="ephemeral")


async def _respond_with(respond: AsyncRespond, message: Awaitable[SlackMessage], **options: Any) -> None:
    """Send an ephemeral answer through the response_url once it is ready; a failure is logged only."""
    try:
        ready = await message
    except Exception:
        log.exception("brief_failed")
        ready = notice("Something went wrong on our side; please try again.")
    try:
        await respond(**ready.as_kwargs(), response_type="ephemeral", **options)
    except Exception as exc:
        log.warning("respond_failed", error=type(exc).__name__)
