"""Changing one seat or one hand of the model: the steps every handler
takes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from blackjack_client.model import read
from blackjack_client.model.state import (
    BLACKJACK_STATUS,
    BUST,
    LEFT,
    PHASE_OVER,
    PLAYING,
    STOOD,
    SURRENDERED,
    Hand,
    Model,
    Seat,
)


def without_deadlines(seat: Seat) -> Seat:
    hands = tuple(replace(hand, deadline=None) for hand in seat.hands)
    return replace(seat, deadline=None, hands=hands)


def with_seat(model: Model, seat: Seat) -> Model:
    seats = dict(model.seats)
    # A new player in a seat number someone left: the old one is gone.
    if seat.seat is not None:
        for pid, other in model.seats.items():
            if pid != seat.player_id and other.seat == seat.seat:
                if other.state == LEFT:
                    del seats[pid]
    seats[seat.player_id] = seat
    return replace(model, seats=seats)


def seat_or_new(model: Model, player_id: int) -> Seat:
    return model.seats.get(player_id) or Seat(player_id)


def settled(model: Model) -> bool:
    return model.phase == PHASE_OVER


def mine(model: Model, player_id: int) -> Model:
    """An answer to this player's action has come: they may act again."""
    return replace(model, awaiting=None) if player_id == model.my_id else model


def seat_state(hands: tuple[Hand, ...], state: str) -> str:
    """A casino seat's state, from its hands."""
    if not hands or state == LEFT:
        return state
    if any(hand.status == PLAYING for hand in hands):
        return PLAYING
    if all(hand.status == BUST for hand in hands):
        return BUST
    return STOOD


def with_hands(seat: Seat, hands: list[Hand] | tuple[Hand, ...]) -> Seat:
    hands = tuple(hands)
    return replace(
        seat,
        hands=hands,
        hand=hands[0] if hands else Hand(),
        state=seat_state(hands, seat.state),
    )


def change_hand(
    model: Model,
    seat: Seat,
    index: int | None,
    change: Callable[[Hand], Hand],
) -> Model:
    """The model with one of ``seat``'s hands changed; a hand the client
    doesn't know of is left alone."""
    number = read.hand_index(index)
    if number >= len(seat.hands):
        return model
    hands = list(seat.hands)
    hands[number] = change(hands[number])
    return with_seat(model, with_hands(seat, hands))


def stood(hand: Hand, reason: str) -> Hand:
    if hand.status in (BUST, SURRENDERED):
        return hand
    why = read.text(reason) or "stand"
    status = BLACKJACK_STATUS if why == "blackjack" else STOOD
    return replace(hand, status=status, reason=why, deadline=None)


def seat_at_table(model: Model, player_id: int) -> Seat | None:
    """The player's seat, unless they are unknown or gone."""
    seat = model.seats.get(player_id)
    return None if seat is None or seat.state == LEFT else seat


def new_round(model: Model, state: Callable[[Seat], str], **changes: Any) -> Model:
    """The model with every seated player's cards, results and deadlines
    and the dealer's hand cleared, as a round (or a casino round's betting) begins;
    ``state(seat)`` is each seat's state from now on."""
    seats = {
        pid: replace(
            seat,
            hand=Hand(),
            hands=(),
            state=state(seat),
            reason=None,
            result=None,
            deadline=None,
            insurance=None,
        )
        for pid, seat in model.seats.items()
        if seat.state != LEFT
    }
    return replace(
        model,
        seats=seats,
        dealer=Hand(),
        dealer_hole=False,
        dealer_blackjack=False,
        next_round_at=None,
        notice="",
        **changes,
    )


def chips_told(model: Model, player_id: int, balance: int) -> Seat | None:
    """The seat of the player a casino message names, if at the table, with
    the balance the message tells."""
    seat = seat_at_table(model, player_id)
    return None if seat is None else replace(seat, balance=balance)
