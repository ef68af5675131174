"""The lobby through the protocol, in memory: choosing a table (``auth``'s
``data.table`` and ``/websocket?table=N``), watching one (``watch``) and
taking a seat from watching; and ``GET /tables``."""

from __future__ import annotations

import dataclasses
import json

from twisted.trial.unittest import SynchronousTestCase
from twisted.web.test.requesthelper import DummyRequest

from blackjackd.casino import CasinoConfig
from blackjackd.table import TableConfig
from blackjackd.testing import QUIET_LIMITS, MemoryServer, deal
from blackjackd.web import TablesResource
from blackjackd.wire import SERVER_MESSAGES

CLASSIC = TableConfig(seats=2, turn_timeout=30, round_delay=3)
CASINO = CasinoConfig(seats=2, bet_timeout=10, turn_timeout=20, round_delay=2)

#: What a table sends one player only: a watcher never gets any of them.
PRIVATE_TYPES = {
    "auth",
    "id",
    "lose",
    "push",
    "bust",
    "balance",
    "insurance_offer",
    "rebuy",
    "history",
    "wait",
}


def error(code: int, message: str) -> dict:
    return {"type": "error", "status_code": code, "message": message}


def auth(username: str, table: int | None = None) -> dict:
    data: dict[str, object] = {"username": username}
    if table is not None:
        data["table"] = table
    return {"type": "auth", "data": data}


def watch(table: int) -> dict:
    return {"type": "watch", "data": {"table": table}}


class ChoosingATableTests(SynchronousTestCase):
    """``auth``'s ``data.table`` and the URL's ``?table=N``."""

    def test_a_player_sits_at_the_table_they_chose(self):
        server = MemoryServer(tables=3, config=CLASSIC, real_shoe_seed=1)
        ann = server.connect()
        ann.send(auth("ann", table=3))
        server.flush()
        self.assertEqual(ann.first("id")["table"], 3)
        self.assertEqual(server.lobby.tables[2].seats_taken, 1)

    def test_no_such_table_is_a_404_and_the_client_may_choose_again(self):
        server = MemoryServer(tables=2, config=CLASSIC, real_shoe_seed=1)
        ann = server.connect()
        ann.take()
        ann.send(auth("ann", table=3))
        server.flush()
        self.assertEqual(ann.take(), [error(404, "no table 3")])
        self.assertFalse(ann.closed)
        ann.send(auth("ann", table=2))
        server.flush()
        self.assertEqual(ann.first("id")["table"], 2)

    def test_a_full_chosen_table_is_a_507_and_the_connection_stays(self):
        server = MemoryServer(tables=2, config=CLASSIC, real_shoe_seed=1)
        for name in ("ann", "bob"):
            server.connect().send(auth(name, table=1))
        server.flush()
        cy = server.connect()
        cy.take()
        cy.send(auth("cy", table=1))
        server.flush()
        self.assertEqual(cy.take(), [error(507, "table 1 is full")])
        self.assertFalse(cy.closed)
        cy.send(auth("cy", table=2))
        server.flush()
        self.assertEqual(cy.first("id")["table"], 2)

    def test_the_url_names_the_table(self):
        server = MemoryServer(tables=2, config=CLASSIC, real_shoe_seed=1)
        ann = server.connect(path="/websocket?table=2")
        ann.send(auth("ann"))
        server.flush()
        self.assertEqual(ann.first("id")["table"], 2)

    def test_a_full_server_lets_in_one_who_chose_a_table_to_watch(self):
        server = MemoryServer(tables=1, config=CLASSIC, real_shoe_seed=1)
        for name in ("ann", "bob"):
            server.seat(name)
        # Without a table: refused at once, as the seed's server does.
        plain = server.connect()
        self.assertEqual(plain.take(), [error(507, "all busy")])
        self.assertEqual(plain.close_code, 1013)
        chooser = server.connect(path="/websocket?table=1")
        self.assertEqual(chooser.take(), [{"type": "auth"}])
        chooser.send(watch(1))
        server.flush()
        self.assertEqual(chooser.take()[0]["type"], "watching")
        self.assertFalse(chooser.closed)

    def test_a_nonsense_table_in_the_url_is_no_table(self):
        server = MemoryServer(tables=1, config=CLASSIC, real_shoe_seed=1)
        for name in ("ann", "bob"):
            server.seat(name)
        for query in ("?table=x", "?table=-1", "?table=99999999999", "?table="):
            client = server.connect(path="/websocket" + query)
            self.assertEqual(client.take(), [error(507, "all busy")], query)


class WatchingTests(SynchronousTestCase):
    """``watch``: a table's public messages, without a seat."""

    def test_a_watcher_sees_the_table_then_its_public_messages(self):
        server = MemoryServer(["TS", "7H", "9S", "8H"], tables=1, config=CLASSIC)
        ann = server.seat("ann")
        watcher = server.connect()
        watcher.take()
        watcher.send(watch(1))
        server.flush()
        watching, snapshot = watcher.take()
        self.assertEqual(
            watching,
            {
                "type": "watching",
                "table": 1,
                "game": "classic",
                "seats": 2,
                "watchers": 1,
                "turn_timeout": 30.0,
            },
        )
        self.assertEqual(snapshot["type"], "snapshot")
        self.assertEqual([seat["username"] for seat in snapshot["seats"]], ["ann"])
        self.assertNotIn("balance", snapshot)
        ann.send({"type": "stand"})
        server.flush()
        seen = watcher.take()
        self.assertIn({"type": "stand", "id": 1, "reason": "stand"}, seen)
        self.assertEqual(seen[-1]["type"], "round_over")
        # ann lost (17 against 17 is a push here: whichever), told to her
        # alone; the watcher learns it from round_over.
        self.assertFalse(PRIVATE_TYPES & {m["type"] for m in seen})

    def test_a_watcher_never_sees_the_hole_card_before_it_is_turned(self):
        # ann TS 7H stands on 17; the dealer shows 6H and holds KD, draws 5S.
        cards = deal(("TS", "7H"), up="6H", hole="KD", then=("5S",))
        server = MemoryServer(cards, config=CASINO, guests=True)
        watcher = server.connect()
        watcher.send(watch(1))
        ann = server.seat("ann")
        ann.send({"type": "bet", "amount": 20})
        server.flush()
        before_the_turn = json.dumps(watcher.take())
        self.assertIn('"hole_card"', before_the_turn)
        self.assertNotIn("KD", before_the_turn)
        self.assertNotIn("5S", before_the_turn, "nor a card still in the shoe")
        ann.send({"type": "stand"})
        server.flush()
        after = watcher.take()
        self.assertIn("KD", json.dumps(after), "the watcher sees it once turned")
        self.assertFalse(PRIVATE_TYPES & {m["type"] for m in after})
        self.assertEqual(after[-1]["type"], "round_over")

    def test_a_watcher_needs_no_sign_in_and_no_auth_timer_closes_it(self):
        limits = dataclasses.replace(QUIET_LIMITS, auth_timeout=60)
        server = MemoryServer(config=CASINO, limits=limits, database="sqlite::memory:")
        watcher = server.connect()
        watcher.send(watch(1))
        server.flush()
        server.advance(600)
        self.assertFalse(watcher.closed)
        watcher.send({"type": "hit"})
        server.flush()
        self.assertEqual(watcher.received[-1], error(401, "not authorized"))

    def test_watchers_are_capped_per_table(self):
        server = MemoryServer(
            tables=2, config=CLASSIC, max_watchers=1, real_shoe_seed=1
        )
        first, second = server.connect(), server.connect()
        first.send(watch(1))
        second.send(watch(1))
        server.flush()
        self.assertEqual(
            second.received[-1], error(507, "table 1 has 1 watchers already")
        )
        self.assertFalse(second.closed)
        second.send(watch(2))
        server.flush()
        self.assertEqual(second.received[-2]["type"], "watching")

    def test_no_such_table_to_watch(self):
        server = MemoryServer(config=CLASSIC, real_shoe_seed=1)
        client = server.connect()
        client.take()
        client.send(watch(2))
        server.flush()
        self.assertEqual(client.take(), [error(404, "no table 2")])

    def test_watching_another_table_leaves_the_first(self):
        server = MemoryServer(tables=2, config=CLASSIC, real_shoe_seed=1)
        client = server.connect()
        client.send(watch(1))
        client.send(watch(2))
        server.flush()
        self.assertEqual([table.watchers for table in server.lobby.tables], [0, 1])
        client.transport.loseConnection()
        server.flush()
        self.assertEqual([table.watchers for table in server.lobby.tables], [0, 0])

    def test_a_seated_player_cannot_watch(self):
        server = MemoryServer(config=CLASSIC, real_shoe_seed=1)
        ann = server.seat("ann")
        ann.take()
        ann.send(watch(1))
        server.flush()
        self.assertEqual(
            ann.take(),
            [error(409, "you are seated: watching is for those without a seat")],
        )

    def test_a_watcher_takes_a_free_seat_on_the_same_connection(self):
        server = MemoryServer(config=CLASSIC, real_shoe_seed=1)
        bob = server.seat("bob")
        watcher = server.connect()
        watcher.send(watch(1))
        server.flush()
        watcher.take()
        bob.take()
        watcher.send(auth("ann", table=1))
        server.flush()
        sat = watcher.take()
        self.assertEqual(sat[0]["type"], "id")
        # Told once, as a player: not once more as a watcher.
        self.assertNotIn("new_client", [m["type"] for m in sat])
        self.assertEqual(server.lobby.tables[0].watchers, 0)
        self.assertEqual(bob.first("new_client")["username"], "ann")

    def test_a_watcher_refused_a_seat_goes_on_watching(self):
        server = MemoryServer(config=CLASSIC, real_shoe_seed=1)
        server.seat("ann")
        bob = server.seat("bob")
        # The server is full: only a client that chose a table gets in.
        watcher = server.connect(path="/websocket?table=1")
        watcher.send(watch(1))
        server.flush()
        watcher.take()
        watcher.send(auth("cy"))
        server.flush()
        self.assertEqual(watcher.take(), [error(507, "table 1 is full")])
        bob.transport.loseConnection()
        server.flush()
        self.assertIn({"type": "left", "id": 2}, watcher.take())
        watcher.send(auth("cy"))
        server.flush()
        self.assertEqual(watcher.first("id")["username"], "cy")


class TablesListTests(SynchronousTestCase):
    """``GET /tables``."""

    def test_every_table_with_its_seats_watchers_and_rules(self):
        server = MemoryServer(tables=2, config=CASINO, guests=True)
        server.seat("ann")
        server.seat("bob")
        watcher = server.connect()
        watcher.send(watch(2))
        server.flush()
        request = DummyRequest([b""])
        body = json.loads(TablesResource(server.factory).render_GET(request))
        self.assertEqual(body["game"], "casino")
        first, second = body["tables"]
        self.assertEqual(
            {key: first[key] for key in ("table", "seats", "taken", "watchers")},
            {"table": 1, "seats": 2, "taken": 2, "watchers": 0},
        )
        self.assertEqual(first["players"], ["ann", "bob"])
        self.assertEqual(
            (first["rules"]["min_bet"], first["rules"]["max_bet"]), (10, 500)
        )
        self.assertEqual((second["taken"], second["watchers"]), (0, 1))
        self.assertEqual(
            request.responseHeaders.getRawHeaders(b"content-type"),
            [b"application/json"],
        )

    def test_classic_tables_have_no_rules(self):
        server = MemoryServer(config=CLASSIC, real_shoe_seed=1)
        body = json.loads(
            TablesResource(server.factory).render_GET(DummyRequest([b""]))
        )
        self.assertNotIn("rules", body["tables"][0])
        self.assertEqual(body["tables"][0]["turn_timeout"], 30.0)


class WatcherTypesTests(SynchronousTestCase):
    def test_private_types_are_server_messages(self):
        # The list this module checks against names real messages.
        self.assertLessEqual(PRIVATE_TYPES, set(SERVER_MESSAGES))
