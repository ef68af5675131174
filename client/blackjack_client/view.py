"""Draw the model onto any ``pygame.Surface``.

Everything is drawn from pygame's own font and shapes: no files to ship or
download. The layout follows the surface's size (800x600 and up, and it
stays readable below that). Nothing here changes the model; ``draw`` returns
the buttons it drew, with their rectangles and whether they are enabled, so
the app can hit-test clicks against exactly what the player sees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import pygame

from blackjack_client.model import (
    BLACKJACK_STATUS,
    BUST,
    CLOSED,
    CONNECTED,
    CONNECTING,
    DISCONNECTED,
    FULL,
    LEFT,
    OFFLINE,
    PHASE_BETTING,
    PHASE_DEALER,
    PHASE_INSURANCE,
    PHASE_NONE,
    PHASE_OVER,
    PLAYING,
    SEATED,
    STOOD,
    SURRENDERED,
    WAITING,
    Hand,
    Model,
    Seat,
    chip_values,
    rebet_amount,
)

BASE_SIZE = (800, 600)

# Colours.
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
class StartForm:
    """What the start screen shows: the two fields and which has the focus."""

    server: str
    name: str
    focus: int = 1  # 0: server, 1: name
    message: str = ""


# -- fonts, text and shapes ------------------------------------------------------


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> pygame.font.Font:
    """pygame's bundled font at ``size`` pixels."""
    if not pygame.font.get_init():
        pygame.font.init()
    face = pygame.font.Font(None, max(8, size))
    face.set_bold(bold)
    return face


def fit_size(text: str, size: int, width: int, smallest: int, bold: bool = True) -> int:
    """The largest font size, from ``size`` down to ``smallest``, at which
    ``text`` is no wider than ``width``."""
    while size > smallest and font(size, bold).size(text)[0] > width:
        size -= 1
    return size


def _text(
    surface: pygame.Surface,
    text: str,
    size: int,
    colour: tuple[int, int, int],
    *,
    bold: bool = False,
    max_width: int | None = None,
    **where: object,
) -> pygame.Rect:
    """Draw one line of text placed like ``Rect`` keywords (center=..., ...)."""
    face = font(size, bold)
    if max_width is not None and face.size(text)[0] > max_width:
        while text and face.size(text + "…")[0] > max_width:
            text = text[:-1]
        text += "…"
    image = face.render(text, True, colour)
    rect = image.get_rect(**where)
    surface.blit(image, rect)
    return rect


def _panel(
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


BACK = (150, 28, 40)
BACK_LINE = (196, 70, 80)


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


def _empty_slot(surface: pygame.Surface, rect: pygame.Rect) -> None:
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
        _empty_slot(surface, rect)
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


def _badge(
    surface: pygame.Surface,
    text: str,
    size: int,
    fill: tuple[int, int, int],
    colour: tuple[int, int, int] = WHITE,
    **where: object,
) -> pygame.Rect:
    image = font(size, bold=True).render(text, True, colour)
    pad_x, pad_y = size // 2, size // 6
    rect = pygame.Rect(0, 0, image.get_width() + 2 * pad_x, image.get_height() + pad_y)
    for key, value in where.items():
        setattr(rect, key, value)
    pygame.draw.rect(surface, fill, rect, border_radius=rect.height // 2)
    surface.blit(image, image.get_rect(center=rect.center))
    return rect


# -- the layout -------------------------------------------------------------------


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
    if model.connection in (DISCONNECTED, FULL):
        again = pygame.Rect(0, 0, lay.px(170), bh)
        again.midright = (lay.width - lay.px(16), cy)
        label = "Retry  (R)" if model.connection == FULL else "Reconnect  (R)"
        shown.append(Button("reconnect", label, again, True))
    return shown


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


def chip_colour(amount: int) -> tuple[int, int, int]:
    """A chip's colour: that of the largest denomination it reaches."""
    colour = CHIP_COLOURS[1]
    for value in sorted(CHIP_COLOURS):
        if amount >= value:
            colour = CHIP_COLOURS[value]
    return colour


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
    lost = model.connection in (DISCONNECTED, FULL)
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
        values = chip_values(model.rules.min_bet, model.rules.max_bet)
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
        shown.append(
            Button("bet", f"Bet {again}  (B)", rect, model.can_bet(again), amount=again)
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
        label = "Retry  (R)" if model.connection == FULL else "Reconnect  (R)"
        shown.append(Button("reconnect", label, again_rect, True))
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


# -- what the words say -------------------------------------------------------------


def status_text(model: Model) -> tuple[str, bool]:
    """The status line, and whether it reports a problem."""
    error = f"{model.error[1]} ({model.error[0]})" if model.error else ""
    if model.connection == OFFLINE:
        return "Not connected", False
    if model.connection == CONNECTING:
        return f"Connecting to {model.url} …", False
    if model.connection == CONNECTED:
        return f"Connected to {model.url}; taking a seat …", False
    if model.connection == FULL:
        return "Table full (507): every seat is taken. Press R to retry.", True
    if model.connection == DISCONNECTED:
        why = model.close_reason or "connection lost"
        code = f" ({model.close_code})" if model.close_code else ""
        return f"Disconnected: {why}{code}. Press R to reconnect.", True
    if model.connection == CLOSED:
        return "Closed. Goodbye!", False
    me = model.me
    where = f"Table {model.table}" if model.table is not None else "Seated"
    if me is not None and me.seat is not None:
        where += f", seat {me.seat + 1}"
    text = f"{where} as {model.my_name or 'you'}"
    if error:
        return f"{text}  ·  Server says: {error}", True
    if model.notice:
        return f"{text}  ·  {model.notice}", False
    return text, False


def seconds_left(deadline: float | None, now: float) -> int | None:
    """Whole seconds until ``deadline``, counting down to 0."""
    if deadline is None:
        return None
    return max(0, math.ceil(deadline - now))


def banner_text(model: Model, now: float) -> tuple[str, tuple[int, int, int]]:
    """The line across the middle of the table: whose move, or the outcome."""
    if model.casino:
        return casino_banner_text(model, now)
    me = model.me
    if model.connection != SEATED:
        return "", WHITE
    if model.phase == PHASE_OVER:
        words = {"win": "You win!", "lose": "You lose.", "push": "Push."}
        mine = words.get(me.result, "") if me is not None and me.result else ""
        left = seconds_left(model.next_round_at, now)
        after = f"  Next round in {left} s" if left is not None else ""
        colour = RESULT_COLOURS.get(me.result, WHITE) if me and me.result else WHITE
        if colour != WHITE:
            colour = tuple(min(255, c + 60) for c in colour)  # type: ignore[assignment]
        return f"Dealer has {model.dealer.points}.  {mine}{after}", colour
    if me is None:
        return "", WHITE
    if me.state == WAITING:
        return "You are dealt in at the next round", DIM
    if me.state == PLAYING and len(me.hand.cards) >= 2:
        left = seconds_left(me.deadline, now)
        clock = f"  ({left} s)" if left is not None else ""
        return f"Your move: Hit or Stand{clock}", GOLD
    if model.phase == PHASE_DEALER:
        return "The dealer draws", WHITE
    if me.state in (STOOD, BUST):
        return "Waiting for the other hands", DIM
    return "", WHITE


def signed(amount: int) -> str:
    """Chips won or lost: ``+40``, ``-20``, ``0``."""
    return f"+{amount}" if amount > 0 else f"{amount}"


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def casino_banner_text(model: Model, now: float) -> tuple[str, tuple[int, int, int]]:
    """The banner at a casino table: bets, insurance, the move, the outcome."""
    me = model.me
    if model.connection != SEATED:
        return "", WHITE
    if model.phase == PHASE_OVER:
        dealer = f"Dealer has {model.dealer.points}"
        if model.dealer_blackjack:
            dealer = "Dealer has blackjack"
        mine = ""
        colour = WHITE
        if me is not None and me.result is not None and model.net is not None:
            # The round's net (insurance included) says how it went overall.
            net = model.net
            outcome = "win" if net > 0 else "lose" if net < 0 else "push"
            mine = {"win": "You win ", "lose": "You lose "}.get(outcome, "Push")
            if net:
                mine += signed(net)
            base = RESULT_COLOURS[outcome]
            colour = tuple(min(255, c + 60) for c in base)  # type: ignore[assignment]
        left = seconds_left(model.next_round_at, now)
        after = f"  Bets open in {left} s" if left is not None else ""
        return f"{dealer}.  {mine}{after}", colour
    if me is None:
        return "", WHITE
    if model.phase == PHASE_BETTING:
        left = seconds_left(model.betting_until, now)
        clock = f"  ({left} s)" if left is not None else ""
        if me.bet is None:
            if not model.can_bet() and model.awaiting is None:
                return f"Not enough chips to bet{clock}", DIM
            low, high = model.rules.min_bet, model.rules.max_bet
            return f"Place your bet: {low} to {high} chips{clock}", GOLD
        return f"You bet {me.bet}. Waiting for the other bets{clock}", DIM
    if model.insurance_offer is not None:
        left = seconds_left(model.insurance_until, now)
        clock = f"  ({left} s)" if left is not None else ""
        return (
            f"Ace up: insurance costs {model.insurance_offer}. Take it?{clock}",
            GOLD,
        )
    if model.phase == PHASE_INSURANCE:
        return "Waiting for the insurance answers", DIM
    if me.sitting_out:
        return "You sit this round out: bet at the next one", DIM
    if me.state == WAITING or not me.hands:
        return "You can bet when the next round opens", DIM
    active = model.active_hand()
    if active is not None:
        hand = me.hands[active]
        words = ["Hit", "Stand"]
        words += ["Double"] if model.can_double() else []
        words += ["Split"] if model.can_split() else []
        words += ["Surrender"] if model.can_surrender() else []
        which = f" on hand {active + 1}" if len(me.hands) > 1 else ""
        left = seconds_left(hand.deadline, now)
        clock = f"  ({left} s)" if left is not None else ""
        return f"Your move{which}: {_listed(words)}{clock}", GOLD
    if model.phase == PHASE_DEALER:
        return "The dealer draws", WHITE
    if all(hand.status not in ("", PLAYING) for hand in me.hands):
        return "Waiting for the other hands", DIM
    return "", WHITE


# -- drawing --------------------------------------------------------------------------


def draw(
    surface: pygame.Surface,
    model: Model,
    now: float = 0.0,
    mouse: tuple[int, int] | None = None,
) -> list[Button]:
    """Draw the whole table for ``model`` at time ``now``; return the buttons."""
    size = surface.get_size()
    lay = layout(size)
    _draw_felt(surface, lay)
    _draw_dealer(surface, lay, model)
    text, colour = banner_text(model, now)
    if text:
        room = lay.width - lay.px(20)
        _text(
            surface,
            text,
            fit_size(text, lay.px(30), room, lay.px(20)),
            colour,
            bold=True,
            center=lay.banner.center,
            max_width=lay.width - lay.px(20),
        )
    slots = seat_slots(model)
    rects = seat_rects(lay.seats, len(slots), lay.scale, seat_weights(model, slots))
    for seat, rect in zip(slots, rects, strict=True):
        if model.casino and seat is not None:
            _draw_casino_seat(surface, lay, rect, seat, model, now)
        else:
            _draw_seat(surface, lay, rect, seat, model, now)
    if model.casino:
        _draw_bank(surface, lay, model)
    shown = buttons(model, size)
    for button in shown:
        _draw_button(surface, lay, button, mouse)
    _text(
        surface,
        "Q quits",
        lay.px(20),
        DIM,
        midleft=(lay.px(16), lay.controls.centery),
    )
    _draw_status(surface, lay, model)
    return shown


def _draw_felt(surface: pygame.Surface, lay: Layout, rail: bool = True) -> None:
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


def _draw_dealer(surface: pygame.Surface, lay: Layout, model: Model) -> None:
    area = lay.dealer
    title = _text(
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
        _badge(
            surface,
            str(model.dealer.points),
            lay.px(34),
            INK,
            midleft=(hand_rect.right + lay.px(14), hand_rect.centery),
        )
        if model.dealer.points > 21:
            _badge(
                surface,
                "BUST",
                lay.px(22),
                RESULT_COLOURS["lose"],
                midright=(hand_rect.left - lay.px(12), hand_rect.centery),
            )
    else:
        rect = pygame.Rect(0, 0, card_w, card_h)
        rect.center = center
        _empty_slot(surface, rect)
        if model.connection == SEATED and not model.casino:
            _text(
                surface,
                "draws when every hand is done",
                lay.px(20),
                DIM,
                midleft=(rect.right + lay.px(14), rect.centery),
            )


def _seat_panel(
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
        _panel(surface, rect, PANEL_MINE, radius, GOLD, lay.px(3))
    else:
        _panel(surface, rect, PANEL, radius)
    inner = rect.width - lay.px(12)
    title = _text(
        surface,
        f"{seat.name} (you)" if mine else seat.name,
        lay.px(22),
        GOLD if mine else WHITE,
        bold=True,
        max_width=inner,
        midtop=(rect.centerx, rect.top + lay.px(8)),
    )
    return mine, inner, title


def _draw_seat(
    surface: pygame.Surface,
    lay: Layout,
    rect: pygame.Rect,
    seat: Seat | None,
    model: Model,
    now: float,
) -> None:
    radius = lay.px(12)
    if seat is None:
        pygame.draw.rect(surface, MUTED, rect, 1, border_radius=radius)
        _text(surface, "empty seat", lay.px(18), MUTED, center=rect.center)
        return
    _, inner, title = _seat_panel(surface, lay, rect, seat, model, radius)
    state = seat.state
    if state == STOOD and seat.reason in ("timeout", "21"):
        state_label = "stood (time)" if seat.reason == "timeout" else "stood on 21"
    else:
        state_label = state
    state_rect = _text(
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
        # Greyed out: the hand is gone from the game, kept only to read.
        veil = pygame.Surface(rect.size, pygame.SRCALPHA)
        pygame.draw.rect(veil, (20, 30, 25, 140), veil.get_rect(), border_radius=radius)
        surface.blit(veil, rect)
    below = hand_rect.bottom + lay.px(4)
    if seat.hand.cards:
        total_colour = ERROR_RED if seat.hand.points > 21 else WHITE
        below = _text(
            surface,
            f"{seat.hand.points}",
            lay.px(28),
            total_colour,
            bold=True,
            midtop=(rect.centerx, below),
        ).bottom
    if seat.result:
        _badge(
            surface,
            seat.result.upper(),
            lay.px(26),
            RESULT_COLOURS.get(seat.result, (90, 90, 90)),
            midtop=(rect.centerx, below + lay.px(4)),
        )
    left = seconds_left(seat.deadline, now)
    if left is not None and seat.state == PLAYING:
        _draw_countdown(surface, lay, rect, seat.deadline, model, now, left)


def _draw_countdown(
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
    _text(
        surface,
        f"{left} s",
        lay.px(18),
        colour,
        midbottom=(rect.centerx, bar.top - lay.px(2)),
    )


def _seat_label(seat: Seat, model: Model) -> str:
    """What a casino seat is doing, in a word or two."""
    if seat.state == LEFT:
        return "left"
    if model.phase == PHASE_BETTING:
        if seat.bet is None:
            return "betting…"
        return f"bet {seat.bet}" if seat.bet else "has bet"
    if seat.sitting_out:
        return "sits out"
    if seat.state == WAITING or not seat.hands:
        return "waiting"
    if seat.insurance:
        return f"insured {seat.insurance}"
    return {PLAYING: "playing", BUST: "bust"}.get(seat.state, "done")


def _hand_badge(hand: Hand) -> tuple[str, tuple[int, int, int], tuple[int, int, int]]:
    """The line under a casino hand: (text, fill, ink); the fill is None-like
    (the felt) for a plain bet."""
    net = hand.net
    if hand.result is not None and net is not None:
        if hand.result == "push":
            return "push", RESULT_COLOURS["push"], WHITE
        return signed(net), RESULT_COLOURS[hand.result], WHITE
    if hand.status == SURRENDERED:
        return f"gave up {signed(net or 0)}", RESULT_COLOURS["push"], WHITE
    if hand.status == BLACKJACK_STATUS:
        return "BLACKJACK", GOLD, INK
    if hand.status == BUST:
        return "BUST", RESULT_COLOURS["lose"], WHITE
    stake = f"bet {hand.bet}" + ("  x2" if hand.doubled else "")
    return stake, FELT_EDGE, GOLD


def _draw_casino_seat(
    surface: pygame.Surface,
    lay: Layout,
    rect: pygame.Rect,
    seat: Seat,
    model: Model,
    now: float,
) -> None:
    radius = lay.px(12)
    mine, inner, title = _seat_panel(surface, lay, rect, seat, model, radius)
    label = _seat_label(seat, model)
    if seat.balance is not None:
        long = f"{seat.balance:,} chips  ·  {label}"
        fits = font(lay.px(18)).size(long)[0] <= inner
        label = long if fits else f"{seat.balance:,} · {label}"
    line = _text(
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
        _draw_chip(surface, lay, Button("bet", f"{seat.bet}", stake, True, seat.bet))
    elif not hands:
        slot = pygame.Rect(0, 0, card_w, card_h)
        slot.midtop = (rect.centerx, top)
        _empty_slot(surface, slot)
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
            _panel(surface, frame, (246, 205, 88, 40), lay.px(8), GOLD, lay.px(2))
        hand_rect = draw_hand(
            surface, hand, card_w, (cx, hand_top + card_h // 2), round(room_w)
        )
        total = _text(
            surface,
            f"{hand.points}",
            total_size,
            ERROR_RED if hand.points > 21 else WHITE,
            bold=True,
            midtop=(cx, hand_rect.bottom + lay.px(2)),
        )
        text, fill, ink = _hand_badge(hand)
        room = round(column) - lay.px(6)
        if text.startswith("bet ") and font(badge_size, True).size(text)[0] > room:
            text = text[4:]  # the amount alone, in a narrow column
        size = fit_size(text, badge_size, room, lay.px(9))
        if fill == FELT_EDGE:
            _text(surface, text, size, ink, bold=True, midtop=(cx, total.bottom + 1))
        else:
            _badge(surface, text, size, fill, ink, midtop=(cx, total.bottom + 1))
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
            _draw_countdown(surface, lay, rect, deadline, model, now, left)


def _draw_bank(surface: pygame.Surface, lay: Layout, model: Model) -> None:
    """The player's chips at the top left; the table's rules at the top right."""
    area = lay.dealer
    balance = model.balance
    x = lay.px(16)
    label = _text(
        surface,
        "BALANCE",
        lay.px(18),
        DIM,
        bold=True,
        topleft=(x, area.top + lay.px(4)),
    )
    amount = "—" if balance is None else f"{balance:,}"
    big = _text(
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
        _text(surface, note, lay.px(18), WHITE, topleft=(x, big.bottom + 2))
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
        y = _text(
            surface,
            text,
            lay.px(18),
            DIM,
            topright=(lay.width - lay.px(16), y),
        ).bottom + lay.px(2)


def _draw_chip(
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
    shown = _text(
        surface, amount, size, ink, bold=True, center=(center[0], center[1] - r // 8)
    )
    if key:
        _text(
            surface,
            key,
            max(8, round(r * 0.45)),
            ink,
            midtop=(center[0], shown.bottom - 2),
        )


def _draw_button(
    surface: pygame.Surface,
    lay: Layout,
    button: Button,
    mouse: tuple[int, int] | None,
) -> None:
    hover = mouse is not None and button.rect.collidepoint(mouse)
    if button.kind == "chip":
        _draw_chip(surface, lay, button, hover)
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
    _text(
        surface,
        button.label,
        fit_size(button.label, lay.px(24), room, lay.px(15)),
        ink,
        bold=True,
        center=button.rect.center,
        max_width=room,
    )


def _draw_status(surface: pygame.Surface, lay: Layout, model: Model) -> None:
    pygame.draw.rect(surface, STATUS_BG, lay.status)
    text, problem = status_text(model)
    dot = {
        SEATED: (80, 220, 120),
        CONNECTED: GOLD,
        CONNECTING: GOLD,
    }.get(model.connection, ERROR_RED)
    radius = lay.px(5)
    pygame.draw.circle(surface, dot, (lay.px(14), lay.status.centery), radius)
    _text(
        surface,
        text,
        lay.px(20),
        ERROR_RED if problem else DIM,
        max_width=lay.width - lay.px(40),
        midleft=(lay.px(26), lay.status.centery),
    )


# -- the start screen -----------------------------------------------------------------


def start_fields(size: tuple[int, int]) -> tuple[pygame.Rect, pygame.Rect]:
    """The server and name fields of the start screen."""
    lay = layout(size)
    width = min(lay.width - lay.px(80), lay.px(520))
    server = pygame.Rect(0, 0, width, lay.px(44))
    server.center = (lay.width // 2, round(lay.height * 0.45))
    name = server.copy()
    name.top = server.bottom + lay.px(56)
    return server, name


def start_button(size: tuple[int, int]) -> Button:
    """The start screen's Connect button."""
    lay = layout(size)
    rect = pygame.Rect(0, 0, lay.px(170), lay.px(44))
    rect.midtop = (lay.width // 2, start_fields(size)[1].bottom + lay.px(22))
    return Button("connect", "Connect", rect, True)


def draw_start(
    surface: pygame.Surface,
    form: StartForm,
    now: float = 0.0,
    mouse: tuple[int, int] | None = None,
) -> list[pygame.Rect]:
    """Draw the start screen; return the field rectangles (server, name)."""
    lay = layout(surface.get_size())
    _draw_felt(surface, lay, rail=False)
    _text(
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
        (("Server", form.server, fields[0]), ("Your name", form.name, fields[1]))
    ):
        focused = index == form.focus
        _text(
            surface,
            label,
            lay.px(22),
            WHITE,
            bold=True,
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
        _text(
            surface,
            shown,
            lay.px(26),
            INK,
            midleft=(rect.left + lay.px(10), rect.centery),
        )
    connect = start_button(surface.get_size())
    _draw_button(surface, lay, connect, mouse)
    hint = _text(
        surface,
        "Enter: connect    Tab: next field    Esc: quit",
        lay.px(20),
        DIM,
        midtop=(lay.width // 2, connect.rect.bottom + lay.px(16)),
    )
    if form.message:
        _text(
            surface,
            form.message,
            lay.px(22),
            ERROR_RED,
            max_width=lay.width - lay.px(40),
            midtop=(lay.width // 2, hint.bottom + lay.px(12)),
        )
    return list(fields)
