"""Every frame costs: pings, pongs and each frame of a message beyond its
first spend the connection's message budget, so a flood of them is closed
(1008); and a client that stops reading is dropped, not buffered for."""

from __future__ import annotations

from dataclasses import replace

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.testing import QUIET_LIMITS, MemoryServer, error_events

TIGHT = replace(QUIET_LIMITS, rate=1, burst=3)


class FrameBudgetTests(SynchronousTestCase):
    def test_a_ping_flood_is_closed(self) -> None:
        server = MemoryServer(real_shoe_seed=1, limits=TIGHT)
        flooder = server.connect()
        bystander = server.seat("bob")
        for _ in range(3):
            flooder.sendPing(b"x")
        server.flush()
        self.assertFalse(flooder.closed, "the burst is allowed")
        flooder.sendPing(b"x")
        server.flush()
        self.assertTrue(flooder.closed)
        self.assertEqual(flooder.close_code, 1008)
        self.assertFalse(bystander.closed)

    def test_over_budget_the_rest_of_a_read_is_not_parsed(self) -> None:
        server = MemoryServer(real_shoe_seed=1, limits=TIGHT)
        flooder = server.connect()
        (connection,) = server.factory.clients
        parsed = []
        charge = connection._charge_frame

        def counting() -> bool:
            parsed.append(1)
            return charge()

        connection._charge_frame = counting
        for _ in range(1000):
            flooder.sendPing(b"x")
        server.flush()  # all of them in one read
        self.assertEqual(len(parsed), 4, "the burst of 3, then the one over")
        self.assertEqual(flooder.close_code, 1008)

    def test_empty_continuation_frames_are_charged(self) -> None:
        server = MemoryServer(real_shoe_seed=1, limits=TIGHT)
        flooder = server.connect()
        with error_events() as logged:
            flooder.beginMessage()
            for _ in range(10):
                flooder.sendMessageFrame(b"")
            server.flush()
        self.assertTrue(flooder.closed)
        self.assertEqual(flooder.close_code, 1008)
        self.assertEqual(logged, [])

    def test_one_frame_messages_cost_once(self) -> None:
        server = MemoryServer(real_shoe_seed=1, limits=TIGHT)
        ann = server.seat("ann")  # one token for auth
        ann.take()
        ann.send({"type": "stand"})  # a second
        ann.send({"type": "bogus"})  # the third: a 400, not a close
        server.flush()
        received = ann.take()
        self.assertEqual(received[0]["type"], "stand")
        self.assertEqual(received[-1]["status_code"], 400)
        self.assertFalse(ann.closed)


class FastPlayerTests(SynchronousTestCase):
    def test_a_fast_player_keeps_the_budget_for_pongs(self) -> None:
        """Moves the table takes cost nothing, so a player faster than the
        message rate still answers the server's pings."""
        server = MemoryServer(
            ["TS", "2H"] + ["2C"] * 40 + ["TD", "7S"], config=None, limits=TIGHT
        )
        ann = server.seat("ann")
        ann.take()
        for _ in range(4):
            ann.send({"type": "hit"})  # more than the burst, in no time
        server.flush()
        received = ann.take()
        self.assertEqual(
            [m for m in received if m["type"] == "error"], [], "no move was refused"
        )
        self.assertEqual(
            len([m for m in received if m["type"] == "hit" and m["id"] == 1]), 4
        )
        for _ in range(2):  # what the burst had left after auth
            ann.sendPong(b"x")
        server.flush()
        self.assertFalse(ann.closed)


class SlowReaderTests(SynchronousTestCase):
    def test_a_client_that_stops_reading_is_dropped(self) -> None:
        server = MemoryServer(real_shoe_seed=1)
        ann = server.seat("ann")
        bob = server.seat("bob")
        (pump,) = [pump for pump in server._pumps if pump.client is ann]
        # The transport asks the server to pause, as TCP's does once 64 KiB
        # wait unsent.
        pump.server.transport.producer.pauseProducing()
        server.flush()
        self.assertTrue(ann.closed)
        self.assertFalse(bob.closed)
