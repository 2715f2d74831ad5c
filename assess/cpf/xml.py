"""The declaration file: a ``flux`` of the CDC schema (``certifications-cdc-1.1.2.xsd``,
namespace ``urn:cdc:cpf:pc5:schema:1.0.0``, shipped next to this module), built with lxml
from holders whose records passed ``rules.problems``, and validated against the XSD.

What each passage declares: the certification by its RNCP code (``type`` RNCP), deposited
by the certifier itself (``natureDeposant`` CERTIFICATEUR, the emitter's ``idClient`` being
the certifier's); the title obtained by admission (``PAR_ADMISSION``), the data certified
by the certifier (``donneeCertifiee`` true); the first and last exam day and how they were
sat (in person, remotely, both) when the épreuves are dated; validity from the award date
(the deliberation), for life (``dateFinValidite`` nil); no European language or digital
level, no score, no mention (nil); the access route (``modaliteAcces``); the holder's
identity (``titulaire``).

The 1.1.2 schema has no element for blocs de compétences: a partial certification (blocs
validated, title not awarded) cannot be declared with it, so only awarded titles are.
"""

from __future__ import annotations

import threading
from datetime import datetime
from functools import cache
from pathlib import Path

from lxml import etree

from ..candidates.models import CPF_ACCESS_ROUTE, AccessRoute

NS = "urn:cdc:cpf:pc5:schema:1.0.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_PATH = Path(__file__).with_name("certifications-cdc-1.1.2.xsd")
_C = f"{{{NS}}}"
# One schema object for the process; its error log is per object, so one check at a time.
_VALIDATING = threading.Lock()


@cache
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), parser))


def validate(data: bytes) -> list[str]:
    """The XSD's complaints about ``data`` (empty: valid), each with its line."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        document = etree.fromstring(data, parser).getroottree()
    except etree.XMLSyntaxError as exc:
        return [str(exc)]
    with _VALIDATING:
        checker = schema()
        if checker.validate(document):
            return []
        return [f"line {e.line}: {e.message}" for e in checker.error_log]


def _el(parent, name: str, text=None, *, nil: bool = False):
    node = etree.SubElement(parent, _C + name)
    if nil:
        node.set(f"{{{XSI}}}nil", "true")
    elif text is not None:
        node.text = str(text)
    return node


def build(holders, settings, *, id_flux: str, at: datetime) -> bytes:
    """The flux declaring ``holders`` (``queries.Holder`` whose records have no problem);
    ``at``: an aware datetime (the file's ``horodatage``)."""
    root = etree.Element(_C + "flux", nsmap={"cpf": NS, "xsi": XSI})
    _el(root, "idFlux", id_flux)
    _el(root, "horodatage", at.replace(microsecond=0).isoformat())
    emitter = _el(root, "emetteur")
    _el(emitter, "idClient", settings.cpf_id_client.strip())
    certifier = _el(_el(emitter, "certificateurs"), "certificateur")
    _el(certifier, "idClient", settings.cpf_id_client.strip())
    _el(certifier, "idContrat", settings.cpf_id_contrat.strip())
    certification = _el(_el(certifier, "certifications"), "certification")
    _el(certification, "type", "RNCP")
    _el(certification, "code", settings.rncp_code.strip())
    _el(certification, "natureDeposant", "CERTIFICATEUR")
    passages = _el(certification, "passageCertifications")
    for holder, id_technique in holders:
        _passage(passages, holder, id_technique)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _passage(parent, holder, id_technique: str) -> None:
    p = _el(parent, "passageCertification")
    _el(p, "idTechnique", id_technique)
    _el(p, "obtentionCertification", "PAR_ADMISSION")
    _el(p, "donneeCertifiee", "true")
    if holder.exam_start and holder.exam_end:
        _el(p, "dateDebutExamen", holder.exam_start.isoformat())
        _el(p, "dateFinExamen", holder.exam_end.isoformat())
    if holder.exam_mode:
        _el(p, "modalitePassageExamen", holder.exam_mode)
    _el(p, "dateDebutValidite", holder.award_date.isoformat())
    _el(p, "dateFinValidite", nil=True)
    _el(p, "presenceNiveauLangueEuro", "false")
    _el(p, "presenceNiveauNumeriqueEuro", "false")
    _el(p, "scoring", nil=True)
    _el(p, "mentionValidee", nil=True)
    inscription = _el(p, "modalitesInscription")
    _el(inscription, "modaliteAcces", CPF_ACCESS_ROUTE[AccessRoute(holder.candidate.access_route)])
    _titulaire(_el(p, "identificationTitulaire"), holder.identity)


def _titulaire(parent, identity) -> None:
    t = _el(parent, "titulaire")
    _el(t, "nomNaissance", identity.text("birth_name"))
    usage = identity.text("usage_name")
    _el(t, "nomUsage", usage or None, nil=not usage)
    _el(t, "prenom1", identity.text("first_name_1"))
    for n in (2, 3):
        if identity.text(f"first_name_{n}"):
            _el(t, f"prenom{n}", identity.text(f"first_name_{n}"))
    born = identity.birth_date
    _el(t, "anneeNaissance", born.year)
    _el(t, "moisNaissance", born.month)
    _el(t, "jourNaissance", born.day)
    _el(t, "sexe", identity.text("sex").upper())
    kind, code = identity.commune_code
    commune = _el(t, "codeCommuneNaissance")
    if kind == "insee":
        _el(_el(commune, "codeInseeNaissance"), "codeInsee", code)
    else:
        _el(_el(commune, "codePostalNaissance"), "codePostal", code)
    if identity.text("birth_commune"):
        _el(t, "libelleCommuneNaissance", identity.text("birth_commune"))
    _el(t, "codePaysNaissance", identity.country)
    if identity.country == "100":
        _el(t, "libellePaysNaissance", "France")
