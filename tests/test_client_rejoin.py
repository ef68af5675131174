"""Coming back to a seat after a dropped connection, as both clients do it:
``blackjackd.bots.Rejoin`` (which ``auth``, and when to connect again) and
``SeatNotes`` rebuilt from a ``snapshot``."""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from blackjackd import wire
from blackjackd.bots import (
    CLOSE_SIGNED_IN_ELSEWHERE,
    DOUBLE,
    HIT,
    STAND,
    Backoff,
    Rejoin,
    SeatNotes,
    Turn,
)
from blackjackd.wire import as_dict

TOKEN = "kq3Vh0y2b9n1T4r8w6e5Zx"


def seated(rejoin: Rejoin, token: str | None = TOKEN) -> None:
    """``rejoin`` answers the server's ``auth`` and is seated as 7."""
    rejoin.auth()
    rejoin.hear(wire.Id(client_id=7, username="ann", token=token))


class BackoffTests(SynchronousTestCase):
    """Waits double from half a second to ten, spread by jitter."""

    def test_waits_double_up_to_the_cap(self):
        backoff = Backoff()
        # The top of each wait (a draw of 1), then the bottom (0): half of it.
        tops = [backoff.delay(n, 1.0) for n in range(7)]
        self.assertEqual(tops, [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0])
        self.assertEqual(backoff.delay(3, 0.0), 2.0)
        self.assertEqual(backoff.delay(10_000, 0.5), 7.5)

    def test_odd_draws_stay_in_range(self):
        backoff = Backoff()
        self.assertEqual(backoff.delay(0, -3.0), 0.25)
        self.assertEqual(backoff.delay(0, 7.0), 0.5)


class RejoinTests(SynchronousTestCase):
    """Which ``auth``, and whether and when to connect again."""

    def rejoin(self, password: str | None = "pw") -> Rejoin:
        return Rejoin("ann", password, draw=lambda: 1.0)

    def test_signs_in_with_name_and_password_then_comes_back_with_the_token(self):
        rejoin = self.rejoin()
        self.assertEqual(
            as_dict(rejoin.auth()),
            {"type": "auth", "data": {"username": "ann", "password": "pw"}},
        )
        seated(rejoin)
        self.assertEqual(rejoin.closed(1006, now=100.0), 0.5)
        self.assertTrue(rejoin.resuming)
        self.assertEqual(
            as_dict(rejoin.auth()), {"type": "auth", "data": {"token": TOKEN}}
        )

    def test_a_guest_sends_no_password_and_the_password_is_never_shown(self):
        self.assertEqual(
            as_dict(self.rejoin(None).auth()),
            {"type": "auth", "data": {"username": "ann"}},
        )
        self.assertEqual(
            as_dict(self.rejoin("").auth()),
            {"type": "auth", "data": {"username": "ann"}},
        )
        self.assertNotIn("pw", repr(self.rejoin().auth()))

    def test_a_refused_token_falls_back_to_the_name(self):
        rejoin = self.rejoin()
        seated(rejoin)
        rejoin.closed(1006, now=0.0)
        rejoin.auth()
        again = rejoin.hear(wire.Error(401, "that token is not valid"))
        self.assertIsNotNone(again)
        self.assertEqual(
            as_dict(again),
            {"type": "auth", "data": {"username": "ann", "password": "pw"}},
        )
        self.assertIsNone(rejoin.stopped)
        # A refused name and password is the end of it.
        self.assertIsNone(rejoin.hear(wire.Error(401, "wrong password")))
        self.assertEqual(
            rejoin.stopped, "the server refused the sign-in: wrong password"
        )
        self.assertIsNone(rejoin.closed(1000, now=1.0))

    def test_a_401_for_an_action_is_not_about_the_sign_in(self):
        rejoin = self.rejoin()
        seated(rejoin)
        self.assertIsNone(rejoin.hear(wire.Error(401, "not authorized")))
        self.assertIsNone(rejoin.stopped)

    def test_the_waits_grow_and_reset_once_seated_again(self):
        rejoin = self.rejoin()
        seated(rejoin)
        now = 0.0
        waits = []
        for _ in range(4):
            wait = rejoin.closed(1006, now)
            assert wait is not None
            waits.append(wait)
            now += wait
        self.assertEqual(waits, [0.5, 1.0, 2.0, 4.0])
        seated(rejoin)
        self.assertEqual(rejoin.closed(1006, now), 0.5)

    def test_gives_up_after_about_two_minutes(self):
        rejoin = self.rejoin()
        seated(rejoin)
        now, waited = 1000.0, 0.0
        while (wait := rejoin.closed(1013, now)) is not None:
            now += wait
            waited += wait
        self.assertLessEqual(waited, 120.0)
        self.assertGreater(waited, 100.0)
        self.assertEqual(rejoin.stopped, "gave up coming back after 120 s")
        rejoin.restart()
        self.assertEqual(rejoin.closed(1006, now), 0.5)

    def test_reasons_to_stop(self):
        for what, stop, reason in [
            ("signed in elsewhere", lambda r: r.closed(4001, 0.0), "signed in"),
            ("quit", lambda r: r.closed(1000, 0.0, by_us=True), "you left"),
            (
                "stood up",
                lambda r: r.hear(wire.Left(id=7, reason="idle")),
                "you were stood up after too many idle rounds",
            ),
            (
                "seat gone",
                lambda r: r.hear(wire.Left(id=7, reason="gone")),
                "away too long",
            ),
        ]:
            rejoin = self.rejoin()
            seated(rejoin)
            stop(rejoin)
            self.assertIsNone(rejoin.closed(1006, 0.0), what)
            self.assertIn(reason, rejoin.stopped or "", what)
        self.assertEqual(CLOSE_SIGNED_IN_ELSEWHERE, 4001)

    def test_others_leaving_is_no_reason_to_stop(self):
        rejoin = self.rejoin()
        seated(rejoin)
        rejoin.hear(wire.Left(id=5, reason="idle"))
        self.assertEqual(rejoin.closed(1006, 0.0), 0.5)

    def test_never_seated_is_the_callers_to_report(self):
        rejoin = self.rejoin()
        self.assertIsNone(rejoin.closed(1013, 0.0))
        self.assertIsNone(rejoin.stopped)

    def test_no_token_from_an_older_server_sits_down_by_name(self):
        rejoin = self.rejoin()
        seated(rejoin, token=None)
        self.assertEqual(rejoin.closed(1006, 0.0), 0.5)
        self.assertFalse(rejoin.resuming)
        self.assertEqual(as_dict(rejoin.auth())["data"]["username"], "ann")


def snapshot(**changes):
    """A casino table with ann (7) on a hard 11 whose turn is on."""
    fields = {
        "type": "snapshot",
        "table": 1,
        "game": "casino",
        "phase": "playing",
        "seats": [
            {"id": 7, "username": "ann", "seat": 0, "hand": ["6C", "5D"],
             "points": 11, "state": "playing", "connected": True,
             "hands": [{"hand": 0, "cards": ["6C", "5D"], "points": 11, "bet": 20,
                        "status": "playing"}],
             "bet": 20, "balance": 980, "insurance": 0},
            {"id": 5, "username": "bob", "seat": 1, "hand": ["TC", "9D"],
             "points": 19, "state": "done", "connected": False,
             "hands": [{"hand": 0, "cards": ["TC", "9D"], "points": 19, "bet": 10,
                        "status": "stood"}],
             "bet": 10, "balance": 90},
        ],
        "dealer": ["6S"],
        "hole_card": True,
        "turns": [{"id": 7, "hand": 0, "seconds": 12.5}],
        "balance": 980,
    }  # fmt: skip
    fields.update(changes)
    return fields


CASINO_ID = {
    "type": "id",
    "client_id": 7,
    "username": "ann",
    "game": "casino",
    "rules": {"min_bet": 10, "max_bet": 500, "bet_unit": 2},
    "balance": 980,
    "token": TOKEN,
}


class SeatNotesSnapshotTests(SynchronousTestCase):
    """A bot back at its seat knows its hands and what is due."""

    def test_the_turn_on_at_the_snapshot_is_played(self):
        notes = SeatNotes()
        notes.hear({"type": "hit", "card": "KD", "id": 7, "points": 10, "hand": 0})
        self.assertIsNone(notes.hear(CASINO_ID))
        turn = notes.hear(snapshot())
        assert turn is not None
        self.assertEqual((turn.hand, turn.cards, turn.points), (0, ("6C", "5D"), 11))
        self.assertEqual((turn.upcard, turn.balance), ("6S", 980))
        self.assertEqual(turn.legal, frozenset((HIT, STAND, DOUBLE)))

    def test_betting_and_insurance_due_at_the_snapshot(self):
        notes = SeatNotes()
        notes.hear(CASINO_ID)
        seats = snapshot()["seats"]
        waiting = [
            {**seats[0], "hands": [], "hand": [], "points": 0, "bet": None},
            seats[1],
        ]
        turn = notes.hear(
            snapshot(phase="betting", seats=waiting, dealer=[], turns=[], seconds=9.0)
        )
        self.assertEqual(
            turn,
            Turn(may_bet=True, min_bet=10, max_bet=500, bet_unit=2, balance=980),
        )
        offered = notes.hear(
            snapshot(phase="insurance", dealer=["AS"], turns=[], insurance_offer=10)
        )
        self.assertEqual(offered, Turn(balance=980, insurance_cost=10))

    def test_nothing_due(self):
        notes = SeatNotes()
        notes.hear(CASINO_ID)
        self.assertIsNone(notes.hear(snapshot(turns=[])))
        # A snapshot that doesn't seat this player changes nothing due.
        self.assertIsNone(notes.hear(snapshot(seats=snapshot()["seats"][1:])))

    def test_a_classic_seat(self):
        notes = SeatNotes()
        notes.hear({"type": "id", "client_id": 7, "username": "ann"})
        turn = notes.hear(
            {
                "type": "snapshot",
                "table": 1,
                "game": "classic",
                "phase": "playing",
                "seats": [
                    {"id": 7, "username": "ann", "seat": 0, "hand": ["TC", "2D"],
                     "points": 12, "state": "playing", "connected": True},
                ],
                "dealer": [],
                "hole_card": False,
                "turns": [{"id": 7, "seconds": 20.0}],
            }
        )  # fmt: skip
        assert turn is not None
        self.assertEqual((turn.hand, turn.points, turn.legal), (0, 12, {HIT, STAND}))
