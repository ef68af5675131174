"""Shared test set-up."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from twisted.logger import globalLogPublisher
from twisted.trial.unittest import TestCase

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run trial's reactor-spinning test cases before anything else.

    A ``twisted.trial.unittest.TestCase`` whose test returns a Deferred (or
    is ``async def``) runs the global reactor itself, once per test. Once a
    ``pytest_twisted`` test has started the reactor in pytest-twisted's
    greenlet, the reactor never stops until the session ends, and such a
    test fails with ``ReactorAlreadyRunning``. Running them first makes the
    suite pass in any order of modules, as it does under trial.
    """
    items.sort(key=lambda item: not _spins_the_reactor(item))


def _spins_the_reactor(item: pytest.Item) -> bool:
    case = getattr(item, "cls", None)
    return case is not None and issubclass(case, TestCase)
