"""Fakes for testing code that uses blackjackd (its own tests import them).

Importable without pytest. Nothing here touches a socket or the global
reactor.
"""

from __future__ import annotations

from typing import Any

from blackjackd.wire import ServerMessage, as_dict


class Inbox(list[dict[str, Any]]):
    """A player's ``send`` for a table built in a test: keeps every message
    as the JSON object that would go out, so tests compare plain dicts."""

    def __call__(self, message: ServerMessage) -> None:
        self.append(as_dict(message))

    def types(self) -> list[str]:
        return [message["type"] for message in self]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [message for message in self if message["type"] == kind]

    def take(self) -> list[dict[str, Any]]:
        taken = list(self)
        self.clear()
        return taken
