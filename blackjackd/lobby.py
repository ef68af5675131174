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
from blackjackd.wire import Tables

AnyConfig = TableConfig | CasinoConfig
ShoeFactory = Callable[[AnyConfig], Shoe]


def new_shoe(config: AnyConfig, rng: random.Random) -> Shoe:
    """A shuffled shoe for a table of ``config``: its decks, and at casino
    tables the cut card where ``penetration`` puts it."""
    if isinstance(config, CasinoConfig):
        return Shoe(config.decks, rng, config.penetration)
    return Shoe(config.decks, rng)


#: Watchers one table takes, unless the server says (``--watchers``).
DEFAULT_WATCHERS = 50


class Lobby:
    """The server's tables. A new player takes the first free seat of the
    first table that has one, or sits at the table they choose; anyone may
    watch a table. Player ids (watchers' too) are unique across the lobby.

    Casino tables share the lobby's ``ledger``: the one place chips move.
    """

    def __init__(
        self,
        tables: Sequence[ITable],
        ledger: Ledger | None = None,
        max_watchers: int = DEFAULT_WATCHERS,
    ) -> None:
        if not tables:
            raise ValueError("a lobby needs at least one table")
        self.tables = list(tables)
        self.ledger = ledger
        #: Watchers a table takes (0: none).
        self.max_watchers = max_watchers
        self._last_player_id = 0
        self._table_of: dict[int, ITable] = {}
        self._watching: dict[int, ITable] = {}

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
        max_watchers: int = DEFAULT_WATCHERS,
    ) -> Lobby:
        """A lobby of ``tables`` tables sharing one ``config``: classic
        tables for a ``TableConfig``, casino tables for a ``CasinoConfig``
        (moving chips in ``ledger`` and reporting rounds to ``round_log``:
        the bank's, when accounts are stored; classic tables report theirs
        to ``classic_log``). Each table takes ``max_watchers`` watchers."""
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
                max_watchers,
            )
        return cls(
            [
                ClassicTable(number, config, shoe_factory(config), clock, classic_log)
                for number in numbers
            ],
            max_watchers=max_watchers,
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

    def table(self, number: int) -> ITable:
        """Table ``number``; ``ActionRejected(404)`` if there is none."""
        if 1 <= number <= len(self.tables):
            return self.tables[number - 1]
        raise ActionRejected(404, f"no table {number}")

    def sit(
        self,
        username: str,
        send: Send,
        player_id: int | None = None,
        token: str | None = None,
        account: bool | None = None,
        table: int | None = None,
        watcher_id: int | None = None,
    ) -> int:
        """Seat a player (a new one unless ``player_id`` is given) and
        return their id: at ``table`` if given (``ActionRejected`` 404
        without it, 507 when it is full), else at the first free seat
        (``ActionRejected(507)`` when every seat of every table is taken).
        ``watcher_id``: the player watched a table until now; once seated
        they don't, and if the seat is refused they go on watching."""
        if table is not None:
            chosen = self.table(table)
            if not chosen.has_free_seat:
                raise ActionRejected(507, f"table {table} is full")
        else:
            free = [each for each in self.tables if each.has_free_seat]
            if not free:
                raise ActionRejected(507, "all busy")
            chosen = free[0]
        if player_id is None:
            player_id = self.new_player_id()
        watched = None
        if watcher_id is not None:
            watched = self._watching.pop(watcher_id, None)
            if watched is not None:
                watched.unwatch(watcher_id)
        self._table_of[player_id] = chosen
        try:
            chosen.sit(player_id, username, send, token, account)
        except BaseException:
            del self._table_of[player_id]
            if watched is not None and watcher_id is not None:
                self._watching[watcher_id] = watched
                watched.watch(watcher_id, send, announce=False)
            raise
        return player_id

    def watch(self, watcher_id: int, table: int, send: Send) -> None:
        """Let ``watcher_id`` watch ``table`` (and no other): 404 if there
        is no such table, 507 when it has ``max_watchers`` already."""
        chosen = self.table(table)
        if self._watching.get(watcher_id) is chosen:
            chosen.watch(watcher_id, send)
            return
        if chosen.watchers >= self.max_watchers:
            raise ActionRejected(
                507, f"table {table} has {self.max_watchers} watchers already"
            )
        self.unwatch(watcher_id)
        self._watching[watcher_id] = chosen
        chosen.watch(watcher_id, send)

    def watched_by(self, watcher_id: int) -> int | None:
        """The number of the table ``watcher_id`` watches, if any."""
        watched = self._watching.get(watcher_id)
        return None if watched is None else int(watched.table_id)

    def unwatch(self, watcher_id: int) -> None:
        """``watcher_id`` watches nothing any more."""
        watched = self._watching.pop(watcher_id, None)
        if watched is not None:
            watched.unwatch(watcher_id)

    def tables_view(self) -> Tables:
        """Every table, as ``GET /tables`` lists them."""
        return Tables(game=self.game, tables=tuple(t.view() for t in self.tables))

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
