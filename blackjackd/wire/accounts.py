"""The messages of accounts and seats kept across connections ("Accounts,
reconnecting and history" in docs/protocol.rst): the table as it is now, a
player who dropped and came back, the rebuy and the hand history. Who
receives each is in its docstring: *you*, *table* or *others*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from blackjackd.wire.base import Cards, ServerMessage, WireObject
from blackjackd.wire.parts import HandView


@dataclass(frozen=True, slots=True, kw_only=True)
class SeatView(WireObject):
    """One seated player in ``snapshot``: ``other_players``' fields, and
    more."""

    id: int
    username: str
    seat: int
    #: As in ``other_players``: the first hand's cards and points.
    hand: Cards
    points: int
    state: str
    #: Whether the player's connection is up (false: their seat is held).
    connected: bool
    #: Casino tables: every hand, the bet placed while betting, the chips.
    hands: tuple[HandView, ...] | None = None
    bet: int | None = None
    balance: int | None = None
    #: Casino tables: the insurance taken this round (0: declined).
    insurance: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnView(WireObject):
    """A hand whose turn timer runs, in ``snapshot``."""

    id: int
    hand: int | None = None
    seconds: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot(ServerMessage):
    """*You*, after ``id`` when you come back to your seat: the whole table
    as it is now, to draw from scratch."""

    TYPE: ClassVar[str] = "snapshot"
    table: int
    game: str
    #: ``waiting`` (classic: between rounds), ``playing``, and at casino
    #: tables ``betting``, ``insurance`` and ``between_rounds``.
    phase: str
    seats: tuple[SeatView, ...]
    #: The dealer's cards face up; ``hole_card`` says one more lies face down.
    dealer: Cards
    hole_card: bool
    turns: tuple[TurnView, ...]
    #: Seconds left on the table's own timer (bets or insurance close, the
    #: next round starts), if one runs.
    seconds: float | None = None
    #: Casino tables: your chips, and the insurance offered to you now.
    balance: int | None = None
    insurance_offer: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Away(ServerMessage):
    """*Others*: a player's connection dropped; their seat is held for
    ``seconds`` while they may come back."""

    TYPE: ClassVar[str] = "away"
    id: int
    seconds: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Back(ServerMessage):
    """*Others*: a player whose seat was held is back."""

    TYPE: ClassVar[str] = "back"
    id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Rebuy(ServerMessage):
    """*You*: chips added by ``rebuy``; the next one is possible in
    ``next_in`` seconds."""

    TYPE: ClassVar[str] = "rebuy"
    amount: int
    balance: int
    next_in: float


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryHand(WireObject):
    """One of your hands in a ``history`` round."""

    hand: int
    cards: Cards
    points: int
    bet: int
    result: str
    payout: int


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryRound(WireObject):
    """One round you played, in ``history``."""

    #: The round's id (opaque), table and number at that table.
    id: str
    table: int
    round: int
    game: str
    #: When it ended, in seconds since the Unix epoch.
    at: float
    #: ``settled``, or ``refunded`` (the server stopped mid-round and gave
    #: every stake back).
    status: str
    dealer: Cards
    hands: tuple[HistoryHand, ...]
    #: Chips you staked (bets, doubles, splits, insurance) and got back.
    staked: int
    returned: int
    net: int


@dataclass(frozen=True, slots=True, kw_only=True)
class History(ServerMessage):
    """*You*: your last rounds, newest first (the answer to ``history``)."""

    TYPE: ClassVar[str] = "history"
    rounds: tuple[HistoryRound, ...]


#: The messages of accounts and kept seats, by ``type``.
ACCOUNT_MESSAGES: dict[str, type[ServerMessage]] = {
    cls.TYPE: cls for cls in (Snapshot, Away, Back, Rebuy, History)
}
