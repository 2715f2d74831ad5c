"""/jury/conflits: a juror lists and declares their links with candidates."""

from __future__ import annotations

import html

import pytest

from assess.audit.models import AuditEvent
from assess.grading.models import SheetStatus
from assess.juries.models import LinkKind
from tests.factories import create_session, create_user, enrol, move_to

PATH = "/jury/conflits"


def page(client, path=PATH) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def declare(client, candidate, kind="trainer", detail="Formateur de son groupe", **extra):
    return client.post(PATH, data={"candidate": candidate, "kind": kind, "detail": detail,
                                   **extra})


@pytest.mark.parametrize("who, status", [("candidate", 403), ("centre_admin", 403),
                                         ("certifier_admin", 403), ("juror", 200)])
def test_only_jurors_reach_the_page(s, as_user, who, status):
    w = s.w
    user = {"candidate": w.candidates[0], "centre_admin": w.centre_admin,
            "certifier_admin": w.admin, "juror": w.jurors[0]}[who]
    assert as_user(user).get(PATH).status_code == status


def test_anonymous_is_sent_to_login(client):
    assert client.get(PATH).status_code == 302


def test_the_page_says_a_declaration_cannot_be_withdrawn_and_offers_the_five_kinds(s, as_user):
    text = page(as_user(s.w.jurors[0]))
    assert "ne peut pas être retirée" in text
    for kind in ("Formateur ou formatrice", "Employeur", "Collègue", "Membre de la famille",
                 "Autre lien"):
        assert kind in text


def test_a_juror_sees_only_their_own_links(s, as_user, add_link):
    w = s.w
    add_link(w.jurors[1], w.enrolments[1], detail="Cousin de Bob")
    add_link(w.jurors[0], w.enrolments[2], kind=LinkKind.EMPLOYER, detail="Stage chez nous")
    own = page(as_user(w.jurors[0]))
    assert "Stage chez nous" in own and "Chloé Martin" in own
    assert "Cousin de Bob" not in own
    assert "Cousin de Bob" in page(as_user(w.jurors[1]))


def test_the_candidates_of_their_assignments_are_offered_and_one_can_be_preselected(s, as_user):
    w = s.w
    client = as_user(w.jurors[0])
    text = page(client)
    # One choice per candidate, whatever the number of épreuves assigned.
    assert text.count('name="candidate"') == 1 and "Alice Dupont" in text
    pre = page(client, f"{PATH}?assignment={s.a1.id}")
    assert f'value="a{s.a1.id}" checked' in pre
    # Another juror's assignment id preselects nothing.
    other = page(client, f"{PATH}?assignment={s.b1.id}")
    assert f'value="a{s.b1.id}"' not in other and " checked" not in other


def test_declaring_from_an_assignment_takes_the_juror_off_at_once(
        s, as_user, db, links, notifications, audit_actions, submit_sheet):
    w = s.w
    draft = submit_sheet(s.a1, status=SheetStatus.DRAFT)
    client = as_user(w.jurors[0])
    response = declare(client, f"a{s.a1.id}")
    assert response.status_code == 302
    [link] = links()
    assert (link.juror_id, link.enrolment_id, link.kind) == (w.jurors[0].id,
                                                             w.enrolments[0].id, "trainer")
    assert link.declared_by_id == w.jurors[0].id and link.detail == "Formateur de son groupe"
    for a in (s.a1, s.a2):
        db.session.refresh(a)
        assert a.withdrawn_at is not None and a.withdrawn_reason == "conflict"
    db.session.refresh(s.b1)
    assert s.b1.withdrawn_at is None  # the other evaluator stays
    db.session.refresh(draft)
    assert draft.id is not None  # the draft is kept as evidence
    assert audit_actions("conflict.") == ["conflict.declared"]
    assert audit_actions("assignment.") == ["assignment.withdrawn", "assignment.withdrawn"]
    event = db.session.query(AuditEvent).filter_by(action="assignment.withdrawn").first()
    assert event.old == {"withdrawn_at": None, "withdrawn_reason": None}
    assert event.new["withdrawn_reason"] == "conflict" and event.new["conflict_id"] == link.id
    assert event.session_id == w.session.id
    [to_admin] = notifications("conflict.reassign")
    assert to_admin.recipient_id == w.centre_admin.id
    assert w.jurors[0].full_name in to_admin.subject and "Alice Dupont" in to_admin.subject
    assert f"/sessions/{w.session.id}/conflits" in to_admin.body
    assert "Bloc 1" in to_admin.body and "Bloc 2" in to_admin.body
    [to_juror] = notifications("conflict.withdrawn")
    assert to_juror.recipient_id == w.jurors[0].id and "Alice Dupont" in to_juror.subject
    flashed = page(client)
    assert "Formateur de son groupe" in flashed
    # The candidate is no longer offered among their assignments.
    assert f'value="a{s.a1.id}"' not in flashed


def test_the_flash_says_how_many_epreuves_were_withdrawn(s, as_user):
    client = as_user(s.w.jurors[0])
    response = declare(client, f"a{s.a1.id}")
    text = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "retiré de 2 épreuves" in text


def test_every_active_centre_admin_is_told_once_else_the_certifiers_admins(
        s, as_user, db, notifications):
    w = s.w
    second = create_user("centre_admin", centre=w.centre)
    create_user("centre_admin", centre=w.centre, active=False)
    db.session.commit()
    declare(as_user(w.jurors[0]), f"a{s.a1.id}")
    told = sorted(n.recipient_id for n in notifications("conflict.reassign"))
    assert told == sorted([w.centre_admin.id, second.id])
    # A centre without an active admin: the certifier's admins are told.
    w.centre_admin.active = second.active = False
    db.session.commit()
    declare(as_user(w.jurors[1]), f"a{s.b1.id}")
    latest = notifications("conflict.reassign")[2:]
    assert [n.recipient_id for n in latest] == [w.admin.id]


def test_a_candidate_found_by_name_can_be_declared_without_any_assignment(
        s, as_user, links, notifications):
    w = s.w
    client = as_user(w.jurors[2])
    text = page(client, f"{PATH}?q=du")
    assert "Alice Dupont" in text and "Bob Durand" in text and "Chloé Martin" not in text
    response = declare(client, f"e{w.enrolments[1].id}", kind="relative", detail="Mon neveu")
    assert response.status_code == 302
    [link] = links()
    assert (link.juror_id, link.enrolment_id) == (w.jurors[2].id, w.enrolments[1].id)
    assert notifications() == []  # nothing to reassign: nobody is told
    assert "Bob Durand" in page(client)


def test_the_search_needs_two_characters_and_never_lists_everyone(s, as_user):
    client = as_user(s.w.jurors[2])
    assert 'name="candidate"' not in page(client)
    short = page(client, f"{PATH}?q=a")
    assert 'name="candidate"' not in short and "au moins 2 caractères" in short.lower()
    assert 'name="candidate"' not in page(client, f"{PATH}?q=%25%25")  # no wildcard


def test_the_search_stops_at_twenty_results(s, as_user, db):
    w = s.w
    for n in range(22):
        enrol(w.session, create_user("candidate", centre=w.centre, last_name=f"Lefort{n:02d}"))
    db.session.commit()
    text = page(as_user(w.jurors[2]), f"{PATH}?q=lefort")
    assert text.count('name="candidate"') == 20
    assert "D'autres candidats correspondent" in text


def test_the_search_reaches_only_the_pools_sessions_not_past_grading(
        s, as_user, db, referential_version):
    w = s.w
    elsewhere = create_session(referential_version, w.other_centre)
    enrol(elsewhere, create_user("candidate", centre=w.other_centre, last_name="Dufour"))
    later = create_session(referential_version, w.centre)
    enrol(later, create_user("candidate", centre=w.centre, last_name="Dumas"))
    move_to(later, "deliberation")
    db.session.commit()
    text = page(as_user(w.jurors[2]), f"{PATH}?q=du")
    assert "Dupont" in text and "Dufour" not in text and "Dumas" not in text
    # A juror open to all centres finds the other centre's candidates too.
    w.jurors[2].open_to_all_centres = True
    db.session.commit()
    assert "Dufour" in page(as_user(w.jurors[2]), f"{PATH}?q=du")


def test_anonymous_grading_shows_the_number_not_the_name(s, as_user, db):
    from assess.submissions.anonymity import ensure_numbers

    w = s.w
    w.session.anonymous_grading = True
    ensure_numbers(w.session.id)
    db.session.commit()
    number = w.enrolments[0].anonymous_number
    client = as_user(w.jurors[0])
    text = page(client)
    assert f"Candidat n° {number}" in text and "Alice" not in text
    assert declare(client, f"a{s.a1.id}").status_code == 302
    text = page(client)
    assert f"Candidat n° {number}" in text and "Alice" not in text


@pytest.mark.parametrize("choice", ["e999999", "a999999", "x1", "", "e", "e12345678901234567890"])
def test_an_unknown_candidate_is_refused_and_nothing_is_stored(s, as_user, links, choice):
    response = declare(as_user(s.w.jurors[0]), choice)
    assert response.status_code == 422
    assert links() == []


def test_a_candidate_out_of_reach_is_refused_with_a_clear_message(
        s, as_user, db, links, referential_version):
    w = s.w
    elsewhere = create_session(referential_version, w.other_centre)
    stranger = enrol(elsewhere, create_user("candidate", centre=w.other_centre))
    db.session.commit()
    client = as_user(w.jurors[0])
    for crafted in (f"e{stranger.id}", f"a{s.b1.id}"):  # another centre; another's assignment
        response = declare(client, crafted)
        assert response.status_code == 422
        assert "ne fait pas partie de ceux que vous pouvez désigner" in html.unescape(
            response.get_data(as_text=True))
    assert links() == []
    db.session.refresh(s.b1)
    assert s.b1.withdrawn_at is None


def test_an_unknown_kind_is_refused(s, as_user, links):
    response = declare(as_user(s.w.jurors[0]), f"a{s.a1.id}", kind="lover")
    assert response.status_code == 422
    assert "nature du lien" in html.unescape(response.get_data(as_text=True)).lower()
    assert links() == []


def test_a_detail_of_100000_characters_is_refused_with_the_limit(s, as_user, links):
    response = declare(as_user(s.w.jurors[0]), f"a{s.a1.id}", detail="x" * 100_000)
    assert response.status_code == 422
    assert "2000 caractères" in html.unescape(response.get_data(as_text=True))
    assert links() == []


def test_other_needs_a_detail(s, as_user, links):
    response = declare(as_user(s.w.jurors[0]), f"a{s.a1.id}", kind="other", detail="  ")
    assert response.status_code == 422
    assert "obligatoire" in html.unescape(response.get_data(as_text=True))
    assert links() == []
    assert declare(as_user(s.w.jurors[0]), f"a{s.a1.id}", kind="other",
                   detail="Voisin").status_code == 302


def test_html_in_the_detail_is_stored_as_typed_and_escaped_on_the_pages(s, as_user, links):
    typed = '<script>alert("x")</script><b>gras</b>'
    client = as_user(s.w.jurors[0])
    assert declare(client, f"a{s.a1.id}", detail=typed).status_code == 302
    assert links()[0].detail == typed
    for user, path in ((s.w.jurors[0], PATH),
                       (s.w.centre_admin, f"/sessions/{s.w.session.id}/conflits")):
        response = as_user(user).get(path)
        raw = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<script>alert" not in raw and "&lt;script&gt;" in raw


def test_declaring_the_same_link_twice_keeps_one_row(s, as_user, links):
    w = s.w
    client = as_user(w.jurors[2])
    assert declare(client, f"e{w.enrolments[1].id}").status_code == 302
    again = declare(client, f"e{w.enrolments[1].id}", kind="colleague")
    assert again.status_code == 409
    assert "déjà déclaré" in html.unescape(again.get_data(as_text=True))
    [link] = links()
    assert link.kind == "trainer"
    # The candidate is shown as already declared, not offered again.
    text = page(client, f"{PATH}?q=durand")
    assert "lien déjà déclaré" in text and "disabled" in text


def test_after_grading_a_link_is_no_longer_declared_here(s, as_user, db, links):
    move_to(s.w.session, "deliberation")
    db.session.commit()
    client = as_user(s.w.jurors[0])
    assert f'value="a{s.a1.id}"' not in page(client)
    response = declare(client, f"a{s.a1.id}")
    assert response.status_code == 422
    assert "délibération" in html.unescape(response.get_data(as_text=True))
    assert links() == []


def test_the_juror_page_runs_a_fixed_number_of_statements(world, db, as_user, count_queries,
                                                          add_link):
    def statements(n: int) -> int:
        w = world(candidates=n, jurors=2)  # every épreuve of every candidate: jurors[0]
        for e in w.enrolments:
            add_link(w.jurors[0], e, by=w.centre_admin)
        for e in w.enrolments[:n - 1]:
            e.candidate.user.last_name = "Lenoir"
        db.session.commit()
        client = as_user(w.jurors[0])
        with count_queries() as seen:
            assert client.get(f"{PATH}?q=lenoir").status_code == 200
        return len(seen)

    assert statements(3) == statements(30)


def test_the_grading_index_links_to_declaring_a_link_per_candidate(world, as_user, db):
    w = world(candidates=1, jurors=1)
    page = as_user(w.jurors[0]).get("/jury/").get_data(as_text=True)
    assert "/jury/conflits" in page
    assert f"/jury/conflits?assignment={w.assignments[0].id}" in page
