"""Local events: what the client itself saw or did, reduced like the
server's messages."""

from __future__ import annotations

from dataclasses import dataclass, replace

from blackjack_client.model.seats import without_deadlines
from blackjack_client.model.state import (
    CLOSED,
    CONNECTED,
    CONNECTING,
    DISCONNECTED,
    FULL,
    RECONNECTING,
    Model,
)


@dataclass(frozen=True)
class Connecting:
    """The client starts connecting to ``url``; the old table is forgotten,
    unless the client is coming back to its seat (``resume``): then it stays
    drawn until the server's ``id`` and ``snapshot`` replace it."""

    url: str
    resume: bool = False


@dataclass(frozen=True)
class Connected:
    """The WebSocket opened."""


@dataclass(frozen=True)
class Disconnected:
    """The connection closed or could not be made."""

    code: int | None = None
    reason: str = ""
    #: This client closed it on purpose.
    by_us: bool = False


@dataclass(frozen=True)
class Sent:
    """The client sent an action (``"hit"`` or ``"stand"``)."""

    action: str


@dataclass(frozen=True)
class Retrying:
    """The connection dropped; the client connects again at ``at`` (on the
    reducer's clock) to come back to its seat; ``server_stopping``: the
    server went away to restart (it said ``shutdown``, or closed with 1001),
    and the client waits longer for it."""

    at: float
    server_stopping: bool = False


@dataclass(frozen=True)
class GaveUp:
    """The client won't connect again by itself, and why."""

    reason: str


LocalEvent = Connecting | Connected | Disconnected | Sent | Retrying | GaveUp
LOCAL_EVENTS = (Connecting, Connected, Disconnected, Sent, Retrying, GaveUp)


def reduce_local(model: Model, event: LocalEvent) -> Model:
    if isinstance(event, Connecting):
        if event.resume:
            return replace(
                model,
                connection=CONNECTING,
                url=event.url,
                resuming=True,
                retry_at=None,
                awaiting=None,
                error=None,
            )
        return Model(
            connection=CONNECTING,
            url=event.url,
            rounds=model.rounds,
            last_bet=model.last_bet,
        )
    if isinstance(event, Connected):
        return replace(model, connection=CONNECTED, error=None)
    if isinstance(event, Disconnected):
        if event.by_us:
            connection = CLOSED
        elif model.connection == FULL:
            connection = FULL  # the close that follows a 507 is expected
        else:
            connection = DISCONNECTED
        return replace(
            model,
            connection=connection,
            retry_at=None,
            close_code=event.code,
            close_reason=event.reason,
            awaiting=None,
            seats={pid: without_deadlines(seat) for pid, seat in model.seats.items()},
            next_round_at=None,
            betting_until=None,
            insurance_offer=None,
            insurance_until=None,
        )
    if isinstance(event, Sent):
        return replace(model, awaiting=event.action, error=None)
    if isinstance(event, Retrying):
        return replace(
            model,
            connection=RECONNECTING,
            retry_at=event.at,
            server_stopping=model.server_stopping or event.server_stopping,
        )
    if isinstance(event, GaveUp):
        return replace(
            model, connection=DISCONNECTED, close_reason=event.reason, retry_at=None
        )
    return model
