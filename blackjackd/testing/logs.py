"""Errors logged while a test runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from twisted.logger import ILogObserver, LogEvent, globalLogPublisher
from zope.interface import provider


@contextmanager
def error_events() -> Iterator[list[LogEvent]]:
    """Collects every error-level event logged inside the block."""
    events: list[LogEvent] = []

    @provider(ILogObserver)
    def observer(event: LogEvent) -> None:
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
