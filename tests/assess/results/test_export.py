"""The session's results as CSV and XLSX: one row per candidate with each bloc's outcome
and each criterion's level, typed cells, formulas neutralised, for the session's admins."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from tests.assess.appeals.conftest import published  # noqa: F401 (a fixture)
from tests.assess.deliberation.conftest import deliberating  # noqa: F401 (a fixture)
from tests.factories import ACTORS


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def _xlsx(response):
    assert response.status_code == 200
    data = response.data
    response.close()  # as the WSGI server does: the temporary file goes
    return load_workbook(io.BytesIO(data)).active


def _url(session, fmt="csv"):
    return f"/sessions/{session.id}/resultats/export.{fmt}"


def _levels(db, enrolment):
    from sqlalchemy import select

    from assess.referential.models import Block
    from assess.results.models import BlockResult

    db.session.expire_all()
    return {number: (str(outcome), dict(levels)) for number, outcome, levels in db.session.execute(
        select(Block.number, BlockResult.outcome, BlockResult.criterion_levels)
        .join(Block, Block.id == BlockResult.block_id)
        .where(BlockResult.enrolment_id == enrolment.id))}


def test_one_row_per_candidate_with_outcomes_and_decided_levels(db, published, as_user):  # noqa: F811
    d = published()
    rows = _csv(as_user(d.w.centre_admin).get(_url(d.w.session)))
    header, lines = rows[0], rows[1:]
    codes = [c.code for b in d.w.session.referential_version.blocks for c in b.criteria]
    assert header[:7] == ["N° d'inscription", "Nom", "Prénom", "E-mail", "Date de naissance",
                          "Voie d'accès", "Parcours"]
    assert header[-3:] == ["Blocs validés", "Titre", "Publiés le"]
    assert [h for h in header if h.startswith("CR")] == codes and len(codes) == 14
    assert len(lines) == 2
    by_id = {int(line[0]): dict(zip(header, line, strict=True)) for line in lines}
    labels = {"acquis": "acquis", "partiellement_acquis": "partiellement acquis",
              "non_acquis": "non acquis"}
    for enrolment in d.w.enrolments:
        row, stored = by_id[enrolment.id], _levels(db, enrolment)
        assert row["E-mail"] == enrolment.candidate.user.email
        validated = 0
        for number, (outcome, levels) in stored.items():
            assert row[f"Bloc {number}"] == {"validated": "validé",
                                             "not_validated": "non validé"}[outcome]
            validated += outcome == "validated"
            for code, level in levels.items():
                assert row[code] == labels[level], (code, level)
        assert row["Blocs validés"] == str(validated)
        assert row["Titre"] in {"titre obtenu", "non obtenu"}
        assert row["Publiés le"]  # published: the day is there
    # The level the jury retained on the disputed criterion is the one exported.
    assert by_id[d.disputed.id]["CR2.2.1"] == labels[_levels(db, d.disputed)[2][1]["CR2.2.1"]]


def test_xlsx_is_typed_frozen_and_neutralises_formulas(db, published, as_user):  # noqa: F811
    d = published()
    user = d.w.enrolments[0].candidate.user
    user.last_name = "=HYPERLINK(\"http://x\")"
    d.w.enrolments[0].candidate.birth_date = date(1999, 4, 30)
    db.session.commit()
    sheet = _xlsx(as_user(d.w.admin).get(_url(d.w.session, "xlsx")))
    assert sheet.freeze_panes == "D2"
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    assert all(c.font.b for c in rows[0])
    assert len(rows) == 3
    line = next(r for r in rows[1:] if r[0].value == d.w.enrolments[0].id)
    cells = dict(zip(header, line, strict=True))
    assert isinstance(cells["N° d'inscription"].value, int)
    assert cells["Nom"].value == "'=HYPERLINK(\"http://x\")"
    assert cells["Date de naissance"].value == datetime(1999, 4, 30)
    assert cells["Date de naissance"].number_format == "DD/MM/YYYY"
    assert isinstance(cells["Publiés le"].value, datetime)
    assert cells["Publiés le"].number_format == "DD/MM/YYYY HH:MM"
    assert isinstance(cells["Blocs validés"].value, int)


def test_an_absent_bloc_is_absent_as_on_the_transcript(db, published, as_user):  # noqa: F811
    from assess.attendance.models import Attendance, ExamAttendance
    from assess.results.transcript import transcript_data

    d = published()
    exam1 = next(e for e in d.w.session.exams if e.block.number == 1)
    other = d.w.enrolments[1]
    db.session.add(ExamAttendance(enrolment_id=other.id, exam_id=exam1.id,
                                  status=Attendance.WITHDRAWN, on_date=date(2026, 1, 5)))
    db.session.commit()
    rows = _csv(as_user(d.w.centre_admin).get(_url(d.w.session)))
    row = dict(zip(rows[0], next(r for r in rows[1:] if int(r[0]) == other.id), strict=True))
    assert row["Bloc 1"] == "absent(e)"
    assert all(row[c.code] == "" for c in exam1.block.criteria)  # nothing graded shown
    blocs = {b.number: b.outcome for b in transcript_data(other).blocs}
    assert blocs[1] == "absent"


def test_before_publication_the_export_is_provisional_and_for_admins(db, deliberating,  # noqa: F811
                                                                      as_user):
    d = deliberating()
    client = as_user(d.w.centre_admin)
    page = client.get(f"/sessions/{d.w.session.id}/resultats").get_data(as_text=True)
    assert _url(d.w.session) in page and _url(d.w.session, "xlsx") in page
    assert "Résultats provisoires" in page
    response = client.get(_url(d.w.session))
    assert f"resultats-session-{d.w.session.id}-provisoires.csv" in \
        response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = _csv(response)
    assert len(rows) == 3 and {r[-1] for r in rows[1:]} == {""}  # not published: no day
    assert {r[-2] for r in rows[1:]} <= {"titre obtenu", "non obtenu", "en attente"}


def test_a_bloc_not_enrolled_and_results_not_computed_say_so(db, world, as_user):
    from tests.factories import create_user, enrol

    w = world(candidates=1, jurors=0)
    bloc3 = [b for b in w.session.referential_version.blocks if b.number == 3]
    enrol(w.session, create_user("candidate", centre=w.centre), bloc3)
    db.session.commit()
    rows = _csv(as_user(w.centre_admin).get(_url(w.session)))
    assert len(rows) == 3
    partial = next(dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[6] == "blocs")
    assert partial["Bloc 1"] == "non inscrit" and partial["Bloc 3"] == "non calculé"
    assert partial["Titre"] == "non calculé" and partial["CR1.1"] == ""


def test_the_export_reads_a_fixed_number_of_statements(db, world, as_user, count_queries):
    from tests.factories import create_user, enrol

    w = world(candidates=2, jurors=0)
    client = as_user(w.centre_admin)
    with count_queries() as few:
        assert len(_csv(client.get(_url(w.session)))) == 3
    for _ in range(6):
        enrol(w.session, create_user("candidate", centre=w.centre))
    db.session.commit()
    with count_queries() as many:
        assert len(_csv(client.get(_url(w.session)))) == 9
    assert len(few) == len(many)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("who", list(ACTORS))
def test_who_may_export(db, world, as_user, client, who, fmt):
    w = world(candidates=1)
    user = ACTORS[who](w)
    c = as_user(user) if who != "anonymous" else client
    expected = {"certifier_admin": 200, "centre_admin": 200, "other_centre_admin": 404,
                "assigned_juror": 403, "enrolled_candidate": 403, "anonymous": 302}[who]
    response = c.get(_url(w.session, fmt))
    assert response.status_code == expected
    response.close()
    assert c.get(f"/sessions/999999/resultats/export.{fmt}").status_code == (
        404 if expected == 200 else expected)
