"""The WebSocket protocol in memory: the seed's whole flow, and bad input."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from twisted.trial.unittest import SynchronousTestCase
from twisted.web.test.requesthelper import DummyChannel, DummyRequest

from blackjackd import __version__
from blackjackd.protocol import ClientLimits, origin_allowed
from blackjackd.table import TableConfig
from blackjackd.testing import (
    CLASSIC_OPENING,
    QUIET_LIMITS,
    MemoryServer,
    error_events,
)
from blackjackd.web import HealthResource, build_site
from blackjackd.wire import Wait, as_dict

# Dealt round the table, a card each then a second each: ann TS 7H (17);
# bob 9C 5D (14), then 8S when he hits (22, bust); the dealer: 6H TD (16),
# then 4C (20).
ROUND_ONE = ["TS", "9C", "7H", "5D", "8S", "6H", "TD", "4C"]

# (ann's cards, the dealer's cards, what ann hears, ann's result)
RESULTS = [
    # ann 20 against the dealer's 18: a win, announced to the table.
    (["TS", "QS"], ["9H", "9D"], {"type": "winner", "id": 1}, "win"),
    # 19 against 19: a push, told to ann alone.
    (["TS", "9S"], ["TH", "9D"], {"type": "push", "id": 1}, "push"),
    # 18 against a dealer bust: a win.
    (["TS", "8S"], ["TH", "6D", "KC"], {"type": "winner", "id": 1}, "win"),
]


def _error(code, message):
    return {"type": "error", "status_code": code, "message": message}


_BAD_AMOUNT = "field 'amount' must be a positive whole number"
_BAD_HAND = "field 'hand' must be a hand index, 0 to 15"

# (the frame a client sends before auth, the error it gets)
BAD_INPUT = [
    (b"not json", _error(400, "data not json")),
    (b"[1, 2]", _error(400, "message must be a JSON object")),
    (b'"auth"', _error(400, "message must be a JSON object")),
    (b"{}", _error(400, "field 'type' must be a string")),
    (b'{"type": 3}', _error(400, "field 'type' must be a string")),
    (b'{"type": "fold"}', _error(400, "unknown message type 'fold'")),
    (
        b'{"type": "auth"}',
        _error(400, "field 'data' must be an object with a username"),
    ),
    (
        b'{"type": "auth", "data": {"username": 5}}',
        _error(400, "field 'data.username' must be a string"),
    ),
    (
        b'{"type": "auth", "data": {"username": "  "}}',
        _error(400, "username is empty"),
    ),
    (
        json.dumps({"type": "auth", "data": {"username": "x" * 33}}).encode(),
        _error(400, "username is longer than 32 characters"),
    ),
    (
        b'{"type": "auth", "data": {"username": "a\\u0007b"}}',
        _error(400, "username has control characters"),
    ),
    (b"[" * 2000 + b"]" * 2000, _error(400, "data nested too deeply")),
    (b'{"type": "bet"}', _error(400, _BAD_AMOUNT)),
    (b'{"type": "bet", "amount": "50"}', _error(400, _BAD_AMOUNT)),
    (b'{"type": "bet", "amount": 0}', _error(400, _BAD_AMOUNT)),
    (b'{"type": "bet", "amount": 12.5}', _error(400, _BAD_AMOUNT)),
    (b'{"type": "bet", "amount": true}', _error(400, _BAD_AMOUNT)),
    (b'{"type": "bet", "amount": 1e400}', _error(400, _BAD_AMOUNT)),
    (b'{"type": "hit", "hand": -1}', _error(400, _BAD_HAND)),
    (b'{"type": "split", "hand": "0"}', _error(400, _BAD_HAND)),
    (b'{"type": "double", "hand": false}', _error(400, _BAD_HAND)),
    (b'{"type": "surrender", "hand": 99}', _error(400, _BAD_HAND)),
    (
        b'{"type": "insurance", "take": "yes"}',
        _error(400, "field 'take' must be true or false"),
    ),
    (b'{"type": "hit"}', _error(401, "not authorized")),
    (b'{"type": "stand"}', _error(401, "not authorized")),
]

# (a casino action sent at a classic table, the error it gets)
CASINO_ACTIONS_AT_A_CLASSIC_TABLE = [
    ({"type": "bet", "amount": 10}, _error(409, "this table doesn't play bet")),
    ({"type": "double"}, _error(409, "this table doesn't play double")),
    ({"type": "split", "hand": 0}, _error(409, "this table doesn't play split")),
    ({"type": "surrender"}, _error(409, "this table doesn't play surrender")),
    ({"type": "insurance"}, _error(409, "this table doesn't play insurance")),
    (
        {"type": "hit", "hand": 1},
        _error(400, "no hand 1: a classic hand is hand 0"),
    ),
]


def _short(frame: bytes) -> str:
    """A frame as a case name: the deeply nested one would fill the screen."""
    text = repr(frame)
    return text if len(text) <= 80 else f"{text[:60]}... ({len(frame)} bytes)"


class RoundTests(SynchronousTestCase):
    """Whole rounds, as the seed plays them."""

    def test_connect_gets_auth(self):
        """A new connection is asked for its name."""
        server = MemoryServer()
        client = server.connect()
        self.assertTrue(client.opened)
        self.assertEqual(client.take(), [{"type": "auth"}])

    def test_seed_round_two_players(self):
        """Two players: the deal, a second player waiting for the next round,
        a bust, the dealer's play, the next round."""
        with error_events() as logged_errors:
            server = MemoryServer(
                [*CLASSIC_OPENING, *ROUND_ONE, "2S", "3S", "4S", "5S"]
            )
            ann = server.seat("ann")
            received = ann.take()
            # The token that brings ann back: url-safe base64, 192 bits.
            token = received[0].pop("token")
            self.assertRegex(token, r"^[A-Za-z0-9_-]{32}$")
            self.assertEqual(
                received[0],
                {
                    "type": "id",
                    "client_id": 1,
                    "username": "ann",
                    "table": 1,
                    "seat": 0,
                    "seats": 5,
                    "protocol": 1,
                    "turn_timeout": 30.0,
                },
            )
            self.assertEqual(
                received[1:],
                [
                    {"type": "hit", "card": "TS", "id": 1, "points": 10},
                    {"type": "hit", "card": "7H", "id": 1, "points": 17},
                    {"type": "deadline", "id": 1, "seconds": 30.0},
                ],
            )

            bob = server.seat("bob")
            bob_hears = bob.take()
            self.assertRegex(bob_hears[0].pop("token"), r"^[A-Za-z0-9_-]{32}$")
            self.assertEqual(
                bob_hears,
                [
                    {
                        "type": "id",
                        "client_id": 2,
                        "username": "bob",
                        "table": 1,
                        "seat": 1,
                        "seats": 5,
                        "protocol": 1,
                        "turn_timeout": 30.0,
                    },
                    {
                        "type": "other_players",
                        "hand": ["TS", "7H"],
                        "id": 1,
                        "points": 17,
                        "username": "ann",
                        "seat": 0,
                        "state": "playing",
                    },
                    {"type": "wait", "message": "dealt in at the next round"},
                ],
            )
            self.assertEqual(
                ann.take(),
                [{"type": "new_client", "message": 2, "username": "bob", "seat": 1}],
            )

            # ann's 17 against the dealer's 17 (9S 8H) is settled without bob.
            ann.send({"type": "stand"})
            server.flush()
            opening_over = {
                "type": "round_over",
                "dealer": {"hand": ["9S", "8H"], "points": 17},
                "results": [
                    {
                        "id": 1,
                        "username": "ann",
                        "hand": ["TS", "7H"],
                        "points": 17,
                        "result": "push",
                    }
                ],
                "next_round_in": 3.0,
            }
            self.assertEqual(ann.take()[-2:], [{"type": "push", "id": 1}, opening_over])
            self.assertEqual(bob.take()[-1], opening_over)

            # At the next round both are dealt in, a card each, then a second.
            server.advance(3)
            deal = [
                {"type": "restart"},
                {"type": "hit", "card": "TS", "id": 1, "points": 10},
                {"type": "hit", "card": "9C", "id": 2, "points": 9},
                {"type": "hit", "card": "7H", "id": 1, "points": 17},
                {"type": "hit", "card": "5D", "id": 2, "points": 14},
                {"type": "deadline", "id": 1, "seconds": 30.0},
                {"type": "deadline", "id": 2, "seconds": 30.0},
            ]
            self.assertEqual(ann.take(), deal)
            self.assertEqual(bob.take(), deal)

            bob.send({"type": "hit"})
            server.flush()
            self.assertEqual(
                bob.take(),
                [
                    {"type": "hit", "card": "8S", "id": 2, "points": 22},
                    {"type": "bust", "id": 2},
                ],
            )
            self.assertEqual(
                ann.take(), [{"type": "hit", "card": "8S", "id": 2, "points": 22}]
            )

            ann.send({"type": "stand"})
            server.flush()
            dealer_and_results = [
                {"type": "stand", "id": 1, "reason": "stand"},
                {"type": "hit", "card": "6H", "id": "dealer", "points": 6},
                {"type": "hit", "card": "TD", "id": "dealer", "points": 16},
                {"type": "hit", "card": "4C", "id": "dealer", "points": 20},
            ]
            summary = {
                "type": "round_over",
                "dealer": {"hand": ["6H", "TD", "4C"], "points": 20},
                "results": [
                    {
                        "id": 1,
                        "username": "ann",
                        "hand": ["TS", "7H"],
                        "points": 17,
                        "result": "lose",
                    },
                    {
                        "id": 2,
                        "username": "bob",
                        "hand": ["9C", "5D", "8S"],
                        "points": 22,
                        "result": "lose",
                    },
                ],
                "next_round_in": 3.0,
            }
            self.assertEqual(
                ann.take(), [*dealer_and_results, {"type": "lose", "id": 1}, summary]
            )
            self.assertEqual(
                bob.take(), [*dealer_and_results, {"type": "lose", "id": 2}, summary]
            )

            # The round delay passes: restart, and two cards to each, round-robin.
            server.advance(2.9)
            self.assertEqual(ann.take(), [])
            server.advance(0.1)
            expected = [
                {"type": "restart"},
                {"type": "hit", "card": "2S", "id": 1, "points": 2},
                {"type": "hit", "card": "3S", "id": 2, "points": 3},
                {"type": "hit", "card": "4S", "id": 1, "points": 6},
                {"type": "hit", "card": "5S", "id": 2, "points": 8},
                {"type": "deadline", "id": 1, "seconds": 30.0},
                {"type": "deadline", "id": 2, "seconds": 30.0},
            ]
            self.assertEqual(ann.take(), expected)
            self.assertEqual(bob.take(), expected)
            server.close_all()
        self.assertEqual(logged_errors, [])

    def test_results(self):
        """A win is told to the table, a push to the player alone."""
        for player, dealer, ann_hears, result in RESULTS:
            case = f"ann {player}, dealer {dealer}"
            server = MemoryServer(player + dealer)
            ann = server.seat("ann")
            ann.take()
            ann.send({"type": "stand"})
            server.flush()
            received = ann.take()
            self.assertIn(ann_hears, received, f"{case}: ann hears {ann_hears}")
            self.assertEqual(received[-1]["results"][0]["result"], result, case)
            self.assertEqual(received[-1]["dealer"]["hand"], dealer, case)

    def test_winner_is_announced_to_the_whole_table_but_lose_only_to_the_loser(
        self,
    ):
        """``winner`` goes to everyone, ``lose`` to the loser alone."""
        # ann 20 wins, bob 12 loses against the dealer's 17.
        server = MemoryServer([*CLASSIC_OPENING, "TS", "TC", "QS", "2C", "TH", "7D"])
        ann = server.seat("ann")
        bob = server.seat("bob")
        server.deal_together(ann, bob)
        ann.send({"type": "stand"})
        bob.send({"type": "stand"})
        server.flush()
        ann_types = [(m["type"], m.get("id")) for m in ann.take()]
        bob_types = [(m["type"], m.get("id")) for m in bob.take()]
        self.assertIn(("winner", 1), ann_types)
        self.assertIn(("winner", 1), bob_types)
        self.assertIn(("lose", 2), bob_types)
        self.assertNotIn(("lose", 2), ann_types)

    def test_full_table_answers_507_and_closes_cleanly(self):
        """A visitor to a full table gets 507 and a clean 1013 close."""
        server = MemoryServer(
            ["2S", "3S", "4S", "5S"], config=TableConfig(seats=2, turn_timeout=30)
        )
        server.seat("ann")
        server.seat("bob")
        third = server.connect()
        self.assertEqual(
            third.take(), [{"type": "error", "status_code": 507, "message": "all busy"}]
        )
        self.assertTrue(third.closed)
        self.assertEqual(third.close_code, 1013)
        self.assertTrue(third.wasClean)

    def test_last_seat_taken_while_choosing_a_name(self):
        """The seat went while the client was choosing a name: 507."""
        server = MemoryServer(["2S", "3S", "4S", "5S"], config=TableConfig(seats=1))
        late = server.connect()
        early = server.seat("early")
        self.assertEqual(early.take()[0]["type"], "id")
        self.assertEqual(late.take(), [{"type": "auth"}])
        late.send({"type": "auth", "data": {"username": "late"}})
        server.flush()
        self.assertEqual(
            late.take(), [{"type": "error", "status_code": 507, "message": "all busy"}]
        )
        self.assertEqual(late.close_code, 1013)

    def test_leaving_frees_the_seat_and_the_table_hears_it(self):
        """A player who leaves frees the seat; the table is told."""
        server = MemoryServer(
            ["2S", "3S", "4S", "5S", "6S", "7S"], config=TableConfig(seats=2)
        )
        ann = server.seat("ann")
        bob = server.seat("bob")
        ann.take()
        bob.transport.loseConnection()
        server.flush()
        self.assertEqual(ann.take(), [{"type": "left", "id": 2}])
        self.assertEqual(server.lobby.seats_taken, 1)
        cy = server.seat("cy")
        self.assertEqual(cy.take()[0]["seat"], 1)

    def test_player_leaving_mid_round_lets_the_round_finish(self):
        """The last player to act leaves: the dealer plays at once."""
        # ann 17 stands; bob (playing) drops; the dealer plays at once.
        server = MemoryServer([*CLASSIC_OPENING, "TS", "9C", "7H", "5D", "TH", "8D"])
        ann = server.seat("ann")
        bob = server.seat("bob")
        server.deal_together(ann, bob)
        ann.send({"type": "stand"})
        server.flush()
        ann.take()
        bob.sendClose()
        server.flush()
        received = ann.take()
        self.assertEqual(received[0], {"type": "left", "id": 2})
        self.assertEqual(received[-1]["type"], "round_over")
        self.assertEqual([r["id"] for r in received[-1]["results"]], [1])
        self.assertEqual(received[-1]["dealer"]["hand"], ["TH", "8D"])

    def test_turn_timeout_stands_the_player_and_tells_the_table(self):
        """A player who doesn't act in time is stood."""
        server = MemoryServer(
            [*CLASSIC_OPENING, "TS", "9C", "7H", "5D", "TH", "8D"],
            config=TableConfig(turn_timeout=2.5, round_delay=1),
        )
        ann = server.seat("ann")
        bob = server.seat("bob")
        server.deal_together(ann, bob)
        ann.send({"type": "stand"})
        server.flush()
        ann.take()
        bob.take()
        server.advance(2.4)
        self.assertEqual(bob.take(), [])
        server.advance(0.1)
        received = bob.take()
        self.assertEqual(received[0], {"type": "stand", "id": 2, "reason": "timeout"})
        self.assertEqual(received[-1]["type"], "round_over")
        bob.send({"type": "hit"})
        server.flush()
        self.assertEqual(
            bob.take(),
            [{"type": "error", "status_code": 409, "message": "your hand is over"}],
        )

    def test_seated_between_rounds_is_dealt_in_at_restart(self):
        """A player seated after the deal waits for the next round."""
        server = MemoryServer(["TS", "7H", "TH", "8D", "2S", "3S", "4S", "5S"])
        ann = server.seat("ann")
        ann.send({"type": "stand"})
        server.flush()
        ann.take()
        bob = server.seat("bob")
        received = bob.take()
        self.assertEqual([m["type"] for m in received], ["id", "other_players", "wait"])
        self.assertEqual(received[1]["state"], "stood")
        bob.send({"type": "hit"})
        server.flush()
        self.assertEqual(
            bob.take(),
            [
                {
                    "type": "error",
                    "status_code": 409,
                    "message": "you are dealt in at the next round",
                }
            ],
        )
        server.advance(3)
        self.assertEqual(
            [m for m in bob.take() if m["type"] == "hit"],
            [
                {"type": "hit", "card": "2S", "id": 1, "points": 2},
                {"type": "hit", "card": "3S", "id": 2, "points": 3},
                {"type": "hit", "card": "4S", "id": 1, "points": 6},
                {"type": "hit", "card": "5S", "id": 2, "points": 8},
            ],
        )

    def test_two_tables_stay_apart(self):
        """Players at different tables hear nothing of each other."""
        server = MemoryServer(
            [], tables=2, config=TableConfig(seats=1), real_shoe_seed=7
        )
        ann = server.seat("ann")
        bob = server.seat("bob")
        ann_first = ann.take()
        bob_first = bob.take()
        self.assertEqual(ann_first[0]["table"], 1)
        self.assertEqual(bob_first[0]["table"], 2)
        ann.send({"type": "hit"})
        server.flush()
        self.assertTrue(ann.take())
        self.assertEqual(bob.take(), [])
        for message in ann_first + bob_first:
            self.assertIn(
                message.get("id"),
                (None, message.get("client_id"), 1, 2),
                f"{message}: an id of this table's",
            )
        for message in ann_first:
            if message["type"] == "hit":
                self.assertNotEqual(message.get("id"), 2, f"{message} to ann")
        for message in bob_first:
            if message["type"] == "hit":
                self.assertNotEqual(message.get("id"), 1, f"{message} to bob")
        ann.sendClose()
        server.flush()
        self.assertEqual(bob.take(), [])


def _dealt_with_a_small_budget() -> tuple[MemoryServer, Any, Any]:
    """ann and bob dealt in together at a table where a client may send 3
    messages at once and 1 a second, and 4 refused in a row close it."""
    limits = ClientLimits(
        rate=1,
        burst=3,
        strikes=4,
        auto_ping_interval=0,
        open_handshake_timeout=0,
        close_handshake_timeout=0,
    )
    server = MemoryServer(
        [*CLASSIC_OPENING, "TS", "9C", "7H", "5D", "TH", "8D"], limits=limits
    )
    ann = server.seat("ann")
    bob = server.seat("bob")
    # The round delay before their deal gives ann back her whole burst.
    server.deal_together(ann, bob)
    ann.take()
    bob.take()
    return server, ann, bob


class BadInputTests(SynchronousTestCase):
    """What a client may get wrong: an error each, and nothing changes."""

    def test_bad_input_before_auth_is_refused_and_changes_nothing(self):
        """Each bad frame gets its error; the client can still sit down."""
        for frame, expected in BAD_INPUT:
            case = _short(frame)
            with error_events() as logged_errors:
                server = MemoryServer(["TS", "7H"])
                client = server.connect()
                client.take()
                client.sendMessage(frame, isBinary=False)
                server.flush()
                self.assertEqual(client.take(), [expected], case)
                self.assertFalse(client.closed, case)
                self.assertEqual(server.lobby.seats_taken, 0, case)
                # The connection still works: the client can take a seat.
                client.send({"type": "auth", "data": {"username": "ann"}})
                server.flush()
                self.assertEqual(client.take()[0]["type"], "id", case)
            self.assertEqual(logged_errors, [], case)

    def test_binary_frame_is_400(self):
        """Binary frames are refused, and the connection stays."""
        server = MemoryServer()
        client = server.connect()
        client.take()
        client.sendMessage(b'{"type": "hit"}', isBinary=True)
        server.flush()
        self.assertEqual(
            client.take(),
            [_error(400, "binary frames are not accepted: send JSON text")],
        )
        self.assertFalse(client.closed)

    def test_second_auth_is_409(self):
        """A seated player can't authorize again."""
        server = MemoryServer(["TS", "7H"])
        ann = server.seat("ann")
        ann.take()
        ann.send({"type": "auth", "data": {"username": "again"}})
        server.flush()
        self.assertEqual(ann.take(), [_error(409, "already authorized")])
        self.assertEqual(server.lobby.seats_taken, 1)

    def test_acting_when_the_hand_is_done_is_409_and_changes_nothing(self):
        """Hit or stand after standing: 409, no card, no word to the table."""
        server = MemoryServer([*CLASSIC_OPENING, "TS", "9C", "7H", "5D"])
        ann = server.seat("ann")
        bob = server.seat("bob")
        server.deal_together(ann, bob)
        ann.send({"type": "stand"})
        server.flush()
        ann.take()
        bob.take()
        for kind in ("hit", "stand"):
            ann.send({"type": kind})
            server.flush()
            self.assertEqual(ann.take(), [_error(409, "your hand is over")], kind)
        # bob heard nothing of ann's mistakes, and the shoe gave no card.
        self.assertEqual(bob.take(), [])
        self.assertEqual(server.shoes[0].remaining, 0)

    def test_casino_actions_at_a_classic_table_change_nothing(self):
        """A casino action at a classic table: an error, and nothing else."""
        for message, expected in CASINO_ACTIONS_AT_A_CLASSIC_TABLE:
            case = json.dumps(message)
            server = MemoryServer([*CLASSIC_OPENING, "TS", "9C", "6H", "5D", "4S"])
            ann = server.seat("ann")
            bob = server.seat("bob")
            server.deal_together(ann, bob)
            ann.take()
            bob.take()
            ann.send(message)
            server.flush()
            self.assertEqual(ann.take(), [expected], case)
            self.assertEqual(bob.take(), [], case)
            self.assertEqual(server.shoes[0].remaining, 1, case)
            # Naming the one classic hand is allowed.
            ann.send({"type": "hit", "hand": 0})
            server.flush()
            self.assertEqual(
                ann.take()[0],
                {"type": "hit", "card": "4S", "id": 1, "points": 20},
                case,
            )

    def test_oversized_frame_closes_with_1009(self):
        """A frame over the size limit closes the connection with 1009."""
        with error_events() as logged_errors:
            server = MemoryServer(["TS", "7H"])
            ann = server.seat("ann")
            ann.take()
            ann.sendMessage(b'{"type": "hit", "pad": "' + b"x" * 5000 + b'"}')
            server.flush()
            self.assertTrue(ann.closed)
            self.assertEqual(ann.close_code, 1009)
            self.assertEqual(server.lobby.seats_taken, 0)
        self.assertEqual(logged_errors, [])

    def test_flood_gets_429_then_a_close(self):
        """Too many messages: 429s, then a 1008 close; the table plays on."""
        server, ann, bob = _dealt_with_a_small_budget()
        for _ in range(3):
            ann.send({"type": "bogus"})
        server.flush()
        self.assertEqual([m["status_code"] for m in ann.take()], [400, 400, 400])
        ann.send({"type": "bogus"})
        server.flush()
        self.assertEqual(ann.take(), [_error(429, "too many messages")])
        # A second later one token is back: the client is heard again.
        server.clock.advance(1)
        ann.send({"type": "bogus"})
        server.flush()
        self.assertEqual([m["status_code"] for m in ann.take()], [400])
        for _ in range(3):
            ann.send({"type": "bogus"})
        server.flush()
        self.assertEqual([m["status_code"] for m in ann.take()], [429, 429, 429])
        self.assertFalse(ann.closed)
        ann.send({"type": "bogus"})
        server.flush()
        self.assertTrue(ann.closed)
        self.assertEqual(ann.close_code, 1008)
        # bob's game went on untouched.
        self.assertEqual(bob.take(), [{"type": "left", "id": 1}])
        bob.send({"type": "stand"})
        server.flush()
        self.assertEqual(bob.take()[-1]["type"], "round_over")

    def test_a_legal_move_over_the_limit_is_played_not_dropped(self):
        """Over its budget, a client's move the table takes is played (the
        table would wait out a turn timer for it); a move it refuses counts
        against the budget as anything else does."""
        server, ann, _ = _dealt_with_a_small_budget()
        for _ in range(3):
            ann.send({"type": "bogus"})
        server.flush()
        ann.take()
        ann.send({"type": "stand"})
        server.flush()
        self.assertEqual(ann.take(), [{"type": "stand", "id": 1, "reason": "stand"}])
        ann.send({"type": "hit"})  # her hand is over: refused, and over budget
        server.flush()
        self.assertEqual(ann.take(), [_error(429, "too many messages")])

    def test_a_client_that_never_authorizes_is_closed(self):
        """No auth within the time allowed: 408 and a 1008 close."""
        limits = ClientLimits(
            auth_timeout=60,
            auto_ping_interval=0,
            open_handshake_timeout=0,
            close_handshake_timeout=0,
        )
        server = MemoryServer(["TS", "7H"], limits=limits)
        idle = server.connect()
        prompt = server.connect()
        idle.take()
        prompt.take()
        server.advance(59)
        prompt.send({"type": "auth", "data": {"username": "prompt"}})
        server.flush()
        server.advance(1)
        self.assertEqual(idle.take(), [_error(408, "no auth in time")])
        self.assertTrue(idle.closed)
        self.assertEqual(idle.close_code, 1008)
        self.assertFalse(prompt.closed)
        # What is left is the table's turn timer for prompt (run in an
        # outbox batch, as every table timer is); no auth timer.
        self.assertEqual(
            [
                call.args[0].__name__ if call.func.__name__ == "_run" else call.func
                for call in server.clock.getDelayedCalls()
            ],
            ["_turn_expired"],
        )


class ServerTests(SynchronousTestCase):
    """The factory's settings, the health check, timers and framing."""

    def test_healthz_counts(self):
        """``/healthz`` counts tables, seats, clients and uptime."""
        server = MemoryServer(["TS", "7H"])
        server.seat("ann")
        server.connect()
        server.clock.advance(12.5)
        resource = HealthResource(server.factory, server.clock)
        server.clock.advance(1.5)
        request = DummyRequest([b""])
        body = json.loads(resource.render_GET(request))
        self.assertEqual(
            body,
            {
                "status": "ok",
                "protocol": 1,
                "game": "classic",
                "tables": 1,
                "seats_total": 5,
                "seats_taken": 1,
                "clients": 2,
                "uptime": 1.5,
            },
        )
        self.assertEqual(
            request.responseHeaders.getRawHeaders(b"content-type"),
            [b"application/json"],
        )

    def test_healthz_names_the_version_only_when_told_to(self):
        server = MemoryServer()
        hidden = HealthResource(server.factory, server.clock)
        shown = HealthResource(server.factory, server.clock, expose_version=True)
        self.assertNotIn("version", json.loads(hidden.render_GET(DummyRequest([b""]))))
        self.assertEqual(
            json.loads(shown.render_GET(DummyRequest([b""])))["version"], __version__
        )

    def test_the_server_header_names_no_version(self):
        """``Server:`` says blackjackd, in the WebSocket handshake and on
        every HTTP answer, unless versions are exposed."""
        server = MemoryServer()
        self.assertEqual(server.connect().http_headers.get("server"), "blackjackd")
        request = build_site(server.factory, server.clock).requestFactory(
            DummyChannel(), False
        )
        request.setHeader(b"Server", b"TwistedWeb/24.0")
        self.assertEqual(
            request.responseHeaders.getRawHeaders(b"server"), [b"blackjackd"]
        )
        exposed = build_site(server.factory, server.clock, expose_version=True)
        request = exposed.requestFactory(DummyChannel(), False)
        request.setHeader(b"Server", b"TwistedWeb/24.0")
        self.assertEqual(
            request.responseHeaders.getRawHeaders(b"server"), [b"TwistedWeb/24.0"]
        )

    def test_no_timer_is_left_after_everyone_leaves(self):
        """Once every client has gone, no timer is left."""
        server = MemoryServer([*CLASSIC_OPENING, "TS", "9C", "7H", "5D"])
        server.deal_together(server.seat("ann"), server.seat("bob"))
        self.assertTrue(server.clock.getDelayedCalls())
        server.close_all()
        self.assertEqual(server.clock.getDelayedCalls(), [])
        self.assertEqual(server.factory.clients, set())

    def test_quiet_limits_are_what_the_harness_assumes(self):
        """The harness's limits run no pings."""
        self.assertEqual(QUIET_LIMITS.auto_ping_interval, 0)

    def test_protocol_options_are_set_on_purpose(self):
        """Payload caps, null origins, close frames and the default timers."""
        server = MemoryServer()
        factory = server.factory
        self.assertEqual(factory.maxMessagePayloadSize, 4096)
        self.assertEqual(factory.maxFramePayloadSize, 4096)
        self.assertIs(factory.allowNullOrigin, True)
        self.assertIs(factory.failByDrop, False)
        defaults = MemoryServer(limits=ClientLimits()).factory
        self.assertEqual(defaults.autoPingInterval, 20)
        self.assertEqual(defaults.autoPingTimeout, 10)
        self.assertEqual(defaults.openHandshakeTimeout, 10)

    def test_the_server_s_own_pages_and_clients_without_origin_may_play(self):
        server = MemoryServer(["TS", "7H"])
        for origin in (None, "http://127.0.0.1:8888"):
            client = server.connect(origin=origin)
            self.assertTrue(client.opened, origin)
            self.assertEqual(client.take(), [{"type": "auth"}])

    def test_other_sites_pages_are_refused_at_the_handshake(self):
        """A page of another site (or ``Origin: null``, a file or a
        sandboxed frame) gets 403 and no WebSocket."""
        server = MemoryServer(["TS", "7H"])
        for origin in ("https://evil.example", "null", "http://127.0.0.1:9999"):
            with error_events() as logged:
                client = server.connect(origin=origin)
            self.assertFalse(client.opened, origin)
            self.assertEqual(logged, [])
        self.assertEqual(server.factory.clients, set())

    def test_allowed_origins_let_named_sites_in(self):
        limits = replace(QUIET_LIMITS, allowed_origins=frozenset({"https://a.example"}))
        server = MemoryServer(["TS", "7H"], limits=limits)
        self.assertTrue(server.connect(origin="https://a.example").opened)
        self.assertFalse(server.connect(origin="https://b.example").opened)
        anyone = replace(QUIET_LIMITS, allowed_origins=frozenset({"*"}))
        server = MemoryServer(["TS", "7H"], limits=anyone)
        self.assertTrue(server.connect(origin="null").opened)


class OriginTests(SynchronousTestCase):
    """``origin_allowed``: the page's origin against the ``Host`` reached."""

    def test_own_origin_by_host_and_port(self):
        cases = [
            ("http://localhost:8888", "localhost:8888", True),
            ("https://cards.example", "cards.example", True),
            ("https://cards.example", "cards.example:443", True),
            ("http://cards.example", "cards.example:8888", False),
            ("https://cards.example:8443", "cards.example:8443", True),
            ("https://evil.example", "cards.example", False),
            ("null", "cards.example", False),
            ("file://", "cards.example", False),
            ("http://x:notaport", "x", False),
            ("http://[::1]:8888", "[::1]:8888", True),
        ]
        for origin, host, expected in cases:
            self.assertEqual(
                origin_allowed(origin, host, frozenset()), expected, origin
            )

    def test_the_server_may_send_more_than_clients_may(self):
        """The payload cap is on what clients send, not on the server."""
        server = MemoryServer(["TS", "7H"])
        ann = server.seat("ann")
        ann.take()
        (protocol,) = server.factory.clients
        big = Wait(message="x" * 10_000)
        protocol.send_message(big)
        server.flush()
        self.assertEqual(ann.take(), [as_dict(big)])
        # ...and the cap on what the client sends is still in force.
        ann.sendMessage(b'{"type": "hit", "pad": "' + b"x" * 5000 + b'"}')
        server.flush()
        self.assertEqual(ann.close_code, 1009)

    def test_a_broadcast_is_encoded_and_framed_once(self):
        """A message to the whole table is prepared once for every seat."""
        server = MemoryServer([*CLASSIC_OPENING, "TS", "9C", "7H", "5D"])
        ann = server.seat("ann")
        bob = server.seat("bob")
        server.deal_together(ann, bob)
        ann.take()
        bob.take()
        prepared = []
        prepare = server.factory.prepareMessage

        def counting(payload, *args, **kwargs):
            prepared.append(payload)
            return prepare(payload, *args, **kwargs)

        self.patch(server.factory, "prepareMessage", counting)
        ann.send({"type": "stand"})
        server.flush()
        stand = {"type": "stand", "id": 1, "reason": "stand"}
        self.assertEqual(ann.take(), [stand])
        self.assertEqual(bob.take(), [stand])
        self.assertEqual(prepared, [b'{"type":"stand","id":1,"reason":"stand"}'])
