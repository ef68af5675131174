"""Load benchmark: bots playing against a real ``twistd blackjack`` process.

    python bench/load.py [--clients 35] [--seconds 10] [--tables 5]
                         [--game classic|casino]

Starts the server on a free loopback port (a short round delay, so tables
deal almost as fast as bots play), fills it with bots that hit below 17, and prints what
the server sustained: rounds, actions and messages a second, and the time
from an action to the server's answer. It asserts nothing; it measures.
Pass ``--url`` to aim at a server that is already running instead.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import sys
import time
from pathlib import Path

from autobahn.twisted.websocket import WebSocketClientFactory, WebSocketClientProtocol
from twisted.internet import defer, protocol, task
from twisted.internet.endpoints import clientFromString

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from blackjackd.bots import SeatNotes, next_move  # noqa: E402


class Bot(WebSocketClientProtocol):
    """Sits down, then plays by ``blackjackd.bots`` as fast as it can: hits
    below 17 and stands otherwise; at casino tables it bets the minimum and
    declines insurance."""

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        if code not in (1000, None) and not self.factory.stopping:
            self.factory.stats["closed_by_server"] += 1

    def onOpen(self) -> None:
        self.notes = SeatNotes()
        self.sent_at: float | None = None
        self.factory.stats["connected"] += 1

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        stats = self.factory.stats
        stats["messages"] += 1
        message = json.loads(payload)
        kind = message.get("type")
        mine = message.get("id") == self.notes.my_id
        turn = self.notes.hear(message)
        if kind == "auth":
            self.sendMessage(b'{"type": "auth", "data": {"username": "bot"}}')
        elif kind == "id":
            # The first bot at each table counts that table's rounds.
            self.factory.round_counters.setdefault(message["table"], self)
        elif kind == "round_over" and self in self.factory.round_counters.values():
            stats["rounds"] += 1
        elif kind == "error":
            stats["errors"] += 1
        if mine and self.sent_at is not None and kind in ("hit", "stand"):
            stats["latencies"].append(time.perf_counter() - self.sent_at)
            self.sent_at = None
        move = None if turn is None else next_move(turn)
        if move is None:
            return
        if move.hand is not None:
            # A hand's action: timed from here to the server's answer.
            stats["actions"] += 1
            self.sent_at = time.perf_counter()
        self.sendMessage(json.dumps(move.message()).encode())


class ServerProcess(protocol.ProcessProtocol):
    def __init__(self) -> None:
        self.output = b""
        self.port: defer.Deferred[int] = defer.Deferred()
        self.ended: defer.Deferred[None] = defer.Deferred()

    def outReceived(self, data: bytes) -> None:
        if self.port.called:
            return  # the access log of every connection: not ours to keep
        self.output += data
        found = re.search(rb"Site starting on (\d+)", self.output)
        if found:
            self.port.callback(int(found.group(1)))

    errReceived = outReceived

    def processEnded(self, reason) -> None:
        if not self.port.called:
            self.port.errback(RuntimeError(self.output.decode(errors="replace")))
        self.ended.callback(None)


async def run(reactor, args: argparse.Namespace) -> None:
    server = None
    if args.url:
        url = args.url
    else:
        server = ServerProcess()
        twistd = Path(sys.executable).parent / "twistd"
        env = dict(os.environ, PYTHONPATH=str(REPO))
        reactor.spawnProcess(
            server,
            str(twistd),
            [
                str(twistd),
                "--nodaemon",
                "--pidfile=",
                "--logfile=-",
                "blackjack",
                "--port=tcp:0:interface=127.0.0.1",
                f"--tables={args.tables}",
                "--seats=7",
                f"--round-delay={args.round_delay}",
                f"--game={args.game}",
            ],
            env=env,
        )
        port = await server.port
        url = f"ws://127.0.0.1:{port}/websocket"

    stats = {
        "connected": 0,
        "messages": 0,
        "actions": 0,
        "rounds": 0,
        "errors": 0,
        "closed_by_server": 0,
        "latencies": [],
    }
    factory = WebSocketClientFactory(url)
    factory.protocol = Bot
    factory.stats = stats
    factory.round_counters = {}
    factory.stopping = False
    host, port = factory.host, factory.port
    endpoint = clientFromString(reactor, f"tcp:{host}:{port}")
    bots = [await endpoint.connect(factory) for _ in range(args.clients)]
    # Let every bot sit down, then measure a clean window.
    while stats["connected"] < args.clients:
        await task.deferLater(reactor, 0.05)
    await task.deferLater(reactor, 1.0)
    for key in ("messages", "actions", "rounds", "errors", "closed_by_server"):
        stats[key] = 0
    stats["latencies"].clear()
    started = time.perf_counter()
    await task.deferLater(reactor, args.seconds)
    elapsed = time.perf_counter() - started
    snapshot = {k: v for k, v in stats.items() if k != "latencies"}
    latencies = sorted(stats["latencies"])
    factory.stopping = True
    for bot in bots:
        bot.sendClose()
    if server is not None:
        os.kill(server.transport.pid, signal.SIGTERM)
        await server.ended

    def quantile(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    print(f"server            {url}")
    print(f"bots              {args.clients} at {args.tables} {args.game} table(s)")
    print(f"window            {elapsed:.1f} s")
    print(
        f"rounds/s          {snapshot['rounds'] / elapsed:.1f} (one bot a table counts)"
    )
    print(f"actions/s         {snapshot['actions'] / elapsed:.0f}")
    print(
        f"messages/s        {snapshot['messages'] / elapsed:.0f} (received by all bots)"
    )
    print(f"errors            {snapshot['errors']}")
    print(f"closed by server  {snapshot['closed_by_server']}")
    if latencies:
        print(
            "action->answer ms "
            f"p50 {quantile(0.5):.2f}  p90 {quantile(0.9):.2f}  "
            f"p99 {quantile(0.99):.2f}  max {latencies[-1] * 1000:.2f}  "
            f"mean {statistics.fmean(latencies) * 1000:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=35)
    parser.add_argument("--tables", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--round-delay",
        type=float,
        default=0.25,
        help="the server's pause between rounds; bots act at once, so a "
        "shorter pause can push them past the server's 10 messages a second",
    )
    parser.add_argument("--game", choices=["classic", "casino"], default="classic")
    parser.add_argument("--url", help="a running server's WebSocket URL")
    args = parser.parse_args()
    task.react(lambda reactor: defer.ensureDeferred(run(reactor, args)))


if __name__ == "__main__":
    main()
