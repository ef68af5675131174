"""One connection to SQLite or PostgreSQL, and every difference between them.

The store's SQL is written once, in SQLite's spelling of placeholders
(``?``), with ``ON CONFLICT ... DO NOTHING`` (which both understand) and
``{id_pk}`` for an auto-increment primary key. ``Connection`` turns that into
the dialect's SQL and hides what the two drivers do differently: opening,
explicit transactions, the id of an inserted row, the list of tables, the
lock that serializes migrations, and the exceptions they raise.
"""

from __future__ import annotations

import functools
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from blackjackd.store.errors import ConstraintViolated, StoreError, StoreUnavailable
from blackjackd.store.urls import MEMORY, Dialect, StoreURL, parse_url

if TYPE_CHECKING:
    import psycopg

#: Seconds a writer waits for another process's write lock (SQLite) before
#: giving up with ``StoreUnavailable``.
BUSY_TIMEOUT = 10.0
#: Seconds to wait for a PostgreSQL server to answer a connection.
CONNECT_TIMEOUT = 10
#: pg_advisory_xact_lock's key for migrations ("bjkd"): two servers starting
#: on one empty database don't both create the tables.
_MIGRATION_LOCK = 0x626A6B64

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Result:
    """What a statement returned: its rows (all fetched) and how many rows
    it changed."""

    rows: list[Row]
    rowcount: int

    def one(self) -> Row | None:
        """The first row, or None."""
        return self.rows[0] if self.rows else None

    def scalar(self) -> Any:
        """The first column of the only row."""
        if len(self.rows) != 1:
            raise StoreError(f"expected one row, got {len(self.rows)}")
        return self.rows[0][0]


@functools.lru_cache(maxsize=512)
def _translate(sql: str, placeholder: str, id_pk: str) -> str:
    if "%" in sql:
        # psycopg would read it as a placeholder; the store's SQL has none.
        raise ValueError(f"no '%' in the store's SQL: {sql!r}")
    return sql.replace("?", placeholder).replace("{id_pk}", id_pk)


class Connection(ABC):
    """A synchronous connection to the store's database, of either dialect.

    Used by one thread at a time. Statements outside ``transaction()`` run in
    autocommit mode. Driver errors come out as ``StoreError``s:
    ``ConstraintViolated`` (a row refused), ``StoreUnavailable`` (the
    database can't be used), or a plain ``StoreError`` (the SQL is wrong).
    """

    dialect: Dialect
    _placeholder: str
    _id_pk: str

    def __init__(self, url: StoreURL) -> None:
        self.url = url
        self._in_transaction = False

    def execute(self, sql: str, params: Sequence[object] = ()) -> Result:
        """Run one statement (``?`` placeholders) and fetch what it returns."""
        with self._translated():
            return self._execute(self._sql(sql), params)

    def insert_returning_id(self, sql: str, params: Sequence[object]) -> int | None:
        """Run an ``INSERT`` into a table with an ``id`` key; the new row's
        id, or None if ``ON CONFLICT DO NOTHING`` left it out."""
        with self._translated():
            return self._insert_returning_id(self._sql(sql), params)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[None]:
        """One explicit transaction: committed when the block ends, rolled
        back when it raises. ``write`` takes the write lock at once (SQLite),
        so that two writers queue rather than fail half-way."""
        if self._in_transaction:
            raise RuntimeError("the store's transactions don't nest")
        self._in_transaction = True
        try:
            with self._translated(), self._transaction(write):
                yield
        finally:
            self._in_transaction = False

    @abstractmethod
    def table_names(self) -> set[str]:
        """The tables in the database (PostgreSQL: in the current schema)."""

    @abstractmethod
    def lock_for_migration(self) -> None:
        """Within a transaction: wait until no other connection migrates."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection; a transaction in progress is rolled back."""

    def _sql(self, sql: str) -> str:
        return _translate(sql, self._placeholder, self._id_pk)

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[object]) -> Result:
        """Run dialect SQL."""

    @abstractmethod
    def _insert_returning_id(self, sql: str, params: Sequence[object]) -> int | None:
        """Run a dialect ``INSERT``; the new row's id, if it made one."""

    @abstractmethod
    def _transaction(self, write: bool) -> AbstractContextManager[None]:
        """The driver's begin, commit and rollback around a block."""

    @abstractmethod
    def _translated(self) -> AbstractContextManager[None]:
        """Turn the driver's exceptions into ``StoreError``s."""


class SQLiteConnection(Connection):
    """SQLite through the standard library: WAL, ``synchronous=FULL`` (a
    commit is on disk before it returns), foreign keys enforced."""

    dialect: Dialect = "sqlite"
    _placeholder = "?"
    _id_pk = "INTEGER PRIMARY KEY AUTOINCREMENT"

    def __init__(self, url: StoreURL) -> None:
        super().__init__(url)
        if sqlite3.sqlite_version_info < (3, 24, 0):
            raise StoreUnavailable(
                f"SQLite {sqlite3.sqlite_version} is too old: the store needs "
                "3.24 or newer (for ON CONFLICT DO NOTHING)"
            )
        try:
            # isolation_level=None: the module never begins a transaction
            # behind our back; transaction() does, explicitly.
            self._raw = sqlite3.connect(
                url.target,
                timeout=BUSY_TIMEOUT,
                isolation_level=None,
                check_same_thread=False,
            )
            if url.target != MEMORY:
                self._raw.execute("PRAGMA journal_mode=WAL")
            self._raw.execute("PRAGMA synchronous=FULL")
            self._raw.execute("PRAGMA foreign_keys=ON")
            self._raw.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
        except sqlite3.Error as error:
            raise StoreUnavailable(
                f"cannot open the database {url.redacted()}: {error}"
            ) from error

    def _execute(self, sql: str, params: Sequence[object]) -> Result:
        cursor = self._raw.execute(sql, tuple(params))
        rows = cursor.fetchall() if cursor.description is not None else []
        return Result(rows, cursor.rowcount)

    def _insert_returning_id(self, sql: str, params: Sequence[object]) -> int | None:
        # lastrowid rather than RETURNING: SQLite has it only since 3.35.
        cursor = self._raw.execute(sql, tuple(params))
        if cursor.rowcount == 0:
            return None
        return cursor.lastrowid

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[None]:
        self._raw.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
        try:
            yield
            self._raw.execute("COMMIT")
        except BaseException:
            if self._raw.in_transaction:
                self._raw.execute("ROLLBACK")
            raise

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.IntegrityError as error:
            raise ConstraintViolated(str(error)) from error
        except sqlite3.OperationalError as error:
            raise StoreUnavailable(f"{self.url.redacted()}: {error}") from error
        except sqlite3.ProgrammingError as error:
            raise StoreError(f"{self.url.redacted()}: {error}") from error
        except sqlite3.DatabaseError as error:
            # "file is not a database", a corrupt file: nothing to retry.
            raise StoreUnavailable(f"{self.url.redacted()}: {error}") from error
        except sqlite3.Error as error:
            raise StoreError(f"{self.url.redacted()}: {error}") from error

    def table_names(self) -> set[str]:
        result = self.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in result.rows}

    def lock_for_migration(self) -> None:
        # Nothing to do: BEGIN IMMEDIATE holds the database's write lock.
        pass

    def close(self) -> None:
        self._raw.close()


class PostgresConnection(Connection):
    """PostgreSQL through psycopg 3, at READ COMMITTED: a writer that finds
    a row changed under it waits for the other transaction and sees its
    result, which is what makes ``refund_open_rounds`` exactly-once."""

    dialect: Dialect = "postgresql"
    _placeholder = "%s"
    _id_pk = "BIGSERIAL PRIMARY KEY"

    def __init__(self, url: StoreURL) -> None:
        super().__init__(url)
        try:
            import psycopg  # noqa: F401 (only to say what is missing)
        except ImportError as error:
            raise StoreUnavailable(
                "PostgreSQL needs psycopg: pip install 'blackjackd[postgresql]'"
            ) from error
        self._raw = self._connect()

    def _connect(self) -> psycopg.Connection[Row]:
        import psycopg

        options: dict[str, Any] = {}
        if "connect_timeout" not in self.url.target:
            options["connect_timeout"] = CONNECT_TIMEOUT
        try:
            raw = psycopg.connect(self.url.target, autocommit=True, **options)
        except psycopg.Error as error:
            raise StoreUnavailable(
                f"cannot connect to {self.url.redacted()}: {error}"
            ) from error
        raw.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
        return raw

    def _reconnect_if_lost(self) -> None:
        # A server restart breaks the connection; the next transaction gets
        # a new one rather than failing for ever.
        if self._raw.closed:
            self._raw = self._connect()

    def _execute(self, sql: str, params: Sequence[object]) -> Result:
        if not self._in_transaction:
            self._reconnect_if_lost()
        cursor = self._raw.execute(sql, tuple(params))
        rows = cursor.fetchall() if cursor.description is not None else []
        return Result(rows, cursor.rowcount)

    def _insert_returning_id(self, sql: str, params: Sequence[object]) -> int | None:
        row = self._execute(sql + " RETURNING id", params).one()
        return None if row is None else int(row[0])

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[None]:
        self._reconnect_if_lost()
        with self._raw.transaction():
            yield

    @contextmanager
    def _translated(self) -> Iterator[None]:
        import psycopg

        try:
            yield
        except psycopg.IntegrityError as error:
            raise ConstraintViolated(str(error)) from error
        except psycopg.OperationalError as error:
            raise StoreUnavailable(f"{self.url.redacted()}: {error}") from error
        except psycopg.Error as error:
            raise StoreError(f"{self.url.redacted()}: {error}") from error

    def table_names(self) -> set[str]:
        result = self.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
        return {name for (name,) in result.rows}

    def lock_for_migration(self) -> None:
        self.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))

    def close(self) -> None:
        self._raw.close()


def connect(url: str | StoreURL) -> Connection:
    """A connection to the database at ``url`` (see ``parse_url``), not
    migrated: call ``migrate`` before using the store's functions."""
    parsed = parse_url(url) if isinstance(url, str) else url
    if parsed.dialect == "sqlite":
        return SQLiteConnection(parsed)
    return PostgresConnection(parsed)
