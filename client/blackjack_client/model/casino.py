"""A casino table's hands: several a seat, each with its stake, status,
turn and result. A message naming a hand by index changes that hand only;
``hand`` on a seat mirrors its first.

The round's phases (bets, insurance, the peek) are ``casino_phases``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

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
from blackjackd.cards import is_card
from blackjackd.cards import points as hand_points
from blackjackd.casino import surrender_refund


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


def _player_card(
    model: Model, seat: Seat, card: str, points: int, message: Mapping[str, Any]
) -> Model:
    index = read.hand_index(message.get("hand"))
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


def on_deadline(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = read.player_id(message["id"])
    deadline = now + read.seconds(message["seconds"])
    seat = seat_at_table(model, player_id)
    if seat is None:
        return model
    number = read.hand_index(message.get("hand"))
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


def on_other_players(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = read.player_id(message["id"])
    state = message.get("state")
    seat = replace(
        seat_or_new(model, player_id),
        username=read.text(message.get("username")),
        seat=read.seat_number(message.get("seat")),
        balance=read.chips(message.get("balance"), None),
        state=_OTHER_STATES.get(state, WAITING) if isinstance(state, str) else WAITING,
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
                        read.cards(entry["cards"]),
                        read.points(entry["points"]),
                        bet=read.chips(entry.get("bet"), 0) or 0,
                        status=status if status in HAND_STATUSES else PLAYING,
                    )
                )
        if hands:
            seat = replace(seat, bet=hands[0].bet)
    return with_seat(model, with_hands(seat, hands))


def on_round_over(model: Model, message: Mapping[str, Any], now: float) -> Model:
    dealer = message["dealer"]
    dealer_hand = Hand(read.cards(dealer["hand"]), read.points(dealer["points"]))
    by_player: dict[int, list[Mapping[str, Any]]] = {}
    for entry in message["results"]:
        if not isinstance(entry, Mapping):
            continue
        try:
            by_player.setdefault(read.player_id(entry["id"]), []).append(entry)
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
        seat = seat_or_new(model, player_id)
        hands = list(seat.hands)
        balance = seat.balance
        for entry in entries:
            try:
                index = read.hand_index(entry.get("index"))
                cards = read.cards(entry["hand"])
                points = read.points(entry["points"])
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
                bet=read.chips(entry.get("bet"), old.bet) or 0,
                status=status,
                result=result if result in RESULTS else old.result,
                payout=read.chips(entry.get("payout"), old.payout),
                doubled=entry.get("doubled") is True or old.doubled,
                deadline=None,
            )
            balance = read.chips(entry.get("balance"), balance)
        seat = with_hands(
            replace(
                seat,
                username=seat.username or read.text(entry.get("username")),
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


def _answered(model: Model, message: Mapping[str, Any]) -> tuple[Model, Seat] | None:
    """A double, split or surrender of a player at the table: the model with
    their answer come, and their seat with the balance it tells."""
    told = chips_told(model, message)
    if told is None:
        return None
    player_id, seat = told
    return mine(model, player_id), seat


def on_split(model: Model, message: Mapping[str, Any], now: float) -> Model:
    answered = _answered(model, message)
    if answered is None:
        return model
    model, seat = answered
    hands = list(seat.hands)
    for entry in message["hands"]:
        index = read.hand_index(entry["hand"])
        while len(hands) <= index:
            hands.append(Hand())
        status = entry.get("status")
        hands[index] = replace(
            hands[index],
            cards=read.cards(entry["cards"]),
            points=read.points(entry["points"]),
            bet=read.chips(entry.get("bet"), hands[index].bet) or 0,
            status=status if status in HAND_STATUSES else PLAYING,
            from_split=True,
            deadline=None,
        )
    return with_seat(model, with_hands(seat, hands))


def _hand_answer(change: Callable[[Hand, Mapping[str, Any]], Hand]) -> Handler:
    """A double or surrender: ``change`` makes the hand what it says."""

    def apply(model: Model, message: Mapping[str, Any], now: float) -> Model:
        answered = _answered(model, message)
        if answered is None:
            return model
        hand = message.get("hand")
        return change_hand(*answered, hand, lambda played: change(played, message))

    return apply


def _doubled(hand: Hand, message: Mapping[str, Any]) -> Hand:
    stake = read.chips(message.get("bet"), None)
    return replace(hand, bet=hand.bet * 2 if stake is None else stake, doubled=True)


def _surrendered(hand: Hand, message: Mapping[str, Any]) -> Hand:
    refund = read.chips(message.get("refund"), None)
    return replace(
        hand,
        status=SURRENDERED,
        payout=surrender_refund(hand.bet) if refund is None else refund,
        deadline=None,
    )


def _bust(model: Model, seat: Seat, message: Mapping[str, Any]) -> Model:
    return change_hand(
        model,
        seat,
        message.get("hand"),
        lambda hand: replace(hand, status=BUST, deadline=None),
    )


def _stood(model: Model, seat: Seat, message: Mapping[str, Any]) -> Model:
    reason = message.get("reason")
    return change_hand(
        model, seat, message.get("hand"), lambda hand: stood(hand, reason)
    )


def _settle(model: Model, seat: Seat, message: Mapping[str, Any], result: str) -> Model:
    payout = read.chips(message.get("payout"), None)
    return change_hand(
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


def on_wait(model: Model, message: Mapping[str, Any], now: float) -> Model:
    """``wait`` at a casino table shows the dealer's cards of the round on."""
    model = wait_at_any_table(model, message, now)
    if isinstance(message.get("dealer"), (list, tuple)):
        cards = read.cards(message["dealer"])
        model = replace(
            model,
            dealer=Hand(cards, hand_points(card for card in cards if is_card(card))),
            # One card shown in a round: the other is the hole card.
            dealer_hole=len(cards) == 1,
        )
    return model


#: Every message a casino table sends, by type.
CASINO_HANDLERS: dict[str, Handler] = {
    **COMMON_HANDLERS,
    **PHASE_HANDLERS,
    "wait": on_wait,
    "hit": hit_handler(_dealer_card, _player_card),
    "other_players": on_other_players,
    "deadline": on_deadline,
    "bust": bust_handler(_bust),
    "stand": stand_handler(_stood),
    **result_handlers(_settle),
    "round_over": on_round_over,
    "double": _hand_answer(_doubled),
    "split": on_split,
    "surrender": _hand_answer(_surrendered),
}
