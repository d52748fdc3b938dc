"""The App Home tab: the summaries the person can see, newest first, a search box, and the settings of the
conversations they are in.

`app_home_opened` (tab "home") publishes the caller's Home view with `views.publish`: the articles most recently
shared in conversations the caller can see (the same visibility rule as `/brief`: public channels of the
workspace, and the private conversations Slack says they belong to), then a search box. Typing in the box and
pressing Enter sends a `block_actions` payload with the text; it is answered by publishing the view again with
the results of exactly the search `/brief <text>` runs (`BriefCommands.search`, filters included).

Below them, "Channel settings": the conversations where linkbrief has worked (shares, or a follow-up or digest
setting; `bot.store.settings_view`), in the caller's workspace when the bot serves many, newest activity first,
and only those Slack says the caller is a member of (`MembershipCache.is_member`, never a value from the
request), at most `SETTINGS_SHOWN`. One-to-one direct messages with the bot are left out: every question there is
answered anyway. Each shows `<#C…>`, "Follow-ups: on/off" with a button that switches it, and "Digest: every
Monday at 09:00 (UTC)" or "off" with a select (Off / Daily / Weekly). Choosing daily or weekly keeps the
conversation's day, time and time zone when it has a schedule, else the defaults (Monday 09:00 UTC).

A click carries the wanted setting and the conversation's id in its value (`on:C0123`, `weekly:C0123`), which
anyone able to send a signed payload could forge: before anything changes, the id must be shaped like a Slack
id and Slack must say the clicking user is a member of that conversation. The change itself is the one the
slash command makes (`FollowUps.command`, `Digests.command`, which check membership again); then the caller's
view is published again (with a short note when the change was refused). Clicks are acknowledged at once and
handled in the background, like the search box.

Every string from outside (titles, summaries, the query, a stored time zone) goes through the renderer used
for every reply (`bot.slack.render`: cleaned, escaped, cut to fit), and the view itself is built with
slack_sdk's view and block models, within Slack's 100 blocks for a Home view (the settings are kept whole; a
long result list is cut). The result lists come from `render_search_results`, whose "More results" button
needs a response_url a Home tab does not have, so it is replaced by a pointer to `/brief`.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import DispatchActionConfig
from slack_sdk.models.views import View

from bot.logs import get_logger
from bot.slack.commands import BriefCommands, shown_url
from bot.slack.digests import (
    DEFAULT_AT_MINUTE,
    DEFAULT_TIME_ZONE,
    DEFAULT_WEEKDAY,
    DigestRequest,
    Digests,
    describe_schedule,
)
from bot.slack.followups import FollowUps, is_direct
from bot.slack.links import is_slack_id
from bot.slack.render import (
    RESULTS_PAGE_SIZE,
    EarlierShare,
    SearchHit,
    SlackMessage,
    _channel_ref,
    _mrkdwn_text,
    render_search_results,
)
from bot.slack.teams import current_team
from bot.store import digests as digest_store
from bot.store import library, settings_view
from bot.store.settings_view import ConversationSettings
from bot.store.shares import ShareRow

if TYPE_CHECKING:
    from bot.slack.app import Background

log = get_logger(__name__)

ACTION_HOME_SEARCH = "brief_home_search"
ACTION_HOME_FOLLOWUPS = "brief_home_followups"
ACTION_HOME_DIGEST = "brief_home_digest"
SEARCH_BLOCK = "brief_home_search_block"
RECENT_SHOWN = RESULTS_PAGE_SIZE
MAX_QUERY = 500  # characters of a query typed in the box that are searched (the box allows no more)
MAX_VIEW_BLOCKS = 100  # Slack's limit for a Home view
SETTINGS_SHOWN = 10  # conversations whose settings the tab shows
SETTINGS_SCANNED = 100  # most recently active conversations asked about (membership), at most, to find them
FOLLOWUP_CHOICES = ("on", "off")
DIGEST_CHOICES = ("off", "daily", "weekly")
DIGEST_LABELS = {"off": "Off", "daily": "Daily", "weekly": "Weekly"}
NOT_YOURS = "Only members of a conversation can change its settings, and I need to be in it."


class Home:
    """Builds and publishes a person's Home view, and changes a conversation's settings from it."""

    def __init__(
        self, commands: BriefCommands, *, followups: FollowUps | None = None, digests: Digests | None = None
    ) -> None:
        self.commands = commands
        self.followups = followups
        self.digests = digests

    async def publish(self, user_id: str, *, query: str | None = None, note: str | None = None) -> None:
        """Publish the Home view for `user_id`: recent summaries, or the results of `query`."""
        view = await self.view(user_id, query=query, note=note)
        await self.commands.client.views_publish(user_id=user_id, view=view)

    async def view(self, user_id: str, *, query: str | None = None, note: str | None = None) -> View:
        """The Home view for `user_id` (see the module doc); `note`, one of our own sentences, above the
        settings."""
        if query is not None and query.strip():
            listing = _without_buttons(await self.commands.search(user_id, query[:MAX_QUERY]))
        else:
            listing = await self._recent(user_id)
        top: list[Block | dict[str, Any]] = [
            HeaderBlock(text="linkbrief"),
            SectionBlock(
                text=MarkdownTextObject(
                    text="Paste a link in any conversation I'm in and I answer in its thread with a summary. "
                    "Search everything you can see below, or with `/brief` anywhere.",
                    verbatim=True,
                )
            ),
            InputBlock(
                block_id=SEARCH_BLOCK,
                label="Search summaries",
                dispatch_action=True,
                element=PlainTextInputElement(
                    action_id=ACTION_HOME_SEARCH,
                    placeholder="words, in:#channel, from:@person, site:example.com, after:2026-01-31",
                    max_length=MAX_QUERY,
                    dispatch_action_config=DispatchActionConfig(trigger_actions_on=["on_enter_pressed"]),
                ),
            ),
            DividerBlock(),
        ]
        settings = await self._settings_blocks(user_id, note)
        room = MAX_VIEW_BLOCKS - len(top) - len(settings)  # the settings stay whole; a long listing is cut
        return View(type="home", blocks=[*top, *listing[:room], *settings][:MAX_VIEW_BLOCKS])

    async def _recent(self, user_id: str) -> list[dict[str, Any]]:
        audience = await self.commands.visibility.audience(user_id)
        async with self.commands.database.session(read_only=True) as session:
            found = await library.recent_shared(session, audience, limit=RECENT_SHOWN)
        if not found:
            return [
                SectionBlock(text=MarkdownTextObject(text="No summaries you can see yet.", verbatim=True)).to_dict()
            ]
        hits = [
            SearchHit(
                url=shown_url(hit.share.url),
                title=hit.title,
                site_name=hit.site_name,
                tldr=hit.tldr,
                share=await self._earlier(hit.share),
            )
            for hit in found
        ]
        rendered = render_search_results("", hits).blocks
        heading = SectionBlock(text=MarkdownTextObject(text="*Recently shared*", verbatim=True)).to_dict()
        return [heading, *_without_buttons(SlackMessage(text="", blocks=rendered[1:]))]

    async def _earlier(self, share: ShareRow) -> EarlierShare:
        replier = self.commands.replier
        return EarlierShare(
            channel_id=share.channel_id,
            user_id=share.user_id or None,
            shared_at=share.created_at,
            permalink=await replier.permalink(share.channel_id, share.reply_ts or share.message_ts),
            user_name=await replier.user_name(share.user_id) if share.user_id else None,
        )

    # ----------------------------------------------------------------------------------- channel settings

    async def my_conversations(self, user_id: str) -> list[ConversationSettings]:
        """The conversations (at most `SETTINGS_SHOWN`) whose settings `user_id` may change, newest activity
        first: among the most recently active ones, those Slack says they are a member of."""
        team = (current_team() or "") if self.commands.visibility.team_scoped else None
        async with self.commands.database.session(read_only=True) as session:
            found = await settings_view.conversations_with_settings(session, team_id=team, limit=SETTINGS_SCANNED)
        candidates = [c for c in found if is_slack_id(c.channel_id) and not is_direct(c.channel_id)]
        membership = self.commands.visibility.membership
        mine: list[ConversationSettings] = []
        for start in range(0, len(candidates), SETTINGS_SHOWN):  # a batch at a time: stop once enough are found
            batch = candidates[start : start + SETTINGS_SHOWN]
            member_of = await membership.channels_of(user_id, [c.channel_id for c in batch])
            mine += [c for c in batch if c.channel_id in member_of]
            if len(mine) >= SETTINGS_SHOWN:
                break
        return mine[:SETTINGS_SHOWN]

    async def _settings_blocks(self, user_id: str, note: str | None) -> list[Block | dict[str, Any]]:
        if self.followups is None and self.digests is None:
            return []
        blocks: list[Block | dict[str, Any]] = [
            DividerBlock(),
            SectionBlock(text=MarkdownTextObject(text="*Channel settings*", verbatim=True)),
        ]
        if note:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note, verbatim=True)]))
        conversations = await self.my_conversations(user_id)
        if not conversations:
            none = (
                "The conversations you're in where I've read links show up here, with their follow-up and digest "
                "settings."
            )
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=none, verbatim=True)]))
        for conversation in conversations:
            blocks += self._conversation_blocks(conversation)
        return blocks

    def _conversation_blocks(self, conversation: ConversationSettings) -> list[Block]:
        channel_id = conversation.channel_id
        name = f"*{_channel_ref(channel_id)}*"
        if self.followups is None:
            blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=name, verbatim=True))]
        else:
            on = conversation.followups
            state = (
                "*on*: I answer every question asked in a summary's thread"
                if on
                else "*off*: I answer in a summary's thread when mentioned"
            )
            blocks = [
                SectionBlock(
                    text=MarkdownTextObject(text=f"{name}\nFollow-ups: {state}", verbatim=True),
                    accessory=ButtonElement(
                        text="Turn off" if on else "Turn on",
                        action_id=ACTION_HOME_FOLLOWUPS,
                        value=f"{'off' if on else 'on'}:{channel_id}",
                    ),
                )
            ]
        if self.digests is not None:
            schedule = conversation.digest
            shown = _mrkdwn_text(describe_schedule(schedule), 200) if schedule is not None else "off"
            options = {
                choice: Option(value=f"{choice}:{channel_id}", text=label) for choice, label in DIGEST_LABELS.items()
            }
            current = schedule.cadence if schedule is not None else "off"
            blocks.append(
                SectionBlock(
                    text=MarkdownTextObject(text=f"Digest: {shown}", verbatim=True),
                    accessory=StaticSelectElement(
                        action_id=ACTION_HOME_DIGEST,
                        placeholder="Digest",
                        options=list(options.values()),
                        initial_option=options.get(current),
                    ),
                )
            )
        return blocks

    async def set_followups(self, user_id: str, value: str) -> None:
        """A click on a conversation's follow-ups button: switch it (a member's click only), then republish."""
        target = await self._target(user_id, value, FOLLOWUP_CHOICES)
        if target is None or self.followups is None:
            await self.publish(user_id, note=NOT_YOURS if target is None else None)
            return
        choice, channel_id = target
        await self.followups.command("on" if choice == "on" else "off", user_id=user_id, channel_id=channel_id)
        await self.publish(user_id)

    async def set_digest(self, user_id: str, value: str, *, team_id: str) -> None:
        """A conversation's digest chosen in the select: off, or daily/weekly keeping its day, time and time
        zone (else the defaults); a member's choice only. Then republish."""
        target = await self._target(user_id, value, DIGEST_CHOICES)
        if target is None or self.digests is None:
            await self.publish(user_id, note=NOT_YOURS if target is None else None)
            return
        choice, channel_id = target
        async with self.commands.database.session(read_only=True) as session:
            current = await digest_store.schedule_of(session, channel_id)
        request = _digest_request(choice, current)
        if request is not None:
            await self.digests.command(
                request,
                membership=self.commands.visibility.membership,
                user_id=user_id,
                channel_id=channel_id,
                team_id=team_id,
            )
        await self.publish(user_id)

    async def _target(self, user_id: str, value: str, choices: tuple[str, ...]) -> tuple[str, str] | None:
        """(choice, conversation) of a click's value when the value is well formed and Slack says the user is a
        member of that conversation; None otherwise (nothing may change then)."""
        choice, _, channel_id = value.partition(":")
        if choice not in choices or not is_slack_id(channel_id) or is_direct(channel_id):
            log.info("home_setting_refused", reason="malformed")
            return None
        if not await self.commands.visibility.membership.is_member(user_id, channel_id):
            log.info("home_setting_refused", reason="not_member", channel=channel_id)
            return None
        return choice, channel_id


def _digest_request(choice: str, current: digest_store.DigestSchedule | None) -> DigestRequest | None:
    """What choosing `choice` asks of `/brief digest`, from the current schedule; None when nothing changes
    (the same cadence again keeps the schedule, and its next digest, as it is)."""
    if choice == "off":
        return None if current is None else DigestRequest("off")
    if current is not None and current.cadence == choice:
        return None
    weekday: int | None = None
    if choice == "weekly":
        weekday = current.weekday if current is not None and current.weekday is not None else DEFAULT_WEEKDAY
    return DigestRequest(
        "weekly" if choice == "weekly" else "daily",
        weekday=weekday,
        at_minute=current.at_minute if current is not None else DEFAULT_AT_MINUTE,
        time_zone=current.time_zone if current is not None else DEFAULT_TIME_ZONE,
    )


def _without_buttons(message: SlackMessage) -> list[dict[str, Any]]:
    """The message's blocks without its buttons (they answer through a response_url), plus a pointer to /brief
    when there were more results."""
    blocks = [b for b in message.blocks if b.get("type") != "actions"]
    if len(blocks) < len(message.blocks):
        more = "More results: run the same search with `/brief` in any conversation."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more, verbatim=True)]).to_dict())
    return blocks


def _team_of(body: dict[str, Any]) -> str:
    """The workspace a Home click came from (the one whose token answers it), as a digest schedule records it."""
    team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    return str(team) if is_slack_id(team) else ""


def register_home(app: AsyncApp, home: Home, background: Background) -> None:
    """The Home tab's listeners. Registered before the app's catch-all listeners, which would otherwise take
    `app_home_opened` and the Home tab's actions."""

    def spawn(work: Coroutine[Any, Any, None], name: str) -> None:
        background.spawn(_logged(work, name), name=name)

    def clicker(body: dict[str, Any]) -> str | None:
        user_id = (body.get("user") or {}).get("id")
        return str(user_id) if is_slack_id(user_id) else None

    @app.event("app_home_opened")
    async def on_home_opened(event: dict[str, Any]) -> None:
        user_id = event.get("user")
        if event.get("tab") != "home" or not is_slack_id(user_id):
            return
        spawn(home.publish(str(user_id)), "home-publish")

    @app.action(ACTION_HOME_SEARCH)
    async def on_home_search(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any]) -> None:
        await ack()
        user_id = clicker(body)
        if user_id is None:
            return
        value = action.get("value")
        spawn(home.publish(user_id, query=value if isinstance(value, str) else ""), "home-search")

    @app.action(ACTION_HOME_FOLLOWUPS)
    async def on_home_followups(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any]) -> None:
        await ack()
        user_id = clicker(body)
        if user_id is None:
            return
        value = action.get("value")
        spawn(home.set_followups(user_id, value if isinstance(value, str) else ""), "home-followups")

    @app.action(ACTION_HOME_DIGEST)
    async def on_home_digest(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any]) -> None:
        await ack()
        user_id = clicker(body)
        if user_id is None:
            return
        selected = action.get("selected_option")
        value = selected.get("value") if isinstance(selected, dict) else None
        work = home.set_digest(user_id, value if isinstance(value, str) else "", team_id=_team_of(body))
        spawn(work, "home-digest")


async def _logged(work: Coroutine[Any, Any, None], name: str) -> None:
    """A Home update that fails is logged in one line (the tab keeps its previous view)."""
    try:
        await work
    except Exception as exc:
        log.warning("home_publish_failed", task=name, error=type(exc).__name__)
