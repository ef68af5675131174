"""How both clients trust a ``wss://`` server, and say why they don't.

``client_tls(host, cafile)`` checks the server's certificate chain against
the system's trust store (or only the CA certificates in ``cafile``, for a
server whose certificate a private CA signed, or a self-signed one) and its
names against ``host``, by Twisted's ``optionsForClientTLS``. Each
connection needs its own: it keeps the TLS connection it made, so that once
the handshake fails, ``problem(reason)`` can say in a player's words what
was wrong with the certificate ("the server's certificate is for
evil.example, not localhost").

TLS needs pyOpenSSL and service_identity (``pip install 'blackjackd[tls]'``);
without them ``client_tls`` raises ``TrustError`` saying so, and this
module still imports.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from twisted.python.failure import Failure
from zope.interface import implementer

try:
    from OpenSSL import SSL
    from service_identity import CertificateError, VerificationError
    from twisted.internet.interfaces import IOpenSSLClientConnectionCreator
    from twisted.internet.ssl import (
        Certificate,
        optionsForClientTLS,
        platformTrust,
        trustRootFromCertificates,
    )
except ImportError:  # pragma: no cover - the tests run with TLS installed
    TLS_MISSING: str | None = (
        "wss:// needs TLS support, which is not installed: "
        "pip install 'blackjackd[tls]'"
    )
else:
    TLS_MISSING = None

#: What ``--cafile`` says, for both clients.
CAFILE_HELP = (
    "trust the CA certificates in this PEM file (a private CA, or the "
    "server's own self-signed certificate) instead of the system's"
)
_PEM_CERTIFICATE = re.compile(
    rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S
)


class TrustError(Exception):
    """TLS can't be set up: no TLS support installed, or an unreadable
    ``cafile``; the message says which, in plain words."""


def load_cafile(path: str) -> list[Any]:
    """The certificates of the PEM file at ``path`` (``Certificate``s);
    ``TrustError`` if there are none, or it can't be read."""
    if TLS_MISSING is not None:
        raise TrustError(TLS_MISSING)
    try:
        with open(path, "rb") as pem:
            data = pem.read()
    except OSError as failed:
        raise TrustError(f"cannot read --cafile {path}: {failed.strerror}") from None
    try:
        certificates = [
            Certificate.loadPEM(block) for block in _PEM_CERTIFICATE.findall(data)
        ]
    except SSL.Error:
        certificates = []
    if not certificates:
        raise TrustError(f"--cafile {path} holds no PEM certificate")
    return certificates


def client_tls(host: str, cafile: str | None = None) -> TLSCheck:
    """How to connect to ``host`` over TLS, trusting the system's CAs, or
    only those of ``cafile``; ``TrustError`` if TLS can't be set up."""
    if TLS_MISSING is not None:
        raise TrustError(TLS_MISSING)
    trusted = [] if cafile is None else load_cafile(cafile)
    root = platformTrust() if cafile is None else trustRootFromCertificates(trusted)
    return TLSCheck(host, root, trusted)


@implementer(IOpenSSLClientConnectionCreator)
class TLSCheck:
    """Twisted's own checks (``optionsForClientTLS``), keeping the TLS
    connection it makes so that a failed handshake can be explained. One
    connection each."""

    def __init__(self, host: str, root: Any, trusted: list[Any]) -> None:
        self.host = host
        self._options = optionsForClientTLS(host, trustRoot=root)
        # DER, as ``Certificate.dump`` gives it.
        self._trusted = [certificate.dump() for certificate in trusted]
        self._connection: SSL.Connection | None = None

    def clientConnectionForTLS(self, tlsProtocol: Any) -> SSL.Connection:
        connection = self._options.clientConnectionForTLS(tlsProtocol)
        self._connection = connection
        return connection

    def problem(self, reason: Failure) -> str | None:
        """What was wrong with the server's certificate, or with the TLS
        handshake, in a player's words, when that is why the connection
        was lost (``reason``); None when it is not."""
        wrong_name = reason.check(VerificationError, CertificateError) is not None
        if not wrong_name and not reason.check(SSL.Error):
            return None
        leaf = self._leaf()
        if not wrong_name and "certificate verify failed" not in str(reason.value):
            return f"the TLS handshake with the server failed: {_ssl_words(reason)}"
        if leaf is None:
            return "the server's certificate is not trusted"
        now = datetime.datetime.now(datetime.timezone.utc)
        ends, starts = leaf.not_valid_after_utc, leaf.not_valid_before_utc
        if ends < now:
            return f"the server's certificate expired on {ends:%Y-%m-%d}"
        if starts > now:
            return (
                f"the server's certificate is not valid until {starts:%Y-%m-%d} "
                "(is this computer's clock right?)"
            )
        self_signed = leaf.issuer == leaf.subject
        if wrong_name:
            names = ", ".join(_names(leaf)) or "no name"
            if self_signed and not self._trusts(leaf):
                return (
                    "the server's certificate is not trusted (self-signed) "
                    f"and is for {names}, not {self.host}"
                )
            return f"the server's certificate is for {names}, not {self.host}"
        return (
            "the server's certificate is not trusted: self-signed or unknown "
            "issuer (use --cafile to trust it)"
        )

    def _leaf(self) -> Any:
        # The chain the server sent, even when it was refused: only to say why.
        chain = (
            None if self._connection is None else self._connection.get_peer_cert_chain()
        )
        return chain[0].to_cryptography() if chain else None

    def _trusts(self, leaf: Any) -> bool:
        from cryptography.hazmat.primitives.serialization import Encoding

        return leaf.public_bytes(Encoding.DER) in self._trusted


def _names(leaf: Any) -> list[str]:
    """The names a certificate is for: its DNS names and IP addresses, else
    its common name."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    try:
        alternative = leaf.extensions.get_extension_for_class(
            x509.SubjectAlternativeName
        ).value
    except x509.ExtensionNotFound:
        alternative = None
    if alternative is not None:
        names = alternative.get_values_for_type(x509.DNSName)
        names += [str(ip) for ip in alternative.get_values_for_type(x509.IPAddress)]
        if names:
            return list(names)
    return [
        str(attribute.value)
        for attribute in leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    ]


def _ssl_words(reason: Failure) -> str:
    # pyOpenSSL's errors are lists of (library, function, reason) tuples.
    errors = getattr(reason.value, "args", [[]])
    details = errors[0] if errors else []
    words = [entry[-1] for entry in details if isinstance(entry, tuple) and entry[-1]]
    return "; ".join(words) or reason.getErrorMessage()
