"""The pygame client's model: every server message of docs/protocol.rst
through the reducer, in order, out of order, malformed and unknown."""

from __future__ import annotations

from math import nan

from hypothesis import given
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from blackjack_client.model import (
    BUST,
    CLOSED,
    CONNECTED,
    CONNECTING,
    DISCONNECTED,
    FULL,
    KNOWN_TYPES,
    LEFT,
    PHASE_DEALER,
    PHASE_OVER,
    PHASE_PLAYING,
    PLAYING,
    SEATED,
    STOOD,
    WAITING,
    Connected,
    Connecting,
    Disconnected,
    Hand,
    Model,
    Sent,
    reduce,
)
from blackjackd import wire
from tests.client_messages import ID, hit, play, seated_with_bob

_player = st.one_of(st.sampled_from([5, 7, 8, "dealer"]), st.integers(), st.none())
_message = st.one_of(
    st.builds(
        lambda t, who, n: {
            "type": t,
            "id": who,
            "message": who,
            "client_id": who,
            "card": "TS",
            "points": n,
            "seconds": n,
            "seat": n,
            "hand": ["TS"],
            "username": "x",
            "state": "playing",
            "status_code": n,
            "dealer": {"hand": ["TS"], "points": n},
            "results": [{"id": who, "result": "win", "hand": [], "points": n}],
        },
        st.sampled_from([*sorted(KNOWN_TYPES), "other"]),
        _player,
        st.integers(-5, 40),
    ),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.sampled_from(
        [Connected(), Disconnected(1006), Sent("hit"), Connecting("ws://x/")]
    ),
)


class ConnectingTests(SynchronousTestCase):
    """Connecting, the auth challenge and the seat the server gives."""

    def test_connecting_then_auth_then_id(self):
        model = reduce(Model(), Connecting("ws://h/websocket"))
        self.assertEqual(
            (model.connection, model.url), (CONNECTING, "ws://h/websocket")
        )
        model = reduce(model, Connected())
        self.assertEqual(model.connection, CONNECTED)
        model = reduce(model, {"type": "auth"})
        self.assertEqual(model.connection, CONNECTED)
        model = reduce(model, ID)
        self.assertEqual(model.connection, SEATED)
        self.assertEqual(
            (model.my_id, model.my_name, model.table, model.turn_timeout),
            (
                7,
                "ann",
                1,
                30.0,
            ),
        )
        self.assertEqual(model.protocol, 1)
        self.assertEqual(model.table_seats, 5)
        self.assertEqual(model.me.seat, 0)
        self.assertEqual(model.me.name, "ann")

    def test_a_nonsense_seat_count_is_not_believed(self):
        for seats in [0, 8, "5", True, None, 2.5]:
            self.assertIsNone(
                play({**ID, "seats": seats}).table_seats, f"seats={seats!r}"
            )

    def test_auth_alone_means_connected(self):
        self.assertEqual(play({"type": "auth"}).connection, CONNECTED)


class RoundTests(SynchronousTestCase):
    """A round as the protocol tells it: cards, stands, busts, results, restarts."""

    def test_the_protocols_round_at_a_glance(self):
        model = seated_with_bob()
        me = model.me
        self.assertEqual(me.hand, Hand(("TS", "6H"), 16))
        self.assertEqual(me.state, PLAYING)
        self.assertEqual(me.deadline, 130.0)
        self.assertTrue(model.can_act())
        bob = model.seats[5]
        self.assertEqual(
            (bob.name, bob.seat, bob.hand.cards, bob.hand.points, bob.state),
            (
                "bob",
                1,
                ("9C", "3D"),
                12,
                PLAYING,
            ),
        )
        self.assertEqual([s.player_id for s in model.seats_in_order()], [7, 5])

        model = reduce(model, Sent("hit"))
        self.assertEqual(model.awaiting, "hit")
        self.assertFalse(model.can_act())
        model = play(hit("4D", 7, 20), model=model)
        self.assertIsNone(model.awaiting)
        self.assertEqual(model.me.hand.points, 20)
        model = play(
            Sent("stand"), {"type": "stand", "id": 7, "reason": "stand"}, model=model
        )
        self.assertEqual(
            (model.me.state, model.me.reason, model.me.deadline),
            (
                STOOD,
                "stand",
                None,
            ),
        )
        self.assertFalse(model.can_act())
        model = play({"type": "stand", "id": 5, "reason": "timeout"}, model=model)
        self.assertEqual(model.seats[5].reason, "timeout")

        model = play(hit("9C", "dealer", 9), hit("8C", "dealer", 17), model=model)
        self.assertEqual(model.dealer, Hand(("9C", "8C"), 17))
        self.assertEqual(model.phase, PHASE_DEALER)
        model = play(
            {"type": "winner", "id": 7},
            {
                "type": "round_over",
                "dealer": {"hand": ["9C", "8C"], "points": 17},
                "results": [
                    {
                        "id": 7,
                        "username": "ann",
                        "hand": ["TS", "6H", "4D"],
                        "points": 20,
                        "result": "win",
                    },
                    {
                        "id": 5,
                        "username": "bob",
                        "hand": ["9C", "3D"],
                        "points": 12,
                        "result": "lose",
                    },
                ],
                "next_round_in": 3.0,
            },
            model=model,
            now=200.0,
        )
        self.assertEqual(model.phase, PHASE_OVER)
        self.assertEqual(model.rounds, 1)
        self.assertEqual(model.next_round_at, 203.0)
        self.assertEqual(model.me.result, "win")
        self.assertEqual(model.seats[5].result, "lose")

        model = play({"type": "restart"}, model=model)
        self.assertEqual(model.phase, PHASE_PLAYING)
        self.assertEqual(model.dealer, Hand())
        self.assertIsNone(model.next_round_at)
        for seat in model.seats.values():
            self.assertEqual(
                (seat.hand, seat.state, seat.result), (Hand(), PLAYING, None), seat.name
            )
        model = play(hit("AS", 7, 11), hit("2C", 5, 2), model=model)
        self.assertEqual(model.me.hand.cards, ("AS",))
        self.assertFalse(model.can_act())  # one card: the deal isn't done

    def test_own_bust_and_others_bust_by_points(self):
        model = play(
            hit("5C", 7, 21 + 5),  # a bust by points, even before bust arrives
            {"type": "bust", "id": 7},
            hit("KD", 5, 22),
            model=seated_with_bob(),
        )
        self.assertEqual(model.me.state, BUST)
        self.assertIsNone(model.me.deadline)
        self.assertEqual(model.seats[5].state, BUST)
        # A late stand doesn't undo a bust.
        model = play({"type": "stand", "id": 5, "reason": "timeout"}, model=model)
        self.assertEqual(model.seats[5].state, BUST)

    def test_lose_and_push_are_mine(self):
        model = play({"type": "lose", "id": 7}, model=seated_with_bob())
        self.assertEqual(model.me.result, "lose")
        model = play({"type": "push", "id": 7}, model=model)
        self.assertEqual(model.me.result, "push")
        # Without an id they still mean me.
        model = play({"type": "lose"}, model=model)
        self.assertEqual(model.me.result, "lose")


class SeatsTests(SynchronousTestCase):
    """Players arriving, waiting, leaving and being replaced."""

    def test_new_client_waits_until_dealt(self):
        model = play(
            {"type": "new_client", "message": 8, "username": "cy", "seat": 2},
            model=seated_with_bob(),
        )
        cy = model.seats[8]
        self.assertEqual(
            (cy.name, cy.seat, cy.state, cy.hand), ("cy", 2, WAITING, Hand())
        )
        model = play(hit("2H", 8, 2), hit("3H", 8, 5), model=model)
        self.assertEqual(model.seats[8].state, PLAYING)
        model = play({"type": "deadline", "id": 8, "seconds": 5}, model=model, now=10)
        self.assertEqual(model.seats[8].deadline, 15)

    def test_wait_then_dealt_at_restart(self):
        model = play(
            {"type": "auth"},
            ID,
            {
                "type": "other_players",
                "hand": ["9C", "3D", "KS"],
                "id": 5,
                "points": 22,
                "username": "bob",
                "seat": 1,
                "state": "bust",
            },
            {"type": "wait", "message": "dealt in at the next round"},
        )
        self.assertEqual(model.me.state, WAITING)
        self.assertEqual(model.seats[5].state, BUST)
        self.assertIn("next round", model.notice)
        self.assertFalse(model.can_act())
        model = play(
            {"type": "restart"}, hit("TS", 7, 10), hit("TC", 7, 20), model=model
        )
        self.assertEqual(model.me.state, PLAYING)
        self.assertEqual(model.notice, "")
        self.assertTrue(model.can_act())

    def test_left_keeps_the_seat_until_the_next_deal(self):
        model = play({"type": "left", "id": 5}, model=seated_with_bob())
        self.assertEqual(model.seats[5].state, LEFT)
        # Duplicate left, and cards or results for a player who left: ignored.
        model = play(
            {"type": "left", "id": 5},
            hit("2D", 5, 14),
            {"type": "winner", "id": 5},
            {"type": "deadline", "id": 5, "seconds": 3},
            model=model,
        )
        bob = model.seats[5]
        self.assertEqual(
            (bob.state, bob.hand.points, bob.result, bob.deadline),
            (
                LEFT,
                12,
                None,
                None,
            ),
        )
        model = play({"type": "restart"}, model=model)
        self.assertNotIn(5, model.seats)

    def test_someone_new_in_a_seat_that_was_left(self):
        model = play(
            {"type": "left", "id": 5},
            {"type": "new_client", "message": 9, "username": "dee", "seat": 1},
            model=seated_with_bob(),
        )
        self.assertNotIn(5, model.seats)
        self.assertEqual(model.seats[9].seat, 1)

    def test_left_for_someone_unknown_is_ignored(self):
        model = seated_with_bob()
        self.assertEqual(play({"type": "left", "id": 99}, model=model), model)


class NoticeAndConnectionTests(SynchronousTestCase):
    """Notices, errors, a full table, disconnects and closing."""

    def test_shuffle_is_a_notice(self):
        model = play({"type": "shuffle"}, model=seated_with_bob())
        self.assertIn("shuffle", model.notice)

    def test_errors_are_kept_until_the_next_action(self):
        model = play(
            Sent("hit"),
            {"type": "error", "status_code": 409, "message": "your hand is over"},
            model=seated_with_bob(),
        )
        self.assertEqual(model.error, (409, "your hand is over"))
        self.assertIsNone(model.awaiting)
        self.assertEqual(model.connection, SEATED)
        model = reduce(model, Sent("stand"))
        self.assertIsNone(model.error)

    def test_table_full_then_the_close(self):
        model = play(
            {"type": "error", "status_code": 507, "message": "all busy"},
            Disconnected(1013, "all busy"),
        )
        self.assertEqual(model.connection, FULL)
        self.assertEqual(model.error, (507, "all busy"))
        self.assertEqual(model.close_code, 1013)

    def test_disconnect_clears_deadlines_and_reconnect_starts_afresh(self):
        model = reduce(seated_with_bob(), Disconnected(1006, "connection lost"))
        self.assertEqual(model.connection, DISCONNECTED)
        self.assertIsNone(model.me.deadline)
        self.assertFalse(model.can_act())
        self.assertEqual(model.me.hand.points, 16)  # the table stays readable
        model = reduce(model, Connecting("ws://h/websocket"))
        self.assertEqual(model.connection, CONNECTING)
        self.assertEqual(model.seats, {})
        self.assertIsNone(model.my_id)

    def test_closing_on_purpose(self):
        self.assertEqual(
            reduce(seated_with_bob(), Disconnected(1000, "", by_us=True)).connection,
            CLOSED,
        )


class OddOrderTests(SynchronousTestCase):
    """Messages out of order, for strangers, malformed or unknown."""

    def test_hit_before_id_is_kept_and_adopted(self):
        model = play(hit("TS", 7, 10), hit("6H", 7, 16), ID)
        self.assertEqual(model.me.hand, Hand(("TS", "6H"), 16))
        self.assertEqual(model.me.name, "ann")
        self.assertEqual(len(model.seats), 1)

    def test_messages_for_unknown_players(self):
        model = seated_with_bob()
        self.assertEqual(
            play({"type": "stand", "id": 42, "reason": "stand"}, model=model), model
        )
        self.assertEqual(play({"type": "bust", "id": 42}, model=model), model)
        self.assertEqual(
            play({"type": "deadline", "id": 42, "seconds": 1}, model=model), model
        )
        # A card for someone never introduced: they are at the table after all.
        model = play(hit("4C", 42, 4), model=model)
        self.assertEqual(model.seats[42].name, "player 42")
        self.assertIsNone(model.seats[42].seat)
        self.assertEqual(model.seats_in_order()[-1].player_id, 42)

    def test_round_over_for_players_never_seen(self):
        model = play(
            {
                "type": "round_over",
                "dealer": {"hand": ["TS", "8S"], "points": 18},
                "results": [
                    {
                        "id": 3,
                        "username": "zed",
                        "hand": ["TS", "9S"],
                        "points": 19,
                        "result": "win",
                    },
                    "junk",
                    {"no": "id"},
                ],
                "next_round_in": 0,
            },
            model=seated_with_bob(),
            now=5.0,
        )
        self.assertEqual(model.seats[3].name, "zed")
        self.assertEqual(model.seats[3].result, "win")
        self.assertEqual(model.next_round_at, 5.0)

    def test_unknown_and_malformed_messages_change_nothing(self):
        model = seated_with_bob()
        for junk in [
            {"type": "tip_the_dealer", "amount": 5},
            {"type": None},
            {"no": "type"},
            {"type": "hit", "card": "TS"},
            {"type": "hit", "card": 5, "id": 7, "points": 5},
            {"type": "hit", "card": "TS", "id": True, "points": 5},
            {"type": "hit", "card": "TS", "id": 7, "points": "lots"},
            {"type": "id"},
            {"type": "other_players", "id": 5},
            {"type": "round_over", "dealer": None, "results": []},
            {"type": "deadline", "id": 7, "seconds": "soon"},
            {"type": "new_client", "username": "nobody"},
            [1, 2, 3],
            "hit",
            None,
        ]:
            self.assertEqual(reduce(model, junk), model, junk)

    def test_every_protocol_message_type_is_handled(self):
        self.assertEqual(
            {
                "auth",
                "id",
                "hit",
                "other_players",
                "new_client",
                "deadline",
                "bust",
                "stand",
                "winner",
                "lose",
                "push",
                "round_over",
                "restart",
                "wait",
                "left",
                "shuffle",
                "error",
            },
            KNOWN_TYPES,
        )

    def test_the_reducer_does_not_mutate(self):
        model = seated_with_bob()
        seats_before = dict(model.seats)
        reduce(model, hit("4D", 7, 20))
        reduce(model, {"type": "restart"})
        self.assertEqual(dict(model.seats), seats_before)

    @given(st.lists(_message, max_size=30))
    def test_any_sequence_is_survived(self, messages):
        model = play(*messages)
        self.assertIsInstance(model, Model)
        model.can_act()
        model.seats_in_order()

    def test_decoding_is_one_step_that_can_be_swapped(self):
        model = play(ID)
        # The default decoding refuses what no sane server sends.
        for odd in (None, [ID], "id", {"type": "deadline", "id": 7, "seconds": nan}):
            self.assertEqual(reduce(model, odd), model, repr(odd))
        # Another decoder (a typed wire module, say) feeds the same handlers.
        seen = []

        def decode(message):
            seen.append(message)
            return wire.Hit(card="5C", id=7, points=5)

        after = reduce(model, object(), decode=decode)
        self.assertEqual(len(seen), 1)
        self.assertEqual(after.me.hand.cards, ("5C",))
        self.assertEqual(reduce(model, ID, decode=lambda message: None), model)
