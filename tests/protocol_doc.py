"""What ``docs/protocol.rst`` documents, read from its headings, so tests
can hold the server to its documentation."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

PROTOCOL_RST = Path(__file__).resolve().parent.parent / "docs" / "protocol.rst"

SERVER_SECTION = "Messages from the server"
CASINO_SECTION = "Casino messages from the server"
CLIENT_SECTION = "Messages from the client"


@cache
def _sections() -> dict[str, str]:
    """Top-level sections (``=====`` underlines) by title."""
    text = PROTOCOL_RST.read_text()
    parts = re.split(r"^(.+)\n=+\n", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def documented_types(section: str) -> frozenset[str]:
    """Message types with a heading of their own (````type```` over a
    ``-----`` underline) in ``section``."""
    return frozenset(
        re.findall(r"^``(\w+)``(?: \(seed\))?\n-+\n", _sections()[section], re.M)
    )


def casino_server_types() -> frozenset[str]:
    """Every message a casino table may send: the seed's and its own."""
    return documented_types(SERVER_SECTION) | documented_types(CASINO_SECTION)


def documented_error_codes() -> frozenset[int]:
    """The codes in the ``error`` message's table."""
    return frozenset(
        int(code)
        for code in re.findall(r"^   (\d{3})   ", _sections()[SERVER_SECTION], re.M)
    )
