"""A cluster's directory, in the shared database: which node is alive, which
node plays each table (a lease it renews), and where each account sits.

Every function is one transaction on a migrated ``Connection``. Times are
the nodes' own clocks, in seconds since the epoch: the nodes' clocks must
agree (NTP) to well within a lease. A lease or a seat changes hands only in
a statement that checks, under the row's lock, that its holder let it go or
is gone (``... WHERE expires_at < now OR node = me``), so two nodes never
both win it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from blackjackd.store.connection import Connection
from blackjackd.store.queries import _refund_open_rounds, _refund_round
from blackjackd.store.rows import Refund


@dataclass(frozen=True, slots=True)
class TableClaim:
    """What a node asking for a table got: the lease (``claimed``), and then
    the refunds of the rounds the table's last holder left open and the
    table's last round number; or else the live node that holds it."""

    table_no: int
    claimed: bool
    holder: str | None = None
    refunds: list[Refund] = field(default_factory=list)
    last_round: int = 0


@dataclass(frozen=True, slots=True)
class Renewal:
    """What a node's renewal found: the tables it still holds, those of
    them other nodes ask for, and the accounts seated on it that are
    signing in on another node."""

    kept: frozenset[int]
    tables_wanted: frozenset[int]
    accounts_wanted: frozenset[int]


@dataclass(frozen=True, slots=True)
class Lease:
    """A live lease: ``node`` plays table ``table_no`` until ``expires_at``;
    ``view`` is the table as GET /tables lists it (JSON text), as of the
    last renewal (None before the first)."""

    table_no: int
    node: str
    expires_at: float
    view: str | None


def claim_table(
    conn: Connection,
    table_no: int,
    node: str,
    at: float,
    seconds: float,
    want: bool = True,
) -> TableClaim:
    """Take table ``table_no``'s lease for ``node`` until ``at + seconds``,
    if nobody holds it, its holder's lease ran out, or ``node`` holds it
    already (a restart under the same name). Taken, the rounds the table
    has open (its last holder died in their middle) are refunded, once, in
    the same transaction. Refused, the holder is asked for the table
    (``wanted_by``), with ``want``: it hands it over between rounds."""
    with conn.transaction():
        changed = conn.execute(
            "INSERT INTO table_leases (table_no, node, expires_at, view, wanted_by)"
            " VALUES (?, ?, ?, NULL, NULL)"
            " ON CONFLICT (table_no) DO UPDATE SET node = excluded.node,"
            " expires_at = excluded.expires_at, view = NULL, wanted_by = NULL"
            " WHERE table_leases.expires_at < ? OR table_leases.node = excluded.node",
            (table_no, node, at + seconds, at),
        ).rowcount
        if changed != 1:
            if want:
                conn.execute(
                    "UPDATE table_leases SET wanted_by = ? WHERE table_no = ?",
                    (node, table_no),
                )
            holder = conn.execute(
                "SELECT node FROM table_leases WHERE table_no = ?", (table_no,)
            ).scalar()
            return TableClaim(table_no, claimed=False, holder=str(holder))
        refunds = _refund_open_rounds(conn, at, table_no)
        last = conn.execute(
            "SELECT MAX(round_no) FROM rounds WHERE table_no = ?", (table_no,)
        ).scalar()
    return TableClaim(
        table_no,
        claimed=True,
        refunds=refunds,
        last_round=0 if last is None else int(last),
    )


def renew(
    conn: Connection,
    node: str,
    views: Mapping[int, str | None],
    at: float,
    seconds: float,
) -> Renewal:
    """Extend ``node``'s life and its leases on the tables of ``views`` (each
    with its view, JSON text) to ``at + seconds``; what it still holds and
    what other nodes ask of it."""
    expires = at + seconds
    with conn.transaction():
        conn.execute(
            "INSERT INTO cluster_nodes (node, expires_at) VALUES (?, ?)"
            " ON CONFLICT (node) DO UPDATE SET expires_at = excluded.expires_at",
            (node, expires),
        )
        kept = set()
        for table_no, view in sorted(views.items()):
            if conn.execute(
                "UPDATE table_leases SET expires_at = ?, view = ?"
                " WHERE table_no = ? AND node = ?",
                (expires, view, table_no, node),
            ).rowcount:
                kept.add(table_no)
        tables_wanted = conn.execute(
            "SELECT table_no FROM table_leases"
            " WHERE node = ? AND wanted_by IS NOT NULL AND wanted_by <> ?",
            (node, node),
        ).rows
        accounts_wanted = conn.execute(
            "SELECT account_id FROM account_seats"
            " WHERE node = ? AND wanted_by IS NOT NULL AND wanted_by <> ?",
            (node, node),
        ).rows
    return Renewal(
        kept=frozenset(kept),
        tables_wanted=frozenset(int(row[0]) for row in tables_wanted),
        accounts_wanted=frozenset(int(row[0]) for row in accounts_wanted),
    )


def release_tables(
    conn: Connection, node: str, tables: frozenset[int] | None = None
) -> int:
    """Let go of ``node``'s leases (on ``tables``, or all of them), for
    another node to take without a refund: their rounds are over and
    stored. How many were let go."""
    with conn.transaction():
        if tables is None:
            return conn.execute(
                "DELETE FROM table_leases WHERE node = ?", (node,)
            ).rowcount
        released = 0
        for table_no in sorted(tables):
            released += conn.execute(
                "DELETE FROM table_leases WHERE node = ? AND table_no = ?",
                (node, table_no),
            ).rowcount
        return released


def leave_cluster(
    conn: Connection, node: str, at: float = 0.0, token_seconds: float = 0.0
) -> None:
    """``node`` stops, with its rounds over and stored: its leases, seats
    and its row go. The tokens its players hold stay good for
    ``token_seconds`` from ``at``: they come back on another node."""
    with conn.transaction():
        conn.execute("DELETE FROM table_leases WHERE node = ?", (node,))
        conn.execute("DELETE FROM account_seats WHERE node = ?", (node,))
        conn.execute("DELETE FROM cluster_nodes WHERE node = ?", (node,))
        _retire_tokens(conn, node, at + token_seconds)


def retire_tokens(conn: Connection, node: str, until: float) -> None:
    """The seats of ``node``'s tokens are gone from it (it stopped, or
    starts a new life under its name): they stay good until ``until``."""
    with conn.transaction():
        _retire_tokens(conn, node, until)


def _retire_tokens(conn: Connection, node: str, until: float) -> None:
    conn.execute(
        "UPDATE seat_tokens SET expires_at = ? WHERE node = ? AND expires_at IS NULL",
        (until, node),
    )


def live_leases(conn: Connection, at: float) -> list[Lease]:
    """Every lease that hasn't run out at ``at``, by table."""
    with conn.transaction(write=False):
        rows = conn.execute(
            "SELECT table_no, node, expires_at, view FROM table_leases"
            " WHERE expires_at >= ? ORDER BY table_no",
            (at,),
        ).rows
    return [Lease(int(row[0]), str(row[1]), float(row[2]), row[3]) for row in rows]


@dataclass(frozen=True, slots=True)
class SeatClaim:
    """What a node signing an account in got: the seat (``holder`` None),
    with the refunds of the rounds the account's last node died in the
    middle of; or else the live node that holds it."""

    holder: str | None
    refunds: list[Refund] = field(default_factory=list)


def claim_account(
    conn: Connection, account_id: int, node: str, table_no: int, at: float
) -> SeatClaim:
    """Seat ``account_id`` on ``node`` (at ``table_no``), unless a live
    other node holds its seat or its chips: then that node's name, and the
    node is asked to let the account go (``wanted_by``).

    Seated, every open round the account has chips in at a table no live
    node holds is refunded first (its node died and nobody has taken the
    table over yet): the balance the node then reads is the account's
    whole, and the table's next holder finds the round refunded already."""
    with conn.transaction():
        changed = conn.execute(
            "INSERT INTO account_seats (account_id, node, table_no, since, wanted_by)"
            " VALUES (?, ?, ?, ?, NULL)"
            " ON CONFLICT (account_id) DO UPDATE SET node = excluded.node,"
            " table_no = excluded.table_no, since = excluded.since, wanted_by = NULL"
            " WHERE account_seats.node = excluded.node OR NOT EXISTS ("
            "  SELECT 1 FROM cluster_nodes n"
            "  WHERE n.node = account_seats.node AND n.expires_at >= ?)",
            (account_id, node, table_no, at, at),
        ).rowcount
        if changed == 1:
            orphans = conn.execute(
                "SELECT DISTINCT r.id FROM rounds r JOIN ledger l"
                " ON l.round_id = r.id"
                " WHERE l.account_id = ? AND r.status = 'open' AND NOT EXISTS ("
                "  SELECT 1 FROM table_leases t"
                "  WHERE t.table_no = r.table_no AND t.expires_at >= ?)"
                " ORDER BY r.id",
                (account_id, at),
            ).rows
            refunds: list[Refund] = []
            for (round_id,) in orphans:
                refunds += _refund_round(conn, round_id, at)
            return SeatClaim(None, refunds)
        conn.execute(
            "UPDATE account_seats SET wanted_by = ? WHERE account_id = ?",
            (node, account_id),
        )
        holder = conn.execute(
            "SELECT node FROM account_seats WHERE account_id = ?", (account_id,)
        ).scalar()
    return SeatClaim(str(holder))


def release_account(conn: Connection, account_id: int, node: str) -> bool:
    """``node`` holds neither a seat nor chips of ``account_id`` any more,
    and every chip it moved is stored: another node may seat it."""
    with conn.transaction():
        return bool(
            conn.execute(
                "DELETE FROM account_seats WHERE account_id = ? AND node = ?",
                (account_id, node),
            ).rowcount
        )


# -- seat tokens -------------------------------------------------------------------
#
# A token is good on any node while its row is: ``expires_at`` NULL while the
# seat's node lives (and ``token_seconds`` after its last renewal, for a node
# that died), or until ``expires_at`` once the seat moved off its node. A
# token is spent once: ``take_token`` deletes the row it reads.

# Never NULL (so that NOT of it is true for every token no longer good).
_TOKEN_GOOD = (
    "((t.expires_at IS NOT NULL AND t.expires_at >= ?)"
    " OR (t.expires_at IS NULL AND EXISTS ("
    " SELECT 1 FROM cluster_nodes n"
    " WHERE n.node = t.node AND n.expires_at + ? >= ?)))"
)


@dataclass(frozen=True, slots=True)
class SeatToken:
    """What a token names: the account, the table it sat at, the node."""

    account_id: int
    table_no: int
    node: str


def record_token(
    conn: Connection,
    token_hash: str,
    account_id: int,
    table_no: int,
    node: str,
    replaces: str | None = None,
    until: float | None = None,
) -> None:
    """``node`` seated ``account_id`` at ``table_no`` and gave the seat the
    token hashed ``token_hash``; the token it ``replaces`` is worthless.
    With ``until``, the token has no seat: it is good until then (a token
    spent on a seat that was then refused)."""
    with conn.transaction():
        if replaces is not None:
            conn.execute("DELETE FROM seat_tokens WHERE token_hash = ?", (replaces,))
        conn.execute(
            "INSERT INTO seat_tokens (token_hash, account_id, table_no, node,"
            " expires_at) VALUES (?, ?, ?, ?, ?)",
            (token_hash, account_id, table_no, node, until),
        )


def end_token(conn: Connection, token_hash: str, until: float | None = None) -> None:
    """The seat the token holds ended on its node: the token is worthless
    (``until`` None), or good until ``until`` on any node (the seat moved)."""
    with conn.transaction():
        if until is None:
            conn.execute("DELETE FROM seat_tokens WHERE token_hash = ?", (token_hash,))
        else:
            conn.execute(
                "UPDATE seat_tokens SET expires_at = ? WHERE token_hash = ?",
                (until, token_hash),
            )


def find_token(
    conn: Connection, token_hash: str, at: float, token_seconds: float
) -> SeatToken | None:
    """What the token hashed ``token_hash`` names, if it is good at ``at``."""
    with conn.transaction(write=False):
        return _good_token(conn, token_hash, at, token_seconds)


def _good_token(
    conn: Connection, token_hash: str, at: float, token_seconds: float
) -> SeatToken | None:
    rows = conn.execute(
        "SELECT t.account_id, t.table_no, t.node FROM seat_tokens t"
        f" WHERE t.token_hash = ? AND {_TOKEN_GOOD}",
        (token_hash, at, token_seconds, at),
    ).rows
    if not rows:
        return None
    account_id, table_no, node = rows[0]
    return SeatToken(int(account_id), int(table_no), str(node))


def take_token(
    conn: Connection, token_hash: str, at: float, token_seconds: float
) -> SeatToken | None:
    """Spend the token: what it names, if it was good at ``at``, and it is
    good no more. Of two nodes spending one token, one gets it."""
    with conn.transaction():
        found = _good_token(conn, token_hash, at, token_seconds)
        if found is None:
            return None
        spent = conn.execute(
            "DELETE FROM seat_tokens WHERE token_hash = ?", (token_hash,)
        ).rowcount
    return found if spent == 1 else None


def forget_stale_tokens(conn: Connection, at: float, token_seconds: float) -> int:
    """Delete the tokens no longer good at ``at``; how many."""
    with conn.transaction():
        return conn.execute(
            "DELETE FROM seat_tokens WHERE token_hash IN ("
            f" SELECT t.token_hash FROM seat_tokens t WHERE NOT {_TOKEN_GOOD})",
            (at, token_seconds, at),
        ).rowcount
