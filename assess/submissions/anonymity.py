"""Anonymous grading: in a session that asks for it, jurors see a candidate number, never
the name (pages, file names, zip entries, PDF metadata they download), until an admin
reveals the identities at deliberation (audited). Flushes, never commits."""

from __future__ import annotations

import io
import secrets

from flask_babel import gettext as _
from sqlalchemy import select, update

from workflows.base import Refused
from workflows.session import DELIBERATION, PUBLISHED

from ..accounts.models import Role
from ..audit.operations import record
from ..candidates.models import Enrolment
from ..core.access import can_manage_centre
from ..core.columns import utcnow
from ..extensions import db

NUMBER_DIGITS = 6


class RevealRefused(Refused):
    pass


def hides_identity(session) -> bool:
    return bool(session.anonymous_grading) and session.identities_revealed_at is None


def hidden_from(viewer, session) -> bool:
    """Jurors see numbers while the session hides identities; admins always see names."""
    return getattr(viewer, "role", None) == Role.JUROR and hides_identity(session)


def number_label(enrolment) -> str:
    return _("Candidat n° %(n)s", n=enrolment.anonymous_number or "—")


def shown_name(viewer, enrolment) -> str:
    if hidden_from(viewer, enrolment.session):
        return number_label(enrolment)
    return enrolment.candidate.user.full_name


def ensure_numbers(session_id: int) -> int:
    """Give every enrolment of the session without a number a random one, unique in the
    session: two statements and one UPDATE per new number, however many there are."""
    rows = db.session.execute(select(Enrolment.id, Enrolment.anonymous_number)
                              .where(Enrolment.session_id == session_id)).all()
    taken = {n for _id, n in rows if n}
    missing = [i for i, n in rows if not n]
    rng = secrets.SystemRandom()
    numbers = []
    for enrolment_id in missing:
        while True:
            number = str(rng.randrange(10 ** (NUMBER_DIGITS - 1), 10 ** NUMBER_DIGITS))
            if number not in taken:
                taken.add(number)
                numbers.append({"eid": enrolment_id, "number": number})
                break
    if numbers:
        from sqlalchemy import bindparam

        db.session.execute(
            update(Enrolment.__table__).where(Enrolment.__table__.c.id == bindparam("eid"))
            .values(anonymous_number=bindparam("number")), numbers)
    return len(numbers)


def reveal_refusal(session) -> str | None:
    if not hides_identity(session):
        return _("Les identités ne sont pas masquées dans cette session.")
    if session.status not in (DELIBERATION, PUBLISHED):
        return _("Les identités se lèvent en délibération : passez d'abord la session en "
                 "délibération.")
    return None


def reveal_identities(actor, session) -> None:
    if not can_manage_centre(actor, session.centre_id):
        raise PermissionError("only the session's admins reveal identities")
    refusal = reveal_refusal(session)
    if refusal:
        raise RevealRefused(refusal)
    session.identities_revealed_at, session.identities_revealed_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "session.identities_revealed", session, session_id=session.id)


def anonymous_file_name(enrolment, deliverable: str, extension: str) -> str:
    return f"candidat-{enrolment.anonymous_number or 'x'}-{deliverable}{extension}"


def without_metadata(fh) -> bytes:
    """A PDF's bytes with its document information and XMP metadata removed (author,
    title, producer may name the candidate). Files up to the upload limit: in memory."""
    from pypdf import PdfReader, PdfWriter

    try:
        reader = PdfReader(fh, strict=False)
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        writer._root_object.pop("/Metadata", None)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except Exception:  # an unreadable PDF (the check refused it): sent as it is, named by number
        fh.seek(0)
        return fh.read()
