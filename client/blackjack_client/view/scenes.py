"""Which scene draws the window: the table of the kind ``id`` named."""

from __future__ import annotations

import pygame

from blackjack_client.model import Model
from blackjack_client.view.casino_scene import CasinoScene
from blackjack_client.view.layout import Button
from blackjack_client.view.table_scene import ClassicScene, TableScene


def scene_for(model: Model, now: float) -> TableScene:
    """The scene that draws ``model`` at ``now``."""
    return (CasinoScene if model.casino else ClassicScene)(model, now)


def draw(
    surface: pygame.Surface,
    model: Model,
    now: float = 0.0,
    mouse: tuple[int, int] | None = None,
) -> list[Button]:
    """Draw the whole table for ``model`` at time ``now``; return the buttons."""
    return scene_for(model, now).draw(surface, mouse)
