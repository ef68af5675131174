"""Review: ``Bank.written`` fires only when a transaction ends with nothing
queued behind it. On a busy server (group commit: a batch is nearly always
in flight with the next one queued) a sign-in or a history request, which
now await ``written()`` first, wait for as long as the load lasts, although
everything that was stored before they asked was written long ago."""

from __future__ import annotations

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.bank import Bank
from tests.test_bank import SlowStorage


class WrittenUnderLoadTests(SynchronousTestCase):
    def test_written_fires_once_what_came_before_it_is_stored(self) -> None:
        storage = SlowStorage()
        bank = Bank(storage, Clock())
        bank.load(7, account_id=70, balance=100)
        bank.load(8, account_id=80, balance=100)
        ledger = bank.ledger
        ledger.pay(7, 1, "rebuy")  # in flight
        ledger.pay(8, 1, "rebuy")  # queued
        caught_up: list[None] = []
        bank.written().addCallback(caught_up.append)
        # Other tables keep playing: each time a transaction ends, another
        # event has come meanwhile.
        for _ in range(50):
            storage.finish()
            ledger.pay(8, 1, "rebuy")
        # Both writes asked for before ``written`` were stored 49 transactions
        # ago; the reader still waits.
        self.assertEqual(caught_up, [None])
