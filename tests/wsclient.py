"""A WebSocket client over real TCP for loopback tests: messages arrive in a
queue, and every wait has a timeout so a broken server fails a test instead
of hanging it."""

from __future__ import annotations

import json
from typing import Any

from autobahn.twisted.websocket import WebSocketClientFactory, WebSocketClientProtocol
from twisted.internet import reactor
from twisted.internet.defer import Deferred, DeferredQueue
from twisted.internet.endpoints import TCP4ClientEndpoint

TIMEOUT = 15.0


class QueueClient(WebSocketClientProtocol):
    """Puts each message it receives in ``messages``."""

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
        waiting.addTimeout(TIMEOUT, reactor)
        return await waiting

    async def until(self, kind: str) -> list[dict[str, Any]]:
        """Every message up to and including the first of type ``kind``."""
        seen = []
        while True:
            message = await self.next()
            seen.append(message)
            if message["type"] == kind:
                return seen

    async def close(self) -> None:
        """Close the WebSocket and wait until the TCP connection is gone."""
        if not self.closed.called:
            self.sendClose()
        self.closed.addTimeout(TIMEOUT, reactor)
        await self.closed


async def open_client(port: int, path: str = "/websocket") -> QueueClient:
    """Connect to the server on 127.0.0.1:``port`` and finish the handshake."""
    factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}{path}")
    factory.protocol = QueueClient
    factory.opened = Deferred()
    factory.opened.addTimeout(TIMEOUT, reactor)
    await TCP4ClientEndpoint(reactor, "127.0.0.1", port).connect(factory)
    return await factory.opened
