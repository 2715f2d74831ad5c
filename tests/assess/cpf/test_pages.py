"""Who may use the CPF pages, what they show (deadlines, statuses, history), the deadline
alert for the certifier's pages, and the report formats accepted."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from flask import render_template

from tests.assess.cpf.conftest import report_xml

ROUTES = [("get", "/cpf"), ("post", "/cpf/exporter"), ("post", "/cpf/rapport"),
          ("get", "/cpf/exports/1/fichier"), ("get", "/cpf/rapports/1/fichier")]


@pytest.fixture
def exported(app, db, awarded, client, as_user):
    """Both holders declared once from the page, and a report imported."""
    from assess.cpf.models import CpfDeclaration

    h = awarded()
    day = h.award_date.isoformat()
    as_user(h.w.admin)
    assert client.post("/cpf/exporter", data={"du": day, "au": day}).status_code == 302
    ids = sorted(d.id_technique for d in db.session.query(CpfDeclaration))
    assert client.post("/cpf/rapport", data={"file": (io.BytesIO(report_xml(ok=ids)), "r.xml")},
                       content_type="multipart/form-data").status_code == 302
    return h


@pytest.mark.parametrize("who", ["centre_admin", "other_centre_admin", "assigned_juror",
                                 "enrolled_candidate"])
def test_only_the_certifier_admin(db, client, as_user, exported, who):
    from tests.factories import ACTORS, create_user

    w = exported.w
    user = ACTORS[who](w) if who != "assigned_juror" else create_user("juror")
    db.session.commit()
    as_user(user)
    for method, url in ROUTES:
        response = getattr(client, method)(url)
        assert response.status_code == 403, (who, method, url, response.status_code)


def test_the_certifier_admin_sees_and_downloads(db, client, as_user, exported):
    as_user(exported.w.admin)
    assert client.get("/cpf").status_code == 200
    assert client.get("/cpf/exports/1/fichier").status_code == 200
    assert client.get("/cpf/rapports/1/fichier").status_code == 200
    assert client.get("/cpf/exports/99/fichier").status_code == 404
    assert client.get("/cpf/rapports/99/fichier").status_code == 404


def test_the_page_reads_a_fixed_number_of_statements(db, client, as_user, awarded,
                                                     count_queries):
    h = awarded(candidates=2)
    as_user(h.w.admin)
    day = h.award_date.isoformat()
    client.get(f"/cpf?du={day}&au={day}")
    with count_queries() as two:
        assert client.get(f"/cpf?du={day}&au={day}").status_code == 200
    more = awarded(candidates=5)
    as_user(more.w.admin)
    with count_queries() as seven:
        page = client.get(f"/cpf?du={day}&au={day}")
    assert page.get_data(as_text=True).count('scope="row"><a href="/sessions/') == 7
    assert len(seven) == len(two), seven


def test_deadlines_are_shown_and_close_ones_highlighted(db, client, as_user, awarded):
    from assess.cpf.rules import add_months

    old = awarded(days_ago=100)  # past the three months
    as_user(old.w.admin)
    start = old.award_date.isoformat()
    page = client.get(f"/cpf?du={start}").get_data(as_text=True)
    assert page.count('class="cpf-urgent"') == 2
    late = (date.today() - add_months(old.award_date, 3)).days
    assert f"en retard de {late} jours" in page


def test_a_recent_holder_is_not_highlighted(db, client, as_user, awarded):
    h = awarded(days_ago=0)
    as_user(h.w.admin)
    page = client.get("/cpf").get_data(as_text=True)
    assert 'class="cpf-urgent"' not in page and "Jamais envoyé" in page


def test_the_deadline_alert(app, db, awarded, as_user, client):
    from assess.cpf.queries import deadline_alert
    from assess.cpf.rules import add_months

    h = awarded(days_ago=0)
    deadline = add_months(h.award_date, 3)
    assert deadline_alert(h.w.admin, today=deadline - timedelta(days=31)) is None
    soon = deadline_alert(h.w.admin, today=deadline - timedelta(days=30))
    assert (soon.due_soon, soon.overdue, soon.first_deadline) == (2, 0, deadline)
    late = deadline_alert(h.w.admin, today=deadline + timedelta(days=1))
    assert (late.due_soon, late.overdue) == (0, 2)
    assert deadline_alert(h.w.centre_admin, today=deadline) is None
    with app.test_request_context():
        html = render_template("cpf/_deadline_alert.html", cpf_alert=late)
    assert "2 titulaires ne sont pas déclarés" in html
    assert f"/cpf?du={h.award_date.isoformat()}" in html
    # Once sent, nobody is to declare any more.
    as_user(h.w.admin)
    day = h.award_date.isoformat()
    assert client.post("/cpf/exporter", data={"du": day, "au": day}).status_code == 302
    assert deadline_alert(h.w.admin, today=deadline + timedelta(days=1)) is None


def test_the_history_lists_files_with_their_hash(db, client, as_user, exported):
    from assess.cpf.models import CpfExport, CpfReport

    as_user(exported.w.admin)
    page = client.get("/cpf").get_data(as_text=True)
    assert db.session.query(CpfExport).one().sha256 in page
    assert db.session.query(CpfReport).one().sha256 in page
    assert "Accepté" in page


@pytest.mark.parametrize("shape", ["plain", "flat", "lowercase_ns"])
def test_report_shapes_accepted(app, db, awarded, tmp_path, shape):
    from assess.cpf.models import CpfDeclaration

    h = awarded()
    day = h.award_date.isoformat()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["cpf", "export", "--from", day, "--to", day, "-o",
                               str(tmp_path / "f.xml")]).exit_code == 0
    a, b = sorted(d.id_technique for d in db.session.query(CpfDeclaration))
    data = {
        "plain": f"<rapport><PassagesOK><passage><idTechnique>{a}</idTechnique></passage>"
                 f"</PassagesOK><PassagesKO><passage><idTechnique>{b}</idTechnique>"
                 "<messageErreur>Nom inconnu</messageErreur><messageErreur>Code INSEE"
                 "</messageErreur></passage></PassagesKO></rapport>",
        "flat": f"<r><passagesOK><idTechnique>{a}</idTechnique></passagesOK><passagesKO>"
                f"<ko><idTechnique>{b}</idTechnique><messageErreur>Nom inconnu ; Code INSEE"
                "</messageErreur></ko></passagesKO></r>",
        "lowercase_ns": f'<x:cr xmlns:x="urn:cdc"><x:passagesok><x:p><x:idtechnique>{a}'
                        "</x:idtechnique></x:p></x:passagesok><x:passagesko><x:p><x:idtechnique>"
                        f"{b}</x:idtechnique><x:messageerreur>Nom inconnu ; Code INSEE"
                        "</x:messageerreur></x:p></x:passagesko></x:cr>",
    }[shape]
    (tmp_path / "r.xml").write_text(data)
    result = runner.invoke(args=["cpf", "report", str(tmp_path / "r.xml")])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    got = {d.id_technique: (str(d.status), d.message) for d in db.session.query(CpfDeclaration)}
    assert got == {a: ("accepted", None), b: ("rejected", "Nom inconnu ; Code INSEE")}


def test_an_old_report_does_not_undo_a_later_sending(app, db, awarded, tmp_path):
    """A report of the first file, imported after the rejected holder was sent again,
    leaves the new sending as it is."""
    from assess.cpf.models import CpfDeclaration, CpfExport

    h = awarded()
    day = h.award_date.isoformat()
    runner = app.test_cli_runner()

    def export():
        return runner.invoke(args=["cpf", "export", "--from", day, "--to", day, "-o",
                                   str(tmp_path / "f.xml")])

    assert export().exit_code == 0
    first = db.session.query(CpfExport).one()
    a, b = sorted(d.id_technique for d in db.session.query(CpfDeclaration))
    (tmp_path / "ko.xml").write_bytes(report_xml(ko=[(a, "Erreur")], id_flux=first.id_flux))
    assert runner.invoke(args=["cpf", "report", str(tmp_path / "ko.xml")]).exit_code == 0
    assert export().exit_code == 0  # a again
    (tmp_path / "old.xml").write_bytes(report_xml(ok=[b], ko=[(a, "Erreur")],
                                                  id_flux=first.id_flux)
                                       + b"<!-- a second copy -->")
    result = runner.invoke(args=["cpf", "report", str(tmp_path / "old.xml")])
    assert result.exit_code == 0, result.output
    assert "1 accepted, 0 rejected, 1 left as they were" in result.output
    db.session.expire_all()
    got = {d.id_technique: str(d.status) for d in db.session.query(CpfDeclaration)}
    assert got == {a: "sent", b: "accepted"}


def test_add_months():
    from assess.cpf.rules import add_months

    assert add_months(date(2026, 1, 15), 3) == date(2026, 4, 15)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 10, 31), 2) == date(2026, 12, 31)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


def test_rules_name_the_field(app):
    from assess.candidates.models import CPF_ACCESS_ROUTE, AccessRoute
    from assess.cpf.rules import Identity, problems

    ok = Identity(birth_name="A", first_name_1="B", birth_date=date(1990, 1, 1), sex="F",
                  birth_insee_code="2A004", birth_country_code="100")
    with app.test_request_context():
        assert problems(ok, AccessRoute.VAE, CPF_ACCESS_ROUTE) == []
        bad = Identity(birth_name="A\x01", first_name_1="B", birth_date=date(1890, 1, 1),
                       sex="F", birth_insee_code="6912", birth_country_code="FR")
        fields = [p.field for p in problems(bad, AccessRoute.VAE, CPF_ACCESS_ROUTE)]
    assert fields == ["birth_name", "birth_date", "birth_country_code", "birth_insee_code"]


def test_the_page_exports_the_valid_and_lists_the_others(db, client, as_user, awarded, xsd):
    from lxml import etree

    h = awarded()
    h.candidates[1].sex = None
    db.session.commit()
    as_user(h.w.admin)
    day = h.award_date.isoformat()
    response = client.post("/cpf/exporter", data={"du": day, "au": day}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 titulaire n&#39;est pas exporté" in html or "1 titulaire n'est pas exporté" in html
    assert "Le fichier est prêt." in html and "Sexe : Obligatoire" in html
    download = client.get("/cpf/exports/1/fichier")
    assert xsd.validate(etree.fromstring(download.data).getroottree())


def test_the_alert_for_holders_due_soon(app, awarded):
    from assess.cpf.queries import deadline_alert
    from assess.cpf.rules import add_months

    h = awarded(days_ago=80)
    alert = deadline_alert(h.w.admin)
    assert alert is not None and alert.due_soon == 2 and alert.overdue == 0
    assert alert.first_deadline == add_months(h.award_date, 3)
    with app.test_request_context():
        html = render_template("cpf/_deadline_alert.html", cpf_alert=alert)
    assert "2 titulaires sont à déclarer à la CDC dans les 30 jours." in html
