"""Review: when one transaction fails (a PostgreSQL restart, SQLite's disk
full or busy), ``Bank._failed`` logs it and the batch is gone for good. The
players were told of those chips; the ledger in memory goes on from them;
the database never gets them, and the round's later batches are refused as
well (their round was "never opened"), so the loss spreads."""

from __future__ import annotations

from twisted.internet import defer
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.audit import audit
from blackjackd.casino import CasinoConfig
from blackjackd.store import StoreUnavailable
from blackjackd.testing import MemoryServer, deal

RULES = {"seats": 3, "bet_timeout": 10, "turn_timeout": 20, "round_delay": 2}
PASSWORD = "correct horse"


def first(client, kind):
    for message in client.received:
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind!r}")


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
        # Logged: the bet's batch, then the settlement's, refused because
        # its round was never opened.
        self.assertEqual(len(self.flushLoggedErrors()), 2)
        self.assertEqual(first(ann, "balance")["balance"], 900)
        server.drop(ann)
        again = server.seat("ann", PASSWORD)
        # She was told 900; storage hands her 1000 back (and the audit,
        # with the round never stored, says nothing).
        self.assertEqual(first(again, "id")["balance"], 900)
        self.assertEqual(audit(server.database._conn).discrepancies, [])
