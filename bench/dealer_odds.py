"""Exact dealer bust rates by upcard, to check the simulator against.

A recursive count over the shoe's exact composition (the upcard removed;
rounds where the dealer has blackjack left out, as after the peek). For 1
and 2 decks it reproduces the Wizard of Odds' blackjack appendix 2 (dealer
probabilities after checking for blackjack) to the digits printed there::

    .venv/bin/python bench/dealer_odds.py --decks 6 [--h17]
"""

from __future__ import annotations

import argparse
from functools import cache

TEN = 10


def bust_rate(upcard: int, decks: int, hit_soft_17: bool) -> float:
    """The dealer's chance to bust with ``upcard`` (1 is the ace), given
    no dealer blackjack."""
    full = [0] + [4 * decks] * 9 + [16 * decks]  # full[v]: cards of value v
    full[upcard] -= 1

    @cache
    def busts(total: int, ace: bool, drawn: tuple[int, ...]) -> float:
        best = total + 10 if ace and total + 10 <= 21 else total
        soft = ace and total + 10 <= 21
        if best > 21:
            return 1.0
        if best > 17 or (best == 17 and not (soft and hit_soft_17)):
            return 0.0
        left = [full[v] - drawn[v] for v in range(11)]
        cards = sum(left)
        chance = 0.0
        for value in range(1, 11):
            if left[value]:
                taken = list(drawn)
                taken[value] += 1
                chance += (
                    left[value]
                    / cards
                    * busts(total + value, ace or value == 1, tuple(taken))
                )
        return chance

    cards = sum(full)
    weight_total = chance = 0.0
    for hole in range(1, 11):
        if {upcard, hole} == {1, TEN}:
            continue  # a dealer blackjack: the round ended at the peek
        weight = full[hole] / cards
        drawn = [0] * 11
        drawn[hole] += 1
        chance += weight * busts(upcard + hole, 1 in (upcard, hole), tuple(drawn))
        weight_total += weight
    return chance / weight_total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decks", type=int, default=6)
    parser.add_argument("--h17", action="store_true")
    args = parser.parse_args()
    for upcard, label in [(v, str(v)) for v in range(2, 10)] + [(10, "T"), (1, "A")]:
        print(f"{label}: {bust_rate(upcard, args.decks, args.h17) * 100:.2f}%")


if __name__ == "__main__":
    main()
