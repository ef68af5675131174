"""The pygame client's model at casino tables: every message of
``blackjackd/casino_table.py``'s list through the reducer, in order, out of
order, malformed and unknown; and what the player may do when."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from blackjack_client.model import (
    BLACKJACK_STATUS,
    BUST,
    CASINO_TYPES,
    DISCONNECTED,
    GAME_CASINO,
    GAME_CLASSIC,
    KNOWN_TYPES,
    LEFT,
    PHASE_BETTING,
    PHASE_DEALER,
    PHASE_INSURANCE,
    PHASE_OVER,
    PHASE_PLAYING,
    PLAYING,
    STOOD,
    SURRENDERED,
    WAITING,
    Connecting,
    Disconnected,
    Hand,
    Model,
    Rules,
    Sent,
    reduce,
)
from blackjackd.cards import points as hand_points
from tests.client_messages import (
    BOB,
    CASINO_ID,
    at_table,
    bet,
    betting,
    card,
    casino_message,
    dealt,
    hit,
    play,
    round_over,
)


class CasinoIdTests(SynchronousTestCase):
    """The id that says the game, the rules and the balance."""

    def test_id_tells_the_game_the_rules_and_the_balance(self):
        model = at_table()
        self.assertEqual(model.game, GAME_CASINO)
        self.assertTrue(model.casino)
        self.assertEqual(model.rules, Rules(surrender=True, bet_timeout=15.0))
        self.assertEqual(model.balance, 1000)
        bob = model.seats[5]
        self.assertEqual(
            (bob.name, bob.seat, bob.balance, bob.bet, bob.state),
            (
                "bob",
                1,
                800,
                None,
                WAITING,
            ),
        )

    def test_a_classic_id_is_classic(self):
        model = play({"type": "auth"}, {**CASINO_ID, "game": None})
        self.assertEqual(model.game, GAME_CLASSIC)
        self.assertEqual(model.rules, Rules())
        self.assertIsNone(model.balance)
        self.assertFalse(model.can_bet(10))

    def test_odd_rules_keep_the_defaults(self):
        for rules in [
            None,
            "3:2",
            [],
            {"min_bet": "ten", "max_bet": True, "das": 1},
            {"min_bet": 0},
        ]:
            model = play({**CASINO_ID, "rules": rules})
            self.assertEqual(model.rules, Rules(), f"rules={rules!r}")

    def test_max_bet_below_min_bet_is_not_believed(self):
        model = play({**CASINO_ID, "rules": {"min_bet": 50, "max_bet": 20}})
        self.assertEqual((model.rules.min_bet, model.rules.max_bet), (50, 50))


class BettingTests(SynchronousTestCase):
    """Betting: what may be bet, bets and sitting out."""

    def test_betting_then_bets(self):
        model = at_table()
        self.assertEqual(model.phase, PHASE_BETTING)
        self.assertEqual(model.betting_until, 115.0)
        self.assertTrue(model.can_bet())
        self.assertTrue(model.can_bet(10))
        self.assertTrue(model.can_bet(500))
        self.assertFalse(model.can_bet(5))
        self.assertFalse(model.can_bet(501))
        self.assertFalse(model.can_act())
        model = reduce(model, Sent("bet"))
        self.assertFalse(model.can_bet(10))  # the answer hasn't come
        model = play(bet(7, 25, 975), model=model)
        self.assertEqual(
            (model.me.bet, model.balance, model.last_bet, model.awaiting),
            (
                25,
                975,
                25,
                None,
            ),
        )
        self.assertFalse(model.can_bet(10))  # one bet a round
        model = play(bet(5, 100, 700), model=model)
        self.assertEqual((model.seats[5].bet, model.seats[5].balance), (100, 700))

    def test_a_bet_beyond_the_balance_is_not_offered(self):
        model = play(
            {**CASINO_ID, "balance": 40}, betting(), model=play({"type": "auth"})
        )
        self.assertTrue(model.can_bet(40))
        self.assertFalse(model.can_bet(100))
        broke = play({**CASINO_ID, "balance": 5}, betting())
        self.assertFalse(broke.can_bet())

    def test_sit_out_then_restart_leaves_them_waiting(self):
        model = play(
            bet(7, 20, 980),
            {"type": "sit_out", "id": 5},
            {"type": "restart"},
            card("TS", 7, 10),
            model=at_table(),
        )
        bob = model.seats[5]
        self.assertEqual((bob.sitting_out, bob.state, bob.hands), (True, WAITING, ()))
        self.assertEqual(model.me.state, PLAYING)
        self.assertEqual(model.me.hands, (Hand(("TS",), 10, bet=20, status=PLAYING),))
        self.assertEqual(model.me.hand, model.me.hands[0])


class DealAndInsuranceTests(SynchronousTestCase):
    """The deal, the hole card, insurance and the peek."""

    def test_the_deal_with_a_hole_card_then_the_dealer_plays(self):
        model = dealt()
        self.assertEqual(model.phase, PHASE_PLAYING)
        self.assertEqual(model.dealer, Hand(("6C",), 6))
        self.assertTrue(model.dealer_hole)
        me = model.me
        self.assertEqual(me.hands[0].cards, ("8S", "8H"))
        self.assertEqual(me.hands[0].points, 16)
        self.assertEqual(me.hands[0].deadline, 140.0)
        self.assertEqual(me.state, PLAYING)
        self.assertEqual(model.active_hand(), 0)
        self.assertTrue(model.can_act())
        self.assertTrue(model.can_double())
        self.assertTrue(model.can_split())
        self.assertTrue(model.can_surrender())
        model = play(
            {"type": "stand", "id": 7, "hand": 0, "reason": "stand"},
            {"type": "stand", "id": 5, "hand": 0, "reason": "stand"},
            hit("TD", "dealer", 16),
            model=model,
        )
        self.assertEqual(model.me.state, STOOD)
        self.assertEqual(model.me.hands[0].reason, "stand")
        self.assertFalse(model.dealer_hole)
        self.assertEqual(model.phase, PHASE_DEALER)
        self.assertEqual(model.dealer, Hand(("6C", "TD"), 16))
        model = play(hit("5S", "dealer", 21), model=model)
        self.assertEqual(model.dealer.cards, ("6C", "TD", "5S"))

    def test_insurance_offer_taken_then_lost_at_the_peek(self):
        model = dealt(upcard="AC")
        model = play(
            {"type": "insurance_offer", "amount": 10, "seconds": 30},
            model=model,
            now=111,
        )
        self.assertEqual(model.phase, PHASE_INSURANCE)
        self.assertEqual((model.insurance_offer, model.insurance_until), (10, 141))
        # Hands wait for the peek: no hitting while insurance is open.
        self.assertFalse(model.can_act())
        self.assertTrue(model.can_insure(True))
        self.assertTrue(model.can_insure(False))
        model = reduce(model, Sent("insurance"))
        self.assertFalse(model.can_insure(False))
        model = play(
            {"type": "insurance", "id": 7, "taken": True, "amount": 10, "balance": 970},
            {"type": "insurance", "id": 5, "taken": False, "amount": 0, "balance": 770},
            model=model,
        )
        self.assertIsNone(model.insurance_offer)
        self.assertEqual((model.me.insurance, model.balance), (10, 970))
        self.assertEqual(model.seats[5].insurance, 0)
        model = play(
            {"type": "peek", "blackjack": False},
            {
                "type": "insurance_result",
                "id": 7,
                "amount": 10,
                "payout": 0,
                "balance": 970,
            },
            {"type": "deadline", "id": 7, "hand": 0, "seconds": 30},
            model=model,
        )
        self.assertEqual(model.phase, PHASE_PLAYING)
        self.assertIn("Insurance lost", model.notice)
        self.assertTrue(model.can_act())

    def test_insurance_pays_on_a_dealer_blackjack(self):
        model = play(
            {"type": "insurance_offer", "amount": 10, "seconds": 30},
            {"type": "insurance", "id": 7, "taken": True, "amount": 10, "balance": 970},
            {"type": "peek", "blackjack": True},
            {
                "type": "insurance_result",
                "id": 7,
                "amount": 10,
                "payout": 30,
                "balance": 1000,
            },
            hit("KD", "dealer", 21),
            model=dealt(upcard="AC"),
        )
        self.assertTrue(model.dealer_blackjack)
        self.assertEqual(model.balance, 1000)
        self.assertEqual(model.notice, "Insurance pays 30")
        self.assertEqual(model.dealer, Hand(("AC", "KD"), 21))

    def test_insurance_offer_not_affordable_can_only_be_declined(self):
        model = replace(dealt(upcard="AC"), insurance_offer=10)
        me = replace(model.me, balance=5)
        model = replace(model, seats={**model.seats, 7: me})
        self.assertFalse(model.can_insure(True))
        self.assertTrue(model.can_insure(False))


class PlayingHandsTests(SynchronousTestCase):
    """Doubles, splits, surrenders, busts and blackjacks, hand by hand."""

    def test_double_takes_one_card_and_stands(self):
        model = dealt(ann=("5S", "6H"))
        model = play(
            Sent("double"),
            {"type": "double", "id": 7, "hand": 0, "bet": 40, "balance": 960},
            card("9D", 7, 20),
            {"type": "stand", "id": 7, "hand": 0, "reason": "double"},
            model=model,
        )
        hand = model.me.hands[0]
        self.assertEqual(
            (hand.bet, hand.doubled, hand.status, hand.reason),
            (
                40,
                True,
                STOOD,
                "double",
            ),
        )
        self.assertEqual(model.balance, 960)
        self.assertIsNone(model.awaiting)
        self.assertFalse(model.can_act())

    def test_split_to_four_hands_then_no_more(self):
        model = dealt()
        hands_after = [("8S", "3C"), ("8H", "8D")]

        def split(hand, new, first, second, balance):
            return [
                card(first[1], 7, hand_points(first), hand),
                card(second[1], 7, hand_points(second), new),
                {
                    "type": "split",
                    "id": 7,
                    "hand": hand,
                    "new_hand": new,
                    "hands": [
                        {"hand": hand, "cards": list(first),
                         "points": hand_points(first), "bet": 20,
                         "status": "playing"},
                        {"hand": new, "cards": list(second),
                         "points": hand_points(second), "bet": 20,
                         "status": "playing"},
                    ],
                    "balance": balance,
                },
                {"type": "deadline", "id": 7, "hand": hand, "seconds": 30},
                {"type": "deadline", "id": 7, "hand": new, "seconds": 30},
            ]  # fmt: skip

        model = play(*split(0, 1, *hands_after, 960), model=model, now=120)
        me = model.me
        self.assertEqual([h.cards for h in me.hands], [("8S", "3C"), ("8H", "8D")])
        self.assertTrue(all(h.from_split and h.bet == 20 for h in me.hands))
        self.assertEqual(model.balance, 960)
        self.assertEqual(model.active_hand(), 0)
        self.assertFalse(model.can_split())  # 8 3 isn't a pair
        self.assertFalse(model.can_surrender())  # never after a split
        self.assertTrue(model.can_double())  # das
        self.assertFalse(
            play(model=replace(model, rules=Rules(das=False))).can_double()
        )
        model = play(
            {"type": "stand", "id": 7, "hand": 0, "reason": "stand"}, model=model
        )
        self.assertEqual(model.active_hand(), 1)
        self.assertTrue(model.can_split())
        model = play(*split(1, 2, ("8H", "8C"), ("8D", "2S"), 940), model=model)
        model = play(*split(1, 3, ("8H", "9C"), ("8C", "TS"), 920), model=model)
        self.assertEqual(len(model.me.hands), 4)
        self.assertEqual([h.points for h in model.me.hands], [11, 17, 10, 18])
        model = play(*split(1, 3, ("8H", "9C"), ("8C", "TS"), 920), model=model)
        self.assertEqual(len(model.me.hands), 4)
        # A fourth pair couldn't be split: the table allows four hands.
        pair = replace(model.me.hands[1], cards=("9H", "9C"))
        hands = (model.me.hands[0], pair, *model.me.hands[2:])
        four = replace(model, seats={**model.seats, 7: replace(model.me, hands=hands)})
        self.assertEqual(four.active_hand(), 1)
        self.assertFalse(four.can_split())

    def test_split_aces_are_not_split_again_unless_allowed(self):
        model = dealt(ann=("AS", "AH"))
        self.assertTrue(model.can_split())
        split_aces = play(
            {
                "type": "split",
                "id": 7,
                "hand": 0,
                "new_hand": 1,
                "hands": [
                    {"hand": 0, "cards": ["AS", "AD"], "points": 12, "bet": 20,
                     "status": "playing"},
                    {"hand": 1, "cards": ["AH", "9C"], "points": 20, "bet": 20,
                     "status": "playing"},
                ],
                "balance": 960,
            },
            {"type": "deadline", "id": 7, "hand": 0, "seconds": 30},
            model=model,
        )  # fmt: skip
        self.assertTrue(split_aces.me.hands[0].split_aces)
        self.assertFalse(split_aces.can_split())
        self.assertFalse(split_aces.can_double())
        resplit = replace(split_aces, rules=Rules(resplit_aces=True))
        self.assertTrue(resplit.can_split())

    def test_surrender_gives_half_back(self):
        model = play(
            {"type": "surrender", "id": 7, "hand": 0, "refund": 10, "balance": 990},
            model=dealt(ann=("TS", "6H")),
        )
        hand = model.me.hands[0]
        self.assertEqual((hand.status, hand.payout, hand.net), (SURRENDERED, 10, -10))
        self.assertEqual(model.balance, 990)
        self.assertFalse(model.can_act())
        # A later stand or a timeout does not undo it.
        model = play(
            {"type": "stand", "id": 7, "hand": 0, "reason": "timeout"}, model=model
        )
        self.assertEqual(model.me.hands[0].status, SURRENDERED)

    def test_surrender_only_where_the_rules_allow(self):
        self.assertFalse(dealt(surrender=False).can_surrender())
        hit_once = play(card("2C", 7, 18), model=dealt())
        self.assertTrue(hit_once.can_act())
        self.assertFalse(hit_once.can_surrender())
        self.assertFalse(hit_once.can_double())
        self.assertFalse(hit_once.can_split())

    def test_bust_per_hand_and_by_points_for_others(self):
        model = play(
            card("KD", 7, 26),
            {"type": "bust", "id": 7, "hand": 0},
            card("9S", 5, 26),
            model=dealt(),
        )
        self.assertEqual(model.me.hands[0].status, BUST)
        self.assertEqual(model.me.state, BUST)
        self.assertEqual(model.seats[5].hands[0].status, BUST)

    def test_blackjack_stands(self):
        model = play(
            {"type": "stand", "id": 5, "hand": 0, "reason": "blackjack"},
            model=dealt(bob=("AS", "KS")),
        )
        self.assertEqual(model.seats[5].hands[0].status, BLACKJACK_STATUS)


class ResultsTests(SynchronousTestCase):
    """Results per hand, payouts and the balance."""

    def test_results_per_hand_with_payouts_then_the_balance(self):
        model = play(
            card("3C", 7, 11, 0),
            card("9D", 7, 17, 1),
            {
                "type": "split",
                "id": 7,
                "hand": 0,
                "new_hand": 1,
                "hands": [
                    {"hand": 0, "cards": ["8S", "3C"], "points": 11, "bet": 20,
                     "status": "playing"},
                    {"hand": 1, "cards": ["8H", "9D"], "points": 17, "bet": 20,
                     "status": "playing"},
                ],
                "balance": 960,
            },
            {"type": "double", "id": 7, "hand": 0, "bet": 40, "balance": 940},
            card("TH", 7, 21, 0),
            {"type": "stand", "id": 7, "hand": 0, "reason": "double"},
            {"type": "stand", "id": 7, "hand": 1, "reason": "stand"},
            {"type": "stand", "id": 5, "hand": 0, "reason": "stand"},
            hit("TD", "dealer", 16),
            hit("3S", "dealer", 19),
            {"type": "winner", "id": 7, "hand": 0, "payout": 80},
            {"type": "lose", "id": 7, "hand": 1, "payout": 0},
            model=dealt(),
            now=130,
        )  # fmt: skip
        self.assertEqual(model.me.hands[0].result, "win")
        self.assertEqual(model.me.hands[0].net, 40)
        self.assertEqual(model.me.hands[1].net, -20)
        model = play(
            round_over(model, [("win", 80, 1020), ("lose", 0, 1020)]),
            model=model,
            now=140,
        )
        self.assertEqual(model.phase, PHASE_OVER)
        self.assertEqual(model.rounds, 1)
        self.assertEqual(model.next_round_at, 143)
        me = model.me
        self.assertEqual(
            [(h.result, h.payout, h.net) for h in me.hands],
            [
                ("win", 80, 40),
                ("lose", 0, -20),
            ],
        )
        self.assertTrue(me.hands[0].doubled)
        self.assertTrue(me.hands[0].from_split)
        self.assertEqual(me.balance, 1020)
        self.assertEqual((me.result, model.net), ("win", 20))
        self.assertEqual(model.seats[5].result, "lose")
        self.assertEqual(model.seats[5].balance, 770)
        self.assertEqual(model.dealer, Hand(("6C", "TD", "3S"), 19))
        self.assertTrue(all(h.deadline is None for h in me.hands))
        model = play({"type": "balance", "balance": 1020, "net": 20}, model=model)
        self.assertEqual((model.balance, model.net), (1020, 20))
        # Betting opens: the table is cleared, the last bet remembered.
        model = play(betting(), model=model, now=145)
        self.assertEqual(model.phase, PHASE_BETTING)
        self.assertEqual(model.me.hands, ())
        self.assertIsNone(model.me.bet)
        self.assertIsNone(model.me.result)
        self.assertEqual(model.dealer, Hand())
        self.assertEqual(model.last_bet, 20)
        self.assertEqual(model.balance, 1020)

    def test_push_with_payout(self):
        model = play(
            {"type": "push", "id": 7, "hand": 0, "payout": 20},
            model=dealt(),
        )
        self.assertEqual((model.me.hands[0].result, model.me.hands[0].net), ("push", 0))


class CasinoSeatsTests(SynchronousTestCase):
    """Waiting, arriving during betting and leaving mid-round."""

    def test_wait_shows_the_dealer_and_a_hole_card(self):
        model = play(
            {"type": "auth"},
            CASINO_ID,
            {**BOB, "state": "playing", "hand": ["TC", "7D"], "points": 17,
             "hands": [{"hand": 0, "cards": ["TC", "7D"], "points": 17, "bet": 30,
                        "status": "playing"}]},
            {"type": "wait", "message": "you can bet at the next betting phase",
             "dealer": ["AC"]},
        )  # fmt: skip
        self.assertEqual(model.me.state, WAITING)
        self.assertEqual(model.dealer, Hand(("AC",), 11))
        self.assertTrue(model.dealer_hole)
        bob = model.seats[5]
        self.assertEqual(
            (bob.state, bob.bet, bob.hands[0].points, bob.hand.cards),
            (
                PLAYING,
                30,
                17,
                ("TC", "7D"),
            ),
        )
        between = play({"type": "wait", "dealer": ["AC", "9S"]}, model=play(CASINO_ID))
        self.assertEqual((between.dealer.points, between.dealer_hole), (20, False))

    def test_other_players_during_betting_hide_the_last_round(self):
        model = play(
            CASINO_ID,
            {**BOB, "state": "bet", "hands": [{"hand": 0, "cards": ["2C", "3C"],
                                               "points": 5, "bet": 30,
                                               "status": "stood"}]},
        )  # fmt: skip
        bob = model.seats[5]
        self.assertEqual((bob.bet, bob.hands, bob.state), (0, (), WAITING))

    def test_left_mid_round_keeps_the_hands_readable(self):
        model = play({"type": "left", "id": 5}, model=dealt())
        bob = model.seats[5]
        self.assertEqual(bob.state, LEFT)
        self.assertEqual(bob.hands[0].cards, ("TC", "7D"))
        self.assertIsNone(bob.hands[0].deadline)
        self.assertEqual(play(card("2C", 5, 19), model=model).seats[5], bob)
        model = play(betting(), model=model)
        self.assertNotIn(5, model.seats)


class CasinoOddInputTests(SynchronousTestCase):
    """Unknown, out-of-order and malformed messages, disconnects."""

    def test_shuffle_and_unknown_messages(self):
        model = dealt()
        self.assertIn("shuffle", play({"type": "shuffle"}, model=model).notice)
        self.assertEqual(
            play({"type": "tip_the_dealer", "amount": 5}, model=model), model
        )

    def test_out_of_order(self):
        model = dealt()
        # A deadline or a result for a hand never dealt: ignored.
        for message in (
            {"type": "deadline", "id": 7, "hand": 3, "seconds": 30},
            {"type": "winner", "id": 7, "hand": 2, "payout": 40},
            {"type": "stand", "id": 7, "hand": 1, "reason": "stand"},
            {"type": "bust", "id": 7, "hand": 1},
            {"type": "double", "id": 7, "hand": 1, "bet": 40, "balance": 900},
            {"type": "surrender", "id": 7, "hand": 5, "refund": 10, "balance": 900},
        ):
            self.assertEqual(
                play(message, model=model).me.hands, model.me.hands, message
            )
        # A split's new card comes before the split: the hand appears, and the
        # split message then tells both hands as they are.
        early = play(card("2C", 7, 10, 1), model=model)
        self.assertEqual(early.me.hands[1].cards, ("2C",))
        # A bet before id: kept for that player.
        model = play(bet(7, 20, 980), CASINO_ID)
        self.assertEqual(model.me.bet, 20)
        self.assertEqual(model.me.balance, 1000)  # id's word is the later one
        # Messages for players never heard of.
        model = play(bet(42, 10, 90), card("5C", 42, 5), model=dealt())
        self.assertEqual(model.seats[42].hands[0].cards, ("5C",))
        self.assertEqual(play({"type": "sit_out", "id": 99}, model=model), model)
        self.assertEqual(
            play({"type": "insurance", "id": 99, "taken": True}, model=model), model
        )
        # A hole card after the round was settled changes nothing.
        over = replace(model, phase=PHASE_OVER)
        self.assertEqual(play({"type": "hole_card", "id": "dealer"}, model=over), over)

    def test_malformed_casino_messages_change_nothing(self):
        model = dealt()
        for junk in [
            {"type": "betting"},
            {"type": "betting", "seconds": "soon"},
            {"type": "bet", "id": 7},
            {"type": "bet", "id": 7, "amount": "lots"},
            {"type": "insurance_offer", "amount": 10},
            {"type": "insurance_offer", "amount": True, "seconds": 3},
            {"type": "split", "id": 7, "hands": "two"},
            {"type": "split", "id": 7, "hands": [{"hand": "x"}]},
            {"type": "deadline", "id": 7, "hand": -1, "seconds": 3},
            {"type": "deadline", "id": 7, "hand": 99, "seconds": 3},
            {"type": "hit", "card": "2C", "id": 7, "points": 18, "hand": "first"},
            {"type": "balance"},
            {"type": "balance", "balance": None},
            {"type": "round_over", "dealer": {"hand": ["TS"]}, "results": []},
            {"type": "double", "hand": 0},
        ]:
            self.assertEqual(reduce(model, junk), model, junk)

    def test_disconnect_clears_every_timer_and_reconnect_keeps_the_last_bet(self):
        model = replace(dealt(), insurance_offer=10, insurance_until=5.0, last_bet=20)
        model = reduce(model, Disconnected(1006, "connection lost"))
        self.assertEqual(model.connection, DISCONNECTED)
        self.assertTrue(
            all(h.deadline is None for s in model.seats.values() for h in s.hands)
        )
        self.assertEqual((model.insurance_offer, model.betting_until), (None, None))
        self.assertFalse(model.can_act())
        self.assertFalse(model.can_bet(10))
        model = reduce(model, Connecting("ws://h/websocket"))
        self.assertEqual(model.last_bet, 20)
        self.assertEqual(model.seats, {})

    def test_the_casino_types_are_the_tables_messages(self):
        self.assertEqual({
            "betting", "bet", "sit_out", "hole_card", "insurance_offer", "insurance",
            "peek", "insurance_result", "double", "split", "surrender", "balance",
        }, CASINO_TYPES)  # fmt: skip
        self.assertFalse(CASINO_TYPES & KNOWN_TYPES)

    @given(st.lists(casino_message, max_size=30))
    def test_any_casino_sequence_is_survived(self, messages):
        model = play(CASINO_ID, *messages)
        self.assertIsInstance(model, Model)
        model.can_act()
        model.active_hand()
        model.can_double(), model.can_split(), model.can_surrender()
        model.can_bet(), model.can_bet(10), model.can_insure(True)
