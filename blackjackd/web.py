"""The one HTTP site: the game's WebSocket and a health check."""

from __future__ import annotations

import json

from autobahn.twisted.resource import WebSocketResource
from twisted.internet.interfaces import IReactorTime
from twisted.web.pages import notFound
from twisted.web.resource import IResource, Resource
from twisted.web.server import Request, Site

from blackjackd import PROTOCOL_VERSION, __version__
from blackjackd.protocol import BlackjackServerFactory

WEBSOCKET_PATH = b"websocket"


class HealthResource(Resource):
    """``/healthz``: 200 with JSON figures while the server runs."""

    isLeaf = True

    def __init__(self, factory: BlackjackServerFactory, clock: IReactorTime) -> None:
        super().__init__()
        self._factory = factory
        self._clock = clock
        self._started = clock.seconds()

    def render_GET(self, request: Request) -> bytes:
        lobby = self._factory.lobby
        body = {
            "status": "ok",
            "version": __version__,
            "protocol": PROTOCOL_VERSION,
            "game": lobby.game,
            "tables": len(lobby.tables),
            "seats_total": lobby.seats_total,
            "seats_taken": lobby.seats_taken,
            "clients": len(self._factory.clients),
            "uptime": round(self._clock.seconds() - self._started, 3),
        }
        request.setHeader(b"content-type", b"application/json")
        request.setHeader(b"cache-control", b"no-store")
        return json.dumps(body).encode() + b"\n"


class RootResource(Resource):
    """``/``: a line that says where the game is."""

    def getChild(self, path: bytes, request: Request) -> IResource:
        if path == b"":
            return self
        return notFound()

    def render_GET(self, request: Request) -> bytes:
        request.setHeader(b"content-type", b"text/plain; charset=utf-8")
        return b"blackjackd: the game's WebSocket is at /websocket\n"


def build_site(factory: BlackjackServerFactory, clock: IReactorTime) -> Site:
    """The site served on the listening port."""
    root = RootResource()
    root.putChild(WEBSOCKET_PATH, WebSocketResource(factory))
    root.putChild(b"healthz", HealthResource(factory, clock))
    return Site(root)
