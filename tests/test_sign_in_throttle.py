"""The sign-in throttle holds for guesses sent side by side on many
connections: one password check at a time a name, so each meets it."""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.casino import CasinoConfig
from blackjackd.testing import MemoryServer
from tests.manual_queues import make_threads_manual

PASSWORD = "correct horse"


class ParallelGuessTests(SynchronousTestCase):
    def test_guesses_in_flight_together_are_throttled_too(self) -> None:
        server = MemoryServer(config=CasinoConfig(seats=3), database="sqlite::memory:")
        server.seat("ann", PASSWORD)
        threads = make_threads_manual(server)
        guessers = []
        for guess in range(20):
            guesser = server.connect()
            guesser.take()
            guesser.send(
                {
                    "type": "auth",
                    "data": {"username": "ann", "password": f"guess{guess}"},
                }
            )
            guessers.append(guesser)
        server.flush()
        checked = len(threads.queue)
        threads.run_all()
        server.flush()
        codes = [guesser.take()[0]["status_code"] for guesser in guessers]
        # Sequentially, the 4th wrong password on makes the next wait (429):
        # at most 4 of 20 may be checked.
        self.assertLessEqual(checked, 4, codes)
