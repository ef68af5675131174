"""Seats that outlive a connection.

A ``Session`` is one player's hold on one seat: their ``player_id``, the
secret ``token`` that brings them back, their account (if any) and the
connection that reaches them now. The table reaches the player through the
session (``Session.deliver``), so a player who reconnects needs nothing of
the table but a ``snapshot``.

When a connection drops, the session keeps the seat for ``grace`` seconds
(the table is told: ``away``); the player's hands stand on their turn
timers as anyone's do. ``resume`` with the token in time reattaches a new
connection; after that, the player leaves for good (``left`` with reason
``gone``) and the token is worthless. Signing in to an account that is
seated moves its session to the new connection (``take_over``): one
account never holds two seats.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.logger import Logger

from blackjackd.errors import ActionRejected
from blackjackd.interfaces import ITable
from blackjackd.lobby import Lobby
from blackjackd.timing import cancel_call
from blackjackd.wire import Left, ServerMessage

_logger = Logger(namespace="blackjackd.sessions")

#: WebSocket close code (application range) for a connection whose seat was
#: taken over by a sign-in elsewhere.
CLOSE_SIGNED_IN_ELSEWHERE = 4001
#: Close code for a player the table stood up (idle), after ``left``.
CLOSE_NORMAL = 1000
#: Close code for the players and watchers of a table that moved to
#: another node of a cluster: they connect again at once (with their token).
CLOSE_TABLE_MOVED = 4002


class Connection(Protocol):
    """What a session needs of the connection that reaches its player."""

    def send_message(self, message: ServerMessage) -> None: ...

    def close_with(self, code: int, reason: str) -> None: ...

    def seat_ended(self) -> None:
        "The session this connection holds is over."


@dataclass(eq=False)
class Session:
    """One player's hold on a seat, across connections."""

    player_id: int
    username: str
    token: str = field(repr=False)
    account_id: int | None
    table: ITable
    connection: Connection | None
    grace_timer: IDelayedCall | None = None
    #: Told when the table stood the player up.
    on_stood_up: Callable[[Session, str], None] | None = None
    #: Where the player sat down from (their seat counts against it).
    address: str = ""

    def deliver(self, message: ServerMessage) -> None:
        """What the table sends the player: to the connection of the moment."""
        connection = self.connection
        if connection is not None:
            connection.send_message(message)
        if (
            isinstance(message, Left)
            and message.id == self.player_id
            and message.reason is not None
            and self.on_stood_up is not None
        ):
            self.on_stood_up(self, message.reason)


class Sessions:
    """Every seated player's session, by token, player and account."""

    def __init__(self, lobby: Lobby, clock: IReactorTime, grace: float) -> None:
        self.lobby = lobby
        self.clock = clock
        #: Seconds a dropped player's seat is held (0: not at all).
        self.grace = grace
        self._by_token: dict[str, Session] = {}
        self._by_player: dict[int, Session] = {}
        self._by_account: dict[int, Session] = {}
        #: The server is draining: the rounds under way finish, nobody new
        #: sits down (``auth`` and ``watch`` are answered with 503).
        self.draining = False
        #: The server is stopping: players no longer leave their seats.
        self.stopping = False
        #: Told of every session that ends, and whether its token stays
        #: good elsewhere (a cluster's node releases the account once its
        #: chips are stored, and keeps or forgets the token).
        self.on_end: Callable[[Session, bool], None] | None = None
        #: Told of every token given to a seat, with the one it replaces.
        self.on_token: Callable[[Session, str | None], None] | None = None

    def __len__(self) -> int:
        return len(self._by_player)

    def for_account(self, account_id: int) -> Session | None:
        return self._by_account.get(account_id)

    def seated_from(self, address: str) -> int:
        """How many seats players from ``address`` hold (held seats count)."""
        return sum(
            1 for session in self._by_player.values() if session.address == address
        )

    def account_of(self, player_id: int) -> int | None:
        """The account a seated player signed in to; None for a guest."""
        session = self._by_player.get(player_id)
        return None if session is None else session.account_id

    def seat(
        self,
        connection: Connection,
        username: str,
        account_id: int | None = None,
        player_id: int | None = None,
        accounts_kept: bool = True,
        address: str = "",
        table: int | None = None,
        watcher_id: int | None = None,
    ) -> Session:
        """Seat a player (``ActionRejected`` 507 when every seat is taken;
        at ``table`` if given, as ``Lobby.sit`` does) and start their
        session. ``id`` says whether they signed in to an account, where the
        server keeps accounts (``accounts_kept``)."""
        token = secrets.token_urlsafe(24)  # 192 bits
        holder: list[Session] = []

        def deliver(message: ServerMessage) -> None:
            # The table greets the player before ``sit`` returns.
            if holder:
                holder[0].deliver(message)
            else:
                connection.send_message(message)

        player_id = self.lobby.sit(
            username,
            deliver,
            player_id=player_id,
            token=token,
            account=(account_id is not None) if accounts_kept else None,
            table=table,
            watcher_id=watcher_id,
        )
        session = Session(
            player_id=player_id,
            username=username,
            token=token,
            account_id=account_id,
            table=self.lobby.table_of(player_id),
            connection=connection,
            on_stood_up=self._stood_up,
            address=address,
        )
        holder.append(session)
        self._by_token[token] = session
        self._by_player[player_id] = session
        if account_id is not None:
            self._by_account[account_id] = session
        if self.on_token is not None:
            self.on_token(session, None)
        _logger.info(
            "{username} took a seat at table {table} from {address}",
            username=username,
            table=session.table.table_id,
            player=player_id,
            account_id=account_id,
            address=address,
        )
        return session

    def resume(self, token: str, connection: Connection) -> Session:
        """Put ``connection`` in the seat ``token`` holds (``ActionRejected``
        401 for a token that holds none)."""
        session = self._by_token.get(token)
        if session is None:
            raise ActionRejected(401, "that token is not valid (any more)")
        self.take_over(session, connection)
        return session

    def take_over(self, session: Session, connection: Connection) -> None:
        """Move ``session`` to ``connection``: the old connection, if it is
        still open, is closed, and the old token is worthless; the player
        gets ``id`` (with a new token) and a ``snapshot``."""
        cancel_call(session.grace_timer)
        session.grace_timer = None
        old, session.connection = session.connection, connection
        if old is not None and old is not connection:
            old.seat_ended()
            old.close_with(CLOSE_SIGNED_IN_ELSEWHERE, "signed in elsewhere")
        # A new token each time: whoever held the old one (another device,
        # a thief) can't take the seat back with it.
        old_token = session.token
        del self._by_token[old_token]
        session.token = secrets.token_urlsafe(24)
        self._by_token[session.token] = session
        if self.on_token is not None:
            self.on_token(session, old_token)
        session.table.rejoin(session.player_id, session.deliver, session.token)
        _logger.info(
            "{username} is back at table {table}",
            username=session.username,
            table=session.table.table_id,
            player=session.player_id,
            account_id=session.account_id,
        )

    def dropped(self, session: Session, connection: Connection) -> None:
        """``connection``, which held ``session``, closed."""
        if session.connection is not connection:
            return  # already moved to another connection
        session.connection = None
        if self.stopping:
            return  # the seat stays as it is: nothing more is stored
        if self.grace > 0 and not self.draining:
            session.table.away(session.player_id, self.grace)
            session.grace_timer = self.clock.callLater(
                self.grace, self._expired, session
            )
        else:
            # Draining: in a cluster, they come back on another node.
            self._end(session, "disconnected", keep_token=self.draining)
            self.lobby.leave(session.player_id)

    def drain(self) -> None:
        """The server is draining: seats held for dropped players are given
        up now (their hands stand), so the rounds under way end without
        waiting on players who can't act; the server won't seat them again."""
        self.draining = True
        for session in list(self._by_player.values()):
            if session.connection is None:
                cancel_call(session.grace_timer)
                session.grace_timer = None
                # In a cluster, they come back on another node.
                self._expired(session, keep_token=True)

    def move_out(self, table_id: int, code: int, reason: str) -> None:
        """End the sessions at table ``table_id``, whose table moves to
        another node: each connection closes with ``code`` before anyone
        leaves (so no player hears of their own leaving), and the tokens
        stay good elsewhere."""
        moved = [s for s in self._by_player.values() if s.table.table_id == table_id]
        for session in moved:
            _send_away(session, code, reason)
        for session in moved:
            self._end(session, "moved", keep_token=True)
            self.lobby.leave(session.player_id)

    def _expired(self, session: Session, keep_token: bool = False) -> None:
        session.grace_timer = None
        self._end(session, "gone", keep_token)
        self.lobby.leave(session.player_id, "gone")

    def _stood_up(self, session: Session, reason: str) -> None:
        # The table has freed the seat already (``left`` to the player).
        if session.token not in self._by_token:
            return  # over already: the seat's grace ran out
        self._end(session, reason)
        self.lobby.forget(session.player_id)
        _send_away(session, CLOSE_NORMAL, f"stood up: {reason}")

    def let_go(self, session: Session, code: int, reason: str) -> None:
        """End ``session`` for good: the player leaves the seat (the hands
        in play stand) and the connection, if any, closes with ``code``."""
        if session.token not in self._by_token:
            return
        self._end(session, reason)
        self.lobby.leave(session.player_id)
        _send_away(session, code, reason)

    def _end(self, session: Session, reason: str, keep_token: bool = False) -> None:
        _logger.info(
            "{username} left table {table} ({reason})",
            username=session.username,
            table=session.table.table_id,
            player=session.player_id,
            account_id=session.account_id,
            reason=reason,
        )
        cancel_call(session.grace_timer)
        session.grace_timer = None
        self._by_token.pop(session.token, None)
        self._by_player.pop(session.player_id, None)
        if session.account_id is not None:
            self._by_account.pop(session.account_id, None)
        if self.on_end is not None:
            self.on_end(session, keep_token)

    def close(self) -> None:
        """Stop every grace timer: the server is stopping."""
        for session in self._by_player.values():
            cancel_call(session.grace_timer)
            session.grace_timer = None


def _send_away(session: Session, code: int, reason: str) -> None:
    """Detach ``session``'s connection, if any, and close it with ``code``:
    its seat is over."""
    connection, session.connection = session.connection, None
    if connection is not None:
        connection.seat_ended()
        connection.close_with(code, reason)
