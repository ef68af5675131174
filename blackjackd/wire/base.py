"""What every wire message is built on, and how it becomes JSON.

A message is a frozen, slotted dataclass. Its fields are named as on the
wire and declared in the order they go out; a field that is ``None`` is left
out of the JSON, which is how one message class serves both kinds of table
(the classic game leaves the casino's fields out).
"""

from __future__ import annotations

import json
from dataclasses import fields
from functools import partial
from typing import Annotated, Any, ClassVar

from blackjackd.cards import is_card

#: Who the dealer is, wherever a message names a hand's owner.
DEALER_ID = "dealer"


class Check:
    """A rule a decoded value must also pass (a card, a hand's owner),
    attached to a field's type with ``Annotated``."""

    def __init__(self, holds: Any, what: str) -> None:
        self.holds = holds
        self.what = what


#: A card, e.g. ``"QH"``.
Card = Annotated[str, Check(is_card, "a card such as 'QH'")]
#: Whose hand: a player id, or ``"dealer"``.
Owner = Annotated[
    int | str,
    Check(lambda owner: isinstance(owner, int) or owner == DEALER_ID, "an id"),
]
Cards = tuple[Card, ...]

_field_names: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """The wire fields of a message class, in the order they go out."""
    names = _field_names.get(cls)
    if names is None:
        names = _field_names[cls] = tuple(f.name for f in fields(cls))
    return names


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, WireObject):
        return value.as_dict()
    return value


class WireObject:
    """A dataclass that goes out as a JSON object (a message or a part of
    one)."""

    __slots__ = ()

    def as_dict(self) -> dict[str, Any]:
        """The JSON-ready dict of this object, ``None`` fields left out."""
        plain: dict[str, Any] = {}
        for name in field_names(type(self)):
            value = getattr(self, name)
            if value is not None:
                plain[name] = _plain(value)
        return plain


class Message(WireObject):
    """A message, either way: a ``type`` and its fields."""

    __slots__ = ()

    TYPE: ClassVar[str]

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.TYPE, **super().as_dict()}


class ServerMessage(Message):
    """A message the server sends."""

    __slots__ = ()


class Request(Message):
    """A message a client sends."""

    __slots__ = ()


_dumps = partial(json.dumps, separators=(",", ":"), ensure_ascii=False)


def encode(message: Message) -> bytes:
    """A message as the compact UTF-8 JSON text sent on the wire."""
    return _dumps(message.as_dict()).encode()


def as_dict(message: Message) -> dict[str, Any]:
    """A message as the JSON object that ``encode`` writes."""
    return message.as_dict()
