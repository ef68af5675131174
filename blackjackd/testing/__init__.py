"""Fakes for testing code that plays blackjackd: bots, clients, tables.

As ``treq.testing`` does for HTTP, this package serves a real server without a
network. ``MemoryServer`` is the real lobby and WebSocket factory, dealing
from stacked shoes on a ``Clock``; each ``RecordingClient`` is a real autobahn
client joined to it in memory, so a test moves bytes (``flush``) and time
(``advance``) itself; ``deal_together`` (with a shoe that starts with
``CLASSIC_OPENING``) deals classic players in at one round. ``Inbox``
records what a table sends one player, ``deal`` stacks a casino deal,
``CasinoSetup`` seats players at a casino table. ``error_events`` collects
errors logged meanwhile.

Over real TCP (loopback tests): ``LiveServer`` is the real server on a free
port of 127.0.0.1 with a stacked shoe, recording every message it sends;
``QueueClient``/``open_client`` talk to it over a WebSocket, ``http_get``
and ``fetch`` read its other pages, and ``wait_for`` waits for a condition
without sleeping.

Importable without pytest, and importing it installs no reactor: only
``LiveServer`` and ``wait_for`` use the global reactor, and only when not
given one.
"""

from blackjackd.testing.live import (
    LiveServer,
    RecordingServerFactory,
    RecordingServerProtocol,
)
from blackjackd.testing.logs import error_events
from blackjackd.testing.loopback import (
    TIMEOUT,
    QueueClient,
    fetch,
    http_get,
    open_client,
    wait_for,
)
from blackjackd.testing.memory import QUIET_LIMITS, MemoryServer, RecordingClient
from blackjackd.testing.tables import CLASSIC_OPENING, CasinoSetup, Inbox, deal

__all__ = [
    "CLASSIC_OPENING",
    "QUIET_LIMITS",
    "TIMEOUT",
    "CasinoSetup",
    "Inbox",
    "LiveServer",
    "MemoryServer",
    "QueueClient",
    "RecordingClient",
    "RecordingServerFactory",
    "RecordingServerProtocol",
    "deal",
    "error_events",
    "fetch",
    "http_get",
    "open_client",
    "wait_for",
]
