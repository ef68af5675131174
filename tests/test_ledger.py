"""The ledger: every chip movement in one place, and conservation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.ledger import Entry, InsufficientChips, Ledger


class LedgerTests(SynchronousTestCase):
    """Accounts opened, staked, paid and closed against the house."""

    def test_open_stake_pay_close(self):
        ledger = Ledger()
        ledger.open(1, 100)
        self.assertEqual(ledger.stake(1, 30), 70)
        self.assertEqual(ledger.house, 30)
        self.assertEqual(ledger.pay(1, 45), 115)
        self.assertEqual(ledger.house, -15)
        self.assertTrue(ledger.balanced())
        self.assertEqual(ledger.close(1), 115)
        self.assertFalse(ledger.has(1))
        self.assertTrue(ledger.balanced())
        self.assertEqual(
            ledger.entries,
            [
                Entry(1, 100, "open", 100),
                Entry(1, -30, "bet", 70),
                Entry(1, 45, "payout", 115),
                Entry(1, -115, "close", 0),
            ],
        )

    def test_stake_beyond_the_balance_moves_nothing(self):
        ledger = Ledger()
        ledger.open(1, 10)
        self.assertRaises(InsufficientChips, ledger.stake, 1, 11)
        self.assertEqual(ledger.balance(1), 10)
        self.assertEqual(ledger.house, 0)
        self.assertEqual(len(ledger.entries), 1)

    def test_bad_movements(self):
        ledger = Ledger()
        ledger.open(1, 10)
        self.assertRaises(ValueError, ledger.open, 1, 10)
        self.assertRaises(ValueError, ledger.stake, 1, -1)
        self.assertRaises(ValueError, ledger.pay, 1, -1)
        self.assertRaises(ValueError, ledger.open, 2, -1)
        self.assertRaises(KeyError, ledger.balance, 3)

    def test_entries_go_to_a_hook_even_when_not_kept(self):
        seen: list[Entry] = []
        ledger = Ledger(keep_entries=False, on_entry=seen.append)
        ledger.open("ann", 5)
        ledger.stake("ann", 5, "bet")
        self.assertIsNone(ledger.entries)
        self.assertEqual([entry.kind for entry in seen], ["open", "bet"])

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["stake", "pay"]),
                st.integers(0, 3),
                st.integers(0, 500),
            )
        )
    )
    def test_conservation(self, moves):
        ledger = Ledger()
        for account in range(4):
            ledger.open(account, 1000)
        for kind, account, amount in moves:
            if kind == "pay":
                ledger.pay(account, amount)
            else:
                try:
                    ledger.stake(account, amount)
                except InsufficientChips:
                    pass
            self.assertGreaterEqual(ledger.balance(account), 0)
            self.assertTrue(ledger.balanced())
        gains = sum(ledger.balance(account) - 1000 for account in range(4))
        self.assertEqual(gains, -ledger.house)
