"""Draw the model onto any ``pygame.Surface``.

Everything is drawn from pygame's own font and shapes: no files to ship or
download. The layout follows the surface's size (800x600 and up, and it
stays readable below that). Nothing here changes the model; ``draw`` returns
the buttons it drew, with their rectangles and whether they are enabled, so
the app can hit-test clicks against exactly what the player sees.

The modules: ``theme`` (colours), ``text`` (fonts), ``sprites`` (cards and
chips), ``layout`` (positions and the buttons' hit targets), ``words``
(what the status line, banner and badges say), ``widgets`` (panels,
buttons, countdowns, the status line), and the scenes that draw themselves:
``table_scene`` (``ClassicScene``), ``casino_scene`` and ``start_scene``,
chosen by ``scenes``, ``history_scene``, the overlay of the last rounds,
and ``lobby_scene``, the tables to choose from.
"""

from blackjack_client.view.history_scene import draw_history
from blackjack_client.view.layout import (
    Button,
    Layout,
    buttons,
    casino_buttons,
    layout,
    lobby_buttons,
    lobby_rows,
    seat_rects,
    seat_slots,
    seat_weights,
    start_button,
    start_fields,
    watch_buttons,
)
from blackjack_client.view.lobby_scene import draw_lobby
from blackjack_client.view.scenes import draw, scene_for
from blackjack_client.view.sprites import card_back, card_image, card_size, draw_hand
from blackjack_client.view.start_scene import StartForm, draw_start
from blackjack_client.view.theme import BACK, BASE_SIZE, CARD_RED, GOLD, WHITE
from blackjack_client.view.words import (
    banner_text,
    casino_banner_text,
    history_line,
    history_lines,
    seconds_left,
    signed,
    status_text,
    table_line,
)

__all__ = [
    "BACK",
    "BASE_SIZE",
    "CARD_RED",
    "GOLD",
    "WHITE",
    "Button",
    "Layout",
    "StartForm",
    "banner_text",
    "buttons",
    "card_back",
    "card_image",
    "card_size",
    "casino_banner_text",
    "casino_buttons",
    "draw",
    "draw_hand",
    "draw_history",
    "draw_lobby",
    "draw_start",
    "history_line",
    "history_lines",
    "layout",
    "lobby_buttons",
    "lobby_rows",
    "scene_for",
    "seat_rects",
    "seat_slots",
    "seat_weights",
    "seconds_left",
    "signed",
    "start_button",
    "start_fields",
    "status_text",
    "table_line",
    "watch_buttons",
]
