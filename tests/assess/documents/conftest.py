"""Published results and their documents: the appeals' ``published`` world (two
candidates, every bloc validated but candidate 1's bloc 2 disputed), with the
certification's settings (RNCP code, certifier, a five-year validity)."""

from __future__ import annotations

import pytest

from tests.assess.appeals.conftest import published  # noqa: F401 (a fixture)
from tests.assess.deliberation.conftest import deliberating  # noqa: F401 (a fixture)


@pytest.fixture(autouse=True)
def documents_on_publication(app):
    """Publishing issues the documents here (the other tests skip their drawing)."""
    app.config["DOCUMENTS_ON_PUBLICATION"] = True


@pytest.fixture
def issued(db, published, settings):  # noqa: F811
    """issued(validity_years=5) -> the appeals' published world (every bloc validated,
    both titles awarded), its documents issued by the worker at publication."""

    def make(validity_years=5, **kwargs):
        settings(validity_years)
        return published(**kwargs)

    return make


@pytest.fixture
def documents_of(db):
    """documents_of(enrolment) -> its IssuedDocuments, certificate first then by bloc."""
    from assess.documents import queries

    def read(enrolment):
        db.session.expire_all()
        return queries.documents_of(enrolment.id)

    return read


@pytest.fixture
def settings(db):
    """settings(validity_years=5): the certification's settings, as the certifier set them."""
    from assess.certification.models import Certification

    def make(validity_years=5):
        db.session.merge(Certification(id=1, rncp_code="RNCP12345", appeal_days=30,
                                       certifier_name="Certificateur Exemple",
                                       bloc_validity_years=validity_years))
        db.session.commit()

    return make


@pytest.fixture
def decided(db, world, submit_sheet, client, as_user, settings):
    """decided(failed_bloc=3, validity_years=5) -> World, deliberated and its PV sealed,
    not published: candidate 1 graded « non acquis » on ``failed_bloc`` (the jury decides
    as the rule proposes: not validated, so no title), candidate 2 « acquis » everywhere."""
    from assess.outbox import relay
    from tests.factories import deliberate, valid_jury
    from workflows.session import SessionStatus

    def make(failed_bloc=3, validity_years=5, candidates=2):
        settings(validity_years)
        w = world(status=SessionStatus.DELIBERATION, candidates=candidates, jurors=3)
        valid_jury(w.session, w.jurors)
        for a in w.assignments:
            failed = a.enrolment_id == w.enrolments[0].id and a.exam.block.number == failed_bloc
            submit_sheet(a, "non_acquis" if failed else "acquis")
        as_user(w.centre_admin)
        assert client.post(f"/sessions/{w.session.id}/resultats/calculer").status_code == 302
        deliberate(w.session, w.centre_admin)
        relay.commit()
        return w

    return make


@pytest.fixture
def publish(db, client, as_user):
    """publish(world) through the results page, as the centre's admin (all at once)."""

    def post(w):
        as_user(w.centre_admin)
        response = client.post(f"/sessions/{w.session.id}/resultats/publier",
                               data={"confirmed": "1"})
        assert response.status_code == 302
        db.session.expire_all()

    return post
