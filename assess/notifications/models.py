from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.columns import enum_column, utcnow
from ..extensions import db


class NotificationStatus(enum.StrEnum):
    PENDING = "pending"
    # Claimed by a delivery that has not yet been told by the mail server that it took
    # the message: the record says so, rather than claiming it was sent.
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # Kept for the notification centre only: the recipient turned this kind of e-mail off.
    OPTED_OUT = "opted_out"


class Notification(db.Model):
    """An e-mail; its key (event, recipient, object) makes it go out once."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_has_time"),
        sa.CheckConstraint("status != 'sending' OR claimed_at IS NOT NULL",
                           name="sending_has_claim"),
        sa.Index("ix_notifications_unread", "recipient_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    event: Mapped[str] = mapped_column(sa.String(80))
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recipient_email: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    # Files sent with it, kept in the storage: [{"filename", "mime", "key"}].
    attachments: Mapped[list | None] = mapped_column(sa.JSON)
    status = enum_column(NotificationStatus, "notification_status", nullable=False,
                         default=NotificationStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    # When the current delivery claimed it (SENDING), and which outbox attempt did; kept
    # once sent.
    claimed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    claim_attempt: Mapped[int | None]
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # The in-app notification centre: when the recipient read it there, and the page it
    # is about (a path on this platform).
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    link: Mapped[str | None] = mapped_column(sa.String(500))


# The optional e-mails a user chose not to receive, by kind (``notifications.kinds``):
# convocations, results, appeals and security messages have no kind and always go out.
email_opt_outs = sa.Table(
    "email_opt_outs",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("kind", sa.String(40), primary_key=True),
)
