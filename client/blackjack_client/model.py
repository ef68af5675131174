"""The client's picture of the table: frozen data and one reducer.

``reduce(model, message, now)`` returns the model after one message, either
one the server sent (a decoded JSON object) or a local event of this module
(``Connecting``, ``Connected``, ``Disconnected``, ``Sent``). It never raises
and never mutates: a message of an unknown type, for an unknown player or
with fields missing is ignored (or used as far as it makes sense), so newer
servers and messages that arrive out of order don't break the client.

``now`` is the caller's clock in seconds; the model keeps deadlines as
absolute times on that clock so the view can count down without a timer.

Two kinds of table: classic (the seed's game: one hand a seat, no chips) and
casino (``id`` says ``game: "casino"``: bets, a hole card, insurance,
doubles, splits and surrender). On a casino table a seat holds ``hands``
(``hand`` mirrors the first one), and the messages that name a hand by index
change that hand only. A classic table's messages are reduced exactly as
before.
"""

from __future__ import annotations

import math
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

# Kinds of table (``id``'s ``game``; classic when it's absent).
GAME_CLASSIC = "classic"
GAME_CASINO = "casino"

# A casino hand's status, as the server sends it (PLAYING, STOOD and BUST
# are the seat states' words too).
BLACKJACK_STATUS = "blackjack"
SURRENDERED = "surrendered"
HAND_STATUSES = (PLAYING, STOOD, BUST, BLACKJACK_STATUS, SURRENDERED)
#: A player holds at most this many hands (the server refuses bigger indexes).
MAX_HANDS = 16

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
PHASE_BETTING = "betting"  # casino: bets are open
PHASE_INSURANCE = "insurance"  # casino: an ace is up, insurance is offered
PHASE_PLAYING = "playing"
PHASE_DEALER = "dealer"
PHASE_OVER = "over"

STATUS_TABLE_FULL = 507


@dataclass(frozen=True)
class Hand:
    """Cards and their total, as the server counted it; on a casino table
    also the hand's stake, status, result and turn."""

    cards: tuple[str, ...] = ()
    points: int = 0
    #: Casino: everything staked on the hand (a double included).
    bet: int = 0
    #: Casino: one of ``HAND_STATUSES`` ("" on classic tables).
    status: str = ""
    #: Casino: why the hand stood ("stand", "timeout", "21", "double", ...).
    reason: str | None = None
    #: Casino: "win", "lose" or "push" once settled.
    result: str | None = None
    #: Casino: chips paid back on the hand, stake included (a surrender's
    #: refund as soon as it surrenders).
    payout: int | None = None
    #: Casino: when this hand's turn times out, on the reducer's clock.
    deadline: float | None = None
    doubled: bool = False
    from_split: bool = False

    def add(self, card: str, points: int) -> Hand:
        """This hand with one more card."""
        return replace(self, cards=(*self.cards, card), points=points)

    @property
    def net(self) -> int | None:
        """Chips won (+) or lost (-) on the hand, once the server said."""
        if self.result is None and self.status != SURRENDERED:
            return None
        return (self.payout or 0) - self.bet

    @property
    def split_aces(self) -> bool:
        """A hand made by splitting aces (it takes one card only)."""
        return self.from_split and bool(self.cards) and self.cards[0][:1] == "A"


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
    #: Casino: the hands, by index (empty between deals; ``hand`` is the first).
    hands: tuple[Hand, ...] = ()
    #: Casino: chips held, when the server has said.
    balance: int | None = None
    #: Casino: this round's bet; None before betting, 0 for a bet whose
    #: amount wasn't told (``other_players`` during betting).
    bet: int | None = None
    #: Casino: betting closed without a bet from this player.
    sitting_out: bool = False
    #: Casino: insurance bought this round (0: declined; None: not asked).
    insurance: int | None = None

    @property
    def name(self) -> str:
        """The name to show: the username, or the id if none was given."""
        return self.username or f"player {self.player_id}"


@dataclass(frozen=True)
class Rules:
    """A casino table's rules, from ``id`` (defaults: the server's)."""

    decks: int = 6
    h17: bool = False
    das: bool = True
    resplit_aces: bool = False
    surrender: bool = False
    blackjack_pays: str = "3:2"
    max_split_hands: int = 4
    min_bet: int = 10
    max_bet: int = 500
    bet_timeout: float | None = None


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
    #: "classic" or "casino", from ``id``.
    game: str = GAME_CLASSIC
    #: Casino: the table's rules.
    rules: Rules = Rules()
    #: Casino: when betting closes, on the reducer's clock.
    betting_until: float | None = None
    #: Casino: what insurance would cost this player, while it is offered.
    insurance_offer: int | None = None
    insurance_until: float | None = None
    #: Casino: the dealer holds a card face down.
    dealer_hole: bool = False
    dealer_blackjack: bool = False
    #: Casino: this player's gain or loss in the last round.
    net: int | None = None
    #: Casino: this player's last bet the server took (to bet it again).
    last_bet: int | None = None

    @property
    def casino(self) -> bool:
        """Whether this is a casino table."""
        return self.game == GAME_CASINO

    @property
    def balance(self) -> int | None:
        """This player's chips (casino tables)."""
        me = self.me
        return None if me is None else me.balance

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
        if self.casino:
            return self.active_hand() is not None
        me = self.me
        return (
            self.connection == SEATED
            and self.awaiting is None
            and me is not None
            and me.state == PLAYING
            and len(me.hand.cards) >= 2
            and me.hand.points < BLACKJACK
        )

    # -- casino tables ---------------------------------------------------------

    def active_hand(self) -> int | None:
        """Casino: the index of the hand this player acts on now (the first
        whose turn is on), or None when no action is possible."""
        me = self.me
        if (
            not self.casino
            or self.connection != SEATED
            or self.awaiting is not None
            or self.phase != PHASE_PLAYING
            or me is None
        ):
            return None
        for index, hand in enumerate(me.hands):
            if (
                hand.status == PLAYING
                and hand.deadline is not None
                and len(hand.cards) >= 2
                and hand.points < BLACKJACK
            ):
                return index
        return None

    def _active(self) -> tuple[Seat, Hand] | None:
        index = self.active_hand()
        me = self.me
        if index is None or me is None:
            return None
        return me, me.hands[index]

    def _affords(self, amount: int) -> bool:
        balance = self.balance
        return balance is None or amount <= balance

    def can_double(self) -> bool:
        """Double: any first two cards; after a split only with ``das``;
        never on split aces; the chips to match the bet."""
        active = self._active()
        if active is None:
            return False
        _, hand = active
        return (
            len(hand.cards) == 2
            and not hand.split_aces
            and (self.rules.das or not hand.from_split)
            and self._affords(hand.bet)
        )

    def can_split(self) -> bool:
        """Split: a pair (two cards of one value), fewer hands than the
        table allows, aces again only with ``resplit_aces``, and the chips."""
        active = self._active()
        if active is None:
            return False
        me, hand = active
        return (
            len(hand.cards) == 2
            and card_value(hand.cards[0]) == card_value(hand.cards[1])
            and len(me.hands) < self.rules.max_split_hands
            and (self.rules.resplit_aces or not hand.split_aces)
            and self._affords(hand.bet)
        )

    def can_surrender(self) -> bool:
        """Surrender: only at tables that allow it, on the first two cards,
        never after a split."""
        active = self._active()
        if active is None or not self.rules.surrender:
            return False
        _, hand = active
        return len(hand.cards) == 2 and not hand.from_split

    def can_bet(self, amount: int | None = None) -> bool:
        """Whether a bet (of ``amount``, if given) may be placed now."""
        me = self.me
        if (
            not self.casino
            or self.connection != SEATED
            or self.awaiting is not None
            or self.phase != PHASE_BETTING
            or me is None
            or me.bet is not None
        ):
            return False
        if amount is None:
            return self._affords(self.rules.min_bet)
        return self.rules.min_bet <= amount <= self.rules.max_bet and self._affords(
            amount
        )

    def can_insure(self, take: bool = True) -> bool:
        """Whether insurance is offered now (and, to take it, affordable)."""
        if (
            not self.casino
            or self.connection != SEATED
            or self.awaiting is not None
            or self.insurance_offer is None
        ):
            return False
        return not take or self._affords(self.insurance_offer)


def card_value(card: str) -> int:
    """A card's value for pairs: 1 for an ace, 10 for ten-valued cards."""
    rank = card[:1]
    if rank == "A":
        return 1
    if rank in ("T", "J", "Q", "K") or card[:2] == "10":
        return 10
    return int(rank) if rank.isdigit() else 0


def count_points(cards: tuple[str, ...]) -> int:
    """The best total of ``cards`` (an ace counts 11 when that doesn't bust),
    for the dealer's cards that ``wait`` shows without a total."""
    total = sum(card_value(card) for card in cards)
    if any(card[:1] == "A" for card in cards) and total <= BLACKJACK - 10:
        total += 10
    return total


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
    if handler is None or not _all_finite(message):
        return model
    try:
        return handler(model, message, now)
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError):
        # A malformed message is dropped whole rather than half applied.
        return model


def _all_finite(value: object) -> bool:
    """No infinite or NaN number anywhere in ``value``: such a number would
    break every sum, countdown and layout drawn from it."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Mapping):
        return all(_all_finite(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return all(_all_finite(item) for item in value)
    return True


def _reduce_local(model: Model, event: LocalEvent) -> Model:
    if isinstance(event, Connecting):
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
            close_code=event.code,
            close_reason=event.reason,
            awaiting=None,
            seats={pid: _without_deadlines(seat) for pid, seat in model.seats.items()},
            next_round_at=None,
            betting_until=None,
            insurance_offer=None,
            insurance_until=None,
        )
    if isinstance(event, Sent):
        return replace(model, awaiting=event.action, error=None)
    return model


def _player_id(value: object) -> int:
    # bool is an int; a player id never is one.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"not a player id: {value!r}")
    return value


#: Longest text the model keeps from a message: the server's own names and
#: messages are short, and drawing an endless one would stall every frame.
MAX_TEXT = 200

#: Seats a table can have; a seat number beyond them is not believed (the
#: view lays out a slot for every seat up to the highest).
MAX_SEATS = 7


def _text(value: object) -> str:
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def _seat_number(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    if not 0 <= value < MAX_SEATS:
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


def _without_deadlines(seat: Seat) -> Seat:
    hands = tuple(replace(hand, deadline=None) for hand in seat.hands)
    return replace(seat, deadline=None, hands=hands)


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
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and 1 <= value <= MAX_SEATS
    ):
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
    game = GAME_CASINO if message.get("game") == GAME_CASINO else GAME_CLASSIC
    if game == GAME_CASINO:
        seat = replace(seat, balance=_chips(message.get("balance"), seat.balance))
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
        game=game,
        rules=_rules(message.get("rules")) if game == GAME_CASINO else Rules(),
    )
    return _with_seat(model, seat)


def _on_hit(model: Model, message: Mapping[str, Any], now: float) -> Model:
    card = message["card"]
    if not isinstance(card, str):
        raise TypeError("card")
    points = _points(message["points"])
    who = message["id"]
    if model.casino:
        return _casino_hit(model, message, card, points, now)
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
    if model.casino:
        return _casino_other_player(model, player_id, message)
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
    if model.casino:
        return _casino_deadline(model, seat, message.get("hand"), now + seconds)
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
    if model.casino:
        return _change_hand(
            model,
            seat,
            message.get("hand"),
            lambda hand: replace(hand, status=BUST, deadline=None),
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
    if model.casino:
        return _change_hand(
            model, seat, message.get("hand"), lambda hand: _stood(hand, reason)
        )
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
        if model.casino:
            payout = _chips(message.get("payout"), None)
            return _change_hand(
                model,
                seat,
                message.get("hand"),
                lambda hand: replace(
                    hand,
                    result=result,
                    payout=hand.payout if payout is None else payout,
                    deadline=None,
                ),
            )
        return _with_seat(model, replace(seat, result=result, deadline=None))

    return apply


def _on_round_over(model: Model, message: Mapping[str, Any], now: float) -> Model:
    dealer = message["dealer"]
    if model.casino:
        return _casino_round_over(model, message, now)
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
    if model.casino:
        return _casino_restart(model)
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
        model = _with_seat(model, replace(me, state=WAITING, hand=Hand(), hands=()))
    if model.casino and isinstance(message.get("dealer"), (list, tuple)):
        cards = _cards(message["dealer"])
        model = replace(
            model,
            dealer=Hand(cards, count_points(cards)),
            # One card shown in a round: the other is the hole card.
            dealer_hole=len(cards) == 1,
        )
    return replace(model, notice=f"Waiting: {note}")


def _on_left(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = _player_id(message["id"])
    seat = model.seats.get(player_id)
    if seat is None:
        return model
    return _with_seat(model, replace(_without_deadlines(seat), state=LEFT))


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


# -- casino tables ------------------------------------------------------------------


def _chips(value: object, default: int | None) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not seconds: {value!r}")
    return float(value)


def _hand_index(value: object) -> int:
    # Left out, it is the first hand: the server's own default.
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"not a hand index: {value!r}")
    if not 0 <= value < MAX_HANDS:
        raise ValueError(f"no such hand: {value}")
    return value


def _rules(value: object) -> Rules:
    """The rules the server sent; a missing or odd field keeps its default."""
    if not isinstance(value, Mapping):
        return Rules()
    default = Rules()
    fields: dict[str, Any] = {}
    for name in ("h17", "das", "resplit_aces", "surrender"):
        if isinstance(value.get(name), bool):
            fields[name] = value[name]
    for name in ("decks", "max_split_hands", "min_bet", "max_bet"):
        number = _chips(value.get(name), None)
        if number is not None and number >= 1:
            fields[name] = number
    if isinstance(value.get("blackjack_pays"), str):
        fields["blackjack_pays"] = value["blackjack_pays"]
    timeout = value.get("bet_timeout")
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        fields["bet_timeout"] = float(timeout)
    rules = replace(default, **fields)
    if rules.max_bet < rules.min_bet:
        rules = replace(rules, max_bet=rules.min_bet)
    return rules


def _seat_state(hands: tuple[Hand, ...], state: str) -> str:
    """A casino seat's state, from its hands."""
    if not hands or state == LEFT:
        return state
    if any(hand.status == PLAYING for hand in hands):
        return PLAYING
    if all(hand.status == BUST for hand in hands):
        return BUST
    return STOOD


def _with_hands(seat: Seat, hands: list[Hand] | tuple[Hand, ...]) -> Seat:
    hands = tuple(hands)
    return replace(
        seat,
        hands=hands,
        hand=hands[0] if hands else Hand(),
        state=_seat_state(hands, seat.state),
    )


def _change_hand(
    model: Model,
    seat: Seat,
    index: object,
    change: Callable[[Hand], Hand],
) -> Model:
    """The model with one of ``seat``'s hands changed; a hand the client
    doesn't know of is left alone."""
    number = _hand_index(index)
    if number >= len(seat.hands):
        return model
    hands = list(seat.hands)
    hands[number] = change(hands[number])
    return _with_seat(model, _with_hands(seat, hands))


def _stood(hand: Hand, reason: object) -> Hand:
    if hand.status in (BUST, SURRENDERED):
        return hand
    why = reason if isinstance(reason, str) else "stand"
    status = BLACKJACK_STATUS if why == "blackjack" else STOOD
    return replace(hand, status=status, reason=why, deadline=None)


def _mine(model: Model, player_id: int) -> Model:
    """An answer to this player's action has come: they may act again."""
    return replace(model, awaiting=None) if player_id == model.my_id else model


def _casino_hit(
    model: Model, message: Mapping[str, Any], card: str, points: int, now: float
) -> Model:
    who = message["id"]
    if who == DEALER_ID:
        if _settled(model):
            return model
        if model.dealer_hole:
            # The hole card turned over: the dealer plays now.
            return replace(
                model,
                dealer=model.dealer.add(card, points),
                dealer_hole=False,
                phase=PHASE_DEALER,
            )
        # The upcard is dealt with the players' cards; later cards are draws.
        phase = model.phase if not model.dealer.cards else PHASE_DEALER
        return replace(model, dealer=model.dealer.add(card, points), phase=phase)
    player_id = _player_id(who)
    index = _hand_index(message.get("hand"))
    seat = _seat_or_new(model, player_id)
    if seat.state == LEFT:
        return model
    hands = list(seat.hands)
    while len(hands) <= index:
        # A new hand: the deal's first card, or a split's (``split`` follows).
        stake = seat.bet or 0 if not hands else hands[0].bet
        hands.append(Hand(bet=stake, status=PLAYING))
    hand = hands[index].add(card, points)
    if points > BLACKJACK:
        hand = replace(hand, status=BUST, deadline=None)
    hands[index] = hand
    if seat.state == WAITING:
        seat = replace(seat, state=PLAYING)
    seat = replace(_with_hands(seat, hands), sitting_out=False)
    phase = model.phase
    if phase in (PHASE_NONE, PHASE_BETTING, PHASE_OVER):
        phase = PHASE_PLAYING
    return _with_seat(replace(_mine(model, player_id), phase=phase), seat)


def _casino_deadline(
    model: Model, seat: Seat | None, index: object, deadline: float
) -> Model:
    if seat is None or seat.state == LEFT:
        return model
    number = _hand_index(index)
    if number >= len(seat.hands) or seat.hands[number].status != PLAYING:
        return model
    phase = model.phase
    if phase in (PHASE_NONE, PHASE_INSURANCE):
        phase = PHASE_PLAYING  # a turn begins: the peek is over
    return _change_hand(
        replace(model, phase=phase),
        seat,
        number,
        lambda hand: replace(hand, deadline=deadline),
    )


_OTHER_STATES = {"playing": PLAYING, "done": STOOD, "waiting": WAITING}


def _casino_other_player(
    model: Model, player_id: int, message: Mapping[str, Any]
) -> Model:
    state = message.get("state")
    seat = replace(
        _seat_or_new(model, player_id),
        username=_text(message.get("username")),
        seat=_seat_number(message.get("seat")),
        balance=_chips(message.get("balance"), None),
        state=_OTHER_STATES.get(state, WAITING),  # type: ignore[arg-type]
        # During betting their cards are the last round's: not shown.
        bet=0 if state == "bet" else None,
    )
    hands: list[Hand] = []
    if state in ("playing", "done"):
        for entry in message.get("hands") or ():
            if isinstance(entry, Mapping):
                status = entry.get("status")
                hands.append(
                    Hand(
                        _cards(entry["cards"]),
                        _points(entry["points"]),
                        bet=_chips(entry.get("bet"), 0) or 0,
                        status=status if status in HAND_STATUSES else PLAYING,
                    )
                )
        if hands:
            seat = replace(seat, bet=hands[0].bet)
    return _with_seat(model, _with_hands(seat, hands))


def _casino_round_over(model: Model, message: Mapping[str, Any], now: float) -> Model:
    dealer = message["dealer"]
    dealer_hand = Hand(_cards(dealer["hand"]), _points(dealer["points"]))
    by_player: dict[int, list[Mapping[str, Any]]] = {}
    for entry in message["results"]:
        if not isinstance(entry, Mapping):
            continue
        try:
            by_player.setdefault(_player_id(entry["id"]), []).append(entry)
        except (KeyError, TypeError):
            continue
    model = replace(
        model,
        dealer=dealer_hand,
        dealer_hole=False,
        dealer_blackjack=dealer.get("blackjack") is True,
        phase=PHASE_OVER,
        rounds=model.rounds + 1,
        awaiting=None,
        insurance_offer=None,
        insurance_until=None,
    )
    for player_id, entries in by_player.items():
        seat = _seat_or_new(model, player_id)
        hands = list(seat.hands)
        balance = seat.balance
        for entry in entries:
            try:
                index = _hand_index(entry.get("index"))
                cards = _cards(entry["hand"])
                points = _points(entry["points"])
            except (KeyError, TypeError, ValueError):
                continue
            while len(hands) <= index:
                hands.append(Hand())
            old = hands[index]
            result = entry.get("result")
            if entry.get("surrendered") is True:
                status = SURRENDERED
            elif entry.get("blackjack") is True:
                status = BLACKJACK_STATUS
            elif points > BLACKJACK:
                status = BUST
            else:
                status = STOOD
            hands[index] = replace(
                old,
                cards=cards,
                points=points,
                bet=_chips(entry.get("bet"), old.bet) or 0,
                status=status,
                result=result if result in RESULTS else old.result,
                payout=_chips(entry.get("payout"), old.payout),
                doubled=entry.get("doubled") is True or old.doubled,
                deadline=None,
            )
            balance = _chips(entry.get("balance"), balance)
        seat = _with_hands(
            replace(
                seat,
                username=seat.username or _text(entry.get("username")),
                balance=balance,
            ),
            hands,
        )
        nets = [hand.net for hand in seat.hands if hand.net is not None]
        if nets:
            total = sum(nets)
            seat = replace(
                seat, result="win" if total > 0 else "lose" if total < 0 else "push"
            )
            if player_id == model.my_id:
                model = replace(model, net=total)
        model = _with_seat(model, seat)
    delay = message.get("next_round_in")
    next_round_at = (
        now + delay
        if isinstance(delay, (int, float)) and not isinstance(delay, bool)
        else None
    )
    seats = {pid: _without_deadlines(s) for pid, s in model.seats.items()}
    return replace(model, seats=seats, next_round_at=next_round_at)


def _new_round(model: Model, state: Callable[[Seat], str], **changes: Any) -> Model:
    """The model with every seated player's cards, results and deadlines
    and the dealer's hand cleared, as a casino round's phases begin;
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


def _casino_restart(model: Model) -> Model:
    return _new_round(
        model,
        lambda seat: PLAYING if seat.bet is not None else WAITING,
        phase=PHASE_PLAYING,
        betting_until=None,
        awaiting=None,
        error=None,
    )


def _on_betting(model: Model, message: Mapping[str, Any], now: float) -> Model:
    seconds = _seconds(message["seconds"])
    rules = model.rules
    low = _chips(message.get("min_bet"), rules.min_bet) or rules.min_bet
    high = _chips(message.get("max_bet"), rules.max_bet) or rules.max_bet
    model = replace(
        model,
        seats={
            pid: replace(seat, bet=None, sitting_out=False)
            for pid, seat in model.seats.items()
        },
    )
    return _new_round(
        model,
        lambda seat: WAITING,
        rules=replace(rules, min_bet=low, max_bet=max(low, high)),
        phase=PHASE_BETTING,
        betting_until=now + seconds,
        insurance_offer=None,
        insurance_until=None,
    )


def _on_bet(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = _player_id(message["id"])
    amount = _chips(message["amount"], None)
    if amount is None:
        raise TypeError("amount")
    seat = _seat_or_new(model, player_id)
    if seat.state == LEFT:
        return model
    seat = replace(
        seat,
        bet=amount,
        balance=_chips(message.get("balance"), seat.balance),
        sitting_out=False,
    )
    if player_id == model.my_id:
        model = replace(model, awaiting=None, last_bet=amount)
    return _with_seat(model, seat)


def _on_sit_out(model: Model, message: Mapping[str, Any], now: float) -> Model:
    seat = model.seats.get(_player_id(message["id"]))
    if seat is None or seat.state == LEFT:
        return model
    return _with_seat(
        model,
        replace(seat, sitting_out=True, state=WAITING, bet=None, hands=(), hand=Hand()),
    )


def _on_hole_card(model: Model, message: Mapping[str, Any], now: float) -> Model:
    if _settled(model):
        return model
    return replace(model, dealer_hole=True)


def _on_insurance_offer(model: Model, message: Mapping[str, Any], now: float) -> Model:
    amount = _chips(message["amount"], None)
    if amount is None:
        raise TypeError("amount")
    return replace(
        model,
        insurance_offer=amount,
        insurance_until=now + _seconds(message["seconds"]),
        phase=PHASE_INSURANCE,
    )


def _on_insurance(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = _player_id(message["id"])
    seat = model.seats.get(player_id)
    if seat is None or seat.state == LEFT:
        return model
    taken = message.get("taken") is True
    seat = replace(
        seat,
        insurance=(_chips(message.get("amount"), 0) or 0) if taken else 0,
        balance=_chips(message.get("balance"), seat.balance),
    )
    if player_id == model.my_id:
        model = replace(
            model, awaiting=None, insurance_offer=None, insurance_until=None
        )
    if model.phase == PHASE_PLAYING:
        model = replace(model, phase=PHASE_INSURANCE)
    return _with_seat(model, seat)


def _on_peek(model: Model, message: Mapping[str, Any], now: float) -> Model:
    blackjack = message.get("blackjack") is True
    note = "The dealer has blackjack" if blackjack else "No dealer blackjack"
    return replace(
        model,
        phase=PHASE_PLAYING if model.phase == PHASE_INSURANCE else model.phase,
        insurance_offer=None,
        insurance_until=None,
        dealer_blackjack=blackjack,
        awaiting=None if model.awaiting == "insurance" else model.awaiting,
        notice=note,
    )


def _on_insurance_result(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = _player_id(message["id"])
    seat = model.seats.get(player_id)
    if seat is None or seat.state == LEFT:
        return model
    seat = replace(seat, balance=_chips(message.get("balance"), seat.balance))
    if player_id == model.my_id:
        payout = _chips(message.get("payout"), 0) or 0
        amount = _chips(message.get("amount"), 0) or 0
        note = f"Insurance pays {payout}" if payout else f"Insurance lost: -{amount}"
        model = replace(model, notice=note)
    return _with_seat(model, seat)


def _on_double(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = _player_id(message["id"])
    seat = model.seats.get(player_id)
    if seat is None or seat.state == LEFT:
        return model
    stake = _chips(message.get("bet"), None)
    seat = replace(seat, balance=_chips(message.get("balance"), seat.balance))
    return _change_hand(
        _mine(model, player_id),
        seat,
        message.get("hand"),
        lambda hand: replace(
            hand, bet=hand.bet * 2 if stake is None else stake, doubled=True
        ),
    )


def _on_split(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = _player_id(message["id"])
    seat = model.seats.get(player_id)
    if seat is None or seat.state == LEFT:
        return model
    hands = list(seat.hands)
    for entry in message["hands"]:
        index = _hand_index(entry["hand"])
        while len(hands) <= index:
            hands.append(Hand())
        status = entry.get("status")
        hands[index] = replace(
            hands[index],
            cards=_cards(entry["cards"]),
            points=_points(entry["points"]),
            bet=_chips(entry.get("bet"), hands[index].bet) or 0,
            status=status if status in HAND_STATUSES else PLAYING,
            from_split=True,
            deadline=None,
        )
    seat = replace(seat, balance=_chips(message.get("balance"), seat.balance))
    return _with_seat(_mine(model, player_id), _with_hands(seat, hands))


def _on_surrender(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = _player_id(message["id"])
    seat = model.seats.get(player_id)
    if seat is None or seat.state == LEFT:
        return model
    refund = _chips(message.get("refund"), None)
    seat = replace(seat, balance=_chips(message.get("balance"), seat.balance))
    return _change_hand(
        _mine(model, player_id),
        seat,
        message.get("hand"),
        lambda hand: replace(
            hand,
            status=SURRENDERED,
            payout=hand.bet // 2 if refund is None else refund,
            deadline=None,
        ),
    )


def _on_balance(model: Model, message: Mapping[str, Any], now: float) -> Model:
    balance = _chips(message["balance"], None)
    if balance is None:
        raise TypeError("balance")
    me = model.me
    if me is None:
        return model
    net = _chips(message.get("net"), model.net)
    return _with_seat(replace(model, net=net), replace(me, balance=balance))


_CASINO_HANDLERS: dict[str, Callable[[Model, Mapping[str, Any], float], Model]] = {
    "betting": _on_betting,
    "bet": _on_bet,
    "sit_out": _on_sit_out,
    "hole_card": _on_hole_card,
    "insurance_offer": _on_insurance_offer,
    "insurance": _on_insurance,
    "peek": _on_peek,
    "insurance_result": _on_insurance_result,
    "double": _on_double,
    "split": _on_split,
    "surrender": _on_surrender,
    "balance": _on_balance,
}


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

#: The classic protocol's message types (docs/protocol.rst), all understood.
KNOWN_TYPES = frozenset(_HANDLERS)

#: The message types only casino tables send, understood as well.
CASINO_TYPES = frozenset(_CASINO_HANDLERS)

_HANDLERS.update(_CASINO_HANDLERS)
