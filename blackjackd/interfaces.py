"""The interfaces between the server's layers."""

from __future__ import annotations

from collections.abc import Callable

from zope.interface import Attribute, Interface

from blackjackd.wire import Request, ServerMessage, Snapshot, TableView

#: How a table reaches one player: called with each message for them.
Send = Callable[[ServerMessage], None]


class ITable(Interface):
    """A table of some game, as the lobby and the protocol use it.

    A table is pure: it reaches players only through the ``send`` each one
    sits down with, and keeps time with an injected ``IReactorTime``.
    Refusals are ``blackjackd.errors.ActionRejected``; nothing changes then.
    """

    table_id = Attribute("The table's number, from 1.")
    game = Attribute('What the table plays: "classic" or "casino".')
    config = Attribute("The table's rules and timings (``seats`` among them).")
    seats_taken = Attribute("How many players sit at the table.")
    rounds_played = Attribute(
        "Rounds the table has finished; the next round's number is one more."
    )
    has_free_seat = Attribute("Whether another player may sit down.")
    watchers = Attribute("How many watch the table.")
    round_in_progress = Attribute(
        "Whether a round is under way: cards dealt and not yet settled, or "
        "(casino tables) bets placed for the next deal."
    )
    rules = Attribute("The rules ``id`` names (``wire.Rules``), or None.")
    actions = Attribute(
        "The request classes (``blackjackd.wire``) a seated player may send "
        "this table; the protocol answers any other with a 409."
    )

    # zope interfaces declare methods without ``self``.
    def sit(
        player_id: int,  # noqa: N805
        username: str,
        send: Send,
        token: str | None = None,
        account: bool | None = None,
    ) -> None:
        """Seat a player in the first free seat; ``ActionRejected(507)`` when
        the table is full. ``token`` and ``account`` go out in their ``id``.
        At casino tables the player's chips are ``ledger`` account
        ``player_id``: loaded beforehand for an account, opened with the
        starting chips for a guest."""

    def leave(player_id: int, reason: str | None = None) -> None:  # noqa: N805
        """Free the player's seat, if they hold one; their hands stand. With a
        ``reason`` (``left``'s), the player is told too."""

    def away(player_id: int, seconds: float) -> None:  # noqa: N805
        """The player's connection dropped; their seat is held for
        ``seconds`` (the others are told)."""

    def rejoin(player_id: int, send: Send, token: str | None = None) -> None:  # noqa: N805
        """The player whose seat was held is back, reached by ``send``: they
        get ``id`` (with their new ``token``) and a ``snapshot``, the others
        ``back``."""

    def has_stake_in_play(player_id: int) -> bool:  # noqa: N805
        """Whether the player has chips on the table: a bet placed, or
        hands not yet settled."""

    def snapshot(player_id: int | None) -> Snapshot:  # noqa: N805
        """The whole table as ``player_id`` may see it now; with None, as
        anyone may (a watcher: no balance, no insurance offer)."""

    def watch(watcher_id: int, send: Send, announce: bool = True) -> None:  # noqa: N805
        """Let ``watcher_id`` watch: ``send`` gets every message the whole
        table gets, and nothing sent to one player. With ``announce``, first
        ``watching`` and a ``snapshot``."""

    def unwatch(watcher_id: int) -> None:  # noqa: N805
        """Stop sending to the watcher, if they watch."""

    def view() -> TableView:
        """The table as ``GET /tables`` lists it."""

    def act(player_id: int, request: Request) -> None:  # noqa: N805
        """Play a seated player's request (one of ``actions``)."""

    def drain() -> None:
        """The server is stopping: finish the round under way (players
        still act, turn timers still stand idle hands), begin no other."""

    def reopen() -> None:
        """Rounds begin again after ``drain``: the table, empty now, moved
        back to this node of a cluster."""

    def close() -> None:
        """Cancel every timer the table holds: the server is stopping."""
