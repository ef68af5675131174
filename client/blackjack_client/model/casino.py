"""A casino table's hands: several a seat, each with its stake, status,
turn and result. A message naming a hand by index changes that hand only;
``hand`` on a seat mirrors its first.

The round's phases (bets, insurance, the peek) are ``casino_phases``.
"""

from __future__ import annotations

from dataclasses import replace

from blackjack_client.model import read
from blackjack_client.model.casino_phases import PHASE_HANDLERS
from blackjack_client.model.common import (
    COMMON_HANDLERS,
    Handler,
    bust_handler,
    hit_handler,
    next_round_at,
    result_handlers,
    stand_handler,
)
from blackjack_client.model.common import (
    on_wait as wait_at_any_table,
)
from blackjack_client.model.seats import (
    change_hand,
    chips_told,
    mine,
    seat_at_table,
    seat_or_new,
    stood,
    with_hands,
    with_seat,
    without_deadlines,
)
from blackjack_client.model.state import (
    BLACKJACK,
    BLACKJACK_STATUS,
    BUST,
    HAND_STATUSES,
    PHASE_BETTING,
    PHASE_DEALER,
    PHASE_INSURANCE,
    PHASE_NONE,
    PHASE_OVER,
    PHASE_PLAYING,
    PLAYING,
    RESULTS,
    STOOD,
    SURRENDERED,
    WAITING,
    Hand,
    Model,
    Seat,
)
from blackjackd import wire
from blackjackd.cards import points as hand_points


def _dealer_card(model: Model, card: str, points: int) -> Model:
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


def _player_card(model: Model, seat: Seat, message: wire.Hit) -> Model:
    card, points = message.card, message.points
    index = read.hand_index(message.hand)
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
    seat = replace(with_hands(seat, hands), sitting_out=False)
    phase = model.phase
    if phase in (PHASE_NONE, PHASE_BETTING, PHASE_OVER):
        phase = PHASE_PLAYING
    return with_seat(replace(model, phase=phase), seat)


def on_deadline(model: Model, message: wire.Deadline, now: float) -> Model:
    deadline = now + message.seconds
    seat = seat_at_table(model, message.id)
    if seat is None:
        return model
    number = read.hand_index(message.hand)
    if number >= len(seat.hands) or seat.hands[number].status != PLAYING:
        return model
    phase = model.phase
    if phase in (PHASE_NONE, PHASE_INSURANCE):
        phase = PHASE_PLAYING  # a turn begins: the peek is over
    return change_hand(
        replace(model, phase=phase),
        seat,
        number,
        lambda hand: replace(hand, deadline=deadline),
    )


#: Others' states as ``other_players`` tells them, in the client's words.
_OTHER_STATES = {"playing": PLAYING, "done": STOOD, "waiting": WAITING}


def on_other_players(model: Model, message: wire.OtherPlayers, now: float) -> Model:
    state = message.state
    seat = replace(
        seat_or_new(model, message.id),
        username=read.text(message.username),
        seat=read.seat_number(message.seat),
        balance=message.balance,
        state=WAITING if state is None else _OTHER_STATES.get(state, WAITING),
        # During betting their cards are the last round's: not shown.
        bet=0 if state == "bet" else None,
    )
    hands: list[Hand] = []
    if state in ("playing", "done"):
        for entry in message.hands or ():
            status = entry.status
            hands.append(
                Hand(
                    entry.cards,
                    entry.points,
                    bet=entry.bet,
                    status=status if status in HAND_STATUSES else PLAYING,
                )
            )
        if hands:
            seat = replace(seat, bet=hands[0].bet)
    return with_seat(model, with_hands(seat, hands))


def on_round_over(model: Model, message: wire.RoundOver, now: float) -> Model:
    dealer = message.dealer
    by_player: dict[int, list[wire.HandResult]] = {}
    for entry in message.results:
        by_player.setdefault(entry.id, []).append(entry)
    model = replace(
        model,
        dealer=Hand(dealer.hand, dealer.points),
        dealer_hole=False,
        dealer_blackjack=dealer.blackjack is True,
        phase=PHASE_OVER,
        rounds=model.rounds + 1,
        awaiting=None,
        insurance_offer=None,
        insurance_until=None,
    )
    for player_id, entries in by_player.items():
        seat = seat_or_new(model, player_id)
        hands = list(seat.hands)
        balance = seat.balance
        for entry in entries:
            try:
                index = read.hand_index(entry.index)
            except ValueError:
                continue
            cards, points = entry.hand, entry.points
            while len(hands) <= index:
                hands.append(Hand())
            old = hands[index]
            result = entry.result
            if entry.surrendered is True:
                status = SURRENDERED
            elif entry.blackjack is True:
                status = BLACKJACK_STATUS
            elif points > BLACKJACK:
                status = BUST
            else:
                status = STOOD
            hands[index] = replace(
                old,
                cards=cards,
                points=points,
                bet=old.bet if entry.bet is None else entry.bet,
                status=status,
                result=result if result in RESULTS else old.result,
                payout=old.payout if entry.payout is None else entry.payout,
                doubled=entry.doubled is True or old.doubled,
                deadline=None,
            )
            if entry.balance is not None:
                balance = entry.balance
        seat = with_hands(
            replace(
                seat,
                username=seat.username or read.text(entries[0].username),
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
        model = with_seat(model, seat)
    seats = {pid: without_deadlines(s) for pid, s in model.seats.items()}
    return replace(model, seats=seats, next_round_at=next_round_at(message, now))


#: The answers to a player's action on one hand.
Answer = wire.Double | wire.Split | wire.Surrender


def _answered(model: Model, message: Answer) -> tuple[Model, Seat] | None:
    """A double, split or surrender of a player at the table: the model with
    their answer come, and their seat with the balance it tells."""
    seat = chips_told(model, message.id, message.balance)
    if seat is None:
        return None
    return mine(model, message.id), seat


def on_split(model: Model, message: wire.Split, now: float) -> Model:
    answered = _answered(model, message)
    if answered is None:
        return model
    model, seat = answered
    hands = list(seat.hands)
    for entry in message.hands:
        index = read.hand_index(entry.hand)
        while len(hands) <= index:
            hands.append(Hand())
        status = entry.status
        hands[index] = replace(
            hands[index],
            cards=entry.cards,
            points=entry.points,
            bet=entry.bet,
            status=status if status in HAND_STATUSES else PLAYING,
            from_split=True,
            deadline=None,
        )
    return with_seat(model, with_hands(seat, hands))


def on_double(model: Model, message: wire.Double, now: float) -> Model:
    answered = _answered(model, message)
    if answered is None:
        return model
    return change_hand(
        *answered,
        message.hand,
        lambda hand: replace(hand, bet=message.bet, doubled=True),
    )


def on_surrender(model: Model, message: wire.Surrender, now: float) -> Model:
    answered = _answered(model, message)
    if answered is None:
        return model
    return change_hand(
        *answered,
        message.hand,
        lambda hand: replace(
            hand, status=SURRENDERED, payout=message.refund, deadline=None
        ),
    )


def _bust(model: Model, seat: Seat, message: wire.Bust) -> Model:
    return change_hand(
        model,
        seat,
        message.hand,
        lambda hand: replace(hand, status=BUST, deadline=None),
    )


def _stood(model: Model, seat: Seat, message: wire.Stand) -> Model:
    return change_hand(
        model, seat, message.hand, lambda hand: stood(hand, message.reason)
    )


def _settle(
    model: Model, seat: Seat, message: wire.Winner | wire.Lose | wire.Push, result: str
) -> Model:
    payout = message.payout
    return change_hand(
        model,
        seat,
        message.hand,
        lambda hand: replace(
            hand,
            result=result,
            payout=hand.payout if payout is None else payout,
            deadline=None,
        ),
    )


def on_wait(model: Model, message: wire.Wait, now: float) -> Model:
    """``wait`` at a casino table shows the dealer's cards of the round on."""
    model = wait_at_any_table(model, message, now)
    if message.dealer is not None:
        cards = message.dealer
        model = replace(
            model,
            dealer=Hand(cards, hand_points(cards)),
            # One card shown in a round: the other is the hole card.
            dealer_hole=len(cards) == 1,
        )
    return model


#: Every message a casino table sends, by class.
CASINO_HANDLERS: dict[type[wire.ServerMessage], Handler] = {
    **COMMON_HANDLERS,
    **PHASE_HANDLERS,
    wire.Wait: on_wait,
    wire.Hit: hit_handler(_dealer_card, _player_card),
    wire.OtherPlayers: on_other_players,
    wire.Deadline: on_deadline,
    wire.Bust: bust_handler(_bust),
    wire.Stand: stand_handler(_stood),
    **result_handlers(_settle),
    wire.RoundOver: on_round_over,
    wire.Double: on_double,
    wire.Split: on_split,
    wire.Surrender: on_surrender,
}
