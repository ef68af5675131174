"""Shared test set-up."""

from __future__ import annotations

import os

import pytest
from twisted.trial.unittest import TestCase

# The pygame client's tests draw without a display or a sound card.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


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
