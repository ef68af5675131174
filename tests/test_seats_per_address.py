"""Seats go to players who play: one address holds at most
``seats_per_address`` seats (``--seats-per-address``), counted at the
address a trusted proxy names when one is in front."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from twisted.trial.unittest import SynchronousTestCase

from blackjackd.testing import MemoryServer
from blackjackd.testing.memory import QUIET_LIMITS

CAPPED = replace(
    QUIET_LIMITS, seats_per_address=2, trusted_proxies=frozenset({"10.0.0.1"})
)
TOO_MANY = {
    "type": "error",
    "status_code": 429,
    "message": "your address holds 2 seats already: one of them must leave",
}


def server(**options: Any) -> MemoryServer:
    return MemoryServer(real_shoe_seed=1, limits=CAPPED, **options)


class SeatsPerAddressTests(SynchronousTestCase):
    """Squatting every seat from one address is refused; others sit."""

    def test_a_third_seat_from_one_address_is_refused(self) -> None:
        game = server()
        game.seat("ann", host="192.0.2.7")
        game.seat("bob", host="192.0.2.7")
        squatter = game.seat("cy", host="192.0.2.7")
        self.assertEqual(squatter.take(), [TOO_MANY])
        self.assertFalse(squatter.closed)
        # Another address sits down.
        newcomer = game.seat("dee", host="198.51.100.3")
        self.assertEqual(newcomer.received[0]["type"], "id")
        self.assertEqual(game.lobby.seats_taken, 3)

    def test_a_seat_freed_may_be_taken_again_and_a_held_one_counts(self) -> None:
        game = MemoryServer(real_shoe_seed=1, limits=CAPPED, seat_grace=30)
        ann = game.seat("ann", host="192.0.2.7")
        game.seat("bob", host="192.0.2.7")
        game.drop(ann)  # her seat is held for her: it still counts
        self.assertEqual(game.seat("cy", host="192.0.2.7").take(), [TOO_MANY])
        game.advance(30)  # gone for good
        self.assertEqual(game.seat("cy", host="192.0.2.7").received[0]["type"], "id")

    def test_behind_a_trusted_proxy_the_forwarded_address_counts(self) -> None:
        game = server()

        def via_proxy(name: str, client: str) -> list[dict[str, Any]]:
            player = game.connect(
                host="10.0.0.1", headers={"X-Forwarded-For": f"203.0.113.9, {client}"}
            )
            player.take()
            player.send({"type": "auth", "data": {"username": name}})
            game.flush()
            return player.take()

        # Each player behind the proxy counts as the address it names last
        # (what the proxy saw), not as the proxy.
        self.assertEqual(via_proxy("ann", "192.0.2.1")[0]["type"], "id")
        self.assertEqual(via_proxy("bob", "192.0.2.2")[0]["type"], "id")
        self.assertEqual(via_proxy("cy", "192.0.2.3")[0]["type"], "id")
        self.assertEqual(via_proxy("dee", "192.0.2.1")[0]["type"], "id")
        self.assertEqual(via_proxy("eve", "192.0.2.1"), [TOO_MANY])

    def test_an_untrusted_peer_cannot_name_another_address(self) -> None:
        game = server()
        for name in ("ann", "bob"):
            game.seat(name, host="192.0.2.7")
        forger = game.connect(
            host="192.0.2.7", headers={"X-Forwarded-For": "198.51.100.99"}
        )
        forger.take()
        forger.send({"type": "auth", "data": {"username": "cy"}})
        game.flush()
        self.assertEqual(forger.take(), [TOO_MANY])

    def test_no_cap_by_default_in_memory(self) -> None:
        self.assertEqual(QUIET_LIMITS.seats_per_address, 0)
        game = MemoryServer(real_shoe_seed=1)
        for name in ("ann", "bob", "cy", "dee"):
            self.assertEqual(game.seat(name).received[0]["type"], "id")
