"""One round of casino blackjack, pure: the deal, the players' moves, the
dealer's play and the settlement.

A ``CasinoRound`` knows no clock, socket or state machine. The casino table
builds one when betting closes, feeds it the players' moves and its timers'
expiries, and forwards what it emits; the simulator drives the very same
class in a tight loop with ``emit=None``, when no message is even built.

Chips move only through the ``Ledger``: the table stakes each initial bet
before the deal; the round stakes doubles, splits and insurance and pays
surrenders, insurance and settlements.

Emitted messages go to ``emit(message, to)``, where ``to`` is the player id a
message is for, or ``None`` for the whole table. A ``Deadline`` is the
moment a hand's turn starts (the table starts its turn timer then); every
hand that finishes emits ``Stand``, ``Bust`` or ``Surrender``, and the table
stops that hand's timer.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from blackjackd.cards import hand_value
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
    settle_hand,
    split_refusal,
    surrender_refund,
    surrender_refusal,
)
from blackjackd.errors import ActionRejected
from blackjackd.ledger import InsufficientChips, Ledger
from blackjackd.rules import dealer_must_hit
from blackjackd.shoe import Shoe, ShoeEmpty
from blackjackd.wire import (
    DEALER_ID,
    Bust,
    Deadline,
    DealerResult,
    Double,
    HandResult,
    HandView,
    Hit,
    HoleCard,
    Insurance,
    InsuranceOffer,
    InsuranceResult,
    Lose,
    Peek,
    Push,
    Restart,
    RoundOver,
    ServerMessage,
    Shuffle,
    Split,
    Stand,
    Surrender,
    Winner,
)

#: Where an emitted message goes: a player id, or None for the whole table.
Emit = Callable[[ServerMessage, "int | None"], None]


def hand_view(index: int, hand: PlayerHand) -> HandView:
    """A player's hand as ``split`` and ``other_players`` show it."""
    return HandView(
        hand=index,
        cards=tuple(hand.cards),
        points=hand.total,
        bet=hand.bet,
        status=hand.status,
    )


class Stage(enum.Enum):
    """What a round waits for."""

    #: An ace is up: bettors take or decline insurance (``insure``), then
    #: the table calls ``close_insurance``.
    INSURANCE = "insurance"
    #: Hands are being played.
    PLAYING = "playing"
    #: No hand is left to play: the table calls ``settle``.
    DEALER = "dealer"
    #: Settled: every chip has been paid.
    SETTLED = "settled"


@dataclass(eq=False, slots=True)
class Bettor:
    """One player in the round: their hands and the chips they moved."""

    player_id: int
    username: str
    bet: int
    hands: list[PlayerHand] = field(default_factory=list)
    #: Insurance: None while undecided, 0 declined, else its cost.
    insurance: int | None = 0
    #: Chips staked and returned this round (the initial bet included).
    staked: int = 0
    returned: int = 0

    @property
    def net(self) -> int:
        """This round's gain (or loss) so far."""
        return self.returned - self.staked


class CasinoRound:
    """One round at a casino table, from the deal to the settlement.

    ``bettors`` are ``(player_id, username, bet)`` in seat order, their bets
    already staked. Refused moves raise ``ActionRejected`` and change
    nothing.
    """

    def __init__(
        self,
        config: CasinoConfig,
        shoe: Shoe,
        ledger: Ledger,
        bettors: Sequence[tuple[int, str, int]],
        emit: Emit | None = None,
    ) -> None:
        self.config = config
        self.ledger = ledger
        self._shoe = shoe
        self._emit = emit
        self.bettors = [
            Bettor(player_id, username, bet, staked=bet)
            for player_id, username, bet in bettors
        ]
        self._by_id = {bettor.player_id: bettor for bettor in self.bettors}
        self.dealer: list[str] = []
        self.hole_revealed = False
        self.stage = Stage.PLAYING

    # -- what the table and the simulator read --------------------------------

    @property
    def upcard(self) -> str | None:
        return self.dealer[0] if self.dealer else None

    @property
    def dealer_visible(self) -> list[str]:
        """The dealer's cards players may see: never the hole card before
        the dealer turns it over."""
        if self.hole_revealed:
            return list(self.dealer)
        return self.dealer[:1]

    def bettor(self, player_id: int) -> Bettor | None:
        """The player's part in this round, or None if they sit it out."""
        return self._by_id.get(player_id)

    def playing_hands(self) -> Iterator[tuple[Bettor, int, PlayerHand]]:
        """Every hand still to be played, in seat order."""
        for bettor in self.bettors:
            for index, hand in enumerate(bettor.hands):
                if hand.status == PLAYING:
                    yield bettor, index, hand

    # -- the deal ----------------------------------------------------------------

    def deal(self) -> Stage:
        """Shuffle if due, deal as a dealer does (a card to each bettor, the
        upcard, a second card to each, the hole card face down), then offer
        insurance or peek. Returns the stage the round is in."""
        shoe, emit = self._shoe, self._emit
        if self.config.shuffle_every_round or shoe.needs_shuffle:
            shoe.shuffle()
            if emit is not None:
                emit(Shuffle(), None)
        if emit is not None:
            emit(Restart(), None)
        for bettor in self.bettors:
            bettor.hands = [PlayerHand(bet=bettor.bet)]
        for bettor in self.bettors:
            self._deal_to(bettor, 0, bettor.hands[0])
        self.dealer.append(self._draw())
        if emit is not None:
            self._show_dealer_card()
        for bettor in self.bettors:
            self._deal_to(bettor, 0, bettor.hands[0])
        self.dealer.append(self._draw())
        if emit is not None:
            emit(HoleCard(id=DEALER_ID), None)
        if self.dealer[0][0] == "A":
            offered = [bettor for bettor in self.bettors if self._can_insure(bettor)]
            if offered:
                self.stage = Stage.INSURANCE
                for bettor in offered:
                    bettor.insurance = None
                    if emit is not None:
                        emit(
                            InsuranceOffer(
                                amount=insurance_cost(bettor.bet),
                                seconds=self.config.turn_timeout,
                            ),
                            bettor.player_id,
                        )
                return self.stage
        self._peek()
        return self.stage

    # -- insurance ---------------------------------------------------------------

    @property
    def insurance_pending(self) -> bool:
        """Somebody has yet to answer the insurance offer."""
        return any(bettor.insurance is None for bettor in self.bettors)

    def insure(self, player_id: int, take: bool) -> None:
        """Take or decline the insurance offered to ``player_id``."""
        bettor = self._by_id.get(player_id)
        if (
            self.stage is not Stage.INSURANCE
            or bettor is None
            or bettor.insurance is not None
        ):
            raise ActionRejected(409, "no insurance offered to you now")
        cost = insurance_cost(bettor.bet) if take else 0
        balance = self._stake(bettor, cost, "insurance")
        bettor.insurance = cost
        if self._emit is not None:
            self._emit(
                Insurance(id=player_id, taken=bool(cost), amount=cost, balance=balance),
                None,
            )

    def close_insurance(self) -> Stage:
        """Insurance is over (every answer in, or its timer ran out): the
        undecided decline, and the dealer peeks."""
        for bettor in self.bettors:
            if bettor.insurance is None:
                bettor.insurance = 0
        self._peek()
        return self.stage

    # -- players' moves ------------------------------------------------------------

    def hit(self, player_id: int, hand: int | None = None) -> None:
        """Deal one more card to a hand."""
        bettor, index, player_hand = self._hand(player_id, hand)
        if player_hand.split_aces:
            raise ActionRejected(409, "split aces take one card each")
        self._deal_to(bettor, index, player_hand)
        self._after_card(bettor, index, player_hand, "21")

    def stand(self, player_id: int, hand: int | None = None) -> None:
        """End a hand."""
        bettor, index, player_hand = self._hand(player_id, hand)
        self._finish(bettor, index, player_hand, STOOD, "stand")

    def time_out(self, player_id: int, hand: int) -> None:
        """A hand's turn timer ran out: it stands (if it is still playing)."""
        bettor = self._by_id.get(player_id)
        if bettor is None or self.stage is not Stage.PLAYING:
            return
        if 0 <= hand < len(bettor.hands) and bettor.hands[hand].status == PLAYING:
            self._finish(bettor, hand, bettor.hands[hand], STOOD, "timeout")

    def double(self, player_id: int, hand: int | None = None) -> None:
        """Double the hand's bet, take one card, and stand."""
        bettor, index, player_hand = self._hand(player_id, hand)
        refusal = double_refusal(player_hand, self.config)
        if refusal is not None:
            raise ActionRejected(409, refusal)
        balance = self._stake(bettor, player_hand.bet, "double")
        player_hand.bet *= 2
        player_hand.doubled = True
        if self._emit is not None:
            self._emit(
                Double(id=player_id, hand=index, bet=player_hand.bet, balance=balance),
                None,
            )
        self._deal_to(bettor, index, player_hand)
        if player_hand.total > 21:
            self._finish(bettor, index, player_hand, BUST, None)
        else:
            self._finish(bettor, index, player_hand, STOOD, "double")

    def split(self, player_id: int, hand: int | None = None) -> None:
        """Split a pair into two hands, each with the same bet."""
        bettor, index, player_hand = self._hand(player_id, hand)
        config = self.config
        hands = bettor.hands
        refusal = split_refusal(player_hand, len(hands), config)
        if refusal is not None:
            raise ActionRejected(409, refusal)
        balance = self._stake(bettor, player_hand.bet, "split")
        aces = player_hand.cards[0][0] == "A"
        second = PlayerHand(
            bet=player_hand.bet,
            cards=[player_hand.cards.pop()],
            from_split=True,
            split_aces=aces,
        )
        player_hand.from_split = True
        player_hand.split_aces = aces
        new_index = len(hands)
        hands.append(second)
        emit = self._emit
        if emit is not None:
            # The new hand is announced before cards are dealt to it.
            emit(
                Split(
                    id=player_id,
                    hand=index,
                    new_hand=new_index,
                    hands=(hand_view(index, player_hand), hand_view(new_index, second)),
                    balance=balance,
                ),
                None,
            )
        self._deal_to(bettor, index, player_hand)
        self._deal_to(bettor, new_index, second)
        for i, split_hand in ((index, player_hand), (new_index, second)):
            if aces and split_refusal(split_hand, len(hands), config) is not None:
                # Split aces take one card each; a pair of them that can't be
                # split again (the rules, or the most hands held) is done.
                self._finish(bettor, i, split_hand, STOOD, "split_aces")
            elif split_hand.total == 21:
                self._finish(bettor, i, split_hand, STOOD, "21")
            else:
                self._start_turn(bettor, i)
        if aces:
            # Reaching the most hands ends the aces still waiting to split.
            for i, other in enumerate(hands):
                if other.status == PLAYING and split_refusal(other, len(hands), config):
                    self._finish(bettor, i, other, STOOD, "split_aces")

    def surrender(self, player_id: int, hand: int | None = None) -> None:
        """Give up a two-card hand for half its bet back (late surrender)."""
        bettor, index, player_hand = self._hand(player_id, hand)
        refusal = surrender_refusal(player_hand, self.config)
        if refusal is not None:
            raise ActionRejected(409, refusal)
        refund = surrender_refund(player_hand.bet)
        balance = self.ledger.pay(player_id, refund, "surrender")
        bettor.returned += refund
        player_hand.payout = refund
        if self._emit is not None:
            self._emit(
                Surrender(id=player_id, hand=index, refund=refund, balance=balance),
                None,
            )
        self._finish(bettor, index, player_hand, SURRENDERED, None)

    def remove(self, player_id: int) -> None:
        """The player left mid-round: their hands are dropped, and what they
        staked on them stays with the house."""
        bettor = self._by_id.pop(player_id, None)
        if bettor is None:
            return
        self.bettors.remove(bettor)
        bettor.hands = []
        if self.stage is Stage.PLAYING:
            self._dealer_if_done()

    # -- the dealer and the settlement ----------------------------------------------

    def settle(self) -> None:
        """The dealer turns the hole card over and draws to the rules; every
        hand is paid; ``RoundOver`` tells the table."""
        config, ledger, emit = self.config, self.ledger, self._emit
        dealer = self.dealer
        self.hole_revealed = True
        if emit is not None:
            self._show_dealer_card()
        # The dealer always plays the hand out, even when every player has
        # bust: results don't change, and the table shows a whole hand.
        while dealer_must_hit(dealer, config.hit_soft_17):
            dealer.append(self._draw())
            if emit is not None:
                self._show_dealer_card()
        results: list[HandResult] = []
        for bettor in self.bettors:
            player_id = bettor.player_id
            for index, hand in enumerate(bettor.hands):
                result, payout = settle_hand(hand, dealer, config)
                hand.result = result
                if payout:
                    ledger.pay(player_id, payout, "payout")
                    bettor.returned += payout
                    hand.payout = payout
                if emit is None:
                    continue
                if result == "win":
                    emit(Winner(id=player_id, hand=index, payout=payout), None)
                elif result == "lose":
                    emit(Lose(id=player_id, hand=index, payout=hand.payout), player_id)
                else:
                    emit(Push(id=player_id, hand=index, payout=payout), player_id)
                results.append(
                    HandResult(
                        id=player_id,
                        username=bettor.username,
                        index=index,
                        hand=tuple(hand.cards),
                        points=hand.total,
                        bet=hand.bet,
                        result=result,
                        blackjack=hand.is_blackjack,
                        doubled=hand.doubled,
                        surrendered=hand.status == SURRENDERED,
                        payout=hand.payout,
                        balance=ledger.balance(player_id),
                    )
                )
        self.stage = Stage.SETTLED
        if emit is not None:
            emit(
                RoundOver(
                    dealer=DealerResult(
                        hand=tuple(dealer),
                        points=hand_value(dealer)[0],
                        blackjack=is_natural(dealer),
                    ),
                    results=tuple(results),
                    next_round_in=config.round_delay,
                ),
                None,
            )

    # -- inside the round ------------------------------------------------------------

    def _hand(
        self, player_id: int, index: int | None
    ) -> tuple[Bettor, int, PlayerHand]:
        """The bettor and the playing hand a move is about, or a refusal."""
        bettor = self._by_id.get(player_id)
        if bettor is None:
            raise ActionRejected(409, "you are not in this round")
        if self.stage is not Stage.PLAYING:
            if self.stage is Stage.INSURANCE:
                raise ActionRejected(409, "insurance first: play starts after the peek")
            raise ActionRejected(409, "no hands are being played now")
        hands = bettor.hands
        if index is None:
            for i, hand in enumerate(hands):
                if hand.status == PLAYING:
                    return bettor, i, hand
            raise ActionRejected(409, "your hands are over")
        if not 0 <= index < len(hands):
            raise ActionRejected(400, "no such hand")
        hand = hands[index]
        if hand.status != PLAYING:
            raise ActionRejected(409, "that hand is over")
        return bettor, index, hand

    def _can_insure(self, bettor: Bettor) -> bool:
        """Insurance is offered to a bettor whose half bet is at least a chip
        and who can pay for it."""
        return 1 <= insurance_cost(bettor.bet) <= self.ledger.balance(bettor.player_id)

    def _stake(self, bettor: Bettor, amount: int, kind: str) -> int:
        try:
            balance = self.ledger.stake(bettor.player_id, amount, kind)
        except InsufficientChips:
            raise ActionRejected(402, "not enough chips") from None
        bettor.staked += amount
        return balance

    def _peek(self) -> None:
        """Under an ace or a ten, check the hole card for blackjack and settle
        insurance; a blackjack ends the play at once. Then play starts."""
        dealer = self.dealer
        if dealer_peeks(dealer[0]):
            blackjack = is_natural(dealer)
            if self._emit is not None:
                self._emit(Peek(blackjack=blackjack), None)
            self._settle_insurance(blackjack)
            if blackjack:
                self.stage = Stage.DEALER
                return
        self.stage = Stage.PLAYING
        for bettor in self.bettors:
            hand = bettor.hands[0]
            if hand.is_blackjack:
                self._finish(bettor, 0, hand, BLACKJACK, "blackjack", check=False)
            else:
                self._start_turn(bettor, 0)
        self._dealer_if_done()

    def _settle_insurance(self, dealer_blackjack: bool) -> None:
        for bettor in self.bettors:
            cost = bettor.insurance
            if not cost:
                continue
            payout = insurance_payout(cost, dealer_blackjack)
            if payout:
                balance = self.ledger.pay(bettor.player_id, payout, "insurance")
                bettor.returned += payout
            else:
                balance = self.ledger.balance(bettor.player_id)
            if self._emit is not None:
                self._emit(
                    InsuranceResult(
                        id=bettor.player_id,
                        amount=cost,
                        payout=payout,
                        balance=balance,
                    ),
                    None,
                )

    def _cards_in_play(self) -> Iterator[str]:
        yield from self.dealer
        for bettor in self.bettors:
            for hand in bettor.hands:
                yield from hand.cards

    def _draw(self) -> str:
        try:
            return self._shoe.draw()
        except ShoeEmpty:
            # A long round emptied the shoe: every card not on the table is
            # shuffled back in, so no card is ever in play twice.
            card, _ = self._shoe.draw_or_refill(self._cards_in_play)
            if self._emit is not None:
                self._emit(Shuffle(), None)
            return card

    def _show_dealer_card(self) -> None:
        """Tell the table of the dealer card just put face up (the last one
        of ``dealer``)."""
        assert self._emit is not None
        dealer = self.dealer
        self._emit(
            Hit(card=dealer[-1], id=DEALER_ID, points=hand_value(dealer)[0]), None
        )

    def _deal_to(self, bettor: Bettor, index: int, hand: PlayerHand) -> None:
        card = self._draw()
        hand.cards.append(card)
        if self._emit is not None:
            self._emit(
                Hit(card=card, id=bettor.player_id, points=hand.total, hand=index),
                None,
            )

    def _after_card(
        self, bettor: Bettor, index: int, hand: PlayerHand, reason: str
    ) -> None:
        total = hand.total
        if total > 21:
            self._finish(bettor, index, hand, BUST, None)
        elif total == 21:
            self._finish(bettor, index, hand, STOOD, reason)

    def _start_turn(self, bettor: Bettor, index: int) -> None:
        if self._emit is not None:
            self._emit(
                Deadline(
                    id=bettor.player_id,
                    hand=index,
                    seconds=self.config.turn_timeout,
                ),
                None,
            )

    def _finish(
        self,
        bettor: Bettor,
        index: int,
        hand: PlayerHand,
        status: str,
        reason: str | None,
        check: bool = True,
    ) -> None:
        hand.status = status
        emit = self._emit
        if emit is not None:
            if status == BUST:
                emit(Bust(id=bettor.player_id, hand=index), bettor.player_id)
            elif reason is not None:
                emit(Stand(id=bettor.player_id, hand=index, reason=reason), None)
        if check:
            self._dealer_if_done()

    def _dealer_if_done(self) -> None:
        for bettor in self.bettors:
            for hand in bettor.hands:
                if hand.status == PLAYING:
                    return
        # Also when every bettor has left: the dealer plays, nobody is paid.
        self.stage = Stage.DEALER
