"""The shoe: every card once per shoe, a cut card, and fair shuffles."""

from __future__ import annotations

import random
import secrets
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.cards import DECK
from blackjackd.shoe import Shoe, ShoeEmpty, StackedShoe


class ShoeTests(SynchronousTestCase):
    """A shuffled shoe of one or more decks."""

    @given(decks=st.integers(1, 8), seed=st.integers(0, 2**32))
    @settings(max_examples=30)
    def test_a_shoe_deals_every_card_exactly_once(self, decks, seed):
        shoe = Shoe(decks, random.Random(seed))
        dealt = [shoe.draw() for _ in range(shoe.size)]
        self.assertEqual(Counter(dealt), Counter(DECK * decks))
        self.assertRaises(ShoeEmpty, shoe.draw)

    @given(
        decks=st.integers(1, 8),
        penetration=st.floats(0.05, 1.0),
        seed=st.integers(0, 2**32),
    )
    def test_the_cut_card_comes_out_at_the_penetration(self, decks, penetration, seed):
        shoe = Shoe(decks, random.Random(seed), penetration=penetration)
        to_deal = shoe.size - round(shoe.size * (1 - penetration))
        for _ in range(to_deal - 1):
            shoe.draw()
            self.assertFalse(shoe.needs_shuffle)
        shoe.draw()
        self.assertTrue(shoe.needs_shuffle)

    def test_six_decks_reshuffle_after_about_three_quarters(self):
        shoe = Shoe(6, random.Random(1))
        dealt = 0
        while not shoe.needs_shuffle:
            shoe.draw()
            dealt += 1
        self.assertEqual(dealt, 234)  # 75% of 312
        shoe.shuffle()
        self.assertEqual(
            (shoe.remaining, shoe.shuffles, shoe.needs_shuffle), (312, 2, False)
        )

    @given(seed=st.integers(0, 2**32), held=st.integers(0, 52))
    @settings(max_examples=30)
    def test_a_shuffle_mid_round_leaves_the_cards_in_play_out(self, seed, held):
        shoe = Shoe(1, random.Random(seed))
        in_play = [shoe.draw() for _ in range(held)]
        shoe.shuffle(in_play=in_play)
        rest = [shoe.draw() for _ in range(shoe.remaining)]
        self.assertEqual(Counter(rest) + Counter(in_play), Counter(DECK))

    def test_two_seeds_shuffle_differently_and_one_seed_repeats(self):
        first = Shoe(6, random.Random(7))
        second = Shoe(6, random.Random(8))
        again = Shoe(6, random.Random(7))
        order = [first.draw() for _ in range(52)]
        self.assertNotEqual(order, [second.draw() for _ in range(52)])
        self.assertEqual(order, [again.draw() for _ in range(52)])

    def test_shuffling_uses_the_injected_generator(self):
        generator = secrets.SystemRandom()
        calls = []
        original = generator.shuffle

        def spy(cards):
            calls.append(len(cards))
            original(cards)

        generator.shuffle = spy
        shoe = Shoe(2, generator)
        self.assertEqual(calls, [104])
        self.assertEqual(Counter(shoe.draw() for _ in range(104)), Counter(DECK * 2))

    def test_impossible_shoes_are_refused(self):
        for decks, penetration in [(0, 0.75), (1, 0), (1, 1.5), (-2, 0.5)]:
            self.assertRaises(
                ValueError, Shoe, decks, random.Random(0), penetration=penetration
            )

    def test_draw_or_refill_reshuffles_only_when_empty_keeping_the_table_out(self):
        shoe = Shoe(1, random.Random(9))
        on_table = [shoe.draw() for _ in range(51)]
        card, reshuffled = shoe.draw_or_refill(lambda: on_table)
        self.assertFalse(reshuffled)
        on_table.append(card)
        asked = []

        def in_play():
            asked.append(True)
            return on_table[:10]

        card, reshuffled = shoe.draw_or_refill(in_play)
        self.assertTrue(reshuffled)
        self.assertEqual(asked, [True])
        rest = [card] + [shoe.draw() for _ in range(shoe.remaining)]
        self.assertEqual(Counter(rest) + Counter(on_table[:10]), Counter(DECK))


class StackedShoeTests(SynchronousTestCase):
    """The shoe tests stack: cards in a known order."""

    def test_a_stacked_shoe_deals_in_order_and_never_reshuffles(self):
        shoe = StackedShoe(["AS", "KD"])
        self.assertFalse(shoe.needs_shuffle)
        shoe.stack(["2C", "3C"])
        self.assertEqual([shoe.draw() for _ in range(4)], ["2C", "3C", "AS", "KD"])
        self.assertRaises(ShoeEmpty, shoe.draw)
        self.assertRaises(ShoeEmpty, shoe.shuffle)
