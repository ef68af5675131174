"""docs/protocol.rst documents every message and error code the server
knows; the table and protocol tests check what is sent against it."""

from __future__ import annotations

import json
import re

import docutils.core
import pytest
from protocol_doc import (
    CLIENT_SECTION,
    PROTOCOL_RST,
    SERVER_SECTION,
    documented_error_codes,
    documented_types,
)

from blackjackd.wire import CLIENT_TYPES, ERROR_CODES

REPO = PROTOCOL_RST.parent.parent


def test_every_client_message_is_documented():
    assert documented_types(CLIENT_SECTION) == CLIENT_TYPES


def test_every_error_code_is_documented():
    assert documented_error_codes() == set(ERROR_CODES)


def test_the_seed_messages_are_documented_as_sent():
    seed_types = {"auth", "id", "hit", "other_players", "new_client", "bust"}
    seed_types |= {"winner", "lose", "restart", "error"}
    assert seed_types <= documented_types(SERVER_SECTION)


RST_FILES = sorted(
    path.relative_to(REPO)
    for path in [REPO / "README.rst", *(REPO / "docs").glob("*.rst")]
)


@pytest.mark.parametrize("path", RST_FILES, ids=str)
def test_the_documents_render_without_warnings(path):
    # halt_level 2 turns any docutils warning (a broken table, a bad
    # directive, a title underline too short) into an error.
    docutils.core.publish_doctree(
        (REPO / path).read_text(),
        source_path=str(path),
        settings_overrides={"halt_level": 2, "report_level": 5},
    )


def test_every_json_example_in_the_protocol_is_json():
    blocks = re.findall(
        r"^\.\. code-block:: json\n\n((?:    .*\n|\n)+)", PROTOCOL_RST.read_text(), re.M
    )
    assert len(blocks) > 20
    for block in blocks:
        json.loads(block)
