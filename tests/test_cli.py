"""The terminal player: it plays whole rounds by itself at both kinds of
table, against a real server on a loopback port."""

from __future__ import annotations

import random

import pytest
import pytest_twisted
from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import Clock

from blackjackd import cli, wire
from blackjackd.casino import CasinoConfig
from blackjackd.lobby import Lobby
from blackjackd.protocol import BlackjackServerFactory, BlackjackServerProtocol
from blackjackd.table import TableConfig
from blackjackd.web import build_site
from blackjackd.wire import as_dict


class _Watched(BlackjackServerProtocol):
    """Tells the factory when the server's side of the connection is gone."""

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        super().onClose(wasClean, code, reason)
        self.factory.gone.callback(wasClean)


CONFIGS = {
    "classic": TableConfig(seats=2, round_delay=0),
    "casino": CasinoConfig(seats=2, round_delay=0, starting_chips=100),
}


async def _play(config, argv, seed=4):
    """Run the terminal player with ``argv`` at a one-table server of
    ``config`` until it leaves; what it printed."""
    # Real time for the network, and the reactor's time for the tables: the
    # bot answers at once, so no table timer ever fires.
    lobby = Lobby.build(1, config, reactor, random.Random(seed))
    factory = BlackjackServerFactory(lobby, reactor)
    factory.protocol = _Watched
    factory.gone = Deferred()
    port = reactor.listenTCP(0, build_site(factory, Clock()), interface="127.0.0.1")
    url = f"ws://127.0.0.1:{port.getHost().port}/websocket"
    try:
        done = cli.run(reactor, [url, "--name", "bot", *argv])
        done.addTimeout(15, reactor)
        await done
        # The server has heard the close too: no connection is left behind.
        factory.gone.addTimeout(15, reactor)
        await factory.gone
    finally:
        lobby.close()
        await port.stopListening()
    assert factory.clients == set()


@pytest.mark.parametrize("game", sorted(CONFIGS))
@pytest_twisted.ensureDeferred
async def test_the_auto_player_plays_rounds_and_leaves(game, capsys):
    await _play(CONFIGS[game], ["--auto", "--rounds", "3"])
    out = capsys.readouterr().out
    assert out.count("round over;") == 3
    assert "error" not in out
    assert "disconnected (1000" in out
    assert f", {game}" in out
    if game == "casino":
        assert "you bet 10" in out
        assert "chips (" in out


@pytest.mark.parametrize("seed", [1, 2])
@pytest_twisted.ensureDeferred
async def test_basic_strategy_is_never_refused(seed, capsys):
    # A pause between rounds keeps the bot within the server's message rate.
    config = CasinoConfig(
        seats=2, round_delay=0.25, starting_chips=1000, surrender=True, min_bet=2
    )
    await _play(config, ["--auto", "--strategy", "basic", "--rounds", "8"], seed)
    out = capsys.readouterr().out
    assert out.count("round over;") == 8
    assert "error" not in out


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("h", {"type": "hit"}),
        ("s 1", {"type": "stand", "hand": 1}),
        ("d", {"type": "double"}),
        ("p 0", {"type": "split", "hand": 0}),
        ("u", {"type": "surrender"}),
        ("b 25", {"type": "bet", "amount": 25}),
        ("i", {"type": "insurance", "take": True}),
        ("n", {"type": "insurance", "take": False}),
        ("  ", None),
        ("b", None),
        ("fold", None),
    ],
)
def test_typed_commands(typed, sent, capsys):
    player = cli.TerminalPlayer()
    messages = []
    player.send = lambda request: messages.append(as_dict(request))
    player.command(typed)
    assert messages == ([sent] if sent else [])
    if sent is None and typed.strip():
        assert "h hit, s stand" in capsys.readouterr().out


def test_a_refused_bet_is_told_the_unit(capsys):
    player = cli.TerminalPlayer()
    player.notes = cli.SeatNotes()
    player.send = lambda message: None
    player.notes.hear(
        {
            "type": "id",
            "client_id": 7,
            "username": "bot",
            "game": "casino",
            "rules": {
                "blackjack_pays": "6:5",
                "min_bet": 12,
                "max_bet": 500,
                "bet_unit": 5,
            },
        }
    )
    assert player.unit() == 5
    betting = {"type": "betting", "min_bet": 12, "max_bet": 500, "seconds": 15}
    line = cli.describe(wire.decode_server_message(betting), 7, player.unit())
    assert line == "place your bet: b 15 to b 500 in multiples of 5 within 15 s"
    player.command("b 12")
    refused = wire.Error(400, "not on the unit")
    note = player.bet_refused(refused)
    assert note is not None
    assert "bets are multiples of 5 chips, from 15 to 500" in note
    # Answered once: a later error is not about the bet.
    assert player.bet_refused(refused) is None
    player.command("b 15")
    assert player.bet_refused(wire.Bet(id=7, amount=15, balance=85)) is None
    assert player.bet_refused(refused) is None
