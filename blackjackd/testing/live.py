"""A real server on a free loopback port, recording what it sends: for
testing a bot or a client end to end over real TCP."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from twisted.internet.address import IPv4Address
from twisted.internet.defer import maybeDeferred
from twisted.internet.interfaces import IListeningPort, IReactorTCP, IReactorTime
from twisted.protocols.policies import WrappingFactory

from blackjackd.lobby import AnyConfig, Lobby
from blackjackd.protocol import BlackjackServerFactory, BlackjackServerProtocol
from blackjackd.shoe import Shoe, StackedShoe
from blackjackd.table import TableConfig
from blackjackd.testing.loopback import wait_for
from blackjackd.web import build_site
from blackjackd.wire import ServerMessage, as_dict


class RecordingServerProtocol(BlackjackServerProtocol):
    """The real server protocol, keeping in its factory every message it
    sends (``sent``: player id and message) and how each connection closed
    (``closes``: player id to clean and code)."""

    factory: RecordingServerFactory

    def send_message(self, message: ServerMessage) -> None:
        self.factory.sent.append((self.player_id, as_dict(message)))
        super().send_message(message)

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        self.factory.closes[self.player_id] = (wasClean, code)
        super().onClose(wasClean, code, reason)


class RecordingServerFactory(BlackjackServerFactory):
    """The real factory, building ``RecordingServerProtocol``s."""

    protocol = RecordingServerProtocol

    def __init__(self, lobby: Lobby, clock: IReactorTime) -> None:
        super().__init__(lobby, clock)
        self.sent: list[tuple[int | None, dict[str, Any]]] = []
        self.closes: dict[int | None, tuple[bool, int | None]] = {}


class LiveServer:
    """The real lobby, factory and site listening on 127.0.0.1.

    One table deals ``cards`` from a ``StackedShoe`` (or deals from
    ``shoe``), by ``TableConfig(seats, round_delay)`` or ``config``. It
    listens on ``port`` (a free one by default) of ``reactor`` (the global
    reactor by default); the tables keep time on ``clock`` (the reactor by
    default; a ``Clock`` keeps the game still while the network is real).
    ``stop`` closes every connection and the port: await it before the test
    ends.
    """

    def __init__(
        self,
        cards: Sequence[str] = (),
        seats: int = 2,
        round_delay: float = 0.3,
        port: int = 0,
        *,
        config: AnyConfig | None = None,
        shoe: Shoe | None = None,
        reactor: IReactorTCP | None = None,
        clock: IReactorTime | None = None,
    ) -> None:
        if reactor is None:
            from twisted.internet import reactor as global_reactor

            reactor = IReactorTCP(global_reactor)
        self.reactor = reactor
        self.clock = clock if clock is not None else IReactorTime(reactor)
        self.shoe = shoe if shoe is not None else StackedShoe(cards)
        self.lobby = Lobby.build(
            tables=1,
            config=config
            or TableConfig(seats=seats, turn_timeout=30, round_delay=round_delay),
            clock=self.clock,
            rng=random.Random(0),
            shoe_factory=lambda config: self.shoe,
        )
        self.factory = RecordingServerFactory(self.lobby, self.clock)
        # Counts every connection, HTTP ones too, so ``stop`` can wait for
        # the last to go.
        self._connections = WrappingFactory(build_site(self.factory, self.clock))
        self.port: IListeningPort | None = None
        self.listen(port)

    def listen(self, number: int = 0) -> int:
        """Listen on port ``number`` (0: any free one); the port's number."""
        self.port = self.reactor.listenTCP(
            number,
            # Twisted annotates the factory as a ServerFactory; any protocol
            # factory will do, and WrappingFactory derives from ClientFactory.
            self._connections,  # type: ignore[arg-type]
            interface="127.0.0.1",
        )
        return self.port_number

    @property
    def port_number(self) -> int:
        """The port the server listens on."""
        assert self.port is not None, "the server isn't listening"
        address = self.port.getHost()
        assert isinstance(address, IPv4Address)
        return address.port

    @property
    def url(self) -> str:
        """The game's WebSocket URL."""
        return f"ws://127.0.0.1:{self.port_number}/websocket"

    @property
    def connections(self) -> int:
        """How many TCP connections to the server are open."""
        return len(self._connections.protocols)

    def told(self, player_id: int | None, kind: str) -> list[dict[str, Any]]:
        """Every message of type ``kind`` sent to ``player_id``."""
        return [
            message
            for to, message in self.factory.sent
            if to == player_id and message["type"] == kind
        ]

    def round_overs(self) -> list[dict[str, Any]]:
        """Every ``round_over`` sent, to whoever it went."""
        return [m for _, m in self.factory.sent if m["type"] == "round_over"]

    async def stop(self) -> None:
        """Drop every connection, stop the tables' timers and stop listening."""
        for client in list(self.factory.clients):
            client.dropConnection(abort=True)
        network = IReactorTime(self.reactor)
        await wait_for(lambda: not self.factory.clients, "its clients gone", network)
        await wait_for(lambda: not self.connections, "its connections gone", network)
        self.lobby.close()
        if self.port is not None:
            port, self.port = self.port, None
            await maybeDeferred(port.stopListening)
