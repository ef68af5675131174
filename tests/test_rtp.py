"""The return to player that ``id`` states, against the simulator."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.casino import CasinoConfig
from blackjackd.rtp import RULE_EFFECTS, house_edge, return_to_player
from blackjackd.sim import simulate


class ReturnToPlayerTests(SynchronousTestCase):
    def test_the_base_game_returns_about_99_and_a_half_percent(self) -> None:
        self.assertEqual(return_to_player(CasinoConfig()), (99.55, 0.01))

    def test_each_rule_moves_the_return_by_its_measured_effect(self) -> None:
        base = house_edge(CasinoConfig())
        assert base is not None
        changes = {
            "h17": {"hit_soft_17": True},
            "6:5": {"blackjack_pays": Fraction(6, 5), "bet_unit": None},
            "1:1": {"blackjack_pays": Fraction(1, 1), "bet_unit": None},
            "surrender": {"surrender": True, "bet_unit": None},
            "no_das": {"das": False},
            "resplit_aces": {"resplit_aces": True},
        }
        for name, rules in changes.items():
            changed = house_edge(replace(CasinoConfig(), **rules))
            assert changed is not None
            self.assertAlmostEqual(
                changed[0] - base[0], RULE_EFFECTS[name][0], places=9, msg=name
            )
            self.assertGreater(changed[1], base[1], name)

    def test_no_figure_for_shoes_the_strategy_chart_does_not_fit(self) -> None:
        for decks in (1, 2, 3):
            self.assertIsNone(return_to_player(CasinoConfig(decks=decks)), decks)

    def test_the_stated_edge_agrees_with_a_fresh_simulation(self) -> None:
        # Short runs (+-0.3% or so): this catches a sign or a unit gone
        # wrong, not the second decimal.
        for config in (
            CasinoConfig(),
            CasinoConfig(hit_soft_17=True, blackjack_pays=Fraction(6, 5)),
        ):
            stated = house_edge(config)
            assert stated is not None
            measured = simulate(60_000, config, seed=8)
            self.assertLess(
                abs(measured.house_edge * 100 - stated[0]),
                4 * measured.house_edge_stderr * 100,
                config,
            )
