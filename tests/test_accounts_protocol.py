"""Accounts and kept seats through the WebSocket protocol, in memory, with a
real (inline SQLite) database: signing in, chips that outlive the
connection, coming back to your seat with a token, taking a seat over from
another device, idle players stood up, rebuys and the hand history."""

from __future__ import annotations

from typing import Any

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.audit import audit
from blackjackd.casino import CasinoConfig
from blackjackd.store import account_state
from blackjackd.table import TableConfig
from blackjackd.testing import CLASSIC_OPENING, MemoryServer, deal

RULES = {"seats": 3, "bet_timeout": 10, "turn_timeout": 20, "round_delay": 2}
PASSWORD = "correct horse"


def error(code: int, message: str) -> dict[str, Any]:
    return {"type": "error", "status_code": code, "message": message}


def casino(cards: list[str] = (), grace: float = 0.0, **rules: Any) -> MemoryServer:
    return MemoryServer(
        list(cards),
        config=CasinoConfig(**{**RULES, **rules}),
        database="sqlite::memory:",
        seat_grace=grace,
    )


def stored_balance(server: MemoryServer, username: str) -> int:
    assert server.database is not None
    account = server.database.find_account(username.casefold())
    found = []
    account.addCallback(found.append)
    return account_state(server.database._conn, found[0].id).balance


class SignInTests(SynchronousTestCase):
    """Passwords make accounts; casino tables need one."""

    def test_a_casino_table_needs_a_password(self) -> None:
        server = casino()
        ann = server.seat("ann")
        self.assertEqual(
            ann.take(),
            [error(401, "casino tables need an account: sign in with a password")],
        )
        # Nothing changed: the connection may sign in properly.
        ann.send({"type": "auth", "data": {"username": "ann", "password": PASSWORD}})
        server.flush()
        self.assertEqual(ann.first("id")["account"], True)

    def test_the_first_sign_in_registers_with_the_starting_chips(self) -> None:
        server = casino()
        ann = server.seat("ann", PASSWORD)
        hello = ann.first("id")
        self.assertEqual(
            (hello["username"], hello["balance"], hello["account"]),
            ("ann", 1000, True),
        )
        token = hello["token"]
        self.assertGreaterEqual(len(token), 22)  # at least 128 bits, base64
        self.assertEqual(stored_balance(server, "ann"), 1000)

    def test_a_wrong_password_is_401_and_seats_nobody(self) -> None:
        server = casino()
        server.seat("ann", PASSWORD).take()
        thief = server.seat("ann", "guess")
        self.assertEqual(thief.take(), [error(401, "wrong password for this name")])
        self.assertEqual(server.lobby.seats_taken, 1)

    def test_names_are_one_account_whatever_their_case_and_form(self) -> None:
        server = casino()
        server.seat("Ann", PASSWORD)
        server.flush()
        # Fullwidth letters are the same name after NFKC.
        again = server.seat("\uff41\uff4e\uff4e", PASSWORD)
        hello = again.first("id")
        # Same account: the seat moved, under the name as registered.
        self.assertEqual(hello["username"], "Ann")
        self.assertEqual(server.lobby.seats_taken, 1)

    def test_wrong_passwords_slow_the_name_down(self) -> None:
        server = casino()
        server.seat("ann", PASSWORD)
        answers = []
        for _ in range(5):
            thief = server.seat("ann", "guess")
            answers.append(thief.take()[0]["status_code"])
        self.assertEqual(answers[:4], [401, 401, 401, 401])
        self.assertEqual(answers[4], 429)
        server.advance(120)
        # Once the wait is over, the right password works again.
        self.assertEqual(server.seat("ann", PASSWORD).first("id")["username"], "ann")

    def test_guests_are_seated_with_connection_chips_when_allowed(self) -> None:
        server = MemoryServer(
            config=CasinoConfig(**RULES), database="sqlite::memory:", guests=True
        )
        guest = server.seat("gus")
        hello = guest.first("id")
        self.assertEqual((hello["balance"], hello["account"]), (1000, False))

    def test_a_classic_table_takes_either(self) -> None:
        server = MemoryServer(
            config=TableConfig(), database="sqlite::memory:", real_shoe_seed=1
        )
        self.assertEqual(server.seat("ann").first("id")["account"], False)
        self.assertEqual(server.seat("bob", PASSWORD).first("id")["account"], True)


class ChipsOutliveTheConnectionTests(SynchronousTestCase):
    """A balance is the account's, not the connection's."""

    def test_chips_won_are_there_at_the_next_sign_in(self) -> None:
        # ann 20 against the dealer's 17: she wins her 20.
        server = casino(deal(("TS", "QH"), up="7C", hole="KD"))
        ann = server.seat("ann", PASSWORD)
        ann.send({"type": "bet", "amount": 20})
        server.flush()
        ann.send({"type": "stand"})
        server.flush()
        self.assertEqual(ann.first("balance")["balance"], 1020)
        server.drop(ann)
        self.assertEqual(stored_balance(server, "ann"), 1020)
        again = server.seat("ann", PASSWORD)
        self.assertEqual(again.first("id")["balance"], 1020)

    def test_back_at_another_table_while_the_old_round_is_settled(self) -> None:
        # Two tables of two seats. ann leaves table 1 mid-round (her hand
        # stands), cy takes her seat there, and ann comes back: to table 2.
        # Table 1's round then settles ann's old hand, and her chips, in play
        # at table 2, stay in play.
        server = MemoryServer(
            deal(("TS", "QH"), ("9C", "9D"), up="7C", hole="KD") * 2,
            tables=2,
            config=CasinoConfig(**{**RULES, "seats": 2}),
            database="sqlite::memory:",
        )
        ann = server.seat("ann", PASSWORD)
        bob = server.seat("bob", PASSWORD)
        for player in (ann, bob):
            player.send({"type": "bet", "amount": 20})
        server.flush()
        server.drop(ann)
        server.seat("cy", PASSWORD)
        again = server.seat("ann", PASSWORD)
        self.assertEqual(again.first("id")["table"], 2)
        self.assertEqual(again.first("id")["balance"], 980)
        bob.send({"type": "stand"})
        server.flush()
        # ann's 20 beat the dealer's 17 at table 1: she has her winnings at
        # table 2, where she can bet them.
        again.take()
        again.send({"type": "bet", "amount": 500})
        server.flush()
        self.assertEqual(
            again.first("bet"), {"type": "bet", "id": 1, "amount": 500, "balance": 520}
        )
        self.assertEqual(stored_balance(server, "ann"), 520)
        self.assertTrue(server.lobby.ledger.has(1))

    def test_a_player_who_leaves_mid_round_is_settled_as_stood(self) -> None:
        # ann 20 against the dealer's 17; she drops before standing.
        server = casino(deal(("TS", "QH"), up="7C", hole="KD"))
        ann = server.seat("ann", PASSWORD)
        ann.send({"type": "bet", "amount": 20})
        server.flush()
        server.drop(ann)  # no grace: she has left for good
        self.assertEqual(stored_balance(server, "ann"), 1020)


class StoredRoundsAuditTests(SynchronousTestCase):
    """What the bank writes passes the audit, every kind of movement."""

    def test_a_surrender_and_insurance_pass_the_audit(self) -> None:
        # An ace up: ann insures and surrenders her 16, bob declines and
        # stands; the dealer has no blackjack (AS 7D: 18).
        cards = deal(("TS", "6D"), ("9C", "9D"), up="AS", hole="7D")
        server = casino(cards, surrender=True)
        ann = server.seat("ann", PASSWORD)
        bob = server.seat("bob", PASSWORD)
        for player in (ann, bob):
            player.send({"type": "bet", "amount": 20})
        server.flush()
        ann.send({"type": "insurance", "take": True})
        bob.send({"type": "insurance", "take": False})
        server.flush()
        ann.send({"type": "surrender"})
        bob.send({"type": "stand"})
        server.flush()
        # Insurance lost (10), half the bet back (10 of 20).
        self.assertEqual(
            ann.first("balance"), {"type": "balance", "balance": 980, "net": -20}
        )
        assert server.database is not None
        report = audit(server.database._conn)
        self.assertEqual(report.discrepancies, [])
        self.assertEqual(stored_balance(server, "ann"), 980)

    def test_a_bet_given_back_while_betting_stays_in_the_round_dealt(self) -> None:
        # ann bets and leaves while betting is open (her bet comes back);
        # nobody else bets before the timer, so betting opens again; bob bets
        # and plays: one round, settled, holds ann's bet and refund too.
        server = casino(deal(("TS", "QH"), up="7C", hole="KD"))
        ann = server.seat("ann", PASSWORD)
        bob = server.seat("bob", PASSWORD)
        ann.send({"type": "bet", "amount": 20})
        server.flush()
        server.drop(ann)
        server.advance(RULES["bet_timeout"])
        bob.send({"type": "bet", "amount": 20})
        server.flush()
        bob.send({"type": "stand"})
        server.flush()
        assert server.database is not None
        report = audit(server.database._conn)
        self.assertEqual((report.discrepancies, report.open_rounds), ([], []))
        self.assertEqual(report.settled, 1)
        self.assertEqual(stored_balance(server, "ann"), 1000)

    def test_a_round_whose_table_empties_before_the_deal_ends(self) -> None:
        # bob bets, then bob and ann are gone while betting is open: bob's
        # bet comes back, and the round that was never dealt ends refunded.
        server = MemoryServer(
            config=CasinoConfig(**RULES),
            database="sqlite::memory:",
            real_shoe_seed=1,
            seat_grace=1,
        )
        ann, bob = server.seat("ann", PASSWORD), server.seat("bob", PASSWORD)
        bob.send({"type": "bet", "amount": 10})
        server.flush()
        server.drop(bob)
        server.drop(ann)
        server.advance(1)
        assert server.database is not None
        report = audit(server.database._conn)
        self.assertEqual((report.discrepancies, report.open_rounds), ([], []))
        self.assertEqual(report.refunded, 1)
        self.assertEqual(stored_balance(server, "bob"), 1000)

    def test_no_rebuy_while_your_hands_are_in_play(self) -> None:
        # ann stakes all her chips; a rebuy waits for the round's end.
        cards = deal(("5H", "6D"), up="7C", hole="KD", then=["9S"])
        server = MemoryServer(
            cards,
            config=CasinoConfig(**{**RULES, "starting_chips": 100, "max_bet": 100}),
            database="sqlite::memory:",
        )
        ann = server.seat("ann", PASSWORD)
        ann.send({"type": "bet", "amount": 100})
        server.flush()
        ann.take()
        ann.send({"type": "rebuy"})
        server.flush()
        self.assertEqual(
            ann.take(), [error(409, "rebuy after the round: your chips are in play")]
        )
        ann.send({"type": "double"})
        server.flush()
        self.assertIn(error(402, "not enough chips"), ann.take())
        ann.send({"type": "stand"})
        server.flush()
        assert server.database is not None
        self.assertEqual(audit(server.database._conn).discrepancies, [])


class ReconnectTests(SynchronousTestCase):
    """A dropped player comes back to the same seat with their token."""

    def setUp(self) -> None:
        # ann TS 6D (16) and bob 9C 9D; the dealer shows 7C, holds KD, and
        # ann draws 3S.
        cards = deal(("TS", "6D"), ("9C", "9D"), up="7C", hole="KD", then=["3S"])
        self.server = casino(cards, grace=30)
        self.ann = self.server.seat("ann", PASSWORD)
        self.bob = self.server.seat("bob", PASSWORD)
        self.hello = self.ann.first("id")
        for player in (self.ann, self.bob):
            player.send({"type": "bet", "amount": 20})
        self.server.flush()
        self.server.advance(5)
        self.ann.take()
        self.bob.take()

    def test_back_mid_turn_with_the_token_and_the_hand_plays_on(self) -> None:
        self.server.drop(self.ann)
        self.assertEqual(
            self.bob.take(),
            [{"type": "away", "id": self.hello["client_id"], "seconds": 30.0}],
        )
        again = self.server.seat(token=self.hello["token"])
        hello, snapshot = again.received[:2]
        self.assertEqual(hello["type"], "id")
        self.assertEqual(hello["client_id"], self.hello["client_id"])
        self.assertEqual(hello["seat"], self.hello["seat"])
        self.assertEqual(snapshot["type"], "snapshot")
        self.assertEqual(snapshot["phase"], "playing")
        self.assertEqual(snapshot["dealer"], ["7C"])
        self.assertTrue(snapshot["hole_card"])
        mine = snapshot["seats"][0]
        self.assertEqual(
            (mine["hand"], mine["bet"], mine["balance"], mine["connected"]),
            (["TS", "6D"], 20, 980, True),
        )
        # The turn timer ran on while she was away: 20 s less the 5 s.
        turns = {
            (turn["id"], turn["hand"]): turn["seconds"] for turn in snapshot["turns"]
        }
        self.assertEqual(turns[(self.hello["client_id"], 0)], 15.0)
        self.assertEqual(snapshot["balance"], 980)
        self.assertEqual(
            self.bob.take(), [{"type": "back", "id": self.hello["client_id"]}]
        )
        # She plays the hand out: 19 beats the dealer's 17.
        again.take()
        again.send({"type": "hit"})
        again.send({"type": "stand"})
        self.bob.send({"type": "stand"})
        self.server.flush()
        self.assertEqual(
            again.first("balance"), {"type": "balance", "balance": 1020, "net": 20}
        )

    def test_too_late_the_seat_is_freed_and_the_token_is_worthless(self) -> None:
        self.server.drop(self.ann)
        self.bob.take()
        self.server.advance(30)
        self.assertIn(
            {"type": "left", "id": self.hello["client_id"], "reason": "gone"},
            self.bob.received,
        )
        late = self.server.seat(token=self.hello["token"])
        self.assertEqual(
            late.take(), [error(401, "that token is not valid (any more)")]
        )

    def test_a_wrong_token_is_401(self) -> None:
        thief = self.server.seat(token="A" * 32)
        self.assertEqual(
            thief.take(), [error(401, "that token is not valid (any more)")]
        )

    def test_signing_in_elsewhere_moves_the_seat(self) -> None:
        phone = self.server.seat("ann", PASSWORD)
        hello = phone.first("id")
        self.assertEqual(hello["client_id"], self.hello["client_id"])
        self.assertEqual(phone.first("snapshot")["seats"][0]["hand"], ["TS", "6D"])
        self.assertEqual(self.ann.close_code, 4001)
        self.assertEqual(self.server.lobby.seats_taken, 2)


class IdleRoundsTests(SynchronousTestCase):
    """Seats go to players who play."""

    def test_three_rounds_without_a_bet_stand_a_player_up(self) -> None:
        server = casino(idle_rounds=3)
        ann = server.seat("ann", PASSWORD)
        ann.take()
        for _ in range(3):
            server.advance(RULES["bet_timeout"])
        self.assertIn({"type": "left", "id": 1, "reason": "idle"}, ann.received)
        self.assertEqual(ann.close_code, 1000)
        self.assertEqual(server.lobby.seats_taken, 0)

    def test_a_classic_player_who_never_acts_is_stood_up(self) -> None:
        server = MemoryServer(
            ["TS", "6D"] * 20, config=TableConfig(idle_rounds=2, turn_timeout=20)
        )
        ann = server.seat("ann")
        server.advance(20)  # timed out once
        server.advance(3)  # the next round
        server.advance(20)  # twice
        self.assertIn({"type": "left", "id": 1, "reason": "idle"}, ann.received)


class RebuyAndHistoryTests(SynchronousTestCase):
    """Broke players top up; every player may read their rounds."""

    def test_a_broke_player_rebuys_once_an_interval(self) -> None:
        # ann bets all but 5 of her chips and loses: 18 against 20.
        server = MemoryServer(
            deal(("TS", "8H"), up="KC", hole="QD"),
            config=CasinoConfig(**{**RULES, "max_bet": 1000}),
            database="sqlite::memory:",
        )
        ann = server.seat("ann", PASSWORD)
        ann.send({"type": "rebuy"})
        server.flush()
        self.assertIn(error(409, "you can still cover the minimum bet"), ann.take())
        ann.send({"type": "bet", "amount": 996})
        server.flush()
        ann.send({"type": "stand"})
        server.flush()
        self.assertEqual(ann.first("balance")["balance"], 4)
        ann.take()
        ann.send({"type": "rebuy"})
        server.flush()
        self.assertEqual(
            ann.take(),
            [{"type": "rebuy", "amount": 996, "balance": 1000, "next_in": 3600.0}],
        )
        self.assertEqual(stored_balance(server, "ann"), 1000)

    def test_history_answers_the_last_rounds_newest_first(self) -> None:
        cards = deal(("TS", "QH"), up="7C", hole="KD") + deal(
            ("TS", "8H"), up="KC", hole="QD"
        )
        server = casino(cards)
        ann = server.seat("ann", PASSWORD)
        for _ in range(2):
            ann.send({"type": "bet", "amount": 20})
            server.flush()
            ann.send({"type": "stand"})
            server.flush()
            server.advance(RULES["round_delay"])
        ann.take()
        ann.send({"type": "history", "data": {"limit": 5}})
        server.flush()
        (history,) = ann.take()
        self.assertEqual(history["type"], "history")
        rounds = history["rounds"]
        self.assertEqual([entry["round"] for entry in rounds], [2, 1])
        self.assertEqual([entry["net"] for entry in rounds], [-20, 20])
        self.assertEqual(rounds[1]["hands"][0]["cards"], ["TS", "QH"])
        self.assertEqual(rounds[1]["dealer"], ["7C", "KD"])

    def test_classic_rounds_are_stored_and_in_the_history(self) -> None:
        # gus (a guest) plays an opening round alone; ann (an account) sits
        # while it is played and is dealt in with him at the next. There
        # ann TS 7H stands on 17; gus 9C 5D stands; the dealer draws 6S TD:
        # 16, then 2S: 18.
        server = MemoryServer(
            [*CLASSIC_OPENING, "9C", "TS", "5D", "7H", "6S", "TD", "2S"],
            config=TableConfig(),
            database="sqlite::memory:",
        )
        gus = server.seat("gus")
        ann = server.seat("ann", PASSWORD)
        server.deal_together(gus, ann)
        ann.send({"type": "stand"})
        gus.send({"type": "stand"})
        server.flush()
        ann.take()
        ann.send({"type": "history"})
        server.flush()
        (history,) = ann.take()
        (entry,) = history["rounds"]
        self.assertEqual(
            (entry["game"], entry["round"], entry["status"], entry["dealer"]),
            ("classic", 2, "settled", ["6S", "TD", "2S"]),  # the table's second
        )
        self.assertEqual(
            [(hand["cards"], hand["result"]) for hand in entry["hands"]],
            [(["TS", "7H"], "lose")],
        )
        self.assertEqual((entry["staked"], entry["net"]), (0, 0))
        assert server.database is not None
        report = audit(server.database._conn)
        # Both rounds are stored, gus's opening (no account in it) too.
        self.assertEqual((report.discrepancies, report.settled), ([], 2))
        # A classic round's players are those its record names.
        server.database._conn.execute("DELETE FROM round_players")
        (problem,) = audit(server.database._conn).discrepancies
        self.assertIn(
            "its record names accounts [1], its players are accounts []", problem
        )

    def test_a_guest_has_no_history(self) -> None:
        server = MemoryServer(
            config=TableConfig(), database="sqlite::memory:", real_shoe_seed=1
        )
        ann = server.seat("ann")
        ann.take()
        ann.send({"type": "history"})
        server.flush()
        self.assertEqual(
            ann.take(),
            [error(409, "history is kept for accounts: sign in with a password")],
        )
