"""Query-planner statistics for SQLite: what PostgreSQL's autovacuum keeps current by itself.

SQLite chooses between indexes with the counts `ANALYZE` leaves in `sqlite_stat1`. Without them it guesses that
an equality on any indexed column finds a handful of rows, so `shares.status = 'done'` (true of nearly every
share) looks as narrow as `shares.article_id IN (…10 ids…)`, and it takes the status index: `/brief` then read
every share there is to find the first visible share of its ten hits (14 ms at 100,000 shares, growing with
the archive; 1.2 ms once the planner knew the counts). Any query with two usable indexes runs the same risk, so
the cure is the statistics, not a rewrite of each query.

SQLite never gathers them itself (`PRAGMA optimize` only re-analyses tables that queries on the same
connection used, and pooled connections come and go), so `linkbrief serve` runs `ANALYZE` on SQLite when it
starts and every `STATISTICS_INTERVAL` after. `PRAGMA analysis_limit` makes it read at most `ANALYSIS_LIMIT`
rows of each index, so it costs the same at any size (about 0.2 s cold, 40 ms warm at 100,000 articles): the
counts are estimates, which is all the planner needs. PostgreSQL needs none of this: autovacuum analyses a
table after every 10% of it changed.
"""

from __future__ import annotations

from sqlalchemy import text

from bot.periodic import Periodic
from bot.store.db import Database

__all__ = ["ANALYSIS_LIMIT", "STATISTICS_INTERVAL", "PlannerStatistics", "refresh_statistics"]

STATISTICS_INTERVAL = 3600.0
ANALYSIS_LIMIT = 1000


async def refresh_statistics(database: Database) -> bool:
    """Count SQLite's indexes again for the planner (one short write transaction); False on PostgreSQL, whose
    autovacuum does it."""
    if database.dialect != "sqlite":
        return False
    async with database.session() as session, session.begin():
        await session.execute(text(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}"))
        await session.execute(text("ANALYZE"))
    return True


class PlannerStatistics:
    """Keeps SQLite's planner statistics current while the bot runs: at `start` and every `interval` seconds.

    A refresh that fails (the file busy past the busy timeout, a disk error) is logged and tried again at the
    next round (`Periodic`): plans made from older counts are still good plans for an archive that grew a little.
    """

    def __init__(self, database: Database, interval: float = STATISTICS_INTERVAL) -> None:
        self._database = database
        self._rounds = Periodic(lambda: refresh_statistics(database), interval, name="planner-statistics")

    @property
    def running(self) -> bool:
        return self._rounds.running

    def start(self) -> None:
        """Refresh now and then every interval, in this process; nothing on PostgreSQL."""
        if self._database.dialect == "sqlite":
            self._rounds.start()

    async def aclose(self) -> None:
        await self._rounds.aclose()
