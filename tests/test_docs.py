"""docs/protocol.rst documents every message and error code the server
knows; the table and protocol tests check what is sent against it."""

from __future__ import annotations

from protocol_doc import (
    CLIENT_SECTION,
    SERVER_SECTION,
    documented_error_codes,
    documented_types,
)

from blackjackd.messages import CLIENT_TYPES, ERROR_CODES


def test_every_client_message_is_documented():
    assert documented_types(CLIENT_SECTION) == CLIENT_TYPES


def test_every_error_code_is_documented():
    assert documented_error_codes() == set(ERROR_CODES)


def test_the_seed_messages_are_documented_as_sent():
    seed_types = {"auth", "id", "hit", "other_players", "new_client", "bust"}
    seed_types |= {"winner", "lose", "restart", "error"}
    assert seed_types <= documented_types(SERVER_SECTION)
