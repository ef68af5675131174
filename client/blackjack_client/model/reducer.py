"""The reducer: the model after one message.

``reduce(model, message, now)`` takes a message the server sent or a local
event (``events``). It never raises and never mutates: a message that
doesn't decode, of an unknown type or for an unknown player is ignored (or
used as far as it makes sense), so newer servers and messages that arrive
out of order don't break the client.

Reading a server message is two steps: ``decode`` (``blackjackd.wire``'s
decoder, the one place that turns what the connection delivered, a frame
or its JSON object, into a typed message, refusing what no sane server
sends) and the handler for its class, from the handlers of the kind of
table ``id`` said this is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from blackjack_client.model.accounts import ACCOUNT_HANDLERS
from blackjack_client.model.casino import CASINO_HANDLERS
from blackjack_client.model.classic import CLASSIC_HANDLERS
from blackjack_client.model.common import Handler
from blackjack_client.model.events import (
    LOCAL_EVENTS,
    LocalEvent,
    reduce_local,
)
from blackjack_client.model.lobby import LOBBY_HANDLERS
from blackjack_client.model.state import GAME_CASINO, GAME_CLASSIC, Model
from blackjackd import wire

#: A server's message (decoded, or its frame or JSON object) or a local event.
Message = wire.ServerMessage | Mapping[str, Any] | bytes | str | LocalEvent

#: The classic protocol's message types (docs/protocol.rst), all understood.
KNOWN_TYPES = frozenset(cls.TYPE for cls in CLASSIC_HANDLERS)

#: The message types only casino tables send, understood as well.
CASINO_TYPES = frozenset(cls.TYPE for cls in CASINO_HANDLERS) - KNOWN_TYPES

#: The messages of accounts and kept seats, understood at either table.
ACCOUNT_TYPES = frozenset(cls.TYPE for cls in ACCOUNT_HANDLERS)

#: Each kind of table's handlers, by message class. Until ``id`` names the
#: kind the table counts as classic; a casino-only message that comes that
#: early (a bet can overtake ``id``) is still kept, so classic tables read
#: those types too: a classic server never sends them.
GAMES: dict[str, dict[type[wire.ServerMessage], Handler]] = {
    GAME_CLASSIC: {
        **{
            cls: CASINO_HANDLERS[cls]
            for cls in CASINO_HANDLERS
            if cls.TYPE in CASINO_TYPES
        },
        **CLASSIC_HANDLERS,
        **ACCOUNT_HANDLERS,
        **LOBBY_HANDLERS,
    },
    GAME_CASINO: {**CASINO_HANDLERS, **ACCOUNT_HANDLERS, **LOBBY_HANDLERS},
}

#: The decoding step: what the connection delivered, as a message the
#: handlers read, or None to drop it.
Decode = Callable[[object], wire.ServerMessage | None]


def decode(message: object) -> wire.ServerMessage | None:
    """A server's message as ``wire`` decodes it; None for one it refuses
    (``BadServerMessage``) or of a type this client doesn't know."""
    if isinstance(message, wire.ServerMessage):
        return message
    if not isinstance(message, (Mapping, bytes, str)):
        return None
    try:
        decoded = wire.decode_server_message(message)
    except wire.BadServerMessage:
        return None
    return None if isinstance(decoded, wire.Unknown) else decoded


def reduce(
    model: Model, message: Message, now: float = 0.0, decode: Decode = decode
) -> Model:
    """The model after ``message``, received at ``now``."""
    if isinstance(message, LOCAL_EVENTS):
        return reduce_local(model, message)
    decoded = decode(message)
    if decoded is None:
        return model
    handlers = GAMES.get(model.game, GAMES[GAME_CLASSIC])
    handler = handlers.get(type(decoded))
    if handler is None:
        return model
    try:
        return handler(model, decoded, now)
    except ValueError:
        # A hand index beyond what a player holds: dropped whole rather than
        # half applied.
        return model
