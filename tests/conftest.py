"""Shared test set-up."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from twisted.logger import globalLogPublisher

# The pygame client's tests draw without a display or a sound card.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


@contextmanager
def error_events() -> Iterator[list[dict[str, Any]]]:
    """Collects every error-level event logged inside the block."""
    events: list[dict[str, Any]] = []

    def observer(event: dict[str, Any]) -> None:
        level = event.get("log_level")
        if (level is not None and level.name in ("error", "critical")) or event.get(
            "isError"
        ):
            events.append(event)

    globalLogPublisher.addObserver(observer)
    try:
        yield events
    finally:
        globalLogPublisher.removeObserver(observer)


@pytest.fixture
def logged_errors() -> Iterator[list[dict[str, Any]]]:
    """Every error-level event logged while the test runs."""
    with error_events() as events:
        yield events
