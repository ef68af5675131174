"""The client's picture of the table: frozen data and one reducer.

``reduce(model, message, now)`` returns the model after one message, either
one the server sent (decoded by ``blackjackd.wire``, from a frame, its JSON
object or already a typed message) or a local event (``Connecting``,
``Connected``, ``Disconnected``, ``Sent``). ``now`` is the caller's clock in
seconds; the model keeps deadlines as absolute times on that clock so the
view can count down without a timer.

Two kinds of table: classic (the seed's game: one hand a seat, no chips) and
casino (``id`` says ``game: "casino"``: bets, a hole card, insurance,
doubles, splits and surrender). Each has its own handlers (``classic``,
``casino`` with ``casino_phases``), chosen by the kind ``id`` names; what
both send alike is ``common``.

The modules: ``state`` (the data and what the player may do), ``reducer``,
``read`` (limits for drawing what ``wire`` decoded, and the rules),
``seats`` (changing a seat or hand), ``events`` (local events), ``moves``
(chips, requests and the bot's view of the moment), ``accounts`` (kept
seats, the rebuy and the history) with ``snapshot`` (the table afresh when
the client comes back to its seat), and ``lobby`` (the tables to choose
from, and watching one).
"""

from blackjack_client.model.events import (
    Connected,
    Connecting,
    Disconnected,
    GaveUp,
    Retrying,
    Sent,
)
from blackjack_client.model.lobby import ANY_TABLE, Lobby, is_full
from blackjack_client.model.moves import (
    bot_turn,
    chip_values,
    rebet_amount,
    request_for,
)
from blackjack_client.model.reducer import (
    ACCOUNT_TYPES,
    CASINO_TYPES,
    KNOWN_TYPES,
    Message,
    reduce,
)
from blackjack_client.model.snapshot import from_snapshot
from blackjack_client.model.state import (
    BLACKJACK_STATUS,
    BUST,
    CLOSED,
    CONNECTED,
    CONNECTING,
    DISCONNECTED,
    FULL,
    GAME_CASINO,
    GAME_CLASSIC,
    LEFT,
    OFFLINE,
    PHASE_BETTING,
    PHASE_DEALER,
    PHASE_INSURANCE,
    PHASE_NONE,
    PHASE_OVER,
    PHASE_PLAYING,
    PLAYING,
    RECONNECTING,
    SEATED,
    STOOD,
    SURRENDERED,
    WAITING,
    Hand,
    Model,
    Rules,
    Seat,
)

__all__ = [
    "ACCOUNT_TYPES",
    "ANY_TABLE",
    "BLACKJACK_STATUS",
    "BUST",
    "CASINO_TYPES",
    "CLOSED",
    "CONNECTED",
    "CONNECTING",
    "DISCONNECTED",
    "FULL",
    "GAME_CASINO",
    "GAME_CLASSIC",
    "KNOWN_TYPES",
    "LEFT",
    "OFFLINE",
    "PHASE_BETTING",
    "PHASE_DEALER",
    "PHASE_INSURANCE",
    "PHASE_NONE",
    "PHASE_OVER",
    "PHASE_PLAYING",
    "PLAYING",
    "RECONNECTING",
    "SEATED",
    "STOOD",
    "SURRENDERED",
    "WAITING",
    "Connected",
    "Connecting",
    "Disconnected",
    "GaveUp",
    "Hand",
    "Lobby",
    "Message",
    "Model",
    "Retrying",
    "Rules",
    "Seat",
    "Sent",
    "bot_turn",
    "chip_values",
    "from_snapshot",
    "is_full",
    "rebet_amount",
    "reduce",
    "request_for",
]
