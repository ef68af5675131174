"""The cluster's directory (``blackjackd.store.directory``): table leases,
their takeover with its refund, and one seat an account, on SQLite and on a
throwaway PostgreSQL, where two connections race for the same rows."""

from __future__ import annotations

import threading

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.store import (
    Batch,
    BatchRejected,
    Connection,
    Movement,
    apply,
    connect,
    migrate,
)
from blackjackd.store.directory import (
    SeatToken,
    claim_account,
    claim_table,
    end_token,
    find_token,
    forget_stale_tokens,
    leave_cluster,
    live_leases,
    record_token,
    release_account,
    release_tables,
    renew,
    retire_tokens,
    take_token,
)
from tests.test_store import HASH, new_round, played, postgres_url, sqlite_file_url

LEASE = 6.0
#: Seconds a token outlives its node's last renewal, or its seat.
TOKEN_SECONDS = 60.0


class DirectoryTestsMixin:
    """The directory on one dialect; ``new_url`` is a new empty database."""

    def new_url(self) -> str:
        raise NotImplementedError

    def open(self, url: str) -> Connection:
        conn = connect(url)
        self.addCleanup(conn.close)  # type: ignore[attr-defined]
        migrate(conn)
        return conn

    def account(self, conn: Connection, name: str) -> int:
        from blackjackd.store import register

        return register(conn, name, name, HASH, 1000, 1.0).id

    def test_a_free_table_is_claimed_and_held(self) -> None:
        conn = self.open(self.new_url())
        claim = claim_table(conn, 3, "a", 100.0, LEASE)
        self.assertEqual(
            (claim.claimed, claim.refunds, claim.last_round), (True, [], 0)
        )
        refused = claim_table(conn, 3, "b", 101.0, LEASE)
        self.assertEqual((refused.claimed, refused.holder), (False, "a"))
        (lease,) = live_leases(conn, 101.0)
        self.assertEqual(
            (lease.table_no, lease.node, lease.expires_at), (3, "a", 106.0)
        )

    def test_a_renewal_keeps_the_lease_and_its_view(self) -> None:
        conn = self.open(self.new_url())
        claim_table(conn, 1, "a", 100.0, LEASE)
        renewal = renew(conn, "a", {1: '{"table": 1}', 2: None}, 104.0, LEASE)
        self.assertEqual(renewal.kept, {1})
        self.assertEqual(claim_table(conn, 1, "b", 109.0, LEASE).claimed, False)
        (lease,) = live_leases(conn, 109.0)
        self.assertEqual((lease.expires_at, lease.view), (110.0, '{"table": 1}'))
        self.assertEqual(live_leases(conn, 111.0), [])

    def test_an_expired_lease_is_taken_over_and_its_round_refunded_once(
        self,
    ) -> None:
        conn = self.open(self.new_url())
        ann = self.account(conn, "ann")
        claim_table(conn, 2, "a", 100.0, LEASE)
        # A settled round, then one whose bet is stored and no more.
        settled, _ = played(ann, 10, 20, table_no=2)
        apply(conn, settled)
        opened = new_round(table_no=2, round_no=2)
        apply(conn, Batch([opened], [Movement(ann, -30, "bet", opened.round_id, 1)]))
        # Another table's open round is no business of table 2's taker.
        elsewhere = new_round(table_no=5, round_no=1)
        apply(
            conn, Batch([elsewhere], [Movement(ann, -5, "bet", elsewhere.round_id, 1)])
        )
        self.assertFalse(claim_table(conn, 2, "b", 105.0, LEASE).claimed)
        taken = claim_table(conn, 2, "b", 107.0, LEASE)
        self.assertTrue(taken.claimed)
        self.assertEqual(
            [(r.round_id, r.account_id, r.amount) for r in taken.refunds],
            [(opened.round_id, ann, 30)],
        )
        self.assertEqual(taken.last_round, 2)
        # The old holder can't renew it any more.
        self.assertEqual(renew(conn, "a", {2: None}, 108.0, LEASE).kept, frozenset())
        again = claim_table(conn, 2, "b", 200.0, LEASE)
        self.assertEqual(again.refunds, [])
        statuses = dict(conn.execute("SELECT id, status FROM rounds").rows)
        self.assertEqual(statuses[elsewhere.round_id], "open")
        self.assertEqual(statuses[opened.round_id], "refunded")

    def test_a_late_write_of_a_table_taken_over_is_refused_whole(self) -> None:
        conn = self.open(self.new_url())
        ann = self.account(conn, "ann")
        claim_table(conn, 1, "a", 100.0, LEASE)
        opened = new_round(table_no=1)
        apply(conn, Batch([opened], [Movement(ann, -10, "bet", opened.round_id, 1)]))
        claim_table(conn, 1, "b", 200.0, LEASE)  # a's lease ran out
        late = Batch([opened], [Movement(ann, -20, "double", opened.round_id, 2)])
        with self.assertRaises(BatchRejected):
            apply(conn, late)
        balance = conn.execute("SELECT balance FROM accounts WHERE id = ?", (ann,))
        self.assertEqual(balance.scalar(), 1000)

    def test_a_released_table_moves_without_a_refund(self) -> None:
        conn = self.open(self.new_url())
        claim_table(conn, 1, "a", 100.0, LEASE)
        claim_table(conn, 2, "a", 100.0, LEASE)
        self.assertEqual(release_tables(conn, "a", frozenset({1})), 1)
        self.assertTrue(claim_table(conn, 1, "b", 101.0, LEASE).claimed)
        self.assertFalse(claim_table(conn, 2, "b", 101.0, LEASE).claimed)
        leave_cluster(conn, "a")
        self.assertTrue(claim_table(conn, 2, "b", 101.0, LEASE).claimed)

    def test_a_refused_claim_asks_the_holder_for_the_table(self) -> None:
        conn = self.open(self.new_url())
        claim_table(conn, 4, "a", 100.0, LEASE)
        self.assertEqual(renew(conn, "a", {4: None}, 100.0, LEASE).tables_wanted, set())
        claim_table(conn, 4, "b", 101.0, LEASE)
        self.assertEqual(renew(conn, "a", {4: None}, 102.0, LEASE).tables_wanted, {4})

    def test_an_account_sits_on_one_node(self) -> None:
        conn = self.open(self.new_url())
        ann = self.account(conn, "ann")
        renew(conn, "a", {}, 100.0, LEASE)
        renew(conn, "b", {}, 100.0, LEASE)
        self.assertIsNone(claim_account(conn, ann, "a", 1, 100.0).holder)
        self.assertIsNone(claim_account(conn, ann, "a", 2, 100.5).holder)
        self.assertEqual(claim_account(conn, ann, "b", 3, 101.0).holder, "a")
        self.assertEqual(renew(conn, "a", {}, 101.5, LEASE).accounts_wanted, {ann})
        self.assertFalse(release_account(conn, ann, "b"))
        self.assertTrue(release_account(conn, ann, "a"))
        self.assertIsNone(claim_account(conn, ann, "b", 3, 102.0).holder)
        # Node b dies: once its life runs out, a takes the account back.
        self.assertEqual(claim_account(conn, ann, "a", 1, 105.0).holder, "b")
        self.assertIsNone(claim_account(conn, ann, "a", 1, 106.5).holder)

    def test_a_token_is_good_on_any_node_and_spent_once(self) -> None:
        conn = self.open(self.new_url())
        ann = self.account(conn, "ann")
        renew(conn, "a", {}, 100.0, LEASE)
        record_token(conn, "h1", ann, 3, "a")
        named = SeatToken(ann, 3, "a")
        self.assertEqual(find_token(conn, "h1", 101.0, TOKEN_SECONDS), named)
        self.assertIsNone(find_token(conn, "h2", 101.0, TOKEN_SECONDS))
        # A resume on its own node rotates it: the old one is worthless.
        record_token(conn, "h2", ann, 3, "a", replaces="h1")
        self.assertIsNone(find_token(conn, "h1", 101.0, TOKEN_SECONDS))
        self.assertEqual(take_token(conn, "h2", 101.0, TOKEN_SECONDS), named)
        self.assertIsNone(take_token(conn, "h2", 101.0, TOKEN_SECONDS))

    def test_a_dead_node_s_tokens_stay_good_for_a_while(self) -> None:
        conn = self.open(self.new_url())
        ann = self.account(conn, "ann")
        renew(conn, "a", {}, 100.0, LEASE)
        record_token(conn, "h1", ann, 1, "a")
        # a's life ran out at 106: its tokens are good until 166.
        self.assertIsNotNone(find_token(conn, "h1", 165.0, TOKEN_SECONDS))
        self.assertEqual(forget_stale_tokens(conn, 165.0, TOKEN_SECONDS), 0)
        self.assertIsNone(find_token(conn, "h1", 167.0, TOKEN_SECONDS))
        self.assertEqual(forget_stale_tokens(conn, 167.0, TOKEN_SECONDS), 1)

    def test_a_seat_that_ended_or_moved_ends_or_keeps_its_token(self) -> None:
        conn = self.open(self.new_url())
        ann = self.account(conn, "ann")
        renew(conn, "a", {}, 100.0, LEASE)
        record_token(conn, "left", ann, 1, "a")
        record_token(conn, "moved", ann, 1, "a")
        end_token(conn, "left")
        end_token(conn, "moved", until=130.0)
        self.assertIsNone(find_token(conn, "left", 101.0, TOKEN_SECONDS))
        # Its node lives on, but the seat moved off it: good until 130.
        renew(conn, "a", {}, 125.0, LEASE)
        self.assertIsNotNone(find_token(conn, "moved", 129.0, TOKEN_SECONDS))
        self.assertIsNone(find_token(conn, "moved", 131.0, TOKEN_SECONDS))

    def test_a_node_s_new_life_retires_its_last_life_s_tokens(self) -> None:
        conn = self.open(self.new_url())
        ann = self.account(conn, "ann")
        renew(conn, "a", {}, 100.0, LEASE)
        record_token(conn, "old", ann, 1, "a")
        retire_tokens(conn, "a", 200.0)
        record_token(conn, "new", ann, 1, "a")
        renew(conn, "a", {}, 250.0, LEASE)
        self.assertIsNone(find_token(conn, "old", 251.0, TOKEN_SECONDS))
        self.assertIsNotNone(find_token(conn, "new", 251.0, TOKEN_SECONDS))
        # A token spent on a seat then refused is recorded good until then.
        record_token(conn, "kept", ann, 1, "a", until=260.0)
        self.assertIsNotNone(find_token(conn, "kept", 255.0, TOKEN_SECONDS))
        self.assertIsNone(find_token(conn, "kept", 261.0, TOKEN_SECONDS))

    def test_a_node_that_leaves_keeps_its_tokens_good_for_a_while(self) -> None:
        conn = self.open(self.new_url())
        ann = self.account(conn, "ann")
        renew(conn, "a", {}, 100.0, LEASE)
        record_token(conn, "h1", ann, 1, "a")
        leave_cluster(conn, "a", 102.0, TOKEN_SECONDS)
        self.assertIsNotNone(find_token(conn, "h1", 161.0, TOKEN_SECONDS))
        self.assertIsNone(find_token(conn, "h1", 163.0, TOKEN_SECONDS))

    def test_an_account_taken_from_a_dead_node_gets_its_open_round_back(
        self,
    ) -> None:
        conn = self.open(self.new_url())
        ann = self.account(conn, "ann")
        bob = self.account(conn, "bob")
        renew(conn, "a", {}, 100.0, LEASE)
        claim_table(conn, 1, "a", 100.0, LEASE)
        claim_table(conn, 2, "a", 100.0, LEASE)
        self.assertIsNone(claim_account(conn, ann, "a", 1, 100.0).holder)
        dead = new_round(table_no=1)
        apply(
            conn,
            Batch(
                [dead],
                [
                    Movement(ann, -30, "bet", dead.round_id, 1),
                    Movement(bob, -20, "bet", dead.round_id, 1),
                ],
            ),
        )
        # a dies; b renews table 2's lease meanwhile (it took it over).
        claim_table(conn, 2, "b", 110.0, LEASE)
        live = new_round(table_no=2)
        apply(conn, Batch([live], [Movement(ann, -5, "bet", live.round_id, 1)]))
        seated = claim_account(conn, ann, "b", 2, 110.0)
        self.assertIsNone(seated.holder)
        self.assertEqual(
            sorted((r.account_id, r.amount) for r in seated.refunds),
            [(ann, 30), (bob, 20)],
        )
        statuses = dict(conn.execute("SELECT id, status FROM rounds").rows)
        self.assertEqual(statuses[dead.round_id], "refunded")
        self.assertEqual(statuses[live.round_id], "open")
        self.assertEqual(claim_table(conn, 1, "b", 111.0, LEASE).refunds, [])


class SQLiteDirectoryTests(DirectoryTestsMixin, SynchronousTestCase):
    def new_url(self) -> str:
        return sqlite_file_url(self)


class PostgresDirectoryTests(DirectoryTestsMixin, SynchronousTestCase):
    def new_url(self) -> str:
        return postgres_url(self)

    def test_racing_nodes_never_both_win(self) -> None:
        """Nodes race for the same expired leases and the same account,
        each on its own connection: one winner each, and the takeover's
        refund is made once."""
        url = self.new_url()
        setup = self.open(url)
        ann = self.account(setup, "ann")
        for table in range(1, 9):
            claim_table(setup, table, "dead", 0.0, LEASE)
            opened = new_round(table_no=table)
            apply(
                setup, Batch([opened], [Movement(ann, -1, "bet", opened.round_id, 1)])
            )
        nodes = [f"n{i}" for i in range(4)]
        results: dict[str, list[object]] = {node: [] for node in nodes}
        connections = {node: self.open(url) for node in nodes}
        for node in nodes:
            # Alive: a seat held by a node that isn't is anybody's.
            renew(setup, node, {}, 100.0, LEASE)
        start = threading.Barrier(len(nodes))

        def race(node: str) -> None:
            conn = connections[node]
            start.wait()
            for table in range(1, 9):
                results[node].append(claim_table(conn, table, node, 100.0, LEASE))
            results[node].append(claim_account(conn, ann, node, 1, 100.0))

        threads = [threading.Thread(target=race, args=(node,)) for node in nodes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for table in range(1, 9):
            winners = [
                claim
                for node in nodes
                for claim in results[node][:-1]
                if claim.table_no == table and claim.claimed  # type: ignore[attr-defined]
            ]
            self.assertEqual(len(winners), 1, f"table {table}")
            self.assertEqual(len(winners[0].refunds), 1, f"table {table}")  # type: ignore[attr-defined]
        seated = [node for node in nodes if results[node][-1].holder is None]  # type: ignore[attr-defined]
        self.assertEqual(len(seated), 1, results)
        refunds = setup.execute(
            "SELECT COUNT(*) FROM ledger WHERE reason = 'refund'"
        ).scalar()
        self.assertEqual(refunds, 8)

    def test_racing_nodes_spend_a_token_once(self) -> None:
        url = self.new_url()
        setup = self.open(url)
        ann = self.account(setup, "ann")
        renew(setup, "a", {}, 100.0, LEASE)
        tokens = [f"h{i}" for i in range(20)]
        for token in tokens:
            record_token(setup, token, ann, 1, "a")
        nodes = [f"n{i}" for i in range(4)]
        connections = {node: self.open(url) for node in nodes}
        spent: dict[str, list[str]] = {node: [] for node in nodes}
        start = threading.Barrier(len(nodes))

        def race(node: str) -> None:
            start.wait()
            for token in tokens:
                if take_token(connections[node], token, 101.0, TOKEN_SECONDS):
                    spent[node].append(token)

        threads = [threading.Thread(target=race, args=(node,)) for node in nodes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(
            sorted(t for node in nodes for t in spent[node]), sorted(tokens)
        )
