"""The pygame client at a real casino table, end to end: the real server on
a free loopback port, two client apps in this process on the real reactor,
betting and playing by injected keys (a split, and doubles); their models'
balances and hands are the server's ``round_over``. Then the auto-player
fills a casino table by itself."""

from __future__ import annotations

import random

import pygame
from twisted.internet import reactor

from blackjack_client import view
from blackjack_client.model import PHASE_BETTING, PHASE_OVER
from blackjackd.casino import CasinoConfig
from blackjackd.lobby import Lobby
from blackjackd.protocol import BlackjackServerFactory
from blackjackd.shoe import Shoe, StackedShoe
from blackjackd.testing import RecordingServerProtocol, deal, wait_for
from blackjackd.web import build_site
from tests.live_players import LiveTestCase, Player


class CasinoServer:
    """The real lobby of casino tables, factory and site on 127.0.0.1."""

    def __init__(self, shoe, seats=2, round_delay=0.3, bet_timeout=10.0):
        self.lobby = Lobby.build(
            tables=1,
            config=CasinoConfig(
                seats=seats,
                turn_timeout=30,
                round_delay=round_delay,
                bet_timeout=bet_timeout,
                bet_unit=1,  # the client's 25 chip isn't a multiple of 2
            ),
            clock=reactor,
            rng=random.Random(0),
            shoe_factory=lambda config: shoe,
        )
        self.factory = BlackjackServerFactory(self.lobby, reactor)
        self.factory.protocol = RecordingServerProtocol
        self.factory.sent = []
        self.factory.closes = {}
        self.port = reactor.listenTCP(
            0, build_site(self.factory, reactor), interface="127.0.0.1"
        )

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port.getHost().port}/websocket"

    def told(self, player_id, kind):
        return [
            m for pid, m in self.factory.sent if pid == player_id and m["type"] == kind
        ]

    async def stop(self):
        for client in list(self.factory.clients):
            client.dropConnection(abort=True)
        await wait_for(lambda: not self.factory.clients, "the server's clients gone")
        self.lobby.close()
        await self.port.stopListening()


# ann 8S 8H splits: 8S+3S (11) doubles on TC (21), 8H+2C (10) stands;
# bob 5C 6D (11) doubles on 9H (20); the dealer 6H TD (16) draws KS: bust.
CARDS = deal(
    ("8S", "8H"), ("5C", "6D"), up="6H", hole="TD", then=("3S", "2C", "9H", "TC", "KS")
)


class CasinoEndToEndTests(LiveTestCase):
    """Real clients at a real casino table on loopback, on the real reactor."""

    async def test_two_clients_bet_split_double_and_are_paid(self):
        server = CasinoServer(StackedShoe(CARDS))
        ann = Player(server.url, "ann").start()
        bob = None
        try:
            await wait_for(lambda: ann.model.can_bet(25), "ann's betting")
            bob = Player(server.url, "bob", size=(1280, 720)).start()
            await wait_for(lambda: bob.model.can_bet(10), "bob's betting")
            self.assertTrue(ann.model.casino)
            self.assertEqual(ann.model.balance, 1000)
            ann.press(pygame.K_2)  # the second chip: 25
            await wait_for(lambda: ann.model.me.bet == 25, "ann's bet")
            bob.press(pygame.K_b)  # the table minimum: 10
            await wait_for(lambda: ann.model.can_split(), "ann's deal")
            await wait_for(lambda: bob.model.can_double(), "bob's deal")
            self.assertTrue(ann.model.dealer_hole)
            self.assertEqual(ann.model.dealer.cards, ("6H",))

            ann.press(pygame.K_p)
            await wait_for(
                lambda: (
                    [len(h.cards) for h in ann.model.me.hands] == [2, 2]
                    and ann.model.active_hand() == 0
                ),
                "ann's split",
            )
            self.assertEqual(ann.model.balance, 950)
            bob.press(pygame.K_d)
            await wait_for(
                lambda: len(bob.model.me.hands[0].cards) == 3, "bob's double"
            )
            ann.press(pygame.K_d)  # on hand 0, the framed one
            await wait_for(lambda: ann.model.active_hand() == 1, "ann's second hand")
            self.assertTrue(ann.model.me.hands[0].doubled)
            ann.press(pygame.K_s)
            for player in (ann, bob):
                await wait_for(lambda p=player: p.model.phase == PHASE_OVER, "the end")
                await wait_for(lambda p=player: p.model.net is not None, "the balance")

            # Each client holds what the server told: balances, hands, payouts.
            [truth] = server.told(ann.model.my_id, "round_over")
            self.assertEqual(truth["dealer"]["points"], 26)
            for player in (ann, bob):
                model = player.model
                who = model.my_name
                self.assertEqual(
                    model.dealer.cards, tuple(truth["dealer"]["hand"]), who
                )
                for result in truth["results"]:
                    seat = model.seats[result["id"]]
                    hand = seat.hands[result["index"]]
                    whose = (
                        f"{who}'s view of {result['username']}'s hand {result['index']}"
                    )
                    self.assertEqual(
                        (hand.cards, hand.points, hand.bet),
                        (tuple(result["hand"]), result["points"], result["bet"]),
                        whose,
                    )
                    self.assertEqual(
                        (hand.result, hand.payout),
                        (result["result"], result["payout"]),
                        whose,
                    )
                for result in truth["results"]:
                    whose = f"{who}'s view of {result['username']}"
                    # Each hand's balance is after its own payout: the last counts.
                    self.assertEqual(
                        model.seats[result["id"]].balance,
                        max(
                            r["balance"]
                            for r in truth["results"]
                            if r["id"] == result["id"]
                        ),
                        whose,
                    )
                [balance] = server.told(model.my_id, "balance")
                self.assertEqual(
                    (model.balance, model.net),
                    (balance["balance"], balance["net"]),
                    who,
                )
            self.assertEqual(ann.model.balance, 1000 - 25 * 3 + 100 + 50)
            self.assertEqual(bob.model.balance, 1000 - 20 + 40)
            self.assertEqual(ann.model.net, 75)
            self.assertEqual(bob.model.net, 20)
            self.assertTrue(
                view.banner_text(ann.model, reactor.seconds())[0].startswith(
                    "Dealer has 26.  You win +75"
                )
            )

            # Betting opens again; B offers ann's last bet.
            await wait_for(lambda: ann.model.phase == PHASE_BETTING, "the next bets")
            self.assertEqual(
                view.buttons(ann.model, (800, 600))[-1].label, "Bet 25  (B)"
            )
            self.assertEqual(ann.app.frame_errors, 0)
            self.assertEqual(bob.app.frame_errors, 0)
        finally:
            await self.quit(ann)
            if bob is not None:
                await self.quit(bob)
            await server.stop()

    async def test_autoplay_fills_a_casino_table(self):
        server = CasinoServer(Shoe(6, random.Random(3)), round_delay=0.05)
        bots = [
            Player(server.url, name, autoplay=True, rounds=3).start()
            for name in ("bot1", "bot2")
        ]
        try:
            for bot in bots:
                await wait_for(lambda b=bot: b.app.done.called, "three rounds")
            for bot in bots:
                bets = server.told(bot.model.my_id, "bet")
                who = bot.model.my_name
                self.assertTrue(bets, who)
                self.assertTrue(all(b["amount"] == 10 for b in bets), who)
                self.assertEqual(bot.model.rounds, 3, who)
                balances = server.told(bot.model.my_id, "balance")
                self.assertEqual(bot.model.balance, balances[-1]["balance"], who)
        finally:
            for bot in bots:
                await self.quit(bot)
            await server.stop()
