"""procrastinate's log during a database outage: its message in one line, without the traceback it attaches
(its worker and its periodic deferrer log every lost connection with `logger.exception`). The exception is a
real one: asyncpg refused by a port nothing listens on, as SQLAlchemy raises it."""

from __future__ import annotations

import io
import json
import logging
import socket
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

import bot.queue  # noqa: F401  (puts the filter on procrastinate's loggers)
from bot.logs import configure_logging


async def refused_connection_error() -> BaseException:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = create_async_engine(f"postgresql+asyncpg://nobody@127.0.0.1:{port}/none")
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
    except Exception as exc:
        return exc
    finally:
        await engine.dispose()
    raise AssertionError("the connection was not refused")


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("INFO", "json")
    stream = io.StringIO()
    root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("logger", ["procrastinate.worker", "procrastinate.periodic", "procrastinate.manager"])
async def test_a_database_outage_is_one_line_in_procrastinates_log(log_lines: io.StringIO, logger: str) -> None:
    error = await refused_connection_error()
    try:
        raise error
    except Exception:
        logging.getLogger(logger).exception("Error while deferring periodic tasks %s", "now")
    [line] = log_lines.getvalue().splitlines()
    record = json.loads(line)
    assert record["event"].startswith("Error while deferring periodic tasks now (")
    assert "Traceback" not in line
    assert "exception" not in record


async def test_other_errors_keep_their_traceback(log_lines: io.StringIO) -> None:
    try:
        raise ValueError("a bug")
    except ValueError:
        logging.getLogger("procrastinate.worker").exception("Job failed")
    assert "Traceback" in log_lines.getvalue()
