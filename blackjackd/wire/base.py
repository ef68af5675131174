"""What every wire message is built on, and how it becomes JSON.

A message is a frozen, slotted dataclass. Its fields are named as on the
wire and declared in the order they go out; a field that is ``None`` is left
out of the JSON, which is how one message class serves both kinds of table
(the classic game leaves the casino's fields out).
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from dataclasses import fields
from operator import attrgetter
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


#: Each class's JSON keys in order (a message's ``type`` first), and a
#: function reading all their values from an instance in one call.
_layouts: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def _layout(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    keys = attributes = field_names(cls)
    if issubclass(cls, Message):
        keys, attributes = ("type", *keys), ("TYPE", *attributes)
    if len(attributes) > 1:
        read: Callable[[Any], tuple[Any, ...]] = attrgetter(*attributes)
    elif attributes:
        read_one = attrgetter(attributes[0])
        read = lambda obj: (read_one(obj),)  # noqa: E731
    else:
        read = lambda obj: ()  # noqa: E731
    layout = _layouts[cls] = (keys, read)
    return layout


def generic_json_fields(obj: WireObject) -> dict[str, Any]:
    """The fields of ``obj`` that go out, read field by field: what each
    class's generated builder must equal."""
    keys, read = _layouts.get(type(obj)) or _layout(type(obj))
    return {
        key: value
        for key, value in zip(keys, read(obj), strict=True)
        if value is not None
    }


#: Each class's dict builder (what its ``json_fields`` returns), made the
#: first time one of its objects goes out.
_builders: dict[type, Callable[[Any], dict[str, Any]]] = {}


def _make_builder(cls: type) -> Callable[[Any], dict[str, Any]]:
    """Generate ``cls``'s dict builder once, as dataclasses generate
    ``__init__``: one statement a field, in declared order, ``None`` fields
    left out. A class with its own ``json_fields`` keeps it."""
    if cls.json_fields is not WireObject.json_fields:  # type: ignore[attr-defined]
        build: Callable[[Any], dict[str, Any]] = cls.json_fields  # type: ignore[attr-defined]
    else:
        names = field_names(cls)
        lines = ["def build(self):"]
        lines.append(
            "    d = {'type': TYPE}" if issubclass(cls, Message) else "    d = {}"
        )
        for name in names:
            if not name.isidentifier():  # pragma: no cover - fields are names
                raise TypeError(f"{cls.__name__}.{name} is not a name")
            lines.append(f"    v = self.{name}")
            lines.append(f"    if v is not None: d[{name!r}] = v")
        lines.append("    return d")
        namespace: dict[str, Any] = {"TYPE": getattr(cls, "TYPE", None)}
        exec("\n".join(lines), namespace)
        build = namespace["build"]
        build.__qualname__ = f"{cls.__qualname__}.json_fields"
    _builders[cls] = build
    return build


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

    def json_fields(self) -> dict[str, Any]:
        """The fields that go out (a message's ``type`` first), ``None``
        ones left out; values as they are (a part of a message stays a
        ``WireObject``)."""
        cls = type(self)
        return (_builders.get(cls) or _make_builder(cls))(self)

    def as_dict(self) -> dict[str, Any]:
        """The JSON-ready dict of this object, ``None`` fields left out."""
        return {name: _plain(value) for name, value in self.json_fields().items()}


class Message(WireObject):
    """A message, either way: a ``type`` and its fields."""

    __slots__ = ()

    TYPE: ClassVar[str]


class ServerMessage(Message):
    """A message the server sends."""

    __slots__ = ()


class Request(Message):
    """A message a client sends."""

    __slots__ = ()


def _json_fields(value: Any) -> dict[str, Any]:
    build = _builders.get(type(value))
    if build is not None:
        return build(value)
    if isinstance(value, WireObject):
        return _make_builder(type(value))(value)
    raise TypeError(f"{type(value).__name__} is not a wire object")


# One encoder for every message: building one per call costs as much as
# encoding a small message. Tuples go out as JSON arrays as they are; a
# message and its parts reach ``default`` and become their fields. Frozen
# messages can't hold themselves, so the encoder needn't look for cycles.
_encoder = json.JSONEncoder(
    separators=(",", ":"),
    ensure_ascii=False,
    check_circular=False,
    default=_json_fields,
)


# ``JSONEncoder.encode`` builds its C encoder afresh on every call (and a
# float formatter beside it), which costs as much as encoding a small
# message. With ``check_circular`` off the C encoder keeps no state between
# calls, so it is built once, with the very arguments ``_encoder`` would
# give it: the same bytes. Without the C accelerator, ``_encoder`` serves.
# (Typeshed doesn't declare the accelerator: it is read by name.)
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_c_encode = (
    None
    if _c_make_encoder is None
    else _c_make_encoder(
        None,  # markers: no cycle check
        _encoder.default,
        json.encoder.encode_basestring,  # ensure_ascii=False
        _encoder.indent,
        _encoder.key_separator,
        _encoder.item_separator,
        _encoder.sort_keys,
        _encoder.skipkeys,
        _encoder.allow_nan,
    )
)


def encode(message: Message) -> bytes:
    """A message as the compact UTF-8 JSON text sent on the wire."""
    if _c_encode is None:  # pragma: no cover - CPython has the accelerator
        return _encoder.encode(message).encode()
    return "".join(_c_encode(message, 0)).encode()


def as_dict(message: Message) -> dict[str, Any]:
    """A message as the JSON object that ``encode`` writes."""
    return message.as_dict()
