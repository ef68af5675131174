"""The in-memory server: the real lobby and WebSocket factory on a ``Clock``,
with real autobahn clients joined to it through in-memory transports."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from autobahn.twisted.websocket import WebSocketClientFactory, WebSocketClientProtocol
from twisted.internet.address import IPv4Address
from twisted.internet.defer import Deferred, maybeDeferred
from twisted.internet.task import Clock
from twisted.test import iosim

from blackjackd.accounts import Accounts
from blackjackd.bank import Bank, RebuyRules
from blackjackd.casino import CasinoConfig
from blackjackd.cluster import DEFAULT_LEASE_SECONDS, ClusterNode
from blackjackd.lobby import DEFAULT_WATCHERS, AnyConfig, Lobby, new_shoe
from blackjackd.metrics import Metrics, RoundWatch
from blackjackd.outbox import Outbox
from blackjackd.passwords import TEST_COST
from blackjackd.protocol import BlackjackServerFactory, ClientLimits
from blackjackd.sessions import Sessions
from blackjackd.shoe import Shoe, StackedShoe
from blackjackd.store import Database
from blackjackd.table import TableConfig

T = TypeVar("T")

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

    def first(self, kind: str) -> dict[str, Any]:
        """The first message of ``kind`` received since the last ``take``
        (it stays received); ``AssertionError`` if there is none."""
        for message in self.received:
            if message["type"] == kind:
                found: dict[str, Any] = message
                return found
        raise AssertionError(f"no {kind!r} in {self.types()}")


class MemoryServer:
    """A lobby behind the real factory, reached by in-memory clients.

    Tables deal ``cards`` from a ``StackedShoe`` (each table its own copy),
    or from a seeded real shoe with ``real_shoe_seed``; ``config`` is a
    ``TableConfig`` (classic) or a ``CasinoConfig``.

    With ``database`` (a store URL, such as ``sqlite::memory:``) players may
    sign in to accounts, kept there; the database works inline, so time is
    still the ``clock`` alone, and passwords are hashed cheaply. Casino
    tables then seat only accounts unless ``guests``. ``seat_grace`` holds a
    dropped player's seat, as ``--seat-grace`` does; ``max_watchers`` caps
    each table's watchers, as ``--watchers`` does. With ``metrics`` the
    server counts what it does there, as ``twistd blackjack`` does.

    With ``node`` (and a ``database`` file other servers share) it is that
    node of a cluster, renewing its leases from the start; servers given
    one ``clock`` keep the same time. What would halt the node is noted in
    ``halted``.
    """

    def __init__(
        self,
        cards: Sequence[str] = (),
        *,
        tables: int = 1,
        config: AnyConfig | None = None,
        limits: ClientLimits = QUIET_LIMITS,
        real_shoe_seed: int | None = None,
        database: str | None = None,
        guests: bool | None = None,
        seat_grace: float = 0.0,
        rebuy_interval: float = 3600.0,
        max_watchers: int = DEFAULT_WATCHERS,
        metrics: Metrics | None = None,
        clock: Clock | None = None,
        node: str | None = None,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ) -> None:
        self.clock = Clock() if clock is None else clock
        self.config = config or TableConfig(seats=5, turn_timeout=30, round_delay=3)
        self.shoes: list[Shoe] = []

        def shoe_factory(config: AnyConfig) -> Shoe:
            if real_shoe_seed is not None:
                shoe: Shoe = new_shoe(config, random.Random(real_shoe_seed))
            else:
                shoe = StackedShoe(cards)
            self.shoes.append(shoe)
            return shoe

        outbox = Outbox()
        tables_clock = outbox.timed(self.clock)
        self.database = None if database is None else Database.inline(database)
        if self.database is not None and metrics is not None:
            self.database.observer = metrics.database_call
        self.bank = None
        if self.database is not None:
            self.bank = Bank(
                self.database,
                self.clock,
                at_end=outbox.at_end,
                rebuy=RebuyRules(
                    starting_chips=self.config.starting_chips,
                    min_bet=self.config.min_bet,
                    interval=rebuy_interval,
                )
                if isinstance(self.config, CasinoConfig)
                else None,
            )
        round_log: RoundWatch | Bank | None = self.bank
        if metrics is not None:
            round_log = RoundWatch(tables_clock, metrics, log=self.bank)
        self.lobby = Lobby.build(
            tables=tables,
            config=self.config,
            clock=tables_clock,
            rng=random.Random(0),
            shoe_factory=shoe_factory,
            ledger=None if self.bank is None else self.bank.ledger,
            round_log=round_log,
            classic_log=round_log,
            max_watchers=max_watchers,
        )
        self.sessions = Sessions(self.lobby, tables_clock, seat_grace)
        if self.bank is not None and not isinstance(self.config, CasinoConfig):
            self.bank.player_accounts = self.sessions.account_of
        self.accounts = None
        if self.database is not None:
            self.accounts = Accounts(
                self.database,
                self.clock,
                run_in_thread=_run_here,
                starting_chips=getattr(self.config, "starting_chips", 1000),
                hash_cost=TEST_COST,
            )
        self.factory = BlackjackServerFactory(
            self.lobby,
            self.clock,
            limits,
            outbox=outbox,
            sessions=self.sessions,
            accounts=self.accounts,
            bank=self.bank,
            guests=self.database is None if guests is None else guests,
            metrics=metrics,
        )
        self._pumps: list[iosim.IOPump] = []
        self.halted: list[str] = []
        self.cluster: ClusterNode | None = None
        if node is not None:
            assert self.database is not None, "a cluster's nodes share a database"
            self.cluster = ClusterNode(
                node,
                self.database,
                self.lobby,
                self.sessions,
                self.clock,
                bank=self.bank,
                lease_seconds=lease_seconds,
                halt=self.halted.append,
            )
            self.factory.cluster = self.cluster
            self.cluster.close_watchers = self.factory.close_watchers
            self.cluster.start()

    def connect(
        self,
        origin: str | None = None,
        host: str = "127.0.0.1",
        headers: dict[str, str] | None = None,
        path: str = "/websocket",
    ) -> RecordingClient:
        """Open a WebSocket at ``path`` (with its query) from a new client
        (at ``host``, sending ``headers`` with its handshake) and finish the
        handshake."""
        port = 40000 + len(self._pumps)
        client_address = IPv4Address("TCP", host, port)
        server_address = IPv4Address("TCP", "127.0.0.1", 8888)
        server = self.factory.buildProtocol(client_address)
        client_factory = WebSocketClientFactory(
            f"ws://127.0.0.1:8888{path}", origin=origin, headers=headers
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

    def seat(
        self,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        host: str = "127.0.0.1",
    ) -> RecordingClient:
        """Connect (from ``host``) and authorize (with a name, and a
        password if given, or a ``token``); the client's ``received`` starts
        after auth."""
        client = self.connect(host=host)
        # Checked even under python -O: a test's set-up must not go quiet.
        greeting = client.take()
        if greeting != [{"type": "auth"}]:
            raise AssertionError(f"expected an auth request, got {greeting!r}")
        data = {
            name: value
            for name, value in (
                ("username", username),
                ("password", password),
                ("token", token),
            )
            if value is not None
        }
        client.send({"type": "auth", "data": data})
        self.flush()
        return client

    def deal_together(self, first: RecordingClient, *others: RecordingClient) -> None:
        """Deal players in together at a classic table, where one who sits
        mid-round waits for the next: ``first``, dealt in alone, stands; the
        ``others``, who sat while that round was played, wait; after the
        round delay all of them are dealt in at the next round. Each
        client's ``received`` then starts at that round's deal (its
        ``restart``, or the ``shuffle`` before it).

        A ``StackedShoe`` starts with ``CLASSIC_OPENING``: ``first``'s 17
        and the dealer's 17. The next round deals one card to each seated
        player in seat order, then a second to each."""
        first.send({"type": "stand"})
        self.flush()
        assert isinstance(self.config, TableConfig), "a classic table"
        self.advance(self.config.round_delay)
        for client in (first, *others):
            types = client.types()
            if "restart" not in types:
                raise AssertionError(f"no new round was dealt: {types}")
            start = len(types) - 1 - types[::-1].index("restart")
            if start and types[start - 1] == "shuffle":
                start -= 1
            del client.received[:start]

    def drop(self, client: RecordingClient) -> None:
        """Lose ``client``'s connection, as a dropped network does: no
        closing handshake."""
        for pump in self._pumps:
            if pump.client is client:
                for transport in (pump.server.transport, pump.client.transport):
                    assert transport is not None, "connected"
                    transport.loseConnection()
        self.flush()

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
        self.sessions.close()


def _run_here(function: Callable[..., T], *args: object) -> Deferred[T]:
    """Run ``function`` now, on this thread: hashing a password in a test
    needn't wait for a thread."""
    return maybeDeferred(function, *args)
