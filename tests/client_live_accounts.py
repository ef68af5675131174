"""The real server with accounts and kept seats on a loopback port, for the
clients' end-to-end tests of coming back: ``MemoryServer``'s lobby,
sessions, accounts (in ``sqlite::memory:``) and factory, served over real
TCP. Its tables keep time on a ``Clock``: the game moves only when a test
says, while the network is real."""

from __future__ import annotations

from collections.abc import Sequence

from twisted.internet import reactor
from twisted.internet.defer import maybeDeferred

from blackjackd.table import TableConfig
from blackjackd.testing import MemoryServer, wait_for
from blackjackd.web import build_site


class AccountsServer:
    """A classic table dealing ``cards``, seats held ``seat_grace`` seconds,
    accounts kept; listening on a free port of 127.0.0.1."""

    def __init__(self, cards: Sequence[str], seat_grace: float = 30.0) -> None:
        self.memory = MemoryServer(
            cards,
            config=TableConfig(seats=2, turn_timeout=30, round_delay=3),
            database="sqlite::memory:",
            seat_grace=seat_grace,
        )
        self.factory = self.memory.factory
        self.port = reactor.listenTCP(
            0, build_site(self.factory, self.memory.clock), interface="127.0.0.1"
        )

    @property
    def address(self) -> str:
        return f"ws://127.0.0.1:{self.port.getHost().port}/websocket"

    def drop(self) -> None:
        """Every connection fails at once, without a close handshake, as when
        the network goes: the server holds the seats."""
        for client in list(self.factory.clients):
            client.dropConnection(abort=True)

    async def stop(self) -> None:
        """Drop every connection, stop the tables and stop listening."""
        self.drop()
        await wait_for(lambda: not self.factory.clients, "the clients gone")
        await maybeDeferred(self.port.stopListening)
        self.memory.lobby.close()
        if self.memory.database is not None:
            await self.memory.database.close()
