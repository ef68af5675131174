"""A player's hand history: stored rounds as the ``history`` message shows
them, from that player's side of the table."""

from __future__ import annotations

from typing import Any

from blackjackd.cards import hand_value
from blackjackd.store import HistoryRow
from blackjackd.wire import HistoryHand, HistoryRound


def history_round(row: HistoryRow, account_id: int) -> HistoryRound:
    """One stored round, as the player of ``account_id`` saw it: their own
    hands (a refunded round was never settled: it has none), the dealer's,
    and the chips they staked and got back."""
    record: dict[str, Any] = row.record or {}
    # Casino records name their "bettors", classic ones their "players".
    players = {
        player["player"]
        for player in record.get("bettors", record.get("players", ()))
        if player.get("account") == account_id
    }
    hands = tuple(
        HistoryHand(
            hand=hand["index"],
            cards=tuple(hand["cards"]),
            points=hand_value(hand["cards"])[0],
            bet=hand["bet"],
            result=hand["result"],
            payout=hand["payout"],
        )
        for hand in record.get("hands", ())
        if hand["player"] in players
    )
    amounts = [amount for amount, _reason in row.movements]
    staked = -sum(amount for amount in amounts if amount < 0)
    returned = sum(amount for amount in amounts if amount > 0)
    return HistoryRound(
        id=row.round_id,
        table=row.table_no,
        round=row.round_no,
        game=row.game,
        at=row.closed_at,
        status=row.status,
        dealer=tuple(record.get("dealer", ())),
        hands=hands,
        staked=staked,
        returned=returned,
        net=returned - staked,
    )
