"""Channel digests: `/brief digest weekly` (or `daily`, `off`) in a conversation, and the one message per period
that lists what was shared there, most shared first, each article with its TL;DR and a link to its thread.

The schedule is the conversation's (`/brief digest weekly monday 09:00 Europe/Paris`; by default Mondays, or
every day, at 09:00 UTC), set by one of its members (asked of Slack, never taken from the request). A period
ends at the scheduled time and starts one day or one week of local time before it, so a digest covers the
shares made in [start, end). The first digest is the first period that ends after the schedule was set.

Who posts: a digest is not a timer in each process. `Digests.tick` looks at every schedule, works out the
latest period that has ended, and claims the (conversation, period end) row in the store
(`bot.store.digests.claim_digest`); only the process that created the row posts. With the procrastinate queue
the tick is a periodic task (one process per tick); with the embedded queue (SQLite, one process) it runs
every `LINKBRIEF_DIGEST_INTERVAL` seconds in that process. A period missed while no process ran is posted late,
when one starts again before the next period ends (only the latest ended period is ever posted).

Nothing is posted for an empty period. A digest Slack could not take now (an outage) stays claimed and is
taken over after `STALE_CLAIM` by the next tick, which first looks for it in the channel (by the `metadata`
it carries) so that a post that did reach Slack is not made twice. Everything shown is escaped like every
other reply (`bot.slack.render`).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.models.blocks import Block

from bot.logs import get_logger
from bot.periodic import Periodic
from bot.slack.links import is_slack_id
from bot.slack.permissions import MembershipCache
from bot.slack.render import (
    FALLBACK_TEXT_MAX,
    SlackMessage,
    _Caps,
    _channel_ref,
    _context,
    _date_text,
    _fit,
    _fit_blocks,
    _host_label,
    _link,
    _mrkdwn_text,
    _section,
)
from bot.slack.replies import PostFailed, Replier, ReplyMark
from bot.slack.teams import set_team
from bot.store import digests as store
from bot.store.db import Database
from bot.store.digests import DigestContents, DigestSchedule
from bot.store.models import DigestStatus, utcnow

log = get_logger(__name__)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_AT_MINUTE = 9 * 60
DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_TIME_ZONE = "UTC"
SHOWN_ARTICLES = 15  # 1 + 2 blocks each: well inside Slack's 50 blocks
STALE_CLAIM = timedelta(minutes=5)  # a claim pending this long was left by a dead process or a Slack outage
MARK_EVENT = "linkbrief_digest"
HOW_TO = (
    "`/brief digest weekly` posts here, every Monday at 09:00 UTC, what was shared in the week; "
    "`/brief digest daily` every day. Choose the day, time and time zone: "
    "`/brief digest weekly friday 16:30 Europe/Paris`. `/brief digest off` stops it."
)
_DIGEST = re.compile(r"\s*digests?(?:\s+(.*))?", re.IGNORECASE | re.DOTALL)
_TIME = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", re.IGNORECASE)


# ------------------------------------------------------------------------------------------- the command


@dataclass(frozen=True, slots=True)
class DigestRequest:
    """What `/brief digest …` asked: the current setting, off, or a schedule."""

    choice: Literal["status", "off", "daily", "weekly"]
    weekday: int | None = None
    at_minute: int = DEFAULT_AT_MINUTE
    time_zone: str = DEFAULT_TIME_ZONE


class BadDigestRequest(ValueError):
    """`/brief digest …` with words it does not take; the message says which and how to ask."""


def parse_digest_command(text: str) -> DigestRequest | None:
    """`digest [daily|weekly [day] [HH:MM] [time zone] | off]` after `/brief`; None for any other command.
    Raises `BadDigestRequest` for a digest command it cannot read."""
    found = _DIGEST.fullmatch(text or "")
    if found is None:
        return None
    words = (found.group(1) or "").split()
    if not words:
        return DigestRequest("status")
    choice = words[0].lower()
    if choice in ("off", "stop", "none"):
        if len(words) > 1:
            raise BadDigestRequest(f"`off` takes nothing after it. {HOW_TO}")
        return DigestRequest("off")
    if choice not in ("daily", "weekly"):
        raise BadDigestRequest(f"I did not understand `{_fit(words[0], 40)}`. {HOW_TO}")
    weekday: int | None = DEFAULT_WEEKDAY if choice == "weekly" else None
    at_minute = DEFAULT_AT_MINUTE
    time_zone = DEFAULT_TIME_ZONE
    for word in words[1:]:
        day = _weekday(word)
        if day is not None:
            if choice == "daily":
                raise BadDigestRequest("A daily digest has no day; use `weekly` with a day.")
            weekday = day
        elif (minute := _minute_of_day(word)) is not None:
            at_minute = minute
        elif (zone := _time_zone(word)) is not None:
            time_zone = zone
        else:
            raise BadDigestRequest(
                f"I did not understand `{_fit(word, 40)}`: give a day, a time and a time zone, like "
                "`/brief digest weekly monday 09:00 Europe/Paris`."
            )
    return DigestRequest(choice, weekday=weekday, at_minute=at_minute, time_zone=time_zone)  # type: ignore[arg-type]


def _weekday(word: str) -> int | None:
    lowered = word.lower().rstrip("s")  # "mondays"
    for index, name in enumerate(WEEKDAYS):
        if len(lowered) >= 3 and name.startswith(lowered):
            return index
    return None


def _minute_of_day(word: str) -> int | None:
    found = _TIME.fullmatch(word)
    if found is None or (found.group(2) is None and found.group(3) is None):
        return None  # a bare number is not a time
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    suffix = (found.group(3) or "").lower()
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return hour * 60 + minute


def _time_zone(word: str) -> str | None:
    """An IANA time zone name (`Europe/Paris`, `UTC`), as the time zone database spells it."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-/]{1,63}", word) or ".." in word:
        return None
    try:
        ZoneInfo(word)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return word


# ------------------------------------------------------------------------------------------- the periods


def latest_period(schedule: DigestSchedule, now: datetime) -> tuple[datetime, datetime]:
    """The latest period that has ended at `now`: [start, end) in UTC, end being the scheduled local time."""
    zone = ZoneInfo(schedule.time_zone)
    local_now = now.astimezone(zone)
    hour, minute = divmod(schedule.at_minute, 60)

    def at(day: date) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=zone)

    end_day = local_now.date()
    if schedule.cadence == "daily":
        if at(end_day) > local_now:
            end_day -= timedelta(days=1)
        start_day = end_day - timedelta(days=1)
    else:
        end_day -= timedelta(days=(end_day.weekday() - (schedule.weekday or 0)) % 7)
        if at(end_day) > local_now:
            end_day -= timedelta(days=7)
        start_day = end_day - timedelta(days=7)
    return at(start_day).astimezone(UTC), at(end_day).astimezone(UTC)


def next_digest(schedule: DigestSchedule, now: datetime) -> datetime:
    """When the next digest is due (the end of the period running at `now`), in UTC."""
    step = timedelta(days=1 if schedule.cadence == "daily" else 7)
    _start, end = latest_period(schedule, now)
    zone = ZoneInfo(schedule.time_zone)
    local_end = end.astimezone(zone)
    following = datetime.combine(local_end.date() + step, local_end.time(), tzinfo=zone)
    return following.astimezone(UTC)


# ------------------------------------------------------------------------------------------- the poster


class Digests:
    """Posts the digests that are due (`tick`), and takes `/brief digest` commands."""

    def __init__(
        self,
        database: Database,
        replier: Replier,
        *,
        clock: Callable[[], datetime] = utcnow,
        stale_after: timedelta = STALE_CLAIM,
    ) -> None:
        self.database = database
        self.replier = replier
        self.clock = clock
        self.stale_after = stale_after
        self._timer: Periodic | None = None

    def start(self, interval: float) -> None:
        """Tick every `interval` seconds in this process (the embedded queue: one process holds the store)."""
        if self._timer is None:
            self._timer = Periodic(self.tick, interval, name="digest-tick")
            self._timer.start()

    async def aclose(self) -> None:
        if self._timer is not None:
            await self._timer.aclose()

    async def tick(self) -> int:
        """Post every digest whose period has ended and that no process has claimed; how many were posted."""
        now = self.clock()
        async with self.database.session(read_only=True) as session:
            schedules = await store.schedules(session)
            settled = await store.settled_digests(session, ended_after=now - timedelta(days=8))
        posted = 0
        for schedule in schedules:
            try:
                start, end = latest_period(schedule, now)
            except (ZoneInfoNotFoundError, ValueError):
                log.warning("digest_time_zone_unknown", channel=schedule.channel_id)
                continue
            if end <= schedule.since or (schedule.channel_id, end) in settled:
                continue
            try:
                posted += await self._post_period(schedule, start, end)
            except Exception as exc:
                # One conversation's failure never holds up the others' digests; its claim is taken over later.
                log.warning("digest_failed", channel=schedule.channel_id, error=type(exc).__name__)
        return posted

    async def _post_period(self, schedule: DigestSchedule, start: datetime, end: datetime) -> int:
        async with self.database.session() as session, session.begin():
            claim = await store.claim_digest(
                session, schedule, period_start=start, period_end=end, stale_after=self.stale_after
            )
        if claim is None:
            return 0
        set_team(schedule.team_id)  # many workspaces: post with this conversation's workspace token
        async with self.database.session(read_only=True) as session:
            contents = await store.digest_contents(
                session, schedule.channel_id, start=start, end=end, limit=SHOWN_ARTICLES
            )
        if not contents.entries:
            await self._finish(claim.digest_id, DigestStatus.EMPTY)
            log.info("digest_empty", channel=schedule.channel_id)
            return 0
        mark = ReplyMark(MARK_EVENT, {"digest": claim.digest_id})
        try:
            if claim.resumed:
                # The earlier post, if it reached Slack, is newer than the first claim (a minute allowed for clocks).
                oldest = claim.first_claimed - timedelta(minutes=1)
                found = await self.replier.find_reply(
                    schedule.channel_id, thread_ts=None, after_ts=f"{oldest.timestamp():.6f}", mark=mark
                )
                if found is not None:
                    await self._finish(claim.digest_id, DigestStatus.POSTED, contents, reply_ts=found)
                    return 0
            links = await asyncio.gather(
                *(
                    self.replier.permalink(schedule.channel_id, e.reply_ts or e.first_message_ts)
                    for e in contents.entries
                )
            )
            message = render_digest(schedule, contents, start=start, end=end, threads=links)
            posted = await self.replier.post_once(schedule.channel_id, message, thread_ts=None, mark=mark)
        except PostFailed as failure:
            if failure.final:
                await self._finish(claim.digest_id, DigestStatus.FAILED, contents, error=failure.code)
            log.warning("digest_not_posted", channel=schedule.channel_id, error=failure.code, final=failure.final)
            return 0
        await self._finish(claim.digest_id, DigestStatus.POSTED, contents, reply_ts=posted.ts)
        log.info("digest_posted", channel=schedule.channel_id, articles=contents.articles, shares=contents.shares)
        return 1

    async def _finish(
        self,
        digest_id: int,
        status: DigestStatus,
        contents: DigestContents | None = None,
        *,
        reply_ts: str | None = None,
        error: str | None = None,
    ) -> None:
        async with self.database.session() as session, session.begin():
            await store.finish_digest(
                session,
                digest_id,
                status,
                articles=contents.articles if contents else 0,
                shares=contents.shares if contents else 0,
                reply_ts=reply_ts,
                error=error,
            )

    # -------------------------------------------------------------------------------- /brief digest

    async def command(
        self,
        request: DigestRequest,
        *,
        membership: MembershipCache,
        user_id: str,
        channel_id: str,
        team_id: str,
    ) -> SlackMessage:
        """`/brief digest …` in a conversation: show the setting, or change it (members only)."""
        if not (is_slack_id(user_id) and is_slack_id(channel_id)):
            return digest_note("This command did not come from a Slack conversation I can answer in.")
        if request.choice == "status":
            async with self.database.session(read_only=True) as session:
                current = await store.schedule_of(session, channel_id)
            return digest_note(self._status_text(current))
        if not await membership.is_member(user_id, channel_id):
            return digest_note(
                "Only members of this conversation can change that, and I need to be in it: invite me first."
            )
        async with self.database.session() as session, session.begin():
            if request.choice == "off":
                await store.clear_schedule(session, channel_id)
                schedule = None
            else:
                schedule = DigestSchedule(
                    channel_id=channel_id,
                    team_id=team_id,
                    cadence=request.choice,
                    weekday=request.weekday,
                    at_minute=request.at_minute,
                    time_zone=request.time_zone,
                    since=self.clock(),
                )
                await store.set_schedule(session, schedule, user_id=user_id)
        log.info("digest_setting_changed", channel=channel_id, cadence=request.choice)
        return digest_note(self._status_text(schedule))

    def _status_text(self, schedule: DigestSchedule | None) -> str:
        if schedule is None:
            return f"No digest here. {HOW_TO}"
        zone = ZoneInfo(schedule.time_zone)
        due = next_digest(schedule, self.clock()).astimezone(zone)
        when = describe_schedule(schedule)
        return (
            f"Digests here: {when}. The next one, on {_date_text(due.date())} at {due:%H:%M}, lists what was "
            "shared since the one before (nothing is posted for a period without shares). "
            "`/brief digest off` stops them."
        )


def describe_schedule(schedule: DigestSchedule) -> str:
    """`every Monday at 09:00 (Europe/Paris)` / `every day at 18:00 (UTC)`."""
    hour, minute = divmod(schedule.at_minute, 60)
    day = "day" if schedule.cadence == "daily" else WEEKDAYS[schedule.weekday or 0].capitalize()
    return f"every {day} at {hour:02d}:{minute:02d} ({schedule.time_zone})"


def digest_note(text: str) -> SlackMessage:
    """A short message of our own fixed text."""
    return SlackMessage(text=_fit(text, FALLBACK_TEXT_MAX), blocks=[_section(text).to_dict()])


# ------------------------------------------------------------------------------------------- rendering


def render_digest(
    schedule: DigestSchedule,
    contents: DigestContents,
    *,
    start: datetime,
    end: datetime,
    threads: list[str | None],
) -> SlackMessage:
    """The digest: a heading with the period and the counts, then each article (most shared first) with its
    TL;DR and a link to the thread where it was shared; what did not fit is counted at the end."""
    zone = ZoneInfo(schedule.time_zone)
    first_day = start.astimezone(zone).date()
    last_day = (end.astimezone(zone) - timedelta(minutes=1)).date()
    period = _date_text(first_day) if first_day == last_day else f"{_date_text(first_day)} – {_date_text(last_day)}"
    kind = "Daily" if schedule.cadence == "daily" else "Weekly"
    articles = "1 article" if contents.articles == 1 else f"{contents.articles} articles"
    shares = "" if contents.shares == contents.articles else f" ({contents.shares} shares)"
    heading = f"*{kind} digest* for {_channel_ref(schedule.channel_id)}, {period}: {articles} shared{shares}."
    hidden = contents.articles - len(contents.entries)

    def build(caps: _Caps) -> list[Block]:
        blocks: list[Block] = [_section(heading)]
        for entry, thread in zip(contents.entries, threads, strict=True):
            title = entry.title or _host_label(entry.url) or entry.url
            link = _link(entry.url, title, caps.url, caps.label) or f"*{_mrkdwn_text(title, caps.label)}*"
            text = f"*{link}*" + (f"\n{_mrkdwn_text(entry.tldr, caps.tldr // 2)}" if entry.tldr else "")
            blocks.append(_section(text))
            meta = [
                _mrkdwn_text(entry.site_name or _host_label(entry.url), caps.site),
                f"shared {entry.shares} times" if entry.shares > 1 else "",
                (_link(thread, "thread", caps.url) or "") if thread else "",
            ]
            if any(meta):
                blocks.append(_context(" · ".join(part for part in meta if part)))
        if hidden > 0:
            more = "1 more article" if hidden == 1 else f"{hidden} more articles"
            blocks.append(_context(f"…and {more} shared here in this period."))
        return blocks

    fallback = f"{kind} digest: {articles} shared, {period}."
    return SlackMessage(text=_fit(fallback, FALLBACK_TEXT_MAX), blocks=_fit_blocks(build))
