"""The certification's settings: read them, change them (audited, version-checked)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date

from flask_babel import gettext as _

from workflows.base import Refused

from ..audit.operations import record
from ..extensions import db
from ..unit_of_work import Conflict
from .models import Certification
from .permissions import can_edit_certification

RNCP_CODE = re.compile(r"^RNCP\d+$")
CPF_ID_CLIENT = re.compile(r"^[A-Za-z0-9]{8}$")


class CertificationError(Refused):
    """A refused change of the settings; the message is meant for the user."""


@dataclass(frozen=True)
class Settings:
    rncp_code: str | None
    expiry_date: date | None
    bloc_validity_years: int | None
    certifier_name: str | None
    cpf_id_client: str | None
    cpf_id_contrat: str | None
    appeal_days: int | None = None
    transcript_details: bool = False


def current() -> Certification:
    """The settings row (an empty one until the certifier fills it)."""
    return db.session.get(Certification, 1) or Certification(id=1)


def update(actor, values: Settings, expected_version: int | None) -> Certification:
    """Store new settings; every change is audited with its old and new values. Raises
    ``Conflict`` if they changed since the form was loaded."""
    if not can_edit_certification(actor):
        raise CertificationError(_("Seul un administrateur certificateur peut modifier la "
                                   "certification."))
    _check(values)
    row = current()
    if expected_version is not None and row.version is not None and \
            row.version != expected_version:
        raise Conflict(row)
    old = {k: _plain(getattr(row, k)) for k in asdict(values)}
    for key, value in asdict(values).items():
        setattr(row, key, value)
    new = {k: _plain(v) for k, v in asdict(values).items()}
    if new != old:
        db.session.add(row)
        db.session.flush()
        record(actor, "certification.updated", row,
               old={k: v for k, v in old.items() if new[k] != v},
               new={k: v for k, v in new.items() if old[k] != v})
    return row


def _check(values: Settings) -> None:
    if values.rncp_code and not RNCP_CODE.match(values.rncp_code):
        raise CertificationError(_("Le code RNCP s'écrit « RNCP » suivi de chiffres, par "
                                   "exemple RNCP35123."))
    if values.cpf_id_client and not CPF_ID_CLIENT.match(values.cpf_id_client):
        raise CertificationError(_("L'identifiant client CPF (idClient) compte exactement 8 "
                                   "lettres ou chiffres, comme le donne la Caisse des Dépôts."))


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value
