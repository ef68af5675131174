"""What the store raises: every refusal and failure is a ``StoreError``."""

from __future__ import annotations


class StoreError(Exception):
    """Something the store could not do; its transaction was rolled back."""


class NameTaken(StoreError):
    """An account with the same name key already exists."""

    def __init__(self, name_key: str) -> None:
        super().__init__(f"the name {name_key!r} is taken")
        self.name_key = name_key


class UnknownAccount(StoreError, LookupError):
    """No account has this id."""

    def __init__(self, account_id: int) -> None:
        super().__init__(f"there is no account {account_id}")
        self.account_id = account_id


class BatchRejected(StoreError):
    """A batch names an account or a round that isn't there (or a round
    that is closed already); nothing of it was stored."""


class ConstraintViolated(StoreError):
    """The database refused a row (a missing reference, a duplicate key)."""


class StoreUnavailable(StoreError):
    """The database could not be used: unreachable, locked, out of space."""


class StoreClosed(StoreError):
    """The ``Database`` was closed; it takes no more work."""


class SchemaTooNew(StoreError):
    """The database was made by a newer blackjackd than this one."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(found, known)
        self.found = found
        self.known = known

    def __str__(self) -> str:
        return (
            f"the database is at schema version {self.found}, but this "
            f"blackjackd only knows versions up to {self.known}: it was "
            "written by a newer blackjackd. Upgrade blackjackd to the version "
            "that wrote it (or newer), or point it at another database; the "
            "database was left as it was."
        )


class SchemaDamaged(StoreError):
    """The database has blackjackd's tables but no readable schema version,
    or tables of its own that blackjackd would overwrite."""
