"""How fast the casino table engine plays: hands a second under the simulator.

Runs ``blackjackd.sim.simulate`` (one basic-strategy player at a real
``CasinoTable``, a ``Clock``, no network) for a few rule sets and prints
hands a second for each. No assertions: a measurement, not a test::

    .venv/bin/python bench/sim.py --hands 200000
"""

from __future__ import annotations

import argparse
import sys
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from blackjackd.casino import CasinoConfig
from blackjackd.sim import simulate

CONFIGURATIONS = {
    "6D S17 DAS 3:2": CasinoConfig(),
    "6D H17 DAS 3:2": CasinoConfig(hit_soft_17=True),
    "6D S17 DAS 3:2 LS": CasinoConfig(surrender=True),
    "6D S17 DAS 6:5": CasinoConfig(blackjack_pays=Fraction(6, 5)),
    "2D S17 noDAS 3:2": CasinoConfig(decks=2, das=False),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hands", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for name, config in CONFIGURATIONS.items():
        result = simulate(args.hands, config, seed=args.seed)
        print(
            f"{name:20} {result.hands_per_second:10,.0f} hands/s"
            f"  ({result.hands} hands in {result.seconds:.2f} s)"
        )


if __name__ == "__main__":
    main()
