"""The terminal player: it plays whole rounds by itself at both kinds of
table, against a real server on a loopback port; what typed commands send;
and, on a fake connection and a Clock, signing in with a password, coming
back to its seat after a drop, the rebuy and the history."""

from __future__ import annotations

import io
import random
import sys

from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase, TestCase

from blackjackd import cli, wire
from blackjackd.bots import Pace
from blackjackd.casino import CasinoConfig
from blackjackd.lobby import Lobby
from blackjackd.protocol import BlackjackServerFactory, BlackjackServerProtocol
from blackjackd.table import TableConfig
from blackjackd.testing import wait_for
from blackjackd.web import build_site
from blackjackd.wire import as_dict


class _Watched(BlackjackServerProtocol):
    """Tells the factory when the server's side of the connection is gone."""

    def onClose(self, wasClean: bool, code: int | None, reason: str | None) -> None:
        super().onClose(wasClean, code, reason)
        self.factory.gone.callback(wasClean)


CONFIGS = {
    "classic": TableConfig(seats=2, round_delay=0),
    "casino": CasinoConfig(seats=2, round_delay=0, starting_chips=100),
}


TYPED_COMMANDS = [
    ("h", {"type": "hit"}),
    # Hands are typed as shown, from 1; the server numbers them from 0.
    ("s 2", {"type": "stand", "hand": 1}),
    ("d", {"type": "double"}),
    ("p 1", {"type": "split", "hand": 0}),
    ("u", {"type": "surrender"}),
    ("b 25", {"type": "bet", "amount": 25}),
    ("i", {"type": "insurance", "take": True}),
    ("n", {"type": "insurance", "take": False}),
    ("r", {"type": "rebuy"}),
    ("rebuy", {"type": "rebuy"}),
    ("y", {"type": "history", "data": {"limit": 10}}),
    ("y 5", {"type": "history", "data": {"limit": 5}}),
    ("history 500", {"type": "history", "data": {"limit": 100}}),
    ("  ", None),
    ("b", None),
    ("fold", None),
]


def _printed(case: SynchronousTestCase) -> io.StringIO:
    """Whatever is printed from now on, until the test ends."""
    out = io.StringIO()
    case.patch(sys, "stdout", out)
    return out


class AutoPlayerTests(TestCase):
    """The terminal player's --auto, against a real server on loopback."""

    async def play(self, config, argv, seed=4):
        """Run the terminal player with ``argv`` at a one-table server of
        ``config`` until it leaves; what it printed."""
        out = _printed(self)
        # Real time for the network, and the reactor's time for the tables: the
        # bot answers at once, so no table timer ever fires.
        lobby = Lobby.build(1, config, reactor, random.Random(seed))
        factory = BlackjackServerFactory(lobby, reactor)
        factory.protocol = _Watched
        factory.gone = Deferred()
        port = reactor.listenTCP(0, build_site(factory, Clock()), interface="127.0.0.1")
        url = f"ws://127.0.0.1:{port.getHost().port}/websocket"
        try:
            # No password from the environment: these tables take guests.
            done = cli.run(reactor, [url, "--name", "bot", *argv], environ={})
            done.addTimeout(15, reactor)
            await done
            # The server has heard the close too: no connection is left behind.
            factory.gone.addTimeout(15, reactor)
            await factory.gone
        finally:
            lobby.close()
            await port.stopListening()
        self.assertEqual(factory.clients, set())
        return out.getvalue()

    async def test_the_auto_player_plays_rounds_and_leaves(self):
        for game in sorted(CONFIGS):
            out = await self.play(CONFIGS[game], ["--auto", "--rounds", "3"])
            self.assertEqual(out.count("round over;"), 3, game)
            self.assertNotIn("error", out, f"{game}: no error in {out!r}")
            self.assertIn("disconnected (1000", out, f"{game}: {out!r}")
            self.assertIn(f", {game}", out, f"{game}: {out!r}")
            if game == "casino":
                self.assertIn("you bet 10", out, f"{game}: {out!r}")
                self.assertIn("chips (", out, f"{game}: {out!r}")

    async def test_basic_strategy_is_never_refused(self):
        for seed in [1, 2]:
            # A pause between rounds keeps the bot within the server's message rate.
            config = CasinoConfig(
                seats=2,
                round_delay=0.25,
                starting_chips=1000,
                surrender=True,
                min_bet=2,
            )
            out = await self.play(
                config, ["--auto", "--strategy", "basic", "--rounds", "8"], seed
            )
            self.assertEqual(out.count("round over;"), 8, f"seed={seed}")
            self.assertNotIn("error", out, f"seed={seed}: no error in {out!r}")


class WatchThenSitTests(TestCase):
    """``--watch 2`` against a real two-table server on loopback: it
    watches table 2, then ``sit`` seats it there on the same connection."""

    async def test_watch_then_sit(self):
        lines = []
        # The tables keep still on a Clock; the network is real.
        lobby = Lobby.build(2, CONFIGS["classic"], Clock(), random.Random(1))
        factory = BlackjackServerFactory(lobby, reactor)
        factory.protocol = _Watched
        factory.gone = Deferred()
        port = reactor.listenTCP(0, build_site(factory, Clock()), interface="127.0.0.1")
        url = f"ws://127.0.0.1:{port.getHost().port}/websocket"
        settings = cli.parse_args([url, "--name", "ann", "--watch", "2"], {})
        session = cli.TerminalSession(
            settings, clock=reactor, connect=cli.connect_websocket, out=lines.append
        )
        try:
            session.start()
            await wait_for(lambda: session.watching == 2, "watching table 2")
            session.command("sit")
            await wait_for(lambda: session.notes.my_id is not None, "a seat")
            session.quit()
            session.done.addTimeout(15, reactor)
            await session.done
            factory.gone.addTimeout(15, reactor)
            await factory.gone
        finally:
            lobby.close()
            await port.stopListening()
        self.assertIn("table 2 now: playing", lines)
        self.assertIn("  no one is seated", lines)
        self.assertIn("seated at table 2 as ann", "\n".join(lines))
        self.assertIsNone(session.problem)


class FakeConnection:
    """Stands in for a ``TerminalPlayer``: records what is sent."""

    def __init__(self):
        self.sent = []
        self.left = False

    def send(self, request):
        self.sent.append(as_dict(request))

    def leave(self):
        self.left = True


TOKEN = "kq3Vh0y2b9n1T4r8w6e5Zx"
AUTH_NAME = {"type": "auth", "data": {"username": "ann", "password": "pw"}}
AUTH_TOKEN = {"type": "auth", "data": {"token": TOKEN}}
CASINO_ID = {
    "type": "id",
    "client_id": 7,
    "username": "ann",
    "table": 1,
    "seat": 0,
    "game": "casino",
    "rules": {"min_bet": 10, "max_bet": 500, "bet_unit": 2},
    "balance": 1000,
    "token": TOKEN,
    "account": True,
}
#: ann (7) back on a hard 12 whose turn runs; bob (5) is away.
SNAPSHOT = {
    "type": "snapshot",
    "table": 1,
    "game": "casino",
    "phase": "playing",
    "seats": [
        {"id": 7, "username": "ann", "seat": 0, "hand": ["TC", "2D"], "points": 12,
         "state": "playing", "connected": True,
         "hands": [{"hand": 0, "cards": ["TC", "2D"], "points": 12, "bet": 10,
                    "status": "playing"}],
         "bet": 10, "balance": 990, "insurance": 0},
        {"id": 5, "username": "bob", "seat": 1, "hand": ["9C", "8D"], "points": 17,
         "state": "done", "connected": False,
         "hands": [{"hand": 0, "cards": ["9C", "8D"], "points": 17, "bet": 20,
                    "status": "stood"}],
         "bet": 20, "balance": 480},
    ],
    "dealer": ["7S"],
    "hole_card": True,
    "turns": [{"id": 7, "hand": 0, "seconds": 21.5}],
    "balance": 990,
}  # fmt: skip


class Terminal:
    """A ``TerminalSession`` on fake connections and a Clock, keeping what
    it prints."""

    def __init__(self, *argv, environ=None):
        self.clock = Clock()
        self.lines = []
        self.attempts = 0
        self.connections = []
        settings = cli.parse_args(
            ["ws://x/websocket", "--name", "ann", *argv], environ or {}
        )
        self.session = cli.TerminalSession(
            settings,
            clock=self.clock,
            connect=self._connect,
            draw=lambda: 1.0,  # the top of each wait: 0.5 s, 1 s, 2 s...
            out=self.lines.append,
        )
        self.session.start()

    def _connect(self, session):
        self.attempts += 1

    def open(self):
        """The attempt's connection opens, and the server asks for auth."""
        connection = FakeConnection()
        self.connections.append(connection)
        self.session.opened(connection)
        self.session.received({"type": "auth"})
        return connection

    @property
    def connection(self):
        return self.connections[-1]

    def hear(self, *messages):
        for message in messages:
            self.session.received(message)

    def printed(self):
        """Every line printed since the last call."""
        lines, self.lines[:] = list(self.lines), []
        return lines


class TypedCommandsTests(SynchronousTestCase):
    """What each line typed at the terminal sends."""

    def test_typed_commands(self):
        for typed, sent in TYPED_COMMANDS:
            t = Terminal()
            t.open()
            t.connection.sent.clear()
            t.printed()
            t.session.command(typed)
            self.assertEqual(t.connection.sent, ([sent] if sent else []), repr(typed))
            if sent is None and typed.strip():
                self.assertIn("h hit, s stand", t.printed()[0], f"help for {typed!r}")

    def test_seated_mid_round_at_a_classic_table_it_waits(self):
        t = Terminal()
        t.open()
        t.printed()
        t.hear(
            {"type": "id", "client_id": 2, "username": "ann", "table": 1,
             "seat": 1, "seats": 5, "protocol": 1, "turn_timeout": 30},
            {"type": "other_players", "hand": ["TS", "7H"], "id": 1,
             "points": 17, "username": "bob", "seat": 0, "state": "playing"},
            {"type": "wait", "message": "dealt in at the next round"},
        )  # fmt: skip
        self.assertEqual(t.printed()[-1], "you are dealt in at the next round")
        t.hear({"type": "restart"})
        self.assertEqual(t.printed(), ["--- new round ---"])

    def test_q_leaves(self):
        t = Terminal()
        t.open()
        t.session.command("q")
        self.assertTrue(t.connection.left)
        self.assertFalse(t.session.done.called)
        t.session.closed(1000, "")
        self.assertTrue(t.session.done.called)
        self.assertEqual(t.printed()[-1], "disconnected (1000: no reason given)")

    def test_a_refused_bet_is_told_the_unit(self):
        t = Terminal()
        t.open()
        t.hear(
            {
                "type": "id",
                "client_id": 7,
                "username": "bot",
                "game": "casino",
                "rules": {
                    "blackjack_pays": "6:5",
                    "min_bet": 12,
                    "max_bet": 500,
                    "bet_unit": 5,
                },
            }
        )
        session = t.session
        self.assertEqual(session.unit(), 5)
        betting = wire.Betting(min_bet=12, max_bet=500, seconds=15)
        self.assertEqual(
            cli.describe(betting, 7, session.unit()),
            "place your bet: b 15 to b 500 in multiples of 5 within 15 s",
        )
        session.command("b 12")
        refused = wire.Error(400, "not on the unit")
        note = session.bet_refused(refused)
        self.assertIsNotNone(note)
        self.assertIn("bets are multiples of 5 chips, from 15 to 500", note)
        # Answered once: a later error is not about the bet.
        self.assertIsNone(session.bet_refused(refused))
        session.command("b 15")
        self.assertIsNone(session.bet_refused(wire.Bet(id=7, amount=15, balance=85)))
        self.assertIsNone(session.bet_refused(refused))


class PasswordTests(SynchronousTestCase):
    """``--password``, or ``$BLACKJACK_PASSWORD``; never printed."""

    def test_the_password_signs_in_and_is_never_printed(self):
        for argv, environ in [
            (["--password", "pw"], {}),
            ([], {"BLACKJACK_PASSWORD": "pw"}),
            (["--password", "pw"], {"BLACKJACK_PASSWORD": "other"}),
        ]:
            t = Terminal(*argv, environ=environ)
            connection = t.open()
            self.assertEqual(connection.sent, [AUTH_NAME], argv)
            t.hear(CASINO_ID)
            self.assertNotIn("pw", "\n".join(t.lines))
            self.assertIn("signed in", t.lines[-1])

    def test_without_one_a_guest(self):
        t = Terminal(environ={"BLACKJACK_PASSWORD": ""})
        self.assertEqual(t.open().sent, [{"type": "auth", "data": {"username": "ann"}}])

    def test_a_refused_password_ends_the_session(self):
        t = Terminal("--password", "wrong")
        t.open()
        t.hear({"type": "error", "status_code": 401, "message": "wrong password"})
        self.assertTrue(t.connection.left)
        self.assertEqual(
            t.printed(),
            [
                "connected; asking for a seat",
                "error 401: wrong password",
                "not signed in: the server refused the sign-in: wrong password",
            ],
        )
        t.session.closed(1000, "")
        self.assertTrue(t.session.done.called)
        t.clock.advance(600)
        self.assertEqual(t.attempts, 1)


def _seated(*argv):
    """ann, signed in and seated at a casino table with bob, bets open."""
    t = Terminal("--password", "pw", *argv)
    t.open()
    t.hear(
        CASINO_ID,
        {"type": "other_players", "hand": [], "id": 5, "points": 0,
         "username": "bob", "seat": 1, "state": "betting", "balance": 500},
        {"type": "betting", "min_bet": 10, "max_bet": 500, "seconds": 15},
    )  # fmt: skip
    t.printed()
    return t


class ComingBackTests(SynchronousTestCase):
    """Dropped mid-hand, the terminal player comes back to its seat."""

    def seated(self, *argv):
        return _seated(*argv)

    def test_dropped_mid_hand_it_comes_back_and_plays_on(self):
        t = self.seated("--auto")
        self.assertEqual(t.connection.sent[-1], {"type": "bet", "amount": 10})
        t.hear({"type": "bet", "id": 7, "amount": 10, "balance": 990})
        t.session.closed(1006, "connection lost")
        self.assertEqual(
            t.printed(),
            [
                "you bet 10",
                "connection lost (1006: connection lost), reconnecting in 0.5 s...",
            ],
        )
        t.clock.advance(0.4)
        self.assertEqual(t.attempts, 1)
        t.clock.advance(0.1)
        self.assertEqual(t.attempts, 2)
        connection = t.open()
        self.assertEqual(connection.sent, [AUTH_TOKEN])
        t.hear(CASINO_ID, SNAPSHOT)
        lines = t.printed()
        self.assertIn("back at your seat: table 1, playing", lines)
        self.assertIn("  dealer: 7S and a card face down", lines)
        self.assertIn(
            "  you (seat 1): TC 2D: 12 (bet 10, playing), playing; 990 chips", lines
        )
        self.assertIn(
            "  bob (seat 2, away): 9C 8D: 17 (bet 20, stood), done; 480 chips", lines
        )
        # 990 chips cover a double of the 10 bet; no pair, no surrender here.
        self.assertIn("your move: h(it), s(tand) or d(ouble) within 22 s", lines)
        # The bot plays the turn the snapshot shows: 12 against a 7, a hit.
        self.assertEqual(connection.sent[-1], {"type": "hit", "hand": 0})
        t.hear({"type": "back", "id": 5}, {"type": "away", "id": 5, "seconds": 30})
        self.assertEqual(
            t.printed(), ["bob is back", "bob is away; their seat is held 30 s"]
        )

    def test_auto_moves_are_spaced_out(self):
        # Two decisions at once (a bet, then the snapshot's turn): the second
        # waits, so the bot never runs into the server's message budget.
        t = self.seated("--auto")
        bet = {"type": "bet", "amount": 10}
        self.assertEqual(t.connection.sent, [AUTH_NAME, bet])
        t.hear(SNAPSHOT)
        self.assertEqual(t.connection.sent, [AUTH_NAME, bet])
        t.clock.advance(Pace.GAP)
        self.assertEqual(
            t.connection.sent, [AUTH_NAME, bet, {"type": "hit", "hand": 0}]
        )

    def test_a_move_paced_past_a_drop_is_not_sent(self):
        t = self.seated("--auto")
        t.hear(SNAPSHOT)
        t.session.closed(1006, "connection lost")
        t.clock.advance(0.5)
        connection = t.open()
        self.assertEqual(connection.sent, [AUTH_TOKEN])
        self.assertEqual(t.clock.getDelayedCalls(), [])

    def test_a_refused_token_sits_down_again_by_name(self):
        t = self.seated()
        t.session.closed(1006, "connection lost")
        t.clock.advance(0.5)
        t.open()
        t.hear({"type": "error", "status_code": 401, "message": "that token is gone"})
        self.assertEqual(t.connection.sent, [AUTH_TOKEN, AUTH_NAME])
        self.assertFalse(t.connection.left)
        self.assertIn("the seat held for you is gone: sitting down again", t.printed())
        t.hear({**CASINO_ID, "client_id": 9})
        self.assertEqual(t.session.notes.my_id, 9)

    def test_waits_grow_a_full_table_is_tried_again_and_it_gives_up(self):
        t = self.seated()
        t.session.closed(1006, "connection lost")
        waits = []
        while not t.session.done.called:
            call = t.clock.getDelayedCalls()[0]
            waits.append(call.getTime() - t.clock.seconds())
            t.clock.advance(waits[-1])
            if len(waits) == 3:
                t.open()
                t.hear({"type": "error", "status_code": 507, "message": "all busy"})
                t.session.closed(1013, "all busy")
            else:
                t.session.closed(None, "cannot connect: refused")
        self.assertEqual(waits[:6], [0.5, 1.0, 2.0, 4.0, 8.0, 10.0])
        self.assertLessEqual(sum(waits), 120)
        self.assertEqual(
            t.printed()[-1], "not coming back: gave up coming back after 120 s"
        )

    def test_signed_in_elsewhere_stops(self):
        t = self.seated()
        t.session.closed(4001, "signed in elsewhere")
        self.assertEqual(
            t.printed(),
            [
                "disconnected (4001: signed in elsewhere)",
                "not coming back: signed in elsewhere",
            ],
        )
        self.assertTrue(t.session.done.called)
        t.clock.advance(600)
        self.assertEqual(t.attempts, 1)

    def test_stood_up_for_idling_stops(self):
        t = self.seated()
        t.hear({"type": "left", "id": 7, "reason": "idle"})
        t.session.closed(1000, "")
        lines = t.printed()
        self.assertEqual(
            lines[0], "you were stood up after too many idle rounds in a row"
        )
        self.assertTrue(t.session.done.called)
        self.assertEqual(t.attempts, 1)

    def test_others_leave_with_their_reason(self):
        t = self.seated()
        t.hear(
            {"type": "left", "id": 5, "reason": "gone"},
            {"type": "left", "id": 8},
        )
        self.assertEqual(t.printed(), ["bob left (away too long)", "player 8 left"])

    def test_quitting_while_waiting(self):
        t = self.seated()
        t.session.closed(1006, "connection lost")
        t.session.command("q")
        self.assertTrue(t.session.done.called)
        t.clock.advance(600)
        self.assertEqual(t.attempts, 1)


SHUTDOWN = {"type": "shutdown", "seconds": 60.0}
STOPPING = {"type": "error", "status_code": 503,
            "message": "the server is stopping: try again soon"}  # fmt: skip


class ServerRestartTests(SynchronousTestCase):
    """The server stops (``shutdown``, then 1001): the terminal player says
    so, waits longer than after a drop, and sits back down once it's back."""

    def stopped(self):
        t = _seated()
        t.hear(SHUTDOWN)
        self.assertEqual(
            t.printed(),
            ["the server is stopping: finishing this round, back when it restarts"],
        )
        t.session.closed(1001, "the server is stopping")
        self.assertEqual(
            t.printed(),
            [
                "waiting for the server to come back (1001: the server is "
                "stopping), trying again in 0.5 s..."
            ],
        )
        return t

    def fail_until(self, t, seconds):
        """Every attempt fails, until ``seconds`` after now."""
        until = t.clock.seconds() + seconds
        while not t.session.done.called and t.clock.seconds() < until:
            [call] = t.clock.getDelayedCalls()
            t.clock.advance(call.getTime() - t.clock.seconds())
            t.session.closed(None, "cannot connect: Connection refused")

    def test_it_comes_back_to_a_restarted_server(self):
        t = self.stopped()
        # Longer than the 120 s after a drop.
        self.fail_until(t, 300)
        self.assertFalse(t.session.done.called)
        self.assertEqual(
            t.printed()[-1],
            "waiting for the server to come back (cannot connect: Connection "
            "refused), trying again in 10.0 s...",
        )
        t.clock.advance(10)
        # The restarted server doesn't know the token: the name sits down.
        t.open()
        t.hear({"type": "error", "status_code": 401, "message": "unknown token"})
        self.assertEqual(t.connection.sent, [AUTH_TOKEN, AUTH_NAME])
        t.hear({**CASINO_ID, "client_id": 9})
        lines = t.printed()
        self.assertIn("the server is back", lines)
        self.assertIn("seated at table 1 as ann", lines[-1])
        self.assertFalse(t.session.rejoin.server_stopping)
        # A drop now is a drop again: the short budget.
        self.assertEqual(t.session.rejoin.budget, 120)

    def test_a_server_still_stopping_is_tried_again(self):
        t = self.stopped()
        t.clock.advance(0.5)
        t.open()
        t.hear({"type": "error", "status_code": 401, "message": "unknown token"})
        t.hear(STOPPING)
        self.assertTrue(t.connection.left)
        t.session.closed(1000, "")
        self.assertFalse(t.session.done.called)
        self.assertEqual(t.printed()[-1], "trying again in 1.0 s...")

    def test_it_gives_up_after_ten_minutes(self):
        t = self.stopped()
        self.fail_until(t, 700)
        self.assertTrue(t.session.done.called)
        self.assertLessEqual(t.clock.seconds(), 600)
        self.assertEqual(
            t.printed()[-1],
            "not coming back: the server did not come back within 600 s",
        )
        self.assertEqual(t.session.problem, "the server did not come back within 600 s")

    def test_a_first_sign_in_told_to_try_again_does(self):
        # A stopping server, or a cluster's table moving between nodes,
        # answers 503: the newcomer waits and signs in again.
        t = Terminal("--password", "pw")
        t.open()
        t.hear(STOPPING)
        self.assertTrue(t.connection.left)
        t.session.closed(1000, "")
        self.assertFalse(t.session.done.called)
        self.assertEqual(t.printed()[-1], "trying again in 0.5 s...")
        t.clock.advance(1)
        self.assertEqual(t.attempts, 2)
        t.open()
        self.assertEqual(t.connection.sent[-1], AUTH_NAME)
        t.hear(CASINO_ID)
        self.assertIsNone(t.session.problem)
        self.assertIn("the server is back", t.printed())


class RebuyAndHistoryTests(SynchronousTestCase):
    """``r`` when broke, and the rounds played."""

    ROUNDS = [
        {"id": "a", "table": 1, "round": 12, "game": "casino", "at": 1764080000.5,
         "status": "settled", "dealer": ["KD", "7S"],
         "hands": [{"hand": 0, "cards": ["TC", "9H"], "points": 19, "bet": 50,
                    "result": "win", "payout": 100}],
         "staked": 50, "returned": 100, "net": 50},
        {"id": "b", "table": 1, "round": 11, "game": "casino", "at": 1764079000.0,
         "status": "refunded", "dealer": [], "hands": [], "staked": 20,
         "returned": 20, "net": 0},
    ]  # fmt: skip

    def test_broke_at_betting_it_offers_a_rebuy(self):
        t = Terminal("--password", "pw")
        t.open()
        t.hear(
            {**CASINO_ID, "balance": 4},
            {"type": "betting", "min_bet": 10, "max_bet": 500, "seconds": 15},
        )
        self.assertEqual(
            t.printed()[-1],
            "your chips can't cover the smallest bet: r asks for a rebuy",
        )
        t.session.command("r")
        self.assertEqual(t.connection.sent[-1], {"type": "rebuy"})
        t.hear({"type": "error", "status_code": 409, "message": "too soon: 40 min"})
        t.hear({"type": "rebuy", "amount": 996, "balance": 1000, "next_in": 3600.0})
        self.assertEqual(
            t.printed(),
            [
                "error 409: too soon: 40 min",
                "rebuy: +996 chips, you have 1000; the next one in 60 min",
            ],
        )
        t.hear({"type": "betting", "min_bet": 10, "max_bet": 500, "seconds": 15})
        self.assertNotIn("rebuy", t.printed()[-1])

    def test_y_prints_the_last_rounds(self):
        t = Terminal("--password", "pw")
        t.open()
        t.hear(CASINO_ID)
        t.printed()
        t.session.command("y 2")
        t.hear({"type": "history", "rounds": self.ROUNDS})
        first, second = t.printed()
        self.assertTrue(
            first.endswith(
                "table 1 round 12: dealer KD 7S; TC 9H 19 win (bet 50, paid 100); "
                "net +50"
            ),
            first,
        )
        self.assertTrue(second.endswith("table 1 round 11: refunded, 20 chips back"))
        t.hear({"type": "history", "rounds": []})
        self.assertEqual(t.printed(), ["no rounds played yet"])

    def test_history_option_prints_and_leaves(self):
        t = Terminal("--password", "pw", "--history", "2")
        t.open()
        t.hear(
            CASINO_ID,
            {"type": "betting", "min_bet": 10, "max_bet": 500, "seconds": 15},
        )
        self.assertEqual(
            t.connection.sent[-1], {"type": "history", "data": {"limit": 2}}
        )
        self.assertEqual(t.printed(), [])  # the table's chatter is not shown
        t.hear({"type": "history", "rounds": self.ROUNDS})
        self.assertEqual(len(t.printed()), 2)
        self.assertTrue(t.connection.left)
        t.session.closed(1000, "")
        self.assertTrue(t.session.done.called)

    def test_history_option_for_a_guest(self):
        t = Terminal("--history", "5")
        t.open()
        t.hear(
            {**CASINO_ID, "account": False},
            {"type": "error", "status_code": 409, "message": "a guest has no history"},
        )
        self.assertEqual(t.printed(), ["error 409: a guest has no history"])
        self.assertTrue(t.connection.left)

    def test_history_option_is_1_to_100(self):
        for bad in ["0", "101", "x"]:
            self.assertRaises(SystemExit, cli.parse_args, ["--history", bad], {})


def _casino(t, balance=1000, **rules):
    """Seat ann (7) at a casino table with bob (5), bets open."""
    t.open()
    t.hear(
        {**CASINO_ID, "balance": balance,
         "rules": {**CASINO_ID["rules"], **rules}},
        {"type": "other_players", "hand": [], "id": 5, "points": 0,
         "username": "bob", "seat": 1, "state": "betting", "balance": 500},
        {"type": "betting", "min_bet": 10, "max_bet": 500, "seconds": 14.9424},
    )  # fmt: skip
    return t


def _deal(t, mine=("8C", "8D"), upcard="6H", balance=1000):
    """Both bet 10; ann is dealt ``mine``, bob 9C 7D, the dealer ``upcard``."""
    t.hear(
        {"type": "bet", "id": 7, "amount": 10, "balance": balance - 10},
        {"type": "bet", "id": 5, "amount": 10, "balance": 490},
        {"type": "restart"},
        {"type": "hit", "card": mine[0], "id": 7, "points": 8, "hand": 0},
        {"type": "hit", "card": "9C", "id": 5, "points": 9, "hand": 0},
        {"type": "hit", "card": upcard, "id": "dealer", "points": 6},
        {"type": "hit", "card": mine[1], "id": 7, "points": 16, "hand": 0},
        {"type": "hit", "card": "7D", "id": 5, "points": 16, "hand": 0},
        {"type": "hole_card", "id": "dealer"},
    )  # fmt: skip


class ReadsLikeAGameTests(SynchronousTestCase):
    """What the terminal prints reads like a game: names, hands numbered
    only after a split, whole seconds, the moves allowed now."""

    def test_players_are_named_and_the_dealer_is_the_dealer(self):
        t = _casino(Terminal())
        t.printed()
        _deal(t)
        self.assertEqual(
            t.printed(),
            [
                "you bet 10",
                "bob bet 10",
                "--- new round ---",
                "you drew 8C: 8",
                "bob drew 9C: 9",
                "the dealer drew 6H: 6",
                "you drew 8D: 16",
                "bob drew 7D: 16",
                "the dealer takes a card face down",
            ],
        )
        t.hear(
            {"type": "stand", "id": 5, "hand": 0, "reason": "timeout"},
            {"type": "sit_out", "id": 5},
            {"type": "stand", "id": 7, "hand": 0, "reason": "stand"},
            {"type": "double", "id": 5, "hand": 0, "bet": 20, "balance": 480},
        )
        self.assertEqual(
            t.printed(),
            [
                "bob stands (out of time)",
                "bob sits this round out",
                "you stand",
                "bob doubles",
            ],
        )

    def test_whole_seconds(self):
        t = _casino(Terminal())
        self.assertEqual(
            t.printed()[-1],
            "place your bet: b 10 to b 500 in multiples of 2 within 15 s",
        )
        t.hear({"type": "away", "id": 5, "seconds": 29.6})
        self.assertEqual(t.printed(), ["bob is away; their seat is held 30 s"])

    def test_the_prompt_lists_the_moves_allowed_now(self):
        t = _casino(Terminal(), surrender=True)
        _deal(t)
        t.printed()
        t.hear({"type": "deadline", "id": 7, "hand": 0, "seconds": 29.9})
        self.assertEqual(
            t.printed(),
            ["your move: h(it), s(tand), d(ouble), p (split) or u (surrender) "
             "within 30 s"],
        )  # fmt: skip

    def test_chips_that_cant_pay_leave_double_and_split_out(self):
        t = _casino(Terminal(), balance=15)
        _deal(t, balance=15)
        t.hear({"type": "deadline", "id": 7, "hand": 0, "seconds": 30})
        self.assertEqual(t.printed()[-1], "your move: h(it) or s(tand) within 30 s")

    def test_hands_are_numbered_from_1_once_split_and_forgotten_next_round(self):
        t = _casino(Terminal())
        _deal(t)
        t.hear({"type": "deadline", "id": 7, "hand": 0, "seconds": 30})
        t.printed()
        t.hear(
            {"type": "split", "id": 7, "hand": 0, "new_hand": 1, "balance": 980,
             "hands": [{"hand": 0, "cards": ["8C"], "points": 8, "bet": 10,
                        "status": "playing"},
                       {"hand": 1, "cards": ["8D"], "points": 8, "bet": 10,
                        "status": "playing"}]},
            {"type": "hit", "card": "3S", "id": 7, "points": 11, "hand": 0},
            {"type": "hit", "card": "TC", "id": 7, "points": 18, "hand": 1},
            {"type": "deadline", "id": 7, "hand": 1, "seconds": 20},
            {"type": "hit", "card": "2S", "id": 5, "points": 18, "hand": 0},
            {"type": "winner", "id": 7, "hand": 1, "payout": 20},
        )  # fmt: skip
        self.assertEqual(
            t.printed(),
            [
                "you split; 980 chips left",
                "you drew 3S: 11 (hand 1)",
                "you drew TC: 18 (hand 2)",
                "your move on hand 2: h 2 (hit), s 2 (stand) or d 2 (double) "
                "within 20 s",
                "bob drew 2S: 18",
                "you won (hand 2): paid 20",
            ],
        )
        t.session.command("s 2")
        self.assertEqual(t.connection.sent[-1], {"type": "stand", "hand": 1})
        t.hear(
            {"type": "betting", "min_bet": 10, "max_bet": 500, "seconds": 15},
            {"type": "bet", "id": 7, "amount": 10, "balance": 990},
            {"type": "restart"},
            {"type": "hit", "card": "5C", "id": 7, "points": 5, "hand": 0},
        )
        self.assertEqual(t.printed()[-1], "you drew 5C: 5")

    def test_round_over_names_the_others_results(self):
        t = _casino(Terminal())
        _deal(t)
        t.printed()
        t.hear(
            {"type": "round_over", "dealer": {"hand": ["6H", "TS", "4C"],
             "points": 20}, "results": [
                {"id": 7, "username": "ann", "index": 0, "hand": ["8C", "8D"],
                 "points": 16, "bet": 10, "result": "lose", "payout": 0},
                {"id": 5, "username": "bob", "index": 0, "hand": ["9C", "7D"],
                 "points": 16, "bet": 10, "result": "lose", "payout": 0}],
             "next_round_in": 3},
        )  # fmt: skip
        self.assertEqual(
            t.printed(),
            [
                "round over; the dealer has 6H TS 4C: 20",
                "  bob: 9C 7D: 16, lose, paid 0",
            ],
        )

    def test_insurance_is_confirmed_with_its_result(self):
        for take, said, result in [
            (True, "you took insurance for 5; 985 chips left",
             "the dealer has blackjack: your insurance pays 15; you have 1000 chips"),
            (False, "you declined insurance", None),
        ]:  # fmt: skip
            t = _casino(Terminal())
            _deal(t, upcard="AH")
            t.hear({"type": "insurance_offer", "amount": 5, "seconds": 9.7})
            self.assertEqual(
                t.printed()[-1], "insurance for 5? i to take, n to decline, within 10 s"
            )
            t.session.command("i" if take else "n")
            self.assertEqual(t.connection.sent[-1], {"type": "insurance", "take": take})
            t.hear(
                {"type": "insurance", "id": 7, "taken": take,
                 "amount": 5 if take else 0, "balance": 985 if take else 990},
                {"type": "insurance", "id": 5, "taken": False, "amount": 0,
                 "balance": 490},
                {"type": "peek", "blackjack": True},
            )  # fmt: skip
            if take:
                t.hear(
                    {"type": "insurance_result", "id": 7, "amount": 5,
                     "payout": 15, "balance": 1000},
                )  # fmt: skip
            lines = t.printed()
            self.assertEqual(
                lines,
                [said, "bob declined insurance", "the dealer has blackjack"]
                + ([result] if result else []),
            )

    def test_betting_shows_no_cards_of_the_last_round(self):
        t = _casino(Terminal())
        self.assertIn("bob is at the table", t.printed())
        snapshot = {
            **SNAPSHOT,
            "phase": "betting",
            "turns": [],
            "seconds": 12.2,
            "dealer": ["7S", "TD"],
            "hole_card": False,
        }
        snapshot["seats"] = [{**seat, "bet": None} for seat in SNAPSHOT["seats"]]
        t.hear(snapshot)
        lines = t.printed()
        self.assertEqual(
            lines,
            [
                "back at your seat: table 1, betting",
                "  you (seat 1): no cards, playing; 990 chips",
                "  bob (seat 2, away): no cards, done; 480 chips",
                "bets close in 12 s",
            ],
        )


class EndingTests(SynchronousTestCase):
    """How the program ends: 0 when the player leaves; 1 with a line on
    stderr when it can't play; 2 for an address that is none."""

    def run_cli(self, *argv, answer=None):
        """``cli.run`` on a Clock, each connection made by ``answer(session)``;
        the session, what ``run`` ended with, and stderr."""
        err = io.StringIO()
        self.patch(sys, "stderr", err)
        _printed(self)
        sessions = []

        def connect(session):
            sessions.append(session)
            if answer is not None:
                answer(session)

        done = cli.run(Clock(), ["ws://x/websocket", "--auto", *argv], {}, connect)
        return (sessions[0] if sessions else None), done, err

    def test_cannot_connect(self):
        _, done, err = self.run_cli(
            answer=lambda s: s.closed(None, "cannot connect: Connection refused")
        )
        self.assertEqual(self.failureResultOf(done, SystemExit).value.code, 1)
        self.assertEqual(
            err.getvalue(),
            "python -m blackjackd.cli: cannot connect: Connection refused\n",
        )

    def test_a_full_server(self):
        session, done, err = self.run_cli()
        connection = FakeConnection()
        session.opened(connection)
        session.received({"type": "error", "status_code": 507, "message": "all busy"})
        session.closed(1013, "all busy")
        self.assertEqual(self.failureResultOf(done, SystemExit).value.code, 1)
        self.assertEqual(
            err.getvalue(),
            "python -m blackjackd.cli: every seat at every table is taken: "
            "try again later\n",
        )

    def test_leaving_is_0(self):
        session, done, err = self.run_cli("--rounds", "1")
        session.opened(FakeConnection())
        session.received({"type": "auth"})
        session.received(CASINO_ID)
        # A round played without you (you waited for the next deal) doesn't
        # count; the one you were dealt into does.
        session.received(
            {"type": "round_over", "dealer": {"hand": ["TS"], "points": 10},
             "results": []}
        )  # fmt: skip
        self.assertFalse(session.connection.left)
        session.received(
            {"type": "round_over", "dealer": {"hand": ["TS", "7C"], "points": 17},
             "results": [{"id": 7, "hand": ["TC", "9D"], "points": 19,
                          "result": "win"}]}
        )  # fmt: skip
        self.assertTrue(session.connection.left)
        session.closed(1000, "")
        self.assertIsNone(self.successResultOf(done))
        self.assertEqual(err.getvalue(), "")

    def test_a_bad_address_is_one_line(self):
        for url, why in [
            ("localhost:8888", "protocol scheme 'localhost' is not for WebSocket"),
            (
                "http://localhost/websocket",
                "protocol scheme 'http' is not for WebSocket",
            ),
            ("ws://", "missing hostname"),
        ]:
            err = io.StringIO()
            self.patch(sys, "stderr", err)
            done = cli.run(Clock(), [url], {}, lambda session: self.fail("connected"))
            self.assertEqual(self.failureResultOf(done, SystemExit).value.code, 2)
            self.assertEqual(
                err.getvalue(),
                f"python -m blackjackd.cli: bad server address {url!r}: {why}\n",
            )

    def test_a_bad_address_at_connect_is_reported_not_raised(self):
        t = Terminal()
        t.session.url = "http://x/websocket"
        cli.connect_websocket(t.session)
        self.assertTrue(t.session.done.called)
        self.assertIn("bad server address", t.session.problem)


WATCHING = {"type": "watching", "table": 2, "game": "classic", "seats": 3,
            "watchers": 1, "turn_timeout": 30.0}  # fmt: skip
#: Table 2 as a watcher first sees it: bob (5) plays, cy (6) has stood.
WATCHED = {
    "type": "snapshot", "table": 2, "game": "classic", "phase": "playing",
    "seats": [
        {"id": 5, "username": "bob", "seat": 0, "hand": ["9C", "3D"],
         "points": 12, "state": "playing", "connected": True},
        {"id": 6, "username": "cy", "seat": 2, "hand": ["TH", "8S"],
         "points": 18, "state": "stood", "connected": True},
    ],
    "dealer": [], "hole_card": False, "turns": [{"id": 5, "seconds": 12.5}],
}  # fmt: skip
CLASSIC_ID = {"type": "id", "client_id": 7, "username": "ann", "table": 2,
              "seat": 1, "seats": 3, "protocol": 1, "turn_timeout": 30}  # fmt: skip


class ChosenTableTests(SynchronousTestCase):
    """``--table N``: the URL and ``auth`` name the table; a table that
    isn't, or is full, is said in plain words."""

    def test_the_url_and_auth_name_the_table(self):
        t = Terminal("--table", "2")
        self.assertEqual(t.session.url, "ws://x/websocket?table=2")
        self.assertEqual(
            t.open().sent,
            [{"type": "auth", "data": {"username": "ann", "table": 2}}],
        )
        # Coming back to the seat is by token alone.
        t.hear({**CLASSIC_ID, "token": TOKEN})
        t.session.closed(1006, "connection lost")
        t.clock.advance(0.5)
        self.assertEqual(t.open().sent, [AUTH_TOKEN])

    def test_the_path_and_other_parameters_are_kept(self):
        settings = cli.parse_args(["wss://h:9/bj/websocket?v=1", "--table", "3"], {})
        session = cli.TerminalSession(settings, clock=Clock(), connect=lambda s: None)
        self.assertEqual(session.url, "wss://h:9/bj/websocket?v=1&table=3")

    def test_no_such_table_or_a_full_one(self):
        for code, message, said in [
            (404, "no table 9", "there is no table 9"),
            (507, "table 9 is full", "table 9 is full: every seat is taken"),
        ]:
            t = Terminal("--table", "9")
            t.open()
            t.hear({"type": "error", "status_code": code, "message": message})
            # The server keeps the connection open: the client leaves.
            self.assertTrue(t.connection.left, code)
            t.session.closed(1000, "")
            self.assertTrue(t.session.done.called)
            self.assertEqual(t.session.problem, said)

    def test_table_and_watch_are_numbers_from_1_and_not_both(self):
        for argv in (
            ["--table", "0"],
            ["--watch", "x"],
            ["--table", "1", "--watch", "2"],
        ):
            self.assertRaises(SystemExit, cli.parse_args, argv, {})


class WatchingTests(SynchronousTestCase):
    """``--watch N``: the table's play for a watcher, then ``sit``."""

    def watching(self, *argv):
        t = Terminal("--watch", "2", *argv)
        self.assertEqual(t.session.url, "ws://x/websocket?table=2")
        self.assertEqual(t.open().sent, [{"type": "watch", "data": {"table": 2}}])
        t.hear(WATCHING, WATCHED)
        return t

    def test_it_prints_the_play(self):
        t = self.watching()
        self.assertEqual(
            t.printed(),
            [
                "connected; asking for a seat",
                "watching table 2 (classic, 3 seats, 1 watching): sit takes a "
                "seat, q leaves",
                "table 2 now: playing",
                "  bob (seat 1): 9C 3D: 12, playing",
                "  cy (seat 3): TH 8S: 18, stood",
            ],
        )
        t.hear(
            {"type": "hit", "card": "9H", "id": 5, "points": 21},
            {"type": "stand", "id": 5, "reason": "21"},
            {"type": "hit", "card": "7C", "id": "dealer", "points": 7},
            {"type": "hit", "card": "TC", "id": "dealer", "points": 17},
            {"type": "winner", "id": 5},
            {"type": "round_over", "dealer": {"hand": ["7C", "TC"], "points": 17},
             "results": [
                {"id": 5, "username": "bob", "hand": ["9C", "3D", "9H"],
                 "points": 21, "result": "win"},
                {"id": 6, "username": "cy", "hand": ["TH", "8S"], "points": 18,
                 "result": "win"}],
             "next_round_in": 3.0},
            {"type": "restart"},
            {"type": "new_client", "message": 8, "username": "dee", "seat": 1},
            {"type": "hit", "card": "2D", "id": 8, "points": 2},
        )  # fmt: skip
        self.assertEqual(
            t.printed(),
            [
                "bob drew 9H: 21",
                "bob stands on 21",
                "the dealer drew 7C: 7",
                "the dealer drew TC: 17",
                "round over; the dealer has 7C TC: 17",
                "  bob: 9C 3D 9H: 21, win",
                "  cy: TH 8S: 18, win",
                "--- new round ---",
                "dee sat down",
                "dee drew 2D: 2",
            ],
        )

    def test_sit_takes_a_seat_on_the_same_connection(self):
        t = self.watching("--password", "pw", "--auto")
        watched = t.connection
        t.printed()
        t.session.command("sit")
        self.assertEqual(
            watched.sent[-1],
            {"type": "auth",
             "data": {"username": "ann", "password": "pw", "table": 2}},
        )  # fmt: skip
        t.hear(
            {"type": "error", "status_code": 507, "message": "table 2 is full"},
        )
        self.assertEqual(
            t.printed(),
            [
                "asking for a seat at table 2",
                "error 507: table 2 is full",
                "you go on watching table 2: sit tries again",
            ],
        )
        self.assertFalse(watched.left)
        t.session.command("sit")
        t.hear(CLASSIC_ID, {"type": "wait", "message": "dealt in at the next round"})
        self.assertEqual(t.connections, [watched])
        self.assertEqual(
            t.printed(),
            [
                "asking for a seat at table 2",
                "seated at table 2 as ann (id 7, classic)",
                "you are dealt in at the next round",
            ],
        )
        t.session.command("sit")
        self.assertIn("sit takes a seat at the table you watch", t.printed()[0])
        # Seated, the auto-player plays its hands.
        t.hear(
            {"type": "restart"},
            {"type": "hit", "card": "TS", "id": 7, "points": 10},
            {"type": "hit", "card": "2S", "id": 7, "points": 12},
            {"type": "deadline", "id": 7, "seconds": 30},
        )
        t.clock.advance(1)
        self.assertEqual(watched.sent[-1], {"type": "hit", "hand": 0})

    def test_a_watcher_reads_busts_and_bets_opening(self):
        t = self.watching()
        t.printed()
        t.hear(
            {"type": "hit", "card": "KH", "id": 5, "points": 22},
            {"type": "betting", "min_bet": 10, "max_bet": 50, "seconds": 15},
        )
        self.assertEqual(
            t.printed(),
            ["bob drew KH: 22, bust", "bets open: 10 to 50 chips, for 15 s"],
        )

    def test_a_watcher_never_plays_by_itself(self):
        t = Terminal("--watch", "2", "--auto")
        t.open()
        t.hear(
            {**WATCHING, "game": "casino", "rules": {"min_bet": 10, "max_bet": 50}},
            {"type": "betting", "min_bet": 10, "max_bet": 50, "seconds": 15},
        )
        t.clock.advance(5)
        self.assertEqual(t.connection.sent, [{"type": "watch", "data": {"table": 2}}])

    def test_no_such_table_or_too_many_watchers(self):
        for code, said in [
            (404, "there is no table 2"),
            (507, "table 2 has as many watchers as it takes"),
        ]:
            t = Terminal("--watch", "2")
            t.open()
            t.hear({"type": "error", "status_code": code, "message": "no"})
            self.assertTrue(t.connection.left)
            t.session.closed(1000, "")
            self.assertEqual(t.session.problem, said)
