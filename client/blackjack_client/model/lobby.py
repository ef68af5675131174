"""The lobby: the server's tables (``GET /tables``), which one the player
points at, and watching a table without a seat.

``Lobby`` is what the lobby screen shows; its reducers (``loaded``,
``failed``, ``moved``, ``picked``) are pure. Row 0 is "any free seat" (the
server chooses, as ``auth`` without a table does); row N is the N-th table
listed. ``on_watching`` is the model's handler for ``watching``: the
``snapshot`` that follows draws the table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from blackjack_client.model import read
from blackjack_client.model.common import Handler
from blackjack_client.model.state import GAME_CASINO, GAME_CLASSIC, Model, Rules
from blackjackd import wire

#: Row 0 of the lobby: sit wherever the server has a free seat.
ANY_TABLE = 0


@dataclass(frozen=True)
class Lobby:
    """The lobby screen: the tables listed, the row pointed at, and how the
    list came (``loading`` until it does; ``problem`` when it didn't)."""

    tables: tuple[wire.TableView, ...] = ()
    loading: bool = True
    problem: str = ""
    #: The row pointed at: ``ANY_TABLE``, or 1 + the index in ``tables``.
    selected: int = ANY_TABLE
    #: A passing note: why the last choice didn't work.
    message: str = ""

    @property
    def rows(self) -> int:
        """How many rows the lobby shows: "any free seat", then each table."""
        return 1 + len(self.tables)

    @property
    def chosen(self) -> wire.TableView | None:
        """The table pointed at; None for "any free seat"."""
        if self.selected == ANY_TABLE or self.selected > len(self.tables):
            return None
        return self.tables[self.selected - 1]

    def can_sit(self) -> bool:
        """Whether the row pointed at has a free seat (as last listed)."""
        table = self.chosen
        return table is None or not is_full(table)

    def can_watch(self) -> bool:
        """Whether the row pointed at is a table to watch."""
        return self.chosen is not None


def is_full(table: wire.TableView) -> bool:
    """Every seat of ``table`` is taken (held seats too)."""
    return table.taken >= table.seats


def loaded(lobby: Lobby, tables: wire.Tables) -> Lobby:
    """The lobby once the list came; the same table stays pointed at if it
    is still there."""
    chosen = lobby.chosen
    numbers = [table.table for table in tables.tables]
    selected = ANY_TABLE
    if chosen is not None and chosen.table in numbers:
        selected = 1 + numbers.index(chosen.table)
    return replace(
        lobby, tables=tables.tables, loading=False, problem="", selected=selected
    )


def failed(lobby: Lobby, reason: str) -> Lobby:
    """The list couldn't be had: "any free seat" is still there."""
    return replace(lobby, loading=False, problem=read.text(reason))


def refreshing(lobby: Lobby) -> Lobby:
    """The lobby while the list is asked for again."""
    return replace(lobby, loading=True, message="")


def moved(lobby: Lobby, step: int) -> Lobby:
    """The pointer moved ``step`` rows, kept on the list."""
    return picked(lobby, lobby.selected + step)


def picked(lobby: Lobby, row: int) -> Lobby:
    """Row ``row`` pointed at (kept on the list)."""
    return replace(lobby, selected=max(0, min(row, lobby.rows - 1)), message="")


def noted(lobby: Lobby, message: str) -> Lobby:
    """The lobby saying ``message``."""
    return replace(lobby, message=read.text(message))


def on_watching(model: Model, message: wire.Watching, now: float) -> Model:
    """``watching``: the table watched now, afresh; its ``snapshot`` follows."""
    game = GAME_CASINO if message.game == GAME_CASINO else GAME_CLASSIC
    return replace(
        model.cleared(),
        watching=message.table,
        table=message.table,
        table_seats=read.seat_count(message.seats),
        turn_timeout=message.turn_timeout,
        game=game,
        rules=read.rules(message.rules) if game == GAME_CASINO else Rules(),
        notice=f"Watching table {message.table}",
    )


#: The lobby's messages, by class.
LOBBY_HANDLERS: dict[type[wire.ServerMessage], Handler] = {wire.Watching: on_watching}
