"""The lobby: every table of one server, and who sits where."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from twisted.internet.interfaces import IReactorTime

from blackjackd.shoe import Shoe
from blackjackd.table import ActionRejected, ClassicTable, Send, TableConfig

ShoeFactory = Callable[[TableConfig], Shoe]


class Lobby:
    """The server's tables. A new player takes the first free seat of the
    first table that has one; player ids are unique across the lobby."""

    def __init__(self, tables: Sequence[ClassicTable]) -> None:
        if not tables:
            raise ValueError("a lobby needs at least one table")
        self.tables = list(tables)
        self._last_player_id = 0
        self._table_of: dict[int, ClassicTable] = {}

    @classmethod
    def build(
        cls,
        tables: int,
        config: TableConfig,
        clock: IReactorTime,
        rng: random.Random,
        shoe_factory: ShoeFactory | None = None,
    ) -> Lobby:
        """A lobby of ``tables`` tables sharing one ``config``."""
        if shoe_factory is None:

            def shoe_factory(config: TableConfig) -> Shoe:
                return Shoe(config.decks, rng)

        return cls(
            [
                ClassicTable(number, config, shoe_factory(config), clock)
                for number in range(1, tables + 1)
            ]
        )

    @property
    def seats_total(self) -> int:
        return sum(table.config.seats for table in self.tables)

    @property
    def seats_taken(self) -> int:
        return sum(table.seats_taken for table in self.tables)

    @property
    def has_free_seat(self) -> bool:
        return any(table.has_free_seat for table in self.tables)

    def sit(self, username: str, send: Send) -> int:
        """Seat a new player and return their id; ``ActionRejected(507)``
        when every seat of every table is taken."""
        for table in self.tables:
            if table.has_free_seat:
                self._last_player_id += 1
                player_id = self._last_player_id
                self._table_of[player_id] = table
                try:
                    table.sit(player_id, username, send)
                except BaseException:
                    del self._table_of[player_id]
                    raise
                return player_id
        raise ActionRejected(507, "all busy")

    def table_of(self, player_id: int) -> ClassicTable:
        """The table ``player_id`` sits at; ``KeyError`` if none."""
        return self._table_of[player_id]

    def leave(self, player_id: int) -> None:
        """Free ``player_id``'s seat, if they hold one."""
        table = self._table_of.pop(player_id, None)
        if table is not None:
            table.leave(player_id)

    def close(self) -> None:
        """Cancel every table's timers."""
        for table in self.tables:
            table.close()
