"""The pygame client's model: every server message of docs/protocol.rst
through the reducer, in order, out of order, malformed and unknown."""

from __future__ import annotations

from functools import reduce as fold
from math import nan

import pytest
from hypothesis import given
from hypothesis import strategies as st

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

ID = {
    "type": "id",
    "client_id": 7,
    "username": "ann",
    "table": 1,
    "seat": 0,
    "seats": 5,
    "protocol": 1,
    "turn_timeout": 30.0,
}


def play(*messages, model=None, now=0.0):
    """The model after ``messages``, all received at ``now``."""
    start = model or reduce(Model(), Connecting("ws://x/websocket"))
    return fold(lambda m, message: reduce(m, message, now), messages, start)


def hit(card, who, points):
    return {"type": "hit", "card": card, "id": who, "points": points}


def seated_with_bob():
    """ann (7) holds TS 6H; bob (5) was there with 9C 3D."""
    return play(
        {"type": "auth"},
        ID,
        hit("TS", 7, 10),
        hit("6H", 7, 16),
        {
            "type": "other_players",
            "hand": ["9C", "3D"],
            "id": 5,
            "points": 12,
            "username": "bob",
            "seat": 1,
            "state": "playing",
        },
        {"type": "deadline", "id": 7, "seconds": 30.0},
        now=100.0,
    )


def test_connecting_then_auth_then_id():
    model = reduce(Model(), Connecting("ws://h/websocket"))
    assert (model.connection, model.url) == (CONNECTING, "ws://h/websocket")
    model = reduce(model, Connected())
    assert model.connection == CONNECTED
    model = reduce(model, {"type": "auth"})
    assert model.connection == CONNECTED
    model = reduce(model, ID)
    assert model.connection == SEATED
    assert (model.my_id, model.my_name, model.table, model.turn_timeout) == (
        7,
        "ann",
        1,
        30.0,
    )
    assert model.protocol == 1
    assert model.table_seats == 5
    assert model.me.seat == 0
    assert model.me.name == "ann"


@pytest.mark.parametrize("seats", [0, 8, "5", True, None, 2.5])
def test_a_nonsense_seat_count_is_not_believed(seats):
    assert play({**ID, "seats": seats}).table_seats is None


def test_auth_alone_means_connected():
    assert play({"type": "auth"}).connection == CONNECTED


def test_the_protocols_round_at_a_glance():
    model = seated_with_bob()
    me = model.me
    assert me.hand == Hand(("TS", "6H"), 16)
    assert me.state == PLAYING
    assert me.deadline == 130.0
    assert model.can_act()
    bob = model.seats[5]
    assert (bob.name, bob.seat, bob.hand.cards, bob.hand.points, bob.state) == (
        "bob",
        1,
        ("9C", "3D"),
        12,
        PLAYING,
    )
    assert [s.player_id for s in model.seats_in_order()] == [7, 5]

    model = reduce(model, Sent("hit"))
    assert model.awaiting == "hit"
    assert not model.can_act()
    model = play(hit("4D", 7, 20), model=model)
    assert model.awaiting is None
    assert model.me.hand.points == 20
    model = play(
        Sent("stand"), {"type": "stand", "id": 7, "reason": "stand"}, model=model
    )
    assert (model.me.state, model.me.reason, model.me.deadline) == (
        STOOD,
        "stand",
        None,
    )
    assert not model.can_act()
    model = play({"type": "stand", "id": 5, "reason": "timeout"}, model=model)
    assert model.seats[5].reason == "timeout"

    model = play(hit("9C", "dealer", 9), hit("8C", "dealer", 17), model=model)
    assert model.dealer == Hand(("9C", "8C"), 17)
    assert model.phase == PHASE_DEALER
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
    assert model.phase == PHASE_OVER
    assert model.rounds == 1
    assert model.next_round_at == 203.0
    assert model.me.result == "win"
    assert model.seats[5].result == "lose"

    model = play({"type": "restart"}, model=model)
    assert model.phase == PHASE_PLAYING
    assert model.dealer == Hand()
    assert model.next_round_at is None
    for seat in model.seats.values():
        assert (seat.hand, seat.state, seat.result) == (Hand(), PLAYING, None)
    model = play(hit("AS", 7, 11), hit("2C", 5, 2), model=model)
    assert model.me.hand.cards == ("AS",)
    assert not model.can_act()  # one card: the deal isn't done


def test_own_bust_and_others_bust_by_points():
    model = play(
        hit("5C", 7, 21 + 5),  # a bust by points, even before bust arrives
        {"type": "bust", "id": 7},
        hit("KD", 5, 22),
        model=seated_with_bob(),
    )
    assert model.me.state == BUST
    assert model.me.deadline is None
    assert model.seats[5].state == BUST
    # A late stand doesn't undo a bust.
    model = play({"type": "stand", "id": 5, "reason": "timeout"}, model=model)
    assert model.seats[5].state == BUST


def test_lose_and_push_are_mine():
    model = play({"type": "lose", "id": 7}, model=seated_with_bob())
    assert model.me.result == "lose"
    model = play({"type": "push", "id": 7}, model=model)
    assert model.me.result == "push"
    # Without an id they still mean me.
    model = play({"type": "lose"}, model=model)
    assert model.me.result == "lose"


def test_new_client_waits_until_dealt():
    model = play(
        {"type": "new_client", "message": 8, "username": "cy", "seat": 2},
        model=seated_with_bob(),
    )
    cy = model.seats[8]
    assert (cy.name, cy.seat, cy.state, cy.hand) == ("cy", 2, WAITING, Hand())
    model = play(hit("2H", 8, 2), hit("3H", 8, 5), model=model)
    assert model.seats[8].state == PLAYING
    model = play({"type": "deadline", "id": 8, "seconds": 5}, model=model, now=10)
    assert model.seats[8].deadline == 15


def test_wait_then_dealt_at_restart():
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
    assert model.me.state == WAITING
    assert model.seats[5].state == BUST
    assert "next round" in model.notice
    assert not model.can_act()
    model = play({"type": "restart"}, hit("TS", 7, 10), hit("TC", 7, 20), model=model)
    assert model.me.state == PLAYING
    assert model.notice == ""
    assert model.can_act()


def test_left_keeps_the_seat_until_the_next_deal():
    model = play({"type": "left", "id": 5}, model=seated_with_bob())
    assert model.seats[5].state == LEFT
    # Duplicate left, and cards or results for a player who left: ignored.
    model = play(
        {"type": "left", "id": 5},
        hit("2D", 5, 14),
        {"type": "winner", "id": 5},
        {"type": "deadline", "id": 5, "seconds": 3},
        model=model,
    )
    bob = model.seats[5]
    assert (bob.state, bob.hand.points, bob.result, bob.deadline) == (
        LEFT,
        12,
        None,
        None,
    )
    model = play({"type": "restart"}, model=model)
    assert 5 not in model.seats


def test_someone_new_in_a_seat_that_was_left():
    model = play(
        {"type": "left", "id": 5},
        {"type": "new_client", "message": 9, "username": "dee", "seat": 1},
        model=seated_with_bob(),
    )
    assert 5 not in model.seats
    assert model.seats[9].seat == 1


def test_left_for_someone_unknown_is_ignored():
    model = seated_with_bob()
    assert play({"type": "left", "id": 99}, model=model) == model


def test_shuffle_is_a_notice():
    model = play({"type": "shuffle"}, model=seated_with_bob())
    assert "shuffle" in model.notice


def test_errors_are_kept_until_the_next_action():
    model = play(
        Sent("hit"),
        {"type": "error", "status_code": 409, "message": "your hand is over"},
        model=seated_with_bob(),
    )
    assert model.error == (409, "your hand is over")
    assert model.awaiting is None
    assert model.connection == SEATED
    model = reduce(model, Sent("stand"))
    assert model.error is None


def test_table_full_then_the_close():
    model = play(
        {"type": "error", "status_code": 507, "message": "all busy"},
        Disconnected(1013, "all busy"),
    )
    assert model.connection == FULL
    assert model.error == (507, "all busy")
    assert model.close_code == 1013


def test_disconnect_clears_deadlines_and_reconnect_starts_afresh():
    model = reduce(seated_with_bob(), Disconnected(1006, "connection lost"))
    assert model.connection == DISCONNECTED
    assert model.me.deadline is None
    assert not model.can_act()
    assert model.me.hand.points == 16  # the table stays readable
    model = reduce(model, Connecting("ws://h/websocket"))
    assert model.connection == CONNECTING
    assert model.seats == {}
    assert model.my_id is None


def test_closing_on_purpose():
    assert reduce(seated_with_bob(), Disconnected(1000, "", by_us=True)).connection == (
        CLOSED
    )


def test_hit_before_id_is_kept_and_adopted():
    model = play(hit("TS", 7, 10), hit("6H", 7, 16), ID)
    assert model.me.hand == Hand(("TS", "6H"), 16)
    assert model.me.name == "ann"
    assert len(model.seats) == 1


def test_messages_for_unknown_players():
    model = seated_with_bob()
    assert play({"type": "stand", "id": 42, "reason": "stand"}, model=model) == model
    assert play({"type": "bust", "id": 42}, model=model) == model
    assert play({"type": "deadline", "id": 42, "seconds": 1}, model=model) == model
    # A card for someone never introduced: they are at the table after all.
    model = play(hit("4C", 42, 4), model=model)
    assert model.seats[42].name == "player 42"
    assert model.seats[42].seat is None
    assert model.seats_in_order()[-1].player_id == 42


def test_round_over_for_players_never_seen():
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
    assert model.seats[3].name == "zed"
    assert model.seats[3].result == "win"
    assert model.next_round_at == 5.0


def test_unknown_and_malformed_messages_change_nothing():
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
        assert reduce(model, junk) == model, junk


def test_every_protocol_message_type_is_handled():
    assert {
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
    } == KNOWN_TYPES


def test_the_reducer_does_not_mutate():
    model = seated_with_bob()
    seats_before = dict(model.seats)
    reduce(model, hit("4D", 7, 20))
    reduce(model, {"type": "restart"})
    assert dict(model.seats) == seats_before


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


@given(st.lists(_message, max_size=30))
def test_any_sequence_is_survived(messages):
    model = play(*messages)
    assert isinstance(model, Model)
    model.can_act()
    model.seats_in_order()


def test_decoding_is_one_step_that_can_be_swapped():
    model = play(ID)
    # The default decoding refuses what no sane server sends.
    for odd in (None, [ID], "id", {"type": "deadline", "id": 7, "seconds": nan}):
        assert reduce(model, odd) == model
    # Another decoder (a typed wire module, say) feeds the same handlers.
    seen = []

    def decode(message):
        seen.append(message)
        return wire.Hit(card="5C", id=7, points=5)

    after = reduce(model, object(), decode=decode)
    assert len(seen) == 1
    assert after.me.hand.cards == ("5C",)
    assert reduce(model, ID, decode=lambda message: None) == model
