"""Throwaway certificates and the real server behind TLS on loopback, for
the clients' certificate checks.

``Certificates`` makes, in a temporary directory: a CA, a certificate it
signs for ``localhost`` and 127.0.0.1, one it signs for ``evil.example``,
and a self-signed one for ``evil.example``. ``TLSLiveServer`` is
``blackjackd.testing.LiveServer`` listening with TLS, with one of them.
``TLS_MISSING`` says why these tests are skipped, when they are."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from twisted.protocols.policies import WrappingFactory
from twisted.protocols.tls import TLSMemoryBIOFactory

from blackjackd.testing import LiveServer
from blackjackd.testing.certificates import issue, pem
from blackjackd.trust import TLS_MISSING

if TLS_MISSING is None:
    from twisted.internet.ssl import PrivateCertificate

SKIP = None if TLS_MISSING is None else f"TLS is not installed ({TLS_MISSING})"


class Certificates:
    """A CA and the servers' certificates, as PEM files under ``directory``."""

    def __init__(self) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="blackjackd-tls-")
        self.directory = Path(self._directory.name)
        ca = issue("blackjackd test CA", authority=True)
        self.cafile = self._write("ca.pem", pem(ca[0]))
        self.localhost = pem(*issue("localhost", ("localhost", "127.0.0.1"), ca))
        self.evil_signed = pem(*issue("evil.example", ("evil.example",), ca))
        self.evil_self_signed = pem(*issue("evil.example", ("evil.example",)))

    def _write(self, name: str, pem: bytes) -> str:
        path = self.directory / name
        path.write_bytes(pem)
        return str(path)

    def close(self) -> None:
        """Delete the files."""
        self._directory.cleanup()


class TLSLiveServer(LiveServer):
    """The real server on loopback, over TLS with ``pem`` (a certificate
    and its key); ``url`` names it ``localhost``."""

    def __init__(self, pem: bytes, *args: Any, **kwargs: Any) -> None:
        self._tls = PrivateCertificate.loadPEM(pem).options()
        super().__init__(*args, **kwargs)

    def listen(self, number: int = 0) -> int:
        site = self._connections.wrappedFactory
        if not isinstance(site, TLSMemoryBIOFactory):
            # TLS inside the connection counter: autobahn wants to see the
            # TLS transport itself (for its channel id), not a wrapper.
            self._connections = WrappingFactory(
                TLSMemoryBIOFactory(self._tls, False, site)
            )
        return super().listen(number)

    @property
    def url(self) -> str:
        return f"wss://localhost:{self.port_number}/websocket"
