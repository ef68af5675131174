"""``docs/screenshot.py`` still makes the README's screenshots, classic and
casino."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pygame
import pytest_twisted

SCRIPT = Path(__file__).resolve().parent.parent / "docs" / "screenshot.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("docs_screenshot", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest_twisted.ensureDeferred
async def test_the_screenshot_script(tmp_path):
    script = _load_script()
    path = tmp_path / "docs" / "screenshot.png"
    await script.make_screenshot(path, pause=0)
    image = pygame.image.load(str(path))
    assert image.get_size() == script.SIZE
    assert (SCRIPT.parent / "screenshot.png").stat().st_size < 200_000


@pytest_twisted.ensureDeferred
async def test_the_casino_screenshot(tmp_path):
    script = _load_script()
    path = tmp_path / "docs" / "screenshot-casino.png"
    await script.make_casino_screenshot(path, pause=0)
    image = pygame.image.load(str(path))
    assert image.get_size() == script.SIZE
    assert (SCRIPT.parent / "screenshot-casino.png").stat().st_size < 200_000
