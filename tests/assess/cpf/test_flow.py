"""The whole declaration: export, validate, report with one rejection, fix, re-export."""

from __future__ import annotations

import io

from lxml import etree

from tests.assess.cpf.conftest import NS, report_xml

C = f"{{{NS}}}"


def _ids(data: bytes) -> list[str]:
    root = etree.fromstring(data)
    return [e.text for e in root.iter(C + "idTechnique")]


def test_export_report_fix_and_export_again(app, db, client, as_user, holders, xsd, tmp_path,
                                            audit_actions):
    from assess.cpf.models import CpfDeclaration, CpfExport, CpfReport

    h = holders()
    day = h.award_date.isoformat()
    runner = app.test_cli_runner()
    out = tmp_path / "cpf.xml"
    result = runner.invoke(args=["cpf", "export", "--from", day, "--to", day, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    document = etree.fromstring(data)
    assert xsd.validate(document.getroottree()), xsd.error_log
    ids = _ids(data)
    assert len(ids) == 2
    # What was declared, read back from the file.
    names = [e.text for e in document.iter(C + "nomNaissance")]
    assert sorted(names) == ["Martin", "Nguyen"]
    assert document.find(f".//{C}certificateur/{C}idContrat").text == "2560080000127J"
    assert document.find(f".//{C}certification/{C}code").text == "RNCP35123"
    assert {e.text for e in document.iter(C + "dateDebutValidite")} == {day}
    assert {e.text for e in document.iter(C + "modaliteAcces")} == {
        "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION"}
    assert document.find(f".//{C}codePostal").text == "75011"
    assert document.find(f".//{C}codeInsee").text == "69123"
    assert document.find(f".//{C}dateDebutExamen") is not None
    export = db.session.query(CpfExport).one()
    assert export.declared == 2 and len(export.sha256) == 64
    assert export.created_by_id is None  # the command line: the platform itself

    # The CDC rejects the first holder.
    declarations = {d.id_technique: d for d in db.session.query(CpfDeclaration)}
    rejected_id = declarations[ids[0]].id_technique
    rejected_enrolment = declarations[ids[0]].enrolment_id
    report = tmp_path / "rapport.xml"
    report.write_bytes(report_xml(ok=[ids[1]], ko=[(ids[0], "Date de naissance incohérente")],
                                  id_flux=export.id_flux))
    result = runner.invoke(args=["cpf", "report", str(report)])
    assert result.exit_code == 0, result.output
    assert "1 accepted, 1 rejected" in result.output
    db.session.expire_all()
    statuses = {d.id_technique: (str(d.status), d.message)
                for d in db.session.query(CpfDeclaration)}
    assert statuses == {ids[0]: ("rejected", "Date de naissance incohérente"),
                        ids[1]: ("accepted", None)}
    assert db.session.query(CpfReport).one().rejected == 1

    # The page shows the rejection and its message.
    as_user(h.w.admin)
    page = client.get(f"/cpf?du={day}&au={day}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Date de naissance incohérente" in html and "Rejeté" in html

    # The certifier fixes the holder's identity on their record page.
    enrolment = next(e for e in h.enrolments if e.id == rejected_enrolment)
    candidate = enrolment.candidate
    record = f"/sessions/{h.w.session.id}/candidats/{enrolment.id}"
    assert record in html
    fields = ("birth_name", "usage_name", "first_name_1", "first_name_2", "first_name_3",
              "sex", "birth_insee_code", "birth_postal_code", "birth_commune",
              "birth_country_code")
    form = {f: getattr(candidate, f) or "" for f in fields}
    form.update(birth_date=candidate.birth_date.replace(year=1993).isoformat(),
                access_route=str(candidate.access_route))
    response = client.post(record, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert candidate.birth_date.year == 1993

    # The re-export carries only the rejected holder, under the same idTechnique.
    response = client.post("/cpf/exporter", data={"du": day, "au": day})
    assert response.status_code == 302
    second = db.session.query(CpfExport).order_by(CpfExport.id.desc()).first()
    assert second.id != export.id and second.declared == 1
    download = client.get(f"/cpf/exports/{second.id}/fichier")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    again = download.data
    assert xsd.validate(etree.fromstring(again).getroottree()), xsd.error_log
    assert _ids(again) == [rejected_id]
    assert b"<cpf:anneeNaissance>1993</cpf:anneeNaissance>" in again
    db.session.expire_all()
    assert str(db.session.query(CpfDeclaration).filter_by(
        id_technique=rejected_id).one().status) == "sent"
    # Every file is kept with its hash and can be downloaded again.
    import hashlib

    first = client.get(f"/cpf/exports/{export.id}/fichier").data
    assert hashlib.sha256(first).hexdigest() == export.sha256 and first == data
    kept_report = db.session.query(CpfReport).one()
    assert client.get(f"/cpf/rapports/{kept_report.id}/fichier").data == report.read_bytes()
    # Nothing left to send: a third export says so.
    response = client.post("/cpf/exporter", data={"du": day, "au": day})
    assert response.status_code == 422
    assert "rien à déclarer" in response.get_data(as_text=True)
    assert audit_actions("cpf.") == ["cpf.exported", "cpf.report_imported", "cpf.exported"]


def test_the_web_upload_of_a_report(db, client, as_user, holders):
    from assess.cpf.models import CpfDeclaration

    h = holders()
    day = h.award_date.isoformat()
    as_user(h.w.admin)
    assert client.post("/cpf/exporter", data={"du": day, "au": day}).status_code == 302
    ids = [d.id_technique for d in db.session.query(CpfDeclaration)]
    response = client.post("/cpf/rapport", data={
        "file": (io.BytesIO(report_xml(ok=ids)), "accuse.xml")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert {str(d.status) for d in db.session.query(CpfDeclaration)} == {"accepted"}
    page = client.get(f"/cpf?du={day}&au={day}").get_data(as_text=True)
    assert "accuse.xml" in page and "Accepté" in page
