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
from blackjack_client.model import PLAYING  # noqa: E402
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

# Who sits where, in order, and the cards the shoe deals them: each player
# is dealt two cards on sitting down, then the bots play one after another.
PLAYERS = ["bea", "cy", "ann", "dan", "eve"]
ME = "ann"
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


async def make_screenshot(path: Path = DEFAULT_PATH, pause: float = 1.2) -> None:
    """Play into the middle of a round and save ann's window to ``path``,
    ``pause`` seconds into her turn."""
    pygame.font.init()
    shoe = StackedShoe(DEALT + BOTS_DRAW + ANN_DRAWS + DEALER)
    lobby = Lobby.build(
        tables=1,
        config=TableConfig(seats=len(PLAYERS), turn_timeout=30, round_delay=3),
        clock=reactor,
        rng=random.Random(0),
        shoe_factory=lambda config: shoe,
    )
    factory = BlackjackServerFactory(lobby, reactor)
    port = reactor.listenTCP(0, build_site(factory, reactor), interface="127.0.0.1")
    url = f"ws://127.0.0.1:{port.getHost().port}/websocket"
    apps: dict[str, ClientApp] = {}
    inputs: dict[str, list[pygame.event.Event]] = {}
    loops = []
    try:
        for name in PLAYERS:
            surface = pygame.Surface(SIZE)
            queue: list[pygame.event.Event] = []
            inputs[name] = queue

            def take(queue: list[pygame.event.Event] = queue) -> list:
                events = queue[:]
                queue.clear()
                return events

            app = ClientApp(
                clock=reactor,
                surface=lambda surface=surface: surface,
                events=take,
                url=url,
                name=name,
                autoplay_delay=0,
            )
            apps[name] = app
            loop = task.LoopingCall(app.frame)
            loops.append(loop)
            app.start()
            loop.start(1 / 30)
            # One at a time, so the stacked cards go where they are meant to.
            await until(
                lambda app=app: (
                    app.model.me is not None and len(app.model.me.hand.cards) == 2
                ),
                f"{name}'s deal",
            )
        me = apps[ME]
        everyone = lambda: len(me.model.seats) == len(PLAYERS)  # noqa: E731
        await until(everyone, "ann to see the whole table")
        for name in PLAYERS:
            if name == ME:
                continue
            bot = apps[name]
            bot.autoplay = True
            await until(lambda bot=bot: bot.model.me.state != PLAYING, f"{name}'s hand")
        inputs[ME].append(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_h))
        await until(lambda: len(me.model.me.hand.cards) == 3, "ann's card")
        await until(
            lambda: all(
                app.model.seats.get(me.model.my_id) is not None
                and len(app.model.seats[me.model.my_id].hand.cards) == 3
                for app in apps.values()
            ),
            "everyone to see ann's card",
        )
        # A moment on the clock, so the countdown reads like a real one.
        await task.deferLater(reactor, pause, lambda: None)
        me.save_screenshot(path)
    finally:
        for loop in loops:
            if loop.running:
                loop.stop()
        await defer.gatherResults([app.quit() for app in apps.values()])
        lobby.close()
        await port.stopListening()


async def make_casino_screenshot(path: Path = CASINO_PATH, pause: float = 1.2) -> None:
    """Play a casino round into ann's second split hand and save her window."""
    pygame.font.init()
    bots_draw = [card for name in PLAYERS for card in CASINO_BOTS.get(name, [])]
    shoe = StackedShoe(CASINO_DEAL + bots_draw + CASINO_ANN + CASINO_SPARE)
    lobby = Lobby.build(
        tables=1,
        config=CasinoConfig(
            seats=len(PLAYERS), turn_timeout=30, round_delay=3, bet_timeout=60
        ),
        clock=reactor,
        rng=random.Random(0),
        shoe_factory=lambda config: shoe,
    )
    factory = BlackjackServerFactory(lobby, reactor)
    port = reactor.listenTCP(0, build_site(factory, reactor), interface="127.0.0.1")
    url = f"ws://127.0.0.1:{port.getHost().port}/websocket"
    apps: dict[str, ClientApp] = {}
    inputs: dict[str, list[pygame.event.Event]] = {}
    loops = []

    def press(name: str, key: int) -> None:
        inputs[name].append(pygame.event.Event(pygame.KEYDOWN, key=key))

    try:
        for name in PLAYERS:
            surface = pygame.Surface(SIZE)
            queue: list[pygame.event.Event] = []
            inputs[name] = queue

            def take(queue: list[pygame.event.Event] = queue) -> list:
                events = queue[:]
                queue.clear()
                return events

            app = ClientApp(
                clock=reactor,
                surface=lambda surface=surface: surface,
                events=take,
                url=url,
                name=name,
                autoplay_delay=0,
            )
            apps[name] = app
            loop = task.LoopingCall(app.frame)
            loops.append(loop)
            app.start()
            loop.start(1 / 30)
            await until(lambda app=app: app.model.can_bet(), f"{name}'s seat")
        me = apps[ME]
        await until(lambda: len(me.model.seats) == len(PLAYERS), "the whole table")
        for name in PLAYERS:
            press(name, CASINO_BETS[name])
            await until(lambda app=apps[name]: app.model.me.bet, f"{name}'s bet")
        await until(lambda: me.model.can_split(), "ann's pair")
        for name in PLAYERS:
            if name == ME:
                continue
            bot = apps[name]
            bot.autoplay = True
            await until(lambda bot=bot: bot.model.me.state != PLAYING, f"{name}'s hand")
        press(ME, pygame.K_p)
        await until(
            lambda: (
                [len(h.cards) for h in me.model.me.hands] == [2, 2]
                and me.model.active_hand() == 0
            ),
            "ann's split",
        )
        press(ME, pygame.K_d)
        await until(lambda: me.model.active_hand() == 1, "ann's second hand")
        await task.deferLater(reactor, pause, lambda: None)
        me.save_screenshot(path)
    finally:
        for loop in loops:
            if loop.running:
                loop.stop()
        await defer.gatherResults([app.quit() for app in apps.values()])
        lobby.close()
        await port.stopListening()


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
