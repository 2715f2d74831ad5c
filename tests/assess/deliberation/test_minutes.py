"""The procès-verbal: drawn at closing, signed by each member with their password, sealed
(PAdES) when the last signs, never edited; publication waits for it."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.decisions.models import Minutes, MinutesSignature
from assess.outbox import relay
from assess.signing.pades import verify_pdf
from tests.factories import DEFAULT_PASSWORD, deliberate


@pytest.fixture
def closed(db, deliberating):
    """A deliberation closed (every bloc decided), its PV drawn and not signed yet."""

    def make(**kwargs):
        d = deliberating(**kwargs)
        deliberate(d.w.session, d.w.centre_admin, sign=False)
        relay.commit()  # and hand the messages to the worker, as a request would
        return d

    return make


def _pv_url(d, tail=""):
    return f"/sessions/{d.w.session.id}/pv/0{tail}"


def _sign(client, d, password=DEFAULT_PASSWORD, sha=None):
    pv = Minutes.query.filter_by(session_id=d.w.session.id, number=0).one()
    return client.post(_pv_url(d, "/signer"), data={
        "password": password, "content_sha256": sha or pv.content_sha256})


def _text(pdf: bytes) -> str:
    """The PDF's words, spaces normalised (table cells wrap their lines)."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def test_closing_draws_the_pv_with_the_jury_and_the_decisions(db, closed, mail_outbox):
    d = closed()
    pv = db.session.scalar(select(Minutes))
    text = _text(pv.content_pdf)
    for juror in d.w.jurors:
        assert juror.full_name in text
    assert d.w.candidates[0].full_name in text and "CR2.2.1" in text
    assert "Le jury retient la première lecture." in text
    assert sorted(pv.signers) == sorted(j.id for j in d.w.jurors)
    # Each member is told the PV awaits their signature.
    subjects = [m["Subject"] for m in mail_outbox]
    assert sum("À signer" in s for s in subjects) == 3


def test_signing_needs_the_password_and_membership_once(db, closed, client, as_user):
    d = closed()
    president, member, outsider = d.w.jurors[0], d.w.jurors[1], d.w.centre_admin
    as_user(member)
    assert "Mot de passe incorrect" in _sign(client, d, "wrong").get_data(as_text=True)
    assert db.session.query(MinutesSignature).count() == 0
    assert _sign(client, d).status_code == 302
    assert "déjà signé" in _sign(client, d).get_data(as_text=True)
    as_user(outsider)
    assert "Seuls les membres" in _sign(client, d).get_data(as_text=True)
    as_user(president)
    assert "a changé" in _sign(client, d, sha="0" * 64).get_data(as_text=True)
    signature = db.session.scalar(select(MinutesSignature))
    pv = db.session.scalar(select(Minutes))
    assert signature.user_id == member.id and signature.content_sha256 == pv.content_sha256
    assert db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "minutes.signed")) is not None


def test_the_last_signature_seals_the_pv_and_a_byte_changed_breaks_it(db, closed, client,
                                                                      as_user):
    d = closed()
    for juror in d.w.jurors:
        as_user(juror)
        assert _sign(client, d).status_code == 302
    db.session.expire_all()
    pv = db.session.scalar(select(Minutes))
    assert str(pv.status) == "sealed" and pv.sealed_pdf and pv.sealed_sha256
    verdict = verify_pdf(pv.sealed_pdf)
    assert verdict.valid, verdict.problem
    text = _text(pv.sealed_pdf)
    assert pv.content_sha256 in text.replace(" ", "")  # the signature page names the hash
    tampered = bytearray(pv.sealed_pdf)
    at = len(tampered) // 3
    tampered[at] = (tampered[at] + 1) % 256
    assert not verify_pdf(bytes(tampered)).valid
    download = client.get(_pv_url(d, "/document.pdf"))
    assert download.data == pv.sealed_pdf
    page = client.get(_pv_url(d)).get_data(as_text=True)
    assert "Signature électronique du document vérifiée" in page


def test_a_sealed_pv_is_never_signed_again_nor_changed(db, closed, client, as_user):
    d = closed()
    for juror in d.w.jurors:
        as_user(juror)
        _sign(client, d)
    pv = db.session.scalar(select(Minutes))
    sealed = pv.sealed_pdf
    as_user(d.w.jurors[0])
    assert "déjà scellé" in _sign(client, d).get_data(as_text=True)
    # No route edits a PV: every method but GET on its URLs is refused.
    for url in (_pv_url(d), _pv_url(d, "/document.pdf")):
        for method in ("put", "patch", "delete", "post"):
            assert getattr(client, method)(url).status_code == 405
    db.session.expire_all()
    assert db.session.scalar(select(Minutes)).sealed_pdf == sealed


def test_publication_waits_for_the_sealed_pv_then_asks_for_confirmation(
        db, closed, client, as_user, mail_outbox):
    d = closed()
    as_user(d.w.centre_admin)
    page = client.get(f"/sessions/{d.w.session.id}/resultats/publier").get_data(as_text=True)
    assert "pas encore signé par tous les membres" in page
    refused = client.post(f"/sessions/{d.w.session.id}/resultats/publier",
                          data={"confirmed": "1"}, follow_redirects=True)
    assert "pas encore signé" in refused.get_data(as_text=True)
    for juror in d.w.jurors:
        as_user(juror)
        _sign(client, d)
    as_user(d.w.centre_admin)
    page = client.get(f"/sessions/{d.w.session.id}/resultats/publier").get_data(as_text=True)
    assert "2 candidats verront leurs résultats" in page
    assert "6 blocs validés" in page and "2 titres délivrés" in page
    # Without the confirmation, nothing is published.
    assert client.post(f"/sessions/{d.w.session.id}/resultats/publier").status_code == 302
    assert str(d.w.session.status) == "deliberation"
    mail_outbox.clear()
    assert client.post(f"/sessions/{d.w.session.id}/resultats/publier",
                       data={"confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert str(d.w.session.status) == "published"
    assert sorted(m["To"] for m in mail_outbox
                  if "résultats" in m["Subject"]) == sorted(u.email for u in d.w.candidates)


def test_publication_per_candidate(db, closed, client, as_user):
    from assess.results.models import TitleResult

    d = closed()
    for juror in d.w.jurors:
        as_user(juror)
        _sign(client, d)
    as_user(d.w.centre_admin)
    first, second = d.w.enrolments
    assert client.post(f"/sessions/{d.w.session.id}/resultats/publier/{first.id}",
                       data={"confirmed": "1"}).status_code == 302
    db.session.expire_all()
    published = {t.enrolment_id: t.published_at for t in db.session.scalars(select(TitleResult))}
    assert published[first.id] is not None and published[second.id] is None
    assert "titre obtenu" in as_user(d.w.candidates[0]).get("/resultats").get_data(as_text=True)
    assert "titre obtenu" not in as_user(d.w.candidates[1]).get("/resultats").get_data(
        as_text=True)


def test_wrong_passwords_at_signing_are_throttled_like_logins(db, closed, client, as_user,
                                                               app):
    d = closed()
    as_user(d.w.jurors[1])
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        assert "Mot de passe incorrect" in _sign(client, d, "wrong").get_data(as_text=True)
    refused = _sign(client, d)  # even the right password waits now
    assert refused.status_code == 429
    assert "Trop de tentatives" in refused.get_data(as_text=True)
    assert db.session.query(MinutesSignature).count() == 0
