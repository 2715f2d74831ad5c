from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import enum_column, utcnow
from ..extensions import db


class Role(enum.StrEnum):
    CERTIFIER_ADMIN = "certifier_admin"
    CENTRE_ADMIN = "centre_admin"
    JUROR = "juror"
    CANDIDATE = "candidate"


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "role != 'centre_admin' OR centre_id IS NOT NULL", name="centre_admin_has_centre"
        ),
        # Addresses are stored in lower case (accounts.operations.normalize_email), so that
        # a case-blind look-up is an equality on the unique index, never a table scan.
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    first_name: Mapped[str] = mapped_column(sa.String(120), default="")
    last_name: Mapped[str] = mapped_column(sa.String(120), default="")
    role = enum_column(Role, "role", nullable=False)
    # Set for centre admins (their centre) and candidates (the centre preparing them).
    centre_id: Mapped[int | None] = mapped_column(sa.ForeignKey("training_centres.id"))
    # None until the invited person sets a password.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Demo accounts are the only ones allowed the password "demo".
    is_demo: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    # Juror profile, used to check jury composition rules.
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    profession: Mapped[str | None] = mapped_column(sa.String(200))
    # A juror the certifier opened to every centre's sessions; otherwise a centre sees
    # only the jurors of its own pool (juries.models.juror_centres).
    open_to_all_centres: Mapped[bool] = mapped_column(default=False)
    # Jury composition rules (workflows.jury_rules): a professional of the targeted jobs
    # (the title's job sheets), and whether the juror works for the certifier (then not
    # external to it). The centres the juror is not external to: juries.models.
    is_professional: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    works_for_certifier: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Optional, declared by the juror; used only for the jury's parity report.
    gender = enum_column(Gender, "gender", nullable=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    centre = relationship("TrainingCentre", foreign_keys=[centre_id])

    # The login session this object was loaded for (set by the user loader or at login):
    # the cookie carries "<user id>:<session token>", and the server can end it.
    session_token = None  # str: not a column
    login_session_id = None  # int: not a column

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def full_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.email

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class ThrottleKind(enum.StrEnum):
    LOGIN = "login"  # a failed login
    RESET = "reset"  # a password-reset request


class LoginFailure(db.Model):
    """One throttled attempt (a failed login, or a password-reset request: ``kind``),
    counted per account and per address within a window to slow guessing down."""

    __tablename__ = "login_failures"
    __table_args__ = (
        sa.Index("ix_login_failures_kind_email_at", "kind", "email", "at"),
        sa.Index("ix_login_failures_kind_address_at", "kind", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind = enum_column(ThrottleKind, "throttle_kind", nullable=False, default=ThrottleKind.LOGIN)
    email: Mapped[str] = mapped_column(sa.String(254))
    address: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)


class LoginSession(db.Model):
    """One signed-in browser. The cookie holds its token (only a hash is stored here);
    ending the row ends that session at once, wherever the cookie was copied to."""

    __tablename__ = "login_sessions"
    __table_args__ = (sa.Index("ix_login_sessions_user_open", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    address: Mapped[str] = mapped_column(sa.String(64), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
