"""Kept seats at a classic table, through the protocol, in memory: a player
who drops mid-turn comes back with the token and plays the hand out; one who
comes back too late finds the seat given up; wrong and old tokens are 401;
a password at a classic table signs in to the account."""

from __future__ import annotations

from typing import Any

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.passwords import name_key
from blackjackd.table import TableConfig
from blackjackd.testing import CLASSIC_OPENING, MemoryServer, error_events

PASSWORD = "correct horse"
GRACE = 12.0
TURN = 20.0
CONFIG = TableConfig(seats=3, turn_timeout=TURN, round_delay=3)
#: After an opening round (``CLASSIC_OPENING``) that ann plays alone while
#: bob waits, they are dealt in together, a card each then a second each:
#: ann TS 6D (16) and bob 9C 9D (18); ann's hit draws 3S (19); the dealer
#: draws 7C KD (17).
CARDS = [*CLASSIC_OPENING, "TS", "9C", "6D", "9D", "3S", "7C", "KD"]
INVALID_TOKEN = {
    "type": "error",
    "status_code": 401,
    "message": "that token is not valid (any more)",
}


def classic(cards: list[str] = CARDS, grace: float = GRACE) -> MemoryServer:
    return MemoryServer(
        cards, config=CONFIG, database="sqlite::memory:", seat_grace=grace
    )


class ClassicReconnectTests(SynchronousTestCase):
    """A classic player's seat is held while their connection is down."""

    def setUp(self) -> None:
        self.server = classic()
        self.ann = self.server.seat("ann", PASSWORD)
        self.bob = self.server.seat("bob")
        self.hello = self.ann.first("id")
        self.ann_id = self.hello["client_id"]
        self.bob_id = self.bob.first("id")["client_id"]
        self.server.deal_together(self.ann, self.bob)
        self.server.advance(5)
        self.ann.take()
        self.bob.take()
        logging = error_events()
        self.logged = logging.__enter__()
        self.addCleanup(logging.__exit__, None, None, None)

    def tearDown(self) -> None:
        self.server.close_all()
        self.assertEqual(self.logged, [])

    def test_back_mid_turn_with_the_token_and_the_hand_plays_on(self) -> None:
        self.server.drop(self.ann)
        self.assertEqual(
            self.bob.take(), [{"type": "away", "id": self.ann_id, "seconds": GRACE}]
        )
        again = self.server.seat(token=self.hello["token"])
        hello, snapshot = again.take()
        # The same id, seat and all, with a new token: the old one is spent.
        self.assertNotEqual(hello["token"], self.hello["token"])
        self.assertEqual(
            {**hello, "token": None}, {**self.hello, "token": None}, "the same id"
        )
        self.assertEqual(
            snapshot,
            {
                "type": "snapshot",
                "table": 1,
                "game": "classic",
                "phase": "playing",
                "seats": [
                    {
                        "id": self.ann_id,
                        "username": "ann",
                        "seat": 0,
                        "hand": ["TS", "6D"],
                        "points": 16,
                        "state": "playing",
                        "connected": True,
                    },
                    {
                        "id": self.bob_id,
                        "username": "bob",
                        "seat": 1,
                        "hand": ["9C", "9D"],
                        "points": 18,
                        "state": "playing",
                        "connected": True,
                    },
                ],
                "dealer": [],
                "hole_card": False,
                # The turn timers ran on while she was away.
                "turns": [
                    {"id": self.ann_id, "seconds": TURN - 5},
                    {"id": self.bob_id, "seconds": TURN - 5},
                ],
            },
        )
        self.assertEqual(self.bob.take(), [{"type": "back", "id": self.ann_id}])

        # She plays the hand out: 19 beats the dealer's 17; bob's 18 too.
        again.send({"type": "hit"})
        again.send({"type": "stand"})
        self.server.flush()
        self.bob.send({"type": "stand"})
        self.server.flush()
        self.assertEqual(
            again.received[:2],
            [
                {"type": "hit", "card": "3S", "id": self.ann_id, "points": 19},
                {"type": "stand", "id": self.ann_id, "reason": "stand"},
            ],
        )
        self.assertIn({"type": "winner", "id": self.ann_id}, again.received)
        results = self.bob.first("round_over")["results"]
        self.assertEqual(
            [(result["id"], result["hand"], result["result"]) for result in results],
            [
                (self.ann_id, ["TS", "6D", "3S"], "win"),
                (self.bob_id, ["9C", "9D"], "win"),
            ],
        )
        # The old connection heard none of it.
        self.assertEqual(self.ann.received, [])

    def test_too_late_the_seat_is_given_up_and_the_token_is_worthless(self) -> None:
        self.server.drop(self.ann)
        self.bob.take()
        self.server.advance(GRACE)
        self.assertEqual(
            self.bob.take(), [{"type": "left", "id": self.ann_id, "reason": "gone"}]
        )
        self.assertEqual(self.server.lobby.seats_taken, 1)
        late = self.server.seat(token=self.hello["token"])
        self.assertEqual(late.take(), [INVALID_TOKEN])
        self.assertEqual(self.bob.take(), [], "bob hears nothing of it")
        # The round went on without her: bob's hand alone is settled.
        self.bob.send({"type": "stand"})
        self.server.flush()
        results = self.bob.first("round_over")["results"]
        self.assertEqual([result["id"] for result in results], [self.bob_id])
        # Her password still takes a seat, a new one.
        back = self.server.seat("ann", PASSWORD)
        hello = back.first("id")
        self.assertNotEqual(hello["client_id"], self.ann_id)
        self.assertNotEqual(hello["token"], self.hello["token"])

    def test_a_wrong_token_is_401_and_the_held_seat_stays_held(self) -> None:
        self.server.drop(self.ann)
        self.bob.take()
        for stolen in ("A" * 32, self.hello["token"][:-1], self.hello["token"] + "x"):
            thief = self.server.seat(token=stolen)
            self.assertEqual(thief.take(), [INVALID_TOKEN], stolen)
            self.assertFalse(thief.closed, "a 401 leaves the connection open")
        self.assertEqual(self.bob.take(), [])
        again = self.server.seat(token=self.hello["token"])
        self.assertEqual(again.first("id")["client_id"], self.ann_id)

    def test_an_old_token_is_401(self) -> None:
        """A token whose seat was given up stays worthless, also once the
        player has a seat again (with a new token)."""
        old = self.hello["token"]
        self.ann.sendClose()
        self.server.flush()
        self.server.advance(GRACE)
        again = self.server.seat("ann", PASSWORD)
        new = again.first("id")["token"]
        self.assertNotEqual(new, old)
        thief = self.server.seat(token=old)
        self.assertEqual(thief.take(), [INVALID_TOKEN])
        self.assertFalse(again.closed, "the seat stays with its player")
        # A token used is not used up: coming back with the new one works.
        self.server.drop(again)
        back = self.server.seat(token=new)
        self.assertEqual(back.first("id")["client_id"], again.first("id")["client_id"])

    def test_a_seated_player_cant_take_another_seat_with_its_token(self) -> None:
        """Only a connection without a seat may come back to one."""
        self.server.drop(self.ann)
        self.bob.take()
        self.bob.send({"type": "auth", "data": {"token": self.hello["token"]}})
        self.server.flush()
        self.assertEqual(
            self.bob.take(),
            [{"type": "error", "status_code": 409, "message": "already authorized"}],
        )


class ClassicPasswordTests(SynchronousTestCase):
    """A password at a classic table signs in to the account."""

    def test_a_password_registers_then_signs_in_to_the_account(self) -> None:
        server = classic(["TS", "6D"] * 10)
        ann = server.seat("Ann", PASSWORD)
        hello = ann.first("id")
        self.assertEqual((hello["username"], hello["account"]), ("Ann", True))
        assert server.database is not None
        found: list[Any] = []
        server.database.find_account(name_key("ann")).addCallback(found.append)
        (account,) = found
        self.assertEqual((account.username, account.balance), ("Ann", 1000))

        # Signing in from another device moves the seat there.
        phone = server.seat("ANN", PASSWORD)
        moved = phone.first("id")
        self.assertEqual(
            (moved["client_id"], moved["username"], moved["account"]),
            (hello["client_id"], "Ann", True),
        )
        self.assertEqual(phone.first("snapshot")["game"], "classic")
        self.assertEqual(ann.close_code, 4001)
        self.assertEqual(server.lobby.seats_taken, 1)

        # A wrong password is refused; a guest may take the same name.
        thief = server.seat("ann", "guess")
        self.assertEqual(
            thief.take(),
            [
                {
                    "type": "error",
                    "status_code": 401,
                    "message": "wrong password for this name",
                }
            ],
        )
        guest = server.seat("ann")
        self.assertEqual(guest.first("id")["account"], False)
        server.close_all()
