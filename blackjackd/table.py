"""What every kind of table is configured with."""

from __future__ import annotations

from dataclasses import dataclass

MIN_SEATS, MAX_SEATS = 1, 7


@dataclass(frozen=True)
class TableConfig:
    """The rules and timings every table has; a classic table plays
    exactly these."""

    seats: int = 5
    decks: int = 6
    hit_soft_17: bool = False
    turn_timeout: float = 30.0
    round_delay: float = 3.0
    #: Rounds in a row a player may let pass without a bet or a move
    #: before the table stands them up (0: never).
    idle_rounds: int = 3

    def __post_init__(self) -> None:
        if not MIN_SEATS <= self.seats <= MAX_SEATS:
            raise ValueError(f"seats must be {MIN_SEATS} to {MAX_SEATS}")
        if self.decks < 1:
            raise ValueError("decks must be at least 1")
        if not self.turn_timeout > 0:
            raise ValueError("turn_timeout must be more than 0 seconds")
        if not self.round_delay >= 0:
            raise ValueError("round_delay can't be negative")
        if self.idle_rounds < 0:
            raise ValueError("idle_rounds can't be negative")
