"""The simulator, quickly: it runs, its JSON has the promised keys, and
rule changes move the edge the right way on the same cards."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from blackjackd.casino import CasinoConfig
from blackjackd.sim import UPCARD_LABELS, main, simulate


def test_json_output(capsys):
    assert main(["--hands", "2000", "--seed", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {
        "house_edge",
        "house_edge_stderr",
        "dealer_bust_by_upcard",
        "hands",
        "hands_per_second",
    }
    assert result["hands"] == 2000
    assert -0.1 < result["house_edge"] < 0.1
    assert 0 < result["house_edge_stderr"] < 0.05
    assert list(result["dealer_bust_by_upcard"]) == list(UPCARD_LABELS)
    assert all(0 <= rate <= 1 for rate in result["dealer_bust_by_upcard"].values())
    assert result["hands_per_second"] > 0


def test_text_output(capsys):
    main(["--hands", "500", "--seed", "2", "--h17", "--no-das", "--surrender"])
    out = capsys.readouterr().out
    assert "house edge" in out
    assert "hands/s" in out


def test_same_seed_same_figures():
    first = simulate(1000, CasinoConfig(), seed=5)
    second = simulate(1000, CasinoConfig(), seed=5)
    assert first.house_edge == second.house_edge


def test_6_to_5_costs_the_player_on_the_same_cards():
    fair = simulate(3000, CasinoConfig(), seed=9)
    short = simulate(3000, CasinoConfig(blackjack_pays=Fraction(6, 5)), seed=9)
    # Same cards, same plays: only blackjacks pay less, 0.3 bets each.
    difference = short.house_edge - fair.house_edge
    assert difference > 0
    assert (difference * 3000 / 0.3) == pytest.approx(round(difference * 3000 / 0.3))


def test_bad_arguments_exit():
    with pytest.raises(SystemExit):
        main(["--hands", "0"])
    with pytest.raises(SystemExit):
        main(["--blackjack-pays", "7:5"])
