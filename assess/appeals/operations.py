"""An appeal's state changes: filed by the candidate, reviewed, rejected or re-deliberated
(new decisions, an amendment PV drawn and sealed), closed. They flush, never commit; every
step is audited and told to the candidate; the original decisions stay on record."""

from __future__ import annotations

import magic
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from workflows.appeal import (
    APPEAL,
    AppealContext,
    AppealRefused,
    check_filing,
)
from workflows.appeal import (
    check_reason as check_answer,
)

from ..audit.operations import record
from ..core.columns import utcnow
from ..decisions.models import Appeal, BlockDecision, Minutes, MinutesStatus
from ..deliberation import operations as deliberation
from ..extensions import db
from ..minutes import operations as minutes
from ..notifications.operations import notify
from ..results import queries as results
from ..results.models import TitleResult
from ..storage import EmptyFile, TooLarge, get_storage
from ..submissions.models import StoredFile
from ..unit_of_work import on_rollback

FILE_TYPES = {"application/pdf", "image/jpeg", "image/png"}
MAX_FILES = 3
EVENT = "appeal"


def published_on(enrolment):
    """The day the enrolment's results were released to the candidate, or None."""
    title = db.session.scalar(select(TitleResult).where(TitleResult.enrolment_id == enrolment.id))
    return title.published_at.date() if title is not None and title.published_at else None


def appeal_of(enrolment) -> Appeal | None:
    return db.session.scalar(select(Appeal).where(Appeal.enrolment_id == enrolment.id))


def file_appeal(actor, enrolment, reason: str, files=()) -> Appeal:
    """The candidate appeals their published result, within the certifier's period."""
    if enrolment.candidate.user_id != actor.id:
        raise AppealRefused(_("Seul le candidat peut former un recours contre son résultat."))
    settings = results.certification()
    text = check_filing(published_on=published_on(enrolment), today=utcnow().date(),
                        period_days=settings.appeal_days if settings else None,
                        already=appeal_of(enrolment) is not None, reason=reason)
    files = [f for f in files if f and getattr(f, "filename", "")]
    if len(files) > MAX_FILES:
        raise AppealRefused(_("Joignez au plus %(n)d fichiers.", n=MAX_FILES))
    appeal = Appeal(enrolment_id=enrolment.id, reason=text, filed_by_id=actor.id)
    db.session.add(appeal)
    db.session.flush()
    for upload in files:
        appeal.files.append(_store(actor, upload))
    db.session.flush()
    record(actor, "appeal.filed", appeal, new={"enrolment_id": enrolment.id,
                                               "files": [f.sha256 for f in appeal.files]},
           reason=text, session_id=enrolment.session_id)
    _tell(appeal, _l("Votre recours est enregistré"),
          _l("Votre recours contre les résultats de la session « %(session)s » est "
            "enregistré. Le certificateur l'examine ; vous serez informé(e) de chaque étape.",
            session=enrolment.session.name))
    return appeal


def _store(actor, upload) -> StoredFile:
    head = upload.stream.read(2048)
    upload.stream.seek(0)
    mime = magic.from_buffer(head, mime=True) if head else ""
    if mime not in FILE_TYPES:
        raise AppealRefused(_("« %(name)s » n'est ni un PDF, ni un JPEG, ni un PNG.",
                              name=upload.filename))
    try:
        blob = get_storage().save_stream(upload.stream,
                                         max_bytes=current_app.config["MAX_UPLOAD_BYTES"])
    except (EmptyFile, TooLarge) as exc:
        raise AppealRefused(_("Le fichier est vide.") if isinstance(exc, EmptyFile) else
                            _("Le fichier dépasse %(mb)d Mo.", mb=exc.max_bytes // 2**20)
                            ) from exc
    on_rollback(lambda: _discard_unless_used(blob.key))
    row = StoredFile(submission_id=None, original_name=(upload.filename or "")[:255],
                     content_type=mime, size=blob.size, sha256=blob.sha256,
                     storage_key=blob.key, uploaded_by_id=actor.id, deliverable="appeal")
    db.session.add(row)
    return row


def _discard_unless_used(key: str) -> None:
    if db.session.scalar(select(StoredFile.id).where(StoredFile.storage_key == key)
                         .limit(1)) is None:
        get_storage().delete(key)


def _context(appeal: Appeal) -> AppealContext:
    sealed = db.session.scalar(select(Minutes.id).where(
        Minutes.appeal_id == appeal.id, Minutes.status == MinutesStatus.SEALED)) is not None
    return AppealContext(undecided=len(reopened_undecided(appeal)), amendment_sealed=sealed)


def reopened_undecided(appeal: Appeal) -> list[int]:
    """The blocs sat by the candidate with no decision recorded for this appeal yet."""
    enrolment = appeal.enrolment
    absent = results.absences(enrolment.session_id)
    decided = set(db.session.scalars(select(BlockDecision.block_id).where(
        BlockDecision.appeal_id == appeal.id, BlockDecision.superseded_at.is_(None))))
    return [b.id for b in enrolment.blocks
            if (enrolment.id, b.id) not in absent and b.id not in decided]


def _move(actor, appeal: Appeal, action: str, **changes) -> None:
    old = str(appeal.status)
    appeal.status = APPEAL.check(action, appeal.status, _context(appeal))
    for name, value in changes.items():
        setattr(appeal, name, value)
    db.session.flush()
    record(actor, f"appeal.{action}", appeal, old={"status": old},
           new={"status": str(appeal.status)}, reason=changes.get("answer"),
           session_id=appeal.enrolment.session_id)


def review(actor, appeal: Appeal) -> None:
    _move(actor, appeal, "review", reviewed_at=utcnow(), reviewed_by_id=actor.id)
    _tell(appeal, _l("Votre recours est en cours d'examen"),
          _l("Votre recours est en cours d'examen par le certificateur et le jury."))


def reject(actor, appeal: Appeal, answer: str) -> None:
    text = check_answer(answer)
    _move(actor, appeal, "reject", answer=text, answered_at=utcnow(),
          answered_by_id=actor.id, closed_at=utcnow())
    _tell(appeal, _l("Réponse à votre recours"),
          _l("Votre recours est rejeté ; votre résultat est maintenu. Motif :\n\n%(answer)s",
            answer=text))


def redeliberate(actor, appeal: Appeal, answer: str) -> None:
    """Reopen the candidate's decisions for the jury (the published result stays until
    the amendment PV is sealed)."""
    text = check_answer(answer)
    _move(actor, appeal, "redeliberate", answer=text, answered_at=utcnow(),
          answered_by_id=actor.id)
    _tell(appeal, _l("Votre recours donne lieu à une nouvelle délibération"),
          _l("Le jury délibère de nouveau sur votre résultat. Motif :\n\n%(answer)s\n\nVotre "
            "résultat publié reste valable jusqu'à la nouvelle décision.", answer=text))


def decide(actor, appeal: Appeal, block_id: int, *, outcome: str, reason: str | None,
           levels=None) -> BlockDecision:
    """A new decision on one of the candidate's blocs, in answer to ``appeal``."""
    if str(appeal.status) != "redeliberated" or \
            db.session.scalar(select(Minutes.id).where(Minutes.appeal_id == appeal.id)):
        raise AppealRefused(_("Une nouvelle décision ne s'enregistre qu'au cours d'une "
                              "nouvelle délibération, avant l'avenant au procès-verbal."))
    enrolment = appeal.enrolment
    return deliberation.decide(actor, enrolment.session, enrolment.id, block_id,
                               outcome=outcome, reason=reason, levels=levels, appeal=appeal)


def draw_amendment(actor, appeal: Appeal) -> Minutes:
    """Once every bloc is decided again: the amendment PV, for the members to sign."""
    if str(appeal.status) != "redeliberated":
        raise AppealRefused(_("Un avenant ne se dresse qu'après une nouvelle délibération."))
    if db.session.scalar(select(Minutes.id).where(Minutes.appeal_id == appeal.id)):
        raise AppealRefused(_("L'avenant de ce recours est déjà dressé."))
    if reopened_undecided(appeal):
        raise AppealRefused(_("Décidez de nouveau chaque bloc passé par le candidat avant de "
                              "dresser l'avenant."))
    enrolment = appeal.enrolment
    with force_locale("fr"):
        amends = _("Recours n° %(id)d de %(name)s, déposé le %(when)s. Motif de la nouvelle "
                   "délibération : %(answer)s", id=appeal.id,
                   name=enrolment.candidate.user.full_name,
                   when=appeal.filed_at.strftime("%d/%m/%Y"), answer=appeal.answer)
    row = minutes.draw(actor, enrolment.session, appeal=appeal, amends=amends)
    record(actor, "appeal.amendment_drawn", appeal, new={"minutes": row.number},
           session_id=enrolment.session_id)
    return row


def close(actor, appeal: Appeal) -> None:
    """Close after the amendment is sealed: the new decision is then the result."""
    _move(actor, appeal, "close", closed_at=utcnow())
    _tell(appeal, _l("Nouvelle décision du jury"),
          _l("Le jury a délibéré de nouveau ; l'avenant au procès-verbal est signé. Consultez "
            "votre résultat : il tient compte de la nouvelle décision."))


def _tell(appeal: Appeal, subject, body) -> None:
    """Each step, to the candidate, once (keyed by the appeal and its status)."""
    user = appeal.enrolment.candidate.user
    link = current_app.config["BASE_URL"].rstrip("/") + "/resultats"  # results.mine
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        # Lazy strings: rendered here, in the candidate's language.
        notify(EVENT, user, f"appeal:{appeal.id}:{appeal.status}", str(subject),
               _("Bonjour %(name)s,\n\n%(body)s\n\nSuivez votre recours : %(link)s",
                 name=user.full_name, body=str(body), link=link), link=link)
