"""The pygame client's app through a dropped connection, on a fake
connection and a Clock: the wait, the token, the snapshot, the fallback to
the name and password, and every reason to stop. Also signing in with a
password, the rebuy (R) and the history (Y)."""

from __future__ import annotations

import json

import pygame

from blackjack_client import app as client_app
from blackjack_client import view
from blackjack_client.model import (
    CLOSED,
    CONNECTING,
    DISCONNECTED,
    FULL,
    LEFT,
    PHASE_PLAYING,
    RECONNECTING,
    SEATED,
    Connected,
    Disconnected,
    Retrying,
    reduce,
)
from tests.client_harness import SIZE, AppTestCase
from tests.client_messages import CASINO_ID, ID, betting, hit, play
from tests.test_client_snapshot import casino_snapshot
from tests.test_client_view import SIZES

TOKEN = "kq3Vh0y2b9n1T4r8w6e5Zx"
SEATED_ID = {**ID, "token": TOKEN, "account": True}
AUTH_TOKEN = {"type": "auth", "data": {"token": TOKEN}}
AUTH_NAME = {"type": "auth", "data": {"username": "ann", "password": "pw"}}

#: ann (7) back mid-hand on TS 2S with 21.5 s to go; bob (5) is away.
SNAPSHOT = {
    "type": "snapshot",
    "table": 1,
    "game": "classic",
    "phase": "playing",
    "seats": [
        {"id": 7, "username": "ann", "seat": 0, "hand": ["TS", "2S"], "points": 12,
         "state": "playing", "connected": True},
        {"id": 5, "username": "bob", "seat": 1, "hand": ["9C", "7D"], "points": 16,
         "state": "playing", "connected": False},
    ],
    "dealer": [],
    "hole_card": False,
    "turns": [{"id": 7, "seconds": 21.5}, {"id": 5, "seconds": 3.0}],
}  # fmt: skip


class ReconnectTests(AppTestCase):
    """Dropped mid-hand, the client comes back to its seat by itself."""

    def seated(self, **options):
        """ann, signed in with a password, dealt TS 2S; then bob sits down."""
        options.setdefault("password", "pw")
        h = self.harness(draw=lambda: 1.0, **options)
        h.app.start()
        h.connection.hear(Connected(), {"type": "auth"}, SEATED_ID)
        self.assertEqual(h.connection.sent, [AUTH_NAME])
        h.connection.hear(
            hit("TS", 7, 10),
            hit("2S", 7, 12),
            {"type": "new_client", "message": 5, "username": "bob", "seat": 1},
            {"type": "deadline", "id": 7, "seconds": 30},
        )
        self.assertTrue(h.app.model.can_act())
        return h

    def dropped(self, **options):
        h = self.seated(**options)
        h.connection.hear(Disconnected(1006, "connection lost"))
        return h

    def test_dropped_mid_hand_it_comes_back_with_the_token(self):
        h = self.dropped()
        model = h.app.model
        self.assertEqual(model.connection, RECONNECTING)
        # The table stays drawn meanwhile, and says what happens.
        self.assertEqual(sorted(model.seats), [5, 7])
        self.assertFalse(model.can_act())
        self.assertEqual(
            view.status_text(model, h.clock.seconds()),
            ("Connection lost, reconnecting in 1 s …  (R: now)", True),
        )
        h.app.frame()
        self.assertEqual(h.app.frame_errors, 0)
        # Nothing happens before the wait is over.
        h.clock.advance(0.49)
        self.assertEqual(len(h.connections), 1)
        h.clock.advance(0.01)
        self.assertEqual(len(h.connections), 2)
        self.assertEqual(h.app.model.connection, CONNECTING)
        self.assertTrue(view.status_text(h.app.model)[0].startswith("Connection lost"))
        h.connection.hear(Connected(), {"type": "auth"})
        self.assertEqual(h.connection.sent, [AUTH_TOKEN])
        # The same seat again: the id, then the whole table.
        h.connection.hear(SEATED_ID, SNAPSHOT)
        model = h.app.model
        self.assertEqual(model.connection, SEATED)
        self.assertEqual(model.phase, PHASE_PLAYING)
        self.assertEqual(model.me.hand.cards, ("TS", "2S"))
        self.assertEqual(model.me.deadline, h.clock.seconds() + 21.5)
        self.assertTrue(model.seats[5].away)
        self.assertEqual(model.notice, "Back at your seat")
        self.assertEqual(
            view.status_text(model)[0], "Table 1, seat 1 as ann  ·  Back at your seat"
        )
        h.app.frame()
        h.key(pygame.K_h)
        self.assertEqual(h.connection.sent[-1], {"type": "hit"})
        # Back on the same table, the others see bob come back.
        h.connection.hear({"type": "back", "id": 5})
        self.assertFalse(h.app.model.seats[5].away)

    def test_a_refused_token_sits_down_by_name_and_password(self):
        h = self.dropped()
        h.clock.advance(0.5)
        h.connection.hear(
            Connected(),
            {"type": "auth"},
            {"type": "error", "status_code": 401, "message": "that token is not valid"},
        )
        self.assertEqual(h.connection.sent, [AUTH_TOKEN, AUTH_NAME])
        self.assertEqual(h.app.form, None)
        # A new seat: nothing of the old table is kept.
        h.connection.hear({**SEATED_ID, "client_id": 9, "token": "x" * 22})
        self.assertEqual(h.app.model.connection, SEATED)
        self.assertEqual(list(h.app.model.seats), [9])

    def test_failed_attempts_wait_longer_and_longer(self):
        h = self.dropped()
        waits = []
        for _ in range(5):
            waits.append(h.app.model.retry_at - h.clock.seconds())
            h.clock.advance(waits[-1])
            # Nobody listens, or every seat is taken.
            h.connection.hear(Disconnected(None, "cannot connect: refused"))
        self.assertEqual(waits, [0.5, 1.0, 2.0, 4.0, 8.0])
        h.clock.advance(10)
        h.connection.hear(
            Connected(),
            {"type": "error", "status_code": 507, "message": "all busy"},
        )
        self.assertEqual(h.app.model.connection, FULL)
        h.connection.hear(Disconnected(1013, "all busy"))
        self.assertEqual(h.app.model.connection, RECONNECTING)
        self.assertEqual(h.app.model.retry_at - h.clock.seconds(), 10.0)

    def test_gives_up_after_about_two_minutes_and_says_so(self):
        h = self.dropped()
        start = h.clock.seconds()
        while h.app.model.connection == RECONNECTING:
            h.clock.advance(h.app.model.retry_at - h.clock.seconds())
            h.connection.hear(Disconnected(None, "cannot connect: refused"))
        self.assertLessEqual(h.clock.seconds() - start, 120)
        self.assertEqual(h.app.model.connection, DISCONNECTED)
        self.assertEqual(
            view.status_text(h.app.model)[0],
            "Disconnected: gave up coming back after 120 s. Press R to reconnect.",
        )
        attempts = len(h.connections)
        h.clock.advance(600)
        self.assertEqual(len(h.connections), attempts)
        # R tries again, with the token still.
        h.key(pygame.K_r)
        h.connection.hear(Connected(), {"type": "auth"})
        self.assertEqual(h.connection.sent, [AUTH_TOKEN])

    def test_signed_in_elsewhere_stops(self):
        h = self.seated()
        h.connection.hear(Disconnected(4001, "signed in elsewhere"))
        self.assertEqual(h.app.model.connection, DISCONNECTED)
        self.assertTrue(
            view.status_text(h.app.model)[0].startswith(
                "Disconnected: signed in elsewhere (4001)"
            )
        )
        h.clock.advance(600)
        self.assertEqual(len(h.connections), 1)

    def test_stood_up_for_idling_stops(self):
        h = self.seated()
        h.connection.hear({"type": "left", "id": 7, "reason": "idle"})
        self.assertEqual(h.app.model.me.state, LEFT)
        h.connection.hear(Disconnected(1000, ""))
        self.assertEqual(h.app.model.connection, DISCONNECTED)
        self.assertEqual(
            h.app.model.close_reason,
            "you were stood up after too many idle rounds in a row",
        )
        h.clock.advance(600)
        self.assertEqual(len(h.connections), 1)

    def test_others_leaving_is_not_the_end(self):
        h = self.seated()
        h.connection.hear(
            {"type": "away", "id": 5, "seconds": 30},
            {"type": "left", "id": 5, "reason": "gone"},
            Disconnected(1006, "connection lost"),
        )
        self.assertEqual(h.app.model.connection, RECONNECTING)

    def test_quitting_while_waiting(self):
        h = self.dropped()
        h.connection.gone()
        h.key(pygame.K_q)
        self.assertTrue(h.app.done.called)
        h.clock.advance(600)
        self.assertEqual(len(h.connections), 1)

    def test_a_first_connection_that_fails_waits_for_r(self):
        h = self.harness(draw=lambda: 1.0)
        h.app.start()
        h.connection.hear(Disconnected(None, "cannot connect: refused"))
        self.assertEqual(h.app.model.connection, DISCONNECTED)
        h.clock.advance(600)
        self.assertEqual(len(h.connections), 1)


class PasswordTests(AppTestCase):
    """Signing in with a password, from the command line, the environment or
    the start screen; a refused one goes back to the start screen."""

    def test_the_password_from_the_command_line_or_the_environment(self):
        args = client_app.parse_args(["--name", "ann"], environ={})
        self.assertIsNone(args.password)
        env = {"BLACKJACK_PASSWORD": "from env"}
        args = client_app.parse_args(["--name", "ann"], environ=env)
        self.assertEqual(args.password, "from env")
        args = client_app.parse_args(["--password", "given"], environ=env)
        self.assertEqual(args.password, "given")
        args = client_app.parse_args([], environ={"BLACKJACK_PASSWORD": ""})
        self.assertIsNone(args.password)

    def test_the_start_screen_takes_a_password_and_never_keeps_it(self):
        path = self.tmp_path / "blackjackd" / "client.json"
        h = self.harness(name=None)
        h.app.start()
        h.type("ann")
        h.key(pygame.K_TAB)
        self.assertEqual(h.app.form.focus, 2)
        h.type("se")
        h.type("cret")
        h.key(pygame.K_BACKSPACE)
        self.assertEqual(h.app.form.password, "secre")
        self.assertNotIn("secre", repr(h.app.form))
        h.app.draw()
        h.key(pygame.K_RETURN)
        h.key(pygame.K_RETURN)  # any free seat, in the lobby
        h.connection.hear(Connected(), {"type": "auth"})
        self.assertEqual(
            h.connection.sent,
            [{"type": "auth", "data": {"username": "ann", "password": "secre"}}],
        )
        self.assertNotIn("secre", path.read_text())
        self.assertEqual(json.loads(path.read_text())["name"], "ann")

    def test_the_password_field_by_mouse_and_masked(self):
        h = self.harness(name=None, password="pw")
        self.assertEqual(h.app.form.password, "pw")
        h.app.start()
        *_, password_field = view.start_fields(SIZE)
        h.click(password_field.center)
        self.assertEqual(h.app.form.focus, 2)
        h.app.draw()
        self.assertEqual(h.app.frame_errors, 0)

    def test_a_refused_password_goes_back_to_the_start_screen(self):
        h = self.harness(password="wrong")
        h.app.start()
        h.connection.hear(
            Connected(),
            {"type": "auth"},
            {"type": "error", "status_code": 401, "message": "wrong password"},
        )
        self.assertIsNotNone(h.connection.closing)
        form = h.app.form
        self.assertEqual((form.name, form.password), ("ann", ""))
        self.assertIn("wrong password (401)", form.message)
        h.connection.gone()
        self.assertEqual(h.app.model.connection, CLOSED)
        h.clock.advance(600)
        self.assertEqual(len(h.connections), 1)
        # Typed again, it signs in.
        h.key(pygame.K_TAB)
        h.type("right")
        h.key(pygame.K_RETURN)
        h.key(pygame.K_RETURN)  # any free seat, in the lobby
        h.connection.hear(Connected(), {"type": "auth"})
        self.assertEqual(
            h.connection.sent,
            [{"type": "auth", "data": {"username": "ann", "password": "right"}}],
        )


class RebuyAndHistoryKeysTests(AppTestCase):
    """R asks for a rebuy when broke; Y shows the last rounds."""

    def casino(self, balance):
        h = self.harness()
        h.app.start()
        h.connection.hear(
            Connected(), {"type": "auth"}, {**CASINO_ID, "balance": balance}, betting()
        )
        h.connection.sent.clear()
        return h

    def test_r_asks_for_a_rebuy_only_when_broke(self):
        h = self.casino(1000)
        h.key(pygame.K_r)
        self.assertEqual(h.connection.sent, [])
        h = self.casino(5)
        self.assertTrue(
            view.banner_text(h.app.model, h.clock.seconds())[0].startswith(
                "Not enough chips to bet: R asks for a rebuy"
            )
        )
        h.key(pygame.K_r)
        h.key(pygame.K_r)  # asked once, until the answer comes
        self.assertEqual(h.connection.sent, [{"type": "rebuy"}])
        h.connection.hear(
            {"type": "error", "status_code": 409, "message": "too soon: in 40 min"}
        )
        self.assertIn("too soon: in 40 min (409)", view.status_text(h.app.model)[0])
        h.click(view.buttons(h.app.model, SIZE)[-1].rect.center)  # the button
        self.assertEqual(h.connection.sent, [{"type": "rebuy"}] * 2)
        h.connection.hear(
            {"type": "rebuy", "amount": 995, "balance": 1000, "next_in": 3600.0}
        )
        self.assertEqual(h.app.model.balance, 1000)
        self.assertIn("Rebuy: +995 chips", view.status_text(h.app.model)[0])
        h.key(pygame.K_b)
        self.assertEqual(h.connection.sent[-1], {"type": "bet", "amount": 10})

    def test_y_shows_the_last_ten_rounds(self):
        h = self.casino(1000)
        h.key(pygame.K_y)
        self.assertTrue(h.app.history_open)
        self.assertEqual(
            h.connection.sent, [{"type": "history", "data": {"limit": 10}}]
        )
        self.assertEqual(view.history_lines(h.app.model), ["Asking the server …"])
        rounds = [
            {"id": f"r{n}", "table": 1, "round": n, "game": "casino",
             "at": 1764080000.5 + n, "status": "settled", "dealer": ["KD", "7S"],
             "hands": [{"hand": 0, "cards": ["TC", "9H"], "points": 19, "bet": 50,
                        "result": "win", "payout": 100}],
             "staked": 50, "returned": 100, "net": 50}
            for n in range(10, 0, -1)
        ]  # fmt: skip
        h.connection.hear({"type": "history", "rounds": rounds})
        lines = view.history_lines(h.app.model)
        self.assertEqual(len(lines), 10)
        self.assertIn("table 1 round 10", lines[0])
        self.assertTrue(lines[0].endswith("dealer KD 7S  ·  TC 9H 19 win  ·  +50"))
        h.app.frame()
        # Keys for the table do nothing under the overlay; Esc closes it.
        h.key(pygame.K_b)
        self.assertEqual(len(h.connection.sent), 1)
        h.key(pygame.K_ESCAPE)
        self.assertFalse(h.app.history_open)
        self.assertFalse(h.app.done.called)
        h.key(pygame.K_y)
        h.key(pygame.K_y)
        self.assertFalse(h.app.history_open)

    def test_a_guest_has_no_history(self):
        h = self.casino(1000)
        h.key(pygame.K_y)
        h.connection.hear(
            {"type": "error", "status_code": 409, "message": "guests have no history"}
        )
        self.assertEqual(
            view.history_lines(h.app.model), ["guests have no history (409)"]
        )
        h.app.frame()
        self.assertEqual(h.app.frame_errors, 0)


class DrawingTests(AppTestCase):
    """The new states draw at every size: waiting to come back, an away
    seat, a broke player, the history overlay, the password field."""

    def test_every_new_state_draws(self):
        back = play(CASINO_ID, casino_snapshot(), now=0.0)
        waiting = reduce(
            reduce(play(SEATED_ID, SNAPSHOT), Disconnected(1006, "lost"), 1.0),
            Retrying(at=3.0),
        )
        broke = play({**CASINO_ID, "balance": 5}, betting())
        played = {
            "id": "r1", "table": 1, "round": 1, "game": "casino", "at": 0.0,
            "status": "settled", "dealer": ["KD", "7S"],
            "hands": [{"hand": 0, "cards": ["TC"] * 12, "points": 99, "bet": 5,
                       "result": "lose", "payout": 0}] * 4,
            "staked": 20, "returned": 0, "net": -20,
        }  # fmt: skip
        listed = play({"type": "history", "rounds": [played] * 30}, model=back)
        form = view.StartForm("ws://h/websocket", "ann", password="x" * 128, focus=2)
        for size in SIZES:
            surface = pygame.Surface(size)
            for model in (back, waiting, broke, listed):
                view.draw(surface, model, 1.0)
            overlay = view.draw_history(surface, listed)
            self.assertTrue(surface.get_rect().contains(overlay), size)
            view.draw_start(surface, form, 0.0)


SHUTDOWN = {"type": "shutdown", "seconds": 60.0}
STOPPING_NOTICE = "The server is stopping: finishing this round, back when it restarts"


class ServerRestartTests(AppTestCase):
    """The server stops (``shutdown``, then 1001): the app says so, waits
    longer than after a drop, and sits back down once it is back."""

    # ann seated mid-hand, as ReconnectTests seats her.
    seated = ReconnectTests.seated

    def stopped(self):
        h = self.seated()
        h.connection.hear(SHUTDOWN)
        self.assertTrue(h.app.model.server_stopping)
        self.assertEqual(
            view.status_text(h.app.model),
            (f"Table 1, seat 1 as ann  ·  {STOPPING_NOTICE}", True),
        )
        # The round under way goes on.
        self.assertTrue(h.app.model.can_act())
        h.app.frame()
        self.assertEqual(h.app.frame_errors, 0)
        h.connection.hear(Disconnected(1001, "the server is stopping"))
        self.assertEqual(h.app.model.connection, RECONNECTING)
        self.assertEqual(
            view.status_text(h.app.model, h.clock.seconds()),
            ("Waiting for the server to come back: trying again in 1 s …  (R: now)",
             True),
        )  # fmt: skip
        return h

    def fail_for(self, h, seconds):
        until = h.clock.seconds() + seconds
        while h.app.model.connection == RECONNECTING and h.clock.seconds() < until:
            h.clock.advance(h.app.model.retry_at - h.clock.seconds())
            self.assertTrue(
                view.status_text(h.app.model)[0].startswith(
                    "Waiting for the server to come back: connecting to"
                )
            )
            h.connection.hear(Disconnected(None, "cannot connect: refused"))

    def test_it_sits_back_down_when_the_server_is_back(self):
        h = self.stopped()
        self.fail_for(h, 300)
        self.assertEqual(h.app.model.connection, RECONNECTING)
        h.clock.advance(h.app.model.retry_at - h.clock.seconds())
        # The restarted server doesn't know the token: the name sits down.
        h.connection.hear(Connected(), {"type": "auth"})
        h.connection.hear({"type": "error", "status_code": 401, "message": "gone"})
        self.assertEqual(h.connection.sent, [AUTH_TOKEN, AUTH_NAME])
        h.connection.hear({**SEATED_ID, "client_id": 9})
        model = h.app.model
        self.assertEqual(model.connection, SEATED)
        self.assertFalse(model.server_stopping)
        self.assertNotIn("stopping", view.status_text(model)[0])
        self.assertFalse(h.app.rejoin.server_stopping)

    def test_a_server_still_stopping_is_tried_again(self):
        h = self.stopped()
        h.clock.advance(h.app.model.retry_at - h.clock.seconds())
        h.connection.hear(Connected(), {"type": "auth"})
        h.connection.hear({"type": "error", "status_code": 401, "message": "gone"})
        h.connection.hear(
            {"type": "error", "status_code": 503,
             "message": "the server is stopping: try again soon"}
        )  # fmt: skip
        self.assertIsNotNone(h.connection.closing)
        self.assertEqual(h.app.model.connection, RECONNECTING)
        attempts = len(h.connections)
        h.clock.advance(h.app.model.retry_at - h.clock.seconds())
        self.assertEqual(len(h.connections), attempts + 1)

    def test_a_first_sign_in_told_to_try_again_does(self):
        # A stopping server, or a cluster's table moving between nodes.
        h = self.harness(draw=lambda: 1.0, password="pw")
        h.app.start()
        h.connection.hear(Connected(), {"type": "auth"})
        h.connection.hear(
            {"type": "error", "status_code": 503,
             "message": "table 1 moves to another node: try again in a moment"}
        )  # fmt: skip
        self.assertIsNotNone(h.connection.closing)
        self.assertEqual(h.app.model.connection, RECONNECTING)
        h.clock.advance(h.app.model.retry_at - h.clock.seconds())
        h.connection.hear(Connected(), {"type": "auth"}, SEATED_ID)
        self.assertEqual(h.connection.sent, [AUTH_NAME])
        self.assertEqual(h.app.model.connection, SEATED)

    def test_a_close_going_away_alone_waits_as_long(self):
        h = self.seated()
        h.connection.hear(Disconnected(1001, "the server is stopping"))
        self.assertTrue(h.app.model.server_stopping)
        self.fail_for(h, 300)
        self.assertEqual(h.app.model.connection, RECONNECTING)

    def test_it_gives_up_after_ten_minutes(self):
        h = self.stopped()
        start = h.clock.seconds()
        self.fail_for(h, 700)
        self.assertLessEqual(h.clock.seconds() - start, 600)
        self.assertEqual(h.app.model.connection, DISCONNECTED)
        self.assertEqual(
            view.status_text(h.app.model)[0],
            "Disconnected: the server did not come back within 600 s. "
            "Press R to reconnect.",
        )
