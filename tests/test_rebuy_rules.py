"""A rebuy waits for the round's end while the player has chips on the
table: a bet placed during betting, or hands not yet settled (rebuy chips
are for a player who has none left)."""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.casino import CasinoConfig
from blackjackd.testing import MemoryServer

PASSWORD = "correct horse"


class RebuyWithABetPlacedTests(SynchronousTestCase):
    def test_no_rebuy_while_your_bet_is_riding(self) -> None:
        server = MemoryServer(
            config=CasinoConfig(seats=2, max_bet=1000, bet_timeout=10),
            database="sqlite::memory:",
            real_shoe_seed=1,
        )
        ann = server.seat("ann", PASSWORD)
        server.seat("bob", PASSWORD)  # so betting stays open after ann's bet
        ann.send({"type": "bet", "amount": 1000})
        server.flush()
        ann.take()
        ann.send({"type": "rebuy"})
        server.flush()
        answer = ann.take()[0]
        self.assertEqual(answer["type"], "error", answer)
