"""One bot policy: what a player sends next, from what it knows of the table.

Pure: no sockets and no clocks. A caller describes the moment in a ``Turn``
(the hand whose turn it is, the dealer's upcard, the legal actions, the
balance and the table's bet limits) and ``next_move`` answers with the
``Move`` to send, or None. The terminal client (``cli --auto``), the pygame
client's ``--autoplay`` and ``bench/load.py`` all play by it.

Two policies: ``StandOn17``, the simple bot (bet the minimum, decline
insurance, hit below 17 and stand from 17), which every autoplay uses by
default; and ``BasicStrategyPolicy``, which plays a casino table's basic
strategy (``blackjackd.strategy``).

``SeatNotes`` follows the server's messages (``blackjackd.wire``'s) for a bot
that keeps no model of its own, and says when a decision is due.
``hand_options`` says which of double, split and surrender the server's
rules allow on a hand: the pygame client asks it too.

``Rejoin`` is how a player keeps its seat across dropped connections: which
``auth`` to send (the seat's token, else the name and password) and, after a
close, whether to connect again and after how long (``Backoff``). Both
clients follow it; it is pure too, the caller keeps the time and the timer.
``Pace`` spaces a bot's moves so that it never outruns the server's message
budget, the same way.

The lobby, for both clients: ``table_url`` names the chosen table in the
WebSocket's address (``/websocket?table=N``), ``tables_url`` is where the
same server lists its tables (``GET /tables``), and ``wire.decode_tables`` reads
that list as a client that trusts no server must.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from blackjackd import wire
from blackjackd.cards import is_card
from blackjackd.casino import (
    CasinoConfig,
    PlayerHand,
    double_refusal,
    parse_payout,
    split_refusal,
    surrender_refusal,
)
from blackjackd.strategy import (
    DOUBLE,
    HIT,
    SPLIT,
    STAND,
    SURRENDER,
    BasicStrategy,
)

BET, INSURE, DECLINE = "bet", "insure", "decline"
BLACKJACK = 21
#: The simple bot stands on this many points or more.
STAND_ON = 17


@dataclass(frozen=True, slots=True)
class Move:
    """What to send: ``action`` is ``"bet"`` (``amount`` chips),
    ``"insure"`` or ``"decline"``, or an action on hand ``hand`` (None: the
    table's only hand, left unnamed as a classic table expects)."""

    action: str
    hand: int | None = None
    amount: int | None = None

    def request(self) -> wire.Request:
        """The request to send."""
        if self.action == BET:
            return wire.BetRequest(amount=self.amount or 0)
        if self.action in (INSURE, DECLINE):
            return wire.InsuranceRequest(take=self.action == INSURE)
        return wire.HAND_REQUESTS[self.action](hand=self.hand)

    def message(self) -> dict[str, Any]:
        """The request as a JSON-ready object."""
        return wire.as_dict(self.request())


@dataclass(frozen=True, slots=True)
class Turn:
    """What one player knows of the table at a moment it might act."""

    #: Bets are open and this player has not bet yet.
    may_bet: bool = False
    min_bet: int = 0
    max_bet: int = 0
    #: Every bet is a multiple of this (1 at an old server's tables).
    bet_unit: int = 1
    #: The player's chips (None: not told, or a classic table).
    balance: int | None = None
    #: What insurance costs, while it is offered to this player.
    insurance_cost: int | None = None
    #: The index of the hand whose turn it is (None: a classic table's one
    #: hand, which requests leave unnamed).
    hand: int | None = None
    cards: tuple[str, ...] = ()
    #: The hand's total, as the server counted it.
    points: int = 0
    upcard: str | None = None
    #: The actions the rules allow on the hand now (none: no hand to play).
    legal: frozenset[str] = frozenset()

    def affords(self, amount: int) -> bool:
        """Whether the player's chips cover ``amount`` (unknown: yes)."""
        return self.balance is None or amount <= self.balance

    @property
    def smallest_bet(self) -> int:
        """The smallest bet the table takes: the minimum rounded up to the
        betting unit."""
        return smallest_bet(self.min_bet, self.bet_unit)

    def takes(self, amount: int) -> bool:
        """Whether the table takes a bet of ``amount``: within the limits
        and a multiple of the betting unit."""
        return self.min_bet <= amount <= self.max_bet and not amount % self.bet_unit


class Policy(Protocol):
    """How a bot bets, insures and plays its hands."""

    def bet(self, turn: Turn) -> int | None:
        """The chips to bet now, or None to sit the round out."""

    def insure(self, turn: Turn) -> bool:
        """Whether to buy the insurance offered."""

    def play(self, turn: Turn) -> str:
        """One of ``turn.legal``: what to do with the hand."""


class StandOn17:
    """The simple bot: it bets the smallest bet the table takes, never
    insures, hits below 17 and stands from 17."""

    def bet(self, turn: Turn) -> int | None:
        return turn.smallest_bet

    def insure(self, turn: Turn) -> bool:
        return False

    def play(self, turn: Turn) -> str:
        return HIT if turn.points < STAND_ON else STAND


class BasicStrategyPolicy(StandOn17):
    """Basic strategy for a casino table's rules; the simple bot's play
    when the cards or the upcard are not known."""

    def __init__(self, config: CasinoConfig) -> None:
        self._strategy = BasicStrategy(config)

    def play(self, turn: Turn) -> str:
        cards, upcard = turn.cards, turn.upcard
        if len(cards) < 2 or upcard is None or not all(map(is_card, cards)):
            return super().play(turn)
        if not is_card(upcard):
            return super().play(turn)
        return self._strategy.decide(
            list(cards),
            upcard,
            can_double=DOUBLE in turn.legal,
            can_split=SPLIT in turn.legal,
            can_surrender=SURRENDER in turn.legal,
        )


def next_move(turn: Turn, policy: Policy | None = None) -> Move | None:
    """What the bot sends now, or None to wait."""
    policy = STAND_ON_17 if policy is None else policy
    if turn.may_bet:
        amount = policy.bet(turn)
        if amount is None or not turn.takes(amount):
            return None
        return Move(BET, amount=amount) if turn.affords(amount) else None
    if turn.insurance_cost is not None:
        take = policy.insure(turn) and turn.affords(turn.insurance_cost)
        return Move(INSURE if take else DECLINE)
    if not turn.legal:
        return None
    action = policy.play(turn)
    if action not in turn.legal:
        # A refused play would only earn an error: the plain play instead.
        action = STAND_ON_17.play(turn)
    return Move(action, hand=turn.hand) if action in turn.legal else None


STAND_ON_17 = StandOn17()


# -- the rules a player needs ---------------------------------------------------

#: The betting unit of a server that doesn't announce one: any whole bet.
OLD_SERVER_UNIT = 1


def smallest_bet(min_bet: int, unit: int) -> int:
    """``min_bet`` rounded up to a multiple of the betting ``unit``."""
    return -(-min_bet // unit) * unit


def table_config(rules: object) -> CasinoConfig:
    """A casino table's rules as ``id`` states them (``"h17"``, ``"das"``,
    ...), as a ``CasinoConfig``. What is missing or out of range keeps the
    default, so a server's odd values never raise; the betting unit
    (``bet_unit``) of a server that doesn't state one is 1."""
    if not isinstance(rules, Mapping):
        return CasinoConfig(bet_unit=OLD_SERVER_UNIT)
    options: dict[str, Any] = {"bet_unit": OLD_SERVER_UNIT}
    for told, name in (
        ("h17", "hit_soft_17"),
        ("das", "das"),
        ("resplit_aces", "resplit_aces"),
        ("surrender", "surrender"),
    ):
        if isinstance(rules.get(told), bool):
            options[name] = rules[told]
    for name, low, high in (
        ("decks", 1, 8),
        ("max_split_hands", 1, 4),
        ("min_bet", 1, None),
        ("max_bet", 1, None),
        ("bet_unit", 1, None),
    ):
        value = rules.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value >= low:
            options[name] = value if high is None else min(value, high)
    pays = rules.get("blackjack_pays")
    if isinstance(pays, str) and len(pays) < 20:
        try:
            options["blackjack_pays"] = parse_payout(pays)
        except ValueError:
            pass
    low = options.get("min_bet", CasinoConfig.min_bet)
    if options.get("max_bet", CasinoConfig.max_bet) < low:
        options["max_bet"] = low
    try:
        return CasinoConfig(**options)
    except ValueError:
        # No bet in the limits is a multiple of the unit: not a sane table.
        return CasinoConfig(bet_unit=OLD_SERVER_UNIT)


def hand_options(
    cards: Sequence[str],
    *,
    bet: int,
    from_split: bool,
    hands_held: int,
    config: CasinoConfig,
    balance: int | None,
) -> frozenset[str]:
    """Of double, split and surrender, those the server's rules allow on a
    casino hand whose turn it is, and the chips (``balance``) pay for."""
    if not cards or not all(map(is_card, cards)):
        return frozenset()
    hand = PlayerHand(
        bet=bet,
        cards=list(cards),
        from_split=from_split,
        split_aces=from_split and cards[0][0] == "A",
    )
    affords = balance is None or bet <= balance
    options = set()
    if affords and double_refusal(hand, config) is None:
        options.add(DOUBLE)
    if affords and split_refusal(hand, hands_held, config) is None:
        options.add(SPLIT)
    if surrender_refusal(hand, config) is None:
        options.add(SURRENDER)
    return frozenset(options)


# -- a bot without a model: notes from the messages ---------------------------


class SeatNotes:
    """What a bot has heard about its own seat, kept from the server's
    messages; ``hear`` returns the ``Turn`` when a decision is due: bets
    open, insurance offered, or one of its hands is to be played (its turn
    began, or a card it asked for came while the turn goes on)."""

    def __init__(self) -> None:
        self.my_id: int | None = None
        self.balance: int | None = None
        self.config: CasinoConfig | None = None
        self.upcard: str | None = None
        #: My hands by index: their cards and the server's totals.
        self.cards: dict[int, tuple[str, ...]] = {}
        self.points: dict[int, int] = {}
        self.stakes: dict[int, int] = {}
        self.from_split: set[int] = set()
        #: The hands whose turn is on.
        self.open_hands: set[int] = set()

    def hear(self, message: wire.ServerMessage | Mapping[str, Any]) -> Turn | None:
        """Note ``message`` (a wire message, or the JSON object of one,
        decoded here; one that doesn't decode is ignored); the ``Turn`` if
        the bot should decide now."""
        if isinstance(message, Mapping):
            try:
                decoded = wire.decode_server_message(message)
            except wire.BadServerMessage:
                return None
            if isinstance(decoded, wire.Unknown):
                return None
            message = decoded
        mine = getattr(message, "id", None) == self.my_id
        if mine or isinstance(message, (wire.Id, wire.Balance, wire.Rebuy)):
            balance = getattr(message, "balance", None)
            if balance is not None:
                self.balance = balance
        if isinstance(message, wire.Id):
            # A new seat, or the same one come back to: a snapshot follows.
            self._new_round()
            self.my_id = message.client_id
            if message.game == "casino":
                self.config = table_config(
                    None if message.rules is None else message.rules.as_dict()
                )
        elif isinstance(message, wire.Betting):
            self._new_round()
            return self._betting(message)
        elif isinstance(message, wire.Restart):
            # The deal: the bet placed while betting was open is this round's.
            stake = self.stakes.get(0)
            self._new_round()
            if stake is not None:
                self.stakes[0] = stake
        elif isinstance(message, wire.Snapshot):
            return self._snapshot(message)
        elif isinstance(message, wire.InsuranceOffer):
            return Turn(balance=self.balance, insurance_cost=message.amount)
        elif isinstance(message, wire.Bet) and mine:
            self.stakes[0] = message.amount
        elif isinstance(message, wire.Hit):
            return self._hit(message, mine)
        elif isinstance(message, wire.Split) and mine:
            self._split(message)
        elif isinstance(message, (wire.Double, wire.Surrender)) and mine:
            # The hand is played: a double's one card and stand follow.
            self.open_hands.discard(message.hand)
        elif isinstance(message, wire.Deadline) and mine:
            hand = message.hand or 0
            self.open_hands.add(hand)
            return self._turn(hand)
        elif isinstance(message, (wire.Bust, wire.Stand)) and mine:
            self.open_hands.discard(message.hand or 0)
        return None

    def _new_round(self) -> None:
        self.upcard = None
        self.cards.clear()
        self.points.clear()
        self.stakes.clear()
        self.from_split.clear()
        self.open_hands.clear()

    def _betting(self, message: wire.Betting) -> Turn:
        return Turn(
            may_bet=True,
            min_bet=message.min_bet,
            max_bet=message.max_bet,
            bet_unit=OLD_SERVER_UNIT if self.config is None else self.config.unit,
            balance=self.balance,
        )

    def _snapshot(self, message: wire.Snapshot) -> Turn | None:
        """Back at the seat: the notes afresh from the table as it is, and
        the decision due now, if one is."""
        self._new_round()
        if message.balance is not None:
            self.balance = message.balance
        self.upcard = message.dealer[0] if message.dealer else None
        me = next((seat for seat in message.seats if seat.id == self.my_id), None)
        if me is None:
            return None
        if me.hands is None:
            # A classic table: one hand, as ``other_players`` shows it.
            if me.hand:
                self.cards[0], self.points[0] = me.hand, me.points
        else:
            for view in me.hands:
                self.cards[view.hand] = view.cards
                self.points[view.hand] = view.points
                self.stakes[view.hand] = view.bet
                if len(me.hands) > 1:
                    self.from_split.add(view.hand)
        for turn in message.turns:
            if turn.id == self.my_id:
                self.open_hands.add(turn.hand or 0)
        if message.insurance_offer is not None:
            return Turn(balance=self.balance, insurance_cost=message.insurance_offer)
        config = self.config
        if message.phase == "betting" and me.bet is None and config is not None:
            return Turn(
                may_bet=True,
                min_bet=config.min_bet,
                max_bet=config.max_bet,
                bet_unit=config.unit,
                balance=self.balance,
            )
        if self.open_hands:
            return self._turn(min(self.open_hands))
        return None

    def _hit(self, message: wire.Hit, mine: bool) -> Turn | None:
        if message.id == wire.DEALER_ID:
            if self.upcard is None:
                self.upcard = message.card
            return None
        if not mine:
            return None
        hand = message.hand or 0
        self.cards[hand] = (*self.cards.get(hand, ()), message.card)
        self.points[hand] = message.points
        return self._turn(hand) if hand in self.open_hands else None

    def _split(self, message: wire.Split) -> None:
        for entry in message.hands:
            hand = entry.hand
            self.cards[hand] = entry.cards
            self.points[hand] = entry.points
            self.stakes[hand] = entry.bet or self.stakes.get(0, 0)
            self.from_split.add(hand)
            # Each hand's turn starts afresh with its own deadline.
            self.open_hands.discard(hand)

    def _turn(self, hand: int) -> Turn:
        points = self.points.get(hand, 0)
        cards = self.cards.get(hand, ())
        legal: frozenset[str] = frozenset()
        if points < BLACKJACK:
            legal = frozenset((HIT, STAND))
            if self.config is not None:
                legal |= hand_options(
                    cards,
                    bet=self.stakes.get(hand, 0),
                    from_split=hand in self.from_split,
                    hands_held=len(self.cards),
                    config=self.config,
                    balance=self.balance,
                )
        return Turn(
            balance=self.balance,
            hand=hand,
            cards=cards,
            points=points,
            upcard=self.upcard,
            legal=legal,
        )


# -- coming back after a dropped connection ----------------------------------

#: The close code of a connection whose seat was taken by signing in again
#: elsewhere (docs/protocol.rst, ``auth``).
CLOSE_SIGNED_IN_ELSEWHERE = 4001
#: The close code of a server that is stopping (after ``shutdown``).
CLOSE_GOING_AWAY = 1001
#: The close code of a table that moved to another node of a cluster: the
#: player follows it at once, with the seat's token.
CLOSE_TABLE_MOVED = 4002
STATUS_UNAUTHORIZED = 401
#: A stopping server's answer to signing in by name (docs/protocol.rst).
STATUS_STOPPING = 503

#: What a player is told on being stood up, by ``left``'s ``reason``.
LEFT_REASONS = {
    "idle": "you were stood up after too many idle rounds in a row",
    "gone": "your seat was given up: you were away too long",
    "elsewhere": "you sat down at another table",
}


@dataclass(frozen=True, slots=True)
class Backoff:
    """How long to wait between attempts to come back: ``first`` seconds,
    growing by ``factor`` up to ``cap``, each spread by jitter over its
    upper half (so clients dropped together don't come back together);
    no more attempts once ``budget`` seconds have passed since the drop,
    or ``restart_budget`` when the server said it was stopping: a restart
    (a deploy, a reboot) takes longer than a network's hiccup."""

    first: float = 0.5
    factor: float = 2.0
    cap: float = 10.0
    budget: float = 120.0
    restart_budget: float = 600.0

    def delay(self, attempt: int, draw: float) -> float:
        """The wait before attempt ``attempt`` (0 for the first), with
        ``draw`` (from 0 to 1) placing it between half and all of it."""
        # The exponent is bounded: no float overflows, however many attempts.
        base = min(self.cap, self.first * self.factor ** min(attempt, 64))
        return base * (0.5 + min(max(draw, 0.0), 1.0) / 2)


class Pace:
    """Spaces a bot's moves at least ``gap`` seconds apart. The server
    allows 10 messages a second to a connection (``ClientLimits``); a bot
    that keeps well under that is never told to slow down, whatever the
    table's ``--round-delay``. Pure: the caller keeps the time and the timer.
    """

    #: Seconds between two moves: five a second at most, half the budget.
    GAP = 0.2

    def __init__(self, gap: float = GAP) -> None:
        self.gap = gap
        self._free_at = float("-inf")

    def wait(self, now: float) -> float:
        """Seconds from ``now`` until the next move may go; the move is
        then counted as sent at that time."""
        at = max(now, self._free_at)
        self._free_at = at + self.gap
        return at - now


#: Where both clients look for the password when ``--password`` isn't given.
PASSWORD_VARIABLE = "BLACKJACK_PASSWORD"


def table_number(text: str) -> int:
    """A table number on a command line (``--table``, ``--watch``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a table number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("tables are numbered from 1")
    return value


def add_seat_options(
    parser: argparse.ArgumentParser, watch_help: str
) -> argparse._MutuallyExclusiveGroup:
    """Both clients' ``--password`` and their ``--table N`` / ``--watch N``;
    the group the two belong to, for a client's own choice besides them."""
    parser.add_argument(
        "--password",
        help="sign in to the account of --name (or register it) with this "
        f"password; by default ${PASSWORD_VARIABLE}, else as a guest",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--table", type=table_number, metavar="N", help="sit at table N (from 1)"
    )
    where.add_argument("--watch", type=table_number, metavar="N", help=watch_help)
    return where


def password_from(given: str | None, environ: Mapping[str, str]) -> str | None:
    """The password a client signs in with: ``--password``, else
    ``$BLACKJACK_PASSWORD``, else none (a guest)."""
    if given is not None:
        return given
    return environ.get(PASSWORD_VARIABLE) or None


class Rejoin:
    """A player's seat across connections: what ``auth`` to send and, once
    a connection closes, whether and when to connect again.

    The seat's ``token`` (from ``id``) comes first; a token refused (401)
    falls back to the name and password on the same connection. A player
    comes back only to a seat it has had: a first connection that fails is
    the caller's to report. It stops for good, ``stopped`` saying why, when
    it is stood up (``left`` naming it), signed in elsewhere (close code
    4001), refused its name or password, out of time, or when the player
    leaves.

    A server that is stopping says so (``shutdown``), closes with 1001 and
    answers a sign-in by name with 503 until it has stopped:
    ``server_stopping`` is then true until a seat is had again, and the
    caller keeps trying for ``Backoff.restart_budget``. A restarted server
    may not know the token: the name and password sit down anew. A 503
    says "try again" (a cluster's table moving between nodes says so too):
    a player told so tries again even if it never had a seat
    (``told_to_wait``)."""

    def __init__(
        self,
        username: str,
        password: str | None = None,
        *,
        backoff: Backoff | None = None,
        draw: Callable[[], float] = random.random,
        table: int | None = None,
    ) -> None:
        self.username = username
        # None or "": a guest.
        self.password = password or None
        #: The table chosen to sit at (None: the server's first free seat).
        self.table = table
        self.backoff = Backoff() if backoff is None else backoff
        self._draw = draw
        self.token: str | None = None
        self.my_id: int | None = None
        #: Whether this player has had a seat to come back to.
        self.seated = False
        #: Why it won't connect again by itself (None: it may).
        self.stopped: str | None = None
        self.attempts = 0
        self.lost_at: float | None = None
        #: The kind of ``auth`` sent and not answered yet: "token", "name".
        self._asked: str | None = None
        #: The server said it is stopping, and no seat was had since.
        self.server_stopping = False
        #: A sign-in was answered 503 (try again), and no seat was had since.
        self.told_to_wait = False

    @property
    def comes_back(self) -> bool:
        """Whether, after a close, this player connects again (unless it
        stopped): it had a seat, or the server said to try again."""
        return self.seated or self.told_to_wait

    @property
    def resuming(self) -> bool:
        """Whether the next ``auth`` asks for a held seat back."""
        return self.token is not None

    def auth(self) -> wire.AuthRequest:
        """The ``auth`` to answer the server's ``auth`` with."""
        if self.token is not None:
            self._asked = "token"
            return wire.AuthRequest(token=self.token)
        self._asked = "name"
        return wire.AuthRequest(
            username=self.username, password=self.password, table=self.table
        )

    def hear(self, message: wire.ServerMessage) -> wire.AuthRequest | None:
        """Note a server message; the ``auth`` to send at once (the name and
        password after a refused token), or None."""
        if isinstance(message, wire.Id):
            self.token = message.token
            self.my_id = message.client_id
            self.seated = True
            self.attempts, self.lost_at, self._asked = 0, None, None
            self.server_stopping = self.told_to_wait = False
        elif isinstance(message, wire.Shutdown):
            self.server_stopping = True
        elif (
            isinstance(message, wire.Error)
            and message.status_code == STATUS_STOPPING
            and self._asked is not None
        ):
            # Signing in to a server still stopping: try again once it's back.
            self._asked = None
            self.server_stopping = self.told_to_wait = True
        elif (
            isinstance(message, wire.Error)
            and message.status_code == STATUS_UNAUTHORIZED
            and self._asked is not None
        ):
            if self._asked == "token":
                # The seat is gone (or the server restarted): sit down anew.
                self.token = None
                return self.auth()
            self._asked = None
            self.stopped = f"the server refused the sign-in: {message.message}"
        elif isinstance(message, wire.Left) and message.id == self.my_id:
            self.token = None
            self.stopped = LEFT_REASONS.get(message.reason or "", "you left the table")
        return None

    def closed(self, code: int | None, now: float, by_us: bool = False) -> float | None:
        """A connection closed (or could not be made) at ``now``: seconds to
        wait before connecting again, or None not to (``stopped`` says why,
        unless this player never had a seat)."""
        self._asked = None
        if by_us:
            self.stopped = self.stopped or "you left"
        elif code == CLOSE_SIGNED_IN_ELSEWHERE:
            self.stopped = "signed in elsewhere"
        elif code == CLOSE_GOING_AWAY:
            self.server_stopping = True
        if self.stopped is not None or not self.comes_back:
            return None
        if self.lost_at is None:
            self.lost_at = now
        delay = self.backoff.delay(self.attempts, self._draw())
        budget = self.budget
        if now + delay - self.lost_at > budget:
            if self.server_stopping:
                self.stopped = f"the server did not come back within {budget:g} s"
            else:
                self.stopped = f"gave up coming back after {budget:g} s"
            return None
        self.attempts += 1
        return delay

    @property
    def budget(self) -> float:
        """Seconds to keep trying to come back, from the drop."""
        if self.server_stopping:
            return self.backoff.restart_budget
        return self.backoff.budget

    def restart(self) -> None:
        """The player asks to connect again: a fresh budget, and no reason
        to stop."""
        self.stopped, self.attempts, self.lost_at, self._asked = None, 0, None, None


# -- the lobby -------------------------------------------------------------------


def table_url(url: str, table: int | None) -> str:
    """The WebSocket address ``url`` with the chosen ``table`` in its query
    (``?table=N``), its path and any other parameter kept; ``url`` as it is
    when no table is chosen."""
    if table is None:
        return url
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "table"]
    query.append(("table", str(table)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def tables_url(url: str) -> str:
    """Where the server of the WebSocket address ``url`` lists its tables:
    ``GET /tables`` on the same host and port, over HTTP (HTTPS for wss)."""
    parts = urlsplit(url)
    scheme = "https" if parts.scheme == "wss" else "http"
    return urlunsplit((scheme, parts.netloc, "/tables", "", ""))
