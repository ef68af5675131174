"""Draining on stop (``--drain-timeout``), in memory on a Clock: everyone is
told (``shutdown``), nobody new sits down, the rounds under way finish and
are stored, no other begins, then every connection is closed with 1001."""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.casino import CasinoConfig
from blackjackd.service import LobbyService
from blackjackd.store import Database, account_state
from blackjackd.table import TableConfig
from blackjackd.testing import CLASSIC_OPENING, MemoryServer, deal

RULES = {"seats": 3, "bet_timeout": 10, "turn_timeout": 20, "round_delay": 2}
PASSWORD = "correct horse"
STOPPING = {
    "type": "error",
    "status_code": 503,
    "message": "the server is stopping: try again soon",
}


def draining(server: MemoryServer, seconds: float = 60.0) -> LobbyService:
    """The server's service, started, as ``makeService`` builds it."""
    service = LobbyService(
        server.lobby,
        server.sessions,
        server.bank,
        server.database,
        factory=server.factory,
        drain_timeout=seconds,
        clock=server.clock,
    )
    service.startService()
    return service


def run_for(server: MemoryServer, seconds: float) -> None:
    """Let ``seconds`` pass in steps, as a reactor would: the drain looks
    every ``POLL_SECONDS``."""
    for _ in range(round(seconds / LobbyService.POLL_SECONDS)):
        server.advance(LobbyService.POLL_SECONDS)


def types(client) -> list[str]:
    return [message["type"] for message in client.take()]


class CasinoDrainTests(SynchronousTestCase):
    def dealt(self, seconds: float = 60.0):
        # ann 20 against the dealer's 17: a win of 100.
        self.url = "sqlite:" + self.mktemp() + ".sqlite"
        server = MemoryServer(
            deal(("TS", "QH"), up="7C", hole="KD"),
            config=CasinoConfig(**RULES),
            database=self.url,
        )
        # Started first, as twistd does: it refunds rounds left open.
        service = draining(server, seconds)
        ann = server.seat("ann", PASSWORD)
        ann.send({"type": "bet", "amount": 100})
        server.flush()
        ann.take()
        stopped: list[None] = []
        service.stopService().addCallback(stopped.append)
        server.flush()
        return server, ann, service, stopped

    def test_the_round_under_way_finishes_and_is_stored(self) -> None:
        server, ann, _, stopped = self.dealt()
        self.assertEqual(ann.take(), [{"type": "shutdown", "seconds": 60.0}])
        # Nobody new sits down or watches.
        newcomer = server.connect()
        newcomer.send({"type": "auth", "data": {"username": "bob"}})
        newcomer.send({"type": "watch", "data": {"table": 1}})
        server.flush()
        self.assertEqual(newcomer.take()[-2:], [STOPPING, STOPPING])
        self.assertEqual(stopped, [])
        # ann still plays her hand.
        ann.send({"type": "stand"})
        server.flush()
        after = types(ann)
        self.assertIn("round_over", after)
        self.assertNotIn("betting", after, "no other round begins")
        run_for(server, 0.1)
        self.assertEqual(ann.close_code, 1001)
        self.assertTrue(newcomer.closed)
        run_for(server, 0.2)
        self.assertEqual(stopped, [None])
        self.assertEqual(self.flushLoggedErrors(), [])

    def test_the_settled_round_is_stored(self) -> None:
        server, ann, _, stopped = self.dealt()
        ann.send({"type": "stand"})
        server.flush()
        run_for(server, 1)
        self.assertEqual(stopped, [None])
        stored = Database.inline(self.url)
        self.addCleanup(stored.close)
        self.assertEqual(account_state(stored._conn, 1).balance, 1100)

    def test_a_turn_timer_still_stands_an_idle_hand(self) -> None:
        server, ann, _, stopped = self.dealt()
        run_for(server, RULES["turn_timeout"] - 1)
        self.assertEqual(stopped, [])
        run_for(server, 1 + 1)
        self.assertIn("round_over", types(ann))
        self.assertEqual(ann.close_code, 1001)
        self.assertEqual(stopped, [None])

    def test_the_deadline_closes_a_round_still_open(self) -> None:
        server, ann, _, stopped = self.dealt(seconds=5)
        run_for(server, 5 + 1)
        self.assertEqual(ann.close_code, 1001)
        self.assertEqual(stopped, [None])
        # Left open: refunded at the next start, as after a crash.
        stored = Database.inline(self.url)
        self.addCleanup(stored.close)
        refunds = stored.refund_open_rounds(0.0)
        self.assertEqual([r.amount for r in self.successResultOf(refunds)], [100])

    def test_a_second_signal_stops_at_once(self) -> None:
        server, ann, service, stopped = self.dealt()
        service.stop_now()
        server.flush()
        run_for(server, 1)
        self.assertEqual(ann.close_code, 1001)
        self.assertEqual(stopped, [None])

    def test_a_held_seat_s_hand_stands_at_once(self) -> None:
        # ann dropped mid-hand: her seat is held, but she can't act while
        # the server drains, so her hand stands now, not at its turn timer.
        self.url = "sqlite:" + self.mktemp() + ".sqlite"
        server = MemoryServer(
            deal(("TS", "QH"), up="7C", hole="KD"),
            config=CasinoConfig(**RULES),
            database=self.url,
            seat_grace=30,
        )
        service = draining(server)
        ann = server.seat("ann", PASSWORD)
        ann.send({"type": "bet", "amount": 100})
        server.flush()
        server.drop(ann)
        stopped: list[None] = []
        service.stopService().addCallback(stopped.append)
        run_for(server, 1)
        self.assertEqual(stopped, [None])
        stored = Database.inline(self.url)
        self.addCleanup(stored.close)
        self.assertEqual(account_state(stored._conn, 1).balance, 1100)

    def test_betting_without_bets_ends_and_takes_no_more(self) -> None:
        # Table 1 plays a round; at table 2 nobody has bet yet.
        server = MemoryServer(
            deal(("TS", "QH"), up="7C", hole="KD"),
            tables=2,
            config=CasinoConfig(**RULES),
            database="sqlite::memory:",
        )
        service = draining(server)
        ann, bob = server.connect(), server.connect()
        for client, name, table in ((ann, "ann", 1), (bob, "bob", 2)):
            client.send(
                {
                    "type": "auth",
                    "data": {"username": name, "password": PASSWORD, "table": table},
                }
            )
        server.flush()
        ann.send({"type": "bet", "amount": 100})
        server.flush()
        stopped: list[None] = []
        service.stopService().addCallback(stopped.append)
        server.flush()
        bob.take()
        bob.send({"type": "bet", "amount": 100})
        server.flush()
        self.assertEqual(
            bob.take(),
            [
                {
                    "type": "error",
                    "status_code": 503,
                    "message": "the server is stopping: no more rounds",
                }
            ],
        )
        ann.send({"type": "stand"})
        server.flush()
        run_for(server, 1)
        self.assertEqual(stopped, [None])
        self.assertEqual((ann.close_code, bob.close_code), (1001, 1001))


class ClassicDrainTests(SynchronousTestCase):
    def test_the_round_finishes_and_no_other_is_dealt(self) -> None:
        server = MemoryServer(list(CLASSIC_OPENING), config=TableConfig(seats=2))
        service = draining(server)
        ann = server.seat("ann")
        ann.take()
        stopped: list[None] = []
        service.stopService().addCallback(stopped.append)
        server.flush()
        run_for(server, 5)
        self.assertEqual(stopped, [], "ann's hand is still being played")
        ann.send({"type": "stand"})
        server.flush()
        self.assertIn("round_over", types(ann))
        run_for(server, TableConfig().round_delay + 1)
        self.assertNotIn("restart", types(ann))
        self.assertEqual(ann.close_code, 1001)
        self.assertEqual(stopped, [None])
