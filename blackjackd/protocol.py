"""The game's WebSocket endpoint: decode, validate, route.

``BlackjackServerProtocol`` speaks to one client. It turns frames into
validated requests (``blackjackd.wire``), passes the ones that act on the
game to the player's table (``ITable.act``), and turns every refusal into an
``error`` message. The game itself lives in the tables; the lobby of tables
lives in ``BlackjackServerFactory``, which also encodes and frames each
message once however many players it goes to.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

from autobahn.twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol
from autobahn.websocket.protocol import PreparedMessage, WebSocketProtocol
from autobahn.websocket.types import ConnectionDeny, ConnectionRequest
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import (
    IConsumer,
    IDelayedCall,
    IPushProducer,
    IReactorTime,
)
from twisted.logger import Logger
from twisted.python.failure import Failure
from zope.interface import implementer

from blackjackd.accounts import Accounts
from blackjackd.bank import Bank
from blackjackd.errors import ActionRejected, Refusal
from blackjackd.history import history_round
from blackjackd.lobby import Lobby
from blackjackd.metrics import Metrics
from blackjackd.outbox import Outbox
from blackjackd.ratelimit import AddressBuckets, TokenBucket
from blackjackd.sessions import Session, Sessions
from blackjackd.store import AccountRow
from blackjackd.timing import cancel_call
from blackjackd.wire import (
    Auth,
    AuthRequest,
    Error,
    History,
    HistoryRequest,
    Rebuy,
    RebuyRequest,
    Request,
    ServerMessage,
    WatchRequest,
    decode_request,
    encode,
)

if TYPE_CHECKING:
    from blackjackd.cluster import ClusterNode
    from blackjackd.store.directory import SeatToken

#: What ``Server:`` says (the WebSocket handshake's and every HTTP
#: answer's), unless the operator exposes versions.
SERVER_BANNER = "blackjackd"

#: What a token the server gives looks like (``secrets.token_urlsafe(24)``):
#: anything else is no token, without asking a cluster's directory.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32}")

# Module level on purpose: autobahn protocols and factories have a ``log``
# attribute of their own.
_logger = Logger(namespace="blackjackd.protocol")

# Players send the same few frames over and over (``{"type": "hit"}``), and
# a request is immutable: a short frame seen lately is not parsed and checked
# again. Refusals aren't kept; they raise each time. Only short frames are
# kept, so no password or token ever lingers in the cache: the shortest
# ``auth`` that carries one is longer.
_CACHED_FRAME_BYTES = 48
_decode_cached = lru_cache(maxsize=512)(decode_request)


def _decode_request(payload: bytes) -> Request:
    if len(payload) <= _CACHED_FRAME_BYTES:
        return _decode_cached(payload)
    return decode_request(payload)


#: Seconds between two log lines about the errors one connection is sent:
#: a misbehaving client mustn't fill the log.
REFUSAL_LOG_INTERVAL = 60.0

# WebSocket close codes (RFC 6455 section 7.4.1).
CLOSE_POLICY_VIOLATION = 1008
#: The server is stopping (close code 1001, "going away").
CLOSE_GOING_AWAY = 1001
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
    #: Seats one address may hold at once (0: any number). ``twistd
    #: blackjack`` sets 2 (``--seats-per-address``).
    seats_per_address: int = 0
    #: Proxies whose ``X-Forwarded-For`` names the client's address.
    trusted_proxies: frozenset[str] = frozenset()
    #: Web pages that may open a connection, by origin
    #: (``https://example.com``), beyond the server's own; ``*``: any.
    #: Clients that send no ``Origin`` (not browsers) are always let in.
    allowed_origins: frozenset[str] = frozenset()
    #: Password checks one address may ask for, a second and at once
    #: (a burst of 0: any number).
    password_rate: float = 0.5
    password_burst: int = 0


def origin_allowed(origin: str, host: str, allowed: frozenset[str]) -> bool:
    """Whether a browser page from ``origin`` may open a WebSocket to the
    server it reached as ``host`` (the ``Host`` header): its own pages, and
    those ``allowed`` names (``*``: any)."""
    if "*" in allowed or origin in allowed:
        return True
    parsed = urlsplit(origin)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return False  # "null" (a file, a sandboxed frame) among others
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
    except ValueError:
        return False
    served = urlsplit(f"//{host}")
    try:
        served_port = served.port or port
    except ValueError:
        return False
    return (parsed.hostname, port) == (served.hostname, served_port)


@implementer(IPushProducer)
class _ReaderWatch:
    """A streaming producer that stands for everything the server sends one
    connection: asked to pause, the client has stopped reading, and the
    connection is dropped."""

    def __init__(self, connection: WebSocketServerProtocol) -> None:
        self._connection = connection

    def pauseProducing(self) -> None:
        self._connection.dropConnection(abort=True)

    def resumeProducing(self) -> None:
        pass

    def stopProducing(self) -> None:
        pass


class BlackjackServerProtocol(WebSocketServerProtocol):
    """One client's connection: an unseated visitor, then a seated player
    (a ``Session``, which may outlive this connection)."""

    factory: BlackjackServerFactory
    session: Session | None = None
    _bucket: TokenBucket
    _strikes = 0
    _auth_timer: IDelayedCall | None = None
    #: A password is being checked; the connection holds no seat yet.
    _signing_in = False
    _frames_in_message = 0
    #: The table the client chose in the URL (``/websocket?table=N``).
    _url_table: int | None = None
    #: While the client watches a table: its watcher id.
    _watcher_id: int | None = None
    #: The table ``auth`` asked for, until the seat is taken.
    _asked_table: int | None = None
    #: When an error sent to this client was last logged, and how many
    #: were sent since without a log line.
    _refusal_logged_at: float | None = None
    _refusals_unlogged = 0

    def onConnect(self, request: ConnectionRequest) -> None:
        origin = request.headers.get("origin")
        if origin is not None and not origin_allowed(
            origin, request.headers.get("host", ""), self.factory.limits.allowed_origins
        ):
            # A page of another site must not play as the browser's user.
            raise ConnectionDeny(ConnectionDeny.FORBIDDEN, "origin not allowed")
        # ``?table=N``: the client chose a table; a full server still lets
        # it in, to watch or to wait for a seat there.
        values = request.params.get("table") or [""]
        if values[0].isdigit() and len(values[0]) <= 7:
            self._url_table = int(values[0])

    @property
    def player_id(self) -> int | None:
        """The seated player's id, or None before ``auth``."""
        return None if self.session is None else self.session.player_id

    def onOpen(self) -> None:
        # The connection guard (``blackjackd.guard``), when the site has
        # one, stops timing the handshake.
        finished = getattr(self.transport, "handshake_finished", None)
        if finished is not None:
            finished()
        if self.transport is not None:
            # Told when the transport's unsent data passes its buffer size
            # (64 KiB over TCP): a client that doesn't read is dropped, not
            # buffered for without end. It takes the place of the HTTP
            # channel's producer, which the upgrade left behind.
            consumer = cast(IConsumer, self.transport)
            consumer.unregisterProducer()
            consumer.registerProducer(_ReaderWatch(self), True)
        self.factory.clients.add(self)
        if self.factory.metrics is not None:
            self.factory.metrics.connections_opened.inc()
        _logger.info(
            "connection opened from {address} ({peer})",
            peer=self.peer,
            address=self.client_address(),
        )
        self._bucket = TokenBucket(
            self.factory.limits.rate, self.factory.limits.burst, self.factory.clock
        )
        if not self.factory.lobby.has_free_seat and self._url_table is None:
            self._refuse_seat()
            return
        self.send_message(Auth())
        if self.factory.limits.auth_timeout > 0:
            self._auth_timer = self.factory.clock.callLater(
                self.factory.limits.auth_timeout, self._auth_expired
            )

    # -- every frame costs ----------------------------------------------------
    # A message is charged once it is whole (``onMessage``); a ping, a pong,
    # and each frame of a message beyond its first cost the same budget, so
    # a flood of control or empty frames is closed like any other flood.

    def onPing(self, payload: bytes) -> None:
        if self._charge_frame():
            super().onPing(payload)

    def onPong(self, payload: bytes) -> None:
        if self._charge_frame():
            super().onPong(payload)

    def onMessageBegin(self, isBinary: bool) -> None:
        self._frames_in_message = 0
        super().onMessageBegin(isBinary)

    def onMessageFrameBegin(self, length: int) -> None:
        super().onMessageFrameBegin(length)
        self._frames_in_message += 1
        if self._frames_in_message > 1 and self.state == WebSocketProtocol.STATE_OPEN:
            self._charge_frame()

    def _charge_frame(self) -> bool:
        """Spend a token on a frame; over budget, the connection closes
        (1008): a frame can't be answered with an error."""
        if self._bucket.take():
            return True
        self._close_flooder("too many frames")
        return False

    def _close_flooder(self, reason: str) -> None:
        """Close with 1008, and read nothing more of this client, not even
        the rest of the read at hand: one read of empty frames holds
        thousands of them, which would take the reactor tens of
        milliseconds to parse."""
        self.close_with(CLOSE_POLICY_VIOLATION, reason)
        self.wasNotCleanReason = reason
        self.dropConnection()

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        metrics = self.factory.metrics
        if metrics is None:
            self._handle_message(payload, isBinary)
            return
        # The answer has gone out when the handling returns: its batch of
        # messages is written at the batch's end.
        started = metrics.timer()
        self._handle_message(payload, isBinary)
        metrics.action_latency.observe(metrics.timer() - started)

    def _handle_message(self, payload: bytes, isBinary: bool) -> None:
        if self.state != WebSocketProtocol.STATE_OPEN:
            return
        if self.factory.sessions.stopping:
            # Whatever it did could not be stored any more.
            self.send_error(503, "the server is stopping: try again soon")
            return
        if not self._bucket.take():
            if not isBinary and self._play_over_limit(payload):
                return
            self._strikes += 1
            if self._strikes >= self.factory.limits.strikes:
                self._close_flooder("too many messages")
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
                if self.factory.metrics is not None:
                    self.factory.metrics.request(request)
                self._dispatch(request)
                session = self.session
                if session is not None and type(request) in session.table.actions:
                    # A move the table took is free: only what it refuses,
                    # and every other message, spends the budget, so a fast
                    # player keeps it for the pongs to the server's pings.
                    self._bucket.refund()
            except Refusal as refusal:
                self.send_error(refusal.status_code, refusal.message)
            except Exception:
                # A bug of the server's, not the client's: log it in full.
                _logger.failure("handling {request!r}", request=request)
                self.send_error(500, "internal server error")

    def _play_over_limit(self, payload: bytes) -> bool:
        """Play ``payload`` though the client is over its message budget,
        if it is a move the table takes now: a legal move is never dropped
        for speed (the table would wait out its turn timer for it). True if
        it was played; anything else counts against the budget."""
        session = self.session
        if session is None:
            return False
        try:
            request = _decode_request(payload)
        except Refusal:
            return False
        if type(request) not in session.table.actions:
            return False
        if self.factory.metrics is not None:
            self.factory.metrics.request(request)
        with self.factory.outbox.batch():
            try:
                session.table.act(session.player_id, request)
            except Refusal:
                return False
            except Exception:
                _logger.failure("handling {request!r}", request=request)
                self.send_error(500, "internal server error")
        return True

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        self._cancel_auth_timer()
        if self in self.factory.clients:
            self.factory.clients.discard(self)
            if self.factory.metrics is not None:
                self.factory.metrics.connection_closed(code)
            _logger.info(
                "connection from {address} ({peer}) closed: {code} {reason}",
                peer=self.peer,
                address=self.client_address(),
                # As in the metrics: a close frame without a code is 1005.
                code=1005 if code is None else code,
                reason=reason or "",
                clean=wasClean,
                player=self.player_id,
            )
        if self._watcher_id is not None:
            self.factory.lobby.unwatch(self._watcher_id)
            self._watcher_id = None
        if self.session is not None:
            session, self.session = self.session, None
            with self.factory.outbox.batch():
                self.factory.sessions.dropped(session, self)

    def seat_ended(self) -> None:
        """This connection's session is over or moved elsewhere."""
        self.session = None

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
        if self.factory.metrics is not None:
            self.factory.metrics.error_sent(status_code)
        self._log_refusal(status_code, message)
        self.send_message(Error(status_code, message))

    def _log_refusal(self, status_code: int, message: str) -> None:
        """Log an error sent, at most once a ``REFUSAL_LOG_INTERVAL`` for
        each connection, saying how many went unlogged meanwhile."""
        now = self.factory.clock.seconds()
        last = self._refusal_logged_at
        if last is not None and now - last < REFUSAL_LOG_INTERVAL:
            self._refusals_unlogged += 1
            return
        unlogged, self._refusals_unlogged = self._refusals_unlogged, 0
        self._refusal_logged_at = now
        _logger.info(
            "sent {status} to {address} ({peer}): {text}"
            + (" ({unlogged} more errors since the last line)" if unlogged else ""),
            status=status_code,
            text=message,
            peer=self.peer,
            address=self.client_address(),
            player=self.player_id,
            unlogged=unlogged,
        )

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
        session = self.session
        if isinstance(request, AuthRequest):
            self._authorize(request)
        elif isinstance(request, WatchRequest):
            self._watch(request.table)
        elif session is None:
            self.send_error(401, "not authorized")
        elif isinstance(request, RebuyRequest):
            self._rebuy(session)
        elif isinstance(request, HistoryRequest):
            self._history(session, request.limit)
        else:
            session.table.act(session.player_id, request)

    def _authorize(self, request: AuthRequest) -> None:
        factory = self.factory
        if self.session is not None or self._signing_in:
            self.send_error(409, "already authorized")
            return
        if factory.sessions.draining and request.token is None:
            # A player coming back to a held seat plays out the round.
            raise ActionRejected(503, "the server is stopping: try again soon")
        self._asked_table = request.table or self._url_table
        if request.token is not None:
            try:
                session = factory.sessions.resume(request.token, self)
            except ActionRejected:
                if factory.cluster is None or not _TOKEN_SHAPE.fullmatch(request.token):
                    raise
                if not factory.password_checks.take(self.client_address()):
                    # Each costs the directory (the database) a query.
                    raise ActionRejected(
                        429, "too many sign-ins from your address: try again later"
                    ) from None
                self._signing_in = True
                Deferred.fromCoroutine(
                    self._resume_from_directory(factory.cluster, request.token)
                ).addErrback(self._sign_in_failed)
                return
            self._seated(session)
            return
        if factory.cluster is not None:
            # A node of a cluster plays only the tables it holds: hold the
            # table first (or learn which node plays it).
            def sit_at(table: int) -> None:
                self._asked_table = table
                self._authorize_seat(request)

            self._place_then(factory.cluster, self._asked_table, sit_at)
            return
        self._authorize_seat(request)

    def _place_then(
        self, cluster: ClusterNode, table: int | None, then: Callable[[int], None]
    ) -> None:
        """Have ``cluster`` place this client (``ClusterNode.place``), then
        call ``then`` with the table, if the connection is still open."""
        self._signing_in = True

        async def placed() -> None:
            try:
                number = await cluster.place(table)
            finally:
                self._signing_in = False
            if self.state == WebSocketProtocol.STATE_OPEN:
                with self.factory.outbox.batch():
                    then(number)

        Deferred.fromCoroutine(placed()).addErrback(self._sign_in_failed)

    def _authorize_seat(self, request: AuthRequest) -> None:
        factory = self.factory
        assert request.username is not None, "auth has a username or a token"
        if request.password is None:
            if factory.lobby.game == "casino" and not factory.guests:
                raise ActionRejected(
                    401, "casino tables need an account: sign in with a password"
                )
            self._take_seat(request.username)
            return
        if factory.accounts is None:
            raise ActionRejected(
                401, "this server keeps no accounts: sign in without a password"
            )
        if not factory.password_checks.take(self.client_address()):
            # Each check costs 16 MiB and tens of milliseconds of scrypt.
            raise ActionRejected(
                429, "too many sign-ins from your address: try again in a while"
            )
        self._signing_in = True
        Deferred.fromCoroutine(
            self._sign_in(factory.accounts, request.username, request.password)
        ).addErrback(self._sign_in_failed)

    async def _sign_in(self, accounts: Accounts, username: str, password: str) -> None:
        async def signed_in() -> AccountRow:
            try:
                account = await accounts.sign_in(username, password)
            except Refusal as refused:
                _logger.warn(
                    "sign-in as {username} from {address} refused: {status} {text}",
                    username=username,
                    address=self.client_address(),
                    peer=self.peer,
                    status=refused.status_code,
                    text=refused.message,
                )
                raise
            _logger.info(
                "{username} signed in to account {account_id} from {address}",
                username=account.username,
                account_id=account.id,
                address=self.client_address(),
                peer=self.peer,
            )
            return account

        await self._seat_when_free(signed_in)

    async def _resume_from_directory(self, cluster: ClusterNode, token: str) -> None:
        """A token this node doesn't know: a seat's on another node of the
        cluster, or on one that died or let its table go. The account comes
        back at the token's table (or the one asked for), here."""
        accounts = self.factory.accounts
        not_valid = ActionRejected(401, "that token is not valid (any more)")
        spent: list[SeatToken] = []

        async def signed_in() -> AccountRow:
            found = await cluster.find_token(token)
            if found is None or accounts is None:
                raise not_valid
            # A table another node plays is a 503: the token stays good.
            self._asked_table = await cluster.place(self._asked_table or found.table_no)
            account = await accounts.store.account_state(found.account_id)
            _logger.info(
                "{username} comes back to account {account_id} from {address} "
                "with a token of node {node}",
                username=account.username,
                account_id=account.id,
                address=self.client_address(),
                peer=self.peer,
                node=found.node,
            )
            return account

        async def spend() -> None:
            # Last, once the seat is to be had: a token spent is good no
            # more, on any node.
            taken = await cluster.take_token(token)
            if taken is None:
                raise not_valid
            spent.append(taken)

        def refused() -> None:
            for taken in spent:
                cluster.keep_token(token, taken)

        await self._seat_when_free(signed_in, spend, refused)

    async def _seat_when_free(
        self,
        signed_in: Callable[[], Awaitable[AccountRow]],
        spend: Callable[[], Awaitable[None]] | None = None,
        refused: Callable[[], None] | None = None,
    ) -> None:
        """Seat the account ``signed_in`` gives, once its chips are free: in
        a cluster, once no other node holds it. ``spend`` (a token) comes
        last before the seat; ``refused`` is told if no seat follows it."""
        # The account this sign-in claimed in a cluster's directory: the
        # node may let it go again once the sign-in is over.
        claimed: int | None = None
        cluster = self.factory.cluster
        try:
            try:
                account = await signed_in()
                if (
                    cluster is not None
                    and self.factory.sessions.for_account(account.id) is None
                ):
                    # One seat an account in the whole cluster: another node
                    # that holds it lets it go, and stores its chips first.
                    claimed = account.id
                    await cluster.claim_account(account.id, self._asked_table)
                bank = self.factory.chips
                state = None
                if bank is not None and bank.player_of(account.id) is None:
                    # Read once every chip the account's last seat moved is
                    # stored.
                    await bank.written()
                    accounts = self.factory.accounts
                    assert accounts is not None, "chips are an account's"
                    state = await accounts.store.account_state(account.id)
                if spend is not None:
                    await spend()
            finally:
                self._signing_in = False
            seated = False
            try:
                if self.state == WebSocketProtocol.STATE_OPEN:
                    with self.factory.outbox.batch():
                        self._seat_account(account, state)
                    seated = self.session is not None
            finally:
                if not seated and refused is not None:
                    refused()
        finally:
            if cluster is not None and claimed is not None:
                cluster.signed_in(claimed)

    def _seat_account(self, account: AccountRow, state: AccountRow | None) -> None:
        sessions, bank = self.factory.sessions, self.factory.chips
        held = sessions.for_account(account.id)
        if held is not None:
            # Signed in on another device: the seat moves here.
            sessions.take_over(held, self)
            self._seated(held)
            return
        player_id = None
        loaded = False
        if bank is not None:
            player_id = bank.player_of(account.id)
            if player_id is None:
                state = state or account
                player_id = self.factory.lobby.new_player_id()
                bank.load(player_id, account.id, state.balance, state.last_rebuy_at)
                loaded = True
        try:
            self._take_seat(account.username, account.id, player_id)
        finally:
            if loaded and self.session is None and bank is not None:
                assert player_id is not None
                bank.ledger.release(player_id)

    def _sign_in_failed(self, failure: Failure) -> None:
        if self.state != WebSocketProtocol.STATE_OPEN:
            return
        refusal = failure.value
        if isinstance(refusal, Refusal):
            self.send_error(refusal.status_code, refusal.message)
        else:
            _logger.failure("signing in", failure)
            self.send_error(500, "internal server error")

    def client_address(self) -> str:
        """Where the client is: the peer's address, or the one a trusted
        proxy names last in ``X-Forwarded-For``."""
        peer = self.transport.getPeer() if self.transport is not None else None
        host = str(getattr(peer, "host", ""))
        if host in self.factory.limits.trusted_proxies:
            forwarded = (self.http_headers or {}).get("x-forwarded-for", "")
            named = [part.strip() for part in forwarded.split(",") if part.strip()]
            if named:
                return named[-1]
        return host

    def _take_seat(
        self,
        username: str,
        account_id: int | None = None,
        player_id: int | None = None,
    ) -> None:
        cluster, table = self.factory.cluster, self._asked_table
        if cluster is not None and table is not None and not cluster.seats_at(table):
            # The sign-in waited, and the table moves (or moved) elsewhere.
            raise ActionRejected(
                503, f"table {table} moves to another node: try again in a moment"
            )
        limit = self.factory.limits.seats_per_address
        address = self.client_address()
        if limit and self.factory.sessions.seated_from(address) >= limit:
            raise ActionRejected(
                429, f"your address holds {limit} seats already: one of them must leave"
            )
        try:
            session = self.factory.sessions.seat(
                self,
                username,
                account_id,
                player_id,
                accounts_kept=self.factory.accounts is not None,
                address=address,
                table=self._asked_table,
                watcher_id=self._watcher_id,
            )
        except ActionRejected as refusal:
            if refusal.status_code != 507 or self._asked_table is not None:
                # A full table the client chose: it may choose another, or
                # watch this one.
                raise
            # Every seat went while this client was deciding on a name.
            self._refuse_seat()
            return
        self._seated(session)

    def _seated(self, session: Session) -> None:
        self.session = session
        self._cancel_auth_timer()
        if self._watcher_id is not None:
            # Seated from watching (the lobby stopped it if it seated them).
            self.factory.lobby.unwatch(self._watcher_id)
            self._watcher_id = None

    def _watch(self, table: int) -> None:
        if self.session is not None or self._signing_in:
            raise ActionRejected(
                409, "you are seated: watching is for those without a seat"
            )
        if self.factory.sessions.draining:
            raise ActionRejected(503, "the server is stopping: try again soon")
        cluster = self.factory.cluster
        if cluster is not None and table not in cluster.held:
            self._place_then(cluster, table, self._watch_here)
            return
        self._watch_here(table)

    def _watch_here(self, table: int) -> None:
        lobby = self.factory.lobby
        watcher_id = self._watcher_id or lobby.new_player_id()
        lobby.watch(watcher_id, table, self.send_message)
        self._watcher_id = watcher_id
        # Watching has no time limit: it needs no sign-in.
        self._cancel_auth_timer()

    def _rebuy(self, session: Session) -> None:
        bank = self.factory.chips
        if bank is None:
            raise ActionRejected(409, "there are no chips to buy at this table")
        if session.table.has_stake_in_play(session.player_id):
            # A round is replayed from the chips its players held when it
            # was dealt, and a broke player must not bet what they then buy:
            # new chips come between rounds.
            raise ActionRejected(409, "rebuy after the round: your chips are in play")
        amount, balance, next_in = bank.rebuy(session.player_id)
        self.send_message(Rebuy(amount=amount, balance=balance, next_in=next_in))

    def _history(self, session: Session, limit: int) -> None:
        accounts = self.factory.accounts
        if session.account_id is None or accounts is None:
            raise ActionRejected(
                409, "history is kept for accounts: sign in with a password"
            )
        account_id = session.account_id
        Deferred.fromCoroutine(
            self._send_history(accounts, account_id, limit)
        ).addErrback(self._sign_in_failed)

    async def _send_history(
        self, accounts: Accounts, account_id: int, limit: int
    ) -> None:
        if self.factory.bank is not None:
            # The rounds just played are in it.
            await self.factory.bank.written()
        rows = await accounts.store.history(account_id, limit)
        self.send_message(
            History(rounds=tuple(history_round(row, account_id) for row in rows))
        )

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
    #: This server's part in a cluster (``--node``); None alone.
    cluster: ClusterNode | None = None

    def __init__(
        self,
        lobby: Lobby,
        clock: IReactorTime,
        limits: ClientLimits = ClientLimits(),
        url: str | None = None,
        outbox: Outbox | None = None,
        sessions: Sessions | None = None,
        accounts: Accounts | None = None,
        bank: Bank | None = None,
        guests: bool = True,
        banner: str | None = SERVER_BANNER,
        metrics: Metrics | None = None,
    ) -> None:
        # ``banner``: the handshake's ``Server:`` header; None leaves
        # autobahn's own (with its version).
        if banner is None:
            super().__init__(url)
        else:
            super().__init__(url, server=banner)
        self.lobby = lobby
        #: Every seated player's session (seats held across connections).
        self.sessions = Sessions(lobby, clock, 0) if sessions is None else sessions
        #: Signing in to accounts; None when the server keeps none.
        self.accounts = accounts
        #: Chips in play and rounds on their way to storage; None when
        #: nothing is stored.
        self.bank = bank
        #: Whether a casino table seats players without an account.
        self.guests = guests
        #: Password checks (sign-ins and registrations) each address may
        #: ask for.
        self.password_checks = AddressBuckets(
            limits.password_rate, limits.password_burst, clock
        )
        #: Where every message goes out; the one whose ``timed`` clock the
        #: tables run on, if they do.
        self.outbox = Outbox() if outbox is None else outbox
        self.clock = clock
        self.limits = limits
        self.clients: set[BlackjackServerProtocol] = set()
        #: What is counted for ``/metrics``; None counts nothing.
        self.metrics = metrics
        if metrics is not None:
            metrics.track(self)
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
            # Origins are checked by ``onConnect`` (``allowed_origins``), so
            # autobahn's own check lets all through. Set explicitly: every
            # call resets it.
            allowNullOrigin=True,
        )

    def tell_everyone(self, message: ServerMessage) -> None:
        """Send ``message`` to every open connection: players, watchers and
        those yet to sign in."""
        with self.outbox.batch():
            for client in list(self.clients):
                client.send_message(message)

    def close_everyone(self, code: int, reason: str) -> None:
        """Start the closing handshake on every open connection."""
        for client in list(self.clients):
            client.close_with(code, reason)

    def close_watchers(self, table: int, code: int, reason: str) -> None:
        """Close the connections watching ``table`` (it moved elsewhere)."""
        for client in list(self.clients):
            watcher_id = client._watcher_id
            if watcher_id is not None and self.lobby.watched_by(watcher_id) == table:
                self.lobby.unwatch(watcher_id)
                client._watcher_id = None
                client.close_with(code, reason)

    @property
    def chips(self) -> Bank | None:
        """The bank, where its tables play for chips (casino tables)."""
        return self.bank if self.lobby.game == "casino" else None

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
