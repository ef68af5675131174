"""Bounds on connections, before any WebSocket exists.

twisted.web reads the WebSocket upgrade request, so autobahn's opening
handshake timeout never starts for a client that drips its request a byte
at a time, and twisted.web's idle timeout restarts with every byte: enough
such sockets shut every newcomer out. ``ConnectionGuard`` wraps the site's
factory and bounds each connection from the moment it is accepted:

- ``handshake_timeout``: seconds from accept to a finished WebSocket
  opening handshake or HTTP request, and from the first byte of each later
  request on a kept-alive HTTP connection to its end; slower connections
  are dropped, however slowly their bytes arrive;
- ``max_pending_per_address``: connections from one address with a request
  or handshake under way; the excess is dropped at once (a browser keeps
  its connections alive between requests: idle, they don't count);
- ``max_connections``: connections in all; the excess is dropped at once.

Refused connections are closed without a log line each: a flood must not
fill the log either. The game's protocol says when its handshake is done
(``HandshakeGuard.handshake_finished``, through its transport), and the
site when an HTTP request has arrived whole (``request_received``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from twisted.internet.interfaces import (
    IAddress,
    IDelayedCall,
    IReactorTime,
    ISSLTransport,
)
from twisted.protocols.policies import ProtocolWrapper, WrappingFactory
from twisted.python.failure import Failure
from zope.interface import directlyProvides, providedBy

from blackjackd.timing import cancel_call


class HandshakeGuard(ProtocolWrapper):
    """One accepted connection, timed until its handshake is done."""

    factory: ConnectionGuard
    _timer: IDelayedCall | None = None
    _pending = False
    _refused = False
    _address = ""
    #: The WebSocket is open: no more requests, no more clock.
    _open = False

    def makeConnection(self, transport: Any) -> None:
        guard = self.factory
        self._address = str(getattr(transport.getPeer(), "host", ""))
        if guard.refuses(self._address):
            # Dropped before the site sees it: nothing to answer, nothing
            # logged.
            self._refused = True
            transport.abortConnection()
            return
        self._start_pending(transport)
        super().makeConnection(transport)
        self._declare(transport)

    def _declare(self, transport: Any) -> None:
        # What the wrapper says it provides: all the transport does but TLS.
        # autobahn reads a TLS transport's channel binding from Twisted's
        # own TLS protocol object, which this wrapper isn't; the connection
        # is encrypted all the same, beneath it.
        directlyProvides(
            self,
            *[i for i in providedBy(transport) if not i.isOrExtends(ISSLTransport)],
        )

    def _start_pending(self, transport: Any) -> None:
        guard = self.factory
        self._pending = True
        guard.pending[self._address] += 1
        if guard.handshake_timeout > 0:
            self._timer = guard.clock.callLater(
                guard.handshake_timeout, self._too_slow, transport
            )

    def dataReceived(self, data: bytes) -> None:
        if not self._pending and not self._open and self.transport is not None:
            # A new request on a kept-alive HTTP connection: timed and
            # counted like the first.
            transport: Any = self.transport
            if self.factory.pending_refused(self._address):
                transport.abortConnection()
                return
            self._start_pending(transport)
        super().dataReceived(data)

    def request_received(self) -> None:
        """An HTTP request has arrived whole: its clock stops."""
        cancel_call(self._timer)
        self._timer = None
        self._stop_pending()

    def handshake_finished(self) -> None:
        """The WebSocket is open: no more handshake clock."""
        self._open = True
        self.request_received()

    def _too_slow(self, transport: Any) -> None:
        self._timer = None
        transport.abortConnection()

    def _stop_pending(self) -> None:
        if self._pending:
            self._pending = False
            pending = self.factory.pending
            pending[self._address] -= 1
            if pending[self._address] <= 0:
                del pending[self._address]

    def connectionLost(self, reason: Failure | None = None) -> None:
        cancel_call(self._timer)
        self._timer = None
        self._stop_pending()
        if not self._refused:
            super().connectionLost(reason or Failure(ConnectionError("lost")))


class ConnectionGuard(WrappingFactory[HandshakeGuard]):
    """The site's factory, with every connection bounded (see the module)."""

    protocol = HandshakeGuard

    def __init__(
        self,
        wrapped: Any,
        clock: IReactorTime,
        handshake_timeout: float = 10.0,
        max_connections: int = 0,
        max_pending_per_address: int = 0,
    ) -> None:
        super().__init__(wrapped)
        self.clock = clock
        self.handshake_timeout = handshake_timeout
        #: 0: no bound.
        self.max_connections = max_connections
        self.max_pending_per_address = max_pending_per_address
        #: Connections short of a finished handshake, by address.
        self.pending: Counter[str] = Counter()

    def logPrefix(self) -> str:
        # The log speaks of the site ("Site starting on 8888"), as before.
        prefix: str = self.wrappedFactory.logPrefix()
        return prefix

    def buildProtocol(self, addr: IAddress | None) -> HandshakeGuard:
        return HandshakeGuard(self, self.wrappedFactory.buildProtocol(addr))

    def refuses(self, address: str) -> bool:
        """Whether a connection from ``address`` is one too many."""
        if self.max_connections and len(self.protocols) >= self.max_connections:
            return True
        return self.pending_refused(address)

    def pending_refused(self, address: str) -> bool:
        """Whether ``address`` has as many requests under way as it may."""
        return bool(
            self.max_pending_per_address
            and self.pending[address] >= self.max_pending_per_address
        )

    def unregisterProtocol(self, p: Any) -> None:
        self.protocols.pop(p, None)
