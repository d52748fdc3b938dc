"""CPU and memory of a whole process tree, measured from outside it (Linux).

Why this exists: linkbrief's work is spread over processes that come and go. The extraction pool's workers are
forked by a forkserver (so they are grandchildren of the main process, not children) and are replaced every
`WORKER_MAX_TASKS` pages; a benchmark that adds up the CPU of the children alive at the end loses every
recycled worker. A sampler thread inside the measured process charges its own CPU to what it measures, and
adding up RSS counts the pages a forkserver shares with its workers once per worker. So:

* The measurer (the process using this module) starts the measured program as its child and makes itself a
  child subreaper (`prctl(PR_SET_CHILD_SUBREAPER)`), so a process of the tree whose parent exits is re-parented
  to the measurer instead of to init, and reaped by it (`reap()`).
* CPU of the tree at a moment = for every live process below the measurer, its own user + system time plus
  `children_user + children_system` (the CPU of the children it has waited for, and of theirs, the kernel's
  `cutime`/`cstime`), plus what the measurer has reaped itself since it started (`RUSAGE_CHILDREN`). A process
  is counted once: alive (or a zombie) on its own, afterwards in its waiting parent's `children_*` times. Take a
  reading at each phase boundary and subtract.
* Memory = PSS summed over the live processes (shared pages divided among the processes sharing them), read
  from `/proc/<pid>/smaps_rollup` by the measurer, never by a thread inside the tree.

The tree is every descendant of the measurer, but for the children named in `ignore` and their descendants
(`ProcessTree.alone` ignores every child the measurer already had: a test runner's own forkserver, say); the
measurer should start nothing else while it measures.
A process that exits and is reaped between two reads of one reading can be missed or counted twice; with
readings taken at phase boundaries that is a few milliseconds at worst.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import resource
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import psutil

PR_SET_CHILD_SUBREAPER = 36


def set_subreaper(on: bool = True) -> None:
    """Make this process adopt (and so be able to reap) orphaned descendants; Linux only."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


@contextlib.contextmanager
def subreaper() -> Iterator[None]:
    """This process is a child subreaper inside the block."""
    set_subreaper(True)
    try:
        yield
    finally:
        set_subreaper(False)


def _reaped_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True, slots=True)
class CpuReading:
    """CPU seconds used so far: by the root process itself, and by everything else in the tree."""

    root: float
    others: float

    @property
    def total(self) -> float:
        return self.root + self.others

    def __sub__(self, earlier: CpuReading) -> CpuReading:
        return CpuReading(self.root - earlier.root, self.others - earlier.others)


@dataclass(frozen=True, slots=True)
class Memory:
    """Bytes summed over the live processes of the tree: PSS (the honest sum) and RSS (shared pages counted once
    per process, for comparison), and how many processes were read."""

    pss: int
    rss: int
    processes: int


@dataclass(frozen=True, slots=True)
class Seen:
    """A process of the tree as first seen: its parent and its command line."""

    ppid: int
    cmdline: tuple[str, ...]


@dataclass
class ProcessTree:
    """The descendants of this process, `root` being the measured program (a direct child).

    `cpu()` and `memory()` take a reading (`sample()` keeps the PSS peak); each also records every process it
    meets in `seen` (pid → parent, command line), so the processes started over a run can be counted when
    readings are frequent enough.
    """

    root: int
    seen: dict[int, Seen] = field(default_factory=dict)
    peak: Memory = Memory(0, 0, 0)
    """The sample with the highest PSS sum so far (`sample()`)."""
    _reaped_at_start: float = field(default_factory=_reaped_cpu)
    _me: psutil.Process = field(default_factory=psutil.Process)
    ignore: frozenset[int] = frozenset()
    """Children of the measurer that are not part of the tree (with their descendants)."""

    @classmethod
    def alone(cls, root: int) -> ProcessTree:
        """The tree of `root` only: the measurer's other children, there before it, are left out."""
        others = frozenset(child.pid for child in psutil.Process().children() if child.pid != root)
        return cls(root, ignore=others)

    def _children(self) -> list[psutil.Process]:
        """The measurer's children that belong to the tree: `root` and the orphans of the tree it adopted."""
        return [child for child in self._me.children() if child.pid not in self.ignore]

    def processes(self) -> list[psutil.Process]:
        """Every live (or not yet reaped) process of the tree, the ones met for the first time noted."""
        found = []
        for child in self._children():
            found.append(child)
            with contextlib.suppress(psutil.Error):
                found += child.children(recursive=True)
        for process in found:
            if process.pid not in self.seen:
                with contextlib.suppress(psutil.Error):
                    self.seen[process.pid] = Seen(process.ppid(), tuple(process.cmdline()))
        return found

    def reap(self) -> None:
        """Wait for adopted orphans that have exited (not for `root`: whoever started it waits for it)."""
        for child in self._children():
            if child.pid == self.root:
                continue
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(child.pid, os.WNOHANG)

    def reap_all(self, within: float = 10.0) -> bool:
        """Reap until no process of the tree is left (True) or `within` seconds have passed (False)."""
        deadline = time.monotonic() + within
        while True:
            self.reap()
            if not self.processes():
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)

    def cpu(self) -> CpuReading:
        """CPU seconds of the whole tree so far, the root's own share apart (see the module docstring)."""
        self.reap()
        root = 0.0
        others = _reaped_cpu() - self._reaped_at_start
        for process in self.processes():
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue  # gone between listing and reading: it is in its parent's children_* times now
            own = times.user + times.system
            waited = times.children_user + times.children_system
            if process.pid == self.root:
                root += own
                others += waited
            else:
                others += own + waited
        return CpuReading(root, others)

    def memory(self) -> Memory:
        """PSS and RSS summed over the live processes of the tree."""
        each = self.memory_by_process()
        return Memory(sum(m.pss for m in each.values()), sum(m.rss for m in each.values()), len(each))

    def sample(self) -> Memory:
        """A memory reading, kept in `peak` when its PSS sum is the highest so far."""
        memory = self.memory()
        if memory.pss > self.peak.pss:
            self.peak = memory
        return memory

    async def sample_every(self, interval: float) -> None:
        """`sample()` every `interval` seconds, until cancelled (run it as a task of the measurer's loop)."""
        while True:
            self.sample()
            await asyncio.sleep(interval)

    def memory_by_process(self) -> dict[int, Memory]:
        """PSS and RSS of each live process of the tree, by pid."""
        found = {}
        for process in self.processes():
            with contextlib.suppress(psutil.Error):
                info = process.memory_full_info()
                found[process.pid] = Memory(info.pss, info.rss, 1)
        return found

    def depth(self, pid: int) -> int:
        """How far below `root` a seen process was started (1: the root's child), 0 for the root or unknown."""
        depth = 0
        while pid != self.root and pid in self.seen:
            pid = self.seen[pid].ppid
            depth += 1
        return depth if pid == self.root else 0

    def role(self, pid: int) -> str:
        """What a seen process is in a linkbrief tree: main, forkserver, worker (a forkserver's child),
        resource tracker, or its command line."""
        if pid == self.root:
            return "main"
        command = " ".join(self.seen[pid].cmdline) if pid in self.seen else "?"
        if "resource_tracker" in command:
            return "resource tracker"
        if "forkserver" in command:
            return "forkserver" if self.depth(pid) == 1 else "worker"
        return command[:60]

    def started(self, role: str) -> int:
        """How many seen processes had `role` (seen: met by a reading)."""
        return sum(1 for pid in self.seen if self.role(pid) == role)
