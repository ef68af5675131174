"""Cluster benchmark: bots playing casino tables through HAProxy, with 1, 2
and 3 nodes on one throwaway PostgreSQL.

    python bench/cluster.py [--nodes 1 2 3] [--tables 12] [--bots-per-table 4]
                            [--seconds 15]

For each node count it starts a cluster (``blackjackd.testing.cluster``:
PostgreSQL with ``fsync=off``, ``twistd blackjack --node`` processes and
HAProxy, all on 127.0.0.1), signs the bots in through HAProxy at their
tables (``/websocket?table=N``, so HAProxy spreads the tables over the
nodes), lets them play with no pause between rounds, and prints the rounds
a second the tables settled, the latency of a move (from a bot's ``bet`` or
``stand`` to its echo by the server, through HAProxy) at p50 and p99, and
each node's CPU. The bots, HAProxy and PostgreSQL run in this machine too:
on two cores the third node shares a core with the others, and the bots
take a share of it; ``--guests`` plays without accounts, to see what a
seat costs in memory without scrypt's. The figures say what one machine
sustains, not what the design would on machines of their own. It also
prints the database's commits and rows written a round, the nodes' CPU
milliseconds a round, and their memory before and after the bots sit down.
It asserts nothing; it measures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from cpu import cpu_seconds, rss_kib
from twisted.internet import defer, task

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from blackjackd.testing import open_client  # noqa: E402
from blackjackd.testing.cluster import Cluster, cluster_skip_reason  # noqa: E402

PASSWORD = "cluster benchmark"
OPTIONS = (
    "--game=casino",
    "--seats=5",
    "--seats-per-address=0",
    "--sign-ins-per-address=0",
    "--pending-per-address=0",
    "--round-delay=0",
    "--starting-chips=1000000",
    "--min-bet=10",
)


class Stats:
    def __init__(self) -> None:
        self.rounds = 0
        self.latencies: list[float] = []
        self.measuring = False


async def bot(
    reactor: Any, port: int, name: str, table: int, stats: Stats, guest: bool
) -> None:
    """Plays until the benchmark stops it: bets 10, declines insurance,
    stands at once."""
    client = await open_client(reactor, port, f"/websocket?table={table}")
    my_id = None
    sent_at: float | None = None
    try:
        while True:
            message = await client.next()
            kind = message["type"]
            if kind == "auth":
                data = {"username": name}
                if not guest:
                    data["password"] = PASSWORD
                client.send({"type": "auth", "data": data})
            elif kind == "id":
                my_id = message["client_id"]
            elif kind == "betting":
                sent_at = time.perf_counter()
                client.send({"type": "bet", "amount": 10})
            elif kind == "insurance_offer":
                client.send({"type": "insurance", "take": False})
            elif kind == "deadline" and message["id"] == my_id:
                sent_at = time.perf_counter()
                client.send({"type": "stand", "hand": message["hand"]})
            elif kind in ("bet", "stand") and message.get("id") == my_id:
                if sent_at is not None and stats.measuring:
                    stats.latencies.append(time.perf_counter() - sent_at)
                sent_at = None
            elif kind == "round_over" and stats.measuring:
                stats.rounds += 1  # counted by every bot of the table
            elif kind == "error":
                raise RuntimeError(f"{name}: {message}")
    finally:
        await client.close()


def rss_mib(pid: int) -> float:
    """Process ``pid``'s resident memory, in MiB."""
    kib = rss_kib(pid)
    return 0.0 if kib is None else kib / 1024


def database_counts(url: str) -> tuple[int, int]:
    """Transactions committed, and rows written, in the database so far."""
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted"
            " FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


async def measure(reactor: Any, nodes: int, args: argparse.Namespace) -> dict[str, Any]:
    options = (*OPTIONS, f"--tables={args.tables}")
    if args.guests:
        options += ("--guests",)
    cluster = Cluster(nodes=nodes, options=options, lease_seconds=10.0)
    await cluster.start(reactor)
    stats = Stats()
    runs = []
    pids = [node.process.transport.pid for node in cluster.nodes]
    rss_empty = [rss_mib(pid) for pid in pids]
    try:
        for table in range(1, args.tables + 1):
            for seat in range(args.bots_per_table):
                runs.append(
                    defer.ensureDeferred(
                        bot(
                            reactor,
                            cluster.port,
                            f"n{nodes}t{table}s{seat}",
                            table,
                            stats,
                            args.guests,
                        )
                    )
                )
        await task.deferLater(reactor, args.settle, lambda: None)
        cpu_before = [cpu_seconds(pid) for pid in pids]
        commits_before, rows_before = database_counts(cluster.db)
        stats.measuring = True
        started = time.perf_counter()
        await task.deferLater(reactor, args.seconds, lambda: None)
        stats.measuring = False
        elapsed = time.perf_counter() - started
        cpu = [
            cpu_seconds(pid) - before
            for pid, before in zip(pids, cpu_before, strict=True)
        ]
        # pg_stat_database catches up within a second of a transaction.
        await task.deferLater(reactor, 1.0, lambda: None)
        commits_after, rows_after = database_counts(cluster.db)
        rss_seated = [rss_mib(pid) for pid in pids]
        failed = [run for run in runs if run.called]
        if failed:
            await failed[0]
    finally:
        await cluster.stop()
        for run in runs:
            run.addErrback(lambda failure: None)
    latencies = sorted(stats.latencies)
    rounds = stats.rounds / args.bots_per_table
    return {
        "nodes": nodes,
        "bots": len(runs),
        "rounds_per_second": rounds / elapsed,
        # The database's counts run a second past the window: a bound.
        "db_commits_per_round": round((commits_after - commits_before) / rounds, 2),
        "db_rows_per_round": round((rows_after - rows_before) / rounds, 1),
        "node_cpu_ms_per_round": round(1000 * sum(cpu) / rounds, 2),
        "rss_mib_empty": [round(r, 1) for r in rss_empty],
        "rss_mib_seated": [round(r, 1) for r in rss_seated],
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "moves": len(latencies),
        "node_cpu_share": [round(c / elapsed, 2) for c in cpu],
    }


async def main(reactor: Any, args: argparse.Namespace) -> None:
    reason = cluster_skip_reason()
    if reason is not None:
        raise SystemExit(f"bench/cluster.py: {reason}")
    print(f"{os.cpu_count()} CPU(s); bots, HAProxy and PostgreSQL on the same machine")
    for nodes in args.nodes:
        result = await measure(reactor, nodes, args)
        print(json.dumps(result))
        print(
            f"{nodes} node(s): {result['rounds_per_second']:.1f} rounds/s, "
            f"move p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
            f"node CPU {result['node_cpu_share']} of a core",
            flush=True,
        )


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--tables", type=int, default=12)
    parser.add_argument("--bots-per-table", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--settle", type=float, default=3.0)
    parser.add_argument(
        "--guests",
        action="store_true",
        help="play as guests (no password, no scrypt, no chips stored): "
        "to see the memory a seat takes",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse(sys.argv[1:])
    task.react(lambda reactor: defer.ensureDeferred(main(reactor, arguments)))
