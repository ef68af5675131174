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

#: What ``Server:`` says, unless the operator exposes versions.
SERVER_BANNER = "blackjackd"


class HealthResource(Resource):
    """``/healthz``: 200 with JSON figures while the server runs."""

    isLeaf = True

    def __init__(
        self,
        factory: BlackjackServerFactory,
        clock: IReactorTime,
        expose_version: bool = False,
    ) -> None:
        super().__init__()
        self._factory = factory
        self._clock = clock
        self._started = clock.seconds()
        self._expose_version = expose_version

    def render_GET(self, request: Request) -> bytes:
        lobby = self._factory.lobby
        body: dict[str, object] = {"status": "ok"}
        if self._expose_version:
            body["version"] = __version__
        body |= {
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


class _PlainBannerRequest(Request):
    """A request whose response names the server ``blackjackd``, without
    Twisted's version (which tells an attacker what to try)."""

    def setHeader(self, name: bytes | str, value: bytes | str) -> None:
        if (name.lower() if isinstance(name, bytes) else name.lower().encode()) == (
            b"server"
        ):
            value = SERVER_BANNER.encode()
        super().setHeader(name, value)


def build_site(
    factory: BlackjackServerFactory, clock: IReactorTime, expose_version: bool = False
) -> Site:
    """The site served on the listening port. Versions (in ``Server:`` and
    ``/healthz``) only with ``expose_version``."""
    root = RootResource()
    root.putChild(WEBSOCKET_PATH, WebSocketResource(factory))
    root.putChild(b"healthz", HealthResource(factory, clock, expose_version))
    if expose_version:
        return Site(root)
    return Site(root, requestFactory=_PlainBannerRequest)
