"""The CPU pool as a running bot has it: no worker until a page needs one, and workers that do not run the
parent's main program again.

Real processes throughout: a real `linkbrief serve` (`python -m bot serve`) answering a signed event from the
fake Slack, its process tree read with psutil; and a real script, run as the main program, whose top level
notes each time it runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import aiohttp
import fleet
import psutil
import pytest
from fakeslack import FakeSlack
from fleet import replies_per_share, send_links
from slackbot import ArticleSite, eventually
from test_startup_serve import serve_process, slack_env

# The fake Slack and the article pages, shared with the delivery and queue tests.
slack, site = fleet.slack, fleet.site


def pool_processes(pid: int) -> tuple[list[psutil.Process], list[psutil.Process]]:
    """The forkservers below process `pid` and the workers they forked."""
    servers = [p for p in psutil.Process(pid).children() if "forkserver" in " ".join(p.cmdline())]
    return servers, [worker for server in servers for worker in server.children()]


async def test_serve_starts_no_worker_until_the_first_page_needs_one(
    slack: FakeSlack, site: ArticleSite, tmp_path: Path
) -> None:
    env = {**slack_env(slack), "LINKBRIEF_CHANNEL_POST_INTERVAL": "0", "LINKBRIEF_CPU_WORKERS": "2"}
    async with aiohttp.ClientSession() as http, serve_process(tmp_path, "--mode", "http", **env) as served:
        await served.wait_healthy()
        pid = served.process.pid
        # Idle, healthy and answering: one process, no forkserver and no worker holding the extraction stack.
        assert psutil.Process(pid).children(recursive=True) == []

        await send_links(http, served, "C0LAZY", [site.url("/harbour")])
        await eventually(lambda: sum(replies_per_share(slack).values()) == 1, within=60)

        servers, workers = pool_processes(pid)
        assert len(servers) == 1
        assert len(workers) == 2  # the first page started the pool, with its configured workers


MAIN_SCRIPT = """
import os
import sys

import main_program_imports  # what the program imports: a line in the file each time it is imported


def whose() -> int:
    return os.getpid()


if __name__ == "__main__":
    import asyncio

    from bot.pipeline.cpu_pool import CpuPool

    async def main() -> None:
        async with CpuPool(workers=2, timeout=60, max_tasks=1) as pool:
            pids = [await pool.run(whose) for _ in range(4)]
        print(" ".join(map(str, pids)))

    asyncio.run(main())
"""

IMPORTED_MODULE = """
import os
import sys

with open(sys.argv[1] if len(sys.argv) > 1 else os.environ["IMPORTS_FILE"], "a") as imports:
    imports.write(f"{os.getpid()}\\n")
"""


def test_workers_do_not_import_the_main_programs_imports_again(tmp_path: Path) -> None:
    """A script as the main program, as the `linkbrief` command is: multiprocessing runs its top level again in
    every worker it starts, and without a preload each worker would import what it imports (for `linkbrief`,
    the whole CLI) on its own. Its imports are loaded once in the forkserver instead, so a fresh worker for
    every task imports nothing of it."""
    (tmp_path / "main_program.py").write_text(textwrap.dedent(MAIN_SCRIPT))
    (tmp_path / "main_program_imports.py").write_text(textwrap.dedent(IMPORTED_MODULE))
    imports = tmp_path / "imports.txt"

    done = subprocess.run(  # noqa: S603 - a script of this test, run by this interpreter
        [sys.executable, "main_program.py", str(imports)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "IMPORTS_FILE": str(imports)},
    )

    assert done.returncode == 0, done.stderr
    workers = done.stdout.split()
    assert len(set(workers)) == 4, "each task ran in a new worker"
    importers = imports.read_text().split()
    assert len(importers) == 2, importers  # the program itself, then the forkserver's preload
    assert not set(workers) & set(importers)


CANCELLED_START_SCRIPT = """
import asyncio
import os

import psutil

from bot.pipeline.cpu_pool import CpuPool


async def main() -> None:
    pool = CpuPool(workers=2, timeout=60)
    task = asyncio.create_task(pool.run(os.getpid))
    await asyncio.sleep(0.3)  # the forkserver is still loading the extraction stack (seconds)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("cancelled", pool.started)
    await pool.close()
    # Workers left behind would show up once the forkserver is up: another pool's task waits for that.
    async with CpuPool(workers=1, timeout=60) as other:
        await other.run(os.getpid)
    most = 0
    for _ in range(10):
        servers = [p for p in psutil.Process().children() if "forkserver" in " ".join(p.cmdline())]
        most = max(most, sum(len(server.children()) for server in servers))
        await asyncio.sleep(0.2)
    print("workers left", most)


if __name__ == "__main__":
    asyncio.run(main())
"""


def test_a_first_page_cancelled_while_the_pool_starts_leaves_no_worker_behind(tmp_path: Path) -> None:
    """The first page's task cancelled (a shutdown, say) while the workers are still starting: the pool is kept
    and `close` stops its workers, rather than leaving them running unowned. A fresh process, so the forkserver
    really is starting when the task is cancelled."""
    (tmp_path / "cancelled_start.py").write_text(textwrap.dedent(CANCELLED_START_SCRIPT))

    done = subprocess.run(
        [sys.executable, "cancelled_start.py"], capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["cancelled True", "workers left 0"], done.stdout + done.stderr


def test_the_pool_settings_are_read_under_their_names_and_their_former_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import Settings

    monkeypatch.setenv("LINKBRIEF_CPU_WORKERS", "3")
    monkeypatch.setenv("LINKBRIEF_CPU_TIMEOUT", "7.5")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.cpu_workers, settings.cpu_timeout) == (3, 7.5)
    monkeypatch.delenv("LINKBRIEF_CPU_WORKERS")
    monkeypatch.delenv("LINKBRIEF_CPU_TIMEOUT")
    monkeypatch.setenv("LINKBRIEF_EXTRACT_WORKERS", "2")
    monkeypatch.setenv("LINKBRIEF_EXTRACT_TIMEOUT", "4")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.cpu_workers, settings.cpu_timeout) == (2, 4.0)
