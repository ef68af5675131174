"""The casino table: bets, a dealer with a hole card, doubles, splits,
insurance and surrender, paid through a ``Ledger``.

Like the classic table it is pure: players are reached through the ``send``
callable they sit down with, time goes through an injected ``IReactorTime``,
cards come from the injected shoe and chips move only through the injected
``Ledger``. The state machine (automat) holds the phases of a round; what
each hand may do is data on the hand (``blackjackd.casino``), checked before
anything changes, so a refused action changes nothing.

Phases: ``idle`` (nobody seated) → ``betting`` (bets until every seated
player has bet or the bet timer runs out) → ``insurance`` (only with an ace
up: each bettor takes or declines insurance) → the peek (ace or ten up) →
``playing`` (everyone acts at once, hand by hand) → the dealer plays and
hands are settled → ``between_rounds`` (``round_delay``) → ``betting``.

Chips: a player's account is opened with ``starting_chips`` when they sit
(unless the ledger already holds one) and closed when they leave. Bets are
staked when placed; a player who leaves during betting gets their bet back,
one who leaves after the deal forfeits what they staked (it stays with the
house) and their hands are dropped.

Messages (*you*: the player concerned; *table*: everyone seated; *others*:
everyone but the player concerned). ``hand`` is always an index into the
player's hands (0 until a split), except in ``round_over`` results and
``other_players``, where, as on classic tables, ``hand`` holds cards.

- ``id`` (you, on sitting): ``client_id``, ``username``, ``table``, ``seat``,
  ``protocol``, ``turn_timeout``, ``game: "casino"``, ``rules`` (decks, h17,
  das, resplit_aces, surrender, blackjack_pays "3:2", max_split_hands,
  min_bet, max_bet, bet_timeout), ``balance``.
- ``new_client`` (others, on sitting): ``message`` (the id), ``username``,
  ``seat``.
- ``other_players`` (you, on sitting, one per other player): ``hand`` (cards
  of their first hand), ``id``, ``points``, ``username``, ``seat``,
  ``state``, ``hands`` (list of ``{hand, cards, points, bet, status}``),
  ``balance``.
- ``wait`` (you, on sitting during a round): ``message``, ``dealer`` (the
  dealer's visible cards). You can bet from the next ``betting``.
- ``betting`` (table when betting opens; you when you sit during it):
  ``min_bet``, ``max_bet``, ``seconds`` (left to bet).
- ``bet`` (table): ``id``, ``amount``, ``balance``.
- ``sit_out`` (table, when betting closes): ``id`` of a player who didn't
  bet and sits this round out.
- ``shuffle`` (table): the shoe was shuffled.
- ``restart`` (table): the deal begins; hands are emptied. ``hit`` messages
  follow: one card to each bettor (seat order), the dealer's upcard, a second
  card to each bettor, then ``hole_card``.
- ``hit`` (table): ``card``, ``id`` (player id or ``"dealer"``), ``points``
  (that hand's total), and ``hand`` (index) for players. The dealer's
  upcard is a ``hit``; the hole card is a ``hit`` only when revealed.
- ``hole_card`` (table): ``id: "dealer"`` - the dealer took a face-down card.
  It carries no card.
- ``insurance_offer`` (you, with an ace up, to each bettor who can afford
  it): ``amount`` (its cost, half the bet), ``seconds`` to answer.
- ``insurance`` (table, on each answer): ``id``, ``taken`` (bool),
  ``amount``, ``balance``.
- ``peek`` (table, ace or ten up, after insurance): ``blackjack`` (bool).
  With a blackjack the hole card follows as a ``hit`` and the round is
  settled at once.
- ``insurance_result`` (table, after the peek, per insured player): ``id``,
  ``amount``, ``payout`` (3 x amount or 0), ``balance``.
- ``deadline`` (table, when a hand must act: after the peek, and for both
  hands of a split): ``id``, ``hand``, ``seconds``.
- ``double`` (table): ``id``, ``hand``, ``bet`` (the hand's whole stake now),
  ``balance``; the one card follows as ``hit``, then ``stand`` or ``bust``.
- ``split`` (table): ``id``, ``hand`` (the split hand), ``new_hand`` (index of
  the hand made from its second card), ``hands`` (the two hands, one card
  each: ``{hand, cards, points, bet, status}``), ``balance``. A ``hit`` to
  each of the two hands follows, then ``stand`` for split aces (reason
  ``"split_aces"``) or for a hand that made 21, else ``deadline`` for each.
- ``surrender`` (table): ``id``, ``hand``, ``refund``, ``balance``.
- ``bust`` (you): ``id``, ``hand``.
- ``stand`` (table): ``id``, ``hand``, ``reason``: ``"stand"``,
  ``"timeout"``, ``"21"``, ``"blackjack"``, ``"double"`` or ``"split_aces"``.
- ``winner`` (table) / ``lose`` (you) / ``push`` (you), per hand at
  settlement: ``id``, ``hand``, ``payout`` (chips back, stake included).
- ``round_over`` (table): ``dealer`` (``hand``, ``points``, ``blackjack``),
  ``results`` (per hand: ``id``, ``username``, ``index``, ``hand`` (cards),
  ``points``, ``bet``, ``result`` ``"win"``/``"lose"``/``"push"``,
  ``blackjack``, ``doubled``, ``surrendered``, ``payout``, ``balance``),
  ``next_round_in``.
- ``balance`` (you, after every round, to every seated player): ``balance``,
  ``net`` (this round's gain or loss, insurance included).
- ``left`` (table): ``id``.

Refusals are ``ActionRejected``: 409 not now / not allowed on that hand, 400
a bad value (a bet outside the table limits, a hand index that doesn't
exist), 402 not enough chips, 507 the table is full.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from automat import MethodicalMachine
from twisted.internet.interfaces import IDelayedCall, IReactorTime

from blackjackd import PROTOCOL_VERSION
from blackjackd.cards import hand_value as hand_total
from blackjackd.casino import (
    BLACKJACK,
    BUST,
    PLAYING,
    STOOD,
    SURRENDERED,
    CasinoConfig,
    PlayerHand,
    dealer_peeks,
    double_refusal,
    insurance_cost,
    insurance_payout,
    is_natural,
    is_pair,
    settle_hand,
    split_refusal,
    surrender_refund,
    surrender_refusal,
)
from blackjackd.ledger import InsufficientChips, Ledger
from blackjackd.rules import dealer_must_hit
from blackjackd.shoe import Shoe
from blackjackd.table import (
    DEALER_ID,
    ActionRejected,
    Message,
    Send,
    first_free_seat,
)
from blackjackd.timing import cancel_call


def _index_transitions(machine: MethodicalMachine) -> None:
    """Look a machine's transitions up in a dict instead of a list scan.

    Same answers as ``Automaton.outputForInput`` (including ``NoTransition``
    for an input the state doesn't take). Skipped, harmlessly, should a
    future automat hold its automaton elsewhere.
    """
    automaton = getattr(machine, "_automaton", None)
    if automaton is None or not hasattr(automaton, "outputForInput"):
        return
    scan = automaton.outputForInput
    # Keyed by identity: states and inputs are made once, with the class,
    # and the automaton holds them; hashing the dataclasses costs more.
    index: dict[tuple[int, int], tuple[Any, tuple[Any, ...]]] = {}

    def output_for_input(in_state: Any, input_symbol: Any) -> Any:
        if not index:
            for state, symbol, out_state, outputs in automaton.allTransitions():
                index[id(state), id(symbol)] = (out_state, tuple(outputs))
        found = index.get((id(in_state), id(input_symbol)))
        if found is None:
            return scan(in_state, input_symbol)  # raises NoTransition
        return found[0], list(found[1])

    automaton.outputForInput = output_for_input


class Phase(enum.Enum):
    """The phase of a round, mirrored from the machine for quick checks."""

    IDLE = "idle"
    BETTING = "betting"
    INSURANCE = "insurance"
    PLAYING = "playing"
    BETWEEN_ROUNDS = "between_rounds"


@dataclass(eq=False)
class CasinoSeat:
    """One player at a casino table: their bet, hands and timers."""

    player_id: int
    username: str
    index: int
    send: Send
    #: This round's initial bet; 0 while they haven't bet (or sit out).
    bet: int = 0
    hands: list[PlayerHand] = field(default_factory=list)
    #: In this round's deal: they bet before it closed.
    in_round: bool = False
    #: Insurance: None undecided, 0 declined, else its cost.
    insurance: int | None = 0
    #: Chips the player staked and got back this round, for ``net``.
    staked: int = 0
    returned: int = 0
    turn_timers: dict[int, IDelayedCall] = field(default_factory=dict)

    def cancel_timers(self) -> None:
        for timer in self.turn_timers.values():
            cancel_call(timer)
        self.turn_timers.clear()


def quiet(message: Message) -> None:
    """A ``send`` for a seat nobody listens to (the simulator's): while
    every seat is quiet, the table builds no messages at all."""


class CasinoTable:
    """A casino blackjack table, driven by a state machine.

    Built and used like ``ClassicTable`` (``sit``, ``leave``, ``hit``,
    ``stand``, ``close``), plus ``bet``, ``double``, ``split``, ``surrender``
    and ``insurance``. ``hand=None`` acts on the player's first unfinished
    hand; an int picks a hand by index.
    """

    _machine = MethodicalMachine()

    #: The player actions a casino table plays (routed by name by the protocol).
    actions = frozenset(
        {"hit", "stand", "double", "split", "surrender", "bet", "insurance"}
    )

    def __init__(
        self,
        table_id: int,
        config: CasinoConfig,
        shoe: Shoe,
        clock: IReactorTime,
        ledger: Ledger,
    ) -> None:
        self.table_id = table_id
        self.config = config
        self.ledger = ledger
        self._shoe = shoe
        self._clock = clock
        self._seats: dict[int, CasinoSeat] = {}
        self._ordered: list[CasinoSeat] = []
        self._upcard: str | None = None
        self._hole: str | None = None
        self._hole_revealed = False
        self._dealer_cards: list[str] = []
        self._phase = Phase.IDLE
        self._timer: IDelayedCall | None = None
        self._betting_ends = 0.0
        self._listening = 0
        self.rounds_played = 0
        # automat builds a new bound function each time an input is looked
        # up; the inputs the engine calls every round are looked up once.
        self._do_bets_closed = self._bets_closed
        self._do_hands_done = self._hands_done
        self._do_next_round = self._next_round
        self._do_play = self._play

    # -- what the lobby and the protocol ask --------------------------------

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def seats_taken(self) -> int:
        return len(self._seats)

    @property
    def has_free_seat(self) -> bool:
        return len(self._seats) < self.config.seats

    @property
    def dealer_hand(self) -> list[str]:
        """The dealer's cards that players can see: never the hole card
        before the dealer turns it over."""
        if self._hole_revealed:
            return list(self._dealer_cards)
        return [] if self._upcard is None else [self._upcard]

    def seat_of(self, player_id: int) -> CasinoSeat:
        """The seat of ``player_id``; ``KeyError`` if they aren't seated."""
        return self._seats[player_id]

    def sit(self, player_id: int, username: str, send: Send) -> CasinoSeat:
        """Seat a player in the first free seat; ``ActionRejected(507)``
        when the table is full. They bet from the current or next betting
        phase."""
        if not self.has_free_seat:
            raise ActionRejected(507, "all busy")
        if player_id in self._seats:
            raise ActionRejected(409, "already seated")
        index = first_free_seat(self._seats.values(), self.config.seats)
        seat = CasinoSeat(player_id, username, index, send)
        if not self.ledger.has(player_id):
            self.ledger.open(player_id, self.config.starting_chips)
        self._sit(seat=seat)
        return seat

    def leave(self, player_id: int) -> None:
        """Free the player's seat and close their account."""
        seat = self._seats.get(player_id)
        if seat is not None:
            self._leave(seat=seat)

    def close(self) -> None:
        """Cancel every timer the table holds: the server is stopping."""
        for seat in self._seats.values():
            seat.cancel_timers()
        self._cancel_timer()

    def bet(self, player_id: int, amount: int) -> None:
        """Bet ``amount`` on the coming round (betting phase only)."""
        seat = self._seat(player_id)
        if self._phase is not Phase.BETTING:
            raise ActionRejected(409, "bets are taken before the deal")
        if seat.bet:
            raise ActionRejected(409, "you have bet this round")
        config = self.config
        if not config.min_bet <= amount <= config.max_bet:
            raise ActionRejected(
                400, f"bets are {config.min_bet} to {config.max_bet} chips"
            )
        if amount > self.ledger.balance(player_id):
            raise ActionRejected(402, "not enough chips")
        balance = self._stake(seat, amount, "bet")
        seat.bet = amount
        if self._listening:
            self._broadcast(
                {
                    "type": "bet",
                    "id": seat.player_id,
                    "amount": amount,
                    "balance": balance,
                }
            )
        self._check_bets()

    def insurance(self, player_id: int, take: bool) -> None:
        """Take or decline insurance while it is offered."""
        seat = self._seat(player_id)
        if self._phase is not Phase.INSURANCE or seat.insurance is not None:
            raise ActionRejected(409, "no insurance offered to you now")
        cost = insurance_cost(seat.bet) if take else 0
        if cost > self.ledger.balance(player_id):
            raise ActionRejected(402, "not enough chips")
        balance = self.ledger.balance(player_id)
        if cost:
            balance = self._stake(seat, cost, "insurance")
        seat.insurance = cost
        if self._listening:
            self._broadcast(
                {
                    "type": "insurance",
                    "id": player_id,
                    "taken": bool(cost),
                    "amount": cost,
                    "balance": balance,
                }
            )
        self._check_insurance()

    def hit(self, player_id: int, hand: int | None = None) -> None:
        """Deal one more card to a hand."""
        seat, index, player_hand = self._hand(player_id, hand)
        if player_hand.split_aces:
            raise ActionRejected(409, "split aces take one card each")
        self._deal_to(seat, index, player_hand)
        self._after_card(seat, index, player_hand, "21")

    def stand(self, player_id: int, hand: int | None = None) -> None:
        """End a hand."""
        seat, index, player_hand = self._hand(player_id, hand)
        self._finish(seat, index, player_hand, STOOD, "stand")
        self._end_round_if_done()

    def double(self, player_id: int, hand: int | None = None) -> None:
        """Double the hand's bet, take one card, and stand."""
        seat, index, player_hand = self._hand(player_id, hand)
        refusal = double_refusal(player_hand, self.config)
        if refusal is not None:
            raise ActionRejected(409, refusal)
        self._stake(seat, player_hand.bet, "double")
        player_hand.bet *= 2
        player_hand.doubled = True
        if self._listening:
            self._broadcast(
                {
                    "type": "double",
                    "id": seat.player_id,
                    "hand": index,
                    "bet": player_hand.bet,
                    "balance": self.ledger.balance(seat.player_id),
                }
            )
        self._deal_to(seat, index, player_hand)
        if player_hand.total > 21:
            self._finish(seat, index, player_hand, BUST, None)
            seat.send({"type": "bust", "id": seat.player_id, "hand": index})
        else:
            self._finish(seat, index, player_hand, STOOD, "double")
        self._end_round_if_done()

    def split(self, player_id: int, hand: int | None = None) -> None:
        """Split a pair into two hands, each with the same bet."""
        seat, index, player_hand = self._hand(player_id, hand)
        refusal = split_refusal(player_hand, len(seat.hands), self.config)
        if refusal is not None:
            raise ActionRejected(409, refusal)
        self._stake(seat, player_hand.bet, "split")
        aces = player_hand.cards[0][0] == "A"
        second = PlayerHand(
            bet=player_hand.bet,
            cards=[player_hand.cards.pop()],
            from_split=True,
            split_aces=aces,
        )
        player_hand.from_split = True
        player_hand.split_aces = aces
        new_index = len(seat.hands)
        seat.hands.append(second)
        cancel_call(seat.turn_timers.pop(index, None))
        if self._listening:
            # Announce the new hand before cards are dealt to it.
            self._broadcast(
                {
                    "type": "split",
                    "id": seat.player_id,
                    "hand": index,
                    "new_hand": new_index,
                    "hands": [
                        player_hand.describe(index),
                        second.describe(new_index),
                    ],
                    "balance": self.ledger.balance(seat.player_id),
                }
            )
        self._deal_to(seat, index, player_hand)
        self._deal_to(seat, new_index, second)
        for i, split_hand in ((index, player_hand), (new_index, second)):
            if split_hand.status != PLAYING:
                continue
            if aces and not (self.config.resplit_aces and is_pair(split_hand.cards)):
                # Split aces take one card each and stand.
                self._finish(seat, i, split_hand, STOOD, "split_aces")
            elif split_hand.total == 21:
                self._finish(seat, i, split_hand, STOOD, "21")
            else:
                self._start_turn(seat, i)
        self._end_round_if_done()

    def surrender(self, player_id: int, hand: int | None = None) -> None:
        """Give up a two-card hand for half its bet back (late surrender)."""
        seat, index, player_hand = self._hand(player_id, hand)
        refusal = surrender_refusal(player_hand, self.config)
        if refusal is not None:
            raise ActionRejected(409, refusal)
        refund = surrender_refund(player_hand.bet)
        balance = self.ledger.pay(seat.player_id, refund, "surrender")
        seat.returned += refund
        player_hand.payout = refund
        if self._listening:
            self._broadcast(
                {
                    "type": "surrender",
                    "id": seat.player_id,
                    "hand": index,
                    "refund": refund,
                    "balance": balance,
                }
            )
        self._finish(seat, index, player_hand, SURRENDERED, None)
        self._end_round_if_done()

    # -- checks -------------------------------------------------------------

    def _seat(self, player_id: int) -> CasinoSeat:
        seat = self._seats.get(player_id)
        if seat is None:
            raise ActionRejected(409, "not seated")
        return seat

    def _hand(
        self, player_id: int, index: int | None
    ) -> tuple[CasinoSeat, int, PlayerHand]:
        """The seat and the playing hand an action is about, or a refusal."""
        seat = self._seat(player_id)
        if self._phase is not Phase.PLAYING or not seat.in_round:
            if self._phase is Phase.BETTING:
                raise ActionRejected(409, "place a bet first: cards come after")
            if self._phase is Phase.INSURANCE and seat.in_round:
                raise ActionRejected(409, "insurance first: play starts after the peek")
            if not seat.in_round and self._phase is not Phase.BETWEEN_ROUNDS:
                raise ActionRejected(409, "you are not in this round")
            raise ActionRejected(409, "no hands are being played now")
        hands = seat.hands
        if index is None:
            for i, hand in enumerate(hands):
                if hand.status == PLAYING:
                    return seat, i, hand
            raise ActionRejected(409, "your hands are over")
        if not 0 <= index < len(hands):
            raise ActionRejected(400, "no such hand")
        hand = hands[index]
        if hand.status != PLAYING:
            raise ActionRejected(409, "that hand is over")
        return seat, index, hand

    # -- states ---------------------------------------------------------------

    @_machine.state(initial=True)
    def idle(self) -> None:
        "Nobody is seated."

    @_machine.state()
    def betting(self) -> None:
        "Bets are open until everyone has bet or the bet timer runs out."

    @_machine.state()
    def dealing(self) -> None:
        "Cards are going out; the table decides what comes next."

    @_machine.state()
    def insuring(self) -> None:
        "An ace is up: bettors take or decline insurance before the peek."

    @_machine.state()
    def playing(self) -> None:
        "Players act on their hands."

    @_machine.state()
    def between_rounds(self) -> None:
        "The round is settled; the next betting phase waits."

    # -- inputs ---------------------------------------------------------------

    @_machine.input()
    def _sit(self, seat: CasinoSeat) -> None:
        "A player takes a free seat."

    @_machine.input()
    def _leave(self, seat: CasinoSeat) -> None:
        "A player leaves their seat."

    @_machine.input()
    def _bets_closed(self) -> None:
        "Everyone has bet, or the bet timer ran out."

    @_machine.input()
    def _nobody_bet(self) -> None:
        "Betting closed without a bet."

    @_machine.input()
    def _offer_insurance(self) -> None:
        "The dealer shows an ace."

    @_machine.input()
    def _insurance_closed(self) -> None:
        "Every bettor answered, or the insurance timer ran out."

    @_machine.input()
    def _play(self) -> None:
        "No dealer blackjack: players act."

    @_machine.input()
    def _dealer_blackjack(self) -> None:
        "The peek found a blackjack: the round ends at once."

    @_machine.input()
    def _hands_done(self) -> None:
        "No hand is still playing."

    @_machine.input()
    def _emptied(self) -> None:
        "The last player left."

    @_machine.input()
    def _next_round(self) -> None:
        "The pause after a round is over."

    # -- outputs --------------------------------------------------------------

    @_machine.output()
    def _take_seat(self, seat: CasinoSeat) -> None:
        self._seats[seat.player_id] = seat
        self._ordered = sorted(self._seats.values(), key=lambda s: s.index)
        if seat.send is not quiet:
            self._listening += 1
        seat.send(
            {
                "type": "id",
                "client_id": seat.player_id,
                "username": seat.username,
                "table": self.table_id,
                "seat": seat.index,
                "seats": self.config.seats,
                "protocol": PROTOCOL_VERSION,
                "turn_timeout": self.config.turn_timeout,
                "game": "casino",
                "rules": self.config.describe(),
                "balance": self.ledger.balance(seat.player_id),
            }
        )
        self._broadcast(
            {
                "type": "new_client",
                "message": seat.player_id,
                "username": seat.username,
                "seat": seat.index,
            },
            exclude=seat,
        )
        self._introduce_others(seat)

    @_machine.output()
    def _open_betting(self) -> None:
        self._phase = Phase.BETTING
        self._timer = self._clock.callLater(
            self.config.bet_timeout, self._bet_timer_expired
        )
        self._betting_ends = self._clock.seconds() + self.config.bet_timeout
        if self._listening:
            self._broadcast(self._betting_message())

    @_machine.output()
    def _invite_to_bet(self, seat: CasinoSeat) -> None:
        seat.send(self._betting_message())

    @_machine.output()
    def _tell_wait(self, seat: CasinoSeat) -> None:
        seat.send(
            {
                "type": "wait",
                "message": "you can bet at the next betting phase",
                "dealer": self.dealer_hand,
            }
        )

    @_machine.output()
    def _close_bets_if_all_in(self) -> None:
        self._check_bets()

    def _check_bets(self) -> None:
        if not self._seats:
            self._emptied()
        elif all(seat.bet for seat in self._ordered):
            self._do_bets_closed()

    @_machine.output()
    def _refund_bet(self, seat: CasinoSeat) -> None:
        # Cards aren't out yet: a bet placed in this betting phase goes back.
        if seat.bet:
            self.ledger.pay(seat.player_id, seat.bet, "refund")
            seat.bet = 0

    @_machine.output()
    def _unseat(self, seat: CasinoSeat) -> None:
        seat.cancel_timers()
        del self._seats[seat.player_id]
        self._ordered.remove(seat)
        if seat.send is not quiet:
            self._listening -= 1
        # Chips live for the connection: they leave with the player. What
        # they staked on cards already dealt stays with the house.
        if self.ledger.has(seat.player_id):
            self.ledger.close(seat.player_id)
        self._broadcast({"type": "left", "id": seat.player_id})

    @_machine.output()
    def _deal_round(self) -> None:
        self._phase = Phase.PLAYING
        self._cancel_timer()
        bettors = []
        for seat in self._ordered:
            if seat.bet:
                seat.in_round = True
                bettors.append(seat)
            else:
                seat.in_round = False
                seat.hands = []
                if self._listening:
                    self._broadcast({"type": "sit_out", "id": seat.player_id})
        if not bettors:
            self._nobody_bet()
            return
        self._upcard = self._hole = None
        self._hole_revealed = False
        self._dealer_cards = []
        if self._shoe.needs_shuffle:
            self._shoe.shuffle()
            if self._listening:
                self._broadcast({"type": "shuffle"})
        if self._listening:
            self._broadcast({"type": "restart"})
        for seat in bettors:
            seat.hands = [PlayerHand(bet=seat.bet)]
            seat.insurance = 0
        # As a dealer deals: a card to each bettor, the upcard, a second card
        # to each, then the hole card face down.
        for seat in bettors:
            self._deal_to(seat, 0, seat.hands[0])
        upcard = self._draw()
        self._upcard = upcard
        self._dealer_cards.append(upcard)
        self._show_dealer_card(upcard)
        for seat in bettors:
            self._deal_to(seat, 0, seat.hands[0])
        self._hole = self._draw()
        self._dealer_cards.append(self._hole)
        if self._listening:
            self._broadcast({"type": "hole_card", "id": DEALER_ID})
        if upcard[0] == "A" and any(self._can_insure(seat) for seat in bettors):
            self._offer_insurance()
        else:
            self._peek()

    @_machine.output()
    def _ask_for_insurance(self) -> None:
        self._phase = Phase.INSURANCE
        seconds = self.config.turn_timeout
        for seat in self._ordered:
            if not seat.in_round:
                continue
            if self._can_insure(seat):
                seat.insurance = None
                seat.send(
                    {
                        "type": "insurance_offer",
                        "amount": insurance_cost(seat.bet),
                        "seconds": seconds,
                    }
                )
        self._timer = self._clock.callLater(seconds, self._insurance_timer_expired)

    @_machine.output()
    def _close_insurance_if_all_in(self) -> None:
        self._check_insurance()

    def _check_insurance(self) -> None:
        if not self._seats:
            self._emptied()
        elif all(seat.insurance is not None for seat in self._ordered):
            self._insurance_closed()

    @_machine.output()
    def _peek_after_insurance(self) -> None:
        self._phase = Phase.PLAYING
        self._cancel_timer()
        for seat in self._ordered:
            if seat.insurance is None:
                seat.insurance = 0  # no answer in time: declined
        self._peek()

    @_machine.output()
    def _start_play(self) -> None:
        for seat in self._ordered:
            if not seat.in_round:
                continue
            hand = seat.hands[0]
            if hand.is_blackjack:
                self._finish(seat, 0, hand, BLACKJACK, "blackjack")
            else:
                self._start_turn(seat, 0)
        self._end_round_if_done()

    @_machine.output()
    def _finish_round(self) -> None:
        # One output, not three: automat's per-output cost adds up over the
        # simulator's millions of rounds.
        self._dealer_plays()
        self._settle_round()
        self._schedule_next_round()

    @_machine.output()
    def _finish_on_blackjack(self) -> None:
        self._reveal_hole()
        self._settle_round()
        self._schedule_next_round()

    def _dealer_plays(self) -> None:
        self._reveal_hole()
        cards = self._dealer_cards
        hit_soft_17 = self.config.hit_soft_17
        # The dealer always plays the hand out, even when every player has
        # bust: results don't change, and the table shows a whole hand.
        while dealer_must_hit(cards, hit_soft_17):
            card = self._draw()
            cards.append(card)
            self._show_dealer_card(card)

    def _can_insure(self, seat: CasinoSeat) -> bool:
        """Insurance is offered to a bettor whose half bet is at least a
        chip and who can pay for it."""
        return 1 <= insurance_cost(seat.bet) <= self.ledger.balance(seat.player_id)

    def _show_dealer_card(self, card: str) -> None:
        """Tell the table about a dealer card just put face up (the last of
        ``_dealer_cards``)."""
        if self._listening:
            self._broadcast(
                {
                    "type": "hit",
                    "card": card,
                    "id": DEALER_ID,
                    "points": hand_total(self._dealer_cards)[0],
                }
            )

    def _settle_round(self) -> None:
        self._phase = Phase.BETWEEN_ROUNDS
        ledger = self.ledger
        config = self.config
        dealer = self._dealer_cards
        listening = self._listening
        results: list[dict[str, Any]] = []
        for seat in self._ordered:
            if not seat.in_round:
                continue
            seat.cancel_timers()
            player_id = seat.player_id
            for index, hand in enumerate(seat.hands):
                result, payout = settle_hand(hand, dealer, config)
                hand.result = result
                if payout:
                    ledger.pay(player_id, payout, "payout")
                    seat.returned += payout
                    hand.payout = payout
                if not listening:
                    continue
                if result == "win":
                    self._broadcast(
                        {
                            "type": "winner",
                            "id": player_id,
                            "hand": index,
                            "payout": payout,
                        }
                    )
                else:
                    seat.send(
                        {
                            "type": result,
                            "id": player_id,
                            "hand": index,
                            "payout": hand.payout,
                        }
                    )
                results.append(
                    {
                        "id": player_id,
                        "username": seat.username,
                        "index": index,
                        "hand": list(hand.cards),
                        "points": hand.total,
                        "bet": hand.bet,
                        "result": result,
                        "blackjack": hand.is_blackjack,
                        "doubled": hand.doubled,
                        "surrendered": hand.status == SURRENDERED,
                        "payout": hand.payout,
                        "balance": ledger.balance(player_id),
                    }
                )
        self.rounds_played += 1
        if listening:
            self._broadcast(
                {
                    "type": "round_over",
                    "dealer": {
                        "hand": list(dealer),
                        "points": hand_total(dealer)[0],
                        "blackjack": is_natural(dealer),
                    },
                    "results": results,
                    "next_round_in": config.round_delay,
                }
            )
        for seat in self._ordered:
            if listening:
                seat.send(
                    {
                        "type": "balance",
                        "balance": ledger.balance(seat.player_id),
                        "net": seat.returned - seat.staked,
                    }
                )
            seat.bet = seat.staked = seat.returned = 0
            seat.insurance = 0

    def _schedule_next_round(self) -> None:
        self._timer = self._clock.callLater(
            self.config.round_delay, self._do_next_round
        )

    @_machine.output()
    def _end_round_check(self) -> None:
        if not self._seats:
            self._emptied()
        else:
            self._end_round_if_done()

    @_machine.output()
    def _idle_if_empty(self) -> None:
        if not self._seats:
            self._emptied()

    @_machine.output()
    def _forget_round(self) -> None:
        self._phase = Phase.IDLE
        self._cancel_timer()
        self._upcard = self._hole = None
        self._hole_revealed = False
        self._dealer_cards = []

    # -- transitions ------------------------------------------------------------

    idle.upon(_sit, enter=betting, outputs=[_take_seat, _open_betting])

    betting.upon(_sit, enter=betting, outputs=[_take_seat, _invite_to_bet])
    betting.upon(
        _leave, enter=betting, outputs=[_refund_bet, _unseat, _close_bets_if_all_in]
    )
    betting.upon(_bets_closed, enter=dealing, outputs=[_deal_round])
    betting.upon(_emptied, enter=idle, outputs=[_forget_round])

    dealing.upon(_nobody_bet, enter=betting, outputs=[_open_betting])
    dealing.upon(_offer_insurance, enter=insuring, outputs=[_ask_for_insurance])
    dealing.upon(_play, enter=playing, outputs=[_start_play])
    dealing.upon(
        _dealer_blackjack,
        enter=between_rounds,
        outputs=[_finish_on_blackjack],
    )

    insuring.upon(_sit, enter=insuring, outputs=[_take_seat, _tell_wait])
    insuring.upon(_leave, enter=insuring, outputs=[_unseat, _close_insurance_if_all_in])
    insuring.upon(_insurance_closed, enter=dealing, outputs=[_peek_after_insurance])
    insuring.upon(_emptied, enter=idle, outputs=[_forget_round])

    playing.upon(_sit, enter=playing, outputs=[_take_seat, _tell_wait])
    playing.upon(_leave, enter=playing, outputs=[_unseat, _end_round_check])
    playing.upon(
        _hands_done,
        enter=between_rounds,
        outputs=[_finish_round],
    )
    playing.upon(_emptied, enter=idle, outputs=[_forget_round])

    between_rounds.upon(_sit, enter=between_rounds, outputs=[_take_seat, _tell_wait])
    between_rounds.upon(_leave, enter=between_rounds, outputs=[_unseat, _idle_if_empty])
    between_rounds.upon(_next_round, enter=betting, outputs=[_open_betting])
    between_rounds.upon(_emptied, enter=idle, outputs=[_forget_round])
    # automat finds a transition by scanning all of them, comparing
    # dataclasses; the simulator plays millions of rounds, so index them.
    _index_transitions(_machine)

    # -- helpers ----------------------------------------------------------------

    def _betting_message(self) -> Message:
        return {
            "type": "betting",
            "min_bet": self.config.min_bet,
            "max_bet": self.config.max_bet,
            "seconds": max(0.0, self._betting_ends - self._clock.seconds()),
        }

    def _broadcast(self, message: Message, exclude: CasinoSeat | None = None) -> None:
        for seat in self._ordered:
            if seat is not exclude:
                seat.send(message)

    def _cancel_timer(self) -> None:
        cancel_call(self._timer)
        self._timer = None

    def _bet_timer_expired(self) -> None:
        self._timer = None
        self._do_bets_closed()

    def _insurance_timer_expired(self) -> None:
        self._timer = None
        self._insurance_closed()

    def _stake(self, seat: CasinoSeat, amount: int, kind: str) -> int:
        try:
            balance = self.ledger.stake(seat.player_id, amount, kind)
        except InsufficientChips:
            raise ActionRejected(402, "not enough chips") from None
        seat.staked += amount
        return balance

    def _peek(self) -> None:
        """Check the hole card under an ace or a ten, then settle insurance."""
        upcard = self._upcard
        assert upcard is not None
        if dealer_peeks(upcard):
            blackjack = is_natural(self._dealer_cards)
            if self._listening:
                self._broadcast({"type": "peek", "blackjack": blackjack})
            self._settle_insurance(blackjack)
            if blackjack:
                self._dealer_blackjack()
                return
        self._do_play()

    def _settle_insurance(self, dealer_blackjack: bool) -> None:
        for seat in self._ordered:
            cost = seat.insurance
            if not seat.in_round or not cost:
                continue
            payout = insurance_payout(cost, dealer_blackjack)
            balance = self.ledger.balance(seat.player_id)
            if payout:
                balance = self.ledger.pay(seat.player_id, payout, "insurance")
                seat.returned += payout
            if self._listening:
                self._broadcast(
                    {
                        "type": "insurance_result",
                        "id": seat.player_id,
                        "amount": cost,
                        "payout": payout,
                        "balance": balance,
                    }
                )

    def _reveal_hole(self) -> None:
        self._hole_revealed = True
        # Turned over before the dealer draws: the last card dealt to them.
        self._show_dealer_card(self._hole)

    def _end_round_if_done(self) -> None:
        if self._phase is not Phase.PLAYING:
            return
        for seat in self._ordered:
            if seat.in_round:
                for hand in seat.hands:
                    if hand.status == PLAYING:
                        return
        # Also when every bettor has left: the dealer plays, nobody is paid.
        self._do_hands_done()

    def _cards_in_play(self) -> Iterator[str]:
        yield from self._dealer_cards
        for seat in self._seats.values():
            for hand in seat.hands:
                yield from hand.cards

    def _draw(self) -> str:
        card, reshuffled = self._shoe.draw_or_refill(self._cards_in_play)
        if reshuffled and self._listening:
            self._broadcast({"type": "shuffle"})
        return card

    def _deal_to(self, seat: CasinoSeat, index: int, hand: PlayerHand) -> None:
        card = self._draw()
        hand.cards.append(card)
        if self._listening:
            self._broadcast(
                {
                    "type": "hit",
                    "card": card,
                    "id": seat.player_id,
                    "points": hand.total,
                    "hand": index,
                }
            )

    def _after_card(
        self, seat: CasinoSeat, index: int, hand: PlayerHand, reason: str
    ) -> None:
        total = hand.total
        if total > 21:
            self._finish(seat, index, hand, BUST, None)
            seat.send({"type": "bust", "id": seat.player_id, "hand": index})
        elif total == 21:
            self._finish(seat, index, hand, STOOD, reason)
        self._end_round_if_done()

    def _finish(
        self,
        seat: CasinoSeat,
        index: int,
        hand: PlayerHand,
        status: str,
        reason: str | None,
    ) -> None:
        hand.status = status
        cancel_call(seat.turn_timers.pop(index, None))
        if reason is not None and self._listening:
            self._broadcast(
                {"type": "stand", "id": seat.player_id, "hand": index, "reason": reason}
            )

    def _start_turn(self, seat: CasinoSeat, index: int) -> None:
        seconds = self.config.turn_timeout
        seat.turn_timers[index] = self._clock.callLater(
            seconds, self._turn_expired, seat, index
        )
        if self._listening:
            self._broadcast(
                {
                    "type": "deadline",
                    "id": seat.player_id,
                    "hand": index,
                    "seconds": seconds,
                }
            )

    def _turn_expired(self, seat: CasinoSeat, index: int) -> None:
        seat.turn_timers.pop(index, None)
        if self._seats.get(seat.player_id) is not seat:
            return
        if self._phase is Phase.PLAYING and index < len(seat.hands):
            hand = seat.hands[index]
            if hand.status == PLAYING:
                self._finish(seat, index, hand, STOOD, "timeout")
                self._end_round_if_done()

    def _introduce_others(self, seat: CasinoSeat) -> None:
        for other in self._ordered:
            if other is seat:
                continue
            first = other.hands[0] if other.hands else None
            seat.send(
                {
                    "type": "other_players",
                    "hand": list(first.cards) if first else [],
                    "id": other.player_id,
                    "points": first.total if first else 0,
                    "username": other.username,
                    "seat": other.index,
                    "state": _seat_state(other, self._phase),
                    "hands": [h.describe(i) for i, h in enumerate(other.hands)],
                    "balance": self.ledger.balance(other.player_id),
                }
            )


def _seat_state(seat: CasinoSeat, phase: Phase) -> str:
    if phase is Phase.BETTING:
        return "bet" if seat.bet else "betting"
    if not seat.in_round:
        return "waiting"
    if any(hand.status == PLAYING for hand in seat.hands):
        return "playing"
    return "done"
