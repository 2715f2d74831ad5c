"""The jury composition rules, each on its own, then ``check`` and ``blocking``."""

from __future__ import annotations

import pytest

from workflows.jury_rules import (
    RULES,
    Link,
    Member,
    Problem,
    blocking,
    check,
    collegial,
    external_half,
    no_link,
    one_president,
    parity,
    professional,
)

CENTRE, OTHER_CENTRE = 10, 20


def member(user_id: int, name: str, **kwargs) -> Member:
    return Member(user_id=user_id, name=name, **kwargs)


ADA = member(1, "Ada Martin", is_president=True, is_professional=True, gender="female")
LEO = member(2, "Léo Petit", gender="male")
INES = member(3, "Inès Roy", gender="female")


def rules_of(problems: list[Problem]) -> list[str]:
    return [p.rule for p in problems]


# -- collegial ----------------------------------------------------------------------
def test_collegial_refuses_an_empty_jury():
    [problem] = collegial([])
    assert problem.rule == "collegial" and problem.blocking
    assert "aucun membre" in problem.render()


def test_collegial_refuses_a_single_member_and_names_them():
    [problem] = collegial([ADA])
    assert problem.blocking
    assert "Ada Martin" in problem.render() and "au moins deux" in problem.render()


def test_collegial_accepts_two_members():
    assert collegial([ADA, LEO]) == []


# -- one president ------------------------------------------------------------------
def test_one_president_refuses_a_jury_without_president():
    [problem] = one_president([LEO, INES])
    assert problem.rule == "one_president" and problem.blocking
    assert "pas de président" in problem.render()


def test_one_president_accepts_exactly_one():
    assert one_president([ADA, LEO]) == []


def test_one_president_refuses_two_and_names_both():
    second = member(4, "Zoé Blanc", is_president=True)
    [problem] = one_president([ADA, LEO, second])
    text = problem.render()
    assert "2 présidents" in text and "Ada Martin" in text and "Zoé Blanc" in text
    assert "Léo Petit" not in text


# -- external half ------------------------------------------------------------------
def test_external_half_passes_with_exactly_half_external():
    internal = member(5, "Paul Interne", affiliated_centres=frozenset({CENTRE}))
    assert external_half([internal, LEO], {CENTRE}) == []


def test_external_half_fails_below_half_and_names_the_internal_members():
    trainer = member(5, "Paul Interne", affiliated_centres=frozenset({CENTRE}))
    staff = member(6, "Marie Certif", works_for_certifier=True)
    [problem] = external_half([trainer, staff, LEO], {CENTRE})
    text = problem.render()
    assert problem.rule == "external_half" and problem.blocking
    assert "1 membre(s) sur 3" in text
    assert "Paul Interne" in text and "Marie Certif" in text
    assert "Léo Petit" not in text


def test_working_for_the_certifier_counts_as_internal():
    staff = member(6, "Marie Certif", works_for_certifier=True)
    other = member(7, "Jean Certif", works_for_certifier=True)
    [problem] = external_half([staff, other, LEO], {CENTRE})
    assert "Marie Certif" in problem.render() and "Jean Certif" in problem.render()


def test_an_affiliation_to_another_centre_does_not_make_a_member_internal():
    elsewhere = member(8, "Luc Ailleurs", affiliated_centres=frozenset({OTHER_CENTRE}))
    also = member(9, "Eva Ailleurs", affiliated_centres=frozenset({OTHER_CENTRE}))
    assert external_half([elsewhere, also], {CENTRE}) == []
    # ...but it does for a jury that also assesses that other centre's candidates.
    assert rules_of(external_half([elsewhere, also], {CENTRE, OTHER_CENTRE})) == [
        "external_half"]


def test_external_half_says_nothing_of_an_empty_jury():
    assert external_half([], {CENTRE}) == []  # collegial reports it


# -- professional -------------------------------------------------------------------
def test_professional_needs_one_professional_and_names_the_members_otherwise():
    assert professional([ADA, LEO]) == []
    [problem] = professional([LEO, INES])
    assert problem.rule == "professional" and problem.blocking
    assert "Léo Petit" in problem.render() and "Inès Roy" in problem.render()
    assert professional([]) == []


# -- no link ------------------------------------------------------------------------
def test_no_link_names_the_member_and_their_candidates():
    links = [Link(2, "Candidat n° 123456"), Link(2, "Alice Dupont"), Link(3, "Bob Durand")]
    problems = no_link([ADA, LEO, INES], links)
    assert rules_of(problems) == ["no_link", "no_link"]
    assert all(p.blocking for p in problems)
    by_name = {p.reason.params["name"]: p.render() for p in problems}
    assert "Alice Dupont, Candidat n° 123456" in by_name["Léo Petit"]
    assert "Bob Durand" in by_name["Inès Roy"] and "Alice" not in by_name["Inès Roy"]


def test_no_link_ignores_links_of_jurors_who_are_not_members():
    assert no_link([ADA, LEO], [Link(99, "Alice Dupont")]) == []
    assert no_link([ADA], []) == []


# -- parity -------------------------------------------------------------------------
def test_parity_is_a_warning_only():
    women = [ADA, INES]
    [problem] = parity(women)
    assert problem.rule == "parity" and not problem.blocking
    assert "2 membres" in problem.render()
    assert blocking(parity(women)) == []


def test_parity_is_silent_when_both_genders_are_present():
    assert parity([ADA, LEO]) == []


@pytest.mark.parametrize("members", [
    [],
    [ADA],  # one declared gender
    [ADA, member(5, "Sans Réponse"), member(6, "Autre Silence")],  # one declared only
])
def test_parity_is_silent_with_fewer_than_two_declared_genders(members):
    assert parity(members) == []


def test_parity_warns_only_when_every_declared_gender_is_the_same():
    # The warning says the members are « tous du même genre »: a woman and a member of
    # another declared gender are not, and two members of that other gender are.
    other = member(5, "Sam Autre", gender="other")
    assert parity([ADA, other]) == []
    assert rules_of(parity([other, member(6, "Alex Autre", gender="other")])) == ["parity"]
    assert rules_of(parity([LEO, member(6, "Marc Blanc", gender="male")])) == ["parity"]


# -- check and blocking -------------------------------------------------------------
def test_a_jury_that_satisfies_every_rule_has_no_problem():
    assert check([ADA, LEO], {CENTRE}) == []


def test_check_puts_blocking_problems_first_in_the_order_of_the_rules():
    # One member, not president, not professional, internal, linked, women only: every
    # rule fails (parity needs two declared genders: add a second woman, also internal).
    a = member(1, "Ada Martin", gender="female", affiliated_centres=frozenset({CENTRE}))
    b = member(2, "Inès Roy", gender="female", works_for_certifier=True)
    problems = check([a, b], {CENTRE}, [Link(1, "Alice Dupont")])
    assert rules_of(problems) == ["one_president", "external_half", "professional",
                                  "no_link", "parity"]
    assert [p.blocking for p in problems] == [True, True, True, True, False]
    solo = check([a], {CENTRE}, [Link(1, "Alice Dupont")])
    assert rules_of(solo) == ["collegial", "one_president", "external_half",
                              "professional", "no_link"]


def test_blocking_filters_out_warnings():
    problems = check([ADA, INES], {CENTRE})
    assert rules_of(problems) == ["parity"]
    assert blocking(problems) == []
    mixed = check([LEO, INES], {CENTRE})
    assert rules_of(blocking(mixed)) == ["one_president", "professional"]


def test_every_rule_is_listed_once():
    assert len(RULES) == len(set(RULES)) == 6
