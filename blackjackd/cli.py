"""Play at a blackjackd table from a terminal.

    python -m blackjackd.cli [URL] [--name NAME] [--password PASSWORD]
                             [--auto] [--strategy basic] [--rounds N]
                             [--history N]

Type ``h`` to hit, ``s`` to stand and ``q`` to quit. At casino tables also
``b N`` to bet N chips, ``d`` to double, ``p`` to split, ``u`` to surrender,
``i`` or ``n`` to take or decline insurance, ``r`` to ask for a rebuy when
your chips can't cover the smallest bet; add a hand number to act on one
hand after a split (``h 1``). ``y`` (or ``y N``) prints your last rounds.
With ``--auto`` it plays by itself, by ``blackjackd.bots`` (hit below 17;
at casino tables it bets the minimum and declines insurance; ``--strategy
basic`` plays basic strategy there), which makes it a small bot for filling
a table.

With ``--password`` (or ``$BLACKJACK_PASSWORD``) it signs in to the account
of ``--name``, which keeps its chips and its history; ``--history N`` prints
the account's last N rounds and leaves. A dropped connection is not the
end: it comes back to its seat by itself, as ``blackjackd.bots.Rejoin``
says, and says what it does.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Mapping
from typing import Protocol as Interface

from autobahn.twisted.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    connectWS,
)
from autobahn.websocket.protocol import WebSocketProtocol
from twisted.internet import defer, task
from twisted.internet.interfaces import (
    IConnector,
    IDelayedCall,
    IReactorCore,
    IReactorTime,
)
from twisted.internet.protocol import Protocol
from twisted.internet.stdio import StandardIO
from twisted.python.failure import Failure

from blackjackd import wire
from blackjackd.bots import (
    LEFT_REASONS,
    PASSWORD_VARIABLE,
    Backoff,
    BasicStrategyPolicy,
    Pace,
    Policy,
    Rejoin,
    SeatNotes,
    StandOn17,
    next_move,
    password_from,
    smallest_bet,
)

DEFAULT_URL = "ws://localhost:8888/websocket"
#: Where the password comes from when the command line doesn't give it.
#: The close code of a connection that ended without a close handshake.
CLOSE_ABNORMAL = 1006
#: Rounds ``y`` prints when it isn't told how many.
HISTORY_ROUNDS = 10

#: What each typed word sends; a hand number may follow (``h 1``).
HAND_COMMANDS = {
    "h": "hit",
    "hit": "hit",
    "s": "stand",
    "stand": "stand",
    "d": "double",
    "double": "double",
    "p": "split",
    "split": "split",
    "u": "surrender",
    "surrender": "surrender",
}
HELP = (
    "h hit, s stand, y [N] your last rounds, q quit; casino: b N bet, "
    "d double, p split, u surrender, i/n take/decline insurance, r rebuy; "
    "a hand number may follow (h 1)"
)


def _name(player_id: object, my_id: int | None, names: Mapping[int, str]) -> str:
    if player_id == my_id:
        return "you"
    if isinstance(player_id, int) and player_id in names:
        return names[player_id]
    return f"player {player_id}"


def describe(
    message: wire.ServerMessage,
    my_id: int | None,
    unit: int = 1,
    names: Mapping[int, str] | None = None,
) -> str | None:
    """One line for a person to read about ``message``; None to say nothing.
    ``unit`` is the table's betting unit; ``names`` the players' names by id,
    where known."""
    about = getattr(message, "id", None)
    who = "you" if about == my_id else f"player {about}"
    if about == wire.DEALER_ID:
        who = "the dealer"
    known = _name(about, my_id, names or {})
    number = getattr(message, "hand", None)
    hand = f" (hand {number})" if isinstance(number, int) else ""
    match message:
        case wire.Auth():
            return "connected; asking for a seat"
        case wire.Id():
            chips = "" if message.balance is None else f", {message.balance} chips"
            account = ", signed in" if message.account else ""
            return (
                f"seated at table {message.table} as {message.username} "
                f"(id {message.client_id}, {message.game or 'classic'}{chips}"
                f"{account})"
            )
        case wire.Hit():
            return f"{who} drew {message.card}: {message.points}{hand}"
        case wire.OtherPlayers():
            return (
                f"{message.username or message.id} holds "
                f"{' '.join(message.hand) or 'no cards yet'}"
            )
        case wire.NewClient():
            return f"{message.username or message.message} sat down"
        case wire.Left() if message.id == my_id:
            return LEFT_REASONS.get(message.reason or "", "you left the table")
        case wire.Left():
            why = {"gone": " (away too long)", "idle": " (stood up: idle)"}
            return f"{known} left{why.get(message.reason or '', '')}"
        case wire.Away():
            return f"{known} is away; their seat is held {message.seconds:g} s"
        case wire.Back():
            return f"{known} is back"
        case wire.Stand():
            return f"{who} stand ({message.reason}){hand}"
        case wire.Bust():
            return f"you bust{hand}"
        case wire.Deadline() if message.id == my_id:
            return f"your move{hand}: h(it) or s(tand) within {message.seconds:g} s"
        case wire.Winner():
            return f"{who} won{hand}"
        case wire.Lose():
            return f"you lost{hand}"
        case wire.Push():
            return f"push{hand}"
        case wire.RoundOver():
            dealer = message.dealer
            return f"round over; dealer {' '.join(dealer.hand)}: {dealer.points}"
        case wire.Restart():
            return "--- new round ---"
        case wire.Wait():
            return "you are dealt in at the next round"
        case wire.Shuffle():
            return "the dealer shuffles the shoe"
        case wire.Betting():
            steps = f" in multiples of {unit}" if unit > 1 else ""
            return (
                f"place your bet: b {smallest_bet(message.min_bet, unit)} to "
                f"b {message.max_bet}{steps} within {message.seconds:g} s"
            )
        case wire.Bet():
            return f"{who} bet {message.amount}"
        case wire.HoleCard():
            return "the dealer takes a card face down"
        case wire.InsuranceOffer():
            return f"insurance for {message.amount}? i to take, n to decline"
        case wire.Peek():
            return "the dealer has blackjack" if message.blackjack else "no blackjack"
        case wire.Double() | wire.Split() | wire.Surrender() if message.id == my_id:
            return f"you {message.TYPE}{hand}; {message.balance} chips left"
        case wire.Balance():
            return f"you have {message.balance} chips ({message.net:+d})"
        case wire.Rebuy():
            return (
                f"rebuy: +{message.amount} chips, you have {message.balance}; "
                f"the next one in {message.next_in / 60:.0f} min"
            )
        case wire.Error():
            return f"error {message.status_code}: {message.message}"
    return None


def describe_snapshot(
    message: wire.Snapshot, my_id: int | None, names: Mapping[int, str]
) -> list[str]:
    """The table as the ``snapshot`` shows it, one line a thing: where,
    the dealer, every seat, and the turns on."""
    lines = [f"back at your seat: table {message.table}, {message.phase}"]
    if message.dealer or message.hole_card:
        down = " and a card face down" if message.hole_card else ""
        lines.append(f"  dealer: {' '.join(message.dealer) or 'no card up'}{down}")
    for seat in message.seats:
        who = _name(seat.id, my_id, names)
        away = "" if seat.connected else ", away"
        hands = [
            f"{' '.join(view.cards)}: {view.points} (bet {view.bet}, {view.status})"
            for view in seat.hands or ()
        ]
        if seat.hands is None:
            hands = [f"{' '.join(seat.hand) or 'no cards'}: {seat.points}"]
        elif not hands and seat.bet:
            hands = [f"bet {seat.bet}"]
        chips = "" if seat.balance is None else f"; {seat.balance} chips"
        held = "; ".join(hands) or "no cards"
        lines.append(
            f"  {who} (seat {seat.seat + 1}{away}): {held}, {seat.state}{chips}"
        )
    for turn in message.turns:
        if turn.id == my_id:
            hand = "" if turn.hand is None else f" (hand {turn.hand})"
            lines.append(f"your move{hand}: h(it) or s(tand) within {turn.seconds:g} s")
    if message.insurance_offer is not None:
        lines.append(
            f"insurance for {message.insurance_offer}? i to take, n to decline"
        )
    if message.phase == "betting" and message.seconds is not None:
        lines.append(f"bets close in {message.seconds:g} s")
    return lines


def history_line(
    played: wire.HistoryRound,
    clock: Callable[[float], time.struct_time] = time.localtime,
) -> str:
    """One round of ``history`` on a line."""
    when = time.strftime("%Y-%m-%d %H:%M", clock(played.at))
    where = f"{when}  table {played.table} round {played.round}"
    if played.status == "refunded":
        return f"{where}: refunded, {played.staked} chips back"
    hands = "; ".join(
        f"{' '.join(hand.cards)} {hand.points} {hand.result} "
        f"(bet {hand.bet}, paid {hand.payout})"
        for hand in played.hands
    )
    dealer = " ".join(played.dealer) or "no cards"
    return f"{where}: dealer {dealer}; {hands or 'no hands'}; net {played.net:+d}"


class Connection(Interface):
    """What a session needs of its connection: sending, and leaving."""

    def send(self, request: wire.Request) -> None:
        """Send one request."""

    def leave(self) -> None:
        """Close the connection properly."""


def _print(line: str) -> None:
    print(line, flush=True)


class TerminalSession:
    """A player at the terminal, across connections: prints what the table
    says, sends what is typed (or what ``--auto`` decides), and comes back
    to the seat after a dropped connection. ``done`` fires once it is over.

    ``connect(session)`` makes one connection whose protocol reports to
    ``opened``, ``received`` and ``closed``; the clock times the waits."""

    def __init__(
        self,
        settings: argparse.Namespace,
        *,
        clock: IReactorTime,
        connect: Callable[[TerminalSession], None],
        backoff: Backoff | None = None,
        draw: Callable[[], float] = random.random,
        out: Callable[[str], None] = _print,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self._connect = connect
        self.out = out
        self.rejoin = Rejoin(
            settings.name, settings.password, backoff=backoff, draw=draw
        )
        self.notes = SeatNotes()
        self.policy: Policy = StandOn17()
        self.rounds = 0
        #: The amount of the last bet typed, until the server answers it.
        self.typed_bet: int | None = None
        #: Players' names by id, as the table told them.
        self.names: dict[int, str] = {}
        self.connection: Connection | None = None
        self.done: defer.Deferred[None] = defer.Deferred()
        self._retry: IDelayedCall | None = None
        #: ``--auto``'s moves, spaced out (``Pace``); the ones still waiting.
        self.pace = Pace()
        self._paced: list[IDelayedCall] = []
        self._quitting = False
        #: Seated on the current connection.
        self._seated = False

    # -- the connection ------------------------------------------------------

    def start(self) -> None:
        """Make the first connection."""
        self._connect(self)

    def opened(self, connection: Connection) -> None:
        """A connection's WebSocket is open."""
        self.connection = connection
        self._seated = False

    def send(self, request: wire.Request) -> None:
        """Send ``request``, if a connection is open."""
        if self.connection is not None:
            self.connection.send(request)

    def closed(self, code: int | None, reason: str) -> None:
        """A connection closed, or could not be made: come back after a
        wait, or end the session saying why not."""
        self.connection = None
        self._seated = False
        self._forget_paced_moves()
        if self._quitting:
            self.out(f"disconnected ({code}: {reason or 'no reason given'})")
            self._finish()
            return
        delay = self.rejoin.closed(code, self.clock.seconds())
        if delay is None:
            self.out(f"disconnected ({code}: {reason or 'no reason given'})")
            if self.rejoin.stopped is not None:
                self.out(f"not coming back: {self.rejoin.stopped}")
            self._finish()
            return
        self.out(
            f"connection lost ({code}: {reason or 'no reason given'}), "
            f"reconnecting in {delay:.1f} s..."
        )
        self._retry = self.clock.callLater(delay, self._come_back)

    def _come_back(self) -> None:
        self._retry = None
        self._connect(self)

    def quit(self) -> None:
        """Leave: close the connection (or stop waiting to come back)."""
        self._quitting = True
        retry, self._retry = self._retry, None
        if retry is not None and retry.active():
            retry.cancel()
        if self.connection is not None:
            self.connection.leave()
        else:
            self._finish()

    def _finish(self) -> None:
        if not self.done.called:
            self.done.callback(None)

    # -- what the server says ------------------------------------------------

    def unit(self) -> int:
        """The table's betting unit (1 until a casino table states one)."""
        config = self.notes.config
        return 1 if config is None else config.unit

    def bet_refused(self, message: wire.ServerMessage) -> str | None:
        """After a typed bet the server refused (400), what bets the table
        takes; None for any other message."""
        amount, config = self.typed_bet, self.notes.config
        if isinstance(message, (wire.Bet, wire.Error)):
            self.typed_bet = None  # the bet is answered
        if (
            amount is None
            or config is None
            or not isinstance(message, wire.Error)
            or message.status_code != 400
        ):
            return None
        return (
            f"a bet of {amount} isn't taken here: bets are multiples of "
            f"{config.unit} chips, from {config.smallest_bet} to {config.max_bet}"
        )

    def received(self, payload: bytes | str | Mapping[str, object]) -> None:
        """One message from the server."""
        try:
            message = wire.decode_server_message(payload)
        except wire.BadServerMessage as bad:
            self.out(f"ignored a message the server sent: {bad}")
            return
        if isinstance(message, wire.Unknown):
            return  # a newer server's: nothing this client knows to do
        self._sign_in(message)
        self._learn_names(message)
        turn = self.notes.hear(message)
        if isinstance(message, wire.Id):
            self._seated = True
            if self.settings.strategy == "basic" and self.notes.config:
                self.policy = BasicStrategyPolicy(self.notes.config)
        if self.settings.history is not None:
            self._history_only(message)
            return
        for line in self._lines(message):
            self.out(line)
        if isinstance(message, wire.Error) and self._sign_in_refused():
            self.quit()
            return
        if isinstance(message, wire.RoundOver):
            self.rounds += 1
            if self.settings.rounds and self.rounds >= self.settings.rounds:
                self.quit()
                return
        if self.settings.auto and turn is not None:
            move = next_move(turn, self.policy)
            if move is not None:
                self._send_paced(move.request())

    def _send_paced(self, request: wire.Request) -> None:
        wait = self.pace.wait(self.clock.seconds())
        if wait <= 0:
            self.send(request)
            return

        def send_now() -> None:
            self._paced.remove(call)
            self.send(request)

        call = self.clock.callLater(wait, send_now)
        self._paced.append(call)

    def _forget_paced_moves(self) -> None:
        # A move decided on a connection that is gone is stale: the snapshot
        # the next connection brings decides again.
        for call in self._paced:
            call.cancel()
        self._paced.clear()

    def _sign_in(self, message: wire.ServerMessage) -> None:
        if isinstance(message, wire.Auth):
            self.send(self.rejoin.auth())
            return
        again = self.rejoin.hear(message)
        if again is not None:
            self.out("the seat held for you is gone: sitting down again")
            self.send(again)

    def _sign_in_refused(self) -> bool:
        return self.rejoin.stopped is not None and not self._seated

    def _learn_names(self, message: wire.ServerMessage) -> None:
        if isinstance(message, wire.OtherPlayers) and message.username:
            self.names[message.id] = message.username
        elif isinstance(message, wire.NewClient) and message.username:
            self.names[message.message] = message.username
        elif isinstance(message, wire.Snapshot):
            self.names.update({seat.id: seat.username for seat in message.seats})

    def _lines(self, message: wire.ServerMessage) -> list[str]:
        my_id = self.notes.my_id
        if isinstance(message, wire.Snapshot):
            lines = describe_snapshot(message, my_id, self.names)
        else:
            lines = [describe(message, my_id, self.unit(), self.names) or ""]
        lines.append(self.bet_refused(message) or "")
        if isinstance(message, wire.Betting) and self._broke(message):
            lines.append("your chips can't cover the smallest bet: r asks for a rebuy")
        if isinstance(message, wire.History):
            lines.extend(self._history(message))
        if isinstance(message, wire.Error) and self._sign_in_refused():
            lines.append(f"not signed in: {self.rejoin.stopped}")
        return [line for line in lines if line]

    def _broke(self, message: wire.Betting) -> bool:
        balance = self.notes.balance
        lowest = smallest_bet(message.min_bet, self.unit())
        return balance is not None and balance < lowest

    def _history(self, message: wire.History) -> list[str]:
        if not message.rounds:
            return ["no rounds played yet"]
        return [history_line(played) for played in message.rounds]

    def _history_only(self, message: wire.ServerMessage) -> None:
        """``--history N``: sign in, print the rounds, leave."""
        if isinstance(message, wire.Id):
            self.send(wire.HistoryRequest(limit=self.settings.history))
        elif isinstance(message, wire.History):
            for line in self._history(message):
                self.out(line)
            self.quit()
        elif isinstance(message, wire.Error):
            self.out(f"error {message.status_code}: {message.message}")
            self.quit()

    # -- what the player types -----------------------------------------------

    def command(self, line: str) -> None:
        """Act on what the player typed."""
        words = line.strip().lower().split()
        if not words:
            return
        word, rest = words[0], words[1:]
        number = int(rest[0]) if rest and rest[0].isdigit() else None
        if word in HAND_COMMANDS:
            self.send(wire.HAND_REQUESTS[HAND_COMMANDS[word]](hand=number))
        elif word in ("b", "bet") and number is not None:
            self.typed_bet = number
            self.send(wire.BetRequest(amount=number))
        elif word in ("i", "n"):
            self.send(wire.InsuranceRequest(take=word == "i"))
        elif word in ("r", "rebuy"):
            self.send(wire.RebuyRequest())
        elif word in ("y", "history"):
            limit = HISTORY_ROUNDS if number is None else number
            self.send(wire.HistoryRequest(limit=min(max(limit, 1), wire.MAX_HISTORY)))
        elif word in ("q", "quit"):
            self.quit()
        else:
            self.out(HELP)


class TerminalPlayer(WebSocketClientProtocol):
    """One connection of a terminal session: hands what it hears to the
    session, and sends what the session sends."""

    factory: _PlayerFactory

    def onOpen(self) -> None:
        self.factory.session.opened(self)

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        if self.state != WebSocketProtocol.STATE_OPEN or isBinary:
            # Closing: what the server sent meanwhile needs no answer.
            return
        self.factory.session.received(payload)

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        if code == CLOSE_ABNORMAL:
            # autobahn's own words for it are long, and a player needs few.
            reason = "connection lost"
        self.factory.report_close(code, reason or "")

    def send(self, request: wire.Request) -> None:
        """Send one request."""
        if self.state == WebSocketProtocol.STATE_OPEN:
            self.sendMessage(wire.encode(request))

    def leave(self) -> None:
        """Start the closing handshake."""
        self.sendClose()


class _PlayerFactory(WebSocketClientFactory):
    """Makes one connection's ``TerminalPlayer``, and tells the session once
    how the connection ended, or that it couldn't be made."""

    # autobahn is untyped: mypy can't tell its protocols are Twisted's.
    protocol = TerminalPlayer  # type: ignore[assignment]

    def __init__(self, session: TerminalSession) -> None:
        super().__init__(session.settings.url)
        self.session = session
        self._reported = False

    def report_close(self, code: int | None, reason: str) -> None:
        if not self._reported:
            self._reported = True
            self.session.closed(code, reason)

    def clientConnectionFailed(self, connector: IConnector, reason: Failure) -> None:
        self.report_close(None, f"cannot connect: {reason.getErrorMessage()}")


def connect_websocket(session: TerminalSession) -> None:
    """One WebSocket connection for ``session``, to its URL."""
    connectWS(_PlayerFactory(session))


class _Keyboard(Protocol):
    def __init__(self, session: TerminalSession) -> None:
        self._session = session

    def dataReceived(self, data: bytes) -> None:
        for line in data.decode(errors="replace").splitlines():
            self._session.command(line)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= wire.MAX_HISTORY:
        raise argparse.ArgumentTypeError(f"{value} is not 1 to {wire.MAX_HISTORY}")
    return value


def parse_args(
    argv: list[str], environ: Mapping[str, str] | None = None
) -> argparse.Namespace:
    """The command line; the password from ``$BLACKJACK_PASSWORD`` in
    ``environ`` (the process's by default) when it doesn't give one."""
    parser = argparse.ArgumentParser(
        prog="python -m blackjackd.cli", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--name", default="player")
    parser.add_argument(
        "--password",
        help="sign in to the account of --name (or register it) with this "
        f"password; by default ${PASSWORD_VARIABLE}, else as a guest",
    )
    parser.add_argument("--auto", action="store_true", help="play by itself")
    parser.add_argument(
        "--strategy",
        choices=["simple", "basic"],
        default="simple",
        help="how --auto plays: hit below 17 (simple), or a casino table's "
        "basic strategy (basic)",
    )
    parser.add_argument("--rounds", type=int, default=0, help="quit after N rounds")
    parser.add_argument(
        "--history",
        type=_positive,
        metavar="N",
        help="sign in, print your last N rounds (1 to 100) and leave",
    )
    args = parser.parse_args(argv)
    args.password = password_from(
        args.password, os.environ if environ is None else environ
    )
    return args


def run(
    reactor: IReactorCore,
    argv: list[str],
    environ: Mapping[str, str] | None = None,
) -> defer.Deferred[None]:
    """Connect to the table and play until the session ends."""
    settings = parse_args(argv, environ)
    session = TerminalSession(
        settings, clock=IReactorTime(reactor), connect=connect_websocket
    )
    if not settings.auto and settings.history is None:
        StandardIO(_Keyboard(session), reactor=reactor)
    session.start()
    return session.done


def main() -> None:
    task.react(run, (sys.argv[1:],))


if __name__ == "__main__":
    main()
