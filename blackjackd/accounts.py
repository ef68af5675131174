"""Signing in to accounts: registration, passwords, and the brakes on
guessing them.

The first sign-in with a new name registers it with the starting chips;
later ones must bring the same password. Passwords are kept only as salted
scrypt hashes (``blackjackd.passwords``), made and checked on a thread so
the reactor never waits on them. A wrong password is a 401 that says
nothing else, and after a few wrong ones a name is answered ever more
slowly (``LoginThrottle``), so guessing is impractical.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IReactorTime

from blackjackd.errors import ActionRejected
from blackjackd.passwords import LoginThrottle, hash_password, name_key, verify_password
from blackjackd.store import AccountRow, HistoryRow, NameTaken

T = TypeVar("T")

#: Runs a function on a thread; production: ``deferToThread``.
RunInThread = Callable[..., Deferred[Any]]


class AccountStore(Protocol):
    """What signing in needs of the database."""

    def find_account(self, name_key: str) -> Deferred[AccountRow | None]: ...

    def register(
        self,
        username: str,
        name_key: str,
        password_hash: str,
        chips: int,
        at: float,
    ) -> Deferred[AccountRow]: ...

    def account_state(self, account_id: int) -> Deferred[AccountRow]: ...

    def history(self, account_id: int, limit: int) -> Deferred[list[HistoryRow]]: ...


class Accounts:
    """Signs players in to their accounts (or registers them)."""

    def __init__(
        self,
        store: AccountStore,
        clock: IReactorTime,
        run_in_thread: RunInThread,
        starting_chips: int,
        hash_cost: Any = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.throttle = LoginThrottle(clock)
        #: Names whose password is being checked now.
        self._checking: set[str] = set()
        self._run_in_thread = run_in_thread
        self._starting_chips = starting_chips
        self._hash_cost = hash_cost

    async def sign_in(self, username: str, password: str) -> AccountRow:
        """The account ``username`` names, registered now if the name is
        new; ``ActionRejected`` 401 for a wrong password, 429 while the name
        is slowed down after wrong ones."""
        key = name_key(username)
        if key in self._checking:
            # One check at a time a name: guesses sent side by side wait
            # their turn, and so meet the throttle.
            raise ActionRejected(
                429, "a sign-in for this name is under way: try again in a moment"
            )
        self._checking.add(key)
        try:
            return await self._sign_in(username, key, password)
        finally:
            self._checking.discard(key)

    async def _sign_in(self, username: str, key: str, password: str) -> AccountRow:
        wait = self.throttle.wait(key)
        if wait > 0:
            raise ActionRejected(
                429,
                f"too many wrong passwords for this name: "
                f"try again in {math.ceil(wait)} s",
            )
        account = await self.store.find_account(key)
        if account is None:
            account = await self._register(username, key, password)
            if account is not None:
                return account
            # Somebody registered the name meanwhile: check against theirs.
            account = await self.store.find_account(key)
            assert account is not None, "a registered name stays registered"
        matches = await self._run_in_thread(
            verify_password, password, account.password_hash
        )
        if not matches:
            self.throttle.failed(key)
            raise ActionRejected(401, "wrong password for this name")
        self.throttle.succeeded(key)
        return account

    async def _register(
        self, username: str, key: str, password: str
    ) -> AccountRow | None:
        if self._hash_cost is None:
            hashed = await self._run_in_thread(hash_password, password)
        else:
            hashed = await self._run_in_thread(hash_password, password, self._hash_cost)
        try:
            return await self.store.register(
                username, key, hashed, self._starting_chips, self.clock.seconds()
            )
        except NameTaken:
            return None
