"""Connections are bounded from accept: a handshake that drips in is cut
off, and one address or the whole server can't open connections without
end."""

from __future__ import annotations

from twisted.internet.address import IPv4Address
from twisted.internet.protocol import Factory, Protocol
from twisted.internet.task import Clock
from twisted.internet.testing import StringTransport
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.guard import ConnectionGuard, HandshakeGuard


class Recorder(Protocol):
    """What the site would be: it records what reaches it."""

    def __init__(self) -> None:
        self.received = b""
        self.lost = False

    def dataReceived(self, data: bytes) -> None:
        self.received += data

    def connectionLost(self, reason: object = None) -> None:
        self.lost = True


class AbortableTransport(StringTransport):
    """A transport that says whether it was aborted."""

    aborted = False

    def abortConnection(self) -> None:
        self.aborted = True


def guard(**bounds: object) -> tuple[ConnectionGuard, Clock]:
    clock = Clock()
    return ConnectionGuard(Factory.forProtocol(Recorder), clock, **bounds), clock


def connect(
    factory: ConnectionGuard, host: str = "192.0.2.7"
) -> tuple[HandshakeGuard, AbortableTransport]:
    address = IPv4Address("TCP", host, 50000)
    connection = factory.buildProtocol(address)
    transport = AbortableTransport(peerAddress=address)
    connection.makeConnection(transport)
    return connection, transport


def lose(connection: HandshakeGuard) -> None:
    connection.connectionLost()


class HandshakeTimeoutTests(SynchronousTestCase):
    def test_a_handshake_dripping_in_is_cut_off_from_accept(self) -> None:
        factory, clock = guard(handshake_timeout=10.0)
        connection, transport = connect(factory)
        for _ in range(9):
            clock.advance(1)
            connection.dataReceived(b"G")  # a byte a second: never enough
        self.assertFalse(transport.aborted)
        clock.advance(1)
        self.assertTrue(transport.aborted)
        lose(connection)
        self.assertEqual(factory.pending, {})

    def test_a_finished_handshake_stops_the_clock(self) -> None:
        factory, clock = guard(handshake_timeout=10.0)
        connection, transport = connect(factory)
        connection.handshake_finished()
        clock.advance(3600)
        self.assertFalse(transport.aborted)
        self.assertEqual((factory.pending, clock.getDelayedCalls()), ({}, []))

    def test_a_kept_alive_http_connection_is_timed_per_request(self) -> None:
        factory, clock = guard(handshake_timeout=10.0, max_pending_per_address=1)
        connection, transport = connect(factory)
        connection.dataReceived(b"GET / HTTP/1.1\r\n\r\n")
        connection.request_received()
        # Idle between requests: neither timed nor counted.
        clock.advance(60)
        self.assertFalse(transport.aborted)
        _, other = connect(factory)
        self.assertFalse(other.aborted, "the idle one holds no place")
        lose(_)
        # The next request drips in: its clock starts at its first byte.
        connection.dataReceived(b"G")
        clock.advance(9)
        self.assertFalse(transport.aborted)
        clock.advance(1)
        self.assertTrue(transport.aborted)
        lose(connection)
        self.assertEqual(factory.pending, {})

    def test_a_new_request_over_the_address_cap_is_dropped(self) -> None:
        factory, _ = guard(max_pending_per_address=1)
        kept_alive, transport = connect(factory)
        kept_alive.request_received()
        connect(factory)  # a request under way from the same address
        kept_alive.dataReceived(b"GET /app.js HTTP/1.1\r\n")
        self.assertTrue(transport.aborted)


class ConnectionBoundTests(SynchronousTestCase):
    def test_pending_handshakes_per_address_are_capped(self) -> None:
        factory, _ = guard(max_pending_per_address=2)
        first, _ = connect(factory)
        connect(factory)
        _, third = connect(factory)
        self.assertTrue(third.aborted)
        # Another address is let in; and a finished handshake frees a place.
        _, elsewhere = connect(factory, host="198.51.100.3")
        self.assertFalse(elsewhere.aborted)
        first.handshake_finished()
        _, fourth = connect(factory)
        self.assertFalse(fourth.aborted)

    def test_max_connections_refuses_the_excess(self) -> None:
        factory, _ = guard(max_connections=2)
        first, _ = connect(factory, host="192.0.2.1")
        connect(factory, host="192.0.2.2")
        refused, transport = connect(factory, host="192.0.2.3")
        self.assertTrue(transport.aborted)
        lose(refused)  # losing a refused connection is quiet
        lose(first)
        _, transport = connect(factory, host="192.0.2.3")
        self.assertFalse(transport.aborted)


class SiteTests(SynchronousTestCase):
    def test_the_site_says_when_a_request_has_arrived_whole(self) -> None:
        from blackjackd.testing import MemoryServer
        from blackjackd.web import build_site

        server = MemoryServer(real_shoe_seed=1)
        clock = Clock()
        factory = ConnectionGuard(
            build_site(server.factory, clock), clock, handshake_timeout=10.0
        )
        connection, transport = connect(factory)
        connection.dataReceived(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertIn(b"200 OK", transport.value())
        self.assertEqual((factory.pending, clock.getDelayedCalls()), ({}, []))
        lose(connection)
