"""A casino round's phases: bets, the hole card, insurance and the peek,
the next deal, and the chips they move."""

from __future__ import annotations

from dataclasses import replace

from blackjack_client.model.common import Handler
from blackjack_client.model.seats import (
    chips_told,
    new_round,
    seat_or_new,
    settled,
    with_seat,
)
from blackjack_client.model.state import (
    LEFT,
    PHASE_BETTING,
    PHASE_INSURANCE,
    PHASE_PLAYING,
    PLAYING,
    WAITING,
    Hand,
    Model,
)
from blackjackd import wire


def on_restart(model: Model, message: wire.Restart, now: float) -> Model:
    return new_round(
        model,
        lambda seat: PLAYING if seat.bet is not None else WAITING,
        phase=PHASE_PLAYING,
        betting_until=None,
        awaiting=None,
        error=None,
    )


def on_betting(model: Model, message: wire.Betting, now: float) -> Model:
    rules = model.rules
    low = message.min_bet if message.min_bet >= 1 else rules.min_bet
    high = max(low, message.max_bet)
    model = replace(
        model,
        seats={
            pid: replace(seat, bet=None, sitting_out=False)
            for pid, seat in model.seats.items()
        },
    )
    return new_round(
        model,
        lambda seat: WAITING,
        rules=replace(rules, min_bet=low, max_bet=high),
        phase=PHASE_BETTING,
        betting_until=now + message.seconds,
        insurance_offer=None,
        insurance_until=None,
    )


def on_bet(model: Model, message: wire.Bet, now: float) -> Model:
    player_id, amount = message.id, message.amount
    seat = seat_or_new(model, player_id)
    if seat.state == LEFT:
        return model
    seat = replace(seat, bet=amount, balance=message.balance, sitting_out=False)
    if player_id == model.my_id:
        model = replace(model, awaiting=None, last_bet=amount)
    return with_seat(model, seat)


def on_sit_out(model: Model, message: wire.SitOut, now: float) -> Model:
    seat = model.seats.get(message.id)
    if seat is None or seat.state == LEFT:
        return model
    return with_seat(
        model,
        replace(seat, sitting_out=True, state=WAITING, bet=None, hands=(), hand=Hand()),
    )


def on_hole_card(model: Model, message: wire.HoleCard, now: float) -> Model:
    if settled(model):
        return model
    return replace(model, dealer_hole=True)


def on_insurance_offer(model: Model, message: wire.InsuranceOffer, now: float) -> Model:
    return replace(
        model,
        insurance_offer=message.amount,
        insurance_until=now + message.seconds,
        phase=PHASE_INSURANCE,
    )


def on_insurance(model: Model, message: wire.Insurance, now: float) -> Model:
    player_id = message.id
    seat = chips_told(model, player_id, message.balance)
    if seat is None:
        return model
    seat = replace(seat, insurance=message.amount if message.taken else 0)
    if player_id == model.my_id:
        model = replace(
            model, awaiting=None, insurance_offer=None, insurance_until=None
        )
    if model.phase == PHASE_PLAYING:
        model = replace(model, phase=PHASE_INSURANCE)
    return with_seat(model, seat)


def on_peek(model: Model, message: wire.Peek, now: float) -> Model:
    blackjack = message.blackjack
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


def on_insurance_result(
    model: Model, message: wire.InsuranceResult, now: float
) -> Model:
    seat = chips_told(model, message.id, message.balance)
    if seat is None:
        return model
    if message.id == model.my_id:
        payout, amount = message.payout, message.amount
        note = f"Insurance pays {payout}" if payout else f"Insurance lost: -{amount}"
        model = replace(model, notice=note)
    return with_seat(model, seat)


def on_balance(model: Model, message: wire.Balance, now: float) -> Model:
    me = model.me
    if me is None:
        return model
    return with_seat(
        replace(model, net=message.net), replace(me, balance=message.balance)
    )


#: The messages of a casino round's phases, by class.
PHASE_HANDLERS: dict[type[wire.ServerMessage], Handler] = {
    wire.Restart: on_restart,
    wire.Betting: on_betting,
    wire.Bet: on_bet,
    wire.SitOut: on_sit_out,
    wire.HoleCard: on_hole_card,
    wire.InsuranceOffer: on_insurance_offer,
    wire.Insurance: on_insurance,
    wire.Peek: on_peek,
    wire.InsuranceResult: on_insurance_result,
    wire.Balance: on_balance,
}
