"""The pygame client's view, headless: every state drawn at several sizes,
and the few things a player must be able to rely on (buttons, highlight,
card colours, status words)."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import pygame
from twisted.trial.unittest import SynchronousTestCase

from blackjack_client import view
from blackjack_client.model import (
    Connected,
    Connecting,
    Disconnected,
    Model,
    Sent,
    reduce,
)
from tests.client_messages import hit, play, seated_with_bob

SIZES = [(800, 600), (1024, 768), (1920, 1080), (640, 480), (1600, 600)]


def seated_at(seat_count: int, mine: int = 0, cards: int = 2) -> Model:
    """Me at seat ``mine`` of a table of ``seat_count`` seats, all taken."""
    model = play({"type": "auth"}, {**ID_MSG, "seat": mine})
    for seat in range(seat_count):
        pid = 7 if seat == mine else 100 + seat
        if pid != 7:
            model = play(
                {
                    "type": "new_client",
                    "message": pid,
                    "username": f"player with a long name {seat}",
                    "seat": seat,
                },
                model=model,
            )
        points = 0
        for index in range(cards):
            points += 2 + index
            model = play(
                hit(f"{2 + index}{'SHDC'[index % 4]}", pid, points), model=model
            )
        model = play({"type": "deadline", "id": pid, "seconds": 30}, model=model)
    return model


ID_MSG = {
    "type": "id",
    "client_id": 7,
    "username": "ann",
    "table": 1,
    "seat": 0,
    "protocol": 1,
    "turn_timeout": 30.0,
}


def round_over(model: Model) -> Model:
    results = [
        {
            "id": seat.player_id,
            "username": seat.name,
            "hand": list(seat.hand.cards),
            "points": seat.hand.points,
            "result": ("win", "lose", "push")[index % 3],
        }
        for index, seat in enumerate(model.seats_in_order())
    ]
    return play(
        hit("TD", "dealer", 10),
        hit("QS", "dealer", 20),
        hit("5H", "dealer", 25),
        {
            "type": "round_over",
            "dealer": {"hand": ["TD", "QS", "5H"], "points": 25},
            "results": results,
            "next_round_in": 3,
        },
        model=model,
    )


def states() -> dict[str, Model]:
    bob = seated_with_bob()
    return {
        "offline": Model(),
        "connecting": reduce(Model(), Connecting("ws://localhost:8888/websocket")),
        "connected": play(Connected()),
        "seated": bob,
        "awaiting": reduce(bob, Sent("hit")),
        "stood": play({"type": "stand", "id": 7, "reason": "timeout"}, model=bob),
        "bust": play(hit("KD", 7, 26), {"type": "bust", "id": 7}, model=bob),
        "dealer": play(
            {"type": "stand", "id": 7, "reason": "stand"},
            hit("9C", "dealer", 9),
            model=bob,
        ),
        "over": round_over(bob),
        "waiting": play({"type": "auth"}, ID_MSG, {"type": "wait"}),
        "left": play({"type": "left", "id": 5}, model=bob),
        "error": play(
            {"type": "error", "status_code": 409, "message": "your hand is over"},
            model=bob,
        ),
        "shuffle": play({"type": "shuffle"}, model=bob),
        "full": play(
            {"type": "error", "status_code": 507, "message": "all busy"},
            Disconnected(1013, "all busy"),
        ),
        "disconnected": reduce(bob, Disconnected(1006, "connection lost")),
        "cannot connect": play(
            Disconnected(None, "cannot connect: Connection refused")
        ),
        "closed": reduce(bob, Disconnected(1000, "", by_us=True)),
        "unplaced": play(hit("4C", 42, 4), model=bob),
        "long hand": play(
            *[hit(card, 7, 10 + i) for i, card in enumerate(["AS", "2S", "3S", "4S"])],
            *[hit(f"{r}H", 5, 20) for r in "A23456789"],
            model=bob,
        ),
        "seven seats, all over": round_over(seated_at(7, mine=3, cards=4)),
    }


class ViewTestCase(SynchronousTestCase):
    """Draws with pygame's fonts ready."""

    def setUp(self):
        pygame.font.init()


class LayoutTests(ViewTestCase):
    """Every state drawn at every size, and every seat count fitting."""

    def test_every_state_draws(self):
        for size in SIZES:
            for name in list(states()):
                surface = pygame.Surface(size)
                model = states()[name]
                shown = view.draw(
                    surface, model, now=110.0, mouse=(size[0] // 2, size[1] - 60)
                )
                for button in shown:
                    self.assertTrue(
                        surface.get_rect().contains(button.rect),
                        f"size={size!r} name={name!r}: {button}",
                    )

    def test_every_seat_count_fits(self):
        for seats in range(1, 8):
            for size in [(800, 600), (1280, 720)]:
                model = seated_at(seats, mine=seats - 1, cards=5)
                surface = pygame.Surface(size)
                view.draw(surface, model, now=105.0)
                lay = view.layout(size)
                slots = view.seat_slots(model)
                self.assertEqual(len(slots), seats, f"seats={seats!r} size={size!r}")
                rects = view.seat_rects(lay.seats, seats, lay.scale)
                for rect in rects:
                    self.assertTrue(
                        lay.seats.contains(rect), f"seats={seats!r} size={size!r}"
                    )
                for left, right in pairwise(rects):
                    self.assertLessEqual(
                        left.right, right.left, f"seats={seats!r} size={size!r}"
                    )

    def test_empty_seats_show_when_the_server_says_how_many(self):
        model = replace(seated_at(2, mine=0), table_seats=6)
        self.assertEqual(view.seat_slots(model)[2:], [None] * 4)


class WhatThePlayerSeesTests(ViewTestCase):
    """Highlight, buttons, status words, banner and card colours."""

    def test_my_seat_is_highlighted(self):
        model = seated_at(3, mine=1)
        surface = pygame.Surface((800, 600))
        view.draw(surface, model)
        lay = view.layout((800, 600))
        rects = view.seat_rects(lay.seats, 3, lay.scale)

        def middle_of_top_edge(rect):
            return surface.get_at((rect.centerx, rect.top + 1))[:3]

        self.assertEqual(middle_of_top_edge(rects[1]), view.GOLD)
        self.assertNotEqual(middle_of_top_edge(rects[0]), view.GOLD)

    def test_buttons_are_enabled_only_when_allowed(self):
        enabled = {
            name: {b.action: b.enabled for b in view.buttons(model, (800, 600))}
            for name, model in states().items()
        }
        self.assertEqual(enabled["seated"], {"hit": True, "stand": True})
        for name in ("awaiting", "stood", "bust", "over", "waiting", "connecting"):
            self.assertEqual(enabled[name], {"hit": False, "stand": False}, name)
        self.assertEqual(
            enabled["disconnected"], {"hit": False, "stand": False, "reconnect": True}
        )
        self.assertIs(enabled["full"]["reconnect"], True)
        self.assertTrue(
            [b.label for b in view.buttons(states()["full"], (800, 600))][
                -1
            ].startswith("Retry")
        )

    def test_status_line(self):
        words = {name: view.status_text(model) for name, model in states().items()}
        self.assertEqual(
            words["connecting"],
            (
                "Connecting to ws://localhost:8888/websocket …",
                False,
            ),
        )
        self.assertEqual(words["seated"], ("Table 1, seat 1 as ann", False))
        self.assertEqual(
            words["error"],
            (
                "Table 1, seat 1 as ann  ·  Server says: your hand is over (409)",
                True,
            ),
        )
        self.assertTrue(words["full"][0].startswith("Table full (507)"))
        self.assertEqual(
            words["disconnected"],
            (
                "Disconnected: connection lost (1006). Press R to reconnect.",
                True,
            ),
        )
        self.assertIn("Connection refused", words["cannot connect"][0])
        self.assertIn("shuffles", words["shuffle"][0])

    def test_banner_counts_down_and_tells_the_result(self):
        model = seated_with_bob()  # my deadline is at 130
        self.assertEqual(
            view.banner_text(model, 110.2)[0], "Your move: Hit or Stand  (20 s)"
        )
        self.assertEqual(
            view.banner_text(model, 140)[0], "Your move: Hit or Stand  (0 s)"
        )
        over = round_over(model)
        text = view.banner_text(over, 0)[0]
        self.assertTrue(text.startswith("Dealer has 25.  You win!"))
        self.assertTrue(
            view.banner_text(states()["waiting"], 0)[0].startswith("You are dealt in")
        )

    def test_cards_are_red_or_black(self):
        def colours(card):
            image = view.card_image(card, 60)
            return {
                image.get_at((x, y))[:3]
                for x in range(image.get_width())
                for y in range(image.get_height())
            }

        self.assertIn(view.CARD_RED, colours("AH"))
        self.assertIn(view.CARD_RED, colours("TD"))
        self.assertNotIn(view.CARD_RED, colours("AS"))
        self.assertNotIn(view.CARD_RED, colours("KC"))
        self.assertIn(view.WHITE, colours("AS"))


class StartScreenTests(ViewTestCase):
    """The start screen."""

    def test_start_screen_draws(self):
        for size in SIZES:
            surface = pygame.Surface(size)
            form = view.StartForm("ws://localhost:8888/websocket" * 3, "ann", focus=0)
            fields = view.draw_start(surface, form, now=0.1)
            self.assertEqual(fields, list(view.start_fields(size)), size)
            view.draw_start(surface, replace(form, message="Type a name", focus=1))
            self.assertTrue(
                surface.get_rect().contains(view.start_button(size).rect), size
            )


class HostileServerTests(ViewTestCase):
    """What a misbehaving server sends can't stall or break the drawing."""

    def test_a_misbehaving_server_cannot_stall_or_break_the_drawing(self):
        for message in [
            {"type": "new_client", "message": 99, "username": "z", "seat": 10**7},
            {"type": "other_players", "hand": [], "id": 98, "points": 0, "seat": 7},
            {"type": "new_client", "message": 97, "username": "y" * 5000, "seat": 1},
            {"type": "error", "status_code": 400, "message": "x" * 5000},
            {"type": "deadline", "id": 7, "seconds": float("inf")},
            {"type": "hit", "card": "2S", "id": 7, "points": float("inf")},
        ]:
            model = play(message, model=seated_with_bob())
            surface = pygame.Surface((800, 600))
            view.draw(surface, model, now=105.0)
            self.assertLessEqual(len(view.seat_slots(model)), 7, f"message={message!r}")
            self.assertTrue(
                all(len(seat.name) <= 200 for seat in model.seats.values()),
                f"message={message!r}",
            )
