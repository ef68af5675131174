"""The client reads the server through ``blackjackd.wire``: the seed's own
messages (fewer fields than this server sends) still seat and play, and
what wire refuses changes nothing."""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from blackjack_client.model import BUST, SEATED, Rules, reduce
from blackjackd import wire
from tests.client_messages import play


class DecodingTests(SynchronousTestCase):
    """One decoding step, wire's, for frames, JSON objects and messages."""

    def test_the_seeds_messages_decode(self):
        for frame, message in [
            (
                b'{"type": "id", "client_id": 7, "username": "ann"}',
                wire.Id(client_id=7, username="ann"),
            ),
            (b'{"type": "bust"}', wire.Bust()),
            (b'{"type": "lose"}', wire.Lose()),
            (b'{"type": "new_client", "message": 8}', wire.NewClient(message=8)),
        ]:
            self.assertEqual(wire.decode_server_message(frame), message, frame)

    def test_a_seed_server_seats_and_plays(self):
        model = play(
            b'{"type": "auth"}',
            b'{"type": "id", "client_id": 7, "username": "ann"}',
            b'{"type": "hit", "card": "TS", "id": 7, "points": 10}',
            b'{"type": "hit", "card": "QS", "id": 7, "points": 20}',
            b'{"type": "hit", "card": "5S", "id": 7, "points": 25}',
            b'{"type": "bust"}',
            b'{"type": "new_client", "message": 8}',
        )
        self.assertEqual((model.connection, model.my_id), (SEATED, 7))
        self.assertEqual(
            (model.table, model.table_seats, model.turn_timeout), (None, None, None)
        )
        self.assertEqual(model.me.state, BUST)
        self.assertEqual(model.seats[8].name, "player 8")

    def test_typed_messages_and_frames_reduce_alike(self):
        frame = b'{"type": "left", "id": 8}'
        seated = play(
            {"type": "id", "client_id": 7, "username": "ann"},
            {"type": "new_client", "message": 8},
        )
        self.assertEqual(reduce(seated, frame), reduce(seated, wire.Left(id=8)))
        # What wire refuses, or doesn't know, changes nothing.
        for refused in (b'{"type": "left", "id": "8"}', b"\xff", b'{"type": "tip"}'):
            self.assertEqual(reduce(seated, refused), seated, refused)

    def test_a_round_over_keeps_the_results_that_decode(self):
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
        self.assertIsInstance(decoded, wire.RoundOver)
        self.assertEqual([result.id for result in decoded.results], [3])

    def test_rules_left_out_keep_the_defaults(self):
        model = play(
            {
                "type": "id",
                "client_id": 7,
                "username": "ann",
                "game": "casino",
                "rules": {"min_bet": 20, "bet_unit": 5, "rtp": 99.5},
            }
        )
        self.assertEqual(model.rules, Rules(min_bet=20, bet_unit=5, rtp=99.5))
