"""What the player can send now, worked out from the model: the chips a
bet is made of, the bet B repeats, and the moment as the bot policy
(``blackjackd.bots``) sees it."""

from __future__ import annotations

from blackjack_client.model.state import Model
from blackjackd import wire
from blackjackd.bots import Turn, smallest_bet
from blackjackd.strategy import HIT, STAND

#: The denominations chips come in; a table shows those within its limits.
CHIP_VALUES = (1, 5, 10, 25, 50, 100, 500, 1000, 5000)
#: The most chips offered at once.
MAX_CHIPS = 5


def chip_values(min_bet: int, max_bet: int, unit: int = 1) -> list[int]:
    """The chips offered for bets of ``min_bet`` to ``max_bet`` in multiples
    of ``unit``: the smallest such bet, then up to four denominations on the
    unit spread up to the maximum."""
    lowest = smallest_bet(min_bet, unit)
    if lowest > max_bet:
        return []
    above = [
        value for value in CHIP_VALUES if lowest < value <= max_bet and not value % unit
    ]
    if len(above) > MAX_CHIPS - 1:
        last = len(above) - 1
        picks = MAX_CHIPS - 1
        above = [above[round(i * last / (picks - 1))] for i in range(picks)]
    return [lowest, *above]


def rebet_amount(model: Model) -> int:
    """What B bets: the last bet again when the table still takes it and the
    chips cover it, else the table's smallest bet."""
    last = model.last_bet
    if last is not None and model.rules.takes(last):
        balance = model.balance
        if balance is None or last <= balance:
            return last
    return model.rules.smallest_bet


def bot_turn(model: Model) -> Turn:
    """The moment as a bot sees it: bets open, insurance offered, or the
    hand whose turn it is with the actions the rules allow on it."""
    rules = model.rules
    if model.can_bet():
        return Turn(
            may_bet=True,
            min_bet=rules.min_bet,
            max_bet=rules.max_bet,
            bet_unit=rules.bet_unit,
            balance=model.balance,
        )
    if model.can_insure(False):
        return Turn(balance=model.balance, insurance_cost=model.insurance_offer)
    me = model.me
    if me is None or not model.can_act():
        return Turn(balance=model.balance)
    index = model.active_hand() if model.casino else None
    hand = me.hand if index is None else me.hands[index]
    return Turn(
        balance=model.balance,
        hand=index,
        cards=hand.cards,
        points=hand.points,
        upcard=model.dealer.cards[0] if model.dealer.cards else None,
        legal=frozenset((HIT, STAND)) | model.hand_options(),
    )


def request_for(
    model: Model, action: str, amount: int | None = None
) -> wire.Request | None:
    """The request that does ``action`` now, or None if it isn't allowed.
    ``amount`` is what a bet stakes (by default ``rebet_amount``)."""
    if not model.casino:
        if action not in ("hit", "stand") or not model.can_act():
            return None
        return wire.HAND_REQUESTS[action]()
    if action == "rebuy":
        return wire.RebuyRequest() if model.can_rebuy() else None
    if action == "bet":
        stake = rebet_amount(model) if amount is None else amount
        return wire.BetRequest(amount=stake) if model.can_bet(stake) else None
    if action in ("insure", "decline"):
        take = action == "insure"
        return wire.InsuranceRequest(take=take) if model.can_insure(take) else None
    allowed = {
        "hit": model.can_act,
        "stand": model.can_act,
        "double": model.can_double,
        "split": model.can_split,
        "surrender": model.can_surrender,
    }.get(action)
    index = model.active_hand()
    if allowed is None or index is None or not allowed():
        return None
    # The hand is named: after a split the player acts on the framed one.
    return wire.HAND_REQUESTS[action](hand=index)
