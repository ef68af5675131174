"""The ledger: every chip movement in one place, and conservation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blackjackd.ledger import Entry, InsufficientChips, Ledger


def test_open_stake_pay_close():
    ledger = Ledger()
    ledger.open(1, 100)
    assert ledger.stake(1, 30) == 70
    assert ledger.house == 30
    assert ledger.pay(1, 45) == 115
    assert ledger.house == -15
    assert ledger.balanced()
    assert ledger.close(1) == 115
    assert not ledger.has(1)
    assert ledger.balanced()
    assert ledger.entries == [
        Entry(1, 100, "open", 100),
        Entry(1, -30, "bet", 70),
        Entry(1, 45, "payout", 115),
        Entry(1, -115, "close", 0),
    ]


def test_stake_beyond_the_balance_moves_nothing():
    ledger = Ledger()
    ledger.open(1, 10)
    with pytest.raises(InsufficientChips):
        ledger.stake(1, 11)
    assert ledger.balance(1) == 10
    assert ledger.house == 0
    assert len(ledger.entries) == 1


def test_bad_movements():
    ledger = Ledger()
    ledger.open(1, 10)
    with pytest.raises(ValueError):
        ledger.open(1, 10)
    with pytest.raises(ValueError):
        ledger.stake(1, -1)
    with pytest.raises(ValueError):
        ledger.pay(1, -1)
    with pytest.raises(ValueError):
        ledger.open(2, -1)
    with pytest.raises(KeyError):
        ledger.balance(3)


def test_entries_go_to_a_hook_even_when_not_kept():
    seen: list[Entry] = []
    ledger = Ledger(keep_entries=False, on_entry=seen.append)
    ledger.open("ann", 5)
    ledger.stake("ann", 5, "bet")
    assert ledger.entries is None
    assert [entry.kind for entry in seen] == ["open", "bet"]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["stake", "pay"]), st.integers(0, 3), st.integers(0, 500)
        )
    )
)
def test_conservation(moves):
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
        assert ledger.balance(account) >= 0
        assert ledger.balanced()
    gains = sum(ledger.balance(account) - 1000 for account in range(4))
    assert gains == -ledger.house
