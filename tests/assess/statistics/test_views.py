"""The statistics pages: who sees which centre, the filters and their bad input, the
charts, the exports, the public summary (no login, small groups hidden), and the
agreement between evaluators shared with the results page."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from tests.assess.appeals.conftest import published  # noqa: F401 (a fixture)
from tests.assess.deliberation.conftest import deliberating  # noqa: F401 (a fixture)


def _csv(response):
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))


@pytest.fixture
def two_centres(db, centres, published_session):
    a, b, admins = centres()
    sa = published_session(a, ["VVV*", "VNN", "AAA"], name="Session Alpha")
    sb = published_session(b, ["VVV*", "NNN"], name="Session Bêta")
    return a, b, admins, sa, sb


def test_anonymous_jurors_and_candidates_do_not_see_the_figures(db, client, as_user, make_user,
                                                                 two_centres):
    response = client.get("/statistiques")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for role in ("juror", "candidate"):
        assert as_user(make_user(role)).get("/statistiques").status_code == 403
        assert as_user(make_user(role)).get("/statistiques/export.csv").status_code == 403


def test_the_certifier_sees_every_centre_a_centre_admin_only_theirs(db, as_user, two_centres):
    a, b, (certifier, admin_a, _admin_b), sa, sb = two_centres
    page = as_user(certifier).get("/statistiques").get_data(as_text=True)
    assert "Session Alpha" in page and "Session Bêta" in page and "Par centre" in page
    client = as_user(admin_a)
    page = client.get("/statistiques").get_data(as_text=True)
    assert "Session Alpha" in page and "Session Bêta" not in page
    assert "Centre Bêta" not in page  # not even among the filter's choices
    assert client.get(f"/statistiques?centre={a.id}").status_code == 200
    assert client.get(f"/statistiques?centre={b.id}").status_code == 403
    assert client.get(f"/statistiques/export.csv?centre={b.id}").status_code == 403
    assert client.get(f"/statistiques?session={sb.session.id}").status_code == 404
    assert client.get(f"/statistiques?session={sa.session.id}").status_code == 200
    rows = _csv(client.get("/statistiques/export.csv"))
    assert [r[2] for r in rows[1:]] == ["Session Alpha", "Total"]


@pytest.mark.parametrize("query", ["annee=abc", "annee=1066", "centre=-1", "centre=x",
                                   f"centre={2**63}", f"session={10**30}", "session=1%00"])
def test_bad_filters_are_explained_not_a_crash(db, as_user, two_centres, query):
    certifier = two_centres[2][0]
    response = as_user(certifier).get(f"/statistiques?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Un filtre n'est pas valide" in page and 'aria-invalid="true"' in page
    export = as_user(certifier).get(f"/statistiques/export.csv?{query}")
    assert export.status_code == 400 and export.get_data(as_text=True)


def test_unknown_centre_or_session_is_404(db, as_user, two_centres):
    certifier = two_centres[2][0]
    assert as_user(certifier).get("/statistiques?centre=999999").status_code == 404
    assert as_user(certifier).get("/statistiques?session=999999").status_code == 404
    assert as_user(certifier).get("/statistiques/export.csv?vue=x").status_code == 400


def test_the_page_draws_svg_bars_and_no_remote_script(db, as_user, two_centres):
    certifier = two_centres[2][0]
    page = as_user(certifier).get("/statistiques").get_data(as_text=True)
    assert page.count('<svg class="bar"') >= 2 + 3 + 14
    assert re.search(r'<rect class="bar-ok" x="0.0" y="0" width="40.0"', page)  # 2 of 5
    assert "<script" not in page.split("</main>")[0].split("<main")[1]
    assert "http://" not in page and "https://" not in page
    assert "Accord entre évaluateurs, par critère" in page  # the shared partial


def test_the_page_sends_the_same_statements_for_few_and_many_sessions(
        db, as_user, centres, published_session, count_queries):
    a, b, (certifier, _x, _y) = centres()
    published_session(a, ["VVV*"])
    client = as_user(certifier)
    with count_queries() as few:
        assert client.get("/statistiques").status_code == 200
    for centre in (a, b, b, a, b):
        published_session(centre, ["VVV*", "AAA", "V-A"])
    with count_queries() as many:
        assert client.get("/statistiques").status_code == 200
    assert len(few) == len(many)


def test_exports_per_session_bloc_and_criterion(db, as_user, two_centres):
    a, _b, (certifier, _x, _y), sa, _sb = two_centres
    client = as_user(certifier)
    rows = _csv(client.get(f"/statistiques/export.csv?centre={a.id}"))
    assert rows[0][:6] == ["Année", "Centre de formation", "Session", "Inscrits", "Absents",
                           "Présentés"]
    line = dict(zip(rows[0], rows[1], strict=True))
    assert (line["Session"], line["Inscrits"], line["Absents"], line["Certifiés"],
            line["Partiellement certifiés"], line["Taux de certification (%)"]) == (
        "Session Alpha", "3", "1", "1", "1", "50.0")
    blocs = _csv(client.get("/statistiques/export.csv?vue=blocs"))
    assert [r[0] for r in blocs[1:]] == ["1", "2", "3"]
    criteria = _csv(client.get("/statistiques/export.csv?vue=criteres"))
    assert len(criteria) == 1 + 14 and criteria[1][1] == "CR1.1"
    response = client.get("/statistiques/export.xlsx")
    data = response.data
    response.close()
    sheet = load_workbook(io.BytesIO(data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert sheet.freeze_panes == "D2"
    assert isinstance(values[1][0], int) and isinstance(values[1][3], int)
    assert values[-1][2] == "Total" and values[-1][3] == 5


def test_the_public_summary_needs_no_login_and_hides_small_groups(
        db, client, centres, published_session):
    a, b, _admins = centres()
    published_session(a, ["VVV*"] * 4 + ["VNN"] * 2, name="Grande session")
    published_session(a, ["VVV*"] * 5 + ["NNN"], name="Autre grande session")
    published_session(b, ["VVV*", "NNN", "AAA"], name="Petite session")
    published_session(b, ["VVV*"] * 9, released=False, name="Pas encore publiée")
    response = client.get("/statistiques/publiques")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=600"
    page = response.get_data(as_text=True)
    assert "Pas encore publiée" not in page
    # 14 presented in all: shown; the small session hidden, and the smaller of the other
    # two as well (else the total minus the other would give the small one back).
    assert "<dd>14</dd>" in page
    row = page.split("Petite session")[1].split("</tr>")[0]
    assert "moins de 5 présentés" in row and "%" not in row
    grande = page.split("Grande session")[1].split("</tr>")[0]
    autre = page.split("Autre grande session")[1].split("</tr>")[0]
    assert ("moins de 5" in grande) != ("moins de 5" in autre)
    assert "@example.test" not in page and "Nom" not in page  # nobody is named


def test_a_year_with_few_candidates_is_not_detailed(db, client, centres, published_session):
    a, _b, _admins = centres()
    published_session(a, ["VVV*", "NNN"], name="Toute petite session")
    page = client.get("/statistiques/publiques").get_data(as_text=True)
    assert "les résultats ne sont pas détaillés" in page and "Toute petite session" not in page


def test_the_pooled_agreement_is_the_results_pages_for_one_session(db, published, as_user):  # noqa: F811
    from assess.results.queries import criterion_agreement
    from assess.statistics import queries
    from assess.statistics.queries import Scope

    d = published()
    _criteria, pooled = queries.criteria_and_agreement(Scope(session_id=d.w.session.id))
    assert pooled == criterion_agreement(d.w.session)
    assert any(a.agreement.pairs for a in pooled)  # the disputed criterion has a pair
    page = as_user(d.w.admin).get(f"/statistiques?session={d.w.session.id}").get_data(
        as_text=True)
    assert "CR2.2.1" in page and "Kappa pondéré" in page


def test_absence_is_the_transcripts(db, centres, published_session):
    from assess.results.transcript import transcript_data
    from assess.statistics import queries
    from assess.statistics.queries import Scope

    a, _b, _admins = centres()
    built = published_session(a, ["AVV"])
    transcript = {b.number: b.outcome for b in transcript_data(built.enrolments[0]).blocs}
    blocs = {b.number: b.figures for b in queries.bloc_lines(Scope())}
    assert transcript[1] == "absent" and blocs[1].absent == 1
    assert transcript[2] != "absent" and blocs[2].absent == 0
