"""Server messages and models the client's tests share: a classic seat, a
casino table in each stage, and hypothesis strategies for hostile input."""

from __future__ import annotations

from functools import reduce as fold

from hypothesis import strategies as st

from blackjack_client.model import (
    ACCOUNT_TYPES,
    CASINO_TYPES,
    KNOWN_TYPES,
    SURRENDERED,
    Connecting,
    Model,
    reduce,
)
from blackjackd.cards import points as hand_points

ID = {
    "type": "id",
    "client_id": 7,
    "username": "ann",
    "table": 1,
    "seat": 0,
    "seats": 5,
    "protocol": 1,
    "turn_timeout": 30.0,
}


def play(*messages, model=None, now=0.0):
    """The model after ``messages``, all received at ``now``."""
    start = model or reduce(Model(), Connecting("ws://x/websocket"))
    return fold(lambda m, message: reduce(m, message, now), messages, start)


def hit(card, who, points):
    """A classic ``hit``: ``who`` (an id or "dealer") is dealt ``card``."""
    return {"type": "hit", "card": card, "id": who, "points": points}


def seated_with_bob():
    """ann (7) holds TS 6H; bob (5) was there with 9C 3D."""
    return play(
        {"type": "auth"},
        ID,
        hit("TS", 7, 10),
        hit("6H", 7, 16),
        {
            "type": "other_players",
            "hand": ["9C", "3D"],
            "id": 5,
            "points": 12,
            "username": "bob",
            "seat": 1,
            "state": "playing",
        },
        {"type": "deadline", "id": 7, "seconds": 30.0},
        now=100.0,
    )


RULES = {
    "decks": 6,
    "h17": False,
    "das": True,
    "resplit_aces": False,
    "surrender": True,
    "blackjack_pays": "3:2",
    "max_split_hands": 4,
    "min_bet": 10,
    "max_bet": 500,
    "bet_timeout": 15.0,
}


CASINO_ID = {
    "type": "id",
    "client_id": 7,
    "username": "ann",
    "table": 1,
    "seat": 0,
    "protocol": 1,
    "turn_timeout": 30.0,
    "game": "casino",
    "rules": RULES,
    "balance": 1000,
}


BOB = {
    "type": "other_players",
    "hand": [],
    "id": 5,
    "points": 0,
    "username": "bob",
    "seat": 1,
    "state": "betting",
    "hands": [],
    "balance": 800,
}


def betting(seconds=15):
    """Betting opens at a casino table, 10 to 500, for ``seconds``."""
    return {"type": "betting", "min_bet": 10, "max_bet": 500, "seconds": seconds}


def bet(who, amount, balance):
    """``who`` has bet ``amount`` and has ``balance`` left."""
    return {"type": "bet", "id": who, "amount": amount, "balance": balance}


def card(value, who, points, hand=0):
    """A casino ``hit``: a card for one of ``who``'s hands."""
    return {**hit(value, who, points), "hand": hand}


def at_table(**rules):
    """ann (7) and bob (5) at a casino table, betting open at t=100."""
    return play(
        {"type": "auth"},
        {**CASINO_ID, "rules": {**RULES, **rules}},
        BOB,
        betting(),
        now=100.0,
    )


def dealt(ann=("8S", "8H"), bob=("TC", "7D"), upcard="6C", model=None, **rules):
    """Both bet 20 and 30; the cards are dealt; play begins (no peek)."""
    model = play(bet(7, 20, 980), bet(5, 30, 770), model=model or at_table(**rules))
    a1, a2 = ann
    b1, b2 = bob
    return play(
        {"type": "restart"},
        card(a1, 7, hand_points((a1,))),
        card(b1, 5, hand_points((b1,))),
        hit(upcard, "dealer", hand_points((upcard,))),
        card(a2, 7, hand_points(ann)),
        card(b2, 5, hand_points(bob)),
        {"type": "hole_card", "id": "dealer"},
        {"type": "deadline", "id": 7, "hand": 0, "seconds": 30},
        {"type": "deadline", "id": 5, "hand": 0, "seconds": 30},
        model=model,
        now=110.0,
    )


def round_over(model, ann_results, bob_result=("lose", 0, 770)):
    """A casino ``round_over`` for ann's hands in ``model`` and bob's one,
    each result a (result, payout, balance)."""
    pairs = zip(model.me.hands, ann_results, strict=True)
    results = [
        {"id": 7, "username": "ann", "index": i, "hand": list(h.cards),
         "points": h.points, "bet": h.bet, "result": r, "blackjack": False,
         "doubled": h.doubled, "surrendered": h.status == SURRENDERED,
         "payout": p, "balance": b}
        for i, (h, (r, p, b)) in enumerate(pairs)
    ]  # fmt: skip
    bob = model.seats[5].hands[0]
    result, payout, balance = bob_result
    results.append(
        {"id": 5, "username": "bob", "index": 0, "hand": list(bob.cards),
         "points": bob.points, "bet": bob.bet, "result": result, "blackjack": False,
         "doubled": False, "surrendered": False, "payout": payout,
         "balance": balance}
    )  # fmt: skip
    return {
        "type": "round_over",
        "dealer": {"hand": ["6C", "TD", "3S"], "points": 19, "blackjack": False},
        "results": results,
        "next_round_in": 3.0,
    }


_who = st.one_of(st.sampled_from([5, 7, 8, "dealer"]), st.integers(), st.none())


_number = st.one_of(st.integers(-3, 40), st.none(), st.just("x"), st.just(True))


casino_message = st.builds(
    lambda t, who, n, i: {
        "type": t,
        "id": who,
        "message": who,
        "client_id": who,
        "card": "8S",
        "points": n,
        "seconds": n,
        "amount": n,
        "balance": n,
        "bet": n,
        "payout": n,
        "refund": n,
        "net": n,
        "next_in": n,
        "taken": True,
        "blackjack": False,
        "hand": i,
        "new_hand": i,
        "index": i,
        "game": "casino",
        "rules": {"min_bet": n},
        "hands": [
            {
                "hand": i,
                "cards": ["8S", "8H"],
                "points": n,
                "bet": n,
                "status": "playing",
            }
        ],
        "dealer": {"hand": ["TS"], "points": n},
        "results": [
            {
                "id": who,
                "index": i,
                "result": "win",
                "hand": ["TS"],
                "points": n,
                "bet": n,
                "payout": n,
                "balance": n,
            }
        ],
        "state": "playing",
    },
    st.sampled_from(sorted(KNOWN_TYPES | CASINO_TYPES | ACCOUNT_TYPES)),
    _who,
    _number,
    _number,
)


def split_message(hand, new, first, second, balance, who=7, stake=20):
    """``who`` splits ``hand`` into ``first`` and a ``new`` hand ``second``."""
    return {
        "type": "split",
        "id": who,
        "hand": hand,
        "new_hand": new,
        "hands": [
            {"hand": hand, "cards": list(first), "points": hand_points(first),
             "bet": stake, "status": "playing"},
            {"hand": new, "cards": list(second), "points": hand_points(second),
             "bet": stake, "status": "playing"},
        ],
        "balance": balance,
    }  # fmt: skip


def deadlines(*hands, who=7):
    """A turn deadline for each of ``who``'s ``hands``."""
    return [{"type": "deadline", "id": who, "hand": h, "seconds": 30} for h in hands]
