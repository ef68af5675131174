"""CPU time of another process, from ``/proc`` (Linux): how ``bench/load.py``
charges a server for the messages it delivers, over a measured window."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from twisted.internet import task

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds ``pid`` has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        # The command name (field 2) may hold spaces; fields after it don't.
        fields = stat.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 of the whole line.
    return (int(fields[11]) + int(fields[12])) / _TICKS


def rss_kib(pid: int) -> int | None:
    """``pid``'s resident memory in KiB; None if it can't be read."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass(frozen=True)
class Window:
    """What one measured window cost a server: its CPU seconds over the
    window, the messages counted in it, and this process's own CPU (the bots'
    or echo clients' side, which shares the machine's cores)."""

    seconds: float
    cpu: float
    messages: int
    own_cpu: float

    @property
    def us_per_message(self) -> float:
        """Server CPU microseconds per message (NaN if none was counted)."""
        return self.cpu / self.messages * 1e6 if self.messages else float("nan")

    @property
    def messages_per_second(self) -> float:
        return self.messages / self.seconds

    @property
    def load(self) -> float:
        """The server's CPU use over the window: 1.0 is one core, busy."""
        return self.cpu / self.seconds

    @property
    def own_load(self) -> float:
        """This process's CPU use over the window, in cores."""
        return self.own_cpu / self.seconds


def _own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


async def measure(
    reactor, pid: int | None, seconds: float, count: Callable[[], int]
) -> Window:
    """Watch ``pid`` for ``seconds``: its CPU seconds and how far ``count``
    (messages delivered so far) went meanwhile. Start and end are each read
    in one go, so no message is handled between a count and a CPU reading.
    ``pid`` None (a server not started here): no server CPU, reported NaN."""
    start_cpu = float("nan") if pid is None else cpu_seconds(pid)
    start_own, start_count = _own_cpu_seconds(), count()
    started = time.perf_counter()
    await task.deferLater(reactor, seconds)
    elapsed = time.perf_counter() - started
    end_cpu = float("nan") if pid is None else cpu_seconds(pid)
    return Window(
        seconds=elapsed,
        cpu=end_cpu - start_cpu,
        messages=count() - start_count,
        own_cpu=_own_cpu_seconds() - start_own,
    )
