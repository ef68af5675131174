"""Bets in the table's betting unit: the pygame client offers only chips
the table takes, and shows the unit and the return to player."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from functools import reduce as fold

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blackjack_client import view
from blackjack_client.model import (
    Connecting,
    Model,
    Rules,
    bot_turn,
    chip_values,
    rebet_amount,
    reduce,
)
from blackjack_client.view.words import rules_lines
from blackjackd.bots import next_move
from blackjackd.casino import CasinoConfig

TABLES = {
    "3:2": CasinoConfig(),
    "6:5": CasinoConfig(blackjack_pays=Fraction(6, 5)),
    "6:5 with surrender": CasinoConfig(blackjack_pays=Fraction(6, 5), surrender=True),
}


def seated(config: CasinoConfig, **told: object) -> Model:
    """A player seated at a table of ``config``, its rules as the server
    states them in ``id`` (with ``told`` added), betting open."""
    messages = [
        {"type": "auth"},
        {
            "type": "id",
            "client_id": 7,
            "username": "ann",
            "table": 1,
            "seat": 0,
            "seats": 5,
            "protocol": 1,
            "turn_timeout": 30.0,
            "game": "casino",
            "rules": {**config.describe(), **told},
            "balance": 1000,
        },
        {
            "type": "betting",
            "min_bet": config.min_bet,
            "max_bet": config.max_bet,
            "seconds": 15,
        },
    ]
    start = reduce(Model(), Connecting("ws://x/websocket"))
    return fold(lambda model, message: reduce(model, message, 100.0), messages, start)


@pytest.mark.parametrize(
    ("table", "unit", "chips"),
    [
        ("3:2", 2, [10, 50, 100, 500]),
        ("6:5", 5, [10, 25, 50, 100, 500]),
        ("6:5 with surrender", 10, [10, 50, 100, 500]),
    ],
)
def test_the_chips_are_multiples_of_the_unit(table, unit, chips):
    model = seated(TABLES[table])
    assert model.rules.bet_unit == unit
    rules = model.rules
    assert chip_values(rules.min_bet, rules.max_bet, rules.bet_unit) == chips
    offered = [b for b in view.buttons(model, (800, 600)) if b.kind == "chip"]
    assert [b.amount for b in offered] == chips
    assert all(b.enabled for b in offered)


@given(
    low=st.integers(1, 5000),
    span=st.integers(0, 100000),
    unit=st.integers(1, 100),
)
def test_every_chip_is_a_bet_the_table_takes(low, span, unit):
    rules = Rules(min_bet=low, max_bet=low + span, bet_unit=unit)
    chips = chip_values(low, low + span, unit)
    assert all(rules.takes(value) for value in chips)
    assert chips == sorted(set(chips))
    if rules.smallest_bet <= rules.max_bet:
        assert chips[0] == rules.smallest_bet


def test_a_bet_off_the_unit_is_not_offered():
    model = seated(CasinoConfig(blackjack_pays=Fraction(6, 5), min_bet=12))
    assert model.rules.smallest_bet == 15
    assert model.can_bet(15) and model.can_bet(25)
    assert not model.can_bet(12) and not model.can_bet(16)
    # B bets the last bet again only while the table takes it.
    assert rebet_amount(replace(model, last_bet=30)) == 30
    assert rebet_amount(replace(model, last_bet=33)) == 15
    # The bot bets on the unit too.
    move = next_move(bot_turn(model))
    assert move is not None and move.amount == 15


def test_an_old_server_states_no_unit():
    model = seated(CasinoConfig(min_bet=15), bet_unit=None)
    assert model.rules.bet_unit == 1
    assert chip_values(15, 500, model.rules.bet_unit)[0] == 15


def test_a_unit_no_bet_fits_is_not_believed():
    model = seated(TABLES["3:2"], bet_unit=1000)
    assert model.rules.bet_unit == 1


def test_the_table_shows_the_unit_and_the_return_to_player():
    model = seated(TABLES["6:5"], rtp=98.62, rtp_error=0.01)
    lines = rules_lines(model.rules)
    assert lines[0] == "Bets 10 to 500, in 5s"
    assert lines[-1] == "RTP 98.62% ± 0.01"
    assert "Place your bet: 10 to 500 chips in 5s" in view.banner_text(model, 100)[0]
    # Not stated (or not believable): no line for it.
    for odd in ({}, {"rtp": "high"}, {"rtp": 1e9}, {"rtp": True}):
        assert not rules_lines(seated(TABLES["6:5"], **odd).rules)[-1].startswith("RTP")
    assert rules_lines(Rules())[0] == "Bets 10 to 500"
