"""The real server, as ``twistd blackjack`` builds it, in a process of its
own and dealing stacked cards: for driving the web client from a browser.

    python -m blackjackd.testing.webserver [--cards TS,2S,...] [twistd options]

Every table deals ``--cards`` in order, then a seeded shuffle of six decks,
so a scripted round goes where a test means it to and whatever follows still
has cards. The other options are ``twistd blackjack``'s (``--port`` is
``tcp:0:interface=127.0.0.1`` unless given, ``--db`` ``sqlite::memory:``).
Once listening it prints ``port N`` on a line of its own; it stops when its
standard input closes, so it never outlives the test that started it.

``WebServer`` starts one from a test: ``url`` is its address, ``stop()``
ends it (and waits for it).
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from typing import Any

from blackjackd.testing.children import child_environment

#: A deck in the protocol's card names.
DECK = [rank + suit for suit in "SHDC" for rank in "A23456789TJQK"]
#: Cards after the stacked ones, so rounds never run the shoe dry.
FILLER_DECKS = 6
#: Seconds a test waits for the server to listen.
START_TIMEOUT = 30.0

#: Debian's Chromium, which the browser tests and the screenshot script drive.
CHROMIUM = "/usr/bin/chromium"
#: Headless as root on a machine with no network beyond loopback: no
#: sandbox (root), no GPU, and none of the background connections that
#: a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def stacked_cards(cards: Sequence[str], seed: int = 0) -> list[str]:
    """``cards``, then ``FILLER_DECKS`` decks shuffled by ``seed``."""
    filler = DECK * FILLER_DECKS
    random.Random(seed).shuffle(filler)
    return [*cards, *filler]


def serve(argv: Sequence[str]) -> None:
    """Run the server that ``argv`` describes until standard input closes."""
    from twisted.application.internet import StreamServerEndpointService
    from twisted.internet import reactor, stdio
    from twisted.internet.defer import maybeDeferred
    from twisted.internet.protocol import Protocol
    from twisted.python.failure import Failure

    from blackjackd import lobby
    from blackjackd.shoe import Shoe, StackedShoe
    from blackjackd.tap import Options, makeService

    arguments = list(argv)
    cards: list[str] = []
    if "--cards" in arguments:
        at = arguments.index("--cards")
        cards = [card for card in arguments[at + 1].split(",") if card]
        del arguments[at : at + 2]
    if not any(a == "--port" or a.startswith("--port=") for a in arguments):
        arguments += ["--port", "tcp:0:interface=127.0.0.1"]
    if not any(a == "--db" or a.startswith("--db=") for a in arguments):
        arguments += ["--db", "sqlite::memory:"]
    options = Options()
    options.parseOptions(arguments)

    def stacked_shoe(config: Any, rng: random.Random) -> Shoe:
        return StackedShoe(stacked_cards(cards))

    # Lobby.build deals from new_shoe unless told otherwise; makeService
    # doesn't tell it, and is otherwise exactly what twistd runs.
    lobby.new_shoe = stacked_shoe
    service = makeService(options)
    service.startService()
    listening = None
    for child in service:  # type: ignore[attr-defined]
        if isinstance(child, StreamServerEndpointService):
            listening = child._waitingForPort
    assert listening is not None

    def announce(port: Any) -> None:
        print(f"port {port.getHost().port}", flush=True)

    def fail(failure: Failure) -> None:
        print(f"failed {failure.getErrorMessage()}", flush=True)
        reactor.stop()

    listening.addCallbacks(announce, fail)

    class StopWhenClosed(Protocol):
        def connectionLost(self, reason: Failure | None = None) -> None:
            stopped = maybeDeferred(service.stopService)
            stopped.addBoth(lambda _: reactor.stop())

    stdio.StandardIO(StopWhenClosed())
    reactor.run()


class WebServer:
    """The server in a child process (see the module), listening on a free
    port of 127.0.0.1; ``options`` are ``twistd blackjack``'s, ``cards`` the
    stacked ones. ``stop`` ends it; use it as a context manager, or call
    ``stop`` in a test's cleanup."""

    def __init__(self, cards: Sequence[str] = (), options: Sequence[str] = ()) -> None:
        command = [sys.executable, "-m", "blackjackd.testing.webserver"]
        if cards:
            command += ["--cards", ",".join(cards)]
        command += list(options)
        self._errors = tempfile.TemporaryFile("w+")
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # A file, not a pipe: a chatty server can't fill it and stall.
            stderr=self._errors,
            env=child_environment(),
            text=True,
        )
        self.port = self._read_port()

    def _read_port(self) -> int:
        assert self.process.stdout is not None
        lines: list[str] = []
        # A line read in a thread, so a server that never answers can't
        # hang the test.
        reader = threading.Thread(
            target=lambda: lines.append(self.process.stdout.readline()),  # type: ignore[union-attr]
            daemon=True,
        )
        reader.start()
        reader.join(START_TIMEOUT)
        line = lines[0] if lines else ""
        if not line.startswith("port "):
            self.stop()
            self._errors.seek(0)
            errors = self._errors.read()
            raise RuntimeError(f"the server didn't start: {line!r} {errors[-2000:]}")
        return int(line.split()[1])

    @property
    def url(self) -> str:
        """The page's address: ``http://127.0.0.1:PORT/``."""
        return f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        """End the server and wait for it: closing its standard input stops
        it cleanly; a server that doesn't stop in time is killed."""
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._errors.close()

    def __enter__(self) -> WebServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


if __name__ == "__main__":
    serve(sys.argv[1:])
