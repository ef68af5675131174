"""Make ``docs/screenshot-web.png``: the web client in headless Chromium, at
a casino table of a real server, in the middle of a round.

    python docs/web_screenshot.py [PATH]

It starts the server in a process of its own (``blackjackd.testing.
webserver``) on a free loopback port, with a shoe stacked for a round worth
showing, and opens one browser page per player. bea, ann and cy sit down
and bet with chip keys; bea stands on 19, cy hits 11 to 15 and stands, and
ann splits her eights and doubles the first hand. The picture is ann's page
on her second hand's turn, the dealer's hole card still face down.

Needs Playwright and Debian's Chromium (``/usr/bin/chromium``).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Run from a checkout as well as from an installed project.
sys.path[:0] = [str(REPO)]

from playwright.sync_api import Locator, Page, expect, sync_playwright  # noqa: E402

from blackjackd.testing import deal  # noqa: E402
from blackjackd.testing.webserver import CHROMIUM, CHROMIUM_ARGS, WebServer  # noqa: E402

DEFAULT_PATH = REPO / "docs" / "screenshot-web.png"
SIZE = {"width": 1024, "height": 720}

# Seat order, and the chip key each presses (1-4: 10, 50, 100, 500).
PLAYERS = {"bea": "2", "ann": "3", "cy": "1"}
ME = "ann"
CARDS = deal(
    ("TD", "9C"),  # bea: 19, stands
    ("8C", "8S"),  # ann: a pair of eights
    ("5C", "6H"),  # cy: 11, hits 4D and stands
    up="6D",
    hole="TS",
    then=["4D", "3C", "TH", "9D"],  # ann's split: 3C and TH; her double: 9D
)


def mine(page: Page, hand: int) -> Locator:
    """The cards of one of the page's player's hands."""
    return page.locator(f".seat.me .hand[data-hand='{hand}'] .card")


def make_screenshot(path: Path = DEFAULT_PATH) -> None:
    """Play into ann's second split hand and save her page to ``path``."""
    # Three browsers on one address: more seats than the default allows.
    options = [
        *("--game", "casino", "--guests", "--bet-timeout", "60"),
        *("--seats-per-address", "0"),
    ]
    with WebServer(CARDS, options) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            pages: dict[str, Page] = {}
            for name in PLAYERS:
                page = browser.new_context(viewport=SIZE).new_page()
                page.goto(server.url)
                page.get_by_role("button", name="Sit at table 1").click()
                page.fill("#name", name)
                page.click("#signin-go")
                expect(page.locator(".seat.me")).to_have_count(1)
                pages[name] = page
            for name, key in PLAYERS.items():
                page = pages[name]
                expect(page.locator(".seat")).to_have_count(len(PLAYERS))
                expect(page.locator(".chip").first).to_be_enabled()
                page.keyboard.press(key)
                expect(page.locator("#balance")).not_to_have_text("1000 chips")
            ann = pages[ME]
            expect(ann.locator("#split")).to_be_enabled()
            pages["bea"].keyboard.press("s")
            cy = pages["cy"]
            expect(cy.locator("#hit")).to_be_enabled()
            cy.keyboard.press("h")
            expect(mine(cy, 0)).to_have_count(3)
            cy.keyboard.press("s")
            ann.keyboard.press("p")
            expect(mine(ann, 1)).to_have_count(2)
            ann.keyboard.press("d")
            expect(mine(ann, 0)).to_have_count(3)
            expect(ann.locator(".hand.active")).to_have_attribute("data-hand", "1")
            expect(ann.locator(".seat[data-name='cy'] .state")).to_have_text("stood")
            ann.screenshot(path=str(path))
        finally:
            browser.close()


def main() -> None:
    """Write the screenshot to the path given, or to docs/screenshot-web.png."""
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH
    make_screenshot(path)
    print(f"saved {path}")


if __name__ == "__main__":
    main()
