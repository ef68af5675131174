"""The pygame client's model follows the real casino table: players chosen
at random act only when their model says they may, the table never refuses
them, and after every step each model holds the table's balances and cards.
Where the model says no to a double, a split or a surrender, the rules say
no too (no network here: the table's messages go straight to the reducer)."""

from __future__ import annotations

import random
from typing import Any

from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from blackjack_client.model import (
    PHASE_BETTING,
    Connected,
    Connecting,
    Model,
    reduce,
)
from blackjackd.casino import (
    CasinoConfig,
    double_refusal,
    split_refusal,
    surrender_refusal,
)
from blackjackd.casino_table import CasinoTable
from blackjackd.ledger import Ledger
from blackjackd.shoe import Shoe

RULES: list[dict[str, Any]] = [
    {},
    {"surrender": True},
    {"resplit_aces": True, "das": False, "max_split_hands": 3},
    {"hit_soft_17": True, "surrender": True, "min_bet": 5, "decks": 1},
]


class Game:
    """A casino table, a Clock, and one client model per player."""

    def __init__(self, seed: int, rules: dict[str, Any], players: int = 3) -> None:
        self.rng = random.Random(seed)
        self.clock = Clock()
        self.ledger = Ledger()
        self.config = CasinoConfig(**rules)
        shoe = Shoe(self.config.decks, random.Random(seed))
        self.table = CasinoTable(1, self.config, shoe, self.clock, self.ledger)
        self.models: dict[int, Model] = {}
        for player_id in range(1, players + 1):
            self.models[player_id] = reduce(
                reduce(Model(), Connecting("ws://table/websocket")), Connected()
            )
            self.table.sit(player_id, f"p{player_id}", self._inbox(player_id))
        self.actions: dict[str, int] = {}

    def _inbox(self, player_id: int):
        def send(message: dict[str, Any]) -> None:
            self.models[player_id] = reduce(
                self.models[player_id], message, self.clock.seconds()
            )

        return send

    def choices(self, model: Model) -> list[tuple[str, Any]]:
        """Every action the model would let its player take now."""
        options: list[tuple[str, Any]] = []
        low = model.rules.min_bet
        for amount in (low, 25, 50):
            if model.can_bet(amount):
                options.append(("bet", amount))
        for take in (True, False):
            if model.can_insure(take):
                options.append(("insurance", take))
        index = model.active_hand()
        if index is not None:
            for name, allowed in (
                ("hit", True),
                ("stand", True),
                ("double", model.can_double()),
                ("split", model.can_split()),
                ("surrender", model.can_surrender()),
            ):
                if allowed:
                    options.append((name, index))
        return options

    def step(self) -> None:
        """One player acts, or, when nobody can, a second goes by."""
        for player_id in self.rng.sample(sorted(self.models), len(self.models)):
            options = self.choices(self.models[player_id])
            if options:
                name, argument = self.rng.choice(options)
                getattr(self.table, name)(player_id, argument)  # never refused
                self.actions[name] = self.actions.get(name, 0) + 1
                return
        self.clock.advance(1.0)


ROUNDS = 15


class ModelFollowsTableTests(SynchronousTestCase):
    """Random play at the real casino table, checked against each model."""

    def test_the_model_follows_the_real_table(self):
        seen: dict[str, int] = {}
        for seed in range(12):
            game = Game(seed, RULES[seed % len(RULES)])
            self.play_rounds(game, f"seed {seed}")
            for name, count in game.actions.items():
                seen[name] = seen.get(name, 0) + count
        # Random play went everywhere: every action was taken somewhere.
        self.assertEqual(
            set(seen),
            {"bet", "insurance", "hit", "stand", "double", "split", "surrender"},
        )

    def play_rounds(self, game: Game, case: str, check: bool = True) -> None:
        for _ in range(3000):
            if game.table.rounds_played >= ROUNDS:
                return
            game.step()
            if check:
                self.check(game, case)
        self.fail(f"{case}: {ROUNDS} rounds weren't played")

    def check(self, game: Game, case: str) -> None:
        """Each model holds the table's balances and cards, and offers a
        double, a split or a surrender exactly when the rules allow it."""
        table, ledger = game.table, game.ledger
        for player_id, model in game.models.items():
            who = f"{case}, player {player_id}"
            self.assertEqual(model.balance, ledger.balance(player_id), who)
            seat = table.seat_of(player_id)
            if model.phase != PHASE_BETTING:
                self.assertEqual(model.dealer.cards, tuple(table.dealer_hand), who)
            if seat.in_round and model.phase != PHASE_BETTING:
                truth = [(tuple(h.cards), h.total, h.bet) for h in seat.hands]
                for viewer_id, viewer in game.models.items():
                    hands = viewer.seats[player_id].hands
                    self.assertEqual(
                        [(h.cards, h.points, h.bet) for h in hands],
                        truth,
                        f"{who} seen by player {viewer_id}",
                    )
            index = model.active_hand()
            if index is None:
                continue
            hand = seat.hands[index]
            chips = ledger.balance(player_id)
            config = game.config
            self.assertEqual(
                model.can_double(),
                double_refusal(hand, config) is None and hand.bet <= chips,
                f"{who}: may double {hand}",
            )
            self.assertEqual(
                model.can_split(),
                split_refusal(hand, len(seat.hands), config) is None
                and hand.bet <= chips,
                f"{who}: may split {hand}",
            )
            self.assertEqual(
                model.can_surrender(),
                surrender_refusal(hand, config) is None,
                f"{who}: may surrender {hand}",
            )
