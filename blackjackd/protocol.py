"""The game's WebSocket endpoint: decode, validate, route.

``BlackjackServerProtocol`` speaks to one client. It turns frames into
validated requests (``blackjackd.wire``), passes the ones that act on the
game to the player's table (``ITable.act``), and turns every refusal into an
``error`` message. The game itself lives in the tables; the lobby of tables
lives in ``BlackjackServerFactory``, which also encodes and frames each
message once however many players it goes to.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from autobahn.twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol
from autobahn.websocket.protocol import PreparedMessage, WebSocketProtocol
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.logger import Logger

from blackjackd.errors import ActionRejected, Refusal
from blackjackd.lobby import Lobby
from blackjackd.outbox import Outbox
from blackjackd.ratelimit import TokenBucket
from blackjackd.timing import cancel_call
from blackjackd.wire import (
    Auth,
    AuthRequest,
    Error,
    Request,
    ServerMessage,
    decode_request,
    encode,
)

# Module level on purpose: autobahn protocols and factories have a ``log``
# attribute of their own.
_logger = Logger(namespace="blackjackd.protocol")

# Players send the same few frames over and over (``{"type": "hit"}``), and
# a request is immutable: a frame seen lately is not parsed and checked again.
# Refusals aren't kept; they raise each time.
_decode_request = lru_cache(maxsize=512)(decode_request)

# WebSocket close codes (RFC 6455 section 7.4.1).
CLOSE_POLICY_VIOLATION = 1008
CLOSE_TRY_AGAIN_LATER = 1013


@dataclass(frozen=True)
class ClientLimits:
    """What one connection may send, and how the server watches it."""

    #: Largest message or frame accepted; a bigger one closes with 1009.
    max_payload: int = 4096
    #: Messages a second allowed on average, and in one burst.
    rate: float = 10.0
    burst: int = 20
    #: Refused (429) messages in a row before the server closes with 1008.
    strikes: int = 20
    #: Seconds between the server's pings, and to wait for a pong (0: off).
    auto_ping_interval: float = 20.0
    auto_ping_timeout: float = 10.0
    #: Seconds a client has to finish the WebSocket opening handshake (0: off).
    open_handshake_timeout: float = 10.0
    #: Seconds to wait for the client's reply to a close the server sent.
    close_handshake_timeout: float = 1.0
    #: Seconds a connected client has to send ``auth`` before it is closed,
    #: so idle sockets don't pile up (0: wait forever).
    auth_timeout: float = 60.0


class BlackjackServerProtocol(WebSocketServerProtocol):
    """One client's connection: an unseated visitor, then a seated player."""

    factory: BlackjackServerFactory
    player_id: int | None = None
    _bucket: TokenBucket
    _strikes = 0
    _auth_timer: IDelayedCall | None = None

    def onOpen(self) -> None:
        self.factory.clients.add(self)
        self._bucket = TokenBucket(
            self.factory.limits.rate, self.factory.limits.burst, self.factory.clock
        )
        if not self.factory.lobby.has_free_seat:
            self._refuse_seat()
            return
        self.send_message(Auth())
        if self.factory.limits.auth_timeout > 0:
            self._auth_timer = self.factory.clock.callLater(
                self.factory.limits.auth_timeout, self._auth_expired
            )

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        if self.state != WebSocketProtocol.STATE_OPEN:
            return
        if not self._bucket.take():
            self._strikes += 1
            if self._strikes >= self.factory.limits.strikes:
                self.close_with(CLOSE_POLICY_VIOLATION, "too many messages")
            else:
                self.send_error(429, "too many messages")
            return
        self._strikes = 0
        if isBinary:
            self.send_error(400, "binary frames are not accepted: send JSON text")
            return
        request = None
        with self.factory.outbox.batch():
            try:
                request = _decode_request(payload)
                self._dispatch(request)
            except Refusal as refusal:
                self.send_error(refusal.status_code, refusal.message)
            except Exception:
                # A bug of the server's, not the client's: log it in full.
                _logger.failure("handling {request!r}", request=request)
                self.send_error(500, "internal server error")

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        self._cancel_auth_timer()
        self.factory.clients.discard(self)
        if self.player_id is not None:
            player_id, self.player_id = self.player_id, None
            self.factory.lobby.leave(player_id)

    def send_message(self, message: ServerMessage) -> None:
        """Send one message, unless the connection is closing. Inside the
        outbox's batch, it waits for the batch's end."""
        if self.state == WebSocketProtocol.STATE_OPEN:
            self.factory.outbox.send(self, self.factory.prepare(message))

    def send_frames(self, frames: list[bytes]) -> None:
        """Send prepared frames, in order, in one write, unless the
        connection is closing.

        They go straight to the transport: ``sendData`` would write the same
        bytes, but first builds a debug log line's arguments on every call
        and counts octets in ``trafficStats``, which this server never
        reads. Nothing it guarantees is lost: the state is open, so no close
        frame has gone out; the frames were prepared uncompressed, so they
        are what ``sendPreparedMessage`` writes whatever was negotiated; and
        if autobahn holds queued data (``send_queue``: only sends made with
        ``sync`` or ``chopsize``, which this server never makes), they go
        through ``sendData`` and so queue behind it.
        """
        if self.state == WebSocketProtocol.STATE_OPEN:
            data = frames[0] if len(frames) == 1 else b"".join(frames)
            transport = self.transport
            if self.send_queue or transport is None:
                self.sendData(data)
            else:
                transport.write(data)

    def send_error(self, status_code: int, message: str) -> None:
        """Send an ``error`` message in the seed's shape."""
        self.send_message(Error(status_code, message))

    def close_with(self, code: int, reason: str) -> None:
        """Start the closing handshake with a protocol-level close code.

        ``sendClose`` only takes 1000 and application codes (3000-4999);
        1008 and 1013 say what happened in the protocol's own words.
        """
        if self.state == WebSocketProtocol.STATE_OPEN:
            # What this connection was sent before goes out before the close.
            self.factory.outbox.flush(self)
            self.sendCloseFrame(code=code, reasonUtf8=reason.encode(), isReply=False)

    def _dispatch(self, request: Request) -> None:
        if isinstance(request, AuthRequest):
            if request.username is None:
                self.send_error(401, "that token is not valid")
                return
            self._authorize(request.username)
        elif self.player_id is None:
            self.send_error(401, "not authorized")
        else:
            self.factory.lobby.table_of(self.player_id).act(self.player_id, request)

    def _authorize(self, username: str) -> None:
        if self.player_id is not None:
            self.send_error(409, "already authorized")
            return
        try:
            self.player_id = self.factory.lobby.sit(username, self.send_message)
            self._cancel_auth_timer()
        except ActionRejected as refusal:
            if refusal.status_code != 507:
                raise
            # Every seat went while this client was deciding on a name.
            self._refuse_seat()

    def _auth_expired(self) -> None:
        self._auth_timer = None
        self.send_error(408, "no auth in time")
        self.close_with(CLOSE_POLICY_VIOLATION, "no auth in time")

    def _cancel_auth_timer(self) -> None:
        cancel_call(self._auth_timer)
        self._auth_timer = None

    def _refuse_seat(self) -> None:
        self.send_error(507, "all busy")
        self.close_with(CLOSE_TRY_AGAIN_LATER, "all busy")


class BlackjackServerFactory(WebSocketServerFactory):
    """Builds a protocol for each client and holds the lobby they share."""

    # Twisted types a factory's protocol as one whose ``factory`` is a plain
    # ``Factory``; ours declares the factory it is built by.
    protocol = BlackjackServerProtocol  # type: ignore[assignment]
    _last_message: ServerMessage | None = None
    _last_prepared: PreparedMessage

    def __init__(
        self,
        lobby: Lobby,
        clock: IReactorTime,
        limits: ClientLimits = ClientLimits(),
        url: str | None = None,
        outbox: Outbox | None = None,
    ) -> None:
        super().__init__(url)
        self.lobby = lobby
        #: Where every message goes out; the one whose ``timed`` clock the
        #: tables run on, if they do.
        self.outbox = Outbox() if outbox is None else outbox
        self.clock = clock
        self.limits = limits
        self.clients: set[BlackjackServerProtocol] = set()
        self.setProtocolOptions(
            maxFramePayloadSize=limits.max_payload,
            maxMessagePayloadSize=limits.max_payload,
            autoPingInterval=limits.auto_ping_interval,
            autoPingTimeout=limits.auto_ping_timeout,
            openHandshakeTimeout=limits.open_handshake_timeout,
            closeHandshakeTimeout=limits.close_handshake_timeout,
            # Close an oversized message with a close frame (1009) the client
            # can read, instead of dropping the TCP connection.
            failByDrop=False,
            # Every text frame is decoded as UTF-8 by ``decode_request``,
            # which answers bad UTF-8 with a 400 like any other bad JSON;
            # autobahn checking it byte by byte first would be done twice.
            utf8validateIncoming=False,
            # Browsers opening a page from a file send "Origin: null"; the
            # game has no cookies or ambient credentials to protect, so any
            # origin may play. Set explicitly: every call resets it.
            allowNullOrigin=True,
        )

    def prepare(self, message: ServerMessage) -> PreparedMessage:
        """``message`` encoded and framed, ready for any connection.

        A table hands the very same message object to each seat in turn, so
        the last one prepared is kept: a broadcast is encoded and framed once.
        Messages are immutable, so the same object always means the same
        bytes. Prepared messages are sent whole, uncompressed (the server
        never negotiates compression) and without the cap on what a client
        may send: a large summary of the server's own must still go out.
        """
        if message is not self._last_message:
            self._last_prepared = self.prepareMessage(
                encode(message), isBinary=False, doNotCompress=True
            )
            self._last_message = message
        return self._last_prepared
