"""blackjackd.testing is a public module: it imports without pytest, and
its in-memory server plays a whole round with a bot written against it."""

from __future__ import annotations

import subprocess
import sys

from blackjackd.testing import MemoryServer


def test_it_imports_without_pytest():
    code = "import sys; sys.modules['pytest'] = None; import blackjackd.testing"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_a_bot_plays_a_round_against_the_memory_server():
    server = MemoryServer(["TS", "9H", "9C", "8D"])
    bot = server.seat("bot")
    assert [message["type"] for message in bot.take()] == [
        "id",
        "hit",
        "hit",
        "deadline",
    ]
    bot.send({"type": "stand"})
    server.flush()
    assert bot.types() == ["stand", "hit", "hit", "winner", "round_over"]
    server.close_all()
    assert server.clock.getDelayedCalls() == []
