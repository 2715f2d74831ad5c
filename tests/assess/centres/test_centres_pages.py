"""The list and the page of a centre: what they show, and a constant number of queries."""

from __future__ import annotations

from tests.factories import create_centre, create_session, create_user


def test_index_lists_every_centre_with_counts(as_user, w, db, referential_version):
    create_session(referential_version, w.centre)  # a second session
    create_user("centre_admin", centre=w.centre)  # a second admin
    w.centre.siret = "12345678900012"
    db.session.commit()
    page = as_user(w.admin).get("/centres/").get_data(as_text=True)
    assert w.centre.name in page and w.other_centre.name in page
    assert "123 456 789 00012" in page
    assert "Lyon" in page
    row = page.split(f">{w.centre.name}</a>")[1].split("</tr>")[0]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[1:]][2:] == ["2", "2"]
    other = page.split(f">{w.other_centre.name}</a>")[1].split("</tr>")[0]
    assert "<td>0</td>" in other  # no session; its admin counted:
    assert "<td>1</td>" in other
    assert page.count('<th scope="row">') == 2


def test_index_flags_a_centre_without_admin(as_user, w, db):
    create_centre("Centre sans administrateur")
    db.session.commit()
    page = as_user(w.admin).get("/centres/").get_data(as_text=True)
    row = page.split(">Centre sans administrateur</a>")[1].split("</tr>")[0]
    assert "aucun : à inviter" in row


def test_index_query_count_does_not_grow(as_user, w, db, referential_version, count_queries):
    client = as_user(w.admin)
    client.get("/centres/")  # warm up
    with count_queries() as small:
        assert client.get("/centres/").status_code == 200
    for _ in range(4):
        centre = create_centre()
        create_session(referential_version, centre)
        create_user("centre_admin", centre=centre)
    db.session.commit()
    with count_queries() as big:
        page = client.get("/centres/").get_data(as_text=True)
    assert page.count('<th scope="row">') == 6
    assert len(big) == len(small), "\n".join(big)


def test_show_lists_admins_with_their_account_state_and_sessions(as_user, w, pending_admin):
    page = as_user(w.admin).get(f"/centres/{w.centre.id}").get_data(as_text=True)
    assert f"<h1>{w.centre.name}</h1>" in page
    active_row = page.split(w.centre_admin.email)[1].split("</tr>")[0]
    assert "compte activé" in active_row
    assert "Renvoyer l&#39;invitation" not in active_row
    pending_row = page.split(pending_admin.email)[1].split("</tr>")[0]
    assert "invitation envoyée" in pending_row
    assert f"/centres/{w.centre.id}/admins/{pending_admin.id}/reinvite" in pending_row
    assert f'href="/sessions/{w.session.id}"' in page
    assert w.session.name in page
    # Nothing of the other centre, nor the candidates of this one.
    assert w.other_centre_admin.email not in page
    assert w.candidates[0].email not in page


def test_show_of_an_empty_centre_says_what_to_do(as_user, w, db):
    centre = create_centre("Centre vide")
    db.session.commit()
    page = as_user(w.admin).get(f"/centres/{centre.id}").get_data(as_text=True)
    assert "invitez-en un avec le formulaire" in page
    assert "Aucune session pour ce centre" in page
    assert "SIRET non renseigné" in page


def test_show_query_count_does_not_grow(as_user, w, db, referential_version, count_queries):
    client = as_user(w.admin)
    url = f"/centres/{w.centre.id}"
    client.get(url)  # warm up
    with count_queries() as small:
        assert client.get(url).status_code == 200
    for _ in range(4):
        create_session(referential_version, w.centre)
        create_user("centre_admin", centre=w.centre, password=None)
    db.session.commit()
    with count_queries() as big:
        page = client.get(url).get_data(as_text=True)
    assert page.count('<th scope="row">') == 10  # 5 admins, 5 sessions
    assert page.count("/reinvite") == 4
    assert len(big) == len(small), "\n".join(big)
