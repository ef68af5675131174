"""The window: pygame's display and the frame loop on Twisted's reactor."""

from __future__ import annotations

import sys
from typing import Any

import pygame
from twisted.internet import defer, task
from twisted.internet.interfaces import IReactorCore

from blackjack_client import config, view
from blackjack_client.app import ClientApp, parse_args

FPS = 60
WINDOW_SIZE = (1024, 720)
MIN_SIZE = view.BASE_SIZE


def _keep_min_size(size: tuple[int, int]) -> None:
    width, height = size
    if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
        pygame.display.set_mode(
            (max(width, MIN_SIZE[0]), max(height, MIN_SIZE[1])), pygame.RESIZABLE
        )


def run(reactor: IReactorCore, argv: list[str]) -> defer.Deferred[Any]:
    """Open the window and play until the player quits."""
    args = parse_args(argv)
    # Only video and fonts: no audio device is needed, or wanted.
    pygame.display.init()
    pygame.font.init()
    try:
        pygame.display.set_mode(WINDOW_SIZE, pygame.RESIZABLE)
    except pygame.error as failed:
        print(f"blackjack-client: cannot open a window: {failed}", file=sys.stderr)
        pygame.quit()
        raise SystemExit(1) from None
    pygame.display.set_caption("blackjackd")
    caption = ["blackjackd"]

    def present() -> None:
        # The title says who is playing, to tell several windows apart.
        title = f"blackjackd: {app.name}" if app.name else "blackjackd"
        if title != caption[0]:
            caption[0] = title
            pygame.display.set_caption(title)
        pygame.display.flip()

    app = ClientApp(
        clock=reactor,  # type: ignore[arg-type]
        surface=pygame.display.get_surface,
        events=pygame.event.get,
        present=present,
        on_resize=_keep_min_size,
        url=args.url,
        name=args.name,
        password=args.password,
        autoplay=args.autoplay,
        strategy=args.strategy,
        rounds=args.rounds,
        screenshot=args.screenshot,
        table=args.table,
        watch=args.watch,
        lobby=args.lobby,
        cafile=args.cafile,
        config_file=config.config_path(),
    )
    # Ctrl-C stops the reactor: close the WebSocket properly first.
    reactor.addSystemEventTrigger("before", "shutdown", app.quit)
    loop = task.LoopingCall(app.frame)
    loop.clock = reactor  # type: ignore[assignment]
    app.start()
    loop.start(1 / FPS)

    def finished(_: object) -> None:
        if loop.running:
            loop.stop()
        pygame.quit()

    return app.done.addBoth(finished)
