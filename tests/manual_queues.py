"""Queues for tests: a database queue and a "thread" that run only when a
test says, in order, as the real worker thread and ``deferToThread`` would,
but at moments the test chooses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.internet import defer

from blackjackd.testing import MemoryServer


class ManualQueue:
    """Work queued first in, first out; ``run_next`` runs one item."""

    def __init__(self) -> None:
        self.queue: list[tuple[Callable[[], Any], defer.Deferred[Any]]] = []

    def run(self, work: Callable[[], Any]) -> defer.Deferred[Any]:
        done: defer.Deferred[Any] = defer.Deferred()
        self.queue.append((work, done))
        return done

    def stop(self, last: Callable[[], None]) -> defer.Deferred[None]:
        return self.run(last)

    def in_thread(
        self, function: Callable[..., Any], *args: Any
    ) -> defer.Deferred[Any]:
        return self.run(lambda: function(*args))

    def run_next(self) -> None:
        work, done = self.queue.pop(0)
        try:
            result = work()
        except Exception:
            done.errback()
        else:
            done.callback(result)

    def run_all(self) -> None:
        while self.queue:
            self.run_next()


def make_database_manual(server: MemoryServer) -> ManualQueue:
    """From now on the server's database work waits in a queue (one worker
    thread, FIFO, like ``Database``'s)."""
    assert server.database is not None
    queue = ManualQueue()
    server.database._runner = queue  # type: ignore[assignment]
    return queue


def make_threads_manual(server: MemoryServer) -> ManualQueue:
    """From now on password hashing waits until the test runs it."""
    assert server.accounts is not None
    queue = ManualQueue()
    server.accounts._run_in_thread = queue.in_thread
    return queue
