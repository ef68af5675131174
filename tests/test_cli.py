"""The terminal player: it plays whole rounds by itself at both kinds of
table, against a real server on a loopback port."""

from __future__ import annotations

import io
import random
import sys

from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase, TestCase

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


TYPED_COMMANDS = [
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
]


def _printed(case: SynchronousTestCase) -> io.StringIO:
    """Whatever is printed from now on, until the test ends."""
    out = io.StringIO()
    case.patch(sys, "stdout", out)
    return out


class AutoPlayerTests(TestCase):
    """The terminal player's --auto, against a real server on loopback."""

    async def play(self, config, argv, seed=4):
        """Run the terminal player with ``argv`` at a one-table server of
        ``config`` until it leaves; what it printed."""
        out = _printed(self)
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
        self.assertEqual(factory.clients, set())
        return out.getvalue()

    async def test_the_auto_player_plays_rounds_and_leaves(self):
        for game in sorted(CONFIGS):
            out = await self.play(CONFIGS[game], ["--auto", "--rounds", "3"])
            self.assertEqual(out.count("round over;"), 3, game)
            self.assertNotIn("error", out, f"{game}: no error in {out!r}")
            self.assertIn("disconnected (1000", out, f"{game}: {out!r}")
            self.assertIn(f", {game}", out, f"{game}: {out!r}")
            if game == "casino":
                self.assertIn("you bet 10", out, f"{game}: {out!r}")
                self.assertIn("chips (", out, f"{game}: {out!r}")

    async def test_basic_strategy_is_never_refused(self):
        for seed in [1, 2]:
            # A pause between rounds keeps the bot within the server's message rate.
            config = CasinoConfig(
                seats=2,
                round_delay=0.25,
                starting_chips=1000,
                surrender=True,
                min_bet=2,
            )
            out = await self.play(
                config, ["--auto", "--strategy", "basic", "--rounds", "8"], seed
            )
            self.assertEqual(out.count("round over;"), 8, f"seed={seed}")
            self.assertNotIn("error", out, f"seed={seed}: no error in {out!r}")


class TypedCommandsTests(SynchronousTestCase):
    """What each line typed at the terminal sends."""

    def test_typed_commands(self):
        for typed, sent in TYPED_COMMANDS:
            out = _printed(self)
            player = cli.TerminalPlayer()
            messages = []
            player.send = lambda request, into=messages: into.append(as_dict(request))
            player.command(typed)
            self.assertEqual(messages, ([sent] if sent else []), repr(typed))
            if sent is None and typed.strip():
                self.assertIn("h hit, s stand", out.getvalue(), f"help for {typed!r}")

    def test_a_refused_bet_is_told_the_unit(self):
        player = cli.TerminalPlayer()
        player.notes = cli.SeatNotes()
        player.send = lambda request: None
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
        self.assertEqual(player.unit(), 5)
        betting = wire.Betting(min_bet=12, max_bet=500, seconds=15)
        self.assertEqual(
            cli.describe(betting, 7, player.unit()),
            "place your bet: b 15 to b 500 in multiples of 5 within 15 s",
        )
        player.command("b 12")
        refused = wire.Error(400, "not on the unit")
        note = player.bet_refused(refused)
        self.assertIsNotNone(note)
        self.assertIn("bets are multiples of 5 chips, from 15 to 500", note)
        # Answered once: a later error is not about the bet.
        self.assertIsNone(player.bet_refused(refused))
        player.command("b 15")
        self.assertIsNone(player.bet_refused(wire.Bet(id=7, amount=15, balance=85)))
        self.assertIsNone(player.bet_refused(refused))
