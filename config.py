"""Configuration classes, read from the environment.

The defaults need no server: SQLite under ``instance/``, a filesystem broker,
files on local disk and e-mails written to a local mail sink. Setting
``DATABASE_URL``, ``REDIS_URL`` or ``STORAGE_URL`` switches to the distributed
setup without touching the code.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value is not None else default


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Production-shaped defaults; every value can be overridden by the environment."""

    INSTANCE_PATH = Path(_env("ASSESS_INSTANCE_PATH", str(ROOT / "instance")))

    SECRET_KEY = _env("SECRET_KEY")
    TIMEZONE = _env("TIMEZONE", "Europe/Paris")
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = ("fr", "en")

    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_PATH / 'assess.sqlite'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Broker: Redis when REDIS_URL is set, else kombu's filesystem transport
    # (see README: it needs no server and its queue survives a restart).
    REDIS_URL = _env("REDIS_URL")
    BROKER_DIR = Path(_env("ASSESS_BROKER_DIR", str(INSTANCE_PATH / "broker")))

    STORAGE_URL = _env("STORAGE_URL", f"file://{INSTANCE_PATH / 'files'}")
    # For STORAGE_URL=s3://bucket/prefix: the endpoint of an S3-compatible service (MinIO;
    # unset for AWS) and the credentials (unset: boto3's own chain, e.g. an instance role).
    S3_ENDPOINT_URL = _env("S3_ENDPOINT_URL")
    AWS_ACCESS_KEY_ID = _env("AWS_ACCESS_KEY_ID")
    AWS_SECRET_ACCESS_KEY = _env("AWS_SECRET_ACCESS_KEY")
    AWS_DEFAULT_REGION = _env("AWS_DEFAULT_REGION", "eu-west-3")
    MAX_UPLOAD_BYTES = _env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
    # The request may carry a little more than the file itself (form fields).
    MAX_CONTENT_LENGTH = MAX_UPLOAD_BYTES + 64 * 1024
    # The file types a session may accept for a deliverable (each told by its bytes).
    UPLOAD_FILE_TYPES = tuple(t.strip() for t in os.environ.get(
        "UPLOAD_FILE_TYPES", "pdf,pptx,odp").split(",") if t.strip())
    # Every handed-in PDF is checked by the worker with pypdf, in a child process held to
    # this memory (MB) and CPU time (s): a decompression bomb stops there.
    PDF_CHECK = _env_bool("PDF_CHECK", True)
    PDF_CHECK_MEMORY_MB = _env_int("PDF_CHECK_MEMORY_MB", 512)
    PDF_CHECK_SECONDS = _env_int("PDF_CHECK_SECONDS", 20)

    MAIL_BACKEND = _env("MAIL_BACKEND", "file")  # file | console | smtp
    MAIL_SINK_DIR = Path(_env("MAIL_SINK_DIR", str(INSTANCE_PATH / "mail")))
    MAIL_SERVER = _env("MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    # Certificates the SMTP server's is checked against (unset: the system's store), e.g.
    # the internal CA of a company relay.
    MAIL_CA_FILE = _env("MAIL_CA_FILE")
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 30)
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "assess <no-reply@assess.localhost>")
    # Links in e-mails are built from this, since a worker has no request.
    BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
    # The key and certificate that seal the PVs (PEM files). Unset: a self-signed pair is
    # generated at first use in the instance folder (assess/signing/keys.py).
    PDF_SIGNING_KEY = _env("PDF_SIGNING_KEY", None)
    PDF_SIGNING_CERT = _env("PDF_SIGNING_CERT", None)
    PDF_SIGNING_KEY_PASSWORD = _env("PDF_SIGNING_KEY_PASSWORD", None)
    PDF_SIGNING_NAME = _env("PDF_SIGNING_NAME", "assess — plateforme de certification")

    INVITATION_MAX_AGE = _env_int("INVITATION_MAX_AGE", 7 * 24 * 3600)
    PASSWORD_RESET_MAX_AGE = _env_int("PASSWORD_RESET_MAX_AGE", 2 * 3600)
    LOGIN_MAX_FAILURES_PER_ACCOUNT = _env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
    LOGIN_MAX_FAILURES_PER_ADDRESS = _env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
    LOGIN_THROTTLE_WINDOW = _env_int("LOGIN_THROTTLE_WINDOW", 15 * 60)
    # Reset e-mails per account per throttle window (more are dropped silently).
    PASSWORD_RESET_MAX_PER_ACCOUNT = _env_int("PASSWORD_RESET_MAX_PER_ACCOUNT", 3)

    # Number of trusted reverse proxies in front of the app (X-Forwarded-For/-Proto/-Host).
    # 0 = none: the client address is the socket's, so throttling counts real visitors.
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Secure cookies (sent over HTTPS only) whenever the platform is served over HTTPS.
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", BASE_URL.startswith("https://"))
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Larger request headers (cookies grown out of hand) get the app's 431 page; `assess
    # serve` lets waitress read up to 1 MiB so that the app is the one to answer.
    MAX_REQUEST_HEADER_BYTES = _env_int("MAX_REQUEST_HEADER_BYTES", 64 * 1024)
    WTF_CSRF_TIME_LIMIT = None  # tied to the session, so a long grading form does not expire

    # Outbox rows not done after this many seconds are republished by the sweep.
    OUTBOX_SWEEP_AFTER = _env_int("OUTBOX_SWEEP_AFTER", 60)
    OUTBOX_SWEEP_INTERVAL = _env_int("OUTBOX_SWEEP_INTERVAL", 30)
    # A row still not done after this many deliveries is a dead letter (``dead_at``): left
    # alone by the sweep until an admin retries it from /admin/messages.
    OUTBOX_MAX_ATTEMPTS = _env_int("OUTBOX_MAX_ATTEMPTS", 8)
    # Celery's retries of a transient failure (SMTP, database): exponential backoff from
    # this many seconds, doubled each time up to OUTBOX_RETRY_BACKOFF_MAX, with jitter.
    OUTBOX_RETRY_BACKOFF = _env_int("OUTBOX_RETRY_BACKOFF", 10)
    OUTBOX_RETRY_BACKOFF_MAX = _env_int("OUTBOX_RETRY_BACKOFF_MAX", 600)
    # Redis hands an unacknowledged task (acks_late) to another worker after this many
    # seconds: longer than the longest task and the longest retry countdown, else a task
    # still running would run twice at once.
    BROKER_VISIBILITY_TIMEOUT = _env_int("BROKER_VISIBILITY_TIMEOUT", 2 * 3600)
    # Seconds a running delivery holds its row: a long task renews it as it reports
    # progress (its heartbeat); a worker that died is taken over once it lapses.
    OUTBOX_RUNNING_LEASE = _env_int("OUTBOX_RUNNING_LEASE", 60)
    # Seconds after which a notification claimed by a delivery nobody can see any more
    # (not an earlier attempt of its own outbox row) is sent again.
    NOTIFICATION_CLAIM_LEASE = _env_int("NOTIFICATION_CLAIM_LEASE", 10 * 60)
    # Candidates computed per batch: progress (and the heartbeat) is committed after each.
    RESULTS_COMPUTE_BATCH = _env_int("RESULTS_COMPUTE_BATCH", 50)
    # Jurors with sheets not submitted are reminded once this many hours before an
    # épreuve's grading deadline (assess.allocation.tasks).
    GRADING_REMINDER_HOURS = _env_int("GRADING_REMINDER_HOURS", 48)
    # Days before a hand-in deadline when candidates who handed in nothing are reminded.
    DELIVERABLE_REMINDER_DAYS = tuple(
        int(d) for d in (_env("DELIVERABLE_REMINDER_DAYS", "7,1") or "").split(",") if d.strip())
    # In tests, tasks may run in-process; never in production.
    CELERY_TASK_ALWAYS_EAGER = _env_bool("CELERY_TASK_ALWAYS_EAGER", False)

    DEMO_ALLOWED = _env_bool("ASSESS_DEMO_ALLOWED", True)

    # The largest CDC processing report imported (assess/cpf): refused above, unread.
    CPF_REPORT_MAX_BYTES = _env_int("CPF_REPORT_MAX_BYTES", 10 * 1024 * 1024)

    # Publishing a candidate's results issues their attestations and certificate (worker).
    DOCUMENTS_ON_PUBLICATION = _env_bool("DOCUMENTS_ON_PUBLICATION", True)

    # Flask-Limiter's counters: shared by every web process through Redis when there is one.
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", REDIS_URL or "memory://")
    # Requests a minute from one address to the public verification page (/verify/<code>).
    VERIFY_RATE_LIMIT = _env("VERIFY_RATE_LIMIT", "60 per minute")


class TestConfig(Config):
    """For tests and benchmarks: see ``under``."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False  # tests that check CSRF turn it back on
    MAIL_BACKEND = "memory"
    CELERY_TASK_ALWAYS_EAGER = True
    # Eager tasks would run the child process on every test upload (most test PDFs are a
    # few bytes, not real documents): the check's own tests turn it on.
    PDF_CHECK = False
    # Drawing and sealing documents takes ~0.6 s each: only the tests about documents (and
    # the whole story) issue them when they publish.
    DOCUMENTS_ON_PUBLICATION = False

    @classmethod
    def under(cls, directory: Path, **overrides) -> dict:
        """This configuration with every file (database, broker, mail, blobs) in ``directory``."""
        instance = Path(directory) / "instance"
        config = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        config.update(
            INSTANCE_PATH=instance,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(directory) / 'assess.sqlite'}",
            BROKER_DIR=instance / "broker",
            MAIL_SINK_DIR=instance / "mail",
            STORAGE_URL=f"file://{instance / 'files'}",
            REDIS_URL=None,
            RATELIMIT_STORAGE_URI="memory://",
        )
        config.update(overrides)
        return config
