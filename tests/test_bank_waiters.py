"""``Bank.written`` waits for the events before it, not the ones after:
on a busy server (group commit: a batch nearly always in flight, the next
queued) a sign-in or a history request, which await ``written()`` first,
still get their answer as soon as what came before them is stored."""

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
