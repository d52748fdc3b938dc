"""The benchmarks' process-tree accounting (benchmarks/proctree.py) keeps the CPU of recycled workers.

This file is also the measured program: run as a script, it starts a pebble pool on a forkserver with
`max_tasks=1`, so every task gets a fresh worker (a grandchild of the script, reaped by the forkserver) that
exits after it, the way the extraction pool recycles its workers. Each worker burns a known CPU time and returns its
whole CPU time, measured inside it with `time.process_time`. The test measures the tree from outside, as
`benchmarks.pipeline` does. Real processes; the file's top level imports only the standard library because
every worker re-imports it.
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
    """Run TASKS burns, each in a worker of its own; print the CPU they reported, then wait for a line on stdin
    (the measurer's reading happens in between) and exit."""
    import multiprocessing

    from pebble import ProcessPool

    pool = ProcessPool(max_workers=2, max_tasks=1, context=multiprocessing.get_context("forkserver"))
    reported = sum(pool.schedule(burn, args=(BURN_SECONDS,)).result() for _ in range(TASKS))
    print(reported, flush=True)
    sys.stdin.readline()
    pool.stop()
    pool.join()


def test_recycled_workers_cpu_is_counted() -> None:
    import psutil

    from benchmarks.proctree import ProcessTree, subreaper

    with subreaper():
        child = subprocess.Popen(  # noqa: S603 - this file, run by this interpreter
            [sys.executable, str(Path(__file__))], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        try:
            tree = ProcessTree(child.pid)
            before = tree.cpu()
            assert child.stdout is not None
            assert child.stdin is not None
            reported = float(child.stdout.readline())
            during = tree.cpu() - before
            # What the old benchmark counted: the CPU of the workers still alive.
            alive = sum(sum(p.cpu_times()[:2]) for p in psutil.Process(child.pid).children(recursive=True))
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
    assert after.total >= during.total - TICKS
    assert emptied, "every process of the tree has exited and been reaped"


if __name__ == "__main__":
    measured_program()
