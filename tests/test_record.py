"""A casino round's record (``blackjackd.record.casino_record``) and its
replay through the real ``CasinoRound``."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.casino import PLAYING, CasinoConfig
from blackjackd.casino_round import CasinoRound, Stage
from blackjackd.errors import ActionRejected
from blackjackd.ledger import Ledger
from blackjackd.record import (
    RECORD_VERSION,
    casino_record,
    config_record,
    movement_reason,
    replay,
)
from blackjackd.shoe import Shoe, StackedShoe

ROUND_ID = "0123abcd"


class Ticks:
    """A clock for the moves: 100.0, 100.5, ..."""

    def __init__(self) -> None:
        self.now = 99.5

    def __call__(self) -> float:
        self.now += 0.5
        return self.now


def deal(
    *players: tuple[str, str], up: str, hole: str, then: Sequence[str] = ()
) -> list[str]:
    """The shoe order of a deal: a first card to each player, the upcard, a
    second card to each, the hole card, then ``then``."""
    return [
        *(cards[0] for cards in players),
        up,
        *(cards[1] for cards in players),
        hole,
        *then,
    ]


class FewRanks(StackedShoe):
    """A shoe of aces, many eights, tens, fives and twos, a dozen cards at a
    time: pairs, insurance and blackjacks come often, long rounds refill it."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__([])
        self.rng = rng
        self.shuffle()

    def shuffle(self, in_play: Iterable[str] = ()) -> None:
        cards = [rank + suit for rank in "A888T52" for suit in "SHDC"]
        self.rng.shuffle(cards)
        self.stack(cards[:12])
        self.shuffles += 1


class Table:
    """What a table does around a recorded round: players' chips in a
    ledger, bets staked with the round's id, and the record at settlement."""

    def __init__(self, players: int = 1, chips: int | Sequence[int] = 1000) -> None:
        self.ledger = Ledger()
        self.round_id = ROUND_ID
        held = [chips] * players if isinstance(chips, int) else list(chips)
        self.players = list(range(1, len(held) + 1))
        for player, amount in zip(self.players, held, strict=True):
            self.ledger.open(player, amount)

    def bet(self, player: int, amount: int) -> None:
        self.ledger.stake(player, amount, "bet", round_id=self.round_id)

    def refund(self, player: int, amount: int) -> None:
        self.ledger.pay(player, amount, "refund", round_id=self.round_id)

    def round(
        self,
        cards: Sequence[str] | Shoe,
        bets: dict[int, int] | None = None,
        **rules: Any,
    ) -> CasinoRound:
        """Stake ``bets`` (10 from every player by default) and deal."""
        bets = bets if bets is not None else dict.fromkeys(self.players, 10)
        for player, amount in bets.items():
            self.bet(player, amount)
        shoe = cards if isinstance(cards, Shoe) else StackedShoe(cards)
        game = CasinoRound(
            CasinoConfig(**rules),
            shoe,
            self.ledger,
            [(player, f"p{player}", amount) for player, amount in bets.items()],
            round_id=self.round_id,
            now=Ticks(),
        )
        game.deal()
        return game

    def record(self, game: CasinoRound, shoe: int = 1) -> dict[str, Any]:
        """The settled round's record, as storage would read it back."""
        entries = self.ledger.entries or []
        record = casino_record(
            game,
            table=3,
            round_no=7,
            shoe=shoe,
            movements=[entry for entry in entries if entry.round_id == self.round_id],
            # Player 2 is a guest: no account.
            accounts={player: 100 + player for player in self.players if player != 2},
            seats={player: player - 1 for player in self.players},
        )
        return json.loads(json.dumps(record, allow_nan=False))


def a_split_round() -> tuple[Table, dict[str, Any]]:
    """Two players: one splits, doubles a hand and hits the other; the other
    stands. The dealer draws to 18."""
    table = Table(players=2)
    cards = deal(("8S", "8H"), ("TH", "7C"), up="6D", hole="TD")
    game = table.round([*cards, "3C", "2H", "9S", "5S", "2C"])
    game.split(1)
    game.double(1, 0)
    game.hit(1, 1)
    game.stand(1, 1)
    game.stand(2)
    game.settle()
    return table, table.record(game)


class RecordTests(SynchronousTestCase):
    """The record of a settled round, as ``rounds.record`` stores it."""

    def test_a_settled_round_as_recorded(self) -> None:
        table = Table(players=2)
        cards = deal(("TS", "9H"), ("TH", "6C"), up="AD", hole="7D", then=["KC"])
        game = table.round(cards)
        game.insure(2, True)
        game.insure(1, False)
        game.close_insurance()
        game.stand(1)
        game.hit(2)
        game.settle()
        record = casino_record(
            game,
            table=3,
            round_no=7,
            shoe=2,
            movements=[e for e in table.ledger.entries or [] if e.round_id],
            accounts={1: 12, 2: None},
            seats={1: 0, 2: 4},
        )
        self.assertEqual(
            record,
            {
                "version": RECORD_VERSION,
                "table": 3,
                "round": 7,
                "game": "casino",
                "config": config_record(CasinoConfig()),
                "shoe": 2,
                "cards": cards,
                "bettors": [
                    {
                        "player": 1,
                        "account": 12,
                        "username": "p1",
                        "seat": 0,
                        "bet": 10,
                        "balance": 990,
                    },
                    {
                        "player": 2,
                        "account": None,
                        "username": "p2",
                        "seat": 4,
                        "bet": 10,
                        "balance": 990,
                    },
                ],
                "moves": [
                    {"at": 100.0, "move": "insure", "player": 2, "take": True},
                    {"at": 100.5, "move": "insure", "player": 1, "take": False},
                    {"at": 101.0, "move": "close_insurance"},
                    {"at": 101.5, "move": "stand", "player": 1, "hand": 0},
                    {"at": 102.0, "move": "hit", "player": 2, "hand": 0},
                ],
                "dealer": ["AD", "7D"],
                "hands": [
                    {
                        "player": 1,
                        "index": 0,
                        "cards": ["TS", "9H"],
                        "bet": 10,
                        "result": "win",
                        "payout": 20,
                    },
                    {
                        "player": 2,
                        "index": 0,
                        "cards": ["TH", "6C", "KC"],
                        "bet": 10,
                        "result": "lose",
                        "payout": 0,
                    },
                ],
                "movements": [
                    {"player": 1, "account": 12, "amount": -10, "reason": "bet"},
                    {"player": 2, "account": None, "amount": -10, "reason": "bet"},
                    {"player": 2, "account": None, "amount": -5, "reason": "insurance"},
                    {"player": 1, "account": 12, "amount": 0, "reason": "insurance"},
                    {"player": 1, "account": 12, "amount": 20, "reason": "payout"},
                ],
            },
        )
        self.assertEqual(json.loads(json.dumps(record, allow_nan=False)), record)

    def test_the_rules_come_back_from_the_record(self) -> None:
        for config in (
            CasinoConfig(),
            CasinoConfig(blackjack_pays=Fraction(6, 5), surrender=True, decks=2),
            CasinoConfig(blackjack_pays=Fraction(1), hit_soft_17=True, bet_unit=1),
            CasinoConfig(shuffle_every_round=True, penetration=0.5, seats=7),
        ):
            stored = json.loads(json.dumps(config_record(config)))
            self.assertEqual(CasinoConfig(**stored), config, stored)

    def test_a_surrender_is_stored_as_a_payout(self) -> None:
        self.assertEqual(movement_reason("surrender"), "payout")
        self.assertEqual(movement_reason("double"), "double")
        table = Table()
        game = table.round(
            deal(("TS", "6H"), up="TD", hole="7D"), surrender=True, bet_unit=2
        )
        game.surrender(1)
        game.settle()
        record = table.record(game)
        self.assertEqual(
            [(m["amount"], m["reason"]) for m in record["movements"]],
            [(-10, "bet"), (5, "payout")],
        )
        self.assertEqual(record["hands"][0]["payout"], 5)
        self.assertTrue(replay(record).ok)

    def test_only_a_recorded_and_settled_round(self) -> None:
        table = Table()
        game = table.round(deal(("TS", "6H"), up="TD", hole="7D"))
        with self.assertRaises(ValueError) as unsettled:
            table.record(game)
        self.assertIn("not settled", str(unsettled.exception))
        ledger = Ledger()
        ledger.open(1, 100)
        plain = CasinoRound(
            CasinoConfig(),
            StackedShoe(deal(("TS", "9H"), up="TD", hole="7D")),
            ledger,
            [(1, "a", 10)],
        )
        plain.deal()
        plain.stand(1)
        plain.settle()
        with self.assertRaises(ValueError) as unrecorded:
            casino_record(plain, table=1, round_no=1, shoe=1, movements=[])
        self.assertIn("without a round id", str(unrecorded.exception))


class ReplayTests(SynchronousTestCase):
    """A record replays to what it says; whatever was changed in it shows."""

    def test_a_round_replays_to_its_record(self) -> None:
        _, record = a_split_round()
        found = replay(record)
        self.assertEqual(found.discrepancies, [])
        self.assertTrue(found.ok)
        self.assertEqual(found.dealer, record["dealer"])
        self.assertEqual(found.hands, record["hands"])
        self.assertEqual(found.movements, record["movements"])

    def test_a_changed_card(self) -> None:
        _, record = a_split_round()
        record["cards"][-1] = "9C"  # the dealer's last card: 24 instead of 18
        found = replay(record)
        self.assertIn(
            "dealer: recorded ['6D', 'TD', '2C'], replayed ['6D', 'TD', '9C']",
            found.discrepancies,
        )
        self.assertIn(
            "player 2 hand 0: result recorded 'lose', replayed 'win'",
            found.discrepancies,
        )
        self.assertIn(
            "player 2: the round moved nothing by the record, +20 (payout) "
            "in the replay",
            found.discrepancies,
        )

    def test_cards_left_over_or_missing(self) -> None:
        _, record = a_split_round()
        longer = copy.deepcopy(record)
        longer["cards"].append("AS")
        self.assertEqual(
            replay(longer).discrepancies, ["1 recorded card(s) were never drawn"]
        )
        shorter = copy.deepcopy(record)
        del shorter["cards"][-1]  # the dealer's 2C
        self.assertEqual(
            replay(shorter).discrepancies,
            ["the recorded cards run out as the dealer draws"],
        )
        del shorter["cards"][-1]  # the 5S that the hit (move 3) drew
        self.assertEqual(
            replay(shorter).discrepancies, ["the recorded cards run out at move 3"]
        )
        del shorter["cards"][3:]
        self.assertEqual(
            replay(shorter).discrepancies,
            ["the recorded cards run out during the deal"],
        )

    def test_a_move_the_replay_refuses(self) -> None:
        _, record = a_split_round()
        record["moves"][3]["hand"] = 0  # stand on the doubled hand
        found = replay(record)
        self.assertEqual(
            found.discrepancies[0],
            "move 4 (stand by player 1 on hand 0) refused: that hand is over",
        )
        self.assertIn(
            "after the recorded moves the round is at playing, not ready to settle",
            found.discrepancies,
        )

    def test_a_table_event_that_changes_nothing(self) -> None:
        _, record = a_split_round()
        record["moves"].append({"at": 1.0, "move": "time_out", "player": 2, "hand": 0})
        record["moves"].append(
            {"at": 1.0, "move": "abandon", "player": 2, "hand": None}
        )
        self.assertEqual(
            replay(record).discrepancies,
            [
                "move 6 (time_out by player 2 on hand 0) changed nothing",
                "move 7 (abandon by player 2) changed nothing",
            ],
        )

    def test_changed_results_and_chips(self) -> None:
        _, record = a_split_round()
        record["hands"][0]["payout"] = 50
        record["movements"][-1]["amount"] = 50
        self.assertEqual(
            replay(record).discrepancies,
            [
                "player 1 hand 0: payout recorded 50, replayed 40",
                "player 1: the round moved -10 (split), -10 (double), +50 (payout) "
                "by the record, -10 (split), -10 (double), +40 (payout) in the replay",
            ],
        )

    def test_a_bet_refunded_before_the_deal(self) -> None:
        # Player 3 bet, then left while betting was open: refunded.
        table = Table(players=3)
        table.bet(3, 10)
        table.refund(3, 10)
        game = table.round(deal(("TS", "9H"), up="TD", hole="7D"), bets={1: 10})
        game.stand(1)
        game.settle()
        record = table.record(game)
        self.assertEqual(replay(record).discrepancies, [])
        record["movements"][1]["amount"] = 5  # a short refund
        self.assertEqual(
            replay(record).discrepancies,
            ["player 3: bets and refunds come to -5, the round has them bet 0"],
        )

    def test_rules_that_shuffle_every_round(self) -> None:
        table = Table()
        shoe = Shoe(6, random.Random(5))
        game = table.round(shoe, shuffle_every_round=True)
        while game.stage is Stage.INSURANCE:
            game.close_insurance()
        while game.stage is Stage.PLAYING:
            game.stand(1)
        game.settle()
        self.assertEqual(shoe.shuffles, 2)
        self.assertEqual(replay(table.record(game, shoe=2)).discrepancies, [])

    def test_records_that_cannot_be_replayed(self) -> None:
        _, record = a_split_round()
        cases: list[tuple[dict[str, Any], str]] = []
        newer = copy.deepcopy(record)
        newer["version"] = 2
        cases.append((newer, "record version 2 is not 1"))
        no_config = copy.deepcopy(record)
        del no_config["config"]
        cases.append((no_config, "'config' is missing"))
        bad_rules = copy.deepcopy(record)
        bad_rules["config"]["decks"] = 0
        cases.append((bad_rules, "decks must be 1 to 8"))
        for broken, reason in cases:
            self.assertEqual(
                replay(broken).discrepancies,
                [f"the record can't be replayed: {reason}"],
            )
        odd_move = copy.deepcopy(record)
        odd_move["moves"][0] = {"move": "fold", "player": 1}
        self.assertIn(
            "move 1 is not a move: no move is called 'fold'",
            replay(odd_move).discrepancies,
        )


# -- any round at all -------------------------------------------------------------

#: The moves that fit a stage, tried most of the time.
FITTING = {
    Stage.INSURANCE: (*["insure"] * 4, "close_insurance", "abandon"),
    Stage.PLAYING: (
        *["split"] * 4,
        *["hit"] * 3,
        *("stand", "double") * 2,
        "surrender",
        "time_out",
    ),
}
#: Any move at all, whether it fits or not.
ANY_MOVE = (
    "hit",
    "stand",
    "double",
    "split",
    "surrender",
    "insure",
    "close_insurance",
    "time_out",
    "abandon",
)


def try_move(
    game: CasinoRound, kind: str, player: int, hand: int | None, take: bool
) -> None:
    """Play ``kind`` as the table would pass it on."""
    if kind == "insure":
        game.insure(player, take)
    elif kind == "close_insurance":
        game.close_insurance()
    elif kind == "time_out":
        game.time_out(player, hand or 0)
    elif kind == "abandon":
        game.abandon(player)
    else:
        getattr(game, kind)(player, hand)


def play(game: CasinoRound, players: Sequence[int], data: st.DataObject) -> list[str]:
    """Play moves drawn from ``data``, legal or not, then play the round out
    and settle it. The moves refused."""
    refused = []
    for _ in range(60):
        if game.stage not in FITTING:
            break
        playing = [
            (bettor.player_id, index)
            for bettor in game.bettors
            for index, hand in enumerate(bettor.hands)
            if hand.status == PLAYING
        ]
        if data.draw(st.integers(0, 9), "fits") and playing:
            # Mostly a move that fits, on a hand still in play.
            kind = data.draw(st.sampled_from(FITTING[game.stage]))
            player, hand = data.draw(st.sampled_from(playing), "hand")
        else:
            kind = data.draw(st.sampled_from(ANY_MOVE))
            player = data.draw(st.sampled_from(players), "player")
            hand = data.draw(st.sampled_from([None, 0, 1, 2, 3, 4]), "hand")
        take = data.draw(st.booleans(), "take")
        try:
            try_move(game, kind, player, hand, take)
        except ActionRejected as refusal:
            refused.append(f"{kind}: {refusal.message}")
    if game.stage is Stage.INSURANCE:
        game.close_insurance()
    while game.stage is Stage.PLAYING:
        bettor, index = next(
            (bettor, index)
            for bettor in game.bettors
            for index, hand in enumerate(bettor.hands)
            if hand.status == PLAYING
        )
        game.stand(bettor.player_id, index)
    game.settle()
    return refused


RULES = st.fixed_dictionaries(
    {
        "decks": st.integers(1, 2),
        "hit_soft_17": st.booleans(),
        "das": st.booleans(),
        "resplit_aces": st.booleans(),
        "surrender": st.booleans(),
        "max_split_hands": st.sampled_from([1, 2, 3, 4, 4]),
        "shuffle_every_round": st.booleans(),
        "penetration": st.sampled_from([0.5, 1.0]),
        "blackjack_pays": st.sampled_from([Fraction(3, 2), Fraction(6, 5)]),
    }
)


class AnyRoundTests(SynchronousTestCase):
    """Whatever is played, legal or not, on whatever cards, the record
    replays to the very same settlement."""

    @settings(max_examples=250, deadline=None)
    @given(
        rules=RULES,
        seed=st.integers(0, 2**32),
        few_ranks=st.booleans(),
        dealt_before=st.integers(0, 103),
        chips=st.lists(st.integers(10, 60), min_size=1, max_size=4),
        data=st.data(),
    )
    def test_every_round_replays_to_its_settlement(
        self,
        rules: dict[str, Any],
        seed: int,
        few_ranks: bool,
        dealt_before: int,
        chips: list[int],
        data: st.DataObject,
    ) -> None:
        shoe: Shoe
        if few_ranks:
            shoe = FewRanks(random.Random(seed))
        else:
            shoe = Shoe(rules["decks"], random.Random(seed), rules["penetration"])
            # Deep into the shoe, a round may run it dry and refill it.
            for _ in range(min(dealt_before, shoe.size - 1)):
                shoe.draw()
        # Some can't afford to double, split or insure.
        table = Table(chips=chips)
        game = table.round(shoe, bets=dict.fromkeys(table.players, 10), **rules)
        refused = play(game, table.players, data)
        self.assertTrue(table.ledger.balanced())
        record = table.record(game, shoe=shoe.shuffles)
        found = replay(record)
        note = f"refused: {refused}; record: {record}"
        self.assertEqual(found.discrepancies, [], note)
        self.assertEqual(found.dealer, record["dealer"], note)
        self.assertEqual(found.hands, record["hands"], note)
        self.assertEqual(found.movements, record["movements"], note)
        self.assertEqual(
            [move["move"] for move in record["moves"]],
            [move["move"] for move in game.moves or []],
        )
