"""The benchmarks' process-tree accounting (benchmarks/proctree.py) keeps the CPU of recycled workers.

This file is also the measured program: run as a script, it starts the bot's CPU pool (`CpuPool`, pebble on a
forkserver) with `max_tasks=1`, so every task gets a fresh worker (a grandchild of the script, reaped by the
forkserver) that exits after it, the way the pool recycles its workers. Each worker burns a known CPU time and
returns its whole CPU time, measured inside it with `time.process_time`. The test measures the tree from outside, as
`benchmarks.pipeline` does. Real processes; the file's top level imports only the standard library because
the forkserver runs it again (as the parent's main module) before forking the workers.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

TASKS = 8
BURN_SECONDS = 0.1
TICKS = 0.05
"""/proc reports CPU in clock ticks (10 ms), rounded down once per process read: the most a reading may lose."""


def burn(seconds: float) -> float:
    """Busy-loop for `seconds` of this process's CPU; return all the CPU this process has used so far (a worker
    that runs one task only: all its work but the last moments, returning the value and exiting)."""
    started = time.process_time()
    while time.process_time() - started < seconds:
        pass
    return time.process_time()


def measured_program() -> None:
    """Start the bot's own CPU pool, recycling each worker after one task; say "ready" and wait for a line on
    stdin (the measurer's first reading); run TASKS burns, print the CPU they reported, then wait for a line
    again (the second reading) and exit."""
    import asyncio

    from bot.pipeline.cpu_pool import CpuPool

    async def run() -> None:
        async with CpuPool(workers=2, timeout=60, max_tasks=1) as pool:
            await pool.run(burn, 0.0)  # the forkserver's start-up (seconds of CPU) is done before the reading
            print("ready", flush=True)
            await asyncio.to_thread(sys.stdin.readline)
            burnt = await asyncio.gather(*(pool.run(burn, BURN_SECONDS) for _ in range(TASKS)))
            print(sum(burnt), flush=True)
            await asyncio.to_thread(sys.stdin.readline)

    asyncio.run(run())


def test_recycled_workers_cpu_is_counted() -> None:
    import psutil

    from benchmarks.proctree import ProcessTree, subreaper

    with subreaper():
        child = subprocess.Popen(  # noqa: S603 - this file, run by this interpreter
            [sys.executable, str(Path(__file__))], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        try:
            tree = ProcessTree.alone(child.pid)
            assert child.stdout is not None
            assert child.stdin is not None
            assert child.stdout.readline() == "ready\n"
            before = tree.cpu()
            child.stdin.write("\n")
            child.stdin.flush()
            reported = float(child.stdout.readline())
            during = tree.cpu() - before
            # What the old benchmark counted: the CPU of the workers still alive.
            alive = sum(
                sum(worker.cpu_times()[:2])
                for forkserver in psutil.Process(child.pid).children()
                for worker in forkserver.children()
            )
            child.stdin.write("\n")
            child.stdin.flush()
            assert child.wait(timeout=30) == 0
            emptied = tree.reap_all(within=10)  # the forkserver outlives the child: adopted and reaped here
            after = tree.cpu() - before
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()

    assert reported >= TASKS * BURN_SECONDS
    assert alive < reported / 2, "the pool should have recycled the workers that did the work"
    # Losing one worker would lose more than BURN_SECONDS > TICKS.
    assert during.others >= reported - TICKS, f"tree counted {during.others:.3f} s, workers said {reported:.3f}"
    assert during.others < 2 * reported, "no process counted twice"
    assert after.total >= during.total - TICKS
    assert emptied, "every process of the tree has exited and been reaped"


if __name__ == "__main__":
    measured_program()
