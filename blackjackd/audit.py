"""``python -m blackjackd.audit --db URL``: check that every chip in the
database is accounted for.

Reads the whole database in one consistent snapshot and checks that:

- every account's balance is the sum of its ledger, and isn't negative;
- every ledger row has a known reason, and a round exactly when it is a
  game's movement (a registration's or a rebuy's chips belong to none);
- every settled casino round replays (``blackjackd.record.replay``) to its
  recorded results, and the ledger holds exactly the chips its record says
  each stored account moved;
- no round is left open (``--allow-open`` for a live server, whose current
  rounds are);
- a refunded round gave every account back what it had put in, net;
- what the house won is what the players lost in rounds.

Prints a summary, then each discrepancy on a line of its own. Exits 0 when
there is none, 1 when there are, 2 when the database can't be audited.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blackjackd.record import replay
from blackjackd.store import (
    REASONS,
    SCHEMA_VERSION,
    Connection,
    StoreError,
    connect,
    parse_url,
)
from blackjackd.store.schema import schema_version
from blackjackd.store.urls import MEMORY

#: Reasons of the chips that come into the game from outside a round.
ISSUING_REASONS = frozenset({"open", "rebuy"})
#: Rounds read at a time, and accounts: memory stays flat on any database.
PAGE = 500


class AuditError(Exception):
    """The database can't be audited at all (not blackjackd's, or newer)."""


@dataclass
class AuditReport:
    """What an audit counted, and every discrepancy it found."""

    accounts: int = 0
    #: Chips the accounts hold.
    in_accounts: int = 0
    #: Chips that came into the game: registrations and rebuys.
    opened: int = 0
    rebought: int = 0
    ledger_rows: int = 0
    settled: int = 0
    #: Settled rounds replayed (casino rounds with their record).
    replayed: int = 0
    refunded: int = 0
    open_rounds: list[str] = field(default_factory=list)
    #: Chips the rounds moved to the players, net (negative: they lost).
    rounds_net: int = 0
    discrepancies: list[str] = field(default_factory=list)

    @property
    def issued(self) -> int:
        return self.opened + self.rebought

    @property
    def house_result(self) -> int:
        """What the house has won: the chips issued less those still held."""
        return self.issued - self.in_accounts

    def summary(self) -> list[str]:
        """The report's figures, a line each."""
        lines = [
            f"accounts:      {self.accounts}, holding {self.in_accounts:,} chips",
            f"chips issued:  {self.issued:,} "
            f"({self.opened:,} at registration, {self.rebought:,} in rebuys)",
            f"ledger:        {self.ledger_rows:,} rows",
            f"rounds:        {self.settled} settled ({self.replayed} replayed), "
            f"{self.refunded} refunded, {len(self.open_rounds)} open",
            f"house result:  {self.house_result:+,} "
            f"(the players' net in rounds: {self.rounds_net:+,})",
        ]
        if self.discrepancies:
            lines.append(f"{len(self.discrepancies)} discrepancies:")
        else:
            lines.append("no discrepancies")
        return lines


def audit(conn: Connection, allow_open: bool = False) -> AuditReport:
    """Audit the database ``conn`` is connected to; ``AuditError`` if it
    can't be, ``StoreError`` if reading it fails."""
    found = schema_version(conn)
    if found == 0:
        raise AuditError(f"{conn.url.redacted()} holds no blackjackd database")
    if found > SCHEMA_VERSION:
        raise AuditError(
            f"{conn.url.redacted()} is at schema version {found}; this audit "
            f"knows versions up to {SCHEMA_VERSION}: use a newer blackjackd"
        )
    report = AuditReport()
    with conn.transaction(write=False):
        if conn.dialect == "postgresql":
            # One snapshot for every statement: a live server's writes
            # between two of them would look like missing chips.
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        _check_accounts(conn, report)
        _check_ledger(conn, report)
        _check_rounds(conn, report, allow_open)
    if report.house_result != -report.rounds_net:
        report.discrepancies.append(
            f"the house result ({report.house_result:+,}) and the players' net "
            f"in rounds ({report.rounds_net:+,}) don't cancel out"
        )
    return report


# -- accounts and the ledger ---------------------------------------------------------


def _pages(
    conn: Connection, sql: str, first: object
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``sql`` (``WHERE key > ? ORDER BY key LIMIT ?``, the key
    its first column) a page at a time, from after ``first``."""
    after = first
    while True:
        rows = conn.execute(sql, (after, PAGE)).rows
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def _check_accounts(conn: Connection, report: AuditReport) -> None:
    sql = (
        "SELECT a.id, a.username, a.balance,"
        " (SELECT CAST(COALESCE(SUM(l.amount), 0) AS BIGINT) FROM ledger l"
        "  WHERE l.account_id = a.id)"
        " FROM accounts a WHERE a.id > ? ORDER BY a.id LIMIT ?"
    )
    for page in _pages(conn, sql, -1):
        for account_id, username, balance, ledger_sum in page:
            balance, ledger_sum = int(balance), int(ledger_sum)
            report.accounts += 1
            report.in_accounts += balance
            who = f"account {account_id} ({username})"
            if balance != ledger_sum:
                report.discrepancies.append(
                    f"{who}: balance {balance:,}, but its ledger sums to {ledger_sum:,}"
                )
            if balance < 0:
                report.discrepancies.append(f"{who}: balance {balance:,} is negative")


def _check_ledger(conn: Connection, report: AuditReport) -> None:
    problems = report.discrepancies
    totals = conn.execute(
        "SELECT reason, CASE WHEN round_id IS NULL THEN 0 ELSE 1 END, COUNT(*),"
        " CAST(SUM(amount) AS BIGINT) FROM ledger"
        " GROUP BY reason, CASE WHEN round_id IS NULL THEN 0 ELSE 1 END"
        " ORDER BY reason"
    ).rows
    for reason, in_round, count, total in totals:
        count, total = int(count), int(total)
        report.ledger_rows += count
        if in_round:
            report.rounds_net += total
        if reason not in REASONS:
            problems.append(f"ledger: {count} row(s) with an unknown reason {reason!r}")
        elif in_round and reason in ISSUING_REASONS:
            problems.append(f"ledger: {count} {reason!r} row(s) belong to a round")
        elif not in_round and reason not in ISSUING_REASONS:
            problems.append(f"ledger: {count} {reason!r} row(s) belong to no round")
        elif reason == "open":
            report.opened += total
        elif reason == "rebuy":
            report.rebought += total
    orphans = conn.execute(
        "SELECT COUNT(*) FROM ledger l LEFT JOIN accounts a ON a.id = l.account_id"
        " WHERE a.id IS NULL"
    ).rows[0][0]
    if orphans:
        problems.append(f"ledger: {orphans} row(s) for accounts that don't exist")
    for (round_id,) in conn.execute(
        "SELECT DISTINCT l.round_id FROM ledger l LEFT JOIN rounds r"
        " ON r.id = l.round_id WHERE l.round_id IS NOT NULL AND r.id IS NULL"
        " ORDER BY l.round_id"
    ).rows:
        problems.append(f"ledger: rows for round {round_id}, which doesn't exist")


# -- rounds --------------------------------------------------------------------------


@dataclass
class _Round:
    """One round's row, its ledger rows and its players, as stored."""

    id: str
    table_no: int
    round_no: int
    game: str
    status: str
    record: str | None
    #: account id -> [(amount, reason)], in ledger order.
    ledger: dict[int, list[tuple[int, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    players: set[int] = field(default_factory=set)

    @property
    def name(self) -> str:
        return f"round {self.id} (table {self.table_no}, round {self.round_no})"


def _check_rounds(conn: Connection, report: AuditReport, allow_open: bool) -> None:
    sql = (
        "SELECT id, table_no, round_no, game, status, record FROM rounds"
        " WHERE id > ? ORDER BY id LIMIT ?"
    )
    for page in _pages(conn, sql, ""):
        rounds = {row[0]: _Round(*row) for row in page}
        bounds = (page[0][0], page[-1][0])
        for round_id, account_id, amount, reason in conn.execute(
            "SELECT round_id, account_id, amount, reason FROM ledger"
            " WHERE round_id >= ? AND round_id <= ? ORDER BY id",
            bounds,
        ).rows:
            if round_id in rounds:  # else a missing round: _check_ledger says so
                rounds[round_id].ledger[int(account_id)].append((int(amount), reason))
        for round_id, account_id in conn.execute(
            "SELECT round_id, account_id FROM round_players"
            " WHERE round_id >= ? AND round_id <= ?",
            bounds,
        ).rows:
            if round_id in rounds:
                rounds[round_id].players.add(int(account_id))
        for stored in rounds.values():
            _check_round(stored, report, allow_open)


def _check_round(stored: _Round, report: AuditReport, allow_open: bool) -> None:
    problems = report.discrepancies
    # Classic rounds move no chips: their players are named by the record
    # (checked with it), and they have no ledger rows at all.
    if stored.game == "classic" and stored.ledger:
        problems.append(
            f"{stored.name}: a classic round, with ledger rows for accounts "
            f"{sorted(stored.ledger)}"
        )
    elif stored.game != "classic" and stored.players != set(stored.ledger):
        problems.append(
            f"{stored.name}: its players are accounts {sorted(stored.players)}, "
            f"its ledger rows are for {sorted(stored.ledger)}"
        )
    if stored.status == "open":
        report.open_rounds.append(stored.id)
        if not allow_open:
            problems.append(f"{stored.name} is still open")
    elif stored.status == "refunded":
        report.refunded += 1
        for account_id, moved in sorted(stored.ledger.items()):
            net = sum(amount for amount, _ in moved)
            if net:
                problems.append(
                    f"{stored.name}, refunded: account {account_id} is left "
                    f"{net:+,} chips by it"
                )
    elif stored.status == "settled":
        report.settled += 1
        _check_settled(stored, report)
    else:
        problems.append(f"{stored.name} has an unknown status {stored.status!r}")


def _check_settled(stored: _Round, report: AuditReport) -> None:
    problems = report.discrepancies
    if stored.record is None:
        problems.append(f"{stored.name} is settled, but has no record")
        return
    try:
        record = json.loads(stored.record)
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
    except ValueError as problem:
        problems.append(f"{stored.name}: its record is not JSON: {problem}")
        return
    said = (record.get("game"), record.get("table"), record.get("round"))
    if said != (stored.game, stored.table_no, stored.round_no):
        problems.append(
            f"{stored.name}: its record is of a {said[0]!r} round, "
            f"table {said[1]}, round {said[2]}"
        )
    elif stored.game == "casino":
        report.replayed += 1
        problems += [
            f"{stored.name}: {found}" for found in replay(record).discrepancies
        ]
    if stored.game == "classic":
        _check_classic_players(stored, record, problems)
        return
    try:
        recorded = _recorded_chips(record)
    except (KeyError, TypeError, ValueError) as problem:
        problems.append(
            f"{stored.name}: its record's movements are unreadable: {problem!r}"
        )
        return
    for account_id in sorted(recorded.keys() | stored.ledger.keys()):
        # Zero-chip rows (insurance declined) move nothing: either way is right.
        theirs = Counter(move for move in stored.ledger.get(account_id, []) if move[0])
        if recorded.get(account_id, Counter()) != theirs:
            problems.append(
                f"{stored.name}, account {account_id}: the ledger holds "
                f"{_chips(theirs)}, the record says {_chips(recorded.get(account_id))}"
            )


def _check_classic_players(
    stored: _Round, record: dict[str, Any], problems: list[str]
) -> None:
    try:
        named = {
            player["account"]
            for player in record["players"]
            if player.get("account") is not None
        }
    except (KeyError, TypeError) as problem:
        problems.append(
            f"{stored.name}: its record's players are unreadable: {problem!r}"
        )
        return
    if named != stored.players:
        problems.append(
            f"{stored.name}: its record names accounts {sorted(named)}, its "
            f"players are accounts {sorted(stored.players)}"
        )


def _recorded_chips(record: dict[str, Any]) -> dict[int, Counter[tuple[int, str]]]:
    """The record's movements for stored accounts, each a multiset of
    ``(amount, reason)``: what the ledger must hold for the round."""
    found: dict[int, Counter[tuple[int, str]]] = defaultdict(Counter)
    for move in record["movements"]:
        account, amount = move["account"], move["amount"]
        if account is not None and amount:
            found[int(account)][int(amount), str(move["reason"])] += 1
    return found


def _chips(moved: Counter[tuple[int, str]] | None) -> str:
    if not moved:
        return "nothing"
    return ", ".join(
        f"{amount:+,} {reason}" for (amount, reason) in sorted(moved.elements())
    )


# -- the command line ------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Audit the database the command line names; the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m blackjackd.audit",
        description="Check that every chip in a blackjackd database is accounted "
        "for: balances, the ledger, and every round replayed from its record.",
    )
    parser.add_argument(
        "--db",
        required=True,
        metavar="URL",
        help="sqlite:PATH, sqlite:///ABSOLUTE/PATH or postgresql://...",
    )
    parser.add_argument(
        "--allow-open",
        action="store_true",
        help="rounds still open are in play on a live server, not discrepancies",
    )
    args = parser.parse_args(argv)
    try:
        url = parse_url(args.db)
        if url.dialect == "sqlite" and url.target != MEMORY:
            # SQLite would make an empty database of a mistyped path.
            if not Path(url.target).is_file():
                raise ValueError(f"there is no database file {url.target}")
        conn = connect(url)
    except (ValueError, StoreError) as problem:
        print(f"audit: {problem}", file=sys.stderr)
        return 2
    try:
        report = audit(conn, allow_open=args.allow_open)
    except (AuditError, StoreError) as problem:
        print(f"audit: {problem}", file=sys.stderr)
        return 2
    finally:
        conn.close()
    print(f"database:      {conn.url.redacted()}")
    for line in report.summary():
        print(line)
    for discrepancy in report.discrepancies:
        print(discrepancy)
    return 1 if report.discrepancies else 0


if __name__ == "__main__":
    sys.exit(main())
