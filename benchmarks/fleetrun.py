"""Real `linkbrief serve` / `linkbrief worker` processes for the chaos and throughput benchmarks.

Each process runs as a user runs it (`python -m bot serve|worker --port P`, settings from the environment
only), on a clean environment pointed at a fake Slack and a database, its log in a file (a ten-minute run
writes too much to keep in memory). A process can be killed (SIGKILL) and started again on the same port, as
a supervisor (systemd, Kubernetes) would after a crash. Also: a throw-away PostgreSQL database per run, taken
away (`ALLOW_CONNECTIONS false` and its backends terminated, as a failover does) and brought back.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import asyncpg
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_BASE = "postgresql+asyncpg://postgres@127.0.0.1:5432/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_env(workdir: Path, **settings: str) -> dict[str, str]:
    """The environment without any linkbrief setting of the caller's, plus `settings`; data kept in `workdir`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINKBRIEF_", "SLACK_", "DATABASE_URL", "OPENAI_"))}
    env |= {
        "XDG_DATA_HOME": str(workdir / "xdg-data"),
        "HOME": str(workdir / "home"),
        "LINKBRIEF_LISTEN_HOST": "127.0.0.1",
        "LINKBRIEF_LOG_FORMAT": "json",
        "LINKBRIEF_FETCH_ALLOW_PRIVATE": "1",  # the pages are served on 127.0.0.1
        "PYTHONPATH": str(REPO),
    }
    return env | settings


@dataclass
class BotProcess:
    """One `linkbrief <command>` process, started again on the same port after a kill."""

    name: str  # e.g. "serve-1"
    command: str  # "serve" or "worker"
    env: dict[str, str]
    workdir: Path
    port: int = field(default_factory=free_port)
    process: asyncio.subprocess.Process | None = None
    starts: int = 0
    kills: int = 0
    exits: list[int] = field(default_factory=list)  # exit codes of the runs that ended on their own

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / f"{self.name}.log"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                self.command,
                "--port",
                str(self.port),
                env=self.env,
                cwd=self.workdir,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        self.starts += 1

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no release of anything (a crash, an OOM kill, a power cut)."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            await self.process.wait()
            self.kills += 1

    async def stop(self, within: float = 30.0) -> None:
        """SIGTERM, then SIGKILL after `within` seconds."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            await self.kill()

    def exited_by_itself(self) -> int | None:
        """The exit code when the process ended without being killed here (noted once), else None."""
        if self.process is None or self.process.returncode is None:
            return None
        code = self.process.returncode
        if code == -signal.SIGKILL:
            return None
        self.exits.append(code)
        self.process = None
        return code

    async def wait_healthy(self, http: aiohttp.ClientSession, within: float = 120.0) -> None:
        """Until `/healthz` answers 200 (the process has started and reached its database and Slack)."""
        deadline = time.monotonic() + within
        while True:
            if self.process is not None and self.process.returncode is not None:
                raise SystemExit(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                async with http.get(self.base_url + "/healthz", timeout=aiohttp.ClientTimeout(total=2)) as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{self.name} not healthy after {within:.0f} s; see {self.log_path}")
            await asyncio.sleep(0.25)

    def log_count(self, text: str) -> int:
        """How many lines of the process's log (all its runs) contain `text`."""
        with self.log_path.open(encoding="utf-8", errors="replace") as log:
            return sum(1 for line in log if text in line)


async def run_migrate(env: dict[str, str], workdir: Path) -> None:
    """`linkbrief migrate` once before the processes start (they would race to create the schema)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "migrate",
        env=env,
        cwd=workdir,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"linkbrief migrate failed: {err.decode()[-2000:]}")


@asynccontextmanager
async def postgres_database(prefix: str) -> AsyncIterator[str]:
    """A new empty database on the local PostgreSQL for one run (SQLAlchemy URL), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        admin = await asyncpg.connect(POSTGRES_ADMIN)
    except (OSError, asyncpg.PostgresError) as exc:
        raise SystemExit(f"PostgreSQL is not reachable on 127.0.0.1:5432 ({exc})") from exc
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield POSTGRES_BASE + name
    finally:
        admin = await asyncpg.connect(POSTGRES_ADMIN)
        try:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        finally:
            await admin.close()


async def take_database_away(database_url: str) -> int:
    """Refuse new connections and end every open one (as a restart or failover does); returns how many ended."""
    name = make_url(database_url).database
    admin = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        ended = await admin.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        return len(ended)
    finally:
        await admin.close()


async def bring_database_back(database_url: str) -> None:
    name = make_url(database_url).database
    admin = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    finally:
        await admin.close()
