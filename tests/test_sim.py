"""The simulator, quickly: it runs, its JSON has the promised keys, and
rule changes move the edge the right way on the same cards."""

from __future__ import annotations

import contextlib
import io
import json
import random
from fractions import Fraction

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.casino import CasinoConfig
from blackjackd.shoe import Shoe
from blackjackd.sim import UPCARD_LABELS, compare, main, simulate
from blackjackd.strategy import BasicStrategy


def _output(argv: list[str]) -> tuple[int, str]:
    """What ``main(argv)`` returns and prints."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(argv)
    return code, printed.getvalue()


class CommandLineTests(SynchronousTestCase):
    """What ``python -m blackjackd.sim`` prints and refuses."""

    def test_json_output(self) -> None:
        code, out = _output(["--hands", "2000", "--seed", "1", "--json"])
        self.assertEqual(code, 0)
        result = json.loads(out)
        self.assertEqual(
            set(result),
            {
                "house_edge",
                "house_edge_stderr",
                "dealer_bust_by_upcard",
                "hands",
                "hands_per_second",
            },
        )
        self.assertEqual(result["hands"], 2000)
        self.assertLess(abs(result["house_edge"]), 0.1)
        self.assertGreater(result["house_edge_stderr"], 0)
        self.assertLess(result["house_edge_stderr"], 0.05)
        self.assertEqual(list(result["dealer_bust_by_upcard"]), list(UPCARD_LABELS))
        for rate in result["dealer_bust_by_upcard"].values():
            self.assertTrue(0 <= rate <= 1, rate)
        self.assertGreater(result["hands_per_second"], 0)

    def test_text_output(self) -> None:
        _, out = _output(
            ["--hands", "500", "--seed", "2", "--h17", "--no-das", "--surrender"]
        )
        self.assertIn("house edge", out)
        self.assertIn("hands/s", out)

    def test_bad_arguments_exit(self) -> None:
        errors = io.StringIO()
        with contextlib.redirect_stderr(errors):
            self.assertRaises(SystemExit, main, ["--hands", "0"])
            self.assertRaises(SystemExit, main, ["--blackjack-pays", "7:5"])
            self.assertRaises(SystemExit, main, ["--processes", "0"])
        self.assertIn("--hands must be at least 1", errors.getvalue())


class SeedTests(SynchronousTestCase):
    """Seeds make runs repeatable, and pair rule sets on the same cards."""

    def test_same_seed_same_figures(self) -> None:
        first = simulate(1000, CasinoConfig(), seed=5)
        second = simulate(1000, CasinoConfig(), seed=5)
        self.assertEqual(first.house_edge, second.house_edge)

    def test_6_to_5_costs_the_player_on_the_same_cards(self) -> None:
        fair = simulate(3000, CasinoConfig(), seed=9)
        short = simulate(3000, CasinoConfig(blackjack_pays=Fraction(6, 5)), seed=9)
        # Same cards, same plays: only blackjacks pay less, 0.3 bets each.
        difference = short.house_edge - fair.house_edge
        self.assertGreater(difference, 0)
        blackjacks = difference * 3000 / 0.3
        self.assertAlmostEqual(blackjacks, round(blackjacks), places=6)

    def test_compare_pairs_rule_variants_on_the_same_cards(self) -> None:
        found = compare(2000, CasinoConfig(), seed=4)
        self.assertEqual(set(found["variants"]), {"h17", "6:5", "surrender", "no_das"})
        short = found["variants"]["6:5"]
        # 6:5 changes no play, only what a blackjack pays: always a cost.
        self.assertGreater(short["difference"], 0)
        self.assertLess(short["difference_stderr"], found["house_edge_stderr"] / 5)
        alone = simulate(2000, CasinoConfig(), seed=4)
        self.assertEqual(found["house_edge"], alone.house_edge)


# -- the engine against a plain re-implementation, on the same cards ----------

VALUES = {rank: min(i + 1, 10) for i, rank in enumerate("A23456789TJQK")}


def _total(cards):
    total = sum(VALUES[card[0]] for card in cards)
    if any(card[0] == "A" for card in cards) and total <= 11:
        return total + 10
    return total


def _natural(cards):
    return len(cards) == 2 and _total(cards) == 21


def _soft_17(cards):
    plain = sum(VALUES[card[0]] for card in cards)
    return plain == 7 and any(card[0] == "A" for card in cards)


def _pair(cards):
    return len(cards) == 2 and VALUES[cards[0][0]] == VALUES[cards[1][0]]


def replay(hands: int, config: CasinoConfig, seed: int) -> float:
    """The simulator's game written out plainly, without the table: same
    shoe, same draw order, same strategy. Returns the house edge."""
    shoe = Shoe(config.decks, random.Random(seed))
    strategy = BasicStrategy(config)
    pays = config.blackjack_pays
    net = 0
    for _ in range(hands):
        if shoe.needs_shuffle:
            shoe.shuffle()
        first, up, second, hole = (shoe.draw() for _ in range(4))
        dealer = [up, hole]
        if up[0] in "ATJQK" and _natural(dealer):
            net += 0 if _natural([first, second]) else -10
            continue
        played = [{"cards": [first, second], "bet": 10, "split": False}]
        played[0]["done"] = _natural(played[0]["cards"])
        played[0]["aces"] = played[0]["surrendered"] = False
        index = 0
        while index < len(played):
            hand = played[index]
            cards = hand["cards"]
            if hand["done"]:
                index += 1
                continue
            action = strategy.decide(
                cards,
                up,
                len(cards) == 2
                and not hand["aces"]
                and (config.das or not hand["split"]),
                _pair(cards)
                and len(played) < config.max_split_hands
                and not (hand["aces"] and not config.resplit_aces),
                config.surrender and len(cards) == 2 and not hand["split"],
            )
            if action == "hit":
                cards.append(shoe.draw())
                hand["done"] = _total(cards) >= 21
            elif action == "double":
                hand["bet"] *= 2
                cards.append(shoe.draw())
                hand["done"] = True
            elif action == "surrender":
                hand["surrendered"] = hand["done"] = True
            elif action == "split":
                aces = cards[0][0] == "A"
                new = {"cards": [cards.pop()], "bet": hand["bet"], "split": True}
                new["aces"], new["surrendered"] = aces, False
                hand["split"], hand["aces"] = True, aces
                cards.append(shoe.draw())
                new["cards"].append(shoe.draw())
                played.append(new)
                for each in (hand, new):
                    each["done"] = (
                        aces
                        and not (
                            config.resplit_aces
                            and _pair(each["cards"])
                            and len(played) < config.max_split_hands
                        )
                    ) or _total(each["cards"]) == 21
                if aces and len(played) >= config.max_split_hands:
                    for each in played:
                        each["done"] = True
            else:
                hand["done"] = True
        while _total(dealer) < 17 or (config.hit_soft_17 and _soft_17(dealer)):
            dealer.append(shoe.draw())
        for hand in played:
            bet, points, dealer_points = (
                hand["bet"],
                _total(hand["cards"]),
                _total(dealer),
            )
            if hand["surrendered"]:
                net -= bet - bet // 2
            elif points > 21:
                net -= bet
            elif _natural(hand["cards"]) and not hand["split"]:
                net += bet * pays.numerator // pays.denominator
            elif dealer_points > 21 or points > dealer_points:
                net += bet
            elif points < dealer_points:
                net -= bet
    return -net / hands / 10


REPLAYED_RULES = [
    CasinoConfig(),
    CasinoConfig(hit_soft_17=True, surrender=True, das=False),
    CasinoConfig(decks=4, resplit_aces=True, blackjack_pays=Fraction(6, 5)),
]


class ReplayTests(SynchronousTestCase):
    def test_engine_agrees_with_a_plain_replay_of_the_same_cards(self) -> None:
        for config in REPLAYED_RULES:
            self.assertEqual(
                simulate(4000, config, seed=3).house_edge,
                replay(4000, config, seed=3),
                config,
            )


class SimulatorOptionsTests(SynchronousTestCase):
    """The options the tables share with the simulator, and its processes."""

    def test_fewer_than_four_decks_are_refused_with_the_reason(self) -> None:
        for decks in ("1", "2", "3"):
            with contextlib.redirect_stderr(io.StringIO()) as errors:
                self.assertRaises(SystemExit, main, ["--decks", decks, "--hands", "10"])
            self.assertIn("4-8 deck basic strategy", errors.getvalue(), decks)
            refused = self.assertRaises(
                ValueError, simulate, 10, CasinoConfig(decks=int(decks))
            )
            self.assertIn("4-8 deck basic strategy", str(refused), decks)

    def test_resplitting_aces_plays_to_the_end(self) -> None:
        # It used to stop with "split aces take one card each" within
        # seconds: four split-ace hands and a pair of aces left to play.
        result = simulate(20_000, CasinoConfig(resplit_aces=True), seed=11)
        self.assertEqual(result.hands, 20_000)

    def test_processes_split_the_hands_and_are_reproducible(self) -> None:
        first = simulate(4_000, CasinoConfig(), seed=7, processes=2)
        second = simulate(4_000, CasinoConfig(), seed=7, processes=2)
        self.assertEqual(first.hands, 4_000)
        self.assertEqual(first.house_edge, second.house_edge)
        self.assertGreater(sum(first.dealer_rounds_by_upcard.values()), 3_000)
        alone = simulate(4_000, CasinoConfig(), seed=7)
        self.assertNotEqual(first.house_edge, alone.house_edge)

    def test_shuffle_every_round_and_penetration_are_played(self) -> None:
        config = CasinoConfig(shuffle_every_round=True, penetration=0.5)
        result = simulate(2_000, config, seed=3)
        self.assertEqual(result.hands, 2_000)
        with contextlib.redirect_stderr(io.StringIO()):
            self.assertRaises(SystemExit, main, ["--penetration", "1.5"])
