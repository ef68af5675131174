"""blackjackd.passwords: name keys, scrypt hashes and the login throttle."""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet.task import Clock
from twisted.trial.unittest import SynchronousTestCase

from blackjackd.passwords import (
    DEFAULT_COST,
    TEST_COST,
    LoginThrottle,
    ScryptCost,
    hash_password,
    name_key,
    needs_rehash,
    verify_password,
)


class NameKeyTests(SynchronousTestCase):
    def test_names_that_are_one_account(self) -> None:
        cases = [
            ("Ann", "ann"),
            ("ANN", "ann"),
            ("\uff21\uff4e\uff4e", "ann"),  # Ann in fullwidth letters
            ("Stra\u00dfe", "strasse"),  # ß folds to ss
            ("\u212b", "\u00e5"),  # ANGSTROM SIGN is å
            ("e\u0301", "\u00e9"),  # decomposed é
            ("\ufb01x", "fix"),  # the fi ligature
        ]
        for username, key in cases:
            self.assertEqual(name_key(username), key, username)

    def test_different_names_stay_different(self) -> None:
        self.assertNotEqual(name_key("ann"), name_key("anne"))
        self.assertNotEqual(name_key("ann"), name_key("ann "))

    @given(st.text())
    def test_a_key_is_its_own_key(self, username: str) -> None:
        key = name_key(username)
        self.assertEqual(name_key(key), key)


class HashTests(SynchronousTestCase):
    def test_the_right_password_verifies(self) -> None:
        stored = hash_password("correct horse", TEST_COST)
        self.assertTrue(verify_password("correct horse", stored))
        self.assertFalse(verify_password("correct horsE", stored))
        self.assertFalse(verify_password("", stored))

    def test_the_stored_string(self) -> None:
        stored = hash_password("pw", TEST_COST)
        scheme, n, r, p, salt, digest = stored.split("$")
        self.assertEqual(
            (scheme, int(n), int(r), int(p)), ("scrypt", TEST_COST.n, 8, 1)
        )
        self.assertEqual(len(base64.b64decode(salt)), 16)
        self.assertEqual(len(base64.b64decode(digest)), 32)

    def test_salted(self) -> None:
        self.assertNotEqual(
            hash_password("pw", TEST_COST), hash_password("pw", TEST_COST)
        )

    def test_the_production_cost(self) -> None:
        self.assertEqual(DEFAULT_COST, ScryptCost(2**14, 8, 1))
        self.assertEqual(DEFAULT_COST.memory, 16 * 1024 * 1024)
        stored = hash_password("pw")
        self.assertTrue(stored.startswith("scrypt$16384$8$1$"), stored)
        self.assertTrue(verify_password("pw", stored))

    def test_unicode_passwords_are_normalized(self) -> None:
        stored = hash_password("caf\u00e9", TEST_COST)
        self.assertTrue(verify_password("cafe\u0301", stored))

    def test_a_malformed_stored_string_is_false(self) -> None:
        good = hash_password("pw", TEST_COST)
        salt, digest = good.split("$")[4:]
        malformed = [
            "",
            "pw",
            "$",
            "scrypt",
            good + "$",
            good.replace("scrypt", "bcrypt"),
            f"scrypt$15$8$1${salt}${digest}",  # n not a power of 2
            f"scrypt$16$0$1${salt}${digest}",
            f"scrypt$-16$8$1${salt}${digest}",
            f"scrypt$16$8$1$!!!${digest}",
            f"scrypt$16$8$1${salt}$",
            f"scrypt$16$8$1$${digest}",
            f"scrypt$\uff11\uff16$8$1${salt}${digest}",  # fullwidth digits
            f"scrypt${2**40}$8$1${salt}${digest}",  # asks for a terabyte
            f"scrypt$16$8$1000000${salt}${digest}",
        ]
        for stored in malformed:
            self.assertFalse(verify_password("pw", stored), stored)
            self.assertTrue(needs_rehash(stored), stored)

    @settings(max_examples=50)
    @given(st.text())
    def test_no_stored_string_raises(self, stored: str) -> None:
        self.assertFalse(verify_password("pw", stored))

    def test_needs_rehash(self) -> None:
        self.assertFalse(needs_rehash(hash_password("pw", TEST_COST), TEST_COST))
        self.assertTrue(needs_rehash(hash_password("pw", TEST_COST), DEFAULT_COST))

    def test_bad_costs(self) -> None:
        for n, r, p in [(0, 8, 1), (1, 8, 1), (3, 8, 1), (16, 0, 1), (16, 8, 0)]:
            self.assertRaises(ValueError, ScryptCost, n, r, p)


class LoginThrottleTests(SynchronousTestCase):
    def setUp(self) -> None:
        self.clock = Clock()
        self.throttle = LoginThrottle(self.clock)

    def fail_times(self, key: str, times: int) -> None:
        for _ in range(times):
            self.throttle.failed(key)

    def test_three_free_failures_then_a_doubling_wait(self) -> None:
        self.assertEqual(self.throttle.wait("ann"), 0)
        waits = []
        for _ in range(10):
            self.throttle.failed("ann")
            waits.append(self.throttle.wait("ann"))
        self.assertEqual(waits, [0, 0, 0, 1, 2, 4, 8, 16, 32, 60])

    def test_the_wait_runs_down_with_time(self) -> None:
        self.fail_times("ann", 5)
        self.assertEqual(self.throttle.wait("ann"), 2)
        self.clock.advance(1.5)
        self.assertEqual(self.throttle.wait("ann"), 0.5)
        self.clock.advance(1)
        self.assertEqual(self.throttle.wait("ann"), 0)

    def test_per_name(self) -> None:
        self.fail_times("ann", 5)
        self.assertEqual(self.throttle.wait("bob"), 0)

    def test_a_success_forgets(self) -> None:
        self.fail_times("ann", 5)
        self.throttle.succeeded("ann")
        self.assertEqual(self.throttle.wait("ann"), 0)
        self.assertEqual(len(self.throttle), 0)

    def test_old_failures_are_forgotten(self) -> None:
        self.fail_times("ann", 10)
        self.clock.advance(3599)
        self.throttle.failed("bob")
        self.assertEqual(len(self.throttle), 2)
        self.clock.advance(1)
        self.assertEqual(self.throttle.wait("ann"), 0)
        self.assertEqual(len(self.throttle), 1)

    def test_memory_is_bounded(self) -> None:
        throttle = LoginThrottle(self.clock, max_names=100)
        for number in range(1000):
            throttle.failed(f"name{number}")
            self.clock.advance(0.01)
        self.assertEqual(len(throttle), 100)
        self.assertEqual(throttle.wait("name0"), 0)

    def test_the_cap_holds_for_a_long_siege(self) -> None:
        self.fail_times("ann", 5000)
        self.assertEqual(self.throttle.wait("ann"), 60)
