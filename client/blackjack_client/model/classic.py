"""A classic table's messages (the seed's game): one hand a seat, no chips.

Each seat's ``hand`` and ``state`` follow the round; the dealer draws once
every hand is done.
"""

from __future__ import annotations

from dataclasses import replace

from blackjack_client.model import read
from blackjack_client.model.common import (
    COMMON_HANDLERS,
    Handler,
    bust_handler,
    hit_handler,
    next_round_at,
    result_handlers,
    stand_handler,
)
from blackjack_client.model.seats import new_round, seat_or_new, with_seat
from blackjack_client.model.state import (
    BLACKJACK,
    BUST,
    LEFT,
    PHASE_DEALER,
    PHASE_NONE,
    PHASE_OVER,
    PHASE_PLAYING,
    PLAYING,
    RESULTS,
    SEAT_STATES,
    STOOD,
    WAITING,
    Hand,
    Model,
    Seat,
)
from blackjackd import wire


def _dealer_card(model: Model, card: str, points: int) -> Model:
    return replace(model, dealer=model.dealer.add(card, points), phase=PHASE_DEALER)


def _player_card(model: Model, seat: Seat, message: wire.Hit) -> Model:
    card, points = message.card, message.points
    state = seat.state
    if state == WAITING:
        state = PLAYING  # being dealt in
    if points > BLACKJACK:
        state = BUST  # others' busts are only told through their points
    seat = replace(
        seat,
        hand=seat.hand.add(card, points),
        state=state,
        deadline=None if state == BUST else seat.deadline,
    )
    phase = model.phase if model.phase != PHASE_NONE else PHASE_PLAYING
    return with_seat(replace(model, phase=phase), seat)


def on_other_players(model: Model, message: wire.OtherPlayers, now: float) -> Model:
    state = message.state
    seat = replace(
        seat_or_new(model, message.id),
        username=read.text(message.username),
        seat=read.seat_number(message.seat),
        hand=Hand(message.hand, message.points),
        state=state if state in SEAT_STATES and state != LEFT else PLAYING,
    )
    return with_seat(model, seat)


def on_deadline(model: Model, message: wire.Deadline, now: float) -> Model:
    deadline = now + message.seconds
    seat = model.seats.get(message.id)
    if seat is None or seat.state not in (PLAYING, WAITING):
        return model
    return with_seat(model, replace(seat, state=PLAYING, deadline=deadline))


def _bust(model: Model, seat: Seat, message: wire.Bust) -> Model:
    return with_seat(model, replace(seat, state=BUST, deadline=None))


def _stood(model: Model, seat: Seat, message: wire.Stand) -> Model:
    reason = read.text(message.reason) or "stand"
    return with_seat(model, replace(seat, state=STOOD, reason=reason, deadline=None))


def _settle(
    model: Model, seat: Seat, message: wire.Winner | wire.Lose | wire.Push, result: str
) -> Model:
    return with_seat(model, replace(seat, result=result, deadline=None))


def on_round_over(model: Model, message: wire.RoundOver, now: float) -> Model:
    dealer = message.dealer
    model = replace(
        model,
        dealer=Hand(dealer.hand, dealer.points),
        phase=PHASE_OVER,
        rounds=model.rounds + 1,
        awaiting=None,
    )
    for entry in message.results:
        result = entry.result
        seat = seat_or_new(model, entry.id)
        seat = replace(
            seat,
            username=seat.username or read.text(entry.username),
            hand=Hand(entry.hand, entry.points),
            result=result if result in RESULTS else seat.result,
            state=seat.state if seat.state != PLAYING else STOOD,
            deadline=None,
        )
        model = with_seat(model, seat)
    # Any deadline left is moot: the round is settled.
    seats = {pid: replace(s, deadline=None) for pid, s in model.seats.items()}
    return replace(model, seats=seats, next_round_at=next_round_at(message, now))


def on_restart(model: Model, message: wire.Restart, now: float) -> Model:
    return new_round(
        model,
        lambda seat: PLAYING,
        phase=PHASE_PLAYING,
        awaiting=None,
        error=None,
    )


#: Every message a classic table sends (docs/protocol.rst), by class.
CLASSIC_HANDLERS: dict[type[wire.ServerMessage], Handler] = {
    **COMMON_HANDLERS,
    wire.Hit: hit_handler(_dealer_card, _player_card),
    wire.OtherPlayers: on_other_players,
    wire.Deadline: on_deadline,
    wire.Bust: bust_handler(_bust),
    wire.Stand: stand_handler(_stood),
    **result_handlers(_settle),
    wire.RoundOver: on_round_over,
    wire.Restart: on_restart,
}
