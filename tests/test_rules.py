"""The dealer's play and settling a player against the dealer."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.cards import DECK, points
from blackjackd.rules import Outcome, dealer_must_hit, settle

DEALER_DRAWS = [
    (["TS", "6H"], False, True),  # 16
    (["TS", "7H"], False, False),  # hard 17
    (["TS", "7H"], True, False),
    (["AS", "6H"], False, False),  # soft 17 stands under S17
    (["AS", "6H"], True, True),  # and hits under H17
    (["AS", "7H"], True, False),  # soft 18 stands either way
    (["AS", "5H", "TD"], True, True),  # hard 16
    (["AS", "AH", "5D"], True, True),  # soft 17 again
    (["9S", "8H"], True, False),
    ([], False, True),
]

SETTLEMENTS = [
    (["TS", "8H"], ["TD", "7C"], Outcome.WIN),  # 18 beats 17
    (["TS", "7H"], ["TD", "8C"], Outcome.LOSE),  # 17 under 18
    (["TS", "8H"], ["9D", "9C"], Outcome.PUSH),  # 18 against 18
    (["TS", "2H"], ["TD", "6C", "9S"], Outcome.WIN),  # dealer busts
    (["TS", "6H", "9D"], ["TD", "6C", "9S"], Outcome.LOSE),  # both bust
    (["TS", "6H", "9D"], ["TD", "7C"], Outcome.LOSE),  # player busts
    (["AS", "KH"], ["7D", "7C", "7S"], Outcome.PUSH),  # 21 each
    (["AS", "5H", "5D"], ["AD", "KC"], Outcome.PUSH),  # classic: totals only
]

hands = st.lists(st.sampled_from(DECK), min_size=2, max_size=8)


class DealerTests(SynchronousTestCase):
    """The dealer draws to 17, soft 17 by the table's rule."""

    def test_dealer_draws_to_17(self):
        for dealer, h17, hits in DEALER_DRAWS:
            self.assertIs(
                dealer_must_hit(dealer, hit_soft_17=h17),
                hits,
                f"{dealer} with hit_soft_17={h17}: hits is {hits}",
            )


class SettleTests(SynchronousTestCase):
    """Settling a classic hand: totals against totals."""

    def test_settle_every_case(self):
        for player, dealer, outcome in SETTLEMENTS:
            self.assertIs(settle(player, dealer), outcome, f"{player} against {dealer}")

    @given(hands, hands)
    def test_settlement_agrees_with_the_totals(self, player, dealer):
        outcome = settle(player, dealer)
        mine, theirs = points(player), points(dealer)
        if mine > 21:
            self.assertIs(outcome, Outcome.LOSE)
        elif theirs > 21:
            self.assertIs(outcome, Outcome.WIN)
        elif mine > theirs:
            self.assertIs(outcome, Outcome.WIN)
        elif mine < theirs:
            self.assertIs(outcome, Outcome.LOSE)
        else:
            self.assertIs(outcome, Outcome.PUSH)

    @given(hands, hands)
    def test_settlement_is_antisymmetric_when_nobody_busts(self, player, dealer):
        if points(player) <= 21 and points(dealer) <= 21:
            forward, backward = settle(player, dealer), settle(dealer, player)
            flipped = {Outcome.WIN: Outcome.LOSE, Outcome.LOSE: Outcome.WIN}
            self.assertIs(backward, flipped.get(forward, Outcome.PUSH))
