"""``makeService``: what ``twistd blackjack`` builds from its options."""

from __future__ import annotations

import json
import secrets
import sqlite3
from fractions import Fraction

from twisted.application.internet import StreamServerEndpointService
from twisted.internet import reactor
from twisted.internet.endpoints import UNIXClientEndpoint
from twisted.python import usage
from twisted.trial.unittest import SynchronousTestCase, TestCase

from blackjackd import tap
from blackjackd.casino import CasinoConfig
from blackjackd.casino_table import CasinoTable
from blackjackd.service import LobbyService
from blackjackd.store import SCHEMA_VERSION
from blackjackd.tap import (
    Options,
    client_limits,
    makeService,
    open_database,
)
from blackjackd.testing import fetch
from tests.scratch import scratch_directory

# (options, what the usage error says)
CONTRADICTIONS = [
    (["--min-bet", "5"], "--min-bet: only for casino tables (--game casino)"),
    (
        ["--surrender", "--no-das"],
        "--no-das, --surrender: only for casino tables (--game casino)",
    ),
    (["--game", "poker"], "--game: 'poker' is not a game: classic or casino"),
    (
        ["--game", "casino", "--min-bet", "600"],
        "--min-bet (600) is above --max-bet (500)",
    ),
    (["--game", "casino", "--das", "--no-das"], "--das and --no-das: choose one"),
    (["--game", "casino", "--blackjack-pays", "2:1"], "a blackjack pays 3:2"),
    (["--game", "casino", "--starting-chips", "-5"], "out of range"),
    (
        ["--game", "casino", "--starting-chips", "5"],
        "--starting-chips (5) is below --min-bet (10): nobody could place a bet",
    ),
    (["--guests"], "--guests: only for casino tables"),
    (["--db", "mysql://localhost/x"], "--db: "),
    (["--seat-grace", "-1"], "can't be negative"),
    (["--idle-rounds", "-1"], "out of range"),
]


def _build(
    case: SynchronousTestCase, *args: str, port: str = "tcp:0:interface=127.0.0.1"
):
    """The service these options make, with its database in a scratch
    directory of ``case``'s."""
    database = scratch_directory(case) / "blackjackd.sqlite"
    options = Options()
    options.parseOptions(["--port", port, "--db", f"sqlite:{database}", *args])
    return makeService(options)


class ServiceTests(SynchronousTestCase):
    """The service tree and the tables that the options ask for."""

    def test_the_service_wires_a_lobby_and_one_endpoint(self):
        """One lobby of tables by the options, one listening endpoint."""
        shuffled: list[int] = []

        class RecordingSystemRandom(secrets.SystemRandom):
            def shuffle(self, cards):
                shuffled.append(len(cards))
                super().shuffle(cards)

        self.patch(secrets, "SystemRandom", RecordingSystemRandom)
        service = _build(self, "--tables", "3", "--seats", "2", "--decks", "2", "--h17")
        children = list(service)
        lobbies = [child for child in children if isinstance(child, LobbyService)]
        endpoints = [c for c in children if isinstance(c, StreamServerEndpointService)]
        self.assertEqual(len(lobbies), 1)
        self.assertEqual(len(endpoints), 1)
        lobby = lobbies[0].lobby
        self.assertEqual([table.table_id for table in lobby.tables], [1, 2, 3])
        config = lobby.tables[0].config
        self.assertEqual((config.seats, config.decks, config.hit_soft_17), (2, 2, True))
        self.assertEqual(lobby.seats_total, 6)
        # Production shuffles with the operating system's secure generator:
        # each table's shoe of two decks was shuffled by it.
        self.assertEqual(shuffled, [104, 104, 104])

    def test_a_casino_service_has_casino_tables_and_one_ledger(self):
        """``--game casino``: casino tables by the options, sharing a ledger."""
        service = _build(
            self,
            "--game", "casino", "--tables", "2", "--min-bet", "5", "--max-bet",
            "50", "--bet-timeout", "7.5", "--starting-chips", "200",
            "--blackjack-pays", "6:5", "--no-das", "--surrender",
            "--resplit-aces", "--h17",
        )  # fmt: skip
        lobby = next(c for c in service if isinstance(c, LobbyService)).lobby
        self.assertEqual(lobby.game, "casino")
        self.assertEqual(
            [type(table) for table in lobby.tables], [CasinoTable, CasinoTable]
        )
        self.assertIs(lobby.tables[0].ledger, lobby.ledger)
        self.assertIs(lobby.tables[1].ledger, lobby.ledger)
        config = lobby.tables[0].config
        self.assertEqual(
            (config.min_bet, config.max_bet, config.bet_timeout), (5, 50, 7.5)
        )
        self.assertEqual(
            (config.starting_chips, config.blackjack_pays), (200, Fraction(6, 5))
        )
        self.assertEqual(
            (config.das, config.surrender, config.resplit_aces), (False, True, True)
        )
        self.assertTrue(config.hit_soft_17)

    def test_seats_per_address_and_trusted_proxies(self):
        """``--seats-per-address`` (2 by default) and ``--trusted-proxy``."""
        options = Options()
        options.parseOptions([])
        self.assertEqual(
            (
                client_limits(options).seats_per_address,
                client_limits(options).trusted_proxies,
            ),
            (2, frozenset()),
        )
        options = Options()
        options.parseOptions(
            ["--seats-per-address", "0", "--trusted-proxy", "10.0.0.1, 10.0.0.2"]
        )
        limits = client_limits(options)
        self.assertEqual(
            (limits.seats_per_address, limits.trusted_proxies),
            (0, frozenset({"10.0.0.1", "10.0.0.2"})),
        )

    def test_allowed_origins(self):
        """``--allowed-origins``: none but the server's own by default."""
        options = Options()
        options.parseOptions([])
        self.assertEqual(client_limits(options).allowed_origins, frozenset())
        options = Options()
        options.parseOptions(
            ["--allowed-origins", "https://a.example/, http://b.example:8080"]
        )
        self.assertEqual(
            client_limits(options).allowed_origins,
            frozenset({"https://a.example", "http://b.example:8080"}),
        )

    def test_watchers(self):
        """``--watchers`` caps each table's watchers (50 by default)."""
        for argv, expected in (((), 50), (("--watchers", "0"), 0)):
            lobby = next(
                c for c in _build(self, *argv) if isinstance(c, LobbyService)
            ).lobby
            self.assertEqual(lobby.max_watchers, expected, argv)

    def test_casino_defaults(self):
        """``--game casino`` alone: ``CasinoConfig``'s defaults."""
        lobby = next(
            c for c in _build(self, "--game", "casino") if isinstance(c, LobbyService)
        )
        config = lobby.lobby.tables[0].config
        self.assertEqual(config, CasinoConfig())

    def test_contradictory_options_are_usage_errors(self):
        """Options that contradict each other are refused, saying why."""
        for args, complaint in CONTRADICTIONS:
            case = " ".join(args)
            refused = self.assertRaises(usage.UsageError, Options().parseOptions, args)
            self.assertIn(complaint, str(refused), f"{case}: says {complaint!r}")

    def test_ssl_without_tls_support_names_the_extra(self):
        """``ssl:`` without pyOpenSSL: the usage error says what to install."""

        def no_tls(reactor: object, description: str) -> None:
            raise ModuleNotFoundError("No module named 'OpenSSL'")

        self.patch(tap, "serverFromString", no_tls)
        port = "ssl:8443:privateKey=key.pem:certKey=cert.pem"
        refused = self.assertRaises(
            usage.UsageError, Options().parseOptions, ["--port", port]
        )
        self.assertIn("install blackjackd[tls]", str(refused))
        self.assertIn(f"--port: {port!r}", str(refused))


class DatabaseStartTests(SynchronousTestCase):
    """A database the server can't use stops the start with one line."""

    def test_a_schema_from_a_newer_version_stops_the_start(self):
        database = scratch_directory(self) / "newer.sqlite"
        connection = sqlite3.connect(database)
        connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        connection.execute("INSERT INTO schema_version VALUES (999)")
        connection.commit()
        connection.close()
        stopped = self.assertRaises(
            SystemExit, open_database, f"sqlite:{database}", reactor
        )
        message = str(stopped.code)
        self.assertIn(f"--db sqlite:{database}", message)
        self.assertIn("999", message)
        self.assertNotIn("\n", message)

    def test_a_database_that_cannot_be_opened_stops_the_start(self):
        missing = scratch_directory(self) / "no" / "such" / "directory" / "x.sqlite"
        stopped = self.assertRaises(
            SystemExit, open_database, f"sqlite:{missing}", reactor
        )
        self.assertIn("--db sqlite:", str(stopped.code))

    def test_an_empty_database_is_created_at_the_newest_schema(self):
        database = scratch_directory(self) / "new.sqlite"
        open_database(f"sqlite:{database}", reactor)
        version = (
            sqlite3.connect(database)
            .execute("SELECT version FROM schema_version")
            .fetchone()
        )
        self.assertEqual(version, (SCHEMA_VERSION,))


class ListeningTests(TestCase):
    """The service on the real reactor."""

    async def test_the_service_listens_and_stops_cleanly(self):
        """It serves the site on its endpoint, and stopping closes it.

        A UNIX socket in a fresh directory is an address known before the
        service starts (``twistd``'s own tests listen on TCP).
        """
        socket_path = scratch_directory(self) / "blackjackd.sock"
        service = _build(self, port=f"unix:{socket_path}")
        service.startService()
        try:
            status, body = await fetch(
                UNIXClientEndpoint(reactor, str(socket_path)), "/healthz", reactor
            )
            self.assertEqual(status, 200)
            self.assertEqual(json.loads(body)["tables"], 1)
        finally:
            await service.stopService()
        self.assertFalse(socket_path.exists(), "the socket outlived the service")
