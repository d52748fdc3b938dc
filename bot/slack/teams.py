"""Which workspace the current piece of work is for (many-workspace mode).

In OAuth mode every Web API call must carry the token of the workspace it concerns. The workspace is known
where work starts: Bolt's authorize found the installation of the request's team (see `bot.slack.oauth`),
and the delivery worker reads `team_id` from the share row it claimed. It is set there, in this context
variable, and read by the one Web API client the bot's parts share (`bot.slack.oauth.TeamRoutedClient`),
which looks up that workspace's bot token; asyncio copies the variable into every task started from there
(background answers, reactions), so each call carries the right token without passing the team through
every function. A call made where no workspace was set fails instead of guessing one.

In single-workspace (token) mode nothing reads it.
"""

from __future__ import annotations

from contextvars import ContextVar

_TEAM: ContextVar[str | None] = ContextVar("linkbrief_team", default=None)


def set_team(team_id: str | None) -> None:
    """Work from here on (in this task and the tasks it starts) is for `team_id` (None: no workspace)."""
    _TEAM.set(team_id or None)


def current_team() -> str | None:
    """The workspace the current work is for, or None."""
    return _TEAM.get()
