"""Cards and hand values: soft aces, naturals and the wire spelling."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.cards import (
    DECK,
    RANKS,
    SUITS,
    HandValue,
    card_value,
    hand_value,
    is_blackjack,
    is_card,
    points,
)

cards = st.sampled_from(DECK)

HAND_VALUES = [
    ([], HandValue(0, False)),
    (["AS"], HandValue(11, True)),
    (["AS", "6H"], HandValue(17, True)),
    (["AS", "6H", "9C"], HandValue(16, False)),
    (["AS", "AH"], HandValue(12, True)),
    (["AS", "AH", "9C"], HandValue(21, True)),
    (["AS", "AH", "AD", "AC"], HandValue(14, True)),
    (["AS", "KH"], HandValue(21, True)),
    (["TS", "6H", "AD"], HandValue(17, False)),
    (["TS", "QH", "2D"], HandValue(22, False)),
    (["5S", "6H"], HandValue(11, False)),
]

NATURALS = [
    (["AS", "KH"], True),
    (["TD", "AC"], True),
    (["AS", "5H", "5D"], False),  # 21, but three cards
    (["TS", "QH"], False),
    (["AS"], False),
]


def _best_total_by_brute_force(hand: list[str]) -> int:
    """Try every way of counting each ace as 1 or 11: the best is the
    highest total that doesn't bust, else the lowest."""
    choices = [(1, 11) if card[0] == "A" else (card_value(card),) for card in hand]
    totals = {sum(combo) for combo in itertools.product(*choices)}
    safe = [total for total in totals if total <= 21]
    return max(safe) if safe else min(totals)


class DeckTests(SynchronousTestCase):
    """The 52 cards and how each is spelt and counted."""

    def test_a_deck_is_52_distinct_two_character_cards(self):
        self.assertEqual(len(DECK), 52)
        self.assertEqual(len(set(DECK)), 52)
        self.assertTrue(all(is_card(card) for card in DECK))
        self.assertEqual({card[0] for card in DECK}, set(RANKS))
        self.assertEqual({card[1] for card in DECK}, set(SUITS))

    def test_is_card_refuses_anything_else(self):
        for text in ["", "T", "TDX", "1S", "10D", "td", "AX", 5, None]:
            self.assertFalse(is_card(text), text)

    def test_card_values(self):
        for card, value in [
            ("AS", 1),
            ("2H", 2),
            ("9D", 9),
            ("TC", 10),
            ("JS", 10),
            ("QH", 10),
            ("KD", 10),
        ]:
            self.assertEqual(card_value(card), value, card)


class HandValueTests(SynchronousTestCase):
    """Totals, soft aces and naturals."""

    def test_hand_values(self):
        for hand, expected in HAND_VALUES:
            self.assertEqual(hand_value(hand), expected, hand)
            self.assertEqual(points(hand), expected.total, hand)

    @given(st.lists(cards, max_size=12))
    def test_hand_value_is_the_best_way_to_count_aces(self, hand):
        value = hand_value(hand)
        self.assertEqual(value[0], _best_total_by_brute_force(hand))
        # Soft means an ace is counted as 11: the total drops by 10 without it.
        hard_total = sum(card_value(card) for card in hand)
        self.assertEqual(value[1], value[0] == hard_total + 10)

    @given(st.lists(cards, min_size=1, max_size=12), cards)
    def test_another_card_never_lowers_a_hard_total(self, hand, card):
        before = hand_value(hand)
        after = hand_value([*hand, card])
        if not before[1]:
            self.assertGreater(after[0], before[0])

    def test_blackjack_is_a_two_card_21(self):
        for hand, natural in NATURALS:
            self.assertIs(is_blackjack(hand), natural, f"{hand}: natural is {natural}")
