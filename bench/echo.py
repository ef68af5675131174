"""The yardstick: what a bare autobahn echo server (``bench/echo_server.py``)
spends per message, measured the way ``bench/load.py`` measures the game.

Echo clients in this process each keep one text message in flight: send,
wait for the echo, send it again. The server's CPU over the window is
divided by the messages it sent back (as the clients received them).
"""

from __future__ import annotations

from autobahn.twisted.websocket import WebSocketClientFactory, WebSocketClientProtocol
from autobahn.websocket.protocol import WebSocketProtocol
from cpu import Window, measure
from processes import start_echo_server
from twisted.internet import task
from twisted.internet.endpoints import clientFromString

#: A typical broadcast of the game's, as the echo clients' message.
PAYLOAD = b'{"type":"hit","card":"QH","id":7,"points":17}'


class EchoClient(WebSocketClientProtocol):
    """Sends ``factory.payload``, and sends each echo straight back."""

    def onOpen(self) -> None:
        self.factory.opened += 1
        self.sendMessage(self.factory.payload)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.factory.echoed += 1
        if self.state == WebSocketProtocol.STATE_OPEN and not self.factory.stopping:
            self.sendMessage(payload)


async def measure_echo(
    reactor, clients: int, seconds: float, settle: float, payload: bytes = PAYLOAD
) -> Window:
    """Start the echo server, run ``clients`` echo clients against it, and
    measure a window of ``seconds`` after ``settle`` seconds of warming up.
    Stops the server and drops the clients before returning."""
    server = start_echo_server(reactor)
    connections = []
    try:
        port = await server.port
        factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}/")
        factory.protocol = EchoClient
        factory.payload = payload
        factory.opened = factory.echoed = 0
        factory.stopping = False
        endpoint = clientFromString(reactor, f"tcp:127.0.0.1:{port}")
        for _ in range(clients):
            connections.append(await endpoint.connect(factory))
        while factory.opened < clients:
            await task.deferLater(reactor, 0.05)
        await task.deferLater(reactor, settle)
        window = await measure(reactor, server.pid, seconds, lambda: factory.echoed)
        factory.stopping = True
    finally:
        await server.stop()
        for connection in connections:
            connection.transport.abortConnection()
    return window
