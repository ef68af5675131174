"""A scripted WebSocket server on a loopback port, for testing how the
clients come back to their seat over real sockets: it greets with ``auth``,
answers each ``auth`` as the test's script says, and can drop a connection
or close it with any code."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from autobahn.twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol
from twisted.internet import reactor
from twisted.internet.defer import maybeDeferred

from blackjackd.testing import wait_for

TOKEN = "kq3Vh0y2b9n1T4r8w6e5Zx"

#: What the server sends a player who signs in: their seat, and a deal.
SEATED = [
    {"type": "id", "client_id": 7, "username": "ann", "table": 1, "seat": 0,
     "seats": 2, "protocol": 1, "turn_timeout": 30.0, "token": TOKEN,
     "account": True},
    {"type": "hit", "card": "TS", "id": 7, "points": 10},
    {"type": "hit", "card": "2S", "id": 7, "points": 12},
    {"type": "deadline", "id": 7, "seconds": 30.0},
]  # fmt: skip

#: What the server sends a player back at the seat: the same id, the table.
BACK = [
    SEATED[0],
    {"type": "snapshot", "table": 1, "game": "classic", "phase": "playing",
     "seats": [{"id": 7, "username": "ann", "seat": 0, "hand": ["TS", "2S"],
                "points": 12, "state": "playing", "connected": True}],
     "dealer": [], "hole_card": False, "turns": [{"id": 7, "seconds": 20.0}]},
]  # fmt: skip

Script = Callable[["ScriptedProtocol", dict[str, Any]], None]


class ScriptedProtocol(WebSocketServerProtocol):
    """One client's connection: every message it hears goes to the script."""

    factory: ScriptedServer

    def onOpen(self) -> None:
        self.factory.connections.append(self)
        self.send({"type": "auth"})

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        message = json.loads(payload)
        self.factory.heard.append(message)
        self.factory.script(self, message)

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        self.factory.closed += 1

    def send(self, *messages: dict[str, Any]) -> None:
        """Send each of ``messages``."""
        for message in messages:
            self.sendMessage(json.dumps(message).encode())


class ScriptedServer(WebSocketServerFactory):
    """Listens on 127.0.0.1 and answers as ``script`` says; ``heard`` is
    every message from every connection, in order."""

    protocol = ScriptedProtocol

    def __init__(self, script: Script) -> None:
        super().__init__()
        self.setProtocolOptions(autoPingInterval=0)
        self.script = script
        self.heard: list[dict[str, Any]] = []
        self.connections: list[ScriptedProtocol] = []
        self.closed = 0
        self.port = reactor.listenTCP(0, self, interface="127.0.0.1")

    @property
    def address(self) -> str:
        return f"ws://127.0.0.1:{self.port.getHost().port}/websocket"

    @property
    def latest(self) -> ScriptedProtocol:
        return self.connections[-1]

    def auths(self) -> list[dict[str, Any]]:
        """The ``data`` of every ``auth`` heard."""
        return [m["data"] for m in self.heard if m.get("type") == "auth"]

    async def stop(self) -> None:
        """Wait for every connection to be gone, and stop listening."""
        for connection in self.connections:
            connection.dropConnection(abort=True)
        await wait_for(
            lambda: self.closed >= len(self.connections), "the connections to close"
        )
        await maybeDeferred(self.port.stopListening)
