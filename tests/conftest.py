"""Shared test set-up."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from blackjackd.testing import error_events

# The pygame client's tests draw without a display or a sound card.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


@pytest.fixture
def logged_errors() -> Iterator[list[dict[str, Any]]]:
    """Every error-level event logged while the test runs."""
    with error_events() as events:
        yield events
