"""Account names and passwords: the name key, scrypt hashes, login throttling.

``name_key`` is what makes two names the same account: ``Ann``, ``ann`` and
``Ann`` typed in fullwidth letters all give ``ann``. ``hash_password`` and
``verify_password`` are CPU-bound and block for tens of milliseconds at the
production cost: run them off the reactor thread (``deferToThread``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass

from twisted.internet.interfaces import IReactorTime


def name_key(username: str) -> str:
    """The key that identifies ``username``'s account: NFKC, casefolded.

    Casefolding can undo NFKC (``ß`` folds to ``ss``, but some folds yield
    characters that NFKC would compose), so it is normalized once more.
    """
    folded = unicodedata.normalize("NFKC", username).casefold()
    return unicodedata.normalize("NFKC", folded)


@dataclass(frozen=True, slots=True)
class ScryptCost:
    """scrypt's cost parameters: memory is ``128 * n * r`` bytes."""

    n: int
    r: int
    p: int

    def __post_init__(self) -> None:
        if self.n < 2 or self.n & (self.n - 1):
            raise ValueError(f"scrypt's n must be a power of 2 above 1, not {self.n}")
        if self.r < 1 or self.p < 1:
            raise ValueError("scrypt's r and p must be 1 or more")

    @property
    def memory(self) -> int:
        """Bytes of memory one hash takes."""
        return 128 * self.n * self.r


#: The production cost: 16 MiB and some 50 ms of one core per hash.
DEFAULT_COST = ScryptCost(n=2**14, r=8, p=1)
#: A cost for tests only: fast, and worthless against a real attacker.
TEST_COST = ScryptCost(n=2**4, r=8, p=1)
#: The most a stored hash may ask for; a stored string asking for more is
#: refused rather than let it make a login eat memory or minutes.
MAX_COST = ScryptCost(n=2**18, r=8, p=4)

_SCHEME = "scrypt"
_SALT_BYTES = 16
_HASH_BYTES = 32


def _normalize(password: str) -> bytes:
    # The same password typed on two keyboards may come as two code point
    # sequences (composed or not): NFKC makes them one.
    return unicodedata.normalize("NFKC", password).encode("utf-8")


def _scrypt(password: str, salt: bytes, cost: ScryptCost, length: int) -> bytes:
    return hashlib.scrypt(
        _normalize(password),
        salt=salt,
        n=cost.n,
        r=cost.r,
        p=cost.p,
        # OpenSSL's default ceiling is 32 MiB; allow the cost plus headroom.
        maxmem=2 * cost.memory + 1024 * 1024,
        dklen=length,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, cost: ScryptCost = DEFAULT_COST) -> str:
    """A salted scrypt hash of ``password``: ``scrypt$n$r$p$salt$hash``.

    Salt and hash are base64; the cost is in the string so that
    ``verify_password`` checks hashes made at any cost.
    """
    salt = os.urandom(_SALT_BYTES)
    digest = _scrypt(password, salt, cost, _HASH_BYTES)
    return "$".join(
        [_SCHEME, str(cost.n), str(cost.r), str(cost.p), _b64(salt), _b64(digest)]
    )


@dataclass(frozen=True, slots=True)
class _Stored:
    cost: ScryptCost
    salt: bytes
    digest: bytes


def _parse(stored: str) -> _Stored | None:
    """``stored``'s parts, or None if it isn't a hash this module made."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != _SCHEME:
        return None
    n, r, p = parts[1:4]
    if not all(value.isdigit() and value.isascii() for value in (n, r, p)):
        return None
    try:
        cost = ScryptCost(int(n), int(r), int(p))
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error):
        return None
    if cost.n > MAX_COST.n or cost.r > MAX_COST.r or cost.p > MAX_COST.p:
        return None
    if not salt or not 16 <= len(digest) <= 64:
        return None
    return _Stored(cost, salt, digest)


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from.

    Compares in constant time. A malformed ``stored`` is False, never an
    exception.
    """
    parsed = _parse(stored)
    if parsed is None:
        return False
    try:
        digest = _scrypt(password, parsed.salt, parsed.cost, len(parsed.digest))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(digest, parsed.digest)


def needs_rehash(stored: str, cost: ScryptCost = DEFAULT_COST) -> bool:
    """Whether ``stored`` was made at another cost than ``cost`` (or is
    malformed), so that a successful login should store a new hash."""
    parsed = _parse(stored)
    return parsed is None or parsed.cost != cost


@dataclass(slots=True)
class _Failures:
    count: int
    last: float


class LoginThrottle:
    """Slows down password guessing, per account name.

    The first ``free_failures`` wrong passwords for a name cost nothing;
    after that each one makes the next attempt wait, doubling from
    ``first_delay`` up to ``max_delay`` seconds. A success, or
    ``forget_after`` seconds without a failure, clears the name. At most
    ``max_names`` names are remembered (the least recently failed go first),
    so a flood of names can't exhaust memory.
    """

    def __init__(
        self,
        clock: IReactorTime,
        free_failures: int = 3,
        first_delay: float = 1.0,
        max_delay: float = 60.0,
        forget_after: float = 3600.0,
        max_names: int = 10_000,
    ) -> None:
        self._clock = clock
        self._free = free_failures
        self._first = first_delay
        self._max = max_delay
        self._forget_after = forget_after
        self._max_names = max_names
        self._failures: OrderedDict[str, _Failures] = OrderedDict()

    def delay(self, failures: int) -> float:
        """The wait after ``failures`` failures in a row."""
        if failures <= self._free:
            return 0.0
        doublings = failures - self._free - 1
        # Capped before raising 2 to it: a long siege doesn't overflow.
        return min(self._max, self._first * 2.0 ** min(doublings, 64))

    def wait(self, name_key: str) -> float:
        """Seconds before an attempt for ``name_key`` may be checked (0: now)."""
        now = self._clock.seconds()
        self._forget_old(now)
        record = self._failures.get(name_key)
        if record is None:
            return 0.0
        return max(0.0, record.last + self.delay(record.count) - now)

    def failed(self, name_key: str) -> None:
        """A wrong password for ``name_key``."""
        now = self._clock.seconds()
        self._forget_old(now)
        record = self._failures.pop(name_key, None)
        if record is None:
            record = _Failures(0, now)
        record.count += 1
        record.last = now
        self._failures[name_key] = record
        while len(self._failures) > self._max_names:
            self._failures.popitem(last=False)

    def succeeded(self, name_key: str) -> None:
        """The right password for ``name_key``: its failures are forgotten."""
        self._failures.pop(name_key, None)

    def __len__(self) -> int:
        """How many names are remembered."""
        return len(self._failures)

    def _forget_old(self, now: float) -> None:
        # Ordered by last failure, so the stale ones are at the front.
        while self._failures:
            record = next(iter(self._failures.values()))
            if now - record.last < self._forget_after:
                break
            self._failures.popitem(last=False)
