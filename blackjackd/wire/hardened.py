"""Decoding what a server sends, as a client that trusts no server must.

Every field is checked against the type its message class declares: a
wrong type, NaN or Infinity, a number beyond ``MAX_NUMBER``, a string
longer than ``MAX_TEXT``, a list longer than ``MAX_ITEMS`` or a card that
isn't one is refused with ``BadServerMessage`` (a ``ValueError``); nothing
a server sends makes the decoder raise anything else. Fields a message
doesn't declare are ignored and an unknown ``type`` decodes to ``Unknown``,
so newer servers keep working with older clients. One list is read entry by
entry: a ``round_over`` result that isn't one is left out (``SKIPPED``), so
one odd entry doesn't hide the whole round's outcome.
"""

from __future__ import annotations

import json
import math
import types
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from blackjackd.wire.base import Check, ServerMessage, WireObject
from blackjackd.wire.lobby import Tables
from blackjackd.wire.server import SERVER_MESSAGES, RoundOver

#: Largest frame decoded at all, in bytes.
MAX_PAYLOAD = 1 << 20
MAX_NUMBER = 10**15
MAX_TEXT = 1000
MAX_ITEMS = 64


#: The lists whose entries that don't decode are left out, by message class.
SKIPPED: dict[type, frozenset[str]] = {RoundOver: frozenset({"results"})}


class BadServerMessage(ValueError):
    """A server message a client can't trust; it should be dropped whole."""


@dataclass(frozen=True, slots=True)
class Unknown:
    """A message of a ``type`` this version doesn't know (a newer server's):
    a client ignores it. ``data`` is the whole object as received."""

    type: str
    data: Mapping[str, Any] = field(compare=False, repr=False)


def _refuse_constant(name: str) -> Any:
    raise BadServerMessage(f"{name} is not a number a server may send")


#: What ``GET /tables`` may answer, at most, in bytes: a lobby of many tables.
MAX_TABLES_BODY = MAX_PAYLOAD


def decode_tables(body: bytes | str) -> Tables:
    """The body of ``GET /tables``, checked field by field as every server
    message is (``decode_server_message``); ``BadServerMessage`` for one a
    client can't trust."""
    if len(body) > MAX_TABLES_BODY:
        raise BadServerMessage("the list of tables is too large")
    try:
        data = json.loads(body, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise BadServerMessage("the list of tables is not JSON") from None
    tables: Tables = _decode_object(Tables, data, "tables")
    return tables


def decode_server_message(
    payload: bytes | str | Mapping[str, Any],
) -> ServerMessage | Unknown:
    """One server message, from its frame or its already parsed JSON object."""
    if isinstance(payload, Mapping):
        data: Any = payload
    else:
        if len(payload) > MAX_PAYLOAD:
            raise BadServerMessage("message too large")
        try:
            data = json.loads(payload, parse_constant=_refuse_constant)
        except RecursionError:
            raise BadServerMessage("message nested too deeply") from None
        except ValueError as bad_json:  # also UnicodeDecodeError
            raise BadServerMessage(f"not JSON: {bad_json}") from None
    if not isinstance(data, Mapping):
        raise BadServerMessage("a message must be a JSON object")
    kind = data.get("type")
    if not isinstance(kind, str) or len(kind) > MAX_TEXT:
        raise BadServerMessage("field 'type' must be a string")
    cls = SERVER_MESSAGES.get(kind)
    if cls is None:
        return Unknown(kind, data)
    message: ServerMessage = _decode_object(cls, data, kind)
    return message


_specs: dict[type, list[tuple[str, Any, bool]]] = {}


def _spec(cls: type) -> list[tuple[str, Any, bool]]:
    """``(name, type, required)`` of each field of ``cls``."""
    spec = _specs.get(cls)
    if spec is None:
        hints = get_type_hints(cls, include_extras=True)
        spec = _specs[cls] = [
            (f.name, hints[f.name], f.default is MISSING) for f in fields(cls)
        ]
    return spec


def _decode_object(cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, Mapping):
        raise BadServerMessage(f"{where}: must be an object")
    values = {}
    skipped = SKIPPED.get(cls, frozenset())
    for name, hint, required in _spec(cls):
        if name in skipped and name in data:
            values[name] = _decode_entries(hint, data[name], f"{where}.{name}")
        elif name in data:
            values[name] = _decode(hint, data[name], f"{where}.{name}")
        elif required:
            raise BadServerMessage(f"{where}: field {name!r} is missing")
    return cls(**values)


def _decode_entries(hint: Any, value: Any, where: str) -> tuple[Any, ...]:
    """A list's entries that decode; the others are left out."""
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise BadServerMessage(f"{where}: must be a list of {MAX_ITEMS} or fewer")
    item = get_args(hint)[0]
    entries = []
    for index, entry in enumerate(value):
        try:
            entries.append(_decode(item, entry, f"{where}[{index}]"))
        except BadServerMessage:
            continue
    return tuple(entries)


def _decode(hint: Any, value: Any, where: str) -> Any:
    origin = get_origin(hint)
    if origin is Annotated:
        base, *checks = get_args(hint)
        value = _decode(base, value, where)
        for check in checks:
            if isinstance(check, Check) and not check.holds(value):
                raise BadServerMessage(f"{where}: must be {check.what}")
        return value
    if origin is Union or origin is types.UnionType:
        arms = get_args(hint)
        if value is None and type(None) in arms:
            return None
        for arm in arms:
            if arm is not type(None):
                try:
                    return _decode(arm, value, where)
                except BadServerMessage:
                    continue
        raise BadServerMessage(f"{where}: unexpected value")
    if origin is tuple:
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            raise BadServerMessage(f"{where}: must be a list of {MAX_ITEMS} or fewer")
        item = get_args(hint)[0]
        return tuple(_decode(item, v, f"{where}[{i}]") for i, v in enumerate(value))
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise BadServerMessage(f"{where}: must be true or false")
    if hint is int or hint is float:
        # JSON true/false arrive as bool, which is an int in Python.
        number_types = (int,) if hint is int else (int, float)
        if (
            not isinstance(value, number_types)
            or isinstance(value, bool)
            or not math.isfinite(value)
            or abs(value) > MAX_NUMBER
        ):
            kind = "a whole number" if hint is int else "a number"
            raise BadServerMessage(f"{where}: must be {kind} within 1e15")
        return value
    if hint is str:
        if isinstance(value, str) and len(value) <= MAX_TEXT:
            return value
        raise BadServerMessage(f"{where}: must be a string of {MAX_TEXT} or fewer")
    if isinstance(hint, type) and issubclass(hint, WireObject):
        return _decode_object(hint, value, where)
    raise TypeError(f"no decoder for {hint!r}")  # a message class's mistake
