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

from blackjackd.cards import hand_value
from blackjackd.casino import (
    BLACKJACK,
    PLAYING,
    STOOD,
    SURRENDERED,
    PlayerHand,
    dealer_peeks,
    insurance_cost,
    insurance_payout,
    is_natural,
    settle_against,
)
from blackjackd.casino_hands import Bettor, Emit, RoundHands, Stage, hand_view
from blackjackd.errors import ActionRejected
from blackjackd.rules import dealer_must_hit
from blackjackd.wire import (
    DEALER_ID,
    DealerResult,
    HandResult,
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
    Shuffle,
    Winner,
)

__all__ = ["Bettor", "CasinoRound", "Emit", "Stage", "hand_view"]


class CasinoRound(RoundHands):
    """One round at a casino table, from the deal to the settlement.

    Built with the bettors (``RoundHands``); the table (or the simulator)
    then calls ``deal``, ``insure``/``close_insurance`` while insurance is
    open, the players' moves while hands are played, and ``settle`` once
    ``stage`` is ``DEALER``.
    """

    __slots__ = ()  # RoundHands's slots are all it holds

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
        if self.moves is not None:
            self._note({"move": "insure", "player": player_id, "take": take})

    def close_insurance(self) -> Stage:
        """Insurance is over (every answer in, or its timer ran out): the
        undecided decline, and the dealer peeks."""
        if self.stage is not Stage.INSURANCE:
            raise ActionRejected(409, "insurance is not open")
        for bettor in self.bettors:
            if bettor.insurance is None:
                bettor.insurance = 0
        if self.moves is not None:
            self._note({"move": "close_insurance"})
        self._peek()
        return self.stage

    # -- what the table tells the round --------------------------------------------

    def time_out(self, player_id: int, hand: int) -> bool:
        """A hand's turn timer ran out: it stands (if it is still playing).
        Whether it did: a timer that fires late changes nothing."""
        bettor = self._by_id.get(player_id)
        if bettor is None or self.stage is not Stage.PLAYING:
            return False
        if not (0 <= hand < len(bettor.hands) and bettor.hands[hand].status == PLAYING):
            return False
        self._finish(bettor, hand, bettor.hands[hand], STOOD, "timeout")
        if self.moves is not None:
            self._note({"move": "time_out", "player": player_id, "hand": hand})
        return True

    def abandon(self, player_id: int) -> bool:
        """The player left the table for good mid-round. Their bet stays in
        play: an undecided insurance offer is declined,
        every hand still playing stands (``Stand`` with reason ``left``), and
        ``settle`` pays them like everyone else. Whether anything changed."""
        bettor = self._by_id.get(player_id)
        stage = self.stage
        if bettor is None or bettor.left:
            return False
        if stage is not Stage.INSURANCE and stage is not Stage.PLAYING:
            return False  # the hands are over: settling is all that's left
        bettor.left = True
        if bettor.insurance is None:
            bettor.insurance = 0
        insurance = stage is Stage.INSURANCE
        for index, hand in enumerate(bettor.hands):
            # While insurance is open a natural waits: the peek makes it a
            # blackjack. The peek starts no turn for a hand stood here.
            if hand.status == PLAYING and not (insurance and hand.is_blackjack):
                self._finish(bettor, index, hand, STOOD, "left", check=False)
        if not insurance:
            self._dealer_if_done()
        if self.moves is not None:
            self._note({"move": "abandon", "player": player_id, "hand": None})
        return True

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
        round_id = self.round_id  # positional below: the simulator's hot loop
        dealer_total = hand_value(dealer)[0]
        dealer_blackjack = is_natural(dealer)
        for bettor in self.bettors:
            player_id = bettor.player_id
            for index, hand in enumerate(bettor.hands):
                result, payout = settle_against(
                    hand, dealer_total, dealer_blackjack, config
                )
                hand.result = result
                if payout:
                    ledger.pay(player_id, payout, "payout", round_id)
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
                        points=dealer_total,
                        blackjack=dealer_blackjack,
                    ),
                    results=tuple(results),
                    next_round_in=config.round_delay,
                ),
                None,
            )

    # -- the deal and the dealer, inside ----------------------------------------------

    def _can_insure(self, bettor: Bettor) -> bool:
        """Insurance is offered to a bettor whose half bet is at least a chip
        and who can pay for it."""
        return 1 <= insurance_cost(bettor.bet) <= self.ledger.balance(bettor.player_id)

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
                balance = self.ledger.pay(
                    bettor.player_id, payout, "insurance", self.round_id
                )
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

    def _show_dealer_card(self) -> None:
        """Tell the table of the dealer card just put face up (the last one
        of ``dealer``)."""
        assert self._emit is not None
        dealer = self.dealer
        self._emit(
            Hit(card=dealer[-1], id=DEALER_ID, points=hand_value(dealer)[0]), None
        )
