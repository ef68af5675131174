"""``blackjackd.cluster.ClusterNode`` without processes: two nodes on one
inline SQLite database and a ``Clock``, placing players, taking over a dead
node's tables, listing the cluster's tables, letting go of an account, and
stopping at once when their leases are lost."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path
from typing import Any
from unittest import SkipTest

from twisted.internet.defer import Deferred
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.cluster import ClusterNode
from blackjackd.errors import ActionRejected
from blackjackd.lobby import Lobby
from blackjackd.sessions import CLOSE_SIGNED_IN_ELSEWHERE, Sessions
from blackjackd.store import Batch, Database, Movement, register
from blackjackd.table import TableConfig
from blackjackd.testing.cluster import haproxy_binary, haproxy_config
from tests.scratch import scratch_directory
from tests.test_store import HASH, new_round

LEASE = 8.0
START = 1000.0


class Connection:
    """A stand-in for a player's connection."""

    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.closed: tuple[int, str] | None = None

    def send_message(self, message: Any) -> None:
        self.sent.append(message)

    def close_with(self, code: int, reason: str) -> None:
        self.closed = (code, reason)

    def seat_ended(self) -> None:
        pass


class NodeTests(SynchronousTestCase):
    def setUp(self) -> None:
        url = f"sqlite://{scratch_directory(self)}/cluster.sqlite3"
        # One database, one connection per node, as two processes have.
        self.databases = [Database.inline(url), Database.inline(url)]
        self.clock = Clock()
        self.clock.advance(START)
        self.halted: list[tuple[str, str]] = []
        self.a = self.node("a", self.databases[0])
        self.b = self.node("b", self.databases[1])

    def node(self, name: str, database: Database) -> ClusterNode:
        lobby = Lobby.build(
            tables=3,
            config=TableConfig(seats=2, round_delay=1.0),
            clock=self.clock,
            rng=random.Random(0),
        )
        sessions = Sessions(lobby, self.clock, grace=0)
        return ClusterNode(
            name,
            database,
            lobby,
            sessions,
            self.clock,
            lease_seconds=LEASE,
            account_wait=5.0,
            halt=lambda reason: self.halted.append((name, reason)),
        )

    def place(self, node: ClusterNode, table: int | None) -> int:
        result: int = self.successResultOf(Deferred.fromCoroutine(node.place(table)))
        return result

    def refused(self, node: ClusterNode, table: int | None) -> ActionRejected:
        failure = self.failureResultOf(
            Deferred.fromCoroutine(node.place(table)), ActionRejected
        )
        refusal: ActionRejected = failure.value
        return refusal

    def test_a_table_is_played_by_one_node(self) -> None:
        self.a.start()
        self.b.start()
        self.assertEqual(self.place(self.a, 2), 2)
        self.assertEqual(self.a.held, {2})
        self.a.sessions.seat(Connection(), "ann", table=2)
        refusal = self.refused(self.b, 2)
        self.assertEqual(refusal.status_code, 503)
        self.assertIn("table 2 is played on node a", refusal.message)
        self.assertEqual(self.refused(self.b, 9).status_code, 404)
        # Leases are renewed: much later, a still holds it.
        for _ in range(10):
            self.clock.advance(LEASE / 4)
        self.assertEqual(self.refused(self.b, 2).status_code, 503)
        self.assertEqual(self.halted, [])

    def test_an_idle_table_goes_to_the_node_that_asks_for_it(self) -> None:
        self.a.start()
        self.b.start()
        self.place(self.a, 2)
        # HAProxy now sends table 2's players to b (a came back, say).
        self.assertEqual(self.refused(self.b, 2).status_code, 503)
        self.clock.advance(LEASE / 4)
        self.assertEqual(self.a.held, set())
        self.assertEqual(self.place(self.b, 2), 2)

    def test_a_look_for_a_free_table_moves_nothing(self) -> None:
        self.a.start()
        self.b.start()
        self.place(self.a, 1)
        self.place(self.b, None)  # finds table 1 taken, takes 2
        self.clock.advance(LEASE / 4)
        self.assertEqual(self.a.held, {1})

    def test_a_player_without_a_table_gets_a_free_one(self) -> None:
        self.a.start()
        self.b.start()
        self.assertEqual(self.place(self.a, None), 1)
        self.clock.advance(LEASE / 4)  # b reads the directory
        self.assertEqual(self.place(self.b, None), 2)
        self.assertEqual(self.place(self.a, None), 1)

    def test_a_dead_node_s_table_is_taken_over_with_its_round_refunded(self) -> None:
        self.a.start()
        self.b.start()
        self.place(self.a, 1)
        database = self.databases[0]
        ann = self.successResultOf(
            database._call(register, "ann", "ann", HASH, 100, START)
        ).id
        opened = new_round(table_no=1, round_no=7)
        self.successResultOf(
            database.apply(
                Batch([opened], [Movement(ann, -10, "bet", opened.round_id, START)])
            )
        )
        self.a.stop_renewing()  # a dies
        self.assertEqual(self.refused(self.b, 1).status_code, 503)
        self.clock.advance(LEASE + 1)
        self.assertEqual(self.place(self.b, 1), 1)
        self.assertEqual(self.b.lobby.table(1).rounds_played, 7)
        self.assertEqual(self.successResultOf(database.account_state(ann)).balance, 100)
        # Had a lived on, it would have stopped at once before the takeover.
        self.a._renewed_at = START
        self.a._check_deadline()
        self.assertEqual([name for name, _ in self.halted], ["a"])

    def test_a_node_that_loses_a_lease_stops(self) -> None:
        self.a.start()
        self.place(self.a, 1)
        # Somebody took table 1 away behind a's back.
        self.successResultOf(self.databases[1].release_tables("a"))
        self.clock.advance(LEASE / 4)
        self.assertEqual(len(self.halted), 1)
        self.assertIn("lost its leases on tables [1]", self.halted[0][1])

    def test_a_renewal_that_never_answers_stops_the_node_in_time(self) -> None:
        self.a.start()
        self.place(self.a, 1)
        hung: Deferred[Any] = Deferred()
        self.a.database.renew = lambda *args: hung  # type: ignore[method-assign]
        self.clock.advance(LEASE / 4)
        self.clock.advance(LEASE / 4)
        self.assertEqual(self.halted, [])
        self.clock.advance(LEASE / 4)
        self.assertEqual([name for name, _ in self.halted], ["a"])
        self.assertIn("could not renew its leases in time", self.halted[0][1])

    def test_tables_lists_the_whole_cluster(self) -> None:
        self.a.start()
        self.b.start()
        self.place(self.a, 1)
        connection = Connection()
        self.a.sessions.seat(connection, "ann", table=1)
        self.clock.advance(LEASE / 4)
        view = {t.table: t for t in self.b.tables_view().tables}
        self.assertEqual(view[1].players, ("ann",))
        self.assertEqual(view[2].players, ())

    def test_an_account_moves_once_the_other_node_lets_it_go(self) -> None:
        self.a.start()
        self.b.start()
        database = self.databases[0]
        ann = self.successResultOf(
            database._call(register, "ann", "ann", HASH, 100, START)
        ).id
        self.place(self.a, 1)
        self.successResultOf(Deferred.fromCoroutine(self.a.claim_account(ann, 1)))
        connection = Connection()
        self.a.sessions.seat(connection, "ann", account_id=ann, table=1)
        self.a.signed_in(ann)
        self.place(self.b, 2)
        moving = Deferred.fromCoroutine(self.b.claim_account(ann, 2))
        self.assertNoResult(moving)
        # At a's next renewal it lets ann go: 4001, and the seat is free.
        self.clock.advance(LEASE / 4)
        self.assertEqual(
            connection.closed, (CLOSE_SIGNED_IN_ELSEWHERE, "signed in elsewhere")
        )
        self.assertIsNone(self.a.sessions.for_account(ann))
        self.clock.advance(0.5)
        self.successResultOf(moving)
        self.b.signed_in(ann)

    def test_an_account_held_too_long_is_refused(self) -> None:
        self.a.start()
        self.b.start()
        database = self.databases[0]
        ann = self.successResultOf(
            database._call(register, "ann", "ann", HASH, 100, START)
        ).id
        self.successResultOf(Deferred.fromCoroutine(self.a.claim_account(ann, 1)))
        self.a.stop_renewing()
        waiting = Deferred.fromCoroutine(self.b.claim_account(ann, 2))
        # a is alive (its node row) but doesn't answer within the wait.
        for _ in range(21):
            self.clock.advance(0.25)
        refusal = self.failureResultOf(waiting, ActionRejected).value
        self.assertEqual(refusal.status_code, 503)
        self.assertIn("still at a table on node a", refusal.message)
        self.b.signed_in(ann)

    def test_leaving_lets_every_table_go_without_a_refund(self) -> None:
        self.a.start()
        self.b.start()
        self.place(self.a, 1)
        self.place(self.a, 3)
        self.successResultOf(Deferred.fromCoroutine(self.a.leave()))
        self.assertEqual(self.place(self.b, 1), 1)
        self.assertEqual(self.place(self.b, 3), 3)


class ScaleDocumentTests(SynchronousTestCase):
    """docs/scale.rst shows the HAProxy configuration the cluster's tests
    run, and HAProxy takes it."""

    DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "scale.rst"

    def documented(self) -> str:
        text = self.DOCUMENT.read_text()
        block = text.split(".. code-block:: text\n\n", 1)[1]
        lines = []
        for line in block.splitlines():
            if line and not line.startswith("    "):
                break
            lines.append(line[4:])
        return "\n".join(lines).strip() + "\n"

    def test_the_documented_config_is_the_tested_one(self) -> None:
        expected = haproxy_config(
            ":80",
            [("node1", 8001), ("node2", 8002), ("node3", 8003)],
            check_every="1s",
            maxconn=50000,
        )
        self.assertEqual(self.documented(), expected)

    def test_haproxy_takes_it(self) -> None:
        binary = haproxy_binary()
        if binary is None:
            raise SkipTest("HAProxy is not installed (apt-get install haproxy)")
        config = scratch_directory(self) / "haproxy.cfg"
        config.write_text(self.documented())
        checked = subprocess.run(
            [binary, "-c", "-f", str(config)], capture_output=True, text=True
        )
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
