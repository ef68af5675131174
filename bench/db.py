"""What the database costs a casino table: rounds a second, and the latency
of an action, with the database in the loop and without it.

    python bench/db.py [--seconds 5] [--bots 5] [--warmup 1]
                       [--only none|sqlite|postgresql]

In-process: the real server, built as ``twistd blackjack --game casino``
builds it (the lobby, the bank writing every chip movement and round to the
database on its worker thread, accounts, sessions, the WebSocket factory and
site), listens on a loopback port of this process's reactor; bots signed in
with passwords play against it over real WebSockets from the same process
and reactor. Each bot bets the minimum as soon as betting opens, declines
insurance and stands on every hand the moment its turn comes, and the round
delay is 0, so one table settles rounds as fast as the server (and the bots)
can go. The rate limit is lifted (bots send far more than 10 messages a
second); chips are plentiful, so nobody goes broke.

Three databases, one after the other, each on a fresh server:

``none``
    No database in the loop: the table's chips live in memory and nothing
    is written (a throwaway in-memory SQLite signs the bots in, and is done).
``sqlite``
    A SQLite file in a temporary directory, as the server opens it (WAL,
    ``synchronous=FULL``: each transaction waits for the disk).
``postgresql``
    A database of a throwaway cluster (``blackjackd.testing.postgres``),
    over a Unix socket, with ``fsync=off``: what PostgreSQL's own work
    costs, not a disk's. Skipped, with the reason, when PostgreSQL isn't
    installed.

For each it prints the rounds a second the table settled in the window, and
the rounds a second the database stored in the same window (counted on a
connection of its own): the table never waits for the database, so when the
database is slower a backlog grows, printed as the rounds still unwritten at
the window's end and the time it took to write them once the bots left (a
rate too: the database's own, with nothing else running); the lower of the
table's and the database's rates in the window is what the table sustains
for good. Then the latency of a stand, from the bot's send to the table's
``stand`` back: p50, p99 and max. Bots and server share this process, so
the latency includes the bots' own work, and the database's worker thread
competes with the reactor (and the bots) for the interpreter. It asserts
nothing; it measures.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autobahn.twisted.websocket import WebSocketClientFactory, WebSocketClientProtocol
from twisted.internet import defer, task
from twisted.internet.threads import deferToThread

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from blackjackd.accounts import Accounts  # noqa: E402
from blackjackd.bank import Bank, RebuyRules  # noqa: E402
from blackjackd.casino import CasinoConfig  # noqa: E402
from blackjackd.lobby import Lobby  # noqa: E402
from blackjackd.outbox import Outbox  # noqa: E402
from blackjackd.protocol import BlackjackServerFactory, ClientLimits  # noqa: E402
from blackjackd.sessions import Sessions  # noqa: E402
from blackjackd.store import Database, connect  # noqa: E402
from blackjackd.testing import postgres  # noqa: E402
from blackjackd.web import build_site  # noqa: E402

MODES = ("none", "sqlite", "postgresql")
PASSWORD = "benchmark password"
#: Seconds to wait for anything that should take a moment.
TIMEOUT = 30.0
#: No rate limit to speak of: the bots play as fast as the table deals.
LIMITS = ClientLimits(rate=1e9, burst=10**9)


@dataclass
class Stats:
    """What the bots saw."""

    seated: int = 0
    #: Rounds settled since the last ``reset``, and since the start.
    rounds: int = 0
    all_rounds: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    all_seated: defer.Deferred[None] = field(default_factory=defer.Deferred)

    def reset(self) -> None:
        self.rounds = 0
        self.errors = 0
        self.latencies.clear()


class Bot(WebSocketClientProtocol):
    """Signs in, bets the minimum, declines insurance, stands at once."""

    factory: BotFactory

    def onOpen(self) -> None:
        self.my_id: int | None = None
        self.counts_rounds = False
        #: When each of this bot's hands was stood, by hand.
        self.stood_at: dict[int, float] = {}

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        message = json.loads(payload)
        kind = message["type"]
        stats = self.factory.stats
        if kind == "auth":
            self.send(
                {
                    "type": "auth",
                    "data": {"username": self.factory.name(), "password": PASSWORD},
                }
            )
        elif kind == "id":
            self.my_id = message["client_id"]
            stats.seated += 1
            self.counts_rounds = stats.seated == 1
            if stats.seated == self.factory.bots:
                stats.all_seated.callback(None)
        elif kind == "betting":
            self.send({"type": "bet", "amount": message["min_bet"]})
        elif kind == "insurance_offer":
            self.send({"type": "insurance", "take": False})
        elif kind == "deadline" and message["id"] == self.my_id:
            hand = message["hand"]
            self.stood_at[hand] = time.perf_counter()
            self.send({"type": "stand", "hand": hand})
        elif kind == "stand" and message["id"] == self.my_id:
            stood_at = self.stood_at.pop(message["hand"], None)
            if stood_at is not None:
                stats.latencies.append(time.perf_counter() - stood_at)
        elif kind == "round_over" and self.counts_rounds:
            stats.rounds += 1
            stats.all_rounds += 1
        elif kind == "error":
            stats.errors += 1

    def send(self, message: dict[str, Any]) -> None:
        self.sendMessage(json.dumps(message).encode())


class BotFactory(WebSocketClientFactory):
    protocol = Bot

    def __init__(self, url: str, mode: str, bots: int) -> None:
        super().__init__(url)
        self.mode = mode
        self.bots = bots
        self.stats = Stats()
        self._names = 0

    def name(self) -> str:
        self._names += 1
        return f"{self.mode}-bot-{self._names}"


@dataclass
class Server:
    """The server's parts that the benchmark stops and reads."""

    port: Any
    database: Database
    bank: Bank | None
    lobby: Lobby
    sessions: Sessions

    async def stop(self) -> None:
        # As twistd's service stops: the bots' leaving moves no chips.
        self.sessions.stopping = True
        self.lobby.close()
        self.sessions.close()
        await self.port.stopListening()
        if self.bank is not None:
            await self.bank.written()
        await self.database.close()


async def start_server(reactor: Any, url: str | None, bots: int) -> Server:
    """The casino server as ``tap.makeService`` wires it, on a free loopback
    port; with ``url`` None, no database in the tables' loop."""
    config = CasinoConfig(
        seats=bots,
        round_delay=0,
        starting_chips=10**6,
        bet_timeout=TIMEOUT,
        turn_timeout=TIMEOUT,
    )
    outbox = Outbox()
    clock = outbox.timed(reactor)
    database = await Database.open(url or "sqlite::memory:", reactor)
    bank = None
    if url is not None:
        bank = Bank(
            database,
            clock,
            at_end=outbox.at_end,
            rebuy=RebuyRules(config.starting_chips, config.min_bet, 3600.0),
        )
    lobby = Lobby.build(
        tables=1,
        config=config,
        clock=clock,
        rng=secrets.SystemRandom(),
        ledger=None if bank is None else bank.ledger,
        round_log=bank,
    )
    sessions = Sessions(lobby, clock, 0.0)
    accounts = Accounts(
        database, reactor, run_in_thread=deferToThread, starting_chips=10**6
    )
    factory = BlackjackServerFactory(
        lobby,
        clock=reactor,
        limits=LIMITS,
        outbox=outbox,
        sessions=sessions,
        accounts=accounts,
        bank=bank,
        guests=False,
    )
    port = reactor.listenTCP(0, build_site(factory, reactor), interface="127.0.0.1")
    return Server(port, database, bank, lobby, sessions)


def settled_rounds(url: str) -> int:
    """Rounds stored as settled, read on a connection of its own."""
    conn = connect(url)
    try:
        rows = conn.execute("SELECT COUNT(*) FROM rounds WHERE status = 'settled'").rows
        return int(rows[0][0])
    finally:
        conn.close()


@dataclass
class Result:
    """One database's figures."""

    mode: str
    window: float
    #: Rounds the table settled in the window, and those stored in it.
    rounds: int
    stored: int | None
    #: Rounds settled but not stored when the bots left, and the seconds it
    #: took to store them.
    backlog: int | None
    drain: float
    #: Every round the table settled, and every round stored at the end.
    all_rounds: int
    all_stored: int | None
    errors: int
    latencies: list[float]

    def line(self) -> str:
        latencies = sorted(self.latencies)

        def ms(q: float) -> str:
            if not latencies:
                return "-"
            index = min(len(latencies) - 1, int(q * len(latencies)))
            return f"{latencies[index] * 1000:.2f}"

        stored = backlog = "-"
        if self.stored is not None:
            stored = f"{self.stored / self.window:.1f}"
            rate = self.backlog / self.drain if self.drain else float("nan")
            backlog = f"{self.backlog} in {self.drain:.2f} s ({rate:.0f}/s)"
        return (
            f"{self.mode:<11} {self.rounds / self.window:>8.1f} {stored:>9} "
            f"{backlog:>25}   {ms(0.5):>6} {ms(0.99):>6} {ms(1.0):>6} "
            f"{len(latencies):>7} {self.errors:>6}"
        )


async def measure(
    reactor: Any, mode: str, url: str | None, args: argparse.Namespace
) -> Result:
    server = await start_server(reactor, url, args.bots)
    port = server.port.getHost().port
    factory = BotFactory(f"ws://127.0.0.1:{port}/websocket", mode, args.bots)
    stats = factory.stats
    connectors = []
    try:
        for _ in range(args.bots):
            connectors.append(reactor.connectTCP("127.0.0.1", port, factory))
        stats.all_seated.addTimeout(TIMEOUT, reactor)
        await stats.all_seated
        await task.deferLater(reactor, args.warmup)
        stats.reset()
        stored_before = (
            None if url is None else await deferToThread(settled_rounds, url)
        )
        window_start = time.perf_counter()
        await task.deferLater(reactor, args.seconds)
        window = time.perf_counter() - window_start
        rounds, errors = stats.rounds, stats.errors
        latencies = list(stats.latencies)
        stored_after = None if url is None else await deferToThread(settled_rounds, url)
    finally:
        for connector in connectors:
            connector.disconnect()
    left_at = time.perf_counter()
    all_rounds = stats.all_rounds
    # The writes still queued go out before the database closes.
    await server.stop()
    drain = time.perf_counter() - left_at
    all_stored = None if url is None else settled_rounds(url)
    stored = backlog = None
    if stored_before is not None and stored_after is not None:
        stored = stored_after - stored_before
        assert all_stored is not None
        backlog = all_stored - stored_after
    return Result(
        mode=mode,
        window=window,
        rounds=rounds,
        stored=stored,
        backlog=backlog,
        drain=drain,
        all_rounds=all_rounds,
        all_stored=all_stored,
        errors=errors,
        latencies=latencies,
    )


async def run(reactor: Any, args: argparse.Namespace) -> None:
    modes = [args.only] if args.only else list(MODES)
    print(
        f"one casino table, {args.bots} bots signed in with passwords, "
        f"in-process; {args.seconds:g} s windows after {args.warmup:g} s of warm-up"
    )
    print(f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}")
    print(
        f"{'':<11} {'rounds/s':>8} {'stored/s':>9} {'backlog':>25}   "
        f"{'stand -> answer, ms':>20}"
    )
    print(
        f"{'database':<11} {'(table)':>8} {'(db)':>9} {'(rounds, drained)':>25}   "
        f"{'p50':>6} {'p99':>6} {'max':>6} {'stands':>7} {'errors':>6}"
    )
    with tempfile.TemporaryDirectory(prefix="blackjackd-bench-db-") as scratch:
        for mode in modes:
            url: str | None
            if mode == "none":
                url = None
            elif mode == "sqlite":
                url = f"sqlite:{Path(scratch) / 'bench.sqlite'}"
            else:
                reason = postgres.postgres_skip_reason()
                if reason is not None:
                    print(f"{mode:<11} skipped: {reason}")
                    continue
                url = postgres.fresh_database_url()
            result = await measure(reactor, mode, url, args)
            print(result.line())
            # The bots leave in the middle of a round, which the table then
            # settles without them: one more round stored than they saw.
            stored = result.all_stored
            if stored is not None and stored - result.all_rounds not in (0, 1):
                print(
                    f"{'':<11} the table settled {result.all_rounds} rounds in all, "
                    f"the database holds {result.all_stored}"
                )

    print(
        "rounds/s: rounds the table settled a second; stored/s: rounds the "
        "database stored a second, in the same window (lower: it falls behind); "
        "backlog: rounds settled and not yet stored when the window ended, the "
        "time it took to store them once the bots left, and so the rounds a "
        "second the database stores with the reactor idle. PostgreSQL runs "
        "with fsync=off."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument(
        "--bots", type=int, default=5, help="bots at the one table (1 to 7)"
    )
    parser.add_argument("--only", choices=MODES, help="measure one database only")
    args = parser.parse_args()
    if not 1 <= args.bots <= 7:
        parser.error("--bots: 1 to 7 (the seats of one table)")
    task.react(lambda reactor: defer.ensureDeferred(run(reactor, args)))


if __name__ == "__main__":
    main()
