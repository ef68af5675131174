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
from fractions import Fraction
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


class _SharedShoe(Shoe):
    """A shoe that can take on another shoe's cards, so several tables play
    the same cards in the same round (common random numbers)."""

    def mirror(self, other: Shoe) -> None:
        self._cards = list(other._cards)
        self._cut_at = other._cut_at


class _BasicPlayer:
    """One basic-strategy player alone at a real ``CasinoTable``."""

    def __init__(self, config: CasinoConfig, shoe: Shoe) -> None:
        # No pause between rounds, and a table limit the flat bet fits.
        config = replace(
            config,
            seats=1,
            round_delay=0,
            min_bet=min(config.min_bet, BET),
            max_bet=max(config.max_bet, BET),
        )
        self.config = config
        self.clock = Clock()
        self.ledger = Ledger(keep_entries=False)
        # A bankroll the player never runs through.
        self.ledger.open(PLAYER, 10**15)
        self.table = CasinoTable(1, config, shoe, self.clock, self.ledger)
        self.table.sit(PLAYER, "basic", quiet)
        self.seat = self.table.seat_of(PLAYER)
        self.decide = BasicStrategy(config).decide
        self.actions = {
            "hit": self.table.hit,
            "stand": self.table.stand,
            "double": self.table.double,
            "split": self.table.split,
            "surrender": self.table.surrender,
        }

    def play_round(self) -> int:
        """Bet, play one round by basic strategy; the chips won (or lost)."""
        table, ledger, config = self.table, self.ledger, self.config
        before = ledger.balance(PLAYER)
        table.bet(PLAYER, BET)
        if table.phase is Phase.INSURANCE:
            table.insurance(PLAYER, False)  # basic strategy never insures
        if table.phase is Phase.PLAYING:
            upcard = table.dealer_hand[0]
            player_hands = self.seat.hands
            max_hands = config.max_split_hands
            index = 0
            while index < len(player_hands):
                hand = player_hands[index]
                if hand.status != PLAYING:
                    index += 1
                    continue
                action = self.decide(
                    hand.cards,
                    upcard,
                    double_refusal(hand, config) is None,
                    len(player_hands) < max_hands
                    and split_refusal(hand, len(player_hands), config) is None,
                    config.surrender and surrender_refusal(hand, config) is None,
                )
                self.actions[action](PLAYER, index)
        net = ledger.balance(PLAYER) - before
        self.clock.advance(0)  # the round delay is 0: betting opens again
        return net


class _Tally:
    """Running sums of per-round results."""

    def __init__(self) -> None:
        self.total = 0
        self.squares = 0

    def add(self, net: int) -> None:
        self.total += net
        self.squares += net * net

    def edge(self, hands: int) -> tuple[float, float]:
        """House edge per initial bet and its standard error."""
        mean = self.total / hands
        variance = (self.squares - hands * mean * mean) / max(hands - 1, 1)
        return -mean / BET, math.sqrt(max(variance, 0.0) / hands) / BET


def simulate(hands: int, config: CasinoConfig, seed: int | None = None) -> SimResult:
    """Play ``hands`` rounds of basic strategy at one casino table."""
    if hands < 1:
        raise ValueError("simulate at least one hand")
    player = _BasicPlayer(config, Shoe(config.decks, random.Random(seed)))
    table = player.table
    tally = _Tally()
    rounds = dict.fromkeys(UPCARD_LABELS, 0)
    busts = dict.fromkeys(UPCARD_LABELS, 0)
    started = time.perf_counter()
    for _ in range(hands):
        tally.add(player.play_round())
        dealer = table.dealer_hand
        if not is_natural(dealer):
            label = upcard_label(dealer[0])
            rounds[label] += 1
            if hand_total(dealer)[0] > 21:
                busts[label] += 1
    seconds = time.perf_counter() - started

    edge, stderr = tally.edge(hands)
    return SimResult(
        hands=hands,
        house_edge=edge,
        house_edge_stderr=stderr,
        dealer_bust_by_upcard={
            label: busts[label] / rounds[label] if rounds[label] else 0.0
            for label in UPCARD_LABELS
        },
        hands_per_second=hands / seconds if seconds > 0 else float("inf"),
        seconds=seconds,
        dealer_rounds_by_upcard=rounds,
    )


def variants(config: CasinoConfig) -> dict[str, CasinoConfig]:
    """The rule changes ``--compare`` measures against ``config``."""
    return {
        "h17" if not config.hit_soft_17 else "s17": replace(
            config, hit_soft_17=not config.hit_soft_17
        ),
        "6:5" if config.blackjack_pays != Fraction(6, 5) else "3:2": replace(
            config,
            blackjack_pays=Fraction(3, 2)
            if config.blackjack_pays == Fraction(6, 5)
            else Fraction(6, 5),
        ),
        "surrender" if not config.surrender else "no_surrender": replace(
            config, surrender=not config.surrender
        ),
        "no_das" if config.das else "das": replace(config, das=not config.das),
    }


def compare(
    hands: int, config: CasinoConfig, seed: int | None = None
) -> dict[str, Any]:
    """Play ``config`` and each of its ``variants`` on the same cards.

    Every round, each variant's table starts from the base table's shoe, so
    the rounds are paired and the difference in edge has a small standard
    error (common random numbers). The shoe then moves on as the base game
    used it.
    """
    if hands < 1:
        raise ValueError("simulate at least one hand")
    shoe = _SharedShoe(config.decks, random.Random(seed))
    base = _BasicPlayer(config, shoe)
    others = {
        name: (_BasicPlayer(rules, _SharedShoe(rules.decks, random.Random(seed))))
        for name, rules in variants(config).items()
    }
    base_tally = _Tally()
    tallies = {name: (_Tally(), _Tally()) for name in others}
    started = time.perf_counter()
    for _ in range(hands):
        if shoe.needs_shuffle:
            shoe.shuffle()
        for player in others.values():
            player_shoe = player.table._shoe
            assert isinstance(player_shoe, _SharedShoe)
            player_shoe.mirror(shoe)
        net = base.play_round()
        base_tally.add(net)
        for name, player in others.items():
            other = player.play_round()
            tallies[name][0].add(other)
            tallies[name][1].add(other - net)
    seconds = time.perf_counter() - started
    edge, stderr = base_tally.edge(hands)
    result: dict[str, Any] = {
        "hands": hands,
        "house_edge": edge,
        "house_edge_stderr": stderr,
        "variants": {},
        "seconds": seconds,
    }
    for name, (alone, paired) in tallies.items():
        variant_edge, variant_stderr = alone.edge(hands)
        difference, difference_stderr = paired.edge(hands)
        result["variants"][name] = {
            "house_edge": variant_edge,
            "house_edge_stderr": variant_stderr,
            "difference": difference,
            "difference_stderr": difference_stderr,
        }
    return result


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
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also play H17/S17, 6:5, surrender and DAS toggled on the same "
        "cards and print each one's edge and its difference from these rules",
    )
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
    if args.compare:
        return _print_comparison(args)
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
