"""Clients of a server over real TCP: ``open_client`` for a WebSocket whose
every wait has a timeout, ``http_get`` for the site's other pages, and
``wait_for`` a condition without sleeping."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from autobahn.twisted.websocket import WebSocketClientFactory, WebSocketClientProtocol
from twisted.internet.defer import Deferred, DeferredQueue
from twisted.internet.endpoints import (
    TCP4ClientEndpoint,
    connectProtocol,
    wrapClientTLS,
)
from twisted.internet.interfaces import (
    IOpenSSLClientConnectionCreator,
    IReactorTCP,
    IReactorTime,
    IStreamClientEndpoint,
)
from twisted.internet.protocol import Protocol, connectionDone
from twisted.internet.task import deferLater
from twisted.python.failure import Failure

#: Seconds any wait here lasts before it fails.
TIMEOUT = 15.0


class QueueClient(WebSocketClientProtocol):
    """A client over real TCP that puts each message it receives in
    ``messages``; every wait has a timeout, so a broken server fails a test
    instead of hanging it."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: DeferredQueue[dict[str, Any]] = DeferredQueue()
        self.closed: Deferred[int | None] = Deferred()
        self.close_code: int | None = None

    def onOpen(self) -> None:
        self.factory.opened.callback(self)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.messages.put(json.loads(payload))

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        self.close_code = code
        if not self.factory.opened.called:
            self.factory.opened.errback(ConnectionError(f"closed: {reason}"))
        if not self.closed.called:
            self.closed.callback(code)

    def send(self, message: Any) -> None:
        self.sendMessage(json.dumps(message).encode())

    async def next(self) -> dict[str, Any]:
        """The next message, within ``TIMEOUT`` seconds."""
        waiting = self.messages.get()
        waiting.addTimeout(TIMEOUT, self.factory.reactor)
        return await waiting

    async def until(self, *kinds: str) -> list[dict[str, Any]]:
        """Every message up to and including the first of a type of
        ``kinds``."""
        seen = []
        while True:
            message = await self.next()
            seen.append(message)
            if message["type"] in kinds:
                return seen

    async def close(self) -> None:
        """Close the WebSocket and wait until the TCP connection is gone."""
        if not self.closed.called:
            self.sendClose()
        self.closed.addTimeout(TIMEOUT, self.factory.reactor)
        await self.closed


async def open_client(
    reactor: IReactorTCP,
    port: int,
    path: str = "/websocket",
    tls: IOpenSSLClientConnectionCreator | None = None,
) -> QueueClient:
    """Connect to the server on 127.0.0.1:``port`` and finish the handshake
    (over TLS, ``wss:``, with the ``tls`` connection creator, such as
    ``optionsForClientTLS``'s)."""
    scheme = "ws" if tls is None else "wss"
    factory = _QueueClientFactory(f"{scheme}://127.0.0.1:{port}{path}", reactor=reactor)
    factory.protocol = QueueClient
    factory.opened.addTimeout(TIMEOUT, IReactorTime(reactor))
    endpoint: IStreamClientEndpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", port)
    if tls is not None:
        endpoint = wrapClientTLS(tls, endpoint)
    await endpoint.connect(factory)
    return await factory.opened


class _QueueClientFactory(WebSocketClientFactory):
    def __init__(self, url: str, reactor: IReactorTCP) -> None:
        super().__init__(url, reactor=reactor)
        #: Fires with the client once its handshake is done.
        self.opened: Deferred[QueueClient] = Deferred()


async def http_get(reactor: IReactorTCP, port: int, path: str) -> tuple[int, bytes]:
    """``GET path`` from the server on 127.0.0.1:``port``: status and body."""
    endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", port)
    return await fetch(endpoint, path, IReactorTime(reactor))


async def fetch(
    endpoint: IStreamClientEndpoint, path: str, clock: IReactorTime
) -> tuple[int, bytes]:
    """``GET path`` from the HTTP server at ``endpoint``: status and body.

    The request is HTTP/1.0, so the server closes the connection once it has
    answered, and this returns only when the connection is gone: neither
    side's socket outlives the call (trial fails a test that leaves one
    open; ``Agent`` may keep its socket a moment longer).
    """
    response = _WholeResponse(f"GET {path} HTTP/1.0\r\n\r\n".encode())
    await connectProtocol(endpoint, response)
    response.done.addTimeout(TIMEOUT, clock)
    raw = await response.done
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0]
    return int(status_line.split(b" ", 2)[1]), body


class _WholeResponse(Protocol):
    """Sends a request, then keeps every byte until the server hangs up."""

    def __init__(self, request: bytes) -> None:
        self._request = request
        self._received = bytearray()
        self.done: Deferred[bytes] = Deferred()

    def connectionMade(self) -> None:
        assert self.transport is not None
        self.transport.write(self._request)

    def dataReceived(self, data: bytes) -> None:
        self._received += data

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        self.done.callback(bytes(self._received))


async def wait_for(
    condition: Callable[[], object],
    what: str,
    clock: IReactorTime | None = None,
    timeout: float = TIMEOUT,
) -> None:
    """Until ``condition()`` holds, checking every 10 ms on ``clock`` (the
    global reactor by default); ``TimeoutError`` naming ``what`` after
    ``timeout`` seconds."""
    if clock is None:
        from twisted.internet import reactor as global_reactor

        clock = IReactorTime(global_reactor)
    deadline = clock.seconds() + timeout
    while not condition():
        if clock.seconds() > deadline:
            raise TimeoutError(f"waited {timeout} s for {what}")
        await deferLater(clock, 0.01, lambda: None)
