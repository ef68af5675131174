"""What a test's child process (``twistd``, a client, the audit) runs with."""

from __future__ import annotations

import os
from pathlib import Path

#: The checkout (or installed copy) this blackjackd is imported from.
ROOT = Path(__file__).resolve().parents[2]


def child_environment() -> dict[str, str]:
    """This process's environment, with this very copy of blackjackd first
    on PYTHONPATH (a checkout's, when tests run from one), whichever copy
    of the plugin twistd would otherwise find."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), env.get("PYTHONPATH")) if p
    )
    return env
