"""Account players against a casino table with the database in the loop:
every chip accounted for, whatever they do."""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.audit import audit
from blackjackd.casino import CasinoConfig
from blackjackd.testing import MemoryServer

STARTING_CHIPS = 100
CONFIG = CasinoConfig(
    seats=3,
    min_bet=10,
    max_bet=100,
    bet_timeout=10,
    turn_timeout=8,
    round_delay=2,
    starting_chips=STARTING_CHIPS,
    surrender=True,
    idle_rounds=3,
)
#: Seconds enough for any timer of the table or of a held seat to run out.
LONGEST_TIMER = 61.0


def password(name: str) -> str:
    return f"secret of {name}"


class FoundCasesTests(SynchronousTestCase):
    """Cases the random players found, played on purpose."""

    def test_a_bet_taken_back_before_the_deal_is_in_the_rounds_record(self) -> None:
        """ann bets, drops and her held seat runs out while betting is open
        (her bet comes back, in the round); bob bets and plays the round.
        The round's record names ann's account for her two movements, as the
        ledger does, so the audit finds them where it looks."""
        server = MemoryServer(
            config=CONFIG,
            database="sqlite::memory:",
            real_shoe_seed=1,
            seat_grace=1,
        )
        assert server.database is not None and server.database._conn is not None
        ann = server.seat("ann", password("ann"))
        bob = server.seat("bob", password("bob"))
        ann.send({"type": "bet", "amount": 10})
        server.flush()
        server.drop(ann)
        server.advance(1)
        bob.send({"type": "bet", "amount": 10})
        server.flush()
        bob.sendClose()
        server.flush()
        for _ in range(3):
            server.advance(LONGEST_TIMER)
        server.close_all()
        report = audit(server.database._conn)
        self.assertEqual(report.discrepancies, [])
        self.assertEqual((report.settled, report.open_rounds), (1, []))
