"""One node of a cluster: several ``twistd blackjack --node NAME`` processes
on one PostgreSQL database, behind HAProxy (docs/scale.rst).

Every node builds all the tables, but plays only those it holds a lease on
in the database's directory (``blackjackd.store.directory``). A player who
asks for table N (``/websocket?table=N``; HAProxy hashes N, so a table's
players reach one node) is seated once the node holds N: it holds it
already, or takes it now, if nobody holds it or its holder's lease ran out,
refunding the rounds the holder left open. A table held by another live
node is refused (503, naming the node): never two copies of a table.

The node renews its leases every ``lease_seconds / 4``, writing each
table's view for ``GET /tables`` on any node; a node that can't renew before
its leases run out stops at once (``halt``), since another node may then
take its tables and refund their rounds: it must not play them on.

A table another node now asks for (HAProxy sends its players there: the
node came back, say) is handed over between rounds: no round begins after
the one under way, then its players' connections close with 4002, every
chip is stored, and the lease is let go. The players come back through
HAProxy with their tokens, which any node honours: a token of an account's
seat is kept in the directory (as a hash) while the seat lives, and for
``TOKEN_SECONDS`` after its node let it go or died.

An account sits on one node at a time (``account_seats``): signing in on
another node asks the holder to let it go (it closes the old connection
with 4001; the seat's hands stand), and the new node loads the account's
chips only once the holder has stored every chip it moved, waiting a
bounded time. Draining (SIGTERM) finishes the rounds, stores them, then
lets go of every lease and seat, so the tables move without a refund.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from typing import Any

from twisted.internet.defer import Deferred, succeed
from twisted.internet.interfaces import IReactorTime
from twisted.internet.task import LoopingCall, deferLater
from twisted.logger import Logger
from twisted.python.failure import Failure

from blackjackd.bank import Bank
from blackjackd.errors import ActionRejected
from blackjackd.lobby import Lobby
from blackjackd.sessions import (
    CLOSE_SIGNED_IN_ELSEWHERE,
    CLOSE_TABLE_MOVED,
    Session,
    Sessions,
)
from blackjackd.store import Database, Refund
from blackjackd.store.directory import Lease, SeatToken, TableClaim
from blackjackd.wire import Tables, TableView
from blackjackd.wire.hardened import _decode_object

_logger = Logger(namespace="blackjackd.cluster")

#: Seconds a lease lasts unless renewed (``--lease-seconds``).
DEFAULT_LEASE_SECONDS = 10.0
#: Seconds a sign-in waits for another node to let the account go.
ACCOUNT_WAIT_SECONDS = 15.0
#: How often a waiting sign-in asks again.
ACCOUNT_POLL_SECONDS = 0.25
#: Seconds a token stays good on any node once its seat left its node (the
#: table moved, the node stopped or died): the clients keep trying to come
#: back for ten minutes after a server stops.
TOKEN_SECONDS = 600.0
#: How often a node deletes the tokens no longer good.
TOKEN_SWEEP_SECONDS = 60.0
#: Exit status of a node that lost its leases (EX_TEMPFAIL): its
#: supervisor starts it again, and it takes tables afresh.
EXIT_LEASE_LOST = 75


def _halt(reason: str) -> None:
    _logger.critical("stopping at once: {reason}", reason=reason)
    # No drain and no flushing: another node may be playing these tables
    # already; what wasn't stored is refunded by whoever takes them.
    os._exit(EXIT_LEASE_LOST)


class ClusterNode:
    """This process's part in a cluster: its leases, its seats, and the
    cluster's directory as it last read it."""

    def __init__(
        self,
        name: str,
        database: Database,
        lobby: Lobby,
        sessions: Sessions,
        clock: IReactorTime,
        bank: Bank | None = None,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        account_wait: float = ACCOUNT_WAIT_SECONDS,
        halt: Callable[[str], None] = _halt,
    ) -> None:
        self.name = name
        self.database = database
        self.lobby = lobby
        self.sessions = sessions
        self.clock = clock
        self.bank = bank
        self.lease_seconds = lease_seconds
        self.account_wait = account_wait
        self._halt = halt
        #: The tables this node plays.
        self.held: set[int] = set()
        #: Tables it has let go of, until the database has them free.
        self._releasing_tables: set[int] = set()
        #: Claims under way, by table: a second player waits for the first.
        self._claims: dict[int, list[Deferred[TableClaim]]] = {}
        #: Accounts being signed in here: not to be let go meanwhile.
        self._signing_in: dict[int, int] = {}
        #: Accounts whose release is on its way to the database.
        self._releasing: set[int] = set()
        #: Tables being handed over once their round is over.
        self.moving: set[int] = set()
        #: Closes the watchers of a table that moved (the server's factory).
        self.close_watchers: Callable[[int, int, str], None] | None = None
        self._swept_at = float("-inf")
        #: The live leases as of the last renewal.
        self.leases: list[Lease] = []
        self._renewed_at: float | None = None
        self._loop: LoopingCall | None = None
        self._renewing = False
        self.stopped = False
        sessions.on_end = self._session_ended
        sessions.on_token = self._token_given
        if bank is not None:
            bank.on_account_released = self._maybe_release_account

    @property
    def renew_every(self) -> float:
        return self.lease_seconds / 4

    # -- the lease loop ----------------------------------------------------------

    def start(self) -> None:
        """Join the cluster: renew (and announce this node) now and then every
        ``renew_every`` seconds."""
        # A new life under this name: the seats its last life gave tokens
        # to are gone, and their tokens good for a while only.
        self.database.retire_tokens(
            self.name, self.clock.seconds() + TOKEN_SECONDS
        ).addErrback(lambda failure: _logger.failure("retiring tokens", failure))
        self._loop = LoopingCall(self._renew)
        self._loop.clock = self.clock
        self._loop.start(self.renew_every, now=True)

    def _renew(self) -> Deferred[None] | None:
        if self.stopped:
            return None
        # Also while a renewal hangs (a database that doesn't answer):
        # the leases run out all the same.
        self._check_deadline()
        if self._renewing:
            return None
        self._renewing = True
        started = self.clock.seconds()
        views: dict[int, str | None] = {
            number: self._view_json(number) for number in self.held
        }
        renewal = self.database.renew(self.name, views, started, self.lease_seconds)

        def renewed(result: Any) -> Deferred[list[Lease]]:
            self._renewed_at = started
            lost = set(views) - set(result.kept)
            if lost:
                self._halt(
                    f"node {self.name} lost its leases on tables {sorted(lost)}: "
                    "another node took them over"
                )
            for account_id in result.accounts_wanted:
                self._let_account_go(account_id)
            for number in result.tables_wanted:
                self._hand_over(number)
            if started >= self._swept_at + TOKEN_SWEEP_SECONDS:
                self._swept_at = started
                self.database.forget_stale_tokens(started, TOKEN_SECONDS).addErrback(
                    lambda failure: _logger.failure("forgetting stale tokens", failure)
                )
            return self.database.live_leases(started)

        def read(leases: list[Lease]) -> None:
            self.leases = leases

        def failed(failure: Failure) -> None:
            _logger.failure(
                "renewing the leases of node {node}", failure, node=self.name
            )
            self._check_deadline()

        def done(result: object) -> None:
            self._renewing = False

        renewal.addCallback(renewed).addCallbacks(read, failed).addBoth(done)
        return None

    def _check_deadline(self) -> None:
        """Halt once the leases may have run out: from then on another node
        may take the tables over."""
        if not self.held:
            return
        last = self._renewed_at
        now = self.clock.seconds()
        if last is None or now >= last + self.lease_seconds - self.renew_every:
            self._halt(
                f"node {self.name} could not renew its leases in time: "
                "its tables may be taken over"
            )

    def _view_json(self, number: int) -> str:
        return json.dumps(self.lobby.table(number).view().as_dict())

    def _hand_over(self, number: int) -> None:
        """Another node is now where HAProxy sends table ``number``'s
        players (this one was down when they came, say): let it have the
        table, at once if nobody sits, watches or plays there, else once
        the round under way is over (no other begins): then the players
        and watchers are sent there (close 4002) with their seats' tokens
        good. Asked at every renewal while the other node wants it."""
        if number not in self.held:
            return
        table = self.lobby.table(number)
        if table.seats_taken or table.watchers or table.round_in_progress:
            if number not in self.moving:
                self.moving.add(number)
                table.drain()
                _logger.info(
                    "table {table} moves to the node that asks for it once its "
                    "round is over",
                    table=number,
                )
            if table.round_in_progress:
                return
            reason = "the table moved to another server: connect again"
            if self.close_watchers is not None:
                self.close_watchers(number, CLOSE_TABLE_MOVED, reason)
            self.sessions.move_out(number, CLOSE_TABLE_MOVED, reason)
        self.moving.discard(number)
        self._release(number)

    def _release(self, number: int) -> None:
        self.held.discard(number)
        # Not to be taken back here before the database has let it go.
        self._releasing_tables.add(number)
        _logger.info(
            "handing table {table} over to the node that asks for it", table=number
        )
        # Once every chip its rounds moved is stored: the next node reads
        # them, and refunds nothing.
        stored = self.bank.written() if self.bank is not None else succeed(None)
        stored.addCallback(
            lambda _: self.database.release_tables(self.name, frozenset({number}))
        ).addErrback(
            lambda failure: _logger.failure(
                "releasing table {table}", failure, table=number
            )
        ).addBoth(lambda _: self._releasing_tables.discard(number))

    # -- tables ----------------------------------------------------------------------

    async def place(self, table: int | None) -> int:
        """The number of a table this node plays where the player may sit:
        ``table`` (taken now if need be), or, for None, one of its tables
        with a free seat or a table nobody holds. ``ActionRejected``: 404
        for no such table, 503 when another node plays it, 507 when every
        table is full or held elsewhere."""
        if self.stopped or self.sessions.draining:
            raise ActionRejected(503, "the server is stopping: try again soon")
        if table is not None:
            self.lobby.table(table)  # 404 for no such table
            await self.claim(table)
            return table
        for held in sorted(self.held):
            if held not in self.moving and self.lobby.table(held).has_free_seat:
                return held
        elsewhere = {lease.table_no for lease in self.leases if lease.node != self.name}
        for candidate in self.lobby.tables:
            number: int = candidate.table_id
            if number in self.held or number in elsewhere:
                continue
            try:
                # Only looking: a table another node plays stays there.
                await self.claim(number, want=False)
            except ActionRejected:
                continue
            if candidate.has_free_seat:
                return number
        raise ActionRejected(507, "all busy")

    async def claim(self, number: int, want: bool = True) -> None:
        """Hold table ``number`` (``ActionRejected`` 503 if a live node
        holds it, which is asked to hand it over if ``want``)."""
        if number in self.moving or number in self._releasing_tables:
            raise ActionRejected(
                503, f"table {number} moves to another node: try again in a moment"
            )
        if number in self.held:
            return
        mine: Deferred[TableClaim] = Deferred()
        waiting = self._claims.get(number)
        if waiting is None:
            self._claims[number] = [mine]
            now = self.clock.seconds()
            self.database.claim_table(
                number, self.name, now, self.lease_seconds, want
            ).addBoth(self._claimed, number)
        else:
            waiting.append(mine)
        claim = await mine
        if not claim.claimed:
            raise ActionRejected(
                503,
                f"table {number} is played on node {claim.holder}: "
                "try again in a few seconds",
            )

    def seats_at(self, number: int) -> bool:
        """Whether a player may sit at table ``number`` here now: a sign-in
        that waited (for a password check, for another node to let the
        account go) may find the table moving, or gone to another node."""
        return number in self.held and number not in self.moving

    def _claimed(self, result: TableClaim | Failure, number: int) -> None:
        waiting = self._claims.pop(number)
        if isinstance(result, TableClaim) and result.claimed:
            self._took(result)
        for waiter in waiting:
            if isinstance(result, Failure):
                waiter.errback(result)
            else:
                waiter.callback(result)

    def _took(self, claim: TableClaim) -> None:
        number = claim.table_no
        if number in self.held:
            return
        self.held.add(number)
        table = self.lobby.table(number)
        if not table.seats_taken:
            # Drained if it last moved away from here.
            table.reopen()
        table.rounds_played = max(table.rounds_played, claim.last_round)
        _logger.info(
            "node {node} plays table {table} now", node=self.name, table=number
        )
        self._log_refunds(claim.refunds)

    def _log_refunds(self, refunds: list[Refund]) -> None:
        for refund in refunds:
            _logger.info(
                "refunded {amount} chips of round {round_id} to account "
                "{account_id}: the table's last node stopped before the "
                "round was settled",
                amount=refund.amount,
                round_id=refund.round_id,
                account_id=refund.account_id,
            )

    def tables_view(self) -> Tables:
        """Every table of the cluster, as ``GET /tables`` lists them: this
        node's as they are, the others' as their nodes last wrote them."""
        stored: dict[int, TableView] = {}
        for lease in self.leases:
            if lease.node == self.name or lease.view is None:
                continue
            try:
                stored[lease.table_no] = _decode_object(
                    TableView, json.loads(lease.view), "table"
                )
            except Exception:
                continue  # a node of another version: its table shows empty
        views = tuple(
            stored.get(table.table_id, table.view())
            if table.table_id not in self.held
            else table.view()
            for table in self.lobby.tables
        )
        return Tables(game=self.lobby.game, tables=views)

    # -- accounts ------------------------------------------------------------------

    async def claim_account(self, account_id: int, table: int | None) -> None:
        """Seat ``account_id`` on this node in the directory, once no other
        node holds it: the holder is asked to let it go, and is waited for
        (``account_wait`` seconds at most: then ``ActionRejected`` 503).
        Call ``signed_in`` when the sign-in is over, seated or not."""
        self._signing_in[account_id] = self._signing_in.get(account_id, 0) + 1
        deadline = self.clock.seconds() + self.account_wait
        while True:
            claim = await self.database.claim_account(
                account_id, self.name, table or 0, self.clock.seconds()
            )
            holder = claim.holder
            if holder is None:
                self._log_refunds(claim.refunds)
                return
            if self.clock.seconds() >= deadline:
                raise ActionRejected(
                    503,
                    f"your account is still at a table on node {holder}: "
                    "try again in a moment",
                )
            await deferLater(self.clock, ACCOUNT_POLL_SECONDS, lambda: None)

    def signed_in(self, account_id: int) -> None:
        """The sign-in ``claim_account`` began is over, seated or not."""
        left = self._signing_in.get(account_id, 0) - 1
        if left > 0:
            self._signing_in[account_id] = left
        else:
            self._signing_in.pop(account_id, None)
        self._maybe_release_account(account_id)

    def _let_account_go(self, account_id: int) -> None:
        """Another node signs ``account_id`` in: end its seat here (its
        hands stand), and release it once its chips are stored."""
        session = self.sessions.for_account(account_id)
        if session is not None:
            self.sessions.let_go(
                session, CLOSE_SIGNED_IN_ELSEWHERE, "signed in elsewhere"
            )
        self._maybe_release_account(account_id)

    def _session_ended(self, session: Session, keep_token: bool) -> None:
        if session.account_id is None:
            return
        until = self.clock.seconds() + TOKEN_SECONDS if keep_token else None
        self.database.end_token(token_hash(session.token), until).addErrback(
            lambda failure: _logger.failure("ending a seat's token", failure)
        )
        self._maybe_release_account(session.account_id)

    # -- tokens --------------------------------------------------------------------

    def _token_given(self, session: Session, replaced: str | None) -> None:
        """A seat of an account got a token: any node honours it."""
        if session.account_id is None:
            return  # a guest signs in by name again: nothing to bring back
        self.database.record_token(
            token_hash(session.token),
            session.account_id,
            session.table.table_id,
            self.name,
            None if replaced is None else token_hash(replaced),
        ).addErrback(lambda failure: _logger.failure("recording a token", failure))

    def find_token(self, token: str) -> Deferred[SeatToken | None]:
        """What a token of a seat on any node names, if it is good."""
        return self.database.find_token(
            token_hash(token), self.clock.seconds(), TOKEN_SECONDS
        )

    def take_token(self, token: str) -> Deferred[SeatToken | None]:
        """Spend a token of a seat on any node: what it named, if it was
        good (and nobody spent it first)."""
        return self.database.take_token(
            token_hash(token), self.clock.seconds(), TOKEN_SECONDS
        )

    def keep_token(self, token: str, spent: SeatToken) -> None:
        """A token spent on a seat that was then refused stays good (for
        ``TOKEN_SECONDS``): the player tries again with it."""
        self.database.record_token(
            token_hash(token),
            spent.account_id,
            spent.table_no,
            spent.node,
            until=self.clock.seconds() + TOKEN_SECONDS,
        ).addErrback(lambda failure: _logger.failure("keeping a token", failure))

    def _in_use(self, account_id: int) -> bool:
        return (
            account_id in self._signing_in
            or self.sessions.for_account(account_id) is not None
            or (self.bank is not None and self.bank.player_of(account_id) is not None)
        )

    def _maybe_release_account(self, account_id: int) -> None:
        """Let the directory know ``account_id`` is free of this node, once
        nothing here holds it and every chip it moved is stored."""
        if self._in_use(account_id) or account_id in self._releasing or self.stopped:
            return
        self._releasing.add(account_id)
        stored = self.bank.written() if self.bank is not None else succeed(None)

        def release(result: object) -> Deferred[bool] | None:
            self._releasing.discard(account_id)
            if self._in_use(account_id):
                return None  # back meanwhile: still this node's
            return self.database.release_account(account_id, self.name)

        stored.addCallback(release).addErrback(
            lambda failure: _logger.failure(
                "releasing account {account_id}", failure, account_id=account_id
            )
        )

    # -- stopping ------------------------------------------------------------------

    async def leave(self) -> None:
        """The node stops with its rounds over and stored: its leases and
        seats go, for other nodes to take without a refund."""
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.stopped = True
        await self.database.leave_cluster(
            self.name, self.clock.seconds(), TOKEN_SECONDS
        )
        self.held.clear()
        _logger.info("node {node} left the cluster", node=self.name)

    def stop_renewing(self) -> None:
        """Stop the lease loop without letting go (the leases run out)."""
        if self._loop is not None and self._loop.running:
            self._loop.stop()


def token_hash(token: str) -> str:
    """What the directory keeps of a token: its SHA-256, so that reading the
    database gives nobody a seat. Tokens are 192 random bits: no salt."""
    return hashlib.sha256(token.encode()).hexdigest()
