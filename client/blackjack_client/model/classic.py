"""A classic table's messages (the seed's game): one hand a seat, no chips.

Each seat's ``hand`` and ``state`` follow the round; the dealer draws once
every hand is done.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

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


def _dealer_card(model: Model, card: str, points: int) -> Model:
    return replace(model, dealer=model.dealer.add(card, points), phase=PHASE_DEALER)


def _player_card(
    model: Model, seat: Seat, card: str, points: int, message: Mapping[str, Any]
) -> Model:
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


def on_other_players(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = read.player_id(message["id"])
    state = message.get("state")
    seat = replace(
        seat_or_new(model, player_id),
        username=read.text(message.get("username")),
        seat=read.seat_number(message.get("seat")),
        hand=Hand(read.cards(message["hand"]), read.points(message["points"])),
        state=state if state in SEAT_STATES and state != LEFT else PLAYING,
    )
    return with_seat(model, seat)


def on_deadline(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = read.player_id(message["id"])
    deadline = now + read.seconds(message["seconds"])
    seat = model.seats.get(player_id)
    if seat is None or seat.state not in (PLAYING, WAITING):
        return model
    return with_seat(model, replace(seat, state=PLAYING, deadline=deadline))


def _bust(model: Model, seat: Seat, message: Mapping[str, Any]) -> Model:
    return with_seat(model, replace(seat, state=BUST, deadline=None))


def _stood(model: Model, seat: Seat, message: Mapping[str, Any]) -> Model:
    reason = message.get("reason")
    return with_seat(
        model,
        replace(
            seat,
            state=STOOD,
            reason=reason if isinstance(reason, str) else "stand",
            deadline=None,
        ),
    )


def _settle(model: Model, seat: Seat, message: Mapping[str, Any], result: str) -> Model:
    return with_seat(model, replace(seat, result=result, deadline=None))


def on_round_over(model: Model, message: Mapping[str, Any], now: float) -> Model:
    dealer = message["dealer"]
    model = replace(
        model,
        dealer=Hand(read.cards(dealer["hand"]), read.points(dealer["points"])),
        phase=PHASE_OVER,
        rounds=model.rounds + 1,
        awaiting=None,
    )
    for entry in message["results"]:
        if not isinstance(entry, Mapping):
            continue
        try:
            player_id = read.player_id(entry["id"])
        except (KeyError, TypeError):
            continue
        result = entry.get("result")
        seat = seat_or_new(model, player_id)
        hand = seat.hand
        if "hand" in entry and "points" in entry:
            hand = Hand(read.cards(entry["hand"]), read.points(entry["points"]))
        seat = replace(
            seat,
            username=seat.username or read.text(entry.get("username")),
            hand=hand,
            result=result if result in RESULTS else seat.result,
            state=seat.state if seat.state != PLAYING else STOOD,
            deadline=None,
        )
        model = with_seat(model, seat)
    # Any deadline left is moot: the round is settled.
    seats = {pid: replace(s, deadline=None) for pid, s in model.seats.items()}
    return replace(model, seats=seats, next_round_at=next_round_at(message, now))


def on_restart(model: Model, message: Mapping[str, Any], now: float) -> Model:
    return new_round(
        model,
        lambda seat: PLAYING,
        phase=PHASE_PLAYING,
        awaiting=None,
        error=None,
    )


#: Every message a classic table sends (docs/protocol.rst), by type.
CLASSIC_HANDLERS: dict[str, Handler] = {
    **COMMON_HANDLERS,
    "hit": hit_handler(_dealer_card, _player_card),
    "other_players": on_other_players,
    "deadline": on_deadline,
    "bust": bust_handler(_bust),
    "stand": stand_handler(_stood),
    **result_handlers(_settle),
    "round_over": on_round_over,
    "restart": on_restart,
}
