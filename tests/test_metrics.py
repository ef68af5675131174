"""``GET /metrics``: what a played round leaves in the counts, in memory;
``--metrics-port`` serves them apart from the game."""

from __future__ import annotations

import math
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from twisted.application.internet import StreamServerEndpointService
from twisted.python import usage
from twisted.trial.unittest import SynchronousTestCase
from twisted.web.resource import Resource
from twisted.web.server import Site
from twisted.web.test.requesthelper import DummyRequest

from blackjackd.casino import CasinoConfig
from blackjackd.metrics import Metrics, MetricsPage
from blackjackd.tap import Options, makeService
from blackjackd.testing import CLASSIC_OPENING, MemoryServer, deal
from blackjackd.web import build_site
from tests.scratch import scratch_directory

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(site: Site, path: bytes = b"metrics") -> tuple[Any, bytes]:
    """``GET /path`` from ``site``, rendered at once: the resource found,
    and the body."""
    request = DummyRequest([path])
    resource = site.getResourceFor(request)
    body = resource.render(request)
    return resource, body if isinstance(body, bytes) else b"".join(request.written)


def samples(body: bytes) -> Samples:
    """Every sample of a scrape, by name and labels."""
    found: Samples = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: Samples, name: str, **labels: str) -> float:
    return found[(name, frozenset(labels.items()))]


class FakeTimer:
    """A latency timer that moves on by ``step`` seconds a call."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


class ClassicRoundTests(SynchronousTestCase):
    """A classic round played in memory, then scraped."""

    def setUp(self) -> None:
        self.metrics = Metrics(timer=FakeTimer(0.0005))
        self.server = MemoryServer(list(CLASSIC_OPENING), metrics=self.metrics)
        self.site = build_site(
            self.server.factory, self.server.clock, metrics=self.metrics.registry
        )

    def test_a_round_played_is_counted(self) -> None:
        """Connections, messages, the round and its length, seats, errors."""
        server = self.server
        ann = server.seat("ann")
        ann.send({"type": "bet", "amount": 5})  # no bets at classic tables
        server.advance(4)
        ann.send({"type": "stand"})
        server.flush()
        self.assertIn("round_over", ann.types())
        bob = server.connect()
        bob.sendClose(code=1000)
        server.flush()

        resource, body = scrape(self.site)
        self.assertIsInstance(resource, MetricsPage)
        found = samples(body)
        self.assertEqual(value(found, "blackjackd_rounds_total", game="classic"), 1)
        self.assertEqual(value(found, "blackjackd_rounds_total", game="casino"), 0)
        self.assertEqual(
            value(found, "blackjackd_round_duration_seconds_count", game="classic"), 1
        )
        self.assertEqual(
            value(found, "blackjackd_round_duration_seconds_sum", game="classic"), 4
        )
        for kind, count in (("auth", 1), ("bet", 1), ("stand", 1), ("hit", 0)):
            self.assertEqual(
                value(found, "blackjackd_requests_total", type=kind), count, kind
            )
        self.assertEqual(value(found, "blackjackd_errors_sent_total", status="409"), 1)
        self.assertEqual(value(found, "blackjackd_errors_sent_total", status="400"), 0)
        self.assertEqual(value(found, "blackjackd_connections_opened_total"), 2)
        self.assertEqual(value(found, "blackjackd_connections_open"), 1)
        self.assertEqual(
            value(found, "blackjackd_connections_closed_total", code="1000"), 1
        )
        self.assertEqual(value(found, "blackjackd_seats_taken", game="classic"), 1)
        self.assertEqual(value(found, "blackjackd_seats", game="classic"), 5)
        self.assertEqual(value(found, "blackjackd_watchers"), 0)
        # Three messages, each answered within one step of the timer.
        self.assertEqual(value(found, "blackjackd_action_latency_seconds_count"), 3)
        self.assertEqual(
            value(found, "blackjackd_action_latency_seconds_bucket", le="0.0005"), 3
        )
        self.assertTrue(math.isnan(value(found, "blackjackd_house_edge_ratio")))

    def test_the_process_is_measured(self) -> None:
        """The library's process, platform and GC collectors are on the
        service's registry."""
        found = samples(scrape(self.site)[1])
        names = {name for name, _ in found}
        self.assertIn("python_info", names)
        self.assertIn("python_gc_collections_total", names)
        self.assertIn("process_resident_memory_bytes", names)
        self.assertIn("process_cpu_seconds_total", names)

    def test_registries_are_the_services_own(self) -> None:
        """Two servers in one process count apart."""
        MemoryServer(list(CLASSIC_OPENING), metrics=Metrics()).seat("bob")
        found = samples(scrape(self.site)[1])
        self.assertEqual(value(found, "blackjackd_connections_opened_total"), 0)

    def test_openmetrics_if_asked(self) -> None:
        """A scraper that asks for OpenMetrics gets it."""
        request = DummyRequest([b"metrics"])
        request.requestHeaders.setRawHeaders(
            b"accept", [b"application/openmetrics-text; version=1.0.0"]
        )
        body = self.site.getResourceFor(request).render(request)
        self.assertTrue(body.endswith(b"# EOF\n"))
        content_type = request.responseHeaders.getRawHeaders(b"content-type")[0]
        self.assertTrue(content_type.startswith(b"application/openmetrics-text"))

    def test_unknown_close_codes_are_bucketed(self) -> None:
        """A close code of the client's own is ``other``: the labels stay few."""
        ann = self.server.connect()
        ann.sendClose(code=3999)
        self.server.flush()
        found = samples(scrape(self.site)[1])
        self.assertEqual(
            value(found, "blackjackd_connections_closed_total", code="other"), 1
        )


class CasinoRoundTests(SynchronousTestCase):
    """A casino round with accounts, in memory, then scraped."""

    def test_chips_the_edge_and_the_database(self) -> None:
        """Wagered and paid chips, the realised edge, each stored batch."""
        metrics = Metrics()
        # ann's 20 against the dealer's 17: she is paid 40 for her 20.
        server = MemoryServer(
            deal(("TS", "QH"), up="7C", hole="KD"),
            config=CasinoConfig(seats=3, bet_timeout=10, round_delay=2),
            database="sqlite::memory:",
            metrics=metrics,
        )
        site = build_site(server.factory, server.clock, metrics=metrics.registry)
        ann = server.seat("ann", "correct horse")
        ann.send({"type": "bet", "amount": 20})
        server.flush()
        ann.send({"type": "stand"})
        server.flush()
        self.assertEqual(ann.first("balance")["balance"], 1020)

        found = samples(scrape(site)[1])
        self.assertEqual(value(found, "blackjackd_rounds_total", game="casino"), 1)
        self.assertEqual(value(found, "blackjackd_chips_wagered_total"), 20)
        self.assertEqual(value(found, "blackjackd_chips_paid_total"), 40)
        self.assertEqual(value(found, "blackjackd_house_edge_ratio"), -1.0)
        self.assertEqual(value(found, "blackjackd_seats_taken", game="casino"), 1)
        # The bet and the settlement, each one transaction; the sign-in's
        # reads.
        self.assertGreaterEqual(
            value(found, "blackjackd_database_seconds_count", query="apply"), 2
        )
        self.assertEqual(
            value(found, "blackjackd_database_seconds_count", query="find_account"), 1
        )
        self.assertNotIn(
            ("blackjackd_database_failures_total", frozenset({("query", "apply")})),
            found,
        )
        self.assertEqual(value(found, "blackjackd_bank_unstored_events"), 0)
        self.assertEqual(value(found, "blackjackd_bank_retrying"), 0)


def _options(case: SynchronousTestCase, *args: str) -> Options:
    database = scratch_directory(case) / "blackjackd.sqlite"
    options = Options()
    options.parseOptions(
        ["--port", "tcp:0:interface=127.0.0.1", "--db", f"sqlite:{database}", *args]
    )
    return options


def _sites(service: Any) -> list[Site]:
    """Each listening endpoint's site, in order."""
    sites = []
    for child in service:
        if isinstance(child, StreamServerEndpointService):
            factory = child.factory
            sites.append(getattr(factory, "wrappedFactory", factory))
    return sites


class MetricsPortTests(SynchronousTestCase):
    """``--metrics-port``: ``/metrics`` on an endpoint of its own."""

    def test_by_default_metrics_are_on_the_game_port(self) -> None:
        (game,) = _sites(makeService(_options(self)))
        resource, body = scrape(game)
        self.assertIsInstance(resource, MetricsPage)
        self.assertIn(b"blackjackd_connections_open 0.0", body)

    def test_metrics_port_serves_them_apart(self) -> None:
        options = _options(self, "--metrics-port", "tcp:0:interface=127.0.0.1")
        self.assertEqual(options["metrics-port"], "tcp:0:interface=127.0.0.1")
        game, apart = _sites(makeService(options))
        resource, _ = scrape(game)
        self.assertNotIsInstance(resource, MetricsPage)
        # The game port answers 404 for it.
        request = DummyRequest([b"metrics"])
        game.getResourceFor(request).render(request)
        self.assertEqual(request.responseCode, 404)
        resource, body = scrape(apart)
        self.assertIsInstance(resource, MetricsPage)
        self.assertIn(b"blackjackd_rounds_total", body)
        # Only /metrics is there: not the game, nor the health check.
        for path in (b"websocket", b"healthz", b""):
            self.assertNotIsInstance(scrape(apart, path)[0], MetricsPage)
            request = DummyRequest([path])
            apart.getResourceFor(request).render(request)
            self.assertEqual(request.responseCode, 404, path)

    def test_a_bad_metrics_port_is_a_usage_error(self) -> None:
        for endpoint, complaint in (
            ("nonsense:1", "--metrics-port: 'nonsense:1' is not a server endpoint"),
            ("tcp:70000", "--metrics-port: 'tcp:70000': port 70000 is out of range"),
        ):
            with self.assertRaises(usage.UsageError) as raised:
                _options(self, "--metrics-port", endpoint)
            self.assertIn(complaint, str(raised.exception))

    def test_metrics_page_alone(self) -> None:
        """The page renders a registry given to it, whatever its tree."""
        root = Resource()
        root.putChild(b"metrics", MetricsPage(Metrics(process=False).registry))
        _, body = scrape(Site(root))
        self.assertIn(b"blackjackd_rounds_total", body)
