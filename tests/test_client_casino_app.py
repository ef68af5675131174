"""The pygame client's app at a casino table, with a fake connection: each
control, by key and by click, sends the right message, and nothing when it
isn't allowed; the auto-player bets, declines insurance and plays."""

from __future__ import annotations

import pygame

from blackjack_client import view
from blackjack_client.model import Connected
from tests.client_harness import SIZE, AppTestCase
from tests.client_messages import (
    BOB,
    CASINO_ID,
    ID,
    RULES,
    bet,
    betting,
    card,
    deadlines,
    hit,
    split_message,
)


def deal(h, ann=("8S", "8H"), upcard="6C", insurance=False):
    """ann bet 20 and is dealt ``ann``; her turn starts (unless insurance)."""
    h.connection.hear(
        bet(7, 20, 980),
        bet(5, 30, 770),
        {"type": "restart"},
        card(ann[0], 7, 8),
        hit(upcard, "dealer", 6),
        card(ann[1], 7, 16),
        {"type": "hole_card", "id": "dealer"},
    )
    if insurance:
        h.connection.hear({"type": "insurance_offer", "amount": 10, "seconds": 30})
    else:
        h.connection.hear(*deadlines(0))
    h.connection.sent.clear()


class CasinoAppTestCase(AppTestCase):
    """Makes harnesses seated at a casino table while betting is open."""

    def casino(self, rules=None, balance=1000, **options):
        h = self.harness(**options)
        h.app.start()
        h.connection.hear(
            Connected(),
            {"type": "auth"},
            {**CASINO_ID, "rules": {**RULES, **(rules or {})}, "balance": balance},
            BOB,
        )
        limits = {k: v for k, v in (rules or {}).items() if k in ("min_bet", "max_bet")}
        h.connection.hear({**betting(), **limits})
        h.connection.sent.clear()
        return h

    def button(self, h, action, amount=None):
        for shown in view.buttons(h.app.model, SIZE):
            if shown.action == action and (amount is None or shown.amount == amount):
                return shown
        self.fail(f"no {action} button")


class BettingControlsTests(CasinoAppTestCase):
    """Chips and bets by key and by click, once a round, within the balance."""

    def test_chip_keys_bet_once(self):
        h = self.casino()
        h.key(pygame.K_3)  # the third chip: 50
        h.key(pygame.K_1)  # the answer hasn't come
        self.assertEqual(h.connection.sent, [{"type": "bet", "amount": 50}])
        h.connection.hear(bet(7, 50, 950))
        h.key(pygame.K_1)  # one bet a round
        h.key(pygame.K_b)
        self.assertEqual(len(h.connection.sent), 1)
        self.assertEqual(h.app.frame_errors, 0)

    def test_keypad_and_b(self):
        h = self.casino()
        h.key(pygame.K_KP2)
        self.assertEqual(h.connection.sent, [{"type": "bet", "amount": 25}])
        h2 = self.casino()
        h2.key(pygame.K_b)  # nothing bet yet: the minimum
        self.assertEqual(h2.connection.sent, [{"type": "bet", "amount": 10}])

    def test_b_bets_the_last_bet_again_next_round(self):
        h = self.casino()
        h.key(pygame.K_4)
        h.connection.hear(
            bet(7, 100, 900),
            {"type": "round_over", "dealer": {"hand": [], "points": 0}, "results": []},
            betting(),
        )
        h.key(pygame.K_b)
        self.assertEqual(h.connection.sent[-1], {"type": "bet", "amount": 100})

    def test_a_chip_key_beyond_the_chips_or_the_balance_does_nothing(self):
        h = self.casino(rules={"min_bet": 5, "max_bet": 5})
        h.key(pygame.K_2)
        self.assertEqual(h.connection.sent, [])
        poor = self.casino(balance=30)
        poor.key(pygame.K_4)  # 100
        poor.key(pygame.K_5)  # 500
        self.assertEqual(poor.connection.sent, [])
        poor.key(pygame.K_2)
        self.assertEqual(poor.connection.sent, [{"type": "bet", "amount": 25}])

    def test_clicking_chips_and_bet(self):
        h = self.casino(balance=60)
        h.click(self.button(h, "bet", 100).rect.center)  # disabled: not enough chips
        self.assertEqual(h.connection.sent, [])
        h.click(self.button(h, "bet", 25).rect.center)
        self.assertEqual(h.connection.sent, [{"type": "bet", "amount": 25}])
        h2 = self.casino()
        rebet = view.buttons(h2.app.model, SIZE)[-1]
        self.assertEqual(rebet.label, "Bet 10  (B)")
        h2.click(rebet.rect.center)
        self.assertEqual(h2.connection.sent, [{"type": "bet", "amount": 10}])

    def test_no_bets_while_cards_are_out(self):
        h = self.casino()
        deal(h)
        for key in (pygame.K_1, pygame.K_b):
            h.key(key)
        self.assertEqual(h.connection.sent, [])


class InsuranceControlsTests(CasinoAppTestCase):
    """Insurance by key and by button, only when offered."""

    def test_insurance_keys(self):
        for key, take in [(pygame.K_i, True), (pygame.K_n, False)]:
            h = self.casino()
            deal(h, upcard="AC", insurance=True)
            h.key(pygame.K_h)  # no hitting before the peek
            h.key(key)
            h.key(pygame.K_i)
            self.assertEqual(
                h.connection.sent,
                [{"type": "insurance", "take": take}],
                f"key={key!r} take={take!r}",
            )

    def test_insurance_buttons(self):
        h = self.casino()
        deal(h, upcard="AC", insurance=True)
        h.click(self.button(h, "decline").rect.center)
        self.assertEqual(h.connection.sent, [{"type": "insurance", "take": False}])
        h2 = self.casino()
        deal(h2, upcard="AC", insurance=True)
        h2.click(self.button(h2, "insure").rect.center)
        self.assertEqual(h2.connection.sent, [{"type": "insurance", "take": True}])

    def test_insurance_keys_do_nothing_unless_offered(self):
        h = self.casino()
        deal(h)
        h.key(pygame.K_i)
        h.key(pygame.K_n)
        self.assertEqual(h.connection.sent, [])


class PlayControlsTests(CasinoAppTestCase):
    """Hit, stand, double, split and surrender, naming the hand."""

    def test_play_keys_name_the_hand(self):
        for key, action in [
            (pygame.K_h, "hit"),
            (pygame.K_s, "stand"),
            (pygame.K_d, "double"),
            (pygame.K_p, "split"),
            (pygame.K_u, "surrender"),
        ]:
            h = self.casino(rules={"surrender": True})
            deal(h)
            h.key(key)
            h.key(key)  # waits for the answer
            self.assertEqual(
                h.connection.sent,
                [{"type": action, "hand": 0}],
                f"key={key!r} action={action!r}",
            )

    def test_play_buttons_are_clicked(self):
        for action in ["hit", "stand", "double", "split", "surrender"]:
            h = self.casino(rules={"surrender": True})
            deal(h)
            h.click(self.button(h, action).rect.center)
            self.assertEqual(
                h.connection.sent, [{"type": action, "hand": 0}], f"action={action!r}"
            )

    def test_disabled_actions_send_nothing(self):
        h = self.casino(rules={"surrender": False})
        deal(h, ann=("TS", "6H"))
        h.key(pygame.K_p)  # not a pair
        h.key(pygame.K_u)  # no surrender at this table
        h.click(self.button(h, "split").rect.center)
        h.click(self.button(h, "surrender").rect.center)
        self.assertEqual(h.connection.sent, [])
        h.key(pygame.K_h)
        h.connection.hear(card("2C", 7, 18))
        h.key(pygame.K_d)  # three cards: no double
        h.click(self.button(h, "double").rect.center)
        self.assertEqual(h.connection.sent, [{"type": "hit", "hand": 0}])

    def test_after_a_split_the_keys_act_on_the_framed_hand(self):
        h = self.casino()
        deal(h)
        h.key(pygame.K_p)
        h.connection.hear(
            card("3C", 7, 11, 0),
            card("9D", 7, 17, 1),
            split_message(0, 1, ("8S", "3C"), ("8H", "9D"), 960),
            *deadlines(0, 1),
        )
        h.key(pygame.K_d)
        h.connection.hear(
            {"type": "double", "id": 7, "hand": 0, "bet": 40, "balance": 940},
            card("TH", 7, 21, 0),
            {"type": "stand", "id": 7, "hand": 0, "reason": "double"},
        )
        h.key(pygame.K_s)
        self.assertEqual(
            h.connection.sent,
            [
                {"type": "split", "hand": 0},
                {"type": "double", "hand": 0},
                {"type": "stand", "hand": 1},
            ],
        )

    def test_a_refusal_lets_the_player_try_again(self):
        h = self.casino()
        h.key(pygame.K_5)
        h.connection.hear(
            {"type": "error", "status_code": 402, "message": "not enough chips"}
        )
        self.assertEqual(h.app.model.error, (402, "not enough chips"))
        h.key(pygame.K_1)
        self.assertEqual(h.connection.sent[-1], {"type": "bet", "amount": 10})
        self.assertIsNone(h.app.model.error)


class CasinoAutoplayTests(CasinoAppTestCase):
    """The auto-player at a casino table."""

    def test_autoplay_bets_the_minimum_declines_insurance_and_plays(self):
        h = self.casino(autoplay=True, rules={"min_bet": 25})
        h.app.frame()
        self.assertEqual(h.connection.sent, [{"type": "bet", "amount": 25}])
        h.app.frame()
        self.assertEqual(len(h.connection.sent), 1)
        h.connection.sent.clear()
        deal(h, ann=("TS", "2S"), upcard="AC", insurance=True)
        h.app.frame()
        self.assertEqual(h.connection.sent, [{"type": "insurance", "take": False}])
        h.connection.hear(
            {"type": "insurance", "id": 7, "taken": False, "amount": 0, "balance": 980},
            {"type": "peek", "blackjack": False},
            *deadlines(0),
        )
        h.app.frame()
        self.assertEqual(h.connection.sent[-1], {"type": "hit", "hand": 0})
        h.connection.hear(card("7C", 7, 19))
        h.app.frame()
        self.assertEqual(h.connection.sent[-1], {"type": "stand", "hand": 0})
        self.assertEqual(h.app.frame_errors, 0)

    def test_autoplay_can_play_basic_strategy(self):
        h = self.casino(autoplay=True, strategy="basic")
        h.app.frame()
        h.connection.sent.clear()
        deal(h, ann=("8S", "8H"), upcard="6C")
        h.app.frame()
        self.assertEqual(h.connection.sent, [{"type": "split", "hand": 0}])
        self.assertEqual(h.app.frame_errors, 0)

    def test_autoplay_without_the_chips_waits(self):
        h = self.casino(autoplay=True, balance=5)
        h.app.frame()
        self.assertEqual(h.connection.sent, [])


class ClassicTableTests(CasinoAppTestCase):
    """The casino controls at a classic table."""

    def test_casino_keys_do_nothing_at_a_classic_table(self):
        h = self.harness()
        h.seat(("8S", 8), ("8H", 16))
        h.connection.sent.clear()
        for key in (
            pygame.K_d,
            pygame.K_p,
            pygame.K_u,
            pygame.K_i,
            pygame.K_n,
            pygame.K_b,
            pygame.K_1,
        ):
            h.key(key)
        self.assertEqual(h.connection.sent, [])
        h.key(pygame.K_h)
        self.assertEqual(h.connection.sent, [{"type": "hit"}])  # no hand index, as ever
        self.assertIsNone(ID.get("game"))
