"""Throwaway certificates for TLS tests: an authority of the test's own and
the certificates it signs (or self-signed ones), as PEM.

Needs ``cryptography`` (the ``tls`` extra brings it with pyOpenSSL)."""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def issue(
    common_name: str,
    names: tuple[str, ...] = (),
    issuer: tuple[Any, Any] | None = None,
    authority: bool = False,
) -> tuple[Any, Any]:
    """A certificate for ``names`` (host names or IP addresses), valid for a
    day, and its private key: signed by ``issuer`` (a certificate and its
    key), else self-signed; ``authority`` makes it a certificate authority."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

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
        .add_extension(
            x509.BasicConstraints(ca=authority, path_length=None), critical=True
        )
    )
    alternative: list[Any] = []
    for name in names:
        try:
            alternative.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alternative.append(x509.DNSName(name))
    if alternative:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(alternative), critical=False
        )
    return builder.sign(signer, hashes.SHA256()), key


def pem(certificate: Any, key: Any = None) -> bytes:
    """``certificate`` as PEM, followed by ``key``'s if given."""
    from cryptography.hazmat.primitives import serialization

    text: bytes = certificate.public_bytes(serialization.Encoding.PEM)
    return text if key is None else text + key_pem(key)


def key_pem(key: Any) -> bytes:
    """A private key as unencrypted PKCS#8 PEM."""
    from cryptography.hazmat.primitives import serialization

    text: bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return text


@dataclass(frozen=True)
class ServerCertificate:
    """Where a throwaway server certificate lies: the authority that signed
    it (to trust), the server's certificate and its private key."""

    authority: Path
    certificate: Path
    key: Path


def throwaway_certificate(
    directory: Path, names: tuple[str, ...] = ("localhost", "127.0.0.1")
) -> ServerCertificate:
    """A new authority and a server certificate for ``names``, written into
    ``directory``."""
    authority = issue("blackjackd test authority", authority=True)
    certificate, key = issue(names[0], names, issuer=authority)
    paths = ServerCertificate(
        directory / "authority.pem", directory / "cert.pem", directory / "key.pem"
    )
    paths.authority.write_bytes(pem(authority[0]))
    paths.certificate.write_bytes(pem(certificate))
    paths.key.write_bytes(key_pem(key))
    return paths
