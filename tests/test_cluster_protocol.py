"""Two nodes of a cluster through the WebSocket protocol, in memory: each a
real factory on its own ``Clock``, both on one SQLite file. A token brings
its account back on another node; a table another node asks for moves
there between rounds, its players and watchers sent after it; a token of a
seat that ended is worthless everywhere."""

from __future__ import annotations

from typing import Any

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.casino import CasinoConfig
from blackjackd.cluster import TOKEN_SECONDS, ClusterNode, token_hash
from blackjackd.sessions import CLOSE_TABLE_MOVED
from blackjackd.store import connect
from blackjackd.testing import MemoryServer, RecordingClient, deal
from tests.scratch import scratch_directory

LEASE = 8.0
PASSWORD = "correct horse"
RULES = {"seats": 3, "bet_timeout": 10, "turn_timeout": 20, "round_delay": 2}
#: Rounds no one wins at once: ann (or whoever sits first) has 19, the
#: dealer 17.
CARDS = deal(("TS", "9D"), up="TC", hole="7H") * 10


class TwoNodes(SynchronousTestCase):
    def setUp(self) -> None:
        self.url = f"sqlite://{scratch_directory(self)}/cluster.sqlite3"
        self.alive: list[MemoryServer] = []
        #: The time on every node's clock (each node has its own).
        self.now = 0.0
        self.a = self.node("a")
        self.b = self.node("b")
        self.addCleanup(self.stop_all)

    def node(self, name: str) -> MemoryServer:
        """Node ``name``, started now."""
        clock = Clock()
        clock.advance(self.now)
        server = MemoryServer(
            CARDS,
            tables=2,
            config=CasinoConfig(**RULES),
            database=self.url,
            node=name,
            lease_seconds=LEASE,
            clock=clock,
        )
        self.alive.append(server)
        return server

    def stop_all(self) -> None:
        for server in self.alive:
            server.close_all()

    def kill(self, server: MemoryServer) -> None:
        """``server`` dies: nothing of it runs any more (not even storing
        what it has in memory)."""
        self.alive.remove(server)
        assert server.database is not None
        server.database.close()

    def advance(self, seconds: float) -> None:
        """Time passes on every node still alive."""
        self.now += seconds
        for server in self.alive:
            server.advance(seconds)
        for server in self.alive:
            server.flush()

    def sign_in(self, server: MemoryServer, table: int, **data: Any) -> RecordingClient:
        client = server.connect(path=f"/websocket?table={table}")
        self.assertEqual(client.take(), [{"type": "auth"}])
        client.send({"type": "auth", "data": data})
        server.flush()
        return client

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        conn = connect(self.url)
        try:
            with conn.transaction(write=False):
                return [tuple(row) for row in conn.execute(sql).rows]
        finally:
            conn.close()

    def cluster(self, server: MemoryServer) -> ClusterNode:
        assert server.cluster is not None, "a node"
        return server.cluster

    def refunds(self) -> list[tuple[Any, ...]]:
        return self.rows(
            "SELECT account_id, amount FROM ledger WHERE reason = 'refund'"
        )


class TokenTests(TwoNodes):
    def test_a_token_brings_the_account_back_on_another_node(self) -> None:
        ann = self.sign_in(self.a, 1, username="ann", password=PASSWORD)
        hello = ann.first("id")
        self.assertEqual(hello["balance"], 1000)
        ann.send({"type": "bet", "amount": 10})
        self.a.flush()
        self.assertEqual(ann.first("bet")["balance"], 990)
        self.kill(self.a)  # mid-round
        self.advance(LEASE + 1)

        back = self.sign_in(self.b, 1, token=hello["token"])
        again = back.first("id")
        # Her round was refunded when b took the table over: her chips are
        # whole, and her seat is at the table she asked for, on b.
        self.assertEqual(again["balance"], 1000)
        self.assertEqual(again["username"], "ann")
        self.assertEqual(again["table"], 1)
        self.assertNotEqual(again["token"], hello["token"])
        self.assertEqual(self.refunds(), [(1, 10)])
        self.assertEqual(self.cluster(self.b).held, {1})
        # Spent: the old token brings nobody back again.
        thief = self.sign_in(self.b, 1, token=hello["token"])
        self.assertEqual(thief.first("error")["status_code"], 401)
        # The directory keeps the new token's hash, never a token.
        kept = self.rows("SELECT token_hash, node FROM seat_tokens")
        self.assertEqual(kept, [(token_hash(again["token"]), "b")])

    def test_a_token_with_no_table_asked_returns_to_its_own(self) -> None:
        ann = self.sign_in(self.a, 2, username="ann", password=PASSWORD)
        token = ann.first("id")["token"]
        self.kill(self.a)
        self.advance(LEASE + 1)
        back = self.b.connect()
        back.take()
        back.send({"type": "auth", "data": {"token": token}})
        self.b.flush()
        self.assertEqual(back.first("id")["username"], "ann")
        self.assertEqual(back.first("id")["table"], 2)

    def test_a_token_of_a_seat_left_is_worthless_everywhere(self) -> None:
        ann = self.sign_in(self.a, 1, username="ann", password=PASSWORD)
        token = ann.first("id")["token"]
        ann.sendClose(1000)
        self.a.flush()
        self.advance(1)
        self.assertEqual(self.rows("SELECT * FROM seat_tokens"), [])
        back = self.sign_in(self.b, 2, token=token)
        self.assertEqual(
            back.take(),
            [
                {
                    "type": "error",
                    "status_code": 401,
                    "message": "that token is not valid (any more)",
                }
            ],
        )

    def test_a_token_refused_a_seat_stays_good(self) -> None:
        ann = self.sign_in(self.a, 1, username="ann", password=PASSWORD)
        token = ann.first("id")["token"]
        self.kill(self.a)
        self.advance(LEASE + 1)
        for name in ("bob", "cat", "dan"):
            self.sign_in(self.b, 1, username=name, password=PASSWORD).first("id")
        full = self.sign_in(self.b, 1, token=token)
        self.assertEqual(full.first("error")["status_code"], 507)
        # Table 1 is full, but her token is good: she sits at table 2.
        back = self.sign_in(self.b, 2, token=token)
        self.assertEqual(back.first("id")["username"], "ann")
        self.assertEqual(back.first("id")["table"], 2)

    def test_a_node_s_new_life_retires_its_last_life_s_tokens(self) -> None:
        ann = self.sign_in(self.a, 1, username="ann", password=PASSWORD)
        token = ann.first("id")["token"]
        self.kill(self.a)
        again = self.node("a")  # started again at once, under its name
        self.advance(TOKEN_SECONDS - 1)
        self.assertEqual(
            self.sign_in(again, 1, token=token).first("id")["username"], "ann"
        )
        bob = self.sign_in(again, 1, username="bob", password=PASSWORD)
        bob_token = bob.first("id")["token"]
        self.kill(again)
        third = self.node("a")
        self.advance(TOKEN_SECONDS + 1)
        late = self.sign_in(third, 1, token=bob_token)
        self.assertEqual(late.first("error")["status_code"], 401)

    def test_a_player_dropped_while_the_node_drains_keeps_the_token(self) -> None:
        ann = self.sign_in(self.a, 1, username="ann", password=PASSWORD)
        token = ann.first("id")["token"]
        self.a.sessions.drain()
        self.a.drop(ann)
        self.assertEqual(
            self.rows("SELECT token_hash, expires_at IS NOT NULL FROM seat_tokens"),
            [(token_hash(token), 1)],
        )

    def test_a_token_of_no_shape_asks_the_directory_nothing(self) -> None:
        calls: list[str] = []
        database = self.b.database
        assert database is not None
        database.observer = lambda name, seconds, failed: calls.append(name)
        wrong = self.sign_in(self.b, 1, token="kq3Vh0y2b9n1T4r8w6e5Zx")
        self.assertEqual(wrong.first("error")["status_code"], 401)
        self.assertNotIn("find_token", calls)

    def test_a_guest_s_seat_keeps_no_token(self) -> None:
        guest = MemoryServer(
            tables=1,
            real_shoe_seed=1,
            database=self.url,
            node="c",
            lease_seconds=LEASE,
        )
        self.alive.append(guest)
        bob = guest.seat("bob")
        self.assertEqual(bob.first("id")["username"], "bob")
        self.assertEqual(self.rows("SELECT * FROM seat_tokens"), [])


class MovingTests(TwoNodes):
    def test_a_table_asked_for_elsewhere_moves_between_rounds(self) -> None:
        ann = self.sign_in(self.a, 1, username="ann", password=PASSWORD)
        token = ann.first("id")["token"]
        watcher = self.a.connect(path="/websocket?table=1")
        watcher.send({"type": "watch", "data": {"table": 1}})
        self.a.flush()
        self.assertEqual(watcher.first("watching")["table"], 1)
        ann.send({"type": "bet", "amount": 10})
        self.a.flush()
        self.assertIn("restart", ann.types())

        # HAProxy now sends table 1's players to b (b came back, say).
        bob = self.sign_in(self.b, 1, username="bob", password=PASSWORD)
        refusal = bob.first("error")
        self.assertEqual(refusal["status_code"], 503)
        self.assertIn("table 1 is played on node a", refusal["message"])

        # a hears of it at its next renewal, with ann's round under way:
        # the round plays out, and no other begins.
        self.advance(LEASE / 4)
        self.assertFalse(ann.closed)
        self.assertEqual(self.cluster(self.a).moving, {1})
        ann.take()
        ann.send({"type": "stand", "hand": 0})
        self.a.flush()
        over = ann.first("round_over")
        self.advance(RULES["round_delay"])
        self.assertNotIn("betting", ann.types())

        # Then its players and watchers are sent after the table.
        self.advance(LEASE / 4)
        self.assertEqual((ann.close_code, watcher.close_code), (CLOSE_TABLE_MOVED,) * 2)
        self.assertEqual(self.cluster(self.a).held, set())

        back = self.sign_in(self.b, 1, token=token)
        hello = back.first("id")
        self.assertEqual(hello["username"], "ann")
        self.assertEqual(hello["balance"], over["results"][0]["balance"])
        self.assertEqual(hello["table"], 1)
        bob = self.sign_in(self.b, 1, username="bob", password=PASSWORD)
        self.assertEqual(bob.first("id")["username"], "bob")
        self.assertEqual(self.cluster(self.b).held, {1})
        # The round was stored before the table moved: nothing to refund.
        self.assertEqual(self.refunds(), [])
        self.assertEqual(self.rows("SELECT status FROM rounds"), [("settled",)])

        # The next round is played on b, by both.
        back.send({"type": "bet", "amount": 10})
        bob.send({"type": "bet", "amount": 10})
        self.b.flush()
        self.assertIn("restart", bob.types())

    def test_a_table_that_moved_away_can_come_back(self) -> None:
        ann = self.sign_in(self.a, 1, username="ann", password=PASSWORD)
        token = ann.first("id")["token"]
        self.sign_in(self.b, 1, username="bob", password=PASSWORD)
        self.advance(LEASE / 4)
        self.assertEqual(ann.close_code, CLOSE_TABLE_MOVED)
        back = self.sign_in(self.b, 1, token=token)
        token = back.first("id")["token"]
        # Now a asks for it back: it returns, and plays rounds there.
        self.sign_in(self.a, 1, username="cat", password=PASSWORD)
        self.advance(LEASE / 4)
        self.assertEqual(back.close_code, CLOSE_TABLE_MOVED)
        again = self.sign_in(self.a, 1, token=token)
        self.assertEqual(again.first("id")["username"], "ann")
        again.send({"type": "bet", "amount": 10})
        self.a.flush()
        self.assertIn("restart", again.types())

    def test_a_sign_in_that_waited_finds_its_table_gone(self) -> None:
        """ann signs in on a at table 1 while b holds her account; before b
        lets her go, table 1 moves from a to b: she is refused, not seated
        at a table a no longer plays."""
        cat = self.sign_in(self.a, 1, username="cat", password=PASSWORD)
        cat.first("id")
        self.sign_in(self.b, 2, username="ann", password=PASSWORD).first("id")
        ann = self.sign_in(self.a, 1, username="ann", password=PASSWORD)
        self.assertEqual(ann.take(), [])  # waiting for b to let her go
        self.sign_in(self.b, 1, username="dan", password=PASSWORD)
        self.advance(LEASE / 4)  # a hands table 1 over; b lets ann go
        self.assertEqual(cat.close_code, CLOSE_TABLE_MOVED)
        for _ in range(8):
            self.advance(0.25)
        refusal = ann.first("error")
        self.assertEqual(refusal["status_code"], 503)
        self.assertEqual(self.a.lobby.table(1).seats_taken, 0)
        self.assertEqual(self.cluster(self.a).held, set())

    def test_nobody_new_sits_at_a_table_while_it_moves(self) -> None:
        ann = self.sign_in(self.a, 1, username="ann", password=PASSWORD)
        ann.send({"type": "bet", "amount": 10})
        self.a.flush()
        self.sign_in(self.b, 1, username="bob", password=PASSWORD)
        self.advance(LEASE / 4)
        self.assertEqual(self.cluster(self.a).moving, {1})
        # Still on a, mid-round: cat would be sent away with it.
        cat = self.sign_in(self.a, 1, username="cat", password=PASSWORD)
        self.assertEqual(
            cat.first("error")["message"],
            "table 1 moves to another node: try again in a moment",
        )
        # A player who lets the server choose is seated at another table.
        dan = self.a.connect()
        dan.take()
        dan.send({"type": "auth", "data": {"username": "dan", "password": PASSWORD}})
        self.a.flush()
        self.assertEqual(dan.first("id")["table"], 2)
