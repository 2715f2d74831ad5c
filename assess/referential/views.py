from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Block, ReferentialVersion
from .operations import latest_version
from .targeted_jobs import TARGETED_JOBS

bp = Blueprint("referential", __name__)

PART_LABELS = {"written": _l("Épreuve écrite"), "practical": _l("Étude de cas pratique"),
               "dossier": _l("Dossier"), "oral": _l("Soutenance orale")}


@bp.get("/referentiel")
def public():
    """The certification's public page: blocs, competences, criteria, modalities, jobs."""
    version = latest_version()
    if version is not None:
        version = db.session.scalars(
            db.select(ReferentialVersion)
            .where(ReferentialVersion.id == version.id)
            .options(selectinload(ReferentialVersion.blocks).selectinload(Block.criteria))
        ).one()
    return render_template("referential/public.html", version=version, jobs=TARGETED_JOBS,
                           part_labels=PART_LABELS)
