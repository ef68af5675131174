"""The parts wire messages are made of: a casino table's rules, a hand as
``split`` and ``other_players`` show it, and the results in ``round_over``.

Like the messages, fields a client must do without when an older server
leaves them out default to ``None`` and are then left out of the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

from blackjackd.wire.base import Cards, WireObject


@dataclass(frozen=True, slots=True, kw_only=True)
class Rules(WireObject):
    """A casino table's rules, in ``id``."""

    decks: int | None = None
    h17: bool | None = None
    das: bool | None = None
    resplit_aces: bool | None = None
    surrender: bool | None = None
    blackjack_pays: str | None = None
    max_split_hands: int | None = None
    min_bet: int | None = None
    max_bet: int | None = None
    bet_timeout: float | None = None
    #: Every bet is a multiple of this.
    bet_unit: int | None = None
    #: The fraction of the shoe dealt before the reshuffle.
    penetration: float | None = None
    #: The shoe is shuffled before every round.
    shuffle_every_round: bool | None = None
    #: What basic strategy returns per 100 chips bet, in percent, and its
    #: standard error.
    rtp: float | None = None
    rtp_error: float | None = None
    #: What a hand's turn timer does when it runs out: ``"stand"``.
    timeout: str | None = None
    #: What becomes of the hands of a player who leaves mid-round:
    #: ``"stand"`` (they are settled as usual).
    leave: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HandView(WireObject):
    """One casino hand as ``split`` and ``other_players`` show it."""

    hand: int
    cards: Cards
    points: int
    bet: int
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DealerResult(WireObject):
    """The dealer's hand in ``round_over``."""

    hand: Cards
    points: int
    blackjack: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HandResult(WireObject):
    """One settled hand in ``round_over`` (casino tables: one per hand)."""

    id: int
    username: str | None = None
    index: int | None = None
    hand: Cards
    points: int
    bet: int | None = None
    result: str
    blackjack: bool | None = None
    doubled: bool | None = None
    surrendered: bool | None = None
    payout: int | None = None
    balance: int | None = None
