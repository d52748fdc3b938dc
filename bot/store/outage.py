"""Telling a database that is away from a bug: what the worker waits out instead of answering the user.

A link whose page could not be read gets a short reply saying why; a database that is restarting, refusing
connections or has dropped ours is *our* infrastructure, not the link's fault, so the share must stay to be
picked up again once the database is back, with no "something went wrong" reply (issue #10, item 2).
`is_database_outage` is the one place that decides which exceptions mean that, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

# SQLSTATE classes of PostgreSQL errors that say the server or the connection is the problem, not the query:
# 08 connection exception, 53 insufficient resources (disk full, out of memory, too many connections),
# 57 operator intervention (admin shutdown, crash shutdown, cannot connect now), 58 system error (I/O).
_OUTAGE_CLASSES = ("08", "53", "57", "58")
# "database … is not currently accepting connections" (ALLOW_CONNECTIONS false) is 55000, a class shared
# with real bugs, so it is recognised by its text.
_NOT_ACCEPTING = "not currently accepting connections"


class DatabaseUnavailable(Exception):
    """The database cannot be reached now; the work it interrupted is to be retried, not reported."""


def is_database_outage(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) says the database is away rather than that a statement is wrong."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _is_outage(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _is_outage(exc: BaseException) -> bool:
    if isinstance(exc, DatabaseUnavailable):
        return True
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError)):
        return True  # SQLite: locked past the busy timeout, disk full, I/O error; any driver: connection gone
    if isinstance(exc, sa_exc.TimeoutError):
        return True  # no pooled connection came back in time
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        state = str(getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None) or "")
        return state[:2] in _OUTAGE_CLASSES or _NOT_ACCEPTING in str(exc.orig)
    return isinstance(exc, ConnectionError)  # asyncpg connecting to a server that is not listening
