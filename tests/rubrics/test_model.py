"""Model values: JSON shape, lossless data form, content hash, helpers, purity."""

import ast
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from rubrics import Rule, load
from rubrics.stored import build_from_data

RUBRICS = Path(__file__).resolve().parents[2] / "rubrics"


@pytest.fixture(scope="module")
def ref():
    return load()


def test_to_json_dict_shape(ref):
    data = ref.to_json_dict(3)
    assert set(data) == {"title", "version", "blocks"}
    assert data["version"] == 3 and data["title"] == ref.title
    assert [b["number"] for b in data["blocks"]] == [1, 2, 3]
    for block in data["blocks"]:
        assert set(block) == {"number", "title", "modality", "competences", "criteria"}
        assert set(block["modality"]) == {"kind", "description", "deliverables"}
        assert isinstance(block["modality"]["deliverables"], list)
        for competence in block["competences"]:
            assert set(competence) == {"code", "text"}
        for criterion in block["criteria"]:
            assert set(criterion) == {"code", "competence", "text", "missing_text"}
    criteria = [c for b in data["blocks"] for c in b["criteria"]]
    assert [c["code"] for c in criteria] == [c.code for c in ref.all_criteria()]
    assert criteria[1] == {
        "code": "CR1.2",
        "competence": "C1.2",
        "text": None,
        "missing_text": True,
    }
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize("bad", [0, -1, True, "1", None])
def test_to_json_dict_refuses_bad_version(ref, bad):
    with pytest.raises(ValueError):
        ref.to_json_dict(bad)


def test_to_data_round_trips_through_json(ref):
    data = json.loads(json.dumps(ref.to_data()))
    again = build_from_data(data)
    assert again == ref
    assert again.to_data() == ref.to_data()
    assert again.content_hash() == ref.content_hash()


def test_to_data_holds_everything(ref):
    data = ref.to_data()
    assert set(data) == {"title", "rncp_code", "scale", "blocks", "gaps"}
    block = data["blocks"][2]
    assert set(block) == {
        "number", "code", "title", "activities", "competences", "criteria", "modality", "rule",
    }  # fmt: skip
    assert [p["kind"] for p in block["modality"]["parts"]] == ["dossier", "oral"]
    assert block["rule"] == {"type": "all_acquired", "params": {}}


def test_content_hash_detects_changes(ref):
    digest = ref.content_hash()
    assert len(digest) == 64 and digest == load().content_hash()
    data = ref.to_data()
    data["blocks"][0]["criteria"][0]["text"] += " Ajout."
    assert build_from_data(data).content_hash() != digest
    renamed = dataclasses.replace(ref, rncp_code="RNCP12345")
    assert renamed.content_hash() != digest


def test_lookups(ref):
    assert ref.block(2).title.startswith("Mettre en œuvre")
    assert ref.criterion("CR3.4").competence == "C3.4"
    assert ref.block(1).criterion("CR1.4") is ref.criterion("CR1.4")
    assert ref.block(1).competence("C1.2").text.startswith("Analyser")
    assert len(ref.all_criteria()) == 14
    with pytest.raises(KeyError):
        ref.block(4)
    with pytest.raises(KeyError):
        ref.criterion("CR9.9")


def test_scale_helpers(ref):
    scale = ref.scale
    assert scale.codes == ("non_acquis", "partiellement_acquis", "acquis")
    assert (
        scale.index("acquis") == 2 and scale.label("partiellement_acquis") == "partiellement acquis"
    )
    assert (scale.bottom, scale.top) == ("non_acquis", "acquis")
    with pytest.raises(ValueError):
        scale.index("excellent")


def test_values_are_frozen_and_rules_hashable():
    rule = Rule("mandatory", {"criteria": ["CR1.1"], "min_acquired": 1})
    assert rule == Rule("mandatory", {"criteria": ("CR1.1",), "min_acquired": 1})
    assert hash(rule) == hash(Rule("mandatory", {"min_acquired": 1, "criteria": ["CR1.1"]}))
    assert len({rule, Rule("all_acquired"), Rule("all_acquired")}) == 2
    with pytest.raises(TypeError):
        rule.params["min_acquired"] = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.type = "threshold"
    assert rule.params_dict() == {"criteria": ["CR1.1"], "min_acquired": 1}


def test_package_is_pure_python():
    forbidden = ("flask", "sqlalchemy", "assess", "flask_sqlalchemy", "celery")
    for source in RUBRICS.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0].lower() not in forbidden, f"{source.name}: {name}"
    code = (
        "import sys, rubrics; rubrics.load(); "
        "print([m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'assess')])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=RUBRICS.parent, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
