"""The candidate's relevé de résultats: after publication only, their own, with the
per-criterion detail when the certifier allows it."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.assess.deliberation.conftest import deliberating  # noqa: F401 (a fixture)
from tests.factories import jury_deliberates


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def _publish(db, d, client, as_user, details=False):
    from assess.certification.models import Certification

    db.session.merge(Certification(id=1, transcript_details=details, rncp_code="RNCP38000"))
    db.session.commit()
    jury_deliberates(d.w)
    as_user(d.w.centre_admin)
    assert client.post(f"/sessions/{d.w.session.id}/resultats/publier",
                       data={"confirmed": "1"}).status_code == 302


def test_no_transcript_before_publication_nor_of_someone_else(db, deliberating, client,  # noqa: F811
                                                              as_user):
    d = deliberating()
    url = f"/resultats/{d.disputed.id}/releve.pdf"
    assert as_user(d.w.candidates[0]).get(url).status_code == 404
    _publish(db, d, client, as_user)
    assert as_user(d.w.candidates[1]).get(url).status_code == 404
    assert as_user(d.w.centre_admin).get(url).status_code == 403
    assert as_user(d.w.candidates[0]).get(url).status_code == 200


def test_the_transcript_says_each_bloc_its_rule_and_the_title(db, deliberating, client,  # noqa: F811
                                                              as_user):
    d = deliberating()
    _publish(db, d, client, as_user)
    response = as_user(d.w.candidates[0]).get(f"/resultats/{d.disputed.id}/releve.pdf")
    assert response.mimetype == "application/pdf"
    text = _text(response.data)
    assert d.w.candidates[0].full_name in text and "RNCP38000" in text
    assert "tous les critères acquis" in text and "Titre délivré" in text
    assert "Vu." not in text and "Observation." not in text  # no detail by default
    page = client.get("/resultats").get_data(as_text=True)
    assert "tous les critères acquis" in page and "relevé de résultats" in page


def test_with_details_the_levels_and_observations_appear_escaped(db, deliberating, client,  # noqa: F811
                                                                 as_user):
    from sqlalchemy import update

    from assess.grading.models import CriterionMark

    d = deliberating()
    db.session.execute(update(CriterionMark).values(observation="<b>Très</b> bien"))
    db.session.commit()
    _publish(db, d, client, as_user, details=True)
    text = _text(as_user(d.w.candidates[0]).get(
        f"/resultats/{d.disputed.id}/releve.pdf").data)
    assert "CR2.2.1" in text and "<b>Très</b> bien" in text
