"""Database URLs: which database, of which dialect."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Dialect = Literal["sqlite", "postgresql"]

MEMORY = ":memory:"

_EXPECTED = (
    "expected sqlite:PATH (relative to the current directory), "
    "sqlite:///ABSOLUTE/PATH, sqlite::memory:, or postgresql://..."
)


@dataclass(frozen=True, slots=True)
class StoreURL:
    """A parsed database URL.

    ``target`` is, for SQLite, an absolute file path or ``:memory:``; for
    PostgreSQL, the URL itself (libpq reads it).
    """

    dialect: Dialect
    target: str

    def redacted(self) -> str:
        """The URL without its password, for logs and messages."""
        if self.dialect == "sqlite":
            return (
                "sqlite::memory:" if self.target == MEMORY else f"sqlite:{self.target}"
            )
        # postgresql://user:secret@host/db -> postgresql://user:***@host/db
        url = re.sub(r"^(\w+://[^/@:]*:)[^/@]*@", r"\1***@", self.target)
        return re.sub(r"([?&]password=)[^&]*", r"\1***", url)


def parse_url(url: str) -> StoreURL:
    """Parse a database URL; ``ValueError`` saying what is expected if it
    isn't one. A relative SQLite path is made absolute now, so that a
    daemon changing directory later still finds it."""
    if url.startswith(("postgresql://", "postgres://")):
        return StoreURL("postgresql", url)
    if not url.startswith("sqlite:"):
        raise ValueError(f"unknown database URL {url!r}: {_EXPECTED}")
    rest = url[len("sqlite:") :]
    if rest == MEMORY:
        return StoreURL("sqlite", MEMORY)
    if rest.startswith("//"):
        # sqlite:///abs/path: an empty host, then the absolute path.
        path = rest[2:]
        if not path.startswith("/") or path == "/":
            raise ValueError(f"database URL {url!r} has a host or no path: {_EXPECTED}")
        return StoreURL("sqlite", path)
    if not rest:
        raise ValueError(f"database URL {url!r} names no file: {_EXPECTED}")
    return StoreURL("sqlite", str(Path(rest).absolute()))
