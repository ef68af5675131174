"""What every kind of table shares: seats, messages to them, and timers.

``Seating`` holds the seats of one table in seat order, says who sits where,
greets a new player (``id``, ``new_client``, the introductions), reaches the
table (``broadcast``) and keeps the table's timers: one turn timer per hand
being played and one timer of the table's own (the pause between rounds,
betting, insurance). ``SeatedTable`` is the part of ``ITable`` that is the
same for every game: seating, leaving, watching, closing and routing a
player's request to the table's state machine, where "not now" becomes one
409.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from automat import NoTransition
from twisted.internet.interfaces import IDelayedCall, IReactorTime

from blackjackd import PROTOCOL_VERSION
from blackjackd.errors import ActionRejected
from blackjackd.interfaces import Send
from blackjackd.timing import cancel_call
from blackjackd.wire import (
    Away,
    Back,
    HitRequest,
    Id,
    Left,
    NewClient,
    OtherPlayers,
    Request,
    Rules,
    ServerMessage,
    Snapshot,
    StandRequest,
    TableView,
    TurnView,
    Watching,
)


@dataclass(eq=False)
class Seat:
    """One player at a table, with the way to reach them."""

    player_id: int
    username: str
    index: int
    send: Send
    #: What ``id`` tells the player beyond the table's own fields: the
    #: token that brings them back, and whether they hold an account.
    token: str | None = None
    account: bool | None = None
    #: False while the player's connection is down and the seat is held.
    connected: bool = True
    #: Rounds in a row the player let pass without a bet or a move.
    idle_rounds: int = 0
    #: Why the player is leaving, when the table or the server says so.
    leaving_reason: str | None = None


SeatT = TypeVar("SeatT", bound=Seat)
SeatT_contra = TypeVar("SeatT_contra", bound=Seat, contravariant=True)


class SeatingConfig(Protocol):
    """What seating needs of a table's config."""

    @property
    def seats(self) -> int: ...

    @property
    def turn_timeout(self) -> float: ...

    @property
    def idle_rounds(self) -> int: ...

    @property
    def round_delay(self) -> float: ...


class Seating(Generic[SeatT]):
    """The seats of one table, in seat order, and the table's timers."""

    def __init__(self, table_id: int, config: SeatingConfig, clock: IReactorTime):
        self.table_id = table_id
        self.config = config
        self.clock = clock
        self._by_id: dict[int, SeatT] = {}
        #: Every seat, left to right.
        self.in_order: list[SeatT] = []
        #: Those who watch the table, by their ids: they hear what every
        #: seat hears (``broadcast``), and nothing sent to one player.
        self.watchers: dict[int, Send] = {}
        self._turn_timers: dict[tuple[int, int | None], IDelayedCall] = {}
        self._table_timer: IDelayedCall | None = None

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[SeatT]:
        return iter(self.in_order)

    def __getitem__(self, player_id: int) -> SeatT:
        return self._by_id[player_id]

    def get(self, player_id: int) -> SeatT | None:
        return self._by_id.get(player_id)

    @property
    def has_free_seat(self) -> bool:
        return len(self._by_id) < self.config.seats

    def claim(self, player_id: int) -> int:
        """The seat ``player_id`` may take: the lowest free one.
        ``ActionRejected`` 507 when the table is full."""
        if not self.has_free_seat:
            raise ActionRejected(507, "all busy")
        if player_id in self._by_id:
            raise ActionRejected(409, "already seated")
        taken = {seat.index for seat in self.in_order}
        return min(set(range(self.config.seats)) - taken)

    def add(self, seat: SeatT, **id_fields: Any) -> None:
        """Seat a player: they hear ``id`` (with the game's ``id_fields``),
        the others ``new_client``."""
        self._by_id[seat.player_id] = seat
        self.in_order.append(seat)
        self.in_order.sort(key=lambda seat: seat.index)
        self.send_id(seat, **id_fields)
        self.broadcast(
            NewClient(message=seat.player_id, username=seat.username, seat=seat.index),
            exclude=seat,
        )

    def send_id(self, seat: SeatT, **id_fields: Any) -> None:
        """Tell a player who they are and where they sit (``id``)."""
        seat.send(
            Id(
                client_id=seat.player_id,
                username=seat.username,
                table=self.table_id,
                seat=seat.index,
                seats=self.config.seats,
                protocol=PROTOCOL_VERSION,
                turn_timeout=self.config.turn_timeout,
                **id_fields,
                token=seat.token,
                account=seat.account,
            )
        )

    def introduce(self, seat: SeatT, describe: Callable[[SeatT], OtherPlayers]) -> None:
        """Tell a newly seated player about everyone else at the table."""
        for other in self.in_order:
            if other is not seat:
                seat.send(describe(other))

    def remove(self, seat: SeatT) -> None:
        """Free a seat (its turn timers stop) and tell the table; tell the
        player too when they didn't leave by themselves."""
        self.end_turns(seat.player_id)
        left = Left(id=seat.player_id, reason=seat.leaving_reason)
        if seat.leaving_reason is not None:
            seat.send(left)
        del self._by_id[seat.player_id]
        self.in_order.remove(seat)
        self.broadcast(left)

    def idle_round(self, seat: SeatT, stand_up: Callable[[SeatT], object]) -> None:
        """``seat`` let a round pass without a bet or a move: after
        ``idle_rounds`` of them in a row (0: never), ``stand_up`` frees it."""
        seat.idle_rounds += 1
        limit = self.config.idle_rounds
        if limit and seat.idle_rounds >= limit and seat.leaving_reason is None:
            seat.leaving_reason = "idle"
            stand_up(seat)

    def turns(self) -> tuple[TurnView, ...]:
        """Every hand whose turn timer runs, and the seconds it has left."""
        now = self.clock.seconds()
        return tuple(
            TurnView(id=player_id, hand=hand, seconds=max(0.0, call.getTime() - now))
            for (player_id, hand), call in self._turn_timers.items()
        )

    def scheduled_in(self) -> float | None:
        """Seconds left on the table's own timer, if it runs."""
        if self._table_timer is None:
            return None
        return max(0.0, self._table_timer.getTime() - self.clock.seconds())

    def broadcast(self, message: ServerMessage, exclude: SeatT | None = None) -> None:
        """Send one message to every seat (but ``exclude``), in seat order,
        then to every watcher."""
        for seat in self.in_order:
            if seat is not exclude:
                seat.send(message)
        for send in list(self.watchers.values()):
            send(message)

    # -- timers -----------------------------------------------------------------

    def start_turn(
        self,
        player_id: int,
        hand: int | None,
        on_timeout: Callable[[], object],
        seconds: float | None = None,
    ) -> None:
        """Start a hand's turn timer: ``on_timeout`` runs after ``seconds``
        (by default the turn timeout) unless the turn ends first
        (``end_turn``). ``hand`` is None at classic tables."""
        key = (player_id, hand)
        cancel_call(self._turn_timers.pop(key, None))
        self._turn_timers[key] = self.clock.callLater(
            self.config.turn_timeout if seconds is None else seconds,
            self._turn_expired,
            key,
            on_timeout,
        )

    def _turn_expired(
        self, key: tuple[int, int | None], on_timeout: Callable[[], object]
    ) -> None:
        del self._turn_timers[key]
        on_timeout()

    def end_turn(self, player_id: int, hand: int | None) -> None:
        """Stop a hand's turn timer, if it runs."""
        cancel_call(self._turn_timers.pop((player_id, hand), None))

    def end_turns(self, player_id: int | None = None) -> None:
        """Stop every turn timer of ``player_id`` (None: of everyone)."""
        for key in list(self._turn_timers):
            if player_id is None or key[0] == player_id:
                cancel_call(self._turn_timers.pop(key))

    def schedule(self, seconds: float, then: Callable[[], object]) -> None:
        """Start the table's own timer (between rounds, betting, insurance),
        replacing the one that runs."""
        self.cancel_scheduled()
        self._table_timer = self.clock.callLater(seconds, self._run_scheduled, then)

    def _run_scheduled(self, then: Callable[[], object]) -> None:
        self._table_timer = None
        then()

    def cancel_scheduled(self) -> None:
        cancel_call(self._table_timer)
        self._table_timer = None

    def close(self) -> None:
        """Stop every timer: the server is stopping."""
        self.end_turns()
        self.cancel_scheduled()


class TableMachine(Protocol[SeatT_contra]):
    """The inputs every table's state machine takes; each game's machine
    protocol extends it with its own."""

    def sit(self, seat: SeatT_contra) -> None:
        "A player takes a free seat."

    def leave(self, seat: SeatT_contra) -> None:
        "A player leaves their seat."

    def hit(self, seat: SeatT_contra, request: HitRequest) -> None:
        "A player asks for a card (on one of their hands)."

    def stand(self, seat: SeatT_contra, request: StandRequest) -> None:
        "A player ends a hand."

    def emptied(self) -> None:
        "The last player left."

    def next_round(self) -> None:
        "The pause after a round is over."

    def refusal(self, seat: SeatT_contra, request: Request) -> ActionRejected:
        "Why the table can't take ``request`` from ``seat`` in this state."


class SeatedTable(Generic[SeatT]):
    """The part of ``ITable`` every game shares.

    A game subclasses it with ``game``, ``inputs`` (the machine input each
    request class is played by; each takes the seat and the request),
    ``_new_seat`` and a ``_machine``. A request the machine's state doesn't
    take is refused with the 409 its ``refusal`` input gives.
    """

    game: ClassVar[str]
    inputs: ClassVar[Mapping[type[Request], Callable[..., None]]]
    _machine: TableMachine[SeatT]

    def __init__(self, table_id: int, config: SeatingConfig, clock: IReactorTime):
        self.table_id = table_id
        self.config = config
        self.rounds_played = 0
        #: The server is stopping: the round under way finishes, no other
        #: begins.
        self.draining = False
        self._seating: Seating[SeatT] = Seating(table_id, config, clock)

    def _new_seat(self, player_id: int, username: str, index: int, send: Send) -> SeatT:
        raise NotImplementedError

    @property
    def actions(self) -> frozenset[type[Request]]:
        return frozenset(self.inputs)

    @property
    def seats_taken(self) -> int:
        return len(self._seating)

    @property
    def has_free_seat(self) -> bool:
        return self._seating.has_free_seat

    @property
    def player_ids(self) -> list[int]:
        """Who sits at the table, in seat order."""
        return [seat.player_id for seat in self._seating]

    def seat_of(self, player_id: int) -> SeatT:
        """The seat of ``player_id``; ``KeyError`` if they aren't seated."""
        return self._seating[player_id]

    def sit(
        self,
        player_id: int,
        username: str,
        send: Send,
        token: str | None = None,
        account: bool | None = None,
    ) -> None:
        index = self._seating.claim(player_id)
        seat = self._new_seat(player_id, username, index, send)
        seat.token, seat.account = token, account
        self._machine.sit(seat)

    def leave(self, player_id: int, reason: str | None = None) -> None:
        seat = self._seating.get(player_id)
        if seat is not None:
            seat.leaving_reason = reason
            self._machine.leave(seat)

    def away(self, player_id: int, seconds: float) -> None:
        seat = self._seating[player_id]
        seat.connected = False
        self._seating.broadcast(Away(id=player_id, seconds=seconds), exclude=seat)

    def rejoin(self, player_id: int, send: Send, token: str | None = None) -> None:
        seat = self._seating[player_id]
        seat.connected = True
        seat.send = send
        if token is not None:
            seat.token = token
        self._seating.send_id(seat, **self._id_fields(seat))
        seat.send(self.snapshot(player_id))
        self._seating.broadcast(Back(id=player_id), exclude=seat)

    def has_stake_in_play(self, player_id: int) -> bool:
        return False

    def snapshot(self, player_id: int | None) -> Snapshot:
        raise NotImplementedError

    @property
    def round_in_progress(self) -> bool:
        raise NotImplementedError

    def drain(self) -> None:
        self.draining = True
        self._stop_before_next_round()

    def reopen(self) -> None:
        if self._seating:
            raise RuntimeError("a table reopens empty")
        self.draining = False

    def _schedule_next_round(self) -> None:
        """The round is over: the next begins after the round delay, unless
        the table drains."""
        if not self.draining:
            self._seating.schedule(self.config.round_delay, self._machine.next_round)

    def _stop_before_next_round(self) -> None:
        """Don't begin the next round (``draining`` is set)."""
        raise NotImplementedError

    @property
    def rules(self) -> Rules | None:
        """The rules ``id`` names (casino tables); None if the game has none."""
        return None

    @property
    def watchers(self) -> int:
        return len(self._seating.watchers)

    def watch(self, watcher_id: int, send: Send, announce: bool = True) -> None:
        self._seating.watchers[watcher_id] = send
        if announce:
            send(
                Watching(
                    table=self.table_id,
                    game=self.game,
                    seats=self.config.seats,
                    watchers=len(self._seating.watchers),
                    turn_timeout=self.config.turn_timeout,
                    rules=self.rules,
                )
            )
            send(self.snapshot(None))

    def unwatch(self, watcher_id: int) -> None:
        self._seating.watchers.pop(watcher_id, None)

    def view(self) -> TableView:
        return TableView(
            table=self.table_id,
            game=self.game,
            seats=self.config.seats,
            taken=len(self._seating),
            watchers=len(self._seating.watchers),
            players=tuple(seat.username for seat in self._seating),
            turn_timeout=self.config.turn_timeout,
            rules=self.rules,
        )

    def _id_fields(self, seat: SeatT) -> dict[str, Any]:
        """What this game's ``id`` says beyond every table's fields."""
        return {}

    def _stand_up(self, seat: SeatT) -> None:
        """Free ``seat`` for the reason it carries (the machine takes the
        input once the transition that asked has finished)."""
        self._machine.leave(seat)

    def act(self, player_id: int, request: Request) -> None:
        action = self.inputs.get(type(request))
        if action is None:
            raise ActionRejected(409, f"this table doesn't play {request.TYPE}")
        seat = self._seating.get(player_id)
        if seat is None:
            raise ActionRejected(409, "not seated")
        name = action.__name__
        try:
            getattr(self._machine, name)(seat, request)
        except NoTransition as not_now:
            if not_now.symbol != name:
                raise  # an input the table gave itself: a bug, not a refusal
            raise self._machine.refusal(seat, request) from None
        seat.idle_rounds = 0

    def close(self) -> None:
        self._seating.close()
