"""The code base passes ruff's lint and format checks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _ruff() -> list[str]:
    beside_python = Path(sys.executable).parent / "ruff"
    if beside_python.exists():
        return [str(beside_python)]
    found = shutil.which("ruff")
    if found is None:
        pytest.fail("ruff is not installed: pip install '.[test]'")
    return [found]


@pytest.mark.parametrize("check", [["check"], ["format", "--check"]])
def test_ruff(check):
    result = subprocess.run(
        [*_ruff(), *check, "."], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
