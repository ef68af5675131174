"""A real ``twistd blackjack`` stopped with SIGTERM in the middle of a
round drains: its players are told (``shutdown``), play the round to its
end, hear their balances, are closed with 1001, and the process exits 0
with every chip stored and no round left open. Nothing here sleeps."""

from __future__ import annotations

import sys

from twisted.internet import reactor
from twisted.internet.defer import Deferred, gatherResults
from twisted.internet.utils import getProcessOutputAndValue
from twisted.trial.unittest import TestCase

from blackjackd.store import connect
from blackjackd.testing import TIMEOUT
from blackjackd.testing.children import child_environment
from tests.scratch import scratch_directory
from tests.test_crash import (
    Player,
    Server,
    close_all,
    deal_a_waiting_round,
    sign_in_all,
)


class DrainTests(TestCase):
    timeout = 120

    async def test_sigterm_mid_round_finishes_the_round(self) -> None:
        directory = scratch_directory(self)
        db = f"sqlite:{directory / 'chips.sqlite'}"
        server = Server(self, directory, db, "--drain-timeout=60")
        players = await sign_in_all(await server.port())
        try:
            before = await deal_a_waiting_round(self, players)
            server.transport.signalProcess("TERM")
            for player in players:
                notice = await player.until_type("shutdown")
                self.assertEqual(notice, {"type": "shutdown", "seconds": 60.0})
            # The round plays on: each player answers what ``dealt`` saw (an
            # insurance offer, or their turn; the other is a harmless 409),
            # then whatever comes, until the dealer has played.
            for player in players:
                player.client.send({"type": "insurance", "take": False})
                player.client.send({"type": "stand", "hand": 0})
            await gatherResults(
                [Deferred.fromCoroutine(player.play_to_the_end()) for player in players]
            )
            await self._closed_going_away(players)
        finally:
            await close_all(players)
        self.assertEqual(await server.ended(), (0, None), server.log)
        self.assertNotIn("Traceback", server.log)
        told = {
            player.hello["username"].casefold(): player.balance for player in players
        }
        self.assertNotEqual(
            told, {name.casefold(): chips for name, chips in before.items()}
        )
        conn = connect(db)
        try:
            stored = dict(conn.execute("SELECT name_key, balance FROM accounts").rows)
            (open_rounds,) = conn.execute(
                "SELECT COUNT(*) FROM rounds WHERE status = 'open'"
            ).rows
        finally:
            conn.close()
        self.assertEqual(stored, told)
        self.assertEqual(open_rounds[0], 0)

    async def _closed_going_away(self, players: list[Player]) -> None:
        for player in players:
            player.client.closed.addTimeout(TIMEOUT, reactor)
            self.assertEqual(await player.client.closed, 1001)

    async def test_a_second_sigterm_stops_at_once(self) -> None:
        directory = scratch_directory(self)
        db = f"sqlite:{directory / 'chips.sqlite'}"
        server = Server(self, directory, db, "--drain-timeout=60")
        players = await sign_in_all(await server.port())
        try:
            await deal_a_waiting_round(self, players)
            server.transport.signalProcess("TERM")
            await players[0].until_type("shutdown")
            server.transport.signalProcess("TERM")
            await self._closed_going_away(players)
        finally:
            await close_all(players)
        self.assertEqual(await server.ended(), (0, None), server.log)
        self.assertIn("rounds under way at tables [1]", server.log)
        # The round stays open, its stakes stored: the next start refunds it.
        out, err, code = await getProcessOutputAndValue(
            sys.executable,
            ["-m", "blackjackd.audit", "--db", db, "--allow-open"],
            env=child_environment(),
            path=str(directory),
            reactor=reactor,
        )
        report = (out + err).decode(errors="replace")
        self.assertEqual(code, 0, report)
        self.assertIn("1 open", report)
