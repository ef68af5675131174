"""The interfaces between the server's layers."""

from __future__ import annotations

from collections.abc import Callable

from zope.interface import Attribute, Interface

from blackjackd.wire import Request, ServerMessage

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
    has_free_seat = Attribute("Whether another player may sit down.")
    actions = Attribute(
        "The request classes (``blackjackd.wire``) a seated player may send "
        "this table; the protocol answers any other with a 409."
    )

    # zope interfaces declare methods without ``self``.
    def sit(player_id: int, username: str, send: Send) -> None:  # noqa: N805
        """Seat a player in the first free seat; ``ActionRejected(507)`` when
        the table is full."""

    def leave(player_id: int) -> None:  # noqa: N805
        """Free the player's seat, if they hold one."""

    def act(player_id: int, request: Request) -> None:  # noqa: N805
        """Play a seated player's request (one of ``actions``)."""

    def close() -> None:
        """Cancel every timer the table holds: the server is stopping."""
