"""``makeService``: what ``twistd blackjack`` builds from its options."""

from __future__ import annotations

import json
import secrets

import pytest_twisted
from twisted.application.internet import StreamServerEndpointService
from twisted.internet import reactor
from twisted.web.client import Agent, readBody

from blackjackd.tap import LobbyService, Options, makeService


def _build(*args: str):
    options = Options()
    options.parseOptions(["--port", "tcp:0:interface=127.0.0.1", *args])
    return makeService(options)


def test_the_service_wires_a_lobby_and_one_endpoint():
    service = _build("--tables", "3", "--seats", "2", "--decks", "2", "--h17")
    children = list(service)
    lobbies = [child for child in children if isinstance(child, LobbyService)]
    endpoints = [c for c in children if isinstance(c, StreamServerEndpointService)]
    assert len(lobbies) == 1 and len(endpoints) == 1
    lobby = lobbies[0].lobby
    assert [table.table_id for table in lobby.tables] == [1, 2, 3]
    config = lobby.tables[0].config
    assert (config.seats, config.decks, config.hit_soft_17) == (2, 2, True)
    assert lobby.seats_total == 6
    # Production shuffles with the operating system's secure generator.
    shoe = lobby.tables[0]._shoe
    assert isinstance(shoe._rng, secrets.SystemRandom)
    assert shoe.size == 104


@pytest_twisted.ensureDeferred
async def test_the_service_listens_and_stops_cleanly():
    service = _build()
    service.startService()
    endpoint_service = next(
        c for c in service if isinstance(c, StreamServerEndpointService)
    )
    port = await endpoint_service._waitingForPort
    try:
        address = port.getHost()
        response = await Agent(reactor).request(
            b"GET", f"http://127.0.0.1:{address.port}/healthz".encode()
        )
        assert json.loads(await readBody(response))["tables"] == 1
    finally:
        await service.stopService()
