"""The pure casino round, on stacked shoes: the game-math rules that the
tables and the simulator share, with no table, clock or socket."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.cards import DECK, hand_value
from blackjackd.casino import (
    CasinoConfig,
    PlayerHand,
    bet_refusal,
    is_natural,
    surrender_refusal,
    whole_payout_unit,
)
from blackjackd.casino_round import CasinoRound, Stage
from blackjackd.errors import ActionRejected
from blackjackd.ledger import Ledger
from blackjackd.shoe import Shoe, StackedShoe


def deal(
    *players: tuple[str, str], up: str, hole: str, then: tuple[str, ...] = ()
) -> list[str]:
    """The shoe order of a deal: a first card to each player, the upcard, a
    second card to each, the hole card, then ``then``."""
    firsts = [cards[0] for cards in players]
    seconds = [cards[1] for cards in players]
    return [*firsts, up, *seconds, hole, *then]


class Recorder:
    """An ``emit`` that keeps every message with its addressee."""

    def __init__(self) -> None:
        self.sent: list[tuple[dict[str, Any], int | None]] = []

    def __call__(self, message: Any, to: int | None) -> None:
        self.sent.append((message.as_dict(), to))

    def types(self) -> list[str]:
        return [message["type"] for message, _ in self.sent]


def start_round(
    cards: list[str], bet: int = 10, emit: Any = None, **rules: Any
) -> tuple[CasinoRound, Ledger]:
    """One player (id 1) with ``bet`` staked, the round dealt."""
    config = CasinoConfig(**rules)
    ledger = Ledger()
    ledger.open(1, 1000)
    ledger.stake(1, bet, "bet")
    game = CasinoRound(config, StackedShoe(cards), ledger, [(1, "ann", bet)], emit)
    game.deal()
    return game, ledger


class SplitAcesTests(SynchronousTestCase):
    def test_aces_that_cannot_be_split_again_stand_at_once(self) -> None:
        # Resplitting aces is allowed, but the player already holds the most
        # hands: a new pair of aces can't be split, and split aces take no
        # more cards, so the hand is over. (It used to stay "playing" with a
        # deadline that only a stand could meet.)
        cards = deal(("AS", "AH"), up="9C", hole="7D")
        cards += ["AD", "AC", "AH", "AS", "AD", "AC", "AH", "AS"]
        record = Recorder()
        game, _ = start_round(cards, emit=record, resplit_aces=True, max_split_hands=4)
        game.split(1, 0)  # hands 0 and 1: A,A and A,A
        game.split(1, 0)  # hands 0, 1, 2: four hands after the next
        game.split(1, 1)
        hands = game.bettor(1).hands  # type: ignore[union-attr]
        self.assertEqual(len(hands), 4)
        self.assertTrue(all(hand.status == "stood" for hand in hands))
        self.assertIs(game.stage, Stage.DEALER)
        last = [m for m, _ in record.sent if m["type"] == "stand"][-2:]
        self.assertEqual({m["reason"] for m in last}, {"split_aces"})

    def test_split_aces_without_resplitting_stand(self) -> None:
        cards = deal(("AS", "AH"), up="9C", hole="7D", then=("AD", "5C"))
        game, _ = start_round(cards)
        game.split(1)
        statuses = [h.status for h in game.bettor(1).hands]  # type: ignore[union-attr]
        self.assertEqual(statuses, ["stood", "stood"])
        self.assertIs(game.stage, Stage.DEALER)

    def test_resplittable_aces_stay_in_play_while_a_split_is_possible(self) -> None:
        cards = deal(("AS", "AH"), up="9C", hole="7D", then=("AD", "5C"))
        game, _ = start_round(cards, resplit_aces=True)
        game.split(1)
        hands = game.bettor(1).hands  # type: ignore[union-attr]
        self.assertEqual([h.status for h in hands], ["playing", "stood"])
        with self.assertRaises(ActionRejected) as refused:
            game.hit(1, 0)
        self.assertEqual(refused.exception.status_code, 409)


class SurrenderTests(SynchronousTestCase):
    def test_a_one_chip_bet_cannot_surrender_for_nothing(self) -> None:
        cards = deal(("TS", "6H"), up="9C", hole="7D")
        game, ledger = start_round(cards, bet=1, surrender=True, min_bet=1, bet_unit=1)
        with self.assertRaises(ActionRejected) as refused:
            game.surrender(1)
        self.assertEqual(refused.exception.status_code, 409)
        self.assertEqual(ledger.balance(1), 999)
        self.assertEqual(game.bettor(1).hands[0].status, "playing")  # type: ignore[union-attr]

    def test_surrender_refusal_names_the_reason(self) -> None:
        config = CasinoConfig(surrender=True, min_bet=1, bet_unit=1)
        hand = PlayerHand(bet=1, cards=["TS", "6H"])
        self.assertIn("nothing to give back", surrender_refusal(hand, config) or "")
        self.assertIsNone(surrender_refusal(PlayerHand(2, ["TS", "6H"]), config))


class BetUnitTests(SynchronousTestCase):
    def test_default_unit_pays_every_blackjack_and_surrender_whole(self) -> None:
        cases = {
            (Fraction(3, 2), False): 2,
            (Fraction(3, 2), True): 2,
            (Fraction(6, 5), False): 5,
            (Fraction(6, 5), True): 10,
            (Fraction(1, 1), False): 1,
            (Fraction(1, 1), True): 2,
        }
        for (pays, surrender), unit in cases.items():
            config = CasinoConfig(blackjack_pays=pays, surrender=surrender)
            case = f"{pays} surrender={surrender}"
            self.assertEqual(whole_payout_unit(config), unit, case)
            self.assertEqual(config.unit, unit, case)
            for bet in range(config.smallest_bet, 200, unit):
                self.assertEqual((bet * pays).denominator, 1, f"{case} bet {bet}")
                if surrender:
                    self.assertEqual(bet % 2, 0, f"{case} bet {bet}")

    def test_bets_off_the_unit_are_refused(self) -> None:
        config = CasinoConfig()  # 3:2: unit 2
        self.assertEqual(
            bet_refusal(11, config), "bets are multiples of 2 chips at this table"
        )
        self.assertIsNone(bet_refusal(12, config))
        self.assertEqual(bet_refusal(8, config), "bets are 10 to 500 chips")

    def test_an_operator_may_choose_a_unit(self) -> None:
        config = CasinoConfig(bet_unit=25, min_bet=10, max_bet=500)
        self.assertEqual(config.smallest_bet, 25)
        self.assertIsNone(bet_refusal(50, config))
        self.assertIsNotNone(bet_refusal(30, config))

    def test_limits_with_no_multiple_of_the_unit_are_refused(self) -> None:
        with self.assertRaises(ValueError):
            CasinoConfig(bet_unit=25, min_bet=10, max_bet=20)
        with self.assertRaises(ValueError):
            CasinoConfig(bet_unit=0)


class ShufflingTests(SynchronousTestCase):
    def test_shuffle_every_round_shuffles_before_each_deal(self) -> None:
        import random

        config = CasinoConfig(shuffle_every_round=True)
        shoe = Shoe(config.decks, random.Random(1), config.penetration)
        ledger = Ledger()
        ledger.open(1, 10**6)
        for _ in range(3):
            ledger.stake(1, 10, "bet")
            record = Recorder()
            game = CasinoRound(config, shoe, ledger, [(1, "ann", 10)], record)
            game.deal()
            self.assertEqual(record.types()[:2], ["shuffle", "restart"])
            self.assertGreater(shoe.remaining, shoe.size - 20)

    def test_penetration_sets_the_cut_card(self) -> None:
        import random

        shoe = Shoe(1, random.Random(1), penetration=0.5)
        for _ in range(25):
            shoe.draw()
        self.assertFalse(shoe.needs_shuffle)
        shoe.draw()
        self.assertTrue(shoe.needs_shuffle)


class NaturalTests(SynchronousTestCase):
    @given(st.lists(st.sampled_from(DECK), max_size=4))
    def test_a_natural_is_two_cards_worth_21(self, cards: list[str]) -> None:
        self.assertEqual(
            is_natural(cards), len(cards) == 2 and hand_value(cards)[0] == 21, cards
        )
