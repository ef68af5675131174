"""The sign-in throttle holds for guesses sent side by side on many
connections: one password check at a time a name, so each meets it."""

from __future__ import annotations

from dataclasses import replace

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.casino import CasinoConfig
from blackjackd.testing import QUIET_LIMITS, MemoryServer
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


class SignInsPerAddressTests(SynchronousTestCase):
    """Each password check costs 16 MiB and tens of milliseconds of scrypt:
    one address gets ``password_burst`` at once, then one every two
    seconds, whatever names it tries."""

    def test_an_address_is_slowed_whatever_names_it_tries(self) -> None:
        limits = replace(QUIET_LIMITS, password_rate=0.5, password_burst=3)
        server = MemoryServer(
            config=CasinoConfig(), database="sqlite::memory:", limits=limits
        )
        answers = [
            server.seat(f"name{number}", "pw", host="192.0.2.7").received[0]
            for number in range(4)
        ]
        self.assertEqual([answer["type"] for answer in answers[:3]], ["id"] * 3)
        self.assertEqual(
            answers[3],
            {
                "type": "error",
                "status_code": 429,
                "message": "too many sign-ins from your address: try again in a while",
            },
        )
        # Another address is not held up; and two seconds later, this one
        # may try again.
        other = server.seat("other", "pw", host="198.51.100.3")
        self.assertEqual(other.received[0]["type"], "id")
        server.advance(2)
        again = server.seat("name9", "pw", host="192.0.2.7")
        self.assertEqual(again.received[0]["type"], "id")
