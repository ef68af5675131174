"""Cards and hand values.

A card is a two-character string, rank then suit: ``"TD"`` is the ten of
diamonds, ``"AS"`` the ace of spades. Plain strings keep the wire format and
the engine the same, and they are cheap to compare, hash and copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

RANKS = "A23456789TJQK"
SUITS = "SHDC"

#: Blackjack value of each rank; an ace counts 1 here and 11 in ``hand_value``
#: when that doesn't bust the hand.
RANK_VALUES = {rank: min(index + 1, 10) for index, rank in enumerate(RANKS)}

#: Every card of one deck, in a fixed order.
DECK: tuple[str, ...] = tuple(rank + suit for suit in SUITS for rank in RANKS)


class HandValue(NamedTuple):
    """A hand's best total, and whether an ace in it is counted as 11."""

    total: int
    soft: bool


def is_card(text: object) -> bool:
    """True when ``text`` names a card, e.g. ``"QH"``."""
    return (
        isinstance(text, str)
        and len(text) == 2
        and text[0] in RANKS
        and text[1] in SUITS
    )


def card_value(card: str) -> int:
    """The blackjack value of one card, counting an ace as 1."""
    return RANK_VALUES[card[0]]


def hand_value(cards: Iterable[str]) -> tuple[int, bool]:
    """The best total of ``cards`` and whether it is soft (an ace counted
    as 11): one ace counts 11 unless that busts.

    A plain tuple rather than a ``HandValue``, because the simulator calls
    this millions of times; it compares equal to the ``HandValue`` of the
    same figures.
    """
    total = 0
    has_ace = False
    for card in cards:
        value = RANK_VALUES[card[0]]
        total += value
        if value == 1:
            has_ace = True
    if has_ace and total <= 11:
        return total + 10, True
    return total, False


def points(cards: Iterable[str]) -> int:
    """The best total of ``cards``, as the protocol's ``points`` field."""
    return hand_value(cards)[0]


def is_blackjack(cards: Iterable[str]) -> bool:
    """True for a natural: exactly two cards totalling 21."""
    cards = list(cards)
    return len(cards) == 2 and points(cards) == 21
