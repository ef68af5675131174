"""``twistd blackjack``: command-line options and the service they build."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from twisted.application.internet import StreamServerEndpointService
from twisted.application.service import IService, MultiService, Service
from twisted.internet.endpoints import serverFromString
from twisted.python import usage

from blackjackd import __version__
from blackjackd.lobby import Lobby
from blackjackd.protocol import BlackjackServerFactory
from blackjackd.table import MAX_SEATS, MIN_SEATS, TableConfig
from blackjackd.web import build_site


def _int_between(low: int, high: int | None) -> Callable[[str], int]:
    def coerce(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            bounds = f"{low} to {high}" if high is not None else f"at least {low}"
            raise ValueError(f"{value} is out of range ({bounds})")
        return value

    coerce.coerceDoc = (  # type: ignore[attr-defined]
        f"A whole number from {low} to {high}."
        if high is not None
        else f"A whole number, at least {low}."
    )
    return coerce


def _seconds(minimum_exclusive: bool) -> Callable[[str], float]:
    def coerce(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number of seconds") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{text!r} is not a number of seconds")
        if minimum_exclusive and value <= 0:
            raise ValueError(f"{value:g} must be more than 0 seconds")
        if value < 0:
            raise ValueError(f"{value:g} can't be negative")
        return value

    coerce.coerceDoc = (  # type: ignore[attr-defined]
        "Seconds, more than 0; fractions allowed."
        if minimum_exclusive
        else "Seconds, 0 or more; fractions allowed."
    )
    return coerce


class Options(usage.Options):
    """Options of ``twistd blackjack``."""

    synopsis = "[options]"
    longdesc = (
        "Serve multiplayer blackjack over WebSocket: the game at /websocket, "
        "a JSON health check at /healthz, on one listening endpoint."
    )
    optParameters = [
        [
            "port",
            "p",
            "tcp:8888",
            "Listening endpoint, as a Twisted endpoint string "
            "(e.g. tcp:8888:interface=127.0.0.1, ssl:8443:privateKey=key.pem).",
        ],
        ["tables", None, 1, "Number of tables.", _int_between(1, 1000)],
        [
            "seats",
            None,
            5,
            "Seats at each table.",
            _int_between(MIN_SEATS, MAX_SEATS),
        ],
        ["decks", None, 6, "Decks in each table's shoe.", _int_between(1, 8)],
        [
            "turn-timeout",
            None,
            30.0,
            "Seconds a player has to hit or stand before being stood.",
            _seconds(minimum_exclusive=True),
        ],
        [
            "round-delay",
            None,
            3.0,
            "Seconds between a round's results and the next deal.",
            _seconds(minimum_exclusive=False),
        ],
    ]
    optFlags = [
        ["h17", None, "The dealer hits soft 17 (by default the dealer stands)."],
    ]

    def opt_version(self) -> None:
        """Print the version and exit."""
        print(f"blackjackd {__version__}")
        raise SystemExit(0)

    def postOptions(self) -> None:
        # Parse the endpoint now, so a typo is a usage error and not a
        # traceback at start-up. Parsing doesn't use the reactor, so none is
        # passed (twistd installs its reactor after reading options).
        try:
            serverFromString(None, self["port"])
        except (ValueError, TypeError, KeyError) as parse_error:
            raise usage.UsageError(
                f"--port: {self['port']!r} is not a server endpoint: {parse_error}"
            ) from None

    def table_config(self) -> TableConfig:
        """The table rules these options ask for."""
        return TableConfig(
            seats=self["seats"],
            decks=self["decks"],
            hit_soft_17=bool(self["h17"]),
            turn_timeout=self["turn-timeout"],
            round_delay=self["round-delay"],
        )


class LobbyService(Service):
    """Stops the tables' timers when the server stops."""

    def __init__(self, lobby: Lobby) -> None:
        self.lobby = lobby

    def stopService(self) -> None:
        super().stopService()
        self.lobby.close()


def makeService(config: Options) -> IService:
    """Wire the lobby, the WebSocket factory and the site to the endpoint."""
    from twisted.internet import reactor

    lobby = Lobby.build(
        tables=config["tables"],
        config=config.table_config(),
        clock=reactor,
        rng=secrets.SystemRandom(),
    )
    factory = BlackjackServerFactory(lobby, clock=reactor)
    service = MultiService()
    LobbyService(lobby).setServiceParent(service)
    StreamServerEndpointService(
        serverFromString(reactor, config["port"]), build_site(factory, reactor)
    ).setServiceParent(service)
    return service
