"""A casino round's phases: bets, the hole card, insurance and the peek,
the next deal, and the chips they move."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from blackjack_client.model import read
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


def on_restart(model: Model, message: Mapping[str, Any], now: float) -> Model:
    return new_round(
        model,
        lambda seat: PLAYING if seat.bet is not None else WAITING,
        phase=PHASE_PLAYING,
        betting_until=None,
        awaiting=None,
        error=None,
    )


def on_betting(model: Model, message: Mapping[str, Any], now: float) -> Model:
    seconds = read.seconds(message["seconds"])
    rules = model.rules
    low = read.chips(message.get("min_bet"), rules.min_bet) or rules.min_bet
    high = read.chips(message.get("max_bet"), rules.max_bet) or rules.max_bet
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
        rules=replace(rules, min_bet=low, max_bet=max(low, high)),
        phase=PHASE_BETTING,
        betting_until=now + seconds,
        insurance_offer=None,
        insurance_until=None,
    )


def on_bet(model: Model, message: Mapping[str, Any], now: float) -> Model:
    player_id = read.player_id(message["id"])
    amount = read.chips(message["amount"], None)
    if amount is None:
        raise TypeError("amount")
    seat = seat_or_new(model, player_id)
    if seat.state == LEFT:
        return model
    seat = replace(
        seat,
        bet=amount,
        balance=read.chips(message.get("balance"), seat.balance),
        sitting_out=False,
    )
    if player_id == model.my_id:
        model = replace(model, awaiting=None, last_bet=amount)
    return with_seat(model, seat)


def on_sit_out(model: Model, message: Mapping[str, Any], now: float) -> Model:
    seat = model.seats.get(read.player_id(message["id"]))
    if seat is None or seat.state == LEFT:
        return model
    return with_seat(
        model,
        replace(seat, sitting_out=True, state=WAITING, bet=None, hands=(), hand=Hand()),
    )


def on_hole_card(model: Model, message: Mapping[str, Any], now: float) -> Model:
    if settled(model):
        return model
    return replace(model, dealer_hole=True)


def on_insurance_offer(model: Model, message: Mapping[str, Any], now: float) -> Model:
    amount = read.chips(message["amount"], None)
    if amount is None:
        raise TypeError("amount")
    return replace(
        model,
        insurance_offer=amount,
        insurance_until=now + read.seconds(message["seconds"]),
        phase=PHASE_INSURANCE,
    )


def on_insurance(model: Model, message: Mapping[str, Any], now: float) -> Model:
    told = chips_told(model, message)
    if told is None:
        return model
    player_id, seat = told
    taken = message.get("taken") is True
    seat = replace(
        seat, insurance=(read.chips(message.get("amount"), 0) or 0) if taken else 0
    )
    if player_id == model.my_id:
        model = replace(
            model, awaiting=None, insurance_offer=None, insurance_until=None
        )
    if model.phase == PHASE_PLAYING:
        model = replace(model, phase=PHASE_INSURANCE)
    return with_seat(model, seat)


def on_peek(model: Model, message: Mapping[str, Any], now: float) -> Model:
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


def on_insurance_result(model: Model, message: Mapping[str, Any], now: float) -> Model:
    told = chips_told(model, message)
    if told is None:
        return model
    player_id, seat = told
    if player_id == model.my_id:
        payout = read.chips(message.get("payout"), 0) or 0
        amount = read.chips(message.get("amount"), 0) or 0
        note = f"Insurance pays {payout}" if payout else f"Insurance lost: -{amount}"
        model = replace(model, notice=note)
    return with_seat(model, seat)


def on_balance(model: Model, message: Mapping[str, Any], now: float) -> Model:
    balance = read.chips(message["balance"], None)
    if balance is None:
        raise TypeError("balance")
    me = model.me
    if me is None:
        return model
    net = read.chips(message.get("net"), model.net)
    return with_seat(replace(model, net=net), replace(me, balance=balance))


#: The messages of a casino round's phases, by type.
PHASE_HANDLERS: dict[str, Handler] = {
    "restart": on_restart,
    "betting": on_betting,
    "bet": on_bet,
    "sit_out": on_sit_out,
    "hole_card": on_hole_card,
    "insurance_offer": on_insurance_offer,
    "insurance": on_insurance,
    "peek": on_peek,
    "insurance_result": on_insurance_result,
    "balance": on_balance,
}
