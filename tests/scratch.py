"""A fresh directory for one test, removed after it under either runner.

``self.mktemp()`` is relative to the current directory, which is
``_trial_temp`` under trial but the checkout under pytest, where it would
leave directories behind.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase


def scratch_directory(case: SynchronousTestCase) -> Path:
    """An empty directory (an absolute path) that goes when ``case`` ends."""
    directory = tempfile.TemporaryDirectory(prefix="blackjackd-test-")
    case.addCleanup(directory.cleanup)
    return Path(directory.name)
