"""The start screen: the server, name and password fields and Connect."""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from blackjack_client.view.layout import (
    layout,
    start_button,
    start_fields,
)
from blackjack_client.view.sprites import (
    card_image,
)
from blackjack_client.view.table_scene import (
    draw_felt,
)
from blackjack_client.view.text import (
    draw_text,
    font,
)
from blackjack_client.view.theme import (
    CARD_EDGE,
    DIM,
    ERROR_RED,
    GOLD,
    INK,
    WHITE,
)
from blackjack_client.view.widgets import (
    draw_button,
)

#: What a password field shows for each character typed.
MASK = "*"


@dataclass(frozen=True)
class StartForm:
    """What the start screen shows: the three fields and which has the
    focus. The password is optional: left empty, the player is a guest."""

    server: str
    name: str
    password: str = field(default="", repr=False)
    focus: int = 1  # 0: server, 1: name, 2: password
    message: str = ""


def draw_start(
    surface: pygame.Surface,
    form: StartForm,
    now: float = 0.0,
    mouse: tuple[int, int] | None = None,
) -> list[pygame.Rect]:
    """Draw the start screen; return the field rectangles (server, name)."""
    lay = layout(surface.get_size())
    draw_felt(surface, lay, rail=False)
    draw_text(
        surface,
        "blackjackd",
        lay.px(64),
        GOLD,
        bold=True,
        center=(lay.width // 2, round(lay.height * 0.16)),
    )
    for index, card in enumerate(("AS", "KH")):
        image = card_image(card, lay.px(54))
        surface.blit(
            image,
            image.get_rect(
                center=(
                    lay.width // 2 - lay.px(30) + index * lay.px(60),
                    round(lay.height * 0.28),
                )
            ),
        )
    fields = start_fields(surface.get_size())
    blink = int(now * 2) % 2 == 0
    for index, (label, value, rect) in enumerate(
        (
            ("Server", form.server, fields[0]),
            ("Your name", form.name, fields[1]),
            ("Password (optional: none plays as a guest)", form.password, fields[2]),
        )
    ):
        if index == 2:
            value = MASK * len(value)
        focused = index == form.focus
        draw_text(
            surface,
            label,
            lay.px(22),
            WHITE,
            bold=True,
            max_width=rect.width,
            bottomleft=(rect.left, rect.top - lay.px(4)),
        )
        pygame.draw.rect(surface, WHITE, rect, border_radius=lay.px(6))
        pygame.draw.rect(
            surface,
            GOLD if focused else CARD_EDGE,
            rect,
            lay.px(3) if focused else 1,
            border_radius=lay.px(6),
        )
        shown = value + ("|" if focused and blink else "")
        face = font(lay.px(26))
        # Long text scrolls: show its end, where the typing happens.
        while shown and face.size(shown)[0] > rect.width - lay.px(20):
            shown = shown[1:]
        draw_text(
            surface,
            shown,
            lay.px(26),
            INK,
            midleft=(rect.left + lay.px(10), rect.centery),
        )
    connect = start_button(surface.get_size())
    draw_button(surface, lay, connect, mouse)
    hint = draw_text(
        surface,
        "Enter: connect    Tab: next field    Esc: quit",
        lay.px(20),
        DIM,
        midtop=(lay.width // 2, connect.rect.bottom + lay.px(16)),
    )
    if form.message:
        draw_text(
            surface,
            form.message,
            lay.px(22),
            ERROR_RED,
            max_width=lay.width - lay.px(40),
            midtop=(lay.width // 2, hint.bottom + lay.px(12)),
        )
    return list(fields)
