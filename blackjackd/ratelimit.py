"""A token bucket: how many messages a client may send, and how fast."""

from __future__ import annotations

from collections import OrderedDict

from twisted.internet.interfaces import IReactorTime


class TokenBucket:
    """Allows ``burst`` messages at once and ``rate`` a second after that.

    Time comes from the injected clock, so tests drive it with a ``Clock``.
    """

    def __init__(self, rate: float, burst: int, clock: IReactorTime) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a token bucket needs a positive rate and burst")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._last = clock.seconds()

    def take(self) -> bool:
        """Spend one token: True if the message is allowed."""
        now = self._clock.seconds()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False

    def refund(self) -> None:
        """Give back the token a message took: it turned out free."""
        self._tokens = min(float(self.burst), self._tokens + 1)


class AddressBuckets:
    """A token bucket for each address, for the few addresses seen lately:
    at most ``max_addresses`` are remembered (the least recent go first), so
    a flood of addresses can't exhaust memory."""

    def __init__(
        self,
        rate: float,
        burst: int,
        clock: IReactorTime,
        max_addresses: int = 10_000,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._max = max_addresses
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def take(self, address: str) -> bool:
        """Spend one of ``address``'s tokens: True if it is allowed (always,
        with a ``burst`` of 0: no bound)."""
        if self.burst == 0:
            return True
        bucket = self._buckets.pop(address, None)
        if bucket is None:
            bucket = TokenBucket(self.rate, self.burst, self._clock)
        self._buckets[address] = bucket
        while len(self._buckets) > self._max:
            self._buckets.popitem(last=False)
        return bucket.take()
