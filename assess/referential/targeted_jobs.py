"""Métiers visés par le titre, for the certification's public page.

Names and codes come from the job sheets in the source material; the summaries
are written for this page (the sheets' prose is not reproduced).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class TargetedJob:
    name: str
    other_titles: tuple[str, ...]
    rome: str | None
    summary: object  # lazy string


TARGETED_JOBS = (
    TargetedJob(
        "Chargé de communication Web",
        ("Chargé de communication numérique", "Chargé de communication interactive",
         "Chargé de communication digitale"),
        None,
        _l("Promeut l'organisation et son offre sur Internet et décline sa stratégie de "
           "communication sur le Web, avec le webmestre, le webmarketeur et la direction."),
    ),
    TargetedJob(
        "Responsable communication on-line",
        ("Responsable communication Internet", "Responsable communication digitale",
         "Responsable e-brand", "Chef de projet communication interactive"),
        None,
        _l("Définit et organise la présence d'un annonceur sur Internet, en cohérence avec "
           "la stratégie de communication globale de l'entreprise."),
    ),
    TargetedJob(
        "Community manager",
        ("Animateur web",),
        "E1101",
        _l("Anime un site ou un espace multimédia, suit les échanges avec les clients et les "
           "internautes et veille sur l'image de l'entreprise en ligne."),
    ),
    TargetedJob(
        "Community manager (animateur de communautés web)",
        ("Gestionnaire de communautés Internet", "Animateur réseaux sociaux"),
        None,
        _l("Fédère et anime des communautés d'internautes autour de la marque, fait respecter "
           "leurs règles et développe la présence de l'entreprise sur Internet."),
    ),
)
