"""Every message a client sends, and the server's validation of them.

``decode_request`` is all the checking a frame gets before the game sees
it: bytes in, a validated request or ``BadMessage`` out, nothing changed.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any, ClassVar

from blackjackd.errors import Refusal
from blackjackd.wire.base import Request

MAX_USERNAME_LENGTH = 32
MAX_PASSWORD_LENGTH = 128

#: A resume token is URL-safe base64 (``secrets.token_urlsafe``).
MIN_TOKEN_LENGTH = 22
MAX_TOKEN_LENGTH = 128
_TOKEN_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)

#: Rounds a ``history`` request may ask for, and gets when it doesn't say.
MAX_HISTORY = 100
DEFAULT_HISTORY = 10

#: Far above any table limit or balance; keeps numbers sane before the table
#: looks at them.
MAX_AMOUNT = 10**9

#: Far above any lobby's tables; keeps a table number a small int.
MAX_TABLE = 10**6

#: A player holds at most a handful of hands; bigger indexes are nonsense.
MAX_HAND_INDEX = 15

# Unicode categories a username may not contain: controls, formatting
# characters (bidirectional overrides can disguise a name), surrogates,
# private-use and unassigned code points, and line/paragraph separators.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


#: Characters that show as nothing though Unicode calls them letters or
#: symbols (the Hangul fillers, the blank braille pattern).
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
#: Combining marks in a row a name may have (accents stack two deep at most
#: in real names; more pile up over the text around them).
MAX_COMBINING_MARKS = 2
#: Names the table uses itself: a player named so could pass for it.
_RESERVED_NAMES = frozenset({"dealer"})


class BadMessage(Refusal):
    """A client message that the server refuses as malformed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthRequest(Request):
    """Take a seat as ``username`` (white space around it removed), signed
    in to its account with ``password``, at ``table`` if given (else the
    first free seat); or, with ``token`` alone, come back to the seat a
    dropped connection left."""

    TYPE: ClassVar[str] = "auth"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    table: int | None = None

    def json_fields(self) -> dict[str, Any]:
        # The seed nests the name: {"type": "auth", "data": {"username": ...}}.
        data = {
            name: value
            for name, value in (
                ("username", self.username),
                ("password", self.password),
                ("token", self.token),
                ("table", self.table),
            )
            if value is not None
        }
        return {"type": self.TYPE, "data": data}


@dataclass(frozen=True, slots=True, kw_only=True)
class WatchRequest(Request):
    """Watch ``table``: no seat, no sign-in; its public messages only."""

    TYPE: ClassVar[str] = "watch"
    table: int

    def json_fields(self) -> dict[str, Any]:
        return {"type": self.TYPE, "data": {"table": self.table}}


@dataclass(frozen=True, slots=True, kw_only=True)
class RebuyRequest(Request):
    """Top your chips back up to the starting chips, when you are broke."""

    TYPE: ClassVar[str] = "rebuy"


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryRequest(Request):
    """Ask for your last ``limit`` rounds."""

    TYPE: ClassVar[str] = "history"
    limit: int = DEFAULT_HISTORY

    def json_fields(self) -> dict[str, Any]:
        return {"type": self.TYPE, "data": {"limit": self.limit}}


@dataclass(frozen=True, slots=True, kw_only=True)
class BetRequest(Request):
    """Stake ``amount`` chips on the coming round."""

    TYPE: ClassVar[str] = "bet"
    amount: int


@dataclass(frozen=True, slots=True, kw_only=True)
class InsuranceRequest(Request):
    """Take (the default) or decline the insurance offered."""

    TYPE: ClassVar[str] = "insurance"
    take: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class HandRequest(Request):
    """An action on one hand: ``hand`` picks it by index, or ``None`` for
    the player's first unfinished hand."""

    hand: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HitRequest(HandRequest):
    """One more card."""

    TYPE: ClassVar[str] = "hit"


@dataclass(frozen=True, slots=True, kw_only=True)
class StandRequest(HandRequest):
    """End the hand."""

    TYPE: ClassVar[str] = "stand"


@dataclass(frozen=True, slots=True, kw_only=True)
class DoubleRequest(HandRequest):
    """Double the bet and take exactly one card."""

    TYPE: ClassVar[str] = "double"


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitRequest(HandRequest):
    """Split a pair into two hands."""

    TYPE: ClassVar[str] = "split"


@dataclass(frozen=True, slots=True, kw_only=True)
class SurrenderRequest(HandRequest):
    """Give the hand up for half its bet."""

    TYPE: ClassVar[str] = "surrender"


HAND_REQUESTS: dict[str, type[HandRequest]] = {
    cls.TYPE: cls
    for cls in (HitRequest, StandRequest, DoubleRequest, SplitRequest, SurrenderRequest)
}

#: Every request class by its ``type``.
REQUESTS: dict[str, type[Request]] = {
    "auth": AuthRequest,
    "bet": BetRequest,
    "insurance": InsuranceRequest,
    "rebuy": RebuyRequest,
    "history": HistoryRequest,
    "watch": WatchRequest,
    **HAND_REQUESTS,
}

#: The message types a client may send.
CLIENT_TYPES = frozenset(REQUESTS)


def decode_request(payload: bytes) -> Request:
    """Parse and validate one text frame from a client.

    ``auth`` gets its username stripped of surrounding white space,
    ``insurance`` a ``take`` of true when left out, and each hand action a
    ``hand`` of ``None`` when left out. Fields a message type doesn't know
    are ignored. ``BadMessage`` (400) for anything malformed.
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
    if kind == "auth":
        return _auth(data.get("data"))
    if kind == "bet":
        return BetRequest(amount=_amount(data.get("amount")))
    if kind == "insurance":
        take = data.get("take", True)
        if not isinstance(take, bool):
            raise BadMessage(400, "field 'take' must be true or false")
        return InsuranceRequest(take=take)
    if kind == "rebuy":
        return RebuyRequest()
    if kind == "history":
        return HistoryRequest(limit=_history_limit(data.get("data")))
    if kind == "watch":
        return WatchRequest(table=_watched_table(data.get("data")))
    hand_request = HAND_REQUESTS.get(kind)
    if hand_request is None:
        raise BadMessage(400, f"unknown message type {kind[:40]!r}")
    return hand_request(hand=_hand_index(data.get("hand")))


def _whole_number(value: object) -> bool:
    # JSON true/false arrive as bool, which is an int in Python.
    return isinstance(value, int) and not isinstance(value, bool)


def _amount(value: Any) -> int:
    if not _whole_number(value) or not 0 < value <= MAX_AMOUNT:
        raise BadMessage(400, "field 'amount' must be a positive whole number")
    return int(value)


def _hand_index(value: Any) -> int | None:
    if value is None:
        return None
    if not _whole_number(value) or not 0 <= value <= MAX_HAND_INDEX:
        raise BadMessage(
            400, f"field 'hand' must be a hand index, 0 to {MAX_HAND_INDEX}"
        )
    return int(value)


def _auth(auth_data: object) -> AuthRequest:
    if not isinstance(auth_data, dict):
        raise BadMessage(400, "field 'data' must be an object with a username")
    token = auth_data.get("token")
    if token is not None and "username" not in auth_data:
        return AuthRequest(token=_token(token))
    password = auth_data.get("password")
    if password is not None:
        if not isinstance(password, str):
            raise BadMessage(400, "field 'data.password' must be a string")
        if not 1 <= len(password) <= MAX_PASSWORD_LENGTH:
            raise BadMessage(
                400, f"password must be 1 to {MAX_PASSWORD_LENGTH} characters"
            )
    return AuthRequest(
        username=_username(auth_data.get("username")),
        password=password,
        table=_table_number(auth_data.get("table"), "data.table", optional=True),
    )


def _table_number(value: object, name: str, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadMessage(400, f"field '{name}' must be a table number, 1 or more")
    if not 1 <= value <= MAX_TABLE:
        raise BadMessage(400, f"field '{name}' must be a table number, 1 or more")
    return value


def _watched_table(watch_data: object) -> int:
    if not isinstance(watch_data, dict):
        raise BadMessage(400, "field 'data' must be an object with a table")
    table = _table_number(watch_data.get("table"), "data.table")
    assert table is not None
    return table


def _token(token: object) -> str:
    if (
        not isinstance(token, str)
        or not MIN_TOKEN_LENGTH <= len(token) <= MAX_TOKEN_LENGTH
        or not _TOKEN_CHARACTERS.issuperset(token)
    ):
        raise BadMessage(400, "field 'data.token' is not a token this server made")
    return token


def _history_limit(history_data: object) -> int:
    if history_data is None:
        return DEFAULT_HISTORY
    if not isinstance(history_data, dict):
        raise BadMessage(400, "field 'data' must be an object")
    limit = history_data.get("limit", DEFAULT_HISTORY)
    if not _whole_number(limit) or not 1 <= limit <= MAX_HISTORY:
        raise BadMessage(
            400, f"field 'data.limit' must be a whole number, 1 to {MAX_HISTORY}"
        )
    return int(limit)


def _username(username: object) -> str:
    if not isinstance(username, str):
        raise BadMessage(400, "field 'data.username' must be a string")
    if len(username) > 4 * MAX_USERNAME_LENGTH:
        # Before normalising: a huge string costs work to look at.
        raise BadMessage(
            400, f"username is longer than {MAX_USERNAME_LENGTH} characters"
        )
    # Compatibility forms become their plain letters (fullwidth letters,
    # ligatures, a no-break space), so a name can't pass for another by its
    # form alone.
    username = unicodedata.normalize("NFKC", username).strip()
    if not username:
        raise BadMessage(400, "username is empty")
    if len(username) > MAX_USERNAME_LENGTH:
        raise BadMessage(
            400, f"username is longer than {MAX_USERNAME_LENGTH} characters"
        )
    categories = [unicodedata.category(char) for char in username]
    if any(category in _FORBIDDEN_CATEGORIES for category in categories):
        raise BadMessage(400, "username has control characters")
    if any(char in _BLANKS for char in username) or any(
        category == "Zs" and char != " "
        for char, category in zip(username, categories, strict=True)
    ):
        raise BadMessage(400, "username has invisible characters")
    marks = 0
    for category in categories:
        marks = marks + 1 if category in ("Mn", "Me") else 0
        if marks > MAX_COMBINING_MARKS:
            raise BadMessage(400, "username has too many combining marks")
    if not any(category[0] in "LN" for category in categories):
        raise BadMessage(400, "username needs a letter or a digit")
    if username.casefold() in _RESERVED_NAMES:
        raise BadMessage(400, f"username {username!r} is taken by the table")
    return username
