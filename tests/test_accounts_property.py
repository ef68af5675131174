"""Random account players against a casino table with the database in the
loop: every chip accounted for, whatever they do.

A few players with passwords sign in (or fail to: a wrong password, none, a
bogus or stale token), bet, play, buy insurance, rebuy, read their history
and send nonsense; they drop and come back with their token or their
password, sign in again from another connection, and the clock jumps on by
random amounts, so turn, bet, insurance and grace timers all fire. Then
either everything is closed and played out, or the server "crashes" where
it stands; the rounds left open are refunded as a restart would
(``refund_open_rounds``). Afterwards the chips are conserved, the audit
(``blackjackd.audit``) finds nothing wrong, and the server never answered
500 nor logged an error.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.audit import audit
from blackjackd.casino import CasinoConfig
from blackjackd.store import Connection, Refund, ledger_sums
from blackjackd.testing import MemoryServer, error_events
from blackjackd.testing.memory import RecordingClient

NAMES = ("ann", "bob", "cy", "dee")
STARTING_CHIPS = 100
CONFIG = CasinoConfig(
    seats=3,
    min_bet=10,
    max_bet=100,
    bet_timeout=10,
    turn_timeout=8,
    round_delay=2,
    starting_chips=STARTING_CHIPS,
    surrender=True,
    idle_rounds=3,
)
REBUY_INTERVAL = 60.0
#: Seconds enough for any timer of the table or of a held seat to run out.
LONGEST_TIMER = 61.0
REBUY = {"type": "rebuy"}


def password(name: str) -> str:
    return f"secret of {name}"


# What a seated player sends: legal moves, illegal ones and nonsense.
MESSAGES = st.one_of(
    st.builds(
        lambda amount: {"type": "bet", "amount": amount},
        st.sampled_from([10, 20, 50, 100, 7, 0, 101, 10**6]),
    ),
    st.builds(
        lambda kind, hand: {"type": kind, **({} if hand is None else {"hand": hand})},
        st.sampled_from(["hit", "stand", "double", "split", "surrender"]),
        st.sampled_from([None, None, 0, 1, 3]),
    ),
    st.builds(lambda take: {"type": "insurance", "take": take}, st.booleans()),
    st.just(REBUY),
    st.builds(
        lambda limit: {
            "type": "history",
            **({} if limit is None else {"data": {"limit": limit}}),
        },
        st.sampled_from([None, 1, 5, 100, 0, 101]),
    ),
    st.sampled_from(
        [
            {"type": "auth", "data": {"username": "again", "password": "x"}},
            {"type": "fold"},
            {"type": "bet"},
            {"type": "history", "data": {"limit": "all"}},
            [],
            "garbage",
        ]
    ),
)
#: A move on the first hand still being played.
MOVES = st.builds(
    lambda kind: {"type": kind},
    st.sampled_from(["hit", "stand", "double", "split", "surrender"]),
)
#: How a new connection signs in: the password, the latest token or the
#: first one (worthless once a seat was given up), a wrong password, none
#: (a casino table needs one), a token nobody was given.
SIGN_INS = st.sampled_from(
    ["password", "password", "token", "token", "old_token", "wrong", "none", "bogus"]
)
WHO = st.sampled_from(NAMES)
WAITS = st.sampled_from([0.5, 1, 3, 6, 9, 13, 31])
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("sign_in"), WHO, SIGN_INS),
        st.tuples(st.just("send"), WHO, MESSAGES),
        st.tuples(st.just("send"), WHO, MESSAGES),
        st.tuples(st.just("all_bet"), st.sampled_from([10, 50, 100])),
        st.tuples(st.just("all_bet"), st.sampled_from([10, 50, 100])),
        st.tuples(st.just("all_send"), MESSAGES),
        st.tuples(st.just("all_send"), MOVES),
        st.tuples(st.just("all_send"), MOVES),
        st.tuples(st.just("drop"), WHO),
        st.tuples(st.just("close"), WHO),
        st.tuples(st.just("advance"), WAITS),
        st.tuples(st.just("advance"), WAITS),
    ),
    min_size=30,
    max_size=80,
)
#: Who signs in (with their password) before the random steps begin.
FIRST = st.lists(WHO, min_size=1, max_size=3, unique=True)


class Players:
    """The test's side: every connection, whose seat it holds, and all it
    was sent."""

    def __init__(self, server: MemoryServer) -> None:
        self.server = server
        self.clients: list[RecordingClient] = []
        #: The connection each name plays through now.
        self.current: dict[str, RecordingClient] = {}
        #: The player id each connection was given.
        self.player_ids: dict[RecordingClient, int] = {}
        #: Every token each name was given, oldest first.
        self.tokens: dict[str, list[str]] = defaultdict(list)
        self._read: dict[RecordingClient, int] = {}

    def sign_in(self, name: str, how: str) -> None:
        data: dict[str, str]
        if how in ("token", "old_token"):
            tokens = self.tokens[name]
            if not tokens:
                return
            data = {"token": tokens[-1] if how == "token" else tokens[0]}
        elif how == "bogus":
            data = {"token": "A" * 32}
        elif how == "none":
            data = {"username": name}
        else:
            secret = password(name) if how == "password" else "not " + password(name)
            data = {"username": name, "password": secret}
        client = self.server.connect()
        self.clients.append(client)
        # A full server says 507 instead of asking for auth, and hangs up.
        if client.received == [{"type": "auth"}]:
            client.send({"type": "auth", "data": data})
            self.server.flush()
        self.read()

    def read(self) -> None:
        """Note every ``id`` the connections were sent: whose seat each holds."""
        for client in self.clients:
            start = self._read.get(client, 0)
            for message in client.received[start:]:
                if message["type"] == "id":
                    name = message["username"]
                    self.current[name] = client
                    self.player_ids[client] = message["client_id"]
                    if message["token"] not in self.tokens[name]:
                        self.tokens[name].append(message["token"])
            self._read[client] = len(client.received)

    def client_of(self, name: str) -> RecordingClient | None:
        client = self.current.get(name)
        if client is None or client.closed:
            return None
        return client

    def open_clients(self) -> list[RecordingClient]:
        return [client for client in self.clients if not client.closed]

    def send(self, client: RecordingClient, message: Any) -> None:
        client.send(message)

    def messages(self) -> list[dict[str, Any]]:
        return [message for client in self.clients for message in client.received]


def play(server: MemoryServer, players: Players, steps: list[tuple[Any, ...]]) -> None:
    for step in steps:
        kind = step[0]
        if kind == "sign_in":
            players.sign_in(step[1], step[2])
        elif kind == "advance":
            server.advance(step[1])
        elif kind in ("all_bet", "all_send"):
            message = step[1]
            if kind == "all_bet":
                message = {"type": "bet", "amount": message}
            for client in players.open_clients():
                players.send(client, message)
            server.flush()
        else:
            player = players.client_of(step[1])
            if player is None:
                continue
            if kind == "send":
                players.send(player, step[2])
                server.flush()
            elif kind == "drop":
                server.drop(player)
            else:
                player.sendClose()
                server.flush()
        players.read()


def close_and_play_out(server: MemoryServer, players: Players) -> None:
    """Every connection closes; the table plays every round out (hands
    stand on their timers) and every held seat is given up."""
    for client in players.open_clients():
        client.sendClose()
    server.flush()
    for _ in range(10):
        if not server.lobby.seats_taken:
            break
        server.advance(LONGEST_TIMER)
    else:
        raise AssertionError("seats still taken after every timer ran out")
    server.advance(LONGEST_TIMER)
    server.close_all()


def total(conn: Connection, where: str) -> int:
    """The sum of the ledger's amounts ``where`` says."""
    row = conn.execute(
        f"SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger WHERE {where}"
    ).one()
    assert row is not None
    return int(row[0])


def open_round_nets(conn: Connection) -> dict[str, list[int]]:
    """What each round still open took from each of its players, net."""
    nets: dict[str, list[int]] = {}
    for (round_id,) in conn.execute("SELECT id FROM rounds WHERE status = 'open'").rows:
        rows = conn.execute(
            "SELECT CAST(SUM(amount) AS BIGINT) FROM ledger WHERE round_id = ?"
            " GROUP BY account_id ORDER BY account_id",
            (round_id,),
        ).rows
        nets[round_id] = [int(net) for (net,) in rows]
    return nets


class RandomAccountPlayersTests(SynchronousTestCase):
    """Whatever account players do, no chip is made or lost."""

    @given(
        seed=st.integers(0, 2**16),
        first=FIRST,
        grace=st.sampled_from([1.0, 4.0, 30.0]),
        steps=STEPS,
        crash=st.booleans(),
    )
    @settings(max_examples=150, deadline=None)
    def test_chips_are_conserved_and_the_audit_is_clean(
        self,
        seed: int,
        first: list[str],
        grace: float,
        steps: list[tuple[Any, ...]],
        crash: bool,
    ) -> None:
        """Random players, then everything played out or a crash: the books
        balance."""
        server = MemoryServer(
            config=CONFIG,
            database="sqlite::memory:",
            real_shoe_seed=seed,
            seat_grace=grace,
            rebuy_interval=REBUY_INTERVAL,
        )
        assert server.database is not None and server.database._conn is not None
        conn = server.database._conn
        players = Players(server)
        with error_events() as logged:
            for name in first:
                players.sign_in(name, "password")
            play(server, players, steps)
            if not crash:
                close_and_play_out(server, players)
                self.assertEqual(server.clock.getDelayedCalls(), [])
                # Every round dealt was settled; one whose bets all came
                # back before the deal, at a table that then emptied, ended.
                self.assertEqual(open_round_nets(conn), {})
            # Then the server stops (or dies) and starts again.
            refunds: list[Refund] = []
            server.database.refund_open_rounds(server.clock.seconds()).addCallback(
                refunds.extend
            )
        if not crash:
            self.assertEqual(refunds, [])
        self.assertEqual(logged, [])
        messages = players.messages()
        self.assertEqual(
            [m for m in messages if m["type"] == "error" and m["status_code"] == 500],
            [],
        )

        sums = ledger_sums(conn)
        for account, (balance, ledger_sum) in sums.items():
            self.assertEqual(balance, ledger_sum, f"account {account}")
        # The chips issued are what the players were told they got: every
        # account's starting chips, and each rebuy.
        issued = total(conn, "reason IN ('open', 'rebuy')")
        rebought = sum(m["amount"] for m in messages if m["type"] == "rebuy")
        self.assertEqual(issued, STARTING_CHIPS * len(sums) + rebought)
        # What the accounts hold and what the house won add up to them.
        house_result = -total(conn, "round_id IS NOT NULL")
        in_accounts = sum(balance for balance, _ in sums.values())
        self.assertEqual(in_accounts + house_result, issued)

        report = audit(conn)
        self.assertEqual(report.discrepancies, [])
        self.assertEqual(report.open_rounds, [])
        self.assertEqual((report.issued, report.in_accounts), (issued, in_accounts))


class FoundCasesTests(SynchronousTestCase):
    """Cases the random players found, played on purpose."""

    def test_a_bet_taken_back_before_the_deal_is_in_the_rounds_record(self) -> None:
        """ann bets, drops and her held seat runs out while betting is open
        (her bet comes back, in the round); bob bets and plays the round.
        The round's record names ann's account for her two movements, as the
        ledger does, so the audit finds them where it looks."""
        server = MemoryServer(
            config=CONFIG,
            database="sqlite::memory:",
            real_shoe_seed=1,
            seat_grace=1,
        )
        assert server.database is not None and server.database._conn is not None
        ann = server.seat("ann", password("ann"))
        bob = server.seat("bob", password("bob"))
        ann.send({"type": "bet", "amount": 10})
        server.flush()
        server.drop(ann)
        server.advance(1)
        bob.send({"type": "bet", "amount": 10})
        server.flush()
        bob.sendClose()
        server.flush()
        for _ in range(3):
            server.advance(LONGEST_TIMER)
        server.close_all()
        report = audit(server.database._conn)
        self.assertEqual(report.discrepancies, [])
        self.assertEqual((report.settled, report.open_rounds), (1, []))
