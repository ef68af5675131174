"""``docs/screenshot.py`` still makes the README's screenshots, classic and
casino."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pygame
from twisted.trial.unittest import TestCase

from tests.scratch import scratch_directory

SCRIPT = Path(__file__).resolve().parent.parent / "docs" / "screenshot.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("docs_screenshot", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class ScreenshotScriptTests(TestCase):
    """docs/screenshot.py makes both screenshots, each small enough."""

    async def test_the_screenshot_script(self):
        tmp_path = scratch_directory(self)
        script = _load_script()
        path = tmp_path / "docs" / "screenshot.png"
        await script.make_screenshot(path, pause=0)
        image = pygame.image.load(str(path))
        self.assertEqual(image.get_size(), script.SIZE)
        self.assertLess((SCRIPT.parent / "screenshot.png").stat().st_size, 200_000)

    async def test_the_casino_screenshot(self):
        tmp_path = scratch_directory(self)
        script = _load_script()
        path = tmp_path / "docs" / "screenshot-casino.png"
        await script.make_casino_screenshot(path, pause=0)
        image = pygame.image.load(str(path))
        self.assertEqual(image.get_size(), script.SIZE)
        self.assertLess(
            (SCRIPT.parent / "screenshot-casino.png").stat().st_size, 200_000
        )
