"""One message: its subject, a short introduction and lines that each name a case by
board code with a link to its tile page; rendered as plain text and HTML.

Everything a message says is built here from what :mod:`webapp.notify.due` hands over,
which is only board codes, tokens, stages, dates and fixed wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from html import escape


@dataclass(frozen=True)
class Line:
    """One case in a message: ``what`` is fixed wording (never a note or a flag)."""

    code: str
    what: str
    link: str


@dataclass
class Message:
    key: str  # what the message is about; a key is sent once
    kind: str
    user: dict
    team: dict
    subject: str
    intro: str
    lines: list[Line] = field(default_factory=list)
    settings_url: str = ""

    @property
    def to(self) -> str:
        return self.user["email"]

    def text(self) -> str:
        out = [f"Hello {self.user['username']},", "", self.intro, ""]
        for line in self.lines:
            out.append(f"- {line.code}: {line.what}")
            out.append(f"  {line.link}")
        out += [
            "",
            "Each link opens the tile page after you log in.",
            f"Choose what you receive, or unsubscribe: {self.settings_url}",
        ]
        return "\n".join(out) + "\n"

    def html(self) -> str:
        items = "".join(
            f'<li><a href="{escape(line.link)}"><strong>{escape(line.code)}</strong></a>: '
            f"{escape(line.what)}</li>"
            for line in self.lines
        )
        return (
            '<!doctype html><html lang="en-GB"><body>'
            f"<p>Hello {escape(self.user['username'])},</p>"
            f"<p>{escape(self.intro)}</p>"
            f"{f'<ul>{items}</ul>' if items else ''}"
            "<p>Each link opens the tile page after you log in.</p>"
            f'<p><a href="{escape(self.settings_url)}">Choose what you receive, or '
            "unsubscribe</a></p></body></html>"
        )

    def listing(self) -> dict:
        """What ``caseboard notify --json`` prints for this message."""
        return {
            "key": self.key,
            "kind": self.kind,
            "to": self.to,
            "user": self.user["username"],
            "team": self.team["name"],
            "subject": self.subject,
            "codes": [line.code for line in self.lines],
            "links": [line.link for line in self.lines],
        }


def email_message(sender: str, to: str, subject: str, text: str, html: str) -> EmailMessage:
    """A multipart/alternative message: plain text first, then HTML."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = formataddr(("", to))
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="caseboard")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg
