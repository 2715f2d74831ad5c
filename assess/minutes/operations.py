"""The procès-verbal's state changes: draw, sign, seal. They flush, never commit.

Drawn once (its PDF bytes and SHA-256 stored), signed by each member of the session's
jury with their password re-entered (the signature is bound to that SHA-256), sealed
when the last has signed: the signature page is appended, the whole is PAdES-signed with
the platform's key, and the sealed bytes and their hash are stored. Nothing edits a PV
afterwards; a later change is an amendment (``number`` ≥ 1), drawn and signed the same way.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from workflows.base import Refused

from ..accounts.models import User
from ..accounts.passwords import verify_password
from ..audit.operations import record
from ..core.columns import utcnow
from ..decisions.models import Appeal, Minutes, MinutesSignature, MinutesStatus
from ..documents import operations as documents
from ..extensions import db
from ..notifications.operations import notify
from ..results import decided
from ..signing.pades import seal_pdf
from . import queries as q
from .document import merge_pdfs, render_minutes_pdf, render_signature_page

TO_SIGN_EVENT = "minutes_to_sign"
SEALED_EVENT = "minutes_sealed"


class SignatureRefused(Refused):
    """A signature the platform cannot record; the reason says why."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def draw(actor, session, *, appeal=None, amends: str | None = None) -> Minutes:
    """Draw the session's PV (or, for ``appeal``, its next amendment) for the members of
    the session's jury to sign, and tell each of them."""
    number = 0
    if appeal is not None:
        number = (db.session.scalar(select(func.max(Minutes.number)).where(
            Minutes.session_id == session.id)) or 0) + 1
    jury = q.session_jury(session)
    signers = [m.user for m in jury.members] if jury is not None else []
    if len(signers) < 1:
        raise SignatureRefused(_("La session n'a pas de jury : composez-le avant de dresser le "
                                 "procès-verbal."))
    with force_locale("fr"):  # a legal document, in French whatever the reader's language
        pdf = render_minutes_pdf(q.minutes_data(session, number=number, appeal=appeal,
                                                amends=amends))
    row = Minutes(session_id=session.id, number=number, content_pdf=pdf,
                  content_sha256=sha256(pdf), signers=[u.id for u in signers],
                  appeal_id=getattr(appeal, "id", None), created_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    record(actor, "minutes.drawn", row, new={"number": number, "sha256": row.content_sha256,
                                             "signers": row.signers},
           session_id=session.id)
    for user in signers:
        _tell_signer(user, session, row)
    return row


def _pv_link(session_id: int, number: int) -> str:
    # A literal path (minutes.show): drawn in a request or by a test's factory alike.
    return current_app.config["BASE_URL"].rstrip("/") + f"/sessions/{session_id}/pv/{number}"


def _tell_signer(user, session, minutes: Minutes) -> None:
    link = _pv_link(session.id, minutes.number)
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        what = (_("le procès-verbal de délibération") if minutes.number == 0
                else _("l'avenant n° %(n)d au procès-verbal", n=minutes.number))
        subject = _("À signer : %(what)s de la session « %(session)s »", what=what,
                    session=session.name)
        body = _(
            "Bonjour %(name)s,\n\n"
            "Le jury a délibéré : %(what)s de la session « %(session)s » attend votre "
            "signature.\nRelisez-le puis signez-le en saisissant votre mot de passe : "
            "%(link)s\n\nLes résultats ne peuvent être publiés qu'une fois le procès-verbal "
            "signé par tous les membres du jury.",
            name=user.full_name, what=what, session=session.name, link=link)
    notify(TO_SIGN_EVENT, user, f"minutes:{minutes.id}", subject, body, link=link)


def sign(actor, minutes: Minutes, password: str, content_sha256: str) -> MinutesSignature:
    """Record ``actor``'s signature of ``minutes`` as read (``content_sha256``: the hash
    shown on the page they signed from); seal the PV when they are the last."""
    if minutes.status != MinutesStatus.SIGNING:
        raise SignatureRefused(_("Ce procès-verbal est déjà scellé : il ne change plus."))
    if actor.id not in (minutes.signers or ()):
        raise SignatureRefused(_("Seuls les membres du jury de la session signent son "
                                 "procès-verbal."))
    if any(s.user_id == actor.id for s in minutes.signatures):
        raise SignatureRefused(_("Vous avez déjà signé ce procès-verbal."))
    if not verify_password(actor.password_hash, password or ""):
        raise SignatureRefused(_("Mot de passe incorrect : saisissez de nouveau votre mot de "
                                 "passe pour signer."))
    if content_sha256 != minutes.content_sha256:
        raise SignatureRefused(_("Le procès-verbal a changé depuis que vous l'avez ouvert : "
                                 "relisez-le avant de signer."))
    role = "president" if _is_president(actor, minutes) else "member"
    signature = MinutesSignature(minutes_id=minutes.id, user_id=actor.id, role=role,
                                 content_sha256=minutes.content_sha256, signed_at=utcnow())
    db.session.add(signature)
    db.session.flush()
    record(actor, "minutes.signed", minutes, new={"number": minutes.number, "role": role,
                                                  "sha256": minutes.content_sha256},
           session_id=minutes.session_id)
    db.session.refresh(minutes, ["signatures"])
    if {s.user_id for s in minutes.signatures} >= set(minutes.signers):
        seal(actor, minutes)
    return signature


def _is_president(actor, minutes: Minutes) -> bool:
    jury = q.session_jury(minutes.session)
    return jury is not None and any(m.user_id == actor.id and str(m.role) == "president"
                                    for m in jury.members)


def seal(actor, minutes: Minutes) -> None:
    """Append the signature page, sign the whole as a PDF, store it: the PV is final."""
    appeal = db.session.get(Appeal, minutes.appeal_id) if minutes.appeal_id else None
    with force_locale("fr"):
        data = q.minutes_data(minutes.session, number=minutes.number, appeal=appeal,
                              with_candidates=False)
        page = render_signature_page(data, minutes.content_sha256, q.signature_lines(minutes))
        title = (_("Procès-verbal de délibération") if minutes.number == 0
                 else _("Avenant n° %(n)d au procès-verbal de délibération", n=minutes.number))
        sealed = seal_pdf(merge_pdfs([minutes.content_pdf, page]),
                          reason=f"{title} — {minutes.session.name}",
                          location=data.place)
    minutes.sealed_pdf, minutes.sealed_sha256 = sealed, sha256(sealed)
    minutes.sealed_at, minutes.status = utcnow(), MinutesStatus.SEALED
    db.session.flush()
    record(actor, "minutes.sealed", minutes, new={"number": minutes.number,
                                                  "sha256": minutes.sealed_sha256},
           session_id=minutes.session_id)
    if appeal is not None:  # the re-deliberation's decisions take effect now
        decided.apply(minutes.session, appeal.enrolment)
        # What the new decisions no longer give is revoked; what they now give is issued.
        documents.after_redeliberation(actor, appeal.enrolment, minutes.id)
    for user_id in minutes.signers:
        user = db.session.get(User, user_id)
        link = _pv_link(minutes.session_id, minutes.number)
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            notify(SEALED_EVENT, user, f"minutes:{minutes.id}",
                   _("Procès-verbal scellé : session « %(session)s »",
                     session=minutes.session.name),
                   _("Bonjour %(name)s,\n\nTous les membres du jury ont signé ; le "
                     "procès-verbal est scellé et ne peut plus être modifié. Vous pouvez le "
                     "télécharger : %(link)s", name=user.full_name, link=link), link=link)
