"""``twistd blackjack``: command-line options and the service they build."""

from __future__ import annotations

import re
import secrets
import sys
from collections.abc import Callable
from typing import Any

from twisted.application.internet import StreamServerEndpointService
from twisted.application.service import IService, MultiService
from twisted.internet.endpoints import serverFromString
from twisted.internet.error import CannotListenError
from twisted.internet.threads import deferToThread
from twisted.logger import Logger
from twisted.python import usage

from blackjackd import __version__
from blackjackd.accounts import Accounts
from blackjackd.bank import Bank, RebuyRules
from blackjackd.casino import CasinoConfig, parse_payout
from blackjackd.cluster import ClusterNode
from blackjackd.guard import ConnectionGuard
from blackjackd.lobby import DEFAULT_WATCHERS, AnyConfig, Lobby
from blackjackd.metrics import Metrics, RoundWatch, metrics_site
from blackjackd.outbox import Outbox
from blackjackd.protocol import SERVER_BANNER, BlackjackServerFactory, ClientLimits
from blackjackd.service import LobbyService
from blackjackd.sessions import Sessions
from blackjackd.store import Database, StoreError, parse_url
from blackjackd.table import MAX_SEATS, MIN_SEATS, TableConfig
from blackjackd.web import build_site


def _int_between(low: int, high: int | None) -> Callable[[str], int]:
    def coerce(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            bounds = f"{low} to {high}" if high is not None else f"at least {low}"
            raise ValueError(f"{value} is out of range ({bounds})")
        return value

    coerce.coerceDoc = (  # type: ignore[attr-defined]
        f"A whole number from {low} to {high}."
        if high is not None
        else f"A whole number, at least {low}."
    )
    return coerce


def _seconds(minimum_exclusive: bool) -> Callable[[str], float]:
    def coerce(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number of seconds") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{text!r} is not a number of seconds")
        if minimum_exclusive and value <= 0:
            raise ValueError(f"{value:g} must be more than 0 seconds")
        if value < 0:
            raise ValueError(f"{value:g} can't be negative")
        return value

    coerce.coerceDoc = (  # type: ignore[attr-defined]
        "Seconds, more than 0; fractions allowed."
        if minimum_exclusive
        else "Seconds, 0 or more; fractions allowed."
    )
    return coerce


def _payout(text: str) -> str:
    parse_payout(text)  # refuses anything but a payout casinos use
    return text


_payout.coerceDoc = "3:2, 6:5 or 1:1."  # type: ignore[attr-defined]


def _share_of_shoe(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a fraction like 0.75") from None
    if not 0 < value <= 1:
        raise ValueError(f"{value:g} is not a share of the shoe (above 0, up to 1)")
    return value


_share_of_shoe.coerceDoc = "A fraction above 0 and up to 1."  # type: ignore[attr-defined]

_logger = Logger(namespace="blackjackd.tap")

#: Options of casino tables only, with their defaults: left out (None) on the
#: command line they take these, and given with --game classic they are an
#: error rather than silently ignored.
CASINO_DEFAULTS = {
    "min-bet": 10,
    "max-bet": 500,
    "bet-timeout": 15.0,
    "starting-chips": 1000,
    "blackjack-pays": "3:2",
    # None: the smallest unit that pays every blackjack and surrender whole.
    "bet-unit": None,
    "penetration": 0.75,
}
CASINO_FLAGS = ("das", "no-das", "surrender", "resplit-aces", "shuffle-every-round")
GAMES = ("classic", "casino")


class Options(usage.Options):
    """Options of ``twistd blackjack``."""

    synopsis = "[options]"
    longdesc = (
        "Serve multiplayer blackjack over WebSocket: the game at /websocket, "
        "a JSON health check at /healthz, Prometheus metrics at /metrics, "
        "on one listening endpoint (the metrics on their own with "
        "--metrics-port). "
        "--game classic is the seed's game; --game casino deals the casino "
        "game, with bets, a hole card, double, split, insurance and "
        "surrender, and takes the casino options."
    )
    optParameters = [
        [
            "port",
            "p",
            "tcp:8888",
            "Listening endpoint, as a Twisted endpoint string "
            "(e.g. tcp:8888:interface=127.0.0.1, "
            "ssl:8443:privateKey=key.pem:certKey=cert.pem).",
        ],
        [
            "metrics-port",
            None,
            None,
            "Serve /metrics on this endpoint alone, not on --port (e.g. "
            "tcp:9100:interface=127.0.0.1) [default: on --port]",
        ],
        [
            "game",
            "g",
            "classic",
            "What the tables play: classic (the seed's game) or casino.",
        ],
        ["tables", None, 1, "Number of tables.", _int_between(1, 1000)],
        [
            "seats",
            None,
            5,
            "Seats at each table.",
            _int_between(MIN_SEATS, MAX_SEATS),
        ],
        ["decks", None, 6, "Decks in each table's shoe.", _int_between(1, 8)],
        [
            "turn-timeout",
            None,
            30.0,
            "Seconds a player has to hit or stand before being stood.",
            _seconds(minimum_exclusive=True),
        ],
        [
            "round-delay",
            None,
            3.0,
            "Seconds between a round's results and the next deal.",
            _seconds(minimum_exclusive=False),
        ],
        [
            "db",
            None,
            "sqlite:blackjackd.sqlite",
            "Where accounts, chips and hand history are kept: sqlite:PATH "
            "(relative to the working directory) or "
            "postgresql://user:password@host/database.",
        ],
        [
            "node",
            None,
            None,
            "Run as this node of a cluster: several servers on one PostgreSQL "
            "--db, behind HAProxy, each table played by one node at a time "
            "(docs/scale.rst). A name unique in the cluster: letters, digits, "
            "'.', '_' and '-'.",
        ],
        [
            "lease-seconds",
            None,
            10.0,
            "With --node: seconds a node's hold on a table lasts unless "
            "renewed; a dead node's tables move after this long.",
            _seconds(minimum_exclusive=True),
        ],
        [
            "seat-grace",
            None,
            30.0,
            "Seconds a dropped player's seat is held for them to come back "
            "(0: not at all).",
            _seconds(minimum_exclusive=False),
        ],
        [
            "idle-rounds",
            None,
            3,
            "Rounds in a row a player may let pass without a bet or a move "
            "before being stood up (0: never).",
            _int_between(0, 1000),
        ],
        [
            "handshake-timeout",
            None,
            10.0,
            "Seconds from accepting a connection to its finished WebSocket "
            "handshake, however slowly its bytes come (0: no bound).",
            _seconds(minimum_exclusive=False),
        ],
        [
            "max-connections",
            None,
            4000,
            "Connections at once, in all; the excess is dropped at once (0: no "
            "bound; keep it under the process's file limit, ulimit -n).",
            _int_between(0, 10**6),
        ],
        [
            "pending-per-address",
            None,
            8,
            "Connections from one address short of a finished handshake (0: no bound).",
            _int_between(0, 10**6),
        ],
        [
            "drain-timeout",
            None,
            60.0,
            "Seconds a stopping server (SIGTERM) lets the rounds under way "
            "finish before it closes every connection (0: stop at once). A "
            "second SIGTERM or SIGINT stops at once; rounds still open are "
            "refunded at the next start.",
            _seconds(minimum_exclusive=False),
        ],
        [
            "allowed-origins",
            None,
            "",
            "Web pages of other sites that may open a connection, by origin "
            "(https://example.com,...; * for any). The server's own pages "
            "and clients that send no Origin (the terminal and pygame "
            "clients) always may.",
        ],
        [
            "watchers",
            None,
            DEFAULT_WATCHERS,
            "Watchers one table takes (0: nobody may watch).",
            _int_between(0, 10**5),
        ],
        [
            "seats-per-address",
            None,
            2,
            "Seats players from one address may hold at once (0: any number). "
            "Behind a reverse proxy every player has the proxy's address: name "
            "it with --trusted-proxy, or set 0.",
            _int_between(0, 1000),
        ],
        [
            "sign-ins-per-address",
            None,
            10,
            "Password checks (sign-ins and registrations) one address may ask "
            "for at once; then one every 2 seconds (0: no bound).",
            _int_between(0, 10**6),
        ],
        [
            "trusted-proxy",
            None,
            "",
            "Addresses of reverse proxies (comma-separated) whose "
            "X-Forwarded-For header names the client's address.",
        ],
        [
            "rebuy-interval",
            None,
            3600.0,
            "Casino: seconds between two rebuys of one player.",
            _seconds(minimum_exclusive=False),
        ],
        [
            "min-bet",
            None,
            None,
            "Casino: the smallest bet, in chips [default: 10]",
            _int_between(1, 10**9),
        ],
        [
            "max-bet",
            None,
            None,
            "Casino: the largest bet, in chips [default: 500]",
            _int_between(1, 10**9),
        ],
        [
            "bet-timeout",
            None,
            None,
            "Casino: seconds to bet once betting opens [default: 15]",
            _seconds(minimum_exclusive=True),
        ],
        [
            "starting-chips",
            None,
            None,
            "Casino: chips each player sits down with [default: 1000]",
            _int_between(0, 10**9),
        ],
        [
            "blackjack-pays",
            None,
            None,
            "Casino: what a blackjack pays [default: 3:2]",
            _payout,
        ],
        [
            "bet-unit",
            None,
            None,
            "Casino: every bet is a multiple of this many chips [default: the "
            "smallest that pays every blackjack and surrender whole: 2 at 3:2, "
            "5 at 6:5, 10 at 6:5 with surrender]",
            _int_between(1, 10**9),
        ],
        [
            "penetration",
            None,
            None,
            "Casino: the share of the shoe dealt before the reshuffle [default: 0.75]",
            _share_of_shoe,
        ],
    ]
    optFlags = [
        [
            "expose-version",
            None,
            "Name the versions of blackjackd, Twisted and autobahn in the Server "
            "header and /healthz (left out by default: they tell an attacker "
            "what to try).",
        ],
        [
            "guests",
            None,
            "Casino: seat players without an account (no password), with chips "
            "for their connection only.",
        ],
        ["h17", None, "The dealer hits soft 17 (by default the dealer stands)."],
        ["das", None, "Casino: double after a split is allowed (the default)."],
        ["no-das", None, "Casino: no doubling after a split."],
        ["surrender", None, "Casino: offer late surrender."],
        ["resplit-aces", None, "Casino: split aces may be split again."],
        [
            "shuffle-every-round",
            None,
            "Casino: shuffle the whole shoe before every round (no counting).",
        ],
    ]

    def opt_version(self) -> None:
        """Print the version and exit."""
        print(f"blackjackd {__version__}")
        raise SystemExit(0)

    def postOptions(self) -> None:
        if self["game"] not in GAMES:
            raise usage.UsageError(
                f"--game: {self['game']!r} is not a game: classic or casino"
            )
        if self["game"] == "classic":
            given = [f"--{name}" for name in CASINO_DEFAULTS if self[name] is not None]
            given += [f"--{name}" for name in CASINO_FLAGS if self[name]]
            if given:
                raise usage.UsageError(
                    f"{', '.join(given)}: only for casino tables (--game casino)"
                )
        if self["das"] and self["no-das"]:
            raise usage.UsageError("--das and --no-das: choose one")
        low, high = self.casino_option("min-bet"), self.casino_option("max-bet")
        if low > high:
            raise usage.UsageError(f"--min-bet ({low}) is above --max-bet ({high})")
        chips = self.casino_option("starting-chips")
        if self["game"] == "casino" and chips < low:
            raise usage.UsageError(
                f"--starting-chips ({chips}) is below --min-bet ({low}): "
                "nobody could place a bet"
            )
        if self["guests"] and self["game"] != "casino":
            raise usage.UsageError(
                "--guests: only for casino tables (classic tables seat anyone)"
            )
        try:
            parsed_db = parse_url(self["db"])
        except ValueError as bad_url:
            raise usage.UsageError(f"--db: {bad_url}") from None
        if self["node"] is not None:
            if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", self["node"]):
                raise usage.UsageError(
                    f"--node: {self['node']!r} is not a node name (letters, "
                    "digits, '.', '_' and '-', at most 64)"
                )
            if parsed_db.dialect != "postgresql":
                raise usage.UsageError(
                    "--node: the nodes of a cluster share a PostgreSQL database "
                    "(--db postgresql://...)"
                )
        try:
            self.table_config()
        except ValueError as bad_rules:
            raise usage.UsageError(str(bad_rules)) from None
        for option in ("port", "metrics-port"):
            if self[option] is not None:
                _check_endpoint(option, self[option])

    def casino_option(self, name: str) -> Any:
        """A casino option's value: as given, else its default."""
        return CASINO_DEFAULTS[name] if self[name] is None else self[name]

    def table_config(self) -> AnyConfig:
        """The table rules these options ask for; ``ValueError`` if they
        contradict each other (a minimum bet above the maximum)."""
        shared = {
            "idle_rounds": self["idle-rounds"],
            "seats": self["seats"],
            "decks": self["decks"],
            "hit_soft_17": bool(self["h17"]),
            "turn_timeout": self["turn-timeout"],
            "round_delay": self["round-delay"],
        }
        if self["game"] == "classic":
            return TableConfig(**shared)
        return CasinoConfig(
            **shared,
            min_bet=self.casino_option("min-bet"),
            max_bet=self.casino_option("max-bet"),
            bet_timeout=self.casino_option("bet-timeout"),
            starting_chips=self.casino_option("starting-chips"),
            blackjack_pays=parse_payout(self.casino_option("blackjack-pays")),
            das=not self["no-das"],
            surrender=bool(self["surrender"]),
            resplit_aces=bool(self["resplit-aces"]),
            bet_unit=self.casino_option("bet-unit"),
            penetration=self.casino_option("penetration"),
            shuffle_every_round=bool(self["shuffle-every-round"]),
        )


def client_limits(config: Options) -> ClientLimits:
    """What each connection may do, as the options say."""
    return ClientLimits(
        seats_per_address=config["seats-per-address"],
        password_burst=config["sign-ins-per-address"],
        trusted_proxies=frozenset(
            address.strip()
            for address in config["trusted-proxy"].split(",")
            if address.strip()
        ),
        allowed_origins=frozenset(
            origin.strip().rstrip("/")
            for origin in config["allowed-origins"].split(",")
            if origin.strip()
        ),
    )


def open_database(url: str, reactor: Any) -> Database:
    """The server's database, checked now (connected and migrated) so that
    an operator's mistake (a database that can't be reached, a schema from a
    newer version) stops the start with one line that says so. Its worker
    thread starts with the service (after twistd forks)."""
    try:
        Database.check(url)
    except (StoreError, OSError, ValueError) as failure:
        raise SystemExit(f"blackjackd: --db {url}: {failure}") from None
    return Database.later(url, reactor)


def _check_endpoint(option: str, description: str) -> None:
    """``UsageError`` unless ``description`` is a server endpoint string."""
    # Parse the endpoint now, so a typo is a usage error and not a traceback
    # at start-up. Parsing doesn't use the reactor, so none is passed
    # (twistd installs its reactor after reading options).
    try:
        serverFromString(None, description)
    except ImportError as no_tls:
        # ssl: without pyOpenSSL (or service_identity).
        raise usage.UsageError(
            f"--{option}: {description!r} is not a server endpoint without "
            f"TLS support: install blackjackd[tls] ({no_tls})"
        ) from None
    except Exception as parse_error:
        # Parsing can fail in many ways: a typo (ValueError, KeyError), a
        # missing or unreadable key file (OSError, OpenSSL's errors). Each
        # is the operator's mistake, so a usage message, not a traceback.
        raise usage.UsageError(
            f"--{option}: {description!r} is not a server endpoint: {parse_error}"
        ) from None
    # A port number out of range would only fail at start-up.
    port = _port_number(description)
    if port is not None and not 0 <= port <= 65535:
        raise usage.UsageError(
            f"--{option}: {description!r}: port {port} is out of range (0 to 65535)"
        )


def _port_number(description: str) -> int | None:
    """The port number a ``tcp:``, ``tcp6:`` or ``ssl:`` endpoint string
    names (first argument, or ``port=``), or None."""
    kind, *arguments = re.split(r"(?<!\\):", description)
    if kind.strip().lower() not in ("tcp", "tcp6", "ssl"):
        return None
    positional = [argument for argument in arguments if "=" not in argument]
    named = dict(argument.split("=", 1) for argument in arguments if "=" in argument)
    number = named.get("port", positional[0] if positional else None)
    try:
        return None if number is None else int(number)
    except ValueError:
        return None


class CannotListen(Exception):
    """An endpoint the server can't listen on (taken, no permission)."""


class Listening(StreamServerEndpointService):
    """Listens on an endpoint string's endpoint as the service starts. One
    that can't be listened on stops the start, with one line rather than a
    traceback: a server nobody can reach must not run on."""

    def __init__(self, description: str, factory: Any, reactor: Any) -> None:
        super().__init__(serverFromString(reactor, description), factory)
        self.description = description
        # Fail in privilegedStartService, before the reactor runs, rather
        # than in a log line of a server that runs on.
        self._raiseSynchronously = True

    def privilegedStartService(self) -> None:
        try:
            super().privilegedStartService()
        except CannotListenError as failure:
            # An exception, not SystemExit: a daemonizing twistd tells its
            # waiting parent of exceptions only (and removes its pid file).
            # The hook keeps the traceback out of the log and the terminal.
            sys.excepthook = _one_line(sys.excepthook)
            raise CannotListen(
                f"cannot listen on {self.description}: {_why(failure.socketError)}"
            ) from None


def _why(error: object) -> str:
    """``address already in use``, from ``[Errno 98] Address already in use``."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror[0].lower() + error.strerror[1:]
    return str(error)


def _one_line(previous: Callable[..., Any]) -> Callable[..., Any]:
    """An exception hook that prints ``CannotListen`` as one line."""

    def hook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        if isinstance(value, CannotListen):
            print(f"blackjackd: {value}", file=sys.stderr)
        else:
            previous(kind, value, tb)

    return hook


def makeService(config: Options) -> IService:
    """Wire the lobby, the WebSocket factory and the site to the endpoint."""
    from twisted.internet import reactor

    # The tables' timers send in batches, as handling a client's message does.
    outbox = Outbox()
    clock = outbox.timed(reactor)
    table_config = config.table_config()
    metrics = Metrics()
    database = open_database(config["db"], reactor)
    database.observer = metrics.database_call
    bank = Bank(
        database,
        clock,
        at_end=outbox.at_end,
        rebuy=RebuyRules(
            starting_chips=table_config.starting_chips,
            min_bet=table_config.min_bet,
            interval=config["rebuy-interval"],
        )
        if isinstance(table_config, CasinoConfig)
        else None,
    )
    # Counts and logs each round on its way to the bank.
    rounds = RoundWatch(clock, metrics, log=bank)
    lobby = Lobby.build(
        tables=config["tables"],
        config=table_config,
        clock=clock,
        rng=secrets.SystemRandom(),
        ledger=bank.ledger,
        round_log=rounds,
        classic_log=rounds,
        max_watchers=config["watchers"],
    )
    sessions = Sessions(lobby, clock, config["seat-grace"])
    # Classic players move no chips: the sessions know whose account each is.
    if not isinstance(table_config, CasinoConfig):
        bank.player_accounts = sessions.account_of
    accounts = Accounts(
        database,
        reactor,
        run_in_thread=deferToThread,
        starting_chips=config.casino_option("starting-chips"),
    )
    factory = BlackjackServerFactory(
        lobby,
        clock=reactor,
        limits=client_limits(config),
        outbox=outbox,
        sessions=sessions,
        accounts=accounts,
        bank=bank,
        guests=bool(config["guests"]),
        banner=None if config["expose-version"] else SERVER_BANNER,
        metrics=metrics,
    )
    cluster = None
    if config["node"] is not None:
        cluster = ClusterNode(
            config["node"],
            database,
            lobby,
            sessions,
            reactor,
            bank=bank,
            lease_seconds=config["lease-seconds"],
        )
        factory.cluster = cluster
        cluster.close_watchers = factory.close_watchers
    service = MultiService()
    apart = config["metrics-port"] is not None
    site = build_site(
        factory,
        reactor,
        expose_version=bool(config["expose-version"]),
        metrics=None if apart else metrics.registry,
    )
    guarded = ConnectionGuard(
        site,
        reactor,
        handshake_timeout=config["handshake-timeout"],
        max_connections=config["max-connections"],
        max_pending_per_address=config["pending-per-address"],
    )
    # The ports first: one that can't be listened on stops the start before
    # the lobby starts the database's threads (which would keep ``twist``
    # from exiting).
    Listening(config["port"], guarded, reactor).setServiceParent(service)
    if apart:
        Listening(
            config["metrics-port"], metrics_site(metrics.registry), reactor
        ).setServiceParent(service)
    LobbyService(
        lobby,
        sessions,
        bank,
        database,
        factory=factory,
        drain_timeout=config["drain-timeout"],
        signals=True,
        cluster=cluster,
    ).setServiceParent(service)
    return service
