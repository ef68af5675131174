"""The wire module: every message encodes to the bytes the tables sent as
dicts, requests are validated as the protocol promises, and a client's
decoder refuses whatever a hostile server might send."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from blackjackd import wire
from blackjackd.wire import (
    REQUESTS,
    SERVER_MESSAGES,
    BadMessage,
    BadServerMessage,
    DealerResult,
    HandResult,
    HandView,
    Rules,
    Unknown,
    decode_request,
    decode_server_message,
    encode,
)
from blackjackd.wire.base import _encoder, field_names, generic_json_fields
from tests.raising import raised, shorten

RULES = Rules(
    decks=6,
    h17=False,
    das=True,
    resplit_aces=False,
    surrender=False,
    blackjack_pays="3:2",
    max_split_hands=4,
    min_bet=10,
    max_bet=500,
    bet_timeout=15.0,
)
RULES_DICT = {
    "decks": 6,
    "h17": False,
    "das": True,
    "resplit_aces": False,
    "surrender": False,
    "blackjack_pays": "3:2",
    "max_split_hands": 4,
    "min_bet": 10,
    "max_bet": 500,
    "bet_timeout": 15.0,
}
HAND_8C = HandView(hand=0, cards=("8C",), points=8, bet=50, status="playing")
HAND_8C_DICT = {"hand": 0, "cards": ["8C"], "points": 8, "bet": 50, "status": "playing"}
HAND_8D = HandView(hand=1, cards=("8D",), points=8, bet=50, status="playing")
HAND_8D_DICT = {**HAND_8C_DICT, "hand": 1, "cards": ["8D"]}

# Each message beside the dict the tables built for it before this module.
SERVER_CASES: list[tuple[wire.ServerMessage, dict[str, Any]]] = [
    (wire.Auth(), {"type": "auth"}),
    (
        wire.Id(
            client_id=7,
            username="ann",
            table=1,
            seat=0,
            seats=5,
            protocol=1,
            turn_timeout=30,
        ),
        {
            "type": "id",
            "client_id": 7,
            "username": "ann",
            "table": 1,
            "seat": 0,
            "seats": 5,
            "protocol": 1,
            "turn_timeout": 30,
        },
    ),
    (
        wire.Id(
            client_id=7,
            username="ann",
            table=1,
            seat=0,
            seats=5,
            protocol=1,
            turn_timeout=30.0,
            game="casino",
            rules=RULES,
            balance=1000,
        ),
        {
            "type": "id",
            "client_id": 7,
            "username": "ann",
            "table": 1,
            "seat": 0,
            "seats": 5,
            "protocol": 1,
            "turn_timeout": 30.0,
            "game": "casino",
            "rules": RULES_DICT,
            "balance": 1000,
        },
    ),
    (
        wire.Hit(card="QH", id=7, points=17),
        {"type": "hit", "card": "QH", "id": 7, "points": 17},
    ),
    (
        wire.Hit(card="9C", id="dealer", points=9),
        {"type": "hit", "card": "9C", "id": "dealer", "points": 9},
    ),
    (
        wire.Hit(card="8C", id=7, points=8, hand=0),
        {"type": "hit", "card": "8C", "id": 7, "points": 8, "hand": 0},
    ),
    (
        wire.OtherPlayers(
            hand=("9C", "3D"), id=5, points=12, username="bob", seat=1, state="playing"
        ),
        {
            "type": "other_players",
            "hand": ["9C", "3D"],
            "id": 5,
            "points": 12,
            "username": "bob",
            "seat": 1,
            "state": "playing",
        },
    ),
    (
        wire.OtherPlayers(
            hand=("8C",),
            id=5,
            points=8,
            username="bob",
            seat=1,
            state="playing",
            hands=(HAND_8C, HAND_8D),
            balance=900,
        ),
        {
            "type": "other_players",
            "hand": ["8C"],
            "id": 5,
            "points": 8,
            "username": "bob",
            "seat": 1,
            "state": "playing",
            "hands": [HAND_8C_DICT, HAND_8D_DICT],
            "balance": 900,
        },
    ),
    (
        wire.NewClient(message=8, username="cy", seat=2),
        {"type": "new_client", "message": 8, "username": "cy", "seat": 2},
    ),
    (
        wire.Deadline(id=7, seconds=30),
        {"type": "deadline", "id": 7, "seconds": 30},
    ),
    (
        wire.Deadline(id=7, hand=1, seconds=30.0),
        {"type": "deadline", "id": 7, "hand": 1, "seconds": 30.0},
    ),
    (wire.Bust(id=7), {"type": "bust", "id": 7}),
    (wire.Bust(id=7, hand=2), {"type": "bust", "id": 7, "hand": 2}),
    (
        wire.Stand(id=7, reason="timeout"),
        {"type": "stand", "id": 7, "reason": "timeout"},
    ),
    (
        wire.Stand(id=7, hand=0, reason="double"),
        {"type": "stand", "id": 7, "hand": 0, "reason": "double"},
    ),
    (wire.Winner(id=7), {"type": "winner", "id": 7}),
    (
        wire.Winner(id=7, hand=0, payout=200),
        {"type": "winner", "id": 7, "hand": 0, "payout": 200},
    ),
    (wire.Lose(id=7), {"type": "lose", "id": 7}),
    (
        wire.Lose(id=7, hand=1, payout=0),
        {"type": "lose", "id": 7, "hand": 1, "payout": 0},
    ),
    (wire.Push(id=7), {"type": "push", "id": 7}),
    (
        wire.Push(id=7, hand=0, payout=50),
        {"type": "push", "id": 7, "hand": 0, "payout": 50},
    ),
    (
        wire.RoundOver(
            dealer=DealerResult(hand=("9C", "8C"), points=17),
            results=(
                HandResult(
                    id=7, username="ann", hand=("TS", "6H"), points=16, result="lose"
                ),
            ),
            next_round_in=3,
        ),
        {
            "type": "round_over",
            "dealer": {"hand": ["9C", "8C"], "points": 17},
            "results": [
                {
                    "id": 7,
                    "username": "ann",
                    "hand": ["TS", "6H"],
                    "points": 16,
                    "result": "lose",
                }
            ],
            "next_round_in": 3,
        },
    ),
    (
        wire.RoundOver(
            dealer=DealerResult(hand=("AS", "KD"), points=21, blackjack=True),
            results=(
                HandResult(
                    id=7,
                    username="ann",
                    index=0,
                    hand=("TS", "QH"),
                    points=20,
                    bet=50,
                    result="lose",
                    blackjack=False,
                    doubled=False,
                    surrendered=False,
                    payout=0,
                    balance=950,
                ),
            ),
            next_round_in=3.0,
        ),
        {
            "type": "round_over",
            "dealer": {"hand": ["AS", "KD"], "points": 21, "blackjack": True},
            "results": [
                {
                    "id": 7,
                    "username": "ann",
                    "index": 0,
                    "hand": ["TS", "QH"],
                    "points": 20,
                    "bet": 50,
                    "result": "lose",
                    "blackjack": False,
                    "doubled": False,
                    "surrendered": False,
                    "payout": 0,
                    "balance": 950,
                }
            ],
            "next_round_in": 3.0,
        },
    ),
    (wire.Restart(), {"type": "restart"}),
    (
        wire.Wait(message="dealt in at the next round"),
        {"type": "wait", "message": "dealt in at the next round"},
    ),
    (
        wire.Wait(message="you can bet at the next betting phase", dealer=("6H",)),
        {
            "type": "wait",
            "message": "you can bet at the next betting phase",
            "dealer": ["6H"],
        },
    ),
    (
        wire.Wait(message="you can bet at the next betting phase", dealer=()),
        {
            "type": "wait",
            "message": "you can bet at the next betting phase",
            "dealer": [],
        },
    ),
    (wire.Left(id=5), {"type": "left", "id": 5}),
    (
        wire.Left(id=5, reason="idle"),
        {"type": "left", "id": 5, "reason": "idle"},
    ),
    (
        wire.Id(client_id=7, username="ann", token="t" * 22, account=True),
        {
            "type": "id",
            "client_id": 7,
            "username": "ann",
            "token": "t" * 22,
            "account": True,
        },
    ),
    (
        wire.Snapshot(
            table=1,
            game="casino",
            phase="playing",
            seats=(
                wire.SeatView(
                    id=7,
                    username="ann",
                    seat=0,
                    hand=("8C",),
                    points=8,
                    state="playing",
                    connected=True,
                    hands=(HAND_8C,),
                    bet=50,
                    balance=950,
                    insurance=0,
                ),
            ),
            dealer=("KD",),
            hole_card=True,
            turns=(wire.TurnView(id=7, hand=0, seconds=12.5),),
            balance=950,
        ),
        {
            "type": "snapshot",
            "table": 1,
            "game": "casino",
            "phase": "playing",
            "seats": [
                {
                    "id": 7,
                    "username": "ann",
                    "seat": 0,
                    "hand": ["8C"],
                    "points": 8,
                    "state": "playing",
                    "connected": True,
                    "hands": [HAND_8C_DICT],
                    "bet": 50,
                    "balance": 950,
                    "insurance": 0,
                }
            ],
            "dealer": ["KD"],
            "hole_card": True,
            "turns": [{"id": 7, "hand": 0, "seconds": 12.5}],
            "balance": 950,
        },
    ),
    (wire.Away(id=7, seconds=30.0), {"type": "away", "id": 7, "seconds": 30.0}),
    (wire.Back(id=7), {"type": "back", "id": 7}),
    (
        wire.Rebuy(amount=990, balance=1000, next_in=3600.0),
        {"type": "rebuy", "amount": 990, "balance": 1000, "next_in": 3600.0},
    ),
    (
        wire.History(
            rounds=(
                wire.HistoryRound(
                    id="ab12",
                    table=1,
                    round=3,
                    game="casino",
                    at=1700000000.5,
                    status="settled",
                    dealer=("KD", "7S"),
                    hands=(
                        wire.HistoryHand(
                            hand=0,
                            cards=("TC", "9H"),
                            points=19,
                            bet=50,
                            result="win",
                            payout=100,
                        ),
                    ),
                    staked=50,
                    returned=100,
                    net=50,
                ),
            )
        ),
        {
            "type": "history",
            "rounds": [
                {
                    "id": "ab12",
                    "table": 1,
                    "round": 3,
                    "game": "casino",
                    "at": 1700000000.5,
                    "status": "settled",
                    "dealer": ["KD", "7S"],
                    "hands": [
                        {
                            "hand": 0,
                            "cards": ["TC", "9H"],
                            "points": 19,
                            "bet": 50,
                            "result": "win",
                            "payout": 100,
                        }
                    ],
                    "staked": 50,
                    "returned": 100,
                    "net": 50,
                }
            ],
        },
    ),
    (wire.Shuffle(), {"type": "shuffle"}),
    (wire.Shutdown(seconds=60.0), {"type": "shutdown", "seconds": 60.0}),
    (
        wire.Watching(
            table=2,
            game="casino",
            seats=5,
            watchers=3,
            turn_timeout=30.0,
            rules=wire.Rules(min_bet=10, max_bet=500),
        ),
        {
            "type": "watching",
            "table": 2,
            "game": "casino",
            "seats": 5,
            "watchers": 3,
            "turn_timeout": 30.0,
            "rules": {"min_bet": 10, "max_bet": 500},
        },
    ),
    (
        wire.Error(409, "your hand is over"),
        {"type": "error", "status_code": 409, "message": "your hand is over"},
    ),
    (
        wire.Betting(min_bet=10, max_bet=500, seconds=15.0),
        {"type": "betting", "min_bet": 10, "max_bet": 500, "seconds": 15.0},
    ),
    (
        wire.Bet(id=7, amount=50, balance=950),
        {"type": "bet", "id": 7, "amount": 50, "balance": 950},
    ),
    (wire.SitOut(id=8), {"type": "sit_out", "id": 8}),
    (wire.HoleCard(), {"type": "hole_card", "id": "dealer"}),
    (
        wire.InsuranceOffer(amount=25, seconds=30.0),
        {"type": "insurance_offer", "amount": 25, "seconds": 30.0},
    ),
    (
        wire.Insurance(id=7, taken=True, amount=25, balance=925),
        {"type": "insurance", "id": 7, "taken": True, "amount": 25, "balance": 925},
    ),
    (wire.Peek(blackjack=False), {"type": "peek", "blackjack": False}),
    (
        wire.InsuranceResult(id=7, amount=25, payout=0, balance=925),
        {
            "type": "insurance_result",
            "id": 7,
            "amount": 25,
            "payout": 0,
            "balance": 925,
        },
    ),
    (
        wire.Double(id=7, hand=0, bet=100, balance=850),
        {"type": "double", "id": 7, "hand": 0, "bet": 100, "balance": 850},
    ),
    (
        wire.Split(id=7, hand=0, new_hand=1, hands=(HAND_8C, HAND_8D), balance=900),
        {
            "type": "split",
            "id": 7,
            "hand": 0,
            "new_hand": 1,
            "hands": [HAND_8C_DICT, HAND_8D_DICT],
            "balance": 900,
        },
    ),
    (
        wire.Surrender(id=7, hand=0, refund=25, balance=975),
        {"type": "surrender", "id": 7, "hand": 0, "refund": 25, "balance": 975},
    ),
    (
        wire.Balance(balance=1150, net=150),
        {"type": "balance", "balance": 1150, "net": 150},
    ),
    (
        wire.Hit(card="QH", id=7, points=17),
        {"type": "hit", "card": "QH", "id": 7, "points": 17},
    ),
]


def _old_encode(message: dict[str, Any]) -> bytes:
    # What blackjackd.messages.encode did with the tables' dicts.
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()


class ServerMessageTests(SynchronousTestCase):
    """Each server message: its name, its bytes, and its decoding."""

    def test_each_server_message_encodes_to_the_bytes_sent_before(self) -> None:
        for message, expected in SERVER_CASES:
            self.assertEqual(encode(message), _old_encode(expected), message)
            self.assertEqual(wire.as_dict(message), expected, message)

    def test_every_server_message_is_covered(self) -> None:
        self.assertEqual(
            {message.TYPE for message, _ in SERVER_CASES}, set(SERVER_MESSAGES)
        )

    def test_names_follow_the_wire_types(self) -> None:
        for kind, cls in SERVER_MESSAGES.items():
            self.assertEqual(cls.__name__, kind.title().replace("_", ""), kind)
        for kind, cls in REQUESTS.items():
            self.assertEqual(cls.__name__, kind.title() + "Request", kind)

    def test_a_client_decodes_what_the_server_encodes(self) -> None:
        for message, expected in SERVER_CASES:
            self.assertEqual(decode_server_message(encode(message)), message, message)
            self.assertEqual(decode_server_message(expected), message, message)

    def test_encoding_keeps_non_ascii_text(self) -> None:
        message = wire.NewClient(message=8, username="Zoë 🂡", seat=2)
        self.assertIn("Zoë 🂡".encode(), encode(message))


def _parts(message: wire.WireObject) -> list[wire.WireObject]:
    """A message and each part nested in it."""
    found = [message]
    for name in field_names(type(message)):
        value = getattr(message, name)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, wire.WireObject):
                found.extend(_parts(item))
    return found


_ANY_VALUE = st.none() | st.integers() | st.text(max_size=5) | st.booleans()


class GeneratedBuilderTests(SynchronousTestCase):
    """Each class's generated dict builder gives what reading its fields one
    by one gives, whichever of them are ``None``; and ``encode`` writes what
    the plain ``JSONEncoder`` writes."""

    @given(st.data())
    def test_generated_builder_equals_the_generic_one(self, data: Any) -> None:
        objects = [part for message, _ in SERVER_CASES for part in _parts(message)]
        objects += [request for _, request in REQUEST_CASES]
        for obj in objects:
            if type(obj).json_fields is not wire.WireObject.json_fields:
                continue  # its own json_fields nests the data, as the seed does
            changes = {
                name: data.draw(_ANY_VALUE | st.just(getattr(obj, name)))
                for name in field_names(type(obj))
            }
            changed = dataclasses.replace(obj, **changes)  # type: ignore[type-var]
            built = changed.json_fields()
            self.assertEqual(built, generic_json_fields(changed), changed)
            self.assertEqual(list(built), list(generic_json_fields(changed)))
            if isinstance(changed, wire.Message):
                # The C encoder built once writes what JSONEncoder writes.
                self.assertEqual(encode(changed), _encoder.encode(changed).encode())


# -- requests ---------------------------------------------------------------

REQUEST_CASES = [
    (
        b'{"type": "auth", "data": {"username": " ann "}}',
        wire.AuthRequest(username="ann"),
    ),
    (
        b'{"type": "auth", "data": {"username": "ann", "password": " p w "}}',
        wire.AuthRequest(username="ann", password=" p w "),
    ),
    (
        b'{"type": "auth", "data": {"token": "' + b"A-_z" * 8 + b'"}}',
        wire.AuthRequest(token="A-_z" * 8),
    ),
    (
        b'{"type": "auth", "data": {"username": "\\uff41\\uff4e\\uff4e"}}',
        wire.AuthRequest(username="ann"),
    ),
    (
        b'{"type": "auth", "data": {"username": "Zo\\u00eb \\u00e9\\u0301"}}',
        wire.AuthRequest(username="Zo\u00eb \u00e9\u0301"),
    ),
    (
        b'{"type": "auth", "data": {"username": "ann", "table": 3}}',
        wire.AuthRequest(username="ann", table=3),
    ),
    (b'{"type": "watch", "data": {"table": 1}}', wire.WatchRequest(table=1)),
    (b'{"type": "rebuy"}', wire.RebuyRequest()),
    (b'{"type": "history"}', wire.HistoryRequest(limit=10)),
    (b'{"type": "history", "data": {"limit": 100}}', wire.HistoryRequest(limit=100)),
    (b'{"type": "bet", "amount": 50}', wire.BetRequest(amount=50)),
    (b'{"type": "insurance"}', wire.InsuranceRequest(take=True)),
    (b'{"type": "insurance", "take": false}', wire.InsuranceRequest(take=False)),
    (b'{"type": "hit"}', wire.HitRequest()),
    (b'{"type": "stand", "hand": 0}', wire.StandRequest(hand=0)),
    (b'{"type": "double", "hand": 2, "x": 1}', wire.DoubleRequest(hand=2)),
    (b'{"type": "split", "hand": null}', wire.SplitRequest()),
    (b'{"type": "surrender", "hand": 15}', wire.SurrenderRequest(hand=15)),
]


_BAD_AMOUNT = "field 'amount' must be a positive whole number"
_BAD_HAND = "field 'hand' must be a hand index, 0 to 15"


#: Each malformed request frame, and what the 400 refusing it says.
BAD_REQUESTS = [
    (b"not json", "data not json"),
    (b"\xff\xfe", "data not json"),
    (b"[1, 2]", "message must be a JSON object"),
    (b'"auth"', "message must be a JSON object"),
    (b"{}", "field 'type' must be a string"),
    (b'{"type": 3}', "field 'type' must be a string"),
    (b'{"type": "fold"}', "unknown message type 'fold'"),
    (b'{"type": "auth"}', "field 'data' must be an object with a username"),
    (
        b'{"type": "auth", "data": {"username": 5}}',
        "field 'data.username' must be a string",
    ),
    (b'{"type": "auth", "data": {"username": "  "}}', "username is empty"),
    (
        json.dumps({"type": "auth", "data": {"username": "x" * 33}}).encode(),
        "username is longer than 32 characters",
    ),
    (
        b'{"type": "auth", "data": {"username": "a\\u0007b"}}',
        "username has control characters",
    ),
    (
        b'{"type": "auth", "data": {"username": "a\\u202eb"}}',
        "username has control characters",
    ),
    (
        b'{"type": "auth", "data": {"username": "ann", "password": ""}}',
        "password must be 1 to 128 characters",
    ),
    (
        json.dumps(
            {"type": "auth", "data": {"username": "ann", "password": "p" * 129}}
        ).encode(),
        "password must be 1 to 128 characters",
    ),
    (
        b'{"type": "auth", "data": {"username": "ann", "password": 5}}',
        "field 'data.password' must be a string",
    ),
    (
        b'{"type": "auth", "data": {"token": "short"}}',
        "field 'data.token' is not a token this server made",
    ),
    (
        b'{"type": "auth", "data": {"token": "' + b"a/b=" * 8 + b'"}}',
        "field 'data.token' is not a token this server made",
    ),
    (
        b'{"type": "auth", "data": {"token": 12345}}',
        "field 'data.token' is not a token this server made",
    ),
    (
        b'{"type": "history", "data": {"limit": 0}}',
        "field 'data.limit' must be a whole number, 1 to 100",
    ),
    (
        b'{"type": "history", "data": {"limit": 101}}',
        "field 'data.limit' must be a whole number, 1 to 100",
    ),
    (b'{"type": "history", "data": 5}', "field 'data' must be an object"),
    (
        b'{"type": "auth", "data": {"username": "ann", "table": 0}}',
        "field 'data.table' must be a table number, 1 or more",
    ),
    (
        b'{"type": "auth", "data": {"username": "ann", "table": "2"}}',
        "field 'data.table' must be a table number, 1 or more",
    ),
    (b'{"type": "watch"}', "field 'data' must be an object with a table"),
    (
        b'{"type": "watch", "data": {"table": true}}',
        "field 'data.table' must be a table number, 1 or more",
    ),
    (
        b'{"type": "watch", "data": {"table": 1e9}}',
        "field 'data.table' must be a table number, 1 or more",
    ),
    (
        b'{"type": "auth", "data": {"username": "\\u3164"}}',
        "username has invisible characters",
    ),
    (
        b'{"type": "auth", "data": {"username": "a\\u2800b"}}',
        "username has invisible characters",
    ),
    (
        b'{"type": "auth", "data": {"username": "q\\u0301\\u0301\\u0301"}}',
        "username has too many combining marks",
    ),
    (
        b'{"type": "auth", "data": {"username": "\\u2660\\u2665"}}',
        "username needs a letter or a digit",
    ),
    (
        b'{"type": "auth", "data": {"username": "Dealer"}}',
        "username 'Dealer' is taken by the table",
    ),
    (
        json.dumps({"type": "auth", "data": {"username": "\uff24ealer"}}).encode(),
        "username 'Dealer' is taken by the table",
    ),
    (b"[" * 2000 + b"]" * 2000, "data nested too deeply"),
    (b'{"type": "bet"}', _BAD_AMOUNT),
    (b'{"type": "bet", "amount": "50"}', _BAD_AMOUNT),
    (b'{"type": "bet", "amount": 0}', _BAD_AMOUNT),
    (b'{"type": "bet", "amount": 12.5}', _BAD_AMOUNT),
    (b'{"type": "bet", "amount": true}', _BAD_AMOUNT),
    (b'{"type": "bet", "amount": 1e400}', _BAD_AMOUNT),
    (b'{"type": "bet", "amount": 1000000001}', _BAD_AMOUNT),
    (b'{"type": "hit", "hand": -1}', _BAD_HAND),
    (b'{"type": "split", "hand": "0"}', _BAD_HAND),
    (b'{"type": "double", "hand": false}', _BAD_HAND),
    (b'{"type": "surrender", "hand": 99}', _BAD_HAND),
    (b'{"type": "insurance", "take": "yes"}', "field 'take' must be true or false"),
    (b'{"type": "error"}', "unknown message type 'error'"),
]


class RequestTests(SynchronousTestCase):
    """Requests decode as the protocol promises, or are refused with 400."""

    def test_requests_decode(self) -> None:
        for frame, expected in REQUEST_CASES:
            request = decode_request(frame)
            self.assertEqual(request, expected, frame)
            self.assertEqual(decode_request(encode(request)), request, frame)

    def test_every_request_type_decodes(self) -> None:
        self.assertEqual(
            {type(request) for _, request in REQUEST_CASES}, set(REQUESTS.values())
        )

    def test_the_auth_request_nests_its_username_as_the_seed_does(self) -> None:
        self.assertEqual(
            json.loads(encode(wire.AuthRequest(username="ann"))),
            {"type": "auth", "data": {"username": "ann"}},
        )

    def test_bad_requests_are_400(self) -> None:
        for frame, message in BAD_REQUESTS:
            case = shorten(frame)
            refusal = raised(self, BadMessage, case, decode_request, frame)
            self.assertEqual(
                (refusal.status_code, refusal.message), (400, message), case
            )


# -- a client's decoder against a hostile server ----------------------------


#: Frames a hostile server might send, each refused by a client's decoder.
HOSTILE_FRAMES = [
    b"",
    b"not json",
    b"\xff",
    b"[]",
    b"{}",
    b'{"type": 7}',
    b'{"type": "left"}',
    b'{"type": "left", "id": "5"}',
    b'{"type": "left", "id": true}',
    b'{"type": "left", "id": 1.5}',
    b'{"type": "left", "id": 10000000000000000}',
    b'{"type": "left", "id": ' + b"9" * 5000 + b"}",
    b'{"type": "deadline", "id": 7, "seconds": NaN}',
    b'{"type": "deadline", "id": 7, "seconds": Infinity}',
    b'{"type": "deadline", "id": 7, "seconds": -Infinity}',
    b'{"type": "deadline", "id": 7, "seconds": 1e400}',
    b'{"type": "hit", "card": "ZZ", "id": 7, "points": 1}',
    b'{"type": "hit", "card": "AS", "id": "bob", "points": 11}',
    b'{"type": "hit", "card": "AS", "id": null, "points": 11}',
    b'{"type": "wait", "message": "' + b"x" * 5000 + b'"}',
    b'{"type": "wait", "message": "ok", "dealer": "AS"}',
    b'{"type": "wait", "message": "ok", "dealer": '
    + b'["AS",' * 99
    + b'"AS"'
    + b"]" * 99
    + b"}",
    b'{"type": "round_over", "dealer": [], "results": [], "next_round_in": 3}',
    b'{"type": "split", "id": 7, "hand": 0, "new_hand": 1, "balance": 1, '
    b'"hands": [{"hand": 0}]}',
    b'{"type": "other_players", "hand": [], "id": 5, "points": 0, '
    b'"username": "b", "seat": 1, "state": "x", "hands": ' + b"[" * 5000 + b"}",
    b'{"type": "' + b"x" * 5000 + b'"}',
    b"[" * 100000,
    b" " * (2 << 20),
]


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=5)
    | st.sampled_from(["AS", "dealer", "TD"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


class HostileServerTests(SynchronousTestCase):
    """A client's decoder against whatever a hostile server sends."""

    def test_an_unknown_type_is_unknown_and_extra_fields_are_ignored(self) -> None:
        self.assertEqual(
            decode_server_message(b'{"type": "tip", "amount": 5}'), Unknown("tip", {})
        )
        self.assertEqual(
            decode_server_message(b'{"type": "left", "id": 5, "farewell": "bye"}'),
            wire.Left(id=5),
        )

    def test_hostile_server_messages_are_refused(self) -> None:
        for frame in HOSTILE_FRAMES:
            case = shorten(frame)
            raised(self, BadServerMessage, case, decode_server_message, frame)
            raised(self, ValueError, case, decode_server_message, frame)

    @given(
        kind=st.sampled_from(sorted(SERVER_MESSAGES)),
        fields=st.dictionaries(
            st.sampled_from(
                "id hand card points seconds dealer results hands message cards"
                " balance amount rules username seat".split()
            ),
            JSON,
        ),
    )
    def test_anything_a_server_sends_decodes_or_is_refused(
        self, kind: str, fields: dict[str, Any]
    ) -> None:
        # Any exception but the refusal fails the test.
        try:
            decode_server_message({**fields, "type": kind})
        except BadServerMessage:
            pass
