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


# -- a round's record of itself, and players who leave for good -------------------

ROUND_ID = "5f0c1a"


class Ticks:
    """A clock for a round's moves: 1.0, 2.0, ... at each reading."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def recorded_round(
    cards: list[str],
    players: int = 1,
    bet: int = 10,
    chips: int = 1000,
    emit: Any = None,
    **rules: Any,
) -> tuple[CasinoRound, Ledger]:
    """``players`` players (ids 1, 2, ...) with ``bet`` staked as a table
    stakes it, in a recorded round, dealt."""
    ledger = Ledger()
    bettors = []
    for player in range(1, players + 1):
        ledger.open(player, chips)
        ledger.stake(player, bet, "bet", round_id=ROUND_ID)
        bettors.append((player, f"p{player}", bet))
    game = CasinoRound(
        CasinoConfig(**rules),
        StackedShoe(cards),
        ledger,
        bettors,
        emit,
        round_id=ROUND_ID,
        now=Ticks(),
    )
    game.deal()
    return game, ledger


class RecordingTests(SynchronousTestCase):
    """A round with a round id keeps its cards and moves; one without keeps
    nothing."""

    def test_a_round_without_an_id_keeps_nothing(self) -> None:
        game, ledger = start_round(deal(("9S", "7H"), up="TC", hole="8D", then=("5C",)))
        game.hit(1)
        self.assertIsNone(game.round_id)
        self.assertIsNone(game.drawn)
        self.assertIsNone(game.moves)
        self.assertEqual(game.entrants, ())
        self.assertTrue(all(entry.round_id is None for entry in ledger.entries or []))

    def test_cards_in_the_order_drawn_and_moves_stamped(self) -> None:
        cards = deal(("8S", "8H"), ("TH", "6C"), up="6D", hole="TD")
        cards += ["3C", "2H", "9S", "5S", "KC"]
        game, _ = recorded_round(cards, players=2)
        game.split(1)  # 8S 3C, 8H 2H
        game.double(1, 0)  # 8S 3C 9S
        game.hit(1)  # hand 1: 8H 2H 5S
        game.stand(1, 1)
        game.stand(2)
        self.assertIs(game.stage, Stage.DEALER)
        game.settle()  # the dealer's 16 draws the KC
        self.assertEqual(game.drawn, cards)
        self.assertEqual(
            game.moves,
            [
                {"at": 1.0, "move": "split", "player": 1, "hand": 0},
                {"at": 2.0, "move": "double", "player": 1, "hand": 0},
                {"at": 3.0, "move": "hit", "player": 1, "hand": 1},
                {"at": 4.0, "move": "stand", "player": 1, "hand": 1},
                {"at": 5.0, "move": "stand", "player": 2, "hand": 0},
            ],
        )

    def test_moves_without_a_clock_have_no_time(self) -> None:
        ledger = Ledger()
        ledger.open(1, 100)
        ledger.stake(1, 10, "bet")
        cards = deal(("9S", "7H"), up="TC", hole="8D")
        game = CasinoRound(
            CasinoConfig(), StackedShoe(cards), ledger, [(1, "a", 10)], round_id="r"
        )
        game.deal()
        game.stand(1)
        self.assertEqual(
            game.moves, [{"at": None, "move": "stand", "player": 1, "hand": 0}]
        )

    def test_a_refused_move_is_not_recorded(self) -> None:
        cards = deal(("9S", "7H"), up="TC", hole="8D", then=("5C",))
        game, _ = recorded_round(cards, bet=10, chips=15)
        with self.assertRaises(ActionRejected) as refused:
            game.double(1)  # 5 chips left: not enough
        self.assertEqual(refused.exception.status_code, 402)
        for move in (game.split, game.surrender):
            self.assertRaises(ActionRejected, move, 1, None)
        self.assertRaises(ActionRejected, game.hit, 1, 3)
        self.assertRaises(ActionRejected, game.insure, 1, True)
        self.assertRaises(ActionRejected, game.close_insurance)
        self.assertEqual(game.moves, [])
        self.assertEqual(game.drawn, cards[:4])

    def test_the_chips_the_round_moves_carry_its_id(self) -> None:
        cards = deal(("9S", "7H"), up="AC", hole="8D", then=("5C",))
        game, ledger = recorded_round(cards)
        game.insure(1, True)
        game.close_insurance()
        game.double(1)
        game.settle()
        entries = ledger.entries or []
        moved = [(e.kind, e.amount, e.round_id) for e in entries if e.kind != "open"]
        self.assertEqual(
            moved,
            [
                ("bet", -10, ROUND_ID),
                ("insurance", -5, ROUND_ID),
                ("double", -10, ROUND_ID),
                ("payout", 40, ROUND_ID),
            ],
        )

    def test_a_turn_timer_is_recorded_only_when_it_stands_a_hand(self) -> None:
        cards = deal(("9S", "7H"), ("TH", "6C"), up="TC", hole="8D")
        game, _ = recorded_round(cards, players=2)
        self.assertTrue(game.time_out(1, 0))
        self.assertFalse(game.time_out(1, 0))  # a late timer
        self.assertFalse(game.time_out(1, 4))
        self.assertFalse(game.time_out(9, 0))
        self.assertEqual(
            game.moves, [{"at": 1.0, "move": "time_out", "player": 1, "hand": 0}]
        )

    def test_insurance_answers_and_its_close_are_recorded(self) -> None:
        cards = deal(("9S", "7H"), ("TH", "6C"), up="AC", hole="8D")
        game, _ = recorded_round(cards, players=2)
        game.insure(2, False)
        game.insure(1, True)
        game.close_insurance()
        self.assertEqual(
            [
                (move["move"], move.get("player"), move.get("take"))
                for move in game.moves or []
            ],
            [
                ("insure", 2, False),
                ("insure", 1, True),
                ("close_insurance", None, None),
            ],
        )

    def test_cards_drawn_after_the_shoe_is_refilled_are_recorded(self) -> None:
        import random

        shoe = Shoe(1, random.Random(3), penetration=1.0)
        while shoe.remaining > 5:
            shoe.draw()
        ledger = Ledger()
        ledger.open(1, 1000)
        ledger.stake(1, 10, "bet")
        record = Recorder()
        game = CasinoRound(
            CasinoConfig(decks=1), shoe, ledger, [(1, "a", 10)], record, round_id="r"
        )
        game.deal()
        while game.stage is Stage.INSURANCE:
            game.close_insurance()
        while game.stage is Stage.PLAYING:
            game.hit(1)
        game.settle()
        self.assertIn("shuffle", record.types())
        on_table = [*game.dealer]
        for hand in game.bettor(1).hands:  # type: ignore[union-attr]
            on_table += hand.cards
        self.assertEqual(sorted(game.drawn or []), sorted(on_table))
        self.assertGreater(len(on_table), 5)

    def test_the_entrants_keep_their_balance_after_the_bet(self) -> None:
        cards = deal(("9S", "7H"), ("TH", "6C"), up="TC", hole="8D")
        game, _ = recorded_round(cards, players=2, bet=20, chips=500)
        game.abandon(2)
        self.assertEqual(
            [(e.player_id, e.username, e.bet, e.balance) for e in game.entrants],
            [(1, "p1", 20, 480), (2, "p2", 20, 480)],
        )
        self.assertEqual(
            (game.moves or [])[-1],
            {"at": 1.0, "move": "abandon", "player": 2, "hand": None},
        )


class AbandonTests(SynchronousTestCase):
    """A player who leaves for good mid-round: their hands stand, their bet
    stays in play and is settled like anyone's."""

    def test_while_insurance_is_open_the_offer_is_declined(self) -> None:
        cards = deal(("9S", "7H"), ("TH", "9C"), up="AC", hole="8D")
        record = Recorder()
        game, ledger = recorded_round(cards, players=2, emit=record)
        record.sent.clear()
        self.assertTrue(game.abandon(2))
        # The hand stands at once: nobody will play it.
        self.assertEqual(
            record.sent,
            [({"type": "stand", "id": 2, "hand": 0, "reason": "left"}, None)],
        )
        self.assertIs(game.stage, Stage.INSURANCE)
        self.assertEqual(game.bettor(2).insurance, 0)  # type: ignore[union-attr]
        self.assertTrue(game.insurance_pending)  # player 1 still decides
        self.assertRaises(ActionRejected, game.insure, 2, True)
        game.insure(1, False)
        self.assertFalse(game.insurance_pending)
        record.sent.clear()
        game.close_insurance()
        # The peek: no blackjack; only player 1 gets a turn.
        deadlines = [m["id"] for m, _ in record.sent if m["type"] == "deadline"]
        self.assertEqual(deadlines, [1])
        game.stand(1)
        self.assertIs(game.stage, Stage.DEALER)
        game.settle()  # the dealer has 19: 19 pushes
        self.assertEqual(game.bettor(2).hands[0].result, "push")  # type: ignore[union-attr]
        self.assertEqual(ledger.balance(2), 1000)

    def test_a_natural_left_during_insurance_is_still_a_blackjack(self) -> None:
        cards = deal(("AS", "KH"), ("TH", "9C"), up="AC", hole="8D")
        record = Recorder()
        game, ledger = recorded_round(cards, players=2, emit=record)
        game.abandon(1)
        game.close_insurance()
        stands = [m for m, _ in record.sent if m["type"] == "stand"]
        self.assertEqual(
            stands, [{"type": "stand", "id": 1, "hand": 0, "reason": "blackjack"}]
        )
        game.stand(2)
        game.settle()
        self.assertEqual(ledger.balance(1), 1000 + 15)

    def test_insurance_taken_before_leaving_is_paid(self) -> None:
        cards = deal(("9S", "7H"), up="AC", hole="KD")
        game, ledger = recorded_round(cards)
        game.insure(1, True)
        game.abandon(1)
        game.close_insurance()
        self.assertIs(game.stage, Stage.DEALER)
        game.settle()
        # Bet 10 lost, insurance 5 paid 2:1: even.
        self.assertEqual(ledger.balance(1), 1000)

    def test_while_playing_every_hand_still_playing_stands(self) -> None:
        cards = deal(("8S", "8H"), ("TH", "6C"), up="6D", hole="TD")
        cards += ["3C", "2H", "9S", "2C"]
        record = Recorder()
        game, ledger = recorded_round(cards, players=2, emit=record)
        game.split(1)  # 8S 3C and 8H 2H, each with 10 on it
        game.double(1, 0)  # 8S 3C 9S: 20, done
        record.sent.clear()
        self.assertTrue(game.abandon(1))
        self.assertEqual(
            record.sent,
            [({"type": "stand", "id": 1, "hand": 1, "reason": "left"}, None)],
        )
        self.assertIs(game.stage, Stage.PLAYING)  # player 2 still plays
        self.assertFalse(game.abandon(1))
        game.stand(2)
        game.settle()  # the dealer draws to 18: 20 wins, 10 and 16 lose
        hands = game.bettor(1).hands  # type: ignore[union-attr]
        self.assertEqual([hand.status for hand in hands], ["stood", "stood"])
        self.assertEqual(
            game.moves[-2], {"at": 3.0, "move": "abandon", "player": 1, "hand": None}
        )  # type: ignore[index]
        self.assertEqual([hand.payout for hand in hands], [40, 0])
        self.assertEqual(ledger.balance(1), 1000 - 30 + 40)

    def test_the_last_hand_left_lets_the_dealer_play(self) -> None:
        cards = deal(("9S", "7H"), ("TH", "9C"), up="TC", hole="8D")
        game, _ = recorded_round(cards, players=2)
        game.stand(2)
        self.assertIs(game.stage, Stage.PLAYING)
        game.abandon(1)
        self.assertIs(game.stage, Stage.DEALER)

    def test_nothing_to_abandon(self) -> None:
        cards = deal(("9S", "7H"), up="TC", hole="8D")
        game, _ = recorded_round(cards)
        self.assertFalse(game.abandon(7))  # not in the round
        game.stand(1)
        self.assertFalse(game.abandon(1))  # the hands are over
        game.settle()
        self.assertFalse(game.abandon(1))
        self.assertEqual([move["move"] for move in game.moves or []], ["stand"])


class CloseInsuranceTests(SynchronousTestCase):
    def test_only_while_insurance_is_open(self) -> None:
        game, _ = start_round(deal(("9S", "7H"), up="TC", hole="8D"))
        with self.assertRaises(ActionRejected) as refused:
            game.close_insurance()
        self.assertEqual(refused.exception.status_code, 409)
        self.assertIs(game.stage, Stage.PLAYING)


class SimulatorFiguresTests(SynchronousTestCase):
    """The simulator keeps no record: its figures for a seed are what they
    were before rounds could record themselves."""

    def test_same_seed_same_figures(self) -> None:
        from blackjackd.simulation import simulate

        plain = simulate(3000, CasinoConfig(), seed=12)
        self.assertEqual(plain.house_edge, 0.005166666666666667)
        self.assertEqual(plain.house_edge_stderr, 0.020801891133823216)
        self.assertEqual(
            plain.dealer_rounds_by_upcard,
            {
                "2": 236,
                "3": 235,
                "4": 225,
                "5": 217,
                "6": 228,
                "7": 226,
                "8": 218,
                "9": 224,
                "T": 865,
                "A": 171,
            },
        )
        config = CasinoConfig(
            surrender=True,
            hit_soft_17=True,
            resplit_aces=True,
            decks=4,
            penetration=0.9,
        )
        other = simulate(3000, config, seed=12)
        self.assertEqual(other.house_edge, -0.0155)
        self.assertEqual(other.dealer_bust_by_upcard["6"], 0.47596153846153844)
