"""The classic table: the seed's game of players against a dealer.

Every seated player acts at once. The dealer holds no cards while players
act; when every hand is done the dealer draws, each player is settled on
their own, and after a pause the table deals a new round.

The table is pure: it talks to players only through the ``send`` callable
each one sits down with, and reads time and schedules its timers through an
injected ``IReactorTime`` (a ``Clock`` in tests). Its phases are the states
of an automat ``TypeMachineBuilder`` machine: ``idle`` (nobody seated),
``playing`` (players act) and ``between_rounds`` (the dealer has played and
results are out; the next deal is scheduled). What each player may do is
kept per seat, in ``ClassicSeat.state``.
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from automat import TypeMachineBuilder
from twisted.internet.interfaces import IReactorTime
from zope.interface import implementer

from blackjackd.cards import points
from blackjackd.errors import ActionRejected
from blackjackd.interfaces import ITable, Send
from blackjackd.rules import Outcome, dealer_must_hit, settle
from blackjackd.seating import Seat, SeatedTable, TableMachine
from blackjackd.shoe import Shoe
from blackjackd.table import TableConfig
from blackjackd.wire import (
    DEALER_ID,
    Bust,
    Deadline,
    DealerResult,
    HandRequest,
    HandResult,
    Hit,
    HitRequest,
    Lose,
    OtherPlayers,
    Push,
    Request,
    Restart,
    RoundOver,
    SeatView,
    Shuffle,
    Snapshot,
    Stand,
    StandRequest,
    Wait,
    Winner,
)


class HandState(enum.Enum):
    """Where one seated player's hand stands in the current round."""

    WAITING = "waiting"  # seated during a round: dealt in at the next one
    PLAYING = "playing"
    STOOD = "stood"
    BUST = "bust"


@dataclass(eq=False)
class ClassicSeat(Seat):
    """A player at a classic table, and their one hand."""

    hand: list[str] = field(default_factory=list)
    state: HandState = HandState.WAITING

    @property
    def points(self) -> int:
        return points(self.hand)


@dataclass
class _Recording:
    """A classic round being played, for its record."""

    round_id: str
    cards: list[str]
    moves: list[dict[str, object]]


class ClassicRoundLog(Protocol):
    """Where a classic table reports its rounds."""

    def classic_dealt(self, round_id: str, table_id: int) -> None:
        "Round ``round_id``'s first card was dealt."

    def classic_settled(
        self, round_id: str, table_id: int, round_no: int, record: dict[str, Any]
    ) -> None: ...


class ClassicInputs(TableMachine[ClassicSeat], Protocol):
    """What can happen at a classic table: the machine's inputs, besides
    those every table's machine takes."""

    def time_out(self, seat: ClassicSeat) -> None:
        "A hand's turn timer ran out: the table stands it."

    def hands_done(self) -> None:
        "No hand is still playing."


@implementer(ITable)
class ClassicTable(SeatedTable[ClassicSeat]):
    """A table of the seed's game, driven by a state machine."""

    game = "classic"
    inputs = {HitRequest: ClassicInputs.hit, StandRequest: ClassicInputs.stand}
    config: TableConfig
    _machine: ClassicInputs

    def __init__(
        self,
        table_id: int,
        config: TableConfig,
        shoe: Shoe,
        clock: IReactorTime,
        round_log: ClassicRoundLog | None = None,
    ) -> None:
        super().__init__(table_id, config, clock)
        self._shoe = shoe
        self._clock = clock
        self._dealer_hand: list[str] = []
        self.round_log = round_log
        #: The round being played, as it will be stored (with a round log).
        self._recording: _Recording | None = None
        self._machine = _machine_factory(self)

    @property
    def round_in_progress(self) -> bool:
        return any(seat.state is HandState.PLAYING for seat in self._seating)

    def _stop_before_next_round(self) -> None:
        if not self.round_in_progress:
            # Between rounds: the next deal is off.
            self._seating.cancel_scheduled()

    def _record(self) -> _Recording | None:
        """The round's record, begun with its first card; None without a
        round log."""
        if self.round_log is None:
            return None
        if self._recording is None:
            self._recording = _Recording(uuid.uuid4().hex, [], [])
            self.round_log.classic_dealt(self._recording.round_id, self.table_id)
        return self._recording

    def _note(self, move: str, seat: ClassicSeat) -> None:
        recording = self._record()
        if recording is not None:
            recording.moves.append(
                {"at": self._clock.seconds(), "move": move, "player": seat.player_id}
            )

    @property
    def dealer_hand(self) -> list[str]:
        return list(self._dealer_hand)

    def snapshot(self, player_id: int | None) -> Snapshot:
        between_rounds = self._seating.scheduled_in() is not None
        return Snapshot(
            table=self.table_id,
            game=self.game,
            phase="waiting" if between_rounds else "playing",
            seats=tuple(
                SeatView(
                    id=seat.player_id,
                    username=seat.username,
                    seat=seat.index,
                    hand=tuple(seat.hand),
                    points=seat.points,
                    state=seat.state.value,
                    connected=seat.connected,
                )
                for seat in self._seating
            ),
            dealer=tuple(self._dealer_hand),
            hole_card=False,
            turns=self._seating.turns(),
            seconds=self._seating.scheduled_in(),
        )

    def _new_seat(
        self, player_id: int, username: str, index: int, send: Send
    ) -> ClassicSeat:
        return ClassicSeat(player_id, username, index, send)

    # -- what the machine's transitions do ---------------------------------

    def _refusal(self, seat: ClassicSeat, request: Request) -> ActionRejected | None:
        """Why ``seat`` may not act on its hand, or None when it may."""
        hand = request.hand if isinstance(request, HandRequest) else None
        if hand not in (None, 0):
            return ActionRejected(400, f"no hand {hand}: a classic hand is hand 0")
        if seat.state is HandState.WAITING:
            return ActionRejected(409, "you are dealt in at the next round")
        if seat.state is not HandState.PLAYING:
            return ActionRejected(409, "your hand is over")
        return None

    def _check(self, seat: ClassicSeat, request: Request) -> None:
        refusal = self._refusal(seat, request)
        if refusal is not None:
            raise refusal

    def _deal_in(self, seat: ClassicSeat) -> None:
        seat.state = HandState.PLAYING
        seat.hand = []
        self._deal_to(seat)
        self._deal_to(seat)
        self._introduce(seat)
        self._start_turn(seat)

    def _introduce(self, seat: ClassicSeat) -> None:
        self._seating.introduce(
            seat,
            lambda other: OtherPlayers(
                hand=tuple(other.hand),
                id=other.player_id,
                points=other.points,
                username=other.username,
                seat=other.index,
                state=other.state.value,
            ),
        )

    def _hit_hand(self, seat: ClassicSeat) -> None:
        self._deal_to(seat)
        if seat.points > 21:
            seat.state = HandState.BUST
            self._seating.end_turn(seat.player_id, None)
            seat.send(Bust(id=seat.player_id))
        elif seat.points == 21:
            self._finish_hand(seat, "21")

    def _end_round_if_done(self) -> None:
        if not self._seating:
            self._machine.emptied()
        elif not any(s.state is HandState.PLAYING for s in self._seating):
            self._machine.hands_done()

    def _dealer_plays(self) -> None:
        while dealer_must_hit(self._dealer_hand, self.config.hit_soft_17):
            card = self._draw()
            self._dealer_hand.append(card)
            self._seating.broadcast(
                Hit(card=card, id=DEALER_ID, points=points(self._dealer_hand))
            )

    def _announce_results(self) -> None:
        results = []
        for seat in self._seating:
            if seat.state is HandState.WAITING:
                continue
            outcome = settle(seat.hand, self._dealer_hand)
            if outcome is Outcome.WIN:
                self._seating.broadcast(Winner(id=seat.player_id))
            elif outcome is Outcome.LOSE:
                seat.send(Lose(id=seat.player_id))
            else:
                seat.send(Push(id=seat.player_id))
            results.append(
                HandResult(
                    id=seat.player_id,
                    username=seat.username,
                    hand=tuple(seat.hand),
                    points=seat.points,
                    result=outcome.value,
                )
            )
        self.rounds_played += 1
        self._store_round(results)
        self._seating.broadcast(
            RoundOver(
                dealer=DealerResult(
                    hand=tuple(self._dealer_hand), points=points(self._dealer_hand)
                ),
                results=tuple(results),
                next_round_in=self.config.round_delay,
            )
        )
        self._schedule_next_round()

    def _store_round(self, results: list[HandResult]) -> None:
        """Hand the finished round's record to the round log."""
        recording, self._recording = self._recording, None
        if self.round_log is None or recording is None:
            return
        seats = {seat.player_id: seat for seat in self._seating}
        record = {
            "version": 1,
            "table": self.table_id,
            "round": self.rounds_played,
            "game": "classic",
            "config": dataclasses.asdict(self.config),
            "shoe": self._shoe.shuffles,
            "cards": recording.cards,
            "moves": recording.moves,
            "dealer": list(self._dealer_hand),
            "players": [
                {
                    "player": result.id,
                    "username": result.username,
                    "seat": seats[result.id].index,
                }
                for result in results
            ],
            "hands": [
                {
                    "player": result.id,
                    "index": 0,
                    "cards": list(result.hand),
                    "bet": 0,
                    "result": result.result,
                    "payout": 0,
                }
                for result in results
            ],
        }
        self.round_log.classic_settled(
            recording.round_id, self.table_id, self.rounds_played, record
        )

    def _start_round(self) -> None:
        self._dealer_hand = []
        self._recording = None
        if self._shoe.needs_shuffle:
            self._shoe.shuffle()
            self._seating.broadcast(Shuffle())
        self._seating.broadcast(Restart())
        seats = list(self._seating)
        for seat in seats:
            seat.hand = []
            seat.state = HandState.PLAYING
        # Round-robin, as a dealer deals: one card to each, then a second.
        for _ in range(2):
            for seat in seats:
                self._deal_to(seat)
        for seat in seats:
            self._start_turn(seat)

    def _cards_in_play(self) -> Iterator[str]:
        yield from self._dealer_hand
        for seat in self._seating:
            yield from seat.hand

    def _draw(self) -> str:
        card, reshuffled = self._shoe.draw_or_refill(self._cards_in_play)
        if reshuffled:
            self._seating.broadcast(Shuffle())
        recording = self._record()
        if recording is not None:
            recording.cards.append(card)
        return card

    def _deal_to(self, seat: ClassicSeat) -> None:
        card = self._draw()
        seat.hand.append(card)
        self._seating.broadcast(Hit(card=card, id=seat.player_id, points=seat.points))

    def _start_turn(self, seat: ClassicSeat) -> None:
        if seat.points == 21:
            self._finish_hand(seat, "21")
            return
        self._seating.start_turn(
            seat.player_id, None, lambda: self._machine.time_out(seat)
        )
        self._seating.broadcast(
            Deadline(id=seat.player_id, seconds=self.config.turn_timeout)
        )

    def _finish_hand(self, seat: ClassicSeat, reason: str) -> None:
        seat.state = HandState.STOOD
        self._seating.end_turn(seat.player_id, None)
        self._seating.broadcast(Stand(id=seat.player_id, reason=reason))


# -- the machine ------------------------------------------------------------------

_builder = TypeMachineBuilder(ClassicInputs, ClassicTable)
idle = _builder.state("idle")
playing = _builder.state("playing")
between_rounds = _builder.state("between_rounds")


@idle.upon(ClassicInputs.sit).to(playing)
def _sit_and_play(
    machine: ClassicInputs, table: ClassicTable, seat: ClassicSeat
) -> None:
    table._seating.add(seat)
    table._deal_in(seat)
    table._end_round_if_done()


# A player who sits mid-round waits for the next deal too: dealt in at
# once with a fresh turn timer, joiners arriving faster than the turn
# timeout could keep one round open forever.
@playing.upon(ClassicInputs.sit).loop()
@between_rounds.upon(ClassicInputs.sit).loop()
def _sit_and_wait(
    machine: ClassicInputs, table: ClassicTable, seat: ClassicSeat
) -> None:
    table._seating.add(seat)
    table._introduce(seat)
    seat.send(Wait(message="dealt in at the next round"))


@playing.upon(ClassicInputs.hit).loop()
def _hit(
    machine: ClassicInputs, table: ClassicTable, seat: ClassicSeat, request: HitRequest
) -> None:
    table._check(seat, request)
    table._note("hit", seat)
    table._hit_hand(seat)
    table._end_round_if_done()


@playing.upon(ClassicInputs.stand).loop()
def _stand(
    machine: ClassicInputs,
    table: ClassicTable,
    seat: ClassicSeat,
    request: StandRequest,
) -> None:
    table._check(seat, request)
    table._note("stand", seat)
    table._finish_hand(seat, "stand")
    table._end_round_if_done()


@playing.upon(ClassicInputs.time_out).loop()
def _time_out(machine: ClassicInputs, table: ClassicTable, seat: ClassicSeat) -> None:
    table._note("time_out", seat)
    table._finish_hand(seat, "timeout")
    table._end_round_if_done()
    # After the round's end (if this was its last hand) is under way: the
    # machine takes a stand-up once this transition is over.
    table._seating.idle_round(seat, table._stand_up)


@playing.upon(ClassicInputs.leave).loop()
def _leave_mid_round(
    machine: ClassicInputs, table: ClassicTable, seat: ClassicSeat
) -> None:
    table._note("leave", seat)
    table._seating.remove(seat)
    table._end_round_if_done()


@between_rounds.upon(ClassicInputs.leave).loop()
def _leave_between_rounds(
    machine: ClassicInputs, table: ClassicTable, seat: ClassicSeat
) -> None:
    table._seating.remove(seat)
    if not table._seating:
        machine.emptied()


@playing.upon(ClassicInputs.hands_done).to(between_rounds)
def _finish_round(machine: ClassicInputs, table: ClassicTable) -> None:
    table._dealer_plays()
    table._announce_results()


@playing.upon(ClassicInputs.emptied).to(idle)
@between_rounds.upon(ClassicInputs.emptied).to(idle)
def _forget_round(machine: ClassicInputs, table: ClassicTable) -> None:
    table._seating.cancel_scheduled()
    table._dealer_hand = []
    table._recording = None


@between_rounds.upon(ClassicInputs.next_round).to(playing)
def _next_round(machine: ClassicInputs, table: ClassicTable) -> None:
    table._start_round()
    table._end_round_if_done()


def _refusal(
    machine: ClassicInputs, table: ClassicTable, seat: ClassicSeat, request: Request
) -> ActionRejected:
    refusal = table._refusal(seat, request)
    return refusal or ActionRejected(409, "no hands are being played now")


for _state in (idle, playing, between_rounds):
    _state.upon(ClassicInputs.refusal).loop()(_refusal)


_machine_factory = _builder.build()
