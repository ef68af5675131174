"""Frames on their way to clients, written one connection at a time.

One client's action sends its table a dozen messages or more, and a new
round as many again. Written one by one, each message costs a pass through
autobahn's and Twisted's send path per connection. Inside an ``Outbox``
batch they are held instead, and each connection gets one write of the same
bytes, in the same order, when the batch ends.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from autobahn.websocket.protocol import PreparedMessage
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from zope.interface import implementer


class Connection(Protocol):
    """What the outbox writes to: a server protocol."""

    def sendPreparedMessage(self, preparedMsg: PreparedMessage) -> None: ...

    def send_frames(self, frames: list[bytes]) -> None: ...


class Outbox:
    """Sends prepared messages at once, or holds them to the end of a batch.

    Messages are prepared uncompressed (``doNotCompress``), so a prepared
    message's ``payloadHybi`` is the very frame ``sendPreparedMessage``
    would write.
    """

    def __init__(self) -> None:
        #: Inside a batch: the frames waiting for each connection.
        self._waiting: dict[Connection, list[bytes]] | None = None
        #: How many batches are open (they nest).
        self._depth = 0
        #: What runs once the outermost batch has written its frames.
        self._at_end: list[Callable[[], object]] = []

    def batch(self) -> Outbox:
        """Hold what is sent inside ``with outbox.batch():``, then write
        each connection's frames at once. Batches nest: the outermost one
        writes. (The outbox is its own context manager, cheaper than a
        generator-based one: it is entered for every message and timer.)"""
        return self

    def __enter__(self) -> None:
        if self._depth == 0:
            self._waiting = {}
        self._depth += 1

    def __exit__(self, *exc_info: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            waiting, self._waiting = self._waiting, None
            for connection, frames in (waiting or {}).items():
                connection.send_frames(frames)
            while self._at_end:
                self._at_end.pop(0)()

    def at_end(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` when the batch under way ends (at once outside
        one): what one event changed is written to storage together."""
        if self._depth == 0:
            callback()
        else:
            self._at_end.append(callback)

    def send(self, connection: Connection, prepared: PreparedMessage) -> None:
        """Send ``prepared`` to ``connection``, or hold it if in a batch."""
        if self._waiting is None:
            connection.sendPreparedMessage(prepared)
            return
        frames = self._waiting.get(connection)
        if frames is None:
            self._waiting[connection] = [prepared.payloadHybi]
        else:
            frames.append(prepared.payloadHybi)

    def flush(self, connection: Connection) -> None:
        """Write what a batch holds for ``connection`` now (before a close)."""
        if self._waiting is not None:
            frames = self._waiting.pop(connection, None)
            if frames:
                connection.send_frames(frames)

    def timed(self, clock: IReactorTime) -> IReactorTime:
        """``clock``, but each of its timers runs in a batch: what a turn
        timer or the next round sends goes out batched too."""
        return _BatchingClock(clock, self)


@implementer(IReactorTime)
class _BatchingClock:
    def __init__(self, clock: IReactorTime, outbox: Outbox) -> None:
        self._clock = clock
        self._outbox = outbox

    def seconds(self) -> float:
        return self._clock.seconds()

    def callLater(
        self, delay: float, callable: Callable[..., Any], *args: object, **kw: object
    ) -> IDelayedCall:
        return self._clock.callLater(delay, self._run, callable, args, kw)

    def getDelayedCalls(self) -> Sequence[IDelayedCall]:
        return self._clock.getDelayedCalls()

    def _run(
        self,
        callable: Callable[..., Any],
        args: tuple[object, ...],
        kw: dict[str, object],
    ) -> None:
        with self._outbox.batch():
            callable(*args, **kw)
