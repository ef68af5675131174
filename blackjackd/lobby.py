"""The lobby: every table of one server, and who sits where."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from twisted.internet.interfaces import IReactorTime

from blackjackd.casino import CasinoConfig
from blackjackd.casino_table import CasinoTable, RoundLog
from blackjackd.classic_table import ClassicRoundLog, ClassicTable
from blackjackd.errors import ActionRejected
from blackjackd.interfaces import ITable, Send
from blackjackd.ledger import Ledger
from blackjackd.shoe import Shoe
from blackjackd.table import TableConfig

AnyConfig = TableConfig | CasinoConfig
ShoeFactory = Callable[[AnyConfig], Shoe]


def new_shoe(config: AnyConfig, rng: random.Random) -> Shoe:
    """A shuffled shoe for a table of ``config``: its decks, and at casino
    tables the cut card where ``penetration`` puts it."""
    if isinstance(config, CasinoConfig):
        return Shoe(config.decks, rng, config.penetration)
    return Shoe(config.decks, rng)


class Lobby:
    """The server's tables. A new player takes the first free seat of the
    first table that has one; player ids are unique across the lobby.

    Casino tables share the lobby's ``ledger``: the one place chips move.
    """

    def __init__(self, tables: Sequence[ITable], ledger: Ledger | None = None) -> None:
        if not tables:
            raise ValueError("a lobby needs at least one table")
        self.tables = list(tables)
        self.ledger = ledger
        self._last_player_id = 0
        self._table_of: dict[int, ITable] = {}

    @classmethod
    def build(
        cls,
        tables: int,
        config: AnyConfig,
        clock: IReactorTime,
        rng: random.Random,
        shoe_factory: ShoeFactory | None = None,
        ledger: Ledger | None = None,
        round_log: RoundLog | None = None,
        classic_log: ClassicRoundLog | None = None,
    ) -> Lobby:
        """A lobby of ``tables`` tables sharing one ``config``: classic
        tables for a ``TableConfig``, casino tables for a ``CasinoConfig``
        (moving chips in ``ledger`` and reporting rounds to ``round_log``:
        the bank's, when accounts are stored; classic tables report theirs
        to ``classic_log``)."""
        if shoe_factory is None:

            def shoe_factory(config: AnyConfig) -> Shoe:
                return new_shoe(config, rng)

        numbers = range(1, tables + 1)
        if isinstance(config, CasinoConfig):
            if ledger is None:
                # Kept in memory, entries would grow for as long as the
                # server runs.
                ledger = Ledger(keep_entries=False)
            return cls(
                [
                    CasinoTable(
                        number, config, shoe_factory(config), clock, ledger, round_log
                    )
                    for number in numbers
                ],
                ledger,
            )
        return cls(
            [
                ClassicTable(number, config, shoe_factory(config), clock, classic_log)
                for number in numbers
            ]
        )

    @property
    def game(self) -> str:
        """``"casino"`` or ``"classic"``: what this lobby's tables play."""
        game: str = self.tables[0].game
        return game

    @property
    def seats_total(self) -> int:
        return sum(table.config.seats for table in self.tables)

    @property
    def seats_taken(self) -> int:
        return sum(table.seats_taken for table in self.tables)

    @property
    def has_free_seat(self) -> bool:
        return any(table.has_free_seat for table in self.tables)

    def new_player_id(self) -> int:
        """A player id nobody has had on this server."""
        self._last_player_id += 1
        return self._last_player_id

    def sit(
        self,
        username: str,
        send: Send,
        player_id: int | None = None,
        token: str | None = None,
        account: bool | None = None,
    ) -> int:
        """Seat a player (a new one unless ``player_id`` is given) and
        return their id; ``ActionRejected(507)`` when every seat of every
        table is taken."""
        for table in self.tables:
            if table.has_free_seat:
                if player_id is None:
                    player_id = self.new_player_id()
                self._table_of[player_id] = table
                try:
                    table.sit(player_id, username, send, token, account)
                except BaseException:
                    del self._table_of[player_id]
                    raise
                return player_id
        raise ActionRejected(507, "all busy")

    def table_of(self, player_id: int) -> ITable:
        """The table ``player_id`` sits at; ``KeyError`` if none."""
        return self._table_of[player_id]

    def leave(self, player_id: int, reason: str | None = None) -> None:
        """Free ``player_id``'s seat, if they hold one (``reason``: why, as
        ``left`` says)."""
        table = self._table_of.pop(player_id, None)
        if table is not None:
            table.leave(player_id, reason)

    def forget(self, player_id: int) -> None:
        """The table has freed ``player_id``'s seat itself."""
        self._table_of.pop(player_id, None)

    def close(self) -> None:
        """Cancel every table's timers."""
        for table in self.tables:
            table.close()
