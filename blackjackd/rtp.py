"""What basic strategy returns at a casino table: its house edge, measured by
the simulator, for the rules a table tells its players in ``id``.

The figures come from ``bench/rtp.py``: the base game (S17, double after a
split, no surrender, 3:2, aces split once, cut card at 75%) measured for each
deck count, and what each rule change adds, measured on the same cards as
the 6-deck base game. A table's edge is the base for its decks plus the
changes its rules make; its error adds the errors in quadrature. Rule
changes interact a little (a few hundredths of a percent), which the sum
leaves out. The simulator's chart is for 4 to 8 decks: for fewer, no figure
is stated.
"""

from __future__ import annotations

import math
from fractions import Fraction

from blackjackd.casino import CasinoConfig

#: The base game's house edge by deck count, in percent: (edge, standard
#: error). Measured with ``python bench/rtp.py --hands 4000000`` (4 million
#: hands per deck count, +-0.058% each) and the 48 million hands of the
#: 6-deck base in docs/rules.rst (0.458% +- 0.017%), then smoothed by a
#: weighted least-squares fit of edge = a + b / decks (chi-squared 2.5 on 4
#: degrees of freedom); the errors are the fit's.
BY_DECKS: dict[int, tuple[float, float]] = {
    4: (0.322, 0.048),
    5: (0.402, 0.022),
    6: (0.455, 0.014),
    7: (0.494, 0.021),
    8: (0.522, 0.029),
}

#: What each rule change adds to the edge, in percent, measured on the same
#: cards as the 6-deck base game (2 million paired rounds each, seed 2026):
#: (change, standard error).
RULE_EFFECTS: dict[str, tuple[float, float]] = {
    "h17": (0.242, 0.013),
    "6:5": (1.355, 0.004),
    "1:1": (2.259, 0.007),
    "surrender": (-0.092, 0.012),
    "no_das": (0.124, 0.014),
    "resplit_aces": (-0.066, 0.005),
}


def house_edge(config: CasinoConfig) -> tuple[float, float] | None:
    """Basic strategy's house edge under ``config``, in percent, with its
    standard error; None where the simulator's chart doesn't fit."""
    base = BY_DECKS.get(config.decks)
    if base is None:
        return None
    changes = []
    if config.hit_soft_17:
        changes.append("h17")
    if config.blackjack_pays == Fraction(6, 5):
        changes.append("6:5")
    elif config.blackjack_pays == Fraction(1, 1):
        changes.append("1:1")
    if config.surrender:
        changes.append("surrender")
    if not config.das:
        changes.append("no_das")
    if config.resplit_aces:
        changes.append("resplit_aces")
    edge, variance = base[0], base[1] ** 2
    for name in changes:
        change, error = RULE_EFFECTS[name]
        edge += change
        variance += error**2
    return edge, math.sqrt(variance)


def return_to_player(config: CasinoConfig) -> tuple[float, float] | None:
    """What basic strategy gets back per 100 chips bet under ``config``, in
    percent, with its standard error; None where no figure is stated."""
    found = house_edge(config)
    if found is None:
        return None
    edge, error = found
    return round(100 - edge, 2), round(error, 2)
