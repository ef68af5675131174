"""Cards and chips, drawn from shapes (no image files) and cached by size."""

from __future__ import annotations

import math
from functools import lru_cache

import pygame

from blackjack_client.model import (
    Hand,
)
from blackjack_client.view.layout import (
    Button,
    Layout,
)
from blackjack_client.view.text import (
    draw_text,
    fit_size,
    font,
)
from blackjack_client.view.theme import (
    BACK,
    BACK_LINE,
    BUTTON_OFF,
    BUTTON_TEXT_OFF,
    CARD_EDGE,
    CARD_RED,
    CHIP_COLOURS,
    GOLD,
    INK,
    MUTED,
    RANK_TEXT,
    RED_SUITS,
    WHITE,
)

SUPERSAMPLE = 4


@lru_cache(maxsize=256)
def suit_image(suit: str, size: int) -> pygame.Surface:
    """A suit symbol ``size`` pixels high, drawn large and scaled down so its
    edges are smooth (pygame's filled shapes have no antialiasing)."""
    size = max(4, size)
    big = size * SUPERSAMPLE
    colour = CARD_RED if suit in RED_SUITS else INK
    layer = pygame.Surface((big, big), pygame.SRCALPHA)
    c = big / 2
    r = big * 0.25
    if suit == "D":
        pygame.draw.polygon(
            layer, colour, [(c, 0), (big * 0.86, c), (c, big), (big * 0.14, c)]
        )
    elif suit == "H":
        pygame.draw.circle(layer, colour, (c - r * 0.95, big * 0.32), r)
        pygame.draw.circle(layer, colour, (c + r * 0.95, big * 0.32), r)
        pygame.draw.polygon(
            layer,
            colour,
            [(c - r * 1.93, big * 0.40), (c + r * 1.93, big * 0.40), (c, big * 0.97)],
        )
    elif suit == "S":
        pygame.draw.circle(layer, colour, (c - r * 0.95, big * 0.58), r)
        pygame.draw.circle(layer, colour, (c + r * 0.95, big * 0.58), r)
        pygame.draw.polygon(
            layer,
            colour,
            [(c - r * 1.93, big * 0.50), (c + r * 1.93, big * 0.50), (c, big * 0.02)],
        )
        pygame.draw.polygon(layer, colour, [(c, big * 0.6), (c - r, big), (c + r, big)])
    else:  # clubs, and anything unknown
        small = r * 0.92
        pygame.draw.circle(layer, colour, (c, big * 0.27), small)
        pygame.draw.circle(layer, colour, (c - r * 1.05, big * 0.58), small)
        pygame.draw.circle(layer, colour, (c + r * 1.05, big * 0.58), small)
        pygame.draw.rect(layer, colour, (c - r * 0.5, big * 0.4, r, r * 0.7))
        pygame.draw.polygon(
            layer, colour, [(c, big * 0.5), (c - r * 0.9, big), (c + r * 0.9, big)]
        )
    return pygame.transform.smoothscale(layer, (size, size))


@lru_cache(maxsize=512)
def card_image(card: str, width: int) -> pygame.Surface:
    """A card face: a white rounded rectangle with the rank and the suit."""
    width = max(12, width)
    height = round(width * 1.4)
    rank, suit = (card[:-1], card[-1:]) if len(card) >= 2 else (card, "?")
    rank = RANK_TEXT.get(rank, rank)
    colour = CARD_RED if suit in RED_SUITS else INK
    image = pygame.Surface((width, height), pygame.SRCALPHA)
    radius = max(3, width // 9)
    shadow = pygame.Rect(0, 0, width, height)
    pygame.draw.rect(image, (0, 0, 0, 70), shadow, border_radius=radius)
    face = pygame.Rect(0, 0, width - 2, height - 2)
    pygame.draw.rect(image, WHITE, face, border_radius=radius)
    pygame.draw.rect(image, CARD_EDGE, face, 1, border_radius=radius)
    corner = max(10, round(width * 0.36))
    label = font(corner, bold=True).render(rank, True, colour)
    image.blit(
        label, label.get_rect(topleft=(round(width * 0.09), round(width * 0.07)))
    )
    pip = suit_image(suit, max(6, round(width * 0.22)))
    image.blit(
        pip,
        pip.get_rect(
            centerx=round(width * 0.09) + label.get_width() // 2,
            top=round(width * 0.07) + label.get_height(),
        ),
    )
    big = suit_image(suit, round(width * 0.5))
    image.blit(big, big.get_rect(center=(width * 0.56, height * 0.6)))
    return image


@lru_cache(maxsize=64)
def card_back(width: int) -> pygame.Surface:
    """A face-down card: a white border round a red lattice."""
    width = max(12, width)
    height = round(width * 1.4)
    image = pygame.Surface((width, height), pygame.SRCALPHA)
    radius = max(3, width // 9)
    pygame.draw.rect(image, (0, 0, 0, 70), (0, 0, width, height), border_radius=radius)
    face = pygame.Rect(0, 0, width - 2, height - 2)
    pygame.draw.rect(image, WHITE, face, border_radius=radius)
    pygame.draw.rect(image, CARD_EDGE, face, 1, border_radius=radius)
    inner = face.inflate(-max(4, width // 7), -max(4, width // 7))
    lattice = pygame.Surface(inner.size, pygame.SRCALPHA)
    pygame.draw.rect(
        lattice, BACK, lattice.get_rect(), border_radius=max(2, radius - 2)
    )
    step = max(4, width // 6)
    for offset in range(-inner.height, inner.width + inner.height, step):
        pygame.draw.line(
            lattice, BACK_LINE, (offset, 0), (offset + inner.height, inner.height)
        )
        pygame.draw.line(
            lattice, BACK_LINE, (offset, inner.height), (offset + inner.height, 0)
        )
    # Keep the lattice inside the rounded corners.
    mask = pygame.Surface(inner.size, pygame.SRCALPHA)
    pygame.draw.rect(
        mask, (255, 255, 255, 255), mask.get_rect(), border_radius=max(2, radius - 2)
    )
    lattice.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MIN)
    image.blit(lattice, inner)
    return image


def card_size(width: int) -> tuple[int, int]:
    """The size of a card drawn ``width`` pixels wide."""
    width = max(12, width)
    return width, round(width * 1.4)


def empty_slot(surface: pygame.Surface, rect: pygame.Rect) -> None:
    pygame.draw.rect(surface, MUTED, rect, 2, border_radius=max(3, rect.width // 9))


def draw_hand(
    surface: pygame.Surface,
    hand: Hand,
    card_width: int,
    center: tuple[int, int],
    max_width: int | None = None,
    face_down: int = 0,
) -> pygame.Rect:
    """Draw ``hand`` fanned out, centred on ``center`` and no wider than
    ``max_width``, followed by ``face_down`` card backs; an empty hand is
    drawn as an outline."""
    width, height = card_size(card_width)
    cards = list(hand.cards) + [""] * face_down
    count = len(cards)
    if count == 0:
        rect = pygame.Rect(0, 0, width, height)
        rect.center = center
        empty_slot(surface, rect)
        return rect
    # Cards overlap more as the hand grows, so it keeps within its room
    # while the rank in each card's corner stays visible.
    step = round(width * 0.62)
    if max_width is not None and count > 1:
        step = min(step, (max_width - width) // (count - 1))
    step = max(round(width * 0.28), step)
    total = width + step * (count - 1)
    left = center[0] - total // 2
    top = center[1] - height // 2
    for index, card in enumerate(cards):
        image = card_image(card, width) if card else card_back(width)
        surface.blit(image, (left + index * step, top))
    return pygame.Rect(left, top, total, height)


def chip_colour(amount: int) -> tuple[int, int, int]:
    """A chip's colour: that of the largest denomination it reaches."""
    colour = CHIP_COLOURS[1]
    for value in sorted(CHIP_COLOURS):
        if amount >= value:
            colour = CHIP_COLOURS[value]
    return colour


def draw_chip(
    surface: pygame.Surface, lay: Layout, button: Button, hover: bool = False
) -> None:
    rect = button.rect
    colour = chip_colour(button.amount or 0)
    if not button.enabled:
        colour = tuple(
            (c + 2 * o) // 3 for c, o in zip(colour, BUTTON_OFF, strict=True)
        )  # type: ignore[assignment]
    r = rect.width // 2
    center = rect.center
    pygame.draw.circle(surface, (0, 0, 0), (center[0], center[1] + lay.px(3)), r)
    pygame.draw.circle(surface, colour, center, r)
    # The edge spots of a casino chip.
    spot = WHITE if button.enabled else BUTTON_TEXT_OFF
    for step in range(8):
        angle = step * math.pi / 4
        x = center[0] + math.cos(angle) * r * 0.82
        y = center[1] + math.sin(angle) * r * 0.82
        pygame.draw.circle(surface, spot, (round(x), round(y)), max(1, r // 7))
    pygame.draw.circle(surface, spot, center, round(r * 0.62), max(1, lay.px(2)))
    if hover and button.enabled:
        pygame.draw.circle(surface, GOLD, center, r, max(1, lay.px(3)))
    light = sum(colour) > 600
    ink = INK if light else WHITE
    if not button.enabled:
        ink = BUTTON_TEXT_OFF
    amount, _, key = button.label.partition("  ")
    size = fit_size(amount, round(r * 0.8), round(r * 1.1), 8)
    shown = draw_text(
        surface, amount, size, ink, bold=True, center=(center[0], center[1] - r // 8)
    )
    if key:
        draw_text(
            surface,
            key,
            max(8, round(r * 0.45)),
            ink,
            midtop=(center[0], shown.bottom - 2),
        )
