"""Basic strategy played through the casino rules: the simulator's engine.

One player plays rounds of basic strategy for a table's rules against a
seeded shoe, with a flat bet of 10 chips (even and a multiple of 5, so 3:2,
6:5 and surrender pay exactly). Every round is a real ``CasinoRound``: the
very rules code the casino tables run, driven here without a state machine,
timers or messages, so the figures test the real rules at full speed.
``simulate`` can share the hands out over several processes, each on a shoe
seeded from the seed and its number, so a run is reproducible for a given
seed and process count. ``compare`` plays rule variants on the same cards.
``python -m blackjackd.sim`` is the command line (``blackjackd.sim``).
"""

from __future__ import annotations

import math
import random
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from blackjackd.cards import RANK_VALUES, hand_value
from blackjackd.casino import (
    PLAYING,
    CasinoConfig,
    double_refusal,
    is_natural,
    split_refusal,
    surrender_refusal,
    upcard_label,
)
from blackjackd.casino_round import CasinoRound, Stage
from blackjackd.ledger import Ledger
from blackjackd.shoe import Shoe
from blackjackd.strategy import BasicStrategy

UPCARD_LABELS = ("2", "3", "4", "5", "6", "7", "8", "9", "T", "A")
PLAYER = 1
BET = 10

#: What each of the strategy's plays calls on the round.
MOVES = {
    "hit": CasinoRound.hit,
    "stand": CasinoRound.stand,
    "double": CasinoRound.double,
    "split": CasinoRound.split,
    "surrender": CasinoRound.surrender,
}

#: The basic-strategy charts are those for 4 to 8 decks; fewer decks call
#: for other plays, so the simulator refuses them rather than mislead.
MIN_SIM_DECKS = 4


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


def check_config(config: CasinoConfig) -> None:
    """``ValueError`` for rules the simulator's strategy doesn't fit."""
    if config.decks < MIN_SIM_DECKS:
        raise ValueError(
            f"the simulator plays the {MIN_SIM_DECKS}-8 deck basic strategy; "
            f"{config.decks} deck(s) call for another chart"
        )


class BasicPlayer:
    """One basic-strategy player, alone against the dealer, round after
    round of ``CasinoRound`` on one shoe."""

    def __init__(self, config: CasinoConfig, shoe: Shoe) -> None:
        check_config(config)
        # A table limit the flat bet fits, whatever the rules' own limits.
        self.config = replace(
            config,
            seats=1,
            min_bet=min(config.min_bet, BET),
            max_bet=max(config.max_bet, BET),
        )
        self.shoe = shoe
        self.ledger = Ledger(keep_entries=False)
        # A bankroll the player never runs through.
        self.ledger.open(PLAYER, 10**15)
        self.decide = BasicStrategy(self.config).decide
        self.bettors = [(PLAYER, "basic", BET)]
        self.dealer: list[str] = []

    def play_round(self) -> int:
        """Bet, play one round by basic strategy; the chips won (or lost)."""
        config = self.config
        self.ledger.stake(PLAYER, BET, "bet")
        game = CasinoRound(config, self.shoe, self.ledger, self.bettors)
        if game.deal() is Stage.INSURANCE:
            game.close_insurance()  # basic strategy never insures
        if game.stage is Stage.PLAYING:
            upcard = game.dealer[0]
            hands = game.bettors[0].hands
            decide = self.decide
            surrender = config.surrender
            index = 0
            while index < len(hands):
                hand = hands[index]
                if hand.status != PLAYING:
                    index += 1
                    continue
                cards = hand.cards
                # The refusals are the rules' own; the cheap two-card and pair
                # tests in front only spare the calls for most decisions.
                if len(cards) == 2:
                    action = decide(
                        cards,
                        upcard,
                        double_refusal(hand, config) is None,
                        RANK_VALUES[cards[0][0]] == RANK_VALUES[cards[1][0]]
                        and split_refusal(hand, len(hands), config) is None,
                        surrender and surrender_refusal(hand, config) is None,
                    )
                else:
                    action = decide(cards, upcard, False, False, False)
                MOVES[action](game, PLAYER, index)
        game.settle()
        self.dealer = game.dealer
        return game.bettors[0].net


class Tally:
    """Running sums of per-round results, and dealer busts by upcard."""

    def __init__(self) -> None:
        self.hands = 0
        self.total = 0
        self.squares = 0
        self.rounds = dict.fromkeys(UPCARD_LABELS, 0)
        self.busts = dict.fromkeys(UPCARD_LABELS, 0)

    def add(self, net: int) -> None:
        self.hands += 1
        self.total += net
        self.squares += net * net

    def add_dealer(self, dealer: list[str]) -> None:
        if not is_natural(dealer):
            label = upcard_label(dealer[0])
            self.rounds[label] += 1
            if hand_value(dealer)[0] > 21:
                self.busts[label] += 1

    def merge(self, other: Tally) -> None:
        self.hands += other.hands
        self.total += other.total
        self.squares += other.squares
        for label in UPCARD_LABELS:
            self.rounds[label] += other.rounds[label]
            self.busts[label] += other.busts[label]

    def edge(self) -> tuple[float, float]:
        """House edge per initial bet and its standard error."""
        hands = self.hands
        mean = self.total / hands
        variance = (self.squares - hands * mean * mean) / max(hands - 1, 1)
        return -mean / BET, math.sqrt(max(variance, 0.0) / hands) / BET


def _play(hands: int, config: CasinoConfig, seed: int | str | None) -> Tally:
    """One process's share: ``hands`` rounds on a shoe seeded with ``seed``."""
    shoe = Shoe(config.decks, random.Random(seed), config.penetration)
    player = BasicPlayer(config, shoe)
    tally = Tally()
    for _ in range(hands):
        tally.add(player.play_round())
        tally.add_dealer(player.dealer)
    return tally


def _shares(hands: int, processes: int) -> list[int]:
    """``hands`` split as evenly as possible over ``processes``."""
    share, extra = divmod(hands, processes)
    return [share + (1 if number < extra else 0) for number in range(processes)]


def simulate(
    hands: int,
    config: CasinoConfig,
    seed: int | None = None,
    processes: int = 1,
) -> SimResult:
    """Play ``hands`` rounds of basic strategy under ``config``.

    With one process the shoe is seeded with ``seed`` itself; with several,
    process ``n`` seeds its shoe with ``f"{seed}/{n}"`` (different, and
    reproducible, streams).
    """
    if hands < 1:
        raise ValueError("simulate at least one hand")
    if processes < 1:
        raise ValueError("simulate on at least one process")
    check_config(config)
    started = time.perf_counter()
    if processes == 1:
        tally = _play(hands, config, seed)
    else:
        seeds = [
            None if seed is None else f"{seed}/{number}" for number in range(processes)
        ]
        tally = Tally()
        with ProcessPoolExecutor(processes) as pool:
            for part in pool.map(
                _play, _shares(hands, processes), [config] * processes, seeds
            ):
                tally.merge(part)
    seconds = time.perf_counter() - started
    edge, stderr = tally.edge()
    rounds, busts = tally.rounds, tally.busts
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
    six_to_five = config.blackjack_pays == Fraction(6, 5)
    return {
        "h17" if not config.hit_soft_17 else "s17": replace(
            config, hit_soft_17=not config.hit_soft_17
        ),
        "6:5" if not six_to_five else "3:2": replace(
            config,
            blackjack_pays=Fraction(3, 2) if six_to_five else Fraction(6, 5),
            bet_unit=None,
        ),
        "surrender" if not config.surrender else "no_surrender": replace(
            config, surrender=not config.surrender, bet_unit=None
        ),
        "no_das" if config.das else "das": replace(config, das=not config.das),
    }


def compare(
    hands: int,
    config: CasinoConfig,
    seed: int | None = None,
    others: dict[str, CasinoConfig] | None = None,
) -> dict[str, Any]:
    """Play ``config`` and each of ``others`` (by default its ``variants``)
    on the same cards.

    Every round, each variant's shoe starts from the base game's shoe, so
    the rounds are paired and the difference in edge has a small standard
    error (common random numbers). The shoe then moves on as the base game
    used it.
    """
    if hands < 1:
        raise ValueError("simulate at least one hand")
    shoe = Shoe(config.decks, random.Random(seed), config.penetration)
    base = BasicPlayer(config, shoe)
    players = {
        name: BasicPlayer(
            rules, Shoe(rules.decks, random.Random(seed), rules.penetration)
        )
        for name, rules in (variants(config) if others is None else others).items()
    }
    base_tally = Tally()
    tallies = {name: (Tally(), Tally()) for name in players}
    started = time.perf_counter()
    for _ in range(hands):
        if shoe.needs_shuffle:
            shoe.shuffle()
        for player in players.values():
            player.shoe.mirror(shoe)
        net = base.play_round()
        base_tally.add(net)
        for name, player in players.items():
            other = player.play_round()
            tallies[name][0].add(other)
            tallies[name][1].add(other - net)
    seconds = time.perf_counter() - started
    edge, stderr = base_tally.edge()
    result: dict[str, Any] = {
        "hands": hands,
        "house_edge": edge,
        "house_edge_stderr": stderr,
        "variants": {},
        "seconds": seconds,
    }
    for name, (alone, paired) in tallies.items():
        variant_edge, variant_stderr = alone.edge()
        difference, difference_stderr = paired.edge()
        result["variants"][name] = {
            "house_edge": variant_edge,
            "house_edge_stderr": variant_stderr,
            "difference": difference,
            "difference_stderr": difference_stderr,
        }
    return result
