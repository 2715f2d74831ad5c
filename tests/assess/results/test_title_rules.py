"""The title proposal and the certification's settings: blocs acquired earlier count while
still valid on the award date (the day of the computation), and no title is awarded
after the RNCP expiry date, which the results pages explain.

(A bloc validated in an earlier published session counts, an unpublished one does not:
see test_results_compute.py.)"""

from __future__ import annotations

from datetime import date, timedelta

from assess.certification.models import Certification
from assess.core.columns import utcnow
from assess.results.models import BlockOutcome, BlockResult
from assess.sessions.models import SessionStatus
from rubrics.scoring import add_years
from tests.factories import assign, create_session, enrol, jury_deliberates, move_to

REFUSAL = "Le titre ne peut pas être délivré : la certification RNCP expire le"


def _settings(db, **values):
    row = db.session.get(Certification, 1) or Certification(id=1)
    for key, value in values.items():
        setattr(row, key, value)
    db.session.add(row)
    db.session.commit()


def _resit_world(db, world, submit_sheet):
    """One candidate re-sitting blocs 2 and 3 only, both acquired."""
    w = world(candidates=1, assign_all=False)
    blocks = w.session.referential_version.blocks
    w.enrolments[0].blocks = [blocks[1], blocks[2]]
    w.enrolments[0].full_title = False
    for exam in w.session.exams[1:]:
        submit_sheet(assign(w.jurors[0], w.enrolments[0], exam))
    return w


def _bloc_1_validated_earlier(db, w, published_on: date):
    """Bloc 1 validated in an earlier session whose results were published that day."""
    earlier = create_session(w.session.referential_version, w.centre, name="Session de 20XX")
    enrolment = enrol(earlier, w.candidates[0])
    db.session.add(BlockResult(enrolment_id=enrolment.id,
                               block_id=w.session.referential_version.blocks[0].id,
                               outcome=BlockOutcome.VALIDATED))
    move_to(earlier, SessionStatus.PUBLISHED)
    earlier.results_published_at = utcnow().replace(
        year=published_on.year, month=published_on.month, day=published_on.day)
    db.session.commit()


def _compute(client, as_user, w):
    as_user(w.centre_admin)
    assert client.post(f"/sessions/{w.session.id}/resultats/calculer").status_code == 302


def test_a_bloc_acquired_within_its_validity_counts_for_the_title(
        db, world, client, as_user, submit_sheet, results_of):
    _settings(db, bloc_validity_years=3)
    w = _resit_world(db, world, submit_sheet)
    today = utcnow().date()
    _bloc_1_validated_earlier(db, w, add_years(today, -3))  # the last day it counts

    _compute(client, as_user, w)

    blocks, title = results_of(w.enrolments[0])
    assert sorted(blocks) == [2, 3]
    assert title.outcome == "awarded"


def test_a_bloc_whose_validity_lapsed_no_longer_counts(db, world, client, as_user,
                                                       submit_sheet, results_of):
    _settings(db, bloc_validity_years=3)
    w = _resit_world(db, world, submit_sheet)
    _bloc_1_validated_earlier(db, w, add_years(utcnow().date(), -3) - timedelta(days=1))

    _compute(client, as_user, w)

    _, title = results_of(w.enrolments[0])
    assert title.outcome == "pending"  # bloc 1 must be sat again


def test_without_a_validity_period_an_old_bloc_still_counts(db, world, client, as_user,
                                                            submit_sheet, results_of):
    _settings(db, bloc_validity_years=None)
    w = _resit_world(db, world, submit_sheet)
    _bloc_1_validated_earlier(db, w, add_years(utcnow().date(), -12))

    _compute(client, as_user, w)

    _, title = results_of(w.enrolments[0])
    assert title.outcome == "awarded"


def test_no_title_is_awarded_after_the_rncp_expiry_and_the_page_says_why(
        db, world, client, as_user, grade_all, results_of):
    expiry = utcnow().date() - timedelta(days=1)
    _settings(db, expiry_date=expiry)
    w = world(candidates=2)
    grade_all(w)  # every bloc acquired: the title would be awarded

    _compute(client, as_user, w)

    blocks, title = results_of(w.enrolments[0])
    assert {r.outcome for r in blocks.values()} == {"validated"}  # blocs stay validated
    assert title.outcome == "not_awarded"
    for admin in (w.centre_admin, w.admin):
        html = as_user(admin).get(f"/sessions/{w.session.id}/resultats").get_data(as_text=True)
        assert REFUSAL in html
        assert "titre obtenu" not in html and "non obtenu" in html

    # The candidate learns nothing before publication, the reason with the results.
    page = as_user(w.candidates[0]).get("/resultats").get_data(as_text=True)
    assert "pas encore publiés" in page
    assert REFUSAL not in page and "non obtenu" not in page
    as_user(w.centre_admin)
    jury_deliberates(w)
    assert client.post(f"/sessions/{w.session.id}/resultats/publier",
                       data={"confirmed": "1"}).status_code == 302
    page = as_user(w.candidates[0]).get("/resultats").get_data(as_text=True)
    assert "non obtenu" in page and REFUSAL in page


def test_a_future_expiry_date_changes_nothing(db, world, client, as_user, grade_all,
                                              results_of):
    _settings(db, expiry_date=utcnow().date())  # the last day a title may be awarded
    w = world(candidates=1)
    grade_all(w)

    _compute(client, as_user, w)

    _, title = results_of(w.enrolments[0])
    assert title.outcome == "awarded"
    html = client.get(f"/sessions/{w.session.id}/resultats").get_data(as_text=True)
    assert REFUSAL not in html and "titre obtenu" in html


def test_the_page_warns_before_computing_once_the_certification_expired(db, world, client,
                                                                        as_user):
    _settings(db, expiry_date=date(2020, 1, 31))
    w = world(candidates=1)
    as_user(w.centre_admin)
    html = client.get(f"/sessions/{w.session.id}/resultats").get_data(as_text=True)
    assert f"{REFUSAL} 31 janvier 2020." in html


def test_a_jury_deliberating_after_the_expiry_awards_no_title(db, world, client, as_user,
                                                                grade_all, results_of):
    """The title is awarded on the day the jury deliberates: proposals computed before the
    RNCP expiry, decided after it, award nothing (and the candidate is told why)."""
    from sqlalchemy import select

    from assess.sessions.models import CertificationSession

    w = world(candidates=1)
    grade_all(w)
    _compute(client, as_user, w)
    assert results_of(w.enrolments[0])[1].outcome == "awarded"  # the proposal
    _settings(db, expiry_date=utcnow().date() - timedelta(days=1))  # expired since
    jury_deliberates(w)
    assert results_of(w.enrolments[0])[1].outcome == "not_awarded"
    as_user(w.centre_admin)
    client.post(f"/sessions/{w.session.id}/resultats/publier", data={"confirmed": "1"})
    db.session.expire_all()
    assert db.session.scalar(select(CertificationSession.status)) == SessionStatus.PUBLISHED
    page = as_user(w.candidates[0]).get("/resultats").get_data(as_text=True)
    assert "non obtenu" in page and REFUSAL in page


def test_a_resit_candidate_gets_the_title_from_the_jurys_decisions(
        db, world, client, as_user, submit_sheet, results_of):
    """Issue 10's last « done when »: bloc 1 validated in an earlier session, blocs 2 and
    3 decided validated now by the jury: the title is awarded, and the PV says so."""
    import io

    from pypdf import PdfReader
    from sqlalchemy import select

    from assess.decisions.models import Minutes

    w = _resit_world(db, world, submit_sheet)
    _bloc_1_validated_earlier(db, w, utcnow().date() - timedelta(days=200))
    _compute(client, as_user, w)
    jury_deliberates(w)
    _, title = results_of(w.enrolments[0])
    assert title.outcome == "awarded"
    pv = db.session.scalar(select(Minutes))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(
        io.BytesIO(pv.sealed_pdf)).pages).split())
    assert "Titre délivré" in text
