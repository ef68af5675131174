"""The rules shared by every kind of table: the dealer's play and settling."""

from __future__ import annotations

import enum
from collections.abc import Sequence

from blackjackd.cards import hand_value


class Outcome(enum.Enum):
    """How one player's hand ended against the dealer's."""

    WIN = "win"
    LOSE = "lose"
    PUSH = "push"


def dealer_must_hit(cards: Sequence[str], hit_soft_17: bool) -> bool:
    """True while the dealer must draw: under 17, or soft 17 under H17."""
    total, soft = hand_value(cards)
    return total < 17 or (total == 17 and soft and hit_soft_17)


def settle(player_cards: Sequence[str], dealer_cards: Sequence[str]) -> Outcome:
    """Settle one player against the dealer by totals (the classic game).

    A bust loses, even when the dealer busts too. Otherwise a dealer bust,
    or a higher total, wins; an equal total pushes.
    """
    player = hand_value(player_cards)[0]
    dealer = hand_value(dealer_cards)[0]
    if player > 21:
        return Outcome.LOSE
    if dealer > 21 or player > dealer:
        return Outcome.WIN
    if player == dealer:
        return Outcome.PUSH
    return Outcome.LOSE
