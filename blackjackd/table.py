"""The classic table: the seed's game of players against a dealer.

Every seated player acts at once. The dealer holds no cards while players
act; when every hand is done the dealer draws, each player is settled on
their own, and after a pause the table deals a new round.

The table is pure: it talks to players only through the ``send`` callable
each one sits down with, and it reads time and schedules its timers through
an injected ``IReactorTime`` (a ``Clock`` in tests). It never touches a
socket or the global reactor.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from automat import MethodicalMachine
from twisted.internet.interfaces import IDelayedCall, IReactorTime

from blackjackd import PROTOCOL_VERSION
from blackjackd.cards import points
from blackjackd.rules import Outcome, dealer_must_hit, settle
from blackjackd.shoe import Shoe
from blackjackd.timing import cancel_call

Message = dict[str, Any]
Send = Callable[[Message], None]

DEALER_ID = "dealer"

MIN_SEATS, MAX_SEATS = 1, 7


class HasSeatIndex(Protocol):
    index: int


def first_free_seat(seated: Iterable[HasSeatIndex], seats: int) -> int:
    """The lowest seat number of ``seats`` that nobody in ``seated`` holds."""
    taken = {seat.index for seat in seated}
    return min(set(range(seats)) - taken)


class ActionRejected(Exception):
    """A player asked for something the table can't do; nothing changed.

    ``status_code`` and ``message`` fill the protocol's error message.
    """

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(status_code, message)
        self.status_code = status_code
        self.message = message


class HandState(enum.Enum):
    """Where one seated player's hand stands in the current round."""

    WAITING = "waiting"  # seated between rounds: dealt in at the next one
    PLAYING = "playing"
    STOOD = "stood"
    BUST = "bust"


@dataclass(frozen=True)
class TableConfig:
    """The rules and timings of one table."""

    seats: int = 5
    decks: int = 6
    hit_soft_17: bool = False
    turn_timeout: float = 30.0
    round_delay: float = 3.0

    def __post_init__(self) -> None:
        if not MIN_SEATS <= self.seats <= MAX_SEATS:
            raise ValueError(f"seats must be {MIN_SEATS} to {MAX_SEATS}")
        if self.decks < 1:
            raise ValueError("decks must be at least 1")
        if not self.turn_timeout > 0:
            raise ValueError("turn_timeout must be more than 0 seconds")
        if not self.round_delay >= 0:
            raise ValueError("round_delay can't be negative")


@dataclass(eq=False)
class Seat:
    """One player at the table, with the way to reach them."""

    player_id: int
    username: str
    index: int
    send: Send
    hand: list[str] = field(default_factory=list)
    state: HandState = HandState.WAITING
    turn_timer: IDelayedCall | None = None

    @property
    def points(self) -> int:
        return points(self.hand)

    def cancel_turn_timer(self) -> None:
        cancel_call(self.turn_timer)
        self.turn_timer = None


class ClassicTable:
    """A table of the seed's game, driven by a state machine.

    The machine's states are the phases of a round: ``idle`` (nobody
    seated), ``playing`` (players act) and ``between_rounds`` (the dealer
    has played and results are out; the next deal is scheduled). What each
    player may do is kept per seat, in ``Seat.state``.
    """

    _machine = MethodicalMachine()

    #: The player actions this kind of table plays (the protocol routes
    #: them by name to the methods below).
    actions = frozenset({"hit", "stand"})

    def __init__(
        self,
        table_id: int,
        config: TableConfig,
        shoe: Shoe,
        clock: IReactorTime,
    ) -> None:
        self.table_id = table_id
        self.config = config
        self._shoe = shoe
        self._clock = clock
        self._seats: dict[int, Seat] = {}
        self._dealer_hand: list[str] = []
        self._next_round_call: IDelayedCall | None = None
        self.rounds_played = 0

    # -- what the lobby and the protocol ask --------------------------------

    @property
    def seats_taken(self) -> int:
        return len(self._seats)

    @property
    def has_free_seat(self) -> bool:
        return len(self._seats) < self.config.seats

    @property
    def dealer_hand(self) -> list[str]:
        return list(self._dealer_hand)

    def seat_of(self, player_id: int) -> Seat:
        """The seat of ``player_id``; ``KeyError`` if they aren't seated."""
        return self._seats[player_id]

    def sit(self, player_id: int, username: str, send: Send) -> Seat:
        """Seat a player in the first free seat and deal them in if a round
        is under way; ``ActionRejected(507)`` when the table is full."""
        if not self.has_free_seat:
            raise ActionRejected(507, "all busy")
        if player_id in self._seats:
            raise ActionRejected(409, "already seated")
        index = first_free_seat(self._seats.values(), self.config.seats)
        seat = Seat(player_id, username, index, send)
        self._sit(seat=seat)
        return seat

    def hit(self, player_id: int, hand: int | None = None) -> None:
        """Deal the player one more card. A classic player holds one hand:
        ``hand`` may name it as 0, or be left out."""
        self._hit(seat=self._playing_seat(player_id, hand))

    def stand(self, player_id: int, hand: int | None = None) -> None:
        """End the player's hand."""
        self._stand(seat=self._playing_seat(player_id, hand), reason="stand")

    def leave(self, player_id: int) -> None:
        """Free the player's seat; the round goes on without them."""
        seat = self._seats.get(player_id)
        if seat is not None:
            self._leave(seat=seat)

    def close(self) -> None:
        """Cancel every timer the table holds: the server is stopping."""
        for seat in self._seats.values():
            seat.cancel_turn_timer()
        self._cancel_next_round_timer()

    def _playing_seat(self, player_id: int, hand: int | None = None) -> Seat:
        seat = self._seats.get(player_id)
        if seat is None:
            raise ActionRejected(409, "not seated")
        if hand not in (None, 0):
            raise ActionRejected(400, f"no hand {hand}: a classic hand is hand 0")
        if seat.state is HandState.WAITING:
            raise ActionRejected(409, "you are dealt in at the next round")
        if seat.state is not HandState.PLAYING:
            raise ActionRejected(409, "your hand is over")
        return seat

    # -- states ---------------------------------------------------------------

    @_machine.state(initial=True)
    def idle(self) -> None:
        "Nobody is seated."

    @_machine.state()
    def playing(self) -> None:
        "Players are acting on their hands."

    @_machine.state()
    def between_rounds(self) -> None:
        "The dealer has played and results are out; the next deal waits."

    # -- inputs ---------------------------------------------------------------

    @_machine.input()
    def _sit(self, seat: Seat) -> None:
        "A player takes a free seat."

    @_machine.input()
    def _hit(self, seat: Seat) -> None:
        "A playing hand asks for a card."

    @_machine.input()
    def _stand(self, seat: Seat, reason: str) -> None:
        "A playing hand is done: asked, timed out, or reached 21."

    @_machine.input()
    def _leave(self, seat: Seat) -> None:
        "A player leaves their seat."

    @_machine.input()
    def _hands_done(self) -> None:
        "No hand is still playing."

    @_machine.input()
    def _emptied(self) -> None:
        "The last player left."

    @_machine.input()
    def _next_round(self) -> None:
        "The pause after a round's results is over."

    # -- outputs --------------------------------------------------------------

    @_machine.output()
    def _take_seat(self, seat: Seat) -> None:
        self._seats[seat.player_id] = seat
        seat.send(
            {
                "type": "id",
                "client_id": seat.player_id,
                "username": seat.username,
                "table": self.table_id,
                "seat": seat.index,
                "seats": self.config.seats,
                "protocol": PROTOCOL_VERSION,
                "turn_timeout": self.config.turn_timeout,
            }
        )
        self._broadcast(
            {
                "type": "new_client",
                "message": seat.player_id,
                "username": seat.username,
                "seat": seat.index,
            },
            exclude=seat,
        )

    @_machine.output()
    def _deal_in(self, seat: Seat) -> None:
        seat.state = HandState.PLAYING
        seat.hand = []
        self._deal_to(seat)
        self._deal_to(seat)
        self._introduce_others(seat)
        self._start_turn(seat)

    @_machine.output()
    def _seat_waiting(self, seat: Seat) -> None:
        self._introduce_others(seat)
        seat.send({"type": "wait", "message": "dealt in at the next round"})

    @_machine.output()
    def _hit_hand(self, seat: Seat) -> None:
        self._deal_to(seat)
        if seat.points > 21:
            seat.state = HandState.BUST
            seat.cancel_turn_timer()
            seat.send({"type": "bust", "id": seat.player_id})
        elif seat.points == 21:
            self._finish_hand(seat, "21")

    @_machine.output()
    def _stand_hand(self, seat: Seat, reason: str) -> None:
        self._finish_hand(seat, reason)

    @_machine.output()
    def _unseat(self, seat: Seat) -> None:
        seat.cancel_turn_timer()
        del self._seats[seat.player_id]
        self._broadcast({"type": "left", "id": seat.player_id})

    @_machine.output()
    def _end_round_if_done(self) -> None:
        if not self._seats:
            self._emptied()
        elif not any(s.state is HandState.PLAYING for s in self._seats.values()):
            self._hands_done()

    @_machine.output()
    def _idle_if_empty(self) -> None:
        if not self._seats:
            self._emptied()

    @_machine.output()
    def _dealer_plays(self) -> None:
        while dealer_must_hit(self._dealer_hand, self.config.hit_soft_17):
            card = self._draw()
            self._dealer_hand.append(card)
            self._broadcast(
                {
                    "type": "hit",
                    "card": card,
                    "id": DEALER_ID,
                    "points": points(self._dealer_hand),
                }
            )

    @_machine.output()
    def _announce_results(self) -> None:
        results = []
        for seat in self._seats_in_order():
            if seat.state is HandState.WAITING:
                continue
            outcome = settle(seat.hand, self._dealer_hand)
            if outcome is Outcome.WIN:
                self._broadcast({"type": "winner", "id": seat.player_id})
            elif outcome is Outcome.LOSE:
                seat.send({"type": "lose", "id": seat.player_id})
            else:
                seat.send({"type": "push", "id": seat.player_id})
            results.append(
                {
                    "id": seat.player_id,
                    "username": seat.username,
                    "hand": list(seat.hand),
                    "points": seat.points,
                    "result": outcome.value,
                }
            )
        self.rounds_played += 1
        self._broadcast(
            {
                "type": "round_over",
                "dealer": {
                    "hand": list(self._dealer_hand),
                    "points": points(self._dealer_hand),
                },
                "results": results,
                "next_round_in": self.config.round_delay,
            }
        )

    @_machine.output()
    def _schedule_next_round(self) -> None:
        self._next_round_call = self._clock.callLater(
            self.config.round_delay, self._next_round
        )

    @_machine.output()
    def _cancel_next_round(self) -> None:
        self._cancel_next_round_timer()

    @_machine.output()
    def _start_round(self) -> None:
        self._next_round_call = None
        self._dealer_hand = []
        if self._shoe.needs_shuffle:
            self._shoe.shuffle()
            self._broadcast({"type": "shuffle"})
        self._broadcast({"type": "restart"})
        seats = self._seats_in_order()
        for seat in seats:
            seat.hand = []
            seat.state = HandState.PLAYING
        # Round-robin, as a dealer deals: one card to each, then a second.
        for _ in range(2):
            for seat in seats:
                self._deal_to(seat)
        for seat in seats:
            self._start_turn(seat)

    @_machine.output()
    def _forget_round(self) -> None:
        self._dealer_hand = []

    # -- transitions ------------------------------------------------------------

    idle.upon(_sit, enter=playing, outputs=[_take_seat, _deal_in, _end_round_if_done])
    playing.upon(
        _sit, enter=playing, outputs=[_take_seat, _deal_in, _end_round_if_done]
    )
    playing.upon(_hit, enter=playing, outputs=[_hit_hand, _end_round_if_done])
    playing.upon(_stand, enter=playing, outputs=[_stand_hand, _end_round_if_done])
    playing.upon(_leave, enter=playing, outputs=[_unseat, _end_round_if_done])
    playing.upon(
        _hands_done,
        enter=between_rounds,
        outputs=[_dealer_plays, _announce_results, _schedule_next_round],
    )
    playing.upon(_emptied, enter=idle, outputs=[_forget_round])
    between_rounds.upon(_sit, enter=between_rounds, outputs=[_take_seat, _seat_waiting])
    between_rounds.upon(_leave, enter=between_rounds, outputs=[_unseat, _idle_if_empty])
    between_rounds.upon(
        _emptied, enter=idle, outputs=[_cancel_next_round, _forget_round]
    )
    between_rounds.upon(
        _next_round, enter=playing, outputs=[_start_round, _end_round_if_done]
    )

    # -- helpers ----------------------------------------------------------------

    def _seats_in_order(self) -> list[Seat]:
        return sorted(self._seats.values(), key=lambda seat: seat.index)

    def _broadcast(self, message: Message, exclude: Seat | None = None) -> None:
        for seat in self._seats_in_order():
            if seat is not exclude:
                seat.send(message)

    def _cancel_next_round_timer(self) -> None:
        cancel_call(self._next_round_call)
        self._next_round_call = None

    def _cards_in_play(self) -> Iterator[str]:
        yield from self._dealer_hand
        for seat in self._seats.values():
            yield from seat.hand

    def _draw(self) -> str:
        card, reshuffled = self._shoe.draw_or_refill(self._cards_in_play)
        if reshuffled:
            self._broadcast({"type": "shuffle"})
        return card

    def _deal_to(self, seat: Seat) -> None:
        card = self._draw()
        seat.hand.append(card)
        self._broadcast(
            {"type": "hit", "card": card, "id": seat.player_id, "points": seat.points}
        )

    def _introduce_others(self, seat: Seat) -> None:
        for other in self._seats_in_order():
            if other is not seat:
                seat.send(
                    {
                        "type": "other_players",
                        "hand": list(other.hand),
                        "id": other.player_id,
                        "points": other.points,
                        "username": other.username,
                        "seat": other.index,
                        "state": other.state.value,
                    }
                )

    def _start_turn(self, seat: Seat) -> None:
        if seat.points == 21:
            self._finish_hand(seat, "21")
            return
        seat.turn_timer = self._clock.callLater(
            self.config.turn_timeout, self._turn_expired, seat
        )
        self._broadcast(
            {
                "type": "deadline",
                "id": seat.player_id,
                "seconds": self.config.turn_timeout,
            }
        )

    def _turn_expired(self, seat: Seat) -> None:
        seat.turn_timer = None
        if self._seats.get(seat.player_id) is seat:
            if seat.state is HandState.PLAYING:
                self._stand(seat=seat, reason="timeout")

    def _finish_hand(self, seat: Seat, reason: str) -> None:
        seat.state = HandState.STOOD
        seat.cancel_turn_timer()
        self._broadcast({"type": "stand", "id": seat.player_id, "reason": reason})
