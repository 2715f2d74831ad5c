"""A juror's own profile page: the round trip, what is offered, validation keeping the
typing, availability periods (merged when they meet), every change audited."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from assess.accounts.models import Gender
from assess.audit.models import AuditEvent
from assess.juries.models import JurorAvailability, juror_affiliations, juror_blocks
from assess.referential.targeted_jobs import TARGETED_JOBS
from tests.factories import create_user

TODAY = date.today()


@pytest.fixture
def w(world):
    return world(candidates=0, jurors=2, assign_all=False)


def _form(w, **changes) -> dict:
    data = {"first_name": "Sophie", "last_name": "Martin", "organisation": "Agence Hexa",
            "profession": "Community manager", "is_professional": "y",
            "blocks": ["1", "3"], "affiliations": [str(w.centre.id)], "gender": "female"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _page(client, path="/jury/profil") -> str:
    return html.unescape(client.get(path).get_data(as_text=True))


def _blocks(db, juror) -> set[int]:
    return set(db.session.scalars(select(juror_blocks.c.block_number)
                                  .where(juror_blocks.c.juror_id == juror.id)))


def _affiliations(db, juror) -> set[int]:
    return set(db.session.scalars(select(juror_affiliations.c.centre_id)
                                  .where(juror_affiliations.c.juror_id == juror.id)))


def _events(db, action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def test_the_page_names_the_jobs_the_blocs_and_the_centres_of_the_pool(w, as_user, db,
                                                                       referential_version):
    page = _page(as_user(w.jurors[0]))
    assert all(job.name in page for job in TARGETED_JOBS)
    assert all(b.title in page for b in referential_version.blocks)
    assert w.centre.name in page  # the centre whose pool the juror is in
    assert w.other_centre.name not in page  # a centre that cannot call on them


def test_a_juror_open_to_all_centres_is_offered_every_centre(w, as_user, db):
    w.jurors[0].open_to_all_centres = True
    db.session.commit()
    assert w.other_centre.name in _page(as_user(w.jurors[0]))


def test_the_profile_round_trip_is_saved_shown_and_audited(w, as_user, db):
    juror = w.jurors[0]
    client = as_user(juror)
    response = client.post("/jury/profil", data=_form(w))
    assert response.status_code == 302
    db.session.refresh(juror)
    assert (juror.first_name, juror.last_name) == ("Sophie", "Martin")
    assert (juror.organisation, juror.profession) == ("Agence Hexa", "Community manager")
    assert juror.is_professional and not juror.works_for_certifier
    assert juror.gender == Gender.FEMALE
    assert _blocks(db, juror) == {1, 3} and _affiliations(db, juror) == {w.centre.id}
    assert 'value="Agence Hexa"' in _page(client)
    [event] = _events(db, "juror.profile_updated")
    assert event.actor_id == juror.id and event.object_id == juror.id
    assert event.old["blocks"] == [] and event.new["blocks"] == [1, 3]
    assert event.old["organisation"] is None and event.new["organisation"] == "Agence Hexa"
    assert event.new["gender"] == "female" and event.new["affiliations"] == [w.centre.id]
    assert "works_for_certifier" not in event.new  # unchanged: not in the event

    # Saving the same again changes nothing and audits nothing; then « préfère ne pas
    # répondre » clears the gender.
    assert client.post("/jury/profil", data=_form(w)).status_code == 302
    assert len(_events(db, "juror.profile_updated")) == 1
    assert client.post("/jury/profil", data=_form(w, gender="")).status_code == 302
    db.session.refresh(juror)
    assert juror.gender is None
    last = _events(db, "juror.profile_updated")[-1]
    assert last.old == {"gender": "female"} and last.new == {"gender": None}


def test_the_saved_choices_are_ticked_on_the_page(w, as_user, db):
    client = as_user(w.jurors[0])
    client.post("/jury/profil", data=_form(w, blocks=["2"]))
    page = _page(client)
    ticked = {line.split('value="')[1].split('"')[0]
              for line in page.split("<input") if 'name="blocks"' in line and "checked" in line}
    assert ticked == {"2"}
    assert 'id="gender-1" name="gender" type="radio" value="female"' in page
    assert 'checked id="gender-1"' in page


def test_a_refused_profile_keeps_the_typing_and_saves_nothing(w, as_user, db):
    juror = w.jurors[0]
    client = as_user(juror)
    response = client.post("/jury/profil", data=_form(w, first_name="",
                                                      organisation="Agence Tapée"))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Indiquez votre prénom." in page and 'value="Agence Tapée"' in page
    assert 'aria-describedby="first_name-errors"' in page
    db.session.refresh(juror)
    assert juror.organisation is None and _blocks(db, juror) == set()
    assert _events(db, "juror.profile_updated") == []


def test_a_centre_not_offered_cannot_be_posted(w, as_user, db):
    juror = w.jurors[0]
    response = as_user(juror).post("/jury/profil",
                                   data=_form(w, affiliations=[str(w.other_centre.id)]))
    assert response.status_code == 422
    assert _affiliations(db, juror) == set()


def test_an_affiliation_the_juror_is_not_offered_is_kept(w, as_user, db):
    juror = w.jurors[0]
    db.session.execute(juror_affiliations.insert().values(juror_id=juror.id,
                                                          centre_id=w.other_centre.id))
    db.session.commit()
    assert as_user(juror).post("/jury/profil", data=_form(w, affiliations=None)
                               ).status_code == 302
    assert _affiliations(db, juror) == {w.other_centre.id}


def _period(client, starts, ends):
    return client.post("/jury/profil/disponibilites",
                       data={"starts_on": str(starts), "ends_on": str(ends)})


def _periods(db, juror) -> list[tuple[date, date]]:
    return [(p.starts_on, p.ends_on) for p in db.session.scalars(
        select(JurorAvailability).where(JurorAvailability.juror_id == juror.id)
        .order_by(JurorAvailability.starts_on))]


def test_availability_periods_are_added_merged_and_removed(w, as_user, db):
    juror = w.jurors[0]
    client = as_user(juror)
    d = [TODAY + timedelta(days=n) for n in range(40)]
    assert _period(client, d[10], d[20]).status_code == 302
    assert _period(client, d[30], d[32]).status_code == 302
    assert _periods(db, juror) == [(d[10], d[20]), (d[30], d[32])]
    # Overlapping the first and touching the second: the three become one.
    response = _period(client, d[15], d[29])
    assert response.status_code == 302
    assert _periods(db, juror) == [(d[10], d[32])]
    added = _events(db, "juror.availability_added")[-1]
    assert added.new["periods"] == [{"starts_on": str(d[10]), "ends_on": str(d[32])}]
    assert len(added.old["periods"]) == 2
    assert "Du " in _page(client)
    [period] = db.session.scalars(select(JurorAvailability)
                                  .where(JurorAvailability.juror_id == juror.id))
    assert client.post(f"/jury/profil/disponibilites/{period.id}/supprimer").status_code == 302
    assert _periods(db, juror) == []
    [removed] = _events(db, "juror.availability_removed")
    assert removed.old["periods"] == [{"starts_on": str(d[10]), "ends_on": str(d[32])}]
    assert removed.actor_id == juror.id


def test_an_end_before_the_start_is_refused_beside_the_field_typing_kept(w, as_user, db):
    juror = w.jurors[0]
    client = as_user(juror)
    starts, ends = TODAY + timedelta(days=9), TODAY + timedelta(days=3)
    response = _period(client, starts, ends)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert 'id="ends_on-errors"' in page
    assert "La date de fin doit être le même jour que la date de début ou après." in page
    assert f'value="{starts}"' in page and f'value="{ends}"' in page
    response = client.post("/jury/profil/disponibilites",
                           data={"starts_on": str(starts), "ends_on": "32/13/2027"})
    assert response.status_code == 422 and 'value="32/13/2027"' in response.get_data(
        as_text=True)
    assert _periods(db, juror) == [] and _events(db, "juror.availability_added") == []


def test_a_period_already_over_is_refused(w, as_user, db):
    response = _period(as_user(w.jurors[0]), TODAY - timedelta(days=9),
                       TODAY - timedelta(days=2))
    assert response.status_code == 422
    assert "Cette période est déjà passée" in html.unescape(response.get_data(as_text=True))
    assert _periods(db, w.jurors[0]) == []


def test_a_juror_cannot_remove_another_jurors_period(w, as_user, db):
    other = JurorAvailability(juror_id=w.jurors[1].id, starts_on=TODAY, ends_on=TODAY)
    db.session.add(other)
    db.session.commit()
    response = as_user(w.jurors[0]).post(f"/jury/profil/disponibilites/{other.id}/supprimer")
    assert response.status_code == 404
    assert _periods(db, w.jurors[1]) == [(TODAY, TODAY)]


@pytest.mark.parametrize("who", ["admin", "centre_admin", "candidate"])
def test_only_jurors_have_a_profile_page(w, as_user, db, who):
    user = {"admin": w.admin, "centre_admin": w.centre_admin,
            "candidate": create_user("candidate", centre=w.centre)}[who]
    db.session.commit()
    client = as_user(user)
    assert client.get("/jury/profil").status_code == 403
    assert client.post("/jury/profil/disponibilites",
                       data={"starts_on": str(TODAY), "ends_on": str(TODAY)}).status_code == 403


def test_a_juror_reaches_neither_another_profile_nor_the_admin_pages(w, as_user, db):
    client = as_user(w.jurors[0])
    assert client.get("/jurys/membres").status_code == 403
    assert client.get(f"/jurys/membres/{w.jurors[1].id}").status_code == 403
    assert client.post(f"/jurys/membres/{w.jurors[1].id}",
                       data={"organisation": "Piratée"}).status_code == 403
    db.session.refresh(w.jurors[1])
    assert w.jurors[1].organisation is None


def test_the_grading_index_links_to_the_profile(w, as_user):
    assert 'href="/jury/profil"' in as_user(w.jurors[0]).get("/jury/").get_data(as_text=True)
