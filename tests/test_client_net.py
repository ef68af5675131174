"""The pygame client's WebSocket layer: what reaches the listener."""

from __future__ import annotations

from types import SimpleNamespace

from twisted.trial.unittest import SynchronousTestCase, TestCase

from blackjack_client.model import Connected, Disconnected
from blackjack_client.net import TableClientProtocol, TableConnection
from blackjackd.testing import LiveServer as Server
from blackjackd.testing import wait_for
from blackjackd.wire import AuthRequest, HitRequest
from tests.live_server import ROUND


class ListenerTests(SynchronousTestCase):
    """What reaches the listener from odd frames and bad addresses."""

    def test_only_json_objects_in_text_frames_are_delivered(self):
        heard = []
        connection = TableConnection("ws://127.0.0.1:1/websocket", heard.append)
        protocol = TableClientProtocol()
        protocol.factory = SimpleNamespace(connection=connection)
        for payload, binary in [
            (b"not json", False),
            (b"[1, 2]", False),
            (b'"auth"', False),
            (b'{"type": "auth"}', True),
            (b"\xff\xfe", False),
            # Numbers no server sends: they would break sums and countdowns.
            (b'{"type": "deadline", "id": 1, "seconds": Infinity}', False),
            (b'{"type": "deadline", "id": 1, "seconds": NaN}', False),
            (b'{"type": "deadline", "id": 1, "seconds": 1e999}', False),
            (b'{"type": "balance", "balance": 1' + b"0" * 400 + b"}", False),
            (b"[" * 5000 + b"]" * 5000, False),
        ]:
            protocol.onMessage(payload, binary)
        self.assertEqual(heard, [])
        protocol.onMessage(b'{"type": "auth"}', False)
        self.assertEqual(heard, [{"type": "auth"}])

    def test_a_bad_address_is_a_disconnect_not_a_crash(self):
        for url in ["not a url", "http://127.0.0.1:1/", "ws://"]:
            heard = []
            connection = TableConnection(url, heard.append)
            connection.connect()
            self.assertTrue(connection.is_gone, f"url={url!r}")
            [event] = heard
            self.assertIsInstance(
                event, Disconnected, f"url={url!r}: expected a Disconnected"
            )
            self.assertTrue(
                event.reason.startswith("bad server address"), f"url={url!r}"
            )
            self.assertFalse(connection.send(HitRequest()), f"url={url!r}")
            self.assertTrue(connection.close().called, f"url={url!r}")


class LoopbackConnectionTests(TestCase):
    """Refusals and closes against the real server on loopback."""

    async def test_a_wrong_path_and_a_closed_port(self):
        server = Server(ROUND)
        url = server.url
        try:
            heard = []
            wrong = TableConnection(
                server.url.replace("/websocket", "/nope"), heard.append
            )
            wrong.connect()
            await wait_for(lambda: wrong.is_gone, "the refusal")
            self.assertEqual([type(event) for event in heard], [Disconnected])
            self.assertFalse(heard[0].by_us)
        finally:
            await server.stop()
        heard = []
        # The server has stopped listening: its port is closed now.
        closed = TableConnection(url, heard.append)
        closed.connect()
        await wait_for(lambda: closed.is_gone, "the refusal")
        self.assertTrue(heard[0].reason.startswith("cannot connect"))

    async def test_closing_while_connecting_and_after_opening(self):
        server = Server(ROUND)
        try:
            heard = []
            early = TableConnection(server.url, heard.append)
            early.connect()
            await early.close()
            self.assertTrue(early.is_gone)
            self.assertFalse(any(isinstance(event, Connected) for event in heard))

            heard = []
            late = TableConnection(server.url, heard.append)
            late.connect()
            await wait_for(lambda: late.is_open, "the opening")
            self.assertTrue(late.send(AuthRequest(username="ann")))
            await wait_for(lambda: any(m.get("type") == "id" for m in heard[1:]), "id")
            await late.close()
            self.assertEqual(heard[-1], Disconnected(1000, "", by_us=True))
            self.assertFalse(late.send(HitRequest()))
            await wait_for(lambda: not server.factory.clients, "the server to see it")
        finally:
            await server.stop()
