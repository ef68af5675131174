"""The ledger: the one place chips move.

Tables never change a balance themselves; they ask the ledger to ``stake``
chips (player to house) or ``pay`` them (house to player). Every movement can
be recorded as an ``Entry`` and handed to ``on_entry``, which is where
persistent accounts will plug in.

Invariant: the players' balances plus the house's total always equal the
chips issued (opened minus closed accounts), so what players win is exactly
what the house loses.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass


class InsufficientChips(Exception):
    """A stake larger than the account's balance; nothing moved."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One chip movement: ``amount`` into ``account`` (negative: out of it,
    to the house), why, and the account's balance after it."""

    account: Hashable
    amount: int
    kind: str
    balance: int
    #: The round the chips moved in, if any.
    round_id: str | None = None


class Ledger:
    """Player accounts and the house, in whole chips."""

    def __init__(
        self,
        keep_entries: bool = True,
        on_entry: Callable[[Entry], None] | None = None,
    ) -> None:
        self._balances: dict[Hashable, int] = {}
        self.house = 0
        self.issued = 0
        #: Every movement, in order, when ``keep_entries`` (the simulator
        #: plays millions of rounds and turns it off).
        self.entries: list[Entry] | None = [] if keep_entries else None
        self._on_entry = on_entry
        self._recording = keep_entries or on_entry is not None
        #: Accounts brought in from storage (``load``) rather than opened.
        self._stored: set[Hashable] = set()
        #: How many holders each account has (a seat, a round to settle).
        self._holds: dict[Hashable, int] = {}
        #: Told of each account ``release`` takes out of play.
        self.on_release: Callable[[Hashable], None] | None = None

    def open(self, account: Hashable, chips: int, record: bool = True) -> None:
        """Open ``account`` with ``chips`` issued to it."""
        if account in self._balances:
            raise ValueError(f"account {account!r} is already open")
        if chips < 0:
            raise ValueError("an account opens with 0 chips or more")
        self._balances[account] = chips
        self.issued += chips
        if record:
            self._record(account, chips, "open")

    def close(self, account: Hashable) -> int:
        """Close ``account``; its chips leave the table. Returns them."""
        chips = self._balances.pop(account)
        self.issued -= chips
        if self._recording:
            self._write(Entry(account, -chips, "close", 0))
        return chips

    def has(self, account: Hashable) -> bool:
        return account in self._balances

    def balance(self, account: Hashable) -> int:
        """``account``'s chips; ``KeyError`` if it isn't open."""
        return self._balances[account]

    def stake(
        self,
        account: Hashable,
        amount: int,
        kind: str = "bet",
        round_id: str | None = None,
    ) -> int:
        """Move ``amount`` from ``account`` to the house; the new balance.

        ``InsufficientChips`` (and nothing moves) when the balance is short.
        """
        if amount < 0:
            raise ValueError("stakes are 0 chips or more")
        balance = self._balances[account]
        if amount > balance:
            raise InsufficientChips(f"{amount} chips staked, {balance} held")
        balance -= amount
        self._balances[account] = balance
        self.house += amount
        if self._recording:
            self._write(Entry(account, -amount, kind, balance, round_id))
        return balance

    def pay(
        self,
        account: Hashable,
        amount: int,
        kind: str = "payout",
        round_id: str | None = None,
    ) -> int:
        """Move ``amount`` from the house to ``account``; the new balance."""
        if amount < 0:
            raise ValueError("payouts are 0 chips or more")
        balance = self._balances[account] + amount
        self._balances[account] = balance
        self.house -= amount
        if self._recording:
            self._write(Entry(account, amount, kind, balance, round_id))
        return balance

    def load(self, account: Hashable, chips: int) -> None:
        """Bring a stored account's ``chips`` into play. Unlike ``open``,
        nothing is issued or recorded: the chips were issued when the
        account was, and storage holds their history."""
        self.open(account, chips, record=False)
        self._stored.add(account)

    def unload(self, account: Hashable) -> int:
        """Take a stored account out of play (its chips stay in storage);
        nothing is recorded. Returns its chips."""
        chips = self._balances.pop(account)
        self.issued -= chips
        self._stored.discard(account)
        return chips

    def retain(self, account: Hashable) -> None:
        """One more holder needs ``account`` in play: a seat, or a round
        with the account's hands to settle."""
        self._holds[account] = self._holds.get(account, 0) + 1

    def release(self, account: Hashable) -> None:
        """A holder of ``account`` is done with it. When none is left, the
        player is gone: unload a stored account, close any other (its chips
        are gone), then tell ``on_release``."""
        holds = self._holds.pop(account, 0) - 1
        if holds > 0:
            self._holds[account] = holds
            return
        if account in self._stored:
            self.unload(account)
        else:
            self.close(account)
        if self.on_release is not None:
            self.on_release(account)

    def players_total(self) -> int:
        """Every open account's chips."""
        return sum(self._balances.values())

    def balanced(self) -> bool:
        """The conservation invariant holds."""
        return self.players_total() + self.house == self.issued

    def _record(self, account: Hashable, amount: int, kind: str) -> None:
        if self._recording:
            self._write(Entry(account, amount, kind, self._balances[account]))

    def _write(self, entry: Entry) -> None:
        if self.entries is not None:
            self.entries.append(entry)
        if self._on_entry is not None:
            self._on_entry(entry)
