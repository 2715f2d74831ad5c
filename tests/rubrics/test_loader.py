"""The loader refuses inconsistent data, naming the file, the line and the code.

Each broken variant is the packaged TOML edited with str.replace, so the
expected line is computed from the edited text itself.
"""

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rubrics import Referential, ReferentialError, load, loads
from rubrics.loader import DEFAULT_PATH
from rubrics.stored import build_from_data

PACKAGED = DEFAULT_PATH.read_text(encoding="utf-8")
NAME = "essai.toml"


def edit(old: str, new: str, nth: int = 1, text: str = PACKAGED) -> str:
    """Replace the nth occurrence of `old` (which must exist)."""
    start = -1
    for _ in range(nth):
        start = text.find(old, start + 1)
        assert start >= 0, f"{old!r} not found {nth} times"
    return text[:start] + new + text[start + len(old) :]


def line_of(text: str, needle: str, nth: int = 1) -> int:
    lines = enumerate(text.splitlines(), 1)
    hits = [n for n, line in lines if needle in line and not line.lstrip().startswith("#")]
    assert len(hits) >= nth, f"{needle!r} not found {nth} times"
    return hits[nth - 1]


def refused(text: str, *, line: int, code: str | None = None, bloc: int | None = None):
    with pytest.raises(ReferentialError) as caught:
        loads(text, NAME)
    error = caught.value
    message = str(error)
    assert message.startswith(f"{NAME}, ligne {line}"), message
    assert error.line == line and error.source == NAME
    if code:
        assert code in message and error.code == code, message
    if bloc:
        assert f"bloc {bloc}" in message and error.block == bloc, message
    return message


# -- what loads -----------------------------------------------------------------
def test_packaged_file_loads_with_one_gap():
    ref = load()
    assert isinstance(ref, Referential)
    assert [g.split(" :")[0] for g in ref.gaps] == ["CR1.2"]


def test_load_and_loads_agree(tmp_path):
    copy = tmp_path / "copie.toml"
    copy.write_text(PACKAGED, encoding="utf-8")
    assert load(copy) == loads(PACKAGED, "x") == load()
    assert load(copy).content_hash() == load().content_hash()


def test_missing_text_is_a_gap_not_an_error():
    text = edit("text = \"L'outil de gestion de projet", "# text = \"L'outil de gestion de projet")
    ref = loads(text, NAME)
    assert ref.criterion("CR1.4").missing_text and ref.criterion("CR1.4").text is None
    assert [g.split(" :")[0] for g in ref.gaps] == ["CR1.2", "CR1.4"]


def test_explicit_rule_params_load():
    text = edit(
        'type = "all_acquired"', 'type = "mandatory"\ncriteria = ["CR2.1"]\nmin_acquired = 2', 2
    )
    rule = loads(text, NAME).block(2).rule
    assert rule.type == "mandatory" and rule.params == {"criteria": ("CR2.1",), "min_acquired": 2}


# -- refusals -----------------------------------------------------------------
def test_toml_syntax_error():
    text = edit('code = "CR1.4"', 'code = "CR1.4')
    message = refused(text, line=line_of(text, 'code = "CR1.4'))
    assert "syntaxe TOML" in message and "colonne" in message


def test_toml_syntax_error_at_end_of_document():
    with pytest.raises(ReferentialError, match=r"^essai\.toml, ligne 1.*syntaxe"):
        loads("title = ", NAME)


def test_missing_required_key():
    text = edit('competence = "C2.3"\n', "")
    message = refused(text, line=line_of(text, 'code = "CR2.3"'), code="CR2.3", bloc=2)
    assert "clé obligatoire manquante « competence »" in message


def test_missing_key_of_an_entry_without_code():
    text = edit('code = "C1.4"\n', "")
    # The entry has no code left: its table header is the line named.
    header = line_of(text, 'text = "Utiliser avec maîtrise') - 1
    message = refused(text, line=header, bloc=1)
    assert "« code »" in message


def test_missing_top_level_key():
    text = edit('title = "Chargé(e)', 'titre = "Chargé(e)')
    message = refused(text, line=line_of(text, "titre = "))
    assert "clé inconnue « titre »" in message


def test_unknown_key_is_refused_not_read_as_a_gap():
    text = edit("text = \"L'outil de gestion", "txt = \"L'outil de gestion")
    message = refused(text, line=line_of(text, "txt = "), code="CR1.4", bloc=1)
    assert "clé inconnue « txt »" in message


def test_unknown_competence():
    text = edit('code = "CR1.4"\ncompetence = "C1.4"', 'code = "CR1.9"\ncompetence = "C1.9"')
    message = refused(text, line=line_of(text, 'competence = "C1.9"'), code="CR1.9", bloc=1)
    assert "C1.9" in message and "n'existe pas" in message


def test_duplicate_criterion_code():
    text = edit('code = "CR1.3.2"', 'code = "CR1.3.1"')
    message = refused(text, line=line_of(text, 'code = "CR1.3.1"', 2), code="CR1.3.1", bloc=1)
    assert "en double" in message


def test_duplicate_competence_code():
    text = edit('code = "C3.4"', 'code = "C3.3"')
    message = refused(text, line=line_of(text, 'code = "C3.3"', 2), code="C3.3", bloc=3)
    assert "en double" in message


def test_code_of_another_bloc():
    text = edit('code = "CR2.1"\ncompetence = "C2.1"', 'code = "CR1.1"\ncompetence = "C2.1"')
    message = refused(text, line=line_of(text, 'code = "CR1.1"', 2), code="CR1.1", bloc=2)
    assert "n'appartient pas au bloc 2" in message


def test_criterion_number_must_match_competence():
    text = edit('competence = "C1.3.2"', 'competence = "C1.3.1"')
    message = refused(text, line=line_of(text, 'competence = "C1.3.1"', 2), code="CR1.3.2", bloc=1)
    assert "doit évaluer la compétence C1.3.2" in message


def test_competence_without_criterion():
    new = '[[blocks.competences]]\ncode = "C1.5"\ntext = "Une compétence de plus."\n\n[[blocks.criteria]]'
    text = edit("[[blocks.criteria]]", new)
    message = refused(text, line=line_of(text, 'code = "C1.5"'), code="C1.5", bloc=1)
    assert "aucun critère" in message


def test_empty_bloc():
    start = PACKAGED.index('[[blocks.criteria]]\ncode = "CR2.1"')
    end = PACKAGED.index("# ------", start)
    text = PACKAGED[:start] + PACKAGED[end:]
    message = refused(text, line=line_of(text, "[[blocks]]", 2), bloc=2)
    assert "aucun critère" in message


def test_duplicate_bloc_number():
    text = edit("number = 2", "number = 1")
    message = refused(text, line=line_of(text, "number = 1", 2), bloc=1)
    assert "en double" in message


def test_blocs_numbered_one_to_n():
    text = edit("number = 3", "number = 4")
    message = refused(text, line=line_of(text, "number = 4"), bloc=4)
    assert "1 à n" in message


def test_bloc_code_matches_number():
    text = edit('code = "A2"', 'code = "A7"')
    refused(text, line=line_of(text, 'code = "A7"'), bloc=2)


def test_unknown_modality_kind():
    text = edit('kind = "practical_case_study"', 'kind = "oral_exam"')
    message = refused(text, line=line_of(text, 'kind = "oral_exam"'), bloc=2)
    assert "type de modalité inconnu" in message


def test_unknown_part_kind():
    text = edit('kind = "oral"', 'kind = "video"')
    message = refused(text, line=line_of(text, 'kind = "video"'), bloc=3)
    assert "type de partie inconnu" in message


def test_parts_must_fit_the_modality():
    text = edit('kind = "oral"', 'kind = "written"')
    message = refused(text, line=line_of(text, 'kind = "dossier"') - 1, bloc=3)
    assert "dossier, oral" in message


def test_unknown_rule_type():
    text = edit('type = "all_acquired"', 'type = "magic"', 3)
    message = refused(text, line=line_of(text, 'type = "magic"'), code="magic", bloc=3)
    assert "type de règle inconnu" in message


@pytest.mark.parametrize(
    "params, key, fragment",
    [
        ("min_acquired = 9", "min_acquired", "dépasse"),
        ("min_acquired = -1", "min_acquired", "entier"),
        ("min_acquired = 2\nno_fail = 1", "no_fail", "true ou false"),
        ("min_acquired = 2\nfoo = 1", "foo", "paramètre inconnu"),
    ],
)
def test_bad_threshold_params(params, key, fragment):
    text = edit('type = "all_acquired"', f'type = "threshold"\n{params}', 2)
    message = refused(text, line=line_of(text, f"{key} = "), code="threshold", bloc=2)
    assert fragment in message


def test_missing_rule_param():
    text = edit('type = "all_acquired"', 'type = "threshold"', 2)
    message = refused(text, line=line_of(text, "[blocks.rule]", 2), code="threshold", bloc=2)
    assert "min_acquired" in message


def test_mandatory_criterion_outside_the_bloc():
    text = edit('type = "all_acquired"', 'type = "mandatory"\ncriteria = ["CR2.1"]')
    message = refused(text, line=line_of(text, "criteria = "), code="mandatory", bloc=1)
    assert "CR2.1" in message


def test_scale_duplicate_level():
    text = edit('code = "partiellement_acquis"', 'code = "acquis"')
    message = refused(text, line=line_of(text, 'code = "acquis"', 2), code="acquis")
    assert "en double" in message


def test_scale_without_levels():
    start = PACKAGED.index("[[scale.levels]]")
    end = PACKAGED.index("# ------", start)
    text = PACKAGED[:start] + "[scale]\nlevels = []\n\n" + PACKAGED[end:]
    message = refused(text, line=line_of(text, "levels = []"))
    assert "au moins deux niveaux" in message


@pytest.mark.parametrize("value", ['""', '"   "'])
def test_empty_text(value):
    cr14_text_line = PACKAGED.splitlines()[line_of(PACKAGED, "text = \"L'outil") - 1]
    text = edit(cr14_text_line, f"text = {value}")
    message = refused(text, line=line_of(text, f"text = {value}"), code="CR1.4", bloc=1)
    assert "texte vide" in message


@pytest.mark.parametrize(
    "new, fragment",
    [("<p>Les moyens sont", "balise HTML"), (" Les moyens sont", "espaces superflus")],
)
def test_text_rule_is_enforced(new, fragment):
    text = edit('"Les moyens sont', f'"{new}')
    message = refused(text, line=line_of(text, new), code="CR1.3.3", bloc=1)
    assert fragment in message


def test_bad_rncp_code():
    text = edit('title = "Chargé(e)', 'rncp_code = "12345"\ntitle = "Chargé(e)')
    refused(text, line=line_of(text, "rncp_code"))
    ok = edit('title = "Chargé(e)', 'rncp_code = "RNCP12345"\ntitle = "Chargé(e)')
    assert loads(ok, NAME).rncp_code == "RNCP12345"


def test_load_names_the_file(tmp_path):
    broken = tmp_path / "casse.toml"
    broken.write_text(edit('competence = "C1.4"', 'competence = "C1.9"'), encoding="utf-8")
    with pytest.raises(ReferentialError, match=r"casse\.toml, ligne \d+ \(bloc 1, CR1\.4\)"):
        load(broken)


def test_load_refuses_non_utf8(tmp_path):
    latin = tmp_path / "latin.toml"
    latin.write_bytes(PACKAGED.encode("latin-1", errors="replace"))
    with pytest.raises(ReferentialError, match="UTF-8"):
        load(latin)


# -- the database form goes through the same validator ------------------------
def _data():
    return json.loads(json.dumps(load().to_data()))


def test_from_data_refuses_unknown_competence():
    data = _data()
    data["blocks"][2]["criteria"][0]["competence"] = "C3.9"
    with pytest.raises(ReferentialError, match=r"^<données du référentiel> \(bloc 3, CR3\.1\)"):
        build_from_data(data)


def test_from_data_refuses_contradictory_missing_text():
    data = _data()
    data["blocks"][0]["criteria"][0]["missing_text"] = True
    with pytest.raises(ReferentialError, match="CR1.1"):
        build_from_data(data)


def test_from_data_refuses_bad_rule_params():
    data = _data()
    data["blocks"][0]["rule"] = {"type": "threshold", "params": {"min_acquired": 99}}
    with pytest.raises(ReferentialError, match="dépasse"):
        build_from_data(data)


# -- robustness: any damage gives a ReferentialError, never a crash -----------
LINES = PACKAGED.splitlines()
KEY_LINES = [n for n, line in enumerate(LINES) if re.match(r"^[a-z_]+ = ", line)]
TOML_VALUES = st.sampled_from(
    ['""', '"x"', "0", "-1", "3", "true", "[]", '["CR1.1"]', "[1, 2]", "{}", "{ a = 1 }"]
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KEY_LINES), TOML_VALUES)
def test_any_bad_value_is_refused_cleanly(n, value):
    key = LINES[n].split(" = ", 1)[0]
    text = "\n".join(LINES[:n] + [f"{key} = {value}"] + LINES[n + 1 :])
    try:
        loads(text, NAME)
    except ReferentialError as error:
        assert str(error).startswith(f"{NAME}, ligne ")


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(0, len(LINES) - 1), min_size=1, max_size=3))
def test_any_missing_lines_are_refused_cleanly(dropped):
    text = "\n".join(line for n, line in enumerate(LINES) if n not in dropped)
    try:
        loads(text, NAME)
    except ReferentialError as error:
        assert str(error).startswith(f"{NAME}, ligne ")
