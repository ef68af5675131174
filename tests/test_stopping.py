"""Stopping: once ``LobbyService.stopService`` has begun, players' messages
are refused (503) and nobody leaves a seat, while the connections stay open
until the reactor's shutdown closes them: nothing is told to a player that
isn't stored, and the round under way is refunded at the next start."""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.casino import CasinoConfig
from blackjackd.service import LobbyService
from blackjackd.store import Database, account_state
from blackjackd.testing import MemoryServer, deal

RULES = {"seats": 3, "bet_timeout": 10, "turn_timeout": 20, "round_delay": 2}
PASSWORD = "correct horse"


def last(client, kind):
    found = [m for m in client.received if m["type"] == kind]
    assert found, f"no {kind!r}"
    return found[-1]


class ShutdownTests(SynchronousTestCase):
    def test_nothing_is_told_to_players_that_is_not_stored(self) -> None:
        url = "sqlite:" + self.mktemp() + ".sqlite"
        # ann 20 against the dealer's 17: a win of 100.
        server = MemoryServer(
            deal(("TS", "QH"), up="7C", hole="KD"),
            config=CasinoConfig(**RULES),
            database=url,
        )
        ann = server.seat("ann", PASSWORD)
        ann.send({"type": "bet", "amount": 100})
        server.flush()
        service = LobbyService(
            server.lobby, server.sessions, server.bank, server.database
        )
        service.startService()
        stopped = []
        service.stopService().addCallback(stopped.append)
        self.assertEqual(stopped, [None])
        # The reactor hasn't disconnected anyone yet: ann stands, and is
        # told the server is stopping; her seat and bet are as they were.
        ann.take()
        ann.send({"type": "stand"})
        server.flush()
        self.assertEqual(
            ann.take(),
            [
                {
                    "type": "error",
                    "status_code": 503,
                    "message": "the server is stopping: try again soon",
                }
            ],
        )
        server.drop(ann)
        self.assertEqual(self.flushLoggedErrors(), [])
        # Started again on the same database: the round she was in is
        # refunded, as after any stop mid-round.
        restarted = Database.inline(url)
        restarted.refund_open_rounds(0.0)
        stored = account_state(restarted._conn, 1).balance
        restarted.close()
        self.assertEqual(stored, 1000)
