"""``Database``: the store for the reactor, every call on one worker thread."""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from typing import Concatenate, ParamSpec, TypeVar

from twisted.internet import defer
from twisted.internet.interfaces import IReactorCore, IReactorFromThreads
from twisted.internet.threads import deferToThreadPool
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool

from blackjackd.store import directory, queries
from blackjackd.store.connection import Connection, connect
from blackjackd.store.errors import StoreClosed
from blackjackd.store.rows import AccountRow, Batch, HistoryRow, Refund
from blackjackd.store.schema import migrate
from blackjackd.store.urls import Dialect, StoreURL, parse_url

_log = Logger()

P = ParamSpec("P")
T = TypeVar("T")


class _Runner:
    """Where a ``Database``'s work runs: here, on the caller's thread."""

    def run(self, work: Callable[[], T]) -> defer.Deferred[T]:
        return defer.execute(work)

    def stop(self, last: Callable[[], None]) -> defer.Deferred[None]:
        """Run ``last`` after the work asked for, then take no more."""
        return defer.execute(last)


class _ThreadRunner(_Runner):
    """One worker thread: work runs on it one call at a time, in the order
    it was asked for (a one-thread pool takes its queue first in, first out).
    """

    def __init__(self, reactor: IReactorCore) -> None:
        self._reactor = reactor
        self._from_threads = IReactorFromThreads(reactor)
        self._pool = ThreadPool(minthreads=1, maxthreads=1, name="blackjackd-store")
        self._pool.start()
        self._last: Callable[[], None] | None = None
        # Should the reactor stop before stop() is called, the thread still
        # ends, after the work already queued: ThreadPool.stop waits for it.
        self._trigger = reactor.addSystemEventTrigger(
            "during", "shutdown", self._shutdown
        )

    def run(self, work: Callable[[], T]) -> defer.Deferred[T]:
        return deferToThreadPool(self._from_threads, self._pool, work)

    def stop(self, last: Callable[[], None]) -> defer.Deferred[None]:
        # ``last`` is queued behind all the work asked for so far; once it
        # has run the thread is idle, and joining it doesn't block the reactor.
        self._reactor.removeSystemEventTrigger(self._trigger)
        done = self.run(last)

        def join(result: object) -> object:
            self._pool.stop()
            return result

        return done.addBoth(join)

    def on_shutdown(self, last: Callable[[], None]) -> None:
        """Run ``last`` on the thread if the reactor stops before ``stop``."""
        self._last = last

    def _shutdown(self) -> None:
        if self._last is not None:
            self._pool.callInThread(self._last)
        self._pool.stop()


class _LazyThreadRunner(_Runner):
    """A ``_ThreadRunner`` made with the first work asked for, which then
    runs ``first`` before it."""

    def __init__(self, reactor: IReactorCore) -> None:
        self._reactor = reactor
        self._started: _ThreadRunner | None = None
        self.first: Callable[[], None] = lambda: None
        self._last: Callable[[], None] | None = None

    def _runner(self) -> _ThreadRunner:
        if self._started is None:
            self._started = _ThreadRunner(self._reactor)
            if self._last is not None:
                self._started.on_shutdown(self._last)
            # Work queued behind this waits for it; if it fails, so does
            # each of them (no connection), each with its own failure.
            self._started.run(self.first).addErrback(
                lambda failure: _log.failure("connecting to the database", failure)
            )
        return self._started

    def run(self, work: Callable[[], T]) -> defer.Deferred[T]:
        return self._runner().run(work)

    def stop(self, last: Callable[[], None]) -> defer.Deferred[None]:
        if self._started is None:
            return defer.succeed(None)
        return self._started.stop(last)

    def on_shutdown(self, last: Callable[[], None]) -> None:
        self._last = last
        if self._started is not None:
            self._started.on_shutdown(last)


class Database:
    """The store for code on the reactor thread: each method returns a
    Deferred, and the work runs on one worker thread, in the order asked
    (so a read asked for after a write sees it).

    ``Database.open`` makes one with its thread; ``Database.inline`` one that
    works on the caller's thread and returns fired Deferreds, for tests that
    drive time with a ``Clock``. ``close`` (from a service's
    ``stopService``, say) finishes the queued work, then closes.
    """

    def __init__(self, conn: Connection | None, runner: _Runner) -> None:
        # None until the first call of a ``Database.later`` connects.
        self._conn = conn
        self._runner = runner
        self._closed: defer.Deferred[None] | None = None
        #: Told of every call once it ends: the query's name, seconds from
        #: asking to the answer (queue included), whether it failed.
        self.observer: Callable[[str, float, bool], None] | None = None
        if isinstance(runner, (_ThreadRunner, _LazyThreadRunner)):
            runner.on_shutdown(self._close_connection)

    @classmethod
    def later(cls, url: str | StoreURL, reactor: IReactorCore) -> Database:
        """A Database that starts its worker thread, connects and migrates
        with its first call, not now.

        For a twistd service: the service is made before twistd forks into
        the background, and a thread or a database connection doesn't
        survive the fork. Check the database beforehand (``check``) so that
        an operator's mistake stops the start; every call waits for the
        connection, in order.
        """
        parsed = parse_url(url) if isinstance(url, str) else url
        runner = _LazyThreadRunner(reactor)
        database = cls(None, runner)

        def connect_first() -> None:
            database._conn = _connect_and_migrate(parsed)

        runner.first = connect_first
        return database

    @staticmethod
    def check(url: str | StoreURL) -> None:
        """Connect to ``url``, migrate its schema, and disconnect: raises
        what ``open`` would fail with."""
        _connect_and_migrate(url).close()

    @classmethod
    def open(
        cls, url: str | StoreURL, reactor: IReactorCore
    ) -> defer.Deferred[Database]:
        """Connect to ``url`` and migrate its schema, on a new worker thread.

        Fails with ``ValueError`` for a bad URL, ``SchemaTooNew`` or another
        ``StoreError``, and the thread is gone then.
        """
        try:
            parsed = parse_url(url) if isinstance(url, str) else url
        except ValueError:
            return defer.fail()
        runner = _ThreadRunner(reactor)
        opened = runner.run(lambda: _connect_and_migrate(parsed))

        def failed(failure: Failure) -> defer.Deferred[Database]:
            return runner.stop(lambda: None).addCallback(lambda _: failure)

        return opened.addCallbacks(lambda conn: cls(conn, runner), failed)

    @classmethod
    def inline(cls, url: str | StoreURL) -> Database:
        """A Database whose work runs at once on the caller's thread,
        connected and migrated already (raises rather than fails)."""
        return cls(_connect_and_migrate(url), _Runner())

    @property
    def dialect(self) -> Dialect:
        """``'sqlite'`` or ``'postgresql'``."""
        assert self._conn is not None, "connected"
        return self._conn.dialect

    @property
    def url(self) -> StoreURL:
        """Where the database is (``url.redacted()`` for a log)."""
        assert self._conn is not None, "connected"
        return self._conn.url

    def _call(
        self,
        function: Callable[Concatenate[Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> defer.Deferred[T]:
        if self._closed is not None:
            return defer.fail(StoreClosed("the database is closed"))

        def work() -> T:
            # Read on the worker thread: a ``later`` database connects there
            # first.
            assert self._conn is not None, "connected before any work"
            return function(self._conn, *args, **kwargs)

        observer = self.observer
        if observer is None:
            return self._runner.run(work)
        started = perf_counter()

        def ended(result: T | Failure) -> T | Failure:
            observer(
                function.__name__,
                perf_counter() - started,
                isinstance(result, Failure),
            )
            return result

        return self._runner.run(work).addBoth(ended)

    def find_account(self, name_key: str) -> defer.Deferred[AccountRow | None]:
        """See ``blackjackd.store.find_account``."""
        return self._call(queries.find_account, name_key)

    def register(
        self, username: str, name_key: str, password_hash: str, chips: int, at: float
    ) -> defer.Deferred[AccountRow]:
        """See ``blackjackd.store.register``."""
        return self._call(
            queries.register, username, name_key, password_hash, chips, at
        )

    def account_state(self, account_id: int) -> defer.Deferred[AccountRow]:
        """See ``blackjackd.store.account_state``."""
        return self._call(queries.account_state, account_id)

    def apply(self, batch: Batch) -> defer.Deferred[None]:
        """See ``blackjackd.store.apply``."""
        return self._call(queries.apply, batch)

    def refund_open_rounds(self, at: float) -> defer.Deferred[list[Refund]]:
        """See ``blackjackd.store.refund_open_rounds``."""
        return self._call(queries.refund_open_rounds, at)

    def claim_table(
        self, table_no: int, node: str, at: float, seconds: float, want: bool = True
    ) -> defer.Deferred[directory.TableClaim]:
        """See ``blackjackd.store.directory.claim_table``."""
        return self._call(directory.claim_table, table_no, node, at, seconds, want)

    def renew(
        self, node: str, views: dict[int, str | None], at: float, seconds: float
    ) -> defer.Deferred[directory.Renewal]:
        """See ``blackjackd.store.directory.renew``."""
        return self._call(directory.renew, node, views, at, seconds)

    def release_tables(
        self, node: str, tables: frozenset[int] | None = None
    ) -> defer.Deferred[int]:
        """See ``blackjackd.store.directory.release_tables``."""
        return self._call(directory.release_tables, node, tables)

    def leave_cluster(
        self, node: str, at: float = 0.0, token_seconds: float = 0.0
    ) -> defer.Deferred[None]:
        """See ``blackjackd.store.directory.leave_cluster``."""
        return self._call(directory.leave_cluster, node, at, token_seconds)

    def record_token(
        self,
        token_hash: str,
        account_id: int,
        table_no: int,
        node: str,
        replaces: str | None = None,
        until: float | None = None,
    ) -> defer.Deferred[None]:
        """See ``blackjackd.store.directory.record_token``."""
        return self._call(
            directory.record_token,
            token_hash,
            account_id,
            table_no,
            node,
            replaces,
            until,
        )

    def retire_tokens(self, node: str, until: float) -> defer.Deferred[None]:
        """See ``blackjackd.store.directory.retire_tokens``."""
        return self._call(directory.retire_tokens, node, until)

    def end_token(
        self, token_hash: str, until: float | None = None
    ) -> defer.Deferred[None]:
        """See ``blackjackd.store.directory.end_token``."""
        return self._call(directory.end_token, token_hash, until)

    def find_token(
        self, token_hash: str, at: float, token_seconds: float
    ) -> defer.Deferred[directory.SeatToken | None]:
        """See ``blackjackd.store.directory.find_token``."""
        return self._call(directory.find_token, token_hash, at, token_seconds)

    def take_token(
        self, token_hash: str, at: float, token_seconds: float
    ) -> defer.Deferred[directory.SeatToken | None]:
        """See ``blackjackd.store.directory.take_token``."""
        return self._call(directory.take_token, token_hash, at, token_seconds)

    def forget_stale_tokens(
        self, at: float, token_seconds: float
    ) -> defer.Deferred[int]:
        """See ``blackjackd.store.directory.forget_stale_tokens``."""
        return self._call(directory.forget_stale_tokens, at, token_seconds)

    def live_leases(self, at: float) -> defer.Deferred[list[directory.Lease]]:
        """See ``blackjackd.store.directory.live_leases``."""
        return self._call(directory.live_leases, at)

    def claim_account(
        self, account_id: int, node: str, table_no: int, at: float
    ) -> defer.Deferred[directory.SeatClaim]:
        """See ``blackjackd.store.directory.claim_account``."""
        return self._call(directory.claim_account, account_id, node, table_no, at)

    def release_account(self, account_id: int, node: str) -> defer.Deferred[bool]:
        """See ``blackjackd.store.directory.release_account``."""
        return self._call(directory.release_account, account_id, node)

    def last_round_numbers(self) -> defer.Deferred[dict[int, int]]:
        """See ``blackjackd.store.last_round_numbers``."""
        return self._call(queries.last_round_numbers)

    def history(self, account_id: int, limit: int) -> defer.Deferred[list[HistoryRow]]:
        """See ``blackjackd.store.history``."""
        return self._call(queries.history, account_id, limit)

    def close(self) -> defer.Deferred[None]:
        """Finish the work asked for, close the connection and end the
        thread; fires with None. Calling it again waits for the same;
        anything asked for after it fails with ``StoreClosed``."""
        if self._closed is None:
            self._closed = self._runner.stop(self._close_connection)
        # A Deferred of its own for each caller, so that one caller's
        # callbacks can't change what another gets.
        mine: defer.Deferred[None] = defer.Deferred()

        def fire(result: None) -> None:
            mine.callback(None)

        self._closed.addCallback(fire)
        return mine

    def _close_connection(self) -> None:
        # Best effort: the transactions are committed or rolled back
        # already, and a failing close must not keep the thread alive.
        conn = self._conn
        if conn is None:
            return
        try:
            conn.close()
        except Exception:
            _log.failure("closing {url}", url=conn.url.redacted())


def _connect_and_migrate(url: str | StoreURL) -> Connection:
    conn = connect(url)
    try:
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn
