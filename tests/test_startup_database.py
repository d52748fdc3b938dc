"""A PostgreSQL server that is not up yet when `linkbrief serve` starts (a container started before its database):
the process waits for it with backoff, one warning per try and no traceback, and becomes healthy once it answers;
if it never does within `LINKBRIEF_DATABASE_WAIT`, the process exits 1 with one line saying so. Real processes,
real PostgreSQL (refusing connections with `ALLOW_CONNECTIONS false`), the fake Slack."""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from conftest import POSTGRES_ADMIN_URL, _asyncpg_dsn
from fakeslack import FakeSlack
from sqlalchemy.engine import make_url
from test_startup_serve import serve_process, slack_env

pytestmark = pytest.mark.postgresql


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(wait_timeout=30) as fake:
        yield fake


async def allow_connections(database_url: str, allowed: bool) -> None:
    name = make_url(database_url).database
    admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if allowed else "false"}')
    finally:
        await admin.close()


async def test_serve_waits_for_a_database_that_is_not_up_yet(slack: FakeSlack, tmp_path: Path, pg_url: str) -> None:
    await allow_connections(pg_url, False)
    try:
        async with serve_process(tmp_path, **slack_env(slack), DATABASE_URL=pg_url) as served:
            await served.wait_for_event("database_unreachable", count=2)
            await allow_connections(pg_url, True)
            await served.wait_healthy()
            code, _took = await served.signal_and_wait(signal.SIGTERM)
    finally:
        await allow_connections(pg_url, True)
    assert code == 0, served.stderr
    assert "Traceback" not in served.stderr
    waits = [e for e in served.events() if e.get("event") == "database_unreachable"]
    assert [e["retry_in"] for e in waits[:2]] == [0.5, 1.0]
    assert all("password" not in str(e) for e in waits)


async def test_serve_gives_up_on_a_database_that_never_answers_with_one_line(slack: FakeSlack, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://linkbrief:secret@127.0.0.1:{port}/linkbrief"
    started = time.monotonic()
    async with serve_process(tmp_path, **slack_env(slack), DATABASE_URL=url, LINKBRIEF_DATABASE_WAIT="2") as served:
        code = await served.process.wait()
    assert code == 1
    assert time.monotonic() - started < 30
    assert "Traceback" not in served.stderr
    last = served.lines[-1]
    assert last.startswith("linkbrief: the database (postgresql+asyncpg://127.0.0.1:"), served.stderr
    assert "did not answer for 2 s" in last
    assert "secret" not in served.stderr
