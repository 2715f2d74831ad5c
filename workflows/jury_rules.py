"""The composition rules of a jury (or of an oral panel), as pure functions.

DOMAIN.md (Evaluating): a jury is collegial (at least two members), has exactly one
president (the casting vote), at least half of its members external to the certifier and
to the candidates' training centre, at least one professional of the targeted jobs, and
nobody with a declared link to a candidate they assess. Gender balance is reported, as a
warning only.

Each rule takes the members (and what it needs besides) and returns the problems it finds:
a message id with parameters naming the rule and the people concerned, and whether the
problem blocks the move to grading. ``check`` runs them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .base import N_, Reason

RULES = ("collegial", "one_president", "external_half", "professional", "no_link", "parity")


@dataclass(frozen=True)
class Member:
    """What the rules know of a jury member (from the juror's profile)."""

    user_id: int
    name: str
    is_president: bool = False
    works_for_certifier: bool = False
    # The training centres the member is not external to (employed there, trains there).
    affiliated_centres: frozenset[int] = field(default_factory=frozenset)
    is_professional: bool = False
    gender: str | None = None

    def external_to(self, centre_ids: Iterable[int]) -> bool:
        """External to the certifier and to every one of ``centre_ids``."""
        return not self.works_for_certifier and not (self.affiliated_centres & set(centre_ids))


@dataclass(frozen=True)
class Link:
    """A declared link between a juror and a candidate the jury assesses."""

    juror_id: int
    candidate: str  # the candidate's name, or number where grading is anonymous


@dataclass(frozen=True)
class Problem:
    rule: str
    reason: Reason
    blocking: bool = True

    def render(self) -> str:
        return self.reason.render()


def _names(members: Iterable[Member]) -> str:
    return ", ".join(m.name for m in members)


def collegial(members: Sequence[Member]) -> list[Problem]:
    if len(members) >= 2:
        return []
    if not members:
        return [Problem("collegial", Reason(N_(
            "Collégialité : le jury n'a aucun membre ; il en faut au moins deux.")))]
    return [Problem("collegial", Reason(N_(
        "Collégialité : le jury n'a qu'un membre (%(names)s) ; il en faut au moins deux."),
        {"names": _names(members)}))]


def one_president(members: Sequence[Member]) -> list[Problem]:
    presidents = [m for m in members if m.is_president]
    if len(presidents) == 1:
        return []
    if not presidents:
        return [Problem("one_president", Reason(N_(
            "Présidence : le jury n'a pas de président ; désignez-en un parmi ses membres.")))]
    return [Problem("one_president", Reason(N_(
        "Présidence : le jury a %(n)d présidents (%(names)s) ; il en faut exactement un."),
        {"n": len(presidents), "names": _names(presidents)}))]


def external_half(members: Sequence[Member], centre_ids: Iterable[int]) -> list[Problem]:
    """At least half of the members external to the certifier and to the candidates'
    centres (a session has one centre; a certifier-wide jury may see several)."""
    centres = frozenset(centre_ids)
    if not members:
        return []
    internal = [m for m in members if not m.external_to(centres)]
    external = len(members) - len(internal)
    if 2 * external >= len(members):
        return []
    return [Problem("external_half", Reason(N_(
        "Membres extérieurs : %(external)d membre(s) sur %(total)d sont extérieurs au "
        "certificateur et au centre des candidats, il en faut au moins la moitié ; ne le "
        "sont pas : %(names)s."),
        {"external": external, "total": len(members), "names": _names(internal)}))]


def professional(members: Sequence[Member]) -> list[Problem]:
    if not members or any(m.is_professional for m in members):
        return []
    return [Problem("professional", Reason(N_(
        "Professionnels : aucun membre n'est professionnel des métiers visés par le titre "
        "(%(names)s) ; il en faut au moins un."), {"names": _names(members)}))]


def no_link(members: Sequence[Member], links: Iterable[Link]) -> list[Problem]:
    """One problem per member with a declared link to a candidate the jury assesses."""
    by_id = {m.user_id: m for m in members}
    found: dict[int, list[str]] = {}
    for link in links:
        if link.juror_id in by_id:
            found.setdefault(link.juror_id, []).append(link.candidate)
    return [Problem("no_link", Reason(N_(
        "Conflit d'intérêts : %(name)s a un lien déclaré avec %(candidates)s ; ce membre ne "
        "peut pas évaluer ce(s) candidat(s)."),
        {"name": by_id[juror_id].name, "candidates": ", ".join(sorted(candidates))}))
        for juror_id, candidates in sorted(found.items(), key=lambda kv: by_id[kv[0]].name)]


def parity(members: Sequence[Member]) -> list[Problem]:
    """A warning only: the members of one declared gender, where two genders are known."""
    declared = [m.gender for m in members if m.gender]
    if len(declared) < 2:
        return []
    if len(set(declared)) > 1:  # the message says « all of the same gender »
        return []
    return [Problem("parity", Reason(N_(
        "Parité (avertissement) : les %(n)d membres dont le genre est déclaré sont tous du "
        "même genre ; cherchez à équilibrer le jury si possible."),
        {"n": len(declared)}), blocking=False)]


def check(members: Sequence[Member], centre_ids: Iterable[int],
          links: Iterable[Link] = ()) -> list[Problem]:
    """Every problem of the jury, blocking ones first, in the order of ``RULES``."""
    centres = frozenset(centre_ids)
    problems = (collegial(members) + one_president(members)
                + external_half(members, centres) + professional(members)
                + no_link(members, links) + parity(members))
    return sorted(problems, key=lambda p: (not p.blocking, RULES.index(p.rule)))


def blocking(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.blocking]
