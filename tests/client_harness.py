"""The pygame client's app without a network or a window: a fake connection,
a Clock and injected pygame events."""

from __future__ import annotations

import pygame
from twisted.internet.defer import Deferred
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from blackjack_client import app as client_app
from blackjack_client.model import Connected, Disconnected
from blackjackd.wire import as_dict
from tests.client_messages import ID, hit
from tests.scratch import scratch_directory

SIZE = (800, 600)


class FakeConnection:
    """Stands in for ``TableConnection``: records what is sent."""

    def __init__(self, url, listener):
        self.url = url
        self.listener = listener
        self.sent = []
        self.connected = False
        self.is_gone = False
        self.closing: Deferred[None] | None = None

    def connect(self):
        self.connected = True

    def send(self, request):
        # Recorded as the JSON object it goes out as.
        self.sent.append(as_dict(request))
        return True

    def close(self):
        self.closing = Deferred()
        return self.closing

    # What the server would do.
    def hear(self, *messages):
        for message in messages:
            self.listener(message)

    def gone(self):
        self.is_gone = True
        self.listener(Disconnected(1000, "", by_us=True))
        if self.closing is not None:
            self.closing.callback(None)


class Harness:
    """A ClientApp with a fake connection, a Clock and queued pygame events."""

    def __init__(self, tmp_path, **options):
        self.clock = Clock()
        self.clock.advance(1000)
        self.surface = pygame.Surface(SIZE)
        self.queue = []
        self.connections = []
        #: The lobby's asks for the tables: (URL, Deferred) each.
        self.fetches = []
        options.setdefault("name", "ann")
        options.setdefault("fetch", self.fetch)
        options.setdefault("autoplay_delay", 0)
        self.app = client_app.ClientApp(
            clock=self.clock,
            surface=lambda: self.surface,
            events=self.take,
            connect=self.connect,
            config_file=tmp_path / "blackjackd" / "client.json",
            **options,
        )

    def fetch(self, url):
        """Stands in for ``net.fetch_tables``: the test answers."""
        asked = Deferred()
        self.fetches.append((url, asked))
        return asked

    def connect(self, url, listener):
        connection = FakeConnection(url, listener)
        self.connections.append(connection)
        return connection

    @property
    def connection(self):
        return self.connections[-1]

    def take(self):
        events, self.queue = self.queue, []
        return events

    def key(self, key):
        self.queue.append(pygame.event.Event(pygame.KEYDOWN, key=key))
        self.app.frame()

    def type(self, text):
        self.queue.append(pygame.event.Event(pygame.TEXTINPUT, text=text))
        self.app.frame()

    def click(self, pos):
        self.queue.append(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos))
        self.app.frame()

    def seat(self, *cards_and_points):
        """Connect, sit down, and be dealt ``cards_and_points``."""
        self.app.start()
        self.connection.hear(Connected(), {"type": "auth"}, ID)
        for card, points in cards_and_points:
            self.connection.hear(hit(card, 7, points))
        self.connection.hear({"type": "deadline", "id": 7, "seconds": 30})


class AppTestCase(SynchronousTestCase):
    """Makes harnesses whose config file is in a fresh directory."""

    def setUp(self):
        pygame.font.init()
        self.tmp_path = scratch_directory(self)

    def harness(self, **options):
        """A Harness with ``options``, its config file in this test's directory."""
        return Harness(self.tmp_path, **options)
