"""Reading a server's message, trusting nothing: each function takes one
field's value and returns it checked (or raises ``TypeError`` or
``ValueError``, and the reducer drops the message whole).

``decode`` is the one step that turns what the connection delivered into a
message the handlers read; it refuses anything that is not a JSON object
free of infinite and NaN numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from blackjack_client.model.state import Rules

#: Longest text the model keeps from a message: the server's own names and
#: messages are short, and drawing an endless one would stall every frame.
MAX_TEXT = 200

#: Seats a table can have; a seat number beyond them is not believed (the
#: view lays out a slot for every seat up to the highest).
MAX_SEATS = 7

#: A player holds at most this many hands (the server refuses bigger indexes).
MAX_HANDS = 16


def decode(message: object) -> Mapping[str, Any] | None:
    """The server's message, ready for the handlers; None to drop it."""
    if not isinstance(message, Mapping) or not all_finite(message):
        return None
    return message


def player_id(value: object) -> int:
    """A player's id: a whole number."""
    # bool is an int; a player id never is one.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"not a player id: {value!r}")
    return value


def text(value: object) -> str:
    """A name or message, cut to ``MAX_TEXT``; "" for anything else."""
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def seat_number(value: object) -> int | None:
    """A seat number below ``MAX_SEATS``, else None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    if not 0 <= value < MAX_SEATS:
        return None
    return value


def seat_count(value: object) -> int | None:
    """A table's number of seats, 1 to ``MAX_SEATS``, else None."""
    # A sane count only: the view lays out one slot per seat.
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and 1 <= value <= MAX_SEATS
    ):
        return value
    return None


def points(value: object) -> int:
    """A hand's total, as the server counted it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not points: {value!r}")
    return int(value)


def cards(value: object) -> tuple[str, ...]:
    """A list of cards (what is not a string is left out)."""
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"not a hand: {value!r}")
    return tuple(card for card in value if isinstance(card, str))


def chips(value: object, default: int | None) -> int | None:
    """A number of chips, or ``default`` when it is not a whole number."""
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value


def seconds(value: object) -> float:
    """A number of seconds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not seconds: {value!r}")
    return float(value)


def hand_index(value: object) -> int:
    """A hand's index, below ``MAX_HANDS``."""
    # Left out, it is the first hand: the server's own default.
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"not a hand index: {value!r}")
    if not 0 <= value < MAX_HANDS:
        raise ValueError(f"no such hand: {value}")
    return value


def rules(value: object) -> Rules:
    """The rules the server sent; a missing or odd field keeps its default."""
    if not isinstance(value, Mapping):
        return Rules()
    default = Rules()
    fields: dict[str, Any] = {}
    for name in ("h17", "das", "resplit_aces", "surrender"):
        if isinstance(value.get(name), bool):
            fields[name] = value[name]
    for name in ("decks", "max_split_hands", "min_bet", "max_bet", "bet_unit"):
        number = chips(value.get(name), None)
        if number is not None and number >= 1:
            fields[name] = number
    if isinstance(value.get("blackjack_pays"), str):
        fields["blackjack_pays"] = text(value["blackjack_pays"])
    timeout = value.get("bet_timeout")
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        fields["bet_timeout"] = float(timeout)
    for name in ("rtp", "rtp_error"):
        fields[name] = percent(value.get(name))
    told = replace(default, **fields)
    if told.max_bet < told.min_bet:
        told = replace(told, max_bet=told.min_bet)
    if told.smallest_bet > told.max_bet:
        # No bet in the limits is on the unit: the server's unit is not believed.
        told = replace(told, bet_unit=default.bet_unit)
    return told


def percent(value: object) -> float | None:
    """A percentage from 0 to 100 (a return to player, its error), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if 0 <= value <= 100 else None


def all_finite(value: object) -> bool:
    """No infinite or NaN number anywhere in ``value``: such a number would
    break every sum, countdown and layout drawn from it."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Mapping):
        return all(all_finite(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return all(all_finite(item) for item in value)
    return True
