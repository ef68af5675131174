"""``makeService``: what ``twistd blackjack`` builds from its options."""

from __future__ import annotations

import json
import secrets
from fractions import Fraction

import pytest
import pytest_twisted
from twisted.application.internet import StreamServerEndpointService
from twisted.internet import reactor
from twisted.python import usage
from twisted.web.client import Agent, readBody

from blackjackd.casino import CasinoConfig
from blackjackd.casino_table import CasinoTable
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


def test_a_casino_service_has_casino_tables_and_one_ledger():
    service = _build(
        "--game", "casino", "--tables", "2", "--min-bet", "5", "--max-bet", "50",
        "--bet-timeout", "7.5", "--starting-chips", "200", "--blackjack-pays",
        "6:5", "--no-das", "--surrender", "--resplit-aces", "--h17",
    )  # fmt: skip
    lobby = next(c for c in service if isinstance(c, LobbyService)).lobby
    assert lobby.game == "casino"
    assert [type(table) for table in lobby.tables] == [CasinoTable, CasinoTable]
    assert lobby.tables[0].ledger is lobby.tables[1].ledger is lobby.ledger
    config = lobby.tables[0].config
    assert (config.min_bet, config.max_bet, config.bet_timeout) == (5, 50, 7.5)
    assert (config.starting_chips, config.blackjack_pays) == (200, Fraction(6, 5))
    assert (config.das, config.surrender, config.resplit_aces) == (False, True, True)
    assert config.hit_soft_17


def test_casino_defaults():
    lobby = next(c for c in _build("--game", "casino") if isinstance(c, LobbyService))
    config = lobby.lobby.tables[0].config
    assert config == CasinoConfig()


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--min-bet", "5"], "--min-bet: only for casino tables (--game casino)"),
        (
            ["--surrender", "--no-das"],
            "--no-das, --surrender: only for casino tables (--game casino)",
        ),
        (["--game", "poker"], "--game: 'poker' is not a game: classic or casino"),
        (
            ["--game", "casino", "--min-bet", "600"],
            "--min-bet (600) is above --max-bet (500)",
        ),
        (["--game", "casino", "--das", "--no-das"], "--das and --no-das: choose one"),
        (["--game", "casino", "--blackjack-pays", "2:1"], "a blackjack pays 3:2"),
        (["--game", "casino", "--starting-chips", "-5"], "out of range"),
    ],
)
def test_contradictory_options_are_usage_errors(args, complaint):
    with pytest.raises(usage.UsageError) as refused:
        Options().parseOptions(args)
    assert complaint in str(refused.value)


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
