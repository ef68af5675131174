"""The casino table: bets, timers and seats around a pure ``CasinoRound``.

The round (``blackjackd.casino_round``) deals, plays and settles; this table
owns what happens around it: seating, betting (bets are staked with the
``Ledger`` as they are placed), the bet, insurance and per-hand turn timers,
and each player's ``balance`` after a round. The round's messages come back
through ``_forward``, which starts a hand's turn timer on its ``deadline``
and stops it when the hand ends.

The table's phases are the states of an automat ``TypeMachineBuilder``
machine, some carrying their data: ``idle`` (nobody seated) →
``betting(Bets)`` (until every seated player has bet or the bet timer runs
out) → ``insurance(round)`` (only with an ace up) → ``playing(round)`` →
``between_rounds(round)`` (the settled round, for ``round_delay``) →
``betting``. Every player action is an input; one a phase doesn't take is
answered by the phase's ``refusal`` (409).

Chips: a guest's ledger account is opened with ``starting_chips`` when they
sit; a stored account's is loaded beforehand (``blackjackd.bank``). Either
leaves the ledger when the player does, or, if they leave mid-round, once
the round is settled: a player who leaves during betting gets their bet
back; one who leaves after the deal has their hands stood, and settled with
everyone's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from twisted.internet.interfaces import IReactorTime
from zope.interface import implementer

from blackjackd import rtp
from blackjackd.casino import CasinoConfig, bet_refusal, insurance_cost
from blackjackd.casino_round import CasinoRound, Stage, hand_view
from blackjackd.errors import ActionRejected
from blackjackd.interfaces import ITable, Send
from blackjackd.ledger import InsufficientChips, Ledger
from blackjackd.seating import Seat, SeatedTable, TableMachine
from blackjackd.shoe import Shoe
from blackjackd.wire import (
    Balance,
    Bet,
    BetRequest,
    Betting,
    Bust,
    Deadline,
    DoubleRequest,
    HandRequest,
    HitRequest,
    InsuranceRequest,
    OtherPlayers,
    Request,
    Rules,
    SeatView,
    ServerMessage,
    SitOut,
    Snapshot,
    SplitRequest,
    Stand,
    StandRequest,
    Surrender,
    SurrenderRequest,
)


@dataclass
class Bets:
    """Betting is open: what each player has bet, and when betting closes.
    The bets are staked in the round ``round_id`` (an opaque, unique name)."""

    closes_at: float
    round_id: str = ""
    amounts: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SettledRound:
    """A round the table has just settled, with what only the table knows
    of it: where it was played, and each bettor's seat."""

    table_id: int
    round_no: int
    #: How many times the table's shoe had been shuffled.
    shoe: int
    round: CasinoRound
    seats: dict[int, int]


class RoundLog(Protocol):
    """Where a casino table reports its rounds (storage listens here)."""

    def opened(self, round_id: str, table_id: int, round_no: int) -> None:
        "Betting opened for round ``round_id``; chips may move in it."

    def settled(self, settled: SettledRound) -> None:
        "A round was settled: every payout has been made."

    def voided(self, round_id: str) -> None:
        "Betting closed for good (the table emptied) before a deal."


class NoRoundLog:
    """A round log that keeps nothing (the simulator, tests, guests only)."""

    def opened(self, round_id: str, table_id: int, round_no: int) -> None:
        pass

    def settled(self, settled: SettledRound) -> None:
        pass

    def voided(self, round_id: str) -> None:
        pass


class CasinoInputs(TableMachine[Seat], Protocol):
    """What can happen at a casino table: the machine's inputs, besides
    those every table's machine takes."""

    def bet(self, seat: Seat, request: BetRequest) -> None:
        "A player bets on the coming round."

    def insurance(self, seat: Seat, request: InsuranceRequest) -> None:
        "A player takes or declines the insurance offered."

    def double(self, seat: Seat, request: DoubleRequest) -> None:
        "A player doubles a hand."

    def split(self, seat: Seat, request: SplitRequest) -> None:
        "A player splits a pair."

    def surrender(self, seat: Seat, request: SurrenderRequest) -> None:
        "A player gives a hand up."

    def time_out(self, player_id: int, hand: int) -> None:
        "A hand's turn timer ran out: the round stands it."

    def open_betting(self) -> None:
        "The first player sat down at an empty table."

    def bets_closed(self) -> None:
        "Everyone has bet, or the bet timer ran out."

    def offer_insurance(self, round: CasinoRound) -> None:
        "The round is dealt with an ace up: bettors may insure."

    def insurance_closed(self) -> None:
        "Every bettor answered, or the insurance timer ran out."

    def play(self, round: CasinoRound) -> None:
        "The dealer has no blackjack: players act on their hands."

    def settle(self, round: CasinoRound) -> None:
        "No hand is left to play: the dealer plays and hands are paid."

    def inspect(self) -> tuple[str, Bets | CasinoRound | None]:
        "The phase's name and its data."


#: The round's method that plays each move.
_MOVES: dict[type[HandRequest], Callable[[CasinoRound, int, int | None], None]] = {
    HitRequest: CasinoRound.hit,
    StandRequest: CasinoRound.stand,
    DoubleRequest: CasinoRound.double,
    SplitRequest: CasinoRound.split,
    SurrenderRequest: CasinoRound.surrender,
}


@implementer(ITable)
class CasinoTable(SeatedTable[Seat]):
    """A casino blackjack table, driven by a state machine."""

    game = "casino"
    inputs = {
        BetRequest: CasinoInputs.bet,
        InsuranceRequest: CasinoInputs.insurance,
        HitRequest: CasinoInputs.hit,
        StandRequest: CasinoInputs.stand,
        DoubleRequest: CasinoInputs.double,
        SplitRequest: CasinoInputs.split,
        SurrenderRequest: CasinoInputs.surrender,
    }
    config: CasinoConfig
    _machine: CasinoInputs

    def __init__(
        self,
        table_id: int,
        config: CasinoConfig,
        shoe: Shoe,
        clock: IReactorTime,
        ledger: Ledger,
        round_log: RoundLog | None = None,
    ) -> None:
        super().__init__(table_id, config, clock)
        self.ledger = ledger
        self.round_log: RoundLog = NoRoundLog() if round_log is None else round_log
        self._shoe = shoe
        self._clock = clock
        #: When each player's turn clock runs out, this round.
        self._turns_end: dict[int, float] = {}
        #: The round betting is open for: its id and number, until dealt.
        self._next_round: tuple[str, int] | None = None
        #: The number of the round being played.
        self._round_no = 0
        #: Each bettor's seat, kept from the deal: the round's record names
        #: it for players who leave before the settlement too.
        self._bettor_seats: dict[int, int] = {}
        # What every player is told at sitting down: the rules, and what
        # basic strategy returns under them.
        figures = rtp.return_to_player(config)
        self._rules = Rules(
            **config.describe(),
            rtp=None if figures is None else figures[0],
            rtp_error=None if figures is None else figures[1],
        )
        # The machine's transitions call this class's methods; they live in
        # their own module, which imports this one.
        from blackjackd.casino_machine import machine_factory

        self._machine = machine_factory(self)

    def _new_seat(self, player_id: int, username: str, index: int, send: Send) -> Seat:
        return Seat(player_id, username, index, send)

    # -- what tests and tools may look at -----------------------------------------
    # Each asks the machine (its ``inspect`` input), so none may be read from
    # inside the table's own work, e.g. from a seat's ``send``.

    @property
    def phase(self) -> str:
        """``idle``, ``betting``, ``insurance``, ``playing`` or
        ``between_rounds``: the machine's state."""
        return self._machine.inspect()[0]

    @property
    def round(self) -> CasinoRound | None:
        """The round being played (or just settled), if any."""
        data = self._machine.inspect()[1]
        return data if isinstance(data, CasinoRound) else None

    @property
    def bets(self) -> dict[int, int]:
        """The bets placed so far while betting is open."""
        data = self._machine.inspect()[1]
        return dict(data.amounts) if isinstance(data, Bets) else {}

    @property
    def dealer_hand(self) -> list[str]:
        """The dealer's cards players can see (never the hole card before
        the dealer turns it over); none while betting."""
        found = self.round
        return [] if found is None else found.dealer_visible

    # -- what the machine's transitions do ---------------------------------------

    def has_stake_in_play(self, player_id: int) -> bool:
        data = self._machine.inspect()[1]
        if isinstance(data, Bets):
            return player_id in data.amounts
        return (
            isinstance(data, CasinoRound)
            and data.stage is not Stage.SETTLED
            and data.bettor(player_id) is not None
        )

    @property
    def rules(self) -> Rules:
        return self._rules

    @property
    def round_in_progress(self) -> bool:
        phase, data = self._machine.inspect()
        if isinstance(data, Bets):
            # Bets placed: they are dealt when betting closes.
            return bool(data.amounts) and self._seating.scheduled_in() is not None
        return phase in ("insurance", "playing")

    def _stop_before_next_round(self) -> None:
        phase, data = self._machine.inspect()
        if phase == "between_rounds" or (isinstance(data, Bets) and not data.amounts):
            # No cards out and no bets: no round is begun.
            self._seating.cancel_scheduled()
            if isinstance(data, Bets):
                self._void_next_round()

    def snapshot(self, player_id: int | None) -> Snapshot:
        phase, data = self._machine.inspect()
        round = data if isinstance(data, CasinoRound) else None
        seated = player_id is not None and self._seating.get(player_id) is not None
        bettor = None if round is None or player_id is None else round.bettor(player_id)
        offer = None
        if phase == "insurance" and bettor is not None and bettor.insurance is None:
            offer = insurance_cost(bettor.bet)
        return Snapshot(
            table=self.table_id,
            game=self.game,
            phase=phase,
            seats=tuple(self._seat_view(seat, data) for seat in self._seating),
            dealer=() if round is None else tuple(round.dealer_visible),
            hole_card=round is not None
            and len(round.dealer) > len(round.dealer_visible),
            turns=self._seating.turns(),
            seconds=self._seating.scheduled_in(),
            balance=self.ledger.balance(player_id)
            if seated and player_id is not None
            else None,
            insurance_offer=offer,
        )

    def _seat_view(self, seat: Seat, data: Bets | CasinoRound | None) -> SeatView:
        described = self._describe(seat, data)
        bettor = data.bettor(seat.player_id) if isinstance(data, CasinoRound) else None
        if isinstance(data, Bets):
            bet = data.amounts.get(seat.player_id)
        else:
            bet = None if bettor is None else bettor.bet
        return SeatView(
            id=seat.player_id,
            username=seat.username,
            seat=seat.index,
            hand=described.hand,
            points=described.points,
            state=described.state or "",
            connected=seat.connected,
            hands=described.hands,
            bet=bet,
            balance=described.balance,
            insurance=None if bettor is None else bettor.insurance,
        )

    def _id_fields(self, seat: Seat) -> dict[str, Any]:
        return {
            "game": "casino",
            "rules": self._rules,
            "balance": self.ledger.balance(seat.player_id),
        }

    def _take_seat(self, seat: Seat, data: Bets | CasinoRound | None) -> None:
        if not self.ledger.has(seat.player_id):
            # A guest: chips for this connection only.
            self.ledger.open(seat.player_id, self.config.starting_chips)
        self.ledger.retain(seat.player_id)
        self._seating.add(seat, **self._id_fields(seat))
        self._seating.introduce(seat, lambda other: self._describe(other, data))

    def _describe(self, seat: Seat, data: Bets | CasinoRound | None) -> OtherPlayers:
        bettor = data.bettor(seat.player_id) if isinstance(data, CasinoRound) else None
        hands = bettor.hands if bettor is not None else []
        if isinstance(data, Bets):
            state = "bet" if seat.player_id in data.amounts else "betting"
        elif bettor is None:
            state = "waiting"
        else:
            state = "playing" if any(not hand.done for hand in hands) else "done"
        return OtherPlayers(
            hand=tuple(hands[0].cards) if hands else (),
            id=seat.player_id,
            points=hands[0].total if hands else 0,
            username=seat.username,
            seat=seat.index,
            state=state,
            hands=tuple(hand_view(index, hand) for index, hand in enumerate(hands)),
            balance=self.ledger.balance(seat.player_id),
        )

    def _unseat(self, seat: Seat) -> None:
        # The seat lets go of the player's chips; a round with their hands
        # still to settle holds them until it is settled.
        self._release(seat.player_id)
        self._seating.remove(seat)

    def _void_next_round(self) -> None:
        """The table emptied before the round betting was open for was
        dealt: every bet in it came back, and it never happens."""
        if self._next_round is not None:
            self.round_log.voided(self._next_round[0])
            self._next_round = None

    def _release(self, player_id: int) -> None:
        if self.ledger.has(player_id):
            self.ledger.release(player_id)

    def _betting(self, bets: Bets) -> Betting:
        return Betting(
            min_bet=self.config.min_bet,
            max_bet=self.config.max_bet,
            seconds=max(0.0, bets.closes_at - self._clock.seconds()),
        )

    def _open_betting(self, bets: Bets | None = None) -> Bets:
        """Open betting (afresh, into ``bets`` if given): start the bet
        timer and tell the table. The ``betting`` phase's data."""
        closes_at = self._clock.seconds() + self.config.bet_timeout
        if bets is None:
            bets = Bets(closes_at)
        bets.closes_at = closes_at
        if self._next_round is None:
            # Named once, and kept until it is dealt: bets placed and given
            # back while betting reopens (or the table empties) stay in it.
            round_id, round_no = uuid.uuid4().hex, self.rounds_played + 1
            self._next_round = (round_id, round_no)
            self.round_log.opened(round_id, self.table_id, round_no)
        bets.round_id = self._next_round[0]
        bets.amounts.clear()
        self._seating.schedule(self.config.bet_timeout, self._machine.bets_closed)
        self._seating.broadcast(self._betting(bets))
        return bets

    def _bet(self, bets: Bets, seat: Seat, amount: int) -> None:
        if self.draining and self._seating.scheduled_in() is None:
            raise ActionRejected(503, "the server is stopping: no more rounds")
        if seat.player_id in bets.amounts:
            raise ActionRejected(409, "you have bet this round")
        refusal = bet_refusal(amount, self.config)
        if refusal is not None:
            raise ActionRejected(400, refusal)
        try:
            balance = self.ledger.stake(seat.player_id, amount, "bet", bets.round_id)
        except InsufficientChips:
            raise ActionRejected(402, "not enough chips") from None
        bets.amounts[seat.player_id] = amount
        self._seating.broadcast(Bet(id=seat.player_id, amount=amount, balance=balance))
        if len(bets.amounts) == len(self._seating):
            self._machine.bets_closed()

    def _close_betting(self, bets: Bets) -> None:
        self._seating.cancel_scheduled()
        bettors = []
        sitting_out = []
        for seat in self._seating:
            amount = bets.amounts.get(seat.player_id)
            if amount is None:
                self._seating.broadcast(SitOut(id=seat.player_id))
                sitting_out.append(seat)
            else:
                bettors.append((seat.player_id, seat.username, amount))
        try:
            self._deal_or_reopen(bets, bettors)
        finally:
            # After the phase's next input is asked for: the machine takes
            # inputs in the order they come, and a stand-up is for the phase
            # that follows.
            for seat in sitting_out:
                self._seating.idle_round(seat, self._stand_up)

    def _deal_or_reopen(self, bets: Bets, bettors: list[tuple[int, str, int]]) -> None:
        if not bettors:
            if self.draining:
                self._void_next_round()
            else:
                self._open_betting(bets)
            return
        self._bettor_seats = {
            seat.player_id: seat.index
            for seat in self._seating
            if seat.player_id in bets.amounts
        }
        for player_id, _, _ in bettors:
            self.ledger.retain(player_id)
        self._turns_end = {}
        assert self._next_round is not None, "betting opened a round"
        self._round_no = self._next_round[1]
        self._next_round = None
        round = CasinoRound(
            self.config,
            self._shoe,
            self.ledger,
            bettors,
            self._forward,
            round_id=bets.round_id,
            now=self._clock.seconds,
        )
        self._follow(round, round.deal())

    def _follow(self, round: CasinoRound, stage: Stage) -> None:
        """Move the machine to where a freshly dealt or peeked round is."""
        if stage is Stage.INSURANCE:
            self._machine.offer_insurance(round)
        elif stage is Stage.PLAYING:
            self._machine.play(round)
        else:
            self._machine.settle(round)

    def _settle_if_done(self, round: CasinoRound) -> None:
        if round.stage is Stage.DEALER:
            self._machine.settle(round)

    def _settle(self, round: CasinoRound) -> None:
        self._seating.end_turns()
        round.settle()
        for seat in self._seating:
            bettor = round.bettor(seat.player_id)
            seat.send(
                Balance(
                    balance=self.ledger.balance(seat.player_id),
                    net=0 if bettor is None else bettor.net,
                )
            )
        self.rounds_played = max(self.rounds_played, self._round_no)
        self.round_log.settled(
            SettledRound(
                table_id=self.table_id,
                round_no=self._round_no,
                shoe=self._shoe.shuffles,
                round=round,
                seats=self._bettor_seats,
            )
        )
        # The round lets go of its bettors' chips (paid above): those of a
        # bettor who has left go now.
        for bettor in round.bettors:
            self._release(bettor.player_id)
        if not self._seating:
            self._machine.emptied()
        self._schedule_next_round()

    def _forward(self, message: ServerMessage, to: int | None) -> None:
        """Pass on a message of the round's, timing the hands it starts and
        ends."""
        if isinstance(message, Deadline):
            player_id, hand = message.id, message.hand or 0
            # One turn clock a player a round, whatever their hands: a split
            # hand plays in the time left, so a round's play is bounded.
            now = self._clock.seconds()
            ends = self._turns_end.setdefault(player_id, now + message.seconds)
            seconds = max(0.0, ends - now)
            if seconds != message.seconds:
                message = Deadline(id=player_id, hand=message.hand, seconds=seconds)
            self._seating.start_turn(
                player_id,
                hand,
                lambda: self._machine.time_out(player_id, hand),
                seconds,
            )
        elif isinstance(message, (Stand, Bust, Surrender)) and message.id is not None:
            self._seating.end_turn(message.id, message.hand)
        if to is None:
            self._seating.broadcast(message)
        else:
            seat = self._seating.get(to)
            if seat is not None:
                seat.send(message)


def _not_now(phase: str, request: Request, in_round: bool) -> ActionRejected:
    """The 409 for a request the table's ``phase`` doesn't take."""
    if isinstance(request, BetRequest):
        return ActionRejected(409, "bets are taken before the deal")
    if isinstance(request, InsuranceRequest):
        return ActionRejected(409, "no insurance offered to you now")
    if phase == "betting":
        return ActionRejected(409, "place a bet first: cards come after")
    if phase == "insurance":
        if in_round:
            return ActionRejected(409, "insurance first: play starts after the peek")
        return ActionRejected(409, "you are not in this round")
    return ActionRejected(409, "no hands are being played now")
