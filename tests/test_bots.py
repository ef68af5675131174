"""The bot policy: what a bot sends, from what it knows of the table."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from twisted.trial.unittest import SynchronousTestCase

from blackjackd import wire
from blackjackd.bots import (
    DOUBLE,
    HIT,
    SPLIT,
    STAND,
    SURRENDER,
    BasicStrategyPolicy,
    Move,
    Pace,
    SeatNotes,
    StandOn17,
    Turn,
    hand_options,
    next_move,
    table_config,
)
from blackjackd.cards import DECK
from blackjackd.casino import (
    CasinoConfig,
    PlayerHand,
    double_refusal,
    split_refusal,
    surrender_refusal,
)

PLAYING_NOW = frozenset((HIT, STAND))


class SimpleBotTests(SynchronousTestCase):
    """The simple bot: bets the minimum, declines insurance, hits below 17."""

    def test_the_simple_bot_hits_below_17(self):
        for points, action in [
            (4, HIT),
            (12, HIT),
            (16, HIT),
            (17, STAND),
            (20, STAND),
        ]:
            turn = Turn(hand=0, points=points, legal=PLAYING_NOW)
            self.assertEqual(
                next_move(turn),
                Move(action, hand=0),
                f"points={points!r} action={action!r}",
            )
            # A classic table's one hand stays unnamed.
            self.assertEqual(
                next_move(Turn(points=points, legal=PLAYING_NOW)),
                Move(action),
                f"points={points!r} action={action!r}",
            )

    def test_bets_the_minimum_when_the_chips_allow(self):
        betting = Turn(may_bet=True, min_bet=25, max_bet=500, balance=1000)
        self.assertEqual(next_move(betting), Move("bet", amount=25))
        self.assertIsNone(
            next_move(Turn(may_bet=True, min_bet=25, max_bet=500, balance=24))
        )
        self.assertEqual(
            next_move(Turn(may_bet=True, min_bet=25, max_bet=500)),
            Move("bet", amount=25),
        )

    def test_declines_insurance_and_waits_with_nothing_to_do(self):
        self.assertEqual(
            next_move(Turn(insurance_cost=5, balance=100)), Move("decline")
        )
        self.assertIsNone(next_move(Turn()))
        self.assertIsNone(next_move(Turn(hand=0, points=12)))  # nothing legal

    def test_moves_as_messages(self):
        self.assertEqual(
            Move("bet", amount=10).message(), {"type": "bet", "amount": 10}
        )
        self.assertEqual(
            Move("decline").message(), {"type": "insurance", "take": False}
        )
        self.assertEqual(Move("insure").message(), {"type": "insurance", "take": True})
        self.assertEqual(Move(HIT).message(), {"type": "hit"})
        self.assertEqual(Move(SPLIT, hand=1).message(), {"type": "split", "hand": 1})


class BasicStrategyBotTests(SynchronousTestCase):
    """The basic-strategy bot, within the rules and without the cards."""

    def test_basic_strategy_plays_the_chart_within_the_rules(self):
        config = CasinoConfig(surrender=True)
        policy = BasicStrategyPolicy(config)
        everything = PLAYING_NOW | {DOUBLE, SPLIT, SURRENDER}

        def play(cards, upcard, legal=everything):
            turn = Turn(hand=0, cards=cards, points=0, upcard=upcard, legal=legal)
            return next_move(turn, policy)

        self.assertEqual(play(("8S", "8H"), "6D"), Move(SPLIT, hand=0))
        not_a_pair = everything - {SPLIT}
        self.assertEqual(play(("6S", "5H"), "6D", not_a_pair), Move(DOUBLE, hand=0))
        self.assertEqual(play(("TS", "6H"), "TD", not_a_pair), Move(SURRENDER, hand=0))
        # Without the option the chart's fallback; never a refused action.
        self.assertEqual(play(("6S", "5H"), "6D", PLAYING_NOW), Move(HIT, hand=0))
        self.assertEqual(play(("TS", "6H"), "TD", PLAYING_NOW), Move(HIT, hand=0))

    def test_basic_strategy_falls_back_without_the_cards(self):
        policy = BasicStrategyPolicy(CasinoConfig())
        turn = Turn(hand=0, cards=(), points=18, upcard=None, legal=PLAYING_NOW)
        self.assertEqual(next_move(turn, policy), Move(STAND, hand=0))
        odd = Turn(hand=0, cards=("ZZ", "1X"), points=9, upcard="9C", legal=PLAYING_NOW)
        self.assertEqual(next_move(odd, policy), Move(HIT, hand=0))


class LegalityTests(SynchronousTestCase):
    """The table's rules from the id, and the legal options as the server's."""

    def test_table_config_reads_id_rules_and_survives_odd_values(self):
        config = table_config(
            {
                "decks": 2,
                "h17": True,
                "das": False,
                "resplit_aces": True,
                "surrender": True,
                "blackjack_pays": "6:5",
                "max_split_hands": 3,
                "min_bet": 5,
                "max_bet": 100,
            }
        )
        self.assertEqual(
            (config.decks, config.hit_soft_17, config.das), (2, True, False)
        )
        self.assertEqual(
            (config.resplit_aces, config.surrender, config.max_split_hands),
            (
                True,
                True,
                3,
            ),
        )
        self.assertEqual((config.min_bet, config.max_bet), (5, 100))
        self.assertEqual(str(config.blackjack_pays), "6/5")
        for odd in (
            None,
            [],
            {"decks": 10**9, "max_split_hands": 99, "blackjack_pays": "7:1"},
            {"min_bet": 1000, "max_bet": 5, "h17": "yes", "decks": True},
            {"blackjack_pays": "x" * 10**6, "min_bet": float("inf")},
        ):
            self.assertIsInstance(
                table_config(odd),
                CasinoConfig,
                f"table_config({odd!r:.80}) is not a CasinoConfig",
            )
        self.assertEqual(table_config({"max_split_hands": 99}).max_split_hands, 4)

    @given(
        cards=st.lists(st.sampled_from(DECK), min_size=1, max_size=4),
        from_split=st.booleans(),
        hands_held=st.integers(1, 4),
        das=st.booleans(),
        resplit_aces=st.booleans(),
        surrender=st.booleans(),
        max_split_hands=st.integers(1, 4),
        balance=st.none() | st.integers(0, 40),
    )
    def test_hand_options_are_the_servers_refusals(
        self,
        cards,
        from_split,
        hands_held,
        das,
        resplit_aces,
        surrender,
        max_split_hands,
        balance,
    ):
        config = CasinoConfig(
            das=das,
            resplit_aces=resplit_aces,
            surrender=surrender,
            max_split_hands=max_split_hands,
        )
        hand = PlayerHand(
            bet=20,
            cards=list(cards),
            from_split=from_split,
            split_aces=from_split and cards[0][0] == "A",
        )
        options = hand_options(
            cards,
            bet=20,
            from_split=from_split,
            hands_held=hands_held,
            config=config,
            balance=balance,
        )
        affords = balance is None or balance >= 20
        self.assertEqual(
            DOUBLE in options, affords and double_refusal(hand, config) is None
        )
        self.assertEqual(
            SPLIT in options,
            affords and split_refusal(hand, hands_held, config) is None,
        )
        self.assertEqual(SURRENDER in options, surrender_refusal(hand, config) is None)

    def test_hand_options_refuse_cards_no_server_deals(self):
        config = CasinoConfig(surrender=True)
        for cards in ((), ("ZZ", "ZZ"), ("10H", "10S")):
            self.assertEqual(
                hand_options(
                    cards,
                    bet=10,
                    from_split=False,
                    hands_held=1,
                    config=config,
                    balance=None,
                ),
                frozenset(),
                repr(cards),
            )


class _Betting(StandOn17):
    """A policy that bets whatever it is told to."""

    def __init__(self, amount: int) -> None:
        self.amount = amount

    def bet(self, turn: Turn) -> int | None:
        return self.amount


class BettingUnitTests(SynchronousTestCase):
    """Bets in the table's betting unit."""

    def test_table_config_reads_the_betting_unit(self):
        rules = {"blackjack_pays": "6:5", "min_bet": 10, "max_bet": 500}
        self.assertEqual(table_config({**rules, "bet_unit": 5}).unit, 5)
        # An old server states no unit: any whole bet.
        self.assertEqual(table_config(rules).unit, 1)
        self.assertEqual(table_config(None).unit, 1)
        for odd in (0, -5, "5", True, 2.5):
            self.assertEqual(table_config({**rules, "bet_unit": odd}).unit, 1, odd)
        # No bet within the limits on the unit: not a table to believe.
        odd_table = {"min_bet": 11, "max_bet": 12, "bet_unit": 5}
        self.assertEqual(table_config(odd_table).unit, 1)

    def test_bets_the_smallest_bet_on_the_unit(self):
        turn = Turn(may_bet=True, min_bet=15, max_bet=500, bet_unit=2, balance=1000)
        self.assertEqual(turn.smallest_bet, 16)
        self.assertEqual(next_move(turn), Move("bet", amount=16))
        self.assertEqual(
            next_move(Turn(may_bet=True, min_bet=15, max_bet=500, bet_unit=10)),
            Move("bet", amount=20),
        )

    @given(
        low=st.integers(1, 200),
        span=st.integers(0, 500),
        unit=st.integers(1, 25),
        balance=st.one_of(st.none(), st.integers(0, 1000)),
        wanted=st.integers(-5, 800),
    )
    def test_a_bot_never_bets_off_the_unit(self, low, span, unit, balance, wanted):
        turn = Turn(
            may_bet=True,
            min_bet=low,
            max_bet=low + span,
            bet_unit=unit,
            balance=balance,
        )
        policies = (StandOn17(), BasicStrategyPolicy(CasinoConfig()), _Betting(wanted))
        for policy in policies:
            move = next_move(turn, policy)
            if move is None:
                continue
            self.assertIsNotNone(move.amount)
            self.assertEqual(move.amount % unit, 0)
            self.assertTrue(low <= move.amount <= low + span)
            self.assertTrue(balance is None or move.amount <= balance)

    def test_seat_notes_bet_on_the_tables_unit(self):
        notes = SeatNotes()
        notes.hear(
            {
                "type": "id",
                "client_id": 7,
                "username": "bot",
                "game": "casino",
                "balance": 100,
                "rules": {
                    "blackjack_pays": "6:5",
                    "min_bet": 7,
                    "max_bet": 50,
                    "bet_unit": 5,
                },
            }
        )
        turn = notes.hear(
            {"type": "betting", "seconds": 15, "min_bet": 7, "max_bet": 50}
        )
        self.assertIsNotNone(turn)
        self.assertEqual(turn.bet_unit, 5)
        self.assertEqual(next_move(turn), Move("bet", amount=10))


class SeatNotesTests(SynchronousTestCase):
    """SeatNotes: from the messages heard, when to decide and what is legal."""

    def test_seat_notes_say_when_to_decide(self):
        notes = SeatNotes()
        casino_id = {
            "type": "id",
            "client_id": 7,
            "username": "bot",
            "game": "casino",
            "balance": 100,
            "rules": {"surrender": True, "min_bet": 10, "max_bet": 50},
        }
        self.assertIsNone(notes.hear({"type": "auth"}))
        self.assertIsNone(notes.hear(casino_id))
        betting = notes.hear(
            {"type": "betting", "seconds": 15, "min_bet": 10, "max_bet": 50}
        )
        self.assertEqual(
            betting, Turn(may_bet=True, min_bet=10, max_bet=50, balance=100)
        )
        self.assertIsNone(
            notes.hear({"type": "bet", "id": 7, "amount": 10, "balance": 90})
        )
        self.assertIsNone(
            notes.hear({"type": "hit", "id": 7, "card": "8S", "points": 8})
        )
        self.assertIsNone(
            notes.hear({"type": "hit", "id": "dealer", "card": "6D", "points": 6})
        )
        self.assertIsNone(
            notes.hear({"type": "hit", "id": 7, "card": "8H", "points": 16})
        )
        # Another player's turn is not ours.
        self.assertIsNone(notes.hear({"type": "deadline", "id": 8, "seconds": 30}))
        turn = notes.hear({"type": "deadline", "id": 7, "hand": 0, "seconds": 30})
        self.assertIsNotNone(turn)
        self.assertEqual(
            (turn.hand, turn.cards, turn.points, turn.upcard),
            (
                0,
                ("8S", "8H"),
                16,
                "6D",
            ),
        )
        self.assertEqual(turn.legal, {HIT, STAND, DOUBLE, SPLIT, SURRENDER})
        self.assertEqual(turn.balance, 90)
        # The card asked for comes while the turn is on: decide again.
        after = notes.hear(
            {"type": "hit", "id": 7, "card": "2C", "points": 18, "hand": 0}
        )
        self.assertIsNotNone(after)
        self.assertEqual(after.legal, PLAYING_NOW)
        self.assertIsNone(
            notes.hear({"type": "stand", "id": 7, "hand": 0, "reason": "stand"})
        )
        # A card after the turn ended asks nothing.
        self.assertIsNone(
            notes.hear({"type": "hit", "id": 7, "card": "2D", "points": 20})
        )

    def test_seat_notes_after_a_split_and_a_double(self):
        notes = SeatNotes()
        notes.hear(
            {
                "type": "id",
                "client_id": 7,
                "username": "bot",
                "game": "casino",
                "balance": 100,
            }
        )
        notes.hear({"type": "restart"})
        notes.hear({"type": "bet", "id": 7, "amount": 10, "balance": 90})
        notes.hear({"type": "hit", "id": 7, "card": "8S", "points": 8})
        notes.hear({"type": "hit", "id": 7, "card": "8H", "points": 16})
        notes.hear({"type": "deadline", "id": 7, "seconds": 30})
        split = {
            "type": "split",
            "id": 7,
            "hand": 0,
            "new_hand": 1,
            "balance": 80,
            "hands": [
                {
                    "hand": 0,
                    "cards": ["8S"],
                    "points": 8,
                    "bet": 10,
                    "status": "playing",
                },
                {
                    "hand": 1,
                    "cards": ["8H"],
                    "points": 8,
                    "bet": 10,
                    "status": "playing",
                },
            ],
        }
        self.assertIsNone(notes.hear(split))
        # The split hands' cards come before their turns: no decision yet.
        self.assertIsNone(
            notes.hear({"type": "hit", "id": 7, "card": "3C", "points": 11})
        )
        turn = notes.hear({"type": "deadline", "id": 7, "hand": 0, "seconds": 30})
        self.assertIsNotNone(turn)
        self.assertEqual(turn.cards, ("8S", "3C"))
        self.assertIn(DOUBLE, turn.legal)
        self.assertNotIn(SURRENDER, turn.legal)
        self.assertIsNone(
            notes.hear({"type": "double", "id": 7, "hand": 0, "bet": 20, "balance": 70})
        )
        self.assertIsNone(
            notes.hear({"type": "hit", "id": 7, "card": "9D", "points": 20})
        )

    def test_seat_notes_hear_wire_messages_and_ignore_what_does_not_decode(self):
        notes = SeatNotes()
        rules = wire.Rules(min_bet=10, max_bet=50, blackjack_pays="6:5", bet_unit=5)
        notes.hear(wire.Id(client_id=7, username="bot", game="casino", rules=rules))
        self.assertEqual(notes.config.unit, 5)
        turn = notes.hear(wire.Betting(min_bet=10, max_bet=50, seconds=15))
        self.assertEqual(turn.bet_unit, 5)
        self.assertIsNone(notes.hear({"type": "betting", "min_bet": "ten"}))
        self.assertIsNone(notes.hear({"type": "tip", "amount": 5}))
        self.assertEqual(Move("bet", amount=10).request(), wire.BetRequest(amount=10))
        self.assertEqual(Move(SPLIT, hand=1).request(), wire.SplitRequest(hand=1))


class PaceTests(SynchronousTestCase):
    """A bot's moves go out at least ``Pace.GAP`` apart."""

    def test_moves_far_apart_go_at_once_close_ones_wait_their_turn(self):
        pace = Pace(gap=0.2)
        self.assertEqual(pace.wait(10.0), 0)
        self.assertAlmostEqual(pace.wait(10.05), 0.15)
        # A third at the same moment queues behind the second.
        self.assertAlmostEqual(pace.wait(10.05), 0.35)
        self.assertEqual(pace.wait(11.0), 0)
