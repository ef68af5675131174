"""The shoe: every card once per shoe, a cut card, and fair shuffles."""

from __future__ import annotations

import random
import secrets
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blackjackd.cards import DECK
from blackjackd.shoe import Shoe, ShoeEmpty, StackedShoe


@given(decks=st.integers(1, 8), seed=st.integers(0, 2**32))
@settings(max_examples=30)
def test_a_shoe_deals_every_card_exactly_once(decks, seed):
    shoe = Shoe(decks, random.Random(seed))
    dealt = [shoe.draw() for _ in range(shoe.size)]
    assert Counter(dealt) == Counter(DECK * decks)
    with pytest.raises(ShoeEmpty):
        shoe.draw()


@given(
    decks=st.integers(1, 8),
    penetration=st.floats(0.05, 1.0),
    seed=st.integers(0, 2**32),
)
def test_the_cut_card_comes_out_at_the_penetration(decks, penetration, seed):
    shoe = Shoe(decks, random.Random(seed), penetration=penetration)
    to_deal = shoe.size - round(shoe.size * (1 - penetration))
    for _ in range(to_deal - 1):
        shoe.draw()
        assert not shoe.needs_shuffle
    shoe.draw()
    assert shoe.needs_shuffle


def test_six_decks_reshuffle_after_about_three_quarters():
    shoe = Shoe(6, random.Random(1))
    dealt = 0
    while not shoe.needs_shuffle:
        shoe.draw()
        dealt += 1
    assert dealt == 234  # 75% of 312
    shoe.shuffle()
    assert (shoe.remaining, shoe.shuffles, shoe.needs_shuffle) == (312, 2, False)


@given(seed=st.integers(0, 2**32), held=st.integers(0, 52))
@settings(max_examples=30)
def test_a_shuffle_mid_round_leaves_the_cards_in_play_out(seed, held):
    shoe = Shoe(1, random.Random(seed))
    in_play = [shoe.draw() for _ in range(held)]
    shoe.shuffle(in_play=in_play)
    rest = [shoe.draw() for _ in range(shoe.remaining)]
    assert Counter(rest) + Counter(in_play) == Counter(DECK)


def test_two_seeds_shuffle_differently_and_one_seed_repeats():
    first = Shoe(6, random.Random(7))
    second = Shoe(6, random.Random(8))
    again = Shoe(6, random.Random(7))
    order = [first.draw() for _ in range(52)]
    assert order != [second.draw() for _ in range(52)]
    assert order == [again.draw() for _ in range(52)]


def test_shuffling_uses_the_injected_generator():
    generator = secrets.SystemRandom()
    calls = []
    original = generator.shuffle

    def spy(cards):
        calls.append(len(cards))
        original(cards)

    generator.shuffle = spy
    shoe = Shoe(2, generator)
    assert calls == [104]
    assert Counter(shoe.draw() for _ in range(104)) == Counter(DECK * 2)


@pytest.mark.parametrize(
    ("decks", "penetration"), [(0, 0.75), (1, 0), (1, 1.5), (-2, 0.5)]
)
def test_impossible_shoes_are_refused(decks, penetration):
    with pytest.raises(ValueError):
        Shoe(decks, random.Random(0), penetration=penetration)


def test_a_stacked_shoe_deals_in_order_and_never_reshuffles():
    shoe = StackedShoe(["AS", "KD"])
    assert not shoe.needs_shuffle
    shoe.stack(["2C", "3C"])
    assert [shoe.draw() for _ in range(4)] == ["2C", "3C", "AS", "KD"]
    with pytest.raises(ShoeEmpty):
        shoe.draw()
    with pytest.raises(ShoeEmpty):
        shoe.shuffle()


def test_draw_or_refill_reshuffles_only_an_empty_shoe_and_keeps_the_table_out():
    shoe = Shoe(1, random.Random(9))
    on_table = [shoe.draw() for _ in range(51)]
    card, reshuffled = shoe.draw_or_refill(lambda: on_table)
    assert not reshuffled
    on_table.append(card)
    asked = []

    def in_play():
        asked.append(True)
        return on_table[:10]

    card, reshuffled = shoe.draw_or_refill(in_play)
    assert reshuffled and asked == [True]
    rest = [card] + [shoe.draw() for _ in range(shoe.remaining)]
    assert Counter(rest) + Counter(on_table[:10]) == Counter(DECK)
