"""The reducer: the model after one message.

``reduce(model, message, now)`` takes a message the server sent (a decoded
JSON object) or a local event (``events``). It never raises and never
mutates: a message of an unknown type, for an unknown player or with fields
missing is ignored (or used as far as it makes sense), so newer servers and
messages that arrive out of order don't break the client.

Reading a server message is two steps: ``read.decode`` (the one place that
turns what the connection delivered into a message, refusing what no sane
server sends) and the handler for its type, from the handlers of the kind
of table ``id`` said this is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from blackjack_client.model import read
from blackjack_client.model.casino import CASINO_HANDLERS
from blackjack_client.model.classic import CLASSIC_HANDLERS
from blackjack_client.model.common import Handler
from blackjack_client.model.events import (
    Connected,
    Connecting,
    Disconnected,
    LocalEvent,
    Sent,
    reduce_local,
)
from blackjack_client.model.state import GAME_CASINO, GAME_CLASSIC, Model

Message = Mapping[str, Any] | LocalEvent

#: The classic protocol's message types (docs/protocol.rst), all understood.
KNOWN_TYPES = frozenset(CLASSIC_HANDLERS)

#: The message types only casino tables send, understood as well.
CASINO_TYPES = frozenset(CASINO_HANDLERS) - KNOWN_TYPES

#: Each kind of table's handlers, by message type. Until ``id`` names the
#: kind the table counts as classic; a casino-only message that comes that
#: early (a bet can overtake ``id``) is still kept, so classic tables read
#: those types too: a classic server never sends them.
GAMES: dict[str, dict[str, Handler]] = {
    GAME_CLASSIC: {
        **{kind: CASINO_HANDLERS[kind] for kind in CASINO_TYPES},
        **CLASSIC_HANDLERS,
    },
    GAME_CASINO: CASINO_HANDLERS,
}

#: The decoding step: what the connection delivered, as a message the
#: handlers read, or None to drop it.
Decode = Callable[[object], Mapping[str, Any] | None]


def reduce(
    model: Model, message: Message, now: float = 0.0, decode: Decode = read.decode
) -> Model:
    """The model after ``message``, received at ``now``."""
    if isinstance(message, (Connecting, Connected, Disconnected, Sent)):
        return reduce_local(model, message)
    decoded = decode(message)
    if decoded is None:
        return model
    kind = decoded.get("type")
    handlers = GAMES.get(model.game, GAMES[GAME_CLASSIC])
    handler = handlers.get(kind) if isinstance(kind, str) else None
    if handler is None:
        return model
    try:
        return handler(model, decoded, now)
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError):
        # A malformed message is dropped whole rather than half applied.
        return model
