"""Casino tables through the WebSocket protocol, in memory: a whole round
with a split and a double, insurance, and bad casino actions."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase
from twisted.web.test.requesthelper import DummyRequest

from blackjackd.casino import CasinoConfig
from blackjackd.testing import MemoryServer, deal, error_events
from blackjackd.web import HealthResource
from blackjackd.wire import SERVER_MESSAGES

RULES = {"seats": 3, "bet_timeout": 10, "turn_timeout": 20, "round_delay": 2}


def casino(cards: list[str], **rules) -> MemoryServer:
    return MemoryServer(cards, config=CasinoConfig(**{**RULES, **rules}))


def error(code: int, message: str) -> dict:
    return {"type": "error", "status_code": code, "message": message}


# (what ann sends before the deal, the error she gets)
BAD_BETS = [
    ({"type": "bet", "amount": 5}, error(400, "bets are 10 to 500 chips")),
    ({"type": "bet", "amount": 501}, error(400, "bets are 10 to 500 chips")),
    ({"type": "hit"}, error(409, "place a bet first: cards come after")),
    ({"type": "insurance"}, error(409, "no insurance offered to you now")),
]

# (what ann sends after the deal, the error the last of them gets)
BAD_ACTIONS_AFTER_THE_DEAL = [
    (
        [{"type": "hit"}, {"type": "double"}],
        error(409, "double only on the first two cards"),
    ),
    ([{"type": "split"}], error(409, "split only a pair")),
    ([{"type": "surrender"}], error(409, "no surrender at this table")),
    ([{"type": "stand", "hand": 3}], error(400, "no such hand")),
    ([{"type": "bet", "amount": 20}], error(409, "bets are taken before the deal")),
]


def _dealt(cards: list[str], **rules) -> tuple[MemoryServer, object, object]:
    """ann and bob have bet 20 each and hold their cards."""
    server = casino(cards, **rules)
    ann = server.seat("ann")
    bob = server.seat("bob")
    ann.send({"type": "bet", "amount": 20})
    bob.send({"type": "bet", "amount": 20})
    server.flush()
    ann.take()
    bob.take()
    return server, ann, bob


class CasinoRoundTests(SynchronousTestCase):
    """Whole casino rounds through the protocol."""

    def test_a_casino_round_with_a_split_and_a_double(self):
        """Bets, a split, a double, the dealer's play and the balances."""
        # ann TS 7H (17); bob 8C 8D splits: 8C+3S, 8D+2C doubles on 9H (19);
        # the dealer shows 6H, holds TD, draws 5S: 21.
        cards = deal(
            ("TS", "7H"),
            ("8C", "8D"),
            up="6H",
            hole="TD",
            then=("3S", "2C", "9H", "5S"),
        )
        server = casino(cards)
        ann = server.seat("ann")
        bob = server.seat("bob")
        hello = ann.take()
        self.assertEqual(hello[0]["game"], "casino")
        self.assertEqual(hello[0]["balance"], 1000)
        self.assertEqual(hello[0]["seats"], 3)
        self.assertEqual(hello[0]["rules"]["min_bet"], 10)
        self.assertEqual(hello[1]["type"], "betting")
        bob.take()

        ann.send({"type": "bet", "amount": 20})
        bob.send({"type": "bet", "amount": 50})
        server.flush()
        dealt = ann.take()
        self.assertEqual(
            dealt[:2],
            [
                {"type": "bet", "id": 1, "amount": 20, "balance": 980},
                {"type": "bet", "id": 2, "amount": 50, "balance": 950},
            ],
        )
        self.assertIn(
            {"type": "hit", "card": "6H", "id": "dealer", "points": 6},
            dealt,
            "the upcard is dealt",
        )
        self.assertIn(
            {"type": "hole_card", "id": "dealer"}, dealt, "the hole card is dealt"
        )

        bob.send({"type": "split"})
        ann.send({"type": "stand"})
        bob.send({"type": "stand", "hand": 0})
        bob.send({"type": "double", "hand": 1})
        server.flush()
        to_bob = bob.take()
        split = next(m for m in to_bob if m["type"] == "split")
        self.assertEqual(
            (split["hand"], split["new_hand"], split["balance"]), (0, 1, 900)
        )
        self.assertIn(
            {"type": "double", "id": 2, "hand": 1, "bet": 100, "balance": 850},
            to_bob,
            "bob doubles hand 1",
        )
        self.assertEqual(
            [m for m in to_bob if m["type"] == "lose"],
            [
                {"type": "lose", "id": 2, "hand": 0, "payout": 0},
                {"type": "lose", "id": 2, "hand": 1, "payout": 0},
            ],
        )
        summary = next(m for m in to_bob if m["type"] == "round_over")
        self.assertEqual(
            summary["dealer"],
            {"hand": ["6H", "TD", "5S"], "points": 21, "blackjack": False},
        )
        self.assertEqual(
            [(r["id"], r["index"], r["bet"], r["result"]) for r in summary["results"]],
            [
                (1, 0, 20, "lose"),
                (2, 0, 50, "lose"),
                (2, 1, 100, "lose"),
            ],
        )
        self.assertEqual(to_bob[-1], {"type": "balance", "balance": 850, "net": -150})
        self.assertEqual(server.lobby.ledger.balance(1), 980)
        self.assertTrue(server.lobby.ledger.balanced())

        # The hole card appeared in no message before the dealer turned it over.
        everything = dealt + ann.take()
        revealed = everything.index(
            {"type": "hit", "card": "TD", "id": "dealer", "points": 16}
        )
        for message in everything[:revealed]:
            self.assertNotIn("TD", json.dumps(message), f"{message} shows the hole")
        # And every message is documented.
        documented = set(SERVER_MESSAGES)
        for kind in {m["type"] for m in [*hello, *everything, *to_bob]}:
            self.assertIn(kind, documented, f"{kind} is documented")

        # The next round opens betting again.
        server.advance(2)
        self.assertEqual(ann.take()[0]["type"], "betting")

    def test_insurance_through_the_protocol(self):
        """Insurance offered, taken, and paid against a dealer blackjack."""
        # The dealer shows an ace and holds a ten: blackjack. ann insures.
        server = casino(deal(("TS", "9H"), up="AS", hole="KD"))
        ann = server.seat("ann")
        ann.send({"type": "bet", "amount": 100})
        server.flush()
        offer = [m for m in ann.take() if m["type"] == "insurance_offer"]
        self.assertEqual(
            offer, [{"type": "insurance_offer", "amount": 50, "seconds": 20}]
        )
        ann.send({"type": "insurance", "take": True})
        server.flush()
        to_ann = ann.take()
        kinds = [m["type"] for m in to_ann]
        self.assertLess(kinds.index("insurance"), kinds.index("peek"), kinds)
        self.assertLess(kinds.index("peek"), kinds.index("round_over"), kinds)
        self.assertIn(
            {"type": "peek", "blackjack": True}, to_ann, "the peek finds blackjack"
        )
        # Lost the bet (100), won insurance 2:1 (50 back plus 100): even money.
        self.assertEqual(server.lobby.ledger.balance(1), 1000)

    def test_leaving_mid_round_stands_the_hand(self):
        """A player who leaves mid-round (no seat grace) has their hand
        stood and settled with the round's; the books balance."""
        cards = deal(("5H", "4C"), ("TS", "9S"), up="7D", hole="9D", then=("KD",))
        server, ann, bob = _dealt(cards)
        ann.transport.loseConnection()
        server.flush()
        self.assertEqual(
            bob.take(),
            [
                {"type": "stand", "id": 1, "hand": 0, "reason": "left"},
                {"type": "left", "id": 1},
            ],
        )
        bob.send({"type": "stand"})
        server.flush()
        summary = bob.take()[-2]
        self.assertEqual(summary["type"], "round_over")
        self.assertEqual([r["id"] for r in summary["results"]], [1, 2])
        ledger = server.lobby.ledger
        self.assertFalse(ledger.has(1))
        self.assertEqual(ledger.balance(2), 1020)  # 19 beats 16 + KD = 26, a bust
        self.assertTrue(ledger.balanced())

    def test_healthz_says_casino(self):
        """The health check names the game."""
        server = casino([])
        resource = HealthResource(server.factory, server.clock)
        body = json.loads(resource.render_GET(DummyRequest([b""])))
        self.assertEqual(body["game"], "casino")


class BadCasinoActionTests(SynchronousTestCase):
    """A casino player's mistakes: an error each, and nothing changes."""

    def test_bad_bets_change_nothing(self):
        """Bets out of range, and acting before betting, are refused."""
        for message, expected in BAD_BETS:
            case = json.dumps(message)
            server = casino([])
            ann = server.seat("ann")
            bob = server.seat("bob")
            ann.take()
            bob.take()
            ann.send(message)
            server.flush()
            self.assertEqual(ann.take(), [expected], case)
            self.assertEqual(bob.take(), [], case)
            self.assertEqual(server.lobby.ledger.balance(1), 1000, case)

    def test_a_bet_above_the_balance_is_402(self):
        """A bet of more chips than the player has: 402."""
        server = casino([], starting_chips=30)
        ann = server.seat("ann")
        ann.take()
        ann.send({"type": "bet", "amount": 40})
        server.flush()
        self.assertEqual(ann.take(), [error(402, "not enough chips")])
        self.assertEqual(server.lobby.ledger.balance(1), 30)

    def test_bad_actions_after_the_deal_change_nothing(self):
        """Illegal moves after the deal: refused, no chip or card moves."""
        for messages, expected in BAD_ACTIONS_AFTER_THE_DEAL:
            case = " then ".join(json.dumps(message) for message in messages)
            # ann 5H 4C (9), takes 2D; bob TS 9S (19); the dealer 7D up, 9D hole.
            cards = deal(("5H", "4C"), ("TS", "9S"), up="7D", hole="9D", then=("2D",))
            server, ann, bob = _dealt(cards)
            for message in messages:
                ann.send(message)
                server.flush()
            refusal = ann.take()[-1]
            self.assertEqual(refusal, expected, case)
            before = (server.lobby.ledger.balance(1), server.shoes[0].remaining)
            # bob heard only what ann legally did (a hit), never her mistakes.
            for message in bob.take():
                self.assertIn(message["type"], ("hit",), f"{case}: bob hears {message}")
            self.assertEqual(
                (server.lobby.ledger.balance(1), server.shoes[0].remaining),
                before,
                case,
            )
            self.assertEqual(server.lobby.ledger.balance(1), 980, case)

    def test_one_players_hands_are_theirs_alone(self):
        """An action names one of the sender's own hands, never another's."""
        # There is no way to name another player's hand: actions always act on
        # the sender's own hands, whatever index they give.
        cards = deal(("5H", "4C"), ("8S", "8D"), up="7D", hole="9D", then=("2D",))
        server, ann, _ = _dealt(cards)
        ann.send({"type": "split", "hand": 0})
        server.flush()
        self.assertEqual(ann.take(), [error(409, "split only a pair")])
        self.assertEqual(
            server.lobby.table_of(2).round.bettor(2).hands[0].cards, ["8S", "8D"]
        )


# What random clients send: legal moves, nonsense and everything between.
MESSAGES = st.one_of(
    st.builds(
        lambda amount: {"type": "bet", "amount": amount},
        st.sampled_from([0, 5, 10, 25, 100, 500, 501, 10**6, "10", None, True]),
    ),
    st.builds(
        lambda kind, hand: {"type": kind, **({} if hand is None else {"hand": hand})},
        st.sampled_from(["hit", "stand", "double", "split", "surrender"]),
        st.sampled_from([None, 0, 1, 2, 3, 4, -1, "0"]),
    ),
    st.builds(
        lambda take: {"type": "insurance", "take": take},
        st.sampled_from([True, False, "no"]),
    ),
    st.sampled_from(
        [{"type": "auth", "data": {"username": "again"}}, {"type": "fold"}, [], {}]
    ),
)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.integers(0, 2), MESSAGES),
        # Everyone bets: rounds get dealt often enough to play them.
        st.tuples(st.just("all_bet"), st.just(10)),
        st.tuples(st.just("wait"), st.sampled_from([0.5, 5, 16, 31])),
        st.tuples(st.just("leave"), st.integers(0, 2)),
    ),
    max_size=60,
)


#: What the table says to one player alone, never to a watcher.
_ONE_PLAYERS = {"id", "balance", "insurance_offer", "error"}


class RandomClientTests(SynchronousTestCase):
    """Clients sending anything at any time."""

    @given(seed=st.integers(0, 2**16), steps=STEPS)
    @settings(max_examples=100, deadline=None)
    def test_random_clients_never_break_the_table(self, seed, steps):
        """Whatever three clients send, in any order and at any time: every
        answer is a message or an error in the protocol's shape, nothing is
        logged as a server error, every chip is accounted for, and a watcher
        gets nothing meant for one player."""
        server = MemoryServer(
            config=CasinoConfig(**RULES, starting_chips=300), real_shoe_seed=seed
        )
        with error_events() as server_errors:
            watcher = server.connect()
            watcher.send({"type": "watch", "data": {"table": 1}})
            clients = [server.seat(name) for name in ("ann", "bob", "cy")]
            for who, what in steps:
                if who == "wait":
                    server.advance(what)
                elif who == "all_bet":
                    for client in clients:
                        if not client.closed:
                            client.send({"type": "bet", "amount": what})
                    server.flush()
                elif who == "leave":
                    clients[what].transport.loseConnection()
                    server.flush()
                elif not clients[who].closed:
                    clients[who].send(what)
                    server.flush()
            for client in clients:
                for message in client.take():
                    if message["type"] == "error":
                        self.assertIn(
                            message["status_code"],
                            (400, 402, 409),
                            f"{message}: a client's mistake",
                        )
                    self.assertIn(
                        message["type"], SERVER_MESSAGES, f"{message} is documented"
                    )
            watched = {message["type"] for message in watcher.take()}
            self.assertFalse(watched & _ONE_PLAYERS, "the watcher's messages")
            server.close_all()
        self.assertEqual(server_errors, [])
        self.assertTrue(server.lobby.ledger.balanced())
        self.assertEqual(server.clock.getDelayedCalls(), [])
