"""Attack benchmark: does a bystander keep playing while hostile clients
hit a real ``twistd blackjack`` process?

    python bench/attacks.py [--seconds 5] [--only ATTACK ...] [--repo PATH]

Starts the server (one classic table of five seats) on a free loopback
port in a temporary directory, seats one bystander bot from 127.0.0.1 that
plays rounds (``bench/load.py``'s bot) and, after a quiet baseline window,
runs each attack for a bounded time:

- ``slowloris``: ``--slowloris-sockets`` connections (spread over
  ``--slowloris-addresses`` loopback addresses 127.0.1.x) each dripping one
  byte of a WebSocket upgrade request a second, for
  ``--slowloris-seconds`` (longer than the default 10 s handshake timeout,
  so that the timeout shows); with ``--server-fd-limit 1024`` and more
  sockets than that, what a default ``ulimit -n`` makes of it (the server
  then runs with ``--max-connections`` 100 under the limit);
- ``ping-flood``: ``--flooders`` clients from 127.0.0.2 that finish the
  handshake, then send pings (125-byte payloads) as fast as the socket
  takes them, never reading;
- ``continuation``: one client from 127.0.0.3 that opens a text message
  and sends its empty continuation frames without end;
- ``seat-squatting``: on a fresh server with the default ``--idle-rounds``
  and ``--seats-per-address`` (and ``--turn-timeout`` of
  ``--squat-turn-timeout``, so idle rounds pass in seconds), five sockets
  that sit down and never act, all from 127.0.0.4, then one from each of
  127.0.0.4-8; then how long a newcomer from 127.0.0.9, asking again
  every half second after a 507, waits for a seat (at most
  ``--squat-seconds``).

For each it prints the bystander's action->answer latency (p50, p99, max),
the rounds it completed, whether the server closed it, whether newcomers
could still open a WebSocket (one try a second from 127.0.0.1), the
server's RSS (VmRSS) before, at its peak and a second after, and what the
attacker saw. The attackers run in child processes of their own with
plain blocking sockets, so they don't slow the bystander's reactor; each
ends by itself, and everything is stopped at the end. ``--repo`` runs the
server code of another checkout. It asserts nothing; it measures.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from autobahn.twisted.websocket import WebSocketClientFactory, WebSocketClientProtocol
from cpu import rss_kib
from load import Bot, auth_message, new_stats, quantile_ms
from processes import describe_checkout, has_option, start_game_server
from twisted.internet import defer, task, threads
from twisted.internet.endpoints import TCP4ClientEndpoint

REPO = Path(__file__).resolve().parent.parent
ATTACKS = ("slowloris", "ping-flood", "continuation", "seat-squatting")
#: Seconds given to the server between two attacks.
RECOVER_SECONDS = 2.0

# -- The attackers: child processes with plain blocking sockets --------------


def upgrade_request(port: int) -> bytes:
    return (
        "GET /websocket HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


def connect(port: int, source: str) -> socket.socket:
    return socket.create_connection(
        ("127.0.0.1", port), timeout=5, source_address=(source, 0)
    )


def upgraded(port: int, source: str) -> socket.socket | None:
    """A socket past the opening handshake, or None if refused."""
    try:
        sock = connect(port, source)
        sock.sendall(upgrade_request(port))
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                return None
            answer += data
    except OSError:
        return None
    if b" 101 " not in answer.split(b"\r\n", 1)[0]:
        sock.close()
        return None
    sock.setblocking(False)
    return sock


def is_closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(4096, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def slowloris(port: int, seconds: float, count: int, addresses: int) -> dict:
    request = upgrade_request(port)
    started = time.monotonic()
    socks: list[socket.socket] = []
    failed = 0
    for number in range(count):
        try:
            sock = connect(port, f"127.0.1.{number % addresses + 1}")
        except OSError:
            failed += 1
            continue
        sock.setblocking(False)
        socks.append(sock)
    sent = [0] * len(socks)
    closed_at: dict[int, float] = {}
    while time.monotonic() - started < seconds:
        for number, sock in enumerate(socks):
            if number in closed_at:
                continue
            try:
                if is_closed(sock):
                    raise ConnectionResetError
                sock.send(request[sent[number] % len(request) :][:1])
                sent[number] += 1
            except OSError:
                closed_at[number] = time.monotonic() - started
        time.sleep(1.0)
    first = min(closed_at.values(), default=None)
    return {
        "summary": f"{len(socks)} sockets ({failed} failed to connect), "
        f"{len(closed_at)} closed by the server"
        + ("" if first is None else f" (the first after {first:.1f} s)"),
    }


def flood(port: int, seconds: float, clients: int, source: str, kind: str) -> dict:
    if kind == "ping":
        frame = b"\x89\xfd\0\0\0\0" + b"p" * 125  # FIN ping, masked, 125 bytes
        opening = b""
    else:
        frame = b"\x00\x80\0\0\0\0"  # an empty continuation frame, masked
        opening = b"\x01\x80\0\0\0\0"  # a text message's first, empty frame
    chunk = frame * (65536 // len(frame))
    socks = [sock for sock in (upgraded(port, source) for _ in range(clients)) if sock]
    refused = clients - len(socks)
    offsets = dict.fromkeys(socks, 0)
    closed_at: dict[socket.socket, float] = {}
    started = time.monotonic()
    for sock in socks:
        sock.setblocking(True)
        sock.sendall(opening)
        sock.setblocking(False)
    while time.monotonic() - started < seconds:
        live = [sock for sock in socks if sock not in closed_at]
        if not live:
            break
        _, writable, _ = select.select([], live, [], 0.1)
        for sock in writable:
            position = offsets[sock] % len(chunk)
            try:
                offsets[sock] += sock.send(chunk[position:])
            except BlockingIOError:
                pass
            except OSError:
                closed_at[sock] = time.monotonic() - started
        for sock in live:
            if sock not in closed_at and is_closed(sock):
                closed_at[sock] = time.monotonic() - started
    frames = sum(offsets.values()) // len(frame)
    first = min(closed_at.values(), default=None)
    name = "pings" if kind == "ping" else "continuation frames"
    return {
        "summary": f"{len(socks)} client(s) ({refused} refused), {frames:,} {name} "
        f"sent, {len(closed_at)} closed by the server"
        + ("" if first is None else f" (the first after {first:.1f} s)"),
    }


def attacker_main(argv: list[str]) -> None:
    kind, port, seconds, count, extra = argv
    if kind == "slowloris":
        result = slowloris(int(port), float(seconds), int(count), int(extra))
    else:
        result = flood(int(port), float(seconds), int(count), extra, kind)
    print(json.dumps(result), flush=True)


# -- The bystander, the newcomers and the server's memory ----------------------


class Bystander(Bot):
    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        super().onClose(wasClean, code, reason)
        if not self.factory.stats["gone"]:
            self.factory.stats["gone"] = f"{code} {reason or ''}".strip()


class Probe(WebSocketClientProtocol):
    def onOpen(self) -> None:
        if not self.factory.opened.called:
            self.factory.opened.callback(None)
        self.dropConnection(abort=True)


class Squatter(WebSocketClientProtocol):
    """Sits down and never acts (autobahn still answers the server's pings)."""

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        message = json.loads(payload)
        kind = message.get("type")
        if kind == "auth":
            auth = {"type": "auth", "data": {"username": self.factory.name}}
            self.sendMessage(json.dumps(auth).encode())
        elif kind == "id" and not self.factory.answer.called:
            self.factory.answer.callback(True)
        elif kind == "error" and not self.factory.answer.called:
            self.factory.answer.callback(message.get("status_code"))

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        if not self.factory.answer.called:
            self.factory.answer.callback(code)


def mib(kib: int | None) -> str:
    return "?" if kib is None else f"{kib / 1024:.0f}"


async def probe(reactor, port: int, timeout: float = 3.0) -> float | None:
    """Seconds to open a WebSocket from 127.0.0.1, or None if it can't."""
    factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}/websocket")
    factory.protocol = Probe
    factory.opened = defer.Deferred()
    started = time.perf_counter()
    endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", port, timeout=timeout)
    connected = None
    try:
        connected = await endpoint.connect(factory).addTimeout(timeout, reactor)
        await factory.opened.addTimeout(timeout, reactor)
        return time.perf_counter() - started
    except Exception:
        return None
    finally:
        if connected is not None and connected.transport is not None:
            connected.transport.abortConnection()


async def sit(reactor, port: int, source: str, name: str, timeout: float = 5.0):
    """A squatter from ``source``: (its connection, True if seated, else the
    error's status code or close code)."""
    factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}/websocket")
    factory.protocol = Squatter
    factory.name = name
    factory.answer = defer.Deferred()
    endpoint = TCP4ClientEndpoint(
        reactor, "127.0.0.1", port, timeout=timeout, bindAddress=(source, 0)
    )
    try:
        connected = await endpoint.connect(factory).addTimeout(timeout, reactor)
    except Exception as error:
        return None, type(error).__name__
    try:
        answer = await factory.answer.addTimeout(timeout, reactor)
    except defer.TimeoutError:
        answer = "no answer"
    return connected, answer


class Attacker:
    """One attacker child process, killed at the latest when we shut down."""

    def __init__(self, reactor, argv: list[str]) -> None:
        command = [sys.executable, __file__, "--attacker", *argv]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        reactor.addSystemEventTrigger("before", "shutdown", self.kill)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def finished(self, timeout: float) -> defer.Deferred[dict]:
        def wait() -> dict:
            try:
                out, _ = self.process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return {"summary": "the attacker overran and was killed"}
            try:
                return json.loads(out.strip().splitlines()[-1])
            except (ValueError, IndexError):
                return {"summary": f"the attacker failed ({self.process.returncode})"}

        return threads.deferToThread(wait)


async def window(reactor, name: str, server, port, stats, argv, seconds) -> dict:
    """Runs one attack (none if ``argv`` is None) and measures the bystander,
    newcomers and the server's memory meanwhile."""
    for key in ("actions", "rounds", "closed_by_server", "errors"):
        stats[key] = 0
    stats["latencies"].clear()
    before = peak = rss_kib(server.pid)
    opened: list[float | None] = []
    attacker = None if argv is None else Attacker(reactor, argv)
    started = time.monotonic()
    next_probe = started + 0.5
    while time.monotonic() - started < seconds or (
        attacker is not None and attacker.process.poll() is None
    ):
        if time.monotonic() - started > seconds + 30:
            break
        if time.monotonic() >= next_probe:
            next_probe += 1.0
            opened.append(await probe(reactor, port))
        now = rss_kib(server.pid)
        if now is not None and (peak is None or now > peak):
            peak = now
        await task.deferLater(reactor, 0.1)
    elapsed = time.monotonic() - started
    seen = {"summary": ""} if attacker is None else await attacker.finished(30)
    figures = {
        "name": name,
        "seconds": elapsed,
        "latencies": sorted(stats["latencies"]),
        "rounds": stats["rounds"],
        "closed": stats["gone"],
        "opened": opened,
        "before": before,
        "peak": peak,
        "attacker": seen["summary"],
    }
    await task.deferLater(reactor, 1.0)
    figures["after"] = rss_kib(server.pid)
    return figures


def quantile(latencies: list[float], q: float) -> str:
    return f"{quantile_ms(latencies, q):.1f}" if latencies else "-"


def report(figures: dict) -> None:
    latencies = figures["latencies"]
    opened = [o for o in figures["opened"] if o is not None]
    print(f"\n{figures['name']} ({figures['seconds']:.1f} s)")
    print(
        f"  bystander    p50 {quantile(latencies, 0.5)} ms  "
        f"p99 {quantile(latencies, 0.99)} ms  max "
        + (f"{latencies[-1] * 1000:.1f}" if latencies else "-")
        + f" ms  ({len(latencies)} answers, {figures['rounds']} rounds"
        + (f", closed: {figures['closed']})" if figures["closed"] else ")")
    )
    print(
        f"  newcomers    {len(opened)} of {len(figures['opened'])} opened a WebSocket"
        + (f" (slowest {max(opened) * 1000:.0f} ms)" if opened else "")
    )
    print(
        f"  server RSS   {mib(figures['before'])} MiB before, "
        f"{mib(figures['peak'])} peak, {mib(figures['after'])} a second after"
    )
    if figures["attacker"]:
        print(f"  attacker     {figures['attacker']}")


async def squatting(reactor, args, sources: list[str]) -> None:
    options = []
    if has_option(args.repo, "turn-timeout"):
        options.append(f"--turn-timeout={args.squat_turn_timeout}")
    server = start_game_server(
        reactor,
        args.repo,
        "classic",
        1,
        5,
        args.round_delay,
        options=options,
        uncap_addresses=False,
    )
    port = await server.port
    squatters = []
    answers = []
    for number, source in enumerate(sources):
        connected, answer = await sit(reactor, port, source, f"squatter{number}")
        answers.append(answer)
        if connected is not None:
            squatters.append(connected)
    seated = answers.count(True)
    refused = [a for a in answers if a is not True]
    started = time.monotonic()
    tries = 0
    waited = None
    while time.monotonic() - started < args.squat_seconds:
        tries += 1
        connected, answer = await sit(reactor, port, "127.0.0.9", f"newcomer{tries}")
        if answer is True:
            waited = time.monotonic() - started
            connected.transport.abortConnection()
            break
        if connected is not None:
            connected.transport.abortConnection()
        await task.deferLater(reactor, 0.5)
    addresses = "one address" if len(set(sources)) == 1 else "five addresses"
    print(f"\nseat-squatting: 5 idle sockets from {addresses}")
    print(
        f"  squatters    {seated} of 5 seated"
        + (f" (the others: {', '.join(map(str, refused))})" if refused else "")
    )
    if waited is None:
        print(f"  newcomer     no seat in {args.squat_seconds:.0f} s ({tries} tries)")
    else:
        print(f"  newcomer     seated after {waited:.1f} s ({tries} tries)")
    print(f"  server RSS   {mib(rss_kib(server.pid))} MiB")
    for squatter in squatters:
        if squatter.transport is not None:
            squatter.transport.abortConnection()
    await server.stop()


async def run(reactor, args: argparse.Namespace) -> None:
    print(f"server code  {args.repo} ({describe_checkout(args.repo)})")
    print(
        f"one classic table of 5 seats, --round-delay {args.round_delay}; "
        "the bystander plays from 127.0.0.1"
    )
    attacks = [a for a in ATTACKS if a in args.only]
    live = [a for a in attacks if a != "seat-squatting"]
    if live:
        options = []
        if args.server_fd_limit and has_option(args.repo, "max-connections"):
            # As the README says: keep --max-connections under ulimit -n.
            options.append(f"--max-connections={args.server_fd_limit - 100}")
        server = start_game_server(
            reactor,
            args.repo,
            "classic",
            1,
            5,
            args.round_delay,
            options,
            fd_limit=args.server_fd_limit,
        )
        port = await server.port
        stats: dict[str, Any] = {**new_stats(), "gone": False}
        factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}/websocket")
        factory.protocol = Bystander
        factory.stats = stats
        factory.auth = auth_message("classic")
        factory.round_counters = {}
        factory.stopping = False
        bystander = await TCP4ClientEndpoint(reactor, "127.0.0.1", port).connect(
            factory
        )
        while not stats["seated"] and not stats["gone"]:
            await task.deferLater(reactor, 0.05)
        await task.deferLater(reactor, 1.0)
        argvs = {
            "slowloris": (
                args.slowloris_seconds,
                args.slowloris_sockets,
                args.slowloris_addresses,
            ),
            "ping-flood": (args.seconds, args.flooders, "127.0.0.2"),
            "continuation": (args.seconds, 1, "127.0.0.3"),
        }
        report(await window(reactor, "baseline", server, port, stats, None, 2.0))
        for attack in live:
            seconds, count, extra = argvs[attack]
            kind = {"ping-flood": "ping"}.get(attack, attack)
            argv = [kind, str(port), str(seconds), str(count), str(extra)]
            report(await window(reactor, attack, server, port, stats, argv, seconds))
            await task.deferLater(reactor, RECOVER_SECONDS)
        factory.stopping = True
        await server.stop()
        if bystander.transport is not None:
            bystander.transport.abortConnection()
    if "seat-squatting" in attacks:
        await squatting(reactor, args, ["127.0.0.4"] * 5)
        await squatting(reactor, args, [f"127.0.0.{n}" for n in range(4, 9)])


def main() -> None:
    if sys.argv[1:2] == ["--attacker"]:
        attacker_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="each attack")
    parser.add_argument("--only", nargs="+", choices=ATTACKS, default=list(ATTACKS))
    parser.add_argument(
        "--round-delay",
        type=float,
        default=0.25,
        help="the server's pause between rounds: at 0 the bystander plays "
        "past the 10 messages a second its budget allows",
    )
    parser.add_argument("--slowloris-sockets", type=int, default=500)
    parser.add_argument("--slowloris-addresses", type=int, default=100)
    parser.add_argument("--slowloris-seconds", type=float, default=15.0)
    parser.add_argument(
        "--server-fd-limit",
        type=int,
        default=None,
        help="the server's open-file limit (ulimit -n), e.g. 1024: a "
        "slowloris of more sockets than that shows what happens at the limit",
    )
    parser.add_argument("--flooders", type=int, default=4)
    parser.add_argument("--squat-turn-timeout", type=float, default=2.0)
    parser.add_argument("--squat-seconds", type=float, default=30.0)
    parser.add_argument(
        "--repo",
        type=Path,
        default=REPO,
        help="run the server code of this checkout (default: this one)",
    )
    args = parser.parse_args()
    args.repo = args.repo.resolve()
    if not (args.repo / "blackjackd" / "__init__.py").is_file():
        parser.error(f"--repo: {args.repo} holds no blackjackd package")
    if not 1 <= args.slowloris_addresses <= 254:
        parser.error("--slowloris-addresses: 1 to 254")
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    task.react(lambda reactor: defer.ensureDeferred(run(reactor, args)))


if __name__ == "__main__":
    main()
