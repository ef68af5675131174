"""The site's HTTP answers beyond the game itself."""

from __future__ import annotations

from twisted.internet.testing import StringTransport
from twisted.logger import LogEvent, formatEvent, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.testing import MemoryServer
from blackjackd.web import build_site


def _ask(method: bytes, path: bytes) -> tuple[bytes, list[str]]:
    """One request to the site: the raw answer, and what was logged."""
    server = MemoryServer()
    site = build_site(server.factory, server.clock)
    logged: list[str] = []

    def observe(event: LogEvent) -> None:
        logged.append(formatEvent(event))

    globalLogPublisher.addObserver(observe)
    try:
        channel = site.buildProtocol(None)
        transport = StringTransport()
        channel.makeConnection(transport)
        channel.dataReceived(method + b" " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        channel.connectionLost(None)
    finally:
        globalLogPublisher.removeObserver(observe)
    return transport.value(), logged


def _headers(answer: bytes) -> tuple[bytes, dict[bytes, bytes], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.split(b"\r\n")
    fields = dict(line.split(b": ", 1) for line in lines)
    return status, {name.lower(): value for name, value in fields.items()}, body


class HeadTests(SynchronousTestCase):
    def test_head_healthz_answers_like_get_without_a_body_or_a_warning(self) -> None:
        """``HEAD /healthz`` (load balancers' checks): GET's status and
        headers, no body, and nothing in the log about a body eaten."""
        get_status, get_headers, get_body = _headers(_ask(b"GET", b"/healthz")[0])
        answer, logged = _ask(b"HEAD", b"/healthz")
        status, headers, body = _headers(answer)
        self.assertEqual((status, body), (get_status, b""))
        self.assertEqual(get_status, b"HTTP/1.1 200 OK")
        self.assertEqual(headers[b"content-type"], b"application/json")
        self.assertEqual(headers[b"cache-control"], b"no-store")
        self.assertEqual(headers[b"content-length"], b"%d" % len(get_body))
        self.assertEqual(get_headers[b"content-length"], b"%d" % len(get_body))
        self.assertEqual([line for line in logged if "HEAD" in line], [])
