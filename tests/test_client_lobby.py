"""The pygame client's lobby: the model's pure reducers, the scene drawn
headless, and the app choosing a table, watching one and sitting down
there, on a fake connection, a fake fetch and a Clock."""

from __future__ import annotations

import pygame
from twisted.trial.unittest import SynchronousTestCase

from blackjack_client import app as client_app
from blackjack_client import controls, view
from blackjack_client.model import (
    ANY_TABLE,
    CONNECTED,
    FULL,
    SEATED,
    Connected,
    Lobby,
    reduce,
)
from blackjack_client.model.lobby import failed, loaded, moved, picked, refreshing
from blackjack_client.net import TablesUnavailable
from blackjackd import wire
from blackjackd.bots import table_url, tables_url
from blackjackd.wire import decode_tables
from tests.client_harness import SIZE, AppTestCase
from tests.client_messages import play

SIZES = [(800, 600), (1024, 768), (1920, 1080), (640, 480), (1600, 600)]

TABLES = decode_tables(
    b"""{"game": "casino", "tables": [
    {"table": 1, "game": "casino", "seats": 2, "taken": 2, "watchers": 0,
     "players": ["ann", "bob"], "turn_timeout": 30.0,
     "rules": {"min_bet": 10, "max_bet": 500, "bet_unit": 2}},
    {"table": 2, "game": "casino", "seats": 2, "taken": 1, "watchers": 3,
     "players": ["cy"], "turn_timeout": 30.0,
     "rules": {"min_bet": 10, "max_bet": 500, "bet_unit": 2}},
    {"table": 3, "game": "casino", "seats": 2, "taken": 0, "watchers": 0,
     "players": [], "turn_timeout": 30.0}]}"""
)

WATCHING = {"type": "watching", "table": 2, "game": "casino", "seats": 2,
            "watchers": 4, "turn_timeout": 30.0,
            "rules": {"min_bet": 10, "max_bet": 500, "bet_unit": 2}}  # fmt: skip
#: Table 2 as a watcher first sees it: cy (5) plays a hand on 9C 7D.
WATCHED = {
    "type": "snapshot", "table": 2, "game": "casino", "phase": "playing",
    "seats": [{"id": 5, "username": "cy", "seat": 0, "hand": ["9C", "7D"],
               "points": 16, "state": "playing", "connected": True,
               "hands": [{"hand": 0, "cards": ["9C", "7D"], "points": 16,
                          "bet": 20, "status": "playing"}],
               "bet": 20, "balance": 480, "insurance": 0}],
    "dealer": ["6H"], "hole_card": True, "turns": [{"id": 5, "hand": 0,
    "seconds": 20.0}], "seconds": None,
}  # fmt: skip
CASINO_ID = {"type": "id", "client_id": 7, "username": "ann", "table": 2,
             "seat": 1, "seats": 2, "protocol": 1, "turn_timeout": 30.0,
             "game": "casino", "balance": 1000,
             "rules": {"min_bet": 10, "max_bet": 500, "bet_unit": 2}}  # fmt: skip


def key(k):
    return pygame.event.Event(pygame.KEYDOWN, key=k)


def click(pos):
    return pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos)


class LobbyModelTests(SynchronousTestCase):
    """The lobby's reducers: pure, and the pointer always on the list."""

    def test_loading_then_loaded(self):
        lobby = Lobby()
        self.assertTrue(lobby.loading)
        self.assertEqual((lobby.rows, lobby.chosen), (1, None))
        self.assertTrue(lobby.can_sit())
        self.assertFalse(lobby.can_watch())
        lobby = loaded(lobby, TABLES)
        self.assertFalse(lobby.loading)
        self.assertEqual(lobby.rows, 4)
        self.assertEqual(lobby.selected, ANY_TABLE)

    def test_the_pointer_moves_within_the_list(self):
        lobby = loaded(Lobby(), TABLES)
        self.assertEqual(moved(lobby, -1).selected, 0)
        self.assertEqual(moved(moved(lobby, 1), 1).chosen.table, 2)
        self.assertEqual(moved(lobby, 99).selected, 3)
        self.assertEqual(picked(lobby, -5).selected, 0)

    def test_a_full_table_is_watched_not_sat_at(self):
        lobby = picked(loaded(Lobby(), TABLES), 1)
        self.assertEqual(lobby.chosen.table, 1)
        self.assertFalse(lobby.can_sit())
        self.assertTrue(lobby.can_watch())

    def test_the_same_table_stays_chosen_across_a_refresh(self):
        lobby = picked(loaded(Lobby(), TABLES), 2)
        fewer = wire.Tables(game="casino", tables=TABLES.tables[1:])
        lobby = loaded(refreshing(lobby), fewer)
        self.assertEqual((lobby.selected, lobby.chosen.table), (1, 2))
        gone = wire.Tables(game="casino", tables=TABLES.tables[2:])
        self.assertEqual(loaded(lobby, gone).selected, ANY_TABLE)

    def test_failed_keeps_any_free_seat(self):
        lobby = failed(Lobby(), "cannot list the tables: refused")
        self.assertFalse(lobby.loading)
        self.assertEqual(lobby.problem, "cannot list the tables: refused")
        self.assertTrue(lobby.can_sit())

    def test_watching_draws_the_table_from_the_snapshot(self):
        model = play(Connected(), {"type": "auth"}, WATCHING, WATCHED)
        self.assertEqual((model.watching, model.table), (2, 2))
        self.assertEqual(model.connection, CONNECTED)
        self.assertTrue(model.casino)
        self.assertEqual(model.rules.min_bet, 10)
        self.assertIsNone(model.me)
        self.assertEqual(model.seats[5].hands[0].cards, ("9C", "7D"))
        self.assertTrue(model.dealer_hole)
        self.assertEqual(model.notice, "Watching table 2")
        # The table's broadcasts go on drawing it.
        model = reduce(model, {"type": "hit", "card": "5S", "id": 5, "points": 21,
                               "hand": 0})  # fmt: skip
        self.assertEqual(model.seats[5].hands[0].points, 21)
        # Nothing to do for a watcher; a seat refused keeps it watching.
        self.assertFalse(model.can_act())
        self.assertFalse(model.can_bet())
        refused = reduce(model, {"type": "error", "status_code": 507,
                                 "message": "table 2 is full"})  # fmt: skip
        self.assertEqual(refused.connection, CONNECTED)
        # Seated: no longer watching, the table kept.
        seated = reduce(model, CASINO_ID)
        self.assertEqual((seated.watching, seated.connection), (None, SEATED))
        self.assertIn(5, seated.seats)


class LobbyAddressesTests(SynchronousTestCase):
    """Where the lobby asks, and what it takes for an answer."""

    def test_the_tables_are_on_the_websockets_host_and_port(self):
        self.assertEqual(
            tables_url("ws://h:9/bj/websocket?table=2"), "http://h:9/tables"
        )
        self.assertEqual(tables_url("wss://h/websocket"), "https://h/tables")

    def test_a_table_in_the_address_keeps_its_path(self):
        self.assertEqual(table_url("ws://h:9/bj/ws", 2), "ws://h:9/bj/ws?table=2")
        self.assertEqual(table_url("ws://h/ws?table=1", 3), "ws://h/ws?table=3")
        self.assertEqual(table_url("ws://h/ws", None), "ws://h/ws")

    def test_an_answer_that_makes_no_sense_is_refused(self):
        for body in [
            b"<html>",
            b"[]",
            b'{"game": "casino"}',
            b'{"game": "casino", "tables": [{"table": "one"}]}',
            b'{"game": "c", "tables": [], "x": NaN}',
        ]:
            self.assertRaises(wire.BadServerMessage, decode_tables, body)


class LobbySceneTests(SynchronousTestCase):
    """The lobby drawn headless at several sizes."""

    def setUp(self):
        pygame.font.init()

    def test_drawn_at_every_size(self):
        for lobby in [
            Lobby(),
            loaded(Lobby(), TABLES),
            failed(Lobby(), "cannot list the tables: refused"),
            picked(loaded(Lobby(), TABLES), 1),
        ]:
            for size in SIZES:
                surface = pygame.Surface(size)
                shown = view.draw_lobby(surface, lobby, 0.0, (10, 10))
                self.assertEqual([b.action for b in shown], ["sit", "watch", "refresh"])
                for button in shown:
                    self.assertTrue(
                        surface.get_rect().contains(button.rect), (size, button)
                    )
                rows = view.lobby_rows(size, lobby)
                self.assertEqual(len(rows), lobby.rows)
                for _, rect in rows:
                    self.assertTrue(surface.get_rect().contains(rect), (size, rect))

    def test_the_row_pointed_at_is_framed_in_gold(self):
        lobby = picked(loaded(Lobby(), TABLES), 2)
        surface = pygame.Surface(SIZE)
        view.draw_lobby(surface, lobby)
        rows = dict(view.lobby_rows(SIZE, lobby))
        edge = (rows[2].centerx, rows[2].top)
        self.assertEqual(surface.get_at(edge)[:3], view.GOLD)
        self.assertNotEqual(
            surface.get_at((rows[1].centerx, rows[1].top))[:3], view.GOLD
        )

    def test_a_full_tables_sit_is_off(self):
        sit, watch, refresh = view.lobby_buttons(
            SIZE, picked(loaded(Lobby(), TABLES), 1)
        )
        self.assertEqual(
            (sit.enabled, watch.enabled, refresh.enabled), (False, True, True)
        )
        sit, watch, _ = view.lobby_buttons(SIZE, loaded(Lobby(), TABLES))
        self.assertEqual((sit.enabled, watch.enabled), (True, False))

    def test_a_table_on_a_line(self):
        lines = [view.table_line(table) for table in TABLES.tables]
        self.assertEqual(
            lines,
            [
                "Table 1  ·  casino  ·  full  ·  bets 10-500  ·  ann, bob",
                "Table 2  ·  casino  ·  1 of 2 seats free  ·  3 watching  ·  "
                "bets 10-500  ·  cy",
                "Table 3  ·  casino  ·  2 of 2 seats free",
            ],
        )

    def test_a_watcher_is_offered_a_seat_and_the_tables(self):
        model = play(Connected(), {"type": "auth"}, WATCHING, WATCHED)
        for size in SIZES:
            surface = pygame.Surface(size)
            shown = view.draw(surface, model, 0.0)
            self.assertEqual([b.action for b in shown], ["sit", "lobby"])
        text, problem = view.status_text(model)
        self.assertEqual(
            (text, problem),
            ("Watching table 2  ·  Enter: sit down  ·  L: tables", False),
        )


class LobbyControlsTests(SynchronousTestCase):
    """Keys and clicks in the lobby."""

    def setUp(self):
        pygame.font.init()

    def test_keys(self):
        lobby = loaded(Lobby(), TABLES)
        lobby, command = controls.lobby_command(key(pygame.K_DOWN), lobby, SIZE)
        self.assertIsNone(command)
        _, command = controls.lobby_command(key(pygame.K_RETURN), lobby, SIZE)
        self.assertIsNone(command)  # table 1 is full
        _, command = controls.lobby_command(key(pygame.K_w), lobby, SIZE)
        self.assertEqual(command, controls.Command(controls.WATCH, table=1))
        lobby, _ = controls.lobby_command(key(pygame.K_DOWN), lobby, SIZE)
        _, command = controls.lobby_command(key(pygame.K_RETURN), lobby, SIZE)
        self.assertEqual(command, controls.Command(controls.SIT, table=2))
        lobby, _ = controls.lobby_command(key(pygame.K_HOME), lobby, SIZE)
        _, command = controls.lobby_command(key(pygame.K_RETURN), lobby, SIZE)
        self.assertEqual(command, controls.Command(controls.SIT, table=None))
        _, command = controls.lobby_command(key(pygame.K_r), lobby, SIZE)
        self.assertEqual(command, controls.Command(controls.REFRESH))
        _, command = controls.lobby_command(key(pygame.K_ESCAPE), lobby, SIZE)
        self.assertEqual(command, controls.Command(controls.QUIT))

    def test_clicks(self):
        lobby = loaded(Lobby(), TABLES)
        rows = dict(view.lobby_rows(SIZE, lobby))
        lobby, command = controls.lobby_command(click(rows[3].center), lobby, SIZE)
        self.assertEqual((lobby.selected, command), (3, None))
        # A second click on the row pointed at sits down there.
        _, command = controls.lobby_command(click(rows[3].center), lobby, SIZE)
        self.assertEqual(command, controls.Command(controls.SIT, table=3))
        watch = view.lobby_buttons(SIZE, lobby)[1]
        _, command = controls.lobby_command(click(watch.rect.center), lobby, SIZE)
        self.assertEqual(command, controls.Command(controls.WATCH, table=3))


class LobbyAppTests(AppTestCase):
    """The app: the lobby, watching, and sitting down where it watched."""

    def test_the_lobby_lists_and_sits(self):
        h = self.harness(lobby=True, url="ws://h:9/websocket")
        h.app.start()
        self.assertEqual(h.connections, [])
        url, asked = h.fetches[-1]
        self.assertEqual(url, "ws://h:9/websocket")
        h.app.frame()
        asked.callback(TABLES)
        h.key(pygame.K_DOWN)
        h.key(pygame.K_DOWN)
        h.key(pygame.K_RETURN)
        self.assertIsNone(h.app.lobby)
        self.assertEqual(h.connection.url, "ws://h:9/websocket?table=2")
        h.connection.hear(Connected(), {"type": "auth"})
        self.assertEqual(
            h.connection.sent,
            [{"type": "auth", "data": {"username": "ann", "table": 2}}],
        )
        self.assertEqual(h.app.frame_errors, 0)

    def test_a_lobby_that_cant_list_still_sits_anywhere(self):
        h = self.harness(lobby=True)
        h.app.start()
        h.fetches[-1][1].errback(TablesUnavailable("cannot list the tables: refused"))
        self.assertEqual(h.app.lobby.problem, "cannot list the tables: refused")
        h.key(pygame.K_r)
        self.assertEqual(len(h.fetches), 2)
        self.assertTrue(h.app.lobby.loading)
        h.key(pygame.K_RETURN)
        self.assertEqual(h.connection.url, client_app.DEFAULT_URL)
        # The answer to an ask no one waits for any more changes nothing.
        h.fetches[-1][1].callback(TABLES)
        self.assertIsNone(h.app.lobby)
        self.assertEqual(h.app.frame_errors, 0)

    def test_watch_then_sit_on_the_same_connection(self):
        h = self.harness(watch=2, password="pw")
        h.app.start()
        watched = h.connection
        self.assertEqual(watched.url, "ws://localhost:8888/websocket?table=2")
        watched.hear(Connected(), {"type": "auth"})
        self.assertEqual(watched.sent, [{"type": "watch", "data": {"table": 2}}])
        watched.hear(WATCHING, WATCHED)
        h.app.frame()
        self.assertEqual(h.app.model.watching, 2)
        h.key(pygame.K_RETURN)
        self.assertEqual(
            watched.sent[-1],
            {"type": "auth", "data": {"username": "ann", "password": "pw", "table": 2}},
        )
        watched.hear(
            {"type": "error", "status_code": 507, "message": "table 2 is full"}
        )
        h.app.frame()
        self.assertEqual(h.app.model.watching, 2)
        self.assertNotEqual(h.app.model.connection, FULL)
        # By mouse this time, and a seat is free.
        sit = view.watch_buttons(SIZE)[0]
        h.click(sit.rect.center)
        self.assertEqual(watched.sent[-1]["type"], "auth")
        watched.hear(
            CASINO_ID, {"type": "wait", "message": "dealt in at the next round"}
        )
        self.assertEqual(h.connections, [watched])
        self.assertEqual(h.app.model.connection, SEATED)
        self.assertIsNone(h.app.model.watching)
        h.app.frame()
        self.assertEqual(h.app.frame_errors, 0)

    def test_from_watching_back_to_the_tables(self):
        h = self.harness(watch=2)
        h.app.start()
        h.connection.hear(Connected(), {"type": "auth"}, WATCHING, WATCHED)
        h.key(pygame.K_l)
        self.assertIsNotNone(h.connection.closing)
        self.assertIsNotNone(h.app.lobby)
        h.fetches[-1][1].callback(TABLES)
        h.key(pygame.K_END)
        h.key(pygame.K_w)
        self.assertEqual(h.connection.url, "ws://localhost:8888/websocket?table=3")
        self.assertEqual(len(h.connections), 2)

    def test_a_table_chosen_that_is_none_or_full_brings_the_lobby_back(self):
        for code, message in [(404, "no table 9"), (507, "table 9 is full")]:
            h = self.harness(table=9)
            h.app.start()
            h.connection.hear(Connected(), {"type": "auth"})
            self.assertEqual(h.connection.sent[-1]["data"]["table"], 9)
            h.connection.hear(
                {"type": "error", "status_code": code, "message": message}
            )
            self.assertIsNotNone(h.connection.closing)
            self.assertEqual(h.app.lobby.message, f"Table 9: {message}")
            h.app.frame()
            self.assertEqual(h.app.frame_errors, 0)

    def test_the_options(self):
        args = client_app.parse_args(["--name", "ann", "--watch", "3"], {})
        self.assertEqual((args.watch, args.table, args.lobby), (3, None, False))
        args = client_app.parse_args(["--lobby"], {})
        self.assertTrue(args.lobby)
        for argv in (["--table", "0"], ["--table", "1", "--watch", "2"]):
            self.assertRaises(SystemExit, client_app.parse_args, argv, {})
