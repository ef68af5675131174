"""The bank: the casino tables' chips, kept in play and written to storage.

Tables move chips only through the ``Ledger``, in memory, at once: a round
never waits on the disk. The bank listens to that ledger and to the tables'
rounds (it is their ``RoundLog``) and writes every movement of an account's
chips, with the round it belongs to, to the database: all that one event
changed (a bet, a settlement with every payout and the round's record) in
one transaction, in the order it happened. Guests' chips live for their
connection only and are never written; the rounds they play are.

An account's chips are in play (loaded in the ledger, as ledger account
``player_id``) while its player is seated or has hands still to be settled;
then they are released, and storage alone holds them. While they are in
play the ledger's balance is the truth; storage catches up behind it, in
order, so a balance read from storage after a release is current.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Protocol

from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger
from twisted.python.failure import Failure

from blackjackd.casino_table import SettledRound
from blackjackd.errors import ActionRejected
from blackjackd.ledger import Entry, Ledger
from blackjackd.record import casino_record, movement_reason
from blackjackd.store import (
    Batch,
    BatchRejected,
    Movement,
    RoundClosed,
    RoundOpened,
    StoreClosed,
)

_logger = Logger(namespace="blackjackd.bank")

#: Seconds before a failed transaction goes again: doubling, up to the
#: longest.
_FIRST_RETRY = 0.5
_LONGEST_RETRY = 30.0

#: Ledger entries that are in-memory bookkeeping, not movements: a guest's
#: chips coming and going with the connection.
_NOT_MOVEMENTS = frozenset({"open", "close"})


class Storage(Protocol):
    """What the bank needs of the database."""

    def apply(self, batch: Batch) -> Deferred[None]: ...


@dataclass
class _PendingRound:
    table_id: int
    round_no: int
    opened_at: float
    #: Written to storage (with its first movement, or at its settlement).
    written: bool = False


@dataclass
class _Pending:
    """What one event changed, on its way to becoming a ``Batch``."""

    opened: list[RoundOpened]
    movements: list[Movement]
    closed: list[RoundClosed]
    rebuys: list[tuple[int, float]]
    voided: list[tuple[str, float]]
    #: The number of the last event in it.
    last_event: int = 0

    def batch(self) -> Batch:
        return Batch(
            opened=self.opened,
            movements=self.movements,
            closed=self.closed,
            rebuys=self.rebuys,
            voided=self.voided,
        )

    def extend(self, later: _Pending) -> None:
        """Add what a later event changed: stored together, in order (a
        round's movements never follow its settlement)."""
        self.opened += later.opened
        self.movements += later.movements
        self.closed += later.closed
        self.rebuys += later.rebuys
        self.voided += later.voided
        self.last_event = later.last_event


@dataclass(frozen=True)
class RebuyRules:
    """When a broke player may top up, and to how much."""

    starting_chips: int
    min_bet: int
    #: Seconds between two rebuys of one player.
    interval: float


class Bank:
    """Keeps accounts' chips in play and writes every movement to storage.

    ``at_end`` runs a callback once the event under way is over (the
    outbox's ``at_end``): the writes of one event go out as one batch.
    """

    def __init__(
        self,
        storage: Storage | None,
        clock: IReactorTime,
        at_end: Callable[[Callable[[], object]], None] | None = None,
        rebuy: RebuyRules | None = None,
    ) -> None:
        self.ledger = Ledger(keep_entries=False, on_entry=self._entry)
        self.ledger.on_release = self._released
        self._storage = storage
        self._clock = clock
        self._at_end = _at_once if at_end is None else at_end
        #: The account a seated player plays for (the sessions know; chips
        #: in play say it at casino tables).
        self.player_accounts: Callable[[int], int | None] = self.account_of
        self._rebuy = rebuy
        self._account_of: dict[Hashable, int] = {}
        self._player_of: dict[int, int] = {}
        self._last_rebuy: dict[Hashable, float] = {}
        self._rounds: dict[str, _PendingRound] = {}
        #: Every ledger entry of each round not yet settled, for its record.
        self._entries: dict[str, list[Entry]] = {}
        #: The account each player of those rounds played for (kept past
        #: their leaving: a player's bet may come back before the deal).
        self._round_accounts: dict[str, dict[Hashable, int | None]] = {}
        #: What the event under way changed, to be written as one batch.
        self._batch: _Pending | None = None
        self._flush_due = False
        #: The events sent to storage are numbered: the last one sent, and
        #: the last one stored.
        self._last_event = 0
        self._stored_event = 0
        #: The transaction under way (or waiting to go again); what comes
        #: meanwhile is ``_queued``.
        self._in_flight: _Pending | None = None
        self._queued: _Pending | None = None
        #: Seconds before a failed transaction goes again (0: none failed).
        self._retry_delay = 0.0
        #: Told when an event is stored: ``(event, waiter)``.
        self._waiters: list[tuple[int, Deferred[None]]] = []
        #: Told of each account whose chips are no longer in play.
        self.on_account_released: Callable[[int], None] | None = None

    # -- accounts in play -------------------------------------------------------

    def player_of(self, account_id: int) -> int | None:
        """The player id whose ledger account holds ``account_id``'s chips,
        while they are in play."""
        return self._player_of.get(account_id)

    def account_of(self, player_id: int) -> int | None:
        """The account whose chips ``player_id`` plays with; None for a guest."""
        return self._account_of.get(player_id)

    def load(
        self,
        player_id: int,
        account_id: int,
        balance: int,
        last_rebuy_at: float | None = None,
    ) -> None:
        """Bring ``account_id``'s chips (as storage has them) into play as
        ledger account ``player_id``."""
        if account_id in self._player_of:
            raise ValueError(f"account {account_id} is already in play")
        self.ledger.load(player_id, balance)
        self._account_of[player_id] = account_id
        self._player_of[account_id] = player_id
        if last_rebuy_at is not None:
            self._last_rebuy[player_id] = last_rebuy_at

    def _released(self, player_id: Hashable) -> None:
        account_id = self._account_of.pop(player_id, None)
        if account_id is not None:
            del self._player_of[account_id]
        self._last_rebuy.pop(player_id, None)
        if account_id is not None and self.on_account_released is not None:
            self.on_account_released(account_id)

    # -- rebuys --------------------------------------------------------------------

    def rebuy(self, player_id: int) -> tuple[int, int, float]:
        """Top a broke player's chips up to the starting chips: ``(amount,
        balance, seconds until the next rebuy)``. ``ActionRejected`` 409
        when they can still bet or it is too soon."""
        rules = self._rebuy
        if rules is None or not self.ledger.has(player_id):
            raise ActionRejected(409, "this table has no chips to buy")
        balance = self.ledger.balance(player_id)
        if balance >= rules.min_bet:
            raise ActionRejected(409, "you can still cover the minimum bet")
        now = self._clock.seconds()
        last = self._last_rebuy.get(player_id)
        if last is not None and now < last + rules.interval:
            minutes = math.ceil((last + rules.interval - now) / 60)
            raise ActionRejected(
                409, f"one rebuy per {_duration(rules.interval)}: next in {minutes} min"
            )
        amount = rules.starting_chips - balance
        balance = self.ledger.pay(player_id, amount, "rebuy")
        self._last_rebuy[player_id] = now
        account_id = self._account_of.get(player_id)
        if account_id is not None:
            self._pending().rebuys.append((account_id, now))
            self._changed()
        return amount, balance, rules.interval

    # -- what the ledger and the tables report ----------------------------------

    def _entry(self, entry: Entry) -> None:
        if entry.kind in _NOT_MOVEMENTS:
            return
        round_id = entry.round_id
        account_id = self._account_of.get(entry.account)
        if round_id is not None:
            self._entries.setdefault(round_id, []).append(entry)
            self._round_accounts.setdefault(round_id, {})[entry.account] = account_id
        if account_id is None or not entry.amount:
            return  # a guest's chips, or nothing moved (insurance declined)
        batch = self._pending()
        if round_id is not None:
            self._write_round(batch, round_id)
        batch.movements.append(
            Movement(
                account_id,
                entry.amount,
                movement_reason(entry.kind),
                round_id,
                self._now(),
            )
        )
        self._changed()

    def opened(self, round_id: str, table_id: int, round_no: int) -> None:
        self._rounds[round_id] = _PendingRound(table_id, round_no, self._now())

    def settled(self, settled: SettledRound) -> None:
        round_id = settled.round.round_id
        assert round_id is not None, "a table's rounds are named"
        batch = self._pending()
        self._write_round(batch, round_id)
        record = casino_record(
            settled.round,
            table=settled.table_id,
            round_no=settled.round_no,
            shoe=settled.shoe,
            accounts=self._round_accounts.pop(round_id, {}),  # type: ignore[arg-type]
            seats=settled.seats,
            movements=self._entries.pop(round_id, []),
        )
        batch.closed.append(RoundClosed(round_id, record, self._now()))
        del self._rounds[round_id]
        self._changed()

    def classic_dealt(self, round_id: str, table_id: int) -> None:
        """Nothing is stored before a classic round ends."""

    def classic_settled(
        self, round_id: str, table_id: int, round_no: int, record: dict[str, Any]
    ) -> None:
        """A classic round ended: stored with its record, under each of its
        players' accounts (no chip moved)."""
        accounts = []
        for player in record["players"]:
            account_id = self.player_accounts(player["player"])
            player["account"] = account_id
            if account_id is not None:
                accounts.append(account_id)
        now = self._now()
        batch = self._pending()
        batch.opened.append(RoundOpened(round_id, table_id, round_no, "classic", now))
        batch.closed.append(RoundClosed(round_id, record, now, players=accounts))
        self._changed()

    def voided(self, round_id: str) -> None:
        pending = self._rounds.pop(round_id, None)
        self._entries.pop(round_id, None)
        self._round_accounts.pop(round_id, None)
        if pending is not None and pending.written:
            self._pending().voided.append((round_id, self._now()))
            self._changed()

    def _write_round(self, batch: _Pending, round_id: str) -> None:
        pending = self._rounds.get(round_id)
        if pending is not None and not pending.written:
            pending.written = True
            batch.opened.append(
                RoundOpened(
                    round_id,
                    pending.table_id,
                    pending.round_no,
                    "casino",
                    pending.opened_at,
                )
            )

    # -- writing ---------------------------------------------------------------------

    def _pending(self) -> _Pending:
        """What the event under way has changed so far; ``_changed`` once
        something is added."""
        if self._batch is None:
            self._batch = _Pending([], [], [], [], [])
        return self._batch

    def _changed(self) -> None:
        if not self._flush_due:
            self._flush_due = True
            self._at_end(self._flush_at_end)

    def _flush_at_end(self) -> None:
        self._flush_due = False
        self.flush()

    def flush(self) -> None:
        """Send what the event changed to storage, as one transaction; while
        a transaction is under way, what follows waits and goes out with the
        next one (group commit: storage keeps up with a busy server, each
        event still stored whole, in order)."""
        pending, self._batch = self._batch, None
        if pending is None or self._storage is None:
            return
        self._last_event += 1
        pending.last_event = self._last_event
        if self._in_flight is not None:
            if self._queued is None:
                self._queued = pending
            else:
                self._queued.extend(pending)
            return
        self._send(pending)

    def _send(self, pending: _Pending) -> None:
        assert self._storage is not None, "only sent to storage"
        self._in_flight = pending
        writing = self._storage.apply(pending.batch())
        writing.addCallbacks(self._stored, self._failed)

    def _stored(self, result: object) -> None:
        sent, self._in_flight = self._in_flight, None
        assert sent is not None, "a transaction was under way"
        self._stored_event = sent.last_event
        if self._retry_delay:
            _logger.info("storing chip movements works again")
            self._retry_delay = 0.0
        # Tell those waiting for what is stored now, before sending more.
        still_waiting = []
        for event, waiter in self._waiters:
            if event <= self._stored_event:
                waiter.callback(None)
            else:
                still_waiting.append((event, waiter))
        self._waiters = still_waiting
        queued, self._queued = self._queued, None
        if queued is not None:
            self._send(queued)

    def _failed(self, failure: Failure) -> None:
        sent = self._in_flight
        assert sent is not None, "a transaction was under way"
        if failure.check(BatchRejected, StoreClosed):
            # The database refuses it as it is (a bug of ours, not the
            # database's), or is closed for good: trying again can't help.
            _logger.failure(
                "{movements} chip movements and {rounds} rounds are not stored",
                failure,
                movements=len(sent.movements),
                rounds=len(sent.closed),
            )
            self._stored(None)
            return
        # The database is away (restarting, its disk full, busy): nothing
        # is lost, the batch waits at the head of the queue, later events
        # behind it, and goes again, less and less often.
        if not self._retry_delay:
            _logger.failure(
                "storing chip movements failed; trying again until it works",
                failure,
            )
        self._retry_delay = min(
            max(2 * self._retry_delay, _FIRST_RETRY), _LONGEST_RETRY
        )
        if self._queued is not None:
            sent.extend(self._queued)
        # Still under way, as far as later events know: they join it.
        self._queued = sent
        self._clock.callLater(self._retry_delay, self._retry)

    def _retry(self) -> None:
        queued, self._queued = self._queued, None
        self._in_flight = None
        assert queued is not None, "a batch waits to go again"
        self._send(queued)

    @property
    def unstored_events(self) -> int:
        """Events sent to storage and not yet stored (a gauge's figure)."""
        return self._last_event - self._stored_event

    @property
    def retrying(self) -> bool:
        """Storage failed, and the bank is trying again."""
        return self._retry_delay > 0

    def written(self) -> Deferred[None]:
        """Fires once every event so far is stored (not waiting for the
        events that come after it)."""
        self.flush()
        done: Deferred[None] = Deferred()
        if self._stored_event >= self._last_event:
            done.callback(None)
        else:
            self._waiters.append((self._last_event, done))
        return done

    def _now(self) -> float:
        return self._clock.seconds()


def _at_once(write: Callable[[], object]) -> None:
    write()


def _duration(seconds: float) -> str:
    if seconds % 3600 == 0:
        hours = int(seconds // 3600)
        return "hour" if hours == 1 else f"{hours} hours"
    if seconds % 60 == 0:
        minutes = int(seconds // 60)
        return "minute" if minutes == 1 else f"{minutes} minutes"
    return f"{seconds:g} seconds"
