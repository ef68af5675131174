"""Where things go on a surface of one size: the table's areas, the
seats, and the buttons (the hit targets the app tests clicks against)."""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from blackjack_client.model import (
    DISCONNECTED,
    FULL,
    PHASE_BETTING,
    PHASE_NONE,
    PHASE_OVER,
    RECONNECTING,
    Lobby,
    Model,
    Seat,
    chip_values,
    rebet_amount,
)
from blackjack_client.view.theme import (
    BASE_SIZE,
)


@dataclass(frozen=True)
class Button:
    """A button as drawn: what it does, where it is, whether it works."""

    action: str
    label: str
    rect: pygame.Rect
    enabled: bool
    #: What a "bet" button bets.
    amount: int | None = None
    #: "button", or "chip": a round chip that bets its amount.
    kind: str = "button"


@dataclass(frozen=True)
class Layout:
    """Where everything goes on a surface of one size."""

    width: int
    height: int
    scale: float
    dealer: pygame.Rect
    banner: pygame.Rect
    seats: pygame.Rect
    controls: pygame.Rect
    status: pygame.Rect

    def px(self, value: float) -> int:
        """``value`` base pixels (at 800x600) in this layout's pixels."""
        return max(1, round(value * self.scale))


def layout(size: tuple[int, int]) -> Layout:
    """The layout for a surface of ``size``."""
    width, height = size
    scale = max(0.5, min(width / BASE_SIZE[0], height / BASE_SIZE[1]))
    status_h = round(30 * scale)
    controls_h = round(66 * scale)
    status = pygame.Rect(0, height - status_h, width, status_h)
    controls = pygame.Rect(0, status.top - controls_h, width, controls_h)
    dealer = pygame.Rect(0, round(8 * scale), width, round(height * 0.33))
    banner = pygame.Rect(0, dealer.bottom, width, round(44 * scale))
    seats = pygame.Rect(0, banner.bottom, width, controls.top - banner.bottom)
    return Layout(width, height, scale, dealer, banner, seats, controls, status)


def seat_slots(model: Model) -> list[Seat | None]:
    """The seats left to right: by seat number, with gaps for empty seats
    (every seat of the table when the server said how many), then players
    whose seat the client was never told."""
    placed = {s.seat: s for s in model.seats_in_order() if s.seat is not None}
    count = max(max(placed, default=-1) + 1, model.table_seats or 0)
    slots: list[Seat | None] = [placed.get(index) for index in range(count)]
    slots.extend(s for s in model.seats_in_order() if s.seat is None)
    return slots or [None]


def seat_rects(
    area: pygame.Rect,
    count: int,
    scale: float,
    weights: list[float] | None = None,
) -> list[pygame.Rect]:
    """``count`` seat panels across ``area``, on a gentle arc like a table's;
    with ``weights``, a seat's share of the width follows its weight (a
    casino seat holding split hands gets more room)."""
    gap = round(10 * scale)
    if weights is None or len(weights) != count:
        weights = [1.0] * count
    unit = (area.width - gap) / max(1.0, sum(weights))
    arc = round(18 * scale) if count > 2 else 0
    panel_h = area.height - arc - round(10 * scale)
    rects = []
    start = area.left + gap / 2
    for index, weight in enumerate(weights):
        slot_w = unit * weight
        panel_w = min(round(slot_w - gap), round(240 * scale * weight))
        center_x = start + slot_w / 2
        start += slot_w
        t = (index - (count - 1) / 2) / max(1, (count - 1) / 2)
        drop = round(arc * (1 - t * t))
        rect = pygame.Rect(0, 0, max(10, panel_w), max(10, panel_h))
        rect.centerx = round(center_x)
        rect.top = area.top + round(4 * scale) + drop
        rects.append(rect)
    return rects


def seat_weights(model: Model, slots: list[Seat | None]) -> list[float] | None:
    """Casino: how much width each seat takes, by its hands (1 for one
    hand, up to 2 for four); None at a classic table (all alike)."""
    if not model.casino:
        return None
    return [
        1.0 if seat is None else min(2.0, 1.0 + 0.4 * max(0, len(seat.hands) - 1))
        for seat in slots
    ]


def buttons(model: Model, size: tuple[int, int]) -> list[Button]:
    """The buttons for ``model`` on a surface of ``size``."""
    if model.watching is not None and model.connection not in LOST:
        return watch_buttons(size)
    if model.casino:
        return casino_buttons(model, size)
    lay = layout(size)
    bw, bh = lay.px(130), lay.px(44)
    cy = lay.controls.centery
    can_act = model.can_act()
    hit = pygame.Rect(0, 0, bw, bh)
    hit.center = (lay.width // 2 - bw // 2 - lay.px(8), cy)
    stand = pygame.Rect(0, 0, bw, bh)
    stand.center = (lay.width // 2 + bw // 2 + lay.px(8), cy)
    shown = [
        Button("hit", "Hit  (H)", hit, can_act),
        Button("stand", "Stand  (S)", stand, can_act),
    ]
    if model.connection in LOST:
        again = pygame.Rect(0, 0, lay.px(170), bh)
        again.midright = (lay.width - lay.px(16), cy)
        shown.append(Button("reconnect", _again_label(model), again, True))
    return shown


#: The connection states that show the button to connect again.
LOST = (DISCONNECTED, FULL, RECONNECTING)


def _again_label(model: Model) -> str:
    if model.connection == FULL:
        return "Retry  (R)"
    if model.connection == RECONNECTING:
        return "Now  (R)"
    return "Reconnect  (R)"


def _betting_shown(model: Model) -> bool:
    me = model.me
    if model.phase in (PHASE_BETTING, PHASE_OVER, PHASE_NONE):
        return True
    return me is None or not me.hands


def casino_buttons(model: Model, size: tuple[int, int]) -> list[Button]:
    """A casino table's buttons: chips while betting, insurance while it is
    offered, else the hand's actions; Reconnect after a lost connection."""
    lay = layout(size)
    bh = lay.px(44)
    gap = lay.px(10)
    cy = lay.controls.centery
    lost = model.connection in LOST
    # Room for "Q quits" on the left, and for Reconnect on the right.
    left = lay.px(84)
    right = lay.width - (lay.px(200) if lost else lay.px(84))
    shown: list[Button] = []
    if model.insurance_offer is not None:
        cost = model.insurance_offer
        specs = [
            ("insure", f"Insure {cost}  (I)", model.can_insure(True)),
            ("decline", "No insurance  (N)", model.can_insure(False)),
        ]
        width = min(lay.px(200), (right - left - gap) // 2)
        shown = _row(specs, width, bh, gap, (left + right) // 2, cy)
    elif _betting_shown(model):
        rules = model.rules
        values = chip_values(rules.min_bet, rules.max_bet, rules.bet_unit)
        again = rebet_amount(model)
        bet_w = lay.px(128)
        room = right - left - bet_w - gap * (len(values) + 1)
        chip = max(lay.px(24), min(bh + lay.px(10), room // len(values)))
        total = chip * len(values) + gap * len(values) + bet_w
        x = (left + right) // 2 - total // 2
        for number, value in enumerate(values, start=1):
            rect = pygame.Rect(x, 0, chip, chip)
            rect.centery = cy
            shown.append(
                Button(
                    "bet",
                    f"{value}  ({number})",
                    rect,
                    model.can_bet(value),
                    amount=value,
                    kind="chip",
                )
            )
            x += chip + gap
        rect = pygame.Rect(x + gap, 0, bet_w, bh)
        rect.centery = cy
        if model.can_rebuy():
            # Broke: the chips are greyed out, and the way back is here.
            shown.append(Button("rebuy", "Rebuy  (R)", rect, True))
        else:
            shown.append(
                Button(
                    "bet", f"Bet {again}  (B)", rect, model.can_bet(again), amount=again
                )
            )
    else:
        specs = [
            ("hit", "Hit  (H)", model.can_act()),
            ("stand", "Stand  (S)", model.can_act()),
            ("double", "Double  (D)", model.can_double()),
            ("split", "Split  (P)", model.can_split()),
            ("surrender", "Surrender  (U)", model.can_surrender()),
        ]
        width = min(lay.px(130), (right - left) // len(specs) - gap)
        shown = _row(specs, width, bh, gap, (left + right) // 2, cy)
    if lost:
        again_rect = pygame.Rect(0, 0, lay.px(170), bh)
        again_rect.midright = (lay.width - lay.px(16), cy)
        shown.append(Button("reconnect", _again_label(model), again_rect, True))
    return shown


def _row(
    specs: list[tuple[str, str, bool]],
    width: int,
    height: int,
    gap: int,
    center_x: int,
    center_y: int,
) -> list[Button]:
    total = width * len(specs) + gap * (len(specs) - 1)
    x = center_x - total // 2
    row = []
    for action, label, enabled in specs:
        rect = pygame.Rect(x, 0, width, height)
        rect.centery = center_y
        row.append(Button(action, label, rect, enabled))
        x += width + gap
    return row


def start_fields(
    size: tuple[int, int],
) -> tuple[pygame.Rect, pygame.Rect, pygame.Rect]:
    """The server, name and password fields of the start screen."""
    lay = layout(size)
    width = min(lay.width - lay.px(80), lay.px(520))
    server = pygame.Rect(0, 0, width, lay.px(42))
    server.center = (lay.width // 2, round(lay.height * 0.42))
    name = server.copy()
    name.top = server.bottom + lay.px(40)
    password = name.copy()
    password.top = name.bottom + lay.px(40)
    return server, name, password


def start_button(size: tuple[int, int]) -> Button:
    """The start screen's Connect button."""
    lay = layout(size)
    rect = pygame.Rect(0, 0, lay.px(170), lay.px(44))
    rect.midtop = (lay.width // 2, start_fields(size)[-1].bottom + lay.px(20))
    return Button("connect", "Connect", rect, True)


#: The most table rows the lobby shows at once (it scrolls to the pointer).
LOBBY_ROWS = 7


def lobby_rows(size: tuple[int, int], lobby: Lobby) -> list[tuple[int, pygame.Rect]]:
    """The lobby's rows as drawn: (row number, rectangle), at most
    ``LOBBY_ROWS`` of them, scrolled so the one pointed at shows."""
    lay = layout(size)
    width = min(lay.width - lay.px(60), lay.px(680))
    height = lay.px(50)
    first = max(0, min(lobby.selected - LOBBY_ROWS + 1, lobby.rows - LOBBY_ROWS))
    shown = []
    top = round(lay.height * 0.17)
    for row in range(first, min(lobby.rows, first + LOBBY_ROWS)):
        rect = pygame.Rect(0, 0, width, height)
        rect.midtop = (lay.width // 2, top)
        shown.append((row, rect))
        top += height + lay.px(6)
    return shown


def lobby_buttons(size: tuple[int, int], lobby: Lobby) -> list[Button]:
    """The lobby's buttons: sit at the table pointed at, watch it, ask for
    the list again."""
    lay = layout(size)
    specs = [
        ("sit", "Sit down  (Enter)", lobby.can_sit()),
        ("watch", "Watch  (W)", lobby.can_watch()),
        ("refresh", "Refresh  (R)", not lobby.loading),
    ]
    top = round(lay.height * 0.17) + LOBBY_ROWS * lay.px(56) + lay.px(12)
    width = min(lay.px(190), (lay.width - lay.px(40)) // 3 - lay.px(10))
    return _row(specs, width, lay.px(44), lay.px(12), lay.width // 2, top + lay.px(22))


def watch_buttons(size: tuple[int, int]) -> list[Button]:
    """A watcher's buttons: take a seat at the table watched, or go back
    to the lobby."""
    lay = layout(size)
    specs = [("sit", "Sit down  (Enter)", True), ("lobby", "Tables  (L)", True)]
    width = lay.px(170)
    return _row(
        specs, width, lay.px(44), lay.px(12), lay.width // 2, lay.controls.centery
    )
