"""A casino table's own drawing: a seat's hands, bets and badges, and
the bank (balance and rules)."""

from __future__ import annotations

import pygame

from blackjack_client.model import (
    LEFT,
    PHASE_OVER,
    PLAYING,
    Model,
    Seat,
)
from blackjack_client.view.layout import (
    Button,
    Layout,
)
from blackjack_client.view.sprites import (
    card_size,
    draw_chip,
    draw_hand,
    empty_slot,
)
from blackjack_client.view.table_scene import TableScene, seat_panel
from blackjack_client.view.text import (
    badge,
    draw_text,
    fit_size,
    font,
)
from blackjack_client.view.theme import (
    DIM,
    ERROR_RED,
    FELT_EDGE,
    GOLD,
    STATE_COLOURS,
    WHITE,
)
from blackjack_client.view.widgets import (
    draw_countdown,
    panel,
)
from blackjack_client.view.words import (
    hand_badge,
    seat_label,
    seconds_left,
    signed,
)


def draw_casino_seat(
    surface: pygame.Surface,
    lay: Layout,
    rect: pygame.Rect,
    seat: Seat,
    model: Model,
    now: float,
) -> None:
    radius = lay.px(12)
    mine, inner, title = seat_panel(surface, lay, rect, seat, model, radius)
    label = seat_label(seat, model)
    if seat.balance is not None:
        long = f"{seat.balance:,} chips  ·  {label}"
        fits = font(lay.px(18)).size(long)[0] <= inner
        label = long if fits else f"{seat.balance:,} · {label}"
    line = draw_text(
        surface,
        label,
        lay.px(18),
        STATE_COLOURS.get(seat.state, WHITE),
        max_width=inner,
        midtop=(rect.centerx, title.bottom + lay.px(3)),
    )
    hands = seat.hands
    count = max(1, len(hands))
    gap = lay.px(6)
    top = line.bottom + lay.px(8)
    area_h = rect.bottom - lay.px(30) - top  # the countdown keeps the bottom
    most = max((len(hand.cards) for hand in hands), default=2)
    spread = 1.62 if most <= 2 else 1 + 0.34 * (most - 1)
    if count > 1:
        # Split hands overlap their cards more, for bigger cards.
        spread = 1 + 0.42 * (most - 1)
    # Split hands side by side, or in two rows when that shows bigger cards
    # (a narrow seat with three or four hands).
    best: tuple[int, int, float, float] | None = None
    for cols in sorted({count, (count + 1) // 2}, reverse=True):
        rows = -(-count // cols)
        column = (inner - gap * (cols - 1)) / cols
        room_w = column - (lay.px(8) if cols > 1 else 0)
        row_h = (area_h - gap * (rows - 1)) / rows
        below = max(lay.px(30), min(lay.px(46), round(row_h * 0.32)))
        width = min(
            lay.px(76), round(room_w / spread), round(max(12, row_h - below) / 1.4)
        )
        if best is None or width > best[0] + lay.px(4):
            best = (width, cols, column, room_w)
            below_h = below
    assert best is not None
    card_w, cols, column, room_w = best
    _, card_h = card_size(card_w)
    active = model.active_hand() if mine else None
    left_edge = rect.centerx - inner / 2
    if not hands and seat.bet and seat.state != LEFT:
        # The bet placed, as a chip on the felt until the cards come.
        size = min(card_w, lay.px(64))
        stake = pygame.Rect(0, 0, size, size)
        stake.center = (rect.centerx, top + card_h // 2)
        draw_chip(surface, lay, Button("bet", f"{seat.bet}", stake, True, seat.bet))
    elif not hands:
        slot = pygame.Rect(0, 0, card_w, card_h)
        slot.midtop = (rect.centerx, top)
        empty_slot(surface, slot)
    total_size = max(lay.px(14), min(lay.px(24), round(card_w * 0.42)))
    badge_size = max(lay.px(11), min(lay.px(18), round(card_w * 0.34)))
    for index, hand in enumerate(hands):
        row, col = divmod(index, cols)
        cx = round(left_edge + (column + gap) * col + column / 2)
        hand_top = top + (card_h + below_h + gap) * row
        if index == active:
            # The hand the keys act on: a gold frame round it.
            frame = pygame.Rect(0, 0, round(column), card_h + below_h)
            frame.midtop = (cx, hand_top - lay.px(4))
            panel(surface, frame, (246, 205, 88, 40), lay.px(8), GOLD, lay.px(2))
        hand_rect = draw_hand(
            surface, hand, card_w, (cx, hand_top + card_h // 2), round(room_w)
        )
        total = draw_text(
            surface,
            f"{hand.points}",
            total_size,
            ERROR_RED if hand.points > 21 else WHITE,
            bold=True,
            midtop=(cx, hand_rect.bottom + lay.px(2)),
        )
        text, fill, ink = hand_badge(hand)
        room = round(column) - lay.px(6)
        if text.startswith("bet ") and font(badge_size, True).size(text)[0] > room:
            text = text[4:]  # the amount alone, in a narrow column
        size = fit_size(text, badge_size, room, lay.px(9))
        if fill == FELT_EDGE:
            draw_text(
                surface, text, size, ink, bold=True, midtop=(cx, total.bottom + 1)
            )
        else:
            badge(surface, text, size, fill, ink, midtop=(cx, total.bottom + 1))
    if seat.state == LEFT:
        veil = pygame.Surface(rect.size, pygame.SRCALPHA)
        pygame.draw.rect(veil, (20, 30, 25, 140), veil.get_rect(), border_radius=radius)
        surface.blit(veil, rect)
        return
    deadlines = [
        hand.deadline
        for hand in hands
        if hand.deadline is not None and hand.status == PLAYING
    ]
    if deadlines:
        deadline = min(deadlines)
        left = seconds_left(deadline, now)
        if left is not None:
            draw_countdown(surface, lay, rect, deadline, model, now, left)


def draw_bank(surface: pygame.Surface, lay: Layout, model: Model) -> None:
    """The player's chips at the top left; the table's rules at the top right."""
    area = lay.dealer
    balance = model.balance
    x = lay.px(16)
    label = draw_text(
        surface,
        "BALANCE",
        lay.px(18),
        DIM,
        bold=True,
        topleft=(x, area.top + lay.px(4)),
    )
    amount = "—" if balance is None else f"{balance:,}"
    big = draw_text(
        surface, amount, lay.px(40), GOLD, bold=True, topleft=(x, label.bottom + 2)
    )
    me = model.me
    stake = sum(hand.bet for hand in me.hands) if me is not None else 0
    if me is not None and not stake and me.bet:
        stake = me.bet
    note = ""
    if stake and model.phase != PHASE_OVER:
        note = f"on the table: {stake}"
    elif model.net is not None and model.phase == PHASE_OVER:
        note = f"this round: {signed(model.net)}"
    if note:
        draw_text(surface, note, lay.px(18), WHITE, topleft=(x, big.bottom + 2))
    rules = model.rules
    lines = [
        f"Bets {rules.min_bet} to {rules.max_bet}",
        f"Blackjack pays {rules.blackjack_pays}",
        f"Dealer {'hits' if rules.h17 else 'stands on'} soft 17",
    ]
    extras = []
    if rules.das:
        extras.append("double after split")
    if rules.surrender:
        extras.append("surrender")
    if extras:
        lines.append(", ".join(extras).capitalize())
    y = area.top + lay.px(6)
    for text in lines:
        y = draw_text(
            surface,
            text,
            lay.px(18),
            DIM,
            topright=(lay.width - lay.px(16), y),
        ).bottom + lay.px(2)


class CasinoScene(TableScene):
    """A casino table: each seat's hands with their bets and outcomes, and
    the player's bank at the top."""

    def draw_seat(
        self, surface: pygame.Surface, lay: Layout, rect: pygame.Rect, seat: Seat
    ) -> None:
        draw_casino_seat(surface, lay, rect, seat, self.model, self.now)

    def draw_extras(self, surface: pygame.Surface, lay: Layout) -> None:
        draw_bank(surface, lay, self.model)
