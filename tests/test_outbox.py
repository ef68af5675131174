"""Batched sending: what one client's message (or one timer) sends goes out
in one write per connection, the same bytes in the same order."""

from __future__ import annotations

from autobahn.websocket.protocol import PreparedMessage
from twisted.internet.interfaces import IReactorTime
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase
from zope.interface.verify import verifyObject

from blackjackd.outbox import Outbox
from blackjackd.protocol import BlackjackServerProtocol
from blackjackd.testing import CLASSIC_OPENING, MemoryServer
from blackjackd.wire import Stand, Wait


class Recorder:
    """A connection that records what it is written."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def sendPreparedMessage(self, preparedMsg: PreparedMessage) -> None:
        self.writes.append(preparedMsg.payloadHybi)

    def send_frames(self, frames: list[bytes]) -> None:
        self.writes.append(b"".join(frames))


def prepared(text: str) -> PreparedMessage:
    return PreparedMessage(text.encode(), False, False, True)


class OutboxTests(SynchronousTestCase):
    def test_outside_a_batch_each_message_is_written_at_once(self):
        outbox, ann = Outbox(), Recorder()
        one, two = prepared("one"), prepared("two")
        outbox.send(ann, one)
        outbox.send(ann, two)
        self.assertEqual(ann.writes, [one.payloadHybi, two.payloadHybi])

    def test_a_batch_writes_each_connection_once_in_order(self):
        outbox, ann, bob = Outbox(), Recorder(), Recorder()
        one, two, three = prepared("one"), prepared("two"), prepared("three")
        with outbox.batch():
            outbox.send(ann, one)
            outbox.send(bob, one)
            with outbox.batch():  # nested: the outer batch writes
                outbox.send(ann, two)
            outbox.send(ann, three)
            self.assertEqual(ann.writes + bob.writes, [])
        self.assertEqual(
            ann.writes, [one.payloadHybi + two.payloadHybi + three.payloadHybi]
        )
        self.assertEqual(bob.writes, [one.payloadHybi])

    def test_flush_writes_one_connection_now(self):
        outbox, ann, bob = Outbox(), Recorder(), Recorder()
        with outbox.batch():
            outbox.send(ann, prepared("one"))
            outbox.send(bob, prepared("two"))
            outbox.flush(ann)
            self.assertEqual(ann.writes, [prepared("one").payloadHybi])
            self.assertEqual(bob.writes, [])
        self.assertEqual(len(ann.writes), 1)
        self.assertEqual(bob.writes, [prepared("two").payloadHybi])

    def test_a_timed_clocks_timers_run_in_a_batch(self):
        clock, outbox, ann = Clock(), Outbox(), Recorder()
        timed = outbox.timed(clock)
        verifyObject(IReactorTime, timed)

        def send_two(first, second="two"):
            outbox.send(ann, prepared(first))
            outbox.send(ann, prepared(second))

        call = timed.callLater(2, send_two, "one", second="2")
        self.assertEqual(timed.getDelayedCalls(), [call])
        clock.advance(1)
        self.assertEqual(timed.seconds(), 1)
        clock.advance(1)
        self.assertEqual(
            ann.writes, [prepared("one").payloadHybi + prepared("2").payloadHybi]
        )


class CountingProtocol(BlackjackServerProtocol):
    """The server's protocol, counting the writes it makes."""

    writes = 0

    def sendPreparedMessage(self, preparedMsg):
        self.writes += 1
        super().sendPreparedMessage(preparedMsg)

    def send_frames(self, frames):
        self.writes += 1
        super().send_frames(frames)


class BatchedServerTests(SynchronousTestCase):
    def test_a_message_is_answered_in_one_write_per_connection(self):
        # ann stands on 20; bob, the last to play, stands too: the dealer
        # draws and the round is settled, all from bob's one message.
        server = MemoryServer(
            [*CLASSIC_OPENING, "TS", "QC", "KH", "JD", "7S", "9C", "3D"]
        )
        server.factory.protocol = CountingProtocol
        ann = server.seat("ann")
        bob = server.seat("bob")
        server.deal_together(ann, bob)
        ann.send({"type": "stand"})
        server.flush()
        ann.take()
        bob.take()
        before = {p: p.writes for p in server.factory.clients}
        bob.send({"type": "stand"})
        server.flush()
        heard = bob.take()
        self.assertEqual(ann.take(), heard)
        self.assertGreater(len(heard), 2)
        self.assertEqual([p.writes - before[p] for p in server.factory.clients], [1, 1])

    def test_a_close_goes_out_after_what_was_sent_before_it(self):
        server = MemoryServer(["TS", "7H"])
        ann = server.seat("ann")
        ann.take()
        (protocol,) = server.factory.clients
        with server.factory.outbox.batch():
            protocol.send_message(Wait(message="first"))
            protocol.close_with(1008, "bye")
            protocol.send_message(Stand(id=1, reason="after the close"))
        server.flush()
        self.assertEqual(ann.take(), [{"type": "wait", "message": "first"}])
        self.assertEqual(ann.close_code, 1008)
