"""Both clients come back to their seat over real sockets, on the real
reactor: against a scripted server (``tests.client_fake_server``), the
connection drops mid-hand, the client comes back with its token and draws
the table from the snapshot, a refused token falls back to the name and
password, close code 4001 ends it; and against the real server with
accounts and kept seats (``tests.client_live_accounts``), each client
comes back to the same seat and plays the hand on."""

from __future__ import annotations

import pygame
from twisted.internet import reactor

from blackjack_client.model import DISCONNECTED, PHASE_OVER, SEATED
from blackjackd import cli
from blackjackd.bots import Backoff
from blackjackd.testing import wait_for
from tests.client_fake_server import BACK, TOKEN, ScriptedServer
from tests.client_fake_server import SEATED as SEAT_MESSAGES
from tests.client_live_accounts import AccountsServer
from tests.live_players import LiveTestCase, Player
from tests.live_server import ROUND

#: Waits short enough for a test: 10 ms, doubling to 50 ms.
QUICK = Backoff(first=0.01, cap=0.05)
NAME_AND_PASSWORD = {"username": "ann", "password": "pw"}


def answer(protocol, message):
    """Sit down by name, come back by token."""
    if message.get("type") != "auth":
        return
    if "token" in message["data"]:
        protocol.send(*BACK)
    else:
        protocol.send(*SEAT_MESSAGES)


class PygameClientComesBackTests(LiveTestCase):
    """The pygame client on the real reactor against the scripted server."""

    async def test_dropped_mid_hand_back_by_token_then_signed_in_elsewhere(self):
        server = ScriptedServer(answer)
        ann = Player(server.address, "ann", password="pw", backoff=QUICK).start()
        try:
            await wait_for(ann.can_act, "ann's deal")
            # The network fails mid-hand: no close handshake.
            server.latest.dropConnection(abort=True)
            await wait_for(lambda: len(server.connections) == 2, "a new connection")
            await wait_for(
                lambda: ann.model.connection == SEATED and ann.can_act(), "back"
            )
            self.assertEqual(server.auths(), [NAME_AND_PASSWORD, {"token": TOKEN}])
            self.assertEqual(ann.model.notice, "Back at your seat")
            self.assertEqual(ann.model.me.hand.cards, ("TS", "2S"))
            ann.press(pygame.K_h)
            await wait_for(lambda: server.heard[-1] == {"type": "hit"}, "the hit")
            # Signed in elsewhere: the server closes with 4001; that's the end.
            server.latest.sendClose(code=4001, reason="signed in elsewhere")
            await wait_for(
                lambda: ann.model.connection == DISCONNECTED, "the disconnect"
            )
            self.assertEqual(
                (ann.model.close_code, ann.model.close_reason),
                (4001, "signed in elsewhere"),
            )
            self.assertEqual(ann.app.rejoin.stopped, "signed in elsewhere")
            self.assertEqual(len(server.connections), 2)
        finally:
            await self.quit(ann)
            await server.stop()


class TerminalClientComesBackTests(LiveTestCase):
    """The terminal session over real sockets against the scripted server."""

    async def test_a_refused_token_then_back_by_name_then_stood_up(self):
        tokens_refused = []

        def refuse_the_first_token(protocol, message):
            if message.get("type") == "auth" and "token" in message["data"]:
                if not tokens_refused:
                    tokens_refused.append(message)
                    protocol.send(
                        {"type": "error", "status_code": 401,
                         "message": "that token is not valid"}
                    )  # fmt: skip
                    return
            answer(protocol, message)

        server = ScriptedServer(refuse_the_first_token)
        session, lines = _terminal(server.address)
        try:
            await wait_for(lambda: "your move: h(it) or s(tand) within 30 s" in lines,
                           "the deal")  # fmt: skip
            server.latest.dropConnection(abort=True)
            # Refused once, the token gives way to the name and password.
            await wait_for(lambda: len(server.auths()) == 3, "signing in again")
            self.assertEqual(
                server.auths(),
                [NAME_AND_PASSWORD, {"token": TOKEN}, NAME_AND_PASSWORD],
            )
            self.assertIn("the seat held for you is gone: sitting down again", lines)
            self.assertTrue(
                any(line.startswith("connection lost (1006") for line in lines), lines
            )
            # Seated again (the client has read its new ``id`` and cards);
            # then dropped again: back by token, to the snapshot.
            await wait_for(
                lambda: lines.count("your move: h(it) or s(tand) within 30 s") >= 2,
                "dealt in again",
            )
            server.latest.dropConnection(abort=True)
            await wait_for(lambda: "back at your seat: table 1, playing" in lines,
                           "back at the seat")  # fmt: skip
            self.assertEqual(server.auths()[-1], {"token": TOKEN})
            session.command("s")
            await wait_for(lambda: server.heard[-1] == {"type": "stand"}, "the stand")
            # Stood up: the server says so and closes; no coming back.
            server.latest.send({"type": "left", "id": 7, "reason": "idle"})
            server.latest.sendClose(code=1000)
            await wait_for(lambda: session.done.called, "the end of the session")
            self.assertIn(
                "not coming back: you were stood up after too many idle rounds "
                "in a row",
                lines,
            )
            self.assertEqual(len(server.connections), 3)
        finally:
            session.quit()
            await server.stop()


class RealServerTests(LiveTestCase):
    """Both clients against the real server with accounts and kept seats:
    the connection dies mid-hand and each comes back to the same seat."""

    async def test_the_pygame_client_comes_back_to_its_seat(self):
        server = AccountsServer(ROUND)
        ann = Player(server.address, "ann", password="pw", backoff=QUICK).start()
        try:
            await wait_for(ann.can_act, "ann's deal")
            me, seat = ann.model.my_id, ann.model.me.seat
            self.assertEqual(ann.model.me.hand.cards, ("TS", "2S"))
            server.drop()
            await wait_for(
                lambda: (
                    ann.model.connection == SEATED
                    and ann.model.notice == "Back at your seat"
                ),
                "ann back at her seat",
            )
            self.assertEqual((ann.model.my_id, ann.model.me.seat), (me, seat))
            self.assertEqual(ann.model.me.hand.cards, ("TS", "2S"))
            self.assertTrue(ann.can_act())
            # And play goes on: she stands, the dealer draws, the round ends.
            ann.press(pygame.K_s)
            await wait_for(lambda: ann.model.phase == PHASE_OVER, "the round's end")
            # The dealer draws 9C 7D 8H: 24, a bust.
            self.assertEqual(ann.model.me.result, "win")
        finally:
            await self.quit(ann)
            await server.stop()

    async def test_the_terminal_client_comes_back_to_its_seat(self):
        server = AccountsServer(ROUND)
        session, lines = _terminal(server.address)
        try:
            await wait_for(lambda: "you drew 2S: 12" in lines, "the deal")
            me = session.notes.my_id
            server.drop()
            await wait_for(
                lambda: "back at your seat: table 1, playing" in lines, "back"
            )
            self.assertEqual(session.notes.my_id, me)
            self.assertIn("  you (seat 1): TS 2S: 12, playing", lines)
            self.assertIn(
                "connection lost (1006: connection lost), reconnecting in 0.0 s...",
                lines,
            )
            session.command("s")
            await wait_for(
                lambda: any(line.startswith("round over;") for line in lines),
                "the round's end",
            )
            self.assertIn("the dealer drew 8H: 24, bust", lines)
            self.assertIn("you won", lines)
        finally:
            session.quit()
            await wait_for(lambda: session.done.called, "the session's end")
            await server.stop()


def _terminal(address: str) -> tuple[cli.TerminalSession, list[str]]:
    """ann's terminal session at ``address``, started, and what it prints."""
    lines: list[str] = []
    settings = cli.parse_args([address, "--name", "ann", "--password", "pw"], {})
    session = cli.TerminalSession(
        settings,
        clock=reactor,
        connect=cli.connect_websocket,
        backoff=QUICK,
        out=lines.append,
    )
    session.start()
    return session, lines
