"""A bare autobahn echo server: the yardstick ``bench/load.py`` measures the
game server's CPU per delivered message against.

    python bench/echo_server.py [PORT]

Prints ``listening on PORT`` once it listens (PORT 0 picks a free one).
"""

from __future__ import annotations

import sys

from autobahn.twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol
from twisted.internet import reactor
from twisted.internet.endpoints import TCP4ServerEndpoint


class Echo(WebSocketServerProtocol):
    """Sends every message straight back."""

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        self.sendMessage(payload, isBinary)


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    factory = WebSocketServerFactory()
    factory.protocol = Echo
    factory.setProtocolOptions(allowNullOrigin=True)
    endpoint = TCP4ServerEndpoint(reactor, port, interface="127.0.0.1")

    def listening(port: object) -> None:
        print(f"listening on {port.getHost().port}", flush=True)  # type: ignore[attr-defined]

    endpoint.listen(factory).addCallback(listening)
    reactor.run()


if __name__ == "__main__":
    main()
