"""The casino options that fix the game's maths: the betting unit, the
penetration and shuffling every round, and what ``id`` tells players of
them, from the command line to the wire."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from twisted.python import usage
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.casino import CasinoConfig
from blackjackd.tap import Options
from blackjackd.testing import MemoryServer, deal


def options(*argv: str) -> Options:
    parsed = Options()
    parsed.parseOptions(list(argv))
    return parsed


def casino(cards: list[str], **rules: Any) -> MemoryServer:
    config = CasinoConfig(seats=2, bet_timeout=10, round_delay=1, **rules)
    return MemoryServer(cards, config=config)


class CommandLineTests(SynchronousTestCase):
    def test_the_options_reach_the_table_config(self) -> None:
        config = options(
            "--game",
            "casino",
            "--bet-unit",
            "25",
            "--penetration",
            "0.5",
            "--shuffle-every-round",
        ).table_config()
        assert isinstance(config, CasinoConfig)
        self.assertEqual(config.unit, 25)
        self.assertEqual(config.penetration, 0.5)
        self.assertTrue(config.shuffle_every_round)

    def test_the_default_unit_follows_the_payouts(self) -> None:
        for argv, unit in [
            ((), 2),
            (("--blackjack-pays", "6:5"), 5),
            (("--blackjack-pays", "6:5", "--surrender"), 10),
            (("--blackjack-pays", "1:1"), 1),
        ]:
            config = options("--game", "casino", *argv).table_config()
            assert isinstance(config, CasinoConfig)
            self.assertEqual(config.unit, unit, argv)
            self.assertEqual(config.penetration, 0.75, argv)
            self.assertFalse(config.shuffle_every_round, argv)

    def test_bad_values_are_usage_errors(self) -> None:
        for argv, text in [
            (("--bet-unit", "0"), "out of range"),
            (("--penetration", "0"), "not a share of the shoe"),
            (("--penetration", "1.5"), "not a share of the shoe"),
            (("--penetration", "most"), "not a fraction"),
            (("--bet-unit", "25", "--max-bet", "20"), "no bet from 10 to 20"),
        ]:
            refused = self.assertRaises(
                usage.UsageError, options, "--game", "casino", *argv
            )
            self.assertIn(text, str(refused), argv)

    def test_they_are_casino_options(self) -> None:
        for argv in (
            ("--bet-unit", "5"),
            ("--penetration", "0.5"),
            ("--shuffle-every-round",),
        ):
            refused = self.assertRaises(usage.UsageError, options, *argv)
            self.assertIn("only for casino tables", str(refused), argv)


class WireTests(SynchronousTestCase):
    def test_id_states_the_rules_players_need(self) -> None:
        server = casino([], blackjack_pays=Fraction(6, 5))
        rules = server.seat("ann").take()[0]["rules"]
        self.assertEqual(rules["bet_unit"], 5)
        self.assertEqual(rules["penetration"], 0.75)
        self.assertFalse(rules["shuffle_every_round"])
        self.assertEqual(rules["timeout"], "stand")
        self.assertEqual(rules["leave"], "stand")
        self.assertAlmostEqual(rules["rtp"], 100 - 0.455 - 1.355, places=2)
        self.assertGreater(rules["rtp_error"], 0)
        server.close_all()

    def test_no_return_to_player_is_stated_for_a_short_shoe(self) -> None:
        server = casino([], decks=2)
        rules = server.seat("ann").take()[0]["rules"]
        self.assertNotIn("rtp", rules)
        self.assertNotIn("rtp_error", rules)
        server.close_all()

    def test_a_bet_off_the_unit_is_a_400_and_changes_nothing(self) -> None:
        server = casino(deal(("TS", "7H"), up="6H", hole="TD", then=("5S",)))
        ann = server.seat("ann")
        ann.take()
        ann.send({"type": "bet", "amount": 11})
        server.flush()
        self.assertEqual(
            ann.take(),
            [
                {
                    "type": "error",
                    "status_code": 400,
                    "message": "bets are multiples of 2 chips at this table",
                }
            ],
        )
        ann.send({"type": "bet", "amount": 12})
        server.flush()
        self.assertEqual(
            ann.take()[0], {"type": "bet", "id": 1, "amount": 12, "balance": 988}
        )
        server.close_all()


class ShufflingTests(SynchronousTestCase):
    def play(self, rounds: int, **rules: Any) -> list[list[str]]:
        """Rounds of one player who stands at once, on a real shoe; each
        round's messages, by type, from the bet on."""
        config = CasinoConfig(seats=1, round_delay=1, bet_timeout=10, **rules)
        server = MemoryServer(config=config, real_shoe_seed=3)
        ann = server.seat("ann")
        played = []
        for _ in range(rounds):
            ann.take()
            ann.send({"type": "bet", "amount": 10})
            ann.send({"type": "stand"})
            server.flush()
            played.append([message["type"] for message in ann.take()])
            server.advance(1)
        server.close_all()
        return played

    def test_a_table_shuffles_before_every_deal_when_asked(self) -> None:
        for kinds in self.play(4, shuffle_every_round=True):
            self.assertEqual(kinds[1:3], ["shuffle", "restart"], kinds)
        for kinds in self.play(4)[1:]:
            self.assertNotIn("shuffle", kinds)

    def test_the_shoe_is_cut_where_the_penetration_says(self) -> None:
        # One deck cut at half: the first shuffle comes once 26 cards are
        # out (a round of a stand deals 4 to 8, so well before the 39 of
        # the default 75%).
        dealt = 0
        for kinds in self.play(12, decks=1, penetration=0.5):
            if "shuffle" in kinds:
                self.assertGreaterEqual(dealt, 26)
                self.assertLess(dealt, 26 + 8)
                return
            dealt += kinds.count("hit")
        self.fail("no shuffle in 12 rounds of a half-dealt deck")
