"""The pygame client's model with accounts and kept seats: the table drawn
afresh from a ``snapshot`` (a pure function), coming back after a drop,
players away and back, the rebuy and the history."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from blackjack_client.model import (
    ACCOUNT_TYPES,
    CONNECTING,
    DISCONNECTED,
    LEFT,
    PHASE_BETTING,
    PHASE_DEALER,
    PHASE_INSURANCE,
    PHASE_OVER,
    PHASE_PLAYING,
    PLAYING,
    RECONNECTING,
    SEATED,
    STOOD,
    WAITING,
    Connecting,
    Disconnected,
    GaveUp,
    Hand,
    Model,
    Retrying,
    Sent,
    from_snapshot,
    reduce,
    request_for,
)
from blackjackd import wire
from tests.client_messages import CASINO_ID, ID, at_table, dealt, hit, play

TOKEN = "kq3Vh0y2b9n1T4r8w6e5Zx"


def casino_snapshot(**changes):
    """ann (7) mid-hand on a split at a casino table, bob (5) away and done,
    the dealer's 6 up and the hole card down."""
    fields = {
        "type": "snapshot",
        "table": 2,
        "game": "casino",
        "phase": "playing",
        "seats": [
            {"id": 7, "username": "ann", "seat": 0, "hand": ["8S", "3D"],
             "points": 11, "state": "playing", "connected": True,
             "hands": [
                 {"hand": 0, "cards": ["8S", "3D"], "points": 11, "bet": 20,
                  "status": "playing"},
                 {"hand": 1, "cards": ["8H", "TC", "KD"], "points": 28, "bet": 20,
                  "status": "bust"},
             ],
             "bet": 20, "balance": 960, "insurance": 0},
            {"id": 5, "username": "bob", "seat": 1, "hand": ["TC", "7D"],
             "points": 17, "state": "done", "connected": False,
             "hands": [{"hand": 0, "cards": ["TC", "7D", "2S"], "points": 19,
                        "bet": 60, "status": "stood"}],
             "bet": 30, "balance": 740},
        ],
        "dealer": ["6C"],
        "hole_card": True,
        "turns": [{"id": 7, "hand": 0, "seconds": 21.5}],
        "balance": 960,
    }  # fmt: skip
    fields.update(changes)
    return fields


CLASSIC_SNAPSHOT = {
    "type": "snapshot",
    "table": 1,
    "game": "classic",
    "phase": "playing",
    "seats": [
        {"id": 7, "username": "ann", "seat": 0, "hand": ["TS", "6H"], "points": 16,
         "state": "playing", "connected": True},
        {"id": 5, "username": "bob", "seat": 1, "hand": ["9C", "3D", "KS"],
         "points": 22, "state": "bust", "connected": True},
        {"id": 8, "username": "cy", "seat": 2, "hand": [], "points": 0,
         "state": "waiting", "connected": False},
    ],
    "dealer": [],
    "hole_card": False,
    "turns": [{"id": 7, "seconds": 12.0}],
}  # fmt: skip


def decoded(message):
    return wire.decode_server_message(message)


class FromSnapshotTests(SynchronousTestCase):
    """``from_snapshot``: the model ``id`` left and a snapshot in, the whole
    table out."""

    def test_a_casino_table_mid_hand(self):
        before = play(CASINO_ID)
        model = from_snapshot(before, decoded(casino_snapshot()), 200.0)
        self.assertEqual((model.table, model.phase), (2, PHASE_PLAYING))
        # The dealer: the upcard face up, one more face down.
        self.assertEqual(model.dealer, Hand(("6C",), 6))
        self.assertTrue(model.dealer_hole)
        ann, bob = model.seats[7], model.seats[5]
        self.assertEqual(model.me, ann)
        self.assertEqual(ann.balance, 960)
        self.assertEqual(ann.bet, 20)
        self.assertEqual(ann.state, PLAYING)
        self.assertEqual(
            ann.hands,
            (
                Hand(("8S", "3D"), 11, bet=20, status=PLAYING, deadline=221.5,
                     from_split=True),
                Hand(("8H", "TC", "KD"), 28, bet=20, status="bust", from_split=True),
            ),
        )  # fmt: skip
        self.assertFalse(ann.away)
        self.assertEqual((bob.username, bob.seat, bob.balance), ("bob", 1, 740))
        self.assertTrue(bob.away)
        self.assertEqual(bob.state, STOOD)
        self.assertEqual(bob.hands[0].bet, 60)
        self.assertTrue(bob.hands[0].doubled)
        # The player can act on the hand whose turn runs, and only that one.
        self.assertEqual(model.active_hand(), 0)
        self.assertTrue(model.can_double())
        self.assertEqual(
            wire.as_dict(request_for(model, "hit")), {"type": "hit", "hand": 0}
        )
        self.assertEqual(model.notice, "Back at your seat")

    def test_nothing_is_kept_from_before(self):
        # ann saw a round with bob; meanwhile bob left and cy came.
        before = dealt()
        cy = {
            **casino_snapshot()["seats"][1],
            "id": 8,
            "username": "cy",
            "connected": True,
        }
        model = from_snapshot(
            before,
            decoded(casino_snapshot(seats=[casino_snapshot()["seats"][0], cy])),
            0.0,
        )
        self.assertEqual(sorted(model.seats), [7, 8])
        self.assertEqual(model.seats[8].username, "cy")
        self.assertEqual(model.rules, before.rules)
        self.assertEqual(model.my_id, 7)

    def test_betting_hides_the_last_rounds_cards(self):
        seats = casino_snapshot()["seats"]
        waiting = [
            {**seats[0], "state": "betting", "bet": None},
            {**seats[1], "state": "bet", "bet": 30, "connected": True},
        ]
        model = from_snapshot(
            play(CASINO_ID),
            decoded(
                casino_snapshot(
                    phase="betting", seats=waiting, dealer=[], hole_card=False,
                    turns=[], seconds=9.5,
                )
            ),
            100.0,
        )  # fmt: skip
        self.assertEqual(model.phase, PHASE_BETTING)
        self.assertEqual(model.betting_until, 109.5)
        ann, bob = model.seats[7], model.seats[5]
        self.assertEqual((ann.hands, ann.bet, ann.state), ((), None, WAITING))
        self.assertEqual((bob.hands, bob.bet), ((), 30))
        self.assertTrue(model.can_bet(20))

    def test_insurance_offered(self):
        model = from_snapshot(
            play(CASINO_ID),
            decoded(
                casino_snapshot(
                    phase="insurance", dealer=["AS"], turns=[], seconds=7.0,
                    insurance_offer=10,
                )
            ),
            50.0,
        )  # fmt: skip
        self.assertEqual(model.phase, PHASE_INSURANCE)
        self.assertEqual((model.insurance_offer, model.insurance_until), (10, 57.0))
        self.assertTrue(model.can_insure(True))
        self.assertIsNone(model.active_hand())

    def test_between_rounds_and_the_dealer_drawing(self):
        over = from_snapshot(
            play(CASINO_ID),
            decoded(
                casino_snapshot(
                    phase="between_rounds", dealer=["6C", "TD", "3S"],
                    hole_card=False, turns=[], seconds=2.0,
                )
            ),
            10.0,
        )  # fmt: skip
        self.assertEqual((over.phase, over.next_round_at), (PHASE_OVER, 12.0))
        self.assertEqual(over.dealer.points, 19)
        drawing = from_snapshot(
            play(CASINO_ID),
            decoded(casino_snapshot(dealer=["6C", "TD"], hole_card=False, turns=[])),
            10.0,
        )
        self.assertEqual(drawing.phase, PHASE_DEALER)

    def test_a_classic_table(self):
        model = from_snapshot(play(ID), decoded(CLASSIC_SNAPSHOT), 100.0)
        self.assertEqual(model.phase, PHASE_PLAYING)
        ann, bob, cy = (model.seats[n] for n in (7, 5, 8))
        self.assertEqual(
            (ann.hand, ann.state, ann.deadline), (Hand(("TS", "6H"), 16), PLAYING, 112)
        )
        self.assertEqual((bob.state, bob.hand.points), ("bust", 22))
        self.assertEqual((cy.state, cy.away), (WAITING, True))
        self.assertTrue(model.can_act())
        waiting = from_snapshot(
            play(ID),
            decoded({**CLASSIC_SNAPSHOT, "phase": "waiting", "dealer": ["9C", "8C"],
                     "turns": [], "seconds": 2.5}),
            100.0,
        )  # fmt: skip
        self.assertEqual((waiting.phase, waiting.next_round_at), (PHASE_OVER, 102.5))
        self.assertEqual(waiting.dealer, Hand(("9C", "8C"), 17))

    def test_odd_entries_are_left_out_or_kept_sane(self):
        seats = casino_snapshot()["seats"]
        odd = {
            **seats[0],
            "seat": 99,
            "state": "dancing",
            "hands": [{"hand": 40, "cards": ["2C"], "points": 2, "bet": 1,
                       "status": "?"}],
        }  # fmt: skip
        model = from_snapshot(
            play(CASINO_ID),
            decoded(casino_snapshot(seats=[odd], turns=[{"id": 7, "hand": 40,
                                                         "seconds": 1}])),
            0.0,
        )  # fmt: skip
        me = model.me
        self.assertEqual((me.seat, me.state, me.hands), (None, WAITING, ()))


class ComingBackTests(SynchronousTestCase):
    """The model through a drop, the wait, and the way back."""

    def dropped(self):
        model = dealt()
        model = reduce(model, Disconnected(1006, "connection lost"), 120.0)
        return reduce(model, Retrying(at=122.0), 120.0)

    def test_the_table_stays_drawn_while_reconnecting(self):
        model = self.dropped()
        self.assertEqual((model.connection, model.retry_at), (RECONNECTING, 122.0))
        self.assertEqual(sorted(model.seats), [5, 7])
        self.assertFalse(model.can_act())
        model = reduce(model, Connecting("ws://x/websocket", resume=True), 122.0)
        self.assertEqual(model.connection, CONNECTING)
        self.assertTrue(model.resuming)
        self.assertIsNone(model.retry_at)
        self.assertEqual(sorted(model.seats), [5, 7])

    def test_id_then_snapshot_rebuild_the_table(self):
        model = reduce(
            self.dropped(), Connecting("ws://x/websocket", resume=True), 122.0
        )
        model = play({"type": "auth"}, {**CASINO_ID, "token": TOKEN}, model=model)
        # Only this connection's word counts now: the old seats are gone.
        self.assertEqual((model.connection, model.resuming), (SEATED, False))
        self.assertEqual(list(model.seats), [7])
        self.assertEqual(model.last_bet, 20)
        model = play(casino_snapshot(), model=model, now=130.0)
        self.assertEqual(sorted(model.seats), [5, 7])
        self.assertEqual(model.me.hands[0].deadline, 151.5)
        self.assertEqual(model.active_hand(), 0)

    def test_a_new_seat_after_a_refused_token(self):
        model = reduce(
            self.dropped(), Connecting("ws://x/websocket", resume=True), 122.0
        )
        model = play(
            {"type": "auth"},
            {"type": "error", "status_code": 401, "message": "that token is not valid"},
            {**CASINO_ID, "client_id": 9},
            model=model,
        )
        self.assertEqual(list(model.seats), [9])
        self.assertIsNone(model.error)

    def test_giving_up(self):
        model = reduce(self.dropped(), GaveUp("signed in elsewhere"))
        self.assertEqual(model.connection, DISCONNECTED)
        self.assertEqual(model.close_reason, "signed in elsewhere")
        self.assertIsNone(model.retry_at)

    def test_a_fresh_connection_forgets_the_table(self):
        model = reduce(self.dropped(), Connecting("ws://x/websocket"))
        self.assertEqual((model.seats, model.resuming), ({}, False))


class AwayBackLeftTests(SynchronousTestCase):
    """Others away and back; being stood up."""

    def test_away_and_back(self):
        model = play({"type": "away", "id": 5, "seconds": 30.0}, model=dealt(), now=5)
        self.assertTrue(model.seats[5].away)
        self.assertEqual(model.seats[5].away_until, 35.0)
        self.assertEqual(model.notice, "bob is away")
        model = play({"type": "back", "id": 5}, model=model)
        self.assertFalse(model.seats[5].away)
        self.assertEqual(model.notice, "bob is back")
        # Unknown players change nothing.
        self.assertEqual(play({"type": "away", "id": 99, "seconds": 1}, model=model),
                         model)  # fmt: skip

    def test_left_with_a_reason(self):
        model = play({"type": "away", "id": 5, "seconds": 30.0}, model=dealt())
        model = play({"type": "left", "id": 5, "reason": "gone"}, model=model)
        self.assertEqual((model.seats[5].state, model.seats[5].away), (LEFT, False))
        self.assertEqual(model.notice, "bob was away too long")
        model = play({"type": "left", "id": 7, "reason": "idle"}, model=model)
        self.assertEqual(
            model.notice, "You were stood up after too many idle rounds in a row"
        )


class RebuyAndHistoryTests(SynchronousTestCase):
    """The rebuy when broke, and the rounds played."""

    def test_a_rebuy_only_when_the_chips_dont_cover_the_smallest_bet(self):
        model = at_table()
        self.assertFalse(model.can_rebuy())
        self.assertIsNone(request_for(model, "rebuy"))
        broke = play({"type": "balance", "balance": 5, "net": -995}, model=model)
        self.assertTrue(broke.can_rebuy())
        self.assertEqual(wire.as_dict(request_for(broke, "rebuy")), {"type": "rebuy"})
        asked = reduce(broke, Sent("rebuy"))
        self.assertFalse(asked.can_rebuy())
        topped = play(
            {"type": "rebuy", "amount": 995, "balance": 1000, "next_in": 3600.0},
            model=asked,
        )
        self.assertEqual(topped.balance, 1000)
        self.assertIsNone(topped.awaiting)
        self.assertEqual(topped.notice, "Rebuy: +995 chips; the next one in 1 h")
        refused = play(
            {"type": "error", "status_code": 409, "message": "too soon: in 59 min"},
            model=asked,
        )
        self.assertEqual(refused.error, (409, "too soon: in 59 min"))
        self.assertTrue(refused.can_rebuy())
        self.assertFalse(play(ID).can_rebuy())

    def test_history(self):
        model = play(
            {"type": "history", "rounds": [
                {"id": "3f2a9c", "table": 1, "round": 12, "game": "casino",
                 "at": 1764080000.5, "status": "settled", "dealer": ["KD", "7S"],
                 "hands": [{"hand": 0, "cards": ["TC", "9H"], "points": 19,
                            "bet": 50, "result": "win", "payout": 100}],
                 "staked": 50, "returned": 100, "net": 50}]},
            model=dealt(),
        )  # fmt: skip
        [played] = model.history
        self.assertEqual((played.round, played.net), (12, 50))
        # The history outlives the table.
        model = reduce(model, Disconnected(1006, ""))
        model = reduce(model, Connecting("ws://x", resume=True))
        model = play({"type": "auth"}, CASINO_ID, model=model)
        self.assertEqual(len(model.history), 1)

    def test_the_account_types(self):
        self.assertEqual(
            ACCOUNT_TYPES,
            {"snapshot", "away", "back", "rebuy", "history", "shutdown"},
        )


_seat = st.fixed_dictionaries(
    {
        "id": st.sampled_from([5, 7, 8]),
        "username": st.text(max_size=5),
        "seat": st.integers(-2, 12),
        "hand": st.just(["TC"]),
        "points": st.integers(0, 30),
        "state": st.sampled_from(["playing", "done", "bet", "betting", "x"]),
        "connected": st.booleans(),
        "hands": st.lists(
            st.fixed_dictionaries(
                {
                    "hand": st.integers(0, 20),
                    "cards": st.just(["8S", "8H"]),
                    "points": st.integers(0, 30),
                    "bet": st.integers(0, 100),
                    "status": st.sampled_from(["playing", "stood", "bust", "?"]),
                }
            ),
            max_size=4,
        ),
        "bet": st.one_of(st.none(), st.integers(0, 100)),
    }
)

_snapshots = st.builds(
    lambda phase, seats, dealer, hole, turns, seconds, offer: {
        "type": "snapshot",
        "table": 1,
        "game": "casino",
        "phase": phase,
        "seats": seats,
        "dealer": dealer,
        "hole_card": hole,
        "turns": turns,
        "seconds": seconds,
        "insurance_offer": offer,
    },
    st.sampled_from(["playing", "waiting", "betting", "insurance", "x"]),
    st.lists(_seat, max_size=4),
    st.lists(st.sampled_from(["AS", "TC", "6D"]), max_size=3),
    st.booleans(),
    st.lists(
        st.fixed_dictionaries(
            {
                "id": st.sampled_from([5, 7]),
                "hand": st.integers(0, 20),
                "seconds": st.floats(0, 60),
            }
        ),
        max_size=3,
    ),
    st.one_of(st.none(), st.floats(0, 60)),
    st.one_of(st.none(), st.integers(0, 50)),
)


class SnapshotFuzzTests(SynchronousTestCase):
    """Any snapshot, at either table, leaves a model the client can draw."""

    @given(_snapshots, st.booleans())
    def test_any_snapshot_is_survived(self, snapshot, casino):
        start = play(CASINO_ID if casino else ID, hit("TS", 7, 10))
        model = reduce(start, snapshot, 0.0)
        self.assertIsInstance(model, Model)
        model.can_act(), model.active_hand(), model.can_bet(), model.can_rebuy()
        model.seats_in_order()
