"""The servers ``bench/load.py`` starts: each a child process on loopback
that says which port it listens on, and is always stopped at the end (also
when the benchmark fails or is interrupted). The game server runs in a
temporary directory of its own, where it keeps its database (its default
``--db``, a SQLite file in its working directory), deleted when it ends."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from twisted.internet import defer, protocol

#: How long a child has to exit after SIGTERM before it gets SIGKILL.
STOP_GRACE_SECONDS = 5.0


class Child(protocol.ProcessProtocol):
    """A server process: ``port`` fires with the port its output names
    (``ready`` matches it, the port being the first group); ``stop`` ends it."""

    def __init__(
        self, reactor, ready: re.Pattern[bytes], directory: str | None = None
    ) -> None:
        self._reactor = reactor
        self._ready = ready
        #: The child's working directory, deleted once it has ended.
        self.directory = directory
        self.output = b""
        self.port: defer.Deferred[int] = defer.Deferred()
        self._has_ended = False
        self._waiting: list[defer.Deferred[None]] = []
        self._kill_call = None

    @property
    def pid(self) -> int:
        return self.transport.pid

    def outReceived(self, data: bytes) -> None:
        if self.port.called:
            return  # e.g. the access log of every connection: not ours to keep
        self.output += data
        found = self._ready.search(self.output)
        if found:
            self.port.callback(int(found.group(1)))

    errReceived = outReceived

    def processEnded(self, reason) -> None:
        self._has_ended = True
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
        if self._kill_call is not None and self._kill_call.active():
            self._kill_call.cancel()
        if not self.port.called:
            self.port.errback(RuntimeError(self.output.decode(errors="replace")))
        waiting, self._waiting = self._waiting, []
        for ended in waiting:
            ended.callback(None)

    def stop(self) -> defer.Deferred[None]:
        """SIGTERM, then SIGKILL if it lingers; fires once the process is gone."""
        if self._has_ended:
            return defer.succeed(None)
        ended: defer.Deferred[None] = defer.Deferred()
        self._waiting.append(ended)
        if self._kill_call is None:
            self.transport.signalProcess("TERM")
            self._kill_call = self._reactor.callLater(STOP_GRACE_SECONDS, self._kill)
        return ended

    def _kill(self) -> None:
        if not self._has_ended:
            self.transport.signalProcess("KILL")


def _spawn(reactor, child: Child, argv: list[str], env: dict[str, str]) -> Child:
    reactor.spawnProcess(child, argv[0], argv, env=env, path=child.directory)
    # Whatever happens to the benchmark, the child doesn't outlive it.
    reactor.addSystemEventTrigger("before", "shutdown", child.stop)
    return child


def start_game_server(
    reactor,
    repo: Path,
    game: str,
    tables: int,
    seats: int,
    round_delay: float,
    options: Sequence[str] = (),
    uncap_addresses: bool = True,
    fd_limit: int | None = None,
) -> Child:
    """``twistd blackjack`` on a free loopback port, running the server code
    of the checkout at ``repo`` (with this Python's packages), in a new
    temporary directory: its database starts empty there, whatever the
    checkout's version calls it, and goes with the directory. ``options``
    are more of twistd blackjack's; unless ``uncap_addresses`` is false, the
    seats and pending handshakes of one address are not capped.
    ``fd_limit`` caps the server's open files (``prlimit --nofile``), as a
    default ``ulimit -n`` of 1024 would."""
    twistd = Path(sys.executable).parent / "twistd"
    argv = [
        str(twistd),
        "--nodaemon",
        "--pidfile=",
        "--logfile=-",
        "blackjack",
        "--port=tcp:0:interface=127.0.0.1",
        f"--tables={tables}",
        f"--seats={seats}",
        f"--round-delay={round_delay}",
        f"--game={game}",
    ]
    argv.extend(options)
    if uncap_addresses:
        # Every bot connects from 127.0.0.1, many at once (older versions
        # had no caps).
        for cap in ("seats-per-address", "pending-per-address", "sign-ins-per-address"):
            if has_option(repo, cap):
                argv.append(f"--{cap}=0")
    if fd_limit is not None:
        argv = ["prlimit", f"--nofile={fd_limit}:{fd_limit}", "--", *argv]
    directory = tempfile.mkdtemp(prefix="blackjackd-bench-")
    child = Child(reactor, re.compile(rb"Site starting on (\d+)"), directory)
    return _spawn(reactor, child, argv, dict(os.environ, PYTHONPATH=str(repo)))


def has_option(repo: Path, name: str) -> bool:
    """Whether the checkout's ``twistd blackjack`` knows ``--name``."""
    return f'"{name}"' in (repo / "blackjackd" / "tap.py").read_text()


def start_echo_server(reactor) -> Child:
    """``bench/echo_server.py`` on a free loopback port."""
    script = Path(__file__).resolve().parent / "echo_server.py"
    argv = [sys.executable, str(script), "0"]
    child = Child(reactor, re.compile(rb"listening on (\d+)"))
    return _spawn(reactor, child, argv, dict(os.environ))


def describe_checkout(repo: Path) -> str:
    """The checkout's commit, for the record (``?`` if git can't tell)."""
    try:
        found = subprocess.run(
            ["git", "-C", str(repo), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except OSError:
        return "?"
    return found.stdout.strip() or "?"
