"""The pygame client's view at casino tables, headless: betting, insurance,
split hands, results, at two sizes with 1 to 7 seats; which buttons work
when; the hole card face down; the words of the banner."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import pygame
from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

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
from tests.client_messages import (
    CASINO_ID,
    RULES,
    at_table,
    bet,
    betting,
    card,
    casino_message,
    deadlines,
    dealt,
    hit,
    play,
    round_over,
    split_message,
)

SIZES = [(800, 600), (1280, 720)]


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


ALL = states()


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


class ViewTestCase(SynchronousTestCase):
    """Draws with pygame's fonts ready."""

    def setUp(self):
        pygame.font.init()


class CasinoLayoutTests(ViewTestCase):
    """Every casino state drawn at every size; seats with split hands fitting."""

    def test_every_casino_state_draws(self):
        for size in [*SIZES, (1024, 768), (640, 480)]:
            for name in list(ALL):
                case = f"{name} at {size}"
                surface = pygame.Surface(size)
                shown = view.draw(
                    surface, ALL[name], now=115.0, mouse=(size[0] // 2, size[1] - 60)
                )
                self.assertTrue(shown, case)
                for button in shown:
                    self.assertTrue(
                        surface.get_rect().contains(button.rect), f"{case}: {button}"
                    )
                for left, right in pairwise(
                    b for b in shown if b.action != "reconnect"
                ):
                    self.assertLessEqual(
                        left.rect.right, right.rect.left, f"{case}: {left}, {right}"
                    )

    def test_every_seat_count_with_split_hands_fits(self):
        for hands in [1, 2, 4]:
            for seats in range(1, 8):
                for size in SIZES:
                    case = f"{seats} seats, {hands} hands each, at {size}"
                    model = crowded(seats, hands)
                    self.assertEqual(len(model.me.hands), hands, case)
                    surface = pygame.Surface(size)
                    view.draw(surface, model, now=105.0)
                    view.draw(surface, settled_crowd(model), now=105.0)
                    lay = view.layout(size)
                    slots = view.seat_slots(model)
                    weights = view.seat_weights(model, slots)
                    self.assertEqual(
                        weights, [min(2.0, 1 + 0.4 * (hands - 1))] * seats, case
                    )
                    rects = view.seat_rects(lay.seats, seats, lay.scale, weights)
                    for rect in rects:
                        self.assertTrue(lay.seats.contains(rect), case)
                    for left, right in pairwise(rects):
                        self.assertLessEqual(left.right, right.left, case)

    def test_a_seat_with_split_hands_is_wider(self):
        model = split_to_four(dealt())
        lay = view.layout((1024, 720))
        slots = view.seat_slots(model)
        self.assertEqual(view.seat_weights(model, slots), [2.0, 1.0])
        mine, bobs = view.seat_rects(
            lay.seats, 2, lay.scale, view.seat_weights(model, slots)
        )
        self.assertGreater(mine.width, bobs.width)


class CasinoButtonsTests(ViewTestCase):
    """Chips, bets, insurance and play buttons, enabled as the rules allow."""

    def test_chips_and_bet_while_betting(self):
        self.assertEqual(
            enabled(ALL["betting"]),
            {
                "bet:10": True,
                "bet:25": True,
                "bet:50": True,
                "bet:100": True,
                "bet:500": True,
                "rebet": True,
            },
        )
        self.assertFalse(any(enabled(ALL["bet placed"]).values()))
        # Broke: the chips are off, and Rebuy (R) takes the bet button's place.
        broke = enabled(ALL["broke"])
        self.assertEqual({name for name, on in broke.items() if on}, {"rebuy"})
        self.assertIn("bet:10", broke)
        poor = play({**CASINO_ID, "balance": 60}, betting())
        self.assertEqual(
            enabled(poor),
            {
                "bet:10": True,
                "bet:25": True,
                "bet:50": True,
                "bet:100": False,
                "bet:500": False,
                "rebet": True,
            },
        )
        labels = [b.label for b in view.buttons(ALL["betting"], (800, 600))]
        self.assertEqual(
            labels,
            [
                "10  (1)",
                "25  (2)",
                "50  (3)",
                "100  (4)",
                "500  (5)",
                "Bet 10  (B)",
            ],
        )

    def test_b_bets_the_last_bet_again_when_it_is_allowed(self):
        model = replace(ALL["betting"], last_bet=100)
        self.assertEqual(rebet_amount(model), 100)
        self.assertEqual(view.buttons(model, (800, 600))[-1].label, "Bet 100  (B)")
        self.assertEqual(rebet_amount(replace(model, last_bet=5000)), 10)
        me = replace(model.me, balance=50)
        self.assertEqual(rebet_amount(replace(model, seats={**model.seats, 7: me})), 10)

    def test_chip_values(self):
        for low, high, chips in [
            (10, 500, [10, 25, 50, 100, 500]),
            (5, 5, [5]),
            (15, 200, [15, 25, 50, 100]),
            (1, 100000, [1, 5, 25, 500, 5000]),
            (2000, 10000, [2000, 5000]),
        ]:
            self.assertEqual(
                chip_values(low, high),
                chips,
                f"low={low!r} high={high!r} chips={chips!r}",
            )

    def test_insurance_buttons_only_while_offered(self):
        self.assertEqual(
            enabled(ALL["insurance offer"]), {"insure": True, "decline": True}
        )
        self.assertEqual(
            [b.label for b in view.buttons(ALL["insurance offer"], (800, 600))],
            [
                "Insure 10  (I)",
                "No insurance  (N)",
            ],
        )
        answered = enabled(ALL["insurance answered"])
        self.assertFalse(any(answered.values()))
        self.assertNotIn("insure", answered)

    def test_play_buttons_follow_the_rules_and_the_hand(self):
        self.assertEqual(
            enabled(ALL["deal"]),
            {
                "hit": True,
                "stand": True,
                "double": True,
                "split": True,
                "surrender": True,
            },
        )
        no_surrender = replace(ALL["deal"], rules=Rules(surrender=False))
        self.assertIs(enabled(no_surrender)["surrender"], False)
        not_a_pair = dealt(ann=("TS", "6H"))
        self.assertIs(enabled(not_a_pair)["split"], False)
        after_split = enabled(ALL["split to four"])
        self.assertEqual(
            after_split,
            {
                "hit": True,
                "stand": True,
                "double": True,  # das
                "split": False,  # four hands: the table's most
                "surrender": False,  # never after a split
            },
        )
        for name in ("awaiting", "doubled", "surrendered", "bust", "blackjack"):
            self.assertFalse(any(enabled(ALL[name]).values()), name)
        lost = enabled(ALL["disconnected"])
        self.assertIs(lost.pop("reconnect"), True)
        self.assertFalse(any(lost.values()))
        labels = [b.label for b in view.buttons(ALL["deal"], (800, 600))]
        self.assertEqual(
            labels,
            [
                "Hit  (H)",
                "Stand  (S)",
                "Double  (D)",
                "Split  (P)",
                "Surrender  (U)",
            ],
        )


class CasinoTableDrawingTests(ViewTestCase):
    """The hole card, the framed hand, the banner and the hand badges."""

    def test_the_hole_card_is_drawn_face_down(self):
        def backs(model):
            surface = pygame.Surface((800, 600))
            view.draw(surface, model)
            dealer = view.layout((800, 600)).dealer
            return sum(
                surface.get_at((x, y))[:3] == view.BACK
                for x in range(dealer.left, dealer.right, 2)
                for y in range(dealer.top, dealer.bottom, 2)
            )

        self.assertGreater(backs(ALL["deal"]), 100)
        self.assertEqual(backs(ALL["over"]), 0)
        revealed = play(hit("TD", "dealer", 16), model=ALL["deal"])
        self.assertEqual(backs(revealed), 0)

    def test_the_active_hand_is_framed(self):
        model = ALL["split to four"]
        self.assertEqual(model.active_hand(), 0)
        model = play(
            {"type": "stand", "id": 7, "hand": 0, "reason": "stand"}, model=model
        )
        self.assertEqual(model.active_hand(), 1)
        self.assertTrue(
            view.banner_text(model, 112)[0].startswith("Your move on hand 2: Hit")
        )

    def test_casino_banner(self):
        words = {name: view.banner_text(model, 115.0)[0] for name, model in ALL.items()}
        self.assertEqual(words["betting"], "Place your bet: 10 to 500 chips  (0 s)")
        self.assertTrue(view.banner_text(ALL["betting"], 103.2)[0].endswith("(12 s)"))
        self.assertTrue(
            words["bet placed"].startswith("You bet 25. Waiting for the other bets")
        )
        self.assertTrue(words["broke"].startswith("Not enough chips"))
        self.assertTrue(
            words["insurance offer"].startswith("Ace up: insurance costs 10")
        )
        self.assertEqual(
            words["insurance answered"], "Waiting for the insurance answers"
        )
        self.assertEqual(
            words["deal"], "Your move: Hit, Stand, Double, Split or Surrender  (25 s)"
        )
        self.assertEqual(words["doubled"], "Waiting for the other hands")
        self.assertTrue(words["over"].startswith("Dealer has 19.  Push  Bets open in"))
        self.assertTrue(words["four settled"].startswith("Dealer has 19."))
        self.assertTrue(words["dealer blackjack"].startswith("Dealer has blackjack."))
        self.assertTrue(words["sits out"].startswith("You sit this round out"))
        self.assertTrue(
            words["waiting"].startswith("You can bet when the next round opens")
        )
        won = replace(ALL["over"], net=40, seats={
            **ALL["over"].seats, 7: replace(ALL["over"].me, result="win")
        })  # fmt: skip
        self.assertEqual(
            view.banner_text(won, 130)[0],
            "Dealer has 19.  You win +40  Bets open in 3 s",
        )

    def test_hand_badges_say_bet_and_payout(self):
        self.assertEqual(hand_badge(Hand(bet=20, status="playing"))[0], "bet 20")
        self.assertEqual(
            hand_badge(Hand(bet=40, status="stood", doubled=True))[0], "bet 40  x2"
        )
        self.assertEqual(hand_badge(Hand(bet=20, result="win", payout=50))[0], "+30")
        self.assertEqual(hand_badge(Hand(bet=20, result="lose", payout=0))[0], "-20")
        self.assertEqual(hand_badge(Hand(bet=20, result="push", payout=20))[0], "push")
        self.assertEqual(
            hand_badge(Hand(bet=20, status="surrendered", payout=10))[0], "gave up -10"
        )

    def test_classic_tables_keep_their_two_buttons(self):
        classic = play({"type": "auth"}, {**CASINO_ID, "game": "classic"})
        self.assertEqual(
            [b.action for b in view.buttons(classic, (800, 600))], ["hit", "stand"]
        )
        fresh = reduce(Model(), Connecting("ws://h/websocket"))
        self.assertEqual(
            [b.action for b in view.buttons(fresh, (800, 600))], ["hit", "stand"]
        )


class HostileCasinoServerTests(ViewTestCase):
    """Whatever a casino server sends is drawn inside the window."""

    @settings(max_examples=60, deadline=None)
    @given(st.lists(casino_message, max_size=25), st.sampled_from(SIZES))
    def test_any_casino_sequence_is_drawn(self, messages, size):
        model = play({"type": "auth"}, CASINO_ID, *messages, now=100.0)
        surface = pygame.Surface(size)
        for button in view.draw(surface, model, now=101.0):
            self.assertTrue(surface.get_rect().contains(button.rect), button)
        view.banner_text(model, 500.0)
