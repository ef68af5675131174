"""docs/protocol.rst documents every message and error code the server
knows; the table and protocol tests check what is sent against it."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import docutils.core
import docutils.utils
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.wire import (
    ACCOUNT_MESSAGES,
    CASINO_MESSAGES,
    CLIENT_TYPES,
    ERROR_CODES,
    LOBBY_MESSAGES,
    REQUESTS,
    TABLE_MESSAGES,
    Rules,
    Tables,
    TableView,
    decode_request,
    decode_server_message,
)

PROTOCOL_RST = Path(__file__).resolve().parent.parent / "docs" / "protocol.rst"

SERVER_SECTION = "Messages from the server"
CASINO_SECTION = "Casino messages from the server"
CLIENT_SECTION = "Messages from the client"
ACCOUNT_SECTION = "Accounts, reconnecting and history"
LOBBY_SECTION = "Tables and watching"


@cache
def _sections() -> dict[str, str]:
    """Top-level sections (``=====`` underlines) by title."""
    text = PROTOCOL_RST.read_text()
    parts = re.split(r"^(.+)\n=+\n", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def documented_types(section: str, underline: str = "-") -> frozenset[str]:
    """Message types with a heading of their own (````type```` over a
    ``-----`` underline, or another character's) in ``section``."""
    return frozenset(
        re.findall(
            rf"^``(\w+)``(?: \(seed\))?\n{re.escape(underline)}+\n",
            _sections()[section],
            re.M,
        )
    )


def documented_error_codes() -> frozenset[int]:
    """The codes in the ``error`` message's table."""
    return frozenset(
        int(code)
        for code in re.findall(r"^   (\d{3})   ", _sections()[SERVER_SECTION], re.M)
    )


def json_examples(section: str) -> list[str]:
    """The JSON code blocks of ``section``."""
    return re.findall(
        r"^\.\. code-block:: json\n\n((?:    .*\n|\n)+)", _sections()[section], re.M
    )


REPO = PROTOCOL_RST.parent.parent

RST_FILES = sorted(
    path.relative_to(REPO)
    for path in [REPO / "README.rst", *(REPO / "docs").glob("*.rst")]
)


class ProtocolDocumentTests(SynchronousTestCase):
    """docs/protocol.rst and the wire module declare the same protocol."""

    def test_every_client_message_is_documented(self) -> None:
        self.assertEqual(documented_types(CLIENT_SECTION), CLIENT_TYPES)
        self.assertEqual(CLIENT_TYPES, set(REQUESTS))

    def test_the_protocol_and_the_wire_module_declare_the_same_messages(self) -> None:
        # Both ways: every class has a heading, and every heading a class.
        self.assertEqual(documented_types(SERVER_SECTION), set(TABLE_MESSAGES))
        self.assertEqual(documented_types(CASINO_SECTION), set(CASINO_MESSAGES))
        self.assertEqual(documented_types(ACCOUNT_SECTION, "~"), set(ACCOUNT_MESSAGES))
        self.assertEqual(documented_types(LOBBY_SECTION, "~"), set(LOBBY_MESSAGES))

    def test_every_message_example_decodes_with_the_wire_module(self) -> None:
        for section in [
            SERVER_SECTION,
            CASINO_SECTION,
            CLIENT_SECTION,
            ACCOUNT_SECTION,
        ]:
            examples = [json.loads(block) for block in json_examples(section)]
            self.assertTrue(examples, f"{section}: no examples")
            for example in examples:
                if section == CLIENT_SECTION:
                    request = decode_request(json.dumps(example).encode())
                    self.assertEqual(request.as_dict(), example, section)
                else:
                    message = decode_server_message(example)
                    self.assertEqual(message.as_dict(), example, section)

    def test_the_lobby_examples_are_what_the_wire_module_sends(self) -> None:
        tables, watching = [json.loads(block) for block in json_examples(LOBBY_SECTION)]
        message = decode_server_message(watching)
        self.assertEqual(message.as_dict(), watching)
        listed = tables["tables"][0]
        view = TableView(
            **{
                **listed,
                "players": tuple(listed["players"]),
                "rules": Rules(**listed["rules"]),
            }
        )
        self.assertEqual(Tables(game=tables["game"], tables=(view,)).as_dict(), tables)

    def test_every_error_code_is_documented(self) -> None:
        self.assertEqual(documented_error_codes(), set(ERROR_CODES))

    def test_the_seed_messages_are_documented_as_sent(self) -> None:
        seed_types = {"auth", "id", "hit", "other_players", "new_client", "bust"}
        seed_types |= {"winner", "lose", "restart", "error"}
        undocumented = seed_types - documented_types(SERVER_SECTION)
        self.assertEqual(undocumented, set())

    def test_every_json_example_in_the_protocol_is_json(self) -> None:
        blocks = re.findall(
            r"^\.\. code-block:: json\n\n((?:    .*\n|\n)+)",
            PROTOCOL_RST.read_text(),
            re.M,
        )
        self.assertGreater(len(blocks), 20)
        for block in blocks:
            json.loads(block)


class RenderingTests(SynchronousTestCase):
    """The project's reStructuredText documents."""

    def test_the_documents_render_without_warnings(self) -> None:
        self.assertTrue(RST_FILES)
        for path in RST_FILES:
            # halt_level 2 turns any docutils warning (a broken table, a bad
            # directive, a title underline too short) into an error.
            try:
                docutils.core.publish_doctree(
                    (REPO / path).read_text(),
                    source_path=str(path),
                    settings_overrides={"halt_level": 2, "report_level": 5},
                )
            except docutils.utils.SystemMessage as warning:
                self.fail(f"{path}: {warning}")
