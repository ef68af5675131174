"""Each comeback (by token, or by password from another device) gets a new
token: whoever holds an old one (a lost phone, a token copied from a screen)
can't take the seat back, and the account's owner can shut them out with the
password."""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.casino import CasinoConfig
from blackjackd.testing import MemoryServer

PASSWORD = "correct horse"


class TokenAfterTakeoverTests(SynchronousTestCase):
    def test_a_password_sign_in_makes_the_old_token_worthless(self) -> None:
        server = MemoryServer(
            config=CasinoConfig(seats=3), database="sqlite::memory:", seat_grace=30
        )
        old_device = server.seat("ann", PASSWORD)
        stolen = old_device.first("id")["token"]
        owner = server.seat("ann", PASSWORD)
        self.assertEqual(old_device.close_code, 4001)
        self.assertNotEqual(owner.first("id")["token"], stolen)
        thief = server.seat(token=stolen)
        self.assertEqual(
            thief.take()[0],
            {
                "type": "error",
                "status_code": 401,
                "message": "that token is not valid (any more)",
            },
        )
        self.assertIsNone(owner.close_code)
