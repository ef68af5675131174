"""Structured logs. ``twist --log-format json blackjack`` as a real process:
a round played against it leaves one JSON object per line, and the events of
the connection, the seat and the round are there with their fields. Errors
sent are logged once a minute a connection; ``twistd --logger
blackjackd.jsonlog.observer`` writes JSON lines."""

from __future__ import annotations

import io
import json
import re
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from twisted.internet import protocol, reactor
from twisted.internet.defer import Deferred
from twisted.logger import LogEvent, Logger, formatEvent, globalLogPublisher
from twisted.trial.unittest import SynchronousTestCase, TestCase

from blackjackd import jsonlog
from blackjackd.protocol import REFUSAL_LOG_INTERVAL
from blackjackd.testing import (
    CLASSIC_OPENING,
    TIMEOUT,
    MemoryServer,
    http_get,
    open_client,
)
from blackjackd.testing.children import child_environment
from tests.scratch import scratch_directory
from tests.test_twistd import _command

PASSWORD = "hunter2 never logged"


class _JSONServerProcess(protocol.ProcessProtocol):
    """Keeps what the server writes, and learns its two ports: the game's
    and the metrics'."""

    def __init__(self) -> None:
        self.output = b""
        self.errors = b""
        self.listening: Deferred[tuple[int, int]] = Deferred()
        self.ended: Deferred[None] = Deferred()

    def outReceived(self, data: bytes) -> None:
        self.output += data
        game = re.search(rb'"Site starting on (\d+)"', self.output)
        metrics = re.search(rb'"MetricsSite starting on (\d+)"', self.output)
        if game and metrics and not self.listening.called:
            self.listening.callback((int(game.group(1)), int(metrics.group(1))))

    def errReceived(self, data: bytes) -> None:
        self.errors += data

    def processEnded(self, reason: Any) -> None:
        if not self.listening.called:
            self.listening.errback(
                RuntimeError((self.output + self.errors).decode(errors="replace"))
            )
        self.ended.callback(None)


def events(output: bytes) -> list[dict[str, Any]]:
    """Every line of ``twist``'s JSON log as an object (each line begins
    with the record separator of RFC 7464)."""
    lines = output.decode().splitlines()
    return [json.loads(line.lstrip("\x1e")) for line in lines if line.strip()]


def find(found: list[dict[str, Any]], namespace: str, text: str) -> dict[str, Any]:
    """The first event of ``namespace`` whose format begins with ``text``."""
    for event in found:
        if event.get("log_namespace") == namespace and event.get(
            "log_format", ""
        ).startswith(text):
            return event
    raise AssertionError(f"no {namespace} event {text!r}")


class JSONLogTests(TestCase):
    """A round against ``twist --log-format json blackjack``."""

    async def test_a_round_in_json_logs(self) -> None:
        directory = scratch_directory(self)
        server = _JSONServerProcess()
        command = _command("twist")
        transport = reactor.spawnProcess(
            server,
            command[0],
            [
                *command,
                "--log-format",
                "json",
                "blackjack",
                "--port=tcp:0:interface=127.0.0.1",
                "--metrics-port=tcp:0:interface=127.0.0.1",
                f"--db=sqlite:{directory / 'blackjackd.sqlite'}",
                "--round-delay=0.2",
                "--seat-grace=0",
            ],
            env=child_environment(),
            path=str(directory),
        )
        server.listening.addTimeout(TIMEOUT * 2, reactor)
        try:
            port, metrics_port = await server.listening
            await self._play(port)
            _, body = await http_get(reactor, metrics_port, "/metrics")
            self.assertIn(b'blackjackd_rounds_total{game="classic"} 1.0', body)
        finally:
            if not server.ended.called:
                transport.signalProcess(signal.SIGTERM)
            server.ended.addTimeout(TIMEOUT, reactor)
            await server.ended

        found = events(server.output)
        self.assertNotIn(PASSWORD.encode(), server.output + server.errors)
        opened = find(found, "blackjackd.protocol", "connection opened")
        self.assertEqual(opened["address"], "127.0.0.1")
        self.assertTrue(opened["peer"].startswith("tcp4:127.0.0.1:"), opened)
        signed_in = find(found, "blackjackd.protocol", "{username} signed in")
        self.assertEqual(signed_in["username"], "tester")
        seated = find(found, "blackjackd.sessions", "{username} took a seat")
        self.assertEqual((seated["username"], seated["table"]), ("tester", 1))
        self.assertEqual(seated["account_id"], signed_in["account_id"])
        refused = find(found, "blackjackd.protocol", "sent {status}")
        self.assertEqual((refused["status"], refused["address"]), (409, "127.0.0.1"))
        settled = find(found, "blackjackd.rounds", "table {table} settled")
        self.assertEqual(
            (settled["table"], settled["round"], settled["players"], settled["net"]),
            (1, 1, 1, 0),
        )
        self.assertEqual(settled["usernames"], ["tester"])
        closed = find(found, "blackjackd.protocol", "connection from")
        self.assertEqual((closed["code"], closed["peer"]), (1000, opened["peer"]))
        left = find(found, "blackjackd.sessions", "{username} left")
        self.assertEqual((left["username"], left["reason"]), ("tester", "disconnected"))

    async def _play(self, port: int) -> None:
        """Sign in, be refused a bet (classic tables take none), play a
        round to its end and leave."""
        player = await open_client(reactor, port)
        try:
            self.assertEqual(await player.next(), {"type": "auth"})
            player.send(
                {"type": "auth", "data": {"username": "tester", "password": PASSWORD}}
            )
            await player.until("hit")
            player.send({"type": "bet", "amount": 5})
            while (message := await player.next())["type"] != "round_over":
                if message["type"] == "deadline":
                    player.send({"type": "stand"})
        finally:
            if not player.closed.called:
                player.sendClose(code=1000)
            await player.close()


@contextmanager
def logged(namespace: str) -> Iterator[list[LogEvent]]:
    """Collects the events of ``namespace`` logged inside the block."""
    caught: list[LogEvent] = []

    def observer(event: LogEvent) -> None:
        if event.get("log_namespace") == namespace:
            caught.append(event)

    globalLogPublisher.addObserver(observer)
    try:
        yield caught
    finally:
        globalLogPublisher.removeObserver(observer)


class RefusalLogTests(SynchronousTestCase):
    """Errors sent to a client are logged once a minute a connection."""

    def test_once_a_minute_with_the_count_between(self) -> None:
        server = MemoryServer(list(CLASSIC_OPENING))
        ann = server.seat("ann")
        bob = server.connect()
        with logged("blackjackd.protocol") as caught:
            for _ in range(3):
                ann.send({"type": "bet", "amount": 5})
                server.flush()
            bob.send("not an object")
            server.flush()
            server.advance(REFUSAL_LOG_INTERVAL)
            ann.send({"type": "bet", "amount": 5})
            server.flush()
        refusals = [event for event in caught if "status" in event]
        self.assertEqual(
            [(event["status"], event["unlogged"]) for event in refusals],
            [(409, 0), (400, 0), (409, 2)],
        )
        self.assertEqual(
            formatEvent(refusals[2]),
            "sent 409 to 127.0.0.1 (tcp4:127.0.0.1:40000): this table doesn't "
            "play bet (2 more errors since the last line)",
        )


class TwistdLoggerTests(SynchronousTestCase):
    """``twistd --logger blackjackd.jsonlog.observer``."""

    def test_one_json_object_a_line(self) -> None:
        written = io.StringIO()
        self.patch(sys, "stdout", written)
        observer = jsonlog.observer()
        Logger(namespace="blackjackd.test", observer=observer).info(
            "{username} took a seat", username="ann"
        )
        (line,) = written.getvalue().splitlines()
        event = json.loads(line)
        self.assertEqual(
            (event["username"], event["log_namespace"]), ("ann", "blackjackd.test")
        )
