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
    408: "no auth in time: the server closes the connection",
    409: "conflict: the action isn't allowed in the table's current state",
    429: "too many messages: slow down",
    500: "internal server error",
    507: "all busy: every seat is taken",
}

#: The message types a client may send.
CLIENT_TYPES = frozenset({"auth", "hit", "stand"})

MAX_USERNAME_LENGTH = 32

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

    Returns the message with a ``type`` of ``CLIENT_TYPES``; for ``auth``
    the username is normalised (surrounding white space dropped).
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
    return {"type": kind}


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
