"""A helper for the delayed calls the tables and the protocol keep."""

from __future__ import annotations

from twisted.internet.interfaces import IDelayedCall


def cancel_call(call: IDelayedCall | None) -> None:
    """Cancel ``call`` if it is still pending; None, or a call that already
    ran or was cancelled, is left alone (cancelling those would raise)."""
    if call is not None and call.active():
        call.cancel()
