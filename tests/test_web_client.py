"""The web client (``blackjackd/webclient/``) in a real browser: headless
Chromium driven by Playwright, against the real server in a child process
(``blackjackd.testing.webserver``) dealing stacked cards.

Each test starts its own server and browser and leaves neither behind. They
wait on what the page shows (Playwright's ``expect``), never on the clock.
Without Playwright or Debian's Chromium they skip, saying which is missing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import socket
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.testing import CLASSIC_OPENING, deal
from blackjackd.testing.webserver import CHROMIUM, CHROMIUM_ARGS, WebServer
from tests.scratch import scratch_directory

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - the skip says so
    sync_playwright = None
else:
    # The server and a browser share two busy cores with other jobs.
    expect.set_options(timeout=15_000)

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "web_screenshot.py"
NARROW = {"width": 360, "height": 740}
# A round's results stay on the page (and the status line) until the next
# round: long enough for a test to read them, however busy the machine.
SETTLED = ("--round-delay", "10")
DESKTOP = {"width": 1100, "height": 800}

# Classic, two players: ann opens alone (CLASSIC_OPENING) while bob waits;
# then ann TS 2S hits 8H (20), bob 9C 7D (16) stands, the dealer draws
# TH 8D (18): ann wins, bob loses.
CLASSIC_ROUND = [*CLASSIC_OPENING, "TS", "9C", "2S", "7D", "8H", "TH", "8D"]

# Casino, ann alone: 8C 8D against a 6 up and a ten down. She splits (3S
# to hand 0, 2C to hand 1), doubles hand 0 (TD: 21), hits hand 1 (9C: 19)
# and stands; the dealer turns TS (16) and busts on 7D.
CASINO_SPLIT = deal(
    ("8C", "8D"), up="6H", hole="TS", then=["3S", "2C", "TD", "9C", "7D"]
)

# Casino, ann alone: TC 7S (17) against a 9 up and the queen of hearts
# down, which no other card of the round is; she stands, the dealer has 19.
HOLE = "QH"
CASINO_HOLE = deal(("TC", "7S"), up="9S", hole=HOLE)


# Casino, ann alone: TC 6S (16) against an ace up, a nine down: she insures,
# the dealer has no blackjack, and she surrenders.
CASINO_INSURANCE = deal(("TC", "6S"), up="AS", hole="9D")


def missing() -> str | None:
    """Why the browser tests can't run here, or None."""
    if sync_playwright is None:
        return "playwright is not installed (pip install '.[test]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (.ci/run installs Debian's chromium)"
    return None


class BrowserCase(SynchronousTestCase):
    """A test with a browser (``self.browser``) and servers it starts with
    ``serve``; both go in the cleanup."""

    def setUp(self) -> None:
        reason = missing()
        if reason is not None:
            raise self.skipTest(reason)
        assert sync_playwright is not None
        self._playwright = sync_playwright().start()
        self.addCleanup(self._playwright.stop)
        self.browser: Browser = self._playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        self.addCleanup(self.browser.close)

    def serve(self, cards: Sequence[str] = (), *options: str) -> WebServer:
        """The real server, dealing ``cards`` at every table."""
        server = WebServer(cards, options)
        self.addCleanup(server.stop)
        return server

    def open(
        self,
        server: WebServer,
        viewport: dict[str, int] = DESKTOP,
        network_errors: bool = False,
    ) -> tuple[Page, list[dict[str, Any]]]:
        """A page of its own (its own session storage) on the server's
        client, and every message its WebSockets receive, in order. A
        script error on the page fails the test, and so does an error on
        its console (a refused resource, a breach of the server's content
        security policy) unless ``network_errors`` expects some."""
        context = self.browser.new_context(viewport=viewport)  # type: ignore[arg-type]
        self.addCleanup(context.close)
        page = context.new_page()
        received: list[dict[str, Any]] = []
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        if not network_errors:
            page.on(
                "console",
                lambda line: line.type == "error" and errors.append(line.text),
            )
        page.on(
            "websocket",
            lambda socket: socket.on(
                "framereceived", lambda payload: received.append(json.loads(payload))
            ),
        )
        self.addCleanup(lambda: self.assertEqual(errors, []))
        page.goto(server.url)
        return page, received

    def sit(self, page: Page, name: str, table: int = 1, password: str = "") -> None:
        """From the lobby, sit at ``table`` as ``name``."""
        page.get_by_role("button", name=f"Sit at table {table}").click()
        page.fill("#name", name)
        page.fill("#password", password)
        page.click("#signin-go")

    def assert_fits(self, page: Page) -> None:
        """No visible button reaches past the viewport's sides."""
        width = page.viewport_size["width"] if page.viewport_size else 0
        boxes = page.eval_on_selector_all(
            "button",
            """buttons => buttons.filter(b => b.offsetParent !== null).map(b => {
                const r = b.getBoundingClientRect();
                return [b.textContent.trim(), r.left, r.right];
            })""",
        )
        self.assertTrue(boxes)
        outside = [box for box in boxes if box[1] < 0 or box[2] > width]
        self.assertEqual(outside, [], f"buttons outside {width} px")


def cards(page: Page, seat: str = ".seat.me", hand: int = 0) -> Any:
    """The cards a hand of a seat shows, by their ``data-card``."""
    return page.locator(f"{seat} .hand[data-hand='{hand}'] .card")


class ClassicTests(BrowserCase):
    """Two pages play a classic round against each other."""

    def test_two_pages_play_a_round(self) -> None:
        # Long enough for the result to be read before the next round.
        server = self.serve(CLASSIC_ROUND, "--round-delay", "2")
        ann, _ = self.open(server)
        bob, _ = self.open(server)
        self.sit(ann, "ann")
        expect(cards(ann)).to_have_count(2)
        expect(ann.locator("#status")).to_have_attribute("aria-live", "polite")
        self.sit(bob, "bob")
        expect(bob.locator("#status")).to_have_text(
            "You are dealt in at the next round"
        )
        expect(bob.locator(".seat[data-name='ann'] .card")).to_have_count(2)
        ann.keyboard.press("s")
        # The next round deals both.
        expect(cards(ann)).to_have_count(2)
        expect(cards(ann).first).to_have_attribute("data-card", "TS")
        expect(cards(bob)).to_have_count(2)
        expect(ann.locator("#hit")).to_be_enabled()
        ann.keyboard.press("h")
        expect(bob.locator(".seat[data-name='ann'] .card")).to_have_count(3)
        ann.get_by_role("button", name="Stand").click()
        bob.get_by_role("button", name="Stand").click()
        expect(ann.locator("#status")).to_have_text("You won")
        expect(bob.locator("#status")).to_have_text("You lost")
        expect(bob.locator(".seat[data-name='ann'] .result")).to_have_text("win")
        expect(ann.locator("#dealer .card")).to_have_count(2)
        expect(ann.locator("#dealer .points")).to_have_text("18")
        # Only hit and stand at a classic table.
        expect(ann.locator("#double")).to_be_hidden()


class CasinoTests(BrowserCase):
    """Casino rounds, on a phone-sized page."""

    def test_a_bet_a_split_and_a_double(self) -> None:
        server = self.serve(
            CASINO_SPLIT, "--game", "casino", "--bet-timeout", "60", *SETTLED
        )
        page, _ = self.open(server, NARROW)
        self.assert_fits(page)
        # Without --guests a casino table wants a password: the form says so.
        self.sit(page, "ann")
        expect(page.locator("#signin-error")).to_have_text(
            "Casino tables need an account: sign in with a password"
        )
        self.assert_fits(page)
        page.fill("#password", "correct horse")
        page.click("#signin-go")
        expect(page.locator("#balance")).to_have_text("1000 chips")
        # Chips within the table's limits, in multiples of its unit (2).
        chips = page.locator("#chips .chip")
        expect(chips).to_have_count(4)
        self.assertEqual(
            [chip.get_attribute("data-amount") for chip in chips.all()],
            ["10", "50", "100", "500"],
        )
        self.assert_fits(page)
        expect(chips.first).to_be_enabled()
        page.keyboard.press("2")
        expect(page.locator("#balance")).to_have_text("950 chips")
        expect(cards(page)).to_have_count(2)
        expect(page.locator("#dealer .card[data-card='back']")).to_have_count(1)
        expect(page.locator("#split")).to_be_enabled()
        page.keyboard.press("p")
        hands = page.locator(".seat.me .hand")
        expect(hands).to_have_count(2)
        expect(cards(page, hand=1)).to_have_count(2)
        # Side by side, the first one in play framed.
        first, second = (hand.bounding_box() for hand in hands.all())
        assert first is not None and second is not None
        self.assertEqual(first["y"], second["y"])
        self.assertGreater(second["x"], first["x"])
        expect(hands.first).to_have_class("hand active")
        self.assert_fits(page)
        page.get_by_role("button", name="Double").click()
        expect(cards(page, hand=0)).to_have_count(3)
        expect(hands.nth(1)).to_have_class("hand active")
        page.keyboard.press("h")
        expect(cards(page, hand=1)).to_have_count(3)
        page.keyboard.press("s")
        expect(page.locator("#dealer .card[data-card='back']")).to_have_count(0)
        expect(page.locator("#dealer .card")).to_have_count(3)
        expect(page.locator("#status")).to_have_text("You won 150")
        expect(page.locator("#balance")).to_have_text("1150 chips")
        expect(page.locator(".seat.me .result")).to_have_text(
            ["win (+200)", "win (+100)"]
        )
        self.assert_fits(page)
        # Y shows the account's last rounds; Esc closes them.
        page.keyboard.press("y")
        expect(page.locator("#history li")).to_have_count(1)
        expect(page.locator("#history li")).to_contain_text("net +150")
        self.assert_fits(page)
        page.keyboard.press("Escape")
        expect(page.locator("#history")).to_be_hidden()

    def test_a_reload_mid_hand_comes_back_to_the_seat(self) -> None:
        server = self.serve(
            CASINO_HOLE,
            *("--game", "casino", "--guests", "--starting-chips", "10", *SETTLED),
        )
        page, _ = self.open(server)
        self.sit(page, "ann")
        page.get_by_role("button", name="Bet 10", exact=True).click()
        expect(cards(page)).to_have_count(2)
        expect(page.locator("#stand")).to_be_enabled()
        page.reload()
        expect(page.locator("#status")).to_have_text("Back at your seat")
        expect(cards(page)).to_have_count(2)
        expect(cards(page).first).to_have_attribute("data-card", "TC")
        expect(page.locator("#dealer .card[data-card='back']")).to_have_count(1)
        expect(page.locator("#balance")).to_have_text("0 chips")
        page.keyboard.press("s")
        expect(page.locator("#status")).to_have_text("You lost 10")
        # Broke: a rebuy tops the chips up to the starting 10.
        page.get_by_role("button", name="Rebuy").click()
        expect(page.locator("#status")).to_have_text("Rebuy: 10 chips added")
        expect(page.locator("#balance")).to_have_text("10 chips")
        expect(page.locator("#rebuy")).to_be_hidden()


class CasinoMovesTests(BrowserCase):
    """Insurance and surrender, by keys."""

    def test_insurance_then_surrender(self) -> None:
        server = self.serve(
            CASINO_INSURANCE, "--game", "casino", "--guests", "--surrender", *SETTLED
        )
        page, _ = self.open(server)
        self.sit(page, "ann")
        page.get_by_role("button", name="Bet 10", exact=True).click()
        expect(page.locator("#insure")).to_be_enabled()
        expect(page.locator("#dealer .timer")).to_contain_text("Insurance costs 5")
        page.keyboard.press("i")
        expect(page.locator("#balance")).to_have_text("985 chips")
        expect(page.locator("#status")).to_have_text("Your turn")
        expect(page.locator("#surrender")).to_be_enabled()
        page.keyboard.press("u")
        expect(page.locator(".seat.me .state")).to_have_text("surrendered")
        expect(page.locator("#status")).to_have_text("You lost 10")
        expect(page.locator("#balance")).to_have_text("990 chips")


class ReconnectTests(BrowserCase):
    """Coming back after the connection drops."""

    def test_a_new_server_seats_you_again_by_name(self) -> None:
        # Stopped, it tells the page (shutdown), lets the round run for a
        # second, then closes: the page says the server is restarting.
        server = self.serve(CLASSIC_OPENING, "--drain-timeout", "1")
        page, _ = self.open(server, network_errors=True)
        # The waits between attempts: doubling from half a second up to 10,
        # each cut at random by up to half.
        waits = page.evaluate(
            """async () => {
                const { backoff } = await import("/net.js");
                const at = (r) => [0, 1, 2, 3, 4, 5, 9].map((n) => backoff(n, () => r));
                return [at(0), at(0.999999)];
            }"""
        )
        self.assertEqual(
            waits,
            [
                [250, 500, 1000, 2000, 4000, 5000, 5000],
                [500, 1000, 2000, 4000, 8000, 10000, 10000],
            ],
        )
        self.sit(page, "ann")
        expect(cards(page)).to_have_count(2)
        port = server.port
        server.stop()
        expect(page.locator("#status")).to_contain_text(
            "The server is restarting, reconnecting in"
        )
        expect(page.locator("#hit")).to_be_disabled()
        # The new server on the same port doesn't know the resume token: the
        # page signs in by name again.
        self.serve(CLASSIC_OPENING, "--port", f"tcp:{port}:interface=127.0.0.1")
        expect(page.locator("#status")).to_have_text("Your turn")
        expect(page.locator(".seat.me")).to_have_attribute("data-name", "ann")
        expect(cards(page)).to_have_count(2)
        expect(page.locator("#hit")).to_be_enabled()

    def test_a_sign_in_told_to_try_again_does(self) -> None:
        # ann's hand keeps a stopping server draining; bob, signing in
        # meanwhile, is told to try again (503), and does until a new
        # server seats him.
        server = self.serve(CLASSIC_OPENING, "--drain-timeout", "60")
        ann, _ = self.open(server, network_errors=True)
        self.sit(ann, "ann")
        expect(ann.locator("#hit")).to_be_enabled()
        assert server.process.stdin is not None
        server.process.stdin.close()  # the server drains
        expect(ann.locator("#status")).to_contain_text("The server is stopping")
        bob, _ = self.open(server, network_errors=True)
        self.sit(bob, "bob")
        expect(bob.locator("#status")).to_contain_text("Trying again in")
        ann.click("#stand")
        server.stop()
        self.serve(CLASSIC_OPENING, "--port", f"tcp:{server.port}:interface=127.0.0.1")
        expect(bob.locator(".seat.me")).to_have_attribute(
            "data-name", "bob", timeout=20_000
        )


class WatchingTests(BrowserCase):
    """A watcher sees the table but never the hole card before its turn."""

    def test_a_watcher_sees_the_round_but_not_the_hole_card(self) -> None:
        server = self.serve(CASINO_HOLE, "--game", "casino", "--guests", *SETTLED)
        watcher, received = self.open(server)
        watcher.get_by_role("button", name="Watch table 1").click()
        expect(watcher.locator("#where")).to_contain_text("Watching table 1")
        ann, _ = self.open(server)
        self.sit(ann, "ann")
        expect(watcher.locator(".seat[data-name='ann']")).to_have_count(1)
        expect(ann.locator(".chip").first).to_be_enabled()
        ann.keyboard.press("1")
        expect(cards(watcher, ".seat[data-name='ann']")).to_have_count(2)
        dealer = watcher.locator("#dealer .card")
        expect(dealer).to_have_count(2)
        expect(dealer.nth(1)).to_have_attribute("data-card", "back")
        expect(ann.locator("#stand")).to_be_enabled()
        # The hole card is nowhere on the page, in no words.
        page = watcher.content()
        self.assertNotIn(HOLE, page)
        self.assertNotIn("queen of hearts", page)
        ann.keyboard.press("s")
        expect(dealer.nth(1)).to_have_attribute("data-card", HOLE)
        expect(watcher.locator(".seat[data-name='ann'] .result")).to_have_text(
            "lose (0)"
        )
        # Nothing the watcher received named it before the dealer turned it.
        turned = next(
            at
            for at, message in enumerate(received)
            if message == {"type": "hit", "card": HOLE, "id": "dealer", "points": 19}
        )
        self.assertNotIn(HOLE, json.dumps(received[:turned]))
        self.assertEqual(
            [m["type"] for m in received[:3]], ["auth", "watching", "snapshot"]
        )
        # Taking a seat signs in on the same connection.
        sockets: list[object] = []
        watcher.on("websocket", lambda socket: sockets.append(socket))
        watcher.get_by_role("button", name="Take a seat").click()
        watcher.fill("#name", "bob")
        watcher.click("#signin-go")
        expect(watcher.locator(".seat.me")).to_have_attribute("data-name", "bob")
        expect(watcher.locator("#take-seat")).to_be_hidden()
        self.assertEqual(sockets, [])


class LobbyTests(BrowserCase):
    """The lobby lists the tables and seats you where you chose."""

    def test_the_lobby_seats_you_at_the_table_you_chose(self) -> None:
        server = self.serve((), "--tables", "2", "--round-delay", "0.5")
        other, _ = self.open(server)
        page, _ = self.open(server, NARROW)
        entries = page.locator(".table-entry")
        expect(entries).to_have_count(2)
        expect(entries.nth(1)).to_contain_text("Table 2")
        expect(entries.nth(1)).to_contain_text("0/5 seats taken · 0 watching")
        self.assert_fits(page)
        self.sit(page, "ann", table=2)
        expect(page.locator("#where")).to_have_text("Table 2 · classic")
        expect(cards(page)).to_have_count(2)
        self.assert_fits(page)
        # The other page's lobby shows her there, refreshing by itself.
        expect(other.locator(".table-entry").nth(1)).to_contain_text("1/5 seats taken")
        expect(other.locator(".table-entry").nth(1)).to_contain_text("ann")
        expect(other.locator(".table-entry").nth(0)).to_contain_text("nobody yet")


class ScreenshotScriptTests(SynchronousTestCase):
    """``docs/web_screenshot.py`` still makes the README's picture."""

    def setUp(self) -> None:
        reason = missing()
        if reason is not None:
            raise self.skipTest(reason)

    def test_the_web_screenshot_script(self) -> None:
        spec = importlib.util.spec_from_file_location("web_screenshot", SCREENSHOT)
        assert spec is not None and spec.loader is not None
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        path = scratch_directory(self) / "screenshot-web.png"
        script.make_screenshot(path)
        header = path.read_bytes()[:24]
        self.assertEqual(header[:8], b"\x89PNG\r\n\x1a\n")
        size = struct.unpack(">II", header[16:24])
        self.assertEqual(size, (script.SIZE["width"], script.SIZE["height"]))
        self.assertLess(
            SCREENSHOT.with_name("screenshot-web.png").stat().st_size, 200_000
        )


class KeptAliveTests(SynchronousTestCase):
    """Loading the page must not shut an address out of the server."""

    def test_kept_alive_page_loads_leave_room_for_more(self) -> None:
        # A browser keeps up to six HTTP connections open after loading the
        # page, and players behind one NAT share an address: idle kept-alive
        # connections must not count against --pending-per-address (8), or
        # a third browser's requests on one address would be reset.
        server = WebServer()
        self.addCleanup(server.stop)
        for _ in range(9):
            connection = socket.create_connection(("127.0.0.1", server.port), 5)
            self.addCleanup(connection.close)
            connection.sendall(b"GET /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            self.assertTrue(read_answer(connection).startswith(b"HTTP/1.1 200 "))


def read_answer(connection: socket.socket) -> bytes:
    """One HTTP answer's head and body from ``connection``, which stays
    open; b"" if the server closed it first."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        try:
            data = connection.recv(65536)
        except ConnectionResetError:
            return b""
        if not data:
            return b""
        answer += data
    head, body = answer.split(b"\r\n\r\n", 1)
    length = re.search(rb"(?im)^content-length: *(\d+)", head)
    assert length is not None, head
    while len(body) < int(length.group(1)):
        data = connection.recv(65536)
        if not data:
            break
        body += data
    return head + b"\r\n\r\n" + body
