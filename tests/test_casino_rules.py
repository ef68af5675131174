"""The pure casino rules: configuration, legality, payouts, basic strategy."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.casino import (
    CasinoConfig,
    PlayerHand,
    blackjack_winnings,
    dealer_peeks,
    double_refusal,
    format_payout,
    insurance_cost,
    insurance_payout,
    is_pair,
    parse_payout,
    settle_hand,
    split_refusal,
    surrender_refund,
    surrender_refusal,
    upcard_label,
)
from blackjackd.strategy import BasicStrategy

S17 = CasinoConfig()
H17 = CasinoConfig(hit_soft_17=True)


def hand(*cards: str, bet: int = 10, **flags: Any) -> PlayerHand:
    return PlayerHand(bet=bet, cards=list(cards), **flags)


def play(config: CasinoConfig, cards: list[str], up: str, **allowed: bool) -> str:
    options = {"can_double": True, "can_split": is_pair(cards), "can_surrender": False}
    options.update(allowed)
    return BasicStrategy(config).decide(cards, up, **options)


BAD_CONFIGS: list[dict[str, Any]] = [
    {"seats": 0},
    {"seats": 8},
    {"decks": 0},
    {"decks": 9},
    {"blackjack_pays": Fraction(7, 5)},
    {"max_split_hands": 5},
    {"max_split_hands": 0},
    {"min_bet": 0},
    {"min_bet": 20, "max_bet": 10},
    {"bet_timeout": 0},
    {"turn_timeout": -1},
    {"round_delay": -1},
    {"starting_chips": -1},
]

SETTLED_HANDS = [
    (hand("TS", "9H"), ["7C", "TD"], ("win", 20)),
    (hand("TS", "7H"), ["9C", "TD"], ("lose", 0)),
    (hand("TS", "9H"), ["9C", "TD"], ("push", 10)),
    (hand("TS", "5H", "9D"), ["TC", "6D", "9S"], ("lose", 0)),  # both bust
    (hand("TS", "5H"), ["TC", "6D", "9S"], ("win", 20)),
    (hand("AS", "KH"), ["TC", "9D"], ("win", 25)),
    (hand("AS", "KH"), ["TC", "AD"], ("push", 10)),
    (hand("TS", "5H", "6D"), ["TC", "AD"], ("lose", 0)),  # 21 loses to BJ
    (hand("AS", "KH", from_split=True), ["TC", "9D"], ("win", 20)),
    (hand("AS", "KH", from_split=True), ["TC", "AD"], ("lose", 0)),
    (hand("TS", "9H", bet=20, doubled=True), ["TC", "8D"], ("win", 40)),
    (hand("TS", "6H", status="surrendered"), ["TC", "8D"], ("lose", 0)),
]

STRATEGY_SPOTS = [
    (S17, ["TS", "6H"], "TD", "hit"),
    (S17, ["TS", "6H"], "6D", "stand"),
    (S17, ["TS", "2H"], "3D", "hit"),
    (S17, ["TS", "2H"], "4D", "stand"),
    (S17, ["6S", "5H"], "AD", "hit"),  # 11 against an ace: S17 hits
    (H17, ["6S", "5H"], "AD", "double"),  # H17 doubles
    (S17, ["5S", "5H"], "9D", "double"),  # 5-5 plays as 10
    (S17, ["TS", "TH"], "6D", "stand"),
    (S17, ["AS", "AH"], "AD", "split"),
    (S17, ["8S", "8H"], "TD", "split"),
    (S17, ["9S", "9H"], "7D", "stand"),
    (S17, ["9S", "9H"], "8D", "split"),
    (S17, ["4S", "4H"], "5D", "split"),  # with DAS
    (CasinoConfig(das=False), ["4S", "4H"], "5D", "hit"),
    (CasinoConfig(das=False), ["2S", "2H"], "3D", "hit"),
    (S17, ["2S", "2H"], "3D", "split"),
    (S17, ["AS", "7H"], "2D", "stand"),
    (H17, ["AS", "7H"], "2D", "double"),
    (S17, ["AS", "7H"], "9D", "hit"),
    (S17, ["AS", "7H"], "5D", "double"),
    (S17, ["AS", "8H"], "6D", "stand"),
    (H17, ["AS", "8H"], "6D", "double"),
    (S17, ["AS", "2H"], "5D", "double"),
    (S17, ["AS", "2H"], "4D", "hit"),
]

LATE_SURRENDER_SPOTS = [
    (S17, ["TS", "6H"], "TD", "surrender"),
    (S17, ["TS", "6H"], "9D", "surrender"),
    (S17, ["TS", "6H"], "AD", "surrender"),
    (S17, ["TS", "5H"], "TD", "surrender"),
    (S17, ["TS", "5H"], "AD", "hit"),
    (H17, ["TS", "5H"], "AD", "surrender"),
    (H17, ["TS", "7H"], "AD", "surrender"),
    (S17, ["TS", "7H"], "AD", "stand"),
    (S17, ["8S", "8H"], "TD", "split"),
    (H17, ["8S", "8H"], "AD", "surrender"),
    (S17, ["8S", "8H"], "AD", "split"),
]


def _rule(config: CasinoConfig) -> str:
    return "H17" if config.hit_soft_17 else "S17"


class ConfigTests(SynchronousTestCase):
    """A casino table's rules, checked when they are made."""

    def test_config_refuses_bad_values(self):
        for changes in BAD_CONFIGS:
            self.assertRaises(ValueError, CasinoConfig, **changes)

    def test_config_defaults_and_description(self):
        config = CasinoConfig()
        self.assertEqual(
            (config.min_bet, config.max_bet, config.bet_timeout), (10, 500, 15.0)
        )
        self.assertTrue(config.das)
        self.assertFalse(config.surrender)
        self.assertFalse(config.resplit_aces)
        self.assertEqual(config.blackjack_pays, Fraction(3, 2))
        self.assertEqual(config.starting_chips, 1000)
        self.assertEqual(config.describe()["blackjack_pays"], "3:2")

    def test_parse_payout(self):
        for text, value in [
            ("3:2", Fraction(3, 2)),
            ("6:5", Fraction(6, 5)),
            ("1.5", Fraction(3, 2)),
        ]:
            self.assertEqual(parse_payout(text), value, text)
            self.assertEqual(parse_payout(format_payout(value)), value, text)

    def test_parse_payout_refuses(self):
        for text in ["7:5", "x", "3:0", ""]:
            self.assertRaises(ValueError, parse_payout, text)


class PayoutTests(SynchronousTestCase):
    """What each settled hand, insurance and surrender pays."""

    def test_payout_rounding_goes_to_the_house(self):
        self.assertEqual(blackjack_winnings(10, Fraction(3, 2)), 15)
        self.assertEqual(blackjack_winnings(15, Fraction(3, 2)), 22)
        self.assertEqual(blackjack_winnings(10, Fraction(6, 5)), 12)
        self.assertEqual(blackjack_winnings(12, Fraction(6, 5)), 14)
        self.assertEqual(insurance_cost(15), 7)
        self.assertEqual(insurance_payout(7, True), 21)
        self.assertEqual(insurance_payout(7, False), 0)
        self.assertEqual(surrender_refund(15), 7)

    def test_settle_hand(self):
        for player, dealer, expected in SETTLED_HANDS:
            self.assertEqual(
                settle_hand(player, dealer, S17), expected, f"{player} v {dealer}"
            )

    def test_settle_blackjack_6_to_5(self):
        config = CasinoConfig(blackjack_pays=Fraction(6, 5))
        self.assertEqual(
            settle_hand(hand("AS", "KH"), ["9C", "8D"], config), ("win", 22)
        )


class LegalityTests(SynchronousTestCase):
    """Which doubles, splits and surrenders the rules allow."""

    def test_pairs_and_peeks(self):
        self.assertTrue(is_pair(["8S", "8H"]))
        self.assertTrue(is_pair(["KS", "TH"]))
        self.assertFalse(is_pair(["8S", "9H"]))
        self.assertFalse(is_pair(["8S", "8H", "8D"]))
        self.assertTrue(dealer_peeks("AS"))
        self.assertTrue(dealer_peeks("QD"))
        self.assertFalse(dealer_peeks("9C"))
        self.assertEqual(
            [upcard_label(c) for c in ["2S", "9H", "TD", "KC", "AS"]],
            ["2", "9", "T", "T", "A"],
        )

    def test_double_refusals(self):
        self.assertIsNone(double_refusal(hand("5S", "6H"), S17))
        self.assertIsNotNone(double_refusal(hand("5S", "6H", "2D"), S17))
        self.assertIsNone(double_refusal(hand("5S", "6H", from_split=True), S17))
        no_das = CasinoConfig(das=False)
        self.assertIsNotNone(double_refusal(hand("5S", "6H", from_split=True), no_das))
        aces = hand("AS", "6H", from_split=True, split_aces=True)
        self.assertIsNotNone(double_refusal(aces, S17))
        self.assertIsNotNone(double_refusal(hand("5S", "6H", status="stood"), S17))

    def test_split_refusals(self):
        self.assertIsNone(split_refusal(hand("8S", "8H"), 1, S17))
        self.assertEqual(split_refusal(hand("8S", "8H"), 4, S17), "at most 4 hands")
        self.assertEqual(split_refusal(hand("8S", "9H"), 1, S17), "split only a pair")
        aces = hand("AS", "AH", from_split=True, split_aces=True)
        self.assertIsNotNone(split_refusal(aces, 2, S17))
        self.assertIsNone(split_refusal(aces, 2, CasinoConfig(resplit_aces=True)))
        self.assertTrue(
            split_refusal(hand("8S", "8H"), 2, CasinoConfig(max_split_hands=2))
        )

    def test_surrender_refusals(self):
        on = CasinoConfig(surrender=True)
        self.assertIsNotNone(surrender_refusal(hand("TS", "6H"), S17))
        self.assertIsNone(surrender_refusal(hand("TS", "6H"), on))
        self.assertIsNotNone(surrender_refusal(hand("TS", "2H", "4D"), on))
        self.assertIsNotNone(surrender_refusal(hand("TS", "6H", from_split=True), on))


class BasicStrategyTests(SynchronousTestCase):
    """The bot's basic strategy chart, spot by spot."""

    def test_basic_strategy_spots(self):
        for config, cards, up, action in STRATEGY_SPOTS:
            self.assertEqual(
                play(config, cards, up),
                action,
                f"{_rule(config)} das={config.das}: {cards} against {up}",
            )

    def test_basic_strategy_when_an_action_is_not_allowed(self):
        # Soft 18 against a 5 doubles when it may, else stands ("Ds").
        self.assertEqual(play(S17, ["AS", "7H"], "5D", can_double=False), "stand")
        self.assertEqual(play(S17, ["6S", "5H"], "5D", can_double=False), "hit")
        # Aces that may not be split are a soft 12.
        self.assertEqual(play(S17, ["AS", "AH"], "5D", can_split=False), "hit")
        self.assertEqual(play(S17, ["2S", "3H", "6D"], "5D", can_double=False), "hit")

    def test_basic_strategy_late_surrender(self):
        for config, cards, up, action in LATE_SURRENDER_SPOTS:
            with_surrender = replace(config, surrender=True)
            self.assertEqual(
                play(with_surrender, cards, up, can_surrender=True),
                action,
                f"{_rule(config)}: {cards} against {up}",
            )
