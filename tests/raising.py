"""``assertRaises`` for a case in a table of cases.

Trial's ``assertRaises`` takes no message, so when a loop over cases fails
it can't say which case did. ``raised`` names the case in the failure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from twisted.trial.unittest import SynchronousTestCase

E = TypeVar("E", bound=BaseException)


def raised(
    test: SynchronousTestCase,
    expected: type[E],
    case: object,
    call: Callable[..., object],
    *args: Any,
    **kwargs: Any,
) -> E:
    """The ``expected`` exception that ``call(*args, **kwargs)`` raises;
    if it raises none or another, ``test`` fails naming ``case``."""
    try:
        result = call(*args, **kwargs)
    except expected as exception:
        return exception
    except Exception as other:
        test.fail(
            f"{case}: {type(other).__name__} raised instead of"
            f" {expected.__name__}: {other}"
        )
    test.fail(f"{case}: {expected.__name__} not raised ({result!r} returned)")


def shorten(value: object, width: int = 60) -> str:
    """``repr(value)``, cut to about ``width`` characters: a case's label
    in a failure message, even when the case is megabytes long."""
    text = repr(value)
    return text if len(text) <= width else f"{text[:width]}... ({len(text)} chars)"
