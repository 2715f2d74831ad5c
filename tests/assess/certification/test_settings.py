"""The certification's settings: for the certifier's admins only, validated field by
field with the typing kept, audited, and shown on the public page."""

from __future__ import annotations

import html
from datetime import date

import pytest
from sqlalchemy import select

from assess.audit.models import AuditEvent
from assess.certification.models import Certification

GOOD = {"rncp_code": "rncp 35123", "expiry_date": "2029-06-30", "bloc_validity_years": "5",
        "certifier_name": "Certif Pro", "cpf_id_client": "AB12CD34",
        "cpf_id_contrat": "CONTRAT-0042", "version": "0"}


@pytest.mark.parametrize(("role", "expected"), [
    ("certifier_admin", 200), ("centre_admin", 403), ("juror", 403), ("candidate", 403)])
def test_only_the_certifiers_admins_reach_the_page(as_user, make_user, role, expected):
    assert as_user(make_user(role)).get("/certification").status_code == expected


def test_the_settings_are_saved_audited_and_shown_publicly(as_user, make_user, db, client,
                                                         referential_version):
    admin = make_user("certifier_admin")
    response = as_user(admin).post("/certification", data=GOOD)
    assert response.status_code == 302
    row = db.session.get(Certification, 1)
    assert (row.rncp_code, row.expiry_date, row.bloc_validity_years, row.cpf_id_client) == (
        "RNCP35123", date(2029, 6, 30), 5, "AB12CD34")
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "certification.updated"))
    assert event.actor_id == admin.id and event.new["rncp_code"] == "RNCP35123"
    assert event.old["rncp_code"] is None

    as_user(admin).post("/certification", data=GOOD | {"bloc_validity_years": "",
                                                      "version": str(row.version)})
    changed = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "certification.updated").order_by(AuditEvent.id)).all()[-1]
    assert changed.old == {"bloc_validity_years": 5} and changed.new == {
        "bloc_validity_years": None}  # only what changed

    client.post("/logout")
    public = client.get("/referentiel").get_data(as_text=True)
    assert "RNCP35123" in public and "30 juin 2029" in public


@pytest.mark.parametrize(("field", "value", "message"), [
    ("rncp_code", "35123", "suivi de chiffres"),
    ("rncp_code", "RNCP-35123", "suivi de chiffres"),
    ("cpf_id_client", "ABC", "Exactement 8"),
    ("cpf_id_client", "AB12CD34X", "Exactement 8"),
    ("cpf_id_contrat", "x" * 21, "20 caractères"),
    ("bloc_validity_years", "0", "entre 1 et 99"),
    ("expiry_date", "1850-01-01", "entre 1900 et 2100"),
])
def test_a_wrong_value_is_explained_and_the_typing_kept(as_user, make_user, db, field, value,
                                                        message):
    response = as_user(make_user("certifier_admin")).post("/certification",
                                                          data=GOOD | {field: value})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and message in page
    assert "Certif Pro" in page  # what was typed elsewhere is kept
    assert db.session.get(Certification, 1) is None


def test_a_stale_save_answers_409(as_user, make_user, db):
    admin = make_user("certifier_admin")
    as_user(admin).post("/certification", data=GOOD)
    response = as_user(admin).post("/certification",
                                   data=GOOD | {"certifier_name": "Autre", "version": "999"})
    assert response.status_code == 409
    assert "Autre" in response.get_data(as_text=True)
    assert db.session.get(Certification, 1).certifier_name == "Certif Pro"
