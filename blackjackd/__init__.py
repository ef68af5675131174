"""blackjackd: a multiplayer blackjack server for Twisted."""

__version__ = "0.1.0"

#: Bumped whenever a message changes meaning; sent to clients in ``id``.
PROTOCOL_VERSION = 1
