"""The client's side of the WebSocket, over autobahn; and the lobby's list
of tables, over HTTP (``fetch_tables``).

``TableConnection`` makes one connection to the server. Everything it hears
goes to one callback, in order: the server's messages as decoded JSON
objects, and the model's local events (``Connected``, ``Disconnected``) for
what happened to the connection. It never raises into the reactor: frames
that aren't JSON objects are dropped, and a failure to connect is reported
as ``Disconnected``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from autobahn.twisted.websocket import WebSocketClientFactory, WebSocketClientProtocol
from twisted.internet.defer import CancelledError, Deferred, TimeoutError
from twisted.internet.endpoints import HostnameEndpoint, wrapClientTLS
from twisted.internet.interfaces import (
    IReactorCore,
    IReactorTime,
    IStreamClientEndpoint,
)
from twisted.internet.protocol import Protocol
from twisted.python.failure import Failure
from twisted.web.client import (
    Agent,
    ResponseFailed,
    ResponseNeverReceived,
    readBody,
)
from twisted.web.iweb import UNKNOWN_LENGTH, IPolicyForHTTPS
from zope.interface import implementer

from blackjack_client.model import Connected, Disconnected, Message
from blackjackd.bots import tables_url
from blackjackd.trust import TLSCheck, TrustError, client_tls
from blackjackd.wire import MAX_TABLES_BODY, Request, Tables, decode_tables, encode

Listener = Callable[[Message], None]

# The server pings every 20 s; pinging it too finds a server that vanished
# without closing (a pulled cable), which would otherwise look alive forever.
PING_INTERVAL = 15.0
PING_TIMEOUT = 10.0
OPEN_HANDSHAKE_TIMEOUT = 10.0
CLOSE_HANDSHAKE_TIMEOUT = 2.0
CONNECT_TIMEOUT = 10
#: The close code for a connection that ended without a close handshake.
CLOSE_ABNORMAL = 1006


def _refuse(constant: str) -> float:
    raise ValueError(f"{constant} is not a number a server sends")


def _finite(text: str) -> float:
    # Infinite or NaN numbers would break every sum and countdown drawn.
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a finite number")
    return value


def _sane_int(text: str) -> int:
    # Chips, ids and seconds fit in far fewer digits; a huge number would
    # only make a line of text too wide to draw.
    if len(text.lstrip("-")) > 15:
        raise ValueError("number too large")
    return int(text)


class TableClientProtocol(WebSocketClientProtocol):
    """Hands the server's messages to the connection's listener."""

    factory: _Factory

    def onOpen(self) -> None:
        self.factory.connection._opened(self)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        if isBinary:
            return
        try:
            message = json.loads(
                payload,
                parse_constant=_refuse,
                parse_float=_finite,
                parse_int=_sane_int,
            )
        except (ValueError, RecursionError):
            return
        if isinstance(message, dict):
            self.factory.connection._deliver(message)

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        if code == CLOSE_ABNORMAL:
            # autobahn's own words for it are long, and a player needs few.
            reason = "connection lost"
        self.factory.connection._closed(code, reason or "")

    def connectionLost(self, reason: Failure) -> None:  # type: ignore[override]
        check = self.factory.connection._tls
        problem = None if check is None else check.problem(reason)
        if problem is not None:
            # Before autobahn's 1006: a refused certificate is the reason.
            self.factory.connection._closed(None, problem)
        super().connectionLost(reason)
        # The TCP connection is gone: only now is a close complete.
        self.factory.connection._closed(None, "connection lost")
        self.factory.connection._gone()


class _Factory(WebSocketClientFactory):
    # autobahn is untyped: mypy can't tell its protocols are Twisted's.
    protocol = TableClientProtocol  # type: ignore[assignment]
    connection: TableConnection


class TableConnection:
    """One WebSocket connection to a blackjackd server."""

    def __init__(
        self,
        url: str,
        listener: Listener,
        reactor: IReactorCore | None = None,
        cafile: str | None = None,
    ) -> None:
        if reactor is None:
            from twisted.internet import reactor as default_reactor

            reactor = default_reactor
        self._reactor = reactor
        self.url = url
        #: The CA certificates a wss:// server's must chain to (None: the
        #: system's).
        self.cafile = cafile
        self._tls: TLSCheck | None = None
        self._listener = listener
        self._protocol: TableClientProtocol | None = None
        self._attempt: Deferred[Any] | None = None
        self._transport_protocol: TableClientProtocol | None = None
        self._reported_close = False
        self._closing = False
        self._gone_waiters: list[Deferred[None]] = []
        self.is_gone = False

    def connect(self) -> None:
        """Start connecting; what happens is reported to the listener."""
        try:
            factory = _Factory(self.url)
        except Exception as bad_url:  # autobahn raises bare Exception for URLs
            self._closed(None, f"bad server address: {bad_url}")
            self._gone()
            return
        factory.connection = self
        factory.setProtocolOptions(
            autoPingInterval=PING_INTERVAL,
            autoPingTimeout=PING_TIMEOUT,
            openHandshakeTimeout=OPEN_HANDSHAKE_TIMEOUT,
            closeHandshakeTimeout=CLOSE_HANDSHAKE_TIMEOUT,
        )
        try:
            endpoint: IStreamClientEndpoint = HostnameEndpoint(
                self._reactor, factory.host, factory.port, timeout=CONNECT_TIMEOUT
            )
            if factory.isSecure:
                # Verified against the system's CAs (or --cafile's), for the
                # URL's host name.
                self._tls = client_tls(factory.host, self.cafile)
                endpoint = wrapClientTLS(self._tls, endpoint)
        except TrustError as failed:  # no TLS support, or a bad --cafile
            self._closed(None, str(failed))
            self._gone()
            return
        except Exception as failed:
            self._closed(None, f"cannot connect: {failed}")
            self._gone()
            return
        self._attempt = endpoint.connect(factory)
        self._attempt.addCallbacks(self._tcp_up, self._failed)

    def _tcp_up(self, protocol: TableClientProtocol) -> None:
        self._transport_protocol = protocol

    def _failed(self, reason: Failure) -> None:
        if reason.check(CancelledError):
            self._closed(None, "cancelled")
        else:
            self._closed(None, f"cannot connect: {reason.getErrorMessage()}")
        self._gone()

    @property
    def is_open(self) -> bool:
        """Whether messages can be sent now."""
        return self._protocol is not None and not self._reported_close

    def send(self, request: Request) -> bool:
        """Send one request; False if the connection isn't open."""
        if not self.is_open or self._protocol is None:
            return False
        self._protocol.sendMessage(encode(request), isBinary=False)
        return True

    def close(self) -> Deferred[None]:
        """Close properly (a WebSocket close, then TCP); fires once it's gone."""
        self._closing = True
        waiter: Deferred[None] = Deferred()
        if self.is_gone:
            waiter.callback(None)
            return waiter
        self._gone_waiters.append(waiter)
        if self._protocol is not None and not self._reported_close:
            self._protocol.sendClose(code=1000)
        elif self._attempt is not None and not self._attempt.called:
            # Still connecting: there's nothing to close politely.
            self._attempt.cancel()
        elif self._transport_protocol is not None:
            # TCP is up but the opening handshake isn't done: drop it.
            self._transport_protocol.dropConnection(abort=True)
        return waiter

    # -- what the protocol and factory report --------------------------------

    def _opened(self, protocol: TableClientProtocol) -> None:
        self._protocol = protocol
        self._listener(Connected())

    def _deliver(self, message: dict[str, Any]) -> None:
        if not self._reported_close:
            self._listener(message)

    def _closed(self, code: int | None, reason: str) -> None:
        if self._reported_close:
            return
        self._reported_close = True
        self._listener(Disconnected(code, reason, by_us=self._closing))

    def _gone(self) -> None:
        self.is_gone = True
        waiters, self._gone_waiters = self._gone_waiters, []
        for waiter in waiters:
            waiter.callback(None)


#: Seconds to wait for the whole list of tables.
FETCH_TIMEOUT = 10.0
HTTP_OK = 200


class TablesUnavailable(Exception):
    """The server's list of tables couldn't be had; the message says why."""


def fetch_tables(
    url: str, reactor: IReactorCore | None = None, cafile: str | None = None
) -> Deferred[Tables]:
    """The tables of the server whose WebSocket address is ``url``, from
    ``GET /tables`` on its host and port (over HTTPS for wss://, trusting
    ``cafile``'s CAs or the system's); fails with ``TablesUnavailable``
    saying why not (never anything else)."""
    if reactor is None:
        from twisted.internet import reactor as default_reactor

        reactor = default_reactor
    asked = Deferred.fromCoroutine(_fetch(url, reactor, _Trust(cafile)))
    asked.addTimeout(FETCH_TIMEOUT, IReactorTime(reactor))
    return asked.addErrback(_unavailable)


@implementer(IPolicyForHTTPS)
class _Trust:
    """HTTPS checked as the WebSocket is (``blackjackd.trust``), keeping
    each check to explain a refused certificate."""

    def __init__(self, cafile: str | None) -> None:
        self.cafile = cafile
        self.checks: list[TLSCheck] = []

    def creatorForNetloc(self, hostname: bytes, port: int) -> TLSCheck:
        check = client_tls(hostname.decode("ascii"), self.cafile)
        self.checks.append(check)
        return check

    def problem(self, failed: Exception) -> str | None:
        """What was wrong with the server's certificate, if that is why
        ``failed``."""
        for reason in getattr(failed, "reasons", None) or []:
            for check in self.checks:
                problem = check.problem(reason)
                if problem is not None:
                    return problem
        return None


async def _fetch(url: str, reactor: IReactorCore, trust: _Trust) -> Tables:
    agent = Agent(reactor, contextFactory=trust, connectTimeout=CONNECT_TIMEOUT)
    try:
        response = await agent.request(b"GET", tables_url(url).encode("ascii"))
    except TrustError as failed:
        raise TablesUnavailable(str(failed)) from None
    except (ResponseNeverReceived, ResponseFailed) as failed:
        problem = trust.problem(failed)
        if problem is None:
            raise
        raise TablesUnavailable(problem) from None
    if response.code != HTTP_OK:
        response.deliverBody(_Discard())
        raise TablesUnavailable(f"no list of tables here ({response.code})")
    length = response.length
    if length is not UNKNOWN_LENGTH and length > MAX_TABLES_BODY:
        response.deliverBody(_Discard())
        raise TablesUnavailable("the list of tables is too large")
    payload = await readBody(response)
    try:
        return decode_tables(payload)
    except ValueError as bad:
        raise TablesUnavailable(f"the list of tables makes no sense: {bad}") from None


def _unavailable(reason: Failure) -> Failure:
    if reason.check(TablesUnavailable):
        return reason
    if reason.check(TimeoutError, CancelledError):
        why = "the server didn't list its tables in time"
    else:
        why = f"cannot list the tables: {reason.getErrorMessage()}"
    return Failure(TablesUnavailable(why))


class _Discard(Protocol):
    """Reads an unwanted body to its end, so the connection can close."""
