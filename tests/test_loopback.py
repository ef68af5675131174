"""The whole server on a real loopback socket: the site, the WebSocket path
and the health check. The tables keep time on a ``Clock``; only the network
is real."""

from __future__ import annotations

import json
import random

import pytest
import pytest_twisted
from twisted.internet import reactor
from twisted.internet.task import Clock
from twisted.web.client import Agent, readBody

from blackjackd.lobby import Lobby
from blackjackd.protocol import BlackjackServerFactory
from blackjackd.shoe import StackedShoe
from blackjackd.table import TableConfig
from blackjackd.testing import open_client
from blackjackd.web import build_site


@pytest.fixture
def server():
    """A site on 127.0.0.1, on a free port, with a stacked shoe."""
    clock = Clock()
    # ann: TS 9S (19); bob: 7C 7D (14), hits 8H (22); the dealer: TH 8D (18).
    shoe = StackedShoe(["TS", "9S", "7C", "7D", "8H", "TH", "8D"])
    lobby = Lobby.build(
        tables=1,
        config=TableConfig(seats=2),
        clock=clock,
        rng=random.Random(0),
        shoe_factory=lambda config: shoe,
    )
    factory = BlackjackServerFactory(lobby, clock)
    port = reactor.listenTCP(0, build_site(factory, clock), interface="127.0.0.1")
    yield port.getHost().port, factory
    # Every test closes what it opened: no connection outlives it.
    assert factory.clients == set()
    lobby.close()
    pytest_twisted.blockon(port.stopListening())


async def get(port: int, path: str) -> tuple[int, bytes]:
    response = await Agent(reactor).request(
        b"GET", f"http://127.0.0.1:{port}{path}".encode()
    )
    return response.code, await readBody(response)


@pytest_twisted.ensureDeferred
async def test_a_round_over_real_websockets(server):
    port, factory = server
    ann = await open_client(reactor, port)
    bob = await open_client(reactor, port)
    try:
        assert await ann.next() == {"type": "auth"}
        assert await bob.next() == {"type": "auth"}
        ann.send({"type": "auth", "data": {"username": "ann"}})
        ann_start = await ann.until("deadline")
        assert [m["type"] for m in ann_start] == ["id", "hit", "hit", "deadline"]
        bob.send({"type": "auth", "data": {"username": "bob"}})
        bob_start = await bob.until("deadline")
        assert [m["type"] for m in bob_start] == [
            "id",
            "hit",
            "hit",
            "other_players",
            "deadline",
        ]
        assert bob_start[3]["hand"] == ["TS", "9S"]

        # A third visitor finds the table full.
        third = await open_client(reactor, port)
        assert await third.next() == {
            "type": "error",
            "status_code": 507,
            "message": "all busy",
        }
        await third.close()
        assert third.close_code == 1013

        status, body = await get(port, "/healthz")
        health = json.loads(body)
        assert status == 200
        assert (health["seats_taken"], health["clients"]) == (2, 2)

        bob.send({"type": "hit"})
        assert (await bob.until("bust"))[-1] == {"type": "bust", "id": 2}
        ann.send({"type": "stand"})
        ann_end = await ann.until("round_over")
        bob_end = await bob.until("round_over")
        assert {"type": "winner", "id": 1} in ann_end
        assert {"type": "winner", "id": 1} in bob_end
        assert {"type": "lose", "id": 2} in bob_end
        assert ann_end[-1]["dealer"] == {"hand": ["TH", "8D"], "points": 18}
    finally:
        await ann.close()
        await bob.close()
    assert factory.clients == set()
    assert factory.lobby.seats_taken == 0


@pytest_twisted.ensureDeferred
async def test_http_paths(server):
    port, _ = server
    status, body = await get(port, "/")
    assert (status, body) == (
        200,
        b"blackjackd: the game's WebSocket is at /websocket\n",
    )
    status, body = await get(port, "/healthz")
    assert status == 200
    assert json.loads(body)["status"] == "ok"
    status, _ = await get(port, "/nothing-here")
    assert status == 404


@pytest_twisted.ensureDeferred
async def test_the_websocket_lives_only_at_its_path(server):
    port, _ = server
    with pytest.raises(ConnectionError):
        await open_client(reactor, port, path="/elsewhere")
