import json

import pytest

from assess.referential.models import ReferentialVersion
from rubrics.loader import DEFAULT_PATH

CODES = ["CR1.1", "CR1.2", "CR1.3.1", "CR1.3.2", "CR1.3.3", "CR1.4", "CR2.1", "CR2.2.1",
         "CR2.2.2", "CR2.3", "CR3.1", "CR3.2", "CR3.3", "CR3.4"]


@pytest.fixture
def app(migrated_app):
    return migrated_app


def _invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_show_json_has_exactly_the_documented_shape(app):
    result = _invoke(app, "referential", "show", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"title", "version", "blocks"}
    assert data["title"] == "Chargé(e) de projet en communication et webmarketing"
    assert data["version"] == 1
    assert [b["number"] for b in data["blocks"]] == [1, 2, 3]
    assert [c["code"] for b in data["blocks"] for c in b["criteria"]] == CODES
    for block in data["blocks"]:
        assert set(block) == {"number", "title", "modality", "competences", "criteria"}
        assert set(block["modality"]) == {"kind", "description", "deliverables"}
        for c in block["criteria"]:
            assert set(c) == {"code", "competence", "text", "missing_text"}
    kinds = [b["modality"]["kind"] for b in data["blocks"]]
    assert kinds == ["written_case_study", "practical_case_study", "dossier_and_oral"]
    cr12 = data["blocks"][0]["criteria"][1]
    assert cr12 == {"code": "CR1.2", "competence": "C1.2", "text": None, "missing_text": True}


def test_load_twice_creates_one_version_and_changed_content_creates_the_next(app, db, tmp_path):
    first = _invoke(app, "referential", "load")
    assert first.exit_code == 0, first.output
    assert "version 1" in first.output and "CR1.2" in first.output
    again = _invoke(app, "referential", "load")
    assert again.exit_code == 0
    assert "aucune nouvelle version" in again.output
    assert db.session.query(ReferentialVersion).count() == 1

    changed = tmp_path / "v2.toml"
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    rule = '[blocks.rule]\ntype = "all_acquired"'
    assert rule in text
    changed.write_text(text.replace(rule, '[blocks.rule]\ntype = "threshold"\nmin_acquired = 5', 1),
                       encoding="utf-8")
    third = _invoke(app, "referential", "load", str(changed))
    assert third.exit_code == 0, third.output
    assert "version 2" in third.output
    numbers = sorted(v.number for v in db.session.query(ReferentialVersion))
    assert numbers == [1, 2]
    # show reports the stored version of the content it reads.
    shown = json.loads(_invoke(app, "referential", "show", "--json", str(changed)).output)
    assert shown["version"] == 2


def test_load_stores_blocks_and_criteria(app, db):
    assert _invoke(app, "referential", "load").exit_code == 0
    version = db.session.query(ReferentialVersion).one()
    assert [b.number for b in version.blocks] == [1, 2, 3]
    assert [c.code for b in version.blocks for c in b.criteria] == CODES
    assert [p["kind"] for p in version.blocks[2].parts] == ["dossier", "oral"]
    cr12 = version.blocks[0].criteria[1]
    assert cr12.text is None and cr12.missing_text and cr12.competence_text.startswith("Analyser")
    assert version.gaps and "CR1.2" in version.gaps[0]


def test_load_refuses_a_broken_file_naming_the_place(app, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(DEFAULT_PATH.read_text(encoding="utf-8").replace(
        'competence = "C1.4"', 'competence = "C1.9"', 1), encoding="utf-8")
    result = _invoke(app, "referential", "load", str(broken))
    assert result.exit_code != 0
    assert "broken.toml" in result.output and "ligne" in result.output and "C1.9" in result.output


def test_load_on_an_unprepared_database_says_what_to_do(tmp_path):
    from assess import create_app
    from tests.conftest import make_config

    app = create_app(make_config(tmp_path / "fresh"))
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["referential", "load"])
    assert result.exit_code != 0
    assert "assess db upgrade" in result.output
