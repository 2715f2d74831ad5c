"""The smtp backend against a real SMTP server (aiosmtpd on a free loopback port): AUTH,
STARTTLS, implicit TLS, and a server that refuses: retries, a dead letter, then an admin's
retry once the server accepts — each message delivered exactly once."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import smtplib
import socket
from collections import Counter

import pytest
from sqlalchemy import select

from assess.notifications import mail
from assess.notifications.models import Notification, NotificationStatus
from assess.notifications.operations import notify
from assess.outbox import relay
from assess.outbox.handlers import PermanentError, TransientError
from assess.outbox.models import OutboxMessage
from assess.outbox.operations import retry_dead

# The real classes, taken before the suite's autouse fixture forbids them.
REAL_SMTP, REAL_SMTP_SSL = smtplib.SMTP, smtplib.SMTP_SSL
USER, PASSWORD = "assess", "s3cret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """aiosmtpd handler: keeps what it accepted; answers ``refuse`` while it is set."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: str | None = None
        self.logins: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        self.messages.append(email.message_from_bytes(envelope.original_content,
                                                      policy=email.policy.default))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
        if ok:
            self.logins.append(mechanism)
        return AuthResult(success=ok, handled=False)  # a refusal answers 535

    def ids(self) -> Counter:
        return Counter(m["Message-ID"] for m in self.messages)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, and its file (the client's MAIL_CA_FILE)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def server_context(certificate):
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def smtp_server(request, monkeypatch):
    """Start aiosmtpd: ``request.param`` is "plain", "starttls" or "ssl"."""
    from aiosmtpd.controller import Controller

    monkeypatch.setattr(smtplib, "SMTP", REAL_SMTP)  # loopback only, to our own server
    monkeypatch.setattr(smtplib, "SMTP_SSL", REAL_SMTP_SSL)
    mode = getattr(request, "param", "plain")
    recorder = Recorder()
    kwargs = {"authenticator": recorder.authenticate, "auth_require_tls": mode == "starttls"}
    if mode == "starttls":
        kwargs.update(tls_context=server_context(request.getfixturevalue("certificate")),
                      require_starttls=True)
    elif mode == "ssl":
        kwargs.update(ssl_context=server_context(request.getfixturevalue("certificate")))
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    recorder.port, recorder.mode = controller.port, mode
    yield recorder
    controller.stop()


@pytest.mark.parametrize("smtp_server", ["plain", "starttls", "ssl"], indirect=True)
def test_sends_with_auth_over_each_transport(app, smtp_server, certificate, monkeypatch):
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1",
                       "MAIL_PORT": smtp_server.port, "MAIL_USERNAME": USER,
                       "MAIL_PASSWORD": PASSWORD, "MAIL_TIMEOUT": 5,
                       "MAIL_USE_TLS": smtp_server.mode == "starttls",
                       "MAIL_USE_SSL": smtp_server.mode == "ssl",
                       "MAIL_CA_FILE": str(certificate[0])}.items():
        monkeypatch.setitem(app.config, key, value)
    mail.send("camille@example.test", "Résultats", "Bonjour,\n", message_id="<m1@assess.test>")
    assert [m["Message-ID"] for m in smtp_server.messages] == ["<m1@assess.test>"]
    received = smtp_server.messages[0]
    assert received["To"] == "camille@example.test" and received["Subject"] == "Résultats"
    assert len(smtp_server.logins) == 1


@pytest.mark.parametrize("smtp_server", ["starttls"], indirect=True)
def test_an_untrusted_certificate_is_refused(app, smtp_server, monkeypatch):
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1",
                       "MAIL_PORT": smtp_server.port, "MAIL_USE_TLS": True,
                       "MAIL_TIMEOUT": 5, "MAIL_CA_FILE": None}.items():
        monkeypatch.setitem(app.config, key, value)
    with pytest.raises(OSError, match="CERTIFICATE_VERIFY_FAILED"):  # ssl.SSLError
        mail.send("camille@example.test", "Sujet", "Corps")
    assert smtp_server.messages == []


def test_wrong_credentials_are_an_smtp_error(app, smtp_server, monkeypatch):
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1",
                       "MAIL_PORT": smtp_server.port, "MAIL_USERNAME": USER,
                       "MAIL_PASSWORD": "wrong", "MAIL_TIMEOUT": 5}.items():
        monkeypatch.setitem(app.config, key, value)
    with pytest.raises(smtplib.SMTPAuthenticationError):
        mail.send("camille@example.test", "Sujet", "Corps")
    assert smtp_server.messages == []


@pytest.mark.parametrize(("refusal", "attempts"), [("451 4.3.0 Try again later", 3),
                                                  ("550 5.7.1 Refused", 1)])
def test_refused_then_dead_then_retried_once_accepted(app, db, make_user, smtp_server,
                                                      monkeypatch, refusal, attempts):
    """A 4xx is retried until the budget is spent; a 5xx is a dead letter at once (the
    same message would meet the same refusal). Either way the admin retries it once the
    server accepts, and it goes out once."""
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1",
                       "MAIL_PORT": smtp_server.port, "MAIL_USERNAME": USER,
                       "MAIL_PASSWORD": PASSWORD, "MAIL_TIMEOUT": 5,
                       "OUTBOX_MAX_ATTEMPTS": 3}.items():
        monkeypatch.setitem(app.config, key, value)
    recipient = make_user("candidate", email="camille@example.test")
    other = make_user("candidate", email="dominique@example.test")
    smtp_server.refuse = refusal
    n = notify("results.published", recipient, "session:1", "Résultats", "Bonjour,\n")
    with pytest.raises((TransientError, PermanentError), match=refusal.split()[0]):
        relay.commit()  # retried at once in eager mode, all refused
    db.session.expire_all()
    dead = db.session.scalar(select(OutboxMessage))
    assert dead.attempts == attempts and dead.dead_at is not None
    assert refusal.split()[0] in dead.last_error
    assert db.session.get(Notification, n.id).status == NotificationStatus.FAILED
    assert smtp_server.messages == []

    smtp_server.refuse = None
    notify("results.published", other, "session:1", "Résultats", "Bonjour,\n")
    relay.commit()  # another e-mail goes out; the dead one stays put
    assert [m["To"] for m in smtp_server.messages] == ["dominique@example.test"]

    retry_dead(dead)
    relay.commit()
    retry_dead_again = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.dead_at.is_not(None)))
    assert retry_dead_again is None
    relay.publish([dead.id])  # a late duplicate publish sends nothing more
    db.session.expire_all()
    sent = db.session.get(Notification, n.id)
    assert sent.status == NotificationStatus.SENT
    assert sorted(m["To"] for m in smtp_server.messages) == ["camille@example.test",
                                                            "dominique@example.test"]
    assert set(smtp_server.ids().values()) == {1}  # each message exactly once
    assert smtp_server.ids()[mail.message_id_for(sent)] == 1
