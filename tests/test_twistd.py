"""``twistd blackjack`` as a real process: its options, and a round played
against it over a real WebSocket."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from twisted.internet import protocol, reactor
from twisted.internet.defer import Deferred
from twisted.trial.unittest import SynchronousTestCase, TestCase

from blackjackd.testing import TIMEOUT, http_get, open_client
from blackjackd.testing.children import child_environment
from tests.scratch import scratch_directory

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _command(script: str) -> list[str]:
    """Run Twisted's ``script`` (twistd or twist) with this Python."""
    installed = BIN / script
    if installed.exists():
        return [str(installed)]
    module = {
        "twistd": "twisted.scripts.twistd",
        "twist": "twisted.application.twist._twist",
    }
    entry = "run()" if script == "twistd" else "Twist.main()"
    name = "run" if script == "twistd" else "Twist"
    return [sys.executable, "-c", f"from {module[script]} import {name}; {entry}"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, env=child_environment(), timeout=60
    )


# (options, what twistd says of them)
BAD_OPTIONS = [
    (["--seats", "9"], "9 is out of range (1 to 7)"),
    (["--turn-timeout", "0"], "0 must be more than 0 seconds"),
    (["--round-delay", "soon"], "'soon' is not a number of seconds"),
    (["--port", "nonsense:1"], "--port: 'nonsense:1' is not a server endpoint"),
    (["--port", "tcp:99999"], "port 99999 is out of range (0 to 65535)"),
    # Without pyOpenSSL, or with it and no key file: a usage error either way.
    (["--port", "ssl:8443:privateKey=absent.pem"], "is not a server endpoint"),
    (["--min-bet", "5"], "--min-bet: only for casino tables (--game casino)"),
    (["--node", "n1"], "--node: the nodes of a cluster share a PostgreSQL"),
    (
        ["--node", "a b", "--db", "postgresql:///bj"],
        "--node: 'a b' is not a node name",
    ),
    (
        ["--game", "casino", "--max-bet", "5"],
        "--min-bet (10) is above --max-bet (5)",
    ),
]

OPTIONS = (
    "--port=",
    "--tables=",
    "--seats=",
    "--decks=",
    "--h17",
    "--turn-timeout=",
    "--round-delay=",
    "--game=",
    "--min-bet=",
    "--max-bet=",
    "--bet-timeout=",
    "--starting-chips=",
    "--blackjack-pays=",
    "--das",
    "--no-das",
    "--surrender",
    "--resplit-aces",
    "--db=",
    "--seat-grace=",
    "--idle-rounds=",
    "--rebuy-interval=",
    "--guests",
    "--expose-version",
    "--seats-per-address=",
    "--trusted-proxy=",
    "--handshake-timeout=",
    "--max-connections=",
    "--pending-per-address=",
    "--sign-ins-per-address=",
    "--watchers=",
    "--drain-timeout=",
    "--metrics-port=",
    "--allowed-origins=",
)


class CommandLineTests(SynchronousTestCase):
    """``twistd blackjack`` and ``twist blackjack`` run as commands."""

    def test_the_installed_package_brings_the_plugin(self):
        """twistd finds the plugin where ``pip install .`` put it."""
        # No PYTHONPATH and a bare working directory: twistd can find the
        # plugin only where `pip install .` put it.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        result = subprocess.run(
            [*_command("twistd"), "--help"],
            capture_output=True,
            text=True,
            env=env,
            cwd=scratch_directory(self),
            timeout=60,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(
            re.search(r"^\s+blackjack\s+\S", result.stdout, re.M),
            "twistd doesn't list blackjack: is the package installed (pip install .)?",
        )

    def test_twistd_blackjack_help_documents_every_option(self):
        """``--help`` lists every option."""
        result = _run(*_command("twistd"), "blackjack", "--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        for option in OPTIONS:
            self.assertIn(option, result.stdout, f"--help documents {option}")

    def test_twist_knows_blackjack_too(self):
        """``twist blackjack`` has the same options."""
        result = _run(*_command("twist"), "blackjack", "--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("--turn-timeout=", result.stdout, "twist documents it")

    def test_a_bad_option_is_a_usage_error(self):
        """A bad option: a usage message and a failed exit, no traceback."""
        for args, complaint in BAD_OPTIONS:
            case = " ".join(args)
            result = _run(*_command("twistd"), "blackjack", *args)
            output = result.stdout + result.stderr
            self.assertNotEqual(result.returncode, 0, f"{case}: twistd fails")
            self.assertIn(complaint, output, f"{case}: says {complaint!r}")
            self.assertNotIn("Traceback", output, f"{case}: no traceback")

    def _listen_where_taken(self, *command: str) -> tuple[int, str, str]:
        """Run ``command`` (twistd or twist, up to ``blackjack``) on a
        loopback port that is taken: its exit code, stdout and stderr."""
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = subprocess.run(
                [*command, f"--port=tcp:{port}:interface=127.0.0.1"],
                capture_output=True,
                text=True,
                env=child_environment(),
                cwd=scratch_directory(self),
                timeout=60,
            )
        line = (
            f"blackjackd: cannot listen on tcp:{port}:interface=127.0.0.1: "
            "address already in use"
        )
        return result.returncode, result.stdout + result.stderr, line

    def test_a_port_that_cannot_be_listened_on_stops_twistd(self):
        """A port that is taken stops twistd at once, with one line."""
        # It must exit with an error at once, not run on without a listening
        # socket, and say why in one line rather than a traceback.
        directory = scratch_directory(self)
        code, output, line = self._listen_where_taken(
            *_command("twistd"),
            "--nodaemon",
            f"--pidfile={directory / 'twistd.pid'}",
            "--logfile=-",
            "blackjack",
        )
        self.assertNotEqual(code, 0, output)
        self.assertIn(line, output)
        self.assertNotIn("Traceback", output)
        self.assertFalse((directory / "twistd.pid").exists(), "no pid file left")

    def test_a_port_that_cannot_be_listened_on_stops_twist(self):
        """``twist`` too: one line on stderr, and it exits (the database's
        threads haven't started)."""
        code, output, line = self._listen_where_taken(*_command("twist"), "blackjack")
        self.assertNotEqual(code, 0, output)
        self.assertEqual(output.strip(), line)


class _ServerProcess(protocol.ProcessProtocol):
    """Collects the server's log and learns the port it listens on."""

    def __init__(self) -> None:
        self.output = b""
        self.listening: Deferred[int] = Deferred()
        self.ended: Deferred[tuple[int | None, int | None]] = Deferred()

    def outReceived(self, data: bytes) -> None:
        self.output += data
        found = re.search(rb"Site (?:\(TLS\) )?starting on (\d+)", self.output)
        if found and not self.listening.called:
            self.listening.callback(int(found.group(1)))

    errReceived = outReceived

    def processEnded(self, reason) -> None:
        if not self.listening.called:
            self.listening.errback(RuntimeError(self.output.decode(errors="replace")))
        self.ended.callback((reason.value.exitCode, reason.value.signal))


def _spawn_twistd(directory: Path, *options: str) -> tuple[_ServerProcess, Any]:
    """Start ``twistd -n blackjack`` on a free loopback port."""
    command = _command("twistd")
    server = _ServerProcess()
    transport = reactor.spawnProcess(
        server,
        command[0],
        [
            *command,
            "--nodaemon",
            "--pidfile=",
            "--logfile=-",
            "blackjack",
            "--port=tcp:0:interface=127.0.0.1",
            *options,
        ],
        env=child_environment(),
        path=str(directory),
    )
    server.listening.addTimeout(TIMEOUT * 2, reactor)
    return server, transport


class ServerProcessTests(TestCase):
    """Rounds played against a ``twistd -n blackjack`` process."""

    async def _stop_twistd(
        self, server: _ServerProcess, transport: Any, directory: Path
    ) -> None:
        """Stop it with SIGTERM and check that it shut down cleanly."""
        if server.ended.called is False:
            transport.signalProcess(signal.SIGTERM)
        server.ended.addTimeout(TIMEOUT, reactor)
        exit_code, exit_signal = await server.ended
        log = server.output.decode(errors="replace")
        # A drain is the normal way to stop: twistd exits 0.
        self.assertEqual((exit_code, exit_signal), (0, None), log)
        self.assertIn("Server Shut Down.", log, "twistd logs its shutdown")
        self.assertNotIn("Traceback", log, "no traceback in twistd's log")
        self.assertFalse((directory / "twistd.pid").exists(), "the pid file is gone")

    async def test_play_a_round_against_twistd(self):
        """A classic round, and the health check, against twistd."""
        directory = scratch_directory(self)
        # No seat held for the player once gone: the stop has no hand to wait
        # for (a held seat's hand would be played out by its turn timer).
        server, transport = _spawn_twistd(
            directory, "--round-delay=0.2", "--seats=2", "--seat-grace=0"
        )
        try:
            port = await server.listening
            player = await open_client(reactor, port)
            try:
                self.assertEqual(await player.next(), {"type": "auth"})
                player.send({"type": "auth", "data": {"username": "tester"}})
                start = await player.until("hit")
                my_id = start[0]["client_id"]
                start += await player.until("hit")
                # Two cards, unless they make 21 and the table stands the hand.
                following = await player.next()
                self.assertIn(following["type"], ("deadline", "stand"), following)
                if following["type"] == "deadline":
                    player.send({"type": "stand"})
                end = await player.until("round_over")
                results = end[-1]["results"]
                self.assertEqual([r["id"] for r in results], [my_id])
                verdict = {"win": "winner", "lose": "lose", "push": "push"}
                self.assertIn(
                    verdict[results[0]["result"]],
                    {m["type"] for m in end},
                    f"the {results[0]['result']} is told",
                )
                self.assertEqual(
                    (await player.until("restart"))[-1], {"type": "restart"}
                )

                _, body = await http_get(reactor, port, "/healthz")
                health = json.loads(body)
                self.assertEqual((health["seats_total"], health["seats_taken"]), (2, 1))
            finally:
                await player.close()
        finally:
            await self._stop_twistd(server, transport, directory)

    async def test_play_a_casino_round_against_twistd(self):
        """A casino round against twistd: bet, play, paid."""
        directory = scratch_directory(self)
        server, transport = _spawn_twistd(
            directory, "--game=casino", "--starting-chips=300", "--round-delay=0.2"
        )
        try:
            port = await server.listening
            player = await open_client(reactor, port)
            try:
                self.assertEqual(await player.next(), {"type": "auth"})
                player.send(
                    {"type": "auth", "data": {"username": "tester", "password": "pw"}}
                )
                hello = await player.until("betting")
                self.assertEqual(
                    (hello[0]["game"], hello[0]["balance"]), ("casino", 300)
                )
                player.send({"type": "bet", "amount": 10})
                # Decline insurance if offered, stand on every hand, until the
                # round is settled (a dealer blackjack may settle it at once).
                while (message := await player.next())["type"] != "round_over":
                    if message["type"] == "insurance_offer":
                        player.send({"type": "insurance", "take": False})
                    elif message["type"] == "deadline":
                        player.send({"type": "stand", "hand": message["hand"]})
                (result,) = message["results"]
                self.assertEqual(result["bet"], 10)
                balance = await player.next()
                self.assertEqual(
                    balance,
                    {
                        "type": "balance",
                        "balance": result["balance"],
                        "net": result["balance"] - 300,
                    },
                )
                self.assertEqual(result["payout"], result["balance"] - 290)
                self.assertEqual((await player.until("betting"))[-1]["type"], "betting")
            finally:
                await player.close()
        finally:
            await self._stop_twistd(server, transport, directory)
