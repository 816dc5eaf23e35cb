"""A real SMTP server for the tests: aiosmtpd on a free local port, with AUTH LOGIN/PLAIN
(one user) and, when given a certificate, STARTTLS. It keeps every message it accepts."""

from __future__ import annotations

import ipaddress
import ssl
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.helpers.web import free_port

USER, PASSWORD = "caseboard", "mail-s3cret"


class Inbox:
    """aiosmtpd handler: each accepted message, parsed, with its envelope recipients."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.rcpts: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.rcpts.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def bodies(self) -> list[str]:
        """Every text and HTML part of every message."""
        return [
            part.get_content()
            for m in self.messages
            for part in m.walk()
            if part.get_content_type() in ("text/plain", "text/html")
        ]


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode(),
        auth_data.password.decode(),
    ) == (USER, PASSWORD)
    return AuthResult(success=ok, handled=False)


def start(tls_context=None) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=_authenticator,
        auth_require_tls=tls_context is not None,
        tls_context=tls_context,
        require_starttls=tls_context is not None,
    )
    controller.start()
    return controller, inbox


def self_signed_tls(folder) -> tuple[ssl.SSLContext, str]:
    """A server TLS context with a fresh self-signed certificate for 127.0.0.1, and the
    certificate's path (for a client to trust through ``SSL_CERT_FILE``)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = Path(folder) / "smtp-cert.pem", Path(folder) / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context, str(cert_path)
