"""The pygame client's WebSocket layer: what reaches the listener."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import pytest_twisted
from test_client_e2e import ROUND, Server, wait_for

from blackjack_client.model import Connected, Disconnected
from blackjack_client.net import TableClientProtocol, TableConnection
from blackjackd.wire import AuthRequest, HitRequest


def test_only_json_objects_in_text_frames_are_delivered():
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
    assert heard == []
    protocol.onMessage(b'{"type": "auth"}', False)
    assert heard == [{"type": "auth"}]


@pytest.mark.parametrize("url", ["not a url", "http://127.0.0.1:1/", "ws://"])
def test_a_bad_address_is_a_disconnect_not_a_crash(url):
    heard = []
    connection = TableConnection(url, heard.append)
    connection.connect()
    assert connection.is_gone
    [event] = heard
    assert isinstance(event, Disconnected)
    assert event.reason.startswith("bad server address")
    assert not connection.send(HitRequest())
    assert connection.close().called


@pytest_twisted.ensureDeferred
async def test_a_wrong_path_and_a_closed_port():
    server = Server(ROUND)
    url = server.url
    try:
        heard = []
        wrong = TableConnection(server.url.replace("/websocket", "/nope"), heard.append)
        wrong.connect()
        await wait_for(lambda: wrong.is_gone, "the refusal")
        assert [type(event) for event in heard] == [Disconnected]
        assert not heard[0].by_us
    finally:
        await server.stop()
    heard = []
    # The server has stopped listening: its port is closed now.
    closed = TableConnection(url, heard.append)
    closed.connect()
    await wait_for(lambda: closed.is_gone, "the refusal")
    assert heard[0].reason.startswith("cannot connect")


@pytest_twisted.ensureDeferred
async def test_closing_while_connecting_and_after_opening():
    server = Server(ROUND)
    try:
        heard = []
        early = TableConnection(server.url, heard.append)
        early.connect()
        await early.close()
        assert early.is_gone
        assert not any(isinstance(event, Connected) for event in heard)

        heard = []
        late = TableConnection(server.url, heard.append)
        late.connect()
        await wait_for(lambda: late.is_open, "the opening")
        assert late.send(AuthRequest(username="ann"))
        await wait_for(lambda: any(m.get("type") == "id" for m in heard[1:]), "id")
        await late.close()
        assert heard[-1] == Disconnected(1000, "", by_us=True)
        assert not late.send(HitRequest())
        await wait_for(lambda: not server.factory.clients, "the server to see it")
    finally:
        await server.stop()
