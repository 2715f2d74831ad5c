"""Mail backends: file (the embedded default's mail sink), console, smtp, memory (tests)."""

from __future__ import annotations

import hashlib
import smtplib
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

# Messages "sent" by the memory backend, for tests.
outbox: list[EmailMessage] = []


DOMAIN = "assess.localhost"


def message_id_for(notification) -> str:
    """The same Message-ID however often the notification is sent: a mail server or a
    reader recognises a duplicate (and the file sink simply writes the same file)."""
    digest = hashlib.sha256(notification.key.encode()).hexdigest()[:16]
    return f"<n{notification.id}.{digest}@{DOMAIN}>"


def build_message(to: str, subject: str, body: str, message_id: str | None = None,
                  attachments: list[tuple[str, str, bytes]] = ()) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id or make_msgid(domain=DOMAIN)
    msg.set_content(body)
    for filename, mime, data in attachments:
        maintype, subtype = mime.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def send(to: str, subject: str, body: str, message_id: str | None = None,
         attachments: list[tuple[str, str, bytes]] = ()) -> None:
    """Send one message; ``attachments`` are (filename, MIME type, bytes)."""
    msg = build_message(to, subject, body, message_id, attachments)
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "memory":
        outbox.append(msg)
    elif backend == "console":
        sys.stdout.write(msg.as_string() + "\n")
        sys.stdout.flush()
    elif backend == "file":
        folder = Path(current_app.config["MAIL_SINK_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        name = msg["Message-ID"].strip("<>").replace("@", "_")
        tmp = folder / f".{name}.tmp"
        tmp.write_bytes(bytes(msg))
        tmp.rename(folder / f"{name}.eml")  # whole file or nothing
    elif backend == "smtp":
        _send_smtp(msg)
    else:
        raise ValueError(f"MAIL_BACKEND inconnu : {backend!r} (file, console, smtp)")


def _send_smtp(msg: EmailMessage) -> None:
    cfg = current_app.config
    cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    with cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(msg)
