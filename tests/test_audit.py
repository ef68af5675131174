"""``python -m blackjackd.audit``: databases kept as the server keeps them,
clean and then tampered with, one kind of discrepancy at a time."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.audit import audit, main
from blackjackd.casino import CasinoConfig
from blackjackd.casino_round import CasinoRound
from blackjackd.ledger import Ledger
from blackjackd.passwords import name_key
from blackjackd.record import casino_record, movement_reason
from blackjackd.shoe import StackedShoe
from blackjackd.store import (
    Batch,
    Connection,
    Movement,
    RoundClosed,
    RoundOpened,
    account_state,
    apply,
    connect,
    migrate,
    refund_open_rounds,
    register,
)
from tests.scratch import scratch_directory
from tests.test_record import deal
from tests.test_store import postgres_url, sqlite_file_url

HASH = "scrypt$16$8$1$c2FsdA==$aGFzaA=="
CHECKOUT = Path(__file__).resolve().parent.parent

#: A round in which ann (player 1) splits her eights and wins one hand,
#: bob (player 2) stands on 17 and loses, and a guest (player 3) wins with
#: 19: the dealer draws 6 10 to 18.
SPLIT_ROUND = [
    *deal(("8S", "8H"), ("TH", "7C"), ("TC", "9D"), up="6D", hole="TD"),
    *("3C", "2H", "9S", "5S", "2C"),
]


def split_and_stand(game: CasinoRound) -> None:
    game.split(1)
    game.double(1, 0)  # 8 3 9: 20 against 18, wins
    game.hit(1, 1)  # 8 2 5: 15, loses
    game.stand(1, 1)
    game.stand(2)
    game.stand(3)


def insure_and_lose(game: CasinoRound) -> None:
    game.insure(1, True)
    game.close_insurance()  # the dealer has blackjack


def no_moves(game: CasinoRound) -> None:
    pass


def stand(game: CasinoRound) -> None:
    game.stand(1)


class Casino:
    """Accounts playing recorded rounds, each stored as the server stores
    one: opened, its movements for stored accounts, closed with its record,
    in one batch."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.now = 1000.0
        self.rounds = 0

    def at(self) -> float:
        self.now += 1.0
        return self.now

    def account(self, username: str, chips: int = 1000) -> int:
        return register(
            self.conn, username, name_key(username), HASH, chips, self.at()
        ).id

    def play(
        self,
        accounts: dict[int, int | None],
        cards: Sequence[str],
        moves: Callable[[CasinoRound], None],
        bet: int = 10,
        close: bool = True,
        left: dict[int, int] | None = None,
        recorded: dict[int, int | None] | None = None,
    ) -> str:
        """One round at table 1: ``accounts`` maps each player to their
        account (None: a guest, with 1000 chips of their own); the players
        in ``left`` bet and left while betting was open. The record names
        the accounts in ``recorded`` (by default: all of them). The round's
        id."""
        self.rounds += 1
        round_id = uuid.uuid4().hex
        ledger = Ledger()
        everyone = {**(left or {}), **accounts}
        for player, account in everyone.items():
            balance = 1000 if account is None else self.balance(account)
            ledger.load(player, balance)
            ledger.stake(player, bet, "bet", round_id=round_id)
        for player in left or {}:
            ledger.pay(player, bet, "refund", round_id=round_id)
        game = CasinoRound(
            CasinoConfig(),
            StackedShoe(cards),
            ledger,
            [(player, f"p{player}", bet) for player in accounts],
            round_id=round_id,
            now=self.at,
        )
        game.deal()
        if close:
            moves(game)
            game.settle()
        entries = [entry for entry in ledger.entries or [] if entry.round_id]
        movements = []
        for entry in entries:
            account = everyone[entry.account]  # type: ignore[index]
            if account is not None:  # a guest's chips aren't stored
                reason = movement_reason(entry.kind)
                movements.append(Movement(account, entry.amount, reason, round_id, 0.0))
        closed = []
        if close:
            record = casino_record(
                game,
                table=1,
                round_no=self.rounds,
                shoe=1,
                movements=entries,
                accounts=everyone if recorded is None else recorded,
                seats={player: player - 1 for player in accounts},
            )
            closed.append(RoundClosed(round_id, record, self.at()))
        opened = RoundOpened(round_id, 1, self.rounds, "casino", self.at())
        apply(self.conn, Batch([opened], movements, closed))
        return round_id

    def balance(self, account: int) -> int:
        return account_state(self.conn, account).balance

    def sql(self, statement: str, params: Sequence[object] = ()) -> list[Any]:
        """Change the database behind the store's back."""
        return self.conn.execute(statement, params).rows

    def record(self, round_id: str) -> dict[str, Any]:
        (stored,) = self.sql("SELECT record FROM rounds WHERE id = ?", (round_id,))
        return json.loads(stored[0])  # type: ignore[no-any-return]

    def rewrite(self, round_id: str, change: Callable[[dict[str, Any]], None]) -> None:
        record = self.record(round_id)
        change(record)
        self.sql(
            "UPDATE rounds SET record = ? WHERE id = ?", (json.dumps(record), round_id)
        )


class AuditTestsMixin:
    """The audit on one dialect; a subclass gives a new empty database."""

    # Provided by SynchronousTestCase.
    addCleanup: Callable[..., None]
    assertEqual: Callable[..., None]
    assertIn: Callable[..., None]
    assertTrue: Callable[..., None]

    def new_url(self) -> str:
        raise NotImplementedError

    def setUp(self) -> None:
        self.url = self.new_url()
        conn = connect(self.url)
        self.addCleanup(conn.close)
        migrate(conn)
        self.casino = Casino(conn)
        self.ann = self.casino.account("ann")
        self.bob = self.casino.account("bob", chips=500)
        self.split_round = self.casino.play(
            {1: self.ann, 2: self.bob, 3: None}, SPLIT_ROUND, split_and_stand
        )
        self.insured_round = self.casino.play(
            {1: self.bob}, deal(("TS", "9H"), up="AD", hole="KD"), insure_and_lose
        )

    def found(self, allow_open: bool = False) -> list[str]:
        """The discrepancies the audit finds now."""
        return audit(self.casino.conn, allow_open=allow_open).discrepancies

    def test_a_clean_database(self) -> None:
        report = audit(self.casino.conn)
        self.assertEqual(report.discrepancies, [])
        # Ann: -30 staked, +40 back. Bob: -10 at 17 against 18; then -10 bet
        # and -5 insurance against a blackjack, +15 for the insurance.
        self.assertEqual((report.accounts, report.in_accounts), (2, 1010 + 490))
        self.assertEqual((report.settled, report.replayed, report.refunded), (2, 2, 0))
        self.assertEqual((report.house_result, report.rounds_net), (0, 0))
        # Two openings; ann's four rows and bob's bet; bob's three.
        self.assertEqual(report.ledger_rows, 2 + 5 + 3)

    def test_a_tampered_balance(self) -> None:
        self.casino.sql(
            "UPDATE accounts SET balance = balance + 5 WHERE id = ?", (self.bob,)
        )
        self.assertEqual(
            self.found(),
            [
                f"account {self.bob} (bob): balance 495, but its ledger sums to 490",
                "the house result (-5) and the players' net in rounds (+0) "
                "don't cancel out",
            ],
        )

    def test_a_payout_changed_in_the_ledger_and_the_balance(self) -> None:
        # Consistent with the balance, so only the round's record shows it.
        self.casino.sql(
            "UPDATE ledger SET amount = 45 WHERE reason = 'payout' AND account_id = ?",
            (self.ann,),
        )
        self.casino.sql(
            "UPDATE accounts SET balance = balance + 5 WHERE id = ?", (self.ann,)
        )
        self.assertEqual(
            self.found(),
            [
                f"round {self.split_round} (table 1, round 1), account {self.ann}: "
                "the ledger holds -10 bet, -10 double, -10 split, +45 payout, "
                "the record says -10 bet, -10 double, -10 split, +40 payout"
            ],
        )

    def test_a_payout_changed_in_the_record(self) -> None:
        def richer(record: dict[str, Any]) -> None:
            record["hands"][0]["payout"] = 50

        self.casino.rewrite(self.split_round, richer)
        self.assertEqual(
            self.found(),
            [
                f"round {self.split_round} (table 1, round 1): "
                "player 1 hand 0: payout recorded 50, replayed 40"
            ],
        )

    def test_a_card_changed_in_the_record(self) -> None:
        def other_card(record: dict[str, Any]) -> None:
            record["cards"][-1] = "KC"  # the dealer busts instead of 18

        self.casino.rewrite(self.split_round, other_card)
        found = self.found()
        name = f"round {self.split_round} (table 1, round 1)"
        self.assertIn(
            f"{name}: dealer: recorded ['6D', 'TD', '2C'], replayed ['6D', 'TD', 'KC']",
            found,
        )
        self.assertIn(
            f"{name}: player 2 hand 0: result recorded 'lose', replayed 'win'", found
        )

    def test_a_round_left_open(self) -> None:
        left = self.casino.play(
            {1: self.ann}, deal(("TS", "9H"), up="TD", hole="7D"), no_moves, close=False
        )
        self.assertEqual(
            self.found(), [f"round {left} (table 1, round 3) is still open"]
        )
        report = audit(self.casino.conn, allow_open=True)
        self.assertEqual(report.discrepancies, [])
        self.assertEqual(report.open_rounds, [left])
        # The bet on the open round is in play: the house holds it for now.
        self.assertEqual(report.house_result, -report.rounds_net)

    def test_refunded_rounds(self) -> None:
        crashed = self.casino.play(
            {1: self.ann, 2: self.bob},
            deal(("TS", "9H"), ("8S", "8D"), up="TD", hole="7D"),
            no_moves,
            close=False,
        )
        refunds = refund_open_rounds(self.casino.conn, self.casino.at())
        self.assertEqual(len(refunds), 2)
        report = audit(self.casino.conn)
        self.assertEqual(report.discrepancies, [])
        self.assertEqual(report.refunded, 1)
        self.casino.sql(
            "UPDATE ledger SET amount = 5 WHERE reason = 'refund' AND account_id = ?",
            (self.bob,),
        )
        self.casino.sql(
            "UPDATE accounts SET balance = balance - 5 WHERE id = ?", (self.bob,)
        )
        self.assertEqual(
            self.found(),
            [
                f"round {crashed} (table 1, round 3), refunded: account {self.bob} "
                "is left -5 chips by it",
            ],
        )

    def test_a_player_who_left_while_betting_was_open(self) -> None:
        cid = self.casino.account("cid")
        cards = deal(("TS", "9H"), up="TD", hole="7D")
        self.casino.play({1: self.ann}, cards, stand, left={2: cid})
        self.assertEqual(self.found(), [])
        # The record must name the account of every player who moved chips
        # in the round, those who left before the deal too.
        forgot = self.casino.play(
            {1: self.ann}, cards, stand, left={2: cid}, recorded={1: self.ann}
        )
        self.assertEqual(
            self.found(),
            [
                f"round {forgot} (table 1, round 4), account {cid}: the ledger "
                "holds -10 bet, +10 refund, the record says nothing"
            ],
        )

    def test_rows_of_the_wrong_kind(self) -> None:
        self.casino.sql(
            "INSERT INTO ledger (account_id, amount, reason, round_id, at)"
            " VALUES (?, -7, 'bet', NULL, 1.0), (?, 3, 'bonus', NULL, 1.0)",
            (self.ann, self.ann),
        )
        self.casino.sql(
            "UPDATE accounts SET balance = balance - 4 WHERE id = ?", (self.ann,)
        )
        found = self.found()
        self.assertIn("ledger: 1 'bet' row(s) belong to no round", found)
        self.assertIn("ledger: 1 row(s) with an unknown reason 'bonus'", found)

    def test_a_round_without_its_players_or_its_record(self) -> None:
        self.casino.sql(
            "DELETE FROM round_players WHERE round_id = ? AND account_id = ?",
            (self.split_round, self.bob),
        )
        self.casino.sql(
            "UPDATE rounds SET record = NULL WHERE id = ?", (self.insured_round,)
        )
        self.assertEqual(
            sorted(self.found()),
            sorted(
                [
                    f"round {self.insured_round} (table 1, round 2) is settled, "
                    "but has no record",
                    f"round {self.split_round} (table 1, round 1): its players are "
                    f"accounts [{self.ann}], its ledger rows are for "
                    f"[{self.ann}, {self.bob}]",
                ]
            ),
        )


class SQLiteAuditTests(AuditTestsMixin, SynchronousTestCase):
    def new_url(self) -> str:
        return sqlite_file_url(self)  # type: ignore[arg-type]


class PostgresAuditTests(AuditTestsMixin, SynchronousTestCase):
    def new_url(self) -> str:
        return postgres_url(self)  # type: ignore[arg-type]


class CommandLineTests(SynchronousTestCase):
    """Exit codes and output."""

    def setUp(self) -> None:
        self.url = sqlite_file_url(self)
        conn = connect(self.url)
        self.addCleanup(conn.close)
        migrate(conn)
        self.casino = Casino(conn)
        self.ann = self.casino.account("ann")
        self.casino.play(
            {1: self.ann},
            deal(("TS", "9H"), up="TD", hole="7D"),
            stand,
        )

    def run_main(self, *argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
        return code, out.getvalue(), err.getvalue()

    def test_a_clean_database_exits_0_with_a_summary(self) -> None:
        code, out, _ = self.run_main("--db", self.url)
        self.assertEqual(code, 0)
        path = self.url[len("sqlite://") :]
        self.assertEqual(
            out.splitlines(),
            [
                f"database:      sqlite:{path}",
                "accounts:      1, holding 1,010 chips",
                "chips issued:  1,000 (1,000 at registration, 0 in rebuys)",
                "ledger:        3 rows",
                "rounds:        1 settled (1 replayed), 0 refunded, 0 open",
                "house result:  -10 (the players' net in rounds: +10)",
                "no discrepancies",
            ],
        )

    def test_discrepancies_exit_1_one_a_line(self) -> None:
        left = self.casino.play(
            {1: self.ann}, deal(("TS", "9H"), up="TD", hole="7D"), no_moves, close=False
        )
        self.casino.sql("UPDATE accounts SET balance = 7")
        code, out, _ = self.run_main("--db", self.url)
        self.assertEqual(code, 1)
        lines = out.splitlines()
        self.assertEqual(lines[-4], "3 discrepancies:")
        self.assertEqual(
            lines[-3:],
            [
                f"account {self.ann} (ann): balance 7, but its ledger sums to 1,000",
                f"round {left} (table 1, round 2) is still open",
                "the house result (+993) and the players' net in rounds (+0) "
                "don't cancel out",
            ],
        )
        code, out, _ = self.run_main("--db", self.url, "--allow-open")
        self.assertEqual(code, 1)
        self.assertIn("rounds:        1 settled (1 replayed), 0 refunded, 1 open", out)
        self.assertIn("2 discrepancies:", out)

    def test_databases_that_cannot_be_audited_exit_2(self) -> None:
        missing = scratch_directory(self) / "missing.sqlite3"
        code, _, err = self.run_main("--db", f"sqlite:{missing}")
        self.assertEqual(code, 2)
        self.assertIn("there is no database file", err)
        self.assertFalse(missing.exists())
        code, _, err = self.run_main("--db", "mysql://somewhere")
        self.assertEqual((code, "unknown database URL" in err), (2, True))
        empty = scratch_directory(self) / "empty.sqlite3"
        empty.touch()
        code, _, err = self.run_main("--db", f"sqlite:{empty}")
        self.assertEqual(code, 2)
        self.assertIn("holds no blackjackd database", err)
        self.casino.sql("UPDATE schema_version SET version = 99")
        code, _, err = self.run_main("--db", self.url)
        self.assertEqual(code, 2)
        self.assertIn("schema version 99", err)

    def test_run_as_a_module(self) -> None:
        environment = {**os.environ, "PYTHONPATH": str(CHECKOUT)}
        result = subprocess.run(
            [sys.executable, "-m", "blackjackd.audit", "--db", self.url],
            capture_output=True,
            text=True,
            env=environment,
            timeout=60,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("no discrepancies", result.stdout)
