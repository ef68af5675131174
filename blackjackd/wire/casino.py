"""The messages only casino tables send ("Casino messages from the server"
in docs/protocol.rst). Who receives each is in its docstring: *you* (the
player concerned) or *table* (everyone seated).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from blackjackd.wire.base import DEALER_ID, Owner, ServerMessage
from blackjackd.wire.parts import HandView


@dataclass(frozen=True, slots=True, kw_only=True)
class Betting(ServerMessage):
    """*Table* when betting opens, *you* on sitting down while it is open."""

    TYPE: ClassVar[str] = "betting"
    min_bet: int
    max_bet: int
    seconds: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Bet(ServerMessage):
    """*Table*: a bet was placed; ``balance`` is after the stake."""

    TYPE: ClassVar[str] = "bet"
    id: int
    amount: int
    balance: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SitOut(ServerMessage):
    """*Table*, as betting closes: a player who didn't bet sits out."""

    TYPE: ClassVar[str] = "sit_out"
    id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class HoleCard(ServerMessage):
    """*Table*: the dealer took a card face down (never named)."""

    TYPE: ClassVar[str] = "hole_card"
    id: Owner = DEALER_ID


@dataclass(frozen=True, slots=True, kw_only=True)
class InsuranceOffer(ServerMessage):
    """*You*, with an ace up: insurance costs ``amount``; answer in time."""

    TYPE: ClassVar[str] = "insurance_offer"
    amount: int
    seconds: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Insurance(ServerMessage):
    """*Table*: a player's answer to the insurance offer."""

    TYPE: ClassVar[str] = "insurance"
    id: int
    taken: bool
    amount: int
    balance: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Peek(ServerMessage):
    """*Table*: whether the dealer's hole card makes a blackjack."""

    TYPE: ClassVar[str] = "peek"
    blackjack: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class InsuranceResult(ServerMessage):
    """*Table*, after the peek: what an insured player's insurance paid."""

    TYPE: ClassVar[str] = "insurance_result"
    id: int
    amount: int
    payout: int
    balance: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Double(ServerMessage):
    """*Table*: a hand doubled; ``bet`` is its whole stake now."""

    TYPE: ClassVar[str] = "double"
    id: int
    hand: int
    bet: int
    balance: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Split(ServerMessage):
    """*Table*: ``hand`` was split; ``new_hand`` holds its second card."""

    TYPE: ClassVar[str] = "split"
    id: int
    hand: int
    new_hand: int
    hands: tuple[HandView, ...]
    balance: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Surrender(ServerMessage):
    """*Table*: a hand was given up for ``refund``."""

    TYPE: ClassVar[str] = "surrender"
    id: int
    hand: int
    refund: int
    balance: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Balance(ServerMessage):
    """*You*, after every round: your chips and the round's ``net``."""

    TYPE: ClassVar[str] = "balance"
    balance: int
    net: int


#: The messages only casino tables send ("Casino messages from the server").
CASINO_MESSAGES: dict[str, type[ServerMessage]] = {
    cls.TYPE: cls
    for cls in (
        Betting, Bet, SitOut, HoleCard, InsuranceOffer, Insurance, Peek,
        InsuranceResult, Double, Split, Surrender, Balance,
    )
}  # fmt: skip
