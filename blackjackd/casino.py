"""The rules of casino blackjack, pure: configuration, hands, legality, payouts.

Nothing here holds a table, a clock or a socket; ``casino_table`` runs the
rounds and ``ledger`` moves the chips. Every function answers from the cards,
the bets and the ``CasinoConfig``, so the rules are tested (and simulated) on
their own.

Chips are whole numbers, and every bet is a multiple of the table's betting
unit, so that no payout splits a chip: by default the unit is the smallest
that makes a blackjack's winnings and a surrender's refund whole (2 at 3:2,
5 at 6:5, 10 at 6:5 with surrender), as real tables do with their chip
denominations. Should an operator set a smaller unit, fractions are rounded
down, in the house's favour:

- a blackjack wins ``floor(bet * blackjack_pays)``;
- insurance costs ``bet // 2`` and is offered only when that is at least 1;
  it pays 2:1 on that cost, so its rounding costs the player nothing;
- a surrender returns ``bet // 2``, and is refused when that is nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from blackjackd.cards import RANK_VALUES, hand_value
from blackjackd.shoe import DEFAULT_PENETRATION
from blackjackd.table import TableConfig

#: Payouts a blackjack may be set to: 3:2 (the fair game), 6:5 (what many
#: casinos pay now) and even money.
BLACKJACK_PAYOUTS = (Fraction(3, 2), Fraction(6, 5), Fraction(1, 1))

MIN_DECKS, MAX_DECKS = 1, 8


def parse_payout(text: str) -> Fraction:
    """``"3:2"`` (or ``"3/2"``, ``"1.5"``) as a ``Fraction``; ``ValueError``
    for anything but one of ``BLACKJACK_PAYOUTS``."""
    cleaned = text.strip().replace(":", "/")
    try:
        value = Fraction(cleaned)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{text!r} is not a payout like 3:2") from None
    if value not in BLACKJACK_PAYOUTS:
        raise ValueError(f"{text!r}: a blackjack pays 3:2, 6:5 or 1:1")
    return value


def format_payout(value: Fraction) -> str:
    """A payout as casinos write it: ``Fraction(6, 5)`` is ``"6:5"``."""
    return f"{value.numerator}:{value.denominator}"


@dataclass(frozen=True)
class CasinoConfig(TableConfig):
    """The rules, limits and timings of one casino table: those every table
    has (``TableConfig``), and the casino's own."""

    das: bool = True
    resplit_aces: bool = False
    surrender: bool = False
    blackjack_pays: Fraction = Fraction(3, 2)
    max_split_hands: int = 4
    min_bet: int = 10
    max_bet: int = 500
    bet_timeout: float = 15.0
    starting_chips: int = 1000
    #: Bets are multiples of this; None: the smallest unit that pays every
    #: blackjack and surrender in whole chips (see ``whole_payout_unit``).
    bet_unit: int | None = None
    #: Fraction of the shoe dealt before the reshuffle.
    penetration: float = DEFAULT_PENETRATION
    #: Shuffle the whole shoe before every round (no card counting).
    shuffle_every_round: bool = False

    def __post_init__(self) -> None:
        if not MIN_DECKS <= self.decks <= MAX_DECKS:
            raise ValueError(f"decks must be {MIN_DECKS} to {MAX_DECKS}")
        super().__post_init__()
        if Fraction(self.blackjack_pays) not in BLACKJACK_PAYOUTS:
            raise ValueError("a blackjack pays 3:2, 6:5 or 1:1")
        # Keep the exact type: payouts are computed with it.
        object.__setattr__(self, "blackjack_pays", Fraction(self.blackjack_pays))
        if not 1 <= self.max_split_hands <= 4:
            raise ValueError("max_split_hands must be 1 (no splits) to 4")
        if not 1 <= self.min_bet <= self.max_bet:
            raise ValueError("bets need 1 <= min_bet <= max_bet")
        if not self.bet_timeout > 0:
            raise ValueError("bet_timeout must be more than 0 seconds")
        if self.starting_chips < 0:
            raise ValueError("starting_chips can't be negative")
        if self.bet_unit is None:
            object.__setattr__(self, "bet_unit", whole_payout_unit(self))
        if self.unit < 1:
            raise ValueError("bet_unit must be at least 1 chip")
        if self.smallest_bet > self.max_bet:
            raise ValueError(
                f"no bet from {self.min_bet} to {self.max_bet} is a multiple "
                f"of the betting unit {self.unit}"
            )
        if not 0 < self.penetration <= 1:
            raise ValueError("penetration is a fraction of the shoe, above 0 to 1")

    @property
    def unit(self) -> int:
        """The betting unit: every bet is a multiple of it."""
        assert self.bet_unit is not None  # set in __post_init__
        return self.bet_unit

    @property
    def smallest_bet(self) -> int:
        """The smallest bet the table takes: ``min_bet`` rounded up to the
        betting unit."""
        return -(-self.min_bet // self.unit) * self.unit

    def describe(self) -> dict[str, Any]:
        """The rules as JSON-ready values, for the ``id`` message."""
        return {
            "decks": self.decks,
            "h17": self.hit_soft_17,
            "das": self.das,
            "resplit_aces": self.resplit_aces,
            "surrender": self.surrender,
            "blackjack_pays": format_payout(self.blackjack_pays),
            "max_split_hands": self.max_split_hands,
            "min_bet": self.min_bet,
            "max_bet": self.max_bet,
            "bet_timeout": self.bet_timeout,
            "bet_unit": self.unit,
            "penetration": self.penetration,
            "shuffle_every_round": self.shuffle_every_round,
            # A hand whose turn timer runs out stands; so do the hands of a
            # player who leaves mid-round, and they are settled as usual.
            "timeout": "stand",
            "leave": "stand",
        }


def whole_payout_unit(config: CasinoConfig) -> int:
    """The smallest bet unit for which a blackjack's winnings (and, where
    surrender is offered, its half-bet refund) are whole chips."""
    unit = config.blackjack_pays.denominator
    if config.surrender:
        unit = math.lcm(unit, 2)
    return unit


# A hand's status, as it goes out in messages.
PLAYING = "playing"
STOOD = "stood"
BUST = "bust"
BLACKJACK = "blackjack"
SURRENDERED = "surrendered"


@dataclass(eq=False, slots=True)
class PlayerHand:
    """One hand of one player: its cards, its stake and how it was played.

    ``bet`` is everything staked on the hand (doubled included).
    """

    bet: int
    cards: list[str] = field(default_factory=list)
    from_split: bool = False
    split_aces: bool = False
    doubled: bool = False
    status: str = PLAYING
    #: Chips returned to the player when the hand was settled (stake included).
    payout: int = 0
    result: str = ""

    @property
    def total(self) -> int:
        return hand_value(self.cards)[0]

    @property
    def soft(self) -> bool:
        return hand_value(self.cards)[1]

    @property
    def done(self) -> bool:
        return self.status != PLAYING

    @property
    def is_blackjack(self) -> bool:
        """A natural: two cards worth 21, not made from a split."""
        return is_natural(self.cards) and not self.from_split


def is_natural(cards: list[str]) -> bool:
    """Two cards worth 21 (whether they count as a blackjack depends on
    where they came from: see ``PlayerHand.is_blackjack``)."""
    # An ace and a ten-valued card, without counting the hand: the
    # simulator asks this several times a round.
    return (
        len(cards) == 2
        and RANK_VALUES[cards[0][0]] + RANK_VALUES[cards[1][0]] == 11
        and (cards[0][0] == "A" or cards[1][0] == "A")
    )


def is_pair(cards: list[str]) -> bool:
    """Two cards of the same value: 8-8, A-A, or any two ten-valued cards."""
    return len(cards) == 2 and RANK_VALUES[cards[0][0]] == RANK_VALUES[cards[1][0]]


def dealer_peeks(upcard: str) -> bool:
    """US rules: with an ace or a ten-valued card up, the dealer checks the
    hole card for blackjack before anyone plays."""
    value = RANK_VALUES[upcard[0]]
    return value == 1 or value == 10


def upcard_label(card: str) -> str:
    """The upcard's rank as the simulator keys it: ``"2"``..``"9"``, ``"T"``
    for every ten-valued card, ``"A"``."""
    value = RANK_VALUES[card[0]]
    return "A" if value == 1 else "T" if value == 10 else str(value)


# -- legality: each returns why an action is refused, or None ---------------


def bet_refusal(amount: int, config: CasinoConfig) -> str | None:
    """Why ``amount`` is not a bet this table takes (the table's limits and
    its betting unit); None when it is."""
    if not config.min_bet <= amount <= config.max_bet:
        return f"bets are {config.min_bet} to {config.max_bet} chips"
    if amount % config.unit:
        return f"bets are multiples of {config.unit} chips at this table"
    return None


def double_refusal(hand: PlayerHand, config: CasinoConfig) -> str | None:
    """Why ``hand`` may not double down (any first two cards may)."""
    if hand.status != PLAYING:
        return "that hand is over"
    if len(hand.cards) != 2:
        return "double only on the first two cards"
    if hand.split_aces:
        return "split aces take one card each"
    if hand.from_split and not config.das:
        return "no double after a split at this table"
    return None


def split_refusal(
    hand: PlayerHand, hands_held: int, config: CasinoConfig
) -> str | None:
    """Why ``hand`` may not be split when the player holds ``hands_held``."""
    if hand.status != PLAYING:
        return "that hand is over"
    if not is_pair(hand.cards):
        return "split only a pair"
    if hands_held >= config.max_split_hands:
        return f"at most {config.max_split_hands} hands"
    if hand.split_aces and not config.resplit_aces:
        return "split aces are not split again at this table"
    return None


def surrender_refusal(hand: PlayerHand, config: CasinoConfig) -> str | None:
    """Why ``hand`` may not surrender (late: only the first two cards, after
    the dealer's peek, never after a split)."""
    if not config.surrender:
        return "no surrender at this table"
    if hand.status != PLAYING:
        return "that hand is over"
    if len(hand.cards) != 2 or hand.from_split:
        return "surrender only the first two cards"
    if surrender_refund(hand.bet) < 1:
        return "a bet this small has nothing to give back on a surrender"
    return None


# -- payouts ----------------------------------------------------------------


def insurance_cost(bet: int) -> int:
    """Insurance is half the bet, rounded down."""
    return bet // 2


def insurance_payout(cost: int, dealer_blackjack: bool) -> int:
    """Chips back for an insurance bet of ``cost``: it pays 2:1."""
    return 3 * cost if dealer_blackjack else 0


def surrender_refund(bet: int) -> int:
    """Half the bet comes back on a surrender, rounded down."""
    return bet // 2


def blackjack_winnings(bet: int, pays: Fraction) -> int:
    """What a blackjack wins on ``bet`` (the stake comes back besides)."""
    # Fraction arithmetic is exact; floor rounds odd chips to the house.
    return (bet * pays.numerator) // pays.denominator


def settle_hand(
    hand: PlayerHand, dealer_cards: list[str], config: CasinoConfig
) -> tuple[str, int]:
    """``(result, payout)`` for a finished hand against the dealer's final
    cards: ``result`` is ``"win"``, ``"lose"`` or ``"push"``; ``payout`` is
    the chips the player gets back, stake included (0 for a loss).

    A surrendered hand is a loss whose refund was paid when it surrendered.
    """
    return settle_against(
        hand, hand_value(dealer_cards)[0], is_natural(dealer_cards), config
    )


def settle_against(
    hand: PlayerHand, dealer: int, dealer_blackjack: bool, config: CasinoConfig
) -> tuple[str, int]:
    """``settle_hand`` against a dealer's final total and whether it is a
    blackjack, counted once for every hand at the table."""
    bet = hand.bet
    if hand.status == SURRENDERED:
        return "lose", 0
    player = hand_value(hand.cards)[0]
    if player > 21:
        return "lose", 0
    if hand.is_blackjack:
        if dealer_blackjack:
            return "push", bet
        return "win", bet + blackjack_winnings(bet, config.blackjack_pays)
    if dealer_blackjack:
        return "lose", 0
    if dealer > 21 or player > dealer:
        return "win", 2 * bet
    if player == dealer:
        return "push", bet
    return "lose", 0
