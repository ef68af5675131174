"""The pygame client's view at casino tables, headless: betting, insurance,
split hands, results, at two sizes with 1 to 7 seats; which buttons work
when; the hole card face down; the words of the banner."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import pygame
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_client_casino_model import (
    CASINO_ID,
    RULES,
    _casino_message,
    at_table,
    bet,
    betting,
    card,
    dealt,
    round_over,
)
from test_client_model import hit, play

from blackjack_client import view
from blackjack_client.model import (
    Connecting,
    Disconnected,
    Hand,
    Model,
    Rules,
    Sent,
    chip_values,
    rebet_amount,
    reduce,
)
from blackjack_client.view.words import hand_badge
from blackjackd.cards import points as hand_points

SIZES = [(800, 600), (1280, 720)]


def split_message(hand, new, first, second, balance, who=7, stake=20):
    return {
        "type": "split",
        "id": who,
        "hand": hand,
        "new_hand": new,
        "hands": [
            {"hand": hand, "cards": list(first), "points": hand_points(first),
             "bet": stake, "status": "playing"},
            {"hand": new, "cards": list(second), "points": hand_points(second),
             "bet": stake, "status": "playing"},
        ],
        "balance": balance,
    }  # fmt: skip


def deadlines(*hands, who=7):
    return [{"type": "deadline", "id": who, "hand": h, "seconds": 30} for h in hands]


def split_to_four(model):
    return play(
        split_message(0, 1, ("8S", "8C"), ("8H", "3D"), 960),
        split_message(0, 2, ("8S", "8D"), ("8C", "2H"), 940),
        split_message(0, 3, ("8S", "TC"), ("8D", "9S"), 920),
        *deadlines(0, 1, 2, 3),
        model=model,
        now=112,
    )


def settled(model):
    stands = [
        {"type": "stand", "id": 7, "hand": i, "reason": "stand"}
        for i in range(len(model.me.hands))
    ]
    model = play(
        *stands,
        {"type": "stand", "id": 5, "hand": 0, "reason": "stand"},
        hit("TD", "dealer", 16),
        hit("3S", "dealer", 19),
        model=model,
    )
    results = [("win", 2 * h.bet, 1000) for h in model.me.hands]
    results[-1] = ("lose", 0, 1000)
    if len(results) > 2:
        results[1] = ("push", model.me.hands[1].bet, 1000)
    return play(
        round_over(model, results),
        {"type": "balance", "balance": 1000, "net": 0},
        model=model,
        now=130,
    )


def states() -> dict[str, Model]:
    deal = dealt()
    offer = play(
        {"type": "insurance_offer", "amount": 10, "seconds": 30},
        model=dealt(upcard="AC"),
        now=111,
    )
    four = split_to_four(deal)
    doubled = play(
        {"type": "double", "id": 7, "hand": 0, "bet": 40, "balance": 960},
        card("9D", 7, 20),
        {"type": "stand", "id": 7, "hand": 0, "reason": "double"},
        model=dealt(ann=("5S", "6H")),
    )
    return {
        "betting": at_table(),
        "bet placed": play(bet(7, 25, 975), bet(5, 500, 300), model=at_table()),
        "insurance offer": offer,
        "insurance answered": play(
            {"type": "insurance", "id": 7, "taken": True, "amount": 10, "balance": 970},
            model=offer,
        ),
        "deal": deal,
        "awaiting": reduce(deal, Sent("hit")),
        "split to four": four,
        "four settled": settled(four),
        "doubled": doubled,
        "surrendered": play(
            {"type": "surrender", "id": 7, "hand": 0, "refund": 10, "balance": 990},
            model=dealt(ann=("TS", "6H")),
        ),
        "bust": play(
            card("KD", 7, 26), {"type": "bust", "id": 7, "hand": 0}, model=deal
        ),
        "blackjack": play(
            {"type": "stand", "id": 7, "hand": 0, "reason": "blackjack"},
            model=dealt(ann=("AS", "KS")),
        ),
        "over": settled(deal),
        "dealer blackjack": play(
            {"type": "peek", "blackjack": True},
            hit("KD", "dealer", 21),
            {
                "type": "round_over",
                "dealer": {"hand": ["AC", "KD"], "points": 21, "blackjack": True},
                "results": [],
                "next_round_in": 3,
            },
            model=dealt(upcard="AC"),
        ),
        "sits out": play(
            bet(5, 30, 770),
            {"type": "sit_out", "id": 7},
            {"type": "restart"},
            card("TC", 5, 10),
            model=at_table(),
        ),
        "waiting": play(
            {"type": "auth"},
            CASINO_ID,
            {
                "type": "wait",
                "message": "you can bet at the next betting phase",
                "dealer": ["9C"],
            },
        ),
        "left": play({"type": "left", "id": 5}, model=deal),
        "error": play(
            {"type": "error", "status_code": 402, "message": "not enough chips"},
            model=at_table(),
        ),
        "disconnected": reduce(deal, Disconnected(1006, "connection lost")),
        "broke": play({**CASINO_ID, "balance": 0}, betting()),
        "huge limits": play(
            {
                **CASINO_ID,
                "rules": {**RULES, "min_bet": 1, "max_bet": 100000},
                "balance": 123456789,
            },
            betting(),
        ),
    }


@pytest.fixture(scope="module", autouse=True)
def fonts():
    pygame.font.init()
    yield


ALL = states()


@pytest.mark.parametrize("size", [*SIZES, (1024, 768), (640, 480)], ids=str)
@pytest.mark.parametrize("name", list(ALL))
def test_every_casino_state_draws(name, size):
    surface = pygame.Surface(size)
    shown = view.draw(surface, ALL[name], now=115.0, mouse=(size[0] // 2, size[1] - 60))
    assert shown
    for button in shown:
        assert surface.get_rect().contains(button.rect), button
    for left, right in pairwise(b for b in shown if b.action != "reconnect"):
        assert left.rect.right <= right.rect.left, (left, right)


def crowded(seats: int, hands: int) -> Model:
    """A casino table of ``seats`` players; each holds ``hands`` hands."""
    model = play({"type": "auth"}, {**CASINO_ID, "seat": seats - 1})
    for seat in range(seats - 1):
        model = play(
            {"type": "new_client", "message": 100 + seat,
             "username": f"player with a long name {seat}", "seat": seat},
            model=model,
        )  # fmt: skip
    pids = [100 + seat for seat in range(seats - 1)] + [7]
    model = play(
        *[bet(pid, 100, 9900) for pid in pids], {"type": "restart"}, model=model
    )
    for pid in pids:
        model = play(card("8S", pid, 8), card("8H", pid, 16), model=model)
        for new in range(1, hands):
            model = play(
                split_message(0, new, ("8S", "8C"), ("8H", "5D"), 9000, who=pid,
                              stake=100),
                model=model,
            )  # fmt: skip
        model = play(*deadlines(*range(hands), who=pid), model=model, now=100)
    return model


@pytest.mark.parametrize("hands", [1, 2, 4])
@pytest.mark.parametrize("seats", range(1, 8))
@pytest.mark.parametrize("size", SIZES, ids=str)
def test_every_seat_count_with_split_hands_fits(seats, hands, size):
    model = crowded(seats, hands)
    assert len(model.me.hands) == hands
    surface = pygame.Surface(size)
    view.draw(surface, model, now=105.0)
    view.draw(surface, settled_crowd(model), now=105.0)
    lay = view.layout(size)
    slots = view.seat_slots(model)
    weights = view.seat_weights(model, slots)
    assert weights == [min(2.0, 1 + 0.4 * (hands - 1))] * seats
    rects = view.seat_rects(lay.seats, seats, lay.scale, weights)
    for rect in rects:
        assert lay.seats.contains(rect)
    for left, right in pairwise(rects):
        assert left.right <= right.left


def test_a_seat_with_split_hands_is_wider():
    model = split_to_four(dealt())
    lay = view.layout((1024, 720))
    slots = view.seat_slots(model)
    assert view.seat_weights(model, slots) == [2.0, 1.0]
    mine, bobs = view.seat_rects(
        lay.seats, 2, lay.scale, view.seat_weights(model, slots)
    )
    assert mine.width > bobs.width


def settled_crowd(model: Model) -> Model:
    results = []
    for seat in model.seats.values():
        for index, hand in enumerate(seat.hands):
            results.append(
                {"id": seat.player_id, "index": index, "hand": list(hand.cards),
                 "points": hand.points, "bet": hand.bet,
                 "result": ("win", "lose", "push")[index % 3],
                 "payout": (200, 0, 100)[index % 3], "balance": 9999}
            )  # fmt: skip
    return play(
        {"type": "round_over", "dealer": {"hand": ["TS", "7C"], "points": 17},
         "results": results, "next_round_in": 3},
        model=model,
    )  # fmt: skip


def enabled(model: Model, size=(800, 600)) -> dict[str, bool]:
    return {
        (b.action if b.amount is None or b.kind == "chip" else "rebet")
        + (f":{b.amount}" if b.kind == "chip" else ""): b.enabled
        for b in view.buttons(model, size)
    }


def test_chips_and_bet_while_betting():
    assert enabled(ALL["betting"]) == {
        "bet:10": True,
        "bet:25": True,
        "bet:50": True,
        "bet:100": True,
        "bet:500": True,
        "rebet": True,
    }
    assert not any(enabled(ALL["bet placed"]).values())
    assert not any(enabled(ALL["broke"]).values())
    poor = play({**CASINO_ID, "balance": 60}, betting())
    assert enabled(poor) == {
        "bet:10": True,
        "bet:25": True,
        "bet:50": True,
        "bet:100": False,
        "bet:500": False,
        "rebet": True,
    }
    labels = [b.label for b in view.buttons(ALL["betting"], (800, 600))]
    assert labels == [
        "10  (1)",
        "25  (2)",
        "50  (3)",
        "100  (4)",
        "500  (5)",
        "Bet 10  (B)",
    ]


def test_b_bets_the_last_bet_again_when_it_is_allowed():
    model = replace(ALL["betting"], last_bet=100)
    assert rebet_amount(model) == 100
    assert view.buttons(model, (800, 600))[-1].label == "Bet 100  (B)"
    assert rebet_amount(replace(model, last_bet=5000)) == 10
    me = replace(model.me, balance=50)
    assert rebet_amount(replace(model, seats={**model.seats, 7: me})) == 10


@pytest.mark.parametrize(
    ("low", "high", "chips"),
    [
        (10, 500, [10, 25, 50, 100, 500]),
        (5, 5, [5]),
        (15, 200, [15, 25, 50, 100]),
        (1, 100000, [1, 5, 25, 500, 5000]),
        (2000, 10000, [2000, 5000]),
    ],
)
def test_chip_values(low, high, chips):
    assert chip_values(low, high) == chips


def test_insurance_buttons_only_while_offered():
    assert enabled(ALL["insurance offer"]) == {"insure": True, "decline": True}
    assert [b.label for b in view.buttons(ALL["insurance offer"], (800, 600))] == [
        "Insure 10  (I)",
        "No insurance  (N)",
    ]
    answered = enabled(ALL["insurance answered"])
    assert not any(answered.values())
    assert "insure" not in answered


def test_play_buttons_follow_the_rules_and_the_hand():
    assert enabled(ALL["deal"]) == {
        "hit": True,
        "stand": True,
        "double": True,
        "split": True,
        "surrender": True,
    }
    no_surrender = replace(ALL["deal"], rules=Rules(surrender=False))
    assert enabled(no_surrender)["surrender"] is False
    not_a_pair = dealt(ann=("TS", "6H"))
    assert enabled(not_a_pair)["split"] is False
    after_split = enabled(ALL["split to four"])
    assert after_split == {
        "hit": True,
        "stand": True,
        "double": True,  # das
        "split": False,  # four hands: the table's most
        "surrender": False,  # never after a split
    }
    for name in ("awaiting", "doubled", "surrendered", "bust", "blackjack"):
        assert not any(enabled(ALL[name]).values()), name
    lost = enabled(ALL["disconnected"])
    assert lost.pop("reconnect") is True
    assert not any(lost.values())
    labels = [b.label for b in view.buttons(ALL["deal"], (800, 600))]
    assert labels == [
        "Hit  (H)",
        "Stand  (S)",
        "Double  (D)",
        "Split  (P)",
        "Surrender  (U)",
    ]


def test_the_hole_card_is_drawn_face_down():
    def backs(model):
        surface = pygame.Surface((800, 600))
        view.draw(surface, model)
        dealer = view.layout((800, 600)).dealer
        return sum(
            surface.get_at((x, y))[:3] == view.BACK
            for x in range(dealer.left, dealer.right, 2)
            for y in range(dealer.top, dealer.bottom, 2)
        )

    assert backs(ALL["deal"]) > 100
    assert backs(ALL["over"]) == 0
    revealed = play(hit("TD", "dealer", 16), model=ALL["deal"])
    assert backs(revealed) == 0


def test_the_active_hand_is_framed():
    model = ALL["split to four"]
    assert model.active_hand() == 0
    model = play({"type": "stand", "id": 7, "hand": 0, "reason": "stand"}, model=model)
    assert model.active_hand() == 1
    assert view.banner_text(model, 112)[0].startswith("Your move on hand 2: Hit")


def test_casino_banner():
    words = {name: view.banner_text(model, 115.0)[0] for name, model in ALL.items()}
    assert words["betting"] == "Place your bet: 10 to 500 chips  (0 s)"
    assert view.banner_text(ALL["betting"], 103.2)[0].endswith("(12 s)")
    assert words["bet placed"].startswith("You bet 25. Waiting for the other bets")
    assert words["broke"].startswith("Not enough chips")
    assert words["insurance offer"].startswith("Ace up: insurance costs 10")
    assert words["insurance answered"] == "Waiting for the insurance answers"
    assert words["deal"] == (
        "Your move: Hit, Stand, Double, Split or Surrender  (25 s)"
    )
    assert words["doubled"] == "Waiting for the other hands"
    assert words["over"].startswith("Dealer has 19.  Push  Bets open in")
    assert words["four settled"].startswith("Dealer has 19.")
    assert words["dealer blackjack"].startswith("Dealer has blackjack.")
    assert words["sits out"].startswith("You sit this round out")
    assert words["waiting"].startswith("You can bet when the next round opens")
    won = replace(ALL["over"], net=40, seats={
        **ALL["over"].seats, 7: replace(ALL["over"].me, result="win")
    })  # fmt: skip
    assert (
        view.banner_text(won, 130)[0] == "Dealer has 19.  You win +40  Bets open in 3 s"
    )


def test_hand_badges_say_bet_and_payout():
    assert hand_badge(Hand(bet=20, status="playing"))[0] == "bet 20"
    assert hand_badge(Hand(bet=40, status="stood", doubled=True))[0] == ("bet 40  x2")
    assert hand_badge(Hand(bet=20, result="win", payout=50))[0] == "+30"
    assert hand_badge(Hand(bet=20, result="lose", payout=0))[0] == "-20"
    assert hand_badge(Hand(bet=20, result="push", payout=20))[0] == "push"
    assert hand_badge(Hand(bet=20, status="surrendered", payout=10))[0] == (
        "gave up -10"
    )


def test_classic_tables_keep_their_two_buttons():
    classic = play({"type": "auth"}, {**CASINO_ID, "game": "classic"})
    assert [b.action for b in view.buttons(classic, (800, 600))] == ["hit", "stand"]
    fresh = reduce(Model(), Connecting("ws://h/websocket"))
    assert [b.action for b in view.buttons(fresh, (800, 600))] == ["hit", "stand"]


@settings(max_examples=60, deadline=None)
@given(st.lists(_casino_message, max_size=25), st.sampled_from(SIZES))
def test_any_casino_sequence_is_drawn(messages, size):
    model = play({"type": "auth"}, CASINO_ID, *messages, now=100.0)
    surface = pygame.Surface(size)
    for button in view.draw(surface, model, now=101.0):
        assert surface.get_rect().contains(button.rect)
    view.banner_text(model, 500.0)
