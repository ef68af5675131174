"""Basic strategy for 4 to 8 decks, dealer peeks, any two cards double.

The charts are the standard multi-deck ones (as published by e.g. the
Wizard of Odds' 4-8 deck basic strategy), with the differences that H17,
double after split and late surrender make. Insurance is never taken.

Chart codes: ``H`` hit, ``S`` stand, ``D`` double (else hit), ``Ds``
double (else stand), ``P`` split, ``Ph`` split if doubling after the split
is allowed (else hit), ``R`` surrender (else hit), ``Rs`` surrender (else
stand), ``Rp`` surrender (else split).
"""

from __future__ import annotations

from blackjackd.cards import RANK_VALUES, hand_value
from blackjackd.casino import CasinoConfig

HIT, STAND, DOUBLE, SPLIT, SURRENDER = "hit", "stand", "double", "split", "surrender"

# Upcards in chart order: 2..9, T, A (the ace as 11).
UPCARDS = (2, 3, 4, 5, 6, 7, 8, 9, 10, 11)


def _row(text: str) -> dict[int, str]:
    return dict(zip(UPCARDS, text.split(), strict=True))


def _hard_chart(h17: bool) -> dict[int, dict[int, str]]:
    chart = {total: _row("H H H H H H H H H H") for total in range(4, 9)}
    chart[9] = _row("H D D D D H H H H H")
    chart[10] = _row("D D D D D D D D H H")
    chart[11] = _row("D D D D D D D D D " + ("D" if h17 else "H"))
    chart[12] = _row("H H S S S H H H H H")
    for total in (13, 14, 15, 16):
        chart[total] = _row("S S S S S H H H H H")
    for total in range(17, 22):
        chart[total] = _row("S S S S S S S S S S")
    return chart


def _soft_chart(h17: bool) -> dict[int, dict[int, str]]:
    chart = {
        12: _row("H H H H H H H H H H"),  # A-A that can't be split
        13: _row("H H H D D H H H H H"),
        14: _row("H H H D D H H H H H"),
        15: _row("H H D D D H H H H H"),
        16: _row("H H D D D H H H H H"),
        17: _row("H D D D D H H H H H"),
        18: _row(("Ds" if h17 else "S") + " Ds Ds Ds Ds S S H H H"),
        19: _row("S S S S " + ("Ds" if h17 else "S") + " S S S S S"),
        20: _row("S S S S S S S S S S"),
        21: _row("S S S S S S S S S S"),
    }
    return chart


def _pair_chart(h17: bool, surrender: bool) -> dict[int, dict[int, str]]:
    # Keyed by the value of one card of the pair (ace 11).
    eights = "P P P P P P P P P " + ("Rp" if h17 and surrender else "P")
    return {
        11: _row("P P P P P P P P P P"),
        10: _row("S S S S S S S S S S"),
        9: _row("P P P P P S P P S S"),
        8: _row(eights),
        7: _row("P P P P P P H H H H"),
        6: _row("Ph P P P P H H H H H"),
        5: _row("D D D D D D D D H H"),
        4: _row("H H H Ph Ph H H H H H"),
        3: _row("Ph Ph P P P P H H H H"),
        2: _row("Ph Ph P P P P H H H H"),
    }


def _surrender_chart(h17: bool) -> dict[int, set[int]]:
    """Hard two-card totals to surrender, by upcard (late surrender)."""
    chart = {16: {9, 10, 11}, 15: {10}}
    if h17:
        chart[15] = {10, 11}
        chart[17] = {11}
    return chart


class BasicStrategy:
    """The basic-strategy play for one table's rules."""

    def __init__(self, config: CasinoConfig) -> None:
        self.config = config
        self._hard = _hard_chart(config.hit_soft_17)
        self._soft = _soft_chart(config.hit_soft_17)
        self._pairs = _pair_chart(config.hit_soft_17, config.surrender)
        self._surrender = (
            _surrender_chart(config.hit_soft_17) if config.surrender else {}
        )

    def decide(
        self,
        cards: list[str],
        upcard: str,
        can_double: bool,
        can_split: bool,
        can_surrender: bool,
    ) -> str:
        """The play for ``cards`` against ``upcard``, given what the table
        allows on this hand now."""
        up = RANK_VALUES[upcard[0]]
        if up == 1:
            up = 11
        total, soft = hand_value(cards)

        if can_split:
            first = RANK_VALUES[cards[0][0]]
            code = self._pairs[11 if first == 1 else first][up]
            if code == "P":
                return SPLIT
            if code == "Ph":
                if self.config.das:
                    return SPLIT
            elif code == "Rp":
                return SURRENDER if can_surrender else SPLIT
        if can_surrender and not soft and up in self._surrender.get(total, ()):
            return SURRENDER
        if total > 21:
            return STAND
        code = (self._soft if soft else self._hard)[total][up]
        if code == "H":
            return HIT
        if code == "S":
            return STAND
        if code == "D":
            return DOUBLE if can_double else HIT
        # "Ds"
        return DOUBLE if can_double else STAND
