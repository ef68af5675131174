"""Throwaway certificates and the real server behind TLS on loopback, for
the clients' certificate checks.

``Certificates`` makes, in a temporary directory: a CA, a certificate it
signs for ``localhost`` and 127.0.0.1, one it signs for ``evil.example``,
and a self-signed one for ``evil.example``. ``TLSLiveServer`` is
``blackjackd.testing.LiveServer`` listening with TLS, with one of them.
``TLS_MISSING`` says why these tests are skipped, when they are."""

from __future__ import annotations

import datetime
import ipaddress
import tempfile
from pathlib import Path
from typing import Any

from twisted.protocols.policies import WrappingFactory
from twisted.protocols.tls import TLSMemoryBIOFactory

from blackjackd.testing import LiveServer
from blackjackd.trust import TLS_MISSING

if TLS_MISSING is None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from twisted.internet.ssl import PrivateCertificate

SKIP = None if TLS_MISSING is None else f"TLS is not installed ({TLS_MISSING})"


def _certificate(
    common_name: str,
    names: list[Any],
    issuer: tuple[Any, Any] | None = None,
    ca: bool = False,
) -> tuple[Any, Any]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    signer, signer_name = (
        (key, subject) if issuer is None else (issuer[1], issuer[0].subject)
    )
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(signer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(names), critical=False
        )
    return builder.sign(signer, hashes.SHA256()), key


def _pem(certificate: Any, key: Any = None) -> bytes:
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    if key is not None:
        pem += key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    return pem


class Certificates:
    """A CA and the servers' certificates, as PEM files under ``directory``."""

    def __init__(self) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="blackjackd-tls-")
        self.directory = Path(self._directory.name)
        ca = _certificate("blackjackd test CA", [], ca=True)
        self.cafile = self._write("ca.pem", _pem(ca[0]))
        local = _certificate(
            "localhost",
            [
                x509.DNSName("localhost"),
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            ],
            issuer=ca,
        )
        self.localhost = _pem(*local)
        self.evil_signed = _pem(
            *_certificate("evil.example", [x509.DNSName("evil.example")], issuer=ca)
        )
        self.evil_self_signed = _pem(
            *_certificate("evil.example", [x509.DNSName("evil.example")])
        )

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
