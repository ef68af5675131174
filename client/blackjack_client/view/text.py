"""Fonts and lines of text: pygame's bundled font, sized to fit."""

from __future__ import annotations

from functools import lru_cache

import pygame

from blackjack_client.view.theme import (
    WHITE,
)


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> pygame.font.Font:
    """pygame's bundled font at ``size`` pixels."""
    if not pygame.font.get_init():
        pygame.font.init()
    face = pygame.font.Font(None, max(8, size))
    face.set_bold(bold)
    return face


def fit_size(text: str, size: int, width: int, smallest: int, bold: bool = True) -> int:
    """The largest font size, from ``size`` down to ``smallest``, at which
    ``text`` is no wider than ``width``."""
    while size > smallest and font(size, bold).size(text)[0] > width:
        size -= 1
    return size


def draw_text(
    surface: pygame.Surface,
    text: str,
    size: int,
    colour: tuple[int, int, int],
    *,
    bold: bool = False,
    max_width: int | None = None,
    **where: object,
) -> pygame.Rect:
    """Draw one line of text placed like ``Rect`` keywords (center=..., ...)."""
    face = font(size, bold)
    if max_width is not None and face.size(text)[0] > max_width:
        while text and face.size(text + "…")[0] > max_width:
            text = text[:-1]
        text += "…"
    image = face.render(text, True, colour)
    rect = image.get_rect(**where)
    surface.blit(image, rect)
    return rect


def badge(
    surface: pygame.Surface,
    text: str,
    size: int,
    fill: tuple[int, int, int],
    colour: tuple[int, int, int] = WHITE,
    **where: object,
) -> pygame.Rect:
    image = font(size, bold=True).render(text, True, colour)
    pad_x, pad_y = size // 2, size // 6
    rect = pygame.Rect(0, 0, image.get_width() + 2 * pad_x, image.get_height() + pad_y)
    for key, value in where.items():
        setattr(rect, key, value)
    pygame.draw.rect(surface, fill, rect, border_radius=rect.height // 2)
    surface.blit(image, image.get_rect(center=rect.center))
    return rect
