"""The client's picture of the table, as frozen data: the ``Model`` and its
seats and hands, and what the player may do now.

Legality comes from the server's own rules (``blackjackd.casino``, through
``blackjackd.bots.hand_options``): the client does not re-derive them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property

from blackjackd import wire
from blackjackd.bots import hand_options, smallest_bet, table_config
from blackjackd.casino import CasinoConfig
from blackjackd.strategy import DOUBLE, SPLIT, SURRENDER

BLACKJACK = 21

# Seat states. The server's own are playing, stood, bust and waiting; "left"
# is the client's, so a seat that emptied mid-round stays readable until the
# next deal.
WAITING = "waiting"
PLAYING = "playing"
STOOD = "stood"
BUST = "bust"
LEFT = "left"
SEAT_STATES = (WAITING, PLAYING, STOOD, BUST, LEFT)

RESULTS = ("win", "lose", "push")

# Kinds of table (``id``'s ``game``; classic when it's absent).
GAME_CLASSIC = "classic"
GAME_CASINO = "casino"

# A casino hand's status, as the server sends it (PLAYING, STOOD and BUST
# are the seat states' words too).
BLACKJACK_STATUS = "blackjack"
SURRENDERED = "surrendered"
HAND_STATUSES = (PLAYING, STOOD, BUST, BLACKJACK_STATUS, SURRENDERED)

# Connection states.
OFFLINE = "offline"
CONNECTING = "connecting"
CONNECTED = "connected"  # the WebSocket is open; not seated yet
SEATED = "seated"
FULL = "full"  # the server answered 507: every seat is taken
RECONNECTING = "reconnecting"  # the connection dropped: waiting to come back
DISCONNECTED = "disconnected"
CLOSED = "closed"  # this client closed on purpose (quitting)

# Table phases.
PHASE_NONE = "none"  # no round seen yet
PHASE_BETTING = "betting"  # casino: bets are open
PHASE_INSURANCE = "insurance"  # casino: an ace is up, insurance is offered
PHASE_PLAYING = "playing"
PHASE_DEALER = "dealer"
PHASE_OVER = "over"

STATUS_TABLE_FULL = 507


@dataclass(frozen=True)
class Hand:
    """Cards and their total, as the server counted it; on a casino table
    also the hand's stake, status, result and turn."""

    cards: tuple[str, ...] = ()
    points: int = 0
    #: Casino: everything staked on the hand (a double included).
    bet: int = 0
    #: Casino: one of ``HAND_STATUSES`` ("" on classic tables).
    status: str = ""
    #: Casino: why the hand stood ("stand", "timeout", "21", "double", ...).
    reason: str | None = None
    #: Casino: "win", "lose" or "push" once settled.
    result: str | None = None
    #: Casino: chips paid back on the hand, stake included (a surrender's
    #: refund as soon as it surrenders).
    payout: int | None = None
    #: Casino: when this hand's turn times out, on the reducer's clock.
    deadline: float | None = None
    doubled: bool = False
    from_split: bool = False

    def add(self, card: str, points: int) -> Hand:
        """This hand with one more card."""
        return replace(self, cards=(*self.cards, card), points=points)

    @property
    def net(self) -> int | None:
        """Chips won (+) or lost (-) on the hand, once the server said."""
        if self.result is None and self.status != SURRENDERED:
            return None
        return (self.payout or 0) - self.bet

    @property
    def split_aces(self) -> bool:
        """A hand made by splitting aces (it takes one card only)."""
        return self.from_split and bool(self.cards) and self.cards[0][:1] == "A"


@dataclass(frozen=True)
class Seat:
    """One player at the table. (A casino table will give a seat several
    hands; the view draws ``hand`` through one place to make that easy.)"""

    player_id: int
    username: str = ""
    seat: int | None = None
    hand: Hand = Hand()
    state: str = WAITING
    #: "stand", "timeout" or "21" once the hand is stood.
    reason: str | None = None
    #: "win", "lose" or "push" once the round is settled.
    result: str | None = None
    #: When the turn times out, on the reducer's clock.
    deadline: float | None = None
    #: Casino: the hands, by index (empty between deals; ``hand`` is the first).
    hands: tuple[Hand, ...] = ()
    #: Casino: chips held, when the server has said.
    balance: int | None = None
    #: Casino: this round's bet; None before betting, 0 for a bet whose
    #: amount wasn't told (``other_players`` during betting).
    bet: int | None = None
    #: Casino: betting closed without a bet from this player.
    sitting_out: bool = False
    #: Casino: insurance bought this round (0: declined; None: not asked).
    insurance: int | None = None
    #: The player's connection dropped and their seat is held for them,
    #: until ``away_until`` on the reducer's clock (when the server said).
    away: bool = False
    away_until: float | None = None

    @property
    def name(self) -> str:
        """The name to show: the username, or the id if none was given."""
        return self.username or f"player {self.player_id}"


@dataclass(frozen=True)
class Rules:
    """A casino table's rules, from ``id`` (defaults: the server's)."""

    decks: int = 6
    h17: bool = False
    das: bool = True
    resplit_aces: bool = False
    surrender: bool = False
    blackjack_pays: str = "3:2"
    max_split_hands: int = 4
    min_bet: int = 10
    max_bet: int = 500
    bet_timeout: float | None = None
    #: Every bet is a multiple of this (1: a server that states no unit).
    bet_unit: int = 1
    #: What basic strategy returns per 100 chips bet, in percent, and its
    #: standard error, when the server states them.
    rtp: float | None = None
    rtp_error: float | None = None

    @property
    def smallest_bet(self) -> int:
        """The smallest bet the table takes: the minimum rounded up to the
        betting unit."""
        return smallest_bet(self.min_bet, self.bet_unit)

    def takes(self, amount: int) -> bool:
        """Whether the table takes a bet of ``amount``: within the limits and
        a multiple of the betting unit."""
        return self.min_bet <= amount <= self.max_bet and not amount % self.bet_unit

    @cached_property
    def config(self) -> CasinoConfig:
        """These rules as the server's ``CasinoConfig``, for its legality
        checks (a value it would refuse keeps the default)."""
        return table_config(asdict(self))


@dataclass(frozen=True)
class Model:
    """Everything the client knows: the connection, the table and the round."""

    connection: str = OFFLINE
    url: str = ""
    my_id: int | None = None
    my_name: str = ""
    table: int | None = None
    #: How many seats the table has, when the server says (``id``'s ``seats``).
    table_seats: int | None = None
    turn_timeout: float | None = None
    protocol: int | None = None
    #: Players by id, in the order they were first heard of.
    seats: Mapping[int, Seat] = field(default_factory=dict)
    dealer: Hand = Hand()
    phase: str = PHASE_NONE
    #: When the next round is dealt, on the reducer's clock (after round_over).
    next_round_at: float | None = None
    #: Rounds this client saw settled.
    rounds: int = 0
    #: An action was sent and its answer hasn't come: don't send another.
    awaiting: str | None = None
    #: The last refusal, as (status code, message), until the next action.
    error: tuple[int, str] | None = None
    #: A passing note for the status line (shuffle, wait).
    notice: str = ""
    close_code: int | None = None
    close_reason: str = ""
    #: "classic" or "casino", from ``id``.
    game: str = GAME_CLASSIC
    #: Casino: the table's rules.
    rules: Rules = Rules()
    #: Casino: when betting closes, on the reducer's clock.
    betting_until: float | None = None
    #: Casino: what insurance would cost this player, while it is offered.
    insurance_offer: int | None = None
    insurance_until: float | None = None
    #: Casino: the dealer holds a card face down.
    dealer_hole: bool = False
    dealer_blackjack: bool = False
    #: Casino: this player's gain or loss in the last round.
    net: int | None = None
    #: Casino: this player's last bet the server took (to bet it again).
    last_bet: int | None = None
    #: Connecting again to the seat held: the table shown is the one left,
    #: until ``id`` and ``snapshot`` draw it afresh.
    resuming: bool = False
    #: When the next attempt to come back is made, on the reducer's clock.
    retry_at: float | None = None
    #: The player's last rounds, newest first, once the server sent them.
    history: tuple[wire.HistoryRound, ...] | None = None
    #: The table watched without a seat (``watching``), until seated.
    watching: int | None = None
    #: The server said it is stopping (``shutdown``): the round finishes,
    #: then the client waits for it to come back, until seated again.
    server_stopping: bool = False

    def cleared(self) -> Model:
        """This model with the table forgotten: only what the client keeps
        from one table to the next (the address, the connection, the rounds
        seen, the last bet, the history) stays."""
        return Model(
            connection=self.connection,
            url=self.url,
            rounds=self.rounds,
            last_bet=self.last_bet,
            history=self.history,
        )

    @property
    def casino(self) -> bool:
        """Whether this is a casino table."""
        return self.game == GAME_CASINO

    @property
    def balance(self) -> int | None:
        """This player's chips (casino tables)."""
        me = self.me
        return None if me is None else me.balance

    @property
    def me(self) -> Seat | None:
        """This player's seat, once seated."""
        if self.my_id is None:
            return None
        return self.seats.get(self.my_id)

    def seats_in_order(self) -> list[Seat]:
        """Every seat, by seat number (seats not yet placed go last)."""
        return sorted(
            self.seats.values(),
            key=lambda s: (s.seat is None, s.seat if s.seat is not None else 0),
        )

    def can_act(self) -> bool:
        """Whether Hit and Stand are allowed now."""
        if self.casino:
            return self.active_hand() is not None
        me = self.me
        return (
            self.connection == SEATED
            and self.awaiting is None
            and me is not None
            and me.state == PLAYING
            and len(me.hand.cards) >= 2
            and me.hand.points < BLACKJACK
        )

    # -- casino tables ---------------------------------------------------------

    def active_hand(self) -> int | None:
        """Casino: the index of the hand this player acts on now (the first
        whose turn is on), or None when no action is possible."""
        me = self.me
        if (
            not self.casino
            or self.connection != SEATED
            or self.awaiting is not None
            or self.phase != PHASE_PLAYING
            or me is None
        ):
            return None
        for index, hand in enumerate(me.hands):
            if (
                hand.status == PLAYING
                and hand.deadline is not None
                and len(hand.cards) >= 2
                and hand.points < BLACKJACK
            ):
                return index
        return None

    def hand_options(self) -> frozenset[str]:
        """Casino: what the server's rules allow on the active hand besides
        hit and stand (double, split, surrender), with the chips to pay."""
        index = self.active_hand()
        me = self.me
        if index is None or me is None:
            return frozenset()
        hand = me.hands[index]
        return hand_options(
            hand.cards,
            bet=hand.bet,
            from_split=hand.from_split,
            hands_held=len(me.hands),
            config=self.rules.config,
            balance=self.balance,
        )

    def _affords(self, amount: int) -> bool:
        balance = self.balance
        return balance is None or amount <= balance

    def can_double(self) -> bool:
        """Double: any first two cards; after a split only with ``das``;
        never on split aces; the chips to match the bet."""
        return DOUBLE in self.hand_options()

    def can_split(self) -> bool:
        """Split: a pair (two cards of one value), fewer hands than the
        table allows, aces again only with ``resplit_aces``, and the chips."""
        return SPLIT in self.hand_options()

    def can_surrender(self) -> bool:
        """Surrender: only at tables that allow it, on the first two cards,
        never after a split."""
        return SURRENDER in self.hand_options()

    def can_bet(self, amount: int | None = None) -> bool:
        """Whether a bet (of ``amount``, if given) may be placed now."""
        me = self.me
        if (
            not self.casino
            or self.connection != SEATED
            or self.awaiting is not None
            or self.phase != PHASE_BETTING
            or me is None
            or me.bet is not None
        ):
            return False
        if amount is None:
            return self._affords(self.rules.smallest_bet)
        return self.rules.takes(amount) and self._affords(amount)

    def can_rebuy(self) -> bool:
        """Casino: whether to ask for a rebuy: seated, and the chips can't
        cover the smallest bet (the server decides whether it is too soon)."""
        balance = self.balance
        return (
            self.casino
            and self.connection == SEATED
            and self.awaiting is None
            and balance is not None
            and balance < self.rules.smallest_bet
        )

    def can_insure(self, take: bool = True) -> bool:
        """Whether insurance is offered now (and, to take it, affordable)."""
        if (
            not self.casino
            or self.connection != SEATED
            or self.awaiting is not None
            or self.insurance_offer is None
        ):
            return False
        return not take or self._affords(self.insurance_offer)
