"""The archive's sections: one provider per kind of data held about a candidate, each
yielding ``(path in the zip, bytes or an iterator of bytes)``. The archive is the
concatenation of ``SECTIONS``, in this order; a feature adds its own provider to the list
(the issued documents, for one).

Every provider reads through ``queries`` (scoped to the archive's enrolments) and writes
JSON for the machine and, where a person reads it, a PDF. Files come from the storage in
chunks (``archive.blob_chunks``). Evaluators are numbered, not named (the PV names the
jury); other candidates never appear: a PV is exported as an extract of the lines about
the candidate, never as the signed document."""

from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _

from ..accounts.models import Role
from ..storage import get_storage
from . import queries
from .archive import blob_chunks, safe_part, to_json
from .pdf import minutes_extract_pdf, personal_data_pdf


def _session_folder(session) -> str:
    return safe_part(f"{session.id}-{session.name}", f"session-{session.id}")


def _folders(scope) -> dict[int, str]:
    """{enrolment id: its session's folder name}."""
    return {e.id: _session_folder(e.session) for e in scope.enrolments}


def _stored_blob(path: str, key: str | None):
    """The blob under ``path``, or a note saying it is no longer kept."""
    if key and get_storage().exists(key):
        yield path, blob_chunks(key)
    else:
        yield f"{path}.absent.txt", _(
            "Ce fichier n'est plus conservé (durée de conservation écoulée) : ses "
            "caractéristiques restent dans le fichier JSON voisin.").encode()


# -- read me first ------------------------------------------------------------------
def readme(scope):
    lines = [
        _("Vos données sur la plateforme de certification"),
        "",
        _("Cette archive contient tout ce que la plateforme conserve à votre sujet, "
          "à la date de l'export :"),
        _("- donnees-personnelles : votre compte, votre identité, vos inscriptions (JSON et "
          "PDF lisible) ;"),
        _("- depots : les fichiers déposés et leurs accusés de dépôt (PDF) ;"),
        _("- grilles-evaluation : les grilles des évaluateurs, avec leurs observations ;"),
        _("- decisions : les décisions du jury et vos résultats ;"),
        _("- proces-verbaux : un extrait de chaque procès-verbal, limité aux décisions "
          "vous concernant ;"),
        _("- amenagements, recours, convocations, notifications : vos demandes, les "
          "réponses, les messages envoyés ;"),
        _("- documents : vos attestations de blocs et votre certificat (PDF scellés), leurs "
          "badges numériques et leurs codes de vérification ;"),
        _("- journal : les événements du journal d'audit qui vous concernent."),
        "",
        _("Les grilles, décisions et procès-verbaux d'une session n'y figurent qu'une fois "
          "ses résultats publiés. Les évaluateurs sont numérotés, non nommés. Les dates "
          "sont en temps universel (UTC)."),
    ]
    yield "LISEZMOI.txt", ("\n".join(lines) + "\n").encode()


# -- personal data ------------------------------------------------------------------
def personal_data(scope):
    user = scope.user
    account = {"email": user.email, "first_name": user.first_name,
               "last_name": user.last_name, "role": user.role}
    if scope.whole_person:
        account.update({"locale": user.locale, "active": user.active,
                        "created_at": user.created_at, "last_login_at": user.last_login_at})
    data = {
        "account": account,
        "candidate_records": [{
            "id": c.id, "centre": c.centre.name, "access_route": c.access_route,
            "birth_name": c.birth_name, "usage_name": c.usage_name,
            "first_names": [n for n in (c.first_name_1, c.first_name_2, c.first_name_3) if n],
            "birth_date": c.birth_date, "sex": c.sex, "birth_insee_code": c.birth_insee_code,
            "birth_postal_code": c.birth_postal_code, "birth_commune": c.birth_commune,
            "birth_country_code": c.birth_country_code,
        } for c in scope.candidates],
        "enrolments": [{
            "id": e.id, "session": e.session.name, "centre": e.session.centre.name,
            "starts_on": e.session.starts_on, "ends_on": e.session.ends_on,
            "full_title": e.full_title, "blocks": [b.number for b in e.blocks],
            "accommodation_request": e.accommodation_request,
            "anonymous_number": e.anonymous_number, "created_at": e.created_at,
            "results_published": e.id in scope.published_ids,
        } for e in scope.enrolments],
        "deadline_extensions": [{
            "enrolment_id": x.enrolment_id, "exam_id": x.exam_id, "until": x.until,
            "reason": x.reason, "granted_at": x.granted_at,
        } for x in queries.extensions(scope)],
    }
    yield "donnees-personnelles/donnees.json", to_json(data)
    yield "donnees-personnelles/donnees.pdf", personal_data_pdf(scope, data)


# -- hand-ins -------------------------------------------------------------------------
def submissions(scope):
    from ..submissions.receipt_pdf import receipt_of

    folders = _folders(scope)
    for sub in queries.submissions(scope):
        base = f"depots/{folders[sub.enrolment_id]}/bloc-{sub.exam.block.number}"
        described = []
        for f in sub.files:
            name = safe_part(f"{f.id}-{f.original_name}")
            folder = base if f.superseded_at is None else f"{base}/remplaces"
            described.append({
                "id": f.id, "file": f"{folder}/{name}", "deliverable": f.deliverable,
                "original_name": f.original_name, "content_type": f.content_type,
                "size": f.size, "sha256": f.sha256, "uploaded_at": f.uploaded_at,
                "superseded_at": f.superseded_at, "late": f.late, "on_behalf": f.on_behalf,
                "check_status": f.check_status, "page_count": f.page_count})
            yield from _stored_blob(f"{folder}/{name}", f.storage_key)
            yield f"{folder}/accuse-de-depot-{f.id}.pdf", receipt_of(f)
        links = [{"deliverable": link.deliverable, "url": link.url, "given_at": link.given_at,
                  "superseded_at": link.superseded_at, "late": link.late,
                  "on_behalf": link.on_behalf} for link in sub.links]
        yield f"{base}/depot.json", to_json({
            "exam": sub.exam.block.title, "status": sub.status, "created_at": sub.created_at,
            "files": described, "links": links})


# -- grading sheets -------------------------------------------------------------------
def grading(scope):
    folders = _folders(scope)
    numbered: dict[tuple[int, int], int] = defaultdict(int)
    by_enrolment: dict[int, list] = defaultdict(list)
    for assignment, sheet in queries.sheets(scope):
        slot = (assignment.enrolment_id, assignment.exam_id)
        numbered[slot] += 1
        by_enrolment[assignment.enrolment_id].append({
            "block": assignment.exam.block.number,
            "evaluator": _("Évaluateur %(n)d", n=numbered[slot]),
            "status": sheet.status, "submitted_at": sheet.submitted_at,
            "withdrawn": assignment.withdrawn_at is not None,
            "candidate_absent": sheet.candidate_absent,
            "overall_comment": sheet.overall_comment,
            "criteria": [{
                "code": m.criterion.code, "level": m.level, "observation": m.observation,
                "evidence": m.evidence, "oral_evidence": m.oral_evidence,
            } for m in sheet.marks],
        })
    for enrolment_id, sheets in by_enrolment.items():
        yield f"grilles-evaluation/{folders[enrolment_id]}.json", to_json(sheets)


# -- decisions and results ------------------------------------------------------------
def decisions(scope):
    folders = _folders(scope)
    found = queries.decisions(scope)
    per: dict[int, dict] = defaultdict(lambda: {"block_decisions": [], "level_decisions": [],
                                                "block_results": [], "title": None})
    for d in found["blocks"]:
        per[d.enrolment_id]["block_decisions"].append({
            "block": d.block.number, "outcome": d.outcome, "proposed": d.proposed,
            "reason": d.reason, "decided_at": d.decided_at, "superseded_at": d.superseded_at,
            "after_appeal": d.appeal_id is not None})
    for d in found["levels"]:
        per[d.enrolment_id]["level_decisions"].append({
            "criterion": d.criterion_code, "level": d.level, "reason": d.reason,
            "decided_at": d.decided_at, "superseded_at": d.superseded_at,
            "after_appeal": d.appeal_id is not None})
    for r in found["block_results"]:
        per[r.enrolment_id]["block_results"].append({
            "block": r.block.number, "outcome": r.outcome, "proposed": r.proposed_outcome,
            "criterion_levels": r.criterion_levels, "disagreements": r.disagreements})
    for t in found["titles"]:
        per[t.enrolment_id]["title"] = {"outcome": t.outcome, "published_at": t.published_at}
    for enrolment_id, data in per.items():
        yield f"decisions/{folders[enrolment_id]}.json", to_json(data)


# -- procès-verbaux: the candidate's own lines ------------------------------------------
def minutes_extracts(scope):
    pvs = queries.minutes(scope)
    if not pvs:
        return
    found = queries.decisions(scope)
    mine = {e.session_id: e for e in scope.enrolments if e.id in scope.published_ids}
    for pv in pvs:
        enrolment = mine[pv.session_id]
        lines = [d for d in found["blocks"] if d.enrolment_id == enrolment.id
                 and d.appeal_id == pv.appeal_id]
        levels = [d for d in found["levels"] if d.enrolment_id == enrolment.id
                  and d.appeal_id == pv.appeal_id]
        if not lines and not levels:
            continue  # an amendment about another candidate's appeal
        data = {
            "session": enrolment.session.name, "number": pv.number, "status": pv.status,
            "created_at": pv.created_at, "sealed_at": pv.sealed_at,
            "sealed_sha256": pv.sealed_sha256,
            "jury": [{"name": s.user.full_name, "role": s.role, "signed_at": s.signed_at}
                     for s in pv.signatures],
            "decisions": [{"block": d.block.number, "title": d.block.title,
                           "outcome": d.outcome, "reason": d.reason}
                          for d in lines],
            "retained_levels": [{"criterion": d.criterion_code, "level": d.level,
                                 "reason": d.reason} for d in levels],
        }
        name = f"proces-verbaux/{_session_folder(enrolment.session)}-pv-{pv.number}"
        yield f"{name}.json", to_json(data)
        yield f"{name}.pdf", minutes_extract_pdf(scope, data)


# -- aménagements -------------------------------------------------------------------
def accommodations(scope):
    folders = _folders(scope)
    for row in queries.accommodations(scope):
        base = f"amenagements/{folders[row.enrolment_id]}"
        yield f"{base}/amenagement.json", to_json({
            "extra_time_percent": row.extra_time_percent,
            "exception_reason": row.exception_reason, "human_aid": row.human_aid,
            "technical_aid": row.technical_aid,
            "spread_over_sessions": row.spread_over_sessions, "other": row.other,
            "requested_at": row.requested_at, "status": row.status,
            "decided_at": row.decided_at, "decision_note": row.decision_note,
            "document": {"name": row.document_name, "size": row.document_size,
                         "sha256": row.document_sha256} if row.document_sha256 else None,
            "measures": [{"exam_id": m.exam_id, "extra_minutes": m.extra_minutes,
                          "aids": m.aids} for m in row.measures],
        })
        if row.document_key:
            yield from _stored_blob(
                f"{base}/justificatif-{safe_part(row.document_name, 'document')}",
                row.document_key)


# -- appeals ------------------------------------------------------------------------
def appeals(scope):
    folders = _folders(scope)
    for appeal in queries.appeals(scope):
        base = f"recours/{folders[appeal.enrolment_id]}"
        yield f"{base}/recours.json", to_json({
            "status": appeal.status, "reason": appeal.reason, "filed_at": appeal.filed_at,
            "reviewed_at": appeal.reviewed_at, "answer": appeal.answer,
            "answered_at": appeal.answered_at, "closed_at": appeal.closed_at,
            "files": [{"name": f.original_name, "size": f.size, "sha256": f.sha256,
                       "uploaded_at": f.uploaded_at} for f in appeal.files],
        })
        for f in appeal.files:
            yield from _stored_blob(f"{base}/{safe_part(f'{f.id}-{f.original_name}')}",
                                    f.storage_key)


# -- convocations and messages --------------------------------------------------------
def convocations(scope):
    folders = _folders(scope)
    for c in queries.convocations(scope):
        base = f"convocations/{folders[c.enrolment_id]}/convocation-{c.id}"
        yield f"{base}.json", to_json({"version": c.version, "details": c.details,
                                       "created_at": c.created_at, "sent_at": c.sent_at})
        if c.pdf_key:
            yield from _stored_blob(f"{base}.pdf", c.pdf_key)
        if c.ics_key:
            yield from _stored_blob(f"{base}.ics", c.ics_key)


def notifications(scope):
    rows = queries.notifications(scope)
    if not rows:
        return
    yield "notifications/messages.json", to_json([{
        "event": n.event, "to": n.recipient_email, "subject": n.subject, "body": n.body,
        "status": n.status, "created_at": n.created_at, "sent_at": n.sent_at,
        "read_at": n.read_at, "link": n.link,
        "attachments": [a.get("filename") for a in (n.attachments or [])],
    } for n in rows])
    for n in rows:
        for item in n.attachments or []:
            if item.get("key"):  # a stored file; a drawn one (a receipt) is under depots
                yield from _stored_blob(
                    f"notifications/pieces-jointes/{n.id}-{safe_part(item.get('filename'))}",
                    item["key"])


# -- the audit trail ------------------------------------------------------------------
def _actor(event, scope) -> str:
    actor = event.actor
    if actor is None:
        return _("la plateforme")
    if actor.id == scope.user.id:
        return _("vous-même")
    if actor.role in (Role.CERTIFIER_ADMIN, Role.CENTRE_ADMIN):
        return _("%(name)s (administration)", name=actor.full_name)
    return _("un membre du jury")


def audit_events(scope):
    events = queries.audit_events(scope)
    yield "journal/evenements.json", to_json([{
        "at": e.at, "action": e.action, "by": _actor(e, scope), "object": e.object_type,
        "object_id": e.object_id, "old": e.old, "new": e.new, "reason": e.reason,
    } for e in events])


# -- attestations and certificates ---------------------------------------------------
def issued_documents(scope):
    folders = _folders(scope)
    for d in queries.issued_documents(scope):
        blocs = "-".join(str(b.get("number")) for b in (d.facts or {}).get("blocs", []))
        name = "certificat" if d.kind == "certificate" else f"attestation-bloc-{blocs}"
        base = f"documents/{folders[d.enrolment_id]}/{name}"
        yield f"{base}.json", to_json({
            "kind": d.kind, "verification_code": d.code, "issued_at": d.issued_at,
            "valid_until": d.valid_until, "sha256": d.sha256, "revoked_at": d.revoked_at,
            "facts": d.facts})
        yield f"{base}.pdf", iter([queries.document_pdf(d.id)])  # read when reached
        if d.badge_jwt:
            yield f"{base}.badge.jwt", d.badge_jwt.encode()


SECTIONS = [readme, personal_data, submissions, grading, decisions, minutes_extracts,
            accommodations, appeals, convocations, notifications, issued_documents,
            audit_events]
