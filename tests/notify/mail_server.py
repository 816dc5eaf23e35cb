"""A real SMTP server for the tests: aiosmtpd on a free local port, with AUTH LOGIN/PLAIN
(one user) and, when given a certificate, STARTTLS. It keeps every message it accepts."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "caseboard", "mail-s3cret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
