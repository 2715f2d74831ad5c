"""/sessions/<id>/conflits: the session's links, an admin's record of a known link, and
the épreuves left to reassign."""

from __future__ import annotations

import html

import pytest

from assess.juries.models import LinkKind
from tests.factories import assign, create_session, create_user, enrol


def path(w) -> str:
    return f"/sessions/{w.session.id}/conflits"


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def record(client, w, juror, enrolment_id, kind="trainer", detail="Formateur du groupe B"):
    return client.post(path(w), data={"juror": str(getattr(juror, "id", juror)),
                                      "enrolment": str(enrolment_id), "kind": kind,
                                      "detail": detail})


@pytest.mark.parametrize("who, status", [
    ("certifier_admin", 200), ("centre_admin", 200), ("other_centre_admin", 404),
    ("juror", 403), ("candidate", 403)])
def test_who_reaches_the_page(s, as_user, who, status):
    w = s.w
    user = {"certifier_admin": w.admin, "centre_admin": w.centre_admin,
            "other_centre_admin": w.other_centre_admin, "juror": w.jurors[0],
            "candidate": w.candidates[0]}[who]
    client = as_user(user)
    assert client.get(path(w)).status_code == status
    if status != 200:
        assert record(client, w, w.jurors[2], w.enrolments[1].id).status_code == status


def test_an_unknown_session_is_404(s, as_user):
    assert as_user(s.w.admin).get("/sessions/99999/conflits").status_code == 404


def test_the_page_lists_the_links_of_the_sessions_candidates_only(
        s, as_user, db, add_link, referential_version):
    w = s.w
    add_link(w.jurors[0], w.enrolments[1], kind=LinkKind.RELATIVE, detail="Sa sœur")
    add_link(w.jurors[1], w.enrolments[2], detail="Groupe du mardi", by=w.centre_admin)
    other = create_session(referential_version, w.centre)
    elsewhere = enrol(other, create_user("candidate", centre=w.centre, last_name="Ailleurs"))
    db.session.commit()
    add_link(w.jurors[0], elsewhere, detail="Autre session")
    text = page(as_user(w.centre_admin), path(w))
    assert "Sa sœur" in text and "Membre de la famille" in text and "Bob Durand" in text
    assert "Groupe du mardi" in text and w.centre_admin.full_name in text
    assert "le membre du jury" in text  # declared by the juror themself
    assert "Autre session" not in text


def test_an_admin_records_a_known_link_which_takes_the_juror_off(
        s, as_user, db, links, notifications, audit_actions):
    w = s.w
    client = as_user(w.centre_admin)
    response = record(client, w, w.jurors[1], w.enrolments[0].id)
    assert response.status_code == 302
    [link] = links()
    assert (link.juror_id, link.enrolment_id, link.declared_by_id) == (
        w.jurors[1].id, w.enrolments[0].id, w.centre_admin.id)
    db.session.refresh(s.b1)
    assert s.b1.withdrawn_at is not None and s.b1.withdrawn_reason == "conflict"
    db.session.refresh(s.a1)
    assert s.a1.withdrawn_at is None
    assert audit_actions("conflict.") == ["conflict.declared"]
    assert audit_actions("assignment.") == ["assignment.withdrawn"]
    assert [n.recipient_id for n in notifications("conflict.reassign")] == [w.centre_admin.id]
    [told] = notifications("conflict.withdrawn")
    assert told.recipient_id == w.jurors[1].id
    # The juror sees the link an admin recorded.
    assert "Formateur du groupe B" in page(as_user(w.jurors[1]), "/jury/conflits")


def test_the_certifiers_admin_records_a_link_too(s, as_user, links):
    w = s.w
    assert record(as_user(w.admin), w, w.jurors[2], w.enrolments[2].id).status_code == 302
    assert len(links()) == 1


def test_a_juror_outside_the_pool_or_a_candidate_of_another_session_is_refused(
        s, as_user, db, links, referential_version):
    w = s.w
    outsider = create_user("juror")
    other = create_session(referential_version, w.other_centre)
    stranger = enrol(other, create_user("candidate", centre=w.other_centre))
    db.session.commit()
    client = as_user(w.centre_admin)
    response = record(client, w, outsider, w.enrolments[0].id)
    assert response.status_code == 422
    assert "Membre du jury inconnu" in html.unescape(response.get_data(as_text=True))
    response = record(client, w, w.jurors[0], stranger.id)
    assert response.status_code == 422
    assert "Candidat inconnu" in html.unescape(response.get_data(as_text=True))
    for juror, enrolment in ((w.centre_admin, w.enrolments[0].id), ("abc", w.enrolments[0].id),
                             (w.jurors[0], "99999999999999999999"), (w.jurors[0], "")):
        assert record(client, w, juror, enrolment).status_code == 422
    assert record(client, w, w.jurors[0], w.enrolments[0].id, kind="nope").status_code == 422
    response = record(client, w, w.jurors[0], w.enrolments[0].id, detail="é" * 100_000)
    assert response.status_code == 422
    assert "2000 caractères" in html.unescape(response.get_data(as_text=True))
    assert links() == []


def test_the_same_link_recorded_twice_is_answered_already_declared(s, as_user, links, add_link):
    w = s.w
    add_link(w.jurors[2], w.enrolments[1])  # declared by the juror
    response = record(as_user(w.centre_admin), w, w.jurors[2], w.enrolments[1].id)
    assert response.status_code == 409
    assert "déjà déclaré" in html.unescape(response.get_data(as_text=True))
    assert len(links()) == 1


def test_what_is_left_to_reassign_links_to_the_assignment_page(s, as_user, db):
    w = s.w
    w.session.evaluators_per_work = 2
    db.session.commit()
    client = as_user(w.centre_admin)
    assert "Aucune épreuve à réaffecter" in page(client, path(w))
    record(client, w, w.jurors[0], w.enrolments[0].id)  # takes a1 (bloc 1) and a2 (bloc 2)
    text = page(client, path(w))
    section = text.split("À réaffecter")[1].split("Liens déclarés")[0]
    assert "Alice Dupont" in section
    assert "1 sur 2 (1 retiré(s))" in section  # bloc 1: b1 is left
    assert "0 sur 2 (1 retiré(s))" in section  # bloc 2: nobody is left
    assert f"/sessions/{w.session.id}/enrolments/{w.enrolments[0].id}/assign" in section
    # Once two evaluators grade bloc 1 again, only bloc 2 is left.
    assign(w.jurors[2], w.enrolments[0], w.session.exams[0])
    db.session.commit()
    section = page(client, path(w)).split("À réaffecter")[1].split("Liens déclarés")[0]
    assert "1 sur 2" not in section and "0 sur 2" in section


def test_a_conflicted_juror_is_never_assigned_whatever_the_path(s, as_user, db, add_link, app):
    from assess.juries.models import Assignment
    from assess.juries.operations import AssignmentError, assign_juror

    w = s.w
    add_link(w.jurors[2], w.enrolments[1])
    exam = w.session.exams[0]
    with pytest.raises(AssignmentError, match="lien déclaré"):
        assign_juror(w.centre_admin, w.enrolments[1], exam, w.jurors[2])
    db.session.rollback()
    client = as_user(w.centre_admin)  # a crafted post of the assignment page
    response = client.post(f"/sessions/{w.session.id}/enrolments/{w.enrolments[1].id}/assign",
                           data={f"exam-{exam.id}": str(w.jurors[2].id)})
    assert "conflit d'intérêts" in html.unescape(response.get_data(as_text=True))
    assert db.session.query(Assignment).filter_by(juror_id=w.jurors[2].id).count() == 0


def test_the_page_runs_a_fixed_number_of_statements(world, db, as_user, count_queries):
    from assess.juries.models import ConflictOfInterest

    def statements(n: int) -> int:
        w = world(candidates=n, jurors=3)  # every épreuve assigned to jurors[0]
        for e in w.enrolments:
            db.session.add(ConflictOfInterest(juror_id=w.jurors[1].id, enrolment_id=e.id,
                                              kind=LinkKind.OTHER, detail="x",
                                              declared_by_id=w.centre_admin.id))
        db.session.commit()
        client = as_user(w.centre_admin)
        record(client, w, w.jurors[0], w.enrolments[0].id)
        record(client, w, w.jurors[0], w.enrolments[-1].id)
        with count_queries() as seen:
            assert client.get(path(w)).status_code == 200
        return len(seen)

    assert statements(3) == statements(30)
