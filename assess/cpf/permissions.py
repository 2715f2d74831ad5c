"""Who uses the CPF declaration: the certifier's admins only (a centre admin never; the
declaration is the certifier's legal obligation and names every centre's holders)."""

from __future__ import annotations

from flask import abort

from ..accounts.models import Role
from ..extensions import db
from .models import CpfExport, CpfReport


def can_declare(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.CERTIFIER_ADMIN


def _load(user, model, object_id: int):
    if not can_declare(user):
        abort(403)
    row = db.session.get(model, object_id)
    if row is None:
        abort(404)
    return row


def load_export(user, export_id: int) -> CpfExport:
    return _load(user, CpfExport, export_id)


def load_report(user, report_id: int) -> CpfReport:
    return _load(user, CpfReport, report_id)
