"""The simulator, quickly: it runs, its JSON has the promised keys, and
rule changes move the edge the right way on the same cards."""

from __future__ import annotations

import json
import random
from fractions import Fraction

import pytest
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.casino import CasinoConfig
from blackjackd.shoe import Shoe
from blackjackd.sim import UPCARD_LABELS, compare, main, simulate
from blackjackd.strategy import BasicStrategy


def test_json_output(capsys):
    assert main(["--hands", "2000", "--seed", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {
        "house_edge",
        "house_edge_stderr",
        "dealer_bust_by_upcard",
        "hands",
        "hands_per_second",
    }
    assert result["hands"] == 2000
    assert -0.1 < result["house_edge"] < 0.1
    assert 0 < result["house_edge_stderr"] < 0.05
    assert list(result["dealer_bust_by_upcard"]) == list(UPCARD_LABELS)
    assert all(0 <= rate <= 1 for rate in result["dealer_bust_by_upcard"].values())
    assert result["hands_per_second"] > 0


def test_text_output(capsys):
    main(["--hands", "500", "--seed", "2", "--h17", "--no-das", "--surrender"])
    out = capsys.readouterr().out
    assert "house edge" in out
    assert "hands/s" in out


def test_same_seed_same_figures():
    first = simulate(1000, CasinoConfig(), seed=5)
    second = simulate(1000, CasinoConfig(), seed=5)
    assert first.house_edge == second.house_edge


def test_6_to_5_costs_the_player_on_the_same_cards():
    fair = simulate(3000, CasinoConfig(), seed=9)
    short = simulate(3000, CasinoConfig(blackjack_pays=Fraction(6, 5)), seed=9)
    # Same cards, same plays: only blackjacks pay less, 0.3 bets each.
    difference = short.house_edge - fair.house_edge
    assert difference > 0
    assert (difference * 3000 / 0.3) == pytest.approx(round(difference * 3000 / 0.3))


def test_bad_arguments_exit():
    with pytest.raises(SystemExit):
        main(["--hands", "0"])
    with pytest.raises(SystemExit):
        main(["--blackjack-pays", "7:5"])


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


@pytest.mark.parametrize(
    "config",
    [
        CasinoConfig(),
        CasinoConfig(hit_soft_17=True, surrender=True, das=False),
        CasinoConfig(decks=4, resplit_aces=True, blackjack_pays=Fraction(6, 5)),
    ],
)
def test_engine_agrees_with_a_plain_replay_of_the_same_cards(config):
    assert simulate(4000, config, seed=3).house_edge == replay(4000, config, seed=3)


def test_compare_pairs_rule_variants_on_the_same_cards():
    found = compare(2000, CasinoConfig(), seed=4)
    assert set(found["variants"]) == {"h17", "6:5", "surrender", "no_das"}
    short = found["variants"]["6:5"]
    # 6:5 changes no play, only what a blackjack pays: always a cost.
    assert short["difference"] > 0
    assert short["difference_stderr"] < found["house_edge_stderr"] / 5
    alone = simulate(2000, CasinoConfig(), seed=4)
    assert found["house_edge"] == alone.house_edge


class SimulatorOptionsTests(SynchronousTestCase):
    """The options the tables share with the simulator, and its processes."""

    def test_fewer_than_four_decks_are_refused_with_the_reason(self) -> None:
        for decks in ("1", "2", "3"):
            with self.subTest(decks=decks):
                with self.assertRaises(SystemExit):
                    main(["--decks", decks, "--hands", "10"])
                with self.assertRaises(ValueError) as refused:
                    simulate(10, CasinoConfig(decks=int(decks)))
                self.assertIn("4-8 deck basic strategy", str(refused.exception))

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
        self.assertEqual(sum(first.dealer_rounds_by_upcard.values()) > 3_000, True)
        alone = simulate(4_000, CasinoConfig(), seed=7)
        self.assertNotEqual(first.house_edge, alone.house_edge)

    def test_shuffle_every_round_and_penetration_are_played(self) -> None:
        config = CasinoConfig(shuffle_every_round=True, penetration=0.5)
        result = simulate(2_000, config, seed=3)
        self.assertEqual(result.hands, 2_000)
        with self.assertRaises(SystemExit):
            main(["--penetration", "1.5"])
