"""Make ``docs/screenshot.png``: the real pygame client, headless, in the
middle of a round at a real server; with ``--game casino``,
``docs/screenshot-casino.png`` at a casino table.

    python docs/screenshot.py [--game casino] [PATH]

It starts the server in this process on a free loopback port, with a shoe
stacked for a round worth showing, seats four bots and one player ("ann"),
lets the bots play (by ``--autoplay``'s rule), has ann hit once by pressing
H, and saves ann's window while her turn is still on. At the casino table
everyone bets by pressing chip keys first, and ann splits a pair of eights
and doubles on the first hand; the picture shows her second hand's turn.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable
from pathlib import Path

# Headless: no window, no sound. Set before pygame is imported.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

REPO = Path(__file__).resolve().parent.parent
# Run from a checkout as well as from an installed project.
sys.path[:0] = [str(REPO / "client"), str(REPO)]

import pygame  # noqa: E402
from twisted.internet import defer, reactor, task  # noqa: E402

from blackjack_client.app import ClientApp  # noqa: E402
from blackjack_client.model import PHASE_PLAYING, PLAYING, WAITING  # noqa: E402
from blackjackd.casino import CasinoConfig  # noqa: E402
from blackjackd.lobby import Lobby  # noqa: E402
from blackjackd.protocol import BlackjackServerFactory  # noqa: E402
from blackjackd.shoe import StackedShoe  # noqa: E402
from blackjackd.table import TableConfig  # noqa: E402
from blackjackd.web import build_site  # noqa: E402

SIZE = (1024, 720)
DEFAULT_PATH = REPO / "docs" / "screenshot.png"
CASINO_PATH = REPO / "docs" / "screenshot-casino.png"
TIMEOUT = 10.0

# Who sits where, in order, and the cards the shoe deals them. bea plays an
# opening round alone (OPENING: she stands on TS 7H, the dealer draws 9S 8H)
# while the others sit down and wait; at the next round each player is dealt
# a card in seat order, then a second (DEALT lists each player's two), and
# the bots play one after another.
PLAYERS = ["bea", "cy", "ann", "dan", "eve"]
ME = "ann"
OPENING = ["TS", "7H", "9S", "8H"]
DEALT = ["9H", "7S", "TD", "8C", "7H", "4S", "AS", "KD", "5C", "3D"]
BOTS_DRAW = ["KC", "2H", "6S", "4C"]  # bea busts; cy stands; dan has 21; eve hits
ANN_DRAWS = ["9D"]
DEALER = ["TS", "7C"]


# The casino round: each player bets with a chip key (10, 25, 50, 100, 500);
# the deal goes a card to each in seat order, the upcard, a second card to
# each, the hole card. bea busts, cy stands, dan has blackjack, eve hits
# twice; ann splits 8-8 (3C, TH) and doubles 11 (9D).
CASINO_BETS = {
    "bea": pygame.K_3,
    "cy": pygame.K_2,
    "ann": pygame.K_4,
    "dan": pygame.K_1,
    "eve": pygame.K_2,
}
CASINO_DEAL = ["9H", "TD", "8D", "AS", "5C", "6H", "7S", "8C", "8S", "KD", "3D", "TS"]
CASINO_BOTS = {"bea": ["KC"], "cy": [], "dan": [], "eve": ["6S", "4C"]}
CASINO_ANN = ["3C", "TH", "9D"]
CASINO_SPARE = ["7D", "2S", "5H", "QC"]  # the dealer plays once everyone leaves


async def until(condition: Callable[[], object], what: str) -> None:
    """Wait, without blocking the reactor, for ``condition()`` to hold."""
    deadline = reactor.seconds() + TIMEOUT
    while not condition():
        if reactor.seconds() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        await task.deferLater(reactor, 0.01, lambda: None)


class Scene:
    """A server on a free loopback port, dealing from a stacked shoe, and
    headless client apps seated at it, each fed keys by the script."""

    def __init__(self, config: TableConfig | CasinoConfig, cards: list[str]) -> None:
        pygame.font.init()
        shoe = StackedShoe(cards)
        self.lobby = Lobby.build(
            tables=1,
            config=config,
            clock=reactor,
            rng=random.Random(0),
            shoe_factory=lambda config: shoe,
        )
        site = build_site(BlackjackServerFactory(self.lobby, reactor), reactor)
        self.port = reactor.listenTCP(0, site, interface="127.0.0.1")
        self.url = f"ws://127.0.0.1:{self.port.getHost().port}/websocket"
        self.apps: dict[str, ClientApp] = {}
        self._keys: dict[str, list[pygame.event.Event]] = {}
        self._loops: list[task.LoopingCall] = []

    async def seat(self, name: str, ready: Callable[[ClientApp], object]) -> None:
        """Start ``name``'s client and wait until ``ready(app)``: one at a
        time, so the stacked cards go where they are meant to."""
        surface = pygame.Surface(SIZE)
        keys: list[pygame.event.Event] = []
        self._keys[name] = keys

        def take() -> list[pygame.event.Event]:
            events = keys[:]
            keys.clear()
            return events

        app = ClientApp(
            clock=reactor,
            surface=lambda: surface,
            events=take,
            url=self.url,
            name=name,
            autoplay_delay=0,
        )
        self.apps[name] = app
        loop = task.LoopingCall(app.frame)
        self._loops.append(loop)
        app.start()
        loop.start(1 / 30)
        await until(lambda: ready(app), f"{name}'s seat")

    def press(self, name: str, key: int) -> None:
        self._keys[name].append(pygame.event.Event(pygame.KEYDOWN, key=key))

    async def let_the_bots_play(self) -> None:
        """Everyone but ann plays out their hand by ``--autoplay``'s rule."""
        for name, bot in self.apps.items():
            if name != ME:
                bot.autoplay = True
                await until(lambda bot=bot: bot.model.me.state != PLAYING, name)

    async def close(self) -> None:
        for loop in self._loops:
            if loop.running:
                loop.stop()
        await defer.gatherResults([app.quit() for app in self.apps.values()])
        self.lobby.close()
        await self.port.stopListening()


async def make_screenshot(path: Path = DEFAULT_PATH, pause: float = 1.2) -> None:
    """Play into the middle of a round and save ann's window to ``path``,
    ``pause`` seconds into her turn."""
    round_robin = DEALT[0::2] + DEALT[1::2]
    scene = Scene(
        TableConfig(seats=len(PLAYERS), turn_timeout=30, round_delay=0.5),
        OPENING + round_robin + BOTS_DRAW + ANN_DRAWS + DEALER,
    )
    try:
        first, *others = PLAYERS
        await scene.seat(
            first,
            lambda app: app.model.me is not None and len(app.model.me.hand.cards) == 2,
        )
        for name in others:
            await scene.seat(
                name,
                lambda app: app.model.me is not None and app.model.me.state == WAITING,
            )
        # bea's opening round ends; at the next, everyone is dealt in.
        scene.press(first, pygame.K_s)
        await until(
            lambda: all(
                app.model.rounds == 1
                and app.model.phase == PHASE_PLAYING
                and len(app.model.me.hand.cards) == 2
                for app in scene.apps.values()
            ),
            "everyone's deal",
        )
        me = scene.apps[ME]
        await until(lambda: len(me.model.seats) == len(PLAYERS), "the whole table")
        await scene.let_the_bots_play()
        scene.press(ME, pygame.K_h)
        await until(lambda: len(me.model.me.hand.cards) == 3, "ann's card")
        await until(
            lambda: all(
                app.model.seats.get(me.model.my_id) is not None
                and len(app.model.seats[me.model.my_id].hand.cards) == 3
                for app in scene.apps.values()
            ),
            "everyone to see ann's card",
        )
        # A moment on the clock, so the countdown reads like a real one.
        await task.deferLater(reactor, pause, lambda: None)
        me.save_screenshot(path)
    finally:
        await scene.close()


async def make_casino_screenshot(path: Path = CASINO_PATH, pause: float = 1.2) -> None:
    """Play a casino round into ann's second split hand and save her window."""
    bots_draw = [card for name in PLAYERS for card in CASINO_BOTS.get(name, [])]
    scene = Scene(
        CasinoConfig(
            seats=len(PLAYERS),
            turn_timeout=30,
            round_delay=3,
            bet_timeout=60,
            bet_unit=1,  # the client's 25 chip isn't a multiple of 2
        ),
        CASINO_DEAL + bots_draw + CASINO_ANN + CASINO_SPARE,
    )
    try:
        for name in PLAYERS:
            await scene.seat(name, lambda app: app.model.can_bet())
        me = scene.apps[ME]
        await until(lambda: len(me.model.seats) == len(PLAYERS), "the whole table")
        for name in PLAYERS:
            scene.press(name, CASINO_BETS[name])
            await until(lambda app=scene.apps[name]: app.model.me.bet, f"{name}'s bet")
        await until(lambda: me.model.can_split(), "ann's pair")
        await scene.let_the_bots_play()
        scene.press(ME, pygame.K_p)
        await until(
            lambda: (
                [len(h.cards) for h in me.model.me.hands] == [2, 2]
                and me.model.active_hand() == 0
            ),
            "ann's split",
        )
        scene.press(ME, pygame.K_d)
        await until(lambda: me.model.active_hand() == 1, "ann's second hand")
        await task.deferLater(reactor, pause, lambda: None)
        me.save_screenshot(path)
    finally:
        await scene.close()


def main() -> None:
    """Write the screenshot to the path given, or to docs/screenshot.png
    (docs/screenshot-casino.png with ``--game casino``)."""
    args = sys.argv[1:]
    casino = False
    if args[:2] == ["--game", "casino"]:
        casino, args = True, args[2:]
    elif args[:2] == ["--game", "classic"]:
        args = args[2:]
    path = Path(args[0]) if args else CASINO_PATH if casino else DEFAULT_PATH

    async def run(_: object) -> None:
        if casino:
            await make_casino_screenshot(path)
        else:
            await make_screenshot(path)
        print(f"saved {path}")

    task.react(lambda r: defer.ensureDeferred(run(r)))


if __name__ == "__main__":
    main()
