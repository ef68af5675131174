"""The messages both kinds of table send alike: seating, leaving, notes
and errors. ``on_id`` is where the kind of table is learnt.

Every handler takes a message ``blackjackd.wire`` decoded (its fields
already checked) and returns the model after it."""

from __future__ import annotations

from collections.abc import Callable
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
from blackjackd import wire
from blackjackd.bots import LEFT_REASONS


def on_auth(model: Model, message: wire.Auth, now: float) -> Model:
    if model.connection in (CONNECTING, OFFLINE):
        return replace(model, connection=CONNECTED)
    return model


def on_id(model: Model, message: wire.Id, now: float) -> Model:
    if model.resuming:
        # Back at the table: what it shows now comes from this connection
        # alone (a ``snapshot`` for the seat held, or a new seat's messages).
        model = model.cleared()
    my_id = message.client_id
    username = read.text(message.username)
    seat = replace(
        seat_or_new(model, my_id),
        username=username,
        seat=read.seat_number(message.seat),
    )
    game = GAME_CASINO if message.game == GAME_CASINO else GAME_CLASSIC
    if game == GAME_CASINO and message.balance is not None:
        seat = replace(seat, balance=message.balance)
    model = replace(
        model,
        connection=SEATED,
        resuming=False,
        watching=None,
        server_stopping=False,
        my_id=my_id,
        my_name=username,
        table=message.table,
        table_seats=read.seat_count(message.seats),
        protocol=message.protocol,
        turn_timeout=message.turn_timeout,
        error=None,
        game=game,
        rules=read.rules(message.rules) if game == GAME_CASINO else Rules(),
    )
    return with_seat(model, seat)


def on_new_client(model: Model, message: wire.NewClient, now: float) -> Model:
    seat = replace(
        seat_or_new(model, message.message),
        username=read.text(message.username),
        seat=read.seat_number(message.seat),
    )
    if seat.state == LEFT:
        seat = replace(seat, state=WAITING)
    return with_seat(model, seat)


def on_left(model: Model, message: wire.Left, now: float) -> Model:
    seat = model.seats.get(message.id)
    if seat is None:
        return model
    if message.id == model.my_id:
        why = LEFT_REASONS.get(message.reason or "", "you left the table")
        model = replace(model, notice=why[:1].upper() + why[1:])
    elif message.reason == "gone":
        model = replace(model, notice=f"{seat.name} was away too long")
    seat = replace(without_deadlines(seat), state=LEFT, away=False, away_until=None)
    return with_seat(model, seat)


def on_shuffle(model: Model, message: wire.Shuffle, now: float) -> Model:
    return replace(model, notice="The dealer shuffles the shoe")


def on_error(model: Model, message: wire.Error, now: float) -> Model:
    code = message.status_code
    model = replace(
        model, error=(code, read.text(message.message) or "error"), awaiting=None
    )
    if code == STATUS_TABLE_FULL and model.watching is None:
        # A watcher refused a seat goes on watching.
        model = replace(model, connection=FULL)
    return model


def on_wait(model: Model, message: wire.Wait, now: float) -> Model:
    note = read.text(message.message) or "dealt in at the next round"
    me = model.me
    if me is not None:
        model = with_seat(model, replace(me, state=WAITING, hand=Hand(), hands=()))
    return replace(model, notice=f"Waiting: {note}")


# -- the frames of messages whose effect depends on the kind of table -----------

#: A handler: the model after one decoded message of the type it is
#: registered for, received at ``now``.
Handler = Callable[[Model, Any, float], Model]
#: The messages that name a player's hand: ``bust``, ``stand`` and results.
HandMessage = wire.Bust | wire.Stand | wire.Winner | wire.Lose | wire.Push
#: How a kind of table marks a message about one seat: (model, seat, message).
SeatChange = Callable[[Model, Seat, Any], Model]


def hit_handler(
    to_dealer: Callable[[Model, str, int], Model],
    to_player: Callable[[Model, Seat, wire.Hit], Model],
) -> Handler:
    """``hit``: a card and the new total, for the dealer (``to_dealer``) or
    a player's seat (``to_player``, with the player's answer come). A dealer
    card after ``round_over`` told all, or a card for a seat that was left,
    changes nothing."""

    def on_hit(model: Model, message: wire.Hit, now: float) -> Model:
        who = message.id
        if not isinstance(who, int):  # the dealer
            if settled(model):
                return model
            return to_dealer(model, message.card, message.points)
        seat = seat_or_new(model, who)
        if seat.state == LEFT:
            return model
        return to_player(mine(model, who), seat, message)

    return on_hit


def _named_seat(model: Model, message: HandMessage) -> tuple[int, Seat] | None:
    # ``bust`` and the results name this player when they name no one (the
    # seed's ``bust`` and ``lose`` name no one).
    player_id = model.my_id if message.id is None else message.id
    seat = None if player_id is None else seat_at_table(model, player_id)
    return None if seat is None or player_id is None else (player_id, seat)


def next_round_at(message: wire.RoundOver, now: float) -> float | None:
    """When ``round_over`` says the next round begins, on the reducer's clock."""
    delay = message.next_round_in
    return None if delay is None else now + delay


def bust_handler(change: SeatChange) -> Handler:
    """``bust``: the player (by default this one) went over 21."""

    def on_bust(model: Model, message: wire.Bust, now: float) -> Model:
        named = _named_seat(model, message)
        if named is None:
            return model
        player_id, seat = named
        return change(mine(model, player_id), seat, message)

    return on_bust


def stand_handler(change: SeatChange) -> Handler:
    """``stand``: a player's hand stood (by choice, on time or on 21)."""

    def on_stand(model: Model, message: wire.Stand, now: float) -> Model:
        seat = model.seats.get(message.id)
        model = mine(model, message.id)
        if seat is None or seat.state in (LEFT, BUST):
            return model
        return change(model, seat, message)

    return on_stand


def result_handlers(
    settle: Callable[[Model, Seat, wire.Winner | wire.Lose | wire.Push, str], Model],
) -> dict[type[wire.ServerMessage], Handler]:
    """``winner``, ``lose`` and ``push``: a player's hand was settled."""

    def handler(result: str) -> Handler:
        def apply(
            model: Model, message: wire.Winner | wire.Lose | wire.Push, now: float
        ) -> Model:
            named = _named_seat(model, message)
            return model if named is None else settle(model, named[1], message, result)

        return apply

    return {
        wire.Winner: handler("win"),
        wire.Lose: handler("lose"),
        wire.Push: handler("push"),
    }


#: The handlers both kinds of table share, by message class.
COMMON_HANDLERS: dict[type[wire.ServerMessage], Handler] = {
    wire.Auth: on_auth,
    wire.Id: on_id,
    wire.NewClient: on_new_client,
    wire.Left: on_left,
    wire.Shuffle: on_shuffle,
    wire.Error: on_error,
    wire.Wait: on_wait,
}
