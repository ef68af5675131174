"""Real pygame client apps on the real reactor, each drawing headless on its
own surface and playing by injected key events."""

from __future__ import annotations

import pygame
from twisted.internet import reactor, task
from twisted.trial.unittest import TestCase

from blackjack_client.app import ClientApp

FPS = 30


class Player:
    """A client app drawing on its own surface, with its own event queue."""

    def __init__(self, url, name, size=(800, 600), **options):
        self.surface = pygame.Surface(size)
        self.queue = []
        self.app = ClientApp(
            clock=reactor,
            surface=lambda: self.surface,
            events=self._take,
            url=url,
            name=name,
            autoplay_delay=0,
            **options,
        )
        self.loop = task.LoopingCall(self.app.frame)

    def _take(self):
        events, self.queue = self.queue, []
        return events

    def start(self):
        self.app.start()
        self.loop.start(1 / FPS)
        return self

    def press(self, key):
        self.queue.append(pygame.event.Event(pygame.KEYDOWN, key=key))

    @property
    def model(self):
        return self.app.model

    def can_act(self):
        return self.model.can_act()

    async def quit(self):
        if self.loop.running:
            self.loop.stop()
        await self.app.quit()


class LiveTestCase(TestCase):
    """Plays on the real reactor; quitting a player checks its frames ran clean."""

    def setUp(self):
        pygame.font.init()

    async def quit(self, player):
        await player.quit()
        self.assertEqual(player.app.frame_errors, 0, player.app.model.my_name)
