"""The schema and its migrations.

``MIGRATIONS[i]`` takes a database from version ``i`` to ``i + 1``; version 0
is an empty database. A new version is a new step at the end of the list,
never an edit of an old one: databases in the field have run the old ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from blackjackd.store.connection import Connection
from blackjackd.store.errors import SchemaDamaged, SchemaTooNew


@dataclass(frozen=True, slots=True)
class Migration:
    """One step: the statements that bring the schema to ``version``."""

    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "accounts, rounds, the players of each round, and the ledger",
        (
            "CREATE TABLE schema_version (version INTEGER NOT NULL)",
            """CREATE TABLE accounts (
                id {id_pk},
                username TEXT NOT NULL,
                name_key TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                balance BIGINT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                last_rebuy_at DOUBLE PRECISION NULL
            )""",
            """CREATE TABLE rounds (
                id TEXT PRIMARY KEY,
                table_no INTEGER NOT NULL,
                round_no INTEGER NOT NULL,
                game TEXT NOT NULL,
                status TEXT NOT NULL,
                opened_at DOUBLE PRECISION NOT NULL,
                closed_at DOUBLE PRECISION NULL,
                record TEXT NULL
            )""",
            """CREATE TABLE round_players (
                round_id TEXT NOT NULL REFERENCES rounds(id),
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                PRIMARY KEY (round_id, account_id)
            )""",
            """CREATE TABLE ledger (
                id {id_pk},
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                amount BIGINT NOT NULL,
                reason TEXT NOT NULL,
                round_id TEXT NULL REFERENCES rounds(id),
                at DOUBLE PRECISION NOT NULL
            )""",
            "CREATE INDEX ledger_account ON ledger (account_id)",
            "CREATE INDEX ledger_round ON ledger (round_id)",
            "CREATE INDEX round_players_account ON round_players (account_id)",
            "CREATE INDEX rounds_status ON rounds (status)",
            "INSERT INTO schema_version (version) VALUES (0)",
        ),
    ),
    Migration(
        2,
        "a cluster's directory: its nodes, who plays each table, where each "
        "account sits",
        (
            # Times are the nodes' clocks (seconds since the epoch).
            """CREATE TABLE cluster_nodes (
                node TEXT PRIMARY KEY,
                expires_at DOUBLE PRECISION NOT NULL
            )""",
            # ``view``: the table as GET /tables lists it (JSON), as of the
            # holder's last renewal; ``wanted_by``: a node HAProxy now sends
            # the table's players to, which asks for it.
            """CREATE TABLE table_leases (
                table_no INTEGER PRIMARY KEY,
                node TEXT NOT NULL,
                expires_at DOUBLE PRECISION NOT NULL,
                view TEXT NULL,
                wanted_by TEXT NULL
            )""",
            # One row while an account is seated, or its chips are in play,
            # on a node; ``wanted_by``: another node it is signing in on.
            """CREATE TABLE account_seats (
                account_id BIGINT PRIMARY KEY REFERENCES accounts(id),
                node TEXT NOT NULL,
                table_no INTEGER NOT NULL,
                since DOUBLE PRECISION NOT NULL,
                wanted_by TEXT NULL
            )""",
            "CREATE INDEX account_seats_node ON account_seats (node)",
        ),
    ),
    Migration(
        3,
        "a cluster's seat tokens: a player's token brings them back on any node",
        (
            # One row per token an account's seat was given on a node: the
            # token's SHA-256 (never the token), the table, and the node.
            # ``expires_at`` NULL: good while its node lives, and for a while
            # after it died; set: good until then (the seat moved off its
            # node, or the node stopped).
            """CREATE TABLE seat_tokens (
                token_hash TEXT PRIMARY KEY,
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                table_no INTEGER NOT NULL,
                node TEXT NOT NULL,
                expires_at DOUBLE PRECISION NULL
            )""",
            "CREATE INDEX seat_tokens_node ON seat_tokens (node)",
        ),
    ),
)

#: The version this blackjackd writes.
SCHEMA_VERSION = len(MIGRATIONS)
#: Tables of ours: a database with any of them but no schema_version is not
#: one to create the schema in.
TABLES = frozenset(
    {
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
)


def schema_version(conn: Connection) -> int:
    """The database's schema version; 0 for a database without the schema."""
    tables = conn.table_names()
    if "schema_version" not in tables:
        ours = sorted(TABLES & tables)
        if ours:
            raise SchemaDamaged(
                f"the database {conn.url.redacted()} has tables named like "
                f"blackjackd's ({', '.join(ours)}) but no schema_version table: "
                "it was not made by blackjackd, or was damaged; use another database"
            )
        return 0
    rows = conn.execute("SELECT version FROM schema_version").rows
    if len(rows) != 1 or not isinstance(rows[0][0], int):
        raise SchemaDamaged(
            f"the database {conn.url.redacted()}'s schema_version table should "
            f"hold one version number, and holds {rows!r}"
        )
    return int(rows[0][0])


def migrate(conn: Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database to the newest version, in one transaction; the
    version it is now at.

    An empty database gets the whole schema, an older one the steps it
    lacks; a newer one is left alone with ``SchemaTooNew``.
    """
    for index, step in enumerate(migrations):
        if step.version != index + 1:
            raise ValueError(f"migration {index + 1} says it is {step.version}")
    known = len(migrations)
    with conn.transaction():
        conn.lock_for_migration()
        found = schema_version(conn)
        if found > known:
            raise SchemaTooNew(found, known)
        for step in migrations[found:]:
            for statement in step.statements:
                conn.execute(statement)
            conn.execute("UPDATE schema_version SET version = ?", (step.version,))
    return known
