"""The service that holds the lobby for as long as the server runs: at
start, the rounds a crash left open are refunded and round numbers go on
from the stored ones; at stop, the tables drain, then everything on its way
to storage is stored before the database closes."""

from __future__ import annotations

import signal
from typing import Any

from twisted.application.service import Service
from twisted.internet import defer
from twisted.internet.defer import Deferred
from twisted.internet.task import deferLater
from twisted.logger import Logger

from blackjackd.bank import Bank
from blackjackd.cluster import ClusterNode
from blackjackd.lobby import Lobby
from blackjackd.protocol import CLOSE_GOING_AWAY, BlackjackServerFactory
from blackjackd.sessions import Sessions
from blackjackd.store import Database, Refund
from blackjackd.wire import Shutdown

_logger = Logger(namespace="blackjackd.service")

#: Seconds the database gets, at stop, to store what is on its way.
STORE_AT_STOP_SECONDS = 10.0


class LobbyService(Service):
    """Drains the tables when the server stops, then stops their and the
    held seats' timers and waits for the chips and rounds on their way to
    storage.

    Draining (``--drain-timeout``): everyone is told (``shutdown``), nobody
    new sits down, the rounds under way finish and no other begins; then
    every connection is closed with 1001 (going away). Rounds still open at
    the deadline, or when a second SIGTERM or SIGINT comes, are refunded at
    the next start, as after a crash.
    """

    #: How often a drain looks whether every round has finished.
    POLL_SECONDS = 0.1
    #: Seconds the closing handshakes get once the drain is over.
    CLOSE_SECONDS = 2.0

    def __init__(
        self,
        lobby: Lobby,
        sessions: Sessions,
        bank: Bank | None = None,
        database: Database | None = None,
        factory: BlackjackServerFactory | None = None,
        drain_timeout: float = 0.0,
        clock: Any = None,
        signals: bool = False,
        cluster: ClusterNode | None = None,
    ) -> None:
        self.lobby = lobby
        self.sessions = sessions
        self.bank = bank
        self.database = database
        self.factory = factory
        self.drain_timeout = drain_timeout
        self._clock = clock
        #: Whether a second SIGTERM or SIGINT cuts the drain short (the
        #: real process; tests call ``stop_now``).
        self._signals = signals
        self._cut_short = False
        self._tick: Deferred[None] | None = None
        #: This server's part in a cluster (``--node``): it refunds a
        #: table's open rounds as it takes the table, not all at start.
        self.cluster = cluster

    def _reactor(self) -> Any:
        if self._clock is None:
            from twisted.internet import reactor

            return reactor
        return self._clock

    def startService(self) -> None:
        super().startService()
        if self._signals:
            # Once running: the reactor installs its own handlers as it
            # starts, after twistd has started the services.
            self._reactor().callWhenRunning(self._handle_stop_signals)
        if self.cluster is not None:
            self.cluster.start()
        elif self.database is not None:
            # First in the database's queue: before any player's chips are
            # read, every round a crash left open has its stakes back.
            self.database.refund_open_rounds(self._reactor().seconds()).addCallbacks(
                _log_refunds,
                lambda failure: _logger.failure("refunding open rounds", failure),
            )
            self.database.last_round_numbers().addCallbacks(
                self._number_rounds_on,
                lambda failure: _logger.failure("reading round numbers", failure),
            )

    def _number_rounds_on(self, last: dict[int, int]) -> None:
        # Each table's rounds go on from the last one stored, so a table and
        # a round number name one round for good.
        for table in self.lobby.tables:
            stored = last.get(table.table_id, 0)
            table.rounds_played = max(table.rounds_played, stored)

    def stopService(self) -> Deferred[None] | None:
        super().stopService()
        return Deferred.fromCoroutine(self._drain_store_and_close())

    def stop_now(self) -> None:
        """Cut the drain short (a second SIGTERM or SIGINT)."""
        self._cut_short = True
        if self._tick is not None:
            self._tick.cancel()

    async def _drain_store_and_close(self) -> None:
        if self.factory is not None:
            await self._drain(self.factory)
        # From now on nothing a player does is taken, and nobody leaves a
        # seat: what is told to a player must be stored, and the database
        # is about to close.
        self.sessions.stopping = True
        if self.factory is not None:
            await self._close_connections(self.factory)
        self.lobby.close()
        self.sessions.close()
        await self._store_and_close()

    async def _drain(self, factory: BlackjackServerFactory) -> None:
        clock = self._reactor()
        factory.tell_everyone(Shutdown(seconds=self.drain_timeout))
        with factory.outbox.batch():
            for table in self.lobby.tables:
                table.drain()
            self.sessions.drain()
        deadline = clock.seconds() + self.drain_timeout
        while (
            any(table.round_in_progress for table in self.lobby.tables)
            and clock.seconds() < deadline
            and not self._cut_short
        ):
            self._tick = deferLater(clock, self.POLL_SECONDS, lambda: None)
            try:
                await self._tick
            except defer.CancelledError:
                pass  # cut short
            finally:
                self._tick = None
        open_tables = [t.table_id for t in self.lobby.tables if t.round_in_progress]
        if open_tables:
            _logger.warn(
                "stopping with rounds under way at tables {tables}: they are "
                "refunded at the next start",
                tables=open_tables,
            )

    async def _close_connections(self, factory: BlackjackServerFactory) -> None:
        clock = self._reactor()
        factory.close_everyone(CLOSE_GOING_AWAY, "the server is stopping")
        closing_until = clock.seconds() + self.CLOSE_SECONDS
        while factory.clients and clock.seconds() < closing_until:
            await deferLater(clock, self.POLL_SECONDS / 2, lambda: None)

    def _handle_stop_signals(self) -> None:
        # In place of Twisted's handlers: the first SIGTERM or SIGINT stops
        # the reactor, which drains (and exits 0: the drain is the normal
        # way to stop); another cuts the drain short.
        reactor = self._reactor()
        signalled: list[int] = []

        def stop(signum: int, frame: object) -> None:
            signalled.append(signum)
            if len(signalled) == 1:
                _logger.info(
                    "received {signal}: draining (again to stop at once)",
                    signal=signal.Signals(signum).name,
                )
                reactor.callFromThread(reactor.stop)
            else:
                reactor.callFromThread(self.stop_now)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

    async def _store_and_close(self) -> None:
        stored_all = True
        if self.bank is not None:
            stored = self.bank.written()
            stored.addTimeout(STORE_AT_STOP_SECONDS, self._reactor())
            try:
                await stored
            except defer.TimeoutError:
                stored_all = False
                _logger.error(
                    "the database didn't store everything within {seconds} s "
                    "of stopping: rounds left open are refunded at the next start",
                    seconds=STORE_AT_STOP_SECONDS,
                )
        if self.cluster is not None:
            # The rounds are over and stored: the tables move without a
            # refund.
            await _leave_cluster_of(self.cluster, stored_all)
        if self.database is not None:
            await self.database.close()


async def _leave_cluster_of(cluster: ClusterNode, stored_all: bool) -> None:
    if not stored_all:
        # A late write could land after another node took a table over:
        # the leases run out instead, with this process gone.
        cluster.stop_renewing()
        return
    try:
        await cluster.leave()
    except Exception:
        cluster.stop_renewing()
        _logger.failure("leaving the cluster: the leases run out instead")


def _log_refunds(refunds: list[Refund]) -> None:
    for refund in refunds:
        _logger.info(
            "refunded {amount} chips of round {round_id} to account "
            "{account_id}: the server stopped before the round was settled",
            amount=refund.amount,
            round_id=refund.round_id,
            account_id=refund.account_id,
        )
