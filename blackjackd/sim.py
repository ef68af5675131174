"""``python -m blackjackd.sim``: play basic strategy through the casino rules
and measure the game.

The command line of the simulator (``blackjackd.simulation``): it prints the
house edge (the player's expected loss per initial bet, as a fraction) with
its standard error, the dealer's bust rate by upcard (rounds where the
dealer has blackjack left out) and hands per second; ``--compare`` plays
rule variants on the same cards; ``--json`` prints one object.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from blackjackd.casino import CasinoConfig, parse_payout
from blackjackd.shoe import DEFAULT_PENETRATION
from blackjackd.simulation import (
    BET,
    MIN_SIM_DECKS,
    UPCARD_LABELS,
    BasicPlayer,
    SimResult,
    Tally,
    check_config,
    compare,
    simulate,
    variants,
)

__all__ = [
    "BET",
    "UPCARD_LABELS",
    "BasicPlayer",
    "SimResult",
    "Tally",
    "compare",
    "main",
    "simulate",
    "variants",
]


def config_from_args(args: argparse.Namespace) -> CasinoConfig:
    """The table rules the command line asks for."""
    config = CasinoConfig(
        decks=args.decks,
        hit_soft_17=args.h17,
        das=args.das,
        surrender=args.surrender,
        resplit_aces=args.resplit_aces,
        blackjack_pays=parse_payout(args.blackjack_pays),
        penetration=args.penetration,
        shuffle_every_round=args.shuffle_every_round,
    )
    check_config(config)
    return config


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The simulator's command line."""
    parser = argparse.ArgumentParser(
        prog="python -m blackjackd.sim",
        description="Play basic strategy by the casino rules and measure the game.",
    )
    parser.add_argument("--hands", type=int, default=100_000, help="rounds to play")
    parser.add_argument(
        "--decks", type=int, default=6, help=f"{MIN_SIM_DECKS} to 8 (default 6)"
    )
    parser.add_argument("--h17", action="store_true", help="dealer hits soft 17")
    parser.add_argument(
        "--das",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="double after split (default on)",
    )
    parser.add_argument("--surrender", action="store_true", help="late surrender")
    parser.add_argument(
        "--resplit-aces", action="store_true", help="split aces may be split again"
    )
    parser.add_argument("--blackjack-pays", default="3:2", help="3:2, 6:5 or 1:1")
    parser.add_argument(
        "--penetration",
        type=float,
        default=DEFAULT_PENETRATION,
        help="fraction of the shoe dealt before the reshuffle (default 0.75)",
    )
    parser.add_argument(
        "--shuffle-every-round",
        action="store_true",
        help="shuffle the whole shoe before every round",
    )
    parser.add_argument("--seed", type=int, default=None, help="shoe seed")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="processes to play on (each plays its share of the hands)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also play H17/S17, 6:5, surrender and DAS toggled on the same "
        "cards and print each one's edge and its difference from these rules",
    )
    args = parser.parse_args(argv)
    if args.hands < 1:
        parser.error("--hands must be at least 1")
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    if args.compare and args.processes != 1:
        parser.error("--compare plays on one process")
    try:
        config_from_args(args)
    except ValueError as problem:
        parser.error(str(problem))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator; print text or JSON."""
    args = parse_args(argv)
    if args.compare:
        return _print_comparison(args)
    result = simulate(args.hands, config_from_args(args), args.seed, args.processes)
    if args.json:
        print(json.dumps(result.as_json()))
        return 0
    print(f"hands:       {result.hands}")
    print(
        f"house edge:  {result.house_edge:+.5f} "
        f"({result.house_edge * 100:+.3f}%) "
        f"± {result.house_edge_stderr:.5f} (1 standard error)"
    )
    print("dealer bust by upcard (dealer blackjacks left out):")
    for label in UPCARD_LABELS:
        print(
            f"  {label}: {result.dealer_bust_by_upcard[label] * 100:5.1f}%"
            f"  ({result.dealer_rounds_by_upcard[label]} rounds)"
        )
    print(f"hands/s:     {result.hands_per_second:,.0f} ({args.processes} process(es))")
    return 0


def _print_comparison(args: argparse.Namespace) -> int:
    found = compare(args.hands, config_from_args(args), args.seed)
    if args.json:
        print(json.dumps(found))
        return 0
    print(f"hands: {found['hands']} (each rule set, same cards)")
    print(
        f"these rules: {found['house_edge'] * 100:+.3f}% "
        f"± {found['house_edge_stderr'] * 100:.3f}%"
    )
    for name, figures in found["variants"].items():
        print(
            f"{name:>12}: {figures['house_edge'] * 100:+.3f}% "
            f"± {figures['house_edge_stderr'] * 100:.3f}%, "
            f"difference {figures['difference'] * 100:+.3f}% "
            f"± {figures['difference_stderr'] * 100:.3f}%"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
