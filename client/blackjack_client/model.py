"""The client's picture of the table: frozen data and one reducer.

``reduce(model, message, now)`` returns the model after one message, either
one the server sent (a decoded JSON object) or a local event of this module
(``Connecting``, ``Connected``, ``Disconnected``, ``Sent``). It never raises
and never mutates: a message of an unknown type, for an unknown player or
with fields missing is ignored (or used as far as it makes sense), so newer
servers and messages that arrive out of order don't break the client.

``now`` is the caller's clock in seconds; the model keeps deadlines as
absolute times on that clock so the view can count down without a timer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

DEALER_ID = "dealer"
BLACKJACK = 21

# Seat states. The server's own are playing, stood, bust and waiting; "left"
# is the client's, so a seat that emptied mid-round stays readable until the
# next deal.
WAITING = "waiting"
PLAYING = "playing"
STOOD = "stood"
BUST = "bust"
LEFT = "left"
SEAT_STATES = (WAITING, PLAYING, STOOD, BUST, LEFT)

RESULTS = ("win", "lose", "push")

# Connection states.
OFFLINE = "offline"
CONNECTING = "connecting"
CONNECTED = "connected"  # the WebSocket is open; not seated yet
SEATED = "seated"
FULL = "full"  # the server answered 507: every seat is taken
DISCONNECTED = "disconnected"
CLOSED = "closed"  # this client closed on purpose (quitting)

# Table phases.
PHASE_NONE = "none"  # no round seen yet
PHASE_PLAYING = "playing"
PHASE_DEALER = "dealer"
PHASE_OVER = "over"

STATUS_TABLE_FULL = 507


@dataclass(frozen=True)
class Hand:
    """Cards and their total, as the server counted it."""

    cards: tuple[str, ...] = ()
    points: int = 0

    def add(self, card: str, points: int) -> Hand:
        """This hand with one more card."""
        return Hand((*self.cards, card), points)


@dataclass(frozen=True)
class Seat:
    """One player at the table. (A casino table will give a seat several
    hands; the view draws ``hand`` through one place to make that easy.)"""

    player_id: int
    username: str = ""
    seat: int | None = None
    hand: Hand = Hand()
    state: str = WAITING
    #: "stand", "timeout" or "21" once the hand is stood.
    reason: str | None = None
    #: "win", "lose" or "push" once the round is settled.
    result: str | None = None
    #: When the turn times out, on the reducer's clock.
    deadline: float | None = None

    @property
    def name(self) -> str:
        """The name to show: the username, or the id if none was given."""
        return self.username or f"player {self.player_id}"


@dataclass(frozen=True)
class Model:
    """Everything the client knows: the connection, the table and the round."""

    connection: str = OFFLINE
    url: str = ""
    my_id: int | None = None
    my_name: str = ""
    table: int | None = None
    #: How many seats the table has, when the server says (``id``'s ``seats``).
    table_seats: int | None = None
    turn_timeout: float | None = None
    protocol: int | None = None
    #: Players by id, in the order they were first heard of.
    seats: Mapping[int, Seat] = field(default_factory=dict)
    dealer: Hand = Hand()
    phase: str = PHASE_NONE
    #: When the next round is dealt, on the reducer's clock (after round_over).
    next_round_at: float | None = None
    #: Rounds this client saw settled.
    rounds: int = 0
    #: An action was sent and its answer hasn't come: don't send another.
    awaiting: str | None = None
    #: The last refusal, as (status code, message), until the next action.
    error: tuple[int, str] | None = None
    #: A passing note for the status line (shuffle, wait).
    notice: str = ""
    close_code: int | None = None
    close_reason: str = ""

    @property
    def me(self) -> Seat | None:
        """This player's seat, once seated."""
        if self.my_id is None:
            return None
        return self.seats.get(self.my_id)

    def seats_in_order(self) -> list[Seat]:
        """Every seat, by seat number (seats not yet placed go last)."""
        return sorted(
            self.seats.values(),
            key=lambda s: (s.seat is None, s.seat if s.seat is not None else 0),
        )

    def can_act(self) -> bool:
        """Whether Hit and Stand are allowed now."""
        me = self.me
        return (
            self.connection == SEATED
            and self.awaiting is None
            and me is not None
            and me.state == PLAYING
            and len(me.hand.cards) >= 2
            and me.hand.points < BLACKJACK
        )


# -- local events: things the client itself saw or did -------------------------


@dataclass(frozen=True)
class Connecting:
    """The client starts connecting to ``url``; the old table is forgotten."""

    url: str


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


LocalEvent = Connecting | Connected | Disconnected | Sent
Message = Mapping[str, Any] | LocalEvent


# -- the reducer -------------------------------------------------------------------


def reduce(model: Model, message: Message, now: float = 0.0) -> Model:
    """The model after ``message``, received at ``now``."""
    if isinstance(message, (Connecting, Connected, Disconnected, Sent)):
        return _reduce_local(model, message)
    if not isinstance(message, Mapping):
        return model
    handler = _HANDLERS.get(message.get("type"))  # type: ignore[arg-type]
    if handler is None:
        return model
    try:
        return handler(model, message, now)
    except (KeyError, TypeError, ValueError, AttributeError):
        # A malformed message is dropped whole rather than half applied.
        return model


def _reduce_local(model: Model, event: LocalEvent) -> Model:
    if isinstance(event, Connecting):
        return Model(connection=CONNECTING, url=event.url, rounds=model.rounds)
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
            close_code=event.code,
            close_reason=event.reason,
            awaiting=None,
            seats={
                pid: replace(seat, deadline=None) for pid, seat in model.seats.items()
            },
            next_round_at=None,
        )
    if isinstance(event, Sent):
        return replace(model, awaiting=event.action, error=None)
    return model


def _player_id(value: object) -> int:
    # bool is an int; a player id never is one.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"not a player id: {value!r}")
    return value


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _seat_number(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _points(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not points: {value!r}")
    return int(value)


def _cards(value: object) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"not a hand: {value!r}")
    return tuple(card for card in value if isinstance(card, str))


def _with_seat(model: Model, seat: Seat) -> Model:
    seats = dict(model.seats)
    # A new player in a seat number someone left: the old one is gone.
    if seat.seat is not None:
        for pid, other in model.seats.items():
            if pid != seat.player_id and other.seat == seat.seat:
                if other.state == LEFT:
                    del seats[pid]
    seats[seat.player_id] = seat
    return replace(model, seats=seats)


def _seat_or_new(model: Model, player_id: int) -> Seat:
    return model.seats.get(player_id) or Seat(player_id)


def _settled(model: Model) -> bool:
    return model.phase == PHASE_OVER


def _on_auth(model: Model, message: Mapping[str, Any], now: float) -> Model:
    if model.connection in (CONNECTING, OFFLINE):
        return replace(model, connection=CONNECTED)
    return model


def _seat_count(value: object) -> int | None:
    # A sane count only: the view lays out one slot per seat.
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 7:
        return value
    return None


def _on_id(model: Model, message: Mapping[str, Any], now: float) -> Model:
    my_id = _player_id(message["client_id"])
    username = _text(message.get("username"))
    seat = replace(
        _seat_or_new(model, my_id),
        username=username,
        seat=_seat_number(message.get("seat")),
    )
    timeout = message.get("turn_timeout")
    table = message.get("table")
    table_seats = message.get("seats")
    protocol = message.get("protocol")
    model = replace(
        model,
        connection=SEATED,
        my_id=my_id,
        my_name=username,
        table=table if isinstance(table, int) else None,
        table_seats=_seat_count(table_seats),
        protocol=protocol if isinstance(protocol, int) else None,
        turn_timeout=float(timeout) if isinstance(timeout, (int, float)) else None,
        error=None,
    )
    return _with_seat(model, seat)


def _on_hit(model: Model, message: Mapping[str, Any], now: float) -> Model:
    card = message["card"]
    if not isinstance(card, str):
        raise TypeError("card")
    points = _points(message["points"])
    who = message["id"]
    if who == DEALER_ID:
        if _settled(model):
            return model  # a late dealer card: round_over already told all
        return replace(model, dealer=model.dealer.add(card, points), phase=PHASE_DEALER)
    player_id = _player_id(who)
    seat = _seat_or_new(model, player_id)
    if seat.state == LEFT:
        return model
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
    awaiting = model.awaiting if player_id != model.my_id else None
    phase = model.phase if model.phase != PHASE_NONE else PHASE_PLAYING
    return _with_seat(replace(model, awaiting=awaiting, phase=phase), seat)


def _on_other_players(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = _player_id(message["id"])
    state = message.get("state")
    seat = replace(
        _seat_or_new(model, player_id),
        username=_text(message.get("username")),
        seat=_seat_number(message.get("seat")),
        hand=Hand(_cards(message["hand"]), _points(message["points"])),
        state=state if state in SEAT_STATES and state != LEFT else PLAYING,
    )
    return _with_seat(model, seat)


def _on_new_client(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = _player_id(message["message"])
    seat = replace(
        _seat_or_new(model, player_id),
        username=_text(message.get("username")),
        seat=_seat_number(message.get("seat")),
    )
    if seat.state == LEFT:
        seat = replace(seat, state=WAITING)
    return _with_seat(model, seat)


def _on_deadline(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = _player_id(message["id"])
    seconds = message["seconds"]
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError("seconds")
    seat = model.seats.get(player_id)
    if seat is None or seat.state not in (PLAYING, WAITING):
        return model
    return _with_seat(model, replace(seat, state=PLAYING, deadline=now + seconds))


def _on_bust(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = _player_id(message.get("id", model.my_id))
    seat = model.seats.get(player_id)
    if seat is None or seat.state == LEFT:
        return model
    model = replace(
        model, awaiting=None if player_id == model.my_id else model.awaiting
    )
    return _with_seat(model, replace(seat, state=BUST, deadline=None))


def _on_stand(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = _player_id(message["id"])
    seat = model.seats.get(player_id)
    if player_id == model.my_id:
        model = replace(model, awaiting=None)
    if seat is None or seat.state in (LEFT, BUST):
        return model
    reason = message.get("reason")
    return _with_seat(
        model,
        replace(
            seat,
            state=STOOD,
            reason=reason if isinstance(reason, str) else "stand",
            deadline=None,
        ),
    )


def _result_setter(result: str) -> Callable[[Model, Mapping[str, Any], float], Model]:
    def apply(model: Model, message: Mapping[str, Any], now: float) -> Model:
        player_id = _player_id(message.get("id", model.my_id))
        seat = model.seats.get(player_id)
        if seat is None or seat.state == LEFT:
            return model
        return _with_seat(model, replace(seat, result=result, deadline=None))

    return apply


def _on_round_over(model: Model, message: Mapping[str, Any], now: float) -> Model:
    dealer = message["dealer"]
    model = replace(
        model,
        dealer=Hand(_cards(dealer["hand"]), _points(dealer["points"])),
        phase=PHASE_OVER,
        rounds=model.rounds + 1,
        awaiting=None,
    )
    for entry in message["results"]:
        if not isinstance(entry, Mapping):
            continue
        try:
            player_id = _player_id(entry["id"])
        except (KeyError, TypeError):
            continue
        result = entry.get("result")
        seat = _seat_or_new(model, player_id)
        hand = seat.hand
        if "hand" in entry and "points" in entry:
            hand = Hand(_cards(entry["hand"]), _points(entry["points"]))
        seat = replace(
            seat,
            username=seat.username or _text(entry.get("username")),
            hand=hand,
            result=result if result in RESULTS else seat.result,
            state=seat.state if seat.state != PLAYING else STOOD,
            deadline=None,
        )
        model = _with_seat(model, seat)
    delay = message.get("next_round_in")
    next_round_at = (
        now + delay
        if isinstance(delay, (int, float)) and not isinstance(delay, bool)
        else None
    )
    # Any deadline left is moot: the round is settled.
    seats = {pid: replace(s, deadline=None) for pid, s in model.seats.items()}
    return replace(model, seats=seats, next_round_at=next_round_at)


def _on_restart(model: Model, message: Mapping[str, Any], now: float) -> Model:
    seats = {
        pid: replace(
            seat, hand=Hand(), state=PLAYING, reason=None, result=None, deadline=None
        )
        for pid, seat in model.seats.items()
        if seat.state != LEFT
    }
    return replace(
        model,
        seats=seats,
        dealer=Hand(),
        phase=PHASE_PLAYING,
        next_round_at=None,
        awaiting=None,
        error=None,
        notice="",
    )


def _on_wait(model: Model, message: Mapping[str, Any], now: float) -> Model:
    note = _text(message.get("message")) or "dealt in at the next round"
    me = model.me
    if me is not None:
        model = _with_seat(model, replace(me, state=WAITING, hand=Hand()))
    return replace(model, notice=f"Waiting: {note}")


def _on_left(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = _player_id(message["id"])
    seat = model.seats.get(player_id)
    if seat is None:
        return model
    return _with_seat(model, replace(seat, state=LEFT, deadline=None))


def _on_shuffle(model: Model, message: Mapping[str, Any], now: float) -> Model:
    return replace(model, notice="The dealer shuffles the shoe")


def _on_error(model: Model, message: Mapping[str, Any], now: float) -> Model:
    code = message.get("status_code")
    code = code if isinstance(code, int) and not isinstance(code, bool) else 0
    text = _text(message.get("message")) or "error"
    model = replace(model, error=(code, text), awaiting=None)
    if code == STATUS_TABLE_FULL:
        model = replace(model, connection=FULL)
    return model


_HANDLERS: dict[str, Callable[[Model, Mapping[str, Any], float], Model]] = {
    "auth": _on_auth,
    "id": _on_id,
    "hit": _on_hit,
    "other_players": _on_other_players,
    "new_client": _on_new_client,
    "deadline": _on_deadline,
    "bust": _on_bust,
    "stand": _on_stand,
    "winner": _result_setter("win"),
    "lose": _result_setter("lose"),
    "push": _result_setter("push"),
    "round_over": _on_round_over,
    "restart": _on_restart,
    "wait": _on_wait,
    "left": _on_left,
    "shuffle": _on_shuffle,
    "error": _on_error,
}

#: The server message types this client understands.
KNOWN_TYPES = frozenset(_HANDLERS)
