"""The pieces every screen draws: translucent panels, buttons, the
countdown bar and the status line."""

from __future__ import annotations

import pygame

from blackjack_client.model import (
    CONNECTED,
    CONNECTING,
    RECONNECTING,
    SEATED,
    Model,
)
from blackjack_client.view.layout import (
    Button,
    Layout,
)
from blackjack_client.view.sprites import (
    draw_chip,
)
from blackjack_client.view.text import (
    draw_text,
    fit_size,
)
from blackjack_client.view.theme import (
    BUTTON,
    BUTTON_HOVER,
    BUTTON_OFF,
    BUTTON_TEXT,
    BUTTON_TEXT_OFF,
    DIM,
    ERROR_RED,
    GOLD,
    STATUS_BG,
)
from blackjack_client.view.words import (
    status_text,
)


def panel(
    surface: pygame.Surface,
    rect: pygame.Rect,
    colour: tuple[int, ...],
    radius: int,
    border: tuple[int, int, int] | None = None,
    border_width: int = 0,
) -> None:
    # Translucent fills need a surface with an alpha channel of their own.
    layer = pygame.Surface(rect.size, pygame.SRCALPHA)
    pygame.draw.rect(layer, colour, layer.get_rect(), border_radius=radius)
    surface.blit(layer, rect)
    if border is not None and border_width > 0:
        pygame.draw.rect(surface, border, rect, border_width, border_radius=radius)


def draw_button(
    surface: pygame.Surface,
    lay: Layout,
    button: Button,
    mouse: tuple[int, int] | None,
) -> None:
    hover = mouse is not None and button.rect.collidepoint(mouse)
    if button.kind == "chip":
        draw_chip(surface, lay, button, hover)
        return
    if button.enabled:
        fill = BUTTON_HOVER if hover else BUTTON
        ink = BUTTON_TEXT
    else:
        fill, ink = BUTTON_OFF, BUTTON_TEXT_OFF
    radius = button.rect.height // 3
    shadow = button.rect.move(0, lay.px(3))
    pygame.draw.rect(surface, (0, 0, 0), shadow, border_radius=radius)
    pygame.draw.rect(surface, fill, button.rect, border_radius=radius)
    room = button.rect.width - lay.px(8)
    draw_text(
        surface,
        button.label,
        fit_size(button.label, lay.px(24), room, lay.px(15)),
        ink,
        bold=True,
        center=button.rect.center,
        max_width=room,
    )


def draw_countdown(
    surface: pygame.Surface,
    lay: Layout,
    rect: pygame.Rect,
    deadline: float | None,
    model: Model,
    now: float,
    left: int,
) -> None:
    total = model.turn_timeout or float(max(left, 1))
    fraction = max(0.0, min(1.0, ((deadline or now) - now) / total))
    bar = pygame.Rect(
        rect.left + lay.px(10), rect.bottom - lay.px(12), rect.width - lay.px(20), 0
    )
    bar.height = lay.px(6)
    pygame.draw.rect(surface, (0, 0, 0), bar, border_radius=bar.height // 2)
    filled = bar.copy()
    filled.width = round(bar.width * fraction)
    colour = GOLD if left > 5 else ERROR_RED
    if filled.width > 0:
        pygame.draw.rect(surface, colour, filled, border_radius=bar.height // 2)
    draw_text(
        surface,
        f"{left} s",
        lay.px(18),
        colour,
        midbottom=(rect.centerx, bar.top - lay.px(2)),
    )


def draw_status(
    surface: pygame.Surface, lay: Layout, model: Model, now: float = 0.0
) -> None:
    pygame.draw.rect(surface, STATUS_BG, lay.status)
    text, problem = status_text(model, now)
    dot = {
        SEATED: (80, 220, 120),
        CONNECTED: GOLD,
        CONNECTING: GOLD,
        RECONNECTING: GOLD,
    }.get(model.connection, ERROR_RED)
    radius = lay.px(5)
    pygame.draw.circle(surface, dot, (lay.px(14), lay.status.centery), radius)
    draw_text(
        surface,
        text,
        lay.px(20),
        ERROR_RED if problem else DIM,
        max_width=lay.width - lay.px(40),
        midleft=(lay.px(26), lay.status.centery),
    )


def veil(
    surface: pygame.Surface, rect: pygame.Rect, radius: int, alpha: int = 140
) -> None:
    """Grey out a seat whose player left (kept on the table only to read),
    or, more lightly, one whose player is away."""
    layer = pygame.Surface(rect.size, pygame.SRCALPHA)
    pygame.draw.rect(layer, (20, 30, 25, alpha), layer.get_rect(), border_radius=radius)
    surface.blit(layer, rect)


#: How dark an away player's seat goes: dimmed, still readable.
AWAY_ALPHA = 90
