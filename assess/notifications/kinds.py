"""The catalogue of notification events: which ones a user may choose not to receive by
e-mail, and which ones the notification centre shows.

The rule:
- An event with a *kind* is an optional e-mail: a user who opted out of that kind
  (``email_opt_outs``) still finds it in the notification centre, but gets no e-mail. The
  optional ones are the reminders, the batch e-mail of new work, the news of being added
  to a centre's pool of jurors (and the digests, with their first event).
- An event without a kind is always sent: convocations, results, appeals, security
  messages (invitation, password reset), hand-in receipts and checks, extensions of a
  deadline, reopened sheets, withdrawals for a conflict of interest. They say something
  the user must know or prove; nobody can turn them off.
- An event missing from the catalogue counts as always sent: forgetting to list a new
  event can never silence it.
- The security messages carry a one-time link (a token): they are e-mail only and never
  shown in the centre, so that a borrowed session cannot read a password-reset link.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..accounts.models import Role

REMINDERS = "reminders"
ASSIGNMENTS = "assignments"
POOL = "pool"


@dataclass(frozen=True)
class Kind:
    label: object  # lazy string
    hint: object
    roles: tuple[Role, ...]  # who receives e-mails of this kind: who is offered the choice


@dataclass(frozen=True)
class Event:
    label: object
    kind: str | None = None  # None: always sent
    in_centre: bool = True


# The optional kinds, in the order the preferences page shows them.
KINDS: dict[str, Kind] = {
    REMINDERS: Kind(_l("Rappels"),
                    _l("Les rappels avant une date limite : dépôts attendus, grilles "
                       "d'évaluation à soumettre."),
                    (Role.CANDIDATE, Role.JUROR)),
    ASSIGNMENTS: Kind(_l("Nouvelles copies à évaluer"),
                      _l("Un message par lot de copies qui vous sont confiées."),
                      (Role.JUROR,)),
    POOL: Kind(_l("Ajout aux membres du jury d'un centre"),
               _l("Quand un centre ou le certificateur vous ajoute à ses membres du jury."),
               (Role.JUROR,)),
}

EVENTS: dict[str, Event] = {
    # Optional
    "grading_reminder": Event(_l("Rappel : grilles à soumettre"), REMINDERS),
    "deliverable_reminder": Event(_l("Rappel : dépôt attendu"), REMINDERS),
    "submission.reminder": Event(_l("Rappel de dépôt"), REMINDERS),
    "assignments": Event(_l("Nouvelles copies à évaluer"), ASSIGNMENTS),
    "juror_pool": Event(_l("Ajout aux membres du jury"), POOL),
    # Always sent
    "convocation": Event(_l("Convocation")),
    "results_published": Event(_l("Résultats publiés")),
    "submission.receipt": Event(_l("Accusé de dépôt")),
    "submission.checked": Event(_l("Vérification d'un dépôt")),
    "submission.extension": Event(_l("Délai accordé")),
    "sheet_reopened": Event(_l("Grille rouverte")),
    "conflict.reassign": Event(_l("Conflit d'intérêts à traiter")),
    "conflict.withdrawn": Event(_l("Retrait pour conflit d'intérêts")),
    "minutes_to_sign": Event(_l("Procès-verbal à signer")),
    "minutes_sealed": Event(_l("Procès-verbal scellé")),
    "appeal": Event(_l("Recours")),
    "documents_available": Event(_l("Documents de certification disponibles")),
    # Security: always sent, e-mail only (they carry a one-time link)
    "invitation": Event(_l("Invitation"), in_centre=False),
    "password_reset": Event(_l("Réinitialisation du mot de passe"), in_centre=False),
}

HIDDEN_FROM_CENTRE = tuple(sorted(name for name, e in EVENTS.items() if not e.in_centre))


def kind_of(event: str) -> str | None:
    """The optional kind of ``event``, or None when it is always sent."""
    entry = EVENTS.get(event)
    return entry.kind if entry is not None else None


def kinds_for(role) -> list[str]:
    """The optional kinds a user of ``role`` is offered (and may turn off)."""
    return [name for name, k in KINDS.items() if role in k.roles]
