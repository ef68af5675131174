"""``python -m blackjackd.sim``: play basic strategy at a casino table.

One player sits at a real ``CasinoTable`` (a ``Clock`` for time, a seeded
``random.Random`` shoe, no network, no database) and plays ``--hands``
rounds with basic strategy for the table's rules, a flat bet of 10 chips
(even and a multiple of 5, so 3:2, 6:5 and surrender pay exactly). Because
every card goes through the table engine, the figures test the real rules.

It prints the house edge (the player's expected loss per initial bet, as a
fraction) with its standard error, the dealer's bust rate by upcard (rounds
where the dealer has blackjack left out) and hands per second.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from twisted.internet.task import Clock

from blackjackd.casino import (
    PLAYING,
    CasinoConfig,
    double_refusal,
    hand_total,
    is_natural,
    parse_payout,
    split_refusal,
    surrender_refusal,
    upcard_label,
)
from blackjackd.casino_table import CasinoTable, Phase, quiet
from blackjackd.ledger import Ledger
from blackjackd.shoe import Shoe
from blackjackd.strategy import BasicStrategy

UPCARD_LABELS = ("2", "3", "4", "5", "6", "7", "8", "9", "T", "A")
PLAYER = 1
BET = 10


@dataclass
class SimResult:
    """What a simulation measured."""

    hands: int
    house_edge: float
    house_edge_stderr: float
    dealer_bust_by_upcard: dict[str, float]
    hands_per_second: float
    seconds: float
    dealer_rounds_by_upcard: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The keys ``--json`` prints."""
        return {
            "hands": self.hands,
            "house_edge": self.house_edge,
            "house_edge_stderr": self.house_edge_stderr,
            "dealer_bust_by_upcard": self.dealer_bust_by_upcard,
            "hands_per_second": self.hands_per_second,
        }


def simulate(hands: int, config: CasinoConfig, seed: int | None = None) -> SimResult:
    """Play ``hands`` rounds of basic strategy at one casino table."""
    if hands < 1:
        raise ValueError("simulate at least one hand")
    # No pause between rounds, and a table limit the flat bet fits.
    config = replace(
        config,
        seats=1,
        round_delay=0,
        min_bet=min(config.min_bet, BET),
        max_bet=max(config.max_bet, BET),
    )
    clock = Clock()
    ledger = Ledger(keep_entries=False)
    # A bankroll the player never runs through.
    ledger.open(PLAYER, 10**15)
    table = CasinoTable(
        1, config, Shoe(config.decks, random.Random(seed)), clock, ledger
    )
    table.sit(PLAYER, "basic", quiet)
    seat = table.seat_of(PLAYER)
    strategy = BasicStrategy(config)
    decide = strategy.decide
    actions = {
        "hit": table.hit,
        "stand": table.stand,
        "double": table.double,
        "split": table.split,
        "surrender": table.surrender,
    }
    max_hands = config.max_split_hands

    total = 0
    total_squares = 0
    rounds = dict.fromkeys(UPCARD_LABELS, 0)
    busts = dict.fromkeys(UPCARD_LABELS, 0)
    started = time.perf_counter()
    for _ in range(hands):
        before = ledger.balance(PLAYER)
        table.bet(PLAYER, BET)
        if table.phase is Phase.INSURANCE:
            table.insurance(PLAYER, False)  # basic strategy never insures
        if table.phase is Phase.PLAYING:
            upcard = table.dealer_hand[0]
            player_hands = seat.hands
            index = 0
            while index < len(player_hands):
                hand = player_hands[index]
                if hand.status != PLAYING:
                    index += 1
                    continue
                action = decide(
                    hand.cards,
                    upcard,
                    double_refusal(hand, config) is None,
                    len(player_hands) < max_hands
                    and split_refusal(hand, len(player_hands), config) is None,
                    config.surrender and surrender_refusal(hand, config) is None,
                )
                actions[action](PLAYER, index)
        net = ledger.balance(PLAYER) - before
        total += net
        total_squares += net * net
        dealer = table.dealer_hand
        if not is_natural(dealer):
            label = upcard_label(dealer[0])
            rounds[label] += 1
            if hand_total(dealer)[0] > 21:
                busts[label] += 1
        clock.advance(0)  # the round delay is 0: betting opens again
    seconds = time.perf_counter() - started

    mean = total / hands
    variance = (total_squares - hands * mean * mean) / max(hands - 1, 1)
    return SimResult(
        hands=hands,
        house_edge=-mean / BET,
        house_edge_stderr=math.sqrt(variance / hands) / BET,
        dealer_bust_by_upcard={
            label: busts[label] / rounds[label] if rounds[label] else 0.0
            for label in UPCARD_LABELS
        },
        hands_per_second=hands / seconds if seconds > 0 else float("inf"),
        seconds=seconds,
        dealer_rounds_by_upcard=rounds,
    )


def config_from_args(args: argparse.Namespace) -> CasinoConfig:
    """The table rules the command line asks for."""
    return CasinoConfig(
        decks=args.decks,
        hit_soft_17=args.h17,
        das=args.das,
        surrender=args.surrender,
        resplit_aces=args.resplit_aces,
        blackjack_pays=parse_payout(args.blackjack_pays),
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The simulator's command line."""
    parser = argparse.ArgumentParser(
        prog="python -m blackjackd.sim",
        description="Play basic strategy at a casino table and measure the game.",
    )
    parser.add_argument("--hands", type=int, default=100_000, help="rounds to play")
    parser.add_argument("--decks", type=int, default=6)
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
    parser.add_argument("--seed", type=int, default=None, help="shoe seed")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.hands < 1:
        parser.error("--hands must be at least 1")
    try:
        config_from_args(args)
    except ValueError as problem:
        parser.error(str(problem))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator; print text or JSON."""
    args = parse_args(argv)
    result = simulate(args.hands, config_from_args(args), args.seed)
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
    print(f"hands/s:     {result.hands_per_second:,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
