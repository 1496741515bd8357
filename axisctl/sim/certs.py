"""A self-signed certificate for simulated devices served over HTTPS."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from axisctl.transport.tls import certificate_fingerprint


@dataclass(frozen=True)
class SelfSignedCertificate:
    certificate_pem: bytes
    key_pem: bytes
    der: bytes

    @property
    def sha256(self) -> str:
        """Fingerprint to pin, as lower-case hex."""
        return certificate_fingerprint(self.der)

    def write_pem(self, directory: Path) -> tuple[Path, Path]:
        cert_path = directory / "sim-cert.pem"
        key_path = directory / "sim-key.pem"
        cert_path.write_bytes(self.certificate_pem)
        key_path.write_bytes(self.key_pem)
        key_path.chmod(0o600)
        return cert_path, key_path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        with tempfile.TemporaryDirectory() as folder:
            cert_path, key_path = self.write_pem(Path(folder))
            context.load_cert_chain(cert_path, key_path)
        return context


def generate(
    common_name: str, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
) -> SelfSignedCertificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "axisctl simulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    alt_names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt_names.append(x509.DNSName(host))
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        # CA:TRUE so that the same file works as the --ca-bundle of a client.
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                key_encipherment=False,
                content_commitment=False,
                data_encipherment=False,
                key_agreement=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return SelfSignedCertificate(
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        der=certificate.public_bytes(serialization.Encoding.DER),
    )
