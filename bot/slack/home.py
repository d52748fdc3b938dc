"""The App Home tab: the summaries the person can see, newest first, and a search box.

`app_home_opened` (tab "home") publishes the caller's Home view with `views.publish`: the articles most recently
shared in conversations the caller can see (the same visibility rule as `/brief`: public channels of the
workspace, and the private conversations Slack says they belong to), then a search box. Typing in the box and
pressing Enter sends a `block_actions` payload with the text; it is answered by publishing the view again with
the results of exactly the search `/brief <text>` runs (`BriefCommands.search`, filters included).

Every string from outside (titles, summaries, the query) goes through the renderer used for every reply
(`bot.slack.render`: cleaned, escaped, cut to fit), and the view itself is built with slack_sdk's view and
block models. The result lists come from `render_search_results`, whose "More results" button needs a
response_url a Home tab does not have, so it is replaced by a pointer to `/brief`.

There are no per-channel settings to show yet (every channel the bot is in is read the same way), so the
Home tab offers none.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.blocks.basic_components import DispatchActionConfig
from slack_sdk.models.views import View

from bot.logs import get_logger
from bot.slack.commands import BriefCommands, shown_url
from bot.slack.links import is_slack_id
from bot.slack.render import RESULTS_PAGE_SIZE, EarlierShare, SearchHit, SlackMessage, render_search_results
from bot.store import library
from bot.store.shares import ShareRow

if TYPE_CHECKING:
    from bot.slack.app import Background

log = get_logger(__name__)

ACTION_HOME_SEARCH = "brief_home_search"
SEARCH_BLOCK = "brief_home_search_block"
RECENT_SHOWN = RESULTS_PAGE_SIZE
MAX_QUERY = 500  # characters of a query typed in the box that are searched (the box allows no more)
MAX_VIEW_BLOCKS = 100  # Slack's limit for a Home view


class Home:
    """Builds and publishes a person's Home view."""

    def __init__(self, commands: BriefCommands) -> None:
        self.commands = commands

    async def publish(self, user_id: str, *, query: str | None = None) -> None:
        """Publish the Home view for `user_id`: recent summaries, or the results of `query`."""
        view = await self.view(user_id, query=query)
        await self.commands.client.views_publish(user_id=user_id, view=view)

    async def view(self, user_id: str, *, query: str | None = None) -> View:
        """The Home view for `user_id` (see the module doc)."""
        if query is not None and query.strip():
            listing = _without_buttons(await self.commands.search(user_id, query[:MAX_QUERY]))
        else:
            listing = await self._recent(user_id)
        blocks: list[Block | dict[str, Any]] = [
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
            *listing,
        ]
        return View(type="home", blocks=blocks[:MAX_VIEW_BLOCKS])

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


def _without_buttons(message: SlackMessage) -> list[dict[str, Any]]:
    """The message's blocks without its buttons (they answer through a response_url), plus a pointer to /brief
    when there were more results."""
    blocks = [b for b in message.blocks if b.get("type") != "actions"]
    if len(blocks) < len(message.blocks):
        more = "More results: run the same search with `/brief` in any conversation."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more, verbatim=True)]).to_dict())
    return blocks


def register_home(app: AsyncApp, home: Home, background: Background) -> None:
    """The Home tab's listeners. Registered before the app's catch-all listeners, which would otherwise take
    `app_home_opened` and the search box's action."""

    def spawn(work: Coroutine[Any, Any, None], name: str) -> None:
        background.spawn(_logged(work, name), name=name)

    @app.event("app_home_opened")
    async def on_home_opened(event: dict[str, Any]) -> None:
        user_id = event.get("user")
        if event.get("tab") != "home" or not is_slack_id(user_id):
            return
        spawn(home.publish(str(user_id)), "home-publish")

    @app.action(ACTION_HOME_SEARCH)
    async def on_home_search(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any]) -> None:
        await ack()
        user_id = (body.get("user") or {}).get("id")
        if not is_slack_id(user_id):
            return
        value = action.get("value")
        spawn(home.publish(str(user_id), query=value if isinstance(value, str) else ""), "home-search")


async def _logged(work: Coroutine[Any, Any, None], name: str) -> None:
    """A Home update that fails is logged in one line (the tab keeps its previous view)."""
    try:
        await work
    except Exception as exc:
        log.warning("home_publish_failed", task=name, error=type(exc).__name__)
