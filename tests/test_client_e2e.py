"""The pygame client end to end: the real server on a free loopback port, two
(or more) real client apps in this process on the real reactor, playing by
injected key events, with their screens drawn headless."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pygame
from twisted.internet.utils import getProcessOutputAndValue

from blackjack_client import view
from blackjack_client.model import (
    FULL,
    PHASE_OVER,
    PHASE_PLAYING,
    RECONNECTING,
    SEATED,
    WAITING,
    Hand,
)
from blackjackd.bots import Backoff
from blackjackd.rules import settle
from blackjackd.testing import LiveServer as Server
from blackjackd.testing import wait_for
from tests.live_players import LiveTestCase, Player
from tests.live_server import ROUND, TWO_PLAYER_ROUND
from tests.scratch import scratch_directory

REPO = Path(__file__).resolve().parent.parent


class ClientEndToEndTests(LiveTestCase):
    """Real clients and the real server on loopback, on the real reactor."""

    async def test_two_clients_play_a_round_by_keys(self):
        tmp_path = scratch_directory(self)
        server = Server(TWO_PLAYER_ROUND)
        ann = Player(server.url, "ann").start()
        bob = None
        try:
            await wait_for(ann.can_act, "ann's opening deal")
            bob = Player(server.url, "bob", size=(1024, 768)).start()
            # bob sat mid-round: he waits, and can't act, until the next deal.
            await wait_for(
                lambda: bob.model.me is not None and bob.model.me.state == WAITING,
                "bob waiting",
            )
            self.assertFalse(bob.can_act())
            ann.press(pygame.K_s)
            await wait_for(lambda: ann.model.rounds == 1, "ann's opening round")
            await wait_for(bob.can_act, "bob's deal")
            await wait_for(ann.can_act, "ann's deal")
            await wait_for(lambda: bob.model.my_id in ann.model.seats, "ann sees bob")
            self.assertEqual(
                ann.model.seats[bob.model.my_id].hand, Hand(("9C", "7D"), 16)
            )
            self.assertEqual(
                bob.model.seats[ann.model.my_id].hand, Hand(("TS", "2S"), 12)
            )

            bob.press(pygame.K_s)
            ann.press(pygame.K_h)
            await wait_for(lambda: len(ann.model.me.hand.cards) == 3, "ann's card")
            self.assertEqual(ann.model.me.hand.points, 20)
            ann.press(pygame.K_s)
            for player in (ann, bob):
                await wait_for(lambda p=player: p.model.phase == PHASE_OVER, "the end")

            # Both clients settled the round as the server did.
            told = server.round_overs()
            self.assertEqual(len(told), 4)  # the opening round's, then this one's
            self.assertEqual(told[2], told[3])
            truth = told[3]
            for player in (ann, bob):
                model = player.model
                who = model.my_name
                self.assertEqual(
                    model.dealer,
                    Hand(tuple(truth["dealer"]["hand"]), truth["dealer"]["points"]),
                    who,
                )
                self.assertEqual(model.rounds, 2, who)
                for result in truth["results"]:
                    seat = model.seats[result["id"]]
                    whose = f"{who}'s view of {result['username']}"
                    self.assertEqual(seat.result, result["result"], whose)
                    self.assertEqual(
                        seat.hand, Hand(tuple(result["hand"]), result["points"]), whose
                    )
                    self.assertEqual(
                        seat.result,
                        settle(seat.hand.cards, model.dealer.cards).value,
                        whose,
                    )
                self.assertEqual(
                    {s.player_id: s.result for s in model.seats.values()},
                    {ann.model.my_id: "win", bob.model.my_id: "lose"},
                    who,
                )
                self.assertFalse(
                    any(b.enabled for b in view.buttons(model, (800, 600))), who
                )

            shot = tmp_path / "ann.png"
            ann.app.save_screenshot(shot)
            self.assertEqual(pygame.image.load(str(shot)).get_size(), (800, 600))

            # The results stay until the next round begins; then two new cards.
            await wait_for(lambda: ann.model.phase == PHASE_PLAYING, "the next round")
            await wait_for(ann.can_act, "ann's second deal")
            self.assertEqual(ann.model.me.hand, Hand(("2C", "3C"), 5))
            self.assertTrue(all(s.result is None for s in ann.model.seats.values()))
            self.assertGreater(ann.app.frames, 3)
            self.assertGreater(bob.app.frames, 3)

            # Q, and closing the window, close the WebSocket properly.
            ann.press(pygame.K_q)
            bob.queue.append(pygame.event.Event(pygame.QUIT))
            for player in (ann, bob):
                await wait_for(lambda p=player: p.app.done.called, "quitting")
            self.assertEqual(
                server.factory.closes,
                {
                    ann.model.my_id: (True, 1000),
                    bob.model.my_id: (True, 1000),
                },
            )
        finally:
            await self.quit(ann)
            if bob is not None:
                await self.quit(bob)
            await wait_for(lambda: not server.factory.clients, "clients to leave")
            await server.stop()

    async def test_table_full_then_retry(self):
        server = Server(ROUND * 2, seats=1)
        ann = Player(server.url, "ann").start()
        bob = Player(server.url, "bob")
        try:
            await wait_for(ann.can_act, "ann's deal")
            bob.start()
            await wait_for(lambda: bob.model.connection == FULL, "bob told it's full")
            await wait_for(
                lambda: bob.app.connection.is_gone, "bob's connection closed"
            )
            self.assertEqual(bob.model.close_code, 1013)
            self.assertTrue(
                view.status_text(bob.model)[0].startswith("Table full (507)")
            )
            # Retry while the table is still full: refused again.
            first = bob.app.connection
            bob.press(pygame.K_r)
            await wait_for(
                lambda: bob.app.connection is not first and bob.app.connection.is_gone,
                "bob's second refusal",
            )
            self.assertEqual(bob.model.connection, FULL)
            ann.press(pygame.K_q)
            await wait_for(lambda: ann.app.done.called, "ann to leave")
            await wait_for(lambda: server.lobby.seats_taken == 0, "ann's seat to free")
            bob.press(pygame.K_r)
            await wait_for(lambda: bob.model.connection == SEATED, "bob seated")
        finally:
            await self.quit(ann)
            await self.quit(bob)
            await server.stop()

    async def test_a_lost_server_then_coming_back_by_itself(self):
        server = Server(ROUND * 2)
        # Short waits between attempts, so the test doesn't wait long.
        ann = Player(server.url, "ann", backoff=Backoff(first=0.05, cap=0.2)).start()
        try:
            await wait_for(ann.can_act, "ann's deal")
            number = server.port.getHost().port
            await server.stop()
            await wait_for(
                lambda: ann.model.connection == RECONNECTING, "the wait to come back"
            )
            self.assertEqual(
                (ann.model.close_code, ann.model.close_reason),
                (1006, "connection lost"),
            )
            text, problem = view.status_text(ann.model, ann.app.clock.seconds())
            self.assertTrue(text.startswith("Connection lost, reconnecting in"))
            self.assertTrue(problem)
            frames = ann.app.frames
            await wait_for(lambda: ann.app.frames > frames + 2, "the window going on")
            # Nobody listens: the attempts fail, and it keeps trying.
            await wait_for(
                lambda: (
                    "cannot connect" in ann.model.close_reason
                    and ann.model.connection == RECONNECTING
                ),
                "a failed attempt",
            )
            self.assertIsNone(ann.app.rejoin.stopped)
            # The server is back on its port: ann sits down again by herself.
            server = Server(ROUND * 2, port=number)
            await wait_for(lambda: ann.model.connection == SEATED, "seated again")
            self.assertEqual(ann.app.frame_errors, 0)
        finally:
            await self.quit(ann)
            await server.stop()

    async def test_the_command_plays_rounds_and_saves_a_screenshot(self):
        tmp_path = scratch_directory(self)
        # solo: TS 8S (18) stands at once; the dealer TH 7D (17).
        server = Server(["TS", "8S", "TH", "7D"], seats=1)
        shot = tmp_path / "solo.png"
        env = {
            **os.environ,
            "SDL_VIDEODRIVER": "dummy",
            "SDL_AUDIODRIVER": "dummy",
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "PYTHONPATH": os.pathsep.join([str(REPO / "client"), str(REPO)]),
        }
        try:
            out, err, code = await getProcessOutputAndValue(
                sys.executable,
                [
                    "-m",
                    "blackjack_client",
                    server.url,
                    "--name",
                    "solo",
                    "--autoplay",
                    "--rounds",
                    "1",
                    "--screenshot",
                    str(shot),
                ],
                env=env,
                path=str(tmp_path),
            )
            self.assertEqual(code, 0, (out, err))
            self.assertEqual(pygame.image.load(str(shot)).get_size(), (1024, 720))
            [told] = server.round_overs()
            self.assertEqual(told["results"][0]["result"], "win")
            await wait_for(lambda: not server.factory.clients, "the client to leave")
            # Only the start screen writes the config file.
            self.assertFalse((tmp_path / "config").exists())
        finally:
            await server.stop()
