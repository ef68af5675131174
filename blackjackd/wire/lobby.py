"""The lobby's messages ("Tables and watching" in docs/protocol.rst): what
``GET /tables`` answers, and ``watching``, which starts a watcher's stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from blackjackd.wire.base import ServerMessage, WireObject
from blackjackd.wire.parts import Rules


@dataclass(frozen=True, slots=True, kw_only=True)
class TableView(WireObject):
    """One table in ``GET /tables``."""

    table: int
    game: str
    seats: int
    #: Seats held, by players at the table and by those whose seat waits
    #: for them to come back.
    taken: int
    watchers: int
    #: The seated players' names, in seat order.
    players: tuple[str, ...]
    turn_timeout: float
    #: Casino tables: the rules, bet limits among them (as in ``id``).
    rules: Rules | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Tables(WireObject):
    """The body of ``GET /tables``: every table of the server."""

    game: str
    tables: tuple[TableView, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Watching(ServerMessage):
    """*You*, after ``watch``: you watch ``table`` now. A ``snapshot`` to
    draw from follows, then the table's public messages."""

    TYPE: ClassVar[str] = "watching"
    table: int
    game: str
    seats: int
    watchers: int
    turn_timeout: float
    #: Casino tables: the rules, as in ``id``.
    rules: Rules | None = None


#: The lobby's messages, by ``type``.
LOBBY_MESSAGES: dict[str, type[ServerMessage]] = {Watching.TYPE: Watching}
