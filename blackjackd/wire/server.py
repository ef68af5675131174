"""Every message the server sends, as docs/protocol.rst describes it.

Fields only casino tables send default to ``None`` and are then left out of
the JSON. So do the fields a client must do without when an older server
leaves them out: those the seed's messages lack (``id``'s table and seat,
``new_client``'s name, ``bust``'s and ``lose``'s ``id``, which then mean
*you*), every rule in ``rules`` (a rule not stated keeps its default), and a
few a client only shows (``wait``'s message, a result's name, when the next
round comes). This server always sends them. Who receives each message is
in its docstring: *you* (the player concerned), *table* (everyone seated) or
*others* (the table but them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from blackjackd.wire.accounts import ACCOUNT_MESSAGES
from blackjackd.wire.base import Card, Cards, Owner, ServerMessage
from blackjackd.wire.casino import CASINO_MESSAGES
from blackjackd.wire.lobby import LOBBY_MESSAGES
from blackjackd.wire.parts import DealerResult, HandResult, HandView, Rules

# -- the seed's game, and every table -------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Auth(ServerMessage):
    """*You*, on connecting while a seat is free: answer with ``auth``."""

    TYPE: ClassVar[str] = "auth"


@dataclass(frozen=True, slots=True, kw_only=True)
class Id(ServerMessage):
    """*You*, on being seated, before anything else about the table."""

    TYPE: ClassVar[str] = "id"
    client_id: int
    username: str
    table: int | None = None
    seat: int | None = None
    seats: int | None = None
    protocol: int | None = None
    turn_timeout: float | None = None
    game: str | None = None
    rules: Rules | None = None
    balance: int | None = None
    #: The secret that puts you back in this seat after a dropped
    #: connection (``auth`` with ``token``).
    token: str | None = None
    #: Whether you signed in to an account (with a password).
    account: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit(ServerMessage):
    """*Table*: a card dealt face up, to a player's hand or the dealer's."""

    TYPE: ClassVar[str] = "hit"
    card: Card
    id: Owner
    points: int
    hand: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherPlayers(ServerMessage):
    """*You*, on being seated: one player already at the table."""

    TYPE: ClassVar[str] = "other_players"
    hand: Cards
    id: int
    points: int
    username: str | None = None
    seat: int | None = None
    state: str | None = None
    hands: tuple[HandView, ...] | None = None
    balance: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewClient(ServerMessage):
    """*Others*: a player sat down; ``message`` is their id (the seed's name)."""

    TYPE: ClassVar[str] = "new_client"
    message: int
    username: str | None = None
    seat: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Deadline(ServerMessage):
    """*Table*: a hand must act within ``seconds``."""

    TYPE: ClassVar[str] = "deadline"
    id: int
    hand: int | None = None
    seconds: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Bust(ServerMessage):
    """*You*: a card took your hand over 21."""

    TYPE: ClassVar[str] = "bust"
    id: int | None = None
    hand: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Stand(ServerMessage):
    """*Table*: a hand is done without a bust, and why."""

    TYPE: ClassVar[str] = "stand"
    id: int
    hand: int | None = None
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Winner(ServerMessage):
    """*Table*: a hand beat the dealer."""

    TYPE: ClassVar[str] = "winner"
    id: int
    hand: int | None = None
    payout: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Lose(ServerMessage):
    """*You*: your hand lost (a surrender included)."""

    TYPE: ClassVar[str] = "lose"
    id: int | None = None
    hand: int | None = None
    payout: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Push(ServerMessage):
    """*You*: your hand tied the dealer's."""

    TYPE: ClassVar[str] = "push"
    id: int
    hand: int | None = None
    payout: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundOver(ServerMessage):
    """*Table*: the whole result of a round, after the per-hand messages."""

    TYPE: ClassVar[str] = "round_over"
    dealer: DealerResult
    results: tuple[HandResult, ...]
    next_round_in: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Restart(ServerMessage):
    """*Table*: a new round is dealt."""

    TYPE: ClassVar[str] = "restart"


@dataclass(frozen=True, slots=True, kw_only=True)
class Wait(ServerMessage):
    """*You*: seated mid-round; dealt in (or betting) from the next one."""

    TYPE: ClassVar[str] = "wait"
    message: str | None = None
    dealer: Cards | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Left(ServerMessage):
    """*Table*: a player left; their seat is free. *You* too when the
    table stood you up."""

    TYPE: ClassVar[str] = "left"
    id: int
    #: Why, when the player didn't leave by closing the connection:
    #: ``gone`` (their held seat ran out of time), ``idle`` (rounds in a row
    #: without a bet or a move) or ``elsewhere`` (signed in at another table).
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Shuffle(ServerMessage):
    """*Table*: the dealer shuffled the shoe."""

    TYPE: ClassVar[str] = "shuffle"


@dataclass(frozen=True, slots=True, kw_only=True)
class Shutdown(ServerMessage):
    """*Everyone*: the server is stopping. It seats nobody more; the round
    under way finishes; within ``seconds`` every connection is closed (close
    code 1001). Come back when it is up again."""

    TYPE: ClassVar[str] = "shutdown"
    seconds: float


@dataclass(frozen=True, slots=True)
class Error(ServerMessage):
    """*You*: what you sent was refused, and nothing changed (the seed's
    shape: ``Error(409, "your hand is over")``)."""

    TYPE: ClassVar[str] = "error"
    status_code: int
    message: str


#: The messages every table sends (docs/protocol.rst, "Messages from the
#: server"), by ``type``.
TABLE_MESSAGES: dict[str, type[ServerMessage]] = {
    cls.TYPE: cls
    for cls in (
        Auth, Id, Hit, OtherPlayers, NewClient, Deadline, Bust, Stand, Winner,
        Lose, Push, RoundOver, Restart, Wait, Left, Shuffle, Shutdown, Error,
    )
}  # fmt: skip

#: Every server message class by its ``type``.
SERVER_MESSAGES = TABLE_MESSAGES | CASINO_MESSAGES | ACCOUNT_MESSAGES | LOBBY_MESSAGES
