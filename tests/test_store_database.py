"""blackjackd.store.Database: the store's calls on one worker thread, in
order, for the reactor; and ``Database.inline`` for Clock-driven tests."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from twisted.application.service import Service
from twisted.internet import defer, reactor
from twisted.trial.unittest import SynchronousTestCase, TestCase

from blackjackd.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Batch,
    Database,
    Migration,
    Movement,
    NameTaken,
    SchemaTooNew,
    StoreClosed,
    UnknownAccount,
    connect,
    migrate,
)
from tests.scratch import scratch_directory
from tests.test_store import HASH, played, postgres_url, sqlite_file_url

# The checkout, so that a child process imports the blackjackd under test.
CHECKOUT = Path(__file__).resolve().parent.parent

# Registers one account and asks for another without waiting, then lets the
# reactor stop with the Database never closed.
UNCLOSED = """
import sys
from twisted.internet import defer, task
from blackjackd.store import Database

async def main(reactor):
    db = await Database.open(sys.argv[1], reactor)
    await db.register("ann", "ann", "h", 5, 1.0)
    db.register("bob", "bob", "h", 5, 1.0)

task.react(lambda reactor: defer.ensureDeferred(main(reactor)))
"""


def store_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "blackjackd-store" in t.name]


class DatabaseTestsMixin:
    """``Database.open`` on one dialect; ``new_url`` is a new empty database."""

    def new_url(self) -> str:
        raise NotImplementedError

    async def open(self, url: str | None = None) -> Database:
        db = await Database.open(url or self.new_url(), reactor)
        self.addCleanup(db.close)  # type: ignore[attr-defined]
        return db

    async def test_accounts(self) -> None:
        db = await self.open()
        ann = await db.register("Ann", "ann", HASH, 1000, 1.0)
        self.assertEqual(await db.find_account("ann"), ann)
        self.assertEqual(await db.account_state(ann.id), ann)
        self.assertIsNone(await db.find_account("bob"))
        with self.assertRaises(NameTaken):
            await db.register("ANN", "ann", HASH, 1000, 2.0)
        with self.assertRaises(UnknownAccount):
            await db.account_state(ann.id + 1000)

    async def test_rounds_refunds_and_history(self) -> None:
        db = await self.open()
        ann = await db.register("Ann", "ann", HASH, 1000, 1.0)
        batch, round_id = played(ann.id, 10, 25)
        await db.apply(batch)
        self.assertEqual((await db.account_state(ann.id)).balance, 1015)
        self.assertEqual([r.round_id for r in await db.history(ann.id, 5)], [round_id])
        self.assertEqual(await db.refund_open_rounds(20.0), [])

    async def test_calls_run_in_the_order_asked_on_one_thread(self) -> None:
        db = await self.open()
        ann = await db.register("Ann", "ann", HASH, 1000, 1.0)
        done: list[int] = []
        threads: set[str] = set()
        pending = []
        for number in range(30):
            # Neither waits for the other: only the queue keeps them in order.
            pending.append(
                db.apply(Batch(movements=[Movement(ann.id, 1, "payout", None, 1.0)]))
            )
            pending.append(db.account_state(ann.id))
            pending.append(
                db._call(lambda conn: threads.add(threading.current_thread().name))
            )
            for index, deferred in enumerate(pending[-3:]):
                deferred.addCallback(
                    lambda result, step=3 * number + index: (done.append(step), result)[
                        1
                    ]
                )
        results = await defer.gatherResults(pending)
        self.assertEqual([r.balance for r in results[1::3]], list(range(1001, 1031)))
        self.assertEqual(done, list(range(90)))
        [thread] = threads
        self.assertNotEqual(thread, threading.current_thread().name)
        self.assertIn("blackjackd-store", thread)

    async def test_close_finishes_the_queued_work_first(self) -> None:
        url = self.new_url()
        db = await self.open(url)
        ann = await db.register("Ann", "ann", HASH, 1000, 1.0)
        applied = db.apply(Batch(movements=[Movement(ann.id, 5, "payout", None, 2.0)]))
        closing = db.close()
        again = db.close()
        with self.assertRaises(StoreClosed):
            await db.find_account("ann")
        await applied
        self.assertIsNone(await closing)
        self.assertIsNone(await again)
        self.assertEqual(store_threads(), [])
        reopened = await self.open(url)
        self.assertEqual((await reopened.account_state(ann.id)).balance, 1005)

    async def test_a_service_closes_it_when_it_stops(self) -> None:
        db = await self.open()

        class Stored(Service):
            def stopService(self) -> defer.Deferred[None]:
                super().stopService()
                return db.close()

        service = Stored()
        service.startService()
        await service.stopService()
        self.assertEqual(store_threads(), [])

    async def test_a_newer_database_is_not_opened(self) -> None:
        url = self.new_url()
        conn = connect(url)
        newer = Migration(SCHEMA_VERSION + 1, "newer", ())
        migrate(conn, [*MIGRATIONS, newer])
        conn.close()
        with self.assertRaises(SchemaTooNew):
            await Database.open(url, reactor)
        self.assertEqual(store_threads(), [])


class SQLiteDatabaseTests(DatabaseTestsMixin, TestCase):
    def new_url(self) -> str:
        return sqlite_file_url(self)

    async def test_a_bad_url_is_not_opened(self) -> None:
        with self.assertRaises(ValueError):
            await Database.open("mysql://db/bj", reactor)
        self.assertEqual(store_threads(), [])

    async def test_in_memory(self) -> None:
        db = await self.open("sqlite::memory:")
        ann = await db.register("Ann", "ann", HASH, 1000, 1.0)
        self.assertEqual(await db.account_state(ann.id), ann)


class PostgresDatabaseTests(DatabaseTestsMixin, TestCase):
    def new_url(self) -> str:
        return postgres_url(self)


class InlineDatabaseTests(SynchronousTestCase):
    """``Database.inline``: the same calls, done when they return."""

    def test_calls_are_done_at_once(self) -> None:
        db = Database.inline("sqlite::memory:")
        self.assertEqual(db.dialect, "sqlite")
        ann = self.successResultOf(db.register("Ann", "ann", HASH, 1000, 1.0))
        self.failureResultOf(db.register("Ann", "ann", HASH, 1000, 1.0), NameTaken)
        self.assertEqual(self.successResultOf(db.find_account("ann")), ann)
        batch, round_id = played(ann.id, 10, 0)
        self.assertIsNone(self.successResultOf(db.apply(batch)))
        [past] = self.successResultOf(db.history(ann.id, 10))
        self.assertEqual((past.round_id, past.net), (round_id, -10))
        self.assertEqual(self.successResultOf(db.refund_open_rounds(3.0)), [])
        self.failureResultOf(db.account_state(ann.id + 1), UnknownAccount)
        self.assertIsNone(self.successResultOf(db.close()))
        self.assertIsNone(self.successResultOf(db.close()))
        self.failureResultOf(db.find_account("ann"), StoreClosed)

    def test_a_newer_database_raises(self) -> None:
        path = sqlite_file_url(self)
        conn = connect(path)
        migrate(conn, [*MIGRATIONS, Migration(SCHEMA_VERSION + 1, "newer", ())])
        conn.close()
        self.assertRaises(SchemaTooNew, Database.inline, path)


class UnclosedDatabaseTests(SynchronousTestCase):
    def test_the_reactor_stopping_finishes_the_queued_work(self) -> None:
        url = f"sqlite:{scratch_directory(self) / 'store.db'}"
        child = subprocess.run(
            [sys.executable, "-c", UNCLOSED, url],
            cwd=CHECKOUT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(child.returncode, 0, child.stderr)
        conn = connect(url)
        self.addCleanup(conn.close)
        self.assertEqual(
            conn.execute("SELECT username FROM accounts ORDER BY id").rows,
            [("ann",), ("bob",)],
        )
