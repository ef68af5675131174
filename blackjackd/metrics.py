"""What the server counts for Prometheus, and ``GET /metrics``.

Everything lives on a registry the service owns (``Metrics.registry``), not
on the library's global one: two servers in one process (tests) never share
a count. Counting happens at the edges, never in the tables: the protocol
counts messages, errors and connections; ``RoundWatch`` stands between the
tables and their round log and counts settled rounds and chips; the database
reports the time of each query. Figures that are a state, not an event
(connections open, seats taken, the bank's backlog), are read when scraped.

Labels come from small fixed sets only (message types, error codes, close
codes in buckets, query names, the two games), so a scrape stays small
whatever clients send.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from prometheus_client import (
    GC_COLLECTOR,
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector
from twisted.internet.interfaces import IReactorTime
from twisted.logger import Logger
from twisted.web import http
from twisted.web.pages import notFound
from twisted.web.resource import IResource, Resource
from twisted.web.server import Request, Site

from blackjackd.casino_table import RoundLog, SettledRound
from blackjackd.classic_table import ClassicRoundLog
from blackjackd.wire import ERROR_CODES, REQUESTS
from blackjackd.wire.base import Request as WireRequest

if TYPE_CHECKING:
    from blackjackd.protocol import BlackjackServerFactory

_logger = Logger(namespace="blackjackd.rounds")

#: Close codes counted under their own label (4001: signed in elsewhere;
#: 4002: the table moved to another node); any other is ``other``. A close
#: frame without a code counts as 1005 (RFC 6455's "no status received"); a
#: connection lost without a close handshake is 1006.
CLOSE_CODES = frozenset(
    {1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1013, 4001, 4002}
)

_GAMES = ("classic", "casino")

#: Seconds: a message's answer takes well under a millisecond when all is
#: well, so the buckets are fine at the bottom.
ACTION_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
#: Seconds a round takes, betting (casino) and players' turns included.
ROUND_BUCKETS = (1.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 120.0, 300.0)
#: Seconds from asking the database to its answer, its queue included.
DATABASE_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    10.0,
)


class Metrics:
    """The service's registry and every metric it exports.

    The process's CPU, memory and file descriptors, the platform and the
    garbage collector are on it too (the library's own collectors).
    ``timer`` measures latencies (``time.perf_counter``; a test may pass
    another).
    """

    def __init__(
        self,
        timer: Callable[[], float] = time.perf_counter,
        process: bool = True,
    ) -> None:
        self.timer = timer
        self.registry = CollectorRegistry()
        registry = self.registry
        if process:
            ProcessCollector(registry=registry)
            PlatformCollector(registry=registry)
            if GC_COLLECTOR is not None:  # CPython only
                GCCollector(registry=registry)
        self.connections_opened = Counter(
            "blackjackd_connections_opened",
            "WebSocket connections opened (handshake done).",
            registry=registry,
        )
        closed = Counter(
            "blackjackd_connections_closed",
            "WebSocket connections closed, by close code (1005: a close "
            "without a code; 1006: dropped without a close; other: any code "
            "not listed).",
            ["code"],
            registry=registry,
        )
        requests = Counter(
            "blackjackd_requests",
            "Messages from clients, by type (whether the table took them or not).",
            ["type"],
            registry=registry,
        )
        errors = Counter(
            "blackjackd_errors_sent",
            "error messages sent to clients, by status code.",
            ["status"],
            registry=registry,
        )
        self.action_latency = Histogram(
            "blackjackd_action_latency_seconds",
            "From a client's message arriving to the server's answer going out.",
            buckets=ACTION_BUCKETS,
            registry=registry,
        )
        self.rounds = Counter(
            "blackjackd_rounds",
            "Rounds settled, by game.",
            ["game"],
            registry=registry,
        )
        self.round_duration = Histogram(
            "blackjackd_round_duration_seconds",
            "A round from its start (betting opened at casino tables, the "
            "first card at classic tables) to its settlement.",
            ["game"],
            buckets=ROUND_BUCKETS,
            registry=registry,
        )
        self.wagered = Counter(
            "blackjackd_chips_wagered",
            "Chips staked at casino tables (bets, doubles, splits, insurance).",
            registry=registry,
        )
        self.paid = Counter(
            "blackjackd_chips_paid",
            "Chips returned to players at casino tables (stakes back and winnings).",
            registry=registry,
        )
        database = Histogram(
            "blackjackd_database_seconds",
            "Database calls, from asking to the answer (its queue included).",
            ["query"],
            buckets=DATABASE_BUCKETS,
            registry=registry,
        )
        database_failures = Counter(
            "blackjackd_database_failures",
            "Database calls that failed, by query.",
            ["query"],
            registry=registry,
        )
        # Children made once: counting is then a lock and an addition.
        self._closed = {code: closed.labels(str(code)) for code in CLOSE_CODES}
        self._closed_other = closed.labels("other")
        self._requests = {cls: requests.labels(name) for name, cls in REQUESTS.items()}
        self._errors = {code: errors.labels(str(code)) for code in ERROR_CODES}
        self._errors_other = errors.labels("other")
        self._database = database
        self._database_failures = database_failures
        self._round_duration = {
            game: self.round_duration.labels(game) for game in _GAMES
        }
        self._rounds = {game: self.rounds.labels(game) for game in _GAMES}
        # Kept beside the counters, for the house's edge.
        self.chips_wagered = 0
        self.chips_paid = 0

    # -- counted by the edges ------------------------------------------------------

    def request(self, request: WireRequest) -> None:
        """A client's message of a known type arrived."""
        child = self._requests.get(type(request))
        if child is not None:
            child.inc()

    def error_sent(self, status_code: int) -> None:
        self._errors.get(status_code, self._errors_other).inc()

    def connection_closed(self, code: int | None) -> None:
        self._closed.get(1005 if code is None else code, self._closed_other).inc()

    def database_call(self, query: str, seconds: float, failed: bool) -> None:
        """A database call ended (``Database.observer``)."""
        self._database.labels(query).observe(seconds)
        if failed:
            self._database_failures.labels(query).inc()

    def round_settled(
        self, game: str, seconds: float | None, wagered: int = 0, paid: int = 0
    ) -> None:
        self._rounds[game].inc()
        if seconds is not None:
            self._round_duration[game].observe(seconds)
        if wagered or paid:
            self.wagered.inc(wagered)
            self.paid.inc(paid)
            self.chips_wagered += wagered
            self.chips_paid += paid

    # -- read when scraped -------------------------------------------------------------

    def track(self, factory: BlackjackServerFactory) -> None:
        """Export ``factory``'s state (connections, seats, watchers, the
        bank's backlog) on every scrape."""
        self.registry.register(_StateCollector(factory, self))


class _StateCollector(Collector):
    """Gauges read from the server's state when scraped: nothing to count
    while it runs."""

    def __init__(self, factory: BlackjackServerFactory, metrics: Metrics) -> None:
        self._factory = factory
        self._metrics = metrics

    def collect(self) -> Iterator[Metric]:
        factory = self._factory
        lobby = factory.lobby
        yield _gauge(
            "blackjackd_connections_open",
            "WebSocket connections open (handshake done).",
            len(factory.clients),
        )
        yield _gauge(
            "blackjackd_watchers",
            "Connections watching a table.",
            sum(table.watchers for table in lobby.tables),
        )
        seated = GaugeMetricFamily(
            "blackjackd_seats_taken",
            "Seats held by players (away ones included), by game.",
            labels=["game"],
        )
        seated.add_metric([lobby.game], lobby.seats_taken)
        yield seated
        seats = GaugeMetricFamily(
            "blackjackd_seats", "Seats at all tables, by game.", labels=["game"]
        )
        seats.add_metric([lobby.game], lobby.seats_total)
        yield seats
        wagered, paid = self._metrics.chips_wagered, self._metrics.chips_paid
        yield _gauge(
            "blackjackd_house_edge_ratio",
            "The house's realised edge at casino tables since the start: "
            "(wagered - paid) / wagered (NaN before any bet).",
            (wagered - paid) / wagered if wagered else float("nan"),
        )
        bank = factory.bank
        if bank is not None:
            yield _gauge(
                "blackjackd_bank_unstored_events",
                "Events (bets, settlements, rebuys) told to players and not yet "
                "stored in the database.",
                bank.unstored_events,
            )
            yield _gauge(
                "blackjackd_bank_retrying",
                "1 while the database refuses the bank's writes and it tries again.",
                1 if bank.retrying else 0,
            )


class RoundLogs(RoundLog, ClassicRoundLog, Protocol):
    """Where both games' tables report their rounds (the bank)."""


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


class RoundWatch:
    """The tables' round log, in front of the bank's: counts and logs every
    settled round, then passes each report on to ``log`` (if any).

    ``metrics`` may be None: the rounds are logged all the same.
    """

    def __init__(
        self,
        clock: IReactorTime,
        metrics: Metrics | None = None,
        log: RoundLogs | None = None,
    ) -> None:
        self._clock = clock
        self._metrics = metrics
        self._log = log
        #: When each table's round under way started: (round id, seconds).
        #: By table, so a round that never ends is forgotten at the next.
        self._started: dict[int, tuple[str, float]] = {}

    # -- casino tables (RoundLog) ------------------------------------------------

    def opened(self, round_id: str, table_id: int, round_no: int) -> None:
        self._started[table_id] = (round_id, self._clock.seconds())
        if self._log is not None:
            self._log.opened(round_id, table_id, round_no)

    def settled(self, settled: SettledRound) -> None:
        if self._log is not None:
            self._log.settled(settled)
        round = settled.round
        bettors = round.bettors
        wagered = sum(bettor.staked for bettor in bettors)
        paid = sum(bettor.returned for bettor in bettors)
        seconds = self._elapsed(settled.table_id, round.round_id)
        if self._metrics is not None:
            self._metrics.round_settled("casino", seconds, wagered, paid)
        _logger.info(
            "table {table} settled round {round}: {players} player(s), "
            "{wagered} chips wagered, {paid} paid, net {net} to the players",
            table=settled.table_id,
            round=settled.round_no,
            round_id=round.round_id,
            game="casino",
            players=len(bettors),
            usernames=[bettor.username for bettor in bettors],
            wagered=wagered,
            paid=paid,
            net=paid - wagered,
            seconds=seconds,
        )

    def voided(self, round_id: str) -> None:
        for table_id, (started_id, _) in list(self._started.items()):
            if started_id == round_id:
                del self._started[table_id]
        if self._log is not None:
            self._log.voided(round_id)

    # -- classic tables (ClassicRoundLog) ------------------------------------------

    def classic_dealt(self, round_id: str, table_id: int) -> None:
        self._started[table_id] = (round_id, self._clock.seconds())
        if self._log is not None:
            self._log.classic_dealt(round_id, table_id)

    def classic_settled(
        self, round_id: str, table_id: int, round_no: int, record: dict[str, Any]
    ) -> None:
        players = record["players"]
        usernames = [player["username"] for player in players]
        if self._log is not None:
            self._log.classic_settled(round_id, table_id, round_no, record)
        seconds = self._elapsed(table_id, round_id)
        if self._metrics is not None:
            self._metrics.round_settled("classic", seconds)
        _logger.info(
            "table {table} settled round {round}: {players} player(s)",
            table=table_id,
            round=round_no,
            round_id=round_id,
            game="classic",
            players=len(usernames),
            usernames=usernames,
            wagered=0,
            paid=0,
            net=0,
            seconds=seconds,
        )

    def _elapsed(self, table_id: int, round_id: str | None) -> float | None:
        started = self._started.get(table_id)
        if started is None or started[0] != round_id:
            return None
        del self._started[table_id]
        return self._clock.seconds() - started[1]


class MetricsPage(Resource):
    """``/metrics``: the registry in Prometheus's text format (OpenMetrics
    if the scraper asks for it).

    Rendered on the reactor's thread, unlike ``prometheus_client.twisted``'s
    resource (a WSGI application on the reactor's thread pool): the
    collectors read the lobby, which only the reactor's thread may touch, and
    a scrape of this registry takes a few milliseconds.
    """

    isLeaf = True

    def __init__(self, registry: CollectorRegistry) -> None:
        super().__init__()
        self._registry = registry

    def render_GET(self, request: Request) -> bytes:
        accept = request.getHeader(b"accept")
        encoder, content_type = choose_encoder(accept.decode() if accept else "")
        request.setHeader(b"content-type", content_type.encode())
        request.setHeader(b"cache-control", b"no-store")
        body: bytes = encoder(self._registry)
        return body


class _MetricsRoot(Resource):
    """Nothing but ``/metrics``: anything else is 404."""

    def getChild(self, path: bytes, request: Request) -> IResource:
        return notFound()


class MetricsSite(Site):
    """The site of ``--metrics-port``. It writes no access log: a scraper
    asks every few seconds."""

    noisy = False

    def log(self, request: http.Request) -> None:
        pass


def metrics_site(registry: CollectorRegistry) -> Site:
    """The site of ``--metrics-port``: ``/metrics`` alone."""
    root = _MetricsRoot()
    root.putChild(b"metrics", MetricsPage(registry))
    return MetricsSite(root)
