"""The table scenes: each kind of table draws itself."""

from __future__ import annotations

import pygame

from blackjack_client.model import (
    LEFT,
    PLAYING,
    SEATED,
    STOOD,
    Model,
    Seat,
)
from blackjack_client.view.layout import (
    Button,
    Layout,
    buttons,
    layout,
    seat_rects,
    seat_slots,
    seat_weights,
)
from blackjack_client.view.sprites import (
    card_size,
    draw_hand,
    empty_slot,
)
from blackjack_client.view.text import (
    badge,
    draw_text,
    fit_size,
)
from blackjack_client.view.theme import (
    DIM,
    ERROR_RED,
    FELT,
    FELT_EDGE,
    GOLD,
    INK,
    MUTED,
    PANEL,
    PANEL_MINE,
    RAIL,
    RESULT_COLOURS,
    STATE_COLOURS,
    WHITE,
)
from blackjack_client.view.widgets import (
    AWAY_ALPHA,
    draw_button,
    draw_countdown,
    draw_status,
    panel,
    veil,
)
from blackjack_client.view.words import (
    banner_text,
    seconds_left,
)


class TableScene:
    """One frame of a table for ``model`` at ``now``: the felt, the dealer,
    the banner, the seats, the buttons and the status line. Each kind of
    table draws its seats (and anything else of its own) itself."""

    def __init__(self, model: Model, now: float) -> None:
        self.model = model
        self.now = now

    def draw(
        self, surface: pygame.Surface, mouse: tuple[int, int] | None = None
    ) -> list[Button]:
        """Draw the whole table; return the buttons, as drawn."""
        model = self.model
        size = surface.get_size()
        lay = layout(size)
        draw_felt(surface, lay)
        draw_dealer(surface, lay, model)
        text, colour = banner_text(model, self.now)
        if text:
            room = lay.width - lay.px(20)
            draw_text(
                surface,
                text,
                fit_size(text, lay.px(30), room, lay.px(20)),
                colour,
                bold=True,
                center=lay.banner.center,
                max_width=room,
            )
        slots = seat_slots(model)
        weights = seat_weights(model, slots)
        rects = seat_rects(lay.seats, len(slots), lay.scale, weights)
        for seat, rect in zip(slots, rects, strict=True):
            if seat is None:
                draw_empty_seat(surface, lay, rect)
            else:
                self.draw_seat(surface, lay, rect, seat)
        self.draw_extras(surface, lay)
        shown = buttons(model, size)
        for button in shown:
            draw_button(surface, lay, button, mouse)
        # Q above Y at the left of the rail, clear of the buttons.
        draw_text(
            surface,
            "Q quits",
            lay.px(18),
            DIM,
            bottomleft=(lay.px(16), lay.controls.centery),
        )
        draw_text(
            surface,
            "Y history",
            lay.px(18),
            DIM,
            topleft=(lay.px(16), lay.controls.centery + lay.px(2)),
        )
        draw_status(surface, lay, model, self.now)
        return shown

    def draw_seat(
        self, surface: pygame.Surface, lay: Layout, rect: pygame.Rect, seat: Seat
    ) -> None:
        """Draw one player's seat in ``rect``."""
        raise NotImplementedError

    def draw_extras(self, surface: pygame.Surface, lay: Layout) -> None:
        """Draw what only this kind of table shows (nothing, by default)."""


class ClassicScene(TableScene):
    """A classic table: one hand a seat, its state and its result."""

    def draw_seat(
        self, surface: pygame.Surface, lay: Layout, rect: pygame.Rect, seat: Seat
    ) -> None:
        model, now = self.model, self.now
        radius = lay.px(12)
        _, inner, title = seat_panel(surface, lay, rect, seat, model, radius)
        state = seat.state
        if state == STOOD and seat.reason in ("timeout", "21"):
            state_label = "stood (time)" if seat.reason == "timeout" else "stood on 21"
        else:
            state_label = state
        if seat.away and state != LEFT:
            state_label = f"away  ·  {state_label}"
        state_rect = draw_text(
            surface,
            state_label,
            lay.px(18),
            STATE_COLOURS.get(state, WHITE),
            max_width=inner,
            midtop=(rect.centerx, title.bottom + lay.px(3)),
        )
        # The cards get what's left between the labels and the total.
        bottom_room = lay.px(40)
        room_h = rect.bottom - bottom_room - state_rect.bottom - lay.px(8)
        count = len(seat.hand.cards)
        # Two cards side by side; more cards overlap and, past that, shrink.
        spread = 1.62 if count <= 2 else 1 + 0.34 * (count - 1)
        card_w = min(lay.px(76), round(inner / spread), round(max(12, room_h) / 1.4))
        _, card_h = card_size(card_w)
        center = (rect.centerx, state_rect.bottom + lay.px(6) + card_h // 2)
        hand_rect = draw_hand(surface, seat.hand, card_w, center, inner)
        if seat.state == LEFT:
            veil(surface, rect, radius)
        elif seat.away:
            veil(surface, rect, radius, AWAY_ALPHA)
        below = hand_rect.bottom + lay.px(4)
        if seat.hand.cards:
            total_colour = ERROR_RED if seat.hand.points > 21 else WHITE
            below = draw_text(
                surface,
                f"{seat.hand.points}",
                lay.px(28),
                total_colour,
                bold=True,
                midtop=(rect.centerx, below),
            ).bottom
        if seat.result:
            badge(
                surface,
                seat.result.upper(),
                lay.px(26),
                RESULT_COLOURS.get(seat.result, (90, 90, 90)),
                midtop=(rect.centerx, below + lay.px(4)),
            )
        left = seconds_left(seat.deadline, now)
        if left is not None and seat.state == PLAYING:
            draw_countdown(surface, lay, rect, seat.deadline, model, now, left)


def draw_empty_seat(surface: pygame.Surface, lay: Layout, rect: pygame.Rect) -> None:
    """A seat no one sits in: an outline."""
    radius = lay.px(12)
    pygame.draw.rect(surface, MUTED, rect, 1, border_radius=radius)
    draw_text(surface, "empty seat", lay.px(18), MUTED, center=rect.center)


def draw_felt(surface: pygame.Surface, lay: Layout, rail: bool = True) -> None:
    surface.fill(FELT)
    # The printed line of a real table: a wide curve under the dealer.
    curve = pygame.Rect(0, 0, round(lay.width * 1.25), lay.dealer.bottom * 2)
    curve.midbottom = (lay.width // 2, lay.dealer.bottom)
    pygame.draw.ellipse(surface, GOLD, curve, max(1, lay.px(2)))
    if rail:
        pygame.draw.rect(surface, FELT_EDGE, lay.controls)
        edge = lay.controls.copy()
        edge.height = lay.px(5)
        pygame.draw.rect(surface, RAIL, edge)


def draw_dealer(surface: pygame.Surface, lay: Layout, model: Model) -> None:
    area = lay.dealer
    title = draw_text(
        surface,
        "DEALER",
        lay.px(26),
        GOLD,
        bold=True,
        midtop=(area.centerx, area.top + lay.px(4)),
    )
    card_w = lay.px(74)
    _, card_h = card_size(card_w)
    center = (area.centerx, title.bottom + lay.px(10) + card_h // 2)
    if model.dealer.cards:
        hand_rect = draw_hand(
            surface,
            model.dealer,
            card_w,
            center,
            area.width - lay.px(200),
            face_down=1 if model.casino and model.dealer_hole else 0,
        )
        badge(
            surface,
            str(model.dealer.points),
            lay.px(34),
            INK,
            midleft=(hand_rect.right + lay.px(14), hand_rect.centery),
        )
        if model.dealer.points > 21:
            badge(
                surface,
                "BUST",
                lay.px(22),
                RESULT_COLOURS["lose"],
                midright=(hand_rect.left - lay.px(12), hand_rect.centery),
            )
    else:
        rect = pygame.Rect(0, 0, card_w, card_h)
        rect.center = center
        empty_slot(surface, rect)
        if model.connection == SEATED and not model.casino:
            draw_text(
                surface,
                "draws when every hand is done",
                lay.px(20),
                DIM,
                midleft=(rect.right + lay.px(14), rect.centery),
            )


def seat_panel(
    surface: pygame.Surface,
    lay: Layout,
    rect: pygame.Rect,
    seat: Seat,
    model: Model,
    radius: int,
) -> tuple[bool, int, pygame.Rect]:
    """A seat's panel and name, gold for the player's own: whether it is
    theirs, the width inside it, and where the name went."""
    mine = seat.player_id == model.my_id
    if mine:
        panel(surface, rect, PANEL_MINE, radius, GOLD, lay.px(3))
    else:
        panel(surface, rect, PANEL, radius)
    inner = rect.width - lay.px(12)
    title = draw_text(
        surface,
        f"{seat.name} (you)" if mine else seat.name,
        lay.px(22),
        GOLD if mine else WHITE,
        bold=True,
        max_width=inner,
        midtop=(rect.centerx, rect.top + lay.px(8)),
    )
    return mine, inner, title
