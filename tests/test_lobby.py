"""The lobby's seating, the table interface it holds, and the token bucket
that paces each client."""

from __future__ import annotations

import random

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase
from zope.interface.verify import verifyObject

from blackjackd.casino import CasinoConfig
from blackjackd.casino_table import CasinoTable
from blackjackd.classic_table import ClassicTable
from blackjackd.errors import ActionRejected
from blackjackd.interfaces import ITable
from blackjackd.ledger import Ledger
from blackjackd.lobby import Lobby
from blackjackd.ratelimit import TokenBucket
from blackjackd.shoe import StackedShoe
from blackjackd.table import TableConfig
from blackjackd.wire import (
    REQUESTS,
    AuthRequest,
    HistoryRequest,
    RebuyRequest,
    ServerMessage,
    WatchRequest,
)
from tests.raising import raised


def _lobby(tables: int, seats: int) -> Lobby:
    return Lobby.build(
        tables=tables,
        config=TableConfig(seats=seats),
        clock=Clock(),
        rng=random.Random(0),
        shoe_factory=lambda config: StackedShoe(["2S"] * 40),
    )


def _ignore(message: ServerMessage) -> None:
    """A player's ``send`` that drops every message."""


#: (rate, burst) pairs a token bucket refuses.
NONSENSE_BUCKETS = [(0, 1), (1, 0), (-1, 5)]


class LobbySeatingTests(SynchronousTestCase):
    """Where the lobby seats players, and when it refuses them."""

    def test_players_fill_the_first_table_with_a_free_seat_first(self) -> None:
        lobby = _lobby(tables=3, seats=2)
        ids = [lobby.sit(f"p{n}", _ignore) for n in range(5)]
        self.assertEqual(ids, [1, 2, 3, 4, 5])
        self.assertEqual([lobby.table_of(i).table_id for i in ids], [1, 1, 2, 2, 3])
        lobby.leave(2)
        newcomer = lobby.sit("late", _ignore)
        # A seat freed at table 1 is the first free seat again; ids never repeat.
        self.assertEqual((newcomer, lobby.table_of(newcomer).table_id), (6, 1))
        self.assertEqual((lobby.seats_taken, lobby.seats_total), (5, 6))

    def test_a_full_lobby_refuses_with_507(self) -> None:
        lobby = _lobby(tables=2, seats=1)
        lobby.sit("a", _ignore)
        lobby.sit("b", _ignore)
        self.assertFalse(lobby.has_free_seat)
        refusal = self.assertRaises(ActionRejected, lobby.sit, "c", _ignore)
        self.assertEqual(refusal.status_code, 507)
        self.assertRaises(KeyError, lobby.table_of, 3)

    def test_leaving_twice_or_unseated_is_harmless(self) -> None:
        lobby = _lobby(tables=1, seats=2)
        player = lobby.sit("a", _ignore)
        lobby.leave(player)
        lobby.leave(player)
        lobby.leave(42)
        self.assertEqual(lobby.seats_taken, 0)

    def test_a_lobby_needs_a_table(self) -> None:
        self.assertRaises(ValueError, Lobby, [])


class TokenBucketTests(SynchronousTestCase):
    """The bucket that paces a client's requests."""

    def test_the_token_bucket_allows_a_burst_then_the_rate(self) -> None:
        clock = Clock()
        bucket = TokenBucket(rate=2, burst=3, clock=clock)
        self.assertEqual([bucket.take() for _ in range(4)], [True, True, True, False])
        clock.advance(0.5)  # one token back
        self.assertEqual([bucket.take() for _ in range(2)], [True, False])
        clock.advance(100)  # never more than the burst
        self.assertEqual([bucket.take() for _ in range(4)], [True, True, True, False])

    def test_the_token_bucket_refuses_nonsense(self) -> None:
        for rate, burst in NONSENSE_BUCKETS:
            raised(
                self,
                ValueError,
                f"rate={rate}, burst={burst}",
                TokenBucket,
                rate=rate,
                burst=burst,
                clock=Clock(),
            )


class TableInterfaceTests(SynchronousTestCase):
    """What the lobby and the protocol may ask of any table."""

    def test_both_kinds_of_table_provide_itable(self) -> None:
        classic = ClassicTable(1, TableConfig(), StackedShoe([]), Clock())
        casino = CasinoTable(1, CasinoConfig(), StackedShoe([]), Clock(), Ledger())
        for table in (classic, casino):
            self.assertTrue(verifyObject(ITable, table), table.game)
        self.assertEqual((classic.game, casino.game), ("classic", "casino"))
        # Every request but those of the connection, the account and watching is a
        # table's action; classic tables play two.
        self.assertEqual(
            casino.actions,
            set(REQUESTS.values())
            - {AuthRequest, RebuyRequest, HistoryRequest, WatchRequest},
        )
        self.assertEqual({action.TYPE for action in classic.actions}, {"hit", "stand"})
