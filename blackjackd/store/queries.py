"""The store's operations, synchronous, each one transaction on a migrated
``Connection``."""

from __future__ import annotations

import json
from typing import Any

from blackjackd.store.connection import Connection, Row
from blackjackd.store.errors import (
    BatchRejected,
    ConstraintViolated,
    NameTaken,
    UnknownAccount,
)
from blackjackd.store.rows import AccountRow, Batch, HistoryRow, Refund

_ACCOUNT_COLUMNS = (
    "id, username, name_key, password_hash, balance, created_at, last_rebuy_at"
)


def _account(row: Row) -> AccountRow:
    return AccountRow(
        id=int(row[0]),
        username=row[1],
        name_key=row[2],
        password_hash=row[3],
        balance=int(row[4]),
        created_at=float(row[5]),
        last_rebuy_at=None if row[6] is None else float(row[6]),
    )


def _select_account(conn: Connection, account_id: int) -> AccountRow:
    row = conn.execute(
        f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE id = ?", (account_id,)
    ).one()
    if row is None:
        raise UnknownAccount(account_id)
    return _account(row)


def find_account(conn: Connection, name_key: str) -> AccountRow | None:
    """The account whose name key is ``name_key``, if there is one."""
    with conn.transaction(write=False):
        row = conn.execute(
            f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE name_key = ?", (name_key,)
        ).one()
    return None if row is None else _account(row)


def account_state(conn: Connection, account_id: int) -> AccountRow:
    """Account ``account_id`` as stored now; ``UnknownAccount`` if none."""
    with conn.transaction(write=False):
        return _select_account(conn, account_id)


def register(
    conn: Connection,
    username: str,
    name_key: str,
    password_hash: str,
    chips: int,
    at: float,
) -> AccountRow:
    """A new account with ``chips`` (recorded in the ledger as 'open');
    ``NameTaken`` if ``name_key`` is someone's already."""
    if chips < 0:
        raise ValueError("an account opens with 0 chips or more")
    with conn.transaction():
        account_id = conn.insert_returning_id(
            "INSERT INTO accounts"
            " (username, name_key, password_hash, balance, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name_key) DO NOTHING",
            (username, name_key, password_hash, chips, at),
        )
        if account_id is None:
            raise NameTaken(name_key)
        conn.execute(
            "INSERT INTO ledger (account_id, amount, reason, round_id, at)"
            " VALUES (?, ?, 'open', NULL, ?)",
            (account_id, chips, at),
        )
        return _select_account(conn, account_id)


def _encode_record(record: object) -> str:
    # Compact and strict: the record is read back by other programs.
    return json.dumps(record, separators=(",", ":"), allow_nan=False)


def apply(conn: Connection, batch: Batch) -> None:
    """Store ``batch`` whole, or nothing of it (``BatchRejected``).

    Rounds opened again are ignored; each movement changes its account's
    balance and is written to the ledger (and makes its account one of its
    round's players); each closed round, which must be open, is settled
    with its record; each voided round (all its stakes back already) ends
    refunded; each rebuy sets the account's last rebuy time.
    """
    if not batch:
        return
    records = [_encode_record(closed.record) for closed in batch.closed]
    try:
        with conn.transaction():
            _apply(conn, batch, records)
    except ConstraintViolated as error:
        raise BatchRejected(f"the database refused the batch: {error}") from error


def _apply(conn: Connection, batch: Batch, records: list[str]) -> None:
    for opened in batch.opened:
        conn.execute(
            "INSERT INTO rounds (id, table_no, round_no, game, status, opened_at)"
            " VALUES (?, ?, ?, ?, 'open', ?) ON CONFLICT (id) DO NOTHING",
            (opened.round_id, opened.table_no, opened.round_no, opened.game, opened.at),
        )
    for movement in batch.movements:
        changed = conn.execute(
            "UPDATE accounts SET balance = balance + ? WHERE id = ?",
            (movement.amount, movement.account_id),
        ).rowcount
        if changed != 1:
            raise BatchRejected(
                f"a movement names account {movement.account_id}, which doesn't exist"
            )
        if movement.round_id is not None:
            _check_open(conn, movement.round_id)
            conn.execute(
                "INSERT INTO round_players (round_id, account_id) VALUES (?, ?)"
                " ON CONFLICT (round_id, account_id) DO NOTHING",
                (movement.round_id, movement.account_id),
            )
        conn.execute(
            "INSERT INTO ledger (account_id, amount, reason, round_id, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                movement.account_id,
                movement.amount,
                movement.reason,
                movement.round_id,
                movement.at,
            ),
        )
    for closed, record in zip(batch.closed, records, strict=True):
        changed = conn.execute(
            "UPDATE rounds SET status = 'settled', record = ?, closed_at = ?"
            " WHERE id = ? AND status = 'open'",
            (record, closed.at, closed.round_id),
        ).rowcount
        if changed != 1:
            _check_round(conn, closed.round_id, "a closed round")
            raise BatchRejected(f"round {closed.round_id} is closed already")
        for account_id in closed.players:
            conn.execute(
                "INSERT INTO round_players (round_id, account_id) VALUES (?, ?)"
                " ON CONFLICT (round_id, account_id) DO NOTHING",
                (closed.round_id, account_id),
            )
    for round_id, at in batch.voided:
        unsettled = conn.execute(
            "SELECT account_id FROM ledger WHERE round_id = ?"
            " GROUP BY account_id HAVING SUM(amount) <> 0",
            (round_id,),
        ).rows
        if unsettled:
            raise BatchRejected(
                f"round {round_id} is voided with chips still in it "
                f"(accounts {', '.join(str(row[0]) for row in unsettled)})"
            )
        changed = conn.execute(
            "UPDATE rounds SET status = 'refunded', closed_at = ?"
            " WHERE id = ? AND status = 'open'",
            (at, round_id),
        ).rowcount
        if changed != 1:
            _check_round(conn, round_id, "a voided round")
            raise BatchRejected(f"round {round_id} is closed already")
    for account_id, at in batch.rebuys:
        changed = conn.execute(
            "UPDATE accounts SET last_rebuy_at = ? WHERE id = ?", (at, account_id)
        ).rowcount
        if changed != 1:
            raise BatchRejected(
                f"a rebuy names account {account_id}, which doesn't exist"
            )


def _check_open(conn: Connection, round_id: str) -> None:
    # The round was opened (in this batch or before). Chips move only in a
    # round under way: a late write of a round that was refunded meanwhile
    # (its node lost the table to another, in a cluster) is refused whole,
    # not added to its settled books.
    status = conn.execute("SELECT status FROM rounds WHERE id = ?", (round_id,)).one()
    named = f"a movement names round {round_id}"
    if status is None:
        raise BatchRejected(f"{named}, which was never opened")
    if status[0] != "open":
        raise BatchRejected(f"{named}, which is {status[0]}")


def _check_round(conn: Connection, round_id: str, what: str) -> None:
    if conn.execute("SELECT 1 FROM rounds WHERE id = ?", (round_id,)).one() is None:
        raise BatchRejected(f"{what} names round {round_id}, which was never opened")


def refund_open_rounds(
    conn: Connection, at: float, table_no: int | None = None
) -> list[Refund]:
    """Give back the stakes of every round still open (the server stopped
    in its middle), or of table ``table_no``'s only (a node of a cluster
    taking the table over), and mark them refunded; the refunds made.

    Exactly once: a round is refunded by the transaction that turns it from
    'open' to 'refunded', so a second call, or another process calling at
    the same time, refunds nothing twice. Each player gets back what the
    round took from them net (stakes less any payout already made).
    """
    with conn.transaction():
        return _refund_open_rounds(conn, at, table_no)


def _refund_open_rounds(
    conn: Connection, at: float, table_no: int | None
) -> list[Refund]:
    """``refund_open_rounds`` within a transaction of the caller's."""
    refunds: list[Refund] = []
    if table_no is None:
        open_rounds = conn.execute(
            "SELECT id FROM rounds WHERE status = 'open' ORDER BY opened_at, id"
        ).rows
    else:
        open_rounds = conn.execute(
            "SELECT id FROM rounds WHERE status = 'open' AND table_no = ?"
            " ORDER BY opened_at, id",
            (table_no,),
        ).rows
    for (round_id,) in open_rounds:
        refunds += _refund_round(conn, round_id, at)
    return refunds


def _refund_round(conn: Connection, round_id: str, at: float) -> list[Refund]:
    """Refund round ``round_id`` if it is open (within the caller's
    transaction): each player gets back what it took from them net."""
    claimed = conn.execute(
        "UPDATE rounds SET status = 'refunded', closed_at = ?"
        " WHERE id = ? AND status = 'open'",
        (at, round_id),
    ).rowcount
    if claimed != 1:
        return []  # Another process refunded it first.
    refunds = []
    nets = conn.execute(
        "SELECT account_id, CAST(SUM(amount) AS BIGINT) FROM ledger"
        " WHERE round_id = ? GROUP BY account_id ORDER BY account_id",
        (round_id,),
    ).rows
    for account_id, net in nets:
        if net >= 0:
            continue
        refund = Refund(round_id, int(account_id), -int(net))
        conn.execute(
            "UPDATE accounts SET balance = balance + ? WHERE id = ?",
            (refund.amount, refund.account_id),
        )
        conn.execute(
            "INSERT INTO ledger (account_id, amount, reason, round_id, at)"
            " VALUES (?, ?, 'refund', ?, ?)",
            (refund.account_id, refund.amount, round_id, at),
        )
        refunds.append(refund)
    return refunds


_FINISHED_ROUNDS = (
    "SELECT r.id FROM round_players p JOIN rounds r ON r.id = p.round_id"
    " WHERE p.account_id = ? AND r.status IN ('settled', 'refunded')"
    " ORDER BY r.closed_at DESC, r.opened_at DESC, r.id DESC LIMIT ?"
)


def history(conn: Connection, account_id: int, limit: int) -> list[HistoryRow]:
    """The last ``limit`` finished (settled or refunded) rounds that
    ``account_id`` played, newest first, each with its movements."""
    if limit < 0:
        raise ValueError("a history's limit is 0 or more")
    with conn.transaction(write=False):
        rounds = conn.execute(
            "SELECT id, table_no, round_no, game, status, closed_at, record,"
            f" opened_at FROM rounds WHERE id IN ({_FINISHED_ROUNDS})"
            " ORDER BY closed_at DESC, opened_at DESC, id DESC",
            (account_id, limit),
        ).rows
        ledger = conn.execute(
            "SELECT round_id, amount, reason FROM ledger"
            f" WHERE account_id = ? AND round_id IN ({_FINISHED_ROUNDS})"
            " ORDER BY id",
            (account_id, account_id, limit),
        ).rows
    movements: dict[str, list[tuple[int, str]]] = {row[0]: [] for row in rounds}
    for round_id, amount, reason in ledger:
        movements[round_id].append((int(amount), reason))
    return [_history_row(row, movements[row[0]]) for row in rounds]


def _history_row(row: Row, movements: list[tuple[int, str]]) -> HistoryRow:
    record: dict[str, Any] | None = None if row[6] is None else json.loads(row[6])
    return HistoryRow(
        round_id=row[0],
        table_no=int(row[1]),
        round_no=int(row[2]),
        game=row[3],
        status=row[4],
        closed_at=float(row[5]),
        record=record,
        movements=movements,
        opened_at=float(row[7]),
        net=sum(amount for amount, _ in movements),
    )


def last_round_numbers(conn: Connection) -> dict[int, int]:
    """The highest round number stored for each table: a restarted server
    numbers its tables' rounds on from there."""
    with conn.transaction(write=False):
        rows = conn.execute(
            "SELECT table_no, MAX(round_no) FROM rounds GROUP BY table_no"
        ).rows
    return {int(table_no): int(round_no) for table_no, round_no in rows}


def ledger_sums(conn: Connection) -> dict[int, tuple[int, int]]:
    """Every account's ``(balance, sum of its ledger)``: equal, always.

    For audits and tests.
    """
    with conn.transaction(write=False):
        rows = conn.execute(
            "SELECT a.id, a.balance,"
            " (SELECT CAST(COALESCE(SUM(l.amount), 0) AS BIGINT) FROM ledger l"
            "  WHERE l.account_id = a.id)"
            " FROM accounts a ORDER BY a.id"
        ).rows
    return {int(row[0]): (int(row[1]), int(row[2])) for row in rows}
