"""The messages of accounts and kept seats, at either kind of table: the
table afresh after coming back (``snapshot``), players away and back, the
rebuy and the history; and the server stopping (``shutdown``), after which
the client waits for it to come back."""

from __future__ import annotations

from dataclasses import replace

from blackjack_client.model.common import Handler
from blackjack_client.model.seats import seat_at_table, with_seat
from blackjack_client.model.snapshot import from_snapshot
from blackjack_client.model.state import Model
from blackjackd import wire


def on_snapshot(model: Model, message: wire.Snapshot, now: float) -> Model:
    return from_snapshot(model, message, now)


def on_away(model: Model, message: wire.Away, now: float) -> Model:
    seat = seat_at_table(model, message.id)
    if seat is None:
        return model
    seat = replace(seat, away=True, away_until=now + message.seconds)
    model = replace(model, notice=f"{seat.name} is away")
    return with_seat(model, seat)


def on_back(model: Model, message: wire.Back, now: float) -> Model:
    seat = seat_at_table(model, message.id)
    if seat is None:
        return model
    model = replace(model, notice=f"{seat.name} is back")
    return with_seat(model, replace(seat, away=False, away_until=None))


def duration(seconds: float) -> str:
    """A wait in words a player reads at a glance: "45 s", "12 min", "2 h"."""
    if seconds < 90:
        return f"{max(0, round(seconds))} s"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    return f"{round(seconds / 3600)} h"


def on_rebuy(model: Model, message: wire.Rebuy, now: float) -> Model:
    me = model.me
    note = (
        f"Rebuy: +{message.amount} chips; the next one in {duration(message.next_in)}"
    )
    model = replace(model, awaiting=None, error=None, notice=note)
    if me is None:
        return model
    return with_seat(model, replace(me, balance=message.balance))


def on_history(model: Model, message: wire.History, now: float) -> Model:
    return replace(model, history=message.rounds)


def on_shutdown(model: Model, message: wire.Shutdown, now: float) -> Model:
    return replace(model, server_stopping=True)


#: The messages of accounts and kept seats, by class.
ACCOUNT_HANDLERS: dict[type[wire.ServerMessage], Handler] = {
    wire.Snapshot: on_snapshot,
    wire.Away: on_away,
    wire.Back: on_back,
    wire.Rebuy: on_rebuy,
    wire.History: on_history,
    wire.Shutdown: on_shutdown,
}
