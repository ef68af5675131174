"""The bank's writing: one batch per event, group commit while storage is
busy, and ``written`` for readers that must see every write."""

from __future__ import annotations

from twisted.internet.defer import Deferred, fail
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.bank import Bank
from blackjackd.store import Batch, StoreClosed


class SlowStorage:
    """Storage whose every transaction waits until the test finishes it."""

    def __init__(self) -> None:
        self.batches: list[Batch] = []
        self.writing: list[Deferred[None]] = []

    def apply(self, batch: Batch) -> Deferred[None]:
        self.batches.append(batch)
        done: Deferred[None] = Deferred()
        self.writing.append(done)
        return done

    def finish(self) -> None:
        self.writing.pop(0).callback(None)


class GroupCommitTests(SynchronousTestCase):
    """While a transaction is under way, what follows goes out together."""

    def setUp(self) -> None:
        self.storage = SlowStorage()
        self.bank = Bank(self.storage, Clock())
        self.bank.load(7, account_id=70, balance=100)
        self.bank.load(8, account_id=80, balance=100)

    def test_events_wait_for_the_transaction_under_way_then_go_together(self):
        ledger = self.bank.ledger
        ledger.pay(7, 5, "rebuy")  # an event: sent at once
        ledger.pay(8, 6, "rebuy")  # storage busy: waits
        ledger.pay(7, 7, "rebuy")  # waits with it
        self.assertEqual(len(self.storage.batches), 1)
        self.storage.finish()
        self.assertEqual(
            [
                [(m.account_id, m.amount) for m in batch.movements]
                for batch in self.storage.batches
            ],
            [[(70, 5)], [(80, 6), (70, 7)]],
        )

    def test_written_waits_for_what_is_queued_too(self):
        ledger = self.bank.ledger
        ledger.pay(7, 5, "rebuy")
        ledger.pay(8, 6, "rebuy")
        caught_up: list[None] = []
        self.bank.written().addCallback(caught_up.append)
        self.storage.finish()
        # The first transaction is done; the queued one is under way.
        self.assertEqual(caught_up, [])
        self.storage.finish()
        self.assertEqual(caught_up, [None])

    def test_written_fires_at_once_when_storage_has_caught_up(self):
        caught_up: list[None] = []
        self.bank.written().addCallback(caught_up.append)
        self.assertEqual(caught_up, [None])


class ClosedStorage:
    """Storage that has been closed for good."""

    def __init__(self) -> None:
        self.tries = 0

    def apply(self, batch: Batch) -> Deferred[None]:
        self.tries += 1
        return fail(StoreClosed("the database is closed"))


class ClosedStorageTests(SynchronousTestCase):
    """A closed database is not tried again and again."""

    def test_a_closed_database_is_logged_once_and_not_retried(self):
        clock = Clock()
        storage = ClosedStorage()
        bank = Bank(storage, clock)
        bank.load(7, account_id=70, balance=100)
        bank.ledger.pay(7, 5, "rebuy")
        self.assertEqual(len(self.flushLoggedErrors(StoreClosed)), 1)
        self.assertEqual((storage.tries, clock.getDelayedCalls()), (1, []))
        caught_up: list[None] = []
        bank.written().addCallback(caught_up.append)
        self.assertEqual(caught_up, [None])
