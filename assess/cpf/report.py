"""Reading the CDC's processing report (« accusé de traitement ») of a declaration file.

The format accepted (element names compared without their namespace and case, so that
``PassagesOK`` and ``passagesOK``, with or without the CDC's namespace, are the same)::

    <accuseTraitement>                     <!-- any root element -->
      <idFlux>…</idFlux>                   <!-- optional: the idFlux of the export -->
      <passagesOK>                         <!-- zero or more -->
        <passage><idTechnique>…</idTechnique></passage>   <!-- any element name -->
        <idTechnique>…</idTechnique>       <!-- or the identifier alone -->
      </passagesOK>
      <passagesKO>                         <!-- zero or more -->
        <passage>
          <idTechnique>…</idTechnique>
          <messageErreur>…</messageErreur> <!-- one or more; joined -->
        </passage>
      </passagesKO>
    </accuseTraitement>

Each entry of ``PassagesOK`` accepts the declaration of that ``idTechnique``; each entry of
``PassagesKO`` rejects it with its ``messageErreur``. At least one PassagesOK or
PassagesKO element is required; an entry holds exactly one idTechnique; an identifier
both accepted and rejected is refused. The file is parsed by defusedxml (expat): a DTD
that declares entities (an expansion bomb, an external entity) or refers to an external
document is refused before anything is expanded or fetched: any DOCTYPE is refused
(a CDC report has none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring
from flask_babel import gettext as _

from workflows.base import Refused

MESSAGE_MAX = 2000


class ReportRefused(Refused):
    """The report cannot be imported; nothing was changed."""


@dataclass
class Report:
    id_flux: str | None = None
    accepted: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # idTechnique -> message

    @property
    def ids(self) -> set[str]:
        return set(self.accepted) | set(self.rejected)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _text(node) -> str:
    return "".join(node.itertext()).strip()


def parse(data: bytes) -> Report:
    if not data.strip():
        raise ReportRefused(_("Le fichier est vide."))
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise ReportRefused(_(
            "Le rapport contient une déclaration DOCTYPE (DTD, entités XML) : il est refusé "
            "par sécurité (expansion d'entités, entité ou document externe). Un rapport de "
            "la CDC n'en contient pas.")) from exc
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise ReportRefused(_(
            "Ce fichier n'est pas un XML lisible (ligne %(line)d, colonne %(column)d) : "
            "déposez le rapport de traitement tel que la CDC l'a fourni.",
            line=line, column=column)) from exc
    report = Report()
    ok_lists = [n for n in root.iter() if _local(n.tag) == "passagesok"]
    ko_lists = [n for n in root.iter() if _local(n.tag) == "passagesko"]
    if not ok_lists and not ko_lists:
        raise ReportRefused(_(
            "Ce fichier XML n'est pas un rapport de traitement de la CDC : il ne contient "
            "ni PassagesOK ni PassagesKO."))
    flux = next((n for n in root.iter() if _local(n.tag) == "idflux"), None)
    if flux is not None and _text(flux):
        report.id_flux = _text(flux)[:50]
    for container in ok_lists:
        for id_technique, _message in _entries(container):
            report.accepted.append(id_technique)
    for container in ko_lists:
        for id_technique, message in _entries(container):
            report.rejected[id_technique] = message
    both = sorted(set(report.accepted) & set(report.rejected))
    if both:
        raise ReportRefused(_(
            "Le rapport donne à la fois comme accepté et rejeté : %(ids)s.",
            ids=", ".join(both[:10])))
    report.accepted = sorted(set(report.accepted))
    return report


def _entries(container):
    """(idTechnique, message) of each entry of a PassagesOK / PassagesKO element."""
    for child in container:
        if not isinstance(child.tag, str):
            continue  # a comment or a processing instruction
        if _local(child.tag) == "idtechnique":
            ids, messages = [child], []
        else:
            ids = [n for n in child.iter() if _local(n.tag) == "idtechnique"]
            messages = [_text(n) for n in child.iter() if _local(n.tag) == "messageerreur"]
        values = [_text(n) for n in ids]
        if len(values) != 1 or not values[0]:
            raise ReportRefused(_(
                "Une entrée de %(list)s doit contenir exactement un idTechnique non vide.",
                list="PassagesOK" if _local(container.tag) == "passagesok" else "PassagesKO"))
        yield values[0][:255], " ; ".join(m for m in messages if m)[:MESSAGE_MAX]
