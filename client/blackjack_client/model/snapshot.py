"""The table drawn afresh from a ``snapshot``: what a client coming back to
its seat knows of it, with nothing kept from before the connection dropped.

``from_snapshot`` is pure: the model ``id`` left (who this player is, the
kind of table and its rules) and the snapshot in, the whole table out.
"""

from __future__ import annotations

from dataclasses import replace

from blackjack_client.model import read
from blackjack_client.model.seats import with_hands
from blackjack_client.model.state import (
    HAND_STATUSES,
    LEFT,
    PHASE_BETTING,
    PHASE_DEALER,
    PHASE_INSURANCE,
    PHASE_OVER,
    PHASE_PLAYING,
    PLAYING,
    SEAT_STATES,
    STOOD,
    WAITING,
    Hand,
    Model,
    Seat,
)
from blackjackd import wire
from blackjackd.cards import points as hand_points

#: The snapshot's phases in the model's words. A classic table "waiting"
#: has played its hands out: the round is over until ``restart``.
PHASES = {
    "playing": PHASE_PLAYING,
    "waiting": PHASE_OVER,
    "betting": PHASE_BETTING,
    "insurance": PHASE_INSURANCE,
    "between_rounds": PHASE_OVER,
}

#: A casino seat's state as ``other_players`` and ``snapshot`` tell it.
CASINO_STATES = {"playing": PLAYING, "done": STOOD}

BACK_NOTICE = "Back at your seat"

#: A turn timer: the player and the hand (0 at classic tables).
TurnKey = tuple[int, int]


def from_snapshot(model: Model, message: wire.Snapshot, now: float) -> Model:
    """The model after ``snapshot`` at ``now``: every seat, hand, bet and
    balance, the dealer's cards (the hole card face down), the turn timers,
    the table's timer and the insurance offered, as the server has them."""
    phase = PHASES.get(message.phase, PHASE_PLAYING)
    dealer = Hand(message.dealer, hand_points(message.dealer))
    if phase == PHASE_PLAYING and (
        len(dealer.cards) >= 2 and not message.hole_card
        if model.casino
        else bool(dealer.cards)
    ):
        # Every hand is done and the dealer draws.
        phase = PHASE_DEALER
    timers: dict[TurnKey, float] = {}
    for turn in message.turns:
        try:
            timers[turn.id, read.hand_index(turn.hand)] = now + turn.seconds
        except ValueError:
            continue
    seats: dict[int, Seat] = {}
    for view in message.seats:
        if model.casino:
            seat = _casino_seat(view, phase, timers)
        else:
            seat = _classic_seat(view, timers)
        if view.id == model.my_id and message.balance is not None:
            seat = replace(seat, balance=message.balance)
        seats[view.id] = seat
    timer = None if message.seconds is None else now + message.seconds
    me = seats.get(model.my_id) if model.my_id is not None else None
    offered = message.insurance_offer
    return replace(
        model,
        table=message.table,
        seats=seats,
        dealer=dealer,
        dealer_hole=message.hole_card,
        dealer_blackjack=False,
        phase=phase,
        awaiting=None,
        error=None,
        notice=BACK_NOTICE if model.watching is None else model.notice,
        resuming=False,
        retry_at=None,
        net=None,
        betting_until=timer if phase == PHASE_BETTING else None,
        insurance_offer=offered,
        insurance_until=timer if offered is not None else None,
        next_round_at=timer if phase == PHASE_OVER else None,
        last_bet=me.bet if me is not None and me.bet else model.last_bet,
    )


def _classic_seat(view: wire.SeatView, timers: dict[TurnKey, float]) -> Seat:
    state = view.state if view.state in SEAT_STATES and view.state != LEFT else PLAYING
    return Seat(
        player_id=view.id,
        username=read.text(view.username),
        seat=read.seat_number(view.seat),
        hand=Hand(view.hand, view.points),
        state=state,
        deadline=timers.get((view.id, 0)) if state == PLAYING else None,
        away=not view.connected,
    )


def _casino_seat(view: wire.SeatView, phase: str, timers: dict[TurnKey, float]) -> Seat:
    bet = view.bet
    if bet is None and view.state == "bet":
        bet = 0  # a bet whose amount wasn't told
    seat = Seat(
        player_id=view.id,
        username=read.text(view.username),
        seat=read.seat_number(view.seat),
        state=CASINO_STATES.get(view.state, WAITING),
        balance=view.balance,
        bet=bet,
        insurance=view.insurance,
        away=not view.connected,
    )
    hands: list[Hand] = []
    # While bets are open the cards on the table are the last round's.
    views = () if phase == PHASE_BETTING else view.hands or ()
    split = len(views) > 1
    for entry in views:
        try:
            index = read.hand_index(entry.hand)
        except ValueError:
            continue
        while len(hands) <= index:
            hands.append(Hand())
        status = entry.status if entry.status in HAND_STATUSES else PLAYING
        hands[index] = Hand(
            entry.cards,
            entry.points,
            bet=entry.bet,
            status=status,
            deadline=timers.get((view.id, index)) if status == PLAYING else None,
            from_split=split,
            # More than the round's bet on one hand: it was doubled.
            doubled=view.bet is not None and entry.bet > view.bet,
        )
    return with_hands(seat, hands)
