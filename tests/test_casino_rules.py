"""The pure casino rules: configuration, legality, payouts, basic strategy."""

from __future__ import annotations

from fractions import Fraction

import pytest

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


@pytest.mark.parametrize(
    "changes",
    [
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
    ],
)
def test_config_refuses_bad_values(changes):
    with pytest.raises(ValueError):
        CasinoConfig(**changes)


def test_config_defaults_and_description():
    config = CasinoConfig()
    assert (config.min_bet, config.max_bet, config.bet_timeout) == (10, 500, 15.0)
    assert config.das and not config.surrender and not config.resplit_aces
    assert config.blackjack_pays == Fraction(3, 2)
    assert config.starting_chips == 1000
    assert config.describe()["blackjack_pays"] == "3:2"


@pytest.mark.parametrize(
    ("text", "value"),
    [("3:2", Fraction(3, 2)), ("6:5", Fraction(6, 5)), ("1.5", Fraction(3, 2))],
)
def test_parse_payout(text, value):
    assert parse_payout(text) == value
    assert parse_payout(format_payout(value)) == value


@pytest.mark.parametrize("text", ["7:5", "x", "3:0", ""])
def test_parse_payout_refuses(text):
    with pytest.raises(ValueError):
        parse_payout(text)


def test_payout_rounding_goes_to_the_house():
    assert blackjack_winnings(10, Fraction(3, 2)) == 15
    assert blackjack_winnings(15, Fraction(3, 2)) == 22
    assert blackjack_winnings(10, Fraction(6, 5)) == 12
    assert blackjack_winnings(12, Fraction(6, 5)) == 14
    assert insurance_cost(15) == 7
    assert insurance_payout(7, True) == 21
    assert insurance_payout(7, False) == 0
    assert surrender_refund(15) == 7


def hand(*cards: str, bet: int = 10, **flags) -> PlayerHand:
    return PlayerHand(bet=bet, cards=list(cards), **flags)


@pytest.mark.parametrize(
    ("player", "dealer", "expected"),
    [
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
    ],
)
def test_settle_hand(player, dealer, expected):
    assert settle_hand(player, dealer, S17) == expected


def test_settle_blackjack_6_to_5():
    config = CasinoConfig(blackjack_pays=Fraction(6, 5))
    assert settle_hand(hand("AS", "KH"), ["9C", "8D"], config) == ("win", 22)


def test_pairs_and_peeks():
    assert is_pair(["8S", "8H"])
    assert is_pair(["KS", "TH"])
    assert not is_pair(["8S", "9H"])
    assert not is_pair(["8S", "8H", "8D"])
    assert dealer_peeks("AS") and dealer_peeks("QD")
    assert not dealer_peeks("9C")
    assert [upcard_label(c) for c in ["2S", "9H", "TD", "KC", "AS"]] == [
        "2",
        "9",
        "T",
        "T",
        "A",
    ]


def test_double_refusals():
    assert double_refusal(hand("5S", "6H"), S17) is None
    assert double_refusal(hand("5S", "6H", "2D"), S17) is not None
    assert double_refusal(hand("5S", "6H", from_split=True), S17) is None
    no_das = CasinoConfig(das=False)
    assert double_refusal(hand("5S", "6H", from_split=True), no_das) is not None
    aces = hand("AS", "6H", from_split=True, split_aces=True)
    assert double_refusal(aces, S17) is not None
    assert double_refusal(hand("5S", "6H", status="stood"), S17) is not None


def test_split_refusals():
    assert split_refusal(hand("8S", "8H"), 1, S17) is None
    assert split_refusal(hand("8S", "8H"), 4, S17) == "at most 4 hands"
    assert split_refusal(hand("8S", "9H"), 1, S17) == "split only a pair"
    aces = hand("AS", "AH", from_split=True, split_aces=True)
    assert split_refusal(aces, 2, S17) is not None
    assert split_refusal(aces, 2, CasinoConfig(resplit_aces=True)) is None
    assert split_refusal(hand("8S", "8H"), 2, CasinoConfig(max_split_hands=2))


def test_surrender_refusals():
    on = CasinoConfig(surrender=True)
    assert surrender_refusal(hand("TS", "6H"), S17) is not None
    assert surrender_refusal(hand("TS", "6H"), on) is None
    assert surrender_refusal(hand("TS", "2H", "4D"), on) is not None
    assert surrender_refusal(hand("TS", "6H", from_split=True), on) is not None


# -- basic strategy ----------------------------------------------------------


def play(config: CasinoConfig, cards: list[str], up: str, **allowed) -> str:
    options = {"can_double": True, "can_split": is_pair(cards), "can_surrender": False}
    options.update(allowed)
    return BasicStrategy(config).decide(cards, up, **options)


@pytest.mark.parametrize(
    ("config", "cards", "up", "action"),
    [
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
    ],
)
def test_basic_strategy_spots(config, cards, up, action):
    assert play(config, cards, up) == action


def test_basic_strategy_when_an_action_is_not_allowed():
    assert play(S17, ["AS", "7H"], "5D", can_double=False) == "stand"  # Ds
    assert play(S17, ["6S", "5H"], "5D", can_double=False) == "hit"
    assert play(S17, ["AS", "AH"], "5D", can_split=False) == "hit"  # soft 12
    assert play(S17, ["2S", "3H", "6D"], "5D", can_double=False) == "hit"


@pytest.mark.parametrize(
    ("config", "cards", "up", "action"),
    [
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
    ],
)
def test_basic_strategy_late_surrender(config, cards, up, action):
    from dataclasses import replace

    config = replace(config, surrender=True)
    assert play(config, cards, up, can_surrender=True) == action
