"""E-mails of hand-in, written with the change (outbox) and sent once each: the receipt of
every upload or URL, and the individual extension of a deadline."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..notifications.operations import notify
from .labels import human_size, when

RECEIPT_EVENT = "submission.receipt"
# The worker draws the PDF receipt attached to it (submissions.tasks.draw_receipt).
RECEIPT_RENDERER = "submissions.receipt_pdf"
EXTENSION_EVENT = "submission.extension"
CHECK_EVENT = "submission.checked"


def _locale(user) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def _link(endpoint: str, **values) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    # In the worker (the PDF check's outcome): no request, the path alone is wanted.
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)


def send_receipt(candidate_user, stored, exam, deliverable_name: str, uploaded_by) -> None:
    """The accusé de dépôt by e-mail: what, when, its fingerprint; once per file."""
    with force_locale(_locale(candidate_user)):
        subject = _("Accusé de dépôt : %(what)s", what=deliverable_name)
        body = _(
            "Bonjour %(name)s,\n\n"
            "Nous avons bien reçu votre dépôt pour le bloc %(bloc)s (« %(what)s »).\n\n"
            "Fichier : %(file)s\nTaille : %(size)s\nEmpreinte SHA-256 : %(sha)s\n"
            "Reçu le : %(when)s\nDéposé par : %(who)s\n%(late)s\n"
            "L'accusé de dépôt se télécharge ici : %(link)s\n\n"
            "Ce message est envoyé automatiquement, merci de ne pas y répondre.",
            name=candidate_user.full_name, bloc=exam.block.number, what=deliverable_name,
            file=stored.original_name, size=human_size(stored.size), sha=stored.sha256,
            when=when(stored.uploaded_at, seconds=True), who=uploaded_by.full_name,
            late=_("Ce dépôt est arrivé après la date limite : il est signalé en retard.\n")
            if stored.late else "",
            link=_link("submissions.receipt", file_id=stored.id))
    # The PDF receipt goes with it, drawn by the worker (submissions.tasks.draw_receipt).
    notify(RECEIPT_EVENT, candidate_user, f"file:{stored.id}", subject, body,
           attachments=[{"filename": _("accuse-de-depot-%(id)d.pdf", id=stored.id),
                         "mime": "application/pdf", "render": RECEIPT_RENDERER,
                         "file_id": stored.id}],
           link=_link("submissions.receipt", file_id=stored.id))


def send_link_receipt(candidate_user, link, exam, deliverable_name: str) -> None:
    with force_locale(_locale(candidate_user)):
        subject = _("Accusé de dépôt : %(what)s", what=deliverable_name)
        body = _(
            "Bonjour %(name)s,\n\n"
            "Nous avons bien enregistré l'adresse que vous avez donnée pour le bloc %(bloc)s "
            "(« %(what)s ») :\n%(url)s\nLe %(when)s.\n\n"
            "Ce message est envoyé automatiquement, merci de ne pas y répondre.",
            name=candidate_user.full_name, bloc=exam.block.number, what=deliverable_name,
            url=link.url, when=when(link.given_at, seconds=True))
    notify(RECEIPT_EVENT, candidate_user, f"link:{link.id}", subject, body,
           link=_link("submissions.home"))


def send_extension(candidate_user, extension, exam) -> None:
    """Each grant (or change) is its own message: keyed by the extension's new date."""
    with force_locale(_locale(candidate_user)):
        subject = _("Délai accordé pour le bloc %(bloc)s", bloc=exam.block.number)
        body = _(
            "Bonjour %(name)s,\n\n"
            "Votre centre de formation vous accorde un délai : vous pouvez déposer votre "
            "travail pour le bloc %(bloc)s jusqu'au %(until)s.\n\n"
            "Vos dépôts : %(link)s\n\n"
            "Ce message est envoyé automatiquement, merci de ne pas y répondre.",
            name=candidate_user.full_name, bloc=exam.block.number,
            until=when(extension.until), link=_link("submissions.home"))
    notify(EXTENSION_EVENT, candidate_user,
           f"extension:{extension.id}:{extension.until:%Y%m%d%H%M}", subject, body,
           link=_link("submissions.home"))


def check_outcome_text(stored) -> str:
    """What the check found, in the candidate's words."""
    if stored.check_status == "ok":
        return _("vérifié : PDF lisible, %(n)s page(s)", n=stored.page_count)
    return {
        "encrypted": _("refusé : le PDF est protégé par un mot de passe. Enregistrez-le sans "
                       "protection puis déposez-le de nouveau."),
        "too_heavy": _("refusé : le PDF est trop lourd à ouvrir (contenu démesuré). "
                       "Exportez-le de nouveau depuis votre logiciel puis déposez-le."),
    }.get(stored.check_detail, _("refusé : le PDF est illisible ou abîmé. Exportez-le de "
                                 "nouveau depuis votre logiciel puis déposez-le."))


def send_check_outcome(stored) -> None:
    user = stored.submission.enrolment.candidate.user
    exam = stored.submission.exam
    with force_locale(_locale(user)):
        subject = (_("Votre dépôt est vérifié") if stored.check_status == "ok"
                   else _("Votre dépôt est refusé par la vérification"))
        body = _(
            "Bonjour %(name)s,\n\n"
            "Le fichier « %(file)s » déposé pour le bloc %(bloc)s est %(outcome)s\n\n"
            "Vos dépôts : %(link)s\n\n"
            "Ce message est envoyé automatiquement, merci de ne pas y répondre.",
            name=user.full_name, file=stored.original_name, bloc=exam.block.number,
            outcome=check_outcome_text(stored), link=_link("submissions.home"))
    notify(CHECK_EVENT, user, f"file:{stored.id}", subject, body, link=_link("submissions.home"))
