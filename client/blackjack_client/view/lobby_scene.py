"""The lobby: the server's tables, one a row, to sit at or to watch."""

from __future__ import annotations

import pygame

from blackjack_client.model import ANY_TABLE, Lobby, is_full
from blackjack_client.view.layout import Button, layout, lobby_buttons, lobby_rows
from blackjack_client.view.table_scene import draw_felt
from blackjack_client.view.text import draw_text
from blackjack_client.view.theme import (
    DIM,
    ERROR_RED,
    GOLD,
    MUTED,
    WHITE,
)
from blackjack_client.view.widgets import draw_button, panel
from blackjack_client.view.words import table_line

ROW = (9, 66, 40, 255)
ROW_CHOSEN = (40, 52, 22, 255)
ANY_LINE = "Any free seat  ·  the server chooses the table"
HINT = "Up/Down: choose   Enter: sit down   W: watch   R: refresh   Esc: quit"


def draw_lobby(
    surface: pygame.Surface,
    lobby: Lobby,
    now: float = 0.0,
    mouse: tuple[int, int] | None = None,
) -> list[Button]:
    """Draw the lobby; return its buttons, as drawn."""
    lay = layout(surface.get_size())
    draw_felt(surface, lay, rail=False)
    draw_text(
        surface,
        "Choose a table",
        lay.px(40),
        GOLD,
        bold=True,
        center=(lay.width // 2, round(lay.height * 0.09)),
    )
    for row, rect in lobby_rows(surface.get_size(), lobby):
        chosen = row == lobby.selected
        hover = mouse is not None and rect.collidepoint(mouse)
        # Opaque rows: the felt's lines don't run through the words.
        panel(
            surface,
            rect,
            ROW_CHOSEN if chosen or hover else ROW,
            lay.px(8),
            GOLD if chosen else None,
            lay.px(2),
        )
        table = None if row == ANY_TABLE else lobby.tables[row - 1]
        full = table is not None and is_full(table)
        draw_text(
            surface,
            ANY_LINE if table is None else table_line(table),
            lay.px(20),
            MUTED if full else WHITE,
            bold=chosen,
            max_width=rect.width - lay.px(24),
            midleft=(rect.left + lay.px(12), rect.centery),
        )
    shown = lobby_buttons(surface.get_size(), lobby)
    for button in shown:
        draw_button(surface, lay, button, mouse)
    below = shown[0].rect.bottom + lay.px(14)
    note, colour = _note(lobby, now)
    if note:
        below = draw_text(
            surface,
            note,
            lay.px(20),
            colour,
            max_width=lay.width - lay.px(40),
            midtop=(lay.width // 2, below),
        ).bottom + lay.px(6)
    draw_text(surface, HINT, lay.px(18), DIM, midtop=(lay.width // 2, below))
    return shown


def _note(lobby: Lobby, now: float) -> tuple[str, tuple[int, int, int]]:
    if lobby.message:
        return lobby.message, ERROR_RED
    if lobby.loading:
        return "Asking the server for its tables" + "." * (int(now * 2) % 4), DIM
    if lobby.problem:
        return f"{lobby.problem}; any free seat still works", ERROR_RED
    if not lobby.tables:
        return "The server lists no tables", DIM
    return "", DIM
