"""How fast the casino rules play: hands a second under the simulator.

Runs ``blackjackd.sim.simulate`` (one basic-strategy player, the real
``CasinoRound``, no table, no network) for a few rule sets and prints hands
a second for each, on one process and on ``--processes``. No assertions: a
measurement, not a test::

    .venv/bin/python bench/sim.py --hands 2000000 --processes 2
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
    "4D S17 noDAS 3:2": CasinoConfig(decks=4, das=False),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hands", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    for name, config in CONFIGURATIONS.items():
        for processes in sorted({1, args.processes}):
            result = simulate(args.hands, config, args.seed, processes)
            print(
                f"{name:20} {processes} process(es) "
                f"{result.hands_per_second:10,.0f} hands/s"
                f"  ({result.hands} hands in {result.seconds:.2f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
