"""A real cluster: a throwaway PostgreSQL, three ``twistd blackjack --node``
processes and HAProxy in front (``blackjackd.testing.cluster``). Bots sign
in through HAProxy at several casino tables and play; one node is killed
with SIGKILL in the middle of a round, or drained with SIGTERM; the bots
come back through HAProxy and play on at the node that takes each table
over. Afterwards the books are audited, every bot's chips are what the
database holds, and the killed round was refunded once (the drained node's
tables moved without a refund).

Nothing here sleeps to time anything: every wait is on a message, a
process or a condition, with a timeout. A bot that can't get its table yet
(its old node's lease hasn't run out) tries again after a short pause, as
the clients do.
"""

from __future__ import annotations

import sys
from typing import Any
from unittest import SkipTest

from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.internet.task import deferLater
from twisted.internet.utils import getProcessOutputAndValue
from twisted.trial.unittest import TestCase

from blackjackd.store import connect
from blackjackd.testing import open_client, wait_for
from blackjackd.testing.children import child_environment
from blackjackd.testing.cluster import Cluster, cluster_skip_reason

PASSWORD = "correct horse"
#: Enough that no bot goes broke (and sits out, and is stood up for it).
STARTING_CHIPS = 100_000
BET = 10
TABLES = 4
BOTS_PER_TABLE = 2
OPTIONS = (
    "--game=casino",
    f"--tables={TABLES}",
    "--seats=5",
    # Every bot connects from 127.0.0.1.
    "--seats-per-address=0",
    "--sign-ins-per-address=0",
    "--pending-per-address=0",
    f"--starting-chips={STARTING_CHIPS}",
    "--round-delay=0.2",
    "--bet-timeout=60",
    "--turn-timeout=60",
    "--seat-grace=2",
    "--drain-timeout=60",
)
#: Seconds a test waits for the bots to reach a point.
PATIENCE = 120.0


class Bot:
    """A player of one table, through HAProxy (``/websocket?table=N``): it
    bets the minimum, declines insurance and stands; whenever its
    connection closes or its table can't be had yet, it comes back with its
    seat's token, which any node honours, or by name and password if the
    token is refused."""

    def __init__(self, port: int, name: str, table: int) -> None:
        self.port = port
        self.name = name
        self.table = table
        #: Rounds it saw settled, and its chips as the server last said.
        self.rounds = 0
        self.balance: int | None = None
        #: While set, it bets but doesn't play its hands (a round stays open).
        self.stall = False
        self.leaving = False
        self.done = False
        self.connections = 0
        self.close_codes: list[int | None] = []
        #: Every balance it was told, and how.
        self.heard: list[tuple[str, int]] = []
        self.my_id: int | None = None
        self.token: str | None = None
        #: How it signed in, each time: "password" or "token".
        self.sign_ins: list[str] = []
        self._client: Any = None

    def start(self) -> Deferred[None]:
        return Deferred.fromCoroutine(self._run())

    async def _run(self) -> None:
        while not self.leaving:
            try:
                await self._play_one_connection()
            except Exception:
                pass  # refused, closed, timed out: come back
            if not self.leaving:
                await deferLater(reactor, 0.3, lambda: None)
        self.done = True

    async def _play_one_connection(self) -> None:
        client = await open_client(reactor, self.port, f"/websocket?table={self.table}")
        self._client = client
        self.my_id = None
        client.closed.addCallback(
            lambda code: client.messages.put({"type": "_closed", "code": code})
        )
        self.connections += 1
        try:
            while True:
                message = await client.next()
                if not self._hear(client, message):
                    return
        finally:
            if not client.closed.called:
                await client.close()

    def _hear(self, client: Any, message: dict[str, Any]) -> bool:
        kind = message["type"]
        if kind == "_closed":
            self.close_codes.append(message["code"])
            self.heard.append(("closed", message["code"]))
            return False
        if kind == "auth":
            self._auth(client)
        elif kind == "error" and self.my_id is None:
            if message["status_code"] == 401 and self.token is not None:
                self.heard.append(("token refused", 0))
                self.token = None
                self._auth(client)
                return True
            return False  # the table is still another node's: again soon
        elif kind == "id":
            self.my_id = message["client_id"]
            self.token = message["token"]
            self.balance = message["balance"]
            self.heard.append(("id", self.balance))
        elif kind == "balance":
            self.balance = message["balance"]
            self.heard.append(("balance", self.balance))
        elif kind == "betting":
            if self.leaving:
                return False
            client.send({"type": "bet", "amount": BET})
            self.heard.append(("bet", BET))
        elif kind == "insurance_offer":
            client.send({"type": "insurance", "take": False})
        elif kind == "deadline" and message["id"] == self.my_id and not self.stall:
            client.send({"type": "stand", "hand": message["hand"]})
        elif kind == "round_over":
            self.rounds += 1
        elif kind == "snapshot" and not self.stall:
            # Back in a round: stand on whatever hand is waiting for us.
            for turn in message.get("turns", ()):
                if turn.get("id") == self.my_id:
                    client.send({"type": "stand", "hand": turn.get("hand") or 0})
        return True

    def _auth(self, client: Any) -> None:
        if self.token is not None:
            data = {"token": self.token}
            self.sign_ins.append("token")
        else:
            data = {"username": self.name, "password": PASSWORD}
            self.sign_ins.append("password")
        client.send({"type": "auth", "data": data})


class ClusterTests(TestCase):
    """Three nodes behind HAProxy, one of them lost."""

    timeout = 400

    def setUp(self) -> None:
        reason = cluster_skip_reason()
        if reason is not None:
            raise SkipTest(reason)

    async def _start(self) -> tuple[Cluster, list[Bot]]:
        cluster = Cluster(nodes=3, options=OPTIONS, lease_seconds=4.0)
        self.addCleanup(cluster.stop)
        await cluster.start(reactor)
        bots = [
            Bot(cluster.port, f"bot{table}x{index}", table)
            for table in range(1, TABLES + 1)
            for index in range(BOTS_PER_TABLE)
        ]
        runs = [bot.start() for bot in bots]
        self._runs = runs

        async def leave() -> None:
            # Each leaves when betting opens, before it bets: its chips as
            # it last heard them are final.
            for bot in bots:
                bot.leaving = True
            while runs:
                run = runs.pop()
                run.addTimeout(60, reactor)
                await run

        self.addCleanup(lambda: Deferred.fromCoroutine(leave()))
        self._leave = leave
        await self._until(
            cluster, lambda: all(bot.rounds >= 2 for bot in bots), "warm-up"
        )
        return cluster, bots

    async def _until(self, cluster: Cluster, condition: Any, what: str) -> None:
        try:
            await wait_for(condition, what, timeout=PATIENCE)
        except TimeoutError:
            self.fail(f"{what}: timed out\n{cluster.logs()}")

    def _query(self, cluster: Cluster, sql: str, params: tuple[Any, ...] = ()) -> Any:
        conn = connect(cluster.db)
        try:
            return conn.execute(sql, params).rows
        finally:
            conn.close()

    def _story(self, cluster: Cluster, bot: Bot) -> str:
        """What the database and the bot say of its chips, for a failure."""
        rows = self._query(
            cluster,
            "SELECT l.amount, l.reason, r.table_no, r.round_no, r.status FROM ledger l"
            " JOIN accounts a ON a.id = l.account_id"
            " LEFT JOIN rounds r ON r.id = l.round_id"
            " WHERE a.name_key = ? ORDER BY l.id",
            (bot.name,),
        )
        return f"ledger {rows[-12:]}\nheard {bot.heard[-30:]}"

    def _holders(self, cluster: Cluster) -> dict[int, str]:
        return dict(self._query(cluster, "SELECT table_no, node FROM table_leases"))

    async def _finish(self, cluster: Cluster, bots: list[Bot]) -> None:
        """Bots leave between rounds; the nodes alive drain; then the books."""
        await self._leave()
        for node in cluster.nodes:
            node.process.signal("TERM")
        for node in cluster.nodes:
            code = await node.ended()
            self.assertIn(
                code, [(0, None), (None, 9)], f"{node.name}\n{cluster.logs()}"
            )
        for node in cluster.nodes:
            self.assertNotIn("Traceback", node.process.log, node.name)
        balances = dict(self._query(cluster, "SELECT name_key, balance FROM accounts"))
        for bot in bots:
            self.assertEqual(
                balances[bot.name],
                bot.balance,
                f"{bot.name}: {self._story(cluster, bot)}",
            )
        # No account ever played two rounds at once (one seat a player).
        overlapping = self._query(
            cluster,
            "SELECT a.account_id FROM round_players a"
            " JOIN rounds ra ON ra.id = a.round_id"
            " JOIN round_players b ON b.account_id = a.account_id"
            " AND b.round_id <> a.round_id"
            " JOIN rounds rb ON rb.id = b.round_id"
            " WHERE ra.table_no <> rb.table_no"
            " AND ra.opened_at < rb.closed_at AND rb.opened_at < ra.closed_at",
        )
        self.assertEqual(overlapping, [])
        out, err, code = await getProcessOutputAndValue(
            sys.executable,
            ["-m", "blackjackd.audit", "--db", cluster.db],
            env=child_environment(),
            reactor=reactor,
        )
        report = (out + err).decode(errors="replace")
        self.assertEqual(code, 0, report)
        self.assertEqual(self._query(cluster, "SELECT * FROM table_leases"), [])

    async def test_a_killed_node_s_tables_move_and_its_round_is_refunded_once(
        self,
    ) -> None:
        cluster, bots = await self._start()
        holders = self._holders(cluster)
        victim = holders[1]
        stalled = [bot for bot in bots if holders[bot.table] == victim]
        for bot in stalled:
            bot.stall = True
        # A round of table 1 is dealt and waits for its (stalled) players,
        # its bets stored.
        await self._until(
            cluster,
            lambda: (
                self._query(
                    cluster,
                    "SELECT COUNT(*) FROM rounds r JOIN ledger l ON l.round_id = r.id"
                    " WHERE r.status = 'open' AND r.table_no = 1",
                )[0][0]
                >= 1
            ),
            "an open round at table 1",
        )
        open_rounds = {
            row[0]
            for row in self._query(
                cluster,
                "SELECT r.id FROM rounds r WHERE r.status = 'open' AND r.table_no IN"
                " (SELECT table_no FROM table_leases WHERE node = ?)",
                (victim,),
            )
        }
        sign_ins_then = {bot.name: len(bot.sign_ins) for bot in bots}
        await cluster.node(victim).kill()
        for bot in stalled:
            bot.stall = False
        rounds_then = {bot.name: bot.rounds for bot in bots}
        await self._until(
            cluster,
            lambda: all(bot.rounds >= rounds_then[bot.name] + 2 for bot in bots),
            "two more rounds for every bot",
        )
        # The dead node's players came back with their tokens, on the
        # nodes that took its tables.
        for bot in stalled:
            self.assertIn("token", bot.sign_ins[sign_ins_then[bot.name] :], bot.name)
        moved = self._holders(cluster)
        for table, node in holders.items():
            if node == victim:
                self.assertNotEqual(moved.get(table), victim, table)
        # Each round the dead node left open was refunded, once a player.
        refunds = self._query(
            cluster,
            "SELECT round_id, account_id, COUNT(*) FROM ledger"
            " WHERE reason = 'refund' GROUP BY round_id, account_id",
        )
        self.assertTrue(refunds)
        self.assertEqual({row[2] for row in refunds}, {1})
        self.assertLessEqual({row[0] for row in refunds}, open_rounds)

        players = list(bots)
        await self._comes_back(cluster, bots, victim)
        # Every reconnection, to a node that took a table over or to one a
        # table moved to, came back with the seat's token.
        for bot in players:
            self.assertNotIn(
                "password", bot.sign_ins[sign_ins_then[bot.name] :], bot.name
            )
        self.assertEqual(
            self._query(
                cluster,
                "SELECT round_id, account_id, COUNT(*) FROM ledger"
                " WHERE reason = 'refund' GROUP BY round_id, account_id",
            ),
            refunds,
            "no refund but the dead node's rounds",
        )
        await self._finish(cluster, bots)

    async def _comes_back(self, cluster: Cluster, bots: list[Bot], name: str) -> None:
        """Node ``name`` starts again, and HAProxy sends table 1's players
        to it: the table, with players at it on another node, moves back
        between rounds; they follow it with their tokens, and a newcomer
        sits down there."""
        await cluster.restart(reactor, name)
        # Until HAProxy sends table 1 to the node again (its checks pass),
        # a watcher of table 1 is let in where the table is; then the node
        # says where the table is played, and asks for it.
        while True:
            client = await open_client(reactor, cluster.port, "/websocket?table=1")
            client.send({"type": "watch", "data": {"table": 1}})
            answer = await client.until("watching", "error")
            await client.close()
            if answer[-1]["type"] == "error":
                self.assertEqual(answer[-1]["status_code"], 503, answer)
                break
            await deferLater(reactor, 0.2, lambda: None)
        at_table_1 = [bot for bot in bots if bot.table == 1]
        rounds_then = {bot.name: bot.rounds for bot in bots}
        newcomer = Bot(cluster.port, "newcomer", 1)
        bots.append(newcomer)
        self._runs.append(newcomer.start())
        await self._until(
            cluster,
            lambda: (
                newcomer.rounds >= 2
                and all(bot.rounds >= rounds_then.get(bot.name, 0) + 2 for bot in bots)
            ),
            "two rounds for the newcomer, and two more for every bot",
        )
        self.assertEqual(self._holders(cluster)[1], name)
        for bot in at_table_1:
            self.assertIn(4002, bot.close_codes, bot.name)

    async def _sign_in(self, cluster: Cluster, name: str, table: int) -> Any:
        client = await open_client(reactor, cluster.port, f"/websocket?table={table}")
        self.assertEqual(await client.next(), {"type": "auth"})
        client.send({"type": "auth", "data": {"username": name, "password": PASSWORD}})
        hello = (await client.until("id"))[-1]
        return client, hello

    async def _one_seat_an_account(self, cluster: Cluster) -> None:
        """Signing in at a table of another node moves the account there:
        the first node closes its connection with 4001."""
        holders = self._holders(cluster)
        first_table = 1
        other_table = next(t for t, n in holders.items() if n != holders[1])
        first, hello = await self._sign_in(cluster, "zed", first_table)
        try:
            self.assertEqual(hello["balance"], STARTING_CHIPS)
            second, again = await self._sign_in(cluster, "zed", other_table)
            try:
                first.closed.addTimeout(PATIENCE, reactor)
                self.assertEqual(await first.closed, 4001)
                self.assertEqual(again["balance"], STARTING_CHIPS)
                seats = self._query(
                    cluster,
                    "SELECT node, table_no FROM account_seats s"
                    " JOIN accounts a ON a.id = s.account_id WHERE a.name_key = 'zed'",
                )
                self.assertEqual(seats, [(holders[other_table], other_table)])
            finally:
                await second.close()
        finally:
            await first.close()

    async def test_a_drained_node_s_tables_move_without_a_refund(self) -> None:
        cluster, bots = await self._start()
        await self._one_seat_an_account(cluster)
        holders = self._holders(cluster)
        victim = holders[1]
        moving = [bot for bot in bots if holders[bot.table] == victim]
        rounds_then = {bot.name: bot.rounds for bot in bots}
        connections_then = {bot.name: bot.connections for bot in moving}
        sign_ins_then = {bot.name: len(bot.sign_ins) for bot in moving}
        cluster.node(victim).process.signal("TERM")
        self.assertEqual(await cluster.node(victim).ended(), (0, None), cluster.logs())
        await self._until(
            cluster,
            lambda: all(bot.rounds >= rounds_then[bot.name] + 2 for bot in bots),
            "two more rounds for every bot",
        )
        for bot in moving:
            self.assertIn(1001, bot.close_codes, bot.name)
            self.assertGreater(bot.connections, connections_then[bot.name])
            # Its token, kept past the node's stop, seated it elsewhere.
            came_back = bot.sign_ins[sign_ins_then[bot.name] :]
            self.assertIn("token", came_back, bot.name)
            self.assertNotIn("password", came_back, bot.name)
        moved = self._holders(cluster)
        for table, node in holders.items():
            if node == victim:
                self.assertNotEqual(moved.get(table), victim, table)
        self.assertEqual(
            self._query(cluster, "SELECT COUNT(*) FROM ledger WHERE reason = 'refund'"),
            [(0,)],
        )
        await self._finish(cluster, bots)
