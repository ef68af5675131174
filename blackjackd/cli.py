"""Play at a blackjackd table from a terminal.

    python -m blackjackd.cli [URL] [--name NAME] [--auto] [--rounds N]

Type ``h`` to hit, ``s`` to stand and ``q`` to quit. With ``--auto`` it plays
by itself (hit below 17), which makes it a small bot for filling a table.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from autobahn.twisted.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    connectWS,
)
from twisted.internet import defer, task
from twisted.internet.interfaces import IReactorCore
from twisted.internet.protocol import Protocol
from twisted.internet.stdio import StandardIO

DEFAULT_URL = "ws://localhost:8888/websocket"
AUTOPLAY_STAND_ON = 17


def describe(message: dict[str, Any], my_id: object) -> str | None:
    """One line for a person to read about ``message``; None to say nothing."""
    kind = message.get("type")
    who = "you" if message.get("id") == my_id else f"player {message.get('id')}"
    if kind == "auth":
        return "connected; asking for a seat"
    if kind == "id":
        return (
            f"seated at table {message.get('table')} as {message.get('username')} "
            f"(id {message.get('client_id')})"
        )
    if kind == "hit":
        return f"{who} drew {message['card']}: {message['points']}"
    if kind == "other_players":
        return (
            f"{message.get('username', message['id'])} holds "
            f"{' '.join(message['hand']) or 'no cards yet'}"
        )
    if kind == "new_client":
        return f"{message.get('username', message['message'])} sat down"
    if kind == "left":
        return f"player {message['id']} left"
    if kind == "stand":
        return f"{who} stand ({message.get('reason', 'stand')})"
    if kind == "bust":
        return "you bust"
    if kind == "deadline" and message.get("id") == my_id:
        return f"your move: h(it) or s(tand) within {message['seconds']:g} s"
    if kind == "winner":
        return f"{who} won"
    if kind == "lose":
        return "you lost"
    if kind == "push":
        return "push"
    if kind == "round_over":
        dealer = message["dealer"]
        return f"round over; dealer {' '.join(dealer['hand'])}: {dealer['points']}"
    if kind == "restart":
        return "--- new round ---"
    if kind == "wait":
        return "you are dealt in at the next round"
    if kind == "shuffle":
        return "the dealer shuffles the shoe"
    if kind == "error":
        return f"error {message.get('status_code')}: {message.get('message')}"
    return None


class TerminalPlayer(WebSocketClientProtocol):
    """Prints the table's messages and sends the player's commands."""

    def onOpen(self) -> None:
        self.factory.player = self
        self.my_id: object = None
        self.my_points = 0
        self.my_turn = False
        self.rounds = 0

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        message = json.loads(payload)
        settings = self.factory.settings
        kind = message.get("type")
        if kind == "auth":
            self.send({"type": "auth", "data": {"username": settings.name}})
        elif kind == "id":
            self.my_id = message["client_id"]
        mine = message.get("id") == self.my_id
        # The moments the auto-player acts: its deal is done (deadline),
        # or a card it asked for arrived while its hand is still open.
        decide = False
        if kind == "hit" and mine:
            self.my_points = message["points"]
            decide = self.my_turn
        elif kind == "deadline" and mine:
            self.my_turn = decide = True
        elif kind in ("bust", "stand") and mine:
            self.my_turn = False
        line = describe(message, self.my_id)
        if line:
            print(line, flush=True)
        if kind == "round_over":
            self.rounds += 1
            if settings.rounds and self.rounds >= settings.rounds:
                self.sendClose()
                return
        if settings.auto and decide and self.my_points < 21:
            self.command("h" if self.my_points < AUTOPLAY_STAND_ON else "s")

    def command(self, word: str) -> None:
        """Act on what the player typed."""
        word = word.strip().lower()
        if word in ("h", "hit"):
            self.send({"type": "hit"})
        elif word in ("s", "stand"):
            self.my_turn = False
            self.send({"type": "stand"})
        elif word in ("q", "quit"):
            self.sendClose()
        elif word:
            print("h to hit, s to stand, q to quit", flush=True)

    def send(self, message: dict[str, Any]) -> None:
        self.sendMessage(json.dumps(message).encode())

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        print(f"disconnected ({code}: {reason or 'no reason given'})", flush=True)
        if not self.factory.done.called:
            self.factory.done.callback(None)


class _Keyboard(Protocol):
    def __init__(self, factory: WebSocketClientFactory) -> None:
        self._factory = factory

    def dataReceived(self, data: bytes) -> None:
        player = getattr(self._factory, "player", None)
        for line in data.decode(errors="replace").splitlines():
            if player is not None:
                player.command(line)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m blackjackd.cli", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--name", default="player")
    parser.add_argument("--auto", action="store_true", help="play by itself")
    parser.add_argument("--rounds", type=int, default=0, help="quit after N rounds")
    return parser.parse_args(argv)


def run(reactor: IReactorCore, argv: list[str]) -> defer.Deferred[None]:
    """Connect to the table and play until the connection closes."""
    settings = _parse(argv)
    factory = WebSocketClientFactory(settings.url)
    factory.protocol = TerminalPlayer
    factory.settings = settings
    factory.done = defer.Deferred()
    factory.clientConnectionFailed = lambda connector, reason: (
        print(f"cannot connect: {reason.getErrorMessage()}", flush=True),
        factory.done.callback(None),
    )
    if not settings.auto:
        StandardIO(_Keyboard(factory), reactor=reactor)
    connectWS(factory)
    return factory.done


def main() -> None:
    task.react(run, (sys.argv[1:],))


if __name__ == "__main__":
    main()
