"""The casino table's state machine: its states, and what each input does in
each of them. ``blackjackd.casino_table`` holds the table these transitions
work on, and builds its machine with ``machine_factory``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from automat import TypeMachineBuilder

from blackjackd.casino_round import CasinoRound
from blackjackd.casino_table import (
    _MOVES,
    Bets,
    CasinoInputs,
    CasinoTable,
    _not_now,
)
from blackjackd.errors import ActionRejected
from blackjackd.seating import Seat
from blackjackd.wire import BetRequest, HandRequest, InsuranceRequest, Request, Wait

_builder = TypeMachineBuilder(CasinoInputs, CasinoTable)
idle = _builder.state("idle")
# Entering betting opens it (the bet timer, the ``betting`` message).
betting = _builder.state("betting", lambda machine, table: table._open_betting())
insurance = _builder.state("insurance", lambda machine, table, round: round)
playing = _builder.state("playing", lambda machine, table, round: round)
between_rounds = _builder.state("between_rounds", lambda machine, table, round: round)
Machine = CasinoInputs


# -- sitting down and leaving ---------------------------------------------------


@idle.upon(CasinoInputs.sit).loop()
def _first_seat(machine: Machine, table: CasinoTable, seat: Seat) -> None:
    table._take_seat(seat, None)
    machine.open_betting()


@betting.upon(CasinoInputs.sit).loop()
def _sit_while_betting(
    machine: Machine, table: CasinoTable, bets: Bets, seat: Seat
) -> None:
    table._take_seat(seat, bets)
    seat.send(table._betting(bets))


@insurance.upon(CasinoInputs.sit).loop()
@playing.upon(CasinoInputs.sit).loop()
@between_rounds.upon(CasinoInputs.sit).loop()
def _sit_and_wait(
    machine: Machine, table: CasinoTable, round: CasinoRound, seat: Seat
) -> None:
    table._take_seat(seat, round)
    seat.send(
        Wait(
            message="you can bet at the next betting phase",
            dealer=tuple(round.dealer_visible),
        )
    )


@betting.upon(CasinoInputs.leave).loop()
def _leave_betting(
    machine: Machine, table: CasinoTable, bets: Bets, seat: Seat
) -> None:
    # Cards aren't out yet: the bet goes back.
    amount = bets.amounts.pop(seat.player_id, 0)
    if amount:
        table.ledger.pay(seat.player_id, amount, "refund", bets.round_id)
    table._unseat(seat)
    if not table._seating:
        machine.emptied()
    elif len(bets.amounts) == len(table._seating):
        machine.bets_closed()


def _leave_round(table: CasinoTable, round: CasinoRound, seat: Seat) -> None:
    """Free a player's seat mid-round; their hands stand and are settled
    with the round's (when the last player leaves too: the round plays out
    and settles, then the table empties)."""
    round.abandon(seat.player_id)
    table._unseat(seat)


@insurance.upon(CasinoInputs.leave).loop()
def _leave_insurance(
    machine: Machine, table: CasinoTable, round: CasinoRound, seat: Seat
) -> None:
    _leave_round(table, round, seat)
    if not round.insurance_pending:
        machine.insurance_closed()


@playing.upon(CasinoInputs.leave).loop()
def _leave_playing(
    machine: Machine, table: CasinoTable, round: CasinoRound, seat: Seat
) -> None:
    _leave_round(table, round, seat)
    table._settle_if_done(round)


@between_rounds.upon(CasinoInputs.leave).loop()
def _leave_between_rounds(
    machine: Machine, table: CasinoTable, round: CasinoRound, seat: Seat
) -> None:
    table._unseat(seat)
    if not table._seating:
        machine.emptied()


@betting.upon(CasinoInputs.emptied).to(idle)
@between_rounds.upon(CasinoInputs.emptied).to(idle)
def _forget_round(machine: Machine, table: CasinoTable, phase_data: object) -> None:
    table._seating.close()
    table._void_next_round()


# -- betting ----------------------------------------------------------------------


@idle.upon(CasinoInputs.open_betting).to(betting)
@between_rounds.upon(CasinoInputs.next_round, nodata=True).to(betting)
def _open_betting(machine: Machine, table: CasinoTable) -> None:
    "Betting opened as the phase began."


@betting.upon(CasinoInputs.bet).loop()
def _bet(
    machine: Machine, table: CasinoTable, bets: Bets, seat: Seat, request: BetRequest
) -> None:
    table._bet(bets, seat, request.amount)


@betting.upon(CasinoInputs.bets_closed).loop()
def _deal(machine: Machine, table: CasinoTable, bets: Bets) -> None:
    table._close_betting(bets)


# -- insurance and play -------------------------------------------------------------


@betting.upon(CasinoInputs.offer_insurance, nodata=True).to(insurance)
def _time_insurance(machine: Machine, table: CasinoTable, round: CasinoRound) -> None:
    table._seating.schedule(table.config.turn_timeout, machine.insurance_closed)


@insurance.upon(CasinoInputs.insurance).loop()
def _insure(
    machine: Machine,
    table: CasinoTable,
    round: CasinoRound,
    seat: Seat,
    request: InsuranceRequest,
) -> None:
    round.insure(seat.player_id, request.take)
    if not round.insurance_pending:
        machine.insurance_closed()


@insurance.upon(CasinoInputs.insurance_closed).loop()
def _peek(machine: Machine, table: CasinoTable, round: CasinoRound) -> None:
    table._seating.cancel_scheduled()
    table._follow(round, round.close_insurance())


@betting.upon(CasinoInputs.play, nodata=True).to(playing)
@insurance.upon(CasinoInputs.play, nodata=True).to(playing)
def _play(machine: Machine, table: CasinoTable, round: CasinoRound) -> None:
    "The round has started its hands' turns; the table times them."


def _move(
    machine: Machine,
    table: CasinoTable,
    round: CasinoRound,
    seat: Seat,
    request: HandRequest,
) -> None:
    _MOVES[type(request)](round, seat.player_id, request.hand)
    table._settle_if_done(round)


# Not stacked as decorators: each registration narrows the type it returns.
playing.upon(CasinoInputs.hit).loop()(_move)
playing.upon(CasinoInputs.stand).loop()(_move)
playing.upon(CasinoInputs.double).loop()(_move)
playing.upon(CasinoInputs.split).loop()(_move)
playing.upon(CasinoInputs.surrender).loop()(_move)


@playing.upon(CasinoInputs.time_out).loop()
def _time_out(
    machine: Machine, table: CasinoTable, round: CasinoRound, player_id: int, hand: int
) -> None:
    round.time_out(player_id, hand)
    table._settle_if_done(round)


@betting.upon(CasinoInputs.settle, nodata=True).to(between_rounds)
@insurance.upon(CasinoInputs.settle, nodata=True).to(between_rounds)
@playing.upon(CasinoInputs.settle, nodata=True).to(between_rounds)
def _settle(machine: Machine, table: CasinoTable, round: CasinoRound) -> None:
    table._settle(round)


# -- refusals and inspection ----------------------------------------------------------


@idle.upon(CasinoInputs.refusal).loop()
def _refuse_idle(
    machine: Machine, table: CasinoTable, seat: Seat, request: Request
) -> ActionRejected:
    return _not_now(idle.name, request, in_round=False)


@betting.upon(CasinoInputs.refusal).loop()
def _refuse_betting(
    machine: Machine, table: CasinoTable, bets: Bets, seat: Seat, request: Request
) -> ActionRejected:
    return _not_now(betting.name, request, in_round=False)


idle.upon(CasinoInputs.inspect).loop().returns((idle.name, None))


@betting.upon(CasinoInputs.inspect).loop()
def _inspect_betting(
    machine: Machine, table: CasinoTable, bets: Bets
) -> tuple[str, Bets]:
    return betting.name, bets


class _Refusal(Protocol):
    def __call__(
        self,
        machine: Machine,
        table: CasinoTable,
        round: CasinoRound,
        /,
        seat: Seat,
        request: Request,
    ) -> ActionRejected: ...


def _refusal_in(phase: str) -> _Refusal:
    """The refusal input of a phase whose data is the round."""

    def refuse(
        machine: Machine,
        table: CasinoTable,
        round: CasinoRound,
        seat: Seat,
        request: Request,
    ) -> ActionRejected:
        return _not_now(phase, request, round.bettor(seat.player_id) is not None)

    return refuse


def _inspection_in(
    phase: str,
) -> Callable[[Machine, CasinoTable, CasinoRound], tuple[str, CasinoRound]]:
    """The inspect input of a phase whose data is the round."""

    def inspect(
        machine: Machine, table: CasinoTable, round: CasinoRound
    ) -> tuple[str, CasinoRound]:
        return phase, round

    return inspect


for _state in (insurance, playing, between_rounds):
    _state.upon(CasinoInputs.refusal).loop()(_refusal_in(_state.name))
    _state.upon(CasinoInputs.inspect).loop()(_inspection_in(_state.name))

machine_factory = _builder.build()
