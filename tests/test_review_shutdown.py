"""Review: ``LobbyService.stopService`` stops the timers, waits for the bank
and closes the database, but the players' connections stay open until the
reactor's "during shutdown" phase (the strports service only stops
listening), and their moves are still played. A round settled in that window
is told to the players and never stored (``StoreClosed``, logged), so the
next start refunds it: a win the player was told of disappears."""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.casino import CasinoConfig
from blackjackd.store import Database, account_state
from blackjackd.tap import LobbyService
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
        # The reactor hasn't disconnected anyone yet: ann stands.
        ann.send({"type": "stand"})
        server.flush()
        told = last(ann, "balance")["balance"]  # 1100: she won
        errors = self.flushLoggedErrors()
        # Started again on the same database.
        restarted = Database.inline(url)
        restarted.refund_open_rounds(0.0)
        stored = account_state(restarted._conn, 1).balance
        restarted.close()
        self.assertEqual((told, len(errors)), (stored, 0))
