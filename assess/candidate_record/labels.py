"""Labels (Flask-Babel msgids) of the events a candidate's history shows."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

EVENTS = {
    "account.invited": _l("Compte créé, invitation envoyée"),
    "account.reinvited": _l("Invitation renvoyée"),
    "account.deactivated": _l("Compte désactivé"),
    "auth.login": _l("Connexion"),
    "auth.logout_everywhere": _l("Déconnexion de tous les appareils"),
    "candidate.created": _l("Candidat enregistré par le centre"),
    "candidate.linked": _l("Compte existant rattaché au centre"),
    "candidate.updated": _l("Identité corrigée"),
    "enrolment.created": _l("Inscription à la session"),
    "enrolment.updated": _l("Inscription modifiée"),
    "submission.uploaded": _l("Dépôt d'un fichier"),
    "file.downloaded": _l("Fichier téléchargé"),
    "assignment.created": _l("Évaluateur affecté"),
    "assignment.removed": _l("Affectation retirée"),
    "assignment.withdrawn": _l("Évaluateur retiré (conflit d'intérêts)"),
    "conflict.declared": _l("Lien avec un membre du jury déclaré"),
    "sheet.submitted": _l("Grille soumise"),
    "grade.changed": _l("Note modifiée"),
    "accommodation.requested": _l("Demande d'aménagement enregistrée"),
    "accommodation.decided": _l("Aménagement décidé"),
    "accommodation.document_opened": _l("Justificatif d'aménagement ouvert"),
    "attendance.recorded": _l("Absence ou désistement enregistré"),
    "attendance.cleared": _l("Absence ou désistement annulé"),
}
