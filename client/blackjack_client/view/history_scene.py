"""The history overlay (Y): the player's last rounds over the table."""

from __future__ import annotations

import pygame

from blackjack_client.model import Model
from blackjack_client.view.layout import layout
from blackjack_client.view.text import draw_text
from blackjack_client.view.theme import DIM, GOLD, WHITE
from blackjack_client.view.widgets import panel
from blackjack_client.view.words import history_lines

#: The most lines the overlay lists.
MAX_LINES = 10


def draw_history(surface: pygame.Surface, model: Model) -> pygame.Rect:
    """Draw the overlay of the last rounds over whatever is drawn; return
    its rectangle."""
    lay = layout(surface.get_size())
    area = surface.get_rect().inflate(-lay.px(40), -lay.px(60))
    area.height -= lay.status.height
    panel(surface, area, (10, 14, 12, 245), lay.px(14), GOLD, lay.px(2))
    title = draw_text(
        surface,
        "Your last rounds",
        lay.px(30),
        GOLD,
        bold=True,
        midtop=(area.centerx, area.top + lay.px(12)),
    )
    lines = history_lines(model)[:MAX_LINES]
    room = area.width - lay.px(40)
    row = (area.bottom - title.bottom - lay.px(60)) // MAX_LINES
    size = max(lay.px(12), min(lay.px(20), row - lay.px(4)))
    y = title.bottom + lay.px(14)
    for line in lines:
        y = draw_text(
            surface,
            line,
            size,
            WHITE,
            max_width=room,
            topleft=(area.left + lay.px(20), y),
        ).bottom + max(lay.px(4), row - size)
    draw_text(
        surface,
        "Y or Esc closes",
        lay.px(18),
        DIM,
        midbottom=(area.centerx, area.bottom - lay.px(10)),
    )
    return area
