"""Tables on their own, without the protocol: a player's ``Inbox``, a
stacked casino ``deal`` and a seated casino table (``CasinoSetup``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from twisted.internet.task import Clock

from blackjackd.casino import CasinoConfig, PlayerHand
from blackjackd.casino_table import CasinoTable
from blackjackd.ledger import Ledger
from blackjackd.shoe import Shoe, StackedShoe
from blackjackd.wire import (
    BetRequest,
    DoubleRequest,
    HitRequest,
    InsuranceRequest,
    ServerMessage,
    SplitRequest,
    StandRequest,
    SurrenderRequest,
    as_dict,
)

#: The cards of a classic table's opening round, for tests that need two
#: players dealt in together (``MemoryServer.deal_together``): the first
#: player stands on 17 (TS 7H) and the dealer draws 17 (9S 8H).
CLASSIC_OPENING = ("TS", "7H", "9S", "8H")


class Inbox(list[dict[str, Any]]):
    """A player's ``send`` for a table built in a test: keeps every message
    as the JSON object that would go out, so tests compare plain dicts."""

    def __call__(self, message: ServerMessage) -> None:
        self.append(as_dict(message))

    def types(self) -> list[str]:
        return [message["type"] for message in self]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [message for message in self if message["type"] == kind]

    def take(self) -> list[dict[str, Any]]:
        """Every message received since the last ``take``."""
        taken = list(self)
        self.clear()
        return taken


def deal(
    *players: tuple[str, str], up: str, hole: str, then: Sequence[str] = ()
) -> list[str]:
    """The shoe order of a casino deal: a first card to each player, the
    upcard, a second card to each, the hole card, then ``then``."""
    return [
        *(cards[0] for cards in players),
        up,
        *(cards[1] for cards in players),
        hole,
        *then,
    ]


class CasinoSetup:
    """A casino table on a ``Clock`` with players 1..n seated, each with an
    ``Inbox`` (``inboxes``); ``rules`` are ``CasinoConfig`` fields."""

    def __init__(
        self,
        cards: Sequence[str] = (),
        players: int = 1,
        shoe: Shoe | None = None,
        **rules: Any,
    ) -> None:
        self.clock = Clock()
        self.ledger = Ledger()
        self.config = CasinoConfig(**rules)
        self.shoe = shoe if shoe is not None else StackedShoe(cards)
        self.table = CasinoTable(1, self.config, self.shoe, self.clock, self.ledger)
        self.inboxes: dict[int, Inbox] = {}
        for player_id in range(1, players + 1):
            self.sit(player_id)

    def sit(self, player_id: int) -> Inbox:
        """Seat player ``player_id`` as ``p<id>``; their inbox."""
        inbox = Inbox()
        self.inboxes[player_id] = inbox
        self.table.sit(player_id, f"p{player_id}", inbox)
        return inbox

    def balance(self, player_id: int = 1) -> int:
        return self.ledger.balance(player_id)

    def hands(self, player_id: int) -> list[PlayerHand]:
        """The player's hands in the round at the table ([] if none)."""
        found = self.table.round
        bettor = found.bettor(player_id) if found is not None else None
        return bettor.hands if bettor is not None else []

    # Each player action, as the protocol would pass it on.

    def bet(self, player_id: int, amount: int) -> None:
        self.table.act(player_id, BetRequest(amount=amount))

    def insurance(self, player_id: int, take: bool = True) -> None:
        self.table.act(player_id, InsuranceRequest(take=take))

    def hit(self, player_id: int, hand: int | None = None) -> None:
        self.table.act(player_id, HitRequest(hand=hand))

    def stand(self, player_id: int, hand: int | None = None) -> None:
        self.table.act(player_id, StandRequest(hand=hand))

    def double(self, player_id: int, hand: int | None = None) -> None:
        self.table.act(player_id, DoubleRequest(hand=hand))

    def split(self, player_id: int, hand: int | None = None) -> None:
        self.table.act(player_id, SplitRequest(hand=hand))

    def surrender(self, player_id: int, hand: int | None = None) -> None:
        self.table.act(player_id, SurrenderRequest(hand=hand))

    def clear(self) -> None:
        """Empty every inbox."""
        for inbox in self.inboxes.values():
            inbox.clear()
