"""The worker side of convocations: make the PDF and the .ics of one version, keep them,
and queue the e-mail that carries them. Once per version, however often delivered."""

from __future__ import annotations

import io

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..core.columns import utcnow
from ..extensions import db
from ..notifications.operations import notify
from ..outbox.handlers import handler
from ..referential.labels import part_label
from ..storage import get_storage
from .documents import build_ics, render_pdf
from .models import Convocation
from .operations import SEND_TASK

EVENT = "convocation"


@handler(SEND_TASK)
def send_convocation(payload: dict) -> None:
    convocation = db.session.get(Convocation, payload["convocation_id"])
    if convocation is None or convocation.sent_at is not None:
        return  # sent already: a second delivery changes nothing
    newest = db.session.scalar(select(func.max(Convocation.version)).where(
        Convocation.enrolment_id == convocation.enrolment_id,
        Convocation.exam_part_id == convocation.exam_part_id))
    if newest != convocation.version:
        return  # replaced before it left: only the newest version is sent
    user = convocation.enrolment.candidate.user
    d = convocation.details
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        pdf, ics = render_pdf(convocation), build_ics(convocation)
        part = part_label(d["part"])
        subject = (_("Modification de votre convocation — bloc %(n)d, %(part)s", n=d["bloc"],
                     part=part) if convocation.is_change else
                   _("Votre convocation — bloc %(n)d, %(part)s", n=d["bloc"], part=part))
        body = _(
            "Bonjour %(name)s,\n\nVous trouverez ci-joint votre convocation à l'épreuve « "
            "%(part)s » du bloc %(n)d (%(session)s), et l'événement à ajouter à votre "
            "agenda.\n%(change)s\nVos convocations sont aussi sur votre espace candidat.\n\n"
            "Ce message est envoyé automatiquement, merci de ne pas y répondre.",
            name=user.full_name, part=part, n=d["bloc"], session=d["session"],
            change=_("Elle remplace la précédente : la date, l'heure ou le lieu a changé.\n")
            if convocation.is_change else "")
    storage = get_storage()
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    pdf_blob = storage.save_stream(io.BytesIO(pdf), max_bytes=limit)
    ics_blob = storage.save_stream(io.BytesIO(ics), max_bytes=limit)
    name = f"convocation-bloc{d['bloc']}-{d['part']}-v{convocation.version}"
    convocation.pdf_key, convocation.pdf_sha256 = pdf_blob.key, pdf_blob.sha256
    convocation.ics_key, convocation.sent_at = ics_blob.key, utcnow()
    notify(EVENT, user, str(convocation.id), subject, body, attachments=[
        {"filename": f"{name}.pdf", "mime": "application/pdf", "key": pdf_blob.key},
        {"filename": f"{name}.ics", "mime": "text/calendar", "key": ics_blob.key}],
        link="/candidat/")
