"""What the client makes of values ``blackjackd.wire`` already checked:
limits for drawing them (a name cut short, a seat the table has room for,
a hand index the view can lay out) and the rules with the defaults a server
left out. ``wire``'s decoder has checked each value's type and size."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from blackjack_client.model.state import Rules
from blackjackd import wire
from blackjackd.table import MAX_SEATS

#: Longest text the model keeps from a message: the server's own names and
#: messages are short, and drawing an endless one would stall every frame.
MAX_TEXT = 200


#: A player holds at most this many hands (the server refuses bigger indexes).
MAX_HANDS = 16


def text(value: str | None) -> str:
    """A name or message, cut to ``MAX_TEXT``; "" when there is none."""
    return "" if value is None else value[:MAX_TEXT]


def seat_number(value: int | None) -> int | None:
    """A seat number below ``MAX_SEATS`` (the server's own bound: the view
    lays out a slot for every seat up to the highest), else None."""
    return value if value is not None and 0 <= value < MAX_SEATS else None


def seat_count(value: int | None) -> int | None:
    """A table's number of seats, 1 to ``MAX_SEATS``, else None."""
    # A sane count only: the view lays out one slot per seat.
    return value if value is not None and 1 <= value <= MAX_SEATS else None


def hand_index(value: int | None) -> int:
    """A hand's index, below ``MAX_HANDS`` (``ValueError`` beyond: the
    reducer drops the message)."""
    # Left out, it is the first hand: the server's own default.
    if value is None:
        return 0
    if not 0 <= value < MAX_HANDS:
        raise ValueError(f"no such hand: {value}")
    return value


def rules(told: wire.Rules | None) -> Rules:
    """The rules the server stated; a rule it left out, or one no table has
    (no decks, a betting unit no bet within the limits is a multiple of),
    keeps its default."""
    if told is None:
        return Rules()
    default = Rules()
    fields: dict[str, Any] = {}
    for name in ("h17", "das", "resplit_aces", "surrender", "bet_timeout"):
        value = getattr(told, name)
        if value is not None:
            fields[name] = value
    for name in ("decks", "max_split_hands", "min_bet", "max_bet", "bet_unit"):
        number = getattr(told, name)
        if number is not None and number >= 1:
            fields[name] = number
    if told.blackjack_pays is not None:
        fields["blackjack_pays"] = text(told.blackjack_pays)
    fields["rtp"] = percent(told.rtp)
    fields["rtp_error"] = percent(told.rtp_error)
    stated = replace(default, **fields)
    if stated.max_bet < stated.min_bet:
        stated = replace(stated, max_bet=stated.min_bet)
    if stated.smallest_bet > stated.max_bet:
        # No bet in the limits is on the unit: the server's unit is not believed.
        stated = replace(stated, bet_unit=default.bet_unit)
    return stated


def percent(value: float | None) -> float | None:
    """A percentage from 0 to 100 (a return to player, its error), else None."""
    return value if value is not None and 0 <= value <= 100 else None
