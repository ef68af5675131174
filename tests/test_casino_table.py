"""The casino table with stacked shoes and a Clock: every action, every
payout, insurance, the peek, splits, timers, seats and the hole card."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.errors import ActionRejected
from blackjackd.lobby import Lobby
from blackjackd.shoe import Shoe
from blackjackd.testing import CasinoSetup, Inbox, deal
from tests.raising import raised


class CasinoTableTestCase(SynchronousTestCase):
    """Asserts a refusal from a casino table."""

    def refused(
        self, code: int, action: Callable[..., object], *args: Any, case: str = ""
    ) -> ActionRejected:
        """The refusal that ``action(*args)`` raises: it must carry ``code``;
        ``case`` names the case in a failure."""
        call = f"{getattr(action, '__name__', action)}{args}"
        label = f"{case}: {call}" if case else call
        refusal = raised(self, ActionRejected, label, action, *args)
        self.assertEqual(refusal.status_code, code, f"{label}: {refusal.message}")
        return refusal


def snapshot(game: CasinoSetup) -> tuple[Any, ...]:
    """Everything a refusal must leave alone."""
    table = game.table
    players = [pid for pid in game.inboxes if pid in table.player_ids]
    bettors = [table.round and table.round.bettor(pid) for pid in players]
    return (
        table.phase,
        game.ledger.house,
        table.bets,
        [
            (pid, game.ledger.balance(pid), b and (b.bet, b.insurance))
            for pid, b in zip(players, bettors, strict=True)
        ],
        [
            [(list(h.cards), h.bet, h.status, h.doubled) for h in game.hands(pid)]
            for pid in players
        ],
        table.dealer_hand,
        game.shoe.remaining,
    )


def results(inbox: Inbox) -> list[tuple[int, str, int]]:
    """(hand, result, payout) for each hand in the last round_over."""
    round_over = inbox.of("round_over")[-1]
    return [(r["index"], r["result"], r["payout"]) for r in round_over["results"]]


# -- seating and betting -----------------------------------------------------

#: (amount, status code) of bets the default table refuses.
BETS_OUTSIDE_THE_LIMITS = [(9, 400), (501, 400), (0, 400), (-10, 400)]


class SeatingAndBettingTests(CasinoTableTestCase):
    """Seats, bets and the betting phase."""

    def test_sit_sends_id_with_game_rules_and_balance_then_betting(self) -> None:
        game = CasinoSetup()
        messages = game.inboxes[1]
        self.assertEqual(messages[0]["type"], "id")
        self.assertEqual(messages[0]["game"], "casino")
        self.assertEqual(messages[0]["balance"], 1000)
        self.assertEqual(messages[0]["rules"]["blackjack_pays"], "3:2")
        self.assertEqual(messages[0]["rules"]["min_bet"], 10)
        self.assertEqual(
            messages[1],
            {
                "type": "betting",
                "min_bet": 10,
                "max_bet": 500,
                "seconds": 15.0,
            },
        )
        self.assertEqual(game.table.phase, "betting")

    def test_table_full_is_507(self) -> None:
        game = CasinoSetup(players=2, seats=2)
        self.refused(507, game.table.sit, 3, "p3", lambda m: None)

    def test_bet_is_staked_and_broadcast(self) -> None:
        game = CasinoSetup(players=2)
        game.bet(1, 30)
        self.assertEqual(game.balance(1), 970)
        self.assertEqual(game.ledger.house, 30)
        for inbox in game.inboxes.values():
            self.assertEqual(
                inbox[-1], {"type": "bet", "id": 1, "amount": 30, "balance": 970}
            )

    def test_bets_outside_the_limits_are_400(self) -> None:
        for amount, code in BETS_OUTSIDE_THE_LIMITS:
            game = CasinoSetup()
            before = snapshot(game)
            self.refused(code, game.bet, 1, amount)
            self.assertEqual(snapshot(game), before, f"bet {amount}")

    def test_bet_above_balance_is_402_and_changes_nothing(self) -> None:
        game = CasinoSetup(starting_chips=50)
        before = snapshot(game)
        self.refused(402, game.bet, 1, 60)
        self.assertEqual(snapshot(game), before)

    def test_second_bet_and_bet_when_not_betting_are_409(self) -> None:
        game = CasinoSetup(deal(("TS", "9H"), up="7C", hole="TD"), players=2)
        game.bet(1, 10)
        self.refused(409, game.bet, 1, 10)
        self.refused(409, game.bet, 99, 10)  # not seated
        game2 = CasinoSetup(deal(("TS", "9H"), up="7C", hole="TD"))
        game2.bet(1, 10)
        self.assertEqual(game2.table.phase, "playing")
        before = snapshot(game2)
        self.refused(409, game2.bet, 1, 10)
        self.assertEqual(snapshot(game2), before)

    def test_actions_before_the_deal_are_409(self) -> None:
        game = CasinoSetup()
        for action in (game.hit, game.stand, game.double):
            self.refused(409, action, 1)
        self.refused(409, game.insurance, 1, True)

    def test_everyone_bet_deals_at_once_and_the_hole_card_is_not_sent(self) -> None:
        game = CasinoSetup(
            deal(("TS", "9H"), ("5C", "6D"), up="7C", hole="QD"), players=2
        )
        game.bet(1, 10)
        game.clear()
        game.bet(2, 20)
        self.assertEqual(game.table.phase, "playing")
        self.assertEqual(
            game.inboxes[1].take(),
            [
                {"type": "bet", "id": 2, "amount": 20, "balance": 980},
                {"type": "restart"},
                {"type": "hit", "card": "TS", "id": 1, "points": 10, "hand": 0},
                {"type": "hit", "card": "5C", "id": 2, "points": 5, "hand": 0},
                {"type": "hit", "card": "7C", "id": "dealer", "points": 7},
                {"type": "hit", "card": "9H", "id": 1, "points": 19, "hand": 0},
                {"type": "hit", "card": "6D", "id": 2, "points": 11, "hand": 0},
                {"type": "hole_card", "id": "dealer"},
                {"type": "deadline", "id": 1, "hand": 0, "seconds": 30.0},
                {"type": "deadline", "id": 2, "hand": 0, "seconds": 30.0},
            ],
        )
        self.assertEqual(game.table.dealer_hand, ["7C"])

    def test_bet_timeout_sits_out_who_did_not_bet(self) -> None:
        game = CasinoSetup(deal(("TS", "9H"), up="7C", hole="TD"), players=2)
        game.bet(1, 10)
        game.clock.advance(14.9)
        self.assertEqual(game.table.phase, "betting")
        game.clock.advance(0.1)
        self.assertEqual(game.table.phase, "playing")
        self.assertIn({"type": "sit_out", "id": 2}, game.inboxes[2])
        self.assertEqual(game.hands(2), [])
        before = snapshot(game)
        self.refused(409, game.hit, 2)
        self.assertEqual(snapshot(game), before)
        game.stand(1)
        self.assertEqual(
            [r["id"] for r in game.inboxes[2].of("round_over")[0]["results"]], [1]
        )
        self.assertEqual(game.balance(2), 1000)

    def test_nobody_bets_betting_opens_again(self) -> None:
        game = CasinoSetup()
        game.clock.advance(15)
        self.assertEqual(game.table.phase, "betting")
        self.assertEqual(game.inboxes[1].types().count("betting"), 2)
        self.assertEqual(game.table.rounds_played, 0)

    def test_player_seated_mid_round_waits_for_the_next_betting(self) -> None:
        game = CasinoSetup(deal(("TS", "9H"), up="7C", hole="TD"))
        game.bet(1, 10)
        late = game.sit(2)
        self.assertEqual(late[-1]["type"], "wait")
        self.assertEqual(late[-1]["dealer"], ["7C"])
        self.assertNotIn("TD", json.dumps(list(late)))
        self.refused(409, game.bet, 2, 10)
        self.refused(409, game.hit, 2)
        game.stand(1)
        game.clock.advance(3)
        self.assertEqual(game.table.phase, "betting")
        game.bet(2, 10)
        self.assertEqual(game.balance(2), 990)

    def test_sitting_during_betting_can_bet_in_this_round(self) -> None:
        game = CasinoSetup(deal(("TS", "9H"), ("8C", "8D"), up="7C", hole="TD"))
        game.clock.advance(5)
        second = game.sit(2)
        self.assertEqual(
            second[-1],
            {
                "type": "betting",
                "min_bet": 10,
                "max_bet": 500,
                "seconds": 10.0,
            },
        )
        game.bet(1, 10)
        self.assertEqual(game.table.phase, "betting")  # player 2 hasn't bet yet
        game.bet(2, 10)
        self.assertEqual(game.table.phase, "playing")


# -- payouts -----------------------------------------------------------------

#: The player's cards, the dealer's, the dealer's draws, then the result of
#: a 10-chip bet stood at once and the balance after it.
STANDS: list[tuple[tuple[str, str], tuple[str, str], tuple[str, ...], str, int]] = [
    (("TS", "9H"), ("7C", "TD"), (), "win", 1010),  # 19 against 17
    (("TS", "7H"), ("9C", "TD"), (), "lose", 990),  # 17 against 19
    (("TS", "9H"), ("9C", "TD"), (), "push", 1000),  # 19 each
    (("TS", "2H"), ("6C", "TD"), ("9S",), "win", 1010),  # the dealer busts
    (("TS", "6H"), ("AC", "6D"), (), "lose", 990),  # S17: soft 17 stands
]

#: What a blackjack pays, the bet, and the balance after it is paid.
BLACKJACKS = [
    (Fraction(3, 2), 10, 1015),
    (Fraction(3, 2), 15, 1022),  # 22.5 rounds down
    (Fraction(6, 5), 10, 1012),
    (Fraction(6, 5), 15, 1018),
    (Fraction(6, 5), 12, 1014),  # 14.4 rounds down
]


class PayoutTests(CasinoTableTestCase):
    """What each way a hand ends pays."""

    def test_stand_and_settle(self) -> None:
        for player, dealer, then, result, balance in STANDS:
            case = f"{player} against {dealer} then {then}"
            game = CasinoSetup(deal(player, up=dealer[0], hole=dealer[1], then=then))
            game.bet(1, 10)
            if game.table.phase == "insurance":
                game.insurance(1, False)
            game.clear()
            game.stand(1)
            inbox = game.inboxes[1]
            self.assertEqual(
                inbox[0], {"type": "stand", "id": 1, "hand": 0, "reason": "stand"}, case
            )
            self.assertEqual(inbox[1]["type"], "hit", case)
            self.assertEqual(inbox[1]["card"], dealer[1], case)
            payout = {"win": 20, "push": 10, "lose": 0}[result]
            kind = "winner" if result == "win" else result
            self.assertEqual(
                inbox.of(kind),
                [{"type": kind, "id": 1, "hand": 0, "payout": payout}],
                case,
            )
            self.assertEqual(results(inbox), [(0, result, payout)], case)
            self.assertEqual(game.balance(), balance, case)
            self.assertEqual(
                inbox[-1],
                {"type": "balance", "balance": balance, "net": balance - 1000},
                case,
            )
            self.assertEqual(game.table.phase, "between_rounds", case)
            self.assertEqual(game.table.dealer_hand, [*dealer, *then], case)
            self.assertTrue(game.ledger.balanced(), case)

    def test_h17_dealer_hits_soft_17(self) -> None:
        game = CasinoSetup(
            deal(("TS", "8H"), up="AC", hole="6D", then=("3S",)), hit_soft_17=True
        )
        game.bet(1, 10)
        game.insurance(1, False)
        game.stand(1)
        self.assertEqual(game.table.dealer_hand, ["AC", "6D", "3S"])  # soft 17, then 20
        self.assertEqual(game.balance(), 990)

    def test_hit_bust_loses_and_the_dealer_still_plays(self) -> None:
        game = CasinoSetup(deal(("TS", "6H"), up="6C", hole="TD", then=("KD", "5S")))
        game.bet(1, 10)
        game.clear()
        game.hit(1)
        inbox = game.inboxes[1]
        self.assertEqual(
            inbox[0], {"type": "hit", "card": "KD", "id": 1, "points": 26, "hand": 0}
        )
        self.assertEqual(inbox[1], {"type": "bust", "id": 1, "hand": 0})
        self.assertEqual(game.table.dealer_hand, ["6C", "TD", "5S"])
        self.assertEqual(results(inbox), [(0, "lose", 0)])
        self.assertEqual(game.balance(), 990)

    def test_hit_to_21_stands_the_hand(self) -> None:
        game = CasinoSetup(deal(("TS", "6H"), up="9C", hole="TD", then=("5D",)))
        game.bet(1, 10)
        game.hit(1)
        self.assertIn(
            {"type": "stand", "id": 1, "hand": 0, "reason": "21"}, game.inboxes[1]
        )
        self.assertEqual(game.balance(), 1010)

    def test_blackjack_pays(self) -> None:
        for pays, bet, balance in BLACKJACKS:
            case = f"{bet} at {pays}"
            # A betting unit of 1 takes bets whose winnings a chip would split.
            game = CasinoSetup(
                deal(("AS", "KH"), up="9C", hole="7D", then=("2C",)),
                blackjack_pays=pays,
                bet_unit=1,
            )
            game.bet(1, bet)
            inbox = game.inboxes[1]
            self.assertIn(
                {"type": "stand", "id": 1, "hand": 0, "reason": "blackjack"},
                inbox,
                f"{case}: the blackjack is stood",
            )
            self.assertEqual(game.table.phase, "between_rounds", case)
            self.assertEqual(results(inbox), [(0, "win", balance - 1000 + bet)], case)
            self.assertIs(
                inbox.of("round_over")[0]["results"][0]["blackjack"],
                True,
                f"{case}: the result is a blackjack",
            )
            self.assertEqual(game.balance(), balance, case)

    def test_double_stakes_again_takes_one_card_and_stands(self) -> None:
        game = CasinoSetup(deal(("6S", "5H"), up="9C", hole="7D", then=("TD", "2C")))
        game.bet(1, 10)
        game.clear()
        game.double(1)
        inbox = game.inboxes[1]
        self.assertEqual(
            inbox[:3],
            [
                {"type": "double", "id": 1, "hand": 0, "bet": 20, "balance": 980},
                {"type": "hit", "card": "TD", "id": 1, "points": 21, "hand": 0},
                {"type": "stand", "id": 1, "hand": 0, "reason": "double"},
            ],
        )
        self.assertEqual(results(inbox), [(0, "win", 40)])
        self.assertEqual(game.balance(), 1020)

    def test_double_can_bust_and_loses_both_stakes(self) -> None:
        game = CasinoSetup(deal(("TS", "2H"), up="9C", hole="7D", then=("KD", "2C")))
        game.bet(1, 10)
        game.double(1)
        self.assertIn({"type": "bust", "id": 1, "hand": 0}, game.inboxes[1])
        self.assertEqual(game.balance(), 980)

    def test_double_after_three_cards_is_409_and_changes_nothing(self) -> None:
        game = CasinoSetup(deal(("2S", "3H"), up="9C", hole="7D", then=("4D",)))
        game.bet(1, 10)
        game.hit(1)
        game.clear()
        before = snapshot(game)
        self.assertIn("first two cards", self.refused(409, game.double, 1).message)
        self.assertEqual(snapshot(game), before)
        self.assertEqual(game.inboxes[1], [])

    def test_double_without_the_chips_is_402(self) -> None:
        game = CasinoSetup(deal(("6S", "5H"), up="9C", hole="7D"), starting_chips=15)
        game.bet(1, 10)
        before = snapshot(game)
        self.refused(402, game.double, 1)
        self.assertEqual(snapshot(game), before)


# -- insurance and the peek --------------------------------------------------


class InsuranceAndPeekTests(CasinoTableTestCase):
    """Insurance, and the dealer's peek for blackjack."""

    def test_insurance_offered_with_an_ace_up_pays_2_to_1_on_dealer_blackjack(
        self,
    ) -> None:
        game = CasinoSetup(deal(("TS", "9H"), up="AS", hole="KD"))
        game.bet(1, 10)
        inbox = game.inboxes[1]
        self.assertEqual(game.table.phase, "insurance")
        self.assertEqual(
            inbox[-1], {"type": "insurance_offer", "amount": 5, "seconds": 30.0}
        )
        self.assertNotIn("KD", json.dumps(list(inbox)))
        game.clear()
        game.insurance(1, True)
        self.assertEqual(
            inbox.take()[:5],
            [
                {
                    "type": "insurance",
                    "id": 1,
                    "taken": True,
                    "amount": 5,
                    "balance": 985,
                },
                {"type": "peek", "blackjack": True},
                {
                    "type": "insurance_result",
                    "id": 1,
                    "amount": 5,
                    "payout": 15,
                    "balance": 1000,
                },
                {"type": "hit", "card": "KD", "id": "dealer", "points": 21},
                {"type": "lose", "id": 1, "hand": 0, "payout": 0},
            ],
        )
        self.assertEqual(game.table.phase, "between_rounds")
        self.assertEqual(game.balance(), 1000)  # insurance made up the lost bet

    def test_insurance_lost_when_the_dealer_has_no_blackjack_then_play_goes_on(
        self,
    ) -> None:
        game = CasinoSetup(deal(("TS", "9H"), up="AS", hole="7D"))
        game.bet(1, 10)
        game.insurance(1, True)
        inbox = game.inboxes[1]
        self.assertIn({"type": "peek", "blackjack": False}, inbox)
        self.assertIn(
            {
                "type": "insurance_result",
                "id": 1,
                "amount": 5,
                "payout": 0,
                "balance": 985,
            },
            inbox,
        )
        self.assertEqual(game.table.phase, "playing")
        game.stand(1)  # 19 against soft 18
        self.assertEqual(game.balance(), 1005)

    def test_insurance_refusals(self) -> None:
        game = CasinoSetup(
            deal(("TS", "9H"), ("8S", "8H"), up="AS", hole="7D"), players=2
        )
        game.bet(1, 10)
        game.bet(2, 10)
        game.insurance(1, False)
        before = snapshot(game)
        self.refused(409, game.insurance, 1, True)  # already answered
        self.refused(409, game.hit, 2)  # no play before the peek
        self.assertEqual(snapshot(game), before)
        game.insurance(2, False)
        self.assertEqual(game.table.phase, "playing")
        self.refused(409, game.insurance, 2, True)

    def test_insurance_not_offered_without_an_ace(self) -> None:
        game = CasinoSetup(deal(("TS", "9H"), up="TC", hole="7D"))
        game.bet(1, 10)
        self.assertEqual(game.table.phase, "playing")
        self.refused(409, game.insurance, 1, True)

    def test_unanswered_insurance_is_declined_after_the_turn_timeout(self) -> None:
        game = CasinoSetup(deal(("TS", "9H"), up="AS", hole="7D"))
        game.bet(1, 10)
        game.clock.advance(30)
        self.assertEqual(game.table.phase, "playing")
        self.assertEqual(game.balance(), 990)

    def test_insurance_not_offered_to_who_cannot_pay_it(self) -> None:
        game = CasinoSetup(deal(("TS", "9H"), up="AS", hole="7D"), starting_chips=12)
        game.bet(1, 10)  # 2 chips left, insurance costs 5
        self.assertEqual(game.table.phase, "playing")
        self.assertEqual(game.inboxes[1].of("insurance_offer"), [])

    def test_peek_with_a_ten_up_ends_the_round_on_dealer_blackjack(self) -> None:
        for hole in ["AS", "KD"]:
            up = "KC" if hole == "AS" else "AC"
            case = f"{up} up, {hole} in the hole"
            game = CasinoSetup(deal(("TS", "9H"), up=up, hole=hole))
            game.bet(1, 10)
            if game.table.phase == "insurance":
                game.insurance(1, False)
            inbox = game.inboxes[1]
            self.assertEqual(game.table.phase, "between_rounds", case)
            self.assertEqual(inbox.of("deadline"), [], case)
            self.assertIn({"type": "peek", "blackjack": True}, inbox, f"{case}: a peek")
            self.assertEqual(
                inbox.of("round_over")[0]["dealer"],
                {"hand": [up, hole], "points": 21, "blackjack": True},
                case,
            )
            self.assertEqual(game.balance(), 990, case)
            self.refused(409, game.hit, 1, case=case)

    def test_player_blackjack_pushes_dealer_blackjack(self) -> None:
        game = CasinoSetup(deal(("AS", "QH"), up="TC", hole="AD"))
        game.bet(1, 10)
        self.assertEqual(results(game.inboxes[1]), [(0, "push", 10)])
        self.assertEqual(game.balance(), 1000)

    def test_no_peek_under_other_upcards_and_no_hole_card_dealt_face_up(self) -> None:
        game = CasinoSetup(deal(("TS", "9H"), up="9C", hole="AD"))
        game.bet(1, 10)
        inbox = game.inboxes[1]
        self.assertEqual(inbox.of("peek"), [])
        self.assertNotIn("AD", json.dumps(list(inbox)))

    def test_peek_without_blackjack_lets_play_start(self) -> None:
        game = CasinoSetup(deal(("TS", "9H"), up="TC", hole="7D"))
        game.bet(1, 10)
        self.assertIn({"type": "peek", "blackjack": False}, game.inboxes[1])
        self.assertEqual(game.table.phase, "playing")


# -- splits ------------------------------------------------------------------


class SplitTests(CasinoTableTestCase):
    """Splitting pairs, aces, and doubling after a split."""

    def test_split_to_four_hands_and_no_further(self) -> None:
        cards = deal(
            ("8S", "8H"),
            up="6C",
            hole="TD",
            # split 0: 8S+8D, 8H+8C; split 0: 8S+3S, 8D+2H; split 1: 8H+9S, 8C+8D
            then=("8D", "8C", "3S", "2H", "9S", "8D", "9D", "TC"),
        )
        game = CasinoSetup(cards)
        game.bet(1, 10)
        game.clear()
        game.split(1, 0)
        inbox = game.inboxes[1]
        self.assertEqual(
            inbox[:3],
            [
                {
                    "type": "split",
                    "id": 1,
                    "hand": 0,
                    "new_hand": 1,
                    "hands": [
                        {
                            "hand": 0,
                            "cards": ["8S"],
                            "points": 8,
                            "bet": 10,
                            "status": "playing",
                        },
                        {
                            "hand": 1,
                            "cards": ["8H"],
                            "points": 8,
                            "bet": 10,
                            "status": "playing",
                        },
                    ],
                    "balance": 980,
                },
                {"type": "hit", "card": "8D", "id": 1, "points": 16, "hand": 0},
                {"type": "hit", "card": "8C", "id": 1, "points": 16, "hand": 1},
            ],
        )
        game.split(1, 0)
        game.split(1, 1)
        hands = game.hands(1)
        self.assertEqual(
            [h.cards for h in hands],
            [
                ["8S", "3S"],
                ["8H", "9S"],
                ["8D", "2H"],
                ["8C", "8D"],
            ],
        )
        before = snapshot(game)
        self.assertIn("4 hands", self.refused(409, game.split, 1, 3).message)
        self.assertEqual(snapshot(game), before)
        self.assertEqual(game.balance(), 960)
        game.double(1, 0)  # DAS: 11 + 9D = 20
        game.stand(1, 3)  # hands act in any order
        game.stand(1, 1)
        self.assertEqual(game.table.phase, "playing")
        game.stand(1)  # the first unfinished hand: 2
        # The dealer's 16 takes TC and busts: every hand wins.
        self.assertEqual(
            results(game.inboxes[1]),
            [
                (0, "win", 40),
                (1, "win", 20),
                (2, "win", 20),
                (3, "win", 20),
            ],
        )
        self.assertEqual(game.balance(), 1050)

    def test_split_of_a_non_pair_is_409(self) -> None:
        game = CasinoSetup(deal(("8S", "9H"), up="6C", hole="TD"))
        game.bet(1, 10)
        before = snapshot(game)
        self.assertEqual(self.refused(409, game.split, 1).message, "split only a pair")
        self.assertEqual(snapshot(game), before)

    def test_ten_valued_cards_split_as_a_pair(self) -> None:
        game = CasinoSetup(deal(("KS", "QH"), up="6C", hole="TD", then=("2C", "3D")))
        game.bet(1, 10)
        game.split(1)
        self.assertEqual(len(game.hands(1)), 2)

    def test_split_without_the_chips_is_402(self) -> None:
        game = CasinoSetup(deal(("8S", "8H"), up="6C", hole="TD"), starting_chips=15)
        game.bet(1, 10)
        before = snapshot(game)
        self.refused(402, game.split, 1)
        self.assertEqual(snapshot(game), before)

    def test_split_aces_take_one_card_each_and_21_is_not_blackjack(self) -> None:
        game = CasinoSetup(
            deal(("AS", "AH"), up="9C", hole="7D", then=("KD", "5C", "2C"))
        )
        game.bet(1, 10)
        game.split(1)
        inbox = game.inboxes[1]
        self.assertIn(
            {"type": "stand", "id": 1, "hand": 0, "reason": "split_aces"}, inbox
        )
        self.assertIn(
            {"type": "stand", "id": 1, "hand": 1, "reason": "split_aces"}, inbox
        )
        self.assertEqual(game.table.phase, "between_rounds")
        # A-K after a split is 21 paid 1:1; A-5 (soft 16) loses to 18.
        self.assertEqual(results(inbox), [(0, "win", 20), (1, "lose", 0)])
        self.assertEqual(
            [r["blackjack"] for r in inbox.of("round_over")[0]["results"]],
            [
                False,
                False,
            ],
        )
        self.assertEqual(game.balance(), 1000)

    def test_split_aces_are_not_resplit_by_default(self) -> None:
        game = CasinoSetup(
            deal(("AS", "AH"), up="9C", hole="7D", then=("AD", "5C", "2C"))
        )
        game.bet(1, 10)
        game.split(1)
        self.assertEqual(game.table.phase, "between_rounds")  # both hands stood
        self.refused(409, game.split, 1, 0)

    def test_split_aces_resplit_when_the_table_allows_it(self) -> None:
        cards = deal(
            ("AS", "AH"), up="9C", hole="7D", then=("AD", "5C", "9S", "8H", "2C")
        )
        game = CasinoSetup(cards, resplit_aces=True)
        game.bet(1, 10)
        game.split(1)
        self.assertEqual(game.table.phase, "playing")  # hand 0 is A-A again
        self.refused(409, game.hit, 1, 0)  # split aces take no more cards
        self.refused(409, game.double, 1, 0)
        game.split(1, 0)
        self.assertEqual(
            [h.cards for h in game.hands(1)],
            [
                ["AS", "9S"],
                ["AH", "5C"],
                ["AD", "8H"],
            ],
        )
        self.assertEqual(game.table.phase, "between_rounds")
        self.assertEqual(
            game.balance(), 1000 - 30 + 40
        )  # 20 and 19 beat 18; soft 16 loses

    def test_double_after_split_follows_das(self) -> None:
        for das in [True, False]:
            case = f"das={das}"
            cards = deal(
                ("9S", "9H"), up="6C", hole="TD", then=("2D", "TC", "9C", "5S")
            )
            game = CasinoSetup(cards, das=das)
            game.bet(1, 10)
            game.split(1)
            if das:
                game.double(1, 0)
                self.assertEqual(game.hands(1)[0].bet, 20, case)
            else:
                before = snapshot(game)
                refusal = self.refused(409, game.double, 1, 0, case=case)
                self.assertIn("after a split", refusal.message, case)
                self.assertEqual(snapshot(game), before, case)

    def test_21_after_a_split_stands_and_is_not_blackjack(self) -> None:
        game = CasinoSetup(
            deal(("KS", "KH"), up="6C", hole="TD", then=("AD", "9C", "6S"))
        )
        game.bet(1, 10)
        game.split(1)
        self.assertIn(
            {"type": "stand", "id": 1, "hand": 0, "reason": "21"}, game.inboxes[1]
        )
        game.stand(1, 1)
        self.assertEqual(results(game.inboxes[1]), [(0, "win", 20), (1, "win", 20)])


# -- surrender ---------------------------------------------------------------


class SurrenderTests(CasinoTableTestCase):
    """Late surrender."""

    def test_surrender_returns_half_the_bet(self) -> None:
        game = CasinoSetup(deal(("TS", "6H"), up="TD", hole="7C"), surrender=True)
        game.bet(1, 10)
        game.clear()
        game.surrender(1)
        inbox = game.inboxes[1]
        self.assertEqual(
            inbox[0],
            {
                "type": "surrender",
                "id": 1,
                "hand": 0,
                "refund": 5,
                "balance": 995,
            },
        )
        self.assertEqual(results(inbox), [(0, "lose", 5)])
        self.assertIs(inbox.of("round_over")[0]["results"][0]["surrendered"], True)
        self.assertEqual(game.balance(), 995)

    def test_surrender_off_after_a_hit_or_after_a_split_is_409(self) -> None:
        game = CasinoSetup(deal(("TS", "6H"), up="TD", hole="7C"))
        game.bet(1, 10)
        self.refused(409, game.surrender, 1)
        game = CasinoSetup(
            deal(("2S", "6H"), up="TD", hole="7C", then=("3C",)), surrender=True
        )
        game.bet(1, 10)
        game.hit(1)
        self.refused(409, game.surrender, 1)
        game = CasinoSetup(
            deal(("8S", "8H"), up="TD", hole="7C", then=("2C", "3C")), surrender=True
        )
        game.bet(1, 10)
        game.split(1)
        before = snapshot(game)
        self.refused(409, game.surrender, 1, 0)
        self.assertEqual(snapshot(game), before)


# -- hands, timers, leaving --------------------------------------------------


class HandTimerAndLeavingTests(CasinoTableTestCase):
    """Hand indexes, turn timers, rounds, and players leaving."""

    def test_hand_index_that_does_not_exist_is_400(self) -> None:
        game = CasinoSetup(
            deal(("8S", "8H"), ("TC", "7D"), up="6C", hole="TD", then=("2C", "3C")),
            players=2,
        )
        game.bet(1, 10)
        game.bet(2, 10)
        game.split(1)
        before = snapshot(game)
        self.refused(400, game.hit, 2, 1)  # player 1 has a hand 1; player 2 doesn't
        self.refused(400, game.stand, 1, 2)
        self.refused(400, game.double, 1, -1)
        self.assertEqual(snapshot(game), before)

    def test_acting_on_a_finished_hand_is_409(self) -> None:
        game = CasinoSetup(
            deal(("TS", "9H"), ("TC", "7D"), up="6C", hole="TD"), players=2
        )
        game.bet(1, 10)
        game.bet(2, 10)
        game.stand(1)
        self.refused(409, game.hit, 1)
        self.refused(409, game.hit, 1, 0)

    def test_turn_timeout_stands_the_hand(self) -> None:
        game = CasinoSetup(deal(("TS", "9H"), up="7C", hole="TD"))
        game.bet(1, 10)
        game.clock.advance(29.9)
        self.assertEqual(game.table.phase, "playing")
        game.clock.advance(0.1)
        self.assertIn(
            {"type": "stand", "id": 1, "hand": 0, "reason": "timeout"}, game.inboxes[1]
        )
        self.assertEqual(game.balance(), 1010)

    def test_one_turn_clock_covers_a_players_split_hands(self) -> None:
        game = CasinoSetup(deal(("8S", "8H"), up="7C", hole="TD", then=("TC", "9D")))
        game.bet(1, 10)
        game.clock.advance(10)
        game.split(1)
        # The hand the split made plays in the 20 s the player has left,
        # not a fresh 30: a round's play is bounded by the turn timeout.
        self.assertIn(
            {"type": "deadline", "id": 1, "hand": 1, "seconds": 20.0},
            game.inboxes[1],
        )
        game.stand(1, 0)
        game.clock.advance(19.9)
        self.assertEqual(game.table.phase, "playing")
        game.clock.advance(0.1)
        self.assertIn(
            {"type": "stand", "id": 1, "hand": 1, "reason": "timeout"}, game.inboxes[1]
        )
        self.assertEqual(game.table.phase, "between_rounds")

    def test_next_round_opens_betting_after_the_round_delay(self) -> None:
        game = CasinoSetup(deal(("TS", "9H"), up="7C", hole="TD"))
        game.bet(1, 10)
        game.stand(1)
        self.assertEqual(game.inboxes[1].of("round_over")[0]["next_round_in"], 3.0)
        game.clock.advance(2.9)
        self.assertEqual(game.table.phase, "between_rounds")
        game.clock.advance(0.1)
        self.assertEqual(game.table.phase, "betting")
        self.assertEqual(game.table.rounds_played, 1)

    def test_leaving_mid_round_stands_the_hand_and_settles_it(self) -> None:
        game = CasinoSetup(
            deal(("TS", "9H"), ("TC", "8D"), up="7C", hole="TD"), players=2
        )
        game.bet(1, 10)
        game.bet(2, 10)
        game.table.leave(1)
        self.assertIn(
            {"type": "stand", "id": 1, "hand": 0, "reason": "left"}, game.inboxes[2]
        )
        self.assertIn({"type": "left", "id": 1}, game.inboxes[2])
        # The chips stay in play until the round that holds them is settled.
        self.assertTrue(game.ledger.has(1))
        game.stand(2)
        self.assertEqual(
            [r["id"] for r in game.inboxes[2].of("round_over")[0]["results"]], [1, 2]
        )
        self.assertEqual(game.balance(2), 1010)
        # Player 1's 19 beat the dealer's 17 too: paid, then their chips went.
        self.assertEqual(
            [e.kind for e in game.ledger.entries if e.account == 1],
            ["open", "bet", "payout", "close"],
        )
        self.assertFalse(game.ledger.has(1))
        self.assertEqual(game.ledger.house, -20)
        self.assertTrue(game.ledger.balanced())

    def test_leaving_during_betting_gets_the_bet_back(self) -> None:
        game = CasinoSetup(players=2)
        game.bet(1, 10)
        game.table.leave(1)
        self.assertEqual(game.ledger.house, 0)
        self.assertEqual(
            [e.kind for e in game.ledger.entries if e.account == 1],
            [
                "open",
                "bet",
                "refund",
                "close",
            ],
        )

    def test_last_player_leaving_goes_idle_and_cancels_timers(self) -> None:
        game = CasinoSetup(deal(("TS", "9H"), up="7C", hole="TD"))
        game.bet(1, 10)
        game.table.leave(1)
        self.assertEqual(game.table.phase, "idle")
        self.assertEqual(game.clock.getDelayedCalls(), [])
        game.sit(2)
        self.assertEqual(game.table.phase, "betting")
        game.table.close()
        self.assertEqual(game.clock.getDelayedCalls(), [])

    def test_other_players_on_sitting_show_hands_not_the_hole_card(self) -> None:
        game = CasinoSetup(deal(("TS", "9H"), up="7C", hole="QD"))
        game.bet(1, 10)
        late = game.sit(2)
        others = late.of("other_players")
        self.assertEqual(others[0]["hand"], ["TS", "9H"])
        self.assertEqual(others[0]["state"], "playing")
        self.assertNotIn("QD", json.dumps(list(late)))


# -- the hole card is never leaked -------------------------------------------


class HoleCardTests(CasinoTableTestCase):
    """The hole card stays secret until the dealer plays."""

    def test_hole_card_appears_in_no_message_before_the_dealer_plays(self) -> None:
        """A single deck: within a round every card string is unique, so the
        hole card's string in a message can only be the hole card."""
        rng = random.Random(7)
        game = CasinoSetup(
            shoe=Shoe(1, random.Random(7)),
            players=3,
            round_delay=0,
            surrender=True,
            starting_chips=10**6,
        )
        table = game.table
        sent: list[tuple[int, dict[str, Any]]] = []
        for player_id, inbox in game.inboxes.items():
            inbox.append = lambda m, pid=player_id: sent.append((pid, m))  # type: ignore[method-assign]
        checked = 0
        for round_number in range(300):
            sent.clear()
            for player_id in game.inboxes:
                game.bet(player_id, 10)
            hole = table.round.dealer[1]
            if table.phase == "insurance":
                for player_id in game.inboxes:
                    game.insurance(player_id, rng.random() < 0.5)
            while table.phase == "playing":
                player_id = rng.choice(list(game.inboxes))
                action = rng.choice(["hit", "stand", "double", "split", "surrender"])
                try:
                    getattr(game, action)(player_id)
                except ActionRejected:
                    pass
            revealed_at = next(
                (
                    i
                    for i, (_, m) in enumerate(sent)
                    if m["type"] == "hit" and m["id"] == "dealer" and m["card"] == hole
                ),
                None,
            )
            case = f"round {round_number}, hole card {hole}"
            self.assertIsNotNone(revealed_at, f"{case}: never shown")
            for _, message in sent[:revealed_at]:
                self.assertNotIn(hole, json.dumps(message), f"{case}: in {message}")
            checked += 1
            game.clock.advance(0)
        self.assertEqual(checked, 300)


# -- chips are conserved -------------------------------------------------------


ACTIONS = ("hit", "stand", "double", "split", "surrender")


class ChipConservationTests(CasinoTableTestCase):
    """Chips are neither made nor lost."""

    @settings(max_examples=60, deadline=None)
    @given(
        seed=st.integers(0, 2**32 - 1),
        rules=st.fixed_dictionaries(
            {
                "hit_soft_17": st.booleans(),
                "das": st.booleans(),
                "resplit_aces": st.booleans(),
                "surrender": st.booleans(),
                "blackjack_pays": st.sampled_from([Fraction(3, 2), Fraction(6, 5)]),
                "decks": st.integers(1, 2),
            }
        ),
    )
    def test_random_legal_play_conserves_chips(
        self, seed: int, rules: dict[str, Any]
    ) -> None:
        """Random bets, insurance and actions (legal or not), seats coming and
        going, timeouts: refusals change nothing, balances never go negative,
        and what the players gain is exactly what the house loses."""
        rng = random.Random(seed)
        game = CasinoSetup(
            shoe=Shoe(rules["decks"], random.Random(seed)),
            players=3,
            seats=4,
            starting_chips=300,
            **{key: value for key, value in rules.items() if key != "decks"},
        )
        table, ledger = game.table, game.ledger
        next_id = 4
        for _ in range(40):
            self.assertEqual(table.phase, "betting")
            for player_id in list(table.player_ids):
                if rng.random() < 0.85:
                    amount = rng.choice([5, 10, 15, 25, 99, 500, 600])
                    before = snapshot(game)
                    try:
                        game.bet(player_id, amount)
                    except ActionRejected as refusal:
                        self.assertEqual(snapshot(game), before, refusal.message)
            if table.phase == "betting":
                game.clock.advance(game.config.bet_timeout)
            if table.phase == "insurance":
                for player_id in list(table.player_ids):
                    if rng.random() < 0.8:
                        try:
                            game.insurance(player_id, rng.random() < 0.5)
                        except ActionRejected:
                            pass
                if table.phase == "insurance":
                    game.clock.advance(game.config.turn_timeout)
            while table.phase == "playing":
                roll = rng.random()
                if roll < 0.03:
                    game.clock.advance(game.config.turn_timeout)
                    continue
                if roll < 0.05 and table.player_ids:
                    table.leave(rng.choice(list(table.player_ids)))
                    continue
                if roll < 0.07 and table.has_free_seat:
                    game.sit(next_id)
                    next_id += 1
                    continue
                player_id = rng.choice(list(table.player_ids) or [0])
                hand = rng.choice([None, None, 0, 1, 2, 3, 4])
                before = snapshot(game)
                try:
                    getattr(game, rng.choice(ACTIONS))(player_id, hand)
                except ActionRejected as refusal:
                    self.assertEqual(snapshot(game), before, refusal.message)
            self.assertTrue(ledger.balanced())
            for player_id in table.player_ids:
                self.assertGreaterEqual(ledger.balance(player_id), 0, player_id)
            moved = sum(
                e.amount for e in ledger.entries if e.kind not in ("open", "close")
            )
            self.assertEqual(moved, -ledger.house)
            if table.phase == "idle":
                game.sit(next_id)
                next_id += 1
            else:
                game.clock.advance(game.config.round_delay)


class LobbyAndShoeTests(CasinoTableTestCase):
    """A casino table in a lobby, and a shoe that runs out mid-round."""

    def test_a_lobby_holds_casino_tables_like_classic_ones(self) -> None:
        """The lobby and the protocol drive a casino table through the same
        calls as a classic one."""
        game = CasinoSetup(deal(("TS", "9H"), up="7C", hole="TD"), players=0, seats=1)
        lobby = Lobby([game.table])
        seen = Inbox()
        player_id = lobby.sit("ann", seen)
        self.assertIs(lobby.table_of(player_id), game.table)
        self.assertEqual(seen[0]["game"], "casino")
        self.assertEqual(game.table.seats_taken, 1)
        self.assertFalse(game.table.has_free_seat)
        self.assertEqual(game.table.config.seats, 1)
        self.assertEqual(game.table.config.decks, 6)
        self.refused(507, lobby.sit, "bob", seen)
        game.bet(player_id, 10)
        game.stand(player_id)
        self.assertEqual(game.table.rounds_played, 1)
        lobby.leave(player_id)
        self.assertEqual(game.table.seats_taken, 0)
        lobby.close()
        self.assertEqual(game.clock.getDelayedCalls(), [])

    def test_a_shoe_that_runs_dry_mid_round_keeps_every_card_in_play_out(self) -> None:
        # One deck nearly dealt out, seven bettors: the deal itself empties the
        # shoe, which is refilled with every card not on the table.
        shoe = Shoe(1, random.Random(11), penetration=1.0)
        for _ in range(45):
            shoe.draw()
        game = CasinoSetup(players=7, seats=7, shoe=shoe)
        for player in range(1, 8):
            game.bet(player, 10)
        while game.table.phase == "playing":
            for player in range(1, 8):
                for index, hand in enumerate(game.hands(player)):
                    if hand.status == "playing" and game.table.phase == "playing":
                        game.hit(player, index)
            # Every card on the table, the hole card included, is there once.
            on_table = list(game.table.round.dealer)
            for player in range(1, 8):
                for hand in game.hands(player):
                    on_table += hand.cards
            self.assertEqual(len(on_table), len(set(on_table)))
        self.assertEqual(shoe.shuffles, 2)
        self.assertIn("shuffle", game.inboxes[1].types())
