"""A transaction that fails (a PostgreSQL restart, SQLite's disk full or
busy) loses nothing: the batch waits at the head of the queue, later events
behind it, and goes again until it is stored, so what players were told is
what the database ends up holding."""

from __future__ import annotations

from twisted.internet import defer
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.audit import audit
from blackjackd.casino import CasinoConfig
from blackjackd.store import StoreUnavailable
from blackjackd.testing import MemoryServer, deal

RULES = {"seats": 3, "bet_timeout": 10, "turn_timeout": 20, "round_delay": 2}
PASSWORD = "correct horse"


class FailOnce:
    """The database, but its next transaction fails as a lost connection
    would."""

    def __init__(self, database) -> None:
        self.database = database
        self.fail_next = False

    def apply(self, batch):
        if self.fail_next:
            self.fail_next = False
            return defer.fail(StoreUnavailable("server closed the connection"))
        return self.database.apply(batch)


class FailedBatchTests(SynchronousTestCase):
    def test_one_failed_transaction_loses_the_chips_for_good(self) -> None:
        # ann 18 against the dealer's 20: she loses her 100.
        server = MemoryServer(
            deal(("TS", "8H"), up="KC", hole="QD"),
            config=CasinoConfig(**RULES),
            database="sqlite::memory:",
        )
        storage = FailOnce(server.database)
        server.bank._storage = storage
        ann = server.seat("ann", PASSWORD)
        storage.fail_next = True  # the bet's transaction fails
        ann.send({"type": "bet", "amount": 100})
        server.flush()
        ann.send({"type": "stand"})
        server.flush()
        # Logged once; the batch waits at the head of the queue, the
        # settlement behind it, and both go again half a second later.
        self.assertEqual(len(self.flushLoggedErrors(StoreUnavailable)), 1)
        self.assertEqual(ann.first("balance")["balance"], 900)
        server.advance(0.5)
        server.drop(ann)
        again = server.seat("ann", PASSWORD)
        self.assertEqual(again.first("id")["balance"], 900)
        self.assertEqual(audit(server.database._conn).discrepancies, [])
        self.assertEqual(audit(server.database._conn).settled, 1)
