"""The admins' list of their pool's jurors and their edits of a juror's profile: scoped to
the pool (else 404), filtered by bloc, a fixed number of statements, audited; and the
invitation taking the profile."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from assess.accounts.models import User
from assess.audit.models import AuditEvent
from assess.i18n import day
from assess.juries.models import (
    JurorAvailability,
    juror_affiliations,
    juror_blocks,
    juror_centres,
)
from tests.factories import create_user

TODAY = date.today()


@pytest.fixture
def w(world):
    return world(candidates=0, jurors=2, assign_all=False)


def _page(client, path) -> str:
    return html.unescape(client.get(path).get_data(as_text=True))


def _give_blocks(db, juror, *numbers):
    for n in numbers:
        db.session.execute(juror_blocks.insert().values(juror_id=juror.id, block_number=n))


def test_a_centre_admin_lists_its_pool_the_certifier_every_juror(w, as_user, db):
    outsider = create_user("juror", last_name="Ailleurs-Zed")
    opened = create_user("juror", last_name="Ouvert-Zed", open_to_all_centres=True)
    db.session.commit()
    page = _page(as_user(w.centre_admin), "/jurys/membres")
    assert w.jurors[0].last_name in page and opened.last_name in page
    assert outsider.last_name not in page
    assert w.jurors[0].last_name not in _page(as_user(w.other_centre_admin), "/jurys/membres")
    page = _page(as_user(w.admin), "/jurys/membres")
    assert all(j.last_name in page for j in (*w.jurors, outsider, opened))
    assert 'href="/sessions/jurors/new?next=/jurys/membres"' in page


def test_the_list_shows_the_profile_and_filters_by_bloc(w, as_user, db):
    first, second = w.jurors
    first.organisation, first.profession, first.is_professional = "Agence Hexa", "CM", True
    _give_blocks(db, first, 1, 3)
    _give_blocks(db, second, 2)
    db.session.execute(juror_affiliations.insert().values(juror_id=second.id,
                                                          centre_id=w.centre.id))
    db.session.add(JurorAvailability(juror_id=first.id, starts_on=TODAY - timedelta(days=30),
                                     ends_on=TODAY - timedelta(days=20)))
    db.session.add(JurorAvailability(juror_id=first.id, starts_on=TODAY + timedelta(days=5),
                                     ends_on=TODAY + timedelta(days=9)))
    db.session.commit()
    client = as_user(w.centre_admin)
    page = _page(client, "/jurys/membres")
    row = page.split(first.email)[1].split("</tr>")[0]
    assert "Agence Hexa" in row and "1, 3" in row
    assert "oui" in row.split("</td>")[2]  # professional
    # The next period, not the one already over.
    assert day(TODAY + timedelta(days=5)) in row and day(TODAY - timedelta(days=30)) not in row
    other_row = page.split(second.email)[1].split("</tr>")[0]
    assert "non" in other_row.split("</td>")[4]  # not external to this centre
    assert "aucune période déclarée" in other_row
    filtered = _page(client, "/jurys/membres?bloc=3")
    assert first.email in filtered and second.email not in filtered
    assert "1 membre du jury" in filtered
    assert second.email in _page(client, "/jurys/membres?bloc=99")  # unknown: no filter


def test_the_certifier_sees_which_centres_a_juror_is_not_external_to(w, as_user, db):
    db.session.execute(juror_affiliations.insert().values(juror_id=w.jurors[1].id,
                                                          centre_id=w.centre.id))
    db.session.commit()
    page = _page(as_user(w.admin), "/jurys/membres")
    assert f"sauf : {w.centre.name}" in page.split(w.jurors[1].email)[1].split("</tr>")[0]


def _jurors(db, centre, n):
    for _ in range(n):
        juror = create_user("juror")
        db.session.execute(juror_centres.insert().values(juror_id=juror.id,
                                                         centre_id=centre.id))
        _give_blocks(db, juror, 1, 2)
        db.session.execute(juror_affiliations.insert().values(juror_id=juror.id,
                                                              centre_id=centre.id))
        db.session.add(JurorAvailability(juror_id=juror.id, starts_on=TODAY, ends_on=TODAY))
    db.session.commit()


def test_the_list_runs_the_same_statements_for_3_and_30_jurors(w, as_user, db,
                                                               count_queries):
    client = as_user(w.centre_admin)

    def statements() -> int:
        with count_queries() as seen:
            assert client.get("/jurys/membres").status_code == 200
        return len(seen)

    _jurors(db, w.centre, 1)  # with the world's two: 3
    few = statements()
    _jurors(db, w.centre, 27)
    assert statements() == few


def test_the_list_is_paginated(w, as_user, db, monkeypatch):
    from assess.jurors import queries

    monkeypatch.setattr(queries, "PAGE_SIZE", 1)
    client = as_user(w.centre_admin)
    first = _page(client, "/jurys/membres")
    second = _page(client, "/jurys/membres?page=2")
    assert "Page 1 sur 2" in first and "Page 2 sur 2" in second
    emails = {j.email for j in w.jurors}
    assert {e for e in emails if e in first} | {e for e in emails if e in second} == emails
    assert not {e for e in emails if e in first} & {e for e in emails if e in second}


def _edit_data(**changes) -> dict:
    data = {"organisation": "Studio Social", "profession": "Responsable digital",
            "works_for_certifier": "y", "blocks": ["2"]}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_centre_admin_edits_a_juror_of_its_pool_audited(w, as_user, db):
    juror = w.jurors[0]
    client = as_user(w.centre_admin)
    assert client.get(f"/jurys/membres/{juror.id}").status_code == 200
    response = client.post(f"/jurys/membres/{juror.id}",
                           data=_edit_data(affiliations=[str(w.centre.id)]))
    assert response.status_code == 302
    db.session.refresh(juror)
    assert (juror.organisation, juror.profession) == ("Studio Social", "Responsable digital")
    assert juror.works_for_certifier and not juror.is_professional
    assert set(db.session.scalars(select(juror_blocks.c.block_number)
                                  .where(juror_blocks.c.juror_id == juror.id))) == {2}
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "juror.profile_updated"))
    assert event.actor_id == w.centre_admin.id and event.object_id == juror.id
    assert event.old == {"organisation": None, "profession": None,
                         "works_for_certifier": False, "blocks": [], "affiliations": []}
    assert event.new["affiliations"] == [w.centre.id] and event.new["blocks"] == [2]


def test_a_centre_admin_sets_only_its_own_centres_affiliation(w, as_user, db):
    juror = w.jurors[0]
    db.session.execute(juror_affiliations.insert().values(juror_id=juror.id,
                                                          centre_id=w.other_centre.id))
    db.session.commit()
    client = as_user(w.centre_admin)
    page = _page(client, f"/jurys/membres/{juror.id}")
    assert w.centre.name in page and w.other_centre.name not in page
    response = client.post(f"/jurys/membres/{juror.id}",
                           data=_edit_data(affiliations=[str(w.other_centre.id)]))
    assert response.status_code == 422  # not offered: refused
    assert client.post(f"/jurys/membres/{juror.id}", data=_edit_data()).status_code == 302
    kept = set(db.session.scalars(select(juror_affiliations.c.centre_id)
                                  .where(juror_affiliations.c.juror_id == juror.id)))
    assert kept == {w.other_centre.id}  # another centre's affiliation untouched


def test_a_refused_edit_keeps_the_typing(w, as_user, db):
    juror = w.jurors[0]
    response = as_user(w.centre_admin).post(
        f"/jurys/membres/{juror.id}", data=_edit_data(organisation="x" * 201,
                                                      profession="Poste tapé"))
    assert response.status_code == 422
    assert 'value="Poste tapé"' in html.unescape(response.get_data(as_text=True))
    db.session.refresh(juror)
    assert juror.profession is None


def test_a_juror_outside_the_admins_pool_is_not_found(w, as_user, db):
    outsider = create_user("juror")
    candidate = create_user("candidate", centre=w.centre)
    db.session.commit()
    other = as_user(w.other_centre_admin)
    assert other.get(f"/jurys/membres/{w.jurors[0].id}").status_code == 404
    assert other.post(f"/jurys/membres/{w.jurors[0].id}", data=_edit_data()).status_code == 404
    db.session.refresh(w.jurors[0])
    assert w.jurors[0].organisation is None
    centre = as_user(w.centre_admin)
    assert centre.get(f"/jurys/membres/{outsider.id}").status_code == 404
    assert centre.get(f"/jurys/membres/{candidate.id}").status_code == 404  # not a juror
    assert centre.get("/jurys/membres/999999").status_code == 404
    assert as_user(w.admin).get(f"/jurys/membres/{outsider.id}").status_code == 200


def test_the_sessions_index_links_to_the_pool(w, as_user):
    assert 'href="/jurys/membres"' in as_user(w.centre_admin).get("/sessions/").get_data(
        as_text=True)


INVITE = {"first_name": "Jeanne", "last_name": "Arnaud", "email": "jeanne.arnaud@agence.fr",
          "organisation": "Agence Hexa", "profession": "Community manager"}


def test_the_invitation_takes_the_profile(w, as_user, db, audit_actions):
    client = as_user(w.centre_admin)
    page = _page(client, "/sessions/jurors/new")
    assert ">Entreprise</label>" in page and ">Poste</label>" in page
    assert "Bloc 3 — " in page
    response = client.post("/sessions/jurors/new", data=INVITE | {
        "is_professional": "y", "blocks": ["1", "3"]})
    assert response.status_code == 302
    juror = db.session.scalar(select(User).where(User.email == INVITE["email"]))
    assert juror.is_professional and not juror.works_for_certifier
    assert set(db.session.scalars(select(juror_blocks.c.block_number)
                                  .where(juror_blocks.c.juror_id == juror.id))) == {1, 3}
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "juror.profile_updated", AuditEvent.object_id == juror.id))
    assert event.new["blocks"] == [1, 3] and event.new["is_professional"] is True
    assert "account.invited" in audit_actions()


def test_inviting_a_known_juror_keeps_their_profile(w, as_user, db):
    known = create_user("juror", email=INVITE["email"], organisation="Mon entreprise")
    _give_blocks(db, known, 2)
    db.session.commit()
    response = as_user(w.centre_admin).post("/sessions/jurors/new", data=INVITE | {
        "works_for_certifier": "y", "blocks": ["1"]})
    assert response.status_code == 302
    db.session.refresh(known)
    assert known.organisation == "Mon entreprise" and not known.works_for_certifier
    assert set(db.session.scalars(select(juror_blocks.c.block_number)
                                  .where(juror_blocks.c.juror_id == known.id))) == {2}


def test_the_invitation_refuses_an_unknown_bloc(w, as_user, db):
    response = as_user(w.centre_admin).post("/sessions/jurors/new",
                                            data=INVITE | {"blocks": ["7"]})
    assert response.status_code == 200  # the form shown again with the error
    assert db.session.scalar(select(User).where(User.email == INVITE["email"])) is None
