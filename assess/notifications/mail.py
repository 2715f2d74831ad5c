"""Mail backends: file (the embedded default's mail sink), console, smtp, memory (tests)."""

from __future__ import annotations

import hashlib
import re
import smtplib
import ssl
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

# Messages "sent" by the memory backend, for tests.
outbox: list[EmailMessage] = []


DOMAIN = "assess.localhost"


def message_id_for(notification) -> str:
    """The same Message-ID however often the notification is sent: a mail server or a
    reader recognises a duplicate (and the file sink simply writes the same file)."""
    digest = hashlib.sha256(notification.key.encode()).hexdigest()[:16]
    return f"<n{notification.id}.{digest}@{DOMAIN}>"


URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)»]")


def paragraphs(body: str) -> list[list[list[tuple[str, str]]]]:
    """The plain text as paragraphs of lines of ("text" | "link", value) parts: what the
    HTML part shows (escaped by the template), the same words as the text part."""
    found = []
    for block in re.split(r"\n\s*\n", body.strip()):
        lines = []
        for line in block.splitlines():
            parts, at = [], 0
            for match in URL.finditer(line):
                if match.start() > at:
                    parts.append(("text", line[at:match.start()]))
                parts.append(("link", match.group(0)))
                at = match.end()
            if at < len(line):
                parts.append(("text", line[at:]))
            lines.append(parts)
        found.append(lines)
    return found


def html_part(subject: str, body: str, lang: str | None = None) -> str:
    lang = lang or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(lang):
        return render_template("email/message.html", lang=lang, subject=subject,
                               paragraphs=paragraphs(body), platform=_("assess"),
                               footer=_("Message envoyé par la plateforme de certification. "
                                        "Ne répondez pas à ce message : écrivez à votre "
                                        "centre ou au certificateur."))


def build_message(to: str, subject: str, body: str, message_id: str | None = None,
                  attachments: list[tuple[str, str, bytes]] = (),
                  lang: str | None = None) -> EmailMessage:
    """A plain-text part and its HTML alternative (the same words), then attachments."""
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id or make_msgid(domain=DOMAIN)
    msg.set_content(body)
    msg.add_alternative(html_part(subject, body, lang), subtype="html")
    for filename, mime, data in attachments:
        maintype, subtype = mime.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def send(to: str, subject: str, body: str, message_id: str | None = None,
         attachments: list[tuple[str, str, bytes]] = (), lang: str | None = None) -> None:
    """Send one message; ``attachments`` are (filename, MIME type, bytes); ``lang`` the
    recipient's language (the HTML part's)."""
    msg = build_message(to, subject, body, message_id, attachments, lang)
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
    """One connection per message: implicit TLS (MAIL_USE_SSL, port 465) or STARTTLS
    (MAIL_USE_TLS, port 587), the server's certificate checked (against MAIL_CA_FILE when
    set), then AUTH when MAIL_USERNAME is set. A refusal raises an SMTPException, a
    server out of reach an OSError: the outbox retries both."""
    cfg = current_app.config
    host, port, timeout = cfg["MAIL_SERVER"], cfg["MAIL_PORT"], cfg.get("MAIL_TIMEOUT", 30)
    context = None
    if cfg["MAIL_USE_SSL"] or cfg["MAIL_USE_TLS"]:
        context = ssl.create_default_context(cafile=cfg.get("MAIL_CA_FILE"))
    if cfg["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if cfg["MAIL_USE_TLS"] and not cfg["MAIL_USE_SSL"]:
            smtp.starttls(context=context)
            smtp.ehlo()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(msg)
