"""Measure what ``blackjackd/rtp.py`` states: the house edge of basic
strategy for each deck count, and what each rule changes, with errors.

    python bench/rtp.py [--hands 4000000] [--processes 2]

Deck counts are measured apart (their shoes can't share cards); each rule
change is measured on the same cards as the 6-deck base game (common random
numbers), so its difference has a small error. Prints Python literals to
paste into ``blackjackd/rtp.py``. It asserts nothing; it measures.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from blackjackd.casino import CasinoConfig
from blackjackd.sim import compare, simulate

#: Rule changes ``compare`` doesn't play, measured the same way.
EXTRA_VARIANTS = {
    "resplit_aces": {"resplit_aces": True},
    "1:1": {"blackjack_pays": Fraction(1, 1), "bet_unit": None},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hands", type=int, default=4_000_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    base = CasinoConfig()
    print("# house edge of basic strategy, percent: (edge, standard error)")
    print("BY_DECKS = {")
    for decks in range(4, 9):
        result = simulate(
            args.hands, replace(base, decks=decks), args.seed, args.processes
        )
        print(
            f"    {decks}: ({result.house_edge * 100:.3f}, "
            f"{result.house_edge_stderr * 100:.3f}),"
            f"  # {args.hands:,} hands",
            flush=True,
        )
    print("}")
    print("# what each rule change adds to the edge, percent, on the same cards")
    print("RULE_EFFECTS = {")
    extra = {name: replace(base, **changes) for name, changes in EXTRA_VARIANTS.items()}
    for others in (None, extra):
        found = compare(args.hands // 2, base, args.seed, others)
        for name, figures in found["variants"].items():
            print(
                f"    {name!r}: ({figures['difference'] * 100:.3f}, "
                f"{figures['difference_stderr'] * 100:.3f}),",
                flush=True,
            )
    print("}")


if __name__ == "__main__":
    main()
