"""Helpers for casino table tests: stacked deals and recording players."""

from __future__ import annotations

from typing import Any

from twisted.internet.task import Clock

from blackjackd.casino import CasinoConfig
from blackjackd.casino_table import CasinoTable
from blackjackd.ledger import Ledger
from blackjackd.shoe import Shoe, StackedShoe
from blackjackd.testing import Inbox


def deal(
    *players: tuple[str, str], up: str, hole: str, then: tuple[str, ...] = ()
) -> list[str]:
    """The shoe order of a deal: a first card to each player, the upcard,
    a second card to each, the hole card, then ``then``."""
    return [
        *(cards[0] for cards in players),
        up,
        *(cards[1] for cards in players),
        hole,
        *then,
    ]


class Setup:
    """A table with players 1..n seated, each with an ``Inbox``."""

    def __init__(
        self,
        cards: list[str] | None = None,
        players: int = 1,
        shoe: Shoe | None = None,
        **rules: Any,
    ) -> None:
        self.clock = Clock()
        self.ledger = Ledger()
        self.config = CasinoConfig(**rules)
        self.shoe = shoe if shoe is not None else StackedShoe(cards or [])
        self.table = CasinoTable(1, self.config, self.shoe, self.clock, self.ledger)
        self.inboxes: dict[int, Inbox] = {}
        for player_id in range(1, players + 1):
            self.sit(player_id)

    def sit(self, player_id: int) -> Inbox:
        inbox = Inbox()
        self.inboxes[player_id] = inbox
        self.table.sit(player_id, f"p{player_id}", inbox)
        return inbox

    def balance(self, player_id: int = 1) -> int:
        return self.ledger.balance(player_id)

    def clear(self) -> None:
        for inbox in self.inboxes.values():
            inbox.clear()
