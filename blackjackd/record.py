"""A casino round's record of itself, and its replay.

A ``CasinoRound`` made with a ``round_id`` keeps every card it draws and
every move it accepts. Once it is settled, ``casino_record`` turns it into
the JSON-ready record that storage keeps with the round (``rounds.record``):
the rules, the cards in the order they were drawn, the bettors with their
balance once their bet was staked, the moves, the hands and every chip that
moved. ``replay`` plays a record again through the very same ``CasinoRound``
(never a second copy of the rules) on exactly those cards, and lists
whatever comes out differently: that is how ``blackjackd.audit`` checks a
stored round.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import Any

from blackjackd.casino import CasinoConfig
from blackjackd.casino_round import CasinoRound, Stage
from blackjackd.errors import ActionRejected
from blackjackd.ledger import Entry, Ledger
from blackjackd.shoe import ShoeEmpty, StackedShoe

__all__ = [
    "BETTING_REASONS",
    "RECORD_VERSION",
    "Replay",
    "casino_record",
    "config_record",
    "movement_reason",
    "replay",
]

#: The record format this module writes and replays.
RECORD_VERSION = 1

#: Reasons of the chips a round's bettors move before the deal (a bet, and
#: its refund to a player who leaves while betting is open): the round
#: itself never moves chips for these.
BETTING_REASONS = frozenset({"bet", "refund"})

#: Ledger entry kinds stored under another reason.
_STORED_REASONS = {"surrender": "payout"}


def movement_reason(kind: str) -> str:
    """The stored reason of a ledger entry of ``kind``: a surrender's refund
    is stored as a ``payout``; every other kind is its own reason."""
    return _STORED_REASONS.get(kind, kind)


def config_record(config: CasinoConfig) -> dict[str, Any]:
    """The rules as the record keeps them: every field of ``config``, the
    blackjack payout as a string (``"3/2"``), so ``CasinoConfig(**it)``
    makes the same rules again."""
    found: dict[str, Any] = {}
    for item in fields(config):
        value = getattr(config, item.name)
        found[item.name] = str(value) if isinstance(value, Fraction) else value
    return found


def casino_record(
    round: CasinoRound,
    *,
    table: int,
    round_no: int,
    shoe: int,
    movements: Iterable[Entry],
    accounts: Mapping[int, int | None] | None = None,
    seats: Mapping[int, int] | None = None,
) -> dict[str, Any]:
    """The record of ``round``, settled, as JSON-ready data.

    ``round`` was made with a ``round_id`` (so it recorded itself) and is
    settled. ``table`` and ``round_no`` number it; ``shoe`` is how many
    times the table's shoe has been shuffled (``Shoe.shuffles``).
    ``movements`` are the ledger entries of the round, in order, as the
    ledger wrote them (``Entry.account`` is the player id, the key the
    table's ledger uses): the bets the table staked, a refund to a player
    who left while betting was open, and everything the round moved.
    ``accounts`` maps a player id to the stored account they play for
    (missing or None: a guest) and ``seats`` to the seat they sat in; both
    should cover every player of the round, those who left included, so a
    table keeps them from the moment the round is made.

    ``ValueError`` if the round kept no record or isn't settled.
    """
    if round.drawn is None or round.moves is None:
        raise ValueError("the round kept no record: it was made without a round id")
    if round.stage is not Stage.SETTLED:
        raise ValueError(f"the round is not settled: it is at {round.stage.value}")
    accounts = accounts or {}
    seats = seats or {}
    return {
        "version": RECORD_VERSION,
        "table": table,
        "round": round_no,
        "game": "casino",
        "config": config_record(round.config),
        "shoe": shoe,
        "cards": list(round.drawn),
        "bettors": [
            {
                "player": entrant.player_id,
                "account": accounts.get(entrant.player_id),
                "username": entrant.username,
                "seat": seats.get(entrant.player_id),
                "bet": entrant.bet,
                "balance": entrant.balance,
            }
            for entrant in round.entrants
        ],
        "moves": [dict(move) for move in round.moves],
        "dealer": list(round.dealer),
        "hands": list(_hands(round)),
        "movements": _movements(movements, accounts),
    }


@dataclass
class Replay:
    """What replaying a round record found.

    ``hands``, ``dealer`` and ``movements`` are as the record writes them;
    ``movements`` holds each bettor's bet (the table staked it before the
    deal) and every chip the replayed round moved. ``discrepancies`` says,
    one sentence each, whatever differs from the record: none for a round
    that replays to exactly what was recorded.
    """

    dealer: list[str] = field(default_factory=list)
    hands: list[dict[str, Any]] = field(default_factory=list)
    movements: list[dict[str, Any]] = field(default_factory=list)
    discrepancies: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The replay agrees with the record in every respect."""
        return not self.discrepancies


def replay(record: Mapping[str, Any]) -> Replay:
    """Play ``record`` again: its rules, its bettors (each with their
    recorded balance after the bet), its cards in order and its moves, through
    ``CasinoRound``; settle; compare with what the record says."""
    found = Replay()
    problems = found.discrepancies
    try:
        game, shoe, accounts = _replay_round(record)
    except (KeyError, TypeError, ValueError) as problem:
        problems.append(f"the record can't be replayed: {_describe(problem)}")
        return found
    try:
        game.deal()
    except ShoeEmpty:
        problems.append("the recorded cards run out during the deal")
        return found
    moves = record.get("moves", [])
    for number, move in enumerate(moves, 1):
        try:
            if not _apply(game, move):
                problems.append(f"move {number} ({_name(move)}) changed nothing")
        except ActionRejected as refusal:
            problems.append(f"move {number} ({_name(move)}) refused: {refusal.message}")
        except ShoeEmpty:
            problems.append(f"the recorded cards run out at move {number}")
            return found
        except (KeyError, TypeError, ValueError) as problem:
            problems.append(f"move {number} is not a move: {_describe(problem)}")
    if game.stage is not Stage.DEALER:
        problems.append(
            f"after the recorded moves the round is at {game.stage.value}, "
            "not ready to settle"
        )
        return found
    try:
        game.settle()
    except ShoeEmpty:
        problems.append("the recorded cards run out as the dealer draws")
        return found
    if shoe.remaining:
        problems.append(f"{shoe.remaining} recorded card(s) were never drawn")
    found.dealer = list(game.dealer)
    found.hands = list(_hands(game))
    found.movements = [
        _movement(entrant.player_id, accounts, -entrant.bet, "bet")
        for entrant in game.entrants
    ]
    assert game.ledger.entries is not None
    found.movements += _movements(game.ledger.entries, accounts)
    try:
        problems += _compare(record, found, game)
    except (KeyError, TypeError, ValueError) as problem:
        problems.append(f"the record can't be compared: {_describe(problem)}")
    return found


# -- making the record -------------------------------------------------------------


def _hands(round: CasinoRound) -> Iterator[dict[str, Any]]:
    for bettor in round.bettors:
        for index, hand in enumerate(bettor.hands):
            yield {
                "player": bettor.player_id,
                "index": index,
                "cards": list(hand.cards),
                "bet": hand.bet,
                "result": hand.result,
                "payout": hand.payout,
            }


def _movements(
    entries: Iterable[Entry], accounts: Mapping[int, int | None]
) -> list[dict[str, Any]]:
    """Ledger entries as the record writes them."""
    found = []
    for entry in entries:
        player = entry.account
        if not isinstance(player, int):
            raise TypeError(f"a round's ledger entry is for player {player!r}")
        found.append(_movement(player, accounts, entry.amount, entry.kind))
    return found


def _movement(
    player: int, accounts: Mapping[int, int | None], amount: int, kind: str
) -> dict[str, Any]:
    return {
        "player": player,
        "account": accounts.get(player),
        "amount": amount,
        "reason": movement_reason(kind),
    }


# -- replaying it ------------------------------------------------------------------


class _RecordedCards(StackedShoe):
    """The cards a round drew, in order. Shuffling is a no-op: the record
    holds the cards as they came out of the table's shoe, after whatever
    shuffle the round asked for."""

    def shuffle(self, in_play: Iterable[str] = ()) -> None:
        pass


def _replay_round(
    record: Mapping[str, Any],
) -> tuple[CasinoRound, _RecordedCards, dict[int, int | None]]:
    """The round a record describes, its bettors' balances loaded into a
    fresh ledger, not yet dealt."""
    if record["version"] != RECORD_VERSION:
        raise ValueError(
            f"record version {record['version']!r} is not {RECORD_VERSION}"
        )
    if record["game"] != "casino":
        raise ValueError(f"a {record['game']!r} round is not a casino round")
    config = CasinoConfig(**record["config"])
    ledger = Ledger()
    bettors = []
    accounts: dict[int, int | None] = {}
    for bettor in record["bettors"]:
        player = bettor["player"]
        ledger.load(player, bettor["balance"])
        bettors.append((player, bettor["username"], bettor["bet"]))
        accounts[player] = bettor.get("account")
    shoe = _RecordedCards(record["cards"])
    game = CasinoRound(config, shoe, ledger, bettors, round_id="replay")
    return game, shoe, accounts


#: The moves that play a hand, by their name in a record.
_HAND_MOVES: dict[str, Callable[[CasinoRound, int, int | None], None]] = {
    "hit": CasinoRound.hit,
    "stand": CasinoRound.stand,
    "double": CasinoRound.double,
    "split": CasinoRound.split,
    "surrender": CasinoRound.surrender,
}


def _apply(game: CasinoRound, move: Mapping[str, Any]) -> bool:
    """Play one recorded move; False if it was one of the table's events
    (a timer, a player leaving) and changed nothing."""
    name = move["move"]
    if name in _HAND_MOVES:
        _HAND_MOVES[name](game, move["player"], move["hand"])
    elif name == "insure":
        game.insure(move["player"], bool(move["take"]))
    elif name == "close_insurance":
        game.close_insurance()
    elif name == "time_out":
        return game.time_out(move["player"], move["hand"])
    elif name == "abandon":
        return game.abandon(move["player"])
    else:
        raise ValueError(f"no move is called {name!r}")
    return True


def _name(move: Any) -> str:
    """A recorded move in a few words, for a discrepancy."""
    if not isinstance(move, Mapping):
        return repr(move)
    words = [str(move.get("move"))]
    if move.get("player") is not None:
        words.append(f"by player {move['player']}")
    if move.get("hand") is not None:
        words.append(f"on hand {move['hand']}")
    return " ".join(words)


def _describe(problem: Exception) -> str:
    if isinstance(problem, KeyError):
        return f"{problem.args[0]!r} is missing"
    return str(problem)


def _compare(record: Mapping[str, Any], found: Replay, game: CasinoRound) -> list[str]:
    """Whatever the replay ``found`` differs in from ``record``."""
    problems = []
    if record.get("dealer") != found.dealer:
        problems.append(
            f"dealer: recorded {record.get('dealer')}, replayed {found.dealer}"
        )
    recorded = {
        (hand.get("player"), hand.get("index")): hand for hand in record["hands"]
    }
    replayed = {(hand["player"], hand["index"]): hand for hand in found.hands}
    for key in sorted(recorded.keys() | replayed.keys(), key=repr):
        where = f"player {key[0]} hand {key[1]}"
        if key not in replayed:
            problems.append(f"{where}: recorded, but the replay has no such hand")
        elif key not in recorded:
            problems.append(f"{where}: the replay has it, the record doesn't")
        else:
            for name in ("cards", "bet", "result", "payout"):
                mine, theirs = replayed[key][name], recorded[key].get(name)
                if mine != theirs:
                    problems.append(
                        f"{where}: {name} recorded {theirs!r}, replayed {mine!r}"
                    )
    problems += _compare_movements(record["movements"], found.movements, game)
    return problems


def _compare_movements(
    recorded: list[dict[str, Any]], replayed: list[dict[str, Any]], game: CasinoRound
) -> list[str]:
    """Each player's recorded movements against the replay's. Before the
    deal a player may have bet, left and had the bet refunded (or bet again):
    what they bet and got back then must come to their bet in the round (or
    to nothing, for a player not in it); the rest must be exactly what the
    replay moved, in order."""
    bets = {entrant.player_id: entrant.bet for entrant in game.entrants}
    problems = []
    players = {move["player"] for move in recorded} | bets.keys()
    for player in sorted(players):
        before = [
            move["amount"]
            for move in recorded
            if move["player"] == player and move["reason"] in BETTING_REASONS
        ]
        if sum(before) != -bets.get(player, 0):
            problems.append(
                f"player {player}: bets and refunds come to {sum(before)}, "
                f"the round has them bet {bets.get(player, 0)}"
            )
        ours = _played(replayed, player)
        theirs = _played(recorded, player)
        if ours != theirs:
            problems.append(
                f"player {player}: the round moved {_chips(theirs)} by the record, "
                f"{_chips(ours)} in the replay"
            )
    return problems


def _played(movements: list[dict[str, Any]], player: int) -> list[tuple[int, str]]:
    """``player``'s chips the round itself moved, in order."""
    return [
        (move["amount"], move["reason"])
        for move in movements
        if move["player"] == player and move["reason"] not in BETTING_REASONS
    ]


def _chips(movements: list[tuple[int, str]]) -> str:
    if not movements:
        return "nothing"
    return ", ".join(f"{amount:+d} ({reason})" for amount, reason in movements)
