"""What the server does with the frames a client sends, before any table
sees them: repeated frames, and text that isn't UTF-8."""

from __future__ import annotations

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.testing import MemoryServer


def error(status_code: int, message: str) -> dict[str, object]:
    return {"type": "error", "status_code": status_code, "message": message}


class RequestFrameTests(SynchronousTestCase):
    def test_a_repeated_frame_is_handled_each_time(self):
        server = MemoryServer(["TS", "2H", "3C", "4D", "9S"])
        ann = server.seat("ann")
        ann.take()
        ann.sendMessage(b'{"type": "hit"}')
        ann.sendMessage(b'{"type": "hit"}')
        server.flush()
        hits = [m for m in ann.take() if m["type"] == "hit"]
        self.assertEqual([hit["card"] for hit in hits], ["3C", "4D"])

    def test_a_repeated_bad_frame_is_refused_each_time(self):
        server = MemoryServer(["TS", "7H"])
        ann = server.seat("ann")
        ann.take()
        for _ in range(2):
            ann.sendMessage(b'{"type": "tip"}')
        server.flush()
        self.assertEqual(ann.take(), [error(400, "unknown message type 'tip'")] * 2)

    def test_text_that_isnt_utf8_is_refused_like_bad_json(self):
        server = MemoryServer(["TS", "7H", "TC", "8D"])
        ann = server.seat("ann")
        ann.take()
        for frame in (b"\xff", b'{"type": "hit", "pad": "\xc3"}', b"\xed\xa0\x80"):
            ann.sendMessage(frame, isBinary=False)
        server.flush()
        self.assertEqual(ann.take(), [error(400, "data not json")] * 3)
        self.assertFalse(ann.closed)
        ann.send({"type": "stand"})
        server.flush()
        self.assertEqual(ann.take()[0]["type"], "stand")
