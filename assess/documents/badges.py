"""A document as an Open Badges 3.0 credential (a W3C Verifiable Credential), signed as a
VC-JWT (Open Badges 3.0, § 8.2): the payload is the credential itself with the registered
claims that mirror it (``iss``, ``jti``, ``nbf``, ``exp``), the header names the key
(``kid``, published at ``/.well-known/jwks.json``). Built from the document's facts only,
so the same facts give the same token (Ed25519 signatures are deterministic)."""

from __future__ import annotations

from calendar import timegm
from datetime import date, datetime, time

from flask_babel import force_locale
from flask_babel import gettext as _

from ..signing.badge_key import badge_key

CONTEXT = ["https://www.w3.org/ns/credentials/v2",
           "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
PLATFORM_NAME = "assess"


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59))


def credential(facts: dict) -> dict:
    """The OpenBadgeCredential of a document (unsigned)."""
    base = facts["base_url"]
    with force_locale("fr"):
        if facts["kind"] == "certificate":
            name = _("Certificat — %(title)s", title=facts["certification_title"])
            achievement_name = facts["certification_title"]
            description = _("Titre « %(title)s »%(rncp)s, tous les blocs de compétences "
                            "validés.", title=facts["certification_title"],
                            rncp=_rncp(facts))
            narrative = _("Valider chacun des blocs de compétences du titre devant le jury "
                          "de délibération : %(blocs)s.",
                          blocs="; ".join(_bloc_name(b) for b in facts["blocs"]))
            achievement_id = f"{base}/referentiel"
            achievement_type = "Certification"
        else:
            bloc = facts["blocs"][0]
            name = _("Attestation de bloc de compétences — %(bloc)s", bloc=_bloc_name(bloc))
            achievement_name = _bloc_name(bloc)
            description = _("Bloc de compétences du titre « %(title)s »%(rncp)s.",
                            title=facts["certification_title"], rncp=_rncp(facts))
            narrative = _("Compétences évaluées et validées par le jury : %(list)s",
                          list=" ".join(f"{c['code']} {c['text']}" for c in bloc["competences"]))
            achievement_id = f"{base}/referentiel#bloc-{bloc['number']}"
            achievement_type = "Competency"
    achievement = {"id": achievement_id, "type": ["Achievement"], "name": achievement_name,
                   "description": description, "criteria": {"narrative": narrative},
                   "achievementType": achievement_type}
    if facts.get("rncp_code"):
        achievement["humanCode"] = facts["rncp_code"]
    vc = {
        "@context": CONTEXT,
        "id": facts["verify_url"],
        "type": TYPE,
        "issuer": {"id": f"{base}/", "type": ["Profile"],
                   "name": facts.get("certifier_name") or PLATFORM_NAME},
        "validFrom": _iso(datetime.fromisoformat(facts["issued_at"])),
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            # The holder is named as on the PDF, nothing more (OB 3.0 IdentityObject, not
            # hashed: a name is what the document shows anyway).
            "identifier": [{"type": "IdentityObject", "identityType": "name",
                            "hashed": False, "identityHash": facts["holder_name"]}],
            "achievement": achievement,
        },
    }
    if facts.get("valid_until"):
        vc["validUntil"] = _iso(_end_of(date.fromisoformat(facts["valid_until"])))
    return vc


def signed_credential(facts: dict) -> str:
    """The credential as a compact VC-JWT (EdDSA, Ed25519)."""
    import jwt

    vc = credential(facts)
    key = badge_key()
    claims = {**vc, "iss": vc["issuer"]["id"], "jti": vc["id"],
              "nbf": timegm(datetime.fromisoformat(facts["issued_at"]).timetuple())}
    if "validUntil" in vc:
        claims["exp"] = timegm(_end_of(date.fromisoformat(facts["valid_until"])).timetuple())
    return jwt.encode(claims, key.private_key, algorithm="EdDSA",
                      headers={"kid": key.kid, "typ": "JWT"})


def _bloc_name(bloc: dict) -> str:
    return _("Bloc %(n)d — %(title)s", n=bloc["number"], title=bloc["title"])


def _rncp(facts: dict) -> str:
    return f" ({facts['rncp_code']})" if facts.get("rncp_code") else ""
