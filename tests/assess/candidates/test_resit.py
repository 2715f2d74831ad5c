"""A re-sit: blocs validated in an earlier published session show as acquired (which
session, which date) and cannot be enrolled again, by the form or by an import."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from assess.candidates.models import Enrolment
from assess.certification.models import Certification
from assess.core.columns import utcnow
from assess.results.models import BlockOutcome, BlockResult, TitleOutcome, TitleResult
from assess.sessions.models import SessionStatus
from tests.factories import create_session, move_to


@pytest.fixture
def resit(db, world, referential_version):
    """A candidate who validated bloc 1 in a published session; a new open session."""
    w = world(candidates=1, jurors=0)
    enrolment = w.enrolments[0]
    published = utcnow() - timedelta(days=30)
    for block in referential_version.blocks:
        db.session.add(BlockResult(enrolment_id=enrolment.id, block_id=block.id,
                                   outcome=BlockOutcome.VALIDATED if block.number == 1
                                   else BlockOutcome.NOT_VALIDATED))
    db.session.add(TitleResult(enrolment_id=enrolment.id, outcome=TitleOutcome.NOT_AWARDED,
                               published_at=published))
    move_to(w.session, SessionStatus.PUBLISHED)
    new = create_session(referential_version, w.centre, status=SessionStatus.ENROLMENT)
    db.session.commit()
    return w, new


def test_an_acquired_bloc_cannot_be_enrolled_again(db, resit, as_user, referential_version):
    w, new = resit
    from tests.factories import candidate_of

    candidate = candidate_of(w.candidates[0])
    b1, b2, b3 = referential_version.blocks
    client = as_user(w.centre_admin)
    response = client.post(f"/sessions/{new.id}/enrol", data={
        "who": "existing", "candidate_id": str(candidate.id), "scope": "full"})
    page = response.get_data(as_text=True)
    assert "déjà acquis le bloc 1" in page and w.session.name in page
    assert db.session.scalar(select(Enrolment).where(Enrolment.session_id == new.id)) is None
    response = client.post(f"/sessions/{new.id}/enrol", data={
        "who": "existing", "candidate_id": str(candidate.id), "scope": "partial",
        "blocks": [str(b2.id), str(b3.id)]})
    assert response.status_code == 302
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.session_id == new.id))
    page = client.get(f"/sessions/{new.id}/candidats/{enrolment.id}").get_data(as_text=True)
    assert f"bloc 1 ({w.session.name}," in page  # shown as acquired on the record


def test_an_import_enrols_a_re_sit_in_the_other_blocs_only(db, resit, as_user):
    w, new = resit
    email = w.candidates[0].email
    header = "email;nom_naissance;prenom1;blocs\n"
    client = as_user(w.centre_admin)

    def preview(blocs):
        data = (header + f"{email};Nom;Prénom;{blocs}\n").encode()
        response = client.post(f"/sessions/{new.id}/import", data={
            "file": (io.BytesIO(data), "c.csv")}, content_type="multipart/form-data")
        from tests.assess.candidates.test_import import preview_of

        return preview_of(db, response)

    named = preview("1,2")
    assert named.preview["counts"]["refused"] == 1
    assert "déjà acquis" in named.preview["rows"][0]["errors"][0][1]
    full = preview("")
    assert full.preview["counts"]["created"] == 1
    assert "re-passage" in full.preview["rows"][0]["warnings"][-1]
    client.post(f"/sessions/{new.id}/import/{full.id}/confirmer", data={"mode": "all"})
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.session_id == new.id))
    assert [b.number for b in enrolment.blocks] == [2, 3] and not enrolment.full_title


def test_an_expired_bloc_is_no_longer_acquired(db, resit):
    from assess.candidates.acquired import acquired_blocs

    w, _new = resit
    uid = w.candidates[0].id
    assert set(acquired_blocs([uid])[uid]) == {1}
    db.session.merge(Certification(id=1, bloc_validity_years=1))
    db.session.commit()
    assert set(acquired_blocs([uid], today=utcnow().date() + timedelta(days=330))[uid]) == {1}
    assert acquired_blocs([uid], today=utcnow().date() + timedelta(days=340)) == {}
