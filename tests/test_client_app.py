"""The pygame client's app without a network: a fake connection, a Clock and
injected pygame events. Input, the auto-player, rounds, the screenshot, the
start screen and its config file, reconnecting and quitting."""

from __future__ import annotations

import json

import pygame
import pytest
from test_client_model import ID, hit
from twisted.internet.defer import Deferred
from twisted.internet.task import Clock

from blackjack_client import app as client_app
from blackjack_client import config, view
from blackjack_client.model import (
    CLOSED,
    CONNECTING,
    DISCONNECTED,
    FULL,
    SEATED,
    Connected,
    Disconnected,
)
from blackjackd.wire import as_dict

SIZE = (800, 600)


class FakeConnection:
    """Stands in for ``TableConnection``: records what is sent."""

    def __init__(self, url, listener):
        self.url = url
        self.listener = listener
        self.sent = []
        self.connected = False
        self.is_gone = False
        self.closing: Deferred[None] | None = None

    def connect(self):
        self.connected = True

    def send(self, request):
        # Recorded as the JSON object it goes out as.
        self.sent.append(as_dict(request))
        return True

    def close(self):
        self.closing = Deferred()
        return self.closing

    # What the server would do.
    def hear(self, *messages):
        for message in messages:
            self.listener(message)

    def gone(self):
        self.is_gone = True
        self.listener(Disconnected(1000, "", by_us=True))
        if self.closing is not None:
            self.closing.callback(None)


class Harness:
    def __init__(self, tmp_path, **options):
        self.clock = Clock()
        self.clock.advance(1000)
        self.surface = pygame.Surface(SIZE)
        self.queue = []
        self.connections = []
        options.setdefault("name", "ann")
        options.setdefault("autoplay_delay", 0)
        self.app = client_app.ClientApp(
            clock=self.clock,
            surface=lambda: self.surface,
            events=self.take,
            connect=self.connect,
            config_file=tmp_path / "blackjackd" / "client.json",
            **options,
        )

    def connect(self, url, listener):
        connection = FakeConnection(url, listener)
        self.connections.append(connection)
        return connection

    @property
    def connection(self):
        return self.connections[-1]

    def take(self):
        events, self.queue = self.queue, []
        return events

    def key(self, key):
        self.queue.append(pygame.event.Event(pygame.KEYDOWN, key=key))
        self.app.frame()

    def type(self, text):
        self.queue.append(pygame.event.Event(pygame.TEXTINPUT, text=text))
        self.app.frame()

    def click(self, pos):
        self.queue.append(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos))
        self.app.frame()

    def seat(self, *cards_and_points):
        """Connect, sit down, and be dealt ``cards_and_points``."""
        self.app.start()
        self.connection.hear(Connected(), {"type": "auth"}, ID)
        for card, points in cards_and_points:
            self.connection.hear(hit(card, 7, points))
        self.connection.hear({"type": "deadline", "id": 7, "seconds": 30})


@pytest.fixture
def harness(tmp_path):
    pygame.font.init()
    return lambda **options: Harness(tmp_path, **options)


def test_auth_is_answered_with_the_name(harness):
    h = harness()
    h.app.start()
    assert h.app.model.connection == CONNECTING
    assert h.connection.url == client_app.DEFAULT_URL
    h.connection.hear(Connected(), {"type": "auth"})
    assert h.connection.sent == [{"type": "auth", "data": {"username": "ann"}}]
    h.connection.hear(ID)
    assert h.app.model.connection == SEATED


def test_keys_hit_and_stand_only_when_allowed(harness):
    h = harness()
    h.seat(("TS", 10), ("2S", 12))
    h.connection.sent.clear()
    h.key(pygame.K_h)
    h.key(pygame.K_h)  # the first hit's card hasn't come: no second one
    assert h.connection.sent == [{"type": "hit"}]
    h.connection.hear(hit("5D", 7, 17))
    h.key(pygame.K_s)
    h.connection.hear({"type": "stand", "id": 7, "reason": "stand"})
    h.key(pygame.K_s)
    h.key(pygame.K_h)
    assert h.connection.sent == [{"type": "hit"}, {"type": "stand"}]
    assert h.app.frame_errors == 0


def test_buttons_are_clicked(harness):
    h = harness()
    h.seat(("TS", 10), ("2S", 12))
    h.connection.sent.clear()
    hit_button, stand_button = view.buttons(h.app.model, SIZE)
    h.click(hit_button.rect.center)
    assert h.connection.sent == [{"type": "hit"}]
    h.click(stand_button.rect.center)  # disabled while the hit is answered
    assert h.connection.sent == [{"type": "hit"}]
    h.connection.hear(hit("5D", 7, 17))
    h.click(stand_button.rect.center)
    assert h.connection.sent == [{"type": "hit"}, {"type": "stand"}]
    h.click((5, 5))  # not a button
    assert len(h.connection.sent) == 2


@pytest.mark.parametrize(
    ("points", "action"), [(12, "hit"), (16, "hit"), (17, "stand"), (20, "stand")]
)
def test_autoplay_stands_on_17(harness, points, action):
    h = harness(autoplay=True)
    h.seat(("TS", 10), ("2S", points))
    h.connection.sent.clear()
    h.app.frame()
    assert h.connection.sent == [{"type": action}]
    h.app.frame()
    assert len(h.connection.sent) == 1  # waits for the answer


def test_autoplay_takes_its_time(harness):
    h = harness(autoplay=True, autoplay_delay=0.5)
    h.seat(("TS", 10), ("2S", 12))
    h.connection.sent.clear()
    h.app.frame()
    h.clock.advance(0.4)
    h.app.frame()
    assert h.connection.sent == []
    h.clock.advance(0.2)
    h.app.frame()
    assert h.connection.sent == [{"type": "hit"}]


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


def test_rounds_then_quit_with_a_screenshot(harness, tmp_path):
    shot = tmp_path / "shots" / "end.png"
    h = harness(rounds=2, screenshot=shot)
    h.seat(("TS", 10), ("9S", 19))
    h.connection.hear(round_over(), {"type": "restart"}, hit("2C", 7, 2))
    assert not h.app.done.called
    h.connection.hear(hit("3C", 7, 5), round_over("lose"))
    # The screenshot is of the table as it ended, before the close.
    image = pygame.image.load(str(shot))
    assert image.get_size() == SIZE
    assert h.connection.closing is not None
    assert not h.app.done.called
    h.connection.gone()
    assert h.app.done.called
    assert h.app.model.connection == CLOSED
    assert h.app.model.rounds == 2


@pytest.mark.parametrize(
    "event",
    [
        pygame.event.Event(pygame.KEYDOWN, key=pygame.K_q),
        pygame.event.Event(pygame.QUIT),
    ],
)
def test_q_or_closing_the_window_closes_the_websocket(harness, event):
    h = harness()
    h.seat(("TS", 10), ("2S", 12))
    h.queue.append(event)
    h.app.frame()
    assert h.connection.closing is not None
    h.connection.gone()
    assert h.app.done.called


def test_quit_gives_up_waiting_for_a_silent_server(harness):
    h = harness()
    h.seat(("TS", 10), ("2S", 12))
    done = h.app.quit()
    assert not done.called
    h.clock.advance(client_app.QUIT_TIMEOUT + 0.1)
    assert done.called


def test_quit_on_the_start_screen(harness):
    h = harness(name=None)
    h.app.start()
    assert h.connections == []
    h.key(pygame.K_ESCAPE)
    assert h.app.done.called


def test_reconnect_after_a_disconnect(harness):
    h = harness()
    h.seat(("TS", 10), ("2S", 12))
    first = h.connection
    h.key(pygame.K_r)  # nothing to reconnect: still seated
    assert len(h.connections) == 1
    first.hear(Disconnected(1006, "connection lost"))
    assert h.app.model.connection == DISCONNECTED
    for _ in range(3):
        h.app.frame()  # the window goes on
    assert h.app.frame_errors == 0
    h.key(pygame.K_r)
    assert len(h.connections) == 2
    assert h.app.model.connection == CONNECTING
    assert h.app.model.seats == {}
    # The old connection can't speak any more.
    first.hear({"type": "id", **{k: v for k, v in ID.items() if k != "type"}})
    assert h.app.model.connection == CONNECTING
    h.connection.hear(Connected(), {"type": "auth"}, ID)
    assert h.app.model.connection == SEATED


def test_table_full_then_retry_by_button(harness):
    h = harness()
    h.app.start()
    h.connection.hear(
        Connected(),
        {"type": "error", "status_code": 507, "message": "all busy"},
        Disconnected(1013, "all busy"),
    )
    assert h.app.model.connection == FULL
    h.app.frame()
    retry = view.buttons(h.app.model, SIZE)[-1]
    assert retry.label.startswith("Retry")
    h.click(retry.rect.center)
    assert len(h.connections) == 2


def test_start_screen_connects_and_remembers(harness, tmp_path):
    path = tmp_path / "blackjackd" / "client.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json")  # a broken file is no file
    h = harness(name=None)
    h.app.start()
    h.app.frame()
    assert h.app.form.server == client_app.DEFAULT_URL
    assert h.app.form.name == ""
    h.key(pygame.K_RETURN)
    assert "name" in h.app.form.message
    assert h.connections == []
    h.type("ann")
    h.type("e")
    h.key(pygame.K_BACKSPACE)
    h.key(pygame.K_TAB)  # to the server field
    for _ in range(len("websocket")):
        h.key(pygame.K_BACKSPACE)
    h.type("ws")
    h.key(pygame.K_RETURN)
    assert h.connection.url == "ws://localhost:8888/ws"
    h.connection.hear(Connected(), {"type": "auth"})
    assert h.connection.sent == [{"type": "auth", "data": {"username": "ann"}}]
    assert json.loads(path.read_text()) == {
        "server": "ws://localhost:8888/ws",
        "name": "ann",
    }

    again = harness(name=None)
    assert (again.app.form.server, again.app.form.name) == (
        "ws://localhost:8888/ws",
        "ann",
    )
    # A URL on the command line wins over the remembered one.
    given = harness(name=None, url="ws://elsewhere:1/websocket")
    assert given.app.form.server == "ws://elsewhere:1/websocket"
    # With --name there's no start screen, and the URL's default is the default.
    named = harness(name="bot")
    named.app.start()
    assert named.connection.url == client_app.DEFAULT_URL


def test_start_screen_by_mouse(harness):
    h = harness(name=None)
    h.app.start()
    server_field, name_field = view.start_fields(SIZE)
    h.click(server_field.center)
    assert h.app.form.focus == 0
    h.click(name_field.center)
    h.type("bob")
    h.click(view.start_button(SIZE).rect.center)
    assert h.connection.url == client_app.DEFAULT_URL


def test_start_screen_wants_a_websocket_address(harness):
    h = harness(name="x")
    h.app.form = view.StartForm(server="http://nope", name="ann")
    assert not h.app.submit()
    assert "ws://" in h.app.form.message


def test_a_failing_frame_does_not_stop_the_loop(harness):
    h = harness()

    def broken():
        raise RuntimeError("boom")

    h.app.events = broken
    h.app.frame()
    assert h.app.frame_errors == 1


def test_config_dir(monkeypatch):
    assert config.config_dir({"XDG_CONFIG_HOME": "/x/cfg"}).as_posix() == "/x/cfg"
    assert config.config_dir({"HOME": "/home/ann"}).as_posix() == "/home/ann/.config"
    # A relative XDG_CONFIG_HOME is invalid by the spec, and ignored.
    assert (
        config.config_dir({"XDG_CONFIG_HOME": "rel", "HOME": "/h"}).as_posix()
        == "/h/.config"
    )
    monkeypatch.setattr(config.sys, "platform", "win32")
    assert config.config_dir({"APPDATA": "C:/Users/ann/AppData/Roaming"}).name == (
        "Roaming"
    )
    assert (
        config.config_path({"APPDATA": "C:/A"})
        .as_posix()
        .endswith("blackjackd/client.json")
    )


@pytest.mark.parametrize(
    "content", ["", "[]", '{"server": 5, "name": ["x"]}', "\xff\xfe", "{"]
)
def test_broken_config_files_are_ignored(tmp_path, content):
    path = tmp_path / "client.json"
    path.write_bytes(content.encode("latin-1"))
    assert config.load(path) == {}


def test_config_round_trip_and_unwritable(tmp_path):
    path = tmp_path / "a" / "client.json"
    assert config.save(path, {"server": "ws://h/", "name": "ann", "junk": "x"})
    assert config.load(path) == {"server": "ws://h/", "name": "ann"}
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert not config.save(blocker / "client.json", {"name": "ann"})
    assert config.load(tmp_path / "missing.json") == {}


def test_command_line():
    args = client_app.parse_args([])
    assert (args.url, args.name, args.autoplay, args.rounds, args.screenshot) == (
        None,
        None,
        False,
        None,
        None,
    )
    args = client_app.parse_args(
        ["ws://h:1/websocket", "--name", "bo", "--autoplay", "--rounds", "3",
         "--screenshot", "x.png"]
    )  # fmt: skip
    assert (args.url, args.name, args.autoplay, args.rounds, str(args.screenshot)) == (
        "ws://h:1/websocket",
        "bo",
        True,
        3,
        "x.png",
    )
    for bad in (["--rounds", "0"], ["--rounds", "many"]):
        with pytest.raises(SystemExit):
            client_app.parse_args(bad)


def test_an_idle_table_is_not_redrawn_every_frame(harness):
    h = harness()
    h.seat(("TS", 10), ("2S", 12))
    h.app.frame()
    draws = h.app.draws
    for _ in range(5):
        h.app.frame()
    assert h.app.draws == draws
    h.connection.hear(hit("AD", 5, 11))  # a message: the model changed
    h.app.frame()
    assert h.app.draws == draws + 1
    h.clock.advance(0.1)  # the countdown moves on
    h.app.frame()
    assert h.app.draws == draws + 2
    h.queue.append(pygame.event.Event(pygame.MOUSEMOTION, pos=(1, 1)))
    h.app.frame()
    assert h.app.draws == draws + 3
    assert h.app.frames == draws + 8
