"""The pygame client's lobby end to end: the real server on a loopback
port, real client apps on the real reactor. One lists the tables over HTTP
(``GET /tables``), watches the table from the lobby, then sits down there
on the same connection."""

from __future__ import annotations

import pygame

from blackjack_client.model import SEATED
from blackjack_client.net import TablesUnavailable, fetch_tables
from blackjackd.testing import LiveServer, wait_for
from tests.live_players import LiveTestCase, Player
from tests.live_server import TWO_PLAYER_ROUND


class LobbyEndToEndTests(LiveTestCase):
    """A real lobby, a real watcher, a real seat."""

    async def test_list_watch_then_sit(self):
        server = LiveServer(TWO_PLAYER_ROUND, seats=2)
        bob = Player(server.url, "bob").start()
        ann = None
        try:
            await wait_for(bob.can_act, "bob's deal")
            ann = Player(server.url, "ann", lobby=True).start()
            await wait_for(
                lambda: ann.app.lobby is not None and not ann.app.lobby.loading,
                "the tables listed",
            )
            lobby = ann.app.lobby
            self.assertEqual(lobby.problem, "")
            (table,) = lobby.tables
            self.assertEqual(
                (table.table, table.taken, table.players), (1, 1, ("bob",))
            )

            ann.press(pygame.K_DOWN)
            ann.press(pygame.K_w)
            await wait_for(lambda: ann.model.watching == 1, "watching table 1")
            await wait_for(lambda: bob.model.my_id in ann.model.seats, "bob seen")
            watcher = ann.app.connection
            self.assertIsNone(ann.model.me)
            self.assertEqual(ann.model.seats[bob.model.my_id].hand, bob.model.me.hand)
            # What bob does, the watcher sees.
            bob.press(pygame.K_h)
            await wait_for(
                lambda: len(ann.model.seats[bob.model.my_id].hand.cards) == 3,
                "bob's card, watched",
            )

            ann.press(pygame.K_RETURN)
            await wait_for(lambda: ann.model.connection == SEATED, "ann seated")
            self.assertIs(ann.app.connection, watcher)
            self.assertIsNone(ann.model.watching)
            self.assertEqual(ann.model.table, 1)
            await wait_for(lambda: ann.model.my_id in bob.model.seats, "bob sees ann")
        finally:
            for player in (ann, bob):
                if player is not None:
                    await self.quit(player)
            await server.stop()

    async def test_no_server_no_tables(self):
        server = LiveServer()
        url = server.url
        await server.stop()
        with self.assertRaises(TablesUnavailable) as caught:
            await fetch_tables(url)
        self.assertIn("cannot list the tables", str(caught.exception))
