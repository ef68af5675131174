"""Play at a blackjackd table from a terminal.

    python -m blackjackd.cli [URL] [--name NAME] [--password PASSWORD]
                             [--table N | --watch N]
                             [--auto] [--strategy basic] [--rounds N]
                             [--history N] [--cafile PATH]

Type ``h`` to hit, ``s`` to stand and ``q`` to quit. At casino tables also
``b N`` to bet N chips, ``d`` to double, ``p`` to split, ``u`` to surrender,
``i`` or ``n`` to take or decline insurance, ``r`` to ask for a rebuy when
your chips can't cover the smallest bet; add a hand number (from 1) to act
on one hand after a split (``h 2``). ``y`` (or ``y N``) prints your last
rounds. Each turn's prompt lists the moves allowed then.

``--table N`` sits at table N (``/websocket?table=N``, and ``auth`` names
it). ``--watch N`` watches table N without a seat; ``sit`` then takes a
free seat there, on the same connection.
With ``--auto`` it plays by itself, by ``blackjackd.bots`` (hit below 17;
at casino tables it bets the minimum and declines insurance; ``--strategy
basic`` plays basic strategy there), which makes it a small bot for filling
a table.

With ``--password`` (or ``$BLACKJACK_PASSWORD``) it signs in to the account
of ``--name``, which keeps its chips and its history; ``--history N`` prints
the account's last N rounds and leaves. A dropped connection is not the
end: it comes back to its seat by itself, as ``blackjackd.bots.Rejoin``
says, and says what it does. It exits 1, with the reason on one line of
stderr, when it can't play (no server, no such table, no free seat, a
refused password, a server's certificate it can't trust), and 2 for an
address that is none.

A ``wss://`` server's certificate must chain to a CA the system trusts, or
to one in ``--cafile PATH``, and be for the URL's host name
(``blackjackd.trust``); a refused one is said in plain words.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Collection, Mapping
from typing import Protocol as Interface

from autobahn.twisted.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    connectWS,
)
from autobahn.websocket.protocol import WebSocketProtocol
from autobahn.websocket.util import parse_url
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
    CLOSE_TABLE_MOVED,
    LEFT_REASONS,
    STATUS_STOPPING,
    Backoff,
    BasicStrategyPolicy,
    Pace,
    Policy,
    Rejoin,
    SeatNotes,
    StandOn17,
    Turn,
    add_seat_options,
    next_move,
    password_from,
    smallest_bet,
    table_url,
)
from blackjackd.strategy import DOUBLE, HIT, SPLIT, STAND, SURRENDER
from blackjackd.trust import CAFILE_HELP, TLSCheck, TrustError, client_tls

PROGRAM = "python -m blackjackd.cli"
DEFAULT_URL = "ws://localhost:8888/websocket"
#: The close code of a connection that ended without a close handshake.
CLOSE_ABNORMAL = 1006
#: The close code of a connection this client closed (leaving, or to try again).
CLOSE_NORMAL = 1000
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
    "h hit, s stand, y [N] your last rounds, sit (watching) take a seat, q quit; "
    "casino: b N bet, d double, p split, u surrender, i/n take/decline "
    "insurance, r rebuy; a hand number may follow (h 2)"
)


def _name(player_id: object, my_id: int | None, names: Mapping[int, str]) -> str:
    if player_id == wire.DEALER_ID:
        return "the dealer"
    if player_id == my_id:
        return "you"
    if isinstance(player_id, int) and player_id in names:
        return names[player_id]
    return f"player {player_id}"


def seconds(value: float) -> str:
    """A wait in whole seconds, as a player reads it: "15 s"."""
    return f"{max(0, round(value))} s"


def _verb(who: str, verb: str) -> str:
    # "you stand", "bob stands".
    return f"{who} {verb}" if who == "you" else f"{who} {verb}s"


BLACKJACK = 21

#: What ``stand``'s reason adds to "you stand".
STAND_REASONS = {
    "timeout": " (out of time)",
    "21": " on 21",
    "blackjack": " with blackjack",
    "double": "",
    "split_aces": " (split aces take one card)",
    "left": " (left the table)",
}

#: How the moves are named in a prompt, in the order it lists them.
MOVE_WORDS = {
    HIT: ("h", "hit"),
    STAND: ("s", "stand"),
    DOUBLE: ("d", "double"),
    SPLIT: ("p", "split"),
    SURRENDER: ("u", "surrender"),
}


def move_prompt(legal: Collection[str], hand: int | None, left: float) -> str:
    """The prompt for a turn: the moves allowed now, each with what to type
    (the hand number too, once the player has split: ``hand`` is its index
    then), and the time left."""
    moves = []
    for move, (key, word) in MOVE_WORDS.items():
        if move in legal:
            if hand is not None:
                moves.append(f"{key} {hand + 1} ({word})")
            elif word.startswith(key):
                moves.append(f"{key}({word[1:]})")
            else:
                moves.append(f"{key} ({word})")
    where = "" if hand is None else f" on hand {hand + 1}"
    listed = ", ".join(moves[:-1]) + " or " + moves[-1] if len(moves) > 1 else moves[0]
    return f"your move{where}: {listed} within {seconds(left)}"


def describe(
    message: wire.ServerMessage,
    my_id: int | None,
    unit: int = 1,
    names: Mapping[int, str] | None = None,
    split: Collection[object] = (),
) -> str | None:
    """One line for a person to read about ``message``; None to say nothing.
    ``unit`` is the table's betting unit; ``names`` the players' names by id,
    where known; ``split`` the players who split a hand this round (their
    hands are numbered from 1, the others' not at all)."""
    about = getattr(message, "id", None)
    who = _name(about, my_id, names or {})
    mine = about == my_id and my_id is not None
    number = getattr(message, "hand", None)
    numbered = isinstance(number, int) and about in split
    hand = f" (hand {number + 1})" if numbered and isinstance(number, int) else ""
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
        case wire.Watching():
            return (
                f"watching table {message.table} ({message.game}, "
                f"{message.seats} seats, {message.watchers} watching): "
                "sit takes a seat, q leaves"
            )
        case wire.Hit() if message.points > BLACKJACK and not mine:
            # Only the player hears ``bust``: the others read it here.
            return f"{who} drew {message.card}: {message.points}{hand}, bust"
        case wire.Hit():
            return f"{who} drew {message.card}: {message.points}{hand}"
        case wire.OtherPlayers():
            name = message.username or who
            if message.state in ("betting", "bet", "waiting") or not message.hand:
                return f"{name} is at the table"
            return f"{name} holds {' '.join(message.hand)}: {message.points}"
        case wire.NewClient():
            return f"{message.username or _name(message.message, my_id, {})} sat down"
        case wire.Left() if mine:
            return LEFT_REASONS.get(message.reason or "", "you left the table")
        case wire.Left():
            gone = {"gone": " (away too long)", "idle": " (stood up: idle)"}
            return f"{who} left{gone.get(message.reason or '', '')}"
        case wire.Away():
            return f"{who} is away; their seat is held {seconds(message.seconds)}"
        case wire.Back():
            return f"{who} is back"
        case wire.Stand():
            why = STAND_REASONS.get(message.reason, "")
            return f"{_verb(who, 'stand')}{hand}{why}"
        case wire.Bust():
            return f"you bust{hand}"
        case wire.Deadline() if mine:
            shown = number if numbered else None
            return move_prompt((HIT, STAND), shown, message.seconds)
        case wire.Winner() if mine:
            paid = "" if message.payout is None else f": paid {message.payout}"
            return f"you won{hand}{paid}"
        case wire.Lose():
            return f"you lost{hand}"
        case wire.Push():
            return f"you push{hand}"
        case wire.RoundOver():
            dealer = message.dealer
            return (
                f"round over; the dealer has {' '.join(dealer.hand)}: {dealer.points}"
            )
        case wire.Restart():
            return "--- new round ---"
        case wire.Wait():
            return "you are dealt in at the next round"
        case wire.Shuffle():
            return "the dealer shuffles the shoe"
        case wire.Shutdown():
            return "the server is stopping: finishing this round, back when it restarts"
        case wire.Betting() if my_id is None:
            return (
                f"bets open: {message.min_bet} to {message.max_bet} chips, "
                f"for {seconds(message.seconds)}"
            )
        case wire.Betting():
            steps = f" in multiples of {unit}" if unit > 1 else ""
            return (
                f"place your bet: b {smallest_bet(message.min_bet, unit)} to "
                f"b {message.max_bet}{steps} within {seconds(message.seconds)}"
            )
        case wire.Bet():
            return f"{who} bet {message.amount}"
        case wire.SitOut():
            return f"{_verb(who, 'sit')} this round out"
        case wire.HoleCard():
            return "the dealer takes a card face down"
        case wire.InsuranceOffer():
            return (
                f"insurance for {message.amount}? i to take, n to decline, "
                f"within {seconds(message.seconds)}"
            )
        case wire.Insurance() if mine and message.taken:
            return (
                f"you took insurance for {message.amount}; {message.balance} chips left"
            )
        case wire.Insurance() if mine:
            return "you declined insurance"
        case wire.Insurance():
            return f"{who} {'took' if message.taken else 'declined'} insurance"
        case wire.InsuranceResult() if mine and message.payout:
            return (
                f"the dealer has blackjack: your insurance pays {message.payout}; "
                f"you have {message.balance} chips"
            )
        case wire.InsuranceResult() if mine:
            return f"no blackjack: your insurance of {message.amount} is lost"
        case wire.InsuranceResult():
            won = "pays" if message.payout else "is lost"
            return f"{who}'s insurance {won}"
        case wire.Peek():
            return "the dealer has blackjack" if message.blackjack else "no blackjack"
        case wire.Double() if mine:
            return (
                f"you double{hand}: {message.bet} on it; {message.balance} chips left"
            )
        case wire.Split() if mine:
            return f"you split{_split_hand(message.hand)}; {message.balance} chips left"
        case wire.Surrender() if mine:
            return f"you surrender{hand}: {message.refund} back"
        case wire.Double():
            return f"{_verb(who, 'double')}{hand}"
        case wire.Split():
            return f"{who} splits{_split_hand(message.hand)}"
        case wire.Surrender():
            return f"{who} surrenders{hand}"
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


def _split_hand(index: int) -> str:
    # The first split needs no number; a hand split again does.
    return "" if index == 0 else f" hand {index + 1}"


def round_results(message: wire.RoundOver, my_id: int | None) -> list[str]:
    """``round_over``'s results of the others, a line a hand (this player's
    own come as ``winner``, ``lose`` and ``push``)."""
    by_player: dict[int, int] = {}
    for result in message.results:
        by_player[result.id] = by_player.get(result.id, 0) + 1
    lines = []
    for result in message.results:
        if result.id == my_id:
            continue
        name = result.username or f"player {result.id}"
        index = result.index
        hand = (
            f" (hand {index + 1})"
            if by_player[result.id] > 1 and index is not None
            else ""
        )
        paid = "" if result.payout is None else f", paid {result.payout}"
        lines.append(
            f"  {name}{hand}: {' '.join(result.hand)}: {result.points}, "
            f"{result.result}{paid}"
        )
    return lines


def describe_snapshot(
    message: wire.Snapshot,
    my_id: int | None,
    names: Mapping[int, str],
    prompt: str | None = None,
) -> list[str]:
    """The table as the ``snapshot`` shows it, one line a thing: where,
    the dealer, every seat, and ``prompt`` when this player's turn is on.
    While bets are open the cards on the table are the last round's: they
    are left out."""
    if my_id is None:
        lines = [f"table {message.table} now: {message.phase}"]
    else:
        lines = [f"back at your seat: table {message.table}, {message.phase}"]
    betting = message.phase == "betting"
    if (message.dealer or message.hole_card) and not betting:
        down = " and a card face down" if message.hole_card else ""
        lines.append(f"  dealer: {' '.join(message.dealer) or 'no card up'}{down}")
    for seat in message.seats:
        who = _name(seat.id, my_id, names)
        away = "" if seat.connected else ", away"
        views = () if betting else seat.hands or ()
        numbered = len(views) > 1
        hands = [
            f"{f'hand {view.hand + 1} ' if numbered else ''}{' '.join(view.cards)}: "
            f"{view.points} (bet {view.bet}, {view.status})"
            for view in views
        ]
        if seat.hands is None and not betting:
            hands = [f"{' '.join(seat.hand) or 'no cards'}: {seat.points}"]
        elif not hands and seat.bet:
            hands = [f"bet {seat.bet}"]
        chips = "" if seat.balance is None else f"; {seat.balance} chips"
        held = "; ".join(hands) or "no cards"
        lines.append(
            f"  {who} (seat {seat.seat + 1}{away}): {held}, {seat.state}{chips}"
        )
    if not message.seats:
        lines.append("  no one is seated")
    if prompt:
        lines.append(prompt)
    if message.insurance_offer is not None:
        lines.append(
            f"insurance for {message.insurance_offer}? i to take, n to decline"
        )
    if betting and message.seconds is not None:
        lines.append(f"bets close in {seconds(message.seconds)}")
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


#: Status codes that refuse a seat or a table for good on this connection.
STATUS_NO_TABLE = 404
STATUS_FULL = 507


class TerminalSession:
    """A player at the terminal, across connections: prints what the table
    says, sends what is typed (or what ``--auto`` decides), and comes back
    to the seat after a dropped connection. With ``--watch N`` it watches
    table N first, and ``sit`` takes a seat there. ``done`` fires once it is
    over; ``problem`` then says why, when it ended without the player's
    leave (the connection failed, the table was full...).

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
        #: The table chosen (``--table`` or ``--watch``), if any.
        self.table: int | None = settings.table or settings.watch
        #: Where to connect: the URL given, naming the chosen table.
        self.url: str = table_url(settings.url, self.table)
        self.rejoin = Rejoin(
            settings.name,
            settings.password,
            backoff=backoff,
            draw=draw,
            table=self.table,
        )
        self.notes = SeatNotes()
        self.policy: Policy = StandOn17()
        self.rounds = 0
        #: The amount of the last bet typed, until the server answers it.
        self.typed_bet: int | None = None
        #: Players' names by id, as the table told them.
        self.names: dict[int, str] = {}
        #: The players who split a hand this round: their hands are numbered.
        self.split: set[int] = set()
        #: The table watched now (``watching``), while not seated.
        self.watching: int | None = None
        #: A ``sit`` sent from watching, not answered yet.
        self._sitting = False
        self.connection: Connection | None = None
        self.done: defer.Deferred[None] = defer.Deferred()
        #: Why the session ended without the player leaving (None: it didn't).
        self.problem: str | None = None
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
        self.watching = None
        self._sitting = False

    def send(self, request: wire.Request) -> None:
        """Send ``request``, if a connection is open."""
        if self.connection is not None:
            self.connection.send(request)

    def closed(self, code: int | None, reason: str) -> None:
        """A connection closed, or could not be made: come back after a
        wait, or end the session saying why not."""
        self.connection = None
        self._seated = False
        self.watching = None
        self._forget_paced_moves()
        said = reason or "no reason given"
        # A connection never made has no close code: its reason says it all.
        gone = said if code is None else f"disconnected ({code}: {said})"
        if self._quitting:
            self.out(gone)
            self._finish()
            return
        delay = self.rejoin.closed(code, self.clock.seconds())
        if delay is None:
            self.out(gone)
            if self.rejoin.stopped is not None:
                self.out(f"not coming back: {self.rejoin.stopped}")
            self._fail(self.rejoin.stopped or gone)
            self._finish()
            return
        if code == CLOSE_TABLE_MOVED:
            self.out(
                f"the table moved to another server: following it in {delay:.1f} s..."
            )
        elif self.rejoin.told_to_wait and code == CLOSE_NORMAL:
            # We closed, after a 503 that said why.
            self.out(f"trying again in {delay:.1f} s...")
        elif self.rejoin.server_stopping:
            # A restart: the player waits longer, and knows why.
            why = said if code is None else f"{code}: {said}"
            self.out(
                f"waiting for the server to come back ({why}), "
                f"trying again in {delay:.1f} s..."
            )
        else:
            self.out(
                f"connection lost ({code}: {said}), reconnecting in {delay:.1f} s..."
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

    def _fail(self, reason: str) -> None:
        """The session ends, and not by the player's choice: ``reason``."""
        if self.problem is None:
            self.problem = reason

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
        if isinstance(message, wire.Id) and self.rejoin.server_stopping:
            self.out("the server is back")
        self._sign_in(message)
        self._learn_names(message)
        self._learn_splits(message)
        turn = self.notes.hear(message)
        if isinstance(message, wire.Id):
            self._seated = True
            self.watching = None
            self._sitting = False
            if self.settings.strategy == "basic" and self.notes.config:
                self.policy = BasicStrategyPolicy(self.notes.config)
        elif isinstance(message, wire.Watching):
            self.watching = message.table
        if self.settings.history is not None:
            self._history_only(message)
            return
        for line in self._lines(message, turn):
            self.out(line)
        if isinstance(message, wire.Error) and not self._seated:
            if self._refused(message):
                return
        if isinstance(message, wire.RoundOver) and any(
            result.id == self.notes.my_id for result in message.results
        ):
            # A round counts once you were dealt into it, not one you
            # watched from your seat while waiting for the next deal.
            self.rounds += 1
            if self.settings.rounds and self.rounds >= self.settings.rounds:
                self.quit()
                return
        if self.settings.auto and self._seated and turn is not None:
            move = next_move(turn, self.policy)
            if move is not None:
                self._send_paced(move.request())

    def _refused(self, error: wire.Error) -> bool:
        """An error before a seat: what it ends. True if the session is
        leaving: a refused sign-in, no such table, a full table or server;
        a watcher refused a seat goes on watching."""
        if self.watching is not None and self._sitting:
            self._sitting = False
            self.rejoin.restart()  # a refused sign-in may be tried again
            self.out(f"you go on watching table {self.watching}: sit tries again")
            return False
        if self._sign_in_refused():
            self._fail(f"not signed in: {self.rejoin.stopped}")
        elif error.status_code not in (STATUS_NO_TABLE, STATUS_FULL, STATUS_STOPPING):
            return False
        elif self.rejoin.comes_back:
            # Coming back, to a full server or table, or to a server still
            # stopping (or a table moving between a cluster's nodes): try
            # again after a wait.
            if self.connection is not None:
                self.connection.leave()
            return True
        elif error.status_code == STATUS_NO_TABLE:
            self._fail(f"there is no table {self.table}")
        elif error.status_code == STATUS_STOPPING:
            self._fail("the server is stopping: try again once it is back")
        else:
            self._fail(self._full())
        self.quit()
        return True

    def _full(self) -> str:
        if self.settings.watch is not None and self.watching is None:
            return f"table {self.table} has as many watchers as it takes"
        if self.table is not None:
            return f"table {self.table} is full: every seat is taken"
        return "every seat at every table is taken: try again later"

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
            if self.settings.watch is not None and not self.rejoin.seated:
                # A watcher signs in only when it sits (``sit``).
                self.send(wire.WatchRequest(table=self.settings.watch))
            else:
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

    def _learn_splits(self, message: wire.ServerMessage) -> None:
        # A round's hands are forgotten when the next round opens.
        if isinstance(message, (wire.Restart, wire.Betting, wire.Id, wire.Watching)):
            self.split.clear()
        elif isinstance(message, wire.Split):
            self.split.add(message.id)
        elif isinstance(message, wire.Snapshot):
            self.split = {
                seat.id for seat in message.seats if len(seat.hands or ()) > 1
            }

    def _prompt(self, turn: Turn | None, left: float) -> str | None:
        """The moves allowed on ``turn``'s hand now, with ``left`` seconds to
        choose, if one is to be played."""
        if turn is None or not turn.legal:
            return None
        numbered = self.notes.my_id in self.split
        return move_prompt(turn.legal, turn.hand if numbered else None, left)

    def _lines(self, message: wire.ServerMessage, turn: Turn | None) -> list[str]:
        my_id = self.notes.my_id
        if isinstance(message, wire.Snapshot):
            left = next((t.seconds for t in message.turns if t.id == my_id), 0.0)
            prompt = self._prompt(turn, left) if self._seated else None
            lines = describe_snapshot(message, my_id, self.names, prompt)
        elif isinstance(message, wire.Deadline) and message.id == my_id:
            fallback = describe(message, my_id, self.unit(), self.names, self.split)
            lines = [self._prompt(turn, message.seconds) or fallback or ""]
        else:
            lines = [
                describe(message, my_id, self.unit(), self.names, self.split) or ""
            ]
        if isinstance(message, wire.RoundOver):
            lines.extend(round_results(message, my_id))
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
            if number == 0:
                self.out("hands are numbered from 1: h 2 hits your second hand")
                return
            # Hands are typed as they are shown, from 1; the server's from 0.
            hand = None if number is None else number - 1
            self.send(wire.HAND_REQUESTS[HAND_COMMANDS[word]](hand=hand))
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
        elif word == "sit":
            self._sit()
        elif word in ("q", "quit"):
            self.quit()
        else:
            self.out(HELP)

    def _sit(self) -> None:
        """``sit``: a watcher takes a free seat at the table it watches, on
        the same connection."""
        if self.watching is None:
            self.out("sit takes a seat at the table you watch (--watch N)")
            return
        self.table = self.rejoin.table = self.watching
        self._sitting = True
        self.out(f"asking for a seat at table {self.watching}")
        self.send(self.rejoin.auth())


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

    def connectionLost(self, reason: Failure) -> None:  # type: ignore[override]
        check = self.factory.tls
        problem = None if check is None else check.problem(reason)
        if problem is not None:
            # Before autobahn's 1006: a refused certificate is the reason.
            self.factory.report_close(None, problem)
        super().connectionLost(reason)

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
        super().__init__(session.url)
        self.session = session
        self._reported = False
        #: How a wss:// server's certificate is checked (None: ws://).
        self.tls: TLSCheck | None = None

    def report_close(self, code: int | None, reason: str) -> None:
        if not self._reported:
            self._reported = True
            self.session.closed(code, reason)

    def clientConnectionFailed(self, connector: IConnector, reason: Failure) -> None:
        self.report_close(None, f"cannot connect: {reason.getErrorMessage()}")


def connect_websocket(session: TerminalSession) -> None:
    """One WebSocket connection for ``session``, to its URL."""
    try:
        factory = _PlayerFactory(session)
    except ValueError as bad:  # autobahn's word for an address it can't use
        session.closed(None, f"bad server address: {bad}")
        return
    if factory.isSecure:
        try:
            factory.tls = client_tls(factory.host, session.settings.cafile)
        except TrustError as failed:
            session.closed(None, str(failed))
            return
    connectWS(factory, factory.tls)


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
    parser = argparse.ArgumentParser(prog=PROGRAM, description=__doc__.split("\n\n")[0])
    parser.add_argument("url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--name", default="player")
    add_seat_options(parser, "watch table N without a seat; type sit to take one there")
    parser.add_argument("--cafile", metavar="PATH", help=CAFILE_HELP)
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


def address_problem(url: str) -> str | None:
    """Why ``url`` is no WebSocket address to connect to; None if it is."""
    try:
        parse_url(url)
    except ValueError as bad:
        why = str(bad).removeprefix("invalid WebSocket URL: ")
        return f"bad server address {url!r}: {why}"
    return None


def _ended(session: TerminalSession) -> None:
    """The end of ``run``: a session that ended without the player's leave
    says why on one line of stderr, and the program exits 1."""
    if session.problem is not None:
        print(f"{PROGRAM}: {session.problem}", file=sys.stderr, flush=True)
        raise SystemExit(1)


def run(
    reactor: IReactorCore,
    argv: list[str],
    environ: Mapping[str, str] | None = None,
    connect: Callable[[TerminalSession], None] = connect_websocket,
) -> defer.Deferred[None]:
    """Connect to the table and play until the session ends; fails with
    ``SystemExit`` (1) when it ended without the player's leave, (2) for an
    address that is none."""
    settings = parse_args(argv, environ)
    problem = address_problem(settings.url)
    if problem is not None:
        print(f"{PROGRAM}: {problem}", file=sys.stderr, flush=True)
        return defer.fail(SystemExit(2))
    session = TerminalSession(settings, clock=IReactorTime(reactor), connect=connect)
    if not settings.auto and settings.history is None:
        StandardIO(_Keyboard(session), reactor=reactor)
    session.start()
    return session.done.addCallback(lambda _: _ended(session))


def main() -> None:
    task.react(run, (sys.argv[1:],))


if __name__ == "__main__":
    main()
