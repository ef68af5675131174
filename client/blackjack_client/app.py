"""``blackjack-client``: play at a blackjackd table in a window.

    blackjack-client [URL] [--name NAME] [--password PASSWORD]
                     [--table N | --watch N | --lobby]
                     [--autoplay [--strategy basic]] [--rounds N]
                     [--screenshot PATH] [--cafile PATH]

One thread: Twisted's reactor runs everything. The WebSocket (``net``) feeds
the model's reducer; a ``LoopingCall`` about 60 times a second (``window``)
takes pygame's events (``controls`` says what they mean), lets the
auto-player act (``blackjackd.bots``) and draws the model (``view``).

A dropped connection is not the end of the game: the app comes back to its
seat by itself, as ``blackjackd.bots.Rejoin`` says (the seat's token after a
growing wait, else the name and password), and the ``snapshot`` the server
sends then draws the table afresh. A server that stops says so
(``shutdown``): the round under way finishes, and after its close (1001) the
app waits for it to come back, for longer than after a drop.

Before sitting down the player may choose a table in the lobby (the
server's ``GET /tables``, fetched by ``net.fetch_tables``), to sit at or to
watch; a watcher sits down on the same connection.

A ``wss://`` server's certificate is checked against the system's CAs, or
those of ``--cafile`` (``blackjackd.trust``); the status line says in plain
words why one is refused.

``ClientApp`` is the whole client but the window: it draws on whatever
surface it is given and reads events from whatever source it is given, so
tests can run several clients in one process without a display.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import pygame
from twisted.internet import defer, task
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.logger import Logger
from twisted.python.failure import Failure

from blackjack_client import config, controls, view
from blackjack_client.model import (
    CONNECTED,
    DISCONNECTED,
    FULL,
    RECONNECTING,
    SEATED,
    Connecting,
    Disconnected,
    GaveUp,
    Message,
    Model,
    Retrying,
    Sent,
    bot_turn,
    reduce,
    request_for,
)
from blackjack_client.model.lobby import Lobby, failed, loaded, noted, refreshing
from blackjack_client.model.reducer import decode
from blackjack_client.net import TableConnection, fetch_tables
from blackjackd import wire
from blackjackd.bots import (
    STATUS_STOPPING,
    Backoff,
    BasicStrategyPolicy,
    Rejoin,
    add_seat_options,
    next_move,
    password_from,
    table_url,
)
from blackjackd.casino import CasinoConfig
from blackjackd.trust import CAFILE_HELP

DEFAULT_URL = "ws://localhost:8888/websocket"
#: The least often the screen is redrawn when nothing happens (countdowns).
REDRAWS_A_SECOND = 10
#: Seconds the auto-player waits before acting, so people can follow it.
AUTOPLAY_DELAY = 0.6
#: Seconds to wait for the server to answer our close before leaving anyway.
QUIT_TIMEOUT = 3.0
MAX_LOGGED_FRAME_ERRORS = 5
#: Rounds the history overlay shows.
HISTORY_ROUNDS = 10
#: Where the password comes from when the command line doesn't give it.

_log = Logger(namespace="blackjack_client")

Connect = Callable[[str, Callable[[Message], None]], TableConnection]


#: How the lobby gets the server's tables: from the WebSocket's address.
Fetch = Callable[[str], defer.Deferred[wire.Tables]]

#: Refusals of a chosen table: no such table (404), no free seat or no
#: watcher's place (507). The lobby comes back, saying so.
TABLE_REFUSALS = (404, 507)


def _connector(cafile: str | None) -> Connect:
    def connect(url: str, listener: Callable[[Message], None]) -> TableConnection:
        return TableConnection(url, listener, cafile=cafile)

    return connect


def _fetcher(cafile: str | None) -> Fetch:
    def fetch(url: str) -> defer.Deferred[wire.Tables]:
        return fetch_tables(url, cafile=cafile)

    return fetch


@lru_cache(maxsize=8)
def _basic_strategy(config: CasinoConfig) -> BasicStrategyPolicy:
    # The charts are built once per table's rules, not every frame.
    return BasicStrategyPolicy(config)


class ClientApp:
    """The client: model, connection, input and drawing, minus the window."""

    def __init__(
        self,
        *,
        clock: IReactorTime,
        surface: Callable[[], pygame.Surface],
        events: Callable[[], Iterable[pygame.event.Event]],
        url: str | None = None,
        name: str | None = None,
        password: str | None = None,
        autoplay: bool = False,
        strategy: str = "simple",
        rounds: int | None = None,
        screenshot: Path | None = None,
        present: Callable[[], None] = lambda: None,
        on_resize: Callable[[tuple[int, int]], None] = lambda size: None,
        config_file: Path | None = None,
        autoplay_delay: float = AUTOPLAY_DELAY,
        connect: Connect | None = None,
        backoff: Backoff | None = None,
        draw: Callable[[], float] = random.random,
        table: int | None = None,
        watch: int | None = None,
        lobby: bool = False,
        fetch: Fetch | None = None,
        cafile: str | None = None,
    ) -> None:
        self.clock = clock
        self.surface = surface
        self.events = events
        self.present = present
        self.on_resize = on_resize
        self.autoplay = autoplay
        self.strategy = strategy
        self.autoplay_delay = autoplay_delay
        self.rounds = rounds
        self.screenshot = screenshot
        self.config_file = config_file
        # wss:// servers are checked against cafile's CAs, else the system's.
        self._connect = connect or _connector(cafile)
        self.url = url or DEFAULT_URL
        self.name = name or ""
        self._backoff = backoff
        self._draw = draw
        #: The table chosen to sit at or to watch (None: any free seat).
        self.table = watch or table
        #: The table to watch on connecting, until seated.
        self.watch_table = watch
        self._show_lobby = lobby
        self._fetch = fetch or _fetcher(cafile)
        #: The lobby, while it is shown.
        self.lobby: Lobby | None = None
        self._lobby_asked = 0
        #: How this player signs in, and comes back after a drop.
        self.rejoin = Rejoin(
            self.name, password, backoff=backoff, draw=draw, table=self.table
        )
        # Without a name the player fills in the start screen first; it
        # offers the last server and name used there (never a password).
        self.form: view.StartForm | None = None
        if not name:
            remembered = config.load(config_file) if config_file is not None else {}
            self.form = view.StartForm(
                server=url or remembered.get("server") or DEFAULT_URL,
                name=remembered.get("name", ""),
                password=password or "",
            )
        self.model = Model()
        self.connection: TableConnection | None = None
        self.done: defer.Deferred[None] = defer.Deferred()
        self.frames = 0
        self.draws = 0
        self.frame_errors = 0
        self._last_scene: tuple[object, ...] | None = None
        self._generation = 0
        self._quitting = False
        self._ready_since: float | None = None
        self._mouse: tuple[int, int] | None = None
        self._retry: IDelayedCall | None = None
        #: The history overlay (Y) is open.
        self.history_open = False

    # -- the connection --------------------------------------------------------

    def start(self) -> None:
        """Connect at once if the name is known (to watch, with ``watch``),
        or show the lobby (``lobby``); else show the start screen."""
        if self.form is not None:
            return
        if self._show_lobby and self.watch_table is None and self.table is None:
            self.open_lobby()
        else:
            self.connect()

    def connect(self, resume: bool = False) -> None:
        """(Re)connect to ``self.url``: the table starts afresh, or, coming
        back to the seat (``resume``), stays drawn until the server's word."""
        self._cancel_retry()
        if self.connection is not None and not self.connection.is_gone:
            self.connection.close()
        # Messages still arriving from an older connection are ignored.
        self._generation += 1
        generation = self._generation

        def listener(message: Message) -> None:
            if generation == self._generation:
                self.receive(message)

        # The table chosen goes in the address: a full server still greets
        # a client that chose one (docs/protocol.rst, "Tables and watching").
        url = table_url(self.url, self.table)
        self.receive(Connecting(url, resume=resume))
        self.connection = self._connect(url, listener)
        self.connection.connect()

    def receive(self, message: Message) -> None:
        """One message from the server, or a local event, into the model."""
        now = self.clock.seconds()
        if isinstance(message, (Mapping, bytes, str, wire.ServerMessage)):
            decoded = decode(message)
            if decoded is None:
                return
            self.model = reduce(self.model, decoded, now)
            self._answer(decoded)
            return
        self.model = reduce(self.model, message, now)
        if isinstance(message, Disconnected) and not message.by_us:
            self._lost(message)

    def _answer(self, message: wire.ServerMessage) -> None:
        """What the app itself does about a server message: sign in, sign
        in again after a refused token, give up a refused sign-in, stop
        after the rounds asked for."""
        if isinstance(message, wire.Auth):
            if self.watch_table is not None and not self.rejoin.seated:
                # A watcher signs in only when it sits down.
                self._send(wire.WatchRequest(table=self.watch_table))
            else:
                self._send(self.rejoin.auth())
            return
        if isinstance(message, wire.Id):
            self.watch_table = None
        again = self.rejoin.hear(message)
        if again is not None:
            self._send(again)
        elif isinstance(message, wire.Error) and self._sign_in_refused():
            self._refused(message)
        elif isinstance(message, wire.Error) and self._not_back_yet(message):
            # Coming back to a server still stopping: try again after a wait.
            self._close()
            self._lost(Disconnected(None, message.message))
        elif isinstance(message, wire.Error) and self._table_refused(message):
            table = self.table
            self.watch_table = self.table = self.rejoin.table = None
            self._close()
            self.open_lobby(f"Table {table}: {message.message}")
        elif (
            isinstance(message, wire.RoundOver)
            and self.rounds
            and self.model.rounds >= self.rounds
        ):
            self.quit()

    def _send(self, request: wire.Request) -> None:
        if self.connection is not None:
            self.connection.send(request)

    def _sign_in_refused(self) -> bool:
        return self.rejoin.stopped is not None and self.model.connection != SEATED

    def _not_back_yet(self, error: wire.Error) -> bool:
        """A seat had before, asked for again of a server still stopping;
        or any sign-in told to try again (503)."""
        return (
            error.status_code == STATUS_STOPPING
            and self.rejoin.comes_back
            and self.model.connection != SEATED
        )

    def _table_refused(self, error: wire.Error) -> bool:
        """The table chosen is none, or has no place: sitting down (not as
        a watcher, who goes on watching) or starting to watch."""
        return (
            error.status_code in TABLE_REFUSALS
            and self.table is not None
            and self.model.connection != SEATED
            and self.model.watching is None
            and not self.rejoin.seated
        )

    def _close(self) -> None:
        if self.connection is not None and not self.connection.is_gone:
            self.connection.close()
        # What the closed connection still delivers is ignored.
        self._generation += 1

    def _refused(self, error: wire.Error) -> None:
        """The name or password was refused: back to the start screen, to
        type them again."""
        if self.connection is not None and not self.connection.is_gone:
            self.connection.close()
        self.form = view.StartForm(
            server=self.url,
            name=self.name,
            message=f"The server refused the sign-in: {error.message} "
            f"({error.status_code})",
        )

    def _lost(self, event: Disconnected) -> None:
        """The connection dropped, or a new one failed: come back after a
        wait, or say why not."""
        if self._quitting:
            return
        now = self.clock.seconds()
        delay = self.rejoin.closed(event.code, now)
        if delay is None:
            if self.rejoin.stopped is not None and self.form is None:
                self.model = reduce(self.model, GaveUp(self.rejoin.stopped), now)
            return
        retrying = Retrying(now + delay, server_stopping=self.rejoin.server_stopping)
        self.model = reduce(self.model, retrying, now)
        self._retry = self.clock.callLater(delay, self._come_back)

    def _come_back(self) -> None:
        self._retry = None
        self.connect(resume=True)

    def _cancel_retry(self) -> None:
        retry, self._retry = self._retry, None
        if retry is not None and retry.active():
            retry.cancel()

    def act(self, action: str, amount: int | None = None) -> bool:
        """Hit or stand (and, at a casino table, bet, insure or decline,
        double, split, surrender), if that's allowed now. ``amount`` is what
        a bet stakes (by default the last bet again, or the minimum)."""
        request = request_for(self.model, action, amount)
        if request is None:
            return False
        if self.connection is None or not self.connection.send(request):
            return False
        self.model = reduce(self.model, Sent(request.TYPE), self.clock.seconds())
        return True

    def reconnect(self) -> bool:
        """Try again after a disconnect or a full table, or at once while
        waiting to come back."""
        if self.model.connection not in (DISCONNECTED, FULL, RECONNECTING):
            return False
        self.rejoin.restart()
        self.connect(resume=self.rejoin.seated)
        return True

    # -- the lobby -------------------------------------------------------------

    def open_lobby(self, message: str = "") -> None:
        """Show the lobby, and ask the server for its tables."""
        self.lobby = self.lobby or Lobby()
        self.refresh_lobby()
        self.lobby = noted(self.lobby, message)

    def refresh_lobby(self) -> None:
        """Ask for the tables again; the answer to the latest ask counts."""
        if self.lobby is None:
            return
        self.lobby = refreshing(self.lobby)
        self._lobby_asked += 1
        asked = self._lobby_asked

        def listed(tables: wire.Tables) -> None:
            if asked == self._lobby_asked and self.lobby is not None:
                self.lobby = loaded(self.lobby, tables)

        def unlisted(reason: Failure) -> None:
            if asked == self._lobby_asked and self.lobby is not None:
                self.lobby = failed(self.lobby, reason.getErrorMessage())

        self._fetch(self.url).addCallbacks(listed, unlisted)

    def sit(self, table: int | None) -> None:
        """Sit at ``table`` (None: any free seat): from the lobby, a new
        connection; watching it, on the same connection."""
        self.table = self.rejoin.table = table
        watching = self.model.watching
        if (
            watching is not None
            and watching == table
            and self.model.connection == CONNECTED
        ):
            self._send(self.rejoin.auth())
            return
        self.lobby = None
        self.watch_table = None
        self.rejoin.restart()
        self.connect()

    def watch(self, table: int) -> None:
        """Watch ``table``, on a new connection."""
        self.lobby = None
        self.table = self.rejoin.table = self.watch_table = table
        self.connect()

    def back_to_lobby(self) -> None:
        """A watcher goes back to the tables: the connection closes."""
        self.watch_table = self.table = self.rejoin.table = None
        self._close()
        self.open_lobby()

    def toggle_history(self) -> None:
        """Open the overlay of the last rounds (asking the server for them),
        or close it."""
        self.history_open = not self.history_open
        if self.history_open and self.model.connection == SEATED:
            self._send(wire.HistoryRequest(limit=HISTORY_ROUNDS))

    # -- the frame -------------------------------------------------------------

    def frame(self) -> None:
        """Handle input, let the auto-player act, draw: one frame."""
        try:
            events = list(self.events())
            for event in events:
                self.handle(event)
            if self._quitting:
                return
            self._autoplay()
            self.frames += 1
            # Redraw only when something may look different: any input (an
            # uncovered window too), a changed model or screen, or a tenth of
            # a second gone for the countdowns. An idle table costs little.
            scene = (
                self.model,
                self.form,
                self.lobby,
                self.history_open,
                self.surface().get_size(),
                int(self.clock.seconds() * REDRAWS_A_SECOND),
            )
            last = self._last_scene
            if (
                events
                or last is None
                or any(a is not b and a != b for a, b in zip(scene, last, strict=True))
            ):
                self._last_scene = scene
                self.draw()
                self.present()
                self.draws += 1
        except Exception:
            # A bug in one frame must not stop the loop and freeze the window.
            self.frame_errors += 1
            if self.frame_errors <= MAX_LOGGED_FRAME_ERRORS:  # not 60 a second
                _log.failure("a frame failed")

    def draw(self) -> None:
        """Draw the current screen onto the surface."""
        surface = self.surface()
        now = self.clock.seconds()
        if self.form is not None:
            view.draw_start(surface, self.form, now, self._mouse)
        elif self.lobby is not None:
            view.draw_lobby(surface, self.lobby, now, self._mouse)
        else:
            view.draw(surface, self.model, now, self._mouse)
            if self.history_open:
                view.draw_history(surface, self.model)

    def save_screenshot(self, path: Path) -> None:
        """Save what the window shows now as a PNG."""
        self.draw()
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.surface(), str(path))

    def _autoplay(self) -> None:
        choice = self._autoplay_choice() if self.autoplay else None
        if choice is None:
            self._ready_since = None
            return
        now = self.clock.seconds()
        if self._ready_since is None:
            self._ready_since = now
        if now - self._ready_since < self.autoplay_delay:
            return
        self.act(*choice)
        self._ready_since = None

    def _autoplay_choice(self) -> tuple[str, int | None] | None:
        """What the auto-player does now, by the bot policy
        (``blackjackd.bots``); None for nothing."""
        policy = None
        if self.strategy == "basic" and self.model.casino:
            policy = _basic_strategy(self.model.rules.config)
        move = next_move(bot_turn(self.model), policy)
        return None if move is None else (move.action, move.amount)

    # -- input -----------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> None:
        """One pygame event."""
        if event.type == pygame.QUIT:
            self.quit()
        elif event.type == pygame.MOUSEMOTION:
            self._mouse = event.pos
        elif event.type == pygame.VIDEORESIZE:
            self.on_resize(event.size)
        elif self.form is not None:
            self._handle_start(event)
        elif self.lobby is not None:
            self._handle_lobby(event)
        else:
            self._handle_table(event)

    def _handle_table(self, event: pygame.event.Event) -> None:
        size = self.surface().get_size()
        self._carry_out(
            controls.table_command(event, self.model, size, self.history_open)
        )

    def _handle_start(self, event: pygame.event.Event) -> None:
        assert self.form is not None
        size = self.surface().get_size()
        self.form, command = controls.start_command(event, self.form, size)
        self._carry_out(command)

    def _handle_lobby(self, event: pygame.event.Event) -> None:
        assert self.lobby is not None
        size = self.surface().get_size()
        self.lobby, command = controls.lobby_command(event, self.lobby, size)
        self._carry_out(command)

    def _carry_out(self, command: controls.Command | None) -> None:
        if command is None:
            return
        if command.kind == controls.SIT:
            self.sit(command.table)
        elif command.kind == controls.WATCH and command.table is not None:
            self.watch(command.table)
        elif command.kind == controls.REFRESH:
            self.refresh_lobby()
        elif command.kind == controls.LOBBY:
            self.back_to_lobby()
        elif command.kind == controls.QUIT:
            self.quit()
        elif command.kind == controls.RECONNECT:
            self.reconnect()
        elif command.kind == controls.HISTORY:
            self.toggle_history()
        elif command.kind == controls.SUBMIT:
            self.submit()
        else:
            self.act(command.action, command.amount)

    def submit(self) -> bool:
        """Connect with what the start screen says, and remember it."""
        form = self.form
        if form is None:
            return False
        server, name = form.server.strip(), form.name.strip()
        problem = controls.form_problem(server, name)
        if problem:
            self.form = replace(form, message=problem)
            return False
        if self.config_file is not None:
            # The password is never written down.
            config.save(self.config_file, {"server": server, "name": name})
        self.url, self.name, self.form = server, name, None
        self.rejoin = Rejoin(
            name,
            form.password,
            backoff=self._backoff,
            draw=self._draw,
            table=self.table,
        )
        if self.table is None:
            # Choose a table first (any free seat is one Enter away).
            self.open_lobby()
        else:
            self.connect()
        return True

    # -- leaving ---------------------------------------------------------------

    def quit(self) -> defer.Deferred[None]:
        """Save the screenshot if asked, close the WebSocket properly, and fire
        ``done`` once the connection is gone (or after ``QUIT_TIMEOUT``)."""
        if self._quitting:
            return self.done
        self._quitting = True
        self._cancel_retry()
        if self.screenshot is not None:
            try:
                self.save_screenshot(self.screenshot)
            except (pygame.error, OSError) as failed:
                _log.error("cannot save the screenshot: {failed}", failed=failed)
        connection = self.connection
        if connection is None or connection.is_gone:
            self.done.callback(None)
            return self.done
        closed = connection.close()
        closed.addTimeout(QUIT_TIMEOUT, self.clock)
        closed.addErrback(lambda failure: failure.trap(defer.TimeoutError))
        closed.addCallback(lambda _: self.done.callback(None))
        return self.done


# -- the program -----------------------------------------------------------------


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not 1 or more")
    return value


def parse_args(
    argv: list[str], environ: Mapping[str, str] | None = None
) -> argparse.Namespace:
    """The command line; the password from ``BLACKJACK_PASSWORD`` in
    ``environ`` (the process's by default) when it doesn't give one."""
    parser = argparse.ArgumentParser(
        prog="blackjack-client",
        description="Play at a blackjackd table in a window.",
    )
    parser.add_argument(
        "url",
        nargs="?",
        default=None,
        help=f"the server's WebSocket address (default: {DEFAULT_URL}; the "
        "start screen offers the last one used there)",
    )
    parser.add_argument(
        "--name", help="sit down at once with this name (else a start screen asks)"
    )
    where = add_seat_options(
        parser, "watch table N without a seat (Enter then sits down there)"
    )
    where.add_argument(
        "--lobby",
        action="store_true",
        help="with --name, choose a table in the lobby first",
    )
    parser.add_argument(
        "--autoplay",
        action="store_true",
        help="play by itself: stand on 17 or more, else hit (at a casino "
        "table: bet the minimum and decline insurance)",
    )
    parser.add_argument(
        "--strategy",
        choices=["simple", "basic"],
        default="simple",
        help="how --autoplay plays its hands: hit below 17 (simple), or a "
        "casino table's basic strategy (basic)",
    )
    parser.add_argument(
        "--rounds", type=_positive, metavar="N", help="quit after N rounds"
    )
    parser.add_argument("--cafile", metavar="PATH", help=CAFILE_HELP)
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="PATH",
        help="save the window as a PNG when the client quits",
    )
    args = parser.parse_args(argv)
    args.password = password_from(
        args.password, os.environ if environ is None else environ
    )
    return args


def main(argv: list[str] | None = None) -> None:
    """The ``blackjack-client`` command."""
    # The window module builds on this one: imported when the program runs.
    from blackjack_client.window import run

    task.react(run, (sys.argv[1:] if argv is None else argv,))


if __name__ == "__main__":
    main()
