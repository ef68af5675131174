"""Accounts whose chips survive anything: the server's database.

SQLite (a file, or ``:memory:``) or PostgreSQL, chosen by URL
(``parse_url``). The synchronous functions take a ``Connection`` and run one
transaction each; ``Database`` runs the same on a worker thread for the
reactor. Invariant: an account's balance is the sum of its ledger entries.
"""

from blackjackd.store.connection import Connection, Result, connect
from blackjackd.store.database import Database
from blackjackd.store.errors import (
    BatchRejected,
    ConstraintViolated,
    NameTaken,
    SchemaDamaged,
    SchemaTooNew,
    StoreClosed,
    StoreError,
    StoreUnavailable,
    UnknownAccount,
)
from blackjackd.store.queries import (
    account_state,
    apply,
    find_account,
    history,
    last_round_numbers,
    ledger_sums,
    refund_open_rounds,
    register,
)
from blackjackd.store.rows import (
    REASONS,
    AccountRow,
    Batch,
    HistoryRound,
    HistoryRow,
    Movement,
    Refund,
    RoundClosed,
    RoundOpened,
)
from blackjackd.store.schema import MIGRATIONS, SCHEMA_VERSION, Migration, migrate
from blackjackd.store.urls import StoreURL, parse_url

__all__ = [
    "MIGRATIONS",
    "REASONS",
    "SCHEMA_VERSION",
    "AccountRow",
    "Batch",
    "BatchRejected",
    "Connection",
    "ConstraintViolated",
    "Database",
    "HistoryRound",
    "HistoryRow",
    "Migration",
    "Movement",
    "NameTaken",
    "Refund",
    "Result",
    "RoundClosed",
    "RoundOpened",
    "SchemaDamaged",
    "SchemaTooNew",
    "StoreClosed",
    "StoreError",
    "StoreURL",
    "StoreUnavailable",
    "UnknownAccount",
    "account_state",
    "apply",
    "connect",
    "find_account",
    "history",
    "last_round_numbers",
    "ledger_sums",
    "migrate",
    "parse_url",
    "refund_open_rounds",
    "register",
]
