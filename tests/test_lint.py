"""The code base passes ruff's lint and format checks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from twisted.trial.unittest import SynchronousTestCase

REPO = Path(__file__).resolve().parent.parent


class RuffTests(SynchronousTestCase):
    """``ruff check`` and ``ruff format --check`` over the whole checkout."""

    def ruff(self, *arguments: str) -> None:
        """Run ruff in the checkout and fail with its report unless it passes."""
        result = subprocess.run(
            [self.ruff_program(), *arguments, "."],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def ruff_program(self) -> str:
        beside_python = Path(sys.executable).parent / "ruff"
        if beside_python.exists():
            return str(beside_python)
        found = shutil.which("ruff")
        if found is None:
            self.fail("ruff is not installed: pip install '.[test]'")
        return found

    def test_ruff_check(self):
        self.ruff("check")

    def test_ruff_format(self):
        self.ruff("format", "--check")
