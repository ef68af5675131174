"""Play at a blackjackd table from a terminal.

    python -m blackjackd.cli [URL] [--name NAME] [--auto] [--strategy basic]
                             [--rounds N]

Type ``h`` to hit, ``s`` to stand and ``q`` to quit. At casino tables also
``b N`` to bet N chips, ``d`` to double, ``p`` to split, ``u`` to surrender,
``i`` or ``n`` to take or decline insurance; add a hand number to act on
one hand after a split (``h 1``). With ``--auto`` it plays by itself, by
``blackjackd.bots`` (hit below 17; at casino tables it bets the minimum and
declines insurance; ``--strategy basic`` plays basic strategy there), which
makes it a small bot for filling a table.
"""

from __future__ import annotations

import argparse
import sys

from autobahn.twisted.websocket import (
    WebSocketClientFactory,
    WebSocketClientProtocol,
    connectWS,
)
from autobahn.websocket.protocol import WebSocketProtocol
from twisted.internet import defer, task
from twisted.internet.interfaces import IConnector, IReactorCore
from twisted.internet.protocol import Protocol
from twisted.internet.stdio import StandardIO
from twisted.python.failure import Failure

from blackjackd import wire
from blackjackd.bots import (
    BasicStrategyPolicy,
    Policy,
    SeatNotes,
    StandOn17,
    next_move,
    smallest_bet,
)

DEFAULT_URL = "ws://localhost:8888/websocket"

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
    "h hit, s stand, q quit; casino: b N bet, d double, p split, "
    "u surrender, i/n take/decline insurance; a hand number may follow (h 1)"
)


def describe(
    message: wire.ServerMessage, my_id: int | None, unit: int = 1
) -> str | None:
    """One line for a person to read about ``message``; None to say nothing.
    ``unit`` is the table's betting unit."""
    about = getattr(message, "id", None)
    who = "you" if about == my_id else f"player {about}"
    number = getattr(message, "hand", None)
    hand = f" (hand {number})" if isinstance(number, int) else ""
    match message:
        case wire.Auth():
            return "connected; asking for a seat"
        case wire.Id():
            chips = "" if message.balance is None else f", {message.balance} chips"
            return (
                f"seated at table {message.table} as {message.username} "
                f"(id {message.client_id}, {message.game or 'classic'}{chips})"
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
        case wire.Left():
            return f"player {message.id} left"
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
        case wire.Error():
            return f"error {message.status_code}: {message.message}"
    return None


class TerminalPlayer(WebSocketClientProtocol):
    """Prints the table's messages and sends the player's commands."""

    notes: SeatNotes
    #: The amount of the last bet typed, until the server answers it.
    typed_bet: int | None = None

    def onOpen(self) -> None:
        self.factory.player = self
        self.notes = SeatNotes()
        self.policy: Policy = StandOn17()
        self.rounds = 0

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

    def onMessage(self, payload: bytes, isBinary: bool) -> None:
        if self.state != WebSocketProtocol.STATE_OPEN:
            # Closing: what the server sent meanwhile needs no answer.
            return
        try:
            message = wire.decode_server_message(payload)
        except wire.BadServerMessage as bad:
            print(f"ignored a message the server sent: {bad}", flush=True)
            return
        if isinstance(message, wire.Unknown):
            return  # a newer server's: nothing this client knows to do
        settings = self.factory.settings
        if isinstance(message, wire.Auth):
            self.send(wire.AuthRequest(username=settings.name))
        turn = self.notes.hear(message)
        is_id = isinstance(message, wire.Id)
        if is_id and settings.strategy == "basic" and self.notes.config:
            self.policy = BasicStrategyPolicy(self.notes.config)
        for line in (
            describe(message, self.notes.my_id, self.unit()),
            self.bet_refused(message),
        ):
            if line:
                print(line, flush=True)
        if isinstance(message, wire.RoundOver):
            self.rounds += 1
            if settings.rounds and self.rounds >= settings.rounds:
                self.sendClose()
                return
        if settings.auto and turn is not None:
            move = next_move(turn, self.policy)
            if move is not None:
                self.send(move.request())

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
        elif word in ("q", "quit"):
            self.sendClose()
        else:
            print(HELP, flush=True)

    def send(self, request: wire.Request) -> None:
        self.sendMessage(wire.encode(request))

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        print(f"disconnected ({code}: {reason or 'no reason given'})", flush=True)
        if not self.factory.done.called:
            self.factory.done.callback(None)


class _PlayerFactory(WebSocketClientFactory):
    """Makes the one ``TerminalPlayer``; ``done`` fires when it is gone."""

    protocol = TerminalPlayer

    def __init__(self, settings: argparse.Namespace) -> None:
        super().__init__(settings.url)
        self.settings = settings
        self.done: defer.Deferred[None] = defer.Deferred()
        self.player: TerminalPlayer | None = None

    def clientConnectionFailed(self, connector: IConnector, reason: Failure) -> None:
        print(f"cannot connect: {reason.getErrorMessage()}", flush=True)
        self.done.callback(None)


class _Keyboard(Protocol):
    def __init__(self, factory: _PlayerFactory) -> None:
        self._factory = factory

    def dataReceived(self, data: bytes) -> None:
        player = self._factory.player
        for line in data.decode(errors="replace").splitlines():
            if player is not None:
                player.command(line)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m blackjackd.cli", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--name", default="player")
    parser.add_argument("--auto", action="store_true", help="play by itself")
    parser.add_argument(
        "--strategy",
        choices=["simple", "basic"],
        default="simple",
        help="how --auto plays: hit below 17 (simple), or a casino table's "
        "basic strategy (basic)",
    )
    parser.add_argument("--rounds", type=int, default=0, help="quit after N rounds")
    return parser.parse_args(argv)


def run(reactor: IReactorCore, argv: list[str]) -> defer.Deferred[None]:
    """Connect to the table and play until the connection closes."""
    settings = _parse(argv)
    factory = _PlayerFactory(settings)
    if not settings.auto:
        StandardIO(_Keyboard(factory), reactor=reactor)
    connectWS(factory)
    return factory.done


def main() -> None:
    task.react(run, (sys.argv[1:],))


if __name__ == "__main__":
    main()
