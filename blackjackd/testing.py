"""Fakes for testing code that plays blackjackd: bots, clients, tables.

As ``treq.testing`` does for HTTP, this module serves a real server without a
network. ``MemoryServer`` is the real lobby and WebSocket factory, dealing
from stacked shoes on a ``Clock``; each ``RecordingClient`` is a real autobahn
client joined to it in memory, so a test moves bytes (``flush``) and time
(``advance``) itself. ``Inbox`` records what a table sends one player,
``deal`` stacks a casino deal, ``CasinoSetup`` seats players at a casino
table, and ``QueueClient``/``open_client`` talk to a server over real TCP
(loopback tests). ``error_events`` collects errors logged meanwhile.

Importable without pytest; nothing here touches the global reactor unless
it is passed in.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from autobahn.twisted.websocket import WebSocketClientFactory, WebSocketClientProtocol
from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred, DeferredQueue
from twisted.internet.endpoints import TCP4ClientEndpoint
from twisted.internet.interfaces import IReactorTCP, IReactorTime
from twisted.internet.task import Clock
from twisted.logger import ILogObserver, LogEvent, globalLogPublisher
from twisted.test import iosim
from zope.interface import provider

from blackjackd.casino import CasinoConfig, PlayerHand
from blackjackd.casino_table import CasinoTable
from blackjackd.ledger import Ledger
from blackjackd.lobby import AnyConfig, Lobby
from blackjackd.protocol import BlackjackServerFactory, ClientLimits
from blackjackd.shoe import Shoe, StackedShoe
from blackjackd.table import TableConfig
from blackjackd.wire import (
    BetRequest,
    DoubleRequest,
    HitRequest,
    InsuranceRequest,
    ServerMessage,
    SplitRequest,
    StandRequest,
    SurrenderRequest,
    as_dict,
)

#: Client limits without the timers autobahn would run on the global
#: reactor: tests drive time themselves.
QUIET_LIMITS = ClientLimits(
    auto_ping_interval=0,
    open_handshake_timeout=0,
    close_handshake_timeout=0,
    auth_timeout=0,
)


class Inbox(list[dict[str, Any]]):
    """A player's ``send`` for a table built in a test: keeps every message
    as the JSON object that would go out, so tests compare plain dicts."""

    def __call__(self, message: ServerMessage) -> None:
        self.append(as_dict(message))

    def types(self) -> list[str]:
        return [message["type"] for message in self]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [message for message in self if message["type"] == kind]

    def take(self) -> list[dict[str, Any]]:
        """Every message received since the last ``take``."""
        taken = list(self)
        self.clear()
        return taken


def deal(
    *players: tuple[str, str], up: str, hole: str, then: Sequence[str] = ()
) -> list[str]:
    """The shoe order of a casino deal: a first card to each player, the
    upcard, a second card to each, the hole card, then ``then``."""
    return [
        *(cards[0] for cards in players),
        up,
        *(cards[1] for cards in players),
        hole,
        *then,
    ]


class CasinoSetup:
    """A casino table on a ``Clock`` with players 1..n seated, each with an
    ``Inbox`` (``inboxes``); ``rules`` are ``CasinoConfig`` fields."""

    def __init__(
        self,
        cards: Sequence[str] = (),
        players: int = 1,
        shoe: Shoe | None = None,
        **rules: Any,
    ) -> None:
        self.clock = Clock()
        self.ledger = Ledger()
        self.config = CasinoConfig(**rules)
        self.shoe = shoe if shoe is not None else StackedShoe(cards)
        self.table = CasinoTable(1, self.config, self.shoe, self.clock, self.ledger)
        self.inboxes: dict[int, Inbox] = {}
        for player_id in range(1, players + 1):
            self.sit(player_id)

    def sit(self, player_id: int) -> Inbox:
        """Seat player ``player_id`` as ``p<id>``; their inbox."""
        inbox = Inbox()
        self.inboxes[player_id] = inbox
        self.table.sit(player_id, f"p{player_id}", inbox)
        return inbox

    def balance(self, player_id: int = 1) -> int:
        return self.ledger.balance(player_id)

    def hands(self, player_id: int) -> list[PlayerHand]:
        """The player's hands in the round at the table ([] if none)."""
        found = self.table.round
        bettor = found.bettor(player_id) if found is not None else None
        return bettor.hands if bettor is not None else []

    # Each player action, as the protocol would pass it on.

    def bet(self, player_id: int, amount: int) -> None:
        self.table.act(player_id, BetRequest(amount=amount))

    def insurance(self, player_id: int, take: bool = True) -> None:
        self.table.act(player_id, InsuranceRequest(take=take))

    def hit(self, player_id: int, hand: int | None = None) -> None:
        self.table.act(player_id, HitRequest(hand=hand))

    def stand(self, player_id: int, hand: int | None = None) -> None:
        self.table.act(player_id, StandRequest(hand=hand))

    def double(self, player_id: int, hand: int | None = None) -> None:
        self.table.act(player_id, DoubleRequest(hand=hand))

    def split(self, player_id: int, hand: int | None = None) -> None:
        self.table.act(player_id, SplitRequest(hand=hand))

    def surrender(self, player_id: int, hand: int | None = None) -> None:
        self.table.act(player_id, SurrenderRequest(hand=hand))

    def clear(self) -> None:
        """Empty every inbox."""
        for inbox in self.inboxes.values():
            inbox.clear()


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
                shoe: Shoe = Shoe(config.decks, random.Random(real_shoe_seed))
                if isinstance(config, CasinoConfig):
                    shoe = Shoe(
                        config.decks, random.Random(real_shoe_seed), config.penetration
                    )
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
        assert client.take() == [{"type": "auth"}]
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


# -- over real TCP ------------------------------------------------------------

#: Seconds any wait of a ``QueueClient`` lasts before it fails.
TIMEOUT = 15.0


class QueueClient(WebSocketClientProtocol):
    """A client over real TCP that puts each message it receives in
    ``messages``; every wait has a timeout, so a broken server fails a test
    instead of hanging it."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: DeferredQueue[dict[str, Any]] = DeferredQueue()
        self.closed: Deferred[int | None] = Deferred()
        self.close_code: int | None = None

    def onOpen(self) -> None:
        self.factory.opened.callback(self)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.messages.put(json.loads(payload))

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        self.close_code = code
        if not self.factory.opened.called:
            self.factory.opened.errback(ConnectionError(f"closed: {reason}"))
        if not self.closed.called:
            self.closed.callback(code)

    def send(self, message: Any) -> None:
        self.sendMessage(json.dumps(message).encode())

    async def next(self) -> dict[str, Any]:
        """The next message, within ``TIMEOUT`` seconds."""
        waiting = self.messages.get()
        waiting.addTimeout(TIMEOUT, self.factory.reactor)
        return await waiting

    async def until(self, kind: str) -> list[dict[str, Any]]:
        """Every message up to and including the first of type ``kind``."""
        seen = []
        while True:
            message = await self.next()
            seen.append(message)
            if message["type"] == kind:
                return seen

    async def close(self) -> None:
        """Close the WebSocket and wait until the TCP connection is gone."""
        if not self.closed.called:
            self.sendClose()
        self.closed.addTimeout(TIMEOUT, self.factory.reactor)
        await self.closed


async def open_client(
    reactor: IReactorTCP, port: int, path: str = "/websocket"
) -> QueueClient:
    """Connect to the server on 127.0.0.1:``port`` and finish the handshake."""
    factory = _QueueClientFactory(f"ws://127.0.0.1:{port}{path}", reactor=reactor)
    factory.protocol = QueueClient
    factory.opened.addTimeout(TIMEOUT, IReactorTime(reactor))
    await TCP4ClientEndpoint(reactor, "127.0.0.1", port).connect(factory)
    return await factory.opened


class _QueueClientFactory(WebSocketClientFactory):
    def __init__(self, url: str, reactor: IReactorTCP) -> None:
        super().__init__(url, reactor=reactor)
        #: Fires with the client once its handshake is done.
        self.opened: Deferred[QueueClient] = Deferred()


@contextmanager
def error_events() -> Iterator[list[LogEvent]]:
    """Collects every error-level event logged inside the block."""
    events: list[LogEvent] = []

    @provider(ILogObserver)
    def observer(event: LogEvent) -> None:
        level = event.get("log_level")
        if (level is not None and level.name in ("error", "critical")) or event.get(
            "isError"
        ):
            events.append(event)

    globalLogPublisher.addObserver(observer)
    try:
        yield events
    finally:
        globalLogPublisher.removeObserver(observer)
