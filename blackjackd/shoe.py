"""The shoe: several decks shuffled together, dealt down to a cut card."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from blackjackd.cards import DECK

#: Share of the shoe dealt before the cut card calls for a reshuffle.
DEFAULT_PENETRATION = 0.75


class ShoeEmpty(Exception):
    """Raised by a stacked shoe that has dealt every card it was given."""


class Shoe:
    """``decks`` decks, shuffled by ``rng``, with a cut card.

    The shoe never reshuffles by itself: the table asks ``needs_shuffle``
    between rounds and calls ``shuffle``. A round that runs the shoe dry
    (a few decks, many players, many hits) calls ``shuffle`` with the cards
    still on the table, so no card is ever in play twice.
    """

    def __init__(
        self,
        decks: int,
        rng: random.Random,
        penetration: float = DEFAULT_PENETRATION,
    ) -> None:
        if decks < 1:
            raise ValueError("a shoe holds at least one deck")
        if not 0 < penetration <= 1:
            raise ValueError("penetration is a fraction of the shoe, 0 to 1")
        self.decks = decks
        self.penetration = penetration
        self._rng = rng
        self._cards: list[str] = []
        self._cut_at = 0
        self.shuffles = 0
        self.shuffle()

    @property
    def size(self) -> int:
        """How many cards a full shoe holds."""
        return self.decks * len(DECK)

    @property
    def remaining(self) -> int:
        """Cards left to deal before the shoe runs dry."""
        return len(self._cards)

    @property
    def needs_shuffle(self) -> bool:
        """True once the cut card has come out."""
        return len(self._cards) <= self._cut_at

    def shuffle(self, in_play: Iterable[str] = ()) -> None:
        """Gather every card but those ``in_play`` and shuffle them."""
        cards = list(DECK) * self.decks
        held = Counter(in_play)
        if held:
            cards = [card for card in cards if not _take(held, card)]
        self._rng.shuffle(cards)
        self._cards = cards
        # The cut card sits this many cards from the back of the shoe.
        self._cut_at = round(len(cards) * (1 - self.penetration))
        self.shuffles += 1

    def mirror(self, other: Shoe) -> None:
        """Take on ``other``'s cards, in their order, and its cut card: the
        simulator plays several rule sets on the same cards this way."""
        self._cards = list(other._cards)
        self._cut_at = other._cut_at

    def draw(self) -> str:
        """Deal the next card; ``ShoeEmpty`` when none is left."""
        if not self._cards:
            raise ShoeEmpty("the shoe is empty")
        return self._cards.pop()

    def draw_or_refill(self, in_play: Callable[[], Iterable[str]]) -> tuple[str, bool]:
        """Deal the next card, and whether the shoe had to be reshuffled for it.

        A long round (few decks, many players, many hits) can empty the shoe:
        then every card but those ``in_play()`` returns (the cards on the
        table, the dealer's hole card included) is shuffled back in, so no
        card is ever in play twice.
        """
        try:
            return self.draw(), False
        except ShoeEmpty:
            self.shuffle(in_play=list(in_play()))
            return self.draw(), True


def _take(counter: Counter[str], card: str) -> bool:
    """Remove one ``card`` from ``counter``; True if there was one."""
    if counter[card] > 0:
        counter[card] -= 1
        return True
    return False


class StackedShoe(Shoe):
    """A shoe that deals the given cards in order: for tests and demos.

    It never asks for a shuffle; when its cards run out it raises
    ``ShoeEmpty``, so a test that deals more than it stacked fails loudly.
    """

    def __init__(self, cards: Sequence[str]) -> None:
        self.decks = 1
        self.penetration = 1.0
        self._rng = random.Random(0)
        self._cards = list(reversed(cards))
        self._cut_at = 0
        self.shuffles = 0

    @property
    def needs_shuffle(self) -> bool:
        return False

    def shuffle(self, in_play: Iterable[str] = ()) -> None:
        raise ShoeEmpty("a stacked shoe cannot be reshuffled")

    def stack(self, cards: Sequence[str]) -> None:
        """Put ``cards`` on top: they are dealt next, in order."""
        self._cards.extend(reversed(cards))
