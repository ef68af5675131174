"""Colours and sizes: the look of the table in one place."""

from __future__ import annotations

from blackjack_client.model import (
    BUST,
    LEFT,
    PLAYING,
    STOOD,
    WAITING,
)

BASE_SIZE = (800, 600)


FELT = (16, 102, 62)


FELT_EDGE = (10, 74, 45)


RAIL = (92, 54, 28)


WHITE = (250, 250, 247)


INK = (24, 24, 28)


CARD_RED = (200, 28, 44)


CARD_EDGE = (150, 150, 150)


GOLD = (246, 205, 88)


DIM = (190, 215, 200)


MUTED = (120, 150, 135)


PANEL = (0, 0, 0, 80)


PANEL_MINE = (40, 30, 0, 110)


STATUS_BG = (18, 22, 20)


ERROR_RED = (255, 120, 110)


BUTTON = (236, 186, 60)


BUTTON_HOVER = (252, 214, 110)


BUTTON_OFF = (86, 98, 92)


BUTTON_TEXT = (30, 24, 10)


BUTTON_TEXT_OFF = (150, 160, 155)


RESULT_COLOURS = {
    "win": (46, 180, 90),
    "lose": (200, 50, 50),
    "push": (120, 120, 130),
}


STATE_COLOURS = {
    PLAYING: (150, 230, 255),
    STOOD: (230, 230, 230),
    BUST: (255, 120, 110),
    LEFT: (150, 150, 150),
    WAITING: (200, 200, 160),
}


RANK_TEXT = {"T": "10"}


RED_SUITS = frozenset("HD")


BACK = (150, 28, 40)


BACK_LINE = (196, 70, 80)


CHIP_COLOURS = {
    1: (225, 225, 220),
    5: (200, 40, 50),
    10: (40, 90, 200),
    25: (30, 150, 70),
    50: (230, 120, 30),
    100: (30, 30, 34),
    500: (120, 50, 160),
    1000: (230, 190, 50),
    5000: (130, 80, 40),
}
