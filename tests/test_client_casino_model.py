"""The pygame client's model at casino tables: every message of
``blackjackd/casino_table.py``'s list through the reducer, in order, out of
order, malformed and unknown; and what the player may do when."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_client_model import hit, play

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

RULES = {
    "decks": 6,
    "h17": False,
    "das": True,
    "resplit_aces": False,
    "surrender": True,
    "blackjack_pays": "3:2",
    "max_split_hands": 4,
    "min_bet": 10,
    "max_bet": 500,
    "bet_timeout": 15.0,
}

CASINO_ID = {
    "type": "id",
    "client_id": 7,
    "username": "ann",
    "table": 1,
    "seat": 0,
    "protocol": 1,
    "turn_timeout": 30.0,
    "game": "casino",
    "rules": RULES,
    "balance": 1000,
}

BOB = {
    "type": "other_players",
    "hand": [],
    "id": 5,
    "points": 0,
    "username": "bob",
    "seat": 1,
    "state": "betting",
    "hands": [],
    "balance": 800,
}


def betting(seconds=15):
    return {"type": "betting", "min_bet": 10, "max_bet": 500, "seconds": seconds}


def bet(who, amount, balance):
    return {"type": "bet", "id": who, "amount": amount, "balance": balance}


def card(value, who, points, hand=0):
    return {**hit(value, who, points), "hand": hand}


def at_table(**rules):
    """ann (7) and bob (5) at a casino table, betting open at t=100."""
    return play(
        {"type": "auth"},
        {**CASINO_ID, "rules": {**RULES, **rules}},
        BOB,
        betting(),
        now=100.0,
    )


def dealt(ann=("8S", "8H"), bob=("TC", "7D"), upcard="6C", model=None, **rules):
    """Both bet 20 and 30; the cards are dealt; play begins (no peek)."""
    model = play(bet(7, 20, 980), bet(5, 30, 770), model=model or at_table(**rules))
    a1, a2 = ann
    b1, b2 = bob
    return play(
        {"type": "restart"},
        card(a1, 7, hand_points((a1,))),
        card(b1, 5, hand_points((b1,))),
        hit(upcard, "dealer", hand_points((upcard,))),
        card(a2, 7, hand_points(ann)),
        card(b2, 5, hand_points(bob)),
        {"type": "hole_card", "id": "dealer"},
        {"type": "deadline", "id": 7, "hand": 0, "seconds": 30},
        {"type": "deadline", "id": 5, "hand": 0, "seconds": 30},
        model=model,
        now=110.0,
    )


def test_id_tells_the_game_the_rules_and_the_balance():
    model = at_table()
    assert model.game == GAME_CASINO and model.casino
    assert model.rules == Rules(surrender=True, bet_timeout=15.0)
    assert model.balance == 1000
    bob = model.seats[5]
    assert (bob.name, bob.seat, bob.balance, bob.bet, bob.state) == (
        "bob",
        1,
        800,
        None,
        WAITING,
    )


def test_a_classic_id_is_classic():
    model = play({"type": "auth"}, {**CASINO_ID, "game": None})
    assert model.game == GAME_CLASSIC
    assert model.rules == Rules()
    assert model.balance is None
    assert not model.can_bet(10)


@pytest.mark.parametrize(
    "rules",
    [None, "3:2", [], {"min_bet": "ten", "max_bet": True, "das": 1}, {"min_bet": 0}],
)
def test_odd_rules_keep_the_defaults(rules):
    model = play({**CASINO_ID, "rules": rules})
    assert model.rules == Rules()


def test_max_bet_below_min_bet_is_not_believed():
    model = play({**CASINO_ID, "rules": {"min_bet": 50, "max_bet": 20}})
    assert (model.rules.min_bet, model.rules.max_bet) == (50, 50)


def test_betting_then_bets():
    model = at_table()
    assert model.phase == PHASE_BETTING
    assert model.betting_until == 115.0
    assert model.can_bet() and model.can_bet(10) and model.can_bet(500)
    assert not model.can_bet(5) and not model.can_bet(501)
    assert not model.can_act()
    model = reduce(model, Sent("bet"))
    assert not model.can_bet(10)  # the answer hasn't come
    model = play(bet(7, 25, 975), model=model)
    assert (model.me.bet, model.balance, model.last_bet, model.awaiting) == (
        25,
        975,
        25,
        None,
    )
    assert not model.can_bet(10)  # one bet a round
    model = play(bet(5, 100, 700), model=model)
    assert (model.seats[5].bet, model.seats[5].balance) == (100, 700)


def test_a_bet_beyond_the_balance_is_not_offered():
    model = play({**CASINO_ID, "balance": 40}, betting(), model=play({"type": "auth"}))
    assert model.can_bet(40) and not model.can_bet(100)
    broke = play({**CASINO_ID, "balance": 5}, betting())
    assert not broke.can_bet()


def test_sit_out_then_restart_leaves_them_waiting():
    model = play(
        bet(7, 20, 980),
        {"type": "sit_out", "id": 5},
        {"type": "restart"},
        card("TS", 7, 10),
        model=at_table(),
    )
    bob = model.seats[5]
    assert (bob.sitting_out, bob.state, bob.hands) == (True, WAITING, ())
    assert model.me.state == PLAYING
    assert model.me.hands == (Hand(("TS",), 10, bet=20, status=PLAYING),)
    assert model.me.hand == model.me.hands[0]


def test_the_deal_with_a_hole_card_then_the_dealer_plays():
    model = dealt()
    assert model.phase == PHASE_PLAYING
    assert model.dealer == Hand(("6C",), 6)
    assert model.dealer_hole
    me = model.me
    assert me.hands[0].cards == ("8S", "8H") and me.hands[0].points == 16
    assert me.hands[0].deadline == 140.0
    assert me.state == PLAYING
    assert model.active_hand() == 0
    assert model.can_act()
    assert model.can_double() and model.can_split() and model.can_surrender()
    model = play(
        {"type": "stand", "id": 7, "hand": 0, "reason": "stand"},
        {"type": "stand", "id": 5, "hand": 0, "reason": "stand"},
        hit("TD", "dealer", 16),
        model=model,
    )
    assert model.me.state == STOOD
    assert model.me.hands[0].reason == "stand"
    assert not model.dealer_hole
    assert model.phase == PHASE_DEALER
    assert model.dealer == Hand(("6C", "TD"), 16)
    model = play(hit("5S", "dealer", 21), model=model)
    assert model.dealer.cards == ("6C", "TD", "5S")


def test_insurance_offer_taken_then_lost_at_the_peek():
    model = dealt(upcard="AC")
    model = play(
        {"type": "insurance_offer", "amount": 10, "seconds": 30}, model=model, now=111
    )
    assert model.phase == PHASE_INSURANCE
    assert (model.insurance_offer, model.insurance_until) == (10, 141)
    # Hands wait for the peek: no hitting while insurance is open.
    assert not model.can_act()
    assert model.can_insure(True) and model.can_insure(False)
    model = reduce(model, Sent("insurance"))
    assert not model.can_insure(False)
    model = play(
        {"type": "insurance", "id": 7, "taken": True, "amount": 10, "balance": 970},
        {"type": "insurance", "id": 5, "taken": False, "amount": 0, "balance": 770},
        model=model,
    )
    assert model.insurance_offer is None
    assert (model.me.insurance, model.balance) == (10, 970)
    assert model.seats[5].insurance == 0
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
    assert model.phase == PHASE_PLAYING
    assert "Insurance lost" in model.notice
    assert model.can_act()


def test_insurance_pays_on_a_dealer_blackjack():
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
    assert model.dealer_blackjack
    assert model.balance == 1000
    assert model.notice == "Insurance pays 30"
    assert model.dealer == Hand(("AC", "KD"), 21)


def test_insurance_offer_not_affordable_can_only_be_declined():
    model = replace(dealt(upcard="AC"), insurance_offer=10)
    me = replace(model.me, balance=5)
    model = replace(model, seats={**model.seats, 7: me})
    assert not model.can_insure(True)
    assert model.can_insure(False)


def test_double_takes_one_card_and_stands():
    model = dealt(ann=("5S", "6H"))
    model = play(
        Sent("double"),
        {"type": "double", "id": 7, "hand": 0, "bet": 40, "balance": 960},
        card("9D", 7, 20),
        {"type": "stand", "id": 7, "hand": 0, "reason": "double"},
        model=model,
    )
    hand = model.me.hands[0]
    assert (hand.bet, hand.doubled, hand.status, hand.reason) == (
        40,
        True,
        STOOD,
        "double",
    )
    assert model.balance == 960
    assert model.awaiting is None
    assert not model.can_act()


def test_split_to_four_hands_then_no_more():
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
                    {"hand": hand, "cards": list(first), "points": hand_points(first),
                     "bet": 20, "status": "playing"},
                    {"hand": new, "cards": list(second), "points": hand_points(second),
                     "bet": 20, "status": "playing"},
                ],
                "balance": balance,
            },
            {"type": "deadline", "id": 7, "hand": hand, "seconds": 30},
            {"type": "deadline", "id": 7, "hand": new, "seconds": 30},
        ]  # fmt: skip

    model = play(*split(0, 1, *hands_after, 960), model=model, now=120)
    me = model.me
    assert [h.cards for h in me.hands] == [("8S", "3C"), ("8H", "8D")]
    assert all(h.from_split and h.bet == 20 for h in me.hands)
    assert model.balance == 960
    assert model.active_hand() == 0
    assert not model.can_split()  # 8 3 isn't a pair
    assert not model.can_surrender()  # never after a split
    assert model.can_double()  # das
    assert not play(model=replace(model, rules=Rules(das=False))).can_double()
    model = play({"type": "stand", "id": 7, "hand": 0, "reason": "stand"}, model=model)
    assert model.active_hand() == 1
    assert model.can_split()
    model = play(*split(1, 2, ("8H", "8C"), ("8D", "2S"), 940), model=model)
    model = play(*split(1, 3, ("8H", "9C"), ("8C", "TS"), 920), model=model)
    assert len(model.me.hands) == 4
    assert [h.points for h in model.me.hands] == [11, 17, 10, 18]
    model = play(*split(1, 3, ("8H", "9C"), ("8C", "TS"), 920), model=model)
    assert len(model.me.hands) == 4
    # A fourth pair couldn't be split: the table allows four hands.
    pair = replace(model.me.hands[1], cards=("9H", "9C"))
    hands = (model.me.hands[0], pair, *model.me.hands[2:])
    four = replace(model, seats={**model.seats, 7: replace(model.me, hands=hands)})
    assert four.active_hand() == 1 and not four.can_split()


def test_split_aces_are_not_split_again_unless_allowed():
    model = dealt(ann=("AS", "AH"))
    assert model.can_split()
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
    assert split_aces.me.hands[0].split_aces
    assert not split_aces.can_split() and not split_aces.can_double()
    resplit = replace(split_aces, rules=Rules(resplit_aces=True))
    assert resplit.can_split()


def test_surrender_gives_half_back():
    model = play(
        {"type": "surrender", "id": 7, "hand": 0, "refund": 10, "balance": 990},
        model=dealt(ann=("TS", "6H")),
    )
    hand = model.me.hands[0]
    assert (hand.status, hand.payout, hand.net) == (SURRENDERED, 10, -10)
    assert model.balance == 990
    assert not model.can_act()
    # A later stand or a timeout does not undo it.
    model = play(
        {"type": "stand", "id": 7, "hand": 0, "reason": "timeout"}, model=model
    )
    assert model.me.hands[0].status == SURRENDERED


def test_surrender_only_where_the_rules_allow():
    assert not dealt(surrender=False).can_surrender()
    hit_once = play(card("2C", 7, 18), model=dealt())
    assert hit_once.can_act() and not hit_once.can_surrender()
    assert not hit_once.can_double() and not hit_once.can_split()


def test_bust_per_hand_and_by_points_for_others():
    model = play(
        card("KD", 7, 26),
        {"type": "bust", "id": 7, "hand": 0},
        card("9S", 5, 26),
        model=dealt(),
    )
    assert model.me.hands[0].status == BUST
    assert model.me.state == BUST
    assert model.seats[5].hands[0].status == BUST


def test_blackjack_stands():
    model = play(
        {"type": "stand", "id": 5, "hand": 0, "reason": "blackjack"},
        model=dealt(bob=("AS", "KS")),
    )
    assert model.seats[5].hands[0].status == BLACKJACK_STATUS


def round_over(model, ann_results, bob_result=("lose", 0, 770)):
    pairs = zip(model.me.hands, ann_results, strict=True)
    results = [
        {"id": 7, "username": "ann", "index": i, "hand": list(h.cards),
         "points": h.points, "bet": h.bet, "result": r, "blackjack": False,
         "doubled": h.doubled, "surrendered": h.status == SURRENDERED,
         "payout": p, "balance": b}
        for i, (h, (r, p, b)) in enumerate(pairs)
    ]  # fmt: skip
    bob = model.seats[5].hands[0]
    result, payout, balance = bob_result
    results.append(
        {"id": 5, "username": "bob", "index": 0, "hand": list(bob.cards),
         "points": bob.points, "bet": bob.bet, "result": result, "blackjack": False,
         "doubled": False, "surrendered": False, "payout": payout,
         "balance": balance}
    )  # fmt: skip
    return {
        "type": "round_over",
        "dealer": {"hand": ["6C", "TD", "3S"], "points": 19, "blackjack": False},
        "results": results,
        "next_round_in": 3.0,
    }


def test_results_per_hand_with_payouts_then_the_balance():
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
    assert model.me.hands[0].result == "win" and model.me.hands[0].net == 40
    assert model.me.hands[1].net == -20
    model = play(
        round_over(model, [("win", 80, 1020), ("lose", 0, 1020)]),
        model=model,
        now=140,
    )
    assert model.phase == PHASE_OVER
    assert model.rounds == 1
    assert model.next_round_at == 143
    me = model.me
    assert [(h.result, h.payout, h.net) for h in me.hands] == [
        ("win", 80, 40),
        ("lose", 0, -20),
    ]
    assert me.hands[0].doubled and me.hands[0].from_split
    assert me.balance == 1020
    assert (me.result, model.net) == ("win", 20)
    assert model.seats[5].result == "lose"
    assert model.seats[5].balance == 770
    assert model.dealer == Hand(("6C", "TD", "3S"), 19)
    assert all(h.deadline is None for h in me.hands)
    model = play({"type": "balance", "balance": 1020, "net": 20}, model=model)
    assert (model.balance, model.net) == (1020, 20)
    # Betting opens: the table is cleared, the last bet remembered.
    model = play(betting(), model=model, now=145)
    assert model.phase == PHASE_BETTING
    assert model.me.hands == () and model.me.bet is None and model.me.result is None
    assert model.dealer == Hand()
    assert model.last_bet == 20
    assert model.balance == 1020


def test_push_with_payout():
    model = play(
        {"type": "push", "id": 7, "hand": 0, "payout": 20},
        model=dealt(),
    )
    assert (model.me.hands[0].result, model.me.hands[0].net) == ("push", 0)


def test_wait_shows_the_dealer_and_a_hole_card():
    model = play(
        {"type": "auth"},
        CASINO_ID,
        {**BOB, "state": "playing", "hand": ["TC", "7D"], "points": 17,
         "hands": [{"hand": 0, "cards": ["TC", "7D"], "points": 17, "bet": 30,
                    "status": "playing"}]},
        {"type": "wait", "message": "you can bet at the next betting phase",
         "dealer": ["AC"]},
    )  # fmt: skip
    assert model.me.state == WAITING
    assert model.dealer == Hand(("AC",), 11)
    assert model.dealer_hole
    bob = model.seats[5]
    assert (bob.state, bob.bet, bob.hands[0].points, bob.hand.cards) == (
        PLAYING,
        30,
        17,
        ("TC", "7D"),
    )
    between = play({"type": "wait", "dealer": ["AC", "9S"]}, model=play(CASINO_ID))
    assert (between.dealer.points, between.dealer_hole) == (20, False)


def test_other_players_during_betting_hide_the_last_round():
    model = play(
        CASINO_ID,
        {**BOB, "state": "bet", "hands": [{"hand": 0, "cards": ["2C", "3C"],
                                           "points": 5, "bet": 30,
                                           "status": "stood"}]},
    )  # fmt: skip
    bob = model.seats[5]
    assert (bob.bet, bob.hands, bob.state) == (0, (), WAITING)


def test_left_mid_round_keeps_the_hands_readable():
    model = play({"type": "left", "id": 5}, model=dealt())
    bob = model.seats[5]
    assert bob.state == LEFT
    assert bob.hands[0].cards == ("TC", "7D") and bob.hands[0].deadline is None
    assert play(card("2C", 5, 19), model=model).seats[5] == bob
    model = play(betting(), model=model)
    assert 5 not in model.seats


def test_shuffle_and_unknown_messages():
    model = dealt()
    assert "shuffle" in play({"type": "shuffle"}, model=model).notice
    assert play({"type": "tip_the_dealer", "amount": 5}, model=model) == model


def test_out_of_order():
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
        assert play(message, model=model).me.hands == model.me.hands, message
    # A split's new card comes before the split: the hand appears, and the
    # split message then tells both hands as they are.
    early = play(card("2C", 7, 10, 1), model=model)
    assert early.me.hands[1].cards == ("2C",)
    # A bet before id: kept for that player.
    model = play(bet(7, 20, 980), CASINO_ID)
    assert model.me.bet == 20
    assert model.me.balance == 1000  # id's word is the later one
    # Messages for players never heard of.
    model = play(bet(42, 10, 90), card("5C", 42, 5), model=dealt())
    assert model.seats[42].hands[0].cards == ("5C",)
    assert play({"type": "sit_out", "id": 99}, model=model) == model
    assert play({"type": "insurance", "id": 99, "taken": True}, model=model) == model
    # A hole card after the round was settled changes nothing.
    over = replace(model, phase=PHASE_OVER)
    assert play({"type": "hole_card", "id": "dealer"}, model=over) == over


def test_malformed_casino_messages_change_nothing():
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
        assert reduce(model, junk) == model, junk


def test_disconnect_clears_every_timer_and_reconnect_keeps_the_last_bet():
    model = replace(dealt(), insurance_offer=10, insurance_until=5.0, last_bet=20)
    model = reduce(model, Disconnected(1006, "connection lost"))
    assert model.connection == DISCONNECTED
    assert all(h.deadline is None for s in model.seats.values() for h in s.hands)
    assert (model.insurance_offer, model.betting_until) == (None, None)
    assert not model.can_act() and not model.can_bet(10)
    model = reduce(model, Connecting("ws://h/websocket"))
    assert model.last_bet == 20 and model.seats == {}


def test_the_casino_types_are_the_tables_messages():
    assert {
        "betting", "bet", "sit_out", "hole_card", "insurance_offer", "insurance",
        "peek", "insurance_result", "double", "split", "surrender", "balance",
    } == CASINO_TYPES  # fmt: skip
    assert not CASINO_TYPES & KNOWN_TYPES


_who = st.one_of(st.sampled_from([5, 7, 8, "dealer"]), st.integers(), st.none())
_number = st.one_of(st.integers(-3, 40), st.none(), st.just("x"), st.just(True))
_casino_message = st.builds(
    lambda t, who, n, i: {
        "type": t,
        "id": who,
        "message": who,
        "client_id": who,
        "card": "8S",
        "points": n,
        "seconds": n,
        "amount": n,
        "balance": n,
        "bet": n,
        "payout": n,
        "refund": n,
        "net": n,
        "taken": True,
        "blackjack": False,
        "hand": i,
        "new_hand": i,
        "index": i,
        "game": "casino",
        "rules": {"min_bet": n},
        "hands": [
            {
                "hand": i,
                "cards": ["8S", "8H"],
                "points": n,
                "bet": n,
                "status": "playing",
            }
        ],
        "dealer": {"hand": ["TS"], "points": n},
        "results": [
            {
                "id": who,
                "index": i,
                "result": "win",
                "hand": ["TS"],
                "points": n,
                "bet": n,
                "payout": n,
                "balance": n,
            }
        ],
        "state": "playing",
    },
    st.sampled_from(sorted(KNOWN_TYPES | CASINO_TYPES)),
    _who,
    _number,
    _number,
)


@given(st.lists(_casino_message, max_size=30))
def test_any_casino_sequence_is_survived(messages):
    model = play(CASINO_ID, *messages)
    assert isinstance(model, Model)
    model.can_act()
    model.active_hand()
    model.can_double(), model.can_split(), model.can_surrender()
    model.can_bet(), model.can_bet(10), model.can_insure(True)
