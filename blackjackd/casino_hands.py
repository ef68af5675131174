"""The players' hands in one round of casino blackjack, and the moves on
them: hit, stand, double, split and surrender.

``RoundHands`` holds what a round is made of (the bettors, their hands, the
dealer's cards, the shoe and the ledger) and plays the players' moves; the
deal, insurance, the peek and the settlement are ``CasinoRound``'s, which
builds on it (``blackjackd.casino_round``). Pure: no clock, socket or state
machine. Refused moves raise ``ActionRejected`` and change nothing. A round
with a ``round_id`` records itself, for ``blackjackd.record``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from blackjackd.casino import (
    BUST,
    PLAYING,
    STOOD,
    SURRENDERED,
    CasinoConfig,
    PlayerHand,
    double_refusal,
    split_refusal,
    surrender_refund,
    surrender_refusal,
)
from blackjackd.errors import ActionRejected
from blackjackd.ledger import InsufficientChips, Ledger
from blackjackd.shoe import Shoe, ShoeEmpty
from blackjackd.wire import (
    Bust,
    Deadline,
    Double,
    HandView,
    Hit,
    ServerMessage,
    Shuffle,
    Split,
    Stand,
    Surrender,
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


@dataclass(frozen=True, slots=True)
class Entrant:
    """A bettor as the round began, for its record."""

    player_id: int
    username: str
    bet: int
    #: Their balance once the bet was staked.
    balance: int


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
    #: Left the table for good mid-round: their hands stand, their bet plays.
    left: bool = False

    @property
    def net(self) -> int:
        """This round's gain (or loss) so far."""
        return self.returned - self.staked


class RoundHands:
    """The bettors of one round, their hands, the dealer's cards, and the
    players' moves.

    ``bettors`` are ``(player_id, username, bet)`` in seat order, their bets
    already staked. Every chip the round moves is tagged with ``round_id``
    (pass it and ``now`` by keyword); with one, the round also records
    itself, each move stamped with ``now()`` (None without a clock).
    """

    # Slots: the simulator makes millions of rounds; slots are cheaper.
    __slots__ = (
        "_by_id",
        "_emit",
        "_now",
        "_shoe",
        "bettors",
        "config",
        "dealer",
        "drawn",
        "entrants",
        "hole_revealed",
        "ledger",
        "moves",
        "round_id",
        "stage",
    )

    def __init__(
        self,
        config: CasinoConfig,
        shoe: Shoe,
        ledger: Ledger,
        bettors: Sequence[tuple[int, str, int]],
        emit: Emit | None = None,
        round_id: str | None = None,
        now: Callable[[], float] | None = None,
    ) -> None:
        self.config = config
        self.ledger = ledger
        self.round_id = round_id
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
        # The record, kept only with a round id (the simulator keeps none):
        #: every card drawn from the shoe and every move accepted, in order;
        self.drawn: list[str] | None = None
        self.moves: list[dict[str, Any]] | None = None
        #: the bettors as the round began, with their chips then.
        self.entrants: tuple[Entrant, ...] = ()
        if round_id is not None:
            self.drawn = []
            self.moves = []
            self._now = now
            self.entrants = tuple(
                Entrant(b.player_id, b.username, b.bet, ledger.balance(b.player_id))
                for b in self.bettors
            )

    # -- players' moves ------------------------------------------------------------

    def hit(self, player_id: int, hand: int | None = None) -> None:
        """Deal one more card to a hand."""
        bettor, index, player_hand = self._hand(player_id, hand)
        if player_hand.split_aces:
            raise ActionRejected(409, "split aces take one card each")
        self._deal_to(bettor, index, player_hand)
        self._after_card(bettor, index, player_hand, "21")
        if self.moves is not None:
            self._note({"move": "hit", "player": player_id, "hand": index})

    def stand(self, player_id: int, hand: int | None = None) -> None:
        """End a hand."""
        bettor, index, player_hand = self._hand(player_id, hand)
        self._finish(bettor, index, player_hand, STOOD, "stand")
        if self.moves is not None:
            self._note({"move": "stand", "player": player_id, "hand": index})

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
        if self.moves is not None:
            self._note({"move": "double", "player": player_id, "hand": index})

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
        if self.moves is not None:
            self._note({"move": "split", "player": player_id, "hand": index})

    def surrender(self, player_id: int, hand: int | None = None) -> None:
        """Give up a two-card hand for half its bet back (late surrender)."""
        bettor, index, player_hand = self._hand(player_id, hand)
        refusal = surrender_refusal(player_hand, self.config)
        if refusal is not None:
            raise ActionRejected(409, refusal)
        refund = surrender_refund(player_hand.bet)
        balance = self.ledger.pay(player_id, refund, "surrender", self.round_id)
        bettor.returned += refund
        player_hand.payout = refund
        if self._emit is not None:
            self._emit(
                Surrender(id=player_id, hand=index, refund=refund, balance=balance),
                None,
            )
        self._finish(bettor, index, player_hand, SURRENDERED, None)
        if self.moves is not None:
            self._note({"move": "surrender", "player": player_id, "hand": index})

    # -- inside the round ---------------------------------------------------------

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

    def _stake(self, bettor: Bettor, amount: int, kind: str) -> int:
        try:
            balance = self.ledger.stake(bettor.player_id, amount, kind, self.round_id)
        except InsufficientChips:
            raise ActionRejected(402, "not enough chips") from None
        bettor.staked += amount
        return balance

    def _cards_in_play(self) -> Iterator[str]:
        yield from self.dealer
        for bettor in self.bettors:
            for hand in bettor.hands:
                yield from hand.cards

    def _draw(self) -> str:
        try:
            card = self._shoe.draw()
        except ShoeEmpty:
            # A long round emptied the shoe: every card not on the table is
            # shuffled back in, so no card is ever in play twice.
            card, _ = self._shoe.draw_or_refill(self._cards_in_play)
            if self._emit is not None:
                self._emit(Shuffle(), None)
        if self.drawn is not None:
            self.drawn.append(card)
        return card

    def _note(self, move: dict[str, Any]) -> None:
        """Record a move once it has been played, stamped with the clock."""
        assert self.moves is not None
        now = self._now
        self.moves.append({"at": None if now is None else now(), **move})

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
        # No turn for a hand its player stood by leaving during insurance.
        if self._emit is not None and bettor.hands[index].status == PLAYING:
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
