"""The classic table as a pure state machine: rounds, timers and seats,
driven by a ``Clock`` and stacked shoes, with no protocol in between."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.cards import DECK, points
from blackjackd.classic_table import ClassicTable, HandState
from blackjackd.errors import ActionRejected
from blackjackd.rules import dealer_must_hit
from blackjackd.shoe import Shoe, StackedShoe
from blackjackd.table import TableConfig
from blackjackd.testing import CLASSIC_OPENING, Inbox
from blackjackd.wire import REQUESTS, TABLE_MESSAGES, HitRequest, StandRequest
from tests.raising import raised


class Harness:
    """A table on a ``Clock`` whose players' messages land in inboxes."""

    def __init__(
        self, cards: Sequence[str] = (), shoe: Shoe | None = None, **config: Any
    ) -> None:
        self.clock = Clock()
        self.config = TableConfig(**{"turn_timeout": 30, "round_delay": 3, **config})
        self.shoe = shoe if shoe is not None else StackedShoe(cards)
        self.table = ClassicTable(1, self.config, self.shoe, self.clock)
        self.inbox: dict[int, list[dict[str, Any]]] = {}
        self._next_id = 0

    def sit(self, username: str = "player") -> int:
        self._next_id += 1
        player_id = self._next_id
        self.inbox[player_id] = Inbox()
        self.table.sit(player_id, username, self.inbox[player_id])
        return player_id

    def take(self, player_id: int) -> list[dict[str, Any]]:
        taken, self.inbox[player_id][:] = list(self.inbox[player_id]), []
        return taken

    def types(self, player_id: int) -> list[str]:
        return [message["type"] for message in self.take(player_id)]

    def sit_together(self, *usernames: str) -> list[int]:
        """Seats ``usernames`` for one round: the first plays an opening
        round alone (standing on whatever is dealt), the others sit while
        it is played and wait, and all of them are dealt in together at the
        next deal. Their inboxes are emptied of everything before that deal.

        A stacked shoe starts with ``OPENING``; the round's cards follow it,
        one to each player in seat order, then a second to each."""
        first, *rest = usernames
        players = [self.sit(first)] + [self.sit(name) for name in rest]
        if self.table.seat_of(players[0]).state is HandState.PLAYING:
            self.table.act(players[0], StandRequest())
        self.clock.advance(self.config.round_delay)
        for player in players:
            del self.inbox[player][: self._deal_index(player)]
        return players

    def _deal_index(self, player_id: int) -> int:
        """Where the last deal's messages begin in ``player_id``'s inbox."""
        types = [message["type"] for message in self.inbox[player_id]]
        restart = len(types) - 1 - types[::-1].index("restart")
        return restart - 1 if restart and types[restart - 1] == "shuffle" else restart


#: The cards of ``Harness.sit_together``'s opening round: the first player
#: stands on 17 (TS 7H) and the dealer draws 17 (9S 8H).
OPENING = list(CLASSIC_OPENING)


def hit(card: str, player_id: Any, hand: list[str]) -> dict[str, Any]:
    return {"type": "hit", "card": card, "id": player_id, "points": points(hand)}


#: Settings a table refuses.
IMPOSSIBLE_TABLES: list[dict[str, Any]] = [
    {"seats": 0},
    {"seats": 8},
    {"decks": 0},
    {"turn_timeout": 0},
    {"round_delay": -1},
]

#: The dealer's hand after ``TS 8H`` stands against ``AS 6H``, per h17.
SOFT_17_DEALS = [(False, ["AS", "6H"]), (True, ["AS", "6H", "TC"])]


class TableTestCase(SynchronousTestCase):
    """Asserts a refusal from a table."""

    def refused(
        self, code: int, game: Harness, player_id: int, request: Any, case: str = ""
    ) -> ActionRejected:
        """The refusal of ``request`` from ``player_id``: it must carry
        ``code``; ``case`` names the case in a failure."""
        label = f"{case}{': ' if case else ''}{request} from {player_id}"
        refusal = raised(
            self, ActionRejected, label, game.table.act, player_id, request
        )
        self.assertEqual(refusal.status_code, code, f"{label}: {refusal.message}")
        return refusal


class ConfigTests(SynchronousTestCase):
    """A classic table's settings, checked when they are made."""

    def test_config_refuses_impossible_tables(self) -> None:
        for bad in IMPOSSIBLE_TABLES:
            raised(self, ValueError, bad, TableConfig, **bad)
        TableConfig(seats=7, round_delay=0, turn_timeout=0.5)


class RoundTests(TableTestCase):
    """Dealing, playing and settling rounds."""

    def test_the_first_player_is_dealt_in_at_once_and_timed(self) -> None:
        game = Harness(["TS", "7H"])
        ann = game.sit("ann")
        messages = game.take(ann)
        self.assertEqual(messages[0]["type"], "id")
        self.assertEqual(
            messages[1:],
            [
                hit("TS", ann, ["TS"]),
                hit("7H", ann, ["TS", "7H"]),
                {"type": "deadline", "id": ann, "seconds": 30},
            ],
        )
        self.assertIs(game.table.seat_of(ann).state, HandState.PLAYING)
        self.assertEqual(
            [call.getTime() for call in game.clock.getDelayedCalls()], [30]
        )

    def test_a_second_player_mid_round_waits_and_is_dealt_in_at_the_next_round(
        self,
    ) -> None:
        game = Harness([*OPENING, "9C", "5D", "KS", "4H"], round_delay=3)
        ann = game.sit("ann")
        game.take(ann)
        game.clock.advance(10)
        bob = game.sit("bob")
        # ann's round goes on without bob: he is introduced, not dealt in.
        self.assertEqual(
            game.take(ann),
            [{"type": "new_client", "message": bob, "username": "bob", "seat": 1}],
        )
        to_bob = game.take(bob)
        self.assertEqual([m["type"] for m in to_bob], ["id", "other_players", "wait"])
        self.assertEqual(
            to_bob[2], {"type": "wait", "message": "dealt in at the next round"}
        )
        self.assertIs(game.table.seat_of(bob).state, HandState.WAITING)
        self.assertEqual(game.table.seat_of(bob).hand, [])
        refusal = self.refused(409, game, bob, HitRequest())
        self.assertEqual(refusal.message, "you are dealt in at the next round")
        # bob's sitting down started no clock: only ann's deadline ticks.
        self.assertEqual([c.getTime() for c in game.clock.getDelayedCalls()], [30])
        self.assertEqual(
            to_bob[1],
            {
                "type": "other_players",
                "hand": ["TS", "7H"],
                "id": ann,
                "points": 17,
                "username": "ann",
                "seat": 0,
                "state": "playing",
            },
        )
        # ann's round is settled without bob, who is dealt in at the next.
        game.table.act(ann, StandRequest())
        summary = game.take(bob)[-1]
        self.assertEqual(summary["type"], "round_over")
        self.assertEqual([r["id"] for r in summary["results"]], [ann])
        game.take(ann)
        game.clock.advance(3)
        self.assertEqual(
            game.take(bob),
            [
                {"type": "restart"},
                hit("9C", ann, ["9C"]),
                hit("5D", bob, ["5D"]),
                hit("KS", ann, ["9C", "KS"]),
                hit("4H", bob, ["5D", "4H"]),
                {"type": "deadline", "id": ann, "seconds": 30},
                {"type": "deadline", "id": bob, "seconds": 30},
            ],
        )
        self.assertIs(game.table.seat_of(bob).state, HandState.PLAYING)
        # Both hands' deadlines count from the deal.
        self.assertEqual(
            sorted(c.getTime() for c in game.clock.getDelayedCalls()), [43, 43]
        )

    def test_a_full_round_settles_each_player_on_their_own(self) -> None:
        # ann 17 stands, bob 14 hits 8 and busts, cal 20 stands; dealer 6 T =
        # 16, draws 2: 18. ann loses, bob loses (bust), cal wins.
        # (Dealt round the table: a card each, then a second each.)
        game = Harness(
            [*OPENING, "TS", "9C", "KS", "7H", "5D", "QH", "8S", "6H", "TD", "2C"],
            round_delay=3,
        )
        ann, bob, cal = game.sit_together("ann", "bob", "cal")
        self.assertEqual(game.table.seat_of(bob).hand, ["9C", "5D"])
        game.table.act(ann, StandRequest())
        game.table.act(bob, HitRequest())
        self.assertIs(game.table.seat_of(bob).state, HandState.BUST)
        for player in (ann, bob, cal):
            game.take(player)
        game.table.act(cal, StandRequest())
        to_cal = game.take(cal)
        self.assertEqual(
            [m["type"] for m in to_cal],
            ["stand", "hit", "hit", "hit", "winner", "round_over"],
        )
        dealer_hits = [m for m in to_cal if m["type"] == "hit"]
        self.assertEqual([m["card"] for m in dealer_hits], ["6H", "TD", "2C"])
        self.assertEqual([m["id"] for m in dealer_hits], ["dealer"] * 3)
        self.assertEqual(game.table.dealer_hand, ["6H", "TD", "2C"])
        summary = to_cal[-1]
        self.assertEqual(summary["dealer"], {"hand": ["6H", "TD", "2C"], "points": 18})
        self.assertEqual(
            [(r["id"], r["result"]) for r in summary["results"]],
            [(ann, "lose"), (bob, "lose"), (cal, "win")],
        )
        self.assertIn({"type": "lose", "id": ann}, game.take(ann))
        self.assertIn({"type": "lose", "id": bob}, game.take(bob))
        self.assertEqual(game.table.rounds_played, 2)  # the opening round, then this

    def test_the_next_round_comes_after_the_round_delay(self) -> None:
        game = Harness(["TS", "7H", "9S", "8H", "2C", "3C"], round_delay=3)
        ann = game.sit("ann")
        game.table.act(ann, StandRequest())
        game.take(ann)
        game.clock.advance(2.9)
        self.assertEqual(game.take(ann), [])
        self.refused(409, game, ann, HitRequest())
        game.clock.advance(0.1)
        self.assertEqual(
            game.take(ann),
            [
                {"type": "restart"},
                hit("2C", ann, ["2C"]),
                hit("3C", ann, ["2C", "3C"]),
                {"type": "deadline", "id": ann, "seconds": 30},
            ],
        )

    def test_a_round_delay_of_zero_still_deals_from_the_reactor_not_inline(
        self,
    ) -> None:
        game = Harness(["TS", "7H", "9S", "8H", "2C", "3C"], round_delay=0)
        ann = game.sit("ann")
        game.table.act(ann, StandRequest())
        self.assertEqual(game.types(ann)[-1], "round_over")
        game.clock.advance(0)
        self.assertEqual(game.types(ann)[0], "restart")

    def test_soft_17_per_the_rules(self) -> None:
        for h17, dealer_hand in SOFT_17_DEALS:
            game = Harness(["TS", "8H", "AS", "6H", "TC"], hit_soft_17=h17)
            ann = game.sit("ann")
            game.table.act(ann, StandRequest())
            self.assertEqual(game.table.dealer_hand, dealer_hand, f"h17={h17}")

    def test_a_natural_is_stood_by_the_table(self) -> None:
        game = Harness(["AS", "KH", "9C", "8D"])
        ann = game.sit("ann")
        to_ann = game.take(ann)
        self.assertIn({"type": "stand", "id": ann, "reason": "21"}, to_ann)
        self.assertNotIn("deadline", [m["type"] for m in to_ann])
        # The only hand is done, so the dealer played at once.
        self.assertEqual(game.table.dealer_hand, ["9C", "8D"])

    def test_hitting_to_21_stands_the_hand(self) -> None:
        game = Harness(["TS", "5H", "6C", "9C", "8D"])
        ann = game.sit("ann")
        game.table.act(ann, HitRequest())
        self.assertIn({"type": "stand", "id": ann, "reason": "21"}, game.take(ann))
        self.assertIs(game.table.seat_of(ann).state, HandState.STOOD)


class TurnTests(TableTestCase):
    """Turn timers, and acting out of turn."""

    def test_a_turn_timeout_stands_the_hand_and_tells_the_table(self) -> None:
        game = Harness([*OPENING, "TS", "9C", "6H", "5D", "KS", "8H"], turn_timeout=2.5)
        ann, bob = game.sit_together("ann", "bob")
        game.table.act(bob, StandRequest())
        game.take(ann)
        game.clock.advance(2.4)
        self.assertEqual(game.take(ann), [])
        game.clock.advance(0.1)
        to_ann = game.take(ann)
        self.assertEqual(to_ann[0], {"type": "stand", "id": ann, "reason": "timeout"})
        self.assertEqual(to_ann[-1]["type"], "round_over")

    def test_acting_cancels_the_turn_timer(self) -> None:
        game = Harness([*OPENING, "TS", "9C", "6H", "5D", "KS", "8H"], round_delay=3)
        ann, bob = game.sit_together("ann", "bob")
        game.table.act(ann, StandRequest())
        # Only bob's deadline, counted from the deal at 3, is left ticking.
        self.assertEqual([c.getTime() for c in game.clock.getDelayedCalls()], [33])
        game.clock.advance(30)
        self.assertIs(game.table.seat_of(bob).state, HandState.STOOD)

    def test_acting_on_a_finished_hand_is_refused_and_changes_nothing(self) -> None:
        for action in ["hit", "stand"]:
            game = Harness([*OPENING, "TS", "9C", "6H", "5D"])
            ann, bob = game.sit_together("ann", "bob")
            game.table.act(ann, StandRequest())
            game.take(ann)
            game.take(bob)
            refusal = self.refused(409, game, ann, REQUESTS[action](), action)
            self.assertEqual(refusal.message, "your hand is over", action)
            self.assertEqual(game.take(ann), [], action)
            self.assertEqual(game.take(bob), [], action)
            self.assertEqual(game.table.seat_of(ann).hand, ["TS", "6H"], action)

    def test_a_stranger_cannot_act(self) -> None:
        game = Harness(["TS", "6H"])
        game.sit("ann")
        self.refused(409, game, 99, HitRequest())


class SeatingTests(TableTestCase):
    """Seats taken, freed and refused, between rounds and during them."""

    def test_seated_between_rounds_waits_for_the_next_deal(self) -> None:
        game = Harness(["TS", "7H", "9S", "8H", "2C", "3C", "4C", "5C"])
        ann = game.sit("ann")
        game.table.act(ann, StandRequest())
        bob = game.sit("bob")
        to_bob = game.take(bob)
        self.assertEqual([m["type"] for m in to_bob], ["id", "other_players", "wait"])
        self.assertEqual(to_bob[1]["hand"], ["TS", "7H"])
        self.assertIs(game.table.seat_of(bob).state, HandState.WAITING)
        refusal = self.refused(409, game, bob, HitRequest())
        self.assertEqual(refusal.message, "you are dealt in at the next round")
        game.clock.advance(3)
        # The deal goes round the table: a card each, then a second each.
        self.assertEqual(
            [m["card"] for m in game.take(bob) if m["type"] == "hit"],
            ["2C", "3C", "4C", "5C"],
        )
        self.assertEqual(game.table.seat_of(ann).hand, ["2C", "4C"])
        self.assertEqual(game.table.seat_of(bob).hand, ["3C", "5C"])

    def test_players_sitting_down_every_0_8_s_never_hold_a_round_open(
        self,
    ) -> None:
        # Dealt in at once with a fresh turn timer, a player sitting down
        # every 0.8 s kept one round open for ever (issue 10). ann stands at
        # once every round; a newcomer sits every 0.8 s, never acts, and
        # leaves 4.8 s later to make room for the next.
        game = Harness(
            shoe=Shoe(6, random.Random(7)), seats=7, turn_timeout=2.5, round_delay=3
        )
        ann = game.sit("ann")
        joiners: list[int] = []
        opened: float | None = 0.0
        lengths: list[float] = []
        joiners_settled = 0
        for step in range(1, 1201):  # 120 s of play, looked at every 0.1 s
            game.clock.advance(0.1)
            if step % 8 == 0:
                if len(joiners) == 6:
                    game.table.leave(joiners.pop(0))
                joiners.append(game.sit(f"joiner{step}"))
            if game.table.seat_of(ann).state is HandState.PLAYING:
                game.table.act(ann, StandRequest())
            now = game.clock.seconds()
            for message in game.take(ann):
                if message["type"] == "restart":
                    opened = now
                elif message["type"] == "round_over":
                    assert opened is not None
                    lengths.append(now - opened)
                    opened = None
                    joiners_settled += len(message["results"]) - 1
        if opened is not None:
            lengths.append(game.clock.seconds() - opened)
        # Rounds end within the turn timeout (to the 0.1 s they are looked
        # at), and newcomers are dealt in at the next round's deal.
        self.assertLessEqual(max(lengths), 2.5 + 0.1 + 1e-6)
        self.assertGreater(len(lengths), 8)
        self.assertGreater(joiners_settled, 8)

    def test_a_full_table_refuses_another_player(self) -> None:
        game = Harness(["TS", "7H"], seats=1)
        game.sit("ann")
        refusal = self.assertRaises(ActionRejected, game.sit, "bob")
        self.assertEqual((refusal.status_code, refusal.message), (507, "all busy"))
        self.assertEqual(game.table.seats_taken, 1)
        self.assertFalse(game.table.has_free_seat)

    def test_a_freed_seat_is_taken_again_lowest_first(self) -> None:
        game = Harness(["TS", "7H", "9C", "5D", "KS", "2H", "3D", "4S"], seats=3)
        ann, bob, cal = game.sit("ann"), game.sit("bob"), game.sit("cal")
        game.table.leave(ann)
        dan = game.sit("dan")
        self.assertEqual(game.table.seat_of(dan).index, 0)
        self.assertEqual([game.table.seat_of(p).index for p in (bob, cal)], [1, 2])

    def test_leaving_mid_round_lets_the_others_finish(self) -> None:
        game = Harness([*OPENING, "TS", "9C", "6H", "5D", "KS", "8H"])
        ann, bob = game.sit_together("ann", "bob")
        game.take(bob)
        game.table.leave(ann)
        self.assertEqual(game.take(bob), [{"type": "left", "id": ann}])
        game.table.act(bob, StandRequest())
        summary = game.take(bob)[-1]
        self.assertEqual([r["id"] for r in summary["results"]], [bob])
        # ann's cards left with her; they are not part of the dealer's round.
        self.assertEqual(game.table.dealer_hand, ["KS", "8H"])

    def test_the_last_player_leaving_mid_round_idles_the_table(self) -> None:
        game = Harness(["TS", "6H", "2C", "3C"])
        ann = game.sit("ann")
        game.table.leave(ann)
        self.assertEqual(game.clock.getDelayedCalls(), [])
        self.assertEqual(game.table.dealer_hand, [])
        # An idle table deals a newcomer straight in.
        bob = game.sit("bob")
        self.assertEqual(game.table.seat_of(bob).hand, ["2C", "3C"])

    def test_the_last_player_leaving_between_rounds_cancels_the_next_deal(
        self,
    ) -> None:
        game = Harness(["TS", "7H", "9S", "8H"])
        ann = game.sit("ann")
        game.table.act(ann, StandRequest())
        self.assertEqual(len(game.clock.getDelayedCalls()), 1)
        game.table.leave(ann)
        self.assertEqual(game.clock.getDelayedCalls(), [])
        game.table.leave(ann)  # a second leave is harmless

    def test_close_cancels_every_timer(self) -> None:
        game = Harness([*OPENING, "TS", "9C", "6H", "5D"])
        game.sit_together("ann", "bob")
        self.assertEqual(len(game.clock.getDelayedCalls()), 2)
        game.table.close()
        self.assertEqual(game.clock.getDelayedCalls(), [])


class ShoeTests(SynchronousTestCase):
    """Shuffles at the cut card, and a shoe that runs out mid-round."""

    def test_the_shoe_reshuffles_between_rounds_at_the_cut_card(self) -> None:
        shoe = Shoe(1, random.Random(3))
        game = Harness(shoe=shoe, round_delay=1)
        ann = game.sit("ann")
        shuffles_seen = 0
        for round_number in range(40):
            if game.table.seat_of(ann).state is HandState.PLAYING:
                game.table.act(ann, StandRequest())
            # The cut card may come out mid-round; the shuffle waits for the deal.
            cut_card_out = shoe.needs_shuffle
            before = shoe.shuffles
            game.take(ann)
            game.clock.advance(1)
            opening = game.types(ann)[:2]
            case = f"round {round_number}"
            if cut_card_out:
                self.assertEqual(shoe.shuffles, before + 1, case)
                self.assertEqual(opening, ["shuffle", "restart"], case)
                shuffles_seen += 1
            else:
                self.assertEqual(shoe.shuffles, before, case)
                self.assertEqual(opening[0], "restart", case)
        self.assertGreaterEqual(shuffles_seen, 3)

    def test_a_shoe_that_runs_dry_mid_round_keeps_the_cards_in_play_out(self) -> None:
        # One deck, seven players who all hit until they bust: the shoe runs
        # out during the round and is refilled with everything not on the
        # table.
        shoe = Shoe(1, random.Random(5), penetration=1.0)
        burned = [shoe.draw() for _ in range(40)]
        game = Harness(shoe=shoe, seats=7)
        players = game.sit_together(*(f"p{n}" for n in range(7)))
        for player in players:
            while game.table.seat_of(player).state is HandState.PLAYING:
                game.table.act(player, HitRequest())
        on_table = [c for p in players for c in game.table.seat_of(p).hand]
        on_table += game.table.dealer_hand
        self.assertEqual(shoe.shuffles, 2)
        self.assertGreater(len(on_table), 52 - len(burned))
        self.assertEqual(max(Counter(on_table).values()), 1)
        # The refill came during the round, not before its deal.
        to_first = game.types(players[0])
        self.assertIn("shuffle", to_first[to_first.index("restart") :])


actions = st.lists(
    st.tuples(
        st.sampled_from(["sit", "hit", "stand", "leave", "wait"]),
        st.integers(0, 6),
        st.sampled_from([0, 0.5, 3, 31]),
    ),
    max_size=60,
)


class RandomPlayTests(SynchronousTestCase):
    """Any sequence of players' actions and waits."""

    @given(seed=st.integers(0, 2**16), steps=actions, h17=st.booleans())
    @settings(max_examples=300, deadline=None)
    def test_random_play_keeps_the_table_consistent(
        self, seed: int, steps: list[tuple[str, int, float]], h17: bool
    ) -> None:
        """Whatever players do, in any order: every message a player receives
        adds up, no card is in play twice, the dealer follows the rules, every
        dealt-in player is settled, and nothing is left ticking after close."""
        shoe = Shoe(1, random.Random(seed), penetration=0.5)
        game = Harness(shoe=shoe, seats=4, hit_soft_17=h17, round_delay=3)
        seated: list[int] = []
        for action, who, seconds in steps:
            if action == "sit":
                if game.table.has_free_seat:
                    seated.append(game.sit())
            elif action == "wait":
                game.clock.advance(seconds)
            elif seated:
                player = seated[who % len(seated)]
                if action == "leave":
                    game.table.leave(player)
                    seated.remove(player)
                else:
                    try:
                        game.table.act(player, REQUESTS[action]())
                    except ActionRejected as refusal:
                        self.assertEqual(refusal.status_code, 409, refusal.message)
            # A player who let --idle-rounds rounds pass was stood up.
            seated = [player for player in seated if player in game.table.player_ids]
            self._check_cards_in_play(game, seated)
        for player in seated:
            self._check_inbox(game, player, h17)
        game.table.close()
        self.assertEqual(game.clock.getDelayedCalls(), [])

    def _check_cards_in_play(self, game: Harness, seated: list[int]) -> None:
        in_play = list(game.table.dealer_hand)
        for player in seated:
            in_play += game.table.seat_of(player).hand
        self.assertEqual(
            Counter(in_play) - Counter(DECK), Counter(), "cards in play twice"
        )

    def _check_inbox(self, game: Harness, player: int, h17: bool) -> None:
        hands: dict[Any, list[str]] = {}
        dealt_in = False
        for message in game.inbox[player]:
            kind = message["type"]
            self.assertIn(
                kind, TABLE_MESSAGES, f"{kind} is not a message of every table"
            )
            if kind == "restart":
                hands = {}
                dealt_in = False
            elif kind == "other_players":
                # A newcomer learns the hands already dealt from this message.
                hands[message["id"]] = list(message["hand"])
                self.assertEqual(message["points"], points(message["hand"]), message)
            elif kind == "hit":
                hand = hands.setdefault(message["id"], [])
                hand.append(message["card"])
                self.assertEqual(message["points"], points(hand), message)
                dealt_in = dealt_in or message["id"] == player
            elif kind == "round_over":
                dealer = message["dealer"]["hand"]
                self.assertEqual(dealer, hands.get("dealer", []), message)
                self.assertFalse(dealer_must_hit(dealer, h17), message)
                settled = {result["id"] for result in message["results"]}
                self.assertEqual(
                    player in settled,
                    dealt_in,
                    f"player {player} settled: {player in settled}",
                )
