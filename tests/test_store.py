"""blackjackd.store's synchronous functions, against SQLite (a file, and
``:memory:``) and PostgreSQL (a throwaway cluster; skipped without one)."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twisted.trial.unittest import SkipTest, SynchronousTestCase

from blackjackd.passwords import name_key
from blackjackd.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    AccountRow,
    Batch,
    BatchRejected,
    Connection,
    Migration,
    Movement,
    NameTaken,
    RoundClosed,
    RoundOpened,
    SchemaDamaged,
    SchemaTooNew,
    StoreError,
    StoreUnavailable,
    UnknownAccount,
    account_state,
    apply,
    connect,
    find_account,
    history,
    last_round_numbers,
    ledger_sums,
    migrate,
    parse_url,
    refund_open_rounds,
    register,
)
from blackjackd.store.schema import schema_version
from blackjackd.testing import postgres
from blackjackd.testing.postgres import (
    drop_database,
    fresh_database_url,
    postgres_skip_reason,
)
from tests.scratch import scratch_directory

TABLES = {
    "schema_version",
    "accounts",
    "rounds",
    "round_players",
    "ledger",
    "cluster_nodes",
    "table_leases",
    "account_seats",
    "seat_tokens",
}
HASH = "scrypt$16$8$1$c2FsdA==$aGFzaA=="


#: (account index, amount, reason, round index (-1: none), at)
MOVEMENT = st.tuples(
    st.integers(0, 3),
    st.integers(-1000, 1000),
    st.sampled_from(["bet", "double", "payout", "refund", "rebuy"]),
    st.integers(-1, 7),
    st.floats(0, 1e9),
)


def sqlite_file_url(case: SynchronousTestCase) -> str:
    """A new SQLite file in a directory that goes with ``case``."""
    return f"sqlite://{scratch_directory(case)}/store.sqlite3"


def postgres_url(case: SynchronousTestCase) -> str:
    """A new empty PostgreSQL database, dropped after ``case``; skips the
    test where PostgreSQL isn't there."""
    reason = postgres_skip_reason()
    if reason is not None:
        raise SkipTest(reason)
    url = fresh_database_url()
    case.addCleanup(drop_database, url)
    return url


def new_round(table_no: int = 1, round_no: int = 1, at: float = 10.0) -> RoundOpened:
    return RoundOpened(uuid.uuid4().hex, table_no, round_no, "casino", at)


def played(
    account_id: int, bet: int, payout: int, table_no: int = 1, at: float = 10.0
) -> tuple[Batch, str]:
    """A batch of a whole round: opened, staked, paid, settled."""
    opened = new_round(table_no, at=at)
    movements = [Movement(account_id, -bet, "bet", opened.round_id, at)]
    if payout:
        movements.append(Movement(account_id, payout, "payout", opened.round_id, at))
    record = {"version": 1, "table": table_no, "movements": [bet, payout]}
    closed = RoundClosed(opened.round_id, record, at + 1)
    return Batch([opened], movements, [closed]), opened.round_id


class StoreTestsMixin:
    """The store's functions on one dialect. A subclass says how to get a
    new empty database (``new_url``)."""

    # Provided by SynchronousTestCase.
    addCleanup: Callable[..., None]
    assertEqual: Callable[..., None]
    assertTrue: Callable[..., None]
    assertFalse: Callable[..., None]
    assertIsNone: Callable[..., None]
    assertIn: Callable[..., None]
    assertRaises: Callable[..., Any]

    def new_url(self) -> str:
        raise NotImplementedError

    def open(self, url: str) -> Connection:
        conn = connect(url)
        self.addCleanup(conn.close)
        return conn

    def store(self, url: str | None = None) -> Connection:
        conn = self.open(url or self.new_url())
        migrate(conn)
        return conn

    def count(self, conn: Connection, table: str) -> int:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").scalar())

    def ann(self, conn: Connection, chips: int = 1000) -> AccountRow:
        return register(conn, "Ann", name_key("Ann"), HASH, chips, 1.0)

    def bob(self, conn: Connection, chips: int = 1000) -> AccountRow:
        return register(conn, "Bob", name_key("Bob"), HASH, chips, 2.0)

    def assert_balanced(self, conn: Connection) -> None:
        for account_id, (balance, total) in ledger_sums(conn).items():
            self.assertEqual(balance, total, f"account {account_id}")

    # Migrations.

    def test_an_empty_database_gets_the_newest_schema(self) -> None:
        conn = self.open(self.new_url())
        self.assertEqual(schema_version(conn), 0)
        self.assertEqual(migrate(conn), SCHEMA_VERSION)
        self.assertEqual(schema_version(conn), SCHEMA_VERSION)
        self.assertEqual(conn.table_names() & TABLES, TABLES)
        self.assertEqual(self.count(conn, "schema_version"), 1)

    def test_tables_without_a_version_are_refused(self) -> None:
        conn = self.open(self.new_url())
        conn.execute("CREATE TABLE accounts (id INTEGER)")
        self.assertRaises(SchemaDamaged, migrate, conn)

    def test_migrations_are_numbered_from_one(self) -> None:
        conn = self.open(self.new_url())
        wrong = [Migration(2, "two", ())]
        self.assertRaises(ValueError, migrate, conn, wrong)

    # Accounts.

    def test_register_and_find(self) -> None:
        conn = self.store()
        ann = register(conn, "Ann", "ann", HASH, 1000, 5.5)
        self.assertEqual(ann, AccountRow(ann.id, "Ann", "ann", HASH, 1000, 5.5, None))
        self.assertEqual(find_account(conn, "ann"), ann)
        self.assertIsNone(find_account(conn, "Ann"))
        self.assertIsNone(find_account(conn, "bob"))
        self.assertEqual(account_state(conn, ann.id), ann)
        self.assertEqual(
            conn.execute(
                "SELECT account_id, amount, reason, round_id, at FROM ledger"
            ).rows,
            [(ann.id, 1000, "open", None, 5.5)],
        )

    def test_names_clash_by_their_key(self) -> None:
        conn = self.store()
        self.ann(conn)
        for username in ["Ann", "ann", "ANN", "\uff21\uff4e\uff4e"]:
            with self.assertRaises(NameTaken) as raised:
                register(conn, username, name_key(username), HASH, 1000, 3.0)
            self.assertEqual(raised.exception.name_key, "ann", username)
        self.assertEqual(self.count(conn, "accounts"), 1)
        self.assertEqual(self.count(conn, "ledger"), 1)
        self.bob(conn)
        self.assertEqual(self.count(conn, "accounts"), 2)

    def test_ids_are_new(self) -> None:
        conn = self.store()
        ids = [register(conn, f"p{n}", f"p{n}", HASH, 10, 1.0).id for n in range(5)]
        self.assertEqual(len(set(ids)), 5)

    def test_unknown_account(self) -> None:
        conn = self.store()
        self.assertRaises(UnknownAccount, account_state, conn, 12345)

    def test_unicode_survives(self) -> None:
        conn = self.store()
        username = "Zo\u00eb \U0001f0a1"
        account = register(conn, username, name_key(username), HASH, 1, 1.0)
        self.assertEqual(account_state(conn, account.id).username, username)

    # Batches.

    def test_a_round_played_and_settled(self) -> None:
        conn = self.store()
        ann, bob = self.ann(conn), self.bob(conn)
        opened = new_round()
        record = {"version": 1, "cards": ["AS", "KD"], "nested": {"x": [1, None]}}
        apply(
            conn,
            Batch(
                opened=[opened],
                movements=[
                    Movement(ann.id, -10, "bet", opened.round_id, 10.0),
                    Movement(bob.id, -20, "bet", opened.round_id, 10.0),
                    Movement(bob.id, -20, "double", opened.round_id, 11.0),
                    Movement(ann.id, 25, "payout", opened.round_id, 12.0),
                ],
                closed=[RoundClosed(opened.round_id, record, 12.0)],
            ),
        )
        self.assertEqual(account_state(conn, ann.id).balance, 1015)
        self.assertEqual(account_state(conn, bob.id).balance, 960)
        self.assertEqual(
            conn.execute(
                "SELECT status, closed_at, table_no, round_no, game FROM rounds"
            ).rows,
            [("settled", 12.0, 1, 1, "casino")],
        )
        self.assertEqual(self.count(conn, "round_players"), 2)
        [ann_round] = history(conn, ann.id, 10)
        self.assertEqual(
            (ann_round.round_id, ann_round.status, ann_round.net, ann_round.record),
            (opened.round_id, "settled", 15, record),
        )
        self.assertEqual(ann_round.movements, [(-10, "bet"), (25, "payout")])
        self.assertEqual(
            (ann_round.table_no, ann_round.round_no, ann_round.game), (1, 1, "casino")
        )
        self.assertEqual((ann_round.opened_at, ann_round.closed_at), (10.0, 12.0))
        [bob_round] = history(conn, bob.id, 10)
        self.assertEqual(bob_round.movements, [(-20, "bet"), (-20, "double")])
        self.assertEqual(bob_round.net, -40)
        self.assert_balanced(conn)

    def test_a_batch_over_several_calls(self) -> None:
        conn = self.store()
        ann = self.ann(conn)
        opened = new_round()
        apply(conn, Batch(opened=[opened]))
        apply(conn, Batch(movements=[Movement(ann.id, -10, "bet", opened.round_id, 1)]))
        # Opened again (a retry, say): ignored, and the round stays open.
        apply(conn, Batch(opened=[opened]))
        self.assertEqual(history(conn, ann.id, 10), [])
        apply(conn, Batch(closed=[RoundClosed(opened.round_id, {}, 2.0)]))
        self.assertEqual(self.count(conn, "rounds"), 1)
        self.assertEqual(history(conn, ann.id, 10)[0].net, -10)

    def test_an_empty_batch(self) -> None:
        conn = self.store()
        apply(conn, Batch())
        self.assertFalse(Batch())

    def test_movements_outside_rounds_and_rebuys(self) -> None:
        conn = self.store()
        ann = self.ann(conn, chips=0)
        apply(
            conn,
            Batch(
                movements=[Movement(ann.id, 500, "rebuy", None, 9.0)],
                rebuys=[(ann.id, 9.0)],
            ),
        )
        state = account_state(conn, ann.id)
        self.assertEqual((state.balance, state.last_rebuy_at), (500, 9.0))
        self.assertEqual(self.count(conn, "round_players"), 0)
        self.assert_balanced(conn)

    def assert_rejected_whole(self, conn: Connection, batch: Batch) -> None:
        before = {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").rows
            for table in sorted(TABLES)
        }
        self.assertRaises(BatchRejected, apply, conn, batch)
        after = {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").rows
            for table in sorted(TABLES)
        }
        self.assertEqual(after, before)

    def test_a_movement_for_a_missing_account_leaves_nothing_behind(self) -> None:
        conn = self.store()
        ann = self.ann(conn)
        batch, _ = played(ann.id, 10, 20)
        missing = Movement(ann.id + 1000, -5, "bet", batch.opened[0].round_id, 10.0)
        self.assert_rejected_whole(
            conn,
            Batch(batch.opened, [*batch.movements, missing], batch.closed),
        )
        # The same batch, whole, goes through afterwards.
        apply(conn, batch)
        self.assertEqual(account_state(conn, ann.id).balance, 1010)

    def test_other_batches_that_are_refused(self) -> None:
        conn = self.store()
        ann = self.ann(conn)
        settled, round_id = played(ann.id, 10, 0)
        apply(conn, settled)
        never_opened = uuid.uuid4().hex
        refused = [
            Batch(movements=[Movement(ann.id, -1, "bet", never_opened, 1.0)]),
            Batch(closed=[RoundClosed(never_opened, {}, 1.0)]),
            Batch(closed=[RoundClosed(round_id, {}, 1.0)]),  # settled already
            Batch(rebuys=[(ann.id + 1000, 1.0)]),
            Batch(
                opened=[new_round()],
                movements=[Movement(ann.id, 5, "payout", None, 1.0)],
                closed=[RoundClosed(round_id, {}, 1.0)],
            ),
        ]
        for batch in refused:
            self.assert_rejected_whole(conn, batch)

    def test_a_record_that_isnt_json_is_refused_before_anything(self) -> None:
        conn = self.store()
        ann = self.ann(conn)
        opened = new_round()
        batch = Batch(
            [opened],
            [Movement(ann.id, -1, "bet", opened.round_id, 1.0)],
            [RoundClosed(opened.round_id, {"x": float("nan")}, 2.0)],
        )
        before = self.count(conn, "ledger")
        self.assertRaises(ValueError, apply, conn, batch)
        self.assertEqual(self.count(conn, "ledger"), before)

    def test_movements_are_checked(self) -> None:
        self.assertRaises(ValueError, Movement, 1, -1, "close", None, 1.0)
        self.assertRaises(TypeError, Movement, 1, 1.5, "bet", None, 1.0)
        self.assertRaises(TypeError, Movement, 1, True, "bet", None, 1.0)

    # Refunds.

    def open_round_with_stakes(self, conn: Connection, *stakes: tuple[int, int]) -> str:
        opened = new_round()
        apply(
            conn,
            Batch(
                [opened],
                [
                    Movement(who, amount, "bet", opened.round_id, 10.0)
                    for who, amount in stakes
                ],
            ),
        )
        return opened.round_id

    def test_open_rounds_are_refunded_exactly_once(self) -> None:
        conn = self.store()
        ann, bob = self.ann(conn), self.bob(conn)
        first = self.open_round_with_stakes(conn, (ann.id, -10), (bob.id, -30))
        second = self.open_round_with_stakes(conn, (ann.id, -5))
        # Bob's insurance paid already: he is even, nothing to give back.
        apply(conn, Batch(movements=[Movement(bob.id, 30, "insurance", first, 11.0)]))
        settled, _ = played(ann.id, 7, 0)
        apply(conn, settled)

        refunds = refund_open_rounds(conn, 99.0)
        self.assertEqual(
            sorted((r.round_id, r.account_id, r.amount) for r in refunds),
            sorted([(first, ann.id, 10), (second, ann.id, 5)]),
        )
        self.assertEqual(account_state(conn, ann.id).balance, 1000 - 7)
        self.assertEqual(account_state(conn, bob.id).balance, 1000)
        self.assertEqual(refund_open_rounds(conn, 100.0), [])
        self.assertEqual(account_state(conn, ann.id).balance, 1000 - 7)
        self.assertEqual(
            conn.execute(
                "SELECT status, closed_at FROM rounds WHERE status = 'refunded'"
            ).rows,
            [("refunded", 99.0), ("refunded", 99.0)],
        )
        # A refunded round is in the history, with what it cost: nothing.
        rounds = {r.round_id: r for r in history(conn, ann.id, 10)}
        self.assertEqual(
            (rounds[first].status, rounds[first].net, rounds[first].record),
            ("refunded", 0, None),
        )
        self.assertEqual(rounds[first].movements, [(-10, "bet"), (10, "refund")])
        self.assertEqual(rounds[second].movements, [(-5, "bet"), (5, "refund")])
        [bobs] = history(conn, bob.id, 10)
        self.assertEqual(bobs.movements, [(-30, "bet"), (30, "insurance")])
        self.assert_balanced(conn)

    def test_a_refunded_round_cannot_be_settled(self) -> None:
        conn = self.store()
        ann = self.ann(conn)
        round_id = self.open_round_with_stakes(conn, (ann.id, -10))
        refund_open_rounds(conn, 50.0)
        self.assert_rejected_whole(
            conn, Batch(closed=[RoundClosed(round_id, {}, 51.0)])
        )

    # History.

    def test_history_is_newest_first_and_limited(self) -> None:
        conn = self.store()
        ann, bob = self.ann(conn), self.bob(conn)
        ids = []
        for number in range(5):
            batch, round_id = played(ann.id, 10 + number, 0, at=100.0 + number)
            apply(conn, batch)
            ids.append(round_id)
        bobs, _ = played(bob.id, 1, 0, at=200.0)
        apply(conn, bobs)
        self.open_round_with_stakes(conn, (ann.id, -1))  # open: not history yet
        rounds = history(conn, ann.id, 3)
        self.assertEqual([r.round_id for r in rounds], ids[::-1][:3])
        self.assertEqual([r.net for r in rounds], [-14, -13, -12])
        self.assertEqual(len(history(conn, ann.id, 100)), 5)
        self.assertEqual(history(conn, ann.id, 0), [])
        self.assertEqual(history(conn, ann.id + 1000, 10), [])
        self.assertRaises(ValueError, history, conn, ann.id, -1)

    def test_a_voided_round_ends_refunded_once_its_stakes_are_back(self) -> None:
        conn = self.store()
        ann = self.ann(conn)
        round_id = self.open_round_with_stakes(conn, (ann.id, -10))
        # Voided with ann's 10 still in it: refused, nothing changes.
        self.assert_rejected_whole(conn, Batch(voided=[(round_id, 11.0)]))
        apply(
            conn,
            Batch(
                movements=[Movement(ann.id, 10, "refund", round_id, 11.0)],
                voided=[(round_id, 11.0)],
            ),
        )
        status = conn.execute("SELECT status FROM rounds WHERE id = ?", (round_id,))
        self.assertEqual(status.rows, [("refunded",)])
        self.assertEqual(refund_open_rounds(conn, 12.0), [])
        self.assert_rejected_whole(conn, Batch(voided=[(round_id, 13.0)]))

    def test_round_numbers_go_on_from_the_last_stored(self) -> None:
        conn = self.store()
        self.assertEqual(last_round_numbers(conn), {})
        for table_no, round_no in ((1, 4), (1, 9), (2, 3)):
            apply(conn, Batch([new_round(table_no, round_no)], [], []))
        self.assertEqual(last_round_numbers(conn), {1: 9, 2: 3})

    # Balances.

    @settings(
        max_examples=40,
        deadline=None,
        # The same test on each dialect's class: a failure on one replays
        # its examples on the others, which is harmless.
        suppress_health_check=[HealthCheck.differing_executors],
    )
    @given(
        st.integers(0, 2),
        st.lists(MOVEMENT, max_size=6),
        st.lists(st.booleans(), min_size=2, max_size=2),
    )
    def test_balances_equal_ledger_sums(
        self,
        new_rounds: int,
        movements: list[tuple[int, int, str, int, float]],
        closes: list[bool],
    ) -> None:
        """Random batches, some naming a missing account: each is stored
        whole or not at all, and every balance is its ledger's sum."""
        # One database for all examples: the invariant holds cumulatively.
        if not hasattr(self, "property_conn"):
            self.property_conn = self.store()
            self.property_accounts = [
                register(self.property_conn, f"p{n}", f"p{n}", HASH, 100, 1.0).id
                for n in range(3)
            ]
            self.property_rounds: list[str] = []
        conn = self.property_conn
        # Account index 3 is one that doesn't exist.
        accounts = [*self.property_accounts, 999_999]
        opened = [new_round() for _ in range(new_rounds)]
        rounds = self.property_rounds + [r.round_id for r in opened]
        batch = Batch(
            opened,
            [
                Movement(
                    accounts[who],
                    amount,
                    reason,
                    rounds[where % len(rounds)] if where >= 0 and rounds else None,
                    at,
                )
                for who, amount, reason, where, at in movements
            ],
            [
                RoundClosed(r.round_id, {"n": 1}, 5.0)
                for r, c in zip(opened, closes, strict=False)
                if c
            ],
        )
        before = ledger_sums(conn)
        try:
            apply(conn, batch)
        except BatchRejected:
            self.assertEqual(ledger_sums(conn), before)
        else:
            self.property_rounds.extend(r.round_id for r in opened)
        self.assert_balanced(conn)


class SharedStoreTestsMixin(StoreTestsMixin):
    """What takes a second connection to the same database: reopening,
    migrating, two processes at once (not ``:memory:``, where each
    connection is a database of its own)."""

    def test_migrating_again_changes_nothing(self) -> None:
        url = self.new_url()
        conn = self.store(url)
        ann = self.ann(conn)
        conn.close()
        again = self.store(url)
        self.assertEqual(schema_version(again), SCHEMA_VERSION)
        self.assertEqual(account_state(again, ann.id), ann)

    def test_an_older_database_is_migrated(self) -> None:
        url = self.new_url()
        ann = self.ann(self.store(url))
        step = Migration(
            SCHEMA_VERSION + 1,
            "a note on each account",
            ("ALTER TABLE accounts ADD COLUMN note TEXT NULL",),
        )
        conn = self.open(url)
        self.assertEqual(migrate(conn, [*MIGRATIONS, step]), SCHEMA_VERSION + 1)
        self.assertEqual(schema_version(conn), SCHEMA_VERSION + 1)
        self.assertEqual(
            conn.execute("SELECT username, note FROM accounts").rows, [("Ann", None)]
        )
        self.assertEqual(account_state(conn, ann.id).balance, 1000)

    def test_a_newer_database_is_refused_and_left_alone(self) -> None:
        url = self.new_url()
        ann = self.ann(self.store(url))
        newer = Migration(
            SCHEMA_VERSION + 1, "newer", ("CREATE TABLE later (x INTEGER)",)
        )
        migrate(self.open(url), [*MIGRATIONS, newer])
        conn = self.open(url)
        with self.assertRaises(SchemaTooNew) as raised:
            migrate(conn)
        self.assertEqual(
            (raised.exception.found, raised.exception.known),
            (SCHEMA_VERSION + 1, SCHEMA_VERSION),
        )
        message = str(raised.exception)
        self.assertIn(f"schema version {SCHEMA_VERSION + 1}", message)
        self.assertIn("Upgrade blackjackd", message)
        self.assertEqual(schema_version(conn), SCHEMA_VERSION + 1)
        self.assertEqual(account_state(conn, ann.id), ann)

    def test_a_failing_step_leaves_the_old_version(self) -> None:
        url = self.new_url()
        self.store(url)
        broken = Migration(
            SCHEMA_VERSION + 1,
            "fails half-way",
            ("CREATE TABLE half (x INTEGER)", "CREATE TABLE half (x INTEGER)"),
        )
        conn = self.open(url)
        self.assertRaises(StoreError, migrate, conn, [*MIGRATIONS, broken])
        self.assertEqual(schema_version(conn), SCHEMA_VERSION)
        self.assertFalse("half" in conn.table_names())

    def test_two_processes_refund_once(self) -> None:
        url = self.new_url()
        conn = self.store(url)
        ann, bob = self.ann(conn), self.bob(conn)
        for _ in range(20):
            self.open_round_with_stakes(conn, (ann.id, -3), (bob.id, -4))
        others = [self.open(url), self.open(url)]
        start = threading.Barrier(2)
        results: list[Any] = [None, None]

        def refund(index: int) -> None:
            start.wait()
            try:
                results[index] = refund_open_rounds(others[index], 60.0)
            except BaseException as error:
                results[index] = error

        threads = [threading.Thread(target=refund, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for result in results:
            self.assertTrue(isinstance(result, list), result)
        self.assertEqual(len(results[0]) + len(results[1]), 40)
        self.assertEqual(account_state(conn, ann.id).balance, 1000)
        self.assertEqual(account_state(conn, bob.id).balance, 1000)
        self.assert_balanced(conn)


class ParseURLTests(SynchronousTestCase):
    def test_urls(self) -> None:
        cwd = Path.cwd()
        cases = [
            ("sqlite:store.db", ("sqlite", str(cwd / "store.db"))),
            ("sqlite:data/store.db", ("sqlite", str(cwd / "data/store.db"))),
            ("sqlite:///var/lib/bj.db", ("sqlite", "/var/lib/bj.db")),
            ("sqlite:/var/lib/bj.db", ("sqlite", "/var/lib/bj.db")),
            ("sqlite::memory:", ("sqlite", ":memory:")),
            ("postgresql://u:p@db/bj", ("postgresql", "postgresql://u:p@db/bj")),
            ("postgres://db/bj", ("postgresql", "postgres://db/bj")),
        ]
        for url, (dialect, target) in cases:
            parsed = parse_url(url)
            self.assertEqual((parsed.dialect, parsed.target), (dialect, target), url)

    def test_not_urls(self) -> None:
        for url in [
            "",
            "store.db",
            "mysql://db/bj",
            "sqlite:",
            "sqlite://host/x",
            "sqlite:///",
        ]:
            with self.assertRaises(ValueError) as raised:
                parse_url(url)
            self.assertIn("sqlite:", str(raised.exception), url)

    def test_passwords_stay_out_of_messages(self) -> None:
        cases = [
            ("postgresql://ann:secret@db:5432/bj", "postgresql://ann:***@db:5432/bj"),
            (
                "postgresql://db/bj?password=secret&x=1",
                "postgresql://db/bj?password=***&x=1",
            ),
            ("postgresql://ann@db/bj", "postgresql://ann@db/bj"),
            ("sqlite:///a/b", "sqlite:/a/b"),
        ]
        for url, shown in cases:
            self.assertEqual(parse_url(url).redacted(), shown, url)


class SQLiteFileStoreTests(SharedStoreTestsMixin, SynchronousTestCase):
    """SQLite in a file: durable settings, concurrent connections."""

    def new_url(self) -> str:
        return sqlite_file_url(self)

    def test_durable_settings(self) -> None:
        conn = self.store()
        raw = sqlite3.connect(conn.url.target)
        self.addCleanup(raw.close)
        self.assertEqual(raw.execute("PRAGMA journal_mode").fetchone(), ("wal",))
        # synchronous and foreign_keys are per connection: ask ours.
        self.assertEqual(conn.execute("PRAGMA synchronous").rows, [(2,)])  # FULL
        self.assertEqual(conn.execute("PRAGMA foreign_keys").rows, [(1,)])

    def test_a_missing_directory(self) -> None:
        url = f"sqlite://{scratch_directory(self)}/no/such/dir/store.db"
        with self.assertRaises(StoreUnavailable) as raised:
            connect(url)
        self.assertIn("no/such/dir", str(raised.exception))

    def test_not_a_database(self) -> None:
        path = scratch_directory(self) / "junk.db"
        path.write_bytes(b"not a database, not at all" * 100)
        self.assertRaises(
            StoreUnavailable, lambda: migrate(self.open(f"sqlite:{path}"))
        )


class SQLiteMemoryStoreTests(StoreTestsMixin, SynchronousTestCase):
    """SQLite in memory, as ``Database.inline`` tests use it."""

    def new_url(self) -> str:
        return "sqlite::memory:"


class PostgresStoreTests(SharedStoreTestsMixin, SynchronousTestCase):
    """PostgreSQL on a throwaway cluster."""

    def new_url(self) -> str:
        return postgres_url(self)

    def test_unreachable(self) -> None:
        directory = scratch_directory(self)
        with self.assertRaises(StoreUnavailable) as raised:
            connect(f"postgresql://ann:secret@/bj?host={directory}&connect_timeout=2")
        self.assertFalse("secret" in str(raised.exception))

    def test_a_lost_connection_is_made_again(self) -> None:
        url = self.new_url()
        conn = self.store(url)
        ann = self.ann(conn)
        pid = conn.execute("SELECT pg_backend_pid()").scalar()
        admin = self.open(url)
        admin.execute("SELECT pg_terminate_backend(?)", (pid,))
        # The call that finds it gone fails; the next one connects again.
        self.assertRaises(StoreUnavailable, account_state, conn, ann.id)
        self.assertEqual(account_state(conn, ann.id), ann)


class ThrowawayPostgresTests(SynchronousTestCase):
    """blackjackd.testing.postgres itself."""

    def test_each_database_is_new_and_empty(self) -> None:
        first, second = postgres_url(self), postgres_url(self)
        self.assertNotEqual(first, second)
        for url in (first, second):
            conn = connect(url)
            self.addCleanup(conn.close)
            self.assertEqual(conn.table_names(), set(), url)

    def test_only_its_own_databases_are_dropped(self) -> None:
        postgres_url(self)
        self.assertRaises(ValueError, drop_database, postgres.cluster().url())

    def test_the_reason_to_skip_without_the_programs(self) -> None:
        self.patch(postgres, "find_bin_directory", lambda: None)
        reason = postgres_skip_reason()
        if reason is not None and "psycopg" in reason:
            raise SkipTest(reason)
        self.assertIn("apt-get install postgresql", str(reason))
