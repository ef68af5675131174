"""The pygame client end to end: the real server on a free loopback port, two
(or more) real client apps in this process on the real reactor, playing by
injected key events, with their screens drawn headless."""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable
from pathlib import Path

import pygame
import pytest
import pytest_twisted
from twisted.internet import reactor, task
from twisted.internet.utils import getProcessOutputAndValue

from blackjack_client import view
from blackjack_client.app import ClientApp
from blackjack_client.model import (
    DISCONNECTED,
    FULL,
    PHASE_OVER,
    PHASE_PLAYING,
    SEATED,
    Hand,
)
from blackjackd.lobby import Lobby
from blackjackd.protocol import BlackjackServerFactory, BlackjackServerProtocol
from blackjackd.rules import settle
from blackjackd.shoe import StackedShoe
from blackjackd.table import TableConfig
from blackjackd.web import build_site
from blackjackd.wire import as_dict

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 10.0
FPS = 30


class RecordingServerProtocol(BlackjackServerProtocol):
    """The real server protocol, keeping every message it sends."""

    def send_message(self, message):
        self.factory.sent.append((self.player_id, as_dict(message)))
        super().send_message(message)

    def onClose(self, wasClean, code, reason):
        self.factory.closes[self.player_id] = (wasClean, code)
        super().onClose(wasClean, code, reason)


class Server:
    """The real lobby, factory and site on 127.0.0.1, on a free port."""

    def __init__(self, cards, seats=2, round_delay=0.3, port=0):
        self.shoe = StackedShoe(cards)
        self.lobby = Lobby.build(
            tables=1,
            config=TableConfig(seats=seats, turn_timeout=30, round_delay=round_delay),
            clock=reactor,
            rng=random.Random(0),
            shoe_factory=lambda config: self.shoe,
        )
        self.factory = BlackjackServerFactory(self.lobby, reactor)
        self.factory.protocol = RecordingServerProtocol
        self.factory.sent = []
        self.factory.closes = {}
        self.port = None
        self.listen(port)

    def listen(self, number=0):
        self.port = reactor.listenTCP(
            number, build_site(self.factory, reactor), interface="127.0.0.1"
        )
        return self.port.getHost().port

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port.getHost().port}/websocket"

    def round_overs(self):
        return [m for _, m in self.factory.sent if m["type"] == "round_over"]

    async def stop(self):
        for client in list(self.factory.clients):
            client.dropConnection(abort=True)
        await wait_for(lambda: not self.factory.clients, "the server's clients gone")
        self.lobby.close()
        if self.port is not None:
            await self.port.stopListening()
            self.port = None


class Player:
    """A client app drawing on its own surface, with its own event queue."""

    def __init__(self, url, name, size=(800, 600), **options):
        self.surface = pygame.Surface(size)
        self.queue = []
        self.app = ClientApp(
            clock=reactor,
            surface=lambda: self.surface,
            events=self._take,
            url=url,
            name=name,
            autoplay_delay=0,
            **options,
        )
        self.loop = task.LoopingCall(self.app.frame)

    def _take(self):
        events, self.queue = self.queue, []
        return events

    def start(self):
        self.app.start()
        self.loop.start(1 / FPS)
        return self

    def press(self, key):
        self.queue.append(pygame.event.Event(pygame.KEYDOWN, key=key))

    @property
    def model(self):
        return self.app.model

    def can_act(self):
        return self.model.can_act()

    async def quit(self):
        if self.loop.running:
            self.loop.stop()
        await self.app.quit()
        assert self.app.frame_errors == 0


async def wait_for(condition: Callable[[], object], what: str) -> None:
    """Until ``condition()`` holds, checking every few milliseconds."""
    deadline = reactor.seconds() + TIMEOUT
    while not condition():
        if reactor.seconds() > deadline:
            raise TimeoutError(f"waited {TIMEOUT} s for {what}")
        await task.deferLater(reactor, 0.01, lambda: None)


@pytest.fixture(autouse=True)
def fonts():
    pygame.font.init()


# ann: TS 2S (12), hits 8H (20); bob: 9C 7D (16) stands; dealer: TH 8D (18).
# The next round: ann 2C 3C, bob 4C 5C (dealt one each, then a second).
ROUND = ["TS", "2S", "9C", "7D", "8H", "TH", "8D", "2C", "4C", "3C", "5C"]


@pytest_twisted.ensureDeferred
async def test_two_clients_play_a_round_by_keys(tmp_path):
    server = Server(ROUND)
    ann = Player(server.url, "ann").start()
    bob = None
    try:
        await wait_for(ann.can_act, "ann's deal")
        bob = Player(server.url, "bob", size=(1024, 768)).start()
        await wait_for(bob.can_act, "bob's deal")
        await wait_for(lambda: bob.model.my_id in ann.model.seats, "ann sees bob")
        assert ann.model.seats[bob.model.my_id].hand == Hand(("9C", "7D"), 16)
        assert bob.model.seats[ann.model.my_id].hand == Hand(("TS", "2S"), 12)

        bob.press(pygame.K_s)
        ann.press(pygame.K_h)
        await wait_for(lambda: len(ann.model.me.hand.cards) == 3, "ann's card")
        assert ann.model.me.hand.points == 20
        ann.press(pygame.K_s)
        for player in (ann, bob):
            await wait_for(lambda p=player: p.model.phase == PHASE_OVER, "the end")

        # Both clients settled the round as the server did.
        told = server.round_overs()
        assert len(told) == 2 and told[0] == told[1]
        truth = told[0]
        for player in (ann, bob):
            model = player.model
            assert model.dealer == Hand(
                tuple(truth["dealer"]["hand"]), truth["dealer"]["points"]
            )
            assert model.rounds == 1
            for result in truth["results"]:
                seat = model.seats[result["id"]]
                assert seat.result == result["result"]
                assert seat.hand == Hand(tuple(result["hand"]), result["points"])
                assert seat.result == settle(seat.hand.cards, model.dealer.cards).value
            assert {s.player_id: s.result for s in model.seats.values()} == {
                ann.model.my_id: "win",
                bob.model.my_id: "lose",
            }
            assert not any(b.enabled for b in view.buttons(model, (800, 600)))

        shot = tmp_path / "ann.png"
        ann.app.save_screenshot(shot)
        assert pygame.image.load(str(shot)).get_size() == (800, 600)

        # The results stay until the next round begins; then two new cards.
        await wait_for(lambda: ann.model.phase == PHASE_PLAYING, "the next round")
        await wait_for(ann.can_act, "ann's second deal")
        assert ann.model.me.hand == Hand(("2C", "3C"), 5)
        assert all(s.result is None for s in ann.model.seats.values())
        assert ann.app.frames > 3 and bob.app.frames > 3

        # Q, and closing the window, close the WebSocket properly.
        ann.press(pygame.K_q)
        bob.queue.append(pygame.event.Event(pygame.QUIT))
        for player in (ann, bob):
            await wait_for(lambda p=player: p.app.done.called, "quitting")
        assert server.factory.closes == {
            ann.model.my_id: (True, 1000),
            bob.model.my_id: (True, 1000),
        }
    finally:
        await ann.quit()
        if bob is not None:
            await bob.quit()
        await wait_for(lambda: not server.factory.clients, "clients to leave")
        await server.stop()


@pytest_twisted.ensureDeferred
async def test_table_full_then_retry():
    server = Server(ROUND * 2, seats=1)
    ann = Player(server.url, "ann").start()
    bob = Player(server.url, "bob")
    try:
        await wait_for(ann.can_act, "ann's deal")
        bob.start()
        await wait_for(lambda: bob.model.connection == FULL, "bob told it's full")
        await wait_for(lambda: bob.app.connection.is_gone, "bob's connection closed")
        assert bob.model.close_code == 1013
        assert view.status_text(bob.model)[0].startswith("Table full (507)")
        # Retry while the table is still full: refused again.
        first = bob.app.connection
        bob.press(pygame.K_r)
        await wait_for(
            lambda: bob.app.connection is not first and bob.app.connection.is_gone,
            "bob's second refusal",
        )
        assert bob.model.connection == FULL
        ann.press(pygame.K_q)
        await wait_for(lambda: ann.app.done.called, "ann to leave")
        await wait_for(lambda: server.lobby.seats_taken == 0, "ann's seat to free")
        bob.press(pygame.K_r)
        await wait_for(lambda: bob.model.connection == SEATED, "bob seated")
    finally:
        await ann.quit()
        await bob.quit()
        await server.stop()


@pytest_twisted.ensureDeferred
async def test_a_lost_server_then_reconnect():
    server = Server(ROUND * 2)
    ann = Player(server.url, "ann").start()
    try:
        await wait_for(ann.can_act, "ann's deal")
        number = server.port.getHost().port
        await server.stop()
        await wait_for(lambda: ann.model.connection == DISCONNECTED, "disconnect")
        assert (ann.model.close_code, ann.model.close_reason) == (
            1006,
            "connection lost",
        )
        frames = ann.app.frames
        await wait_for(lambda: ann.app.frames > frames + 2, "the window going on")
        assert [b.action for b in view.buttons(ann.model, (800, 600))][-1] == (
            "reconnect"
        )
        # Nobody listens: the attempt fails, and says so.
        first = ann.app.connection
        ann.press(pygame.K_r)
        await wait_for(
            lambda: ann.app.connection is not first and ann.app.connection.is_gone,
            "the attempt to fail",
        )
        assert ann.model.connection == DISCONNECTED
        assert "cannot connect" in ann.model.close_reason
        # The server is back on its port: Reconnect seats ann again.
        server = Server(ROUND * 2, port=number)
        ann.press(pygame.K_r)
        await wait_for(lambda: ann.model.connection == SEATED, "seated again")
        assert ann.app.frame_errors == 0
    finally:
        await ann.quit()
        await server.stop()


@pytest_twisted.ensureDeferred
async def test_the_command_plays_rounds_and_saves_a_screenshot(tmp_path):
    # solo: TS 8S (18) stands at once; the dealer TH 7D (17).
    server = Server(["TS", "8S", "TH", "7D"], seats=1)
    shot = tmp_path / "solo.png"
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "PYTHONPATH": os.pathsep.join([str(REPO / "client"), str(REPO)]),
    }
    try:
        out, err, code = await getProcessOutputAndValue(
            sys.executable,
            [
                "-m",
                "blackjack_client",
                server.url,
                "--name",
                "solo",
                "--autoplay",
                "--rounds",
                "1",
                "--screenshot",
                str(shot),
            ],
            env=env,
            path=str(tmp_path),
        )
        assert code == 0, (out, err)
        assert pygame.image.load(str(shot)).get_size() == (1024, 720)
        [told] = server.round_overs()
        assert told["results"][0]["result"] == "win"
        await wait_for(lambda: not server.factory.clients, "the client to leave")
        # Only the start screen writes the config file.
        assert not (tmp_path / "config").exists()
    finally:
        await server.stop()
