"""The pygame client's app without a network: a fake connection, a Clock and
injected pygame events. Input, the auto-player, rounds, the screenshot, the
start screen and its config file, reconnecting and quitting."""

from __future__ import annotations

import json

import pygame

from blackjack_client import app as client_app
from blackjack_client import config, view
from blackjack_client.model import (
    CLOSED,
    CONNECTING,
    FULL,
    RECONNECTING,
    SEATED,
    Connected,
    Disconnected,
)
from tests.client_harness import SIZE, AppTestCase
from tests.client_messages import ID, hit


def round_over(result="win"):
    return {
        "type": "round_over",
        "dealer": {"hand": ["TD", "8D"], "points": 18},
        "results": [
            {"id": 7, "username": "ann", "hand": ["TS", "9S"], "points": 19,
             "result": result}
        ],
        "next_round_in": 1,
    }  # fmt: skip


class InputTests(AppTestCase):
    """Auth, keys and buttons, and the auto-player."""

    def test_auth_is_answered_with_the_name(self):
        h = self.harness()
        h.app.start()
        self.assertEqual(h.app.model.connection, CONNECTING)
        self.assertEqual(h.connection.url, client_app.DEFAULT_URL)
        h.connection.hear(Connected(), {"type": "auth"})
        self.assertEqual(
            h.connection.sent, [{"type": "auth", "data": {"username": "ann"}}]
        )
        h.connection.hear(ID)
        self.assertEqual(h.app.model.connection, SEATED)

    def test_keys_hit_and_stand_only_when_allowed(self):
        h = self.harness()
        h.seat(("TS", 10), ("2S", 12))
        h.connection.sent.clear()
        h.key(pygame.K_h)
        h.key(pygame.K_h)  # the first hit's card hasn't come: no second one
        self.assertEqual(h.connection.sent, [{"type": "hit"}])
        h.connection.hear(hit("5D", 7, 17))
        h.key(pygame.K_s)
        h.connection.hear({"type": "stand", "id": 7, "reason": "stand"})
        h.key(pygame.K_s)
        h.key(pygame.K_h)
        self.assertEqual(h.connection.sent, [{"type": "hit"}, {"type": "stand"}])
        self.assertEqual(h.app.frame_errors, 0)

    def test_buttons_are_clicked(self):
        h = self.harness()
        h.seat(("TS", 10), ("2S", 12))
        h.connection.sent.clear()
        hit_button, stand_button = view.buttons(h.app.model, SIZE)
        h.click(hit_button.rect.center)
        self.assertEqual(h.connection.sent, [{"type": "hit"}])
        h.click(stand_button.rect.center)  # disabled while the hit is answered
        self.assertEqual(h.connection.sent, [{"type": "hit"}])
        h.connection.hear(hit("5D", 7, 17))
        h.click(stand_button.rect.center)
        self.assertEqual(h.connection.sent, [{"type": "hit"}, {"type": "stand"}])
        h.click((5, 5))  # not a button
        self.assertEqual(len(h.connection.sent), 2)

    def test_autoplay_stands_on_17(self):
        for points, action in [(12, "hit"), (16, "hit"), (17, "stand"), (20, "stand")]:
            h = self.harness(autoplay=True)
            h.seat(("TS", 10), ("2S", points))
            h.connection.sent.clear()
            h.app.frame()
            self.assertEqual(
                h.connection.sent,
                [{"type": action}],
                f"points={points!r} action={action!r}",
            )
            h.app.frame()
            self.assertEqual(
                len(h.connection.sent), 1, f"points={points!r} action={action!r}"
            )  # waits for the answer

    def test_autoplay_takes_its_time(self):
        h = self.harness(autoplay=True, autoplay_delay=0.5)
        h.seat(("TS", 10), ("2S", 12))
        h.connection.sent.clear()
        h.app.frame()
        h.clock.advance(0.4)
        h.app.frame()
        self.assertEqual(h.connection.sent, [])
        h.clock.advance(0.2)
        h.app.frame()
        self.assertEqual(h.connection.sent, [{"type": "hit"}])


class RoundsAndQuittingTests(AppTestCase):
    """Playing a number of rounds, the screenshot, quitting, reconnecting."""

    def test_rounds_then_quit_with_a_screenshot(self):
        shot = self.tmp_path / "shots" / "end.png"
        h = self.harness(rounds=2, screenshot=shot)
        h.seat(("TS", 10), ("9S", 19))
        h.connection.hear(round_over(), {"type": "restart"}, hit("2C", 7, 2))
        self.assertFalse(h.app.done.called)
        h.connection.hear(hit("3C", 7, 5), round_over("lose"))
        # The screenshot is of the table as it ended, before the close.
        image = pygame.image.load(str(shot))
        self.assertEqual(image.get_size(), SIZE)
        self.assertIsNotNone(h.connection.closing)
        self.assertFalse(h.app.done.called)
        h.connection.gone()
        self.assertTrue(h.app.done.called)
        self.assertEqual(h.app.model.connection, CLOSED)
        self.assertEqual(h.app.model.rounds, 2)

    def test_q_or_closing_the_window_closes_the_websocket(self):
        for event in [
            pygame.event.Event(pygame.KEYDOWN, key=pygame.K_q),
            pygame.event.Event(pygame.QUIT),
        ]:
            h = self.harness()
            h.seat(("TS", 10), ("2S", 12))
            h.queue.append(event)
            h.app.frame()
            self.assertIsNotNone(h.connection.closing, f"event={event!r}")
            h.connection.gone()
            self.assertTrue(h.app.done.called, f"event={event!r}")

    def test_quit_gives_up_waiting_for_a_silent_server(self):
        h = self.harness()
        h.seat(("TS", 10), ("2S", 12))
        done = h.app.quit()
        self.assertFalse(done.called)
        h.clock.advance(client_app.QUIT_TIMEOUT + 0.1)
        self.assertTrue(done.called)

    def test_quit_on_the_start_screen(self):
        h = self.harness(name=None)
        h.app.start()
        self.assertEqual(h.connections, [])
        h.key(pygame.K_ESCAPE)
        self.assertTrue(h.app.done.called)

    def test_r_comes_back_at_once_after_a_disconnect(self):
        h = self.harness()
        h.seat(("TS", 10), ("2S", 12))
        first = h.connection
        first.sent.clear()
        h.key(pygame.K_r)  # still seated: a rebuy, which a classic table hasn't
        self.assertEqual((len(h.connections), first.sent), (1, []))
        first.hear(Disconnected(1006, "connection lost"))
        self.assertEqual(h.app.model.connection, RECONNECTING)
        for _ in range(3):
            h.app.frame()  # the window goes on
        self.assertEqual(h.app.frame_errors, 0)
        h.key(pygame.K_r)  # no waiting
        self.assertEqual(len(h.connections), 2)
        self.assertEqual(h.app.model.connection, CONNECTING)
        # The table stays drawn until the server's word.
        self.assertEqual(list(h.app.model.seats), [7])
        # The old connection can't speak any more.
        first.hear({"type": "id", **{k: v for k, v in ID.items() if k != "type"}})
        self.assertEqual(h.app.model.connection, CONNECTING)
        h.connection.hear(Connected(), {"type": "auth"}, ID)
        self.assertEqual(h.app.model.connection, SEATED)
        # The wait that was on is off: no third connection.
        h.clock.advance(60)
        self.assertEqual(len(h.connections), 2)

    def test_table_full_then_retry_by_button(self):
        h = self.harness()
        h.app.start()
        h.connection.hear(
            Connected(),
            {"type": "error", "status_code": 507, "message": "all busy"},
            Disconnected(1013, "all busy"),
        )
        self.assertEqual(h.app.model.connection, FULL)
        h.app.frame()
        retry = view.buttons(h.app.model, SIZE)[-1]
        self.assertTrue(retry.label.startswith("Retry"))
        h.click(retry.rect.center)
        self.assertEqual(len(h.connections), 2)


class StartScreenTests(AppTestCase):
    """The start screen and the address and name it remembers."""

    def test_start_screen_connects_and_remembers(self):
        path = self.tmp_path / "blackjackd" / "client.json"
        path.parent.mkdir(parents=True)
        path.write_text("{not json")  # a broken file is no file
        h = self.harness(name=None)
        h.app.start()
        h.app.frame()
        self.assertEqual(h.app.form.server, client_app.DEFAULT_URL)
        self.assertEqual(h.app.form.name, "")
        h.key(pygame.K_RETURN)
        self.assertIn("name", h.app.form.message)
        self.assertEqual(h.connections, [])
        h.type("ann")
        h.type("e")
        h.key(pygame.K_BACKSPACE)
        h.key(pygame.K_TAB)  # to the password field: left empty, a guest
        h.key(pygame.K_TAB)  # to the server field
        for _ in range(len("websocket")):
            h.key(pygame.K_BACKSPACE)
        h.type("ws")
        h.key(pygame.K_RETURN)
        # The lobby asks the same server for its tables; Enter sits at any
        # free seat.
        self.assertEqual(h.connections, [])
        self.assertEqual(h.fetches[0][0], "ws://localhost:8888/ws")
        h.key(pygame.K_RETURN)
        self.assertEqual(h.connection.url, "ws://localhost:8888/ws")
        h.connection.hear(Connected(), {"type": "auth"})
        self.assertEqual(
            h.connection.sent, [{"type": "auth", "data": {"username": "ann"}}]
        )
        self.assertEqual(
            json.loads(path.read_text()),
            {
                "server": "ws://localhost:8888/ws",
                "name": "ann",
            },
        )

        again = self.harness(name=None)
        self.assertEqual(
            (again.app.form.server, again.app.form.name),
            (
                "ws://localhost:8888/ws",
                "ann",
            ),
        )
        # A URL on the command line wins over the remembered one.
        given = self.harness(name=None, url="ws://elsewhere:1/websocket")
        self.assertEqual(given.app.form.server, "ws://elsewhere:1/websocket")
        # With --name there's no start screen, and the URL's default is the default.
        named = self.harness(name="bot")
        named.app.start()
        self.assertEqual(named.connection.url, client_app.DEFAULT_URL)

    def test_start_screen_by_mouse(self):
        h = self.harness(name=None)
        h.app.start()
        server_field, name_field, _ = view.start_fields(SIZE)
        h.click(server_field.center)
        self.assertEqual(h.app.form.focus, 0)
        h.click(name_field.center)
        h.type("bob")
        h.click(view.start_button(SIZE).rect.center)
        sit = view.lobby_buttons(SIZE, h.app.lobby)[0]
        h.click(sit.rect.center)
        self.assertEqual(h.connection.url, client_app.DEFAULT_URL)

    def test_start_screen_wants_a_websocket_address(self):
        h = self.harness(name="x")
        h.app.form = view.StartForm(server="http://nope", name="ann")
        self.assertFalse(h.app.submit())
        self.assertIn("ws://", h.app.form.message)


class LoopTests(AppTestCase):
    """The frame loop: failures, and redrawing only on a change."""

    def test_a_failing_frame_does_not_stop_the_loop(self):
        h = self.harness()

        def broken():
            raise RuntimeError("boom")

        h.app.events = broken
        h.app.frame()
        self.assertEqual(h.app.frame_errors, 1)
        self.flushLoggedErrors(RuntimeError)  # logged, as it should be

    def test_an_idle_table_is_not_redrawn_every_frame(self):
        h = self.harness()
        h.seat(("TS", 10), ("2S", 12))
        h.app.frame()
        draws = h.app.draws
        for _ in range(5):
            h.app.frame()
        self.assertEqual(h.app.draws, draws)
        h.connection.hear(hit("AD", 5, 11))  # a message: the model changed
        h.app.frame()
        self.assertEqual(h.app.draws, draws + 1)
        h.clock.advance(0.1)  # the countdown moves on
        h.app.frame()
        self.assertEqual(h.app.draws, draws + 2)
        h.queue.append(pygame.event.Event(pygame.MOUSEMOTION, pos=(1, 1)))
        h.app.frame()
        self.assertEqual(h.app.draws, draws + 3)
        self.assertEqual(h.app.frames, draws + 8)


class ConfigTests(AppTestCase):
    """The config file: where it lives, broken files, saving; the command line."""

    def test_config_dir(self):
        self.assertEqual(
            config.config_dir({"XDG_CONFIG_HOME": "/x/cfg"}).as_posix(), "/x/cfg"
        )
        self.assertEqual(
            config.config_dir({"HOME": "/home/ann"}).as_posix(), "/home/ann/.config"
        )
        # A relative XDG_CONFIG_HOME is invalid by the spec, and ignored.
        self.assertEqual(
            config.config_dir({"XDG_CONFIG_HOME": "rel", "HOME": "/h"}).as_posix(),
            "/h/.config",
        )
        self.patch(config.sys, "platform", "win32")
        self.assertEqual(
            config.config_dir({"APPDATA": "C:/Users/ann/AppData/Roaming"}).name,
            "Roaming",
        )
        self.assertTrue(
            config.config_path({"APPDATA": "C:/A"})
            .as_posix()
            .endswith("blackjackd/client.json")
        )

    def test_broken_config_files_are_ignored(self):
        for content in ["", "[]", '{"server": 5, "name": ["x"]}', "\xff\xfe", "{"]:
            path = self.tmp_path / "client.json"
            path.write_bytes(content.encode("latin-1"))
            self.assertEqual(config.load(path), {}, f"content={content!r}")

    def test_config_round_trip_and_unwritable(self):
        path = self.tmp_path / "a" / "client.json"
        self.assertTrue(
            config.save(path, {"server": "ws://h/", "name": "ann", "junk": "x"})
        )
        self.assertEqual(config.load(path), {"server": "ws://h/", "name": "ann"})
        blocker = self.tmp_path / "file"
        blocker.write_text("")
        self.assertFalse(config.save(blocker / "client.json", {"name": "ann"}))
        self.assertEqual(config.load(self.tmp_path / "missing.json"), {})

    def test_command_line(self):
        args = client_app.parse_args([])
        self.assertEqual(
            (args.url, args.name, args.autoplay, args.rounds, args.screenshot),
            (
                None,
                None,
                False,
                None,
                None,
            ),
        )
        args = client_app.parse_args(
            ["ws://h:1/websocket", "--name", "bo", "--autoplay", "--rounds", "3",
             "--screenshot", "x.png"]
        )  # fmt: skip
        self.assertEqual(
            (args.url, args.name, args.autoplay, args.rounds, str(args.screenshot)),
            (
                "ws://h:1/websocket",
                "bo",
                True,
                3,
                "x.png",
            ),
        )
        for bad in (["--rounds", "0"], ["--rounds", "many"]):
            self.assertRaises(SystemExit, client_app.parse_args, bad)
