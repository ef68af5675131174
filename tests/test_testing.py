"""blackjackd.testing is a public module: it imports without pytest, and
its in-memory server plays a whole round with a bot written against it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.testing import MemoryServer

# The checkout, so that the child imports the blackjackd under test even
# under trial, whose current directory is _trial_temp.
CHECKOUT = Path(__file__).resolve().parent.parent


class PublicTestingModuleTests(SynchronousTestCase):
    """What a user of blackjackd.testing relies on."""

    def test_it_imports_without_pytest(self) -> None:
        code = "import sys; sys.modules['pytest'] = None; import blackjackd.testing"
        child = subprocess.run(
            [sys.executable, "-c", code],
            cwd=CHECKOUT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(child.returncode, 0, child.stderr)

    def test_a_bot_plays_a_round_against_the_memory_server(self) -> None:
        server = MemoryServer(["TS", "9H", "9C", "8D"])
        bot = server.seat("bot")
        self.assertEqual(
            [message["type"] for message in bot.take()],
            ["id", "hit", "hit", "deadline"],
        )
        bot.send({"type": "stand"})
        server.flush()
        self.assertEqual(bot.types(), ["stand", "hit", "hit", "winner", "round_over"])
        server.close_all()
        self.assertEqual(server.clock.getDelayedCalls(), [])
