"""Decoding and validating what clients send, and the error message shape.

Everything here is pure: bytes in, a validated message or ``BadMessage``
out. The WebSocket protocol turns ``BadMessage`` into an ``error`` message.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

Message = dict[str, Any]

#: What every status code of an ``error`` message means.
ERROR_CODES = {
    400: "bad request: the message is malformed or has a wrong field",
    401: "not authorized: send auth first",
    402: "not enough chips for that bet or action",
    408: "no auth in time: the server closes the connection",
    409: "conflict: the action isn't allowed in the table's current state",
    429: "too many messages: slow down",
    500: "internal server error",
    507: "all busy: every seat is taken",
}

#: Actions on one of the player's hands; ``hand`` picks which (after a split).
HAND_ACTIONS = frozenset({"hit", "stand", "double", "split", "surrender"})

#: Every action a seated player may send; a table says which it plays.
TABLE_ACTIONS = HAND_ACTIONS | {"bet", "insurance"}

#: The message types a client may send.
CLIENT_TYPES = TABLE_ACTIONS | {"auth"}

MAX_USERNAME_LENGTH = 32

#: Far above any table limit or balance; keeps numbers sane before the table
#: looks at them.
MAX_AMOUNT = 10**9

#: A player holds at most a handful of hands; bigger indexes are nonsense.
MAX_HAND_INDEX = 15

# Unicode categories a username may not contain: controls, formatting
# characters (bidirectional overrides can disguise a name), surrogates,
# private-use and unassigned code points, and line/paragraph separators.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


class BadMessage(Exception):
    """A client message that the server refuses; nothing was changed."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(status_code, message)
        self.status_code = status_code
        self.message = message


def error(status_code: int, message: str) -> Message:
    """An ``error`` message in the seed's shape."""
    return {"type": "error", "status_code": status_code, "message": message}


def encode(message: Message) -> bytes:
    """A message as the compact UTF-8 JSON text sent on the wire."""
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()


def decode_client_message(payload: bytes) -> Message:
    """Parse and validate one text frame from a client.

    Returns the message with a ``type`` of ``CLIENT_TYPES`` and its fields
    checked and normalised, ready to be passed on as keyword arguments:
    ``auth`` gets ``username`` (surrounding white space dropped), ``bet``
    ``amount``, ``insurance`` ``take`` (true when left out), and each hand
    action ``hand`` (None when left out: the player's first unfinished hand).
    Fields a message type doesn't know are ignored.
    """
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadMessage(400, "data not json") from None
    except RecursionError:
        raise BadMessage(400, "data nested too deeply") from None
    if not isinstance(data, dict):
        raise BadMessage(400, "message must be a JSON object")
    kind = data.get("type")
    if not isinstance(kind, str):
        raise BadMessage(400, "field 'type' must be a string")
    if kind not in CLIENT_TYPES:
        raise BadMessage(400, f"unknown message type {kind[:40]!r}")
    if kind == "auth":
        return {"type": "auth", "username": _username(data.get("data"))}
    if kind == "bet":
        return {"type": "bet", "amount": _amount(data.get("amount"))}
    if kind == "insurance":
        take = data.get("take", True)
        if not isinstance(take, bool):
            raise BadMessage(400, "field 'take' must be true or false")
        return {"type": "insurance", "take": take}
    return {"type": kind, "hand": _hand_index(data.get("hand"))}


def _whole_number(value: object) -> bool:
    # JSON true/false arrive as bool, which is an int in Python.
    return isinstance(value, int) and not isinstance(value, bool)


def _amount(value: object) -> int:
    if not _whole_number(value) or not 0 < value <= MAX_AMOUNT:
        raise BadMessage(400, "field 'amount' must be a positive whole number")
    return value


def _hand_index(value: object) -> int | None:
    if value is None:
        return None
    if not _whole_number(value) or not 0 <= value <= MAX_HAND_INDEX:
        raise BadMessage(
            400, f"field 'hand' must be a hand index, 0 to {MAX_HAND_INDEX}"
        )
    return value


def _username(auth_data: object) -> str:
    if not isinstance(auth_data, dict):
        raise BadMessage(400, "field 'data' must be an object with a username")
    username = auth_data.get("username")
    if not isinstance(username, str):
        raise BadMessage(400, "field 'data.username' must be a string")
    username = username.strip()
    if not username:
        raise BadMessage(400, "username is empty")
    if len(username) > MAX_USERNAME_LENGTH:
        raise BadMessage(
            400, f"username is longer than {MAX_USERNAME_LENGTH} characters"
        )
    if any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in username):
        raise BadMessage(400, "username has control characters")
    return username
