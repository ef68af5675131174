"""The one HTTP site: the web client, the game's WebSocket, the list of
tables, a health check and (unless served apart) the metrics."""

from __future__ import annotations

import json
from pathlib import Path

from autobahn.twisted.resource import WebSocketResource
from prometheus_client import CollectorRegistry
from twisted.internet.interfaces import IReactorTime
from twisted.web.pages import notFound
from twisted.web.resource import IResource, Resource
from twisted.web.server import Request, Site
from twisted.web.static import File

from blackjackd import PROTOCOL_VERSION, __version__
from blackjackd.metrics import MetricsPage
from blackjackd.protocol import SERVER_BANNER, BlackjackServerFactory

WEBSOCKET_PATH = b"websocket"


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
        cluster = self._factory.cluster
        body: dict[str, object] = {"status": "ok"}
        if cluster is not None:
            body["node"] = cluster.name
            if self._factory.sessions.draining:
                # HAProxy sends no new player to a node that is stopping.
                body["status"] = "draining"
                request.setResponseCode(503)
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

    def render_HEAD(self, request: Request) -> bytes:
        # GET's headers and length without its body: a body returned for
        # HEAD costs a warning in the log at each check.
        body = self.render_GET(request)
        request.setHeader(b"content-length", b"%d" % len(body))
        return b""


class TablesResource(Resource):
    """``/tables``: every table, its seats, watchers and rules, as JSON
    (``wire.Tables``), for a client's lobby."""

    isLeaf = True

    def __init__(self, factory: BlackjackServerFactory) -> None:
        super().__init__()
        self._factory = factory

    def render_GET(self, request: Request) -> bytes:
        request.setHeader(b"content-type", b"application/json")
        request.setHeader(b"cache-control", b"no-store")
        cluster = self._factory.cluster
        # A cluster's node lists every node's tables.
        tables = (
            self._factory.lobby.tables_view()
            if cluster is None
            else cluster.tables_view()
        )
        return json.dumps(tables.as_dict()).encode() + b"\n"


#: The web client's files: static HTML, CSS and ES modules, shipped in the
#: package and fetched from nowhere else.
WEB_CLIENT = Path(__file__).resolve().parent / "webclient"

#: The page may load only its own files and talk only to its own server.
_CONTENT_SECURITY_POLICY = (
    b"default-src 'self'; connect-src 'self'; img-src 'self' data:; "
    b"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class WebClientFiles(File):
    """``/`` and the files beside it: the web client. No directory
    listings; every answer forbids framing and other hosts' content."""

    def directoryListing(self) -> IResource:
        return notFound()

    def render_GET(self, request: Request) -> bytes | int:
        request.setHeader(b"content-security-policy", _CONTENT_SECURITY_POLICY)
        request.setHeader(b"x-content-type-options", b"nosniff")
        request.setHeader(b"referrer-policy", b"no-referrer")
        # A deploy brings new files: browsers ask again rather than guess.
        request.setHeader(b"cache-control", b"no-cache")
        result: bytes | int = super().render_GET(request)
        return result


class _GuardedRequest(Request):
    """A request that tells the connection guard (``blackjackd.guard``),
    when the site has one, that it has arrived whole: the connection is
    then no longer timed or counted until its next request."""

    def process(self) -> None:
        received = getattr(self.channel.transport, "request_received", None)
        if received is not None:
            received()
        super().process()


class _PlainBannerRequest(_GuardedRequest):
    """A request whose response names the server ``blackjackd``, without
    Twisted's version (which tells an attacker what to try)."""

    def setHeader(self, name: bytes | str, value: bytes | str) -> None:
        if (name.lower() if isinstance(name, bytes) else name.lower().encode()) == (
            b"server"
        ):
            value = SERVER_BANNER.encode()
        super().setHeader(name, value)


def build_site(
    factory: BlackjackServerFactory,
    clock: IReactorTime,
    expose_version: bool = False,
    metrics: CollectorRegistry | None = None,
) -> Site:
    """The site served on the listening port. Versions (in ``Server:`` and
    ``/healthz``) only with ``expose_version``; ``/metrics`` only with a
    ``metrics`` registry."""
    root = WebClientFiles(str(WEB_CLIENT))
    root.indexNames = ["index.html"]
    root.putChild(WEBSOCKET_PATH, WebSocketResource(factory))
    root.putChild(b"healthz", HealthResource(factory, clock, expose_version))
    root.putChild(b"tables", TablesResource(factory))
    if metrics is not None:
        root.putChild(b"metrics", MetricsPage(metrics))
    if expose_version:
        return Site(root, requestFactory=_GuardedRequest)
    return Site(root, requestFactory=_PlainBannerRequest)
