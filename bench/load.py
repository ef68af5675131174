"""Load benchmark: bots playing against a real ``twistd blackjack`` process.

    python bench/load.py [--clients 35] [--seconds 10] [--tables 5] [--seats 7]
                         [--game classic|casino] [--repo PATH]

Starts the server on a free loopback port (a short round delay, so tables
deal almost as fast as bots play), fills it with bots that hit below 17, and
prints what the server sustained: rounds, actions and messages a second, and
the time from an action to the server's answer.

It also charges the server for what it delivers: the server process's CPU
seconds over the window divided by the messages all bots received in it.
Then, for a yardstick, a bare autobahn echo server (``bench/echo_server.py``)
is driven by as many echo clients for a window as long, and its CPU per
echoed message is printed beside the game's, with the ratio of the two. The
bots and the echo clients run in this process, on the same cores.

``--repo`` runs the server code of another checkout (e.g. an older version)
with the same bots and yardstick. Pass ``--url`` to aim at a server that is
already running instead (its CPU is then not measured). Everything listens
on 127.0.0.1 and everything started is stopped at the end. It asserts
nothing; it measures.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from autobahn.twisted.websocket import WebSocketClientFactory, WebSocketClientProtocol
from cpu import Window, measure
from echo import measure_echo
from processes import describe_checkout, start_game_server
from twisted.internet import defer, task
from twisted.internet.endpoints import clientFromString

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from blackjackd.bots import SeatNotes, next_move  # noqa: E402

#: Seconds between every client being seated and the measured window.
SETTLE_SECONDS = 1.0
#: Every casino bot's password.
PASSWORD = "load benchmark"


def quantile_ms(latencies: list[float], q: float) -> float:
    """The ``q`` quantile of sorted ``latencies`` (seconds), in ms; NaN for
    none."""
    if not latencies:
        return float("nan")
    return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000


def new_stats() -> dict[str, Any]:
    """The counts the bots keep together, all at zero."""
    return {
        "connected": 0,
        "seated": 0,
        "refused": 0,
        "messages": 0,
        "actions": 0,
        "rounds": 0,
        "errors": 0,
        "closed_by_server": 0,
        "latencies": [],
    }


class Bot(WebSocketClientProtocol):
    """Sits down, then plays by ``blackjackd.bots`` as fast as it can: hits
    below 17 and stands otherwise; at casino tables, which seat accounts, it
    signs in with a name of its own and a password, bets the minimum and
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
            self.sendMessage(json.dumps(self.factory.auth()).encode())
        elif kind == "id":
            stats["seated"] += 1
            # The first bot at each table counts that table's rounds.
            self.factory.round_counters.setdefault(message["table"], self)
        elif kind == "round_over" and self in self.factory.round_counters.values():
            stats["rounds"] += 1
        elif kind == "error":
            stats["errors"] += 1
            if message["status_code"] == 507:
                stats["refused"] += 1
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


def auth_message(game: str) -> Callable[[], dict[str, Any]]:
    """What each new bot sends to sit down: at casino tables, which seat
    only accounts, a name of its own (the first sign-in registers it) and a
    password; at classic tables, the name alone."""
    if game != "casino":
        return lambda: {"type": "auth", "data": {"username": "bot"}}
    numbers = itertools.count(1)
    run = secrets.token_hex(4)

    def auth() -> dict[str, Any]:
        name = f"bot-{run}-{next(numbers)}"
        return {"type": "auth", "data": {"username": name, "password": PASSWORD}}

    return auth


async def run(reactor, args: argparse.Namespace) -> None:
    server = None
    if args.url:
        url = args.url
    else:
        server = start_game_server(
            reactor, args.repo, args.game, args.tables, args.seats, args.round_delay
        )
        port = await server.port
        url = f"ws://127.0.0.1:{port}/websocket"

    stats = new_stats()
    factory = WebSocketClientFactory(url)
    factory.protocol = Bot
    factory.stats = stats
    factory.auth = auth_message(args.game)
    factory.round_counters = {}
    factory.stopping = False
    host, port = factory.host, factory.port
    endpoint = clientFromString(reactor, f"tcp:{host}:{port}")
    bots = [await endpoint.connect(factory) for _ in range(args.clients)]
    # Let every bot sit down (casino bots sign in, which takes the server a
    # password hash each) or be turned away, then measure a clean window.
    while stats["seated"] + stats["refused"] < args.clients:
        await task.deferLater(reactor, 0.05)
    await task.deferLater(reactor, SETTLE_SECONDS)
    for key in ("messages", "actions", "rounds", "errors", "closed_by_server"):
        stats[key] = 0
    stats["latencies"].clear()
    load_average = os.getloadavg()
    game = await measure(
        reactor,
        None if server is None else server.pid,
        args.seconds,
        lambda: stats["messages"],
    )
    elapsed = game.seconds
    snapshot = {k: v for k, v in stats.items() if k != "latencies"}
    latencies = sorted(stats["latencies"])
    factory.stopping = True
    # The server goes first: a bot still hearing its table after a close of
    # its own would answer on a closing connection.
    if server is not None:
        await server.stop()
    for bot in bots:
        bot.transport.abortConnection()
    echo = None
    if args.echo_clients:
        echo = await measure_echo(
            reactor, args.echo_clients, args.seconds, SETTLE_SECONDS
        )

    print(f"server            {url}")
    if server is not None:
        print(f"server code       {args.repo} ({describe_checkout(args.repo)})")
    print(
        f"bots              {args.clients} at {args.tables} {args.game} table(s)"
        + ("" if args.url else f" of {args.seats} seats")
    )
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
            f"p50 {quantile_ms(latencies, 0.5):.2f}  "
            f"p90 {quantile_ms(latencies, 0.9):.2f}  "
            f"p99 {quantile_ms(latencies, 0.99):.2f}  max {latencies[-1] * 1000:.2f}  "
            f"mean {statistics.fmean(latencies) * 1000:.2f}"
        )
    print_cpu(game, echo, args.echo_clients, load_average, measured=server is not None)


def print_cpu(
    game: Window,
    echo: Window | None,
    echo_clients: int,
    load_average: tuple[float, float, float],
    measured: bool,
) -> None:
    """The CPU figures: the game server's per delivered message, the echo
    server's per echoed message, and the one over the other."""
    print(
        "load average      {:.2f} {:.2f} {:.2f} (1, 5, 15 min, at the window's "
        "start)".format(*load_average)
    )
    if measured:
        print(
            f"server CPU        {game.us_per_message:.1f} us per delivered message "
            f"({game.cpu:.2f} s, {game.load:.0%} of a core; "
            f"bots' process {game.own_load:.0%})"
        )
    else:
        print("server CPU        not measured (--url: not a process started here)")
    if echo is None:
        return
    print(
        f"echo server CPU   {echo.us_per_message:.1f} us per echoed message "
        f"({echo.cpu:.2f} s, {echo.load:.0%} of a core; {echo_clients} clients, "
        f"{echo.messages_per_second:.0f} messages/s, window {echo.seconds:.1f} s; "
        f"clients' process {echo.own_load:.0%})"
    )
    if measured:
        ratio = game.us_per_message / echo.us_per_message
        print(f"CPU ratio         {ratio:.2f}x the echo server's per message")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=35)
    parser.add_argument("--tables", type=int, default=5)
    parser.add_argument("--seats", type=int, default=7, help="seats at each table")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--round-delay",
        type=float,
        default=0.25,
        help="the server's pause between rounds; bots act at once, so a "
        "shorter pause can push them past the server's 10 messages a second",
    )
    parser.add_argument("--game", choices=["classic", "casino"], default="classic")
    parser.add_argument(
        "--url",
        help="a running server's WebSocket URL (its CPU is then not measured)",
    )
    parser.add_argument(
        "--repo",
        type=Path,
        default=REPO,
        help="run the server code of this checkout (default: this one), "
        "e.g. an older version, with this Python's packages",
    )
    parser.add_argument(
        "--echo-clients",
        type=int,
        default=None,
        help="echo clients driving the bare autobahn echo server for the "
        "yardstick (default: as many as --clients; 0: skip it)",
    )
    args = parser.parse_args()
    args.repo = args.repo.resolve()
    # PYTHONPATH only wins over the blackjackd installed in this Python if
    # the checkout's is a regular package.
    if not (args.repo / "blackjackd" / "__init__.py").is_file():
        parser.error(f"--repo: {args.repo} holds no blackjackd package")
    if args.echo_clients is None:
        args.echo_clients = args.clients
    task.react(lambda reactor: defer.ensureDeferred(run(reactor, args)))


if __name__ == "__main__":
    main()
