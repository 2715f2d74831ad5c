"""A published session whose two candidates hold the title, their identities complete,
the certification's CPF settings filled in; and a report builder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.assess.appeals.conftest import published  # noqa: F401 (a fixture)
from tests.assess.deliberation.conftest import deliberating  # noqa: F401 (a fixture)

# The reference copy of the CDC's schema when present, else the one the app ships: parsed
# here on its own, not through the app's validation.
REFERENCE_XSD = Path("/work/shared/reference/cpf/certifications-cdc-1.1.2.xsd")
XSD = REFERENCE_XSD if REFERENCE_XSD.exists() else (
    Path(__file__).resolve().parents[3] / "assess/cpf/certifications-cdc-1.1.2.xsd")
NS = "urn:cdc:cpf:pc5:schema:1.0.0"

IDENTITIES = [
    {"birth_name": "Martin", "usage_name": "Durand", "first_name_1": "Camille",
     "first_name_2": "Marie", "birth_date": date(1994, 3, 14), "sex": "F",
     "birth_insee_code": "69123", "birth_commune": "Lyon", "birth_country_code": "100"},
    {"birth_name": "Nguyen", "usage_name": None, "first_name_1": "Léo",
     "birth_date": date(1990, 11, 2), "sex": "M", "birth_insee_code": None,
     "birth_postal_code": "75011", "birth_commune": "Paris", "birth_country_code": "100"},
]


@dataclass
class Holders:
    w: object
    enrolments: list
    candidates: list
    award_date: date


@pytest.fixture
def settings(db):
    from assess.certification.models import Certification

    def fill(**values):
        row = db.session.get(Certification, 1) or Certification(id=1)
        values = {"rncp_code": "RNCP35123", "cpf_id_client": "AB12CD34",
                  "cpf_id_contrat": "2560080000127J", "certifier_name": "Certificateur",
                  **values}
        for name, value in values.items():
            setattr(row, name, value)
        db.session.add(row)
        db.session.commit()
        return row

    return fill


@pytest.fixture
def holders(db, published, settings):  # noqa: F811
    """The published session's candidates, both awarded, identities filled in."""
    from assess.decisions.models import Deliberation
    from assess.results.models import TitleOutcome, TitleResult
    from tests.factories import candidate_of

    def make(**kwargs):
        d = published(**kwargs)
        w = d.w
        settings()
        candidates = [candidate_of(u) for u in w.candidates]
        for candidate, identity in zip(candidates, IDENTITIES, strict=False):
            for name, value in identity.items():
                setattr(candidate, name, value)
        db.session.commit()
        titles = {t.enrolment_id: t for t in db.session.query(TitleResult)}
        for e in w.enrolments:
            assert str(titles[e.id].outcome) == TitleOutcome.AWARDED
            assert titles[e.id].published_at is not None
        held_on = db.session.query(Deliberation).filter_by(session_id=w.session.id).one().held_on
        return Holders(w, list(w.enrolments), candidates, held_on)

    return make


@pytest.fixture
def awarded(db, world, settings):
    """The same holders without the whole jury's work (quicker): the session published,
    its deliberation held ``days_ago``, each title awarded and published, by rows."""
    from assess.core.columns import utcnow
    from assess.decisions.models import Deliberation
    from assess.results.models import TitleOutcome, TitleResult
    from tests.factories import candidate_of, move_to
    from workflows.deliberation import DeliberationStatus
    from workflows.session import SessionStatus

    def make(days_ago=0, candidates=2, **kwargs):
        w = world(candidates=candidates, jurors=0, **kwargs)
        move_to(w.session, SessionStatus.PUBLISHED)
        held_on = utcnow().date() - timedelta(days=days_ago)
        db.session.add(Deliberation(session_id=w.session.id, held_on=held_on,
                                    status=DeliberationStatus.CLOSED))
        for e in w.enrolments:
            db.session.add(TitleResult(enrolment_id=e.id, outcome=TitleOutcome.AWARDED,
                                       published_at=utcnow()))
        settings()
        candidates_ = [candidate_of(u) for u in w.candidates]
        for candidate, identity in zip(candidates_, IDENTITIES, strict=False):
            for name, value in identity.items():
                setattr(candidate, name, value)
        db.session.commit()
        return Holders(w, list(w.enrolments), candidates_, held_on)

    return make


@pytest.fixture
def xsd():
    """The CDC's schema, read from the reference copy (not the app's)."""
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(XSD)))


def report_xml(ok=(), ko=(), id_flux=None) -> bytes:
    """A processing report: ``ok`` idTechniques accepted, ``ko`` (idTechnique, message)
    rejected."""
    flux = f"<cpf:idFlux>{id_flux}</cpf:idFlux>" if id_flux else ""
    oks = "".join(f"<cpf:passage><cpf:idTechnique>{i}</cpf:idTechnique></cpf:passage>"
                  for i in ok)
    kos = "".join(f"<cpf:passage><cpf:idTechnique>{i}</cpf:idTechnique>"
                  f"<cpf:messageErreur>{m}</cpf:messageErreur></cpf:passage>" for i, m in ko)
    return (f'<?xml version="1.0" encoding="UTF-8"?><cpf:accuseTraitement xmlns:cpf="{NS}">'
            f"{flux}<cpf:PassagesOK>{oks}</cpf:PassagesOK><cpf:PassagesKO>{kos}"
            "</cpf:PassagesKO></cpf:accuseTraitement>").encode()
