"""A real blackjackd server on a free loopback port, on the real reactor,
with a stacked shoe, recording every message it sends; and waiting, without
sleeping, for something to become true.

What a bot's own tests would want too: a candidate for ``blackjackd.testing``.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from twisted.internet import reactor, task

from blackjackd.lobby import Lobby
from blackjackd.protocol import BlackjackServerFactory, BlackjackServerProtocol
from blackjackd.shoe import StackedShoe
from blackjackd.table import TableConfig
from blackjackd.web import build_site

TIMEOUT = 10.0


class RecordingServerProtocol(BlackjackServerProtocol):
    """The real server protocol, keeping every message it sends."""

    def send_message(self, message):
        self.factory.sent.append((self.player_id, message))
        super().send_message(message)

    def onClose(self, wasClean, code, reason):
        self.factory.closes[self.player_id] = (wasClean, code)
        super().onClose(wasClean, code, reason)


class Server:
    """The real lobby, factory and site on 127.0.0.1, on a free port."""

    def __init__(self, cards, seats=2, round_delay=0.3, port=0):
        self.shoe = StackedShoe(cards)
        self.lobby = Lobby.build(
            tables=1,
            config=TableConfig(seats=seats, turn_timeout=30, round_delay=round_delay),
            clock=reactor,
            rng=random.Random(0),
            shoe_factory=lambda config: self.shoe,
        )
        self.factory = BlackjackServerFactory(self.lobby, reactor)
        self.factory.protocol = RecordingServerProtocol
        self.factory.sent = []
        self.factory.closes = {}
        self.port = None
        self.listen(port)

    def listen(self, number=0):
        self.port = reactor.listenTCP(
            number, build_site(self.factory, reactor), interface="127.0.0.1"
        )
        return self.port.getHost().port

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port.getHost().port}/websocket"

    def round_overs(self):
        return [m for _, m in self.factory.sent if m["type"] == "round_over"]

    async def stop(self):
        for client in list(self.factory.clients):
            client.dropConnection(abort=True)
        await wait_for(lambda: not self.factory.clients, "the server's clients gone")
        self.lobby.close()
        if self.port is not None:
            await self.port.stopListening()
            self.port = None


async def wait_for(condition: Callable[[], object], what: str) -> None:
    """Until ``condition()`` holds, checking every few milliseconds."""
    deadline = reactor.seconds() + TIMEOUT
    while not condition():
        if reactor.seconds() > deadline:
            raise TimeoutError(f"waited {TIMEOUT} s for {what}")
        await task.deferLater(reactor, 0.01, lambda: None)


# ann: TS 2S (12), hits 8H (20); bob: 9C 7D (16) stands; dealer: TH 8D (18).
# The next round: ann 2C 3C, bob 4C 5C (dealt one each, then a second).
ROUND = ["TS", "2S", "9C", "7D", "8H", "TH", "8D", "2C", "4C", "3C", "5C"]
