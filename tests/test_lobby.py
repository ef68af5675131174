"""The lobby's seating, the table interface it holds, and the token bucket
that paces each client."""

from __future__ import annotations

import random

import pytest
from twisted.internet.task import Clock
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
from blackjackd.wire import REQUESTS, AuthRequest


def _lobby(tables: int, seats: int) -> Lobby:
    return Lobby.build(
        tables=tables,
        config=TableConfig(seats=seats),
        clock=Clock(),
        rng=random.Random(0),
        shoe_factory=lambda config: StackedShoe(["2S"] * 40),
    )


def test_players_fill_the_first_table_with_a_free_seat_first():
    lobby = _lobby(tables=3, seats=2)
    ids = [lobby.sit(f"p{n}", lambda message: None) for n in range(5)]
    assert ids == [1, 2, 3, 4, 5]
    assert [lobby.table_of(i).table_id for i in ids] == [1, 1, 2, 2, 3]
    lobby.leave(2)
    newcomer = lobby.sit("late", lambda message: None)
    # A seat freed at table 1 is the first free seat again; ids never repeat.
    assert (newcomer, lobby.table_of(newcomer).table_id) == (6, 1)
    assert (lobby.seats_taken, lobby.seats_total) == (5, 6)


def test_a_full_lobby_refuses_with_507():
    lobby = _lobby(tables=2, seats=1)
    lobby.sit("a", lambda message: None)
    lobby.sit("b", lambda message: None)
    assert not lobby.has_free_seat
    with pytest.raises(ActionRejected) as refused:
        lobby.sit("c", lambda message: None)
    assert refused.value.status_code == 507
    with pytest.raises(KeyError):
        lobby.table_of(3)


def test_leaving_twice_or_unseated_is_harmless():
    lobby = _lobby(tables=1, seats=2)
    player = lobby.sit("a", lambda message: None)
    lobby.leave(player)
    lobby.leave(player)
    lobby.leave(42)
    assert lobby.seats_taken == 0


def test_a_lobby_needs_a_table():
    with pytest.raises(ValueError):
        Lobby([])


def test_the_token_bucket_allows_a_burst_then_the_rate():
    clock = Clock()
    bucket = TokenBucket(rate=2, burst=3, clock=clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    clock.advance(0.5)  # one token back
    assert [bucket.take() for _ in range(2)] == [True, False]
    clock.advance(100)  # never more than the burst
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]


@pytest.mark.parametrize(("rate", "burst"), [(0, 1), (1, 0), (-1, 5)])
def test_the_token_bucket_refuses_nonsense(rate, burst):
    with pytest.raises(ValueError):
        TokenBucket(rate=rate, burst=burst, clock=Clock())


def test_both_kinds_of_table_provide_itable():
    classic = ClassicTable(1, TableConfig(), StackedShoe([]), Clock())
    casino = CasinoTable(1, CasinoConfig(), StackedShoe([]), Clock(), Ledger())
    for table in (classic, casino):
        assert verifyObject(ITable, table)
    assert (classic.game, casino.game) == ("classic", "casino")
    # Every request but auth is a table's action; classic tables play two.
    assert casino.actions == set(REQUESTS.values()) - {AuthRequest}
    assert {action.TYPE for action in classic.actions} == {"hit", "stand"}
