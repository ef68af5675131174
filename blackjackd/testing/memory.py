"""The in-memory server: the real lobby and WebSocket factory on a ``Clock``,
with real autobahn clients joined to it through in-memory transports."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from typing import Any

from autobahn.twisted.websocket import WebSocketClientFactory, WebSocketClientProtocol
from twisted.internet.address import IPv4Address
from twisted.internet.task import Clock
from twisted.test import iosim

from blackjackd.lobby import AnyConfig, Lobby, new_shoe
from blackjackd.protocol import BlackjackServerFactory, ClientLimits
from blackjackd.shoe import Shoe, StackedShoe
from blackjackd.table import TableConfig

#: Client limits without the timers autobahn would run on the global
#: reactor: tests drive time themselves.
QUIET_LIMITS = ClientLimits(
    auto_ping_interval=0,
    open_handshake_timeout=0,
    close_handshake_timeout=0,
    auth_timeout=0,
)


class RecordingClient(WebSocketClientProtocol):
    """A client that records every message and how the connection closed."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[Any] = []
        self.binary_received: list[bytes] = []
        self.opened = False
        self.close_code: int | None = None
        self.closed = False

    def onOpen(self) -> None:
        self.opened = True

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        if isBinary:
            self.binary_received.append(payload)
        else:
            self.received.append(json.loads(payload))

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        self.closed = True
        self.close_code = code

    def send(self, message: Any) -> None:
        """Send ``message`` (any JSON value) as a text frame."""
        self.sendMessage(json.dumps(message).encode(), isBinary=False)

    def take(self) -> list[dict[str, Any]]:
        """Every message received since the last ``take``."""
        taken, self.received = self.received, []
        return taken

    def types(self) -> list[str]:
        return [message["type"] for message in self.received]


class MemoryServer:
    """A lobby behind the real factory, reached by in-memory clients.

    Tables deal ``cards`` from a ``StackedShoe`` (each table its own copy),
    or from a seeded real shoe with ``real_shoe_seed``; ``config`` is a
    ``TableConfig`` (classic) or a ``CasinoConfig``.
    """

    def __init__(
        self,
        cards: Sequence[str] = (),
        *,
        tables: int = 1,
        config: AnyConfig | None = None,
        limits: ClientLimits = QUIET_LIMITS,
        real_shoe_seed: int | None = None,
    ) -> None:
        self.clock = Clock()
        self.config = config or TableConfig(seats=5, turn_timeout=30, round_delay=3)
        self.shoes: list[Shoe] = []

        def shoe_factory(config: AnyConfig) -> Shoe:
            if real_shoe_seed is not None:
                shoe: Shoe = new_shoe(config, random.Random(real_shoe_seed))
            else:
                shoe = StackedShoe(cards)
            self.shoes.append(shoe)
            return shoe

        self.lobby = Lobby.build(
            tables=tables,
            config=self.config,
            clock=self.clock,
            rng=random.Random(0),
            shoe_factory=shoe_factory,
        )
        self.factory = BlackjackServerFactory(self.lobby, self.clock, limits)
        self._pumps: list[iosim.IOPump] = []

    def connect(self, origin: str | None = None) -> RecordingClient:
        """Open a WebSocket from a new client and finish the handshake."""
        port = 40000 + len(self._pumps)
        client_address = IPv4Address("TCP", "127.0.0.1", port)
        server_address = IPv4Address("TCP", "127.0.0.1", 8888)
        server = self.factory.buildProtocol(client_address)
        client_factory = WebSocketClientFactory(
            "ws://127.0.0.1:8888/websocket", origin=origin
        )
        client_factory.protocol = RecordingClient
        client_factory.setProtocolOptions(
            autoPingInterval=0,
            openHandshakeTimeout=0,
            closeHandshakeTimeout=0,
            serverConnectionDropTimeout=0,
        )
        client = client_factory.buildProtocol(server_address)
        assert isinstance(client, RecordingClient)
        pump = iosim.connect(
            server,
            iosim.FakeTransport(
                server,
                isServer=True,
                hostAddress=server_address,
                peerAddress=client_address,
            ),
            client,
            iosim.FakeTransport(
                client,
                isServer=False,
                hostAddress=client_address,
                peerAddress=server_address,
            ),
            greet=False,
        )
        self._pumps.append(pump)
        self.flush()
        return client

    def seat(self, username: str) -> RecordingClient:
        """Connect and authorize; the client's ``received`` starts after auth."""
        client = self.connect()
        # Checked even under python -O: a test's set-up must not go quiet.
        greeting = client.take()
        if greeting != [{"type": "auth"}]:
            raise AssertionError(f"expected an auth request, got {greeting!r}")
        client.send({"type": "auth", "data": {"username": username}})
        self.flush()
        return client

    def flush(self) -> None:
        """Deliver everything in flight, both ways, until nothing moves."""
        moved = True
        while moved:
            moved = False
            for pump in self._pumps:
                moved = pump.pump() or moved

    def advance(self, seconds: float) -> None:
        """Move the tables' clock on, then deliver what that sent."""
        self.clock.advance(seconds)
        self.flush()

    def close_all(self) -> None:
        """Close every connection and stop the tables' timers."""
        for pump in self._pumps:
            pump.client.transport.loseConnection()
            pump.server.transport.loseConnection()
        self.flush()
        self.lobby.close()
