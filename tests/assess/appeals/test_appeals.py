"""Appeals: filed within the period by the candidate, rejected with a reason, or
re-deliberated into a sealed amendment PV; every step told to the candidate and kept."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.decisions.models import Appeal, BlockDecision, Minutes
from assess.results.models import BlockResult, TitleResult
from tests.factories import DEFAULT_PASSWORD

REASON = "Mon dossier <script>alert(1)</script> n'a pas été lu en entier par le jury."


def _file(client, enrolment, reason=REASON, files=None):
    data = {"reason": reason}
    if files:
        data["files"] = files
    return client.post(f"/resultats/{enrolment.id}/recours", data=data,
                       content_type="multipart/form-data")


def _appeal(db):
    db.session.expire_all()
    return db.session.scalar(select(Appeal))


def _bodies(outbox, to):
    return [m.get_body(("plain",)).get_content() for m in outbox if m["To"] == to]


def test_a_candidate_appeals_within_the_period_with_a_file(db, published, client, as_user,
                                                           mail_outbox, storage_files):
    from tests.conftest import MINIMAL_PDF

    d = published()
    candidate = d.w.candidates[0]
    as_user(candidate)
    page = client.get("/resultats").get_data(as_text=True)
    assert "former un recours" in page
    response = _file(client, d.disputed, files=[(io.BytesIO(MINIMAL_PDF), "piece.pdf")])
    assert response.status_code == 302
    appeal = _appeal(db)
    assert str(appeal.status) == "filed" and appeal.files[0].original_name == "piece.pdf"
    assert len(appeal.files[0].sha256) == 64
    page = client.get(f"/resultats/{d.disputed.id}/recours").get_data(as_text=True)
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert any("recours" in b and "enregistré" in b for b in _bodies(mail_outbox,
                                                                         candidate.email))
    assert db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "appeal.filed")) is not None


def test_an_appeal_twice_after_the_period_or_by_another_candidate_is_refused(
        db, published, client, as_user):
    d = published()
    as_user(d.w.candidates[0])
    assert _file(client, d.disputed).status_code == 302
    # Once filed, the page follows the appeal: a second one is not taken.
    again = _file(client, d.disputed).get_data(as_text=True)
    assert "Votre recours" in again and "Déposer le recours" not in again
    assert db.session.query(Appeal).count() == 1
    as_user(d.w.candidates[1])
    assert _file(client, d.disputed).status_code == 404  # someone else's result
    # After the period: the page says so and nothing is filed.
    title = db.session.scalar(select(TitleResult).where(
        TitleResult.enrolment_id == d.w.enrolments[1].id))
    title.published_at -= timedelta(days=31)
    db.session.commit()
    html = _file(client, d.w.enrolments[1]).get_data(as_text=True)
    assert "délai de recours" in html
    assert db.session.query(Appeal).count() == 1


def test_no_appeal_before_publication(db, deliberating, client, as_user):
    from assess.certification.models import Certification

    d = deliberating()
    db.session.merge(Certification(id=1, appeal_days=30))
    db.session.commit()
    as_user(d.w.candidates[0])
    html = _file(client, d.disputed).get_data(as_text=True)
    assert "Aucun résultat publié" in html
    assert db.session.query(Appeal).count() == 0


def test_an_appeal_rejected_with_a_reason_keeps_the_result(db, published, client, as_user,
                                                            mail_outbox):
    d = published()
    as_user(d.w.candidates[0])
    _file(client, d.disputed)
    appeal = _appeal(db)
    base = f"/sessions/{d.w.session.id}/recours/{appeal.id}"
    as_user(d.w.jurors[2])  # a member sees it but does not answer
    assert client.get(base).status_code == 200
    assert client.post(base + "/rejeter", data={"answer": "Sans fondement."}).status_code == 403
    as_user(d.w.centre_admin)
    assert client.post(base + "/examiner").status_code == 302
    assert "Entre 10" in client.post(base + "/rejeter", data={"answer": "non"}).get_data(
        as_text=True)
    assert client.post(base + "/rejeter", data={
        "answer": "Le dossier a été lu en entier : voir les grilles."}).status_code == 302
    appeal = _appeal(db)
    assert str(appeal.status) == "rejected" and appeal.closed_at is not None
    bodies = _bodies(mail_outbox, d.w.candidates[0].email)
    assert any("rejeté" in b and "voir les grilles" in b for b in bodies)
    assert any("en cours d'examen" in b for b in bodies)
    # A rejected appeal is never re-deliberated.
    html = client.post(base + "/redeliberer", data={
        "answer": "Finalement on rouvre le dossier."}, follow_redirects=True).get_data(
        as_text=True)
    assert "Action impossible" in html
    assert str(_appeal(db).status) == "rejected"


def test_an_appeal_re_deliberated_into_a_sealed_amendment(db, published, client, as_user,
                                                          mail_outbox):
    from assess.signing.pades import verify_pdf

    d = published()
    as_user(d.w.candidates[0])
    _file(client, d.disputed)
    appeal = _appeal(db)
    base = f"/sessions/{d.w.session.id}/recours/{appeal.id}"
    as_user(d.w.jurors[0])  # the president
    assert client.post(base + "/redeliberer", data={
        "answer": "Une pièce du dossier n'avait pas été transmise au jury."}).status_code == 302
    # The amendment waits for every bloc decided again.
    html = client.post(base + "/avenant", follow_redirects=True).get_data(as_text=True)
    assert "Décidez de nouveau chaque bloc" in html
    blocks = sorted(d.disputed.blocks, key=lambda b: b.number)
    for block in blocks:
        outcome = "not_validated" if block.number == 1 else "validated"
        prefix = f"b{block.id}-"
        data = {prefix + "outcome": outcome,
                prefix + "reason": "Après examen de la pièce transmise." if outcome ==
                "not_validated" else ""}
        if block.number == 2:
            data[prefix + "level_0"], data[prefix + "why_0"] = "acquis", "Vu la pièce."
        assert client.post(f"{base}/decisions/{block.id}", data=data).status_code == 302
    # Not in effect yet: the published result is unchanged until the amendment is sealed.
    result = db.session.scalar(select(BlockResult).where(
        BlockResult.enrolment_id == d.disputed.id, BlockResult.block_id == blocks[0].id))
    assert str(result.outcome) == "validated"
    assert client.post(base + "/avenant").status_code == 302
    amendment = db.session.scalar(select(Minutes).where(Minutes.number == 1))
    assert amendment.appeal_id == appeal.id
    for juror in d.w.jurors:
        as_user(juror)
        assert client.post(f"/sessions/{d.w.session.id}/pv/1/signer", data={
            "password": DEFAULT_PASSWORD,
            "content_sha256": amendment.content_sha256}).status_code == 302
    db.session.expire_all()
    amendment = db.session.scalar(select(Minutes).where(Minutes.number == 1))
    assert str(amendment.status) == "sealed" and verify_pdf(amendment.sealed_pdf).valid
    result = db.session.scalar(select(BlockResult).where(
        BlockResult.enrolment_id == d.disputed.id, BlockResult.block_id == blocks[0].id))
    assert str(result.outcome) == "not_validated"
    title = db.session.scalar(select(TitleResult).where(
        TitleResult.enrolment_id == d.disputed.id))
    assert str(title.outcome) == "not_awarded"
    # The original decisions stay on record, superseded; the original PV is untouched.
    rows = db.session.scalars(select(BlockDecision).where(
        BlockDecision.enrolment_id == d.disputed.id, BlockDecision.block_id == blocks[0].id)
        .order_by(BlockDecision.id)).all()
    assert [r.appeal_id is None for r in rows] == [True, False]
    assert rows[0].superseded_at is not None
    assert str(db.session.scalar(select(Minutes).where(Minutes.number == 0)).status) == "sealed"
    as_user(d.w.jurors[0])
    assert client.post(base + "/clore").status_code == 302
    assert str(_appeal(db).status) == "closed"
    bodies = _bodies(mail_outbox, d.w.candidates[0].email)
    assert any("Nouvelle décision" in b or "délibéré de nouveau" in b for b in bodies)


def test_the_appeal_pages_are_for_the_session_jury_and_admins(db, published, client,
                                                              as_user):
    from tests.factories import create_user

    d = published()
    as_user(d.w.candidates[0])
    _file(client, d.disputed)
    appeal = _appeal(db)
    url = f"/sessions/{d.w.session.id}/recours/{appeal.id}"
    for user, code in ((d.w.centre_admin, 200), (d.w.jurors[1], 200),
                       (create_user("juror"), 404), (d.w.other_centre_admin, 404),
                       (d.w.candidates[0], 403)):
        as_user(user)
        assert client.get(url).status_code == code, user.email


def test_script_in_an_answer_is_escaped_in_the_e_mail(db, published, client, as_user,
                                                      mail_outbox):
    d = published()
    as_user(d.w.candidates[0])
    _file(client, d.disputed)
    appeal = _appeal(db)
    as_user(d.w.centre_admin)
    client.post(f"/sessions/{d.w.session.id}/recours/{appeal.id}/rejeter",
                data={"answer": "Rejeté <script>alert('x')</script> après examen."})
    message = [m for m in mail_outbox if m["To"] == d.w.candidates[0].email
               and "Réponse" in m["Subject"]][-1]
    html = message.get_body(("html",)).get_content()
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "<script>alert('x')</script>" in message.get_body(("plain",)).get_content()


def test_no_new_decision_without_a_re_deliberation(db, published, client, as_user):
    d = published()
    as_user(d.w.candidates[0])
    _file(client, d.disputed)
    appeal = _appeal(db)
    block = sorted(d.disputed.blocks, key=lambda b: b.number)[0]
    as_user(d.w.jurors[0])
    before = db.session.query(BlockDecision).count()
    html = client.post(f"/sessions/{d.w.session.id}/recours/{appeal.id}/decisions/{block.id}",
                       data={f"b{block.id}-outcome": "not_validated",
                             f"b{block.id}-reason": "Sans nouvelle délibération."}
                       ).get_data(as_text=True)
    assert "nouvelle délibération" in html
    assert db.session.query(BlockDecision).count() == before
