"""A casino table's own drawing: a seat's hands, bets and badges, and
the bank (balance and rules)."""

from __future__ import annotations

from typing import NamedTuple

import pygame

from blackjack_client.model import (
    LEFT,
    PHASE_OVER,
    PLAYING,
    Hand,
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
from blackjack_client.view.widgets import AWAY_ALPHA, draw_countdown, panel, veil
from blackjack_client.view.words import (
    hand_badge,
    rules_lines,
    seat_label,
    seconds_left,
    signed,
)


class HandGrid(NamedTuple):
    """How a seat's hands are laid out: the card width, the columns (two
    rows when that shows bigger cards), each column's width and the room a
    hand's cards may take, and the height under the cards for the total and
    the badge."""

    card_width: int
    columns: int
    column: float
    room: float
    below: int


def hand_grid(
    lay: Layout, hands: tuple[Hand, ...], inner: int, height: int
) -> HandGrid:
    """The grid that shows ``hands`` biggest in ``inner`` x ``height``."""
    count = max(1, len(hands))
    gap = lay.px(6)
    most = max((len(hand.cards) for hand in hands), default=2)
    spread = 1.62 if most <= 2 else 1 + 0.34 * (most - 1)
    if count > 1:
        # Split hands overlap their cards more, for bigger cards.
        spread = 1 + 0.42 * (most - 1)
    best: HandGrid | None = None
    for cols in sorted({count, (count + 1) // 2}, reverse=True):
        rows = -(-count // cols)
        column = (inner - gap * (cols - 1)) / cols
        room_w = column - (lay.px(8) if cols > 1 else 0)
        row_h = (height - gap * (rows - 1)) / rows
        below = max(lay.px(30), min(lay.px(46), round(row_h * 0.32)))
        width = min(
            lay.px(76), round(room_w / spread), round(max(12, row_h - below) / 1.4)
        )
        if best is None or width > best.card_width + lay.px(4):
            best = HandGrid(width, cols, column, room_w, below)
    assert best is not None
    return best


class CasinoScene(TableScene):
    """A casino table: each seat's hands with their bets and outcomes, and
    the player's bank at the top."""

    def draw_seat(
        self, surface: pygame.Surface, lay: Layout, rect: pygame.Rect, seat: Seat
    ) -> None:
        model = self.model
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
        top = line.bottom + lay.px(8)
        # The countdown keeps the bottom of the panel.
        grid = hand_grid(lay, seat.hands, inner, rect.bottom - lay.px(30) - top)
        _, card_h = card_size(grid.card_width)
        if not seat.hands and seat.bet and seat.state != LEFT:
            # The bet placed, as a chip on the felt until the cards come.
            size = min(grid.card_width, lay.px(64))
            stake = pygame.Rect(0, 0, size, size)
            stake.center = (rect.centerx, top + card_h // 2)
            chip = Button("bet", f"{seat.bet}", stake, True, seat.bet)
            draw_chip(surface, lay, chip)
        elif not seat.hands:
            slot = pygame.Rect(0, 0, grid.card_width, card_h)
            slot.midtop = (rect.centerx, top)
            empty_slot(surface, slot)
        active = model.active_hand() if mine else None
        left_edge = rect.centerx - inner / 2
        gap = lay.px(6)
        for index, hand in enumerate(seat.hands):
            row, col = divmod(index, grid.columns)
            where = (
                round(left_edge + (grid.column + gap) * col + grid.column / 2),
                top + (card_h + grid.below + gap) * row,
            )
            self._draw_hand(surface, lay, grid, hand, where, index == active)
        if seat.state == LEFT:
            veil(surface, rect, radius)
            return
        if seat.away:
            veil(surface, rect, radius, AWAY_ALPHA)
        deadlines = [
            hand.deadline
            for hand in seat.hands
            if hand.deadline is not None and hand.status == PLAYING
        ]
        if deadlines:
            deadline = min(deadlines)
            left = seconds_left(deadline, self.now)
            if left is not None:
                draw_countdown(surface, lay, rect, deadline, model, self.now, left)

    def _draw_hand(
        self,
        surface: pygame.Surface,
        lay: Layout,
        grid: HandGrid,
        hand: Hand,
        midtop: tuple[int, int],
        active: bool,
    ) -> None:
        """One hand of a seat: cards, total and badge below ``midtop``."""
        cx, hand_top = midtop
        card_w = grid.card_width
        _, card_h = card_size(card_w)
        if active:
            # The hand the keys act on: a gold frame round it.
            frame = pygame.Rect(0, 0, round(grid.column), card_h + grid.below)
            frame.midtop = (cx, hand_top - lay.px(4))
            panel(surface, frame, (246, 205, 88, 40), lay.px(8), GOLD, lay.px(2))
        hand_rect = draw_hand(
            surface, hand, card_w, (cx, hand_top + card_h // 2), round(grid.room)
        )
        total = draw_text(
            surface,
            f"{hand.points}",
            max(lay.px(14), min(lay.px(24), round(card_w * 0.42))),
            ERROR_RED if hand.points > 21 else WHITE,
            bold=True,
            midtop=(cx, hand_rect.bottom + lay.px(2)),
        )
        badge_size = max(lay.px(11), min(lay.px(18), round(card_w * 0.34)))
        text, fill, ink = hand_badge(hand)
        room = round(grid.column) - lay.px(6)
        if text.startswith("bet ") and font(badge_size, True).size(text)[0] > room:
            text = text[4:]  # the amount alone, in a narrow column
        size = fit_size(text, badge_size, room, lay.px(9))
        under = (cx, total.bottom + 1)
        if fill == FELT_EDGE:
            draw_text(surface, text, size, ink, bold=True, midtop=under)
        else:
            badge(surface, text, size, fill, ink, midtop=under)

    def draw_extras(self, surface: pygame.Surface, lay: Layout) -> None:
        draw_bank(surface, lay, self.model)


def draw_bank(surface: pygame.Surface, lay: Layout, model: Model) -> None:
    """The player's chips at the top left; the table's rules at the top right."""
    area = lay.dealer
    balance = model.balance
    x = lay.px(16)
    # A watcher has no chips: the table it watches stands there instead.
    watching = model.watching is not None
    label = draw_text(
        surface,
        "WATCHING" if watching else "BALANCE",
        lay.px(18),
        DIM,
        bold=True,
        topleft=(x, area.top + lay.px(4)),
    )
    amount = "—" if balance is None else f"{balance:,}"
    if watching:
        amount = f"Table {model.watching}"
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
    lines = rules_lines(model.rules)
    y = area.top + lay.px(6)
    for text in lines:
        y = draw_text(
            surface,
            text,
            lay.px(18),
            DIM,
            topright=(lay.width - lay.px(16), y),
        ).bottom + lay.px(2)
