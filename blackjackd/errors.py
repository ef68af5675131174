"""Refusals: what the server answers with an ``error`` message.

Kept apart from the tables, the round and the wire module so that each of
them can raise a refusal without importing the others.
"""

from __future__ import annotations


class Refusal(Exception):
    """Something a client asked for was refused; nothing was changed.

    ``status_code`` and ``message`` fill the protocol's ``error`` message.
    """

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(status_code, message)
        self.status_code = status_code
        self.message = message


class ActionRejected(Refusal):
    """A player asked a table for something it can't do now (or ever)."""
