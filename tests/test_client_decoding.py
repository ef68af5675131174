"""The client reads the server through ``blackjackd.wire``: the seed's own
messages (fewer fields than this server sends) still seat and play, and
what wire refuses changes nothing."""

from __future__ import annotations

from functools import reduce as fold

from blackjack_client.model import BUST, SEATED, Connecting, Model, Rules, reduce
from blackjackd import wire


def play(*messages: object) -> Model:
    start = reduce(Model(), Connecting("ws://x/websocket"))
    return fold(lambda model, message: reduce(model, message), messages, start)


def test_the_seeds_messages_decode():
    assert wire.decode_server_message(
        b'{"type": "id", "client_id": 7, "username": "ann"}'
    ) == wire.Id(client_id=7, username="ann")
    assert wire.decode_server_message(b'{"type": "bust"}') == wire.Bust()
    assert wire.decode_server_message(b'{"type": "lose"}') == wire.Lose()
    assert wire.decode_server_message(
        b'{"type": "new_client", "message": 8}'
    ) == wire.NewClient(message=8)


def test_a_seed_server_seats_and_plays():
    model = play(
        b'{"type": "auth"}',
        b'{"type": "id", "client_id": 7, "username": "ann"}',
        b'{"type": "hit", "card": "TS", "id": 7, "points": 10}',
        b'{"type": "hit", "card": "QS", "id": 7, "points": 20}',
        b'{"type": "hit", "card": "5S", "id": 7, "points": 25}',
        b'{"type": "bust"}',
        b'{"type": "new_client", "message": 8}',
    )
    assert model.connection == SEATED and model.my_id == 7
    assert (model.table, model.table_seats, model.turn_timeout) == (None, None, None)
    assert model.me.state == BUST
    assert model.seats[8].name == "player 8"


def test_typed_messages_and_frames_reduce_alike():
    frame = b'{"type": "left", "id": 8}'
    seated = play({"type": "id", "client_id": 7, "username": "ann"})
    seated = reduce(seated, {"type": "new_client", "message": 8})
    assert reduce(seated, frame) == reduce(seated, wire.Left(id=8))
    assert reduce(seated, wire.decode_server_message(frame)) == reduce(seated, frame)
    # What wire refuses, or doesn't know, changes nothing.
    for refused in (b'{"type": "left", "id": "8"}', b"\xff", b'{"type": "tip"}'):
        assert reduce(seated, refused) == seated


def test_a_round_over_keeps_the_results_that_decode():
    decoded = wire.decode_server_message(
        {
            "type": "round_over",
            "dealer": {"hand": ["TS", "8S"], "points": 18},
            "results": [
                "junk",
                {"id": 3, "hand": ["TS", "9S"], "points": 19, "result": "win"},
                {"no": "id"},
            ],
        }
    )
    assert isinstance(decoded, wire.RoundOver)
    assert [result.id for result in decoded.results] == [3]


def test_rules_left_out_keep_the_defaults():
    model = play(
        {
            "type": "id",
            "client_id": 7,
            "username": "ann",
            "game": "casino",
            "rules": {"min_bet": 20, "bet_unit": 5, "rtp": 99.5},
        }
    )
    assert model.rules == Rules(min_bet=20, bet_unit=5, rtp=99.5)
