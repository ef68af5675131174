"""The messages both kinds of table send alike: seating, leaving, notes
and errors. ``on_id`` is where the kind of table is learnt."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from blackjack_client.model import read
from blackjack_client.model.seats import (
    mine,
    seat_at_table,
    seat_or_new,
    settled,
    with_seat,
    without_deadlines,
)
from blackjack_client.model.state import (
    BUST,
    CONNECTED,
    CONNECTING,
    DEALER_ID,
    FULL,
    GAME_CASINO,
    GAME_CLASSIC,
    LEFT,
    OFFLINE,
    SEATED,
    STATUS_TABLE_FULL,
    WAITING,
    Hand,
    Model,
    Rules,
    Seat,
)


def on_auth(model: Model, message: Mapping[str, Any], now: float) -> Model:
    if model.connection in (CONNECTING, OFFLINE):
        return replace(model, connection=CONNECTED)
    return model


def on_id(model: Model, message: Mapping[str, Any], now: float) -> Model:
    my_id = read.player_id(message["client_id"])
    username = read.text(message.get("username"))
    seat = replace(
        seat_or_new(model, my_id),
        username=username,
        seat=read.seat_number(message.get("seat")),
    )
    timeout = message.get("turn_timeout")
    table = message.get("table")
    table_seats = message.get("seats")
    protocol = message.get("protocol")
    game = GAME_CASINO if message.get("game") == GAME_CASINO else GAME_CLASSIC
    if game == GAME_CASINO:
        seat = replace(seat, balance=read.chips(message.get("balance"), seat.balance))
    model = replace(
        model,
        connection=SEATED,
        my_id=my_id,
        my_name=username,
        table=table if isinstance(table, int) else None,
        table_seats=read.seat_count(table_seats),
        protocol=protocol if isinstance(protocol, int) else None,
        turn_timeout=float(timeout) if isinstance(timeout, (int, float)) else None,
        error=None,
        game=game,
        rules=read.rules(message.get("rules")) if game == GAME_CASINO else Rules(),
    )
    return with_seat(model, seat)


def on_new_client(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = read.player_id(message["message"])
    seat = replace(
        seat_or_new(model, player_id),
        username=read.text(message.get("username")),
        seat=read.seat_number(message.get("seat")),
    )
    if seat.state == LEFT:
        seat = replace(seat, state=WAITING)
    return with_seat(model, seat)


def on_left(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = read.player_id(message["id"])
    seat = model.seats.get(player_id)
    if seat is None:
        return model
    return with_seat(model, replace(without_deadlines(seat), state=LEFT))


def on_shuffle(model: Model, message: Mapping[str, Any], now: float) -> Model:
    return replace(model, notice="The dealer shuffles the shoe")


def on_error(model: Model, message: Mapping[str, Any], now: float) -> Model:
    code = message.get("status_code")
    code = code if isinstance(code, int) and not isinstance(code, bool) else 0
    text = read.text(message.get("message")) or "error"
    model = replace(model, error=(code, text), awaiting=None)
    if code == STATUS_TABLE_FULL:
        model = replace(model, connection=FULL)
    return model


def on_wait(model: Model, message: Mapping[str, Any], now: float) -> Model:
    note = read.text(message.get("message")) or "dealt in at the next round"
    me = model.me
    if me is not None:
        model = with_seat(model, replace(me, state=WAITING, hand=Hand(), hands=()))
    return replace(model, notice=f"Waiting: {note}")


# -- the frames of messages whose effect depends on the kind of table -----------

Handler = Callable[[Model, Mapping[str, Any], float], Model]
#: How a kind of table marks a message about one seat: (model, seat, message).
SeatChange = Callable[[Model, Seat, Mapping[str, Any]], Model]


def hit_handler(
    to_dealer: Callable[[Model, str, int], Model],
    to_player: Callable[[Model, Seat, str, int, Mapping[str, Any]], Model],
) -> Handler:
    """``hit``: a card and the new total, for the dealer (``to_dealer``) or
    a player's seat (``to_player``, with the player's answer come). A dealer
    card after ``round_over`` told all, or a card for a seat that was left,
    changes nothing."""

    def on_hit(model: Model, message: Mapping[str, Any], now: float) -> Model:
        card = message["card"]
        if not isinstance(card, str):
            raise TypeError("card")
        points = read.points(message["points"])
        who = message["id"]
        if who == DEALER_ID:
            return model if settled(model) else to_dealer(model, card, points)
        player_id = read.player_id(who)
        seat = seat_or_new(model, player_id)
        if seat.state == LEFT:
            return model
        return to_player(mine(model, player_id), seat, card, points, message)

    return on_hit


def _named_seat(model: Model, message: Mapping[str, Any]) -> tuple[int, Seat] | None:
    # ``bust`` and the results name this player when they name no one.
    player_id = read.player_id(message.get("id", model.my_id))
    seat = seat_at_table(model, player_id)
    return None if seat is None else (player_id, seat)


def next_round_at(message: Mapping[str, Any], now: float) -> float | None:
    """When ``round_over`` says the next round begins, on the reducer's clock."""
    delay = message.get("next_round_in")
    if isinstance(delay, (int, float)) and not isinstance(delay, bool):
        return now + delay
    return None


def bust_handler(change: SeatChange) -> Handler:
    """``bust``: the player (by default this one) went over 21."""

    def on_bust(model: Model, message: Mapping[str, Any], now: float) -> Model:
        named = _named_seat(model, message)
        if named is None:
            return model
        player_id, seat = named
        return change(mine(model, player_id), seat, message)

    return on_bust


def stand_handler(change: SeatChange) -> Handler:
    """``stand``: a player's hand stood (by choice, on time or on 21)."""

    def on_stand(model: Model, message: Mapping[str, Any], now: float) -> Model:
        player_id = read.player_id(message["id"])
        seat = model.seats.get(player_id)
        model = mine(model, player_id)
        if seat is None or seat.state in (LEFT, BUST):
            return model
        return change(model, seat, message)

    return on_stand


def result_handlers(
    settle: Callable[[Model, Seat, Mapping[str, Any], str], Model],
) -> dict[str, Handler]:
    """``winner``, ``lose`` and ``push``: a player's hand was settled."""

    def handler(result: str) -> Handler:
        def apply(model: Model, message: Mapping[str, Any], now: float) -> Model:
            named = _named_seat(model, message)
            return model if named is None else settle(model, named[1], message, result)

        return apply

    return {"winner": handler("win"), "lose": handler("lose"), "push": handler("push")}


#: The handlers both kinds of table share.
COMMON_HANDLERS: dict[str, Handler] = {
    "auth": on_auth,
    "id": on_id,
    "new_client": on_new_client,
    "left": on_left,
    "shuffle": on_shuffle,
    "error": on_error,
    "wait": on_wait,
}
