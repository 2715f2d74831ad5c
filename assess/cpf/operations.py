"""The CPF declaration's state changes: an export (the file of the holders to declare,
validated, kept) and the import of the CDC's processing report (each declaration
accepted or rejected). They flush, never commit; both are audited; a refusal changes
nothing (a file already stored is removed on rollback unless a row uses it)."""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import update

from workflows.base import Refused

from ..audit.operations import record
from ..core.columns import utcnow
from ..extensions import db
from ..storage import get_storage
from ..unit_of_work import Conflict, on_rollback
from . import queries
from . import xml as cpf_xml
from .models import CpfDeclaration, CpfExport, CpfReport, DeclarationStatus
from .report import ReportRefused, parse
from .rules import Problem, settings_problems

DEFAULT_REPORT_MAX_BYTES = 10 * 1024 * 1024


class CpfRefused(Refused):
    """The export cannot be made; nothing was changed."""


class NothingToExport(CpfRefused):
    """No holder of the range is to declare (none awarded, or all sent already)."""


@dataclass(frozen=True)
class LeftOut:
    holder: object  # queries.Holder
    problems: list[Problem]

    def as_dict(self) -> list[dict]:
        return [{"enrolment_id": self.holder.enrolment.id, "session_id": self.holder.session.id,
                 "name": self.holder.name, "field": p.field, "reason": p.reason}
                for p in self.problems]


@dataclass
class ExportResult:
    export: CpfExport | None
    declared: list = field(default_factory=list)  # the holders in the file
    left_out: list[LeftOut] = field(default_factory=list)
    in_range: int = 0


def export(actor, date_from: date, date_to: date, *, now: datetime | None = None
           ) -> ExportResult:
    """Declare the holders awarded from ``date_from`` to ``date_to`` never sent or
    rejected, whose records can be valid; list the others with what to fix. Refused when
    the range is reversed, the certification's CPF settings are incomplete, or nobody of
    the range is to declare. Every holder left out: no file, the list only."""
    if date_to < date_from:
        raise CpfRefused(_("La fin de la période précède son début."))
    settings = queries.certification()
    missing = settings_problems(settings)
    if missing:
        raise CpfRefused(_("Les réglages de la certification sont incomplets : renseignez "
                           "%(what)s (page Certification).", what=", ".join(missing)))
    found = queries.holders(date_from, date_to)
    pending = [h for h in found if h.to_send]
    if not found:
        raise NothingToExport(_(
            "Aucun titulaire n'a obtenu le titre du %(start)s au %(end)s (titre attribué et "
            "publié) : il n'y a rien à déclarer.", start=date_from.isoformat(),
            end=date_to.isoformat()))
    if not pending:
        raise NothingToExport(ngettext(
            "Le titulaire du %(start)s au %(end)s est déjà déclaré (envoyé ou accepté) : il "
            "n'y a rien à déclarer de nouveau.",
            "Les %(num)d titulaires du %(start)s au %(end)s sont déjà déclarés (envoyés ou "
            "acceptés) : il n'y a rien à déclarer de nouveau.", len(found),
            start=date_from.isoformat(), end=date_to.isoformat()))
    left_out = [LeftOut(h, h.problems) for h in pending if h.problems]
    ready = [h for h in pending if not h.problems]
    now = now or utcnow()
    id_flux = str(uuid.uuid4())
    ids = {h.enrolment.id: (h.declaration.id_technique if h.declaration is not None
                            else str(uuid.uuid4())) for h in ready}
    data, ready, rejected_by_schema = _valid_file(ready, ids, settings, id_flux, now)
    left_out += rejected_by_schema
    result = ExportResult(None, ready, left_out, len(found))
    if not ready:
        return result
    blob = _store(data)
    row = CpfExport(id_flux=id_flux, created_at=now, created_by_id=getattr(actor, "id", None),
                    date_from=date_from, date_to=date_to, filename="", storage_key=blob.key,
                    sha256=blob.sha256, size=blob.size, declared=len(ready),
                    left_out=[d for lo in left_out for d in lo.as_dict()])
    db.session.add(row)
    db.session.flush()
    row.filename = f"cpf-{date_from.isoformat()}-{date_to.isoformat()}-{row.id}.xml"
    resent = []
    for h in ready:
        if h.declaration is None:
            db.session.add(CpfDeclaration(enrolment_id=h.enrolment.id,
                                          id_technique=ids[h.enrolment.id],
                                          status=DeclarationStatus.SENT, export_id=row.id,
                                          sent_at=now))
            continue
        # Sent again after a rejection: only if it is still rejected (another export made
        # at the same moment has not sent it already).
        changed = db.session.execute(
            update(CpfDeclaration)
            .where(CpfDeclaration.id == h.declaration.id,
                   CpfDeclaration.status == DeclarationStatus.REJECTED)
            .values(status=DeclarationStatus.SENT, export_id=row.id, sent_at=now,
                    report_id=None, answered_at=None, message=None)
            .execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            raise Conflict()
        resent.append({"enrolment_id": h.enrolment.id, "message": h.declaration.message})
        db.session.expire(h.declaration)  # updated in the database, not in memory
    db.session.flush()
    record(actor, "cpf.exported", row, new={
        "id_flux": id_flux, "from": date_from.isoformat(), "to": date_to.isoformat(),
        "sha256": blob.sha256, "declared": [h.enrolment.id for h in ready],
        "resent_after_rejection": resent,
        "left_out": sorted({lo.holder.enrolment.id for lo in left_out})})
    result.export = row
    return result


def _valid_file(ready, ids, settings, id_flux, now):
    """The file of ``ready``, valid against the XSD. A holder the schema still refuses
    (a rule missed here) is left out with the schema's words, found by validating each
    passage alone; a file still invalid after that is refused."""
    at = now.replace(tzinfo=UTC).astimezone(
        ZoneInfo(current_app.config.get("TIMEZONE") or "Europe/Paris"))

    def file_of(holders):
        return cpf_xml.build([(h, ids[h.enrolment.id]) for h in holders], settings,
                             id_flux=id_flux, at=at)

    if not ready:
        return b"", [], []
    data = file_of(ready)
    errors = cpf_xml.validate(data)
    if not errors:
        return data, ready, []
    left_out, kept = [], []
    for h in ready:
        alone = cpf_xml.validate(file_of([h]))
        if alone:
            left_out.append(LeftOut(h, [Problem("schema", alone[0][:300])]))
        else:
            kept.append(h)
    if not kept:
        return b"", [], left_out
    data = file_of(kept)
    errors = cpf_xml.validate(data)
    if errors:
        raise CpfRefused(_("Le fichier produit n'est pas conforme au schéma de la CDC : "
                           "%(error)s", error=errors[0]))
    return data, kept, left_out


def _store(data: bytes):
    blob = get_storage().save_stream(io.BytesIO(data), max_bytes=len(data) + 1)
    on_rollback(lambda: _discard_unless_used(blob.key))
    return blob


def _discard_unless_used(key: str) -> None:
    if not queries.key_in_use(key):
        get_storage().delete(key)


def report_max_bytes() -> int:
    return int(current_app.config.get("CPF_REPORT_MAX_BYTES") or DEFAULT_REPORT_MAX_BYTES)


def read_bounded(stream, max_bytes: int) -> bytes:
    """At most ``max_bytes`` of ``stream``; refused as soon as it holds more (the rest is
    never read)."""
    chunks, size = [], 0
    while chunk := stream.read(min(64 * 1024, max_bytes + 1 - size)):
        size += len(chunk)
        if size > max_bytes:
            raise ReportRefused(_("Le rapport dépasse %(size)s : il est refusé sans être lu.",
                                  size=size_text(max_bytes)))
        chunks.append(chunk)
    return b"".join(chunks)


def size_text(n: int) -> str:
    """« 10 Mo », « 1,5 Mo », « 64 Ko », « 900 octets »."""
    if n >= 2**20:
        value = n / 2**20
        number = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
        return _("%(n)s Mo", n=number)
    if n >= 1024:
        return _("%(n)d Ko", n=n // 1024)
    return _("%(n)d octets", n=n)


@dataclass(frozen=True)
class ImportResult:
    report: CpfReport
    accepted: int
    rejected: int
    stale: int
    # The period of the latest export the report answers: the page to show afterwards.
    period: tuple[date, date] | None = None


def import_report(actor, filename: str, stream, *, max_bytes: int | None = None
                  ) -> ImportResult:
    """Mark each declaration the report names as accepted or rejected (with the CDC's
    message). Refused, nothing changed: a file too large (not read past the limit), not
    XML, with entities, not a report, already imported, naming an export or
    ``idTechnique`` this platform never sent."""
    max_bytes = max_bytes or report_max_bytes()
    data = read_bounded(stream, max_bytes)
    parsed = parse(data)
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = queries.report_by_hash(sha256)
    if earlier is not None:
        raise ReportRefused(_("Ce rapport a déjà été importé (le %(day)s) : rien n'a changé.",
                              day=earlier.imported_at.date().isoformat()))
    flux = None
    if parsed.id_flux:
        flux = queries.export_by_flux(parsed.id_flux)
        if flux is None:
            raise ReportRefused(_("Le rapport porte sur le fichier %(flux)s, qu'aucun export "
                                  "de cette plateforme n'a produit : rien n'a changé.",
                                  flux=parsed.id_flux))
    known = queries.declarations_by_id(parsed.ids)
    unknown = sorted(parsed.ids - set(known))
    if flux is not None:
        # Never carried by that file: its last sending is older than the file.
        unknown += sorted(i for i, d in known.items() if d.export_id < flux.id)
    if unknown:
        raise ReportRefused(ngettext(
            "Le rapport nomme un idTechnique qu'aucun export n'a envoyé : %(ids)s. Rien n'a "
            "changé ; vérifiez que c'est le rapport d'un fichier de cette plateforme.",
            "Le rapport nomme %(num)d idTechnique qu'aucun export n'a envoyés : %(ids)s. "
            "Rien n'a changé ; vérifiez que c'est le rapport d'un fichier de cette "
            "plateforme.", len(unknown), ids=", ".join(unknown[:10])
            + (" …" if len(unknown) > 10 else "")))
    blob = _store(data)
    now = utcnow()
    row = CpfReport(imported_at=now, imported_by_id=getattr(actor, "id", None),
                    filename=(filename or "rapport.xml")[:255], storage_key=blob.key,
                    sha256=sha256, size=blob.size, id_flux=parsed.id_flux,
                    export_id=flux.id if flux is not None else None)
    db.session.add(row)
    db.session.flush()
    counts = {"accepted": 0, "rejected": 0, "stale": 0}
    changes = []
    for id_technique, declaration in sorted(known.items()):
        current = (declaration.export_id == flux.id if flux is not None
                   else declaration.status == DeclarationStatus.SENT)
        if not current:  # sent again since (or answered already): left as it is
            counts["stale"] += 1
            continue
        rejected = id_technique in parsed.rejected
        changes.append({"enrolment_id": declaration.enrolment_id,
                        "old": str(declaration.status),
                        "new": "rejected" if rejected else "accepted"})
        declaration.status = DeclarationStatus.REJECTED if rejected \
            else DeclarationStatus.ACCEPTED
        declaration.message = (parsed.rejected[id_technique] or _("(sans message)")) \
            if rejected else None
        declaration.report_id, declaration.answered_at = row.id, now
        counts["rejected" if rejected else "accepted"] += 1
    row.accepted, row.rejected, row.stale = counts["accepted"], counts["rejected"], \
        counts["stale"]
    db.session.flush()
    record(actor, "cpf.report_imported", row, new={
        "sha256": sha256, "id_flux": parsed.id_flux, **counts, "changes": changes})
    latest = max((d.export_id for d in known.values()), default=None)
    export = db.session.get(CpfExport, latest) if latest is not None else None
    period = (export.date_from, export.date_to) if export is not None else None
    return ImportResult(row, counts["accepted"], counts["rejected"], counts["stale"], period)


def report_size_refusal(size: int, max_bytes: int | None = None) -> str | None:
    """The refusal of a report of ``size`` bytes, told before reading it (None: fine)."""
    max_bytes = max_bytes or report_max_bytes()
    if size > max_bytes:
        return _("Le rapport dépasse %(size)s : il est refusé sans être lu.",
                 size=size_text(max_bytes))
    return None
