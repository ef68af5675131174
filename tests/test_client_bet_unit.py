"""Bets in the table's betting unit: the pygame client offers only chips
the table takes, and shows the unit and the return to player."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from blackjack_client import view
from blackjack_client.model import (
    Model,
    Rules,
    bot_turn,
    chip_values,
    rebet_amount,
)
from blackjack_client.view.words import rules_lines
from blackjackd.bots import next_move
from blackjackd.casino import CasinoConfig
from tests.client_messages import ID, play

TABLES = {
    "3:2": CasinoConfig(),
    "6:5": CasinoConfig(blackjack_pays=Fraction(6, 5)),
    "6:5 with surrender": CasinoConfig(blackjack_pays=Fraction(6, 5), surrender=True),
}


def seated(config: CasinoConfig, **told: object) -> Model:
    """A player seated at a table of ``config``, its rules as the server
    states them in ``id`` (with ``told`` added), betting open."""
    rules = {**config.describe(), **told}
    return play(
        {"type": "auth"},
        {**ID, "game": "casino", "rules": rules, "balance": 1000},
        {
            "type": "betting",
            "min_bet": config.min_bet,
            "max_bet": config.max_bet,
            "seconds": 15,
        },
        now=100.0,
    )


class ChipTests(SynchronousTestCase):
    """The chips offered are bets the table takes."""

    def test_the_chips_are_multiples_of_the_unit(self):
        for table, unit, chips in [
            ("3:2", 2, [10, 50, 100, 500]),
            ("6:5", 5, [10, 25, 50, 100, 500]),
            ("6:5 with surrender", 10, [10, 50, 100, 500]),
        ]:
            model = seated(TABLES[table])
            rules = model.rules
            self.assertEqual(rules.bet_unit, unit, table)
            self.assertEqual(
                chip_values(rules.min_bet, rules.max_bet, rules.bet_unit), chips, table
            )
            offered = [b for b in view.buttons(model, (800, 600)) if b.kind == "chip"]
            self.assertEqual([b.amount for b in offered], chips, table)
            self.assertTrue(all(b.enabled for b in offered), table)

    @given(
        low=st.integers(1, 5000),
        span=st.integers(0, 100000),
        unit=st.integers(1, 100),
    )
    def test_every_chip_is_a_bet_the_table_takes(self, low, span, unit):
        rules = Rules(min_bet=low, max_bet=low + span, bet_unit=unit)
        chips = chip_values(low, low + span, unit)
        self.assertTrue(all(rules.takes(value) for value in chips), chips)
        self.assertEqual(chips, sorted(set(chips)))
        if rules.smallest_bet <= rules.max_bet:
            self.assertEqual(chips[0], rules.smallest_bet)

    def test_a_bet_off_the_unit_is_not_offered(self):
        model = seated(CasinoConfig(blackjack_pays=Fraction(6, 5), min_bet=12))
        self.assertEqual(model.rules.smallest_bet, 15)
        self.assertTrue(model.can_bet(15) and model.can_bet(25))
        self.assertFalse(model.can_bet(12) or model.can_bet(16))
        # B bets the last bet again only while the table takes it.
        self.assertEqual(rebet_amount(replace(model, last_bet=30)), 30)
        self.assertEqual(rebet_amount(replace(model, last_bet=33)), 15)
        # The bot bets on the unit too.
        move = next_move(bot_turn(model))
        self.assertIsNotNone(move)
        self.assertEqual(move.amount, 15)

    def test_an_old_server_states_no_unit(self):
        model = seated(CasinoConfig(min_bet=15), bet_unit=None)
        self.assertEqual(model.rules.bet_unit, 1)
        self.assertEqual(chip_values(15, 500, model.rules.bet_unit)[0], 15)

    def test_a_unit_no_bet_fits_is_not_believed(self):
        self.assertEqual(seated(TABLES["3:2"], bet_unit=1000).rules.bet_unit, 1)


class RulesShownTests(SynchronousTestCase):
    """The table's rules at the top right, and the betting prompt."""

    def test_the_table_shows_the_unit_and_the_return_to_player(self):
        model = seated(TABLES["6:5"], rtp=98.62, rtp_error=0.01)
        lines = rules_lines(model.rules)
        self.assertEqual(lines[0], "Bets 10 to 500, in 5s")
        self.assertEqual(lines[-1], "RTP 98.62% ± 0.01")
        self.assertIn(
            "Place your bet: 10 to 500 chips in 5s", view.banner_text(model, 100)[0]
        )
        self.assertEqual(rules_lines(Rules())[0], "Bets 10 to 500")

    def test_no_return_to_player_line_unless_stated_and_believable(self):
        for odd in ({}, {"rtp": "high"}, {"rtp": 1e9}, {"rtp": True}):
            last = rules_lines(seated(TABLES["6:5"], **odd).rules)[-1]
            self.assertFalse(last.startswith("RTP"), odd)
