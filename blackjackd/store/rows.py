"""The values the store takes and gives: accounts, batches, refunds, history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Why chips move, as the ledger table records it. Stakes ('bet', 'double',
#: 'split', 'insurance') are negative; 'payout' (half a surrendered bet back
#: too) and an insurance payout ('insurance') positive; 'open' is
#: registration's chips.
REASONS = frozenset(
    {
        "open",
        "bet",
        "double",
        "split",
        "insurance",
        "payout",
        "refund",
        "rebuy",
    }
)
#: A round is 'open' until it is settled (its record stored) or refunded.
ROUND_STATUSES = frozenset({"open", "settled", "refunded"})


def _check_int(name: str, value: object) -> None:
    # A float would be rounded silently by SQLite's BIGINT column.
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {value!r}")


@dataclass(frozen=True, slots=True)
class AccountRow:
    """An account as stored."""

    id: int
    username: str
    name_key: str
    password_hash: str
    balance: int
    created_at: float
    last_rebuy_at: float | None


@dataclass(frozen=True, slots=True)
class RoundOpened:
    """A round that began dealing; ``round_id`` is the server's uuid4 hex."""

    round_id: str
    table_no: int
    round_no: int
    game: str
    at: float


@dataclass(frozen=True, slots=True)
class Movement:
    """``amount`` chips into ``account_id`` (negative: out of it), why, and
    the round they moved in, if any."""

    account_id: int
    amount: int
    reason: str
    round_id: str | None
    at: float

    def __post_init__(self) -> None:
        _check_int("account_id", self.account_id)
        _check_int("amount", self.amount)
        if self.reason not in REASONS:
            raise ValueError(
                f"a movement's reason is one of {sorted(REASONS)}, not {self.reason!r}"
            )


@dataclass(frozen=True, slots=True)
class RoundClosed:
    """A round that was settled, with its record (JSON-serializable), and
    the accounts that played it without moving a chip (classic tables)."""

    round_id: str
    record: Mapping[str, Any]
    at: float
    players: Sequence[int] = ()


@dataclass(frozen=True, slots=True)
class Batch:
    """What the server stores in one transaction: rounds opened, chips
    moved, rounds closed and rebuys (``(account_id, at)``), in that order."""

    opened: Sequence[RoundOpened] = ()
    movements: Sequence[Movement] = ()
    closed: Sequence[RoundClosed] = ()
    rebuys: Sequence[tuple[int, float]] = ()
    #: Rounds that never came to a deal (``(round_id, at)``): every stake
    #: came back, and they end 'refunded'.
    voided: Sequence[tuple[str, float]] = ()

    def __bool__(self) -> bool:
        """False for a batch with nothing in it."""
        return bool(
            self.opened or self.movements or self.closed or self.rebuys or self.voided
        )


@dataclass(frozen=True, slots=True)
class Refund:
    """Chips given back to ``account_id`` for a round that never finished."""

    round_id: str
    account_id: int
    amount: int


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """A finished (settled or refunded) round an account played in.

    ``movements`` are the account's ledger rows in the round, ``(amount,
    reason)`` in the order they were written; ``net`` is their sum (what
    the round won or lost it). ``record`` is the round record of a settled
    round, None for a refunded one.
    """

    round_id: str
    table_no: int
    round_no: int
    game: str
    status: str
    closed_at: float
    record: dict[str, Any] | None
    movements: list[tuple[int, str]]
    opened_at: float
    net: int


#: The name the contract first gave it.
HistoryRound = HistoryRow
