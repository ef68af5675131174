"""A real ``twistd blackjack`` killed in the middle of a round: every chip is
accounted for when it starts again on the same database.

Three players sign in with passwords at a casino table, play a round to its
end, bet again and are dealt; then the server gets SIGKILL. Started again on
the same database it refunds the round's stakes, once: each player signs in
to the balance they had before that round's bets, the history shows the
round as refunded, a second restart refunds nothing more, and
``python -m blackjackd.audit`` finds the database clean. For SQLite (a file)
and for a throwaway PostgreSQL.

Nothing here sleeps: every wait is on a message, on the process or on a
condition, each with a timeout.
"""

from __future__ import annotations

import re
import signal
import sys
from pathlib import Path
from typing import Any
from unittest import SkipTest

from twisted.internet import reactor
from twisted.internet.defer import Deferred, gatherResults
from twisted.internet.utils import getProcessOutputAndValue
from twisted.trial.unittest import TestCase

from blackjackd.store import connect
from blackjackd.testing import TIMEOUT, open_client
from blackjackd.testing.children import child_environment
from blackjackd.testing.loopback import QueueClient
from blackjackd.testing.postgres import (
    drop_database,
    fresh_database_url,
    postgres_skip_reason,
)
from tests.scratch import scratch_directory
from tests.test_twistd import _spawn_twistd

PLAYERS = ("ann", "Bob", "cy")
PASSWORD = "correct horse"
BET = 10
STARTING_CHIPS = 500
#: Options of every start: turn and bet timers too long to run out during
#: the test, so a round waits on its players until they act (or die).
OPTIONS = (
    "--game=casino",
    # Every player connects from 127.0.0.1.
    "--seats-per-address=0",
    "--sign-ins-per-address=0",
    f"--starting-chips={STARTING_CHIPS}",
    "--round-delay=0.1",
    "--bet-timeout=120",
    "--turn-timeout=120",
    "--seat-grace=0",
)
#: Rounds tried before giving up on dealing one that waits for its players
#: (one that doesn't: a dealer blackjack, or every player's, settles at once).
MAX_ROUNDS = 20
_REFUNDED = re.compile(r"refunded (\d+) chips of round ([0-9a-f]+) to account (\d+)")


class Player:
    """A player over a real WebSocket, signed in to their account."""

    def __init__(self, client: QueueClient, hello: dict[str, Any]) -> None:
        self.client = client
        self.hello = hello
        self.id: int = hello["client_id"]
        #: The chips as the server last said.
        self.balance: int = hello["balance"]

    @classmethod
    async def sign_in(cls, port: int, name: str) -> Player:
        """Connect and sign in (``id`` read, the rest waiting)."""
        client = await open_client(reactor, port)
        try:
            first = await client.next()
            if first != {"type": "auth"}:
                raise AssertionError(f"expected auth, got {first!r}")
            client.send(
                {"type": "auth", "data": {"username": name, "password": PASSWORD}}
            )
            hello = (await client.until("id"))[-1]
        except BaseException:
            await client.close()
            raise
        return cls(client, hello)

    async def history(self) -> list[dict[str, Any]]:
        self.client.send({"type": "history", "data": {"limit": 100}})
        answer = await self.until_type("history")
        rounds: list[dict[str, Any]] = answer["rounds"]
        return rounds

    async def until_type(self, kind: str) -> dict[str, Any]:
        return (await self.client.until(kind))[-1]

    async def play_to_the_end(self) -> None:
        """Decline insurance and stand on every hand until the round is
        settled; then the ``balance``."""
        while (message := await self.client.next())["type"] != "round_over":
            self._answer(message)
        self.balance = (await self.until_type("balance"))["balance"]

    async def dealt(self) -> bool:
        """After the bets: True when the round waits for its players (a hand
        to play, or insurance to answer), False when it was settled at once
        (then the balance is read)."""
        while True:
            message = await self.client.next()
            kind = message["type"]
            if kind in ("deadline", "insurance_offer"):
                return True
            if kind == "round_over":
                self.balance = (await self.until_type("balance"))["balance"]
                return False

    def _answer(self, message: dict[str, Any]) -> None:
        if message["type"] == "insurance_offer":
            self.client.send({"type": "insurance", "take": False})
        elif message["type"] == "deadline" and message["id"] == self.id:
            self.client.send({"type": "stand", "hand": message["hand"]})

    def bet(self) -> None:
        self.client.send({"type": "bet", "amount": BET})


class Server:
    """One ``twistd -n blackjack`` process on the test's database."""

    def __init__(self, case: TestCase, directory: Path, db: str, *options: str) -> None:
        self.process, self.transport = _spawn_twistd(
            directory, *OPTIONS, f"--db={db}", *options
        )
        case.addCleanup(self._kill_if_running)

    @property
    def log(self) -> str:
        return self.process.output.decode(errors="replace")

    def refunds(self) -> list[tuple[int, str, int]]:
        """What the log says was refunded: (chips, round, account)."""
        return [
            (int(amount), round_id, int(account))
            for amount, round_id, account in _REFUNDED.findall(self.log)
        ]

    async def port(self) -> int:
        return await self.process.listening

    async def ended(self) -> tuple[int | None, int | None]:
        self.process.ended.addTimeout(TIMEOUT, reactor)
        return await self.process.ended

    async def kill(self) -> int | None:
        """SIGKILL: no shutdown, nothing flushed; the signal it died of."""
        self.transport.signalProcess("KILL")
        return (await self.ended())[1]

    async def stop(self) -> tuple[int | None, int | None]:
        """SIGTERM, and wait for a clean shutdown."""
        self.transport.signalProcess("TERM")
        return await self.ended()

    async def _kill_if_running(self) -> None:
        if not self.process.ended.called:
            self.transport.signalProcess("KILL")
            await self.process.ended


async def close_all(players: list[Player]) -> None:
    for player in players:
        await player.client.close()


async def sign_in_all(port: int) -> list[Player]:
    players: list[Player] = []
    try:
        for name in PLAYERS:
            players.append(await Player.sign_in(port, name))
    except BaseException:
        await close_all(players)
        raise
    return players


async def deal_a_waiting_round(case: TestCase, players: list[Player]) -> dict[str, int]:
    """Bet and be dealt until a round waits for its players (neither a
    dealer blackjack nor blackjacks all round settle it at once); each
    player's balance before that round's bet."""
    for _ in range(MAX_ROUNDS):
        for player in players:
            await player.until_type("betting")
        before = {player.hello["username"]: player.balance for player in players}
        for player in players:
            player.bet()
        waits = [await player.dealt() for player in players]
        case.assertEqual(len(set(waits)), 1, "every player sees the same round")
        if waits[0]:
            return before
    case.fail(f"{MAX_ROUNDS} rounds in a row were settled at the deal")


class CrashTests(TestCase):
    """SIGKILL in the middle of a round, then a restart on the same database."""

    timeout = 300

    async def test_sqlite(self) -> None:
        """A SQLite file in the server's working directory."""
        directory = scratch_directory(self)
        await self._crash_and_restart(directory, f"sqlite:{directory / 'chips.sqlite'}")

    async def test_postgresql(self) -> None:
        """A database of a throwaway PostgreSQL cluster."""
        reason = postgres_skip_reason()
        if reason is not None:
            raise SkipTest(reason)
        url = fresh_database_url()
        self.addCleanup(drop_database, url)
        await self._crash_and_restart(scratch_directory(self), url)

    async def _crash_and_restart(self, directory: Path, db: str) -> None:
        # -- first life: a settled round, then one killed after the deal -----
        server = Server(self, directory, db)
        port = await server.port()
        players = await sign_in_all(port)
        try:
            for player in players:
                await player.until_type("betting")
            for player in players:
                self.assertEqual(player.balance, STARTING_CHIPS)
                player.bet()
            await gatherResults(
                [Deferred.fromCoroutine(player.play_to_the_end()) for player in players]
            )
            before = await deal_a_waiting_round(self, players)
            # Every write asked for before it is done when ``history``
            # answers: the database works through its queue in order.
            history = await players[0].history()
            self.assertEqual(
                [entry["status"] for entry in history][:1], ["settled"], history
            )
            self.assertEqual(await server.kill(), signal.SIGKILL)
            for player in players:
                player.client.closed.addTimeout(TIMEOUT, reactor)
                await player.client.closed
        finally:
            await close_all(players)
        self.assertEqual(self._open_rounds(db), 1, "the killed round is open")

        # -- second life: the round's stakes come back -------------------------
        server = Server(self, directory, db)
        port = await server.port()
        players = await sign_in_all(port)
        refunded = set()
        try:
            for player in players:
                name = player.hello["username"]
                self.assertEqual(player.balance, before[name], name)
                history = await player.history()
                newest = history[0]
                refunded.add(newest["id"])
                self.assertEqual(
                    (
                        newest["status"],
                        newest["staked"],
                        newest["returned"],
                        newest["net"],
                        newest["hands"],
                    ),
                    ("refunded", BET, BET, 0, []),
                    name,
                )
                self.assertIn("settled", [entry["status"] for entry in history[1:]])
        finally:
            await close_all(players)
        await self._stop_cleanly(server)
        (killed_round,) = refunded
        # The log is read once the process is gone: all of it has arrived.
        accounts = self._accounts(db)
        self.assertEqual(
            sorted(server.refunds()),
            sorted((BET, killed_round, accounts[name.casefold()]) for name in PLAYERS),
            server.log,
        )

        # -- third life: nothing more to refund --------------------------------
        server = Server(self, directory, db)
        port = await server.port()
        players = await sign_in_all(port)
        try:
            for player in players:
                self.assertEqual(player.balance, before[player.hello["username"]])
                history = await player.history()
                self.assertEqual(
                    [entry["id"] for entry in history if entry["status"] == "refunded"],
                    [killed_round],
                )
        finally:
            await close_all(players)
        await self._stop_cleanly(server)
        self.assertEqual(server.refunds(), [], server.log)

        self.assertEqual(self._refund_rows(db, killed_round), len(PLAYERS))
        self.assertEqual(self._open_rounds(db), 0)
        await self._audit_is_clean(directory, db)

    async def _stop_cleanly(self, server: Server) -> None:
        exit_code, exit_signal = await server.stop()
        self.assertEqual((exit_code, exit_signal), (0, None), server.log)
        self.assertIn("Server Shut Down.", server.log)
        self.assertNotIn("Traceback", server.log)

    async def _audit_is_clean(self, directory: Path, db: str) -> None:
        out, err, code = await getProcessOutputAndValue(
            sys.executable,
            ["-m", "blackjackd.audit", "--db", db],
            env=child_environment(),
            path=str(directory),
            reactor=reactor,
        )
        report = (out + err).decode(errors="replace")
        self.assertEqual(code, 0, report)
        self.assertIn("1 refunded, 0 open", report)

    # The database, read directly while no server runs.

    def _query(self, db: str, sql: str, params: tuple[object, ...] = ()) -> list[Any]:
        conn = connect(db)
        try:
            return conn.execute(sql, params).rows
        finally:
            conn.close()

    def _open_rounds(self, db: str) -> int:
        rows = self._query(db, "SELECT COUNT(*) FROM rounds WHERE status = 'open'")
        return int(rows[0][0])

    def _accounts(self, db: str) -> dict[str, int]:
        return dict(self._query(db, "SELECT name_key, id FROM accounts"))

    def _refund_rows(self, db: str, round_id: str) -> int:
        rows = self._query(
            db,
            "SELECT COUNT(*) FROM ledger WHERE reason = 'refund' AND round_id = ?",
            (round_id,),
        )
        return int(rows[0][0])
