"""The whole server on a real loopback socket: the site, the WebSocket path
and the health check. The tables keep time on a ``Clock``; only the network
is real."""

from __future__ import annotations

import json

from twisted.internet import reactor
from twisted.internet.task import Clock
from twisted.trial.unittest import TestCase

from blackjackd.table import TableConfig
from blackjackd.testing import CLASSIC_OPENING, LiveServer, http_get, open_client
from blackjackd.web import WEB_CLIENT

# ann plays an opening round alone (TS 7H against the dealer's 9S 8H) while
# bob waits; then both are dealt in, a card each, then a second each:
# ann: TS 9S (19); bob: 7C 7D (14), hits 8H (22); the dealer: TH 8D (18).
CARDS = [*CLASSIC_OPENING, "TS", "7C", "9S", "7D", "8H", "TH", "8D"]


class LoopbackTests(TestCase):
    """A site on 127.0.0.1, on a free port, with a stacked shoe."""

    def setUp(self):
        self.clock = Clock()
        self.server = LiveServer(
            CARDS, config=TableConfig(seats=2), reactor=reactor, clock=self.clock
        )
        self.port = self.server.port_number
        self.addCleanup(self._stop)

    async def _stop(self):
        # Every test closes what it opened: no connection outlives it.
        self.assertEqual(self.server.factory.clients, set())
        await self.server.stop()

    async def test_a_round_over_real_websockets(self):
        """Two players play a round; a third finds the table full."""
        factory = self.server.factory
        ann = await open_client(reactor, self.port)
        bob = await open_client(reactor, self.port)
        try:
            self.assertEqual(await ann.next(), {"type": "auth"})
            self.assertEqual(await bob.next(), {"type": "auth"})
            ann.send({"type": "auth", "data": {"username": "ann"}})
            ann_start = await ann.until("deadline")
            self.assertEqual(
                [m["type"] for m in ann_start], ["id", "hit", "hit", "deadline"]
            )
            bob.send({"type": "auth", "data": {"username": "bob"}})
            # bob sat mid-round: he waits for the next one.
            bob_start = await bob.until("wait")
            self.assertEqual(
                [m["type"] for m in bob_start], ["id", "other_players", "wait"]
            )
            self.assertEqual(bob_start[1]["hand"], ["TS", "7H"])

            # A third visitor finds the table full.
            third = await open_client(reactor, self.port)
            self.assertEqual(
                await third.next(),
                {"type": "error", "status_code": 507, "message": "all busy"},
            )
            await third.close()
            self.assertEqual(third.close_code, 1013)

            status, body = await http_get(reactor, self.port, "/healthz")
            health = json.loads(body)
            self.assertEqual(status, 200)
            self.assertEqual((health["seats_taken"], health["clients"]), (2, 2))

            # ann's opening round ends; after the round delay both are dealt in.
            ann.send({"type": "stand"})
            await ann.until("round_over")
            await bob.until("round_over")
            self.clock.advance(TableConfig(seats=2).round_delay)
            for player in (ann, bob):
                deal = await player.until("deadline")
                self.assertEqual(
                    [m["type"] for m in deal],
                    ["restart", "hit", "hit", "hit", "hit", "deadline"],
                )

            bob.send({"type": "hit"})
            self.assertEqual((await bob.until("bust"))[-1], {"type": "bust", "id": 2})
            ann.send({"type": "stand"})
            ann_end = await ann.until("round_over")
            bob_end = await bob.until("round_over")
            self.assertIn({"type": "winner", "id": 1}, ann_end, "ann hears she won")
            self.assertIn({"type": "winner", "id": 1}, bob_end, "bob hears ann won")
            self.assertIn({"type": "lose", "id": 2}, bob_end, "bob hears he lost")
            self.assertEqual(
                ann_end[-1]["dealer"], {"hand": ["TH", "8D"], "points": 18}
            )
        finally:
            await ann.close()
            await bob.close()
        self.assertEqual(factory.clients, set())
        self.assertEqual(factory.lobby.seats_taken, 0)

    async def test_http_paths(self):
        """``/`` is the web client, ``/tables`` lists the tables,
        ``/healthz`` is up, others are 404."""
        status, body = await http_get(reactor, self.port, "/")
        self.assertEqual(status, 200)
        self.assertEqual(body, (WEB_CLIENT / "index.html").read_bytes())
        status, body = await http_get(reactor, self.port, "/tables")
        self.assertEqual(status, 200)
        self.assertEqual(
            [(t["table"], t["seats"], t["taken"]) for t in json.loads(body)["tables"]],
            [(1, 2, 0)],
        )
        status, body = await http_get(reactor, self.port, "/healthz")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["status"], "ok")
        status, _ = await http_get(reactor, self.port, "/nothing-here")
        self.assertEqual(status, 404)
        # The web client's folder is served file by file, never listed.
        status, _ = await http_get(reactor, self.port, "/index.html/")
        self.assertEqual(status, 404)

    async def test_the_websocket_lives_only_at_its_path(self):
        """A WebSocket handshake anywhere but ``/websocket`` fails."""
        with self.assertRaises(ConnectionError):
            await open_client(reactor, self.port, path="/elsewhere")
