"""A real cluster on loopback, for tests and benchmarks: a throwaway
PostgreSQL database, ``twistd -n blackjack --node ...`` processes on free
ports, and HAProxy in front of them with the configuration of
docs/scale.rst (``haproxy_config``).

    cluster = Cluster(nodes=3, options=("--game=casino", ...))
    await cluster.start(reactor)
    ... ws://127.0.0.1:{cluster.port}/websocket?table=N ...
    await cluster.stop()

``cluster_skip_reason()`` says why one can't run here (no HAProxy, no
PostgreSQL), for ``unittest.SkipTest``. Every process is killed by ``stop``
(await it in a test's cleanup), whatever happened before.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from twisted.internet import protocol
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IReactorTime
from twisted.internet.task import deferLater
from twisted.python.failure import Failure

from blackjackd.testing.children import child_environment
from blackjackd.testing.loopback import TIMEOUT, http_get, wait_for
from blackjackd.testing.postgres import (
    drop_database,
    fresh_database_url,
    postgres_skip_reason,
)

#: Where Debian puts HAProxy; else it is looked for on PATH.
HAPROXY = "/usr/sbin/haproxy"


def haproxy_binary() -> str | None:
    """HAProxy's program, if it is installed."""
    if os.access(HAPROXY, os.X_OK):
        return HAPROXY
    return shutil.which("haproxy")


def cluster_skip_reason() -> str | None:
    """Why a cluster can't be started here, or None if it can."""
    if haproxy_binary() is None:
        return "HAProxy is not installed (apt-get install haproxy)"
    return postgres_skip_reason()


def haproxy_config(
    bind: str,
    nodes: Sequence[tuple[str, int]],
    host: str = "127.0.0.1",
    check_every: str = "500ms",
    maxconn: int = 4000,
) -> str:
    """The HAProxy 2.6 configuration of docs/scale.rst for ``nodes``
    (``(name, port)`` on ``host``), listening on ``bind`` (``ADDRESS:PORT``
    or ``:PORT``)."""
    servers = "\n".join(
        f"    server {name} {host}:{node_port} check" for name, node_port in nodes
    )
    return f"""\
global
    # Two descriptors a connection: keep it under HAProxy's file limit.
    maxconn {maxconn}

defaults
    mode http
    option forwardfor
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    # A WebSocket, once upgraded, is a tunnel: the server pings every 20 s.
    timeout tunnel 1h
    timeout client-fin 5s
    # A node that refuses the connection (it died): try another.
    retries 3
    option redispatch 1
    default-server inter {check_every} fall 2 rise 2

frontend players
    bind {bind}
    acl game path /websocket
    acl chose_a_table urlp(table) -m found
    use_backend by_table if game chose_a_table
    default_backend any_node

# Every player of table N reaches the node that N hashes to; when a node
# is down, only its tables move.
backend by_table
    balance url_param table
    hash-type consistent
    option httpchk GET /healthz
    http-check expect status 200
{servers}

# The pages, /tables, and players who let the server choose a table.
backend any_node
    balance leastconn
    option httpchk GET /healthz
    http-check expect status 200
{servers}
"""


def free_port() -> int:
    """A TCP port of 127.0.0.1 free now (for HAProxy, which can't be asked
    to choose one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Process(protocol.ProcessProtocol):
    """A child process: its output kept, ``ready`` fired with the first
    group of ``pattern`` in it, ``status`` its ``(exit code, signal)`` once
    it ended."""

    def __init__(self, pattern: bytes) -> None:
        self.output = b""
        self._pattern = re.compile(pattern)
        self.ready: Deferred[str] = Deferred()
        self.status: tuple[int | None, int | None] | None = None
        self.transport: Any = None

    @property
    def log(self) -> str:
        return self.output.decode(errors="replace")

    def outReceived(self, data: bytes) -> None:
        self.output += data
        if not self.ready.called:
            found = self._pattern.search(self.output)
            if found:
                self.ready.callback(found.group(1).decode())

    errReceived = outReceived

    def processEnded(self, reason: Failure) -> None:
        if not self.ready.called:
            self.ready.errback(RuntimeError(self.log))
        ended: Any = reason.value  # ProcessDone or ProcessTerminated
        self.status = (ended.exitCode, ended.signal)

    async def wait(self, timeout: float) -> tuple[int | None, int | None]:
        """``(exit code, signal)`` once the process has ended (any number of
        callers)."""
        await wait_for(
            lambda: self.status is not None, "the process's end", timeout=timeout
        )
        assert self.status is not None
        return self.status

    @property
    def running(self) -> bool:
        return self.status is None

    def signal(self, name: str) -> None:
        if self.running:
            self.transport.signalProcess(name)


class Node:
    """One ``twistd -n blackjack --node NAME`` process."""

    def __init__(self, name: str, process: Process) -> None:
        self.name = name
        self.process = process
        self.port = 0

    async def kill(self) -> None:
        """SIGKILL, and wait for the end."""
        self.process.signal("KILL")
        await self.ended()

    async def ended(self) -> tuple[int | None, int | None]:
        """``(exit code, signal)`` once the process has ended."""
        return await self.process.wait(TIMEOUT * 8)


def _reactor() -> Any:
    from twisted.internet import reactor

    return reactor


class Cluster:
    """A throwaway PostgreSQL database, ``nodes`` nodes and HAProxy, on
    127.0.0.1 (see the module). ``options`` are every node's (``twistd
    blackjack``'s); ``db`` an existing database, else a new one that is
    dropped at ``stop``."""

    def __init__(
        self,
        nodes: int = 3,
        options: Sequence[str] = (),
        lease_seconds: float = 4.0,
        db: str | None = None,
    ) -> None:
        self.node_count = nodes
        self.options = tuple(options)
        self.lease_seconds = lease_seconds
        self._own_db = db is None
        self.db = db or ""
        self.nodes: list[Node] = []
        self.haproxy: Process | None = None
        self.port = 0
        self.directory = Path(tempfile.mkdtemp(prefix="blackjackd-cluster-"))

    async def start(self, reactor: Any) -> None:
        """Start the nodes, then HAProxy once they listen; fires once HAProxy
        sees every node healthy."""
        if self._own_db:
            self.db = fresh_database_url()
        try:
            for index in range(self.node_count):
                self.nodes.append(self._spawn_node(reactor, f"node{index + 1}"))
            for node in self.nodes:
                node.process.ready.addTimeout(TIMEOUT * 4, reactor)
                node.port = int(await node.process.ready)
            self.port = free_port()
            config = self.directory / "haproxy.cfg"
            config.write_text(
                haproxy_config(
                    f"127.0.0.1:{self.port}", [(n.name, n.port) for n in self.nodes]
                )
            )
            binary = haproxy_binary()
            assert binary is not None, "HAProxy is installed"
            self.haproxy = Process(rb"(.)")
            # HAProxy may say nothing at all: its output is only kept.
            self.haproxy.ready.addErrback(lambda failure: None)
            reactor.spawnProcess(
                self.haproxy,
                binary,
                [binary, "-f", str(config), "-db"],
                env=dict(os.environ),
                path=str(self.directory),
            )
            await wait_for(
                lambda: self.haproxy is not None and self.haproxy.running,
                "HAProxy running",
                IReactorTime(reactor),
            )
            await self.wait_until_served(reactor)
        except BaseException:
            await self.stop()
            raise

    async def wait_until_served(self, reactor: Any) -> None:
        """Until HAProxy answers ``/tables`` (some node up behind it)."""
        clock = IReactorTime(reactor)
        deadline = clock.seconds() + TIMEOUT * 2
        while True:
            if clock.seconds() > deadline:
                raise TimeoutError(f"HAProxy never answered: {self.logs()}")
            try:
                status, _ = await http_get(reactor, self.port, "/tables")
            except Exception:
                status = None
            if status == 200:
                return
            await deferLater(clock, 0.1, lambda: None)

    async def restart(self, reactor: Any, name: str) -> Node:
        """Start node ``name`` again (it has ended), on its port: HAProxy
        sends it players again once its health checks pass."""
        old = self.node(name)
        if old.process.running:
            raise RuntimeError(f"{name} still runs")
        fresh = self._spawn_node(reactor, name, old.port)
        self.nodes[self.nodes.index(old)] = fresh
        fresh.process.ready.addTimeout(TIMEOUT * 4, reactor)
        fresh.port = int(await fresh.process.ready)
        return fresh

    def _spawn_node(self, reactor: Any, name: str, port: int = 0) -> Node:
        import sys

        twistd = str(Path(sys.executable).parent / "twistd")
        directory = self.directory / name
        directory.mkdir(exist_ok=True)
        process = Process(rb"Site starting on (\d+)")
        argv = [
            twistd,
            "--nodaemon",
            "--pidfile=",
            "--logfile=-",
            "blackjack",
            f"--port=tcp:{port}:interface=127.0.0.1",
            f"--node={name}",
            f"--db={self.db}",
            f"--lease-seconds={self.lease_seconds}",
            "--trusted-proxy=127.0.0.1",
            *self.options,
        ]
        process.transport = reactor.spawnProcess(
            process, argv[0], argv, env=child_environment(), path=str(directory)
        )
        return Node(name, process)

    def node(self, name: str) -> Node:
        return next(node for node in self.nodes if node.name == name)

    def logs(self) -> str:
        """Every process's output, for a failing test's message."""
        parts = [f"--- {node.name}\n{node.process.log[-6000:]}" for node in self.nodes]
        if self.haproxy is not None:
            parts.append(f"--- haproxy\n{self.haproxy.log[-2000:]}")
        return "\n".join(parts)

    async def stop(self) -> None:
        """Kill whatever still runs, drop the database, delete the files."""
        processes = [node.process for node in self.nodes]
        if self.haproxy is not None:
            processes.append(self.haproxy)
        for process in processes:
            if process.running and process.transport is not None:
                process.signal("KILL")
        for process in processes:
            if process.transport is not None:
                try:
                    await process.wait(TIMEOUT)
                except TimeoutError:
                    pass
        if self._own_db and self.db:
            try:
                drop_database(self.db)
            except Exception:
                pass
        shutil.rmtree(self.directory, ignore_errors=True)
